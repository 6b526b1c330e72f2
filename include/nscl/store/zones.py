"""Where data lives. One data folder (``NSCL_DATA_DIR``, default ``./data``) holds every zone;
the CLI and the Airflow DAGs read the same setting."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nscl.settings import data_dir


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

    def sightings(self, year: int) -> Path:
        return self.receipts(year) / "sightings"

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

    def replies(self, year: int) -> Path:
        """What goes back to agencies: acceptance receipts and warning feedback per file."""
        return self.root / "replies" / str(year)

    def reminders(self, year: int) -> Path:
        """Reminder state: one marker per agency per stage, so each goes out once."""
        return self.root / "reminders" / str(year)

    @property
    def mail(self) -> Path:
        """The mail intake's state: one file per message received (``nscl.intake.mailbox``)."""
        return self.root / "mail"

    @property
    def contacts(self) -> Path:
        """Agency e-mail addresses kept by staff (YAML: code -> address or list)."""
        return self.root / "contacts.yaml"

    @property
    def settings_history(self) -> Path:
        """Every change staff made to a setting on the page (one JSON file per change)."""
        return self.root / "settings-history"

    @property
    def templates(self) -> Path:
        """Staff's own copies of the Word templates (``nscl templates-export`` fills it)."""
        return self.root / "templates"
