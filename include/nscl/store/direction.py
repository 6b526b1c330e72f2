"""The direction register: the year's directing documents and activities of the Department and
the provincial People's Committee about the plan (plans, decisions, guidance letters; meetings,
inspections), which section I of the reports names in date order.

Layout (the data folder is the only place it lives):

    <data>/direction/<year>.yaml               the current register; operators may edit it by hand
    <data>/direction/<year>.history/NNNN.yaml  every saved state with who and when, never rewritten

An entry: ``kind`` (document, meeting, inspection, other), ``date`` (YYYY-MM-DD), ``body`` (who
issued or organised it), ``number`` (a document's number and symbol, "68/KH-SKHCN"), ``summary``
(a document's subject as printed after its number, "về việc ..."; an activity's content starting
with its verb, "tổ chức hội nghị ..."), and ``by``/``at`` (who entered it, when). Writes are atomic
and serialised by a lock, so two staff adding at once both keep their entry.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from nscl.settings import LOCAL_TZ
from nscl.store.fsutil import atomic_write_text, file_lock
from nscl.store.zones import Zones

KINDS = {
    "document": "văn bản",
    "meeting": "hội nghị, hội thảo, làm việc",
    "inspection": "kiểm tra, giám sát",
    "other": "hoạt động khác",
    # The higher body's letter asking for this report: cited in the report's opening sentence
    # ("Thực hiện ... Văn bản số .../BKHCN-... của Bộ Khoa học và Công nghệ ..."), not an act of
    # direction of the province.
    "request": "văn bản yêu cầu báo cáo",
}
HEADER = (
    "# Sổ theo dõi công tác chỉ đạo, tổ chức thực hiện Kế hoạch trong năm: văn bản (số, ngày, cơ quan\n"
    "# ban hành, trích yếu), hội nghị, kiểm tra. Báo cáo nêu các mục theo thứ tự ngày.\n"
)
# A document's kind from the symbol in its number ("68/KH-SKHCN" is a plan): the one place the
# report's wording of a document comes from.
DOCUMENT_TYPES = {
    "KH": "Kế hoạch",
    "QĐ": "Quyết định",
    "CT": "Chỉ thị",
    "TB": "Thông báo",
    "HD": "Hướng dẫn",
    "BC": "Báo cáo",
    "CV": "Công văn",
}
SAMPLE_AUTHOR = "dữ liệu mẫu"


@dataclass(frozen=True)
class Entry:
    kind: str
    date: str
    body: str
    summary: str
    number: str = ""
    by: str = ""
    at: str = ""

    @property
    def day(self) -> dt.date:
        return dt.date.fromisoformat(self.date)

    @property
    def document_type(self) -> str:
        """ "Kế hoạch", "Quyết định"... from the number's symbol; "Văn bản" for a letter
        ("1125/SKHCN-TĐC")."""
        m = re.match(r"^\s*\d+[a-z]?/([^-/\s]+)-", self.number)
        return DOCUMENT_TYPES.get(m.group(1).upper(), "Văn bản") if m else "Văn bản"


def folder(zones: Zones) -> Path:
    return zones.root / "direction"


def path(zones: Zones, year: int) -> Path:
    return folder(zones) / f"{year}.yaml"


def _now() -> str:
    return dt.datetime.now(LOCAL_TZ).isoformat(timespec="seconds")


def _clean(text: Any) -> str:
    return " ".join(str(text or "").split())


def check_entry(year: int, entry: Entry) -> Entry:
    """The entry as stored (spaces tidied), or ValueError naming what is wrong, in Vietnamese."""
    e = Entry(**{k: _clean(v) for k, v in asdict(entry).items()})
    if e.kind not in KINDS:
        raise ValueError(f"loại '{e.kind}' không có; dùng một trong: {', '.join(KINDS)}")
    try:
        day = e.day
    except ValueError:
        raise ValueError(f"ngày '{e.date}' không đúng dạng YYYY-MM-DD") from None
    if day.year != year:
        raise ValueError(f"ngày {day.strftime('%d/%m/%Y')} không thuộc năm {year}")
    if not e.body:
        raise ValueError("cần cơ quan ban hành hoặc tổ chức")
    if not e.summary:
        raise ValueError("cần trích yếu (văn bản) hoặc nội dung (hoạt động)")
    if e.kind in ("document", "request") and not re.match(r"^\d+[a-z]?/\S+$", e.number):
        raise ValueError(f"văn bản cần số, ký hiệu dạng '68/KH-SKHCN' (nhận được '{e.number}')")
    return e


def load(zones: Zones, year: int) -> list[Entry]:
    """The year's register in date order (empty when nothing was entered)."""
    p = path(zones, year)
    if not p.is_file():
        return []
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{p}: không đọc được sổ theo dõi: {exc}") from None
    items = raw.get("entries") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        raise ValueError(f"{p}: sổ theo dõi phải có danh sách 'entries'")
    out = []
    for i, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ValueError(f"{p}: mục {i} không phải một bảng (kind, date, body, number, summary)")
        fields = {k: item.get(k) or "" for k in Entry.__dataclass_fields__}
        try:
            out.append(check_entry(year, Entry(**fields)))
        except ValueError as exc:
            raise ValueError(f"{p}: mục {i}: {exc}") from None
    return sorted(out, key=lambda e: (e.date, e.kind != "document", e.number))


