"""Intake: archive every received file byte for byte (content-addressed), check it for hostile
content, read, normalise and validate it, record a receipt, and prepare what goes back to the
agency. Validation failures and hostile files are data (a rejected receipt), never exceptions.

``process_file`` is read -> pure -> write: ``_read_arrival`` archives the bytes and gathers what
is on file about them; ``assess`` (the hostile checks first, then the workbook, never the other
way round) and ``build_receipt`` decide; ``_write_outcome`` writes, in an order chosen so that
a crash at any point leaves a state the next ordinary run completes: the receipt is written
after everything it points to, and the sighting (what ``list_new`` uses to skip a file) last.

Zones written (all under the data folder):

- ``archive/<sha[:2]>/<sha>``: the bytes, read-only;
- ``receipts/<year>/<sha>.json``: the receipt (who, when, size, hash, template version, outcome,
  errors, warnings, conversions, other names the same bytes arrived under);
- ``receipts/<year>/sightings/<sha[:16]>-<path hash>.json``: one event per inbox file seen, with
  the time we first saw it (completeness and duplicates are computed from these);
- ``quarantine/<year>/<sha>/``: a rejected file (safe name), ``feedback.json``, the feedback
  workbook ``phan-hoi_<name>.xlsx`` and ``bien-nhan.txt``;
- ``replies/<year>/<sha>/``: for an accepted file, ``bien-nhan.txt`` (and the feedback workbook
  when there are warnings);
- ``curated/<year>/staged/<sha>.json``: the normalised data of a readable workbook;
- ``data_docs/<year>/<sha>/``: GX Data Docs of failed suites, for operators.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from nscl.intake.assess import (
    Arrival,
    arrival_notes,
    assess,
    assess_batch,
    build_receipt,
    cap_issues,
    duplicate_receipt,
    precheck,
)
from nscl.intake.assess import aliases as _aliases
from nscl.intake.hostile import safe_name
from nscl.intake.inbox import Inbox, InboxFile, _modified
from nscl.intake.mailbox import mail_origin
from nscl.intake.writes import write_outcome as _write_outcome
from nscl.plan.catalogue import Catalogue
from nscl.settings import LOCAL_TZ, IntakeLimits
from nscl.store import contacts
from nscl.store.archive import archive_path, archive_stream
from nscl.store.curated import load_table
from nscl.store.faults import checkpoint
from nscl.store.receipts import (
    load_sightings,
    read_receipt,
    receipt_path,
    record_sighting,
    write_receipt,
)
from nscl.store.records import Receipt, Sighting
from nscl.store.zones import Zones

log = logging.getLogger(__name__)
TZ = LOCAL_TZ
WORKBOOK_SUFFIXES = {".xlsx"}


def list_inbox(zones: Zones, year: int) -> list[str]:
    """Every file in the year's inbox (sub-folders and hidden names included), sorted for
    stable runs: local paths for a folder inbox, ``protocol://`` URLs for object storage."""

    return [f.url for f in Inbox.for_year(year, zones).list()]


def list_new(zones: Zones, year: int) -> list[str]:
    """Inbox files not done yet (for the hourly intake): not seen at this path with these
    bytes (by content hash: ``Inbox.new_files``), or seen but without a receipt (a run that
    died half way)."""

    done = {p.stem for p in zones.receipts(year).glob("*.json")} if zones.receipts(year).is_dir() else set()
    seen = {(s["inbox_path"], s["sha256"]) for s in load_sightings(zones, year) if s.get("sha256") in done}
    return [f.url for f in Inbox.for_year(year, zones).new_files(seen)]


def received_time(path: Path) -> dt.datetime:
    """When a local file reached the inbox: its modification time, in Vietnam's time zone."""
    return dt.datetime.fromtimestamp(Path(path).stat().st_mtime, tz=TZ)


def _agency_folder(folder: str | None, catalogue: Catalogue) -> str | None:
    """The inbox sub-folder as an agency code, if it names one (case-insensitive)."""
    if not folder:
        return None
    codes = {c.upper(): c for c in catalogue.agencies}
    return codes.get(folder.strip().upper())


