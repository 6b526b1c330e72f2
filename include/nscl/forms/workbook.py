"""Per-agency workbooks: generation (pre-filled, with data validation and a hidden, protected
metadata sheet) and reading back into typed tables. A workbook is identified by its metadata
sheet, never by its file name.

Longer than 400 lines because it writes and reads the same template: the layout constants that
generation uses are the ones the reader locates cells by, and they must not drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nscl.plan.catalogue import Catalogue, Expectation
from nscl.plan.territories import MERGER_YEAR, territory_name, workbook_territories
from nscl.settings import TEMPLATE_VERSION
from nscl.store.cells import protect_text_cells
from nscl.store.fsutil import atomic_write

META_SHEET = "_meta"
SHEET_GUIDE = "Hướng dẫn"
SHEET_INDICATORS = "Chỉ tiêu"
SHEET_TASKS = "Nhiệm vụ"
SHEET_ENTERPRISES = "Doanh nghiệp"
SHEET_BUDGET = "Kinh phí"
SHEET_NARRATIVE = "Thuyết minh"
SHEET_TFP = "Số liệu TFP"

TASK_STATUSES = ["Hoàn thành", "Đang thực hiện", "Chưa thực hiện", "Không phát sinh"]
DELIVERABLE_VALUES = {"Đã thực hiện": 1, "Chưa thực hiện": 0}
SUPPORT_TYPES = [
    "ISO 9001",
    "ISO 14001",
    "ISO 22000/HACCP",
    "ISO/IEC 17025",
    "VietGAP/GAP",
    "Hữu cơ",
    "Tiêu chuẩn cơ sở (TCCS)",
    "Chứng nhận hợp chuẩn, hợp quy",
    "Truy xuất nguồn gốc",
    "5S/Kaizen/Lean và công cụ cải tiến khác",
    "Năng suất xanh",
    "Khác",
]
BUDGET_SOURCES = [
    ("central", "Ngân sách trung ương"),
    ("provincial", "Ngân sách tỉnh"),
    ("enterprise", "Đối ứng của tổ chức, doanh nghiệp"),
    ("other", "Nguồn hợp pháp khác"),
]
NARRATIVE_FIELDS = [
    ("achievements", "Kết quả nổi bật đạt được"),
    ("difficulties", "Tồn tại, hạn chế, khó khăn và nguyên nhân"),
    ("proposals", "Đề xuất, kiến nghị"),
    ("next_year", "Nhiệm vụ trọng tâm năm tới"),
]
ENTERPRISE_COLUMNS = [
    ("name", "Tên tổ chức, doanh nghiệp"),
    ("tax_code", "Mã số thuế"),
    ("locality", "Địa bàn (xã, phường)"),
    ("support_type", "Nội dung hỗ trợ"),
    ("central", "NS trung ương (triệu đồng)"),
    ("provincial", "NS tỉnh (triệu đồng)"),
    ("enterprise", "DN đối ứng (triệu đồng)"),
    ("other", "Nguồn khác (triệu đồng)"),
]
TFP_COLUMNS = [
    ("year", "Năm"),
    ("territory", "Địa bàn"),
    ("grdp", "GRDP theo giá so sánh 2010 (tỷ đồng)"),
    ("investment", "Vốn đầu tư thực hiện theo giá so sánh 2010 (tỷ đồng)"),
    ("employment", "Lao động đang làm việc (nghìn người)"),
    ("trained_labour_share", "Tỷ lệ lao động qua đào tạo có bằng cấp, chứng chỉ (%)"),
    ("rd_spending", "Chi cho khoa học và công nghệ (tỷ đồng)"),
]
TFP_FIRST_YEAR = 2010  # history needed to build the capital stock before 2021
TFP_MIN_YEAR = 2015  # the latest start that still gives 2021 after five burn-in years
# The statistics office's factor shares, one row per input-output table (block right of the data).
TFP_IO_COLUMNS = [
    ("io_territory", "Địa bàn của bảng I/O"),
    ("io_year", "Năm lập bảng I/O"),
    ("labour_share_pct", "Tỷ phần thu nhập của người lao động trong GRDP theo bảng I/O (%)"),
    ("io_note", "Nguồn, ghi chú"),
]
TFP_IO_FIRST_COL = 10  # column J
TFP_IO_ROWS = 8
ENTERPRISE_ROWS = 200  # rows prepared with data validation on the enterprise sheet
FIRST_DATA_ROW = 5  # rows 1-3: title and notes; row 4: header


class WorkbookError(ValueError):
    """The file is not a usable workbook of this programme (Vietnamese message)."""


@dataclass
class Submission:
    """A workbook read back: its identity and typed tables (raw cell values kept for checks)."""

    agency_code: str
    year: int
    template_version: str
    kind: str  # "agency" or "tfp"
    indicators: list[dict[str, Any]] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    enterprises: list[dict[str, Any]] = field(default_factory=list)
    budget: dict[str, Any] = field(default_factory=dict)
    narrative: dict[str, dict[str, Any]] = field(default_factory=dict)
    tfp: list[dict[str, Any]] = field(default_factory=list)
    tfp_io: list[dict[str, Any]] = field(default_factory=list)  # input-output tables (factor shares)
    agency_name: str = ""


# ---- generation -----------------------------------------------------------------------


def _styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="999999")
    return {
        "title": Font(name="Times New Roman", size=14, bold=True),
        "note": Font(name="Times New Roman", size=11, italic=True),
        "header": Font(name="Times New Roman", size=11, bold=True),
        "body": Font(name="Times New Roman", size=11),
        "header_fill": PatternFill("solid", fgColor="DDEBF7"),
        "input_fill": PatternFill("solid", fgColor="FFF2CC"),
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "wrap": Alignment(wrap_text=True, vertical="top"),
    }


def _table(ws, title: str, note: str, headers: list[str], widths: list[int], st) -> None:
    ws["A1"] = title
    ws["A1"].font = st["title"]
    ws["A2"] = note
    ws["A2"].font = st["note"]
    for col, (head, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = ws.cell(row=FIRST_DATA_ROW - 1, column=col, value=head)
        cell.font, cell.fill, cell.border, cell.alignment = (
            st["header"],
            st["header_fill"],
            st["border"],
            st["wrap"],
        )
        ws.column_dimensions[cell.column_letter].width = width
    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=1)


def _hide_codes(ws, column: str) -> None:
    """The internal codes the reader needs stay in the workbook, in a hidden column of the
    protected sheet (agencies see names only; issue 12). The reader finds rows by position and
    the workbook by its hidden ``_meta`` sheet, as before."""
    ws.column_dimensions[column].hidden = True


def _register_named_styles(wb, st) -> None:
    """Named styles: assigning one per cell is far cheaper than setting each attribute."""
    from openpyxl.styles import NamedStyle, Protection

    wb.add_named_style(
        NamedStyle(
            name="nscl_input",
            font=st["body"],
            fill=st["input_fill"],
            border=st["border"],
            alignment=st["wrap"],
            protection=Protection(locked=False),
        )
    )
    wb.add_named_style(
        NamedStyle(name="nscl_fixed", font=st["body"], border=st["border"], alignment=st["wrap"])
    )


def _input(cell, st, value=None):
    if value is not None:
        cell.value = value
    cell.style = "nscl_input"


def _fixed(cell, st, value):
    cell.value = value
    cell.style = "nscl_fixed"


def _list_validation(values: list[str], title: str):
    from openpyxl.worksheet.datavalidation import DataValidation

    formula = '"' + ",".join(values) + '"'
    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
    dv.errorTitle, dv.error = title, "Vui lòng chọn một giá trị trong danh sách."
    return dv


def _number_validation(minimum: float = 0, maximum: float | None = None, whole: bool = False):
    from openpyxl.worksheet.datavalidation import DataValidation

    kind = "whole" if whole else "decimal"
    if maximum is None:
        dv = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=str(minimum), allow_blank=True)
        dv.error = f"Vui lòng nhập số không âm (>= {minimum})."
    else:
        dv = DataValidation(
            type=kind, operator="between", formula1=str(minimum), formula2=str(maximum), allow_blank=True
        )
        dv.error = f"Vui lòng nhập số trong khoảng {minimum} - {maximum}."
    dv.showErrorMessage, dv.errorTitle = True, "Giá trị không hợp lệ"
    return dv


def _meta_sheet(wb, meta: dict[str, Any]) -> None:
    ws = wb.create_sheet(META_SHEET)
    for row, (key, value) in enumerate(meta.items(), start=1):
        ws.cell(row=row, column=1, value=key)
        ws.cell(row=row, column=2, value=value)
    ws.sheet_state = "hidden"
    # The password only deters accidental edits; identity is cross-checked on intake.
    ws.protection.sheet = True
    ws.protection.password = "nscl"


def _guide_sheet(wb, exp: Expectation, year: int, catalogue: Catalogue, st, tfp: bool) -> None:
    ws = wb.active
    ws.title = SHEET_GUIDE
    ws.column_dimensions["A"].width = 110
    deadline = catalogue.deadline(year)
    lines = [
        ("title", f"BIỂU MẪU BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH 101/KH-UBND NĂM {year}"),
        ("header", f"Đơn vị báo cáo: {exp.agency.name} (mã {exp.agency.code})"),
        (
            "body",
            f"Hạn gửi: trước ngày {deadline.day:02d}/{deadline.month:02d}/{year}, gửi về Sở Khoa học và Công nghệ.",
        ),
        (
            "body",
            f"Phiên bản biểu mẫu: {TEMPLATE_VERSION}. Không đổi tên, thêm, xóa hoặc sắp xếp lại các trang tính.",
        ),
        ("body", "Ô nền vàng là ô nhập liệu; các ô khác đã được điền sẵn và được khóa."),
    ]
    if tfp:
        lines += [
            (
                "body",
                f"Trang '{SHEET_TFP}': nhập số liệu theo năm từ {TFP_FIRST_YEAR} (tối thiểu từ {TFP_MIN_YEAR}, để "
                f"dựng tài sản vốn) đến {year}, theo giá so sánh năm 2010, cho từng địa bàn đã in sẵn.",
            ),
            *(_tfp_merger_lines(year)),
            (
                "body",
                "GRDP và vốn đầu tư tính bằng tỷ đồng; lao động tính bằng nghìn người; tỷ lệ tính bằng %.",
            ),
        ]
    else:
        lines += [
            (
                "body",
                f"Trang '{SHEET_INDICATORS}': nhập kết quả năm {year} của từng chỉ tiêu. Chỉ báo cáo hoạt động do "
                "đơn vị trực tiếp chủ trì tổ chức, không báo cáo lại hoạt động do đơn vị khác chủ trì; "
                "nếu không phát sinh, nhập 0.",
            ),
            (
                "body",
                f"Trang '{SHEET_TASKS}': chọn tình trạng thực hiện từng nhiệm vụ và mô tả kết quả cụ thể.",
            ),
            (
                "body",
                f"Trang '{SHEET_ENTERPRISES}': mỗi tổ chức, doanh nghiệp được hỗ trợ trong năm một dòng; mã số thuế "
                "gồm 10 chữ số (hoặc 10 chữ số, dấu '-' và 3 chữ số đối với chi nhánh); kinh phí tính bằng triệu đồng.",
            ),
            ("body", f"Trang '{SHEET_BUDGET}': kinh phí đã sử dụng trong năm theo nguồn (triệu đồng)."),
            ("body", f"Trang '{SHEET_NARRATIVE}': kết quả nổi bật, khó khăn, đề xuất và nhiệm vụ năm tới."),
            (
                "body",
                "Số thập phân dùng dấu phẩy như thông lệ Việt Nam (ví dụ 1.234,5) hoặc nhập trực tiếp dạng số.",
            ),
        ]
    for row, (style, text) in enumerate(lines, start=1):
        cell = ws.cell(row=row, column=1, value=text)
        cell.font, cell.alignment = st[style], st["wrap"]
        if tfp and len(text) > 110:  # the TFP instructions are long: room for each wrapped line
            ws.row_dimensions[row].height = 15 * (len(text) // 100 + 1)
    ws.protection.sheet = True


def _indicator_sheet(wb, exp: Expectation, year: int, catalogue: Catalogue, st) -> None:
    ws = wb.create_sheet(SHEET_INDICATORS)
    phase = catalogue.phase_of(year)
    ten = catalogue.ten_year_phase()
    headers = [
        "STT",
        "Mã chỉ tiêu",
        "Tên chỉ tiêu",
        "Đơn vị tính",
        "Nhiệm vụ",
        f"Mục tiêu {phase.code}",
        f"Mục tiêu {ten.code}",
        f"Kết quả năm {year}",
        "Ghi chú",
    ]
    _table(
        ws,
        f"KẾT QUẢ CÁC CHỈ TIÊU NĂM {year}",
        f"{exp.agency.name}. Ô nền vàng là ô nhập liệu.",
        headers,
        [5, 16, 60, 14, 9, 34, 30, 14, 30],
        st,
    )
    _hide_codes(ws, "B")
    counts = _number_validation(0, whole=True)
    deliverable = _list_validation(list(DELIVERABLE_VALUES), "Chỉ tiêu hoàn thành/không hoàn thành")
    ws.add_data_validation(counts)
    ws.add_data_validation(deliverable)
    for i, ind in enumerate(exp.indicators):
        r = FIRST_DATA_ROW + i
        p_target = ind.targets.get(phase.code)
        t_target = ind.targets.get(ten.code)
        for col, value in enumerate(
            [
                i + 1,
                ind.code,
                ind.name,
                ind.unit,
                ind.task,
                p_target.text if p_target else "—",
                t_target.text if t_target else "—",
            ],
            1,
        ):
            _fixed(ws.cell(row=r, column=col), st, value)
        result = ws.cell(row=r, column=8)
        _input(result, st)
        (deliverable if ind.is_deliverable else counts).add(result)
        _input(ws.cell(row=r, column=9), st)
    ws.protection.sheet = True


def _task_sheet(wb, exp: Expectation, year: int, catalogue: Catalogue, st) -> None:
    ws = wb.create_sheet(SHEET_TASKS)
    headers = [
        "STT",
        "Mã nhiệm vụ",
        "Nội dung công việc",
        "Vai trò",
        "Sản phẩm theo Kế hoạch",
        "Tình trạng",
        "Kết quả cụ thể",
        "Khó khăn, vướng mắc",
    ]
    _table(
        ws,
        f"TIẾN ĐỘ THỰC HIỆN NHIỆM VỤ NĂM {year}",
        exp.agency.name,
        headers,
        [5, 11, 60, 11, 30, 18, 50, 40],
        st,
    )
    statuses = _list_validation(TASK_STATUSES, "Tình trạng thực hiện")
    ws.add_data_validation(statuses)
    roles = dict((t.code, role) for t, role in catalogue.task_roles(exp.agency, year))
    for i, task in enumerate(exp.tasks):
        r = FIRST_DATA_ROW + i
        role = "Chủ trì" if roles.get(task.code) == "lead" else "Phối hợp"
        for col, value in enumerate([i + 1, task.code, task.content, role, task.product], 1):
            _fixed(ws.cell(row=r, column=col), st, value)
        status = ws.cell(row=r, column=6)
        _input(status, st)
        statuses.add(status)
        _input(ws.cell(row=r, column=7), st)
        _input(ws.cell(row=r, column=8), st)
    ws.protection.sheet = True


def _enterprise_sheet(wb, exp: Expectation, year: int, st) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    ws = wb.create_sheet(SHEET_ENTERPRISES)
    headers = ["STT"] + [label for _, label in ENTERPRISE_COLUMNS]
    _table(
        ws,
        f"TỔ CHỨC, DOANH NGHIỆP ĐƯỢC HỖ TRỢ NĂM {year}",
        exp.agency.name,
        headers,
        [5, 40, 16, 22, 30, 14, 14, 14, 14],
        st,
    )
    support = _list_validation(SUPPORT_TYPES, "Nội dung hỗ trợ")
    money = _number_validation(0)
    tax = DataValidation(
        type="textLength", operator="between", formula1="10", formula2="14", allow_blank=True
    )
    tax.showErrorMessage, tax.error = True, "Mã số thuế gồm 10 hoặc 13 chữ số."
    for dv in (support, money, tax):
        ws.add_data_validation(dv)
    last = FIRST_DATA_ROW + ENTERPRISE_ROWS - 1
    support.add(f"E{FIRST_DATA_ROW}:E{last}")
    tax.add(f"C{FIRST_DATA_ROW}:C{last}")
    money.add(f"F{FIRST_DATA_ROW}:I{last}")
    for r in range(FIRST_DATA_ROW, last + 1):
        for c in range(2, 10):
            _input(ws.cell(row=r, column=c), st)
            if c == 3:
                ws.cell(row=r, column=c).number_format = "@"  # tax codes keep their leading zeros


def _budget_sheet(wb, exp: Expectation, year: int, st) -> None:
    ws = wb.create_sheet(SHEET_BUDGET)
    _table(
        ws,
        f"KINH PHÍ THỰC HIỆN NĂM {year}",
        f"{exp.agency.name}. Đơn vị tính: triệu đồng.",
        ["STT", "Nguồn kinh phí", "Mã nguồn", f"Kinh phí đã sử dụng năm {year} (triệu đồng)"],
        [5, 40, 12, 24],
        st,
    )
    _hide_codes(ws, "C")
    money = _number_validation(0)
    ws.add_data_validation(money)
    for i, (code, label) in enumerate(BUDGET_SOURCES):
        r = FIRST_DATA_ROW + i
        for col, value in enumerate([i + 1, label, code], 1):
            _fixed(ws.cell(row=r, column=col), st, value)
        _input(ws.cell(row=r, column=4), st)
        money.add(ws.cell(row=r, column=4))
    ws.protection.sheet = True


def _narrative_sheet(wb, exp: Expectation, year: int, st) -> None:
    ws = wb.create_sheet(SHEET_NARRATIVE)
    _table(
        ws,
        f"THUYẾT MINH KẾT QUẢ NĂM {year}",
        exp.agency.name,
        ["STT", "Nội dung", "Mã", "Thuyết minh"],
        [5, 34, 12, 100],
        st,
    )
    _hide_codes(ws, "C")
    for i, (code, label) in enumerate(NARRATIVE_FIELDS):
        r = FIRST_DATA_ROW + i
        for col, value in enumerate([i + 1, label, code], 1):
            _fixed(ws.cell(row=r, column=col), st, value)
        _input(ws.cell(row=r, column=4), st)
        ws.row_dimensions[r].height = 90
    ws.protection.sheet = True


def _tfp_merger_lines(year: int) -> list[tuple[str, str]]:
    """The guide's Vietnamese instructions on territories and input-output tables."""
    lines = []
    if year >= MERGER_YEAR:
        lines.append(
            (
                "body",
                "Từ ngày 01/7/2025 tỉnh Hưng Yên và tỉnh Thái Bình hợp nhất thành tỉnh Hưng Yên. Để tính TFP trên "
                "cùng một địa giới cho mọi năm, đề nghị nhập riêng chuỗi số liệu của Hưng Yên (cũ) và của Thái "
                f"Bình (cũ) cho mọi năm từ {TFP_FIRST_YEAR} đến {year} (kể cả các năm sau hợp nhất, theo địa "
                "giới của từng tỉnh cũ). Các dòng Hưng Yên (sau hợp nhất) nhập số liệu chính thức của toàn tỉnh "
                "mới nếu đã có (không bắt buộc); tổng của hai tỉnh cũ phải bằng số của toàn tỉnh (chênh lệch "
                "chỉ do làm tròn).",
            )
        )
    lines.append(
        (
            "body",
            "Bảng I/O (bên phải trang số liệu): mỗi dòng là một bảng cân đối liên ngành đã lập, ghi năm lập "
            "bảng và tỷ phần thu nhập của người lao động trong GRDP (%); hệ số của mỗi bảng được dùng từ năm "
            "lập bảng đến khi có bảng mới. Nếu không có bảng I/O, để trống: hệ số mặc định (vốn 0,4; lao động "
            "0,6) sẽ được áp dụng và ghi rõ trong báo cáo.",
        )
    )
    return lines