def _locked(zones: Zones) -> contextlib.AbstractContextManager[None]:
    return file_lock(folder(zones) / ".lock")


def _write(zones: Zones, year: int, entries: list[Entry], action: str, by: str) -> int:
    """Write the register and a new numbered version of it; returns the version number."""
    body = yaml.safe_dump(
        {"entries": [asdict(e) for e in entries]}, allow_unicode=True, sort_keys=False, width=10_000
    )
    hist = folder(zones) / f"{year}.history"
    hist.mkdir(parents=True, exist_ok=True)
    number = max((int(p.stem) for p in hist.glob("*.yaml") if p.stem.isdigit()), default=0) + 1
    head = yaml.safe_dump({"version": number, "action": action, "by": by, "at": _now()}, allow_unicode=True)
    atomic_write_text(hist / f"{number:04d}.yaml", head + body)
    atomic_write_text(path(zones, year), HEADER + body)
    return number


def add(zones: Zones, year: int, entry: Entry, by: str) -> int:
    """Add ``entry`` to the year's register (the same entry twice is refused). Returns the version."""
    if not _clean(by):
        raise ValueError("cần tên người nhập (--by)")
    with _locked(zones):
        entries = load(zones, year)
        e = check_entry(year, Entry(**{**asdict(entry), "by": _clean(by), "at": _now()}))
        key = (e.kind, e.date, e.number, e.summary)
        if any((x.kind, x.date, x.number, x.summary) == key for x in entries):
            raise ValueError("mục này đã có trong sổ theo dõi")
        return _write(
            zones, year, sorted([*entries, e], key=lambda x: x.date), f"thêm: {label(e)}", _clean(by)
        )


def remove(zones: Zones, year: int, index: int, by: str) -> int:
    """Remove the ``index``-th entry (1-based, as ``list`` numbers them). Returns the version."""
    if not _clean(by):
        raise ValueError("cần tên người nhập (--by)")
    with _locked(zones):
        entries = load(zones, year)
        if not 1 <= index <= len(entries):
            raise ValueError(f"không có mục số {index} (sổ năm {year} có {len(entries)} mục)")
        gone = entries.pop(index - 1)
        return _write(zones, year, entries, f"xóa: {label(gone)}", _clean(by))


def history(zones: Zones, year: int) -> list[dict[str, Any]]:
    """Every saved version, oldest first: number, action, who and when (and the register)."""
    hist = folder(zones) / f"{year}.history"
    return [yaml.safe_load(p.read_text(encoding="utf-8")) or {} for p in sorted(hist.glob("*.yaml"))]


def label(e: Entry) -> str:
    """One line for staff: "20/07/2021 văn bản 1125/SKHCN-TĐC (Sở ...): về việc ..."."""
    number = f" {e.number}" if e.number else ""
    return f"{e.day.strftime('%d/%m/%Y')} {KINDS[e.kind]}{number} ({e.body}): {e.summary}"


def sample_entries(year: int) -> list[Entry]:
    """The sample register shipped with the sample data (invented numbers, see the file)."""
    text = resources.files("nscl.store").joinpath("data/direction_sample.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text) or {}
    return [
        check_entry(year, Entry(**{k: item.get(k) or "" for k in Entry.__dataclass_fields__}))
        for item in raw.get(year, [])
    ]


def write_sample(zones: Zones, year: int) -> int:
    """Put the sample register of ``year`` into the data folder, unless staff already keep one
    there (their entries are never overwritten). Returns the number of entries written."""
    with _locked(zones):
        if path(zones, year).exists():
            return 0
        entries = [Entry(**{**asdict(e), "by": SAMPLE_AUTHOR, "at": _now()}) for e in sample_entries(year)]
        if entries:
            _write(zones, year, entries, "sổ theo dõi mẫu", SAMPLE_AUTHOR)
        return len(entries)
