"""Document types (``loai:``): the văn bản có tên loại of Mẫu 1.4 and the headings at the decree's levels.

Each example in ``inputs/vi-du`` is built and read back from the DOCX: the order of the blocks,
alignment, weight, case and size of the tên loại and the trích yếu, the rule under the trích yếu
(its length against the widest printed line, the line measured with the Liberation Serif font
file, not with the project's metrics), the ký hiệu, no V/v, Kính gửi after the title, Nơi nhận
without "Như trên" when there is no Kính gửi. Then each input error with its message and exit code.
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm

from docx_helpers import all_paragraphs, by_role, role, run_props
from conftest import template_builder
from generator.cli import main
from generator.geometry.layout_spec import ROLES, StyleId
from generator.pipeline import build_file

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "inputs" / "vi-du"
TEXT_WIDTH_PT = (210 - 30 - 15) * 72 / 25.4  # A4 less the template's margins: 165 mm
BOLD_FONT = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf")


def _doc(name: str):
    return Document(io.BytesIO(build_file(EXAMPLES / name).docx))


@pytest.fixture(scope="module")
def docs():
    return {name: _doc(f"{name}.yaml") for name in (
        "2026-ke-hoach-giam-sat", "2026-bao-cao-ket-qua", "2026-to-trinh-cong-nhan", "2026-thong-bao-lay-y-kien")}


def _roles(doc) -> list[str]:
    return [role(p) for p in all_paragraphs(doc)]


def _align(p):
    return p.paragraph_format.alignment if p.paragraph_format.alignment is not None else p.style.paragraph_format.alignment


def _lines(p) -> list[str]:
    """The paragraph's text split at its line breaks (w:br)."""
    lines = [""]
    for el in p._p.iter(qn("w:t"), qn("w:br")):
        if el.tag == qn("w:br"):
            lines.append("")
        else:
            lines[-1] += el.text or ""
    return lines


