"""Intake: archive every received file byte for byte (content-addressed), check it for hostile
content, read, normalise and validate it, record a receipt, and prepare what goes back to the
agency. Validation failures and hostile files are data (a rejected receipt), never exceptions.

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
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from nscl.plan.catalogue import Catalogue
from nscl.settings import LOCAL_TZ, IntakeLimits
from nscl.store.archive import archive_path, archive_stream
from nscl.store.curated import load_table, staged_path
from nscl.store.fsutil import atomic_write_bytes, atomic_write_json, atomic_write_text
from nscl.store.receipts import load_sightings, receipt_path, record_sighting, write_receipt
from nscl.store.records import Issue, Receipt
from nscl.store.zones import Zones

log = logging.getLogger(__name__)
TZ = LOCAL_TZ
WORKBOOK_SUFFIXES = {".xlsx"}


def list_inbox(zones: Zones, year: int) -> list[str]:
    """Every file in the year's inbox (sub-folders included), sorted for stable runs: local
    paths for a folder inbox, ``protocol://`` URLs for object storage."""
    from nscl.intake.inbox import Inbox

    return [f.url for f in Inbox.for_year(year, zones).list()]


def list_new(zones: Zones, year: int) -> list[str]:
    """Inbox files not seen yet with this size and modification time (for the hourly intake)."""
    from nscl.intake.inbox import Inbox

    seen = {(s["inbox_path"], s["size"], s["modified_at"]) for s in load_sightings(zones, year)}
    out = []
    for f in Inbox.for_year(year, zones).list():
        if (f.relative, f.size, f.modified.isoformat() if f.modified else None) not in seen:
            out.append(f.url)
    return out




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
    """:func:`process_file` for several files in one go: each is archived and recorded first,
    then all are validated together (one Great Expectations validation per suite:
    ``nscl.intake.validation.validate_files``), then each gets its receipt and replies, in
    order. Each file's receipt is the one it gets alone."""
    from nscl.intake.validation import FileToValidate, validate_files

    limits = limits or IntakeLimits.from_env()
    now = now or dt.datetime.now(TZ)
    batch: set[str] = set()  # the same bytes twice in one batch: the second waits (a duplicate)
    tables: dict[int, Any] = {}  # earlier years' indicator tables, for every file's history
    received = [_receive(p, year, zones, catalogue, limits, now, batch, tables) for p in paths]
    pending = [r for r in received if isinstance(r, _Received)]
    try:
        outcomes = validate_files(
            [FileToValidate(r.stored, r.safe, r.inbox_agency, r.history) for r in pending],
            year,
            catalogue,
            limits,
        )
    except Exception as exc:  # a bug must not stop the other files nor lose them
        outcomes = [exc] * len(pending)
    by_id = {id(r): o for r, o in zip(pending, outcomes, strict=True)}
    done = {id(r): _complete(r, by_id[id(r)], year, zones, catalogue) for r in pending}
    out: list[Receipt] = []
    for r in received:
        if isinstance(r, _Received):
            out.append(done[id(r)])
        elif isinstance(r, str):  # after the first copy's receipt, as one file at a time
            out.append(process_file(r, year, zones, catalogue, limits, now))
        else:
            out.append(r)
    return out


@dataclass
class _Received:
    """A file archived and sighted, waiting for its validation."""

    sha: str
    size: int
    entry: Any
    received: dt.datetime
    safe: str
    name_notes: list[str]
    sighting: Any
    inbox_agency: str | None
    stored: Path
    history: Any  # agency code -> the agency's earlier figures (validation calls it)


def _receive(
    path: str | Path,
    year: int,
    zones: Zones,
    catalogue: Catalogue,
    limits: IntakeLimits,
    now: dt.datetime,
    batch: set[str] | None = None,
    tables: dict[int, Any] | None = None,
) -> _Received | Receipt | str:
    """Archive and sight one file; a duplicate's receipt, or what its validation needs, or (the
    same bytes as an earlier file of ``batch``, the hashes received so far) its path, for later."""
    import fsspec

    from nscl.intake.hostile import safe_name
    from nscl.intake.inbox import Inbox

    inbox = Inbox.for_year(year, zones)
    url = str(path)
    fs, stripped = fsspec.core.url_to_fs(url)
    with fs.open(stripped, "rb") as fh:
        sha, size = archive_stream(zones, fh)
    if batch is not None:
        if sha in batch:
            return url
        batch.add(sha)
    try:
        entry = inbox.stat(url) if fs.protocol == inbox.fs.protocol else None
    except Exception:
        entry = None
    if entry is None or entry.relative.startswith(".."):
        from nscl.intake.inbox import InboxFile, _modified

        info = fs.info(stripped)
        entry = InboxFile(url, stripped.rsplit("/", 1)[-1], size, _modified(info))
    received = entry.modified or now
    original_name = entry.name
    safe, name_notes = safe_name(original_name)
    sighting = record_sighting(
        zones,
        year,
        sha,
        {
            "sha256": sha,
            "inbox_path": entry.relative,
            "original_name": original_name,
            "size": size,
            "modified_at": entry.modified.isoformat() if entry.modified else None,
            "first_seen_at": now.isoformat(),
        },
    )
    existing = receipt_path(zones, year, sha)
    if existing.exists():
        known: Receipt = json.loads(existing.read_text(encoding="utf-8"))
        if known.get("inbox_path") != entry.relative:
            known["also_received_as"] = _aliases(zones, year, sha, known["inbox_path"])
            atomic_write_json(existing, known)
            log.info("%s: same bytes as %s (duplicate)", entry.relative, known["inbox_path"])
            return cast(Receipt, {**known, "duplicate_of": known["inbox_path"]})

    inbox_agency = _agency_folder(entry.folder, catalogue)
    stored = archive_path(zones, sha)
    # The agency's earlier figures, looked up once validation has read the workbook's agency
    # (the inbox folder's agency first, as before).
    tables = {} if tables is None else tables

    def history(agency_code: str | None) -> dict[str, dict[int, float]]:
        return _history(zones, year, agency_code, tables) if size <= limits.max_file_bytes else {}

    return _Received(sha, size, entry, received, safe, name_notes, sighting, inbox_agency, stored, history)


