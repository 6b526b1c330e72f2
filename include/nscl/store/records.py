"""Typed records that cross stages and lie on disk as JSON. TypedDicts, so the files keep the
shape they have always had while the type checker sees every key."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class Issue(TypedDict, total=False):
    """One problem found in a workbook (what the feedback workbook marks)."""

    severity: str  # "error" | "warning"
    sheet: str
    cell: str | None
    row: int | None
    column: str | None
    value: Any
    expected: str
    rule: str


class Receipt(TypedDict, total=False):
    """``receipts/<year>/<sha256>.json``: what became of one received file."""

    sha256: str
    year: int
    original_name: str
    safe_name: str
    inbox_path: str
    inbox_agency: str | None
    size: int
    received_at: str
    first_seen_at: str
    late: bool
    agency_code: str | None
    agency_name: str | None
    template_version: str | None
    kind: str | None
    status: str  # "accepted" | "rejected"
    outcome: str
    message: str
    errors: list[Issue]  # the first ``max_errors_reported``; ``errors_total`` counts them all
    warnings: list[Issue]
    errors_total: int  # present only when some problems were left out of the lists
    warnings_total: int
    conversions: list[str]
    also_received_as: list[str]
    feedback_file: str
    reply_file: str
    format: str  # by content: xlsx, xlsm, xls, ods (absent when not read as a workbook)


class Sighting(TypedDict, total=False):
    """``receipts/<year>/sightings/<sha[:16]>-<path hash>.json``: one inbox file seen."""

    sha256: str
    inbox_path: str
    original_name: str
    size: int
    modified_at: str | None
    first_seen_at: str


class AgencyStatus(TypedDict):
    """Where one expected agency stands in a year."""

    agency_code: str
    agency_name: str
    state: str  # "on_time" | "late" | "rejected" | "missing"
    received_at: str | None
    files: int
    sha256: str | None
    version: int | None


class FileStatus(TypedDict):
    """What became of one received file (a duplicate under another name included)."""

    sha256: str
    agency_code: str | None
    version: int | None
    original_name: str
    inbox_path: str | None
    received_at: str | None
    late: bool | None
    outcome: str  # one of consolidate.status.OUTCOMES
    outcome_code: str | None
    superseded_by: str | None
    duplicate_of: str | None
    messages: list[str]


class YearStatus(TypedDict):
    """Who has reported in a year and what became of every file: ``nscl status``, the staff
    page and the report's appendix all read this one computation."""

    year: int
    expected: int
    counts: dict[str, int]
    agencies: list[AgencyStatus]
    files: list[FileStatus]
    damaged: list[str]


class UsedVersion(TypedDict):
    sha256: str
    version: int
    received_at: str


class YearSummary(TypedDict):
    """``curated/<year>/summary.json``: what the consolidation used."""

    year: int
    used: list[str]
    used_versions: dict[str, UsedVersion]
    status: list[AgencyStatus]
    received_files: int
    accepted_agencies: int
    expected: int
    # Money to confirm (nscl.intake.plausibility.MoneyWarning.to_dict), absent before issue 22.
    plausibility: NotRequired[list[dict[str, Any]]]


class ReportManifest(TypedDict, total=False):
    """``reports/<year>/<stem>-vNNN.manifest.json``: a report's inputs, parameters and origin."""

    kind: str
    year: int
    years: list[int]
    version: int
    document: str
    document_sha256: str
    pdf: dict[str, str] | None
    pdf_note: str | None
    code_version: str
    created_at: str
    dag_id: str | None
    run_id: str | None
    inputs: list[dict[str, Any]]
    parameters: dict[str, Any]
    template: dict[str, str]
