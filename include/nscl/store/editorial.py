"""The editorial store: the staff's text of a report's narrative sections, per year and kind of
report, with who wrote it and when, every version kept, and whether the content is approved.

Layout (the data folder is the only place it lives):

    <data>/editorial/<year>/<kind>.yaml            the current state; operators may edit it by hand
    <data>/editorial/<year>/<kind>.history/NNNN.yaml  every saved state, never rewritten
    <data>/report_settings.yaml                    the deployment's report settings (signer...)

``kind`` is "annual", "mid-term" or "final" (a review is filed under its last year). In the
YAML a section's text is one paragraph per line. A section is reviewed either by editing it
(``how: edited``) or by reading the draft and keeping it (``how: kept``, "đã xem, giữ nguyên bản
nháp": the draft as read is frozen then, so the approved document is the one that was read).
The state also holds the signer chosen for this document (Decree 30 authority lines and full
name; a draft prints the leader's current lines from "Cài đặt", an approved document the lines
it was approved with: ``current_signer``), the checks staff acknowledged with a reason, the data cut-off staff set, and the
reopenings of a signed year. A change to any of them withdraws the approval. Approval itself
is gated by ``nscl.reporting.approval``; this module refuses it only for what it can see
(a section nobody reviewed, no signer).

Longer than 400 lines because every change staff make to a report's state (sections, signer,
acknowledgements, cut-off, approval, reopening) is one function here, each checked and written to
the history the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from nscl.settings import LOCAL_TZ
from nscl.store import leaders
from nscl.store.fsutil import atomic_write_text
from nscl.store.zones import Zones

SECTIONS = ("achievements", "difficulties", "next_tasks", "proposals")
REVIEW_SECTIONS = ("lessons",)  # the reviews' only (``sections_of``); approval not gated on them
KINDS = ("annual", "mid-term", "final")
HEADER = (
    "# Biên tập phần đánh giá của báo cáo. Mỗi dòng của 'text' là một đoạn. Sửa xong, chạy lại\n"
    "# báo cáo; 'nscl editorial --year <năm> approve' để phê duyệt (bỏ chữ DỰ THẢO).\n"
)


EDITED, KEPT = "edited", "kept"
HOW_LABELS = {EDITED: "Đã biên tập", KEPT: "Đã xem, giữ nguyên bản nháp"}


@dataclass
class Section:
    text: list[str] = field(default_factory=list)
    by: str | None = None
    at: str | None = None
    reviewed: bool = False
    how: str | None = None  # EDITED or KEPT (None: a state written before the distinction)

    def label(self) -> str:
        return f"{HOW_LABELS.get(self.how or EDITED)}: {self.by}, {when(self.at)}"


@dataclass
class Signer:
    authority: list[str]
    name: str
    by: str | None = None
    at: str | None = None
    # True when staff typed lines for this document other than the leader's own on "Cài đặt";
    # False: the lines are the leader's, and a draft follows them when they change there
    custom: bool = False


@dataclass
class Acknowledgement:
    title: str
    reason: str
    by: str
    at: str


def sections_of(kind: str) -> tuple[str, ...]:  # the sections staff may edit in ``kind``
    return SECTIONS if kind == "annual" else SECTIONS + REVIEW_SECTIONS


@dataclass
class Editorial:
    year: int
    kind: str
    sections: dict[str, Section] = field(default_factory=dict)
    approved: bool = False
    approved_by: str | None = None
    approved_at: str | None = None
    issued: str | None = None  # YYYY-MM-DD set by staff; None: the clerk dates it
    signer: Signer | None = None
    acknowledged: dict[str, Acknowledgement] = field(default_factory=dict)
    cutoff: str | None = None  # YYYY-MM-DD: the date the figures run to, set by staff
    reopened: list[dict[str, str]] = field(default_factory=list)  # {reason, by, at}

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
            "cutoff": self.cutoff,
            "signer": asdict(self.signer) if self.signer else None,
            "acknowledged": {k: asdict(a) for k, a in self.acknowledged.items()},
            "reopened": list(self.reopened),
            "sections": {
                k: {"reviewed": s.reviewed, "how": s.how, "by": s.by, "at": s.at, "text": "\n".join(s.text)}
                for k, s in self.sections.items()
            },
        }


def when(at: str | None) -> str:
    """A recorded time as every tab of the page shows times: "28/11/2025 09:15"."""
    try:
        return dt.datetime.fromisoformat(str(at)).strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return str(at or "")


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
        if key not in sections_of(kind):
            raise ValueError(f"{p}: mục '{key}' không có; các mục: {', '.join(sections_of(kind))}")
        value = value if isinstance(value, dict) else {"text": value, "reviewed": True}
        sections[key] = Section(
            text=_lines(value.get("text")),
            by=value.get("by"),
            at=str(value["at"]) if value.get("at") else None,
            reviewed=bool(value.get("reviewed", bool(value.get("text")))),
            how=value.get("how"),
        )
    issued = raw.get("issued")
    if isinstance(issued, dt.date):
        issued = issued.isoformat()
    if issued:
        try:
            dt.date.fromisoformat(str(issued))
        except ValueError:
            raise ValueError(f"{p}: ngày báo cáo '{issued}' không đúng dạng YYYY-MM-DD") from None
    cutoff = raw.get("cutoff")
    cutoff = cutoff.isoformat() if isinstance(cutoff, dt.date) else (str(cutoff) if cutoff else None)
    signer = None
    if raw.get("signer"):
        sig = raw["signer"]
        signer = Signer(
            list(leaders.check_authority(list(sig.get("authority") or []))),
            leaders.check_name(str(sig.get("name") or "")),
            sig.get("by"),
            str(sig["at"]) if sig.get("at") else None,
            bool(sig.get("custom")),
        )
    acknowledged = {
        str(k): Acknowledgement(
            str(v.get("title") or k),
            str(v.get("reason") or ""),
            str(v.get("by") or ""),
            str(v.get("at") or ""),
        )
        for k, v in (raw.get("acknowledged") or {}).items()
        if isinstance(v, dict)
    }
    return Editorial(
        year,
        kind,
        sections,
        approved=bool(raw.get("approved")),
        approved_by=raw.get("approved_by"),
        approved_at=str(raw["approved_at"]) if raw.get("approved_at") else None,
        issued=str(issued) if issued else None,
        signer=signer,
        acknowledged=acknowledged,
        cutoff=cutoff,
        reopened=[dict(x) for x in raw.get("reopened") or []],
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
    if section not in sections_of(kind):
        raise ValueError(f"mục '{section}' không có; các mục: {', '.join(sections_of(kind))}")
    if not by.strip():
        raise ValueError("cần tên người biên tập")
    state = load(zones, year, kind)
    state.sections[section] = Section(_lines(text), by, _now(), True, EDITED)
    state.approved, state.approved_by, state.approved_at = False, None, None
    return _write(zones, state, f"sửa mục {section}", by)


def set_issued(zones: Zones, year: int, kind: str, day: dt.date | None, by: str) -> int:
    """Set (or clear, with None) the report's date; withdraws an approval."""
    state = load(zones, year, kind)
    state.issued = day.isoformat() if day else None
    state.approved, state.approved_by, state.approved_at = False, None, None
    return _write(zones, state, "đặt ngày báo cáo" if day else "bỏ ngày báo cáo", by)


