"""Number parsing in Vietnamese format (property tests) and text normalisation."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from nscl.intake.normalise import AmbiguousNumber, DateInNumberCell, NotANumber, clean_text, parse_number
from nscl.labels import format_vn_number


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_vietnamese_integers_round_trip(n):
    # "1.000" alone could be English 1.0: the file's other numbers (style) settle it
    assert parse_number(format_vn_number(n, 0), "vn") == n


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=99))
def test_vietnamese_decimals_round_trip(whole, cents):
    value = whole + cents / 100
    assert parse_number(format_vn_number(value, 2)) == pytest.approx(value, abs=1e-9)


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=999))
def test_a_dot_or_comma_with_three_digits_is_never_guessed(a, b):
    """'1.500' is 1500 written the Vietnamese way and 1.5 the English way ('1,500' the other
    way round): read by the file's convention, asked when the file shows none."""
    assert parse_number(f"{a}.{b:03d}", "vn") == a * 1000 + b
    assert parse_number(f"{a},{b:03d}", "en") == a * 1000 + b
    assert parse_number(f"{a},{b:03d}", "vn") == pytest.approx(a + b / 1000)
    assert parse_number(f"{a}.{b:03d}", "en") == pytest.approx(a + b / 1000)
    for text in (f"{a}.{b:03d}", f"{a},{b:03d}"):
        with pytest.raises(AmbiguousNumber):
            parse_number(text)


@given(st.floats(min_value=-1e15, max_value=1e15))
def test_numbers_pass_through(x):
    assert parse_number(x) == x


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), 1e15 * 1.0001, "1e309", "NaN"])
def test_nan_infinities_and_overflow_are_refused(value):
    with pytest.raises(NotANumber):
        parse_number(value)


def test_a_date_in_a_number_cell_is_called_a_date():
    import datetime as dt

    with pytest.raises(DateInNumberCell, match="03/11/2025"):
        parse_number(dt.datetime(2025, 11, 3))


@given(st.text(alphabet="abcdđêơưạảãáàéèẹọôớờ ", min_size=1).filter(lambda s: s.strip()))
def test_words_are_not_numbers(text):
    with pytest.raises(NotANumber):
        parse_number(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.234,5", 1234.5),
        ("1.234.567", 1234567),
        ("1,234,567", 1234567),
        ("12,5", 12.5),
        (" 7 ", 7),
        ("1,234.5", 1234.5),
        ("", None),
        (None, None),
    ],
)
def test_examples(text, value):
    assert parse_number(text) == value


def test_nfd_text_becomes_nfc():
    nfd = unicodedata.normalize("NFD", "Sở Khoa học  và Công nghệ ")
    assert clean_text(nfd) == "Sở Khoa học và Công nghệ"
    assert unicodedata.is_normalized("NFC", clean_text(nfd))
