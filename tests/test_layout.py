"""Every seed letter against the checklist of nd30.md §8 (Nghị định 30/2020, Phụ lục I)."""
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from docx_helpers import all_paragraphs, by_role, run_props, text_runs
from generator.geometry.metrics import text_width_pt

NAMES = ["000-lang-son-2018", "001-vinh-linh-2023", "002-huu-lung-2024", "003-tam-duong-2024", "004-tinh-2023"]

# role -> (sizes allowed, bold, italic, alignment); None = not fixed by the decree
RULES = {
    "CVQuocHieu": ((12, 13), True, False, "center"),
    "CVTieuNgu": ((13, 14), True, False, "center"),
    "CVCoQuanChuQuan": ((12, 13), False, False, "center"),
    "CVCoQuanBanHanh": ((12, 13), True, False, "center"),
    "CVSoKyHieu": ((13, 13), False, False, "center"),
    "CVDiaDanhNgay": ((13, 14), False, True, "center"),
    "CVTrichYeu": ((12, 13), False, False, "center"),
    "CVKinhGui": ((13, 14), False, False, None),
    "CVKinhGuiDanhSach": ((13, 14), False, False, None),
    "CVNoiDung": ((13, 14), None, None, "justify"),
    "CVDeMuc": ((13, 14), None, None, "justify"),
    "CVNoiNhan": ((12, 12), True, True, "left"),
    "CVNoiNhanDanhSach": ((11, 11), False, False, "left"),
    "CVQuyenHan": ((13, 14), True, False, "center"),
    "CVHoTen": ((13, 14), True, False, "center"),
}
ALIGN = {"center": WD_ALIGN_PARAGRAPH.CENTER, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "left": WD_ALIGN_PARAGRAPH.LEFT}


def alignment(p):
    return p.paragraph_format.alignment if p.paragraph_format.alignment is not None else p.style.paragraph_format.alignment


@pytest.fixture(params=NAMES)
def doc(request, seed_docs):
    return seed_docs[request.param]


def test_page_is_a4_with_margins_in_range(doc):
    for s in doc.sections:
        assert round(s.page_width.mm) == 210 and round(s.page_height.mm) == 297
        assert 20 <= round(s.top_margin.mm, 1) <= 25 and 20 <= round(s.bottom_margin.mm, 1) <= 25
        assert 30 <= round(s.left_margin.mm, 1) <= 35 and 15 <= round(s.right_margin.mm, 1) <= 20


def test_times_new_roman_black_everywhere(doc):
    for p in all_paragraphs(doc):
        for run in text_runs(p):
            name, size, _, _ = run_props(run, p)
            assert name == "Times New Roman", (p.text, name)
            rfonts = run._r.rPr.find(qn("w:rFonts"))
            for slot in ("w:ascii", "w:hAnsi", "w:cs"):
                assert rfonts.get(qn(slot)) == "Times New Roman"
            color = run.font.color.rgb
            assert color is None or str(color) == "000000" or p._p.style == "CVDoKhan", (p.text, color)
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    assert fonts.get(qn("w:ascii")) == "Times New Roman" and fonts.get(qn("w:asciiTheme")) is None


@pytest.mark.parametrize("style_id", sorted(RULES))
def test_each_element_size_weight_slant_alignment(doc, style_id):
    sizes, bold, italic, align = RULES[style_id]
    paragraphs = [p for p in by_role(doc, style_id) if p.text.strip()]
    for p in paragraphs:
        for run in text_runs(p):
            _, size, b, i = run_props(run, p)
            assert sizes[0] <= size <= sizes[1], (style_id, p.text, size)
            if bold is not None:
                assert b == bold, (style_id, p.text)
            if italic is not None:
                assert i == italic, (style_id, p.text)
        if align:
            assert alignment(p) == ALIGN[align], (style_id, p.text)


