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

from nscl.forms import schema as sc
from nscl.forms.header import Note, read_tables, resolve_sheets
from nscl.labels import BUDGET_SOURCES as BUDGET_SOURCE_LABELS
from nscl.plan.catalogue import Catalogue, Expectation
from nscl.plan.territories import MERGER_YEAR, territory_name, workbook_territories
from nscl.settings import TEMPLATE_VERSION
from nscl.store.cells import protect_text_cells
from nscl.store.fsutil import atomic_write

META_SHEET = sc.META_SHEET
LISTS_SHEET = sc.LISTS_SHEET
SHEET_GUIDE = "Hướng dẫn"
SHEET_INDICATORS = sc.INDICATORS.title
SHEET_TASKS = sc.TASKS.title
SHEET_ENTERPRISES = sc.ENTERPRISES.title
SHEET_BUDGET = sc.BUDGET.title
SHEET_NARRATIVE = sc.NARRATIVE.title
SHEET_TFP = sc.TFP.title

TASK_STATUSES = list(sc.TASK_STATUSES)
DELIVERABLE_VALUES = sc.DELIVERABLE_VALUES
SUPPORT_TYPES = list(sc.SUPPORT_TYPES)
BUDGET_SOURCES = BUDGET_SOURCE_LABELS
NARRATIVE_FIELDS = list(sc.NARRATIVE_FIELDS)
ENTERPRISE_COLUMNS = [(c.key, c.label) for c in sc.ENTERPRISES.columns if c.key != "stt"]
TFP_COLUMNS = [(c.key, c.label) for c in sc.TFP.columns]
TFP_FIRST_YEAR = 2010  # history needed to build the capital stock before 2021
TFP_MIN_YEAR = 2015  # the latest start that still gives 2021 after five burn-in years
# The statistics office's factor shares, one row per input-output table (block right of the data).
TFP_IO_COLUMNS = [(c.key, c.label) for c in sc.TFP_IO.columns]
TFP_IO_FIRST_COL = sc.TFP_IO.first_col
TFP_IO_ROWS = sc.TFP_IO.max_rows or 8
ENTERPRISE_ROWS = 200  # rows prepared with data validation on the enterprise sheet
FIRST_DATA_ROW = sc.FIRST_DATA_ROW


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
    # what the file's structure differs in from the template (nscl.forms.header), the file
    # column of each table's keys, and the file's title of each template sheet
    notes: list[Note] = field(default_factory=list)
    layout: dict[str, dict[str, int]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)


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
        "center": Alignment(horizontal="center", vertical="top"),
    }


def _table(ws, spec: sc.Sheet, ctx: dict[str, str], title: str, note: str, st) -> None:
    """Title, note and the header row of ``spec`` (labels and widths from the schema); hidden
    code columns hidden (agencies see names; the reader needs the codes)."""
    ws["A1"] = title
    ws["A1"].font = st["title"]
    ws["A2"] = note
    ws["A2"].font = st["note"]
    _header(ws, spec, ctx, st)
    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=1)
    # Printed as agencies print it: landscape A4, the table one page wide, the header on every page.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{sc.HEADER_ROW}:{sc.HEADER_ROW}"


