"""The generated tables of the reports: enterprises supported (with a total row), support by
type, budget by source (with a total row), TFP and its sensitivity, and who reported. Staff
never edit these: every figure comes from the curated tables."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from nscl.analysis.indicators import Progress
from nscl.analysis.tfp import DEFAULT_SENSITIVITY_DEPRECIATIONS
from nscl.labels import BUDGET_SOURCES, STATE_LABELS
from nscl.plan.catalogue import Catalogue
from nscl.plan.territories import territory_name
from nscl.reporting.charts import tfp_chart
from nscl.reporting.common import count, fmt, show, span, target_text
from nscl.reporting.names import row
from nscl.reporting.yeardata import YearData, inputs_of, organisations


def indicator_figures(prog: list[Progress]) -> list[dict[str, Any]]:
    """Each indicator's figures as printed (the year, the phase and ten years to date, their
    targets and statuses), from :func:`nscl.reporting.yeardata.year_progress`: the annual
    report's indicator table, the staff page's overview and ``nscl status --json`` all show
    these, so they agree by construction."""
    return [
        {
            "code": p.indicator.code,
            "name": p.indicator.name,
            "unit": p.indicator.unit,
            "year_value": show(p.indicator, p.year_value),
            "phase": p.phase.code,
            "phase_value": show(p.indicator, p.phase_value),
            "phase_target": target_text(p.phase_target),
            "phase_status": p.phase_status or "—",
            "ten_value": show(p.indicator, p.ten_year_value),
            "ten_target": target_text(p.ten_year_target),
            "ten_status": p.ten_year_status or "—",
        }
        for p in prog
    ]


def _amount(e, key: str) -> float:
    v = e[key]
    return float(v) if v is not None and v == v else 0.0


def enterprise_rows(catalogue: Catalogue, data: list[YearData]) -> list[dict[str, Any]]:
    """One row per support (name, tax code, place, kind, funding, reporting agency), then a
    total row with the funding of all rows."""
    out: list[dict[str, Any]] = []
    total = 0.0
    for d in data:
        frame = d.table("enterprises")
        if frame.empty:
            continue
        frame = frame.sort_values(["agency_code", "name"], kind="stable")
        for _, e in frame.iterrows():
            funding = sum(_amount(e, k) for k, _ in BUDGET_SOURCES)
            total += funding
            out.append(
                row(
                    "enterprise",
                    stt=str(len(out) + 1),
                    year=str(d.year),
                    name=str(e["name"]),
                    tax_code="" if e["tax_code"] != e["tax_code"] else str(e["tax_code"]),
                    locality="" if e["locality"] != e["locality"] else str(e["locality"]),
                    support_type=str(e["support_type"]),
                    funding=fmt(funding, 1),
                    agency=catalogue.agency(e["agency_code"]).name,
                )
            )
    if out:
        out.append(
            row(
                "enterprise",
                stt="",
                year="",
                name="Tổng cộng",
                tax_code="",
                locality="",
                support_type=f"{count(len(out))} lượt",
                funding=fmt(total, 1),
                agency="",
            )
        )
    return out


def enterprise_funding(data: list[YearData]) -> dict[str, float]:
    """Funding of the supports listed in the enterprise appendix, by source."""
    out = {k: 0.0 for k, _ in BUDGET_SOURCES}
    for d in data:
        frame = d.table("enterprises")
        for _, e in frame.iterrows() if not frame.empty else []:
            for k, _ in BUDGET_SOURCES:
                out[k] += _amount(e, k)
    return out


def enterprises_by_type(data: list[YearData]) -> list[dict[str, Any]]:
    counts: Counter = Counter()
    for d in data:
        frame = d.table("enterprises")
        if not frame.empty:
            counts.update(frame["support_type"].dropna())
    rows = [row("count", label=k, count=fmt(v)) for k, v in sorted(counts.items())]
    if rows:
        rows.append(row("count", label="Tổng cộng", count=fmt(sum(counts.values()))))
    return rows


def support_counts(data: list[YearData]) -> tuple[int, int]:
    """(support events, distinct organisations) over ``data``."""
    events = sum(len(d.table("enterprises")) for d in data)
    orgs = set().union(*organisations(data).values()) if data else set()
    return events, len(orgs)


def support_sentence(data: list[YearData]) -> str:
    """The predicate after "các cơ quan, đơn vị": "đã thực hiện 09 lượt hỗ trợ cho 08 tổ chức,
    doanh nghiệp", "đã hỗ trợ 08 tổ chức, doanh nghiệp" or "chưa hỗ trợ tổ chức, doanh nghiệp nào"."""
    events, orgs = support_counts(data)
    if not events:
        return "chưa hỗ trợ tổ chức, doanh nghiệp nào"
    if events == orgs:
        return f"đã hỗ trợ {count(orgs)} tổ chức, doanh nghiệp"
    return f"đã thực hiện {count(events)} lượt hỗ trợ cho {count(orgs)} tổ chức, doanh nghiệp"


