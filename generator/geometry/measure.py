"""Stage 3b: the geometry the decree ties to the text, applied to a rendered letter.

A template cannot know how long the issuing body's name will be, so after the
template has been filled in, this pass measures the text (``metrics.py``) and sets:

- the organ names of the letterhead's left column broken where they break naturally, and the
  column widened or their size stepped down to 12 pt when a name needs it (``letterhead.py``,
  Phụ lục I §II.2.b);
- the rule under the issuing body: 2/5 (the decree: 1/3 to 1/2) of the name's widest printed
  line, centred (§II.2.b);
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

``letterhead_warnings`` reads a built letter's left column back and turns what is wrong with it
as printed (a word alone on a line, a line wider than its column, a rule outside 1/3-1/2 of the
widest printed line) into the warnings of ``check`` and ``build``, with the input's field and line.
"""
from __future__ import annotations

import io
import zipfile
from copy import deepcopy
from dataclasses import dataclass
from functools import lru_cache

from generator.ooxml.ns import NSMAP as nsmap, qn
from lxml import etree

from generator.geometry import layout_spec as L
from generator.geometry import letterhead as LH
from generator.geometry.layout_spec import StyleId
from generator.geometry.metrics import text_width_pt
from generator.exceptions import Problem, format_field
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
_TBL = qn("w:tbl")


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
        room = cell_content_width_pt(tbl, tc)
        if role(above[-1]) == StyleId.ISSUER:
            issuer = [q for q in above if role(q) == StyleId.ISSUER]
            rule = max(_printed_width(q, styles, room) for q in issuer) * L.ISSUER_RULE_FRACTION
        else:
            rule = width_pt(above[-1], styles) * L.MOTTO_RULE_FRACTION
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
            offset, left_col, right_col = _header_columns_pt(body, text_width)
            left = offset + left_col + (right_col - box) / 2
            set_indents(p, left, text_width - left - box)


def keep_next_target(tags) -> int | None:
    """Of the body's top-level elements (their tags, in order; ``None`` for what is not an element), the
    index of the paragraph that keeps with the signature table: the last paragraph before the last table,
    when the body has two tables or more (the letterhead, the signature); else None."""
    tables = [i for i, tag in enumerate(tags) if tag == _TBL]
    if len(tables) < 2:
        return None
    return next((i for i in range(tables[-1] - 1, -1, -1) if tags[i] == _P), None)


def keep_with_next(p) -> None:
    _child(_ppr(p), qn("w:keepNext"), _PPR_ORDER)


def _keep_with_signature(body) -> None:
    """The paragraph before the signature table keeps with it (never alone at the top of a page)."""
    children = list(body)
    target = keep_next_target([child.tag for child in children])
    if target is not None:
        keep_with_next(children[target])


# --- The rule under a typed document's trích yếu (Mẫu 1.4, §II.5.a) ------------------------------------


def _side_indent_pt(p, styles: StyleTable, side: str) -> float:
    """The paragraph's left or right indent in points (its own, else its style's)."""
    ppr = p.find(_PPR)
    ind = ppr.find(qn("w:ind")) if ppr is not None else None
    own = ind.get(qn(f"w:{side}")) if ind is not None else None
    return (int(own) if own is not None else styles.indent_twips(role(p), side)) / TWIPS_PER_PT


def _sides_pt(p, styles: StyleTable) -> float:
    """The paragraph's left and right indents together, in points: what its lines lose of their room."""
    return _side_indent_pt(p, styles, "left") + _side_indent_pt(p, styles, "right")


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


def title_lines(p, styles: StyleTable, text_width: float) -> list[str]:
    """The printed lines of paragraph ``p`` (the trích yếu under a tên loại) on a page ``text_width`` wide."""
    font = paragraph_font(p, styles)
    room = text_width - _sides_pt(p, styles)
    return [line for typed in _typed_lines(p) for line in LH.wrap(typed, LH.Face(font.size, font.bold, font.italic), room)]


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


# What ``apply`` reads and changes, for the render engine's block memo (``render/blocks.py``), which takes
# from an earlier letter every run of paragraphs that came out the same and renders only the others. Besides
# the markup around paragraphs (table grids, cell widths and margins, the section's page: the memo takes
# that only when it is the same), ``apply`` reads or changes: the paragraphs of ``MEASURED_ROLES``; every
# paragraph of a ``measured_cells`` cell; the "Kính gửi" label (``LABEL_ROLE``, only its font, which matters
# to RECIPIENT_LIST paragraphs alone); the paragraph before the last table (``keep_next_target``). Anything
# ``apply`` comes to read must be added here (tests/test_block_memo.py compares the memo with the whole pass).
MEASURED_ROLES = (StyleId.PARENT_BODY, StyleId.ISSUER, StyleId.RULE, StyleId.RECIPIENT_LIST, StyleId.URGENCY,
                  StyleId.CIRCULATION, StyleId.TITLE_SUBJECT, StyleId.TITLE_RULE)
