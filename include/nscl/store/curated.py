"""Curated tables: ``curated/<year>/<table>.csv``, rewritten whole by each consolidation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nscl.store.fsutil import atomic_write
from nscl.store.zones import Zones

TABLES = ("submissions", "indicator_values", "tasks", "enterprises", "budget", "narratives", "tfp_inputs")
TEXT_COLUMNS = {"tax_code": str, "agency_code": str, "sha256": str}


def table_path(zones: Zones, year: int, table: str) -> Path:
    return zones.curated(year) / f"{table}.csv"


def staged_path(zones: Zones, year: int, sha: str) -> Path:
    """The normalised data of one accepted workbook, written by the intake."""
    return zones.curated(year) / "staged" / f"{sha}.json"


def load_staged(zones: Zones, year: int, sha: str) -> dict[str, Any]:
    return json.loads(staged_path(zones, year, sha).read_text(encoding="utf-8"))


def write_table(zones: Zones, year: int, table: str, rows: list[dict[str, Any]], columns: list[str]) -> Path:
    import pandas as pd

    frame = pd.DataFrame(rows, columns=columns)
    return atomic_write(
        table_path(zones, year, table), lambda tmp: frame.to_csv(tmp, index=False, encoding="utf-8")
    )


def load_table(zones: Zones, year: int, table: str) -> Any:
    """The curated table as a DataFrame, or None when the year has none."""
    import pandas as pd

    path = table_path(zones, year, table)
    if not path.exists():
        return None
    return pd.read_csv(path, dtype=TEXT_COLUMNS)


def summary_path(zones: Zones, year: int) -> Path:
    return zones.curated(year) / "summary.json"
