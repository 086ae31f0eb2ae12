"""Quyết định (Nghị định 30/2020, Phụ lục III, Mẫu 1.2): the blocks in the sample's order and form —
tên loại, trích yếu, the issuing authority, căn cứ and "Theo đề nghị" in italics, "QUYẾT ĐỊNH:",
articles numbered «Điều N.» in bold, Nơi nhận from «- Như Điều N;», the signature forms of a
decision — the input errors with their lines, and assessments and annexes in a Quyết định and a
Báo cáo. Expected values are written out."""
import io
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from conftest import ROOT
from docx_helpers import all_paragraphs, by_role, run_props, text_runs
from generator.cli import main
from generator.pipeline import build_file
from generator.wording.decision import authority_line

EXAMPLE = ROOT / "inputs" / "vi-du" / "2026-quyet-dinh-cong-nhan-xa-ntm.yaml"

DECISION = textwrap.dedent("""\
    loai: quyet_dinh
    co_quan_ban_hanh: ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN
    so: 12
    ky_hieu: QĐ-UBND
    dia_danh: Lạng Sơn
    ngay: 05/01/2027
    trich_yeu: Về việc giao nhiệm vụ phụ trách các tiêu chí nông thôn mới
    noi_dung:
      - can_cu: [Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025]
      - de_nghi: Giám đốc Sở Nông nghiệp và Môi trường
      - dieu: Giao các sở phụ trách các tiêu chí nông thôn mới.
      - dieu: Quyết định này có hiệu lực kể từ ngày ký.
      - dieu: Chánh Văn phòng Ủy ban nhân dân tỉnh và Giám đốc các sở chịu trách nhiệm thi hành Quyết định này.
    """)
SIGNED_TM = "nguoi_ky: {quyen_han: TM., chuc_vu: [ỦY BAN NHÂN DÂN, CHỦ TỊCH], ho_ten: Hồ Tiến Thiệu}\n"
SIGNED_KT = "nguoi_ky: {quyen_han: KT., chuc_vu: [CHỦ TỊCH, PHÓ CHỦ TỊCH], ho_ten: Nguyễn Văn Bình}\n"
SIGNED_HEAD = "nguoi_ky: {chuc_vu: [CHỦ TỊCH], ho_ten: Hồ Tiến Thiệu}\n"
COPIES = "noi_nhan: [Bộ Nông nghiệp và Môi trường]\nluu: VT, KT\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "qd.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def docx_of(tmp_path: Path, text: str) -> Document:
    return Document(io.BytesIO(build_file(write(tmp_path, text)).docx))


def texts(doc) -> list[str]:
    return [p.text for p in all_paragraphs(doc) if p.text]


def refused(tmp_path: Path, text: str) -> str:
    result = CliRunner().invoke(main, ["check", str(write(tmp_path, text))])
    assert result.exit_code == 2, result.output
    return result.output


def centred(p) -> bool:
    return (p.alignment if p.alignment is not None else p.style.paragraph_format.alignment) == WD_ALIGN_PARAGRAPH.CENTER


# --- the example: Quyết định công nhận xã đạt chuẩn nông thôn mới năm 2026 -------------------------


@pytest.fixture(scope="module")
def example():
    built = build_file(EXAMPLE)
    return built, Document(io.BytesIO(built.docx))


def test_example_builds_with_no_warning(example):
    built, _ = example
    assert built.warnings == ()


