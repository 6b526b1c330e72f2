"""Per task of the plan's appendix, the lead agency's view: the lead agency as it stands in the
report's year (its predecessor named where the 2025 restructuring changed it), the task's
status and result from the lead agency's own report (or its predecessor's or successor's), and
what the coordinating agencies contributed. "Chưa có báo cáo" only when nobody responsible for
the task reported. A review gives the result year by year, every year once."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from nscl.analysis.indicators import Progress, yearly_totals
from nscl.labels import TASK_STATUS_ORDER
from nscl.plan.catalogue import Catalogue, Indicator, Target, Task
from nscl.reporting.common import amount_text, count, fmt_deliverable, target_text, year_amount_text
from nscl.reporting.names import row
from nscl.reporting.narrative import merge_similar
from nscl.reporting.yeardata import YearData, indicator_values, organisations, tfp_measured

NO_LEAD_REPORT = "Chưa có báo cáo của cơ quan chủ trì"


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
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def product_indicators(catalogue: Catalogue, task: Task) -> list[Indicator]:
    """The indicators that count the task's product: those whose ten-year target is the
    appendix's product of the task ("Phụ lục I.3": 45 lớp), else every indicator of the task."""
    own = [i for i in catalogue.indicators.values() if i.task == task.code]
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
    """ "Lớp tập huấn ...: năm 2025 06 lớp, lũy kế 2021-2025 25 lớp/mục tiêu 45 lớp"."""
    target, st, value, window = _target_and_status(p)
    ind = p.indicator
    if ind.is_deliverable:
        return f"{ind.name}: {(st or fmt_deliverable(p.year_value)).lower()}"
    first = int(window.split("-")[0])
    text = f"{ind.name}: năm {p.year} {year_amount_text(ind, p.year_value)}"
    if p.year > first:
        text += f", lũy kế {first}-{p.year} {amount_text(ind, value)}"
    return text + (f" (mục tiêu {window}: {target_text(target)})" if target is not None else "")


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
                f"{i.name}: năm {d.year} {year_amount_text(i, f)}" for i, f in zip(inds, figures, strict=True)
            )
            out.append(
                Contradiction(task.code, d.year, tuple(view["lead_agencies"]), words, said, bool(claim))
            )
    return out


UNDER_REVIEW = (
    "Nội dung cơ quan chủ trì báo cáo năm {year} chưa thống nhất với số liệu chỉ tiêu của năm (đang được rà soát, "
    "xác minh)."
)
UNDER_REVIEW_YEARS = "Nội dung cơ quan chủ trì báo cáo chưa thống nhất với số liệu chỉ tiêu của năm (đang được rà soát, xác minh)."


def _coordination(catalogue: Catalogue, task: Task, view: dict[str, Any]) -> str:
    """Who coordinated and what they did: the agencies' names with their words, grouped by
    what they said; the statistics office's TFP workbook counts for the TFP task."""
    parts = []
    for text, codes in view["coordinator_words"]:
        names = ", ".join(catalogue.agency(c).name for c in codes)
        parts.append(
            f"{names}: {_lower_first(text)}" if text else f"{names}: có báo cáo, chưa nêu kết quả cụ thể."
        )
    if not parts:
        return "Chưa có báo cáo của cơ quan phối hợp."
    return " ".join(p if p.endswith(".") else p + "." for p in parts)


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:] if text[:1].isupper() and not text[:2].isupper() else text


def _own_word(view: dict[str, Any], computed: str) -> str:
    """The lead agency's own assessment, quoted as its word, where it differs from the status."""
    word = view["status"]
    if not word or word.split(" (")[0] == computed:
        return ""
    return f" Cơ quan chủ trì tự đánh giá: “{word}”."


def _status_for(
    task: Task, measured: list[Progress], year: int, view: dict[str, Any] | None
) -> tuple[str, str]:
    """(status cell, the figures) of a task in ``year``."""
    product = product_status(task, measured, year)
    if product is not None:
        st, detail = product
        return (f"{st} ({detail})" if st != STATUS_DONE else st), detail
    # No indicator measures the product ("Thường xuyên", "Theo kế hoạch của Bộ"): the work goes
    # on until the task's last year; the lead agency's word is quoted as its own.
    if view is None or not view["reported"]:
        return STATUS_NO_REPORT, ""
    word = view["status"] or ""
    if year < max(task.years) and word not in ("Chưa thực hiện", "Không phát sinh"):
        return STATUS_WORKING, ""
    return word or STATUS_WORKING, ""