def _tfp_sheet(wb, exp: Expectation, year: int, st) -> None:
    ws = wb.create_sheet(SHEET_TFP)
    territories = workbook_territories(year)
    _table(
        ws,
        "SỐ LIỆU PHỤC VỤ TÍNH ĐÓNG GÓP CỦA TFP VÀO TĂNG TRƯỞNG KINH TẾ",
        f"{exp.agency.name}. Số liệu chính thức theo năm, giá so sánh năm 2010, theo từng địa bàn; "
        f"từ năm {TFP_FIRST_YEAR} (tối thiểu {TFP_MIN_YEAR}) đến năm {year}.",
        [label for _, label in TFP_COLUMNS],
        [8, 22, 22, 26, 20, 24, 20],
        st,
    )
    if len(territories) > 1:
        ws["A3"] = (
            "Nhập riêng Hưng Yên (cũ) và Thái Bình (cũ) cho mọi năm; Hưng Yên (sau hợp nhất): số của toàn tỉnh "
            "mới nếu có (không bắt buộc), phải bằng tổng hai tỉnh cũ."
        )
        ws["A3"].font = st["note"]
    positive = _number_validation(0)
    share = _number_validation(0, 100)
    for dv in (positive, share):
        ws.add_data_validation(dv)
    r = FIRST_DATA_ROW
    for code in territories:
        for y in range(TFP_FIRST_YEAR, year + 1):
            _fixed(ws.cell(row=r, column=1), st, y)
            _fixed(ws.cell(row=r, column=2), st, territory_name(code))
            for c in range(3, 3 + len(TFP_COLUMNS) - 2):
                _input(ws.cell(row=r, column=c), st)
            positive.add(f"C{r}:E{r}")
            share.add(f"F{r}")
            positive.add(f"G{r}")
            r += 1
    _tfp_io_block(ws, territories, year, st)
    ws.protection.sheet = True