LABEL_ROLE = StyleId.RECIPIENT


def measured_cells(body) -> set:
    """The table cells whose paragraphs ``apply`` reads or changes: the issuing organ's cell and every cell
    of the letterhead's right column (``_letterhead``), every cell holding a rule (``_rules``)."""
    cells = {p.getparent() for p in _with_role(body, ".//w:tc/w:p", StyleId.RULE)}
    found = _left_column(body)
    if found is not None:
        tc, tbl, _ = found
        cells.add(tc)
        cells.update(row[1] for row in (tr.findall(_TC) for tr in tbl.findall(_TR)) if len(row) > 1)
    return cells


def apply(document, styles: StyleTable) -> None:
    """Set the measured geometry on a rendered ``w:document`` element."""
    body = document.find(qn("w:body"))
    _letterhead(body, styles, text_width_pt_of(body))
    _rules(body, styles)
    _recipients(body, styles)
    _boxes(body, styles, text_width_pt_of(body))
    _title_rule(body, styles, text_width_pt_of(body))
    _keep_with_signature(body)


# ---------------------------------------------------------------- the letterhead's left column

_P, _R, _TC, _TR, _SZ = qn("w:p"), qn("w:r"), qn("w:tc"), qn("w:tr"), qn("w:sz")


def _face(p, styles: StyleTable) -> LH.Face:
    font = paragraph_font(p, styles)
    return LH.Face(font.size, font.bold)


def _printed_width(p, styles: StyleTable, room_pt: float) -> float:
    """Width of the widest line ``p`` prints on in a column ``room_pt`` wide (Word wraps a long line)."""
    face = _face(p, styles)
    return max((face.width(line) for line in LH.wrap(text_of(p), face, room_pt)), default=0.0)


def _left_column(body):
    """The cell holding the issuing organ, its table, and its parent / issuer paragraphs (with text)."""
    # the letterhead is a table of the body itself, the first holding the issuer (found without
    # searching the whole letter: this runs for every bulk letter)
    issuer = next((found for tbl in body.iterchildren(qn("w:tbl"))
                   for found in [_with_role(tbl, "./w:tr/w:tc/w:p", StyleId.ISSUER)] if found), None)
    if not issuer:
        return None
    tc = issuer[0].getparent()
    blocks = {}
    for name, style_id in (("parent", StyleId.PARENT_BODY), ("issuer", StyleId.ISSUER)):
        paragraphs = [p for p in tc.findall(_P) if role(p) == style_id and text_of(p).strip()]
        if paragraphs:
            blocks[name] = paragraphs
    return tc, tc.getparent().getparent(), blocks


def _two_columns(tbl) -> list[int] | None:
    """The grid of a plain two-column table (every row two cells, no spans), in twips; else None."""
    grid = [int(g.get(qn("w:w"), "0") or 0) for g in tbl.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}")]
    if len(grid) != 2 or not all(grid):
        return None
    for tr in tbl.findall(_TR):
        cells = tr.findall(_TC)
        if len(cells) != 2 or any(c.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}") is not None for c in cells):
            return None
    return grid


def _set_text(p, text: str) -> None:
    """``p`` prints ``text``: in its first run with text, the other runs' text removed."""
    runs = [r for r in p.iter(_R) if r.find(_T) is not None]
    first = runs[0]
    ts = first.findall(_T)
    ts[0].text = text
    for t in ts[1:]:
        first.remove(t)
    for r in runs[1:]:
        r.getparent().remove(r)


def _set_size(p, size: float) -> None:
    """Every run of ``p`` (and its paragraph mark) at ``size`` points."""
    half_points = str(round(size * 2))
    for r in p.iter(_R):
        rpr = r.find(_RPR)
        if rpr is None:
            rpr = etree.Element(_RPR)
            r.insert(0, rpr)
        _child(rpr, _SZ, _RPR_ORDER).set(_VAL, half_points)
    ppr = p.find(_PPR)
    for rpr in [r.find(_RPR) for r in p.iter(_R)] + [ppr.find(_RPR) if ppr is not None else None]:
        for tag in (_SZ, qn("w:szCs")):
            el = rpr.find(tag) if rpr is not None else None
            if el is not None:
                el.set(_VAL, half_points)


# w:rPr children in schema order (ECMA-376 CT_RPr)
_RPR_ORDER = [qn(f"w:{t}") for t in (
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof snapToGrid "
    "vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText vertAlign rtl cs "
    "em lang eastAsianLayout specVanish oMath").split()]


