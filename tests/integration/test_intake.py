"""Intake: duplicates, superseding with versions, object-storage inboxes through fsspec,
normalisation recorded in the receipt (legacy encodings, merged cells), outlier warnings."""

from __future__ import annotations

import datetime as dt
import io
import json
import os

import pandas as pd
from nscl.forms import workbook as wbm
from nscl.forms.sample import fill_workbook
from nscl.intake.legacy_encodings import unicode_to_tcvn3, unicode_to_vni
from nscl.intake.process import list_new, process_file
from nscl.intake.validation import validate_file
from nscl.orchestration import pipeline
from nscl.store.receipts import load_receipts

YEAR = 2025


def _write(wb, path, when: dt.datetime | None = None):
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    if when:
        os.utime(path, (when.timestamp(), when.timestamp()))
    return path


def _wb(catalogue, code="SCT", mutate=None):
    wb = fill_workbook(catalogue.expectation(YEAR, code), YEAR, catalogue)
    if mutate:
        mutate(wb)
    return wb


def test_duplicates_and_superseding(zones, catalogue):
    tz = dt.timezone(dt.timedelta(hours=7))
    inbox = zones.inbox(YEAR)
    first = _write(_wb(catalogue), inbox / "SCT" / "lan1.xlsx", dt.datetime(YEAR, 11, 10, 9, tzinfo=tz))
    (inbox / "email").mkdir()
    (inbox / "email" / "lan1-ban-sao.xlsx").write_bytes(first.read_bytes())  # the same file, by e-mail
    _write(
        _wb(
            catalogue,
            mutate=lambda wb: wb[wbm.SHEET_NARRATIVE].cell(row=wbm.FIRST_DATA_ROW, column=4, value="Sửa"),
        ),
        inbox / "SCT" / "lan2.xlsx",
        dt.datetime(YEAR, 12, 2, 9, tzinfo=tz),
    )
    results = [pipeline.process_submission(p, YEAR) for p in pipeline.list_inbox(YEAR)]
    assert [r["duplicate"] for r in results] == [False, False, True]  # SCT/lan1, SCT/lan2, email/...
    assert len(load_receipts(zones, YEAR)) == 2
    assert list_new(zones, YEAR) == []
    pipeline.consolidate(YEAR)
    subs = pd.read_csv(zones.curated(YEAR) / "submissions.csv", dtype=str)
    subs = subs[subs["agency_code"] == "SCT"].set_index("version")
    assert list(subs["state"]) == ["superseded", "used"]
    assert subs.loc["1", "superseded_by"] == subs.loc["2", "sha256"]
    assert subs.loc["1", "duplicates"] == "1"
    summary = json.loads((zones.curated(YEAR) / "summary.json").read_text(encoding="utf-8"))
    status = {s["agency_code"]: s for s in summary["status"]}
    assert status["SCT"]["state"] == "late" and status["SCT"]["version"] == 2
    assert summary["used_versions"]["SCT"]["version"] == 2
    receipt = json.loads((zones.receipts(YEAR) / f"{results[0]['sha256']}.json").read_text(encoding="utf-8"))
    assert receipt["also_received_as"] == ["email/lan1-ban-sao.xlsx"]
    assert (
        (zones.replies(YEAR) / results[1]["sha256"] / "bien-nhan.txt")
        .read_text(encoding="utf-8")
        .count("sau hạn")
    )


def test_object_storage_inbox_through_fsspec(zones, catalogue, monkeypatch):
    import fsspec

    monkeypatch.setenv("NSCL_INBOX_URL", "memory://nscl-test-inbox")
    fs = fsspec.filesystem("memory")
    buf = io.BytesIO()
    _wb(catalogue).save(buf)
    fs.pipe(f"/nscl-test-inbox/{YEAR}/SCT/bao-cao.xlsx", buf.getvalue())
    try:
        [url] = pipeline.list_inbox(YEAR)
        assert url.startswith("memory://")
        r = process_file(url, YEAR, zones, catalogue)
        assert (r["status"], r["inbox_path"], r["inbox_agency"]) == ("accepted", "SCT/bao-cao.xlsx", "SCT")
        assert (zones.archive / r["sha256"][:2] / r["sha256"]).read_bytes() == buf.getvalue()
        assert list_new(zones, YEAR) == []
    finally:
        fs.rm("/nscl-test-inbox", recursive=True)


