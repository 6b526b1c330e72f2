"""The TFP engine's core: parameters, checked inputs, perpetual inventory and growth accounting
on the prepared series of one boundary. ``nscl.analysis.tfp`` is the public entry point (it
re-exports these names); the method is described there and in ``docs/tfp.md``.

Longer than 400 lines because the engine is one piece of mathematics (inputs, capital by
perpetual inventory, growth accounting, periods) whose parts share its parameters and are
checked together by the property tests.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

REQUIRED_COLUMNS = ("year", "grdp", "investment", "employment")
OPTIONAL_COLUMNS = ("capital_stock", "labour_share", "io_year")
GROWTH_KINDS = ("discrete", "log")
INITIAL_CAPITAL_METHODS = ("growth", "capital_output_ratio")
PERIOD_METHODS = ("average_growth", "mean_of_years")
# The plan's reporting periods (Plan 101/KH-UBND, appendix IV.1).
PLAN_PERIODS: tuple[tuple[int, int], ...] = ((2021, 2025), (2026, 2029))

COLUMN_LABELS_VI = {
    "grdp": "GRDP",
    "investment": "vốn đầu tư",
    "employment": "lao động",
    "capital_stock": "tài sản vốn (capital_stock)",
    "labour_share": "tỷ phần lao động (labour_share)",
    "io_year": "năm bảng I/O (io_year)",
}

RESULT_FIELDS = (
    "growth_output",
    "growth_capital",
    "growth_labour",
    "contribution_capital_pp",
    "contribution_labour_pp",
    "contribution_tfp_pp",
    "share_capital_pct",
    "share_labour_pct",
    "share_tfp_pct",
)


class TfpInputError(ValueError):
    """The yearly inputs cannot be used; the message (in Vietnamese) says which year and why."""


@dataclass(frozen=True)
class TfpParameters:
    """Every choice of the growth-accounting method.

    capital_share: output elasticity of capital bK (bL = 1 - bK). GSO takes it from the latest
        input-output table; default 0.4, see docs/tfp.md. Ignored for a year when the inputs give
        a ``labour_share``.
    depreciation: geometric depreciation rate d of the perpetual inventory method.
    initial_capital_method: "growth" (Harberger: K_{t0-1} = I_t0 / (g + d), g = average GRDP
        growth over the first ``initial_growth_years`` years) or "capital_output_ratio"
        (K_{t0-1} = capital_output_ratio * Y_t0). Reported as "given" when a capital stock is
        supplied.
    growth: "discrete" (y_t / y_{t-1} - 1, as GSO's "tốc độ tăng") or "log" (ln y_t - ln y_{t-1}).
    burn_in_years: years at the start of the series used only to build the capital stock; no
        result is reported for them (their capital growth is mostly the initial assumption).
        Not applied when a capital stock is supplied.
    initial_growth_years: years of GRDP growth averaged for the Harberger g.
    capital_output_ratio: K/Y used by the "capital_output_ratio" method.
    period_method: "average_growth" (growth accounting on average annual growth over the
        period) or "mean_of_years" (arithmetic mean of the yearly contributions).
    """

    capital_share: float = 0.4
    depreciation: float = 0.05
    initial_capital_method: str = "growth"
    growth: str = "discrete"
    burn_in_years: int = 5
    initial_growth_years: int = 5
    capital_output_ratio: float = 2.0
    period_method: str = "average_growth"

    def __post_init__(self) -> None:
        if not 0.0 < self.capital_share < 1.0:
            raise TfpInputError(
                f"Tỷ phần vốn (capital_share) phải nằm trong (0, 1), nhận {self.capital_share}"
            )
        if not 0.0 <= self.depreciation < 1.0:
            raise TfpInputError(
                f"Tỷ lệ khấu hao (depreciation) phải nằm trong [0, 1), nhận {self.depreciation}"
            )
        if self.initial_capital_method not in INITIAL_CAPITAL_METHODS:
            raise TfpInputError(
                f"Phương pháp vốn ban đầu không hợp lệ: {self.initial_capital_method!r} "
                f"(chọn một trong {', '.join(INITIAL_CAPITAL_METHODS)})"
            )
        if self.growth not in GROWTH_KINDS:
            raise TfpInputError(f"Cách tính tăng trưởng không hợp lệ: {self.growth!r} (discrete hoặc log)")
        if self.period_method not in PERIOD_METHODS:
            raise TfpInputError(f"Cách tính giai đoạn không hợp lệ: {self.period_method!r}")
        if self.burn_in_years < 0 or self.initial_growth_years < 1:
            raise TfpInputError("Số năm khởi tạo vốn phải không âm và số năm tính g phải ≥ 1")
        if self.capital_output_ratio <= 0:
            raise TfpInputError("Hệ số vốn/sản lượng (capital_output_ratio) phải là số dương")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TfpResult:
    """Results: ``years`` and ``periods`` are lists of dicts (keys as in the JSON output)."""

    parameters: dict[str, Any]
    years: list[dict[str, Any]]
    periods: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)
    # Territories summed into the reported boundary; None when the inputs have no territory column.
    territories: list[str] | None = None
    # The boundary's series over every input year (year, grdp, employment, capital_stock and,
    # when built by perpetual inventory, investment), for the analyst's export.
    series: dict[str, list[Any]] = field(default_factory=dict)

    def to_dict(self, ndigits: int | None = None) -> dict[str, Any]:
        """The JSON object of ``nscl tfp --json``: parameters, years, periods (and territories
        when the inputs have a territory column)."""

        def rnd(row: dict[str, Any]) -> dict[str, Any]:
            if ndigits is None:
                return dict(row)
            return {k: (round(v, ndigits) if isinstance(v, float) else v) for k, v in row.items()}

        out: dict[str, Any] = {
            "parameters": dict(self.parameters),
            "years": [rnd(r) for r in self.years],
            "periods": [rnd(r) for r in self.periods],
        }
        if self.territories is not None:
            out["territories"] = list(self.territories)
        return out

    def period(self, start: int, end: int) -> dict[str, Any]:
        for row in self.periods:
            if row["from"] == start and row["to"] == end:
                return row
        raise KeyError((start, end))


# --------------------------------------------------------------------------- inputs


def _check_inputs(inputs: pd.DataFrame, where: str = "") -> pd.DataFrame:
    """The checked table (known columns, consecutive years, valid numbers). ``where`` (e.g. a
    territory's name) prefixes every message."""
    try:
        return _check_table(inputs)
    except TfpInputError as exc:
        if where:
            raise TfpInputError(f"{where}: {exc}") from None
        raise


def _check_table(inputs: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(inputs, pd.DataFrame):
        raise TfpInputError("Dữ liệu đầu vào phải là một bảng (DataFrame)")
    cols = {str(c).strip().lower(): c for c in inputs.columns}
    # With a supplied capital stock the perpetual inventory is skipped, so investment is not needed.
    given_k = "capital_stock" in cols and not inputs[cols["capital_stock"]].isna().all()
    required = [c for c in REQUIRED_COLUMNS if not (given_k and c == "investment")]
    missing = [c for c in required if c not in cols]
    if missing:
        raise TfpInputError(
            "Thiếu cột bắt buộc: " + ", ".join(missing) + " (cần year, grdp, investment, employment)"
        )
    keep = [c for c in (*required, *OPTIONAL_COLUMNS) if c in cols]
    df = inputs[[cols[c] for c in keep]].copy()
    df.columns = keep
    # Optional columns that are entirely empty are treated as absent.
    for c in OPTIONAL_COLUMNS:
        if c in df.columns and df[c].isna().all():
            df = df.drop(columns=c)
    if len(df) == 0:
        raise TfpInputError("Bảng số liệu đầu vào trống")

    years = pd.to_numeric(df["year"], errors="coerce")
    if years.isna().any() or (years != years.round()).any():
        raise TfpInputError("Cột year phải là số năm nguyên (ví dụ 2021)")
    df["year"] = years.astype(int)
    dup = sorted(df["year"][df["year"].duplicated()].unique())
    if dup:
        raise TfpInputError("Năm bị trùng: " + ", ".join(map(str, dup)))
    df = df.sort_values("year").reset_index(drop=True)
    gaps = [y for y in range(df["year"].iloc[0], df["year"].iloc[-1] + 1) if y not in set(df["year"])]
    if gaps:
        raise TfpInputError("Chuỗi năm không liên tục: thiếu năm " + ", ".join(map(str, gaps)))

    # With io_year, labour_share is given only on the rows that name an input-output table.
    io_mode = "io_year" in df.columns
    for c in df.columns:
        if c == "year":
            continue
        values = pd.to_numeric(df[c], errors="coerce")
        label = COLUMN_LABELS_VI[c]
        for year, raw, v in zip(df["year"], df[c], values, strict=True):
            if io_mode and c in ("labour_share", "io_year") and (raw is None or pd.isna(raw) or raw == ""):
                continue
            if c == "io_year":
                if pd.isna(v) or v != round(v) or not 1950 <= v <= 2100:
                    raise TfpInputError(f"Năm {year}: {label} phải là một năm (ví dụ 2016), nhận {raw!r}")
                continue
            if pd.isna(v) or not math.isfinite(float(v)):
                raise TfpInputError(f"Năm {year}: thiếu hoặc sai giá trị {label} ({raw!r})")
            if c == "labour_share":
                if not 0.0 < v < 1.0:
                    raise TfpInputError(f"Năm {year}: {label} phải nằm trong khoảng (0, 1), nhận {v}")
            elif v <= 0:
                raise TfpInputError(f"Năm {year}: {label} phải là số dương (nhận {v})")
        df[c] = values.astype(float)
    return df


def _growth(series: np.ndarray, kind: str) -> np.ndarray:
    if kind == "log":
        return np.diff(np.log(series))
    return series[1:] / series[:-1] - 1.0


def _average_growth(first: float, last: float, n: int, kind: str) -> float:
    if kind == "log":
        return (math.log(last) - math.log(first)) / n
    return (last / first) ** (1.0 / n) - 1.0


def capital_stock(
    investment: Sequence[float], grdp: Sequence[float], params: TfpParameters = TfpParameters()
) -> np.ndarray:
    """Perpetual inventory: K_t = (1-d) K_{t-1} + I_t, with the initial stock of ``params``."""
    inv = np.asarray(investment, dtype=float)
    y = np.asarray(grdp, dtype=float)
    d = params.depreciation
    if params.initial_capital_method == "growth":
        n = min(params.initial_growth_years, len(y) - 1)
        if n < 1:
            raise TfpInputError("Cần ít nhất 2 năm GRDP để ước tính vốn ban đầu theo phương pháp tăng trưởng")
        g = (y[n] / y[0]) ** (1.0 / n) - 1.0
        if g + d <= 0.005:
            raise TfpInputError(
                f"Không ước tính được vốn ban đầu: tăng trưởng GRDP bình quân những năm đầu ({g:.2%}) "
                f"cộng tỷ lệ khấu hao ({d:.2%}) quá nhỏ; hãy dùng capital_output_ratio hoặc cung cấp "
                "cột capital_stock"
            )
        k_prev = inv[0] / (g + d)
    else:
        k_prev = params.capital_output_ratio * y[0]
    out = np.empty_like(inv)
    for t, i_t in enumerate(inv):
        k_prev = (1.0 - d) * k_prev + i_t
        out[t] = k_prev
    return out


def _shares(row: dict[str, Any]) -> None:
    g = row["growth_output"]
    if g is None or abs(g) < 1e-12:
        row["share_capital_pct"] = row["share_labour_pct"] = row["share_tfp_pct"] = None
        return
    row["share_capital_pct"] = row["contribution_capital_pp"] / g * 100.0
    row["share_labour_pct"] = row["contribution_labour_pp"] / g * 100.0
    row["share_tfp_pct"] = row["contribution_tfp_pp"] / g * 100.0


def _account(gy: float, gk: float, gl: float, alpha: float) -> dict[str, Any]:
    """Growth accounting on growth rates in percent."""
    gy, gk, gl, alpha = float(gy), float(gk), float(gl), float(alpha)
    row: dict[str, Any] = {
        "growth_output": gy,
        "growth_capital": gk,
        "growth_labour": gl,
        "capital_share": alpha,
        "contribution_capital_pp": alpha * gk,
        "contribution_labour_pp": (1.0 - alpha) * gl,
    }
    row["contribution_tfp_pp"] = gy - row["contribution_capital_pp"] - row["contribution_labour_pp"]
    _shares(row)
    return row


def default_periods(years: Iterable[int]) -> list[tuple[int, int]]:
    """The plan's periods (2021-2025, 2026-2029) clipped to ``years``, then the whole span."""
    ys = sorted(set(int(y) for y in years))
    if not ys:
        return []
    first, last = ys[0], ys[-1]
    out: list[tuple[int, int]] = []
    for a, b in PLAN_PERIODS:
        lo, hi = max(a, first), min(b, last)
        if lo <= hi and (lo, hi) not in out:
            out.append((lo, hi))
    if (first, last) not in out:
        out.append((first, last))
    return out


def _enough_history(df: pd.DataFrame, params: TfpParameters) -> None:
    burn_in, n = params.burn_in_years, len(df)
    if n < burn_in + 2:
        raise TfpInputError(
            f"Không đủ số liệu để dựng tài sản vốn: cần ít nhất {burn_in + 2} năm liên tiếp "
            f"({burn_in} năm khởi tạo vốn và 2 năm để tính tăng trưởng), hiện có {n} năm "
            f"({df['year'].iloc[0]}-{df['year'].iloc[-1]}). Hãy bổ sung số liệu các năm trước, "
            "giảm burn_in_years hoặc cung cấp cột capital_stock."
        )


def account_series(
    years_all: np.ndarray,
    y: np.ndarray,
    k: np.ndarray,
    emp: np.ndarray,
    shares: Any,
    params: TfpParameters,
    periods: list[tuple[int, int]] | None,
    given_k: bool,
) -> TfpResult:
    """Growth accounting on prepared series of one boundary (``shares``: a
    :class:`nscl.analysis.tfp_shares.Shares`)."""
    burn_in = 0 if given_k else params.burn_in_years
    n = len(years_all)
    if n < burn_in + 2:
        raise TfpInputError(
            f"Cần ít nhất {burn_in + 2} năm số liệu liên tiếp để tính tăng trưởng (có {n} năm)"
        )
    alpha_t = shares.alpha
    gy = _growth(y, params.growth) * 100.0
    gk = _growth(k, params.growth) * 100.0
    gl = _growth(emp, params.growth) * 100.0

    warnings: list[str] = []
    year_rows: list[dict[str, Any]] = []
    for i in range(burn_in, n - 1):
        row = {"year": int(years_all[i + 1]), "capital_stock": float(k[i + 1])}
        row.update(_account(float(gy[i]), float(gk[i]), float(gl[i]), float(alpha_t[i])))
        if row["share_tfp_pct"] is None:
            warnings.append(f"Năm {row['year']}: GRDP không tăng, không tính được tỷ trọng đóng góp")
        elif row["growth_output"] < 0:
            warnings.append(f"Năm {row['year']}: GRDP giảm, tỷ trọng đóng góp cần được diễn giải thận trọng")
        year_rows.append(row)

    reported = [r["year"] for r in year_rows]
    wanted = default_periods(reported) if periods is None else [(int(a), int(b)) for a, b in periods]
    index = {int(yr): i for i, yr in enumerate(years_all)}
    period_rows: list[dict[str, Any]] = []
    for a, b in wanted:
        if a > b or a not in reported or b not in reported:
            raise TfpInputError(
                f"Giai đoạn {a}-{b} không hợp lệ: các năm có kết quả là {reported[0]}-{reported[-1]}"
            )
        i0, i1 = index[a] - 1, index[b]  # base year is the year before the period's first year
        m = i1 - i0
        alpha = float(np.mean(alpha_t[i0:i1]))
        if params.period_method == "average_growth":
            row = _account(
                _average_growth(y[i0], y[i1], m, params.growth) * 100.0,
                _average_growth(k[i0], k[i1], m, params.growth) * 100.0,
                _average_growth(emp[i0], emp[i1], m, params.growth) * 100.0,
                alpha,
            )
        else:
            sel = [r for r in year_rows if a <= r["year"] <= b]
            row = {f: float(np.mean([r[f] for r in sel])) for f in RESULT_FIELDS[:6]}
            row["capital_share"] = alpha
            _shares(row)
        period_rows.append({"from": a, "to": b, "n_years": m, **row})

    parameters = params.to_dict()
    if given_k:
        parameters["initial_capital_method"] = "given"
        parameters["burn_in_years"] = 0
    reported_alpha = alpha_t[burn_in:]
    parameters.update(shares.describe(reported, reported_alpha, params))
    parameters["first_year"] = int(years_all[0])
    parameters["last_year"] = int(years_all[-1])
    series: dict[str, list[Any]] = {
        "year": [int(v) for v in years_all],
        "grdp": [float(v) for v in y],
        "employment": [float(v) for v in emp],
        "capital_stock": [float(v) for v in k],
        "capital_share": [None, *(float(a) for a in alpha_t)],
    }
    return TfpResult(
        parameters=parameters, years=year_rows, periods=period_rows, warnings=warnings, series=series
    )
