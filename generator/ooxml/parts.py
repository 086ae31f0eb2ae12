"""The one classifier of a letter's parts: which paragraph is the Quốc hiệu, the number, the title…

``classify`` takes the body paragraphs of any .docx as ``ooxml/read.py`` gives them (reading
order, table cells and text boxes included) and decides, once, for every reader:

- the **document type** (``doctypes.py``): a tên loại centred under the letterhead
  ("QUYẾT ĐỊNH", "BÁO CÁO", "TỜ TRÌNH" … looked up with ``doctypes.by_title``) makes it a
  typed document (Mẫu 1.4, or Mẫu 1.2 for a Quyết định); without one it is a công văn
  (Mẫu 1.5, "V/v …" under Số);
- the **parts** (``Parts.elements``): each part's name (``quoc_hieu``, ``so_ky_hieu``,
  ``ten_loai``, ``kinh_gui``, ``noi_dung``, ``quyen_han`` …, the names of
  ``data/nd30_rules.yaml``) with the pieces of paragraphs (``Segment``) that hold it; a
  paragraph may hold two parts ("Số: 12/UBND<tab>Hà Nội, ngày …");
- the **role of each paragraph** (``Parts.role``): the part its first piece belongs to, or, for
  the other lines of the body, what a reader sees in them (a bold heading, a "Phụ lục" line…);
- which table is the **letterhead** and which the **signature block** (``Parts.tables``).

``dispatch lint`` (``lint/elements.py``) measures the parts; ``dispatch text``/``diff``
(``review/labelling.py``) label the paragraphs with the roles. Neither decides anything itself.

How: by text and structure, never by counting paragraphs. The letterhead ends after the last of
its parts: the letterhead table (the one holding the Quốc hiệu or "Số"), the Số and date line, the
V/v, and for a typed document the title block (tên loại, trích yếu, the rule under it, a Quyết
định's authority line). What follows is the Kính gửi (if any), then the body up to the signature
block (the row of the table holding "Nơi nhận", or short upper-case/bold lines next to it).
Our own style ids, given by the caller (``organ_styles``), are used only as a hint where text
alone is ambiguous (which header lines are the parent organ). The text patterns are ``ooxml/elements.py``'s.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from generator import doctypes
from generator.doctypes import DocumentType
from generator.ooxml.elements import (CAN_CU, DASH, DATE_ANY, DATE_LINE, DIEU, GHI_CHU, KEM_THEO, KINH_GUI, NOI_NHAN,
                                      PHU_LUC, PLACEHOLDER, QUOC_HIEU, QUYET_DINH_LINE, RULE_TEXT, SO, STAMPS,
                                      TIEU_NGU, TRICH_YEU, URGENCY, VV)
from generator.ooxml.model import Para, Run

# Roles of body lines that are no part of the decree's checklist, for readers (``dispatch text``).
HEADING = "de_muc"
BODY = "noi_dung"
URGENCY_MARK = "do_khan"
ANNEX_NUMBER = "phu_luc_so"
ANNEX_TITLE = "phu_luc_ten"
ANNEX_REFERENCE = "phu_luc_kem_theo"
NOTE = "ghi_chu"
SIGNATURE_PLACEHOLDER = "chu_ky"  # "(Đã ký)", "(Chữ ký, dấu)" in the signature block
RULE_LINE = "duong_ke"  # a rule typed as underscores
RECIPIENT_ITEM = "kinh_gui_danh_sach"  # a dashed line of the Kính gửi list
LETTERHEAD_OTHER = "phan_dau"  # a letterhead-table line that is none of its parts


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


@dataclass
class Parts:
    doc_type: DocumentType  # cong_van when no tên loại is found
    elements: dict[str, Element]
    roles: dict  # w:p element -> role, for body paragraphs outside text boxes
    tables: dict  # w:tbl element -> "letterhead" | "signature"
    header_end: int  # index of the first paragraph after the letterhead (and title block)
    body_start: int  # after the Kính gửi list, if any
    sign_start: int  # where the signature block starts

    def role(self, p_el) -> str:
        return self.roles.get(p_el, "")

    def table_kind(self, tbl_el) -> str:
        return self.tables.get(tbl_el, "")


# --------------------------------------------------------------------------- small helpers


def segments(p: Para) -> list[Segment]:
    """Tab-separated parts of a paragraph with text (a "Số …<tab>Hà Nội, ngày …" line has two)."""
    out, start = [], 0
    for m in re.finditer(r"[\t\n]+", p.text):
        if p.text[start : m.start()].strip():
            out.append(Segment(p, start, m.start()))
        start = m.end()
    if p.text[start:].strip():
        out.append(Segment(p, start, len(p.text)))
    return out


def trimmed(seg: Segment) -> Segment:
    text = seg.text
    lead = len(text) - len(text.lstrip())
    trail = len(text) - len(text.rstrip())
    return Segment(seg.para, seg.start + lead, seg.end - trail)


def whole(p: Para) -> Segment:
    return trimmed(Segment(p, 0, len(p.text)))


def same_cell(a: Para, b: Para) -> bool:
    return a.cell is not None and b.cell is not None and a.cell.tc is b.cell.tc


def is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c == c.upper() for c in letters)


def bold_line(seg: Segment) -> bool:
    runs = seg.runs()
    return bool(runs) and all(r.fmt.bold for r in runs)


def _shown_upper(p: Para) -> bool:
    """Upper case as printed (a run in small/all caps counts as upper case)."""
    shown = "".join(p.text[r.start : r.end].upper() if r.fmt.caps else p.text[r.start : r.end] for r in p.runs)
    return is_upper(shown)


def _is_rule_para(p: Para) -> bool:
    """A paragraph that is only a rule: underscores, or no text with a border or a drawn line."""
    if RULE_TEXT.match(p.text):
        return True
    return not p.text.strip() and bool(p.drawings or "bottom" in p.borders or "top" in p.borders)


def _list_continues(previous: Para | None) -> bool:
    """A dashed line continues a list while the item before it did not end it with a full stop."""
    return previous is None or not previous.text.rstrip().endswith(".")


# --------------------------------------------------------------------------- the classifier


def classify(paras: list[Para], organ_styles: tuple[str, str] | None = None) -> Parts:
    """Decide the type and the parts of a letter from its body paragraphs (see the module docstring).

    ``organ_styles``: the style ids (issuing organ, parent organ) of our own template, which say
    which letterhead line is which where text alone cannot."""
    found: dict[str, Element] = {}

    def first(pattern, candidates, search=True):
        for p in candidates:
            for seg in segments(p):
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
        found["tieu_ngu"] = Element("tieu_ngu", [trimmed(Segment(seg.para, seg.start, seg.end))])

    # -- Số (the first line starting "Số" with a colon or a slash, before "Kính gửi"/"Nơi nhận")
    kinh_gui_para = next((p for p in paras if any(KINH_GUI.match(s.text) for s in segments(p))), None)
    stop = kinh_gui_para.index if kinh_gui_para else len(paras)
    seg, m = first(SO, paras[:stop], search=False)
    so_para = None
    if seg:
        found["so_ky_hieu"] = Element("so_ky_hieu", [trimmed(seg)])
        so_para = seg.para

    # -- the letterhead table: the one holding the Quốc hiệu or Số, else a table before any text
    letterhead_tbl = None
    for anchor in (so_para, found["quoc_hieu"].segments[0].para if "quoc_hieu" in found else None):
        if anchor is not None and anchor.cell is not None:
            letterhead_tbl = anchor.cell.tbl
            break
    if letterhead_tbl is None:
        first_text = next((p for p in paras if p.text.strip()), None)
        if first_text is not None and first_text.cell is not None and first_text.kind == "body":
            letterhead_tbl = first_text.cell.tbl
    letterhead = [p for p in paras if p.cell is not None and p.cell.tbl is letterhead_tbl] if letterhead_tbl is not None else []
    zone_end = (letterhead[-1].index + 1) if letterhead else 0
    for anchor in (so_para, found["quoc_hieu"].segments[0].para if "quoc_hieu" in found else None,
                   found["tieu_ngu"].segments[0].para if "tieu_ngu" in found else None):
        if anchor is not None and anchor.index < stop:
            zone_end = max(zone_end, anchor.index + 1)

    # -- date line ("…, ngày … tháng … năm …"; failing that, any "ngày" line, to report its form),
    #    in the letterhead or in the lines right under it
    def near(p: Para) -> bool:
        return p.index < zone_end or (p.index < stop and _letterhead_follows(paras, zone_end, p.index))

    for pattern in (DATE_LINE, DATE_ANY):
        for p in paras[: stop]:
            if not near(p):
                break
            for s in segments(p):
                if pattern.search(s.text) and not SO.match(s.text) and not VV.match(s.text):
                    found["dia_danh_ngay"] = Element("dia_danh_ngay", [trimmed(s)])
                    break
            if "dia_danh_ngay" in found:
                break
        if "dia_danh_ngay" in found:
            break
    if "dia_danh_ngay" in found:
        zone_end = max(zone_end, found["dia_danh_ngay"].segments[0].para.index + 1)

    # -- V/v under Số (a công văn), with the lines that continue it in the same cell
    seg, m = first(VV, [p for p in paras[:stop] if near(p)], search=False)
    if seg:
        segs = [trimmed(seg)]
        if seg.para.cell is not None:
            for p in paras[seg.para.index + 1 :]:
                if not same_cell(p, seg.para) or not p.text.strip():
                    break
                segs += [trimmed(s) for s in segments(p)]
        found["trich_yeu"] = Element("trich_yeu", segs)
        zone_end = max(zone_end, segs[-1].para.index + 1)

    # -- urgency and secrecy stamps right under the letterhead belong to it
    i = zone_end
    while i < len(paras) and (not paras[i].text.strip() or paras[i].text.strip() in STAMPS) and paras[i].cell is None:
        i += 1
    # -- the title block of a typed document: tên loại, trích yếu, the rule, a Quyết định's authority
    doc_type = doctypes.document_types()[doctypes.DEFAULT]
    header_end = zone_end
    title = paras[i] if i < len(paras) and (kinh_gui_para is None or i <= kinh_gui_para.index) else None
    title_segs = segments(title) if title is not None else []
    typed = doctypes.by_title(title_segs[0].text) if title_segs else None  # "QUYẾT ĐỊNH" or "QUYẾT ĐỊNH↵Về việc …"
    if typed is not None and title.cell is None:
        doc_type = typed
        header_end = _title_block(found, paras, title, typed)
    else:
        header_end = zone_end

    # -- organ names: lines above "Số" on the left (same column as Số), not Quốc hiệu/Tiêu ngữ
    _organs(found, paras, so_para, organ_styles)

    # -- Kính gửi with its dashed recipients
    if kinh_gui_para is not None:
        segs = [trimmed(s) for s in segments(kinh_gui_para)]
        last = kinh_gui_para
        for p in paras[kinh_gui_para.index + 1 :]:
            if not p.text.strip():
                continue
            if DASH.match(p.text) and p.cell is None and _list_continues(last if last is not kinh_gui_para else None):
                segs += [trimmed(s) for s in segments(p)]
                last = p
                continue
            break
        found["kinh_gui"] = Element("kinh_gui", segs)

    # -- Nơi nhận and the signature block
    start = (kinh_gui_para.index + 1) if kinh_gui_para else header_end
    noi_nhan_seg = None
    for p in paras[start:]:
        for s in segments(p):
            if NOI_NHAN.match(s.text):
                noi_nhan_seg = s
                break
        if noi_nhan_seg:
            break
    sign_start, signature_tbl, placeholders = _signature(found, paras, noi_nhan_seg, start, letterhead_tbl)

    # -- a Quyết định's preamble and articles; căn cứ of any typed document
    body_start = header_end
    if "kinh_gui" in found:
        body_start = max(body_start, found["kinh_gui"].segments[-1].para.index + 1)
    excluded = _preamble(found, paras, body_start, sign_start, doc_type)

    # -- body: between the header (and Kính gửi list) and the signature block
    body = [
        p for p in paras[body_start:sign_start]
        if p.text.strip() and p.cell is None and p.kind == "body" and p.text.strip() not in STAMPS
        and id(p) not in excluded and not RULE_TEXT.match(p.text)
    ]
    if body:
        found["noi_dung"] = Element("noi_dung", [Segment(p, 0, len(p.text)) for p in body])
    articles = [s for s in (_article(p) for p in body) if s is not None]
    if articles:
        found["dieu"] = Element("dieu", articles)

    tables = {}
    if letterhead_tbl is not None:
        tables[letterhead_tbl] = "letterhead"
    if signature_tbl is not None and signature_tbl is not letterhead_tbl:
        tables[signature_tbl] = "signature"
    found["loai_van_ban"] = Element("loai_van_ban", [], {"type": doc_type})
    parts = Parts(doc_type, found, {}, tables, header_end, body_start, sign_start)
    _roles(parts, paras, letterhead_tbl, signature_tbl, placeholders)
    return parts


def _letterhead_follows(paras: list[Para], zone_end: int, index: int) -> bool:
    """Whether every line between the letterhead and ``index`` is empty or part of a letterhead
    typed without a table (Số, the date line, V/v): the date line may follow Số on its own line."""
    for p in paras[zone_end:index]:
        t = p.text.strip()
        if t and not (SO.match(t) or DATE_LINE.search(t) or VV.match(t) or t in STAMPS):
            return False
    return index - zone_end <= 3


def _title_block(found, paras: list[Para], title: Para, typed: DocumentType) -> int:
    """Tên loại, the trích yếu under it and, for a Quyết định, the authority line; return the end."""
    title_segs = [trimmed(s) for s in segments(title)]
    found["ten_loai"] = Element("ten_loai", title_segs[:1], {"type": typed})
    lines: list[Para] = []
    i = title.index + 1
    if len(title_segs) > 1:  # the trích yếu after a line break in the title's own paragraph
        i = len(paras)
    while i < len(paras):
        p = paras[i]
        t = p.text.strip()
        if not t:
            if lines or _is_rule_para(p):
                break
            i += 1
            continue
        if (RULE_TEXT.match(t) or KINH_GUI.match(t) or CAN_CU.match(t) or QUYET_DINH_LINE.match(t)
                or p.cell is not None or len(lines) >= 3):
            break
        if lines and (_shown_upper(p) or p.jc != lines[0].jc or bold_line(whole(p)) != bold_line(whole(lines[0]))
                      or DIEU.match(t)):
            break  # a line that continues the trích yếu looks like its first line
        if not lines and _shown_upper(p) and typed.layout == "quyet_dinh":
            break  # no trích yếu: this is the authority line
        lines.append(p)
        i += 1
        if p.drawings or "bottom" in p.borders:
            break  # the rule drawn on the trích yếu's own paragraph
    end = title.index + 1
    if len(title_segs) > 1:
        found["trich_yeu_ten_loai"] = Element("trich_yeu_ten_loai", title_segs[1:])
    elif lines:
        found["trich_yeu_ten_loai"] = Element("trich_yeu_ten_loai", [trimmed(seg) for p in lines for seg in segments(p)])
        end = lines[-1].index + 1
    # the rule under the trích yếu (lint measures it; here it is only stepped over)
    j = end
    while j < len(paras) and j <= end + 2 and (not paras[j].text.strip() or _is_rule_para(paras[j])):
        if _is_rule_para(paras[j]):
            end = j + 1
            break
        j += 1
    if typed.layout == "quyet_dinh":
        authority: list[Para] = []
        k = end
        while k < len(paras) and len(authority) < 3:
            p = paras[k]
            t = p.text.strip()
            if not t:
                if authority:
                    break
                k += 1
                continue
            if p.cell is not None or not _shown_upper(p) or QUYET_DINH_LINE.match(t) or KINH_GUI.match(t):
                break
            authority.append(p)
            k += 1
        if authority:
            found["tham_quyen"] = Element("tham_quyen", [whole(p) for p in authority])
            end = authority[-1].index + 1
    return end


CONSIDERING = re.compile(r"^\s*(Căn\s+cứ|Theo\s+đề\s+nghị|Xét\s+đề\s+nghị)\b", re.I)


def _preamble(found, paras: list[Para], body_start: int, sign_start: int, doc_type: DocumentType) -> set[int]:
    """Căn cứ right under the title block (typed documents) and a Quyết định's "QUYẾT ĐỊNH:" line.
    Return the ids of paragraphs that are not body text (the "QUYẾT ĐỊNH:" line)."""
    excluded: set[int] = set()
    if doc_type.layout == "cong_van":
        return excluded
    grounds: list[Segment] = []
    for p in paras[body_start:sign_start]:
        t = p.text.strip()
        if not t or p.cell is not None or p.kind != "body":
            continue
        if CONSIDERING.match(t):
            grounds.append(whole(p))
            continue
        if QUYET_DINH_LINE.match(t) and doc_type.layout == "quyet_dinh":
            found["quyet_dinh"] = Element("quyet_dinh", [whole(p)])
            excluded.add(id(p))
        break
    if grounds:
        found["can_cu"] = Element("can_cu", grounds)
    return excluded


def _article(p: Para) -> Segment | None:
    """The "Điều 1." that opens an article (the part the decree prints bold)."""
    m = DIEU.match(p.text)
    return Segment(p, m.start(1), m.end(1)) if m else None


def _organs(found, paras, so_para, organ_styles) -> None:
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
        segs = segments(p)
        if not segs:
            continue
        if id(p) in exclude:
            # "UBND TỈNH X<tab>CỘNG HÒA …": the part before the Quốc hiệu
            segs = [s for s in segs if not QUOC_HIEU.search(s.text) and not TIEU_NGU.search(s.text)
                    and not DATE_LINE.search(s.text)][:1]
        else:
            # the lines of one paragraph broken with Shift+Enter, up to a tab (what follows a tab
            # on the same line is another column: "UBND TỈNH X<tab>CỘNG HÒA …")
            kept = segs[:1]
            for prev, seg in zip(segs, segs[1:]):
                if "\t" in p.text[prev.end : seg.start]:
                    break
                kept.append(seg)
            segs = kept
        for s in segs:
            t = s.text.strip()
            if RULE_TEXT.match(t) or t in STAMPS or PLACEHOLDER.match(t):
                continue
            lines.append(trimmed(s))
    if not lines:
        return
    # our own letters say which line is which; others: the issuing organ is the bold block at the end
    issuer_style, parent_style = organ_styles or (None, None)
    issuer = [s for s in lines if issuer_style and s.para.style_id == issuer_style]
    parent = [s for s in lines if parent_style and s.para.style_id == parent_style]
    if not issuer:
        first_bold = next((i for i, s in enumerate(lines) if bold_line(s)), None)
        if first_bold is None:
            first_bold = 0 if len(lines) == 1 else 1
        parent, issuer = lines[:first_bold], lines[first_bold:]
    found["co_quan_ban_hanh"] = Element("co_quan_ban_hanh", issuer)
    if parent:
        found["co_quan_chu_quan"] = Element("co_quan_chu_quan", parent)


def _signature(found, paras, noi_nhan_seg: Segment | None, start: int, letterhead_tbl):
    """Find Nơi nhận, its list, the authority lines and the signer's name.

    Return where the block starts, its table (or None) and the placeholder lines in it."""
    placeholders: list[Para] = []
    signature_tbl = None
    if noi_nhan_seg is not None:
        label = noi_nhan_seg.para
        found["noi_nhan"] = Element("noi_nhan", [trimmed(noi_nhan_seg)])
        items = []
        previous = None
        for p in paras[label.index + 1 :]:
            if label.cell is not None and not same_cell(p, label):
                break
            if not p.text.strip():
                continue
            seg = segments(p)[0]
            if label.cell is not None:
                items.append(trimmed(seg))  # every line of the Nơi nhận cell
            elif DASH.match(seg.text) and _list_continues(previous):
                items.append(trimmed(seg))
                previous = p
            else:
                break
        if items:
            found["noi_nhan_danh_sach"] = Element("noi_nhan_danh_sach", items)
    # the signature: the cells right of Nơi nhận in its table row, or the lines after the body
    sign: list[Segment] = []
    block_start = len(paras)
    if noi_nhan_seg is not None and noi_nhan_seg.para.cell is not None:
        cell = noi_nhan_seg.para.cell
        signature_tbl = cell.tbl
        row_paras = [p for p in paras if p.cell is not None and p.cell.tbl is cell.tbl and p.cell.row == cell.row]
        sign = [trimmed(s) for p in row_paras if p.cell.col > cell.col for s in segments(p)[:1]]
        block_start = min(p.index for p in paras if p.cell is not None and p.cell.tbl is cell.tbl)
    elif noi_nhan_seg is None and _last_table_after_text(paras, start, letterhead_tbl) is not None:
        # no "Nơi nhận" at all: a table after the last line of text is the signature block
        signature_tbl = _last_table_after_text(paras, start, letterhead_tbl)
        cells = [p for p in paras if p.cell is not None and p.cell.tbl is signature_tbl]
        sign = [trimmed(s) for p in cells if p.cell.col > 0 for s in segments(p)[:1]]
        block_start = cells[0].index
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
            s = segments(p)[-1]
            if not NOI_NHAN.match(s.text) and not DASH.match(s.text):
                sign.append(trimmed(s))
    placeholders = [s.para for s in sign if PLACEHOLDER.match(s.text)]
    sign = [s for s in sign if not PLACEHOLDER.match(s.text) and s.text.strip()]
    if sign:
        name = sign[-1]
        titles = sign[:-1]
        if titles:
            found["quyen_han"] = Element("quyen_han", titles)
        if not is_upper(name.text) or not titles:
            found["ho_ten"] = Element("ho_ten", [name])
        else:  # every line upper case: no separate name line
            found["quyen_han"] = Element("quyen_han", sign)
    return block_start, signature_tbl, placeholders


def _last_table_after_text(paras: list[Para], start: int, letterhead_tbl):
    body_text = [p for p in paras[start:] if p.cell is None and p.kind == "body" and p.text.strip()]
    last_text = body_text[-1].index if body_text else start - 1
    tables = [p.cell.tbl for p in paras[start:] if p.cell is not None and p.cell.tbl is not letterhead_tbl
              and p.kind == "body"]
    if not tables:
        return None
    tbl = tables[-1]
    first = next(p for p in paras if p.cell is not None and p.cell.tbl is tbl)
    return tbl if first.index > last_text else None


def _signature_like(p: Para) -> bool:
    """A line of a signature block typed without a table: short, and upper case, bold or not left-aligned."""
    segs = segments(p)
    text = segs[-1].text if segs else ""
    if len(text.strip()) > 60 or DASH.match(text):
        return False
    return is_upper(text) or bold_line(segs[-1]) or p.jc in ("center", "right") or "\t" in p.text


# --------------------------------------------------------------------------- roles of paragraphs


def _roles(parts: Parts, paras: list[Para], letterhead_tbl, signature_tbl, placeholders: list[Para]) -> None:
    """The role of each body paragraph (outside text boxes): its first part, else what it looks like."""
    starts: dict = {}  # w:p element -> (where the part starts in it, the part)
    for name, el in parts.elements.items():
        if name in ("noi_dung", "dieu"):
            continue
        for seg in el.segments:
            role = name
            if name == "kinh_gui" and seg.para is not el.segments[0].para:
                role = RECIPIENT_ITEM
            key = seg.para.el
            if key not in starts or seg.start < starts[key][0]:
                starts[key] = (seg.start, role)
    for p in placeholders:
        starts.setdefault(p.el, (0, SIGNATURE_PLACEHOLDER))
    roles = parts.roles
    previous: tuple[str, str] = ("", "")
    for p in paras:
        if p.kind != "body" or not p.text.strip():
            continue
        text = p.text.strip()
        if p.el in starts:
            role = starts[p.el][1]
        elif RULE_TEXT.match(text):
            role = RULE_LINE
        elif p.cell is not None and p.cell.tbl is letterhead_tbl:
            role = LETTERHEAD_OTHER
        elif p.cell is not None:
            role = ""  # another line of the signature table, or a data table: its place says more
        else:
            role = _body_line(p, text, previous)
        roles[p.el] = role
        previous = (role, text)


def _body_line(p: Para, text: str, previous: tuple[str, str]) -> str:
    if URGENCY.match(text.upper()) and text.isupper():
        return URGENCY_MARK
    if PHU_LUC.match(text) and len(text) < 40:
        return ANNEX_NUMBER
    if previous[0] == ANNEX_NUMBER and text.isupper():
        return ANNEX_TITLE
    if KEM_THEO.match(text) and previous[0] in (ANNEX_NUMBER, ANNEX_TITLE):
        return ANNEX_REFERENCE
    if GHI_CHU.match(text):
        return NOTE
    if TRICH_YEU.match(text):
        return "trich_yeu"
    visible = [r for r in p.runs if r.text.strip()]
    if visible and all(r.fmt.bold for r in visible) and len(text) < 300:
        return HEADING
    return BODY
