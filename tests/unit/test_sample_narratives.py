"""Issue 24: the sample agencies' narrative sheets ("Thuyết minh") differ by year and speak only of
what had happened by the year's end: 2021 the plan issued mid-year under COVID-19, 2025 the
restructuring, the merger of the province and the two-tier local government (successor agencies
and communes reporting), and no sentence names a later year. Read from the filled workbooks, as
an agency's file would be."""

from __future__ import annotations

import re

import pytest
from nscl.forms import sample
from nscl.forms.workbook import FIRST_DATA_ROW, NARRATIVE_FIELDS, SHEET_NARRATIVE

YEARS = range(2021, 2026)
# Words of the 2025 restructuring (merger of provinces, district level abolished on 1 July 2025).
RESTRUCTURING = ("sắp xếp", "hợp nhất", "sáp nhập", "01/7/2025", "1/7/2025", "hai cấp", "cấp xã")
PERIOD = re.compile(r"\b20\d\d\s*[-–]\s*20\d\d\b")  # "2021-2025" is the plan's period, not an event


def _sheets(catalogue, year: int) -> dict[str, dict[str, str]]:
    out = {}
    for exp in catalogue.expected_reporters(year):
        if exp.tfp_inputs:
            continue
        ws = sample.fill_workbook(exp, year, catalogue)[SHEET_NARRATIVE]
        out[exp.agency.code] = {
            code: str(ws.cell(row=FIRST_DATA_ROW + i, column=4).value or "")
            for i, (code, _label) in enumerate(NARRATIVE_FIELDS)
        }
    return out


@pytest.fixture(scope="module")
def sheets(catalogue):
    return {y: _sheets(catalogue, y) for y in YEARS}


def _years_named(text: str) -> set[int]:
    return {int(y) for y in re.findall(r"(?<![\d/])(20\d\d)(?![\d/])", PERIOD.sub("", text))} | {
        int(y) for y in re.findall(r"\d{1,2}/\d{1,2}/(20\d\d)", text)
    }


def test_no_statement_names_a_later_year(sheets):
    for year, by_agency in sheets.items():
        for code, fields in by_agency.items():
            for field, text in fields.items():
                limit = year + 1 if field == "next_year" else year  # next year's tasks name it
                assert all(y <= limit for y in _years_named(text)), (year, code, field, text)


def test_the_restructuring_is_spoken_of_in_2025_only(sheets):
    for year, by_agency in sheets.items():
        words = " ".join(t for f in by_agency.values() for t in f.values()).lower()
        spoken = [w for w in RESTRUCTURING if w in words]
        if year < 2025:
            assert not spoken, (year, spoken)
        else:
            assert len(spoken) >= 3, spoken


def test_each_year_reads_as_its_own(sheets):
    texts = {
        y: {t for f in by_agency.values() for k, t in f.items() if k != "next_year"}
        for y, by_agency in sheets.items()
    }
    for a in YEARS:
        for b in YEARS:
            if a < b:
                assert not texts[a] & texts[b], (a, b, texts[a] & texts[b])
    first = " ".join(texts[2021]).lower()
    assert "101/kh-ubnd" in first and "covid-19" in first  # the plan issued, the epidemic
    assert "covid" not in " ".join(texts[2025]).lower()


def test_successors_say_they_took_over_in_2025(sheets, catalogue):
    by_agency = sheets[2025]
    communes = [c for c in by_agency if catalogue.agency(c).kind == "commune_pc"]
    assert communes
    for code in communes:
        assert "01/7/2025" in by_agency[code]["achievements"], code
        assert "huyện" not in by_agency[code]["achievements"].replace("cấp huyện", ""), code
    # The press merged in 2025 says so; before, the two bodies reported their own work.
    assert "hợp nhất" in by_agency["BPTTH"]["achievements"]
    assert "SKHCN" in by_agency and "sơ kết" in by_agency["SKHCN"]["achievements"]


def test_every_difficulty_gives_its_cause_and_every_proposal_its_addressee(sheets):
    for year, by_agency in sheets.items():
        for code, fields in by_agency.items():
            assert "; nguyên nhân là " in fields["difficulties"], (year, code)
            assert fields["proposals"].startswith("Đề nghị "), (year, code)
            assert all(fields[k].strip() for k in fields), (year, code)


def test_the_sample_is_the_same_every_time(catalogue):
    assert _sheets(catalogue, 2023) == _sheets(catalogue, 2023)
