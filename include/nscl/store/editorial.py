"""The editorial store: the staff's text of a report's narrative sections, per year and kind of
report, with who wrote it and when, every version kept, and whether the content is approved.

Layout (the data folder is the only place it lives):

    <data>/editorial/<year>/<kind>.yaml            the current state; operators may edit it by hand
    <data>/editorial/<year>/<kind>.history/NNNN.yaml  every saved state, never rewritten
    <data>/report_settings.yaml                    the deployment's report settings (signer...)

``kind`` is "annual", "mid-term" or "final" (a review is filed under its last year). In the
YAML a section's text is one paragraph per line. A change to any section withdraws the
approval; approving freezes the draft of every section staff did not write, so the approved
document is the one that was read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from nscl.settings import LOCAL_TZ
from nscl.store.fsutil import atomic_write_text
from nscl.store.zones import Zones

SECTIONS = ("achievements", "difficulties", "next_tasks", "proposals")
KINDS = ("annual", "mid-term", "final")
HEADER = (
    "# Biên tập phần đánh giá của báo cáo. Mỗi dòng của 'text' là một đoạn. Sửa xong, chạy lại\n"
    "# báo cáo; 'nscl editorial --year <năm> approve' để phê duyệt (bỏ chữ DỰ THẢO).\n"
)


@dataclass
class Section:
    text: list[str] = field(default_factory=list)
    by: str | None = None
    at: str | None = None
    reviewed: bool = False


@dataclass
class Editorial:
    year: int
    kind: str
    sections: dict[str, Section] = field(default_factory=dict)
    approved: bool = False
    approved_by: str | None = None
    approved_at: str | None = None
    issued: str | None = None  # YYYY-MM-DD set by staff; None: the clerk dates it

    def texts(self) -> dict[str, list[str]]:
        """The sections staff wrote (the report drafts the others)."""
        return {k: s.text for k, s in self.sections.items() if s.text}

    def unreviewed(self) -> list[str]:
        return [k for k in SECTIONS if not (k in self.sections and self.sections[k].reviewed)]

    def to_yaml(self) -> dict[str, Any]:
        return {
            "approved": self.approved,
            "approved_by": self.approved_by,
            "approved_at": self.approved_at,
            "issued": self.issued,
            "sections": {
                k: {"reviewed": s.reviewed, "by": s.by, "at": s.at, "text": "\n".join(s.text)}
                for k, s in self.sections.items()
            },
        }


def folder(zones: Zones, year: int) -> Path:
    return zones.root / "editorial" / str(year)


def path(zones: Zones, year: int, kind: str) -> Path:
    _check_kind(kind)
    return folder(zones, year) / f"{kind}.yaml"


def settings_override(zones: Zones) -> Path:
    """The deployment's report settings (signer's name and title...), over the shipped ones."""
    return zones.root / "report_settings.yaml"


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"loại báo cáo '{kind}' không có; dùng một trong: {', '.join(KINDS)}")


def _now() -> str:
    return dt.datetime.now(LOCAL_TZ).isoformat(timespec="seconds")


def _lines(text: Any) -> list[str]:
    if isinstance(text, list):
        items = [str(t) for t in text]
    else:
        items = str(text or "").splitlines()
    return [" ".join(t.split()) for t in items if t.strip()]


def load(zones: Zones, year: int, kind: str) -> Editorial:
    """The current state (empty when nobody has edited this report yet)."""
    p = path(zones, year, kind)
    if not p.is_file():
        return Editorial(year, kind)
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{p}: không đọc được tệp biên tập: {exc}") from None
    if not isinstance(raw, dict):
        raise ValueError(f"{p}: tệp biên tập phải là một bảng YAML (approved, issued, sections)")
    sections = {}
    for key, value in (raw.get("sections") or {}).items():
        if key not in SECTIONS:
            raise ValueError(f"{p}: mục '{key}' không có; các mục: {', '.join(SECTIONS)}")
        value = value if isinstance(value, dict) else {"text": value, "reviewed": True}
        sections[key] = Section(
            text=_lines(value.get("text")),
            by=value.get("by"),
            at=str(value["at"]) if value.get("at") else None,
            reviewed=bool(value.get("reviewed", bool(value.get("text")))),
        )
    issued = raw.get("issued")
    if isinstance(issued, dt.date):
        issued = issued.isoformat()
    if issued:
        try:
            dt.date.fromisoformat(str(issued))
        except ValueError:
            raise ValueError(f"{p}: ngày báo cáo '{issued}' không đúng dạng YYYY-MM-DD") from None
    return Editorial(
        year,
        kind,
        sections,
        approved=bool(raw.get("approved")),
        approved_by=raw.get("approved_by"),
        approved_at=str(raw["approved_at"]) if raw.get("approved_at") else None,
        issued=str(issued) if issued else None,
    )


def _write(zones: Zones, state: Editorial, action: str, by: str) -> int:
    """Write the state and a new numbered version of it; returns the version number."""
    body = yaml.safe_dump(state.to_yaml(), allow_unicode=True, sort_keys=False, width=10_000)
    hist = folder(zones, state.year) / f"{state.kind}.history"
    hist.mkdir(parents=True, exist_ok=True)
    while True:
        number = max((int(p.stem) for p in hist.glob("*.yaml") if p.stem.isdigit()), default=0) + 1
        target = hist / f"{number:04d}.yaml"
        try:
            with open(target, "x", encoding="utf-8") as fh:
                fh.write(
                    yaml.safe_dump(
                        {"version": number, "action": action, "by": by, "at": _now()}, allow_unicode=True
                    )
                )
                fh.write(body)
            break
        except FileExistsError:
            continue
    atomic_write_text(path(zones, state.year, state.kind), HEADER + body)
    return number


def save_section(zones: Zones, year: int, kind: str, section: str, text: str | list[str], by: str) -> int:
    """Save staff's text of ``section`` (reviewed); withdraws an approval. Returns the version."""
    if section not in SECTIONS:
        raise ValueError(f"mục '{section}' không có; các mục: {', '.join(SECTIONS)}")
    if not by.strip():
        raise ValueError("cần tên người biên tập")
    state = load(zones, year, kind)
    state.sections[section] = Section(_lines(text), by, _now(), True)
    state.approved, state.approved_by, state.approved_at = False, None, None
    return _write(zones, state, f"sửa mục {section}", by)


