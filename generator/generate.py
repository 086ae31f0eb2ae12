"""The pipeline for one letter: input file -> validated dispatch -> letter -> DOCX bytes."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .exceptions import InputError
from .loader import load_dispatch
from .model import Dispatch
from .render import DEFAULT_TEMPLATE, render_docx
from .wording import Letter, build_letter


@dataclass(frozen=True)
class Built:
    dispatch: Dispatch
    letter: Letter
    docx: bytes


def template_for(dispatch: Dispatch, input_path: Path, located) -> Path:
    if not dispatch.template:
        return DEFAULT_TEMPLATE
    path = (input_path.parent / dispatch.template).resolve()
    if path.suffix.lower() != ".docx":
        raise InputError(located.problem(("mau",), "tệp mẫu phải là tệp Word .docx"))
    return path


def build_file(input_path: Path) -> Built:
    dispatch, located = load_dispatch(input_path)
    letter = build_letter(dispatch)
    docx = render_docx(letter, dispatch.date.as_date(), template_for(dispatch, input_path, located))
    return Built(dispatch, letter, docx)


def default_output(input_path: Path, output: Path | None) -> Path:
    """``out/<input name>.docx``; ``-o`` names a file, or a folder (existing, or ending in /)."""
    name = input_path.stem + ".docx"
    if output is None:
        return Path("out") / name
    if output.is_dir() or str(output).endswith(("/", "\\")) or output.suffix.lower() != ".docx":
        return output / name
    return output
