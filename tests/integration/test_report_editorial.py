"""Staff's words survive re-runs: the editorial store keeps every version with who and when; the
report uses the staff's text where a section has one and the draft otherwise; "DỰ THẢO" until
approved; an operator's hand-written ``<data>/editorial/<year>/annual.yaml`` works the same; a
date earlier than the last file used is refused; the CLI shows what is open."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from docx import Document
from nscl.cli.main import main
from nscl.orchestration import pipeline
from nscl.store import editorial
from nscl.store.zones import Zones
from test_report import all_text
from test_report_data import build

YEAR = 2025


def marks(doc) -> list[str]:
    """Where the document says "DỰ THẢO": the box under the number and symbol (page 1) and the
    page headers of every section (empty strings where the mark was taken away)."""
    box = doc.tables[0].rows[1].cells[0].paragraphs[1].text
    heads = [s.header.paragraphs[0].text.split("\t")[-1] for s in doc.sections]
    return [box, *heads]


def approve(zones, year=YEAR, kind="annual", by="Giám đốc"):
    """Choose the signer, keep the sections nobody edited, approve (the gate lets it through)."""
    editorial.set_signer(zones, year, kind, ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], "Nguyễn Văn Minh", by)
    from nscl.plan.catalogue import default_catalogue
    from nscl.reporting import approval
    from nscl.reporting.build import prepare

    editorial.keep(zones, year, kind, None, prepare(zones, default_catalogue(), year, kind).draft, by)
    return approval.approve(zones, default_catalogue(), year, kind, by)


STAFF = "Sở đã hoàn thành việc rà soát danh mục doanh nghiệp cần hỗ trợ (đoạn cán bộ viết)."


@pytest.fixture(scope="module")
def data(tmp_path_factory, catalogue):
    zones = Zones(tmp_path_factory.mktemp("editorial") / "data")
    build(zones, catalogue, range(2021, YEAR + 1))
    return zones


def test_staff_text_is_used_and_every_version_kept(data, catalogue):
    first = Document(pipeline.write_report(YEAR, data, catalogue))
    assert marks(first) == ["DỰ THẢO"] * 3 and STAFF not in all_text(first)
    editorial.save_section(data, YEAR, "annual", "achievements", STAFF + "\n\n", "Trần Thị B")
    editorial.save_section(
        data, YEAR, "annual", "proposals", "Đề nghị UBND tỉnh bố trí kinh phí.", "Lê Văn C"
    )
    path = pipeline.write_report(YEAR, data, catalogue)
    text = all_text(Document(path))
    assert STAFF in text and "Đề nghị UBND tỉnh bố trí kinh phí." in text
    assert "Về thông tin, tuyên truyền" not in text.split("2. Tồn tại")[0].split("1. Kết quả đạt được")[-1]
    history = editorial.history(data, YEAR, "annual")
    assert [(v["by"], v["action"]) for v in history][:2] == [
        ("Trần Thị B", "sửa mục achievements"),
        ("Lê Văn C", "sửa mục proposals"),
    ]
    manifest = json.loads(Path(path).with_suffix(".manifest.json").read_text("utf-8"))
    assert manifest["editorial"]["staff_sections"] == ["achievements", "proposals"]
    assert any("Tồn tại" in item for item in manifest["open_items"])  # not reviewed yet


def test_approval_removes_the_draft_mark_and_a_change_withdraws_it(data, catalogue):
    approve(data)
    doc = Document(pipeline.write_report(YEAR, data, catalogue))
    assert marks(doc) == ["", "", ""] and "DỰ THẢO" not in all_text(doc)
    assert STAFF in all_text(doc)
    editorial.save_section(data, YEAR, "annual", "difficulties", "Kinh phí còn hạn chế.", "Trần Thị B")
    assert not editorial.load(data, YEAR, "annual").approved
    assert marks(Document(pipeline.write_report(YEAR, data, catalogue))) == ["DỰ THẢO"] * 3


def test_an_operator_file_works_without_the_page(data, catalogue, tmp_path):
    zones = Zones(tmp_path / "data")
    build(zones, catalogue, [YEAR])
    last = max(
        dt.datetime.fromisoformat(s).date()
        for s in __import__("pandas").read_csv(zones.curated(YEAR) / "submissions.csv")["received_at"]
    )
    day = last + dt.timedelta(days=2)
    f = editorial.path(zones, YEAR, "annual")
    f.parent.mkdir(parents=True)
    f.write_text(
        f"approved: true\nissued: {day.isoformat()}\nsections:\n  next_tasks:\n    text: |\n"
        "      Tổ chức 05 lớp tập huấn năm 2026.\n      Hoàn thiện cơ sở dữ liệu doanh nghiệp.\n",
        encoding="utf-8",
    )
    doc = Document(pipeline.write_report(YEAR, zones, catalogue))
    text = all_text(doc)
    assert (
        "- Tổ chức 05 lớp tập huấn năm 2026." in text and "- Hoàn thiện cơ sở dữ liệu doanh nghiệp." in text
    )
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    assert f"ngày {day.day:02d} tháng {month} năm {day.year}" in text
    assert "DỰ THẢO" not in all_text(doc) and marks(doc) == ["", "", ""]


def test_a_date_before_the_last_file_is_refused(data, catalogue, capsys, monkeypatch):
    with pytest.raises(ValueError, match="sớm hơn ngày nhận báo cáo cuối cùng"):
        pipeline.write_report(YEAR, data, catalogue, issued="2025-01-02")
    monkeypatch.setenv("NSCL_DATA_DIR", str(data.root))
    assert main(["report", "--year", str(YEAR), "--date", "2025-01-02"]) == 2
    assert "sớm hơn ngày nhận báo cáo cuối cùng" in capsys.readouterr().err
    assert main(["editorial", "--year", str(YEAR), "show"]) == 0
    out = capsys.readouterr().out
    assert "Còn phải làm" in out and "người ký" in out and STAFF in out
