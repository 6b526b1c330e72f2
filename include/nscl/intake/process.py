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

from nscl.intake.inbox import InboxFile
from nscl.intake.writes import write_outcome as _write_outcome
from nscl.plan.catalogue import Catalogue
from nscl.settings import LOCAL_TZ, IntakeLimits
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
from nscl.store.records import Issue, Receipt, Sighting
from nscl.store.zones import Zones

log = logging.getLogger(__name__)
TZ = LOCAL_TZ
WORKBOOK_SUFFIXES = {".xlsx"}
INTERNAL_ERROR = (
    "Hệ thống gặp lỗi khi đọc tệp này; Sở Khoa học và Công nghệ sẽ kiểm tra và liên hệ lại, "
    "đơn vị chưa cần gửi lại."
)
LOCK_FILE = (
    "Tệp khóa tạm của Excel (tên bắt đầu bằng '~$'): Excel tạo tệp này khi một bảng tính đang mở, "
    "nó không chứa báo cáo. Sở đã lưu lại và bỏ qua; đơn vị không cần làm gì thêm."
)


def list_inbox(zones: Zones, year: int) -> list[str]:
    """Every file in the year's inbox (sub-folders and hidden names included), sorted for
    stable runs: local paths for a folder inbox, ``protocol://`` URLs for object storage."""
    from nscl.intake.inbox import Inbox

    return [f.url for f in Inbox.for_year(year, zones).list()]


def list_new(zones: Zones, year: int) -> list[str]:
    """Inbox files not done yet (for the hourly intake): not seen with this size and
    modification time, or seen but without a receipt (a run that died half way)."""
    from nscl.intake.inbox import Inbox

    done = {p.stem for p in zones.receipts(year).glob("*.json")} if zones.receipts(year).is_dir() else set()
    seen = {
        (s["inbox_path"], s["size"], s["modified_at"])
        for s in load_sightings(zones, year)
        if s.get("sha256") in done
    }
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


def _history(zones: Zones, year: int, agency_code: str | None) -> dict[str, dict[int, float]]:
    """The agency's own indicator values in earlier years, from the curated tables."""
    if not agency_code:
        return {}

    out: dict[str, dict[int, float]] = {}
    for y in range(2021, year):
        frame = load_table(zones, y, "indicator_values")
        if frame is None or frame.empty:
            continue
        mine = frame[frame["agency_code"] == agency_code]
        for code, value in zip(mine["indicator"], mine["value"], strict=True):
            if value == value:  # not NaN
                out.setdefault(str(code), {})[y] = float(value)
    return out


def _peek_agency(path: Path) -> str | None:
    """The agency code in a workbook's _meta sheet, for the outlier history. Only ever called
    on a file that passed the hostile checks (``assess``), so its cost is bounded."""
    try:
        from openpyxl import load_workbook

        from nscl.forms.workbook import read_meta

        with open(path, "rb") as fh:
            wb = load_workbook(fh, read_only=True, data_only=True)
            try:
                return read_meta(wb)["agency_code"]
            finally:
                wb.close()
    except Exception:
        return None


# ---- read ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Arrival:
    """One received file once archived, with what is already on file about its bytes."""

    sha: str
    size: int
    entry: InboxFile
    stored: Path
    known: Receipt | None  # an earlier receipt of the same bytes
    sightings: tuple[Sighting, ...]  # earlier sightings of the same bytes


def _read_arrival(url: str, year: int, zones: Zones) -> Arrival:
    import fsspec

    from nscl.intake.inbox import Inbox, _modified

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


def assess(
    stored: Path,
    name: str,
    year: int,
    catalogue: Catalogue,
    limits: IntakeLimits,
    inbox_agency: str | None,
    history_of: Callable[[str | None], dict[str, dict[int, float]]],
) -> Any:
    """The validation outcome of the archived bytes. The hostile checks come first: nothing
    opens the file's contents (openpyxl, zip, XML) before they pass. ``history_of`` gives an
    agency's earlier figures (for outlier warnings). Never raises."""
    from nscl.intake.hostile import inspect_file
    from nscl.intake.validation import _rejected, validate_file

    try:
        if name.startswith("~$"):
            return _rejected(LOCK_FILE, "lock_file")
        problem = inspect_file(stored, name, limits).problem
        if problem:
            return _rejected(problem.message, problem.code)
        history = history_of(inbox_agency or _peek_agency(stored))
        return validate_file(
            stored,
            year,
            catalogue,
            original_name=name,
            inbox_agency=inbox_agency,
            history=history,
            limits=limits,
        )
    except Exception:  # a bug must not stop the other files nor lose this one
        log.exception("Unexpected error validating %s", name)
        return _rejected(INTERNAL_ERROR, "internal_error")


