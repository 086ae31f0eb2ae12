"""Shared by the LibreOffice-heavy tests: every seed letter converted ONCE per test session.

``seed_batch()`` is cached at module level (not only a session fixture), so however
many test modules use it, LibreOffice runs one batch call for all the seeds.
"""
from __future__ import annotations

import atexit
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

from generator.pipeline import Built, build_file
from generator.pdf.convert import PdfJob, convert

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "inputs" / "seeds").glob("*.yaml"))
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
requires_soffice = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice (soffice) chưa cài: apt-get install libreoffice-writer-nogui fonts-liberation2",
)
requires_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None,
    reason="poppler-utils (pdftotext, pdfinfo) chưa cài: apt-get install poppler-utils",
)


@dataclass(frozen=True)
class Converted:
    name: str
    built: Built
    docx: Path
    pdf: Path


@dataclass(frozen=True)
class Batch:
    folder: Path
    letters: dict[str, Converted]
    seconds: float


@lru_cache(maxsize=1)
def seed_batch() -> Batch:
    folder = Path(tempfile.mkdtemp(prefix="dispatch-test-pdf-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    letters: dict[str, Converted] = {}
    jobs = []
    for yaml_path in SEEDS:
        built = build_file(yaml_path)
        docx_path = folder / f"{yaml_path.stem}.docx"
        docx_path.write_bytes(built.docx)
        pdf_path = docx_path.with_suffix(".pdf")
        letters[yaml_path.stem] = Converted(yaml_path.stem, built, docx_path, pdf_path)
        jobs.append(PdfJob(docx_path, pdf_path, built.dispatch.date.as_date()))
    start = time.perf_counter()
    results = convert(jobs, parallel=1, timeout=120)
    seconds = time.perf_counter() - start
    failed = [f"{r.job.source.name}: {r.error}" for r in results if not r.ok]
    assert not failed, failed
    return Batch(folder, letters, seconds)


def pdf_pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split(":")[1] for line in out.splitlines() if line.startswith("Pages:")))
