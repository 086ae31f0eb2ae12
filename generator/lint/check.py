"""``dispatch lint``: check any .docx against the layout rules of Nghị định 30/2020/NĐ-CP.

Three parts:

1. ``find_elements`` locates the parts of a công văn by their *text and position*
   (the paragraph holding "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", a line starting
   "Số:", the "…, ngày … tháng … năm …" line, "V/v", "Kính gửi", "Nơi nhận:", the
   signature block beside it…). Our own style ids are used only as a hint where text
   alone is ambiguous (which header lines are the parent organ).
2. The rules are data (``data/nd30_rules.yaml``): element, property, allowed range or
   values, the decree's section and a Vietnamese description.
3. A small engine measures each property (``PROPERTIES``) on each element and
   compares it with the rule's constraint.

Effective fonts, sizes, bold and italic come from ``docx_read`` (run -> character
style -> paragraph style -> basedOn chain -> docDefaults, theme fonts resolved).
"""
from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Callable

import yaml

from generator.ooxml.read import Document, Para, Run, read_docx
from generator.ooxml.elements import DATE_LINE, KINH_GUI, NOI_NHAN, QUOC_HIEU, TIEU_NGU
from generator.geometry.metrics import text_width_pt

TNR = "Times New Roman"
TWIPS_PER_CM = 1440 / 2.54
TWIPS_PER_MM = 1440 / 25.4
SINGLE_LINE = 1.15  # Times New Roman's single line is 1.15 × the font size (ascent + descent + gap)
MIXED_CASE_TYPE_ABBREVIATIONS = {"QyĐ", "CTr", "TTr", "TrS"}  # Phụ lục III
STAMPS = {"KHẨN", "THƯỢNG KHẨN", "HỎA TỐC", "HOẢ TỐC", "MẬT", "TỐI MẬT", "TUYỆT MẬT"}
AUTHORITY = re.compile(r"^\s*(TM|KT|Q|TL|TUQ)\.\s")


# =========================================================================== elements


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


# Lint's own patterns, lenient where extract.py's are strict, since a lint must find the
# element to report what is wrong with it: "Số" without its colon ("Số 12/UBND"), a date
# line in any form, only the decree's "V/v" (not a spelled-out "Về việc"), and any dash a
# list line may start with, the wrong em dash included (extract.py also takes "+" and "•").
SO = re.compile(r"^\s*Số\s*(:|[\s._…]*\d*[\s._…]*/)")
DATE = re.compile(r"ngày\s*(?P<day>[^\s]*?)\s*tháng\s*(?P<month>[^\s]*?)\s*năm\s*(?P<year>[^\s]*)", re.I)
DATE_ANY = re.compile(r"\bngày\s*\d", re.I)
VV = re.compile(r"^\s*v/v\b", re.I)
DASH = re.compile(r"^\s*[-–—]\s*")
RULE_TEXT = re.compile(r"^\s*_{3,}\s*$")
PLACEHOLDER = re.compile(r"^\s*[\(\[].*[\)\]]\s*$|^\s*(đã ký|da ky)\s*$", re.I)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


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
    issuer = [s for s in lines if s.para.style_id == "CVCoQuanBanHanh"]
    parent = [s for s in lines if s.para.style_id == "CVCoQuanChuQuan"]
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
    return max(box - (p.ind_left + p.ind_right) / 20, 0.0)


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


# =========================================================================== properties


def _per_run(getter: Callable[[Run], Any]):
    def measure(el: Element, doc: Document) -> list[tuple[Any, str]]:
        out = []
        for seg in el.segments:
            for r in seg.runs():
                out.append((getter(r), seg.where()))
        return out

    return measure


def _font_value(r: Run) -> str:
    """The font the run's letters use: the ASCII slot for plain letters, hAnsi for Vietnamese ones."""
    text = r.text
    slots = []
    if any(ord(c) < 128 and not c.isspace() for c in text):
        slots.append(r.fmt.font_ascii)
    if any(ord(c) >= 128 for c in text):
        slots.append(r.fmt.font_hansi)
    for slot in slots:
        if slot.name != TNR:
            return slot.label()
    return TNR


def m_font(el: Element, doc: Document):
    return [(_font_value(r), p.where()) for p in el.data["paragraphs"] for r in p.runs if r.text.strip()]


def m_color(el: Element, doc: Document):
    out = []
    for p in el.data["paragraphs"]:
        if p.text.strip().upper() in STAMPS:
            continue
        for r in p.runs:
            if r.text.strip():
                color = (r.fmt.color or "auto").lower()
                out.append(("đen" if color in ("auto", "000000") else f"màu {color.upper()}", p.where()))
    return out


