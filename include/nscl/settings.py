"""Settings read from the environment: the data folder (``NSCL_DATA_DIR``, default ``./data``;
its layout is ``nscl.store.zones``), intake limits, reminder stages. The CLI and the DAGs read
the same settings."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

# Every schedule, deadline and time shown to a user is in Vietnam's time.
TIMEZONE = "Asia/Ho_Chi_Minh"
# The plan's years (Plan 101/KH-UBND, 2021-2030): nothing is reported or read outside them.
FIRST_YEAR, LAST_YEAR = 2021, 2030
LOCAL_TZ = ZoneInfo(TIMEZONE)

TEMPLATE_VERSION = "2026.2"  # 2026.2: internal codes in hidden columns (issue 12)
# Oldest template version still accepted (2026.1: codes in visible columns, same layout); older
# workbooks are rejected with a clear message.
MIN_TEMPLATE_VERSION = "2026.1"


def data_dir() -> Path:
    return Path(os.environ.get("NSCL_DATA_DIR", "data")).resolve()


# ---- intake limits and sources (env overrides; see docs in nscl.intake.hostile and nscl.intake.inbox) ------


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class IntakeLimits:
    """What a received file may be before it is refused unread (all configurable)."""

    max_file_bytes: int = 20 * 1024 * 1024  # NSCL_MAX_FILE_MB
    max_uncompressed_bytes: int = 200 * 1024 * 1024  # NSCL_MAX_UNCOMPRESSED_MB: zip bombs
    max_compression_ratio: int = 200  # NSCL_MAX_ZIP_RATIO: per entry larger than 1 MB
    max_zip_entries: int = 1000  # NSCL_MAX_ZIP_ENTRIES
    max_rows: int = 5000  # NSCL_MAX_ROWS: per data sheet
    # The cost of reading a file that passed the checks above (openpyxl holds every cell).
    max_cells: int = 200_000  # NSCL_MAX_CELLS: all sheets together
    max_columns: int = 100  # NSCL_MAX_COLUMNS: per sheet (the template uses fewer than 15)
    max_sheets: int = 30  # NSCL_MAX_SHEETS
    max_part_bytes: int = (
        50 * 1024 * 1024
    )  # NSCL_MAX_PART_MB: one XML part (e.g. shared strings), uncompressed
    max_errors_reported: int = 200  # NSCL_MAX_ERRORS: problems listed one by one; the rest are counted

    @classmethod
    def from_env(cls) -> IntakeLimits:
        mb = 1024 * 1024
        d = cls()
        return cls(
            max_file_bytes=_env_int("NSCL_MAX_FILE_MB", d.max_file_bytes // mb) * mb,
            max_uncompressed_bytes=_env_int("NSCL_MAX_UNCOMPRESSED_MB", d.max_uncompressed_bytes // mb) * mb,
            max_compression_ratio=_env_int("NSCL_MAX_ZIP_RATIO", d.max_compression_ratio),
            max_zip_entries=_env_int("NSCL_MAX_ZIP_ENTRIES", d.max_zip_entries),
            max_rows=_env_int("NSCL_MAX_ROWS", d.max_rows),
            max_cells=_env_int("NSCL_MAX_CELLS", d.max_cells),
            max_columns=_env_int("NSCL_MAX_COLUMNS", d.max_columns),
            max_sheets=_env_int("NSCL_MAX_SHEETS", d.max_sheets),
            max_part_bytes=_env_int("NSCL_MAX_PART_MB", d.max_part_bytes // mb) * mb,
            max_errors_reported=_env_int("NSCL_MAX_ERRORS", d.max_errors_reported),
        )


def inbox_url(year: int, root: Path | None = None) -> str:
    """Where the year's inbox is: ``NSCL_INBOX_URL`` (any fsspec URL, e.g.
    ``s3://nscl-inbox``; the year is appended) or the data folder's ``inbox/<year>``."""
    base = os.environ.get("NSCL_INBOX_URL")
    if base:
        return f"{base.rstrip('/')}/{year}"
    return str((root or data_dir()) / "inbox" / str(year))


# Reminders: days before the deadline (30 November) when a reminder stage opens, then a stage
# every REMINDER_AFTER_DEADLINE_DAYS after it; the SMTP connection used to send them.
REMINDER_DAYS_BEFORE = (10, 3)
REMINDER_AFTER_DEADLINE_DAYS = 7
# One SMTP connection for every mail the product sends (alerts, reminders, replies): the
# compose file and the operations guide set ``smtp_default``.
SMTP_CONN_ID = os.environ.get("NSCL_SMTP_CONN_ID", "smtp_default")