def test_blocks_come_in_the_order_of_mau_1_2(example):
    _, doc = example
    lines = texts(doc)
    order = [
        "QUYẾT ĐỊNH",
        "Về việc công nhận xã Hồng Phong, xã Tân Tiến, xã Thiện Long đạt chuẩn nông thôn mới năm 2026",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN",
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
        "Căn cứ Quyết định số 51/2025/QĐ-TTg ngày 29 tháng 12 năm 2025 của Thủ tướng Chính phủ ban hành Bộ tiêu chí "
        "quốc gia về nông thôn mới giai đoạn 2026-2030;",
        "Theo đề nghị của Giám đốc Sở Nông nghiệp và Môi trường tại Tờ trình số 415/TTr-SNNMT ngày 20 tháng 12 năm "
        "2026.",
        "QUYẾT ĐỊNH:",
        "Điều 1. Công nhận 03 xã đạt chuẩn nông thôn mới năm 2026 (danh sách tại Phụ lục I, kết quả thực hiện các "
        "tiêu chí tại Phụ lục II kèm theo Quyết định này), gồm:",
        "- Xã Hồng Phong đã đạt đủ 10/10 tiêu chí.",
        "- Xã Tân Tiến đã đạt đủ 10/10 tiêu chí.",
        "- Xã Thiện Long đã đạt đủ 10/10 tiêu chí.",
    ]
    start = lines.index("QUYẾT ĐỊNH")
    assert lines[start:start + len(order)] == order
    articles = [line[:8] for line in lines if line.startswith("Điều ")]
    assert articles == ["Điều 1. ", "Điều 2. ", "Điều 3. "]
    last = next(line for line in lines if line.startswith("Điều 3."))
    assert last.endswith("chịu trách nhiệm thi hành Quyết định này./.")
    assert "Kính gửi" not in " ".join(lines) and not any(line.startswith("V/v") for line in lines)


def test_authority_line_and_decides_line_are_centred_bold_upper_case(example):
    _, doc = example
    (authority,) = by_role(doc, "CVThamQuyen")
    (decides,) = by_role(doc, "CVQuyetDinh")
    assert authority.text == "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN"
    assert decides.text == "QUYẾT ĐỊNH:"
    for p in (authority, decides):
        assert centred(p)
        assert all(run_props(r, p)[1:] == (14.0, True, False) for r in text_runs(p))


def test_grounds_are_italic_one_a_line(example):
    _, doc = example
    grounds = by_role(doc, "CVCanCu")
    assert [p.text[:20] for p in grounds] == ["Căn cứ Luật Tổ chức ", "Căn cứ Quyết định số", "Theo đề nghị của Giá"]
    assert [p.text[-1] for p in grounds] == [";", ";", "."]
    assert all(run_props(r, p)[3] and not run_props(r, p)[2] for p in grounds for r in text_runs(p))


def test_articles_bold_only_their_number_and_are_indented(example):
    _, doc = example
    articles = [p for p in all_paragraphs(doc) if p.text.startswith("Điều ")]
    assert len(articles) == 3
    for n, p in enumerate(articles, start=1):
        runs = text_runs(p)
        assert runs[0].text == f"Điều {n}." and run_props(runs[0], p)[2] is True
        assert all(run_props(r, p)[2] is False for r in runs[1:]), p.text
        indent = p.paragraph_format.first_line_indent or p.style.paragraph_format.first_line_indent
        assert round(indent.cm, 2) == 1.0


def test_copies_begin_with_the_executing_article_and_the_signature_is_kt(example):
    _, doc = example
    assert [p.text for p in by_role(doc, "CVNoiNhanDanhSach")][:2] == ["- Như Điều 3;", "- Bộ Nông nghiệp và Môi trường;"]
    assert [p.text for p in by_role(doc, "CVNoiNhanDanhSach")][-1] == "- Lưu: VT, KT."
    assert [p.text for p in by_role(doc, "CVQuyenHan")] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert [p.text for p in by_role(doc, "CVHoTen")] == ["Nguyễn Văn Bình"]


