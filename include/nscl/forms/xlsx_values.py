"""The values of a returned workbook's cells, read with calamine (Rust): about fifteen times
faster than openpyxl's read-only mode, which was most of the intake's cost (issue 14).

Only what the reader needs: sheet names, and rows of cached cell values (formulas are never
evaluated). The values are given as openpyxl's read-only, ``data_only`` mode gives them, so the
validation and its messages are unchanged:

- an empty cell is ``None`` (calamine gives ``""``);
- a whole number is an ``int`` (calamine gives every number as a ``float``; the file stores
  ``5``, which openpyxl reads as ``int``); beyond 2**53 a float stays a float;
- a date-only cell is a ``datetime`` at midnight (openpyxl never gives a bare ``date``).

Call it only on a file that passed ``nscl.intake.hostile.inspect_file``: calamine holds a
sheet's used range in memory, which the hostile scan's row, column and cell limits bound.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, BinaryIO

# A whole number below 1e16 is written without an exponent ("9007199254740994"), which openpyxl
# reads as an int; from 1e16 a float's text has one ("1e+16") and stays a float.
_EXACT = 1e16


class ReadError(ValueError):
    """Calamine could not read a sheet (broken XML the hostile scan let through)."""


def _value(v: Any) -> Any:
    if v == "" and isinstance(v, str):
        return None
    if type(v) is float:
        return int(v) if v.is_integer() and -_EXACT < v < _EXACT else v
    if type(v) is dt.date:
        return dt.datetime(v.year, v.month, v.day)
    return v


class Sheet:
    """One sheet's rows of values, parsed on first use."""

    def __init__(self, book: Any, name: str) -> None:
        self._book = book
        self.title = name
        self._rows: list[list[Any]] | None = None

    def _all(self) -> list[list[Any]]:
        if self._rows is None:
            try:
                self._rows = self._book.get_sheet_by_name(self.title).to_python(skip_empty_area=False)
            except Exception as exc:  # calamine's errors have no common base class
                raise ReadError(f"{self.title}: {exc}") from exc
        return self._rows

    def iter_rows(
        self,
        min_row: int = 1,
        max_row: int | None = None,
        min_col: int = 1,
        max_col: int | None = None,
        values_only: bool = True,
    ) -> Iterator[tuple[Any, ...]]:
        """As openpyxl's ``iter_rows(values_only=True)``: 1-based, inclusive bounds; rows past
        the sheet's last used row are not given, a row shorter than ``max_col`` is padded."""
        rows = self._all()
        last = len(rows) if max_row is None else min(max_row, len(rows))
        for r in range(min_row - 1, last):
            cells = rows[r]
            width = len(cells) if max_col is None else max_col
            values = [_value(v) for v in cells[min_col - 1 : width]]
            yield tuple(values + [None] * (width - min_col + 1 - len(values)))


class Book:
    """A workbook's sheets by name, as ``wb[name]`` and ``wb.sheetnames`` in openpyxl."""

    def __init__(self, fh: BinaryIO) -> None:
        from python_calamine import CalamineWorkbook

        self._book = CalamineWorkbook.from_filelike(fh)
        self.sheetnames: list[str] = list(self._book.sheet_names)
        # sheets hidden from the agency (the template's own _meta and _lists)
        self.hidden: set[str] = {
            m.name
            for m in self._book.sheets_metadata
            if "Visible" not in str(getattr(m, "visible", "Visible"))
        }
        self._sheets: dict[str, Sheet] = {}

    def __getitem__(self, name: str) -> Sheet:
        if name not in self._sheets:
            if name not in self.sheetnames:
                raise KeyError(name)
            self._sheets[name] = Sheet(self._book, name)
        return self._sheets[name]

    def close(self) -> None:
        self._sheets.clear()
        close = getattr(self._book, "close", None)
        if close is not None:
            close()
