"""How wide a line of Times New Roman is, for rules and alignments the decree ties to text.

Widths come from ``data/tnr_metrics.json`` (made by ``scripts/build_metrics.py`` from
Liberation Serif 2, whose advance widths are those of Times New Roman).
"""
from __future__ import annotations

import json
import unicodedata
from functools import lru_cache

from generator.resources import DATA


@lru_cache(maxsize=1)
def _faces() -> dict[str, dict[str, float]]:
    data = json.loads((DATA / "tnr_metrics.json").read_text("utf-8"))
    return data["faces"]


def _face(bold: bool, italic: bool) -> str:
    return {(False, False): "regular", (True, False): "bold", (False, True): "italic", (True, True): "bold_italic"}[
        (bool(bold), bool(italic))
    ]


def char_width(char: str, face: dict[str, float]) -> float:
    """Width in 1/1000 em; an unknown letter counts as its base letter, anything else as an 'n'."""
    if char in face:
        return face[char]
    base = unicodedata.normalize("NFD", char)[:1]
    return face.get(base, face["n"])


@lru_cache(maxsize=1024)  # the same letterhead lines are measured for every letter of a bulk run
def text_width_pt(text: str, size_pt: float, bold: bool = False, italic: bool = False) -> float:
    """Width of ``text`` on one line, in points."""
    face = _faces()[_face(bold, italic)]
    text = unicodedata.normalize("NFC", text)
    return sum(char_width(c, face) for c in text) * size_pt / 1000
