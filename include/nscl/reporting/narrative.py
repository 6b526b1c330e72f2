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
from nscl.reporting.common import amount_text, count, target_text
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
            texts.append(str(n["text"]))
    return merge_similar(texts)


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


# ---- the review's own assessment (sơ kết / tổng kết): a synthesis, never a year's text ----------

ACHIEVED = ("Đạt", "Vượt mục tiêu")
# Shortcomings and causes the agencies report, by theme: the words that place a statement in a
# theme, and how the review words the theme (so no agency's sentence is copied), objective
# (khách quan) or subjective (chủ quan).
THEMES = {
    "budget": (("kinh phí", "ngân sách", "nguồn vốn"),
               "kinh phí hỗ trợ chưa đáp ứng nhu cầu của tổ chức, doanh nghiệp",
               "nguồn ngân sách sự nghiệp khoa học bố trí hằng năm cho Kế hoạch còn hạn chế", "objective"),
    "awareness": (("nhận thức", "quy mô nhỏ", "doanh nghiệp nhỏ"),
                  "nhận thức của một bộ phận doanh nghiệp nhỏ và vừa về năng suất chất lượng chưa đầy đủ",
                  "phần lớn doanh nghiệp trên địa bàn có quy mô nhỏ và vừa, nguồn lực đầu tư cho cải tiến "
                  "năng suất chất lượng còn hạn chế", "objective"),
    "restructuring": (("sắp xếp", "bộ máy", "hợp nhất", "sáp nhập", "chuyển giao nhiệm vụ"),
                      "một số hoạt động bị gián đoạn trong thời gian sắp xếp tổ chức bộ máy, đơn vị hành chính năm 2025",
                      "việc sắp xếp tổ chức bộ máy, đơn vị hành chính năm 2025 làm thay đổi đầu mối thực hiện "
                      "nhiệm vụ", "objective"),
    "staff": (("cán bộ chuyên trách", "thiếu cán bộ", "nhân lực", "kiêm nhiệm"),
              "",
              "đội ngũ cán bộ theo dõi nhiệm vụ năng suất chất lượng tại các sở, ngành, địa phương còn mỏng, "
              "chủ yếu kiêm nhiệm", "subjective"),
    "coordination": (("phối hợp", "chưa chủ động", "chưa quyết liệt"),
                     "",
                     "công tác phối hợp giữa các cơ quan, đơn vị có lúc chưa chặt chẽ, chưa chủ động",
                     "subjective"),
    "epidemic": (("dịch", "covid"),
                 "",
                 "dịch Covid-19 ảnh hưởng đến hoạt động sản xuất, kinh doanh của doanh nghiệp và việc tổ chức "
                 "các lớp tập huấn, hội nghị", "objective"),
}  # fmt: skip


def themes_of(text: str) -> tuple[set[str], set[str]]:
    """(themes of the shortcoming, themes of the cause) of an agency's statement "X; nguyên
    nhân là Y" (without a cause part, the whole statement is both)."""
    low = _norm(text)
    head, _, cause = low.partition("nguyên nhân")
    cause = cause or low

    def found(part: str) -> set[str]:
        return {k for k, (words, *_rest) in THEMES.items() if any(w in part for w in words)}

    return found(head), found(cause)


def _join(items) -> str:
    return "; ".join(items)


def _bare(text: str) -> str:
    """A name or target in a running list, without its parenthesis (no nested brackets, no
    semicolon inside a list item): "tổng số chuyên gia được đào tạo, chứng nhận"."""
    text = re.sub(r"\s*\([^()]*\)", "", text).strip()
    return text[0].lower() + text[1:] if text[:1].isupper() and not text[:2].isupper() else text


def _figures(ps, phase: bool) -> list[str]:
    out = []
    for p in ps:
        ind = p.indicator
        value, target = (p.phase_value, p.phase_target) if phase else (p.ten_year_value, p.ten_year_target)
        name = _bare(ind.name)
        if ind.is_deliverable:
            out.append(f"{name} ({amount_text(ind, value)})")
        else:
            out.append(f"{name}: {amount_text(ind, value)}, mục tiêu {target_text(target)}")
    return out


