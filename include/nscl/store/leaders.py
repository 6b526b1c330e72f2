"""The Department's leaders who may sign a report, and the signature block as Decree 30/2020/NĐ-CP
(Appendix I, section II.8) writes it: the authority lines ("KT. GIÁM ĐỐC" then "PHÓ GIÁM ĐỐC",
"TL. GIÁM ĐỐC" then the signer's own title, "TM. ..." for a collective body, "Q. GIÁM ĐỐC" for an
acting head, or the title alone when the head signs) and the signer's full name.

Layout:

    <data>/leaders.yaml                 the current list; operators may edit it by hand
    <data>/leaders.history/NNNN.yaml    every saved list with who changed it, when and how
    <data>/settings-history/*.json      each change (before, after, who, when) for the page's
                                        history of settings (``nscl.store.contacts.record_change``)

A report's chosen signer lives in its editorial state (``nscl.store.editorial``)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from nscl.settings import LOCAL_TZ
from nscl.store.contacts import record_change
from nscl.store.fsutil import atomic_write_text
from nscl.store.zones import Zones

# Authority prefixes of Decree 30/2020/NĐ-CP: signing on behalf of the head (KT.), by his order
# (TL.), by authorisation (TUQ.), for a collective body (TM.), acting (Q.).
NEEDS_OWN_TITLE = ("KT.", "TL.", "TUQ.", "TM.")
PREFIXES = (*NEEDS_OWN_TITLE, "Q.")
HEAD_TITLE = "GIÁM ĐỐC"


@dataclass(frozen=True)
class Leader:
    name: str
    title: str  # upper case, as printed: "GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"
    authority: tuple[str, ...]  # the usual authority lines when this leader signs

    def label(self) -> str:
        return f"{self.name} — {self.title.capitalize()}"


def _nfc(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def check_authority(lines: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The authority lines, upper case, as printed; ValueError in Vietnamese when Decree 30 would
    not print them so (a "KT." line without the signer's own title under it, a prefix without a
    title, more than three lines)."""
    out = tuple(_nfc(x).upper() for x in lines if _nfc(x))
    if not out:
        raise ValueError("cần ít nhất một dòng quyền hạn, chức vụ người ký (ví dụ: GIÁM ĐỐC)")
    if len(out) > 3:
        raise ValueError("thể thức chữ ký có tối đa ba dòng quyền hạn, chức vụ")
    for line in out:
        head = line.split(" ", 1)
        if head[0] in PREFIXES and len(head) == 1:
            raise ValueError(f"dòng “{line}” thiếu chức vụ sau chữ viết tắt quyền hạn")
    first = out[0].split(" ", 1)[0]
    if first in NEEDS_OWN_TITLE and len(out) < 2:
        raise ValueError(
            f"ký “{out[0]}” thì dòng dưới ghi chức vụ của người ký (ví dụ: {out[0]} / PHÓ GIÁM ĐỐC)"
        )
    for line in out[1:]:
        if line.split(" ", 1)[0] in ("KT.", "TL.", "TUQ.", "Q."):
            raise ValueError(f"chữ viết tắt quyền hạn chỉ ghi ở dòng đầu (dòng “{line}”)")
    return out


def check_name(name: str) -> str:
    name = _nfc(name)
    if len(name.split()) < 2:
        raise ValueError("cần họ và tên đầy đủ của người ký (ví dụ: Nguyễn Văn Minh)")
    return name


def default_authority(title: str) -> tuple[str, ...]:
    """How a leader with ``title`` signs a report of the Department: the Director "GIÁM ĐỐC"; a
    Deputy Director on the Director's behalf "KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC"; an acting Director
    "Q. GIÁM ĐỐC"."""
    title = _nfc(title).upper()
    if title.startswith("PHÓ "):
        return (f"KT. {title[4:]}", title)
    if title.startswith("QUYỀN "):
        return (f"Q. {title[6:]}",)
    return (title,)


