"""An installed dispatch has everything it reads at run time; the README's commands are CI's.

The wheel and the sdist are built from a copy of the project's files (so nothing a previous build
left in ``build/`` can slip in) and opened: the Word template, every sentence template and every
data file must be inside, where ``generator/resources.py`` looks for them.
"""
import ast
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["pyproject.toml", "README.md", "MANIFEST.in", "constraints.txt", "generator", "templates", "inputs", "schema",
           "scripts", "tests", "docs"]
NO_NETWORK = ("No matching distribution", "Could not find a version", "Failed to establish a new connection",
              "Temporary failure in name resolution", "Network is unreachable")

# What the tool reads at run time, as the repository has it (left) and as the wheel must carry it (right).
RUNTIME_FILES = {
    "templates/cong-van.docx": "generator/templates/cong-van.docx",
    "templates/van-ban.docx": "generator/templates/van-ban.docx",
    "templates/__init__.py": "generator/templates/__init__.py",
    **{f"templates/cau/{p.name}": f"generator/templates/cau/{p.name}" for p in (ROOT / "templates" / "cau").glob("*.j2")},
    **{str(p.relative_to(ROOT)): str(p.relative_to(ROOT)) for p in (ROOT / "generator" / "data").rglob("*")
       if p.is_file()},
}


def _copy_sources(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "out"))
        elif source.exists():
            shutil.copy2(source, target / name)
    return target


def _run_build(command: list[str], cwd: Path) -> None:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)
    if done.returncode:
        output = done.stdout + done.stderr
        if any(sign in output for sign in NO_NETWORK):
            pytest.skip(f"building needs setuptools from the package index, which cannot be reached: {output[-300:]}")
        pytest.fail(f"{' '.join(command)} failed:\n{output[-3000:]}")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    source = _copy_sources(tmp_path_factory.mktemp("src"))
    dist = tmp_path_factory.mktemp("dist")
    _run_build([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(dist)], cwd=dist)
    (built,) = dist.glob("*.whl")
    return zipfile.ZipFile(built)


def test_the_list_of_runtime_files_is_complete():
    """The expectations below are not empty by accident (a renamed folder would make them vacuous)."""
    assert {"templates/cong-van.docx", "templates/cau/ket_qua.j2", "templates/cau/tong_hop.j2",
            "generator/data/tnr_metrics.json", "generator/data/nd30_rules.yaml",
            "generator/data/criteria/xa_ntm_2021_2025.yaml"} <= set(RUNTIME_FILES)
    assert len([k for k in RUNTIME_FILES if k.startswith("templates/cau/")]) == 6


def test_the_wheel_contains_every_file_the_tool_reads(wheel):
    names = set(wheel.namelist())
    missing = sorted(inside for inside in RUNTIME_FILES.values() if inside not in names)
    assert not missing, f"thiếu trong wheel: {missing}"
    for repo_path, inside in RUNTIME_FILES.items():
        assert wheel.read(inside) == (ROOT / repo_path).read_bytes(), inside
    modules = {str(p.relative_to(ROOT)) for p in (ROOT / "generator").glob("*.py")}
    assert modules <= names


def test_the_wheel_is_dispatch_nd30_with_the_dispatch_command(wheel):
    (info,) = {n.split("/")[0] for n in wheel.namelist() if n.endswith(".dist-info/METADATA")}
    meta = wheel.read(f"{info}/METADATA").decode()
    assert "\nName: dispatch-nd30\n" in meta
    assert "\nRequires-Python: >=3.11\n" in meta
    entry_points = wheel.read(f"{info}/entry_points.txt").decode()
    assert "dispatch = generator.cli:main" in entry_points


def test_the_sdist_contains_every_file_the_tool_reads(tmp_path):
    try:  # the distribution, not "import build": a build/ folder left by setuptools would import
        metadata.version("build")
    except metadata.PackageNotFoundError:
        pytest.skip("the 'build' package is not installed (pip install -c constraints.txt -e '.[test]')")
    source = _copy_sources(tmp_path / "src")
    _run_build([sys.executable, "-m", "build", "--sdist", "--outdir", str(tmp_path / "dist"), str(source)], cwd=tmp_path)
    (built,) = (tmp_path / "dist").glob("*.tar.gz")
    with tarfile.open(built) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    wanted = set(RUNTIME_FILES) | {"constraints.txt", "pyproject.toml", "README.md", "generator/__main__.py"}
    assert not sorted(wanted - names), f"thiếu trong sdist: {sorted(wanted - names)}"


# --- no module finds a run-time file through the repository's layout ------------------------------


