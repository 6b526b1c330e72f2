"""The staff page as staff use it, in Debian's Chromium (headless, driven by Playwright) against a
locally started Airflow API server: log in, open "Báo cáo NSCL" from Airflow's navigation,
download the report, read who has reported, upload a workbook on an agency's behalf and see its
status change, download a blank workbook. Screenshots of every view go to a temporary folder
(and a copy to /tmp/nscl-screens for people to look at)."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENS_COPY = Path("/tmp/nscl-screens")
TIMEOUT_MS = 60_000

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")


@pytest.fixture(scope="session")
def staff_server(catalogue):
    from ui.server import shared_server, stop_shared

    server, codes = shared_server(catalogue)
    yield server, codes
    stop_shared()


@pytest.fixture
def browser_page(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    profile = Path(tempfile.mkdtemp(prefix="nscl-chromium-"))
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            user_data_dir=str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            accept_downloads=True,
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
            viewport={"width": 1366, "height": 900},
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.pages[0] if context.pages else context.new_page()
        try:
            yield page
        finally:
            context.close()
            shutil.rmtree(profile, ignore_errors=True)


def _shot(page, folder: Path, name: str, full_page: bool = True) -> Path:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def test_staff_page_in_the_browser(staff_server, browser_page, catalogue, tmp_path):
    from ui.data import YEAR, write_workbook

    server, codes = staff_server
    page = browser_page
    screens = tmp_path / "screens"
    screens.mkdir()
    nscl = f"{server.base}/nscl"

    # 1. Log in through Airflow's own login page (FAB).
    page.goto(f"{server.base}/")
    page.wait_for_selector("input#username")
    _shot(page, screens, "01-dang-nhap")
    page.fill("input#username", "canbo")
    page.fill("input#password", "Canbo-2025!")
    page.click("input[type=submit]")

    # 2. The page's entry in Airflow's navigation opens it inside the Airflow UI.
    entry = page.get_by_role("link", name="Báo cáo NSCL")
    entry.first.wait_for()
    entry.first.click()
    page.wait_for_url("**/plugin/bao-cao-nscl")
    frame = page.frame_locator("iframe[title='Báo cáo NSCL']")
    frame.locator(".report-version").first.wait_for()
    assert "Báo cáo năm 2025" in frame.locator("body").inner_text()
    _shot(page, screens, "02-trong-airflow", full_page=False)

    # 3. Reports: download the 2025 report (the newest version) from inside the Airflow UI.
    with page.expect_download() as info:
        frame.locator(f".report-group[data-year='{YEAR}'] a.dl-docx").first.click()
    download = info.value
    assert download.suggested_filename == f"bao-cao-nam-{YEAR}-v001.docx"
    docx = tmp_path / download.suggested_filename
    download.save_as(docx)
    manifest = json.loads(
        (server.data_dir / "reports" / str(YEAR) / f"bao-cao-nam-{YEAR}-v001.manifest.json").read_text(
            "utf-8"
        )
    )
    assert hashlib.sha256(docx.read_bytes()).hexdigest() == manifest["document_sha256"]
    with zipfile.ZipFile(docx) as z:
        assert "word/document.xml" in z.namelist()

    page.goto(f"{nscl}/reports")
    page.locator(".report-version").first.wait_for()
    text = page.locator("main").inner_text()
    assert "v001" in text and "Bản kê đầu vào (manifest)" in text
    _shot(page, screens, "03-bao-cao")

    # 4. Submissions: on time, rejected with its feedback, missing.
    page.goto(f"{nscl}/submissions?year={YEAR}")
    row = page.locator(f"#agency-{codes['upload']}")
    assert row.get_attribute("data-state") == "missing"
    assert page.locator(f"#agency-{codes['on_time']}").get_attribute("data-state") == "on_time"
    rejected = page.locator(f"#agency-{codes['rejected']}")
    assert rejected.get_attribute("data-state") == "rejected"
    assert "Bị trả lại, chờ sửa" in rejected.inner_text()
    assert "Chỉ tiêu" in rejected.inner_text()  # the sheet of the mistake, in the error list
    with page.expect_download() as info:
        rejected.locator("a.dl-feedback").first.click()
    feedback = tmp_path / info.value.suggested_filename
    info.value.save_as(feedback)
    assert feedback.stat().st_size > 0
    missing_before = int(page.locator("#count-missing").inner_text())
    _shot(page, screens, "04-tinh-hinh-nop")

    # 5. Upload a workbook the agency sent by e-mail.
    workbook = write_workbook(
        catalogue, YEAR, codes["upload"], tmp_path / "email" / f"Bao cao {YEAR} (gui qua email).xlsx"
    )
    page.click("#tab-upload")
    page.wait_for_selector("#upload-form")
    page.select_option("#up-year", str(YEAR))
    page.select_option("#up-agency", codes["upload"])
    page.set_input_files("#up-file", str(workbook))
    _shot(page, screens, "05-tai-len")
    page.click("#up-submit")
    result = page.locator("#upload-result")
    result.wait_for(timeout=120_000)
    assert result.get_attribute("data-status") == "accepted", result.inner_text()
    _shot(page, screens, "06-ket-qua-tai-len")

    # It sits in the inbox like any agency's file, with who uploaded it beside it.
    stored = server.data_dir / "inbox" / str(YEAR) / f"Bao cao {YEAR} (gui qua email).xlsx"
    assert stored.read_bytes() == workbook.read_bytes()
    sidecar = json.loads((stored.parent / f".{stored.name}.upload.json").read_text("utf-8"))
    assert sidecar["uploader"] == "canbo" and sidecar["on_behalf_of"] == codes["upload"]

    # 6. Its status changed: received now, after the 2025 deadline, so late but counted.
    result.get_by_role("link").click()
    row = page.locator(f"#agency-{codes['upload']}")
    row.wait_for()
    assert row.get_attribute("data-state") == "late"
    assert "tải lên bởi canbo" in row.inner_text()
    assert int(page.locator("#count-missing").inner_text()) == missing_before - 1
    row.locator("details summary").click()
    _shot(page, screens, "07-sau-khi-tai-len")

    # 7. Blank workbooks of this year for any agency.
    page.click("#tab-templates")
    page.wait_for_selector("#template-table")
    with page.expect_download() as info:
        page.locator("a.dl-template").first.click()
    blank = tmp_path / info.value.suggested_filename
    info.value.save_as(blank)
    from openpyxl import load_workbook

    assert "_meta" in load_workbook(blank).sheetnames
    _shot(page, screens, "08-bieu-mau")

    shots = sorted(screens.glob("*.png"))
    assert len(shots) == 8 and all(p.stat().st_size > 10_000 for p in shots)
    SCREENS_COPY.mkdir(parents=True, exist_ok=True)
    for shot in shots:
        shutil.copy2(shot, SCREENS_COPY / shot.name)