EXPECTED = {
    # name: (tên loại, trích yếu lines as typed, số ký hiệu, Kính gửi or None, first Nơi nhận line)
    "2026-ke-hoach-giam-sat": (
        "KẾ HOẠCH",
        ["Giám sát việc thực hiện Chương trình mục tiêu quốc gia",
         "xây dựng nông thôn mới năm 2026 trên địa bàn tỉnh Lạng Sơn"],
        "Số: 45/KH-UBND", None, "- Bộ Nông nghiệp và Môi trường (b/c);"),
    "2026-bao-cao-ket-qua": (
        "BÁO CÁO",
        ["Kết quả thực hiện Chương trình mục tiêu quốc gia", "xây dựng nông thôn mới năm 2026"],
        "Số: 398/BC-UBND", "Kính gửi: Bộ Nông nghiệp và Môi trường", "- Như trên;"),
    "2026-to-trinh-cong-nhan": (
        "TỜ TRÌNH",
        ["Đề nghị xét, công nhận xã Hữu Lũng đạt chuẩn nông thôn mới năm 2026"],
        "Số: 52/TTr-UBND", "Kính gửi: Ủy ban nhân dân tỉnh Lạng Sơn", "- Như trên;"),
    "2026-thong-bao-lay-y-kien": (
        "THÔNG BÁO",
        ["Lấy ý kiến về kết quả xây dựng nông thôn mới của xã Hữu Lũng đề nghị xét, công nhận đạt chuẩn "
         "nông thôn mới năm 2026"],
        "Số: 127/TB-SNNMT", None, "- Ủy ban nhân dân tỉnh (b/c);"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_title_block_of_mau_1_4(docs, name):
    doc = docs[name]
    title, subject_lines, number, recipient, first_copy = EXPECTED[name]
    [t] = by_role(doc, StyleId.TITLE)
    [s] = by_role(doc, StyleId.TITLE_SUBJECT)
    assert t.text == title
    assert _lines(s) == subject_lines
    for p, size in ((t, 14), (s, 14)):
        assert _align(p) == WD_ALIGN_PARAGRAPH.CENTER
        runs = [r for r in p.runs if r.text.strip()]
        assert runs and all(run_props(r, p)[1:] == (size, True, False) for r in runs), p.text
        assert all(run_props(r, p)[0] == "Times New Roman" for r in runs)
    assert [p.text for p in by_role(doc, StyleId.NUMBER)] == [number]
    text = "\n".join(p.text for p in all_paragraphs(doc))
    assert "V/v" not in text and not by_role(doc, StyleId.SUBJECT)  # no trích yếu of a công văn under Số
    kinh_gui = [p.text for p in by_role(doc, StyleId.RECIPIENT)]
    assert kinh_gui == ([recipient] if recipient else [])
    copies = [p.text for p in by_role(doc, StyleId.COPIES_LIST)]
    assert copies[0] == first_copy
    assert ("- Như trên;" in copies) == (recipient is not None)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_order_of_the_blocks(docs, name):
    """Letterhead, số | ngày, then tên loại, trích yếu, its rule, Kính gửi (if any), the content, the signature."""
    order = [r for r in _roles(docs[name]) if r in {
        StyleId.ISSUER, StyleId.NATIONAL_TITLE, StyleId.NUMBER, StyleId.PLACE_DATE, StyleId.TITLE,
        StyleId.TITLE_SUBJECT, StyleId.TITLE_RULE, StyleId.RECIPIENT, StyleId.COPIES, StyleId.SIGNER}]
    order = [r for n, r in enumerate(order) if n == 0 or order[n - 1] != r]  # a several-line issuer counts once
    recipient = [StyleId.RECIPIENT] if EXPECTED[name][3] else []
    assert order == [StyleId.ISSUER, StyleId.NATIONAL_TITLE, StyleId.NUMBER, StyleId.PLACE_DATE, StyleId.TITLE,
                     StyleId.TITLE_SUBJECT, StyleId.TITLE_RULE, *recipient, StyleId.COPIES, StyleId.SIGNER]
    roles = _roles(docs[name])
    first_body = next(n for n, r in enumerate(roles) if r in {StyleId.BODY, StyleId.GROUNDS, StyleId.HEADING_ROMAN,
                                                              StyleId.HEADING_NUMBER})
    assert roles.index(StyleId.TITLE_RULE) < first_body
    if recipient:
        assert roles.index(StyleId.RECIPIENT) < first_body


def _printed_width_pt(text: str, size: float) -> float:
    """Width of a line of Times New Roman bold, measured with the metric-compatible font file."""
    from PIL import ImageFont

    font = ImageFont.truetype(str(BOLD_FONT), 1000, layout_engine=ImageFont.Layout.BASIC)
    return font.getlength(text) * size / 1000


# the printed lines of each trích yếu: as typed, or as Word and LibreOffice break the Thông báo's
PRINTED = {
    "2026-ke-hoach-giam-sat": ["Giám sát việc thực hiện Chương trình mục tiêu quốc gia",
                               "xây dựng nông thôn mới năm 2026 trên địa bàn tỉnh Lạng Sơn"],
    "2026-bao-cao-ket-qua": ["Kết quả thực hiện Chương trình mục tiêu quốc gia", "xây dựng nông thôn mới năm 2026"],
    "2026-to-trinh-cong-nhan": ["Đề nghị xét, công nhận xã Hữu Lũng đạt chuẩn nông thôn mới năm 2026"],
    "2026-thong-bao-lay-y-kien": ["Lấy ý kiến về kết quả xây dựng nông thôn mới của xã Hữu Lũng đề nghị xét,",
                                  "công nhận đạt chuẩn nông thôn mới năm 2026"],
}


@pytest.mark.skipif(not BOLD_FONT.exists(), reason="Liberation Serif 2 (fonts-liberation2) is not installed")
@pytest.mark.parametrize("name", sorted(PRINTED))
def test_rule_under_the_trich_yeu_is_measured_from_its_widest_printed_line(docs, name):
    """PL I §II.5.a: 1/3 to 1/2 of the line; ours is 2/5 of the widest printed line, centred."""
    [rule] = by_role(docs[name], StyleId.TITLE_RULE)
    ind = rule._p.pPr.find(qn("w:ind"))
    left, right = int(ind.get(qn("w:left"))) / 20, int(ind.get(qn("w:right"))) / 20
    assert abs(left - right) <= 0.05  # centred
    length = TEXT_WIDTH_PT - left - right
    widest = max(_printed_width_pt(line, 14) for line in PRINTED[name])
    assert widest <= TEXT_WIDTH_PT  # each expected line fits on one printed line
    assert 0.395 <= length / widest <= 0.405, (length, widest)
    assert rule._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")) is not None


def test_the_thong_bao_trich_yeu_breaks_where_the_page_breaks_it():
    """The wrapping measure.py assumes for the Thông báo's trích yếu, written out: the first line ends at "xét,"."""
    from generator.geometry.measure import StyleTable, title_lines

    data = build_file(EXAMPLES / "2026-thong-bao-lay-y-kien.yaml").docx
    doc = Document(io.BytesIO(data))
    [s] = by_role(doc, StyleId.TITLE_SUBJECT)
    assert title_lines(s._p, StyleTable(doc.styles.element), TEXT_WIDTH_PT) == PRINTED["2026-thong-bao-lay-y-kien"]


def test_heading_levels_of_a_ke_hoach(docs):
    doc = docs["2026-ke-hoach-giam-sat"]
    headings = [(role(p), p.text) for p in all_paragraphs(doc)
                if role(p) in (StyleId.HEADING_ROMAN, StyleId.HEADING_NUMBER, StyleId.HEADING_LETTER)]
    assert headings[:9] == [
        (StyleId.HEADING_ROMAN, "I. MỤC ĐÍCH, YÊU CẦU"),
        (StyleId.HEADING_NUMBER, "1. Mục đích"),
        (StyleId.HEADING_NUMBER, "2. Yêu cầu"),
        (StyleId.HEADING_ROMAN, "II. ĐỐI TƯỢNG, NỘI DUNG GIÁM SÁT"),
        (StyleId.HEADING_NUMBER, "1. Đối tượng giám sát"),
        (StyleId.HEADING_NUMBER, "2. Nội dung giám sát"),
        (StyleId.HEADING_LETTER, "a) Việc triển khai Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2026-2030"),
        (StyleId.HEADING_LETTER, "b) Việc huy động, quản lý và sử dụng nguồn lực"),
        (StyleId.HEADING_LETTER, "c) Việc duy trì, nâng cao chất lượng các tiêu chí đã đạt"),
    ]
    assert [t for r, t in headings if r == StyleId.HEADING_ROMAN] == [
        "I. MỤC ĐÍCH, YÊU CẦU", "II. ĐỐI TƯỢNG, NỘI DUNG GIÁM SÁT", "III. THỜI GIAN THỰC HIỆN", "IV. TỔ CHỨC THỰC HIỆN"]
    weights = {StyleId.HEADING_ROMAN: True, StyleId.HEADING_NUMBER: True, StyleId.HEADING_LETTER: False}
    for p in all_paragraphs(doc):
        if role(p) in weights:
            assert all(run_props(r, p)[1:] == (14, weights[role(p)], False) for r in p.runs if r.text.strip()), p.text
            assert _align(p) == WD_ALIGN_PARAGRAPH.JUSTIFY
            indent = p.paragraph_format.first_line_indent or p.style.paragraph_format.first_line_indent
            assert abs(indent - Cm(1)) < Cm(0.01)


PARTS_INPUT = """\
loai: quy_dinh
co_quan_ban_hanh: ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN
ky_hieu: QyĐ-UBND
dia_danh: Lạng Sơn
ngay: 2026
trich_yeu: V/v phân công các sở, ngành phụ trách tiêu chí xã nông thôn mới
noi_dung:
  - phan: Quy định chung
  - chuong: Phạm vi và đối tượng
  - dieu: Phạm vi điều chỉnh
  - so: Quy định này quy định việc phân công
  - so: Quy định này áp dụng
  - chu: Một
  - chu: Hai
  - chu: Ba
  - chu: Bốn
  - chu: Năm
  - chu: Sáu
  - chuong: Phân công
  - dieu: Sở Nông nghiệp và Môi trường
  - phan: Tổ chức thực hiện
  - la_ma: Trách nhiệm
  - so: Các sở, ngành
  - dieu: Hiệu lực
nguoi_ky: {chuc_vu: CHỦ TỊCH, ho_ten: Nguyễn Văn Bình}
"""


def test_parts_chapters_and_articles(tmp_path):
    src = tmp_path / "quy-dinh.yaml"
    src.write_text(PARTS_INPUT, "utf-8")
    doc = Document(io.BytesIO(build_file(src).docx))
    [s] = by_role(doc, StyleId.TITLE_SUBJECT)
    assert s.text == "Phân công các sở, ngành phụ trách tiêu chí xã nông thôn mới"  # V/v dropped, capital first
    assert [p.text for p in by_role(doc, StyleId.TITLE)] == ["QUY ĐỊNH"]
    body = [(role(p), p.text) for p in all_paragraphs(doc)
            if role(p) in (StyleId.PART, StyleId.PART_TITLE, StyleId.ARTICLE, StyleId.HEADING_ROMAN,
                           StyleId.HEADING_NUMBER, StyleId.HEADING_LETTER, StyleId.BODY)]
    assert body == [
        (StyleId.PART, "Phần I"), (StyleId.PART_TITLE, "QUY ĐỊNH CHUNG"),
        (StyleId.PART, "Chương I"), (StyleId.PART_TITLE, "PHẠM VI VÀ ĐỐI TƯỢNG"),
        (StyleId.ARTICLE, "Điều 1. Phạm vi điều chỉnh"),
        (StyleId.BODY, "1. Quy định này quy định việc phân công"),  # a khoản: normal weight
        (StyleId.BODY, "2. Quy định này áp dụng"),
        (StyleId.HEADING_LETTER, "a) Một"), (StyleId.HEADING_LETTER, "b) Hai"), (StyleId.HEADING_LETTER, "c) Ba"),
        (StyleId.HEADING_LETTER, "d) Bốn"), (StyleId.HEADING_LETTER, "đ) Năm"), (StyleId.HEADING_LETTER, "e) Sáu"),
        (StyleId.PART, "Chương II"), (StyleId.PART_TITLE, "PHÂN CÔNG"),
        (StyleId.ARTICLE, "Điều 2. Sở Nông nghiệp và Môi trường"),
        (StyleId.PART, "Phần II"), (StyleId.PART_TITLE, "TỔ CHỨC THỰC HIỆN"),
        (StyleId.HEADING_ROMAN, "I. TRÁCH NHIỆM"),
        (StyleId.HEADING_NUMBER, "1. Các sở, ngành"),
        (StyleId.ARTICLE, "Điều 3. Hiệu lực./."),
    ]
    for p in all_paragraphs(doc):
        r = role(p)
        if r in (StyleId.PART, StyleId.PART_TITLE):
            assert _align(p) == WD_ALIGN_PARAGRAPH.CENTER
            assert all(run_props(x, p)[1:] == (14, True, False) for x in p.runs if x.text.strip())
        elif r == StyleId.ARTICLE:
            assert all(run_props(x, p)[1:3] == (14, True) for x in p.runs if x.text.strip())
            indent = p.paragraph_format.first_line_indent or p.style.paragraph_format.first_line_indent
            assert abs(indent - Cm(1)) < Cm(0.01)
        elif r == StyleId.BODY and p.text.startswith(("1. ", "2. ")):
            assert not any(run_props(x, p)[2] for x in p.runs)
    assert "Như trên" not in "\n".join(p.text for p in by_role(doc, StyleId.COPIES_LIST))


def test_subject_of_a_typed_document_keeps_ve_viec(tmp_path):
    src = tmp_path / "tt.yaml"
    src.write_text(PARTS_INPUT.replace("loai: quy_dinh", "loai: to_trinh").replace("QyĐ-UBND", "TTr-UBND")
                   .replace("V/v phân công", "Về việc phân công"), "utf-8")
    [s] = by_role(Document(io.BytesIO(build_file(src).docx)), StyleId.TITLE_SUBJECT)
    assert s.text == "Về việc phân công các sở, ngành phụ trách tiêu chí xã nông thôn mới"


# --------------------------------------------------------------------------- input errors, exit code 2

BASE = (EXAMPLES / "2026-thong-bao-lay-y-kien.yaml").read_text("utf-8")


def _build(tmp_path, text: str):
    src = tmp_path / "vb.yaml"
    src.write_text(text, "utf-8")
    out = tmp_path / "vb.docx"
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(out)])
    return result, out


