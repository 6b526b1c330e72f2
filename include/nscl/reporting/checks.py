"""The staff's to-do list before a report can be approved: the contradictions between an
agency's words and its figures (the document prints neither claim alone, see
``nscl.reporting.tasks.contradictions``), between the direction register and the figures (a
conference in the register in a year whose returns count none, or the reverse), and the money
warnings the consolidation kept (``nscl.intake.plausibility``). Each check has a stable id, so the editorial tab can show what
is still open and approval can wait for it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from nscl.plan.catalogue import Catalogue, default_catalogue
from nscl.reporting.common import count, year_amount_text
from nscl.reporting.task_views import PLAN_FIRST, contradictions, year_totals
from nscl.reporting.yeardata import YearData, load_year
from nscl.store import direction as direction_register
from nscl.store.zones import Zones

KINDS = ("annual", "mid-term", "final")
MONEY_TITLES = {
    "no_activity": "kinh phí không có kết quả hoạt động tương ứng",
    "far_from_history": "kinh phí khác xa các năm trước",
    "large_share": "kinh phí chiếm tỷ trọng lớn trong tổng kinh phí của tỉnh",
    "dong_not_trieu": "kinh phí có thể đã nhập theo đơn vị đồng",
}


@dataclass(frozen=True)
class Check:
    id: str
    kind: str  # "contradiction" (words or register against figures) | "plausibility"
    title: str
    detail: str
    sources: tuple[str, ...]


def _years(year: int, kind: str) -> list[int]:
    if kind == "annual":
        return [year]
    if kind in ("mid-term", "final"):
        return list(range(2021, year + 1))
    raise ValueError(f"loại báo cáo không hợp lệ: {kind!r} (một trong {', '.join(KINDS)})")


def _file_of(d: YearData, agency: str) -> str:
    used = d.used
    if used.empty:
        return ""
    match = used[used["agency_code"] == agency]
    return str(match.iloc[0]["original_name"]) if not match.empty else ""


def contradiction_checks(catalogue: Catalogue, data: list[YearData]) -> list[Check]:
    by_year = {d.year: d for d in data}
    out = []
    for c in contradictions(catalogue, data):
        task = catalogue.tasks[c.task]
        agencies = ", ".join(catalogue.agency(a).name for a in c.agencies)
        files = ", ".join(f for f in (_file_of(by_year[c.year], a) for a in c.agencies) if f)
        said = "có hoạt động" if c.claims_activity else "không có hoạt động"
        out.append(
            Check(
                id=f"contradiction:{c.year}:{c.task}",
                kind="contradiction",
                title=f"Nhiệm vụ {c.task} năm {c.year}: nội dung báo cáo và số liệu chỉ tiêu không thống nhất",
                detail=(
                    f"{agencies} báo cáo {said} (“{c.words}”), trong khi số liệu chỉ tiêu của năm: {c.figures}. "
                    "Báo cáo chưa nêu nội dung này; đề nghị xác minh với đơn vị rồi sửa nội dung hoặc số liệu."
                ),
                sources=(
                    f"{agencies}: biểu Nhiệm vụ, nhiệm vụ {c.task} ({task.content[:60].rstrip()}…)"
                    + (f", tệp {files}" if files else ""),
                    f"Số liệu chỉ tiêu năm {c.year} tổng hợp từ các báo cáo (curated/{c.year}/indicator_values.csv)",
                ),
            )
        )
    return out


# An activity of the register that is a conference or workshop ("tổ chức hội nghị ...", "tham dự
# hội thảo ..."); the mid-term and final ones (appendix I.7) are counted apart from the others (I.6).
CONFERENCE = re.compile(r"\bhội\s+(?:nghị|thảo)\b", re.IGNORECASE)
REVIEW_CONFERENCE = re.compile(r"\b(?:sơ|tổng)\s+kết\b", re.IGNORECASE)
CONFERENCE_INDICATORS = ("HOI_THAO", "HOI_NGHI_SKTK")


def conference_indicator(e: direction_register.Entry) -> str | None:
    """The indicator that counts the conference a register entry speaks of (None: a document, or
    an activity that is no conference, such as a working session or an inspection)."""
    text = unicodedata.normalize("NFC", e.summary)
    if e.kind == "document" or not CONFERENCE.search(text):
        return None
    return "HOI_NGHI_SKTK" if REVIEW_CONFERENCE.search(text) else "HOI_THAO"


def direction_checks(catalogue: Catalogue, data: list[YearData]) -> list[Check]:
    """Every (year, conference indicator) where the direction register and the returns disagree:
    the register holds a conference while the indicator counts none that year, or the indicator
    counts some while the register holds none. A year whose register is empty is not compared
    (staff keep none yet: section I is empty, nothing in it to contradict); an indicator nobody
    reported that year decides nothing; how many is not compared (the indicator also counts
    conferences attended)."""
    totals = year_totals(catalogue, data)
    out = []
    for d in data:
        if not d.direction:
            continue
        held: dict[str, list[direction_register.Entry]] = {code: [] for code in CONFERENCE_INDICATORS}
        for e in d.direction:
            code = conference_indicator(e)
            if code:
                held[code].append(e)
        for code in CONFERENCE_INDICATORS:
            figure = totals.get((code, d.year))
            if figure is None or bool(held[code]) == (figure > 0):
                continue
            ind = catalogue.indicators[code]
            counted = year_amount_text(ind, figure, first=d.year == PLAN_FIRST)
            frame = d.table("indicator_values")
            reporters = (
                sorted(set(frame[(frame["indicator"] == code) & (frame["value"] > 0)]["agency_code"]))
                if not frame.empty
                else []
            )
            names = ", ".join(catalogue.agency(a).name for a in reporters)
            files = ", ".join(f for f in (_file_of(d, a) for a in reporters) if f)
            if held[code]:
                said = "; ".join(direction_register.label(e) for e in held[code])
                detail = (
                    f"Sổ theo dõi công tác chỉ đạo năm {d.year} ghi {count(len(held[code]))} hội nghị, hội thảo "
                    f"({said}), trong khi số liệu chỉ tiêu “{ind.name}” năm {d.year}: {counted}. Đề nghị xác minh "
                    "rồi sửa sổ theo dõi hoặc đề nghị cơ quan đã tổ chức, tham gia báo cáo bổ sung số liệu."
                )
            else:
                detail = (
                    f"Số liệu chỉ tiêu “{ind.name}” năm {d.year}: {counted}"
                    + (f" ({names} báo cáo)" if names else "")
                    + f", trong khi sổ theo dõi công tác chỉ đạo năm {d.year} không ghi hội nghị, hội thảo nào. "
                    "Nếu Sở hoặc Ủy ban nhân dân tỉnh đã tổ chức, đề nghị bổ sung vào sổ theo dõi để mục I của "
                    "báo cáo nêu; nếu không, đề nghị xác minh số liệu với cơ quan báo cáo."
                )
            out.append(
                Check(
                    id=f"direction:{d.year}:{code}",
                    kind="contradiction",
                    title=(
                        f"Năm {d.year}: sổ theo dõi công tác chỉ đạo và số liệu chỉ tiêu về "
                        f"{'hội nghị sơ kết, tổng kết' if code == 'HOI_NGHI_SKTK' else 'hội nghị, hội thảo'} "
                        "không thống nhất"
                    ),
                    detail=detail,
                    sources=(
                        f"Sổ theo dõi công tác chỉ đạo năm {d.year} (direction/{d.year}.yaml)",
                        f"Số liệu chỉ tiêu năm {d.year} tổng hợp từ các báo cáo (curated/{d.year}/indicator_values.csv)"
                        + (f", tệp {files}" if files else ""),
                    ),
                )
            )
    return out


def plausibility_checks(catalogue: Catalogue, data: list[YearData]) -> list[Check]:
    out = []
    for d in data:
        for w in (d.summary or {}).get("plausibility", []):
            name = catalogue.agency(w["agency_code"]).name
            file = _file_of(d, w["agency_code"])
            out.append(
                Check(
                    id=f"plausibility:{d.year}:{w['agency_code']}:{w['kind']}"
                    + (f":{w['source']}" if w["source"] else ""),
                    kind="plausibility",
                    title=f"{name}, năm {d.year}: {MONEY_TITLES.get(w['kind'], 'kinh phí cần xác nhận')}",
                    detail=w["text"],
                    sources=(f"{name}: biểu Kinh phí" + (f", tệp {file}" if file else ""),),
                )
            )
    return out


def open_checks(year: int, kind: str = "annual") -> list[Check]:
    """What staff must settle before approving the report of ``kind`` filed under ``year`` (a
    review: every year 2021..``year``), from the data folder of the settings."""
    return checks_for(Zones.default(), default_catalogue(), year, kind)


def checks_for(zones: Zones, catalogue: Catalogue, year: int, kind: str = "annual") -> list[Check]:
    """:func:`open_checks` on a given data folder and catalogue."""
    data = [d for d in (load_year(zones, y) for y in _years(year, kind)) if d.summary is not None]
    return (
        contradiction_checks(catalogue, data)
        + direction_checks(catalogue, data)
        + plausibility_checks(catalogue, data)
    )
