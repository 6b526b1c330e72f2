"""The mid-term review (sơ kết 2021-2025) and the final review (tổng kết 2021-2030).

They add up every year's curated tables (latest accepted submission of each agency per year),
compare each indicator with its phase and ten-year targets, and roll agencies that ceased in the
2025 restructuring up to today's successor: a result is counted once, under the successor, and
the successor's row still names the predecessor it came from ("gồm kết quả của ... (2021-2024)").
Figures elsewhere in the review (narratives, submissions) keep the agency's name of the time.

Longer than 400 lines because the reviews' context is assembled section by section; issue 12
splits it per section.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from nscl.analysis.indicators import progress, window_total, yearly_totals
from nscl.plan.catalogue import Catalogue
from nscl.reporting.context import (
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

    @property
    def title(self) -> str:
        """The wording by the number of years, e.g. "Sơ kết 05 năm", "Tổng kết 10 năm"."""
        return f"{self.label.capitalize()} {len(self.years):02d} năm"


PLAN_FIRST, MID_TERM_LAST, PLAN_LAST = 2021, 2025, 2030
# Year columns of the templates' appendix table (by year): blank columns past the range.
TEMPLATE_YEAR_COLUMNS = {"mid-term": 5, "final": 10}
REVIEWS = {
    "mid-term": ReviewKind("mid-term", PLAN_FIRST, MID_TERM_LAST, "so-ket-2021-2025", "sơ kết"),
    "final": ReviewKind("final", PLAN_FIRST, PLAN_LAST, "tong-ket-2021-2030", "tổng kết"),
}


def kind_of_range(last: int) -> str:
    """A range ending in 2025 or earlier is a mid-term review (sơ kết), later a final one (tổng kết)."""
    return "mid-term" if last <= MID_TERM_LAST else "final"


def review_kind(kind: str | None = None, first: int | None = None, last: int | None = None) -> ReviewKind:
    """The review of ``kind`` over its plan years, or over ``first``-``last`` (any range within
    2021-2030; the kind follows from ``last`` unless given). File stem ``so-ket-<first>-<last>`` /
    ``tong-ket-<first>-<last>``."""
    if kind is not None and kind not in REVIEWS:
        raise ValueError(f"loại báo cáo '{kind}' không có; dùng một trong: {', '.join(REVIEWS)}")
    if first is None and last is None:
        if kind is None:
            raise ValueError("cần loại báo cáo (mid-term/final) hoặc khoảng năm (từ năm, đến năm)")
        return REVIEWS[kind]
    base = REVIEWS[kind or kind_of_range(last if last is not None else PLAN_LAST)]
    first = base.first if first is None else int(first)
    last = base.last if last is None else int(last)
    if not PLAN_FIRST <= first <= last <= PLAN_LAST:
        raise ValueError(
            f"khoảng năm {first}-{last} không hợp lệ: cần {PLAN_FIRST} ≤ từ năm ≤ đến năm ≤ {PLAN_LAST}"
        )
    kind = kind or kind_of_range(last)
    if kind == "mid-term" and last > MID_TERM_LAST:
        raise ValueError(f"báo cáo sơ kết chỉ tính đến năm {MID_TERM_LAST}; dùng báo cáo tổng kết (final)")
    prefix = REVIEWS[kind].stem.split("-20", 1)[0]
    return ReviewKind(kind, first, last, f"{prefix}-{first}-{last}", REVIEWS[kind].label)


def default_issue_date(kind: str | ReviewKind) -> dt.date:
    """Reviews are dated mid-December of their last year (staff change it when signing)."""
    rk = kind if isinstance(kind, ReviewKind) else review_kind(kind)
    return dt.date(rk.last, 12, 15)


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
    out: list[dict[str, Any]] = []
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
    kind: str | ReviewKind,
    data: list[YearData],
    settings: dict[str, Any],
    issued: dt.date,
) -> dict[str, Any]:
    """The review's context; ``data`` holds the years of the review (missing years are allowed
    and said so). ``kind`` is "mid-term"/"final" (their plan years) or a ``ReviewKind`` of any
    range (``review_kind(first=..., last=...)``)."""
    from nscl.reporting.charts import budget_chart, indicator_chart

    rk = kind if isinstance(kind, ReviewKind) else review_kind(kind)
    kind = rk.kind
    n_columns = max(TEMPLATE_YEAR_COLUMNS[kind], len(rk.years))
    pad = [""] * (n_columns - len(rk.years))
    have = {d.year for d in data if d.summary is not None}
    data = sorted((d for d in data if d.year in have), key=lambda d: d.year)
    values = indicator_values(data)
    extra = tfp_measured(data)
    first_phase = catalogue.phase_of(2021)
    # The first phase's figures to its end, or to the last year of a shorter range (then its
    # status is against the share of the phase elapsed).
    p1 = (
        progress(catalogue, min(rk.last, first_phase.last), values, extra)
        if rk.first <= first_phase.last
        else None
    )
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
                # A range that covers only part of the phase says which years the figure covers.
                lo, hi = max(rk.first, q.phase.first), min(rk.last, q.phase.last)
                span = q.phase.code if (lo, hi) == (q.phase.first, q.phase.last) else f"{lo}-{hi}"
                parts.append(
                    f"giai đoạn {span} {with_unit(ind, q.phase_value)}, mục tiêu {q.phase.code} "
                    f"“{q.phase_target.text}” ({q.phase_status})"
                    if span != q.phase.code
                    else f"giai đoạn {span} {with_unit(ind, q.phase_value)}, mục tiêu “{q.phase_target.text}” "
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
        total = window_total(totals, ind, rk.first, rk.last)
        indicator_years.append(
            row(
                "indicator_years",
                code=ind.code,
                name=ind.name,
                unit=ind.unit,
                y=ys + pad,
                total=show(ind, total),
            )
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
        assert d.summary is not None
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
            f"(lũy kế {with_unit(p.indicator, p.ten_year_value)}, mục tiêu “{p.ten_year_target.text if p.ten_year_target else ''}”)."
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
        "review_title": rk.title,
        "years": [str(y) for y in rk.years] + pad,
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