def _header(ws, spec: sc.Sheet, ctx: dict[str, str], st) -> None:
    for col in spec.columns:
        cell = ws.cell(row=sc.HEADER_ROW, column=spec.index(col.key), value=col.label.format(**ctx))
        cell.font, cell.fill, cell.border, cell.alignment = (
            st["header"],
            st["header_fill"],
            st["border"],
            st["wrap"],
        )
        ws.column_dimensions[cell.column_letter].width = col.width
        if col.hidden:
            ws.column_dimensions[cell.column_letter].hidden = True
    lines = max(
        -(-len(col.label.format(**ctx)) * 12 // (10 * max(col.width - 1, 1)))
        for col in spec.columns
        if not col.hidden
    )
    current = ws.row_dimensions[sc.HEADER_ROW].height or 0
    ws.row_dimensions[sc.HEADER_ROW].height = max(current, 15 * max(lines, 1))


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
    if isinstance(value, int) and value < 10_000:  # a row number: centred, clear of the next column
        cell.alignment = st["center"]


def _lists_sheet(wb) -> None:
    """Every drop-down's items, one per cell, on a hidden sheet, each list under a defined name
    (``lst_<key>``) that the validations use: an inline "a,b,c" list is split at every comma
    ("Chứng nhận hợp chuẩn, hợp quy" became two items) and capped at 255 characters."""
    from openpyxl.workbook.defined_name import DefinedName

    ws = wb.create_sheet(LISTS_SHEET)
    for c, (key, items) in enumerate(sc.LISTS.items(), start=1):
        letter = sc.column_letter(c)
        ws.cell(row=1, column=c, value=key)
        for r, item in enumerate(items, start=2):
            ws.cell(row=r, column=c, value=item)
        ref = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(items) + 1}"
        wb.defined_names[f"lst_{key}"] = DefinedName(f"lst_{key}", attr_text=ref)
    ws.sheet_state = "hidden"
    ws.protection.sheet = True
    ws.protection.password = "nscl"


