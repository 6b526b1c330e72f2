"""Consolidation: from the year's receipts, pick the submission that counts for each agency
(the latest accepted one), and write the curated tables for the year. Rewrites the year's
tables whole, so re-running never duplicates rows."""

from __future__ import annotations

from typing import Any

from nscl.consolidate.status import by_agency as group_by_agency
from nscl.consolidate.status import (
    file_state,
    reporting_status,
    select_submissions,
    submission_versions,
)
from nscl.plan.catalogue import Catalogue
from nscl.store.curated import TABLES, load_staged, summary_path, write_table
from nscl.store.fsutil import atomic_write_json
from nscl.store.records import Receipt, YearSummary
from nscl.store.zones import Zones


def consolidate(year: int, zones: Zones, catalogue: Catalogue, receipts: list[Receipt]) -> YearSummary:
    """Write ``curated/<year>/*.csv`` and return a summary of who reported."""
    chosen = select_submissions(receipts)
    used = {r["sha256"] for r in chosen.values()}
    by_agency = group_by_agency(receipts)

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
        staged = load_staged(zones, year, r["sha256"])
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
            "territory",
            "grdp",
            "investment",
            "employment",
            "trained_labour_share",
            "rd_spending",
            "io_year",
            "labour_share_pct",
        ],
    }
    for table in TABLES:
        write_table(zones, year, table, rows[table], columns[table])

    expected = catalogue.expected_reporters(year)
    status = reporting_status(expected, by_agency, chosen)
    summary: YearSummary = {
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
    atomic_write_json(summary_path(zones, year), summary)
    return summary
