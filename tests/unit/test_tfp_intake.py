"""The statistics office's TFP sheet per territory (forms.workbook, intake.tfp_checks):
former provinces add up to the merged figures within rounding, complete series, breaks,
input-output tables. The expected sums are computed here from the cells written."""

from __future__ import annotations

import pytest
from nscl.forms import workbook as wbm
from nscl.forms.sample import fill_workbook
from nscl.intake.tfp_checks import half_unit
from nscl.intake.validation import validate_file

YEAR = 2025
N = YEAR - wbm.TFP_FIRST_YEAR + 1
COL = {k: i + 1 for i, (k, _) in enumerate(wbm.TFP_COLUMNS)}
LABEL = dict(wbm.TFP_COLUMNS)


def row_of(block: int, year: int) -> int:
    """Block 0: Hưng Yên (cũ), 1: Thái Bình (cũ), 2: the merged province."""
    return wbm.FIRST_DATA_ROW + block * N + year - wbm.TFP_FIRST_YEAR


@pytest.fixture()
def wb(catalogue):
    return fill_workbook(catalogue.expectation(YEAR, "TKHY"), YEAR, catalogue)


def check(wb, tmp_path, catalogue):
    path = tmp_path / "tk.xlsx"
    wb.save(path)
    return validate_file(path, YEAR, catalogue)


def test_sample_is_accepted_with_territories_and_io_tables(wb, tmp_path, catalogue):
    ws = wb[wbm.SHEET_TFP]
    assert ws.cell(row=row_of(1, 2010), column=COL["territory"]).value == "Thái Bình (cũ)"
    out = check(wb, tmp_path, catalogue)
    assert out.status == "accepted" and out.issues == []
    rows = out.data["tfp"]
    assert {r["territory"] for r in rows} == {"hung_yen_cu", "thai_binh_cu", "hung_yen"}
    assert len([r for r in rows if r["territory"] == "thai_binh_cu"]) == N
    tables = {(r["territory"], r["io_year"]): r["labour_share_pct"] for r in rows if r["io_year"]}
    assert tables[("hung_yen_cu", 2016)] == 50.5 and tables[("thai_binh_cu", 2020)] == 57.0
    assert next(r for r in rows if r["territory"] == "hung_yen_cu" and r["io_year"] == 2016)["year"] == 2016


def test_half_unit_of_rounding():
    assert half_unit(12.3) == pytest.approx(0.05)
    assert half_unit(1200.0) == pytest.approx(0.5)
    assert half_unit(0.25) == pytest.approx(0.005)


@pytest.mark.parametrize(("delta", "accepted"), [(0.1, True), (0.2, False), (-1.0, False)])
def test_merged_figures_must_equal_the_sum_within_rounding(wb, tmp_path, catalogue, delta, accepted):
    ws = wb[wbm.SHEET_TFP]
    # Figures typed with one decimal (x.4 + y.3 = z.7): the rounding allows 3 x 0.05 = 0.15.
    parts = []
    for block, tail in ((0, 0.4), (1, 0.3)):
        value = round(ws.cell(row=row_of(block, 2025), column=COL["grdp"]).value) + tail
        ws.cell(row=row_of(block, 2025), column=COL["grdp"], value=value)
        parts.append(value)
    ws.cell(row=row_of(2, 2025), column=COL["grdp"], value=round(parts[0] + parts[1] + delta, 1))
    out = check(wb, tmp_path, catalogue)
    assert (out.status == "accepted") is accepted
    if not accepted:
        (issue,) = out.issues
        assert (issue.row, issue.column) == (row_of(2, 2025), LABEL["grdp"])
        assert "Bằng tổng của Hưng Yên (cũ) và Thái Bình (cũ) năm 2025" in issue.expected
        assert issue.cell == f"C{row_of(2, 2025)}"


def test_a_break_in_a_series_is_reported_at_the_year(wb, tmp_path, catalogue):
    ws = wb[wbm.SHEET_TFP]
    for key in ("grdp", "investment", "employment"):  # 2018 of Hưng Yên (cũ) holds both provinces
        both = sum(ws.cell(row=row_of(b, 2018), column=COL[key]).value for b in (0, 1))
        ws.cell(row=row_of(0, 2018), column=COL[key], value=round(both, 1))
    out = check(wb, tmp_path, catalogue)
    assert out.status == "rejected"
    breaks = [i for i in out.issues if "thay đổi bất thường" in i.expected]
    assert [(i.row, i.column) for i in breaks] == [
        (row_of(0, 2018), LABEL["employment"]),
        (row_of(0, 2019), LABEL["employment"]),
    ]
    assert "Hưng Yên (cũ) năm 2018" in breaks[0].expected and "hai địa giới" in breaks[0].expected


def test_a_missing_year_of_a_former_province_is_named(wb, tmp_path, catalogue):
    ws = wb[wbm.SHEET_TFP]
    for c in range(3, len(wbm.TFP_COLUMNS) + 1):
        ws.cell(row=row_of(1, 2016), column=c).value = None  # value=None would not clear it
    out = check(wb, tmp_path, catalogue)
    assert out.status == "rejected"
    assert any("Thái Bình (cũ) cho các năm 2016" in i.expected for i in out.issues)


def test_io_table_share_must_be_a_percentage(wb, tmp_path, catalogue):
    ws = wb[wbm.SHEET_TFP]
    ws.cell(row=wbm.FIRST_DATA_ROW, column=wbm.TFP_IO_FIRST_COL + 2, value=120)
    out = check(wb, tmp_path, catalogue)
    (issue,) = out.issues
    assert issue.row == wbm.FIRST_DATA_ROW and issue.column == dict(wbm.TFP_IO_COLUMNS)["labour_share_pct"]
    assert issue.cell == f"L{wbm.FIRST_DATA_ROW}"
