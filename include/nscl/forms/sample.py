"""Deterministic sample submissions for any year 2021-2030: every expected agency's workbook
filled with plausible values, a few late, a few with mistakes (and one corrected resubmission),
and the statistics office's TFP inputs. Tests and the demo use it; nothing here is real data.

Longer than 400 lines because it holds the sample's own tables (company names, localities before
and after the 2025 merger, the lead agency's task results, growth series) beside the code that
draws from them; the agencies' narratives are data (``data/sample_narratives.yaml``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
from dataclasses import dataclass
from pathlib import Path

from nscl.forms.workbook import (
    BUDGET_SOURCES,
    FIRST_DATA_ROW,
    NARRATIVE_FIELDS,
    SHEET_BUDGET,
    SHEET_ENTERPRISES,
    SHEET_INDICATORS,
    SHEET_NARRATIVE,
    SHEET_TASKS,
    SHEET_TFP,
    SUPPORT_TYPES,
    TASK_STATUSES,
    TFP_FIRST_YEAR,
    TFP_IO_FIRST_COL,
    build_workbook,
    saver,
    workbook_filename,
)
from nscl.plan.catalogue import Agency, Catalogue, Expectation
from nscl.plan.territories import MERGER_YEAR, TERRITORIES, territory_name, workbook_territories
from nscl.settings import LOCAL_TZ
from nscl.store.fsutil import atomic_write

TZ = LOCAL_TZ
COMPANY_KINDS = ["Công ty TNHH", "Công ty Cổ phần", "Hợp tác xã", "Công ty TNHH MTV"]
COMPANY_NAMES = [
    "Nhựa Phố Hiến",
    "Cơ khí Mỹ Hào",
    "Thực phẩm Hưng Long",
    "Nông sản Khoái Châu",
    "Long nhãn Hưng Yên",
    "May mặc Văn Lâm",
    "Điện tử Như Quỳnh",
    "Bao bì Yên Mỹ",
    "Dệt may Phố Nối",
    "Gốm sứ Kim Động",
    "Chế biến gỗ Ân Thi",
    "Dược liệu Tiên Lữ",
    "Thép Việt Hưng",
    "Hóa chất Phù Cừ",
    "Rau an toàn Văn Giang",
    "Sữa sạch Hưng Yên",
    "Bánh kẹo Hải Hà Hưng Yên",
    "Nhôm kính Thăng Long",
    "Thủy sản Triều Dương",
    "Gạo nếp cái hoa vàng",
    "Mật ong Hồng Châu",
    "Chè lam Phố Hiến",
    "Tương Bần",
    "Cơ điện Tân Quang",
]
# Where a supported enterprise is, in the administrative units of the return's year. From 1 July
# 2025 (provinces merged, district level abolished) communes and wards of the two-tier local
# government; before, former Hưng Yên's units with their district-level unit (Mỹ Hào a thị xã
# since 2019, Hưng Yên a thành phố, the others huyện). The two lists are drawn at the same index,
# so the sample's other values do not depend on the year's list.
LOCALITIES = [
    "Phường Phố Hiến",
    "Phường Mỹ Hào",
    "Xã Như Quỳnh",
    "Xã Văn Giang",
    "Xã Yên Mỹ",
    "Xã Khoái Châu",
    "Xã Ân Thi",
    "Xã Lương Bằng",
    "Xã Tiên Lữ",
    "Xã Trần Cao",
]
FORMER_LOCALITIES = [
    "Phường Hiến Nam, thành phố Hưng Yên",
    "Phường Bần Yên Nhân, thị xã Mỹ Hào",
    "Thị trấn Như Quỳnh, huyện Văn Lâm",
    "Thị trấn Văn Giang, huyện Văn Giang",
    "Thị trấn Yên Mỹ, huyện Yên Mỹ",
    "Thị trấn Khoái Châu, huyện Khoái Châu",
    "Thị trấn Ân Thi, huyện Ân Thi",
    "Thị trấn Lương Bằng, huyện Kim Động",
    "Thị trấn Vương, huyện Tiên Lữ",
    "Thị trấn Trần Cao, huyện Phù Cừ",
]


def localities(year: int) -> list[str]:
    """The localities a return of ``year`` names (units existing when it was written: a return of
    2025 on is written after 1 July 2025)."""
    return LOCALITIES if year >= MERGER_YEAR else FORMER_LOCALITIES


def home_locality(agency: Agency, year: int) -> str | None:
    """Where a local People's Committee supports enterprises: a place of its own district ("UBND
    huyện Tiên Lữ": "..., huyện Tiên Lữ") or its own commune ("UBND xã Khoái Châu": "Xã Khoái
    Châu"); None for any other agency or a place not in the year's list."""
    area = agency.name.removeprefix("UBND ")
    for place in localities(year):
        if agency.kind == "district_pc" and place.endswith(f", {area}"):
            return place
        if agency.kind == "commune_pc" and place == area[:1].upper() + area[1:]:
            return place
    return None


