"""Tab "Tải tệp lên": a workbook an agency sent by e-mail, uploaded on its behalf."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from nscl.labels import RECEIPT_LABELS
from nscl.staff_page.auth import require_write, user_name
from nscl.staff_page.common import FIRST_YEAR, LAST_YEAR, max_upload_bytes, parse_year, process_on_upload
from nscl.staff_page.queries import CODE_RE, catalogue, default_year, expected, zones
from nscl.staff_page.render import render
from nscl.staff_page.uploads import process_upload, read_form, store_upload

log = logging.getLogger(__name__)
router = APIRouter()
YEARS = list(range(LAST_YEAR, FIRST_YEAR - 1, -1))


def upload_form(request: Request, year: int, result: dict[str, Any] | None = None, status_code: int = 200):
    agencies = expected(catalogue(), year)
    return render(
        request,
        "upload.html",
        status_code=status_code,
        tab="upload",
        year=year,
        years=YEARS,
        agencies=agencies,
        agency_names={a["code"]: a["name"] for a in agencies},
        max_mb=max_upload_bytes() // (1024 * 1024),
        result=result,
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


async def handle_upload(request: Request, user: Any) -> tuple[int, Path, dict[str, Any] | None, str | None]:
    fields, filename, data = await read_form(request)
    if not data:
        raise HTTPException(400, "Chưa chọn tệp để tải lên, hoặc tệp rỗng (0 byte).")
    year = parse_year(fields.get("year"))
    agency = check_agency(fields, year)
    note = (fields.get("note") or "").strip()[:300]
    path = await run_in_threadpool(store_upload, zones(), year, filename, data, user_name(user), agency, note)
    log.info("NSCL staff page: %s uploaded %s for %s", user_name(user), path, agency or "?")
    receipt, problem = None, None
    if process_on_upload():
        try:
            receipt = await run_in_threadpool(process_upload, path, year)
        except Exception as exc:  # noqa: BLE001 - the file is safe in the inbox; the DAG retries
            log.exception("NSCL staff page: processing %s failed", path)
            problem = f"{type(exc).__name__}: {exc}"
    return year, path, receipt, problem


@router.post("/upload", response_class=HTMLResponse)
async def upload_post(request: Request, user=Depends(require_write)):  # noqa: B008
    year, path, receipt, problem = await handle_upload(request, user)
    result = {
        "stored_name": path.name,
        "receipt": receipt,
        "status_label": RECEIPT_LABELS.get((receipt or {}).get("status") or "", None),
        "problem": problem,
        "processed": process_on_upload(),
    }
    return upload_form(request, year, result)


@router.post("/api/upload")
async def upload_api(request: Request, user=Depends(require_write)):  # noqa: B008
    year, path, receipt, problem = await handle_upload(request, user)
    keys = ("sha256", "status", "agency_code", "late", "errors", "warnings", "original_name")
    return {
        "year": year,
        "stored_name": path.name,
        "inbox_path": str(path.relative_to(zones().root)),
        "receipt": {k: receipt.get(k) for k in keys} if receipt else None,
        "problem": problem,
    }
