"""The generated tables of the reports: enterprises supported (with a total row), support by
type, budget by source (with a total row), TFP and its sensitivity, and who reported. Staff
never edit these: every figure comes from the curated tables."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from nscl.analysis.tfp import DEFAULT_SENSITIVITY_DEPRECIATIONS
from nscl.labels import BUDGET_SOURCES, STATE_LABELS
from nscl.plan.catalogue import Catalogue
from nscl.reporting.charts import tfp_chart
from nscl.reporting.common import as_of, count, fmt, span
from nscl.reporting.names import row
from nscl.reporting.yeardata import YearData, inputs_of, organisations


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


def budget_sentence(totals: dict[str, float], funding: dict[str, float], period: str, appendix: str) -> str:
    """What each total covers: all the agencies' spending on the plan, and within it the
    support to the organisations listed in the appendix."""
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
    return text + "."


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
    params = tfp["parameters"]
    note = (
        "Phương pháp hạch toán tăng trưởng (hàm sản xuất Cobb-Douglas) trên GRDP theo giá so sánh, vốn "
        "(tính từ vốn đầu tư theo phương pháp kiểm kê thường xuyên) và lao động đang làm việc; hệ số co "
        f"giãn của vốn {fmt(params['capital_share'], 2)}, tỷ lệ khấu hao "
        f"{fmt(params['depreciation'] * 100, 1)}%/năm. Số liệu đầu vào do cơ quan thống kê cung cấp."
    )
    # Which boundary the figures are for, and which input-output table gave the shares (docs/tfp.md).
    note = as_of(
        " ".join([note, *(params[k]["note_vi"] for k in ("boundary", "factor_shares") if k in params)]),
        last_year,
    )
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


def sensitivity_pieces(grid: list[dict[str, Any]]) -> dict[str, Any]:
    """The sensitivity grid as a table (TFP share of growth, %, by capital share and
    depreciation rate) and a sentence on how much the conclusion depends on them."""

    if not grid:
        return {"sensitivity_rows": [], "sensitivity_note": ""}
    cells = {(round(g["capital_share"], 4), round(g["depreciation"], 4)): g["share_tfp_pct"] for g in grid}
    rows = []
    for share in sorted({k[0] for k in cells}):
        values = [cells.get((share, round(d, 4))) for d in DEFAULT_SENSITIVITY_DEPRECIATIONS]
        rows.append(
            row(
                "sensitivity",
                capital_share=fmt(share, 2),
                **{f"d{i}": fmt(v, 1) for i, v in enumerate(values, start=1)},
            )
        )
    shares = [v for v in cells.values() if v is not None]
    period = span(grid[0]["from"], grid[0]["to"])
    period = f"giai đoạn {period}" if "-" in period else period
    note = (
        f"Độ nhạy của kết quả ({period}): với hệ số co giãn của vốn từ "
        f"{fmt(min(k[0] for k in cells), 2)} đến {fmt(max(k[0] for k in cells), 2)} và tỷ lệ khấu hao từ "
        f"{fmt(min(k[1] for k in cells) * 100, 0)}% đến {fmt(max(k[1] for k in cells) * 100, 0)}%/năm, tỷ trọng "
        f"đóng góp của TFP vào tăng trưởng nằm trong khoảng {fmt(min(shares), 1)}% - {fmt(max(shares), 1)}%."
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
