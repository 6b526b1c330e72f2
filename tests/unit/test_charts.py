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
