"""The sections of a review (sơ kết / tổng kết), each built from every year's curated tables:
indicators per phase and ten years, indicators year by year, who reported each year, budget
by year with a total row, and results per agency of today (agencies that ceased in 2025 rolled
up to their successor, counted once)."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from nscl.analysis.indicators import Progress, window_total
from nscl.labels import BUDGET_SOURCES, STATE_LABELS
from nscl.plan.catalogue import Catalogue, Indicator
from nscl.reporting.common import amount_text, count, fmt, judged_text, show, target_text, target_words
from nscl.reporting.names import row
from nscl.reporting.yeardata import YearData


def indicator_pieces(
    catalogue: Catalogue, first: int, last: int, p1: list[Progress] | None, final: list[Progress]
) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """The indicator table rows and the sentences of section II per task group."""
    first_phase = catalogue.phase_of(2021)
    p1_by = {p.indicator.code: p for p in (p1 or [])}
    two = last > first_phase.last
    rows, lines = [], defaultdict(list)
    for i, p in enumerate(final, start=1):
        ind = p.indicator
        a = p1_by.get(ind.code)
        rows.append(
            row(
                "review_indicator",
                stt=str(i),
                name=ind.name,
                unit=ind.unit,
                p1_value=show(ind, a.phase_value) if a else "—",
                p1_target=target_text(a.phase_target) if a else "—",
                p1_status=(a.phase_status or "—") if a else "—",
                p2_value=show(ind, p.phase_value) if two else "—",
                p2_target=target_text(p.phase_target) if two else "—",
                p2_status=(p.phase_status or "—") if two else "—",
                ten_value=show(ind, p.ten_year_value),
                ten_target=target_text(p.ten_year_target),
                ten_status=p.ten_year_status or "—",
            )
        )
        parts = []
        for q in ([a] if a else []) + ([p] if two else []):
            lo, hi = max(first, q.phase.first), min(last, q.phase.last)
            label = q.phase.code if (lo, hi) == (q.phase.first, q.phase.last) else f"{lo}-{hi}"
            piece = f"giai đoạn {label} {_had(ind, q.phase_value)}"
            if q.phase_target and q.phase_status:
                piece += judged_text(
                    [(q.phase_status, f"giai đoạn {q.phase.code} ({target_words(q.phase_target)})")],
                    piece.endswith("chưa thực hiện"),
                )
            parts.append(piece)
        ten = (
            [(p.ten_year_status, f"2021-2030 ({target_words(p.ten_year_target)})")]
            if p.ten_year_target and p.ten_year_status
            else []
        )
        if parts and not two:
            if ten:  # one window: the ten years' judgement follows the phase's in one sentence
                parts[-1] += (
                    judged_text(ten).replace(", ", " và ", 1) if a and a.phase_target else judged_text(ten)
                )
        else:
            parts.append(f"lũy kế {first}-{last} là {amount_text(ind, p.ten_year_value)}" + judged_text(ten))
        parts[0] = f"{ind.name}: {parts[0]}"
        lines[catalogue.tasks[ind.task].group].append("; ".join(parts) + ".")
    return rows, lines


def _had(ind: Indicator, value: float | None) -> str:
    """ "có 25 lớp", "chưa có lớp nào", "đã thực hiện"."""
    text = amount_text(ind, value)
    return f"có {text}" if value and not ind.is_deliverable else text


def indicator_year_rows(
    catalogue: Catalogue, totals, years: list[int], pad: list[str], organisations
) -> list[dict[str, Any]]:
    out = []
    for i, ind in enumerate(catalogue.indicators.values(), start=1):
        ys = [show(ind, totals.get((ind.code, y))) for y in years]
        total = window_total(totals, ind, years[0], years[-1], organisations)
        out.append(
            row(
                "indicator_years",
                stt=str(i),
                name=ind.name,
                unit=ind.unit,
                y=ys + pad,
                total=show(ind, total),
            )
        )
    return out


def reporting_pieces(
    years: list[int], data: list[YearData], first: int, last: int
) -> tuple[list[dict[str, Any]], str]:
    by_year = {d.year: d for d in data}
    rows = []
    n_exp = n_ok = n_late = 0
    for y in years:
        d = by_year.get(y)
        if d is None or d.summary is None:
            rows.append(
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
        rows.append(
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
    text = (
        f"Giai đoạn {first}-{last}, tổng số lượt cơ quan, đơn vị phải báo cáo là {count(n_exp)}; "
        f"{count(n_ok + n_late)} lượt đã gửi báo cáo hợp lệ ({count(n_ok)} {STATE_LABELS['on_time'].lower()}, "
        f"{count(n_late)} lượt {STATE_LABELS['late'].lower()}). Kết quả của các cơ quan giải thể, hợp nhất trong năm 2025 được tính "
        "một lần, dưới tên cơ quan kế thừa hiện nay."
    )
    missing = [y for y in years if y not in by_year or by_year[y].summary is None]
    if missing:
        text += " Chưa có số liệu tổng hợp của năm: " + ", ".join(map(str, missing)) + "."
    return rows, text


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


def budget_year_rows(byear: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = [
        row(
            "budget_year",
            year=str(b["year"]),
            enterprises=fmt(b["enterprises"]),
            total=fmt(sum(b[c] for c, _ in BUDGET_SOURCES), 1),
            **{c: fmt(b[c], 1) for c, _ in BUDGET_SOURCES},
        )
        for b in byear
    ]
    rows.append(
        row(
            "budget_year",
            year="Tổng cộng",
            enterprises=fmt(sum(b["enterprises"] for b in byear)),
            total=fmt(sum(b[c] for b in byear for c, _ in BUDGET_SOURCES), 1),
            **{c: fmt(sum(b[c] for b in byear), 1) for c, _ in BUDGET_SOURCES},
        )
    )
    return rows


def _span(years: list[int]) -> str:
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}-{years[-1]}"
    return ", ".join(map(str, years))


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
