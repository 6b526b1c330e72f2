"""Plausibility of the money an agency reports (triệu đồng): warnings, never rejections. The
file is accepted; the agency is asked to confirm, and staff see the open warnings (the
consolidation keeps them in the year's summary, ``nscl.reporting.checks.open_checks`` lists
them). Pure: figures in, warnings out, no disk.

The four checks:
- spending with no activity: money spent while the agency reports no indicator above zero and
  no organisation supported (an agency whose tasks sheet describes coordination work is
  warned only from ``NO_ACTIVITY_MIN``: a small sum for communication is plausible);
- far from the agency's history: the year's total more than ``HISTORY_FACTOR`` times its median
  of the earlier years (at least ``HISTORY_MIN_YEARS`` of them), or less than that median
  divided by it, by at least ``HISTORY_MIN``;
- a large share of the province's total: one agency's total above ``SHARE_LIMIT`` of the year's
  total of all agencies (when at least ``SHARE_MIN_AGENCIES`` agencies report money);
- đồng typed into a triệu đồng column: a figure of ``DONG_THRESHOLD`` or more (a thousand
  billion đồng read as triệu: a provincial programme never spends that)."""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from nscl.labels import BUDGET_SOURCES, format_vn_number

NO_ACTIVITY_MIN = 200.0  # triệu đồng
HISTORY_FACTOR = 10.0
HISTORY_MIN = 200.0  # triệu đồng
HISTORY_MIN_YEARS = 2
SHARE_LIMIT = 0.40
SHARE_MIN_AGENCIES = 3
DONG_THRESHOLD = 1_000_000.0  # triệu đồng
SOURCE_LABELS = dict(BUDGET_SOURCES)

KINDS = ("no_activity", "far_from_history", "large_share", "dong_not_trieu")


@dataclass(frozen=True)
class MoneyWarning:
    """One warning: which check, whose figure, the figure, and the Vietnamese text asking to
    confirm it."""

    kind: str
    year: int
    agency_code: str
    value: float
    text: str
    source: str = ""  # the budget source ("provincial") when the warning is about one cell

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _money(v: float) -> str:
    return f"{format_vn_number(v, 1)} triệu đồng"


def money_warnings(
    year: int,
    agency_code: str,
    budget: Mapping[str, float],
    activity: float,
    history: Mapping[int, float] | None = None,
    year_totals: Mapping[str, float] | None = None,
    described: bool = False,
) -> list[MoneyWarning]:
    """Warnings on one agency's money in ``year``. ``budget``: source -> triệu đồng;
    ``activity``: how much it reports doing (indicator values above zero plus organisations
    supported; 0 = nothing); ``history``: its totals of earlier years; ``year_totals``: every
    agency's total in ``year`` (this one included), for its share; ``described``: its tasks
    sheet reports work done (text), without figures."""
    out: list[MoneyWarning] = []
    total = float(sum(v for v in budget.values() if v == v))
    for source, value in budget.items():
        if value == value and value >= DONG_THRESHOLD:
            label = SOURCE_LABELS.get(source, source)
            out.append(
                MoneyWarning(
                    "dong_not_trieu",
                    year,
                    agency_code,
                    float(value),
                    f"Kinh phí “{label}” năm {year} là {_money(value)}, lớn bất thường: có thể số liệu đã được "
                    f"nhập theo đơn vị đồng (tương ứng {format_vn_number(value / 1_000_000, 1)} triệu đồng). "
                    "Đề nghị kiểm tra lại đơn vị tính (triệu đồng) và xác nhận.",
                    source,
                )
            )
    if total > 0 and activity <= 0 and (not described or total >= NO_ACTIVITY_MIN):
        out.append(
            MoneyWarning(
                "no_activity",
                year,
                agency_code,
                total,
                f"Báo cáo năm {year} có kinh phí {_money(total)} nhưng không có hoạt động nào (không có chỉ tiêu "
                "nào lớn hơn 0, không có tổ chức, doanh nghiệp nào được hỗ trợ). Đề nghị xác nhận khoản kinh phí "
                "này hoặc bổ sung kết quả tương ứng.",
            )
        )
    past = [float(v) for y, v in sorted((history or {}).items()) if y < year and v == v and v > 0]
    if len(past) >= HISTORY_MIN_YEARS and total > 0:
        median = statistics.median(past)
        far = total > median * HISTORY_FACTOR or total < median / HISTORY_FACTOR
        if far and abs(total - median) >= HISTORY_MIN:
            out.append(
                MoneyWarning(
                    "far_from_history",
                    year,
                    agency_code,
                    total,
                    f"Tổng kinh phí năm {year} ({_money(total)}) khác xa mức các năm trước của đơn vị (trung vị "
                    f"{_money(median)}). Đề nghị kiểm tra và xác nhận.",
                )
            )
    reporting = {k: float(v) for k, v in (year_totals or {}).items() if v == v and v > 0}
    whole = sum(reporting.values())
    if total > 0 and len(reporting) >= SHARE_MIN_AGENCIES and whole > 0 and total / whole > SHARE_LIMIT:
        out.append(
            MoneyWarning(
                "large_share",
                year,
                agency_code,
                total,
                f"Kinh phí năm {year} của đơn vị ({_money(total)}) chiếm {format_vn_number(100 * total / whole, 0)}% "
                f"tổng kinh phí của cả tỉnh ({_money(whole)}). Đề nghị kiểm tra và xác nhận.",
            )
        )
    return out
