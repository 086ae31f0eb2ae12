"""Phụ lục (Nghị định 30/2020, Phụ lục I §III.1): tables of the communes' assessments.

A document of any type (công văn, báo cáo, quyết định, …) may carry several annexes
(``phu_luc:`` one, or a list). Each is its own section after the document: it starts
on a new page, turns to landscape when its table is wide (§I.2), repeats no
letterhead (Mẫu 2.1), has the label (14, bold) — "Phụ lục" when there is one, "Phụ
lục I", "Phụ lục II", … when there are two or more (§III.1.a: Roman numerals) — the
title (upper case, bold), the italic "(Kèm theo <Tên loại> số …/<ký hiệu> ngày …
tháng … năm … của <cơ quan ban hành>)" line (§III.1.c, Mẫu 2.1; «Công văn»,
«Quyết định», «Báo cáo» … from the document type) and a short rule, and numbers its
pages on its own, from 1, hidden on its first page (§III.1.đ, §I.7).

Two tables: ``bang: tieu_chi`` (the default) heads its criteria by number, one mark
per criterion, totals under it; a legend names the criteria («1 – Quy hoạch; 2 – …»,
per set) and, when the communes have groups (nhóm xã), the groups, with a «Nhóm»
column. ``bang: danh_sach`` lists the communes (TT, Xã, the number of criteria met
out of the set's, e.g. «10/10»): the list a Quyết định công nhận attaches.

The issuing body in the "(Kèm theo …)" line is written in reading case: typed in
capitals in ``co_quan_ban_hanh``, it is converted for the bodies whose spelling is
regular (Ủy ban nhân dân / Hội đồng nhân dân <cấp> <Địa danh>, Ban Chỉ đạo …,
Văn phòng Điều phối …); any other body is named by ``phu_luc: {co_quan: …}``.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from generator.geometry import layout_spec as L
from generator.geometry.layout_spec import StyleId
from generator.assessments.results import ALL, XA, Assessments, units_word
from generator.exceptions import InputError
from generator.render.attached import Attached, append_attached
from generator.render.role_format import border, para, table_borders
from generator.wording import decision as qd
from generator.wording.headings import roman
from generator.wording.letter import Letter
from generator.wording.sentences import two_digits

MET, FELL_BACK = "x", "sg"


LIST = "danh_sach"  # ``bang: danh_sach``: the communes listed with their count of criteria met


@dataclass(frozen=True)
class Annex:
    label: str
    title: str
    reference: str
    columns: list[int]  # criterion numbers (empty for a list of communes)
    show_set: bool
    rows: list[tuple[str, str, list[str], int]]  # commune, set, marks per column, met count
    totals: list[int]  # communes meeting each criterion
    note: str
    legend: list[str] = ()  # names of the criteria (and of the commune groups) under the table
    groups: list[str] | None = None  # the «Nhóm» column, one value a row, when any commune has a group
    of_total: list[int] | None = None  # a list of communes: each commune's number of criteria in its set
    units: str = "xã"  # what the rows are: "xã", "xã, phường" (the header of the names' column)

    @property
    def landscape(self) -> bool:
        return len(self.columns) > L.ANNEX_LANDSCAPE_ABOVE


def annex_labels(count: int) -> list[str]:
    """«Phụ lục» alone for one annex; «Phụ lục I», «Phụ lục II», … for two or more (§III.1.a)."""
    return ["Phụ lục"] if count == 1 else [f"Phụ lục {roman(n)}" for n in range(1, count + 1)]


_LEVELS = r"thành phố|thị xã|thị trấn|đặc khu|tỉnh|huyện|quận|xã|phường"
_REGULAR = {  # bodies whose reading-case spelling is fixed (Nghị định 30/2020, Phụ lục VI: viết hoa)
    "ủy ban nhân dân": "Ủy ban nhân dân",
    "uỷ ban nhân dân": "Ủy ban nhân dân",
    "ubnd": "Ủy ban nhân dân",
    "hội đồng nhân dân": "Hội đồng nhân dân",
    "hđnd": "Hội đồng nhân dân",
    "ban chỉ đạo": "Ban Chỉ đạo",
    "văn phòng điều phối": "Văn phòng Điều phối",
}


def organ_in_text(lines: list[str]) -> str | None:
    """``ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN`` → ``Ủy ban nhân dân tỉnh Lạng Sơn``; None when not regular.

    Text not typed in capitals is kept as typed.
    """
    text = " ".join(" ".join(lines).split())
    if text != text.upper():
        return text
    low = text.lower()
    prefix = next((k for k in _REGULAR if low == k or low.startswith(k + " ")), None)
    if prefix is None:
        return None
    rest = low[len(prefix):]
    place = re.search(rf"\b({_LEVELS})\s+(\S.*)$", rest)
    if place:
        name = " ".join(w[:1].upper() + w[1:] for w in place.group(2).split(" "))
        rest = rest[:place.start(2)] + name
    return _REGULAR[prefix] + rest


def issuer_in_text(dispatch) -> str | None:
    """Who issued the document, in reading case, for a "(Kèm theo …)" line; None when not regular.

    A Quyết định is issued by its authority (wording/decision.py): «Chủ tịch Ủy ban nhân dân tỉnh Lạng
    Sơn» when the head decides, «Ủy ban nhân dân tỉnh Lạng Sơn» when the body does; any other document
    by its issuing body (``co_quan_ban_hanh``).
    """
    organ = organ_in_text(list(dispatch.issuing_organ))
    if dispatch.type_info.layout != "quyet_dinh" or organ is None:
        return organ
    authority = qd.authority_line(dispatch.authority_line, dispatch.signer.authority, list(dispatch.signer.titles),
                                  list(dispatch.issuing_organ))
    body = " ".join(" ".join(dispatch.issuing_organ).split()).upper()
    if authority == body:
        return organ
    if authority.endswith(" " + body):
        head = authority.removesuffix(" " + body)
        return f"{head[:1]}{head[1:].lower()} {organ}"
    return organ_in_text([authority])


def build_annex(dispatch, letter: Letter, assessments: Assessments, located=None) -> tuple[Annex, ...]:
    """Every annex of ``dispatch`` (``phu_luc``: one or a list), labelled and numbered in order.

    The "(Kèm theo …)" line names the document by its type («Công văn», «Quyết định», «Báo cáo», …).
    """
    kind_name = dispatch.type_info.name
    labels = annex_labels(len(dispatch.annex))
    return tuple(_one_annex(dispatch, n, spec, label, letter, assessments, located, kind_name)
                 for n, (spec, label) in enumerate(zip(dispatch.annex, labels)))


def _one_annex(dispatch, n: int, spec, label: str, letter: Letter, assessments: Assessments, located,
               kind_name: str) -> Annex:
    listed = located is not None and ("phu_luc", n) in getattr(located, "lines", {})
    field = ("phu_luc", n) if listed else ("phu_luc",)
    chosen = assessments.select([ALL] if spec.communes == ALL else list(spec.communes))
    sets = {c.criteria_set.id for c in chosen}
    default = assessments.default_set
    organ = spec.organ or issuer_in_text(dispatch)
    if organ is None:
        problem = f"không tự viết được tên «{' '.join(dispatch.issuing_organ)}» bằng chữ thường cho dòng «(Kèm theo " \
                  f"{kind_name} … của …)» của phụ lục: ghi «phu_luc: {{co_quan: …}}», ví dụ «Sở Nông nghiệp và Môi trường»"
        raise InputError(located.problem(field, problem) if located is not None else problem)
    number = letter.number_line.replace("Số:", "số").strip()
    reference = " ".join(f"(Kèm theo {kind_name} {number} {dispatch.date.text()} của {organ})".split(" "))
    if spec.table == LIST:
        title = spec.title or f"DANH SÁCH CÁC XÃ ĐẠT CHUẨN {default.short_name.upper().removeprefix('XÃ ')}"
        mixed = any(c.unit is not XA for c in chosen)  # xã and phường in one column: each named with its type
        rows = [(c.full_name if mixed else c.name, c.criteria_set.short_name, [], len(c.met)) for c in chosen]
        used = sorted({c.criteria_set.id: c.criteria_set for c in chosen}.values(), key=lambda s: s.id)
        note = f"Bộ tiêu chí: {'; '.join(s.name for s in used)}."
        return Annex(label, title.upper(), reference, [], len(sets) > 1, rows, [], note,
                     groups=_groups(chosen), of_total=[c.total for c in chosen], units=units_word(chosen))
    width = max(c.total for c in chosen)
    columns = list(range(1, width + 1))
    rows = []
    mixed = any(c.unit is not XA for c in chosen)  # xã and phường in one column: each named with its type
    for commune in chosen:
        marks = [MET if n in commune.met else FELL_BACK if n in commune.fell_back else "" for n in columns]
        rows.append((commune.full_name if mixed else commune.name, commune.criteria_set.short_name, marks,
                     len(commune.met)))
    totals = [sum(1 for _, _, marks, _ in rows if marks[i] == MET) for i in range(len(columns))]
    title = spec.title or (
        f"KẾT QUẢ THỰC HIỆN CÁC TIÊU CHÍ {default.short_name.upper().removeprefix('XÃ ')} CỦA CÁC "
        f"{units_word(chosen).upper()}"
    )
    note = f"Ghi chú: {MET} – đạt; để trống – chưa đạt"
    if any(FELL_BACK in marks for _, _, marks, _ in rows):
        note += f"; {FELL_BACK} – sụt giảm so với lần đánh giá trước"
    note += f". Bộ tiêu chí: {'; '.join(sorted({c.criteria_set.name for c in chosen}))}."
    used = sorted({c.criteria_set.id: c.criteria_set for c in chosen}.values(), key=lambda s: s.id)
    legend = []
    for criteria_set in used:
        names = "; ".join(f"{c.num} – {c.name}" for c in criteria_set.criteria)
        legend.append(f"Tiêu chí ({criteria_set.short_name}): {names}." if len(used) > 1 else f"Tiêu chí: {names}.")
    groups = _groups(chosen)
    if groups is not None:
        for criteria_set in used:
            if any(c.group is not None and c.criteria_set.id == criteria_set.id for c in chosen):
                described = "; ".join(f"nhóm {g.num} – {g.description[:1].lower()}{g.description[1:]}"
                                      for g in criteria_set.commune_groups)
                legend.append(f"Nhóm xã theo {criteria_set.decision.text()}: {described}.")
    return Annex(label, title.upper(), reference, columns, len(sets) > 1, rows, totals, note, legend, groups,
                 units=units_word(chosen))


def _groups(chosen) -> list[str] | None:
    if any(c.group is not None for c in chosen):
        return ["" if c.group is None else str(c.group) for c in chosen]
    return None


def _row(model_tr, values: list[str], text_para):
    """A copy of the model row with ``values`` in its cells, one paragraph each."""
    tr = copy.deepcopy(model_tr)
    for tc, value in zip(tr.findall(qn("w:tc")), values):
        empty = tc.find(qn("w:p"))
        empty.addprevious(text_para(value))
        tc.remove(empty)
    return tr


def _new_section(doc: Document, landscape: bool):
    """Close the letter's section on its last paragraph; the body's section becomes the annex's."""
    body = doc.element.body
    sect = body.sectPr
    last = sect.getprevious()
    if last is None or last.tag != qn("w:p"):
        last = doc.add_paragraph()._p
    ppr = last.get_or_add_pPr()
    ppr.append(copy.deepcopy(sect))
    for ref in sect.findall(qn("w:footerReference")) + sect.findall(qn("w:headerReference")):
        if ref.get(qn("w:type")) == "first":
            sect.remove(ref)  # the annex's first page has neither page number nor the letter's ô 13
    section = doc.sections[-1]
    section.start_type = 2  # new page
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(L.PAGE_HEIGHT_MM), Mm(L.PAGE_WIDTH_MM)
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    section.first_page_footer.is_linked_to_previous = False
    numbering = sect.find(qn("w:pgNumType"))
    if numbering is None:
        numbering = OxmlElement("w:pgNumType")
        sect.find(qn("w:pgMar")).addnext(numbering)
    numbering.set(qn("w:start"), "1")  # §III.1.đ: each annex numbered on its own
    return section


