"""The mail intake's state files: ``mail/messages/<message sha256>.json``, one per message, written
atomically (``nscl.intake.mailbox`` describes what they hold), and the files they say are waiting
for the pipeline. Also the fault-injection hook of the crash tests."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

from nscl.settings import FIRST_YEAR, LAST_YEAR, LOCAL_TZ
from nscl.store.faults import checkpoint
from nscl.store.fsutil import atomic_write_json
from nscl.store.zones import Zones

log = logging.getLogger(__name__)


def crash_point(name: str) -> None:
    """A crash test's kill point in the mail intake: ``nscl.store.faults.checkpoint`` under the
    name ``mail:<name>`` (``NSCL_FAULT_AT=mail:replied:2``), the one fault injection of the code."""
    checkpoint(f"mail:{name}")


def current_year(now: dt.datetime | None = None) -> int:
    """The reporting year a file that does not say belongs to: this year in Vietnam."""
    return min(max((now or dt.datetime.now(LOCAL_TZ)).year, FIRST_YEAR), LAST_YEAR)


# ---- state files -----------------------------------------------------------------------------


def state_path(zones: Zones, key: str) -> Path:
    return zones.mail / "messages" / f"{key}.json"


def load_state(zones: Zones, key: str) -> dict[str, Any] | None:
    try:
        data = json.loads(state_path(zones, key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def save_state(zones: Zones, state: dict[str, Any]) -> None:
    atomic_write_json(state_path(zones, state["key"]), state)


def all_states(zones: Zones) -> list[dict[str, Any]]:
    folder = zones.mail / "messages"
    out = []
    for p in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            log.warning("Mail state %s cannot be read; skipped", p)
            continue
        if isinstance(data, dict) and data.get("key"):
            out.append(data)
    # In order of arrival: the server's time, then its UID order.
    return sorted(
        out,
        key=lambda s: (
            str(s.get("received_at")),
            str((s.get("server") or {}).get("uidvalidity")),
            int((s.get("server") or {}).get("uid") or 0),
            s["key"],
        ),
    )


def file_path(zones: Zones, entry: dict[str, Any]) -> Path:
    return zones.inbox(int(entry["year"])) / entry["inbox_path"]


def pending_files(zones: Zones) -> list[dict[str, Any]]:
    """Files stored from messages not yet answered: what the pipeline must process."""
    out = []
    for state in all_states(zones):
        if state.get("stage") != "stored":
            continue
        for entry in state.get("files", []):
            out.append({"path": str(file_path(zones, entry)), "year": int(entry["year"])})
    return out
