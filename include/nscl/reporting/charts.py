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
            "font.size": MIN_PT,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "svg.hashsalt": "nscl",
        }
    )
    return plt


# The charts are placed 160 mm wide in the documents (``render.IMAGE_WIDTH_MM``): each figure is
# drawn exactly that wide (no "tight" cropping that would rescale it), so a font size here is its
# size on paper. Every text is at least MIN_PT; the title is the document's caption ("Biểu đồ 1. ..."),
# not part of the image.
PRINT_WIDTH_IN = 160 / 25.4
# The indicators' chart stands on the landscape page of the indicators' appendix, 240 mm wide
# (``render.IMAGE_WIDTHS_MM``): its labels take one line, two for the longest names.
WIDE_WIDTH_IN = 240 / 25.4
MIN_PT = 10
LABEL_CHARS = 100  # an indicator's name wrapped at this many characters (about 16 cm at 10 pt)
# Where the share of a target stops on the axis: beyond it, the bar ends at the cap and its
# label gives the real share with "›" (a few hundred percent would flatten the rest).
SHARE_CAP = 120.0
STATUS_COLOURS = {  # the ten-year status as the analysis words it -> colour and legend text
    "Vượt mục tiêu": ("#55a868", "Đã đạt hoặc vượt mục tiêu 10 năm"),
    "Đạt": ("#55a868", "Đã đạt hoặc vượt mục tiêu 10 năm"),
    "Đúng tiến độ": ("#4c72b0", "Đúng tiến độ"),
    "Chậm tiến độ": ("#d1495b", "Chậm tiến độ"),
    "Chưa thực hiện": ("#8c8c8c", "Chưa thực hiện"),
    "Chưa đến kỳ": ("#c9c9c9", "Chưa đến kỳ thực hiện"),
    "Không đạt": ("#d1495b", "Không đạt"),
}


def _figure(plt, height_in: float, width_in: float = PRINT_WIDTH_IN):
    return plt.figure(figsize=(width_in, height_in), layout="constrained")


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    import matplotlib.pyplot as plt

    plt.close(fig)
    return buf.getvalue()