def set_issued(zones: Zones, year: int, kind: str, day: dt.date | None, by: str) -> int:
    """Set (or clear, with None) the report's date; withdraws an approval."""
    state = load(zones, year, kind)
    state.issued = day.isoformat() if day else None
    state.approved, state.approved_by, state.approved_at = False, None, None
    return _write(zones, state, "đặt ngày báo cáo" if day else "bỏ ngày báo cáo", by)


def approve(zones: Zones, year: int, kind: str, by: str, drafts: dict[str, list[str]]) -> int:
    """Approve the content: every section without staff text keeps today's draft (``drafts``),
    so the approved text no longer moves with the data."""
    if not by.strip():
        raise ValueError("cần tên người phê duyệt")
    state = load(zones, year, kind)
    for key in SECTIONS:
        s = state.sections.get(key)
        if s is None or not s.text:
            state.sections[key] = Section(list(drafts.get(key, [])), by, _now(), True)
        else:
            s.reviewed = True
    state.approved, state.approved_by, state.approved_at = True, by, _now()
    return _write(zones, state, "phê duyệt", by)


def withdraw(zones: Zones, year: int, kind: str, by: str) -> int:
    state = load(zones, year, kind)
    state.approved, state.approved_by, state.approved_at = False, None, None
    return _write(zones, state, "hủy phê duyệt", by)


def history(zones: Zones, year: int, kind: str) -> list[dict[str, Any]]:
    """Every saved version, oldest first: number, action, who and when (and the state)."""
    hist = folder(zones, year) / f"{kind}.history"
    out = []
    for p in sorted(hist.glob("*.yaml")) if hist.is_dir() else []:
        raw = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        out.append(raw)
    return out


def as_dict(state: Editorial) -> dict[str, Any]:
    return asdict(state)
