"""Nothing executable goes back: text that a spreadsheet would run as a formula is written as
text in every workbook and CSV the product writes.

- In an .xlsx written with openpyxl, a string starting with "=" becomes a formula cell; ``text``
  and ``protect_text_cells`` keep such a string a string (Excel shows it, never evaluates it).
- In a CSV, Excel and LibreOffice evaluate a field starting with "=", "+", "-", "@", a tab or a
  carriage return; ``escape_csv_text`` prefixes such text (and text already starting with the
  prefix) with an apostrophe, and ``unescape_csv_text`` takes it off again, so the curated
  tables read back exactly what was written.
"""

from __future__ import annotations

from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_PREFIX = "'"


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def escape_csv_text(value: Any) -> Any:
    """A CSV field that no spreadsheet evaluates; non-text values are returned unchanged."""
    if isinstance(value, str) and (looks_like_formula(value) or value.startswith(CSV_PREFIX)):
        return CSV_PREFIX + value
    return value


def unescape_csv_text(value: Any) -> Any:
    """The text ``escape_csv_text`` was given."""
    if isinstance(value, str) and value.startswith(CSV_PREFIX):
        return value[1:]
    return value


def text(cell: Any, value: Any) -> Any:
    """Set an openpyxl cell's value; a string stays a string even if it starts with "=", and
    control characters a worksheet cannot hold (a file name as received may have them) are
    shown as U+FFFD instead of failing the whole workbook."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    cell.value = value
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"
    return cell


def protect_text_cells(wb: Any, sheets: list[str] | None = None) -> None:
    """Every string that openpyxl would write as a formula, in ``sheets`` (default: all),
    written as text instead. For workbooks the product builds, which hold no formulas."""
    for ws in wb.worksheets:
        if sheets is not None and ws.title not in sheets:
            continue
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" and isinstance(cell.value, str):
                    cell.data_type = "s"