# The agencies' narratives by year and role, as data: ``data/sample_narratives.yaml``.
NARRATIVES_FILE = Path(__file__).parent / "data" / "sample_narratives.yaml"


def _narratives() -> tuple[dict[int, dict[str, dict[str, tuple[str, ...]]]], dict[str, dict[str, tuple[str, ...]]]]:
    import yaml

    raw = yaml.safe_load(NARRATIVES_FILE.read_text(encoding="utf-8"))

    def roles(value: dict) -> dict[str, dict[str, tuple[str, ...]]]:
        return {r: {f: tuple(t) for f, t in fields.items()} for r, fields in value.items()}

    return {int(y): roles(v) for y, v in raw["by_year"].items()}, roles(raw["later"])


NARRATIVES, LATER = _narratives()
# From 2026: statements of no particular year (the tests' own returns draw from them too).
ACHIEVEMENTS = list(LATER["other"]["achievements"])
DIFFICULTIES = list(LATER["other"]["difficulties"])
PROPOSALS = list(LATER["other"]["proposals"])


def narrative_role(agency: Agency) -> str:
    """Whose words an agency's narrative takes (see NARRATIVES)."""
    if agency.code == "SKHCN":
        return "lead"
    if agency.kind in ("media", "school"):
        return agency.kind
    if agency.kind in ("district_pc", "commune_pc"):
        return "local"
    return "other"


def narrative_texts(agency: Agency, year: int, rng: random.Random) -> dict[str, str]:
    """The agency's narrative sheet for ``year`` (one statement a field, drawn with ``rng``)."""
    texts = NARRATIVES.get(year, LATER)
    role = narrative_role(agency)
    out = {}
    for field in ("achievements", "difficulties", "proposals"):
        pool = texts.get(role, {}).get(field) or texts["other"][field]
        out[field] = rng.choice(pool)
    own = texts.get(role, {}).get("next_year")
    out["next_year"] = own[0] if own else f"Tiếp tục triển khai các nhiệm vụ được giao năm {year + 1}."
    return out


