"""NTM 2026-2030 facts: commune groups, previous assessments under another set, provincial sets
based on a national one, sets of conditions, warnings for unconfirmed names, the marks staff type,
several departments per criterion, the maintenance letter's own trích yếu, the annex's reference
line and legend, and the 2026 example campaign."""
import io
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from conftest import ROOT
from docx_helpers import by_role
from generator.bulk.campaign import load_campaign
from generator.cli import main
from generator.assessments.criteria import get_set
from generator.exceptions import InputError
from generator.pipeline import build_file

CAMPAIGN = ROOT / "inputs" / "chien-dich" / "lang-son-2026.yaml"
OLD_CAMPAIGN = ROOT / "inputs" / "chien-dich" / "nhac-xa-2026.yaml"

LETTER = textwrap.dedent("""\
    co_quan_ban_hanh: ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN
    ky_hieu: UBND-KT
    dia_danh: Lạng Sơn
    ngay: 20/11/2026
    trich_yeu: kết quả thực hiện tiêu chí
    kinh_gui: Ủy ban nhân dân các xã
    noi_dung:
      - ket_qua: tat_ca
      - Đề nghị các xã thực hiện.
    nguoi_ky: {quyen_han: KT., chuc_vu: [CHỦ TỊCH, PHÓ CHỦ TỊCH], ho_ten: Nguyễn Văn Bình}
    danh_gia:
      bo_tieu_chi: xa_ntm_2026_2030
    """)

PROVINCE_2026 = textwrap.dedent("""\
    id: xa_ntm_tinh_2026
    based_on: xa_ntm_2026_2030
    name: "Bộ tiêu chí xã nông thôn mới tỉnh X giai đoạn 2026-2030"
    short_name: "xã nông thôn mới"
    decision: {number: "12/QĐ-UBND", date: 2026-04-01, issuer: "Ủy ban nhân dân tỉnh X"}
    valid_from: 2026-04-01
    criteria:
      - {num: 2, name: "Hạ tầng kinh tế – xã hội (tỉnh)", status: confirmed}
    """)


