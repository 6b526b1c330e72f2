"""The "Biên tập báo cáo" and "Báo cáo" tabs in the browser, from draft to the signed record, as
staff use them: approval is refused while something is open, and lists it; staff choose the
signer (Decree 30 authority lines and full name), edit a section and keep the others as drafted,
approve through the confirmation of what becomes final, and make a new version: no "DỰ THẢO",
the full signature block, the edited text, every generated table as before. Then the signed PDF
is uploaded on the reports tab: one whose text differs (refused, the passage shown), one without
a digital signature (accepted, said so), one signed with a throw-away certificate (accepted,
verified); the year is locked: a new version is refused, saying why. Runs after
``test_ui_browser.py`` (file order): both use the session's shared server."""

from __future__ import annotations

import datetime as dt
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from docx import Document
from nscl.reporting import render as report
from nscl.settings import LOCAL_TZ
from test_signed_copy import sign, throwaway_signer, to_pdf
from test_ui_browser import CHROMIUM, SCREENS_COPY, _shot, browser_page, staff_server  # noqa: F401 - fixtures

EDITED = "Năm nay Sở đã chủ trì tổ chức 06 lớp tập huấn cho doanh nghiệp (đoạn do cán bộ biên tập)."


def tables_of(path: Path) -> list[list[list[str]]]:
    """Every table but the header and the signature block (the generated ones)."""
    tables = Document(str(path)).tables[1:]
    return [
        [[c.text for c in r.cells] for r in t.rows]
        for t in tables
        if not t.cell(0, 0).text.startswith("Nơi nhận")
    ]


def upload_signed(page, nscl: str, year: int, pdf: Path, number: str) -> None:
    page.goto(f"{nscl}/reports?year={year}")
    box = page.locator("#signed-annual")
    box.locator("summary").click()
    box.locator("input[type=file]").set_input_files(str(pdf))
    box.locator("input[name=number]").fill(number)
    box.locator("input[name=date]").fill(dt.datetime.now(LOCAL_TZ).date().isoformat())
    with page.expect_navigation():
        box.locator("button[type=submit]").click()
    page.wait_for_selector("#signed-annual")