def _tfp_io_block(ws, territories: list[str], year: int, st) -> None:
    from openpyxl.utils import get_column_letter

    first = TFP_IO_FIRST_COL
    for i, (_, label) in enumerate(TFP_IO_COLUMNS):
        cell = ws.cell(row=FIRST_DATA_ROW - 1, column=first + i, value=label)
        cell.font, cell.fill, cell.border, cell.alignment = (
            st["header"],
            st["header_fill"],
            st["border"],
            st["wrap"],
        )
        ws.column_dimensions[cell.column_letter].width = [22, 12, 26, 30][i]
    title = ws.cell(row=FIRST_DATA_ROW - 2, column=first)
    title.value = "HỆ SỐ CO GIÃN THEO BẢNG CÂN ĐỐI LIÊN NGÀNH (I/O)"
    title.font = st["header"]
    names = _list_validation([territory_name(c) for c in territories], "Địa bàn")
    io_year = _number_validation(1990, year, whole=True)
    pct = _number_validation(0, 100)
    for dv in (names, io_year, pct):
        ws.add_data_validation(dv)
    for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + TFP_IO_ROWS):
        for i in range(len(TFP_IO_COLUMNS)):
            _input(ws.cell(row=r, column=first + i), st)
        names.add(f"{get_column_letter(first)}{r}")
        io_year.add(f"{get_column_letter(first + 1)}{r}")
        pct.add(f"{get_column_letter(first + 2)}{r}")


