"""How ``dispatch text`` prints a letter's elements: a label, a bar, the text with its emphasis.

``markup`` writes emphasis as the input's markup (``**đậm**``, ``*nghiêng*``) and text that
does not print as ``«ẩn: …»``; ``format_text`` puts each element on its labelled line.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from generator.review.labelling import LABEL_WIDTH

if TYPE_CHECKING:  # for annotations only: extract.py builds the elements and imports this module
    from generator.review.extract import Element

HIDDEN_OPEN, HIDDEN_CLOSE = "«ẩn: ", "»"  # around text that does not print


def escape_markup(text: str) -> str:
    """A literal ``*`` is ``\\*``; a literal ``«ẩn:`` is ``\\«ẩn:``, so printed text can never pass
    for hidden text."""
    return text.replace("*", "\\*").replace(HIDDEN_OPEN.rstrip(), "\\" + HIDDEN_OPEN.rstrip())


def markup(segments) -> str:
    """Text with the input's emphasis markup: ``**đậm**``, ``*nghiêng*``, ``***cả hai***``, and
    ``«ẩn: …»`` around text that does not print (hidden text, a hidden text box).

    Spaces at either end of an emphasised span stay outside the markers, so printed text
    reads back through ``inline.parse`` to the same spans.
    """
    out = []
    for seg in segments:
        text = escape_markup(seg.text)
        stars = "*" * ((2 if seg.bold else 0) + (1 if seg.italic else 0))
        core = text.strip()
        if not (stars or seg.hidden) or not core:
            out.append(text)
            continue
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()):]
        core = f"{stars}{core}{stars}"
        if seg.hidden:
            core = f"{HIDDEN_OPEN}{core}{HIDDEN_CLOSE}"
        out.append(f"{lead}{core}{trail}")
    return "".join(out)


def format_line(label: str, text: str) -> str:
    """``Label              │ text``; a line break inside the paragraph continues under the text."""
    lines = text.split("\n")
    head = f"{label:<{LABEL_WIDTH}} │ {lines[0]}".rstrip()
    rest = [f"{'':<{LABEL_WIDTH}} │ {line}".rstrip() for line in lines[1:]]
    return "\n".join([head, *rest])


def format_text(elements: list[Element]) -> str:
    return "".join(format_line(f"{el.label} {el.short_where}".strip(), el.markup()) + "\n" for el in elements)
