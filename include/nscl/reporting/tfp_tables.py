"""The TFP pieces of the reports: the table of years and periods, the method note with the
parameters actually used (the capital share of each year shown and the input-output table it
came from), the sensitivity table centred on those parameters, and the STI sentence."""

from __future__ import annotations

from typing import Any

from nscl.analysis.tfp import DEFAULT_SENSITIVITY_DEPRECIATIONS
from nscl.plan.territories import territory_name
from nscl.reporting.charts import tfp_chart
from nscl.reporting.common import as_of, fmt, span
from nscl.reporting.names import row


def tfp_pieces(tfp: dict[str, Any] | None, last_year: int) -> dict[str, Any]:
    """Table rows, method note, STI sentence and chart of the TFP result (or why there is none).
    An STI share that fails the reliability rules gets one plain sentence; its diagnostics stay
    in the manifest and the ``nscl tfp`` output."""
    if not tfp or not tfp.get("available") or not tfp.get("years"):
        return {
            "tfp_available": "",
            "tfp_rows": [],
            "tfp_note": "Chưa có số liệu của cơ quan thống kê để tính đóng góp của TFP vào tăng trưởng.",
            "sti_text": "",
            "sensitivity_rows": [],
            "sensitivity_note": "",
            "chart_tfp": "",
        }
    years = [r for r in tfp["years"] if 2021 <= r["year"] <= last_year]

    def tfp_row(period: str, r: dict[str, Any]) -> dict[str, Any]:
        return row(
            "tfp",
            period=period,
            growth=fmt(r["growth_output"], 2),
            capital=fmt(r["contribution_capital_pp"], 2),
            labour=fmt(r["contribution_labour_pp"], 2),
            tfp=fmt(r["contribution_tfp_pp"], 2),
            share=fmt(r["share_tfp_pct"], 1),
        )

    rows = [tfp_row(str(r["year"]), r) for r in years]
    # A one-year "average" is that year's row again: only periods of two years or more.
    rows += [
        tfp_row(f"Bình quân {p['from']}-{p['to']}", p) for p in tfp.get("periods", []) if p["to"] > p["from"]
    ]
    # Before the 2025 merger the province has no "former" boundary yet (common.as_of).
    note = as_of(tfp_method_note(tfp, years), last_year)
    sti = tfp.get("sti")
    if sti and sti.get("reliable"):
        sti_text = (
            "Tỷ trọng đóng góp của khoa học, công nghệ và đổi mới sáng tạo trong tăng TFP (ước lượng) là "
            f"{fmt(sti['share_pct'], 1)}%."
        )
    elif sti:
        sti_text = (
            "Tỷ trọng đóng góp của khoa học, công nghệ và đổi mới sáng tạo trong tăng TFP chưa xác định được "
            "do chưa đủ số liệu tin cậy."
        )
    else:
        sti_text = ""
    return {
        "tfp_available": "1",
        "tfp_rows": rows,
        "tfp_note": note,
        "sti_text": sti_text,
        **sensitivity_pieces(tfp.get("sensitivity") or []),
        "chart_tfp": tfp_chart(years),
    }


def share_text(value: float) -> str:
    """An elasticity as printed: two decimals, three where the third is not zero (0,505)."""
    v = round(float(value), 3)
    return fmt(v, 2) if abs(v - round(v, 2)) < 1e-9 else fmt(v, 3)


def _runs(by_year: dict[int, float]) -> list[tuple[list[int], float]]:
    """Consecutive years with the same value (to three decimals), in order."""
    out: list[tuple[list[int], float]] = []
    for y in sorted(by_year):
        v = round(by_year[y], 3)
        if out and out[-1][1] == v and out[-1][0][-1] == y - 1:
            out[-1][0].append(y)
        else:
            out.append(([y], v))
    return out


def _years_words(ys: list[int]) -> str:
    return f"năm {ys[0]}" if len(ys) == 1 else f"các năm {ys[0]}-{ys[-1]}"


def capital_shares_text(by_year: dict[int, float]) -> str:
    """ "0,51 cho các năm 2021-2025" or "0,51 cho năm 2021; 0,47 cho các năm 2022-2025"."""
    return "; ".join(f"{share_text(v)} cho {_years_words(ys)}" for ys, v in _runs(by_year))


