"""What a fresh look at the staff page's screenshots found (issue 25, page4): a first valid file
after the deadline did not say it makes the agency late; the editorial tab's "Còn phải làm" left
out the open checks that then refused the approval; the checks showed their technical ids
("[contradiction:2025:I.4]") and ISO times to staff."""

from __future__ import annotations

import datetime as dt
import io
import os

from nscl.forms.sample import fill_workbook
from nscl.forms.workbook import save_reproducible
from nscl.intake.process import process_file
from nscl.labels import STATE_LABELS
from nscl.reporting import approval
from nscl.reporting.build import prepare
from nscl.reporting.checks import Check
from nscl.staff_page import preview as pv
from nscl.store import editorial
from test_page_report_settings import page  # noqa: F401 - the fixture
from test_report_data import build

YEAR = 2025
TZ = dt.timezone(dt.timedelta(hours=7))


def _bytes(catalogue, code: str, mistake: str | None = None) -> bytes:
    buf = io.BytesIO()
    save_reproducible(fill_workbook(catalogue.expectation(YEAR, code), YEAR, catalogue, mistake), buf)
    return buf.getvalue()


def _notes(zones, catalogue, data: bytes) -> dict[str, dict]:
    token = pv.stage(zones, YEAR, "tep.xlsx", data, "canbo", None, "")
    meta, path = pv.load_pending(zones, token)
    return {n["key"]: n for n in pv.preview(zones, catalogue, meta, path)["notes"]}


def test_a_first_valid_file_after_the_deadline_says_the_agency_becomes_late(zones, catalogue):
    deadline = catalogue.deadline(YEAR)
    assert dt.date.today() > deadline  # the machine's date: after the 2025 deadline
    # Missing: nothing received yet.
    note = _notes(zones, catalogue, _bytes(catalogue, "SCT"))["will_be_late"]
    assert f"“{STATE_LABELS['missing']}” sang “{STATE_LABELS['late']}”" in note["text"]
    assert f"({deadline:%d/%m/%Y})" in note["text"] and "Sở Công Thương" in note["text"]
    # Rejected before the deadline, corrected now: late too.
    inbox = zones.inbox(YEAR)
    inbox.mkdir(parents=True)
    first = inbox / "sct.xlsx"
    first.write_bytes(_bytes(catalogue, "SCT", "text_in_number"))
    before = dt.datetime.combine(deadline - dt.timedelta(days=5), dt.time(9), TZ)
    os.utime(first, (before.timestamp(), before.timestamp()))
    assert process_file(first, YEAR, zones, catalogue)["status"] == "rejected"
    note = _notes(zones, catalogue, _bytes(catalogue, "SCT"))["will_be_late"]
    assert f"“{STATE_LABELS['rejected']}” sang “{STATE_LABELS['late']}”" in note["text"]
    # A file with errors makes nobody late: it is refused.
    assert "will_be_late" not in _notes(zones, catalogue, _bytes(catalogue, "SYT", "text_in_number"))


def test_open_checks_are_listed_as_to_do_in_staff_words(page, catalogue, monkeypatch):  # noqa: F811
    c, zones = page
    build(zones, catalogue, [2021])
    checks = [
        Check(
            "contradiction:2021:I.4",
            "contradiction",
            "Nhiệm vụ I.4 năm 2021: không thống nhất",
            "Chi tiết A.",
            (),
        ),
        Check(
            "plausibility:2021:SCT:no_activity", "plausibility", "Sở Công Thương: kinh phí", "Chi tiết B.", ()
        ),
    ]
    monkeypatch.setattr(approval, "open_checks", lambda year, kind: list(checks))
    html = c.get("/editorial?year=2021&kind=annual").text
    assert 'id="ed-open-checks"' in html and "Còn 2 kiểm tra số liệu chưa xử lý" in html
    r = c.post(
        "/editorial/approve",
        data={"year": "2021", "kind": "annual", "confirmed": "1"},
        follow_redirects=True,
    )
    assert "Chưa phê duyệt được" in r.text and "Kiểm tra chưa xử lý: Nhiệm vụ I.4 năm 2021" in r.text
    for shown in (html, r.text):
        assert "[contradiction:" not in shown and "[plausibility:" not in shown
    # Acknowledged with a reason: its time as every tab shows times, not ISO.
    approval.acknowledge(zones, 2021, "annual", [checks[0].id], "đã đối chiếu với cơ quan", "Lan")
    at = editorial.load(zones, 2021, "annual").acknowledged[checks[0].id].at
    shown = c.get("/editorial?year=2021&kind=annual").text
    assert at not in shown
    assert dt.datetime.fromisoformat(at).strftime("%d/%m/%Y %H:%M") in shown
    assert "Còn 1 kiểm tra số liệu chưa xử lý" in shown


