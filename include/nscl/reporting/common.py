"""Formatting and settings shared by every report: figures as printed ("1.234,5", "—"), counts
in the administrative style ("01 chuyên gia", "chưa đào tạo thêm"), the place and date line as
the clerk (văn thư) leaves it or as staff set it, and the report settings (issuing body,
signer, recipients) with the data folder's overrides."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

from nscl.analysis.indicators import APPROX_TOLERANCE
from nscl.labels import format_vn_number
from nscl.plan.catalogue import Indicator, Target

SETTINGS_FILE = Path(__file__).parent / "data" / "report_settings.yaml"
KINDS = ("annual", "mid-term", "final")
ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4", "V": "5"}
# The blank the clerk fills at registration: "ngày      tháng      năm 2025".
BLANK = "      "
RULE_NOTE = (
    "Mục tiêu được coi là đạt khi số lũy kế đạt mức của mục tiêu như Kế hoạch ghi: "
    "cận dưới đối với khoảng (ví dụ mục tiêu 02-04 đợt: đạt khi có từ 02 đợt), chính con số đối với mục tiêu “ít nhất” và "
    f"mục tiêu xác định, {format_vn_number(APPROX_TOLERANCE * 100, 0)}% con số đối với mục tiêu "
    "“khoảng”; “Vượt mục tiêu” khi vượt cận trên của khoảng. Trước năm cuối của giai đoạn, "
    "“Đúng tiến độ” khi số lũy kế không thấp hơn mức mục tiêu nhân với tỷ lệ số năm đã qua của "
    "giai đoạn (ví dụ năm thứ 3 của giai đoạn 5 năm: 3/5 mức mục tiêu), ngược lại là “Chậm tiến độ”; "
    "đến năm cuối giai đoạn chưa đạt là “Không đạt”. Nhiệm vụ dạng sản phẩm (có/không) chưa thực hiện "
    "trước năm cuối giai đoạn là “Chưa thực hiện”; nhiệm vụ thực hiện hằng năm ghi “Đã thực hiện năm …” cho "
    "đến năm cuối giai đoạn, khi đó “Đạt” nếu năm nào cũng thực hiện. Hoạt động Kế hoạch giao vào năm cụ thể "
    "(hội nghị sơ kết, tổng kết) là “Chưa đến kỳ” trước năm đó."
)
# What "none this year" reads like, by unit ("năm 2025 chưa đào tạo thêm chuyên gia").
NONE_BY_UNIT = {
    "chuyên gia": "chưa đào tạo thêm chuyên gia",
    "lớp": "chưa tổ chức thêm lớp",
    "đợt": "chưa tổ chức thêm đợt",
    "hội nghị": "chưa tổ chức thêm hội nghị",
    "cuộc thi": "chưa tổ chức",
    "bài viết": "chưa có thêm bài viết",
    "phóng sự/chuyên mục": "chưa có thêm phóng sự, chuyên mục",
    "quy chuẩn": "chưa ban hành thêm quy chuẩn",
    "đề tài, nhiệm vụ": "chưa có thêm đề tài, nhiệm vụ",
}


def fmt(value: float | None, decimals: int = 0) -> str:
    """A figure as printed in a table ("—" when nothing was reported)."""
    if value is None:
        return "—"
    if decimals == 0 and float(value).is_integer():
        return format_vn_number(value, 0)
    return format_vn_number(value, decimals)


def count(value: float | None) -> str:
    """A count in running text: below 10 with a leading zero ("01", "09"), else as printed."""
    v = float(value or 0)
    if v.is_integer() and 0 < v < 10:
        return f"{int(v):02d}"
    return fmt(v)


def fmt_deliverable(value: float | None) -> str:
    if value is None:
        return "—"
    return "Đã thực hiện" if value >= 1 else "Chưa thực hiện"


def show(ind: Indicator, value: float | None, decimals: int = 0) -> str:
    return fmt_deliverable(value) if ind.is_deliverable else fmt(value, decimals)


def amount_text(ind: Indicator, value: float | None) -> str:
    """A figure with its unit in running text ("02 chuyên gia", "đã thực hiện")."""
    if ind.is_deliverable:
        return fmt_deliverable(value).lower() if value is not None else "chưa thực hiện"
    if not value:
        return f"chưa có {ind.unit} nào"
    return f"{count(value)} {ind.unit}"


def year_amount_text(ind: Indicator, value: float | None, first: bool = False) -> str:
    """The year's figure: "06 lớp", or for nothing "chưa tổ chức thêm lớp" ("chưa tổ chức lớp"
    in the plan's first year, when there is nothing to add to)."""
    if ind.is_deliverable:
        return "đã thực hiện" if (value or 0) >= 1 else "chưa thực hiện"
    if not value:
        text = NONE_BY_UNIT.get(ind.unit, f"chưa có thêm {ind.unit}")
        return text.replace(" thêm", "") if first else text
    return f"{count(value)} {ind.unit}"