def budget_totals(data: list[YearData]) -> dict[str, float]:
    out = {k: 0.0 for k, _ in BUDGET_SOURCES}
    for d in data:
        bud = d.table("budget")
        if not bud.empty:
            for k, v in bud.groupby("source")["value"].sum().items():
                if k in out:
                    out[k] += float(v)
    return out


def budget_rows(totals: dict[str, float]) -> list[dict[str, Any]]:
    rows = [
        row("budget", source=label, value=fmt(totals.get(code, 0.0), 1)) for code, label in BUDGET_SOURCES
    ]
    rows.append(row("budget", source="Tổng cộng", value=fmt(sum(totals.values()), 1)))
    return rows


def unconfirmed_money(catalogue: Catalogue, data: list[YearData]) -> list[tuple[str, int, float]]:
    """(agency name, year, its total) of the money the consolidation asked to confirm
    (``nscl.intake.plausibility``), each agency and year once, as counted in the totals."""
    out = []
    for d in data:
        codes = sorted({w["agency_code"] for w in (d.summary or {}).get("plausibility", [])})
        bud = d.table("budget")
        for code in codes:
            amount = float(bud.loc[bud["agency_code"] == code, "value"].sum()) if not bud.empty else 0.0
            out.append((catalogue.agency(code).name, d.year, amount))
    return out


