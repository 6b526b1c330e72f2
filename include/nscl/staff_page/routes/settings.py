"""Tab "Cài đặt": what staff keep on the page instead of in files on the server. Agencies'
e-mail addresses (``contacts.yaml``, through ``nscl.store.contacts``: atomic, every change kept
with who and when); the page shows the history of changes."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse

from nscl.staff_page.auth import require_read, require_write, user_name
from nscl.staff_page.common import current_year, fmt_time
from nscl.staff_page.queries import CODE_RE, catalogue, zones
from nscl.staff_page.render import render
from nscl.store import contacts

log = logging.getLogger(__name__)
router = APIRouter()

NOTICES = {
    "saved": ("ok", "Đã lưu địa chỉ thư của {name}. Thư nhắc và thư gửi từ trang sẽ dùng địa chỉ này."),
    "removed": ("ok", "Đã xóa địa chỉ nhập trên trang của {name}."),
    "same": ("info", "Địa chỉ của {name} không thay đổi."),
}


def agencies_with_contacts() -> list[dict]:
    cat, z = catalogue(), zones()
    kept = contacts.read(z)
    year = current_year()
    rows = []
    for agency in sorted(cat.active_agencies(year), key=lambda a: a.name):
        own = kept.get(agency.code) or []
        rows.append(
            {
                "code": agency.code,
                "name": agency.name,
                "own": own,
                "registry": agency.email or "",
                "used": own or ([agency.email] if agency.email else []),
            }
        )
    return rows


def history_rows(limit: int = 100) -> list[dict]:
    cat = catalogue()
    out = []
    for h in contacts.history(zones(), "contacts", limit):
        code = str(h.get("key") or "")
        name = cat.agencies[code].name if code in cat.agencies else code
        out.append(
            {
                "at": fmt_time(h.get("at")),
                "by": h.get("by") or "?",
                "agency": name,
                "before": ", ".join(h.get("before") or []) or "(trống)",
                "after": ", ".join(h.get("after") or []) or "(xóa)",
            }
        )
    return out


@router.get("/settings", response_class=HTMLResponse)
def settings_page(request: Request, _user=Depends(require_read)):  # noqa: B008
    rows = agencies_with_contacts()
    done, code = request.query_params.get("done", ""), request.query_params.get("agency", "")
    notice = None
    names = {r["code"]: r["name"] for r in rows}
    if done in NOTICES and code in names:
        tone, text = NOTICES[done]
        notice = {"tone": tone, "text": text.format(name=names[code]), "agency": code}
    error = request.query_params.get("error", "")
    return render(
        request,
        "settings.html",
        tab="settings",
        agencies=rows,
        history=history_rows(),
        notice=notice,
        missing=sum(1 for r in rows if not r["used"]),
        bad_for=code if error else "",
        bad_text=error[:200] if error else "",
        typed=request.query_params.get("typed", "")[:300],
    )


@router.post("/settings/contact")
async def save_contact(request: Request, user=Depends(require_write)):  # noqa: B008
    form = await request.form(max_files=0, max_fields=5)
    code = str(form.get("agency") or "")
    if not CODE_RE.match(code) or code not in catalogue().agencies:
        raise HTTPException(400, "Thiếu mã cơ quan.")
    text = str(form.get("addresses") or "")[:1000]
    try:
        addresses = contacts.parse_addresses(text)
    except contacts.BadAddress as exc:
        query = urlencode({"agency": code, "error": str(exc), "typed": text[:300]})
        return RedirectResponse(f"../settings?{query}#contact-{code}", status_code=303)
    change = await run_in_threadpool(contacts.set_addresses, zones(), code, addresses, user_name(user))
    if change is not None:
        log.info("NSCL staff page: %s set %s's addresses to %s", user_name(user), code, addresses)
    done = "same" if change is None else ("saved" if addresses else "removed")
    return RedirectResponse(
        f"../settings?{urlencode({'done': done, 'agency': code})}#contact-{code}", status_code=303
    )