def test_letterhead_text_and_case(doc, built_seeds):
    assert [p.text for p in by_role(doc, "CVQuocHieu")] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    assert [p.text for p in by_role(doc, "CVTieuNgu")] == ["Độc lập - Tự do - Hạnh phúc"]
    for p in by_role(doc, "CVCoQuanBanHanh") + by_role(doc, "CVCoQuanChuQuan"):
        assert p.text == p.text.upper()
    for p in by_role(doc, "CVQuyenHan"):
        assert p.text == p.text.upper()
        first = by_role(doc, "CVQuyenHan")[0].text.split()[0]
        assert first in ("TM.", "KT.", "Q.", "TL.", "TUQ.") or first.isupper()


def test_number_and_date_share_the_row_and_vv_is_under_number(doc):
    head = doc.tables[0]
    assert head.rows[1].cells[0].paragraphs[0]._p.style == "CVSoKyHieu"
    assert head.rows[1].cells[1].paragraphs[0]._p.style == "CVDiaDanhNgay"
    vv = head.rows[2].cells[0].paragraphs[0]
    assert vv._p.style == "CVTrichYeu" and vv.text.startswith("V/v ")
    assert vv.paragraph_format.space_before.pt == 6  # §II.5.b: cách dòng 6pt với số và ký hiệu
    assert head.rows[1].cells[0].width == head.rows[2].cells[0].width  # centred under the same column


# the template's letterhead columns: 3685 and 5669 twips wide, 57 twips of padding on each side (tblCellMar),
# so the room for a rule is (3685 - 2 × 57) / 20 = 178.55 pt on the left, (5669 - 2 × 57) / 20 = 277.75 pt on the right
LETTERHEAD_CELLS = [("3685", 178.55), ("5669", 277.75)]


def _rule_length_pt(table, cell, p):
    width, room = LETTERHEAD_CELLS[[c._tc for c in table.rows[0].cells].index(cell._tc)]
    assert cell._tc.tcPr.find(qn("w:tcW")).get(qn("w:w")) == width and cell._tc.tcPr.find(qn("w:tcMar")) is None
    margins = table._tbl.tblPr.find(qn("w:tblCellMar"))
    assert [margins.find(qn(f"w:{side}")).get(qn("w:w")) for side in ("left", "right")] == ["57", "57"]
    fmt = p.paragraph_format
    return room - fmt.left_indent.pt - fmt.right_indent.pt


def test_rules_are_measured_from_the_text(doc):
    head = doc.tables[0]
    left, right = head.rows[0].cells
    issuer_lines = [p for p in left.paragraphs if p._p.style == "CVCoQuanBanHanh"]
    longest = max(text_width_pt(p.text, 13, bold=True) for p in issuer_lines)
    rule = [p for p in left.paragraphs if p._p.style == "CVDuongKe"][0]
    length = _rule_length_pt(head, left, rule)
    assert longest / 3 <= length <= longest / 2, (length, longest)
    assert rule.paragraph_format.left_indent == rule.paragraph_format.right_indent  # centred
    assert rule._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")).get(qn("w:val")) == "single"

    motto = text_width_pt("Độc lập - Tự do - Hạnh phúc", 13, bold=True)
    rule = [p for p in right.paragraphs if p._p.style == "CVDuongKe"][0]
    assert abs(_rule_length_pt(head, right, rule) - motto) < 0.5
    assert rule.paragraph_format.left_indent == rule.paragraph_format.right_indent


def test_body_paragraphs(doc):
    body = by_role(doc, "CVNoiDung") + by_role(doc, "CVDeMuc")
    assert body
    for p in body:
        fmt, style = p.paragraph_format, p.style.paragraph_format
        first = fmt.first_line_indent if fmt.first_line_indent is not None else style.first_line_indent
        assert min(abs(first.twips - 567), abs(first.twips - 720)) <= 1  # 1 cm or 1,27 cm
        before = fmt.space_before if fmt.space_before is not None else style.space_before
        after = fmt.space_after if fmt.space_after is not None else style.space_after
        assert max(before or 0, after or 0) >= 6 * 12700  # ≥ 6 pt between paragraphs
        spacing = fmt.line_spacing if fmt.line_spacing is not None else style.line_spacing
        assert 1.0 <= spacing <= 1.5
    assert body[-1].text.endswith("./.") or by_role(doc, "CVNoiDung")[-1].text.endswith("./.")


