"""Consolidation: from the year's receipts, pick the submission that counts for each agency
(the latest accepted one), and write the curated tables for the year. Rewrites the year's
tables whole, so re-running never duplicates rows."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from nscl.plan.catalogue import Catalogue
from nscl.settings import Zones
from nscl.store.fsutil import atomic_write, atomic_write_json

TABLES = ("submissions", "indicator_values", "tasks", "enterprises", "budget", "narratives", "tfp_inputs")


def select_submissions(receipts: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The receipt that counts per agency: its latest accepted submission (ties by hash)."""
    chosen: dict[str, dict[str, Any]] = {}
    for r in sorted(receipts, key=lambda r: (r["received_at"], r["sha256"])):
        if r["status"] == "accepted" and r.get("agency_code"):
            chosen[r["agency_code"]] = r
    return chosen


def submission_versions(receipts: list[dict[str, Any]]) -> dict[str, int]:
    """Per receipt, its version number within its agency's submissions of the year (1 = the
    first file received, accepted or not); the same bytes twice are one version."""
    out: dict[str, int] = {}
    counts: dict[str, int] = defaultdict(int)
    for r in sorted(receipts, key=lambda r: (r["received_at"], r["sha256"])):
        if r["sha256"] in out:
            continue
        code = r.get("agency_code") or "?"
        counts[code] += 1
        out[r["sha256"]] = counts[code]
    return out


def file_state(r: dict[str, Any], chosen: dict[str, dict[str, Any]]) -> tuple[str, str]:
    """A receipt's place in the year: ("used", ""), ("superseded", sha of the file that
    replaced it) or ("rejected", "")."""
    code = r.get("agency_code") or ""
    if code in chosen and chosen[code]["sha256"] == r["sha256"]:
        return "used", ""
    if r["status"] == "accepted":
        return "superseded", chosen[code]["sha256"] if code in chosen else ""
    return "rejected", ""


# What ``nscl status`` reports per received file.
OUTCOMES = ("accepted", "superseded", "duplicate", "rejected", "unreadable")


def file_outcome(r: dict[str, Any], chosen: dict[str, dict[str, Any]]) -> str:
    """accepted (the file that counts), superseded, rejected, or unreadable (rejected without
    its workbook being read: refused as hostile, not an .xlsx, not the template...)."""
    state, _ = file_state(r, chosen)
    if state == "used":
        return "accepted"
    if state == "rejected" and not r.get("kind"):
        return "unreadable"
    return state


def _issue_text(issue: dict[str, Any]) -> str:
    from nscl.intake.feedback import SEVERITY_VI

    where = []
    if issue.get("sheet") and issue["sheet"] != "(tệp)":
        where.append(f"trang '{issue['sheet']}'")
    if issue.get("cell"):
        where.append(f"ô {issue['cell']}")
    place = f" ({', '.join(where)})" if where else ""
    return f"{SEVERITY_VI.get(issue.get('severity'), issue.get('severity'))}{place}: {issue.get('expected')}"


