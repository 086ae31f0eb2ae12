"""Stage 3: fill the Word template with a ``Letter`` and return the DOCX bytes.

The template is compiled once (``engine.py``) and rendered with autoescaping on,
undefined variables as errors and a sandboxed Jinja environment (a template from
elsewhere cannot reach Python internals).
Body paragraphs carry bold/italic spans: their runs are written with the run
properties the template gives the paragraph's tag (``{{r para.runs.doan }}`` …), so
a size or font a clerk sets on that tag in Word is what the letter gets.
"""
from __future__ import annotations

import copy
import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import fields
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

import jinja2
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docxtpl import DocxTemplate
from lxml import etree
from markupsafe import Markup

from generator.render import sandbox as sandbox
from generator.render.annex import append_annex
from generator.write.docx_zip import normalize
from generator.render.engine import CompiledTemplate, Properties
from generator.exceptions import DispatchError, Problem, TemplateError, display_path
from generator.wording.inline import Span
from generator.wording.letter import Letter

from generator.resources import TEMPLATES as TEMPLATE_DIR  # noqa: E402  (the package's templates/, see resources.py)
DEFAULT_TEMPLATE = TEMPLATE_DIR / "cong-van.docx"

_RUNS_TAG = re.compile(r"\{\{r\s*para\.runs\.(\w+)\s*\}\}")
_NS_DECL = re.compile(r'\s+xmlns:\w+="[^"]*"')


def jinja_environment() -> jinja2.Environment:
    return sandbox.environment(autoescape=True)


class RunChoice(Mapping):
    """``para.runs.<kind>`` in the template: the paragraph's spans as ``<w:r>`` XML, with the run
    properties of the tag ``{{r para.runs.<kind> }}`` plus each span's bold/italic.

    What a template reaches here is plain: the mapping's keys are strings and its values are
    ``Markup`` strings (already-escaped XML). It holds no live XML object: the run properties
    are kept as text (``run_prototypes``), so no method of lxml is reachable from a template.
    """

    __slots__ = ("_spans", "_prototypes")

    def __init__(self, spans: tuple[Span, ...], prototypes: dict[str, str | None]):
        self._spans = spans
        self._prototypes = prototypes

    def __getitem__(self, kind: str) -> Markup:
        if kind not in self._prototypes:
            raise KeyError(kind)
        prototype = self._prototypes[kind]
        return Markup("".join(
            f'<w:r>{_rpr(prototype, s.bold, s.italic)}<w:t xml:space="preserve">{escape(s.text)}</w:t></w:r>'
            for s in self._spans
        ))

    def __iter__(self):
        return iter(self._prototypes)

    def __len__(self) -> int:
        return len(self._prototypes)


@lru_cache(maxsize=256)
def _rpr(prototype: str | None, bold: bool, italic: bool) -> str:
    """The prototype's run properties (XML text) with bold/italic switched on (in schema order)."""
    rpr = parse_xml(prototype) if prototype is not None else parse_xml(f"<w:rPr {nsdecls('w')}/>")
    if bold:
        rpr.get_or_add_b().val = True
    if italic:
        rpr.get_or_add_i().val = True
    return _NS_DECL.sub("", etree.tostring(rpr, encoding="unicode"))


def run_prototypes(tpl: DocxTemplate) -> dict[str, str | None]:
    """For each ``{{r para.runs.KIND }}`` tag, the run properties of the run that holds it, as XML text
    (with its namespace declaration, so that it parses on its own)."""
    prototypes: dict[str, str | None] = {}
    body = tpl.get_docx().element.body
    for p in body.iter(qn("w:p")):
        text = "".join(t.text or "" for t in p.iter(qn("w:t")))
        match = _RUNS_TAG.search(text)
        if not match:
            continue
        for r in p.iter(qn("w:r")):
            if "{" in "".join(t.text or "" for t in r.iter(qn("w:t"))):
                rpr = r.find(qn("w:rPr"))
                prototypes[match.group(1)] = (
                    etree.tostring(copy.deepcopy(rpr), encoding="unicode") if rpr is not None else None)
                break
    return prototypes