def test_from_draft_to_the_signed_record(staff_server, browser_page, tmp_path):  # noqa: F811
    from ui.data import YEAR

    assert CHROMIUM.exists()
    server, _codes = staff_server
    page = browser_page
    nscl = f"{server.base}/nscl"
    page.goto(f"{server.base}/")
    page.wait_for_selector("input#username")
    page.fill("input#username", "canbo")
    page.fill("input#password", "Canbo-2025!")
    page.click("input[type=submit]")
    page.wait_for_load_state()

    # The page's other tests share this server, and the access test posts to every route (the
    # approval too): start from no editorial text and nothing signed, as a new year does.
    for folder in ("editorial", "signed"):
        shutil.rmtree(server.data_dir / folder, ignore_errors=True)
    page.goto(f"{nscl}/editorial?year={YEAR}&kind=annual")
    page.wait_for_selector("#ed-achievements")
    page.click("#ed-generate")
    page.wait_for_selector("#ed-made", timeout=180_000)
    before = server.data_dir / "reports" / str(YEAR) / page.locator("#ed-made a.dl-docx").inner_text()
    assert Document(str(before)).tables[0].rows[1].cells[0].paragraphs[1].text == "DỰ THẢO"
    assert page.locator("#ed-status").get_attribute("data-approved") == "no"
    assert "Chưa chọn người ký" in page.locator("#ed-open").inner_text()

    # Approval with open items: refused, and what is open is listed
    page.click("#ed-approve")
    page.wait_for_selector("#ed-confirm[data-ready='no']")
    blocking = page.locator("#ed-blocking").inner_text()
    assert "Chưa chọn người ký" in blocking and "Kết quả đạt được" in blocking
    assert page.locator("#ed-approve-confirm").count() == 0
    _shot(page, tmp_path, "bien-tap-01-chua-phe-duyet-duoc")

    # The signer as Decree 30 writes it
    page.fill("#ed-auth1", "KT. GIÁM ĐỐC")
    page.fill("#ed-auth2", "PHÓ GIÁM ĐỐC")
    page.fill("#ed-name", "Nguyễn Văn Minh")
    page.click("#ed-signer-save")
    page.wait_for_selector("#ed-signer[data-set='yes']")
    assert "KT. GIÁM ĐỐC" in page.locator("#ed-signer-now").inner_text()

    page.fill("#ed-text-achievements", EDITED)
    page.click("#ed-save-achievements")
    page.wait_for_selector("#ed-saved")
    assert "Đã biên tập: canbo" in page.locator("#ed-source-achievements").inner_text()
    page.click("#ed-keep-all")
    page.wait_for_selector("#ed-difficulties[data-reviewed='yes']")
    assert "Đã xem, giữ nguyên bản nháp: canbo" in page.locator("#ed-source-difficulties").inner_text()

    page.click("#ed-approve")
    page.wait_for_selector("#ed-confirm[data-ready='yes']")
    assert "Nguyễn Văn Minh" in page.locator("#ed-confirm-signer").inner_text()
    _shot(page, tmp_path, "bien-tap-02-xac-nhan")
    page.click("#ed-approve-confirm")
    page.wait_for_selector("#ed-status[data-approved='yes']")
    page.click("#ed-generate")
    page.wait_for_selector("#ed-made", timeout=180_000)
    with page.expect_download() as info:
        page.locator("#ed-made a.dl-docx").click()
    new = tmp_path / info.value.suggested_filename
    info.value.save_as(new)
    assert new.name != before.name
    doc = Document(str(new))
    assert doc.tables[0].rows[1].cells[0].paragraphs[1].text == ""  # no draft mark
    assert all("DỰ THẢO" not in s.header.paragraphs[0].text for s in doc.sections)
    block = next(t for t in doc.tables if t.cell(0, 0).text.startswith("Nơi nhận")).cell(0, 1)
    assert [p.text for p in block.paragraphs if p.text.strip()] == [
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Nguyễn Văn Minh",
    ]
    assert any(EDITED in p.text for p in doc.paragraphs)
    assert tables_of(new) == tables_of(before)  # every generated table as before the edit

    if not report.soffice():
        pytest.skip("LibreOffice not installed: the signed copy's part needs a PDF of the approved version")
    approved_pdf = to_pdf(server.data_dir / "reports" / str(YEAR) / new.name, tmp_path / "pdf")

    # a different document: refused, the passage shown
    other = Document(str(new))
    para = next(p for p in other.paragraphs if EDITED in p.text)
    for run in para.runs:
        run.text = run.text.replace("06 lớp", "16 lớp")
    other.save(str(tmp_path / "khac.docx"))
    (tmp_path / "khac.pdf").write_bytes(to_pdf(tmp_path / "khac.docx", tmp_path / "pdf2"))
    upload_signed(page, nscl, YEAR, tmp_path / "khac.pdf", "123")
    refused = page.locator("#signed-annual .signed-refused")
    assert refused.count() == 1, page.locator("main").inner_text()[:3000]
    assert "16 lớp" in refused.inner_text(), refused.inner_text()
    assert page.locator("#signed-annual").get_attribute("data-signed") == "no"
    _shot(page, tmp_path, "bao-cao-01-ban-ky-khac-noi-dung")

    # without a digital signature (a scan, or printed to PDF): accepted, and said so
    (tmp_path / "chua-ky.pdf").write_bytes(approved_pdf)
    upload_signed(page, nscl, YEAR, tmp_path / "chua-ky.pdf", "122")
    assert "không có chữ ký số" in page.locator("#signed-annual .signed-signature").inner_text()

    # signed with a throw-away certificate: accepted, verified, shown
    # (pyHanko runs its own event loop: not in Playwright's thread, which has one)
    with ThreadPoolExecutor(1) as pool:
        data = pool.submit(lambda: sign(approved_pdf, throwaway_signer(tmp_path))).result()
    (tmp_path / "da-ky.pdf").write_bytes(data)
    upload_signed(page, nscl, YEAR, tmp_path / "da-ky.pdf", "123")
    today = dt.datetime.now(LOCAL_TZ).date()
    label = f"Đã ký: Số 123/BC-SKHCN ngày {today.strftime('%d/%m/%Y')}"
    assert page.locator("#signed-annual .signed-label").inner_text() == label
    verdict = page.locator("#signed-annual .signed-signature").inner_text()
    assert "Nguyễn Văn Minh" in verdict and "tệp không bị sửa sau khi ký" in verdict
    _shot(page, tmp_path, "bao-cao-02-da-ky")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, tmp_path, "bao-cao-02-da-ky-dien-thoai")
    page.set_viewport_size({"width": 1366, "height": 900})

    # the year is locked: a new version is refused, saying why
    page.goto(f"{nscl}/editorial?year={YEAR}&kind=annual")
    page.wait_for_selector("#ed-lock[data-locked='yes']")
    with page.expect_navigation():
        page.click("#ed-generate")
    assert "đã khóa" in page.content()
    # leave the shared server as a new year is (the session's later tests make versions)
    for folder in ("editorial", "signed"):
        shutil.rmtree(server.data_dir / folder, ignore_errors=True)
    SCREENS_COPY.mkdir(parents=True, exist_ok=True)
    for shot in tmp_path.glob("b*.png"):
        shutil.copy2(shot, SCREENS_COPY / shot.name)
