"""``dispatch text``: any DOCX read as labelled elements in reading order, emphasis marked."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx.text.paragraph import Paragraph

from generator.cli import main
from generator.wording.inline import Span, parse
from review_helpers import (
    SEEDS,
    build_yaml,
    edit_docx,
    paragraphs_with_style,
    read,
    seed_text,
    set_bold,
    set_size,
    split_runs_mid_word,
    text_of,
    variant,
)


def _labels(text: str) -> list[str]:
    return [line.split("│")[0].strip() for line in text.splitlines() if "│" in line and line.split("│")[0].strip()]


def test_seed_000_reads_in_order_with_labels_and_emphasis(built_seeds):
    lines = text_of(built_seeds["000-lang-son-2018"].docx).splitlines()
    expected_start = [
        "Cơ quan chủ quản   │ UBND TỈNH LẠNG SƠN",
        "Cơ quan ban hành   │ **BAN CHỈ ĐẠO XÂY DỰNG**",
        "Cơ quan ban hành   │ **NÔNG THÔN MỚI TỈNH**",
        "Quốc hiệu          │ **CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**",
        "Tiêu ngữ           │ **Độc lập - Tự do - Hạnh phúc**",
        "Số, ký hiệu        │ Số: 32/CV-BCĐ",
        "Địa danh, ngày     │ *Lạng Sơn, ngày 08 tháng 3 năm 2018*",
    ]
    assert lines[: len(expected_start)] == expected_start
    assert lines[7].startswith("Trích yếu          │ V/v duy trì, nâng cao chất lượng")
    assert lines[8] == "Kính gửi           │ Kính gửi:"
    assert lines[-5:] == [
        "Nơi nhận           │ - Lưu: VT, KTN (VQK).",
        "Quyền hạn, chức vụ │ **KT. TRƯỞNG BAN**",
        "Quyền hạn, chức vụ │ **PHÓ TRƯỞNG BAN**",
        "Quyền hạn, chức vụ │ **PHÓ CHỦ TỊCH UBND TỈNH**",
        "Người ký           │ **Lý Vinh Quang**",
    ]
    # the page number in the header is a field, not text
    assert not any(line.startswith("Đầu trang") for line in lines)


def test_every_seed_has_the_letter_elements_in_reading_order(built_seeds):
    order = ["Cơ quan ban hành", "Quốc hiệu", "Tiêu ngữ", "Số, ký hiệu", "Địa danh, ngày", "Trích yếu", "Kính gửi",
             "Nội dung", "Nơi nhận", "Quyền hạn, chức vụ", "Người ký"]
    for name, built in built_seeds.items():
        labels = _labels(text_of(built.docx))
        firsts = [labels.index(label) for label in order]
        assert firsts == sorted(firsts), name
        assert labels[-1] == "Người ký", name
        body = [p for p in built.letter.paragraphs]
        assert labels.count("Nội dung") + labels.count("Đề mục") + labels.count("Căn cứ") == len(body), name


def test_emphasis_spans_read_back_as_the_input_wrote_them(built_seeds):
    """Body paragraphs' markup parses back to the letter's own spans (bold/italic, merged)."""
    built = built_seeds["001-vinh-linh-2023"]
    elements = [e for e in read(built.docx).elements if e.label in ("Nội dung", "Đề mục", "Căn cứ")]
    assert len(elements) == len(built.letter.paragraphs)
    for el, paragraph in zip(elements, built.letter.paragraphs):
        style_bold = el.label == "Đề mục"  # the heading's style is bold: every span counts as bold
        want = [Span(s.text, s.bold or style_bold, s.italic) for s in paragraph.spans]
        got = parse(el.markup())
        assert "".join(s.text for s in got) == paragraph.text
        assert _merge(got) == _merge(want)
    assert "(*gửi kèm*)" in elements[0].markup()


def _merge(spans):
    out = []
    for s in spans:
        if out and (out[-1].bold, out[-1].italic) == (s.bold, s.italic):
            out[-1] = Span(out[-1].text + s.text, s.bold, s.italic)
        elif s.text:
            out.append(s)
    return [(s.text.strip(), s.bold, s.italic) for s in out if s.text.strip()]


def test_literal_asterisk_is_escaped_like_the_input_markup(tmp_path):
    text = variant(seed_text("000-lang-son-2018"), ("  - >-\n    Qua nắm", "  - \"Chú thích \\\\* sao; Qua nắm\"\n  - >-\n    Qua nắm"))
    out = text_of(build_yaml(tmp_path, "star", text))
    assert "Chú thích \\* sao; Qua nắm" in out


def test_line_break_inside_a_paragraph_continues_under_the_text(built_seeds):
    lines = text_of(built_seeds["001-vinh-linh-2023"].docx).splitlines()
    k = next(i for i, line in enumerate(lines) if line.startswith("Trích yếu"))
    assert lines[k] == "Trích yếu          │ V/v duy trì và nâng cao chất lượng"
    assert lines[k + 1] == "                   │ các tiêu chí trong xây dựng xã NTM"


def test_word_like_edits_are_read_as_a_reader_sees_them(built_seeds):
    original = built_seeds["001-vinh-linh-2023"].docx

    def edit(doc):
        split_runs_mid_word(doc)
        heading = paragraphs_with_style(doc, "CVDeMuc")[0]
        set_bold(heading, False)  # the heading's runs lose their bold
        body = paragraphs_with_style(doc, "CVNoiDung")
        set_size(body[2], 13)
        Paragraph(body[0], doc._body).insert_paragraph_before("Đoạn chèn thêm khi sửa trong Word.")

    edited = edit_docx(original, edit)
    before, after = text_of(original).splitlines(), text_of(edited).splitlines()
    # runs split inside words change nothing a reader sees
    assert len(after) == len(before) + 1
    assert "Nội dung           │ Đoạn chèn thêm khi sửa trong Word." in after
    assert "Đề mục             │ **1. Ủy ban nhân dân các xã**" in before
    assert "Đề mục             │ 1. Ủy ban nhân dân các xã" in after
    unchanged = [line for line in before if "1. Ủy ban nhân dân các xã" not in line]
    assert all(line in after for line in unchanged)  # the size change is not text


def test_split_runs_give_the_same_text_exactly(built_seeds):
    for name in ("000-lang-son-2018", "002-huu-lung-2024"):
        data = built_seeds[name].docx
        edited = edit_docx(data, split_runs_mid_word)
        runs_before = len(list(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").split(b"<w:r>")))
        runs_after = len(list(zipfile.ZipFile(io.BytesIO(edited)).read("word/document.xml").split(b"<w:r>")))
        assert runs_after > 2 * runs_before
        assert text_of(edited) == text_of(data)


def _rewrite_part(data: bytes, name: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.namelist():
            blob = source.read(item)
            target.writestr(item, change(blob) if item == name else blob)
    return out.getvalue()


def test_without_any_role_style_the_letter_is_recognised_by_place_and_text(built_seeds):
    for name, built in built_seeds.items():
        stripped = _rewrite_part(built.docx, "word/document.xml",
                                 lambda xml: re.sub(rb'<w:pStyle w:val="[^"]*"/>', b"", xml))
        assert b"CVNoiDung" not in zipfile.ZipFile(io.BytesIO(stripped)).read("word/document.xml")
        assert text_of(stripped) == text_of(built.docx), name


def test_word_renamed_style_ids_are_found_by_style_name(built_seeds):
    """Word may save custom styles under new ids; the role is then known by the style's name."""
    data = built_seeds["000-lang-son-2018"].docx

    def rename(xml: bytes) -> bytes:
        return re.sub(rb'"CV(\w+)"', rb'"Word\1"', xml)

    renamed = _rewrite_part(_rewrite_part(data, "word/document.xml", rename), "word/styles.xml", rename)
    assert b'"WordNoiDung"' in zipfile.ZipFile(io.BytesIO(renamed)).read("word/styles.xml")
    assert text_of(renamed) == text_of(data)


