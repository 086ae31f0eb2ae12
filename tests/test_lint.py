"""``dispatch lint``: every letter we generate passes; DOCX files broken on purpose are caught.

Two kinds of test documents:

- ``make_letter``: a correct công văn written from scratch with python-docx, the way
  another office would type it — no ``CV…`` style ids, rules drawn with underscores,
  a border or a VML line. Each broken case changes one knob and must fire exactly the
  expected rule(s).
- our own letters (``build_file`` on the seeds), changed with python-docx the way a
  clerk would in Word (a style's alignment, a theme font, a padded month…).
"""
from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Mm, Pt, RGBColor

from generator.cli import main
from generator.ooxml.read import read_docx
from generator.exceptions import InputError
from generator.pipeline import build_file
from generator.lint.check import find_elements, lint_file, load_rules
from generator.geometry.metrics import text_width_pt

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "inputs" / "seeds" / "000-lang-son-2018.yaml"
TNR = "Times New Roman"

J, L, C, R = WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT

DEFAULTS = dict(
    page=(210, 297),
    margins=(20, 20, 30, 15),  # top, bottom, left, right (mm)
    theme_font=False,
    qh_text="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", qh_size=12, qh_bold=True,
    motto_text="Độc lập - Tự do - Hạnh phúc", motto_size=13, motto_bold=True, motto_rule=1.0,
    parent="UBND TỈNH LẠNG SƠN", parent_bold=False,
    issuer="SỞ TÀI CHÍNH", issuer_size=13, issuer_bold=True,  # one line in its 6,5 cm column
    issuer_lines=None,
    issuer_rule="underscores", issuer_rule_factor=0.4,
    so_text="Số: 05/SNNMT-VP", so_size=13,
    date_text="Lạng Sơn, ngày 05 tháng 01 năm 2025", date_size=14, date_italic=True,
    vv_text="V/v triển khai kế hoạch năm 2025", vv_size=12, vv_bold=False, vv_before=6,
    kg_text="Kính gửi: Ủy ban nhân dân các xã", kg_bold=False,
    body_align=J, body_indent=1.27, body_before=6, body_after=0, body_line=1.15, body_size=14,
    body_font=None, body_color=None, first_align=None,
    nn_text="Nơi nhận:", nn_size=12, nn_bold=True, nn_italic=True, nn_align=L,
    nn_items=("- Như trên;", "- Lưu: VT, VP."), nn_item_size=11,
    titles=("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"), title_bold=True,
    name="Nguyễn Văn An", name_bold=True,
    page_field=True, page_in_footer=False, title_pg=True, page_align=C, page_size=14,
    flat=False,  # Số/date on one tabbed line and a signature without a table (older habit)
    simple_page_field=False,  # PAGE as <w:fldSimple> instead of fldChar runs
    body=None,  # the body paragraphs (BODY by default)
    # a typed document (Mẫu 1.4; Mẫu 1.2 with an authority line, căn cứ and "QUYẾT ĐỊNH:"): its title block
    ten_loai=None, tl_size=14, tl_bold=True, tl_align=C,
    ty_lines=("Giám sát xây dựng nông thôn mới năm 2026",), ty_size=14, ty_bold=True, ty_align=C,
    ty_rule_factor=0.4,  # the rule under the trích yếu, as a share of its widest line (None: no rule)
    authority=None, authority_bold=True, authority_align=C,
    grounds=(), grounds_italic=True,
    qd_line=None, qd_bold=True, qd_align=C,
    dieu_bold=True,  # "Điều 1." at the start of a body paragraph
)

BODY = [
    "Thực hiện Kế hoạch số 12/KH-UBND ngày 10 tháng 01 năm 2025 của Ủy ban nhân dân tỉnh, Sở Nông "
    "nghiệp và Môi trường đề nghị Ủy ban nhân dân các xã triển khai các nội dung sau đây trong năm 2025.",
    "1. Rà soát, cập nhật kết quả thực hiện các tiêu chí, báo cáo về Sở trước ngày 20 tháng 3 năm 2025.",
    "2. Chủ động bố trí nguồn lực, phối hợp với các đơn vị liên quan tổ chức thực hiện có hiệu quả./.",
]


def _fonts(run_or_style_el, name: str = TNR) -> None:
    rpr = run_or_style_el.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), name)


def _para(container, text, size, bold=False, italic=False, align=C, before=0, after=0, font=None, color=None):
    p = container.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(before), Pt(after), 1.0
    if text:
        run = p.add_run(text)
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.italic = italic
        if font:
            _fonts(run._r, font)
        if color:
            run.font.color.rgb = RGBColor.from_string(color)
    return p


def _cell(table, row, col):
    cell = table.cell(row, col)
    cell._tc.remove(cell.paragraphs[0]._p)  # start empty: every paragraph is ours
    return cell


def _page_field(paragraph, size):
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, None), ("end", None)):
        run = paragraph.add_run()
        run.font.size = Pt(size)
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = "2"


