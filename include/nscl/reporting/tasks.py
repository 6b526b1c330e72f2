"""The per-task appendix: per task of the plan, the lead agency as it stands in the report's year
(its predecessor named where the 2025 restructuring changed it), the status from the plan's
product and the indicators counting it (``nscl.reporting.task_views``), the lead agency's
result and its own word, and the coordinating agencies with what they did. A review gives the
period's figures and every distinct activity once, under the years that reported it."""

from __future__ import annotations

from collections import Counter
from typing import Any

from nscl.analysis.indicators import Progress
from nscl.plan.catalogue import Catalogue, Task
from nscl.reporting.common import count, plan_text
from nscl.reporting.names import row
from nscl.reporting.narrative import merge_similar
from nscl.reporting.task_views import (
    SENTENCE,
    STATUS_DONE,
    STATUS_NO_REPORT,
    STATUS_NOT_DUE,
    STATUS_WORKING,
    contradictions,
    lead_text,
    measures,
    product_status,
    year_view,
)
from nscl.reporting.yeardata import YearData

UNDER_REVIEW = (
    "Nội dung cơ quan chủ trì báo cáo năm {year} chưa thống nhất với số liệu chỉ tiêu của năm (đang được rà soát, "
    "xác minh)."
)
UNDER_REVIEW_YEARS = "Nội dung cơ quan chủ trì báo cáo chưa thống nhất với số liệu chỉ tiêu của năm (đang được rà soát, xác minh)."


NAMED = 4  # agencies named in a cell; more are counted (all are listed in the reporters' appendix)


def names_text(catalogue: Catalogue, codes: list[str]) -> str:
    """ "Sở Công Thương, Sở Y tế", or for more than four only their number ("22 cơ quan, đơn
    vị"): the same long list of names in every row of the appendix says nothing a reader can
    use, and the reporters' appendix names them all."""
    names = list(dict.fromkeys(catalogue.agency(c).name for c in codes))
    if len(names) <= NAMED:
        return ", ".join(names)
    return f"{count(len(names))} cơ quan, đơn vị"


def _coordination(catalogue: Catalogue, task: Task, view: dict[str, Any]) -> str:
    """Who coordinated and what they did: the agencies' names with their words, grouped by
    what they said; the statistics office's TFP workbook counts for the TFP task."""
    parts = []
    for text, codes in view["coordinator_words"]:
        names = names_text(catalogue, codes)
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
    if not word or computed.startswith(word):
        return ""
    return f" Cơ quan chủ trì tự đánh giá: “{word}”."


def _status_for(
    task: Task, measured: list[Progress], year: int, view: dict[str, Any] | None
) -> tuple[str, str]:
    """(status cell, the figures) of a task in ``year``."""
    product = product_status(task, measured, year)
    if product is not None:
        st, detail = product
        return (f"{st}: {detail}" if st != STATUS_DONE else st), detail
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
            result = f"Theo Kế hoạch, năm {last} chưa đến kỳ thực hiện nhiệm vụ này."
            product = product_status(task, measured, last)
            held = any(y <= last for y in task.years)  # an event of the task already due (2025)
            status = (
                f"{product[0]}: {product[1]}"
                if product and held and product[0] != STATUS_DONE
                else STATUS_NOT_DUE
            )
            coord = "—"
        elif first == last:
            v = views[last]
            status, _ = _status_for(task, measured, last, v)
            if v["status"] == "Chưa thực hiện" and status.startswith(STATUS_WORKING):
                # The task runs on, but the lead agency did nothing this year: said so, rather than
                # "Đang thực hiện" beside its own "Chưa thực hiện".
                status = f"Chưa thực hiện trong năm {last}" + status[len(STATUS_WORKING) :]
            if (task.code, last) in flagged:
                result = UNDER_REVIEW.format(year=last)
            elif v["reported"]:
                result = " ".join(v["results"]) or "Cơ quan chủ trì chưa nêu kết quả cụ thể."
            elif v["coordinator_words"]:
                result = "Cơ quan chủ trì chưa báo cáo; các cơ quan phối hợp có báo cáo (cột bên)."
            else:
                result = "Chưa có báo cáo."
            result += _own_word(v, status.split(":")[0]) if (task.code, last) not in flagged else ""
            coord = _coordination(catalogue, task, v)
        else:
            status, detail = _status_for(task, measured, last, views.get(last))
            status = status.split(":")[0]  # the period's figures are in the result
            said: dict[str, list[int]] = {}  # each activity once, under the years that reported it
            for y in covered:
                v = views[y]
                if (task.code, y) in flagged:
                    sentences = [UNDER_REVIEW_YEARS]
                else:
                    sentences = [s for t in v["results"] for s in SENTENCE.split(t) if s.strip()]
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
                content=plan_text(task.content),
                lead=lead_text(catalogue, task, last),
                product=plan_text(task.product),
                result=result,
                coordination=coord,
                status=status,
            )
        )
    return out


def _coordination_range(catalogue: Catalogue, task: Task, views: dict[int, dict[str, Any]]) -> str:
    """Over a range: each contribution once, with who made it and in which years."""
    said: dict[str, tuple[list[str], set[int]]] = {}
    for y, v in sorted(views.items()):
        for text, codes in v["coordinator_words"]:
            rep = next((t for t in said if t and text and merge_similar([t, text]) == [t]), text)
            who, years = said.setdefault(rep, ([], set()))
            who += [c for c in codes if c not in who]
            years.add(y)
    if not said:
        return "Chưa có báo cáo của cơ quan phối hợp."
    parts = [
        f"{names_text(catalogue, who)} ({span_text(sorted(ys))}): "
        + (_lower_first(text) if text else "có báo cáo, chưa nêu kết quả cụ thể.")
        for text, (who, ys) in said.items()
    ]
    return " ".join(p if p.endswith(".") else p + "." for p in parts)


def span_text(years: list[int]) -> str:
    """ "2021-2025", "2021-2023, 2025"."""
    runs: list[list[int]] = []
    for y in years:
        if runs and runs[-1][-1] == y - 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def years_text(years: list[int]) -> str:
    """ "Năm 2021", "Các năm 2021-2025", "Các năm 2021-2022, 2024"."""
    if len(years) == 1:
        return f"Năm {years[0]}"
    return f"Các năm {span_text(years)}"


def tasks_by_group(catalogue: Catalogue, tasks: list[dict[str, Any]]) -> dict[str, str]:
    """Per task group, one sentence on its tasks' status (as the appendix gives it: from the
    plan's product and its indicators)."""
    out: dict[str, Counter] = {}
    for t in tasks:
        group = catalogue.tasks[t["stt"]].group
        out.setdefault(group, Counter())[t["status"].split(":")[0]] += 1
    texts = {}
    for g, c in out.items():
        n = sum(c.values())
        where = "(chi tiết từng nhiệm vụ tại phụ lục)"
        if len(c) == 1:  # one state for all: said once, without "01 ... : 01 ..."
            state = next(iter(c)).lower()
            texts[g] = (
                f"Nhiệm vụ của nhóm này {state} {where}."
                if n == 1
                else f"Cả {count(n)} nhiệm vụ của nhóm này {state} {where}."
            )
            continue
        parts = [f"{count(v)} {k.lower()}" for k, v in sorted(c.items(), key=lambda kv: -kv[1])]
        texts[g] = f"Trong {count(n)} nhiệm vụ của nhóm này: {', '.join(parts)} {where}."
    return texts
