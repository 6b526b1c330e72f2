"""The "Biên tập báo cáo" tab in the browser, as staff use it: edit a narrative section, save it,
approve the content, make a new version of the report and download it: the new version has no
"DỰ THẢO", carries the edited text, and its generated figures (tables, charts) are those of the
version made before the edit. Runs after ``test_ui_browser.py`` (file order): both use the
session's shared server, and this test makes a new report version."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from docx import Document
from test_ui_browser import CHROMIUM, SCREENS_COPY, _shot, browser_page, staff_server  # noqa: F401 - fixtures

EDITED = "Năm nay Sở đã chủ trì tổ chức 06 lớp tập huấn cho doanh nghiệp (đoạn do cán bộ biên tập)."


def tables_of(path: Path) -> list[list[list[str]]]:
    return [[[c.text for c in r.cells] for r in t.rows] for t in Document(str(path)).tables]


def test_edit_approve_and_download_a_new_version(staff_server, browser_page, tmp_path):  # noqa: F811
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
    # approval too): start from no editorial text, as a new year does.
    shutil.rmtree(server.data_dir / "editorial", ignore_errors=True)
    page.goto(f"{nscl}/editorial?year={YEAR}&kind=annual")
    page.wait_for_selector("#ed-achievements")
    # A version from today's data before any edit, to compare the generated figures with.
    page.click("#ed-generate")
    page.wait_for_selector("#ed-made", timeout=180_000)
    before = server.data_dir / "reports" / str(YEAR) / page.locator("#ed-made a.dl-docx").inner_text()
    assert "DỰ THẢO" in [p.text for p in Document(str(before)).paragraphs]
    assert page.locator("#ed-status").get_attribute("data-approved") == "no"
    assert "Chưa có họ tên người ký" in page.locator("#ed-open").inner_text()
    draft = page.locator("#ed-text-achievements").input_value()
    assert draft.strip()  # pre-filled with the draft from the agencies' words
    _shot(page, tmp_path, "bien-tap-01")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, tmp_path, "bien-tap-01-dien-thoai")
    page.set_viewport_size({"width": 1366, "height": 900})

    page.fill("#ed-text-achievements", EDITED)
    page.click("#ed-save-achievements")
    page.wait_for_selector("#ed-saved")
    assert page.locator("#ed-text-achievements").input_value() == EDITED
    assert "canbo" in page.locator("#ed-achievements").inner_text()

    page.click("#ed-approve")
    page.wait_for_selector("#ed-status[data-approved='yes']")
    page.click("#ed-generate")
    page.wait_for_selector("#ed-made", timeout=180_000)
    _shot(page, tmp_path, "bien-tap-02-da-phe-duyet")
    SCREENS_COPY.mkdir(parents=True, exist_ok=True)
    for shot in tmp_path.glob("bien-tap-*.png"):
        shutil.copy2(shot, SCREENS_COPY / shot.name)
    with page.expect_download() as info:
        page.locator("#ed-made a.dl-docx").click()
    new = tmp_path / info.value.suggested_filename
    info.value.save_as(new)
    assert new.name != before.name

    doc = Document(str(new))
    paragraphs = [p.text for p in doc.paragraphs]
    assert "DỰ THẢO" not in paragraphs
    assert any(EDITED in p for p in paragraphs)
    assert tables_of(new)[1:] == tables_of(before)[1:]  # every generated table as before the edit
    with zipfile.ZipFile(new) as z:
        assert any(n.startswith("word/media/") for n in z.namelist())  # the charts
    # Every version of the text is kept, with who and when.
    history = sorted((server.data_dir / "editorial" / str(YEAR) / "annual.history").glob("*.yaml"))
    assert len(history) >= 2 and "canbo" in history[0].read_text("utf-8")
