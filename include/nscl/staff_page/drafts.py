"""What the tab "Biên tập báo cáo" needs of a report, fast: the draft of its narrative, the year
data and what is still open. Preparing the report (``nscl.reporting.build.prepare``) draws its
charts and fills its whole context, 0.5-3 s on a busy 2-core machine, none of which the tab shows.
The first preparation is the real one; then its year data and draft are kept, keyed by the
fingerprint of everything they are made from: every file of the years' curated tables (path,
size, modification time, inode: a consolidation writes new files, so any change of the inputs
changes it), the years' registers of direction documents, and the report settings (shipped and
the data folder's). The staff's own state (sections, signer, approval, cut-off, date) is read
fresh on every request: it does not go into the draft, so saving a section costs nothing here.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nscl.plan.catalogue import Catalogue
from nscl.reporting.build import Prepared, check_date, data_until, open_items, prepare
from nscl.reporting.common import SETTINGS_FILE
from nscl.reporting.yeardata import YearData
from nscl.store import direction, editorial
from nscl.store.zones import Zones

KEEP = 12  # reports kept (a year and kind each)


@dataclass(frozen=True)
class _Kept:
    data: list[YearData]
    draft: dict[str, list[str]]
    settings: dict[str, Any]


_cache: OrderedDict[tuple, _Kept] = OrderedDict()
_lock = threading.Lock()
stats = {"hits": 0, "misses": 0}


def _stat(path: Path) -> tuple:
    try:
        s = path.stat()
    except OSError:
        return (str(path), None)
    return (str(path), s.st_size, s.st_mtime_ns, s.st_ino)


def fingerprint(zones: Zones, year: int) -> tuple:
    """Everything the draft and the year data of a report filed under ``year`` are made from."""
    parts: list[tuple] = []
    for y in range(2021, year + 1):
        folder = zones.curated(y)
        if folder.is_dir():
            parts += [_stat(p) for p in sorted(folder.rglob("*"))]
        parts.append(_stat(folder))
        parts.append(_stat(direction.path(zones, y)))
    parts.append(_stat(editorial.settings_override(zones)))
    parts.append(_stat(SETTINGS_FILE))
    return tuple(parts)


def forget() -> None:
    with _lock:
        _cache.clear()


def for_page(zones: Zones, catalogue: Catalogue, year: int, kind: str) -> Prepared:
    """``prepare(zones, catalogue, year, kind)`` without the document's context (``context`` is
    empty): the draft and the year data from the cache while their inputs are unchanged, the
    state and what is open read now. Raises as ``prepare`` does (no data, a date too early)."""
    key = (str(zones.root), year, kind, fingerprint(zones, year))
    with _lock:
        kept = _cache.get(key)
        if kept is not None:
            _cache.move_to_end(key)
            stats["hits"] += 1
    if kept is None:
        p = prepare(zones, catalogue, year, kind)
        with _lock:
            stats["misses"] += 1
            for old in [k for k in _cache if k[:3] == key[:3]]:
                del _cache[old]  # the same report's earlier inputs
            _cache[key] = _Kept(p.data, p.draft, p.settings)
            while len(_cache) > KEEP:
                _cache.popitem(last=False)
        return p
    state = editorial.load(zones, year, kind)
    issued = dt.date.fromisoformat(state.issued) if state.issued else None
    check_date(issued, kept.data, catalogue)
    last = kept.data[-1] if kind == "annual" else next((d for d in reversed(kept.data) if d.summary), None)
    until = data_until(state, kept.data)
    settings = {**kept.settings, "data_until": until.isoformat() if until else None}
    todo = open_items(state, settings, last) + kept.draft.get("withheld", [])
    return Prepared(kind, year, {}, kept.draft, state, settings, issued, todo, kept.data)
