"""Issue 25, settings on the page: the recipients ("Nơi nhận") of each kind of report and the
leaders who sign are set on the tab "Cài đặt", with who changed what and when, and the next
report generated from the page prints exactly what was saved (read back from the .docx)."""

from __future__ import annotations

import pytest
import yaml
from docx import Document
from fastapi import Request
from fastapi.testclient import TestClient
from nscl.reporting.common import load_settings
from nscl.staff_page import auth, render
from nscl.staff_page.app import create_app
from nscl.store import contacts, editorial, leaders, report_settings
from nscl.store.zones import Zones
from test_report import all_text
from test_report_data import build

YEAR = 2021
STAFF = "Nguyễn Thị Lan"


class Staff:
    def get_name(self) -> str:
        return STAFF


@pytest.fixture
def page(tmp_path, monkeypatch, catalogue):
    root = tmp_path / "data"
    monkeypatch.setenv("NSCL_DATA_DIR", str(root))
    monkeypatch.setenv("NSCL_REPORT_PDF", "0")
    monkeypatch.setenv("NSCL_PAGE_WARM_UP", "0")
    monkeypatch.setattr(render.auth, "is_allowed", lambda user, write: True)

    def staff(request: Request):
        request.state.nscl_user = Staff()
        return Staff()

    app = create_app()
    app.dependency_overrides[auth.require_read] = staff
    app.dependency_overrides[auth.require_write] = staff
    with TestClient(app) as c:
        yield c, Zones(root)


def _recipients_in(doc_text: str, lines: list[str]) -> bool:
    """Every line, in order, in the document's text."""
    at = 0
    for line in lines:
        found = doc_text.find(line, at)
        if found < 0:
            return False
        at = found + len(line)
    return True


def test_recipients_and_signer_set_on_the_page_are_what_the_report_prints(page, catalogue):
    c, zones = page
    build(zones, catalogue, [YEAR])
    shipped = load_settings("annual")["recipients"]
    # The page shows what the report prints today: the shipped list.
    html = c.get("/settings").text
    assert all(line in html for line in shipped)

    mine = [
        "UBND tỉnh Hưng Yên (để báo cáo);",
        "Bộ Khoa học và Công nghệ (để báo cáo);",
        "Sở Tài chính tỉnh Hưng Yên;",
        "Lưu: VT, QLCN.",
    ]
    r = c.post(
        "/settings/recipients",
        data={"kind": "annual", "recipients": "\n".join(mine) + "\n\n"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "done=recipients" in r.headers["location"]
    # Kept in the data folder's override file, which the report's settings read.
    assert load_settings("annual", override=editorial.settings_override(zones))["recipients"] == mine
    assert load_settings("mid-term", override=editorial.settings_override(zones))["recipients"] != mine

    # A leader added on the page, then chosen as this report's signer on the editorial tab.
    r = c.post(
        "/settings/leader",
        data={"name": "Trần  Văn   Hùng", "title": "phó giám đốc"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "done=leader-saved" in r.headers["location"]
    assert leaders.find(zones, "Trần Văn Hùng").authority == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")
    r = c.post(
        "/editorial/signer",
        data={"year": str(YEAR), "kind": "annual", "leader": "Trần Văn Hùng"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "done=signer" in r.headers["location"]

    r = c.post("/editorial/generate", data={"year": str(YEAR), "kind": "annual"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    made = r.headers["location"].split("made=")[1].split("&")[0]
    text = all_text(Document(zones.reports(YEAR) / made))
    assert _recipients_in(text, mine)
    assert shipped[2] not in text  # a default line staff took out is gone
    assert "Trần Văn Hùng" in text and "KT. GIÁM ĐỐC" in text

    # Who changed what and when, on the page.
    changes = contacts.history(zones)
    assert [(h["what"], h["key"], h["by"]) for h in changes] == [
        ("leaders", "Trần Văn Hùng", STAFF),
        ("recipients", "annual", STAFF),
    ]
    assert changes[1]["before"] == shipped and changes[1]["after"] == mine
    html = c.get("/settings").text
    assert "Nơi nhận: Báo cáo năm" in html and "Lãnh đạo ký báo cáo: Trần Văn Hùng" in html
    assert "Sở Tài chính tỉnh Hưng Yên;" in html


def test_recipients_refused_kept_typed_and_other_keys_kept(page):
    c, zones = page
    # An operator's own keys in the override file survive a change made on the page.
    zones.root.mkdir(parents=True, exist_ok=True)
    report_settings.path(zones).write_text("symbol: BC-SKHCN-TĐC\nplace: Hưng Yên\n", encoding="utf-8")
    r = c.post("/settings/recipients", data={"kind": "final", "recipients": " \n \n"}, follow_redirects=True)
    assert "Chưa lưu: cần ít nhất một nơi nhận" in r.text
    assert report_settings.own_recipients(zones, "final") is None and contacts.history(zones) == []
    c.post("/settings/recipients", data={"kind": "final", "recipients": "UBND tỉnh;\nLưu: VT."})
    raw = yaml.safe_load(report_settings.path(zones).read_text("utf-8"))
    assert raw["symbol"] == "BC-SKHCN-TĐC" and raw["kinds"]["final"]["recipients"] == [
        "UBND tỉnh;",
        "Lưu: VT.",
    ]
    # The same list again records nothing.
    c.post("/settings/recipients", data={"kind": "final", "recipients": "UBND tỉnh;\nLưu: VT.\n"})
    assert len(contacts.history(zones, "recipients")) == 1
    # A leader without a full name is refused, what was typed stays in the form.
    r = c.post("/settings/leader", data={"name": "Hùng", "title": "GIÁM ĐỐC"}, follow_redirects=True)
    assert "cần họ và tên đầy đủ" in r.text and 'value="Hùng"' in r.text and leaders.load(zones) == []
    # Removing a leader is recorded with what was there.
    leaders.add(zones, "Lê Thị Mai", "GIÁM ĐỐC", "canbo")
    c.post("/settings/leader", data={"action": "remove", "name": "Lê Thị Mai"})
    assert leaders.load(zones) == []
    last = contacts.history(zones, "leaders")[0]
    assert (last["by"], last["after"], last["before"]) == (
        STAFF,
        [],
        ["Lê Thị Mai — GIÁM ĐỐC (ký: GIÁM ĐỐC)"],
    )
