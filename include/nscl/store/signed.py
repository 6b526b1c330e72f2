"""The signed copy of record: the PDF the leader signed, numbered and dated by the clerk (văn
thư), kept byte for byte in the raw archive (content-addressed) and listed per year and kind of
report, every upload kept, the latest counting. The checks (same text as the approved .docx, the
digital signature) are made in ``nscl.reporting.signed_copy``; this module only keeps what they
found. A year whose annual report is signed is locked until staff reopen it
(``nscl.store.editorial.reopen``).

Layout:

    <data>/signed/<year>/<kind>.json    {"records": [...]}, oldest first
    <data>/signed/trust/*.pem|*.cer|*.crt  root certificates a signature is checked against
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from nscl.store import editorial
from nscl.store.fsutil import atomic_write_json
from nscl.store.zones import Zones

KIND_NAMES = {"annual": "báo cáo năm", "mid-term": "báo cáo sơ kết", "final": "báo cáo tổng kết"}


def folder(zones: Zones) -> Path:
    return zones.root / "signed"


def path(zones: Zones, year: int, kind: str) -> Path:
    return folder(zones) / str(year) / f"{kind}.json"


def trust_dir(zones: Zones) -> Path:
    return folder(zones) / "trust"


def records(zones: Zones, year: int, kind: str = "annual") -> list[dict[str, Any]]:
    p = path(zones, year, kind)
    if not p.is_file():
        return []
    try:
        return list(json.loads(p.read_text(encoding="utf-8")).get("records") or [])
    except (OSError, ValueError) as exc:
        raise ValueError(f"{p}: không đọc được danh sách bản đã ký: {exc}") from None


def current(zones: Zones, year: int, kind: str = "annual") -> dict[str, Any] | None:
    """The signed copy of record (the latest accepted upload), or None."""
    found = records(zones, year, kind)
    return found[-1] if found else None


def add(zones: Zones, year: int, kind: str, record: dict[str, Any]) -> dict[str, Any]:
    """Keep one accepted upload (its bytes are already in the archive: ``record["sha256"]``)."""
    found = records(zones, year, kind)
    found.append(record)
    atomic_write_json(path(zones, year, kind), {"records": found})
    return record


def label(record: dict[str, Any] | None) -> str | None:
    """ "Đã ký: Số 123/BC-SKHCN ngày 28/11/2025" (None when not signed)."""
    if not record:
        return None
    day = dt.date.fromisoformat(record["date"])
    return f"Đã ký: Số {record['number']} ngày {day.strftime('%d/%m/%Y')}"


def signed_label(zones: Zones, year: int, kind: str = "annual") -> str | None:
    """What the overview, the reports tab and ``nscl status`` show for a signed report."""
    return label(current(zones, year, kind))


def lock(zones: Zones, year: int, kind: str = "annual") -> dict[str, Any] | None:
    """The signed report that locks ``year`` (None: not locked). A reopening recorded after the
    signing (``nscl editorial reopen``) unlocks it until a new signed copy is added."""
    record = current(zones, year, kind)
    if record is None:
        return None
    state = editorial.load(zones, year, kind)
    if any(str(r.get("at") or "") > str(record.get("at") or "") for r in state.reopened):
        return None
    return record


def locked_message(record: dict[str, Any], year: int, kind: str = "annual") -> str:
    return (
        f"Năm {year} đã khóa: {KIND_NAMES[kind]} đã ký ({label(record)[len('Đã ký: ') :]}, tải lên bởi "  # type: ignore[index]
        f"{record.get('by')} lúc {record.get('at')}). Tệp nhận sau vẫn được lưu và trả lời, nhưng không "
        f"làm thay đổi số liệu đã ký. Muốn lập báo cáo bổ sung, mở lại năm: nscl editorial --year {year} "
        f"{'' if kind == 'annual' else '--kind ' + kind + ' '}reopen --reason ... --by ... (hoặc nút “Mở lại "
        "năm” ở thẻ Biên tập báo cáo)."
    )


AFTER_SIGNING = "nhận sau khi báo cáo đã ký"


def received_after(record: dict[str, Any] | None, files: list[Any]) -> list[Any]:
    """The received files (``FileStatus``) that arrived after the signed copy was added: kept and
    answered as always, listed as "nhận sau khi báo cáo đã ký", in no signed figure."""
    if not record:
        return []
    at = dt.datetime.fromisoformat(record["at"])
    out = []
    for f in files:
        when = f.get("received_at")
        if when and dt.datetime.fromisoformat(str(when)) > at:
            out.append(f)
    return out


def summary(zones: Zones, year: int) -> dict[str, Any]:
    """For ``nscl status --json`` and the staff page: each kind's signed copy of ``year``, and
    whether the year is locked."""
    out: dict[str, Any] = {}
    for kind in KIND_NAMES:
        record = current(zones, year, kind)
        if record:
            out[kind] = {
                "label": label(record),
                **{k: record.get(k) for k in ("number", "date", "sha256", "by", "at", "text")},
                "signature": (record.get("signature") or {}).get("summary"),
            }
    return {"signed": out, "locked": lock(zones, year) is not None}