def _history(
    zones: Zones, year: int, agency_code: str | None, tables: dict[int, Any] | None = None
) -> dict[str, dict[int, float]]:
    """The agency's own indicator values in earlier years, from the curated tables (read once
    per batch when ``tables`` is a dict kept across its files)."""
    if not agency_code:
        return {}
    tables = {} if tables is None else tables
    out: dict[str, dict[int, float]] = {}
    for y in range(2021, year):
        if y not in tables:
            tables[y] = load_table(zones, y, "indicator_values")
        frame = tables[y]
        if frame is None or frame.empty:
            continue
        mine = frame[frame["agency_code"] == agency_code]
        for code, value in zip(mine["indicator"], mine["value"], strict=True):
            if value == value:  # not NaN
                out.setdefault(str(code), {})[y] = float(value)
    return out


# ---- read ------------------------------------------------------------------------------


def _read_arrival(url: str, year: int, zones: Zones) -> Arrival:
    import fsspec

    inbox = Inbox.for_year(year, zones)
    fs, stripped = fsspec.core.url_to_fs(url)
    with fs.open(stripped, "rb") as fh:
        sha, size = archive_stream(zones, fh)
    checkpoint("intake:archived")
    entry: InboxFile | None
    try:
        entry = inbox.stat(url) if fs.protocol == inbox.fs.protocol else None
    except Exception:
        entry = None
    if entry is None or entry.relative.startswith(".."):
        info = fs.info(stripped)
        entry = InboxFile(url, stripped.rsplit("/", 1)[-1], size, _modified(info))
    sightings = tuple(s for s in load_sightings(zones, year, sha) if s.get("sha256") == sha)
    return Arrival(sha, size, entry, archive_path(zones, sha), read_receipt(zones, year, sha), sightings)


# ---- pure ------------------------------------------------------------------------------


# ---- the stage ----------------------------------------------------------------------------


def _credit_by_sender(zones: Zones, year: int, inbox_path: str, outcome: Any, catalogue: Catalogue) -> list[str]:
    """A refused file nothing in it names (sheets copied into a new workbook, their titles
    cleared, under a name of its own) is credited to the agency whose address sent it, when that
    address is one agency's (staff's contacts, else the registry; case ignored): the agency then
    shows as returned for correction and its notice is addressed to it. Returns the receipt's
    note saying so."""
    if outcome.status != "rejected" or outcome.agency_code or outcome.code == "lock_file":
        return []
    origin = mail_origin(zones, year, inbox_path)
    sender = str((origin or {}).get("sender") or "").strip().lower()
    if not sender:
        return []
    kept = contacts.read(zones)
    owners = {
        code
        for code, agency in catalogue.agencies.items()
        if sender in {a.lower() for a in (kept.get(code) or ([agency.email] if agency.email else []))}
    }
    if len(owners) != 1:
        return []
    outcome.agency_code = owners.pop()
    return [
        f"Tệp không cho biết của cơ quan, đơn vị nào; đã xác định theo địa chỉ thư của người gửi ({sender})"
    ]


@dataclass
class _Candidate:
    """A file archived, not a duplicate, waiting for its validation (nothing written yet)."""

    arrival: Arrival
    sighting: Sighting
    safe: str
    name_notes: list[str]
    inbox_agency: str | None
    check_name: str


def process_file(
    path: str | Path,
    year: int,
    zones: Zones,
    catalogue: Catalogue,
    limits: IntakeLimits | None = None,
    now: dt.datetime | None = None,
) -> Receipt:
    """Archive, check, read, normalise and validate one inbox file; write and return its receipt.

    ``path`` is a local path or any fsspec URL. Idempotent: receipts, staged data and feedback
    are keyed by the file's hash, so running it twice on the same bytes rewrites identical
    files. The same bytes under another name are a duplicate: recorded, not re-validated.
    Never raises for a bad file; an unexpected error becomes a rejected receipt.
    """
    return process_files([path], year, zones, catalogue, limits, now)[0]


