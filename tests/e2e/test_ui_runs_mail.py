"""Issue 25 in Debian's Chromium against the session's shared API server: the overview says in
staff's words whether the year's run is waiting, running, failed or done (read from Airflow's own
database, as the server reads it); an e-mail the mail server refuses says so in the agency's row,
on screen, and is not counted as sent (the agency can be e-mailed again); and the tab "Cài đặt"
(recipients, leaders who sign) at 1366 and 390 px."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
from pathlib import Path

import httpx
from test_ui_session import _in_view, _login, browser, staff_server  # noqa: F401 - fixtures
from test_ui_session import _shots as _session_shots

SHOTS = Path(os.environ.get("NSCL_PAGE3_SHOTS", "/tmp/page3-shots"))


def _shots(page, name: str) -> None:
    """Beside the session's screenshots, a whole-page copy at 1366 and 390 px to look at."""
    _session_shots(page, name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-1366.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / f"{name}-390.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


RUN_YEAR = 2023  # a year without data in the shared folder: its runs are this test's own
DAG = "nscl_annual_report"


def _db(server) -> sqlite3.Connection:
    return sqlite3.connect(server.home / "airflow.db", timeout=30)


def _put_run(server, run_id: str, state: str, start: dt.datetime, end: dt.datetime | None) -> None:
    fmt = "%Y-%m-%d %H:%M:%S.%f"
    with _db(server) as db:
        db.execute("DELETE FROM dag_run WHERE dag_id = ? AND run_id = ?", (DAG, run_id))
        db.execute(
            "INSERT INTO dag_run (dag_id, run_id, run_type, state, conf, run_after, logical_date,"
            " start_date, end_date, clear_number, span_status) VALUES (?,?,?,?,?,?,?,?,?,0,'not_started')",
            (
                DAG,
                run_id,
                "manual",
                state,
                json.dumps({"year": RUN_YEAR}),
                start.strftime(fmt),
                start.strftime(fmt),
                start.strftime(fmt) if state != "queued" else None,
                end.strftime(fmt) if end else None,
            ),
        )


def test_the_years_run_in_staff_words(staff_server, browser):  # noqa: F811
    server, _ = staff_server
    page, nscl = browser, f"{server.base}/nscl"
    page.goto(f"{nscl}/?year={RUN_YEAR}")
    _login(page, server)
    assert page.locator("#run-state").count() == 0  # no run of that year yet: nothing said
    start = dt.datetime(2026, 12, 1, 2, 0)  # UTC; 09:00 in Vietnam
    run_id = f"manual__{start.isoformat()}+00:00"
    expected = {
        "queued": ("info", "Tổng hợp số liệu năm 2023: đang chờ chạy."),
        "running": ("info", "Tổng hợp số liệu năm 2023: đang chạy (bắt đầu 01/12/2026 09:00)."),
        "failed": ("bad", "Tổng hợp số liệu năm 2023: bị lỗi, chưa xong; người quản trị hệ thống"),
        "success": ("ok", "Tổng hợp số liệu năm 2023: đã chạy xong (01/12/2026 09:05)."),
    }
    try:
        for state, (tone, words) in expected.items():
            end = start + dt.timedelta(minutes=5) if state in ("failed", "success") else None
            _put_run(server, run_id, state, start, end)
            page.goto(f"{nscl}/?year={RUN_YEAR}")
            box = page.locator("#run-state")
            assert box.get_attribute("data-state") == state
            assert tone in (box.get_attribute("class") or "").split()
            assert box.inner_text().startswith(words), (state, box.inner_text())
            assert "manual__" not in box.inner_text() and "UTC" not in box.inner_text()
            if state == "failed":
                _shots(page, "page3-chay-loi")
        # Staff, whom Airflow refuses run pages, get no link to one.
        assert page.locator("#run-state a").count() == 0
    finally:
        with _db(server) as db:
            db.execute("DELETE FROM dag_run WHERE dag_id = ? AND run_id = ?", (DAG, run_id))


def test_an_email_the_server_refuses_says_so_in_view_and_is_not_counted(staff_server, browser, catalogue):  # noqa: F811
    from ui.data import YEAR

    server, _ = staff_server
    page, nscl = browser, f"{server.base}/nscl"
    page.goto(f"{nscl}/submissions?year={YEAR}")
    _login(page, server)
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "_token")
    rows = httpx.get(f"{nscl}/api/submissions?year={YEAR}", cookies={"_token": token}, timeout=120).json()[
        "agencies"
    ]
    # An agency to remind, not yet reminded if there is one (the browser test shares the server
    # and may have reminded some already: then what was sent before must not change).
    due = [a for a in rows if a["state"] in ("missing", "rejected") and a["contact"]]
    agency = next((a for a in due if not a["sent"]), due[0])
    # The browser test shares this server and reminds the same agency: its record of reminders
    # sent is set aside for this test and put back after, whichever test runs first.
    from nscl.store.zones import Zones

    kept = Zones(server.data_dir).reminders(YEAR)
    aside = server.data_dir.parent / "reminders-aside"
    if kept.exists():
        shutil.move(str(kept), str(aside))
    sent_before: list = []
    code, name = agency["agency_code"], catalogue.agencies[agency["agency_code"]].name
    row = f"#agency-{code}"
    mailbox = server.mailbox
    before = len(mailbox.messages)
    mailbox.refuse = "554 5.7.1 Message rejected"
    try:
        page.goto(f"{nscl}/submissions?year={YEAR}")
        page.set_viewport_size({"width": 1366, "height": 700})
        page.answer = True
        page.locator(f"{row} button.remind").click()
        page.wait_for_selector(f"{row} #notice")
        notice = page.locator(f"{row} #notice")
        assert notice.inner_text() == (
            f"Chưa gửi được thư cho {name} (máy chủ thư không nhận). "
            "Hãy thử lại sau hoặc báo cho người quản trị."
        )
        assert "bad" in (notice.get_attribute("class") or "").split()
        assert _in_view(page, "#notice")
        _shots(page, "page3-gui-thu-loi")
        # Kept: the message stays on a reload, nothing was counted as sent, the button still works.
        page.reload()
        assert page.locator(f"{row} #notice").inner_text().startswith(f"Chưa gửi được thư cho {name}")
        assert len(mailbox.messages) == before
        now = httpx.get(f"{nscl}/api/submissions?year={YEAR}", cookies={"_token": token}, timeout=120).json()
        assert next(a for a in now["agencies"] if a["agency_code"] == code)["sent"] == sent_before
        assert page.locator(f"{row} button.remind").is_enabled()
    finally:
        mailbox.refuse = None
    try:
        # The server accepts again: the same button sends it.
        page.locator(f"{row} button.remind").click()
        page.wait_for_selector(f"{row} #notice.ok")
        assert page.locator(f"{row} #notice").inner_text().startswith(f"Đã gửi thư cho {name}")
        assert len(mailbox.messages) == before + 1
    finally:
        shutil.rmtree(kept, ignore_errors=True)
        if aside.exists():
            shutil.move(str(aside), str(kept))


