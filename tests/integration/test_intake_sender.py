"""A refused file that names no agency (its sheets copied into a new workbook, the title lines
cleared, saved under a name of its own) is credited to the agency whose address sent it by mail,
when that address belongs to exactly one agency; never by a guess."""

from __future__ import annotations

import json

import pytest
from nscl.forms import workbook as wbm
from nscl.forms.sample import fill_workbook
from nscl.intake.mailbox import sidecar_path
from nscl.intake.process import process_file
from nscl.orchestration import pipeline

YEAR = 2025
NAME = "bao cao nang suat chat luong.xlsx"


def _anonymous_copy(catalogue, path):
    """The sheets of SCT's workbook without the identity sheet and without their title lines."""
    wb = fill_workbook(catalogue.expectation(YEAR, "SCT"), YEAR, catalogue)
    del wb[wbm.META_SHEET]
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=1, max_row=3):
            for cell in row:
                if cell.coordinate not in ws.merged_cells:
                    cell.value = None
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _by_mail(zones, sender: str):
    sidecar = sidecar_path(zones, YEAR, NAME)
    sidecar.write_text(json.dumps({"via": "mail", "sender": sender}), encoding="utf-8")


def _receipt(zones, catalogue):
    [path] = [p for p in pipeline.list_inbox(YEAR, zones) if p.endswith(NAME)]  # the sidecar is not a return
    return process_file(path, YEAR, zones, catalogue)


@pytest.mark.parametrize(
    ("contacts", "sender", "credited"),
    [
        # the address staff keep for SCT, written in another case by the mail client
        ({"SCT": ["vanthu.sct@hungyen.gov.vn"]}, "VanThu.SCT@HungYen.gov.vn", "SCT"),
        # an address nobody keeps: not credited
        ({"SCT": ["vanthu.sct@hungyen.gov.vn"]}, "ai.do@gmail.com", None),
        # one address for two agencies: which one is not known, so not credited
        ({"SCT": ["chung@hungyen.gov.vn"], "SYT": ["chung@hungyen.gov.vn"]}, "chung@hungyen.gov.vn", None),
    ],
)
def test_a_refused_copy_is_credited_by_its_sender_address(zones, catalogue, contacts, sender, credited):
    import yaml

    zones.contacts.parent.mkdir(parents=True, exist_ok=True)
    zones.contacts.write_text(yaml.safe_dump(contacts, allow_unicode=True), encoding="utf-8")
    _anonymous_copy(catalogue, zones.inbox(YEAR) / NAME)
    _by_mail(zones, sender)
    receipt = _receipt(zones, catalogue)
    assert receipt["status"] == "rejected"
    assert receipt.get("agency_code") == credited
    said = " ".join(receipt.get("conversions") or [])  # the receipt's notes
    assert ("theo địa chỉ thư của người gửi" in said) == (credited is not None)
