"""Assessments as data: sentences, tables, ordering, the annex, and every bad-input case."""
import io
import textwrap
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from conftest import ROOT, SEEDS
from docx_helpers import by_role, run_props
from generator.cli import main
from generator.pipeline import build_file

EXAMPLE_2026 = ROOT / "inputs" / "vi-du" / "2026-nhac-cac-xa.yaml"

BASE = textwrap.dedent("""\
    co_quan_ban_hanh: [ỦY BAN NHÂN DÂN, HUYỆN HỮU LŨNG]
    ky_hieu: UBND-NN
    dia_danh: Hữu Lũng
    ngay: 20/9/2024
    trich_yeu: kết quả thực hiện tiêu chí
    kinh_gui: UBND các xã
    noi_dung:
    {body}
    nguoi_ky: {{quyen_han: Q., chuc_vu: [CHỦ TỊCH], ho_ten: Dương Thị Hạnh}}
    danh_gia:
      bo_tieu_chi: xa_ntm_2021_2025
    {assessments}
""")

COMMUNES = """\
  xa:
    - ten: Quyết Thắng
      dat: [1, 3, 4, 8, 12, 13, 14, 15, 16, 18, 19]
      lan_truoc: {ngay: 15/12/2023, dat: [1, 2, 3, 4, 8, 12, 13, 14, 15, 16, 18, 19]}
      tham_dinh:
        ngay: 23/8/2024
        tieu_chi: [1, 3, 4, 19]
        chi_tieu: ["13.2", "13.3", "13.4", "13.5", "17.4", "17.5", "18.6"]
    - ten: Xã Đồng Tân
      dat: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]
    - ten: Cai Kinh
      bo_tieu_chi: xa_ntm_nang_cao_2021_2025
      dat: [3, 4, 8]
"""


def make(tmp_path: Path, body: str, assessments: str = COMMUNES, extra: str = "") -> Path:
    body = body.strip("\n") + "\n- Đề nghị các xã thực hiện."  # the last paragraph takes the end mark ./.
    text = BASE.format(body=textwrap.indent(body, "  "), assessments=assessments.rstrip("\n")) + extra
    path = tmp_path / "cv.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def paragraphs(path: Path) -> list[str]:
    doc = Document(io.BytesIO(build_file(path).docx))
    return [p.text for p in doc.paragraphs]


def test_sentence_forms(tmp_path):
    body = "- ket_qua: [Quyết Thắng, Cai Kinh]\n- chua_dat: Quyết Thắng\n- sut_giam: Quyết Thắng\n" \
           "- tham_dinh: Quyết Thắng\n- \"Đề nghị thực hiện.\""
    text = paragraphs(make(tmp_path, body))
    assert "- Xã Quyết Thắng đạt 11/19 tiêu chí nông thôn mới gồm: Số 1 – Quy hoạch; Số 3 – Thủy lợi và phòng, chống thiên tai; " \
           "Số 4 – Điện; Số 8 – Thông tin và Truyền thông; Số 12 – Lao động; Số 13 – Tổ chức sản xuất và phát " \
           "triển kinh tế nông thôn; Số 14 – Giáo dục và Đào tạo; Số 15 – Y tế; Số 16 – Văn hóa; Số 18 – Hệ thống " \
           "chính trị và tiếp cận pháp luật; Số 19 – Quốc phòng và An ninh." in text
    # the letter mixes sets: each sentence names its set
    assert "- Xã Cai Kinh đạt 03/19 tiêu chí nông thôn mới nâng cao gồm: Số 3 – Thủy lợi và phòng, chống thiên tai; " \
           "Số 4 – Điện; Số 8 – Thông tin và Truyền thông." in text
    missing = next(t for t in text if t.startswith("- Xã Quyết Thắng còn"))
    assert missing.startswith("- Xã Quyết Thắng còn 08/19 tiêu chí nông thôn mới chưa đạt gồm: Số 2 – Giao thông; Số 5 – Trường học;")
    assert "- Xã Quyết Thắng có 01 tiêu chí nông thôn mới bị sụt giảm so với kết quả đánh giá ngày 15/12/2023 là " \
           "tiêu chí số 2 – Giao thông." in text
    appraisal = next(t for t in text if t.startswith("- Ngày 23/8/2024"))
    assert appraisal == (
        "- Ngày 23/8/2024, các Sở, ngành của tỉnh đã thẩm định và có biên bản đánh giá đạt 04 tiêu chí và 07 chỉ "
        "tiêu theo bộ tiêu chí nông thôn mới trên địa bàn xã Quyết Thắng gồm: Tiêu chí số 1 – Quy hoạch; Tiêu chí "
        "số 3 – Thủy lợi và phòng, chống thiên tai; Tiêu chí số 4 – Điện; Các chỉ tiêu 13.2, 13.3, 13.4, 13.5 trong "
        "tiêu chí số 13 – Tổ chức sản xuất và phát triển kinh tế nông thôn; Các chỉ tiêu 17.4, 17.5 trong tiêu chí "
        "số 17 – Môi trường và an toàn thực phẩm; Chỉ tiêu số 18.6 trong tiêu chí số 18 – Hệ thống chính trị và "
        "tiếp cận pháp luật; Tiêu chí số 19 – Quốc phòng và An ninh.")


