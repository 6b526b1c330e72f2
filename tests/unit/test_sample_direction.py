"""Issue 24: the sample register of directing documents and activities agrees with the sample
returns. A conference or workshop in the register in a year whose returns count none (the 2021
"hội nghị phổ biến" against "chưa tổ chức hội nghị"), or the reverse, is a contradiction the reader
finds; so is the lead agency writing of a workshop, conference or study tour its figure denies."""

from __future__ import annotations

import re

import pytest
from nscl.forms import sample
from nscl.forms.workbook import FIRST_DATA_ROW, SHEET_INDICATORS, SHEET_TASKS
from nscl.store import direction

YEARS = range(2021, 2026)
CONFERENCE = re.compile(r"\bhội (nghị|thảo)\b", re.IGNORECASE)
REVIEW = re.compile(r"\b(sơ kết|tổng kết)\b", re.IGNORECASE)
TOUR = re.compile(r"học tập kinh nghiệm", re.IGNORECASE)
# The lead's task, and the indicators that count its product (the appendix's quantities).
PRODUCTS = {
    "I.4": ("CG_NSCL", "CG_DANHGIA"),
    "I.5": ("LOP_DAOTAO_TRUONG",),
    "I.6": ("HOI_THAO",),
    "I.7": ("HOI_NGHI_SKTK",),
    "III.6": ("TOCHUC_TUVAN",),
    "V.1": ("DOT_HOCTAP",),
}


@pytest.fixture(scope="module")
def returns(catalogue):
    """year -> (indicator -> province total, task -> the lead's (status, result))."""
    out = {}
    for year in YEARS:
        totals: dict[str, float] = {}
        lead: dict[str, tuple[str, str]] = {}
        for exp in catalogue.expected_reporters(year):
            if exp.tfp_inputs:
                continue
            wb = sample.fill_workbook(exp, year, catalogue)
            for i, ind in enumerate(exp.indicators):
                v = wb[SHEET_INDICATORS].cell(row=FIRST_DATA_ROW + i, column=8).value
                if isinstance(v, (int, float)):
                    totals[ind.code] = totals.get(ind.code, 0) + v
            if exp.agency.code == "SKHCN":
                for i, task in enumerate(exp.tasks):
                    ws = wb[SHEET_TASKS]
                    lead[task.code] = (
                        str(ws.cell(row=FIRST_DATA_ROW + i, column=6).value),
                        str(ws.cell(row=FIRST_DATA_ROW + i, column=7).value),
                    )
        out[year] = (totals, lead)
    return out


def _activities(year: int) -> list[str]:
    return [e.summary for e in direction.sample_entries(year) if e.kind != "document"]


def test_the_register_holds_a_conference_exactly_in_the_years_the_returns_count_one(returns):
    for year in YEARS:
        totals, _ = returns[year]
        held = [s for s in _activities(year) if CONFERENCE.search(s)]
        reviews = [s for s in held if REVIEW.search(s)]
        others = [s for s in held if not REVIEW.search(s)]
        assert bool(others) == (totals.get("HOI_THAO", 0) > 0), (year, others, totals.get("HOI_THAO"))
        assert bool(reviews) == (totals.get("HOI_NGHI_SKTK", 0) > 0), (year, reviews)
        tours = [s for s in _activities(year) if TOUR.search(s)]
        assert bool(tours) == (totals.get("DOT_HOCTAP", 0) > 0), (year, tours)
    # the plan's mid-term conference is in 2025, and 2021 (COVID-19) held none
    assert any(REVIEW.search(s) and CONFERENCE.search(s) for s in _activities(2025))
    assert not any(CONFERENCE.search(s) for s in _activities(2021))


def test_the_lead_writes_of_an_activity_only_in_a_year_the_figures_count_one(returns):
    for year in YEARS:
        totals, lead = returns[year]
        for task, indicators in PRODUCTS.items():
            if task not in lead:
                continue
            status, result = lead[task]
            says_none = status in ("Chưa thực hiện", "Không phát sinh") or re.match(
                r"(?i)\s*(chưa|không)\b", result
            )
            counted = sum(totals.get(i, 0) for i in indicators)
            assert bool(says_none) == (counted == 0), (year, task, status, result, counted)


def test_the_register_names_the_units_of_its_time():
    for year in YEARS:
        for e in direction.sample_entries(year):
            if year < 2025:  # Mỹ Hào a thị xã since 2019; no commune of the two-tier government
                assert "huyện Mỹ Hào" not in e.summary
                assert not re.search(r"\b(xã|phường) (Như Quỳnh|Mỹ Hào|Phố Hiến)\b", e.summary), e.summary
            else:
                assert not re.search(r"\bhuyện (Văn Lâm|Yên Mỹ|Khoái Châu|Phù Cừ)\b", e.summary), e.summary


def test_no_task_result_speaks_of_a_conference_in_a_year_without_one(returns):
    for year in YEARS:
        totals, lead = returns[year]
        held = totals.get("HOI_THAO", 0) + totals.get("HOI_NGHI_SKTK", 0)
        for task, (_status, result) in lead.items():
            if CONFERENCE.search(result) and not re.match(r"(?i)\s*chưa\b", result):
                assert held > 0, (year, task, result)
