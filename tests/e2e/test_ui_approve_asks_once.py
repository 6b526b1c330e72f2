"""Issue 25, from the screenshots' review: approving asked the same question twice, once on
"Phê duyệt nội dung…" (which only shows what becomes final) and again on "Xác nhận phê duyệt".
In Chromium against the shared API server: the first opens the summary without a dialog; the
confirmation asks once, then approves."""

from __future__ import annotations

from test_ui_session import _login, browser, staff_server  # noqa: F401 - fixtures

KIND = "mid-term"  # the review of 2021-2025: no other browser test approves it


def test_approval_asks_once_where_it_takes_effect(staff_server, browser):  # noqa: F811
    from nscl.plan.catalogue import default_catalogue
    from nscl.reporting import approval
    from nscl.reporting.build import prepare
    from nscl.store import editorial
    from nscl.store.zones import Zones
    from ui.data import YEAR

    server, _ = staff_server
    zones = Zones(server.data_dir)
    cat = default_catalogue()
    editorial.set_signer(zones, YEAR, KIND, ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], "Nguyễn Văn Minh", "test")
    editorial.keep(zones, YEAR, KIND, None, prepare(zones, cat, YEAR, KIND).draft, "test")
    approval.acknowledge(zones, YEAR, KIND, None, "đã đối chiếu với báo cáo gốc", "test")
    page, nscl = browser, f"{server.base}/nscl"
    try:
        page.goto(f"{nscl}/editorial?year={YEAR}&kind={KIND}")
        _login(page, server)
        page.goto(f"{nscl}/editorial?year={YEAR}&kind={KIND}")
        page.dialogs.clear()
        page.click("#ed-approve")
        page.wait_for_selector("#ed-confirm[data-ready='yes']")
        assert page.dialogs == []  # nothing happened yet: nothing asked
        page.click("#ed-approve-confirm")
        page.wait_for_selector("#ed-status[data-approved='yes']")
        assert [d[0] for d in page.dialogs] == ["confirm"]
        assert page.dialogs[0][1].startswith("Phê duyệt nội dung báo cáo?")
        assert editorial.load(zones, YEAR, KIND).approved
    finally:
        editorial.withdraw(zones, YEAR, KIND, "test")
