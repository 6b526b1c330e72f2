"""Factor shares from input-output tables, held until the next table (nscl.analysis.tfp_shares)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from nscl.analysis.tfp import TfpInputError, compute_tfp

YEARS = np.arange(2015, 2026)


def _frame() -> pd.DataFrame:
    n = len(YEARS)
    return pd.DataFrame(
        {
            "year": YEARS,
            "grdp": 50_000
            * np.cumprod([1.0] + [1.08, 1.07, 1.09, 1.075, 1.06, 1.072, 1.085, 1.07, 1.08, 1.09]),
            "capital_stock": 120_000 * 1.085 ** np.arange(n),
            "employment": 680 * 1.008 ** np.arange(n),
        }
    )


def _declare(frame: pd.DataFrame, tables: dict[int, tuple[int, float]]) -> pd.DataFrame:
    """tables: row year -> (io_year, labour share) written on that row only."""
    out = frame.assign(io_year=np.nan, labour_share=np.nan)
    for row_year, (io_year, share) in tables.items():
        out.loc[out.year == row_year, ["io_year", "labour_share"]] = [io_year, share]
    return out


# Tables 2012 (bL 0.55), 2018 (0.50) and 2022 (0.46), declared on arbitrary rows.
TABLES = {2015: (2012, 0.55), 2019: (2018, 0.50), 2024: (2022, 0.46)}


def _held_bk(year: int) -> float:
    # By hand: the latest table not after the year; bK = 1 - bL.
    return 0.45 if year < 2018 else (0.50 if year < 2022 else 0.54)


def test_io_shares_are_held_from_their_year_until_the_next_table():
    frame = _frame()
    res = compute_tfp(_declare(frame, TABLES))
    y, k, emp = frame["grdp"].to_numpy(), frame["capital_stock"].to_numpy(), frame["employment"].to_numpy()
    assert [r["year"] for r in res.years] == list(YEARS[1:])
    for i, r in enumerate(res.years, start=1):
        bk = _held_bk(int(YEARS[i]))
        assert r["capital_share"] == pytest.approx(bk), r["year"]
        gy, gk, gl = y[i] / y[i - 1] - 1, k[i] / k[i - 1] - 1, emp[i] / emp[i - 1] - 1
        assert r["contribution_tfp_pp"] == pytest.approx((gy - bk * gk - (1 - bk) * gl) * 100, abs=1e-10)
    # No averaging across two tables in the year a new table starts (unlike yearly shares).
    assert res.years[2]["capital_share"] == pytest.approx(0.50)  # 2018
    p = res.parameters
    assert p["capital_share_source"] == "1 - labour_share (io_table)"
    listed = {t["io_year"]: t["years"] for t in p["factor_shares"]["tables"]}
    assert listed == {2012: [2016, 2017], 2018: [2018, 2019, 2020, 2021], 2022: [2022, 2023, 2024, 2025]}
    note = p["factor_shares"]["note_vi"]
    assert "bảng năm 2018 (hệ số của lao động 0,50) cho các năm 2018-2021" in note
    assert "bảng năm 2022 (hệ số của lao động 0,46) cho các năm 2022-2025" in note


def test_period_uses_the_mean_of_the_held_shares():
    res = compute_tfp(_declare(_frame(), TABLES), periods=[(2021, 2025)])
    assert res.periods[0]["capital_share"] == pytest.approx((0.50 + 4 * 0.54) / 5)


def test_the_same_table_on_every_row_gives_the_same_result():
    frame = _frame()
    every = frame.assign(
        io_year=[2012 if y < 2018 else 2018 if y < 2022 else 2022 for y in YEARS],
        labour_share=[0.55 if y < 2018 else 0.50 if y < 2022 else 0.46 for y in YEARS],
    )
    assert compute_tfp(every).years == compute_tfp(_declare(frame, TABLES)).years


def test_without_tables_the_default_is_used_and_said():
    res = compute_tfp(_frame())
    assert all(r["capital_share"] == 0.4 for r in res.years)
    fs = res.parameters["factor_shares"]
    assert fs["source"] == "default" and "mặc định" in fs["note_vi"] and "0,40" in fs["note_vi"]


@pytest.mark.parametrize(
    ("tables", "message"),
    [
        ({2015: (2012, 0.55), 2016: (2012, 0.50)}, "Bảng I/O năm 2012 có hai tỷ phần lao động khác nhau"),
        ({2015: (np.nan, 0.55)}, "Năm 2015: có tỷ phần lao động nhưng không ghi năm của bảng I/O"),
        ({2015: (2012, np.nan)}, "Năm 2015: có năm bảng I/O 2012 nhưng thiếu tỷ phần lao động"),
        ({2015: (2012, 1.3)}, "Năm 2015: tỷ phần lao động (labour_share) phải nằm trong khoảng (0, 1)"),
    ],
)
def test_bad_tables_are_refused(tables, message):
    frame = _declare(_frame(), {2017: (2016, 0.5)})
    for row_year, (io_year, share) in tables.items():
        frame.loc[frame.year == row_year, ["io_year", "labour_share"]] = [io_year, share]
    with pytest.raises(TfpInputError, match=re.escape(message)):
        compute_tfp(frame)


def test_territories_shares_are_weighted_by_grdp():
    a = _declare(_frame(), {2015: (2012, 0.55), 2020: (2020, 0.50)})
    b = _declare(
        _frame().assign(grdp=lambda f: f["grdp"] * np.linspace(0.5, 0.9, len(f))), {2016: (2016, 0.40)}
    )
    res = compute_tfp(pd.concat([a.assign(territory="hung_yen_cu"), b.assign(territory="thai_binh_cu")]))
    for i, r in enumerate(res.years, start=1):
        yr = int(YEARS[i])
        bl_a = 0.55 if yr < 2020 else 0.50
        bl_b = 0.40  # the 2016 table, also for 2015 (the first table is used before its year)
        w = a["grdp"].iloc[i] / (a["grdp"].iloc[i] + b["grdp"].iloc[i])
        assert r["capital_share"] == pytest.approx(1 - (w * bl_a + (1 - w) * bl_b)), yr
    note = res.parameters["factor_shares"]["note_vi"]
    assert "Hưng Yên (cũ): bảng năm 2012" in note and "Thái Bình (cũ): bảng năm 2016" in note
    assert "trọng số là GRDP" in note
