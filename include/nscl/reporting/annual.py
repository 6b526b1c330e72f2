"""The annual report's context, section by section: I. who reported; II. results per task
group (each indicator's sentence, the tasks' status by their lead agencies); the summary table
of indicators (an appendix on a landscape page), enterprises and budget, TFP; III-V the
narrative (the staff's text where they wrote one, else the draft from the agencies' words)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from nscl.analysis.indicators import Progress
from nscl.labels import STATE_LABELS
from nscl.plan.catalogue import Catalogue
from nscl.reporting.charts import indicator_chart
from nscl.reporting.common import (
    RULE_NOTE,
    amount_text,
    count,
    judged_text,
    settings_context,
    target_words,
    year_amount_text,
)
from nscl.reporting.figures import (
    budget_rows,
    budget_sentence,
    budget_totals,
    enterprise_funding,
    enterprise_rows,
    enterprises_by_type,
    indicator_figures,
    reporter_rows,
    submission_rows,
    support_counts,
    support_sentence,
    unconfirmed_money,
)
from nscl.reporting.names import ROW_FIELDS, check_context, row
from nscl.reporting.narrative import behind_sentence, draft_sections, spell_out_first
from nscl.reporting.sections import (
    direction_pieces,
    group_rows,
    issuer_names,
    request_text,
    scope_paragraph,
    table_scope_note,
)
from nscl.reporting.tasks import task_rows, tasks_by_group
from nscl.reporting.tfp_tables import tfp_pieces
from nscl.reporting.yeardata import YearData

BEHIND = ("Chậm tiến độ", "Chưa thực hiện", "Không đạt")


def to_date(year: int) -> str:
    """ "lũy kế 2021-2024", or in the plan's first year "năm 2021"."""
    return f"lũy kế 2021-{year}" if year > 2021 else f"năm {year}"


def indicator_sentence(p: Progress, events: int | None = None) -> str:
    """One line of section II as prose: the year's figure, the figures to date, and how they
    stand against the phase's and the ten years' targets ("..., đúng tiến độ so với mục tiêu giai
    đoạn 2021-2025 (02-04 đợt tuyên truyền) và mục tiêu 2021-2030 (07-09 đợt)")."""
    ind = p.indicator
    year_part = year_amount_text(ind, p.year_value, first=p.year == 2021)
    done_before = ind.is_deliverable and not p.year_value and (p.phase_value or p.ten_year_value or 0) >= 1
    if done_before:  # a one-off product delivered in an earlier year of the window
        year_part = "không thực hiện thêm"
    elif p.year_value and not ind.is_deliverable:
        year_part = f"có {year_part}"
    if ind.counts_enterprises and events and events != (p.year_value or 0):
        year_part += f" ({count(events)} lượt hỗ trợ)"
    text = f"{ind.name}: năm {p.year} {year_part}"
    if p.year > 2021 and not ind.is_deliverable:
        if p.phase_target and p.phase.first > 2021 and p.year > p.phase.first:
            text += f", lũy kế giai đoạn {p.phase.first}-{p.year} là {amount_text(ind, p.phase_value)}"
        if p.ten_year_target or (p.phase_target and p.phase.first == 2021):
            value = p.ten_year_value if p.ten_year_target else p.phase_value
            text += f", lũy kế 2021-{p.year} là {amount_text(ind, value)}"
    judged = []
    if p.phase_target and p.phase_status:
        judged.append((p.phase_status, f"giai đoạn {p.phase.code} ({target_words(p.phase_target)})"))
    if p.ten_year_target and p.ten_year_status:
        judged.append((p.ten_year_status, f"2021-2030 ({target_words(p.ten_year_target)})"))
    return text + judged_text(judged, year_part == "chưa thực hiện") + "."


def reporting_sentence(catalogue: Catalogue, year: int, status: list[dict[str, Any]]) -> str:
    c = Counter(s["state"] for s in status)
    names = defaultdict(list)
    for s in status:  # in running text the committees are named in full ("Ủy ban nhân dân huyện Ân Thi")
        names[s["state"]].append(str(s["agency_name"]).replace("UBND ", "Ủy ban nhân dân "))
    text = (
        f"Năm {year}, có {count(len(status))} cơ quan, đơn vị thuộc diện báo cáo kết quả thực hiện Kế hoạch "
        f"(hạn gửi báo cáo ngày {catalogue.deadline(year).strftime('%d/%m/%Y')}). "
    )
    sent = c["on_time"] + c["late"]
    if not c["missing"] and not c["rejected"]:
        text += "Tất cả các cơ quan, đơn vị đã gửi báo cáo hợp lệ"
    else:
        text += f"{count(sent)} cơ quan, đơn vị đã gửi báo cáo hợp lệ"
    if c["late"]:
        text += f" ({count(c['on_time'])} đúng hạn, {count(c['late'])} {STATE_LABELS['late'].lower()})"
    text += "."
    if c["rejected"]:
        text += (
            f" {count(c['rejected'])} đơn vị có báo cáo phải sửa, chưa gửi lại: "
            + ", ".join(names["rejected"])
            + "."
        )
    if c["missing"]:
        text += f" {count(c['missing'])} đơn vị chưa gửi báo cáo: " + ", ".join(names["missing"]) + "."
    return text + " Danh sách chi tiết tại Phụ lục 4."