def task_rows(
    catalogue: Catalogue,
    data: list[YearData],
    first: int,
    last: int,
    prog: list[Progress] | None = None,
) -> list[dict[str, Any]]:
    """Appendix rows: task, lead agency (as in ``last``), plan's product, result, coordination,
    status. The status follows from the plan's product and the indicators measuring it
    (``prog``, the progress in ``last``), the lead agency's own assessment quoted as its word.
    One year: that year's result; a range: the period's figures, then every distinct activity
    once, under the years that reported it, in order. A year whose words contradict its figures
    (``contradictions``) prints neither claim alone."""
    by_year = {d.year: d for d in data}
    years = [y for y in range(first, last + 1) if y in by_year]
    prog = prog if prog is not None else []
    flagged = {(c.task, c.year) for c in contradictions(catalogue, [by_year[y] for y in years])}
    out = []
    for task in catalogue.tasks.values():
        covered = [y for y in years if task.covers(y)]
        later = [y for y in task.years if y > last]
        if not covered and not later:
            continue
        measured = measures(catalogue, task, prog)
        views = {y: year_view(catalogue, task, by_year[y]) for y in covered}
        if not covered:
            # An event the plan schedules in a later year (the 2025 and 2030 conferences).
            result = f"Theo Kế hoạch, thực hiện vào năm {', '.join(map(str, later))}."
            product = product_status(task, measured, last)
            status = (
                f"{product[0]} ({product[1]})" if product and product[0] != STATUS_DONE else STATUS_NOT_DUE
            )
            coord = "—"
        elif first == last:
            v = views[last]
            status, _ = _status_for(task, measured, last, v)
            if (task.code, last) in flagged:
                result = UNDER_REVIEW.format(year=last)
            elif v["reported"]:
                result = " ".join(v["results"]) or "Cơ quan chủ trì chưa nêu kết quả cụ thể."
            elif v["coordinator_words"]:
                result = "Cơ quan chủ trì chưa báo cáo; các cơ quan phối hợp có báo cáo (cột bên)."
            else:
                result = "Chưa có báo cáo."
            result += _own_word(v, status.split(" (")[0]) if (task.code, last) not in flagged else ""
            coord = _coordination(catalogue, task, v)
        else:
            status, detail = _status_for(task, measured, last, views.get(last))
            status = status.split(" (")[0]  # the period's figures are in the result
            said: dict[str, list[int]] = {}  # each activity once, under the years that reported it
            for y in covered:
                v = views[y]
                if (task.code, y) in flagged:
                    sentences = [UNDER_REVIEW_YEARS]
                else:
                    sentences = [s for t in v["results"] for s in _SENTENCE.split(t) if s.strip()]
                for sentence in sentences:
                    said.setdefault(sentence.strip(), []).append(y)
            lines = [f"Kết quả {first}-{last}: {detail}."] if detail else []
            lines += [
                f"{years_text(ys)}: {_lower_first(text)}"
                for text, ys in sorted(said.items(), key=lambda kv: kv[1][0])
            ]
            unreported = [y for y in covered if not views[y]["reported"]]
            if unreported:
                lines.append(f"{years_text(unreported)}: cơ quan chủ trì chưa báo cáo.")
            result = "\n".join(lines) or "Chưa có báo cáo."
            coord = _coordination_range(catalogue, task, views)
        out.append(
            row(
                "task",
                stt=task.code,
                content=task.content,
                lead=lead_text(catalogue, task, last),
                product=task.product,
                result=result,
                coordination=coord,
                status=status,
            )
        )
    return out


def _coordination_range(catalogue: Catalogue, task: Task, views: dict[int, dict[str, Any]]) -> str:
    """Over a range: each coordinating agency once, with the years it reported."""
    years_by: dict[str, list[int]] = {}
    for y, v in views.items():
        for _, codes in v["coordinator_words"]:
            for c in codes:
                years_by.setdefault(c, []).append(y)
    if not years_by:
        return "Chưa có báo cáo của cơ quan phối hợp."
    names: dict[str, list[int]] = {}
    for c, ys in years_by.items():
        names.setdefault(catalogue.agency(c).name, []).extend(ys)
    return "; ".join(f"{n} ({years_text(sorted(set(ys))).lower()})" for n, ys in names.items()) + "."


def years_text(years: list[int]) -> str:
    """ "Năm 2021", "Năm 2021 và 2023", "Các năm 2021, 2022 và 2024"."""
    if len(years) == 1:
        return f"Năm {years[0]}"
    head = ", ".join(map(str, years[:-1]))
    return f"{'Năm' if len(years) == 2 else 'Các năm'} {head} và {years[-1]}"


def tasks_by_group(catalogue: Catalogue, tasks: list[dict[str, Any]]) -> dict[str, str]:
    """Per task group, one sentence on its tasks' status (as the appendix gives it: from the
    plan's product and its indicators)."""
    out: dict[str, Counter] = {}
    for t in tasks:
        group = catalogue.tasks[t["stt"]].group
        out.setdefault(group, Counter())[t["status"].split(" (")[0]] += 1
    texts = {}
    for g, c in out.items():
        n = sum(c.values())
        parts = [f"{count(v)} {k.lower()}" for k, v in sorted(c.items(), key=lambda kv: -kv[1])]
        texts[g] = (
            f"Trong {count(n)} nhiệm vụ của nhóm này: {', '.join(parts)} (chi tiết từng nhiệm vụ tại phụ lục)."
        )
    return texts
