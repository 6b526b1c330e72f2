"""Benchmark: how a run's cost grows with agencies (N) and years (Y).

    uv run python bench/bench.py                      # the recorded configurations
    uv run python bench/bench.py --config 20x1 --config 150x10 --json bench/results/out.json

Each configuration runs in its own process (so peak memory is its own) and times the
pipeline's stages without Airflow, next to the floor for the same work (read every workbook
once, write one .docx of the same size). Separately: DAG file parse times (cold) and the
whole annual DAG run on the embedded default with Airflow's per-task overhead.
The production shape (PostgreSQL, Celery, worker concurrency 2) is bench/production.py.
Not part of the test suite; figures go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CONFIGS = ["20x1", "150x1", "1000x1", "150x10"]


def write_catalogue_dir(folder: Path, agencies_per_year: dict[int, int]):
    """A plan folder for ``NSCL_CATALOGUE_DIR``: the shipped plan with extra commune-level
    People's Committees, and per year (expected.yaml) exactly ``agencies_per_year[year]``
    agencies plus the statistics office expected to report (the real agencies first). Years not
    named keep the shipped list plus every synthetic agency. Returns the catalogue, loaded (and
    validated) from the folder as the pipeline loads it."""
    import yaml
    from nscl.plan.catalogue import DATA_DIR, default_catalogue, load_catalogue

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("tasks.yaml", "indicators.yaml"):
        shutil.copy2(DATA_DIR / name, folder / name)
    base = default_catalogue()
    real = {
        y: [e.agency.code for e in base.expected_reporters(y) if not e.tfp_inputs] for y in range(2021, 2031)
    }
    extra = max(0, max(agencies_per_year.values()) - min(len(r) for r in real.values()))
    raw = yaml.safe_load((DATA_DIR / "agencies.yaml").read_text(encoding="utf-8"))
    synthetic = [f"UBND_XA_{i:04d}" for i in range(extra)]
    raw["agencies"] += [
        {"code": c, "name": f"UBND xã thử nghiệm {c[-4:]}", "kind": "commune_pc", "groups": ["ubnd_huyen"],
         "valid_from": dt.date(2021, 1, 1)}
        for c in synthetic
    ]  # fmt: skip
    (folder / "agencies.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    years = {}
    for year, n in agencies_per_year.items():
        codes = real[year] + synthetic
        years[year] = {"remove": [{"code": c, "why": "benchmark"} for c in codes[n:]], "add": []}
    (folder / "expected.yaml").write_text(yaml.safe_dump({"years": years}), encoding="utf-8")
    cat = load_catalogue(folder)
    for year, n in agencies_per_year.items():
        assert sum(1 for e in cat.expected_reporters(year) if not e.tfp_inputs) == n, (year, n)
    return cat


def synthetic_catalogue(n_agencies: int, folder: Path | None = None):
    """Exactly ``n_agencies`` agencies plus the statistics office report in every year."""
    folder = folder or Path(tempfile.mkdtemp(prefix="nscl-bench-catalogue-"))
    return write_catalogue_dir(folder, dict.fromkeys(range(2021, 2031), n_agencies))


def timed(results: dict, name: str, fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    results[name] = results.get(name, 0.0) + time.perf_counter() - start
    return out


def _floor_docx(n_rows: int, out: Path) -> None:
    """The floor's writing: one .docx with a table of ``n_rows`` rows."""
    from docx import Document

    doc = Document()
    table = doc.add_table(rows=n_rows, cols=10)
    for row in table.rows:
        for cell in row.cells:
            cell.text = "1"
    doc.save(out)


def floor_work(paths: list[Path], n_rows: int, out: Path) -> None:
    """The least the job needs: open and read every cell of every workbook once, and write
    one .docx with a table of ``n_rows`` rows."""
    from openpyxl import load_workbook

    for p in paths:
        wb = load_workbook(p, read_only=True, data_only=True)
        for ws in wb.worksheets:
            for _row in ws.iter_rows(values_only=True):
                pass
        wb.close()
    _floor_docx(n_rows, out)


