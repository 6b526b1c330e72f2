"""Vietnamese text typed in the legacy TCVN3 (ABC, ".VnTime" fonts) and VNI (VNI-Windows,
"VNI-Times" fonts) encodings, detected and converted to Unicode.

In an .xlsx file such text is stored as ordinary Latin-1 characters that only *look*
Vietnamese in the legacy font: TCVN3 "H­ng Yªn" (soft hyphen for "ư", "ª" for "ê") or VNI
"Höng Yeân" (a base letter followed by a modifier character). Detection converts a text both
ways and keeps a conversion only when it turns non-words into Vietnamese syllables, so genuine
Unicode text and foreign words ("café", "Müller") are left alone.
"""

from __future__ import annotations

import re
import unicodedata

# Vowels with tones, in the order: no tone, grave (huyền), acute (sắc), hook (hỏi),
# tilde (ngã), dot below (nặng).
_TONED = {
    "a": "aàáảãạ",
    "ă": "ăằắẳẵặ",
    "â": "âầấẩẫậ",
    "e": "eèéẻẽẹ",
    "ê": "êềếểễệ",
    "i": "iìíỉĩị",
    "o": "oòóỏõọ",
    "ô": "ôồốổỗộ",
    "ơ": "ơờớởỡợ",
    "u": "uùúủũụ",
    "ư": "ưừứửữự",
    "y": "yỳýỷỹỵ",
}

# ---- TCVN3 (ABC): one byte per lower-case letter; capitals only for the seven letters below.
_TCVN3_LOWER = {
    "a": "aµ¸¶·¹",
    "ă": "¨»¾¼½Æ",
    "â": "©ÇÊÈÉË",
    "e": "eÌÐÎÏÑ",
    "ê": "ªÒÕÓÔÖ",
    "i": "i×ÝØÜÞ",
    "o": "oßãáâä",
    "ô": "«åèæçé",
    "ơ": "¬êíëìî",
    "u": "uïóñòô",
    "ư": "\u00adõøö÷ù",
    "y": "yúýûüþ",
}
_TCVN3_EXTRA = {"đ": "®", "Ă": "¡", "Â": "¢", "Đ": "§", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦"}

UNICODE_TO_TCVN3: dict[str, str] = {}
for _base, _uni in _TONED.items():
    for _u, _t in zip(_uni, _TCVN3_LOWER[_base], strict=True):
        if _u != _t:
            UNICODE_TO_TCVN3[_u] = _t
UNICODE_TO_TCVN3.update(_TCVN3_EXTRA)
TCVN3_TO_UNICODE = {v: k for k, v in UNICODE_TO_TCVN3.items()}

# ---- VNI-Windows: a base letter followed by modifier characters.
_VNI_TONES = ("", "ø", "ù", "û", "õ", "ï")
_VNI_BASE = {
    "a": "a",
    "ă": "aê",
    "â": "aâ",
    "e": "e",
    "ê": "eâ",
    "o": "o",
    "ô": "oâ",
    "ơ": "ô",
    "u": "u",
    "ư": "ö",
    "y": "y",
}
# Tones after a circumflex or a breve combine with them into one character.
_VNI_CIRCUMFLEX = ("â", "à", "á", "å", "ã", "ä")
_VNI_BREVE = ("ê", "è", "é", "ú", "ü", "ë")
_VNI_I = ("i", "ì", "í", "æ", "ó", "ò")


def _vni_lower() -> dict[str, str]:
    out = {"đ": "ñ"}
    for base, uni in _TONED.items():
        for tone, u in enumerate(uni):
            if base == "i":
                code = _VNI_I[tone]
            elif base == "â" or base == "ê" or base == "ô":
                code = base.replace("â", "a").replace("ê", "e").replace("ô", "o") + _VNI_CIRCUMFLEX[tone]
            elif base == "ă":
                code = "a" + _VNI_BREVE[tone]
            elif base == "y" and tone == 5:
                code = "î"
            else:
                code = _VNI_BASE[base] + _VNI_TONES[tone]
            if code != u:
                out[u] = code
    return out


UNICODE_TO_VNI: dict[str, str] = {}
for _u, _v in _vni_lower().items():
    UNICODE_TO_VNI[_u] = _v
    UNICODE_TO_VNI[_u.upper()] = _v.upper()
VNI_TO_UNICODE = {v: k for k, v in UNICODE_TO_VNI.items()}
_VNI_MAX = max(len(k) for k in VNI_TO_UNICODE)

# Characters only Unicode Vietnamese uses (Latin Extended-A/B letters and the U+1EA0 block).
_VIETNAMESE_UNICODE = re.compile("[ăĂđĐĩĨũŨơƠưƯ\u1ea0-\u1ef9]")
_LATIN1_HIGH = re.compile("[\u00a0-\u00ff]")


def unicode_to_tcvn3(text: str) -> str:
    """Encode to TCVN3 (lower-case letters and the seven TCVN3 capitals only)."""
    return "".join(UNICODE_TO_TCVN3.get(c, c) for c in unicodedata.normalize("NFC", text))


def unicode_to_vni(text: str) -> str:
    return "".join(UNICODE_TO_VNI.get(c, c) for c in unicodedata.normalize("NFC", text))


def tcvn3_to_unicode(text: str) -> str:
    return "".join(TCVN3_TO_UNICODE.get(c, c) for c in text)


def vni_to_unicode(text: str) -> str:
    """Longest match first: "oâ" is "ô", but "ô" alone is "ơ"."""
    out, i = [], 0
    while i < len(text):
        for size in range(_VNI_MAX, 0, -1):
            chunk = text[i : i + size]
            if len(chunk) == size and chunk in VNI_TO_UNICODE:
                out.append(VNI_TO_UNICODE[chunk])
                i += size
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


# ---- detection -------------------------------------------------------------------------

_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_NUCLEI = (
    "iêu oai oay oao oeo uây uôi uya uyê uyu ươi ươu yêu "
    "ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui uô uơ uy ưa ưi ươ ưu yê "
    "a ă â e ê i o ô ơ u ư y"
).split()
_SYLLABLE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdđghklmnprstvx])?"
    "(" + "|".join(_NUCLEI) + ")"
    r"(ch|ng|nh|[cmnpt])?$"
)
# Latin-1 letters that Unicode Vietnamese also uses; any other Latin-1 character inside a word
# is a sign of a legacy encoding.
_VIETNAMESE_LATIN1 = set("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
_WORD = re.compile(r"[^\s\d.,;:!?()\[\]{}\"'/\\\-–—+*=%&#@<>|_]+")


def _is_syllable(word: str) -> bool:
    rest = word[1:]
    if rest and not (rest.islower() or word.isupper()):
        return False  # "suÊt": a capital inside a word is a legacy character, not a letter
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for c in decomposed if c in _TONE_MARKS)
    if tones > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    m = _SYLLABLE.match(bare)
    if not m:
        return False
    nucleus, coda = m.group(2), m.group(3) or ""
    if coda in ("nh", "ch"):  # anh, ênh, inh, ach, êch, ich (never ônh, ung...)
        return nucleus[-1] in "aêiy"
    if coda in ("ng", "c"):  # ang, ông, iêng, ưng (never ing, yng)
        return nucleus[-1] not in "iy" and (nucleus[-1] != "ê" or len(nucleus) > 1)
    return True