def _complete(r: _Received, outcome: Any, year: int, zones: Zones, catalogue: Catalogue) -> Receipt:
    """Write one validated file's receipt, staged data, replies and Data Docs."""
    sha, size, entry, received, safe = r.sha, r.size, r.entry, r.received, r.safe
    original_name, name_notes, sighting, inbox_agency = entry.name, r.name_notes, r.sighting, r.inbox_agency
    stored = r.stored
    deadline = dt.datetime.combine(catalogue.deadline(year), dt.time(23, 59, 59), tzinfo=TZ)
    if isinstance(outcome, Exception):  # a bug must not lose this file
        error = outcome if isinstance(outcome, Exception) else None
        log.error("Unexpected error validating %s (%s)", entry.relative, sha, exc_info=error)
        from nscl.intake.validation import _rejected

        outcome = _rejected(
            "Hệ thống gặp lỗi khi đọc tệp này; Sở Khoa học và Công nghệ sẽ kiểm tra và liên hệ lại, "
            "đơn vị chưa cần gửi lại.",
            "internal_error",
        )
    agency_name = None
    if outcome.agency_code and outcome.agency_code in catalogue.agencies:
        agency_name = catalogue.agency(outcome.agency_code).name
    receipt: Receipt = {
        "sha256": sha,
        "year": year,
        "original_name": original_name,
        "safe_name": safe,
        "inbox_path": entry.relative,
        "inbox_agency": inbox_agency,
        "size": size,
        "received_at": received.isoformat(),
        "first_seen_at": sighting["first_seen_at"],
        "late": received > deadline,
        "agency_code": outcome.agency_code,
        "agency_name": agency_name,
        "template_version": outcome.template_version,
        "kind": outcome.kind,
        "status": outcome.status,
        "outcome": outcome.code,
        "message": outcome.message,
        "errors": [cast(Issue, i.to_dict()) for i in outcome.issues if i.severity == "error"],
        "warnings": [cast(Issue, i.to_dict()) for i in outcome.issues if i.severity == "warning"],
        "conversions": [f"Tên tệp: {n}" for n in name_notes] + outcome.conversions,
        "also_received_as": _aliases(zones, year, sha, entry.relative),
    }
    if outcome.data is not None and outcome.status == "accepted":
        atomic_write_json(staged_path(zones, year, sha), outcome.data)
    _write_replies(zones, year, receipt, outcome, stored)
    if outcome.gx_results:
        try:
            from nscl.intake.gx_suites import render_data_docs

            render_data_docs(outcome.gx_results, zones.data_docs(year) / sha, f"{original_name} ({sha[:12]})")
        except Exception:  # Data Docs are for operators; a rendering problem must not cost the receipt
            log.exception("Data Docs not written for %s", sha)
    write_receipt(zones, year, receipt)
    return receipt


def _aliases(zones: Zones, year: int, sha: str, primary: str) -> list[str]:
    return sorted(
        {s["inbox_path"] for s in load_sightings(zones, year, sha) if s["sha256"] == sha} - {primary}
    )


def _write_replies(zones: Zones, year: int, receipt: Receipt, outcome: Any, stored: Path) -> None:
    """Quarantine a rejected file with its feedback; write the agency's reply files."""
    from nscl.intake.feedback import feedback_name, reply_text, write_feedback_workbook

    issues = receipt["errors"] + receipt["warnings"]
    if receipt["status"] == "rejected":
        folder = zones.quarantine(year) / receipt["sha256"]
        target = folder / receipt["safe_name"]
        if not target.exists():
            atomic_write_bytes(target, stored.read_bytes())
        atomic_write_json(
            folder / "feedback.json", {"errors": receipt["errors"], "warnings": receipt["warnings"]}
        )
    else:
        folder = zones.replies(year) / receipt["sha256"]
    if issues:
        name = feedback_name(receipt["safe_name"])
        write_feedback_workbook(stored if outcome.readable else None, receipt, issues, folder / name)
        receipt["feedback_file"] = str((folder / name).relative_to(zones.root))
    atomic_write_text(folder / "bien-nhan.txt", reply_text(receipt))
    receipt["reply_file"] = str((folder / "bien-nhan.txt").relative_to(zones.root))