def floor_work_calamine(paths: list[Path], n_rows: int, out: Path) -> None:
    """The same least work with the reader the intake uses (calamine): a second reference,
    reported beside the floor, so a reader change cannot pass for pipeline work saved."""
    from python_calamine import CalamineWorkbook

    for p in paths:
        with open(p, "rb") as fh:
            wb = CalamineWorkbook.from_filelike(fh)
            for name in wb.sheet_names:
                wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    _floor_docx(n_rows, out)


def run_config(n_agencies: int, n_years: int) -> dict:
    """One configuration, in this process: generate, then time each stage."""
    from nscl.forms.sample import write_sample_data
    from nscl.forms.workbook import read_workbook
    from nscl.orchestration import pipeline
    from nscl.store.zones import Zones

    cat = synthetic_catalogue(n_agencies)
    years = list(range(2021, 2021 + n_years))
    tmp = Path(tempfile.mkdtemp(prefix="nscl-bench-"))
    os.environ["NSCL_DATA_DIR"] = str(tmp)
    # The .docx only, as the floor and the production-shape bench (the PDF beside it is a
    # LibreOffice conversion of ~15 s, whatever N).
    os.environ.setdefault("NSCL_REPORT_PDF", "0")
    zones = Zones.default()
    stages: dict[str, float] = {}
    floor: dict[str, float] = {}
    files = 0
    import logging

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    start_import = time.perf_counter()
    import great_expectations  # noqa: F401  (a fixed cost, reported on its own)

    fixed = {"import_great_expectations": time.perf_counter() - start_import}
    for year in years:
        timed(stages, "generate_sample", write_sample_data, cat, year, zones.inbox(year))
        paths = [Path(p) for p in pipeline.list_inbox(year, zones)]
        files += len(paths)
        for p in paths:
            timed(stages, "read", read_workbook, p)
        for chunk in pipeline.plan_chunks([str(p) for p in paths], slots=1):  # one process: all chunks
            timed(
                stages, "archive_normalise_validate", pipeline.process_chunk, chunk["paths"], year, zones, cat
            )
        timed(stages, "aggregate", pipeline.consolidate, year, zones, cat)
        timed(stages, "tfp", pipeline.compute_tfp, year, zones)
        timed(stages, "render_report", pipeline.write_report, year, zones, cat)
        n_rows = len(cat.indicators) + len(cat.expected_reporters(year)) + 60
        timed(floor, "floor_read_all_and_write_docx", floor_work, paths, n_rows, tmp / f"floor-{year}.docx")
        timed(floor, "floor_calamine", floor_work_calamine, paths, n_rows, tmp / f"floor-c-{year}.docx")
    # "read" is a diagnostic (each workbook read once more on its own, to show how much of
    # the intake is reading); the pipeline's own stages read the files themselves.
    pipeline_total = sum(v for k, v in stages.items() if k not in ("generate_sample", "read"))
    return {
        "agencies": n_agencies,
        "years": n_years,
        "files": files,
        "stages_s": stages,
        "floor_s": floor,
        "fixed_s": fixed,
        "pipeline_total_s": pipeline_total,
        "multiple_of_floor": pipeline_total / floor["floor_read_all_and_write_docx"],
        "multiple_of_calamine_floor": pipeline_total / floor["floor_calamine"],
        "per_file_ms": 1000 * pipeline_total / files,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def parse_times() -> dict:
    """Cold parse of each DAG file: a fresh interpreter imports airflow.sdk, then runs the file."""
    out = {}
    for f in sorted((ROOT / "dags").glob("*.py")):
        code = (
            "import time, runpy; t0 = time.perf_counter(); import airflow.sdk; t1 = time.perf_counter(); "
            f"runpy.run_path({str(f)!r}); t2 = time.perf_counter(); print(t1 - t0, t2 - t1)"
        )
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
        sdk, file_s = (float(x) for x in res.stdout.split()[-2:])
        out[f.name] = {"import_airflow_sdk_s": sdk, "file_s": file_s}
    return out


def dag_run(year: int = 2025, agencies: int | None = None) -> dict:
    """The whole annual DAG on the embedded default (SQLite, sample data; ``agencies``
    synthetic agencies through ``NSCL_CATALOGUE_DIR`` when given), in a fresh process."""
    tmp = Path(tempfile.mkdtemp(prefix="nscl-bench-dag-"))
    env = {}
    if agencies:
        write_catalogue_dir(tmp / "catalogue", {year: agencies})
        env["NSCL_CATALOGUE_DIR"] = str(tmp / "catalogue")
    code = f"""
import json, os, time, resource
os.environ["NSCL_DATA_DIR"] = {str(tmp / "data")!r}
from nscl.plan.catalogue import default_catalogue
from nscl.forms.sample import write_sample_data
from nscl.store.zones import Zones
write_sample_data(default_catalogue(), {year}, Zones.default().inbox({year}))
from nscl.orchestration.airflow_run import load_dag, report_of
t0 = time.perf_counter(); dag = load_dag(); t1 = time.perf_counter()
run1 = dag.test(run_conf={{"year": {year}}}); t2 = time.perf_counter()
run2 = dag.test(run_conf={{"year": {year}}}); t3 = time.perf_counter()
from airflow.models.taskinstance import TaskInstance
from airflow.utils.session import create_session
from sqlalchemy import select, func
with create_session() as s:
    n = s.scalar(select(func.count()).select_from(TaskInstance).where(TaskInstance.run_id == run2.run_id))
print(json.dumps({{"setup_s": t1 - t0, "first_run_s": t2 - t1, "second_run_s": t3 - t2, "task_instances": n,
                  "state": str(run2.state), "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""
    res = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=1800,
        env={
            **os.environ,
            "NSCL_AIRFLOW_HOME": str(tmp / "airflow"),
            "NSCL_WORKER_SLOTS": "2",
            "NSCL_REPORT_PDF": "0",
            **env,
        },  # fmt: skip
    )
    if res.returncode:
        raise RuntimeError(res.stderr[-3000:])
    out = json.loads(res.stdout.strip().splitlines()[-1])
    shutil.rmtree(tmp, ignore_errors=True)
    return out


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--config", action="append", help="NxY: N agencies, Y years (repeatable)")
    parser.add_argument("--json", default=str(ROOT / "bench" / "results" / "bench.json"))
    parser.add_argument("--skip-dag", action="store_true")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one config in this process
    args = parser.parse_args()
    if args.one:
        n, y = (int(x) for x in args.one.split("x"))
        print(json.dumps(run_config(n, y)))
        return 0
    results = {"machine": machine(), "configs": [], "parse": parse_times()}
    for cfg in args.config or DEFAULT_CONFIGS:
        res = subprocess.run(
            [sys.executable, __file__, "--one", cfg], capture_output=True, text=True, timeout=7200
        )
        if res.returncode:
            print(res.stderr[-3000:], file=sys.stderr)
            return 1
        results["configs"].append(json.loads(res.stdout.strip().splitlines()[-1]))
        print_config(results["configs"][-1])
    if not args.skip_dag:
        results["dag"] = dag_run()
        d = results["dag"]
        print(
            f"DAG (embedded, sample 2025): setup {d['setup_s']:.1f} s, first run {d['first_run_s']:.1f} s, "
            f"second run {d['second_run_s']:.1f} s for {d['task_instances']} task instances, peak {d['peak_rss_mb']:.0f} MB"
        )
    for name, p in results["parse"].items():
        print(
            f"parse {name}: file {1000 * p['file_s']:.0f} ms (after import airflow.sdk {p['import_airflow_sdk_s']:.1f} s)"
        )
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"JSON: {args.json}")
    return 0


def print_config(c: dict) -> None:
    s = c["stages_s"]
    print(
        f"N={c['agencies']:>5} Y={c['years']:>2} files={c['files']:>6} | "
        + " ".join(f"{k}={v:.2f}s" for k, v in s.items())
        + f" | floor={c['floor_s']['floor_read_all_and_write_docx']:.2f}s"
        f" x{c['multiple_of_floor']:.1f} | calamine floor={c['floor_s']['floor_calamine']:.2f}s"
        f" x{c['multiple_of_calamine_floor']:.1f} | {c['per_file_ms']:.0f} ms/file | peak {c['peak_rss_mb']:.0f} MB"
    )


if __name__ == "__main__":
    sys.exit(main())
