"""Unit tests of the TFP engine (nscl.analysis.tfp) and the STI share (nscl.analysis.tfp_sti)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from nscl.analysis.tfp import (
    TfpInputError,
    TfpParameters,
    capital_stock,
    compute_tfp,
    default_periods,
    sensitivity,
    sensitivity_frame,
)
from nscl.analysis.tfp_sti import sti_share, sti_share_from_result, t_critical_95

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "unit" / "data" / "tfp"
DOC = ROOT / "docs" / "tfp.md"
EXAMPLE = ROOT / "docs" / "tfp_example.csv"

YEAR_KEYS = {
    "year",
    "capital_stock",
    "growth_output",
    "growth_capital",
    "growth_labour",
    "contribution_capital_pp",
    "contribution_labour_pp",
    "contribution_tfp_pp",
    "share_tfp_pct",
    "share_capital_pct",
    "share_labour_pct",
}


def given_capital() -> pd.DataFrame:
    return pd.read_csv(DATA / "given_capital.csv")


def test_hand_computed_year_with_given_capital():
    # 2021: Y +10%, K +10%, L +2%; bK = 0.4 -> K 4.0 pp, L 1.2 pp, TFP 4.8 pp = 48 % of growth.
    res = compute_tfp(given_capital())
    y21, y22 = res.years
    assert y21["year"] == 2021
    assert y21["growth_output"] == pytest.approx(10.0)
    assert y21["contribution_capital_pp"] == pytest.approx(4.0)
    assert y21["contribution_labour_pp"] == pytest.approx(1.2)
    assert y21["contribution_tfp_pp"] == pytest.approx(4.8)
    assert y21["share_tfp_pct"] == pytest.approx(48.0)
    assert y22["growth_capital"] == pytest.approx(7.0)
    assert y22["share_tfp_pct"] == pytest.approx(44.0)
    assert res.parameters["initial_capital_method"] == "given"


def test_period_uses_average_annual_growth_from_base_year():
    res = compute_tfp(given_capital(), periods=[(2021, 2022)])
    p = res.period(2021, 2022)
    gy = (115.5 / 100.0) ** 0.5 - 1
    gk = (235.4 / 200.0) ** 0.5 - 1
    gl = (51.0 / 50.0) ** 0.5 - 1
    assert p["growth_output"] == pytest.approx(gy * 100)
    assert p["contribution_tfp_pp"] == pytest.approx((gy - 0.4 * gk - 0.6 * gl) * 100)
    assert p["n_years"] == 2


def test_period_mean_of_years_alternative():
    res = compute_tfp(given_capital(), TfpParameters(period_method="mean_of_years"), periods=[(2021, 2022)])
    p = res.periods[0]
    assert p["contribution_tfp_pp"] == pytest.approx((4.8 + 2.2) / 2)
    assert p["growth_output"] == pytest.approx(7.5)


def test_log_growth_option():
    res = compute_tfp(given_capital(), TfpParameters(growth="log"))
    assert res.years[0]["growth_output"] == pytest.approx(math.log(1.1) * 100)


def test_to_dict_has_exactly_the_json_shape():
    d = compute_tfp(given_capital()).to_dict()
    assert set(d) == {"parameters", "years", "periods"}
    for key in ("capital_share", "depreciation", "initial_capital_method", "growth"):
        assert key in d["parameters"]
    assert YEAR_KEYS <= set(d["years"][0])
    assert {"from", "to", *(YEAR_KEYS - {"year", "capital_stock"})} <= set(d["periods"][0])


def test_labour_share_column_uses_tornqvist_average():
    df = given_capital().assign(labour_share=[0.6, 0.5, 0.5])
    res = compute_tfp(df)
    # 2021: bL = (0.6 + 0.5) / 2 = 0.55 -> bK = 0.45
    assert res.years[0]["capital_share"] == pytest.approx(0.45)
    assert res.years[0]["contribution_capital_pp"] == pytest.approx(4.5)
    assert res.years[0]["contribution_labour_pp"] == pytest.approx(1.1)
    assert res.parameters["capital_share"] == pytest.approx((0.45 + 0.5) / 2)
    assert "labour_share" in res.parameters["capital_share_source"]


def test_perpetual_inventory_harberger_start():
    params = TfpParameters(depreciation=0.05, initial_growth_years=2)
    y = [100.0, 110.0, 121.0]
    inv = [30.0, 32.0, 35.0]
    k = capital_stock(inv, y, params)
    k_prev = 30.0 / (0.10 + 0.05)  # g = 10 % over the first two years
    k0 = 0.95 * k_prev + 30.0
    assert k[0] == pytest.approx(k0)
    assert k[1] == pytest.approx(0.95 * k0 + 32.0)
    assert k[2] == pytest.approx(0.95 * k[1] + 35.0)


def test_perpetual_inventory_capital_output_ratio_start():
    params = TfpParameters(initial_capital_method="capital_output_ratio", capital_output_ratio=2.0)
    k = capital_stock([30.0, 32.0], [100.0, 110.0], params)
    assert k[0] == pytest.approx(0.95 * 200.0 + 30.0)


def test_burn_in_years_are_not_reported():
    res = compute_tfp(pd.read_csv(EXAMPLE))
    assert [r["year"] for r in res.years] == [2021, 2022, 2023, 2024, 2025]
    assert [(p["from"], p["to"]) for p in res.periods] == [(2021, 2025)]


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.read_csv(DATA / "bad_negative.csv"), "Năm 2023: GRDP phải là số dương"),
        (pd.DataFrame({"year": [2020, 2021], "grdp": [1.0, 2.0], "employment": [1.0, 1.0]}), "Thiếu cột"),
        (given_capital().assign(year=[2020, 2020, 2022]), "Năm bị trùng: 2020"),
        (given_capital().assign(year=[2019, 2020, 2022]), "thiếu năm 2021"),
        (given_capital().assign(employment=[50.0, None, 51.0]), "Năm 2021: thiếu hoặc sai giá trị lao động"),
        (given_capital().assign(labour_share=[0.6, 1.2, 0.5]), "Năm 2021: tỷ phần lao động"),
        (
            given_capital().drop(columns="capital_stock").assign(investment=["30", "x", "35"]),
            "Năm 2021: thiếu hoặc sai giá trị vốn đầu tư",
        ),
    ],
)
def test_input_errors_are_clear(frame, message):
    with pytest.raises(TfpInputError, match=re.escape(message)):
        compute_tfp(frame)


def test_investment_not_needed_with_given_capital():
    base = compute_tfp(given_capital())
    for frame in (given_capital().drop(columns="investment"), given_capital().assign(investment="x")):
        res = compute_tfp(frame)
        assert res.years == base.years and res.parameters["initial_capital_method"] == "given"


def test_not_enough_history_for_capital_stock():
    df = pd.read_csv(EXAMPLE).head(6)  # 2015-2020: 5 burn-in years + 1
    with pytest.raises(TfpInputError, match="Không đủ số liệu để dựng tài sản vốn"):
        compute_tfp(df)
    assert compute_tfp(df, TfpParameters(burn_in_years=2)).years[0]["year"] == 2018


def test_invalid_period_and_parameters():
    with pytest.raises(TfpInputError, match="Giai đoạn 2019-2022 không hợp lệ"):
        compute_tfp(given_capital(), periods=[(2019, 2022)])
    with pytest.raises(TfpInputError):
        TfpParameters(capital_share=1.2)
    with pytest.raises(TfpInputError):
        TfpParameters(growth="annual")


def test_zero_growth_gives_no_share_and_a_warning():
    df = given_capital().assign(grdp=[100.0, 100.0, 105.0])
    res = compute_tfp(df)
    assert res.years[0]["share_tfp_pct"] is None
    assert any("không tính được tỷ trọng" in w for w in res.warnings)


def test_default_periods():
    assert default_periods(range(2021, 2030)) == [(2021, 2025), (2026, 2029), (2021, 2029)]
    assert default_periods(range(2021, 2026)) == [(2021, 2025)]
    assert default_periods(range(2023, 2028)) == [(2023, 2025), (2026, 2027), (2023, 2027)]
    assert default_periods(range(2016, 2021)) == [(2016, 2020)]
    assert default_periods([]) == []


def test_sensitivity_grid():
    rows = sensitivity(pd.read_csv(EXAMPLE), capital_shares=(0.3, 0.4, 0.5), depreciations=(0.03, 0.1))
    assert len(rows) == 6
    assert {(r["from"], r["to"]) for r in rows} == {(2021, 2025)}
    base = compute_tfp(pd.read_csv(EXAMPLE)).period(2021, 2025)
    match = [r for r in rows if r["capital_share"] == 0.4 and r["depreciation"] == 0.03]
    assert match[0]["share_tfp_pct"] != pytest.approx(base["share_tfp_pct"], abs=1e-12)
    frame = sensitivity_frame(rows)
    assert frame.shape == (3, 2)
    # Capital grows faster than labour here, so a higher capital share leaves less to TFP.
    assert frame.loc[0.3, 0.03] > frame.loc[0.4, 0.03] > frame.loc[0.5, 0.03]


def _doc_table() -> list[list[str]]:
    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- worked-example:start -->")[1].split("<!-- worked-example:end -->")[0]
    rows = [line for line in block.splitlines() if line.startswith("|")][2:]
    return [[c.strip() for c in line.strip("|").split("|")] for line in rows]


def _num(text: str) -> float:
    return float(text.replace(".", "").replace(",", "."))


def test_worked_example_in_doc_matches_engine():
    res = compute_tfp(pd.read_csv(EXAMPLE))
    table = _doc_table()
    by_label = {r[0]: r for r in table}
    expected_rows = [(str(r["year"]), r) for r in res.years] + [
        (f"{p['from']}-{p['to']}", p) for p in res.periods
    ]
    assert len(table) == len(expected_rows)
    for label, row in expected_rows:
        cells = by_label[label]
        fields = ("growth_output", "growth_capital", "growth_labour", "contribution_capital_pp",
                  "contribution_labour_pp", "contribution_tfp_pp", "share_tfp_pct")  # fmt: skip
        for cell, f in zip(cells[1:], fields, strict=True):
            assert _num(cell) == pytest.approx(row[f], abs=0.006), (label, f)


def test_sti_share_recovers_known_coefficient():
    rng = np.random.default_rng(7)
    years = np.arange(2016, 2026)
    rd = np.linspace(0.3, 1.2, 10)
    g = 1.0 + 2.0 * rd + rng.normal(0, 0.05, 10)
    prox = pd.DataFrame({"rd_share": rd}, index=pd.Index(years, name="year"))
    res = sti_share(pd.Series(g, index=prox.index), prox)
    assert res.coefficients["rd_share"] == pytest.approx(2.0, abs=0.2)
    expected = 2.0 * rd.mean() / g.mean() * 100
    assert res.share_pct == pytest.approx(expected, abs=5)
    lo, hi = res.share_ci95_pct
    assert lo < res.share_pct < hi
    assert "nhân quả" in res.caveat_vi and "10 quan sát" in res.caveat_vi
    assert res.to_dict()["method"] == "ols_second_stage"
    sub = sti_share(pd.Series(g, index=prox.index), prox, years=range(2021, 2026))
    assert sub.years == [2021, 2022, 2023, 2024, 2025]


def test_sti_share_refuses_too_many_proxies():
    prox = pd.DataFrame(np.random.default_rng(1).normal(size=(8, 3)), columns=["a", "b", "c"])
    with pytest.raises(TfpInputError, match="Quá ít quan sát"):
        sti_share(np.ones(8), prox)


def test_sti_share_from_engine_result():
    df = pd.read_csv(EXAMPLE)
    df["rd_share"] = np.linspace(0.2, 0.7, len(df))
    res = compute_tfp(df, TfpParameters(burn_in_years=1))
    sti = sti_share_from_result(res, df, ["rd_share"], period=(2021, 2025))
    assert sti.n_obs == 9 and sti.years == [2021, 2022, 2023, 2024, 2025]
    assert t_critical_95(7) == pytest.approx(2.365)
    assert t_critical_95(1000) == pytest.approx(1.96)
