"""Who has reported, and what became of every received file: the one computation that the
report's appendix, ``nscl status``, the reminders and the staff page all use.

Pure functions over receipts (``select_submissions``, ``reporting_status``, ``file_rows``)
and one reader (``year_status``) that loads them from the store."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence

from nscl.labels import SEVERITY_LABELS
from nscl.plan.catalogue import Catalogue, Expectation
from nscl.store import withdrawals
from nscl.store.receipts import load_receipts, load_sightings
from nscl.store.records import AgencyStatus, FileStatus, Issue, Receipt, Sighting, YearStatus
from nscl.store.zones import Zones

# What ``nscl status`` reports per received file.
OUTCOMES = ("accepted", "superseded", "duplicate", "rejected", "unreadable")
STATES = ("on_time", "late", "rejected", "missing")


def _order(r: Receipt) -> tuple[str, str, str]:
    """Oldest first by the file's own time; two files of the same time (a file replaced by
    another with the same name and time) by when the intake first saw them, then by hash."""
    return (str(r["received_at"]), str(r.get("first_seen_at") or ""), r["sha256"])


def select_submissions(receipts: Iterable[Receipt], withdrawn: Collection[str] = ()) -> dict[str, Receipt]:
    """The receipt that counts per agency: its latest accepted submission (ties by first sight),
    leaving out the files staff withdrew (``nscl.store.withdrawals``)."""
    chosen: dict[str, Receipt] = {}
    for r in sorted(receipts, key=_order):
        if r["sha256"] in withdrawn:
            continue
        code = r.get("agency_code")
        if r["status"] == "accepted" and code:
            chosen[code] = r
    return chosen


def submission_versions(receipts: Iterable[Receipt]) -> dict[str, int]:
    """Per receipt, its version number within its agency's submissions of the year (1 = the
    first file received, accepted or not); the same bytes twice are one version."""
    out: dict[str, int] = {}
    counts: dict[str, int] = defaultdict(int)
    for r in sorted(receipts, key=_order):
        if r["sha256"] in out:
            continue
        code = r.get("agency_code") or "?"
        counts[code] += 1
        out[r["sha256"]] = counts[code]
    return out


def by_agency(receipts: Iterable[Receipt]) -> dict[str, list[Receipt]]:
    out: dict[str, list[Receipt]] = defaultdict(list)
    for r in sorted(receipts, key=_order):
        out[r.get("agency_code") or "?"].append(r)
    return out


def file_state(r: Receipt, chosen: dict[str, Receipt]) -> tuple[str, str]:
    """A receipt's place in the year: ("used", ""), ("superseded", sha of the file that
    replaced it) or ("rejected", "")."""
    code = r.get("agency_code") or ""
    if code in chosen and chosen[code]["sha256"] == r["sha256"]:
        return "used", ""
    if r["status"] == "accepted":
        return "superseded", chosen[code]["sha256"] if code in chosen else ""
    return "rejected", ""


def file_outcome(r: Receipt, chosen: dict[str, Receipt]) -> str:
    """accepted (the file that counts), superseded, rejected, or unreadable (rejected without
    its workbook being read: refused as hostile, not an .xlsx, not the template...)."""
    state, _ = file_state(r, chosen)
    if state == "used":
        return "accepted"
    if state == "rejected" and not r.get("kind"):
        return "unreadable"
    return state


def reporting_status(
    expected: Sequence[Expectation], files_by_agency: dict[str, list[Receipt]], chosen: dict[str, Receipt]
) -> list[AgencyStatus]:
    """Per expected agency: on time, late, rejected (awaiting a fix) or missing."""
    out: list[AgencyStatus] = []
    for exp in expected:
        code = exp.agency.code
        files = files_by_agency.get(code, [])
        when: str | None
        if code in chosen:
            state = "late" if chosen[code]["late"] else "on_time"
            when = chosen[code]["received_at"]
        elif files:
            state, when = "rejected", max(f["received_at"] for f in files)
        else:
            state, when = "missing", None
        versions = submission_versions(files)
        used = chosen[code]["sha256"] if code in chosen else None
        out.append(
            {
                "agency_code": code,
                "agency_name": exp.agency.name,
                "state": state,
                "received_at": when,
                "files": len(files),
                "sha256": used,
                "version": versions.get(used) if used else None,
            }
        )
    return out


def issue_text(issue: Issue) -> str:
    where = []
    if issue.get("sheet") and issue["sheet"] != "(tệp)":
        where.append(f"trang '{issue['sheet']}'")
    if issue.get("cell"):
        where.append(f"ô {issue['cell']}")
    place = f" ({', '.join(where)})" if where else ""
    severity = issue.get("severity") or ""
    return f"{SEVERITY_LABELS.get(severity, severity)}{place}: {issue.get('expected')}"


def file_rows(receipts: Sequence[Receipt], sightings: Sequence[Sighting]) -> list[FileStatus]:
    """Per received file (every inbox file, a duplicate included) its outcome and messages."""
    chosen = select_submissions(receipts)
    versions = submission_versions(receipts)
    seen = {(s["sha256"], s["inbox_path"]): s for s in sightings}
    files: list[FileStatus] = []
    for r in sorted(receipts, key=_order):
        _, by = file_state(r, chosen)
        messages = [r.get("message") or ""]
        for issue in (r.get("errors") or []) + (r.get("warnings") or []):
            if issue.get("expected") not in messages:
                messages.append(issue_text(issue))
        if by:
            messages.append(f"Đã được thay bằng tệp gửi sau (mã tệp {by[:12]}).")
        files.append(
            {
                "sha256": r["sha256"],
                "agency_code": r.get("agency_code"),
                "version": versions.get(r["sha256"]),
                "original_name": r["original_name"],
                "inbox_path": r.get("inbox_path"),
                "received_at": r["received_at"],
                "late": r.get("late"),
                "outcome": file_outcome(r, chosen),
                "outcome_code": r.get("outcome"),
                "superseded_by": by or None,
                "duplicate_of": None,
                "messages": [m for m in messages if m],
            }
        )
        for alias in r.get("also_received_as") or []:
            s = seen.get((r["sha256"], alias))
            files.append(
                {
                    "sha256": r["sha256"],
                    "agency_code": r.get("agency_code"),
                    "version": versions.get(r["sha256"]),
                    "original_name": (s or {}).get("original_name") or alias.rsplit("/", 1)[-1],
                    "inbox_path": alias,
                    "received_at": (s or {}).get("modified_at") or (s or {}).get("first_seen_at"),
                    "late": None,
                    "outcome": "duplicate",
                    "outcome_code": "duplicate",
                    "superseded_by": None,
                    "duplicate_of": r.get("inbox_path"),
                    "messages": [
                        f"Trùng nội dung với tệp '{r.get('inbox_path')}' đã nhận (cùng mã SHA-256); "
                        "không xử lý lại."
                    ],
                }
            )
    return files


def status_of(
    year: int,
    receipts: Sequence[Receipt],
    sightings: Sequence[Sighting],
    expected: Sequence[Expectation],
    damaged: Sequence[str] = (),
) -> YearStatus:
    """The pure core of ``year_status``."""
    chosen = select_submissions(receipts)
    agencies = reporting_status(expected, by_agency(receipts), chosen)
    counts = dict.fromkeys(STATES, 0)
    for s in agencies:
        counts[s["state"]] = counts.get(s["state"], 0) + 1
    return {
        "year": year,
        "expected": len(agencies),
        "counts": counts,
        "agencies": agencies,
        "files": file_rows(receipts, sightings),
        "damaged": list(damaged),
    }


def expected_or_none(catalogue: Catalogue, year: int) -> list[Expectation]:
    try:
        return list(catalogue.expected_reporters(year))
    except ValueError:  # a year outside the plan
        return []


def current_receipts(zones: Zones, year: int, damaged: list[str] | None = None) -> list[Receipt]:
    """The year's receipts without the files staff withdrew: what every count starts from."""
    gone = withdrawals.withdrawn(zones, year)
    return [r for r in load_receipts(zones, year, damaged) if r["sha256"] not in gone]


def year_status(year: int, zones: Zones, catalogue: Catalogue) -> YearStatus:
    """Who has reported and what became of every received file, from the receipts on file
    (not the last consolidation), so a file that arrived a minute ago is already counted. A
    withdrawn file counts for nothing: the agency is where it was before that file came."""
    damaged: list[str] = []
    receipts = current_receipts(zones, year, damaged)
    return status_of(year, receipts, load_sightings(zones, year), expected_or_none(catalogue, year), damaged)


def receipts_by_agency(zones: Zones, year: int) -> dict[str, list[Receipt]]:
    return by_agency(current_receipts(zones, year))


__all__ = [
    "OUTCOMES",
    "STATES",
    "by_agency",
    "current_receipts",
    "file_outcome",
    "file_rows",
    "file_state",
    "issue_text",
    "receipts_by_agency",
    "reporting_status",
    "select_submissions",
    "status_of",
    "submission_versions",
    "year_status",
]
