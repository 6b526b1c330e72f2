"""Consolidation: from the year's receipts, pick the submission that counts for each agency
(the latest accepted one), and write the curated tables for the year. Rewrites the year's
tables whole, so re-running never duplicates rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from nscl.consolidate.status import by_agency as group_by_agency
from nscl.consolidate.status import (
    file_state,
    reporting_status,
    select_submissions,
    submission_versions,
)
from nscl.intake.plausibility import money_warnings
from nscl.plan.catalogue import Catalogue, Expectation
from nscl.store import signed
from nscl.store.curated import TABLES, load_staged, load_table, write_generation
from nscl.store.records import Receipt, YearSummary
from nscl.store.zones import Zones

PLAN_FIRST_YEAR = 2021


def consolidate(year: int, zones: Zones, catalogue: Catalogue, receipts: list[Receipt]) -> YearSummary:
    """Write ``curated/<year>/*.csv`` and ``summary.json`` as one generation (a kill leaves the
    previous tables or the new ones, never a mix) and return the summary of who reported.
    Read (the chosen submissions' staged data) -> pure (``curate``) -> write.

    A year whose annual report is signed (and not reopened) is locked: files received after the
    signing are kept and answered, but the curated tables stay those of the signed figures."""
    locked = signed.lock(zones, year)
    if locked is not None:
        late = {id(r) for r in signed.received_after(locked, list(receipts))}
        receipts = [r for r in receipts if id(r) not in late]
    staged = {
        r["sha256"]: load_staged(zones, year, r["sha256"]) for r in select_submissions(receipts).values()
    }
    tables, summary = curate(
        year, receipts, staged, catalogue.expected_reporters(year), money_history(zones, year)
    )
    write_generation(zones, year, tables, dict(summary))
    return summary


def money_history(zones: Zones, year: int) -> dict[str, dict[int, float]]:
    """Agency -> year -> total money reported, for the plan's years before ``year``."""
    out: dict[str, dict[int, float]] = {}
    for y in range(PLAN_FIRST_YEAR, year):
        frame = load_table(zones, y, "budget")
        if frame is None or frame.empty:
            continue
        for code, value in frame.groupby("agency_code")["value"].sum().items():
            out.setdefault(str(code), {})[y] = float(value)
    return out


def money_checks(
    year: int, rows: dict[str, list[dict[str, Any]]], history: Mapping[str, Mapping[int, float]] | None
) -> list[dict[str, Any]]:
    """The plausibility warnings on the money of every agency used (``nscl.intake.plausibility``)."""
    budget: dict[str, dict[str, float]] = {}
    for b in rows["budget"]:
        v = b["value"]
        budget.setdefault(b["agency_code"], {})[b["source"]] = float(v) if v is not None else 0.0
    activity: dict[str, float] = {}
    for i in rows["indicator_values"]:
        v = i["value"]
        activity[i["agency_code"]] = activity.get(i["agency_code"], 0.0) + (
            1.0 if v is not None and v > 0 else 0.0
        )
    for e in rows["enterprises"]:
        activity[e["agency_code"]] = activity.get(e["agency_code"], 0.0) + 1.0
    described = {
        t["agency_code"]
        for t in rows["tasks"]
        if isinstance(t["result"], str)
        and t["result"].strip()
        and t["status"] in ("Hoàn thành", "Đang thực hiện")
    }
    totals = {code: sum(v for v in b.values() if v == v) for code, b in budget.items()}
    out = []
    for code, b in sorted(budget.items()):
        found = money_warnings(
            year, code, b, activity.get(code, 0.0), (history or {}).get(code), totals, code in described
        )
        for w in found:
            out.append(w.to_dict())
    return out


def curate(
    year: int,
    receipts: list[Receipt],
    staged: dict[str, dict[str, Any]],
    expected: Sequence[Expectation],
    history: Mapping[str, Mapping[int, float]] | None = None,
) -> tuple[dict[str, tuple[list[dict[str, Any]], list[str]]], YearSummary]:
    """The year's curated tables (rows and columns per table) and summary, from the receipts,
    the staged data of the chosen submissions (by hash), the expected reporters and the
    agencies' money of earlier years (``history``, for the plausibility warnings). No disk."""
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
        data = staged[r["sha256"]]
        base = {"year": year, "agency_code": code, "sha256": r["sha256"]}
        if data["kind"] == "tfp":
            for t in data["tfp"]:
                rows["tfp_inputs"].append({**base, **{k: v for k, v in t.items() if k != "row"}})
            continue
        for ind in data["indicators"]:
            rows["indicator_values"].append({**base, "indicator": ind["code"], "value": ind["value"]})
        for t in data["tasks"]:
            rows["tasks"].append(
                {
                    **base,
                    "task": t["code"],
                    "status": t["status"],
                    "result": t["result"],
                    "difficulties": t["difficulties"],
                }
            )
        for e in data["enterprises"]:
            rows["enterprises"].append({**base, **{k: v for k, v in e.items() if k != "row"}})
        for source, value in data["budget"].items():
            rows["budget"].append({**base, "source": source, "value": value})
        for field_name, text in data["narrative"].items():
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
    tables = {table: (rows[table], columns[table]) for table in TABLES}
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
        "plausibility": money_checks(year, rows, history),
    }
    return tables, summary
