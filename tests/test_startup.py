"""A command loads only what it uses: what ``dispatch build`` of one letter and ``dispatch text`` leave in
``sys.modules`` (a fresh interpreter each), and the fast reading of the shipped criteria files gives what the
checked reading gives."""
from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.exceptions import InputError
from generator.assessments import criteria
from generator.load import yaml_source
from generator.model import admin_levels
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


def _modules_after(*args: str, cwd: Path, cache: Path | None = None) -> set[str]:
    """``cache``: the user's cache folder (``XDG_CACHE_HOME``, ``LOCALAPPDATA``) of the run."""
    env = {**__import__("os").environ, "PYTHONPATH": str(ROOT)}
    if cache is not None:
        env["XDG_CACHE_HOME"] = env["LOCALAPPDATA"] = str(cache)
    done = subprocess.run([sys.executable, "-c", _RUN, json.dumps([str(a) for a in args])], cwd=cwd,
                          capture_output=True, text=True, encoding="utf-8", timeout=120, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    return set(json.loads(done.stdout.rpartition("MODULES=")[2]))


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def test_build_of_one_letter_loads_no_review_pdf_lint_bulk_openpyxl_pikepdf_or_babel(tmp_path):
    modules = _modules_after("build", SEED, "-o", tmp_path / "cv.docx", cwd=tmp_path)
    assert "generator.pipeline" in modules  # it did build
    assert (tmp_path / "cv.docx").is_file()
    assert _loaded(modules, ("generator.review", "generator.pdf", "generator.lint", "generator.bulk.run",
                             "generator.bulk.campaign", "pikepdf", "openpyxl", "psutil", "babel")) == []


def test_build_of_one_letter_with_our_template_loads_neither_python_docx_nor_docxtpl(tmp_path):
    """The first build after installing makes docxtpl's source of the template and keeps it (render/patched.py);
    every later one reads the template with lxml alone. The annex and attached-text modules (python-docx) only
    for a letter that has one."""
    cold = _modules_after("build", SEED, "-o", tmp_path / "a.docx", cwd=tmp_path, cache=tmp_path / "cache")
    assert "docxtpl" in cold  # made once
    warm = _modules_after("build", SEED, "-o", tmp_path / "b.docx", cwd=tmp_path, cache=tmp_path / "cache")
    assert "generator.render.engine" in warm and (tmp_path / "b.docx").read_bytes() == (tmp_path / "a.docx").read_bytes()
    assert _loaded(warm, ("docx", "docxtpl", "generator.render.annex", "generator.render.attached",
                          "generator.render.role_format", "generator.assessments.table")) == []


def test_build_of_one_letter_loads_no_asyncio_with_the_pinned_typing_extensions(tmp_path):
    """typing_extensions 4.15's ``deprecated`` imported asyncio (a tenth of a build's start-up) for each function
    pydantic_core marks deprecated; 4.16, pinned in constraints.txt, only for a coroutine function."""
    import importlib.metadata

    version = tuple(int(part) for part in importlib.metadata.version("typing_extensions").split(".")[:2])
    if version < (4, 16):
        pytest.skip(f"typing_extensions {version} here, older than constraints.txt's 4.16")
    modules = _modules_after("build", SEED, "-o", tmp_path / "cv.docx", cwd=tmp_path, cache=tmp_path / "cache")
    assert "generator.pipeline" in modules and "pydantic_core" in modules
    assert _loaded(modules, ("asyncio",)) == []


def test_build_does_not_look_for_pydantic_plugins(tmp_path):
    """Looking for them reads the metadata of every installed package (``PYDANTIC_DISABLE_PLUGINS``)."""
    code = ("import sys\nsys.argv = ['dispatch', 'build', sys.argv[1], '-o', sys.argv[2]]\n"
            "from generator.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
            "import pydantic.plugin._loader as loader\nprint('PLUGINS=' + repr(loader._plugins))\n")
    env = {k: v for k, v in __import__("os").environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    done = subprocess.run([sys.executable, "-c", code, str(SEED), str(tmp_path / "cv.docx")], cwd=tmp_path,
                          capture_output=True, text=True, encoding="utf-8", timeout=120,
                          env={**env, "PYTHONPATH": str(ROOT)})
    assert (tmp_path / "cv.docx").is_file(), done.stderr
    assert "PLUGINS=None" in done.stdout, done.stdout  # never scanned ({} once scanned)


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


def _needs_libyaml():
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML built without libyaml here")


def test_the_fast_loader_is_libyamls_and_the_wording_one_pyyamls():
    _needs_libyaml()
    assert issubclass(yaml_source._FastLoader, yaml.CSafeLoader)
    assert not issubclass(yaml_source._Loader, yaml.CSafeLoader)  # the one whose complaints are translated


def _slow_only(monkeypatch):
    monkeypatch.setattr(yaml_source, "_fast_parse", lambda text, check_depth=True: None)


def _no_slow(monkeypatch):
    def refuse(text):
        raise AssertionError("PyYAML's own parser was used")
    monkeypatch.setattr(yaml_source, "_slow_parse", refuse)


YAML_FILES = sorted(p for folder in ("inputs", "tests", "examples", "docs") if (ROOT / folder).is_dir()
                    for p in (ROOT / folder).rglob("*.y*ml"))


def _read_both_ways(path, monkeypatch):
    """What ``load_yaml`` gives for ``path`` (data, lines, warnings, or the message) through libyaml's path,
    then through PyYAML's parser only."""
    def read():
        try:
            data, located = load_yaml(path)
            return data, dict(located.lines), list(located.warnings)
        except InputError as err:
            return str(err)

    fast = read()
    _slow_only(monkeypatch)
    return fast, read()


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_clerks_file_reads_the_same_through_libyaml(path, monkeypatch):
    """Every YAML file of the repository: libyaml gives the same data, lines and warnings as PyYAML's parser
    (or, for a file one of them refuses, the same Vietnamese message)."""
    _needs_libyaml()
    fast, slow = _read_both_ways(path, monkeypatch)
    assert slow == fast


def test_a_clerks_file_is_parsed_by_libyaml(monkeypatch):
    _needs_libyaml()
    _no_slow(monkeypatch)
    data, located = load_yaml(SEED)
    assert data["ky_hieu"] == "UBND-NN" and located.line_of(("ky_hieu",)) == 17


def test_a_duplicate_key_found_on_libyamls_nodes_names_its_line(tmp_path, monkeypatch):
    _needs_libyaml()
    _no_slow(monkeypatch)
    src = tmp_path / "lap.yaml"
    src.write_text("# chú thích\nky_hieu: UBND-VP\nnoi_dung:\n  - Đoạn một.\n\nky_hieu: UBND-NN\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_yaml(src)
    assert [(p.line, p.message) for p in raised.value.problems] == [(6, "khoá «ky_hieu» bị lặp lại (đã có ở dòng 2)")]


def test_a_file_libyaml_refuses_gets_pyyamls_message_in_vietnamese_at_its_line(tmp_path):
    _needs_libyaml()
    src = tmp_path / "tab.yaml"
    src.write_text("ky_hieu: UBND-VP\nnoi_dung:\n\t- Đoạn một.\n", encoding="utf-8")
    with pytest.raises(yaml.YAMLError):
        yaml.load(src.read_text("utf-8"), Loader=yaml.CSafeLoader)  # libyaml refuses it, in its own words
    with pytest.raises(InputError) as raised:
        load_yaml(src)
    assert [(p.line, p.message) for p in raised.value.problems] == [
        (3, "YAML không hợp lệ: YAML không cho dùng phím Tab để thụt dòng; hãy dùng dấu cách")]


def test_nesting_deep_enough_to_crash_libyamls_composer_is_refused_in_vietnamese(tmp_path):
    """libyaml's composer recurses in C: 200,000 ``[`` end the process (SIGSEGV) unless the depth is seen first."""
    _needs_libyaml()
    src = tmp_path / "sau.yaml"
    src.write_text("ky_hieu: UBND-VP\nx: " + "[" * 200_000 + "]" * 200_000 + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "generator", "check", str(src)], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    assert "lồng nhau quá sâu" in done.stderr and "sau.yaml" in done.stderr


def test_the_administrative_levels_read_as_pyyaml_reads_them():
    text = admin_levels.DATA.read_text(encoding="utf-8")
    expected = yaml.safe_load(text)
    assert admin_levels.levels()[0] == expected["abolished_on"] == dt.date(2025, 7, 1)
    assert [level.id for level in admin_levels.levels()[1]] == [entry["id"] for entry in expected["levels"]]


@pytest.mark.parametrize("path", sorted(CRITERIA.glob("*.yaml")), ids=lambda p: p.name)
def test_each_shipped_criteria_file_is_named_by_its_id(path):
    """``criteria.get_set`` reads a shipped set alone from ``<id>.yaml``."""
    data, _located = load_yaml(path, shipped=True)
    assert data["id"] == path.stem and "based_on" not in data


def test_a_letter_reads_only_the_shipped_set_it_uses(monkeypatch):
    read = []
    original = criteria._read

    def spy(path, shipped):
        read.append(path.name)
        return original(path, shipped)

    monkeypatch.setattr(criteria, "_read", spy)
    criteria._shipped_set.cache_clear()
    criteria._shipped_sets.cache_clear()
    try:
        alone = criteria.get_set("xa_ntm_nang_cao_2021_2025")
        assert read == ["xa_ntm_nang_cao_2021_2025.yaml"]
        assert criteria.get_set("xa_ntm_nang_cao_2021_2025") is alone and len(read) == 1
        everything = criteria.load_sets()
        assert len(read) == 7  # all six, for the list
        assert alone == everything["xa_ntm_nang_cao_2021_2025"] and alone.shipped
        assert criteria.get_set("xa_ntm_2021_2025") is everything["xa_ntm_2021_2025"]  # once all are read, those
    finally:
        criteria._shipped_set.cache_clear()
        criteria._shipped_sets.cache_clear()


def test_an_unknown_or_strange_set_id_still_lists_the_known_ones():
    for set_id in ("xa_ntm_2099", "../xa_ntm_2021_2025", "XA_NTM_2021_2025"):
        with pytest.raises(InputError) as raised:
            criteria.get_set(set_id)
        message = str(raised.value)
        assert f"không có bộ tiêu chí «{set_id}»" in message and "xa_ntm_2021_2025" in message


ODD_TEXTS = {
    "recursive alias": "a: &a [*a]\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "open quote": 'a: "x\n',
    "tab indent": "a:\n\t- b\n",
    "duplicate key": "a: 1\nb: 2\na: 3\n",
    "flow list split at commas": "kinh_gui: [UBND các xã, phường, thị trấn]\n",
    "control character": "a: x\x07y\n",
    "bidi override": "a: Số \u202e12\n",
    "crlf": "a: 1\r\nb:\r\n  - x\r\n  - y\r\n",
    "lone cr": "a: 1\rb: 2\r",
    "line separator": "a: x\u2028y\nb: 2\n",
    "next line": "a: x\x85y\nb: 2\n",
    "nested to the limit": "a: " + "[" * 40 + "]" * 40 + "\n",
    "nested past the limit": "a: " + "[" * 41 + "]" * 41 + "\n",
    "block nesting past the limit": "".join("  " * i + f"k{i}:\n" for i in range(45)) + "  " * 45 + "v: 1\n",
    "long key": "k" * 1100 + ": 1\n",
    "octal-looking number": "so: 010\nngay: 2024-02-30\n",
    "tag": "a: !!python/name:os.system\n",
    "merge key": "x: &x {a: 1}\ny:\n  <<: *x\n",
    "empty": "",
    "only a comment": "# chỉ chú thích\n",
    "a scalar": "chỉ một dòng chữ\n",
    "percent": "a: %x\n",
    "at sign": "a: @x\n",
    "backquote": "a: `x`\n",
    "star": "a: *không phải bí danh\n",
    "bom inside": "a: x\ufeffy\n",
    "surrogate escape": 'a: "\\ud83d"\n',
}


@pytest.mark.parametrize("text", ODD_TEXTS.values(), ids=ODD_TEXTS.keys())
def test_an_odd_file_reads_the_same_through_either_parser(text, tmp_path, monkeypatch):
    """What a clerk (or an attacker) may write: libyaml's path gives what PyYAML's gives, data, lines and
    warnings, or the same Vietnamese message at the same line."""
    _needs_libyaml()
    src = tmp_path / "la.yaml"
    src.write_bytes(text.encode("utf-8", "surrogatepass"))
    fast, slow = _read_both_ways(src, monkeypatch)
    assert slow == fast


_GC_PROBE = """
import gc, json, sys
runs = []
gc.callbacks.append(lambda phase, info: runs.append(info["generation"]) if phase == "start" else None)
if sys.argv[1] == "off":
    gc.disable()
import generator.cli
print(json.dumps({"runs": len(runs), "enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}))
"""


@pytest.mark.parametrize("before", ["on", "off"])
def test_the_imports_run_without_the_cycle_collector_and_leave_it_as_it_was(before):
    """Importing the CLI made a hundred collections over the growing heap (a tenth of a build's start-up)."""
    done = subprocess.run([sys.executable, "-c", _GC_PROBE, before], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["runs"] <= 3, found  # the few before generator.cli's first line (its package, runpy)
    assert found["enabled"] is (before == "on")
    assert found["frozen"] > 50_000  # what the imports made (about 80 000 objects) is never scanned again


def test_the_startup_benchmarks_packages_alone_are_the_other_packages_a_build_imports(tmp_path):
    """``benchmarks/startup.py`` (c): the modules of other packages a build imported, found by running it; none of
    ours, none of the standard library's by name; and the process that imports them runs and loads none of ours.
    (d): four of them, which run alone too."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("startup_benchmark", ROOT / "benchmarks" / "startup.py")
    startup = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(startup)
    build = [sys.executable, "-m", "generator", "build", str(SEED), "-o", str(tmp_path / "x.docx"), "--force"]
    env = {**__import__("os").environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "LOCALAPPDATA": str(tmp_path / "cache")}
    subprocess.run(build, cwd=ROOT, env=env, check=True, capture_output=True)  # as the benchmark: after a first build
    code = startup._packages_alone(build, env, ROOT)
    imported = set(re.findall(r"^    import ([\w.]+)$", code, re.M))
    for name in ("pydantic", "pydantic_core", "jinja2", "lxml.etree", "yaml", "click", "filelock", "markupsafe"):
        assert name in imported, name
    assert not any(n.split(".")[0] in ("generator", "docx", "docxtpl", "os", "zipfile", "json") for n in imported)
    probe = code + "import sys\nprint(sorted(n for n in sys.modules if n.split('.')[0] == 'generator'))\n"
    out = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "[]"
    # (d): four of those packages, with the same one model, and nothing of ours or of python-docx
    assert startup._FOUR.splitlines()[0] == "import jinja2, click, yaml, pydantic"
    assert {"jinja2", "click", "yaml", "pydantic"} <= imported
    probe = (startup._FOUR + "import sys\n"
             "print(sorted({n.split('.')[0] for n in sys.modules} & {'generator', 'docx', 'lxml'}))\n")
    out = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "[]"


def test_the_startup_benchmark_runs_and_ends_with_its_line(tmp_path):
    """``python benchmarks/startup.py --repeat 1`` runs its four processes and prints a line for each, the last
    in the form the README quotes."""
    env = {**__import__("os").environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "startup.py"), "--repeat", "1"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("generator timed: ") and str(ROOT / "generator") in lines[0]
    assert lines[1].startswith("dispatch build 002-huu-lung-2024.yaml: median ")
    assert lines[2].startswith("python -c 'import docx':  median ")
    assert lines[3].startswith("chỉ các gói bên ngoài mà lệnh build nạp: median ")
    assert lines[4].startswith("chỉ jinja2, click, pydantic, PyYAML: median ")
    assert re.fullmatch(r"startup_ms build=\d+ import_docx=\d+ ratio=\d+\.\d\d", lines[5]), lines[5]
    assert len(lines) == 6
