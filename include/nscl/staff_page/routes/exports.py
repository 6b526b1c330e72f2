"""Everything at once: all feedback files, all blank workbooks, the status table in Excel."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from nscl.staff_page import exports, mailing
from nscl.staff_page.auth import require_read
from nscl.staff_page.common import parse_year
from nscl.staff_page.queries import catalogue, submission_status, zones

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(data: bytes, name: str, media: str) -> Response:
    return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/export/{year}/phan-hoi.zip")
def feedback_zip(year: str, _user=Depends(require_read)):  # noqa: B008
    y = parse_year(year)
    z = zones()
    data, n = exports.feedback_zip(z, y, submission_status(z, catalogue(), y))
    if not n:
        raise HTTPException(404, f"Chưa có tệp phản hồi nào của năm {y}.")
    return attachment(data, f"phan-hoi-{y}.zip", "application/zip")


@router.get("/export/{year}/bieu-mau-trang.zip")
async def blanks_zip(year: str, _user=Depends(require_read)):  # noqa: B008
    y = parse_year(year)
    data, n = await run_in_threadpool(exports.blanks_zip, catalogue(), y)
    if not n:
        raise HTTPException(404, f"Không có cơ quan nào phải báo cáo năm {y}.")
    return attachment(data, f"bieu-mau-trang-{y}.zip", "application/zip")


@router.get("/export/{year}/tinh-hinh-nop.xlsx")
def status_xlsx(year: str, _user=Depends(require_read)):  # noqa: B008
    y = parse_year(year)
    z, cat = zones(), catalogue()
    status = submission_status(z, cat, y)
    codes = [a["agency_code"] for a in status["agencies"]]
    data = exports.status_workbook(status, mailing.contacts(z, cat, codes), mailing.sent_log(z, y))
    return attachment(data, f"tinh-hinh-nop-bao-cao-{y}.xlsx", XLSX)
