"""Reminders to agencies that have not reported, or whose file was rejected and not yet
replaced by an accepted one. Stages open on dates relative to the deadline (30 November):
10 and 3 days before it, then every 7 days after it (chasing goes on after the deadline). A
reminder goes out once per agency per stage: a marker file per (stage, agency) under
``<data>/reminders/<year>/`` is written only after the message was sent, so a re-run or a
retried task never sends twice and a failed send is retried.

Who has reported is computed from the receipts (submission events whose timestamps we own),
never from someone ticking "complete". Addresses come from the agency registry (the ``email``
field in ``nscl/data/agencies.yaml``); a deployment's ``<data>/contacts.yaml`` kept by staff
(``SCT: vanthu@sct.hungyen.gov.vn``, or a list) overrides it per agency. An agency without an
address is listed for staff to phone. A rejected agency's reminder carries the feedback
workbook of its latest file (``quarantine/<year>/<sha>/phan-hoi_*.xlsx``). Messages go out
through the Airflow SMTP connection ``smtp_default`` (``smtp_sender``); unit tests may pass
their own ``send`` function.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, cast

from nscl.consolidate.status import by_agency as group_by_agency
from nscl.consolidate.status import current_receipts, reporting_status, select_submissions
from nscl.labels import deadline_words
from nscl.plan.catalogue import Catalogue
from nscl.settings import LOCAL_TZ, REMINDER_AFTER_DEADLINE_DAYS, REMINDER_DAYS_BEFORE, SMTP_CONN_ID
from nscl.store.contacts import read as read_contacts
from nscl.store.fsutil import atomic_write_json
from nscl.store.zones import Zones

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Stage:
    code: str  # e.g. "truoc-han-10-ngay", "qua-han-tuan-1"
    opens: dt.date
    label: str  # Vietnamese, for the subject line


@dataclass
class Reminder:
    year: int
    stage: str
    agency_code: str
    agency_name: str
    reason: str  # "missing" or "rejected"
    to: list[str]
    subject: str
    body: str
    attachments: list[str] = field(default_factory=list)  # absolute paths
    headers: dict[str, str] = field(default_factory=dict)  # extra headers (a reply's In-Reply-To...)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def stages(year: int, catalogue: Catalogue, until: dt.date) -> list[Stage]:
    """Every stage of the year that has opened by ``until``."""
    deadline = catalogue.deadline(year)
    out = [
        Stage(f"truoc-han-{d}-ngay", deadline - dt.timedelta(days=d), f"còn {d} ngày đến hạn")
        for d in sorted(REMINDER_DAYS_BEFORE, reverse=True)
    ]
    week = 1
    while True:
        opens = deadline + dt.timedelta(days=1 + (week - 1) * REMINDER_AFTER_DEADLINE_DAYS)
        if opens > until:
            break
        out.append(Stage(f"qua-han-tuan-{week}", opens, f"đã quá hạn {(opens - deadline).days} ngày"))
        week += 1
    return [s for s in out if s.opens <= until]


def current_stage(year: int, catalogue: Catalogue, today: dt.date) -> Stage | None:
    opened = stages(year, catalogue, today)
    return opened[-1] if opened else None


def load_contacts(zones: Zones) -> dict[str, list[str]]:
    """``<data>/contacts.yaml``, as staff keep it on the page (``nscl.store.contacts``)."""
    return read_contacts(zones)


def addresses(code: str, catalogue: Catalogue, contacts: dict[str, list[str]]) -> list[str]:
    """Where an agency's reminder goes: the deployment's contacts.yaml entry if it has one,
    otherwise the registry's address; empty when neither (staff phone the agency)."""
    if contacts.get(code):
        return contacts[code]
    agency = catalogue.agencies.get(code)
    return [agency.email] if agency and agency.email else []


def feedback_attachment(zones: Zones, receipt: dict[str, Any] | None) -> Path | None:
    """The feedback workbook of a rejected file (quarantine/<year>/<sha>/phan-hoi_*.xlsx), or,
    when none could be made, its notice ``bien-nhan.txt``; None if neither is on disk."""
    if not receipt or receipt.get("status") != "rejected":
        return None
    if receipt.get("feedback_file"):
        path = zones.root / receipt["feedback_file"]
        if path.is_file():
            return path
    folder = zones.quarantine(int(receipt["year"])) / receipt["sha256"]
    found = sorted(folder.glob("phan-hoi_*.xlsx"))
    if found:
        return found[0]
    notice = folder / "bien-nhan.txt"
    return notice if notice.is_file() else None


