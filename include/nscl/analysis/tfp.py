"""TFP engine: growth accounting for the province's GRDP, as GSO defines the indicator.

The method (see ``docs/tfp.md`` for sources and a worked example):

* Production function Y = A * K^a * L^(1-a) (Cobb-Douglas, constant returns), so
  g_A = g_Y - a*g_K - (1-a)*g_L  (GSO metadata, "Tốc độ tăng năng suất các nhân tố tổng hợp":
  GA = GY - bK*GK - bL*GL with bK + bL = 1).
* Contribution of a factor in percentage points = its share times its growth; the "tỷ trọng
  đóng góp" (share in growth, %) = contribution / g_Y * 100 (GSO metadata, "Tỷ trọng đóng góp
  của các yếu tố vốn, lao động, TFP vào tốc độ tăng trưởng chung").
* Capital stock by the perpetual inventory method K_t = (1-d)*K_{t-1} + I_t, started from
  K_{t0-1} = I_t0 / (g + d) (Harberger steady state) or from a capital-output ratio, unless a
  capital stock is supplied.
* A period is summarised by the average annual growth of Y, K and L over the period (base year
  = the year before its first year) and the same accounting identity.

Every choice the official method leaves open is a field of :class:`TfpParameters`.
All functions are pure: they take a table and return new objects.

The core (parameters, inputs, perpetual inventory, growth accounting) is in
:mod:`nscl.analysis.tfp_core`, re-exported here; territories in :mod:`nscl.analysis.territories`;
factor shares in :mod:`nscl.analysis.tfp_shares`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from nscl.analysis import territories
from nscl.analysis.tfp_core import (
    COLUMN_LABELS_VI,
    GROWTH_KINDS,
    INITIAL_CAPITAL_METHODS,
    OPTIONAL_COLUMNS,
    PERIOD_METHODS,
    PLAN_PERIODS,
    REQUIRED_COLUMNS,
    RESULT_FIELDS,
    TfpInputError,
    TfpParameters,
    TfpResult,
    account_series,
    capital_stock,
    default_periods,
)

__all__ = [
    "COLUMN_LABELS_VI",
    "DEFAULT_SENSITIVITY_DEPRECIATIONS",
    "DEFAULT_SENSITIVITY_SHARES",
    "GROWTH_KINDS",
    "INITIAL_CAPITAL_METHODS",
    "OPTIONAL_COLUMNS",
    "PERIOD_METHODS",
    "PLAN_PERIODS",
    "REQUIRED_COLUMNS",
    "RESULT_FIELDS",
    "TfpInputError",
    "TfpParameters",
    "TfpResult",
    "account_series",
    "capital_stock",
    "compute_tfp",
    "default_periods",
    "SENSITIVITY_OFFSETS",
    "sensitivity",
    "sensitivity_around",
    "sensitivity_frame",
]


def compute_tfp(
    inputs: pd.DataFrame,
    params: TfpParameters | None = None,
    periods: list[tuple[int, int]] | None = None,
    *,
    boundary: str | None = None,
) -> TfpResult:
    """Growth accounting per year and per period from a table of yearly inputs.

    ``inputs`` has the columns year, grdp (constant prices), investment (constant prices, same
    price base as grdp), employment, and optionally capital_stock (skips the perpetual inventory;
    investment is then not needed and ignored), labour_share (bL by year; bK = 1 - bL) or
    io_year + labour_share (bL of each input-output table, held until the next one; see
    :mod:`nscl.analysis.tfp_shares`) and territory (one series per territory, summed into the
    reported ``boundary``; see :mod:`nscl.analysis.territories`).
    Growth rates and contributions are returned in percent / percentage points. Reported years
    are those with a growth rate after the burn-in; ``periods`` default to
    :func:`default_periods` of those years. A series whose level jumps as a change of boundary
    does (two provinces in one column) is refused.
    """
    params = params or TfpParameters()
    if territories.has_territories(inputs):
        return territories.compute_boundary(inputs, params, periods, boundary)
    return territories.compute_single(inputs, params, periods)


# --------------------------------------------------------------------------- sensitivity

DEFAULT_SENSITIVITY_SHARES: tuple[float, ...] = (0.3, 0.35, 0.4, 0.45, 0.5)
DEFAULT_SENSITIVITY_DEPRECIATIONS: tuple[float, ...] = (0.03, 0.05, 0.07, 0.1)


def sensitivity(
    inputs: pd.DataFrame,
    capital_shares: Sequence[float] = DEFAULT_SENSITIVITY_SHARES,
    depreciations: Sequence[float] = DEFAULT_SENSITIVITY_DEPRECIATIONS,
    period: tuple[int, int] | None = None,
    params: TfpParameters | None = None,
    boundary: str | None = None,
) -> list[dict[str, Any]]:
    """The period result over a grid of capital shares and depreciation rates.

    A ``labour_share`` column is ignored here so that the grid's capital share applies. With a
    given ``capital_stock`` the depreciation rate has no effect (the rows repeat). ``period``
    defaults to the whole span of reported years.
    """
    params = params or TfpParameters()
    base = inputs.drop(
        columns=[c for c in inputs.columns if str(c).strip().lower() in ("labour_share", "io_year")]
    )
    rows: list[dict[str, Any]] = []
    for a in capital_shares:
        for d in depreciations:
            p = TfpParameters(**{**params.to_dict(), "capital_share": float(a), "depreciation": float(d)})
            probe = compute_tfp(base, p, periods=[] if period is None else [period], boundary=boundary)
            span = period or (probe.years[0]["year"], probe.years[-1]["year"])
            res = probe if period is not None else compute_tfp(base, p, periods=[span], boundary=boundary)
            pr = res.periods[0]
            rows.append(
                {
                    "capital_share": float(a),
                    "depreciation": float(d),
                    "from": pr["from"],
                    "to": pr["to"],
                    "growth_output": pr["growth_output"],
                    "growth_capital": pr["growth_capital"],
                    "contribution_tfp_pp": pr["contribution_tfp_pp"],
                    "share_capital_pct": pr["share_capital_pct"],
                    "share_labour_pct": pr["share_labour_pct"],
                    "share_tfp_pct": pr["share_tfp_pct"],
                }
            )
    return rows


def sensitivity_frame(rows: list[dict[str, Any]], value: str = "share_tfp_pct") -> pd.DataFrame:
    """Pivot :func:`sensitivity` rows: capital shares down, depreciation rates across."""
    frame = pd.DataFrame(rows)
    return frame.pivot(index="capital_share", columns="depreciation", values=value)


# Offsets added to the capital share actually used (bK of each year, from the I/O tables or the
# default): the grid of a report is centred on the parameters its headline was computed with.
SENSITIVITY_OFFSETS: tuple[float, ...] = (-0.1, -0.05, 0.0, 0.05, 0.1)


def _shift_shares(
    inputs: pd.DataFrame, offset: float, params: TfpParameters
) -> tuple[pd.DataFrame, TfpParameters]:
    """The inputs and parameters with every year's capital share moved by ``offset``: the
    labour share of every I/O table (or year) lowered by it, else the default capital share
    raised by it. A GRDP-weighted mean of shifted shares is the shifted mean, so territories
    shift alike."""
    cols = {str(c).strip().lower(): c for c in inputs.columns}
    if "labour_share" in cols:
        shifted = inputs.copy()
        col = cols["labour_share"]
        shifted[col] = pd.to_numeric(shifted[col], errors="coerce") - offset
        return shifted, params
    return inputs, TfpParameters(**{**params.to_dict(), "capital_share": params.capital_share + offset})


def sensitivity_around(
    inputs: pd.DataFrame,
    period: tuple[int, int],
    params: TfpParameters | None = None,
    boundary: str | None = None,
    offsets: Sequence[float] = SENSITIVITY_OFFSETS,
    depreciations: Sequence[float] = DEFAULT_SENSITIVITY_DEPRECIATIONS,
) -> list[dict[str, Any]]:
    """The result of ``period`` over capital shares moved by ``offsets`` from those actually
    used (the I/O tables' shares year by year, or the default) and over ``depreciations``
    (the rate used is added when missing). The row with offset 0 and the depreciation used is
    the very computation of :func:`compute_tfp` for that period, so a report's headline equals
    its cell. Each row gives the capital share of every year of the period (``capital_shares``)."""
    params = params or TfpParameters()
    rates = sorted({float(d) for d in depreciations} | {float(params.depreciation)})
    rows: list[dict[str, Any]] = []
    for off in offsets:
        shifted, base = _shift_shares(inputs, float(off), params)
        for d in rates:
            p = TfpParameters(**{**base.to_dict(), "depreciation": d})
            res = compute_tfp(shifted, p, periods=[period], boundary=boundary)
            pr = res.periods[0]
            by_year = {
                int(r["year"]): float(r["capital_share"])
                for r in res.years
                if period[0] <= r["year"] <= period[1]
            }
            rows.append(
                {
                    "capital_share_offset": float(off),
                    "capital_share": pr["capital_share"],
                    "capital_shares": by_year,
                    "depreciation": d,
                    "used": abs(off) < 1e-12 and abs(d - params.depreciation) < 1e-12,
                    "from": pr["from"],
                    "to": pr["to"],
                    "growth_output": pr["growth_output"],
                    "growth_capital": pr["growth_capital"],
                    "contribution_tfp_pp": pr["contribution_tfp_pp"],
                    "share_capital_pct": pr["share_capital_pct"],
                    "share_labour_pct": pr["share_labour_pct"],
                    "share_tfp_pct": pr["share_tfp_pct"],
                }
            )
    return rows