def m_upper(el: Element, doc: Document):
    out = []
    for seg in el.segments:
        runs = seg.runs()
        shown = "".join(
            (seg.para.text[max(r.start, seg.start) : min(r.end, seg.end)].upper() if r.fmt.caps
             else seg.para.text[max(r.start, seg.start) : min(r.end, seg.end)])
            for r in runs
        )
        out.append((_is_upper(shown), seg.where()))
    return out


def m_text(el: Element, doc: Document):
    return [(" ".join(s.text.split()) if s.text.strip() else s.text, s.where()) for s in el.segments[:1]]


def _so_parts(el: Element) -> tuple[str, str] | None:
    m = re.match(r"^\s*Số\s*:?\s*(?P<num>[^/]*?)\s*/\s*(?P<sym>.*?)\s*$", el.segments[0].text)
    if not m:
        return None
    return m.group("num"), m.group("sym")


def m_number(el: Element, doc: Document):
    parts = _so_parts(el)
    return [] if parts is None else [(parts[0], el.segments[0].where())]


def m_symbol(el: Element, doc: Document):
    parts = _so_parts(el)
    return [] if parts is None else [(parts[1], el.segments[0].where())]


def m_symbol_upper(el: Element, doc: Document):
    parts = _so_parts(el)
    if parts is None:
        return []
    groups = re.split(r"[-\s]+", parts[1])
    ok = all(g in MIXED_CASE_TYPE_ABBREVIATIONS or g == g.upper() for g in groups if g)
    return [(ok, el.segments[0].where())]


def _date_part(name: str):
    def measure(el: Element, doc: Document):
        m = DATE.search(el.segments[0].text)
        if not m:
            return [("không đọc được ngày", el.segments[0].where())]
        return [(m.group(name), el.segments[0].where())]

    return measure


def m_align(el: Element, doc: Document):
    out = []
    for seg in el.segments:
        p = seg.para
        if el.name == "noi_dung" and p.jc == "center" and _bold_line(seg):
            continue  # headings of Phần, Chương… are centred (§II.6.đ)
        out.append((p.jc, seg.where()))
    return out


def m_first_line_cm(el: Element, doc: Document):
    out = []
    for seg in el.segments:
        p = seg.para
        if p.jc == "center":
            continue
        out.append((round((p.ind_left + p.ind_first) / TWIPS_PER_CM, 3), seg.where()))
    return out


def m_paragraph_gap(el: Element, doc: Document):
    out = []
    segs = el.segments
    for a, b in zip(segs, segs[1:]):
        pa, pb = a.para, b.para
        if pb.index != pa.index + 1 and any(q.text.strip() for q in doc.paragraphs[pa.index + 1 : pb.index]):
            continue
        gap = pa.after + pb.before
        if pa.contextual and pb.contextual and pa.style_id == pb.style_id:
            gap = 0.0
        # an empty paragraph between the two counts as its height (a blank line is at least 6 pt)
        if pb.index > pa.index + 1:
            gap = max(gap, 6 * 20)
        out.append((round(gap / 20, 2), b.where()))
    return out


def m_line_spacing(el: Element, doc: Document):
    out = []
    for seg in el.segments:
        p = seg.para
        if p.line is None:
            out.append((1.0, seg.where()))
            continue
        if p.line_rule == "auto":
            out.append((round(p.line / 240, 3), seg.where()))
        else:
            sizes = [r.fmt.size or 11 for r in seg.runs()] or [11]
            out.append((round((p.line / 20) / (SINGLE_LINE * max(sizes)), 3), seg.where()))
    return out


def m_gap_before(el: Element, doc: Document):
    seg = el.segments[0]
    p = seg.para
    prev = None
    for q in reversed(doc.paragraphs[: p.index]):
        if p.cell is not None and not _same_cell(q, p):
            break
        prev = q
        break
    gap = p.before + (prev.after if prev is not None else 0)
    if prev is not None and not prev.text.strip():
        gap += 240  # an empty line above
    return [(round(gap / 20, 2), seg.where())]


def m_present(el: Element, doc: Document):
    if el.name.startswith("duong_ke_"):
        return [(not el.data.get("missing"), _owner_where(el))]
    return [(bool(el.segments), "")]


def _owner_where(el: Element) -> str:
    owner = el.data.get("owner")
    return f"dưới {owner.segments[-1].where()}" if owner else ""