def budget_sentence(
    totals: dict[str, float],
    funding: dict[str, float],
    period: str,
    appendix: str,
    unconfirmed: list[tuple[str, int, float]] | None = None,
) -> str:
    """What each total covers: all the agencies' spending on the plan, within it the support
    to the organisations listed in the appendix, and the figures still to be confirmed."""
    whole, direct = sum(totals.values()), sum(funding.values())
    text = (
        f"Tổng kinh phí các cơ quan, đơn vị báo cáo đã sử dụng để thực hiện Kế hoạch {period} là "
        f"{fmt(whole, 1)} triệu đồng (mọi nguồn, gồm cả phần đối ứng của tổ chức, doanh nghiệp)"
    )
    if direct:
        text += (
            f"; trong đó kinh phí hỗ trợ trực tiếp các tổ chức, doanh nghiệp có tên tại {appendix} là "
            f"{fmt(direct, 1)} triệu đồng, phần còn lại ({fmt(whole - direct, 1)} triệu đồng) chi cho tuyên "
            "truyền, tập huấn, hội nghị và các hoạt động chung"
        )
    text += "."
    if unconfirmed:
        items = "; ".join(f"{fmt(a, 1)} triệu đồng của {n} (năm {y})" for n, y, a in unconfirmed)
        text += (
            f" Tổng kinh phí nêu trên gồm cả các khoản có dấu hiệu bất thường, đang đề nghị đơn vị kiểm tra, xác "
            f"nhận: {items}."
        )
    return text


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
    note = tfp_method_note(tfp, years)
    sti = tfp.get("sti")
    if sti and sti.get("reliable"):
        sti_text = (
            "Tỷ trọng đóng góp của khoa học, công nghệ và đổi mới sáng tạo trong tăng TFP (ước lượng) là "
            f"{fmt(sti['share_pct'], 1)}%."
        )
    elif sti:
        sti_text = (
            "Tỷ trọng đóng góp của khoa học, công nghệ và đổi mới sáng tạo trong tăng TFP chưa xác định được "
            "một cách tin cậy từ số liệu hiện có, nên báo cáo chưa nêu con số này."
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
        "Phương pháp hạch toán tăng trưởng (hàm sản xuất Cobb-Douglas) trên GRDP theo giá so sánh, vốn "
        "(tính từ vốn đầu tư theo phương pháp kiểm kê thường xuyên) và lao động đang làm việc; "
        f"{elasticity}; tỷ lệ khấu hao {fmt(params['depreciation'] * 100, 1)}%/năm. Số liệu đầu vào do cơ "
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
        used = next((g for g in grid if g.get("used")), None)
        basis = (
            f"với hệ số co giãn của vốn từ {share_text(min(grid, key=lambda g: g[key])['capital_share'])} đến "
            f"{share_text(max(grid, key=lambda g: g[key])['capital_share'])}"
            if constant
            else f"với hệ số co giãn của vốn từng năm thấp hơn hoặc cao hơn hệ số đã dùng đến {fmt(max(-lo, hi), 2)}"
        )
    else:
        used = None
        basis = f"với hệ số co giãn của vốn từ {fmt(min(c[0] for c in cells), 2)} đến {fmt(max(c[0] for c in cells), 2)}"
    note = (
        f"Độ nhạy của kết quả ({period}): {basis} và tỷ lệ khấu hao từ {fmt(deps[0] * 100, 0)}% đến "
        f"{fmt(deps[-1] * 100, 0)}%/năm, tỷ trọng đóng góp của TFP vào tăng trưởng nằm trong khoảng "
        f"{fmt(min(shares), 1)}% - {fmt(max(shares), 1)}%."
    )
    if used is not None and used["share_tfp_pct"] is not None:
        note += (
            f" Ô ứng với hệ số đã dùng và khấu hao {fmt(used['depreciation'] * 100, 0)}%/năm "
            f"({fmt(used['share_tfp_pct'], 1)}%) là kết quả nêu tại bảng trên."
        )
    return {"sensitivity_rows": rows, "sensitivity_note": note}


def received_text(value: Any) -> str:
    if not value or value != value:
        return "—"
    return dt.datetime.fromisoformat(str(value)).strftime("%d/%m/%Y")


def submission_rows(catalogue: Catalogue, data: list[YearData]) -> list[dict[str, Any]]:
    """The reports used (agency as named when it reported, date received, on time or late)."""
    return [
        row(
            "submission",
            stt=str(i),
            year=str(s["year"]),
            agency=catalogue.agency(s["agency_code"]).name,
            received=received_text(s["received_at"]),
            timeliness=STATE_LABELS["late" if s["late"] else "on_time"],
        )
        for i, s in enumerate(inputs_of(data), start=1)
    ]


def reporter_rows(this: YearData) -> list[dict[str, Any]]:
    """Who had to report in the year, and how it went (which version of their report is used)."""
    status = (this.summary or {}).get("status", [])
    used = {r["agency_code"]: r for _, r in this.used.iterrows()} if not this.used.empty else {}
    out = []
    for i, s in enumerate(status, start=1):
        u = used.get(s["agency_code"])
        version = "—"
        if u is not None:
            v = int(u["version"]) if "version" in u and u["version"] == u["version"] else 1
            version = "Bản gửi lần đầu" if v <= 1 else f"Bản gửi lần thứ {count(v)}"
        out.append(
            row(
                "reporter",
                stt=str(i),
                agency=s["agency_name"],
                state=STATE_LABELS[s["state"]],
                received=received_text(s["received_at"]),
                version=version,
            )
        )
    return out