def test_dates_are_typed_day_first_whatever_the_browser(page, catalogue):  # noqa: F811
    """The page's date fields are text, day first: a browser's date picker shows mm/dd/yyyy in an
    English Windows, where "06/10/2021" would be 10 June."""
    from nscl.store import direction

    c, zones = page
    build(zones, catalogue, [2021])
    html = c.get("/editorial?year=2021&kind=annual").text
    assert 'type="date"' not in html and 'placeholder="ngày/tháng/năm"' in html
    r = c.post("/editorial/cutoff", data={"year": "2021", "kind": "annual", "cutoff": "06/10/2021"})
    assert r.status_code == 200
    assert editorial.load(zones, 2021, "annual").cutoff == "2021-10-06"
    assert 'value="06/10/2021"' in c.get("/editorial?year=2021&kind=annual").text
    r = c.post("/editorial/cutoff", data={"year": "2021", "kind": "annual", "cutoff": "31/02/2021"})
    assert "ngày chốt số liệu không đúng" in r.text
    assert editorial.load(zones, 2021, "annual").cutoff == "2021-10-06"  # unchanged

    assert 'type="date"' not in c.get("/direction?year=2021").text
    form = {"year": "2021", "kind": "document", "number": "68/KH-SKHCN", "body": "Sở Khoa học và Công nghệ"}
    form["summary"] = "về việc triển khai Kế hoạch số 101/KH-UBND năm 2021"
    c.post("/direction/add", data={**form, "date": "16/08/2021"})
    assert [e.date for e in direction.load(zones, 2021)] == ["2021-08-16"]
    r = c.post("/direction/add", data={**form, "date": "2021-16-08"})
    assert "ngày không đúng" in r.text and len(direction.load(zones, 2021)) == 1


def test_a_change_that_withdraws_the_approval_asks_first(page, catalogue, monkeypatch):  # noqa: F811
    """After approval, saving a section, the signer or the cut-off withdraws it: the page asks."""
    c, zones = page
    build(zones, catalogue, [2021])
    monkeypatch.setattr(approval, "open_checks", lambda year, kind: [])
    question = "Lưu thay đổi này sẽ hủy phê duyệt"
    assert question not in c.get("/editorial?year=2021&kind=annual").text
    editorial.set_signer(zones, 2021, "annual", ["GIÁM ĐỐC"], "Nguyễn Văn Minh", "Lan")
    editorial.keep(zones, 2021, "annual", None, prepare(zones, catalogue, 2021, "annual").draft, "Lan")
    editorial.approve(zones, 2021, "annual", "Lan")
    html = c.get("/editorial?year=2021&kind=annual").text
    # every section's form, the signer's and the cut-off's
    assert html.count(question) == len(editorial.sections_of("annual")) + 2
    # who kept the sections and when, in the page's one way of writing times
    at = editorial.load(zones, 2021, "annual").sections["achievements"].at
    assert f"Đã xem, giữ nguyên bản nháp: Lan, {dt.datetime.fromisoformat(at):%d/%m/%Y %H:%M}" in html


def test_the_reports_tab_says_which_version_is_approved(page, catalogue, monkeypatch):  # noqa: F811
    """Which version has no "DỰ THẢO" (the one to send for signing), read from its manifest."""
    import re

    c, zones = page
    build(zones, catalogue, [2021])
    monkeypatch.setattr(approval, "open_checks", lambda year, kind: [])

    def generate() -> str:
        r = c.post("/editorial/generate", data={"year": "2021", "kind": "annual"}, follow_redirects=False)
        return r.headers["location"].split("made=")[1].split("&")[0]

    draft = generate()
    editorial.set_signer(zones, 2021, "annual", ["GIÁM ĐỐC"], "Nguyễn Văn Minh", "Lan")
    editorial.keep(zones, 2021, "annual", None, prepare(zones, catalogue, 2021, "annual").draft, "Lan")
    editorial.approve(zones, 2021, "annual", "Lan")
    final = generate()
    html = c.get("/reports?year=2021").text
    stage = {}
    for row in html.split('<tr class="report-version">')[1:]:
        name = re.search(r'files/reports/2021/([^"]+\.docx)', row).group(1)
        stage[name] = re.search(r'class="report-stage (\w+)"', row).group(1)
    assert stage[draft] == "draft" and stage[final] == "approved", stage
    overview = c.get("/?year=2021").text
    assert "đã phê duyệt, không còn chữ DỰ THẢO" in overview  # the latest is the approved one