def m_rule_ratio(el: Element, doc: Document):
    if el.data.get("missing"):
        return []
    width = el.data["text_width"] or 1.0
    return [(round(el.data["length"] / width, 3), f"{el.data['how']}, {_owner_where(el)}")]


def m_last_line(el: Element, doc: Document):
    seg = el.segments[-1]
    return [(" ".join(seg.text.split()), seg.where())]


def m_page_size(el: Element, doc: Document):
    """A4 portrait; A4 landscape only for a section that holds a table (§I.2)."""
    out = []
    tables = {p.section for p in doc.paragraphs if p.cell is not None}
    for s in doc.sections:
        where = f"phần (section) {s.index + 1}"
        if s.page_w is None or s.page_h is None:
            out.append(("không khai báo", where))
            continue
        wmm, hmm = s.page_w / TWIPS_PER_MM, s.page_h / TWIPS_PER_MM
        if abs(wmm - 210) <= 1 and abs(hmm - 297) <= 1:
            out.append(("A4 dọc", where))
        elif abs(wmm - 297) <= 1 and abs(hmm - 210) <= 1:
            out.append(("A4 ngang có bảng" if s.index in tables else "A4 ngang", where))
        else:
            out.append((f"{_num(wmm, 1)} × {_num(hmm, 1)} mm", where))
    return out


def _margin(side: str):
    def measure(el: Element, doc: Document):
        return [
            (round(s.margins.get(side, 0) / TWIPS_PER_MM, 2), f"phần (section) {s.index + 1}") for s in doc.sections
        ]

    return measure


def m_page_field(el: Element, doc: Document):
    data = el.data
    if data.get("holder") is not None:
        return [(True, data["holder"].where())]
    where = "số trang đặt ở chân trang" if data.get("in_footer") else "không có trường số trang (PAGE) ở đầu trang"
    return [(False, where)]


def m_hidden_first(el: Element, doc: Document):
    data = el.data
    section = data.get("section")
    if section is None or data.get("holder") is None:
        return []
    if data.get("first_shows"):
        why = "trang đầu vẫn hiện số trang" + ("" if section.title_pg else " (chưa đặt «trang đầu khác» — titlePg)")
        return [(False, why)]
    return [(True, "đầu trang")]


def m_field_size(el: Element, doc: Document):
    holder = el.data.get("holder")
    if holder is None:
        return []
    fmts = [f.fmt for f in holder.fields if _is_page_field(f.instr) and f.fmt is not None]
    fmts += [r.fmt for r in holder.runs if r.text.strip()]
    return [(f.size, holder.where()) for f in fmts[:1]]


def m_field_italic(el: Element, doc: Document):
    holder = el.data.get("holder")
    if holder is None:
        return []
    fmts = [f.fmt for f in holder.fields if _is_page_field(f.instr) and f.fmt is not None]
    return [(f.italic, holder.where()) for f in fmts[:1]]


PROPERTIES: dict[str, tuple[str, Callable]] = {
    # name: (Vietnamese label, measure(element, document) -> [(value, where)])
    "present": ("có mặt", m_present),
    "font": ("phông chữ", m_font),
    "color": ("màu chữ", m_color),
    "size": ("cỡ chữ", _per_run(lambda r: r.fmt.size)),
    "bold": ("chữ đậm", _per_run(lambda r: r.fmt.bold)),
    "italic": ("chữ nghiêng", _per_run(lambda r: r.fmt.italic)),
    "upper": ("chữ in hoa", m_upper),
    "text": ("chữ", m_text),
    "number": ("số", m_number),
    "symbol": ("ký hiệu", m_symbol),
    "symbol_upper": ("ký hiệu in hoa", m_symbol_upper),
    "date_day": ("ngày", _date_part("day")),
    "date_month": ("tháng", _date_part("month")),
    "date_year": ("năm", _date_part("year")),
    "align": ("canh lề", m_align),
    "first_line_cm": ("thụt đầu dòng", m_first_line_cm),
    "paragraph_gap_pt": ("khoảng cách giữa hai đoạn", m_paragraph_gap),
    "line_spacing": ("giãn dòng", m_line_spacing),
    "gap_before_pt": ("khoảng cách với dòng trên", m_gap_before),
    "rule_ratio": ("độ dài đường kẻ so với dòng chữ", m_rule_ratio),
    "last_line": ("dòng cuối", m_last_line),
    "page_size_mm": ("khổ giấy", m_page_size),
    "margin_top_mm": ("lề trên", _margin("top")),
    "margin_bottom_mm": ("lề dưới", _margin("bottom")),
    "margin_left_mm": ("lề trái", _margin("left")),
    "margin_right_mm": ("lề phải", _margin("right")),
    "page_field_in_header": ("số trang ở đầu trang", m_page_field),
    "hidden_on_first_page": ("ẩn số trang ở trang đầu", m_hidden_first),
}
# the page number's own size and slant come from the field, not from its (empty) result text
FIELD_PROPERTIES = {"size": m_field_size, "italic": m_field_italic}

