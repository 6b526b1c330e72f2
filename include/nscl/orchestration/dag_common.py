"""Pieces the DAG files share. Imported at parse time: only light imports here."""

from __future__ import annotations

TZ = "Asia/Ho_Chi_Minh"


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
