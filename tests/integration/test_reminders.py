"""Reminders: who is chased (missing or rejected, from the receipts), once per agency per
stage, before the deadline and on after it; captured instead of sent."""

from __future__ import annotations

import datetime as dt

import pytest
from nscl.forms.sample import fill_workbook
from nscl.intake.process import process_file
from nscl.outreach.reminders import send_reminders, stages

YEAR = 2025


@pytest.fixture
def season(zones, catalogue):
    """SCT reported correctly, SYT's file was rejected, everyone else is missing."""
    inbox = zones.inbox(YEAR)
    inbox.mkdir(parents=True)
    fill_workbook(catalogue.expectation(YEAR, "SCT"), YEAR, catalogue).save(inbox / "sct.xlsx")
    fill_workbook(catalogue.expectation(YEAR, "SYT"), YEAR, catalogue, "negative").save(inbox / "syt.xlsx")
    for name in ("sct.xlsx", "syt.xlsx"):
        process_file(inbox / name, YEAR, zones, catalogue)
    zones.contacts.write_text("SYT: vanthu@syt.hungyen.gov.vn\nSXD: [a@sxd.vn, b@sxd.vn]\n", encoding="utf-8")
    return zones


def test_stages_open_before_and_after_the_deadline(catalogue):
    assert stages(YEAR, catalogue, dt.date(YEAR, 11, 19)) == []
    codes = [s.code for s in stages(YEAR, catalogue, dt.date(YEAR, 12, 15))]
    assert codes == [
        "truoc-han-10-ngay",
        "truoc-han-3-ngay",
        "qua-han-tuan-1",
        "qua-han-tuan-2",
        "qua-han-tuan-3",
    ]
    assert [s.opens for s in stages(YEAR, catalogue, dt.date(YEAR, 11, 27))] == [
        dt.date(YEAR, 11, 20),
        dt.date(YEAR, 11, 27),
    ]


def test_once_per_agency_per_stage(season, catalogue):
    sent = []
    day = dt.date(YEAR, 11, 20)
    first = send_reminders(YEAR, season, catalogue, day, send=sent.append)
    expected = {e.agency.code for e in catalogue.expected_reporters(YEAR)} - {"SCT"}
    assert set(first["planned"]) == expected
    assert {m.agency_code for m in sent} == {"SYT", "SXD"} and first["stage"] == "truoc-han-10-ngay"
    assert set(first["no_address"]) == expected - {"SYT", "SXD"}
    syt = next(m for m in sent if m.agency_code == "SYT")
    assert syt.reason == "rejected" and "syt.xlsx" in syt.body and "gửi lại" in syt.subject
    assert next(m for m in sent if m.agency_code == "SXD").to == ["a@sxd.vn", "b@sxd.vn"]
    # The same day again, or the next day in the same stage: nothing more.
    assert send_reminders(YEAR, season, catalogue, day, send=sent.append)["planned"] == []
    assert send_reminders(YEAR, season, catalogue, dt.date(YEAR, 11, 21), send=sent.append)["planned"] == []
    assert len(sent) == 2
    # A new stage after the deadline: chased again, with the late wording.
    late = send_reminders(YEAR, season, catalogue, dt.date(YEAR, 12, 1), send=sent.append)
    assert late["stage"] == "qua-han-tuan-1" and len(sent) == 4
    assert "vẫn được tiếp nhận" in sent[-1].body


def test_failed_send_is_retried_and_dry_run_sends_nothing(season, catalogue):
    def broken(_):
        raise OSError("SMTP down")

    day = dt.date(YEAR, 11, 27)
    assert send_reminders(YEAR, season, catalogue, day, dry_run=True)["sent"] == []
    summary = send_reminders(YEAR, season, catalogue, day, send=broken)
    assert set(summary["failed"]) == {"SYT", "SXD"}
    sent = []
    again = send_reminders(YEAR, season, catalogue, day, send=sent.append)
    assert set(again["sent"]) == {"SYT", "SXD"} and again["no_address"] == []
