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
    "other": "triển khai {} hoạt động khác",
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
    parts = [w.format(count(c[k])) for k, w in TALLY_WORDS.items() if c[k]]
    # "ban hành 04 văn bản và triển khai 01 hoạt động khác"; three or more: "a, b và c"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " và " + parts[-1] if parts else ""


def direction_pieces(entries: list[Entry], first: int, last: int) -> tuple[str, list[str]]:
    """Section I's opening and its list: every act of the year in date order (annual report);
    for a review the tally of the period and its main documents (plans, decisions, the
    People's Committee's letters), in date order. ("", []) when the register is empty."""
    entries = sorted((e for e in entries if e.kind != "request"), key=lambda e: e.date)
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


def request_text(entries: list[Entry]) -> str:
    """The letters asking for this report, as the opening sentence cites them after the plan
    ("; Văn bản số 3344/BKHCN-TĐC ngày 15/10/2021 của Bộ Khoa học và Công nghệ về việc ..."),
    empty when the register holds none."""
    asks = sorted((e for e in entries if e.kind == "request"), key=lambda e: e.date)
    return "".join(f" và {e.document_type} số {e.number} ngày {doc_date(e.day)} của {e.body} {e.summary}" for e in asks)


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


def table_scope_note(catalogue: Catalogue, last: int, last_data: Any) -> str:
    """The note under the tables of activity figures (enterprises supported, funds) from 2025:
    whose figures they are, in one line, pointing to section I's paragraph."""
    if last < 2025:
        return ""
    successors = {a.successor for a in catalogue.agencies.values() if a.kind == "district_pc" and a.successor}
    status = ((last_data.summary or {}).get("status", []) if last_data is not None else []) or []
    communes = any(s.get("agency_code") in successors for s in status)
    return (
        "Số liệu do các cơ quan, đơn vị thuộc diện báo cáo gửi"
        + (
            "; từ ngày 01/7/2025, số liệu cấp xã chưa gồm các xã, phường thuộc tỉnh Thái Bình trước đây"
            if communes
            else ""
        )
        + " (phạm vi số liệu nêu tại mục I)."
    )


def scope_paragraph(catalogue: Catalogue, first: int, last: int, last_data: Any) -> str:
    """Which agencies and which territory each kind of figure covers, before and after the merger
    of 1 July 2025, said once (empty for a report that ends before 2025). The communes are
    counted from the year's expected reporters; that they took over the former Hưng Yên districts
    comes from the agency registry's successors; the TFP territory from the TFP result."""
    if last < 2025:
        return ""
    status = ((last_data.summary or {}).get("status", []) if last_data is not None else []) or []
    successors = {a.successor for a in catalogue.agencies.values() if a.kind == "district_pc" and a.successor}
    communes = [s for s in status if s.get("agency_code") in successors]
    others = [s for s in status if catalogue.agencies.get(s.get("agency_code", "")) and s not in communes]
    text = (
        "Về phạm vi số liệu: từ ngày 01/7/2025, tỉnh Hưng Yên và tỉnh Thái Bình hợp nhất thành tỉnh Hưng Yên, chính "
        "quyền địa phương cấp huyện kết thúc hoạt động. Kết quả thực hiện nhiệm vụ, chỉ tiêu, hỗ trợ tổ chức, doanh nghiệp và kinh phí "
        "là số liệu do các cơ quan, đơn vị thuộc diện báo cáo của Kế hoạch số 101/KH-UBND gửi"
        + (f" ({count(len(others) + len(communes))} cơ quan, đơn vị năm {last})" if status else "")
        + ": đến ngày 30/6/2025 là số liệu của các sở, ban, ngành và Ủy ban nhân dân các huyện, thị xã, thành phố của tỉnh "
        "Hưng Yên trước hợp nhất; từ ngày 01/7/2025, số liệu của các sở, ban, ngành là số liệu của tỉnh sau hợp nhất"
    )
    if communes:
        text += (
            f", số liệu cấp xã là của Ủy ban nhân dân {count(len(communes))} xã, phường tiếp nhận nhiệm vụ của Ủy ban nhân dân các huyện, "
            "thị xã, thành phố của tỉnh Hưng Yên trước hợp nhất, chưa gồm các xã, phường thuộc tỉnh Thái Bình "
            "trước đây"
        )
    text += "."
    tfp = (last_data.tfp or {}) if last_data is not None else {}
    boundary = (tfp.get("parameters") or {}).get("boundary") or {}
    if boundary.get("components") and len(boundary["components"]) > 1:
        text += (
            " Riêng năng suất các nhân tố tổng hợp (TFP) được tính cho toàn tỉnh Hưng Yên sau hợp nhất ở mọi năm, "
            "kể cả các năm trước hợp nhất (tính lại theo địa giới mới, nên số liệu TFP các năm trước khác với số "
            "liệu đã nêu trong báo cáo của các năm đó)."
        )
    elif boundary:
        text += " Năng suất các nhân tố tổng hợp (TFP) được tính cho tỉnh Hưng Yên trước hợp nhất."
    return text