def _cell(cell, text: str, role_id: str) -> None:
    p = cell.paragraphs[0]
    new = para(cell, role_id, text)
    p._p.addprevious(new._p)
    p._p.getparent().remove(p._p)
    cell.vertical_alignment = 1  # centre


class _CellParagraphs:
    """Paragraphs of one role for table cells, each a copy of one built by ``para`` with its text set."""

    def __init__(self, cell, role_id: str):
        self._made = {"": self._detached(cell, role_id, "")}  # by text: marks and numbers recur
        self._filled = self._detached(cell, role_id, "x")

    @staticmethod
    def _detached(cell, role_id: str, text: str):
        p = para(cell, role_id, text)._p
        p.getparent().remove(p)
        return p

    def __call__(self, text: str):
        made = self._made.get(text)
        if made is None:
            made = copy.deepcopy(self._filled)
            made.find(qn("w:r")).text = text  # python-docx's run text: tabs, breaks, spaces as add_run writes them
            self._made[text] = made
        return copy.deepcopy(made)


def append_annex(doc: Document, annexes: tuple) -> None:
    """Each part that follows the document in its own section, in order: the text a decision promulgates
    (``render.attached.Attached``, Mẫu 1.3), then the annexes (``build_annex``'s result)."""
    for part in annexes:
        if isinstance(part, Attached):
            append_attached(doc, part, _new_section)
        else:
            _append_one(doc, part)