def test_settings_tab_recipients_and_leaders_in_the_browser(staff_server, browser):  # noqa: F811
    server, _ = staff_server
    page, nscl = browser, f"{server.base}/nscl"
    page.goto(f"{nscl}/settings")
    _login(page, server)
    lines = ["UBND tỉnh (để báo cáo);", "Bộ Khoa học và Công nghệ (để báo cáo);", "Lưu: VT, TĐC, QLKH."]
    page.fill("#rcpt-mid-term", "\n".join(lines))
    page.click("#rcpt-save-mid-term")
    page.wait_for_selector("#recipients-mid-term #notice.ok")
    assert _in_view(page, "#notice")
    assert page.locator("#rcpt-mid-term").input_value() == "\n".join(lines)
    page.fill("#leader-name", "Phạm Quang Huy")
    page.fill("#leader-title", "Phó Giám đốc")
    page.click("#leader-save")
    page.wait_for_selector("#leaders #notice.ok")
    assert _in_view(page, "#notice")
    assert "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC" in page.locator("#leaders-table").inner_text()
    history = page.locator("#settings-history tbody").inner_text()
    assert (
        "Nơi nhận: Báo cáo sơ kết 2021-2025" in history and "Lãnh đạo ký báo cáo: Phạm Quang Huy" in history
    )
    page.goto(f"{nscl}/settings#recipients")
    _shots(page, "page3-cai-dat")
    page.goto(f"{nscl}/settings#leaders")
    _shots(page, "page3-cai-dat-lanh-dao")
    # Taking the leader off asks first.
    page.answer = False
    page.locator("#leaders-table tr.leader", has_text="Phạm Quang Huy").locator("button").click()
    assert page.dialogs[-1] == ("confirm", "Bỏ Phạm Quang Huy khỏi danh sách lãnh đạo ký báo cáo?")
    assert "Phạm Quang Huy" in page.locator("#leaders-table").inner_text()