def who_to_remind(year: int, zones: Zones, catalogue: Catalogue) -> list[dict[str, Any]]:
    """Expected agencies whose state is missing or rejected, from the receipts on file."""

    receipts = current_receipts(zones, year)
    by_agency = group_by_agency(receipts)
    status = reporting_status(catalogue.expected_reporters(year), by_agency, select_submissions(receipts))
    out = []
    for s in status:
        if s["state"] in ("missing", "rejected"):
            last = max(by_agency.get(s["agency_code"], []), key=lambda r: r["received_at"], default=None)
            out.append({**s, "last_file": last})
    return out


def _message(
    year: int,
    stage: Stage,
    entry: dict[str, Any],
    deadline: dt.date,
    attached: bool = False,
    today: dt.date | None = None,
) -> tuple[str, str]:
    """The message of ``stage``, sent on ``today`` (default: the day the stage opened): the
    subject says where that day stands against the deadline, in the staff page's words."""
    when_words = deadline_words(deadline, today or stage.opens)
    name = entry["agency_name"]
    due = f"{deadline:%d/%m/%Y}"
    late = stage.code.startswith("qua-han")
    if entry["state"] == "rejected" and entry.get("last_file"):
        f = entry["last_file"]
        when = dt.datetime.fromisoformat(f["received_at"])
        subject = f"[NSCL {year}] Đề nghị gửi lại báo cáo đã sửa ({when_words})"
        what = (
            f"Tệp '{f['original_name']}' đơn vị gửi lúc {when:%H:%M} ngày {when:%d/%m/%Y} chưa đạt yêu cầu: "
            f"{f.get('message') or 'có lỗi cần sửa'} Đề nghị đơn vị sửa theo tệp phản hồi "
            + ("gửi kèm thư này" if attached else "Sở đã gửi")
            + " (các ô lỗi được tô đỏ, trang 'Tổng hợp lỗi' liệt kê từng lỗi) và gửi lại."
        )
    else:
        subject = f"[NSCL {year}] Nhắc gửi báo cáo Kế hoạch 101/KH-UBND ({when_words})"
        what = (
            f"Đến nay Sở Khoa học và Công nghệ chưa nhận được báo cáo kết quả thực hiện Kế hoạch 101/KH-UBND "
            f"năm {year} của đơn vị."
        )
    timing = (
        f"Hạn gửi báo cáo là ngày {due} đã qua; báo cáo gửi muộn vẫn được tiếp nhận và tổng hợp (ghi nhận nộp muộn)."
        if late
        else f"Hạn gửi báo cáo: trước ngày {due}."
    )
    body = "\n".join(
        [
            f"Kính gửi: {name}",
            "",
            what,
            timing,
            "Đơn vị sử dụng biểu mẫu Excel (.xlsx) Sở đã gửi, không đổi tên hoặc xóa trang tính.",
            "",
            "Trân trọng,",
            DEPARTMENT,
        ]
    )
    return subject, body


def _marker(zones: Zones, year: int, stage: str, code: str):
    return zones.reminders(year) / stage / f"{code}.json"


def plan_reminders(
    year: int, zones: Zones, catalogue: Catalogue, today: dt.date
) -> tuple[Stage | None, list[Reminder]]:
    """The reminders due today: the current stage's, for agencies not yet reminded in it."""
    stage = current_stage(year, catalogue, today)
    if stage is None:
        return None, []
    contacts = load_contacts(zones)
    deadline = catalogue.deadline(year)
    out = []
    for entry in who_to_remind(year, zones, catalogue):
        code = entry["agency_code"]
        if _marker(zones, year, stage.code, code).exists():
            continue
        attachment = (
            feedback_attachment(zones, entry.get("last_file")) if entry["state"] == "rejected" else None
        )
        subject, body = _message(year, stage, entry, deadline, attached=attachment is not None, today=today)
        out.append(
            Reminder(
                year,
                stage.code,
                code,
                entry["agency_name"],
                entry["state"],
                addresses(code, catalogue, contacts),
                subject,
                body,
                [str(attachment)] if attachment else [],
            )
        )
    return stage, out


DEPARTMENT = "Sở Khoa học và Công nghệ tỉnh Hưng Yên"  # the name every message goes out under
_TYPES = {
    ".xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".xls": ("application", "vnd.ms-excel"),
    ".ods": ("application", "vnd.oasis.opendocument.spreadsheet"),
    ".txt": ("text", "plain"),
    ".pdf": ("application", "pdf"),
    ".zip": ("application", "zip"),
}


def html_body(text: str) -> str:
    """The plain-text body as an HTML page that says the same: one paragraph per block, its
    line breaks kept, in the administration's typeface."""
    import html

    inner = "\n".join(
        '<p style="margin:0 0 1em 0">' + "<br>\n".join(html.escape(line) for line in p.split("\n")) + "</p>"
        for p in text.split("\n\n")
    )
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>\n'
        "<body style=\"font-family:'Times New Roman',Times,serif;font-size:14px;line-height:1.45;"
        'overflow-wrap:anywhere">\n'
        f"{inner}\n</body></html>\n"
    )


