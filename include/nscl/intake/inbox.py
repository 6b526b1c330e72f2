"""The inbox as one abstraction over fsspec: a local folder by default (``<data>/inbox/<year>``),
any fsspec location in production (``NSCL_INBOX_URL=s3://nscl-inbox`` with the year appended,
or an Airflow ObjectStoragePath's URL). Agencies may drop files in a sub-folder named with
their agency code (``inbox/2025/SCT/bao-cao.xlsx``); staff drop e-mailed files anywhere.
"""

from __future__ import annotations

import builtins
import datetime as dt
import hashlib
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from nscl.settings import LOCAL_TZ, inbox_url
from nscl.store.zones import Zones

TZ = LOCAL_TZ
HASH_BLOCK = 1 << 20


@dataclass(frozen=True)
class InboxFile:
    url: str  # what to pass to process_file (a local path, or protocol://...)
    relative: str  # path inside the year's inbox, "/"-separated, as received
    size: int
    modified: dt.datetime | None  # when it landed in the inbox, by the storage's clock

    @property
    def name(self) -> str:
        return self.relative.rsplit("/", 1)[-1]

    @property
    def folder(self) -> str | None:
        """The first sub-folder inside the year's inbox (an agency code by convention)."""
        parts = self.relative.split("/")
        return parts[0] if len(parts) > 1 else None


def _modified(info: dict[str, Any]) -> dt.datetime | None:
    for key in ("mtime", "LastModified", "last_modified", "modified", "created", "updated", "timeCreated"):
        value = info.get(key)
        if value is None:
            continue
        if isinstance(value, int | float):
            return dt.datetime.fromtimestamp(value, tz=TZ)
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                continue
        if isinstance(value, dt.datetime):
            return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(TZ)
    return None


class Inbox:
    """The year's inbox at ``url`` (anything fsspec understands)."""

    def __init__(self, url: str):
        import fsspec

        self.url = url
        self.fs, self.root = fsspec.core.url_to_fs(url)
        self.root = self.root.rstrip("/")

    @classmethod
    def for_year(cls, year: int, zones: Zones) -> Inbox:
        return cls(inbox_url(year, zones.root))

    def _url(self, path: str) -> str:
        return path if _is_local(self.fs) else self.fs.unstrip_protocol(path)

    def list(self, now: dt.datetime | None = None) -> list[InboxFile]:
        """Every file that arrived (sub-folders, hidden names, lock files and empty files
        included: each gets a receipt), sorted for stable runs. Left out: the project's own
        sidecars beside a file they describe, and a write still in progress (see ``own_file``)."""
        if not self.fs.exists(self.root):
            return []
        found = {
            path[len(self.root) :].lstrip("/"): info
            for path, info in self.fs.find(self.root, detail=True).items()
            if info.get("type", "file") == "file"
        }
        now = now or dt.datetime.now(TZ)
        out = []
        for relative, info in sorted(found.items()):
            modified = _modified(info)
            if own_file(relative, set(found), modified, now):
                continue
            path = f"{self.root}/{relative}"
            out.append(InboxFile(self._url(path), relative, int(info.get("size") or 0), modified))
        return out

    def stat(self, url: str) -> InboxFile:
        path = self.fs._strip_protocol(url)
        info = self.fs.info(path)
        relative = (
            path[len(self.root) :].lstrip("/")
            if path.startswith(self.root + "/")
            else path.rsplit("/", 1)[-1]
        )
        return InboxFile(url, relative, int(info.get("size") or 0), _modified(info))

    def open(self, url: str):
        return self.fs.open(self.fs._strip_protocol(url), "rb")

    def content_hash(self, url: str) -> str:
        """The SHA-256 of the file's bytes (as the raw archive names them), read as a stream."""
        digest = hashlib.sha256()
        with self.open(url) as fh:
            while block := fh.read(HASH_BLOCK):
                digest.update(block)
        return digest.hexdigest()

    def new_files(
        self, done: Collection[tuple[str, str]], now: dt.datetime | None = None
    ) -> builtins.list[InboxFile]:
        """The files of :meth:`list` whose (inbox path, content hash) is not in ``done``.

        By content, never by name, size and modification time: shared folders and object
        stores keep times to the second and copy tools keep them, so a file replaced by
        another of the same name, size and time is still a new file. Every file is read each
        time (a few MB a year's inbox; hashing is far below the cost of one workbook's intake).
        A file that vanishes while being read is left for the next run."""
        out = []
        for f in self.list(now):
            try:
                sha = self.content_hash(f.url)
            except FileNotFoundError:
                continue
            if (f.relative, sha) not in done:
                out.append(f)
        return out


# The project's own files in an inbox: the staff page's upload record ``.<name>.upload.json``
# and the mail intake's ``.<name>.mail.json`` beside the file they describe, and the hidden
# temporary file of an atomic write (``.<name>.<random>.tmp``) while it is being written.
_SIDECAR = re.compile(r"^\.(?P<name>.+)\.(upload|mail)\.json$")
_IN_FLIGHT = re.compile(r"^\..+\.tmp$")
IN_FLIGHT_GRACE = dt.timedelta(hours=1)


def own_file(relative: str, present: set[str], modified: dt.datetime | None, now: dt.datetime) -> bool:
    """True for a sidecar whose file is beside it (or is being written: the staff page writes
    the sidecar first), or a temporary file younger than an hour. Anything else, hidden or not,
    is a received file (a sidecar orphaned for more than an hour included)."""
    folder, _, name = relative.rpartition("/")
    young = modified is None or now - modified < IN_FLIGHT_GRACE
    m = _SIDECAR.match(name)
    if m:
        return (f"{folder}/{m['name']}" if folder else m["name"]) in present or young
    if _IN_FLIGHT.match(name):
        return young
    return False


def _is_local(fs) -> bool:
    from fsspec.implementations.local import LocalFileSystem

    return isinstance(fs, LocalFileSystem)