def build_workbook(exp: Expectation, year: int, catalogue: Catalogue):
    """An openpyxl Workbook for one expected agency and year."""
    from openpyxl import Workbook

    st = _styles()
    wb = Workbook()
    _register_named_styles(wb, st)
    _guide_sheet(wb, exp, year, catalogue, st, tfp=exp.tfp_inputs)
    if exp.tfp_inputs:
        _tfp_sheet(wb, exp, year, st)
    else:
        _indicator_sheet(wb, exp, year, catalogue, st)
        _task_sheet(wb, exp, year, catalogue, st)
        _enterprise_sheet(wb, exp, year, st)
        _budget_sheet(wb, exp, year, st)
        _narrative_sheet(wb, exp, year, st)
    _meta_sheet(
        wb,
        {
            "agency_code": exp.agency.code,
            "agency_name": exp.agency.name,
            "year": year,
            "template_version": TEMPLATE_VERSION,
            "kind": "tfp" if exp.tfp_inputs else "agency",
        },
    )
    # Fixed document properties keep generated files reproducible.
    wb.properties.creator = "Sở Khoa học và Công nghệ tỉnh Hưng Yên"
    wb.properties.created = wb.properties.modified = dt.datetime(year, 1, 1)
    protect_text_cells(wb)  # plan text starting with "=" stays text (nscl.store.cells)
    return wb


