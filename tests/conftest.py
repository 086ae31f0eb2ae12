import io
import sys
from pathlib import Path

import pytest
from docx import Document

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "inputs" / "seeds"
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"
sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="session")
def built_seeds():
    """Every seed input built once: name -> Built (dispatch, letter, docx bytes)."""
    from generator.generate import build_file

    return {p.stem: build_file(p) for p in sorted(SEEDS.glob("*.yaml"))}


@pytest.fixture(scope="session")
def seed_docs(built_seeds):
    """name -> python-docx Document of the built seed."""
    return {name: Document(io.BytesIO(b.docx)) for name, b in built_seeds.items()}
