"""Annual consolidation of Plan 101/KH-UBND reports: inbox -> validated submissions -> curated
tables -> TFP -> annual report (.docx). Thin wiring only: the work is in ``nscl.orchestration.pipeline``."""

from __future__ import annotations

import pendulum
from airflow.sdk import Asset, dag, task
from nscl.orchestration.dag_common import TZ, default_args, run_year, year_param
from nscl.outreach import alerts

ANNUAL_REPORT = Asset("nscl_annual_report")

DOC_MD = """
### Báo cáo năm Kế hoạch 101/KH-UBND (NSCL)

**What it does.** Reads every file in the data folder's `inbox/<year>/`, archives each one
(content-addressed), validates it with the Great Expectations suites (one mapped task per
chunk of files, named by its first and last file; each file's outcome is in the chunk's log
and XCom), writes the curated tables of the year from the latest accepted submission of each
agency, runs the TFP engine on the statistics office's figures, and writes a new version of
the annual report under `reports/<year>/` with its manifest.

**When.** Every year on 28 November at 06:00 (Asia/Ho_Chi_Minh), in time for the 30 November
deadline, and on demand (trigger with `{"year": 2025}`; without a year, the run's own year).

One run at a time (all years): a second trigger waits until the first has finished.

**When it fails.** A rejected workbook is not a failure: it is quarantined with its feedback
and the run goes on. Every task retries 3 times with exponential back-off (1, 2, 4 minutes);
after the last try the operators get an e-mail (SMTP connection `smtp_default`). If the run has
not succeeded by 29 November 18:00 (36 hours after its start), a deadline alert e-mails them.
A failed task is safe to clear and re-run (Clear on the task, or on the whole run): every task
is idempotent and writes atomically; re-running the report task writes a new report version
and keeps the earlier ones, except for a year whose report is signed: the year is locked and
the report task is skipped, its log saying why, until staff reopen it (`nscl editorial --year Y
reopen`); the files are received, archived and answered all the same. Approval is
the staff's, on the staff page (see `docs/reports.md` for why not a human-in-the-loop task). Past years: `nscl backfill --from 2021 --to 2025`. See
`docs/operations.md`.
"""


@dag(
    dag_id="nscl_annual_report",
    schedule="0 6 28 11 *",
    start_date=pendulum.datetime(2021, 1, 1, tz=TZ),
    catchup=False,
    max_active_runs=1,
    default_args=default_args(),
    deadline=alerts.annual_deadline(),
    params={"year": year_param()},
    tags=["nscl", "annual"],
    doc_md=DOC_MD,
)
def nscl_annual_report():
    @task
    def resolve_year() -> int:
        return run_year()

    @task
    def list_inbox(year: int) -> list[dict]:
        """The inbox files, split into chunks (``pipeline.plan_chunks``)."""
        from nscl.orchestration import pipeline

        return pipeline.plan_chunks(pipeline.list_inbox(year))

    # One task per chunk of files (not per file: each task pays Airflow's fixed costs once),
    # named in the UI by its first and last file; each file's outcome is in the task's log and
    # its XCom ("receipts"), and on the staff page.
    @task(multiple_outputs=False, map_index_template="{{ task.op_kwargs['chunk']['label'] }}")
    def process_chunk(chunk: dict, year: int) -> dict:
        from nscl.orchestration import pipeline

        return pipeline.process_chunk(chunk["paths"], year)

    @task(multiple_outputs=False, trigger_rule="none_failed")
    def consolidate(year: int, receipts: list[dict]) -> dict:
        from nscl.orchestration import pipeline

        return pipeline.consolidate(year)

    @task(multiple_outputs=False)
    def compute_tfp(year: int, summary: dict) -> dict:
        from nscl.orchestration import pipeline

        return pipeline.compute_tfp(year)

    @task(outlets=[ANNUAL_REPORT])
    def write_report(year: int, tfp: dict) -> str:
        from airflow.sdk.exceptions import AirflowSkipException
        from nscl.orchestration import pipeline
        from nscl.store import signed
        from nscl.store.zones import Zones

        # A signed year is locked: no new version (skipped, the reason in the log), until
        # staff reopen it; the files of this run were received and answered all the same.
        record = signed.lock(Zones.default(), year)
        if record is not None:
            raise AirflowSkipException(signed.locked_message(record, year))
        return pipeline.write_report(year)

    year = resolve_year()
    receipts = process_chunk.partial(year=year).expand(chunk=list_inbox(year))
    summary = consolidate(year, receipts)
    write_report(year, compute_tfp(year, summary))


nscl_annual_report()
