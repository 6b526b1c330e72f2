"""Checks of the statistics office's TFP sheet across rows: territories, completeness, the
former provinces adding up to the merged province's figures, breaks in a series, and the
input-output tables (docs/tfp.md, section 8).

Each problem is returned as ``(row, column label, value, expected, severity)``; the validator
turns them into its Issues.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from nscl.forms import workbook as wbm
from nscl.labels import vn_number
from nscl.plan.territories import (
    MERGER_YEAR,
    TERRITORIES,
    series_breaks,
    territory_code,
    territory_name,
    workbook_territories,
)

Problem = tuple[int | None, str | None, Any, str, str]
LABELS = dict(wbm.TFP_COLUMNS)
IO_LABELS = dict(wbm.TFP_IO_COLUMNS)
SUMMED = ("grdp", "investment", "employment", "rd_spending")


def half_unit(value: float) -> float:
    """Half the rounding unit of a figure as entered (12.3 -> 0.05; 1200 -> 0.5)."""
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    if not isinstance(exponent, int):
        return 0.0
    return 0.5 * 10.0 ** min(max(exponent, -6), 0)


def check_rows(rows: list[dict[str, Any]], year: int) -> list[Problem]:
    """Territory codes (rows get ``territory`` as a code), completeness, sums and breaks."""
    out: list[Problem] = []
    if not rows or all(r.get("territory") is None for r in rows):
        return out  # a sheet without territories (layout before the merger): the engine's own checks apply
    names = ", ".join(territory_name(c) for c in workbook_territories(year))
    by_key: dict[tuple[str, int], dict[str, Any]] = {}
    for r in rows:
        code = territory_code(r["territory"])
        if code is None:
            out.append(
                (r["row"], LABELS["territory"], r["territory"], f"Một địa bàn in sẵn: {names}", "error")
            )
            continue
        r["territory"] = code
        if r.get("year") is None:
            continue
        key = (code, int(r["year"]))
        if key in by_key:
            out.append(
                (r["row"], LABELS["year"], r["year"], f"Mỗi năm một dòng cho {territory_name(code)}", "error")
            )
        by_key[key] = r
    comps = [c for c in workbook_territories(year) if not TERRITORIES[c].components]
    merged = [c for c in workbook_territories(year) if TERRITORIES[c].components]
    for code in comps:
        have = sorted(y for (c, y) in by_key if c == code)
        first = min([*have, wbm.TFP_MIN_YEAR])
        need_to = year if not merged else min(year, MERGER_YEAR - 1)
        missing = [y for y in range(first, need_to + 1) if y not in have]
        if missing:
            out.append(
                (None, LABELS["year"], None,
                 f"Nhập đủ số liệu của {territory_name(code)} cho các năm {_years(missing)}: cần chuỗi liên tục từ "
                 f"năm {wbm.TFP_MIN_YEAR} (hoặc sớm hơn) đến năm {need_to} để dựng tài sản vốn", "error")
            )  # fmt: skip
    for m in merged:
        parts = TERRITORIES[m].components
        for y in range(MERGER_YEAR, year + 1):
            if (m, y) not in by_key and not all((c, y) in by_key for c in parts):
                out.append(
                    (None, LABELS["year"], None,
                     f"Năm {y}: nhập số liệu của {' và '.join(territory_name(c) for c in parts)}, hoặc của "
                     f"{territory_name(m)}", "error")
                )  # fmt: skip
        out += _sums(m, parts, by_key)
    for code in {c for c, _ in by_key}:
        out += _breaks(code, by_key)
    return out


def _years(ys: list[int]) -> str:
    return ", ".join(map(str, ys)) if len(ys) <= 4 else f"{ys[0]}-{ys[-1]} ({len(ys)} năm)"


def _sums(m: str, parts: tuple[str, ...], by_key) -> list[Problem]:
    out: list[Problem] = []
    for (code, y), total in sorted(by_key.items()):
        if code != m or not all((c, y) in by_key for c in parts):
            continue
        for key in SUMMED:
            values = [by_key[(c, y)].get(key) for c in parts]
            given = total.get(key)
            if given is None or any(v is None for v in values):
                continue
            s = sum(values)
            tol = half_unit(given) + sum(half_unit(v) for v in values) + 1e-9
            if abs(s - given) > tol:
                out.append(
                    (total["row"], LABELS[key], given,
                     f"Bằng tổng của {' và '.join(territory_name(c) for c in parts)} năm {y}: {vn_number(s)} (chênh lệch do "
                     f"làm tròn không quá {vn_number(tol, 4)})", "error")
                )  # fmt: skip
    return out


def _breaks(code: str, by_key) -> list[Problem]:
    recs = [r for (c, _), r in sorted(by_key.items()) if c == code]
    recs = [
        r for r in recs if all(isinstance(r.get(k), int | float) and r[k] > 0 for k in ("grdp", "employment"))
    ]
    out: list[Problem] = []
    for y, gy, gl in series_breaks(
        [r["year"] for r in recs], [r["grdp"] for r in recs], [r["employment"] for r in recs]
    ):
        r = next(r for r in recs if r["year"] == y)
        out.append(
            (r["row"], LABELS["employment"], r["employment"],
             f"Số liệu của {territory_name(code)} năm {y} thay đổi bất thường so với năm {y - 1} (GRDP "
             f"{gy:+.1f}%, lao động {gl:+.1f}%), như khi ghép số liệu của hai địa giới khác nhau; kiểm tra lại "
             "địa bàn và số liệu của năm này", "error")
        )  # fmt: skip
    return out


def attach_io_tables(rows: list[dict[str, Any]], io_rows: list[dict[str, Any]], year: int) -> list[Problem]:
    """Check the input-output block and write each table (io_year, labour_share_pct) onto a
    row of its territory (the row of the table's year, else the territory's first free row)."""
    out: list[Problem] = []
    for r in rows:
        r.setdefault("io_year", None)
        r.setdefault("labour_share_pct", None)
    seen: dict[tuple[str, int], float] = {}
    for io in io_rows:
        code = territory_code(io.get("io_territory"))
        io_year, pct = io.get("io_year"), io.get("labour_share_pct")
        if code is None:
            out.append(
                (
                    io["row"],
                    IO_LABELS["io_territory"],
                    io.get("io_territory"),
                    "Chọn địa bàn của bảng I/O",
                    "error",
                )
            )
            continue
        if not isinstance(io_year, int | float) or io_year != int(io_year) or not 1990 <= io_year <= year:
            out.append(
                (io["row"], IO_LABELS["io_year"], io_year, f"Năm lập bảng, từ 1990 đến {year}", "error")
            )
            continue
        if not isinstance(pct, int | float) or not 0 < pct < 100:
            out.append(
                (
                    io["row"],
                    IO_LABELS["labour_share_pct"],
                    pct,
                    "Tỷ lệ phần trăm, lớn hơn 0 và nhỏ hơn 100",
                    "error",
                )
            )
            continue
        key = (code, int(io_year))
        if key in seen:
            if abs(seen[key] - pct) > 1e-9:
                out.append((io["row"], IO_LABELS["labour_share_pct"], pct,
                            f"Một giá trị cho bảng I/O năm {int(io_year)} của {territory_name(code)}", "error"))  # fmt: skip
            continue
        seen[key] = float(pct)
        targets = (
            [code] if any(r.get("territory") == code for r in rows) else list(TERRITORIES[code].components)
        )
        for t in targets:
            own = sorted(
                (r for r in rows if r.get("territory") == t and r.get("year") is not None),
                key=lambda r: r["year"],
            )
            free = [r for r in own if r["io_year"] is None]
            target = next((r for r in free if r["year"] == io_year), free[0] if free else None)
            if target is None:
                out.append((io["row"], IO_LABELS["io_territory"], io.get("io_territory"),
                            f"Nhập số liệu theo năm của {territory_name(t)} trước khi ghi bảng I/O", "error"))  # fmt: skip
                continue
            target["io_year"], target["labour_share_pct"] = int(io_year), float(pct)
    return out
