"""A command loads only what it uses: what ``dispatch build`` of one letter and ``dispatch text`` leave in
``sys.modules`` (a fresh interpreter each), and the fast reading of the shipped criteria files gives what the
checked reading gives."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.load import yaml_source
from generator.load.yaml_source import load_yaml
from generator.resources import CRITERIA

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "inputs" / "seeds" / "002-huu-lung-2024.yaml"

_RUN = """
import json, sys
sys.argv = ["dispatch"] + json.loads(sys.argv[1])
from generator.cli import main
try:
    main()
except SystemExit as exit:
    code = exit.code
sys.stdout.flush()
print("\\nMODULES=" + json.dumps(sorted(sys.modules)))
sys.exit(code)
"""


def _modules_after(*args: str, cwd: Path) -> set[str]:
    done = subprocess.run([sys.executable, "-c", _RUN, json.dumps([str(a) for a in args])], cwd=cwd,
                          capture_output=True, text=True, encoding="utf-8", timeout=120,
                          env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stdout + done.stderr
    return set(json.loads(done.stdout.rpartition("MODULES=")[2]))


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def test_build_of_one_letter_loads_no_review_pdf_lint_bulk_openpyxl_or_pikepdf(tmp_path):
    modules = _modules_after("build", SEED, "-o", tmp_path / "cv.docx", cwd=tmp_path)
    assert "generator.pipeline" in modules  # it did build
    assert (tmp_path / "cv.docx").is_file()
    assert _loaded(modules, ("generator.review", "generator.pdf", "generator.lint", "generator.bulk.run",
                             "generator.bulk.campaign", "pikepdf", "openpyxl", "psutil")) == []


def test_text_loads_no_pdf_and_no_bulk(tmp_path):
    docx = tmp_path / "cv.docx"
    _modules_after("build", SEED, "-o", docx, cwd=tmp_path)
    modules = _modules_after("text", docx, cwd=tmp_path)
    assert "generator.review.cli" in modules  # registered on first use, and it ran
    assert _loaded(modules, ("generator.pdf", "pikepdf", "generator.bulk.run", "openpyxl")) == []


def test_help_still_lists_the_review_commands():
    done = subprocess.run([sys.executable, "-m", "generator", "--help"], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", timeout=60)
    assert done.returncode == 0, done.stderr
    listed = [line.split()[0] for line in done.stdout.splitlines() if line.startswith("  ") and line.split()]
    for command in ("build", "check", "criteria", "diff", "lint", "schema", "text"):
        assert command in listed, done.stdout


@pytest.mark.parametrize("path", sorted(CRITERIA.glob("*.yaml")), ids=lambda p: p.name)
def test_a_shipped_criteria_file_reads_the_same_fast_as_checked(path):
    """The shipped files go through the C parser, and their text is not checked for pasted characters: read
    as a clerk's file (pure-Python parser, every check), each gives the same data and the same lines."""
    checked, checked_at = load_yaml(path)
    fast, fast_at = load_yaml(path, shipped=True)
    assert fast == checked
    assert fast_at.lines == checked_at.lines
    assert len(checked_at.lines) > 10


def test_the_shipped_loader_is_libyamls_when_pyyaml_has_it():
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML built without libyaml here")
    assert issubclass(yaml_source._ShippedLoader, yaml.CSafeLoader)
    assert not issubclass(yaml_source._Loader, yaml.CSafeLoader)  # a clerk's file: PyYAML's own messages
