"""Stage 3: fill the Word template with a ``Letter`` and return the DOCX bytes.

The template is compiled once (``engine.py``) and rendered with autoescaping on,
undefined variables as errors and a sandboxed Jinja environment (a template from
elsewhere cannot reach Python internals); only the templates dispatch ships, unchanged
(known by their digest), are rendered without the sandbox, with the same text.
Body paragraphs carry bold/italic spans: their runs are written with the run
properties the template gives the paragraph's tag (``{{r para.runs.doan }}`` …), so
a size or font a clerk sets on that tag in Word is what the letter gets.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import jinja2

from generator.render import sandbox as sandbox
from generator.write.docx_zip import normalize
from generator.render.context import RunChoice, context, run_prototypes  # noqa: F401  (RunChoice, run_prototypes: for tests)
from generator.render.engine import CompiledTemplate, Properties
from generator.exceptions import DispatchError, DocxReadError, Problem, TemplateError, display_path
from generator.ooxml.guard import check_docx
from generator.wording.letter import Letter

from generator.resources import TEMPLATES as TEMPLATE_DIR  # noqa: E402  (the package's templates/, see resources.py)
from generator.load.yaml_source import NOT_REGULAR, special_file
DEFAULT_TEMPLATE = TEMPLATE_DIR / "cong-van.docx"


def jinja_environment() -> jinja2.Environment:
    return sandbox.environment(autoescape=True)


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
        try:
            check_docx(path)
        except DocxReadError as err:
            raise TemplateError(Problem(f"tệp mẫu không dùng được: {err}", display_path(path))) from None
    return CompiledTemplate(path, jinja_environment())


def compiled_template(path: Path) -> CompiledTemplate:
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
    from docx import Document  # lazy: python-docx only for a letter with an annex or a part attached
    from generator.render.annex import append_annex  # lazy: as above

    doc = Document(io.BytesIO(data))
    append_annex(doc, annex)
    buf = io.BytesIO()
    doc.save(buf)
    return normalize(buf.getvalue())
