"""Issue 25, "a new version within 3 s": "Tạo bản báo cáo mới" answers once the .docx is written;
the PDF is made afterwards, in the background, once however often asked, written atomically. Until
it exists the page says "Đang tạo bản PDF"; a download of it waits for it (made on demand)."""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

import pytest
from nscl.reporting import render
from nscl.staff_page import pdfs
from test_page_report_settings import page  # noqa: F401 - the fixture
from test_report_data import build

YEAR = 2021


class SlowConverter:
    """LibreOffice stand-in that waits for ``release`` and counts its conversions."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self, docx: Path, work: Path, timeout: float = 0) -> tuple[Path | None, str | None]:
        with self.lock:
            self.calls += 1
        assert self.release.wait(60)
        out = work / "out.pdf"
        out.write_bytes(b"%PDF-1.7\n" + docx.read_bytes()[:64])
        return out, None


def _generate(c) -> str:
    r = c.post("/editorial/generate", data={"year": str(YEAR), "kind": "annual"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return r.headers["location"].split("made=")[1].split("&")[0]


def _wait(cond, seconds: float = 30) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.05)
    return False


def test_the_page_answers_before_the_pdf_then_the_pdf_follows(page, catalogue, monkeypatch):  # noqa: F811
    c, zones = page
    build(zones, catalogue, [YEAR])
    monkeypatch.setenv("NSCL_REPORT_PDF", "1")
    slow = SlowConverter()
    monkeypatch.setattr(render, "convert_to_pdf", slow)
    monkeypatch.setattr(render, "soffice", lambda: "/usr/bin/soffice")

    made = _generate(c)  # returns while the conversion is held back
    docx = zones.reports(YEAR) / made
    pdf = docx.with_suffix(".pdf")
    assert docx.is_file() and not pdf.exists()
    manifest = json.loads(docx.with_suffix(".manifest.json").read_text("utf-8"))
    assert manifest["pdf"] == {"file": pdf.name, "made": "after"}
    assert "Đang tạo bản PDF" in c.get(f"/editorial?year={YEAR}&kind=annual&made={made}").text
    assert "Đang tạo bản PDF" in c.get(f"/reports?year={YEAR}").text
    assert _wait(lambda: slow.calls == 1)

    # A download asked meanwhile waits for the same conversion (no second one), then gets it.
    got: dict = {}
    reader = threading.Thread(target=lambda: got.update(r=c.get(f"/files/reports/{YEAR}/{pdf.name}")))
    reader.start()
    time.sleep(0.5)
    assert reader.is_alive() and not pdf.exists()
    slow.release.set()
    reader.join(60)
    assert got["r"].status_code == 200 and got["r"].content.startswith(b"%PDF")
    assert pdf.read_bytes() == got["r"].content and slow.calls == 1
    assert not [p.name for p in pdf.parent.iterdir() if ".tmp" in p.name]  # written atomically
    page_now = c.get(f"/reports?year={YEAR}").text
    assert "Đang tạo bản PDF" not in page_now and pdf.name in page_now
    # Asked again: already there, nothing converted.
    assert render.ensure_pdf(docx) == pdf and slow.calls == 1
    pdfs.start(docx)
    time.sleep(0.3)
    assert slow.calls == 1


@pytest.mark.skipif(render.soffice() is None, reason="LibreOffice is not installed")
def test_with_libreoffice_the_pdf_is_made_on_demand(page, catalogue, monkeypatch):  # noqa: F811
    c, zones = page
    build(zones, catalogue, [YEAR])
    monkeypatch.setenv("NSCL_REPORT_PDF", "1")
    monkeypatch.setattr(pdfs, "start", lambda docx: None)  # no background job: only on demand
    started = time.monotonic()
    made = _generate(c)
    answered = time.monotonic() - started
    docx = zones.reports(YEAR) / made
    assert not docx.with_suffix(".pdf").exists()
    r = c.get(f"/files/reports/{YEAR}/{docx.with_suffix('.pdf').name}")
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
    assert shutil.which("pdfinfo") is None or docx.with_suffix(".pdf").stat().st_size > 10_000
    print(f"answered in {answered:.2f} s, PDF on demand after")


def test_a_pdf_libreoffice_cannot_make_is_not_promised_for_ever(page, catalogue, monkeypatch):  # noqa: F811
    c, zones = page
    build(zones, catalogue, [YEAR])
    monkeypatch.setenv("NSCL_REPORT_PDF", "1")
    calls = []

    def broken(docx, work, timeout=0):
        calls.append(docx)
        return None, "Không chuyển được sang PDF"

    monkeypatch.setattr(render, "convert_to_pdf", broken)
    monkeypatch.setattr(render, "soffice", lambda: "/usr/bin/soffice")
    made = _generate(c)
    docx = zones.reports(YEAR) / made
    assert _wait(lambda: docx in pdfs._failed)
    assert "Đang tạo bản PDF" not in c.get(f"/reports?year={YEAR}").text
    # A download still tries once more, then says the file is not there.
    r = c.get(f"/files/reports/{YEAR}/{docx.with_suffix('.pdf').name}")
    assert r.status_code == 404 and len(calls) == 2


def test_the_pdf_status_the_page_polls(page, catalogue, monkeypatch):  # noqa: F811
    """``pdf-status``, which the page's script asks while a listing says "Đang tạo bản PDF…":
    pending while LibreOffice works, ready once the file is there, failed when it could not be
    made, unknown for a name that is no report (nothing outside the reports' folder)."""
    c, zones = page
    build(zones, catalogue, [YEAR])
    monkeypatch.setenv("NSCL_REPORT_PDF", "1")
    slow = SlowConverter()
    monkeypatch.setattr(render, "convert_to_pdf", slow)
    monkeypatch.setattr(render, "soffice", lambda: "/usr/bin/soffice")
    made = _generate(c)
    pdf = (zones.reports(YEAR) / made).with_suffix(".pdf")
    names = [pdf.name, "../../leaders.pdf", "khong-co.pdf", made]

    def ask() -> dict:
        r = c.get("/pdf-status", params={"year": str(YEAR), "name": names})
        assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
        return r.json()

    assert ask() == {
        pdf.name: "pending",
        "../../leaders.pdf": "unknown",
        "khong-co.pdf": "unknown",
        made: "unknown",
    }
    slow.release.set()
    assert _wait(lambda: pdf.is_file())
    assert _wait(lambda: ask()[pdf.name] == "ready")

    def broken(docx, work, timeout=0):
        return None, "Không chuyển được sang PDF"

    monkeypatch.setattr(render, "convert_to_pdf", broken)
    other = zones.reports(YEAR) / _generate(c)
    names = [other.with_suffix(".pdf").name]
    assert _wait(lambda: ask() == {names[0]: "failed"})
    assert c.get("/pdf-status", params={"year": "20x5", "name": names}).status_code == 400