def arrival_notes(entry: InboxFile, inbox_agency: str | None, name_notes: list[str]) -> list[str]:
    """What the receipt says about where and under what name a file arrived."""
    notes = [f"Tên tệp: {n}" for n in name_notes]
    if entry.name.startswith("."):
        notes.append(
            "Tên tệp: tệp ẩn (tên bắt đầu bằng dấu chấm), vẫn được tiếp nhận và kiểm tra như mọi tệp"
        )
    if entry.folder and not inbox_agency:
        folder = entry.relative.rsplit("/", 1)[0]
        notes.append(
            f"Tệp nằm trong thư mục con '{folder}' (không phải mã cơ quan); cơ quan lấy theo biểu mẫu"
        )
    return notes


def cap_issues(issues: list[Issue], limit: int) -> tuple[list[Issue], int]:
    """The first ``limit`` issues (errors before warnings, as found) and how many more."""
    if limit <= 0 or len(issues) <= limit:
        return issues, 0
    return issues[:limit], len(issues) - limit


def build_receipt(
    arrival: Arrival,
    year: int,
    outcome: Any,
    catalogue: Catalogue,
    *,
    inbox_agency: str | None,
    safe: str,
    notes: list[str],
    first_seen_at: str,
    aliases: list[str],
    received: dt.datetime,
    max_issues: int,
) -> Receipt:
    """The receipt of a validated file (pure: no disk)."""
    deadline = dt.datetime.combine(catalogue.deadline(year), dt.time(23, 59, 59), tzinfo=TZ)
    agency_name = None
    if outcome.agency_code and outcome.agency_code in catalogue.agencies:
        agency_name = catalogue.agency(outcome.agency_code).name
    errors = [cast(Issue, i.to_dict()) for i in outcome.issues if i.severity == "error"]
    warnings = [cast(Issue, i.to_dict()) for i in outcome.issues if i.severity == "warning"]
    listed_errors, more_errors = cap_issues(errors, max_issues)
    listed_warnings, more_warnings = cap_issues(warnings, max(max_issues - len(listed_errors), 1))
    receipt: Receipt = {
        "sha256": arrival.sha,
        "year": year,
        "original_name": arrival.entry.name,
        "safe_name": safe,
        "inbox_path": arrival.entry.relative,
        "inbox_agency": inbox_agency,
        "size": arrival.size,
        "received_at": received.isoformat(),
        "first_seen_at": first_seen_at,
        "late": received > deadline,
        "agency_code": outcome.agency_code,
        "agency_name": agency_name,
        "template_version": outcome.template_version,
        "kind": outcome.kind,
        "status": outcome.status,
        "outcome": outcome.code,
        "message": outcome.message,
        "errors": listed_errors,
        "warnings": listed_warnings,
        "conversions": notes + outcome.conversions,
        "also_received_as": aliases,
    }
    if more_errors or more_warnings:
        receipt["errors_total"] = len(errors)
        receipt["warnings_total"] = len(warnings)
    return receipt


def duplicate_receipt(known: Receipt, aliases: list[str]) -> Receipt:
    """The earlier receipt of the same bytes, now also naming this copy (pure)."""
    return cast(Receipt, {**known, "also_received_as": aliases})


def _aliases(sightings: tuple[Sighting, ...], primary: str, current: str) -> list[str]:
    return sorted(({s["inbox_path"] for s in sightings} | {current}) - {primary})


# ---- the stage ----------------------------------------------------------------------------


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
    from nscl.intake.hostile import safe_name

    limits = limits or IntakeLimits.from_env()
    now = now or dt.datetime.now(TZ)
    arrival = _read_arrival(str(path), year, zones)
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
        receipt = duplicate_receipt(known, _aliases(arrival.sightings, known["inbox_path"], entry.relative))
        write_receipt(zones, year, receipt)
        checkpoint("intake:receipt")
        record_sighting(zones, year, arrival.sha, sighting)
        log.info("%s: same bytes as %s (duplicate)", entry.relative, known["inbox_path"])
        return cast(Receipt, {**receipt, "duplicate_of": known["inbox_path"]})

    safe, name_notes = safe_name(entry.name)
    inbox_agency = _agency_folder(entry.folder, catalogue)
    outcome = assess(
        arrival.stored,
        safe if not entry.name.startswith("~$") else entry.name,
        year,
        catalogue,
        limits,
        inbox_agency,
        lambda code: _history(zones, year, code),
    )
    receipt = build_receipt(
        arrival,
        year,
        outcome,
        catalogue,
        inbox_agency=inbox_agency,
        safe=safe,
        notes=arrival_notes(entry, inbox_agency, name_notes),
        first_seen_at=sighting["first_seen_at"],
        aliases=_aliases(arrival.sightings, entry.relative, entry.relative),
        received=entry.modified or now,
        max_issues=limits.max_errors_reported,
    )
    _write_outcome(zones, year, receipt, outcome, arrival.stored, original_name=entry.name)
    record_sighting(zones, year, arrival.sha, sighting)
    checkpoint("intake:sighted")
    return receipt


__all__ = ["assess", "build_receipt", "cap_issues", "list_inbox", "list_new", "process_file", "receipt_path"]
