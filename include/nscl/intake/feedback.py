"""What goes back to an agency: for a rejected or warned submission, its own workbook with
each offending cell highlighted and commented, plus a summary sheet "Tổng hợp lỗi" (sheet,
cell, row, column, value found, what is expected); for an accepted one, a short receipt.
Everything an agency reads is Vietnamese."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from nscl.forms.workbook import save_reproducible
from nscl.labels import RECEIPT_STATUS_LONG, SEVERITY_LABELS
from nscl.store.cells import text
from nscl.store.fsutil import atomic_write
from nscl.store.records import Issue, Receipt

SUMMARY_SHEET = "Tổng hợp lỗi"
ERROR_FILL = "FFC7CE"  # light red
WARNING_FILL = "F8CBAD"  # orange (input cells are already pale yellow)
AUTHOR = "Sở Khoa học và Công nghệ"
SEVERITY_VI = SEVERITY_LABELS
STATUS_VI = RECEIPT_STATUS_LONG


def feedback_name(safe_name: str) -> str:
    stem = safe_name.rsplit(".", 1)[0] if "." in safe_name else safe_name
    return f"phan-hoi_{stem}.xlsx"


def _when(iso: str | None) -> str:
    if not iso:
        return ""
    t = dt.datetime.fromisoformat(iso)
    return f"{t:%H:%M} ngày {t:%d/%m/%Y}"


def write_feedback_workbook(
    source: Path | None, receipt: Receipt, issues: Sequence[Issue], out: Path
) -> Path:
    """Write the feedback workbook to ``out``. ``source`` is the agency's workbook (the archived
    bytes) when it could be read; otherwise the feedback is the summary sheet alone."""
    from openpyxl import Workbook, load_workbook

    wb = None
    if source is not None:
        try:
            with open(source, "rb") as fh:
                wb = load_workbook(fh, data_only=False, keep_vba=False, keep_links=False)
        except Exception:  # the summary alone still says what to fix
            wb = None
    marked = wb is not None
    if wb is None:
        wb = Workbook()
        wb.active.title = SUMMARY_SHEET
        ws = wb.active
    else:
        if SUMMARY_SHEET in wb.sheetnames:  # an earlier feedback sent back to us
            del wb[SUMMARY_SHEET]
        _mark_cells(wb, issues)
        ws = wb.create_sheet(SUMMARY_SHEET, 0)
    _summary(ws, receipt, issues, set(wb.sheetnames), marked)
    wb.active = wb.sheetnames.index(SUMMARY_SHEET)
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = sheet.title == SUMMARY_SHEET

    received = receipt.get("received_at")
    stamp = dt.datetime.fromisoformat(received).replace(tzinfo=None) if received else dt.datetime(2021, 1, 1)
    wb.properties.created = wb.properties.modified = stamp
    return atomic_write(out, lambda tmp: save_reproducible(wb, tmp))


def _mark_cells(wb, issues: Sequence[Issue]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    by_cell: dict[tuple[str, str], list[Issue]] = {}
    for issue in issues:
        cell_ref = issue.get("cell")
        if cell_ref and issue["sheet"] in wb.sheetnames:
            by_cell.setdefault((issue["sheet"], cell_ref), []).append(issue)
    for (sheet, ref), found in by_cell.items():
        try:
            cell = wb[sheet][ref]
        except (ValueError, KeyError, IndexError):
            continue
        worst = "error" if any(i["severity"] == "error" for i in found) else "warning"
        color = ERROR_FILL if worst == "error" else WARNING_FILL
        cell.fill = PatternFill("solid", fgColor=color)
        text = "\n".join(f"{SEVERITY_VI[i['severity']]}: {i['expected']}" for i in found)
        comment = Comment(text, AUTHOR)
        comment.width, comment.height = 320, 40 + 40 * len(found)
        cell.comment = comment


def _summary(ws, receipt: Receipt, issues: Sequence[Issue], sheets: set[str], marked: bool = True) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    bold = Font(name="Times New Roman", size=11, bold=True)
    body = Font(name="Times New Roman", size=11)
    wrap = Alignment(wrap_text=True, vertical="top")
    ws["A1"] = "PHẢN HỒI KẾT QUẢ KIỂM TRA BIỂU MẪU BÁO CÁO KẾ HOẠCH 101/KH-UBND"
    ws["A1"].font = Font(name="Times New Roman", size=14, bold=True)
    listed_errors = sum(1 for i in issues if i["severity"] == "error")
    errors = receipt.get("errors_total", listed_errors)
    warnings = receipt.get("warnings_total", len(issues) - listed_errors)
    more = errors + warnings - len(issues)
    lines = [
        f"Tệp: {receipt.get('original_name', '')} (mã tệp {receipt.get('sha256', '')[:12]})",
        f"Đơn vị: {receipt.get('agency_name') or receipt.get('agency_code') or 'không xác định'}; năm báo cáo {receipt.get('year', '')}; "
        f"Sở nhận lúc {_when(receipt.get('received_at'))}{' (sau hạn)' if receipt.get('late') else ''}",
        f"Kết quả: {STATUS_VI.get(receipt.get('status', ''), receipt.get('status', ''))}: {errors} lỗi, "
        f"{warnings} lưu ý.",
        (
            "Cách sửa: sửa các ô tô đỏ (lỗi) ngay trong các trang tính của tệp này (rê chuột vào ô để xem nhận xét), "
            "kiểm tra các ô tô cam (lưu ý), lưu lại và gửi lại cho Sở. Không đổi tên, thêm, xóa các trang tính."
            if marked
            else "Cách sửa: bảng dưới đây liệt kê từng lỗi (trang tính, ô, giá trị, yêu cầu); vui lòng sửa ngay trong "
            "tệp đơn vị đã gửi, lưu lại và gửi lại cho Sở. Không đổi tên, thêm, xóa các trang tính."
        ),
    ]
    for r, line in enumerate(lines, start=2):
        text(ws.cell(row=r, column=1), line).font = body
    header_row = len(lines) + 3
    headers = ["STT", "Mức độ", "Trang tính", "Ô", "Dòng", "Cột", "Giá trị đã nhập", "Yêu cầu"]
    widths = [6, 18, 18, 8, 7, 30, 24, 80]
    fill = PatternFill("solid", fgColor="DDEBF7")
    for c, (head, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = ws.cell(row=header_row, column=c, value=head)
        cell.font, cell.fill, cell.alignment = bold, fill, wrap
        ws.column_dimensions[cell.column_letter].width = width
    order = sorted(
        issues, key=lambda i: (i["severity"] != "error", i["sheet"], i["row"] or 0, i.get("cell") or "")
    )
    for n, issue in enumerate(order, start=1):
        r = header_row + n
        value = issue.get("value")
        values = [
            n,
            SEVERITY_VI.get(issue["severity"], issue["severity"]),
            issue["sheet"],
            issue.get("cell") or "",
            issue.get("row") or "",
            issue.get("column") or "",
            "" if value is None else str(value),
            issue["expected"],
        ]
        for c, v in enumerate(values, start=1):
            cell = text(ws.cell(row=r, column=c), v)  # a value typed as "=..." stays text
            cell.font, cell.alignment = body, wrap
            if c == 7:
                cell.number_format = "@"  # show the value exactly as found
        ws.row_dimensions[r].height = 15 * max(1, -(-len(str(issue["expected"])) // 85))  # wrapped, not cut
        if issue.get("cell") and issue["sheet"] in sheets:
            link = ws.cell(row=r, column=4)
            link.hyperlink = f"#'{issue['sheet']}'!{issue['cell']}"
            link.font = Font(name="Times New Roman", size=11, color="0563C1", underline="single")
    if more > 0:
        note = ws.cell(row=header_row + len(order) + 1, column=1)
        text(
            note,
            f"... và {more} lỗi, lưu ý khác không liệt kê ở đây (chỉ liệt kê {len(order)} mục đầu tiên). "
            "Vui lòng sửa các mục trên và kiểm tra lại toàn bộ tệp trước khi gửi lại.",
        ).font = bold
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    # Printed whole: landscape A4, one page wide, the column headings on every page.
    ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    for r in range(2, len(lines) + 2):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(headers))
        ws.cell(row=r, column=1).alignment = wrap
        ws.row_dimensions[r].height = 15 * (1 + len(str(ws.cell(row=r, column=1).value or "")) // 190)


def reply_text(receipt: Receipt) -> str:
    """The short Vietnamese message for the agency: an acceptance receipt, or a rejection
    notice pointing to the feedback file."""
    agency = receipt.get("agency_name") or receipt.get("agency_code") or "Quý cơ quan"
    lines = [
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH HƯNG YÊN",
        f"BIÊN NHẬN BÁO CÁO KẾ HOẠCH 101/KH-UBND NĂM {receipt.get('year', '')}",
        "",
        f"Kính gửi: {agency}",
        "",
        f"Sở đã nhận tệp '{receipt.get('original_name', '')}' lúc {_when(receipt.get('received_at'))}"
        f" (dung lượng {format(receipt.get('size', 0), ',').replace(',', '.')} byte, "
        f"mã tệp SHA-256 {receipt.get('sha256', '')}).",
    ]
    if receipt.get("status") == "accepted":
        lines.append(
            "Kết quả: ĐÃ TIẾP NHẬN"
            + (
                " (gửi sau hạn 30/11, vẫn được tổng hợp và ghi nhận là nộp muộn)."
                if receipt.get("late")
                else "."
            )
        )
        if receipt.get("warnings"):
            lines.append(
                f"Có {len(receipt['warnings'])} lưu ý cần kiểm tra lại (xem tệp phản hồi kèm theo); nếu số liệu "
                "đúng, không cần gửi lại."
            )
    else:
        lines.append(f"Kết quả: BỊ TRẢ LẠI. {receipt.get('message', '')}")
        if not receipt.get("kind"):
            # never opened as a workbook: the message says why and how to send it again
            lines.append("Vui lòng gửi lại theo hướng dẫn trên. Tệp gửi lại sẽ thay thế tệp này.")
        elif receipt.get("format", "xlsx") in ("xlsx", "xlsm"):
            lines.append(
                "Vui lòng sửa theo tệp phản hồi kèm theo (các ô lỗi được tô đỏ, có nhận xét; trang 'Tổng hợp lỗi' "
                "liệt kê từng lỗi) rồi gửi lại. Tệp gửi lại sẽ thay thế tệp này."
            )
        else:
            lines.append(
                "Vui lòng sửa theo trang 'Tổng hợp lỗi' của tệp phản hồi kèm theo (liệt kê từng lỗi: trang tính, ô, "
                "giá trị, yêu cầu) ngay trong tệp của đơn vị rồi gửi lại. Tệp gửi lại sẽ thay thế tệp này."
            )
    if receipt.get("conversions"):
        lines.append(
            f"Sở đã tự động chuẩn hóa {len(receipt['conversions'])} nội dung (bảng mã, định dạng số...); "
            "chi tiết có trong biên nhận điện tử."
        )
    return "\n".join(lines) + "\n"
