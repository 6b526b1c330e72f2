"""The staff page as a shared office PC uses it, in Debian's Chromium (Playwright) against the
session's shared API server: logging out revokes the token (the old cookie is refused on every
address of the page), a logged-out visitor goes to the login form and comes back; text typed in
two sections survives saving one; an e-mail and an approval ask first (with the agency's address)
and say what happened where the user is looking; a double click makes one report version, and
two requests with the same form token make one as well."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
import re
import shutil
import tempfile
import urllib.parse
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from test_ui_access import ROUTES, concrete
from test_ui_browser import CHROMIUM, CHROMIUM_ARGS, SCREENS_COPY, TIMEOUT_MS

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")


@pytest.fixture(scope="session")
def staff_server(catalogue):
    from ui.server import shared_server, stop_shared

    server, codes = shared_server(catalogue)
    yield server, codes
    stop_shared()


@pytest.fixture
def browser():
    """A Chromium context whose dialogs are recorded (``page.dialogs``) and answered by
    ``page.answer`` (True: accept)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    profile = Path(tempfile.mkdtemp(prefix="nscl-chromium-"))
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            user_data_dir=str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            locale="vi-VN",
            timezone_id="UTC",
            viewport={"width": 1366, "height": 900},
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.pages[0] if context.pages else context.new_page()
        page.dialogs, page.answer = [], True

        def on_dialog(d):
            page.dialogs.append((d.type, d.message))
            d.accept() if page.answer else d.dismiss()

        page.on("dialog", on_dialog)
        try:
            yield page
        finally:
            context.close()
            shutil.rmtree(profile, ignore_errors=True)


def _login(page, server, user="canbo", password="Canbo-2025!"):
    page.wait_for_selector("input#username")
    page.fill("input#username", user)
    page.fill("input#password", password)
    page.click("input[type=submit]")
    page.wait_for_load_state()


def _in_view(page, selector: str) -> bool:
    return page.evaluate(
        """sel => { const r = document.querySelector(sel).getBoundingClientRect();
                    return r.top >= 0 && r.bottom <= window.innerHeight; }""",
        selector,
    )


def _shots(page, name: str) -> None:
    SCREENS_COPY.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS_COPY / f"{name}.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SCREENS_COPY / f"{name}-dien-thoai.png"))
    page.set_viewport_size({"width": 1366, "height": 900})


def test_logout_revokes_the_token_everywhere_and_login_comes_back(staff_server, browser):
    from ui.data import YEAR

    server, _ = staff_server
    page, nscl = browser, f"{server.base}/nscl"
    target = f"{nscl}/submissions?year={YEAR}&state=missing"
    # A logged-out visitor opening a deep address gets the login form, and that address after it.
    page.goto(target)
    assert page.url.startswith(f"{server.base}/auth/login/")
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)["next"] == [
        f"/nscl/submissions?year={YEAR}&state=missing"
    ]
    _login(page, server)
    assert page.url == target
    old = next(c["value"] for c in page.context.cookies() if c["name"] == "_token")
    assert httpx.get(f"{nscl}/api/me", cookies={"_token": old}).status_code == 200

    page.click("#logout")
    page.wait_for_selector("input#username")
    assert "_token" not in {c["name"] for c in page.context.cookies()}
    # The old cookie, kept by someone who copied it, opens nothing of the page any more.
    with httpx.Client(base_url=server.base, timeout=60) as http:
        for method, path in ROUTES:
            r = http.request(
                method, concrete(path, server), cookies={"_token": old}, headers={"Accept": "text/html"}
            )
            assert r.status_code in (303, 401, 403), (method, path, r.status_code)
            if r.status_code == 303:
                assert r.headers["location"].startswith("/auth/login/"), (path, r.headers["location"])
            assert "canbo" not in r.text
    # Put back in the browser, it is refused too: the login form again, not the page.
    page.context.add_cookies([{"name": "_token", "value": old, "url": server.base}])
    page.goto(f"{nscl}/")
    assert page.url.startswith(f"{server.base}/auth/login/")
    assert page.locator("#who-name").count() == 0


