"""The annual run's stages as plain functions. The Airflow DAG calls them one per task; the
CLI and the tests call them directly. Each stage is idempotent."""

from __future__ import annotations

import logging
import math
import os
import sys
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
    return _log_receipt(receipt)


def _log_receipt(receipt) -> dict[str, Any]:
    """Log one file's outcome (the task log lists every file) and return its small summary."""
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


def worker_slots() -> int:
    """How many tasks run at once on the workers: ``NSCL_WORKER_SLOTS``, else the Celery worker
    concurrency of the shared settings, else 2 (the embedded default's parallelism here)."""
    for name in ("NSCL_WORKER_SLOTS", "AIRFLOW__CELERY__WORKER_CONCURRENCY"):
        value = os.environ.get(name, "").strip()
        if value.isdigit() and int(value) > 0:
            return int(value)
    return 2


def plan_chunks(
    paths: list[str], slots: int | None = None, max_files: int | None = None, files: int | None = None
) -> list[dict[str, Any]]:
    """Split the inbox files into chunks, one task each: a multiple of ``slots`` chunks of at
    most ``max_files`` files (``NSCL_CHUNK_MAX_FILES``, default 200), as even as can be, in the
    listing's order; or chunks of exactly ``files`` files (``NSCL_CHUNK_FILES``) when set.
    Each chunk is ``{"label": ..., "paths": [...]}``; the label (e.g. "SCT.xlsx … SYT.xlsx
    (76 tệp)") names the chunk in the Airflow UI."""
    slots = max(1, slots or worker_slots())
    files = files or _env_int("NSCL_CHUNK_FILES")
    max_files = max(1, max_files or _env_int("NSCL_CHUNK_MAX_FILES") or 200)
    n = len(paths)
    if not n:
        return []
    if files:
        bounds = [(i, min(n, i + files)) for i in range(0, n, files)]
    else:
        count = slots * math.ceil(n / (slots * max_files))
        count = min(count, n)
        size, extra = divmod(n, count)
        bounds, start = [], 0
        for i in range(count):
            end = start + size + (1 if i < extra else 0)
            bounds.append((start, end))
            start = end
    return [{"label": chunk_label(paths[a:b]), "paths": list(paths[a:b])} for a, b in bounds]


def chunk_label(paths: list[str]) -> str:
    """A short name for a chunk in the Airflow UI: its first and last file and how many."""

    def name(p: str) -> str:
        n = p.rstrip("/").rsplit("/", 1)[-1]
        return n if len(n) <= 40 else n[:39] + "…"

    if len(paths) == 1:
        return name(paths[0])
    return f"{name(paths[0])} … {name(paths[-1])} ({len(paths)} tệp)"


def _env_int(name: str) -> int | None:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def process_chunk(
    paths: list[str], year: int, zones: Zones | None = None, catalogue: Catalogue | None = None
) -> dict[str, Any]:
    """Archive and validate a chunk of inbox files in this one process (one Great Expectations
    validation per suite for the chunk); every file still gets its own receipt, and a bad file
    is a rejected receipt, never an error. The result (the task's XCom) lists each file's
    outcome and where the time went. Idempotent like :func:`process_submission`: a retried
    chunk rewrites the same receipts.

    A file that cannot even be read from the inbox (a storage error, not a bad file) does not
    stop the others; the chunk then fails at the end, naming it, so that Airflow retries it."""
    import time

    started = time.time()
    preloaded = "great_expectations" in sys.modules
    t0 = time.perf_counter()
    import pandas  # noqa: F401

    from nscl.intake.gx_suites import _context
    from nscl.intake.process import process_file, process_files

    _context()  # imports Great Expectations and builds its context: the fixed cost, once
    t1 = time.perf_counter()
    zones = zones or Zones.default()
    catalogue = catalogue or default_catalogue()
    failed: list[str] = []
    try:
        receipts = process_files(list(paths), year, zones, catalogue)
    except Exception:
        log.exception("chunk of %d files: processing each file on its own", len(paths))
        receipts = []
        for p in paths:
            try:
                receipts.append(process_file(p, year, zones, catalogue))
            except Exception:
                log.exception("%s: not processed", p)
                failed.append(p)
    small = [_log_receipt(r) for r in receipts]
    t2 = time.perf_counter()
    summary = {
        "files": len(paths),
        "accepted": sum(1 for r in small if r["status"] == "accepted" and not r["duplicate"]),
        "rejected": sum(1 for r in small if r["status"] == "rejected" and not r["duplicate"]),
        "duplicates": sum(1 for r in small if r["duplicate"]),
        "receipts": small,
        "timings": {"started_at": started, "preloaded": preloaded, "imports_s": t1 - t0, "work_s": t2 - t1},
    }
    log.info(
        "chunk: %d files, %d accepted, %d rejected, %d duplicates (imports %.2f s, work %.2f s)",
        len(paths), summary["accepted"], summary["rejected"], summary["duplicates"], t1 - t0, t2 - t1,
    )  # fmt: skip
    if failed:
        raise RuntimeError(f"{len(failed)} file(s) could not be read from the inbox: {failed}")
    return summary


def consolidate(year: int, zones: Zones | None = None, catalogue: Catalogue | None = None) -> dict[str, Any]:
    """Curated tables of the year from every receipt on file (not only this run's), so a
    re-run or a partial run never loses an earlier submission."""
    from nscl.consolidate.tables import consolidate as _consolidate
    from nscl.store.receipts import load_receipts

    zones = zones or Zones.default()
    summary = _consolidate(year, zones, catalogue or default_catalogue(), load_receipts(zones, year))
    return {k: summary[k] for k in ("year", "received_files", "accepted_agencies", "expected")}


def tfp_inputs_frame(year: int, zones: Zones):
    """The statistics office's latest accepted figures for ``year`` as the engine's input table."""
    from nscl.store.curated import load_table

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
    from nscl.analysis.tfp import TfpInputError, TfpParameters, default_periods, sensitivity
    from nscl.analysis.tfp import compute_tfp as engine
    from nscl.analysis.tfp_sti import sti_share_from_result
    from nscl.store.fsutil import atomic_write_json

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