def test_counts_are_bold_where_the_template_says(tmp_path):
    doc = Document(io.BytesIO(build_file(make(tmp_path, "- tham_dinh: Quyết Thắng")).docx))
    p = next(p for p in doc.paragraphs if p.text.startswith("- Ngày"))
    bold = "".join(r.text for r in p.runs if run_props(r, p)[2])
    assert bold == "04 tiêu chí và 07 chỉ tiêu"


def test_all_communes_in_vietnamese_order(tmp_path):
    text = paragraphs(make(tmp_path, "- ket_qua: tat_ca"))
    names = [t.split(" đạt")[0].removeprefix("- Xã ").removesuffix(" đã") for t in text if t.startswith("- Xã")]
    assert names == ["Cai Kinh", "Đồng Tân", "Quyết Thắng"]  # sorted() would put Đ after Q


def test_full_marks_and_no_fall_back(tmp_path):
    text = paragraphs(make(tmp_path, "- chua_dat: Đồng Tân"))
    assert "- Xã Đồng Tân đã đạt đủ 19/19 tiêu chí nông thôn mới." in text


def test_seed_002_commune_paragraphs_come_from_data(built_seeds):
    built = built_seeds["002-huu-lung-2024"]
    text = [p.text for p in built.letter.paragraphs]
    assert built.assessments is not None and set(built.assessments.communes) == {"Minh Tiến", "Quyết Thắng", "Cai Kinh"}
    assert any(t.startswith("- Xã Minh Tiến đạt 14/19 tiêu chí nông thôn mới gồm: Số 1 – Quy hoạch; Số 2 – Giao thông;") for t in text)
    assert any(t.startswith("- Xã Cai Kinh đạt 10/19 tiêu chí nông thôn mới nâng cao gồm:") for t in text)
    assert any("đạt 06 tiêu chí và 08 chỉ tiêu theo bộ tiêu chí nông thôn mới trên địa bàn xã Minh Tiến" in t and "Chỉ tiêu số 19.1 trong tiêu chí số 19"
               in t for t in text)
    source = (SEEDS / "002-huu-lung-2024.yaml").read_text("utf-8")
    assert "ket_qua:" in source and "tham_dinh:" in source and "Số 16- Văn hóa" not in source


def write_xlsx(path: Path, rows, sheet="Xã") -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def test_excel_table(tmp_path):
    write_xlsx(tmp_path / "bang.xlsx", [
        ["STT", "Tên xã", "Bộ tiêu chí", *[f"TC{i}" for i in range(1, 20)], "Ghi chú"],
        [1, "Minh Tiến", None, *["x"] * 10, "Đạt", 1, 1.0, "sg", None, None, None, None, None, ""],
        [2, "Cai Kinh", "xa_ntm_nang_cao_2021_2025", None, None, "x", "x", *[None] * 15, None],
    ])
    path = make(tmp_path, "- ket_qua: tat_ca\n- sut_giam: Minh Tiến", "  bang: bang.xlsx")
    text = paragraphs(path)
    assert any(t.startswith("- Xã Minh Tiến đạt 13/19 tiêu chí nông thôn mới gồm") for t in text)
    assert any(t.startswith("- Xã Cai Kinh đạt 02/19 tiêu chí nông thôn mới nâng cao") for t in text)
    assert "- Xã Minh Tiến có 01 tiêu chí nông thôn mới bị sụt giảm là tiêu chí số 14 – Giáo dục và Đào tạo." in text


