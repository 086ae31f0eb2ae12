"""Stage 3b: the geometry the decree ties to the text, applied to a rendered letter.

A template cannot know how long the issuing body's name will be, so after the
template has been filled in, this pass measures the text (``metrics.py``) and sets:

- the rule under the issuing body: 1/3 to 1/2 of the name's longest line, centred
  (Phụ lục I §II.2.b);
- the rule under the motto: exactly as long as the motto line (§II.1.b);
- the dashes of a several-recipient "Kính gửi" list aligned under its colon (§II.9.d),
  a wrapped recipient going on under the text;
- the boxes of the urgency mark (20, 30, 40 mm, §III.2.b) and of the circulation note;
- the last body paragraph kept with the signature block, so the block is never alone
  at the top of a page.

It works on the document's XML (plain lxml), so it runs in the compiled bulk path
without building a python-docx ``Document``. Paragraphs are
found by their role (paragraph style id), so a template edited in Word keeps
working as long as the roles stay on their paragraphs.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from docx.oxml.ns import nsmap, qn
from lxml import etree

from generator.geometry import layout_spec as L
from generator.geometry.metrics import text_width_pt

TWIPS_PER_PT = 20
NS = {"w": nsmap["w"]}


def _on(el) -> bool | None:
    """A w:b / w:i toggle: present means on unless w:val says 0/false."""
    if el is None:
        return None
    return el.get(qn("w:val"), "true") not in ("0", "false", "off")


@dataclass(frozen=True)
class Font:
    size: float | None = None
    bold: bool | None = None
    italic: bool | None = None

    def over(self, base: "Font") -> "Font":
        return Font(
            self.size if self.size is not None else base.size,
            self.bold if self.bold is not None else base.bold,
            self.italic if self.italic is not None else base.italic,
        )


def font_of_rpr(rpr) -> Font:
    if rpr is None:
        return Font()
    sz = rpr.find(qn("w:sz"))
    return Font(int(sz.get(qn("w:val"))) / 2 if sz is not None else None, _on(rpr.find(qn("w:b"))),
                _on(rpr.find(qn("w:i"))))


class StyleTable:
    """Resolved run font and indents of each paragraph style (basedOn chain, then docDefaults)."""

    def __init__(self, styles_root):
        self._styles = {s.get(qn("w:styleId")): s for s in styles_root.findall(qn("w:style"))}
        defaults = styles_root.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
        self._default = font_of_rpr(rpr).over(Font(10.0, False, False))
        self._fonts: dict[str | None, Font] = {}

    def font(self, style_id: str | None) -> Font:
        if style_id not in self._fonts:
            font, seen, sid = Font(), set(), style_id
            while sid and sid in self._styles and sid not in seen:
                seen.add(sid)
                style = self._styles[sid]
                font = font.over(font_of_rpr(style.find(qn("w:rPr"))))
                based = style.find(qn("w:basedOn"))
                sid = based.get(qn("w:val")) if based is not None else None
            self._fonts[style_id] = font.over(self._default)
        return self._fonts[style_id]

    def indent_twips(self, style_id: str | None, attr: str) -> int:
        sid, seen = style_id, set()
        while sid and sid in self._styles and sid not in seen:
            seen.add(sid)
            ind = self._styles[sid].find(qn("w:pPr") + "/" + qn("w:ind")) if self._styles[sid].find(qn("w:pPr")) is not None else None
            if ind is not None and ind.get(qn(f"w:{attr}")) is not None:
                return int(ind.get(qn(f"w:{attr}")))
            based = self._styles[sid].find(qn("w:basedOn"))
            sid = based.get(qn("w:val")) if based is not None else None
        return 0


_PPR, _PSTYLE, _VAL, _T = qn("w:pPr"), qn("w:pStyle"), qn("w:val"), qn("w:t")


def role(p) -> str | None:
    """The paragraph's style id (plain lxml lookups: this runs for every paragraph of every letter)."""
    ppr = p.find(_PPR)
    style = ppr.find(_PSTYLE) if ppr is not None else None
    return style.get(_VAL) if style is not None else None


def text_of(p) -> str:
    return "".join(t.text or "" for t in p.iter(_T))


def paragraph_font(p, styles: StyleTable) -> Font:
    """Effective font of the paragraph's first run that has text."""
    style = styles.font(role(p))
    for r in p.iter(qn("w:r")):
        if "".join(t.text or "" for t in r.iter(qn("w:t"))).strip():
            return font_of_rpr(r.find(qn("w:rPr"))).over(style)
    return style


def width_pt(p, styles: StyleTable, text: str | None = None) -> float:
    font = paragraph_font(p, styles)
    return text_width_pt(text_of(p) if text is None else text, font.size or 14, font.bold, font.italic)


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
    for p in _with_role(body, ".//w:tc/w:p", "CVDuongKe"):
        tc = p.getparent()
        tbl = tc.getparent().getparent()
        paragraphs = tc.findall(qn("w:p"))
        above = [q for q in paragraphs[: paragraphs.index(p)] if text_of(q).strip()]
        if not above:
            continue
        if role(above[-1]) == "CVCoQuanBanHanh":
            issuer = [q for q in above if role(q) == "CVCoQuanBanHanh"]
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
    for p in _with_role(body, "./w:p", "CVKinhGui", "CVKinhGuiDanhSach"):
        if role(p) == "CVKinhGui":
            label = p
        elif role(p) == "CVKinhGuiDanhSach" and label is not None:
            # the dash under the colon; a wrapped line goes on under the text, not under the dash
            colon_at = _indent_pt(label, styles) + width_pt(label, styles, "Kính gửi")
            dash = width_pt(p, styles, "- ")
            set_indent(p, left_pt=colon_at + dash, hanging_pt=dash)


def _boxes(body, styles: StyleTable, text_width: float) -> None:
    for p in _with_role(body, "./w:p", "CVDoKhan", "CVPhamVi"):
        if role(p) == "CVDoKhan":
            box = L.URGENCY_BOX_MM.get(text_of(p).strip(), 30) / 25.4 * 72
            set_indents(p, 0, text_width - box)
        elif role(p) == "CVPhamVi":
            box = width_pt(p, styles) + 12
            left_col, right_col = (mm / 25.4 * 72 for mm in L.HEADER_COLUMNS_MM)
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
    _keep_with_signature(body)
