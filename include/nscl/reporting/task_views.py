"""A task of the plan seen through the year's reports: who leads it in a year (after the 2025
restructuring), what its lead agencies and its coordinators said, which indicators count its
product and how far they are, and where the lead agency's words contradict those figures."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from nscl.analysis.indicators import Progress, yearly_totals
from nscl.labels import TASK_STATUS_ORDER
from nscl.plan.catalogue import Catalogue, Indicator, Target, Task
from nscl.reporting.common import amount_text, status_lead, target_text, year_amount_text
from nscl.reporting.narrative import merge_similar
from nscl.reporting.yeardata import YearData, indicator_values, organisations, tfp_measured


def leads_in(catalogue: Catalogue, task: Task, year: int) -> list[tuple[str, list[str]]]:
    """(agency code in ``year``, codes of the plan's lead agencies it took over), in plan order."""
    out: dict[str, list[str]] = {}
    day = dt.date(year, 12, 31)
    for code in task.lead:
        now = catalogue.successor_on(code, day).code
        out.setdefault(now, [])
        if now != code:
            out[now].append(code)
    return list(out.items())


def lead_text(catalogue: Catalogue, task: Task, year: int) -> str:
    """The lead agencies as named in ``year``: "Sở Khoa học và Công nghệ (tiếp nhận từ Sở Thông
    tin và Truyền thông)"; the plan's wording where nothing changed."""
    leads = leads_in(catalogue, task, year)
    if all(not before for _, before in leads):
        return task.lead_text
    names = []
    for code, before in leads:
        name = catalogue.agency(code).name
        if before:
            name += " (tiếp nhận từ " + ", ".join(catalogue.agency(b).name for b in before) + ")"
        names.append(name)
    suffix = ""
    first = catalogue.agency(task.lead[0]).name
    if task.lead_groups and task.lead_text.startswith(first):
        suffix = task.lead_text[len(first) :]
    return "; ".join(names) + suffix


def responsible(catalogue: Catalogue, task: Task, year: int) -> set[str]:
    """Every agency whose report speaks for a lead agency of ``task`` in ``year``: the plan's
    leads and the agencies that had taken them over by the end of ``year`` (an agency that
    later took over a lead was, in the years before, a coordinator like any other)."""
    return set(task.lead) | {now for now, _ in leads_in(catalogue, task, year)}


def task_status(statuses: list[str]) -> str:
    """One status of the task from its lead agencies' statuses: theirs when they agree, else
    the least advanced one."""
    known = [s for s in statuses if s]
    if not known:
        return ""
    if len(set(known)) == 1:
        return known[0]
    working = [s for s in known if s != "Không phát sinh"] or known
    if len(set(working)) == 1:
        return working[0]
    order = {s: i for i, s in enumerate(TASK_STATUS_ORDER)}
    return max(working, key=lambda s: order.get(s, 0))


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) and value.strip() else ""


def year_view(catalogue: Catalogue, task: Task, d: YearData) -> dict[str, Any]:
    """The task in one year: status and results of the lead agencies, and the coordinators'
    words grouped by what they said (code lists). The statistics office's TFP workbook is its
    report on a task it coordinates through the statistics (TFP)."""
    frame = d.table("tasks")
    rows = frame[frame["task"] == task.code] if not frame.empty else frame
    own = responsible(catalogue, task, d.year)
    lead_rows = rows[rows["agency_code"].isin(own)] if not rows.empty else rows
    other = rows[~rows["agency_code"].isin(own)] if not rows.empty else rows
    words: dict[str, list[str]] = {}
    for _, r in other.iterrows() if not other.empty else []:
        words.setdefault(_text(r["result"]), [])
        if r["agency_code"] not in words[_text(r["result"])]:
            words[_text(r["result"])].append(r["agency_code"])
    for code in statistics_suppliers(catalogue, task, d):
        words.setdefault(TFP_INPUTS_WORDS, []).append(code)
    # Near-identical words (merge_similar) are one contribution: each text joins the first group
    # whose text it repeats, so every agency is named once per thing it did.
    groups: dict[str, list[str]] = {}
    for text, codes in words.items():
        if not text:
            continue
        rep = next((g for g in groups if _same(text, g)), text)
        groups.setdefault(rep, [])
        groups[rep] += [c for c in codes if c not in groups[rep]]
    grouped = [(t, sorted(cs)) for t, cs in groups.items()]
    grouped += [("", words[""])] if words.get("") else []
    return {
        "reported": not lead_rows.empty,
        "lead_agencies": sorted(set(lead_rows["agency_code"])) if not lead_rows.empty else [],
        "status": task_status(list(lead_rows["status"].dropna())) if not lead_rows.empty else "",
        "results": merge_similar([_text(r) for r in lead_rows["result"]]) if not lead_rows.empty else [],
        "coordinator_words": [(t, cs) for t, cs in grouped if cs],
    }


