"""Tab "Tình hình nộp báo cáo": who has reported, problems first."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from nscl.staff_page.auth import require_read
from nscl.staff_page.common import parse_year
from nscl.staff_page.queries import catalogue, default_year, submission_status, year_choices, zones
from nscl.staff_page.render import render

router = APIRouter()


@router.get("/submissions", response_class=HTMLResponse)
def submissions_page(request: Request, year: str | None = None, _user=Depends(require_read)):  # noqa: B008
    z = zones()
    chosen = parse_year(year, default_year(z))
    data = submission_status(z, catalogue(), chosen)
    return render(
        request, "submissions.html", tab="submissions", year=chosen, years=year_choices(z, chosen), data=data
    )


@router.get("/api/submissions")
def submissions_api(year: str | None = None, _user=Depends(require_read)):  # noqa: B008
    z = zones()
    return submission_status(z, catalogue(), parse_year(year, default_year(z)))
