"""The staff page as staff use it, in Debian's Chromium (headless, driven by Playwright) against a
locally started Airflow API server and a test SMTP server (aiosmtpd):

log in on the Vietnamese login page and land on the overview; the overview's figures equal
``nscl status --json`` and the report's own indicator table; filter and search the status
table; one click e-mails a reminder (exactly one message; a second click is refused); a
wrong-year upload is previewed as such, received, withdrawn, and the agency's state comes back;
an e-mailed workbook is uploaded on the agency's behalf; the same workbook again is announced as
a duplicate and not counted twice; ``?year=abc`` is a Vietnamese page; no tab scrolls sideways
at 1366 px and the phone layout (390 px) shows the state. Screenshots of every tab at both
widths go to a temporary folder (and a copy to /tmp/nscl-screens for people to look at)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
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
TABS = ("overview", "submissions", "reports", "upload", "templates")

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
            timezone_id="UTC",  # not Vietnam: the page must say which zone its times are in
            viewport={"width": 1366, "height": 900},
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.pages[0] if context.pages else context.new_page()
        page.on("dialog", lambda d: d.accept())
        try:
            yield page
        finally:
            context.close()
            shutil.rmtree(profile, ignore_errors=True)


def _shot(page, folder: Path, name: str, full_page: bool = True) -> Path:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def _nscl_status(server, year: int) -> dict:
    """``nscl status --json``, run as operators run it, on the server's data folder."""
    env = {**os.environ, "NSCL_DATA_DIR": str(server.data_dir)}
    out = subprocess.run(
        [str(Path(sys.executable).with_name("nscl")), "status", "--year", str(year), "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(out.stdout)


def _report_indicators(docx: Path) -> dict[str, dict[str, str]]:
    """The annual report's indicator table (header "STT", "Chỉ tiêu", ..., "Năm <year>"), by
    indicator name, each row as {column heading: text}; its last row, the rule note merged across
    the table (since d788b39), is no indicator."""
    import docx as python_docx

    for table in python_docx.Document(str(docx)).tables:
        head = [c.text.strip() for c in table.rows[0].cells]
        if head[:2] == ["STT", "Chỉ tiêu"] and any(
            h.startswith(("Năm ", "Ước thực hiện năm ")) for h in head
        ):
            return {
                r.cells[1].text.strip(): dict(zip(head, (c.text.strip() for c in r.cells), strict=True))
                for r in table.rows[1:]
                if not r.cells[0].text.startswith("Ghi chú:")  # the rule note across the last row
            }
    raise AssertionError("no indicator table in the report")


def _no_sideways_scroll(page, width: int) -> None:
    scroll = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll <= width, f"{page.url}: the page is {scroll}px wide at {width}px"


def _state(page, code: str) -> str:
    return page.locator(f"#agency-{code}").get_attribute("data-state")


def _count(page, state: str) -> int:
    return int(page.locator(f"#count-{state}").inner_text())


def _upload(page, nscl: str, year: int, path: Path, agency: str | None = None, note: str = ""):
    page.goto(f"{nscl}/upload?year={year}")
    page.select_option("#up-year", str(year))
    if agency:
        page.select_option("#up-agency", agency)
    if note:
        page.fill("#up-note", note)
    page.set_input_files("#up-file", str(path))
    page.click("#up-submit")
    preview = page.locator("#upload-preview")
    preview.wait_for(timeout=120_000)
    return preview


@pytest.fixture
def screens(tmp_path):
    """Where the screenshots go; copied for people to look at even when the test fails."""
    folder = tmp_path / "screens"
    folder.mkdir()
    yield folder
    SCREENS_COPY.mkdir(parents=True, exist_ok=True)
    for shot in sorted(folder.glob("*.png")):
        shutil.copy2(shot, SCREENS_COPY / shot.name)


def test_staff_page_in_the_browser(staff_server, browser_page, catalogue, tmp_path, screens):
    from ui.data import YEAR, write_workbook

    server, codes = staff_server
    page = browser_page
    nscl = f"{server.base}/nscl"

    # 1. Airflow's home sends an anonymous visitor to the login page, in Vietnamese.
    page.goto(f"{server.base}/")
    page.wait_for_selector("input#username")
    login_text = page.locator("body").inner_text()
    assert "Đăng nhập" in login_text and "Tên đăng nhập" in login_text and "Mật khẩu" in login_text
    assert "Sign In" not in login_text and "Username" not in login_text
    _shot(page, screens, "01-dang-nhap")
    page.fill("input#username", "canbo")
    page.fill("input#password", "Canbo-2025!")
    page.click("input[type=submit]")

    # 2. Staff land on their page's overview, not on Airflow's home.
    page.wait_for_url(f"{nscl}/")
    page.locator("#rate").wait_for()
    assert page.locator("nav.tabs a").first.inner_text() == "Tổng quan"
    # The page sets the Airflow UI's time zone preference (same origin) to Vietnam time.
    assert page.evaluate("localStorage.getItem('timezone')") == json.dumps("Asia/Ho_Chi_Minh")
    assert "giờ Việt Nam" in page.locator("#footer").inner_text()
    _shot(page, screens, "02-sau-dang-nhap", full_page=False)
    # The page also opens inside the Airflow UI (its navigation entry; an iframe, same origin).
    page.goto(f"{server.base}/plugin/bao-cao-nscl")
    frame = page.frame_locator("iframe[title='Báo cáo NSCL']")
    frame.locator("#rate").wait_for()
    _shot(page, screens, "03-trong-airflow", full_page=False)
    page.goto(f"{nscl}/")

    # 3. The overview's figures are `nscl status --json`'s ...
    status = _nscl_status(server, YEAR)
    rate = page.locator("#rate")
    assert int(rate.get_attribute("data-expected")) == status["expected"]
    assert int(rate.get_attribute("data-received")) == status["counts"]["on_time"] + status["counts"]["late"]
    for state, n in status["counts"].items():
        assert int(page.locator(f"#ov-count-{state}").inner_text()) == n, state
    percent = round(100 * (status["counts"]["on_time"] + status["counts"]["late"]) / status["expected"])
    assert page.locator("#rate-percent").inner_text() == f"{percent}%"
    assert page.locator(f"#years .bar[data-year='{YEAR}']").get_attribute("data-percent") == str(percent)
    # ... and its indicator table is the report's.
    with page.expect_download() as info:
        page.locator("#latest-report a.dl-docx").click()
    docx = tmp_path / info.value.suggested_filename
    info.value.save_as(docx)
    manifest = json.loads(
        (server.data_dir / "reports" / str(YEAR) / docx.name.replace(".docx", ".manifest.json")).read_text(
            "utf-8"
        )
    )
    assert hashlib.sha256(docx.read_bytes()).hexdigest() == manifest["document_sha256"]
    report = _report_indicators(docx)
    rows = page.locator("#indicator-table tbody tr")
    assert rows.count() == len(report) > 0
    for i in range(rows.count()):
        row = rows.nth(i)
        name = row.locator("td.name strong").inner_text()
        cells = report[name]
        # the year's column reads "Năm 2025", or "Ước thực hiện năm 2025" while the year runs (issue 23)
        col = {
            "Năm"
            if h.startswith(("Năm ", "Ước thực hiện năm "))
            else h.split(" ", 1)[0]
            if h.startswith("Lũy kế")
            else h: v
            for h, v in cells.items()
        }
        phase_status = next(v for h, v in cells.items() if h.startswith("Đánh giá giai đoạn"))
        phase_target = next(v for h, v in cells.items() if h.startswith("Mục tiêu giai đoạn"))
        assert row.locator(".year-value").inner_text() == col["Năm"], name
        # "Lũy kế đến hết năm <year>": the phase's and the ten years' running total alike.
        assert row.locator(".phase-value").inner_text() == col["Lũy"], name
        assert phase_target in row.locator("td.target").nth(0).inner_text(), name
        assert row.locator(".phase-status").inner_text() == phase_status, name
        assert row.locator(".ten-value").inner_text() == col["Lũy"], name
        assert cells["Mục tiêu 2021-2030"] in row.locator("td.target").nth(1).inner_text(), name
        assert row.locator(".ten-status").inner_text() == cells["Đánh giá 2021-2030"], name
    # The report a DAG run wrote says which run, in staff's words and Vietnam time (the run id
    # is manual__2025-11-30T10:00:00+00:00); staff, whom Airflow refuses run pages, get no link
    # that would answer 403 (on the reports tab: other tests may have written later versions).
    page.goto(f"{nscl}/reports?year={YEAR}")
    assert "Lượt chạy theo yêu cầu ngày 30/11/2025 17:00" in page.locator("td.run").all_inner_texts()
    assert page.locator("a.run-link").count() == 0
    page.goto(f"{nscl}/")

    # 4. Status: problems first, counts that filter, search.
    page.goto(f"{nscl}/submissions?year={YEAR}")
    states = page.locator("#status-table tbody tr").evaluate_all("rs => rs.map(r => r.dataset.state)")
    order = {"rejected": 0, "missing": 1, "late": 2, "on_time": 3}
    assert [order[s] for s in states] == sorted(order[s] for s in states)
    assert states[0] == "rejected"
    assert "quá hạn" in page.locator(f"#agency-{codes['rejected']}").inner_text()
    page.click("#filter-rejected")
    visible = page.locator("#status-table tbody tr:not(.hidden)")
    assert visible.count() == status["counts"]["rejected"] == 1
    assert visible.first.get_attribute("id") == f"agency-{codes['rejected']}"
    page.click("#filter-all")
    name = catalogue.agencies[codes["on_time"]].name
    page.fill("#search", name.split()[-1].lower())
    assert f"agency-{codes['on_time']}" in visible.evaluate_all("rs => rs.map(r => r.id)")
    assert visible.count() < len(states)
    page.fill("#search", "")
    assert visible.count() == len(states)

    # 5. One click e-mails the rejected agency its feedback: exactly one message.
    mailbox = server.mailbox
    before = len(mailbox.messages)
    page.locator(f"#agency-{codes['rejected']} button.remind").click()
    page.locator("#notice").wait_for()
    assert "Đã gửi thư" in page.locator("#notice").inner_text()
    assert len(mailbox.messages) == before + 1
    to, message = mailbox.messages[-1]
    assert to == [f"vanthu.{codes['rejected'].lower()}@example.vn"]
    assert "[NSCL 2025]" in str(message["subject"])
    assert any(part.get_filename() for part in message.iter_attachments())  # the feedback workbook
    row = page.locator(f"#agency-{codes['rejected']}")
    assert "Đã gửi 1 thư" in row.inner_text()
    # A second click in the same stage sends nothing, and says so.
    row.locator("button.remind").click()
    page.locator("#notice").wait_for()
    assert "đã được gửi thư ở đợt nhắc này" in page.locator("#notice").inner_text()
    assert len(mailbox.messages) == before + 1

    # 6. A 2024 workbook uploaded into 2025: the preview says so; received anyway, withdrawn,
    #    and the agency is back where it was.
    target = codes["upload"]
    missing_before = None
    page.goto(f"{nscl}/submissions?year={YEAR}")
    assert _state(page, target) == "missing"
    missing_before = _count(page, "missing")
    wrong = write_workbook(catalogue, YEAR - 1, target, tmp_path / "nham" / f"NSCL_{YEAR - 1}_{target}.xlsx")
    preview = _upload(page, nscl, YEAR, wrong)
    assert preview.locator(".note[data-key='wrong_year']").count() == 1
    assert f"năm {YEAR - 1}" in preview.inner_text()
    assert preview.locator("#pv-year").inner_text().startswith(str(YEAR - 1))
    _shot(page, screens, "20-xem-truoc-sai-nam")
    page.click("#up-confirm")
    page.locator("#upload-result").wait_for(timeout=120_000)
    assert page.locator("#upload-result").get_attribute("data-status") == "rejected"
    page.goto(f"{nscl}/submissions?year={YEAR}")
    assert _state(page, target) == "rejected"
    row = page.locator(f"#agency-{target}")
    row.locator("details.history summary").click()
    row.locator(".withdraw-form input[name=reason]").fill("Tải nhầm biểu mẫu năm 2024")
    row.locator("button.withdraw").click()
    page.locator("#notice").wait_for()
    assert "Đã rút lại" in page.locator("#notice").inner_text()
    assert _state(page, target) == "missing"
    assert _count(page, "missing") == missing_before
    row = page.locator(f"#agency-{target}")
    row.locator("details.history summary").click()
    assert "Đã rút lại" in row.inner_text() and "Tải nhầm biểu mẫu năm 2024" in row.inner_text()
    assert _nscl_status(server, YEAR)["counts"] == status["counts"]
    # Nothing lost: the withdrawn file is still archived, its withdrawal on record.
    sha = hashlib.sha256(wrong.read_bytes()).hexdigest()
    assert (server.data_dir / "archive" / sha[:2] / sha).exists()
    record = json.loads((server.data_dir / "withdrawals" / str(YEAR) / f"{sha}.json").read_text("utf-8"))
    assert record["by"] == "canbo" and record["reason"] == "Tải nhầm biểu mẫu năm 2024"

    # 7. The workbook the agency e-mailed, uploaded on its behalf: previewed, then received.
    workbook = write_workbook(
        catalogue, YEAR, target, tmp_path / "email" / f"Bao cao {YEAR} (gui qua email).xlsx"
    )
    preview = _upload(page, nscl, YEAR, workbook, agency=target, note="nhận qua thư điện tử ngày 01/12/2026")
    assert preview.get_attribute("data-status") == "accepted"
    assert preview.get_attribute("data-duplicate") == "no"
    assert target in preview.locator("#pv-agency").inner_text()
    _shot(page, screens, "21-xem-truoc-hop-le")
    page.click("#up-confirm")
    result = page.locator("#upload-result")
    result.wait_for(timeout=120_000)
    assert result.get_attribute("data-status") == "accepted", result.inner_text()
    stored = server.data_dir / "inbox" / str(YEAR) / workbook.name
    assert stored.read_bytes() == workbook.read_bytes()
    sidecar = json.loads((stored.parent / f".{stored.name}.upload.json").read_text("utf-8"))
    assert sidecar["uploader"] == "canbo" and sidecar["on_behalf_of"] == target
    result.get_by_role("link").click()
    page.locator(f"#agency-{target}").wait_for()
    assert _state(page, target) == "late"
    assert "tải lên bởi canbo" in page.locator(f"#agency-{target}").inner_text()
    assert _count(page, "missing") == missing_before - 1
    after_upload = _nscl_status(server, YEAR)

    # 8. The same workbook again: announced as a duplicate, nothing to confirm, not counted.
    preview = _upload(page, nscl, YEAR, workbook)
    assert preview.get_attribute("data-duplicate") == "yes"
    assert "trùng" in preview.locator(".note[data-key='duplicate']").inner_text()
    assert page.locator("#up-confirm").count() == 0
    _shot(page, screens, "22-xem-truoc-trung")
    page.click("#up-cancel")
    page.locator("#upload-cancelled").wait_for()
    again = _nscl_status(server, YEAR)
    assert again["counts"] == after_upload["counts"]
    assert next(a for a in again["agencies"] if a["agency_code"] == target)["files"] == 1

    # 9. Every tab at 1366 px: no sideways scroll; screenshots.
    for i, tab in enumerate(TABS):
        page.goto(f"{nscl}/{tab}?year={YEAR}")
        page.locator("main").wait_for()
        _no_sideways_scroll(page, 1366)
        _shot(page, screens, f"1{i}-{tab}-1366")
    # Downloads of the status tab: the Excel export and the zips.
    page.goto(f"{nscl}/submissions?year={YEAR}")
    with page.expect_download() as info:
        page.click("#export-xlsx")
    xlsx = tmp_path / info.value.suggested_filename
    info.value.save_as(xlsx)
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx).active
    assert sheet.max_row == status["expected"] + 1
    with page.expect_download() as info:
        page.click("#zip-blanks")
    blanks = tmp_path / info.value.suggested_filename
    info.value.save_as(blanks)
    with zipfile.ZipFile(blanks) as z:
        assert len(z.namelist()) == status["expected"]

    # 10. A bad parameter: a Vietnamese page with the tabs and a way back.
    response = page.goto(f"{nscl}/submissions?year=abc")
    assert response.status == 400
    text = page.locator("body").inner_text()
    assert "Năm báo cáo “abc” không hợp lệ" in text and "Tổng quan" in text
    assert page.locator("#way-back a").count() >= 1
    _shot(page, screens, "30-loi-tham-so")

    # 11. A phone: every tab fits; the status column is on screen.
    page.set_viewport_size({"width": 390, "height": 844})
    for i, tab in enumerate(TABS):
        page.goto(f"{nscl}/{tab}?year={YEAR}")
        page.locator("main").wait_for()
        _no_sideways_scroll(page, 390)
        _shot(page, screens, f"4{i}-{tab}-390")
    page.goto(f"{nscl}/submissions?year={YEAR}")
    badge = page.locator(f"#agency-{codes['rejected']} .badge.state")
    box = badge.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert badge.is_visible()

    shots = sorted(screens.glob("*.png"))
    assert len(shots) == 2 * len(TABS) + 7 and all(p.stat().st_size > 5_000 for p in shots)
