"""Inline emphasis a clerk can type: ``**đậm**``, ``*nghiêng*``, ``***cả hai***``.

``\\*`` is a literal asterisk; a marker without its partner stays as typed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Each marker is matched first and the character before it checked after (``\*\*(?<!\*\*\*)``: no third ``*``
# before these two), so that the search jumps from one ``*`` to the next instead of trying every character.
_EMPHASIS = re.compile(
    r"\*\*\*(?<!\*\*\*\*)(?![\s*])(.+?)(?<![\s*])\*\*\*(?!\*)"
    r"|\*\*(?<!\*\*\*)(?!\s)(.+?)(?<!\s)\*\*(?!\*)"
    r"|\*(?<!\*\*)(?![\s*])(.+?)(?<![\s*])\*(?!\*)",
    re.S,
)


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False


def _stand_in(text: str) -> str:
    """A private-use character ``text`` does not hold, to stand for ``\\*`` while parsing.

    A fixed one would turn that character, typed by the user, into an asterisk.
    """
    return next(chr(c) for c in range(0xE000, 0xF900) if chr(c) not in text)


def parse(text: str, bold: bool = False, italic: bool = False) -> list[Span]:
    """Split ``text`` into spans of uniform emphasis (adjacent equal spans merged)."""
    if "*" not in text:  # no marker at all: one span (most lines of a letter)
        return [Span(text, bold, italic)] if text else []
    if "\\*" not in text:
        escaped = None
        spans = _parse(text, bold, italic)
    else:
        escaped = _stand_in(text)
        spans = _parse(text.replace("\\*", escaped), bold, italic)
    merged: list[Span] = []
    for span in spans:
        if escaped:
            span = Span(span.text.replace(escaped, "*"), span.bold, span.italic)
        if merged and (merged[-1].bold, merged[-1].italic) == (span.bold, span.italic):
            merged[-1] = Span(merged[-1].text + span.text, span.bold, span.italic)
        elif span.text:
            merged.append(span)
    return merged


def _parse(text: str, bold: bool, italic: bool) -> list[Span]:
    if "*" not in text:  # no marker inside (most emphasised words): the regex would find none
        return [Span(text, bold, italic)]
    spans: list[Span] = []
    pos = 0
    for match in _EMPHASIS.finditer(text):
        spans.append(Span(text[pos : match.start()], bold, italic))
        both, strong, em = match.groups()
        if both is not None:
            spans += _parse(both, True, True)
        elif strong is not None:
            spans += _parse(strong, True, italic)
        else:
            spans += _parse(em, bold, True)
        pos = match.end()
    spans.append(Span(text[pos:], bold, italic))
    return spans


def plain(text: str) -> str:
    """The text without emphasis markers, as it will read in the letter."""
    return "".join(span.text for span in parse(text))
