"""The plan as data: tasks, indicators with phase targets, the agency registry, and who is
expected to report in a year. Loaded from the YAML files in ``nscl/data`` (or the folder ``NSCL_CATALOGUE_DIR`` names) and
validated.

Longer than 400 lines because the plan's records and their validation on load belong together:
every check names the YAML file and entry it read.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from nscl.settings import FIRST_YEAR, LAST_YEAR

DATA_DIR = Path(__file__).parent / "data"
AGENCY_KINDS = {
    "department": "Sở",
    "sector_body": "Cơ quan, ban ngành",
    "district_pc": "UBND cấp huyện",
    "commune_pc": "UBND cấp xã",
    "association": "Hiệp hội, đoàn thể",
    "media": "Cơ quan báo chí",
    "school": "Trường",
    "central": "Cơ quan Trung ương",
}
TARGET_KINDS = {"range", "min", "approx", "exact", "deliverable"}
GROUPS = {"so_nganh", "ubnd_huyen", "truong", "lien_quan"}
REPORTING_DEADLINE = (11, 30)  # day the yearly reports are due: 30 November
# Loose on purpose: one address, a dot in the domain, no spaces (the SMTP server has the last word).
EMAIL_RE = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[A-Za-z]{2,}$")


class CatalogueError(ValueError):
    """A catalogue file is broken; the message names the file and the entry."""

    def __init__(self, file: str, entry: str, message: str):
        super().__init__(f"{file}: {entry}: {message}")
        self.file, self.entry = file, entry


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    kind: str
    valid_from: dt.date
    valid_to: dt.date | None = None
    successor: str | None = None
    groups: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    reports: bool = True
    email: str | None = None  # where reminders go (``<data>/contacts.yaml`` overrides it)

    def active_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def active_in(self, year: int) -> bool:
        return self.valid_from <= dt.date(year, 12, 31) and (
            self.valid_to is None or self.valid_to >= dt.date(year, 1, 1)
        )


@dataclass(frozen=True)
class Task:
    code: str
    group: str
    content: str
    lead: tuple[str, ...]
    lead_groups: tuple[str, ...]
    lead_text: str
    coordinators: tuple[str, ...]
    coordinator_groups: tuple[str, ...]
    coordinators_text: str
    product: str
    period: str
    years: tuple[int, ...]

    def covers(self, year: int) -> bool:
        return year in self.years


@dataclass(frozen=True)
class Target:
    phase: str
    kind: str
    text: str
    source: str
    value: float | None = None
    low: float | None = None
    high: float | None = None

    def describe(self) -> str:
        """The target as the plan states it, in Vietnamese."""
        return self.text


@dataclass(frozen=True)
class Phase:
    code: str
    first: int
    last: int
    name: str

    def covers(self, year: int) -> bool:
        return self.first <= year <= self.last


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str
    task: str
    targets: dict[str, Target]
    components: tuple[str, ...] = ()
    counts_enterprises: bool = False
    computed_by_pipeline: bool = False
    # False: a general target of the plan (§I) filed under the nearest task for the report's
    # grouping, which does not measure that task's product (the per-task appendix leaves it out).
    measures_task: bool = True

    @property
    def is_deliverable(self) -> bool:
        return all(t.kind == "deliverable" for t in self.targets.values())

    @property
    def reported(self) -> bool:
        """Whether agencies report this indicator in their workbooks."""
        return not self.components and not self.computed_by_pipeline


@dataclass(frozen=True)
class Expectation:
    """One agency expected to report in a year, with what its workbook asks for."""

    agency: Agency
    tasks: tuple[Task, ...]
    indicators: tuple[Indicator, ...]
    tfp_inputs: bool = False


@dataclass
class Catalogue:
    agencies: dict[str, Agency]
    tasks: dict[str, Task]
    task_groups: dict[str, str]
    indicators: dict[str, Indicator]
    phases: dict[str, Phase]
    expected_overrides: dict[int, dict[str, Any]] = field(default_factory=dict)
    # Who reports in a year, computed once per year: each received file asks for its agency's
    # expectation, and computing the list is linear in agencies (quadratic per chunk without).
    # The catalogue is never changed after loading.
    _reporters: dict[int, tuple[Expectation, ...]] = field(default_factory=dict, repr=False, compare=False)
    # Each agency's direct predecessors (the agencies whose successor it is), built once.
    _preceded_by: dict[str, list[str]] | None = field(default=None, repr=False, compare=False)

    # ---- agencies -------------------------------------------------------------------
    def agency(self, code: str) -> Agency:
        try:
            return self.agencies[code]
        except KeyError:
            raise KeyError(f"Không có cơ quan mã '{code}' trong danh mục") from None

    def active_agencies(self, year: int) -> list[Agency]:
        return [a for a in self.agencies.values() if a.active_in(year)]

    def predecessors(self, code: str) -> set[str]:
        """Every agency whose chain of successors leads to ``code``."""
        if self._preceded_by is None:
            self._preceded_by = {}
            for a in self.agencies.values():
                if a.successor:
                    self._preceded_by.setdefault(a.successor, []).append(a.code)
        preceded_by = self._preceded_by
        found: set[str] = set()
        frontier = [code]
        while frontier:
            for earlier in preceded_by.get(frontier.pop(), ()):
                if earlier not in found:
                    found.add(earlier)
                    frontier.append(earlier)
        return found

    def successor_on(self, code: str, day: dt.date) -> Agency:
        """The agency that carries ``code``'s responsibilities on ``day``."""
        agency = self.agency(code)
        while not agency.active_on(day) and agency.successor and agency.valid_to and agency.valid_to < day:
            agency = self.agencies[agency.successor]
        return agency

    def current_successor(self, code: str) -> Agency:
        agency = self.agency(code)
        while agency.successor:
            agency = self.agencies[agency.successor]
        return agency

    def in_group(self, agency: Agency, group: str) -> bool:
        return group in agency.groups

    # ---- tasks and indicators -------------------------------------------------------
    def task_roles(self, agency: Agency, year: int) -> list[tuple[Task, str]]:
        """Tasks covering ``year`` that ``agency`` leads or coordinates ("lead"/"coordinator"),
        directly, through one of its groups, or as successor of an agency that did."""
        selves = {agency.code} | self.predecessors(agency.code)
        lineage = [agency] + [self.agencies[c] for c in selves - {agency.code}]
        roles = []
        for task in self.tasks.values():
            if not task.covers(year):
                continue
            if selves & set(task.lead) or any(g in a.groups for a in lineage for g in task.lead_groups):
                roles.append((task, "lead"))
            elif selves & set(task.coordinators) or any(
                g in a.groups for a in lineage for g in task.coordinator_groups
            ):
                roles.append((task, "coordinator"))
        return roles

    def indicators_for_tasks(self, tasks: Iterable[Task]) -> list[Indicator]:
        codes = {t.code for t in tasks}
        return [i for i in self.indicators.values() if i.task in codes and i.reported]

    def reported_indicators(self) -> list[Indicator]:
        return [i for i in self.indicators.values() if i.reported]

    def phase_of(self, year: int) -> Phase:
        for p in self.phases.values():
            if p.covers(year) and p.last - p.first < 9:
                return p
        raise KeyError(f"Năm {year} nằm ngoài thời kỳ của Kế hoạch ({FIRST_YEAR}-{LAST_YEAR})")

    def ten_year_phase(self) -> Phase:
        return max(self.phases.values(), key=lambda p: p.last - p.first)

    # ---- who reports ----------------------------------------------------------------
    def deadline(self, year: int) -> dt.date:
        return dt.date(year, *REPORTING_DEADLINE)

    def expected_reporters(self, year: int) -> list[Expectation]:
        """Agencies that must report for ``year``: active on the deadline, with at least one
        task covering the year (or supplying the TFP inputs), adjusted by expected.yaml."""
        return list(self._reporters_in(year))

    def _reporters_in(self, year: int) -> tuple[Expectation, ...]:
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(f"Năm {year} nằm ngoài thời kỳ của Kế hoạch ({FIRST_YEAR}-{LAST_YEAR})")
        if year not in self._reporters:
            self._reporters[year] = tuple(self._compute_reporters(year))
        return self._reporters[year]

    def _compute_reporters(self, year: int) -> list[Expectation]:
        day = self.deadline(year)
        overrides = self.expected_overrides.get(year, {})
        removed = {entry["code"] for entry in overrides.get("remove", [])}
        added = {entry["code"] for entry in overrides.get("add", [])}
        out = []
        for agency in self.agencies.values():
            if not agency.active_on(day) or not agency.reports or agency.code in removed:
                continue
            roles = self.task_roles(agency, year)
            tfp = "tfp_inputs" in agency.roles
            if not roles and not tfp and agency.code not in added:
                continue
            tasks = tuple(t for t, _ in roles)
            indicators = () if tfp else tuple(self.indicators_for_tasks(tasks))
            out.append(Expectation(agency, tasks, indicators, tfp_inputs=tfp))
        return sorted(out, key=lambda e: e.agency.code)

    def expectation(self, year: int, code: str) -> Expectation:
        for e in self._reporters_in(year):
            if e.agency.code == code:
                return e
        raise KeyError(f"Cơ quan '{code}' không thuộc danh sách phải báo cáo năm {year}")

    def summary(self, year: int | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "tasks": len(self.tasks),
            "task_groups": len(self.task_groups),
            "indicators": len(self.indicators),
            "indicators_reported": len(self.reported_indicators()),
            "targets": sum(len(i.targets) for i in self.indicators.values()),
            "agencies": len(self.agencies),
        }
        if year is not None:
            out["year"] = year
            out["agencies_active"] = len(self.active_agencies(year))
            out["expected_reporters"] = len(self.expected_reporters(year))
        return out


