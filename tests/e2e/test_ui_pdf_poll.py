"""Issue 25: "Đang tạo bản PDF…" updates itself. In Debian's Chromium against the session's shared
API server, a report version whose PDF is still to be made (as one made from the page is) shows
the note on "Báo cáo" and "Tổng quan"; the page asks the server every few seconds while it is
pending, the note becomes the download link once LibreOffice (the server's own, in the
background) has made the PDF, without a reload; then, and on a page with nothing pending, it asks
nothing. A PDF the server cannot make (the shared server runs with ``NSCL_REPORT_PDF=0``) turns
the note into "Chưa tạo được bản PDF, bấm để thử lại", and the asking stops. Without the script
the note is a plain link to the PDF."""

from __future__ import annotations

import json
import shutil

import pytest
from test_ui_session import _login, browser, staff_server  # noqa: F401 - fixtures

POLL_S = 3  # page.js's PDF_POLL_MS
VERSION = 97  # a version number no other test reaches


def _pending_copy(server):
    """A copy of a real report of the shared folder as version ``VERSION``, its PDF to be made
    after it (the manifest says so, as ``PDF_LATER`` writes it), no PDF yet."""
    from ui.data import YEAR

    folder = server.data_dir / "reports" / str(YEAR)
    src = next(
        p for p in sorted(folder.glob("bao-cao-nam-*.docx")) if p.with_suffix(".manifest.json").is_file()
    )
    docx = folder / f"bao-cao-nam-{YEAR}-v{VERSION:03d}.docx"
    shutil.copyfile(src, docx)
    manifest = json.loads(src.with_suffix(".manifest.json").read_text("utf-8"))
    manifest.update({"version": VERSION, "pdf": {"made": "after"}})
    docx.with_suffix(".manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    docx.with_suffix(".pdf").unlink(missing_ok=True)
    return YEAR, docx


@pytest.fixture
def pdf_server(staff_server):  # noqa: F811
    """A second API server on the shared Airflow home and data folder, with the PDF on (as a
    deployment runs it), so that its LibreOffice really makes the PDF in the background."""
    from ui.server import start_server, wait_ready

    shared, _ = staff_server
    server = start_server(
        shared.home, shared.data_dir, extra_env={"NSCL_REPORT_PDF": "1"}, log_name="api-pdf.log"
    )
    try:
        wait_ready(server)
        yield server
    finally:
        server.stop()


def test_the_pdf_note_turns_into_the_link_without_a_reload(pdf_server, browser):  # noqa: F811
    server = pdf_server
    page, nscl = browser, f"{server.base}/nscl"
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/nscl/pdf-status" in r.url else None)
    page.goto(f"{nscl}/reports")
    _login(page, server)  # first: the listing after the login would start the PDF already
    year, docx = _pending_copy(server)
    pdf = docx.with_suffix(".pdf")
    try:
        page.goto(f"{nscl}/reports?year={year}")
        note = page.locator(f'a[data-pdf-name="{pdf.name}"]')
        assert note.inner_text().strip() == "Đang tạo bản PDF…"
        assert "pdf-pending" in (note.get_attribute("class") or "")
        # Without the script it is a plain link: its download waits for the PDF.
        assert note.get_attribute("href") == f"files/reports/{year}/{pdf.name}"
        page.evaluate("window.__sameLoad = 'yes'")

        page.wait_for_function(
            "n => { const a = document.querySelector(`a[data-pdf-name='${n}']`);"
            " return a && !a.classList.contains('pdf-pending'); }",
            arg=pdf.name,
            timeout=180_000,
        )
        assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
        assert note.inner_text().strip() == "PDF"
        assert note.get_attribute("href") == f"files/reports/{year}/{pdf.name}"
        assert page.evaluate("window.__sameLoad") == "yes"  # updated in place, not reloaded
        assert asked and all(f"year={year}" in u and f"name={pdf.name}" in u for u in asked)
        # Once it is there, nothing more is asked.
        seen = len(asked)
        page.wait_for_timeout(2.5 * POLL_S * 1000)
        assert len(asked) == seen

        # A page with no PDF pending asks nothing at all.
        asked.clear()
        page.goto(f"{nscl}/?year={year}")
        assert page.locator("a.pdf-pending").count() == 0
        page.wait_for_timeout(2.5 * POLL_S * 1000)
        assert asked == []
    finally:
        for p in (docx, docx.with_suffix(".manifest.json"), pdf):
            p.unlink(missing_ok=True)


def test_the_overview_note_says_when_the_pdf_cannot_be_made(staff_server, browser):  # noqa: F811
    server, _ = staff_server
    page, nscl = browser, f"{server.base}/nscl"
    page.goto(f"{nscl}/templates")
    _login(page, server)
    year, docx = _pending_copy(server)
    pdf = docx.with_suffix(".pdf")
    try:
        page.goto(f"{nscl}/?year={year}")
        note = page.locator(f'a[data-pdf-name="{pdf.name}"]')
        assert note.inner_text().strip() == "Đang tạo bản PDF…"
        page.evaluate("window.__sameLoad = 'yes'")
        asked: list[str] = []
        page.on("request", lambda r: asked.append(r.url) if "/nscl/pdf-status" in r.url else None)
        page.wait_for_function(
            "n => { const a = document.querySelector(`a[data-pdf-name='${n}']`);"
            " return a && !a.classList.contains('pdf-pending'); }",
            arg=pdf.name,
            timeout=60_000,
        )
        assert note.inner_text().strip() == "Chưa tạo được bản PDF, bấm để thử lại"
        assert note.get_attribute("href") == f"files/reports/{year}/{pdf.name}" and not pdf.exists()
        assert page.evaluate("window.__sameLoad") == "yes"
        seen = len(asked)
        assert seen >= 1
        page.wait_for_timeout(2.5 * POLL_S * 1000)
        assert len(asked) == seen  # no asking for ever
    finally:
        for p in (docx, docx.with_suffix(".manifest.json"), pdf):
            p.unlink(missing_ok=True)
