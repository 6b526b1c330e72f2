"""Mail intake: every 15 minutes, take the new messages from the Department's mailbox (the
Airflow connection ``imap_default``), put their workbooks into the inbox, process them with the
ordinary intake and answer each sender by return. Thin wiring only: the work is in
``nscl.orchestration.mail_intake`` (and ``nscl.intake.mailbox``, ``nscl.outreach.mail_replies``)."""

from __future__ import annotations

import pendulum
from airflow.sdk import Asset, dag, task
from nscl.orchestration.dag_common import TZ, default_args, run_year, year_param

SUBMISSIONS = Asset("nscl_submissions")

DOC_MD = """
### Tiếp nhận báo cáo qua thư điện tử (NSCL mail intake)

**What it does.** Reads the mail folder of the connection `imap_default` (IMAP over TLS; extra
`mail_folder`, default `INBOX`). Each new message is archived byte for byte, its workbooks
(`.xlsx`, `.xlsm`, `.xls`..., and those inside a `.zip`) go into the inbox of the year the
workbook itself says, each with a `.<name>.mail.json` sidecar (sender, subject, Message-ID,
date); then the message is moved to `NSCL/Da-xu-ly` (extra `processed_folder`). The files are
processed by the ordinary intake (receipts, feedback workbooks), the year's tables refreshed,
and every sender answered once per file and outcome through the SMTP connection the reminders
use (In-Reply-To the message). Robots (auto-replies, lists, bounces) are never answered;
`NSCL_MAIL_REPLIES=0` switches replies off.

**When.** Every 15 minutes, all year (Asia/Ho_Chi_Minh); one run at a time. The `year`
parameter is only the year given to a file that does not say which year it reports.

**When it fails.** Safe to clear and re-run any task: each message has a state file
`mail/messages/<sha256>.json` written atomically, and every stage works from those files (a
message is moved only after its files are in the inbox; a reply is recorded as soon as it is
sent). The last task fails when a message could not be collected or a reply could not be
sent; the log names the message. `docs/operations.md` says how to re-process a message.
"""


@dag(
    dag_id="nscl_mail_intake",
    schedule="*/15 * * * *",
    start_date=pendulum.datetime(2026, 10, 1, tz=TZ),
    catchup=False,
    max_active_runs=1,
    default_args=default_args(),
    params={"year": year_param()},
    tags=["nscl", "intake", "mail"],
    doc_md=DOC_MD,
)
def nscl_mail_intake():
    @task
    def resolve_year() -> int:
        return run_year()

    @task
    def collect_mail(year: int) -> dict:
        from airflow.sdk.exceptions import AirflowSkipException
        from nscl.intake.imap_client import MailboxNotConfigured
        from nscl.orchestration import mail_intake

        try:
            return mail_intake.collect(year)
        except MailboxNotConfigured as exc:  # this deployment takes no mail in: nothing to do
            raise AirflowSkipException(str(exc)) from exc

    @task
    def pending(collected: dict) -> list[dict]:
        """The stored files, split into chunks of one year each (``pipeline.plan_year_chunks``)."""
        from nscl.orchestration import pipeline

        return pipeline.plan_year_chunks(collected["pending"])

    # One task per chunk of files, as in the annual and hourly intakes: each file its own receipt.
    @task(multiple_outputs=False, map_index_template="{{ task.op_kwargs['chunk']['label'] }}")
    def process_chunk(chunk: dict) -> dict:
        from nscl.orchestration import pipeline

        return pipeline.process_chunk(chunk["paths"], chunk["year"])

    @task(trigger_rule="none_failed", outlets=[SUBMISSIONS])
    def consolidate(chunks: list[dict], receipts: list[dict]) -> list[int]:
        from nscl.orchestration import pipeline

        years = sorted({int(c["year"]) for c in chunks})
        for year in years:
            pipeline.consolidate(year)
        return years

    @task(trigger_rule="none_failed")
    def answer(collected: dict, years: list[int]) -> dict:
        from nscl.orchestration import mail_intake

        summary = mail_intake.answer()
        if collected["failed"] or summary["failed"]:
            raise RuntimeError(
                f"Mail intake incomplete: messages not collected (UID) {collected['failed']}, "
                f"replies not sent for {summary['failed']}; both are retried on the next run"
            )
        return summary

    collected = collect_mail(resolve_year())
    chunks = pending(collected)
    receipts = process_chunk.expand(chunk=chunks)
    answer(collected, consolidate(chunks, receipts))


nscl_mail_intake()
