"""Intake: archive every received file byte for byte (content-addressed), read and validate it,
and record a receipt. Validation failures are data (a rejected receipt), never exceptions."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .catalogue import Catalogue
from .fsutil import atomic_write_bytes, atomic_write_json
from .settings import Zones

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WORKBOOK_SUFFIXES = {".xlsx"}


def list_inbox(zones: Zones, year: int) -> list[str]:
    """Every regular file in the year's inbox (sub-folders included), sorted for stable runs."""
    inbox = zones.inbox(year)
    if not inbox.exists():
        return []
    return sorted(str(p) for p in inbox.rglob("*") if p.is_file() and not p.name.startswith("."))


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def archive_path(zones: Zones, sha: str) -> Path:
    return zones.archive / sha[:2] / sha


def archive_file(zones: Zones, path: Path) -> str:
    """Copy ``path`` into the raw archive under its SHA-256; an existing copy is left alone."""
    data = Path(path).read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    target = archive_path(zones, sha)
    if not target.exists():
        atomic_write_bytes(target, data)
        target.chmod(0o444)
    return sha


def received_time(path: Path) -> dt.datetime:
    """When the file reached the inbox: its modification time, in Vietnam's time zone."""
    return dt.datetime.fromtimestamp(Path(path).stat().st_mtime, tz=TZ)


def receipt_path(zones: Zones, year: int, sha: str) -> Path:
    return zones.receipts(year) / f"{sha}.json"


def process_file(path: str | Path, year: int, zones: Zones, catalogue: Catalogue) -> dict[str, Any]:
    """Archive, read, normalise and validate one inbox file; write and return its receipt.

    Idempotent: the receipt and staged data are keyed by the file's hash, so running it twice
    on the same bytes rewrites identical files.
    """
    from .validation import validate_file

    path = Path(path)
    sha = archive_file(zones, path)
    received = received_time(path)
    outcome = validate_file(path, year, catalogue)
    deadline = dt.datetime.combine(catalogue.deadline(year), dt.time(23, 59, 59), tzinfo=TZ)
    receipt = {
        "sha256": sha,
        "year": year,
        "original_name": path.name,
        "inbox_path": str(path.relative_to(zones.root)) if path.is_relative_to(zones.root) else str(path),
        "size": path.stat().st_size,
        "received_at": received.isoformat(),
        "late": received > deadline,
        "agency_code": outcome.agency_code,
        "template_version": outcome.template_version,
        "kind": outcome.kind,
        "status": outcome.status,
        "errors": [i.to_dict() for i in outcome.issues if i.severity == "error"],
        "warnings": [i.to_dict() for i in outcome.issues if i.severity == "warning"],
        "conversions": outcome.conversions,
    }
    if outcome.data is not None:
        atomic_write_json(zones.curated(year) / "staged" / f"{sha}.json", outcome.data)
    if outcome.status == "rejected":
        feedback = zones.quarantine(year) / sha
        atomic_write_bytes(feedback / path.name, path.read_bytes())
        atomic_write_json(
            feedback / "feedback.json", {"errors": receipt["errors"], "warnings": receipt["warnings"]}
        )
    atomic_write_json(receipt_path(zones, year, sha), receipt)
    return receipt


def load_receipts(zones: Zones, year: int) -> list[dict[str, Any]]:
    folder = zones.receipts(year)
    if not folder.exists():
        return []
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]
