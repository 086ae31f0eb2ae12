"""Where the files ``dispatch`` reads at run time are, found through ``importlib.resources``.

Every such file ships inside the package, so an installed ``dispatch`` (``pip install .``,
``pipx``, the wheel) finds them wherever it runs from:

- ``generator.templates``: the Word template ``cong-van.docx`` and the sentence templates
  ``cau/*.j2``. In the repository they stay in the top-level ``templates/`` folder, where
  clerks look for them; ``pyproject.toml`` maps the package onto that folder, so the wheel
  carries them as ``generator/templates/…`` and an editable install (``pip install -e .``)
  reads the repository's folder itself (an edit there is what the next build uses).
- ``generator/data``: the Times New Roman widths, the decree's checklist, the criteria sets.

No module builds a path to these files from its own location or the repository's layout
(``tests/test_install.py`` checks this); they all ask here.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path


def _folder(package: str) -> Path:
    """The folder of ``package`` on disk (both packages are regular ones, with ``__init__.py``:
    setuptools' editable install finds a package it maps to another folder only then)."""
    try:
        found = resources.files(package)
    except ModuleNotFoundError:
        # A checkout that was never installed: name the place an installed package has it, so
        # the message "không tìm thấy tệp mẫu" says which file is missing (pip install -e . fixes it).
        return _folder("generator").joinpath(*package.split(".")[1:])
    if not isinstance(found, Path):
        raise RuntimeError(f"{package} is not a folder on disk ({found!r}): install dispatch from a wheel or a folder")
    return found


TEMPLATES = _folder("generator.templates")
"""The Word template and the sentence templates (the repository's ``templates/``)."""

SENTENCES = TEMPLATES / "cau"
"""The sentence templates, one ``<kind>.j2`` per kind of sentence."""

DATA = _folder("generator") / "data"
"""Data shipped with the package: metrics, the decree's rules, the criteria sets."""

CRITERIA = DATA / "criteria"
"""The national criteria sets, one YAML file each."""