def _vn(value: float, decimals: int = 1) -> str:
    """Vietnamese figure, halves rounded up as a reader does by hand (5/8 = 62,5 -> "63")."""
    from decimal import ROUND_HALF_UP, Decimal

    rounded = float(Decimal(str(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    return format_vn_number(rounded, decimals)


def tfp_chart(years: list[dict[str, Any]]) -> bytes:
    """Stacked bars: contributions of capital, labour and TFP (percentage points) to GRDP growth,
    by year, with GRDP growth as a marker."""
    plt = _plt()
    fig = _figure(plt, 3.6)
    ax = fig.subplots()
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
        ax.annotate(
            _vn(g, 2), (i, g), textcoords="offset points", xytext=(0, 5), ha="center", fontsize=MIN_PT
        )
    ax.set_xticks(x, labels)
    ax.margins(y=0.15)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_ylabel("Điểm phần trăm")
    ax.yaxis.set_major_formatter(lambda v, _: _vn(v, 0) if float(v).is_integer() else _vn(v, 1))
    fig.legend(loc="outside lower center", ncol=2, frameon=False)
    return _png(fig)


def indicator_labels(progress) -> list[str]:
    """The labels of the indicator chart, top to bottom: each indicator's number in the report's
    tables and its whole name, wrapped at word boundaries (never cut)."""
    import textwrap

    stt = {p.indicator.code: i for i, p in enumerate(progress, start=1)}
    return [
        "\n".join(
            textwrap.wrap(f"{stt[p.indicator.code]}. {p.indicator.name}", LABEL_CHARS, break_long_words=False)
        )
        for p in progress
        if p.ten_year_target is not None
    ]


def indicator_shares(progress) -> list[float]:
    """Share of each ten-year target reached to date (%), in the order of ``indicator_labels``."""
    return [
        100.0 * (p.ten_year_value or 0.0) / target_amount(p.ten_year_target)
        for p in progress
        if p.ten_year_target is not None
    ]


def indicator_chart(progress, window: str) -> bytes:
    """Horizontal bars: share of each ten-year target reached to date (%), coloured by the
    indicator's ten-year status (behind schedule stands out), with the share of the ten years
    elapsed as a reference line; a legend says what each colour and line means."""
    return _png(indicator_figure(progress, window))


def indicator_figure(progress, window: str):
    """The figure of ``indicator_chart`` (matplotlib), before it becomes a PNG."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    plt = _plt()
    rows = [p for p in progress if p.ten_year_target is not None]
    labels = indicator_labels(progress)
    shares = indicator_shares(progress)
    lines = [label.count("\n") + 1 for label in labels]
    # 10 pt lines are 0.17 in apart; a bar's slot holds its label plus a gap.
    slots = [0.16 * n + 0.08 for n in lines]
    fig = _figure(plt, sum(slots) + 1.4, WIDE_WIDTH_IN)
    ax = fig.subplots()
    # y positions from the top, each bar in the middle of its slot (in inches, then flipped)
    centres, top = [], 0.0
    for s in slots:
        centres.append(-(top + s / 2))
        top += s
    shown = [min(s, SHARE_CAP) for s in shares]
    # a nil share still shows its colour: a sliver of a bar at 0
    drawn = [max(s, 0.8) for s in shown]
    colours = [STATUS_COLOURS.get(p.ten_year_status or "", ("#4c72b0", ""))[0] for p in rows]
    ax.barh(centres, drawn, height=0.24, color=colours)
    ax.set_yticks(centres, labels, fontsize=MIN_PT)
    ax.set_ylim(-top, 0)
    elapsed = 100.0 * (rows[0].year - 2020) / 10 if rows else 0.0
    for c, s, v in zip(centres, shown, shares, strict=True):
        # A label the elapsed-time line would strike through starts right of the line.
        x = s + 1.5 if not (s - 1 < elapsed < s + 9) else elapsed + 1.5
        ax.text(x, c, _vn(v, 0) + "%" + (" ›" if v > SHARE_CAP else ""), va="center", fontsize=MIN_PT)
    present = {STATUS_COLOURS.get(p.ten_year_status or "", ("#4c72b0", "Đúng tiến độ")) for p in rows}
    order = [t for _, t in STATUS_COLOURS.values()]
    handles: list[Any] = [
        Patch(color=c, label=t) for c, t in sorted(present, key=lambda ct: order.index(ct[1]))
    ]
    if rows:
        ax.axvline(elapsed, color="#555555", linestyle="--", linewidth=1.0)
        handles.append(
            Line2D(
                [], [], color="#555555", linestyle="--", label=f"Tỷ lệ thời gian đã qua ({_vn(elapsed, 0)}%)"
            )
        )
    ax.axvline(100, color="black", linewidth=0.8)
    handles.append(Line2D([], [], color="black", linewidth=0.8, label="Mục tiêu 10 năm (100%)"))
    ax.set_xlim(0, min(max(shown + [100.0]), SHARE_CAP) + 22)
    ax.xaxis.set_major_locator(_ticks())
    first, _, last = window.partition("-")
    to_date = f"năm {first}" if first == last else f"lũy kế {window}"
    xlabel = f"Mức đạt so với mục tiêu 2021-2030 ({to_date}, %)"
    if any(v > SHARE_CAP for v in shares):
        xlabel += f"; “›”: vượt {_vn(SHARE_CAP, 0)}%"
    ax.set_xlabel(xlabel, loc="right")  # right-aligned: a long label runs left, under the names
    fig.legend(handles=handles, loc="outside lower center", ncol=2, frameon=False)
    return fig


def _ticks():
    from matplotlib.ticker import FixedLocator

    return FixedLocator([0, 20, 40, 60, 80, 100, 120])


def budget_chart(rows: list[dict[str, Any]]) -> bytes:
    """Stacked bars of the budget by source and year (million VND), with the number of
    enterprises supported on a second axis. ``rows``: year plus one float per source."""

    plt = _plt()
    fig = _figure(plt, 3.8)
    ax = fig.subplots()
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
    fig.legend(handles, names, loc="outside lower center", ncol=2, frameon=False)
    return _png(fig)