# What a lead agency reports as the result of each task (sample wording, as agencies write it).
LEAD_RESULTS = {
    "I.1": "Tổ chức tuyên truyền, phổ biến về năng suất chất lượng trên Cổng thông tin điện tử của Sở và qua tài liệu gửi doanh nghiệp.",
    "I.2": "Đăng tải tin, bài, phóng sự về năng suất chất lượng và nội dung Kế hoạch trên báo, đài của tỉnh.",
    "I.3": "Tổ chức các lớp tập huấn về công cụ cải tiến năng suất, truy xuất nguồn gốc, xây dựng tiêu chuẩn cơ sở cho doanh nghiệp.",
    "I.4": "Cử cán bộ tham gia khóa đào tạo chuyên gia năng suất chất lượng, chuyên gia đánh giá chứng nhận do Trung ương tổ chức.",
    "I.5": "Phối hợp với các trường xây dựng nội dung chương trình đào tạo về năng suất chất lượng.",
    "I.6": "Tổ chức hội thảo về giải pháp nâng cao năng suất, chất lượng cho doanh nghiệp nhỏ và vừa.",
    "I.7": "Tổ chức hội nghị sơ kết 05 năm thực hiện Chương trình năng suất chất lượng của tỉnh.",
    "II.1": "Góp ý dự thảo văn bản của Trung ương về cơ chế, chính sách năng suất chất lượng.",
    "II.2": "Rà soát, tham mưu sửa đổi, bổ sung chính sách hỗ trợ doanh nghiệp nâng cao năng suất chất lượng của tỉnh.",
    "III.1": "Triển khai các nhiệm vụ thuộc chương trình đổi mới công nghệ, phát triển thị trường khoa học và công nghệ, truy xuất nguồn gốc.",
    "III.2": "Đặt hàng, triển khai đề tài, nhiệm vụ khoa học và công nghệ về nâng cao năng suất chất lượng.",
    "III.3": "Đánh giá, phân hạng và công nhận sản phẩm OCOP; hướng dẫn chủ thể OCOP nâng cao chất lượng sản phẩm.",
    "III.4": "Hỗ trợ cơ sở công nghiệp nông thôn đầu tư máy móc, thiết bị theo Chương trình khuyến công.",
    "III.5": "Hỗ trợ doanh nghiệp áp dụng hệ thống quản lý, công cụ cải tiến năng suất theo Kế hoạch.",
    "III.6": "Hướng dẫn tổ chức tư vấn, đánh giá chứng nhận của tỉnh hoàn thiện hồ sơ đề nghị công nhận.",
    "III.7": "Hỗ trợ các hợp tác xã, trang trại áp dụng VietGAP, sản xuất hữu cơ.",
    "III.8": "Hướng dẫn doanh nghiệp ứng dụng công nghệ số trong quản trị, sản xuất và kinh doanh.",
    "III.9": "Hỗ trợ doanh nghiệp chứng nhận hệ thống quản lý, chứng nhận sản phẩm phù hợp tiêu chuẩn.",
    "IV.1": "Phối hợp với cơ quan thống kê thu thập số liệu, tính toán đóng góp của TFP vào tăng trưởng kinh tế của tỉnh.",
    "V.1": "Tổ chức đoàn học tập kinh nghiệm triển khai Chương trình năng suất chất lượng tại tỉnh bạn.",
}
COORDINATOR_RESULT = "Phối hợp tuyên truyền, triển khai nội dung nhiệm vụ tại đơn vị, địa phương."
# A lead's task whose product is counted once in a while (appendix I.4 "6-8 chuyên gia", I.5 "03
# lớp", I.6 "02 hội nghị", I.7 the 2025 and 2030 conferences, III.6 "01 đơn vị", V.1 "02 đợt"): the
# indicators that count it and, in a year they count none in the province, what the lead writes.
NONE_RESULTS = {
    "I.4": (("CG_NSCL", "CG_DANHGIA"), "Chưa cử cán bộ tham gia đào tạo, chứng nhận chuyên gia trong năm."),
    "I.5": (("LOP_DAOTAO_TRUONG",), "Chưa có trường mở lớp đào tạo về năng suất chất lượng trong năm."),
    "I.6": (("HOI_THAO",), "Chưa tổ chức, tham gia hội thảo về năng suất và chất lượng trong năm."),
    "I.7": (("HOI_NGHI_SKTK",), "Chưa đến kỳ sơ kết, tổng kết thực hiện Chương trình."),
    "III.6": (("TOCHUC_TUVAN",), "Chưa hỗ trợ xây dựng tổ chức tư vấn, đánh giá chứng nhận trong năm."),
    "V.1": (("DOT_HOCTAP",), "Chưa tổ chức đoàn học tập kinh nghiệm trong năm."),
}
SCHOOL_PROGRAMME_YEARS = (2023, 2027)  # a school starts a programme (TRUONG_DAOTAO)
SCHOOL_CLASS_YEARS = (2023, 2026, 2028)  # a school holds a class (LOP_DAOTAO_TRUONG)
# Statistics office series (sample, not official): GRDP and investment at 2010 prices, employment.
GRDP_2010 = 32_500.0
GRDP_GROWTH = {
    2011: 8.1,
    2012: 7.6,
    2013: 7.9,
    2014: 8.2,
    2015: 8.4,
    2016: 8.6,
    2017: 8.9,
    2018: 9.2,
    2019: 9.0,
    2020: 6.1,
    2021: 7.4,
    2022: 8.5,
    2023: 7.6,
    2024: 8.3,
    2025: 8.9,
    2026: 8.6,
    2027: 8.4,
    2028: 8.2,
    2029: 8.0,
    2030: 7.8,
}
INVESTMENT_RATIO = 0.36
EMPLOYMENT_2010 = 640.0
EMPLOYMENT_GROWTH = 0.8  # % a year
# Thái Bình (cũ), sample: a larger workforce, a smaller and slower-growing GRDP.
TB_GRDP_2010 = 27_800.0
TB_GRDP_GROWTH = {y: g - 1.1 + 0.3 * ((y * 5) % 3) for y, g in GRDP_GROWTH.items()}
TB_INVESTMENT_RATIO = 0.31
TB_EMPLOYMENT_2010 = 1_085.0
TB_EMPLOYMENT_GROWTH = -0.15  # % a year
# Input-output tables (sample): year and labour share of GRDP (%) per former province.
IO_TABLES = {
    "hung_yen_cu": ((2012, 52.0), (2016, 50.5), (2020, 49.0)),
    "thai_binh_cu": ((2012, 60.5), (2016, 58.8), (2020, 57.0)),
}


