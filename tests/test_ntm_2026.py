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
    assert "xa_ntm_2026_2030" in str(err.value)
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
    assert [c.text for c in overview.tables[-1].rows[0].cells][:3] == ["TT", "Xã", "Nhóm"]
    assert "của Ủy ban nhân dân tỉnh Lạng Sơn)" in by_role(overview, "CVPhuLucKemTheo")[0].text


def test_maintenance_letter_needs_its_own_subject(tmp_path):
    text = CAMPAIGN.read_text("utf-8").replace(
        "  trich_yeu_duy_tri: duy trì, nâng cao chất lượng các tiêu chí nông thôn mới của xã {xa}\n", "")
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