def process_files(
    paths: list[str | Path],
    year: int,
    zones: Zones,
    catalogue: Catalogue,
    limits: IntakeLimits | None = None,
    now: dt.datetime | None = None,
) -> list[Receipt]:
    """:func:`process_file` for several files in one go (a chunk of the DAG): each is archived
    (read), all are assessed together (pure: one validation per suite for the batch), then each
    gets its outcome written in the crash-safe order, receipt before sighting (write). Each
    file's receipt is the one it gets alone; the same bytes twice in one batch: the second copy
    waits for the first one's receipt and is then a duplicate, as one file at a time."""

    limits = limits or IntakeLimits.from_env()
    now = now or dt.datetime.now(TZ)
    tables: dict[int, Any] = {}  # earlier years' indicator tables, read once for the batch
    seen: set[str] = set()
    slots: list[Receipt | _Candidate | str] = []
    for path in paths:
        arrival = _read_arrival(str(path), year, zones)
        if arrival.sha in seen:
            slots.append(str(path))
            continue
        seen.add(arrival.sha)
        entry = arrival.entry
        earlier = next((s for s in arrival.sightings if s["inbox_path"] == entry.relative), None)
        sighting: Sighting = {
            "sha256": arrival.sha,
            "inbox_path": entry.relative,
            "original_name": entry.name,
            "size": arrival.size,
            "modified_at": entry.modified.isoformat() if entry.modified else None,
            "first_seen_at": (earlier or {}).get("first_seen_at") or now.isoformat(),
        }
        known = arrival.known
        if known is not None and known.get("inbox_path") != entry.relative:
            receipt = duplicate_receipt(
                known, _aliases(arrival.sightings, known["inbox_path"], entry.relative)
            )
            write_receipt(zones, year, receipt)
            checkpoint("intake:receipt")
            record_sighting(zones, year, arrival.sha, sighting)
            log.info("%s: same bytes as %s (duplicate)", entry.relative, known["inbox_path"])
            slots.append(cast(Receipt, {**receipt, "duplicate_of": known["inbox_path"]}))
            continue
        safe, name_notes = safe_name(entry.name)
        check_name = safe if not entry.name.startswith("~$") else entry.name
        slots.append(
            _Candidate(
                arrival, sighting, safe, name_notes, _agency_folder(entry.folder, catalogue), check_name
            )
        )

    candidates = [c for c in slots if isinstance(c, _Candidate)]

    def history_of(size: int) -> Callable[[str | None], dict[str, dict[int, float]]]:
        def lookup(code: str | None) -> dict[str, dict[int, float]]:
            return _history(zones, year, code, tables) if size <= limits.max_file_bytes else {}

        return lookup

    outcomes = assess_batch(
        [(c.arrival.stored, c.check_name, c.inbox_agency, history_of(c.arrival.size)) for c in candidates],
        year,
        catalogue,
        limits,
    )
    done: dict[int, Receipt] = {}
    for c, outcome in zip(candidates, outcomes, strict=True):
        entry = c.arrival.entry
        sender_note = _credit_by_sender(zones, year, entry.relative, outcome, catalogue)
        receipt = build_receipt(
            c.arrival,
            year,
            outcome,
            catalogue,
            inbox_agency=c.inbox_agency,
            safe=c.safe,
            notes=arrival_notes(entry, c.inbox_agency, c.name_notes) + sender_note,
            first_seen_at=c.sighting["first_seen_at"],
            aliases=_aliases(c.arrival.sightings, entry.relative, entry.relative),
            received=entry.modified or now,
            max_issues=limits.max_errors_reported,
        )
        _write_outcome(zones, year, receipt, outcome, c.arrival.stored, original_name=entry.name)
        record_sighting(zones, year, c.arrival.sha, c.sighting)
        checkpoint("intake:sighted")
        done[id(c)] = receipt
    out: list[Receipt] = []
    for slot in slots:
        if isinstance(slot, _Candidate):
            out.append(done[id(slot)])
        elif isinstance(slot, str):  # after the first copy's receipt, as one file at a time
            out.append(process_files([slot], year, zones, catalogue, limits, now)[0])
        else:
            out.append(slot)
    return out


__all__ = [
    "Arrival",
    "assess",
    "assess_batch",
    "build_receipt",
    "cap_issues",
    "list_inbox",
    "list_new",
    "precheck",
    "process_file",
    "process_files",
    "receipt_path",
]
