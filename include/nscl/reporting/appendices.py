"""The appendices of each kind of report, in order, and how the body cites them: Roman numerals
as Decree 30/2020/NĐ-CP practice numbers two or more appendices ("Phụ lục I", "Phụ lục II", ...),
each citation exact. The template builder (``tools/build_templates.py``) numbers the appendices
from this table, and ``exact_references`` makes every citation of the body say the number."""

from __future__ import annotations

import re
from typing import Any

APPENDICES: dict[str, tuple[str, ...]] = {
    "annual": ("indicators", "tasks", "enterprises", "reporters"),
    "mid-term": ("indicators", "indicator_years", "tasks", "enterprises"),
    "final": ("indicators", "indicator_years", "tasks", "enterprises"),
}
_ROMAN = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def roman(n: int) -> str:
    out = ""
    for value, numeral in _ROMAN:
        while n >= value:
            out, n = out + numeral, n - value
    return out


def number(kind: str, key: str) -> str:
    """The appendix's numeral ("II")."""
    return roman(APPENDICES[kind].index(key) + 1)


def ref(kind: str, key: str) -> str:
    """How the body cites the appendix: "Phụ lục II"."""
    return f"Phụ lục {number(kind, key)}"


_ARABIC = re.compile(r"\b[Pp]hụ lục (\d{1,2})\b")
_BARE = re.compile(r"\btại phụ lục(?=[\s).,;])")


def cite(text: str, kind: str) -> str:
    """A sentence with its appendix citations exact: "Phụ lục 3" -> "Phụ lục III" (the n-th
    appendix), "tại phụ lục" (the per-task appendix, cited without its number) -> "tại Phụ lục II"."""
    text = _ARABIC.sub(lambda m: f"Phụ lục {roman(int(m.group(1)))}", text)
    return _BARE.sub(f"tại {ref(kind, 'tasks')}", text)


def exact_references(value: Any, kind: str) -> Any:
    """``cite`` on every string of a report context (tables and lists included)."""
    if isinstance(value, str):
        return cite(value, kind)
    if isinstance(value, list):
        return [exact_references(v, kind) for v in value]
    if isinstance(value, dict):
        return {k: exact_references(v, kind) for k, v in value.items()}
    return value