class NotReady(ValueError):
    """Approval refused: ``items`` lists, in Vietnamese, what is still open."""

    def __init__(self, items: list[str]):
        super().__init__("chưa phê duyệt được, còn: " + "; ".join(items))
        self.items = items


def _withdrawn(state: Editorial) -> None:
    state.approved, state.approved_by, state.approved_at = False, None, None


def keep(
    zones: Zones, year: int, kind: str, which: list[str] | None, drafts: dict[str, list[str]], by: str
) -> list[str]:
    """Mark sections as read and kept as drafted ("đã xem, giữ nguyên bản nháp"): the draft as
    read now (``drafts``) is frozen for them. ``which`` None: every section nobody has reviewed.
    A section staff edited is not touched. Returns the sections kept."""
    if not by.strip():
        raise ValueError("cần tên người rà soát")
    state = load(zones, year, kind)
    if which is None:
        targets = state.unreviewed()
    else:
        for key in which:
            if key not in sections_of(kind):
                raise ValueError(f"mục '{key}' không có; các mục: {', '.join(sections_of(kind))}")
            s = state.sections.get(key)
            if s is not None and s.how == EDITED and s.text:
                raise ValueError(f"mục '{key}' đã được biên tập ({s.by}); sửa lại nội dung nếu cần")
        targets = list(which)
    if not targets:
        return []
    for key in targets:
        state.sections[key] = Section(list(drafts.get(key, [])), by, _now(), True, KEPT)
    _withdrawn(state)
    _write(zones, state, "giữ nguyên bản nháp: " + ", ".join(targets), by)
    return targets