def _findings(path: Path) -> list[str]:
    """``__file__``, ``.parent.parent`` and string constants naming the templates folder, outside docstrings."""
    tree = ast.parse(path.read_text("utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "__file__":
            found.append(f"{path.name}:{node.lineno}: __file__")
        elif isinstance(node, ast.Attribute) and node.attr == "parent" and isinstance(node.value, ast.Attribute) \
                and node.value.attr == "parent":
            found.append(f"{path.name}:{node.lineno}: .parent.parent")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings \
                and re.match(r"templates($|[/\\])", node.value):
            found.append(f"{path.name}:{node.lineno}: {node.value!r}")
    return found


def test_no_module_looks_up_a_runtime_file_through_the_repository():
    found = [f for path in sorted((ROOT / "generator").glob("*.py")) for f in _findings(path)]
    assert not found, "tìm tệp lúc chạy qua đường dẫn của kho mã (hãy dùng generator/resources.py): " + "; ".join(found)


def test_the_check_finds_the_old_repository_relative_lookups(tmp_path):
    """The check above catches what render.py, sentences.py and criteria.py used to do."""
    old = tmp_path / "old.py"
    old.write_text('"""Doc about templates/cau."""\nfrom pathlib import Path\n'
                   'TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"\n'
                   'SHIPPED_DIR = Path(__file__).parent / "data" / "criteria"\n', encoding="utf-8")
    assert sorted(_findings(old)) == sorted(["old.py:3: __file__", "old.py:3: .parent.parent", "old.py:3: 'templates'",
                                             "old.py:4: __file__"])


def test_the_templates_are_found_as_package_resources():
    from importlib import resources

    from generator.assessments.criteria import SHIPPED_DIR
    from generator.render.docx import DEFAULT_TEMPLATE
    from generator.wording.sentences import SENTENCE_DIR

    assert DEFAULT_TEMPLATE == Path(str(resources.files("generator.templates"))) / "cong-van.docx"
    assert DEFAULT_TEMPLATE.is_file() and (SENTENCE_DIR / "ket_qua.j2").is_file()
    assert (SHIPPED_DIR / "xa_ntm_2026_2030.yaml").is_file()


# --- the README's two commands are the ones CI runs; the constraints pin everything --------------


def _code_blocks(text: str) -> list[str]:
    return re.findall(r"^```[a-z]*\n(.*?)^```", text, flags=re.S | re.M)


def test_the_readme_starts_with_the_two_commands_ci_runs():
    readme = (ROOT / "README.md").read_text("utf-8")
    first, second = _code_blocks(readme)[:2]
    assert first.strip() == "pip install -c constraints.txt -e . && dispatch build inputs/seeds/000-lang-son-2018.yaml"
    assert second.strip() == "pip install -c constraints.txt -e '.[test]' && python -m pytest -q"
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text("utf-8").splitlines()]
    assert first.strip() in ci_lines and second.strip() in ci_lines
    # nothing but the title comes before them
    assert readme.index("```") < readme.index("\n## ")


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement).group(1)).lower()


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text("utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            assert re.fullmatch(r"[A-Za-z0-9._-]+==[A-Za-z0-9.+!-]+", line), f"constraints.txt: not an exact pin: {line}"
            name, version = line.split("==")
            pins[_name(name)] = version
    return pins


def test_the_constraints_pin_every_package_the_tests_install():
    """Every requirement of dispatch and its test extra, followed through the installed packages."""
    from packaging.markers import default_environment
    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    pins = _pins()
    todo = [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]]
    for requirement in todo:  # the declared ranges admit the pinned versions
        assert requirement.specifier.contains(pins[_name(requirement.name)], prereleases=True), str(requirement)
    environments = [{**default_environment(), "extra": ""},  # this machine, and a clerk's Windows
                    {**default_environment(), "extra": "", "sys_platform": "win32", "platform_system": "Windows",
                     "os_name": "nt"}]
    seen, unpinned = set(), []
    while todo:
        requirement = todo.pop()
        name = _name(requirement.name)
        if name in seen:
            continue
        seen.add(name)
        if name not in pins:
            unpinned.append(name)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        for child in dist.requires or []:
            child = Requirement(child)
            if child.marker is None or any(child.marker.evaluate(env) for env in environments):
                todo.append(child)
    assert not unpinned, f"constraints.txt không ghim: {sorted(unpinned)}"
    assert {"pydantic", "pydantic-core", "lxml", "pytest", "hypothesis", "docxtpl", "colorama"} <= seen

