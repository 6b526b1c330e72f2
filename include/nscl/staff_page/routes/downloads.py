"""Downloads: report files and what went back to agencies (feedback, receipts)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import FileResponse, JSONResponse

from nscl.reporting.render import ensure_pdf, pdf_pending
from nscl.staff_page import pdfs
from nscl.staff_page.auth import require_read
from nscl.staff_page.common import parse_year
from nscl.staff_page.queries import FEEDBACK_ZONES, REPORT_SUFFIXES, SHA_RE, default_year, safe_child, zones

router = APIRouter()
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def attachment(path: Path, media_type: str) -> FileResponse:
    return FileResponse(
        path, media_type=media_type, filename=path.name, content_disposition_type="attachment"
    )


@router.get("/files/reports/{year}/{name}")
def report_file(year: str, name: str, _user=Depends(require_read)):  # noqa: B008
    folder = zones().reports(parse_year(year))
    if name.lower().endswith(".pdf") and "/" not in name and not (folder / name).is_file():
        docx = folder / (name[:-4] + ".docx")
        if docx.is_file() and pdf_pending(docx):  # made after the .docx: wait for it, or make it now
            ensure_pdf(docx)
    path = safe_child(zones().reports(parse_year(year)), name, REPORT_SUFFIXES)
    if name.endswith(".manifest.json"):
        return FileResponse(path, media_type="application/json; charset=utf-8")
    return attachment(path, "application/pdf" if name.lower().endswith(".pdf") else DOCX)


@router.get("/pdf-status")
def pdf_status(
    year: str | None = None,
    name: list[str] = Query(default=[]),  # noqa: B008
    _user=Depends(require_read),  # noqa: B008
):
    """Where each report's PDF stands, for the page's script while a listing says "Đang tạo bản
    PDF…": "ready" (there to download), "pending" (being made), "failed" (LibreOffice could
    not make it; a download tries again), "unknown" (no such report)."""
    z = zones()
    folder = z.reports(parse_year(year, default_year(z)))
    out: dict[str, str] = {}
    for n in name[:20]:
        docx = folder / (n[:-4] + ".docx")
        if not n.lower().endswith(".pdf") or "/" in n or "\\" in n or n.startswith(".") or not docx.is_file():
            out[n] = "unknown"
        elif (folder / n).is_file():
            out[n] = "ready"
        else:
            out[n] = "pending" if pdfs.pending(docx) else "failed"
    return JSONResponse(out, headers={"Cache-Control": "no-store"})


@router.get("/files/{zone}/{year}/{sha}/{name}")
def feedback_file(zone: str, year: str, sha: str, name: str, _user=Depends(require_read)):  # noqa: B008
    y = parse_year(year)
    if zone not in FEEDBACK_ZONES or not SHA_RE.match(sha):
        raise HTTPException(404, "Không tìm thấy tệp")
    path = safe_child(zones().root / zone / str(y) / sha, name)
    media = {".json": "application/json; charset=utf-8", ".txt": "text/plain; charset=utf-8"}.get(
        Path(name).suffix.lower(), "application/octet-stream"
    )
    return attachment(path, media)
