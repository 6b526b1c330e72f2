"""Curated tables: ``curated/<year>/<table>.csv`` and ``summary.json``, rewritten whole by each
consolidation, as one generation: a reader finds the previous generation or the new one, never
a mix, whenever the writer is killed.

How (``write_generation``): under the year's lock, every file of the new generation is written
into ``curated/<year>/.pending-<id>/``, then a ``COMMIT`` list, then each file is moved into
place and the folder removed. A generation without its ``COMMIT`` never happened (discarded);
one with it is finished by whoever comes next (``recover``: the next consolidation, or a reader
when no writer holds the lock). Text that a spreadsheet would evaluate is escaped in the CSVs
(``nscl.store.cells``) and unescaped by ``load_table``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from nscl.store.cells import escape_csv_text, unescape_csv_text
from nscl.store.faults import checkpoint
from nscl.store.fsutil import atomic_write, atomic_write_json
from nscl.store.zones import Zones

TABLES = ("submissions", "indicator_values", "tasks", "enterprises", "budget", "narratives", "tfp_inputs")
TEXT_COLUMNS = {"tax_code": str, "agency_code": str, "sha256": str}
COMMIT = "COMMIT"
PENDING = ".pending-"


def table_path(zones: Zones, year: int, table: str) -> Path:
    return zones.curated(year) / f"{table}.csv"


def staged_path(zones: Zones, year: int, sha: str) -> Path:
    """The normalised data of one accepted workbook, written by the intake."""
    return zones.curated(year) / "staged" / f"{sha}.json"


def load_staged(zones: Zones, year: int, sha: str) -> dict[str, Any]:
    return json.loads(staged_path(zones, year, sha).read_text(encoding="utf-8"))


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> Any:
    import pandas as pd

    safe = [{k: escape_csv_text(v) for k, v in row.items()} for row in rows]
    return pd.DataFrame(safe, columns=columns)


def _write_csv(path: Path, rows: list[dict[str, Any]], columns: list[str]) -> Path:
    frame = _frame(rows, columns)
    return atomic_write(path, lambda tmp: frame.to_csv(tmp, index=False, encoding="utf-8"))


def write_table(zones: Zones, year: int, table: str, rows: list[dict[str, Any]], columns: list[str]) -> Path:
    """One table alone (outside a generation)."""
    return _write_csv(table_path(zones, year, table), rows, columns)


def load_table(zones: Zones, year: int, table: str) -> Any:
    """The curated table as a DataFrame, or None when the year has none."""
    import pandas as pd

    recover_if_idle(zones, year)
    path = table_path(zones, year, table)
    if not path.exists():
        return None
    frame = pd.read_csv(path, dtype=TEXT_COLUMNS)
    for column in frame.columns:
        if pd.api.types.is_object_dtype(frame[column]) or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].map(unescape_csv_text)
    return frame


def summary_path(zones: Zones, year: int) -> Path:
    return zones.curated(year) / "summary.json"


def load_summary(zones: Zones, year: int) -> dict[str, Any] | None:
    recover_if_idle(zones, year)
    path = summary_path(zones, year)
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else None


# ---- generations ---------------------------------------------------------------------------


@contextlib.contextmanager
def year_lock(zones: Zones, year: int, blocking: bool = True) -> Iterator[bool]:
    """The year's curated-tables lock (one writer at a time: the hourly DAG, an upload...).
    Yields whether it was obtained (always, when ``blocking``)."""
    folder = zones.curated(year)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _pending(zones: Zones, year: int) -> list[Path]:
    folder = zones.curated(year)
    return sorted(p for p in folder.glob(PENDING + "*") if p.is_dir()) if folder.is_dir() else []


def recover(zones: Zones, year: int) -> None:
    """Finish a committed generation a killed writer left, discard an uncommitted one. Call
    with the year's lock held."""
    for pending in _pending(zones, year):
        commit = pending / COMMIT
        if commit.exists():
            names = json.loads(commit.read_text(encoding="utf-8"))
            _move_into_place(pending, zones.curated(year), names)
        shutil.rmtree(pending, ignore_errors=True)


def recover_if_idle(zones: Zones, year: int) -> None:
    """``recover`` unless a writer is at work (it finishes its own generation)."""
    if not _pending(zones, year):
        return
    try:
        with year_lock(zones, year, blocking=False) as mine:
            if mine:
                recover(zones, year)
    except OSError:  # a read-only data folder: the next writer recovers
        pass


def _move_into_place(pending: Path, folder: Path, names: list[str]) -> None:
    for name in names:
        source = pending / name
        if source.exists():
            os.replace(source, folder / name)
            checkpoint("curated:moved")


def write_generation(
    zones: Zones,
    year: int,
    tables: dict[str, tuple[list[dict[str, Any]], list[str]]],
    summary: dict[str, Any],
) -> None:
    """Replace the year's curated tables and summary as one generation (see the module doc)."""
    folder = zones.curated(year)
    with year_lock(zones, year):
        recover(zones, year)
        pending = folder / f"{PENDING}{uuid.uuid4().hex[:12]}"
        pending.mkdir(parents=True)
        names = []
        for table, (rows, columns) in tables.items():
            _write_csv(pending / f"{table}.csv", rows, columns)
            names.append(f"{table}.csv")
        atomic_write_json(pending / "summary.json", summary)
        names.append("summary.json")  # last: the summary says what the tables hold
        atomic_write_json(pending / COMMIT, names)
        checkpoint("curated:committed")
        _move_into_place(pending, folder, names)
        shutil.rmtree(pending, ignore_errors=True)
