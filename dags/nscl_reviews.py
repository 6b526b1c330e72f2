"""Mid-term (sơ kết, 2021-2025) and final (tổng kết, 2021-2030) reviews of Plan 101/KH-UBND: two
DAGs on their own schedules (the mid-term one acts in 2025, the final one in 2030); either can be
triggered for any range of years. Each checks its template, then writes a new version of the
review from every year's curated tables. Thin wiring only: the work is in
``nscl.orchestration.pipeline.write_review``."""

from __future__ import annotations

import pendulum
from airflow.sdk import Param, dag, get_current_context, task
from nscl.orchestration.dag_common import TZ, default_args

DOC_MD = """
### {title} (Kế hoạch 101/KH-UBND)

**What it does.** Checks the review's Word template (`templates/{template}`: every tag closed,
every name known), then adds up the curated tables of every year of the range (the latest
accepted submission of each agency), rolls agencies that ceased in 2025 up to their successors,
compares each indicator with its phase and ten-year targets, and writes a new version of the
review under `reports/<last year>/{stem}-vNNN.docx` (other ranges: `{prefix}-<from>-<to>-vNNN.docx`)
with its `.manifest.json` (inputs and their hashes, parameters, template hash, code version) and,
where LibreOffice is installed, a PDF of the same name.

**When.** On 5 December at 07:00 (Asia/Ho_Chi_Minh), after the annual run of 28 November; a
scheduled run does nothing except in {year}. On demand (a manual run, any year): with no
parameters the review of {span}; `{{"from_year": 2021, "to_year": 2024}}` reviews another range
(within 2021-2030{limit}); `{{"date": "{year}-12-15"}}` dates the document. From the command line:
`nscl review --from 2021 --to {year}` runs this DAG on the embedded Airflow.

**When it fails.** `check_template` failing means a staff edit broke the template: the log
names the tag and its place (paragraph, table cell); fix it in Word (or run
`nscl check-templates`) and clear the task. A missing year's data is not a failure: the review
says which years are missing; run the annual DAG for them first, then clear `write_review`.
Every task is safe to re-run: a re-run writes a new version and keeps the earlier ones.
"""

REVIEWS = {
    # dag_id: (kind, title, template, stem, scheduled year, span)
    "nscl_review_mid_term": (
        "mid-term",
        "Báo cáo sơ kết 2021-2025",
        "so-ket-2021-2025.docx",
        "so-ket-2021-2025",
        2025,
        "2021-2025",
    ),
    "nscl_review_final": (
        "final",
        "Báo cáo tổng kết 2021-2030",
        "tong-ket-2021-2030.docx",
        "tong-ket-2021-2030",
        2030,
        "2021-2030",
    ),
}


def review_dag(dag_id: str, kind: str, title: str, template: str, stem: str, year: int, span: str):
    year_param: dict = {
        "type": ["null", "integer"],
        "minimum": 2021,
        "maximum": 2025 if kind == "mid-term" else 2030,
    }

    @dag(
        dag_id=dag_id,
        schedule="0 7 5 12 *",
        start_date=pendulum.datetime(2025, 1, 1, tz=TZ),
        catchup=False,
        max_active_runs=1,
        default_args=default_args(),
        params={
            "from_year": Param(None, description=f"Từ năm (mặc định {span[:4]})", **year_param),
            "to_year": Param(None, description=f"Đến năm (mặc định {span[5:]})", **year_param),
            "date": Param(None, type=["null", "string"], description="Ngày ký báo cáo YYYY-MM-DD (tùy chọn)"),
        },
        tags=["nscl", "review"],
        doc_md=DOC_MD.format(
            title=title,
            template=template,
            stem=stem,
            prefix=stem.rsplit("-", 2)[0],
            year=year,
            span=span,
            limit=", to at most 2025" if kind == "mid-term" else "",
        ),
    )
    def review():
        @task
        def resolve_range() -> dict | None:
            ctx = get_current_context()
            params = ctx["params"]
            manual = "manual" in str(ctx["dag_run"].run_type).lower()
            run_year = pendulum.instance(ctx["dag_run"].run_after).in_timezone(TZ).year
            if not manual and run_year != year:
                return None
            from nscl.reporting.reviews import review_kind

            rk = review_kind(kind, params.get("from_year"), params.get("to_year"))
            return {"kind": rk.kind, "first": rk.first, "last": rk.last}

        @task
        def check_template(spec: dict | None) -> dict | None:
            if spec is None:
                return None
            from nscl.reporting.template_check import check_template as check
            from nscl.reporting.templates import template_path

            check(template_path(spec["kind"]), spec["kind"])
            return spec

        @task
        def write_review(spec: dict | None) -> str | None:
            if spec is None:
                print(f"Lượt chạy theo lịch chỉ làm báo cáo trong năm {year}; năm này không làm gì.")
                return None
            from nscl.orchestration import pipeline

            return pipeline.write_review(
                spec["kind"],
                issued=get_current_context()["params"].get("date"),
                first=spec["first"],
                last=spec["last"],
            )

        write_review(check_template(resolve_range()))

    return review()


for _dag_id, _spec in REVIEWS.items():
    review_dag(_dag_id, *_spec)