def _append_one(doc: Document, annex: Annex) -> None:
    section = _new_section(doc, annex.landscape)
    para(doc, StyleId.ANNEX_NUMBER, annex.label)
    para(doc, StyleId.ANNEX_TITLE, annex.title)
    para(doc, StyleId.ANNEX_REFERENCE, annex.reference)
    rule = para(doc, StyleId.RULE)
    rule.paragraph_format.line_spacing = Pt(5)
    border(rule, ("bottom",), space_pt=0)
    text_mm = (section.page_width - section.left_margin - section.right_margin) / 36000
    side = (text_mm - L.ANNEX_RULE_MM) / 2
    rule.paragraph_format.left_indent = rule.paragraph_format.right_indent = Mm(side)
    para(doc, StyleId.TABLE).paragraph_format.space_after = Pt(6)
    if annex.of_total is not None:
        _append_list(doc, annex, text_mm)
        return

    fixed = [("TT", 10), (annex.units[:1].upper() + annex.units[1:], 34)] + ([("Bộ tiêu chí", 34)] if annex.show_set else [])
    fixed += ([("Nhóm", 14)] if annex.groups is not None else []) + [("Số tiêu chí đạt", 20)]
    criteria_mm = (text_mm - sum(w for _, w in fixed)) / len(annex.columns)
    headers = fixed[:-1] + [(str(n), criteria_mm) for n in annex.columns] + fixed[-1:]
    # Three rows: the header, one data row that every commune's row is copied from, the totals. Each
    # commune's row is a copy of it with the cells' paragraphs copied from one paragraph per role: the
    # table is built in time linear in the number of communes (python-docx's ``table.rows[i]`` walks
    # the whole table each time).
    table = doc.add_table(rows=3, cols=len(headers))
    table.style = None
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _grid_borders(table)
    for col, (head, width) in enumerate(headers):
        table.columns[col].width = Mm(width)  # the grid: what a fixed-layout table is drawn with
        for row in table.rows:
            row.cells[col].width = Mm(width)
        _cell(table.rows[0].cells[col], head, StyleId.TABLE_HEADING)
    header_row = table.rows[0]._tr.get_or_add_trPr()
    header_row.append(OxmlElement("w:tblHeader"))  # repeated on every page of a long table
    model_row = table.rows[1]
    for cell in model_row.cells:
        cell.vertical_alignment = 1  # centre
    model_row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    model_tr, totals_tr = model_row._tr, table.rows[2]._tr
    text_para = _CellParagraphs(model_row.cells[0], StyleId.TABLE)
    for r, (name, set_name, marks, met) in enumerate(annex.rows, start=1):
        values = [f"{r:02d}" if len(annex.rows) >= 10 else str(r), name]
        values += [set_name] if annex.show_set else []
        values += [annex.groups[r - 1]] if annex.groups is not None else []
        values += marks + [f"{met}"]
        totals_tr.addprevious(_row(model_tr, values, text_para))
    model_tr.getparent().remove(model_tr)
    last = table.rows[-1].cells
    first_data = len(fixed) - 1
    merged = last[0].merge(last[first_data - 1])
    _cell(merged, f"Số {annex.units} đạt", StyleId.TABLE_HEADING)
    for i, total in enumerate(annex.totals):
        _cell(last[first_data + i], str(total), StyleId.TABLE_HEADING)
    _cell(last[-1], "", StyleId.TABLE)
    para(doc, StyleId.NOTE, annex.note)
    for line in annex.legend:
        para(doc, StyleId.NOTE, line)