def own_next_tasks(progress: list[Progress], year: int) -> list[str]:
    """The Department's own next tasks the figures call for: indicators behind their target,
    in one sentence (``nscl.reporting.narrative.behind_sentence``)."""
    behind = [
        p
        for p in progress
        if (p.ten_year_target and p.ten_year_status in BEHIND) or (p.phase_target and p.phase_status in BEHIND)
    ]
    return behind_sentence(behind, to_date(year))


def annual_draft(
    catalogue: Catalogue, year: int, progress: list[Progress], data: list[YearData], settings: dict[str, Any]
) -> dict[str, list[str]]:
    """The narrative sections drafted for the year (what staff start from)."""
    this = next(d for d in data if d.year == year)
    return draft_sections(
        catalogue, [this], issuer_names(settings), f"năm {year + 1}", own_next_tasks(progress, year)
    )


def annual_context(
    catalogue: Catalogue,
    year: int,
    progress: list[Progress],
    data: list[YearData],
    settings: dict[str, Any],
    issued: dt.date | None,
    texts: dict[str, list[str]] | None = None,
    draft: bool = True,
) -> dict[str, Any]:
    """The annual report's context. ``data`` holds every year 2021..``year`` (the last is the
    report's year); ``progress`` comes from ``nscl.analysis.indicators.progress``; ``texts``
    the staff's narrative sections (the draft where a section has none); ``draft`` prints the
    "DỰ THẢO" mark; ``issued`` None leaves the date for the clerk."""
    this = next(d for d in data if d.year == year)
    phase = catalogue.phase_of(year)
    events, _orgs = support_counts(data, year)
    lines: dict[str, list[str]] = defaultdict(list)
    for p in progress:
        lines[catalogue.tasks[p.indicator.task].group].append(
            indicator_sentence(p, events if p.indicator.counts_enterprises else None)
        )
    tasks = task_rows(catalogue, [this], year, year, progress)
    totals = budget_totals([this])
    narrative = spell_out_first({**annual_draft(catalogue, year, progress, data, settings), **(texts or {})})
    two = phase.first > 2021
    context = {
        **settings_context(settings, issued, year, draft),
        "year": str(year),
        "first_year": str(phase.first),
        "last_year": str(year),
        "phase": phase.code,
        "scope_note": scope_paragraph(catalogue, year, year, this),
        "request_text": request_text(this.direction),
        "table_scope_note": table_scope_note(catalogue, year, this),
        "cum_phase_head": f"Lũy kế giai đoạn {phase.code} (đến hết năm {year})"
        if two
        else f"Lũy kế đến hết năm {year}",
        "cum_ten_head": f"Lũy kế 2021-{year}",
        "two_cumulatives": "1" if two else "",
        "first_plan_year": "1" if year == 2021 else "",
        **dict(
            zip(("direction_intro", "direction"), direction_pieces(this.direction, year, year), strict=True)
        ),
        "reporting_text": reporting_sentence(catalogue, year, (this.summary or {}).get("status", [])),
        "groups": group_rows(catalogue, lines, tasks_by_group(catalogue, tasks)),
        "indicators": [
            row("indicator", stt=str(i), **{k: f[k] for k in ROW_FIELDS["indicator"] if k != "stt"})
            for i, f in enumerate(indicator_figures(progress), start=1)
        ],
        "rule_note": RULE_NOTE,
        "tasks": tasks,
        "enterprises_text": (
            f"Năm {year}, các cơ quan, đơn vị {support_sentence(data, year)} (danh sách tại Phụ lục 3). "
            + budget_sentence(
                totals,
                enterprise_funding([this]),
                f"năm {year}",
                "Phụ lục 3",
                unconfirmed_money(catalogue, [this]),
            )
        ),
        "enterprises_by_type": enterprises_by_type([this]),
        "enterprises": enterprise_rows(catalogue, [this]),
        "budget": budget_rows(totals),
        **tfp_pieces(this.tfp, year),
        "chart_indicators": indicator_chart(progress, f"2021-{year}"),
        "achievements": narrative["achievements"],
        "difficulties": narrative["difficulties"],
        "proposals": narrative["proposals"],
        "next_tasks": narrative["next_tasks"],
        "next_period": f"năm {year + 1}",
        "reporters": reporter_rows(this),
        "submissions": submission_rows(catalogue, [this]),
    }
    check_context("annual", context)
    return context
