"""Workbook generation and read-back."""

from __future__ import annotations

import shutil

import pytest
from nscl.forms import workbook as wbm
from nscl.forms.sample import fill_workbook, write_sample_data
from openpyxl import load_workbook


def test_one_workbook_per_expected_agency(catalogue, tmp_path):
    paths = wbm.write_templates(catalogue, 2025, tmp_path)
    assert sorted(p.name for p in paths) == sorted(
        f"NSCL_2025_{e.agency.code}.xlsx" for e in catalogue.expected_reporters(2025)
    )


def test_template_is_prefilled_with_the_agencys_tasks_and_targets(catalogue, tmp_path):
    exp = catalogue.expectation(2025, "SNNMT")
    path = tmp_path / "t.xlsx"
    wbm.build_workbook(exp, 2025, catalogue).save(path)
    wb = load_workbook(path)
    assert wb.sheetnames == [
        wbm.SHEET_GUIDE,
        wbm.SHEET_INDICATORS,
        wbm.SHEET_TASKS,
        wbm.SHEET_ENTERPRISES,
        wbm.SHEET_BUDGET,
        wbm.SHEET_NARRATIVE,
        wbm.LISTS_SHEET,
        wbm.META_SHEET,
    ]
    meta = wb[wbm.META_SHEET]
    assert meta.sheet_state == "hidden" and meta.protection.sheet
    ws = wb[wbm.SHEET_TASKS]
    rows = {
        ws.cell(row=r, column=2).value: ws.cell(row=r, column=4).value
        for r in range(wbm.FIRST_DATA_ROW, ws.max_row + 1)
    }
    assert rows["III.3"] == "Chủ trì" and rows["I.1"] == "Phối hợp"
    ws = wb[wbm.SHEET_INDICATORS]
    by_code = {ws.cell(row=r, column=2).value: r for r in range(wbm.FIRST_DATA_ROW, ws.max_row + 1)}
    assert ws.cell(row=by_code["DN_HOTRO"], column=6).value == "20-30 tổ chức, doanh nghiệp"
    # Input cells carry data validation: statuses from a list, counts non-negative whole numbers.
    kinds = {dv.type for dv in wb[wbm.SHEET_TASKS].data_validations.dataValidation}
    assert "list" in kinds
    counts = [dv for dv in ws.data_validations.dataValidation if dv.type == "whole"]
    assert counts and counts[0].operator == "greaterThanOrEqual"
    support = [dv for dv in wb[wbm.SHEET_ENTERPRISES].data_validations.dataValidation if dv.type == "list"][0]
    # The drop-down names a range on the hidden _lists sheet, one item per cell: an inline
    # "a,b" list would split "Chứng nhận hợp chuẩn, hợp quy" into two items nobody may pick.
    assert "," not in support.formula1
    [(sheet_name, ref)] = list(wb.defined_names[support.formula1].destinations)
    items = [c.value for row in wb[sheet_name][ref.replace("$", "")] for c in row]
    assert items == [
        "ISO 9001", "ISO 14001", "ISO 22000/HACCP", "ISO/IEC 17025", "VietGAP/GAP", "Hữu cơ",
        "Tiêu chuẩn cơ sở (TCCS)", "Chứng nhận hợp chuẩn, hợp quy", "Truy xuất nguồn gốc",
        "5S/Kaizen/Lean và công cụ cải tiến khác", "Năng suất xanh", "Khác",
    ]
    assert wb[sheet_name].sheet_state == "hidden"


