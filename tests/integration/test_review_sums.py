"""Done when: the 2025 review on the sample data for 2021-2025 gives a document whose totals are
the sums (for a deliverable: the latest state, i.e. the largest) of the five annual reports'
figures, read back from the six Word documents."""

from __future__ import annotations

import pytest
from docx import Document
from nscl.orchestration import pipeline
from nscl.store.zones import Zones
from test_report import by_indicator, number, table_by_header
from test_report_data import build

YEARS = range(2021, 2026)


@pytest.fixture(scope="module")
def documents(tmp_path_factory, catalogue):
    zones = Zones(tmp_path_factory.mktemp("review-sums") / "data")
    build(zones, catalogue, YEARS)
    annual = {y: pipeline.write_report(y, zones, catalogue) for y in YEARS}
    review = pipeline.write_review(zones=zones, catalogue=catalogue, first=2021, last=2025)
    return annual, review


def annual_year_column(path: str, year: int, catalogue) -> dict[str, str]:
    table = table_by_header(Document(path), "STT", "Đánh giá 2021-2030")
    head = [c.text for c in table.rows[0].cells]
    # "Năm 2021", or "Ước thực hiện năm 2021" when the files used all came before 14 December.
    assert head[3] in (f"Năm {year}", f"Ước thực hiện năm {year}")
    return {code: cells[3] for code, cells in by_indicator(table, catalogue).items()}


def test_review_totals_are_the_sums_of_the_five_annual_reports(documents, catalogue):
    annual, review = documents
    assert review.endswith("reports/2025/so-ket-2021-2025-v001.docx")
    per_year = {y: annual_year_column(p, y, catalogue) for y, p in annual.items()}
    doc = Document(review)
    by_year = table_by_header(doc, "STT", "Tổng")
    assert [c.text for c in by_year.rows[0].cells][3:8] == [str(y) for y in YEARS]
    appendix = by_indicator(by_year, catalogue)
    main = {
        code: cells[3]
        for code, cells in by_indicator(
            table_by_header(doc, "STT", "Đánh giá giai đoạn 2021-2025"), catalogue
        ).items()
    }
    assert set(appendix) == set(main) == set(catalogue.indicators)
    for code, ind in catalogue.indicators.items():
        figures = [number(per_year[y][code]) for y in YEARS]
        want = max(figures) if ind.is_deliverable or ind.computed_by_pipeline else sum(figures)
        # The review's own per-year columns repeat the annual reports' figures ...
        for i, y in enumerate(YEARS, start=3):
            assert number(appendix[code][i]) == pytest.approx(number(per_year[y][code]), abs=1e-9), (code, y)
        # ... and its 2021-2025 totals (appendix "Tổng", Bảng 2 "Kết quả 2021-2025") add them up.
        assert number(appendix[code][8]) == pytest.approx(want, abs=1e-9), code
        assert number(main[code]) == pytest.approx(want, abs=1e-9), code