def saver(wb: Any) -> Callable[[Path], None]:
    """A writer for ``atomic_write``: saves ``wb`` reproducibly to the temporary path."""

    def write(tmp: Path) -> None:
        save_reproducible(wb, tmp)

    return write


def save_reproducible(wb, path: Path) -> None:
    """Save ``wb`` so that the same content gives the same bytes: openpyxl stamps the save time
    into docProps/core.xml and every zip entry, which would make each generation a "new" file."""
    import io
    import re
    import zipfile

    buffer = io.BytesIO()
    wb.save(buffer)
    created = wb.properties.created.strftime("%Y-%m-%dT%H:%M:%SZ")
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src,
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + created.encode() + rb"\g<2>",
                    data,
                )
            info = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, data)


def workbook_filename(exp: Expectation, year: int) -> str:
    return f"NSCL_{year}_{exp.agency.code}.xlsx"


def write_templates(catalogue: Catalogue, year: int, out_dir: Path) -> list[Path]:
    """Write one blank workbook per expected agency; returns the paths written."""

    out_dir = Path(out_dir)
    paths = []
    for exp in catalogue.expected_reporters(year):
        wb = build_workbook(exp, year, catalogue)
        paths.append(atomic_write(out_dir / workbook_filename(exp, year), saver(wb)))
    return paths