TFP_INPUTS_WORDS = (
    "Cung cấp số liệu GRDP theo giá so sánh, vốn đầu tư, lao động và bảng cân đối liên ngành (biểu số liệu "
    "tính TFP)."
)


def statistics_suppliers(catalogue: Catalogue, task: Task, d: YearData) -> list[str]:
    """Agencies whose TFP workbook of the year was used, when the task is the TFP task (one
    measured by an indicator the pipeline computes from their statistics)."""
    if not any(i.task == task.code and i.computed_by_pipeline for i in catalogue.indicators.values()):
        return []
    frame = d.table("tfp_inputs")
    if frame.empty or "agency_code" not in frame.columns:
        return []
    return sorted(set(frame["agency_code"].dropna().astype(str)))


def _same(text: str, merged: str) -> bool:
    return merge_similar([merged, text]) == [merged]


# ---------------------------------------------------------------- the plan's product, measured

ACHIEVED = ("Đạt", "Vượt mục tiêu")
STATUS_DONE = "Hoàn thành"
STATUS_WORKING = "Đang thực hiện"
STATUS_NOT_DUE = "Chưa đến kỳ"
STATUS_NOT_DONE = "Chưa hoàn thành"
STATUS_NO_REPORT = "Chưa có báo cáo"
# A lead agency's statement of no activity ("chưa tổ chức", "không phát sinh").
_NEGATIVE = re.compile(r"^\s*(chưa|không)\b", re.IGNORECASE)
_TRAILING_PAREN = re.compile(r"\s*\([^()]*\)\s*$")
PLAN_FIRST = 2021
SENTENCE = re.compile(r"(?<=[.!?])\s+")


def product_indicators(catalogue: Catalogue, task: Task) -> list[Indicator]:
    """The indicators that count the task's product: those whose ten-year target is the
    appendix's product of the task ("Phụ lục I.3": 45 lớp), else every indicator of the task."""
    own = [i for i in catalogue.indicators.values() if i.task == task.code and i.measures_task]
    product = [i for i in own if any(t.source == f"Phụ lục {task.code}" for t in i.targets.values())]
    return product or own


def measures(catalogue: Catalogue, task: Task, prog: list[Progress]) -> list[Progress]:
    """The progress of the indicators measuring the task's product (``product_indicators``)."""
    codes = {i.code for i in product_indicators(catalogue, task)}
    return [p for p in prog if p.indicator.code in codes]


def _target_and_status(p: Progress) -> tuple[Target | None, str | None, float | None, str]:
    """The product's target: the appendix's ten-year one when there is one, else the phase's."""
    if p.ten_year_target is not None:
        return p.ten_year_target, p.ten_year_status, p.ten_year_value, "2021-2030"
    return p.phase_target, p.phase_status, p.phase_value, p.phase.code


def _figure_text(p: Progress) -> str:
    """ "năm 2025 06 lớp; lũy kế 2021-2025 25 lớp, mục tiêu 2021-2030 là 45 lớp" (the unit names
    the indicator; a deliverable: its status). No parentheses: the cell's status precedes it."""
    target, st, value, window = _target_and_status(p)
    ind = p.indicator
    if ind.is_deliverable:
        if st and st.startswith("Đã thực hiện năm"):
            return st[0].lower() + st[1:]
        text = "đã thực hiện" if (value or 0) >= 1 else "chưa thực hiện"
        scope = "2021-2030" if window == "2021-2030" else f"giai đoạn {window}"
        if st in ACHIEVED:
            text += f" ({status_lead(st)} {scope})"
        elif st and st.lower() != text:
            text += f" ({st.lower()})"
        return text
    first = int(window.split("-")[0])
    text = f"năm {p.year} {'có ' if p.year_value else ''}{year_amount_text(ind, p.year_value, first=p.year == PLAN_FIRST)}"
    if p.year > first:
        text += f"; lũy kế {first}-{p.year} {'là ' if value else ''}{amount_text(ind, value)}"
    if target is not None:
        # The plan's words without a parenthesis ("02 hội nghị (năm 2025 và năm 2030)").
        text += f", mục tiêu {window} là {_TRAILING_PAREN.sub('', target_text(target))}"
    return text


