"""Status that means what it says (issue 22, items 3, 4 document side, 6 and 7), on year data
built here: a task is "Hoàn thành" only when the plan's product is achieved, "Chưa đến kỳ" for
an event due later, a yearly deliverable "đã thực hiện năm 2021" until its period ends, the lead
agency's own word quoted as its word; a year whose words contradict its figures prints neither
claim alone; the review's appendix gives each activity once, in order; coordinators are named
with what they did, the statistics office's TFP workbook counting for the TFP task."""

from __future__ import annotations

import pandas as pd
import pytest
from nscl.reporting.figures import indicator_figures
from nscl.reporting.task_views import contradictions
from nscl.reporting.tasks import task_rows
from nscl.reporting.yeardata import YearData, year_progress

STUDY_TOUR = "Tổ chức đoàn học tập kinh nghiệm triển khai Chương trình năng suất chất lượng tại tỉnh bạn."
CLASSES = "Tổ chức các lớp tập huấn về công cụ cải tiến năng suất cho doanh nghiệp."


def year_data(
    year: int,
    values: dict[str, float],
    tasks: dict[str, tuple[str, str]],
    coordinators: dict[str, list[tuple[str, str]]] | None = None,
    tfp: bool = False,
) -> YearData:
    """One year: the lead (SKHCN) reports ``values`` and, per task, (status, result); other
    agencies report ``coordinators`` (task -> [(agency, result)]); ``tfp``: the statistics
    office's TFP workbook was used and TFP computed."""
    ivals = pd.DataFrame(
        [
            {"year": year, "agency_code": "SKHCN", "sha256": "x", "indicator": k, "value": v}
            for k, v in values.items()
        ]
    )
    rows = [
        {
            "year": year,
            "agency_code": "SKHCN",
            "sha256": "x",
            "task": t,
            "status": s,
            "result": r,
            "difficulties": "",
        }
        for t, (s, r) in tasks.items()
    ]
    for t, items in (coordinators or {}).items():
        rows += [
            {
                "year": year,
                "agency_code": a,
                "sha256": "y",
                "task": t,
                "status": "Hoàn thành",
                "result": r,
                "difficulties": "",
            }
            for a, r in items
        ]
    tables = {"indicator_values": ivals, "tasks": pd.DataFrame(rows), "enterprises": pd.DataFrame()}
    if tfp:
        tables["tfp_inputs"] = pd.DataFrame([{"year": year, "agency_code": "CTK", "grdp": 1.0}])
    return YearData(year, {"status": []}, {"available": True} if tfp else None, tables)


def rows_by_task(catalogue, data, first, last):
    prog = year_progress(catalogue, last, data)
    return {
        r["stt"]: r
        for r in task_rows(catalogue, [d for d in data if first <= d.year <= last], first, last, prog)
    }


def test_a_ten_year_count_is_done_only_when_reached(catalogue):
    data = [
        year_data(y, {"LOP_TAPHUAN": 4.0 if y == 2021 else 5.0}, {"I.3": ("Hoàn thành", CLASSES)})
        for y in range(2021, 2026)
    ]
    r2021 = rows_by_task(catalogue, data[:1], 2021, 2021)["I.3"]
    assert r2021["status"].startswith("Đang thực hiện: ") and "năm 2021 có 04 lớp" in r2021["status"]
    assert "45 lớp" in r2021["status"]
    assert "Cơ quan chủ trì tự đánh giá: “Hoàn thành”" in r2021["result"]
    r2025 = rows_by_task(catalogue, data, 2025, 2025)["I.3"]  # 24 of 45
    assert r2025["status"].startswith("Đang thực hiện: ") and "lũy kế 2021-2025 là 24 lớp" in r2025["status"]
    # 45 reached: done, and the lead's word needs no quoting.
    done = [year_data(y, {"LOP_TAPHUAN": 9.0}, {"I.3": ("Hoàn thành", CLASSES)}) for y in range(2021, 2026)]
    r = rows_by_task(catalogue, done, 2025, 2025)["I.3"]
    assert r["status"] == "Hoàn thành" and "tự đánh giá" not in r["result"]


def test_two_conferences_at_one_is_in_progress(catalogue):
    data = [year_data(2021, {"HOI_THAO": 1.0}, {"I.6": ("Hoàn thành", "Tổ chức hội thảo về năng suất.")})]
    assert rows_by_task(catalogue, data, 2021, 2021)["I.6"]["status"].startswith("Đang thực hiện")


def test_an_event_due_later_is_not_due_yet(catalogue):
    data = [year_data(2021, {"HOI_NGHI_SKTK": 0.0}, {})]
    r = rows_by_task(catalogue, data, 2021, 2021)["I.7"]
    assert r["status"].startswith("Chưa đến kỳ")
    fig = next(
        f for f in indicator_figures(year_progress(catalogue, 2021, data)) if f["code"] == "HOI_NGHI_SKTK"
    )
    assert fig["ten_status"] == "Chưa đến kỳ"  # not "Chậm tiến độ"