# ---- reading --------------------------------------------------------------------------


def _merged_map(refs: list[str] | None) -> dict[tuple[int, int], tuple[int, int]]:
    """For every cell covered by a merged range except its top-left, the top-left cell."""
    from openpyxl.utils.cell import range_boundaries

    out: dict[tuple[int, int], tuple[int, int]] = {}
    for ref in refs or ():
        try:
            min_col, min_row, max_col, max_row = range_boundaries(ref)
        except (TypeError, ValueError):
            continue
        if (max_row - min_row + 1) * (max_col - min_col + 1) > 100_000:
            continue  # absurd ranges are reported by the validator, never expanded
        for r in range(min_row, max_row + 1):
            for c in range(min_col, max_col + 1):
                if (r, c) != (min_row, min_col):
                    out[(r, c)] = (min_row, min_col)
    return out


def _rows(ws, first_col: int, last_col: int, merged: list[str] | None = None, max_rows: int | None = None):
    """(row number, values) for data rows that have any value in the given columns.

    Cells covered by a merged range take the value of the range's top-left cell (Excel shows
    it across the range; openpyxl reads only the top-left). At most ``max_rows`` rows are read.
    """
    covered = _merged_map(merged)
    seen: dict[tuple[int, int], Any] = {}
    max_row = FIRST_DATA_ROW + max_rows - 1 if max_rows else None
    for r, values in enumerate(
        ws.iter_rows(min_row=FIRST_DATA_ROW, max_row=max_row, min_col=1, max_col=last_col, values_only=True),
        start=FIRST_DATA_ROW,
    ):
        values = list(values) + [None] * (last_col - len(values))
        if covered:
            for c in range(1, last_col + 1):
                seen[(r, c)] = values[c - 1]
                top_left = covered.get((r, c))
                if top_left is not None and values[c - 1] in (None, ""):
                    values[c - 1] = seen.get(top_left)
        if any(v not in (None, "") for v in values[first_col - 1 :]):
            yield r, tuple(values)


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def read_meta(wb) -> dict[str, Any]:
    if META_SHEET not in wb.sheetnames:
        raise WorkbookError(
            "Tệp không có trang thông tin biểu mẫu (_meta): không phải biểu mẫu báo cáo của Kế hoạch 101 "
            "hoặc biểu mẫu đã bị sửa. Vui lòng dùng biểu mẫu do Sở Khoa học và Công nghệ gửi."
        )
    meta = {}
    for row in wb[META_SHEET].iter_rows(min_row=1, max_col=2, values_only=True):
        if row and row[0]:
            meta[str(row[0]).strip()] = row[1]
    missing = [k for k in ("agency_code", "year", "template_version", "kind") if meta.get(k) in (None, "")]
    if missing:
        raise WorkbookError(f"Trang thông tin biểu mẫu (_meta) thiếu: {', '.join(missing)}.")
    try:
        meta["year"] = int(meta["year"])
    except (TypeError, ValueError):
        raise WorkbookError(f"Năm báo cáo trong trang _meta không hợp lệ: '{meta['year']}'.") from None
    if meta["kind"] not in ("agency", "tfp"):
        raise WorkbookError(f"Loại biểu mẫu trong trang _meta không hợp lệ: '{meta['kind']}'.")
    meta["agency_code"] = str(meta["agency_code"]).strip()
    meta["template_version"] = str(meta["template_version"]).strip()
    return meta


