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
    from nscl.consolidate.tables import consolidate as _consolidate
    from nscl.store.receipts import load_receipts

    zones = zones or Zones.default()
    summary = _consolidate(year, zones, catalogue or default_catalogue(), load_receipts(zones, year))
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
    reporting deadline of the year (staff change it when signing)."""
    import datetime as dt
    from pathlib import Path

    from nscl.analysis.indicators import progress
    from nscl.reporting.context import (
        annual_context,
        indicator_values,
        inputs_of,
        load_settings,
        load_year,
        tfp_measured,
    )
    from nscl.reporting.render import content_digest, render, save_report, template_info
    from nscl.reporting.templates import template_path

    zones = zones or Zones.default()
    catalogue = catalogue or default_catalogue()
    tpl = Path(template) if template else template_path("annual")
    day = dt.date.fromisoformat(issued) if issued else catalogue.deadline(year)
    data = [load_year(zones, y) for y in range(2021, year + 1)]
    if data[-1].summary is None:
        raise FileNotFoundError(f"Chưa có số liệu tổng hợp năm {year} ({zones.curated(year)}/summary.json)")
    prog = progress(catalogue, year, indicator_values(data), tfp_measured(data[-1:]) | tfp_measured(data))
    settings = load_settings("annual")
    context = annual_context(catalogue, year, prog, data, settings, day)
    doc = render("annual", context, tpl)
    tfp = data[-1].tfp or {}
    manifest = {
        "kind": "annual",
        "year": year,
        "inputs": inputs_of(data),
        "parameters": {"tfp": tfp.get("parameters"), "issued": day.isoformat(), "settings": settings},
        "template": template_info(tpl),
        "indicators": [p.to_dict() for p in prog],
    }
    manifest["content_digest"] = content_digest(manifest)
    path = save_report(doc, zones, year, manifest)
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
    import datetime as dt
    from pathlib import Path

    from nscl.reporting.context import inputs_of, load_settings, load_year
    from nscl.reporting.render import content_digest, render, save_report, template_info
    from nscl.reporting.reviews import default_issue_date, review_context, review_kind
    from nscl.reporting.templates import template_path

    rk = review_kind(kind, first, last)
    kind = rk.kind
    zones = zones or Zones.default()
    catalogue = catalogue or default_catalogue()
    tpl = Path(template) if template else template_path(kind)
    day = dt.date.fromisoformat(issued) if issued else default_issue_date(rk)
    data = [load_year(zones, y) for y in rk.years]
    if not any(d.summary for d in data):
        raise FileNotFoundError(f"Chưa có số liệu tổng hợp của năm nào trong {rk.first}-{rk.last}")
    settings = load_settings(kind)
    context = review_context(catalogue, rk, data, settings, day)
    doc = render(kind, context, tpl)
    last_tfp = next((d.tfp for d in reversed(data) if d.tfp), None) or {}
    manifest = {
        "kind": kind,
        "year": rk.last,
        "first_year": rk.first,
        "years": [d.year for d in data if d.summary],
        "inputs": inputs_of(data),
        "parameters": {"tfp": last_tfp.get("parameters"), "issued": day.isoformat(), "settings": settings},
        "template": template_info(tpl),
        "indicators": context["indicators"],
    }
    manifest["content_digest"] = content_digest(manifest)
    path = save_report(doc, zones, rk.last, manifest, stem=rk.stem)
    log.info("Review written: %s", path)
    return str(path)