def test_a_yearly_deliverable_is_done_in_its_year_until_the_period_ends(catalogue):
    every = [year_data(y, {}, {}, tfp=True) for y in range(2021, 2026)]
    fig = {f["code"]: f for f in indicator_figures(year_progress(catalogue, 2021, every[:1]))}
    assert fig["TFP_DOLUONG"]["phase_status"] == "Đã thực hiện năm 2021"
    fig = {f["code"]: f for f in indicator_figures(year_progress(catalogue, 2025, every))}
    assert fig["TFP_DOLUONG"]["phase_status"] == "Đạt"
    gap = [year_data(y, {}, {}, tfp=y != 2023) for y in range(2021, 2026)]
    fig = {f["code"]: f for f in indicator_figures(year_progress(catalogue, 2025, gap))}
    assert fig["TFP_DOLUONG"]["phase_status"] == "Không đạt"


def test_words_against_figures_print_neither_claim_alone(catalogue):
    data = [
        year_data(
            2025,
            {"DOT_HOCTAP": 0.0, "LOP_TAPHUAN": 3.0},
            {"V.1": ("Hoàn thành", STUDY_TOUR), "I.3": ("Hoàn thành", CLASSES)},
        )
    ]
    found = contradictions(catalogue, data)
    assert [(c.task, c.year, c.claims_activity) for c in found] == [("V.1", 2025, True)]
    assert "tỉnh bạn" in found[0].words and "chưa tổ chức thêm đợt" in found[0].figures
    rows = rows_by_task(catalogue, data, 2025, 2025)
    assert "tỉnh bạn" not in rows["V.1"]["result"] and "chưa thống nhất" in rows["V.1"]["result"]
    assert CLASSES in rows["I.3"]["result"]  # words and figures agree: printed
    # The reverse: figures count a tour, the lead says none was held.
    data = [year_data(2025, {"DOT_HOCTAP": 1.0}, {"V.1": ("Chưa thực hiện", "Chưa tổ chức đoàn học tập.")})]
    assert [(c.task, c.claims_activity) for c in contradictions(catalogue, data)] == [("V.1", False)]


def test_the_review_gives_each_activity_once_in_order(catalogue):
    texts = {
        2021: CLASSES,
        2022: CLASSES,
        2023: CLASSES + " Hướng dẫn doanh nghiệp xây dựng tiêu chuẩn cơ sở.",
        2024: CLASSES,
        2025: CLASSES,
    }
    statuses = {
        2021: "Hoàn thành",
        2022: "Đang thực hiện",
        2023: "Hoàn thành",
        2024: "Đang thực hiện",
        2025: "Hoàn thành",
    }
    data = [year_data(y, {"LOP_TAPHUAN": 4.0}, {"I.3": (statuses[y], texts[y])}) for y in range(2021, 2026)]
    r = rows_by_task(catalogue, data, 2021, 2025)["I.3"]
    lines = r["result"].split("\n")
    assert lines[0].startswith("Kết quả 2021-2025:") and "lũy kế 2021-2025 là 20 lớp" in lines[0]
    assert lines[1:] == [
        "Các năm 2021-2025: tổ chức các lớp tập huấn về công cụ cải tiến năng suất cho doanh nghiệp.",
        "Năm 2023: hướng dẫn doanh nghiệp xây dựng tiêu chuẩn cơ sở.",
    ]
    assert r["status"] == "Đang thực hiện"  # one status for the period, from the product (20 of 45)
    assert "hoàn thành" not in r["result"].lower()


@pytest.mark.parametrize("tfp", [True, False])
def test_coordinators_are_named_with_their_contribution(catalogue, tfp):
    data = [
        year_data(
            2025,
            {},
            {"IV.1": ("Hoàn thành", "Tính toán đóng góp của TFP.")},
            {
                "I.3": [
                    ("SCT", "Phối hợp mở lớp cho doanh nghiệp công nghiệp."),
                    ("SYT", "Phối hợp mở lớp cho doanh nghiệp công nghiệp."),
                ]
            },
            tfp=tfp,
        )
    ]
    rows = rows_by_task(catalogue, data, 2025, 2025)
    coord = rows["I.3"]["coordination"]
    assert coord.startswith(
        f"{catalogue.agency('SCT').name}, {catalogue.agency('SYT').name}: phối hợp mở lớp"
    )
    tfp_coord = rows["IV.1"]["coordination"]
    if tfp:
        assert tfp_coord.startswith(catalogue.agency("CTK").name + ": cung cấp số liệu GRDP")
    else:
        assert tfp_coord == "Chưa có báo cáo của cơ quan phối hợp."
