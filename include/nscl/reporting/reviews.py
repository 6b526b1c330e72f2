"""The mid-term review (sơ kết 2021-2025) and the final review (tổng kết 2021-2030).

They add up every year's curated tables (latest accepted submission of each agency per year),
compare each indicator with its phase and ten-year targets, and roll agencies that ceased in the
2025 restructuring up to today's successor: a result is counted once, under the successor, and
the successor's row still names the predecessor it came from ("gồm kết quả của ... (2021-2024)").
Figures elsewhere in the review (narratives, submissions) keep the agency's name of the time.

The sections are built in ``nscl.reporting.review_sections``; this module holds the kinds of
review and puts the context together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from nscl.analysis.indicators import yearly_totals
from nscl.plan.catalogue import Catalogue
from nscl.reporting.charts import budget_chart, indicator_chart
from nscl.reporting.common import RULE_NOTE, settings_context
from nscl.reporting.figures import (
    budget_sentence,
    budget_totals,
    enterprise_funding,
    enterprise_rows,
    enterprises_by_type,
    submission_rows,
    support_sentence,
    unconfirmed_money,
)
from nscl.reporting.names import check_context
from nscl.reporting.narrative import spell_out_first
from nscl.reporting.review_sections import (
    budget_year_rows,
    budget_year_values,
    indicator_pieces,
    indicator_year_rows,
    reporting_pieces,
    rollup_rows,
)
from nscl.reporting.sections import (
    direction_pieces,
    group_rows,
    issuer_names,
    request_text,
    scope_paragraph,
    table_scope_note,
)
from nscl.reporting.synthesis import review_sections
from nscl.reporting.tasks import task_rows, tasks_by_group
from nscl.reporting.tfp_tables import tfp_pieces
from nscl.reporting.yeardata import YearData, indicator_values, organisations, tfp_measured, year_progress


@dataclass(frozen=True)
class ReviewKind:
    kind: str
    first: int
    last: int
    stem: str
    label: str

    @property
    def years(self) -> list[int]:
        return list(range(self.first, self.last + 1))

    @property
    def title(self) -> str:
        """The wording by the number of years, e.g. "Sơ kết 05 năm", "Tổng kết 10 năm"."""
        return f"{self.label.capitalize()} {len(self.years):02d} năm"


PLAN_FIRST, MID_TERM_LAST, PLAN_LAST = 2021, 2025, 2030
# Year columns of the templates' appendix table (by year): blank columns past the range.
TEMPLATE_YEAR_COLUMNS = {"mid-term": 5, "final": 10}
REVIEWS = {
    "mid-term": ReviewKind("mid-term", PLAN_FIRST, MID_TERM_LAST, "so-ket-2021-2025", "sơ kết"),
    "final": ReviewKind("final", PLAN_FIRST, PLAN_LAST, "tong-ket-2021-2030", "tổng kết"),
}


def kind_of_range(last: int) -> str:
    """A range ending in 2025 or earlier is a mid-term review (sơ kết), later a final one (tổng kết)."""
    return "mid-term" if last <= MID_TERM_LAST else "final"


def review_kind(kind: str | None = None, first: int | None = None, last: int | None = None) -> ReviewKind:
    """The review of ``kind`` over its plan years, or over ``first``-``last`` (any range within
    2021-2030; the kind follows from ``last`` unless given). File stem ``so-ket-<first>-<last>`` /
    ``tong-ket-<first>-<last>``."""
    if kind is not None and kind not in REVIEWS:
        raise ValueError(f"loại báo cáo '{kind}' không có; dùng một trong: {', '.join(REVIEWS)}")
    if first is None and last is None:
        if kind is None:
            raise ValueError("cần loại báo cáo (mid-term/final) hoặc khoảng năm (từ năm, đến năm)")
        return REVIEWS[kind]
    base = REVIEWS[kind or kind_of_range(last if last is not None else PLAN_LAST)]
    first = base.first if first is None else int(first)
    last = base.last if last is None else int(last)
    if not PLAN_FIRST <= first <= last <= PLAN_LAST:
        raise ValueError(
            f"khoảng năm {first}-{last} không hợp lệ: cần {PLAN_FIRST} ≤ từ năm ≤ đến năm ≤ {PLAN_LAST}"
        )
    kind = kind or kind_of_range(last)
    if kind == "mid-term" and last > MID_TERM_LAST:
        raise ValueError(f"báo cáo sơ kết chỉ tính đến năm {MID_TERM_LAST}; dùng báo cáo tổng kết (final)")
    prefix = REVIEWS[kind].stem.split("-20", 1)[0]
    return ReviewKind(kind, first, last, f"{prefix}-{first}-{last}", REVIEWS[kind].label)


def review_draft(
    catalogue: Catalogue, rk: ReviewKind, data: list[YearData], settings: dict[str, Any]
) -> dict[str, list[str]]:
    """The narrative sections drafted for the review (what staff start from): a synthesis of
    the years it covers (``nscl.reporting.narrative.review_sections``)."""
    data = [d for d in data if d.summary is not None]
    last = year_progress(catalogue, rk.last, data)
    first_phase = catalogue.phase_of(2021)
    p1 = (
        year_progress(catalogue, min(rk.last, first_phase.last), data)
        if rk.first <= first_phase.last
        else None
    )
    next_label = "giai đoạn 2026-2030" if rk.kind == "mid-term" else "giai đoạn tiếp theo"
    return review_sections(catalogue, rk.first, rk.last, data, p1, last, issuer_names(settings), next_label)


def review_context(
    catalogue: Catalogue,
    kind: str | ReviewKind,
    data: list[YearData],
    settings: dict[str, Any],
    issued: dt.date | None,
    texts: dict[str, list[str]] | None = None,
    draft: bool = True,
) -> dict[str, Any]:
    """The review's context; ``data`` holds the years of the review (missing years are allowed
    and said so). ``kind`` is "mid-term"/"final" (their plan years) or a ``ReviewKind`` of any
    range (``review_kind(first=..., last=...)``); ``texts`` the staff's narrative sections."""
    rk = kind if isinstance(kind, ReviewKind) else review_kind(kind)
    n_columns = max(TEMPLATE_YEAR_COLUMNS[rk.kind], len(rk.years))
    pad = [""] * (n_columns - len(rk.years))
    data = sorted((d for d in data if d.summary is not None), key=lambda d: d.year)
    values = indicator_values(data)
    extra = tfp_measured(data)
    orgs = organisations(data)
    first_phase = catalogue.phase_of(2021)
    # The first phase's figures to its end, or to the last year of a shorter range.
    p1 = (
        year_progress(catalogue, min(rk.last, first_phase.last), data)
        if rk.first <= first_phase.last
        else None
    )
    last = year_progress(catalogue, rk.last, data)
    totals = yearly_totals(values, catalogue, orgs)
    totals.update(extra)
    indicators, lines = indicator_pieces(catalogue, rk.first, rk.last, p1, last)
    tasks = task_rows(catalogue, data, rk.first, rk.last, last)
    reporting, reporting_text = reporting_pieces(rk.years, data, rk.first, rk.last)
    byear = budget_year_values(data)
    last_data = data[-1] if data else None
    narrative = spell_out_first({**review_draft(catalogue, rk, data, settings), **(texts or {})})
    period = f"giai đoạn {rk.first}-{rk.last}"
    context = {
        **settings_context(settings, issued, rk.last, draft),
        "year": str(rk.last),
        "first_year": str(rk.first),
        "last_year": str(rk.last),
        "phase": f"{rk.first}-{rk.last}",
        "scope_note": scope_paragraph(catalogue, rk.first, rk.last, last_data),
        "request_text": request_text(last_data.direction if last_data is not None else []),
        "table_scope_note": table_scope_note(catalogue, rk.last, last_data),
        "review_title": rk.title,
        "years": [str(y) for y in rk.years] + pad,
        **dict(
            zip(
                ("direction_intro", "direction"),
                direction_pieces([e for d in data for e in d.direction], rk.first, rk.last),
                strict=True,
            )
        ),
        "reporting_text": reporting_text,
        "groups": group_rows(catalogue, lines, tasks_by_group(catalogue, tasks)),
        "indicators": indicators,
        "indicator_years": indicator_year_rows(catalogue, totals, rk.years, pad, orgs),
        "rule_note": RULE_NOTE,
        "tasks": tasks,
        "enterprises_text": (
            f"Giai đoạn {rk.first}-{rk.last}, các cơ quan, đơn vị {support_sentence(data)} (danh sách tại "
            "Phụ lục 4; một tổ chức, doanh nghiệp được hỗ trợ nhiều lần hoặc bởi nhiều cơ quan được tính một "
            "lần theo mã số thuế). "
            + budget_sentence(
                budget_totals(data),
                enterprise_funding(data),
                period,
                "Phụ lục 4",
                unconfirmed_money(catalogue, data),
            )
        ),
        "enterprises_by_type": enterprises_by_type(data),
        "enterprises": enterprise_rows(catalogue, data),
        "budget_by_year": budget_year_rows(byear),
        "reporting_by_year": reporting,
        "rollup": rollup_rows(catalogue, data),
        **tfp_pieces(last_data.tfp if last_data else None, rk.last),
        "chart_indicators": indicator_chart(last, f"{rk.first}-{rk.last}"),
        "chart_budget": budget_chart(byear) if byear else "",
        "achievements": narrative["achievements"],
        "difficulties": narrative["difficulties"],
        "lessons": narrative["lessons"],
        "proposals": narrative["proposals"],
        "next_tasks": narrative["next_tasks"],
        "next_period": "giai đoạn 2026-2030"
        if rk.kind == "mid-term"
        else "giai đoạn tiếp theo (sau năm 2030)",
        "submissions": submission_rows(catalogue, data),
    }
    check_context(rk.kind, context)
    return context
