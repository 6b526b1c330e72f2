"""Territories of the TFP inputs and the 2025 merger of provinces.

On 1 July 2025 Hưng Yên and Thái Bình became one province named Hưng Yên (Resolution
202/2025/QH15). The statistics office's series are given per territory: each former province
(``hung_yen_cu``, ``thai_binh_cu``) and, where published, the merged province (``hung_yen``).
A report for a year before 2025 is about the province of that time; from 2025 it is about the
merged province, whose series is the sum of the former provinces' (docs/tfp.md, section 8).

A series that changes boundary shows as a jump in employment (and GRDP) that no real year has:
:func:`series_breaks` finds it, so that growth is never computed across two provinces.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

MERGER_YEAR = 2025  # first year reported for the merged province


@dataclass(frozen=True)
class Territory:
    code: str
    name_vi: str
    components: tuple[str, ...] = ()  # a merged territory: the territories it is the sum of
    boundary_vi: str = ""  # how a report names the boundary its figures are for


TERRITORIES: dict[str, Territory] = {
    t.code: t
    for t in (
        Territory("hung_yen_cu", "Hưng Yên (cũ)", (), "tỉnh Hưng Yên theo địa giới trước ngày 01/7/2025"),
        Territory("thai_binh_cu", "Thái Bình (cũ)", (), "tỉnh Thái Bình theo địa giới trước ngày 01/7/2025"),
        Territory(
            "hung_yen",
            "Hưng Yên (sau hợp nhất)",
            ("hung_yen_cu", "thai_binh_cu"),
            "toàn tỉnh Hưng Yên theo địa giới sau hợp nhất (từ ngày 01/7/2025)",
        ),
    )
}


def territory_name(code: str) -> str:
    t = TERRITORIES.get(code)
    return t.name_vi if t else code


def boundary_text(code: str) -> str:
    t = TERRITORIES.get(code)
    return t.boundary_vi if t and t.boundary_vi else f"địa bàn {code}"


def territory_code(text: object) -> str | None:
    """The code of a territory given by its code or its Vietnamese name (None if unknown)."""
    if text is None:
        return None
    s = " ".join(str(text).split())
    if not s:
        return None
    for t in TERRITORIES.values():
        if s.lower() in (t.code, t.name_vi.lower()):
            return t.code
    return None


def reported_territory(year: int) -> str:
    """The province a report of ``year`` is about."""
    return "hung_yen" if year >= MERGER_YEAR else "hung_yen_cu"


def workbook_territories(year: int) -> list[str]:
    """Territories whose series the statistics office's workbook of ``year`` asks for."""
    if year >= MERGER_YEAR:
        return ["hung_yen_cu", "thai_binh_cu", "hung_yen"]
    return ["hung_yen_cu"]


# A year whose employment changes by more than this (log difference, about +22 % / -18 %) is a
# break: a province's employed population moves by a few percent a year, while a merger of two
# provinces of comparable size moves it by tens of percent. GRDP at constant prices must then
# also move by more than BREAK_MIN_GRDP_JUMP (log), so that a labour-survey revision alone is not
# taken for a boundary change; a GRDP jump above BREAK_GRDP_JUMP alone is one as well.
BREAK_EMPLOYMENT_JUMP = 0.2
BREAK_MIN_GRDP_JUMP = 0.1
BREAK_GRDP_JUMP = 0.4


def series_breaks(
    years: Sequence[int], grdp: Sequence[float], employment: Sequence[float]
) -> list[tuple[int, float, float]]:
    """Years where the series jumps as a change of boundary does: (year, GRDP growth %,
    employment growth %) for each, compared with the year before."""
    out = []
    for i in range(1, len(years)):
        try:
            dy = math.log(float(grdp[i]) / float(grdp[i - 1]))
            dl = math.log(float(employment[i]) / float(employment[i - 1]))
        except (TypeError, ValueError, ZeroDivisionError):
            continue
        if (abs(dl) > BREAK_EMPLOYMENT_JUMP and abs(dy) > BREAK_MIN_GRDP_JUMP) or abs(dy) > BREAK_GRDP_JUMP:
            out.append((int(years[i]), (math.exp(dy) - 1) * 100, (math.exp(dl) - 1) * 100))
    return out
