"""Progress of every indicator: the year's value, phase to date and 2021-2030 to date (sums of
the accepted submissions), each compared with its target as the plan states it.

Status rule (documented for the reports):
- the amount that meets a target: range -> its lower bound; "ít nhất" (min) and exact -> the
  value; "khoảng" (approx) -> 90 % of the value; a deliverable -> done at least once;
- "Vượt mục tiêu" above a range's upper bound; "Đạt" once the amount is met;
- before the phase ends, "Đúng tiến độ" when the total to date is at least the amount times
  the elapsed share of the phase (years elapsed / years in the phase), else "Chậm tiến độ";
- in the phase's last year, "Không đạt" when the amount is not met;
- a deliverable not yet done before the phase's last year is "Chưa thực hiện";
- an event the plan schedules in given years (task I.7: conferences in 2025 and 2030) is
  measured against the events due by the year: none due yet is "Chưa đến kỳ";
- a deliverable due every year ("hàng năm", TFP measured) is "Đã thực hiện năm 2021" (or "Chưa
  thực hiện năm 2021") until the phase's last year, then "Đạt" only if done every year due.

An indicator whose target counts organisations (``counts_enterprises``, e.g. DN_HOTRO "20-30
tổ chức, doanh nghiệp") counts distinct organisations: per year the organisations supported
that year, over a window the distinct organisations of all its years (one supported by two
agencies, or twice, counts once), when the caller passes ``organisations``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nscl.plan.catalogue import Catalogue, Indicator, Phase, Target

APPROX_TOLERANCE = 0.9

STATUS_EXCEEDED = "Vượt mục tiêu"
STATUS_ACHIEVED = "Đạt"
STATUS_ON_TRACK = "Đúng tiến độ"
STATUS_BEHIND = "Chậm tiến độ"
STATUS_MISSED = "Không đạt"
STATUS_NOT_YET = "Chưa thực hiện"
STATUS_NOT_DUE = "Chưa đến kỳ"


def done_in_year(year: int) -> str:
    return f"Đã thực hiện năm {year}"


def not_done_in_year(year: int) -> str:
    return f"Chưa thực hiện năm {year}"


def is_yearly(target: Target) -> bool:
    """A deliverable the plan wants every year ("hàng năm")."""
    return target.kind == "deliverable" and "hàng năm" in target.text.lower()


@dataclass(frozen=True)
class Progress:
    indicator: Indicator
    year: int
    year_value: float | None
    phase: Phase
    phase_value: float | None
    phase_target: Target | None
    phase_status: str | None
    ten_year_value: float | None
    ten_year_target: Target | None
    ten_year_status: str | None
    reporters: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.indicator.code,
            "name": self.indicator.name,
            "unit": self.indicator.unit,
            "year": self.year,
            "year_value": self.year_value,
            "phase": self.phase.code,
            "phase_value": self.phase_value,
            "phase_target": self.phase_target.text if self.phase_target else None,
            "phase_status": self.phase_status,
            "ten_year_value": self.ten_year_value,
            "ten_year_target": self.ten_year_target.text if self.ten_year_target else None,
            "ten_year_status": self.ten_year_status,
            "reporters": self.reporters,
        }


def _figure(value: float | None, target: Target) -> float:
    if value is None:  # the catalogue's loader refuses such a target; this is a guard
        raise ValueError(f"target without a figure: {target.text}")
    return float(value)


def target_amount(target: Target) -> float:
    if target.kind == "range":
        return _figure(target.low, target)
    if target.kind == "approx":
        return APPROX_TOLERANCE * _figure(target.value, target)
    if target.kind == "deliverable":
        return 1.0
    return _figure(target.value, target)


def status(
    target: Target | None,
    total: float | None,
    year: int,
    phase: Phase,
    due_years: tuple[int, ...] | None = None,
    done_years: set[int] | None = None,
) -> str | None:
    """The status of ``total`` against ``target`` in ``year`` (module docstring). ``due_years``:
    the years the plan schedules the task's events in, when it names them; ``done_years`` the
    years a deliverable was done (for one due every year)."""
    if target is None:
        return None
    total = total or 0.0
    amount = target_amount(target)
    if due_years is not None and target.kind == "deliverable" and is_yearly(target):
        due = [y for y in due_years if phase.first <= y <= min(year, phase.last)]
        done = done_years or set()
        if year < phase.last and year < max((y for y in due_years if y <= phase.last), default=year):
            return done_in_year(year) if year in done else not_done_in_year(year)
        return STATUS_ACHIEVED if due and all(y in done for y in due) else STATUS_MISSED
    scheduled = [y for y in (due_years or ()) if phase.first <= y <= phase.last]
    if scheduled and len(scheduled) < phase.last - phase.first + 1 and target.kind != "deliverable":
        due_now = [y for y in scheduled if y <= year]
        if total >= amount:
            return (
                STATUS_EXCEEDED
                if target.kind == "range" and target.high is not None and total > target.high
                else STATUS_ACHIEVED
            )
        if not due_now:
            return STATUS_NOT_DUE
        if year >= phase.last:
            return STATUS_MISSED
        return STATUS_ON_TRACK if total >= amount * len(due_now) / len(scheduled) else STATUS_BEHIND
    if target.kind == "range" and target.high is not None and total > target.high:
        return STATUS_EXCEEDED
    if total >= amount:
        return STATUS_ACHIEVED
    if year >= phase.last:
        return STATUS_MISSED
    if target.kind == "deliverable":
        return STATUS_NOT_YET
    elapsed = (year - phase.first + 1) / (phase.last - phase.first + 1)
    return STATUS_ON_TRACK if total >= amount * elapsed else STATUS_BEHIND


Organisations = dict[int, set[str]]


def yearly_totals(
    values, catalogue: Catalogue, organisations: Organisations | None = None
) -> dict[tuple[str, int], float]:
    """(indicator, year) -> province total: sums for counts, 1/0 for deliverables (any agency
    reporting it done); indicators with components are the sum of their components; an
    indicator counting organisations is the number of distinct ones (``organisations``)."""
    totals: dict[tuple[str, int], float] = {}
    if values is not None and not values.empty:
        frame = values.dropna(subset=["value"])
        for (code, year), group in frame.groupby(["indicator", "year"]):
            ind = catalogue.indicators.get(code)
            if ind is None:
                continue
            totals[(code, int(year))] = float(
                group["value"].max() if ind.is_deliverable else group["value"].sum()
            )
    for ind in catalogue.indicators.values():
        if ind.components:
            years = {y for (c, y) in totals if c in ind.components}
            for y in years:
                totals[(ind.code, y)] = sum(totals.get((c, y), 0.0) for c in ind.components)
    if organisations is not None:
        for ind in catalogue.indicators.values():
            if ind.counts_enterprises:
                for y, keys in organisations.items():
                    if (ind.code, y) in totals or keys:
                        totals[(ind.code, y)] = float(len(keys))
    return totals


def window_total(
    totals, ind: Indicator, first: int, last: int, organisations: Organisations | None = None
) -> float | None:
    """Total of ``ind`` over the years first..last: the sum, or for a deliverable whether it was
    done in any of them, or for organisations the distinct ones; None when no year has a figure."""
    vals = [totals[(ind.code, y)] for y in range(first, last + 1) if (ind.code, y) in totals]
    if not vals:
        return None
    if ind.counts_enterprises and organisations is not None:
        return float(len(set().union(*(organisations.get(y, set()) for y in range(first, last + 1)))))
    return max(vals) if ind.is_deliverable else sum(vals)


def progress(
    catalogue: Catalogue,
    year: int,
    values,
    extra_totals: dict[tuple[str, int], float] | None = None,
    organisations: Organisations | None = None,
) -> list[Progress]:
    """Progress for every indicator in ``year``. ``values`` is the curated indicator_values
    table of all years up to ``year``; ``extra_totals`` adds figures the pipeline computes
    (e.g. TFP measured: ("TFP_DOLUONG", year) -> 1); ``organisations`` (year -> distinct
    organisations supported) makes the organisation-counting indicators count them."""
    totals = yearly_totals(values, catalogue, organisations)
    totals.update(extra_totals or {})
    phase = catalogue.phase_of(year)
    ten = catalogue.ten_year_phase()
    reporters: dict[str, int] = {}
    if values is not None and not values.empty:
        this_year = values[(values["year"] == year) & values["value"].fillna(0).ne(0)]
        reporters = this_year.groupby("indicator")["agency_code"].nunique().to_dict()
    out = []
    for ind in catalogue.indicators.values():
        phase_value = window_total(totals, ind, phase.first, year, organisations)
        ten_value = window_total(totals, ind, ten.first, year, organisations)
        pt, tt = ind.targets.get(phase.code), ind.targets.get(ten.code)
        task = catalogue.tasks.get(ind.task)
        due = task.years if task is not None else None
        done = {y for (c, y), v in totals.items() if c == ind.code and v and y <= year}
        out.append(
            Progress(
                indicator=ind,
                year=year,
                year_value=totals.get((ind.code, year)),
                phase=phase,
                phase_value=phase_value,
                phase_target=pt,
                phase_status=status(pt, phase_value, year, phase, due, done),
                ten_year_value=ten_value,
                ten_year_target=tt,
                ten_year_status=status(tt, ten_value, year, ten, due, done),
                reporters=int(sum(reporters.get(c, 0) for c in (ind.components or (ind.code,)))),
            )
        )
    return out
