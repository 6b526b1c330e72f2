"""Boundaries the mutation audit of issue 22 (item 9) found unguarded: a file at 23:59:59 on
the deadline is on time and one at 00:00:00 the next day is late (``>`` not ``>=``); and every
intake limit (``settings.IntakeLimits``) passes a file exactly at it and refuses it one unit
over (a limit eight times too large, or ``>=`` for ``>``, fails here). The quantities are
measured here from the file's own bytes (zipfile, ElementTree), not by the code under test.
(The organisation counted once whatever its tax code's typing is in test_one_figure.py.)"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import math
import os
import re
import zipfile
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
from nscl.intake.hostile import inspect_file
from nscl.intake.process import process_file
from nscl.settings import IntakeLimits
from test_hostile import _good_bytes, _rezip, _sheet_xml, _with_sheet

YEAR = 2025
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@pytest.fixture(scope="module")
def good(catalogue) -> bytes:
    return _good_bytes(catalogue)


def test_deadline_day_ends_at_235959(zones, catalogue, tmp_path):
    deadline = catalogue.deadline(YEAR)
    assert (deadline.month, deadline.day) == (11, 30)
    last_second = dt.datetime.combine(deadline, dt.time(23, 59, 59), tzinfo=TZ)
    late, on_time = [], []
    for code, at, into in (
        ("SCT", last_second, on_time),
        ("SYT", last_second + dt.timedelta(seconds=1), late),
    ):
        path = tmp_path / f"{code}.xlsx"
        path.write_bytes(_good_bytes(catalogue, code))
        os.utime(path, (at.timestamp(), at.timestamp()))  # a file's arrival is its time in the inbox
        receipt = process_file(path, YEAR, zones, catalogue, now=at + dt.timedelta(hours=1))
        assert receipt["status"] == "accepted", receipt["errors"]
        assert dt.datetime.fromisoformat(receipt["received_at"]) == at
        into.append(receipt["late"])
    assert on_time == [False] and late == [True]


def _sheets(data: bytes) -> list[ElementTree.Element]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [
            ElementTree.fromstring(zf.read(n))
            for n in zf.namelist()
            if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)
        ]


def _col(ref: str) -> int:
    n = 0
    for ch in re.match(r"[A-Z]+", ref).group(0):
        n = n * 26 + ord(ch) - 64
    return n


def measured(data: bytes) -> dict[str, int]:
    """The file's own quantities, one per limit."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
    sheets = _sheets(data)
    cells = [c for s in sheets for c in s.iter(f"{NS}c")]
    value_rows = [
        int(re.sub(r"\D", "", c.get("r")))
        for c in cells
        if c.find(f"{NS}v") is not None or c.find(f"{NS}is") is not None
    ]
    rows = max(max(len(list(s.iter(f"{NS}row"))) for s in sheets), max(value_rows))
    return {
        "max_file_bytes": len(data),
        "max_zip_entries": len(infos),
        "max_uncompressed_bytes": sum(i.file_size for i in infos),
        "max_part_bytes": max(i.file_size for i in infos),
        "max_sheets": len(sheets),
        "max_rows": rows,
        "max_columns": max(_col(c.get("r")) for c in cells),
        "max_cells": len(cells),
    }


def _limits(**kw) -> IntakeLimits:
    return dataclasses.replace(IntakeLimits(), **kw)


@pytest.mark.parametrize(
    "limit",
    [
        "max_file_bytes",
        "max_zip_entries",
        "max_uncompressed_bytes",
        "max_part_bytes",
        "max_sheets",
        "max_rows",
        "max_columns",
        "max_cells",
    ],
)
def test_a_file_at_a_limit_passes_and_one_over_is_refused(tmp_path, good, limit):
    path = tmp_path / "x.xlsx"
    path.write_bytes(good)
    at = measured(good)[limit]
    assert inspect_file(path, "x.xlsx", _limits(**{limit: at})).problem is None
    over = inspect_file(path, "x.xlsx", _limits(**{limit: at - 1})).problem
    assert over is not None and over.message, limit


def test_compression_ratio_at_and_over_the_limit(tmp_path, good):
    padded = _rezip(good, add={"xl/media/pad.bin": b"0" * 2_000_000})  # > 1 MB, highly compressible
    with zipfile.ZipFile(io.BytesIO(padded)) as zf:
        pad = zf.getinfo("xl/media/pad.bin")
    ratio = math.ceil(pad.file_size / pad.compress_size)
    path = tmp_path / "pad.xlsx"
    path.write_bytes(padded)
    assert inspect_file(path, "pad.xlsx", _limits(max_compression_ratio=ratio)).problem is None
    over = inspect_file(path, "pad.xlsx", _limits(max_compression_ratio=ratio - 1)).problem
    assert over is not None and over.code == "zip_bomb"


@pytest.mark.parametrize("shape", ["a value far down", "many empty rows"])
def test_rows_at_and_over_the_limit_by_either_measure(tmp_path, good, shape):
    """A sheet's rows are limited two ways, each checked alone here: the row of its furthest
    value (two rows, the second far down) and its number of rows (many rows, one value)."""
    n = measured(good)["max_rows"] + 50  # beyond every other sheet of the workbook
    if shape == "a value far down":
        rows = f'<row r="1"><c r="A1"><v>1</v></c></row><row r="{n}"><c r="A{n}"><v>2</v></c></row>'
    else:
        rows = '<row r="1"><c r="A1"><v>1</v></c></row>' + "".join(f'<row r="{r}"/>' for r in range(2, n + 1))
    data = _with_sheet(good, _sheet_xml(rows))
    assert measured(data)["max_rows"] == n
    path = tmp_path / "rows.xlsx"
    path.write_bytes(data)
    assert inspect_file(path, "rows.xlsx", _limits(max_rows=n)).problem is None
    over = inspect_file(path, "rows.xlsx", _limits(max_rows=n - 1)).problem
    assert over is not None and over.code == "huge_sheet"