def test_csv_table_with_semicolons(tmp_path):
    (tmp_path / "bang.csv").write_text("Xã;1;2;3;Số tiêu chí đạt\nMinh Tiến;x;;Đạt;2\n", encoding="utf-8")
    text = paragraphs(make(tmp_path, "- ket_qua: Minh Tiến", "  bang: bang.csv"))
    assert "- Xã Minh Tiến đạt 02/19 tiêu chí gồm: Số 1 – Quy hoạch; Số 3 – Thủy lợi và phòng, chống thiên tai." in text


def build_cli(path: Path):
    return CliRunner().invoke(main, ["build", str(path), "-o", str(path.with_suffix(".docx"))])


BAD = [
    ("criterion outside the set", "- ket_qua: Quyết Thắng", COMMUNES.replace("[1, 3, 4, 8,", "[1, 3, 20, 8,"),
     ["dòng 15", "danh_gia.xa[1].dat[3]", "không có tiêu chí số 20", "19 tiêu chí"]),
    ("indicator not of its criterion", "- tham_dinh: Quyết Thắng", COMMUNES.replace('"13.2", "13.3"', '"13.9", "13.3"'),
     ["danh_gia.xa[1].tham_dinh.chi_tieu[1]", "chỉ tiêu «13.9» không thuộc tiêu chí số 13"]),
    ("indicator of no criterion", "- tham_dinh: Quyết Thắng", COMMUNES.replace('"13.2", "13.3"', '"20.1", "13.3"'),
     ["chỉ tiêu «20.1» không thuộc tiêu chí nào"]),
    ("commune listed twice", "- ket_qua: Quyết Thắng", COMMUNES + "    - ten: xã Quyết Thắng\n      dat: [1]\n",
     ["danh_gia.xa[4].ten", "xã «Quyết Thắng» đã có ở dòng 14"]),
    ("stated count disagrees", "- ket_qua: Cai Kinh", COMMUNES + "      so_tieu_chi_dat: 4\n",
     ["danh_gia.xa[3].so_tieu_chi_dat", "ghi đạt 4 tiêu chí nhưng danh sách «dat» có 3"]),
    ("unknown set", "- ket_qua: Cai Kinh", COMMUNES.replace("xa_ntm_nang_cao_2021_2025", "xa_ntm_nangcao"),
     ["danh_gia.xa[3].bo_tieu_chi", "không có bộ tiêu chí «xa_ntm_nangcao»", "xa_ntm_nang_cao_2021_2025"]),
    ("unknown commune in a block", "- ket_qua: [Quyết Thắng, Minh Tân]", COMMUNES,
     ["noi_dung[1].ket_qua[2]", "xã «Minh Tân» không có trong «danh_gia»"]),
    ("appraisal missing", "- tham_dinh: Cai Kinh", COMMUNES, ["xã «Cai Kinh» chưa có kết quả thẩm định"]),
    ("unknown key", "- ket_qua: Cai Kinh", COMMUNES.replace("dat: [3, 4, 8]", "dat_: [3, 4, 8]"),
     ["danh_gia.xa[3].dat_", "không có trường «dat_»; có phải ý bạn là «dat»?"]),
]


@pytest.mark.parametrize("what, body, assessments, expected", BAD, ids=[b[0] for b in BAD])
def test_bad_assessments(tmp_path, what, body, assessments, expected):
    path = make(tmp_path, body, assessments)
    result = build_cli(path)
    assert result.exit_code == 2, result.output
    assert "cv.yaml" in result.output and "Traceback" not in result.output
    for words in expected:
        assert words in result.output, result.output
    assert not path.with_suffix(".docx").exists()


def test_bad_excel_mark_names_sheet_row_column(tmp_path):
    write_xlsx(tmp_path / "bang.xlsx", [["Xã", "1", "2"], ["Minh Tiến", "x", "đạt rồi"]])
    result = build_cli(make(tmp_path, "- ket_qua: tat_ca", "  bang: bang.xlsx"))
    assert result.exit_code == 2
    assert "bang.xlsx" in result.output and "trang «Xã», hàng 2, cột C" in result.output
    assert "«đạt rồi» không phải dấu đánh giá hợp lệ" in result.output


