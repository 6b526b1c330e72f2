"""The draft's sentences as the signer reads them (issue 24): nothing from a later year, causes
placed as objective or subjective, indicators behind schedule in one sentence."""

from __future__ import annotations

import dataclasses

from nscl.analysis.indicators import progress
from nscl.reporting.narrative import behind_sentence, in_time, later_than
from nscl.reporting.synthesis import THEMES, themes_of


def test_a_sentence_from_a_later_year_goes_to_staff():
    kept, withheld = [], []
    texts = [
        "Việc sắp xếp tổ chức bộ máy năm 2025 làm gián đoạn một số hoạt động.",  # names 2025
        "Việc sắp xếp tổ chức bộ máy làm gián đoạn một số hoạt động.",  # the 2025 event, unnamed
        "Triển khai Kế hoạch giai đoạn 2021-2030 đúng tiến độ.",  # a period, not an event
        "Tổ chức 02 lớp tập huấn.",
    ]
    kept = in_time(texts, 2021, withheld)
    assert kept == texts[2:]
    assert len(withheld) == 2 and "năm 2025" in withheld[0] and "không đưa vào báo cáo" in withheld[1]
    assert in_time(texts, 2025, []) == texts  # in 2025 they all stand
    assert later_than("Hội nghị năm 2026", 2025) and not later_than("Hội nghị năm 2025", 2025)


def test_causes_are_placed_objective_or_subjective():
    heads, causes = themes_of(
        "Kinh phí hỗ trợ còn hạn chế so với nhu cầu; nguyên nhân là thiếu cán bộ chuyên trách."
    )
    assert heads == {"budget"} and causes == {"staff"}
    assert THEMES["staff"][3] == "subjective" and THEMES["budget"][3] == "objective"
    assert themes_of("Một việc không thuộc chủ đề nào.") == (set(), set())


def test_indicators_behind_schedule_are_one_sentence(catalogue):
    behind = [p for p in progress(catalogue, 2021, None) if p.ten_year_target][:4]
    behind = [dataclasses.replace(p, ten_year_status="Chậm tiến độ") for p in behind]
    lines = behind_sentence(behind, "năm 2021")
    assert len(lines) == 1 and lines[0].count("Đẩy nhanh") == 1
    assert lines[0].count(";") == len(behind) - 1
    assert "((" not in lines[0] and "))" not in lines[0]
    assert behind_sentence([], "năm 2021") == []


def test_an_abbreviation_is_spelt_out_where_the_assessment_first_uses_it():
    from nscl.reporting.narrative import spell_out_first

    words = "Chương trình mỗi xã một sản phẩm (OCOP)"
    got = spell_out_first(
        {
            "achievements": ["Tập huấn cho cán bộ.", "Hỗ trợ chủ thể OCOP nâng hạng sản phẩm."],
            "difficulties": ["Sản phẩm OCOP còn ít."],
            "proposals": [],
        }
    )
    assert got["achievements"] == [
        "Tập huấn cho cán bộ.",
        f"Hỗ trợ chủ thể thuộc {words} nâng hạng sản phẩm.",
    ]
    assert got["difficulties"] == ["Sản phẩm OCOP còn ít."]  # spelt out once, where first used
    assert spell_out_first({"achievements": ["Triển khai Chương trình OCOP."]})["achievements"] == [
        f"Triển khai {words}."
    ]
    already = [f"Triển khai {words} tại 10 xã."]
    assert spell_out_first({"achievements": already})["achievements"] == already