TFP_SAMPLE_KEYS = ("grdp", "investment", "employment", "trained_labour_share", "rd_spending")


def tfp_series(territory: str, year: int) -> list[dict[str, float]]:
    """The sample series of a former province from 2010 to ``year`` (as entered: rounded to 0.1);
    the merged province's rows are their sums (2025 on)."""
    if territory == "hung_yen":
        a, b = tfp_series("hung_yen_cu", year), tfp_series("thai_binh_cu", year)
        keys = ("grdp", "investment", "employment", "rd_spending")
        return [
            {"year": x["year"], **{k: round(x[k] + z[k], 1) for k in keys},
             "trained_labour_share": round((x["trained_labour_share"] * x["employment"] + z["trained_labour_share"] * z["employment"]) / (x["employment"] + z["employment"]), 1)}
            for x, z in zip(a, b, strict=True)
            if x["year"] >= 2025
        ]  # fmt: skip
    hy = territory == "hung_yen_cu"
    grdp, employment = (GRDP_2010, EMPLOYMENT_2010) if hy else (TB_GRDP_2010, TB_EMPLOYMENT_2010)
    out = []
    for y in range(TFP_FIRST_YEAR, year + 1):
        if y > TFP_FIRST_YEAR:
            grdp *= 1 + (GRDP_GROWTH if hy else TB_GRDP_GROWTH)[y] / 100
            employment *= 1 + (EMPLOYMENT_GROWTH if hy else TB_EMPLOYMENT_GROWTH) / 100
        ratio = (INVESTMENT_RATIO if hy else TB_INVESTMENT_RATIO) + 0.004 * ((y * 7) % 5)
        # R&D spending share rising from about 0.25 % to 0.8 % of GRDP, unevenly.
        rd_share = 0.0025 + 0.00025 * (y - TFP_FIRST_YEAR) + 0.0003 * ((y * 3) % 4) / 3
        out.append(
            {
                "year": y,
                "grdp": round(grdp, 1),
                "investment": round(grdp * ratio, 1),
                "employment": round(employment, 1),
                "trained_labour_share": round((20 if hy else 18) + 1.3 * (y - TFP_FIRST_YEAR), 1),
                "rd_spending": round(grdp * rd_share * (1 if hy else 0.8), 1),
            }
        )
    return out


