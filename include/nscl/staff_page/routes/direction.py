"""Tab "Công tác chỉ đạo": the year's register of directing documents and activities (plans,
decisions, letters; meetings, inspections), which section I of the reports names in date order.
Staff add and remove entries; every change is kept with who and when (``nscl.store.direction``,
the same register as ``nscl direction``)."""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from nscl.staff_page.auth import require_read, require_write, user_name
from nscl.staff_page.common import parse_day, parse_year
from nscl.staff_page.queries import default_year, year_choices, zones
from nscl.staff_page.render import render
from nscl.store import direction

log = logging.getLogger(__name__)
router = APIRouter()
FIELDS = ("year", "kind", "number", "date", "body", "summary", "index")


def when(iso: object) -> str:
    """ "06/12/2026 00:37" for a stored time (as saved, Vietnam time)."""
    try:
        return dt.datetime.fromisoformat(str(iso)).strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return str(iso or "")


def _back(request: Request, year: int, **extra: str) -> RedirectResponse:
    root = str(request.scope.get("root_path", "")).rstrip("/")
    return RedirectResponse(f"{root}/direction?{urlencode({'year': year, **extra})}", status_code=303)


@router.get("/direction", response_class=HTMLResponse)
def direction_page(
    request: Request,
    year: str | None = None,
    done: str | None = None,
    problem: str | None = None,
    _user=Depends(require_read),  # noqa: B008
):
    z = zones()
    chosen = parse_year(year, default_year(z))
    years = year_choices(z, chosen)
    try:
        entries, error = direction.load(z, chosen), problem
    except ValueError as exc:  # a hand-edited register that does not read: say where
        entries, error = [], str(exc)
    return render(
        request,
        "direction.html",
        tab="direction",
        year=chosen,
        years=years,
        entries=[(i, e, direction.KINDS[e.kind]) for i, e in enumerate(entries, start=1)],
        kinds=direction.KINDS,
        done=done,
        problem=error,
        history=list(reversed(direction.history(z, chosen)))[:10],
        when=when,
    )


async def _fields(request: Request) -> dict[str, str]:
    form = await request.form(max_files=0, max_fields=len(FIELDS) + 2)
    return {k: str(v)[:1000] for k, v in form.items() if isinstance(v, str) and k in FIELDS}


@router.post("/direction/add")
async def direction_add(request: Request, user=Depends(require_write)):  # noqa: B008
    f = await _fields(request)
    year = parse_year(f.get("year"))
    try:
        day = parse_day(f.get("date"))
    except ValueError:
        day = None
    if day is None:
        return _back(
            request, year, problem="Chưa lưu được: ngày không đúng, ghi ngày/tháng/năm, ví dụ 16/08/2025."
        )
    entry = direction.Entry(
        kind=f.get("kind", ""), date=day.isoformat(), body=f.get("body", ""),
        summary=f.get("summary", ""), number=f.get("number", ""),
    )  # fmt: skip
    try:
        direction.add(zones(), year, entry, user_name(user))
    except ValueError as exc:
        return _back(request, year, problem=f"Chưa lưu được: {exc}.")
    log.info("NSCL staff page: %s added to the direction register %s: %s", user_name(user), year, entry.date)
    return _back(request, year, done="added")


@router.post("/direction/remove")
async def direction_remove(request: Request, user=Depends(require_write)):  # noqa: B008
    f = await _fields(request)
    year = parse_year(f.get("year"))
    try:
        direction.remove(zones(), year, int(f.get("index", "0") or 0), user_name(user))
    except ValueError as exc:
        return _back(request, year, problem=f"Chưa xóa được: {exc}.")
    return _back(request, year, done="removed")
