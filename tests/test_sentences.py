"""The house rules of the sentences written from assessments (generator/wording/sentences.py), checked on
the text of the built DOCX: two-digit counts, the none/all/one forms, one separator, the set named
when it could be mistaken, several departments per criterion."""
import io
import re
import textwrap
from pathlib import Path

from docx import Document

from generator.pipeline import build_file
import pytest

from generator.wording.sentences import folded, write_assignments

LETTER = textwrap.dedent("""\
    co_quan_ban_hanh: ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN
    ky_hieu: UBND-KT
    dia_danh: Lạng Sơn
    ngay: 20/11/2026
    trich_yeu: kết quả rà soát các tiêu chí
    kinh_gui: Ủy ban nhân dân các xã
    noi_dung:
    {body}
      - Đề nghị các xã thực hiện.
    nguoi_ky:
      chuc_vu: [CHỦ TỊCH]
      ho_ten: Nguyễn Văn Bình
    danh_gia:
      bo_tieu_chi: {default}
      xa:
    {communes}
""")

TEN = "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]"
COMMUNES_2026 = f"""\
- {{ten: Tân Thành, dat: [1, 2, 3, 4, 5, 6, 8, 9], lan_truoc: {{dat: [1, 2, 3, 4, 5, 6, 7, 8, 9]}}}}
- {{ten: Dương Liễu, dat: []}}
- {{ten: Thiện Long, dat: {TEN}}}
- {{ten: Bắc Sơn, dat: [1, 3, 4, 5, 6, 7, 8, 9, 10], lan_truoc: {{dat: {TEN}}},
   tham_dinh: {{ngay: 06/9/2026, tieu_chi: [1, 3]}}}}
"""


def build(tmp_path: Path, body: str, communes: str = COMMUNES_2026, default: str = "xa_ntm_2026_2030"):
    path = tmp_path / "cv.yaml"
    path.write_text(LETTER.format(body=textwrap.indent(body.strip("\n"), "  "), default=default,
                                  communes=textwrap.indent(communes.strip("\n"), "    ")), encoding="utf-8")
    return build_file(path)


def texts(built) -> list[str]:
    return [p.text for p in Document(io.BytesIO(built.docx)).paragraphs]


def test_counts_have_two_digits_in_every_sentence(tmp_path):
    text = texts(build(tmp_path, "- tong_hop: tat_ca\n- ket_qua: Tân Thành\n- chua_dat: Tân Thành\n"
                                 "- sut_giam: Tân Thành"))
    assert "Trong 04 xã, có 01 xã đạt đủ các tiêu chí: Thiện Long; 03 xã còn tiêu chí chưa đạt: Bắc Sơn, Dương Liễu " \
           "và Tân Thành." in text
    assert "- Xã Tân Thành đạt 08/10 tiêu chí gồm: Số 1 – Quy hoạch; Số 2 – Hạ tầng kinh tế - xã hội; Số 3 – Phát " \
           "triển kinh tế nông thôn; Số 4 – Đào tạo nguồn nhân lực nông thôn; Số 5 – Văn hóa, giáo dục, y tế; Số 6 – " \
           "Giảm nghèo và an sinh xã hội; Số 8 – Môi trường và cảnh quan nông thôn; Số 9 – Xây dựng hệ thống chính " \
           "trị và hành chính công." in text
    assert "- Xã Tân Thành còn 02/10 tiêu chí chưa đạt gồm: Số 7 – Khoa học công nghệ và chuyển đổi số; Số 10 – " \
           "Tiếp cận pháp luật và an ninh, quốc phòng." in text
    assert "- Xã Tân Thành có 01 tiêu chí bị sụt giảm là tiêu chí số 7 – Khoa học công nghệ và chuyển đổi số." in text
    # no count below ten without its zero (a criterion's own number, "Số 7", is a name, not a count)
    assert not re.search(r"(đạt|còn|Trong|có) \d(/| )", "\n".join(text))