@dataclass(frozen=True)
class SampleFile:
    path: Path
    agency_code: str
    received: dt.datetime
    mistake: str | None = None  # what is wrong in this file, if anything


def _rng(year: int, code: str, salt: str = "") -> random.Random:
    return random.Random(f"nscl:{year}:{code}:{salt}")


def _indicator_value(code: str, exp: Expectation, year: int, rng: random.Random, n_enterprises: int):
    agency = exp.agency.code
    lead_like = agency == "SKHCN"
    media = exp.agency.kind == "media"
    if code == "DN_HOTRO":
        return n_enterprises
    if code == "LOP_TAPHUAN":
        return rng.randint(2, 4) if lead_like else rng.choice([0] * 9 + [1])
    if code == "DOT_TUYENTRUYEN":
        return 1 if lead_like else 0
    if code in ("CG_NSCL", "CG_DANHGIA"):
        return (1 if year in (2023, 2027, 2029) else 0) if lead_like else 0
    if code == "TRUONG_DAOTAO":
        return 1 if exp.agency.kind == "school" and year in SCHOOL_PROGRAMME_YEARS else 0
    if code == "LOP_DAOTAO_TRUONG":
        return 1 if exp.agency.kind == "school" and year in SCHOOL_CLASS_YEARS else 0
    if code == "PHONG_SU":
        return rng.randint(1, 2) if media and agency in ("DPTTH", "BPTTH") else 0
    if code == "BAI_VIET":
        return 1 if media and agency in ("BAOHY", "BPTTH") else 0
    if code == "HOI_THAO":
        return 1 if lead_like and year in (2022, 2028) else 0
    if code == "HOI_NGHI_SKTK":
        return 1 if lead_like and year in (2025, 2030) else 0
    if code == "CUOC_THI":
        return "Đã thực hiện" if agency == "LHHKHKT" and year == 2023 else "Chưa thực hiện"
    if code == "TOCHUC_TUVAN":
        return 1 if lead_like and year == 2024 else 0
    if code == "DV_THUNGHIEM":
        return 1 if lead_like and year in (2023, 2028) else 0
    if code == "DN_KHCN_NC":
        return rng.randint(1, 2) if lead_like else 0
    if code == "DE_TAI_NCKH":
        return 1 if lead_like else 0
    if code == "QCKT_DP":
        return 1 if lead_like and year in (2022, 2024) else 0
    if code == "KHU_CNC":
        return 1 if lead_like and year in (2027, 2029) else 0
    if code == "DOT_HOCTAP":
        return 1 if lead_like and year in (2022, 2026) else 0
    return 0


def _counted(codes: tuple[str, ...], year: int, figures: dict[str, object]) -> bool:
    """Whether the province counts any of ``codes`` in ``year``: the lead's own figures, and the
    schools' classes (which only schools report)."""
    if "LOP_DAOTAO_TRUONG" in codes and year in SCHOOL_CLASS_YEARS:
        return True
    return any(isinstance(figures.get(c), (int, float)) and bool(figures[c]) for c in codes)


def _n_enterprises(exp: Expectation, rng: random.Random) -> int:
    if not any(i.code == "DN_HOTRO" for i in exp.indicators):
        return 0
    # About 5-7 organisations a year in all, near the plan's 20-30 for 2021-2025.
    if exp.agency.code == "SKHCN":
        return rng.randint(2, 4)
    if exp.agency.code in ("SNNPTNT", "SNNMT", "SCT", "STTTT"):
        return rng.choice([0, 1])
    return rng.choice([0] * 11 + [1])


