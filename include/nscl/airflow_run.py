"""Run the annual DAG on the embedded default: Airflow's own machinery (``dag.test()``) with a
SQLite metadata database under the data folder. Used by ``nscl run``."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from .settings import data_dir

DAG_ID = "nscl_annual_report"
DAG_FILE = "nscl_annual.py"


def dags_folder() -> Path:
    """The project's ``dags/`` (NSCL_DAGS_FOLDER overrides, e.g. in a container)."""
    env = os.environ.get("NSCL_DAGS_FOLDER")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "dags"


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


def load_dag():
    configure_embedded_airflow()
    from airflow.dag_processing.dagbag import DagBag
    from airflow.utils.db import initdb

    initdb()
    bag = DagBag(dag_folder=str(Path(os.environ["AIRFLOW__CORE__DAGS_FOLDER"]) / DAG_FILE), safe_mode=False)
    if bag.import_errors:
        raise RuntimeError(f"DAG import errors: {bag.import_errors}")
    dag = bag.dags[DAG_ID]
    # Airflow 3.3's dag.test() crashes on a DAG with a deadline alert when the run succeeds
    # (DagRun.update_state looks the alert up by id but dag.test passes the unserialised alert:
    # "'dict' object has no attribute 'hex'"). The deadline alert is for the scheduled
    # production run; an embedded run started by hand has no deadline to watch.
    dag.deadline = None
    return dag


def report_of(dag_run) -> str | None:
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        return session.scalar(
            select(XComModel.value).where(
                XComModel.dag_id == dag_run.dag_id,
                XComModel.run_id == dag_run.run_id,
                XComModel.task_id == "write_report",
                XComModel.key == "return_value",
            )
        )


def run_annual(year: int) -> str | None:
    """Run the annual DAG for ``year``; the report's path on success, else None."""
    dag = load_dag()
    dag_run = dag.test(run_conf={"year": year})
    if str(dag_run.state) != "success" and getattr(dag_run.state, "value", None) != "success":
        return None
    return report_of(dag_run)