_RANGE = re.compile(r"(?<![\d/.,])(\d{1,3})\s*[-–]\s*(\d{1,3})(?![\d/.,])")
# The plan's typos and unexplained abbreviations, corrected where the reports quote it (the plan
# as data stays verbatim); the appendix of tasks says so (PLAN_CORRECTIONS_NOTE).
PLAN_CORRECTIONS = {
    "ưng dụng": "ứng dụng",
    "tổ chức tuân hoặc": "tổ chức tư vấn hoặc",
    "HTQLCL": "hệ thống quản lý chất lượng",
    "KHKT": "khoa học kỹ thuật",
    "năng xuất": "năng suất",
    "nâng xuất": "năng suất",
    "tiên bộ": "tiến bộ",
    "hàng năm": "hằng năm",  # the report's own spelling throughout (both are in use)
    "Chương trình mỗi xã một sản phẩm gắn": "Chương trình mỗi xã một sản phẩm (OCOP) gắn",
}
# The corrections are noted without pointing at the Province's own typos in a report to it (two
# readers as the signer asked for that): the words changed are in PLAN_CORRECTIONS above.
PLAN_CORRECTIONS_NOTE = (
    "Nội dung công việc và sản phẩm trích theo Phụ lục Kế hoạch số 101/KH-UBND, có hiệu chỉnh chính tả "
    "và viết đầy đủ các từ viết tắt."
)


def ranges(text: str) -> str:
    """Ranges written one way: no spaces, counts below 10 on two digits ("07-09 đợt",
    "01-02 chuyên gia", "30-35 tổ chức"); years and dates are left alone."""
    return _RANGE.sub(lambda m: f"{int(m.group(1)):02d}-{int(m.group(2)):02d}", text)


def plan_text(text: str) -> str:
    """The plan's words as the reports quote them: typos corrected, ranges one way."""
    for wrong, right in PLAN_CORRECTIONS.items():
        text = text.replace(wrong, right)
    return ranges(text)


_PAREN_FIGURE = re.compile(r"^(?P<head>.*?)\s*\((?P<figure>\d[^)]*)\)\s*$")


def target_text(target: Target | None) -> str:
    """The target as the plan states it, without the product caption the appendix put around
    it ("Chuyên gia (6-8 chuyên gia)" -> "6-8 chuyên gia"); "—" when there is none."""
    if target is None:
        return "—"
    m = _PAREN_FIGURE.match(target.text)
    text = plan_text(m.group("figure") if m else target.text)
    return text[0].lower() + text[1:] if text[:1].isupper() and not text[:2].isupper() else text


