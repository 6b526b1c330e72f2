"""``nscl editorial`` and the reviews' "Bài học kinh nghiệm" (lessons learnt), which the page's
editorial tab edits: ``set lessons`` saves them for a mid-term or final review (the next review
prints them instead of the draft's, read back from the .docx), ``show`` lists them, ``keep
lessons`` and ``keep --all`` keep the drafted ones; the annual report has no such section and
the command refuses it in Vietnamese, changing nothing."""

from __future__ import annotations

import pytest
from docx import Document
from nscl.cli.main import main
from nscl.reporting.build import prepare, write_review
from nscl.reporting.reviews import review_kind
from nscl.store import editorial
from nscl.store.zones import Zones
from test_report import all_text
from test_report_data import build

YEAR = 2021
BY = "Nguyễn Thị Lan"
MINE = [
    "Bài học do cán bộ nhập từ dòng lệnh: giao chỉ tiêu cụ thể cho từng cơ quan ngay từ đầu năm.",
    "Bài học thứ hai: đối chiếu số liệu với cơ quan thống kê trước khi tổng hợp.",
]


@pytest.fixture
def data(tmp_path, monkeypatch, catalogue):
    zones = Zones(tmp_path / "data")
    monkeypatch.setenv("NSCL_DATA_DIR", str(zones.root))
    monkeypatch.setenv("NSCL_REPORT_PDF", "0")
    build(zones, catalogue, [YEAR])
    return zones


def _cli(*args: str) -> int:
    return main(["editorial", "--year", str(YEAR), *args])


def test_set_and_show_lessons_of_a_review(data, catalogue, capsys, tmp_path):
    text = tmp_path / "bai-hoc.txt"
    text.write_text("\n".join(MINE) + "\n", encoding="utf-8")
    assert _cli("--kind", "mid-term", "set", "lessons", "--file", str(text), "--by", BY) == 0
    assert "Đã lưu mục “Bài học kinh nghiệm”" in capsys.readouterr().out
    state = editorial.load(data, YEAR, "mid-term")
    assert state.sections["lessons"].text == MINE and state.sections["lessons"].by == BY

    assert _cli("--kind", "mid-term", "show") == 0
    out = capsys.readouterr().out
    assert "[lessons] Bài học kinh nghiệm — Đã biên tập: Nguyễn Thị Lan" in out
    assert all(f"  - {line}" in out for line in MINE)

    drafted = prepare(data, catalogue, YEAR, "mid-term").draft["lessons"]
    doc = all_text(Document(write_review(data, catalogue, review_kind("mid-term", 2021, YEAR))))
    assert all(line in doc for line in MINE) and not any(line in doc for line in drafted)


def test_keep_lessons_and_keep_all_in_a_review(data, catalogue, capsys):
    drafted = prepare(data, catalogue, YEAR, "final").draft["lessons"]
    assert drafted
    assert _cli("--kind", "final", "keep", "lessons", "--by", BY) == 0
    assert "Bài học kinh nghiệm" in capsys.readouterr().out
    kept = editorial.load(data, YEAR, "final").sections["lessons"]
    assert kept.text == drafted and kept.how == editorial.KEPT

    assert _cli("--kind", "mid-term", "keep", "--all", "--by", BY) == 0
    state = editorial.load(data, YEAR, "mid-term")
    assert set(state.sections) == set(editorial.sections_of("mid-term"))
    assert state.sections["lessons"].reviewed


def test_lessons_refused_for_the_annual_report(data, capsys):
    before = editorial.path(data, YEAR, "annual").is_file()
    assert _cli("set", "lessons", "--text", MINE[0], "--by", BY) == 2
    err = capsys.readouterr().err
    assert "chỉ có trong báo cáo sơ kết, tổng kết" in err and "báo cáo năm không có mục này" in err
    assert _cli("keep", "lessons", "--by", BY) == 2
    assert "báo cáo năm không có mục này" in capsys.readouterr().err
    assert editorial.path(data, YEAR, "annual").is_file() == before
    assert "lessons" not in editorial.load(data, YEAR, "annual").sections
    # An unknown section names the ones there are.
    assert _cli("--kind", "final", "set", "lesson", "--text", "x", "--by", BY) == 2
    assert "lessons" in capsys.readouterr().err
