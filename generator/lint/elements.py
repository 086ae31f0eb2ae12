"""Where each part of a công văn is, in any .docx: ``find_elements`` (the first part of ``dispatch lint``).

The parts are located by their *text and position* (the paragraph holding "CỘNG HÒA XÃ
HỘI CHỦ NGHĨA VIỆT NAM", a line starting "Số:", the "…, ngày … tháng … năm …" line,
"V/v", "Kính gửi", "Nơi nhận:", the signature block beside it…), with the patterns of
``ooxml/elements.py`` (shared with ``review/extract.py``; where lint's are more lenient,
that module says why). Our own style ids are used only as a hint where text alone is
ambiguous (which header lines are the parent organ).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from generator.geometry.layout_spec import StyleId
from generator.geometry.metrics import text_width_pt
from generator.ooxml.elements import (DASH, DATE_ANY, DATE_LINE, KINH_GUI, NOI_NHAN, PLACEHOLDER, QUOC_HIEU, RULE_TEXT,
                                      SO, STAMPS, TIEU_NGU, VV)
from generator.ooxml.ns import TWIPS_PER_PT
from generator.ooxml.read import Document, Para, Run


@dataclass
class Segment:
    """A piece of one paragraph's text: the whole paragraph, or one tab-separated part of it."""

    para: Para
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.para.text[self.start : self.end]

    def runs(self) -> list[Run]:
        return self.para.runs_in(self.start, self.end)

    def where(self) -> str:
        snippet = " ".join(self.text.split())
        if len(snippet) > 40:
            snippet = snippet[:39] + "…"
        return f"{self.para.where()}: «{snippet}»" if snippet else self.para.where()


@dataclass
class Element:
    name: str
    segments: list[Segment] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


def _segments(p: Para) -> list[Segment]:
    """Tab-separated parts of a paragraph with text (a "Số …<tab>Hà Nội, ngày …" line has two)."""
    out, start = [], 0
    for m in re.finditer(r"[\t\n]+", p.text):
        if p.text[start : m.start()].strip():
            out.append(Segment(p, start, m.start()))
        start = m.end()
    if p.text[start:].strip():
        out.append(Segment(p, start, len(p.text)))
    return out


def _trimmed(seg: Segment) -> Segment:
    text = seg.text
    lead = len(text) - len(text.lstrip())
    trail = len(text) - len(text.rstrip())
    return Segment(seg.para, seg.start + lead, seg.end - trail)


def _same_cell(a: Para, b: Para) -> bool:
    return a.cell is not None and b.cell is not None and a.cell.tc is b.cell.tc


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c == c.upper() for c in letters)


def _bold_line(seg: Segment) -> bool:
    runs = seg.runs()
    return bool(runs) and all(r.fmt.bold for r in runs)


