"""``dispatch diff``: elements paired, words diffed, formatting compared; exit codes; HTML."""
from __future__ import annotations

import html.parser
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx.text.paragraph import Paragraph

from generator.cli import main
from generator.review.compare import CHANGED, DELETED, EQUAL, INSERTED, compare
from generator.review import terminal as review_terminal
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
    variant,
)

SEED = "001-vinh-linh-2023"
HEADING = "  - muc: \"3. Phòng Nông nghiệp và Phát triển nông thôn\""


def _compare(old: bytes, new: bytes):
    return compare(read(old).elements, read(new).elements, "cũ", "mới")


def _changed(comparison):
    return [c for c in comparison.changes if c.kind != EQUAL]


def _op_texts(change, kind):
    side = change.old if kind == "delete" else change.new
    rng = (lambda op: op.old) if kind == "delete" else (lambda op: op.new)
    return [side.text[slice(*rng(op))] for op in change.ops if op.kind == kind]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return build_yaml(tmp_path_factory.mktemp("base"), "base", seed_text(SEED))


def _with(tmp_path, *replacements) -> bytes:
    return build_yaml(tmp_path, "new", variant(seed_text(SEED), *replacements))


def test_same_letter_is_equal(base, built_seeds):
    comparison = _compare(built_seeds[SEED].docx, base)
    assert not comparison.different
    assert all(c.kind == EQUAL for c in comparison.changes)
    assert "giống nhau" in comparison.summary()


def test_word_inserted(base, tmp_path):
    new = _with(tmp_path, ("Tập trung khắc phục", "Tập trung quyết liệt khắc phục"))
    (change,) = _changed(_compare(base, new))
    assert change.kind == CHANGED and change.label == "Nội dung"
    assert [t.strip() for t in _op_texts(change, "insert")] == ["quyết liệt"]
    assert _op_texts(change, "delete") == []


def test_word_deleted(base, tmp_path):
    new = _with(tmp_path, ("Tập trung khắc phục tình trạng sụt giảm", "Tập trung khắc phục sụt giảm"))
    (change,) = _changed(_compare(base, new))
    assert [t.strip() for t in _op_texts(change, "delete")] == ["tình trạng"]
    assert _op_texts(change, "insert") == []


def test_word_replaced(base, tmp_path):
    new = _with(tmp_path, ("Tập trung khắc phục", "Khẩn trương khắc phục"))
    (change,) = _changed(_compare(base, new))
    assert _op_texts(change, "delete") == ["Tập trung"]
    assert _op_texts(change, "insert") == ["Khẩn trương"]
    out = review_terminal.render_change(change, color=False)
    assert "[-Tập trung-]{+Khẩn trương+} khắc phục" in out


def test_paragraph_added_and_removed(base, tmp_path):
    # a new paragraph before heading 3, and the dashed item "Quan tâm, quyết liệt…" gone
    text = variant(seed_text(SEED), (HEADING, "  - Đoạn hoàn toàn mới do người rà soát thêm.\n" + HEADING))
    lines = text.splitlines(keepends=True)
    k = next(i for i, line in enumerate(lines) if "Quan tâm, quyết liệt hơn nữa" in line) - 1
    assert lines[k].startswith("  - gach:")
    end = k + 1
    while end < len(lines) and lines[end].startswith("      "):
        end += 1
    new = build_yaml(tmp_path, "new2", "".join(lines[:k] + lines[end:]))
    changes = _changed(_compare(base, new))
    kinds = sorted((c.kind, c.label) for c in changes)
    assert kinds == [(DELETED, "Nội dung"), (INSERTED, "Nội dung")]
    inserted = next(c for c in changes if c.kind == INSERTED)
    deleted = next(c for c in changes if c.kind == DELETED)
    assert inserted.new.text == "Đoạn hoàn toàn mới do người rà soát thêm."
    assert deleted.old.text.startswith("- Quan tâm, quyết liệt hơn nữa")
    out = review_terminal.render(_compare(base, new))
    assert "+ Nội dung" in out and "- Nội dung" in out
    assert "1 đoạn thêm mới, 1 đoạn bị xoá" in out


