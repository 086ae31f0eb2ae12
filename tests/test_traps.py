"""Traps that change what a letter says without a word: flow lists that split a name, levels of
local government that no longer existed at the letter's date. Each gives a warning (the letter is
still written); the correct form gives none."""
import io
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from conftest import ROOT
from docx_helpers import all_paragraphs
from generator.cli import main
from generator.pipeline import build_file

LETTER = textwrap.dedent("""\
    co_quan_ban_hanh: {issuer}
    ky_hieu: UBND-KT
    dia_danh: Lạng Sơn
    ngay: {date}
    trich_yeu: đôn đốc thực hiện các tiêu chí nông thôn mới
    kinh_gui:{recipients}
    noi_dung:
      - Đề nghị các cơ quan, đơn vị thực hiện.
    nguoi_ky:
      quyen_han: KT.
      chuc_vu:
        - CHỦ TỊCH
        - PHÓ CHỦ TỊCH
      ho_ten: Nguyễn Văn Bình
    noi_nhan:{copies}
    luu: VT, KT
""")

BLOCK_RECIPIENTS = "\n  - Các sở, ban, ngành tỉnh\n  - Ủy ban nhân dân các xã, phường"
BLOCK_COPIES = "\n  - Chủ tịch, các Phó Chủ tịch UBND tỉnh\n  - Sở Tài chính"


def write(tmp_path: Path, issuer="ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN", date="20/11/2026",
          recipients=BLOCK_RECIPIENTS, copies=BLOCK_COPIES) -> Path:
    path = tmp_path / "cv.yaml"
    path.write_text(LETTER.format(issuer=issuer, date=date, recipients=recipients, copies=copies), encoding="utf-8")
    return path


def check(path: Path):
    return CliRunner().invoke(main, ["check", str(path)])


def test_block_lists_and_the_two_tier_names_give_no_warning(tmp_path):
    built = build_file(write(tmp_path))
    assert built.warnings == ()
    result = check(write(tmp_path))
    assert result.exit_code == 0 and "Cảnh báo" not in result.output


def test_flow_list_that_splits_a_name_is_warned_with_its_line_and_the_block_form(tmp_path):
    path = write(tmp_path, copies=" [Chủ tịch, các Phó Chủ tịch UBND tỉnh, Sở Tài chính]")
    result = check(path)
    assert result.exit_code == 0, result.output  # a warning, not a refusal
    assert "Cảnh báo: tệp" in result.output and "dòng 17" in result.output and "«noi_nhan»" in result.output
    assert "«các Phó Chủ tịch UBND tỉnh»" in result.output
    assert "    noi_nhan:\n      - Chủ tịch, các Phó Chủ tịch UBND tỉnh\n      - Sở Tài chính" in result.output
    # and the letter does print what YAML read: two lines where one was meant
    doc = Document(io.BytesIO(build_file(path).docx))
    texts = [p.text for p in all_paragraphs(doc)]
    assert "- Chủ tịch;" in texts and "- các Phó Chủ tịch UBND tỉnh;" in texts


def test_one_word_fragments_in_kinh_gui_are_warned(tmp_path):
    result = check(write(tmp_path, recipients=" [Các sở, ban, ngành, UBND các xã, phường]"))
    assert result.exit_code == 0
    assert "dòng 6" in result.output and "«kinh_gui»" in result.output
    assert "«ban», «ngành» và «phường»" in result.output
    assert "    kinh_gui:\n      - Các sở, ban, ngành\n      - UBND các xã, phường" in result.output


def test_flow_list_of_whole_names_is_not_warned(tmp_path):
    built = build_file(write(tmp_path, recipients=" [Sở Tài chính, Sở Xây dựng, HĐND tỉnh]",
                             copies=" [Như trên, CPVP, Sở Nông nghiệp và Môi trường]"))
    assert built.warnings == ()


@pytest.mark.parametrize("issuer, recipients, copies, field, words", [
    ("[ỦY BAN NHÂN DÂN, HUYỆN HỮU LŨNG]", BLOCK_RECIPIENTS, BLOCK_COPIES, "trường «co_quan_ban_hanh»",
     "«ỦY BAN NHÂN DÂN HUYỆN»"),
    ("ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN", "\n  - Các sở, ban, ngành tỉnh\n  - UBND các xã, thị trấn", BLOCK_COPIES,
     "dòng 8, trường «kinh_gui[2]»", "nêu thị trấn («thị trấn»)"),
    ("ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN", BLOCK_RECIPIENTS, BLOCK_COPIES + "\n  - Phòng Nông nghiệp và PTNT huyện",
     "dòng 20, trường «noi_nhan[3]»", "nêu phòng chuyên môn cấp huyện"),
    ("ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN", " Chủ tịch UBND cấp huyện", BLOCK_COPIES,
     "trường «kinh_gui»", "nêu cấp huyện"),
    ("ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM", "\n  - UBND các huyện, thị xã, thành phố\n  - Các sở, ban, ngành", BLOCK_COPIES,
     "trường «kinh_gui[1]»", "Ủy ban nhân dân cấp huyện («UBND các huyện»)"),
])
def test_a_level_abolished_on_1_july_2025_is_warned(tmp_path, issuer, recipients, copies, field, words):
    result = check(write(tmp_path, issuer=issuer, recipients=recipients, copies=copies))
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("Cảnh báo")]
    assert len(warnings) == 1, result.output
    assert field in warnings[0] and words in warnings[0] and "01/7/2025" in warnings[0]
    assert "20/11/2026" in warnings[0]


