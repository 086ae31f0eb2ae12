"""Vietnamese dictionary order for names of communes, wards and people's lists.

Python's ``sorted()`` puts Đ, Â, Ư … after Z and capitals before small letters. There are two
"correct" Vietnamese orders (../shared/reference/locale.md §1.3): ICU's ``vi`` collation
compares all the letters of the whole name first and the tones only to break ties
("Bà Rịa" before "Ba Tơ", because R < T), while Vietnamese dictionaries and the lists
officials keep compare **syllable by syllable**, each syllable by its letters and then its
tone. ``dispatch`` uses the dictionary order:

- names are compared syllable by syllable: "Ba Tơ | Ba Vì | Bà Chiểu | Bà Rịa | Bả | Bã |
  Bá Thước | Bạc Liêu"; a name that is the beginning of another comes first ("Ba" < "Ba Tơ");
- within a syllable, letters first in the Vietnamese alphabet (a ă â b c d đ e ê g h i k l m
  n o ô ơ p q r s t u ư v x y; other letters after y by code point), then the tone (ngang,
  huyền, hỏi, ngã, sắc, nặng); "Hòa" and "Hoà" (old and new tone placement) are equal there;
- numbers compare by value, and before words: "Xã 2 | Xã 10 | Xã An"; "02" and "2" are equal
  there;
- punctuation only separates syllables ("Hạ tầng kinh tế - xã hội"); case, then the text
  itself, break the remaining ties, so the order never depends on the input's order.

Composed (NFC) and decomposed (NFD) text sort the same.
"""
from __future__ import annotations

import heapq
import re
import unicodedata

_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_ORDER = {c: i for i, c in enumerate(_ALPHABET)}
_QUALITY = {("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê",
            ("o", "\u0302"): "ô", ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư"}
_TONE = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng
_TOKEN = re.compile(r"\d+|[^\W\d_]+")  # a run of digits, or a run of letters (with their marks)


def _syllable(word: str) -> tuple:
    """(0, letters, tone) of one syllable in NFD: letters in alphabet order, one tone."""
    letters: list[int] = []
    tone = 0
    i = 0
    while i < len(word):
        letter = word[i].lower()
        i += 1
        while i < len(word) and unicodedata.combining(word[i]):
            mark = word[i]
            i += 1
            if (letter, mark) in _QUALITY:
                letter = _QUALITY[(letter, mark)]
            elif mark in _TONE and not tone:
                tone = _TONE[mark]
        letters.append(_ORDER[letter] if letter in _ORDER else len(_ALPHABET) + ord(letter))
    return (1, tuple(letters), tone)


def vi_sort_key(text: str):
    """The dictionary-order key of ``text`` (see the module docstring)."""
    nfc = unicodedata.normalize("NFC", text)  # tokens on NFC: a decomposed tone mark is not a letter
    tokens = []
    for token in _TOKEN.findall(nfc):
        if token.isdecimal():
            digits = "".join(str(unicodedata.decimal(c)) for c in token).lstrip("0")
            tokens.append((0, (len(digits), digits), 0))  # by value, without int() (no limit on length)
        else:
            tokens.append(_syllable(unicodedata.normalize("NFD", token)))
    cases = tuple(1 if ch.isupper() else 0 for ch in nfc)
    return (tuple(tokens), cases, nfc)


RUN = 2048  # items sorted at once by ``vi_sorted``; longer lists are sorted in runs of this size, then merged


def vi_sorted(items, key=lambda x: x):
    """``items`` in dictionary order (``key(item)`` is the text compared). A long list is sorted in runs of
    ``RUN`` items merged with ``heapq.merge`` (stable, as ``sorted``: the same list), so that the keys alive at
    once are those of one run and one per run: a key is about ten small objects, and those of a table of
    50,000 communes at once grew a bulk run's memory for good (freed, they are not given back to the system)."""
    items = list(items)

    def sort_key(item):
        return vi_sort_key(key(item))

    if len(items) <= RUN:
        return sorted(items, key=sort_key)
    runs = [sorted(items[i:i + RUN], key=sort_key) for i in range(0, len(items), RUN)]
    return list(heapq.merge(*runs, key=sort_key))
