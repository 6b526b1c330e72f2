"""The Department's mailbox over IMAP: a thin wrapper over the standard library's ``imaplib``
that works on UIDs only, never sets ``\\Seen`` while reading (``BODY.PEEK[]``), keeps the raw
bytes, and marks a handled message without touching any other one.

Settings come from the Airflow connection ``imap_default`` (``NSCL_IMAP_CONN_ID``), under the
IMAP provider's own names: host, port, login, password, and in extra ``use_ssl`` (default
true: IMAP over TLS, port 993), ``ssl_context`` (``default`` verifies the certificate, ``none``
does not), ``mail_folder`` (default ``INBOX``), plus ``starttls`` (plain port upgraded to TLS)
and ``processed_folder`` (default ``NSCL/Da-xu-ly``; ``/`` is replaced by the server's own
hierarchy separator). Example: ``imaps://vanthu%40skhcn.hungyen.gov.vn:***@mail.hungyen.gov.vn:993``
or, for a test server, ``imap://user:pass@127.0.0.1:10143?use_ssl=false``.

Marking a message handled: ``UID MOVE`` into the processed folder when the server offers MOVE
after login (the capabilities are read again after LOGIN; many servers, Dovecot and Gmail
among them, only list MOVE then); else ``UID COPY`` + ``\\Deleted`` + ``UID EXPUNGE`` of that
one UID (UIDPLUS); else the keyword ``$NsclDone`` is set and the message stays where it is (a
plain EXPUNGE, which would also remove messages someone else marked deleted, is never sent).
Messages with that keyword are skipped by :meth:`Mailbox.uids`.
"""

from __future__ import annotations

import datetime as dt
import imaplib
import os
import re
import ssl
from dataclasses import dataclass
from typing import Any

IMAP_CONN_ID = os.environ.get("NSCL_IMAP_CONN_ID", "imap_default")
PROCESSED_FOLDER = "NSCL/Da-xu-ly"
DONE_KEYWORD = "$NsclDone"


