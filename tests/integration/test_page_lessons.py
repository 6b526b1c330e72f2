"""Issue 25: the reviews' "Bài học kinh nghiệm" (lessons learnt) on the tab "Biên tập báo cáo":
shown with the draft's lessons for a mid-term or final review only, edited there, and the staff's
lessons replace the draft's in the next review generated (read back from the .docx)."""

from __future__ import annotations

from docx import Document
from nscl.reporting.build import prepare
from nscl.store import editorial
from test_page_report_settings import page  # noqa: F401 - the fixture
from test_report import all_text
from test_report_data import build

YEAR = 2021
MINE = [
    "Bài học thứ nhất do cán bộ viết: phải giao chỉ tiêu cụ thể cho từng cơ quan ngay từ đầu năm.",
    "Bài học thứ hai do cán bộ viết: số liệu phải được đối chiếu với cơ quan thống kê trước khi tổng hợp.",
]


def test_lessons_edited_on_the_page_replace_the_drafts_in_the_review(page, catalogue):  # noqa: F811
    c, zones = page
    build(zones, catalogue, [YEAR])
    drafted = prepare(zones, catalogue, YEAR, "mid-term").draft["lessons"]
    assert drafted  # the review drafts lessons of its own
    review = c.get(f"/editorial?year={YEAR}&kind=mid-term").text
    assert 'id="ed-lessons"' in review and "Bài học kinh nghiệm" in review and drafted[0] in review
    # The annual report has no such section, and refuses one.
    assert 'id="ed-lessons"' not in c.get(f"/editorial?year={YEAR}&kind=annual").text
    r = c.post(
        "/editorial/save", data={"year": str(YEAR), "kind": "annual", "section": "lessons", "text": "x"}
    )
    assert r.status_code == 400

    r = c.post(
        "/editorial/save",
        data={"year": str(YEAR), "kind": "mid-term", "section": "lessons", "text": "\n".join(MINE)},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "saved=lessons" in r.headers["location"]
    state = editorial.load(zones, YEAR, "mid-term")
    assert state.sections["lessons"].text == MINE and state.sections["lessons"].by == "Nguyễn Thị Lan"
    shown = c.get(f"/editorial?year={YEAR}&kind=mid-term&saved=lessons").text
    assert "Đã lưu mục “Bài học kinh nghiệm”" in shown and MINE[0] in shown

    r = c.post("/editorial/generate", data={"year": str(YEAR), "kind": "mid-term"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    made = r.headers["location"].split("made=")[1].split("&")[0]
    text = all_text(Document(zones.reports(YEAR) / made))
    assert all(line in text for line in MINE)
    assert not any(line in text for line in drafted)


def test_keep_all_freezes_the_drafted_lessons_too(page, catalogue):  # noqa: F811
    c, zones = page
    build(zones, catalogue, [YEAR])
    drafted = prepare(zones, catalogue, YEAR, "final").draft["lessons"]
    r = c.post("/editorial/keep", data={"year": str(YEAR), "kind": "final", "section": "all"})
    assert r.status_code == 200
    kept = editorial.load(zones, YEAR, "final").sections["lessons"]
    assert kept.how == editorial.KEPT and kept.text == drafted
