"""E-mail to one agency at a staff member's click, through the reminder machinery
(``nscl.outreach.reminders``): the same message, addresses (``contacts.yaml``, else the
registry), attachment (the feedback workbook of a rejected file) and SMTP connection as the
daily reminder DAG. One message per agency per reminder stage: the stage's marker is written
after the send, so the DAG will not send it again; a second click in the same stage is refused
unless staff insist ("gửi lại"), and that send is logged under ``reminders/<year>/gui-lai/``."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from nscl.labels import deadline_words
from nscl.outreach import reminders
from nscl.plan.catalogue import Catalogue
from nscl.staff_page.common import TZ, fmt_time, now
from nscl.store.fsutil import atomic_write_json
from nscl.store.zones import Zones

MANUAL_STAGE = "nhac-thu-cong"
RESEND_FOLDER = "gui-lai"


class AlreadySent(Exception):
    """This stage's message already went to the agency."""

    def __init__(self, record: dict[str, Any]) -> None:
        super().__init__("already sent")
        self.record = record


class NothingToSend(Exception):
    pass


def contacts(zones: Zones, catalogue: Catalogue, codes: list[str]) -> dict[str, list[str]]:
    known = reminders.load_contacts(zones)
    return {code: reminders.addresses(code, catalogue, known) for code in codes}


def sent_log(zones: Zones, year: int) -> dict[str, list[dict[str, Any]]]:
    """Per agency, what was sent when (newest first), from the reminder markers."""
    out: dict[str, list[dict[str, Any]]] = {}
    for entry in reminders.reminder_log(zones, year):
        code = str(entry.get("agency_code") or "")
        out.setdefault(code, []).append(
            {
                "stage": entry.get("stage"),
                "subject": entry.get("subject") or "",
                "to": ", ".join(entry.get("to") or []) or "—",
                "outcome": entry.get("outcome"),
                "by": entry.get("sent_by") or "hệ thống (nhắc tự động)",
                "at": fmt_time(entry.get("at")),
                "at_sort": str(entry.get("at") or ""),
                "attached": bool(entry.get("attachments")),
            }
        )
    for items in out.values():
        items.sort(key=lambda e: e["at_sort"], reverse=True)
    return out


def _stage(year: int, catalogue: Catalogue, today: dt.date) -> reminders.Stage:
    stage = reminders.current_stage(year, catalogue, today)
    if stage is not None:
        return stage
    deadline = catalogue.deadline(year)
    return reminders.Stage(MANUAL_STAGE, today, deadline_words(deadline, today))


def plan_one(zones: Zones, catalogue: Catalogue, year: int, code: str, today: dt.date) -> reminders.Reminder:
    """The message this agency would get now (missing: a reminder; rejected: the request to
    send a corrected file, with its feedback attached)."""
    stage = _stage(year, catalogue, today)
    entry = next(
        (e for e in reminders.who_to_remind(year, zones, catalogue) if e["agency_code"] == code), None
    )
    if entry is None:
        raise NothingToSend(code)
    attachment = (
        reminders.feedback_attachment(zones, entry.get("last_file")) if entry["state"] == "rejected" else None
    )
    subject, body = reminders._message(
        year, stage, entry, catalogue.deadline(year), attached=attachment is not None, today=today
    )
    to = reminders.addresses(code, catalogue, reminders.load_contacts(zones))
    return reminders.Reminder(
        year,
        stage.code,
        code,
        entry["agency_name"],
        entry["state"],
        to,
        subject,
        body,
        [str(attachment)] if attachment else [],
    )


def send_now(
    zones: Zones,
    catalogue: Catalogue,
    year: int,
    code: str,
    by: str,
    insist: bool = False,
    send: Any = None,
) -> dict[str, Any]:
    """Send the agency's message now; returns the log record written."""
    today = now().date()
    reminder = plan_one(zones, catalogue, year, code, today)
    marker = reminders._marker(zones, year, reminder.stage, code)
    previous = reminders.reminder_log(zones, year)
    if marker.exists() and not insist:
        record = next(
            (e for e in previous if e.get("agency_code") == code and e.get("stage") == reminder.stage), {}
        )
        raise AlreadySent(record)
    if not reminder.to:
        raise NothingToSend(f"{code}: no address")
    (send or reminders.smtp_sender())(reminder)
    at = dt.datetime.now(TZ)
    record = {**reminder.to_dict(), "outcome": "sent", "at": at.isoformat(), "sent_by": by}
    if marker.exists():
        stamp = re.sub(r"[^0-9]", "", at.isoformat(timespec="seconds"))[:14]
        target = zones.reminders(year) / RESEND_FOLDER / f"{code}-{stamp}.json"
        record["stage"] = f"{reminder.stage} (gửi lại)"
    else:
        target = marker
    atomic_write_json(target, record)
    return record
