"""The "Tổng quan" tab's figures, for managers: this year's reporting rate and the deadline,
the rate of every year 2021-now (a small inline SVG chart), each indicator's cumulative result
against its phase and ten-year targets (computed exactly as the annual report computes them:
``nscl.analysis.indicators.progress`` over the curated tables), and the latest report."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from nscl.analysis.indicators import Progress, target_amount
from nscl.consolidate.status import year_status
from nscl.labels import deadline_words
from nscl.plan.catalogue import Catalogue
from nscl.reporting.checks import checks_for
from nscl.reporting.figures import indicator_figures
from nscl.reporting.yeardata import load_progress
from nscl.staff_page.common import FIRST_YEAR, fmt_time, now
from nscl.staff_page.queries import list_reports
from nscl.store import editorial, signed
from nscl.store.zones import Zones

STATE_COLOURS = {"on_time": "#1e7b34", "late": "#c27c0e", "rejected": "#b42318", "missing": "#7a2e0e"}
# Colour of an indicator's status, by how much it needs attention.
STATUS_TONE = {
    "Vượt mục tiêu": "ok",
    "Đạt": "ok",
    "Đúng tiến độ": "ok",
    "Chậm tiến độ": "warn",
    "Chưa thực hiện": "warn",
    "Không đạt": "bad",
    "Chưa đến kỳ": "none",
}


def tone(status: str | None) -> str:
    """The colour of a status; a yearly deliverable's "Đã/Chưa thực hiện năm 2021" by its word."""
    text = status or ""
    if text.startswith("Đã thực hiện năm"):
        return "ok"
    if text.startswith("Chưa thực hiện năm"):
        return "warn"
    return STATUS_TONE.get(text, "none")


def deadline_text(catalogue: Catalogue, year: int, today: dt.date) -> dict[str, Any]:
    deadline = catalogue.deadline(year)
    days = (deadline - today).days
    words = deadline_words(deadline, today)  # the e-mails sent today say the same
    tone = ("ok" if days > 10 else "warn") if days > 0 else ("warn" if days == 0 else "bad")
    return {"date": f"{deadline:%d/%m/%Y}", "days": days, "words": words, "tone": tone}


def rate(counts: dict[str, int], expected: int) -> dict[str, Any]:
    received = counts.get("on_time", 0) + counts.get("late", 0)
    pct = round(100 * received / expected) if expected else 0
    return {"received": received, "expected": expected, "percent": pct, "counts": counts}


def year_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Stacked bars (one per year, 100 % = agencies expected) as SVG rectangles."""
    width, bar, gap, height, top = 56, 34, 22, 150, 22
    bars = []
    for i, r in enumerate(rows):
        x = 40 + i * (bar + gap)
        y = top + height
        segments = []
        for state in ("on_time", "late", "rejected", "missing"):
            n = r["counts"].get(state, 0)
            h = round(height * n / r["expected"], 1) if r["expected"] else 0
            y -= h
            if h:
                segments.append(
                    {"state": state, "y": round(y, 1), "h": h, "n": n, "fill": STATE_COLOURS[state]}
                )
        bars.append(
            {"year": r["year"], "x": x, "label_x": x + bar / 2, "segments": segments, "percent": r["percent"]}
        )
    return {
        "width": 40 + len(rows) * (bar + gap) + width // 2,
        "height": top + height + 30,
        "bar": bar,
        "base": top + height,
        "top": top,
        "grid": [{"y": round(top + height * (1 - f), 1), "label": f"{int(f * 100)}%"} for f in (0, 0.5, 1)],
        "bars": bars,
    }


def _bar(p_value: float | None, target) -> int | None:
    if target is None:
        return None
    amount = target_amount(target)
    if not amount:
        return None
    return max(0, min(100, round(100 * (p_value or 0) / amount)))


def indicator_rows(prog: list[Progress]) -> list[dict[str, Any]]:
    """The report's figures (``indicator_figures``), with the bars and colours of the page."""
    rows = []
    for p, f in zip(prog, indicator_figures(prog), strict=True):
        rows.append(
            {
                **f,
                "phase_tone": tone(p.phase_status),
                "phase_bar": _bar(p.phase_value, p.phase_target),
                "ten_tone": tone(p.ten_year_status),
                "ten_bar": _bar(p.ten_year_value, p.ten_year_target),
            }
        )
    return rows


def indicator_progress(zones: Zones, catalogue: Catalogue, year: int) -> list[Progress] | None:
    """As the annual report computes it (``nscl.reporting.yeardata.load_progress``); None before
    the year's first consolidation."""
    return load_progress(zones, catalogue, year)


def overview(zones: Zones, catalogue: Catalogue, year: int, today: dt.date | None = None) -> dict[str, Any]:
    today = today or now().date()
    this = year_status(year, zones, catalogue)
    last = max(year, min(now().year, 2030))
    per_year = []
    for y in range(FIRST_YEAR, last + 1):
        s = this if y == year else year_status(y, zones, catalogue)
        per_year.append({"year": y, **rate(s["counts"], s["expected"])})
    prog = indicator_progress(zones, catalogue, year)
    groups = list_reports(zones, year)
    annual = next((g for g in groups if g["kind"] == "annual"), groups[0] if groups else None)
    return {
        "year": year,
        "rate": rate(this["counts"], this["expected"]),
        "deadline": deadline_text(catalogue, year, today),
        "per_year": per_year,
        "chart": year_chart(per_year),
        "indicators": indicator_rows(prog) if prog is not None else None,
        "latest_report": ({"label": annual["label"], **annual["versions"][0]} if annual else None),
        # "Đã ký: Số 123/BC-SKHCN ngày 28/11/2025": the signed copy of record (nscl.store.signed)
        "signed": signed.signed_label(zones, year),
        "needs_action": this["counts"].get("rejected", 0) + this["counts"].get("missing", 0),
        # What staff must settle before the year's report is approved (words against figures,
        # money to confirm): nscl.reporting.checks, as the editorial tab lists them.
        # Those staff already looked at ("Đã xem xét, giữ nguyên" with a reason) say so, and once
        # the report is approved the list is what was settled, not work still to do.
        **(_checks(zones, catalogue, year) if prog is not None else {"checks": [], "open_checks": 0, "approved": False}),
    }


def _checks(zones: Zones, catalogue: Catalogue, year: int) -> dict[str, Any]:
    state = editorial.load(zones, year, "annual")
    out = []
    for c in checks_for(zones, catalogue, year):
        seen = state.acknowledged.get(c.id)
        out.append({**asdict(c), "seen": asdict(seen) | {"at": fmt_time(seen.at)} if seen else None})
    return {
        "checks": out,
        "open_checks": sum(1 for c in out if not c["seen"]),
        "approved": bool(state.approved),
    }
