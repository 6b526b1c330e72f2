"""Normalisation before validation: Unicode NFC, stray spaces, and numbers typed as text in
Vietnamese format ("1.234,5" is 1234.5; "1.234" is 1234, never 1.234)."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

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


def format_vn_number(value: float, decimals: int = 0) -> str:
    """Format a number the Vietnamese way: 1234.5 -> '1.234,5'."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")