UNITS = {"size": "pt", "paragraph_gap_pt": "pt", "gap_before_pt": "pt", "first_line_cm": "cm",
         "margin_top_mm": "mm", "margin_bottom_mm": "mm", "margin_left_mm": "mm", "margin_right_mm": "mm",
         "page_size_mm": "mm", "line_spacing": "lines"}
BOOLEAN_WORDS = {
    "bold": ("đậm", "không đậm"),
    "italic": ("nghiêng", "đứng (không nghiêng)"),
    "upper": ("in hoa", "không in hoa hết"),
    "present": ("có", "không có"),
    "symbol_upper": ("in hoa", "có chữ thường"),
    "page_field_in_header": ("có số trang ở đầu trang", "không có số trang ở đầu trang"),
    "hidden_on_first_page": ("ẩn ở trang đầu", "hiện ở trang đầu"),
}
ALIGN_WORDS = {"justify": "canh đều hai lề", "left": "canh trái", "center": "canh giữa", "right": "canh phải"}


def _num(value: float, digits: int = 2) -> str:
    """1.27 -> "1,27" (Vietnamese decimal comma), 13.0 -> "13"."""
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def show_found(prop: str, value: Any) -> str:
    """A found value with its label: "cỡ chữ 14 pt", "không đậm", "tháng «03»"."""
    shown = show_value(prop, value)
    if isinstance(value, bool) or prop in ("align",):
        return shown
    return f"{PROPERTIES[prop][0]} {shown}"


def show_value(prop: str, value: Any) -> str:
    if value is None:
        return "không khai báo"
    if isinstance(value, bool):
        yes, no = BOOLEAN_WORDS.get(prop, ("có", "không"))
        return yes if value else no
    if prop == "align":
        return ALIGN_WORDS.get(value, value)
    if prop == "rule_ratio":
        return f"{_num(value * 100, 0)} %"
    if isinstance(value, (int, float)):
        unit = UNITS.get(prop, "")
        return f"{_num(value)} {unit}".strip()
    if value == "":
        return "(trống)"
    return f"«{value}»"


# =========================================================================== rules


@dataclass(frozen=True)
class Rule:
    id: str
    element: str
    property: str
    section: str
    description: str
    min: float | None = None
    max: float | None = None
    tolerance: float = 0.0
    equals: Any = None
    one_of: tuple | None = None
    pattern: str | None = None

    def accepts(self, value: Any) -> bool:
        if value is None:
            return False
        if self.pattern is not None:
            return isinstance(value, str) and re.search(self.pattern, value) is not None
        if self.equals is not None:
            return value == self.equals
        if self.one_of is not None:
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return any(abs(value - float(v)) <= self.tolerance + 1e-9 for v in self.one_of)
            return value in self.one_of
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if self.min is not None and value < self.min - self.tolerance - 1e-9:
                return False
            if self.max is not None and value > self.max + self.tolerance + 1e-9:
                return False
            return True
        return False

    def expected(self) -> str:
        p = self.property
        if self.pattern is not None or p == "present":
            return self.description
        if self.equals is not None:
            return show_found(p, self.equals)
        if self.one_of is not None:
            shown = " hoặc ".join(show_value(p, v) for v in self.one_of)
            return shown if p == "align" else f"{PROPERTIES[p][0]} {shown}"
        unit = UNITS.get(p, "")
        label = PROPERTIES[p][0]
        if p == "rule_ratio":
            lo, hi = self.min * 100, self.max * 100
            if math.isclose(lo, hi):
                return f"đường kẻ dài bằng dòng chữ (100 %, lệch tối đa {_num(self.tolerance * 100, 0)} %)"
            return f"đường kẻ dài từ {_num(lo, 0)} % đến {_num(hi, 0)} % dòng chữ"
        if self.min is not None and self.max is not None:
            if math.isclose(self.min, self.max):
                return f"{label} {_num(self.min)} {unit}".strip()
            return f"{label} {_num(self.min)}–{_num(self.max)} {unit}".strip()
        if self.min is not None:
            return f"{label} tối thiểu {_num(self.min)} {unit}".strip()
        return f"{label} tối đa {_num(self.max)} {unit}".strip()


