"""The generated tables of the reports: the indicators as printed, enterprises supported (with
a total row), support by type, budget by source (with a total row), and who reported (TFP and
its sensitivity in ``nscl.reporting.tfp_tables``). Staff
never edit these: every figure comes from the curated tables."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from nscl.analysis.indicators import Progress
from nscl.labels import BUDGET_SOURCES, STATE_LABELS
from nscl.plan.catalogue import Catalogue
from nscl.reporting.common import count, fmt, show, target_text
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


def support_counts(data: list[YearData], year: int | None = None) -> tuple[int, int]:
    """(support events, distinct organisations) over ``data``, or in ``year`` only; organisations
    are told apart over all of ``data`` (``organisations``), as the indicator counts them."""
    orgs = organisations(data) if data else {}
    if year is not None:
        return sum(len(d.table("enterprises")) for d in data if d.year == year), len(orgs.get(year, set()))
    return sum(len(d.table("enterprises")) for d in data), len(set().union(*orgs.values()) if orgs else set())


def support_sentence(data: list[YearData], year: int | None = None) -> str:
    """The predicate after "các cơ quan, đơn vị": "đã thực hiện 09 lượt hỗ trợ cho 08 tổ chức,
    doanh nghiệp", "đã hỗ trợ 08 tổ chức, doanh nghiệp" or "chưa hỗ trợ tổ chức, doanh nghiệp nào"."""
    events, orgs = support_counts(data, year)
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
            f"{fmt(direct, 1)} triệu đồng, phần còn lại ({fmt(whole - direct, 1)} triệu đồng) chi cho các hoạt "
            "động chung của Kế hoạch (thông tin, tuyên truyền, đào tạo, tập huấn và các hoạt động khác)"
        )
    text += "."
    if unconfirmed:
        items = "; ".join(f"{fmt(a, 1)} triệu đồng của {n} (năm {y})" for n, y, a in unconfirmed)
        text += (
            f" Tổng kinh phí nêu trên gồm cả các khoản có dấu hiệu bất thường, đang đề nghị đơn vị kiểm tra, xác "
            f"nhận: {items}."
        )
    return text


ORDINALS = {2: "hai", 3: "ba", 4: "tư", 5: "năm", 6: "sáu", 7: "bảy", 8: "tám", 9: "chín", 10: "mười"}


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
            version = "Bản gửi lần đầu" if v <= 1 else f"Bản gửi lần thứ {ORDINALS.get(v, count(v))}"
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