def tfp_method_note(tfp: dict[str, Any], years: list[dict[str, Any]]) -> str:
    """The method and the parameters actually used for the years the report shows: the capital
    share of each year (1 - the labour share of the input-output table in force), which table
    gave it, and the depreciation rate."""
    params = tfp["parameters"]
    shown = [int(r["year"]) for r in years]
    by_year = {int(r["year"]): float(r["capital_share"]) for r in years if r.get("capital_share") is not None}
    shares = params.get("factor_shares") or {}
    source = shares.get("source") or "default"
    if by_year and source != "default":
        elasticity = (
            "hệ số co giãn của vốn (bằng 1 trừ hệ số co giãn của lao động) đã dùng: "
            + capital_shares_text(by_year)
        )
    else:
        elasticity = f"hệ số co giãn của vốn {share_text(params['capital_share'])}"
    note = (
        "Kết quả được tính theo phương pháp hạch toán tăng trưởng (hàm sản xuất Cobb-Douglas) trên GRDP theo "
        "giá so sánh, vốn (tính từ vốn đầu tư theo phương pháp kiểm kê thường xuyên) và lao động đang làm việc; "
        f"{elasticity}; tỷ lệ khấu hao {fmt(params['depreciation'] * 100, 1 if round(params['depreciation'] * 100, 1) % 1 else 0)}%/năm. Số liệu đầu vào do cơ "
        "quan thống kê cung cấp."
    )
    parts = [note]
    if "boundary" in params:
        parts.append(params["boundary"]["note_vi"])
    if source == "io_table" and shares.get("tables"):
        per_territory: dict[Any, list[str]] = {}
        for t in shares["tables"]:
            ys = [y for y in t.get("years", []) if y in shown]
            if ys:
                per_territory.setdefault(t.get("territory"), []).append(
                    f"bảng năm {t['io_year']} (hệ số co giãn của lao động {share_text(t['labour_share'])}) cho "
                    f"{_years_words(ys)}"
                )
        names = _territory_names(params)
        text = "; ".join(
            (f"{names.get(code, code)}: " if code and len(per_territory) > 1 else "") + "; ".join(uses)
            for code, uses in per_territory.items()
        )
        if text:
            io = f"Hệ số co giãn của lao động lấy từ bảng cân đối liên ngành (I/O) do cơ quan thống kê cung cấp: {text}."
            if len(per_territory) > 1:
                io += " Hệ số của toàn tỉnh từng năm là bình quân của các tỉnh cũ, có trọng số là GRDP của năm đó."
            parts.append(io)
    elif shares.get("note_vi"):
        parts.append(shares["note_vi"])
    return " ".join(parts)


def _territory_names(params: dict[str, Any]) -> dict[str, str]:
    boundary = params.get("boundary") or {}
    return {c: territory_name(c) for c in boundary.get("components", [])}


def sensitivity_pieces(grid: list[dict[str, Any]]) -> dict[str, Any]:
    """The sensitivity grid as a table (TFP share of growth, %, by capital share and
    depreciation rate), centred on the parameters the headline was computed with (the row
    "đã dùng", the column of the rate used), and a sentence on the range, which contains the
    headline. A grid of the older shape (absolute capital shares) is shown as it is."""

    if not grid:
        return {"sensitivity_rows": [], "sensitivity_note": ""}
    centred = "capital_share_offset" in grid[0]
    key = "capital_share_offset" if centred else "capital_share"
    cells = {(round(g[key], 4), round(g["depreciation"], 4)): g for g in grid}
    constant = centred and all(
        len({round(v, 3) for v in g["capital_shares"].values()}) == 1 for g in grid if g.get("capital_shares")
    )
    rows = []
    for k in sorted({c[0] for c in cells}):
        sample = next(g for (kk, _), g in cells.items() if kk == k)
        if not centred:
            label = fmt(k, 2)
        elif constant:
            label = share_text(next(iter(sample["capital_shares"].values())))
            label += " (hệ số đã dùng)" if abs(k) < 1e-9 else ""
        elif abs(k) < 1e-9:
            label = "Hệ số đã dùng"
        else:
            label = f"Hệ số đã dùng {'+' if k > 0 else '−'} {fmt(abs(k), 2)}"
        values = [cells.get((k, round(d, 4))) for d in DEFAULT_SENSITIVITY_DEPRECIATIONS]
        rows.append(
            row(
                "sensitivity",
                capital_share=label,
                **{f"d{i}": fmt(v["share_tfp_pct"] if v else None, 1) for i, v in enumerate(values, start=1)},
            )
        )
    shares = [g["share_tfp_pct"] for g in grid if g["share_tfp_pct"] is not None]
    period = span(grid[0]["from"], grid[0]["to"])
    period = f"giai đoạn {period}" if "-" in period else period
    deps = sorted({c[1] for c in cells})
    if centred:
        lo, hi = min(c[0] for c in cells), max(c[0] for c in cells)
        basis = (
            f"với hệ số co giãn của vốn từ {share_text(min(grid, key=lambda g: g[key])['capital_share'])} đến "
            f"{share_text(max(grid, key=lambda g: g[key])['capital_share'])}"
            if constant
            else f"với hệ số co giãn của vốn từng năm thấp hơn hoặc cao hơn hệ số đã dùng đến {fmt(max(-lo, hi), 2)}"
        )
    else:
        basis = f"với hệ số co giãn của vốn từ {fmt(min(c[0] for c in cells), 2)} đến {fmt(max(c[0] for c in cells), 2)}"
    note = (
        f"Độ nhạy của kết quả ({period}): {basis} và tỷ lệ khấu hao từ {fmt(deps[0] * 100, 0)}% đến "
        f"{fmt(deps[-1] * 100, 0)}%/năm, tỷ trọng đóng góp của TFP vào tăng trưởng nằm trong khoảng từ "
        f"{fmt(min(shares), 1)}% đến {fmt(max(shares), 1)}%."
    )
    # The cell of the coefficient and rate used is marked in the table itself ("(hệ số đã dùng)");
    # a sentence saying it equals the headline read as the tool checking itself (signer reader).
    return {"sensitivity_rows": rows, "sensitivity_note": note}
