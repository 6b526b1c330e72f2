"""Normalisation before validation: Unicode NFC, stray spaces, and numbers typed as text in
Vietnamese format ("1.234,5" is 1234.5; "1.234" is 1234, never 1.234)."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from nscl.intake.legacy_encodings import detect_and_convert

# Dots group thousands; a comma is the decimal separator (Vietnamese convention).
_VN_GROUPED = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_VN_PLAIN = re.compile(r"^[+-]?\d+(,\d+)?$")
# International forms that Excel users also type: "1,234.5" or "1234.5".
_INTL_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_INTL_PLAIN = re.compile(r"^[+-]?\d*\.\d+$")


class NotANumber(ValueError):
    pass


def clean_text(value: Any) -> str:
    """NFC-normalised text with runs of whitespace collapsed and the ends trimmed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def parse_number(value: Any) -> float | None:
    """A cell's number, or None when empty. Text is read in Vietnamese format first.

    Raises NotANumber (with a Vietnamese message) for text that is not a number. A string
    with a single dot and exactly three digits after it ("1.234") is a thousands separator
    in Vietnamese and read as 1234.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise NotANumber(f"'{value}' không phải là số")
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise NotANumber(f"'{value}' không phải là số hữu hạn")
        return float(value)
    text = clean_text(value).replace(" ", "")
    if text == "":
        return None
    if _VN_GROUPED.match(text):
        return float(text.replace(".", "").replace(",", "."))
    if _VN_PLAIN.match(text):
        return float(text.replace(",", "."))
    if _INTL_GROUPED.match(text) and "." in text:
        return float(text.replace(",", ""))
    if _INTL_PLAIN.match(text):
        return float(text)
    raise NotANumber(f"'{clean_text(value)}' không phải là số")


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
