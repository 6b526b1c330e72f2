"""Great Expectations over a batch of files: one validation per suite for all of a chunk's
sheets, instead of one per sheet per file (GX's fixed cost per validation, ~0.1 s, was most of
the intake's time).

How the findings stay the same as one file alone: each file's sheet is a :class:`GxSlot` in
that file's issue list. The batch concatenates every slot's rows of one suite, with a key
column naming the slot (its file) beside the sheet's ``row`` column, and validates that frame
once; every unexpected cell comes back with its file key and row. A file sheet with no
unexpected cell in the batch has none alone (the suites are per-cell checks: null, range, set,
pattern). A file sheet with any is validated again alone, and its issues (sheet, row, column,
value, cell) and its Data Docs result are exactly those of today's per-file validation. A
finding without a file key (a whole-column result, or an expectation that raised) sends every
sheet of that suite to the per-file path. Most files are clean, so most of the work is done
once per chunk.

``NSCL_GX_BATCH=0`` turns batching off (every sheet validated alone, as before).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from typing import Any

from nscl.intake.gx_suites import ROW, Rule, run_suite

log = logging.getLogger(__name__)
KEY = "_nscl_file"  # the slot (file) a row of the batch frame came from


@dataclass(eq=False)
class GxSlot:
    """One suite on one file's sheet, waiting for its issues."""

    sheet_key: str
    sheet: str
    rows: list[dict[str, Any]]
    rules: tuple[Rule, ...]
    labels: dict[str, str]
    issues: list[tuple[str, int | None, str | None, Any, str]] = field(default_factory=list)
    gx_results: list = field(default_factory=list)
    error: Exception | None = None

    def run_alone(self) -> None:
        """Validate this sheet by itself (today's per-file path); fills ``issues``."""
        import pandas as pd

        try:
            for f in run_suite(self.sheet_key, pd.DataFrame(self.rows), self.rules, self.gx_results):
                r = f["rule"]
                # (sheet, row, column, value, expected): an Issue, made by nscl.intake.validation
                self.issues.append(
                    (self.sheet, f["row"], self.labels.get(r.column, r.column), f["value"], r.expected_vi)
                )
        except Exception as exc:  # noqa: BLE001  (raised for its own file only, by validation._finish)
            self.error = exc


def batching() -> bool:
    return os.environ.get("NSCL_GX_BATCH", "1").strip().lower() not in ("0", "false", "no", "off")


def resolve_slots(per_file: list[list[GxSlot]]) -> None:
    """Fill every slot's issues: one validation per suite over all files (see the module)."""
    slots = [s for file_slots in per_file for s in file_slots]
    if not batching() or len(per_file) < 2:
        for s in slots:
            s.run_alone()
        return
    groups: dict[tuple[str, tuple[Rule, ...]], list[GxSlot]] = {}
    for s in slots:
        groups.setdefault((s.sheet_key, s.rules), []).append(s)
    for (sheet_key, rules), group in groups.items():
        for i in sorted(_failing(sheet_key, rules, group)):
            group[i].run_alone()


def _failing(sheet_key: str, rules: tuple[Rule, ...], group: list[GxSlot]) -> set[int]:
    """The slots of ``group`` with at least one unexpected cell, from one validation."""
    import pandas as pd

    with_rows = {i for i, s in enumerate(group) if s.rows}
    rows = [{**r, KEY: i} for i, s in enumerate(group) for r in s.rows]
    if not rows:
        return set()
    try:
        failures = run_suite(sheet_key, pd.DataFrame(rows), rules, index_columns=(ROW, KEY))
    except Exception:  # each file on its own, so an error is its file's alone
        log.exception("batch validation of %s failed; validating each file alone", sheet_key)
        return with_rows
    failing: set[int] = set()
    for f in failures:
        key = (f.get("index") or {}).get(KEY)
        if key is None:
            return with_rows
        failing.add(int(key))
    return failing
