"""Bad input: a Vietnamese message naming file, line and field; exit code 2; no output; no traceback."""
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

GOOD = textwrap.dedent("""\
    co_quan_chu_quan: UBND TỈNH LẠNG SƠN
    co_quan_ban_hanh: SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG
    so: 5
    ky_hieu: SNNMT-PTNT
    dia_danh: Lạng Sơn
    ngay: 05/01/2026
    trich_yeu: rà soát tiêu chí nông thôn mới
    kinh_gui: UBND các xã
    noi_dung:
      - Đề nghị UBND các xã rà soát.
    nguoi_ky:
      quyen_han: KT.
      chuc_vu: [GIÁM ĐỐC, PHÓ GIÁM ĐỐC]
      ho_ten: Nguyễn Văn A
    luu: VT, PTNT
""")


def run(tmp_path: Path, text: str | bytes, *args):
    src = tmp_path / "cong-van.yaml"
    if isinstance(text, bytes):
        src.write_bytes(text)
    else:
        src.write_text(text, encoding="utf-8")
    out = tmp_path / "out.docx"
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(out), *args])
    return result, out


def test_good_input_builds(tmp_path):
    result, out = run(tmp_path, GOOD)
    assert result.exit_code == 0, result.output
    assert out.exists() and "Đã ghi" in result.output


CASES = [
    # (what, change to GOOD, line, expected words in the message)
    ("broken yaml", lambda s: s.replace("dia_danh: Lạng Sơn", "dia_danh: Lạng Sơn: thành phố"), 5,
     ["YAML không hợp lệ", "ngoặc kép"]),
    ("unknown key", lambda s: s.replace("kinh_gui:", "kinh_gui_:"), 8,
     ["trường «kinh_gui_»", "không có trường «kinh_gui_»", "kinh_gui"]),
    ("missing field", lambda s: s.replace("ky_hieu: SNNMT-PTNT\n", ""), 1, ["trường «ky_hieu»", "thiếu trường bắt buộc"]),
    ("date that does not exist", lambda s: s.replace("05/01/2026", "30/02/2026"), 6,
     ["trường «ngay»", "ngày 30/02/2026 không tồn tại"]),
    ("empty signer", lambda s: s.replace("ho_ten: Nguyễn Văn A", 'ho_ten: ""'), 14,
     ["trường «nguoi_ky.ho_ten»", "không được để trống"]),
    ("signer key typo", lambda s: s.replace("ho_ten:", "hoten:"), 14, ["không có trường «hoten»", "ho_ten"]),
    ("bad authority", lambda s: s.replace("quyen_han: KT.", "quyen_han: KÝ THAY"), 12,
     ["quyền hạn ký «KÝ THAY»", "TM., KT., Q., TL., TUQ."]),
    ("KT. with one title", lambda s: s.replace("[GIÁM ĐỐC, PHÓ GIÁM ĐỐC]", "[GIÁM ĐỐC]"), 11, ["hai dòng chức vụ"]),
    ("number not a number", lambda s: s.replace("so: 5", "so: năm"), 3, ["trường «so»", "số nguyên"]),
    # YAML reads true/yes/on as a boolean, which pydantic took as 1: "Số: 01" (#11 §4)
    ("number true", lambda s: s.replace("so: 5", "so: true"), 3, ["trường «so»", "số nguyên", "đúng/sai"]),
    ("number yes", lambda s: s.replace("so: 5", "so: yes"), 3, ["trường «so»", "số nguyên", "đúng/sai"]),
    ("number 5.0", lambda s: s.replace("so: 5", "so: 5.0"), 3, ["trường «so»", "số nguyên", "«5.0»"]),
    ("number text with digits", lambda s: s.replace("so: 5", 'so: "5a"'), 3, ["trường «so»", "«5a»"]),
    ("symbol with spaces", lambda s: s.replace("SNNMT-PTNT", "SNNMT - PTNT"), 4, ["ký hiệu", "không đúng dạng"]),
    ("control character", lambda s: s.replace("rà soát tiêu chí", "rà soát\x0btiêu chí"), 7,
     ["trường «trich_yeu»", "ký tự điều khiển U+000B"]),
    ("duplicate key", lambda s: s + "ky_hieu: UBND-VP\n", 16, ["khoá «ky_hieu» bị lặp lại", "dòng 4"]),
    ("alias", lambda s: s.replace("dia_danh: Lạng Sơn", "dia_danh: &p Lạng Sơn").replace(
        "kinh_gui: UBND các xã", "kinh_gui: *p"), 8, ["bí danh"]),
    ("object tag", lambda s: s.replace("dia_danh: Lạng Sơn", "dia_danh: !!python/object:os.system x"), 5,
     ["thẻ YAML"]),
    ("body block key", lambda s: s.replace("  - Đề nghị UBND các xã rà soát.", "  - muc_: Đề nghị"), 10,
     ["trường «noi_dung[1]»", "«muc»"]),
    ("unquoted bold start", lambda s: s.replace("  - Đề nghị UBND các xã rà soát.", "  - **Đề nghị** rà soát."), 10,
     ["ngoặc kép"]),
    ("urgency", lambda s: s + "do_khan: GẤP\n", 16, ["độ khẩn «GẤP»"]),
]


