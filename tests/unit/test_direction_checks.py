"""Issue 24: the staff's to-do list names a year where the direction register and the returns
disagree on conferences: a "hội nghị"/"hội thảo" in the register while the indicator of
conferences counts none that year, or the reverse. Year data built here, no consolidation."""

from __future__ import annotations

import pandas as pd
from nscl.reporting.checks import direction_checks
from nscl.reporting.yeardata import YearData
from nscl.store.direction import Entry

DOC = Entry(
    "document", "", "Sở Khoa học và Công nghệ", "về việc tổ chức hội nghị phổ biến Kế hoạch", "9/SKHCN-TĐC"
)


def year_data(year: int, values: dict[str, dict[str, float]], entries: list[Entry]) -> YearData:
    """``values``: agency -> indicator -> the year's figure; ``entries``: the register (dated in
    ``year``)."""
    ivals = pd.DataFrame(
        [
            {"year": year, "agency_code": a, "sha256": a, "indicator": k, "value": v}
            for a, by in values.items()
            for k, v in by.items()
        ]
    )
    dated = [Entry(**{**e.__dict__, "date": e.date or f"{year}-09-24"}) for e in entries]
    return YearData(year, {}, None, {"indicator_values": ivals}, dated)


def meeting(summary: str, kind: str = "meeting") -> Entry:
    return Entry(kind, "", "Sở Khoa học và Công nghệ", summary)


def test_a_conference_in_the_register_where_the_returns_count_none(catalogue):
    data = [
        year_data(
            2021,
            {"SKHCN": {"HOI_THAO": 0.0}, "SCT": {"HOI_THAO": 0.0}},
            [meeting("tổ chức hội nghị phổ biến Kế hoạch số 101/KH-UBND"), DOC],
        )
    ]
    found = direction_checks(catalogue, data)
    assert [(c.id, c.kind) for c in found] == [("direction:2021:HOI_THAO", "contradiction")]
    assert "24/09/2021" in found[0].detail and "hội nghị phổ biến" in found[0].detail
    assert "chưa tổ chức hội nghị" in found[0].detail  # the first year's words, as the report says it
    assert "direction/2021.yaml" in found[0].sources[0]


def test_the_returns_count_a_conference_the_register_does_not_hold(catalogue):
    data = [
        year_data(
            2022,
            {"SKHCN": {"HOI_THAO": 1.0}, "SCT": {"HOI_THAO": 0.0}},
            [
                meeting("tổ chức buổi làm việc với doanh nghiệp nhỏ và vừa"),
                meeting("kiểm tra", "inspection"),
                DOC,
            ],
        )
    ]
    found = direction_checks(catalogue, data)
    assert [c.id for c in found] == ["direction:2022:HOI_THAO"]
    assert "01 hội nghị" in found[0].detail and "Sở Khoa học và Công nghệ báo cáo" in found[0].detail
    assert "Sở Công Thương" not in found[0].detail  # it counted none


def test_agreeing_years_and_unreported_indicators_are_not_listed(catalogue):
    data = [
        year_data(2022, {"SKHCN": {"HOI_THAO": 1.0}}, [meeting("tổ chức hội thảo về năng suất chất lượng")]),
        year_data(2023, {"SKHCN": {"HOI_THAO": 0.0}}, [meeting("tổ chức buổi làm việc với doanh nghiệp")]),
        # the indicator of review conferences is not asked before 2025: nothing to compare
        year_data(
            2024,
            {"SKHCN": {"HOI_THAO": 0.0}},
            [meeting("dự hội nghị tổng kết công tác năm của Bộ Khoa học và Công nghệ")],
        ),
        # a register nobody keeps yet: nothing in section I to contradict
        year_data(2026, {"SKHCN": {"HOI_THAO": 2.0}}, []),
    ]
    assert direction_checks(catalogue, data) == []


def test_the_mid_term_conference_is_counted_apart(catalogue):
    sktk = meeting("tổ chức hội nghị sơ kết 05 năm thực hiện Kế hoạch")
    agree = year_data(2025, {"SKHCN": {"HOI_THAO": 0.0, "HOI_NGHI_SKTK": 1.0}}, [sktk])
    assert direction_checks(catalogue, [agree]) == []
    # the conference counted as a workshop: the review conference missing from its indicator
    wrong = year_data(2025, {"SKHCN": {"HOI_THAO": 1.0, "HOI_NGHI_SKTK": 0.0}}, [sktk])
    assert sorted(c.id for c in direction_checks(catalogue, [wrong])) == [
        "direction:2025:HOI_NGHI_SKTK",
        "direction:2025:HOI_THAO",
    ]