def _list_validation(list_key: str, title: str, items: list[str] | None = None):
    """A drop-down of a schema list (by its defined name), or of ``items`` written inline only
    when they hold no comma (the TFP territories, which change with the year)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    if items is not None:
        assert not any("," in i for i in items)
        formula = '"' + ",".join(items) + '"'
    else:
        formula = f"lst_{list_key}"
    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
    dv.errorTitle, dv.error = title, "Đề nghị chọn một giá trị trong danh sách."
    return dv


def _number_validation(minimum: float = 0, maximum: float | None = None, whole: bool = False):
    from openpyxl.worksheet.datavalidation import DataValidation

    kind = "whole" if whole else "decimal"
    if maximum is None:
        dv = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=str(minimum), allow_blank=True)
        dv.error = f"Đề nghị nhập số không âm (>= {minimum})."
    else:
        dv = DataValidation(
            type=kind, operator="between", formula1=str(minimum), formula2=str(maximum), allow_blank=True
        )
        dv.error = f"Đề nghị nhập số trong khoảng {minimum} - {maximum}."
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
    ws.column_dimensions["A"].width = 72  # one portrait A4 page wide at 100 %
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
                "Nhập số trực tiếp vào ô, không gõ dấu phân cách hàng nghìn; phần thập phân dùng dấu phẩy "
                "(ví dụ 1234,5).",
            ),
        ]
    for row, (style, text) in enumerate(lines, start=1):
        cell = ws.cell(row=row, column=1, value=text)
        cell.font, cell.alignment = st[style], st["wrap"]
        # each instruction as tall as its wrapped lines (Calc and Excel do not grow the row)
        per_line, line_height = (46, 20) if style == "title" else (72, 15)
        ws.row_dimensions[row].height = line_height * (len(text) // per_line + 1)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.protection.sheet = True


def _fill_row(ws, spec: sc.Sheet, r: int, values: dict[str, Any], st) -> None:
    """One template row: the declared fixed values, and every input cell styled for typing; the
    row as tall as its longest wrapped text (Calc and Excel do not grow a row a program wrote)."""
    lines = 1
    for col in spec.columns:
        cell = ws.cell(row=r, column=spec.index(col.key))
        value = values.get(col.key)
        if col.input:
            _input(cell, st, value)
        else:
            _fixed(cell, st, value)
        if isinstance(value, str) and not col.hidden:
            lines = max(lines, -(-len(value) * 11 // (10 * max(col.width - 1, 1))))
    if lines > 1:
        ws.row_dimensions[r].height = 15 * lines


def _indicator_sheet(wb, exp: Expectation, year: int, catalogue: Catalogue, st) -> None:
    spec = sc.INDICATORS
    ws = wb.create_sheet(spec.title)
    phase = catalogue.phase_of(year)
    ten = catalogue.ten_year_phase()
    ctx = sc.header_context(year, phase.code, ten.code)
    _table(
        ws,
        spec,
        ctx,
        f"KẾT QUẢ CÁC CHỈ TIÊU NĂM {year}",
        f"{exp.agency.name}. Ô nền vàng là ô nhập liệu.",
        st,
    )
    counts = _number_validation(0, whole=True)
    deliverable = _list_validation("deliverable", "Chỉ tiêu hoàn thành/không hoàn thành")
    ws.add_data_validation(counts)
    ws.add_data_validation(deliverable)
    for i, ind in enumerate(exp.indicators):
        r = FIRST_DATA_ROW + i
        p_target = ind.targets.get(phase.code)
        t_target = ind.targets.get(ten.code)
        values = {
            "stt": i + 1,
            "code": ind.code,
            "name": ind.name,
            "unit": ind.unit,
            "task": ind.task,
            "phase_target": p_target.text if p_target else "—",
            "ten_target": t_target.text if t_target else "—",
        }
        _fill_row(ws, spec, r, values, st)
        (deliverable if ind.is_deliverable else counts).add(ws.cell(row=r, column=spec.index("value")))
    ws.protection.sheet = True


def _task_sheet(wb, exp: Expectation, year: int, catalogue: Catalogue, st) -> None:
    spec = sc.TASKS
    ws = wb.create_sheet(spec.title)
    _table(ws, spec, sc.header_context(year), f"TIẾN ĐỘ THỰC HIỆN NHIỆM VỤ NĂM {year}", exp.agency.name, st)
    statuses = _list_validation("task_statuses", "Tình trạng thực hiện")
    ws.add_data_validation(statuses)
    roles = dict((t.code, role) for t, role in catalogue.task_roles(exp.agency, year))
    for i, task in enumerate(exp.tasks):
        r = FIRST_DATA_ROW + i
        role = "Chủ trì" if roles.get(task.code) == "lead" else "Phối hợp"
        values = {
            "stt": i + 1,
            "code": task.code,
            "content": task.content,
            "role": role,
            "product": task.product,
        }
        _fill_row(ws, spec, r, values, st)
        statuses.add(ws.cell(row=r, column=spec.index("status")))
    ws.protection.sheet = True


def _enterprise_sheet(wb, exp: Expectation, year: int, st) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    spec = sc.ENTERPRISES
    ws = wb.create_sheet(spec.title)
    _table(
        ws,
        spec,
        sc.header_context(year),
        f"TỔ CHỨC, DOANH NGHIỆP ĐƯỢC HỖ TRỢ NĂM {year}",
        exp.agency.name,
        st,
    )
    ws["A3"] = (
        "Mỗi tổ chức, doanh nghiệp được hỗ trợ nhập một dòng, bắt đầu từ dòng 5 (ô nền vàng); có thể chèn thêm "
        "dòng. Không thêm dòng tổng cộng."
    )
    ws["A3"].font = st["note"]
    support = _list_validation("support_types", "Nội dung hỗ trợ")
    money = _number_validation(0)
    tax = DataValidation(
        type="textLength", operator="between", formula1="10", formula2="14", allow_blank=True
    )
    tax.showErrorMessage, tax.error = True, "Mã số thuế gồm 10 hoặc 13 chữ số."
    for dv in (support, money, tax):
        ws.add_data_validation(dv)
    last = FIRST_DATA_ROW + ENTERPRISE_ROWS - 1

    def span(key: str) -> str:
        return f"{spec.letter(key)}{FIRST_DATA_ROW}:{spec.letter(key)}{last}"

    support.add(span("support_type"))
    tax.add(span("tax_code"))
    for col in spec.columns:
        if col.kind == "money":
            money.add(span(col.key))
    tax_col = spec.index("tax_code")
    for r in range(FIRST_DATA_ROW, last + 1):
        for col in spec.columns:
            if col.input:
                _input(ws.cell(row=r, column=spec.index(col.key)), st)
        ws.cell(row=r, column=tax_col).number_format = "@"  # tax codes keep their leading zeros
    # Protected like every data sheet, but rows may be inserted and deleted: the list is open.
    ws.protection.sheet = True
    ws.protection.insertRows = False
    ws.protection.deleteRows = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _budget_sheet(wb, exp: Expectation, year: int, st) -> None:
    spec = sc.BUDGET
    ws = wb.create_sheet(spec.title)
    _table(
        ws,
        spec,
        sc.header_context(year),
        f"KINH PHÍ THỰC HIỆN NĂM {year}",
        f"{exp.agency.name}. Đơn vị tính: triệu đồng.",
        st,
    )
    money = _number_validation(0)
    ws.add_data_validation(money)
    for i, (code, label) in enumerate(BUDGET_SOURCES):
        r = FIRST_DATA_ROW + i
        _fill_row(ws, spec, r, {"stt": i + 1, "label": label, "code": code}, st)
        money.add(ws.cell(row=r, column=spec.index("value")))
    ws.protection.sheet = True


def _narrative_sheet(wb, exp: Expectation, year: int, st) -> None:
    spec = sc.NARRATIVE
    ws = wb.create_sheet(spec.title)
    _table(ws, spec, sc.header_context(year), f"THUYẾT MINH KẾT QUẢ NĂM {year}", exp.agency.name, st)
    for i, (code, label) in enumerate(NARRATIVE_FIELDS):
        r = FIRST_DATA_ROW + i
        _fill_row(ws, spec, r, {"stt": i + 1, "label": label, "code": code}, st)
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
    spec = sc.TFP
    ws = wb.create_sheet(spec.title)
    territories = workbook_territories(year)
    _table(
        ws,
        spec,
        sc.header_context(year),
        "SỐ LIỆU PHỤC VỤ TÍNH ĐÓNG GÓP CỦA TFP VÀO TĂNG TRƯỞNG KINH TẾ",
        f"{exp.agency.name}. Số liệu chính thức theo năm, giá so sánh năm 2010, theo từng địa bàn; "
        f"từ năm {TFP_FIRST_YEAR} (tối thiểu {TFP_MIN_YEAR}) đến năm {year}.",
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
            _fill_row(ws, spec, r, {"year": y, "territory": territory_name(code)}, st)
            for col in spec.columns:
                if col.input:
                    (share if col.kind == "percent" else positive).add(
                        ws.cell(row=r, column=spec.index(col.key))
                    )
            r += 1
    _tfp_io_block(ws, territories, year, st)
    ws.protection.sheet = True


def _tfp_io_block(ws, territories: list[str], year: int, st) -> None:
    spec = sc.TFP_IO
    _header(ws, spec, sc.header_context(year), st)
    title = ws.cell(row=sc.HEADER_ROW - 1, column=spec.first_col)
    title.value = "HỆ SỐ CO GIÃN THEO BẢNG CÂN ĐỐI LIÊN NGÀNH (I/O)"
    title.font = st["header"]
    names = _list_validation("territories", "Địa bàn", [territory_name(c) for c in territories])
    io_year = _number_validation(1990, year, whole=True)
    pct = _number_validation(0, 100)
    for dv in (names, io_year, pct):
        ws.add_data_validation(dv)
    for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + TFP_IO_ROWS):
        _fill_row(ws, spec, r, {}, st)
        names.add(ws.cell(row=r, column=spec.index("io_territory")))
        io_year.add(ws.cell(row=r, column=spec.index("io_year")))
        pct.add(ws.cell(row=r, column=spec.index("labour_share_pct")))


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
        _lists_sheet(wb)
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


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def read_meta(wb) -> dict[str, Any]:
    if META_SHEET not in wb.sheetnames:
        raise WorkbookError(
            "Không nhận diện được tệp là biểu mẫu báo cáo Kế hoạch số 101/KH-UBND do Sở Khoa học và Công nghệ "
            "gửi cho đơn vị (tệp thiếu trang ẩn nhận diện đơn vị và năm báo cáo, thường do các trang tính được "
            "chép sang một tệp mới). Đề nghị nhập số liệu vào chính tệp biểu mẫu Sở đã gửi (nếu không còn tệp, "
            "đề nghị liên hệ Sở Khoa học và Công nghệ để được gửi lại) rồi gửi lại."
        )
    meta = {}
    for row in wb[META_SHEET].iter_rows(min_row=1, max_col=2, values_only=True):
        if row and row[0]:
            meta[str(row[0]).strip()] = row[1]
    missing = [k for k in ("agency_code", "year", "template_version", "kind") if meta.get(k) in (None, "")]
    if missing:
        raise WorkbookError(
            f"Trang thông tin ẩn của biểu mẫu đã bị sửa (thiếu: {', '.join(missing)}); đề nghị dùng lại biểu mẫu được cấp."
        )
    try:
        meta["year"] = int(meta["year"])
    except (TypeError, ValueError):
        raise WorkbookError(
            f"Năm báo cáo ghi trong trang thông tin ẩn của biểu mẫu không hợp lệ: '{meta['year']}'."
        ) from None
    if meta["kind"] not in ("agency", "tfp"):
        raise WorkbookError(
            f"Loại biểu mẫu ghi trong trang thông tin ẩn của biểu mẫu không hợp lệ: '{meta['kind']}'."
        )
    meta["agency_code"] = str(meta["agency_code"]).strip()
    meta["template_version"] = str(meta["template_version"]).strip()
    return meta


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
                "Không đọc được nội dung một trang tính của tệp .xlsx (tệp bị hỏng); đề nghị mở bằng Excel, "
                "lưu lại và gửi lại."
            ) from None
        finally:
            wb.close()


def _read_sheets(wb, merged: dict[str, list[str]], max_rows: int | None) -> Submission:
    """Every declared table, found by its sheet's title and its headers (``nscl.forms.header``);
    what differs from the template is in ``sub.notes``, never read silently."""
    meta = read_meta(wb)
    sub = Submission(meta["agency_code"], meta["year"], meta["template_version"], meta["kind"])
    sub.agency_name = str(meta.get("agency_name") or "").strip()
    ctx = sc.header_context(sub.year)
    specs = sc.TFP_SHEETS if sub.kind == "tfp" else sc.AGENCY_SHEETS
    titles = resolve_sheets(wb, specs, ctx, sub.notes)
    sub.titles = titles
    tables: dict[str, Any] = {}
    for title, file_title in titles.items():
        on_sheet = tuple(s for s in specs if s.title == title)
        found = read_tables(
            wb[file_title], on_sheet, ctx, file_title, sub.notes, merged.get(file_title), max_rows
        )
        tables.update(found)
        for key, table in found.items():
            sub.layout[key] = table.columns
    if sub.kind == "tfp":
        sub.tfp = _rows_of(tables.get("tfp"))
        sub.tfp_io = _rows_of(tables.get("tfp_io"))
        return sub
    sub.indicators = _coded_rows(tables.get("indicators"), sub.notes, "chỉ tiêu")
    sub.tasks = _coded_rows(tables.get("tasks"), sub.notes, "nhiệm vụ")
    sub.enterprises = _enterprise_rows(tables.get("enterprises"), sub.notes)
    for rec in _coded_rows(tables.get("budget"), sub.notes, "nguồn kinh phí"):
        sub.budget[rec["code"]] = {"row": rec["row"], "value": rec.get("value")}
    for rec in _coded_rows(tables.get("narrative"), sub.notes, "nội dung thuyết minh"):
        sub.narrative[rec["code"]] = {"row": rec["row"], "value": rec.get("value")}
    return sub


def _rows_of(table) -> list[dict[str, Any]]:
    return [] if table is None else table.rows


def _coded_rows(table, notes: list[Note], what: str) -> list[dict[str, Any]]:
    """The rows of a table of fixed rows, each keyed by its (hidden) code. A row without a code
    between the template's rows was inserted: an error that says to delete it (its figures
    would belong to no indicator). A row after the last one (a signature, a note) is not read."""
    if table is None:
        return []
    spec = table.spec
    coded = [r for r in table.rows if _text(r.get("code"))]
    last = max((r["row"] for r in coded), default=0)
    out = []
    for rec in table.rows:
        code = _text(rec.get("code"))
        if code:
            out.append({**rec, "code": code})
            continue
        filled = [k for k in spec.keys if k not in ("stt", "code") and rec.get(k) not in (None, "")]
        if not filled:
            continue
        if rec["row"] < last:
            notes.append(
                Note(
                    table.title,
                    rec["row"],
                    None,
                    None,
                    f"Dòng {rec['row']} của trang '{table.title}' là dòng chèn thêm, không có trong biểu mẫu (mỗi "
                    f"{what} đã có sẵn một dòng): đề nghị xóa dòng {rec['row']} và nhập kết quả vào đúng dòng "
                    f"của {what} rồi gửi lại.",
                    "error",
                    cell=f"A{rec['row']}",
                )
            )
        else:
            notes.append(
                Note(
                    table.title,
                    rec["row"],
                    None,
                    None,
                    f"Dòng {rec['row']} của trang '{table.title}' nằm ngoài bảng của biểu mẫu nên không được đọc "
                    f"(kết quả của từng {what} chỉ được đọc ở dòng đã có sẵn).",
                    "warning",
                    cell=f"A{rec['row']}",
                )
            )
    return out


_TOTAL_WORDS = {"tổng", "tổng cộng", "cộng", "tổng số", "cộng:", "tổng cộng:", "tổng:"}


def _enterprise_rows(table, notes: list[Note]) -> list[dict[str, Any]]:
    """The organisations listed, without total rows: a row named "Tổng cộng" (or "Cộng"), or a
    row without a name or tax code whose figures are the sums of the rows above it. Read as data,
    it would count as one more organisation and double the budget."""
    if table is None:
        return []
    money = [c.key for c in table.spec.columns if c.kind == "money"]
    out: list[dict[str, Any]] = []
    for rec in table.rows:
        name = sc.fold(rec.get("name"))
        unnamed = not name and not _text(rec.get("tax_code"))
        total_word = name in _TOTAL_WORDS or name.startswith("tổng cộng")
        if total_word or (unnamed and out and _is_sum(rec, out, money)):
            label = f"'{_text(rec.get('name'))}'" if name else "không có tên, là tổng các dòng trên"
            notes.append(
                Note(
                    table.title,
                    rec["row"],
                    None,
                    rec.get("name"),
                    f"Dòng {rec['row']} ({label}) là dòng tổng, không phải tên tổ chức, doanh nghiệp nên không đưa "
                    "vào tổng hợp (Sở tự tính tổng); lần sau không cần thêm dòng tổng.",
                    "warning",
                    cell=f"{sc.column_letter(table.columns.get('name', 1))}{rec['row']}",
                )
            )
            continue
        out.append(rec)
    return out


def _is_sum(rec: dict[str, Any], above: list[dict[str, Any]], money: list[str]) -> bool:
    values = [rec.get(k) for k in money]
    if not any(isinstance(v, int | float) and v != 0 for v in values):
        return False
    for key, v in zip(money, values, strict=True):
        total = sum(float(r[key]) for r in above if isinstance(r.get(key), int | float))
        if v in (None, ""):
            continue
        if not isinstance(v, int | float) or abs(v - total) > 1e-6:
            return False
    return True