def find_elements(doc: Document) -> dict[str, Element]:
    paras = doc.paragraphs
    found: dict[str, Element] = {}

    def first(pattern, candidates, search=True):
        for p in candidates:
            for seg in _segments(p):
                m = pattern.search(seg.text) if search else pattern.match(seg.text)
                if m:
                    return seg, m
        return None, None

    # -- Quốc hiệu and Tiêu ngữ
    seg, m = first(QUOC_HIEU, paras)
    qh_index = 0
    if seg:
        found["quoc_hieu"] = Element("quoc_hieu", [Segment(seg.para, seg.start + m.start(), seg.start + m.end())])
        qh_index = seg.para.index
    seg, m = first(TIEU_NGU, paras[qh_index:])
    if seg:
        found["tieu_ngu"] = Element("tieu_ngu", [_trimmed(Segment(seg.para, seg.start, seg.end))])

    # -- Số (the first line starting "Số" with a colon or a slash, before "Kính gửi"/"Nơi nhận")
    kinh_gui_para = next((p for p in paras if any(KINH_GUI.match(s.text) for s in _segments(p))), None)
    stop = kinh_gui_para.index if kinh_gui_para else len(paras)
    seg, m = first(SO, paras[:stop], search=False)
    so_para = None
    if seg:
        found["so_ky_hieu"] = Element("so_ky_hieu", [_trimmed(seg)])
        so_para = seg.para

    # -- the header zone: up to "Kính gửi", or to the end of the letterhead table (+ a V/v below it)
    if kinh_gui_para is not None:
        header_end = kinh_gui_para.index
    else:
        anchor = so_para or (found["quoc_hieu"].segments[0].para if "quoc_hieu" in found else None)
        header_end = min(len(paras), (anchor.index if anchor else 0) + 6)
        if anchor is not None and anchor.cell is not None:
            last = max(p.index for p in paras if p.cell is not None and p.cell.tbl is anchor.cell.tbl)
            header_end = min(len(paras), last + 3)
    header = paras[:header_end]

    # -- date line ("…, ngày … tháng … năm …"; failing that, any "ngày" line, to report its form)
    for pattern in (DATE_LINE, DATE_ANY):
        for p in header:
            for s in _segments(p):
                if pattern.search(s.text) and not SO.match(s.text) and not VV.match(s.text):
                    found["dia_danh_ngay"] = Element("dia_danh_ngay", [_trimmed(s)])
                    break
            if "dia_danh_ngay" in found:
                break
        if "dia_danh_ngay" in found:
            break

    # -- V/v, with the lines that continue it in the same cell
    seg, m = first(VV, header, search=False)
    if seg:
        segs = [_trimmed(seg)]
        if seg.para.cell is not None:
            for p in paras[seg.para.index + 1 : header_end]:
                if not _same_cell(p, seg.para) or not p.text.strip():
                    break
                segs += [_trimmed(s) for s in _segments(p)]
        found["trich_yeu"] = Element("trich_yeu", segs)

    # -- organ names: lines above "Số" on the left (same column as Số), not Quốc hiệu/Tiêu ngữ
    _organs(found, paras, so_para)

    # -- rules under the issuing organ and under the motto
    if "co_quan_ban_hanh" in found:
        _rule(found, "duong_ke_co_quan", found["co_quan_ban_hanh"], paras, doc)
    if "tieu_ngu" in found:
        _rule(found, "duong_ke_tieu_ngu", found["tieu_ngu"], paras, doc)

    # -- Kính gửi with its dashed recipients
    if kinh_gui_para is not None:
        segs = [_trimmed(s) for s in _segments(kinh_gui_para)]
        for p in paras[kinh_gui_para.index + 1 :]:
            if not p.text.strip():
                continue
            if DASH.match(p.text) and p.cell is None:
                segs += [_trimmed(s) for s in _segments(p)]
                continue
            break
        found["kinh_gui"] = Element("kinh_gui", segs)

    # -- Nơi nhận and the signature block
    start = (kinh_gui_para.index + 1) if kinh_gui_para else header_end
    noi_nhan_seg = None
    for p in paras[start:]:
        for s in _segments(p):
            if NOI_NHAN.match(s.text):
                noi_nhan_seg = s
                break
        if noi_nhan_seg:
            break
    sign_start = _signature(found, paras, noi_nhan_seg, start)

    # -- body: between the header (and Kính gửi list) and the signature block
    body_start = header_end
    if "kinh_gui" in found:
        body_start = found["kinh_gui"].segments[-1].para.index + 1
    body = [
        p for p in paras[body_start:sign_start]
        if p.text.strip() and p.cell is None and p.kind == "body" and not (p.text.strip() in STAMPS)
    ]
    found["noi_dung"] = Element("noi_dung", [Segment(p, 0, len(p.text)) for p in body])
    if not body:
        del found["noi_dung"]

    # -- page numbers (section 1's headers and footers)
    found["so_trang"] = _page_numbers(doc)
    return found


def _organs(found, paras, so_para) -> None:
    if so_para is None:
        limit = found["tieu_ngu"].segments[0].para.index + 1 if "tieu_ngu" in found else 0
        candidates = paras[:limit]
    else:
        candidates = paras[: so_para.index]
    exclude = {id(s.para) for k in ("quoc_hieu", "tieu_ngu", "dia_danh_ngay") for s in found.get(k, Element(k)).segments}
    qh = found.get("quoc_hieu")
    qh_cell = qh.segments[0].para.cell if qh else None
    lines: list[Segment] = []
    for p in candidates:
        if so_para is not None and so_para.cell is not None:
            # in a letterhead table: the column of "Số" only
            if p.cell is None or p.cell.tbl is not so_para.cell.tbl or p.cell.col != so_para.cell.col:
                continue
        elif qh_cell is not None and p.cell is not None and p.cell.tc is qh_cell.tc:
            continue
        segs = _segments(p)
        if not segs:
            continue
        if id(p) in exclude:
            # "UBND TỈNH X<tab>CỘNG HÒA …": the part before the Quốc hiệu
            segs = [s for s in segs if not QUOC_HIEU.search(s.text) and not TIEU_NGU.search(s.text)
                    and not DATE_LINE.search(s.text)][:1]
        else:
            segs = segs[:1]
        for s in segs:
            t = s.text.strip()
            if RULE_TEXT.match(t) or t in STAMPS or PLACEHOLDER.match(t):
                continue
            lines.append(_trimmed(s))
    if not lines:
        return
    # our own letters say which line is which; others: the issuing organ is the bold block at the end
    issuer = [s for s in lines if s.para.style_id == StyleId.ISSUER]
    parent = [s for s in lines if s.para.style_id == StyleId.PARENT_BODY]
    if not issuer:
        first_bold = next((i for i, s in enumerate(lines) if _bold_line(s)), None)
        if first_bold is None:
            first_bold = 0 if len(lines) == 1 else 1
        parent, issuer = lines[:first_bold], lines[first_bold:]
    found["co_quan_ban_hanh"] = Element("co_quan_ban_hanh", issuer)
    if parent:
        found["co_quan_chu_quan"] = Element("co_quan_chu_quan", parent)


