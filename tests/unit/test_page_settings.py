"""Agencies' addresses kept on the page (``nscl.store.contacts``): what the reminders read back is
what staff set; every change is recorded (before, after, who); a wrong address is refused by
name; two changes at once both land. And the page's words for a run and a report's origin."""

from __future__ import annotations

import threading

import pytest
import yaml
from nscl.outreach.reminders import load_contacts
from nscl.staff_page.queries import made_by_words, run_label
from nscl.store import contacts


def test_set_read_back_and_history(zones):
    zones.contacts.parent.mkdir(parents=True, exist_ok=True)
    zones.contacts.write_text("SYT: cu@syt.vn\nSXD: [a@sxd.vn, b@sxd.vn]\n", encoding="utf-8")
    change = contacts.set_addresses(zones, "SYT", ["moi@syt.hungyen.gov.vn"], "canbo")
    assert change is not None
    assert (change["before"], change["after"], change["by"], change["key"]) == (
        ["cu@syt.vn"],
        ["moi@syt.hungyen.gov.vn"],
        "canbo",
        "SYT",
    )
    # The reminders' reader sees the new address; the other agency is untouched.
    assert load_contacts(zones) == {"SYT": ["moi@syt.hungyen.gov.vn"], "SXD": ["a@sxd.vn", "b@sxd.vn"]}
    assert yaml.safe_load(zones.contacts.read_text("utf-8"))["SXD"] == ["a@sxd.vn", "b@sxd.vn"]
    # The same again changes nothing and records nothing; clearing removes the entry.
    assert contacts.set_addresses(zones, "SYT", ["moi@syt.hungyen.gov.vn"], "canbo") is None
    assert contacts.set_addresses(zones, "SYT", [], "lan")["after"] == []
    assert "SYT" not in load_contacts(zones)
    history = contacts.history(zones, "contacts")
    assert [(h["by"], h["before"], h["after"]) for h in history] == [
        ("lan", ["moi@syt.hungyen.gov.vn"], []),
        ("canbo", ["cu@syt.vn"], ["moi@syt.hungyen.gov.vn"]),
    ]
    assert not list(zones.root.glob("*.tmp*"))  # no temporary file left beside contacts.yaml


def test_addresses_are_checked():
    assert contacts.parse_addresses(" a@x.vn; b@y.gov.vn ,a@x.vn\n") == ["a@x.vn", "b@y.gov.vn"]
    assert contacts.parse_addresses("") == []
    for bad in ("vanthu", "a@b", "a b@c.vn", "@x.vn"):
        with pytest.raises(contacts.BadAddress, match="không phải là địa chỉ thư điện tử"):
            contacts.parse_addresses(bad)


def test_two_changes_at_once_both_land(zones):
    codes = [f"CQ{i}" for i in range(8)]
    threads = [
        threading.Thread(target=contacts.set_addresses, args=(zones, c, [f"{c.lower()}@x.vn"], "canbo"))
        for c in codes
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert load_contacts(zones) == {c: [f"{c.lower()}@x.vn"] for c in codes}
    assert len(contacts.history(zones)) == len(codes)


def test_run_and_origin_in_staff_words():
    # 10:00 UTC is 17:00 in Vietnam (UTC+7); 23:00 UTC on the 27th is 06:00 on the 28th.
    assert run_label("manual__2025-11-30T10:00:00+00:00") == "Lượt chạy theo yêu cầu ngày 30/11/2025 17:00"
    assert run_label("scheduled__2025-11-27T23:00:00+00:00") == "Lượt chạy tự động ngày 28/11/2025 06:00"
    assert run_label(None) is None
    assert made_by_words({"made_by": "page", "made_by_user": "canbo"}) == "tạo từ trang Báo cáo NSCL, canbo"
    assert made_by_words({"made_by": "cli"}) == "chạy từ dòng lệnh"
    assert made_by_words({"run_id": "manual__x", "made_by": "airflow"}) == "lượt chạy của quy trình tổng hợp"


def test_only_agencies_that_report_count_as_without_an_address(zones, catalogue):
    """'Còn N cơ quan chưa có địa chỉ thư' counts the agencies reminders go to: the national
    committee (a recipient of the report, not a reporter) is listed but not counted."""
    from nscl.staff_page.routes.settings import agencies_with_contacts

    rows = {r["code"]: r for r in agencies_with_contacts()}
    assert rows["UBTCDLCL"]["reports"] is False and not rows["UBTCDLCL"]["used"]
    assert rows["SKHCN"]["reports"] is True
    reporters = [r for r in rows.values() if r["reports"]]
    assert 20 <= len(reporters) < len(rows)  # about thirty reporters, the registry a few more
