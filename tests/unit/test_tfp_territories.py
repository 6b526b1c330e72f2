"""TFP across the 2025 merger (nscl.analysis.territories; docs/tfp.md, section 8).

Two synthetic Cobb-Douglas provinces with known TFP growth. The test computes by itself (own
perpetual inventory, own growth accounting) what the merged boundary's figures must be:

* with a territory column, the merged result equals growth accounting on the summed series
  (capital: each province's own perpetual inventory, summed);
* each territory alone equals its own run, and recovers its known TFP growth;
* the same figures without a territory column, one province before the merger and the sum
  after, are refused with a Vietnamese message naming the break.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nscl.analysis.territories import compute_by_territory
from nscl.analysis.tfp import TfpInputError, TfpParameters, compute_tfp

SETTINGS = settings(max_examples=40, deadline=None)
FIRST = 2010


def _path(draw, n, lo, hi):
    return np.array(draw(st.lists(st.floats(lo, hi), min_size=n - 1, max_size=n - 1)))


@st.composite
def province(draw, n, alpha, scale):
    g_a, g_k, g_l = _path(draw, n, -0.01, 0.04), _path(draw, n, 0.02, 0.12), _path(draw, n, -0.01, 0.03)
    # Levels near a common base times ``scale``, so that ``scale`` is the relative size.
    a0 = draw(st.floats(0.8, 1.25))
    k0, l0 = scale * draw(st.floats(0.9e5, 1.1e5)), scale * draw(st.floats(900, 1100))
    a = a0 * np.concatenate([[1.0], np.cumprod(1 + g_a)])
    k = k0 * np.concatenate([[1.0], np.cumprod(1 + g_k)])
    emp = l0 * np.concatenate([[1.0], np.cumprod(1 + g_l)])
    y = a * k**alpha * emp ** (1 - alpha)
    inv = y * np.array(draw(st.lists(st.floats(0.25, 0.45), min_size=n, max_size=n)))
    years = np.arange(FIRST, FIRST + n)
    return pd.DataFrame(
        {"year": years, "grdp": y, "investment": inv, "employment": emp, "capital_stock": k}
    ), g_a


@st.composite
def two_provinces(draw):
    n = draw(st.integers(8, 16))
    alpha = draw(st.floats(0.25, 0.6))
    a, ga = draw(province(n, alpha, 1.0))
    # Provinces merged in 2025 were of comparable size: the second is 0.3 to 3 times the first.
    b, gb = draw(province(n, alpha, draw(st.floats(0.3, 3.0))))
    return a, b, alpha, ga, gb


def _long(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    return pd.concat(
        [a.assign(territory="hung_yen_cu"), b.assign(territory="thai_binh_cu")], ignore_index=True
    )


def _own_pim(inv, y, d, years_g=5):
    """Harberger start K_{t0-1} = I_t0 / (g + d), g = average GRDP growth of the first years."""
    n = min(years_g, len(y) - 1)
    g = (y[n] / y[0]) ** (1 / n) - 1
    k, out = inv[0] / (g + d), []
    for i_t in inv:
        k = (1 - d) * k + i_t
        out.append(k)
    return np.array(out)


def _own_accounting(y, k, emp, alpha):
    gy, gk, gl = (np.diff(np.log(s)) for s in (y, k, emp))
    return (gy - alpha * gk - (1 - alpha) * gl) * 100


@SETTINGS
@given(two_provinces())
def test_merged_result_is_growth_accounting_on_the_summed_series(case):
    a, b, alpha, ga, gb = case
    params = TfpParameters(capital_share=alpha, growth="log")
    res = compute_tfp(_long(a, b), params)
    assert res.territories == ["hung_yen_cu", "thai_binh_cu"]
    assert res.parameters["boundary"]["code"] == "hung_yen"
    y, k, emp = (a[c].to_numpy() + b[c].to_numpy() for c in ("grdp", "capital_stock", "employment"))
    want = _own_accounting(y, k, emp, alpha)
    np.testing.assert_allclose([r["contribution_tfp_pp"] for r in res.years], want, atol=1e-8)
    np.testing.assert_allclose([r["capital_stock"] for r in res.years], k[1:], rtol=1e-12)
    # Each territory alone: its own run, and its known TFP growth.
    alone = compute_by_territory(_long(a, b), params)
    for code, frame, g in (("hung_yen_cu", a, ga), ("thai_binh_cu", b, gb)):
        own = compute_tfp(frame, params).to_dict()
        assert alone[code]["years"] == own["years"] and alone[code]["periods"] == own["periods"]
        np.testing.assert_allclose(
            [r["contribution_tfp_pp"] for r in own["years"]], np.log1p(g) * 100, atol=1e-8
        )


@SETTINGS
@given(two_provinces(), st.floats(0.03, 0.1))
def test_merged_capital_is_the_sum_of_each_province_own_inventory(case, d):
    a, b, alpha, _, _ = case
    a, b = a.drop(columns="capital_stock"), b.drop(columns="capital_stock")
    params = TfpParameters(capital_share=alpha, depreciation=d, burn_in_years=2)
    res = compute_tfp(_long(a, b), params)
    k = _own_pim(a["investment"].to_numpy(), a["grdp"].to_numpy(), d) + _own_pim(
        b["investment"].to_numpy(), b["grdp"].to_numpy(), d
    )
    y, emp = (
        a["grdp"].to_numpy() + b["grdp"].to_numpy(),
        a["employment"].to_numpy() + b["employment"].to_numpy(),
    )
    got = {r["year"]: r for r in res.years}
    for i in range(3, len(y)):  # burn-in: the first two growth years are not reported
        r = got[FIRST + i]
        assert r["capital_stock"] == pytest.approx(k[i], rel=1e-12)
        gy, gk, gl = y[i] / y[i - 1] - 1, k[i] / k[i - 1] - 1, emp[i] / emp[i - 1] - 1
        assert r["contribution_tfp_pp"] == pytest.approx((gy - alpha * gk - (1 - alpha) * gl) * 100, abs=1e-9)
    # Negative control: PIM on the summed investment starts from another initial stock when the
    # provinces' early growth differs, so summing each province's own inventory is not vacuous.
    g = [(f["grdp"].iloc[5] / f["grdp"].iloc[0]) ** 0.2 for f in (a, b)]
    ratio = [f["investment"].iloc[0] / k for f, k in ((a, _own_pim(a["investment"].to_numpy(), a["grdp"].to_numpy(), d)[0]),
                                                      (b, _own_pim(b["investment"].to_numpy(), b["grdp"].to_numpy(), d)[0]))]  # fmt: skip
    if abs(g[0] - g[1]) > 1e-3 and abs(ratio[0] - ratio[1]) > 1e-3:
        summed = pd.DataFrame(
            {"year": a["year"], "grdp": y, "investment": a["investment"] + b["investment"], "employment": emp}
        )
        other = compute_tfp(summed, params).years
        assert (
            abs(other[0]["capital_stock"] - res.years[0]["capital_stock"])
            > 1e-9 * res.years[0]["capital_stock"]
        )


@SETTINGS
@given(two_provinces(), st.data())
def test_a_series_mixing_boundaries_is_refused(case, data):
    a, b, alpha, _, _ = case
    n = len(a)
    m = data.draw(st.integers(1, n - 1))  # first year of the merged figures
    mixed = a.copy()
    for c in ("grdp", "investment", "employment", "capital_stock"):
        mixed.loc[m:, c] = a.loc[m:, c] + b.loc[m:, c]
    year = FIRST + m
    with pytest.raises(TfpInputError, match=re.escape(f"năm {year} so với năm {year - 1}")) as exc:
        compute_tfp(mixed.drop(columns="capital_stock"), TfpParameters(burn_in_years=0))
    assert "hai địa giới hành chính khác nhau" in str(exc.value) and "territory" in str(exc.value)
    # The same figures, each with its territory, are accepted.
    assert compute_tfp(_long(a, b), TfpParameters(capital_share=alpha)).years


def test_merged_figures_after_the_former_provinces_end():
    """2025-2026 given only for the merged province: its figures continue the summed series."""
    years = np.arange(2010, 2027)
    n = len(years)
    a = pd.DataFrame({"year": years, "grdp": 100 * 1.07 ** np.arange(n), "investment": 35 * 1.08 ** np.arange(n),
                      "employment": 600 * 1.01 ** np.arange(n)})  # fmt: skip
    b = a.assign(grdp=a["grdp"] * 0.8, investment=a["investment"] * 0.7, employment=a["employment"] * 1.4)
    full = compute_tfp(_long(a, b), TfpParameters())
    head = _long(a[a.year <= 2024], b[b.year <= 2024])
    tail = (a[a.year >= 2025].set_index("year") + b[b.year >= 2025].set_index("year")).reset_index()
    inputs = pd.concat([head, tail.assign(territory="hung_yen")], ignore_index=True)
    res = compute_tfp(inputs, TfpParameters())
    assert res.parameters["boundary"]["merged_figure_years"] == [2025, 2026]
    for x, y in zip(full.years, res.years, strict=True):
        assert y["capital_stock"] == pytest.approx(x["capital_stock"], rel=1e-12)
        assert y["contribution_tfp_pp"] == pytest.approx(x["contribution_tfp_pp"], abs=1e-9)
    assert "sau hợp nhất" in res.parameters["boundary"]["note_vi"]


def test_a_missing_former_province_is_named():
    a = pd.DataFrame({"year": range(2010, 2020), "grdp": np.linspace(100, 200, 10), "investment": 40.0,
                      "employment": 600.0, "territory": "hung_yen_cu"})  # fmt: skip
    merged = a.assign(territory="hung_yen")
    with pytest.raises(TfpInputError, match="Thiếu số liệu của Thái Bình \\(cũ\\)"):
        compute_tfp(pd.concat([a, merged]), TfpParameters())
    assert math.isfinite(compute_tfp(a, TfpParameters()).years[0]["contribution_tfp_pp"])


ROOT = Path(__file__).resolve().parents[2]


def _doc_rows(marker: str) -> dict[str, list[float]]:
    text = (ROOT / "docs" / "tfp.md").read_text(encoding="utf-8")
    block = text.split(f"<!-- {marker}:start -->")[1].split(f"<!-- {marker}:end -->")[0]
    lines = [line for line in block.splitlines() if line.startswith("|")][2:]
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in lines]
    return {c[0]: [float(x.replace(",", ".")) for x in c[1:]] for c in cells}


def test_merger_worked_example_in_doc():
    """docs/tfp.md, section 8.1: the table equals the engine, and 2021 equals the test's own
    arithmetic on the CSV (each province's own inventory, summed; bK = 0.4)."""
    frame = pd.read_csv(ROOT / "docs" / "tfp_merger_example.csv")
    doc = _doc_rows("merger-example")
    res = compute_tfp(frame)
    fields = ("growth_output", "growth_capital", "growth_labour", "contribution_capital_pp",
              "contribution_labour_pp", "contribution_tfp_pp", "share_tfp_pct")  # fmt: skip
    rows = [(str(r["year"]), r) for r in res.years] + [(f"{p['from']}-{p['to']}", p) for p in res.periods]
    assert sorted(doc) == sorted(label for label, _ in rows)
    for label, row in rows:
        for got, f in zip(doc[label], fields, strict=True):
            assert got == pytest.approx(row[f], abs=0.006), (label, f)
    parts = [frame[frame.territory == t].set_index("year") for t in ("hung_yen_cu", "thai_binh_cu")]
    k = sum(_own_pim(p["investment"].to_numpy(), p["grdp"].to_numpy(), 0.05) for p in parts)
    y = sum(p["grdp"].to_numpy() for p in parts)
    emp = sum(p["employment"].to_numpy() for p in parts)
    i = 6  # 2021
    gy, gk, gl = (y[i] / y[i - 1] - 1) * 100, (k[i] / k[i - 1] - 1) * 100, (emp[i] / emp[i - 1] - 1) * 100
    tfp = gy - 0.4 * gk - 0.6 * gl
    assert doc["2021"] == pytest.approx([gy, gk, gl, 0.4 * gk, 0.6 * gl, tfp, tfp / gy * 100], abs=0.006)
    merged = frame[frame.territory == "hung_yen"].set_index("year").loc[2025]
    assert merged["grdp"] == pytest.approx(y[10]) and merged["employment"] == pytest.approx(emp[10])
