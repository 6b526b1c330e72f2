"""The receipts, feedback, curated tables and report of a known inbox are the same as those the
code wrote before the intake's reading changed (issue 14: calamine for openpyxl, one hostile
scan per file, a faster scan).

``data/golden_run_2025.json`` was first written by the code at commit d9de3ad (openpyxl
read-only reader, defusedxml scan), with ``NSCL_WRITE_GOLDEN=1 pytest
tests/integration/test_golden_run.py``; the new reader and scan reproduced it. It was then
regenerated on purpose, each time in a commit of its own, for four changes to what people read:
figures in Vietnamese style in the messages, the agency's name in the feedback workbook, the
charts' Vietnamese letters, and (issue 21) the workbook read by its headers: the template gained
the hidden drop-down sheet, so every file's hash changed; each receipt's outcome, agency and
messages are the same but for the values found, now shown the Vietnamese way ('-3', '0,3');
once more for the printable template and feedback summary (page set-up, row heights: bytes only);
and after merging issues 22-25 (the report's parts; 'đề nghị' for 'vui lòng' in two messages; the
sample agency with money and no activity now asked to confirm it).
It holds a hash per file the run wrote (the run's own timestamps left out, as in
``inbox_runs.snapshot``) and, for readability when it fails, each receipt's outcome and errors.
Regenerate it only for a change that is meant to change what agencies or the signer read, and
say so in the commit.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from inbox_runs import YEAR, build_inbox, digest, run_year, snapshot
from nscl.store.zones import Zones

GOLDEN = Path(__file__).parent / "data" / "golden_run_2025.json"


def _receipt_view(entry: dict) -> dict:
    keep = ("original_name", "status", "outcome", "agency_code", "conversions")
    view = {k: entry.get(k) for k in keep}
    for kind in ("errors", "warnings"):
        view[kind] = sorted(
            f"{i.get('sheet')}!{i.get('cell')} = {i.get('value')!r}: {i.get('expected')}"
            for i in entry.get(kind, [])
        )
    return view


@pytest.fixture(scope="module")
def run(tmp_path_factory, catalogue):
    monkeypatch = pytest.MonkeyPatch()
    base = tmp_path_factory.mktemp("golden")
    zones = Zones(base / "data")
    build_inbox(catalogue, zones.inbox(YEAR))
    try:
        run_year(zones, catalogue, chunked=True, monkeypatch=monkeypatch)
    finally:
        monkeypatch.undo()
    snap = snapshot(zones)
    receipts = {
        k: _receipt_view(v)
        for k, v in snap.items()
        if k.startswith(f"receipts/{YEAR}/") and "/sightings/" not in k
    }
    current = {"files": {k: digest(v) for k, v in snap.items()}, "receipts": receipts}
    if os.environ.get("NSCL_WRITE_GOLDEN") == "1":
        GOLDEN.write_text(
            json.dumps(current, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    yield current
    shutil.rmtree(base, ignore_errors=True)


def test_every_receipt_says_what_it_said_before(run):
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert sorted(run["receipts"]) == sorted(golden["receipts"])
    changed = {
        k: (golden["receipts"][k], v) for k, v in run["receipts"].items() if v != golden["receipts"][k]
    }
    assert changed == {}


def test_every_file_written_is_the_same_as_before(run):
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))["files"]
    assert sorted(run["files"]) == sorted(golden)
    assert any(k.startswith("quarantine/") and k.endswith(".xlsx") for k in golden)  # feedback workbooks
    assert any(k.startswith("curated/") for k in golden) and any(k.startswith("reports/") for k in golden)
    assert [k for k, v in run["files"].items() if v != golden[k]] == []