def product_status(task: Task, measured: list[Progress], year: int) -> tuple[str, str] | None:
    """(status, the figures behind it) of the plan's product from the indicators measuring it:
    "Hoàn thành" only when every one is achieved; "Chưa đến kỳ" while none is due; "Đang thực
    hiện" otherwise ("Chưa hoàn thành" once the task's period is over). None when no indicator
    measures the task."""
    with_target = [p for p in measured if _target_and_status(p)[0] is not None]
    if not with_target:
        return None
    states = [_target_and_status(p)[1] or "" for p in with_target]
    detail = "; ".join(_figure_text(p) for p in with_target)
    if all(s in ACHIEVED for s in states):
        # A phase's target met is not the task done while the task runs on ("Thường xuyên").
        ten_year = all(_target_and_status(p)[3] == "2021-2030" for p in with_target)
        if ten_year or year >= max(task.years):
            return STATUS_DONE, detail
        return STATUS_WORKING, detail
    if all(s == STATUS_NOT_DUE for s in states):
        return STATUS_NOT_DUE, detail
    if year >= max(task.years):
        return STATUS_NOT_DONE, detail
    return STATUS_WORKING, detail


def lead_claim(view: dict[str, Any]) -> bool | None:
    """What the lead agency's words say of the year: True an activity, False none ("chưa ...",
    "Không phát sinh", "Chưa thực hiện"), None nothing said."""
    if not view["reported"]:
        return None
    if view["status"] in ("Chưa thực hiện", "Không phát sinh"):
        return False
    texts = [t for t in view["results"] if t]
    if not texts:
        return None
    return not all(_NEGATIVE.match(t) for t in texts)


@dataclass(frozen=True)
class Contradiction:
    """The lead agency's words against the figures of the indicators measuring its task."""

    task: str
    year: int
    agencies: tuple[str, ...]
    words: str  # what the lead agency wrote
    figures: str  # what the figures say
    claims_activity: bool


def year_totals(catalogue: Catalogue, data: list[YearData]) -> dict[tuple[str, int], float]:
    """(indicator, year) -> the year's province figure, as the reports count it."""
    totals = yearly_totals(indicator_values(data), catalogue, organisations(data))
    totals.update(tfp_measured(data))
    return totals


def contradictions(catalogue: Catalogue, data: list[YearData]) -> list[Contradiction]:
    """Every (task, year) whose lead agency states an activity that the indicators counting the
    task's product (the appendix's "45 lớp", "02 đợt") say did not happen that year (all
    reported, all zero), or states none where they count one. Indicators nobody reported decide
    nothing; a task without such an indicator is not checked."""
    totals = year_totals(catalogue, data)
    out = []
    for d in data:
        for task in catalogue.tasks.values():
            inds = [
                i
                for i in product_indicators(catalogue, task)
                if any(t.source == f"Phụ lục {task.code}" for t in i.targets.values())
            ]
            if not inds or not task.covers(d.year):
                continue
            figures = [totals.get((i.code, d.year)) for i in inds]
            if any(f is None for f in figures):
                continue
            view = year_view(catalogue, task, d)
            claim = lead_claim(view)
            happened = any(f > 0 for f in figures if f is not None)
            if claim is None or claim == happened:
                continue
            words = " ".join(view["results"]) or (view["status"] or "")
            said = "; ".join(
                f"{i.name}: năm {d.year} {year_amount_text(i, f, first=d.year == PLAN_FIRST)}"
                for i, f in zip(inds, figures, strict=True)
            )
            out.append(
                Contradiction(task.code, d.year, tuple(view["lead_agencies"]), words, said, bool(claim))
            )
    return out
