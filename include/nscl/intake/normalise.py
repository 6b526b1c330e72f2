"""Normalisation before validation: Unicode NFC, stray spaces, and numbers typed as text in
Vietnamese format ("1.234,5" is 1234.5; "1.234" is 1234, never 1.234)."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from nscl.intake.legacy_encodings import detect_and_convert
from nscl.labels import vn_number

# Dots group thousands; a comma is the decimal separator (Vietnamese convention).
_VN_GROUPED = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_VN_PLAIN = re.compile(r"^[+-]?\d+(,\d+)?$")
# International forms that Excel users also type: "1,234.5" or "1234.5".
_INTL_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_INTL_PLAIN = re.compile(r"^[+-]?\d*\.\d+$")


class NotANumber(ValueError):
    pass


class DateInNumberCell(NotANumber):
    """A date where a number is expected: Excel and Calc turn "2025-11-3" or "3/11" typed into a
    number cell into a date."""


class AmbiguousNumber(NotANumber):
    """Text that Vietnamese and English conventions read as different numbers ("1,500")."""


TOO_LARGE = 1e15  # no figure of this programme comes near; beyond it a typing slip (or 1e309)


def clean_text(value: Any) -> str:
    """NFC-normalised text with runs of whitespace collapsed and the ends trimmed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def clean_lines(value: Any) -> str:
    """As ``clean_text``, but line breaks kept (one per line, blank lines dropped): an agency's
    bullet list in a long-text cell stays a list."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    lines = (re.sub(r"[^\S\n]+", " ", line.replace("\u00a0", " ")).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


_AMBIGUOUS = re.compile(r"^[+-]?\d{1,3}[.,]\d{3}$")  # "1,500", "1.500": 1,5 or 1.500?


def number_style(value: Any) -> str | None:
    """Which convention a number typed as text shows: "vn" (1.234,5 or 12,5), "en" (1,234.5 or
    12.5), "ambiguous" ("1,500": both read it, differently), None (no separator, or not text)."""
    if not isinstance(value, str):
        return None
    text = clean_text(value).replace(" ", "")
    if _AMBIGUOUS.match(text):
        return "ambiguous"
    if _VN_GROUPED.match(text) or (_VN_PLAIN.match(text) and "," in text):
        return "vn"
    if (_INTL_GROUPED.match(text) and "." in text) or _INTL_PLAIN.match(text) or _EN_GROUPED_INT.match(text):
        return "en"
    return None


_EN_GROUPED_INT = re.compile(r"^[+-]?\d{1,3}(,\d{3}){2,}$")  # 1,234,567: only English groups with commas


def _date_text(value: Any) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year}"


def parse_number(value: Any, style: str | None = None) -> float | None:
    """A cell's number, or None when empty. Text is read in Vietnamese format first.

    Raises NotANumber (with a Vietnamese message) for text that is not a number, a
    DateInNumberCell for a date, and an AmbiguousNumber for text such as "1,500" or "1.500"
    unless ``style`` ("vn" or "en", the convention the file's other numbers show) settles it.
    """
    import datetime as dt

    if value is None:
        return None
    if isinstance(value, bool):
        raise NotANumber(f"'{value}' không phải là số")
    if isinstance(value, dt.datetime | dt.date):
        raise DateInNumberCell(
            f"Ô đang chứa ngày {_date_text(value)}, không phải số (Excel/Calc tự đổi nội dung gõ dạng ngày, "
            "ví dụ 2025-11-3 hoặc 3/11, thành ngày); vui lòng định dạng ô là Số (Format Cells > Number) rồi "
            "nhập lại con số, ví dụ 12 hoặc 1.234,5"
        )
    if isinstance(value, dt.time | dt.timedelta):
        raise DateInNumberCell(
            "Ô đang chứa giờ, không phải số; vui lòng định dạng ô là Số và nhập lại con số"
        )
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isnan(value):
            raise NotANumber("Ô chứa giá trị không phải số (NaN); vui lòng nhập con số")
        if isinstance(value, float) and math.isinf(value) or abs(value) > TOO_LARGE:
            raise NotANumber(
                "Số quá lớn, vượt mọi giá trị có thể có của chỉ tiêu (có thể do gõ nhầm); vui lòng kiểm tra và "
                "nhập lại"
            )
        return float(value)
    text = clean_text(value).replace(" ", "")
    if text == "":
        return None
    if text.startswith("#") and text.endswith(("!", "A", "?")):
        raise NotANumber(f"Ô có lỗi công thức ({text}); vui lòng sửa công thức hoặc nhập trực tiếp con số")
    if _AMBIGUOUS.match(text):
        if style not in ("vn", "en"):
            whole, part = re.split(r"[.,]", text.lstrip("+-"))
            sign = "-" if text.startswith("-") else ""
            small, large = float(f"{sign}{whole}.{part}"), float(f"{sign}{whole}{part}")
            raise AmbiguousNumber(
                f"'{text}' có thể hiểu là {vn_number(small)} hoặc {vn_number(large)} (dấu chấm, dấu phẩy được dùng "
                "khác nhau theo cách viết Việt Nam và tiếng Anh), và các số khác trong tệp không cho biết đơn vị "
                f"dùng cách nào; vui lòng nhập lại: {sign}{whole}{part} nếu là {vn_number(large)}, hoặc "
                f"{sign}{whole},{part.rstrip('0') or '0'} nếu là {vn_number(small)}"
            )
        vn = (style == "vn") == ("." in text)  # vn "1.500" and en "1,500" are thousands
        number = float(text.replace(".", "").replace(",", "")) if vn else float(text.replace(",", "."))
        return _bounded(number)
    if _VN_GROUPED.match(text):
        return _bounded(float(text.replace(".", "").replace(",", ".")))
    if _VN_PLAIN.match(text):
        return _bounded(float(text.replace(",", ".")))
    if (_INTL_GROUPED.match(text) and "." in text) or _EN_GROUPED_INT.match(text):
        return _bounded(float(text.replace(",", "")))
    if _INTL_PLAIN.match(text):
        return _bounded(float(text))
    if re.match(r"^[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$", text):
        return _bounded(float(text))
    if text.lower() in ("nan", "inf", "-inf", "+inf", "infinity", "-infinity"):
        raise NotANumber(f"'{clean_text(value)}' không phải là con số; vui lòng nhập con số")
    raise NotANumber(f"'{clean_text(value)}' không phải là số")


def _bounded(number: float) -> float:
    if not math.isfinite(number) or abs(number) > TOO_LARGE:
        raise NotANumber(
            "Số quá lớn, vượt mọi giá trị có thể có của chỉ tiêu (có thể do gõ nhầm); vui lòng kiểm tra và nhập lại"
        )
    return number


def normalise_text(value: Any) -> tuple[str, list[str]]:
    """``clean_text`` plus legacy-encoding repair; returns the text and what was converted
    (Vietnamese labels for the receipt: "TCVN3 → Unicode", "VNI → Unicode", "NFC")."""

    if value is None:
        return "", []
    raw = str(value)
    done: list[str] = []
    if not unicodedata.is_normalized("NFC", raw):
        done.append("chuẩn hóa Unicode tổ hợp (NFD) → dựng sẵn (NFC)")
    text = clean_text(raw)
    converted, encoding = detect_and_convert(text)
    if encoding:
        done.append(f"bảng mã {encoding} → Unicode")
        text = clean_text(converted)
    return text, done


_VN_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


def parse_date(value: Any):
    """A date cell: a real date, or text as dd/mm/yyyy (Vietnamese order, never mm/dd).
    Returns a ``datetime.date`` or None when empty; raises NotANumber for anything else."""
    import datetime as dt

    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = clean_text(value)
    if text == "":
        return None
    m = _VN_DATE.match(text)
    if not m:
        raise NotANumber(f"'{text}' không phải ngày dạng ngày/tháng/năm (ví dụ 25/11/2025)")
    day, month, year = (int(g) for g in m.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise NotANumber(f"'{text}' không phải ngày hợp lệ (ngày/tháng/năm)") from None
