"""Mail intake, first half: every new message in the Department's mailbox is archived byte for
byte, its workbooks are put into the inbox as if dropped there (each with a sidecar saying where
it came from), and only then is the message marked handled on the server. Processing the files
(``nscl.orchestration.pipeline``) and answering the sender (``nscl.outreach.mail_replies``) come
after, driven by the state files written here, so a crash anywhere leaves work the next run
finishes, and nothing twice.

Zones written (under the data folder):

- ``archive/<sha[:2]>/<sha>``: the raw message (RFC 5322 bytes as the server holds them);
- ``mail/messages/<message sha256>.json``: the message's state (``stage`` ``planned`` → ``stored``
  → ``answered``, or ``processed`` while a reply could not be sent yet), its origin (sender, recipients, subject, Message-ID, Date, the server's
  arrival time), what was taken from it (name, hash, year, inbox path, problem), the replies sent
  (keyed by file and outcome) and how it was marked on the server. Written atomically;
- ``inbox/<year>/<name>``: each workbook (the arrival time on the server as its modification
  time, so the intake's "received at" and lateness are the server's), and beside it
  ``inbox/<year>/.<name>.mail.json``, the sidecar (:func:`mail_origin` reads it).

The year comes from the workbook itself (its hidden ``_meta`` sheet, read only after
``hostile.inspect_file`` has passed it), never from the mail; a file that does not say goes into
the fallback year's inbox (the current reporting year), where the intake gives it its outcome.
A message over ``NSCL_MAX_MAIL_MB`` is not downloaded: its header is archived, it gets its
outcome, and it is moved like the others (it stays on the mail server).

With ``NSCL_INBOX_URL`` (an object-store inbox) the mail's files still go to the data folder's
``inbox/<year>/`` and are processed from there (the hourly intake, which lists the object store,
does not see them twice).

A state file is keyed by the message's SHA-256, so the same message met again (still in the
folder after a crash, or copied back by staff) is recognised. ``NSCL_FAULT_AT=mail:point:n``
kills the process at a named point (tests only, ``nscl.store.faults``: ``mail:archived``,
``mail:planned``, ``mail:stored_file``, ``mail:stored``, ``mail:marked``, ``mail:replied``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import imaplib
import io
import json
import logging
import os
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

from nscl.intake.hostile import safe_name
from nscl.intake.imap_client import Mailbox
from nscl.intake.mail_parse import Candidate, ParsedMail, mail_limits, parse_mail, too_large, unreadable
from nscl.intake.mail_state import (
    crash_point,
    current_year,
    file_path,
    load_state,
    save_state,
)
from nscl.intake.validation import workbook_year
from nscl.settings import LOCAL_TZ, IntakeLimits
from nscl.store.archive import archive_stream
from nscl.store.fsutil import atomic_write_bytes, atomic_write_json
from nscl.store.zones import Zones

log = logging.getLogger(__name__)
SIDECAR_SUFFIX = ".mail.json"
# ---- sidecars --------------------------------------------------------------------------------


def sidecar_name(file_name: str) -> str:
    return f".{file_name}{SIDECAR_SUFFIX}"


def sidecar_path(zones: Zones, year: int, inbox_path: str) -> Path:
    p = PurePosixPath(inbox_path)
    return zones.inbox(year) / p.parent / sidecar_name(p.name)


def mail_origin(zones: Zones, year: int, inbox_path: str) -> dict[str, Any] | None:
    """Where an inbox file came from when it came by mail (sender, recipients, subject,
    Message-ID, date, message SHA-256, attachment name...), else None."""
    try:
        data = json.loads(sidecar_path(zones, year, inbox_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("via") == "mail" else None


def _taken(folder: Path, name: str) -> bool:
    return (
        (folder / name).exists()
        or (folder / sidecar_name(name)).exists()
        or (folder / f".{name}.upload.json").exists()
    )


def _ours(folder: Path, name: str, key: str, index: int) -> bool:
    try:
        data = json.loads((folder / sidecar_name(name)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return data.get("message_sha256") == key and data.get("attachment_index") == index


def _unique_name(folder: Path, name: str, key: str, index: int, reserved: set[str]) -> str:
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    candidate, n = name, 2
    while candidate in reserved or (_taken(folder, candidate) and not _ours(folder, candidate, key, index)):
        candidate = f"{stem}-{n}.{ext}" if ext else f"{stem}-{n}"
        n += 1
    return candidate


# ---- the year a workbook says ------------------------------------------------------------------


def _year_of(data: bytes, name: str, limits: IntakeLimits) -> int | None:

    with tempfile.TemporaryDirectory(prefix="nscl-mail-") as tmp:
        path = Path(tmp) / "attachment"
        path.write_bytes(data)
        return workbook_year(path, safe_name(name)[0], limits)


# ---- collecting ------------------------------------------------------------------------------


def _origin(parsed: ParsedMail) -> dict[str, Any]:
    return {
        "sender": parsed.sender,
        "sender_name": parsed.sender_name,
        "recipients": parsed.recipients,
        "subject": parsed.subject,
        "message_id": parsed.message_id,
        "references": parsed.references,
        "date": parsed.date,
        "robot": parsed.robot,
        "bounce": parsed.bounce,
        "defects": parsed.defects,
    }


def _problem(p: Any) -> dict[str, str] | None:
    return {"code": p.code, "message": p.message} if p else None


def plan_message(
    zones: Zones, key: str, parsed: ParsedMail, fallback_year: int, limits: IntakeLimits
) -> list[dict[str, Any]]:
    """Where each file of the message goes: its year (from the workbook, else the fallback)
    and a name in that year's inbox not used by any other file."""

    files: list[dict[str, Any]] = []
    reserved: dict[int, set[str]] = {}
    for c in parsed.candidates:
        year = None if c.problem else _year_of(c.data, c.name, limits)
        target_year = year or fallback_year
        folder = zones.inbox(target_year)
        base, _notes = safe_name(c.name or "tep-dinh-kem")
        name = _unique_name(folder, base, key, c.index, reserved.setdefault(target_year, set()))
        reserved[target_year].add(name)
        files.append(
            {
                "index": c.index,
                "name": c.name,
                "container": c.container,
                "notes": c.notes,
                "problem": _problem(c.problem),
                "sha256": hashlib.sha256(c.data).hexdigest(),
                "size": len(c.data),
                "year": target_year,
                "year_from": "workbook" if year else "fallback",
                "inbox_path": name,
            }
        )
    return files


