"""Stage 3b: the geometry the decree ties to the text, applied to a rendered letter.

A template cannot know how long the issuing body's name will be, so after the
template has been filled in, this pass measures the text (``metrics.py``) and sets:

- the rule under the issuing body: 1/3 to 1/2 of the name's longest line, centred
  (Phụ lục I §II.2.b);
- the rule under the motto: exactly as long as the motto line (§II.1.b);
- the dashes of a several-recipient "Kính gửi" list aligned under its colon (§II.9.d),
  a wrapped recipient going on under the text;
- the boxes of the urgency mark (20, 30, 40 mm, §III.2.b) and of the circulation note;
- the rule under a typed document's trích yếu (Mẫu 1.4): 1/3 to 1/2 of the trích yếu's widest
  printed line (§II.5.a), the lines found by breaking the text as Word does at the paragraph's
  width (``title_lines``);
- the last body paragraph kept with the signature block, so the block is never alone
  at the top of a page.

It works on the document's XML (plain lxml), so it runs in the compiled bulk path
without building a python-docx ``Document``. Paragraphs are found by their role
(paragraph style id, ``layout_spec.StyleId``), so a template edited in Word keeps working
as long as the roles stay on their paragraphs. Fonts and indents come from the styles as
``ooxml/styles.py`` resolves them (the resolver lint and extract use too), looked up once
per style id (``StyleTable``).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from docx.oxml.ns import nsmap, qn
from lxml import etree

from generator.geometry import layout_spec as L
from generator.geometry.layout_spec import StyleId
from generator.geometry.metrics import text_width_pt
from generator.ooxml.ns import PT_PER_MM, TWIPS_PER_PT
from generator.ooxml.styles import DEFAULT_SIZE_PT, Styles

NS = {"w": nsmap["w"]}


@dataclass(frozen=True)
class Font:
    size: float
    bold: bool
    italic: bool


class StyleTable:
    """The template's styles as ``ooxml.styles.Styles`` resolves them (the one resolver of the
    package), with the font of each paragraph style looked up once: ``font`` runs for every
    measured paragraph of every bulk letter."""

    def __init__(self, styles_root):
        self.styles = Styles(styles_root, None)
        self._fonts: dict[str | None, Font] = {}

    def font(self, style_id: str | None) -> Font:
        font = self._fonts.get(style_id)
        if font is None:
            font = self._fonts[style_id] = _font(self.styles.style_format(style_id))
        return font

    def run_font(self, r, style_id: str | None) -> Font:
        """The font of run ``r`` (its own formatting over the style's)."""
        if r.find(_RPR) is None:
            return self.font(style_id)
        return _font(self.styles.run_format(r, style_id, None))

    def indent_twips(self, style_id: str | None, attr: str) -> int:
        return self.styles.style_indent_twips(style_id, attr)


def _font(fmt) -> Font:
    return Font(fmt.size if fmt.size is not None else DEFAULT_SIZE_PT, fmt.bold, fmt.italic)


_PPR, _PSTYLE, _VAL, _T, _RPR = qn("w:pPr"), qn("w:pStyle"), qn("w:val"), qn("w:t"), qn("w:rPr")


def role(p) -> str | None:
    """The paragraph's style id (plain lxml lookups: this runs for every paragraph of every letter)."""
    ppr = p.find(_PPR)
    style = ppr.find(_PSTYLE) if ppr is not None else None
    return style.get(_VAL) if style is not None else None


def text_of(p) -> str:
    return "".join(t.text or "" for t in p.iter(_T))


def paragraph_font(p, styles: StyleTable) -> Font:
    """Effective font of the paragraph's first run that has text."""
    style_id = role(p)
    for r in p.iter(qn("w:r")):
        if "".join(t.text or "" for t in r.iter(_T)).strip():
            return styles.run_font(r, style_id)
    return styles.font(style_id)


def width_pt(p, styles: StyleTable, text: str | None = None) -> float:
    font = paragraph_font(p, styles)
    return text_width_pt(text_of(p) if text is None else text, font.size, font.bold, font.italic)


def _margin(el, side: str) -> int | None:
    if el is None or el.find(qn(f"w:{side}")) is None:
        return None
    return int(el.find(qn(f"w:{side}")).get(qn("w:w"), "0") or 0)


def cell_content_width_pt(tbl, tc) -> float:
    """The cell's width less its left and right padding (cell-level padding wins)."""
    tc_pr = tc.find(qn("w:tcPr"))
    width = tc_pr.find(qn("w:tcW")) if tc_pr is not None else None
    twips = int(width.get(qn("w:w"), "0")) if width is not None else 0
    table_margins = tbl.find(qn("w:tblPr")).find(qn("w:tblCellMar"))
    cell_margins = tc_pr.find(qn("w:tcMar")) if tc_pr is not None else None
    for side in ("left", "right"):
        own = _margin(cell_margins, side)
        twips -= own if own is not None else (_margin(table_margins, side) or 0)
    return twips / TWIPS_PER_PT


# w:pPr children in schema order (ECMA-376 CT_PPrBase): a new child goes where Word expects it
_PPR_ORDER = [qn(f"w:{t}") for t in (
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd tabs "
    "suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd "
    "snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
    "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange").split()]


def _child(parent, tag: str, order: list[str]):
    """``parent``'s child ``tag``, created at its place in ``order`` if missing."""
    found = parent.find(tag)
    if found is not None:
        return found
    rank = order.index(tag)
    element = etree.SubElement(parent, tag)
    for sibling in parent:
        if sibling is not element and sibling.tag in order and order.index(sibling.tag) > rank:
            sibling.addprevious(element)
            break
    return element


def _ppr(p):
    ppr = p.find(_PPR)
    if ppr is None:
        ppr = etree.Element(_PPR)
        p.insert(0, ppr)
    return ppr


def set_indent(p, left_pt: float | None = None, right_pt: float | None = None, hanging_pt: float = 0) -> None:
    """Left/right indents in points; the first line starts ``hanging_pt`` left of the others."""
    ind = _child(_ppr(p), qn("w:ind"), _PPR_ORDER)
    for attr, value in (("w:left", left_pt), ("w:right", right_pt)):
        if value is not None:
            ind.set(qn(attr), str(round(max(value, 0) * TWIPS_PER_PT)))
    for attr in ("w:hanging", "w:firstLine"):
        ind.attrib.pop(qn(attr), None)
    if hanging_pt:
        ind.set(qn("w:hanging"), str(round(hanging_pt * TWIPS_PER_PT)))
    else:
        ind.set(qn("w:firstLine"), "0")


def set_indents(p, left_pt: float, right_pt: float) -> None:
    set_indent(p, left_pt, right_pt)


@lru_cache(maxsize=32)
def _xpath(path: str, roles: tuple[str, ...]) -> etree.XPath:
    test = " or ".join(f'@w:val="{r}"' for r in roles)
    return etree.XPath(f"{path}[w:pPr/w:pStyle[{test}]]", namespaces=NS)


def _with_role(root, path: str, *roles: str) -> list:
    """Elements at ``path`` whose paragraph style is one of ``roles`` (XPath, evaluated in C)."""
    return _xpath(path, roles)(root)


def _rules(body, styles: StyleTable) -> None:
    for p in _with_role(body, ".//w:tc/w:p", StyleId.RULE):
        tc = p.getparent()
        tbl = tc.getparent().getparent()
        paragraphs = tc.findall(qn("w:p"))
        above = [q for q in paragraphs[: paragraphs.index(p)] if text_of(q).strip()]
        if not above:
            continue
        if role(above[-1]) == StyleId.ISSUER:
            issuer = [q for q in above if role(q) == StyleId.ISSUER]
            rule = max(width_pt(q, styles) for q in issuer) * L.ISSUER_RULE_FRACTION
        else:
            rule = width_pt(above[-1], styles) * L.MOTTO_RULE_FRACTION
        room = cell_content_width_pt(tbl, tc)
        rule = min(rule, room)
        side = (room - rule) / 2
        set_indents(p, side, side)


def _indent_pt(p, styles: StyleTable) -> float:
    """Where the paragraph's first line starts: its left indent plus first-line indent, in points."""
    ppr = p.find(_PPR)
    ind = ppr.find(qn("w:ind")) if ppr is not None else None
    total = 0
    hanging = ind.get(qn("w:hanging")) if ind is not None else None
    for attr in ("left", "firstLine"):
        own = ind.get(qn(f"w:{attr}")) if ind is not None else None
        if attr == "firstLine" and hanging is not None:
            continue  # one property in Word: the paragraph's hanging replaces its style's first line
        total += int(own) if own is not None else styles.indent_twips(role(p), attr)
    if hanging is not None:
        total -= int(hanging)
    return total / TWIPS_PER_PT


def _recipients(body, styles: StyleTable) -> None:
    """Dashes of the recipient list start under the colon of "Kính gửi:"."""
    label = None
    for p in _with_role(body, "./w:p", StyleId.RECIPIENT, StyleId.RECIPIENT_LIST):
        if role(p) == StyleId.RECIPIENT:
            label = p
        elif role(p) == StyleId.RECIPIENT_LIST and label is not None:
            # the dash under the colon; a wrapped line goes on under the text, not under the dash
            colon_at = _indent_pt(label, styles) + width_pt(label, styles, "Kính gửi")
            dash = width_pt(p, styles, "- ")
            set_indent(p, left_pt=colon_at + dash, hanging_pt=dash)


def _boxes(body, styles: StyleTable, text_width: float) -> None:
    for p in _with_role(body, "./w:p", StyleId.URGENCY, StyleId.CIRCULATION):
        if role(p) == StyleId.URGENCY:
            box = L.URGENCY_BOX_MM.get(text_of(p).strip(), 30) * PT_PER_MM
            set_indents(p, 0, text_width - box)
        elif role(p) == StyleId.CIRCULATION:
            box = width_pt(p, styles) + 12
            left_col, right_col = (mm * PT_PER_MM for mm in L.HEADER_COLUMNS_MM)
            left = left_col + (right_col - box) / 2
            set_indents(p, left, text_width - left - box)


def _keep_with_signature(body) -> None:
    """The paragraph before the signature table keeps with it (never alone at the top of a page)."""
    tables = body.findall(qn("w:tbl"))
    if len(tables) < 2:
        return
    previous = tables[-1].getprevious()
    while previous is not None and previous.tag != qn("w:p"):
        previous = previous.getprevious()
    if previous is not None:
        _child(_ppr(previous), qn("w:keepNext"), _PPR_ORDER)


# --- The rule under a typed document's trích yếu (Mẫu 1.4, §II.5.a) ------------------------------------


def _side_indent_pt(p, styles: StyleTable, side: str) -> float:
    """The paragraph's left or right indent in points (its own, else its style's)."""
    ppr = p.find(_PPR)
    ind = ppr.find(qn("w:ind")) if ppr is not None else None
    own = ind.get(qn(f"w:{side}")) if ind is not None else None
    return (int(own) if own is not None else styles.indent_twips(role(p), side)) / TWIPS_PER_PT


def _typed_lines(p) -> list[str]:
    """The paragraph's text split where the clerk broke the line (``w:br``, from a line break in the input)."""
    lines = [""]
    for el in p.iter(_T, qn("w:br"), qn("w:cr"), qn("w:tab")):
        if el.tag == _T:
            lines[-1] += el.text or ""
        elif el.tag == qn("w:tab"):
            lines[-1] += " "
        else:
            lines.append("")
    return lines


def wrap(text: str, room_pt: float, size: float, bold: bool, italic: bool) -> list[str]:
    """``text`` broken into the lines Word prints in ``room_pt``: at spaces, as many words as fit
    (a word wider than the room stands alone)."""
    words = text.split()
    if not words:
        return [""]
    lines = [words[0]]
    for word in words[1:]:
        candidate = f"{lines[-1]} {word}"
        if text_width_pt(candidate, size, bold, italic) <= room_pt:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def title_lines(p, styles: StyleTable, text_width: float) -> list[str]:
    """The printed lines of paragraph ``p`` (the trích yếu under a tên loại) on a page ``text_width`` wide."""
    font = paragraph_font(p, styles)
    room = text_width - _side_indent_pt(p, styles, "left") - _side_indent_pt(p, styles, "right")
    return [line for typed in _typed_lines(p) for line in wrap(typed, room, font.size, font.bold, font.italic)]


def title_rule_pt(p, styles: StyleTable, text_width: float) -> float:
    """Length of the rule under the trích yếu ``p``: ``TITLE_RULE_FRACTION`` of its widest printed line."""
    font = paragraph_font(p, styles)
    widest = max(text_width_pt(line, font.size, font.bold, font.italic) for line in title_lines(p, styles, text_width))
    return widest * L.TITLE_RULE_FRACTION


def _title_rule(body, styles: StyleTable, text_width: float) -> None:
    """The rule under the trích yếu, centred under it (§II.5.a)."""
    for rule in _with_role(body, "./w:p", StyleId.TITLE_RULE):
        subject = rule.getprevious()
        while subject is not None and (subject.tag != qn("w:p") or role(subject) != StyleId.TITLE_SUBJECT):
            subject = subject.getprevious()
        if subject is None or not text_of(subject).strip():
            continue
        left, right = _side_indent_pt(subject, styles, "left"), _side_indent_pt(subject, styles, "right")
        room = text_width - left - right
        length = min(title_rule_pt(subject, styles, text_width), room)
        set_indents(rule, left + (room - length) / 2, right + (room - length) / 2)


def text_width_pt_of(body) -> float:
    sect = body.find(qn("w:sectPr"))
    size, margins = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
    return (int(size.get(qn("w:w"))) - int(margins.get(qn("w:left"))) - int(margins.get(qn("w:right")))) / TWIPS_PER_PT


def apply(document, styles: StyleTable) -> None:
    """Set the measured geometry on a rendered ``w:document`` element."""
    body = document.find(qn("w:body"))
    _rules(body, styles)
    _recipients(body, styles)
    _boxes(body, styles, text_width_pt_of(body))
    _title_rule(body, styles, text_width_pt_of(body))
    _keep_with_signature(body)
