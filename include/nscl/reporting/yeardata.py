"""The inputs of a report: what the consolidation left for each year (summary, TFP result,
curated tables), the submissions it uses, and the distinct organisations supported."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from nscl.analysis.indicators import Progress, progress
from nscl.plan.catalogue import Catalogue
from nscl.store import direction as direction_register
from nscl.store.curated import load_summary, load_table
from nscl.store.zones import Zones


@dataclass
class YearData:
    """What the consolidation left for one year: summary, TFP result and curated tables."""

    year: int
    summary: dict[str, Any] | None
    tfp: dict[str, Any] | None
    tables: dict[str, Any] = field(default_factory=dict)
    direction: list[direction_register.Entry] = field(default_factory=list)  # the year's register

    def table(self, name: str):
        import pandas as pd

        frame = self.tables.get(name)
        return frame if frame is not None else pd.DataFrame()

    @property
    def used(self):
        subs = self.table("submissions")
        return subs[subs["state"] == "used"] if not subs.empty else subs


def load_year(zones: Zones, year: int) -> YearData:
    folder = zones.curated(year)
    # Through the store: a consolidation killed half-way is finished or undone first.
    summary = load_summary(zones, year)
    tfp = None
    if (folder / "tfp.json").exists():
        tfp = json.loads((folder / "tfp.json").read_text(encoding="utf-8"))
    tables = {
        t: load_table(zones, year, t)
        for t in (
            "submissions",
            "indicator_values",
            "tasks",
            "enterprises",
            "budget",
            "narratives",
            "tfp_inputs",
        )
    }
    return YearData(year, summary, tfp, tables, direction_register.load(zones, year))


def indicator_values(data: list[YearData]):
    import pandas as pd

    frames = [d.tables["indicator_values"] for d in data if d.tables.get("indicator_values") is not None]
    return pd.concat(frames, ignore_index=True) if frames else None


def tfp_measured(data: list[YearData]) -> dict[tuple[str, int], float]:
    """The pipeline's own indicator: TFP computed in a year."""
    return {("TFP_DOLUONG", d.year): 1.0 for d in data if d.tfp and d.tfp.get("available")}


def inputs_of(data: list[YearData]) -> list[dict[str, Any]]:
    """The submissions a report uses (every year's latest accepted file per agency)."""
    out = []
    for d in data:
        for _, s in d.used.iterrows():
            out.append(
                {
                    "year": d.year,
                    "agency_code": s["agency_code"],
                    "original_name": s["original_name"],
                    "sha256": s["sha256"],
                    "received_at": s["received_at"],
                    "late": bool(s["late"]),
                }
            )
    return out


def last_input(data: list[YearData]) -> tuple[dt.datetime, str] | None:
    """The latest receipt time of the files a report uses, and whose file it was."""
    best: tuple[dt.datetime, str] | None = None
    for s in inputs_of(data):
        if not s["received_at"] or s["received_at"] != s["received_at"]:
            continue
        at = dt.datetime.fromisoformat(str(s["received_at"]))
        if best is None or at > best[0]:
            best = (at, s["agency_code"])
    return best


_PUNCTUATION = re.compile(r"[^\w\s]")
_FLOAT_TEXT = re.compile(r"^\s*(\d+)\.0+\s*$")


def tax_code_key(tax_code: Any) -> str:
    """A tax code as digits, however typed: spaces, dots or dashes between the digits, a number
    that a spreadsheet stored as 900123456 or 900123456.0 (the leading zero lost: Vietnamese
    tax codes have 10 digits, 13 for a branch, so 9 or 12 digits get it back). "" when none."""
    if tax_code is None or (isinstance(tax_code, float) and tax_code != tax_code):
        return ""
    if isinstance(tax_code, float) and tax_code.is_integer():
        text = str(int(tax_code))
    else:
        text = str(tax_code)
        m = _FLOAT_TEXT.match(text)
        text = m.group(1) if m else text
    digits = re.sub(r"\D", "", text)
    if len(digits) in (9, 12):
        digits = "0" + digits
    return digits


def name_key(name: Any) -> str:
    """A name as compared: Unicode NFC (a name typed in NFD is the same name), case,
    punctuation and spacing ignored. "" when none."""
    if name is None or (isinstance(name, float) and name != name):
        return ""
    text = unicodedata.normalize("NFC", str(name)).casefold()
    return " ".join(_PUNCTUATION.sub(" ", text).split())


def organisation_key(name: Any, tax_code: Any) -> str:
    """The key of one row taken alone: its tax code, else its name (see ``organisation_ids``
    for rows that share either)."""
    tax = tax_code_key(tax_code)
    return f"mst:{tax}" if tax else f"ten:{name_key(name)}"


def organisation_ids(rows: list[tuple[Any, Any]]) -> list[str]:
    """One id per (name, tax code) row, the same for rows of one organisation: rows sharing a
    tax code (``tax_code_key``) or a name (``name_key``; an enterprise's name is unique) are one
    organisation, also through a chain (A and B share the tax code, B and C the name)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    nodes = []
    for name, tax in rows:
        t, n = tax_code_key(tax), name_key(name)
        keys = ([f"mst:{t}"] if t else []) + ([f"ten:{n}"] if n else []) or ["ten:"]
        for k in keys[1:]:
            a, b = find(keys[0]), find(k)
            if a != b:
                parent[max(a, b)] = min(a, b)
        nodes.append(keys[0])
    return [find(k) for k in nodes]


def organisations(data: list[YearData]) -> dict[int, set[str]]:
    """Year -> the distinct organisations supported that year (``organisation_ids`` over every
    year of ``data``, so an organisation keeps one id across years)."""
    rows: list[tuple[int, Any, Any]] = []
    for d in data:
        frame = d.table("enterprises")
        if not frame.empty:
            rows += [(d.year, e["name"], e["tax_code"]) for _, e in frame.iterrows()]
    ids = organisation_ids([(n, t) for _, n, t in rows])
    out: dict[int, set[str]] = {d.year: set() for d in data}
    for (year, _, _), key in zip(rows, ids, strict=True):
        out[year].add(key)
    return out


FIRST_YEAR = 2021


def year_progress(catalogue: Catalogue, year: int, data: list[YearData]) -> list[Progress]:
    """Every indicator's progress in ``year`` from ``data`` (the years 2021..``year``): the one
    computation behind the report's tables and sentences, the staff page's overview and
    ``nscl status --json``. Organisations are counted distinct (``organisations``)."""
    return progress(catalogue, year, indicator_values(data), tfp_measured(data), organisations(data))


def load_progress(zones: Zones, catalogue: Catalogue, year: int) -> list[Progress] | None:
    """:func:`year_progress` from the data folder; None before the year's first consolidation."""
    data = [load_year(zones, y) for y in range(FIRST_YEAR, year + 1)]
    if not data or data[-1].summary is None:
        return None
    return year_progress(catalogue, year, data)
