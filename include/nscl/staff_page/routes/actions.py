"""Actions on the status tab (POST, same-origin, write permission): e-mail one agency now,
withdraw a file staff uploaded by mistake. Each ends with a redirect back to the table."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from nscl.orchestration import pipeline
from nscl.staff_page import mailing
from nscl.staff_page.auth import require_write, user_name
from nscl.staff_page.common import parse_year
from nscl.staff_page.queries import CODE_RE, SHA_RE, catalogue, origin_of, zones
from nscl.store import withdrawals
from nscl.store.receipts import read_receipt

log = logging.getLogger(__name__)
router = APIRouter()


def back(year: int, done: str, agency: str = "") -> RedirectResponse:
    query = urlencode({"year": year, "done": done, "agency": agency})
    return RedirectResponse(f"submissions?{query}#agency-{agency}", status_code=303)


async def form_fields(request: Request) -> dict[str, str]:
    form = await request.form(max_files=0, max_fields=10)
    return {k: str(v)[:500] for k, v in form.items() if isinstance(v, str)}


@router.post("/remind")
async def remind(request: Request, user=Depends(require_write)):  # noqa: B008
    fields = await form_fields(request)
    year = parse_year(fields.get("year"))
    code = fields.get("agency", "")
    if not CODE_RE.match(code):
        raise HTTPException(400, "Thiếu mã cơ quan cần gửi thư.")
    try:
        record = await run_in_threadpool(
            mailing.send_now, zones(), catalogue(), year, code, user_name(user), fields.get("insist") == "1"
        )
    except mailing.AlreadySent:
        return back(year, "already", code)
    except mailing.NothingToSend as exc:
        return back(year, "no-address" if "no address" in str(exc) else "nothing", code)
    except Exception:  # noqa: BLE001 - the SMTP server said no: say so, send again later
        log.exception("NSCL staff page: e-mail to %s not sent", code)
        return back(year, "send-failed", code)
    log.info("NSCL staff page: %s e-mailed %s (%s)", user_name(user), code, record.get("stage"))
    return back(year, "sent", code)


@router.post("/withdraw")
async def withdraw(request: Request, user=Depends(require_write)):  # noqa: B008
    fields = await form_fields(request)
    year = parse_year(fields.get("year"))
    sha = fields.get("sha256", "")
    reason = fields.get("reason", "").strip()
    if not SHA_RE.match(sha):
        raise HTTPException(400, "Thiếu mã tệp cần rút lại.")
    if not reason:
        raise HTTPException(400, "Hãy ghi lý do rút lại tệp (ví dụ: tải nhầm biểu mẫu năm khác).")
    z = zones()
    receipt = read_receipt(z, year, sha)
    if receipt is None:
        raise HTTPException(404, "Không tìm thấy tệp cần rút lại.")
    origin = origin_of(z, year, receipt) or {}
    if origin.get("via") != "upload":
        raise HTTPException(
            400,
            "Chỉ rút lại được tệp do cán bộ của Sở tải lên; tệp cơ quan tự gửi được thay bằng tệp gửi sau.",
        )
    withdrawals.withdraw(
        z, year, sha, user_name(user), reason, receipt.get("original_name") or "", receipt.get("agency_code")
    )

    await run_in_threadpool(pipeline.consolidate, year)
    log.info("NSCL staff page: %s withdrew %s (%s)", user_name(user), sha, reason)
    return back(year, "withdrawn", receipt.get("agency_code") or "")
