"""Every Vietnamese label a user reads for a state, an outcome or a kind of document: one table
each, used by the reports, ``nscl status`` and the staff page alike."""

from __future__ import annotations

import datetime as dt

# Where an expected agency stands in a year (consolidate.status.reporting_status).
STATE_LABELS = {
    "on_time": "Đúng hạn",
    "late": "Nộp muộn",
    "rejected": "Bị trả lại, chờ sửa",
    "missing": "Chưa nộp",
}
# Problems first: the order the staff page and `nscl status` list agencies in.
STATE_ORDER = ("rejected", "missing", "late", "on_time")

# What became of one received file (consolidate.status.file_outcome).
OUTCOME_LABELS = {
    "accepted": "Đã tiếp nhận (đang dùng)",
    "superseded": "Đã được thay bằng bản sau",
    "duplicate": "Trùng lặp",
    "rejected": "Bị trả lại",
    "unreadable": "Không đọc được",
}

# A receipt's own status.
RECEIPT_LABELS = {"accepted": "Được chấp nhận", "rejected": "Bị trả lại"}
RECEIPT_STATUS_LONG = {"accepted": "Đã tiếp nhận", "rejected": "Bị trả lại, cần sửa và gửi lại"}

# Severity of a problem found in a workbook.
SEVERITY_LABELS = {"error": "Lỗi (phải sửa)", "warning": "Lưu ý (kiểm tra lại)"}

# A task's status as agencies report it, in the order the report lists them.
TASK_STATUS_ORDER = ["Hoàn thành", "Đang thực hiện", "Chưa thực hiện", "Không phát sinh"]

# Budget sources (the workbook's budget sheet and the report's budget table).
BUDGET_SOURCES = [
    ("central", "Ngân sách trung ương"),
    ("provincial", "Ngân sách tỉnh"),
    ("enterprise", "Đối ứng của tổ chức, doanh nghiệp"),
    ("other", "Nguồn hợp pháp khác"),
]

# Kinds of report document.
KIND_LABELS = {
    "annual": "Báo cáo năm",
    "mid-term": "Báo cáo sơ kết giai đoạn 2021-2025",
    "final": "Báo cáo tổng kết giai đoạn 2021-2030",
}


def vn_number(value: float, max_decimals: int = 6) -> str:
    """A figure as an agency reads it in a message: Vietnamese style, the decimals it has (up to
    ``max_decimals``), never an exponent: 1234.5 -> '1.234,5', 1e12 -> '1.000.000.000.000'."""
    text = format_vn_number(value, max_decimals)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return "0" if text in ("-0", "") else text


def format_vn_number(value: float, decimals: int = 0) -> str:
    """Vietnamese number style: '.' groups thousands, ',' marks decimals (1.234,5)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def deadline_words(deadline: dt.date, day: dt.date) -> str:
    """Where ``day`` stands against ``deadline``, in calendar days: the one wording of the staff
    page's overview and of every e-mail sent that day ("đã quá hạn 370 ngày" in both)."""
    days = (deadline - day).days
    if days > 0:
        return f"còn {days} ngày đến hạn"
    if days == 0:
        return "hôm nay là hạn cuối"
    return f"đã quá hạn {-days} ngày"
