"""Shared by the tests that compare whole runs: an inbox with the sample data of a year plus
resubmissions with mistakes on every sheet and workbooks whose cells hold what agencies type in
practice (whole numbers, decimals, dates, booleans, numbers typed as text, formulas with no
value Excel computed, merged cells), the run itself, and a snapshot of everything it wrote."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import zipfile
from pathlib import Path

from nscl.forms import workbook as wbm
from nscl.forms.sample import fill_workbook, write_sample_data
from nscl.orchestration import pipeline
from nscl.store.zones import Zones

YEAR = 2025
ISSUED = "2025-12-05"
ENT_COL = {key: i + 2 for i, (key, _) in enumerate(wbm.ENTERPRISE_COLUMNS)}
TFP_COL = {key: i + 1 for i, (key, _) in enumerate(wbm.TFP_COLUMNS)}
ROW = wbm.FIRST_DATA_ROW


def _mistakes(wb, what: str) -> None:
    """Mistakes on every sheet the suites check (the sample data only has indicator ones)."""
    if what == "tasks":
        wb[wbm.SHEET_TASKS].cell(row=ROW, column=6, value="Đang làm dở")
        wb[wbm.SHEET_TASKS].cell(row=ROW + 1, column=6, value="xong")
    elif what == "enterprises":
        ws = wb[wbm.SHEET_ENTERPRISES]
        ws.cell(row=ROW, column=ENT_COL["tax_code"], value="12345")
        ws.cell(row=ROW, column=ENT_COL["central"], value=-3)
        ws.cell(row=ROW + 1, column=ENT_COL["name"]).value = None  # value=None would not clear it
        ws.cell(row=ROW + 1, column=ENT_COL["support_type"], value="Không có trong danh sách")
    elif what == "budget":
        wb[wbm.SHEET_BUDGET].cell(row=ROW, column=4, value=-7)
    elif what == "indicators":
        wb[wbm.SHEET_INDICATORS].cell(row=ROW + 1, column=8, value=-4)
        wb[wbm.SHEET_INDICATORS].cell(row=ROW + 2, column=8, value=-1)
    elif what == "tfp":
        ws = wb[wbm.SHEET_TFP]
        ws.cell(row=ROW + 3, column=TFP_COL["grdp"], value=-1)
        ws.cell(row=ROW + 4, column=TFP_COL["trained_labour_share"], value=140)
        ws.cell(row=ROW + 5, column=TFP_COL["employment"], value=0)
        ws.cell(row=ROW + 6, column=TFP_COL["investment"]).value = None
    elif what == "cell_types":  # what agencies type: each kind of cell value a reader meets
        ws = wb[wbm.SHEET_ENTERPRISES]
        ws.cell(row=ROW, column=ENT_COL["tax_code"], value=101234567)  # a number: leading zero lost
        ws.cell(row=ROW, column=ENT_COL["central"], value=12.5)
        ws.cell(row=ROW, column=ENT_COL["provincial"], value="1.234,5")
        ws.cell(row=ROW, column=ENT_COL["locality"], value=dt.datetime(2025, 3, 4))
        ws.cell(row=ROW + 1, column=ENT_COL["locality"], value=True)
        ws.cell(row=ROW + 1, column=ENT_COL["enterprise"], value="")
        ws.cell(row=ROW + 1, column=ENT_COL["other"], value=10**12)
        wb[wbm.SHEET_INDICATORS].cell(row=ROW + 1, column=8, value=2.0)
        wb[wbm.SHEET_INDICATORS].cell(row=ROW + 2, column=8, value=0.1 + 0.2)
        wb[wbm.SHEET_INDICATORS].cell(row=ROW + 3, column=9, value=dt.date(2025, 6, 1))
        wb[wbm.SHEET_BUDGET].cell(row=ROW, column=4, value="=1+1")  # no value Excel computed
        wb[wbm.SHEET_INDICATORS].cell(row=ROW + 4, column=8).value = None  # left empty: an error
        wb[wbm.SHEET_TASKS].cell(row=ROW, column=6).value = None
        wb[wbm.SHEET_NARRATIVE].cell(row=ROW, column=4, value=" có khoảng trắng  ")
    elif what == "merged":
        wb[wbm.SHEET_INDICATORS].merge_cells(f"H{ROW}:H{ROW + 1}")  # over figures: an error
        wb[wbm.SHEET_NARRATIVE].merge_cells(f"D{ROW}:E{ROW}")  # over text: recorded
    else:
        raise ValueError(what)


EXTRA = [  # (agency, mistakes, file name): resubmissions after the sample files, all rejected
    ("SCT", ("tasks", "enterprises"), "SCT_lan3.xlsx"),
    ("SYT", ("enterprises",), "SYT_lan2.xlsx"),
    ("SKHCN", ("budget", "indicators", "tasks"), "SKHCN_lan2.xlsx"),
    ("SNV", ("indicators",), "SNV_lan2.xlsx"),
    ("SGDDT", ("budget",), "SGDDT_lan2.xlsx"),
    ("TKHY", ("tfp",), "TKHY_lan2.xlsx"),
    ("SNNMT", ("cell_types",), "SNNMT_kieu_o.xlsx"),
    ("SXD", ("merged",), "SXD_gop_o.xlsx"),
]


def build_inbox(catalogue, folder: Path, extra=EXTRA) -> None:
    write_sample_data(catalogue, YEAR, folder)
    stamp = max(p.stat().st_mtime for p in folder.iterdir())
    for i, (code, mistakes, name) in enumerate(extra):
        wb = fill_workbook(catalogue.expectation(YEAR, code), YEAR, catalogue)
        for what in mistakes:
            _mistakes(wb, what)
        wbm.save_reproducible(wb, folder / name)  # the same bytes on every run: a stable golden
        os.utime(folder / name, (stamp - 3600 * (i + 1), stamp - 3600 * (i + 1)))
    shutil.copy2(folder / "SNV_lan2.xlsx", folder / "SNV_lan2_copy.xlsx")  # a duplicate, in the same chunk


def run_year(zones: Zones, catalogue, chunked: bool, monkeypatch) -> list[dict]:
    monkeypatch.setenv("NSCL_GX_BATCH", "1" if chunked else "0")
    paths = pipeline.list_inbox(YEAR, zones)
    if chunked:
        chunks = pipeline.plan_chunks(paths, slots=2)
        assert len(chunks) == 2 and sum(len(c["paths"]) for c in chunks) == len(paths)
        small = [
            r for c in chunks for r in pipeline.process_chunk(c["paths"], YEAR, zones, catalogue)["receipts"]
        ]
    else:
        small = [pipeline.process_submission(p, YEAR, zones, catalogue) for p in paths]
    pipeline.consolidate(YEAR, zones, catalogue)
    pipeline.compute_tfp(YEAR, zones)
    pipeline.write_report(YEAR, zones, catalogue, issued=ISSUED)
    return small


# The run's own time and identity (a test that ran a DAG in this process leaves its
# AIRFLOW_CTX_* behind), and the hash of the .docx (its docProps hold the time it was written;
# the document's parts are compared instead).
RUN_TIME_KEYS = {"first_seen_at", "created_at", "dag_run", "generated_at", "document_sha256"} | {
    "dag_id",
    "run_id",
    "made_by",
}


def without_keys(value, keys=RUN_TIME_KEYS):
    """``value`` (JSON-like) with the given keys left out of every dict, at any depth."""
    if isinstance(value, dict):
        return {k: without_keys(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [without_keys(v, keys) for v in value]
    return value


def _zip_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:  # docProps hold the time the file was written
        return {n: z.read(n) for n in z.namelist() if not n.startswith("docProps/")}


def snapshot(zones: Zones) -> dict[str, object]:
    """Every file the run wrote, keyed by its path under the data folder: JSON without the
    run's own timestamps, workbooks and documents by their parts, the rest by their bytes
    (Data Docs by name only: GX stamps each page with its run)."""
    out: dict[str, object] = {}
    for p in sorted(zones.root.rglob("*")):
        rel = str(p.relative_to(zones.root))
        if not p.is_file() or p.name.startswith(".") or rel.startswith(("inbox/", "logs/")):
            continue
        if rel.startswith("data_docs/"):
            out[rel] = "page"
        elif p.suffix == ".json":
            out[rel] = without_keys(json.loads(p.read_text(encoding="utf-8")))
        elif p.suffix in (".xlsx", ".docx"):
            out[rel] = _zip_parts(p)
        elif p.name == "bien-nhan.txt":
            out[rel] = p.read_text(encoding="utf-8")
        else:
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def digest(value) -> str:
    """A short stable hash of one snapshot entry (bytes, text or JSON-like)."""
    if isinstance(value, dict) and all(isinstance(v, bytes) for v in value.values()):
        value = {k: hashlib.sha256(v).hexdigest() for k, v in value.items()}
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