def test_none_all_and_one_missing_have_their_own_words(tmp_path):
    text = texts(build(tmp_path, "- ket_qua: tat_ca\n- chua_dat: [Dương Liễu, Thiện Long, Bắc Sơn]"))
    assert "- Xã Dương Liễu chưa đạt tiêu chí nào trong 10 tiêu chí." in text
    assert "- Xã Thiện Long đã đạt đủ 10/10 tiêu chí." in text
    assert "- Xã Bắc Sơn đạt 09/10 tiêu chí, còn 01 tiêu chí chưa đạt là tiêu chí số 2 – Hạ tầng kinh tế - xã hội." \
           in text
    assert "- Xã Bắc Sơn còn 01/10 tiêu chí chưa đạt là tiêu chí số 2 – Hạ tầng kinh tế - xã hội." in text
    assert text.count("- Xã Dương Liễu chưa đạt tiêu chí nào trong 10 tiêu chí.") == 2
    assert not any(re.search(r"(?<!\d)0+/", t) for t in text)


def test_summary_when_all_or_none_meet_everything(tmp_path):
    all_met = f"- {{ten: Thiện Long, dat: {TEN}}}\n- {{ten: Yên Bình, dat: {TEN}}}"
    assert "Cả 02 xã đều đạt đủ các tiêu chí: Thiện Long và Yên Bình." in texts(
        build(tmp_path, "- tong_hop: tat_ca", all_met))
    none_met = "- {ten: Thiện Long, dat: [1]}\n- {ten: Yên Bình, dat: []}"
    assert "Cả 02 xã đều còn tiêu chí chưa đạt, chưa có xã nào đạt đủ các tiêu chí: Thiện Long và Yên Bình." in texts(
        build(tmp_path, "- tong_hop: tat_ca", none_met))


def test_one_separator_between_number_and_name_everywhere(tmp_path):
    built = build(tmp_path, "- ket_qua: Tân Thành\n- chua_dat: Bắc Sơn\n- sut_giam: Bắc Sơn\n- tham_dinh: Bắc Sơn")
    text = texts(built)
    assert "- Ngày 06/9/2026, các Sở, ngành của tỉnh đã thẩm định và có biên bản đánh giá đạt 02 tiêu chí trên địa " \
           "bàn xã Bắc Sơn gồm: Tiêu chí số 1 – Quy hoạch; Tiêu chí số 3 – Phát triển kinh tế nông thôn." in text
    commune = built.assessments.communes["Bắc Sơn"]
    [assignment] = write_assignments(commune, "xa_ntm_2026_2030", {2: "Sở Xây dựng"}, "15/12/2026")
    assert assignment == ("Tiêu chí số 2 – Hạ tầng kinh tế - xã hội (bị sụt giảm): Sở Xây dựng phụ trách, hướng dẫn "
                          "và hỗ trợ xã Bắc Sơn hoàn thiện; hoàn thành **trước ngày 15/12/2026**.")
    joined = "\n".join(text + [assignment])
    assert not re.search(r"[Ss]ố \d+ ?-", joined)  # never a hyphen after a criterion's number
    assert len(re.findall(r"[Ss]ố \d+ – ", joined)) == 8 + 1 + 1 + 2 + 1


def test_several_departments_per_criterion(tmp_path):
    commune = build(tmp_path, "- ket_qua: Bắc Sơn").assessments.communes["Bắc Sơn"]
    [one] = write_assignments(commune, "xa_ntm_2026_2030",
                              {2: ["Sở Xây dựng", "Sở Công Thương", "Sở Khoa học và Công nghệ"]}, None)
    assert one == ("Tiêu chí số 2 – Hạ tầng kinh tế - xã hội (bị sụt giảm): Sở Xây dựng, Sở Công Thương và Sở Khoa "
                   "học và Công nghệ phụ trách, hướng dẫn và hỗ trợ xã Bắc Sơn hoàn thiện.")
    [two] = write_assignments(commune, "xa_ntm_2026_2030", {2: ("Sở Xây dựng", "Sở Tài chính")}, None)
    assert "(bị sụt giảm): Sở Xây dựng và Sở Tài chính phụ trách" in two


