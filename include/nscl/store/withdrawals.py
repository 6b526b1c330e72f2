"""Withdrawn files: a staff member takes back a file uploaded by mistake (the wrong year, the
wrong agency). Nothing is deleted: the file stays archived and its receipt stays on file; a
record ``withdrawals/<year>/<sha256>.json`` says who withdrew it, when and why, and the status
computation (``nscl.consolidate.status``) leaves it out, so the agency's previous state comes
back. Withdrawing again rewrites nothing; ``restore`` keeps the record, marked restored."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import TypedDict, cast

from nscl.settings import LOCAL_TZ
from nscl.store.fsutil import atomic_write_json
from nscl.store.zones import Zones

SHA_RE = re.compile(r"^[0-9a-f]{64}$")


class Withdrawal(TypedDict, total=False):
    sha256: str
    year: int
    by: str
    at: str
    reason: str
    original_name: str
    agency_code: str | None
    restored_by: str
    restored_at: str


def folder(zones: Zones, year: int) -> Path:
    return zones.root / "withdrawals" / str(year)


def path_of(zones: Zones, year: int, sha: str) -> Path:
    if not SHA_RE.match(sha):
        raise ValueError(f"not a SHA-256: {sha!r}")
    return folder(zones, year) / f"{sha}.json"


def load(zones: Zones, year: int) -> list[Withdrawal]:
    """Every withdrawal record of the year (restored ones included), oldest first."""
    d = folder(zones, year)
    if not d.is_dir():
        return []
    out: list[Withdrawal] = []
    for p in sorted(d.glob("*.json")):
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and SHA_RE.match(str(data.get("sha256", ""))):
            out.append(cast(Withdrawal, data))
    return sorted(out, key=lambda w: (str(w.get("at")), w["sha256"]))


def withdrawn(zones: Zones, year: int) -> set[str]:
    """Hashes of the files withdrawn in ``year`` and not restored."""
    return {w["sha256"] for w in load(zones, year) if not w.get("restored_at")}


def withdraw(
    zones: Zones,
    year: int,
    sha: str,
    by: str,
    reason: str,
    original_name: str = "",
    agency_code: str | None = None,
    now: dt.datetime | None = None,
) -> Withdrawal:
    """Record that ``sha`` is withdrawn (idempotent: an active record is kept as it is)."""
    target = path_of(zones, year, sha)
    for w in load(zones, year):
        if w["sha256"] == sha and not w.get("restored_at"):
            return w
    record: Withdrawal = {
        "sha256": sha,
        "year": year,
        "by": by,
        "at": (now or dt.datetime.now(LOCAL_TZ)).isoformat(timespec="seconds"),
        "reason": reason,
        "original_name": original_name,
        "agency_code": agency_code,
    }
    atomic_write_json(target, record)
    return record


def restore(zones: Zones, year: int, sha: str, by: str, now: dt.datetime | None = None) -> Withdrawal | None:
    """Undo a withdrawal: the record stays, marked restored by whom and when."""
    for w in load(zones, year):
        if w["sha256"] == sha and not w.get("restored_at"):
            done: Withdrawal = {
                **w,
                "restored_by": by,
                "restored_at": (now or dt.datetime.now(LOCAL_TZ)).isoformat(timespec="seconds"),
            }
            atomic_write_json(path_of(zones, year, sha), done)
            return done
    return None
