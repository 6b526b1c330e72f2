"""The annual DAG's alerts and retries: a deadline alert (Airflow 3) e-mailing through the SMTP
connection when the run has not succeeded by 29 November 18:00, an e-mail after a task's last
retry, and retries with exponential back-off on every task."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import jinja2
import pendulum
import pytest
from nscl.outreach import alerts

DAGS = Path(__file__).resolve().parents[2] / "dags"


@pytest.fixture(scope="module")
def annual():
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS / "nscl_annual.py"), safe_mode=False)
    assert not bag.import_errors
    return bag.dags["nscl_annual_report"]


def test_deadline_alert_before_30_november(annual):
    (deadline,) = annual.deadline if isinstance(annual.deadline, list) else [annual.deadline]
    assert deadline.interval == timedelta(hours=36)
    assert type(deadline.reference).__name__ == "DagRunLogicalDateDeadline"
    assert deadline.callback.path == "airflow.providers.smtp.notifications.smtp.SmtpNotifier"
    assert deadline.callback.kwargs["smtp_conn_id"] == "smtp_default"
    # The scheduled run starts on 28 November 06:00 (Asia/Ho_Chi_Minh): the alert is due on
    # 29 November 18:00, before the 30 November deadline.
    # (With a cron trigger timetable the scheduled run's logical date is its trigger time.)
    assert type(annual.timetable).__name__ == "CronTriggerTimetable"
    assert "expression='0 6 28 11 *'" in repr(annual.timetable)
    start = pendulum.datetime(2026, 11, 28, 6, tz="Asia/Ho_Chi_Minh")
    due = (start + deadline.interval).in_timezone("Asia/Ho_Chi_Minh")
    assert (due.month, due.day, due.hour) == (11, 29, 18)


def test_every_task_retries_with_back_off_and_mails_on_failure(annual):
    for task in annual.tasks:
        assert task.retries >= 3, task.task_id
        assert task.retry_exponential_backoff, task.task_id
        assert task.max_retry_delay <= timedelta(minutes=15)
        callbacks = (
            task.on_failure_callback
            if isinstance(task.on_failure_callback, list)
            else [task.on_failure_callback]
        )
        assert any(type(c).__name__ == "SmtpNotifier" for c in callbacks), task.task_id


def test_failure_mail_is_vietnamese_and_says_what_to_do():
    class TI:
        task_id, dag_id, run_id, map_index, try_number = "write_report", "nscl_annual_report", "r1", 2, 4

    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    subject = env.from_string(alerts.FAILURE_SUBJECT).render(ti=TI, exception="OSError: disk full")
    body = env.from_string(alerts.FAILURE_BODY).render(ti=TI, exception="OSError: disk full")
    assert "write_report" in subject and "bị lỗi" in subject
    assert "[2]" in body and "disk full" in body and "Clear" in body and "docs/operations.md" in body


def test_recipients_from_the_environment(monkeypatch):
    monkeypatch.setenv("NSCL_ALERT_EMAILS", "a@x.vn, b@x.vn")
    assert alerts.recipients() == ["a@x.vn", "b@x.vn"]
