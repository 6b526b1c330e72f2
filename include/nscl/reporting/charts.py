"""Charts of the reports, drawn with matplotlib (Agg) at print quality (300 dpi) with Vietnamese
labels. Each function returns PNG bytes; the same data gives the same bytes (no timestamps)."""

from __future__ import annotations

import io
from typing import Any

from nscl.analysis.indicators import target_amount
from nscl.labels import BUDGET_SOURCES, format_vn_number

DPI = 300
# The body's font, Times New Roman, where installed; else its metric twin Liberation Serif, else
# DejaVu Serif (shipped with matplotlib). Chosen by the letters each font file has, not by name:
# Debian's fonts-liberation (1.x, pulled in by Chromium) is also "Liberation Serif" and has no
# Vietnamese letters with two marks (ạ, ỗ, ợ...), which then printed as empty boxes in the charts.
SERIF = ["Times New Roman", "Liberation Serif", "DejaVu Serif"]
VIETNAMESE_LETTERS = "ÀÁẠẢÃÂẦẤẬẨẪĂẰẮẶẲẴĐÈÉẸẺẼÊỀẾỆỂỄÌÍỊỈĨÒÓỌỎÕÔỒỐỘỔỖƠỜỚỢỞỠÙÚỤỦŨƯỪỨỰỬỮỲÝỴỶỸ"
VIETNAMESE_LETTERS += VIETNAMESE_LETTERS.lower()
_fonts_checked = False


def _drop_fonts_without_vietnamese() -> None:
    """Leave out of matplotlib's font list every file of the SERIF families that lacks a
    Vietnamese letter, so the family name finds a file that has them all (once a process)."""
    global _fonts_checked
    if _fonts_checked:
        return
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    wanted = {ord(c) for c in VIETNAMESE_LETTERS}

    def complete(path: str) -> bool:
        try:
            return wanted <= set(FT2Font(path).get_charmap())
        except (OSError, RuntimeError):
            return False

    manager = font_manager.fontManager
    manager.ttflist = [f for f in manager.ttflist if f.name not in SERIF or complete(f.fname)]
    cached = getattr(manager, "_findfont_cached", None)
    if cached is not None and hasattr(cached, "cache_clear"):
        cached.cache_clear()
    _fonts_checked = True


def _plt():
    import logging

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    _drop_fonts_without_vietnamese()
    plt.rcParams.update(
        {
            "font.family": "serif",
            "font.serif": SERIF,
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "svg.hashsalt": "nscl",
        }
    )
    return plt


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    import matplotlib.pyplot as plt

    plt.close(fig)
    return buf.getvalue()


def _vn(value: float, decimals: int = 1) -> str:

    return format_vn_number(value, decimals)


