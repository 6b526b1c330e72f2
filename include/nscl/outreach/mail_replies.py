"""Mail intake, second half: answers by return. When every file of a message has its receipt,
the sender gets one reply per file and outcome (In-Reply-To and References the message, so it
threads under it): the acceptance receipt, or the rejection notice with the feedback workbook
attached; a message with no usable file, too many files or too large gets one reply saying what
to send. Replies go through the reminders' sender (``reminders.smtp_sender``, the Airflow SMTP
connection) and carry ``Auto-Submitted: auto-replied`` (RFC 3834).

Exactly once: a reply is recorded in the message's state (``mail/messages/<sha>.json``,
``replies`` keyed by file and outcome) right after the server accepted it, so a re-run or a
retried task sends nothing again (a kill in the instant between the SMTP server's "250" and the
write would repeat that one reply: at least once, never lost). A failed send is retried on the
next run, at most ``MAX_ATTEMPTS`` times.

Never answered: robots (Auto-Submitted, Precedence bulk/list/junk, List-Id, an empty
Return-Path, mailer-daemon/postmaster, no-reply addresses, our own address) and messages without
a usable sender; a "nothing to take" reply goes to one address at most once a day, so two robots
can never loop. ``NSCL_MAIL_REPLIES=0`` switches replies off (the messages are still taken in).

What staff see of it (origin, flags, replies sent) is ``nscl.outreach.mail_status``.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nscl.intake.feedback import reply_text
from nscl.intake.mail_parse import clean_text
from nscl.intake.mail_state import all_states, crash_point, save_state
from nscl.outreach.reminders import DEPARTMENT, Reminder, feedback_attachment, smtp_sender
from nscl.settings import LOCAL_TZ, SMTP_CONN_ID
from nscl.store.fsutil import atomic_write_json
from nscl.store.receipts import read_receipt
from nscl.store.zones import Zones

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
THROTTLE = dt.timedelta(hours=24)
SIGNATURE = DEPARTMENT


def replies_enabled() -> bool:
    return os.environ.get("NSCL_MAIL_REPLIES", "1").strip().lower() not in ("0", "false", "no", "off")


def own_addresses(conn_id: str = SMTP_CONN_ID) -> set[str]:
    """Our own sending address (never answered: a reply coming back is no submission)."""
    try:
        from airflow.sdk import BaseHook

        conn = BaseHook.get_connection(conn_id)
        found = {str(conn.extra_dejson.get("from_email") or ""), str(conn.login or "")}
    except Exception:
        return set()
    return {a for _, a in email.utils.getaddresses(list(found)) if "@" in a}


# ---- composing -------------------------------------------------------------------------------


def _when(iso: str | None) -> str:
    if not iso:
        return "—"
    t = dt.datetime.fromisoformat(iso).astimezone(LOCAL_TZ)
    return f"{t:%H:%M} ngày {t:%d/%m/%Y}"


def _about(state: dict[str, Any]) -> str:
    """Which message this answers (the reply threads under it, but a printed copy says it too)."""
    o = state["origin"]
    subject = f' "{o["subject"]}"' if o.get("subject") else ""
    return f"Trả lời thư{subject} của {o['sender']} nhận lúc {_when(state['received_at'])}."


def _salutation(state: dict[str, Any], receipt: dict[str, Any] | None = None) -> list[str]:
    name = (receipt or {}).get("agency_name") or state["origin"].get("sender_name") or "Quý đơn vị"
    return [SIGNATURE.upper(), "", f"Kính gửi: {name}", ""]


def _footer(resend: str | None) -> list[str]:
    return [
        "",
        *([resend] if resend else []),
        "Thư này do hệ thống tiếp nhận báo cáo Kế hoạch 101/KH-UBND gửi tự động.",
        "",
        "Trân trọng,",
        SIGNATURE,
    ]


RESEND = (
    "Để gửi lại, đơn vị trả lời thư này và đính kèm tệp Excel đã sửa (không đổi tên, không xóa trang tính "
    "của biểu mẫu)."
)
SEND = "Để gửi báo cáo, đơn vị trả lời thư này và đính kèm tệp Excel (.xlsx) của biểu mẫu Sở đã gửi."


def _notice(zones: Zones, receipt: dict[str, Any]) -> str:

    path = zones.root / receipt["reply_file"] if receipt.get("reply_file") else None
    if path and path.is_file():
        return path.read_text(encoding="utf-8").strip()
    return reply_text(receipt).strip()  # type: ignore[arg-type]


def _file_reply(zones: Zones, state: dict[str, Any], entry: dict[str, Any], receipt: dict[str, Any]) -> dict:
    name = clean_text(entry.get("name") or entry["inbox_path"], 120)
    where = f" (trong tệp nén '{clean_text(entry['container'], 120)}')" if entry.get("container") else ""
    duplicate = receipt.get("inbox_path") not in (None, entry["inbox_path"])
    year = int(entry["year"])
    about = f"{_about(state)} Tệp đính kèm: '{name}'{where}."
    attachments: list[Path] = []
    resend: str | None = RESEND
    if entry.get("problem"):
        outcome = entry["problem"]["code"]
        subject = f"[NSCL {year}] Tệp chưa được tiếp nhận: {name}"
        body = [
            *_salutation(state),
            about,
            f"Kết quả: CHƯA TIẾP NHẬN. {entry['problem']['message']}",
            f"(Mã tệp SHA-256: {entry['sha256']}; Sở vẫn lưu tệp này.)",
        ]
    else:
        outcome = f"{receipt.get('status')}:{receipt.get('outcome')}" + (":duplicate" if duplicate else "")
        # The intake's own notice (letterhead, "Kính gửi", result) comes first, as on paper.
        body = [_notice(zones, receipt), "", about]
        if duplicate:
            subject = f"[NSCL {year}] Tệp đã nhận trước đó: {name}"
            body.append(
                f"Tệp này giống hệt tệp '{receipt.get('original_name')}' Sở đã nhận lúc "
                f"{_when(receipt.get('received_at'))}; kết quả trên là của tệp đó, đơn vị không cần gửi lại."
            )
        elif receipt.get("status") == "accepted":
            subject = f"[NSCL {year}] Đã tiếp nhận báo cáo: {name}"
        else:
            subject = f"[NSCL {year}] Báo cáo chưa đạt, đề nghị sửa và gửi lại: {name}"
        if receipt.get("status") == "rejected":
            found = feedback_attachment(zones, receipt)
            attachments += [found] if found else []
        else:
            resend = None
            if receipt.get("feedback_file") and (zones.root / receipt["feedback_file"]).is_file():
                attachments.append(zones.root / receipt["feedback_file"])
    key = f"file:{entry['index']}:{entry['sha256'][:16]}:{outcome}"
    return {
        "key": key,
        "kind": "file",
        "outcome": outcome,
        "year": year,
        "index": entry["index"],
        "sha256": entry["sha256"],
        "inbox_path": entry["inbox_path"],
        "agency_code": receipt.get("agency_code"),
        "agency_name": receipt.get("agency_name"),
        "subject": subject,
        "body": "\n".join(body + _footer(resend)),
        "attachments": [str(p) for p in attachments],
    }


def _message_reply(state: dict[str, Any]) -> dict:
    problem = state["problem"]
    subject = (
        "[NSCL] Thư chưa có tệp báo cáo"
        if problem["code"] == "no_attachment"
        else "[NSCL] Thư chưa được tiếp nhận"
    )
    body = [*_salutation(state), _about(state), f"Kết quả: CHƯA TIẾP NHẬN. {problem['message']}"]
    return {
        "key": f"message:{problem['code']}",
        "kind": "message",
        "outcome": problem["code"],
        "year": int(state.get("fallback_year") or 0),
        "subject": subject,
        "body": "\n".join(body + _footer(SEND)),
        "attachments": [],
    }


def due_replies(zones: Zones, state: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The replies a message is owed; None while one of its files still has no receipt."""
    out = []
    for entry in state.get("files", []):
        receipt = read_receipt(zones, int(entry["year"]), entry["sha256"])
        if receipt is None:
            return None
        out.append(_file_reply(zones, state, entry, dict(receipt)))
    if not state.get("files") and state.get("problem"):
        out.append(_message_reply(state))
    return out


