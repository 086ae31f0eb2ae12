import io
import os
import sys
from pathlib import Path

import pytest
from docx import Document

ROOT = Path(__file__).resolve().parent.parent


def template_builder():
    """``scripts/build_template.py`` as a module: what makes the committed Word templates."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_template", ROOT / "scripts" / "build_template.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
SEEDS = ROOT / "inputs" / "seeds"
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"
sys.path.insert(0, str(Path(__file__).resolve().parent))
WINDOWS_MODE = Path(__file__).resolve().parent / "windows_mode"


def pytest_addoption(parser):
    parser.addoption("--windows", action="store_true", default=False,
                     help="run the suite as Windows would (tests/windows_mode/windows_shim.py: no SIGALRM, "
                          "fork or killpg, os.kill(pid, 0) raises, multiprocessing spawn only; every Python "
                          "the tests start also gets cp1252 stdout/stderr). Same as DISPATCH_TEST_WINDOWS=1.")


def pytest_configure(config):
    if config.getoption("--windows") or os.environ.get("DISPATCH_TEST_WINDOWS") == "1":
        sys.path.insert(0, str(WINDOWS_MODE))
        import windows_shim

        windows_shim.apply(streams=False)  # pytest's own report stays readable; subprocesses get cp1252
        os.environ.update(windows_shim.environment())


@pytest.fixture(scope="session")
def built_seeds():
    """Every seed input built once: name -> Built (dispatch, letter, docx bytes)."""
    from generator.pipeline import build_file

    return {p.stem: build_file(p) for p in sorted(SEEDS.glob("*.yaml"))}


@pytest.fixture(scope="session")
def seed_docs(built_seeds):
    """name -> python-docx Document of the built seed."""
    return {name: Document(io.BytesIO(b.docx)) for name, b in built_seeds.items()}
