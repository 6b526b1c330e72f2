"""Where data lives. One data folder (``NSCL_DATA_DIR``, default ``./data``) holds every zone;
the CLI and the Airflow DAGs read the same setting."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

TEMPLATE_VERSION = "2026.1"
# Oldest template version still accepted; older workbooks are rejected with a clear message.
MIN_TEMPLATE_VERSION = "2026.1"


def data_dir() -> Path:
    return Path(os.environ.get("NSCL_DATA_DIR", "data")).resolve()


@dataclass(frozen=True)
class Zones:
    """The data zones, each with a stable layout under the data folder."""

    root: Path

    @classmethod
    def default(cls) -> Zones:
        return cls(data_dir())

    def inbox(self, year: int) -> Path:
        return self.root / "inbox" / str(year)

    @property
    def archive(self) -> Path:
        """Raw archive: content-addressed, immutable copies of every received file."""
        return self.root / "archive"

    def receipts(self, year: int) -> Path:
        return self.root / "receipts" / str(year)

    def quarantine(self, year: int) -> Path:
        return self.root / "quarantine" / str(year)

    def curated(self, year: int) -> Path:
        return self.root / "curated" / str(year)

    @property
    def curated_root(self) -> Path:
        return self.root / "curated"

    def reports(self, year: int) -> Path:
        return self.root / "reports" / str(year)

    def data_docs(self, year: int) -> Path:
        return self.root / "data_docs" / str(year)
