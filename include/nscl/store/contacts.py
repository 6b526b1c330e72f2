"""Agencies' e-mail addresses kept by staff (``<data>/contacts.yaml``: code -> address or list;
it overrides the registry's ``email``), changed on the staff page with who changed what and when.

``set_addresses`` rewrites the file atomically (temp file, then rename) under a lock, so two
changes at once both land, and records the change in ``settings-history/`` (one JSON file per
change, never rewritten): ``what``, ``key``, ``before``, ``after``, ``by``, ``at``. The reader of
the file is ``nscl.outreach.reminders.load_contacts`` (reminders and the page's e-mails)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import secrets
from pathlib import Path
from typing import Any

from nscl.settings import LOCAL_TZ
from nscl.store.fsutil import atomic_write_json, atomic_write_text, file_lock
from nscl.store.zones import Zones

ADDRESS_RE = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
HEADER = (
    "# Địa chỉ thư điện tử của các cơ quan (mã cơ quan: địa chỉ, hoặc danh sách địa chỉ).\n"
    "# Sửa trên trang Báo cáo NSCL, thẻ “Cài đặt” (mỗi lần sửa được ghi lại trong settings-history/).\n"
)


class BadAddress(ValueError):
    """An address that is not one: the message names it, in Vietnamese."""


def parse_addresses(text: str) -> list[str]:
    """Addresses separated by commas, semicolons, spaces or new lines; each checked; no repeats."""
    out: list[str] = []
    for part in re.split(r"[,;\s]+", text or ""):
        address = part.strip()
        if not address:
            continue
        if not ADDRESS_RE.match(address):
            raise BadAddress(
                f"“{address[:80]}” không phải là địa chỉ thư điện tử (ví dụ đúng: vanthu.skhcn@hungyen.gov.vn)."
            )
        if address.lower() not in {a.lower() for a in out}:
            out.append(address)
    return out


def read(zones: Zones) -> dict[str, list[str]]:
    import yaml

    if not zones.contacts.exists():
        return {}
    data = yaml.safe_load(zones.contacts.read_text(encoding="utf-8")) or {}
    out: dict[str, list[str]] = {}
    for code, value in data.items():
        values = value if isinstance(value, list) else [value]
        out[str(code)] = [str(a).strip() for a in values if a and "@" in str(a)]
    return out


def _locked(zones: Zones) -> contextlib.AbstractContextManager[None]:
    return file_lock(zones.root / ".contacts.lock")


def _dump(contacts: dict[str, list[str]]) -> str:
    lines = [HEADER]
    for code in sorted(contacts):
        addresses = contacts[code]
        if not addresses:
            continue
        if len(addresses) == 1:
            lines.append(f"{code}: {json.dumps(addresses[0])}\n")
        else:
            lines.append(f"{code}:\n" + "".join(f"  - {json.dumps(a)}\n" for a in addresses))
    return "".join(lines)


def record_change(zones: Zones, what: str, key: str, before: Any, after: Any, by: str) -> dict[str, Any]:
    at = dt.datetime.now(LOCAL_TZ)
    record = {"what": what, "key": key, "before": before, "after": after, "by": by, "at": at.isoformat()}
    name = f"{at.strftime('%Y%m%dT%H%M%S%f')}-{what}-{re.sub(r'[^A-Za-z0-9_-]', '_', key)[:40]}-{secrets.token_hex(3)}.json"
    atomic_write_json(zones.settings_history / name, record)
    return record


def set_addresses(zones: Zones, code: str, addresses: list[str], by: str) -> dict[str, Any] | None:
    """Set (or, with no address, remove) an agency's addresses; the change recorded, or None
    when nothing changed."""
    with _locked(zones):
        contacts = read(zones)
        before = contacts.get(code, [])
        if before == addresses:
            return None
        if addresses:
            contacts[code] = addresses
        else:
            contacts.pop(code, None)
        atomic_write_text(zones.contacts, _dump(contacts))
        return record_change(zones, "contacts", code, before, addresses, by)


def history(zones: Zones, what: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """The changes, newest first (a damaged record is skipped)."""
    folder: Path = zones.settings_history
    if not folder.exists():
        return []
    out = []
    for path in sorted(folder.glob("*.json"), reverse=True):
        try:
            record = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        if what is None or record.get("what") == what:
            out.append(record)
        if len(out) >= limit:
            break
    return out
