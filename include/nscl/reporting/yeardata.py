"""The inputs of a report: what the consolidation left for each year (summary, TFP result,
curated tables), the submissions it uses, and the distinct organisations supported."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

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
        for t in ("submissions", "indicator_values", "tasks", "enterprises", "budget", "narratives")
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


_LEGAL_FORMS = re.compile(r"[^\w\s]")


def organisation_key(name: Any, tax_code: Any) -> str:
    """One organisation, however often and by whom it was supported: its tax code (digits
    only), else its name normalised (Unicode NFC, case, punctuation and spacing ignored)."""
    tax = re.sub(r"\D", "", str(tax_code)) if tax_code == tax_code and tax_code is not None else ""
    if tax:
        return f"mst:{tax}"
    text = unicodedata.normalize("NFC", str(name or "")).casefold()
    text = " ".join(_LEGAL_FORMS.sub(" ", text).split())
    return f"ten:{text}"


def organisations(data: list[YearData]) -> dict[int, set[str]]:
    """Year -> the distinct organisations supported that year (``organisation_key``)."""
    out: dict[int, set[str]] = {}
    for d in data:
        frame = d.table("enterprises")
        keys = set()
        if not frame.empty:
            keys = {organisation_key(e["name"], e["tax_code"]) for _, e in frame.iterrows()}
        out[d.year] = keys
    return out
