"""The staff page's tab "Công tác chỉ đạo" (issue 24): staff see the year's register, add an
entry (kept with their name), are told in Vietnamese what is wrong, and remove an entry."""

from __future__ import annotations

import pytest
from fastapi import Request
from fastapi.testclient import TestClient
from nscl.staff_page import auth, render
from nscl.staff_page.app import create_app
from nscl.store import direction
from nscl.store.zones import Zones


class Staff:
    def get_name(self) -> str:
        return "Nguyễn Thị Lan"


@pytest.fixture
def client(tmp_path, monkeypatch):
    monkeypatch.setenv("NSCL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(render.auth, "is_allowed", lambda user, write: True)

    def staff(request: Request):
        request.state.nscl_user = Staff()
        return Staff()

    app = create_app()
    app.dependency_overrides[auth.require_read] = staff
    app.dependency_overrides[auth.require_write] = staff
    with TestClient(app) as c:
        yield c, Zones(tmp_path / "data")


def test_staff_add_see_and_remove_an_entry(client):
    c, zones = client
    page = c.get("/direction?year=2022")
    assert page.status_code == 200 and "chưa có mục nào" in page.text and 'id="dir-add"' in page.text
    form = {"year": "2022", "kind": "document", "date": "2022-02-28", "number": "24/KH-SKHCN",
            "body": "Sở Khoa học và Công nghệ", "summary": "thực hiện Kế hoạch năm 2022"}  # fmt: skip
    r = c.post("/direction/add", data=form, follow_redirects=False)
    assert r.status_code == 303 and "done=added" in r.headers["location"]
    [entry] = direction.load(zones, 2022)
    assert (entry.number, entry.by) == ("24/KH-SKHCN", "Nguyễn Thị Lan")
    page = c.get("/direction?year=2022&done=added")
    assert "24/KH-SKHCN" in page.text and "28/02/2022" in page.text and "Đã thêm" in page.text
    assert "Công tác chỉ đạo" in page.text  # the tab
    bad = c.post("/direction/add", data={**form, "date": "2023-01-05"}, follow_redirects=True)
    assert "không thuộc năm 2022" in bad.text and len(direction.load(zones, 2022)) == 1
    r = c.post("/direction/remove", data={"year": "2022", "index": "1"}, follow_redirects=False)
    assert r.status_code == 303 and direction.load(zones, 2022) == []
    assert [h["by"] for h in direction.history(zones, 2022)] == ["Nguyễn Thị Lan"] * 2