def test_two_annexes_name_the_decision_and_its_authority(example):
    _, doc = example
    assert [p.text for p in by_role(doc, "CVPhuLucSo")] == ["Phụ lục I", "Phụ lục II"]
    assert [p.text for p in by_role(doc, "CVPhuLucTen")] == [
        "DANH SÁCH CÁC XÃ ĐẠT CHUẨN NÔNG THÔN MỚI NĂM 2026",
        "KẾT QUẢ THỰC HIỆN CÁC TIÊU CHÍ XÃ NÔNG THÔN MỚI CỦA CÁC XÃ ĐƯỢC CÔNG NHẬN"]
    expected = ("(Kèm theo Quyết định số 2150/QĐ-UBND ngày 28 tháng 12 năm 2026 của Chủ tịch Ủy ban nhân dân tỉnh "
                "Lạng Sơn)")
    assert [p.text for p in by_role(doc, "CVPhuLucKemTheo")] == [expected, expected]
    listing = doc.tables[-2]
    assert [[c.text for c in row.cells] for row in listing.rows] == [
        ["TT", "Xã", "Số tiêu chí đạt"], ["1", "Hồng Phong", "10/10"], ["2", "Tân Tiến", "10/10"],
        ["3", "Thiện Long", "10/10"]]


# --- forms of a decision ---------------------------------------------------------------------------


def test_a_body_deciding_signed_tm_names_the_body(tmp_path):
    doc = docx_of(tmp_path, DECISION + SIGNED_TM + COPIES + "danh_gia: {bo_tieu_chi: xa_ntm_2026_2030, xa: [{ten: A, "
                                                            "dat: [1]}]}\nphu_luc: true\n")
    assert [p.text for p in by_role(doc, "CVThamQuyen")] == ["ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN"]
    assert [p.text for p in by_role(doc, "CVQuyenHan")] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert [p.text for p in by_role(doc, "CVPhuLucKemTheo")] == [
        "(Kèm theo Quyết định số 12/QĐ-UBND ngày 05 tháng 01 năm 2027 của Ủy ban nhân dân tỉnh Lạng Sơn)"]
    assert [p.text for p in by_role(doc, "CVPhuLucSo")] == ["Phụ lục"]


