"""Validation outcomes for the sample mistakes and the bad inputs of the brief."""

from __future__ import annotations

import pytest
from nscl.forms import workbook as wbm
from nscl.forms.sample import fill_workbook
from nscl.intake.validation import validate_file


def _save(wb, tmp_path, name="x.xlsx"):
    path = tmp_path / name
    wb.save(path)
    return path


def _row_of(exp, code):
    return wbm.FIRST_DATA_ROW + [i.code for i in exp.indicators].index(code)


@pytest.fixture(scope="module")
def exp(catalogue):
    return catalogue.expectation(2025, "SCT")


def test_clean_sample_is_accepted(catalogue, exp, tmp_path):
    out = validate_file(_save(fill_workbook(exp, 2025, catalogue), tmp_path), 2025, catalogue)
    assert out.status == "accepted", out.issues
    assert out.data["indicators"] and out.agency_code == "SCT"


def test_negative_count_is_rejected_at_its_cell(catalogue, exp, tmp_path):
    out = validate_file(_save(fill_workbook(exp, 2025, catalogue, "negative"), tmp_path), 2025, catalogue)
    assert out.status == "rejected"
    [issue] = out.issues
    first_counted = next(i.code for i in exp.indicators if not i.is_deliverable and i.code != "DN_HOTRO")
    assert (issue.sheet, issue.row, issue.column, issue.value) == (
        wbm.SHEET_INDICATORS,
        _row_of(exp, first_counted),
        "Kết quả năm",
        "-2",  # as the agency reads it: never "-2.0"
    )
    assert "không âm" in issue.expected


def test_text_in_a_numeric_cell_is_rejected(catalogue, exp, tmp_path):
    out = validate_file(
        _save(fill_workbook(exp, 2025, catalogue, "text_in_number"), tmp_path), 2025, catalogue
    )
    assert out.status == "rejected"
    assert [(i.value, i.sheet) for i in out.issues] == [("ba lớp", wbm.SHEET_INDICATORS)]


def test_vietnamese_number_text_is_read_and_recorded(catalogue, exp, tmp_path):
    out = validate_file(
        _save(fill_workbook(exp, 2025, catalogue, "vn_number_format"), tmp_path), 2025, catalogue
    )
    assert out.status == "accepted", out.issues
    assert out.data["budget"]["provincial"] == 1234.5
    assert any("1.234,5" in c for c in out.conversions)


def test_bad_tax_code_and_support_type(catalogue, exp, tmp_path):
    wb = fill_workbook(exp, 2025, catalogue)
    ws = wb[wbm.SHEET_ENTERPRISES]
    r = wbm.FIRST_DATA_ROW
    ws.cell(row=r, column=2, value="Công ty TNHH Thử nghiệm")
    ws.cell(row=r, column=3, value="09001234")  # 8 digits
    ws.cell(row=r, column=5, value="ISO 9999")
    ind = wb[wbm.SHEET_INDICATORS]
    n = sum(1 for rr in range(r, r + wbm.ENTERPRISE_ROWS) if ws.cell(row=rr, column=2).value)
    ind.cell(row=_row_of(exp, "DN_HOTRO"), column=8, value=n)
    out = validate_file(_save(wb, tmp_path), 2025, catalogue)
    found = {(i.row, i.column): i.value for i in out.issues}
    assert found == {(r, "Mã số thuế"): "09001234", (r, "Nội dung hỗ trợ"): "ISO 9999"}


def test_branch_tax_codes_are_accepted(catalogue, exp, tmp_path):
    wb = fill_workbook(exp, 2025, catalogue)
    ws = wb[wbm.SHEET_ENTERPRISES]
    for offset, code in enumerate(["0900123456-001", "0900123456001"]):
        r = wbm.FIRST_DATA_ROW + 10 + offset
        for c, v in enumerate(["Chi nhánh A", code, "Xã Yên Mỹ", "ISO 9001", 0, 0, 0, 0], start=2):
            ws.cell(row=r, column=c, value=v)
    n = sum(
        1
        for rr in range(wbm.FIRST_DATA_ROW, wbm.FIRST_DATA_ROW + wbm.ENTERPRISE_ROWS)
        if ws.cell(row=rr, column=2).value
    )
    wb[wbm.SHEET_INDICATORS].cell(row=_row_of(exp, "DN_HOTRO"), column=8, value=n)
    out = validate_file(_save(wb, tmp_path), 2025, catalogue)
    assert out.status == "accepted", out.issues


def test_enterprise_count_must_match_enterprise_rows(catalogue, exp, tmp_path):
    wb = fill_workbook(exp, 2025, catalogue)
    wb[wbm.SHEET_INDICATORS].cell(row=_row_of(exp, "DN_HOTRO"), column=8, value=17)
    out = validate_file(_save(wb, tmp_path), 2025, catalogue)
    assert out.status == "rejected"
    assert out.issues[0].value == "17" and wbm.SHEET_ENTERPRISES in out.issues[0].expected