def test_the_set_is_named_when_the_letter_mixes_sets(tmp_path):
    mixed = "- {ten: Minh Tiến, dat: [1, 2, 3]}\n- {ten: Tân Thành, bo_tieu_chi: xa_ntm_2026_2030, dat: [1, 2, 3]}"
    text = texts(build(tmp_path, "- ket_qua: tat_ca\n- chua_dat: Tân Thành", mixed, default="xa_ntm_2021_2025"))
    assert any(t.startswith("- Xã Minh Tiến đạt 03/19 tiêu chí nông thôn mới giai đoạn 2021-2025 gồm: Số 1 – Quy hoạch;")
               for t in text)
    assert any(t.startswith("- Xã Tân Thành đạt 03/10 tiêu chí nông thôn mới giai đoạn 2026-2030 gồm: Số 1 – Quy hoạch;")
               for t in text)
    assert any(t.startswith("- Xã Tân Thành còn 07/10 tiêu chí nông thôn mới giai đoạn 2026-2030 chưa đạt gồm:")
               for t in text)


def test_a_set_other_than_the_default_is_named_and_the_default_alone_is_not(tmp_path):
    other = "- {ten: Tân Thành, bo_tieu_chi: xa_ntm_nang_cao_2021_2025, dat: [3, 4]}"
    text = texts(build(tmp_path, "- ket_qua: tat_ca", other, default="xa_ntm_2026_2030"))
    assert any(t.startswith("- Xã Tân Thành đạt 02/19 tiêu chí nông thôn mới nâng cao gồm: Số 3 –") for t in text)
    text = texts(build(tmp_path, "- ket_qua: Tân Thành"))
    assert any(t.startswith("- Xã Tân Thành đạt 08/10 tiêu chí gồm:") for t in text)


def test_what_a_template_sees_of_the_set(tmp_path):
    from generator.wording.sentences import facts

    commune = build(tmp_path, "- ket_qua: Tân Thành").assessments.communes["Tân Thành"]
    own = facts(commune, "xa_ntm_2026_2030")
    assert (own["bo_mac_dinh"], own["ghi_bo"], own["bo"]["nhan"]) == (True, False, "nông thôn mới")
    other = facts(commune, "xa_ntm_2021_2025")
    assert (other["bo_mac_dinh"], other["ghi_bo"]) == (False, True)


@pytest.mark.parametrize("text, expected", [
    ("Xã An Bình đạt 08/10 tiêu chí.", "Xã An Bình đạt 08/10 tiêu chí."),  # already folded: the shortcut
    ("còn 01 tiêu chí chưa\nđạt là", "còn 01 tiêu chí chưa đạt là"),  # a template's line break
    ("gồm:\n\nSố 1 – Quy hoạch", "gồm: Số 1 – Quy hoạch"),
    ("a \n b", "a b"),
    ("  Xã A  ", "Xã A"),
    ("\nXã A\n", "Xã A"),
    ("Xã\tA", "Xã A"),
    ("Xã\u00a0A", "Xã A"),  # a no-break space, as str.split reads it
    ("Xã\u2003\nA", "Xã A"),
    ("Xã\u3000A\x1fB", "Xã A B"),
    ("Xã A\u200bB", "Xã A\u200bB"),  # a zero-width space is not whitespace to str.split: kept
    ("", ""),
    ("\n", ""),
])
def test_a_sentence_is_folded_as_a_split_and_join_folds_it(text, expected):
    """``folded``: every run of whitespace one space, none at the ends, whether the shortcut or the split gives it."""
    assert folded(text) == expected