def test_kinh_gui(doc, built_seeds):
    label = by_role(doc, "CVKinhGui")
    items = by_role(doc, "CVKinhGuiDanhSach")
    assert len(label) == 1
    if items:  # two or more: own lines, "-" first, ";" then "." last, dashes under the colon
        assert label[0].text == "Kính gửi:"
        assert all(p.text.startswith("- ") for p in items)
        assert all(p.text.endswith(";") for p in items[:-1]) and items[-1].text.endswith(".")
        fmt = label[0].paragraph_format
        colon = (fmt.left_indent or 0) / 12700 + text_width_pt("Kính gửi", 14)
        dash = text_width_pt("- ", 14)
        for p in items:  # the first line (the dash) starts under the colon; wrapped lines under the text
            first_line_start = p.paragraph_format.left_indent.pt + p.paragraph_format.first_line_indent.pt
            assert abs(first_line_start - colon) < 0.1
            assert abs(-p.paragraph_format.first_line_indent.pt - dash) < 0.1
    else:
        assert label[0].text.startswith("Kính gửi: ")


def test_noi_nhan_and_signature_side_by_side_and_kept_together(doc):
    sign = doc.tables[-1]
    left, right = sign.rows[0].cells
    assert left.paragraphs[0].text == "Nơi nhận:"
    items = [p.text for p in left.paragraphs[1:]]
    assert items[0] == "- Như trên;" and items[-1].startswith("- Lưu: ") and items[-1].endswith(".")
    assert all(i.endswith(";") for i in items[:-1])
    assert right.paragraphs[0]._p.style == "CVQuyenHan"
    assert right.paragraphs[-1]._p.style == "CVHoTen"
    assert sign.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None
    before = sign._tbl.getprevious()
    assert before.pPr.find(qn("w:keepNext")) is not None  # never alone at the top of a page


def test_page_numbers_from_page_two_centred_in_the_header(doc):
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    header = section.header
    instr = "".join(t.text for t in header._element.iter(qn("w:instrText")))
    assert instr.strip() == "PAGE"
    p = header.paragraphs[0]
    assert alignment(p) == WD_ALIGN_PARAGRAPH.CENTER
    for run in p.runs:
        assert 13 <= (run.font.size or p.style.font.size).pt <= 14
    first = section.first_page_header._element
    assert not list(first.iter(qn("w:instrText"))) and not "".join(t.text for t in first.iter(qn("w:t"))).strip()


def test_document_properties_come_from_the_input(built_seeds, seed_docs):
    props = seed_docs["000-lang-son-2018"].core_properties
    assert props.title.startswith("V/v duy trì, nâng cao chất lượng tiêu chí")
    assert props.created.date().isoformat() == "2018-03-08" and props.modified == props.created
    assert props.author == "BAN CHỈ ĐẠO XÂY DỰNG NÔNG THÔN MỚI TỈNH"
    assert props.language == "vi-VN"


def test_draft_blanks(seed_docs):
    doc = seed_docs["002-huu-lung-2024"]
    assert by_role(doc, "CVSoKyHieu")[0].text.replace(" ", "") == "Số:/UBND-NN"
    date = by_role(doc, "CVDiaDanhNgay")[0].text
    assert date.startswith("Hữu Lũng, ngày ") and date.endswith(" tháng 9 năm 2024")
    assert date.split("ngày")[1].split("tháng")[0].strip() == ""
    assert by_role(seed_docs["000-lang-son-2018"], "CVSoKyHieu")[0].text == "Số: 32/CV-BCĐ"


