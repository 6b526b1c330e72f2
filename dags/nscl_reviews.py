"""Mid-term (2021-2025) and final (2021-2030) reviews of Plan 101/KH-UBND: check the template,
then write a new version of the review from every year's curated tables. Thin wiring only: the
work is in ``nscl.pipeline.write_review``."""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Param, dag, get_current_context, task

TZ = "Asia/Ho_Chi_Minh"

DOC_MD = """
### Báo cáo sơ kết 2021-2025 và tổng kết 2021-2030 (Kế hoạch 101/KH-UBND)

**What it does.** Checks the review's Word template (`templates/so-ket-2021-2025.docx` or
`templates/tong-ket-2021-2030.docx`: every tag closed, every name known), then adds up the
curated tables of every year of the period (the latest accepted submission of each agency),
rolls agencies that ceased in 2025 up to their successors, compares each indicator with its
phase and ten-year targets, and writes a new version of the review under
`reports/2025/so-ket-2021-2025-vNNN.docx` or `reports/2030/tong-ket-2021-2030-vNNN.docx`
with its `.manifest.json` (inputs and their hashes, parameters, template hash, code version).

**When.** On 5 December at 07:00 (Asia/Ho_Chi_Minh), after the annual run of 28 November; the
run is a no-op outside 2025 and 2030. On demand: trigger with `{"kind": "mid-term"}` or
`{"kind": "final"}` (for example the overdue 2025 review), optionally `{"date": "2026-12-15"}`
to date the document.

**When it fails.** `check_template` failing means a staff edit broke the template: the log
names the tag and its place (paragraph, table cell); fix it in Word (or run
`nscl check-templates`) and clear the task. A missing year's data is not a failure: the review
says which years are missing; run the annual DAG for them first, then clear `write_review`.
Every task is safe to re-run: a re-run writes a new version and keeps the earlier ones.
"""


@dag(
    dag_id="nscl_reviews",
    schedule="0 7 5 12 *",
    start_date=pendulum.datetime(2025, 1, 1, tz=TZ),
    catchup=False,
    max_active_runs=1,
    default_args={
        "owner": "skhcn",
        "retries": 2,
        "retry_delay": timedelta(seconds=30),
        "retry_exponential_backoff": True,
    },
    params={
        "kind": Param(
            None,
            type=["null", "string"],
            enum=[None, "mid-term", "final"],
            description="mid-term = sơ kết 2021-2025, final = tổng kết 2021-2030; để trống = theo năm của lượt chạy",
        ),
        "date": Param(None, type=["null", "string"], description="Ngày ký báo cáo YYYY-MM-DD (tùy chọn)"),
    },
    tags=["nscl", "review"],
    doc_md=DOC_MD,
)
def nscl_reviews():
    @task
    def resolve_kind() -> str | None:
        ctx = get_current_context()
        kind = ctx["params"].get("kind")
        if kind:
            return kind
        year = pendulum.instance(ctx["dag_run"].run_after).in_timezone(TZ).year
        return {2025: "mid-term", 2030: "final"}.get(year)

    @task
    def check_template(kind: str | None) -> str | None:
        if kind is None:
            return None
        from nscl.report import template_path
        from nscl.template_check import check_template as check

        check(template_path(kind), kind)
        return kind

    @task
    def write_review(kind: str | None) -> str | None:
        if kind is None:
            print("Năm này không có báo cáo sơ kết/tổng kết; không làm gì.")
            return None
        from nscl import pipeline

        return pipeline.write_review(kind, issued=get_current_context()["params"].get("date"))

    write_review(check_template(resolve_kind()))


nscl_reviews()
