"""Where each part of a letter is, in any .docx: ``find_elements`` (the first part of ``dispatch lint``).

The parts are decided by the one classifier ``ooxml/parts.py`` (shared with ``dispatch text``
and ``diff``): the document type from its title block (or its absence), the letterhead's end by
structure, the Kính gửi, the body, Nơi nhận and the signature block. This module only adds what
lint measures around them: the rules drawn under the issuing organ, the motto and a typed
document's trích yếu, and the page numbers of the first section.
"""
from __future__ import annotations

import re
from typing import Any

from generator.geometry.layout_spec import StyleId
from generator.geometry import letterhead as LH
from generator.geometry.metrics import text_width_pt
from generator.ooxml.elements import RULE_TEXT
from generator.ooxml.parts import Element, Segment, bold_line, classify, is_upper, same_cell, trimmed
from generator.ooxml.read import Document, Para

ORGAN_STYLES = (StyleId.ISSUER, StyleId.PARENT_BODY)  # our template's hint for the classifier
__all__ = ["Element", "Segment", "bold_line", "find_elements", "is_page_field", "is_upper", "same_cell"]


def find_elements(doc: Document) -> dict[str, Element]:
    """The parts of ``doc`` by name (``data/nd30_rules.yaml``'s elements), with the rules and page numbers."""
    paras = doc.paragraphs
    parts = classify(paras, ORGAN_STYLES)
    found = dict(parts.elements)
    for name in ("so_ky_hieu", "kinh_gui"):  # their rules depend on the type
        if name in found:
            found[name].data["doc_type"] = parts.doc_type
    # -- rules under the issuing organ, the motto and a typed document's trích yếu
    for name, owner in (("duong_ke_co_quan", "co_quan_ban_hanh"), ("duong_ke_tieu_ngu", "tieu_ngu"),
                        ("duong_ke_trich_yeu", "trich_yeu_ten_loai")):
        if owner in found:
            _rule(found, name, found[owner], paras, doc)
    # -- page numbers (section 1's headers and footers)
    found["so_trang"] = _page_numbers(doc)
    return found


def _width_of(seg: Segment) -> float:
    """Printed width (pt) of a segment, run by run, with Times New Roman's advance widths."""
    total = 0.0
    for r in seg.para.runs:
        a, b = max(r.start, seg.start), min(r.end, seg.end)
        if a < b:
            total += text_width_pt(seg.para.text[a:b], r.fmt.size or 11.0, r.fmt.bold, r.fmt.italic) * r.fmt.scale
    return total


def _printed_width(seg: Segment) -> float:
    """Width (pt) of the widest line ``seg`` prints as: the segment itself, or, when it is wider
    than the room its paragraph has (cell or page, less the indents), the lines it wraps into."""
    width = _width_of(seg)
    room = seg.para.room_pt
    runs = seg.runs()
    if room is None or width <= room or not runs:
        return width
    fmt = runs[0].fmt
    face = LH.Face(fmt.size or 11.0, bool(fmt.bold), bool(fmt.italic))
    return max(face.width(line) * fmt.scale for line in LH.wrap(seg.para.text[seg.start : seg.end], face, room))


def _rule(found, name: str, owner: Element, paras: list[Para], doc: Document) -> None:
    """Find the rule under ``owner``: a paragraph border, a drawn line, underscores or underlined text.
    Its length is compared with the widest line the owner prints (its line breaks and wrapping)."""
    last = owner.segments[-1].para
    text_width = max(_printed_width(s) for s in owner.segments)
    candidates: list[tuple[str, float, Para]] = []
    own = last
    # 1. the owner's own paragraph: a bottom border, a drawn line anchored in it, underlined text
    if "bottom" in own.borders:
        candidates.append(("viền dưới đoạn", _border_length(own), own))
    for length in own.drawings:
        candidates.append(("hình vẽ", length, own))
    runs = [r for s in owner.segments for r in s.runs()]
    if runs and all(r.fmt.underline for r in runs) and not candidates:
        candidates.append(("gạch chân chữ", text_width, own))
    # 2. the paragraphs after it, up to the next line with text (that one may carry a top border)
    if not candidates:
        for p in paras[last.index + 1 : last.index + 4]:
            if last.cell is not None and not same_cell(p, last):
                break
            if p.drawings:
                candidates.append(("hình vẽ", max(p.drawings), p))
                break
            if RULE_TEXT.match(p.text):
                seg = trimmed(Segment(p, 0, len(p.text)))
                candidates.append(("dấu gạch dưới «_»", _width_of(seg), p))
                break
            if "bottom" in p.borders or ("top" in p.borders and not p.text.strip()):
                candidates.append(("viền đoạn", _border_length(p), p))
                break
            if p.text.strip():
                if "top" in p.borders:
                    candidates.append(("viền trên đoạn kế tiếp", _border_length(p), p))
                break
    if not candidates:
        found[name] = Element(name, [], {"missing": True, "owner": owner})
        return
    how, length, where = candidates[0]
    found[name] = Element(
        name, [Segment(where, 0, len(where.text))],
        {"how": how, "length": length, "text_width": text_width, "owner": owner},
    )


def _border_length(p: Para) -> float:
    return max(p.room_pt or 0.0, 0.0)


def is_page_field(instr: str) -> bool:
    return bool(re.match(r"^\s*PAGE\b", instr.strip(), re.I))


def _page_numbers(doc: Document) -> Element:
    section = doc.sections[0] if doc.sections else None
    data: dict[str, Any] = {"section": section}
    segs: list[Segment] = []
    if section is not None:
        default = section.headers.get("default", [])
        holder = next((p for p in default if any(is_page_field(f.instr) for f in p.fields)), None)
        data["holder"] = holder
        if holder is not None:
            segs = [Segment(holder, 0, len(holder.text))]
        data["in_footer"] = any(
            is_page_field(f.instr) for paras in section.footers.values() for p in paras for f in p.fields
        )
        first = section.headers.get("first", []) if section.title_pg else default
        data["first_shows"] = any(is_page_field(f.instr) for p in first for f in p.fields)
    return Element("so_trang", segs, data)
