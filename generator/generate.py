"""The pipeline for one letter: input file -> validated dispatch -> letter -> DOCX bytes."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import assessment
from .annex import build_annex
from .assessment import Assessments
from .exceptions import InputError
from .loader import load_dispatch, validate
from .model import Dispatch
from .render import DEFAULT_TEMPLATE, render_docx
from .wording import Letter, build_letter


@dataclass(frozen=True)
class Built:
    dispatch: Dispatch
    letter: Letter
    docx: bytes
    assessments: Assessments | None = None

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.assessments.warnings if self.assessments else ()


def template_for(dispatch: Dispatch, input_path: Path, located) -> Path:
    """The Word template to use."""
    if not dispatch.template:
        return DEFAULT_TEMPLATE
    path = (input_path.parent / dispatch.template).resolve()
    if path.suffix.lower() != ".docx":
        raise InputError(located.problem(("mau",), "tệp mẫu phải là tệp Word .docx"))
    return path  # checked like any .docx from elsewhere when it is compiled (render.compiled)


def resolve_assessments(dispatch: Dispatch, input_path: Path, located) -> Assessments | None:
    found = None
    if dispatch.assessments is not None:
        found = assessment.resolve(dispatch.assessments, located, input_path.parent, dispatch.date.as_date())
    assessment.check_references(dispatch.body, found, located)
    if dispatch.annex is not None and found is None:
        raise InputError(located.problem(("phu_luc",), "phụ lục bảng tiêu chí cần có «danh_gia»"))
    return found


def render_dispatch(dispatch: Dispatch, found: Assessments | None, input_path: Path, located) -> tuple[Letter, bytes]:
    """Word, then render, one validated dispatch (its annex, if any, included)."""
    letter = build_letter(dispatch, found)
    annex = build_annex(dispatch, letter, found, located) if dispatch.annex is not None else None
    return letter, render_docx(letter, dispatch.date.as_date(), template_for(dispatch, input_path, located), annex)


def build_file(input_path: Path, data=None, located=None) -> Built:
    """Build the letter of ``input_path`` (``data``/``located``: the file already loaded)."""
    if data is None:
        dispatch, located = load_dispatch(input_path)
    else:
        dispatch = validate(data, located)
    found = resolve_assessments(dispatch, input_path, located)
    letter, docx = render_dispatch(dispatch, found, input_path, located)
    return Built(dispatch, letter, docx, found)


def default_output(input_path: Path, output: Path | None) -> Path:
    """``out/<input name>.docx``; ``-o`` names a file, or a folder (existing, or ending in /)."""
    name = input_path.stem + ".docx"
    if output is None:
        return Path("out") / name
    if output.is_dir() or str(output).endswith(("/", "\\")) or output.suffix.lower() != ".docx":
        return output / name
    return output
