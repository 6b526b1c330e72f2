"""The annual run's stages as plain functions. The Airflow DAG calls them one per task; the
CLI and the tests call them directly. Each stage is idempotent."""

from __future__ import annotations

import logging
import math
import os
import sys
from typing import Any

from nscl.analysis.territories import boundary_proxies
from nscl.analysis.tfp import TfpInputError, TfpParameters, default_periods, sensitivity_around
from nscl.analysis.tfp import compute_tfp as engine
from nscl.analysis.tfp_sti import sti_share_from_result
from nscl.consolidate.status import current_receipts
from nscl.consolidate.tables import consolidate as _consolidate
from nscl.intake.gx_suites import _context
from nscl.intake.process import list_inbox as _list
from nscl.intake.process import process_file, process_files
from nscl.plan.catalogue import Catalogue, default_catalogue
from nscl.plan.territories import reported_territory
from nscl.reporting.build import write_annual
from nscl.reporting.build import write_review as build_review
from nscl.reporting.reviews import review_kind
from nscl.store.curated import load_table
from nscl.store.fsutil import atomic_write_json
from nscl.store.zones import Zones

log = logging.getLogger(__name__)


def list_inbox(year: int, zones: Zones | None = None) -> list[str]:

    return _list(zones or Zones.default(), year)


def process_submission(
    path: str, year: int, zones: Zones | None = None, catalogue: Catalogue | None = None
) -> dict[str, Any]:
    """Archive and validate one inbox file; the receipt (a small dict) is the task's result."""

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


def plan_year_chunks(files: list[dict[str, Any]], slots: int | None = None) -> list[dict[str, Any]]:
    """:func:`plan_chunks` for files that belong to different years (the mail intake: each
    workbook says its own year): ``files`` are ``{"path", "year"}``; each chunk holds one
    year's files and says which (``{"label", "paths", "year"}``), years in order."""
    by_year: dict[int, list[str]] = {}
    for f in files:
        by_year.setdefault(int(f["year"]), []).append(str(f["path"]))
    return [
        {**chunk, "year": year, "label": f"{year}: {chunk['label']}"}
        for year in sorted(by_year)
        for chunk in plan_chunks(by_year[year], slots)
    ]


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

    zones = zones or Zones.default()
    summary = _consolidate(year, zones, catalogue or default_catalogue(), current_receipts(zones, year))
    return {k: summary[k] for k in ("year", "received_files", "accepted_agencies", "expected")}


def tfp_inputs_frame(year: int, zones: Zones):
    """The statistics office's latest accepted figures for ``year`` as the engine's input table
    (with territory, io_year and labour_share when the workbook gives them)."""

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
            # Centred on the parameters used, for the period the report's headline gives: the
            # last period of two years or more in its table, else the year itself.
            reported = [r["year"] for r in res.years]
            headline = periods[-1] if periods else ((year, year) if year in reported else None)
            if headline is not None:
                result["sensitivity"] = sensitivity_around(inputs[columns], headline, params, boundary)
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

    rk = review_kind(kind, first, last)
    path = build_review(zones or Zones.default(), catalogue or default_catalogue(), rk, issued, template)
    log.info("Review written: %s", path)
    return str(path)
