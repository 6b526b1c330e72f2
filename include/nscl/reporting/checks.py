"""The staff's to-do list before a report can be approved: the contradictions between an
agency's words and its figures (the document prints neither claim alone, see
``nscl.reporting.tasks.contradictions``) and the money warnings the consolidation kept
(``nscl.intake.plausibility``). Each check has a stable id, so the editorial tab can show what
is still open and approval can wait for it."""

from __future__ import annotations

from dataclasses import dataclass

from nscl.plan.catalogue import Catalogue, default_catalogue
from nscl.reporting.task_views import contradictions
from nscl.reporting.yeardata import YearData, load_year
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
    kind: str  # "contradiction" | "plausibility"
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
    return contradiction_checks(catalogue, data) + plausibility_checks(catalogue, data)
