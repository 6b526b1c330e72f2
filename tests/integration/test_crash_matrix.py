"""The crash matrix: ``nscl intake`` (which also consolidates) killed at every point where it
writes something, then run again with the ordinary command, leaves the whole data folder
(receipts, sightings, archive, quarantine, replies, staged data, curated tables, summary) and
``nscl status`` identical to a clean run's, apart from the time a file was first seen.

A kill is ``NSCL_FAULT_AT=*:<n>`` (``nscl.store.faults``): the process dies with
``os._exit(137)`` at the n-th checkpoint, as ``kill -9`` would (no ``finally``, no flush). The
checkpoints sit before and after every rename of every atomic write, of the archive copy, and
at the intake's and the consolidation's own steps; a clean run counts them (``NSCL_FAULT_LOG``),
and every one of them is tried. Runs are forked from this process once everything is imported
and warmed up (about 0.7 s a run instead of 8 s for a fresh interpreter). Two more runs are real
``SIGKILL``s of an ``nscl intake`` subprocess at random moments.

Temporary files a kill leaves behind (``.<name>.<random>.tmp``, ``archive/.incoming.*``) are not
state: no reader looks at them. They are counted, not compared.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from inbox_runs import without_keys
from nscl.cli.main import main
from nscl.forms import workbook as wbm
from nscl.forms.sample import fill_workbook

YEAR = 2025
TIMESTAMP_KEYS = {"first_seen_at"}


def _inbox(folder: Path, catalogue) -> None:
    """Two accepted versions from one agency, the same bytes again by e-mail, a file that is
    not a workbook."""
    sct = folder / "SCT"
    sct.mkdir(parents=True)
    base = time.time() - 86400
    wb = fill_workbook(catalogue.expectation(YEAR, "SCT"), YEAR, catalogue)
    wb.save(sct / "lan1.xlsx")
    wb[wbm.SHEET_NARRATIVE].cell(row=wbm.FIRST_DATA_ROW, column=4, value="Bổ sung kết quả")
    wb.save(sct / "lan2.xlsx")
    (folder / "email").mkdir()
    shutil.copyfile(sct / "lan1.xlsx", folder / "email" / "ban-sao.xlsx")
    (folder / "hong.xlsx").write_bytes(b"khong phai Excel")
    for i, p in enumerate(sorted(q for q in folder.rglob("*") if q.is_file())):
        os.utime(p, (base + 60 * i, base + 60 * i))


def _fresh(template: Path, root: Path) -> Path:
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(template, root / "inbox" / str(YEAR), copy_function=shutil.copy2)
    return root


def _forked(root: Path, argv: list[str], env: dict[str, str]) -> int:
    """Run ``nscl <argv>`` in a forked child on the data folder ``root``; its exit status."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (the child exits)
            os.environ["NSCL_DATA_DIR"] = str(root)
            for k in ("NSCL_FAULT_AT", "NSCL_FAULT_LOG"):
                os.environ.pop(k, None)
            os.environ.update(env)
            code = main(argv)
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def _is_temporary(p: Path) -> bool:
    return (p.name.startswith(".") and p.name.endswith(".tmp")) or p.name.startswith(".incoming.")


def _strip(obj):
    return without_keys(obj, TIMESTAMP_KEYS)


def _snapshot(root: Path) -> tuple[dict[str, object], int]:
    """Every file of the data folder (its JSON without timestamps), and the temporary files."""
    state: dict[str, object] = {}
    leftovers = 0
    for p in sorted(root.rglob("*")):
        if not p.is_file() or p.name == ".lock":
            continue
        if _is_temporary(p):
            leftovers += 1
            continue
        rel = str(p.relative_to(root))
        state[rel] = _strip(json.loads(p.read_bytes())) if p.suffix == ".json" else p.read_bytes()
    return state, leftovers