def context(letter: Letter, prototypes: dict[str, str | None]) -> dict:
    """What the Word template sees of a letter: strings, numbers, lists and dicts of them, and
    ``RunChoice`` (strings only). A test walks it and fails on anything else."""
    data = {f.name: getattr(letter, f.name) for f in fields(letter) if f.name != "paragraphs"}
    data["paragraphs"] = [
        {"kind": p.kind, "text": p.text, "runs": RunChoice(p.spans, prototypes)} for p in letter.paragraphs
    ]
    return data


def _template_problem(path: Path, exc: Exception) -> TemplateError:
    shown = display_path(path)
    if isinstance(exc, jinja2.UndefinedError):
        name = re.search(r"'([^']+)' is undefined", str(exc))
        what = f"biến «{name.group(1)}»" if name else "một biến"
        return TemplateError(Problem(f"mẫu dùng {what} mà công văn không có; hãy sửa thẻ trong mẫu", shown))
    if isinstance(exc, jinja2.TemplateSyntaxError):
        around = " / ".join(x.strip() for x in getattr(exc, "docx_context", []) if x.strip())[:300]
        return TemplateError(Problem(f"thẻ trong mẫu viết sai ({exc.message}); quanh đoạn: {around}", shown))
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return TemplateError(Problem(f"mẫu chứa thẻ không an toàn nên bị từ chối ({exc})", shown))
    if isinstance(exc, sandbox.RenderTimeout):
        return TemplateError(Problem(f"mẫu dựng quá {sandbox.RENDER_SECONDS:g} giây (vòng lặp trong mẫu không dừng?) "
                                     "nên bị dừng", shown))
    return TemplateError(Problem(f"không dựng được công văn từ mẫu ({exc})", shown))


@lru_cache(maxsize=8)
def compiled(path: Path, stamp: tuple) -> CompiledTemplate:
    """The compiled template at ``path``; ``stamp`` (size, mtime) makes an edited template recompile.

    A template other than ours (``mau:``) is a .docx from elsewhere: checked like one (zip bomb,
    DOCTYPE/XXE, not a zip) before it is opened.
    """
    if path != DEFAULT_TEMPLATE.resolve():
        from generator.ooxml.guard import DocxReadError, check_docx

        try:
            check_docx(path)
        except DocxReadError as err:
            raise TemplateError(Problem(f"tệp mẫu không dùng được: {err}", display_path(path))) from None
    return CompiledTemplate(path, jinja_environment())


def compiled_template(path: Path) -> CompiledTemplate:
    from generator.load.yaml_source import NOT_REGULAR, special_file

    try:
        stat = path.stat()
    except FileNotFoundError:
        raise TemplateError(Problem("không tìm thấy tệp mẫu", display_path(path))) from None
    if special_file(stat.st_mode):  # a FIFO would hang the reading
        raise TemplateError(Problem(NOT_REGULAR, display_path(path)))
    return compiled(path.resolve(), (stat.st_size, stat.st_mtime_ns))


@contextmanager
def template_faults(path: Path):
    """What a template makes go wrong while rendering is a TemplateError (exit 3), never a crash.

    The sandbox stops a template reaching Python internals (SecurityError), but a template can
    still ask for what fails in other ways: ``range(10**7)`` (OverflowError), ``{% include %}``
    with no loader (TypeError), ``1/0``. For our own template such an error is a bug of ours
    and goes on to exit code 70.
    """
    try:
        yield
    except DispatchError:
        raise
    except (jinja2.TemplateError, sandbox.RenderTimeout) as exc:
        raise _template_problem(path, exc) from None
    except Exception as exc:
        if path == DEFAULT_TEMPLATE:
            raise
        raise TemplateError(Problem(f"mẫu không dựng được công văn: một thẻ trong mẫu gây lỗi ({type(exc).__name__}: "
                                    f"{str(exc)[:200]}); hãy sửa thẻ trong mẫu", display_path(path))) from None


def render_docx(letter: Letter, date: dt.date, template_path: Path = DEFAULT_TEMPLATE, annex=None) -> bytes:
    template = compiled_template(template_path)
    with template_faults(template_path):
        data = template.render(context(letter, template.prototypes), Properties(letter.title, letter.author, date))
    if annex is None:
        return data
    doc = Document(io.BytesIO(data))
    append_annex(doc, annex)
    buf = io.BytesIO()
    doc.save(buf)
    return normalize(buf.getvalue())
