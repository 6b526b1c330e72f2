"""Tab "Tải tệp lên": a workbook an agency sent by e-mail, uploaded on its behalf. The upload
is a preview first (``nscl.staff_page.preview``); it counts only when staff confirm."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse

from nscl.labels import RECEIPT_LABELS
from nscl.staff_page import preview as pv
from nscl.staff_page.auth import require_write, user_name
from nscl.staff_page.common import FIRST_YEAR, LAST_YEAR, max_upload_bytes, parse_year, process_on_upload
from nscl.staff_page.queries import CODE_RE, catalogue, default_year, expected, zones
from nscl.staff_page.render import render
from nscl.staff_page.uploads import process_upload, read_form, store_upload

log = logging.getLogger(__name__)
router = APIRouter()
YEARS = list(range(LAST_YEAR, FIRST_YEAR - 1, -1))


def upload_form(request: Request, year: int, **ctx: Any) -> HTMLResponse:
    agencies = expected(catalogue(), year)
    return render(
        request,
        "upload.html",
        tab="upload",
        year=year,
        years=YEARS,
        agencies=agencies,
        agency_names={a["code"]: a["name"] for a in agencies},
        max_mb=max_upload_bytes() // (1024 * 1024),
        **{
            "result": None,
            "preview": None,
            "cancelled": request.query_params.get("done") == "cancelled",
            **ctx,
        },
    )


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request, year: str | None = None, _user=Depends(require_write)):  # noqa: B008
    return upload_form(request, parse_year(year, default_year(zones())))


def check_agency(fields: dict[str, str], year: int) -> str | None:
    agency = (fields.get("agency") or "").strip() or None
    if agency is not None and (
        not CODE_RE.match(agency) or agency not in {a["code"] for a in expected(catalogue(), year)}
    ):
        raise HTTPException(400, f"Cơ quan “{agency}” không thuộc danh sách phải báo cáo năm {year}.")
    return agency


async def read_upload(request: Request) -> tuple[int, str | None, bytes, str | None, str]:
    fields, filename, data = await read_form(request)
    if not data:
        raise HTTPException(400, "Chưa chọn tệp để tải lên, hoặc tệp rỗng (0 byte).")
    year = parse_year(fields.get("year"))
    return year, filename, data, check_agency(fields, year), (fields.get("note") or "").strip()[:300]


def receive(path_year: tuple[Path, int]) -> tuple[dict[str, Any] | None, str | None]:
    """Process the file now (unless turned off); a failure leaves it for the next DAG run."""
    path, year = path_year
    if not process_on_upload():
        return None, None
    try:
        return process_upload(path, year), None
    except Exception as exc:  # noqa: BLE001 - the file is safe in the inbox; the DAG retries
        log.exception("NSCL staff page: processing %s failed", path)
        return None, f"{type(exc).__name__}: {exc}"


@router.post("/upload", response_class=HTMLResponse)
async def upload_post(request: Request, user=Depends(require_write)):  # noqa: B008
    """Step 1: keep the file aside and show what it is."""
    year, filename, data, agency, note = await read_upload(request)
    z = zones()
    token = await run_in_threadpool(pv.stage, z, year, filename, data, user_name(user), agency, note)
    meta, path = pv.load_pending(z, token)
    shown = await run_in_threadpool(pv.preview, z, catalogue(), {**meta, "token": token}, path)
    return upload_form(request, year, preview=shown)


@router.post("/upload-confirm", response_class=HTMLResponse)
async def upload_confirm(request: Request, user=Depends(require_write)):  # noqa: B008
    """Step 2: into the inbox like any agency's file, then processed."""
    fields, _, _ = await read_form(request)
    z = zones()
    token = fields.get("token", "")
    meta, path = pv.load_pending(z, token)
    year = int(meta["year"])
    stored = await run_in_threadpool(
        store_upload,
        z,
        year,
        meta["original_name"],
        path.read_bytes(),
        user_name(user),
        meta.get("agency"),
        meta.get("note") or "",
    )
    pv.discard(z, token)
    log.info("NSCL staff page: %s uploaded %s for %s", user_name(user), stored, meta.get("agency") or "?")
    receipt, problem = await run_in_threadpool(receive, (stored, year))
    result = {
        "stored_name": stored.name,
        "receipt": receipt,
        "status_label": RECEIPT_LABELS.get((receipt or {}).get("status") or "", None),
        "duplicate_of": (receipt or {}).get("duplicate_of"),
        "problem": problem,
    }
    return upload_form(request, year, result=result)


@router.post("/upload-cancel")
async def upload_cancel(request: Request, _user=Depends(require_write)):  # noqa: B008
    fields, _, _ = await read_form(request)
    z = zones()
    meta, _ = pv.load_pending(z, fields.get("token", ""))
    pv.discard(z, fields.get("token", ""))
    return RedirectResponse(f"upload?year={int(meta['year'])}&done=cancelled", status_code=303)


@router.post("/api/upload")
async def upload_api(request: Request, user=Depends(require_write)):  # noqa: B008
    """For scripts: straight in (no preview step), the same checks and processing."""
    year, filename, data, agency, note = await read_upload(request)
    path = await run_in_threadpool(store_upload, zones(), year, filename, data, user_name(user), agency, note)
    receipt, problem = await run_in_threadpool(receive, (path, year))
    keys = ("sha256", "status", "agency_code", "late", "errors", "warnings", "original_name", "duplicate_of")
    return {
        "year": year,
        "stored_name": path.name,
        "inbox_path": str(path.relative_to(zones().root)),
        "receipt": {k: receipt.get(k) for k in keys} if receipt else None,
        "problem": problem,
    }
