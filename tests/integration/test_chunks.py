"""Chunks and batch validation give every file the outcome it gets alone.

The same inbox (the sample data of a year, plus resubmissions with mistakes on every sheet,
some files with the same mistake, so that a batch holds several failures of one rule) is run
twice on the same code, in two data folders: once as before the change (one file at a time,
each sheet validated alone: ``NSCL_GX_BATCH=0`` and ``pipeline.process_submission``), once in
chunks (``pipeline.plan_chunks`` and ``pipeline.process_chunk``, one Great Expectations
validation per suite per chunk). Receipts, sightings, staged data, feedback files, replies,
curated tables and the report must be the same, byte for byte where nothing but the time of
the run differs.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from inbox_runs import ENT_COL, EXTRA, ROW, TFP_COL, YEAR, build_inbox, run_year, snapshot
from nscl.forms import workbook as wbm
from nscl.forms.sample import fill_workbook, write_sample_data
from nscl.orchestration import pipeline
from nscl.store.zones import Zones
from openpyxl.utils import get_column_letter


@pytest.fixture(scope="module")
def runs(tmp_path_factory, catalogue):
    monkeypatch = pytest.MonkeyPatch()
    base = tmp_path_factory.mktemp("chunks")
    inbox = base / "inbox"
    build_inbox(catalogue, inbox)
    out = {}
    try:
        for name, chunked in (("per_file", False), ("chunked", True)):
            zones = Zones(base / name)
            shutil.copytree(inbox, zones.inbox(YEAR), copy_function=shutil.copy2)
            out[name] = (zones, run_year(zones, catalogue, chunked, monkeypatch))
    finally:
        monkeypatch.undo()
    return out


def test_every_file_has_the_outcome_it_has_alone(runs):
    (_, alone), (_, chunked) = runs["per_file"], runs["chunked"]
    assert chunked == alone
    by_name = {r["original_name"]: r for r in chunked if not r["duplicate"]}
    for _, _, name in EXTRA:  # the test's own mistakes are all found, in their own files
        assert by_name[name]["status"] == "rejected", name
        assert by_name[name]["outcome"] == "invalid", name
    [dup] = [r for r in chunked if r["duplicate"]]
    assert dup["sha256"] == by_name["SNV_lan2.xlsx"]["sha256"]


def test_receipts_feedback_tables_and_report_are_the_same(runs):
    a, b = snapshot(runs["per_file"][0]), snapshot(runs["chunked"][0])
    assert sorted(a) == sorted(b)
    assert any(k.startswith("quarantine/") and k.endswith(".xlsx") for k in a)  # feedback workbooks
    assert any(k.startswith("curated/") for k in a) and any(k.startswith("reports/") for k in a)
    different = [k for k in a if a[k] != b[k]]
    assert different == []


def test_each_mistake_is_reported_at_its_own_file_and_cell(runs):
    """Figures the test sets itself: the cells it broke, in the files it broke them in."""
    zones, small = runs["chunked"]
    receipts = {
        r["original_name"]: json.loads(p.read_text(encoding="utf-8"))
        for p in zones.receipts(YEAR).glob("*.json")
        for r in [json.loads(p.read_text(encoding="utf-8"))]
    }

    def cells(name: str, sheet: str) -> set[str]:
        return {e["cell"] for e in receipts[name]["errors"] if e["sheet"] == sheet}

    tax, central, name_col, support = (
        f"{chr(64 + ENT_COL[k])}" for k in ("tax_code", "central", "name", "support_type")
    )
    assert cells("SCT_lan3.xlsx", wbm.SHEET_ENTERPRISES) >= {
        f"{tax}{ROW}", f"{central}{ROW}", f"{name_col}{ROW + 1}", f"{support}{ROW + 1}"
    }  # fmt: skip
    assert cells("SCT_lan3.xlsx", wbm.SHEET_TASKS) == {f"F{ROW}", f"F{ROW + 1}"}
    assert cells("SYT_lan2.xlsx", wbm.SHEET_ENTERPRISES) >= {f"{tax}{ROW}", f"{central}{ROW}"}
    assert cells("SYT_lan2.xlsx", wbm.SHEET_TASKS) == set()
    assert cells("SKHCN_lan2.xlsx", wbm.SHEET_BUDGET) == {f"D{ROW}"}
    assert cells("SGDDT_lan2.xlsx", wbm.SHEET_BUDGET) == {f"D{ROW}"}
    assert cells("SNV_lan2.xlsx", wbm.SHEET_INDICATORS) == {f"H{ROW + 1}", f"H{ROW + 2}"}
    assert cells("SKHCN_lan2.xlsx", wbm.SHEET_INDICATORS) >= {f"H{ROW + 1}", f"H{ROW + 2}"}
    col = {k: get_column_letter(v) for k, v in TFP_COL.items()}  # where _mistake put them
    assert cells("TKHY_lan2.xlsx", wbm.SHEET_TFP) == {
        f"{col['grdp']}{ROW + 3}",
        f"{col['trained_labour_share']}{ROW + 4}",
        f"{col['employment']}{ROW + 5}",
        f"{col['investment']}{ROW + 6}",  # left empty
    }
    neg = [e for e in receipts["SGDDT_lan2.xlsx"]["errors"] if e["sheet"] == wbm.SHEET_BUDGET]
    assert [e["value"] for e in neg] == ["-7"]  # as the agency reads it, never -7.0


def test_chunks_cover_the_files_in_order_and_evenly():
    paths = [f"inbox/2025/f{i:03d}.xlsx" for i in range(151)]
    chunks = pipeline.plan_chunks(paths, slots=2)
    assert [p for c in chunks for p in c["paths"]] == paths
    assert [len(c["paths"]) for c in chunks] == [76, 75]
    assert chunks[0]["label"] == "f000.xlsx … f075.xlsx (76 tệp)"
    big = pipeline.plan_chunks(paths * 7, slots=2, max_files=200)  # 1,057 files
    assert len(big) == 6 and {len(c["paths"]) for c in big} == {176, 177}
    assert [len(c["paths"]) for c in pipeline.plan_chunks(paths, slots=2, files=50)] == [50, 50, 50, 1]
    assert pipeline.plan_chunks(paths[:1], slots=4) == [{"label": "f000.xlsx", "paths": paths[:1]}]
    assert [len(c["paths"]) for c in pipeline.plan_chunks(paths[:3], slots=4)] == [1, 1, 1]
    assert pipeline.plan_chunks([], slots=2) == []


def test_a_broken_file_does_not_fail_its_chunk(zones, catalogue, monkeypatch):
    """An unexpected error while validating one file is that file's rejected receipt; the
    other files of the chunk are validated as usual."""
    from nscl.intake import validation

    inbox = zones.inbox(YEAR)
    write_sample_data(catalogue, YEAR, inbox)
    paths = pipeline.list_inbox(YEAR, zones)[:6]
    victim = Path(paths[2]).name
    real = validation._prepare

    def boom(f, *args):
        if f.original_name == victim:
            raise RuntimeError("a bug")
        return real(f, *args)

    monkeypatch.setattr(validation, "_prepare", boom)
    summary = pipeline.process_chunk(paths, YEAR, zones, catalogue)
    outcomes = {r["original_name"]: r["outcome"] for r in summary["receipts"]}
    assert outcomes.pop(victim) == "internal_error"
    assert set(outcomes.values()) <= {"accepted", "warnings", "invalid"} and len(outcomes) == 5
    assert summary["files"] == 6 and summary["rejected"] >= 1


def test_a_catalogue_from_a_folder(tmp_path, monkeypatch, zones):
    """``NSCL_CATALOGUE_DIR``: another plan folder (here the shipped one plus a commune that
    reports), validated on load as the shipped one is, and used by the pipeline's defaults."""
    import yaml
    from nscl.plan.catalogue import DATA_DIR, CatalogueError, default_catalogue

    folder = tmp_path / "plan"
    shutil.copytree(DATA_DIR, folder)
    raw = yaml.safe_load((folder / "agencies.yaml").read_text(encoding="utf-8"))
    raw["agencies"].append(
        {"code": "UBND_XA_TEST", "name": "UBND xã Thử Nghiệm", "kind": "commune_pc",
         "groups": ["ubnd_huyen"], "valid_from": "2021-01-01"}
    )  # fmt: skip
    (folder / "agencies.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("NSCL_CATALOGUE_DIR", str(folder))
    cat = default_catalogue()
    assert "UBND_XA_TEST" in cat.agencies and "UBND_XA_TEST" not in load_shipped().agencies
    exp = cat.expectation(YEAR, "UBND_XA_TEST")
    path = zones.inbox(YEAR) / "xa.xlsx"
    path.parent.mkdir(parents=True)
    fill_workbook(exp, YEAR, cat).save(path)
    [r] = pipeline.process_chunk([str(path)], YEAR, zones)["receipts"]  # the default catalogue
    assert (r["agency_code"], r["status"]) == ("UBND_XA_TEST", "accepted")

    raw["agencies"][-1]["kind"] = "ministry"  # not a kind of agency the plan knows
    broken = tmp_path / "broken"
    shutil.copytree(folder, broken)
    (broken / "agencies.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("NSCL_CATALOGUE_DIR", str(broken))
    with pytest.raises(CatalogueError, match="agencies.yaml"):
        default_catalogue()
    monkeypatch.setenv("NSCL_CATALOGUE_DIR", str(tmp_path / "missing"))
    with pytest.raises(CatalogueError, match="agencies.yaml"):
        default_catalogue()


def load_shipped():
    from nscl.plan.catalogue import load_catalogue

    return load_catalogue()