def review_sections(
    catalogue: Catalogue,
    first: int,
    last: int,
    data: list[YearData],
    p1: list | None,
    final: list,
    issuer_names: tuple[str, ...],
    next_label: str,
) -> dict[str, list[str]]:
    """The review's assessment drafted from the period's figures and the agencies' statements
    taken by theme: results by task group against the phase's targets; shortcomings with their
    objective and subjective causes; lessons learnt; the next phase's direction with every
    ten-year indicator still open; proposals. ``p1``: the first phase's progress to its end (or
    to ``last``); ``final``: progress at ``last``."""
    withheld: list[str] = []
    n_years = last - first + 1
    phase_rows = [p for p in (p1 or []) if p.phase_target is not None]
    by_group: dict[str, list] = defaultdict(list)
    for p in phase_rows:
        by_group[catalogue.tasks[p.indicator.task].group].append(p)
    achieved = [p for p in phase_rows if p.phase_status in ACHIEVED]
    phase_code = phase_rows[0].phase.code if phase_rows else f"{first}-{last}"
    achievements = [
        f"Sau {count(n_years)} năm triển khai, {count(len(achieved))}/{count(len(phase_rows))} chỉ tiêu có mục "
        f"tiêu giai đoạn {phase_code} đã đạt hoặc vượt mục tiêu (chi tiết tại mục II và Phụ lục 1)."
    ] if phase_rows else []  # fmt: skip
    for g in catalogue.task_groups:
        done = [p for p in by_group.get(g, []) if p.phase_status in ACHIEVED]
        if done:
            achievements.append(
                f"{GROUP_LEADS[g]}: đạt {count(len(done))}/{count(len(by_group[g]))} chỉ tiêu của giai đoạn, gồm "
                + _join(_figures(done, phase=True))
                + "."
            )
    # shortcomings: the figures first, then the agencies' themes; causes split by kind
    missed = [p for p in phase_rows if p.phase_status not in ACHIEVED]
    behind_ten = [p for p in final if p.ten_year_target is not None and p.ten_year_status == "Chậm tiến độ"]
    shortcomings = []
    if missed:
        shortcomings.append(
            f"{count(len(missed))} chỉ tiêu chưa đạt mục tiêu giai đoạn {phase_code}: "
            + _join(_figures(missed, phase=True))
        )
    if behind_ten:
        shortcomings.append(
            "chậm so với tiến độ mục tiêu 2021-2030: " + _join(_figures(behind_ten, phase=False))
        )
    objective: list[str] = []
    subjective: list[str] = []
    texts = in_time(statements(data, "difficulties"), last, withheld)
    for t in texts:
        heads, causes = themes_of(t)
        if not heads and not causes:
            withheld.append(f"Câu “{t}” chưa xếp được vào tồn tại, nguyên nhân nào: cán bộ tổng hợp xem xét.")
        for k in sorted(heads):
            if THEMES[k][1] and THEMES[k][1] not in shortcomings:
                shortcomings.append(THEMES[k][1])
        for k in sorted(causes):
            target = objective if THEMES[k][3] == "objective" else subjective
            if THEMES[k][2] not in target:
                target.append(THEMES[k][2])
    experts = [p for p in missed + behind_ten if p.indicator.unit == "chuyên gia"]
    if experts:
        objective.append(
            "việc đào tạo, chứng nhận chuyên gia phụ thuộc vào các khóa đào tạo do cơ quan Trung ương tổ chức"
        )
    late = sum(
        1
        for d in data
        for s in (d.summary or {}).get("status", [])
        if s["state"] in ("late", "missing", "rejected")
    )
    if late:
        subjective.append(
            f"việc báo cáo định kỳ của một số cơ quan, đơn vị chưa đúng thời hạn ({count(late)} lượt nộp muộn, "
            "chưa gửi hoặc phải sửa trong giai đoạn)"
        )
    if (missed or behind_ten) and not subjective:
        subjective.append("việc tham mưu, đôn đốc thực hiện một số chỉ tiêu chưa quyết liệt")
    difficulties = [f"Tồn tại, hạn chế: {_join(shortcomings)}."] if shortcomings else []
    if objective:
        difficulties.append(f"Nguyên nhân khách quan: {_join(objective)}.")
    if subjective:
        difficulties.append(f"Nguyên nhân chủ quan: {_join(subjective)}.")
    # lessons: from what the period showed
    documents = sum(1 for d in data for e in d.direction if e.kind == "document")
    lessons = [
        "Sự quan tâm chỉ đạo của Ủy ban nhân dân tỉnh và sự phối hợp giữa Sở Khoa học và Công nghệ với các sở, "
        "ngành, địa phương là điều kiện để Kế hoạch được triển khai đồng bộ"
        + (f" ({count(documents)} văn bản chỉ đạo, hướng dẫn trong giai đoạn)." if documents else ".")
    ]
    if any(not d.table("enterprises").empty for d in data):
        lessons.append(
            "Hỗ trợ tổ chức, doanh nghiệp cần xuất phát từ nhu cầu thực tế, chọn mô hình điểm để nhân rộng và "
            "theo dõi hiệu quả sau hỗ trợ."
        )
    if "nguồn ngân sách sự nghiệp khoa học bố trí hằng năm cho Kế hoạch còn hạn chế" in objective:
        lessons.append("Cần lồng ghép nguồn lực của các chương trình khoa học và công nghệ, khuyến công, "
                       "nông thôn mới để bổ sung kinh phí cho các nội dung của Kế hoạch.")  # fmt: skip
    if late:
        lessons.append("Việc theo dõi, đôn đốc thường xuyên và thống nhất biểu mẫu báo cáo giúp tổng hợp kết quả "
                       "kịp thời, chính xác.")  # fmt: skip
    if any("sắp xếp" in c for c in objective):
        lessons.append("Khi sắp xếp tổ chức bộ máy, cần sớm xác định cơ quan kế thừa nhiệm vụ để việc thực "
                       "hiện Kế hoạch không bị gián đoạn.")  # fmt: skip
    # the next phase: its targets in one sentence, every ten-year indicator still open in another
    next_tasks = [
        f"Tiếp tục chủ trì, phối hợp với các sở, ngành, địa phương triển khai Kế hoạch {next_label}; các cơ quan, "
        "đơn vị tiếp tục thực hiện nhiệm vụ được giao."
    ]
    nxt = [(p.indicator, p.indicator.targets.get("2026-2030")) for p in final]
    nxt_text = [f"{_bare(ind.name)}: {target_text(t)}" for ind, t in nxt if t is not None]
    if nxt_text and last < 2026:
        next_tasks.append(
            "Phấn đấu đạt các mục tiêu giai đoạn 2026-2030 của Kế hoạch: " + _join(nxt_text) + "."
        )
    still_open = [p for p in final if p.ten_year_target is not None and p.ten_year_status not in ACHIEVED]
    if still_open:
        next_tasks.append(
            "Tập trung thực hiện các chỉ tiêu 10 năm (2021-2030) chưa hoàn thành: "
            + _join(
                f"{_bare(p.indicator.name)}: {amount_text(p.indicator, p.ten_year_value)}"
                f" so với mục tiêu {_bare(target_text(p.ten_year_target))}"
                + (", chậm tiến độ" if p.ten_year_status == "Chậm tiến độ" else "")
                for p in still_open
            )
            + "."
        )
    annual = draft_sections(catalogue, data, issuer_names, next_label, [])
    next_tasks += [t for t in annual["next_tasks"][1:] if t not in next_tasks]
    return {
        "achievements": achievements,
        "difficulties": difficulties,
        "lessons": lessons,
        "next_tasks": next_tasks,
        "proposals": annual["proposals"],
        "withheld": merge_similar(withheld + annual["withheld"]),
    }


def behind_sentence(behind: list, to_date: str) -> list[str]:
    """The indicators behind their ten-year target as one task ("Đẩy nhanh tiến độ thực hiện
    các chỉ tiêu còn chậm ...: a; b; c."), none when nothing is behind."""
    if not behind:
        return []
    items = [
        f"{_bare(p.indicator.name)} ({to_date} {amount_text(p.indicator, p.ten_year_value)}, mục tiêu "
        f"{_bare(target_text(p.ten_year_target))})"
        for p in behind
    ]
    return [
        "Đẩy nhanh tiến độ thực hiện các chỉ tiêu còn chậm so với mục tiêu 2021-2030: " + _join(items) + "."
    ]
