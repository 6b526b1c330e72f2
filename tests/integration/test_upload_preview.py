"""What the upload preview tells staff before anything counts: nothing is "tiếp nhận" until they
confirm; replacing an agency's on-time file after the deadline says the agency becomes late
(the state follows the file in use, ``consolidate.status.reporting_status``)."""

from __future__ import annotations

import datetime as dt
import io
import os

from nscl.forms.sample import fill_workbook
from nscl.forms.workbook import save_reproducible
from nscl.intake.process import process_file
from nscl.staff_page import preview as pv

YEAR = 2025
TZ = dt.timezone(dt.timedelta(hours=7))


def _bytes(catalogue, code: str, mistake: str | None = None) -> bytes:
    buf = io.BytesIO()
    save_reproducible(fill_workbook(catalogue.expectation(YEAR, code), YEAR, catalogue, mistake), buf)
    return buf.getvalue()


def _preview(zones, catalogue, data: bytes):
    token = pv.stage(zones, YEAR, "thay-the.xlsx", data, "canbo", None, "")
    meta, path = pv.load_pending(zones, token)
    return pv.preview(zones, catalogue, meta, path)


def test_nothing_is_received_before_confirming(zones, catalogue):
    shown = _preview(zones, catalogue, _bytes(catalogue, "SCT"))
    assert shown["status"] == "accepted"
    assert "Đã tiếp nhận" not in shown["message"] and "chưa được tiếp nhận" in shown["message"]
    assert not any(n["key"] == "becomes_late" for n in shown["notes"])  # nothing in use yet


def test_a_replacement_after_the_deadline_makes_an_on_time_agency_late(zones, catalogue):
    deadline = catalogue.deadline(YEAR)
    inbox = zones.inbox(YEAR)
    inbox.mkdir(parents=True)
    first = inbox / "sct.xlsx"
    first.write_bytes(_bytes(catalogue, "SCT"))
    before = dt.datetime.combine(deadline - dt.timedelta(days=5), dt.time(9), TZ)
    os.utime(first, (before.timestamp(), before.timestamp()))  # arrived five days before the deadline
    assert process_file(first, YEAR, zones, catalogue)["late"] is False
    # Today (the machine's date) is after the 2025 deadline: a replacement now would be late.
    assert dt.date.today() > deadline
    buf = io.BytesIO()
    wb = fill_workbook(catalogue.expectation(YEAR, "SCT"), YEAR, catalogue)
    wb.properties.title = "ban sua"  # other bytes (not a duplicate), the same agency and figures
    save_reproducible(wb, buf)
    assert buf.getvalue() != first.read_bytes()
    shown = _preview(zones, catalogue, buf.getvalue())
    keys = [n["key"] for n in shown["notes"]]
    assert "supersedes" in keys and "becomes_late" in keys, keys
    note = next(n for n in shown["notes"] if n["key"] == "becomes_late")
    assert note["tone"] == "bad" and "“Đúng hạn” sang “Nộp muộn”" in note["text"]
    assert f"{deadline:%d/%m/%Y}" in note["text"]