def set_signer(zones: Zones, year: int, kind: str, authority: list[str], name: str, by: str) -> Signer:
    """Choose the signer of this document (Decree 30 authority lines and full name); a name not
    yet in the list of leaders joins it (title: the last authority line). Withdraws an approval."""
    if not by.strip():
        raise ValueError("cần tên người thực hiện")
    lines = list(leaders.check_authority(authority))
    name = leaders.check_name(name)
    if leaders.find(zones, name) is None:
        leaders.add(
            zones,
            name,
            lines[-1].split(" ", 1)[-1] if lines[-1].split(" ", 1)[0] in leaders.PREFIXES else lines[-1],
            by,
            lines,
        )
    leader = leaders.find(zones, name)
    state = load(zones, year, kind)
    state.signer = Signer(lines, name, by, _now(), leader is not None and tuple(lines) != leader.authority)
    _withdrawn(state)
    _write(zones, state, f"chọn người ký: {' / '.join(lines)} / {name}", by)
    return state.signer


def current_signer(zones: Zones, state: Editorial) -> Signer | None:
    """The signer as the document prints him. A draft follows the leader's current authority
    lines on the tab "Cài đặt" (looked up by name when the report is prepared); an approved
    document keeps the lines it was approved with (a signed text never changes silently), and so
    do lines typed for this document only (``custom``) or a leader no longer listed."""
    sig = state.signer
    if sig is None or state.approved or sig.custom:
        return sig
    leader = leaders.find(zones, sig.name)
    if leader is None or tuple(sig.authority) == leader.authority:
        return sig
    return replace(sig, authority=list(leader.authority))


def signer_differs(zones: Zones, state: Editorial) -> leaders.Leader | None:
    """The leader's current entry when the document keeps other authority lines than the ones
    "Cài đặt" now gives him (an approved document, or lines typed for it); else None."""
    sig = current_signer(zones, state)
    if sig is None:
        return None
    leader = leaders.find(zones, sig.name)
    return leader if leader is not None and tuple(sig.authority) != leader.authority else None


def acknowledge(zones: Zones, year: int, kind: str, items: dict[str, str], reason: str, by: str) -> list[str]:
    """Record that staff looked at checks (id -> title) and let them stand, with the reason."""
    if not by.strip():
        raise ValueError("cần tên người xác nhận")
    if len(reason.strip()) < 5:
        raise ValueError("cần ghi rõ lý do giữ nguyên (ví dụ: đã đối chiếu với báo cáo gốc của cơ quan)")
    if not items:
        return []
    state = load(zones, year, kind)
    for key, title in items.items():
        state.acknowledged[key] = Acknowledgement(title, " ".join(reason.split()), by, _now())
    _withdrawn(state)
    _write(zones, state, "xác nhận đã xem xét: " + ", ".join(items), by)
    return list(items)


def set_cutoff(zones: Zones, year: int, kind: str, day: dt.date | None, by: str) -> int:
    """The date the report's figures run to (None: the date of the last file used)."""
    state = load(zones, year, kind)
    state.cutoff = day.isoformat() if day else None
    _withdrawn(state)
    return _write(zones, state, "đặt ngày chốt số liệu" if day else "bỏ ngày chốt số liệu", by)


def approve(zones: Zones, year: int, kind: str, by: str, blocking: list[str] | None = None) -> int:
    """Approve the content. Refused (``NotReady``) while a section was neither edited nor kept,
    while there is no signer, or while ``blocking`` (what the caller found open) is not empty.
    Nothing is stamped on a section here: every section was already edited or kept by someone."""
    if not by.strip():
        raise ValueError("cần tên người phê duyệt")
    state = load(zones, year, kind)
    items = list(blocking or [])
    if state.unreviewed():
        items.insert(0, "mục chưa được biên tập hoặc xác nhận giữ nguyên: " + ", ".join(state.unreviewed()))
    if state.signer is None:
        items.insert(0, "chưa chọn người ký")
    if items:
        raise NotReady(items)
    # the lines the approved document prints are those of now, kept from here on
    state.signer = current_signer(zones, state)
    state.approved, state.approved_by, state.approved_at = True, by, _now()
    return _write(zones, state, "phê duyệt", by)


def reopen(zones: Zones, year: int, kind: str, reason: str, by: str) -> int:
    """Reopen a signed year for a supplementary report ("báo cáo bổ sung"); recorded with why."""
    if not by.strip():
        raise ValueError("cần tên người thực hiện")
    if len(reason.strip()) < 5:
        raise ValueError("cần ghi rõ lý do mở lại (ví dụ: lập báo cáo bổ sung số liệu của Sở Công Thương)")
    state = load(zones, year, kind)
    state.reopened.append({"reason": " ".join(reason.split()), "by": by, "at": _now()})
    _withdrawn(state)
    return _write(zones, state, "mở lại năm đã ký để lập báo cáo bổ sung", by)


def withdraw(zones: Zones, year: int, kind: str, by: str) -> int:
    state = load(zones, year, kind)
    _withdrawn(state)
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