def write(tmp_path: Path, text: str, name: str = "cv.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def letter(tmp_path: Path, communes: str, extra: str = "") -> Path:
    return write(tmp_path, LETTER + textwrap.indent(communes, "  ") + extra)


def refused(path: Path) -> str:
    with pytest.raises(InputError) as err:
        build_file(path)
    return str(err.value)


def texts(data: bytes) -> list[str]:
    """Every paragraph, those of the header table (trích yếu, số) first."""
    doc = Document(io.BytesIO(data))
    cells = [p.text for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    return cells + [p.text for p in doc.paragraphs]


# --- the previous assessment is compared only under the same set --------------------


def test_previous_assessment_under_another_set_is_refused(tmp_path):
    path = letter(tmp_path, textwrap.dedent("""\
        xa:
          - ten: Dương Liễu
            dat: [1, 2, 3]
            lan_truoc: {ngay: 15/12/2025, bo_tieu_chi: xa_ntm_2021_2025, dat: [1, 2, 3, 4, 5]}
        """))
    message = refused(path)
    assert "dòng 16" in message and "lan_truoc" in message
    assert "lần đánh giá trước theo bộ «xa_ntm_2021_2025» (19 tiêu chí)" in message
    assert "không so sánh để tìm tiêu chí sụt giảm" in message


def test_previous_assessment_before_the_set_existed_must_name_its_set(tmp_path):
    path = letter(tmp_path, "xa:\n  - {ten: Dương Liễu, dat: [1, 2, 3], lan_truoc: {ngay: 15/12/2025, dat: [1, 2, 3, 4]}}\n")
    message = refused(path)
    assert "lần đánh giá trước (15/12/2025) trước khi bộ «xa_ntm_2026_2030» có hiệu lực (15/02/2026)" in message
    assert "dòng 14" in message
    # a month-only date that may still be after the start is read as its last day: 02/2026 is refused too
    month = letter(tmp_path, "xa:\n  - {ten: A, dat: [1], lan_truoc: {ngay: 01/2026, dat: [1, 2]}}\n")
    assert "trước khi bộ «xa_ntm_2026_2030» có hiệu lực" in refused(month)


def test_previous_assessment_under_the_same_set_finds_what_fell_back(tmp_path):
    path = letter(tmp_path, "xa:\n  - {ten: Dương Liễu, dat: [1, 2], lan_truoc: {ngay: 15/01/2026, "
                            "bo_tieu_chi: xa_ntm_2026_2030, dat: [1, 2, 3]}}\n",
                  extra="").read_text("utf-8")
    path = write(tmp_path, path.replace("  - ket_qua: tat_ca\n", "  - sut_giam: tat_ca\n"))
    body = "\n".join(texts(build_file(path).docx))
    assert "tiêu chí số 3 – Phát triển kinh tế nông thôn" in body


def test_table_previous_set_column_must_be_the_rows_set(tmp_path):
    write(tmp_path, "Xã,Bộ tiêu chí lần trước,1,2,3\nDương Liễu,xa_ntm_2021_2025,x,sg,x\n", "bang.csv")
    path = write(tmp_path, LETTER + "  bang: bang.csv\n")
    message = refused(path)
    assert "bang.csv" in message and "hàng 2, cột 2" in message and "xa_ntm_2021_2025" in message


# --- commune groups ------------------------------------------------------------------


def test_inline_group_is_checked_against_the_sets_groups(tmp_path):
    ok = letter(tmp_path, "xa:\n  - {ten: A, nhom: 3, dat: [1]}\n")
    assert build_file(ok).assessments.communes["A"].group == 3
    bad = letter(tmp_path, "xa:\n  - {ten: A, nhom: 4, dat: [1]}\n")
    assert "dòng 14" in refused(bad) and "có các nhóm xã 1, 2, 3; không có nhóm 4" in refused(bad)
    old = write(tmp_path, (LETTER + "  xa:\n    - {ten: A, nhom: 1, dat: [1]}\n").replace(
        "xa_ntm_2026_2030", "xa_ntm_2021_2025").replace("20/11/2026", "20/11/2024"))
    assert "bộ «xa_ntm_2021_2025» không chia nhóm xã" in refused(old)


def test_table_group_column(tmp_path):
    write(tmp_path, "Xã,Nhóm xã,1,2\nA,Nhóm 2,x,\nB,1,x,x\n", "bang.csv")
    found = build_file(write(tmp_path, LETTER + "  bang: bang.csv\n")).assessments.communes
    assert (found["A"].group, found["B"].group) == (2, 1)
    write(tmp_path, "Xã,Nhóm,1\nA,ba,x\n", "bang.csv")
    message = refused(write(tmp_path, LETTER + "  bang: bang.csv\n"))
    assert "hàng 2, cột 2" in message and "«ba» không phải số nhóm xã" in message


# --- marks staff type -------------------------------------------------------------------


@pytest.mark.parametrize("mark", ["Không đạt", "không đạt", "KHÔNG ĐẠT", "Chưa", "K", "k", "—", "–", "-", ""])
def test_not_met_marks(tmp_path, mark):
    write(tmp_path, f"Xã,1,2\nA,x,{mark}\n", "bang.csv")
    commune = build_file(write(tmp_path, LETTER + "  bang: bang.csv\n")).assessments.communes["A"]
    assert commune.met == (1,) and commune.not_met == (2, 3, 4, 5, 6, 7, 8, 9, 10)


def test_unknown_mark_is_refused_with_its_cell(tmp_path):
    write(tmp_path, "Xã,1,2\nA,x,?\n", "bang.csv")
    message = refused(write(tmp_path, LETTER + "  bang: bang.csv\n"))
    assert "bang.csv" in message and "hàng 2, cột 3" in message and "«?» không phải dấu đánh giá hợp lệ" in message


# --- unconfirmed names: a warning, and a provincial set that confirms them --------------


def test_unconfirmed_names_warn_at_build_time(tmp_path):
    path = letter(tmp_path, "xa:\n  - {ten: A, nhom: 1, dat: [1, 2]}\n")
    warnings = build_file(path).warnings
    names = next(w for w in warnings if "tên 10 tiêu chí" in w)
    assert "bộ «xa_ntm_2026_2030»" in names and "số 1 – Quy hoạch (kiểm chứng một phần)" in names
    assert "số 10 – Tiếp cận pháp luật và an ninh, quốc phòng (kiểm chứng một phần)" in names
    assert any("cách đánh số nhóm xã" in w and "nhóm 1 – Xã liền kề đô thị" in w for w in warnings)
    result = CliRunner().invoke(main, ["build", str(path), "-o", str(tmp_path / "cv.docx")])
    assert result.exit_code == 0 and "Cảnh báo: tên 10 tiêu chí" in result.stderr
    # confirmed names (xã NTM 2021-2025) give no such warning
    old = write(tmp_path, (LETTER + "  xa:\n    - {ten: A, dat: [1]}\n").replace(
        "xa_ntm_2026_2030", "xa_ntm_2021_2025").replace("20/11/2026", "20/11/2024"))
    assert build_file(old).warnings == ()


def test_provincial_set_based_on_a_national_one(tmp_path):
    (tmp_path / "bo").mkdir()
    write(tmp_path / "bo", PROVINCE_2026, "tinh.yaml")
    merged = get_set("xa_ntm_tinh_2026", [tmp_path / "bo"])
    assert merged.criterion(2).name == "Hạ tầng kinh tế – xã hội (tỉnh)" and merged.criterion(2).status == "confirmed"
    assert merged.criterion(3).name == "Phát triển kinh tế nông thôn" and merged.criterion(3).status == "partial"
    assert [g.num for g in merged.commune_groups] == [1, 2, 3] and merged.indicator_count == 47
    shown = CliRunner().invoke(main, ["criteria", "xa_ntm_tinh_2026", "--thu-muc", str(tmp_path / "bo")])
    assert "Dựa trên bộ: xa_ntm_2026_2030" in shown.stdout
    assert "  Số 2 – Hạ tầng kinh tế – xã hội (tỉnh)\n" in shown.stdout


def test_provincial_set_with_a_bad_base_or_number(tmp_path):
    (tmp_path / "bo").mkdir()
    write(tmp_path / "bo", PROVINCE_2026.replace("based_on: xa_ntm_2026_2030", "based_on: xa_ntm_2026_203"), "t.yaml")
    with pytest.raises(InputError) as err:
        get_set("xa_ntm_tinh_2026", [tmp_path / "bo"])
    assert "t.yaml, dòng 2" in str(err.value) and "không có bộ gốc «xa_ntm_2026_203»" in str(err.value)
    assert "không có bộ gốc «xa_ntm_2026_203». Có phải ý bạn là «xa_ntm_2026_2030»?" in str(err.value)
    write(tmp_path / "bo", PROVINCE_2026.replace("{num: 2,", "{num: 11,"), "t.yaml")
    with pytest.raises(InputError) as err:
        get_set("xa_ntm_tinh_2026", [tmp_path / "bo"])
    assert "dòng 8" in str(err.value) and "bộ gốc «xa_ntm_2026_2030» không có tiêu chí số 11" in str(err.value)


# --- sets of conditions ------------------------------------------------------------------


def test_sets_of_conditions_are_listed_not_counted(tmp_path):
    kieu_mau = get_set("xa_ntm_kieu_mau_2021_2025")
    assert kieu_mau.kind == "dieu_kien" and len(kieu_mau.conditions) == 4 and not kieu_mau.criteria
    assert all(c.status != "confirmed" for c in kieu_mau.conditions)
    hien_dai = get_set("xa_ntm_hien_dai_2026_2030")
    assert hien_dai.decision.annex == "Phụ lục II" and not hien_dai.conditions and not hien_dai.fully_confirmed
    path = letter(tmp_path, "xa:\n  - {ten: A, bo_tieu_chi: xa_ntm_kieu_mau_2021_2025, dat: [1]}\n")
    assert "là danh sách điều kiện, không có tiêu chí đánh số" in refused(path)


def test_2026_groups_are_the_decisions_numbering_and_not_confirmed():
    groups = get_set("xa_ntm_2026_2030").commune_groups
    assert groups[0].description.startswith("Xã liền kề đô thị hiện hữu")  # not the July 2025 draft's order
    assert groups[2].description.startswith("Xã khu vực II và xã khu vực III")
    assert all(g.status == "partial" for g in groups)
    assert all(not c.indicators for c in get_set("xa_ntm_2026_2030").criteria)


# --- annex ----------------------------------------------------------------------------------


def test_annex_reference_names_the_issuing_body_and_a_legend_names_criteria(tmp_path):
    path = letter(tmp_path, "xa:\n  - {ten: A, nhom: 2, dat: [1, 2]}\n  - {ten: B, dat: [1]}\n", "phu_luc: true\n")
    doc = Document(io.BytesIO(build_file(path).docx))
    assert by_role(doc, "CVPhuLucKemTheo")[0].text == (
        "(Kèm theo Công văn số       /UBND-KT ngày 20 tháng 11 năm 2026 của Ủy ban nhân dân tỉnh Lạng Sơn)")
    table = doc.tables[-1]
    assert [c.text for c in table.rows[0].cells][:3] == ["TT", "Xã", "Nhóm"]
    assert [r.cells[2].text for r in table.rows[1:-1]] == ["2", ""]
    notes = [p.text for p in by_role(doc, "CVGhiChu")]
    assert any(n.startswith("Tiêu chí: 1 – Quy hoạch; 2 – Hạ tầng kinh tế - xã hội; ") for n in notes)
    assert any(n.startswith("Nhóm xã theo Quyết định số 51/2025/QĐ-TTg ngày 29/12/2025 của Thủ tướng Chính phủ: "
                            "nhóm 1 – xã liền kề đô thị") for n in notes)


def test_annex_without_groups_has_no_group_column(tmp_path):
    path = letter(tmp_path, "xa:\n  - {ten: A, dat: [1, 2]}\n", "phu_luc: true\n")
    table = Document(io.BytesIO(build_file(path).docx)).tables[-1]
    assert "Nhóm" not in [c.text for c in table.rows[0].cells]


def test_annex_of_a_body_with_irregular_spelling_needs_its_name(tmp_path):
    text = LETTER.replace("ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG") + "  xa: [{ten: A, dat: [1]}]\n"
    message = refused(write(tmp_path, text + "phu_luc: true\n"))
    assert "phu_luc" in message and "co_quan" in message
    named = write(tmp_path, text + "phu_luc: {co_quan: Sở Nông nghiệp và Môi trường}\n")
    doc = Document(io.BytesIO(build_file(named).docx))
    assert by_role(doc, "CVPhuLucKemTheo")[0].text.endswith("năm 2026 của Sở Nông nghiệp và Môi trường)")


# --- the 2026 example campaign ---------------------------------------------------------------


def test_example_campaign_builds_with_no_warning(tmp_path):
    assert load_campaign(CAMPAIGN).assessments.warnings == ()
    result = CliRunner().invoke(main, ["build", str(CAMPAIGN), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    out = tmp_path / "lang-son-2026"
    remedial = texts((out / "xa-yen-binh.docx").read_bytes())
    maintenance = texts((out / "xa-thien-long.docx").read_bytes())
    assert "V/v khắc phục các tiêu chí nông thôn mới của xã Yên Bình" in remedial
    assert "V/v duy trì, nâng cao chất lượng các tiêu chí nông thôn mới của xã Thiện Long" in maintenance
    assert not any("V/v khắc phục" in t for t in maintenance)
    assert ("- Tiêu chí số 5 – Văn hóa, giáo dục, y tế: Sở Văn hóa, Thể thao và Du lịch, Sở Giáo dục và Đào tạo và "
            "Sở Y tế phụ trách, hướng dẫn và hỗ trợ xã Yên Bình hoàn thiện; hoàn thành trước ngày 15/12/2026.") in remedial
    # the marks "K" and "—" of the table are not met
    assert any(t.startswith("- Xã Yên Bình đạt 08/10 tiêu chí") for t in remedial)
    overview = Document(out / "tong-hop.docx")
    assert [c.text for c in overview.tables[-1].rows[0].cells][:3] == ["TT", "Xã, phường", "Nhóm"]
    assert "của Ủy ban nhân dân tỉnh Lạng Sơn)" in by_role(overview, "CVPhuLucKemTheo")[0].text


# --- xã, phường, đặc khu ---------------------------------------------------------------------


def test_example_campaign_writes_to_wards_as_wards(tmp_path):
    result = CliRunner().invoke(main, ["build", str(CAMPAIGN), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    out = tmp_path / "lang-son-2026"
    ward = texts((out / "phuong-dong-kinh.docx").read_bytes())
    assert "V/v khắc phục các tiêu chí nông thôn mới của phường Đông Kinh" in ward
    assert "Kính gửi: Ủy ban nhân dân phường Đông Kinh" in ward
    assert ("- Phường Đông Kinh đạt 08/10 tiêu chí gồm: Số 1 – Quy hoạch; Số 2 – Hạ tầng kinh tế - xã hội; Số 4 – Đào "
            "tạo nguồn nhân lực nông thôn; Số 5 – Văn hóa, giáo dục, y tế; Số 6 – Giảm nghèo và an sinh xã hội; Số 7 – "
            "Khoa học công nghệ và chuyển đổi số; Số 9 – Xây dựng hệ thống chính trị và hành chính công; Số 10 – Tiếp "
            "cận pháp luật và an ninh, quốc phòng.") in ward
    assert ("- Phường Đông Kinh còn 02/10 tiêu chí chưa đạt gồm: Số 3 – Phát triển kinh tế nông thôn; Số 8 – Môi "
            "trường và cảnh quan nông thôn.") in ward
    assert ("- Tiêu chí số 8 – Môi trường và cảnh quan nông thôn: Sở Nông nghiệp và Môi trường phụ trách, hướng dẫn "
            "và hỗ trợ phường Đông Kinh hoàn thiện; hoàn thành trước ngày 15/12/2026.") in ward
    whole = "\n".join(ward)
    assert "xã Đông Kinh" not in whole.lower() and "đạt chuẩn" not in whole  # a phường is not called a xã
    kept = texts((out / "phuong-tam-thanh.docx").read_bytes())
    assert "V/v duy trì, nâng cao chất lượng các tiêu chí nông thôn mới của phường Tam Thanh" in kept
    assert "- Phường Tam Thanh đã đạt đủ 10/10 tiêu chí." in kept
    # the files, the manifest and the print file list xã first, then phường, each in dictionary order
    rows = (out / "manifest.csv").read_text("utf-8-sig").splitlines()[1:]
    assert [r.split(",")[1] for r in rows][:6] == [
        "xa-dong-dang.docx", "xa-huu-lung.docx", "xa-thien-long.docx", "xa-yen-binh.docx", "phuong-dong-kinh.docx",
        "phuong-tam-thanh.docx"]
    overview = Document(out / "tong-hop.docx")
    body = [p.text for p in overview.paragraphs]
    assert ("Trong 06 xã, phường, có 01 xã và 01 phường đạt đủ các tiêu chí: xã Thiện Long và phường Tam Thanh; 03 xã "
            "và 01 phường còn tiêu chí chưa đạt: xã Đồng Đăng, xã Hữu Lũng, xã Yên Bình và phường Đông Kinh.") in body
    assert by_role(overview, "CVPhuLucTen")[0].text == "KẾT QUẢ THỰC HIỆN CÁC TIÊU CHÍ NÔNG THÔN MỚI CỦA CÁC XÃ, PHƯỜNG"
    table = overview.tables[-1]
    assert [r.cells[1].text for r in table.rows[1:-1]] == [
        "Xã Đồng Đăng", "Xã Hữu Lũng", "Xã Thiện Long", "Xã Yên Bình", "Phường Đông Kinh", "Phường Tam Thanh"]
    assert [r.cells[2].text for r in table.rows[1:-1]] == ["1", "2", "3", "2", "", ""]  # a phường has no nhóm xã
    assert table.rows[-1].cells[0].text == "Số xã, phường đạt"


WARD_SET = textwrap.dedent("""\
    id: tinh_x_2026
    based_on: xa_ntm_2026_2030
    name: "Bộ tiêu chí tỉnh X giai đoạn 2026-2030"
    short_name: "xã nông thôn mới"
    applies_to: [xa, phuong]
    decision: {number: "12/QĐ-UBND", date: 2026-04-01, issuer: "Ủy ban nhân dân tỉnh X"}
    valid_from: 2026-04-01
    """)


def ward_letter(tmp_path: Path, table: str, body: str = "  - tong_hop: tat_ca\n  - ket_qua: tat_ca\n", *,
                applies: str = "[xa, phuong]") -> Path:
    (tmp_path / "bo").mkdir(exist_ok=True)
    write(tmp_path / "bo", WARD_SET.replace("[xa, phuong]", applies), "tinh_x.yml")
    write(tmp_path, table, "bang.csv")
    text = LETTER.replace("bo_tieu_chi: xa_ntm_2026_2030", "bo_tieu_chi: tinh_x_2026\n  thu_muc_bo_tieu_chi: [bo]")
    text = text.replace("  - ket_qua: tat_ca\n  - Đề nghị các xã thực hiện.\n", body)
    return write(tmp_path, text + "  bang: bang.csv\n")


def test_unit_type_from_the_column_or_the_names_prefix(tmp_path):
    path = ward_letter(tmp_path, "Xã,Loại,1,2\nĐông Kinh,Phường,x,x\nPhường Kỳ Lừa,,x,\nBa Sơn,xã,x,\n"
                                 "Đặc khu Cô Tô,,x,x\n", applies="[xa, phuong, dac_khu]")
    found = build_file(path).assessments.communes
    assert {k: (c.unit.word, c.name) for k, c in found.items()} == {
        "Phường Đông Kinh": ("phường", "Đông Kinh"), "Phường Kỳ Lừa": ("phường", "Kỳ Lừa"), "Ba Sơn": ("xã", "Ba Sơn"),
        "Đặc khu Cô Tô": ("đặc khu", "Cô Tô")}


@pytest.mark.parametrize("value, says", [
    ("Thị trấn", "«Thị trấn» không còn là đơn vị hành chính từ 01/7/2025"),
    ("Thôn", "«Thôn» không phải loại đơn vị cấp xã: ghi Xã, Phường hoặc Đặc khu"),
])
def test_unknown_unit_type_is_refused_with_its_cell(tmp_path, value, says):
    message = refused(ward_letter(tmp_path, f"Xã,Loại,1\nA,Xã,x\nB,{value},x\n"))
    assert "bang.csv, hàng 3, cột 2: " + says in message


def test_unit_type_and_name_prefix_must_agree(tmp_path):
    message = refused(ward_letter(tmp_path, "Xã,Loại,1\nPhường Đông Kinh,Xã,x\n"))
    assert "hàng 2, cột 2" in message
    assert "loại đơn vị ghi là «Xã» nhưng tên «Phường Đông Kinh» là tên một phường" in message


def test_a_ward_under_a_set_for_communes_is_refused(tmp_path):
    message = refused(ward_letter(tmp_path, "Xã,Loại,1\nA,Xã,x\nĐông Kinh,Phường,x\n", applies="[xa]"))
    assert "hàng 3, cột 2" in message
    assert "phường «Đông Kinh» không đánh giá theo bộ «tinh_x_2026»" in message and "chỉ dùng cho xã" in message
    # the national sets are sets of xã nông thôn mới (QĐ 51/2025/QĐ-TTg, Điều 1): inline, with its line
    inline = refused(letter(tmp_path, "xa:\n  - {ten: Đông Kinh, loai: Phường, dat: [1]}\n"))
    assert "dòng 14" in inline and "phường «Đông Kinh» không đánh giá theo bộ «xa_ntm_2026_2030»" in inline
    assert get_set("xa_ntm_2026_2030").applies_to == ["xa"]


def test_a_set_names_only_known_unit_types(tmp_path):
    path = ward_letter(tmp_path, "Xã,1\nA,x\n", applies="[xa, thi_tran]")
    message = refused(path)
    assert "tinh_x.yml" in message and "applies_to" in message and "phải là một trong: xa, phuong, dac_khu" in message


def test_xa_and_phuong_of_one_name_are_two_units(tmp_path):
    path = ward_letter(tmp_path, "Xã,Loại,1,2\nĐông Kinh,Phường,x,\nĐông Kinh,Xã,x,x\n",
                       body="  - ket_qua: [Đông Kinh, Phường Đông Kinh]\n")
    built = build_file(path)
    assert set(built.assessments.communes) == {"Đông Kinh", "Phường Đông Kinh"}
    body = texts(built.docx)
    assert any(t.startswith("- Xã Đông Kinh đạt 02/10 tiêu chí") for t in body)  # a bare name is the xã
    assert any(t.startswith("- Phường Đông Kinh đạt 01/10 tiêu chí") for t in body)
    twice = refused(ward_letter(tmp_path, "Xã,Loại,1\nĐông Kinh,Phường,x\nPhường Đông Kinh,,x\n"))
    assert "hàng 3" in twice and "phường «Đông Kinh» đã có ở" in twice and "mỗi phường chỉ ghi một lần" in twice


def test_summary_names_units_by_type_and_counts_them_padded(tmp_path):
    table = "Xã,Loại,1,2,3,4,5,6,7,8,9,10\nTân Thành,Xã,x,x,x,x,x,x,x,x,x,x\nBa Sơn,Xã,x,,,,,,,,,\n" \
            "An Bình,Phường,x,,,,,,,,,\n"
    paragraphs = texts(build_file(ward_letter(tmp_path, table)).docx)
    assert ("Trong 03 xã, phường, có 01 xã đạt đủ các tiêu chí: xã Tân Thành; 01 xã và 01 phường còn tiêu chí chưa "
            "đạt: xã Ba Sơn và phường An Bình.") in paragraphs
    # xã first, then phường: "An Bình" sorts before "Ba Sơn" but is a phường
    items = [t for t in paragraphs if t.startswith(("- Xã", "- Phường"))]
    assert [t.split(" đạt")[0].split(" đã")[0] for t in items] == ["- Xã Ba Sơn", "- Xã Tân Thành", "- Phường An Bình"]
    wards = "Xã,Loại,1\nAn Bình,Phường,x\nBa Sơn,Phường,\n"
    only = texts(build_file(ward_letter(tmp_path, wards)).docx)
    assert ("Cả 02 phường đều còn tiêu chí chưa đạt, chưa có phường nào đạt đủ các tiêu chí: phường An Bình và "
            "phường Ba Sơn.") in only


def test_campaign_letter_that_says_xa_before_the_name_is_refused_when_wards_get_it(tmp_path):
    text = CAMPAIGN.read_text("utf-8").replace("  kinh_gui: Ủy ban nhân dân {cap} {xa}\n",
                                               "  kinh_gui: Ủy ban nhân dân xã {xa}\n")
    text = text.replace("bang: bang-danh-gia", f"bang: {CAMPAIGN.parent.as_posix()}/bang-danh-gia").replace(
        "    - bo-tieu-chi\n", f"    - {CAMPAIGN.parent.as_posix()}/bo-tieu-chi\n")
    line = text.splitlines().index("  kinh_gui: Ủy ban nhân dân xã {xa}") + 1
    with pytest.raises(InputError) as err:
        load_campaign(write(tmp_path, text))
    message = str(err.value)
    assert f"dòng {line}" in message and "thư ghi «xã {xa}» nhưng bảng có cả phường" in message
    assert "«{cap} {xa}»" in message


def test_maintenance_letter_needs_its_own_subject(tmp_path):
    text = CAMPAIGN.read_text("utf-8").replace(
        "  trich_yeu_duy_tri: duy trì, nâng cao chất lượng các tiêu chí nông thôn mới của {cap} {xa}\n", "")
    text = text.replace("bang: bang-danh-gia", f"bang: {CAMPAIGN.parent.as_posix()}/bang-danh-gia").replace(
        "    - bo-tieu-chi\n", f"    - {CAMPAIGN.parent.as_posix()}/bo-tieu-chi\n")
    with pytest.raises(InputError) as err:
        load_campaign(write(tmp_path, text))
    assert "trich_yeu_duy_tri" in str(err.value) and "trường «thu»" in str(err.value)


def test_shipped_campaign_prints_one_recipient_per_block_item():
    source = OLD_CAMPAIGN.read_text("utf-8")
    assert "[CT, các PCT" not in source
    overview = load_campaign(OLD_CAMPAIGN).overview
    assert list(overview.copies_to) == ["CT, các PCT UBND tỉnh", "Sở Nông nghiệp và Môi trường"]
