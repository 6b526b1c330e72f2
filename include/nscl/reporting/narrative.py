"""The narrative sections drafted from the agencies' own words: achievements, shortcomings and
their causes, next year's tasks and proposals. Statements are grouped by the plan's five task
groups, identical or near-identical ones said once (``difflib``), without attribution (who
wrote what stays in the curated tables). Proposals are addressed to the bodies that can act on
them (UBND tỉnh, Bộ Khoa học và Công nghệ, Ủy ban Tiêu chuẩn Đo lường Chất lượng quốc gia); a
request to the Department itself becomes one of its own commitments under next year's tasks.
Staff then finish the text (``nscl.store.editorial``); the draft is only the starting point."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict

from nscl.plan.catalogue import Catalogue
from nscl.reporting.common import amount_text, target_text
from nscl.reporting.yeardata import YearData
from nscl.store import editorial

SIMILAR = 0.88  # difflib ratio above which two statements are the same statement
SECTIONS = editorial.SECTIONS
SECTION_TITLES = {
    "achievements": "Kết quả đạt được",
    "difficulties": "Tồn tại, hạn chế và nguyên nhân",
    "next_tasks": "Nhiệm vụ trọng tâm",
    "proposals": "Đề xuất, kiến nghị",
}
# What each group's paragraph opens with, and the words that place a statement in it.
GROUP_LEADS = {
    "I": "Về thông tin, tuyên truyền, đào tạo, tập huấn",
    "II": "Về cơ chế, chính sách",
    "III": "Về hỗ trợ doanh nghiệp",
    "IV": "Về đánh giá đóng góp của TFP",
    "V": "Về hợp tác, liên kết",
    "": "Về công tác chung",
}
GROUP_WORDS = {
    "I": (
        "tuyên truyền",
        "phổ biến",
        "tập huấn",
        "đào tạo",
        "hội thảo",
        "hội nghị",
        "nhận thức",
        "chuyên gia",
    ),
    "II": ("cơ chế", "chính sách", "quy định", "văn bản"),
    "III": (
        "doanh nghiệp áp dụng",
        "hỗ trợ doanh nghiệp",
        "hỗ trợ các hợp tác xã",
        "hệ thống quản lý",
        "truy xuất",
        "5s",
        "kaizen",
        "tiêu chuẩn",
        "quy chuẩn",
        "chứng nhận",
        "kinh phí hỗ trợ",
        "doanh nghiệp nhỏ",
    ),
    "IV": ("tfp", "năng suất các nhân tố", "thống kê"),
    "V": ("học tập kinh nghiệm", "hợp tác", "liên kết"),
}
# Events a statement may speak of, and the year they happened: before it, the statement is
# about the future (an agency's sentence copied from a later report).
LATER_EVENTS = (
    (
        (
            "sắp xếp tổ chức bộ máy",
            "sắp xếp bộ máy",
            "sắp xếp đơn vị hành chính",
            "hợp nhất tỉnh",
            "sáp nhập tỉnh",
        ),
        2025,
    ),
    (
        ("chính quyền địa phương hai cấp", "chính quyền địa phương 02 cấp", "kết thúc hoạt động cấp huyện"),
        2025,
    ),
)
ACTING_BODIES = (
    "UBND tỉnh",
    "Ủy ban nhân dân tỉnh",
    "Bộ Khoa học và Công nghệ",
    "Ủy ban Tiêu chuẩn Đo lường Chất lượng quốc gia",
)


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split()).rstrip(" .;")


def merge_similar(texts: list[str]) -> list[str]:
    """The statements once each: identical or near-identical ones (same words, small edits)
    merged into the first, in order of first appearance; empty ones dropped."""
    out: list[str] = []
    keys: list[str] = []
    for text in texts:
        text = " ".join(str(text).split())
        if not text:
            continue
        key = _norm(text)
        if any(key == k or difflib.SequenceMatcher(None, key, k).ratio() >= SIMILAR for k in keys):
            continue
        keys.append(key)
        out.append(text if text.endswith((".", "!", "?")) else text + ".")
    return out


def group_of(text: str) -> str:
    """The plan's task group a statement speaks of ("" when none stands out)."""
    low = _norm(text)
    scores = {g: sum(low.count(w) for w in words) for g, words in GROUP_WORDS.items()}
    best = max(scores, key=lambda g: scores[g])
    return best if scores[best] else ""


def statements(data: list[YearData], field_name: str) -> list[str]:
    """The agencies' texts for ``field_name`` over ``data``, later years first, each once."""
    texts = []
    for d in sorted(data, key=lambda d: -d.year):
        frame = d.table("narratives")
        if frame.empty:
            continue
        for _, n in frame[frame["field"] == field_name].sort_values("agency_code").iterrows():
            texts.append(house_style(str(n["text"])))
    return merge_similar(texts)