def test_excel_criterion_outside_the_set_and_bad_header(tmp_path):
    write_xlsx(tmp_path / "bang.xlsx", [["Xã", "1", "20"], ["Minh Tiến", "x", "x"]])
    result = build_cli(make(tmp_path, "- ket_qua: tat_ca", "  bang: bang.xlsx"))
    assert result.exit_code == 2 and "hàng 2, cột C" in result.output and "không có tiêu chí số 20" in result.output
    write_xlsx(tmp_path / "bang.xlsx", [["Xã", "1", "Tiêu chỉ 2"], ["Minh Tiến", "x", "x"]])
    result = build_cli(make(tmp_path, "- ket_qua: tat_ca", "  bang: bang.xlsx"))
    assert result.exit_code == 2 and "hàng 1, cột C" in result.output and "không hiểu tiêu đề cột" in result.output


def test_unreadable_excel(tmp_path):
    (tmp_path / "bang.xlsx").write_bytes(b"PK\x03\x04 half-saved")
    result = build_cli(make(tmp_path, "- ket_qua: tat_ca", "  bang: bang.xlsx"))
    assert result.exit_code == 2 and "không đọc được tệp Excel" in result.output and "Traceback" not in result.output


def test_duplicate_between_yaml_and_table(tmp_path):
    (tmp_path / "bang.csv").write_text("Xã,1\nQuyết Thắng,x\n", encoding="utf-8")
    result = build_cli(make(tmp_path, "- ket_qua: tat_ca", COMMUNES + "  bang: bang.csv\n"))
    assert result.exit_code == 2 and "bang.csv" in result.output and "hàng 2" in result.output
    assert "xã «Quyết Thắng» đã có ở dòng 14" in result.output


def test_set_outside_its_validity_warns(tmp_path):
    path = make(tmp_path, "- ket_qua: tat_ca", COMMUNES).read_text("utf-8").replace("20/9/2024", "20/9/2026")
    (tmp_path / "cv.yaml").write_text(path, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path / "cv.yaml")])
    assert result.exit_code == 0
    assert "Cảnh báo" in result.output and "xa_ntm_2021_2025" in result.output and "20/9/2026" in result.output


def test_provincial_set_from_a_folder(tmp_path):
    folder = tmp_path / "bo-tieu-chi"
    folder.mkdir()
    (folder / "ban.yaml").write_text(textwrap.dedent("""\
        id: ban_ntm_lai_chau
        name: Bộ tiêu chí bản nông thôn mới tỉnh Lai Châu
        short_name: bản nông thôn mới
        decision: {number: "1487/QĐ-UBND", date: 2024-10-22, issuer: UBND tỉnh Lai Châu}
        valid_from: 2024-10-22
        criteria:
          - {num: 1, name: Giao thông, status: confirmed}
          - {num: 2, name: Nhà văn hóa, status: confirmed}
    """), encoding="utf-8")
    assessments = "  thu_muc_bo_tieu_chi: [bo-tieu-chi]\n  xa:\n    - {ten: Nà Tăm, bo_tieu_chi: ban_ntm_lai_chau, dat: [2]}\n"
    text = paragraphs(make(tmp_path, "- ket_qua: Nà Tăm", assessments))
    assert "- Xã Nà Tăm đạt 01/02 tiêu chí bản nông thôn mới, còn 01 tiêu chí chưa đạt là tiêu chí số 1 – Giao thông." in text


