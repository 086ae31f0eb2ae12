"""Stage 2 of the pipeline (model): validate what stage 1 read into a ``Dispatch`` (``load_dispatch`` does both).

Pydantic's errors are turned into Vietnamese messages that name the file, the line
and the field the user wrote (``model/base.py``, ``validation_problems``).
"""
from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from generator.exceptions import InputError, Located, Problem
from generator.load.yaml_source import load_yaml
from generator.model.base import validation_problems
from generator.model.dispatch import Dispatch, decision_problems

# Block's own attribute names: pydantic puts them in locations, the user never wrote them
INTERNAL_KEYS = ("kind", "lines")


def validate(data: object, located: Located) -> Dispatch:
    if not isinstance(data, dict):
        raise InputError(Problem("tệp phải là một nhóm trường (khoá: giá trị), ví dụ «ky_hieu: UBND-NN»", located.file, 1))
    try:
        dispatch = Dispatch.model_validate(data)
    except ValidationError as exc:
        raise InputError(validation_problems(exc, located, Dispatch, internal_keys=INTERNAL_KEYS)) from None
    problems = [located.problem(path, message) for path, message in decision_problems(dispatch)]
    if problems:
        raise InputError(problems)
    return dispatch


def load_dispatch(path: Path) -> tuple[Dispatch, Located]:
    """Read ``path`` and return the validated dispatch and where its values came from."""
    data, located = load_yaml(path)
    return validate(data, located), located
