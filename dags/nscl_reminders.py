"""Reminders before and after the 30 November deadline to agencies that have not reported or
whose file was rejected. Thin wiring only: the work is in ``nscl.outreach.reminders``."""

from __future__ import annotations

import pendulum
from airflow.sdk import Param, dag, get_current_context, task
from nscl.orchestration.dag_common import TZ, default_args, run_year, year_param

DOC_MD = """
### Nhắc báo cáo Kế hoạch 101/KH-UBND (NSCL reminders)

**What it does.** Works out, from the receipts on file (submission events whose timestamps
the pipeline owns), which expected agencies have not reported or whose latest file was
rejected, and e-mails each a Vietnamese reminder through the Airflow SMTP connection
`nscl_smtp`. Stages open 10 and 3 days before the deadline (20 and 27 November), then every
7 days after it: chasing goes on after the deadline, and late files are still accepted.

**When.** Daily at 08:00 (Asia/Ho_Chi_Minh) in November and December; each agency gets one
reminder per stage however often the DAG runs. Addresses are the `email` field of the agency
registry (`nscl/data/agencies.yaml`), overridden per agency by `<data>/contacts.yaml`;
agencies without an address are listed in the task log for staff to phone. A rejected
agency's reminder carries the feedback workbook of its latest file.

**When it fails.** Safe to clear and re-run: a reminder is marked as sent (under
`reminders/<year>/<stage>/`) only after the SMTP server accepted it, so a re-run sends only
what failed. Check the `nscl_smtp` connection if every send fails.
"""


@dag(
    dag_id="nscl_reminders",
    schedule="0 8 * 11,12 *",
    start_date=pendulum.datetime(2026, 11, 1, tz=TZ),
    catchup=False,
    max_active_runs=1,
    default_args=default_args(),
    params={
        "year": year_param(),
        "dry_run": Param(False, type="boolean", description="Chỉ liệt kê, không gửi thư"),
    },
    tags=["nscl", "reminders"],
    doc_md=DOC_MD,
)
def nscl_reminders():
    @task
    def send_reminders() -> dict:
        from nscl.outreach.reminders import send_reminders
        from nscl.plan.catalogue import default_catalogue
        from nscl.store.zones import Zones

        ctx = get_current_context()
        when = pendulum.instance(ctx["dag_run"].run_after).in_timezone(TZ)
        year = run_year()
        summary = send_reminders(
            year,
            Zones.default(),
            default_catalogue(),
            when.date(),
            dry_run=bool(ctx["params"].get("dry_run")),
        )
        if summary["failed"]:
            raise RuntimeError(f"Reminders not sent (will retry): {summary['failed']}")
        return summary

    send_reminders()


nscl_reminders()
