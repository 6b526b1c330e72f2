"""Workbooks as a real office suite writes them: LibreOffice Calc opens a filled workbook, makes
the structure edits an agency makes by hand, and saves the result as .xlsx, .xls and .ods.

Two halves in one file:

- the API the tests call (this interpreter, the project's venv): :class:`Edit` constructors,
  :func:`run_jobs` (one LibreOffice process for many files), :func:`corpus` (the standard cases
  of issue 21, built once per test session and cached), :func:`read_sheet` (read back with
  python-calamine);
- the worker (``/usr/bin/python3 tests/office_suite.py JOBS.json``, Debian's Python, which has
  the ``uno`` module that the venv's Python cannot import): it starts ``soffice --headless`` on a
  fresh profile, connects over a named pipe, and makes every edit through Calc's own API (UNO),
  as a person does with Calc's menus: Tools > Protect Sheet off, Sheet > Insert Columns Before,
  cut and "insert cut cells", type into a cell (Calc recognises dates and numbers as it does for
  typed input), Sheet > Rename, Move or Copy Sheet to a new document, File > Save As.

The top level imports the standard library only (the worker runs without the project's
packages).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
# Debian's Python, which python3-uno serves; NSCL_UNO_PYTHON names another one that imports uno.
SYSTEM_PYTHON = os.environ.get("NSCL_UNO_PYTHON", "/usr/bin/python3")
FORMATS = ("xlsx", "xls", "ods")
# LibreOffice's export filters (File > Save As, "Keep current format").
FILTERS = {"xlsx": "Calc MS Excel 2007 XML", "xls": "MS Excel 97", "ods": "calc8"}
STARTUP_TIMEOUT = 90.0  # seconds for soffice to accept a connection (a fresh profile is built first)
PER_JOB_TIMEOUT = 30.0  # seconds a file may take (open, edit, three saves) before the call is given up

# The template's sheets and rows (include/nscl/forms/workbook.py); literal here so that the tool
# describes the workbook as an agency sees it, whatever the code's own constants become.
ENTERPRISES = "Doanh nghiệp"
INDICATORS = "Chỉ tiêu"
BUDGET = "Kinh phí"
TASKS = "Nhiệm vụ"
NARRATIVE = "Thuyết minh"
HEADER_ROW = 4
FIRST_DATA_ROW = 5


class OfficeSuiteError(RuntimeError):
    """LibreOffice could not be started, or a file could not be opened, edited or saved."""


# ---- edits ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """One edit a person makes in Calc, as JSON the worker understands (``op`` and arguments).
    Columns are letters ("F"), rows are the numbers Calc shows (1-based)."""

    op: str
    args: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"op": self.op, **self.args}


def insert_column(sheet: str, before: str, header: str, values: dict[int, Any] | None = None) -> Edit:
    """Sheet > Insert Columns Before ``before``, then type ``header`` in the header row (4) and
    ``values`` ({row: value}) below it."""
    cells = {HEADER_ROW: header, **(values or {})}
    return Edit(
        "insert_column", {"sheet": sheet, "before": before, "cells": {str(r): v for r, v in cells.items()}}
    )


def delete_column(sheet: str, column: str) -> Edit:
    """Sheet > Delete Columns on ``column`` (its contents go, the columns right of it move left)."""
    return Edit("delete_column", {"sheet": sheet, "column": column})


def move_column(sheet: str, column: str, before: str) -> Edit:
    """Cut column ``column`` and insert the cut cells before column ``before`` (as of before the
    move)."""
    return Edit("move_column", {"sheet": sheet, "column": column, "before": before})


def swap_columns(sheet: str, a: str, b: str) -> list[Edit]:
    """Columns ``a`` and ``b`` change places (two cut-and-insert moves)."""
    i, j = sorted((col_index(a), col_index(b)))
    return [
        move_column(sheet, col_letter(j), col_letter(i)),
        move_column(sheet, col_letter(i + 1), col_letter(j + 1)),
    ]


def insert_row(sheet: str, before: int, cells: dict[str, Any] | None = None) -> Edit:
    """Sheet > Insert Rows Above row ``before``, then type ``cells`` ({column: value}) in it."""
    return Edit("insert_row", {"sheet": sheet, "before": before, "cells": dict(cells or {})})


def type_cells(sheet: str, cells: dict[str, Any]) -> Edit:
    """Type into cells ({"B7": value}): a string is typed as a person types it (Calc turns
    "2025-11-3" into a date, "=SUM(F5:F7)" into a formula), a number is entered as a number."""
    return Edit("type", {"sheet": sheet, "cells": dict(cells)})


def text_cells(sheet: str, cells: dict[str, str]) -> Edit:
    """Cells holding text as typed into a cell formatted as text ("1,500" stays a string)."""
    return Edit("text", {"sheet": sheet, "cells": dict(cells)})


def rename_sheet(sheet: str, name: str) -> Edit:
    return Edit("rename_sheet", {"sheet": sheet, "name": name})


def add_sheet(name: str, cells: dict[str, Any] | None = None) -> Edit:
    """Sheet > Insert Sheet at the end, named ``name``, with ``cells`` typed in it."""
    return Edit("add_sheet", {"name": name, "cells": dict(cells or {})})


def copy_to_new_workbook() -> Edit:
    """Every visible sheet copied (Move or Copy Sheet, "new document") into a new workbook, which
    is what gets saved: the hidden ``_meta`` sheet does not come along."""
    return Edit("copy_to_new_workbook", {})


def crash_once(marker: Path) -> Edit:
    """For the tool's own tests: LibreOffice quits in the middle of the job, unless ``marker``
    exists (it is written on the way out, so a second attempt goes through)."""
    return Edit("crash_once", {"marker": str(marker)})


def col_index(letter: str) -> int:
    """0-based index of a column letter ("A" -> 0, "AA" -> 26)."""
    n = 0
    for ch in letter.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def col_letter(index: int) -> str:
    """The column letter of a 0-based index."""
    s = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        s = chr(65 + rem) + s
    return s


# ---- the API: one LibreOffice process, many files -------------------------------------------


@dataclass(frozen=True)
class Job:
    """Open ``source``, make ``edits``, save as each of ``formats`` to ``out_dir/<name>.<fmt>``."""

    source: Path
    name: str
    edits: tuple[Edit, ...] = ()
    formats: tuple[str, ...] = FORMATS


def unavailable() -> str | None:
    """Why the tool cannot run here (a skip reason), or None."""
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        return "LibreOffice Calc not installed (Debian: libreoffice-calc-nogui)"
    if not Path(SYSTEM_PYTHON).exists():
        return f"{SYSTEM_PYTHON} not found (Debian's Python, for python3-uno)"
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, timeout=30)
    if probe.returncode != 0:
        return "python3-uno not installed (Debian: python3-uno), needed to drive LibreOffice"
    return None


def run_jobs(jobs: list[Job], out_dir: Path, retry: bool = True) -> dict[str, dict[str, Path]]:
    """Make every job's files with one LibreOffice process on a fresh profile; returns
    {job name: {format: path}}. Raises :class:`OfficeSuiteError` with LibreOffice's own message
    when a file cannot be opened, edited or saved, or when LibreOffice does not answer in time.
    The jobs a LibreOffice crash left undone (its bridge gone) are run once more in a new one."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = [job.name for job in jobs]
    if len(set(names)) != len(names):
        raise ValueError(f"job names must be unique: {names}")
    work = Path(tempfile.mkdtemp(prefix="nscl-office-"))
    try:
        # LibreOffice opens a copy: the caller's file gets no lock file and is never written.
        copies: dict[Path, Path] = {}
        for job in jobs:
            source = Path(job.source).resolve()
            if source not in copies:
                copies[source] = work / "in" / str(len(copies)) / source.name
                copies[source].parent.mkdir(parents=True)
                shutil.copyfile(source, copies[source])
        spec = {
            "profile": (work / "profile").as_uri(),
            "pipe": f"nscl_office_{uuid.uuid4().hex}",
            "jobs": [
                {
                    "name": job.name,
                    "source": str(copies[Path(job.source).resolve()]),
                    "edits": [e.to_json() for e in job.edits],
                    "outputs": {fmt: str((out_dir / f"{job.name}.{fmt}").resolve()) for fmt in job.formats},
                }
                for job in jobs
            ],
        }
        spec_path = work / "jobs.json"
        spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        timeout = STARTUP_TIMEOUT + PER_JOB_TIMEOUT * max(1, len(jobs))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
        env["LANG"] = env["LC_ALL"] = "C.UTF-8"  # Calc reads typed input the en-US way
        # A session of its own: on a timeout the worker and the soffice it started (its process
        # group, by id) are ended together, so no LibreOffice is left running.
        proc = subprocess.Popen(
            [SYSTEM_PYTHON, str(HERE), str(spec_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=work,
            start_new_session=True,
        )
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise OfficeSuiteError(
                f"LibreOffice did not finish {len(jobs)} file(s) in {timeout:.0f} s"
            ) from exc
        result_path = work / "result.json"
        if proc.returncode != 0 or not result_path.exists():
            raise OfficeSuiteError(f"the LibreOffice worker failed ({proc.returncode}):\n{stderr[-4000:]}")
        results = json.loads(result_path.read_text(encoding="utf-8"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    failed = {name: r["error"] for name, r in results.items() if r.get("error")}
    # A crash fails the job it happened in (with whatever error) and every job after it.
    crashed = [job for job in jobs if job.name in failed] if "DisposedException" in str(failed) else []
    if crashed and retry:
        print(f"LibreOffice crashed; {len(crashed)} file(s) made again", file=sys.stderr)
        again = run_jobs(crashed, out_dir, retry=False)
        failed = {name: error for name, error in failed.items() if name not in again}
        results.update(
            {name: {"outputs": {f: str(p) for f, p in out.items()}} for name, out in again.items()}
        )
    if failed:
        raise OfficeSuiteError(f"LibreOffice could not make: {failed}")
    return {job.name: {fmt: Path(p) for fmt, p in results[job.name]["outputs"].items()} for job in jobs}


# ---- the standard corpus of issue 21 ----------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One way an agency changes its workbook, and what a correct intake must make of it."""

    name: str
    edits: tuple[Edit, ...]
    what: str  # the edit in words


WORKERS = (25, 140, 12, 60, 33, 8)  # "Số lao động" typed into the inserted column, row after row
TYPED_DATE = "2025-11-3"  # typed into a number cell; Calc (as Excel) stores the date 03/11/2025
TYPED_TEXT = "1,500"  # in a cell formatted as text: a string, "1.5" or "1500" by convention


def workers(n_enterprises: int) -> dict[int, int]:
    """{row: number of workers} typed beside each of the ``n_enterprises`` rows."""
    return {FIRST_DATA_ROW + i: WORKERS[i % len(WORKERS)] for i in range(n_enterprises)}


def standard_cases(n_enterprises: int) -> list[Case]:
    """The edits of issue 21 for a workbook filled by ``nscl.forms.sample.fill_workbook`` that
    lists ``n_enterprises`` enterprises (rows 5 ..) and has the four budget rows (5-8)."""
    last = FIRST_DATA_ROW + n_enterprises - 1
    total: dict[str, Any] = {f"B{last + 1}": "Tổng cộng"}
    total.update({f"{col}{last + 1}": f"=SUM({col}{FIRST_DATA_ROW}:{col}{last})" for col in "FGHI"})
    return [
        Case("as_saved", (), "opened and saved, nothing changed"),
        Case(
            "insert_column",
            (insert_column(ENTERPRISES, "F", "Số lao động", workers(n_enterprises)),),
            f"'{ENTERPRISES}': a column 'Số lao động' inserted before F (old F..I move to G..J), "
            "a number of workers typed beside each enterprise",
        ),
        Case(
            "delete_column",
            (delete_column(ENTERPRISES, "G"),),
            f"'{ENTERPRISES}': column G 'NS tỉnh (triệu đồng)' deleted (H..I move to G..H)",
        ),
        Case(
            "swap_columns",
            tuple(swap_columns(ENTERPRISES, "F", "G")),
            f"'{ENTERPRISES}': columns F 'NS trung ương' and G 'NS tỉnh' swapped",
        ),
        Case(
            "insert_row_indicators",
            (insert_row(INDICATORS, 6, {"C": "Số lớp tập huấn bổ sung", "H": 3}),),
            f"'{INDICATORS}': a row inserted above row 6 (a name in C, 3 in H, no code in the hidden "
            "column B); rows 6.. move down one",
        ),
        Case(
            "total_row",
            (type_cells(ENTERPRISES, total),),
            f"'{ENTERPRISES}': 'Tổng cộng' typed in B{last + 1}, under the last enterprise, with "
            f"=SUM(F{FIRST_DATA_ROW}:F{last}) .. =SUM(I..) in F..I",
        ),
        Case("rename_sheet", (rename_sheet(BUDGET, "Kinh phi"),), f"sheet '{BUDGET}' renamed 'Kinh phi'"),
        Case(
            "extra_sheet",
            (add_sheet("Ghi chú", {"A1": "Số liệu do phòng Kế hoạch tổng hợp", "B2": 42}),),
            "a sheet 'Ghi chú' added at the end (text in A1, 42 in B2)",
        ),
        Case(
            "copied_sheets",
            (copy_to_new_workbook(),),
            "every visible sheet copied into a new workbook (no hidden _meta sheet)",
        ),
        Case(
            "date_in_number",
            (type_cells(BUDGET, {"D6": TYPED_DATE}),),
            f"'{BUDGET}' D6 (Ngân sách tỉnh): '{TYPED_DATE}' typed, which Calc stores as the date 03/11/2025",
        ),
        Case(
            "text_number",
            (text_cells(BUDGET, {"D7": TYPED_TEXT}),),
            f"'{BUDGET}' D7 (Đối ứng): the text '{TYPED_TEXT}' (a cell formatted as text)",
        ),
    ]


EXTRA_HEADERS = ("Số lao động", "Doanh thu (tỷ đồng)", "Ghi chú thêm", "NS trung ương (triệu đồng)")


def random_cases(n_enterprises: int, count: int, seed: int = 0) -> list[Case]:
    """``count`` cases of one to three random structure edits of the enterprise sheet, as a
    person might make them: a column inserted (a header, sometimes one of the template's own,
    and numbers), deleted or moved, a row inserted among the enterprises. Deterministic for a
    seed; for the property "any such edit gives a structure message or the typed values by
    header" (compare the intake with :func:`records` of each file)."""
    import random

    rng = random.Random(seed)
    out = []
    for k in range(count):
        width, rows, edits = 9, n_enterprises, []  # columns A..I, enterprise rows
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice(("insert_column", "delete_column", "move_column", "insert_row"))
            if kind == "insert_column":
                before = col_letter(rng.randint(1, width))  # B .. one past the last
                values = {FIRST_DATA_ROW + i: rng.randint(1, 500) for i in range(rows)}
                edits.append(insert_column(ENTERPRISES, before, rng.choice(EXTRA_HEADERS), values))
                width += 1
            elif kind == "delete_column" and width > 3:
                edits.append(delete_column(ENTERPRISES, col_letter(rng.randint(1, width - 1))))
                width -= 1
            elif kind == "move_column":
                src, dest = rng.sample(range(1, width), 2)
                edits.append(move_column(ENTERPRISES, col_letter(src), col_letter(dest)))
            else:
                before = rng.randint(FIRST_DATA_ROW, FIRST_DATA_ROW + rows)
                cells = {"B": f"Hợp tác xã thêm {k}", "F": rng.randint(1, 90)}
                edits.append(insert_row(ENTERPRISES, before, cells))
                rows += 1
        out.append(Case(f"random_{seed}_{k}", tuple(edits), "; ".join(e.op for e in edits)))
    return out


def count_enterprises(path: Path) -> int:
    """How many enterprise rows a workbook lists (names in column B from row 5 down)."""
    rows = read_sheet(path, ENTERPRISES)
    n = 0
    for row in rows[FIRST_DATA_ROW - 1 :]:
        if len(row) < 2 or row[1] in ("", None):
            break
        n += 1
    return n


_CORPORA: dict[tuple[str, tuple[str, ...]], dict[str, dict[str, Path]]] = {}


def corpus(source: Path, only: tuple[str, ...] | None = None) -> dict[str, dict[str, Path]]:
    """{case name: {"xlsx"|"xls"|"ods": path}} for the standard cases (all, or those named in
    ``only``) applied to ``source`` (a filled .xlsx that lists at least one enterprise), made by
    one LibreOffice process the first time and cached for the test process (keyed by the
    source's content and the case names). The files live in a temporary folder that lasts as
    long as the process: copy one before changing it."""
    data = Path(source).read_bytes()
    n = count_enterprises(Path(source))
    if n < 1:
        raise ValueError(f"{source}: the corpus needs a workbook that lists at least one enterprise")
    cases = [c for c in standard_cases(n) if only is None or c.name in only]
    key = (hashlib.sha256(data).hexdigest(), tuple(c.name for c in cases))
    if key not in _CORPORA:
        jobs = [Job(Path(source), case.name, case.edits) for case in cases]
        _CORPORA[key] = run_jobs(jobs, Path(tempfile.mkdtemp(prefix="nscl-corpus-")))
    return _CORPORA[key]


def filled_source(out_dir: Path, agency: str = "SKHCN", year: int = 2025) -> Path:
    """The project's workbook for ``agency``, filled with the sample values (openpyxl), saved in
    ``out_dir``: the file an agency would receive and fill."""
    from nscl.forms.sample import fill_workbook
    from nscl.forms.workbook import save_reproducible, workbook_filename
    from nscl.plan.catalogue import default_catalogue

    catalogue = default_catalogue()
    exp = next(e for e in catalogue.expected_reporters(year) if e.agency.code == agency)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / workbook_filename(exp, year)
    save_reproducible(fill_workbook(exp, year, catalogue), path)
    return path


def read_sheet(path: Path, sheet: str) -> list[list[Any]]:
    """A sheet's values as python-calamine reads them (rows of a rectangle; "" for an empty
    cell; numbers as float or int, dates as datetime)."""
    import python_calamine

    with open(path, "rb") as fh:
        book = python_calamine.CalamineWorkbook.from_filelike(fh)
        return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def records(path: Path, sheet: str, header_row: int = HEADER_ROW) -> list[dict[str, Any]]:
    """The rows under the header row as {header text: value}, as they are in the file whatever
    the column order (a column with an empty header is keyed by its letter; rows with no value
    left out). The truth "by header" that an intake's reading is compared with, value by value."""
    rows = read_sheet(path, sheet)
    if len(rows) < header_row:
        return []
    header = [str(h).strip() or col_letter(i) for i, h in enumerate(rows[header_row - 1])]
    out = []
    for row in rows[header_row:]:
        if any(v not in ("", None) for v in row):
            out.append({header[i]: v for i, v in enumerate(row) if i < len(header)})
    return out


def sheet_names(path: Path) -> list[str]:
    """Every sheet's name, in workbook order (hidden ones included)."""
    import python_calamine

    with open(path, "rb") as fh:
        return list(python_calamine.CalamineWorkbook.from_filelike(fh).sheet_names)


def hidden_sheets(path: Path) -> list[str]:
    """The names of the hidden (or very hidden) sheets."""
    import python_calamine

    with open(path, "rb") as fh:
        meta = python_calamine.CalamineWorkbook.from_filelike(fh).sheets_metadata
    return [m.name for m in meta if m.visible != python_calamine.SheetVisibleEnum.Visible]


# ---- the worker (Debian's /usr/bin/python3 with python3-uno) ---------------------------------


def _worker(spec_path: str) -> int:  # pragma: no cover - runs in the other interpreter
    import uno
    from com.sun.star.beans import PropertyValue
    from com.sun.star.table import CellAddress

    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    office = subprocess.Popen(
        [
            str(soffice),
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nodefault",
            "--nolockcheck",
            f"-env:UserInstallation={spec['profile']}",
            f"--accept=pipe,name={spec['pipe']};urp;StarOffice.ComponentContext",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def props(**kw):
        out = []
        for k, v in kw.items():
            p = PropertyValue()
            p.Name, p.Value = k, v
            out.append(p)
        return tuple(out)

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    ctx = None
    while ctx is None:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={spec['pipe']};urp;StarOffice.ComponentContext")
        except Exception:
            if office.poll() is not None or time.monotonic() > deadline:
                print("soffice did not accept a connection", file=sys.stderr)
                office.kill()
                return 2
            time.sleep(0.25)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)

    def editable(doc, name):
        sheet = doc.Sheets.getByName(name)
        if sheet.isProtected():
            sheet.unprotect("")  # Tools > Protect Sheet off (the data sheets have no password)
        return sheet

    from com.sun.star.table.CellContentType import VALUE
    from com.sun.star.util.NumberFormat import DATE, TIME

    def put(doc, sheet, ref, value, typed=True):
        cell = sheet.getCellRangeByName(ref)
        if isinstance(value, bool) or value is None:
            raise ValueError(f"unsupported value {value!r} for {ref}")
        if isinstance(value, (int, float)):
            cell.setValue(value)
        elif typed:
            # Input as typed: Calc recognises numbers, dates and formulas. At the keyboard it
            # also gives a cell that receives a date a date format; the API does not, so that
            # step is done here with Calc's own recognition of what was typed.
            cell.setFormula(value)
            if cell.getType() == VALUE and not value.startswith("="):
                formatter = ctx.ServiceManager.createInstanceWithContext(
                    "com.sun.star.util.NumberFormatter", ctx
                )
                formatter.attachNumberFormatsSupplier(doc)
                key = formatter.detectNumberFormat(0, value)
                if doc.getNumberFormats().getByKey(key).Type & (DATE | TIME):
                    cell.NumberFormat = key
        else:
            cell.setString(value)  # a cell formatted as text keeps what was typed as text

    def move(sheet, src, dest):
        cols = sheet.Columns
        cols.insertByIndex(dest, 1)
        if src >= dest:
            src += 1
        rng = cols.getByIndex(src).getRangeAddress()
        target = CellAddress()
        target.Sheet, target.Column, target.Row = rng.Sheet, dest, 0
        sheet.moveRange(target, rng)
        cols.removeByIndex(src, 1)

    def apply(doc, edit):
        op = edit["op"]
        if op == "insert_column":
            sheet = editable(doc, edit["sheet"])
            sheet.Columns.insertByIndex(col_index(edit["before"]), 1)
            for row, value in edit["cells"].items():
                put(doc, sheet, f"{edit['before']}{row}", value)
        elif op == "delete_column":
            editable(doc, edit["sheet"]).Columns.removeByIndex(col_index(edit["column"]), 1)
        elif op == "move_column":
            move(editable(doc, edit["sheet"]), col_index(edit["column"]), col_index(edit["before"]))
        elif op == "insert_row":
            sheet = editable(doc, edit["sheet"])
            sheet.Rows.insertByIndex(edit["before"] - 1, 1)
            for col, value in edit["cells"].items():
                put(doc, sheet, f"{col}{edit['before']}", value)
        elif op in ("type", "text"):
            sheet = editable(doc, edit["sheet"])
            for ref, value in edit["cells"].items():
                put(doc, sheet, ref, value, typed=op == "type")
        elif op == "rename_sheet":
            doc.Sheets.getByName(edit["sheet"]).setName(edit["name"])
        elif op == "add_sheet":
            doc.Sheets.insertNewByName(edit["name"], doc.Sheets.getCount())
            sheet = doc.Sheets.getByName(edit["name"])
            for ref, value in edit["cells"].items():
                put(doc, sheet, ref, value)
        elif op == "copy_to_new_workbook":
            # A new workbook without a view: a hidden view's idle repaint of its selection,
            # racing with the sheets being imported, crashes LibreOffice 7.4 now and then.
            new = ctx.ServiceManager.createInstanceWithContext("com.sun.star.sheet.SpreadsheetDocument", ctx)
            new.initNew()
            blank = list(new.Sheets.getElementNames())
            visible = [n for n in doc.Sheets.getElementNames() if doc.Sheets.getByName(n).IsVisible]
            for i, name in enumerate(visible):
                new.Sheets.importSheet(doc, name, i)
            for name in blank:
                new.Sheets.removeByName(name)
            opened.append(doc)  # the source stays open until the copy is saved and closed
            return new
        elif op == "crash_once":  # tests of the tool only: LibreOffice goes away, the first time
            marker = Path(edit["marker"])
            if not marker.exists():
                marker.write_text("crashed", encoding="utf-8")
                desktop.terminate()
        else:
            raise ValueError(f"unknown edit {op!r}")
        return doc

    results: dict[str, Any] = {}
    try:
        for job in spec["jobs"]:
            doc = None
            opened: list[Any] = []  # documents to close after ``doc``, newest first
            try:
                doc = desktop.loadComponentFromURL(
                    uno.systemPathToFileUrl(job["source"]), "_blank", 0, props(Hidden=True, ReadOnly=False)
                )
                if doc is None:
                    raise RuntimeError("LibreOffice could not open the file")
                doc.lockControllers()  # no repaint of the hidden view while the model changes
                for edit in job["edits"]:
                    doc = apply(doc, edit)
                doc.calculateAll()
                for fmt, out in job["outputs"].items():
                    doc.storeToURL(
                        uno.systemPathToFileUrl(out), props(FilterName=FILTERS[fmt], Overwrite=True)
                    )
                results[job["name"]] = {"outputs": job["outputs"]}
            except Exception as exc:
                import traceback

                where = traceback.extract_tb(exc.__traceback__)[-1]
                results[job["name"]] = {
                    "error": f"{type(exc).__name__}: {exc} (line {where.lineno}: {where.line})"
                }
            finally:
                for each in [doc, *reversed(opened)]:
                    if each is not None:
                        try:
                            each.close(True)
                        except Exception:
                            pass
    finally:
        try:
            desktop.terminate()
        except Exception:
            pass  # the bridge drops as soffice exits
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()
            office.wait()
    Path(spec_path).with_name("result.json").write_text(
        json.dumps(results, ensure_ascii=False), encoding="utf-8"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_worker(sys.argv[1]))
