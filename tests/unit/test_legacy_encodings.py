"""Legacy Vietnamese encodings (TCVN3, VNI) are detected and converted; Unicode and foreign
words are left alone; dates are read as dd/mm/yyyy. Property tests with hypothesis."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nscl.intake.legacy_encodings import (
    detect_and_convert,
    tcvn3_to_unicode,
    unicode_to_tcvn3,
    unicode_to_vni,
    vietnamese_score,
    vni_to_unicode,
)
from nscl.intake.normalise import NotANumber, normalise_text, parse_date

SYLLABLES = (
    "sở khoa học và công nghệ tỉnh hưng yên năng suất chất lượng doanh nghiệp được hỗ trợ "
    "đào tạo chuyên gia tuyên truyền hoàn thành đang thực hiện kế hoạch nhiệm vụ kết quả nổi bật "
    "khó khăn vướng mắc đề xuất kiến nghị người dân ươm tạo quyết định khuyến khích nghiên cứu "
    "tiêu chuẩn quy chuẩn truy xuất nguồn gốc hữu cơ nông sản long nhãn phố hiến"
).split()
vietnamese_text = st.lists(st.sampled_from(SYLLABLES), min_size=2, max_size=12).map(" ".join)


def _check_detection(text: str, legacy: str, encoding: str) -> None:
    """Detection converts legacy text back exactly, except where the legacy text is genuinely
    ambiguous (TCVN3 "vô" is "vụ", VNI "höng" is "hưng", but both also read as Vietnamese in
    the other reading): then any reading it picks is at least as Vietnamese as the truth."""
    if legacy == text:
        return
    converted, found = detect_and_convert(legacy)
    if (converted, found) == (text, encoding):
        return
    readings = {(legacy, None), (tcvn3_to_unicode(legacy), "TCVN3"), (vni_to_unicode(legacy), "VNI")}
    assert (converted, found) in readings
    assert vietnamese_score(converted) >= vietnamese_score(text) == 1.0


@settings(max_examples=200, deadline=None)
@given(vietnamese_text)
def test_tcvn3_round_trip(text):
    legacy = unicode_to_tcvn3(text)
    assert tcvn3_to_unicode(legacy) == text
    _check_detection(text, legacy, "TCVN3")


@settings(max_examples=200, deadline=None)
@given(vietnamese_text, st.booleans())
def test_vni_round_trip(text, title):
    text = text.title() if title else text
    legacy = unicode_to_vni(text)
    assert vni_to_unicode(legacy) == text
    _check_detection(text, legacy, "VNI")


def test_a_sentence_is_not_ambiguous():
    sentence = "sở khoa học và công nghệ tỉnh hưng yên hỗ trợ doanh nghiệp nâng cao năng suất chất lượng"
    assert detect_and_convert(unicode_to_tcvn3(sentence)) == (sentence, "TCVN3")
    assert detect_and_convert(unicode_to_vni(sentence)) == (sentence, "VNI")


@settings(max_examples=200, deadline=None)
@given(vietnamese_text)
def test_unicode_text_is_never_converted(text):
    assert detect_and_convert(text) == (text, None)
    nfd = unicodedata.normalize("NFD", text)
    assert normalise_text(nfd)[0] == text


@pytest.mark.parametrize(
    "text", ["café", "Müller GmbH", "naïve résumé", "São Paulo", "ISO 9001", "© 2024 Công ty"]
)
def test_foreign_words_are_left_alone(text):
    assert detect_and_convert(text) == (text, None)


def test_known_examples():
    assert detect_and_convert("Së Khoa häc vµ C«ng nghÖ")[0] == "Sở Khoa học và Công nghệ"
    assert detect_and_convert("H\u00adng Yªn") == ("Hưng Yên", "TCVN3")
    assert detect_and_convert("Vieät Nam") == ("Việt Nam", "VNI")
    assert detect_and_convert("Ñang thöïc hieän") == ("Đang thực hiện", "VNI")
    text, done = normalise_text("  Hoµn   thµnh ")
    assert text == "Hoàn thành" and done == ["bảng mã TCVN3 → Unicode"]


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_dates_are_day_first(day):
    assert parse_date(f"{day.day:02d}/{day.month:02d}/{day.year}") == day
    assert parse_date(f"{day.day}/{day.month}/{day.year}") == day


def test_ambiguous_dates_are_vietnamese_order():
    assert parse_date("03/04/2025") == dt.date(2025, 4, 3)
    assert parse_date(dt.datetime(2025, 4, 3, 10, 0)) == dt.date(2025, 4, 3)
    assert parse_date("") is None
    with pytest.raises(NotANumber):
        parse_date("12/31/2025")  # no 31st month: mm/dd is never guessed
    with pytest.raises(NotANumber):
        parse_date("ngày mai")
