"""Per task of the plan's appendix, the lead agency's view: the lead agency as it stands in the
report's year (its predecessor named where the 2025 restructuring changed it), the task's
status and result from the lead agency's own report (or its predecessor's or successor's), and
what the coordinating agencies contributed. "Chưa có báo cáo" only when nobody responsible for
the task reported. A review gives the result year by year, every year once."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from nscl.labels import TASK_STATUS_ORDER
from nscl.plan.catalogue import Catalogue, Task
from nscl.reporting.common import count, plan_text
from nscl.reporting.names import row
from nscl.reporting.narrative import merge_similar
from nscl.reporting.yeardata import YearData

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
    """The task in one year: status and results of the lead agencies, and the coordinators'."""
    frame = d.table("tasks")
    rows = frame[frame["task"] == task.code] if not frame.empty else frame
    own = responsible(catalogue, task, d.year)
    lead_rows = rows[rows["agency_code"].isin(own)] if not rows.empty else rows
    other = rows[~rows["agency_code"].isin(own)] if not rows.empty else rows
    return {
        "reported": not lead_rows.empty,
        "status": task_status(list(lead_rows["status"].dropna())) if not lead_rows.empty else "",
        "results": merge_similar([_text(r) for r in lead_rows["result"]]) if not lead_rows.empty else [],
        "coordinators": len(set(other["agency_code"])) if not other.empty else 0,
        "coordinator_statuses": Counter(other["status"].dropna()) if not other.empty else Counter(),
        "coordinator_results": merge_similar([_text(r) for r in other["result"]]) if not other.empty else [],
    }


def _coordination(view: dict[str, Any]) -> str:
    n = view["coordinators"]
    if not n:
        return "Chưa có báo cáo của cơ quan phối hợp."
    parts = [
        f"{count(view['coordinator_statuses'][s])} {s.lower()}"
        for s in TASK_STATUS_ORDER
        if view["coordinator_statuses"][s]
    ]
    return f"{count(n)} cơ quan, đơn vị phối hợp có báo cáo" + (f" ({', '.join(parts)})." if parts else ".")


def task_rows(catalogue: Catalogue, data: list[YearData], first: int, last: int) -> list[dict[str, Any]]:
    """Appendix rows: task, lead agency (as in ``last``), plan's product, result, coordination,
    status. One year: that year's result; a range: the result of every year once, in order."""
    by_year = {d.year: d for d in data}
    years = [y for y in range(first, last + 1) if y in by_year]
    out = []
    for task in catalogue.tasks.values():
        covered = [y for y in years if task.covers(y)]
        if not any(task.covers(y) for y in range(first, last + 1)):
            continue
        views = {y: year_view(catalogue, task, by_year[y]) for y in covered}
        if first == last:
            v = views.get(last)
            if v is None:
                result, status, coord = "Chưa có số liệu tổng hợp của năm.", "Chưa có báo cáo", ""
            elif v["reported"]:
                result = " ".join(v["results"]) or "Cơ quan chủ trì chưa nêu kết quả cụ thể."
                status, coord = v["status"] or "Chưa có báo cáo", _coordination(v)
            elif v["coordinators"]:
                result = "Cơ quan chủ trì chưa báo cáo. Các cơ quan phối hợp báo cáo: " + " ".join(
                    v["coordinator_results"]
                )
                status, coord = NO_LEAD_REPORT, _coordination(v)
            else:
                result, status, coord = "Chưa có báo cáo.", "Chưa có báo cáo", "—"
        else:
            status = ""
            said: dict[str, list[int]] = {}  # each year once; years saying the same, together
            for y in covered:
                v = views[y]
                if v["reported"]:
                    text = " ".join(v["results"]) or "chưa nêu kết quả cụ thể."
                    said.setdefault(f"({(v['status'] or 'chưa rõ tình trạng').lower()}): {text}", []).append(
                        y
                    )
                    status = f"{v['status']} (năm {y})" if v["status"] else status
                elif v["coordinators"]:
                    said.setdefault(
                        ": cơ quan chủ trì chưa báo cáo, các cơ quan phối hợp có báo cáo.", []
                    ).append(y)
                else:
                    said.setdefault(": chưa có báo cáo.", []).append(y)
            lines = [
                f"{years_text(ys)} {text}".replace(" :", ":")
                for text, ys in sorted(said.items(), key=lambda kv: kv[1][0])
            ]
            result = "\n".join(lines) or "Chưa có báo cáo."
            status = status or "Chưa có báo cáo"
            n = sorted({v["coordinators"] for v in views.values()})
            coord = (
                f"Từ {count(n[0])} đến {count(n[-1])} cơ quan, đơn vị phối hợp có báo cáo mỗi năm."
                if n and n[-1] and n[0] != n[-1]
                else (f"{count(n[-1])} cơ quan, đơn vị phối hợp có báo cáo mỗi năm." if n and n[-1] else "—")
            )
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


def years_text(years: list[int]) -> str:
    """ "Năm 2021", "Năm 2021 và 2023", "Các năm 2021, 2022 và 2024"."""
    if len(years) == 1:
        return f"Năm {years[0]}"
    head = ", ".join(map(str, years[:-1]))
    return f"{'Năm' if len(years) == 2 else 'Các năm'} {head} và {years[-1]}"


def tasks_by_group(catalogue: Catalogue, tasks: list[dict[str, Any]]) -> dict[str, str]:
    """Per task group, one sentence on how many of its tasks are done (by the lead agencies)."""
    out: dict[str, Counter] = {}
    for t in tasks:
        group = catalogue.tasks[t["stt"]].group
        out.setdefault(group, Counter())[t["status"].split(" (năm")[0]] += 1
    texts = {}
    for g, c in out.items():
        n = sum(c.values())
        parts = [f"{count(v)} {k.lower()}" for k, v in sorted(c.items(), key=lambda kv: -kv[1])]
        texts[g] = (
            f"Theo báo cáo của cơ quan chủ trì, {count(n)} nhiệm vụ của nhóm này: {', '.join(parts)} "
            "(chi tiết từng nhiệm vụ tại phụ lục)."
        )
    return texts
