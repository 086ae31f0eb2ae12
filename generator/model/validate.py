"""Stage 1 of the pipeline: read an input file and validate it into a ``Dispatch``.

Pydantic's errors are turned into Vietnamese messages that name the file, the line
and the field the user wrote.
"""
from __future__ import annotations

import typing
from pathlib import Path

from pydantic import BaseModel, ValidationError

from generator.exceptions import InputError, Located, Problem
from generator.model.dispatch import Dispatch
from generator.vi.pydantic import translate
from generator.load.yaml_source import load_yaml

_INTERNAL_KEYS = {"kind", "lines"}  # Block's own attribute names, not something the user wrote



def _known_keys(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def _inner_model(annotation) -> type[BaseModel] | None:
    """The model inside ``X | None``, ``list[X]``, ``Annotated[X, …]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _model_at(loc: tuple) -> type[BaseModel]:
    """The input model that holds the last key of ``loc`` (for suggesting the right field names)."""
    model: type[BaseModel] = Dispatch
    for part in loc[:-1]:
        if isinstance(part, int) or part in _INTERNAL_KEYS:
            continue
        field = next((f for n, f in model.model_fields.items() if (f.alias or n) == part), None)
        inner = _inner_model(field.annotation) if field is not None else None
        if inner is None:
            break
        model = inner
    return model


def _translate(error: dict) -> str:
    return translate(error, lambda loc: _known_keys(_model_at(loc)))


def _user_path(loc: tuple) -> tuple:
    """Pydantic's location -> the YAML path the user wrote (0-based list indices)."""
    return tuple(part for part in loc if part not in _INTERNAL_KEYS)


def validate(data: object, located: Located) -> Dispatch:
    if not isinstance(data, dict):
        raise InputError(Problem("tệp phải là một nhóm trường (khoá: giá trị), ví dụ «ky_hieu: UBND-NN»", located.file, 1))
    try:
        return Dispatch.model_validate(data)
    except ValidationError as exc:
        problems = []
        seen = set()
        for error in exc.errors(include_url=False):
            path = _user_path(error["loc"])
            problem = located.problem(path, _translate(error))
            key = str(problem)
            if key not in seen:
                seen.add(key)
                problems.append(problem)
        raise InputError(problems) from None


def load_dispatch(path: Path) -> tuple[Dispatch, Located]:
    """Read ``path`` and return the validated dispatch and where its values came from."""
    data, located = load_yaml(path)
    return validate(data, located), located