def _line_of(text: str, start: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(start))


@pytest.mark.parametrize("what, change, key, expected", [
    ("unknown type", ("loai: thong_bao", "loai: thong_bao_moi"), "loai",
     ["loại văn bản «thong_bao_moi» không có", "cong_van, quyet_dinh, chi_thi", "ke_hoach", "bao_cao, to_trinh"]),
    ("a type's name for its key", ("loai: thong_bao", "loai: Thông báo"), "loai", ["viết «thong_bao»"]),
    ("another type's abbreviation", ("ky_hieu: TB-SNNMT", "ky_hieu: TTr-SNNMT"), "ky_hieu",
     ["ký hiệu «TTr-SNNMT» của thông báo phải bắt đầu bằng «TB»", "chữ viết tắt của tờ trình", "viết «TB-SNNMT»"]),
    ("no abbreviation", ("ky_hieu: TB-SNNMT", "ky_hieu: SNNMT-VPĐP"), "ky_hieu",
     ["phải bắt đầu bằng «TB»", "viết «TB-SNNMT-VPĐP»"]),
    ("the abbreviation's case", ("ky_hieu: TB-SNNMT", "ky_hieu: tb-SNNMT"), "ky_hieu",
     ["giữ đúng chữ hoa, chữ thường", "viết «TB-SNNMT»"]),
    ("a type's abbreviation on a công văn", ("loai: thong_bao", "loai: cong_van"), "ky_hieu",
     ["ký hiệu «TB-SNNMT» bắt đầu bằng «TB», chữ viết tắt của thông báo", "viết «SNNMT»", "loai: thong_bao"]),
    ("kinh_gui on a thông báo", ("noi_dung:", "kinh_gui: Ủy ban nhân dân xã Hữu Lũng\nnoi_dung:"), "kinh_gui",
     ["thông báo không có «Kính gửi»", "bỏ «kinh_gui»", "noi_nhan"]),
    ("a typed number", ("  - so: Nội dung lấy ý kiến", "  - so: 1. Nội dung lấy ý kiến"), "  - so: 1.",
     ["«so» tự đánh số: đừng gõ «1.»"]),
])
def test_input_errors(tmp_path, what, change, key, expected):
    text = BASE.replace(*change)
    assert text != BASE
    result, out = _build(tmp_path, text)
    assert result.exit_code == 2, result.output
    assert f"dòng {_line_of(text, key if key.startswith(' ') else key + ':')}" in result.output, result.output
    for part in expected:
        assert part in result.output, result.output
    assert not out.exists()