def _width_of(seg: Segment) -> float:
    """Printed width (pt) of a segment, run by run, with Times New Roman's advance widths."""
    total = 0.0
    for r in seg.para.runs:
        a, b = max(r.start, seg.start), min(r.end, seg.end)
        if a < b:
            total += text_width_pt(seg.para.text[a:b], r.fmt.size or 11.0, r.fmt.bold, r.fmt.italic) * r.fmt.scale
    return total


def _rule(found, name: str, owner: Element, paras: list[Para], doc: Document) -> None:
    """Find the rule under ``owner``: a paragraph border, a drawn line, underscores or underlined text."""
    last = owner.segments[-1].para
    text_width = max(_width_of(s) for s in owner.segments)
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
            if last.cell is not None and not _same_cell(p, last):
                break
            if p.drawings:
                candidates.append(("hình vẽ", max(p.drawings), p))
                break
            if RULE_TEXT.match(p.text):
                seg = _trimmed(Segment(p, 0, len(p.text)))
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
    box = p.box_width_pt or 0.0
    return max(box - (p.ind_left + p.ind_right) / TWIPS_PER_PT, 0.0)


def _signature(found, paras, noi_nhan_seg: Segment | None, start: int) -> int:
    """Find Nơi nhận, its list, the authority lines and the signer's name; return where the block starts."""
    if noi_nhan_seg is not None:
        label = noi_nhan_seg.para
        found["noi_nhan"] = Element("noi_nhan", [_trimmed(noi_nhan_seg)])
        items = []
        for p in paras[label.index + 1 :]:
            if label.cell is not None and not _same_cell(p, label):
                break
            if not p.text.strip():
                continue
            seg = _segments(p)[0]
            if DASH.match(seg.text):
                items.append(_trimmed(seg))
            elif label.cell is None:
                break
        if items:
            found["noi_nhan_danh_sach"] = Element("noi_nhan_danh_sach", items)
    # the signature: the cells right of Nơi nhận in its table row, or the lines after the body
    sign: list[Segment] = []
    block_start = len(paras)
    if noi_nhan_seg is not None and noi_nhan_seg.para.cell is not None:
        cell = noi_nhan_seg.para.cell
        row_paras = [p for p in paras if p.cell is not None and p.cell.tbl is cell.tbl and p.cell.row == cell.row]
        sign = [_trimmed(s) for p in row_paras if p.cell.col > cell.col for s in _segments(p)[:1]]
        block_start = min(p.index for p in paras if p.cell is not None and p.cell.tbl is cell.tbl)
    else:
        # no table: the short lines (upper case, bold or centred) just before "Nơi nhận", or after its list
        tail_from = noi_nhan_seg.para.index if noi_nhan_seg is not None else len(paras)
        listed = {id(s.para) for s in found.get("noi_nhan_danh_sach", Element("x")).segments}
        before: list[Para] = []
        for p in reversed(paras[start:tail_from]):
            if not p.text.strip():
                continue
            if p.cell is not None or not _signature_like(p):
                break
            before.insert(0, p)
        after = [
            p for p in paras[tail_from + 1 :]
            if p.text.strip() and id(p) not in listed and p.cell is None and _signature_like(p)
        ] if noi_nhan_seg is not None else []
        block = before or after
        block_start = before[0].index if before else tail_from
        for p in block:
            s = _segments(p)[-1]
            if not NOI_NHAN.match(s.text) and not DASH.match(s.text):
                sign.append(_trimmed(s))
    sign = [s for s in sign if not PLACEHOLDER.match(s.text) and s.text.strip()]
    if sign:
        name = sign[-1]
        titles = sign[:-1]
        if titles:
            found["quyen_han"] = Element("quyen_han", titles)
        if not _is_upper(name.text) or not titles:
            found["ho_ten"] = Element("ho_ten", [name])
        else:  # every line upper case: no separate name line
            found["quyen_han"] = Element("quyen_han", sign)
    return block_start


def _signature_like(p: Para) -> bool:
    """A line of a signature block typed without a table: short, and upper case, bold or not left-aligned."""
    text = _segments(p)[-1].text if _segments(p) else ""
    if len(text.strip()) > 60 or DASH.match(text):
        return False
    seg = _segments(p)[-1]
    return _is_upper(text) or _bold_line(seg) or p.jc in ("center", "right") or "\t" in p.text


def _is_page_field(instr: str) -> bool:
    return bool(re.match(r"^\s*PAGE\b", instr.strip(), re.I))


def _page_numbers(doc: Document) -> Element:
    section = doc.sections[0] if doc.sections else None
    data: dict[str, Any] = {"section": section}
    segs: list[Segment] = []
    if section is not None:
        default = section.headers.get("default", [])
        holder = next((p for p in default if any(_is_page_field(f.instr) for f in p.fields)), None)
        data["holder"] = holder
        if holder is not None:
            segs = [Segment(holder, 0, len(holder.text))]
        data["in_footer"] = any(
            _is_page_field(f.instr) for paras in section.footers.values() for p in paras for f in p.fields
        )
        first = section.headers.get("first", []) if section.title_pg else default
        data["first_shows"] = any(_is_page_field(f.instr) for p in first for f in p.fields)
    return Element("so_trang", segs, data)