def test_empty_result_cell_is_required(catalogue, exp, tmp_path):
    wb = fill_workbook(exp, 2025, catalogue)
    wb[wbm.SHEET_INDICATORS].cell(row=wbm.FIRST_DATA_ROW, column=8).value = None
    out = validate_file(_save(wb, tmp_path), 2025, catalogue)
    assert [(i.row, i.expected.startswith("Bắt buộc")) for i in out.issues] == [(wbm.FIRST_DATA_ROW, True)]


def test_wrong_year_is_rejected(catalogue, tmp_path):
    wb = fill_workbook(catalogue.expectation(2024, "SCT"), 2024, catalogue)
    out = validate_file(_save(wb, tmp_path), 2025, catalogue)
    assert out.status == "rejected" and "năm 2024" in out.issues[0].expected


def test_agency_not_expected_that_year_is_rejected(catalogue, tmp_path):
    wb = fill_workbook(catalogue.expectation(2024, "SNNPTNT"), 2024, catalogue)
    wb[wbm.META_SHEET]["B3"] = 2025  # a ceased department's workbook relabelled for 2025
    out = validate_file(_save(wb, tmp_path), 2025, catalogue)
    assert out.status == "rejected"
    # named as the agency knows itself, never by its internal code
    assert out.issues[0].expected.startswith("Sở Nông nghiệp và Phát triển nông thôn không thuộc danh sách")
    assert "SNNPTNT" not in out.issues[0].expected


def test_old_template_version_is_rejected(catalogue, exp, tmp_path):
    wb = fill_workbook(exp, 2025, catalogue)
    wb[wbm.META_SHEET]["B4"] = "2021.1"
    out = validate_file(_save(wb, tmp_path), 2025, catalogue)
    assert out.status == "rejected" and "2021.1" in out.issues[0].expected


@pytest.mark.parametrize("name", ["bao-cao.xls", "bao-cao.xlsm", "bao-cao.pdf"])
def test_other_formats_are_refused_with_what_is_wanted(catalogue, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"PK\x03\x04 not really")
    out = validate_file(path, 2025, catalogue)
    assert out.status == "rejected" and ".xlsx" in out.issues[0].expected


def test_statistics_office_figures(catalogue, tmp_path):
    wb = fill_workbook(catalogue.expectation(2025, "TKHY"), 2025, catalogue)
    grdp = [k for k, _ in wbm.TFP_COLUMNS].index("grdp")
    wb[wbm.SHEET_TFP].cell(row=wbm.FIRST_DATA_ROW + 3, column=grdp + 1, value=-5)
    out = validate_file(_save(wb, tmp_path), 2025, catalogue)
    assert [(i.row, i.column) for i in out.issues] == [(wbm.FIRST_DATA_ROW + 3, wbm.TFP_COLUMNS[grdp][1])]


def test_money_the_agency_is_asked_to_confirm(catalogue, exp, tmp_path):
    """Spending with no activity and a figure in đồng typed into a triệu đồng cell: the file is
    accepted, the agency asked to confirm each, at the budget sheet's cell."""
    wb = fill_workbook(exp, 2025, catalogue)
    ind = wb[wbm.SHEET_INDICATORS]
    for i, indicator in enumerate(exp.indicators):
        ind.cell(row=wbm.FIRST_DATA_ROW + i, column=8).value = (
            "Chưa thực hiện" if indicator.is_deliverable else 0
        )
    ent = wb[wbm.SHEET_ENTERPRISES]
    for r in range(wbm.FIRST_DATA_ROW, wbm.FIRST_DATA_ROW + 30):
        for c in range(2, 10):
            ent.cell(row=r, column=c).value = None
    tasks = wb[wbm.SHEET_TASKS]
    for r in range(wbm.FIRST_DATA_ROW, wbm.FIRST_DATA_ROW + len(exp.tasks)):
        tasks.cell(row=r, column=6).value, tasks.cell(row=r, column=7).value = "Chưa thực hiện", None
    budget = wb[wbm.SHEET_BUDGET]
    for r in range(wbm.FIRST_DATA_ROW, wbm.FIRST_DATA_ROW + 4):
        budget.cell(row=r, column=4).value = 0
    budget.cell(row=wbm.FIRST_DATA_ROW + 1, column=4).value = 2_500_000_000  # 2,5 tỷ đồng, typed in đồng
    out = validate_file(_save(wb, tmp_path), 2025, catalogue)
    assert out.status == "accepted", [i.expected for i in out.issues if i.severity == "error"]
    texts = {i.cell: i.expected for i in out.issues if i.severity == "warning"}
    assert "đơn vị đồng (tương ứng 2.500,0 triệu đồng)" in texts[f"D{wbm.FIRST_DATA_ROW + 1}"]
    assert any("không có hoạt động nào" in t for t in texts.values())
