"""Tab "Cài đặt": what staff keep on the page instead of in files on the server. The recipients
("Nơi nhận") of each kind of report (``nscl.store.report_settings``: the data folder's
``report_settings.yaml``, which the next generated report reads), the Department's leaders who
sign (``nscl.store.leaders``), agencies' e-mail addresses (``contacts.yaml``, through
``nscl.store.contacts``); every change atomic and kept with who and when; the page shows the
history of changes."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse

from nscl.reporting.common import load_settings
from nscl.staff_page.auth import require_read, require_write, user_name
from nscl.staff_page.common import current_year, fmt_time
from nscl.staff_page.queries import CODE_RE, catalogue, expected, zones
from nscl.staff_page.render import render
from nscl.store import contacts, editorial, leaders, report_settings

log = logging.getLogger(__name__)
router = APIRouter()

NOTICES = {
    "saved": ("ok", "Đã lưu địa chỉ thư của {name}. Thư nhắc và thư gửi từ trang sẽ dùng địa chỉ này."),
    "removed": ("ok", "Đã xóa địa chỉ nhập trên trang của {name}."),
    "same": ("info", "Địa chỉ của {name} không thay đổi."),
}


KIND_NAMES = {
    "annual": "Báo cáo năm",
    "mid-term": "Báo cáo sơ kết 2021-2025",
    "final": "Báo cáo tổng kết 2021-2030",
}
LEADER_NOTICES = {
    "leader-saved": (
        "ok",
        "Đã lưu lãnh đạo {name}. Chọn người ký cho từng báo cáo ở thẻ “Biên tập báo cáo”.",
    ),
    "leader-removed": ("ok", "Đã bỏ {name} khỏi danh sách lãnh đạo ký báo cáo."),
}


def recipients_now(kind: str) -> list[str]:
    """What the next report of ``kind`` prints under "Nơi nhận" (shipped default, then the data
    folder's settings): read the way the report reads it."""
    return list(load_settings(kind, override=editorial.settings_override(zones()))["recipients"])


def recipient_rows() -> list[dict]:
    z = zones()
    return [
        {
            "kind": kind,
            "name": name,
            "lines": recipients_now(kind),
            "own": report_settings.own_recipients(z, kind) is not None,
        }
        for kind, name in KIND_NAMES.items()
    ]


def agencies_with_contacts() -> list[dict]:
    cat, z = catalogue(), zones()
    kept = contacts.read(z)
    year = current_year()
    reporting = {a["code"] for a in expected(cat, year)}  # who must report this year
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
                "reports": agency.code in reporting,
            }
        )
    return rows


def _subject(what: str, key: str) -> str:
    """What a change was about, in staff's words."""
    if what == "contacts":
        cat = catalogue()
        return "Địa chỉ thư: " + (cat.agencies[key].name if key in cat.agencies else key)
    if what == "recipients":
        return f"Nơi nhận: {KIND_NAMES.get(key, key)}"
    if what == "leaders":
        return f"Lãnh đạo ký báo cáo: {key}"
    return key


def history_rows(limit: int = 100) -> list[dict]:
    out = []
    for h in contacts.history(zones(), None, limit):
        what, key = str(h.get("what") or ""), str(h.get("key") or "")
        join = ", " if what == "contacts" else "\n"
        out.append(
            {
                "at": fmt_time(h.get("at")),
                "by": h.get("by") or "?",
                "what": what,
                "subject": _subject(what, key),
                "before": join.join(h.get("before") or []) or "(trống)",
                "after": join.join(h.get("after") or []) or "(xóa)",
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
    where = request.query_params.get("where", "")
    if done == "recipients" and code in KIND_NAMES:
        notice = {
            "tone": "ok",
            "text": f"Đã lưu nơi nhận của {KIND_NAMES[code]}. Bản báo cáo tạo tiếp theo sẽ in danh sách này.",
            "agency": f"recipients-{code}",
        }
    elif done == "recipients-same" and code in KIND_NAMES:
        notice = {"tone": "info", "text": "Nơi nhận không thay đổi.", "agency": f"recipients-{code}"}
    elif done in LEADER_NOTICES:
        tone, text = LEADER_NOTICES[done]
        notice = {"tone": tone, "text": text.format(name=code[:100]), "agency": "leaders"}
    try:
        people, leaders_problem = leaders.load(zones()), ""
    except ValueError as exc:
        people, leaders_problem = [], str(exc)
    try:
        recipients, recipients_problem = recipient_rows(), ""
    except ValueError as exc:  # a hand-edited settings file that does not read
        recipients, recipients_problem = [], str(exc)
    return render(
        request,
        "settings.html",
        tab="settings",
        recipients=recipients,
        recipients_problem=recipients_problem,
        leaders=people,
        leaders_problem=leaders_problem,
        agencies=rows,
        history=history_rows(),
        notice=notice,
        # only the agencies that must report are reminded; the others' addresses are optional
        missing=sum(1 for r in rows if not r["used"] and r["reports"]),
        bad_for=(where or code) if error else "",
        bad_text=error[:200] if error else "",
        typed=request.query_params.get("typed", "")[:3000],
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


def _back(**query: str) -> RedirectResponse:
    anchor = query.pop("anchor", "")
    return RedirectResponse(f"../settings?{urlencode(query)}#{anchor}", status_code=303)


@router.post("/settings/recipients")
async def save_recipients(request: Request, user=Depends(require_write)):  # noqa: B008
    """The recipients of one kind of report, one per line, as the report prints them."""
    form = await request.form(max_files=0, max_fields=5)
    kind = str(form.get("kind") or "")
    if kind not in KIND_NAMES:
        raise HTTPException(400, "Loại báo cáo không có.")
    text = str(form.get("recipients") or "")[:12_000]
    anchor = f"recipients-{kind}"
    try:
        lines = report_settings.parse_recipients(text)
    except ValueError as exc:
        return _back(agency=kind, where=anchor, error=str(exc), typed=text[:3000], anchor=anchor)
    before = await run_in_threadpool(recipients_now, kind)
    change = await run_in_threadpool(
        report_settings.set_recipients, zones(), kind, lines, user_name(user), before
    )
    if change is not None:
        log.info("NSCL staff page: %s set the recipients of the %s report", user_name(user), kind)
    return _back(done="recipients" if change else "recipients-same", agency=kind, anchor=anchor)


@router.post("/settings/leader")
async def save_leader(request: Request, user=Depends(require_write)):  # noqa: B008
    """Add a leader who may sign (or change the title and authority lines of one listed), or,
    with ``action=remove``, take one off the list."""
    form = await request.form(max_files=0, max_fields=8)
    f = {k: str(v)[:300] for k, v in form.items() if isinstance(v, str)}
    name = f.get("name", "")
    try:
        if f.get("action") == "remove":
            await run_in_threadpool(leaders.remove, zones(), name, user_name(user))
            return _back(done="leader-removed", agency=name.strip(), anchor="leaders")
        lines = [f.get(f"authority{i}", "") for i in (1, 2, 3)]
        leader = await run_in_threadpool(
            leaders.add, zones(), name, f.get("title", ""), user_name(user), [x for x in lines if x.strip()]
        )
    except ValueError as exc:
        typed = "\n".join([name, f.get("title", ""), *[f.get(f"authority{i}", "") for i in (1, 2, 3)]])
        return _back(where="leaders", agency="leaders", error=str(exc), typed=typed, anchor="leaders")
    log.info("NSCL staff page: %s saved the leader %s", user_name(user), leader.name)
    return _back(done="leader-saved", agency=leader.name, anchor="leaders")
