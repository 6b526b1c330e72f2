"""Reading one e-mail as the intake sees it: who sent it (and whether a robot did), what it
is about, and the attachments that may be workbooks, with archives expanded under the same
hostile limits as a workbook's own zip (``nscl.intake.hostile``).

Nothing here trusts the message: headers may be missing, repeated, badly encoded or forged;
attachment names may carry RFC 2047 encoded words, RFC 2231 parameters in any charset, raw
8-bit bytes, folders and path tricks; archives may be nested, encrypted, corrupt or bombs. Every
such case gives a :class:`MailProblem` (a stable code and a Vietnamese message), never an
exception. The parse works on the raw bytes as archived; nothing is executed or written.

Longer than 400 lines because every way a real client (Outlook, Gmail, Thunderbird, webmail)
writes a sender or an attachment is read here, beside the limits that keep a hostile message
from costing anything.

Which attachments are kept (``Candidate``):

- a workbook by name (``.xlsx .xlsm .xls .xlsb .xltx .xltm .xlt .ods .csv``) or by MIME type
  (a spreadsheet type with no usable name): it goes into the inbox and the intake gives it its
  outcome (a ``.xls`` gets the intake's "please send .xlsx" message);
- inside a ``.zip``: every workbook entry (path in the archive dropped; non-workbook entries
  ignored). An archive that cannot be expanded safely (nested archive, password, bomb, corrupt,
  no workbook inside), and ``.rar``/``.7z`` ones, are kept whole: the archive itself goes into
  the inbox (where it is archived and refused as "not a workbook") and the reply says why.

Other attachments (PDF cover letters, signatures, images) are ignored, but listed.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
import re
import unicodedata
from dataclasses import dataclass, field
from email.message import Message

from nscl.intake.mail_attachments import (
    SPREADSHEET_TYPES,
    WANTED,
    Candidate,
    MailProblem,
    archive_problem,
    classify,
    decode_name,
    expand_zip,
    suffix,
)
from nscl.settings import IntakeLimits

MAX_PARTS = 500  # MIME parts walked at most: a message built to exhaust the parser stops here
MAX_DEPTH = 4  # message/rfc822 inside message/rfc822 ...
_ROBOT_LOCALS = {
    "mailer-daemon",
    "postmaster",
    "mail-daemon",
    "mailerdaemon",
    "noreply",
    "no-reply",
    "donotreply",
}


@dataclass
class ParsedMail:
    sender: str | None  # lower-cased address from From (Sender when From has several)
    sender_name: str | None
    recipients: list[str]  # To and Cc
    subject: str
    message_id: str | None  # with angle brackets, as sent
    references: list[str]
    date: str | None  # ISO 8601 from the Date header, None when absent or unreadable
    robot: str | None  # why this message must never be answered (None: a person sent it)
    bounce: bool  # a delivery report: its attachments are our own mail coming back, not read
    candidates: list[Candidate] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # other attachments, by name
    problem: MailProblem | None = None  # the message as a whole (too many attachments...)
    defects: list[str] = field(default_factory=list)  # forged or broken headers, for staff


def mail_limits() -> dict[str, int]:
    """Mail-level limits (env overrides): the whole message, the workbooks per message."""
    import os

    def env_int(name: str, default: int) -> int:
        try:
            return int(os.environ.get(name, default))
        except ValueError:
            return default

    return {
        "max_message_bytes": env_int("NSCL_MAX_MAIL_MB", 40) * 1024 * 1024,
        "max_attachments": env_int("NSCL_MAX_MAIL_ATTACHMENTS", 20),
    }


def too_large(size: int, limit: int) -> MailProblem:
    return MailProblem(
        "message_too_large",
        f"Thư quá lớn ({size / 1024 / 1024:.0f} MB, tối đa {limit / 1024 / 1024:.0f} MB) nên hệ thống không "
        f"mở thư; thư vẫn được lưu trên hộp thư của Sở. Đề nghị gửi lại chỉ {WANTED}.",
    )


def unreadable() -> ParsedMail:
    """What a message the parser could not read at all becomes (kept, answered to nobody)."""
    return ParsedMail(
        sender=None,
        sender_name=None,
        recipients=[],
        subject="",
        message_id=None,
        references=[],
        date=None,
        robot="no_sender",
        bounce=False,
        defects=["thư không đọc được"],
        problem=MailProblem(
            "unreadable", "Thư không đọc được (cấu trúc hỏng); thư vẫn được lưu để cán bộ kiểm tra."
        ),
    )


# ---- headers -------------------------------------------------------------------------------


def _header(msg: Message, name: str) -> str | None:
    """A header as text, whatever its encoding; None when absent or unreadable."""
    try:
        value = msg.get(name)
    except Exception:
        return None
    if value is None:
        return None
    try:
        text = str(value)
    except Exception:
        return None
    return clean_text(text)


def clean_text(text: str, limit: int = 300) -> str:
    """One line, NFC, no control or bidirectional characters, at most ``limit`` characters:
    safe to show on a page and to reuse in a reply's subject."""
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    text = unicodedata.normalize("NFC", text)
    text = "".join(
        " " if c in "\r\n\t" else c
        for c in text
        if unicodedata.category(c) not in ("Cc", "Cf") or c in "\r\n\t"
    )
    return re.sub(r"\s+", " ", text).strip()[:limit]


