"""Writing a paragraph of a given role (layout_spec.ROLES) with python-docx.

The role's formatting is set on the paragraph's style *and* directly on the
paragraph and its runs, so every checker (one that resolves styles or one that
reads runs only) sees the decree's values. Used by the template builder and by
the annex, which is built after rendering.
"""
from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from generator.geometry import layout_spec as L

ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def set_run_font(rpr_owner) -> None:
    """Times New Roman for every script (ascii, hAnsi, cs, eastAsia), Vietnamese language."""
    fonts_on(rpr_owner.get_or_add_rPr())


def fonts_on(rpr) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for key in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(key), L.FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")


def format_font(font, role: L.Role) -> None:
    font.name = L.FONT
    font.size = Pt(role.size)
    font.bold = role.bold
    font.italic = role.italic
    font.color.rgb = RGBColor.from_string(role.color or "000000")


def format_paragraph(fmt, role: L.Role) -> None:
    fmt.alignment = ALIGN[role.align]
    fmt.first_line_indent = Cm(role.first_line_cm) if role.first_line_cm else None
    fmt.left_indent = Cm(role.left_cm) if role.left_cm else None
    fmt.space_before = Pt(role.before_pt)
    fmt.space_after = Pt(role.after_pt)
    fmt.line_spacing = role.line or 1.0
    fmt.keep_with_next = role.keep_next or None
    fmt.widow_control = True


def para(container, role_id: str, text: str = ""):
    """A paragraph of ``role_id`` with the role's formatting also set directly on it and its run."""
    role = L.ROLES[role_id]
    p = container.add_paragraph(style=_style_name(container, role_id))
    format_paragraph(p.paragraph_format, role)
    if text:
        run = p.add_run(text)
        format_font(run.font, role)
        set_run_font(run._r)
    # the paragraph mark gets the run formatting too, so an empty line keeps its height
    mark = p._p.get_or_add_pPr()
    mark_rpr = OxmlElement("w:rPr")
    for tag, on in (("w:b", role.bold), ("w:i", role.italic)):
        if on:
            mark_rpr.append(OxmlElement(tag))
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), str(int(role.size * 2)))
    mark_rpr.append(sz)
    mark.append(mark_rpr)
    return p


def _style_name(container, role_id: str) -> str | None:
    """The role's style name, or None when the document (a template edited elsewhere) lacks it."""
    part = getattr(container, "part", None)
    name = L.ROLES[role_id].name
    try:
        styles = part.document.styles if part is not None else None
        return name if styles is not None and name in [s.name for s in styles] else None
    except AttributeError:
        return name


def border(p, edges: tuple[str, ...], space_pt: int = 1, size_eighths: int = 6) -> None:
    ppr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    for edge in edges:
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), str(size_eighths))
        el.set(qn("w:space"), str(space_pt))
        el.set(qn("w:color"), "auto")
        bdr.append(el)
    # pBdr goes after keepNext/keepLines/pageBreakBefore/framePr/widowControl/numPr/suppressLineNumbers
    anchor = None
    for name in ("w:spacing", "w:ind", "w:jc", "w:rPr", "w:shd", "w:tabs", "w:suppressAutoHyphens"):
        anchor = ppr.find(qn(name))
        if anchor is not None:
            break
    if anchor is not None:
        anchor.addprevious(bdr)
    else:
        ppr.append(bdr)




def table_borders(table, value: str, size_eighths: int | None = None) -> None:
    """The same border on every edge and inner line of ``table`` ("nil" for none, "single" for lines)."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), value)
        if size_eighths is not None:
            el.set(qn("w:sz"), str(size_eighths))
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        borders.append(el)
    # schema order: … tblInd, tblBorders, shd, tblLayout, tblCellMar, tblLook
    anchor = next((tbl_pr.find(qn(f"w:{n}")) for n in ("shd", "tblLayout", "tblCellMar", "tblLook")
                   if tbl_pr.find(qn(f"w:{n}")) is not None), None)
    if anchor is not None:
        anchor.addprevious(borders)
    else:
        tbl_pr.append(borders)