# ---- loading and validation ---------------------------------------------------------


# libyaml's parser with the same safe constructor: the pure-Python one took 1.4 s for a plan of
# a thousand agencies, paid by every task that loads the plan.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)  # noqa: S506 (a safe loader)
    except FileNotFoundError:
        raise CatalogueError(path.name, "-", "không tìm thấy tệp") from None
    except yaml.YAMLError as exc:
        raise CatalogueError(path.name, "-", f"YAML không hợp lệ: {exc}") from None


def _date(value: Any, file: str, entry: str, name: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise CatalogueError(file, entry, f"{name} '{value}' không phải ngày YYYY-MM-DD") from None


def _period_years(period: str, file: str, entry: str) -> tuple[int, ...]:
    try:
        if ";" in period:
            return tuple(int(p) for p in period.split(";"))
        first, last = (int(p) for p in period.split("-"))
        return tuple(range(first, last + 1))
    except ValueError:
        raise CatalogueError(file, entry, f"thời gian thực hiện '{period}' không hợp lệ") from None


def _load_agencies(path: Path) -> dict[str, Agency]:
    file = path.name
    raw = (_read_yaml(path) or {}).get("agencies") or []
    entries: list[Agency] = []
    for i, row in enumerate(raw):
        entry = f"agencies[{i}] ({row.get('code', '?')})"
        for key in ("code", "name", "kind", "valid_from"):
            if not row.get(key):
                raise CatalogueError(file, entry, f"thiếu trường '{key}'")
        if row["kind"] not in AGENCY_KINDS:
            raise CatalogueError(file, entry, f"loại cơ quan '{row['kind']}' không hợp lệ")
        unknown_groups = set(row.get("groups") or []) - GROUPS
        if unknown_groups:
            raise CatalogueError(file, entry, f"nhóm không hợp lệ: {sorted(unknown_groups)}")
        valid_from = _date(row["valid_from"], file, entry, "valid_from")
        if valid_from is None:
            raise CatalogueError(file, entry, "thiếu trường 'valid_from'")
        valid_to = _date(row.get("valid_to"), file, entry, "valid_to")
        if valid_to and valid_from and valid_to < valid_from:
            raise CatalogueError(file, entry, "valid_to trước valid_from")
        if row.get("successor") and not valid_to:
            raise CatalogueError(file, entry, "có cơ quan kế thừa nhưng không có valid_to")
        email = row.get("email")
        if email not in (None, "") and not (isinstance(email, str) and EMAIL_RE.match(email.strip())):
            raise CatalogueError(file, entry, f"địa chỉ thư điện tử '{email}' không hợp lệ")
        entries.append(
            Agency(
                code=str(row["code"]),
                name=str(row["name"]),
                kind=row["kind"],
                valid_from=valid_from,
                valid_to=valid_to,
                successor=row.get("successor"),
                groups=tuple(row.get("groups") or ()),
                roles=tuple(row.get("roles") or ()),
                reports=bool(row.get("reports", True)),
                email=email.strip() if email else None,
            )
        )
    agencies: dict[str, Agency] = {}
    for a in entries:
        if a.code in agencies:
            other = agencies[a.code]
            overlap = (a.valid_to is None or a.valid_to >= other.valid_from) and (
                other.valid_to is None or other.valid_to >= a.valid_from
            )
            what = "hiệu lực chồng lấn" if overlap else "mã bị trùng"
            raise CatalogueError(file, f"agency {a.code}", f"{what} với một mục khác cùng mã")
        agencies[a.code] = a
    for a in agencies.values():
        if a.successor is None:
            continue
        if a.successor not in agencies:
            raise CatalogueError(file, f"agency {a.code}", f"cơ quan kế thừa '{a.successor}' không có")
        succ = agencies[a.successor]
        if a.valid_to and succ.valid_to and succ.valid_to <= a.valid_to:
            raise CatalogueError(
                file, f"agency {a.code}", f"cơ quan kế thừa '{succ.code}' hết hiệu lực trước"
            )
        seen = [a.code]
        current = a
        while current.successor:
            if current.successor in seen:
                chain = " -> ".join(seen + [current.successor])
                raise CatalogueError(file, f"agency {a.code}", f"chuỗi kế thừa lặp vòng: {chain}")
            seen.append(current.successor)
            current = agencies[current.successor]
    return agencies


def _load_tasks(path: Path, agencies: dict[str, Agency]) -> tuple[dict[str, Task], dict[str, str]]:
    file = path.name
    raw = _read_yaml(path) or {}
    groups = {str(g["code"]): g["name"] for g in raw.get("groups") or []}
    tasks: dict[str, Task] = {}
    for i, row in enumerate(raw.get("tasks") or []):
        code = str(row.get("code", "?"))
        entry = f"tasks[{i}] ({code})"
        for key in ("code", "content", "lead", "product", "period"):
            if not row.get(key):
                raise CatalogueError(file, entry, f"thiếu trường '{key}'")
        group = code.split(".")[0]
        if group not in groups:
            raise CatalogueError(file, entry, f"nhóm nhiệm vụ '{group}' không có")
        if code in tasks:
            raise CatalogueError(file, entry, "mã nhiệm vụ bị trùng")
        for key in ("lead", "coordinators"):
            for agency_code in row.get(key) or []:
                if agency_code not in agencies:
                    raise CatalogueError(
                        file, entry, f"mã cơ quan '{agency_code}' không có trong agencies.yaml"
                    )
        for key in ("lead_groups", "coordinator_groups"):
            bad = set(row.get(key) or []) - GROUPS
            if bad:
                raise CatalogueError(file, entry, f"nhóm không hợp lệ: {sorted(bad)}")
        lead_text = row.get("lead_text") or "; ".join(agencies[c].name for c in row["lead"])
        tasks[code] = Task(
            code=code,
            group=group,
            content=row["content"],
            lead=tuple(row["lead"]),
            lead_groups=tuple(row.get("lead_groups") or ()),
            lead_text=lead_text,
            coordinators=tuple(row.get("coordinators") or ()),
            coordinator_groups=tuple(row.get("coordinator_groups") or ()),
            coordinators_text=row.get("coordinators_text", ""),
            product=row["product"],
            period=str(row["period"]),
            years=_period_years(str(row["period"]), file, entry),
        )
    return tasks, groups


def _load_indicators(path: Path, tasks: dict[str, Task]) -> tuple[dict[str, Indicator], dict[str, Phase]]:
    file = path.name
    raw = _read_yaml(path) or {}
    phases = {}
    for p in raw.get("phases") or []:
        phases[str(p["code"])] = Phase(str(p["code"]), int(p["first"]), int(p["last"]), p["name"])
    indicators: dict[str, Indicator] = {}
    for i, row in enumerate(raw.get("indicators") or []):
        code = str(row.get("code", "?"))
        entry = f"indicators[{i}] ({code})"
        for key in ("code", "name", "unit", "task"):
            if not row.get(key):
                raise CatalogueError(file, entry, f"thiếu trường '{key}'")
        if row["task"] not in tasks:
            raise CatalogueError(file, entry, f"nhiệm vụ '{row['task']}' không có trong tasks.yaml")
        if code in indicators:
            raise CatalogueError(file, entry, "mã chỉ tiêu bị trùng")
        raw_targets = row.get("targets") or {}
        if not raw_targets:
            raise CatalogueError(file, entry, "chỉ tiêu không có mục tiêu (targets) nào")
        targets = {}
        for phase_code, t in raw_targets.items():
            where = f"{entry} mục tiêu {phase_code}"
            if phase_code not in phases:
                raise CatalogueError(file, where, f"giai đoạn '{phase_code}' không có")
            kind = t.get("kind")
            if kind not in TARGET_KINDS:
                raise CatalogueError(file, where, f"loại mục tiêu '{kind}' không hợp lệ")
            if not t.get("text"):
                raise CatalogueError(file, where, "thiếu nguyên văn mục tiêu (text)")
            if kind == "range" and not (
                t.get("low") is not None and t.get("high") is not None and t["low"] <= t["high"]
            ):
                raise CatalogueError(file, where, "khoảng mục tiêu cần low <= high")
            if kind in {"min", "approx", "exact"} and t.get("value") is None:
                raise CatalogueError(file, where, "thiếu giá trị mục tiêu (value)")
            targets[phase_code] = Target(
                phase=phase_code,
                kind=kind,
                text=t["text"],
                source=t.get("source", ""),
                value=t.get("value"),
                low=t.get("low"),
                high=t.get("high"),
            )
        indicators[code] = Indicator(
            code=code,
            name=row["name"],
            unit=row["unit"],
            task=row["task"],
            targets=targets,
            components=tuple(row.get("components") or ()),
            counts_enterprises=bool(row.get("counts_enterprises", False)),
            computed_by_pipeline=bool(row.get("computed_by_pipeline", False)),
            measures_task=bool(row.get("measures_task", True)),
        )
    for ind in indicators.values():
        for comp in ind.components:
            if comp not in indicators or indicators[comp].components:
                raise CatalogueError(file, f"indicator {ind.code}", f"thành phần '{comp}' không hợp lệ")
    return indicators, phases


def _load_expected(path: Path, agencies: dict[str, Agency]) -> dict[int, dict[str, Any]]:
    if not path.exists():
        return {}
    raw = (_read_yaml(path) or {}).get("years") or {}
    out = {}
    for year, spec in raw.items():
        for key in ("add", "remove"):
            for item in spec.get(key) or []:
                if item.get("code") not in agencies:
                    raise CatalogueError(
                        path.name, f"years.{year}.{key}", f"mã cơ quan '{item.get('code')}' không có"
                    )
        out[int(year)] = spec
    return out


def load_catalogue(data_dir: Path | str | None = None) -> Catalogue:
    """Load and validate the catalogue; a broken file raises CatalogueError naming it."""
    base = Path(data_dir) if data_dir else DATA_DIR
    agencies = _load_agencies(base / "agencies.yaml")
    tasks, groups = _load_tasks(base / "tasks.yaml", agencies)
    indicators, phases = _load_indicators(base / "indicators.yaml", tasks)
    expected = _load_expected(base / "expected.yaml", agencies)
    return Catalogue(agencies, tasks, groups, indicators, phases, expected)


def catalogue_dir() -> Path:
    """Where the plan's YAML files are: ``NSCL_CATALOGUE_DIR`` (a folder with agencies.yaml,
    tasks.yaml, indicators.yaml and optionally expected.yaml, e.g. another province's plan),
    else the shipped ones."""
    value = os.environ.get("NSCL_CATALOGUE_DIR", "").strip()
    return Path(value).expanduser().resolve() if value else DATA_DIR


def default_catalogue() -> Catalogue:
    """The catalogue of :func:`catalogue_dir`, loaded and validated once per folder."""
    return _catalogue_at(catalogue_dir())


@functools.cache
def _catalogue_at(folder: Path) -> Catalogue:
    return load_catalogue(folder)