def _require(wb, name: str):
    if name not in wb.sheetnames:
        raise WorkbookError(f"Thiếu trang tính '{name}' của biểu mẫu.")
    return wb[name]


def read_workbook(
    path: Path | str, merged: dict[str, list[str]] | None = None, max_rows: int | None = None
) -> Submission:
    """Read a returned workbook into a Submission; raises WorkbookError with a Vietnamese message.

    Cached values of formulas are read (formulas are never evaluated), with calamine
    (``nscl.forms.xlsx_values``: only after the hostile checks passed); ``merged`` gives the
    merged ranges per sheet (``nscl.intake.hostile`` scans them);
    ``max_rows`` caps the data rows read per sheet. The file is opened by handle, so a path
    without a suffix (the content-addressed archive) works.
    """
    merged = merged or {}
    with _open_book(path) as wb:
        return _read_sheets(wb, merged, max_rows)


def read_year(path: Path | str) -> int:
    """The year a workbook's ``_meta`` sheet states (raises WorkbookError); only for a file
    that passed the hostile checks (``nscl.intake.validation.workbook_year`` makes them)."""
    with _open_book(path) as wb:
        return int(read_meta(wb)["year"])


@contextmanager
def _open_book(path: Path | str) -> Iterator[Any]:
    """The workbook's values (``nscl.forms.xlsx_values.Book``), opened by handle; what calamine
    cannot read becomes a WorkbookError with a Vietnamese message."""
    from nscl.forms.xlsx_values import Book, ReadError

    with open(path, "rb") as fh:
        try:
            wb = Book(fh)
        except Exception as exc:  # calamine raises several kinds for non-workbooks
            raise WorkbookError(
                f"Không đọc được tệp như một bảng tính Excel (.xlsx): {type(exc).__name__}."
            ) from None
        try:
            yield wb
        except ReadError:
            raise WorkbookError(
                "Không đọc được nội dung một trang tính của tệp .xlsx (tệp bị hỏng); vui lòng mở bằng Excel, "
                "lưu lại và gửi lại."
            ) from None
        finally:
            wb.close()


