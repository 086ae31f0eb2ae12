"""NTM criteria sets: shipped data, loader validation, ``dispatch criteria``."""
from __future__ import annotations

import datetime as dt
import tomllib
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.assessments.criteria import SHIPPED_DIR, get_set, load_sets
from generator.exceptions import InputError

ROOT = Path(__file__).resolve().parents[1]

PROVINCE = """\
id: xa_ntm_tinh_lang_son_2022_2025
name: "Bộ tiêu chí xã nông thôn mới tỉnh Lạng Sơn giai đoạn 2022-2025"
short_name: "xã nông thôn mới"
decision:
  number: "1098/QĐ-UBND"
  date: 25/4/2022
  issuer: "Ủy ban nhân dân tỉnh Lạng Sơn"
valid_from: 2022-04-25
valid_to: 2025-12-31
criteria:
  - num: 1
    name: "Quy hoạch"
    status: confirmed
    indicators:
      - {code: "1.1", name: "Có quy hoạch chung xây dựng xã", status: confirmed}
  - num: 2
    name: "Giao thông"
    status: partial
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str):
    return CliRunner().invoke(main, ["criteria", *args])


# --- shipped data ----------------------------------------------------------------


@pytest.mark.parametrize(
    "set_id, count",
    [("xa_ntm_2016_2020", 19), ("xa_ntm_2021_2025", 19), ("xa_ntm_nang_cao_2021_2025", 19), ("xa_ntm_2026_2030", 10)],
)
def test_shipped_set_has_its_criteria_numbered_from_one(set_id, count):
    criteria_set = load_sets()[set_id]
    assert [c.num for c in criteria_set.criteria] == list(range(1, count + 1))


def test_exactly_the_six_national_sets_ship():
    assert sorted(load_sets()) == [
        "xa_ntm_2016_2020", "xa_ntm_2021_2025", "xa_ntm_2026_2030", "xa_ntm_hien_dai_2026_2030",
        "xa_ntm_kieu_mau_2021_2025", "xa_ntm_nang_cao_2021_2025",
    ]
    assert sorted(p.stem for p in SHIPPED_DIR.glob("*.yaml")) == sorted(load_sets())


@pytest.mark.parametrize(
    "set_id, num, name",
    [
        ("xa_ntm_2021_2025", 17, "Môi trường và an toàn thực phẩm"),
        ("xa_ntm_2021_2025", 5, "Trường học"),
        ("xa_ntm_2021_2025", 3, "Thủy lợi và phòng, chống thiên tai"),
        ("xa_ntm_2021_2025", 13, "Tổ chức sản xuất và phát triển kinh tế nông thôn"),
        ("xa_ntm_2021_2025", 19, "Quốc phòng và An ninh"),
        ("xa_ntm_2016_2020", 11, "Hộ nghèo"),
        ("xa_ntm_2016_2020", 13, "Tổ chức sản xuất"),
        ("xa_ntm_nang_cao_2021_2025", 14, "Y tế"),
        ("xa_ntm_nang_cao_2021_2025", 15, "Hành chính công"),
        ("xa_ntm_nang_cao_2021_2025", 16, "Tiếp cận pháp luật"),
        ("xa_ntm_2026_2030", 10, "Tiếp cận pháp luật và an ninh, quốc phòng"),
    ],
)
def test_known_criterion_names(set_id, num, name):
    assert load_sets()[set_id].criterion(num).name == name


def test_decisions_and_short_names():
    sets = load_sets()
    assert sets["xa_ntm_2016_2020"].decision.text() == "Quyết định số 1980/QĐ-TTg ngày 17/10/2016 của Thủ tướng Chính phủ"
    assert sets["xa_ntm_2021_2025"].decision.text() == "Quyết định số 318/QĐ-TTg ngày 08/3/2022 của Thủ tướng Chính phủ"
    assert sets["xa_ntm_2021_2025"].decision.annex == "Phụ lục I"
    assert sets["xa_ntm_nang_cao_2021_2025"].decision.annex == "Phụ lục II"
    assert sets["xa_ntm_2026_2030"].decision.number == "51/2025/QĐ-TTg"
    assert sets["xa_ntm_2026_2030"].indicator_count == 47
    assert [g.num for g in sets["xa_ntm_2026_2030"].commune_groups] == [1, 2, 3]
    assert sets["xa_ntm_2021_2025"].short_name == "xã nông thôn mới"
    assert sets["xa_ntm_nang_cao_2021_2025"].short_name == "xã nông thôn mới nâng cao"


def test_indicators_cited_by_seed_002_are_present():
    criteria_set = load_sets()["xa_ntm_2021_2025"]
    for code in ("13.2", "13.3", "13.4", "13.5", "17.4", "17.5", "18.6", "19.1"):
        assert criteria_set.indicator(code) is not None, code
    assert criteria_set.indicator("13.9") is None
    assert criteria_set.indicator("99.1") is None
    assert criteria_set.criterion(20) is None


def test_nothing_unconfirmed_is_marked_confirmed():
    """The research notes confirm no indicator of 2021-2025 and no criterion of the nâng cao set."""
    sets = load_sets()
    assert all(i.status != "confirmed" for c in sets["xa_ntm_2021_2025"].criteria for i in c.indicators)
    assert all(c.status != "confirmed" for c in sets["xa_ntm_nang_cao_2021_2025"].criteria)
    assert {c.num for c in sets["xa_ntm_nang_cao_2021_2025"].criteria if c.status == "unverified"} == {
        1, 2, 5, 6, 7, 13, 19,
    }
    assert all(c.status == "partial" for c in sets["xa_ntm_2026_2030"].criteria)
    assert all(c.status == "confirmed" for c in sets["xa_ntm_2016_2020"].criteria)
    assert all(c.status == "confirmed" for c in sets["xa_ntm_2021_2025"].criteria)
    assert not sets["xa_ntm_2021_2025"].fully_confirmed


def test_shipped_text_is_nfc_and_codes_sit_under_their_criterion():
    for criteria_set in load_sets().values():
        for criterion in criteria_set.criteria:
            assert unicodedata.is_normalized("NFC", criterion.name)
            for indicator in criterion.indicators:
                assert indicator.code.split(".")[0] == str(criterion.num)
                assert indicator.name is None or unicodedata.is_normalized("NFC", indicator.name)


def test_validity_dates():
    sets = load_sets()
    assert sets["xa_ntm_2021_2025"].is_valid_on(dt.date(2024, 9, 1))
    assert not sets["xa_ntm_2016_2020"].is_valid_on(dt.date(2024, 9, 1))
    assert sets["xa_ntm_2016_2020"].is_valid_on(dt.date(2016, 12, 1))
    assert not sets["xa_ntm_2016_2020"].is_valid_on(dt.date(2016, 11, 30))
    on_new_rules = [s for s, c in sets.items() if c.is_valid_on(dt.date(2026, 3, 1))]
    assert on_new_rules == ["xa_ntm_2026_2030", "xa_ntm_hien_dai_2026_2030"]


def test_package_data_ships_the_criteria_files():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "data/criteria/*.yaml" in pyproject["tool"]["setuptools"]["package-data"]["generator"]


# --- extra folders -----------------------------------------------------------------


def test_provincial_set_is_loaded_listed_and_shown(tmp_path):
    folder = tmp_path / "tinh"
    write(folder, "lang_son.yaml", PROVINCE)

    criteria_set = get_set("xa_ntm_tinh_lang_son_2022_2025", [folder])
    assert criteria_set.decision.date == dt.date(2022, 4, 25)
    assert criteria_set.criterion(2).name == "Giao thông"
    assert not criteria_set.shipped
    assert len(load_sets([folder])) == 7

    listing = run("--thu-muc", str(folder))
    assert listing.exit_code == 0, listing.output
    assert "xa_ntm_tinh_lang_son_2022_2025" in listing.stdout
    assert "Quyết định số 1098/QĐ-UBND ngày 25/4/2022 của Ủy ban nhân dân tỉnh Lạng Sơn" in listing.stdout
    assert "lang_son.yaml" in listing.stdout

    shown = run("xa_ntm_tinh_lang_son_2022_2025", "--thu-muc", str(folder))
    assert shown.exit_code == 0, shown.output
    assert "  Số 1 – Quy hoạch\n      1.1 – Có quy hoạch chung xây dựng xã\n" in shown.stdout
    assert "  Số 2 – Giao thông [kiểm chứng một phần]\n" in shown.stdout


def test_extra_folder_does_not_leak_into_later_loads(tmp_path):
    write(tmp_path, "lang_son.yaml", PROVINCE)
    assert "xa_ntm_tinh_lang_son_2022_2025" in load_sets([tmp_path])
    assert "xa_ntm_tinh_lang_son_2022_2025" not in load_sets()


def test_several_folders(tmp_path):
    write(tmp_path / "a", "a.yaml", PROVINCE)
    write(tmp_path / "b", "b.yml", PROVINCE.replace("xa_ntm_tinh_lang_son_2022_2025", "ban_ntm_lang_son"))
    result = run("--thu-muc", str(tmp_path / "a"), "--thu-muc", str(tmp_path / "b"))
    assert result.exit_code == 0, result.output
    assert "Có 8 bộ tiêu chí:" in result.stdout
    assert "ban_ntm_lang_son" in result.stdout


# --- bad input: exit code 2, Vietnamese message with file and line ------------------

BAD_CASES = {
    "duplicate_shipped_id": (
        PROVINCE.replace("xa_ntm_tinh_lang_son_2022_2025", "xa_ntm_2021_2025"),
        1, "mã bộ tiêu chí «xa_ntm_2021_2025» đã dùng ở bộ tiêu chí quốc gia",
    ),
    "duplicate_criterion": (
        PROVINCE.replace("  - num: 2\n", "  - num: 1\n"),
        16, "tiêu chí số 1 bị lặp lại (đã có ở dòng 11)",
    ),
    "indicator_not_under_criterion": (
        PROVINCE.replace('code: "1.1"', 'code: "2.1"'),
        15, "chỉ tiêu «2.1» không thuộc tiêu chí số 1",
    ),
    "indicator_code_unquoted": (
        PROVINCE.replace('code: "1.1"', "code: 1.10"),
        15, "viết mã chỉ tiêu trong ngoặc kép",
    ),
    "missing_name": (
        PROVINCE.replace('    name: "Giao thông"\n', ""),
        16, "criteria[2].name»: thiếu trường bắt buộc",
    ),
    "date_does_not_exist": (
        PROVINCE.replace("valid_to: 2025-12-31", "valid_to: 31/02/2025"),
        9, "ngày 31/02/2025 không tồn tại",
    ),
    "valid_to_before_valid_from": (
        PROVINCE.replace("valid_to: 2025-12-31", "valid_to: 2021-12-31"),
        9, "ngày hết hiệu lực 31/12/2021 trước ngày bắt đầu hiệu lực 25/4/2022",
    ),
    "in_force_before_issued": (
        PROVINCE.replace("valid_from: 2022-04-25", "valid_from: 2022-04-01"),
        8, "trước ngày ban hành quyết định 25/4/2022",
    ),
    "date_without_day": (
        PROVINCE.replace("valid_from: 2022-04-25", "valid_from: 2022"),
        8, "cần đủ ngày, tháng, năm",
    ),
    "unknown_key_with_suggestion": (
        PROVINCE.replace("  issuer:", "  isuer:"),
        7, "không có trường «isuer»; có phải ý bạn là «issuer»?",
    ),
    "unknown_key_no_parsed_as_false": (
        PROVINCE.replace("  - num: 2\n", "  - no: 2\n"),
        16, "YAML đọc khoá «no»",
    ),
    "bad_status": (
        PROVINCE.replace("status: partial", "status: maybe"),
        18, "phải là một trong: confirmed, partial, unverified",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_set_through_the_api(tmp_path, case):
    text, line, fragment = BAD_CASES[case]
    write(tmp_path, "tinh_loi.yaml", text)
    with pytest.raises(InputError) as caught:
        load_sets([tmp_path])
    message = str(caught.value)
    assert caught.value.exit_code == 2
    assert "tinh_loi.yaml" in message
    assert f"dòng {line}" in message
    assert fragment in message


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_set_through_the_cli(tmp_path, case):
    text, line, fragment = BAD_CASES[case]
    write(tmp_path, "tinh_loi.yaml", text)
    result = run("--thu-muc", str(tmp_path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "tinh_loi.yaml" in result.stderr
    assert f"dòng {line}" in result.stderr
    assert fragment in result.stderr


def test_duplicate_id_between_two_extra_files(tmp_path):
    write(tmp_path, "a.yaml", PROVINCE)
    write(tmp_path, "b.yaml", PROVINCE)
    with pytest.raises(InputError) as caught:
        load_sets([tmp_path])
    assert str(caught.value) == (
        f"Lỗi: tệp {tmp_path / 'b.yaml'}, dòng 1, trường «id»: mã bộ tiêu chí «xa_ntm_tinh_lang_son_2022_2025» "
        f"đã dùng ở tệp {tmp_path / 'a.yaml'} (dòng 1); hãy đặt mã khác"
    )
    result = run("--thu-muc", str(tmp_path))
    assert result.exit_code == 2
    assert "b.yaml, dòng 1" in result.stderr


def test_all_problems_of_a_file_are_reported_in_line_order(tmp_path):
    text = PROVINCE.replace('code: "1.1"', 'code: "2.1"').replace("valid_to: 2025-12-31", "valid_to: 2020-01-01")
    write(tmp_path, "tinh_loi.yaml", text)
    with pytest.raises(InputError) as caught:
        load_sets([tmp_path])
    assert [(p.line, p.field) for p in caught.value.problems] == [
        (9, "valid_to"), (15, "criteria[1].indicators[1].code"),
    ]


def test_missing_or_empty_folder(tmp_path):
    result = run("--thu-muc", str(tmp_path / "khong_co"))
    assert result.exit_code == 2
    assert "không tồn tại" in result.stderr
    result = run("--thu-muc", str(tmp_path))
    assert result.exit_code == 2
    assert "không có tệp bộ tiêu chí nào" in result.stderr


def test_unknown_set_suggests_the_closest(tmp_path):
    with pytest.raises(InputError) as caught:
        get_set("xa_ntm_2021")
    assert "Có phải ý bạn là «xa_ntm_2021_2025»?" in str(caught.value)
    assert "xa_ntm_nang_cao_2021_2025" in str(caught.value)

    result = run("xa_ntm_2021")
    assert result.exit_code == 2
    assert "không có bộ tiêu chí «xa_ntm_2021»" in result.stderr
    assert "xa_ntm_2026_2030" in result.stderr


# --- command output -------------------------------------------------------------------


def test_list_output():
    result = run()
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Có 6 bộ tiêu chí:\n\nxa_ntm_2016_2020\n")
    assert (
        "xa_ntm_2021_2025\n"
        "  Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2021-2025\n"
        "  Quyết định số 318/QĐ-TTg ngày 08/3/2022 của Thủ tướng Chính phủ\n"
        "  Hiệu lực: từ 08/3/2022 đến 14/02/2026\n"
        "  19 tiêu chí, đã ghi 41 chỉ tiêu; CHƯA KIỂM CHỨNG: 35 mục; kiểm chứng một phần: 11 mục\n"
    ) in out
    assert "  10 tiêu chí, 47 chỉ tiêu (đã ghi 0); kiểm chứng một phần: 13 mục\n" in out
    assert "  4 điều kiện (không phải tiêu chí đánh số); kiểm chứng một phần: 4 mục\n" in out
    assert "  0 điều kiện (không phải tiêu chí đánh số); CHƯA CÓ NỘI DUNG đã kiểm chứng (xem ghi chú)\n" in out
    assert "Hiệu lực: từ 15/02/2026\n" in out
    assert out == run().stdout  # deterministic


def test_show_output():
    result = run("xa_ntm_2021_2025")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(
        "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2021-2025 (xa_ntm_2021_2025)\n"
        "Tên dùng trong câu: xã nông thôn mới\n"
        "Ban hành: Quyết định số 318/QĐ-TTg ngày 08/3/2022 của Thủ tướng Chính phủ (Phụ lục I)\n"
    )
    criteria_lines = [line for line in out.splitlines() if line.startswith("  Số ")]
    assert len(criteria_lines) == 19
    assert criteria_lines[0] == "  Số 1 – Quy hoạch (nhóm 1)"
    assert criteria_lines[16] == "  Số 17 – Môi trường và an toàn thực phẩm (nhóm 4)"
    assert "      13.3 – (chưa ghi tên) [kiểm chứng một phần]\n" in out
    assert "      19.1 – Xây dựng lực lượng dân quân" in out
    assert "  Nhóm 4 – Văn hóa - Xã hội - Môi trường [kiểm chứng một phần]\n" in out
    assert "Ký hiệu:" in out
    assert out == run("xa_ntm_2021_2025").stdout


def test_show_nang_cao_marks_unverified_criteria():
    out = run("xa_ntm_nang_cao_2021_2025").stdout
    assert "  Số 14 – Y tế [kiểm chứng một phần]\n" in out
    assert "  Số 5 – Giáo dục [chưa kiểm chứng]\n" in out


def test_help_is_vietnamese():
    result = CliRunner().invoke(main, ["criteria", "--help"])
    assert result.exit_code == 0
    assert "Liệt kê các bộ tiêu chí nông thôn mới" in result.stdout
    assert "--thu-muc THƯ_MỤC" in result.stdout