_ADDRESS = r"[^@\s<>,;:\"'()\[\]]+@[^@\s<>,;:\"'()\[\]]+\.[^@\s<>,;:\"'()\[\]]+"


def _valid(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    out = []
    for display, addr in pairs:
        addr = clean_text(addr or "", 254).strip("<>").lower()
        if re.fullmatch(_ADDRESS, addr):
            display = clean_text(display or "", 120).replace('\\"', '"').strip("\\\"' ")
            out.append((display, addr))
    return out


def _loose(text: str) -> list[tuple[str, str]]:
    """Addresses in a header that no parser reads: the whole value sent as one RFC 2047 encoded
    word (``=?UTF-8?B?...?=``, address included, which the header grammar reads as a name
    without an address), or a value with a bracket missing or a name left unquoted."""
    m = re.fullmatch(r"\s*(.*?)\s*<\s*(" + _ADDRESS + r")\s*>?\s*", text)
    if m:
        return [(m.group(1), m.group(2))]
    found = re.findall(_ADDRESS, text)
    if len(found) == 1:
        rest = text.replace(found[0], " ")
        return [(re.sub(r"[<>()]", " ", rest), found[0])]
    return [("", a) for a in found]


def _addresses(msg: Message, *names: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for name in names:
        try:
            values = msg.get_all(name) or []
        except Exception:
            continue
        raws = [v for k, v in msg.raw_items() if k.lower() == name.lower()]
        for i, value in enumerate(values):
            try:
                pairs = [(a.display_name, a.addr_spec) for a in getattr(value, "addresses", ())]
            except Exception:
                pairs = []
            found = _valid(pairs)
            if not found:
                text = clean_text(str(value), 1000)
                found = _valid(email.utils.getaddresses([text])) or _valid(_loose(text))
            if not found and i < len(raws):
                found = _valid(_loose(_decoded(raws[i])))
            out.extend(found)
    return out


def _decoded(raw: object) -> str:
    """A header's raw text with its encoded words decoded (8-bit bytes read as UTF-8)."""
    import email.header

    text = clean_text(str(raw), 1000)
    try:
        return clean_text(str(email.header.make_header(email.header.decode_header(text))), 1000)
    except Exception:
        return text


def _robot(msg: Message, sender: str | None, own: set[str]) -> tuple[str | None, bool]:
    """Why a message must not be answered (RFC 3834), and whether it is a bounce."""
    content_type = (msg.get_content_type() or "").lower()
    return_path = _header(msg, "Return-Path")
    local = sender.split("@", 1)[0] if sender else ""
    if content_type == "multipart/report" or (return_path is not None and return_path.strip("<> ") == ""):
        return "bounce", True
    if local in ("mailer-daemon", "mailerdaemon", "mail-daemon", "postmaster"):
        return "bounce", True
    auto = (_header(msg, "Auto-Submitted") or "no").strip().lower()
    if auto and not auto.startswith("no"):
        return "auto_submitted", False
    if (_header(msg, "Precedence") or "").strip().lower() in ("bulk", "list", "junk", "auto_reply"):
        return "precedence", False
    if _header(msg, "List-Id") or _header(msg, "List-Unsubscribe"):
        return "mailing_list", False
    if any(_header(msg, h) for h in ("X-Autoreply", "X-Autorespond")):
        return "auto_submitted", False
    if local in _ROBOT_LOCALS:
        return "no_reply_address", False
    if sender and sender in own:
        return "own_address", False
    if sender is None:
        return "no_sender", False
    return None, False


def _date(msg: Message) -> str | None:
    text = _header(msg, "Date")
    if not text:
        return None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or not (1990 <= when.year <= 2100):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.isoformat()


def _message_ids(text: str | None) -> list[str]:
    return re.findall(r"<[^<>\s]{1,250}>", text or "")


# ---- the message ---------------------------------------------------------------------------


def _parts(msg: Message) -> list[tuple[Message, int]]:
    """Leaf parts in order (into attached messages too, to MAX_DEPTH), at most MAX_PARTS + 1."""
    out: list[tuple[Message, int]] = []
    stack: list[tuple[Message, int]] = [(msg, 0)]
    while stack and len(out) <= MAX_PARTS:
        part, depth = stack.pop()
        if part.is_multipart():
            try:
                children = part.get_payload()
            except Exception:
                children = []
            if isinstance(children, list) and depth < MAX_DEPTH:
                stack.extend(
                    (c, depth + (1 if part.get_content_type() == "message/rfc822" else 0))
                    for c in reversed(children)
                    if isinstance(c, Message)
                )
            continue
        out.append((part, depth))
    return out


_RAW_NAME = re.compile(r'(?:^|;)\s*(?:file)?name\s*=\s*"([^"]*)"', re.IGNORECASE)


def _raw_8bit_name(part: Message) -> str | None:
    """A quoted name sent as raw 8-bit bytes (which the header parser replaces by U+FFFD): the
    bytes as they came, surrogate-escaped for :func:`decode_name` to read."""
    for header, value in part.raw_items():
        if header.lower() in ("content-disposition", "content-type") and isinstance(value, str):
            m = _RAW_NAME.search(value)
            if m and any(0xDC80 <= ord(c) <= 0xDCFF for c in m.group(1)):
                return m.group(1)
    return None


def parse_mail(
    raw: bytes, limits: IntakeLimits | None = None, own_addresses: set[str] | None = None
) -> ParsedMail:
    limits = limits or IntakeLimits.from_env()
    mlimits = mail_limits()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    defects: list[str] = []
    senders = _addresses(msg, "From")
    try:
        from_headers = len(msg.get_all("From") or [])
    except Exception:
        from_headers = 0
    if from_headers > 1 or len(senders) > 1:
        defects.append("nhiều địa chỉ người gửi (From): có thể bị giả mạo")
        senders = _addresses(msg, "Sender") or senders
    from_name = None
    if not senders:
        # No address in From (missing, or broken beyond reading): the reply goes where the
        # sender's own client would send it (Reply-To), else to Sender or the envelope sender.
        shown = clean_text(_decoded(next((v for k, v in msg.raw_items() if k.lower() == "from"), "")), 120)
        why = (
            f"địa chỉ người gửi (From) không đọc được: «{shown}»"
            if from_headers
            else "thiếu người gửi (From)"
        )
        from_name = shown if shown and "@" not in shown else None
        for header in ("Reply-To", "Sender", "Return-Path"):
            senders = _addresses(msg, header)[:1]
            if senders:
                defects.append(f"{why}; thư trả lời gửi tới địa chỉ {header} {senders[0][1]}")
                break
        else:
            defects.append(f"{why}; thư không có địa chỉ nào khác (Reply-To, Sender, Return-Path) để trả lời")
    sender_name, sender = senders[0] if senders else (from_name, None)
    sender_name = sender_name or from_name
    ids = _message_ids(_header(msg, "Message-ID"))
    message_id = ids[0] if ids else None
    if message_id is None:
        defects.append("thiếu mã thư (Message-ID)")
    date = _date(msg)
    if date is None:
        defects.append("thiếu hoặc sai ngày gửi (Date)")
    for header in ("Subject", "Date", "Message-ID"):
        try:
            if len(msg.get_all(header) or []) > 1:
                defects.append(f"tiêu đề {header} bị lặp: có thể bị giả mạo")
        except Exception:
            pass
    robot, bounce = _robot(msg, sender, {a.lower() for a in own_addresses or set()})
    parsed = ParsedMail(
        sender=sender,
        sender_name=sender_name or None,
        recipients=[a for _, a in _addresses(msg, "To", "Cc")],
        subject=_header(msg, "Subject") or "",
        message_id=message_id,
        references=(_message_ids(_header(msg, "References")) + _message_ids(_header(msg, "In-Reply-To")))[
            -20:
        ],
        date=date,
        robot=robot,
        bounce=bounce,
        defects=defects,
    )
    if bounce:
        return parsed  # a delivery report carries our own mail back: nothing in it is a submission
    parts = _parts(msg)
    if len(parts) > MAX_PARTS:
        parsed.problem = MailProblem(
            "too_many_parts",
            f"Thư có cấu trúc bất thường (hơn {MAX_PARTS} phần) nên không được mở; đề nghị gửi lại thư chỉ "
            f"đính kèm {WANTED}.",
        )
        return parsed
    found: list[tuple[Message, str, str, list[str]]] = []
    for part, _depth in parts:
        try:
            raw_name = part.get_filename() or part.get_param("name", header="content-type")
        except Exception:
            raw_name = None
            parsed.defects.append("tên tệp đính kèm không đọc được")
        if not isinstance(raw_name, str) or "\ufffd" in raw_name:
            raw_name = _raw_8bit_name(part) or raw_name
        name, notes = decode_name(raw_name if isinstance(raw_name, str) else None)
        disposition = (part.get_content_disposition() or "").lower()
        kind = classify(part, name)
        if kind is None:
            if name or disposition == "attachment":
                parsed.ignored.append(name or part.get_content_type())
            continue
        found.append((part, name, kind, notes))
    if len(found) > mlimits["max_attachments"]:
        parsed.problem = MailProblem(
            "too_many_attachments",
            f"Thư có quá nhiều tệp đính kèm ({len(found)}, tối đa {mlimits['max_attachments']} tệp mỗi thư) "
            "nên chưa tệp nào được tiếp nhận; đề nghị chia ra nhiều thư rồi gửi lại.",
        )
        return parsed
    index = 0
    for part, name, kind, notes in found:
        try:
            data = part.get_payload(decode=True) or b""
        except Exception:
            data = b""
            notes = [*notes, "nội dung tệp đính kèm không giải mã được"]
        if not isinstance(data, bytes):
            data = bytes(str(data), "utf-8", "surrogateescape")
        if not suffix(name):
            base = name or "tep-dinh-kem"
            name = base + SPREADSHEET_TYPES.get(
                part.get_content_type().lower(), ".zip" if kind == "zip" else ""
            )
            notes.append("tệp đính kèm không có phần mở rộng, đã đặt theo kiểu nội dung thư")
        if kind == "workbook":
            index += 1
            parsed.candidates.append(Candidate(index, name, data, notes=notes))
        elif kind == "archive":
            index += 1
            parsed.candidates.append(
                Candidate(
                    index,
                    name,
                    data,
                    problem=archive_problem(
                        "archive_unsupported", name, f"có định dạng {suffix(name)} mà hệ thống không mở"
                    ),
                    notes=notes,
                )
            )
        else:
            entries, problem = expand_zip(name, data, limits)
            if problem:
                index += 1
                parsed.candidates.append(Candidate(index, name, data, problem=problem, notes=notes))
            for entry, content in entries:
                index += 1
                parsed.candidates.append(Candidate(index, entry, content, container=name, notes=list(notes)))
    if len(parsed.candidates) > mlimits["max_attachments"]:
        parsed.problem = MailProblem(
            "too_many_attachments",
            f"Thư có quá nhiều bảng tính (kể cả trong tệp nén: {len(parsed.candidates)}, tối đa "
            f"{mlimits['max_attachments']} tệp mỗi thư) nên chưa tệp nào được tiếp nhận; đề nghị chia ra nhiều thư.",
        )
        parsed.candidates = []
    elif not parsed.candidates:
        what = f" (thư chỉ có: {', '.join(parsed.ignored[:5])})" if parsed.ignored else ""
        parsed.problem = MailProblem(
            "no_attachment",
            f"Thư không có tệp báo cáo nào để tiếp nhận{what}. Đề nghị gửi {WANTED}.",
        )
    return parsed