# ---- sending ---------------------------------------------------------------------------------


def _headers(state: dict[str, Any], sender_domain: str) -> dict[str, str]:
    origin = state["origin"]
    headers = {
        "Message-ID": email.utils.make_msgid("nscl", domain=sender_domain or "nscl.invalid"),
        "Auto-Submitted": "auto-replied",
        "X-Auto-Response-Suppress": "All",
    }
    if origin.get("message_id"):
        headers["In-Reply-To"] = origin["message_id"]
        headers["References"] = " ".join([*origin.get("references", [])[-10:], origin["message_id"]])
    return headers


def _throttle_path(zones: Zones, sender: str) -> Path:
    return zones.mail / "throttle" / f"{hashlib.sha256(sender.encode()).hexdigest()[:24]}.json"


def _throttled(zones: Zones, sender: str, now: dt.datetime) -> bool:
    """A 'nothing to take' reply to this address already went out in the last 24 hours."""
    import json

    try:
        last = dt.datetime.fromisoformat(
            json.loads(_throttle_path(zones, sender).read_text(encoding="utf-8"))["at"]
        )
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return now - last < THROTTLE


def answer_message(
    zones: Zones, state: dict[str, Any], send: Callable[[Reminder], None], now: dt.datetime, domain: str
) -> str:
    """Send what a stored message is owed; returns 'answered', 'waiting' or 'failed'."""
    due = due_replies(zones, state)
    if due is None:
        return "waiting"
    origin = state["origin"]
    reason = None
    if origin.get("robot"):
        reason = f"robot:{origin['robot']}"
    elif not replies_enabled():
        reason = "replies_off"
    failed = False
    for reply in due if reason is None else []:
        record = state["replies"].get(reply["key"])
        if record and (record.get("sent_at") or record.get("gave_up")):
            continue
        if reply["kind"] == "message" and _throttled(zones, origin["sender"], now):
            state["replies"][reply["key"]] = {**reply, "body": None, "throttled": True, "at": now.isoformat()}
            continue
        headers = _headers(state, domain)
        message = Reminder(
            year=reply["year"],
            stage="mail-reply",
            agency_code=reply.get("agency_code") or "",
            agency_name=reply.get("agency_name") or "",
            reason=reply["outcome"],
            to=[origin["sender"]],
            subject=reply["subject"],
            body=reply["body"],
            attachments=reply["attachments"],
            headers=headers,
        )
        attempts = int((record or {}).get("attempts", 0)) + 1
        try:
            send(message)
        except Exception as exc:
            log.exception("Reply %s to %s not sent (attempt %s)", reply["key"], origin["sender"], attempts)
            state["replies"][reply["key"]] = {
                "attempts": attempts,
                "error": str(exc)[:300],
                "gave_up": attempts >= MAX_ATTEMPTS,
            }
            save_state(zones, state)
            failed = failed or attempts < MAX_ATTEMPTS
            continue
        state["replies"][reply["key"]] = {
            **{k: v for k, v in reply.items() if k != "body"},
            "to": [origin["sender"]],
            "message_id": headers["Message-ID"],
            "in_reply_to": headers.get("In-Reply-To"),
            "attachments": [Path(a).name for a in reply["attachments"]],
            "attempts": attempts,
            "sent_at": now.isoformat(),
        }
        save_state(zones, state)
        if reply["kind"] == "message":
            atomic_write_json(
                _throttle_path(zones, origin["sender"]), {"sender": origin["sender"], "at": now.isoformat()}
            )
        crash_point("replied")
    if failed:  # every file has its receipt: only the replies are left (not processed again)
        state["stage"] = "processed"
        save_state(zones, state)
        return "failed"
    state["stage"] = "answered"
    state["not_answered"] = reason
    state["answered_at"] = now.isoformat()
    save_state(zones, state)
    return "answered"


def answer(
    zones: Zones, send: Callable[[Reminder], None] | None = None, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Answer every stored message whose files all have their receipts."""
    now = now or dt.datetime.now(LOCAL_TZ)
    own = own_addresses()
    domain = next(iter(sorted(own)), "").rpartition("@")[2]
    sender = send or smtp_sender()
    summary: dict[str, list[str]] = {"answered": [], "waiting": [], "failed": []}
    for state in all_states(zones):
        if state.get("stage") not in ("stored", "processed"):
            continue
        try:
            outcome = answer_message(zones, state, sender, now, domain)
        except Exception:
            log.exception("Message %s not answered", state["key"])
            outcome = "failed"
        summary[outcome].append(state["key"])
    return summary
