"""Tab "Tình hình nộp báo cáo": who has reported, problems first, every action one click away
(e-mail the agency, download its feedback, withdraw a file uploaded by mistake)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from nscl.labels import STATE_ORDER
from nscl.staff_page import mailing
from nscl.staff_page.auth import require_read
from nscl.staff_page.common import parse_year
from nscl.staff_page.queries import catalogue, default_year, submission_status, year_choices, zones
from nscl.staff_page.render import render

router = APIRouter()

# What an action left to say, by a fixed key in the address (never text from the address).
NOTICES = {
    "sent": ("ok", "Đã gửi thư cho {name}."),
    "already": ("info", "{name} đã được gửi thư ở đợt nhắc này. Bấm “Gửi lại” nếu vẫn muốn gửi thêm."),
    "no-address": (
        "bad",
        "Chưa có địa chỉ thư điện tử của {name}: hãy thêm địa chỉ ở thẻ “Cài đặt” hoặc gọi điện cho cơ quan.",
    ),
    "nothing": ("info", "{name} không cần nhắc: cơ quan đã nộp báo cáo hợp lệ."),
    "send-failed": (
        "bad",
        "Chưa gửi được thư cho {name} (máy chủ thư không nhận). Hãy thử lại sau hoặc báo cho người quản trị.",
    ),
    "withdrawn": (
        "ok",
        "Đã rút lại tệp của {name}; tình trạng của cơ quan đã trở về như trước khi nhận tệp đó.",
    ),
    "cancelled": ("info", "Đã hủy, tệp chưa được tiếp nhận."),
}


def with_contacts(data: dict[str, Any], year: int) -> dict[str, Any]:
    z, cat = zones(), catalogue()
    codes = [a["agency_code"] for a in data["agencies"]]
    addresses = mailing.contacts(z, cat, codes)
    sent = mailing.sent_log(z, year)
    for a in data["agencies"]:
        a["contact"] = addresses.get(a["agency_code"]) or []
        a["sent"] = sent.get(a["agency_code"]) or []
    return data


def notice(request: Request, data: dict[str, Any]) -> dict[str, str] | None:
    key = request.query_params.get("done", "")
    if key not in NOTICES:
        return None
    names = {a["agency_code"]: a["agency_name"] for a in data["agencies"]}
    tone, text = NOTICES[key]
    code = request.query_params.get("agency", "")
    name = names.get(code, "cơ quan")
    # Shown in the agency's row (where the page scrolls back to), else at the top.
    return {"tone": tone, "text": text.format(name=name), "agency": code if code in names else ""}


@router.get("/submissions", response_class=HTMLResponse)
def submissions_page(request: Request, year: str | None = None, _user=Depends(require_read)):  # noqa: B008
    z = zones()
    chosen = parse_year(year, default_year(z))
    data = with_contacts(submission_status(z, catalogue(), chosen), chosen)
    state = request.query_params.get("state", "")
    return render(
        request,
        "submissions.html",
        tab="submissions",
        year=chosen,
        years=year_choices(z, chosen),
        data=data,
        state_filter=state if state in STATE_ORDER else "",
        query=request.query_params.get("q", "")[:60],
        notice=notice(request, data),
        focus=request.query_params.get("agency", ""),
        insist_for=request.query_params.get("agency", "")
        if request.query_params.get("done") == "already"
        else "",
    )


@router.get("/api/submissions")
def submissions_api(year: str | None = None, _user=Depends(require_read)):  # noqa: B008
    z = zones()
    chosen = parse_year(year, default_year(z))
    return with_contacts(submission_status(z, catalogue(), chosen), chosen)
