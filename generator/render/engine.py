"""Compile a Word template once, render many letters from it.

docxtpl re-reads the template and recompiles its Jinja for every letter (its issue
#110; ../shared/reference/peers.md measured half the time going to compilation).
Here the template is read once: docxtpl's own ``patch_xml`` turns the tags Word
may have split into plain Jinja, each templated part (the body, headers, footers)
is compiled once, and the other parts are kept as bytes. For one of our own templates the
patched source is kept in the user's cache (``patched.py``) and its styles and run properties
are read with lxml: a build with it loads neither docxtpl nor python-docx. A letter is then: render
the parts, let docxtpl's ``resolve_listing`` handle line breaks, parse the result
strictly (a template that would give broken XML fails loudly instead of losing
text), apply the measured geometry, and zip with fixed dates and order.

A template that cannot hold the letter is refused (exit code 3) when it is compiled: its main
part is not ``word/document.xml``, or its body never uses the paragraphs or the signer's name
(a blank Word file, a deleted body loop), which gave an empty letter.

The single-letter path and the bulk path both use this, so one input gives the
same bytes whichever way it is built.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2
import jinja2.meta
from lxml import etree

from generator.geometry import measure as geometry
from generator.ooxml.guard import main_part
from generator.render.blocks import BlockMemo
from generator.render.context import escape, run_prototypes
from generator.render import patched, sandbox
from generator.render.sandbox import time_limit
from generator.write.docx_zip import write_zip
from generator.exceptions import Problem, TemplateError, display_path

_BODY = re.compile(r"<w:body[ >].*</w:body>", re.S)
_STRICT = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)

CORE_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>{title}</dc:title><dc:subject>Công văn</dc:subject><dc:creator>{author}</dc:creator>"
    "<cp:keywords/><dc:description/><cp:lastModifiedBy>{author}</cp:lastModifiedBy><cp:revision>1</cp:revision>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">{date}</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">{date}</dcterms:modified>'
    "<cp:category>Công văn</cp:category><dc:language>vi-VN</dc:language></cp:coreProperties>"
)


@dataclass(frozen=True)
class Properties:
    """Document properties, from the input and never from the clock."""

    title: str
    author: str
    date: dt.date

    def xml(self) -> bytes:
        """``CORE_XML`` filled in; what follows the title (the author, the date) made once per campaign."""
        return _BEFORE_TITLE + escape(self.title).encode("utf-8") + _after_title(self.author, self.date)


_HEAD, _TAIL = CORE_XML.split("{title}")  # the title is what differs from one letter of a campaign to the next
_BEFORE_TITLE = _HEAD.encode("utf-8")


@lru_cache(maxsize=16)
def _after_title(author: str, date: dt.date) -> bytes:
    return _TAIL.format(author=escape(author), date=f"{date:%Y-%m-%d}T00:00:00Z").encode("utf-8")


_LITERAL_ESCAPES = {"{_{": "{{ '{{' }}", "}_}": "{{ '}}' }}", "{_%": "{{ '{%' }}", "%_}": "{{ '%}' }}"}


def _source(patched_xml: str) -> str:
    """The Jinja source of a part: docxtpl's escapes for a literal ``{{`` in the *template* become
    Jinja literals here, so that they are never applied to the rendered text (docxtpl replaces them
    after rendering, which changed a value typed ``{_{`` into ``{{``)."""
    for escape_, literal in _LITERAL_ESCAPES.items():
        patched_xml = patched_xml.replace(escape_, literal)
    return patched_xml  # docxtpl also breaks the line before each paragraph, for its error context: not used here


def _listing_in(xml: str) -> bool:
    """Whether a value put a tab, a line or page break or a new paragraph into ``xml`` (docxtpl's listing): four
    ``in`` tests (a regex search over Vietnamese text is 20x slower; ``any`` over them adds a generator)."""
    return "\t" in xml or "\n" in xml or "\a" in xml or "\f" in xml


_EMPTY_TEXT = ('<w:t xml:space="preserve"></w:t>', '<w:t xml:space="preserve"/>')


def _written(source: str) -> str:
    """Our own template's source with the empty text elements docxtpl leaves beside each ``{{r …}}`` tag
    written as lxml writes them (``<w:t xml:space="preserve"/>``): the whole pass gives the same bytes either
    way, and the block memo (``blocks.py``) no longer rewrites two of them in every paragraph of every letter.
    Our templates hold no Jinja string with this text (tests/test_block_memo.py)."""
    return source.replace(*_EMPTY_TEXT)


def _check_main_part(main: str, parts: dict[str, bytes], shown: str) -> None:
    """The letter is written into ``word/document.xml``, where Word always saves the main part; a file
    from another tool may name it otherwise in ``_rels/.rels``: refused (exit code 3), never a crash."""
    if main != "word/document.xml" or main not in parts:
        raise TemplateError(Problem(f"phần chính của mẫu là «{main}», không phải «word/document.xml» như Word vẫn lưu "
                                    "(tệp do công cụ khác tạo?); hãy mở mẫu trong Word rồi lưu lại dạng .docx", shown))


# What a template must print for the letter to be the letter: without them a blank Word file, or a template
# whose body loop was deleted, gave an empty letter and exit code 0.
REQUIRED_TAGS = {
    "paragraphs": "nội dung công văn ({%p for para in paragraphs %} … {%p endfor %})",
    "signer_name": "họ tên người ký ({{ signer_name }})",
}


def _check_holds_letter(ast: jinja2.nodes.Template, shown: str) -> None:
    """The body of the template uses every variable of ``REQUIRED_TAGS``, or a TemplateError (exit code 3)."""
    used = jinja2.meta.find_undeclared_variables(ast)
    missing = [what for name, what in REQUIRED_TAGS.items() if name not in used]
    if missing:
        raise TemplateError(Problem("mẫu không có chỗ cho " + " và ".join(missing) + "; công văn dựng từ mẫu này sẽ "
                                    "thiếu phần đó. Hãy thêm thẻ vào mẫu (xem templates/cong-van.docx)", shown))


@lru_cache(maxsize=1)
def plain_environment() -> jinja2.Environment:
    """The Word template's environment without the sandbox, for a template dispatch ships unchanged
    (``sandbox.shipped``): the options of ``render/docx.jinja_environment`` (autoescape, undefined names
    an error, compiled code kept), the same text. Every other template is rendered in the sandbox."""
    return sandbox.Plain(autoescape=True, undefined=jinja2.StrictUndefined, bytecode_cache=sandbox.CodeCache())


class CompiledTemplate:
    """A Word template read and compiled once."""

    def __init__(self, path: Path, env: jinja2.Environment):
        self.path = Path(path)
        shown = display_path(self.path)
        self._tpl = None  # docxtpl's template: for one from elsewhere, or once a value needs its listing
        try:
            data = self.path.read_bytes()  # read once: the parts, and the digest that says whether it is ours
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                self.parts = {name: z.read(name) for name in z.namelist()}
                main = main_part(z)
            ours = sandbox.shipped(data)
            if not ours:  # python-docx finds the parts of a template from elsewhere as Word would
                self._tpl = patched.docx_template(data)  # the very bytes whose digest is taken, not a second read
        except FileNotFoundError:
            raise TemplateError(Problem("không tìm thấy tệp mẫu", shown)) from None
        except Exception as exc:  # python-docx raises several kinds for a file that is not a DOCX
            raise TemplateError(Problem(f"tệp mẫu không phải DOCX đọc được ({type(exc).__name__})", shown)) from None
        _check_main_part(main, self.parts, shown)
        if ours:  # its parts are where scripts/build_template.py puts them: read with lxml, as python-docx would
            self.styles = geometry.StyleTable(patched.parse(self.parts["word/styles.xml"]))
            body = patched.parse(self.parts["word/document.xml"]).find(patched.W_BODY)
            cache = env.bytecode_cache if isinstance(env.bytecode_cache, sandbox.CodeCache) else None
            self.sources = patched.kept(cache, data)
            if self.sources is None:  # first build after installing (or after docxtpl changed): made and kept
                self.sources = patched.patch(patched.docx_template(data), self.parts)
                patched.keep(cache, data, self.sources)
        else:
            docx = self._tpl.get_docx()
            self.styles = geometry.StyleTable(docx.styles.element)
            body = docx.element.body
            self.sources = patched.patch(self._tpl, self.parts)
        self.prototypes = run_prototypes(body)
        document = self.parts["word/document.xml"].decode("utf-8")
        self._head, self._tail = _BODY.sub("\x00", document).split("\x00")
        self._last_parts: dict[str, tuple[str, bytes]] = {}  # each header or footer as the last letter had it
        self._memo = BlockMemo(self._head, self._tail, _STRICT, self._listed, ours)
        self._templates: dict[str, jinja2.Template] = {}
        self._constant: frozenset[str] = frozenset()
        if ours:  # ours, unchanged: our own code, rendered without the sandbox's checks (same text)
            env = plain_environment()
        try:
            if not ours:  # ours hold the letter (tests/test_template.py): no parse for it each run
                _check_holds_letter(env.parse(_source(self.sources["word/document.xml"])), shown)
            for name, xml in self.sources.items():  # compiled code kept (sandbox.CodeCache)
                self._templates[name] = sandbox.from_string(env, _written(_source(xml)) if ours else _source(xml))
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(Problem(f"thẻ trong mẫu viết sai ({exc.message})", shown)) from None
        self._constant = frozenset(self.parts) - set(self._templates) - {"docProps/core.xml"}

    def _render_raw(self, name: str, context: dict) -> str:
        with time_limit():
            return self._templates[name].render(context)

    def _render_part(self, name: str, context: dict) -> str:
        return self._listed(self._render_raw(name, context))

    def _listed(self, xml: str) -> str:
        """A value's line break, tab, new paragraph or page break made Word's (docxtpl's listing)."""
        if not _listing_in(xml):
            return xml
        if self._tpl is None:
            from docxtpl import DocxTemplate  # lazy: docxtpl only for a value with a tab, line or page break

            self._tpl = DocxTemplate(None)  # never opened: resolve_listing reads nothing of the template
        return self._tpl.resolve_listing(xml)

    def _whole(self, raw: str) -> bytes:
        """The body Jinja wrote, the whole way: listing, strict parse, geometry, serialisation (the first letter
        of the block memo's, and every letter it cannot take, ``blocks.py``)."""
        body = self._listed(raw)
        try:
            document = etree.fromstring((self._head + body + self._tail).encode("utf-8"), _STRICT)
        except etree.XMLSyntaxError as exc:
            raise TemplateError(Problem(f"mẫu sinh ra XML hỏng ({exc.msg})", display_path(self.path))) from None
        before = self._memo.paragraphs(document) if self._memo.wanted else None
        geometry.apply(document, self.styles)
        done = etree.tostring(document, encoding="UTF-8", standalone=True)
        if before is not None:
            self._memo.remember(raw, document, before, done)
        return done

    def render(self, context: dict, props: Properties) -> bytes:
        """One letter as DOCX bytes (deterministic)."""
        return self.zip(self.render_parts(context, props))

    def zip(self, parts: dict[str, bytes]) -> bytes:
        return write_zip(parts, self._constant)

    def render_parts(self, context: dict, props: Properties) -> dict[str, bytes]:
        """Every part of one letter: the template's own, and the rendered ones."""
        raw = self._render_raw("word/document.xml", context)
        parts = dict(self.parts)
        parts["word/document.xml"] = self._memo.take(raw) or self._whole(raw)
        for name in self._templates:
            if name != "word/document.xml":
                xml = self._render_part(name, context)
                last = self._last_parts.get(name)
                if last is None or last[0] != xml:  # a campaign's header is the same in every letter: checked once
                    etree.fromstring(xml.encode("utf-8"), _STRICT)  # well-formed or a clear error
                    last = self._last_parts[name] = (
                        xml, ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n" + xml).encode("utf-8"))
                parts[name] = last[1]
        parts["docProps/core.xml"] = props.xml()
        return parts