def store_files(zones: Zones, state: dict[str, Any], candidates: list[Candidate]) -> None:
    """Write each planned file and its sidecar (sidecar first, as the staff page does); a file
    already there with the same bytes is left as it is. The server's arrival time becomes the
    file's modification time."""
    by_index = {c.index: c for c in candidates}
    received = dt.datetime.fromisoformat(state["received_at"]).timestamp()
    origin = state["origin"]
    for entry in state["files"]:
        c = by_index[entry["index"]]
        target = file_path(zones, entry)
        atomic_write_json(
            sidecar_path(zones, int(entry["year"]), entry["inbox_path"]),
            {
                "via": "mail",
                "message_sha256": state["key"],
                "message_archive": state.get("archive"),
                "sender": origin["sender"],
                "sender_name": origin["sender_name"],
                "recipients": origin["recipients"],
                "subject": origin["subject"],
                "message_id": origin["message_id"],
                "date": origin["date"],
                "received_at": state["received_at"],
                "attachment_name": entry["name"],
                "attachment_index": entry["index"],
                "container": entry["container"],
                "stored_name": PurePosixPath(entry["inbox_path"]).name,
                "size": entry["size"],
                "sha256": entry["sha256"],
                "year_from": entry["year_from"],
                "problem": entry["problem"],
            },
        )
        same = False
        if target.is_file() and target.stat().st_size == entry["size"]:
            same = hashlib.sha256(target.read_bytes()).hexdigest() == entry["sha256"]
        if not same:
            atomic_write_bytes(target, c.data)
        os.utime(target, (received, received))
        crash_point("stored_file")


