"""A build with one of our own Word templates reads it with lxml alone: the styles and the run properties of
the ``{{r para.runs.KIND }}`` tags are what python-docx reads, a run switched to bold or italic is written as
python-docx wrote it, and the Jinja source docxtpl makes of the template (``render/patched.py``) is kept in the
user's cache, used only when it is whole and made by this docxtpl."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docxtpl import DocxTemplate
from lxml import etree

from generator.render import context, patched, sandbox
from generator.render.docx import jinja_environment
from generator.render.engine import CompiledTemplate

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = [ROOT / "templates" / "cong-van.docx", ROOT / "templates" / "van-ban.docx"]
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _env(folder: Path):
    return sandbox.environment(autoescape=True, bytecode_cache=sandbox.CodeCache(folder))


def _docxtpl_sources(path: Path) -> dict[str, str]:
    tpl = DocxTemplate(str(path))
    tpl.get_docx()
    parts = CompiledTemplate(path, jinja_environment()).parts
    return patched.patch(tpl, parts)


def _counting_docxtpl(monkeypatch) -> list[int]:
    opened = []
    original = patched.docx_template

    def counting(data):
        opened.append(1)
        return original(data)

    monkeypatch.setattr(patched, "docx_template", counting)
    return opened


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_a_second_compile_of_our_template_opens_no_docxtpl_and_gets_what_docxtpl_makes(path, tmp_path, monkeypatch):
    opened = _counting_docxtpl(monkeypatch)
    first = CompiledTemplate(path, _env(tmp_path / "jinja"))
    assert opened == [1]  # made once, and kept
    second = CompiledTemplate(path, _env(tmp_path / "jinja"))
    assert opened == [1]
    assert second.sources == first.sources == _docxtpl_sources(path)
    assert "{%p for para in paragraphs %}" not in second.sources["word/document.xml"]  # patched: {%p → {%
    assert "for para in paragraphs" in second.sources["word/document.xml"]


def _kept_sources(folder: Path) -> list[Path]:
    return [p for p in folder.glob("*.code") if b'"word/document.xml"' in p.read_bytes()]


def test_a_template_from_elsewhere_is_never_kept(tmp_path, monkeypatch):
    """An edited copy of ours is any other template: docxtpl opens it each time, nothing of it is kept."""
    foreign = tmp_path / "mau.docx"
    foreign.write_bytes(TEMPLATES[0].read_bytes() + b"\x00" * 4)  # the same parts (zip readers skip it), another digest
    opened = _counting_docxtpl(monkeypatch)
    for _ in range(2):
        template = CompiledTemplate(foreign, _env(tmp_path / "jinja"))
    assert opened == [1, 1]
    assert _kept_sources(tmp_path / "jinja") == []
    assert template.sources == _docxtpl_sources(TEMPLATES[0])


def _damage_kept(folder: Path, old: bytes, new: bytes) -> None:
    """Change ``old`` into ``new`` in the kept sources' entry (the JSON one), leaving its recorded digest."""
    entries = _kept_sources(folder)
    assert len(entries) == 1
    data = entries[0].read_bytes()
    assert old in data
    entries[0].write_bytes(data.replace(old, new, 1))


def test_a_damaged_kept_source_is_made_again(tmp_path, monkeypatch):
    """A kept entry whose bytes no longer match its digest (a disk fault, an edit) is not used: still valid JSON
    and a valid template, it would have printed «ĐÃ HỎNG» in the letter."""
    path = TEMPLATES[0]
    opened = _counting_docxtpl(monkeypatch)
    CompiledTemplate(path, _env(tmp_path / "jinja"))
    _damage_kept(tmp_path / "jinja", b"signer_name }}", "signer_name }}ĐÃ HỎNG".encode("utf-8"))
    again = CompiledTemplate(path, _env(tmp_path / "jinja"))
    assert opened == [1, 1]
    assert "ĐÃ HỎNG" not in again.sources["word/document.xml"]
    assert again.sources == _docxtpl_sources(path)


def test_another_docxtpl_makes_it_again(tmp_path, monkeypatch):
    """The entry is found by the source of what makes it: another docxtpl (here: another file of it stands for
    its ``template.py``) never reads what this one kept."""
    path = TEMPLATES[0]
    opened = _counting_docxtpl(monkeypatch)
    CompiledTemplate(path, _env(tmp_path / "jinja"))
    monkeypatch.setattr(patched, "_MAKERS", (("docxtpl", "__init__.py"), ("docx", "oxml/parser.py")))
    CompiledTemplate(path, _env(tmp_path / "jinja"))
    assert opened == [1, 1]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_our_templates_styles_and_run_properties_read_with_lxml_are_python_docxs(path, tmp_path):
    template = CompiledTemplate(path, _env(tmp_path / "jinja"))
    tpl = DocxTemplate(str(path))
    docx = tpl.get_docx()
    assert template.prototypes == context.run_prototypes(docx.element.body)
    assert etree.tostring(docx.styles.element) == etree.tostring(patched.parse(template.parts["word/styles.xml"]))


PROTOTYPES = [
    None,
    f'<w:rPr {W}><w:sz w:val="28"/></w:rPr>',
    f'<w:rPr {W}><w:rFonts w:ascii="Times New Roman"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>',
    f'<w:rPr {W}><w:rStyle w:val="X"/><w:b w:val="0"/><w:i w:val="false"/><w:sz w:val="26"/></w:rPr>',
    f'<w:rPr {W}><w:i/><w:lang w:val="vi-VN"/></w:rPr>',
    f'<w:rPr {W}><w:sz w:val="28"/><w:rFonts w:ascii="Arial"/><w:iCs/></w:rPr>',  # out of the schema's order
    f'<w:rPr {W}><w:bCs/><w:color w:val="FF0000"/></w:rPr>',
]


def _python_docx_rpr(prototype, bold, italic):
    """What render.context wrote with python-docx before (its ``get_or_add_b().val = True``)."""
    rpr = parse_xml(prototype) if prototype is not None else parse_xml(f"<w:rPr {nsdecls('w')}/>")
    if bold:
        rpr.get_or_add_b().val = True
    if italic:
        rpr.get_or_add_i().val = True
    return context._NS_DECL.sub("", etree.tostring(rpr, encoding="unicode"))


@pytest.mark.parametrize("prototype", PROTOTYPES)
@pytest.mark.parametrize("bold, italic", [(False, False), (True, False), (False, True), (True, True)])
def test_a_run_switched_to_bold_or_italic_is_written_as_python_docx_wrote_it(prototype, bold, italic):
    context._rpr.cache_clear()
    assert context._rpr(prototype, bold, italic) == _python_docx_rpr(prototype, bold, italic)


def test_bold_and_italic_go_in_the_schemas_order():
    context._rpr.cache_clear()
    assert context._rpr(None, True, True) == "<w:rPr><w:b/><w:i/></w:rPr>"
    assert context._rpr(PROTOTYPES[1], True, True) == '<w:rPr><w:b/><w:i/><w:sz w:val="28"/></w:rPr>'
    assert context._rpr(PROTOTYPES[3], True, True) == (
        '<w:rPr><w:rStyle w:val="X"/><w:b/><w:i/><w:sz w:val="26"/></w:rPr>')
    assert context._rpr(PROTOTYPES[5], True, False) == (
        '<w:rPr><w:sz w:val="28"/><w:rFonts w:ascii="Arial"/><w:b/><w:iCs/></w:rPr>')  # before iCs, b's first successor there
    assert context._rpr(PROTOTYPES[6], False, True) == '<w:rPr><w:bCs/><w:i/><w:color w:val="FF0000"/></w:rPr>'