def _bool(value: Any, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() not in ("0", "false", "no", "off")


class MailboxError(RuntimeError):
    pass


class MailboxNotConfigured(MailboxError):
    """No IMAP connection: the deployment does not take mail in."""


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    login: str | None
    password: str | None
    use_ssl: bool = True
    starttls: bool = False
    verify: bool = True
    folder: str = "INBOX"
    processed_folder: str = PROCESSED_FOLDER
    timeout: float = 60.0

    @classmethod
    def from_connection(cls, conn: Any) -> ImapSettings:
        """From an Airflow Connection (``airflow.sdk`` or ``airflow.models``)."""
        extra = dict(conn.extra_dejson or {})
        use_ssl = _bool(extra.get("use_ssl"), True)
        if not conn.host:
            raise ValueError("Kết nối IMAP chưa có máy chủ (host)")
        return cls(
            host=conn.host,
            port=int(conn.port or (993 if use_ssl else 143)),
            login=conn.login or None,
            password=conn.password or None,
            use_ssl=use_ssl,
            starttls=_bool(extra.get("starttls"), False),
            verify=str(extra.get("ssl_context", "default")).lower() != "none",
            folder=str(extra.get("mail_folder") or "INBOX"),
            processed_folder=str(extra.get("processed_folder") or PROCESSED_FOLDER),
            timeout=float(extra.get("timeout") or 60),
        )

    @classmethod
    def from_airflow(cls, conn_id: str = IMAP_CONN_ID) -> ImapSettings:
        """The Airflow connection, wherever Airflow keeps it (``AIRFLOW_CONN_IMAP_DEFAULT`` on
        the command line, the metadata database or a secrets backend in a task)."""
        from airflow.sdk import BaseHook

        try:
            conn = BaseHook.get_connection(conn_id)
        except Exception as exc:
            if type(exc).__name__ == "AirflowNotFoundException":
                raise MailboxNotConfigured(
                    f"Chưa khai báo kết nối hộp thư '{conn_id}' (biến môi trường AIRFLOW_CONN_{conn_id.upper()} "
                    "hoặc Admin > Connections)"
                ) from exc
            raise
        return cls.from_connection(conn)


def _utf7(name: str) -> str:
    """IMAP's modified UTF-7 for folder names (RFC 3501 §5.1.3)."""
    import base64

    out: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            encoded = base64.b64encode("".join(buf).encode("utf-16-be")).decode().rstrip("=")
            out.append("&" + encoded.replace("/", ",") + "-")
            buf.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            buf.append(ch)
    flush()
    return "".join(out)


def _quote(name: str) -> str:
    return '"' + _utf7(name).replace("\\", "\\\\").replace('"', '\\"') + '"'


_INTERNALDATE = re.compile(rb'INTERNALDATE "([^"]+)"')
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")
_UID = re.compile(rb"UID (\d+)")


class Mailbox:
    """One session on the mail folder: ``with Mailbox(settings) as mb: ...``."""

    def __init__(self, settings: ImapSettings):
        self.settings = settings
        context = ssl.create_default_context()
        if not settings.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        if settings.use_ssl:
            self.client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                settings.host, settings.port, ssl_context=context, timeout=settings.timeout
            )
        else:
            self.client = imaplib.IMAP4(settings.host, settings.port, timeout=settings.timeout)
            if settings.starttls:
                self.client.starttls(context)
        try:
            if settings.login is not None:
                self.client.login(settings.login, settings.password or "")
            # imaplib's .capabilities is the pre-login list: ask again.
            typ, data = self.client.capability()
            self.caps = set(data[0].decode("ascii", "replace").upper().split()) if typ == "OK" else set()
            self.separator = self._separator()
            self.folder = settings.folder
            typ, data = self.client.select(_quote(self.folder))
            if typ != "OK":
                raise MailboxError(f"Không mở được thư mục '{self.folder}' trên máy chủ thư: {data!r}")
            validity = self.client.response("UIDVALIDITY")[1]
            self.uidvalidity = validity[0].decode() if validity and validity[0] else ""
        except Exception:
            self.close()
            raise
        self.processed = settings.processed_folder.replace("/", self.separator or "/")
        self._processed_ready = False

    def __enter__(self) -> Mailbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.client.logout()
        except Exception:
            pass

    def _separator(self) -> str:
        typ, data = self.client.list('""', '""')
        if typ == "OK" and data and isinstance(data[0], bytes):
            m = re.search(rb'\) "(.)"', data[0])
            if m:
                return m.group(1).decode()
        return "/"

    def _check(self, what: str, result: tuple[str, list[Any]]) -> list[Any]:
        typ, data = result
        if typ != "OK":
            raise MailboxError(f"Máy chủ thư từ chối {what}: {data!r}")
        return data

    def uids(self) -> list[int]:
        """Messages not yet handled in the folder, oldest first (read or not by a person)."""
        data = self._check("SEARCH", self.client.uid("SEARCH", "UNDELETED", "UNKEYWORD", DONE_KEYWORD))
        return sorted(int(u) for u in (data[0] or b"").split())

    def _fetch(self, uid: int, what: str) -> list[tuple[bytes, bytes]]:
        data = self._check("FETCH", self.client.uid("FETCH", str(uid), what))
        out = []
        for item in data:
            if isinstance(item, tuple) and len(item) >= 2:
                m = _UID.search(item[0])
                if m is None or int(m.group(1)) == uid:
                    out.append((item[0], item[1]))
        return out

    def info(self, uid: int) -> tuple[int, dt.datetime | None]:
        """The message's size and the time the server received it (INTERNALDATE)."""
        data = self._check("FETCH", self.client.uid("FETCH", str(uid), "(UID RFC822.SIZE INTERNALDATE)"))
        for item in data:
            line = item[0] if isinstance(item, tuple) else item
            if not isinstance(line, bytes):
                continue
            m_uid = _UID.search(line)
            if m_uid is None or int(m_uid.group(1)) != uid:
                continue
            size = _SIZE.search(line)
            date = _INTERNALDATE.search(line)
            when = None
            if date:
                try:
                    when = dt.datetime.strptime(date.group(1).decode().strip(), "%d-%b-%Y %H:%M:%S %z")
                except ValueError:
                    when = None
            return (int(size.group(1)) if size else 0), when
        raise MailboxError(f"Không đọc được thư UID {uid}")

    def fetch(self, uid: int) -> bytes:
        """The message byte for byte, without setting \\Seen."""
        found = self._fetch(uid, "(UID BODY.PEEK[])")
        if not found:
            raise MailboxError(f"Không tải được thư UID {uid}")
        return bytes(found[0][1])

    def fetch_header(self, uid: int) -> bytes:
        found = self._fetch(uid, "(UID BODY.PEEK[HEADER])")
        return bytes(found[0][1]) if found else b""

    def _ensure_processed(self) -> None:
        if self._processed_ready:
            return
        parts = self.processed.split(self.separator or "/")
        for i in range(1, len(parts) + 1):
            name = (self.separator or "/").join(parts[:i])
            self.client.create(_quote(name))  # "already exists" is fine
        self.client.subscribe(_quote(self.processed))
        self._processed_ready = True

    def mark_done(self, uid: int) -> str:
        """Take a handled message out of the folder: 'moved', or 'flagged' when the server
        can neither MOVE nor expunge one UID."""
        target = _quote(self.processed)
        if "MOVE" in self.caps:
            self._ensure_processed()
            self._check("MOVE", self.client.uid("MOVE", str(uid), target))
            return "moved"
        if "UIDPLUS" in self.caps:
            self._ensure_processed()
            self._check("COPY", self.client.uid("COPY", str(uid), target))
            self._check("STORE", self.client.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Deleted)"))
            self._check("EXPUNGE", self.client.uid("EXPUNGE", str(uid)))
            return "moved"
        self._check("STORE", self.client.uid("STORE", str(uid), "+FLAGS.SILENT", f"({DONE_KEYWORD})"))
        return "flagged"

    def find_processed(self, message_id: str) -> list[int]:
        """UIDs in the processed folder with this Message-ID (for re-processing)."""
        typ, _ = self.client.select(_quote(self.processed))
        if typ != "OK":
            return []
        data = self._check(
            "SEARCH", self.client.uid("SEARCH", "HEADER", "Message-ID", _quote_text(message_id))
        )
        return sorted(int(u) for u in (data[0] or b"").split())

    def move_back(self, uid: int) -> None:
        """From the processed folder (selected by find_processed) back into the mail folder."""
        target = _quote(self.folder)
        if "MOVE" in self.caps:
            self._check("MOVE", self.client.uid("MOVE", str(uid), target))
        else:
            self._check("COPY", self.client.uid("COPY", str(uid), target))
            self._check("STORE", self.client.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Deleted)"))
            if "UIDPLUS" in self.caps:
                self._check("EXPUNGE", self.client.uid("EXPUNGE", str(uid)))
        self.client.select(_quote(self.folder))

    def unflag(self, uid: int) -> None:
        self._check("STORE", self.client.uid("STORE", str(uid), "-FLAGS.SILENT", f"({DONE_KEYWORD})"))


def _quote_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
