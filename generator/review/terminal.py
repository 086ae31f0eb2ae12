"""``dispatch diff`` on a terminal: changed elements only, words marked, coloured when asked.

Markers are always written, so the output reads the same without colour (a pipe, a
file, ``--no-color``) and for readers who do not tell red from green:

    [-xoá-]   {+thêm+}   {~chữ~}(bỏ đậm)   «ẩn: chữ không in ra»

Long unchanged stretches inside a changed paragraph are cut to a few words of context.
"""
from __future__ import annotations

import click

from generator.review.compare import CHANGED, DELETED, EQUAL, INSERTED, Change, Comparison, sub_segments
from generator.review.labelling import LABEL_WIDTH
from generator.review.text_output import markup

CONTEXT_WORDS = 8
_STYLE = {
    "delete": {"fg": "red", "strikethrough": True},
    "insert": {"fg": "green", "underline": True},
    "format": {"fg": "magenta"},
    "note": {"fg": "cyan"},
    "-": {"fg": "red", "bold": True},
    "+": {"fg": "green", "bold": True},
    "~": {"fg": "yellow", "bold": True},
    "head": {"bold": True},
}


def _paint(text: str, kind: str, color: bool) -> str:
    return click.style(text, **_STYLE[kind]) if color and text else text


def _trim(text: str, keep_start: bool, keep_end: bool) -> str:
    """Cut the middle (or an end) of a long unchanged stretch, keeping CONTEXT_WORDS words each side.

    The spaces at either end stay: they separate the stretch from the change beside it.
    """
    words = text.split(" ")
    if len(words) <= 2 * CONTEXT_WORDS + 2:
        return text
    head = " ".join(words[:CONTEXT_WORDS]) + " " if keep_start else ""
    tail = " " + " ".join(words[-CONTEXT_WORDS:]) if keep_end else ""
    return f"{head}…{tail}"


def _side_text(el, start: int, end: int) -> str:
    return markup(sub_segments(el, start, end))


def render_ops(change: Change, color: bool) -> str:
    out = []
    ops = change.ops
    for k, op in enumerate(ops):
        if op.kind == "equal":
            text = _side_text(change.new, *op.new)
            out.append(_trim(text, keep_start=k > 0, keep_end=k < len(ops) - 1))
        elif op.kind == "delete":
            out.append(_paint(f"[-{_side_text(change.old, *op.old)}-]", "delete", color))
        elif op.kind == "insert":
            out.append(_paint(f"{{+{_side_text(change.new, *op.new)}+}}", "insert", color))
        else:
            text = _trim(_side_text(change.new, *op.new), True, True)
            out.append(_paint(f"{{~{text}~}}", "format", color) + _paint(f"({op.note})", "note", color))
    return "".join(out)


def _head(sign: str, label: str, index: int, color: bool) -> str:
    name = f"{label} {index}".strip() if index else label
    return _paint(sign, sign, color) + " " + _paint(f"{name:<{LABEL_WIDTH + 3}}", "head", color) + "│ "


def _indent(text: str) -> str:
    return text.replace("\n", "\n" + " " * (LABEL_WIDTH + 6) + "│ ")


def render_change(change: Change, color: bool) -> str:
    if change.kind == INSERTED:
        body = _paint(change.new.markup(), "insert", color)
        return _head("+", change.label, change.new_index, color) + _indent(body) + _hidden_note(change, color)
    if change.kind == DELETED:
        body = _paint(change.old.markup(), "delete", color)
        return _head("-", change.label, change.old_index, color) + _indent(body) + _hidden_note(change, color)
    line = _head("~", change.label, change.new_index, color) + _indent(render_ops(change, color))
    if change.relabelled:
        line += _paint(f"  (đổi loại đoạn: {change.old.label} → {change.new.label})", "note", color)
    return line + _hidden_note(change, color)


def _hidden_note(change: Change, color: bool) -> str:
    return _paint("  (chỉ khác ở chữ ẩn, không in ra)", "note", color) if change.hidden_only else ""


def render(comparison: Comparison, color: bool = False) -> str:
    lines = [
        _paint(f"--- bản cũ: {comparison.old_name}", "-", color),
        _paint(f"+++ bản mới: {comparison.new_name}", "+", color),
    ]
    for change in comparison.changes:
        if change.kind in (CHANGED, INSERTED, DELETED):
            lines.append(render_change(change, color))
        else:
            assert change.kind == EQUAL
    lines.append(comparison.summary())
    return "\n".join(lines) + "\n"
