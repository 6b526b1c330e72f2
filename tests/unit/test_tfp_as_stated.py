"""TFP as stated (issue 22, item 2): the sensitivity table is centred on the capital shares the
headline was computed with (those of the input-output tables, year by year), contains them
exactly, its centre cell is the headline, the range it states contains the headline, and the
method note gives the shares actually used for the years shown."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from nscl.analysis.tfp import TfpParameters, sensitivity_around
from nscl.reporting.tfp_tables import sensitivity_pieces, tfp_pieces

YEARS = np.arange(2014, 2026)
GROWTH = [1.0, 1.08, 1.07, 1.09, 1.075, 1.06, 1.072, 1.085, 1.07, 1.08, 1.09, 1.065]


def _inputs(tables: dict[int, tuple[int, float]]) -> pd.DataFrame:
    n = len(YEARS)
    frame = pd.DataFrame(
        {
            "year": YEARS,
            "grdp": 50_000 * np.cumprod(GROWTH),
            "capital_stock": 120_000 * 1.085 ** np.arange(n),
            "employment": 680 * 1.008 ** np.arange(n),
            "io_year": np.nan,
            "labour_share": np.nan,
        }
    )
    for row_year, (io_year, share) in tables.items():
        frame.loc[frame.year == row_year, ["io_year", "labour_share"]] = [io_year, share]
    return frame


def _by_hand(frame: pd.DataFrame, first: int, last: int, bk: dict[int, float]) -> float:
    """TFP share of growth (%) over first..last by average annual growth, bK the mean of the years'."""
    s = frame.set_index("year")
    n = last - first + 1
    g = {
        c: (s.loc[last, c] / s.loc[first - 1, c]) ** (1 / n) - 1
        for c in ("grdp", "capital_stock", "employment")
    }
    a = float(np.mean([bk[y] for y in range(first, last + 1)]))
    tfp = g["grdp"] - a * g["capital_stock"] - (1 - a) * g["employment"]
    return tfp / g["grdp"] * 100


def test_the_grid_is_centred_on_the_io_shares_used_and_its_centre_is_the_headline():
    # bL 0.49 from the 2020 table: bK 0.51 for 2021-2025 (the case of the issue: 0,51 not 0,50).
    frame = _inputs({2014: (2016, 0.505), 2020: (2020, 0.49)})
    grid = sensitivity_around(frame, (2021, 2025), TfpParameters())
    centre = [g for g in grid if g["used"]]
    assert len(centre) == 1
    assert centre[0]["capital_shares"] == {y: pytest.approx(0.51) for y in range(2021, 2026)}
    assert centre[0]["depreciation"] == 0.05
    headline = _by_hand(frame, 2021, 2025, dict.fromkeys(range(2021, 2026), 0.51))
    assert centre[0]["share_tfp_pct"] == pytest.approx(headline, abs=1e-9)
    # Rows: 0,41 0,46 0,51 0,56 0,61 (the shares used, moved by 0.05 and 0.10).
    assert sorted({round(g["capital_share"], 6) for g in grid}) == [0.41, 0.46, 0.51, 0.56, 0.61]
    off = next(g for g in grid if g["capital_share_offset"] == -0.1 and g["depreciation"] == 0.05)
    assert off["share_tfp_pct"] == pytest.approx(
        _by_hand(frame, 2021, 2025, dict.fromkeys(range(2021, 2026), 0.41)), abs=1e-9
    )

    pieces = sensitivity_pieces(grid)
    labels = [r["capital_share"] for r in pieces["sensitivity_rows"]]
    assert labels == ["0,41", "0,46", "0,51 (hệ số đã dùng)", "0,56", "0,61"]
    row = pieces["sensitivity_rows"][2]
    printed = f"{headline:.1f}".replace(".", ",")
    assert row["d2"] == printed  # the 5 % column
    lo, hi = re.search(r"khoảng từ ([\d,]+)% đến ([\d,]+)%", pieces["sensitivity_note"]).groups()
    num = lambda t: float(t.replace(",", "."))  # noqa: E731
    assert num(lo) <= num(printed) <= num(hi)


def test_shares_changing_within_the_period_are_moved_year_by_year():
    # 2020 table for 2021-2022 (bK 0.51), 2023 table for 2023-2025 (bK 0.45).
    frame = _inputs({2014: (2016, 0.505), 2020: (2020, 0.49), 2023: (2023, 0.55)})
    bk = {2021: 0.51, 2022: 0.51, 2023: 0.45, 2024: 0.45, 2025: 0.45}
    grid = sensitivity_around(frame, (2021, 2025), TfpParameters())
    centre = next(g for g in grid if g["used"])
    assert centre["share_tfp_pct"] == pytest.approx(_by_hand(frame, 2021, 2025, bk), abs=1e-9)
    up = next(g for g in grid if g["capital_share_offset"] == 0.05 and g["depreciation"] == 0.05)
    assert up["share_tfp_pct"] == pytest.approx(
        _by_hand(frame, 2021, 2025, {y: v + 0.05 for y, v in bk.items()}), abs=1e-9
    )
    labels = [r["capital_share"] for r in sensitivity_pieces(grid)["sensitivity_rows"]]
    assert labels[2] == "Hệ số đã dùng" and labels[0] == "Hệ số đã dùng − 0,10"


def test_the_method_note_gives_the_shares_used_for_the_years_shown():
    from nscl.analysis.tfp import compute_tfp

    frame = _inputs({2014: (2016, 0.505), 2020: (2020, 0.49), 2023: (2023, 0.55)})
    res = compute_tfp(frame, TfpParameters(), periods=[(2021, 2025)])
    tfp = {"available": True, **res.to_dict(), "sensitivity": sensitivity_around(frame, (2021, 2025))}
    pieces = tfp_pieces(tfp, 2025)
    note = pieces["tfp_note"]
    assert "0,51 cho các năm 2021-2022; 0,45 cho các năm 2023-2025" in note
    # The tables in force for the years shown, not those of the burn-in years (2016 table).
    assert "bảng năm 2020 (hệ số co giãn của lao động 0,49) cho các năm 2021-2022" in note
    assert "bảng năm 2023 (hệ số co giãn của lao động 0,55) cho các năm 2023-2025" in note
    assert "2016" not in note
    # The headline (the period's row) is the grid's centre cell, as printed.
    period_row = next(r for r in pieces["tfp_rows"] if r["period"] == "Bình quân 2021-2025")
    centre = next(r for r in pieces["sensitivity_rows"] if r["capital_share"] == "Hệ số đã dùng")
    assert centre["d2"] == period_row["share"]