def test_the_same_letter_before_july_2025_is_not_warned(tmp_path):
    path = write(tmp_path, issuer="[ỦY BAN NHÂN DÂN, HUYỆN HỮU LŨNG]", date="30/6/2025",
                 recipients="\n  - Các phòng chuyên môn thuộc huyện\n  - UBND các xã, thị trấn")
    assert build_file(path).warnings == ()
    # a draft dated "2025" could be before July: not warned; "8/2025" cannot: warned
    assert build_file(write(tmp_path, issuer="[ỦY BAN NHÂN DÂN, HUYỆN HỮU LŨNG]", date='"2025"')).warnings == ()
    assert len(build_file(write(tmp_path, issuer="[ỦY BAN NHÂN DÂN, HUYỆN HỮU LŨNG]", date='"8/2025"')).warnings) == 1


def test_province_level_cities_and_phuong_are_not_mistaken_for_districts(tmp_path):
    path = write(tmp_path, issuer="ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH",
                 recipients="\n  - Sở Nông nghiệp và Môi trường Thành phố Hồ Chí Minh\n  - UBND các xã, phường, đặc khu",
                 copies="\n  - Văn phòng UBND Thành phố\n  - Phòng Kinh tế phường Sài Gòn")
    assert build_file(path).warnings == ()


CAMPAIGN = textwrap.dedent("""\
    chien_dich:
      han: 15/12/2026
      phan_cong: {1: Sở Xây dựng, 2: Sở Xây dựng, 3: Sở Công Thương, 4: Sở Nội vụ, 5: Sở Văn hóa,
                  6: Sở Y tế, 7: Sở Khoa học và Công nghệ, 8: Sở Nông nghiệp và Môi trường, 9: Sở Nội vụ,
                  10: Công an tỉnh}
    danh_gia:
      bo_tieu_chi: xa_ntm_2026_2030
      xa:
        - {ten: Thiện Long, dat: [1, 2, 3]}
    thu:
      co_quan_ban_hanh:
        - ỦY BAN NHÂN DÂN
        - HUYỆN HỮU LŨNG
      ky_hieu: UBND-KT
      dia_danh: Lạng Sơn
      ngay: 20/11/2026
      trich_yeu: khắc phục các tiêu chí của xã {xa}
      kinh_gui: Ủy ban nhân dân xã {xa}
      noi_dung:
        - ket_qua: xa_nay
        - phan_cong: xa_nay
      nguoi_ky: {chuc_vu: [CHỦ TỊCH], ho_ten: Nguyễn Văn Bình}
      noi_nhan: [Như trên, Sở Tài chính]
    tong_hop:
      co_quan_ban_hanh: ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN
      ky_hieu: UBND-KT
      dia_danh: Lạng Sơn
      ngay: 20/11/2026
      trich_yeu: kết quả rà soát các tiêu chí
      kinh_gui: Bộ Nông nghiệp và Môi trường
      noi_dung:
        - tong_hop: tat_ca
      nguoi_ky: {chuc_vu: [CHỦ TỊCH], ho_ten: Nguyễn Văn Bình}
      noi_nhan: [CT, các PCT UBND tỉnh, Sở Nông nghiệp và Môi trường]
""")


def test_campaign_file_warns_about_its_letter_and_overview(tmp_path):
    path = tmp_path / "cd.yaml"
    path.write_text(CAMPAIGN, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(path), "-o", str(tmp_path / "out"), "--dry-run"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("Cảnh báo")]
    # the third: the national 2026-2030 names are not confirmed (tests/test_ntm_2026.py)
    assert len(warnings) == 3 and warnings[2].startswith("Cảnh báo: tên 10 tiêu chí của bộ «xa_ntm_2026_2030»"), \
        result.output
    assert "dòng 34, trường «tong_hop.noi_nhan»" in warnings[0] and "«các PCT UBND tỉnh»" in warnings[0]
    assert "    noi_nhan:\n      - CT, các PCT UBND tỉnh\n      - Sở Nông nghiệp và Môi trường" in result.output
    assert "dòng 11, trường «thu.co_quan_ban_hanh»" in warnings[1] and "«ỦY BAN NHÂN DÂN HUYỆN»" in warnings[1]


@pytest.mark.parametrize("name", ["2026-nhac-cac-xa.yaml", "2026-bao-cao-bo.yaml"])
def test_2026_examples_build_without_any_warning(name):
    built = build_file(ROOT / "inputs" / "vi-du" / name)
    assert built.warnings == ()


def test_no_flow_list_of_names_left_in_the_examples_and_readme():
    import re

    pattern = re.compile(r"^\s*-?\s*(kinh_gui|noi_nhan|luu|co_quan_ban_hanh|chuc_vu)\s*:\s*\[", re.MULTILINE)
    for path in [*(ROOT / "inputs" / "seeds").glob("*.yaml"), *(ROOT / "inputs" / "vi-du").glob("*.yaml"),
                 ROOT / "README.md"]:
        assert not pattern.search(path.read_text("utf-8")), path
