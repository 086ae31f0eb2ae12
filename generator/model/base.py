"""What every input model shares: the base model, the text type, and the one translator of
pydantic's validation errors into located Vietnamese ``Problem``s.

Used by the letter's models (``model/dispatch.py``), the assessment inputs
(``assessments/results.py``), the criteria-set files (``assessments/criteria.py``) and the
campaign file (``bulk/campaign.py``). It depends only on pydantic, ``exceptions`` and
``vi/pydantic.py`` (the wording of each kind of error), so every one of those may import it.
"""
# No ``from __future__ import annotations`` here: pydantic compiled each field's annotation text again (a
# ``typing.ForwardRef``) to build the models, a few milliseconds of every start-up.

import typing
from typing import Annotated, Callable, Iterable

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from generator.exceptions import Located, Problem
from generator.vi.pydantic import translate

# A text field: surrounding whitespace stripped, never empty.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _title(name: str, info) -> str:
    """A field's title in the JSON Schema is the key the user writes (``ky_hieu``), not ``symbol``."""
    return info.alias or name


def empty_list() -> list:
    """``default_factory`` of a list field. Not ``list``: pydantic reads the factory's signature when it builds
    a model's validator, and a built-in's is parsed from its text (``tokenize``, ``ast``: a few milliseconds a
    field, a tenth of building the ``Dispatch`` validator), a Python function's read at once."""
    return []


class InputModel(BaseModel):
    """Base of every model read from a user's file: unknown keys refused, values frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, field_title_generator=_title, defer_build=True)


def known_keys(model: type[BaseModel]) -> list[str]:
    """The keys a user may write in ``model`` (aliases where the model has them)."""
    return [f.alias or name for name, f in model.model_fields.items()]


def _inner_model(annotation) -> type[BaseModel] | None:
    """The model inside ``X | None``, ``list[X]``, ``dict[k, X]``, ``Annotated[X, …]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def model_at(root: type[BaseModel], loc: tuple, skip: Iterable[str] = ()) -> type[BaseModel]:
    """The model, under ``root``, that holds the last key of ``loc`` (to suggest the right keys)."""
    skip = set(skip)
    model = root
    for part in loc[:-1]:
        if isinstance(part, int) or part in skip:
            continue
        field = next((f for n, f in model.model_fields.items() if (f.alias or n) == part), None)
        inner = _inner_model(field.annotation) if field is not None else None
        if inner is None:
            break
        model = inner
    return model


def validation_problems(exc: ValidationError, located: Located, root: type[BaseModel], *,
                        internal_keys: Iterable[str] = (), special: Callable[[dict], str | None] | None = None,
                        drop_bool_key: bool = False) -> list[Problem]:
    """Every error of ``exc`` as a ``Problem`` with the file, line and field the user wrote,
    each said once.

    ``internal_keys``: attribute names of ours that pydantic puts in locations but the user never
    wrote (dropped from the field path); ``special(error)``: a caller's own wording for an error,
    or None for the common one; ``drop_bool_key``: name the parent of a key YAML read as true/false
    (``no:``), whose spelling cannot be recovered."""
    skip = set(internal_keys)
    problems: list[Problem] = []
    seen: set[str] = set()
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        message = special(error) if special is not None else None
        if message is None:
            message = translate(error, lambda at: known_keys(model_at(root, at, skip)))
        path = tuple(part for part in loc if part not in skip)
        if drop_bool_key and error["type"] == "extra_forbidden" and path and path[-1] in ("False", "True"):
            path = path[:-1]
        problem = located.problem(path, message)
        if str(problem) not in seen:
            seen.add(str(problem))
            problems.append(problem)
    return problems