def path(zones: Zones) -> Path:
    return zones.root / "leaders.yaml"


def load(zones: Zones) -> list[Leader]:
    p = path(zones)
    if not p.is_file():
        return []
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{p}: không đọc được danh sách lãnh đạo: {exc}") from None
    out = []
    for item in raw.get("leaders") or []:
        title = _nfc(str(item.get("title") or "")).upper()
        authority = item.get("authority") or default_authority(title)
        out.append(Leader(_nfc(str(item.get("name") or "")), title, check_authority(list(authority))))
    return out


def find(zones: Zones, name: str) -> Leader | None:
    name = _nfc(name).casefold()
    return next((x for x in load(zones) if x.name.casefold() == name), None)


def _dump(leaders: list[Leader]) -> dict[str, Any]:
    return {"leaders": [{"name": x.name, "title": x.title, "authority": list(x.authority)} for x in leaders]}


def _save(zones: Zones, leaders: list[Leader], action: str, by: str) -> int:
    if not by.strip():
        raise ValueError("cần tên người thực hiện")
    body = yaml.safe_dump(_dump(leaders), allow_unicode=True, sort_keys=False, width=10_000)
    hist = zones.root / "leaders.history"
    hist.mkdir(parents=True, exist_ok=True)
    while True:
        number = max((int(p.stem) for p in hist.glob("*.yaml") if p.stem.isdigit()), default=0) + 1
        at = dt.datetime.now(LOCAL_TZ).isoformat(timespec="seconds")
        try:
            with open(hist / f"{number:04d}.yaml", "x", encoding="utf-8") as fh:
                fh.write(
                    yaml.safe_dump(
                        {"version": number, "action": action, "by": by, "at": at}, allow_unicode=True
                    )
                )
                fh.write(body)
            break
        except FileExistsError:
            continue
    atomic_write_text(
        path(zones), "# Lãnh đạo Sở có thể ký báo cáo (họ tên, chức vụ, dòng quyền hạn khi ký).\n" + body
    )
    return number


def add(zones: Zones, name: str, title: str, by: str, authority: list[str] | None = None) -> Leader:
    """Add a leader (or change the title of one already listed); every change is kept."""
    name = check_name(name)
    title = _nfc(title).upper()
    if not title:
        raise ValueError("cần chức vụ của lãnh đạo (ví dụ: PHÓ GIÁM ĐỐC)")
    leader = Leader(name, title, check_authority(authority or list(default_authority(title))))
    current = load(zones)
    old = next((x for x in current if x.name.casefold() == name.casefold()), None)
    if old == leader:
        return leader
    rest = [x for x in current if x.name.casefold() != name.casefold()]
    _save(zones, [*rest, leader], f"thêm/cập nhật {name} ({title})", by)
    record_change(zones, "leaders", name, _words(old), _words(leader), by)
    return leader


def _words(leader: Leader | None) -> list[str]:
    """A leader as the settings history shows him: name, title, the lines printed when he signs."""
    if leader is None:
        return []
    return [f"{leader.name} — {leader.title} (ký: {' / '.join(leader.authority)})"]


def remove(zones: Zones, name: str, by: str) -> None:
    leaders = load(zones)
    rest = [x for x in leaders if x.name.casefold() != _nfc(name).casefold()]
    if len(rest) == len(leaders):
        raise ValueError(f"không có “{name}” trong danh sách lãnh đạo")
    _save(zones, rest, f"bỏ {_nfc(name)} khỏi danh sách", by)
    gone = next(x for x in leaders if x.name.casefold() == _nfc(name).casefold())
    record_change(zones, "leaders", gone.name, _words(gone), [], by)


def history(zones: Zones) -> list[dict[str, Any]]:
    hist = zones.root / "leaders.history"
    return (
        [yaml.safe_load(p.read_text(encoding="utf-8")) or {} for p in sorted(hist.glob("*.yaml"))]
        if hist.is_dir()
        else []
    )