@lru_cache(maxsize=1)
def load_rules() -> tuple[dict[str, str], tuple[Rule, ...]]:
    data = yaml.safe_load(resources.files("generator").joinpath("data/nd30_rules.yaml").read_text("utf-8"))
    rules = []
    for item in data["rules"]:
        item = dict(item)
        if "one_of" in item:
            item["one_of"] = tuple(item["one_of"])
        rule = Rule(**item)
        if rule.property not in PROPERTIES:
            raise ValueError(f"rule {rule.id}: unknown property {rule.property}")
        rules.append(rule)
    return data["elements"], tuple(rules)


@dataclass
class Violation:
    rule: str
    element: str
    element_name: str
    property: str
    found: Any
    found_text: str
    expected: str
    section: str
    description: str
    where: str

    def message(self) -> str:
        where = f" — {self.where}" if self.where else ""
        return (
            f"[{self.rule}] {self.element_name}: {self.found_text}; "
            f"Nghị định yêu cầu: {self.expected} ({self.section}){where}"
        )


@dataclass
class Report:
    file: str
    violations: list[Violation]
    checked: int
    elements: dict[str, str]

    @property
    def ok(self) -> bool:
        return not self.violations

    def rule_ids(self) -> set[str]:
        return {v.rule for v in self.violations}

    def to_text(self) -> str:
        if self.ok:
            return f"{self.file}: đúng thể thức Nghị định 30/2020/NĐ-CP (đã kiểm {self.checked} quy tắc)."
        lines = [f"{self.file}: {len(self.violations)} chỗ sai thể thức (đã kiểm {self.checked} quy tắc)"]
        lines += [f"  - {v.message()}" for v in self.violations]
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps(
            {
                "file": self.file,
                "ok": self.ok,
                "checked": self.checked,
                "violations": [
                    {
                        "rule": v.rule,
                        "element": v.element,
                        "element_name": v.element_name,
                        "property": v.property,
                        "found": v.found,
                        "found_text": v.found_text,
                        "expected": v.expected,
                        "section": v.section,
                        "description": v.description,
                        "where": v.where,
                        "message": v.message(),
                    }
                    for v in self.violations
                ],
            },
            ensure_ascii=False,
            indent=2,
        )


def check(doc: Document, shown_name: str | None = None) -> Report:
    names, rules = load_rules()
    elements = find_elements(doc)
    elements["trang"] = Element("trang", [])
    elements["toan_van"] = Element("toan_van", [], {"paragraphs": doc.all_paragraphs()})
    violations: list[Violation] = []
    checked = 0
    for rule in rules:
        el = elements.get(rule.element)
        if rule.property == "present":
            el = el or Element(rule.element)
        elif el is None or (not el.segments and rule.element not in ("trang", "toan_van", "so_trang")
                             and not rule.element.startswith("duong_ke_")):
            continue
        measure = PROPERTIES[rule.property][1]
        if rule.element == "so_trang" and rule.property in FIELD_PROPERTIES:
            measure = FIELD_PROPERTIES[rule.property]
        values = measure(el, doc)
        checked += 1
        bad = [(v, where) for v, where in values if not rule.accepts(v)]
        if not bad:
            continue
        # one violation per rule: the distinct wrong values, and where the first was seen
        distinct: list[Any] = []
        for v, _ in bad:
            if v not in distinct:
                distinct.append(v)
        if rule.property == "present":
            found_text = "không tìm thấy trong văn bản"
        else:
            found_text = "; ".join(show_found(rule.property, v) for v in distinct[:4])
        if len(distinct) > 4:
            found_text += "; …"
        where = bad[0][1]
        if len(bad) > 1:
            where += f" (và {len(bad) - 1} chỗ khác)"
        violations.append(
            Violation(
                rule=rule.id,
                element=rule.element,
                element_name=names.get(rule.element, rule.element),
                property=rule.property,
                found=distinct[0] if len(distinct) == 1 else distinct,
                found_text=found_text,
                expected=rule.expected(),
                section=rule.section,
                description=rule.description,
                where=where,
            )
        )
    return Report(shown_name or doc.path, violations, checked, {k: names.get(k, k) for k in elements})


def lint_file(path: Path, shown_name: str | None = None) -> Report:
    """Read and check one .docx (``DocxReadError`` when it cannot be read)."""
    return check(read_docx(path), shown_name)
