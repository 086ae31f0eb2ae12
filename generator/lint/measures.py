"""The properties ``dispatch lint`` measures on an element (the second part): ``PROPERTIES``.

Each measure takes an ``Element`` (``lint/elements.py``) and the ``Document`` and gives
``(value, where)`` pairs, in the units the rules of ``data/nd30_rules.yaml`` are written
in; ``show_found``/``show_value`` say a value in Vietnamese.
"""
from __future__ import annotations

import re
from typing import Any, Callable

from generator import doctypes
from generator.lint.elements import Element, bold_line as _bold_line, is_page_field as _is_page_field, is_upper as _is_upper, same_cell as _same_cell
from generator.ooxml.elements import DATE, STAMPS
from generator.ooxml.ns import TWIPS_PER_CM, TWIPS_PER_MM, TWIPS_PER_PT
from generator.ooxml.read import Document, Run

TNR = "Times New Roman"
SINGLE_LINE = 1.15  # Times New Roman's single line is 1.15 × the font size (ascent + descent + gap)
MIXED_CASE_TYPE_ABBREVIATIONS = {"QyĐ", "CTr", "TTr", "TrS"}  # Phụ lục III


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


def _type_abbreviation(el: Element) -> str:
    """The type abbreviation (Phụ lục III, case kept) that opens the ký hiệu, or ""."""
    parts = _so_parts(el)
    if parts is None:
        return ""
    first = re.split(r"[-\s]+", parts[1].strip())[0]
    return first if doctypes.by_abbreviation(first) is not None else ""


def m_symbol_type(el: Element, doc: Document):
    """The type abbreviation a công văn's ký hiệu carries ("" when none, as the decree wants)."""
    if _so_parts(el) is None:
        return []
    return [(_type_abbreviation(el), el.segments[0].where())]


def m_symbol_type_ok(el: Element, doc: Document):
    """Whether a typed document's ký hiệu opens with its type's abbreviation (QĐ, KH, TTr, QyĐ…)."""
    parts = _so_parts(el)
    doc_type = el.data.get("doc_type")
    if parts is None or doc_type is None or not doc_type.abbreviation:
        return []
    first = re.split(r"[-\s]+", parts[1].strip())[0]
    ok = first == doc_type.abbreviation
    where = el.segments[0].where()
    if not ok:
        where += f" — ký hiệu mở đầu «{first}», {doc_type.name} viết tắt «{doc_type.abbreviation}»"
    return [(ok, where)]


def m_addressable(el: Element, doc: Document):
    """Whether the document's type may carry "Kính gửi" (công văn, tờ trình, báo cáo)."""
    doc_type = el.data.get("doc_type")
    if doc_type is None:
        return []
    where = el.segments[0].where()
    if not doc_type.may_address:
        where += f" — văn bản là {doc_type.name}"
    return [(doc_type.may_address, where)]


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
            gap = max(gap, 6 * TWIPS_PER_PT)
        out.append((round(gap / TWIPS_PER_PT, 2), b.where()))
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
            out.append((round((p.line / TWIPS_PER_PT) / (SINGLE_LINE * max(sizes)), 3), seg.where()))
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
    return [(round(gap / TWIPS_PER_PT, 2), seg.where())]


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
    "symbol_type": ("chữ viết tắt tên loại trong ký hiệu", m_symbol_type),
    "symbol_type_ok": ("chữ viết tắt tên loại trong ký hiệu", m_symbol_type_ok),
    "addressable": ("«Kính gửi» trong loại văn bản này", m_addressable),
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
    "symbol_type_ok": ("đúng chữ viết tắt tên loại", "sai chữ viết tắt tên loại"),
    "addressable": ("được có «Kính gửi»", "có «Kính gửi» mà loại văn bản này không có"),
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
