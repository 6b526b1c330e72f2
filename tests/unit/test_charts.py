"""The report's charts draw every Vietnamese letter: no empty boxes where a font lacks one.

Debian's fonts-liberation (1.x, which Chromium pulls in, as on the CI machine) is also named
"Liberation Serif" but lacks the letters with two marks (ạ, ỗ, ợ...); matplotlib picking it by
name drew "Kinh phí theo ngu□n và s□ l□□t h□ tr□". These tests fail there without
``charts._drop_fonts_without_vietnamese``."""

from __future__ import annotations

import warnings

from matplotlib.ft2font import FT2Font
from nscl.labels import BUDGET_SOURCES
from nscl.reporting import charts


def test_budget_chart_has_every_letter():
    rows = [{"year": y, "enterprises": e, **{c: 1.0 + i for i, (c, _) in enumerate(BUDGET_SOURCES)}}
            for y, e in ((2021, 5), (2022, 7))]  # fmt: skip
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = charts.budget_chart(rows)
    assert png.startswith(b"\x89PNG")
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []


def test_the_serif_font_in_use_has_the_whole_alphabet():
    charts._plt()
    from matplotlib import font_manager

    path = font_manager.findfont(font_manager.FontProperties(family="serif"))
    have = set(FT2Font(path).get_charmap())
    assert {ord(c) for c in "ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđư"} <= have, path


# ---- the indicator chart, as printed (issue 24) -------------------------------------------------

PRINT_PX = 240 / 25.4 * charts.DPI  # placed 240 mm wide, on the indicators' landscape appendix page


def _progress(catalogue, year: int, shares: dict[str, float]):
    """Progress of ``year`` with the ten-year value of each indicator in ``shares`` set to that
    share (%) of its target, and the ten-year status the analysis would give it."""
    import dataclasses

    from nscl.analysis.indicators import progress, status, target_amount

    out = []
    for p in progress(catalogue, year, None):
        if p.indicator.code in shares and p.ten_year_target is not None:
            value = shares[p.indicator.code] / 100 * target_amount(p.ten_year_target)
            ten = catalogue.ten_year_phase()
            p = dataclasses.replace(
                p, ten_year_value=value, ten_year_status=status(p.ten_year_target, value, year, ten)
            )
        out.append(p)
    return out


def test_indicator_labels_are_whole_names_wrapped_never_cut(catalogue):
    prog = _progress(catalogue, 2025, {})
    labels = charts.indicator_labels(prog)
    expected = [
        f"{i}. {p.indicator.name}" for i, p in enumerate(prog, start=1) if p.ten_year_target is not None
    ]
    assert len(labels) == len(expected) > 5
    for label, name in zip(labels, expected, strict=True):
        assert "…" not in label and "..." not in label
        assert label.replace("\n", " ") == name  # every word, in order
        assert max(len(line) for line in label.split("\n")) <= charts.LABEL_CHARS or " " not in name


def test_indicator_chart_prints_at_ten_points_with_a_legend_and_behind_in_its_own_colour(catalogue):
    from matplotlib.colors import to_hex

    ten = [p for p in _progress(catalogue, 2025, {}) if p.ten_year_target is not None]
    behind, on_track, done, far = (p.indicator.code for p in ten[:4])
    # 2025 is half of the ten years: 20 % is behind, 60 % on track, 100 % reached, 300 % far beyond
    prog = _progress(catalogue, 2025, {behind: 20.0, on_track: 60.0, done: 100.0, far: 300.0})
    by_code = {p.indicator.code: p for p in prog}
    assert by_code[behind].ten_year_status == "Chậm tiến độ"
    assert by_code[on_track].ten_year_status == "Đúng tiến độ"
    fig = charts.indicator_figure(prog, "2021-2025")
    ax = fig.axes[0]
    # every text on the figure at least 10 pt, and the figure exactly as wide as placed
    from matplotlib.text import Text

    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_text().strip()]
    assert sizes and min(sizes) >= 10
    assert abs(fig.get_figwidth() * charts.DPI - PRINT_PX) < 1
    # bars top to bottom in the order of the labels; the behind one in a colour no other bar has
    colours = [to_hex(b.get_facecolor()) for b in sorted(ax.patches, key=lambda b: -b.get_y())]
    order = [p.indicator.code for p in ten]
    behind_colour = colours[order.index(behind)]
    assert behind_colour not in {colours[order.index(c)] for c in (on_track, done, far)}
    assert sum(c == behind_colour for c in colours) == sum(
        by_code[code].ten_year_status == "Chậm tiến độ" for code in order
    )
    legend = {t.get_text() for t in fig.legends[0].get_texts()}
    assert "Chậm tiến độ" in legend and "Đúng tiến độ" in legend
    assert any(t.startswith("Tỷ lệ thời gian đã qua (50%") for t in legend)
    # the axis stops a little past the cap, the 300 % bar ends at the cap and says its real share
    assert ax.get_xlim()[1] <= charts.SHARE_CAP + 25
    assert max(b.get_width() for b in ax.patches) == charts.SHARE_CAP
    assert "300% ›" in [t.get_text() for t in ax.texts]
    png = charts.indicator_chart(prog, "2021-2025")
    import struct

    assert abs(struct.unpack(">I", png[16:20])[0] - PRINT_PX) <= 1
