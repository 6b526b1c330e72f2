"""Receipts and sightings: the one reader and writer of ``receipts/<year>/``.

A receipt that cannot be read (cut short, edited by hand, not JSON) is never silently dropped
nor allowed to crash a page or a run: the loaders skip it and name it in ``damaged``, which
``nscl status`` and the staff page show."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import cast

from nscl.store.fsutil import atomic_write_json
from nscl.store.records import Receipt, Sighting
from nscl.store.zones import Zones

log = logging.getLogger(__name__)


def receipt_path(zones: Zones, year: int, sha: str) -> Path:
    return zones.receipts(year) / f"{sha}.json"


def _read(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def read_receipt(zones: Zones, year: int, sha: str) -> Receipt | None:
    data = _read(receipt_path(zones, year, sha))
    return cast(Receipt, data) if data and data.get("sha256") else None


def write_receipt(zones: Zones, year: int, receipt: Receipt) -> Path:
    return atomic_write_json(receipt_path(zones, year, receipt["sha256"]), receipt)


def load_receipts(zones: Zones, year: int, damaged: list[str] | None = None) -> list[Receipt]:
    """Every readable receipt of the year, oldest first (by time received, then hash). The
    names of unreadable ones are appended to ``damaged`` when given."""
    folder = zones.receipts(year)
    if not folder.is_dir():
        return []
    out: list[Receipt] = []
    for p in sorted(folder.glob("*.json")):
        data = _read(p)
        if not data or not data.get("sha256") or not data.get("received_at"):
            log.warning("Receipt %s cannot be read; skipped", p)
            if damaged is not None:
                damaged.append(str(p.relative_to(zones.root)))
            continue
        out.append(cast(Receipt, data))
    return sorted(out, key=lambda r: (str(r["received_at"]), r["sha256"]))


def load_sightings(zones: Zones, year: int, sha: str | None = None) -> list[Sighting]:
    folder = zones.sightings(year)
    if not folder.is_dir():
        return []
    pattern = f"{sha[:16]}-*.json" if sha else "*.json"
    return [cast(Sighting, d) for p in sorted(folder.glob(pattern)) if (d := _read(p))]


def record_sighting(zones: Zones, year: int, sha: str, event: Sighting) -> Sighting:
    """One event per (bytes, inbox path); the first-seen time is kept on re-runs."""
    key = hashlib.sha256(event["inbox_path"].encode("utf-8")).hexdigest()[:12]
    path = zones.sightings(year) / f"{sha[:16]}-{key}.json"
    if path.exists():
        old = _read(path)
        if old is not None:
            event = cast(
                Sighting, {**event, "first_seen_at": old.get("first_seen_at", event["first_seen_at"])}
            )
            if old == event:
                return event
    atomic_write_json(path, event)
    return event
