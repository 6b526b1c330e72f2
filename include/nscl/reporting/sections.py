"""Pieces every report's body shares: section I's acts of direction (from the direction
register, ``nscl.store.direction``), the section per task group and who the issuer is."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from nscl.plan.catalogue import Catalogue
from nscl.reporting.common import ROMAN, count
from nscl.reporting.names import row
from nscl.store.direction import Entry

# Documents a body "issues" (ban hành); a letter or a report it "has" (có Văn bản số ...).
ISSUED_TYPES = ("Kế hoạch", "Quyết định", "Chỉ thị", "Thông báo", "Hướng dẫn")
TALLY_WORDS = {  # how section I counts each kind of entry
    "document": "ban hành {} văn bản",
    "meeting": "tổ chức {} hội nghị, buổi làm việc",
    "inspection": "tiến hành {} đợt kiểm tra",
    "other": "thực hiện {} hoạt động khác",
}


def doc_date(day: dt.date) -> str:
    """A date as documents cite one (Decree 30/2020/NĐ-CP): the day on two digits, the month
    with a leading zero only for January and February ("05/02/2022", "30/6/2021")."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{day.day:02d}/{month}/{day.year}"


def direction_line(e: Entry) -> str:
    """One act of direction in the report's words."""
    if e.kind == "document":
        kind = e.document_type
        verb = "ban hành" if kind in ISSUED_TYPES else "có"
        return f"{e.body} {verb} {kind} số {e.number} ngày {doc_date(e.day)} {e.summary}."
    return f"Ngày {doc_date(e.day)}, {e.body} {e.summary}."


def _bodies(entries: list[Entry]) -> str:
    """The bodies that acted, the provincial People's Committee first."""
    names = sorted({e.body for e in entries}, key=lambda b: (not b.startswith("Ủy ban nhân dân"), b))
    return " và ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " và " + names[-1]


def _tally(entries: list[Entry]) -> str:
    c = Counter(e.kind for e in entries)
    return "; ".join(w.format(count(c[k])) for k, w in TALLY_WORDS.items() if c[k])


def direction_pieces(entries: list[Entry], first: int, last: int) -> tuple[str, list[str]]:
    """Section I's opening and its list: every act of the year in date order (annual report);
    for a review the tally of the period and its main documents (plans, decisions, the
    People's Committee's letters), in date order. ("", []) when the register is empty."""
    entries = sorted(entries, key=lambda e: e.date)
    if not entries:
        return "", []
    when = f"Năm {last}" if first == last else f"Giai đoạn {first}-{last}"
    intro = f"{when}, {_bodies(entries)} đã {_tally(entries)} để chỉ đạo, triển khai thực hiện Kế hoạch"
    if first == last:
        return intro + ", cụ thể như sau:", [direction_line(e) for e in entries]
    main = [
        e
        for e in entries
        if e.kind == "document" and (e.document_type in ISSUED_TYPES or e.body.startswith("Ủy ban nhân dân"))
    ]
    return intro + "; các văn bản chủ yếu:", [direction_line(e) for e in main]


def group_rows(
    catalogue: Catalogue, lines_by_group: dict[str, list[str]], tasks_by_group: dict[str, str]
) -> list[dict[str, Any]]:
    return [
        row(
            "group",
            numeral=ROMAN.get(code, code),
            name=name,
            lines=lines_by_group.get(code, [])
            or ["Nhóm nhiệm vụ này không có chỉ tiêu định lượng; kết quả từng nhiệm vụ tại phụ lục."],
            tasks_text=tasks_by_group.get(code, ""),
        )
        for code, name in catalogue.task_groups.items()
    ]


def issuer_names(settings: dict[str, Any]) -> tuple[str, ...]:
    """How the issuing Department may be named in a request addressed to it."""
    name = settings.get("issuing_name") or settings["issuing_body"]
    names = {name, name.title(), "Sở Khoa học và Công nghệ", "Sở KH&CN", "Sở KHCN"}
    return tuple(sorted(names, key=len, reverse=True))
