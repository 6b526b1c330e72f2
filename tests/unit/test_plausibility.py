"""Money out of line (issue 22, item 5): each check at its boundary, in Vietnamese."""

from __future__ import annotations

from nscl.intake.plausibility import (
    DONG_THRESHOLD,
    HISTORY_FACTOR,
    NO_ACTIVITY_MIN,
    SHARE_LIMIT,
    money_warnings,
)


def kinds(ws) -> list[str]:
    return sorted(w.kind for w in ws)


def test_spending_with_no_activity():
    ws = money_warnings(2025, "SVHTTDL", {"provincial": 1234.5, "central": 0.0}, activity=0)
    assert kinds(ws) == ["no_activity"]
    assert "1.234,5 triệu đồng" in ws[0].text and "không có hoạt động nào" in ws[0].text
    assert money_warnings(2025, "A", {"provincial": 1234.5}, activity=1) == []
    assert money_warnings(2025, "A", {"provincial": 0.0}, activity=0) == []
    # Coordination work described in words: a small sum passes, a large one does not.
    below = NO_ACTIVITY_MIN - 0.1
    assert money_warnings(2025, "A", {"provincial": below}, activity=0, described=True) == []
    assert kinds(money_warnings(2025, "A", {"provincial": NO_ACTIVITY_MIN}, activity=0, described=True)) == [
        "no_activity"
    ]


def test_far_from_the_agencys_history():
    history = {2022: 20.0, 2023: 30.0, 2024: 40.0}  # median 30
    at = 30.0 * HISTORY_FACTOR
    assert money_warnings(2025, "A", {"provincial": at}, activity=3, history=history) == []
    ws = money_warnings(2025, "A", {"provincial": at + 0.1}, activity=3, history=history)
    assert kinds(ws) == ["far_from_history"] and "trung vị 30,0 triệu đồng" in ws[0].text
    # One earlier year is no history yet; later years do not count.
    assert money_warnings(2025, "A", {"provincial": 5000.0}, activity=3, history={2024: 20.0}) == []
    assert (
        money_warnings(2025, "A", {"provincial": 5000.0}, activity=3, history={2026: 20.0, 2027: 20.0}) == []
    )


def test_one_agency_with_a_large_share_of_the_year():
    # 40 % exactly passes, above it warns; fewer than three agencies with money: no share check.
    totals = {"A": 40.0, "B": 30.0, "C": 30.0}
    assert money_warnings(2025, "A", {"provincial": 40.0}, activity=1, year_totals=totals) == []
    totals = {"A": 40.1, "B": 30.0, "C": 29.9}
    ws = money_warnings(2025, "A", {"provincial": 40.1}, activity=1, year_totals=totals)
    assert kinds(ws) == ["large_share"] and "chiếm 40%" in ws[0].text
    assert SHARE_LIMIT == 0.40
    assert (
        money_warnings(2025, "A", {"provincial": 90.0}, activity=1, year_totals={"A": 90.0, "B": 10.0}) == []
    )


def test_dong_typed_in_a_trieu_column():
    below = DONG_THRESHOLD - 1
    assert money_warnings(2025, "A", {"provincial": below}, activity=1) == []
    assert kinds(money_warnings(2025, "A", {"provincial": DONG_THRESHOLD}, activity=1)) == ["dong_not_trieu"]
    ws = money_warnings(2025, "A", {"provincial": 50_000_000.0}, activity=1)
    assert kinds(ws) == ["dong_not_trieu"] and ws[0].source == "provincial"
    assert "Ngân sách tỉnh" in ws[0].text and "50,0 triệu đồng" in ws[0].text