def test_statistics_office_gets_the_tfp_workbook(catalogue, tmp_path):
    path = tmp_path / "tk.xlsx"
    wbm.build_workbook(catalogue.expectation(2025, "TKHY"), 2025, catalogue).save(path)
    wb = load_workbook(path)
    assert wbm.SHEET_TFP in wb.sheetnames and wbm.SHEET_INDICATORS not in wb.sheetnames
    ws = wb[wbm.SHEET_TFP]
    rows = [
        (ws.cell(row=r, column=1).value, ws.cell(row=r, column=2).value)
        for r in range(wbm.FIRST_DATA_ROW, ws.max_row + 1)
    ]
    # 2025: both former provinces from 2010, then the merged province (docs/tfp.md, section 8).
    span = list(range(wbm.TFP_FIRST_YEAR, 2026))
    names = ["Hưng Yên (cũ)", "Thái Bình (cũ)", "Hưng Yên (sau hợp nhất)"]
    assert rows == [(y, n) for n in names for y in span]


def test_round_trip_returns_what_was_written(catalogue, tmp_path):
    exp = catalogue.expectation(2024, "SKHCN")
    wb = fill_workbook(exp, 2024, catalogue)
    written = {}
    ws = wb[wbm.SHEET_INDICATORS]
    for r in range(wbm.FIRST_DATA_ROW, wbm.FIRST_DATA_ROW + len(exp.indicators)):
        written[ws.cell(row=r, column=2).value] = ws.cell(row=r, column=8).value
    ents = []
    ws = wb[wbm.SHEET_ENTERPRISES]
    for r in range(wbm.FIRST_DATA_ROW, wbm.FIRST_DATA_ROW + wbm.ENTERPRISE_ROWS):
        if ws.cell(row=r, column=2).value:
            ents.append(tuple(ws.cell(row=r, column=c).value for c in range(2, 10)))
    path = tmp_path / "x.xlsx"
    wb.save(path)
    sub = wbm.read_workbook(path)
    assert (sub.agency_code, sub.year, sub.kind) == ("SKHCN", 2024, "agency")
    assert {i["code"]: i["value"] for i in sub.indicators} == written
    assert [tuple(e[k] for k, _ in wbm.ENTERPRISE_COLUMNS) for e in sub.enterprises] == ents
    assert ents and all(len(e[1]) == 10 for e in ents)  # tax codes kept as text
    assert [t["code"] for t in sub.tasks] == [t.code for t in exp.tasks]
    assert set(sub.narrative) == {k for k, _ in wbm.NARRATIVE_FIELDS}


def test_identified_by_metadata_not_by_file_name(catalogue, tmp_path):
    [f] = [f for f in write_sample_data(catalogue, 2023, tmp_path / "in") if f.agency_code == "SCT"]
    renamed = tmp_path / "bao cao so Cong thuong.xlsx"
    shutil.copy(f.path, renamed)
    assert wbm.read_workbook(renamed).agency_code == "SCT"


def test_missing_metadata_is_a_clear_error(catalogue, tmp_path):
    path = tmp_path / "x.xlsx"
    wb = wbm.build_workbook(catalogue.expectation(2025, "SCT"), 2025, catalogue)
    del wb[wbm.META_SHEET]
    wb.save(path)
    with pytest.raises(wbm.WorkbookError, match="trang thông tin ẩn"):
        wbm.read_workbook(path)


def test_wrong_metadata_is_a_clear_error(catalogue, tmp_path):
    path = tmp_path / "x.xlsx"
    wb = wbm.build_workbook(catalogue.expectation(2025, "SCT"), 2025, catalogue)
    wb[wbm.META_SHEET]["B3"] = "hai nghìn"
    wb.save(path)
    with pytest.raises(wbm.WorkbookError, match="Năm báo cáo"):
        wbm.read_workbook(path)


def test_not_a_workbook(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_text("không phải bảng tính", encoding="utf-8")
    with pytest.raises(wbm.WorkbookError, match="Không đọc được"):
        wbm.read_workbook(path)


def test_generation_is_reproducible(catalogue, tmp_path):
    import hashlib

    first = [
        hashlib.sha256(p.read_bytes()).hexdigest()
        for p in wbm.write_templates(catalogue, 2026, tmp_path / "a")
    ]
    second = [
        hashlib.sha256(p.read_bytes()).hexdigest()
        for p in wbm.write_templates(catalogue, 2026, tmp_path / "b")
    ]
    assert first == second
