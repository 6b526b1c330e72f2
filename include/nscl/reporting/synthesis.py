"""The review's own assessment (sơ kết / tổng kết), a synthesis of the years it covers, never a
year's text: results by task group against the phase's targets; shortcomings with their objective
and subjective causes, the agencies' statements taken by theme and worded by the review; lessons
learnt; the next phase's targets and every ten-year indicator still open; proposals."""

from __future__ import annotations

from collections import defaultdict

from nscl.plan.catalogue import Catalogue
from nscl.reporting.common import amount_text, count, target_text
from nscl.reporting.figures import support_counts, support_sentence
from nscl.reporting.narrative import (
    GROUP_LEADS,
    _bare,
    _join,
    _norm,
    draft_sections,
    in_time,
    merge_similar,
    statements,
)
from nscl.reporting.yeardata import YearData

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
                 "dịch COVID-19 ảnh hưởng đến hoạt động sản xuất, kinh doanh của doanh nghiệp và việc tổ chức "
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


def _figures(ps, phase: bool) -> list[str]:
    out = []
    for p in ps:
        ind = p.indicator
        value, target = (p.phase_value, p.phase_target) if phase else (p.ten_year_value, p.ten_year_target)
        name = _bare(ind.name)
        if ind.is_deliverable:
            out.append(f"{name} ({amount_text(ind, value)})")
        else:
            out.append(f"{name} (đạt {amount_text(ind, value)}, mục tiêu {_bare(target_text(target))})")
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
        # A synthesis, not section II again: how many of the group's targets were met, and by
        # name only those exceeded (the figures of every indicator are in section II).
        done = [p for p in by_group.get(g, []) if p.phase_status in ACHIEVED]
        if not done:
            continue
        text = (
            f"{GROUP_LEADS[g]}: {count(len(done))}/{count(len(by_group[g]))} chỉ tiêu của giai đoạn "
            "đạt hoặc vượt mục tiêu"
        )
        exceeded = [p for p in done if p.phase_status == "Vượt mục tiêu"]
        if exceeded:
            text += "; vượt mục tiêu: " + _join(
                f"{_bare(p.indicator.name)} ({amount_text(p.indicator, p.phase_value)}, mục tiêu "
                f"{target_text(p.phase_target)})"
                for p in exceeded
            )
        if g == "III" and support_counts(data)[0]:
            text += f"; trong giai đoạn, các cơ quan, đơn vị {support_sentence(data)}"
        achievements.append(text + ".")
    # shortcomings: the figures first, then the agencies' themes; causes split by kind
    missed = [p for p in phase_rows if p.phase_status not in ACHIEVED]
    behind_ten = [p for p in final if p.ten_year_target is not None and p.ten_year_status == "Chậm tiến độ"]
    shortcomings = []
    if missed:
        shortcomings.append(
            f"{count(len(missed))} chỉ tiêu chưa đạt mục tiêu giai đoạn {phase_code}, gồm "
            + _join(_figures(missed, phase=True))
        )
    if behind_ten:
        shortcomings.append(
            "chỉ tiêu chậm so với tiến độ của mục tiêu 2021-2030 gồm " + _join(_figures(behind_ten, phase=False))
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
    # the next phase's targets, one sentence per task group (one list of them all ran on for a page)
    nxt: dict[str, list[str]] = defaultdict(list)
    for p in final:
        t = p.indicator.targets.get("2026-2030")
        if t is not None:
            nxt[catalogue.tasks[p.indicator.task].group].append(
                f"{_bare(p.indicator.name)} ({_bare(target_text(t))})"
            )
    if nxt and last < 2026:
        for g in catalogue.task_groups:
            if nxt.get(g):
                next_tasks.append(
                    f"{GROUP_LEADS[g]}, phấn đấu đạt các mục tiêu giai đoạn 2026-2030 của Kế hoạch: "
                    + _join(nxt[g])
                    + "."
                )
    still_open = [p for p in final if p.ten_year_target is not None and p.ten_year_status not in ACHIEVED]
    if still_open:
        next_tasks.append(
            "Tập trung thực hiện các chỉ tiêu 10 năm (2021-2030) chưa hoàn thành: "
            + _join(
                f"{_bare(p.indicator.name)} (đạt {amount_text(p.indicator, p.ten_year_value)}"
                f" so với mục tiêu {_bare(target_text(p.ten_year_target))}"
                + ("; chậm so với tiến độ)" if p.ten_year_status == "Chậm tiến độ" else ")")
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