def _append_list(doc: Document, annex: Annex, text_mm: float) -> None:
    """The communes one a row: TT, Xã (or «Xã, phường»), (Bộ tiêu chí), (Nhóm), «met/total» criteria."""
    fixed = [("TT", 12)] + ([("Bộ tiêu chí", 40)] if annex.show_set else [])
    fixed += ([("Nhóm", 16)] if annex.groups is not None else []) + [("Số tiêu chí đạt", 35)]
    headers = fixed[:1] + [(annex.units[:1].upper() + annex.units[1:], text_mm - sum(w for _, w in fixed))] + fixed[1:]
    table = doc.add_table(rows=2, cols=len(headers))
    table.style = None
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _grid_borders(table)
    for col, (head, width) in enumerate(headers):
        table.columns[col].width = Mm(width)
        for row in table.rows:
            row.cells[col].width = Mm(width)
        _cell(table.rows[0].cells[col], head, StyleId.TABLE_HEADING)
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    model_row = table.rows[1]
    for cell in model_row.cells:
        cell.vertical_alignment = 1
    model_row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    model_tr = model_row._tr
    text_para = _CellParagraphs(model_row.cells[0], StyleId.TABLE)
    for r, (name, set_name, _, met) in enumerate(annex.rows, start=1):
        values = [f"{r:02d}" if len(annex.rows) >= 10 else str(r), name]
        values += [set_name] if annex.show_set else []
        values += [annex.groups[r - 1]] if annex.groups is not None else []
        values += [f"{two_digits(met)}/{two_digits(annex.of_total[r - 1])}"]
        model_tr.addprevious(_row(model_tr, values, text_para))
    model_tr.getparent().remove(model_tr)
    para(doc, StyleId.NOTE, annex.note)


def _grid_borders(table) -> None:
    """Single 0.5 pt lines around every cell, in a fixed-layout table."""
    table_borders(table, "single", 4)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.find(qn("w:tblBorders")).addnext(layout)
