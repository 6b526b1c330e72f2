"""Tab "Biên tập báo cáo": the narrative sections of a year's report, pre-filled with the draft
drafted from the agencies' words; staff edit and save them (every version kept, with who and
when, in ``nscl.store.editorial``), approve the content, and make a new version of the report,
which then carries no "DỰ THẢO". Every figure, table and appendix stays generated. The page lists
what is still open (sections not reviewed, signer not set, agencies missing)."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse

from nscl.orchestration import pipeline
from nscl.reporting.build import prepare
from nscl.reporting.narrative import SECTION_TITLES
from nscl.staff_page.auth import require_read, require_write, user_name
from nscl.staff_page.common import fmt_time, parse_year
from nscl.staff_page.queries import catalogue, default_year, zones
from nscl.staff_page.render import render
from nscl.store import editorial
from nscl.store.editorial import SECTIONS

log = logging.getLogger(__name__)
router = APIRouter()
KINDS = {
    "annual": "Báo cáo năm",
    "mid-term": "Báo cáo sơ kết 2021-2025",
    "final": "Báo cáo tổng kết 2021-2030",
}


def _kind(value: str | None) -> str:
    kind = value or "annual"
    if kind not in KINDS:
        raise HTTPException(400, f"Loại báo cáo “{kind}” không có.")
    return kind


def _back(request: Request, year: int, kind: str, **extra: str) -> RedirectResponse:
    root = str(request.scope.get("root_path", "")).rstrip("/")
    query = urlencode({"year": year, "kind": kind, **extra})
    return RedirectResponse(f"{root}/editorial?{query}", status_code=303)


@router.get("/editorial", response_class=HTMLResponse)
def editorial_page(
    request: Request,
    year: str | None = None,
    kind: str | None = None,
    saved: str | None = None,
    made: str | None = None,
    _user=Depends(require_read),  # noqa: B008
):

    z = zones()
    y = parse_year(year, default_year(z))
    k = _kind(kind)
    try:
        p = prepare(z, catalogue(), y, k)
    except (FileNotFoundError, ValueError) as exc:
        return render(
            request, "editorial.html", tab="editorial", year=y, kind=k, kinds=KINDS, problem=str(exc)
        )
    sections = []
    for key in SECTIONS:
        s = p.state.sections.get(key)
        staff = bool(s and s.text)
        sections.append(
            {
                "key": key,
                "title": SECTION_TITLES[key],
                "text": "\n".join(s.text if s and staff else p.draft[key]),
                "source": f"Đã biên tập: {s.by}, {fmt_time(s.at)}"
                if s and staff
                else "Dự thảo tự động (chưa biên tập)",
                "reviewed": bool(s and s.reviewed),
            }
        )
    made_path = z.reports(y) / made if made and "/" not in made and made.endswith(".docx") else None
    return render(
        request,
        "editorial.html",
        tab="editorial",
        year=y,
        kind=k,
        kinds=KINDS,
        sections=sections,
        state=p.state,
        open_items=p.open_items,
        saved=SECTION_TITLES.get(saved or ""),
        made=made if made_path is not None and made_path.is_file() else None,
        problem=None,
    )


async def _form(request: Request) -> dict[str, str]:
    form = await request.form(max_files=0, max_fields=10)
    return {k: v for k, v in form.items() if isinstance(v, str)}


@router.post("/editorial/save")
async def editorial_save(request: Request, user=Depends(require_write)):  # noqa: B008

    f = await _form(request)
    y, k = parse_year(f.get("year")), _kind(f.get("kind"))
    section = f.get("section", "")
    if section not in editorial.SECTIONS:
        raise HTTPException(400, f"Mục “{section}” không có.")
    await run_in_threadpool(
        editorial.save_section, zones(), y, k, section, f.get("text", ""), user_name(user)
    )
    return _back(request, y, k, saved=section)


@router.post("/editorial/approve")
async def editorial_approve(request: Request, user=Depends(require_write)):  # noqa: B008

    f = await _form(request)
    y, k = parse_year(f.get("year")), _kind(f.get("kind"))
    if f.get("action") == "withdraw":
        await run_in_threadpool(editorial.withdraw, zones(), y, k, user_name(user))
    else:
        p = await run_in_threadpool(prepare, zones(), catalogue(), y, k)
        await run_in_threadpool(editorial.approve, zones(), y, k, user_name(user), p.draft)
    return _back(request, y, k)


@router.post("/editorial/generate")
async def editorial_generate(request: Request, _user=Depends(require_write)):  # noqa: B008

    f = await _form(request)
    y, k = parse_year(f.get("year")), _kind(f.get("kind"))
    try:
        if k == "annual":
            path = await run_in_threadpool(pipeline.write_report, y, zones(), catalogue())
        else:
            path = await run_in_threadpool(
                pipeline.write_review, k, zones(), catalogue(), None, None, 2021, y
            )
    except (FileNotFoundError, ValueError) as exc:
        raise HTTPException(400, f"Không tạo được báo cáo: {exc}") from None
    log.info("Editorial: new version %s", path)
    return _back(request, y, k, made=Path(path).name)
