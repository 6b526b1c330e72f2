"""A leader's title changed on "Cài đặt" after he was chosen as a report's signer: a draft prints
the leader's current authority lines; an approved document keeps the lines it was approved with,
and the editorial tab says that they differ from the settings, with a button to take the current
ones (which withdraws the approval). Read back from the generated .docx."""

from __future__ import annotations

import pytest
from docx import Document
from fastapi import Request
from fastapi.testclient import TestClient
from nscl.staff_page import auth, drafts, render
from nscl.staff_page.app import create_app
from nscl.store import editorial, leaders
from nscl.store.zones import Zones
from test_report_data import build

YEAR = 2021
STAFF = "Nguyễn Thị Lan"
LEADER = "Trần Văn Hùng"


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


def _signature(c: TestClient, zones: Zones) -> list[str]:
    """Make a new version from the page and return the lines of its signature block: the
    paragraphs from the last "Nơi nhận" cell's neighbour up to the signer's name."""
    r = c.post("/editorial/generate", data={"year": str(YEAR), "kind": "annual"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    made = r.headers["location"].split("made=")[1].split("&")[0]
    doc = Document(zones.reports(YEAR) / made)
    for table in reversed(doc.tables):
        for cell in table._cells:
            lines = [p.text.strip() for p in cell.paragraphs if p.text.strip()]
            if LEADER in lines:
                return lines[: lines.index(LEADER) + 1]
    raise AssertionError("no signature block names the signer")


def _set_title(c: TestClient, title: str) -> None:
    r = c.post("/settings/leader", data={"name": LEADER, "title": title}, follow_redirects=False)
    assert r.status_code == 303 and "done=leader-saved" in r.headers["location"], r.headers


def test_a_draft_follows_the_settings_an_approved_document_keeps_its_lines(page, catalogue):
    c, zones = page
    build(zones, catalogue, [YEAR])
    _set_title(c, "phó giám đốc")
    r = c.post(
        "/editorial/signer",
        data={"year": str(YEAR), "kind": "annual", "leader": LEADER},
        follow_redirects=False,
    )
    assert "done=signer" in r.headers["location"]
    assert _signature(c, zones) == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", LEADER]

    # Promoted on "Cài đặt": the draft prints his lines of now, not the ones copied when chosen.
    _set_title(c, "giám đốc")
    assert leaders.find(zones, LEADER).authority == ("GIÁM ĐỐC",)
    assert editorial.load(zones, YEAR, "annual").signer.authority == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert _signature(c, zones) == ["GIÁM ĐỐC", LEADER]
    html = c.get(f"/editorial?year={YEAR}&kind=annual").text
    assert "khác với thiết lập hiện tại" not in html

    # Approved with the lines of the day; a later change on "Cài đặt" changes nothing in it.
    p = drafts.for_page(zones, catalogue, YEAR, "annual")
    editorial.keep(zones, YEAR, "annual", None, p.draft, STAFF)
    editorial.approve(zones, YEAR, "annual", STAFF)
    assert editorial.load(zones, YEAR, "annual").signer.authority == ["GIÁM ĐỐC"]
    _set_title(c, "phó giám đốc")
    assert _signature(c, zones) == ["GIÁM ĐỐC", LEADER]
    assert editorial.load(zones, YEAR, "annual").approved

    # The tab says so next to the signer and offers the current lines.
    html = c.get(f"/editorial?year={YEAR}&kind=annual").text
    assert "Chức vụ đã chọn khác với thiết lập hiện tại" in html
    assert "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC" in html
    assert 'id="ed-signer-take-current"' in html
    r = c.post(
        "/editorial/signer",
        data={"year": str(YEAR), "kind": "annual", "leader": LEADER},
        follow_redirects=False,
    )
    assert "done=signer" in r.headers["location"]
    state = editorial.load(zones, YEAR, "annual")
    assert not state.approved  # taking the new lines withdraws the approval
    assert _signature(c, zones) == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", LEADER]
    assert "khác với thiết lập hiện tại" not in c.get(f"/editorial?year={YEAR}&kind=annual").text


def test_lines_typed_for_one_document_are_kept_in_its_draft(page, catalogue):
    c, zones = page
    build(zones, catalogue, [YEAR])
    _set_title(c, "phó giám đốc")
    # Signing by the Director's order this once: lines typed, not the leader's usual ones.
    r = c.post(
        "/editorial/signer",
        data={
            "year": str(YEAR),
            "kind": "annual",
            "authority1": "TL. GIÁM ĐỐC",
            "authority2": "PHÓ GIÁM ĐỐC",
            "name": LEADER,
        },
        follow_redirects=False,
    )
    assert "done=signer" in r.headers["location"], r.headers
    _set_title(c, "giám đốc")
    assert _signature(c, zones) == ["TL. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", LEADER]
