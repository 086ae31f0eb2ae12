from generator.wording.inline import Span, parse, plain
from generator.wording.letter import copies_to, number_line, punctuated_list, signature_titles, with_end_mark


def test_recipient_list_punctuation():
    assert punctuated_list(["Bộ Nội vụ", "Bộ Kế hoạch và Đầu tư;", "- Bộ Tài chính."]) == [
        "- Bộ Nội vụ;", "- Bộ Kế hoạch và Đầu tư;", "- Bộ Tài chính."]


def test_number_line():
    assert number_line(5, "BNV-VP") == "Số: 05/BNV-VP"
    assert number_line(12, "UBND-VX") == "Số: 12/UBND-VX"
    assert number_line(None, "UBND-NN").replace(" ", "") == "Số:/UBND-NN"
    assert number_line(None, "UBND-NN").startswith("Số:  ")


def test_signature_titles():
    assert signature_titles("KT.", ["Chủ tịch", "Phó Chủ tịch"]) == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert signature_titles("TM.", ["Ủy ban nhân dân", "chủ tịch"]) == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert signature_titles(None, ["GIÁM ĐỐC"]) == ["GIÁM ĐỐC"]


def test_copies_to():
    assert copies_to(True, ["TT Huyện ủy;", "Như trên"], "Lưu: VT, NN.") == [
        "- TT Huyện ủy;", "- Như trên;", "- Lưu: VT, NN."]
    assert copies_to(True, ["CT, các PCT"], "VT") == ["- Như trên;", "- CT, các PCT;", "- Lưu: VT."]
    assert copies_to(False, [], "VT, VP") == ["- Lưu: VT, VP."]


def test_end_mark():
    assert with_end_mark((Span("thực hiện."),))[-1].text == "thực hiện./."
    assert with_end_mark((Span("thực hiện"),))[-1].text == "thực hiện./."
    assert with_end_mark((Span("thực hiện./."),))[-1].text == "thực hiện./."
    assert with_end_mark((Span("a"), Span("b", bold=True)))[-1] == Span("b./.", bold=True)


def test_inline_emphasis():
    assert parse("trước **28/9/2023**.") == [Span("trước "), Span("28/9/2023", bold=True), Span(".")]
    assert parse("(*gửi kèm*)") == [Span("("), Span("gửi kèm", italic=True), Span(")")]
    assert parse("***a***") == [Span("a", True, True)]
    assert parse("**đậm *và nghiêng* đậm**") == [Span("đậm ", True), Span("và nghiêng", True, True), Span(" đậm", True)]
    assert plain("5 * 3 = 15 và \\*sao\\*") == "5 * 3 = 15 và *sao*"
    assert parse("** không phải đậm**") == [Span("** không phải đậm**")]


def test_inline_emphasis_matches_the_lookbehind_first_rules():
    """The emphasis pattern matches a marker first and checks the character before it afterwards (a faster
    search); it finds exactly what the rule written with the look-behind first finds, on every short string of
    asterisks, spaces, letters, line breaks and backslashes."""
    import random
    import re

    from generator.wording import inline

    rule = re.compile(r"(?<!\*)\*\*\*(?![\s*])(.+?)(?<![\s*])\*\*\*(?!\*)"
                      r"|(?<!\*)\*\*(?!\s)(.+?)(?<!\s)\*\*(?!\*)"
                      r"|(?<!\*)\*(?![\s*])(.+?)(?<![\s*])\*(?!\*)", re.S)
    rng = random.Random(15)
    for _ in range(40000):
        text = "".join(rng.choice("**** ab\n\\") for _ in range(rng.randint(0, 14)))
        assert [(m.span(), m.groups()) for m in inline._EMPHASIS.finditer(text)] == \
            [(m.span(), m.groups()) for m in rule.finditer(text)], repr(text)


def test_archive_typed_among_recipients_is_one_lu_line():
    # recognised like "Như trên": merged into the Lưu line, never a second one
    assert copies_to(True, ["Sở Tài chính", "Lưu: VT, NN."], "VT, KT") == [
        "- Như trên;", "- Sở Tài chính;", "- Lưu: VT, KT, NN."]
    assert copies_to(True, ["Lưu VT-VP"], None) == ["- Như trên;", "- Lưu: VT-VP."]  # luu not given: the typed one
    assert copies_to(True, ["lưu: vt"], "VT, KT") == ["- Như trên;", "- Lưu: VT, KT."]
    # an organ whose name begins with "Lưu" stays a recipient
    assert copies_to(True, ["Trung tâm Lưu trữ lịch sử", "Lưu trữ tỉnh"], "VT") == [
        "- Như trên;", "- Trung tâm Lưu trữ lịch sử;", "- Lưu trữ tỉnh;", "- Lưu: VT."]


LETTER = """\
co_quan_ban_hanh: ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN
ky_hieu: UBND-KT
dia_danh: Lạng Sơn
ngay: 20/11/2026
trich_yeu: thử căn cứ
kinh_gui: Sở Nông nghiệp và Môi trường
noi_dung:
  - Ủy ban nhân dân tỉnh đề nghị Sở thực hiện các nội dung sau
  - can_cu:
      - Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025
      - căn cứ Quyết định số 51/2025/QĐ-TTg ngày 29/12/2025 của Thủ tướng Chính phủ;
nguoi_ky:
  chuc_vu: [CHỦ TỊCH]
  ho_ten: Nguyễn Văn Bình
noi_nhan:
  - Chủ tịch, các Phó Chủ tịch UBND tỉnh
  - "Lưu: VT, NN"
luu: VT, KT
"""