def vietnamese_score(text: str) -> float:
    """Share of the words that are Vietnamese syllables (0 when there are no words)."""
    words = [w for w in _WORD.findall(text) if any(c.isalpha() for c in w)]
    if not words:
        return 0.0
    return sum(1 for w in words if _is_syllable(w)) / len(words)


def detect_and_convert(text: str) -> tuple[str, str | None]:
    """``(text, None)`` when ``text`` is not legacy-encoded, else ``(converted, "TCVN3"|"VNI")``."""
    if not text or not _LATIN1_HIGH.search(text) or _VIETNAMESE_UNICODE.search(text):
        return text, None
    # Only letters that Unicode Vietnamese shares with Latin-1 ("â", "à"...): stronger proof needed.
    only_shared = all(c in _VIETNAMESE_LATIN1 for c in _LATIN1_HIGH.findall(text))
    base = vietnamese_score(text)
    best: tuple[float, str, str | None] = (base, text, None)
    for name, convert in (("TCVN3", tcvn3_to_unicode), ("VNI", vni_to_unicode)):
        converted = convert(text)
        if converted == text:
            continue
        score = vietnamese_score(converted)
        # On a tie, VNI wins when it joined letter pairs ("oâ" -> "ô"): TCVN3 never needs two
        # characters for one letter, so a pair that reads as one letter is VNI's signature.
        tie_to_vni = name == "VNI" and score == best[0] and best[2] is not None and len(converted) < len(text)
        if score > best[0] or tie_to_vni:
            best = (score, converted, name)
    score, converted, found = best
    if found is None or score < (0.8 if only_shared else 0.5):
        return text, None
    return unicodedata.normalize("NFC", converted), found
