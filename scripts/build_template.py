"""Build the Word templates (Nghị định 30/2020, Phụ lục I):

- ``templates/cong-van.docx``: the công văn (Mẫu 1.5), "V/v …" under the number;
- ``templates/van-ban.docx``: the văn bản có tên loại (Mẫu 1.4: Kế hoạch, Báo cáo, Tờ trình,
  Thông báo, …): no V/v row; under the letterhead the tên loại, the trích yếu and the rule
  under it, then Kính gửi (Tờ trình, Báo cáo), then the content with its heading levels
  (Phần, Chương, I., 1., a), Điều).

Both share the letterhead, the body loop, the signature block, the page numbers and the
address line; ``pipeline.template_for`` chooses one by the document's type. A role marked
``template="van-ban"`` in ``layout_spec.ROLES`` is a style of the second only.

The templates are ordinary Word documents with docxtpl tags; office staff may open
them in Word and change them (spacing, a size within the decree's range). This script
is how the committed files were made: ``tests/test_template.py`` and ``tests/test_types.py``
check that running it again gives the same bytes.

usage: python scripts/build_template.py [FOLDER]   (default: templates/)
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.geometry import layout_spec as L
from generator.geometry.layout_spec import StyleId
from generator.ooxml.ns import TWIPS_PER_MM, TWIPS_PER_PT
from generator.write.docx_zip import normalize  # noqa: E402
from generator.render.role_format import (  # noqa: E402
    border as _border,
    fonts_on as _fonts_on,
    format_font as _format_font,
    format_paragraph as _format_paragraph,
    para,
    set_run_font as _set_run_font,
    table_borders,
)

TARGET = ROOT / "templates" / "cong-van.docx"
CONG_VAN, VAN_BAN = "cong-van", "van-ban"  # the templates this script makes (file names without .docx)


def add_styles(doc, template: str = CONG_VAN) -> None:
    for role in L.ROLES.values():
        if role.template not in (None, template):
            continue
        style = doc.styles.add_style(role.name, WD_STYLE_TYPE.PARAGRAPH)
        style.element.set(qn("w:styleId"), role.style_id)
        style.base_style = doc.styles["Normal"]
        style.quick_style = True
        _format_font(style.font, role)
        _set_run_font(style.element)
        _format_paragraph(style.paragraph_format, role)


def tag(container, text: str):
    """A paragraph holding only a docxtpl paragraph tag ({%p … %}); docxtpl removes it when rendering."""
    p = container.add_paragraph(style=doc_style_name(StyleId.BODY))
    run = p.add_run(text)
    _set_run_font(run._r)
    return p


def each(container, items: str, role_id: str) -> None:
    """One paragraph of ``role_id`` per line of ``items``: {%p for line in … %} / {{ line }} / {%p endfor %}."""
    tag(container, f"{{%p for line in {items} %}}")
    para(container, role_id, "{{ line }}")
    tag(container, "{%p endfor %}")


def doc_style_name(role_id: str) -> str:
    return L.ROLES[role_id].name


def _fixed_table(doc, rows: int, widths_mm: tuple, top_margin_pt: float = 0):
    table = doc.add_table(rows=rows, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(round(sum(widths_mm) * TWIPS_PER_MM)))
    width.set(qn("w:type"), "dxa")
    for old in tbl_pr.findall(qn("w:tblW")):
        tbl_pr.remove(old)
    tbl_pr.append(width)
    margins = OxmlElement("w:tblCellMar")
    for edge, value in (("top", top_margin_pt * TWIPS_PER_PT), ("left", L.CELL_MARGIN_MM * TWIPS_PER_MM),
                        ("bottom", 0), ("right", L.CELL_MARGIN_MM * TWIPS_PER_MM)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(round(value)))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tbl_pr.append(margins)
    table_borders(table, "nil")
    for col, w in zip(table.columns, widths_mm):
        col.width = Mm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm):
            cell.width = Mm(w)
        tr_pr = row._tr.get_or_add_trPr()
        cant = OxmlElement("w:cantSplit")
        tr_pr.append(cant)
    # python-docx reorders tblPr children on save only partially; put them in schema order
    order = ["w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
             "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders",
             "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook"]
    children = sorted(tbl_pr, key=lambda el: order.index(el.prefix + ":" + el.tag.split("}")[1])
                      if (el.prefix + ":" + el.tag.split("}")[1]) in order else 99)
    for el in children:
        tbl_pr.remove(el)
        tbl_pr.append(el)
    return table


def _drop_initial(cell) -> None:
    """A new cell comes with one empty paragraph; remove it once the cell has content."""
    cell._tc.remove(cell.paragraphs[0]._p)


def _rule(cell):
    """An empty, 1 pt paragraph whose bottom border is the rule; geometry.py sets its length."""
    p = para(cell, StyleId.RULE)
    p.paragraph_format.line_spacing = Pt(5)
    _border(p, ("bottom",), space_pt=0, size_eighths=6)
    return p


def _page_field(p) -> None:
    """PAGE field: begin / instrText / separate / '2' / end."""
    def run_with(child):
        r = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        fonts = OxmlElement("w:rFonts")
        for key in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(key), L.FONT)
        rpr.append(fonts)
        sz = OxmlElement("w:sz")
        sz.set(qn("w:val"), str(int(L.ROLES[StyleId.PAGE_NUMBER].size * 2)))
        rpr.append(sz)
        r.append(rpr)
        r.append(child)
        p._p.append(r)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    text = OxmlElement("w:t")
    text.text = "2"
    run_with(text)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _slim(doc) -> None:
    """Drop parts a letter never uses (they cost time in every render) and unused styles."""
    for rel_id, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects") or rel.reltype.endswith("/customXml"):
            doc.part.drop_rel(rel_id)
    package_rels = doc.part.package.rels
    for rel_id, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package_rels.pop(rel_id)
    styles = doc.styles.element
    latent = styles.find(qn("w:latentStyles"))
    if latent is not None:
        styles.remove(latent)
    used = set()
    xml_parts = [doc.element] + [s.header._element for s in doc.sections] + [s.footer._element for s in doc.sections]
    xml_parts += [doc.sections[0].first_page_header._element, doc.sections[0].first_page_footer._element]
    for part in xml_parts:
        for el in part.iter(qn("w:pStyle"), qn("w:rStyle"), qn("w:tblStyle")):
            used.add(el.get(qn("w:val")))
    keep = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"} | used | set(L.ROLES)
    by_id = {s.get(qn("w:styleId")): s for s in styles.findall(qn("w:style"))}
    changed = True
    while changed:  # keep the styles the kept ones are based on or linked to
        changed = False
        for sid in list(keep):
            style = by_id.get(sid)
            if style is None:
                continue
            for ref in ("w:basedOn", "w:link", "w:next"):
                el = style.find(qn(ref))
                if el is not None and el.get(qn("w:val")) not in keep and el.get(qn("w:val")) in by_id:
                    if ref == "w:basedOn":
                        keep.add(el.get(qn("w:val")))
                        changed = True
    for sid, style in by_id.items():
        if sid not in keep:
            styles.remove(style)
        else:
            for ref in ("w:link", "w:next"):
                el = style.find(qn(ref))
                if el is not None and el.get(qn("w:val")) not in keep:
                    style.remove(el)


def _defaults(doc) -> None:
    """Document defaults: Times New Roman in every script slot (no theme fonts), 14 pt, vi-VN."""
    styles = doc.styles.element
    rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts_on(rpr_default)
    normal = doc.styles["Normal"]
    normal.font.name = L.FONT
    normal.font.size = Pt(14)
    _set_run_font(normal.element)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    for name in ("Header", "Footer"):
        if name in [s.name for s in doc.styles]:
            doc.styles[name].font.name = L.FONT


def _title_rule(doc):
    """The rule under a typed document's trích yếu (an empty paragraph's bottom border); measure.py sets its length."""
    p = para(doc, StyleId.TITLE_RULE)
    p.paragraph_format.line_spacing = Pt(5)
    _border(p, ("bottom",), space_pt=0, size_eighths=6)
    return p


# The body's heading levels (wording/headings.py) in templates/van-ban.docx: (kinds, style, tag kind)
LEVEL_BRANCHES = (
    (("phan", "chuong"), StyleId.PART, "phan"),
    (("phan_ten", "chuong_ten"), StyleId.PART_TITLE, "phan_ten"),
    (("la_ma",), StyleId.HEADING_ROMAN, "la_ma"),
    (("so",), StyleId.HEADING_NUMBER, "so"),
    (("chu",), StyleId.HEADING_LETTER, "chu"),
    (("dieu",), StyleId.ARTICLE, "dieu"),
)


# A Quyết định's own lines (Mẫu 1.2, 1.3; wording/decision.py), in templates/van-ban.docx: (kinds, style, tag
# kind). Its articles («Điều N.» bold, then normal text) are body paragraphs («else»).
DECISION_BRANCHES = (
    (("tham_quyen",), StyleId.DECISION_AUTHORITY, "tham_quyen"),
    (("quyet_dinh",), StyleId.DECIDES, "quyet_dinh"),
)


def build(template: str = CONG_VAN) -> bytes:
    typed = template == VAN_BAN
    doc = Document()
    _defaults(doc)
    add_styles(doc, template)
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(L.PAGE_WIDTH_MM), Mm(L.PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(L.MARGIN_TOP_MM), Mm(L.MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(L.MARGIN_LEFT_MM), Mm(L.MARGIN_RIGHT_MM)
    section.header_distance = section.footer_distance = Mm(L.HEADER_DISTANCE_MM)
    section.start_type = WD_SECTION.NEW_PAGE

    # ô 11: phạm vi lưu hành, boxed, above the letterhead
    tag(doc, "{%p if circulation %}")
    _border(para(doc, StyleId.CIRCULATION, "{{ circulation }}"), ("top", "left", "bottom", "right"), space_pt=2)
    tag(doc, "{%p endif %}")

    # Letterhead: row 1 organ names | quốc hiệu, tiêu ngữ; row 2 số | địa danh, ngày; row 3 V/v (công văn)
    head = _fixed_table(doc, 2 if typed else 3, L.HEADER_COLUMNS_MM)
    left, right = head.cell(0, 0), head.cell(0, 1)
    each(left, "parent_lines", StyleId.PARENT_BODY)
    each(left, "issuer_lines", StyleId.ISSUER)
    _rule(left)
    para(right, StyleId.NATIONAL_TITLE, L.QUOC_HIEU)
    para(right, StyleId.MOTTO, L.TIEU_NGU)
    _rule(right)
    para(head.cell(1, 0), StyleId.NUMBER, "{{ number_line }}")
    para(head.cell(1, 1), StyleId.PLACE_DATE, "{{ date_line }}")
    if not typed:
        para(head.cell(2, 0), StyleId.SUBJECT, "{{ subject }}")
        para(head.cell(2, 1), StyleId.SUBJECT)
    for row in head.rows:
        for cell in row.cells:
            _drop_initial(cell)

    # ô 10b: độ khẩn, boxed, left, under the letterhead
    tag(doc, "{%p if urgency %}")
    _border(para(doc, StyleId.URGENCY, "{{ urgency }}"), ("top", "left", "bottom", "right"), space_pt=1)
    tag(doc, "{%p endif %}")

    if typed:
        # ô 5a (Mẫu 1.4): tên loại, trích yếu, the rule under it; Kính gửi comes after them
        para(doc, StyleId.TITLE, "{{ doc_title }}")
        para(doc, StyleId.TITLE_SUBJECT, "{{ subject }}")
        _title_rule(doc)

    # ô 9a: Kính gửi
    tag(doc, "{%p if recipient %}")
    para(doc, StyleId.RECIPIENT, "Kính gửi: {{ recipient }}")
    tag(doc, "{%p elif recipient_lines %}")
    kg = para(doc, StyleId.RECIPIENT, "Kính gửi:")
    kg.alignment = WD_ALIGN_PARAGRAPH.LEFT
    kg.paragraph_format.left_indent = Cm(3.5)
    kg.paragraph_format.space_after = Pt(0)
    each(doc, "recipient_lines", StyleId.RECIPIENT_LIST)
    tag(doc, "{%p endif %}")

    # ô 6: nội dung
    tag(doc, "{%p for para in paragraphs %}")
    tag(doc, "{%p if para.kind == 'muc' %}")
    para(doc, StyleId.HEADING, "{{r para.runs.muc }}")
    tag(doc, "{%p elif para.kind == 'can_cu' %}")
    para(doc, StyleId.GROUNDS, "{{r para.runs.can_cu }}")
    for kinds, style_id, tag_kind in LEVEL_BRANCHES + DECISION_BRANCHES if typed else ():
        test = f"para.kind == '{kinds[0]}'" if len(kinds) == 1 else f"para.kind in {kinds!r}"
        tag(doc, f"{{%p elif {test} %}}")
        para(doc, style_id, f"{{{{r para.runs.{tag_kind} }}}}")
    tag(doc, "{%p else %}")
    para(doc, StyleId.BODY, "{{r para.runs.doan }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")

    # ô 9b | ô 7: nơi nhận beside quyền hạn, chức vụ, họ tên; one row that never splits
    sign = _fixed_table(doc, 1, L.SIGNATURE_COLUMNS_MM, top_margin_pt=12)
    left, right = sign.cell(0, 0), sign.cell(0, 1)
    para(left, StyleId.COPIES, "{{ copies_label }}")
    each(left, "copies", StyleId.COPIES_LIST)
    each(right, "titles", StyleId.AUTHORITY)
    para(right, StyleId.SIGNER, "{{ signer_name }}")
    _drop_initial(left)
    _drop_initial(right)
    # a section's body must end with a paragraph: keep it one point high
    end = para(doc, StyleId.RULE)
    end.paragraph_format.line_spacing = Pt(1)

    # Page numbers (§I.7): centred in the top margin, not on page 1
    section.different_first_page_header_footer = True
    header_p = section.header.paragraphs[0]
    header_p.style = doc.styles[doc_style_name(StyleId.PAGE_NUMBER)]
    _format_paragraph(header_p.paragraph_format, L.ROLES[StyleId.PAGE_NUMBER])
    _page_field(header_p)
    section.first_page_header.paragraphs[0].text = ""
    # ô 13: address line at the foot of page 1 only, under a full-width rule
    first_footer = section.first_page_footer
    first_footer.paragraphs[0]._p.getparent().remove(first_footer.paragraphs[0]._p)
    tag(first_footer, "{%p if address %}")
    _border(para(first_footer, StyleId.ADDRESS, "{{ address }}"), ("top",), space_pt=2)
    tag(first_footer, "{%p endif %}")
    section.footer.paragraphs[0].text = ""

    _slim(doc)
    props = doc.core_properties
    props.title = ("Mẫu văn bản có tên loại (Nghị định 30/2020/NĐ-CP, Phụ lục I, Mẫu 1.4)" if typed
                   else "Mẫu công văn (Nghị định 30/2020/NĐ-CP, Phụ lục III, Mẫu 1.5)")
    props.author = props.last_modified_by = "dispatch"
    props.comments = "Sinh bởi scripts/build_template.py; có thể sửa trong Word."
    props.created = props.modified = dt.datetime(2026, 1, 1)
    props.revision = 1
    props.language = "vi-VN"
    buf = io.BytesIO()
    doc.save(buf)
    return normalize(buf.getvalue())


DIGESTS = ROOT / "generator" / "data" / "templates.json"


def digests(built: dict[str, bytes]) -> str:
    """``data/templates.json``: the SHA-256 of each Word template as this script makes it and of each sentence
    template (``templates/cau/*.j2``, its text in UTF-8) as committed. A template with one of these digests is
    one of ours, unchanged (``render/sandbox.shipped``): the block memo writes its runs as Jinja wrote them,
    and a sentence template renders without the sandbox."""
    texts = {f"cau/{path.name}": path.read_text("utf-8").encode("utf-8")
             for path in sorted((ROOT / "templates" / "cau").glob("*.j2"))}
    return json.dumps({name: hashlib.sha256(data).hexdigest() for name, data in sorted({**built, **texts}.items())},
                      indent=2) + "\n"


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET.parent
    folder.mkdir(parents=True, exist_ok=True)
    built = {f"{template}.docx": build(template) for template in (CONG_VAN, VAN_BAN)}
    for name, data in built.items():
        (folder / name).write_bytes(data)
        print(f"đã ghi {folder / name}")
    DIGESTS.write_text(digests(built), "utf-8")
    print(f"đã ghi {DIGESTS}")


if __name__ == "__main__":
    main()