def test_authority_line_derivation():
    organ = ["ỦY BAN NHÂN DÂN", "TỈNH LẠNG SƠN"]
    assert authority_line(None, "TM.", ["ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], organ) == "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN"
    # TM. acts for the body whatever the collective's title says (here the body's short name differs)
    assert authority_line(None, "TM.", ["ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], ["UBND XÃ THIỆN LONG"]) == "UBND XÃ THIỆN LONG"
    assert authority_line(None, "KT.", ["Chủ tịch", "Phó Chủ tịch"], organ) == "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN"
    assert authority_line(None, None, ["GIÁM ĐỐC"], ["SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"]) == (
        "GIÁM ĐỐC SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG")
    assert authority_line("Trưởng ban Ban Chỉ đạo", "KT.", ["TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"], organ) == (
        "TRƯỞNG BAN BAN CHỈ ĐẠO")


def test_a_chairman_deciding_in_person_and_a_typed_authority(tmp_path):
    doc = docx_of(tmp_path, DECISION + SIGNED_HEAD + COPIES)
    assert [p.text for p in by_role(doc, "CVThamQuyen")] == ["CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN"]
    assert [p.text for p in by_role(doc, "CVQuyenHan")] == ["CHỦ TỊCH"]
    typed = docx_of(tmp_path, DECISION + SIGNED_KT + COPIES + "tham_quyen: Chủ tịch Ủy ban nhân dân tỉnh Lạng Sơn\n")
    assert [p.text for p in by_role(typed, "CVThamQuyen")] == ["CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN"]


def test_nhu_dieu_follows_the_number_of_articles_and_the_grounds_end_without_proposal(tmp_path):
    four = DECISION.replace("  - de_nghi: Giám đốc Sở Nông nghiệp và Môi trường\n", "").replace(
        "  - dieu: Quyết định", "  - dieu: Các sở báo cáo kết quả hằng quý.\n  - dieu: Quyết định")
    doc = docx_of(tmp_path, four + SIGNED_KT + "noi_nhan: [Như Điều 4, Sở Tài chính]\n")
    assert [p.text for p in by_role(doc, "CVNoiNhanDanhSach")] == ["- Như Điều 4;", "- Sở Tài chính;", "- Lưu: VT."]
    assert [p.text for p in by_role(doc, "CVCanCu")] == ["Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 "
                                                         "năm 2025."]
    assert "Như trên" not in " ".join(texts(doc))


def test_a_khoan_inside_an_article_is_numbered_in_normal_weight(tmp_path):
    text = DECISION.replace("  - dieu: Quyết định này", "  - so: Sở Tài chính phụ trách tiêu chí số 6.\n"
                                                          "  - so: Sở Y tế phụ trách tiêu chí số 5.\n"
                                                          "  - dieu: Quyết định này")
    doc = docx_of(tmp_path, text + SIGNED_KT + COPIES)
    lines = texts(doc)
    at = lines.index("Điều 1. Giao các sở phụ trách các tiêu chí nông thôn mới.")
    assert lines[at + 1:at + 4] == ["1. Sở Tài chính phụ trách tiêu chí số 6.", "2. Sở Y tế phụ trách tiêu chí số 5.",
                                    "Điều 2. Quyết định này có hiệu lực kể từ ngày ký."]
    khoan = next(p for p in all_paragraphs(doc) if p.text.startswith("1. Sở Tài chính"))
    assert not any(run_props(r, khoan)[2] for r in text_runs(khoan))


# --- errors with their lines -------------------------------------------------------------------------


def test_a_decision_without_articles_is_refused(tmp_path):
    text = DECISION.split("  - dieu:")[0] + "  - Giao các sở phụ trách các tiêu chí.\n"
    out = refused(tmp_path, text + SIGNED_KT)
    assert "dòng 8" in out and "«noi_dung»" in out and "ít nhất một điều" in out


def test_a_paragraph_before_the_first_article_is_refused_at_its_line(tmp_path):
    text = DECISION.replace("  - dieu: Giao", "  - Xét đề nghị của các sở.\n  - dieu: Giao")
    out = refused(tmp_path, text + SIGNED_KT)
    assert "dòng 11" in out and "noi_dung[3]" in out and "trước «Điều 1»" in out


def test_grounds_after_the_proposal_are_refused(tmp_path):
    text = DECISION.replace("  - dieu: Giao", "  - can_cu: [Nghị định số 1/2026/NĐ-CP]\n  - dieu: Giao")
    out = refused(tmp_path, text + SIGNED_KT)
    assert "dòng 11" in out and "noi_dung[3].can_cu" in out


def test_a_wrong_nhu_dieu_is_refused_at_its_line(tmp_path):
    out = refused(tmp_path, DECISION + SIGNED_KT + "noi_nhan:\n  - Sở Tài chính\n  - Như Điều 2\n")
    assert "dòng 17" in out and "noi_nhan[2]" in out and "Điều 3" in out


def test_decision_fields_in_a_cong_van_are_refused(tmp_path):
    letter = textwrap.dedent("""\
        co_quan_ban_hanh: ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN
        ky_hieu: UBND-KT
        dia_danh: Lạng Sơn
        ngay: 05/01/2027
        trich_yeu: giao nhiệm vụ
        kinh_gui: Sở Tài chính
        tham_quyen: CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN
        noi_dung:
          - de_nghi: Giám đốc Sở Nông nghiệp và Môi trường
          - Đề nghị Sở thực hiện.
        """) + SIGNED_KT
    out = refused(tmp_path, letter)
    assert "dòng 7" in out and "tham_quyen" in out and "dòng 9" in out and "noi_dung[1].de_nghi" in out


# --- assessments and annexes in a Báo cáo --------------------------------------------------------------


def test_a_report_calls_the_same_sentences_and_annexes(tmp_path):
    report = textwrap.dedent("""\
        loai: bao_cao
        co_quan_ban_hanh: ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN
        so: 310
        ky_hieu: BC-UBND
        dia_danh: Lạng Sơn
        ngay: 15/12/2026
        trich_yeu: Kết quả thực hiện các tiêu chí xã nông thôn mới năm 2026
        noi_dung:
          - tong_hop: tat_ca
          - ket_qua: tat_ca
        nguoi_ky: {quyen_han: TM., chuc_vu: [ỦY BAN NHÂN DÂN, CHỦ TỊCH], ho_ten: Hồ Tiến Thiệu}
        danh_gia:
          bo_tieu_chi: xa_ntm_2026_2030
          xa:
            - {ten: Thiện Long, dat: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}
            - {ten: Ấp Lộc, dat: [1, 3, 5, 6, 8, 9]}
        phu_luc:
          - true
          - {bang: danh_sach, xa: [Thiện Long], tieu_de: Các xã đạt đủ tiêu chí}
        """)
    doc = docx_of(tmp_path, report)
    lines = texts(doc)
    assert "- Xã Ấp Lộc đạt 06/10 tiêu chí nông thôn mới gồm:" in " ".join(lines) or any(
        line.startswith("- Xã Ấp Lộc đạt 06/10 tiêu chí") for line in lines)
    assert any(line.startswith("- Xã Thiện Long đã đạt đủ 10/10 tiêu chí") for line in lines)
    assert [p.text for p in by_role(doc, "CVPhuLucSo")] == ["Phụ lục I", "Phụ lục II"]
    expected = "(Kèm theo Báo cáo số 310/BC-UBND ngày 15 tháng 12 năm 2026 của Ủy ban nhân dân tỉnh Lạng Sơn)"
    assert [p.text for p in by_role(doc, "CVPhuLucKemTheo")] == [expected, expected]


# --- Mẫu 1.3: a decision that promulgates a Quy chế ------------------------------------------------------

QUY_CHE = ROOT / "inputs" / "vi-du" / "2026-quyet-dinh-ban-hanh-quy-che.yaml"


def test_the_attached_regulation_follows_the_signature_in_its_own_section():
    built = build_file(QUY_CHE)
    assert built.warnings == ()
    doc = Document(io.BytesIO(built.docx))
    lines = texts(doc)
    signer = lines.index("Nguyễn Văn Bình")
    assert lines[signer - 3:signer] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert [p.text for p in by_role(doc, "CVThamQuyen")] == ["ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN"]
    assert lines[signer + 1:signer + 13] == [
        "ỦY BAN NHÂN DÂN", "TỈNH LẠNG SƠN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "QUY CHẾ",
        "Phối hợp theo dõi, đánh giá các tiêu chí xã nông thôn mới trên địa bàn tỉnh Lạng Sơn giai đoạn 2026-2030",
        "(Kèm theo Quyết định số 35/QĐ-UBND ngày 12 tháng 01 năm 2027 của Ủy ban nhân dân tỉnh Lạng Sơn)",
        "Chương I", "QUY ĐỊNH CHUNG", "Điều 1. Phạm vi điều chỉnh và đối tượng áp dụng",
        "1. Quy chế này quy định nguyên tắc, nội dung và trách nhiệm phối hợp giữa các sở, ban, ngành tỉnh và Ủy ban "
        "nhân dân các xã trong theo dõi, đánh giá các tiêu chí xã nông thôn mới giai đoạn 2026-2030.",
        "2. Quy chế này áp dụng đối với các sở, ban, ngành tỉnh và Ủy ban nhân dân các xã."]
    attached = lines[signer + 1:]
    assert [line for line in attached if line.startswith("Điều ")] == [
        "Điều 1. Phạm vi điều chỉnh và đối tượng áp dụng", "Điều 2. Nguyên tắc phối hợp",
        "Điều 3. Đánh giá các tiêu chí hằng năm", "Điều 4. Tổ chức thực hiện"]
    assert attached[-1].endswith("báo cáo Ủy ban nhân dân tỉnh xem xét, quyết định./.")
    # one Số, one Nơi nhận, one signature: the attached text has neither number row nor signature
    assert sum(line.startswith("Số:") for line in lines) == 1 and lines.count("Nơi nhận:") == 1
    assert [p.text for p in by_role(doc, "CVHoTen")] == ["Nguyễn Văn Bình"]
    # its letterhead is one row (names | quốc hiệu, tiêu ngữ), in a section numbered from 1
    assert len(doc.tables[-1].rows) == 1
    assert len(doc.sections) == 2
    assert doc.sections[1]._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    (reference,) = by_role(doc, "CVPhuLucKemTheo")
    assert centred(reference) and all(run_props(r, reference)[2:] == (False, True) for r in text_runs(reference))
    (title,) = [p for p in by_role(doc, "CVTenLoai") if p.text == "QUY CHẾ"]
    assert centred(title) and all(run_props(r, title)[2] for r in text_runs(title))


def test_kem_theo_only_in_a_decision_and_only_a_typed_text(tmp_path):
    text = DECISION + SIGNED_KT + "kem_theo:\n  loai: cong_van\n  trich_yeu: x\n  noi_dung: [x]\n"
    out = refused(tmp_path, text)
    assert "dòng 16" in out and "kem_theo.loai" in out and "văn bản có tên loại" in out
    report = DECISION.replace("loai: quyet_dinh", "loai: bao_cao").replace("QĐ-UBND", "BC-UBND").split("noi_dung:")[0]
    report += "noi_dung: [Báo cáo kết quả.]\n" + SIGNED_KT + "kem_theo:\n  loai: quy_che\n  trich_yeu: x\n  noi_dung: [x]\n"
    out = refused(tmp_path, report)
    assert "dòng 10" in out and "«kem_theo» (văn bản ban hành kèm theo, Mẫu 1.3) chỉ có trong quyết định" in out


def test_report_example_writes_the_sentences_and_two_annexes():
    built = build_file(ROOT / "inputs" / "vi-du" / "2026-bao-cao-tieu-chi-cac-xa.yaml")
    assert built.warnings == ()
    doc = Document(io.BytesIO(built.docx))
    lines = texts(doc)
    assert lines[lines.index("BÁO CÁO") + 1:lines.index("BÁO CÁO") + 3] == [
        "Kết quả thực hiện các tiêu chí xã nông thôn mới năm 2026", "Kính gửi: Bộ Nông nghiệp và Môi trường"]
    assert ("Trong 06 xã, có 01 xã đạt đủ các tiêu chí: Thiện Long; 05 xã còn tiêu chí chưa đạt: Ấp Lộc, Bắc Sơn, "
            "Đồng Đăng, Hữu Lũng và Yên Bình.") in lines
    assert "- Xã Thiện Long đã đạt đủ 10/10 tiêu chí." in lines
    assert ("- Xã Bắc Sơn có 01 tiêu chí bị sụt giảm là tiêu chí số 2 – Hạ tầng kinh tế - xã hội.") in lines
    assert [p.text for p in by_role(doc, "CVPhuLucSo")] == ["Phụ lục I", "Phụ lục II"]
    expected = "(Kèm theo Báo cáo số 402/BC-UBND ngày 22 tháng 12 năm 2026 của Ủy ban nhân dân tỉnh Lạng Sơn)"
    assert [p.text for p in by_role(doc, "CVPhuLucKemTheo")] == [expected, expected]
    assert [[c.text for c in row.cells] for row in doc.tables[-2].rows] == [
        ["TT", "Xã", "Số tiêu chí đạt"], ["1", "Thiện Long", "10/10"]]
    assert len(doc.tables[-1].rows) == 8  # header, six communes, totals