def tfp_chart(years: list[dict[str, Any]]) -> bytes:
    """Stacked bars: contributions of capital, labour and TFP (percentage points) to GRDP growth,
    by year, with GRDP growth as a marker."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6.3, 3.2))
    labels = [str(r["year"]) for r in years]
    x = list(range(len(years)))
    parts = [
        ("contribution_capital_pp", "Đóng góp của vốn", "#4c72b0"),
        ("contribution_labour_pp", "Đóng góp của lao động", "#dd8452"),
        ("contribution_tfp_pp", "Đóng góp của TFP", "#55a868"),
    ]
    pos = [0.0] * len(years)
    neg = [0.0] * len(years)
    for key, label, colour in parts:
        vals = [float(r[key]) for r in years]
        bottoms = [pos[i] if v >= 0 else neg[i] for i, v in enumerate(vals)]
        ax.bar(x, vals, 0.6, bottom=bottoms, label=label, color=colour)
        for i, v in enumerate(vals):
            if v >= 0:
                pos[i] += v
            else:
                neg[i] += v
    growth = [float(r["growth_output"]) for r in years]
    ax.plot(x, growth, "o", color="black", label="Tốc độ tăng GRDP (%)")
    for i, g in enumerate(growth):
        ax.annotate(_vn(g, 2), (i, g), textcoords="offset points", xytext=(0, 5), ha="center", fontsize=8)
    ax.set_xticks(x, labels)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_ylabel("Điểm phần trăm")
    ax.set_title("Đóng góp của vốn, lao động và TFP vào tăng trưởng GRDP", fontsize=10)
    ax.yaxis.set_major_formatter(lambda v, _: _vn(v, 0) if float(v).is_integer() else _vn(v, 1))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, frameon=False, fontsize=8)
    return _png(fig)


def short_label(stt: int, name: str, width: int = 48) -> str:
    """An indicator's label on the chart: its number in the report's tables and its name,
    shortened at a word boundary ("3. Tổng số chuyên gia được đào tạo, chứng nhận...")."""
    text = f"{stt}. {name}"
    if len(text) <= width:
        return text
    cut = text[:width].rsplit(" ", 1)[0].rstrip(",;:(")
    return cut + "..."


def indicator_chart(progress, window: str) -> bytes:
    """Horizontal bars: share of each ten-year target reached to date (%), with the share of
    the ten years elapsed as a reference line."""

    plt = _plt()
    rows = [p for p in progress if p.ten_year_target is not None]
    rows.reverse()  # the first indicator at the top
    shares = [min(150.0, 100.0 * (p.ten_year_value or 0.0) / target_amount(p.ten_year_target)) for p in rows]
    fig, ax = plt.subplots(figsize=(6.3, 0.22 * len(rows) + 1.2))
    colours = ["#55a868" if s >= 100 else "#4c72b0" for s in shares]
    ax.barh(range(len(rows)), shares, color=colours)
    stt = {p.indicator.code: i for i, p in enumerate(progress, start=1)}
    ax.set_yticks(
        range(len(rows)), [short_label(stt[p.indicator.code], p.indicator.name) for p in rows], fontsize=7
    )
    for i, s in enumerate(shares):
        ax.text(s + 1, i, _vn(s, 0) + "%", va="center", fontsize=7)
    if rows:
        year = rows[0].year
        elapsed = 100.0 * (year - 2020) / 10
        ax.axvline(elapsed, color="#c44e52", linestyle="--", linewidth=0.8)
        ax.text(
            elapsed, len(rows) - 0.3, f" thời gian đã qua ({_vn(elapsed, 0)}%)", color="#c44e52", fontsize=7
        )
    ax.axvline(100, color="black", linewidth=0.6)
    ax.set_xlim(0, 160)
    ax.set_xlabel(f"Mức đạt so với mục tiêu 2021-2030 (lũy kế {window}, %)")
    ax.set_title("Tiến độ các chỉ tiêu so với mục tiêu 10 năm", fontsize=10)
    return _png(fig)


def budget_chart(rows: list[dict[str, Any]]) -> bytes:
    """Stacked bars of the budget by source and year (million VND), with the number of
    enterprises supported on a second axis. ``rows``: year plus one float per source."""

    plt = _plt()
    fig, ax = plt.subplots(figsize=(6.3, 3.2))
    x = list(range(len(rows)))
    bottom = [0.0] * len(rows)
    colours = ["#8172b3", "#4c72b0", "#dd8452", "#937860"]
    for (code, label), colour in zip(BUDGET_SOURCES, colours, strict=True):
        vals = [float(r[code]) for r in rows]
        ax.bar(x, vals, 0.6, bottom=bottom, label=label, color=colour)
        bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
    ax.set_xticks(x, [str(r["year"]) for r in rows])
    ax.set_ylabel("Triệu đồng")
    ax.set_ylim(0, max(bottom + [1.0]) * 1.15)  # the tallest bar below the plot's top edge
    ax.yaxis.set_major_formatter(lambda v, _: _vn(v, 0))
    ax2 = ax.twinx()
    ax2.plot(
        x, [r["enterprises"] for r in rows], "o-", color="black", label="Lượt hỗ trợ tổ chức, doanh nghiệp"
    )
    ax2.set_ylabel("Lượt tổ chức, doanh nghiệp")
    ax2.set_ylim(0, max([r["enterprises"] for r in rows] + [1]) * 1.15)  # the top marker not clipped
    ax2.spines["right"].set_visible(True)
    handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    names = ax.get_legend_handles_labels()[1] + ax2.get_legend_handles_labels()[1]
    ax.legend(
        handles, names, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, frameon=False, fontsize=8
    )
    ax.set_title("Kinh phí theo nguồn và số lượt hỗ trợ tổ chức, doanh nghiệp", fontsize=10)
    return _png(fig)
