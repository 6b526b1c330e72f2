"""Alerts to operators through the SMTP connection (``smtp_default``; set it with the
``AIRFLOW_CONN_SMTP_DEFAULT`` environment variable or in the UI).

- ``failure_notifier()``: a task's ``on_failure_callback`` (after its last retry);
- ``annual_deadline()``: an Airflow 3 deadline alert: the annual run has not succeeded by
  29 November 18:00 (Asia/Ho_Chi_Minh), i.e. 36 hours after its scheduled start on
  28 November 06:00; the alert runs in the triggerer.

Imported by the DAG files at parse time: only light imports here.
"""

from __future__ import annotations

import os
from datetime import timedelta

from nscl.settings import SMTP_CONN_ID  # one setting for every mail the product sends

# Where alerts go: a comma-separated list (deployment setting, see docs/operations.md).
DEFAULT_RECIPIENTS = "vanhanh@skhcn.hungyen.gov.vn"
# The annual run starts on 28 November 06:00; it must have succeeded 36 hours later.
ANNUAL_DEADLINE_AFTER_START = timedelta(hours=36)


def recipients() -> list[str]:
    raw = os.environ.get("NSCL_ALERT_EMAILS", DEFAULT_RECIPIENTS)
    return [a.strip() for a in raw.split(",") if a.strip()]


def retry_delay() -> timedelta:
    """First retry delay (then doubled each try, up to ``max_retry_delay``); NSCL_RETRY_DELAY_SECONDS
    overrides it (the production-shaped test uses a few seconds)."""
    return timedelta(seconds=float(os.environ.get("NSCL_RETRY_DELAY_SECONDS", "60")))


FAILURE_SUBJECT = "[NSCL] Tác vụ {{ ti.task_id }} của {{ ti.dag_id }} bị lỗi (lượt {{ ti.run_id }})"
FAILURE_BODY = (
    "<p>Tác vụ <b>{{ ti.task_id }}</b>{% if ti.map_index is not none and ti.map_index >= 0 %}"
    " [{{ ti.map_index }}]{% endif %} của DAG <b>{{ ti.dag_id }}</b> đã lỗi sau "
    "{{ ti.try_number }} lần thử.</p>"
    "<p>Lượt chạy: {{ ti.run_id }}</p>"
    "<p>Lỗi: {{ exception }}</p>"
    "<p>Xử lý: xem nhật ký của tác vụ trên giao diện Airflow, khắc phục nguyên nhân rồi "
    "chọn <i>Clear</i> để chạy lại tác vụ (an toàn, không tạo dữ liệu trùng). "
    "Hướng dẫn: docs/operations.md.</p>"
)
DEADLINE_SUBJECT = "[NSCL] Báo cáo năm chưa hoàn thành trước hạn 30/11"
DEADLINE_BODY = (
    "<p>Lượt chạy tổng hợp báo cáo năm (nscl_annual_report) chưa thành công sau 36 giờ "
    "kể từ khi bắt đầu (hạn nội bộ: 18:00 ngày 29/11). Hạn gửi báo cáo là 30/11.</p>"
    "<p>Xử lý: mở giao diện Airflow, xem tác vụ lỗi hoặc đang chờ, khắc phục rồi chạy lại "
    '(Clear); hoặc kích hoạt thủ công với {"year": năm}. Hướng dẫn: docs/operations.md.</p>'
)


def failure_notifier():
    """``on_failure_callback`` for tasks: an e-mail through the SMTP connection."""
    from airflow.providers.smtp.notifications.smtp import SmtpNotifier

    return SmtpNotifier(
        to=recipients(),
        smtp_conn_id=SMTP_CONN_ID,
        subject=FAILURE_SUBJECT,
        html_content=FAILURE_BODY,
    )


def annual_deadline():
    """Deadline alert: the run has not succeeded 36 h after its logical date (28 Nov 06:00 for
    the scheduled run; the trigger time for a manual one). Runs the SMTP notifier in the
    triggerer (``AsyncCallback``)."""
    from airflow.providers.smtp.notifications.smtp import SmtpNotifier
    from airflow.sdk.definitions.deadline import AsyncCallback, DeadlineAlert, DeadlineReference

    return DeadlineAlert(
        reference=DeadlineReference.DAGRUN_LOGICAL_DATE,
        interval=ANNUAL_DEADLINE_AFTER_START,
        callback=AsyncCallback(
            SmtpNotifier,
            kwargs={
                "to": recipients(),
                "smtp_conn_id": SMTP_CONN_ID,
                "subject": DEADLINE_SUBJECT,
                "html_content": DEADLINE_BODY,
            },
        ),
        name="nscl_annual_not_done_by_29_nov_18h",
    )
