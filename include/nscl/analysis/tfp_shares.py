"""Factor shares bK, bL of the growth accounting, as the statistics office sets them.

GSO's indicator metadata ("Tốc độ tăng năng suất các nhân tố tổng hợp (TFP)"): bK and bL are
computed from the input-output (I/O) table, compiled every five years, and used until the next
table. The inputs may therefore give, per table, its year ``io_year`` and bL ``labour_share``
(on any row, one table per distinct io_year); for year t the engine uses the latest table with
io_year <= t (the earliest table for the years before it), without averaging two tables. Without
io_year, a ``labour_share`` on every row is a yearly bL, averaged over adjacent years (Törnqvist,
as the Penn World Table does). With neither, the documented default ``capital_share`` applies,
and the description says so. With territories, a boundary's bL is the GRDP-weighted mean of its
territories' bL (see :mod:`nscl.analysis.territories`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from nscl.analysis.tfp_core import TfpInputError, TfpParameters
from nscl.labels import format_vn_number
from nscl.plan.territories import territory_name

SOURCES = ("default", "yearly", "io_table")


@dataclass(frozen=True)
class IoTable:
    io_year: int
    labour_share: float


def io_tables(df: pd.DataFrame, where: str = "") -> list[IoTable]:
    """The I/O tables declared in a checked frame (rows with io_year), sorted by year."""
    if "io_year" not in df.columns:
        return []
    prefix = f"{where}: " if where else ""
    found: dict[int, float] = {}
    for year, io_year, share in zip(
        df["year"], df["io_year"], df.get("labour_share", pd.Series(np.nan, index=df.index)), strict=True
    ):
        if pd.isna(io_year) and pd.isna(share):
            continue
        if pd.isna(io_year):
            raise TfpInputError(
                f"{prefix}Năm {year}: có tỷ phần lao động nhưng không ghi năm của bảng I/O (io_year)"
            )
        if pd.isna(share):
            raise TfpInputError(
                f"{prefix}Năm {year}: có năm bảng I/O {int(io_year)} nhưng thiếu tỷ phần lao động"
            )
        key = int(io_year)
        if key in found and abs(found[key] - float(share)) > 1e-9:
            raise TfpInputError(
                f"{prefix}Bảng I/O năm {key} có hai tỷ phần lao động khác nhau ({found[key]} và {float(share)})"
            )
        found[key] = float(share)
    return [IoTable(y, found[y]) for y in sorted(found)]


def table_in_force(tables: Sequence[IoTable], year: int) -> IoTable:
    """The latest table with io_year <= year; before the first table, the first table."""
    older = [t for t in tables if t.io_year <= year]
    return older[-1] if older else tables[0]


def labour_share_values(
    df: pd.DataFrame, years: Sequence[int], where: str = ""
) -> tuple[str, np.ndarray | None, list[IoTable]]:
    """(source, bL for each of ``years`` or None, tables) of one checked frame."""
    tables = io_tables(df, where)
    if tables:
        return "io_table", np.array([table_in_force(tables, int(y)).labour_share for y in years]), tables
    if "labour_share" in df.columns:
        by_year = dict(zip(df["year"].astype(int), df["labour_share"], strict=True))
        return "yearly", np.array([by_year[int(y)] for y in years], dtype=float), []
    return "default", None, []


@dataclass
class Shares:
    """bK for each growth year of a boundary, and where it came from."""

    alpha: np.ndarray  # alpha[i]: bK from years[i] to years[i + 1]
    source: str
    years: list[int]
    # (territory code or None, tables) whose bL entered, and the weighted territories.
    tables: list[tuple[str | None, list[IoTable]]] = field(default_factory=list)
    weighted_by_grdp: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def describe(
        self, reported: Sequence[int], reported_alpha: np.ndarray, params: TfpParameters
    ) -> dict[str, Any]:
        """Keys merged into the result's parameters: capital_share (mean used),
        capital_share_source, factor_shares (source, tables, note_vi)."""
        out: dict[str, Any] = {}
        info: dict[str, Any] = {"source": self.source}
        if self.source == "default":
            info["note_vi"] = (
                "Chưa có hệ số co giãn theo bảng cân đối liên ngành (I/O) do cơ quan thống kê cung cấp; "
                f"áp dụng giá trị mặc định của phương pháp: hệ số co giãn của vốn "
                f"{format_vn_number(params.capital_share, 2)}, của lao động "
                f"{format_vn_number(1 - params.capital_share, 2)}."
            )
            out["capital_share_source"] = "default"
            out["factor_shares"] = info
            return out
        out["capital_share"] = (
            float(np.mean(reported_alpha)) if len(reported_alpha) else float(np.mean(self.alpha))
        )
        if self.source == "yearly":
            out["capital_share_source"] = "1 - labour_share (inputs)"
            text = (
                "Hệ số co giãn của lao động theo từng năm do cơ quan thống kê cung cấp (bình quân của hai "
                "năm liền kề); hệ số co giãn của vốn = 1 − hệ số của lao động, bình quân "
                f"{format_vn_number(out['capital_share'], 2)}."
            )
        else:
            out["capital_share_source"] = "1 - labour_share (io_table)"
            parts, listed = [], []
            for code, tables in self.tables:
                uses = []
                for t in tables:
                    ys = [y for y in reported if table_in_force(tables, y) is t]
                    listed.append(
                        {"territory": code, "io_year": t.io_year, "labour_share": t.labour_share, "years": ys}
                    )
                    if ys:
                        span = str(ys[0]) if len(ys) == 1 else f"{ys[0]}-{ys[-1]}"
                        uses.append(
                            f"bảng năm {t.io_year} (hệ số của lao động {format_vn_number(t.labour_share, 2)}) "
                            f"cho {'năm' if len(ys) == 1 else 'các năm'} {span}"
                        )
                if uses:
                    parts.append((f"{territory_name(code)}: " if code else "") + "; ".join(uses))
            info["tables"] = listed
            text = (
                "Hệ số co giãn của lao động lấy từ bảng cân đối liên ngành (I/O) do cơ quan thống kê cung cấp, "
                "mỗi bảng được dùng từ năm lập bảng đến khi có bảng mới: " + "; ".join(parts) + "."
            )
        if self.weighted_by_grdp:
            names = " và ".join(territory_name(c) for c in self.weighted_by_grdp)
            text += f" Hệ số của toàn tỉnh là bình quân của {names}, có trọng số là GRDP từng năm."
        info["note_vi"] = " ".join([text, *self.notes])
        out["factor_shares"] = info
        return out


def alpha_from(source: str, bl: np.ndarray | None, n: int, params: TfpParameters) -> np.ndarray:
    """bK per growth year from bL per year: I/O tables as they are in force in the later year;
    yearly shares averaged over the two years (Törnqvist)."""
    if bl is None:
        return np.full(n - 1, params.capital_share)
    if source == "io_table":
        return 1.0 - bl[1:]
    return 1.0 - 0.5 * (bl[1:] + bl[:-1])


def shares_for(df: pd.DataFrame, years: list[int], params: TfpParameters) -> Shares:
    """The shares of one checked frame without territories."""
    source, bl, tables = labour_share_values(df, years)
    return Shares(
        alpha_from(source, bl, len(years), params), source, list(years), [(None, tables)] if tables else []
    )


def boundary_shares(
    checked: dict[str, pd.DataFrame],
    code: str,
    comps: tuple[str, ...],
    years: list[int],
    comp_end: int,
    params: TfpParameters,
) -> Shares:
    """bK per growth year of a boundary from its territories' shares: the merged province's own
    I/O tables when it gives them, else the components' bL weighted by GRDP (docs/tfp.md, 2.5)."""
    n = len(years)
    if code in checked and code not in comps:
        own_tables = io_tables(checked[code], territory_name(code))
        if own_tables:
            own = np.array([table_in_force(own_tables, yr).labour_share for yr in years])
            return Shares(alpha_from("io_table", own, n, params), "io_table", years, [(code, own_tables)])
    infos = {}
    for t in comps:
        df = checked[t]
        comp_years = [yr for yr in years if yr <= comp_end]
        infos[t] = labour_share_values(df, comp_years, territory_name(t))
    sources = {t: s for t, (s, _, _) in infos.items()}
    if len(comps) == 1:
        s, one, tables = infos[comps[0]]
        if one is not None and s == "yearly" and len(one) < n:
            one = _extend_yearly(checked, code, years, one)
        elif one is not None and len(one) < n:
            one = np.array([table_in_force(tables, yr).labour_share for yr in years])
        return Shares(alpha_from(s, one, n, params), s, years, [(comps[0], tables)] if tables else [])
    if all(s == "default" for s in sources.values()):
        return Shares(np.full(n - 1, params.capital_share), "default", years)
    if len(set(sources.values())) > 1:
        detail = ", ".join(f"{territory_name(t)}: {s}" for t, s in sources.items())
        raise TfpInputError(
            "Tỷ phần lao động phải được cho theo cùng một cách cho mọi địa bàn (theo bảng I/O, theo từng năm, "
            f"hoặc không cho); hiện có {detail}"
        )
    source = next(iter(sources.values()))
    m = len([yr for yr in years if yr <= comp_end])
    weights = np.array(
        [[float(checked[t].set_index("year").loc[yr, "grdp"]) for t in comps] for yr in years[:m]]
    )
    weights = weights / weights.sum(axis=1, keepdims=True)
    values = np.column_stack([np.asarray(infos[t][1], dtype=float) for t in comps])
    bl: list[float] = [float(v) for v in (weights * values).sum(axis=1)]
    notes = []
    for yr in years[m:]:
        if source == "io_table":
            row = np.array([table_in_force(infos[t][2], yr).labour_share for t in comps])
            bl.append(float(weights[-1] @ row))
        else:
            bl.append(_merged_yearly(checked, code, yr))
    if source == "io_table" and m < n:
        notes.append(f"Các năm sau {comp_end} dùng trọng số GRDP của năm {comp_end}.")
    return Shares(
        alpha_from(source, np.array(bl), n, params),
        source,
        years,
        [(t, infos[t][2]) for t in comps] if source == "io_table" else [],
        weighted_by_grdp=list(comps),
        notes=notes,
    )


def _merged_yearly(checked: dict[str, pd.DataFrame], code: str, yr: int) -> float:
    df = checked.get(code)
    if df is None or "labour_share" not in df.columns or yr not in set(df["year"]):
        raise TfpInputError(f"Năm {yr}: thiếu tỷ phần lao động (labour_share) của {territory_name(code)}")
    return float(df.set_index("year").loc[yr, "labour_share"])


def _extend_yearly(
    checked: dict[str, pd.DataFrame], code: str, years: list[int], bl: np.ndarray
) -> np.ndarray:
    return np.concatenate([bl, [_merged_yearly(checked, code, yr) for yr in years[len(bl) :]]])