# How each status reads before the target it judges ("đúng tiến độ so với mục tiêu giai đoạn ...").
STATUS_LEAD = {
    "Vượt mục tiêu": "vượt mục tiêu",
    "Đạt": "đạt mục tiêu",
    "Đúng tiến độ": "đúng tiến độ so với mục tiêu",
    "Chậm tiến độ": "chậm so với tiến độ thực hiện mục tiêu",
    "Không đạt": "chưa đạt mục tiêu",
    "Chưa thực hiện": "chưa thực hiện mục tiêu",
    "Chưa đến kỳ": "chưa đến kỳ thực hiện mục tiêu",
}


def target_words(target: Target | None) -> str:
    """The target inside a sentence's parentheses: no parentheses of its own."""
    return target_text(target).replace(" (", ", ").replace("(", "").replace(")", "")


def status_lead(status: str) -> str:
    if status.startswith("Đã thực hiện năm"):
        return "đáp ứng yêu cầu của mục tiêu"
    return STATUS_LEAD.get(status, f"{status.lower()} so với mục tiêu")


def judged_text(judged: list[tuple[str, str]], not_done: bool = False) -> str:
    """How a figure stands against its targets, as the tail of a sentence: ``judged`` is
    (status, "giai đoạn 2021-2025 (02-04 đợt)") per target; one status for two targets is said
    once (", đúng tiến độ so với mục tiêu giai đoạn ... và mục tiêu 2021-2030 (...)").
    ``not_done``: the sentence ends in "chưa thực hiện", which the first target completes
    ("chưa thực hiện mục tiêu giai đoạn 2021-2025 (tổ chức cuộc thi ...)")."""
    text, sep = "", ", "
    if not_done and judged and judged[0][0] == "Chưa thực hiện":
        text, judged, sep = f" mục tiêu {judged[0][1]}", judged[1:], " và "
    if len(judged) == 2 and judged[0][0] == judged[1][0]:
        return text + f"{sep}{status_lead(judged[0][0])} {judged[0][1]} và mục tiêu {judged[1][1]}"
    return text + "".join(
        f"{sep if i == 0 else ' và '}{status_lead(status)} {what}" for i, (status, what) in enumerate(judged)
    )


def span(first: int, last: int) -> str:
    """Years as the report names them: "năm 2021" or "2021-2025"."""
    return f"năm {first}" if first == last else f"{first}-{last}"


def date_line(place: str, day: dt.date | None, year: int | None = None) -> str:
    """Place and date as Decree 30/2020/NĐ-CP writes them: days below 10 and the months
    January and February take a leading zero ("ngày 05 tháng 02 năm 2026", "ngày 30 tháng 11").
    Without a day, the blanks the clerk fills at registration ("ngày      tháng      năm 2025")."""
    if day is None:
        return f"{place}, ngày{BLANK}tháng{BLANK}năm {year}"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def load_settings(kind: str, path: Path | None = None, override: Path | None = None) -> dict[str, Any]:
    """The report settings (issuing body, signer, recipients...), with the kind's overrides and
    then those of ``override`` (the data folder's ``report_settings.yaml``, when it exists). The
    signer's name may be empty: the name line then stays blank and is listed as open."""
    path = path or SETTINGS_FILE
    raw = _read(path)
    if override is not None and override.is_file():
        extra = _read(override)
        kinds = {**(raw.get("kinds") or {})}
        for k, v in (extra.get("kinds") or {}).items():
            kinds[k] = {**(kinds.get(k) or {}), **(v or {})}
        raw = {**raw, **{k: v for k, v in extra.items() if k != "kinds"}, "kinds": kinds}
    settings = {k: v for k, v in raw.items() if k != "kinds"}
    settings.update((raw.get("kinds") or {}).get(kind) or {})
    for key in ("place", "parent_body", "issuing_body", "symbol", "signer", "recipients"):
        if not settings.get(key):
            raise ValueError(f"{path.name}: thiếu thiết lập '{key}'")
    signer = settings["signer"]
    if not signer.get("authority"):
        raise ValueError(f"{path.name}: thiếu 'signer.authority' (chức vụ người ký)")
    signer["name"] = (signer.get("name") or "").strip()
    return settings


