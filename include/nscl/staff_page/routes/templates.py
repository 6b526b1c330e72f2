"""Tab "Biểu mẫu trắng": the blank workbook of any expected agency for a year."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from nscl.forms.workbook import build_workbook, save_reproducible, workbook_filename
from nscl.staff_page.auth import require_read
from nscl.staff_page.common import FIRST_YEAR, LAST_YEAR, current_year, parse_year
from nscl.staff_page.queries import CODE_RE, catalogue, expected
from nscl.staff_page.render import render

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/templates", response_class=HTMLResponse)
def templates_page(request: Request, year: str | None = None, _user=Depends(require_read)):  # noqa: B008
    chosen = parse_year(year, current_year())
    return render(
        request,
        "templates.html",
        tab="templates",
        year=chosen,
        years=list(range(LAST_YEAR, FIRST_YEAR - 1, -1)),
        agencies=expected(catalogue(), chosen),
    )


def blank_workbook(year: int, code: str) -> tuple[str, bytes]:
    """(file name, bytes) of the agency's blank workbook, or 404."""

    if not CODE_RE.match(code):
        raise HTTPException(404, "Không tìm thấy cơ quan")
    cat = catalogue()
    try:
        exp = cat.expectation(year, code)
    except (KeyError, ValueError):
        raise HTTPException(404, f"Cơ quan “{code}” không thuộc danh sách phải báo cáo năm {year}") from None
    with tempfile.TemporaryDirectory(prefix="nscl-template-") as tmp:
        out = Path(tmp) / workbook_filename(exp, year)
        save_reproducible(build_workbook(exp, year, cat), out)
        return out.name, out.read_bytes()


@router.get("/files/templates/{year}/{code}")
def template_file(year: str, code: str, _user=Depends(require_read)):  # noqa: B008
    name, data = blank_workbook(parse_year(year), code)
    return Response(data, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})
