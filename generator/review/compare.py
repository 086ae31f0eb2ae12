"""What changed between two drafts: elements paired, then words inside paired elements.

1. The two element sequences are aligned with difflib on (label, text). Runs of elements
   that do not match exactly are paired inside their block by a small dynamic programme
   that keeps the order and prefers the same label and similar words; an element left
   without a partner was added or removed.
2. Inside a pair the texts are split into tokens (words, spaces, single punctuation marks)
   and diffed with difflib. Equal tokens are then compared character by character on their
   look (bold, italic, size): a word that lost its bold, a paragraph whose size changed.
   Whitespace has no visible emphasis and is ignored for that.
3. Hidden text (``w:vanish``, a hidden text box) is compared like any text; a change that
   touches only text that does not print is counted apart (``Change.hidden_only``), so the
   summary can say the printed letters are the same.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from generator.review.extract import Element, Look, Segment, segments_of

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.U)

EQUAL, CHANGED, INSERTED, DELETED = "equal", "changed", "inserted", "deleted"


@dataclass(frozen=True)
class Token:
    text: str
    start: int  # offset in the element's text

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), m.start()) for m in _TOKEN.finditer(text)]


@dataclass
class WordOp:
    """A stretch of a paired element: ``equal``, ``insert``, ``delete`` or ``format`` (same words, new look).

    ``old``/``new`` are character ranges in the old and new element's text.
    """

    kind: str
    old: tuple[int, int]
    new: tuple[int, int]
    note: str = ""  # for ``format``: what changed, in Vietnamese


@dataclass
class Change:
    kind: str  # equal | changed | inserted | deleted
    old: Element | None
    new: Element | None
    ops: list[WordOp] = field(default_factory=list)
    old_index: int = 0  # 1-based position among elements of the same label on that side
    new_index: int = 0

    @property
    def label(self) -> str:
        return (self.new or self.old).label

    @property
    def relabelled(self) -> bool:
        return self.old is not None and self.new is not None and self.old.label != self.new.label

    @property
    def hidden_only(self) -> bool:
        """Nothing that prints changed: only hidden text was added, removed, or changed its look."""
        if self.kind == INSERTED:
            return _unprinted(self.new, 0, len(self.new.text))
        if self.kind == DELETED:
            return _unprinted(self.old, 0, len(self.old.text))
        if self.kind != CHANGED or self.relabelled:
            return False
        for op in self.ops:
            if op.kind == "delete" and not _unprinted(self.old, *op.old):
                return False
            if op.kind == "insert" and not _unprinted(self.new, *op.new):
                return False
            if op.kind == "format" and not (_unprinted(self.old, *op.old) and _unprinted(self.new, *op.new)):
                return False
        return True

    @property
    def format_only(self) -> bool:
        return self.kind == CHANGED and not self.relabelled and all(op.kind in ("equal", "format") for op in self.ops)


@dataclass
class Comparison:
    old_name: str
    new_name: str
    changes: list[Change]

    @property
    def different(self) -> bool:
        return any(c.kind != EQUAL for c in self.changes)

    def counts(self) -> dict[str, int]:
        out = {CHANGED: 0, INSERTED: 0, DELETED: 0, "format": 0, "hidden": 0}
        for c in self.changes:
            if c.kind != EQUAL:
                out[c.kind] += 1
                if c.hidden_only:
                    out["hidden"] += 1
            if c.kind == CHANGED and any(op.kind == "format" for op in c.ops):
                out["format"] += 1
        return out

    def summary(self) -> str:
        if not self.different:
            return "Hai bản giống nhau (cả chữ lẫn đậm, nghiêng, cỡ chữ)."
        n = self.counts()
        parts = []
        if n[CHANGED]:
            parts.append(f"{n[CHANGED]} đoạn được sửa")
        if n[INSERTED]:
            parts.append(f"{n[INSERTED]} đoạn thêm mới")
        if n[DELETED]:
            parts.append(f"{n[DELETED]} đoạn bị xoá")
        if n["hidden"] == n[CHANGED] + n[INSERTED] + n[DELETED]:
            return ("Chữ in ra giống nhau; hai bản chỉ khác ở chữ ẩn (không in ra, Word chỉ hiện khi bật "
                    "«Hiện mọi dấu»): " + ", ".join(parts) + ".")
        notes = []
        if n["format"]:
            notes.append(f"{n['format']} đoạn có đổi định dạng chữ")
        if n["hidden"]:
            notes.append(f"{n['hidden']} đoạn chỉ khác ở chữ ẩn, không in ra")
        text = "Khác nhau: " + ", ".join(parts)
        if notes:
            text += " (trong đó " + "; ".join(notes) + ")"
        return text + "."


# --- pairing elements ---------------------------------------------------------------------------


def _words(el: Element) -> set[str]:
    return {w.casefold() for w in re.findall(r"\w+", el.text)}


def _similarity(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    return 2 * len(a & b) / (len(a) + len(b))


def _pair_weight(old: Element, new: Element, ow: set[str], nw: set[str]) -> float | None:
    sim = _similarity(ow, nw)
    if old.label == new.label:
        if sim >= 0.3 or max(len(ow), len(nw)) <= 8:
            return 1.0 + sim
        return None
    return sim if sim >= 0.6 else None


def _pair_block(old: list[Element], new: list[Element]) -> list[tuple[Element | None, Element | None]]:
    """Pair elements of a non-matching block, keeping order, maximising the total weight."""
    n, m = len(old), len(new)
    ow = [_words(e) for e in old]
    nw = [_words(e) for e in new]
    weight = [[_pair_weight(old[i], new[j], ow[i], nw[j]) for j in range(m)] for i in range(n)]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            value = max(best[i + 1][j], best[i][j + 1])
            w = weight[i][j]
            if w is not None:
                value = max(value, best[i + 1][j + 1] + w)
            best[i][j] = value
    out: list[tuple[Element | None, Element | None]] = []
    i = j = 0
    while i < n and j < m:
        w = weight[i][j]
        if w is not None and best[i][j] == best[i + 1][j + 1] + w:
            out.append((old[i], new[j]))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            out.append((old[i], None))
            i += 1
        else:
            out.append((None, new[j]))
            j += 1
    out += [(e, None) for e in old[i:]] + [(None, e) for e in new[j:]]
    return out


def align(old: list[Element], new: list[Element]) -> list[tuple[Element | None, Element | None]]:
    """Pairs (old, new) in reading order; None where an element has no partner.

    The equal head and tail are paired first: a criteria table repeats the same cell text
    thousands of times, which makes difflib slow (quadratic) on the whole document.
    """
    keys_old = [(e.label, e.text) for e in old]
    keys_new = [(e.label, e.text) for e in new]
    head = 0
    while head < min(len(old), len(new)) and keys_old[head] == keys_new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and keys_old[-1 - tail] == keys_new[-1 - tail]:
        tail += 1
    pairs: list[tuple[Element | None, Element | None]] = list(zip(old[:head], new[:head]))
    matcher = SequenceMatcher(None, keys_old[head:len(old) - tail], keys_new[head:len(new) - tail], autojunk=False)
    tail_old, tail_new = old[len(old) - tail:], new[len(new) - tail:]
    old, new = old[head:len(old) - tail], new[head:len(new) - tail]
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs += list(zip(old[i1:i2], new[j1:j2]))
        elif tag == "delete":
            pairs += [(e, None) for e in old[i1:i2]]
        elif tag == "insert":
            pairs += [(None, e) for e in new[j1:j2]]
        else:
            pairs += _pair_block(old[i1:i2], new[j1:j2])
    return pairs + list(zip(tail_old, tail_new))


# --- words inside a pair ------------------------------------------------------------------------


def describe_look(old: Look, new: Look) -> str:
    notes = []
    if old.bold != new.bold:
        notes.append("thêm đậm" if new.bold else "bỏ đậm")
    if old.italic != new.italic:
        notes.append("thêm nghiêng" if new.italic else "bỏ nghiêng")
    if old.size != new.size:
        notes.append(f"cỡ chữ {_pt(old.size)} → {_pt(new.size)}")
    if old.hidden != new.hidden:
        notes.append("thành chữ ẩn, không in ra" if new.hidden else "bỏ ẩn, nay được in ra")
    return ", ".join(notes)


def _pt(size: float) -> str:
    return f"{size:g}".replace(".", ",")


def _token_note(tok_old: Token, tok_new: Token, looks_old: list[Look], looks_new: list[Look]) -> str:
    """What changed in the look of a word that stayed; "" when nothing did."""
    if looks_old[tok_old.start : tok_old.end] == looks_new[tok_new.start : tok_new.end]:
        return ""
    notes = []
    for k in range(len(tok_old.text)):
        note = describe_look(looks_old[tok_old.start + k], looks_new[tok_new.start + k])
        if note and note not in notes:
            notes.append(note)
    return "; ".join(notes)


def word_ops(old: Element, new: Element) -> list[WordOp]:
    looks_old, looks_new = old.looks(), new.looks()
    if old.text == new.text and looks_old == looks_new:
        return [WordOp("equal", (0, len(old.text)), (0, len(new.text)))]
    a, b = tokenize(old.text), tokenize(new.text)
    matcher = SequenceMatcher(None, [t.text for t in a], [t.text for t in b], autojunk=False)
    # one entry per token pair or unpaired stretch: (kind, old range, new range, note)
    items: list[list] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for ta, tb in zip(a[i1:i2], b[j1:j2]):
                if ta.blank:
                    items.append(["blank", (ta.start, ta.end), (tb.start, tb.end), ""])
                    continue
                note = _token_note(ta, tb, looks_old, looks_new)
                items.append(["format" if note else "equal", (ta.start, ta.end), (tb.start, tb.end), note])
            continue
        if i2 > i1:
            items.append(["delete", (a[i1].start, a[i2 - 1].end), (_at(b, j1, new), _at(b, j1, new)), ""])
        if j2 > j1:
            items.append(["insert", (_at(a, i2, old), _at(a, i2, old)), (b[j1].start, b[j2 - 1].end), ""])
    # spaces between two format changes of the same kind belong to them; otherwise they are equal
    for k, item in enumerate(items):
        if item[0] != "blank":
            continue
        before = items[k - 1] if k else None
        after = next((x for x in items[k + 1:] if x[0] != "blank"), None)
        if before and after and before[0] == after[0] == "format" and before[3] == after[3]:
            item[0], item[3] = "format", before[3]
        else:
            item[0] = "equal"
    ops: list[WordOp] = []
    for kind, (o1, o2), (n1, n2), note in items:
        if ops and ops[-1].kind == kind and ops[-1].note == note and kind in ("equal", "format"):
            ops[-1].old = (ops[-1].old[0], o2)
            ops[-1].new = (ops[-1].new[0], n2)
        else:
            ops.append(WordOp(kind, (o1, o2), (n1, n2), note))
    return _join_replacements(ops, old.text)


def _join_replacements(ops: list[WordOp], old_text: str) -> list[WordOp]:
    """``[-Tập-]{+Khẩn+} [-trung-]{+trương+}`` reads better as ``[-Tập trung-]{+Khẩn trương+}``:
    a change, spaces only, a change -> one deletion and one insertion over the whole stretch."""
    out: list[WordOp] = []
    k = 0
    while k < len(ops):
        if ops[k].kind not in ("delete", "insert"):
            out.append(ops[k])
            k += 1
            continue
        end = k
        while end < len(ops) and ops[end].kind in ("delete", "insert"):
            end += 1
        while (end + 1 < len(ops) and ops[end].kind == "equal" and not old_text[slice(*ops[end].old)].strip()
               and ops[end + 1].kind in ("delete", "insert")):
            end += 1
            while end < len(ops) and ops[end].kind in ("delete", "insert"):
                end += 1
        group = ops[k:end]
        if len(group) <= 2:
            out += group
        else:
            old_range = (group[0].old[0], group[-1].old[1])
            new_range = (group[0].new[0], group[-1].new[1])
            if old_range[1] > old_range[0]:
                out.append(WordOp("delete", old_range, (new_range[0], new_range[0])))
            if new_range[1] > new_range[0]:
                out.append(WordOp("insert", (old_range[1], old_range[1]), new_range))
        k = end
    return out


def _unprinted(el: Element, start: int, end: int) -> bool:
    """Whether ``el.text[start:end]`` does not print: its characters other than spaces (or, when
    there are only spaces, those) are all hidden."""
    looks = el.looks()
    chars = [k for k in range(start, end) if not el.text[k].isspace()] or range(start, end)
    return all(looks[k].hidden for k in chars)


def _at(tokens: list[Token], index: int, el: Element) -> int:
    """The text offset where token ``index`` starts (the end of the text past the last token)."""
    return tokens[index].start if index < len(tokens) else len(el.text)


# --- the whole comparison -------------------------------------------------------------------------


def compare(old: list[Element], new: list[Element], old_name: str = "", new_name: str = "") -> Comparison:
    changes: list[Change] = []
    seen_old: dict[str, int] = {}
    seen_new: dict[str, int] = {}
    for o, n in align(old, new):
        oi = ni = 0
        if o is not None:
            seen_old[o.label] = oi = seen_old.get(o.label, 0) + 1
        if n is not None:
            seen_new[n.label] = ni = seen_new.get(n.label, 0) + 1
        if o is None:
            changes.append(Change(INSERTED, None, n, new_index=ni))
        elif n is None:
            changes.append(Change(DELETED, o, None, old_index=oi))
        else:
            ops = word_ops(o, n)
            same = o.label == n.label and all(op.kind == "equal" for op in ops)
            changes.append(Change(EQUAL if same else CHANGED, o, n, ops, oi, ni))
    return Comparison(old_name, new_name, changes)


def sub_segments(el: Element, start: int, end: int) -> tuple[Segment, ...]:
    """Emphasis segments of the characters ``start:end`` of an element's text."""
    out = []
    pos = 0
    for piece in el.pieces:
        lo, hi = max(start, pos), min(end, pos + len(piece.text))
        if lo < hi:
            out.append(type(piece)(piece.text[lo - pos : hi - pos], piece.look))
        pos += len(piece.text)
    return segments_of(out)
