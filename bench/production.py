"""Benchmark of the production shape: the annual DAG on deploy/native.py (PostgreSQL,
CeleryExecutor with Redis, one worker of concurrency 2), for N synthetic agencies each, with
the floor, the stages without Airflow and the embedded run (``dag.test()``) of the same N
measured in the same session.

    uv run python bench/production.py --n 40 --n 150 [--n 1000] [--json bench/results/prod.json]
    uv run python bench/production.py --n 40 --no-preload     # without the worker preload

Needs PostgreSQL at 127.0.0.1:5432 (trust) and Redis at 127.0.0.1:6379; uses a database
(nscl_bench_<pid>) and a Celery queue of its own, both removed afterwards. The synthetic
agencies reach the real DAG through ``NSCL_CATALOGUE_DIR`` (bench.write_catalogue_dir): one
catalogue where year 2025 - i has N_i agencies, so one stack runs every N (after a warm-up run
of six agencies for 2021, reported apart).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy"))
sys.path.insert(0, str(ROOT / "bench"))
import native  # noqa: E402

import bench  # noqa: E402

DAG_ID = "nscl_annual_report"
DB = f"nscl_bench_{os.getpid()}"
REDIS_DB = 8
# A Celery queue of its own (the executor sends to it, the worker takes only from it), so two
# runs on one machine, or a run beside the production-shape test, never take each other's tasks.
QUEUE = f"nscl-bench-{os.getpid()}-{os.urandom(4).hex()}"
WARM_UP_YEAR = 2021
ADMIN = ("bench", "Bench-" + os.urandom(8).hex())


def _psql(sql: str) -> None:
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql)
    conn.close()


def _ts(value: str | None) -> float | None:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() if value else None


def _split(api: native.ApiClient, run_id: str) -> dict:
    """Per task instance: dispatch (queued -> running), parse (running -> the task's code
    starts: DAG bundle and file), imports, work (from process_chunk's own timings), and the
    whole run's scheduling gaps (a task's upstream done -> it is queued)."""
    tis = api.call("GET", f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances?limit=1000")[
        "task_instances"
    ]
    rows = []
    for t in tis:
        q, s, e = _ts(t.get("queued_when")), _ts(t.get("start_date")), _ts(t.get("end_date"))
        row = {"task": t["task_id"], "map_index": t["map_index"], "name": t.get("rendered_map_index"),
               "dispatch_s": (s - q) if q and s else None, "run_s": (e - s) if s and e else None,
               "queued": q, "start": s, "end": e}  # fmt: skip
        if t["task_id"] == "process_chunk":
            path = (
                f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances/process_chunk/xcomEntries/return_value"
            )
            value = api.call("GET", f"{path}?map_index={t['map_index']}")["value"]
            tm = (json.loads(value) if isinstance(value, str) else value)["timings"]
            row.update({"parse_s": tm["started_at"] - s, "imports_s": tm["imports_s"], "work_s": tm["work_s"],
                        "preloaded": tm["preloaded"], "files": len(json.loads(value)["receipts"]) if isinstance(value, str) else len(value["receipts"])})  # fmt: skip
        rows.append(row)
    rows.sort(key=lambda r: (r["start"] or 0, r["map_index"]))
    return {"tasks": rows}


def production(ns: list[int], preload: bool, keep: bool = False) -> dict:
    import redis

    base = Path(tempfile.mkdtemp(prefix="nscl-bench-prod-"))
    years = {2025 - i: n for i, n in enumerate(ns)}
    catalogue_dir = base / "catalogue"
    cat = bench.write_catalogue_dir(catalogue_dir, {**years, WARM_UP_YEAR: 6})
    data = base / "data"
    from nscl.forms.sample import write_sample_data
    from nscl.store.zones import Zones

    zones = Zones(data)
    files = {y: [f.path for f in write_sample_data(cat, y, zones.inbox(y))] for y in [*years, WARM_UP_YEAR]}
    _psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    _psql(f"CREATE DATABASE {DB}")
    env = {
        "AIRFLOW__OPERATORS__DEFAULT_QUEUE": QUEUE,
        "NSCL_CATALOGUE_DIR": str(catalogue_dir),
        "NSCL_WORKER_SLOTS": "2",
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": "2",
        "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
        "NSCL_REPORT_PDF": "0",
    }
    if not preload:
        env["AIRFLOW__CELERY__EXTRA_CELERY_CONFIG"] = "{}"
    stack = native.NativeStack(base / "airflow", data, f"postgresql+psycopg2://postgres@127.0.0.1:5432/{DB}",
                               f"redis://127.0.0.1:6379/{REDIS_DB}", extra_env=env)  # fmt: skip
    out: dict = {"preload": preload, "runs": []}
    try:
        t0 = time.monotonic()
        stack.init(*ADMIN)
        stack.start_all(worker_concurrency=2)
        api = native.ApiClient(stack.base_url, *ADMIN)
        _wait(lambda: any(d["dag_id"] == DAG_ID for d in api.call("GET", "/api/v2/dags")["dags"]), 300, stack)
        api.call("PATCH", f"/api/v2/dags/{DAG_ID}", {"is_paused": False})
        worker_log = stack.logs / "airflow-worker.log"
        _wait(lambda: worker_log.exists() and " ready." in worker_log.read_text(errors="replace"), 300, stack)
        out["stack_start_s"] = time.monotonic() - t0
        # A first run (six agencies, not measured): the first task on a fresh worker pays
        # one-off costs (measured: about 18 s under load), which belong to no N.
        start = time.time()
        run = api.call(
            "POST", f"/api/v2/dags/{DAG_ID}/dagRuns", {"logical_date": None, "conf": {"year": WARM_UP_YEAR}}
        )
        out["warm_up"] = {"state": _wait(lambda: _done(api, run["dag_run_id"]), 900, stack, interval=0.5),
                          "s": time.time() - start, **_split(api, run["dag_run_id"])}  # fmt: skip
        print(f"warm-up run: {out['warm_up']['state']} in {out['warm_up']['s']:.1f} s")
        for year, n in years.items():
            floor = _floor(files[year], cat, year, base)
            start = time.time()
            run = api.call(
                "POST", f"/api/v2/dags/{DAG_ID}/dagRuns", {"logical_date": None, "conf": {"year": year}}
            )
            state = _wait(lambda run=run: _done(api, run["dag_run_id"]), 3600, stack, interval=0.5)
            wall = time.time() - start
            split = _split(api, run["dag_run_id"])
            chunks = [t for t in split["tasks"] if t["task"] == "process_chunk"]
            res = {
                "agencies": n, "year": year, "files": len(files[year]), "state": state,
                "trigger_to_success_s": wall, "floor_s": floor, "multiple_of_floor": wall / floor,
                "chunks": len(chunks), **split,
            }  # fmt: skip
            out["runs"].append(res)
            print_run(res)
    finally:
        stack.stop_all()
        _psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        broker = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
        for key in broker.scan_iter(f"*{QUEUE}*"):  # this run's queue only, never the whole db
            broker.delete(key)
        if not keep:
            shutil.rmtree(base, ignore_errors=True)
    return out


def _floor(paths: list[Path], cat, year: int, base: Path) -> float:
    n_rows = len(cat.indicators) + len(cat.expected_reporters(year)) + 60
    start = time.perf_counter()
    bench.floor_work(paths, n_rows, base / f"floor-{year}.docx")
    return time.perf_counter() - start


def _done(api: native.ApiClient, run_id: str) -> str | None:
    state = api.call("GET", f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}")["state"]
    return state if state in ("success", "failed") else None


def _wait(predicate, timeout: float, stack, interval: float = 1.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"not done after {timeout}s\n{stack.tail_logs()}")


def print_run(r: dict) -> None:
    chunks = [t for t in r["tasks"] if t["task"] == "process_chunk"]
    print(
        f"production N={r['agencies']} files={r['files']}: {r['state']} in {r['trigger_to_success_s']:.1f} s "
        f"(floor {r['floor_s']:.2f} s, x{r['multiple_of_floor']:.0f}); {len(chunks)} chunks"
    )
    for t in r["tasks"]:
        extra = ""
        if t["task"] == "process_chunk":
            extra = (f" parse {t['parse_s']:.2f} imports {t['imports_s']:.2f} work {t['work_s']:.2f}"
                     f" ({t['files']} files, preloaded={t['preloaded']})")  # fmt: skip
        print(
            f"  {t['task']}[{t['map_index']}] dispatch {t['dispatch_s'] or 0:.2f} run {t['run_s'] or 0:.2f}{extra}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, action="append", required=True)
    parser.add_argument("--no-preload", action="store_true")
    parser.add_argument("--skip-embedded", action="store_true")
    parser.add_argument("--skip-stages", action="store_true")
    parser.add_argument("--json", default=str(ROOT / "bench" / "results" / "production.json"))
    args = parser.parse_args()
    load = {"uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()}
    results: dict = {
        "machine": bench.machine(),
        "load_before": load,
        "started": dt.datetime.now(dt.UTC).isoformat(),
    }
    results["production"] = production(args.n, preload=not args.no_preload)
    results["load_after_production"] = subprocess.run(
        ["uptime"], capture_output=True, text=True
    ).stdout.strip()
    if not args.skip_stages:
        results["stages"] = []
        for n in args.n:
            res = subprocess.run([sys.executable, str(ROOT / "bench" / "bench.py"), "--one", f"{n}x1"],
                                 capture_output=True, text=True, timeout=7200)  # fmt: skip
            if res.returncode:
                print(res.stderr[-3000:], file=sys.stderr)
                return 1
            results["stages"].append(json.loads(res.stdout.strip().splitlines()[-1]))
            bench.print_config(results["stages"][-1])
    if not args.skip_embedded:
        results["embedded"] = []
        for n in args.n:
            results["embedded"].append(bench.dag_run(agencies=n))
            e = results["embedded"][-1]
            print(
                f"embedded N={n}: first run {e['first_run_s']:.1f} s ({e['task_instances']} task instances)"
            )
    results["load_after"] = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"load before {load['uptime']}\nload after {results['load_after']}\nJSON: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