def fill_workbook(exp: Expectation, year: int, catalogue: Catalogue, mistake: str | None = None):
    """A workbook for ``exp`` filled with deterministic sample values (and ``mistake`` if set)."""
    wb = build_workbook(exp, year, catalogue)
    rng = _rng(year, exp.agency.code)
    if exp.tfp_inputs:
        ws = wb[SHEET_TFP]
        n_years = year - TFP_FIRST_YEAR + 1
        for block, code in enumerate(workbook_territories(year)):
            for rec in tfp_series(code, year):
                r = FIRST_DATA_ROW + block * n_years + rec["year"] - TFP_FIRST_YEAR
                for c, key in enumerate(TFP_SAMPLE_KEYS, 3):
                    ws.cell(row=r, column=c, value=rec[key])
        r = FIRST_DATA_ROW
        for code in workbook_territories(year):
            for io_year, pct in IO_TABLES.get(code, ()):
                note = "Bảng I/O của tỉnh (số liệu mẫu)"
                for c, v in enumerate((territory_name(code), io_year, pct, note)):
                    ws.cell(row=r, column=TFP_IO_FIRST_COL + c, value=v)
                r += 1
        assert set(IO_TABLES) <= set(TERRITORIES)
        return wb

    n_ent = _n_enterprises(exp, rng)
    ws = wb[SHEET_ENTERPRISES]
    total = {code: 0.0 for code, _ in BUDGET_SOURCES}
    for i in range(n_ent):
        r = FIRST_DATA_ROW + i
        name = f"{rng.choice(COMPANY_KINDS)} {rng.choice(COMPANY_NAMES)}"
        rng.randint(0, 99_999_999)  # kept so the other sample values stay as they were
        # One organisation, one tax code: the same enterprise supported twice (in a year or
        # over the years, by one agency or two) is the same organisation.
        tax = "09" + str(int(hashlib.sha256(name.encode()).hexdigest(), 16))[:8]
        amounts = {
            "central": 0.0,
            "provincial": float(rng.choice([50, 80, 100, 120])),
            "enterprise": float(rng.choice([30, 50, 70])),
            "other": 0.0,
        }
        place = rng.choice(localities(year))  # drawn in any case: the other values stay as they were
        place = home_locality(exp.agency, year) or place
        values = [name, tax, place, rng.choice(SUPPORT_TYPES[:-1])] + list(amounts.values())
        for c, v in enumerate(values, start=2):
            ws.cell(row=r, column=c, value=v)
        for k, v in amounts.items():
            total[k] += v
    ws = wb[SHEET_INDICATORS]
    figures: dict[str, object] = {}
    for i, ind in enumerate(exp.indicators):
        figures[ind.code] = _indicator_value(ind.code, exp, year, rng, n_ent)
        ws.cell(row=FIRST_DATA_ROW + i, column=8, value=figures[ind.code])
    ws = wb[SHEET_TASKS]
    for i, task in enumerate(exp.tasks):
        r = FIRST_DATA_ROW + i
        status = (
            rng.choice(TASK_STATUSES[:2]) if task.code != "I.7" or year in (2025, 2030) else TASK_STATUSES[3]
        )
        own = exp.agency.code in task.lead or bool(set(task.lead) & catalogue.predecessors(exp.agency.code))
        result = LEAD_RESULTS.get(task.code, COORDINATOR_RESULT) if own else COORDINATOR_RESULT
        if own and task.code == "I.7" and year == 2030:
            result = "Tổ chức hội nghị tổng kết 10 năm thực hiện Chương trình năng suất chất lượng của tỉnh."
        if own and task.code in NONE_RESULTS and not _counted(NONE_RESULTS[task.code][0], year, figures):
            # the lead's words agree with the figures: no expert, class, workshop... this year
            result = NONE_RESULTS[task.code][1]
            status = status if status == TASK_STATUSES[3] else TASK_STATUSES[2]
        ws.cell(row=r, column=6, value=status)
        ws.cell(row=r, column=7, value=result)
    ws = wb[SHEET_BUDGET]
    total["provincial"] += 20.0 * sum(1 for ind in exp.indicators if ind.code == "LOP_TAPHUAN")
    for i, (code, _label) in enumerate(BUDGET_SOURCES):
        ws.cell(row=FIRST_DATA_ROW + i, column=4, value=total[code])
    ws = wb[SHEET_NARRATIVE]
    texts = narrative_texts(exp.agency, year, rng)
    for i, (code, _label) in enumerate(NARRATIVE_FIELDS):
        wb[SHEET_NARRATIVE].cell(row=FIRST_DATA_ROW + i, column=4, value=texts[code])
    _apply_mistake(wb, exp, mistake)
    return wb


