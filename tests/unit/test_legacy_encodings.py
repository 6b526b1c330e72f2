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


# ---- the tables against the standards, written out independently of the code's tables ------
# TCVN 5712:1993 (TCVN3, "ABC"): one byte per letter, lower case; the capital fonts (.VnTimeH)
# draw the same bytes as capitals, so only seven capitals have codes of their own. Each pair is
# the Unicode letter and its TCVN3 character (the byte read as Latin-1), from the code chart.
TCVN3_REFERENCE = """
à µ  á ¸  ả ¶  ã ·  ạ ¹
ă ¨  ằ »  ắ ¾  ẳ ¼  ẵ ½  ặ Æ
â ©  ầ Ç  ấ Ê  ẩ È  ẫ É  ậ Ë
è Ì  é Ð  ẻ Î  ẽ Ï  ẹ Ñ
ê ª  ề Ò  ế Õ  ể Ó  ễ Ô  ệ Ö
ì ×  í Ý  ỉ Ø  ĩ Ü  ị Þ
ò ß  ó ã  ỏ á  õ â  ọ ä
ô «  ồ å  ố è  ổ æ  ỗ ç  ộ é
ơ ¬  ờ ê  ớ í  ở ë  ỡ ì  ợ î
ù ï  ú ó  ủ ñ  ũ ò  ụ ô
ư \u00ad  ừ õ  ứ ø  ử ö  ữ ÷  ự ù
ỳ ú  ý ý  ỷ û  ỹ ü  ỵ þ
đ ®  Đ §  Ă ¡  Â ¢  Ê £  Ô ¤  Ơ ¥  Ư ¦
"""
# VNI-Windows: a base letter followed by a modifier character (ơ, ư, đ, and i with its tones
# and ỵ are single characters); capitals are the same with every character in capitals.
VNI_REFERENCE = """
à aø  á aù  ả aû  ã aõ  ạ aï
ă aê  ằ aè  ắ aé  ẳ aú  ẵ aü  ặ aë
â aâ  ầ aà  ấ aá  ẩ aå  ẫ aã  ậ aä
è eø  é eù  ẻ eû  ẽ eõ  ẹ eï
ê eâ  ề eà  ế eá  ể eå  ễ eã  ệ eä
ì ì  í í  ỉ æ  ĩ ó  ị ò
ò oø  ó où  ỏ oû  õ oõ  ọ oï
ô oâ  ồ oà  ố oá  ổ oå  ỗ oã  ộ oä
ơ ô  ờ ôø  ớ ôù  ở ôû  ỡ ôõ  ợ ôï
ù uø  ú uù  ủ uû  ũ uõ  ụ uï
ư ö  ừ öø  ứ öù  ử öû  ữ öõ  ự öï
ỳ yø  ý yù  ỷ yû  ỹ yõ  ỵ î
đ ñ
À AØ  Á AÙ  Ả AÛ  Ã AÕ  Ạ AÏ
Ă AÊ  Ằ AÈ  Ắ AÉ  Ẳ AÚ  Ẵ AÜ  Ặ AË
Â AÂ  Ầ AÀ  Ấ AÁ  Ẩ AÅ  Ẫ AÃ  Ậ AÄ
È EØ  É EÙ  Ẻ EÛ  Ẽ EÕ  Ẹ EÏ
Ê EÂ  Ề EÀ  Ế EÁ  Ể EÅ  Ễ EÃ  Ệ EÄ
Ì Ì  Í Í  Ỉ Æ  Ĩ Ó  Ị Ò
Ò OØ  Ó OÙ  Ỏ OÛ  Õ OÕ  Ọ OÏ
Ô OÂ  Ồ OÀ  Ố OÁ  Ổ OÅ  Ỗ OÃ  Ộ OÄ
Ơ Ô  Ờ ÔØ  Ớ ÔÙ  Ở ÔÛ  Ỡ ÔÕ  Ợ ÔÏ
Ù UØ  Ú UÙ  Ủ UÛ  Ũ UÕ  Ụ UÏ
Ư Ö  Ừ ÖØ  Ứ ÖÙ  Ử ÖÛ  Ữ ÖÕ  Ự ÖÏ
Ỳ YØ  Ý YÙ  Ỷ YÛ  Ỹ YÕ  Ỵ Î
Đ Ñ
"""


def _pairs(table: str) -> list[tuple[str, str]]:
    tokens = table.replace("\u00ad", " \u00ad ").split()
    # the soft hyphen (TCVN3 "ư") is not whitespace to str.split, but keep it a token of its own
    return list(zip(tokens[0::2], tokens[1::2], strict=True))


TCVN3_PAIRS = _pairs(TCVN3_REFERENCE)
VNI_PAIRS = _pairs(VNI_REFERENCE)


def test_the_references_cover_every_toned_vowel():
    vowels = "aăâeêioôơuưy"
    toned = {unicodedata.normalize("NFC", v + t) for v in vowels for t in ("", *"\u0300\u0301\u0309\u0303\u0323")}
    toned -= set(vowels) - {"ă", "â", "ê", "ô", "ơ", "ư"}  # plain a, e, i, o, u, y are ASCII in both
    assert toned <= {u for u, _ in TCVN3_PAIRS}
    assert toned | {t.upper() for t in toned} <= {u for u, _ in VNI_PAIRS}
    assert {"đ", "Đ"} <= {u for u, _ in TCVN3_PAIRS} & {u for u, _ in VNI_PAIRS}
    assert len(TCVN3_PAIRS) == 66 + 8 and len(VNI_PAIRS) == 2 * 67  # 66 toned or modified vowels


@pytest.mark.parametrize(("uni", "legacy"), TCVN3_PAIRS, ids=[u for u, _ in TCVN3_PAIRS])
def test_tcvn3_letter_against_the_standard(uni, legacy):
    assert len(legacy) == 1 and 0xA1 <= ord(legacy) <= 0xFE  # one byte, in the upper half
    assert tcvn3_to_unicode(legacy) == uni
    assert unicode_to_tcvn3(uni) == legacy


@pytest.mark.parametrize(("uni", "legacy"), VNI_PAIRS, ids=[u for u, _ in VNI_PAIRS])
def test_vni_letter_against_the_standard(uni, legacy):
    assert vni_to_unicode(legacy) == uni
    assert unicode_to_vni(uni) == legacy


# Real legacy text, as it shows when a TCVN3 or VNI document is opened without its font.
REAL_TEXT = [
    ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam", "TCVN3"),
    ("§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc", "TCVN3"),
    ("Uû ban nh©n d©n tØnh H\u00adng Yªn", "Uỷ ban nhân dân tỉnh Hưng Yên", "TCVN3"),
    ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam", "VNI"),
    ("Ñoäc laäp - Töï do - Haïnh phuùc", "Độc lập - Tự do - Hạnh phúc", "VNI"),
    ("UÛY BAN NHAÂN DAÂN TÆNH HÖNG YEÂN", "ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN", "VNI"),
]


@pytest.mark.parametrize(("legacy", "text", "encoding"), REAL_TEXT)
def test_real_legacy_text_is_read(legacy, text, encoding):
    assert detect_and_convert(legacy) == (text, encoding)
