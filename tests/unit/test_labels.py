"""Figures in what agencies read are written the Vietnamese way, never with an exponent."""

from __future__ import annotations

import pytest
from nscl.labels import vn_number


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1234.5, "1.234,5"),
        (1e12, "1.000.000.000.000"),
        (0.1 + 0.2, "0,3"),
        (120.0, "120"),
        (-7.25, "-7,25"),
        (-0.0, "0"),
        (1_234_567, "1.234.567"),
    ],
)
def test_vn_number(value, text):
    assert vn_number(value) == text


def test_budget_message_has_no_exponent(tmp_path, catalogue):
    """The budget check names the enterprises' total in the agency's own number style."""
    from nscl.forms import workbook as wbm
    from nscl.forms.sample import fill_workbook
    from nscl.intake.validation import validate_file

    wb = fill_workbook(catalogue.expectation(2025, "SCT"), 2025, catalogue)
    ws = wb[wbm.SHEET_ENTERPRISES]
    col = 2 + [k for k, _ in wbm.ENTERPRISE_COLUMNS].index("other")
    ws.cell(row=wbm.FIRST_DATA_ROW, column=col, value=10**12)
    wb.save(tmp_path / "x.xlsx")
    outcome = validate_file(tmp_path / "x.xlsx", 2025, catalogue)
    [issue] = [i for i in outcome.issues if i.sheet == wbm.SHEET_BUDGET]
    assert "1.000.000.000" in issue.expected and "e+" not in issue.expected