@pytest.mark.parametrize("what, change, line, expected", CASES, ids=[c[0] for c in CASES])
def test_bad_input(tmp_path, what, change, line, expected):
    result, out = run(tmp_path, change(GOOD))
    assert result.exit_code == 2, result.output
    message = result.output
    assert "cong-van.yaml" in message and f"dòng {line}" in message, message
    for words in expected:
        assert words in message, message
    assert "Traceback" not in message and not out.exists()


def test_not_utf8(tmp_path):
    result, out = run(tmp_path, GOOD.encode("cp1258", errors="replace"))
    assert result.exit_code == 2 and "UTF-8" in result.output and not out.exists()


def test_missing_file(tmp_path):
    result = CliRunner().invoke(main, ["build", str(tmp_path / "khong-co.yaml")])
    assert result.exit_code == 2 and "không tìm thấy tệp" in result.output


def test_empty_and_not_a_mapping(tmp_path):
    result, _ = run(tmp_path, "")
    assert result.exit_code == 2 and "tệp rỗng" in result.output
    result, _ = run(tmp_path, "- một\n- hai\n")
    assert result.exit_code == 2 and "nhóm trường" in result.output


def test_several_problems_are_all_reported(tmp_path):
    bad = GOOD.replace("ky_hieu: SNNMT-PTNT\n", "").replace("ho_ten: Nguyễn Văn A", 'ho_ten: ""')
    result, _ = run(tmp_path, bad)
    assert result.exit_code == 2
    assert "Có 2 lỗi" in result.output and "ky_hieu" in result.output and "ho_ten" in result.output


def test_check_validates_without_writing(tmp_path):
    src = tmp_path / "a.yaml"
    src.write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(src)])
    assert result.exit_code == 0 and "Hợp lệ" in result.output and "Số: 05/SNNMT-PTNT" in result.output
    assert list(tmp_path.iterdir()) == [src]
    src.write_text(GOOD.replace("05/01/2026", "30/02/2026"), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(src)])
    assert result.exit_code == 2 and "không tồn tại" in result.output


def test_xml_special_characters_survive(tmp_path):
    from docx import Document
    text = GOOD.replace("Đề nghị UBND các xã rà soát.", '"Phòng Nông nghiệp&PTNT <huyện> và {{ x }} {% if %} ký."')
    result, out = run(tmp_path, text)
    assert result.exit_code == 0, result.output
    body = "\n".join(p.text for p in Document(out).paragraphs)
    assert "Phòng Nông nghiệp&PTNT <huyện> và {{ x }} {% if %} ký./." in body


def test_click_messages_are_vietnamese():
    runner = CliRunner()
    result = runner.invoke(main, ["--help"])
    assert "Cách dùng:" in result.output and "Lệnh" in result.output and "Usage" not in result.output
    result = runner.invoke(main, ["build"])
    assert result.exit_code == 2 and "Thiếu tham số" in result.output
    result = runner.invoke(main, ["biuld"])
    assert result.exit_code == 2 and "Không có lệnh" in result.output


def test_number_typed_as_quoted_digits_is_that_number(tmp_path):
    result, out = run(tmp_path, GOOD.replace("so: 5", 'so: "05"'))
    assert result.exit_code == 0, result.output
    from docx import Document

    assert "Số: 05/SNNMT-PTNT" in [p.text for t in Document(out).tables for c in t._cells for p in c.paragraphs]