def collect_message(
    zones: Zones,
    mailbox: Mailbox,
    uid: int,
    fallback_year: int,
    limits: IntakeLimits,
    own_addresses: set[str],
    now: dt.datetime,
) -> dict[str, Any]:
    """Archive one message, store its files, then mark it on the server; returns its state."""
    size, internal = mailbox.info(uid)
    received = (internal or now).astimezone(LOCAL_TZ).isoformat()
    server = {"folder": mailbox.folder, "uidvalidity": mailbox.uidvalidity, "uid": uid}
    max_bytes = mail_limits()["max_message_bytes"]
    if size > max_bytes:
        raw, complete = mailbox.fetch_header(uid), False
    else:
        raw, complete = mailbox.fetch(uid), True
    sha, _ = archive_stream(zones, io.BytesIO(raw))
    key = sha if complete else f"header-{sha}"
    crash_point("archived")
    state = load_state(zones, key)
    if state is None or state.get("stage") == "planned":
        try:
            parsed = parse_mail(raw, limits, own_addresses)
        except Exception:  # a message the parser cannot read still gets an outcome
            log.exception("Message UID %s cannot be parsed", uid)
            parsed = unreadable()
        if not complete:
            parsed.candidates, parsed.problem = [], too_large(size, max_bytes)
        if state is None:
            state = {
                "key": key,
                "stage": "planned",
                "archive": f"archive/{sha[:2]}/{sha}",
                "archived_whole": complete,
                "size": size,
                "received_at": received,
                "first_seen_at": now.isoformat(),
                "server": server,
                "fallback_year": fallback_year,
                "origin": _origin(parsed),
                "problem": _problem(parsed.problem),
                "ignored": parsed.ignored,
                "files": plan_message(zones, key, parsed, fallback_year, limits),
                "replies": {},
                "marked": None,
            }
            save_state(zones, state)
            crash_point("planned")
        store_files(zones, state, parsed.candidates)
        state["stage"] = "stored"
        save_state(zones, state)
        crash_point("stored")
    how = mailbox.mark_done(uid)
    state["marked"] = {"how": how, "at": now.isoformat(), **server}
    save_state(zones, state)
    crash_point("marked")
    return state


def collect(
    zones: Zones,
    mailbox: Mailbox,
    fallback_year: int | None = None,
    limits: IntakeLimits | None = None,
    own_addresses: set[str] | None = None,
    now: dt.datetime | None = None,
    max_messages: int = 200,
) -> dict[str, Any]:
    """Every message not yet handled in the mailbox's folder (at most ``max_messages`` a run);
    one bad message is logged and left for the next run, never stops the others."""
    limits = limits or IntakeLimits.from_env()
    now = now or dt.datetime.now(LOCAL_TZ)
    year = fallback_year or current_year(now)
    summary: dict[str, Any] = {"messages": 0, "files": 0, "failed": []}
    for uid in mailbox.uids()[:max_messages]:
        try:
            state = collect_message(zones, mailbox, uid, year, limits, own_addresses or set(), now)
        except (
            OSError,
            EOFError,
            imaplib.IMAP4.abort,
        ) as exc:  # the connection is gone: the rest waits for the next run
            log.error("Mailbox connection lost at UID %s: %s", uid, exc)
            summary["failed"].append(uid)
            break
        except Exception:
            log.exception("Message UID %s not collected; left in the mailbox for the next run", uid)
            summary["failed"].append(uid)
            continue
        summary["messages"] += 1
        summary["files"] += len(state.get("files", []))
    return summary
