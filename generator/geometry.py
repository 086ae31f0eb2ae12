"""Stage 3b: the geometry the decree ties to the text, applied to a rendered letter.

A template cannot know how long the issuing body's name will be, so after docxtpl
has filled it in, this pass measures the text (``metrics.py``) and sets:

- the rule under the issuing body: 1/3 to 1/2 of the name's longest line, centred
  (Phụ lục I §II.2.b);
- the rule under the motto: exactly as long as the motto line (§II.1.b);
- the dashes of a several-recipient "Kính gửi" list aligned under its colon (§II.9.d);
- the boxes of the urgency mark (20, 30, 40 mm, §III.2.b) and of the circulation note;
- the last body paragraph kept with the signature block, so the block is never alone
  at the top of a page.

Paragraphs are found by their role (paragraph style id), so a template edited in
Word keeps working as long as the roles stay on their paragraphs.
"""
from __future__ import annotations

from docx.document import Document
from docx.oxml.ns import qn
from docx.shared import Emu, Twips
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from . import layout_spec as L
from .metrics import text_width_pt

EMU_PER_PT = 12700


def role(p: Paragraph) -> str | None:
    return p._p.style


def _style_value(p: Paragraph, getter):
    style = p.style
    while style is not None:
        value = getter(style.font)
        if value is not None:
            return value
        style = style.base_style
    return None


def font_of(p: Paragraph) -> tuple[float, bool, bool]:
    """Effective size (pt), bold and italic of the paragraph's first text run."""
    run = next((r for r in p.runs if r.text.strip()), None)
    size = run.font.size if run is not None else None
    bold = run.font.bold if run is not None else None
    italic = run.font.italic if run is not None else None
    size = size or _style_value(p, lambda f: f.size)
    bold = bold if bold is not None else _style_value(p, lambda f: f.bold)
    italic = italic if italic is not None else _style_value(p, lambda f: f.italic)
    return (size.pt if size else 14.0), bool(bold), bool(italic)


def width_pt(p: Paragraph, text: str | None = None) -> float:
    size, bold, italic = font_of(p)
    return text_width_pt(p.text if text is None else text, size, bold, italic)


def _twips_attr(el, name: str) -> int:
    if el is None:
        return 0
    child = el.find(qn(name))
    if child is None:
        return 0
    return int(child.get(qn("w:w"), "0") or 0)


def cell_content_width_pt(table: Table, cell: _Cell) -> float:
    """The cell's width less its left and right padding (cell-level padding wins)."""
    width = cell.width.pt if cell.width is not None else 0.0
    tbl_margins = table._tbl.tblPr.find(qn("w:tblCellMar"))
    tc_pr = cell._tc.tcPr
    tc_margins = tc_pr.find(qn("w:tcMar")) if tc_pr is not None else None
    padding = 0
    for side in ("w:left", "w:right"):
        own = _twips_attr(tc_margins, side) if tc_margins is not None and tc_margins.find(qn(side)) is not None else None
        padding += own if own is not None else _twips_attr(tbl_margins, side)
    return width - padding / 20


def text_width_of_section(doc: Document) -> float:
    s = doc.sections[0]
    return (s.page_width - s.left_margin - s.right_margin) / EMU_PER_PT


def _set_indents(p: Paragraph, left_pt: float, right_pt: float) -> None:
    fmt = p.paragraph_format
    fmt.left_indent = Emu(round(max(left_pt, 0) * EMU_PER_PT))
    fmt.right_indent = Emu(round(max(right_pt, 0) * EMU_PER_PT))
    fmt.first_line_indent = Twips(0)


def _rules(doc: Document) -> None:
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs = cell.paragraphs
                for i, p in enumerate(paragraphs):
                    if role(p) != "CVDuongKe":
                        continue
                    above = [q for q in paragraphs[:i] if q.text.strip()]
                    if not above:
                        continue
                    if role(above[-1]) == "CVCoQuanBanHanh":
                        issuer = [q for q in above if role(q) == "CVCoQuanBanHanh"]
                        rule = max(width_pt(q) for q in issuer) * L.ISSUER_RULE_FRACTION
                    else:
                        rule = width_pt(above[-1]) * L.MOTTO_RULE_FRACTION
                    room = cell_content_width_pt(table, cell)
                    rule = min(rule, room)
                    side = (room - rule) / 2
                    _set_indents(p, side, side)


def _indent_pt(p: Paragraph) -> float:
    fmt = p.paragraph_format
    left = fmt.left_indent if fmt.left_indent is not None else p.style.paragraph_format.left_indent
    first = fmt.first_line_indent if fmt.first_line_indent is not None else p.style.paragraph_format.first_line_indent
    return ((left or 0) + (first or 0)) / EMU_PER_PT


def _recipients(paragraphs: list[Paragraph]) -> None:
    """Dashes of the recipient list start under the colon of "Kính gửi:"."""
    label = None
    for p in paragraphs:
        if role(p) == "CVKinhGui":
            label = p
        elif role(p) == "CVKinhGuiDanhSach" and label is not None:
            colon_at = _indent_pt(label) + width_pt(label, "Kính gửi")
            p.paragraph_format.left_indent = Emu(round(colon_at * EMU_PER_PT))
            p.paragraph_format.first_line_indent = Twips(0)
        else:
            label = None


def _boxes(doc: Document, paragraphs: list[Paragraph]) -> None:
    text_width = text_width_of_section(doc)
    for p in paragraphs:
        if role(p) == "CVDoKhan":
            box = L.URGENCY_BOX_MM.get(p.text.strip(), 30) / 25.4 * 72
            _set_indents(p, 0, text_width - box)
        elif role(p) == "CVPhamVi":
            box = width_pt(p) + 12
            left_col, right_col = (mm / 25.4 * 72 for mm in L.HEADER_COLUMNS_MM)
            left = left_col + (right_col - box) / 2
            _set_indents(p, left, text_width - left - box)


def _keep_with_signature(doc: Document) -> None:
    """The paragraph before the signature table keeps with it; so do the block's own lines."""
    body = doc.element.body
    tables = body.findall(qn("w:tbl"))
    if len(tables) < 2:
        return
    signature = tables[-1]
    previous = signature.getprevious()
    while previous is not None and previous.tag != qn("w:p"):
        previous = previous.getprevious()
    if previous is not None:
        Paragraph(previous, doc._body).paragraph_format.keep_with_next = True


def apply(doc: Document) -> None:
    paragraphs = doc.paragraphs
    _rules(doc)
    _recipients(paragraphs)
    _boxes(doc, paragraphs)
    _keep_with_signature(doc)