def test_a_plain_document_reads_as_paragraphs_in_order(tmp_path):
    from docx import Document

    doc = Document()
    doc.add_paragraph("Một đoạn thường.")
    p = doc.add_paragraph()
    p.add_run("Chữ ")
    p.add_run("đậm").bold = True
    p.add_run(" và ")
    p.add_run("nghiêng").italic = True
    doc.add_paragraph("")
    doc.add_heading("Tiêu đề", level=1)
    buf = io.BytesIO()
    doc.save(buf)
    lines = text_of(buf.getvalue()).splitlines()
    assert lines[0].endswith("│ Một đoạn thường.")
    assert lines[1].endswith("│ Chữ **đậm** và *nghiêng*")
    assert len(lines) == 3 and lines[2].endswith("│ **Tiêu đề**")  # Heading 1 is bold by its style


def test_bold_from_a_character_style_counts(tmp_path):
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE

    doc = Document()
    style = doc.styles.add_style("Nhan manh", WD_STYLE_TYPE.CHARACTER)
    style.font.bold = True
    p = doc.add_paragraph("Chữ ")
    p.add_run("nhấn", style="Nhan manh")
    buf = io.BytesIO()
    doc.save(buf)
    assert text_of(buf.getvalue()).splitlines()[0].endswith("│ Chữ **nhấn**")