def _letterhead(body, styles: StyleTable, text_width: float) -> None:
    """Break the organ names, widen the left column or step the size down, as ``letterhead.fit`` says."""
    found = _left_column(body)
    if found is None:
        return
    tc, tbl, blocks = found
    room = cell_content_width_pt(tbl, tc)
    padding = _cell_width_twips(tc) / TWIPS_PER_PT - room
    names = tuple(LH.Name(tuple(text_of(p).strip() for p in ps), _face(ps[0], styles)) for ps in blocks.values())
    fit = LH.fit(names, room, room, 0.0, L.LETTERHEAD_MIN_PT)
    grid = _two_columns(tbl) if not fit.fitted or fit.stepped else None
    if grid is not None:  # the column may grow: how much room the right column needs (measured once here)
        right_need = 0.0
        for tr in tbl.findall(_TR):
            for p in tr.findall(_TC)[1].findall(_P):
                if text_of(p).strip():
                    right_need = max(right_need, width_pt(p, styles) + _sides_pt(p, styles))
        right_min = right_need + LH.SLACK_PT + padding + L.LETTERHEAD_GAP_MM * PT_PER_MM
        total = sum(grid) / TWIPS_PER_PT
        widest = max(room, total - right_min - padding)
        overhang = max(widest, max(total, text_width) + L.LETTERHEAD_OVERHANG_MM * PT_PER_MM - right_min - padding)
        fit = LH.fit(names, room, widest, overhang - widest, L.LETTERHEAD_MIN_PT)
    for paragraphs, name, lines, size in zip(blocks.values(), names, fit.lines, fit.sizes):
        if not name.forced and len(lines) > 1:
            p = paragraphs[0]
            _set_text(p, lines[0])
            for line in reversed(lines[1:]):
                q = deepcopy(p)
                _set_text(q, line)
                p.addnext(q)
            paragraphs = [p, *p.itersiblings()][: len(lines)]
        if size != name.face.size:
            for p in paragraphs:
                _set_size(p, size)
    if grid is not None and fit.room_pt > room + 0.01:
        left = round((fit.room_pt + padding) * TWIPS_PER_PT)
        right = max(sum(grid) - left, round(right_min * TWIPS_PER_PT))
        _set_columns(tbl, (left, right))


def _cell_width_twips(tc) -> int:
    width = tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
    return int(width.get(qn("w:w"), "0")) if width is not None else 0


def _set_columns(tbl, widths: tuple[int, int]) -> None:
    """The table's two columns at ``widths`` (twips): grid, every row's cells, the table's width."""
    for col, width in zip(tbl.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}"), widths):
        col.set(qn("w:w"), str(width))
    for tr in tbl.findall(_TR):
        for tc, width in zip(tr.findall(_TC), widths):
            tcw = tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
            if tcw is not None:
                tcw.set(qn("w:w"), str(width))
                tcw.set(qn("w:type"), "dxa")
    tblw = tbl.find(f"{qn('w:tblPr')}/{qn('w:tblW')}")
    if tblw is not None:
        tblw.set(qn("w:w"), str(sum(widths)))
        tblw.set(qn("w:type"), "dxa")


def _header_columns_pt(body, text_width: float) -> tuple[float, float, float]:
    """Where the letterhead table starts (from the left margin) and its two columns, in points."""
    tbl = body.find(qn("w:tbl"))
    grid = _two_columns(tbl) if tbl is not None else None
    if grid is None:
        left, right = (mm * PT_PER_MM for mm in L.HEADER_COLUMNS_MM)
        return 0.0, left, right
    left, right = (g / TWIPS_PER_PT for g in grid)
    return round((text_width - left - right) / 2, 1), left, right  # centred; 0 when it fills the text block


def letterhead_findings(document, styles: StyleTable) -> list[LH.Finding]:
    """What is wrong with a rendered letter's left column (``letterhead.findings``), for check and build."""
    body = document.find(qn("w:body"))
    found = _left_column(body)
    if found is None:
        return []
    tc, tbl, blocks = found
    room = cell_content_width_pt(tbl, tc)
    rule = None
    rules = [p for p in tc.findall(_P) if role(p) == StyleId.RULE]
    if rules and "issuer" in blocks:
        rule = room - _sides_pt(rules[0], styles)
    shown = {name: [(text_of(p).strip(), _face(p, styles)) for p in ps] for name, ps in blocks.items()}
    return LH.findings(shown, room, rule)


_FIELDS = {"parent": "co_quan_chu_quan", "issuer": "co_quan_ban_hanh"}
_STRICT = etree.XMLParser(resolve_entities=False, no_network=True)


def letterhead_warnings(dispatch, docx: bytes, located, prefix: tuple = ()) -> list[str]:
    """``check`` and ``build``: the findings of a built letter's letterhead, each with the field and
    line of the input that gave it (``prefix``: where the letter sits in a campaign file)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        document = etree.fromstring(zf.read("word/document.xml"), _STRICT)
        styles = StyleTable(etree.fromstring(zf.read("word/styles.xml"), _STRICT))
    items = {"parent": list(dispatch.parent_organ or []), "issuer": list(dispatch.issuing_organ)}
    out = []
    for finding in letterhead_findings(document, styles):
        path = (*prefix, _FIELDS[finding.block])
        if len(items[finding.block]) > 1 and finding.kind != "rule":
            path += (finding.paragraph,)
        out.append(f"Cảnh báo: {Problem(finding.detail, located.file, located.line_of(path), format_field(path))}")
    return out