def test_bold_lost(base, tmp_path):
    new = _with(tmp_path, ("**trước 28/9/2023**", "trước 28/9/2023"))
    (change,) = _changed(_compare(base, new))
    formats = [op for op in change.ops if op.kind == "format"]
    assert len(formats) == 1 and formats[0].note == "bỏ đậm"
    assert change.new.text[slice(*formats[0].new)] == "trước 28/9/2023"
    assert change.format_only
    assert "{~trước 28/9/2023~}(bỏ đậm)" in review_terminal.render_change(change, color=False)


def test_size_changed_on_a_paragraph(base):
    def edit(doc):
        set_size(paragraphs_with_style(doc, "CVNoiDung")[1], 13)

    (change,) = _changed(_compare(base, edit_docx(base, edit)))
    (op,) = [op for op in change.ops if op.kind == "format"]
    assert op.note == "cỡ chữ 14 → 13"
    assert op.new == (0, len(change.new.text))  # the whole paragraph, one span
    assert change.format_only


def test_word_edits_split_runs_changed_nothing_but_what_was_changed(base):
    """Runs split mid-word, a heading's bold removed, a paragraph inserted, a size changed."""

    def edit(doc):
        split_runs_mid_word(doc)
        set_bold(paragraphs_with_style(doc, "CVDeMuc")[0], False)
        body = paragraphs_with_style(doc, "CVNoiDung")
        set_size(body[3], 12)
        Paragraph(body[0], doc._body).insert_paragraph_before("Đoạn chèn khi sửa trong Word.")

    changes = _changed(_compare(base, edit_docx(base, edit)))
    summary = sorted((c.kind, c.label, tuple(op.note for op in c.ops if op.kind == "format")) for c in changes)
    assert summary == [
        (CHANGED, "Nội dung", ("cỡ chữ 14 → 12",)),
        (CHANGED, "Đề mục", ("bỏ đậm",)),
        (INSERTED, "Nội dung", ()),
    ]


def test_letterhead_and_signature_changes_are_paired_by_label(base, tmp_path):
    new = _with(tmp_path, ("ho_ten: Thái Văn Thành", "ho_ten: Thái Văn Thanh"), ("dia_danh: Vĩnh Linh", "dia_danh: Vĩnh Linh, Quảng Trị"))
    changes = _changed(_compare(base, new))
    assert sorted(c.label for c in changes) == ["Người ký", "Địa danh, ngày"]
    assert all(c.kind == CHANGED for c in changes)


def test_a_style_change_is_reported(base):
    def edit(doc):
        p = paragraphs_with_style(doc, "CVNoiDung")[2]
        p.get_or_add_pPr().style = "CVDeMuc"

    (change,) = _changed(_compare(base, edit_docx(base, edit)))
    assert change.relabelled and (change.old.label, change.new.label) == ("Nội dung", "Đề mục")
    assert "đổi loại đoạn: Nội dung → Đề mục" in review_terminal.render_change(change, color=False)


# --- the command --------------------------------------------------------------------------------


def test_cli_exit_0_when_equal_yaml_against_its_docx(tmp_path, built_seeds):
    docx = tmp_path / "a.docx"
    docx.write_bytes(built_seeds[SEED].docx)
    result = CliRunner().invoke(main, ["diff", str(SEEDS / f"{SEED}.yaml"), str(docx)])
    assert result.exit_code == 0, result.output
    assert "Hai bản giống nhau" in result.output


def test_cli_exit_1_when_different_plain_without_a_terminal(tmp_path):
    old = tmp_path / "old.yaml"
    new = tmp_path / "new.yaml"
    old.write_text(seed_text(SEED), "utf-8")
    new.write_text(variant(seed_text(SEED), ("Tập trung khắc phục", "Khẩn trương khắc phục")), "utf-8")
    result = CliRunner().invoke(main, ["diff", str(old), str(new)])
    assert result.exit_code == 1
    assert "\x1b[" not in result.output
    assert "[-Tập trung-]{+Khẩn trương+}" in result.output
    assert "Khác nhau: 1 đoạn được sửa." in result.output
    again = CliRunner().invoke(main, ["diff", str(old), str(new), "--no-color"])
    assert again.exit_code == 1 and again.output == result.output