def test_header_and_footer_text_is_read_but_page_numbers_are_not(tmp_path):
    text = seed_text("000-lang-son-2018") + 'dia_chi: "Số 1 đường Hùng Vương, TP Lạng Sơn; ĐT: 0205 3812 345"\n'
    lines = text_of(build_yaml(tmp_path, "address", text)).splitlines()
    assert lines[-1] == "Địa chỉ            │ Số 1 đường Hùng Vương, TP Lạng Sơn; ĐT: 0205 3812 345"
    assert not any(re.search(r"│ \d+$", line) for line in lines)


def test_cli_text_prints_utf8_and_reads_yaml_too(built_seeds, tmp_path):
    docx_path = tmp_path / "a.docx"
    docx_path.write_bytes(built_seeds["000-lang-son-2018"].docx)
    runner = CliRunner()
    from_docx = runner.invoke(main, ["text", str(docx_path)])
    from_yaml = runner.invoke(main, ["text", str(SEEDS / "000-lang-son-2018.yaml")])
    assert from_docx.exit_code == 0 and from_yaml.exit_code == 0
    assert from_docx.stdout_bytes == from_yaml.stdout_bytes
    assert "Người ký           │ **Lý Vinh Quang**".encode() in from_docx.stdout_bytes


@pytest.mark.parametrize("content, message", [
    (None, "không tìm thấy tệp"),
    (b"not a zip at all", "không phải tệp Word .docx"),
    (b"PK\x03\x04broken", "không"),
])
def test_cli_text_bad_input_exits_2_in_vietnamese(tmp_path, content, message):
    path = tmp_path / "bad.docx"
    if content is not None:
        path.write_bytes(content)
    result = CliRunner().invoke(main, ["text", str(path)])
    assert result.exit_code == 2
    assert message in result.output and "Lỗi" in result.output


def test_a_zip_that_is_not_a_word_document_exits_2(tmp_path):
    path = tmp_path / "book.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "xin chào")
    result = CliRunner().invoke(main, ["text", str(path)])
    assert result.exit_code == 2
    assert "không đọc được tệp .docx" in result.output


# --- as a git diff driver ---------------------------------------------------------------------


def _dispatch_command() -> str:
    exe = shutil.which("dispatch")
    if exe and Path(exe).parent == Path(sys.executable).parent:
        return "dispatch text"
    return f'"{sys.executable}" -m generator text'


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_diff_with_the_textconv_driver_shows_text(tmp_path, built_seeds):
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {"GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path), "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
           "LANG": "C.UTF-8"}

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, check=True)
        return done.stdout.decode("utf-8")

    git("init", "-q")
    git("config", "user.name", "Test")
    git("config", "user.email", "test@example.invalid")
    git("config", "diff.dispatch.textconv", _dispatch_command())
    (repo / ".gitattributes").write_text("*.docx diff=dispatch\n", "utf-8")
    letter = repo / "cong-van.docx"
    letter.write_bytes(built_seeds["001-vinh-linh-2023"].docx)
    git("add", ".")
    git("commit", "-q", "-m", "bản 1")
    text = variant((SEEDS / "001-vinh-linh-2023.yaml").read_text("utf-8"), ("ho_ten: Thái Văn Thành", "ho_ten: Thái Văn Thanh"))
    letter.write_bytes(build_yaml(tmp_path, "v2", text))
    diff = git("diff")
    assert "-Người ký           │ **Thái Văn Thành**" in diff
    assert "+Người ký           │ **Thái Văn Thanh**" in diff
    assert "Binary files" not in diff
    word = git("diff", "--word-diff=plain")
    assert "**Thái Văn [-Thành**-]{+Thanh**+}" in word
