"""Agency workbooks show no internal codes (indicator, agency, budget source, narrative field)
on any visible sheet or column; the codes the reader needs sit in hidden columns and the hidden
``_meta`` sheet; a workbook of the previous template version is still read."""

from __future__ import annotations

from pathlib import Path

from nscl.forms import workbook as wbm
from nscl.forms.sample import fill_workbook
from nscl.intake.validation import validate_file
from nscl.labels import BUDGET_SOURCES
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

YEAR = 2025


def visible_values(path: Path) -> set[str]:
    wb = load_workbook(path)
    out = set()
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        hidden = {k for k, d in ws.column_dimensions.items() if d.hidden}
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None and get_column_letter(cell.column) not in hidden:
                    out.add(str(cell.value))
    return out


def test_no_internal_code_on_a_visible_sheet(catalogue, tmp_path):
    exp = catalogue.expectation(YEAR, "SCT")
    path = tmp_path / "sct.xlsx"
    fill_workbook(exp, YEAR, catalogue).save(path)
    shown = visible_values(path)
    codes = (
        {i.code for i in exp.indicators}
        | {code for code, _ in BUDGET_SOURCES}
        | {code for code, _ in wbm.NARRATIVE_FIELDS}
        | set(catalogue.agencies)
    )
    assert not (shown & codes), sorted(shown & codes)
    assert "_meta" in load_workbook(path).sheetnames
    assert load_workbook(path)["_meta"].sheet_state == "hidden"
    out = validate_file(path, YEAR, catalogue)  # still identified and read
    assert out.status == "accepted", out.issues
    assert out.agency_code == "SCT"


def test_the_previous_template_version_is_still_read(catalogue, tmp_path):
    exp = catalogue.expectation(YEAR, "SCT")
    wb = fill_workbook(exp, YEAR, catalogue)
    meta = wb[wbm.META_SHEET]
    for row in meta.iter_rows(min_row=1, max_col=2):
        if row[0].value == "template_version":
            row[1].value = "2026.1"
    for ws in wb.worksheets:  # the 2026.1 layout: the same columns, shown
        for d in ws.column_dimensions.values():
            d.hidden = False
    path = tmp_path / "old.xlsx"
    wb.save(path)
    out = validate_file(path, YEAR, catalogue)
    assert out.status == "accepted", out.issues
    assert out.template_version == "2026.1"
