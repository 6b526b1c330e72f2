"""The feedback an agency gets: its own workbook with the offending cells highlighted and
commented, a summary sheet "Tổng hợp lỗi", and a short receipt; all in Vietnamese."""

from __future__ import annotations

from nscl.forms import workbook as wbm
from nscl.forms.sample import fill_workbook
from nscl.intake.feedback import ERROR_FILL, SUMMARY_SHEET
from nscl.intake.process import process_file
from openpyxl import load_workbook

YEAR = 2025


def test_rejected_workbook_comes_back_marked(zones, catalogue):
    exp = catalogue.expectation(YEAR, "SCT")
    wb = fill_workbook(exp, YEAR, catalogue, "negative")
    tax_row = wbm.FIRST_DATA_ROW
    wb[wbm.SHEET_ENTERPRISES].cell(row=tax_row, column=3, value="12345")
    path = zones.inbox(YEAR) / "SCT" / "bao-cao.xlsx"
    path.parent.mkdir(parents=True)
    wb.save(path)
    r = process_file(path, YEAR, zones, catalogue)
    assert r["status"] == "rejected"
    folder = zones.quarantine(YEAR) / r["sha256"]
    feedback = load_workbook(folder / "phan-hoi_bao-cao.xlsx")
    assert feedback.sheetnames[0] == SUMMARY_SHEET and feedback.active.title == SUMMARY_SHEET
    assert wbm.META_SHEET in feedback.sheetnames and feedback[wbm.META_SHEET].sheet_state == "hidden"
    for e in r["errors"]:
        cell = feedback[e["sheet"]][e["cell"]]
        assert cell.fill.fgColor.rgb.endswith(ERROR_FILL)
        assert e["expected"] in cell.comment.text
    summary = feedback[SUMMARY_SHEET]
    rows = [[c.value for c in row] for row in summary.iter_rows()]
    header = rows.index(["STT", "Mức độ", "Trang tính", "Ô", "Dòng", "Cột", "Giá trị đã nhập", "Yêu cầu"])
    listed = {(row[2], row[3]) for row in rows[header + 1 :]}
    assert listed == {(e["sheet"], e["cell"]) for e in r["errors"]}
    assert (wbm.SHEET_ENTERPRISES, f"C{tax_row}") in listed
    assert any(row[6] == "12345" and "10 chữ số" in row[7] for row in rows[header + 1 :])
    notice = (folder / "bien-nhan.txt").read_text(encoding="utf-8")
    assert "CHƯA TIẾP NHẬN" in notice and "Sở Công Thương" in notice and r["sha256"] in notice
    # Processing the same bytes again rewrites identical feedback (reproducible files).
    before = (folder / "phan-hoi_bao-cao.xlsx").read_bytes()
    assert process_file(path, YEAR, zones, catalogue) == r
    assert (folder / "phan-hoi_bao-cao.xlsx").read_bytes() == before


def test_accepted_submission_gets_a_short_receipt(zones, catalogue):
    path = zones.inbox(YEAR) / "NSCL_2025_SCT.xlsx"
    path.parent.mkdir(parents=True)
    fill_workbook(catalogue.expectation(YEAR, "SCT"), YEAR, catalogue).save(path)
    r = process_file(path, YEAR, zones, catalogue)
    text = (zones.root / r["reply_file"]).read_text(encoding="utf-8")
    assert r["status"] == "accepted" and "ĐÃ TIẾP NHẬN" in text and "NSCL_2025_SCT.xlsx" in text
    assert "feedback_file" not in r  # nothing to fix, no feedback workbook


def test_unreadable_file_gets_a_summary_only_feedback(zones, catalogue):
    path = zones.inbox(YEAR) / "bao-cao.xlsx"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"%PDF-1.4 scanned report")
    r = process_file(path, YEAR, zones, catalogue)
    feedback = load_workbook(zones.root / r["feedback_file"])
    assert feedback.sheetnames == [SUMMARY_SHEET]
    assert any("PDF" in str(c.value) for row in feedback[SUMMARY_SHEET].iter_rows() for c in row)