def _status(root: Path) -> dict:
    out = root.parent / f"{root.name}-status.json"
    with open(out, "w") as fh:
        pid = os.fork()
        if pid == 0:
            try:
                sys.stdout = fh
                os.environ["NSCL_DATA_DIR"] = str(root)
                main(["status", "--year", str(YEAR), "--json"])
                fh.flush()
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
    return _strip(json.loads(out.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def clean(tmp_path_factory, catalogue):
    work = tmp_path_factory.mktemp("crash")
    template = work / "inbox-template"
    _inbox(template, catalogue)
    # Warm up in this process (imports, GX), so that each forked run is quick.
    warm = _fresh(template, work / "warm")
    os.environ["NSCL_DATA_DIR"] = str(warm)
    try:
        assert main(["intake", "--year", str(YEAR)]) == 0
    finally:
        os.environ.pop("NSCL_DATA_DIR", None)
    root = _fresh(template, work / "clean")
    log = work / "points.log"
    assert _forked(root, ["intake", "--year", str(YEAR)], {"NSCL_FAULT_LOG": str(log)}) == 0
    points = log.read_text().split()
    state, leftovers = _snapshot(root)
    assert leftovers == 0
    return {"work": work, "template": template, "points": points, "state": state, "status": _status(root)}


def test_the_clean_run_is_what_the_matrix_compares_against(clean):
    state = clean["state"]
    receipts = [k for k in state if k.startswith(f"receipts/{YEAR}/") and "/sightings/" not in k]
    sightings = [k for k in state if "/sightings/" in k]
    assert len(receipts) == 3 and len(sightings) == 4  # three distinct files, four arrivals
    summary = state[f"curated/{YEAR}/summary.json"]
    assert summary["accepted_agencies"] == 1 and summary["used_versions"]["SCT"]["version"] == 2
    assert len(clean["points"]) > 50


def test_a_kill_at_every_write_is_completed_by_the_next_ordinary_run(clean):
    work, template, points = clean["work"], clean["template"], clean["points"]
    failures = []
    leftovers = 0
    for n in range(1, len(points) + 1):
        root = _fresh(template, work / "kill")
        code = _forked(root, ["intake", "--year", str(YEAR)], {"NSCL_FAULT_AT": f"*:{n}"})
        assert code == 137, (n, points[n - 1], code)
        assert _forked(root, ["intake", "--year", str(YEAR)], {}) == 0
        state, left = _snapshot(root)
        leftovers += left
        if state != clean["state"]:
            diff = sorted(set(state) ^ set(clean["state"])) or [
                k for k in state if state[k] != clean["state"][k]
            ]
            failures.append((n, points[n - 1], diff[:5]))
        elif n % 10 == 0 and _status(root) != clean["status"]:
            failures.append((n, points[n - 1], ["nscl status differs"]))
    print(f"crash matrix: {len(points)} kill points tried, {leftovers} temporary files left by kills")
    assert not failures, failures


def test_sigkill_at_random_moments(clean, catalogue):
    """Two real ``kill -9`` of a fresh ``nscl intake`` process, at random moments."""
    work, template = clean["work"], clean["template"]
    rng = random.Random(13)
    nscl = [sys.executable, "-c", "import sys; from nscl.cli.main import main; sys.exit(main())"]
    for i in range(2):
        root = _fresh(template, work / f"sigkill{i}")
        env = {**os.environ, "NSCL_DATA_DIR": str(root)}
        env.pop("NSCL_FAULT_AT", None)
        proc = subprocess.Popen(
            [*nscl, "intake", "--year", str(YEAR)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(2.5, 6.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert _forked(root, ["intake", "--year", str(YEAR)], {}) == 0
        assert _snapshot(root)[0] == clean["state"], i


def _tables(root: Path) -> dict[str, object]:
    """The curated tables and summary as a reader sees them (through the store)."""
    from nscl.store.curated import TABLES, load_summary, load_table
    from nscl.store.zones import Zones

    zones = Zones(root)
    out: dict[str, object] = {"summary": load_summary(zones, YEAR)}
    for t in TABLES:
        frame = load_table(zones, YEAR, t)
        out[t] = None if frame is None else frame.to_csv(index=False)
    return out


def test_a_killed_consolidation_leaves_the_previous_tables_or_the_new_ones(clean):
    """Generation A (SCT's first file) is on file; SCT's second file has its receipt; the
    consolidation is killed at each of its points: a reader finds A or B, never a mix."""
    work, template = clean["work"], clean["template"]
    base = _fresh(template, work / "gen-base")
    later = base / "later.xlsx"  # not yet arrived
    (base / "inbox" / str(YEAR) / "SCT" / "lan2.xlsx").rename(later)
    assert _forked(base, ["intake", "--year", str(YEAR)], {}) == 0
    gen_a = _tables(base)
    later.rename(base / "inbox" / str(YEAR) / "SCT" / "lan2.xlsx")
    code = _forked(base, ["intake", "--year", str(YEAR)], {"NSCL_FAULT_AT": "intake:sighted:1"})
    assert code == 137  # the new file has its receipt and sighting; its consolidation never ran
    ready = work / "gen-ready"
    if ready.exists():
        shutil.rmtree(ready)
    shutil.copytree(base, ready)
    shutil.rmtree(base)
    # The consolidation alone, killed at each point it passes.
    log = work / "gen-points.log"
    probe = work / "gen-probe"
    shutil.copytree(ready, probe)
    consolidate = ["intake", "--year", str(YEAR)]  # no new file: intake is the consolidation alone
    assert _forked(probe, consolidate, {"NSCL_FAULT_LOG": str(log)}) == 0
    gen_b = _tables(probe)
    assert gen_a != gen_b and gen_b["summary"]["used_versions"]["SCT"]["version"] == 2
    points = log.read_text().split()
    assert len(points) > 15
    seen = {"A": 0, "B": 0}
    for n in range(1, len(points) + 1):
        root = work / "gen-kill"
        if root.exists():
            shutil.rmtree(root)
        shutil.copytree(ready, root)
        assert _forked(root, consolidate, {"NSCL_FAULT_AT": f"*:{n}"}) == 137
        after_kill = _tables(root)
        assert after_kill in (gen_a, gen_b), (n, points[n - 1])
        seen["A" if after_kill == gen_a else "B"] += 1
        assert _forked(root, consolidate, {}) == 0
        assert _tables(root) == gen_b
    print(
        f"consolidation: {len(points)} kill points, reader saw the previous tables {seen['A']}x, new {seen['B']}x"
    )
    assert seen["A"] and seen["B"]
