"""Intake through the reporting season: every hour from October to December, archive and
validate the files that arrived in the inbox since the last run, answer each agency (receipt
or per-cell feedback) and refresh the year's curated tables. Thin wiring only: the work is in
``nscl.intake.process`` and ``nscl.orchestration.pipeline``."""

from __future__ import annotations

import pendulum
from airflow.sdk import Asset, dag, task
from nscl.orchestration.dag_common import TZ, default_args, run_year, year_param

SUBMISSIONS = Asset("nscl_submissions")

DOC_MD = """
### Tiếp nhận báo cáo Kế hoạch 101/KH-UBND (NSCL intake)

**What it does.** Lists the files in the year's inbox (a folder, or the object storage set by
`NSCL_INBOX_URL`) that were not seen yet, archives each one byte for byte under its SHA-256,
checks it for hostile content (size, zip bombs, XML entities, macros, encryption), validates
it with the Great Expectations suites, writes its receipt, quarantines a rejected file with a
Vietnamese feedback workbook (offending cells highlighted and commented, summary sheet
"Tổng hợp lỗi"), writes an acceptance receipt otherwise, and refreshes the curated tables.

**When.** Every hour, October to December (Asia/Ho_Chi_Minh), for the run's year; on demand
with `{"year": 2025}`. A new file is picked up within the hour.

**When it fails.** A bad file is never a failure: it gets a rejected receipt. A failed task is
safe to clear and re-run: receipts are keyed by the file's hash and written atomically, the
same bytes twice are recognised as a duplicate, and consolidation rewrites the year's tables
whole. Check the task log for the file name and the receipt under `receipts/<year>/`.
"""


@dag(
    dag_id="nscl_intake",
    schedule="0 * * 10-12 *",
    start_date=pendulum.datetime(2026, 10, 1, tz=TZ),
    catchup=False,
    max_active_runs=1,
    default_args=default_args(),
    params={"year": year_param()},
    tags=["nscl", "intake"],
    doc_md=DOC_MD,
)
def nscl_intake():
    @task
    def resolve_year() -> int:
        return run_year()

    @task
    def list_new(year: int) -> list[dict]:
        """The new inbox files, split into chunks (``pipeline.plan_chunks``)."""
        from nscl.intake.process import list_new
        from nscl.orchestration import pipeline
        from nscl.store.zones import Zones

        return pipeline.plan_chunks(list_new(Zones.default(), year))

    # One task per chunk of files (not per file: each task pays Airflow's fixed costs once),
    # named in the UI by its first and last file; each file's outcome is in the task's log and
    # its XCom ("receipts"), and on the staff page.
    @task(multiple_outputs=False, map_index_template="{{ task.op_kwargs['chunk']['label'] }}")
    def process_chunk(chunk: dict, year: int) -> dict:
        from nscl.orchestration import pipeline

        return pipeline.process_chunk(chunk["paths"], year)

    @task(trigger_rule="none_failed", outlets=[SUBMISSIONS])
    def consolidate(year: int, receipts: list[dict]) -> dict:
        from nscl.orchestration import pipeline

        return pipeline.consolidate(year)

    year = resolve_year()
    receipts = process_chunk.partial(year=year).expand(chunk=list_new(year))
    consolidate(year, receipts)


nscl_intake()