def test_forbidden_says_whom_to_ask(staff_server, browser):
    server, _ = staff_server
    page = browser
    page.goto(f"{server.base}/auth/login/")
    _login(page, server, "khac", "Khac-2025!")
    page.goto(f"{server.base}/nscl/")
    text = page.locator("#error").inner_text()
    assert "người quản trị" in text and "can_read" not in text and "NSCL Reports" not in text
    assert page.locator("#logout-other").count() == 1


def test_two_sections_typed_one_saved_both_kept(staff_server, browser):
    from ui.data import YEAR

    server, _ = staff_server
    page, nscl = browser, f"{server.base}/nscl"
    page.goto(f"{nscl}/editorial?year={YEAR}&kind=annual")
    _login(page, server)
    page.wait_for_selector("#ed-text-achievements")
    first = "Đoạn mới của mục kết quả, do cán bộ gõ và lưu."
    second = "Đoạn mới của mục khó khăn, gõ nhưng chưa lưu."
    page.fill("#ed-text-achievements", first)
    page.fill("#ed-text-difficulties", second)
    # Leaving the page with unsaved text asks first (the browser's own question).
    page.answer = False
    page.click("#tab-overview")
    assert page.dialogs and page.dialogs[-1][0] == "beforeunload"
    assert "/editorial" in page.url
    page.answer = True

    page.click("#ed-save-achievements")
    page.wait_for_selector("#ed-saved")
    assert page.locator("#ed-text-achievements").input_value() == first  # saved on the server
    assert page.locator("#ed-text-difficulties").input_value() == second  # kept, not lost
    assert page.locator("#ed-difficulties .draft-note").count() == 1
    # When it was typed, in Vietnam time like every time on the page (the browser runs in UTC).
    stamp = re.search(r"gõ lúc (\d\d/\d\d/\d{4} \d\d:\d\d)", page.locator(".draft-note").inner_text()).group(
        1
    )
    typed_at = dt.datetime.strptime(stamp, "%d/%m/%Y %H:%M").replace(tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert abs(typed_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    # The result is next to the section just saved, in view.
    assert page.locator("#ed-achievements #ed-saved").count() == 1
    assert _in_view(page, "#ed-saved")
    _shots(page, "phien-01-ban-nhap")
    # The kept text is still only a draft: the server has the section's earlier text.
    page.context.clear_cookies()
    # ... and the draft survives a new login in the same browser; once saved it is dropped.
    page.goto(f"{nscl}/editorial?year={YEAR}&kind=annual")
    _login(page, server)
    page.wait_for_selector("#ed-text-difficulties")
    assert page.locator("#ed-text-difficulties").input_value() == second
    page.click("#ed-save-difficulties")
    page.wait_for_selector("#ed-saved")
    assert page.locator("#ed-text-difficulties").input_value() == second
    assert page.locator(".draft-note").count() == 0


def test_contact_set_on_the_page_then_email_asks_first_and_answers_in_view(staff_server, browser, catalogue):
    from ui.data import YEAR

    server, _codes = staff_server
    page, nscl = browser, f"{server.base}/nscl"
    page.goto(f"{nscl}/settings")
    _login(page, server)
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "_token")
    rows = httpx.get(f"{nscl}/api/submissions?year={YEAR}", cookies={"_token": token}, timeout=120).json()[
        "agencies"
    ]
    # An agency the page cannot e-mail yet: missing, no address, nothing sent.
    code = next(
        a["agency_code"] for a in rows if a["state"] == "missing" and not a["contact"] and not a["sent"]
    )
    name = catalogue.agencies[code].name
    address = f"vanthu.{code.lower()}@hungyen.example.vn"
    page.goto(f"{nscl}/submissions?year={YEAR}#agency-{code}")
    assert page.locator(f"#agency-{code} button.remind").is_disabled()
    assert "thêm địa chỉ" in page.locator(f"#agency-{code} .no-address").inner_text()

    # A wrong address is refused, next to the field, and what was typed stays.
    page.goto(f"{nscl}/settings")
    page.fill(f"#addr-{code}", "vanthu-khong-co-a-cong")
    page.click(f"#save-{code}")
    page.wait_for_selector(f"#contact-{code} #notice")
    assert "không phải là địa chỉ thư điện tử" in page.locator("#notice").inner_text()
    assert page.locator(f"#addr-{code}").input_value() == "vanthu-khong-co-a-cong"
    assert _in_view(page, "#notice")
    page.fill(f"#addr-{code}", address)
    page.click(f"#save-{code}")
    page.wait_for_selector(f"#contact-{code} #notice.ok")
    assert _in_view(page, "#notice")
    assert address in page.locator(f"#contact-{code} td.used").inner_text()
    history = page.locator("#settings-history tbody tr").first.inner_text()
    assert "canbo" in history and name in history and address in history
    _shots(page, "phien-02-cai-dat")
    import yaml

    assert yaml.safe_load((server.data_dir / "contacts.yaml").read_text("utf-8"))[code] == address

    # The e-mail asks first, naming the agency and the address just set; dismissed, nothing goes.
    page.goto(f"{nscl}/submissions?year={YEAR}")
    row = f"#agency-{code}"
    mailbox = server.mailbox
    before = len(mailbox.messages)
    page.answer = False
    page.locator(f"{row} button.remind").click()
    assert page.dialogs[-1] == ("confirm", f"Gửi thư cho {name} (địa chỉ {address})?")
    assert len(mailbox.messages) == before
    assert "done=" not in page.url
    # Accepted: one message to that address, and the result in the agency's row, on screen.
    page.answer = True
    page.set_viewport_size({"width": 1366, "height": 700})
    page.locator(f"{row} button.remind").click()
    page.wait_for_selector(f"{row} #notice")
    assert page.locator(f"{row} #notice").inner_text().startswith(f"Đã gửi thư cho {name}")
    assert _in_view(page, "#notice")
    assert len(mailbox.messages) == before + 1
    assert mailbox.messages[-1][0] == [address]
    _shots(page, "phien-03-gui-thu")


def _versions(server, year: int) -> set[str]:
    return {p.name for p in (server.data_dir / "reports" / str(year)).glob("bao-cao-nam-*.docx")}


def test_a_double_click_makes_one_version(staff_server, browser):
    from ui.data import YEAR

    server, _ = staff_server
    page, nscl = browser, f"{server.base}/nscl"
    page.goto(f"{nscl}/editorial?year={YEAR}&kind=annual")
    _login(page, server)
    page.wait_for_selector("#ed-generate")
    before = _versions(server, YEAR)
    page.dblclick("#ed-generate")
    page.wait_for_selector("#ed-made", timeout=180_000)
    made = _versions(server, YEAR) - before
    assert len(made) == 1
    # Its origin is recorded as it was: made on the page, by canbo.
    manifest = json.loads(
        (server.data_dir / "reports" / str(YEAR) / made.pop().replace(".docx", ".manifest.json")).read_text(
            "utf-8"
        )
    )
    assert (manifest["made_by"], manifest["made_by_user"], manifest["run_id"]) == ("page", "canbo", None)
    page.goto(f"{nscl}/reports?year={YEAR}")
    assert "tạo từ trang Báo cáo NSCL, canbo" in page.locator(".report-version").first.inner_text()

    # Server side: the same form sent twice at once (a page whose script was too slow) acts once.
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "_token")
    before = _versions(server, YEAR)
    url = f"{nscl}/editorial/generate?once=dvc-{'7' * 28}"

    def post():
        return httpx.post(
            url,
            data={"year": str(YEAR), "kind": "annual"},
            cookies={"_token": token},
            headers={"Origin": server.base},
            timeout=300,
        )

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _: post(), range(2)))
    assert [a.status_code for a in answers] == [303, 303]
    assert answers[0].headers["location"] == answers[1].headers["location"]
    assert len(_versions(server, YEAR) - before) == 1
    # A new token is a new action.
    again = httpx.post(
        f"{nscl}/editorial/generate?once=dvc-{'8' * 28}",
        data={"year": str(YEAR), "kind": "annual"},
        cookies={"_token": token},
        headers={"Origin": server.base},
        timeout=300,
    )
    assert again.status_code == 303
    assert len(_versions(server, YEAR) - before) == 2
