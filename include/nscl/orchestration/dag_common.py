"""Pieces every DAG file shares: the time zone, the default arguments (retries with back-off,
the failure e-mail), the year parameter and its resolution. Imported at parse time: only light
imports here. ``tests/integration/test_dag_integrity.py`` checks that every DAG uses them."""

from __future__ import annotations

from datetime import timedelta

from nscl.outreach import alerts
from nscl.settings import TIMEZONE

TZ = TIMEZONE
OWNER = "skhcn"
RETRIES = 3


def default_args() -> dict:
    """Retries with exponential back-off (every task touches the data folder, and some the
    database or e-mail) and an e-mail to the operators after the last failure."""
    return {
        "owner": OWNER,
        "retries": RETRIES,
        "retry_delay": alerts.retry_delay(),
        "retry_exponential_backoff": 2.0,
        "max_retry_delay": timedelta(minutes=15),
        "on_failure_callback": alerts.failure_notifier(),
    }


def year_param():
    """The ``year`` parameter of the yearly DAGs (empty = the run's own year)."""
    from airflow.sdk import Param

    return Param(
        None,
        type=["null", "integer"],
        minimum=2021,
        maximum=2030,
        description="Năm báo cáo (2021-2030); để trống = năm của lượt chạy",
    )


def run_year() -> int:
    """Inside a task: the ``year`` parameter, else the year (in Vietnam) the run was started."""
    import pendulum
    from airflow.sdk import get_current_context

    ctx = get_current_context()
    year = ctx["params"].get("year")
    if year:
        return int(year)
    return pendulum.instance(ctx["dag_run"].run_after).in_timezone(TZ).year
