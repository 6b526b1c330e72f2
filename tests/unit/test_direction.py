"""The direction register (issue 24, item 1): kept in the data folder with who and when, every
version kept, edited from the command line, and named by section I in date order."""

from __future__ import annotations

import datetime as dt
import multiprocessing

import pytest
import yaml
from nscl.cli.main import main
from nscl.reporting.sections import direction_line, direction_pieces, doc_date
from nscl.store import direction
from nscl.store.zones import Zones


@pytest.fixture
def zones(tmp_path, monkeypatch):
    monkeypatch.setenv("NSCL_DATA_DIR", str(tmp_path / "data"))
    return Zones(tmp_path / "data")


def _add(*args: str) -> int:
    return main(["direction", "--year", "2022", "add", *args])


def test_cli_adds_lists_and_removes_with_who_and_when(zones, capsys):
    assert _add("--kind", "meeting", "--date", "2022-09-15", "--body", "Sở Khoa học và Công nghệ",
                "--summary", "kiểm tra tại 05 doanh nghiệp", "--by", "Lan") == 0  # fmt: skip
    assert _add("--number", "24/KH-SKHCN", "--date", "2022-02-28", "--body", "Sở Khoa học và Công nghệ",
                "--summary", "thực hiện Kế hoạch năm 2022", "--by", "Minh") == 0  # fmt: skip
    stored = yaml.safe_load(direction.path(zones, 2022).read_text(encoding="utf-8"))["entries"]
    assert [(e["date"], e["by"]) for e in stored] == [("2022-02-28", "Minh"), ("2022-09-15", "Lan")]
    assert all(dt.datetime.fromisoformat(e["at"]).tzinfo for e in stored)
    capsys.readouterr()
    assert main(["direction", "--year", "2022", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("  1. 28/02/2022 văn bản 24/KH-SKHCN") and "Minh" in out[0]
    assert out[1].startswith("  2. 15/09/2022 hội nghị")
    assert main(["direction", "--year", "2022", "remove", "1", "--by", "Lan"]) == 0
    assert [e.number for e in direction.load(zones, 2022)] == [""]
    hist = direction.history(zones, 2022)
    assert [(h["version"], h["by"]) for h in hist] == [(1, "Lan"), (2, "Minh"), (3, "Lan")]
    assert hist[2]["action"].startswith("xóa: 28/02/2022") and len(hist[1]["entries"]) == 2


@pytest.mark.parametrize(
    "args, message",
    [
        (["--number", "24/KH-SKHCN", "--date", "2023-01-05", "--body", "Sở", "--summary", "x"], "không thuộc năm 2022"),
        (["--date", "2022-03-01", "--body", "Sở", "--summary", "x"], "cần số, ký hiệu"),
        (["--number", "1/KH-S", "--date", "2022-3-1", "--body", "Sở", "--summary", "x"], "YYYY-MM-DD"),
        (["--kind", "meeting", "--date", "2022-03-01", "--summary", "x"], "cần cơ quan"),
        (["--kind", "meeting", "--date", "2022-03-01", "--body", "Sở"], "cần trích yếu"),
    ],
)  # fmt: skip
def test_cli_refuses_an_incomplete_entry_in_vietnamese(zones, capsys, args, message):
    assert _add(*args, "--by", "Lan") == 2
    assert message in capsys.readouterr().err
    assert not direction.path(zones, 2022).exists()


def test_the_same_entry_twice_and_an_anonymous_change_are_refused(zones, capsys):
    args = ["--kind", "inspection", "--date", "2022-09-15", "--body", "Sở", "--summary", "kiểm tra"]
    assert _add(*args, "--by", "Lan") == 0
    assert _add(*args, "--by", "Minh") == 2 and "đã có" in capsys.readouterr().err
    assert _add(*args) == 2
    assert len(direction.load(zones, 2022)) == 1


def _add_many(root: str, who: str) -> None:
    z = Zones(__import__("pathlib").Path(root))
    for i in range(8):
        direction.add(z, 2022, direction.Entry("other", f"2022-03-{i + 1:02d}", "Sở", f"việc {who} {i}"), who)


def test_two_writers_at_once_both_keep_their_entries(zones):
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_add_many, args=(str(zones.root), w)) for w in ("A", "B")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert all(p.exitcode == 0 for p in procs)
    assert len(direction.load(zones, 2022)) == 16
    assert [h["version"] for h in direction.history(zones, 2022)] == list(range(1, 17))


def test_a_hand_edited_register_with_a_bad_entry_is_named(zones):
    direction.path(zones, 2022).parent.mkdir(parents=True)
    direction.path(zones, 2022).write_text(
        "entries:\n- {kind: document, date: '2022-02-28', body: Sở, summary: x, number: ''}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"2022.yaml: mục 1: văn bản cần số"):
        direction.load(zones, 2022)


def test_the_sample_register_is_written_once_and_never_over_staff_entries(zones):
    assert direction.write_sample(zones, 2021) == len(direction.sample_entries(2021)) >= 4
    assert all(e.by == direction.SAMPLE_AUTHOR for e in direction.load(zones, 2021))
    direction.add(zones, 2023, direction.Entry("other", "2023-05-01", "Sở", "việc của cán bộ"), "Lan")
    assert direction.write_sample(zones, 2023) == 0
    assert [e.summary for e in direction.load(zones, 2023)] == ["việc của cán bộ"]
    for year in range(2021, 2026):  # every sample year has the plan's documents, in that year
        entries = direction.sample_entries(year)
        assert entries and all(e.day.year == year for e in entries)


def test_decree_30_dates_and_section_one_in_date_order():
    assert doc_date(dt.date(2022, 2, 5)) == "05/02/2022"
    assert doc_date(dt.date(2021, 6, 30)) == "30/6/2021"
    assert doc_date(dt.date(2021, 11, 3)) == "03/11/2021"
    plan = direction.Entry(
        "document", "2021-06-30", "Ủy ban nhân dân tỉnh", "thực hiện Chương trình", "101/KH-UBND"
    )
    letter = direction.Entry(
        "document", "2021-07-20", "Sở Khoa học và Công nghệ", "về việc triển khai", "1125/SKHCN-TĐC"
    )
    meeting = direction.Entry(
        "meeting", "2021-09-24", "Sở Khoa học và Công nghệ", "tổ chức hội nghị phổ biến"
    )
    assert (
        direction_line(plan)
        == "Ủy ban nhân dân tỉnh ban hành Kế hoạch số 101/KH-UBND ngày 30/6/2021 thực hiện Chương trình."
    )
    assert direction_line(letter).startswith(
        "Sở Khoa học và Công nghệ có Văn bản số 1125/SKHCN-TĐC ngày 20/7/2021 về việc"
    )
    assert direction_line(meeting) == "Ngày 24/9/2021, Sở Khoa học và Công nghệ tổ chức hội nghị phổ biến."
    intro, lines = direction_pieces([meeting, letter, plan], 2021, 2021)
    assert lines == [direction_line(plan), direction_line(letter), direction_line(meeting)]
    assert intro.startswith(
        "Năm 2021, Ủy ban nhân dân tỉnh và Sở Khoa học và Công nghệ đã ban hành 02 văn bản và tổ chức 01"
    )
    intro, lines = direction_pieces([meeting, letter, plan], 2021, 2025)
    assert intro.startswith("Giai đoạn 2021-2025,") and lines == [direction_line(plan)]  # the main documents
    assert direction_pieces([], 2021, 2021) == ("", [])
