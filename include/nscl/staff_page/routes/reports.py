"""Tab "Báo cáo": every report version of every year, with its run and its files."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from nscl.staff_page.auth import require_read
from nscl.staff_page.common import current_year, parse_year
from nscl.staff_page.queries import default_year, list_reports, years_with_data, zones
from nscl.staff_page.render import render

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
@router.get("/reports", response_class=HTMLResponse)
def reports_page(request: Request, year: str | None = None, _user=Depends(require_read)):  # noqa: B008
    z = zones()
    years = sorted(set(years_with_data(z)) | {current_year()}, reverse=True)
    chosen = parse_year(year, default_year(z))
    by_year = [(y, list_reports(z, y)) for y in (years if year is None else [chosen])]
    return render(
        request, "reports.html", tab="reports", year=chosen, years=years, by_year=by_year, all_years=year is None
    )


@router.get("/api/reports")
def reports_api(year: str | None = None, _user=Depends(require_read)):  # noqa: B008
    z = zones()
    years = [parse_year(year)] if year is not None else years_with_data(z)
    return {"years": {str(y): list_reports(z, y) for y in years}}