OPTIONAL = """\
co_quan_ban_hanh: SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG
co_quan_chu_quan: UBND TỈNH LẠNG SƠN
so: 7
ky_hieu: SNNMT-PTNT
dia_danh: Lạng Sơn
ngay: 2026-01-05
trich_yeu: rà soát tiêu chí
kinh_gui: Ủy ban nhân dân tỉnh Lạng Sơn
do_khan: {urgency}
pham_vi_luu_hanh: lưu hành nội bộ
dia_chi: "Số 1 đường Lê Lợi, thành phố Lạng Sơn; ĐT: 0205 3812 345"
noi_dung:
  - can_cu: [Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;, Quyết định số 51/2025/QĐ-TTg]
  - Đề nghị rà soát.
nguoi_ky: {{chuc_vu: GIÁM ĐỐC, ho_ten: Nguyễn Văn A}}
"""


@pytest.mark.parametrize("urgency, width_mm", [("KHẨN", 20), ("THƯỢNG KHẨN", 40), ("Hoả tốc", 30)])
def test_optional_elements(tmp_path, urgency, width_mm):
    import io as _io

    from docx import Document

    from generator.pipeline import build_file

    path = tmp_path / "cv.yaml"
    path.write_text(OPTIONAL.format(urgency=urgency), encoding="utf-8")
    doc = Document(_io.BytesIO(build_file(path).docx))
    text_width = doc.sections[0].page_width - doc.sections[0].left_margin - doc.sections[0].right_margin
    box = by_role(doc, "CVDoKhan")[0]
    assert box.text == urgency.upper().replace("HOẢ", "HỎA")
    fmt = box.paragraph_format
    assert abs((text_width - fmt.left_indent - fmt.right_indent) / 36000 - width_mm) < 0.1  # §III.2.b box size
    borders = box._p.pPr.find(qn("w:pBdr"))
    assert {c.tag.split("}")[1] for c in borders} == {"top", "left", "bottom", "right"}
    _, size, bold, _ = run_props(box.runs[0], box)
    assert bold and 13 <= size <= 14 and str(box.runs[0].font.color.rgb) == "FF0000"
    circulation = by_role(doc, "CVPhamVi")[0]
    assert circulation.text == "LƯU HÀNH NỘI BỘ" and run_props(circulation.runs[0], circulation)[2]
    assert doc.element.body.index(circulation._p) < doc.element.body.index(doc.tables[0]._tbl)  # above ô 1
    recipient = by_role(doc, "CVKinhGui")[0]
    assert recipient.text == "Kính gửi: Ủy ban nhân dân tỉnh Lạng Sơn" and not by_role(doc, "CVKinhGuiDanhSach")
    basis = by_role(doc, "CVCanCu")
    assert [p.text for p in basis] == ["Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
                                       "Căn cứ Quyết định số 51/2025/QĐ-TTg."]
    assert all(run_props(r, p)[3] for p in basis for r in p.runs)  # căn cứ in italic (§II.6.a)
    assert by_role(doc, "CVSoKyHieu")[0].text == "Số: 07/SNNMT-PTNT"
    assert by_role(doc, "CVDiaDanhNgay")[0].text == "Lạng Sơn, ngày 05 tháng 01 năm 2026"
    footer = doc.sections[0].first_page_footer.paragraphs
    address = [p for p in footer if p.text.strip()]
    assert address and address[0].text.startswith("Số 1 đường Lê Lợi")
    assert address[0]._p.pPr.find(qn("w:pBdr")).find(qn("w:top")) is not None  # under a full-width rule
    assert run_props(address[0].runs[0], address[0])[1] == 11
    assert not "".join(p.text for p in doc.sections[0].footer.paragraphs).strip()  # page 1 only
    assert [p.text for p in doc.tables[-1].rows[0].cells[0].paragraphs][1:] == ["- Như trên;", "- Lưu: VT."]