# The report's own words for what agencies abbreviate (the body writes "Ủy ban nhân dân tỉnh";
# "UBND tỉnh" stays in "Nơi nhận", as Decree 30/2020/NĐ-CP practice has it).
HOUSE_STYLE = (
    (re.compile(r"(?<![\w/-])UBND(?![\w/-])"), "Ủy ban nhân dân"),  # not in a symbol ("101/KH-UBND")
    (re.compile(r"\bHĐND tỉnh\b"), "Hội đồng nhân dân tỉnh"),
    (re.compile(r"\bDN\b"), "doanh nghiệp"),
    (re.compile(r"\bHTQLCL\b"), "hệ thống quản lý chất lượng"),
    (re.compile(r"\bNSCL\b"), "năng suất chất lượng"),
    (re.compile(r"\bCovid-19\b", re.IGNORECASE), "COVID-19"),
)


# Abbreviations agencies use that the report spells out where first used in its assessment:
# the words, then the abbreviation in brackets ("Chương trình mỗi xã một sản phẩm (OCOP)").
SPELT_OUT = {"OCOP": "Chương trình mỗi xã một sản phẩm"}
ASSESSMENT_ORDER = ("achievements", "difficulties", "lessons", "next_tasks", "proposals")


def spell_out_first(sections: dict[str, list[str]]) -> dict[str, list[str]]:
    """``sections`` with the first use of each abbreviation of ``SPELT_OUT`` in the assessment
    spelt out: "Chương trình OCOP" becomes "Chương trình mỗi xã một sản phẩm (OCOP)", "chủ thể
    OCOP" "chủ thể thuộc Chương trình mỗi xã một sản phẩm (OCOP)"; left alone where the words
    are there already."""
    out = {k: list(v) if isinstance(v, list) else v for k, v in sections.items()}
    for abbr, words in SPELT_OUT.items():
        pattern = re.compile(rf"(?<![\w(]){abbr}(?![\w)])")
        for key in ASSESSMENT_ORDER:
            lines = out.get(key)
            if not isinstance(lines, list):
                continue
            hit = next((i for i, line in enumerate(lines) if pattern.search(line)), None)
            if hit is None:
                continue
            line = lines[hit]
            if words not in line:
                head = " ".join(words.split()[:2])  # "Chương trình"
                if re.search(rf"{head} {abbr}(?![\w)])", line):
                    line = line.replace(f"{head} {abbr}", f"{words} ({abbr})", 1)
                else:
                    line = pattern.sub(f"thuộc {words} ({abbr})", line, count=1)
                lines[hit] = line
            break
    return out


def house_style(text: str) -> str:
    """An agency's sentence with the abbreviations the report spells out."""
    for pattern, words in HOUSE_STYLE:
        text = pattern.sub(words, text)
    return text


def by_group(catalogue: Catalogue, texts: list[str]) -> list[str]:
    """One paragraph per task group (in the plan's order), opening with the group."""
    groups: dict[str, list[str]] = defaultdict(list)
    for t in texts:
        groups[group_of(t)].append(t)
    lines = []
    for g in [*catalogue.task_groups, ""]:
        if groups.get(g):
            body = " ".join(groups[g])
            lines.append(f"{GROUP_LEADS.get(g, GROUP_LEADS[''])}: {body[0].lower() + body[1:]}")
    return lines


def _strip_request(text: str, body: str) -> str | None:
    """The rest of "Đề nghị <body> ..." (None when it is not addressed to ``body``)."""
    m = re.match(rf"^\s*(?:Đề nghị|Kiến nghị)\s+{re.escape(body)}\s*(?:,\s*)?(.*)$", text, flags=re.S | re.I)
    return m.group(1).strip() if m else None


def address(catalogue: Catalogue, text: str, issuer_names: tuple[str, ...]) -> tuple[str | None, str | None]:
    """(proposal as the Department sends it, or None; its own commitment, or None)."""
    for name in issuer_names:
        rest = _strip_request(text, name)
        if rest:
            return None, rest[0].upper() + rest[1:]
    for body in ACTING_BODIES:
        if _strip_request(text, body) is not None:
            return text, None
    for agency in sorted(catalogue.agencies.values(), key=lambda a: -len(a.name)):
        rest = _strip_request(text, agency.name)
        if rest:
            if agency.kind == "central":
                now = catalogue.current_successor(agency.code).name
                return f"Đề nghị {now} {rest}", None
            return f"Đề nghị UBND tỉnh chỉ đạo {agency.name} {rest}", None
    body = text.strip()
    return f"Đề nghị UBND tỉnh quan tâm, chỉ đạo: {body[0].lower() + body[1:]}", None


