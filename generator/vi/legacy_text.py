"""Spot Vietnamese typed in the old TCVN3 (ABC, ``.VnTime``) or VNI (``VNI-Times``) encodings.

Text copied from an old document set in ``.VnTime`` or ``VNI-Times`` reaches the YAML as
the Latin-1 characters those fonts drew as Vietnamese letters: ``Céng hoµ x· héi`` (TCVN3)
or ``Coäng hoøa xaõ hoäi`` (VNI). In Times New Roman it prints as that gibberish, so it is
refused with the field and how to convert it (../shared/reference/locale.md §2.2).

Nothing is converted behind the user's back: TCVN3 has no capital accented letters (a
heading in ``.VnTimeH`` is stored in lower case), so only the user, with Unikey's converter
and the document in front of them, can get the text right.

The detector must never flag ordinary text, Vietnamese or foreign, so a word counts as
evidence only when it is *not* a well-formed Vietnamese syllable as typed and *becomes* one
when read through the legacy table (a known initial, a known vowel group with at most one
tone, a known final, sensible case): ``NguyÔn`` → ``Nguyễn``, ``hoøa`` → ``hòa``. Real
Vietnamese words are syllables already (so ``hoà`` is never read as VNI ``hồ``); German
``Müller``, Spanish ``Peña``, French ``naïve``, ``«Xã»`` or ``5 µm`` do not become one. A
field is refused when two words are evidence, or when its only word is (``HuÕ``).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# --------------------------------------------------------------------------- Vietnamese letters

_TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # sắc, huyền, hỏi, ngã, nặng
_VOWELS = "aăâeêioôơuưy"
_CONSONANTS = "bcdđghklmnpqrstvx"


def _with_tone(vowel: str, tone: str) -> str:
    return unicodedata.normalize("NFC", vowel + tone)


VIETNAMESE_LETTERS = frozenset(
    ch
    for base in _VOWELS
    for tone in _TONES
    for ch in (_with_tone(base, tone), _with_tone(base, tone).upper())
) | frozenset(_CONSONANTS + _CONSONANTS.upper() + "fjwzFJWZ")

# --------------------------------------------------------------------------- TCVN3 (VN3, TCVN 5712:1993)

# The Latin-1 character each TCVN3 byte shows as, and the letter it stands for. Checked
# against the fixed phrases of real TCVN3 documents ("Céng hoµ x· héi chñ nghÜa ViÖt Nam",
# "§éc lËp - Tù do - H¹nh phóc") and against viparse 0.1.31's table (MIT).
TCVN3 = {
    "¡": "Ă", "¢": "Â", "£": "Ê", "¤": "Ô", "¥": "Ơ", "¦": "Ư", "§": "Đ",
    "¨": "ă", "©": "â", "ª": "ê", "«": "ô", "¬": "ơ", "\u00ad": "ư", "®": "đ",
    "µ": "à", "¸": "á", "¶": "ả", "·": "ã", "¹": "ạ",
    "»": "ằ", "¾": "ắ", "¼": "ẳ", "½": "ẵ", "Æ": "ặ",
    "Ç": "ầ", "Ê": "ấ", "È": "ẩ", "É": "ẫ", "Ë": "ậ",
    "Ì": "è", "Ð": "é", "Î": "ẻ", "Ï": "ẽ", "Ñ": "ẹ",
    "Ò": "ề", "Õ": "ế", "Ó": "ể", "Ô": "ễ", "Ö": "ệ",
    "×": "ì", "Ý": "í", "Ø": "ỉ", "Ü": "ĩ", "Þ": "ị",
    "ß": "ò", "ã": "ó", "á": "ỏ", "â": "õ", "ä": "ọ",
    "å": "ồ", "è": "ố", "æ": "ổ", "ç": "ỗ", "é": "ộ",
    "ê": "ờ", "í": "ớ", "ë": "ở", "ì": "ỡ", "î": "ợ",
    "ï": "ù", "ó": "ú", "ñ": "ủ", "ò": "ũ", "ô": "ụ",
    "õ": "ừ", "ø": "ứ", "ö": "ử", "÷": "ữ", "ù": "ự",
    "ú": "ỳ", "ý": "ý", "û": "ỷ", "ü": "ỹ", "þ": "ỵ",
}

# --------------------------------------------------------------------------- VNI (VNI-Windows)

# A toned vowel is the base letter and one mark character; four i-letters, đ, ơ, ư and ỵ
# are one character. Capitals take the capital form of the mark (``AÙ`` is Á).
_VNI_TONE = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_VNI_HAT = {"á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"}  # on â ê ô
_VNI_BREVE = {"é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}  # on ă


def _vni_table() -> dict[str, str]:
    lower: dict[str, str] = {"ñ": "đ", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ", "ô": "ơ", "ö": "ư"}
    for base in "aeouy":
        for mark, tone in _VNI_TONE.items():
            lower[base + mark] = _with_tone(base, tone)
    for base, hat in (("a", "â"), ("e", "ê"), ("o", "ô")):
        lower[base + "â"] = hat
        for mark, tone in _VNI_HAT.items():
            lower[base + mark] = _with_tone(hat, tone)
    lower["aê"] = "ă"
    for mark, tone in _VNI_BREVE.items():
        lower["a" + mark] = _with_tone("ă", tone)
    for base, letter in (("ô", "ơ"), ("ö", "ư")):
        for mark, tone in _VNI_TONE.items():
            lower[base + mark] = _with_tone(letter, tone)
    table = dict(lower)
    table.update({source.upper(): target.upper() for source, target in lower.items()})
    return table


VNI = _vni_table()

# --------------------------------------------------------------------------- syllables

_INITIAL = re.compile(r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?")
_FINAL = re.compile(r"(ch|ng|nh|[cmnpt])?$")
_NUCLEI = frozenset(
    "a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui uô uơ uy "
    "ưa ưi ươ ưu yê oai oao oay oeo iêu uây uôi uya uyê uyu ươi ươu yêu".split()
)
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


@lru_cache(maxsize=8192)
def _is_syllable(word: str) -> bool:
    """One well-formed Vietnamese syllable, in lower, upper or title case."""
    if len(word) < 2 or not (word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower())):
        return False
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [t for t in decomposed if t in _TONE_MARKS]
    if len(tones) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    if any(c not in VIETNAMESE_LETTERS for c in bare):
        return False
    initial = _INITIAL.match(bare).group()
    rest = bare[len(initial):]
    if initial == "gi" and (not rest or rest[0] not in _VOWELS):  # "gì", "gìn": g + i
        initial, rest = "g", bare[1:]
    final = _FINAL.search(rest).group()
    nucleus = rest[: len(rest) - len(final)] if final else rest
    if initial == "qu" and not nucleus:
        return False
    if final in ("c", "ch", "p", "t") and tones[:1] not in (["\u0301"], ["\u0323"]):
        return False  # a syllable ending in a stop takes sắc or nặng only: "thực", never "thùc"
    return nucleus in _NUCLEI or (initial in ("qu", "gi") and nucleus == "")


# --------------------------------------------------------------------------- detection

# Latin-1 symbols that TCVN3 uses as letters (µ ¸ ¶ · ¨ © ª « ® § …): part of a word here.
_SYMBOLS = "".join(sorted(ch for ch in TCVN3 if not ch.isalpha()))
_WORD = re.compile(r"(?:[^\W\d_]|[" + re.escape(_SYMBOLS) + r"])+")
_LATIN1 = re.compile("[\u00a1-\u00ff]")
# Symbols that look like legacy letters in ordinary text: micro units (µm, µg) and the section
# sign before a roman numeral (§I, §IV: this project's own references to the decree).
_NOT_EVIDENCE = re.compile(r"^(µ[A-Za-z]{1,3}|§[IVX]+)$")


def convert(text: str, table: dict[str, str]) -> str:
    """``text`` read through a legacy table (two-character VNI sequences first), in NFC."""
    out = []
    i = 0
    while i < len(text):
        pair = text[i : i + 2]
        if len(pair) == 2 and pair in table:
            out.append(table[pair])
            i += 2
        else:
            out.append(table.get(text[i], text[i]))
            i += 1
    return unicodedata.normalize("NFC", "".join(out))


@dataclass(frozen=True)
class LegacyText:
    encoding: str  # "TCVN3" or "VNI"
    example: str  # one word as typed
    reading: str  # the same word read through the table

    def message(self, text: str) -> str:
        font = "ABC, phông .VnTime" if self.encoding == "TCVN3" else "phông VNI-Times"
        preview = convert(text, TCVN3 if self.encoding == "TCVN3" else VNI)
        preview = preview if len(preview) <= 60 else preview[:57] + "…"
        return (
            f"chữ được gõ bằng bảng mã {self.encoding} ({font}), không phải Unicode: «{self.example}» là "
            f"«{self.reading}» (cả đoạn đọc là «{preview}»). Hãy chuyển sang Unicode rồi dán lại: chép đoạn chữ, "
            f"bấm Ctrl+Shift+F6 trong Unikey, chọn nguồn «{'TCVN3 (ABC)' if self.encoding == 'TCVN3' else 'VNI Windows'}», "
            "đích «Unicode», bấm «Chuyển mã»"
        )


def detect(text: str) -> LegacyText | None:
    """The legacy encoding ``text`` seems typed in, or None for ordinary Unicode text."""
    if not _LATIN1.search(text):
        return None
    words = _WORD.findall(text)
    # ASCII words read the same through both tables; they count only towards the field's length.
    candidates = [w for w in words if not w.isascii() and not _NOT_EVIDENCE.match(w) and not _is_syllable(w)]
    best: tuple[int, LegacyText] | None = None
    for name, table in (("TCVN3", TCVN3), ("VNI", VNI)):
        found = []
        for word in candidates:  # not a real Vietnamese word as typed ("hoà" is never VNI "hồ")
            reading = convert(word, table)
            if reading != word and _is_syllable(reading):
                found.append((word, reading))
        if (len(found) >= 2 or (found and len(words) == 1)) and (best is None or len(found) > best[0]):
            best = (len(found), LegacyText(name, *found[0]))
    return best[1] if best else None
