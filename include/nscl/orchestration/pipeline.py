"""The annual run's stages as plain functions. The Airflow DAG calls them one per task; the
CLI and the tests call them directly. Each stage is idempotent."""

from __future__ import annotations

import logging
from typing import Any

from nscl.plan.catalogue import Catalogue, default_catalogue
from nscl.store.zones import Zones

log = logging.getLogger(__name__)


def list_inbox(year: int, zones: Zones | None = None) -> list[str]:
    from nscl.intake.process import list_inbox as _list

    return _list(zones or Zones.default(), year)


def process_submission(
    path: str, year: int, zones: Zones | None = None, catalogue: Catalogue | None = None
) -> dict[str, Any]:
    """Archive and validate one inbox file; the receipt (a small dict) is the task's result."""
    from nscl.intake.process import process_file

    receipt = process_file(path, year, zones or Zones.default(), catalogue or default_catalogue())
    duplicate = receipt.get("duplicate_of")
    log.info(
        "%s: %s (%s)%s",
        receipt["original_name"],
        receipt["status"],
        receipt.get("agency_code"),
        f", same bytes as {duplicate}" if duplicate else "",
    )
    small = {
        k: receipt.get(k) for k in ("sha256", "original_name", "agency_code", "status", "late", "outcome")
    }
    small["duplicate"] = bool(duplicate)
    return small


def consolidate(year: int, zones: Zones | None = None, catalogue: Catalogue | None = None) -> dict[str, Any]:
    """Curated tables of the year from every receipt on file (not only this run's), so a
    re-run or a partial run never loses an earlier submission."""
    from nscl.consolidate.status import current_receipts
    from nscl.consolidate.tables import consolidate as _consolidate

    zones = zones or Zones.default()
    summary = _consolidate(year, zones, catalogue or default_catalogue(), current_receipts(zones, year))
    return {k: summary[k] for k in ("year", "received_files", "accepted_agencies", "expected")}


def tfp_inputs_frame(year: int, zones: Zones):
    """The statistics office's latest accepted figures for ``year`` as the engine's input table
    (with territory, io_year and labour_share when the workbook gives them)."""
    from nscl.store.curated import load_table

    frame = load_table(zones, year, "tfp_inputs")
    if frame is None or frame.empty:
        return None
    frame = frame.dropna(subset=["grdp", "investment", "employment"]).sort_values("year")
    out = frame[["year", "grdp", "investment", "employment"]].copy()
    out["year"] = out["year"].astype(int)
    out["rd_spending"] = frame["rd_spending"]
    out["rd_share"] = frame["rd_spending"] / frame["grdp"] * 100
    out["trained_labour_share"] = frame["trained_labour_share"]
    if "territory" in frame.columns and frame["territory"].notna().any():
        out.insert(0, "territory", frame["territory"])
    if "io_year" in frame.columns and frame["io_year"].notna().any():
        out["io_year"] = frame["io_year"]
        out["labour_share"] = frame["labour_share_pct"] / 100
    return out.reset_index(drop=True)


def compute_tfp(year: int, zones: Zones | None = None) -> dict[str, Any]:
    """Run the TFP engine on the statistics office's inputs; writes curated/<year>/tfp.json.
    With territories, the reported boundary is the province of the report's year (from 2025
    the merged province, on one boundary for every year)."""
    from nscl.analysis.territories import boundary_proxies
    from nscl.analysis.tfp import TfpInputError, TfpParameters, default_periods, sensitivity
    from nscl.analysis.tfp import compute_tfp as engine
    from nscl.analysis.tfp_sti import sti_share_from_result
    from nscl.plan.territories import reported_territory
    from nscl.store.fsutil import atomic_write_json

    zones = zones or Zones.default()
    inputs = tfp_inputs_frame(year, zones)
    result: dict[str, Any] = {"year": year, "available": False}
    if inputs is not None:
        try:
            params = TfpParameters()
            # The plan's periods (2021-2025, 2026-2029) up to the report's year.
            # A period of one year (2026-2026 in the 2026 report) would repeat that year's row.
            periods = (
                [p for p in default_periods(range(2021, year + 1)) if p[1] > p[0]] if year >= 2021 else None
            )
            boundary = reported_territory(year) if "territory" in inputs.columns else None
            proxy_columns = ("rd_share", "rd_spending", "trained_labour_share")
            columns = [c for c in inputs.columns if c not in proxy_columns]
            res = engine(inputs[columns], params, periods, boundary=boundary)
            result = {"year": year, "available": True, **res.to_dict(), "warnings": list(res.warnings)}
            result["sensitivity"] = sensitivity(
                inputs[columns],
                period=(2021, min(year, 2025)) if year >= 2021 else None,
                boundary=boundary,
            )
            proxies = boundary_proxies(inputs, res.territories) if res.territories else inputs
            try:
                sti = sti_share_from_result(res, proxies, ["rd_share"], period=(2021, year))
                result["sti"] = sti.to_dict()
            except TfpInputError as exc:
                result["sti_unavailable"] = str(exc)
        except TfpInputError as exc:
            result = {"year": year, "available": False, "error": str(exc)}
    atomic_write_json(zones.curated(year) / "tfp.json", result)
    return {"year": year, "available": result["available"]}


def write_report(
    year: int,
    zones: Zones | None = None,
    catalogue: Catalogue | None = None,
    issued: str | None = None,
    template: str | None = None,
) -> str:
    """Write a new version of the annual report (from ``templates/bao-cao-nam.docx``) and its
    manifest; returns the .docx path. ``issued`` (YYYY-MM-DD) dates the report; by default the
    date staff set in the editorial store, else blank for the clerk (``nscl.reporting.build``)."""
    from nscl.reporting.build import write_annual

    path = write_annual(zones or Zones.default(), catalogue or default_catalogue(), year, issued, template)
    log.info("Report written: %s", path)
    return str(path)


def write_review(
    kind: str | None = None,
    zones: Zones | None = None,
    catalogue: Catalogue | None = None,
    issued: str | None = None,
    template: str | None = None,
    first: int | None = None,
    last: int | None = None,
) -> str:
    """Write a new version of the mid-term review ("mid-term", 2021-2025) or the final review
    ("final", 2021-2030) from every year's curated tables; returns the .docx path. Stored under
    ``reports/<last year>/`` as ``so-ket-2021-2025-vNNN.docx`` / ``tong-ket-2021-2030-vNNN.docx``.
    ``first``/``last`` review any range of years instead (``so-ket-<first>-<last>`` up to 2025,
    else ``tong-ket-<first>-<last>``; ``kind`` then follows from ``last`` unless given)."""
    from nscl.reporting.build import write_review as build_review
    from nscl.reporting.reviews import review_kind

    rk = review_kind(kind, first, last)
    path = build_review(zones or Zones.default(), catalogue or default_catalogue(), rk, issued, template)
    log.info("Review written: %s", path)
    return str(path)
