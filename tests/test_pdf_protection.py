"""A PDF is the file that usually gets digitally signed (ký số): dispatch never replaces one that was
edited or signed since it wrote it, for a single letter, each bulk letter and ``tat-ca.pdf``
(the same rule as DOCX files; ``--force`` replaces it and keeps the old one as ``.bak-N.pdf``).

LibreOffice is stood in for by the fake ``soffice`` of tests/test_pdf.py (it writes a one-page PDF
with pikepdf), so these run fast and everywhere.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from generator.cli import main
from test_pdf import fake_soffice  # noqa: F401 (the fixture, shared)

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "inputs" / "seeds" / "000-lang-son-2018.yaml"


@pytest.fixture
def soffice(fake_soffice, monkeypatch):
    script, _log = fake_soffice
    monkeypatch.setenv("DISPATCH_SOFFICE", str(script))
    return script


def sign(pdf_path: Path) -> bytes:
    """What a signing tool does to the file, as far as dispatch can tell: the bytes change."""
    with pikepdf.open(pdf_path, allow_overwriting_input=True) as pdf:
        pdf.docinfo["/Signed"] = "Nguyễn Văn A, ký số 20/11/2026"
        pdf.save(pdf_path)
    return pdf_path.read_bytes()


def build(*args):
    return CliRunner().invoke(main, ["build", *map(str, args)])


def test_a_signed_letter_pdf_is_never_replaced_without_force(tmp_path, soffice):
    source = tmp_path / "thu.yaml"
    source.write_text(SEED.read_text("utf-8"), "utf-8")
    out = tmp_path / "ra" / "thu.docx"
    first = build(source, "-o", out, "--pdf")
    assert first.exit_code == 0, first.output
    pdf = out.with_suffix(".pdf")
    signed = sign(pdf)

    same = build(source, "-o", out, "--pdf")  # the same letter built again: the signed PDF stays
    assert same.exit_code == 0, same.output
    assert "Giữ nguyên" in same.output and pdf.read_bytes() == signed

    source.write_text(SEED.read_text("utf-8").replace("Lý Vinh Quang", "Nguyễn Văn Mười"), "utf-8")
    changed = build(source, "-o", out, "--pdf")  # the letter changed: its PDF would be replaced
    assert changed.exit_code == 4, changed.output
    assert "thu.pdf" in changed.output and "ký số" in changed.output and "--force" in changed.output
    assert "Traceback" not in changed.output
    assert pdf.read_bytes() == signed
    # the letter is now newer than its (kept) PDF: a plain re-run must not call the PDF current
    rerun = build(source, "-o", out, "--pdf")
    assert rerun.exit_code == 4, rerun.output
    assert pdf.read_bytes() == signed

    forced = build(source, "-o", out, "--pdf", "--force")
    assert forced.exit_code == 0, forced.output
    assert (tmp_path / "ra" / "thu.bak-1.pdf").read_bytes() == signed
    assert pdf.read_bytes() != signed and pdf.read_bytes().startswith(b"%PDF")


def test_a_pdf_dispatch_wrote_is_replaced_when_the_letter_changes(tmp_path, soffice):
    """Not every PDF is frozen: an untouched one of ours is simply brought up to date."""
    changed = tmp_path / "thu.yaml"
    changed.write_text(SEED.read_text("utf-8"), "utf-8")
    out = tmp_path / "ra" / "thu.docx"
    assert build(changed, "-o", out, "--pdf").exit_code == 0
    changed.write_text(SEED.read_text("utf-8").replace("Lý Vinh Quang", "Nguyễn Văn Mười"), "utf-8")
    result = build(changed, "-o", out, "--pdf")
    assert result.exit_code == 0, result.output
    assert not list((tmp_path / "ra").glob("*.bak-*"))


def test_a_pdf_that_dispatch_did_not_write_is_not_replaced(tmp_path, soffice):
    out = tmp_path / "ra" / "thu.docx"
    out.parent.mkdir()
    foreign = b"%PDF-1.4 ban da ky cua van thu\n%%EOF\n"
    out.with_suffix(".pdf").write_bytes(foreign)
    result = build(SEED, "-o", out, "--pdf")
    assert result.exit_code == 4, result.output
    assert out.with_suffix(".pdf").read_bytes() == foreign


@pytest.fixture
def campaign(tmp_path):
    shutil.copytree(ROOT / "inputs", tmp_path / "inputs")
    return tmp_path / "inputs" / "chien-dich" / "nhac-xa-2026.yaml"


def test_bulk_letter_pdfs_and_the_print_pdf_keep_their_signatures(tmp_path, soffice, campaign):
    out = tmp_path / "ra"
    first = build(campaign, "-o", out, "--pdf", "-j", "1")
    assert first.exit_code == 0, first.output
    folder = out / "nhac-xa-2026"
    letters = sorted(p for p in folder.glob("xa-*.pdf"))
    assert len(letters) >= 2
    signed_letter = sign(letters[0])

    # the deadline changes: every letter is rebuilt, so every PDF would be converted again
    campaign.write_text(campaign.read_text("utf-8").replace("15/12/2026", "20/12/2026"), "utf-8")
    second = build(campaign, "-o", out, "--pdf", "-j", "1")
    assert second.exit_code == 4, second.output
    assert letters[0].name in second.output and "ký số" in second.output
    assert letters[0].read_bytes() == signed_letter
    assert "Traceback" not in second.output

    forced = build(campaign, "-o", out, "--pdf", "-j", "1", "--force")
    assert forced.exit_code == 0, forced.output
    assert letters[0].with_name(letters[0].stem + ".bak-1.pdf").read_bytes() == signed_letter

    signed_print = sign(folder / "tat-ca.pdf")
    campaign.write_text(campaign.read_text("utf-8").replace("20/12/2026", "25/12/2026"), "utf-8")
    third = build(campaign, "-o", out, "--pdf", "-j", "1")
    assert third.exit_code == 4, third.output
    assert "tat-ca.pdf" in third.output
    assert (folder / "tat-ca.pdf").read_bytes() == signed_print