def test_annex_layout(built_seeds, tmp_path):
    doc = Document(io.BytesIO(build_file(EXAMPLE_2026).docx))
    letter, annex = doc.sections
    assert annex.start_type == 2 and letter.orientation == WD_ORIENT.PORTRAIT
    label = by_role(doc, "CVPhuLucSo")[0]
    assert label.text == "Phụ lục" and label.runs[0].font.size.pt == 14 and label.runs[0].font.bold
    title = by_role(doc, "CVPhuLucTen")[0]
    assert title.text == title.text.upper() and title.runs[0].font.bold
    ref = by_role(doc, "CVPhuLucKemTheo")[0]
    assert ref.text == ("(Kèm theo Công văn số 1520/UBND-KT ngày 20 tháng 11 năm 2026 "
                        "của Ủy ban nhân dân tỉnh Lạng Sơn)") and ref.runs[0].font.italic
    sect = annex._sectPr
    assert sect.find(qn("w:pgNumType")).get(qn("w:start")) == "1"  # its own page numbers
    assert annex.different_first_page_header_footer
    assert not "".join(p.text for p in annex.first_page_footer.paragraphs).strip()  # no ô 13 on the annex
    table = doc.tables[-1]
    header = [c.text for c in table.rows[0].cells]
    assert header == ["TT", "Xã", *map(str, range(1, 11)), "Số tiêu chí đạt"]
    names = [r.cells[1].text for r in table.rows[1:-1]]
    assert names == ["Ấp Lộc", "Bắc Sơn", "Đồng Đăng", "Hữu Lũng", "Thiện Long", "Yên Bình"]
    totals = [c.text for c in table.rows[-1].cells]
    assert totals[0] == "Số xã đạt" and totals[2:12] == ["6", "4", "5", "4", "5", "6", "3", "5", "6", "5"]
    assert table.rows[3].cells[4].text == "sg"  # Đồng Đăng lost criterion 3
    assert table.rows[5].cells[-1].text == "10"

    # a 19-criteria annex turns landscape
    source = (SEEDS / "002-huu-lung-2024.yaml").read_text("utf-8") + "phu_luc: KẾT QUẢ TIÊU CHÍ CÁC XÃ\n"
    (tmp_path / "cv.yaml").write_text(source, encoding="utf-8")
    wide = Document(io.BytesIO(build_file(tmp_path / "cv.yaml").docx))
    assert wide.sections[-1].orientation == WD_ORIENT.LANDSCAPE
    assert wide.sections[-1].page_width > wide.sections[-1].page_height
    assert len(wide.tables[-1].columns) == 2 + 1 + 19 + 1  # TT, Xã, Bộ tiêu chí (mixed sets), 19, total
    assert by_role(wide, "CVPhuLucTen")[0].text == "KẾT QUẢ TIÊU CHÍ CÁC XÃ"


def test_values_are_data_not_markup(tmp_path):
    assessments = "  xa:\n    - {ten: \"A*B* & <C>\", dat: [1]}\n"
    text = paragraphs(make(tmp_path, "- ket_qua: tat_ca", assessments))
    assert "- Xã A*B* & <C> đạt 01/19 tiêu chí gồm: Số 1 – Quy hoạch." in text


def test_table_optional_columns_are_checked(tmp_path):
    (tmp_path / "bang.csv").write_text("Xã,1,2,Số tiêu chí đạt,Năm phấn đấu,Hạn\nMinh Tiến,x,x,mot,20x5,31/02/2026\n"
                                       "Cai Kinh,x,,2,2026,15/12/2026\n", encoding="utf-8")
    result = build_cli(make(tmp_path, "- ket_qua: tat_ca", "  bang: bang.csv"))
    assert result.exit_code == 2
    assert "bang.csv, hàng 2, cột 4: «mot» không phải một số" in result.output
    assert "bang.csv, hàng 2, cột 5: «20x5» không phải một năm" in result.output
    assert "bang.csv, hàng 2, cột 6: ngày 31/02/2026 không tồn tại" in result.output
    assert "hàng 3, cột 4" in result.output and "ghi đạt 2 tiêu chí nhưng danh sách «dat» có 1" in result.output


def test_summary_of_several_communes_joins_names_the_vietnamese_way(tmp_path):
    from generator.wording.sentences import and_list

    assert [and_list(x) for x in ([], ["A"], ["A", "B"], ["A", "B", "C"])] == ["", "A", "A và B", "A, B và C"]
    text = paragraphs(make(tmp_path, "- tong_hop: tat_ca"))
    assert "Trong 03 xã, có 01 xã đạt đủ các tiêu chí: Đồng Tân; 02 xã còn tiêu chí chưa đạt: Cai Kinh và " \
           "Quyết Thắng." in text
    doc = Document(io.BytesIO(build_file(EXAMPLE_2026).docx))
    summary = next(p for p in doc.paragraphs if p.text.startswith("Trong 06 xã"))
    assert summary.text == ("Trong 06 xã, có 01 xã đạt đủ các tiêu chí: Thiện Long; 05 xã còn tiêu chí chưa đạt: "
                            "Ấp Lộc, Bắc Sơn, Đồng Đăng, Hữu Lũng và Yên Bình.")
    assert "".join(r.text for r in summary.runs if r.bold) == "01 xã đạt đủ các tiêu chí"
