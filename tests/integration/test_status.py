"""``nscl status``: per expected agency its state, per received file (a duplicate copy and an
unreadable file included) its outcome and messages, on the sample data run through the
pipeline's stages."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest
from nscl.cli.main import main
from nscl.forms import workbook as wbm
from nscl.forms.sample import fill_workbook, write_sample_data
from nscl.orchestration import pipeline

YEAR = 2025


@pytest.fixture(scope="module")
def season(tmp_path_factory, catalogue):
    """The year's sample files run through the stages once for the module (about 25 s)."""
    from nscl.store.zones import Zones

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NSCL_DATA_DIR", str(tmp_path_factory.mktemp("status") / "data"))
        yield _season(Zones.default(), catalogue)


def _season(zones, catalogue):
    inbox = zones.inbox(YEAR)
    samples = write_sample_data(catalogue, YEAR, inbox)
    sct = next(s for s in samples if s.agency_code == "SCT")
    # The same bytes again, by e-mail: a duplicate.
    (inbox / "email").mkdir()
    (inbox / "email" / "SCT-ban-sao.xlsx").write_bytes(sct.path.read_bytes())
    # SCT sends a corrected version later: the first one is superseded.
    wb = fill_workbook(catalogue.expectation(YEAR, "SCT"), YEAR, catalogue)
    wb[wbm.SHEET_NARRATIVE].cell(row=wbm.FIRST_DATA_ROW, column=4, value="Bổ sung kết quả tháng 12")
    fixed = inbox / "SCT-ban-sua.xlsx"
    wb.save(fixed)
    later = (sct.received + dt.timedelta(days=1)).timestamp()
    os.utime(fixed, (later, later))
    # Not a workbook at all.
    (inbox / "bao-cao-hong.xlsx").write_bytes(b"day khong phai tep Excel\x00\x01")
    for path in pipeline.list_inbox(YEAR, zones):
        pipeline.process_submission(path, YEAR, zones, catalogue)
    pipeline.consolidate(YEAR, zones, catalogue)
    return samples


def test_status_json_lists_agencies_and_every_file_with_its_outcome(season, catalogue, capsys):
    assert main(["status", "--year", str(YEAR), "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    expected = {e.agency.code for e in catalogue.expected_reporters(YEAR)}
    agencies = {a["agency_code"]: a for a in status["agencies"]}
    assert set(agencies) == expected and status["expected"] == len(expected)
    assert agencies["SCT"]["state"] in ("on_time", "late") and agencies["SCT"]["version"] == 2

    files = status["files"]
    by_name = {f["original_name"]: f for f in files}
    assert len(files) == len(season) + 3  # the sample files, the copy, the fix, the broken file
    assert {f["outcome"] for f in files} == {"accepted", "superseded", "duplicate", "rejected", "unreadable"}
    for f in files:
        assert len(f["sha256"]) == 64 and f["messages"], f

    sct_first = by_name[next(s for s in season if s.agency_code == "SCT").path.name]
    fixed = by_name["SCT-ban-sua.xlsx"]
    copy = by_name["SCT-ban-sao.xlsx"]
    assert (sct_first["outcome"], fixed["outcome"]) == ("superseded", "accepted")
    assert sct_first["superseded_by"] == fixed["sha256"]
    assert copy["outcome"] == "duplicate" and copy["sha256"] == sct_first["sha256"]
    assert copy["duplicate_of"] == sct_first["inbox_path"] and "Trùng nội dung" in copy["messages"][0]

    broken = by_name["bao-cao-hong.xlsx"]
    assert broken["outcome"] == "unreadable" and broken["agency_code"] is None
    # Mistaken sample files: rejected with the cell-level messages in Vietnamese.
    rejected = [f for f in files if f["outcome"] == "rejected"]
    mistaken = {s.path.name for s in season if s.mistake in ("negative", "text_in_number")}
    assert {f["original_name"] for f in rejected} == mistaken
    for f in rejected:
        assert f["messages"][0].startswith("Có ") and any(
            m.startswith("Lỗi (phải sửa)") for m in f["messages"]
        )
    # The agency whose only file was rejected is reported as awaiting a fix.
    text_agency = next(s.agency_code for s in season if s.mistake == "text_in_number")
    assert agencies[text_agency]["state"] == "rejected"
    # Everyone else in the sample reported.
    assert {a["state"] for a in status["agencies"]} <= {"on_time", "late", "rejected"}


def test_status_table_is_vietnamese(season, capsys):
    assert main(["status", "--year", str(YEAR)]) == 0
    out = capsys.readouterr().out
    assert f"TÌNH HÌNH NỘP BÁO CÁO NĂM {YEAR}" in out
    for label in ("Cơ quan", "Tình trạng", "Đúng hạn", "Nộp muộn", "Bị trả lại, chờ sửa", "Trùng lặp"):
        assert label in out
    assert "Không đọc được" in out and "Đã được thay bằng bản sau" in out
