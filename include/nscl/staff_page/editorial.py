"""Tab "Biên tập báo cáo": the narrative sections of a year's report, pre-filled with the draft
drafted from the agencies' words; staff edit and save them (every version kept, with who and
when, in ``nscl.store.editorial``), approve the content, and make a new version of the report,
which then carries no "DỰ THẢO". Every figure, table and appendix stays generated. The page lists
what is still open (sections not reviewed, signer not set, agencies missing).

The signer is chosen per document from the Department's leaders (``nscl.store.leaders``) with
the authority lines of Decree 30; a section is either edited or marked "đã xem, giữ nguyên bản
nháp"; an open check of the figures is corrected or acknowledged with a reason. "Phê duyệt"
first shows what becomes final (``?confirm=1``) and is refused, listing why, while something
blocks it (``nscl.reporting.approval``, the same gate as the command line)."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse

from nscl.orchestration import pipeline
from nscl.reporting import approval
from nscl.reporting.narrative import SECTION_TITLES
from nscl.reporting.render import PDF_LATER, pdf_pending
from nscl.staff_page import drafts, pdfs
from nscl.staff_page.auth import require_read, require_write, user_name
from nscl.staff_page.common import parse_day, parse_year
from nscl.staff_page.queries import catalogue, default_year, zones
from nscl.staff_page.render import render
from nscl.store import editorial, leaders, signed

log = logging.getLogger(__name__)
router = APIRouter()
# The sections' titles on the tab; "lessons" only in the reviews (mid-term, final).
TITLES = {**SECTION_TITLES, "lessons": "Bài học kinh nghiệm"}
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
    confirm: str | None = None,
    done: str | None = None,
    error: str | None = None,
    _user=Depends(require_read),  # noqa: B008
):

    z = zones()
    y = parse_year(year, default_year(z))
    k = _kind(kind)
    try:
        p = drafts.for_page(z, catalogue(), y, k)
    except (FileNotFoundError, ValueError) as exc:
        return render(
            request, "editorial.html", tab="editorial", year=y, kind=k, kinds=KINDS, problem=str(exc)
        )
    sections = []
    for key in editorial.sections_of(k):
        s = p.state.sections.get(key)
        staff = bool(s and s.text)
        sections.append(
            {
                "key": key,
                "title": TITLES[key],
                "text": "\n".join(s.text if s and staff else p.draft.get(key, [])),
                "source": s.label() if s and s.reviewed else "Dự thảo tự động, chưa rà soát",
                "reviewed": bool(s and s.reviewed),
            }
        )
    ready = approval.readiness(p)
    try:
        people = leaders.load(z)
    except ValueError as exc:
        people, error = [], str(exc)
    signer = editorial.current_signer(z, p.state) if not error else p.state.signer
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
        saved=TITLES.get(saved or ""),
        made=made if made_path is not None and made_path.is_file() else None,
        made_pdf=made_path.with_suffix(".pdf").name
        if made_path is not None and made_path.is_file()
        else None,
        made_pdf_pending=made_path is not None and made_path.is_file() and pdfs.pending(made_path),
        made_pdf_ready=made_path is not None and made_path.with_suffix(".pdf").is_file(),
        problem=None,
        ready=ready,
        leaders=people,
        signer=signer,
        # a draft prints the leader's lines of now, other than those copied when he was chosen
        signer_follows=bool(signer and p.state.signer and signer.authority != p.state.signer.authority),
        # the document keeps lines other than the settings' (approved, or typed for it)
        signer_differs=editorial.signer_differs(z, p.state) if not error else None,
        confirm=confirm == "1",
        done=DONE.get(done or ""),
        error=error,
        data_period=data_period(p),
        lock=signed.lock(z, y, k),
        signed_label=signed.signed_label(z, y, k),
    )


DONE = {
    "signer": "Đã chọn người ký.",
    "kept": "Đã ghi nhận: đã xem, giữ nguyên bản nháp.",
    "acknowledged": "Đã ghi nhận lý do giữ nguyên.",
    "approved": "Đã phê duyệt nội dung. Tạo bản báo cáo mới để có bản không còn chữ DỰ THẢO.",
    "withdrawn": "Đã hủy phê duyệt.",
    "reopened": "Đã mở lại năm để lập báo cáo bổ sung.",
    "cutoff": "Đã lưu ngày chốt số liệu.",
}


def data_period(p) -> str:
    from nscl.reporting.build import data_until

    until = data_until(p.state, p.data)
    source = "ngày chốt do cán bộ đặt" if p.state.cutoff else "ngày nhận tệp cuối cùng được sử dụng"
    return f"{until.strftime('%d/%m/%Y')} ({source})" if until else "chưa có tệp nào được sử dụng"


async def _form(request: Request) -> dict[str, str]:
    form = await request.form(max_files=0, max_fields=10)
    return {k: v for k, v in form.items() if isinstance(v, str)}


@router.post("/editorial/save")
async def editorial_save(request: Request, user=Depends(require_write)):  # noqa: B008

    f = await _form(request)
    y, k = parse_year(f.get("year")), _kind(f.get("kind"))
    section = f.get("section", "")
    if section not in editorial.sections_of(k):
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
        return _back(request, y, k, done="withdrawn")
    if f.get("confirmed") != "1":  # first what becomes final, then the decision
        return _back(request, y, k, confirm="1")
    try:
        await run_in_threadpool(approval.approve, zones(), catalogue(), y, k, user_name(user))
    except editorial.NotReady:
        return _back(request, y, k, confirm="1")
    return _back(request, y, k, done="approved")


async def _act(request: Request, y: int, k: str, done: str, fn, *args) -> RedirectResponse:
    """Run a store action; a refusal in Vietnamese comes back on the page, not as an error page."""
    try:
        await run_in_threadpool(fn, *args)
    except ValueError as exc:
        return _back(request, y, k, error=str(exc))
    return _back(request, y, k, done=done)


@router.post("/editorial/signer")
async def editorial_signer(request: Request, user=Depends(require_write)):  # noqa: B008
    """The signer: a leader from the list (with his usual authority lines) or the lines and
    name typed in (a new name joins the list)."""
    f = await _form(request)
    y, k = parse_year(f.get("year")), _kind(f.get("kind"))
    lines = [f.get(f"authority{i}", "") for i in (1, 2, 3)]
    name = f.get("name", "").strip()
    chosen = leaders.find(zones(), f.get("leader", "")) if f.get("leader") else None
    if chosen is not None and not name:
        name = chosen.name
        if not any(x.strip() for x in lines):
            lines = list(chosen.authority)
    return await _act(
        request, y, k, "signer", editorial.set_signer, zones(), y, k, lines, name, user_name(user)
    )


@router.post("/editorial/keep")
async def editorial_keep(request: Request, user=Depends(require_write)):  # noqa: B008
    f = await _form(request)
    y, k = parse_year(f.get("year")), _kind(f.get("kind"))
    section = f.get("section", "")
    if section != "all" and section not in editorial.sections_of(k):
        raise HTTPException(400, f"Mục “{section}” không có.")
    p = await run_in_threadpool(drafts.for_page, zones(), catalogue(), y, k)
    which = None if section == "all" else [section]
    return await _act(request, y, k, "kept", keep_sections, zones(), y, k, which, p.draft, user_name(user))


def keep_sections(z, year: int, kind: str, which: list[str] | None, draft: dict, by: str) -> list[str]:
    """``editorial.keep``; "keep all" in a review keeps its lessons learnt too, when nobody has
    reviewed them (the store's "all" is the four sections every report has)."""
    kept = editorial.keep(z, year, kind, which, draft, by)
    if which is None:
        state = editorial.load(z, year, kind)
        extra = [
            key
            for key in editorial.sections_of(kind)
            if key not in editorial.SECTIONS and not (key in state.sections and state.sections[key].reviewed)
        ]
        if extra:
            kept += editorial.keep(z, year, kind, extra, draft, by)
    return kept


@router.post("/editorial/acknowledge")
async def editorial_acknowledge(request: Request, user=Depends(require_write)):  # noqa: B008
    f = await _form(request)
    y, k = parse_year(f.get("year")), _kind(f.get("kind"))
    item = f.get("item", "")
    which = None if item == "all" else [item]
    return await _act(
        request,
        y,
        k,
        "acknowledged",
        approval.acknowledge,
        zones(),
        y,
        k,
        which,
        f.get("reason", ""),
        user_name(user),
    )


@router.post("/editorial/generate")
async def editorial_generate(request: Request, _user=Depends(require_write)):  # noqa: B008

    f = await _form(request)
    y, k = parse_year(f.get("year")), _kind(f.get("kind"))
    PDF_LATER.set(True)  # answer once the .docx is written; the PDF follows (pdfs.start)
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
    if pdf_pending(Path(path)):
        pdfs.start(Path(path))
    return _back(request, y, k, made=Path(path).name)


@router.post("/editorial/reopen")
async def editorial_reopen(request: Request, user=Depends(require_write)):  # noqa: B008
    """Reopen a signed year, with the reason, for a supplementary report (recorded)."""
    f = await _form(request)
    y, k = parse_year(f.get("year")), _kind(f.get("kind"))
    return await _act(
        request, y, k, "reopened", editorial.reopen, zones(), y, k, f.get("reason", ""), user_name(user)
    )


@router.post("/editorial/cutoff")
async def editorial_cutoff(request: Request, user=Depends(require_write)):  # noqa: B008
    """The date the report's figures run to (empty: the day the last file used arrived)."""
    f = await _form(request)
    y, k = parse_year(f.get("year")), _kind(f.get("kind"))
    try:
        day = parse_day(f.get("cutoff"))
    except ValueError:
        return _back(
            request, y, k, error="ngày chốt số liệu không đúng: ghi ngày/tháng/năm, ví dụ 30/11/2025"
        )
    return await _act(request, y, k, "cutoff", editorial.set_cutoff, zones(), y, k, day, user_name(user))