def year_status(year: int, zones: Zones, catalogue: Catalogue) -> dict[str, Any]:
    """Who has reported and what became of every received file, from the receipts on file
    (not the last consolidation): per expected agency its state (``reporting_status``), and
    per received file (every inbox file, a duplicate included) its outcome and messages."""
    from nscl.intake.process import load_receipts, load_sightings

    receipts = load_receipts(zones, year)
    chosen = select_submissions(receipts)
    by_agency: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in receipts:
        by_agency[r.get("agency_code") or "?"].append(r)
    status = reporting_status(catalogue.expected_reporters(year), by_agency, chosen)
    versions = submission_versions(receipts)
    sightings = {(s["sha256"], s["inbox_path"]): s for s in load_sightings(zones, year)}
    files: list[dict[str, Any]] = []
    for r in sorted(receipts, key=lambda r: (r["received_at"], r["sha256"])):
        _, by = file_state(r, chosen)
        messages = [r.get("message") or ""]
        for issue in (r.get("errors") or []) + (r.get("warnings") or []):
            if issue.get("expected") not in messages:
                messages.append(_issue_text(issue))
        if by:
            messages.append(f"Đã được thay bằng tệp gửi sau (mã tệp {by[:12]}).")
        base = {
            "sha256": r["sha256"],
            "agency_code": r.get("agency_code"),
            "version": versions.get(r["sha256"]),
        }
        files.append(
            {
                **base,
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
            seen = sightings.get((r["sha256"], alias), {})
            files.append(
                {
                    **base,
                    "original_name": seen.get("original_name") or alias.rsplit("/", 1)[-1],
                    "inbox_path": alias,
                    "received_at": seen.get("modified_at") or seen.get("first_seen_at"),
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
    counts = {k: 0 for k in ("on_time", "late", "rejected", "missing")}
    for s in status:
        counts[s["state"]] = counts.get(s["state"], 0) + 1
    return {
        "year": year,
        "expected": len(status),
        "counts": counts,
        "agencies": status,
        "files": files,
    }


def _write_csv(path: Path, rows: list[dict[str, Any]], columns: list[str]) -> None:
    import pandas as pd

    frame = pd.DataFrame(rows, columns=columns)
    atomic_write(path, lambda tmp: frame.to_csv(tmp, index=False, encoding="utf-8"))


def consolidate(
    year: int, zones: Zones, catalogue: Catalogue, receipts: list[dict[str, Any]]
) -> dict[str, Any]:
    """Write ``curated/<year>/*.csv`` and return a summary of who reported."""
    chosen = select_submissions(receipts)
    used = {r["sha256"] for r in chosen.values()}
    by_agency: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in receipts:
        by_agency[r.get("agency_code") or "?"].append(r)

    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
    versions = submission_versions(receipts)
    for r in sorted(receipts, key=lambda r: (r["received_at"], r["sha256"])):
        code = r.get("agency_code") or ""
        state, by = file_state(r, chosen)
        rows["submissions"].append(
            {
                "year": year,
                "agency_code": code,
                "original_name": r["original_name"],
                "sha256": r["sha256"],
                "received_at": r["received_at"],
                "late": r["late"],
                "status": r["status"],
                "state": state,
                "errors": len(r["errors"]),
                "warnings": len(r["warnings"]),
                "version": versions.get(r["sha256"], 0),
                "superseded_by": by,
                "outcome": r.get("outcome") or r["status"],
                "duplicates": len(r.get("also_received_as") or []),
            }
        )
    for code, r in sorted(chosen.items()):
        staged = json.loads(
            (zones.curated(year) / "staged" / f"{r['sha256']}.json").read_text(encoding="utf-8")
        )
        base = {"year": year, "agency_code": code, "sha256": r["sha256"]}
        if staged["kind"] == "tfp":
            for t in staged["tfp"]:
                rows["tfp_inputs"].append({**base, **{k: v for k, v in t.items() if k != "row"}})
            continue
        for ind in staged["indicators"]:
            rows["indicator_values"].append({**base, "indicator": ind["code"], "value": ind["value"]})
        for t in staged["tasks"]:
            rows["tasks"].append(
                {
                    **base,
                    "task": t["code"],
                    "status": t["status"],
                    "result": t["result"],
                    "difficulties": t["difficulties"],
                }
            )
        for e in staged["enterprises"]:
            rows["enterprises"].append({**base, **{k: v for k, v in e.items() if k != "row"}})
        for source, value in staged["budget"].items():
            rows["budget"].append({**base, "source": source, "value": value})
        for field_name, text in staged["narrative"].items():
            if text:
                rows["narratives"].append({**base, "field": field_name, "text": text})

    columns = {
        "submissions": [
            "year",
            "agency_code",
            "original_name",
            "sha256",
            "received_at",
            "late",
            "status",
            "state",
            "errors",
            "warnings",
            "version",
            "superseded_by",
            "outcome",
            "duplicates",
        ],
        "indicator_values": ["year", "agency_code", "sha256", "indicator", "value"],
        "tasks": ["year", "agency_code", "sha256", "task", "status", "result", "difficulties"],
        "enterprises": [
            "year",
            "agency_code",
            "sha256",
            "name",
            "tax_code",
            "locality",
            "support_type",
            "central",
            "provincial",
            "enterprise",
            "other",
        ],
        "budget": ["year", "agency_code", "sha256", "source", "value"],
        "narratives": ["year", "agency_code", "sha256", "field", "text"],
        "tfp_inputs": [
            "year",
            "agency_code",
            "sha256",
            "grdp",
            "investment",
            "employment",
            "trained_labour_share",
            "rd_spending",
        ],
    }
    for table in TABLES:
        _write_csv(zones.curated(year) / f"{table}.csv", rows[table], columns[table])

    expected = catalogue.expected_reporters(year)
    status = reporting_status(expected, by_agency, chosen)
    summary = {
        "year": year,
        "used": sorted(used),
        "used_versions": {
            code: {
                "sha256": r["sha256"],
                "version": versions.get(r["sha256"], 0),
                "received_at": r["received_at"],
            }
            for code, r in sorted(chosen.items())
        },
        "status": status,
        "received_files": len(receipts),
        "accepted_agencies": len(chosen),
        "expected": len(expected),
    }
    atomic_write_json(zones.curated(year) / "summary.json", summary)
    return summary


def reporting_status(expected, by_agency, chosen) -> list[dict[str, Any]]:
    """Per expected agency: on time, late, rejected (awaiting a fix) or missing."""
    out = []
    for exp in expected:
        code = exp.agency.code
        files = by_agency.get(code, [])
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


def load_table(zones: Zones, year: int, table: str):
    import pandas as pd

    path = zones.curated(year) / f"{table}.csv"
    if not path.exists():
        return None
    return pd.read_csv(path, dtype={"tax_code": str, "agency_code": str, "sha256": str})
