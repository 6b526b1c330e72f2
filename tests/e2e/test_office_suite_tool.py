"""The office-suite corpus tool itself (tests/office_suite.py): LibreOffice Calc makes each
structure edit of issue 21 and saves .xlsx, .xls and .ods that python-calamine reads back.

Every expectation is computed here from the source workbook read with openpyxl (another reader
than the one that reads the outputs), then edited in Python as the case says: whole sheets are
compared, so a value the tool moved, lost or added anywhere fails the test."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import office_suite as osu
import pytest

REASON = osu.unavailable()
pytestmark = pytest.mark.skipif(REASON is not None, reason=REASON or "")


def _trim(rows: list[list[Any]]) -> list[list[Any]]:
    """Rows without trailing empty cells, without trailing empty rows; None read as ""."""
    out = []
    for row in rows:
        row = ["" if v is None else v for v in row]
        while row and row[-1] == "":
            row.pop()
        out.append(row)
    while out and not out[-1]:
        out.pop()
    return out


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    return osu.filled_source(tmp_path_factory.mktemp("source"))


@pytest.fixture(scope="module")
def typed(source) -> dict[str, list[list[Any]]]:
    """Every sheet of the source as openpyxl reads it."""
    from openpyxl import load_workbook

    wb = load_workbook(source)
    return {ws.title: _trim([list(r) for r in ws.iter_rows(values_only=True)]) for ws in wb.worksheets}


@pytest.fixture(scope="module")
def corpus(source) -> dict[str, dict[str, Path]]:
    return osu.corpus(source)


def _read(path: Path, sheet: str) -> list[list[Any]]:
    return _trim(osu.read_sheet(path, sheet))


FMTS = pytest.mark.parametrize("fmt", osu.FORMATS)


def test_the_corpus_is_made_once_per_process(source, corpus):
    assert osu.corpus(source) is corpus
    assert set(corpus) == {c.name for c in osu.standard_cases(1)}
    for files in corpus.values():
        assert sorted(files) == sorted(osu.FORMATS) and all(p.stat().st_size > 0 for p in files.values())
    assert not list(source.parent.glob(".~lock*"))  # LibreOffice never opened the caller's file


@FMTS
def test_saved_unchanged_every_sheet_reads_as_typed(corpus, typed, fmt):
    path = corpus["as_saved"][fmt]
    assert osu.sheet_names(path) == list(typed)
    assert osu.hidden_sheets(path) == ["_lists", "_meta"]  # the drop-down lists and the identity
    for sheet, rows in typed.items():
        assert _read(path, sheet) == rows, sheet


@FMTS
def test_insert_column(corpus, typed, fmt, source):
    n = osu.count_enterprises(source)
    workers = osu.workers(n)
    want = []
    for r, row in enumerate(typed[osu.ENTERPRISES], start=1):
        new = "Số lao động" if r == osu.HEADER_ROW else workers.get(r, "")
        want.append(row[:5] + [new] + row[5:] if len(row) > 5 or new != "" else row)
    got = _read(corpus["insert_column"][fmt], osu.ENTERPRISES)
    assert got == want
    header = got[osu.HEADER_ROW - 1]
    assert header[5:10] == [
        "Số lao động",
        *typed[osu.ENTERPRISES][osu.HEADER_ROW - 1][5:9],
    ]  # F new, G = old F


@FMTS
def test_delete_column(corpus, typed, fmt):
    want = _trim([row[:6] + row[7:] for row in typed[osu.ENTERPRISES]])
    assert _read(corpus["delete_column"][fmt], osu.ENTERPRISES) == want
    assert "NS tỉnh (triệu đồng)" not in want[osu.HEADER_ROW - 1]


@FMTS
def test_swap_columns(corpus, typed, fmt):
    want = [row[:5] + [row[6], row[5]] + row[7:] if len(row) > 6 else row for row in typed[osu.ENTERPRISES]]
    got = _read(corpus["swap_columns"][fmt], osu.ENTERPRISES)
    assert got == want
    assert got[osu.HEADER_ROW - 1][5:7] == ["NS tỉnh (triệu đồng)", "NS trung ương (triệu đồng)"]


@FMTS
def test_insert_row_in_a_code_keyed_table(corpus, typed, fmt):
    rows = typed[osu.INDICATORS]
    inserted = ["", "", "Số lớp tập huấn bổ sung", "", "", "", "", 3]
    assert _read(corpus["insert_row_indicators"][fmt], osu.INDICATORS) == rows[:5] + [inserted] + rows[5:]


@FMTS
def test_total_row_under_the_enterprises(corpus, typed, fmt, source):
    n = osu.count_enterprises(source)
    rows = typed[osu.ENTERPRISES]
    data = rows[osu.FIRST_DATA_ROW - 1 : osu.FIRST_DATA_ROW - 1 + n]
    sums = [sum(float(r[c]) for r in data) for c in range(5, 9)]
    assert sums[1] > 0  # the sample lists provincial support: the total is no empty row
    got = _read(corpus["total_row"][fmt], osu.ENTERPRISES)
    assert got == rows + [["", "Tổng cộng", "", "", "", *sums]]


@FMTS
def test_renamed_sheet(corpus, typed, fmt):
    path = corpus["rename_sheet"][fmt]
    assert osu.sheet_names(path) == [("Kinh phi" if s == osu.BUDGET else s) for s in typed]
    assert _read(path, "Kinh phi") == typed[osu.BUDGET]


@FMTS
def test_extra_sheet(corpus, typed, fmt):
    path = corpus["extra_sheet"][fmt]
    assert osu.sheet_names(path) == [*typed, "Ghi chú"]
    assert _read(path, "Ghi chú") == [["Số liệu do phòng Kế hoạch tổng hợp"], ["", 42]]


@FMTS
def test_sheets_copied_into_a_new_workbook_leave_the_hidden_sheet_behind(corpus, typed, fmt):
    path = corpus["copied_sheets"][fmt]
    visible = [s for s in typed if s not in ("_meta", "_lists")]  # the hidden sheets stay behind
    assert osu.sheet_names(path) == visible and osu.hidden_sheets(path) == []
    for sheet in visible:
        assert _read(path, sheet) == typed[sheet], sheet


@FMTS
def test_a_date_typed_into_a_number_cell_is_stored_as_a_date(corpus, typed, fmt):
    got = _read(corpus["date_in_number"][fmt], osu.BUDGET)
    value = got[5][3]  # D6
    assert isinstance(value, dt.date) and (value.year, value.month, value.day) == (2025, 11, 3)
    want = [row[:] for row in typed[osu.BUDGET]]
    want[5][3] = value
    assert got == want


@FMTS
def test_a_number_typed_as_text_stays_text(corpus, typed, fmt):
    got = _read(corpus["text_number"][fmt], osu.BUDGET)
    assert got[6][3] == "1,500"
    want = [row[:] for row in typed[osu.BUDGET]]
    want[6][3] = "1,500"
    assert got == want


def test_a_file_libreoffice_cannot_edit_is_named_with_its_reason(tmp_path, source):
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(osu.OfficeSuiteError, match="hong") as err:
        osu.run_jobs(
            [
                osu.Job(source, "ok", (osu.rename_sheet(osu.BUDGET, "KP"),), ("xlsx",)),
                osu.Job(broken, "hong", (osu.rename_sheet(osu.BUDGET, "KP"),), ("xlsx",)),
                osu.Job(source, "no_sheet", (osu.rename_sheet("Không có", "KP"),), ("ods",)),
            ],
            tmp_path / "out",
        )
    assert "no_sheet" in str(err.value) and "'ok'" not in str(err.value)
    assert osu.sheet_names(tmp_path / "out" / "ok.xlsx")[4] == "KP"  # the good job was still made


def _offices(marker: str = "nscl_office_") -> set[int]:
    """Processes started by this tool (their command line names its pipe), or those whose command
    line holds ``marker`` (this test's own work folder: other tests may run LibreOffice at once)."""
    found = set()
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes()
            if proc.name.isdigit() and b"nscl_office_" in cmdline and marker.encode() in cmdline:
                found.add(int(proc.name))
        except OSError:
            continue
    return found


def test_a_libreoffice_that_does_not_answer_in_time_is_ended(tmp_path, source, monkeypatch):
    work = tmp_path / "work"

    def mkdtemp(prefix: str = "") -> str:
        work.mkdir()
        return str(work)

    monkeypatch.setattr(osu.tempfile, "mkdtemp", mkdtemp)
    monkeypatch.setattr(osu, "STARTUP_TIMEOUT", 0.5)  # no LibreOffice starts and saves a file in 0,5 s
    monkeypatch.setattr(osu, "PER_JOB_TIMEOUT", 0.0)
    with pytest.raises(osu.OfficeSuiteError, match="did not finish 1 file"):
        osu.run_jobs([osu.Job(source, "slow")], tmp_path)
    assert _offices(str(work)) == set()


@FMTS
def test_records_read_by_header_whatever_the_column_order(corpus, source, fmt):
    typed = osu.records(source, osu.ENTERPRISES)
    assert len(typed) == osu.count_enterprises(source)
    assert osu.records(corpus["swap_columns"][fmt], osu.ENTERPRISES) == typed
    inserted = osu.records(corpus["insert_column"][fmt], osu.ENTERPRISES)
    workers = list(osu.workers(len(typed)).values())
    assert [r.pop("Số lao động") for r in inserted] == workers and inserted == typed
    deleted = osu.records(corpus["delete_column"][fmt], osu.ENTERPRISES)
    assert deleted == [{k: v for k, v in r.items() if k != "NS tỉnh (triệu đồng)"} for r in typed]


def test_jobs_a_libreoffice_crash_left_undone_are_made_again(tmp_path, source, capfd):
    marker = tmp_path / "crashed"
    jobs = [
        osu.Job(source, "before", (osu.rename_sheet(osu.BUDGET, "A"),), ("ods",)),
        osu.Job(source, "crash", (osu.crash_once(marker), osu.rename_sheet(osu.BUDGET, "B")), ("ods",)),
        osu.Job(source, "after", (osu.rename_sheet(osu.BUDGET, "C"),), ("xls",)),
    ]
    made = osu.run_jobs(jobs, tmp_path / "out")
    assert marker.read_text(encoding="utf-8") == "crashed"
    assert "LibreOffice crashed; 2 file(s) made again" in capfd.readouterr().err
    names = {job: osu.sheet_names(files[fmt]) for job, files in made.items() for fmt in files}
    assert {job: n[4] for job, n in names.items()} == {"before": "A", "crash": "B", "after": "C"}
    marker.unlink()
    with pytest.raises(osu.OfficeSuiteError, match="crash"):
        osu.run_jobs(jobs[1:2], tmp_path / "again", retry=False)


def _simulate(rows: list[list[Any]], edits) -> list[list[Any]]:
    """The edits applied to a sheet's rows in Python: what the saved file must hold."""
    rows = [list(r) for r in rows]
    width = max(len(r) for r in rows)
    for e in edits:
        a = e.args
        for r in rows:
            r.extend([""] * (width + 2 - len(r)))
        if e.op == "insert_column":
            i = osu.col_index(a["before"])
            for n, r in enumerate(rows, start=1):
                r.insert(i, a["cells"].get(str(n), ""))
            width += 1
        elif e.op == "delete_column":
            for r in rows:
                del r[osu.col_index(a["column"])]
            width -= 1
        elif e.op == "move_column":
            src, dest = osu.col_index(a["column"]), osu.col_index(a["before"])
            for r in rows:
                value = r[src]
                r.insert(dest, value)
                del r[src + 1 if src > dest else src]
        elif e.op == "insert_row":
            new = [""] * width
            for col, value in a["cells"].items():
                new[osu.col_index(col)] = value
            while len(rows) < a["before"] - 1:
                rows.append([""] * width)
            rows.insert(a["before"] - 1, new)
    return _trim(rows)


def test_random_structure_edits_hold_exactly_what_was_typed(tmp_path, source, typed):
    cases = osu.random_cases(osu.count_enterprises(source), count=8, seed=0)
    assert {e.op for c in cases for e in c.edits} == {
        "insert_column",
        "delete_column",
        "move_column",
        "insert_row",
    }
    made = osu.run_jobs([osu.Job(source, c.name, c.edits) for c in cases], tmp_path)
    for case in cases:
        want = _simulate(typed[osu.ENTERPRISES], case.edits)
        for fmt, path in made[case.name].items():
            assert _read(path, osu.ENTERPRISES) == want, (case.what, fmt)
