"""The mid-term review (sơ kết 2021-2025) and the final review (tổng kết 2021-2030).

They add up every year's curated tables (latest accepted submission of each agency per year),
compare each indicator with its phase and ten-year targets, and roll agencies that ceased in the
2025 restructuring up to today's successor: a result is counted once, under the successor, and
the successor's row still names the predecessor it came from ("gồm kết quả của ... (2021-2024)").
Figures elsewhere in the review (narratives, submissions) keep the agency's name of the time.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from .catalogue import Catalogue
from .indicators import progress, yearly_totals
from .report_context import (
    BUDGET_SOURCES,
    RULE_NOTE,
    STATE_LABELS,
    YearData,
    _tasks_by_group,
    check_context,
    enterprise_rows,
    enterprises_by_type,
    fmt,
    group_rows,
    indicator_values,
    narrative_lines,
    row,
    settings_context,
    show,
    submission_rows,
    task_rows,
    tfp_measured,
    tfp_pieces,
    with_unit,
)


@dataclass(frozen=True)
class ReviewKind:
    kind: str
    first: int
    last: int
    stem: str
    label: str

    @property
    def years(self) -> list[int]:
        return list(range(self.first, self.last + 1))


REVIEWS = {
    "mid-term": ReviewKind("mid-term", 2021, 2025, "so-ket-2021-2025", "sơ kết"),
    "final": ReviewKind("final", 2021, 2030, "tong-ket-2021-2030", "tổng kết"),
}


def review_kind(kind: str) -> ReviewKind:
    try:
        return REVIEWS[kind]
    except KeyError:
        raise ValueError(f"loại báo cáo '{kind}' không có; dùng một trong: {', '.join(REVIEWS)}") from None


def default_issue_date(kind: str) -> dt.date:
    """Reviews are dated mid-December of their last year (staff change it when signing)."""
    return dt.date(review_kind(kind).last, 12, 15)


def rollup_rows(catalogue: Catalogue, data: list[YearData]) -> list[dict[str, Any]]:
    """Per agency of today (the end of each successor chain): its own results and those of the
    agencies it took over, each counted once; a last row with the totals."""
    per: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"years": set(), "enterprises": 0, "classes": 0.0, "budget": 0.0, "from": defaultdict(set)}
    )
    for d in data:
        ind = d.table("indicator_values")
        ent = d.table("enterprises")
        bud = d.table("budget")
        n_ent = ent.groupby("agency_code").size().to_dict() if not ent.empty else {}
        classes = (
            ind[ind["indicator"] == "LOP_TAPHUAN"].groupby("agency_code")["value"].sum().to_dict()
            if not ind.empty
            else {}
        )
        spent = bud.groupby("agency_code")["value"].sum().to_dict() if not bud.empty else {}
        for code in d.used["agency_code"] if not d.used.empty else []:
            head = catalogue.current_successor(code).code
            acc = per[head]
            acc["years"].add(d.year)
            if code != head:
                acc["from"][code].add(d.year)
            acc["enterprises"] += int(n_ent.get(code, 0))
            acc["classes"] += float(classes.get(code, 0.0))
            acc["budget"] += float(spent.get(code, 0.0))
    out = []
    for head in sorted(per, key=lambda c: catalogue.agency(c).name):
        acc = per[head]
        includes = "; ".join(
            f"{catalogue.agency(c).name} ({_span(sorted(ys))})"
            for c, ys in sorted(acc["from"].items(), key=lambda kv: catalogue.agency(kv[0]).name)
        )
        out.append(
            row(
                "rollup",
                stt=str(len(out) + 1),
                agency=catalogue.agency(head).name,
                includes=includes or "—",
                years=fmt(len(acc["years"])),
                enterprises=fmt(acc["enterprises"]),
                classes=fmt(acc["classes"]),
                budget=fmt(acc["budget"], 1),
            )
        )
    out.append(
        row(
            "rollup",
            stt="",
            agency="Tổng cộng",
            includes="",
            years="",
            enterprises=fmt(sum(a["enterprises"] for a in per.values())),
            classes=fmt(sum(a["classes"] for a in per.values())),
            budget=fmt(sum(a["budget"] for a in per.values()), 1),
        )
    )
    return out


def _span(years: list[int]) -> str:
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}-{years[-1]}"
    return ", ".join(map(str, years))


def budget_year_values(data: list[YearData]) -> list[dict[str, Any]]:
    out = []
    for d in data:
        bud = d.table("budget")
        totals = {} if bud.empty else bud.groupby("source")["value"].sum().to_dict()
        out.append(
            {"year": d.year, "enterprises": len(d.table("enterprises"))}
            | {code: float(totals.get(code, 0.0)) for code, _ in BUDGET_SOURCES}
        )
    return out


def review_context(
    catalogue: Catalogue,
    kind: str,
    data: list[YearData],
    settings: dict[str, Any],
    issued: dt.date,
) -> dict[str, Any]:
    """The review's context; ``data`` holds the years of the review (missing years are allowed
    and said so)."""
    from .charts import budget_chart, indicator_chart

    rk = review_kind(kind)
    have = {d.year for d in data if d.summary is not None}
    data = sorted((d for d in data if d.year in have), key=lambda d: d.year)
    values = indicator_values(data)
    extra = tfp_measured(data)
    first_phase = catalogue.phase_of(2021)
    p1 = progress(catalogue, first_phase.last, values, extra) if rk.last >= first_phase.last else None
    last = progress(catalogue, rk.last, values, extra)
    totals = yearly_totals(values, catalogue)
    totals.update(extra)
    p1_by = {p.indicator.code: p for p in (p1 or [])}

    indicators = []
    lines: dict[str, list[str]] = defaultdict(list)
    for p in last:
        ind = p.indicator
        a = p1_by.get(ind.code)
        two = rk.last > first_phase.last
        indicators.append(
            row(
                "review_indicator",
                code=ind.code,
                name=ind.name,
                unit=ind.unit,
                p1_value=show(ind, a.phase_value) if a else "—",
                p1_target=a.phase_target.text if a and a.phase_target else "—",
                p1_status=(a.phase_status or "—") if a else "—",
                p2_value=show(ind, p.phase_value) if two else "—",
                p2_target=(p.phase_target.text if p.phase_target else "—") if two else "—",
                p2_status=(p.phase_status or "—") if two else "—",
                ten_value=show(ind, p.ten_year_value),
                ten_target=p.ten_year_target.text if p.ten_year_target else "—",
                ten_status=p.ten_year_status or "—",
            )
        )
        parts = []
        for q in ([a] if a else []) + ([p] if two else []):
            if q.phase_target:
                parts.append(
                    f"giai đoạn {q.phase.code} {with_unit(ind, q.phase_value)}, mục tiêu “{q.phase_target.text}” "
                    f"({q.phase_status})"
                )
        if p.ten_year_target:
            parts.append(
                f"lũy kế {rk.first}-{rk.last} {with_unit(ind, p.ten_year_value)} so với mục tiêu 2021-2030 "
                f"“{p.ten_year_target.text}” ({p.ten_year_status})"
            )
        if not parts:
            parts.append(f"lũy kế {rk.first}-{rk.last} {with_unit(ind, p.ten_year_value)}")
        parts[0] = f"{ind.name}: {parts[0]}"
        lines[catalogue.tasks[ind.task].group].append("; ".join(parts) + ".")

    indicator_years = []
    for ind in catalogue.indicators.values():
        ys = [show(ind, totals.get((ind.code, y))) for y in rk.years]
        window = [totals[(ind.code, y)] for y in rk.years if (ind.code, y) in totals]
        total = (max(window) if ind.is_deliverable else sum(window)) if window else None
        indicator_years.append(
            row("indicator_years", code=ind.code, name=ind.name, unit=ind.unit, y=ys, total=show(ind, total))
        )

    tasks = task_rows(catalogue, data, rk.first, rk.last)
    tasks_by_group = _tasks_by_group(catalogue, tasks)
    reporting = []
    n_exp = n_ok = n_late = 0
    for y in rk.years:
        d = next((d for d in data if d.year == y), None)
        if d is None:
            reporting.append(
                row(
                    "reporting_year",
                    year=str(y),
                    expected="—",
                    on_time="—",
                    late="—",
                    rejected="—",
                    missing="—",
                )
            )
            continue
        c = Counter(s["state"] for s in d.summary["status"])
        n_exp += len(d.summary["status"])
        n_ok += c["on_time"]
        n_late += c["late"]
        reporting.append(
            row(
                "reporting_year",
                year=str(y),
                expected=fmt(len(d.summary["status"])),
                on_time=fmt(c["on_time"]),
                late=fmt(c["late"]),
                rejected=fmt(c["rejected"]),
                missing=fmt(c["missing"]),
            )
        )
    missing_years = [y for y in rk.years if y not in have]
    reporting_text = (
        f"Giai đoạn {rk.first}-{rk.last}, tổng số lượt cơ quan, đơn vị phải báo cáo là {fmt(n_exp)}; "
        f"{fmt(n_ok + n_late)} lượt đã gửi báo cáo hợp lệ ({fmt(n_ok)} {STATE_LABELS['on_time'].lower()}, "
        f"{fmt(n_late)} {STATE_LABELS['late'].lower()}). Các cơ quan giải thể, hợp nhất trong năm 2025 được "
        "tính kết quả một lần, dưới tên cơ quan kế thừa hiện nay, và vẫn được ghi tên như khi báo cáo."
    )
    if missing_years:
        reporting_text += " Chưa có số liệu tổng hợp của năm: " + ", ".join(map(str, missing_years)) + "."

    byear = budget_year_values(data)
    budget_rows = [
        row(
            "budget_year",
            year=str(b["year"]),
            enterprises=fmt(b["enterprises"]),
            total=fmt(sum(b[c] for c, _ in BUDGET_SOURCES), 1),
            **{c: fmt(b[c], 1) for c, _ in BUDGET_SOURCES},
        )
        for b in byear
    ]
    budget_rows.append(
        row(
            "budget_year",
            year="Tổng cộng",
            enterprises=fmt(sum(b["enterprises"] for b in byear)),
            total=fmt(sum(b[c] for b in byear for c, _ in BUDGET_SOURCES), 1),
            **{c: fmt(sum(b[c] for b in byear), 1) for c, _ in BUDGET_SOURCES},
        )
    )
    n_ent = sum(b["enterprises"] for b in byear)
    tax_codes = set()
    for d in data:
        ent = d.table("enterprises")
        if not ent.empty:
            tax_codes |= set(ent["tax_code"].dropna().astype(str))

    last_data = data[-1] if data else None
    not_met = [p for p in last if p.ten_year_status in ("Chậm tiến độ", "Chưa thực hiện", "Không đạt")]
    if kind == "mid-term":
        next_period = "giai đoạn 2026-2030"
        next_tasks = [
            f"{p.indicator.name}: phấn đấu đạt mục tiêu 2026-2030 “{p.indicator.targets['2026-2030'].text}”"
            + (f" (giai đoạn 2021-2025 {p.phase_status.lower()})." if p.phase_status else ".")
            for p in last
            if "2026-2030" in p.indicator.targets
        ]
    else:
        next_period = "giai đoạn tiếp theo (sau năm 2030)"
        next_tasks = [
            f"Tiếp tục thực hiện chỉ tiêu “{p.indicator.name}” chưa đạt mục tiêu 2021-2030 "
            f"(lũy kế {with_unit(p.indicator, p.ten_year_value)}, mục tiêu “{p.ten_year_target.text}”)."
            for p in not_met
        ]
    if last_data is not None:
        next_tasks += narrative_lines(catalogue, [last_data], "next_year", with_year=False)

    context = {
        **settings_context(settings, issued),
        "year": str(rk.last),
        "first_year": str(rk.first),
        "last_year": str(rk.last),
        "phase": f"{rk.first}-{rk.last}",
        "years": [str(y) for y in rk.years],
        "reporting_text": reporting_text,
        "groups": group_rows(catalogue, lines, tasks_by_group),
        "indicators": indicators,
        "indicator_years": indicator_years,
        "rule_note": RULE_NOTE,
        "tasks": tasks,
        "enterprises_text": (
            f"Giai đoạn {rk.first}-{rk.last}, các cơ quan, đơn vị đã hỗ trợ {fmt(n_ent)} lượt tổ chức, "
            f"doanh nghiệp ({fmt(len(tax_codes))} mã số thuế khác nhau), với tổng kinh phí "
            f"{fmt(sum(b[c] for b in byear for c, _ in BUDGET_SOURCES), 1)} triệu đồng (chi tiết tại Phụ lục 3)."
        ),
        "enterprises_by_type": enterprises_by_type(data),
        "enterprises": enterprise_rows(catalogue, data),
        "budget_by_year": budget_rows,
        "reporting_by_year": reporting,
        "rollup": rollup_rows(catalogue, data),
        **tfp_pieces(last_data.tfp if last_data else None, rk.last),
        "chart_indicators": indicator_chart(last, f"{rk.first}-{rk.last}"),
        "chart_budget": budget_chart(byear) if byear else "",
        "achievements": narrative_lines(catalogue, data, "achievements", with_year=True),
        "difficulties": narrative_lines(catalogue, data, "difficulties", with_year=True),
        "proposals": narrative_lines(catalogue, data, "proposals", with_year=True),
        "next_tasks": next_tasks or ["Tiếp tục triển khai các nhiệm vụ của Kế hoạch."],
        "next_period": next_period,
        "submissions": submission_rows(catalogue, data),
    }
    check_context(kind, context)
    return context
