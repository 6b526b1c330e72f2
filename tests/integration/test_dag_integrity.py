"""Every DAG imports without error, has retries and tags, and parses in well under a second."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

DAGS = Path(__file__).resolve().parents[2] / "dags"
DAG_FILES = sorted(p for p in DAGS.glob("*.py") if not p.name.startswith("_"))


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS), safe_mode=False)


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert "nscl_annual_report" in dagbag.dags


def test_retries_tags_docs_and_timezone(dagbag):
    for dag in dagbag.dags.values():
        assert dag.tags, dag.dag_id
        assert dag.doc_md and len(dag.doc_md) > 200, dag.dag_id
        assert dag.timezone.name == "Asia/Ho_Chi_Minh", dag.dag_id
        for t in dag.tasks:
            assert t.retries >= 1, f"{dag.dag_id}.{t.task_id}"


def test_every_dag_uses_the_shared_default_arguments(dagbag):
    """Retries, back-off, owner and the failure e-mail come from one place
    (``nscl.orchestration.dag_common.default_args``) for every task of every DAG."""
    from nscl.orchestration.dag_common import OWNER, RETRIES

    assert len(dagbag.dags) >= 5
    for dag in dagbag.dags.values():
        for t in dag.tasks:
            where = f"{dag.dag_id}.{t.task_id}"
            assert t.retries == RETRIES, where
            assert t.owner == OWNER, where
            assert t.retry_exponential_backoff, where
            callbacks = (
                t.on_failure_callback if isinstance(t.on_failure_callback, list) else [t.on_failure_callback]
            )
            assert any(type(c).__name__ == "SmtpNotifier" for c in callbacks), where


@pytest.mark.parametrize("dag_id", ["nscl_annual_report", "nscl_intake", "nscl_mail_intake"])
def test_submissions_are_mapped_per_chunk(dagbag, dag_id):
    """The files are processed in chunks (one mapped task each, named by its files), not one
    task per file; the chunks come from the listing task and feed the consolidation. No DAG
    maps a task over single files."""
    dag = dagbag.dags[dag_id]
    chunk = dag.get_task("process_chunk")
    assert chunk.is_mapped
    assert "label" in chunk.map_index_template
    assert [t.task_id for t in dag.tasks if t.is_mapped] == ["process_chunk"]
    assert "process_submission" not in dag.task_ids
    listing = {"nscl_mail_intake": {"pending"}}.get(dag_id, {"resolve_year"})
    assert chunk.upstream_task_ids >= listing
    assert "consolidate" in chunk.downstream_task_ids
    assert dag.max_active_runs == 1


def test_mail_chunks_hold_one_year_each():
    from nscl.orchestration import pipeline

    files = [
        {"path": f"/d/inbox/{y}/f{i}.xlsx", "year": y} for y, n in ((2026, 3), (2025, 2)) for i in range(n)
    ]
    chunks = pipeline.plan_year_chunks(files, slots=2)
    assert [(c["year"], len(c["paths"])) for c in chunks] == [(2025, 1), (2025, 1), (2026, 2), (2026, 1)]
    assert all(f"/{c['year']}/" in p for c in chunks for p in c["paths"])
    assert chunks[0]["label"] == "2025: f0.xlsx"
    assert sorted(p for c in chunks for p in c["paths"]) == sorted(f["path"] for f in files)


@pytest.mark.parametrize("path", DAG_FILES, ids=[p.name for p in DAG_FILES])
def test_parse_time_under_a_second(dagbag, path, record_property):
    """Parse time of each file inside a warm interpreter (Airflow already imported), as the DAG
    processor sees it; plus proof that no heavy library is imported at the top level."""
    from airflow.dag_processing.dagbag import DagBag

    start = time.perf_counter()
    bag = DagBag(dag_folder=str(path), safe_mode=False)
    elapsed = time.perf_counter() - start
    record_property("dag_parse", f"{path.name}: {elapsed * 1000:.0f} ms")
    assert not bag.import_errors
    assert elapsed < 1.0
    code = (
        f"import sys, runpy; runpy.run_path({str(path)!r}); "
        "heavy = [m for m in ('pandas', 'great_expectations', 'docx', 'openpyxl', 'python_calamine', 'matplotlib') if m in sys.modules]; "
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
