"""The pure core of the intake: what becomes of a received file, decided without writing
anything. ``precheck`` (lock files, the hostile-file checks: nothing opens a file's contents
before they pass), ``assess``/``assess_batch`` (the validation outcome, one Great Expectations
validation per suite for a batch), ``build_receipt`` and ``duplicate_receipt``. Tested without a
disk by ``tests/unit`` and driven by ``nscl.intake.process``, which reads and writes."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from nscl.intake.hostile import Inspection, inspect_file
from nscl.intake.inbox import InboxFile
from nscl.intake.validation import FileToValidate, _rejected, identify_agency, validate_files
from nscl.plan.catalogue import Catalogue
from nscl.settings import LOCAL_TZ, IntakeLimits
from nscl.store.records import Issue, Receipt, Sighting

log = logging.getLogger(__name__)
TZ = LOCAL_TZ
INTERNAL_ERROR = (
    "Hệ thống gặp lỗi khi đọc tệp này; Sở Khoa học và Công nghệ sẽ kiểm tra và liên hệ lại, "
    "đơn vị chưa cần gửi lại."
)
LOCK_FILE = (
    "Tệp khóa tạm của Excel (tên bắt đầu bằng '~$'): Excel tạo tệp này khi một bảng tính đang mở, "
    "nó không chứa báo cáo. Sở đã lưu lại và bỏ qua; đơn vị không cần làm gì thêm."
)


@dataclass(frozen=True)
class Arrival:
    """One received file once archived, with what is already on file about its bytes."""

    sha: str
    size: int
    entry: InboxFile
    stored: Path
    known: Receipt | None  # an earlier receipt of the same bytes
    sightings: tuple[Sighting, ...]  # earlier sightings of the same bytes


def precheck(stored: Path, name: str, limits: IntakeLimits) -> Any | None:
    """A rejected outcome when the file must not be opened at all (an Excel lock file, or a
    hostile-file check failed), else None. Nothing opens the file's contents before this."""
    return _precheck(stored, name, limits)[0]


def _precheck(stored: Path, name: str, limits: IntakeLimits) -> tuple[Any | None, Inspection | None]:
    """``precheck``'s outcome and the hostile scan it made (handed on to the validation, so each
    file is scanned once)."""
    if name.startswith("~$"):
        return _rejected(LOCK_FILE, "lock_file"), None
    inspection = inspect_file(stored, name, limits)
    problem = inspection.problem
    return (_rejected(problem.message, problem.code) if problem else None), inspection


def assess(
    stored: Path,
    name: str,
    year: int,
    catalogue: Catalogue,
    limits: IntakeLimits,
    inbox_agency: str | None,
    history_of: Callable[[str | None], dict[str, dict[int, float]]],
) -> Any:
    """The validation outcome of the archived bytes of one file. The hostile checks come first:
    nothing opens the file's contents (openpyxl, zip, XML) before they pass. ``history_of``
    gives an agency's earlier figures (for outlier warnings). Never raises."""
    return assess_batch([(stored, name, inbox_agency, history_of)], year, catalogue, limits)[0]


def assess_batch(
    files: list[tuple[Path, str, str | None, Callable[[str | None], dict[str, dict[int, float]]]]],
    year: int,
    catalogue: Catalogue,
    limits: IntakeLimits,
) -> list[Any]:
    """``assess`` for several files: the prechecks one by one, then one validation of every file
    that passed them (one Great Expectations validation per suite for the batch:
    ``nscl.intake.validation.validate_files``). Each outcome is the one the file gets alone; an
    unexpected error costs only its own file (an internal-error rejection). Never raises."""

    outcomes: list[Any] = [None] * len(files)
    scans: dict[int, Inspection | None] = {}
    todo: list[int] = []
    for i, (stored, name, _agency, _history_of) in enumerate(files):
        try:
            outcomes[i], scans[i] = _precheck(stored, name, limits)
        except Exception:  # a bug must not stop the other files nor lose this one
            log.exception("Unexpected error checking %s", name)
            outcomes[i] = _rejected(INTERNAL_ERROR, "internal_error")
        if outcomes[i] is None:
            todo.append(i)
    try:
        validated: list[Any] = validate_files(
            [FileToValidate(files[i][0], files[i][1], files[i][2], files[i][3], scans.get(i)) for i in todo],
            year,
            catalogue,
            limits,
        )
    except Exception as exc:  # a bug in the batch must not lose its files
        validated = [exc] * len(todo)
    for i, got in zip(todo, validated, strict=True):
        if isinstance(got, Exception):
            log.error("Unexpected error validating %s", files[i][1], exc_info=got)
            got = _rejected(INTERNAL_ERROR, "internal_error")
        outcomes[i] = got
    for i, outcome in enumerate(outcomes):
        scan = scans.get(i)
        if scan is not None and scan.problem is None and outcome.kind:
            outcome.file_format = scan.format
        # A refused file is credited to its agency wherever it can be told (the inbox folder, the
        # identity sheet, the template's file name, the sheets' title lines): the agency then
        # shows as returned for correction, and its notice is addressed to it.
        if outcome.status == "rejected" and not outcome.agency_code and outcome.code != "lock_file":
            stored, name, agency, _ = files[i]
            readable = scan is not None and scan.problem is None
            try:
                outcome.agency_code = agency or identify_agency(stored, name, catalogue, readable)
            except Exception:  # noqa: BLE001 - identification is a courtesy, never a failure
                log.exception("Could not identify the agency of %s", name)
    return outcomes


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
    if getattr(outcome, "file_format", None):
        receipt["format"] = outcome.file_format
    if more_errors or more_warnings:
        receipt["errors_total"] = len(errors)
        receipt["warnings_total"] = len(warnings)
    return receipt


def duplicate_receipt(known: Receipt, aliases: list[str]) -> Receipt:
    """The earlier receipt of the same bytes, now also naming this copy (pure)."""
    return cast(Receipt, {**known, "also_received_as": aliases})


def aliases(sightings: tuple[Sighting, ...], primary: str, current: str) -> list[str]:
    return sorted(({s["inbox_path"] for s in sightings} | {current}) - {primary})
