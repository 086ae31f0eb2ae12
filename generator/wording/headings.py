"""Headings at the decree's levels: the clerk writes the level and the title, this writes the number.

Nghị định 30/2020, Phụ lục I §II.6.đ and the Mẫu chữ table (rows 6a-6b) give the levels of a
document's content: Phần and Chương ("Phần I", "Chương I" on their own line, centred, bold, then
the title in upper case, bold, centred), Điều ("Điều 1." bold, indented), khoản ("1.") and điểm
("a)") in normal weight. Kế hoạch and Báo cáo add the levels of administrative practice: "I."
(upper case, bold), "1." (bold) and "a)" (normal weight).

Levels in the input (``noi_dung``), and what each prints (the paragraph kind, which the Word
template gives its style; weights are on the styles, ``geometry/layout_spec.py``):

============  =======================================  ===================================
input         printed                                  kind(s)
============  =======================================  ===================================
``phan``      ``Phần I`` / ``TÊN PHẦN``                ``phan`` + ``phan_ten``
``chuong``    ``Chương I`` / ``TÊN CHƯƠNG``            ``chuong`` + ``chuong_ten``
``la_ma``     ``I. TÊN ĐỀ MỤC``                        ``la_ma``
``so``        ``1. Tên đề mục``                        ``so`` (bold); ``khoan`` (normal) inside an Điều
``chu``       ``a) Tên đề mục``                        ``chu``
``dieu``      ``Điều 1. Tên điều``                     ``dieu``
============  =======================================  ===================================

Numbering: every level counts from 1 under its parent and starts again when a higher level
comes (a ``la_ma`` restarts ``so`` and ``chu``; a ``phan`` or ``chuong`` restarts ``la_ma``,
``so`` and ``chu``; a ``dieu`` restarts ``so`` and ``chu``). Phần, Chương and Điều are numbered
through the whole document, as in legal texts (Chương II of Phần thứ hai follows Chương I).
Điểm letters follow the Vietnamese alphabet: a, b, c, d, đ, e, g, h, i, k, … (no f, j, w, z).
The clerk never types the number; a typed one is refused (``model/dispatch.py``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

VIETNAMESE_LETTERS = "a b c d đ e g h i k l m n o p q r s t u v x y".split()

_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def roman(number: int) -> str:
    """1 -> I, 4 -> IV, 14 -> XIV."""
    out = ""
    for value, letters in _ROMAN:
        while number >= value:
            out += letters
            number -= value
    return out


def letter(number: int) -> str:
    """1 -> a, 5 -> đ, 24 -> aa (the decree's alphabet, doubled past y)."""
    count = len(VIETNAMESE_LETTERS)
    return VIETNAMESE_LETTERS[(number - 1) % count] * ((number - 1) // count + 1)


# what each level restarts when it comes
_RESTARTS = {
    "phan": ("la_ma", "so", "chu"),
    "chuong": ("la_ma", "so", "chu"),
    "la_ma": ("so", "chu"),
    "dieu": ("so", "chu"),
    "so": ("chu",),
    "chu": (),
}


@dataclass
class Numbering:
    """The counters of one document's headings, advanced in reading order."""

    counts: dict[str, int] = field(default_factory=dict)
    in_article: bool = False  # after a "dieu": "so" is a khoản (normal weight), not a bold heading

    def heading(self, level: str, title: str) -> list[tuple[str, str]]:
        """The paragraphs (kind, text) that print heading ``title`` at ``level``."""
        number = self.counts.get(level, 0) + 1
        self.counts[level] = number
        for lower in _RESTARTS[level]:
            self.counts[lower] = 0
        if level in ("phan", "chuong", "la_ma"):
            self.in_article = False
        elif level == "dieu":
            self.in_article = True
        if level == "phan":
            return [("phan", f"Phần {roman(number)}"), ("phan_ten", title.upper())]
        if level == "chuong":
            return [("chuong", f"Chương {roman(number)}"), ("chuong_ten", title.upper())]
        if level == "la_ma":
            return [("la_ma", f"{roman(number)}. {title.upper()}")]
        if level == "so":
            return [("khoan" if self.in_article else "so", f"{number}. {title}")]
        if level == "chu":
            return [("chu", f"{letter(number)}) {title}")]
        return [("dieu", f"Điều {number}. {title}")]