def _apply_mistake(wb, exp: Expectation, mistake: str | None) -> None:
    if mistake is None:
        return
    ws = wb[SHEET_INDICATORS]
    counted = [i for i, ind in enumerate(exp.indicators) if not ind.is_deliverable and ind.code != "DN_HOTRO"]
    if mistake == "negative":
        ws.cell(row=FIRST_DATA_ROW + counted[0], column=8, value=-2)
    elif mistake == "text_in_number":
        ws.cell(row=FIRST_DATA_ROW + counted[0], column=8, value="ba lớp")
    elif mistake == "vn_number_format":
        # Accepted: "1.234,5" is Vietnamese for 1234.5, not a mistake.
        wb[SHEET_BUDGET].cell(row=FIRST_DATA_ROW + 1, column=4, value="1.234,5")
    else:
        raise ValueError(f"unknown sample mistake {mistake!r}")


def sample_plan(catalogue: Catalogue, year: int) -> list[tuple[Expectation, str | None, dt.datetime, str]]:
    """(expectation, mistake, received time, file suffix) for every sample file of the year."""
    expected = catalogue.expected_reporters(year)
    rng = _rng(year, "plan")
    deadline = dt.datetime(year, 11, 30, 17, 0, tzinfo=TZ)
    reporters = [e for e in expected if not e.tfp_inputs]
    late = {e.agency.code for e in rng.sample(reporters, 2)}
    candidates = [e for e in reporters if e.agency.code != "SKHCN" and e.indicators]
    wrong = rng.sample(candidates, 3)
    mistakes = {
        wrong[0].agency.code: "negative",
        wrong[1].agency.code: "text_in_number",
        wrong[2].agency.code: "vn_number_format",
    }
    plan = []
    for i, exp in enumerate(expected):
        code = exp.agency.code
        received = deadline - dt.timedelta(days=20 - (i % 15), hours=i % 7)
        if code in late:
            received = deadline + dt.timedelta(days=2 + i % 3)
        mistake = mistakes.get(code)
        plan.append((exp, mistake, received, ""))
        if mistake == "negative":  # the agency fixes it after the feedback and resubmits
            plan.append((exp, None, received + dt.timedelta(days=3), "_lan2"))
    return plan


def write_sample_data(catalogue: Catalogue, year: int, out_dir: Path) -> list[SampleFile]:
    """Write the year's sample workbooks into ``out_dir``; file times are the received times."""
    out_dir = Path(out_dir)
    written = []
    for exp, mistake, received, suffix in sample_plan(catalogue, year):
        wb = fill_workbook(exp, year, catalogue, mistake)
        path = out_dir / workbook_filename(exp, year).replace(".xlsx", f"{suffix}.xlsx")
        atomic_write(path, saver(wb))
        ts = received.timestamp()
        os.utime(path, (ts, ts))
        written.append(SampleFile(path, exp.agency.code, received, mistake))
    return written
