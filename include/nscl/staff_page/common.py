"""Constants, formatting and the year parameter shared by every module of the staff page."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from fastapi import HTTPException

from nscl.settings import FIRST_YEAR, LAST_YEAR, LOCAL_TZ, TIMEZONE

TZ = LOCAL_TZ
TZ_NAME = TIMEZONE
URL_PREFIX = "/nscl"
PAGE_TITLE = "Báo cáo NSCL"


def max_upload_bytes() -> int:
    return int(os.environ.get("NSCL_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))


def process_on_upload() -> bool:
    return os.environ.get("NSCL_PROCESS_ON_UPLOAD", "1").strip().lower() not in {"0", "false", "no", ""}


def airflow_ui_base() -> str:
    """Where the Airflow UI is, for links to its DAG runs (relative to the page by default:
    the page is mounted at ``<base>/nscl/``)."""
    return os.environ.get("NSCL_AIRFLOW_UI_URL", "..").rstrip("/")


def now() -> dt.datetime:
    return dt.datetime.now(TZ)


def current_year() -> int:
    return min(max(now().year, FIRST_YEAR), LAST_YEAR)


def to_time(value: Any) -> dt.datetime | None:
    if not value:
        return None
    if isinstance(value, dt.datetime):
        when = value
    else:
        try:
            when = dt.datetime.fromisoformat(str(value))
        except ValueError:
            return None
    return when.astimezone(TZ) if when.tzinfo is not None else when.replace(tzinfo=TZ)


def fmt_time(value: Any) -> str:
    """``dd/mm/yyyy HH:MM`` in Vietnam's time zone, or a dash. The page says once, in its
    footer, that every time is Vietnam time (giờ Việt Nam, UTC+7)."""
    when = to_time(value)
    if when is None:
        return str(value) if value else "—"
    return when.strftime("%d/%m/%Y %H:%M")


DAY_PATTERN = r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}"


def parse_day(text: str | None) -> dt.date | None:
    """A date as staff type it, day first ("06/10/2025", "6/10/2025"), or ISO (what a browser's
    date picker sends); None when empty; ValueError when it is no date. The page's date fields are
    text fields: a browser's date picker shows mm/dd/yyyy in an English Windows, and "06/10"
    would then be 10 June."""
    raw = (text or "").strip()
    if not raw:
        return None
    if "/" in raw:
        parts = raw.split("/")
        if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[2]) == 4:
            return dt.date(int(parts[2]), int(parts[1]), int(parts[0]))
        raise ValueError(raw)
    return dt.date.fromisoformat(raw)


def fmt_size(n: int | None) -> str:
    if n is None:
        return "—"
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB".replace(".", ",")
    return f"{n / 1024 / 1024:.1f} MB".replace(".", ",")


class BadParameter(HTTPException):
    """A query parameter the page cannot use: shown as a Vietnamese page (400)."""

    def __init__(self, message: str) -> None:
        super().__init__(400, message)


def parse_year(raw: str | int | None, fallback: int | None = None) -> int:
    """The ``year`` parameter: a year of the plan (2021-2030), else a Vietnamese 400. Routes
    take it as a string so that ``?year=abc`` reaches this message instead of FastAPI's
    English validation error."""
    if raw is None or str(raw).strip() == "":
        if fallback is None:
            raise BadParameter("Chưa chọn năm báo cáo.")
        return fallback
    text = str(raw).strip()
    if not text.isdigit() or len(text) != 4:
        raise BadParameter(
            f"Năm báo cáo “{text[:20]}” không hợp lệ: hãy chọn một năm từ {FIRST_YEAR} đến {LAST_YEAR}."
        )
    year = int(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise HTTPException(404, f"Năm {year} nằm ngoài thời kỳ của Kế hoạch ({FIRST_YEAR}-{LAST_YEAR}).")
    return year