def _read(path: Path) -> dict[str, Any]:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path.name}: không đọc được thiết lập báo cáo: {exc}") from None


def settings_context(
    settings: dict[str, Any], issued: dt.date | None, year: int, draft: bool
) -> dict[str, Any]:
    """The header, date line, signature and recipients; ``issued`` None leaves the date blank
    for the clerk (in ``year``); ``draft`` prints "DỰ THẢO" above the header."""
    line = date_line(settings["place"], issued, year)
    return {
        "draft_mark": "DỰ THẢO" if draft else "",
        "parent_body": settings["parent_body"],
        "issuing_body": settings["issuing_body"],
        "symbol": settings["symbol"],
        "place": settings["place"],
        "date_line": line,
        "date_words": line.split(", ", 1)[1],
        "issuing_name": settings.get("issuing_name") or settings["issuing_body"],
        "signer_authority": list(settings["signer"]["authority"]),
        "signer_name": settings["signer"]["name"],
        "recipients": [as_of(r, year) for r in settings["recipients"]],
        **data_period(settings.get("data_until"), year),
        "signed_reports_text": signed_reports_text(settings.get("signed_reports") or []),
    }


MERGER_YEAR = 2025  # the province's merger and the end of the district level, 1 July 2025


# Bodies renamed during the plan: name -> (the year of the report that first uses it, the name
# before). The Directorate for Standards, Metrology and Quality became a national committee in
# 2025 (the ministry's restructuring, effective 01/3/2025); a report of 2021-2024 names the body
# it was sent to then.
BODY_NAMES = {
    "Ủy ban Tiêu chuẩn Đo lường Chất lượng quốc gia": (2025, "Tổng cục Tiêu chuẩn Đo lường Chất lượng"),
}


def as_of(text: str, year: int) -> str:
    """``text`` as a report of ``year`` may say it: a renamed body by the name it had then
    (``BODY_NAMES``); before the merger's year, the province has no "former" boundary yet ("tỉnh Hưng Yên theo địa giới trước ngày 01/7/2025" is "tỉnh Hưng
    Yên", "Hưng Yên (cũ)" is "Hưng Yên")."""
    for name, (since, before) in BODY_NAMES.items():
        if year < since:
            text = text.replace(name, before)
    if year >= MERGER_YEAR:
        return text
    text = re.sub(r"\s*theo địa giới trước ngày 01/7/2025", "", text)
    return text.replace(" (cũ)", "")


def signed_reports_text(labels: list[str]) -> str:
    """The signed annual reports a review builds on (empty when none was signed)."""
    if not labels:
        return ""
    return "Báo cáo này được tổng hợp trên cơ sở các báo cáo năm đã ký: " + "; ".join(labels) + "."


# The annual period of administrative reports runs from 15 December to 14 December (Decree
# 09/2019/NĐ-CP, art. 12): figures that run to an earlier day are estimates for the whole year.
PERIOD_END = (12, 14)


def data_period(until: str | dt.date | None, year: int) -> dict[str, str]:
    """ "Số liệu tính đến ngày dd/mm/yyyy" and, while ``year`` is not over on that day, that its
    figures are estimates for the whole year ("ước thực hiện cả năm"); ``year_head`` heads the
    year's column of the indicator table."""
    if not until:
        return {"data_period": "", "year_head": f"Năm {year}"}
    day = until if isinstance(until, dt.date) else dt.date.fromisoformat(str(until))
    text = f"Số liệu tính đến ngày {day.strftime('%d/%m/%Y')}"
    if day < dt.date(year, *PERIOD_END):
        return {
            "data_period": f"{text}; số liệu năm {year} là số ước thực hiện cả năm.",
            "year_head": f"Ước thực hiện năm {year}",
        }
    return {"data_period": f"{text}.", "year_head": f"Năm {year}"}
