"""Number parsing in Vietnamese format (property tests) and text normalisation."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from nscl.intake.normalise import NotANumber, clean_text, parse_number
from nscl.labels import format_vn_number


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_vietnamese_integers_round_trip(n):
    assert parse_number(format_vn_number(n, 0)) == n


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=99))
def test_vietnamese_decimals_round_trip(whole, cents):
    value = whole + cents / 100
    assert parse_number(format_vn_number(value, 2)) == pytest.approx(value, abs=1e-9)


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=999))
def test_a_dot_with_three_digits_is_thousands_never_decimals(a, b):
    assert parse_number(f"{a}.{b:03d}") == a * 1000 + b


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_numbers_pass_through(x):
    assert parse_number(x) == x


@given(st.text(alphabet="abcdđêơưạảãáàéèẹọôớờ ", min_size=1).filter(lambda s: s.strip()))
def test_words_are_not_numbers(text):
    with pytest.raises(NotANumber):
        parse_number(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.234,5", 1234.5),
        ("1.234", 1234),
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
