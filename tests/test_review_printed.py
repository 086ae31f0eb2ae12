"""``dispatch text`` and ``diff`` see every text that prints, and mark the text that does not.

Written from the side of someone who wants a change to slip past review: text put in a text
box (DrawingML ``wps:txbx``, VML ``v:textbox``, or both as Word writes them in
``mc:AlternateContent``), and hidden text (``w:vanish``) that Word does not print.
"""
from __future__ import annotations

import html.parser
import io

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn
from lxml import etree

from generator.cli import main
from generator.ooxml.read import read_docx
from review_helpers import accept_all, build_yaml, read, reject_all, seed_text, text_of

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = (
    f'xmlns:w="{W}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)
DEADLINE_OLD = "Hạn nộp báo cáo: trước ngày 15/12/2026."
DEADLINE_NEW = "Hạn nộp báo cáo: trước ngày 30/12/2026."


def _box_paragraph(text: str, rpr: str = "") -> str:
    return f"<w:p><w:r>{rpr}<w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


def drawingml(text: str, hidden: bool = False) -> str:
    """A floating DrawingML text box (what Word 2010+ writes inside mc:Choice)."""
    hide = ' hidden="1"' if hidden else ""
    return (
        '<w:drawing><wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" relativeHeight="1" '
        'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        '<wp:extent cx="2743200" cy="457200"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
        f'<wp:docPr id="901" name="Text Box 901"{hide}/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="2743200" cy="457200"/>'
        '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>'
        f'<wps:txbx><w:txbxContent>{_box_paragraph(text)}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>'
        '</a:graphicData></a:graphic></wp:anchor></w:drawing>'
    )


def vml(text: str) -> str:
    """A VML text box (Word 2003-2007, and the Fallback Word 2010+ writes beside the DrawingML one)."""
    return ('<w:pict><v:shape id="TextBox901" type="#_x0000_t202" style="position:absolute;margin-left:0;'
            'margin-top:0;width:216pt;height:36pt;z-index:1"><v:textbox><w:txbxContent>'
            f'{_box_paragraph(text)}</w:txbxContent></v:textbox></v:shape></w:pict>')


def alternate(choice: str, fallback: str) -> str:
    return (f'<mc:AlternateContent><mc:Choice Requires="wps">{drawingml(choice)}</mc:Choice>'
            f'<mc:Fallback>{vml(fallback)}</mc:Fallback></mc:AlternateContent>')


HIDDEN_RPR_PLACEHOLDER = "<!--hidden-run-->"
KINDS = {
    "drawingml": lambda text: drawingml(text),
    "vml": lambda text: vml(text),
    "alternate": lambda text: alternate(text, text),
}


def _save(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def with_run(letter: bytes, run_content: str, style: str = "CVNoiDung", index: int = 0) -> bytes:
    """``letter`` with a run holding ``run_content`` added at the end of the index-th paragraph of ``style``."""
    doc = Document(io.BytesIO(letter))
    target = [p for p in doc.element.body.iter(qn("w:p")) if p.style == style][index]
    run = etree.fromstring(f"<w:r {NS}>{run_content}</w:r>")
    target.append(run)
    return _save(doc)


@pytest.fixture(scope="module")
def letter(tmp_path_factory) -> bytes:
    return build_yaml(tmp_path_factory.mktemp("printed"), "thu", seed_text("000-lang-son-2018"))


def _cli(tmp_path, *args_and_files):
    args = []
    for item in args_and_files:
        if isinstance(item, tuple):
            name, data = item
            (tmp_path / name).write_bytes(data)
            args.append(str(tmp_path / name))
        else:
            args.append(item)
    return CliRunner().invoke(main, args)


# --- text boxes --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_text_in_a_text_box_is_shown_once_with_its_label(tmp_path, letter, kind):
    data = with_run(letter, KINDS[kind](DEADLINE_OLD))
    result = _cli(tmp_path, "text", ("hop.docx", data))
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "Hạn nộp báo cáo" in line]
    assert lines == ["Hộp văn bản        │ Hạn nộp báo cáo: trước ngày 15/12/2026."]
    # right after the paragraph it is anchored in, before the next body paragraph
    out = result.output.splitlines()
    at = out.index(lines[0])
    assert out[at - 1].startswith("Nội dung") and "Qua nắm tình hình thực tế" in out[at - 1]


@pytest.mark.parametrize("kind", list(KINDS))
def test_diff_sees_a_change_inside_a_text_box(tmp_path, letter, kind):
    old = with_run(letter, KINDS[kind](DEADLINE_OLD))
    new = with_run(letter, KINDS[kind](DEADLINE_NEW))
    html_path = tmp_path / "so-sanh.html"
    result = _cli(tmp_path, "diff", ("cu.docx", old), ("moi.docx", new), "--html", str(html_path),
                  "--redline", str(tmp_path / "rl.docx"))
    assert result.exit_code == 1, result.output
    assert "~ Hộp văn bản 1" in result.output
    assert "~ Hộp văn bản 1        │ Hạn nộp báo cáo: trước ngày [-15-]{+30+}/12/2026.\n" in result.output
    assert "Khác nhau: 1 đoạn được sửa." in result.output
    page = html_path.read_text("utf-8")
    assert "trước ngày <del>15</del>/12/2026." in page and "trước ngày <ins>30</ins>/12/2026." in page
    assert '<th scope="row">Hộp văn bản</th>' in page
    # the redline carries the same change: accept all gives NEW's text, reject all OLD's
    redlined = (tmp_path / "rl.docx").read_bytes()
    assert text_of(accept_all(redlined)) == text_of(new)
    assert text_of(reject_all(redlined)) == text_of(old)


def test_the_fallback_copy_is_not_read_as_more_text(tmp_path, letter):
    """Word shows the Choice; the VML Fallback is a copy for old readers, not a second text."""
    same = text_of(with_run(letter, alternate(DEADLINE_OLD, DEADLINE_OLD)))
    assert same.count("Hạn nộp báo cáo") == 1
    # a Fallback saying something else changes nothing a reader of Word sees
    other = with_run(letter, alternate(DEADLINE_OLD, DEADLINE_NEW))
    assert text_of(other) == same


def test_identical_letters_but_a_text_box_added_differ(tmp_path, letter):
    result = _cli(tmp_path, "diff", ("cu.docx", letter), ("moi.docx", with_run(letter, drawingml(DEADLINE_NEW))))
    assert result.exit_code == 1, result.output
    assert "+ Hộp văn bản 1" in result.output and "Hạn nộp báo cáo: trước ngày 30/12/2026." in result.output


def test_text_box_in_the_signature_table_and_in_a_box(tmp_path, letter):
    """A box anchored in a table cell, and a box inside a box, are read where they stand."""
    inner = drawingml("Chữ trong hộp lồng.")
    nested = drawingml("Hộp ngoài.").replace(
        "</w:txbxContent>", f"<w:p><w:r>{inner}</w:r></w:p></w:txbxContent>", 1)
    data = with_run(letter, nested, style="CVHoTen")
    text = text_of(data)
    lines = text.splitlines()
    name = next(k for k, line in enumerate(lines) if line.startswith("Người ký"))
    assert lines[name + 1:name + 3] == ["Hộp văn bản        │ Hộp ngoài.", "Hộp văn bản        │ Chữ trong hộp lồng."]


def test_text_box_in_the_footer_is_read(tmp_path, letter):
    doc = Document(io.BytesIO(letter))
    footer = doc.sections[0].footer
    p = footer._element.find(qn("w:p"))
    p.append(etree.fromstring(f"<w:r {NS}>{drawingml('DỰ THẢO - không phát hành')}</w:r>"))
    text = text_of(_save(doc))
    assert "Hộp văn bản        │ DỰ THẢO - không phát hành\n" in text


def test_a_text_box_in_a_hidden_shape_is_shown_as_not_printed(tmp_path, letter):
    text = text_of(with_run(letter, drawingml(DEADLINE_OLD, hidden=True)))
    assert "Hộp văn bản        │ «ẩn: Hạn nộp báo cáo: trước ngày 15/12/2026.»\n" in text


@pytest.mark.parametrize("run_content", [
    vml(DEADLINE_OLD).replace("z-index:1", "z-index:1;visibility:hidden"),
    HIDDEN_RPR_PLACEHOLDER + drawingml(DEADLINE_OLD),
], ids=["vml-visibility-hidden", "anchored-by-a-hidden-run"])
def test_other_hidden_text_boxes_are_shown_as_not_printed(tmp_path, letter, run_content):
    text = text_of(with_run(letter, run_content.replace(HIDDEN_RPR_PLACEHOLDER, "<w:rPr><w:vanish/></w:rPr>")))
    assert "Hộp văn bản        │ «ẩn: Hạn nộp báo cáo: trước ngày 15/12/2026.»\n" in text


def test_lint_reads_a_letter_with_text_boxes_without_failing(tmp_path, letter):
    data = with_run(letter, alternate(DEADLINE_OLD, DEADLINE_OLD))
    result = _cli(tmp_path, "lint", ("hop.docx", data))
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output and "Lỗi nội bộ" not in result.output
    (tmp_path / "l.docx").write_bytes(data)
    boxes = [p.text for p in read_docx(tmp_path / "l.docx").paragraphs if p.kind == "textbox"]
    assert boxes == [DEADLINE_OLD]  # once: the Fallback copy is not a second paragraph


# --- hidden text -------------------------------------------------------------------------------


HIDDEN = "<w:rPr><w:vanish/></w:rPr>"


def with_hidden(letter: bytes, text: str, style: str = "CVNoiDung", index: int = 0) -> bytes:
    return with_run(letter, f'{HIDDEN}<w:t xml:space="preserve"> {text}</w:t>', style, index)


def test_hidden_text_is_shown_marked_as_not_printed(tmp_path, letter):
    data = with_hidden(letter, "Xã được miễn báo cáo.")
    result = _cli(tmp_path, "text", ("an.docx", data))
    assert result.exit_code == 0
    line = next(line for line in result.output.splitlines() if "miễn báo cáo" in line)
    assert line.endswith("và các sở, ngành, cơ quan có liên quan: «ẩn: Xã được miễn báo cáo.»"), line


def test_hidden_through_a_character_style_counts(tmp_path, letter):
    doc = Document(io.BytesIO(with_run(letter, '<w:rPr><w:rStyle w:val="ChuAn"/></w:rPr><w:t>Ghi chú riêng.</w:t>')))
    styles = doc.styles.element
    styles.append(etree.fromstring(
        f'<w:style {NS} w:type="character" w:customStyle="1" w:styleId="ChuAn"><w:name w:val="Chu An"/>'
        '<w:rPr><w:vanish/></w:rPr></w:style>'))
    assert "«ẩn: Ghi chú riêng.»" in text_of(_save(doc))


def test_printed_text_cannot_pass_for_hidden_text(tmp_path, letter):
    data = with_run(letter, '<w:t xml:space="preserve"> «ẩn: chữ này được in ra»</w:t>')
    assert "\\«ẩn: chữ này được in ra»" in text_of(data)


def test_a_change_only_in_hidden_text_is_reported_as_such(tmp_path, letter):
    old = with_hidden(letter, "Xã được miễn báo cáo.")
    new = with_hidden(letter, "Xã phải báo cáo hằng tháng.")
    html_path = tmp_path / "an.html"
    result = _cli(tmp_path, "diff", ("cu.docx", old), ("moi.docx", new), "--html", str(html_path),
                  "--redline", str(tmp_path / "rl.docx"))
    assert result.exit_code == 1, result.output
    assert "(chỉ khác ở chữ ẩn, không in ra)" in result.output
    assert "[-«ẩn: được miễn»-]{+«ẩn: phải»+}" in result.output
    assert ("\nChữ in ra giống nhau; hai bản chỉ khác ở chữ ẩn (không in ra, Word chỉ hiện khi bật «Hiện mọi dấu»): "
            "1 đoạn được sửa.\n") in result.output
    page = html_path.read_text("utf-8")
    assert "chỉ khác ở chữ ẩn, không in ra" in page and 'class="an"' in page
    redlined = (tmp_path / "rl.docx").read_bytes()
    assert text_of(accept_all(redlined)) == text_of(new)
    assert text_of(reject_all(redlined)) == text_of(old)


def test_text_becoming_hidden_is_a_printed_change(tmp_path, letter):
    """Hiding a sentence removes it from the printed letter: not a "hidden only" change."""
    old = with_run(letter, '<w:t xml:space="preserve"> Hạn chót 15/12/2026.</w:t>')
    new = with_hidden(letter, "Hạn chót 15/12/2026.")
    result = _cli(tmp_path, "diff", ("cu.docx", old), ("moi.docx", new))
    assert result.exit_code == 1, result.output
    assert "(thành chữ ẩn, không in ra)" in result.output
    assert "chỉ khác ở chữ ẩn" not in result.output
    assert "Khác nhau: 1 đoạn được sửa (trong đó 1 đoạn có đổi định dạng chữ)." in result.output


def test_a_mixed_change_counts_the_hidden_only_paragraphs(tmp_path, letter):
    old = with_hidden(letter, "Ghi chú A.")
    new = with_hidden(with_run(letter, '<w:t xml:space="preserve"> Thêm câu in ra.</w:t>', index=1), "Ghi chú B.")
    result = _cli(tmp_path, "diff", ("cu.docx", old), ("moi.docx", new))
    assert result.exit_code == 1, result.output
    assert "Khác nhau: 2 đoạn được sửa (trong đó 1 đoạn chỉ khác ở chữ ẩn, không in ra)." in result.output


class _Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def test_html_marks_hidden_text(tmp_path, letter):
    old = with_hidden(letter, "Ghi chú A.")
    new = with_hidden(letter, "Ghi chú B.")
    _cli(tmp_path, "diff", ("cu.docx", old), ("moi.docx", new), "--html", str(tmp_path / "a.html"))
    page = (tmp_path / "a.html").read_text("utf-8")
    hidden = '<span class="an" title="chữ ẩn, không in ra"><span class="tag">ẩn:</span> {}</span>'
    assert f"có liên quan: {hidden.format('Ghi chú')} <del>{hidden.format('A')}</del>{hidden.format('.')}</td>" in page
    assert f"có liên quan: {hidden.format('Ghi chú')} <ins>{hidden.format('B')}</ins>{hidden.format('.')}</td>" in page
    parser = _Text()
    parser.feed(page)
    assert "chỉ khác ở chữ ẩn, không in ra" in "".join(parser.parts)
