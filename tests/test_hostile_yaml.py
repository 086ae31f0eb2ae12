"""YAML is read safely: no object tags, no alias bombs, no duplicate keys, no huge or deep files.

Each test fails without its protection in ``generator/load/yaml_source.py``: the bomb hangs (the
subprocess's timeout), the tag runs a shell command, the duplicate silently wins, the big
file builds, the deep one or the long number ends in an internal error (exit 70).
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from hostile_support import good, write_yaml

pytestmark = pytest.mark.hostile

ROOT = Path(__file__).resolve().parent.parent


def _dispatch(*args, timeout=60):
    """``dispatch`` as a separate process (a hang or a crash cannot take the test run with it)."""
    return subprocess.run([sys.executable, "-m", "generator", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def _good_text(tmp_path) -> str:
    return write_yaml(tmp_path / "base.yaml", good()).read_text(encoding="utf-8")


def test_billion_laughs_alias_bomb_is_refused_quickly(tmp_path):
    levels = ['a0: &a0 ["ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha"]']
    for i in range(1, 10):  # 9^10 strings if expanded
        levels.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    bomb = tmp_path / "bom.yaml"
    bomb.write_text(_good_text(tmp_path) + "\n".join(levels) + "\n", encoding="utf-8")
    result = _dispatch("build", bomb, "-o", tmp_path / "bom.docx", timeout=60)
    assert result.returncode == 2, result.stderr
    assert "bí danh" in result.stderr and "bom.yaml" in result.stderr and "dòng" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "bom.docx").exists()


def test_merge_key_alias_is_refused(tmp_path):
    src = tmp_path / "gop.yaml"
    src.write_text(_good_text(tmp_path) + "x: &x {a: 1}\ny:\n  <<: *x\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(src)])
    assert result.exit_code == 2 and "bí danh" in result.output


@pytest.mark.parametrize("tag", [
    '!!python/object/apply:os.system ["touch {flag}"]',
    '!!python/object/new:subprocess.Popen [["touch", "{flag}"]]',
    '!!python/name:os.system',
    '!!python/module:os',
    '!<tag:yaml.org,2002:python/object/apply:os.system> ["touch {flag}"]',
])
def test_object_construction_tags_are_refused_and_run_nothing(tmp_path, tag):
    flag = tmp_path / "da-chay"
    src = tmp_path / "the.yaml"
    src.write_text(_good_text(tmp_path).replace("dia_danh: Lạng Sơn", "dia_danh: " + tag.format(flag=flag)),
                   encoding="utf-8")
    result = _dispatch("build", src, "-o", tmp_path / "the.docx")
    assert result.returncode == 2, result.stderr
    assert "thẻ YAML" in result.stderr and "the.yaml, dòng" in result.stderr
    assert not flag.exists() and "Traceback" not in result.stderr


def test_duplicate_keys_are_refused_at_both_lines(tmp_path):
    src = tmp_path / "lap.yaml"
    src.write_text(_good_text(tmp_path) + "dia_danh: Hà Nội\nnguoi_ky:\n  ho_ten: B\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(tmp_path / "lap.docx")])
    assert result.exit_code == 2
    assert "khoá «dia_danh» bị lặp lại (đã có ở dòng 5)" in result.output
    assert "khoá «nguoi_ky» bị lặp lại" in result.output
    assert not (tmp_path / "lap.docx").exists()


def test_duplicate_keys_nested_are_refused(tmp_path):
    src = tmp_path / "lap.yaml"
    src.write_text(_good_text(tmp_path).replace("  ho_ten: Nguyễn Văn A", "  ho_ten: Nguyễn Văn A\n  ho_ten: B"),
                   encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(src)])
    assert result.exit_code == 2 and "khoá «ho_ten» bị lặp lại" in result.output and "nguoi_ky.ho_ten" in result.output


def test_a_three_megabyte_file_is_refused_before_parsing(tmp_path):
    src = tmp_path / "lon.yaml"
    filler = "# " + "x" * 1000 + "\n"
    src.write_text(_good_text(tmp_path) + filler * 3000, encoding="utf-8")  # a valid letter, 3 MB of comments
    assert src.stat().st_size > 3_000_000
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(tmp_path / "lon.docx")])
    assert result.exit_code == 2
    assert "tệp quá lớn" in result.output and "tối đa 2.097.152 byte" in result.output
    assert not (tmp_path / "lon.docx").exists()


@pytest.mark.parametrize("nesting", ["x: " + "[" * 3000 + "]" * 3000, "x: " + "{a: " * 2000 + "1" + "}" * 2000,
                                     "x:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 80)) + "  " * 80 + "v: 1"])
def test_deep_nesting_is_refused_not_a_crash(tmp_path, nesting):
    src = tmp_path / "sau.yaml"
    src.write_text(_good_text(tmp_path) + nesting + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(src)])
    assert result.exit_code == 2, result.output
    assert "lồng nhau quá sâu" in result.output and "Lỗi nội bộ" not in result.output


def test_a_number_too_long_to_read_is_refused_at_its_line(tmp_path):
    src = tmp_path / "so.yaml"
    src.write_text(_good_text(tmp_path).replace("so: 5", "so: " + "9" * 5000), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(src)])
    assert result.exit_code == 2 and "Lỗi nội bộ" not in result.output
    assert "dòng 3, trường «so»: số có 5.000 chữ số" in result.output


@pytest.mark.parametrize("date, message", [("2026-02-30", "ngày 30/02/2026 không tồn tại"),
                                           ("2026-13-01", "tháng 13 không tồn tại"),
                                           ("2026-01-05", None)])
def test_an_iso_date_that_does_not_exist_is_placed(tmp_path, date, message):
    src = tmp_path / "ngay.yaml"
    src.write_text(_good_text(tmp_path).replace("ngay: 05/01/2026", f"ngay: {date}"), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(src)])
    if message is None:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 2 and f"dòng 6, trường «ngay»: {message}" in result.output, result.output


def test_a_folder_given_as_input_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 2 and "thư mục" in result.output


def test_yaml_error_messages_have_no_traceback(tmp_path):
    src = tmp_path / "hong.yaml"
    for text in ["a: [1, 2", "a: b: c", "\t- x", "- a\nb: c", "a: 'x", "? [a]\n: b", "%YAML 9.9\n---\na: 1",
                 "!!binary x: y", "a: !!binary 'not base64 !!'", "--- a\n--- b"]:
        src.write_text(text, encoding="utf-8")
        result = CliRunner().invoke(main, ["check", str(src)])
        assert result.exit_code == 2, (text, result.output)
        assert "hong.yaml" in result.output and "Traceback" not in result.output and "Lỗi nội bộ" not in result.output


def test_raw_bytes_are_refused_as_not_utf8(tmp_path):
    src = tmp_path / "ma.yaml"
    src.write_bytes(textwrap.dedent(_good_text(tmp_path)).encode("utf-8").replace("Lạng".encode(), b"L\xe1ng"))
    result = CliRunner().invoke(main, ["check", str(src)])
    assert result.exit_code == 2 and "không phải UTF-8" in result.output
