"""Reliability of the STI share of TFP growth (nscl.analysis.tfp_sti; docs/tfp.md, section 5.1)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from nscl.analysis.tfp import TfpParameters, compute_tfp
from nscl.analysis.tfp_sti import (
    MAX_CI_WIDTH_PP,
    MIN_PROXY_CV,
    _unreliability_reasons,
    sti_share,
    sti_share_from_result,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "tfp_example.csv"
YEARS = pd.Index(np.arange(2016, 2026), name="year")


def _fit(g: np.ndarray, proxy: np.ndarray, name: str = "rd_share", **kw):
    prox = pd.DataFrame({name: proxy}, index=YEARS)
    return sti_share(pd.Series(g, index=YEARS), prox, **kw)


def test_degenerate_proxy_is_flagged_not_reliable():
    """R&D/GRDP almost constant (CV ~0.1 %): the OLS share is absurd and must be flagged."""
    rng = np.random.default_rng(3)
    rd = 0.5 + rng.normal(0.0, 0.0005, 10)
    g = 2.0 + rng.normal(0.0, 1.0, 10)
    res = _fit(g, rd)
    assert res.proxy_cv["rd_share"] < MIN_PROXY_CV
    assert res.share_pct is not None and abs(res.share_pct) > 100  # kept as computed
    assert res.reliable is False
    note = res.reliability_note_vi
    assert note.startswith("KHÔNG ĐỦ TIN CẬY ĐỂ CÔNG BỐ")
    assert "chi nghiên cứu và phát triển/GRDP gần như không thay đổi" in note
    assert "ngoài khoảng hợp lý 0-100%" in note
    assert "khoảng tin cậy 95% chứa 0" in note
    # A report that prints only the caveat still shows the warning.
    assert res.caveat_vi.startswith(note) and "nhân quả" in res.caveat_vi
    d = res.to_dict()
    assert d["reliable"] is False and d["reliability_note_vi"] == note
    assert d["proxy_cv"]["rd_share"] == pytest.approx(res.proxy_cv["rd_share"])


def test_constant_proxy_is_flagged():
    g = 2.0 + np.random.default_rng(5).normal(0.0, 0.5, 10)
    res = _fit(g, np.full(10, 0.4))
    assert res.proxy_cv["rd_share"] == 0.0
    assert res.reliable is False
    assert "gần như không thay đổi" in res.reliability_note_vi


# Well-identified case: g_A = a + b * x + e, x from 0.3 to 1.2 (CV about 38 %), sd(e) = 0.05 pp.
# True STI share = b * mean(x) / (a + b * mean(x)) = 2 * 0.75 / 2.5 = 60 %. Its standard error is
# 100 * sd(e) / (mean g * CV * sqrt(n - 1)) = 100 * 0.05 / (2.5 * 0.383 * 3) = 1.7 pp, so a
# tolerance of 6 pp (about 3.5 standard errors) holds for any reasonable seed.
TRUE_SHARE = 60.0
SHARE_TOLERANCE_PP = 6.0


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4, 7, 11])
def test_well_identified_share_is_reliable_and_recovered(seed):
    rd = np.linspace(0.3, 1.2, 10)
    g = 1.0 + 2.0 * rd + np.random.default_rng(seed).normal(0.0, 0.05, 10)
    res = _fit(g, rd)
    assert res.reliable is True, res.reliability_note_vi
    assert res.share_pct == pytest.approx(TRUE_SHARE, abs=SHARE_TOLERANCE_PP)
    lo, hi = res.share_ci95_pct
    assert 0 < lo < res.share_pct < hi <= 100 and hi - lo < MAX_CI_WIDTH_PP
    assert res.reliability_note_vi.startswith("Ước lượng đạt các tiêu chí tin cậy tối thiểu")
    assert not res.caveat_vi.startswith("KHÔNG ĐỦ TIN CẬY")
    assert res.to_dict()["reliable"] is True


def test_share_standard_error_formula_in_doc():
    """docs/tfp.md 5.1: se(share) = 100 * sigma / (|mean g| * CV * sqrt(n - 1)) with one proxy."""
    rng = np.random.default_rng(9)
    rd = rng.uniform(0.2, 0.8, 10)
    g = 1.0 + 1.5 * rd + rng.normal(0.0, 0.3, 10)
    res = _fit(g, rd)
    resid = g - res.coefficients["const"] - res.coefficients["rd_share"] * rd
    sigma = math.sqrt(float(resid @ resid) / res.residual_df)
    se = 100 * sigma / (abs(res.mean_tfp_growth_pp) * res.proxy_cv["rd_share"] * math.sqrt(9))
    lo, hi = res.share_ci95_pct
    assert (hi - lo) / 2 / 2.306 == pytest.approx(se, rel=1e-3)  # t_0.975 with 8 df


def test_negative_association_is_flagged_out_of_range():
    rd = np.linspace(0.3, 1.2, 10)
    g = 4.0 - 2.0 * rd + np.random.default_rng(2).normal(0.0, 0.05, 10)
    res = _fit(g, rd)
    assert res.share_pct < 0 and res.share_ci95_pct[1] < 0
    assert res.reliable is False
    assert "ngoài khoảng hợp lý" in res.reliability_note_vi
    assert "gần như không thay đổi" not in res.reliability_note_vi


def test_unrelated_proxy_ci_contains_zero():
    rng = np.random.default_rng(4)
    rd = np.linspace(0.3, 1.2, 10)
    g = 2.0 + rng.normal(0.0, 1.0, 10)
    res = _fit(g, rd)
    lo, hi = res.share_ci95_pct
    assert lo < 0 < hi
    assert res.reliable is False
    assert "không có ý nghĩa thống kê" in res.reliability_note_vi


def test_non_positive_mean_tfp_growth_is_flagged():
    rd = np.linspace(0.3, 1.2, 10)
    g = -3.0 + 2.0 * rd + np.random.default_rng(1).normal(0.0, 0.05, 10)
    res = _fit(g, rd)
    assert res.mean_tfp_growth_pp < 0
    assert res.reliable is False
    assert "không dương" in res.reliability_note_vi


@pytest.mark.parametrize(
    ("share", "ci", "expected"),
    [
        (50.0, (30.0, 70.0), []),
        (50.0, (-5.0, 105.0), ["vượt ngưỡng 100 điểm", "chứa 0"]),
        (80.0, (20.0, 140.0), ["vượt ngưỡng 100 điểm"]),
        (120.0, (110.0, 130.0), ["ngoài khoảng hợp lý"]),
        (30.0, (-10.0, 70.0), ["chứa 0"]),
    ],
)
def test_each_rule(share, ci, expected):
    reasons = _unreliability_reasons({"rd_share": 0.3}, 2.0, share, ci)
    assert len(reasons) == len(expected)
    for reason, text in zip(reasons, expected, strict=True):
        assert text in reason


def test_engine_result_carries_reliability():
    df = pd.read_csv(EXAMPLE)
    df["rd_share"] = 0.5 + 1e-4 * (np.arange(len(df)) % 2)  # practically constant
    res = compute_tfp(df, TfpParameters(burn_in_years=1))
    sti = sti_share_from_result(res, df, ["rd_share"], period=(2021, 2025)).to_dict()
    assert sti["reliable"] is False and "gần như không thay đổi" in sti["reliability_note_vi"]