def _read_sheets(wb, merged: dict[str, list[str]], max_rows: int | None) -> Submission:
    meta = read_meta(wb)
    sub = Submission(meta["agency_code"], meta["year"], meta["template_version"], meta["kind"])
    sub.agency_name = str(meta.get("agency_name") or "").strip()

    def rows(name, first_col, last_col):
        return _rows(_require(wb, name), first_col, last_col, merged.get(name), max_rows)

    if sub.kind == "tfp":
        _read_tfp(wb, sub, merged, max_rows)
        return sub
    for r, v in rows(SHEET_INDICATORS, 2, 9):
        sub.indicators.append({"row": r, "code": _text(v[1]), "value": v[7], "note": v[8]})
    for r, v in rows(SHEET_TASKS, 2, 8):
        sub.tasks.append(
            {"row": r, "code": _text(v[1]), "status": v[5], "result": v[6], "difficulties": v[7]}
        )
    keys = [k for k, _ in ENTERPRISE_COLUMNS]
    for r, v in rows(SHEET_ENTERPRISES, 2, 1 + len(keys)):
        sub.enterprises.append({"row": r, **dict(zip(keys, v[1:], strict=True))})
    for r, v in rows(SHEET_BUDGET, 3, 4):
        sub.budget[_text(v[2])] = {"row": r, "value": v[3]}
    for r, v in rows(SHEET_NARRATIVE, 3, 4):
        sub.narrative[_text(v[2])] = {"row": r, "value": v[3]}
    return sub


def _read_tfp(wb, sub: Submission, merged: dict[str, list[str]], max_rows: int | None) -> None:
    """The TFP sheet: yearly rows (territory in column B; a sheet without it, from before the
    merger layout, gives rows without territory) and the input-output block."""
    ws = _require(wb, SHEET_TFP)
    header: tuple[Any, ...] = next(
        ws.iter_rows(min_row=FIRST_DATA_ROW - 1, max_row=FIRST_DATA_ROW - 1, values_only=True), ()
    )
    with_territory = len(header) > 1 and _text(header[1]) == TFP_COLUMNS[1][1]
    keys = [k for k, _ in TFP_COLUMNS] if with_territory else [k for k, _ in TFP_COLUMNS if k != "territory"]
    first = 3 if with_territory else 2
    for r, values in _rows(ws, first, len(keys), merged.get(SHEET_TFP), max_rows):
        sub.tfp.append({"row": r, **dict(zip(keys, values[: len(keys)], strict=True))})
    io_keys = [k for k, _ in TFP_IO_COLUMNS]
    last = TFP_IO_FIRST_COL + len(io_keys) - 1
    for r, values in _rows(ws, TFP_IO_FIRST_COL, last, merged.get(SHEET_TFP), TFP_IO_ROWS):
        sub.tfp_io.append({"row": r, **dict(zip(io_keys, values[TFP_IO_FIRST_COL - 1 : last], strict=True))})