def test_colour_on_request_only(base, tmp_path):
    new = _with(tmp_path, ("Tập trung khắc phục", "Khẩn trương khắc phục"))
    comparison = _compare(base, new)
    coloured = review_terminal.render(comparison, color=True)
    plain = review_terminal.render(comparison, color=False)
    assert "\x1b[31m" in coloured and "\x1b[32m" in coloured and "\x1b[9m" in coloured  # red, green, struck
    assert "\x1b[" not in plain
    import click

    assert click.unstyle(coloured) == plain


@pytest.mark.parametrize("make, message", [
    (lambda p: None, "không tìm thấy tệp"),
    (lambda p: p.write_bytes(b"plain text"), "không phải tệp Word .docx"),
    (lambda p: p.write_text("so: [", "utf-8"), "YAML không hợp lệ"),
])
def test_cli_exit_2_on_bad_input(tmp_path, make, message):
    good = tmp_path / "good.yaml"
    good.write_text(seed_text(SEED), "utf-8")
    suffix = ".yaml" if "YAML" in message else ".docx"
    bad = tmp_path / f"bad{suffix}"
    make(bad)
    for args in ([str(good), str(bad)], [str(bad), str(good)]):
        result = CliRunner().invoke(main, ["diff", *args])
        assert result.exit_code == 2, result.output
        assert message in result.output


def test_cli_refuses_to_write_over_an_input(tmp_path, built_seeds):
    old = tmp_path / "old.docx"
    old.write_bytes(built_seeds[SEED].docx)
    new = tmp_path / "new.yaml"
    new.write_text(seed_text(SEED), "utf-8")
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--redline", str(old)])
    assert result.exit_code == 2
    assert "trùng với một tệp đầu vào" in result.output
    assert old.read_bytes() == built_seeds[SEED].docx


# --- HTML ----------------------------------------------------------------------------------------


class _Checker(html.parser.HTMLParser):
    VOID = {"meta", "br", "col", "link"}

    def __init__(self):
        super().__init__()
        self.stack, self.tags, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}> after {self.stack[-3:]}"
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def test_html_side_by_side_is_self_contained_escaped_and_vietnamese(tmp_path):
    old_text = variant(seed_text(SEED), ("**trước 28/9/2023**", "trước 28/9/2023"))
    new_text = variant(
        seed_text(SEED),
        ("Tập trung khắc phục", "Khẩn trương <b>khắc</b> & phục"),
        (HEADING, "  - \"Đoạn mới <script>alert(1)</script>\"\n" + HEADING),
    )
    (tmp_path / "old.yaml").write_text(old_text, "utf-8")
    (tmp_path / "new.yaml").write_text(new_text, "utf-8")
    out = tmp_path / "so-sanh.html"
    result = CliRunner().invoke(main, ["diff", str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml"), "--html", str(out)])
    assert result.exit_code == 1, result.output
    page = out.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="vi">' in page and '<meta charset="utf-8">' in page
    assert "<script" not in page and "&lt;script&gt;" in page
    assert "<del>Tập trung" in page and "<ins>Khẩn trương &lt;b&gt;</ins>" in page and "&amp;</ins>" in page
    assert "(thêm đậm)" in page  # the old side had lost the bold: the new one has it
    assert "Bản cũ" in page and "Bản mới" in page and "Phần" in page
    assert "http" not in page.replace("http-equiv", "")  # no outside resources
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert checker.stack == []
    assert {"table", "del", "ins", "strong"} <= set(checker.tags)


def test_outputs_are_written_atomically(tmp_path, monkeypatch):
    """A failure while writing leaves no half file behind."""
    from generator.write import output as output

    (tmp_path / "old.yaml").write_text(seed_text(SEED), "utf-8")
    (tmp_path / "new.yaml").write_text(variant(seed_text(SEED), ("Tập trung", "Khẩn trương")), "utf-8")
    target = tmp_path / "d.html"
    real_replace = output.os.replace

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "replace", boom)
    result = CliRunner().invoke(main, ["diff", str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml"), "--html", str(target)])
    monkeypatch.setattr(output.os, "replace", real_replace)
    assert result.exit_code == 4
    assert "không ghi được tệp" in result.output
    assert list(Path(tmp_path).glob("*.html")) == [] and list(Path(tmp_path).glob(".d.html*")) == []
