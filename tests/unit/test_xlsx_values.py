"""The calamine reader gives every cell the value, and the type, openpyxl's read-only mode gives
it (openpyxl is the reference: the validation and its messages were written against it)."""

from __future__ import annotations

import datetime as dt
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nscl.forms.xlsx_values import Book
from openpyxl import Workbook, load_workbook

CELL = st.one_of(
    st.none(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20),
    st.booleans(),
    st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2099, 12, 31)),
    st.datetimes(min_value=dt.datetime(1901, 1, 1), max_value=dt.datetime(2099, 12, 31)).map(
        lambda d: d.replace(microsecond=0)
    ),
)


def _both(rows: list[list]) -> tuple[list[tuple], list[tuple]]:
    wb = Workbook()
    ws = wb.active
    ws.title = "Trang 1"
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            ws.cell(row=r, column=c, value=value)
    buf = io.BytesIO()
    wb.save(buf)
    width = max((len(r) for r in rows), default=1)
    ref = load_workbook(io.BytesIO(buf.getvalue()), read_only=True, data_only=True)
    want = list(ref["Trang 1"].iter_rows(min_row=1, max_col=width, values_only=True))
    book = Book(io.BytesIO(buf.getvalue()))
    got = list(book["Trang 1"].iter_rows(min_row=1, max_col=width, values_only=True))
    return want, got


def _typed(rows: list[tuple]) -> list[list]:
    """Type and value of each cell, without the trailing rows that hold nothing (openpyxl
    gives rows up to the sheet's stated dimension, calamine up to its last value; the reader
    skips rows without a value either way)."""
    out = [[(type(v).__name__, v) for v in row] for row in rows]
    while out and all(v is None for _, v in out[-1]):
        out.pop()
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(CELL, min_size=1, max_size=6), min_size=1, max_size=6))
def test_values_and_types_are_openpyxls(rows):
    want, got = _both(rows)
    assert _typed(got) == _typed(want)


def test_each_kind_of_cell():
    row = [
        7,
        2.5,
        "chữ",
        True,
        dt.datetime(2025, 3, 4, 5, 6, 7),
        dt.date(2025, 1, 2),
        None,
        "=1+1",
        10**12,
        -3,
    ]
    want, got = _both([row])
    assert _typed(got) == _typed(want)
    # the cases calamine gives otherwise, pinned: whole numbers, a bare date, an empty cell
    assert got[0][0] == 7 and type(got[0][0]) is int
    assert got[0][5] == dt.datetime(2025, 1, 2) and type(got[0][5]) is dt.datetime
    assert got[0][6] is None and got[0][7] is None  # a formula with no cached value reads empty


def test_bounds_and_padding_as_openpyxl():
    wb = Workbook()
    ws = wb.active
    ws["A1"], ws["C3"] = 1, "x"
    buf = io.BytesIO()
    wb.save(buf)
    sheet = Book(io.BytesIO(buf.getvalue()))[ws.title]
    assert list(sheet.iter_rows(min_row=2, max_col=4)) == [(None, None, None, None), (None, None, "x", None)]
    assert list(sheet.iter_rows(min_row=3, min_col=3, max_col=3)) == [("x",)]
    assert list(sheet.iter_rows(min_row=1, max_row=1, max_col=2)) == [(1, None)]
    assert list(sheet.iter_rows(min_row=9, max_col=2)) == []
