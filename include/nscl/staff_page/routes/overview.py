"""Tab "Tổng quan", the page's first: where the year stands, at a glance."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from nscl.staff_page.auth import require_read
from nscl.staff_page.common import parse_year
from nscl.staff_page.overview import overview
from nscl.staff_page.queries import catalogue, default_year, year_choices, year_run, zones
from nscl.staff_page.render import render

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
@router.get("/overview", response_class=HTMLResponse)
def overview_page(request: Request, year: str | None = None, _user=Depends(require_read)):  # noqa: B008
    z = zones()
    chosen = parse_year(year, default_year(z))
    data = overview(z, catalogue(), chosen)
    return render(
        request,
        "overview.html",
        tab="overview",
        year=chosen,
        years=year_choices(z, chosen),
        data=data,
        run=year_run(chosen),
    )


@router.get("/api/overview")
def overview_api(year: str | None = None, _user=Depends(require_read)):  # noqa: B008
    z = zones()
    data = overview(z, catalogue(), parse_year(year, default_year(z)))
    data.pop("chart")
    return data
