"""TFP across a change of boundary: series per territory, summed into the reported boundary.

With a ``territory`` column the inputs hold one series per territory (the former provinces
``hung_yen_cu``, ``thai_binh_cu`` and, where published, the merged ``hung_yen``; see
:mod:`nscl.plan.territories`). For each year the engine builds the series of the reported
boundary (docs/tfp.md, section 8):

* GRDP, investment, employment (and a given capital stock) are summed over the territories
  that form it; in a year where only the merged province's own figures are given, those are
  used (after the former provinces' series end). Where both are given, the sum is used and a
  difference beyond rounding is reported as a warning.
* The capital stock of each former province is built by the perpetual inventory method on its
  own series (its own initial stock), then summed; after the former provinces' series end it
  continues on the merged investment (the inventory is linear, so this is the same sum).
* bL is not summed: the boundary's bL is the territories' bL weighted by GRDP (or the merged
  province's own I/O table, when it gives one).
* A territory's own series, and the boundary's, are refused when they jump as a change of
  boundary does.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from nscl.analysis import tfp_shares
from nscl.analysis.tfp_core import (
    TfpInputError,
    TfpParameters,
    TfpResult,
    _check_inputs,
    _enough_history,
    account_series,
    capital_stock,
)
from nscl.labels import format_vn_number
from nscl.plan.territories import TERRITORIES, boundary_text, series_breaks, territory_code, territory_name

# Where both the former provinces and the merged figure are given, a relative difference above
# this is reported (the statistics office's rounding of a few figures stays far below it).
SUM_TOLERANCE = 0.001


def has_territories(inputs: pd.DataFrame) -> bool:
    cols = {str(c).strip().lower(): c for c in inputs.columns}
    if "territory" not in cols:
        return False
    col = inputs[cols["territory"]]
    return bool(col.notna().any() and (col.astype(str).str.strip() != "").any())


def refuse_breaks(df: pd.DataFrame, where: str | None) -> None:
    """Refuse a series whose level jumps as a change of boundary does."""
    breaks = series_breaks(list(df["year"]), list(df["grdp"]), list(df["employment"]))
    if not breaks:
        return
    year, gy, gl = breaks[0]
    jump = (
        f"năm {year} so với năm {year - 1}: GRDP {'tăng' if gy >= 0 else 'giảm'} "
        f"{format_vn_number(abs(gy), 1)}%, lao động {'tăng' if gl >= 0 else 'giảm'} {format_vn_number(abs(gl), 1)}%"
    )
    if where is None:
        raise TfpInputError(
            f"Chuỗi số liệu bị gãy ở {jump}, mức thay đổi mà không năm thực tế nào có: chuỗi đang ghép số "
            "liệu của hai địa giới hành chính khác nhau (ví dụ tỉnh Hưng Yên trước và sau khi hợp nhất với "
            "tỉnh Thái Bình ngày 01/7/2025). Không thể tính tăng trưởng qua điểm gãy này. Hãy nhập số liệu "
            "theo từng địa bàn (thêm cột territory: hung_yen_cu, thai_binh_cu, hung_yen) hoặc dùng chuỗi đã "
            "tính lại cho cùng một địa giới."
        )
    raise TfpInputError(
        f"{where}: chuỗi số liệu bị gãy ở {jump}; số liệu của địa bàn này có vẻ không cùng một địa giới "
        "qua các năm. Hãy kiểm tra lại cột territory."
    )


def _split(inputs: pd.DataFrame) -> dict[str, pd.DataFrame]:
    cols = {str(c).strip().lower(): c for c in inputs.columns}
    raw = inputs[cols["territory"]]
    codes = []
    for value in raw:
        if value is None or (isinstance(value, float) and np.isnan(value)) or not str(value).strip():
            raise TfpInputError("Cột territory có dòng để trống: mỗi dòng phải ghi địa bàn của số liệu")
        codes.append(territory_code(value) or str(value).strip().lower())
    frame = inputs.drop(columns=cols["territory"])
    parts: dict[str, pd.DataFrame] = {}
    for code in dict.fromkeys(codes):
        parts[code] = frame[[c == code for c in codes]].reset_index(drop=True)
    return parts


def choose_boundary(codes: list[str], boundary: str | None) -> tuple[str, tuple[str, ...]]:
    """(boundary code, its component territories) for the territories given."""
    if boundary:
        code = territory_code(boundary) or boundary
        if code in TERRITORIES and TERRITORIES[code].components:
            return code, TERRITORIES[code].components
        if code in codes:
            return code, (code,)
        raise TfpInputError(f"Không có số liệu của địa bàn '{boundary}' (có: {', '.join(codes)})")
    merged = [
        t
        for t in TERRITORIES.values()
        if t.components and (t.code in codes or set(t.components) <= set(codes))
    ]
    if merged:
        return merged[0].code, merged[0].components
    if len(codes) == 1:
        return codes[0], (codes[0],)
    raise TfpInputError(
        "Các địa bàn " + ", ".join(codes) + " không hợp thành một địa giới đã biết; hãy chọn địa bàn cần "
        "tính (--boundary)"
    )


def compute_single(
    inputs: pd.DataFrame,
    params: TfpParameters | None = None,
    periods: list[tuple[int, int]] | None = None,
) -> TfpResult:
    """Growth accounting for one series (no territory column): the engine's behaviour before
    territories, plus the refusal of a series that mixes boundaries."""
    params = params or TfpParameters()
    df = _check_inputs(inputs)
    refuse_breaks(df, None)
    given_k = "capital_stock" in df.columns
    if not given_k:
        _enough_history(df, params)
    y, emp = df["grdp"].to_numpy(), df["employment"].to_numpy()
    k = df["capital_stock"].to_numpy() if given_k else capital_stock(df["investment"].to_numpy(), y, params)
    shares = tfp_shares.shares_for(df, list(df["year"]), params)
    res = account_series(df["year"].to_numpy(), y, k, emp, shares, params, periods, given_k)
    if "investment" in df.columns:
        res.series["investment"] = [float(v) for v in df["investment"]]
    return res


def compute_boundary(
    inputs: pd.DataFrame,
    params: TfpParameters | None = None,
    periods: list[tuple[int, int]] | None = None,
    boundary: str | None = None,
) -> TfpResult:
    """Growth accounting for the reported boundary of inputs with a territory column."""
    params = params or TfpParameters()
    parts = _split(inputs)
    code, comps = choose_boundary(list(parts), boundary)
    missing = [c for c in comps if c not in parts]
    if missing:
        raise TfpInputError(
            f"Thiếu số liệu của {', '.join(territory_name(c) for c in missing)} để tính cho "
            f"{territory_name(code)}: cần chuỗi số liệu của từng địa bàn hợp thành"
        )
    checked = {t: _check_inputs(parts[t], territory_name(t)) for t in (*comps, code) if t in parts}
    for t, df in checked.items():
        refuse_breaks(df, territory_name(t))
    merged = checked.get(code) if code not in comps else None
    warnings: list[str] = []

    given = {t: "capital_stock" in df.columns for t, df in checked.items()}
    given_k = any(given.values())
    if given_k and not all(given[t] for t in comps):
        raise TfpInputError("Cột capital_stock phải có cho mọi địa bàn hoặc không cho địa bàn nào")

    by_year = {t: df.set_index("year") for t, df in checked.items()}
    start = max(int(checked[t]["year"].iloc[0]) for t in comps)
    comp_end = min(int(checked[t]["year"].iloc[-1]) for t in comps)
    last = max(comp_end, int(merged["year"].iloc[-1]) if merged is not None else comp_end)
    if merged is not None and int(merged["year"].iloc[0]) < start:
        warnings.append(
            f"Số liệu của {territory_name(code)} các năm trước {start} không được dùng: chuỗi được tính từ năm "
            "đầu tiên có số liệu của mọi địa bàn hợp thành"
        )
    years = list(range(start, last + 1))
    y, inv, emp, kgiven, source = [], [], [], [], []
    for yr in years:
        if yr <= comp_end:
            rows = [by_year[t].loc[yr] for t in comps]
            y.append(sum(float(r["grdp"]) for r in rows))
            emp.append(sum(float(r["employment"]) for r in rows))
            inv.append(
                sum(float(r["investment"]) for r in rows) if "investment" in by_year[comps[0]] else np.nan
            )
            kgiven.append(sum(float(r["capital_stock"]) for r in rows) if given_k else np.nan)
            source.append("sum")
            if merged is not None and yr in by_year[code].index:
                warnings += _compare(yr, code, comps, by_year, {"grdp": y[-1], "employment": emp[-1]})
        else:
            if merged is None or yr not in by_year[code].index:
                raise TfpInputError(
                    f"Năm {yr}: thiếu số liệu của {territory_name(code)} (chuỗi của các địa bàn hợp thành kết thúc "
                    f"năm {comp_end})"
                )
            r = by_year[code].loc[yr]
            y.append(float(r["grdp"]))
            emp.append(float(r["employment"]))
            inv.append(float(r["investment"]) if "investment" in r else np.nan)
            kgiven.append(float(r["capital_stock"]) if given_k else np.nan)
            source.append("merged")
    ya, ea = np.array(y), np.array(emp)
    boundary_frame = pd.DataFrame({"year": years, "grdp": ya, "employment": ea})
    refuse_breaks(boundary_frame, territory_name(code))

    if given_k:
        k = np.array(kgiven)
    else:
        _enough_history(boundary_frame, params)
        k = _boundary_capital(checked, comps, years, comp_end, np.array(inv), params)
    shares = tfp_shares.boundary_shares(checked, code, comps, years, comp_end, params)
    res = account_series(np.array(years), ya, k, ea, shares, params, periods, given_k)
    merged_years = [yr for yr, s in zip(years, source, strict=True) if s == "merged"]
    res.parameters["boundary"] = {
        "code": code,
        "name_vi": territory_name(code),
        "components": list(comps),
        "summed_years": [yr for yr, s in zip(years, source, strict=True) if s == "sum"],
        "merged_figure_years": merged_years,
        "note_vi": boundary_note(code, comps, years, merged_years),
    }
    series = dict(res.series)
    if not np.isnan(np.array(inv, dtype=float)).all():
        series["investment"] = [float(v) for v in inv]
    return TfpResult(
        res.parameters,
        res.years,
        res.periods,
        warnings + res.warnings,
        territories=list(comps),
        series=series,
    )


def boundary_note(code: str, comps: tuple[str, ...], years: list[int], merged_years: list[int]) -> str:
    if len(comps) == 1:
        return f"Số liệu và kết quả tính cho {boundary_text(code)}."
    parts = " và ".join(territory_name(c) for c in comps)
    text = (
        f"Số liệu và kết quả tính cho {boundary_text(code)} ở mọi năm, kể cả các năm trước khi hợp nhất "
        f"(tính lại theo địa giới mới): GRDP, vốn đầu tư và lao động là tổng của {parts}; tài sản vốn của "
        "từng tỉnh cũ được tính riêng theo phương pháp kiểm kê thường xuyên rồi cộng lại."
    )
    if merged_years:
        span = str(merged_years[0]) if len(merged_years) == 1 else f"{merged_years[0]}-{merged_years[-1]}"
        text += f" Năm {span} dùng số liệu của toàn tỉnh sau hợp nhất."
    return text


def _compare(yr: int, code: str, comps: tuple[str, ...], by_year, sums: dict[str, float]) -> list[str]:
    out = []
    r = by_year[code].loc[yr]
    for col, total in sums.items():
        given = float(r[col])
        if abs(total - given) > SUM_TOLERANCE * abs(given):
            out.append(
                f"Năm {yr}: {col} của {territory_name(code)} ({format_vn_number(given, 1)}) khác tổng của các địa bàn "
                f"hợp thành ({format_vn_number(total, 1)}); dùng tổng của các địa bàn"
            )
    return out


def _boundary_capital(
    checked: dict[str, pd.DataFrame],
    comps: tuple[str, ...],
    years: list[int],
    comp_end: int,
    inv: np.ndarray,
    params: TfpParameters,
) -> np.ndarray:
    """Each component's own perpetual inventory, summed; then the inventory on the merged
    investment after the components end."""
    own = {}
    for t in comps:
        df = checked[t]
        if "investment" not in df.columns:
            raise TfpInputError(f"{territory_name(t)}: thiếu cột vốn đầu tư (investment)")
        own[t] = dict(
            zip(
                df["year"].astype(int),
                capital_stock(df["investment"].to_numpy(), df["grdp"].to_numpy(), params),
                strict=True,
            )
        )
    k = np.empty(len(years))
    for i, yr in enumerate(years):
        if yr <= comp_end:
            k[i] = sum(own[t][yr] for t in comps)
        else:
            if np.isnan(inv[i]):
                raise TfpInputError(f"Năm {yr}: thiếu vốn đầu tư của toàn tỉnh")
            k[i] = (1.0 - params.depreciation) * k[i - 1] + inv[i]
    return k


def compute_by_territory(
    inputs: pd.DataFrame,
    params: TfpParameters | None = None,
    periods: list[tuple[int, int]] | None = None,
    ndigits: int | None = None,
    skip: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Each territory of the inputs alone (except ``skip``): ``{code: result dict}``
    (``{"error": ...}`` when its own series cannot be used, e.g. too few years)."""
    params = params or TfpParameters()

    out: dict[str, Any] = {}
    for code, frame in _split(inputs).items():
        if code in skip:
            continue
        try:
            res = compute_single(frame, params, periods)
            d = res.to_dict(ndigits)
            d["name_vi"] = territory_name(code)
            out[code] = d
        except TfpInputError as exc:
            out[code] = {"name_vi": territory_name(code), "error": str(exc)}
    return out


def boundary_proxies(inputs: pd.DataFrame, territories: list[str]) -> pd.DataFrame:
    """STI proxies of the boundary by year: R&D spending / GRDP (%) and the trained-labour share
    weighted by employment, over the years where every territory gives them."""
    frame = inputs[inputs["territory"].isin(territories)]
    rows = []
    for year, g in frame.groupby("year"):
        if set(g["territory"]) != set(territories):
            continue
        row: dict[str, Any] = {"year": int(year)}
        if "rd_spending" in g:
            row["rd_share"] = float(g["rd_spending"].sum() / g["grdp"].sum() * 100)
        if "trained_labour_share" in g:
            row["trained_labour_share"] = float(
                (g["trained_labour_share"] * g["employment"]).sum() / g["employment"].sum()
            )
        rows.append(row)
    return pd.DataFrame(rows)