def later_than(text: str, year: int) -> str | None:
    """Why ``text`` cannot stand in a report of ``year``: it names a later year, or an event
    that came later (the 2025 restructuring in a report of 2024 or before); None when it can."""
    bare = re.sub(r"20\d\d\s*[-–]\s*20\d\d", "", text)  # a period ("2021-2030") is the plan's, not an event
    later = sorted({int(y) for y in re.findall(r"(?<![\d/])(20\d\d)(?![\d/])", bare) if int(y) > year})
    if later:
        return f"nêu năm {', '.join(map(str, later))}, sau năm {year} của báo cáo"
    low = _norm(text)
    for words, when in LATER_EVENTS:
        if year < when and any(w in low for w in words):
            return f"nói về việc xảy ra năm {when} ({words[0]}), sau năm {year} của báo cáo"
    return None


def in_time(texts: list[str], year: int, withheld: list[str]) -> list[str]:
    """The statements that may stand in a report of ``year``; the others go to ``withheld``
    (for staff, with the reason), never into the document."""
    kept = []
    for t in texts:
        why = later_than(t, year)
        if why:
            withheld.append(f"Câu “{t}” {why}: không đưa vào báo cáo.")
        else:
            kept.append(t)
    return kept


def draft_sections(
    catalogue: Catalogue,
    data: list[YearData],
    issuer_names: tuple[str, ...],
    next_label: str,
    own_next: list[str],
) -> dict[str, list[str]]:
    """The four narrative sections drafted from ``data`` (the years the report covers; next
    year's tasks and proposals from the last of them). ``own_next``: the Department's own
    next tasks the figures call for (indicators behind their targets). A statement naming a
    later year than the report's, or a later event, is left out and listed under "withheld"
    for staff."""
    last = [max(data, key=lambda d: d.year)] if data else []
    year = last[0].year if last else 0
    withheld: list[str] = []
    proposals, commitments = [], []
    for text in in_time(statements(last, "proposals"), year, withheld):
        sent, own = address(catalogue, text, issuer_names)
        if sent:
            proposals.append(sent)
        if own:
            commitments.append(own)
    agencies_next = [
        t
        for t in in_time(statements(last, "next_year"), year + 1, withheld)
        if not re.match(r"^Tiếp tục triển khai các nhiệm vụ được giao", t, flags=re.I)
    ]
    next_tasks = merge_similar(
        [
            f"Tiếp tục chủ trì, phối hợp với các sở, ngành, địa phương triển khai các nhiệm vụ của Kế hoạch "
            f"{next_label}; các cơ quan, đơn vị tiếp tục thực hiện nhiệm vụ được giao.",
            *own_next,
            *commitments,
            *agencies_next,
        ]
    )
    return {
        "achievements": by_group(catalogue, in_time(statements(data, "achievements"), year, withheld)),
        "difficulties": by_group(catalogue, in_time(statements(data, "difficulties"), year, withheld)),
        "next_tasks": next_tasks,
        "proposals": merge_similar(proposals) or ["Không có đề xuất, kiến nghị."],
        "withheld": merge_similar(withheld),
    }


def _join(items) -> str:
    return "; ".join(items)


def _bare(text: str) -> str:
    """A name or target in a running list, without its parenthesis (no nested brackets, no
    semicolon inside a list item): "tổng số chuyên gia được đào tạo, chứng nhận"."""
    text = re.sub(r"\s*\([^()]*\)", "", text).strip()
    return text[0].lower() + text[1:] if text[:1].isupper() and not text[:2].isupper() else text


def behind_sentence(behind: list, to_date: str) -> list[str]:
    """The indicators behind a target of the plan (the ten years' where it is behind, else the
    phase's) as one task ("Đẩy nhanh tiến độ thực hiện các chỉ tiêu còn chậm ...: a; b; c."),
    none when nothing is behind."""
    if not behind:
        return []
    items = []
    for p in behind:
        ten = p.ten_year_target is not None and p.ten_year_status in ("Chậm tiến độ", "Chưa thực hiện", "Không đạt")
        value, target = (p.ten_year_value, p.ten_year_target) if ten else (p.phase_value, p.phase_target)
        scope = "mục tiêu 2021-2030" if ten else f"mục tiêu giai đoạn {p.phase.code}"
        when = to_date
        if not ten and p.phase.first > 2021:  # the second phase counts from its own first year
            when = f"lũy kế {p.phase.first}-{p.year}" if p.year > p.phase.first else f"năm {p.year}"
        items.append(
            f"{_bare(p.indicator.name)} ({when} {'là ' if value else ''}{amount_text(p.indicator, value)}, "
            f"{scope} là {_bare(target_text(target))})"
        )
    return ["Đẩy nhanh tiến độ thực hiện các chỉ tiêu còn chậm so với mục tiêu của Kế hoạch: " + _join(items) + "."]
