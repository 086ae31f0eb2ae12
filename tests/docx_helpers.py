"""Reading a produced DOCX the way a checker would: paragraphs in order, roles, effective formatting."""
from __future__ import annotations

from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph


def role(p: Paragraph) -> str | None:
    return p._p.style


def all_paragraphs(doc):
    """Body paragraphs and table-cell paragraphs in reading order."""
    out = []
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:p"):
            out.append(Paragraph(child, doc._body))
        elif child.tag == qn("w:tbl"):
            table = Table(child, doc._body)
            for row in table.rows:
                for cell in row.cells:
                    out.extend(cell.paragraphs)
    return out


def by_role(doc, style_id: str):
    return [p for p in all_paragraphs(doc) if role(p) == style_id]


def text_runs(p: Paragraph):
    return [r for r in p.runs if r.text]


def run_props(run, p: Paragraph):
    """(font name, size pt, bold, italic) of a run, falling back to the paragraph style."""
    style = p.style
    def pick(attr):
        value = getattr(run.font, attr)
        s = style
        while value is None and s is not None:
            value = getattr(s.font, attr)
            s = s.base_style
        return value
    size = pick("size")
    return pick("name"), (size.pt if size else None), bool(pick("bold")), bool(pick("italic"))


def document_text(doc) -> str:
    return "\n".join(p.text for p in all_paragraphs(doc))
