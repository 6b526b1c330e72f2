"""Run the project's DAGs on the embedded default: Airflow's own machinery (``dag.test()``) with a
SQLite metadata database under the data folder. Used by ``nscl run`` (the annual DAG) and
``nscl review`` (the review DAGs)."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from nscl.reporting.reviews import review_kind
from nscl.settings import data_dir

DAG_ID = "nscl_annual_report"
DAG_FILE = "nscl_annual.py"
REVIEW_DAG_FILE = "nscl_reviews.py"
REVIEW_DAG_IDS = {"mid-term": "nscl_review_mid_term", "final": "nscl_review_final"}


def dags_folder() -> Path:
    """The project's ``dags/`` (NSCL_DAGS_FOLDER overrides, e.g. in a container)."""
    env = os.environ.get("NSCL_DAGS_FOLDER")
    return Path(env) if env else Path(__file__).resolve().parents[3] / "dags"


def configure_embedded_airflow() -> None:
    """Environment for an embedded Airflow; must run before ``airflow`` is imported."""
    home = Path(os.environ.get("NSCL_AIRFLOW_HOME", data_dir() / "airflow"))
    home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("AIRFLOW_HOME", str(home))
    os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(dags_folder()))
    os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    warnings.filterwarnings("ignore", message="Using .httpx. with .starlette.testclient")


def load_dag(dag_id: str = DAG_ID, dag_file: str = DAG_FILE):
    """The DAG ``dag_id`` from ``dag_file`` in the DAGs folder, ready for ``dag.test()``."""
    configure_embedded_airflow()
    from airflow.dag_processing.dagbag import DagBag
    from airflow.utils.db import initdb

    initdb()
    bag = DagBag(dag_folder=str(Path(os.environ["AIRFLOW__CORE__DAGS_FOLDER"]) / dag_file), safe_mode=False)
    if bag.import_errors:
        raise RuntimeError(f"DAG import errors: {bag.import_errors}")
    dag = bag.dags[dag_id]
    # Airflow 3.3's dag.test() crashes on a DAG with a deadline alert when the run succeeds
    # (DagRun.update_state looks the alert up by id but dag.test passes the unserialised alert:
    # "'dict' object has no attribute 'hex'"). The deadline alert is for the scheduled
    # production run; an embedded run started by hand has no deadline to watch.
    dag.deadline = None
    return dag


def report_of(dag_run, task_id: str = "write_report") -> str | None:
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        return session.scalar(
            select(XComModel.value).where(
                XComModel.dag_id == dag_run.dag_id,
                XComModel.run_id == dag_run.run_id,
                XComModel.task_id == task_id,
                XComModel.key == "return_value",
            )
        )


def run_dag(dag_id: str, dag_file: str, conf: dict, task_id: str) -> str | None:
    """Run one DAG with ``conf``; the return value of ``task_id`` on success, else None."""
    dag = load_dag(dag_id, dag_file)
    dag_run = dag.test(run_conf=conf)
    if str(dag_run.state) != "success" and getattr(dag_run.state, "value", None) != "success":
        return None
    return report_of(dag_run, task_id)


def run_annual(year: int) -> str | None:
    """Run the annual DAG for ``year``; the report's path on success, else None."""
    return run_dag(DAG_ID, DAG_FILE, {"year": year}, "write_report")


def run_review(first: int, last: int, kind: str | None = None, issued: str | None = None) -> str | None:
    """Run the review DAG (mid-term when ``last`` <= 2025, else final, unless ``kind`` says) over
    ``first``-``last``; the document's path on success, else None."""

    rk = review_kind(kind, first, last)  # a bad range fails here, before Airflow starts
    conf = {"from_year": rk.first, "to_year": rk.last, "date": issued}
    return run_dag(REVIEW_DAG_IDS[rk.kind], REVIEW_DAG_FILE, conf, "write_review")
