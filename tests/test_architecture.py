"""The package's shape (docs/architecture.md): no import cycle, dependencies one way, every
error type and exit code in ``generator/exceptions.py``, and the README's exit codes equal to it.

The module graph is built from the source (the AST of every ``generator/**/*.py``, imports inside
functions included), so a cycle hidden by an import inside a function is found too.
"""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator import exceptions

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "generator"

# Dependencies run from a higher rank to a lower one. Modules of the same rank may import each
# other only inside their own subpackage (render.docx -> render.engine), never across
# (bulk -> review, vi -> exceptions). A module belongs to the longest prefix that names it.
LAYERS = [
    ["generator.exceptions", "generator.resources", "generator.vi"],  # depend on nothing of ours
    # mechanisms the stages call: reading the files a user names (YAML; the regular-file check), the
    # Jinja sandbox (wording's sentences and render's template), the base of the input models
    ["generator.load", "generator.render.sandbox", "generator.model.base", "generator.doctypes"],
    ["generator.ooxml"],  # reading untrusted OOXML: the guard, the reader, the one style resolver, ns/units
    ["generator.write", "generator.geometry"],  # writing files; measuring text (styles resolved by ooxml)
    ["generator.assessments"],
    ["generator.model"],
    ["generator.wording"],
    ["generator.render"],
    ["generator.pipeline"],
    ["generator.bulk", "generator.lint", "generator.pdf"],  # around the pipeline
    ["generator.review"],  # dispatch text/diff of an input file builds it, a campaign's first letter too
    ["generator.cli"],
    ["generator.__main__"],
]


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str) -> list[tuple[str, int, bool]]:
    """(imported generator module, line, inside a function) for every import in module ``name``."""
    tree = ast.parse(MODULES[name].read_text("utf-8"))
    found = []

    def visit(node, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and isinstance(child.test, ast.Name) and child.test.id == "TYPE_CHECKING":
                continue  # imports for annotations only: never run, so never a cycle at run time
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            targets = []
            if isinstance(child, ast.Import):
                targets = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                # "from generator.render import sandbox" imports the module generator.render.sandbox
                targets = [f"{child.module}.{alias.name}" if f"{child.module}.{alias.name}" in MODULES
                           else child.module for alias in child.names]
            for target in targets:
                if target in MODULES and target != name:
                    found.append((target, child.lineno, in_function))
            visit(child, inner)

    visit(tree, False)
    return found


GRAPH = {name: sorted({target for target, _line, _inner in _imports(name)}) for name in MODULES}


def _rank(name: str) -> tuple[int, str]:
    """The layer of ``name`` and the prefix that put it there."""
    best = None
    for rank, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and (best is None or len(prefix) > len(best[1])):
                best = (rank, prefix)
    if name == "generator":
        return (0, "generator")
    assert best is not None, f"{name} is in no layer of tests/test_architecture.py: give it one"
    return best


def _cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """One import cycle of ``graph`` as a path [a, b, …, a], or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = walk(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = walk(node)
            if found:
                return found
    return None


def test_type_checking_imports_are_skipped_and_real_ones_counted(tmp_path, monkeypatch):
    source = ("from typing import TYPE_CHECKING\nfrom generator.vi import dates\n"
              "if TYPE_CHECKING:\n    from generator.cli import main\n")
    module = tmp_path / "mod.py"
    module.write_text(source, encoding="utf-8")
    monkeypatch.setitem(MODULES, "generator.probe", module)
    assert [t for t, _line, _inner in _imports("generator.probe")] == ["generator.vi.dates"]


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": ["b"], "b": ["c"], "c": ["a"]}) == ["a", "b", "c", "a"]
    assert _cycle({"a": ["b"], "b": ["c"], "c": []}) is None


def test_no_import_cycle_among_generator_modules():
    assert _cycle(GRAPH) is None, "import cycle: " + " -> ".join(_cycle(GRAPH))


def test_dependencies_run_one_way():
    wrong = []
    for name, targets in GRAPH.items():
        rank, prefix = _rank(name)
        for target in targets:
            target_rank, target_prefix = _rank(target)
            if target_rank < rank or (target_rank == rank and target_prefix == prefix):
                continue
            wrong.append(f"{name} (layer {rank}) imports {target} (layer {target_rank})")
    assert not wrong, "\n".join(wrong)


def test_the_layer_rules_are_not_empty_words():
    """exceptions and vi import nothing of ours; the pipeline imports none of bulk, review, lint, pdf."""
    assert GRAPH["generator.exceptions"] == []
    assert all(t.startswith("generator.vi.") for n, ts in GRAPH.items() if n.startswith("generator.vi.") for t in ts)
    around = ("generator.bulk", "generator.review", "generator.lint", "generator.pdf", "generator.cli")
    assert not [t for t in GRAPH["generator.pipeline"] if t.startswith(around)]


def test_imports_inside_functions_are_only_lazy_loading():
    """An import of ours inside a function is allowed only to load a heavy, optional part late,
    and says so ("lazy") on its line or the line above; never to dodge a cycle."""
    unexplained = set()
    for name, path in MODULES.items():
        lines = path.read_text("utf-8").splitlines()
        for target, line, inside in _imports(name):
            if inside and "lazy" not in (lines[line - 1] + lines[line - 2]).lower():
                unexplained.add(f"{path.relative_to(ROOT)}:{line} imports {target} inside a function")
    assert not unexplained, "\n".join(sorted(unexplained))


SUBPACKAGES = sorted({name.split(".")[1] for name in MODULES if name.count(".") >= 1})


@pytest.mark.parametrize("subpackage", SUBPACKAGES)
def test_each_subpackage_imports_alone_in_a_fresh_interpreter(subpackage):
    modules = [name for name in MODULES if name == f"generator.{subpackage}" or name.startswith(f"generator.{subpackage}.")]
    code = "import importlib\nfor m in %r:\n    importlib.import_module(m)\n" % modules
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def _error_classes() -> dict[str, type]:
    return {n: c for n, c in vars(exceptions).items() if isinstance(c, type) and issubclass(c, BaseException)
            and c.__module__ == exceptions.__name__}


def test_every_error_class_is_defined_in_exceptions():
    elsewhere = []
    for name, path in MODULES.items():
        if name == "generator.exceptions":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                    re.search(r"(Error|Exception|Timeout|Interrupt)$", ast.unparse(base)) for base in node.bases):
                elsewhere.append(f"{path.relative_to(ROOT)}: class {node.name}")
    assert not elsewhere, "\n".join(elsewhere)
    assert {"DispatchError", "InputError", "TemplateError", "OutputError", "FileBusyError", "PdfError",
            "DocxReadError", "RenderTimeout"} <= set(_error_classes())


def test_exit_codes_are_the_documented_numbers():
    assert (exceptions.EXIT_OK, exceptions.EXIT_DIFFERENT, exceptions.EXIT_INPUT, exceptions.EXIT_TEMPLATE,
            exceptions.EXIT_OUTPUT, exceptions.EXIT_PDF, exceptions.EXIT_INTERNAL,
            exceptions.EXIT_INTERRUPTED) == (0, 1, 2, 3, 4, 5, 70, 130)
    assert (exceptions.InputError.exit_code, exceptions.TemplateError.exit_code, exceptions.OutputError.exit_code,
            exceptions.FileBusyError.exit_code, exceptions.PdfError.exit_code) == (2, 3, 4, 4, 5)


def test_no_error_uses_the_code_of_differences_found():
    """1 is a result (diff found differences, lint found violations), not an error: the base class
    must not pretend to be one, or `dispatch diff` would read a failure as "different"."""
    codes = {name: cls.exit_code for name, cls in _error_classes().items() if hasattr(cls, "exit_code")}
    assert exceptions.EXIT_DIFFERENT not in codes.values(), codes
    assert exceptions.DispatchError.exit_code == 70


def _readme_table() -> dict[int, str]:
    """The README's table of exit codes: code -> constant name."""
    text = (ROOT / "README.md").read_text("utf-8")
    start = text.index("| Mã thoát | Hằng số |")
    rows = {}
    for line in text[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[int(cells[0])] = cells[1].strip("`")
    return rows


def test_the_readme_table_of_exit_codes_is_the_module():
    constants = {getattr(exceptions, n): n for n in dir(exceptions) if n.startswith("EXIT_") and n != "EXIT_CODES"}
    assert _readme_table() == constants
    assert set(exceptions.EXIT_CODES) == set(constants)


def test_every_exit_code_the_readme_names_exists():
    """Other mentions ("exit code 4", "mã thoát 4") name only codes of the module."""
    text = (ROOT / "README.md").read_text("utf-8")
    named = {int(n) for n in re.findall(r"(?:exit code|mã thoát|exits?) (\d+)", text, re.IGNORECASE)}
    assert named and named <= set(exceptions.EXIT_CODES), named - set(exceptions.EXIT_CODES)


def test_messages_said_in_several_places_are_written_once():
    """"tệp quá lớn" (and "too big once unzipped") once, in exceptions.too_large; before, seven wordings."""
    pattern = re.compile(r"(tệp|phần[^\"']*) quá lớn|không tìm thấy tệp\"|không (đọc|ghi) được tệp \(")
    copies = []
    for name, path in MODULES.items():
        if name == "generator.exceptions":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and pattern.search(node.value + '"'):
                copies.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    assert not copies, "\n".join(copies)
    assert exceptions.too_large(2_097_152, 3_145_728) == "tệp quá lớn (3.145.728 byte (3 MB); tối đa 2.097.152 byte (2 MB))"
    assert exceptions.too_large(1_000, what="phần «word/document.xml»", unpacked=True) == \
        "phần «word/document.xml» quá lớn khi giải nén (hơn 1.000 byte)"