def make_letter(path: Path, **changes) -> Path:
    """A complete, correct công văn typed "by another office"; ``changes`` break one thing."""
    k = {**DEFAULTS, **changes}
    k["body"] = BODY if k["body"] is None else k["body"]
    doc = docx.Document()
    normal = doc.styles["Normal"]
    if not k["theme_font"]:
        _fonts(normal.element)
    normal.font.size = Pt(14)
    normal.paragraph_format.space_after = Pt(0)
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(k["page"][0]), Mm(k["page"][1])
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = (Mm(v) for v in k["margins"])
    sec.header_distance = Mm(10)

    head = doc.add_table(rows=1 if k["flat"] else 2, cols=2)
    head.autofit = False
    for row in head.rows:
        row.cells[0].width, row.cells[1].width = Cm(6.5), Cm(10)
    left, right = _cell(head, 0, 0), _cell(head, 0, 1)
    _para(left, k["parent"], 13, bold=k["parent_bold"])
    # issuer_lines: the name typed on several lines with Shift+Enter, as offices do with a long name;
    # the rule follows the widest line
    room = Cm(6.5).pt - 2 * 5.4  # python-docx tables: 0,19 cm padding each side
    issuer_lines = list(k["issuer_lines"] or [k["issuer"]])
    issuer_p = _para(left, issuer_lines[0], k["issuer_size"], bold=k["issuer_bold"])
    for line in issuer_lines[1:]:
        issuer_p.runs[-1].add_break()
        run = issuer_p.add_run(line)
        run.font.size, run.font.bold = Pt(k["issuer_size"]), k["issuer_bold"]
    issuer_width = max(text_width_pt(t, k["issuer_size"], k["issuer_bold"]) for t in issuer_lines) * k["issuer_rule_factor"]
    if k["issuer_rule"] == "underscores":
        _para(left, "_" * round(issuer_width / text_width_pt("_", 13)), 13)
    elif k["issuer_rule"] == "border":
        p = _para(left, "", 4)
        side = (room - issuer_width) / 2
        p.paragraph_format.left_indent = p.paragraph_format.right_indent = Pt(side)
        p._p.get_or_add_pPr().append(parse_xml(
            f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="1" w:color="auto"/></w:pBdr>'))
    elif k["issuer_rule"] == "vml":
        p = _para(left, "", 4)
        p._p.append(parse_xml(
            f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict>'
            f'<v:line from="40pt,2pt" to="{40 + issuer_width:.1f}pt,2pt" strokeweight=".5pt"/></w:pict></w:r>'))
    _para(right, k["qh_text"], k["qh_size"], bold=k["qh_bold"])
    _para(right, k["motto_text"], k["motto_size"], bold=k["motto_bold"])
    motto_width = text_width_pt(k["motto_text"], k["motto_size"], k["motto_bold"]) * k["motto_rule"]
    _para(right, "_" * round(motto_width / text_width_pt("_", 13)), 13)
    if k["flat"]:
        line = _para(doc, k["so_text"], k["so_size"], align=L, before=6)
        line.paragraph_format.tab_stops.add_tab_stop(Cm(11))
        line.add_run("\t")
        date = line.add_run(k["date_text"])
        date.font.size, date.font.italic = Pt(k["date_size"]), k["date_italic"]
        _para(doc, k["vv_text"], k["vv_size"], bold=k["vv_bold"], align=L, before=k["vv_before"])
    else:
        left, right = _cell(head, 1, 0), _cell(head, 1, 1)
        _para(left, k["so_text"], k["so_size"], before=6)
        if k["vv_text"]:
            _para(left, k["vv_text"], k["vv_size"], bold=k["vv_bold"], before=k["vv_before"])
        _para(right, k["date_text"], k["date_size"], italic=k["date_italic"], before=6)

    if k["ten_loai"]:
        _title_block(doc, k)
    if k["kg_text"]:
        _para(doc, k["kg_text"], 14, bold=k["kg_bold"], before=12, after=6)
    for n, text in enumerate(k["body"]):
        article = re.match(r"Điều \d+\. ", text)
        if article:
            p = _para(doc, article.group(0), k["body_size"], bold=k["dieu_bold"], align=k["body_align"],
                      before=k["body_before"], after=k["body_after"])
            p.add_run(text[article.end():]).font.size = Pt(k["body_size"])
            p.paragraph_format.first_line_indent = Cm(k["body_indent"])
            p.paragraph_format.line_spacing = k["body_line"]
            continue
        p = _para(doc, text, k["body_size"], align=k["first_align"] if n == 0 and k["first_align"] is not None else k["body_align"],
                  before=k["body_before"], after=k["body_after"], font=k["body_font"], color=k["body_color"])
        p.paragraph_format.first_line_indent = Cm(k["body_indent"])
        p.paragraph_format.line_spacing = k["body_line"]

    if k["flat"]:
        left = right = doc
        for n, title in enumerate(k["titles"]):
            p = _para(doc, title, 14, bold=k["title_bold"], before=12 if n == 0 else 0)
            p.paragraph_format.left_indent = Cm(8)
        p = _para(doc, k["name"], 14, bold=k["name_bold"], before=72)
        p.paragraph_format.left_indent = Cm(8)
    else:
        sign = doc.add_table(rows=1, cols=2)
        left, right = _cell(sign, 0, 0), _cell(sign, 0, 1)
    _para(left, k["nn_text"], k["nn_size"], bold=k["nn_bold"], italic=k["nn_italic"], align=k["nn_align"], before=12)
    for item in k["nn_items"]:
        _para(left, item, k["nn_item_size"], align=L)
    if not k["flat"]:
        for n, title in enumerate(k["titles"]):
            _para(right, title, 14, bold=k["title_bold"], before=12 if n == 0 else 0)
        _para(right, k["name"], 14, bold=k["name_bold"], before=72)

    sec.different_first_page_header_footer = k["title_pg"]
    holder = sec.footer if k["page_in_footer"] else sec.header
    p = holder.paragraphs[0]
    p.alignment = k["page_align"]
    if k["page_field"] and k["simple_page_field"]:
        p._p.append(parse_xml(
            f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE \\* MERGEFORMAT "><w:r><w:rPr><w:sz w:val="{k["page_size"] * 2}"/>'
            '</w:rPr><w:t>2</w:t></w:r></w:fldSimple>'))
    elif k["page_field"]:
        _page_field(p, k["page_size"])
    doc.save(path)
    return path


def _title_block(doc, k) -> None:
    """Tên loại, trích yếu and the rule under it (Mẫu 1.4); a Quyết định's authority line, căn cứ and
    "QUYẾT ĐỊNH:" (Mẫu 1.2)."""
    _para(doc, k["ten_loai"], k["tl_size"], bold=k["tl_bold"], align=k["tl_align"], before=12)
    for line in k["ty_lines"]:
        _para(doc, line, k["ty_size"], bold=k["ty_bold"], align=k["ty_align"])
    if k["ty_rule_factor"]:
        widest = max(text_width_pt(line, k["ty_size"], k["ty_bold"]) for line in k["ty_lines"])
        _para(doc, "_" * round(widest * k["ty_rule_factor"] / text_width_pt("_", 13)), 13)
    if k["authority"]:
        _para(doc, k["authority"], 14, bold=k["authority_bold"], align=k["authority_align"], before=12, after=6)
    for text in k["grounds"]:
        p = _para(doc, text, 14, italic=k["grounds_italic"], align=J, before=6)
        p.paragraph_format.first_line_indent = Cm(1.27)
    if k["qd_line"]:
        _para(doc, k["qd_line"], 14, bold=k["qd_bold"], align=k["qd_align"], before=6, after=6)


def _json_lint(path: Path) -> tuple[int, dict]:
    result = CliRunner().invoke(main, ["lint", "--json", str(path)])
    return result.exit_code, json.loads(result.output)


# --------------------------------------------------------------------------- clean documents


def test_rules_are_data_with_citations():
    names, rules = load_rules()
    ids = [r.id for r in rules]
    assert len(ids) == len(set(ids)) and len(ids) >= 60
    for rule in rules:
        assert rule.element in names
        assert rule.section.startswith("PL I") and rule.description
        constraints = [rule.min, rule.max, rule.equals, rule.one_of, rule.pattern]
        assert any(c is not None for c in constraints), rule.id


def test_an_organ_typed_on_two_lines_with_shift_enter_is_one_organ_and_its_rule_follows_the_wider_line(tmp_path):
    # "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG" does not fit a 6,5 cm column at 13 pt bold: offices break it
    path = make_letter(tmp_path / "hai-dong.docx", issuer_lines=["SỞ NÔNG NGHIỆP", "VÀ MÔI TRƯỜNG"])
    report = lint_file(path)
    assert report.ok, report.to_text()
    elements = find_elements(read_docx(path))
    assert [s.text for s in elements["co_quan_ban_hanh"].segments] == ["SỞ NÔNG NGHIỆP", "VÀ MÔI TRƯỜNG"]
    assert [s.text for s in elements["co_quan_chu_quan"].segments] == ["UBND TỈNH LẠNG SƠN"]


def test_other_office_letter_without_our_styles_is_clean(tmp_path):
    path = make_letter(tmp_path / "khac.docx")
    report = lint_file(path)
    assert report.ok, report.to_text()
    elements = find_elements(read_docx(path))
    assert [s.text for s in elements["co_quan_chu_quan"].segments] == ["UBND TỈNH LẠNG SƠN"]
    assert [s.text for s in elements["co_quan_ban_hanh"].segments] == ["SỞ TÀI CHÍNH"]
    assert [s.text for s in elements["quyen_han"].segments] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert elements["ho_ten"].segments[0].text == "Nguyễn Văn An"
    assert elements["duong_ke_co_quan"].data["how"] == "dấu gạch dưới «_»"
    assert len(elements["noi_dung"].segments) == len(BODY)


@pytest.mark.parametrize("how", ["border", "vml"])
def test_rule_drawn_as_border_or_shape_is_measured(tmp_path, how):
    path = make_letter(tmp_path / "ke.docx", issuer_rule=how)
    report = lint_file(path)
    assert report.ok, report.to_text()
    rule = find_elements(read_docx(path))["duong_ke_co_quan"]
    assert rule.data["length"] / rule.data["text_width"] == pytest.approx(0.4, abs=0.02)


def test_tabbed_number_and_date_line_and_signature_without_table(tmp_path):
    """Số and the date in one paragraph split by a tab; the signature typed as indented lines."""
    path = make_letter(tmp_path / "phang.docx", flat=True)
    report = lint_file(path)
    assert report.ok, report.to_text()
    elements = find_elements(read_docx(path))
    assert elements["so_ky_hieu"].segments[0].text == "Số: 05/SNNMT-VP"
    assert elements["dia_danh_ngay"].segments[0].text == "Lạng Sơn, ngày 05 tháng 01 năm 2025"
    assert [s.text for s in elements["quyen_han"].segments] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert elements["ho_ten"].segments[0].text == "Nguyễn Văn An"
    assert len(elements["noi_dung"].segments) == len(BODY)
    # the formatting of each part of the tabbed line is its own runs'
    broken = lint_file(make_letter(tmp_path / "phang-sai.docx", flat=True, date_italic=False, so_size=14))
    assert broken.rule_ids() == {"dia_danh_ngay.nghieng", "so_ky_hieu.co_chu"}, broken.to_text()


def test_simple_page_field_counts(tmp_path):
    assert lint_file(make_letter(tmp_path / "f.docx", simple_page_field=True)).ok


def test_deleted_text_and_content_controls(tmp_path):
    """Tracked deletions are not text; a Quốc hiệu inside a content control is found."""
    path = make_letter(tmp_path / "sdt.docx")
    doc = docx.Document(path)
    qh = next(p for p in doc.element.body.iter(qn("w:p")) if "CỘNG HÒA" in "".join(t.text for t in p.iter(qn("w:t"))))
    parent = qh.getparent()
    sdt = parse_xml(f'<w:sdt {nsdecls("w")}><w:sdtPr/><w:sdtContent/></w:sdt>')
    parent.replace(qh, sdt)
    sdt.find(qn("w:sdtContent")).append(qh)
    body = next(p for p in doc.element.body.iter(qn("w:p")) if "Thực hiện Kế hoạch" in "".join(
        t.text for t in p.iter(qn("w:t"))))
    body.append(parse_xml(
        f'<w:del {nsdecls("w")} w:id="1" w:author="A"><w:r><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial"/>'
        '<w:sz w:val="40"/></w:rPr><w:t>chữ đã xoá</w:t></w:r></w:del>'))
    doc.save(path)
    assert lint_file(path).ok, lint_file(path).to_text()


def test_date_in_digits_is_reported_not_missed(tmp_path):
    report = lint_file(make_letter(tmp_path / "d.docx", date_text="Lạng Sơn, ngày 05/01/2025"))
    assert "dia_danh_ngay.co_mat" not in report.rule_ids()
    assert {"dia_danh_ngay.thang", "dia_danh_ngay.nam"} <= report.rule_ids()


def test_cli_exit_codes(tmp_path):
    good = make_letter(tmp_path / "dung.docx")
    runner = CliRunner()
    ok = runner.invoke(main, ["lint", str(good)])
    assert ok.exit_code == 0, ok.output
    assert "đúng thể thức" in ok.output

    bad = make_letter(tmp_path / "sai.docx", qh_size=14)
    res = runner.invoke(main, ["lint", str(bad)])
    assert res.exit_code == 1
    assert "[quoc_hieu.co_chu]" in res.output and "PL I §II.1.a" in res.output and "cỡ chữ 14 pt" in res.output

    not_docx = tmp_path / "hong.docx"
    not_docx.write_bytes(b"day khong phai docx")
    res = runner.invoke(main, ["lint", str(not_docx)])
    assert res.exit_code == 2
    assert "không phải tệp Word .docx" in res.output

    res = runner.invoke(main, ["lint", "--json", str(tmp_path / "khong-co.docx")])
    assert res.exit_code == 2
    assert json.loads(res.output.split("\nLỗi")[0])["error"] == "không tìm thấy tệp"

    broken_zip = tmp_path / "thieu.docx"
    with zipfile.ZipFile(broken_zip, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    assert runner.invoke(main, ["lint", str(broken_zip)]).exit_code == 2


def test_json_output_for_tools(tmp_path):
    code, data = _json_lint(make_letter(tmp_path / "a.docx", date_text="Lạng Sơn, ngày 05 tháng 03 năm 2025"))
    assert code == 1 and data["ok"] is False
    (v,) = data["violations"]
    assert v["rule"] == "dia_danh_ngay.thang"
    assert v["found"] == "03"
    assert v["section"] == "PL I §II.4.b"
    assert v["element_name"] == "Địa danh và thời gian"
    assert "tháng 3" in v["expected"]
    assert "bảng 1, hàng 2, cột 2" in v["where"]


# --------------------------------------------------------------------------- broken on purpose

BROKEN = {
    "phong-arial": (dict(body_font="Arial"), {"toan_van.phong_chu"}),
    "phong-chu-de": (dict(theme_font=True), {"toan_van.phong_chu"}),
    "mau-do": (dict(body_color="C00000"), {"toan_van.mau_den"}),
    "kho-letter": (dict(page=(215.9, 279.4)), {"trang.kho_a4"}),
    "le-trai-hep": (dict(margins=(20, 20, 25, 15)), {"trang.le_trai"}),
    "le-phai-rong": (dict(margins=(20, 20, 30, 25)), {"trang.le_phai"}),
    "le-tren-rong": (dict(margins=(30, 20, 30, 15)), {"trang.le_tren"}),
    "le-duoi-hep": (dict(margins=(20, 15, 30, 15)), {"trang.le_duoi"}),
    "khong-so-trang": (dict(page_field=False), {"so_trang.co_so_trang"}),
    "so-trang-chan-trang": (dict(page_in_footer=True), {"so_trang.co_so_trang"}),
    "so-trang-trang-dau": (dict(title_pg=False), {"so_trang.an_trang_dau"}),
    "so-trang-le-phai": (dict(page_align=R), {"so_trang.can_giua"}),
    "so-trang-co-nho": (dict(page_size=11), {"so_trang.co_chu"}),
    "quoc-hieu-co-14": (dict(qh_size=14), {"quoc_hieu.co_chu"}),
    "quoc-hieu-khong-dam": (dict(qh_bold=False), {"quoc_hieu.dam"}),
    "quoc-hieu-chu-thuong": (dict(qh_text="Cộng hòa xã hội chủ nghĩa Việt Nam"), {"quoc_hieu.in_hoa"}),
    "khong-quoc-hieu": (dict(qh_text="SỞ NÔNG NGHIỆP"), {"quoc_hieu.co_mat"}),
    "tieu-ngu-khong-dam": (dict(motto_bold=False), {"tieu_ngu.dam"}),
    "tieu-ngu-co-12": (dict(motto_size=12), {"tieu_ngu.co_chu"}),
    "tieu-ngu-gach-dai": (dict(motto_text="Độc lập – Tự do – Hạnh phúc"), {"tieu_ngu.chu"}),
    "ke-tieu-ngu-ngan": (dict(motto_rule=0.6), {"duong_ke_tieu_ngu.do_dai"}),
    "ke-co-quan-dai": (dict(issuer_rule_factor=0.8), {"duong_ke_co_quan.do_dai"}),
    "ke-co-quan-ngan": (dict(issuer_rule_factor=0.2), {"duong_ke_co_quan.do_dai"}),
    "ke-co-quan-vml-dai": (dict(issuer_rule="vml", issuer_rule_factor=1.0), {"duong_ke_co_quan.do_dai"}),
    "ke-co-quan-vien-ngan": (dict(issuer_rule="border", issuer_rule_factor=0.25), {"duong_ke_co_quan.do_dai"}),
    "khong-ke-co-quan": (dict(issuer_rule="none"), {"duong_ke_co_quan.co_mat"}),
    "co-quan-khong-dam": (dict(issuer_bold=False), {"co_quan_ban_hanh.dam"}),
    "co-quan-co-14": (dict(issuer_size=14), {"co_quan_ban_hanh.co_chu"}),
    "co-quan-chu-thuong": (dict(issuer="Sở Nông nghiệp và Môi trường"), {"co_quan_ban_hanh.in_hoa"}),
    "so-khong-0": (dict(so_text="Số: 5/SNNMT-VP"), {"so_ky_hieu.so_0_dau"}),
    "so-khong-hai-cham": (dict(so_text="Số 05/SNNMT-VP"), {"so_ky_hieu.dau_hai_cham"}),
    "ky-hieu-chu-thuong": (dict(so_text="Số: 05/Snnmt-VP"), {"so_ky_hieu.ky_hieu_in_hoa"}),
    "ky-hieu-cach": (dict(so_text="Số: 05/SNNMT - VP"), {"so_ky_hieu.ky_hieu_lien"}),
    "so-co-14": (dict(so_size=14), {"so_ky_hieu.co_chu"}),
    "thang-03": (dict(date_text="Lạng Sơn, ngày 05 tháng 03 năm 2025"), {"dia_danh_ngay.thang"}),
    "thang-1": (dict(date_text="Lạng Sơn, ngày 05 tháng 1 năm 2025"), {"dia_danh_ngay.thang"}),
    "ngay-5": (dict(date_text="Lạng Sơn, ngày 5 tháng 01 năm 2025"), {"dia_danh_ngay.ngay"}),
    "ngay-khong-phay": (dict(date_text="Lạng Sơn ngày 05 tháng 01 năm 2025"), {"dia_danh_ngay.dau_phay"}),
    "ngay-dung": (dict(date_italic=False), {"dia_danh_ngay.nghieng"}),
    "ngay-co-12": (dict(date_size=12), {"dia_danh_ngay.co_chu"}),
    "vv-dam": (dict(vv_bold=True), {"trich_yeu.khong_dam"}),
    "vv-co-14": (dict(vv_size=14), {"trich_yeu.co_chu"}),
    "vv-sat-so": (dict(vv_before=0), {"trich_yeu.cach_so_6pt"}),
    "kinh-gui-dam": (dict(kg_bold=True), {"kinh_gui.khong_dam"}),
    "noi-dung-trai": (dict(body_align=L), {"noi_dung.canh_deu"}),
    "noi-dung-thut-2cm": (dict(body_indent=2.0), {"noi_dung.thut_dau_dong"}),
    "noi-dung-sat-doan": (dict(body_before=0, body_after=0), {"noi_dung.cach_doan"}),
    "noi-dung-gian-2": (dict(body_line=2.0), {"noi_dung.gian_dong"}),
    "noi-dung-co-12": (dict(body_size=12), {"noi_dung.co_chu"}),
    "noi-nhan-dung": (dict(nn_italic=False), {"noi_nhan.nghieng"}),
    "noi-nhan-khong-dam": (dict(nn_bold=False), {"noi_nhan.dam"}),
    "noi-nhan-co-14": (dict(nn_size=14), {"noi_nhan.co_chu"}),
    "noi-nhan-giua": (dict(nn_align=C), {"noi_nhan.sat_le_trai"}),
    "noi-nhan-khong-hai-cham": (dict(nn_text="Nơi nhận"), {"noi_nhan.chu"}),
    "danh-sach-co-12": (dict(nn_item_size=12), {"noi_nhan_danh_sach.co_chu"}),
    "danh-sach-khong-luu": (dict(nn_items=("- Như trên;", "- Các phòng thuộc Sở.")), {"noi_nhan_danh_sach.luu"}),
    "chuc-vu-thuong": (dict(titles=("KT. Giám đốc", "Phó Giám đốc")), {"quyen_han.in_hoa"}),
    "chuc-vu-khong-dam": (dict(title_bold=False), {"quyen_han.dam"}),
    "ho-ten-khong-dam": (dict(name_bold=False), {"ho_ten.dam"}),
    "ho-ten-hoc-vi": (dict(name="TS. Nguyễn Văn An"), {"ho_ten.khong_hoc_ham"}),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_letter_is_caught_with_the_right_rule(tmp_path, case):
    changes, expected = BROKEN[case]
    code, data = _json_lint(make_letter(tmp_path / f"{case}.docx", **changes))
    fired = {v["rule"] for v in data["violations"]}
    assert code == 1
    assert fired == expected, "\n".join(v["message"] for v in data["violations"])


# --------------------------------------------------------------------------- our letters, edited by a clerk


@pytest.fixture(scope="module")
def ours() -> bytes:
    return build_file(SEED).docx


def _edit(data: bytes, path: Path, change) -> Path:
    doc = docx.Document(io.BytesIO(data))
    change(doc)
    doc.save(path)
    return path


def _by_style(doc, style_id):
    body = doc.element.body
    return [p for p in body.iter(qn("w:p")) if p.pPr is not None and p.pPr.pStyle is not None
            and p.pPr.pStyle.val == style_id]


def test_our_letter_is_clean(tmp_path, ours):
    path = tmp_path / "ours.docx"
    path.write_bytes(ours)
    report = lint_file(path)
    assert report.ok, report.to_text()


def test_alignment_inherited_from_the_style(tmp_path, ours):
    """No direct alignment on the body paragraphs: the style's (now left) alignment applies."""

    def change(doc):
        for p in _by_style(doc, "CVNoiDung"):
            jc = p.pPr.find(qn("w:jc"))
            p.pPr.remove(jc)
        style = doc.styles.get_by_id("CVNoiDung", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
        style.paragraph_format.alignment = L

    report = lint_file(_edit(ours, tmp_path / "a.docx", change))
    assert report.rule_ids() == {"noi_dung.canh_deu"}, report.to_text()


def test_size_inherited_from_doc_defaults(tmp_path, ours):
    """Sizes removed from the runs and the style chain: docDefaults' 11 pt applies to "Nơi nhận:"."""

    def change(doc):
        for p in _by_style(doc, "CVNoiNhan"):
            for sz in p.iter(qn("w:sz")):
                sz.getparent().remove(sz)
        for sid in ("CVNoiNhan", "Normal"):
            style = doc.styles.get_by_id(sid, docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
            for sz in style.element.iter(qn("w:sz")):
                sz.getparent().remove(sz)

    report = lint_file(_edit(ours, tmp_path / "b.docx", change))
    fired = {v.rule: v for v in report.violations}
    assert "noi_nhan.co_chu" in fired and fired["noi_nhan.co_chu"].found == 11.0


@pytest.mark.parametrize("theme, fires", [("minorHAnsi", True), ("majorHAnsi", False)])
def test_theme_fonts_resolved_through_the_theme(tmp_path, ours, theme, fires):
    """Our template's theme: major Vietnamese font Times New Roman, minor Arial."""

    def change(doc):
        for p in _by_style(doc, "CVNoiDung"):
            for fonts in p.iter(qn("w:rFonts")):
                fonts.set(qn("w:hAnsiTheme"), theme)
                fonts.set(qn("w:asciiTheme"), theme)

    report = lint_file(_edit(ours, tmp_path / f"{theme}.docx", change))
    if fires:
        (v,) = report.violations
        assert v.rule == "toan_van.phong_chu" and "Arial" in v.found_text
    else:
        assert report.ok, report.to_text()


def test_bold_toggles_between_paragraph_and_character_style(tmp_path, ours):
    """ECMA-376 §17.7.3: a bold character style on a bold paragraph style gives NOT bold."""

    def change(doc):
        styles = doc.styles.element
        styles.append(parse_xml(
            f'<w:style {nsdecls("w")} w:type="character" w:styleId="Dam"><w:name w:val="Đậm"/>'
            '<w:rPr><w:b/></w:rPr></w:style>'))
        for p in _by_style(doc, "CVHoTen"):
            for r in p.iter(qn("w:r")):
                r.rPr.remove(r.rPr.find(qn("w:b")))
                r.rPr.insert(0, parse_xml(f'<w:rStyle {nsdecls("w")} w:val="Dam"/>'))

    report = lint_file(_edit(ours, tmp_path / "t.docx", change))
    assert report.rule_ids() == {"ho_ten.dam"}, report.to_text()


def test_parent_organ_bold_in_our_letter(tmp_path, ours):
    def change(doc):
        for p in _by_style(doc, "CVCoQuanChuQuan"):
            for b in p.iter(qn("w:b")):
                b.set(qn("w:val"), "1")

    report = lint_file(_edit(ours, tmp_path / "cq.docx", change))
    assert report.rule_ids() == {"co_quan_chu_quan.khong_dam"}, report.to_text()


def test_month_padded_by_a_clerk(tmp_path, ours):
    def change(doc):
        for p in _by_style(doc, "CVDiaDanhNgay"):
            for t in p.iter(qn("w:t")):
                t.text = t.text.replace("tháng 3", "tháng 03")

    report = lint_file(_edit(ours, tmp_path / "m.docx", change))
    assert report.rule_ids() == {"dia_danh_ngay.thang"}, report.to_text()


def test_first_page_number_shown_when_title_page_is_off(tmp_path, ours):
    def change(doc):
        doc.sections[0].different_first_page_header_footer = False

    report = lint_file(_edit(ours, tmp_path / "p.docx", change))
    assert report.rule_ids() == {"so_trang.an_trang_dau"}, report.to_text()


def test_rule_stretched_across_the_cell(tmp_path, ours):
    def change(doc):
        first_rule = _by_style(doc, "CVDuongKe")[0]
        ind = first_rule.pPr.find(qn("w:ind"))
        ind.set(qn("w:left"), "0")
        ind.set(qn("w:right"), "0")

    report = lint_file(_edit(ours, tmp_path / "r.docx", change))
    assert report.rule_ids() == {"duong_ke_co_quan.do_dai"}, report.to_text()


# --------------------------------------------------------------------------- every generated letter


def _inputs() -> list[Path]:
    return sorted((ROOT / "inputs").glob("**/*.yaml"))


COMBINED_FILES = {"tat-ca.docx"}  # many letters in one file, for printing: not one letter


def _generated(yaml_path: Path, folder: Path) -> list[Path]:
    """The letters the project makes from ``yaml_path``: one, or every letter of a campaign."""
    from generator.bulk.campaign import is_campaign
    from generator.load.yaml_source import load_yaml

    data, _ = load_yaml(yaml_path)
    if is_campaign(data):
        result = CliRunner().invoke(main, ["build", str(yaml_path), "-o", str(folder)])
        letters = sorted(p for p in folder.rglob("*.docx") if p.name not in COMBINED_FILES)
        assert letters, result.output
        return letters
    try:
        built = build_file(yaml_path)
    except InputError as err:  # not a letter (e.g. a data file a letter refers to)
        pytest.skip(f"không phải công văn dựng được: {err}")
    path = folder / (yaml_path.stem + ".docx")
    path.write_bytes(built.docx)
    return [path]


@pytest.mark.parametrize("yaml_path", _inputs(),
                         ids=lambda p: str(p.relative_to(ROOT / "inputs")))
def test_every_generated_letter_passes_lint(tmp_path, yaml_path):
    reports = [lint_file(path, path.name) for path in _generated(yaml_path, tmp_path)]
    failing = [r.to_text() for r in reports if not r.ok]
    assert not failing, "\n".join(failing)


def test_docs_list_every_rule():
    text = (ROOT / "docs" / "lint.md").read_text("utf-8")
    _, rules = load_rules()
    missing = [r.id for r in rules if f"`{r.id}`" not in text]
    assert not missing, f"docs/lint.md thiếu các quy tắc: {missing}"


# --------------------------------------------------------------------------- text boxes


def _kinh_gui_in_a_text_box(doc, bold: bool = False) -> None:
    """Move the Kính gửi paragraphs into a floating DrawingML text box (Word's own markup, with
    its VML copy as mc:Fallback) anchored where they stood."""
    body = doc.element.body
    kinh_gui = _by_style(doc, "CVKinhGui") + _by_style(doc, "CVKinhGuiDanhSach")
    anchor = kinh_gui[0].getprevious()
    ns = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
          'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
          'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
          'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
          'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
          'xmlns:v="urn:schemas-microsoft-com:vml"')
    box = ('<wp:anchor simplePos="0" relativeHeight="1" behindDoc="0" locked="0" layoutInCell="1" '
           'allowOverlap="1"><wp:simplePos x="0" y="0"/><wp:extent cx="5400000" cy="900000"/>'
           '<wp:docPr id="77" name="Text Box 77"/><a:graphic><a:graphicData '
           'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>'
           '<wps:txbx><w:txbxContent/></wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor>')
    run = parse_xml(f'<w:r {ns}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>{box}</w:drawing>'
                    '</mc:Choice><mc:Fallback><w:pict><v:shape style="width:425pt;height:70pt"><v:textbox>'
                    '<w:txbxContent/></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>')
    for content in run.iter(qn("w:txbxContent")):
        for p in kinh_gui:
            copy_ = parse_xml(p.xml)
            if bold:
                for r in copy_.iter(qn("w:r")):
                    rpr = r.get_or_add_rPr()
                    for b in rpr.findall(qn("w:b")):
                        rpr.remove(b)
                    rpr.append(OxmlElement("w:b"))
            content.append(copy_)
    for p in kinh_gui:
        body.remove(p)
    holder = OxmlElement("w:p")
    anchor.addnext(holder)
    holder.append(run)


def test_lint_judges_a_kinh_gui_placed_in_a_text_box(tmp_path, ours):
    """Text in a text box is read once (the Choice, not the VML Fallback copy) and judged like any."""
    code, report = _json_lint(_edit(ours, tmp_path / "hop.docx", _kinh_gui_in_a_text_box))
    assert code == 0, report
    code, report = _json_lint(_edit(ours, tmp_path / "hop-dam.docx", lambda d: _kinh_gui_in_a_text_box(d, bold=True)))
    assert code == 1
    assert [v["rule"] for v in report["violations"]] == ["kinh_gui.khong_dam"], report
    assert read_docx(tmp_path / "hop-dam.docx").paragraphs  # and the reader does not fail on the box


# --------------------------------------------------------------------------- every type (#13)

PLAN = dict(ten_loai="KẾ HOẠCH", so_text="Số: 05/KH-SNNMT", vv_text="", kg_text="",
            ty_lines=("Giám sát xây dựng nông thôn mới năm 2026",))
REPORT_UP = dict(ten_loai="TỜ TRÌNH", so_text="Số: 05/TTr-SNNMT", vv_text="",
                 ty_lines=("Đề nghị công nhận xã Minh Tiến đạt chuẩn nông thôn mới năm 2025",),
                 kg_text="Kính gửi: Ủy ban nhân dân tỉnh Lạng Sơn")
DECISION = dict(
    ten_loai="QUYẾT ĐỊNH", so_text="Số: 05/QĐ-UBND", vv_text="", kg_text="",
    parent="", issuer="ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN", issuer_lines=("ỦY BAN NHÂN DÂN", "TỈNH LẠNG SƠN"),
    ty_lines=("Về việc công nhận xã Minh Tiến đạt chuẩn nông thôn mới năm 2025",),
    authority="CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN",
    grounds=("Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
             "Căn cứ Quyết định số 318/QĐ-TTg ngày 08 tháng 3 năm 2022 của Thủ tướng Chính phủ;",
             "Theo đề nghị của Giám đốc Sở Nông nghiệp và Môi trường tại Tờ trình số 05/TTr-SNNMT."),
    qd_line="QUYẾT ĐỊNH:",
    body=["Điều 1. Công nhận xã Minh Tiến, tỉnh Lạng Sơn đạt chuẩn nông thôn mới năm 2025.",
          "Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký.",
          "Điều 3. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Nông nghiệp và Môi trường, Chủ "
          "tịch Ủy ban nhân dân xã Minh Tiến chịu trách nhiệm thi hành Quyết định này./."],
    nn_items=("- Như Điều 3;", "- Lưu: VT, KTN."), titles=("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
)
TYPED = {"ke-hoach": PLAN, "to-trinh": REPORT_UP, "quyet-dinh": DECISION}


@pytest.mark.parametrize("name", sorted(TYPED))
def test_a_typed_document_laid_out_as_the_decree_says_passes(tmp_path, name):
    report = lint_file(make_letter(tmp_path / f"{name}.docx", **TYPED[name]))
    assert report.ok, report.to_text()


BROKEN_TYPED = {
    # công văn (Mẫu 1.5)
    "cong-van-ky-hieu-to-trinh": ({}, dict(so_text="Số: 05/TTr-UBND"), {"so_ky_hieu.cong_van_khong_ten_loai"}),
    "cong-van-khong-vv": ({}, dict(vv_text=""), {"trich_yeu.co_mat"}),
    # văn bản có tên loại (Mẫu 1.4)
    "ke-hoach-ky-hieu-bc": (PLAN, dict(so_text="Số: 05/BC-SNNMT"), {"so_ky_hieu.viet_tat_ten_loai"}),
    "ke-hoach-co-vv": (PLAN, dict(vv_text="V/v giám sát năm 2026"), {"trich_yeu.chi_cong_van"}),
    "ke-hoach-ten-loai-trai": (PLAN, dict(tl_align=L), {"ten_loai.can_giua"}),
    "ke-hoach-ten-loai-thuong": (PLAN, dict(ten_loai="Kế hoạch"), {"ten_loai.in_hoa"}),
    "ke-hoach-ten-loai-khong-dam": (PLAN, dict(tl_bold=False), {"ten_loai.dam"}),
    "ke-hoach-ten-loai-co-12": (PLAN, dict(tl_size=12), {"ten_loai.co_chu"}),
    "ke-hoach-trich-yeu-khong-dam": (PLAN, dict(ty_bold=False), {"trich_yeu_ten_loai.dam"}),
    "ke-hoach-trich-yeu-trai": (PLAN, dict(ty_lines=("Giám sát năm 2026", "tại các xã"), ty_align=L),
                                {"trich_yeu_ten_loai.can_giua"}),
    "ke-hoach-trich-yeu-in-hoa": (PLAN, dict(ty_lines=("GIÁM SÁT NÔNG THÔN MỚI NĂM 2026",)),
                                  {"trich_yeu_ten_loai.chu_thuong"}),
    "ke-hoach-trich-yeu-co-12": (PLAN, dict(ty_size=12), {"trich_yeu_ten_loai.co_chu"}),
    "ke-hoach-khong-ke": (PLAN, dict(ty_rule_factor=None), {"duong_ke_trich_yeu.co_mat"}),
    "ke-hoach-ke-dai": (PLAN, dict(ty_rule_factor=0.8), {"duong_ke_trich_yeu.do_dai"}),
    "ke-hoach-ke-ngan": (PLAN, dict(ty_rule_factor=0.2), {"duong_ke_trich_yeu.do_dai"}),
    "ke-hoach-kinh-gui": (PLAN, dict(kg_text="Kính gửi: Ủy ban nhân dân các xã"), {"kinh_gui.dung_loai"}),
    "to-trinh-ky-hieu-chu-hoa": (REPORT_UP, dict(so_text="Số: 05/TTR-SNNMT"), {"so_ky_hieu.viet_tat_ten_loai"}),
    # quyết định (Mẫu 1.2)
    "quyet-dinh-ky-hieu-qyd": (DECISION, dict(so_text="Số: 05/QyĐ-UBND"), {"so_ky_hieu.viet_tat_ten_loai"}),
    "quyet-dinh-tham-quyen-khong-dam": (DECISION, dict(authority_bold=False), {"tham_quyen.dam"}),
    "quyet-dinh-tham-quyen-trai": (DECISION, dict(authority_align=L), {"tham_quyen.can_giua"}),
    "quyet-dinh-khong-tham-quyen": (DECISION, dict(authority=None), {"tham_quyen.co_mat"}),
    "quyet-dinh-can-cu-dung": (DECISION, dict(grounds_italic=False), {"can_cu.nghieng"}),
    "quyet-dinh-dong-khong-dam": (DECISION, dict(qd_bold=False), {"quyet_dinh.dam"}),
    "quyet-dinh-dong-trai": (DECISION, dict(qd_align=L), {"quyet_dinh.can_giua"}),
    "quyet-dinh-khong-dong": (DECISION, dict(qd_line=None), {"quyet_dinh.co_mat"}),
    "quyet-dinh-dieu-khong-dam": (DECISION, dict(dieu_bold=False), {"dieu.dam"}),
    "quyet-dinh-khong-trich-yeu": (DECISION, dict(ty_lines=(), ty_rule_factor=None), {"trich_yeu_ten_loai.co_mat"}),
}


@pytest.mark.parametrize("case", sorted(BROKEN_TYPED))
def test_a_document_broken_against_its_type_is_caught(tmp_path, case):
    base, changes, expected = BROKEN_TYPED[case]
    code, data = _json_lint(make_letter(tmp_path / f"{case}.docx", **{**base, **changes}))
    fired = {v["rule"] for v in data["violations"]}
    assert code == 1
    assert fired == expected, "\n".join(v["message"] for v in data["violations"])


def test_the_type_and_its_rules_are_said_in_the_message(tmp_path):
    code, data = _json_lint(make_letter(tmp_path / "kh.docx", **{**PLAN, "so_text": "Số: 05/BC-SNNMT"}))
    (v,) = data["violations"]
    assert "ký hiệu mở đầu «BC», Kế hoạch viết tắt «KH»" in v["where"]
    code, data = _json_lint(make_letter(tmp_path / "cv.docx", so_text="Số: 05/TTr-UBND"))
    (v,) = data["violations"]
    assert v["found_text"] == "chữ viết tắt tên loại trong ký hiệu «TTr»"


# --------------------------------------------------------------------------- the letterhead ends by structure


def test_without_kinh_gui_every_body_paragraph_is_checked(tmp_path):
    """No Kính gửi and three body paragraphs: the first two used to be taken as letterhead."""
    path = make_letter(tmp_path / "khong-kg.docx", kg_text="", first_align=L)
    elements = find_elements(read_docx(path))
    assert [s.text for s in elements["noi_dung"].segments] == BODY
    report = lint_file(path)
    assert report.rule_ids() == {"noi_dung.canh_deu"}, report.to_text()
    assert "đoạn" in report.violations[0].where and "Thực hiện Kế hoạch" in report.violations[0].where


def test_a_one_paragraph_letter_dispatch_built_passes_its_own_lint(tmp_path):
    text = SEED.read_text("utf-8")
    head, _, rest = text.partition("kinh_gui:")
    _, _, tail = rest.partition("nguoi_ky:")
    one = head + 'noi_dung:\n  - "Đề nghị các xã duy trì, nâng cao chất lượng các tiêu chí đã đạt."\nnguoi_ky:' + tail
    path = tmp_path / "mot-doan.yaml"
    path.write_text(one, "utf-8")
    out = tmp_path / "mot-doan.docx"
    out.write_bytes(build_file(path).docx)
    report = lint_file(out)
    assert report.ok, report.to_text()
    assert [s.text for s in find_elements(read_docx(out))["noi_dung"].segments] == [
        "Đề nghị các xã duy trì, nâng cao chất lượng các tiêu chí đã đạt./."]