def built_paragraphs(tmp_path):
    import io

    from docx import Document

    from docx_helpers import all_paragraphs
    from generator.pipeline import build_file

    path = tmp_path / "cv.yaml"
    path.write_text(LETTER, encoding="utf-8")
    return all_paragraphs(Document(io.BytesIO(build_file(path).docx)))


def test_can_cu_lines_begin_with_can_cu_and_the_end_mark_stays_out_of_them(tmp_path):
    paragraphs = built_paragraphs(tmp_path)
    texts = [p.text for p in paragraphs]
    assert "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;" in texts
    # typed "căn cứ" is kept as the clerk wrote it, not doubled
    assert "căn cứ Quyết định số 51/2025/QĐ-TTg ngày 29/12/2025 của Thủ tướng Chính phủ." in texts
    assert not any("Căn cứ căn cứ" in t or "./." in t for t in texts if "Quyết định số 51" in t or "Luật Tổ" in t)
    assert "Ủy ban nhân dân tỉnh đề nghị Sở thực hiện các nội dung sau./." in texts
    italic = next(p for p in paragraphs if p.text.startswith("Căn cứ Luật"))
    assert all(r.italic for r in italic.runs if r.text.strip()) or italic.style.font.italic


def test_typed_luu_in_noi_nhan_gives_one_luu_line_in_the_docx(tmp_path):
    texts = [p.text for p in built_paragraphs(tmp_path)]
    assert [t for t in texts if t.startswith("- Lưu")] == ["- Lưu: VT, KT, NN."]
    assert "- Chủ tịch, các Phó Chủ tịch UBND tỉnh;" in texts


# --- each rule written out (expected values literal, not computed by the code under test) ---

def test_recipient_items_lose_what_the_generator_adds():
    assert punctuated_list(["Sở Tài chính,", "– Sở Y tế", "- Sở Xây dựng ;", "Sở Nội vụ;,."]) == [
        "- Sở Tài chính;", "- Sở Y tế;", "- Sở Xây dựng;", "- Sở Nội vụ."]
    assert punctuated_list(["Bộ Nội vụ"]) == ["- Bộ Nội vụ."]
    # a hyphen inside a name is the name's own
    assert punctuated_list(["Sở Lao động - Thương binh và Xã hội", "B"]) == [
        "- Sở Lao động - Thương binh và Xã hội;", "- B."]


def test_date_line():
    from generator.wording.letter import date_line

    assert date_line("Lạng Sơn", "ngày 08 tháng 3 năm 2018") == "Lạng Sơn, ngày 08 tháng 3 năm 2018"


def test_copies_to_without_kinh_gui_and_default_archive():
    assert copies_to(False, ["Sở Tài chính,"], None) == ["- Sở Tài chính;", "- Lưu: VT."]
    assert copies_to(True, [], None) == ["- Như trên;", "- Lưu: VT."]
    assert copies_to(True, ["như trên"], "VT") == ["- như trên;", "- Lưu: VT."]
    # "Lưu" followed by a word that only begins with VT is a recipient, not the archive line
    assert copies_to(True, ["Lưu VTTU tỉnh"], "VT") == ["- Như trên;", "- Lưu VTTU tỉnh;", "- Lưu: VT."]


GACH_LETTER = """\
co_quan_chu_quan: Ủy ban nhân dân tỉnh Lạng Sơn
co_quan_ban_hanh: Sở Nông nghiệp và Môi trường
ky_hieu: SNNMT-KT
dia_danh: Lạng Sơn
ngay: 20/11/2026
trich_yeu: "thử gạch\\n  đầu dòng"
kinh_gui: "Ủy ban nhân dân tỉnh;"
pham_vi_luu_hanh: Lưu hành nội bộ
noi_dung:
  - Đề nghị Sở thực hiện các nội dung sau
  - gach:
      - "- Rà soát các tiêu chí"
      - "– Báo cáo kết quả"
      - Tổng hợp số liệu
  - Ủy ban nhân dân tỉnh đề nghị Sở thực hiện.
nguoi_ky:
  chuc_vu: [CHỦ TỊCH]
  ho_ten: Nguyễn Văn Bình
"""


def test_typed_dashes_one_recipient_and_circulation_in_the_docx(tmp_path):
    import io

    from docx import Document

    from docx_helpers import all_paragraphs
    from generator.pipeline import build_file

    path = tmp_path / "cv.yaml"
    path.write_text(GACH_LETTER, encoding="utf-8")
    doc = Document(io.BytesIO(build_file(path).docx))
    texts = [p.text for p in all_paragraphs(doc)]
    # each name is broken where it breaks naturally (geometry/letterhead.py)
    assert texts[1:5] == ["ỦY BAN NHÂN DÂN", "TỈNH LẠNG SƠN", "SỞ NÔNG NGHIỆP", "VÀ MÔI TRƯỜNG"]
    assert (doc.core_properties.title, doc.core_properties.author) == (
        "V/v thử gạch đầu dòng", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG")
    assert ["- Rà soát các tiêu chí", "- Báo cáo kết quả", "- Tổng hợp số liệu"] == [
        t for t in texts if t.startswith("-") and ("tiêu chí" in t or "kết quả" in t or "số liệu" in t)]
    assert "Kính gửi: Ủy ban nhân dân tỉnh" in texts
    assert "LƯU HÀNH NỘI BỘ" in texts
    assert "Lạng Sơn, ngày 20 tháng 11 năm 2026" in texts