def test_legacy_encodings_and_merged_cells_are_normalised_and_recorded(catalogue, tmp_path):
    exp = catalogue.expectation(YEAR, "SKHCN")

    def mutate(wb):
        ws = wb[wbm.SHEET_NARRATIVE]
        ws.cell(
            row=wbm.FIRST_DATA_ROW, column=4, value=unicode_to_tcvn3("Hoàn thành tốt các nhiệm vụ được giao")
        )
        ws.cell(row=wbm.FIRST_DATA_ROW + 1, column=4, value=unicode_to_vni("Kinh phí còn hạn chế"))
        ent = wb[wbm.SHEET_ENTERPRISES]
        r = wbm.FIRST_DATA_ROW
        ent.cell(row=r + 1, column=4).value = None
        ent.merge_cells(start_row=r, start_column=4, end_row=r + 1, end_column=4)  # one locality, two rows

    wb = fill_workbook(exp, YEAR, catalogue)
    locality = wb[wbm.SHEET_ENTERPRISES].cell(row=wbm.FIRST_DATA_ROW, column=4).value
    mutate(wb)
    out = validate_file(_write(wb, tmp_path / "x.xlsx"), YEAR, catalogue)
    assert out.status == "accepted", out.issues
    assert out.data["narrative"]["achievements"] == "Hoàn thành tốt các nhiệm vụ được giao"
    assert out.data["narrative"]["difficulties"] == "Kinh phí còn hạn chế"
    assert [e["locality"] for e in out.data["enterprises"][:2]] == [locality, locality]
    text = "\n".join(out.conversions)
    assert "TCVN3 → Unicode" in text and "VNI → Unicode" in text and "bỏ gộp ô D5:D6" in text


def test_merged_number_cells_are_rejected(catalogue, tmp_path):
    wb = fill_workbook(catalogue.expectation(YEAR, "SCT"), YEAR, catalogue)
    wb[wbm.SHEET_BUDGET].merge_cells(f"D{wbm.FIRST_DATA_ROW}:D{wbm.FIRST_DATA_ROW + 1}")
    out = validate_file(_write(wb, tmp_path / "x.xlsx"), YEAR, catalogue)
    assert out.status == "rejected"
    assert any(i.cell == f"D{wbm.FIRST_DATA_ROW}" and "gộp ô" in i.expected for i in out.issues)


def test_outliers_against_the_agencys_own_years_are_warnings(catalogue, tmp_path):
    exp = catalogue.expectation(YEAR, "SCT")
    code = next(i.code for i in exp.indicators if not i.is_deliverable and i.code != "DN_HOTRO")
    row = wbm.FIRST_DATA_ROW + [i.code for i in exp.indicators].index(code)
    wb = fill_workbook(exp, YEAR, catalogue)
    wb[wbm.SHEET_INDICATORS].cell(row=row, column=8, value=40)
    path = _write(wb, tmp_path / "x.xlsx")
    out = validate_file(path, YEAR, catalogue, history={code: {2023: 2, 2024: 3}})
    assert out.status == "accepted" and out.code == "warnings"
    [w] = out.issues
    assert (w.severity, w.cell, w.value) == ("warning", f"H{row}", "40")
    assert "2023: 2; 2024: 3" in w.expected
    assert (
        validate_file(path, YEAR, catalogue, history={code: {2024: 3}}).issues == []
    )  # one year is not a trend


def test_formula_looking_text_is_escaped_in_curated_csvs_and_read_back_exactly(zones, catalogue):
    import hashlib

    from nscl.store.curated import load_table
    from nscl.store.fsutil import atomic_write_json

    sha = hashlib.sha256(b"x").hexdigest()
    typed = ['=HYPERLINK("http://vi-du.invalid";"Bấm")', "+84 912", "-Đã tổ chức 3 lớp", "@SUM(A1)", "'=a"]
    atomic_write_json(
        zones.receipts(YEAR) / f"{sha}.json",
        {
            "sha256": sha,
            "agency_code": "SCT",
            "original_name": "x.xlsx",
            "received_at": f"{YEAR}-11-01T09:00:00+07:00",
            "late": False,
            "status": "accepted",
            "kind": "agency",
            "errors": [],
            "warnings": [],
        },
    )
    atomic_write_json(
        zones.curated(YEAR) / "staged" / f"{sha}.json",
        {
            "kind": "agency",
            "indicators": [],
            "tasks": [],
            "enterprises": [],
            "budget": {},
            "narrative": {f"f{i}": t for i, t in enumerate(typed)},
        },
    )
    pipeline.consolidate(YEAR, zones, catalogue)
    raw = pd.read_csv(zones.curated(YEAR) / "narratives.csv", dtype=str)
    assert not any(str(v).startswith(("=", "+", "-", "@")) for v in raw["text"])
    assert list(load_table(zones, YEAR, "narratives")["text"]) == typed


def test_blank_workbooks_hold_no_formula(catalogue, tmp_path):
    import zipfile

    [path] = wbm.write_templates(catalogue, YEAR, tmp_path)[:1] or [None]
    with zipfile.ZipFile(path) as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