def test_heading_levels_are_refused_in_a_cong_van(tmp_path):
    text = BASE.replace("loai: thong_bao", "loai: cong_van").replace("ky_hieu: TB-SNNMT", "ky_hieu: SNNMT-VPĐP")
    result, out = _build(tmp_path, text)
    assert result.exit_code == 2, result.output
    assert f"dòng {_line_of(text, 'noi_dung:')}" in result.output
    assert "mục thứ 2 của nội dung là đề mục «so»" in result.output and "«muc: 1. Kết quả thực hiện»" in result.output
    assert not out.exists()


# --------------------------------------------------------------------------- templates


def test_committed_van_ban_template_matches_the_script():
    from generator.pipeline import LAYOUT_TEMPLATES

    assert template_builder().build("van-ban") == LAYOUT_TEMPLATES["ten_loai"].read_bytes(), (
        "templates/van-ban.docx khác với kết quả của scripts/build_template.py: chạy lại script")


def test_van_ban_template_has_every_role_and_cong_van_none_of_its_own():
    from generator.pipeline import LAYOUT_TEMPLATES

    van_ban = {s.style_id for s in Document(str(LAYOUT_TEMPLATES["ten_loai"])).styles}
    cong_van = {s.style_id for s in Document(str(LAYOUT_TEMPLATES["cong_van"])).styles}
    assert set(ROLES) <= van_ban
    assert {StyleId.TITLE, StyleId.TITLE_SUBJECT, StyleId.TITLE_RULE, StyleId.ARTICLE}.isdisjoint(cong_van)


def test_a_clerks_template_still_wins(tmp_path):
    """``mau:`` names the template whatever the type: here the công văn template for a thông báo."""
    from generator.pipeline import LAYOUT_TEMPLATES

    (tmp_path / "mau.docx").write_bytes(LAYOUT_TEMPLATES["cong_van"].read_bytes())
    result, out = _build(tmp_path, "mau: mau.docx\n" + BASE)
    assert result.exit_code == 0, result.output
    doc = Document(str(out))
    assert not by_role(doc, StyleId.TITLE) and [p.text for p in by_role(doc, StyleId.SUBJECT) if p.text] == [
        "Lấy ý kiến về kết quả xây dựng nông thôn mới của xã Hữu Lũng đề nghị xét, công nhận đạt chuẩn nông thôn mới "
        "năm 2026"]
