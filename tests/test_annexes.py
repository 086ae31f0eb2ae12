"""Several annexes (Nghị định 30/2020, Phụ lục I §III.1): numbered Phụ lục I, II, … each in its own
section with its own "(Kèm theo <Tên loại> số … của …)" line; a list of communes as a second kind of
table; one annex still labelled «Phụ lục» alone; errors located in the list."""
import io
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from docx_helpers import by_role, run_props, text_runs
from generator.cli import main
from generator.render.annex import annex_labels, roman
from generator.pipeline import build_file

LETTER = textwrap.dedent("""\
    co_quan_ban_hanh: ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN
    so: 1520
    ky_hieu: UBND-KT
    dia_danh: Lạng Sơn
    ngay: 20/11/2026
    trich_yeu: kết quả thực hiện tiêu chí
    kinh_gui: Ủy ban nhân dân các xã
    noi_dung:
      - ket_qua: tat_ca
      - Chi tiết tại Phụ lục I và Phụ lục II kèm theo.
    nguoi_ky: {quyen_han: KT., chuc_vu: [CHỦ TỊCH, PHÓ CHỦ TỊCH], ho_ten: Nguyễn Văn Bình}
    danh_gia:
      bo_tieu_chi: xa_ntm_2026_2030
      xa:
        - {ten: Thiện Long, dat: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}
        - {ten: Hữu Lũng, dat: [1, 2, 3, 5, 6, 8, 9, 10]}
        - {ten: Bắc Sơn, dat: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}
    """)

TWO = textwrap.dedent("""\
    phu_luc:
      - tieu_de: Kết quả thực hiện các tiêu chí của các xã
      - bang: danh_sach
        tieu_de: Danh sách các xã đạt đủ 10/10 tiêu chí
        xa: [Thiện Long, Bắc Sơn]
    """)


def build(tmp_path: Path, text: str) -> Document:
    path = tmp_path / "cv.yaml"
    path.write_text(text, encoding="utf-8")
    return Document(io.BytesIO(build_file(path).docx))


def test_roman_numerals_of_annexes():
    assert [roman(n) for n in (1, 2, 3, 4, 5, 9, 10, 14, 40)] == ["I", "II", "III", "IV", "V", "IX", "X", "XIV", "XL"]
    assert annex_labels(1) == ["Phụ lục"]
    assert annex_labels(3) == ["Phụ lục I", "Phụ lục II", "Phụ lục III"]


def test_two_annexes_are_numbered_each_with_its_reference_line_and_section(tmp_path):
    doc = build(tmp_path, LETTER + TWO)
    labels = by_role(doc, "CVPhuLucSo")
    assert [p.text for p in labels] == ["Phụ lục I", "Phụ lục II"]
    for p in labels:
        assert p.alignment == WD_ALIGN_PARAGRAPH.CENTER or p.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert all(run_props(r, p)[1:] == (14.0, True, False) for r in text_runs(p))
    titles = [p.text for p in by_role(doc, "CVPhuLucTen")]
    assert titles == ["KẾT QUẢ THỰC HIỆN CÁC TIÊU CHÍ CỦA CÁC XÃ", "DANH SÁCH CÁC XÃ ĐẠT ĐỦ 10/10 TIÊU CHÍ"]
    refs = by_role(doc, "CVPhuLucKemTheo")
    expected = "(Kèm theo Công văn số 1520/UBND-KT ngày 20 tháng 11 năm 2026 của Ủy ban nhân dân tỉnh Lạng Sơn)"
    assert [p.text for p in refs] == [expected, expected]
    assert all(run_props(r, p)[3] for p in refs for r in text_runs(p))  # italic
    # the letter, then one section per annex, each numbered from 1 on its own
    sections = doc.sections
    assert len(sections) == 3
    for section in sections[1:]:
        assert section._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    # order: label, title, reference of annex I come before those of annex II
    body = [p.text for p in doc.paragraphs]
    assert body.index("Phụ lục I") < body.index(titles[0]) < body.index("Phụ lục II") < body.index(titles[1])


def test_a_list_annex_names_the_communes_with_their_count(tmp_path):
    doc = build(tmp_path, LETTER + TWO)
    table = doc.tables[-1]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows == [["TT", "Xã", "Số tiêu chí đạt"], ["1", "Thiện Long", "10/10"], ["2", "Bắc Sơn", "10/10"]]
    criteria = doc.tables[-2]
    assert [c.text for c in criteria.rows[0].cells] == ["TT", "Xã", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10",
                                                        "Số tiêu chí đạt"]
    assert [c.text for c in criteria.rows[-1].cells][-11:] == ["3", "3", "3", "2", "3", "3", "2", "3", "3", "3", ""]


def test_one_annex_keeps_its_label_without_number(tmp_path):
    doc = build(tmp_path, LETTER + "phu_luc: true\n")
    assert [p.text for p in by_role(doc, "CVPhuLucSo")] == ["Phụ lục"]
    listed = build(tmp_path, LETTER + "phu_luc:\n  - bang: danh_sach\n")
    assert [p.text for p in by_role(listed, "CVPhuLucSo")] == ["Phụ lục"]
    assert [p.text for p in by_role(listed, "CVPhuLucTen")] == ["DANH SÁCH CÁC XÃ ĐẠT CHUẨN NÔNG THÔN MỚI"]


def test_an_empty_annex_list_is_refused_with_its_line(tmp_path):
    path = tmp_path / "cv.yaml"
    path.write_text(LETTER + "phu_luc: []\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2
    assert "dòng 18" in result.output and "phu_luc" in result.output and "danh sách phụ lục trống" in result.output


def test_an_annex_of_the_list_that_cannot_name_its_organ_is_located(tmp_path):
    text = LETTER.replace("ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG")
    text += "phu_luc:\n  - {co_quan: Sở Nông nghiệp và Môi trường}\n  - bang: danh_sach\n"
    path = tmp_path / "cv.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2
    assert "phu_luc[2]" in result.output and "dòng 20" in result.output