def from_header(address: str, name: str = DEPARTMENT) -> Any:
    """The From of every message: the Department's name with the connection's address (a name
    the connection's ``from_email`` already carries is kept)."""
    import email.headerregistry
    import email.utils

    display, addr = email.utils.parseaddr(address)
    return email.headerregistry.Address(display_name=display or name, addr_spec=addr or address)


def compose(reminder: Reminder, from_address: str) -> Any:
    """The message as it goes out: ``multipart/alternative`` (text/plain and the same text as
    HTML), inside ``multipart/mixed`` when files are attached; From is the Department's name and
    address; names and subject encoded as mail clients read them (RFC 2047, RFC 2231)."""
    import email.message
    import email.policy
    import email.utils

    msg = email.message.EmailMessage(policy=email.policy.SMTP)
    sender = from_header(from_address)
    msg["From"] = sender
    msg["To"] = ", ".join(reminder.to)
    msg["Subject"] = reminder.subject
    msg["Date"] = email.utils.format_datetime(dt.datetime.now(LOCAL_TZ))  # Vietnam time, as people read it
    headers = dict(reminder.headers)
    msg["Message-ID"] = headers.pop("Message-ID", None) or email.utils.make_msgid(
        "nscl", domain=sender.domain or "nscl.invalid"
    )
    for key, value in headers.items():
        msg[key] = value
    msg.set_content(reminder.body, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(html_body(reminder.body), subtype="html", charset="utf-8", cte="quoted-printable")
    for path in map(Path, reminder.attachments):
        maintype, subtype = _TYPES.get(path.suffix.lower(), ("application", "octet-stream"))
        data = path.read_bytes()
        if maintype == "text":
            msg.add_attachment(data.decode("utf-8"), subtype=subtype, charset="utf-8", filename=path.name)
        else:
            msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=path.name)
    return msg


def smtp_sender(conn_id: str = SMTP_CONN_ID) -> Callable[[Reminder], None]:
    """Send through the Airflow SMTP connection ``conn_id`` (its server, TLS and login) a
    message made by :func:`compose`; the address is the connection's ``from_email`` extra."""

    def send(reminder: Reminder) -> None:
        import email.utils
        import smtplib

        from airflow.providers.smtp.hooks.smtp import SmtpHook

        with SmtpHook(smtp_conn_id=conn_id) as hook:
            login = hook.smtp_user or ""
            from_address = hook.from_email or (login if "@" in login else "")
            if not from_address:
                raise ValueError(f"SMTP connection {conn_id!r} has no from_email")
            message = compose(reminder, from_address)
            # The hook's connected client: its own send_email_smtp builds HTML-only mail.
            client = cast("smtplib.SMTP | None", hook._smtp_client)
            if client is None:
                raise RuntimeError(f"SMTP connection {conn_id!r} is not connected")
            envelope = email.utils.parseaddr(from_address)[1] or from_address
            for attempt in range(int(getattr(hook, "smtp_retry_limit", 0) or 0) + 1):
                try:
                    client.send_message(message, from_addr=envelope, to_addrs=list(reminder.to))
                    break
                except Exception:
                    if attempt >= int(getattr(hook, "smtp_retry_limit", 0) or 0):
                        raise

    return send


def send_reminders(
    year: int,
    zones: Zones,
    catalogue: Catalogue,
    today: dt.date,
    send: Callable[[Reminder], None] | None = None,
    dry_run: bool = False,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Send today's due reminders (once per agency per stage); returns a small summary.

    Without an address, the reminder is recorded as "no_address" (staff phone the agency) and
    counted as done for the stage. A failed send is logged and left for the next run.
    """
    stage, due = plan_reminders(year, zones, catalogue, today)
    summary: dict[str, Any] = {
        "year": year,
        "stage": stage.code if stage else None,
        "sent": [],
        "no_address": [],
    }
    summary["failed"] = []
    summary["planned"] = [r.agency_code for r in due]
    if dry_run or stage is None:
        return summary
    send = send or smtp_sender()
    now = now or dt.datetime.now(dt.UTC)
    for reminder in due:
        outcome = "no_address"
        if reminder.to:
            try:
                send(reminder)
                outcome = "sent"
            except Exception:
                log.exception("Reminder to %s not sent", reminder.agency_code)
                summary["failed"].append(reminder.agency_code)
                continue
        summary[outcome].append(reminder.agency_code)
        atomic_write_json(
            _marker(zones, year, reminder.stage, reminder.agency_code),
            {**reminder.to_dict(), "outcome": outcome, "at": now.isoformat()},
        )
    return summary


def reminder_log(zones: Zones, year: int) -> list[dict[str, Any]]:
    folder = zones.reminders(year)
    if not folder.exists():
        return []
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*/*.json"))]
