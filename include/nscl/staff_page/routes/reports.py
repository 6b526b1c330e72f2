"""Tab "Báo cáo": every report version of every year, with its run and its files; the signed copy
of each report ("Đã ký: Số 123/BC-SKHCN ngày 28/11/2025"), its upload (checked against the
approved version, its digital signature verified: ``nscl.reporting.signed_copy``) and its
download from the raw archive."""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

from nscl.reporting import signed_copy
from nscl.settings import LOCAL_TZ
from nscl.staff_page.auth import require_read, require_write, user_name
from nscl.staff_page.common import current_year, parse_day, parse_year
from nscl.staff_page.queries import default_year, list_reports, years_with_data, zones
from nscl.staff_page.render import render
from nscl.store import signed
from nscl.store.archive import archive_path

log = logging.getLogger(__name__)
router = APIRouter()
KINDS = tuple(signed.KIND_NAMES)


def _page(request: Request, year: str | None, status_code: int = 200, **extra):
    z = zones()
    years = sorted(set(years_with_data(z)) | {current_year()}, reverse=True)
    chosen = parse_year(year, default_year(z))
    by_year = [(y, list_reports(z, y)) for y in (years if year is None else [chosen])]
    signed_by = {
        (y, g["kind"]): signed.current(z, y, g["kind"])
        for y, groups in by_year
        for g in groups
        if g["kind"] in KINDS
    }
    return render(
        request,
        "reports.html",
        status_code=status_code,
        tab="reports",
        year=chosen,
        years=years,
        by_year=by_year,
        all_years=year is None,
        signed_by=signed_by,
        signed_label=signed.label,
        locked={y: signed.lock(z, y) is not None for y, _ in by_year},
        late={y: _late(z, y) for y, _ in by_year},
        today=dt.datetime.now(LOCAL_TZ).date().isoformat(),  # the Department's day, not the server's
        **extra,
    )


def _late(z, year: int) -> list[dict]:
    """The files of a locked year received after its report was signed."""
    record = signed.lock(z, year)
    if record is None:
        return []
    from nscl.consolidate.status import year_status
    from nscl.staff_page.queries import catalogue

    return list(signed.received_after(record, list(year_status(year, z, catalogue())["files"])))


@router.get("/reports", response_class=HTMLResponse)
def reports_page(
    request: Request,
    year: str | None = None,
    added: str | None = None,
    _user=Depends(require_read),  # noqa: B008
):
    return _page(request, year, added=added if added in KINDS else None)


@router.get("/api/reports")
def reports_api(year: str | None = None, _user=Depends(require_read)):  # noqa: B008
    z = zones()
    years = [parse_year(year)] if year is not None else years_with_data(z)
    return {
        "years": {str(y): list_reports(z, y) for y in years},
        "signed": {str(y): signed.summary(z, y) for y in years},
    }


@router.post("/reports/signed")
async def add_signed(request: Request, user=Depends(require_write)):  # noqa: B008
    """The signed PDF with its number and date: kept as the version of record, or refused with
    the passages that differ from the approved version."""
    form = await request.form(max_files=1, max_fields=10)
    year = parse_year(str(form.get("year") or ""))
    kind = str(form.get("kind") or "annual")
    if kind not in KINDS:
        raise HTTPException(400, f"Loại báo cáo “{kind}” không có.")
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise HTTPException(400, "Chưa chọn tệp PDF đã ký.")
    data = await upload.read(signed_copy.MAX_BYTES + 1)
    try:
        day = parse_day(str(form.get("date") or ""))
        if day is None:
            raise ValueError("empty")
    except ValueError:
        return _page(
            request,
            str(year),
            400,
            refused={
                "kind": kind,
                "message": "Ngày văn bản không đúng: ghi ngày/tháng/năm, ví dụ 28/11/2025.",
            },
        )
    try:
        await run_in_threadpool(
            signed_copy.add_signed,
            zones(),
            year,
            kind,
            data,
            str(form.get("number") or ""),
            day,
            user_name(user),
            upload.filename or "",
        )
    except signed_copy.Refused as exc:
        refused = {"kind": kind, "message": str(exc), "passages": exc.passages}
        return _page(request, str(year), 400, refused=refused)
    except ValueError as exc:
        return _page(request, str(year), 400, refused={"kind": kind, "message": str(exc)})
    log.info("NSCL staff page: %s added the signed copy of %s %s", user_name(user), kind, year)
    root = str(request.scope.get("root_path", "")).rstrip("/")
    return RedirectResponse(
        f"{root}/reports?{urlencode({'year': year, 'added': kind})}#signed-{kind}", status_code=303
    )


@router.get("/reports/signed/{year}/{kind}")
def signed_file(year: int, kind: str, _user=Depends(require_read)):  # noqa: B008
    """The signed copy of record, from the raw archive."""
    if kind not in KINDS:
        raise HTTPException(404, "Không có loại báo cáo này.")
    z = zones()
    record = signed.current(z, parse_year(str(year)), kind)
    if record is None:
        raise HTTPException(404, "Báo cáo này chưa có bản đã ký.")
    path = archive_path(z, record["sha256"])
    if not path.is_file():
        raise HTTPException(404, "Không tìm thấy bản đã ký trong kho lưu trữ.")
    number = record["number"].split("/")[0]
    return FileResponse(path, media_type="application/pdf", filename=f"{kind}-{year}-da-ky-so-{number}.pdf")
