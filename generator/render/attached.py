"""Mẫu 1.3: the text a Quyết định promulgates or approves (``kem_theo``), after the decision's signature.

The attached text is rendered by the same Word template as a letter of its own
(``wording.letter.attached_letter``: the decision's letterhead, its own tên loại and trích yếu,
its own chapters and articles), so the geometry (rules measured from the text) and every style
a clerk set in Word apply to it too. This module then takes away what the sample does not show
— the row of number and date under the letterhead, the Nơi nhận and signature table — puts
the line "(Kèm theo Quyết định số …/QĐ-… ngày … tháng … năm … của …)" (italic, centred) under
its trích yếu, above the rule (Mẫu 1.3, «Mẫu văn bản được ban hành kèm theo quyết định»),
and appends it to the decision in a section of its own: a new page, pages numbered from 1,
the number hidden on its first page (§I.7), like an annex.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

from docx import Document
from docx.oxml.ns import qn

from generator.geometry.layout_spec import StyleId
from generator.render.role_format import para


@dataclass(frozen=True)
class Attached:
    docx: bytes  # the attached text rendered by the template (wording.letter.attached_letter)
    reference: str  # "(Kèm theo Quyết định số … của …)"


def _style(p) -> str | None:
    ppr = p.find(qn("w:pPr"))
    style = ppr.find(qn("w:pStyle")) if ppr is not None else None
    return style.get(qn("w:val")) if style is not None else None


def append_attached(doc, attached: Attached, new_section) -> None:
    """Append ``attached`` to ``doc`` in a new section (``new_section(doc, landscape)``, the annexes' own)."""
    part = Document(io.BytesIO(attached.docx))
    body = part.element.body
    tables = body.findall(qn("w:tbl"))
    body.remove(tables[-1])  # Nơi nhận | signature: the attached text has neither (Mẫu 1.3)
    head_rows = tables[0].findall(qn("w:tr"))
    tables[0].remove(head_rows[1])  # Số | địa danh, ngày: empty for the attached text
    subject = next(p for p in body.iter(qn("w:p")) if _style(p) == StyleId.TITLE_SUBJECT)
    subject.addnext(para(part, StyleId.ANNEX_REFERENCE, attached.reference)._p)
    new_section(doc, False)
    end = doc.element.body.sectPr
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            end.addprevious(child)
