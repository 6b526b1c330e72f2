"""The annual run's stages as plain functions. The Airflow DAG calls them one per task; the
CLI and the tests call them directly. Each stage is idempotent."""

from __future__ import annotations

import logging
from typing import Any

from .catalogue import Catalogue, default_catalogue
from .settings import Zones

log = logging.getLogger(__name__)


def list_inbox(year: int, zones: Zones | None = None) -> list[str]:
    from .intake import list_inbox as _list

    return _list(zones or Zones.default(), year)


def process_submission(
    path: str, year: int, zones: Zones | None = None, catalogue: Catalogue | None = None
) -> dict[str, Any]:
    """Archive and validate one inbox file; the receipt (a small dict) is the task's result."""
    from .intake import process_file

    receipt = process_file(path, year, zones or Zones.default(), catalogue or default_catalogue())
    log.info("%s: %s (%s)", receipt["original_name"], receipt["status"], receipt.get("agency_code"))
    return {k: receipt[k] for k in ("sha256", "original_name", "agency_code", "status", "late")}


def consolidate(year: int, zones: Zones | None = None, catalogue: Catalogue | None = None) -> dict[str, Any]:
    """Curated tables of the year from every receipt on file (not only this run's), so a
    re-run or a partial run never loses an earlier submission."""
    from .consolidate import consolidate as _consolidate
    from .intake import load_receipts

    zones = zones or Zones.default()
    summary = _consolidate(year, zones, catalogue or default_catalogue(), load_receipts(zones, year))
    return {k: summary[k] for k in ("year", "received_files", "accepted_agencies", "expected")}


def tfp_inputs_frame(year: int, zones: Zones):
    """The statistics office's latest accepted figures for ``year`` as the engine's input table."""
    from .consolidate import load_table

    frame = load_table(zones, year, "tfp_inputs")
    if frame is None or frame.empty:
        return None
    frame = frame.dropna(subset=["grdp", "investment", "employment"]).sort_values("year")
    out = frame[["year", "grdp", "investment", "employment"]].copy()
    out["year"] = out["year"].astype(int)
    out["rd_share"] = frame["rd_spending"] / frame["grdp"] * 100
    out["trained_labour_share"] = frame["trained_labour_share"]
    return out.reset_index(drop=True)


def compute_tfp(year: int, zones: Zones | None = None) -> dict[str, Any]:
    """Run the TFP engine on the statistics office's inputs; writes curated/<year>/tfp.json."""
    from .fsutil import atomic_write_json
    from .tfp import TfpInputError, TfpParameters, default_periods, sensitivity
    from .tfp import compute_tfp as engine
    from .tfp_sti import sti_share_from_result

    zones = zones or Zones.default()
    inputs = tfp_inputs_frame(year, zones)
    result: dict[str, Any] = {"year": year, "available": False}
    if inputs is not None:
        try:
            params = TfpParameters()
            # The plan's periods (2021-2025, 2026-2029) up to the report's year.
            periods = default_periods(range(2021, year + 1)) if year >= 2021 else None
            res = engine(inputs[["year", "grdp", "investment", "employment"]], params, periods)
            result = {"year": year, "available": True, **res.to_dict(), "warnings": list(res.warnings)}
            result["sensitivity"] = sensitivity(
                inputs[["year", "grdp", "investment", "employment"]],
                period=(2021, min(year, 2025)) if year >= 2021 else None,
            )
            try:
                sti = sti_share_from_result(res, inputs, ["rd_share"], period=(2021, year))
                result["sti"] = sti.to_dict()
            except TfpInputError as exc:
                result["sti_unavailable"] = str(exc)
        except TfpInputError as exc:
            result = {"year": year, "available": False, "error": str(exc)}
    atomic_write_json(zones.curated(year) / "tfp.json", result)
    return {"year": year, "available": result["available"]}


def write_report(year: int, zones: Zones | None = None, catalogue: Catalogue | None = None) -> str:
    """Write a new version of the annual report and its manifest; returns the .docx path."""
    import json

    import pandas as pd

    from .consolidate import load_table
    from .indicators import progress
    from .report import build_annual_report, content_digest, save_report

    zones = zones or Zones.default()
    catalogue = catalogue or default_catalogue()
    summary = json.loads((zones.curated(year) / "summary.json").read_text(encoding="utf-8"))
    tfp = json.loads((zones.curated(year) / "tfp.json").read_text(encoding="utf-8"))
    frames = [f for y in range(2021, year + 1) if (f := load_table(zones, y, "indicator_values")) is not None]
    values = pd.concat(frames, ignore_index=True) if frames else None
    extra = {("TFP_DOLUONG", year): 1.0} if tfp.get("available") else {}
    prog = progress(catalogue, year, values, extra)
    tables = {
        t: load_table(zones, year, t) for t in ("tasks", "enterprises", "budget", "narratives", "submissions")
    }
    doc = build_annual_report(
        catalogue, year, prog, summary["status"], tables, tfp if tfp.get("available") else None
    )
    inputs = []
    for y in range(2021, year + 1):
        subs = load_table(zones, y, "submissions")
        if subs is not None:
            for _, s in subs[subs["state"] == "used"].iterrows():
                inputs.append(
                    {
                        "year": y,
                        "agency_code": s["agency_code"],
                        "original_name": s["original_name"],
                        "sha256": s["sha256"],
                        "received_at": s["received_at"],
                    }
                )
    manifest = {
        "kind": "annual",
        "year": year,
        "inputs": inputs,
        "parameters": {"tfp": tfp.get("parameters")},
        "template": "built-in (python-docx)",
        "indicators": [p.to_dict() for p in prog],
    }
    manifest["content_digest"] = content_digest(manifest)
    path = save_report(doc, zones, year, manifest)
    log.info("Report written: %s", path)
    return str(path)
