"""Issue 24: the sample returns place supported enterprises in the administrative units of their
year. Before 1 July 2025 former Hưng Yên had ten district-level units (Mỹ Hào a thị xã since
2019, Hưng Yên a thành phố, the eight others huyện) with their communes, wards and towns; from 1
July 2025 the district level is gone and a return names the new commune or ward alone."""

from __future__ import annotations

import pytest
from nscl.forms import sample
from nscl.forms.workbook import FIRST_DATA_ROW, SHEET_ENTERPRISES

# Written here, not read from the code: the district-level units of former Hưng Yên in 2021-2024
# and, in each, commune-level units that existed throughout those years.
DISTRICTS_2021_2024 = {
    "thành phố Hưng Yên": {"Phường Hiến Nam", "Phường Lê Lợi", "Phường Quang Trung", "Phường Lam Sơn"},
    "thị xã Mỹ Hào": {"Phường Bần Yên Nhân", "Phường Phùng Chí Kiên", "Phường Nhân Hòa"},
    "huyện Văn Lâm": {"Thị trấn Như Quỳnh"},
    "huyện Văn Giang": {"Thị trấn Văn Giang"},
    "huyện Yên Mỹ": {"Thị trấn Yên Mỹ"},
    "huyện Khoái Châu": {"Thị trấn Khoái Châu"},
    "huyện Kim Động": {"Thị trấn Lương Bằng"},
    "huyện Ân Thi": {"Thị trấn Ân Thi"},
    "huyện Phù Cừ": {"Thị trấn Trần Cao"},
    "huyện Tiên Lữ": {"Thị trấn Vương"},
}
# Communes and wards from 1 July 2025 that the sample may name (the registry's reporting communes).
UNITS_FROM_JULY_2025 = {
    "Phường Phố Hiến", "Phường Mỹ Hào", "Xã Như Quỳnh", "Xã Văn Giang", "Xã Yên Mỹ",
    "Xã Khoái Châu", "Xã Ân Thi", "Xã Lương Bằng", "Xã Tiên Lữ", "Xã Trần Cao",
}  # fmt: skip
DISTRICT_WORDS = ("huyện", "thị xã", "thị trấn", "thành phố")


def _placed(catalogue, year: int) -> list[tuple[str, str]]:
    """(reporting agency, locality) of every enterprise the year's sample returns list."""
    out = []
    for exp in catalogue.expected_reporters(year):
        if exp.tfp_inputs:
            continue
        ws = sample.fill_workbook(exp, year, catalogue)[SHEET_ENTERPRISES]
        r = FIRST_DATA_ROW
        while ws.cell(row=r, column=2).value:
            out.append((exp.agency.code, str(ws.cell(row=r, column=4).value)))
            r += 1
    return out


def _localities(catalogue, year: int) -> list[str]:
    return [place for _, place in _placed(catalogue, year)]


@pytest.mark.parametrize("year", [2021, 2022, 2023, 2024])
def test_before_the_merger_a_locality_is_a_unit_of_its_time_with_its_district(catalogue, year):
    found = _localities(catalogue, year)
    assert found, "the sample supports enterprises every year"
    for place in found + sample.localities(year):  # drawn, and every one it may draw
        unit, _, district = place.partition(", ")
        assert district in DISTRICTS_2021_2024, place
        assert unit in DISTRICTS_2021_2024[district], place
        assert unit not in UNITS_FROM_JULY_2025, place


def test_from_2025_a_locality_is_a_new_commune_or_ward_alone(catalogue):
    found = _localities(catalogue, 2025)
    assert found
    for place in found + sample.localities(2025):
        assert place in UNITS_FROM_JULY_2025, place
        assert not any(w in place.lower() for w in DISTRICT_WORDS), place


def test_the_years_name_several_places(catalogue):
    # not one place for every enterprise: the sample spreads them over the province
    assert len({p for y in range(2021, 2025) for p in _localities(catalogue, y)}) >= 4


def test_a_local_peoples_committee_supports_enterprises_of_its_own_area(catalogue):
    seen = 0
    for year in range(2021, 2026):
        for code, place in _placed(catalogue, year):
            agency = catalogue.agency(code)
            area = agency.name.removeprefix("UBND ")  # "huyện Tiên Lữ", "xã Khoái Châu"
            if agency.kind == "district_pc":
                assert place.endswith(f", {area}") and area in DISTRICTS_2021_2024, (year, code, place)
                seen += 1
            elif agency.kind == "commune_pc":
                assert place.lower() == area.lower(), (year, code, place)
                seen += 1
    assert seen >= 3  # the sample has local committees supporting enterprises
