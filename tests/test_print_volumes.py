"""The print file in volumes: names in print order, what each holds, its index, stale volumes removed under
the overwrite rule, and every volume accepted by ``dispatch text`` and ``lint``."""
import csv
import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from generator.bulk import print_file
from generator.cli import main
from generator.ooxml import guard
from pdf_support import requires_poppler, requires_soffice
from test_bulk import campaign_yaml

ORDER = ["An Bình", "Bắc Sơn", "Cao Lộc", "Đồng Tân", "Hà Giang", "Quyết Thắng", "Thanh Hà"]  # Vietnamese order
TABLE = "  xa:\n" + "".join(f"    - {{ten: {name}, dat: [1]}}\n" for name in
                            ["Thanh Hà", "Cao Lộc", "An Bình", "Quyết Thắng", "Đồng Tân", "Bắc Sơn", "Hà Giang"])


def _build(tmp_path: Path, *args: str):
    path = tmp_path / "cd.yaml"
    path.write_text(campaign_yaml(TABLE), encoding="utf-8")
    return CliRunner().invoke(main, ["build", str(path), "-o", str(tmp_path / "out"), "-j", "1", *args])


def _addressed(path: Path) -> list[str]:
    """The communes a print volume's letters are addressed to, in the order they print."""
    prefix = "Kính gửi: Ủy ban nhân dân xã "
    return [p.text[len(prefix):] for p in Document(path).paragraphs if p.text.startswith(prefix)]


def _index(folder: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO((folder / "tat-ca-muc-luc.csv").read_text("utf-8-sig"))))


def _print_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("tat-ca"))


def test_volumes_in_print_order_with_their_letters_and_index(tmp_path, monkeypatch):
    monkeypatch.setattr(print_file, "VOLUME_LETTERS", 2)
    result = _build(tmp_path)
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "thu-nghiem"
    assert _print_files(folder) == ["tat-ca-001.docx", "tat-ca-002.docx", "tat-ca-003.docx", "tat-ca-004.docx",
                                    "tat-ca-muc-luc.csv"]
    assert _addressed(folder / "tat-ca-001.docx") == ["An Bình", "Bắc Sơn"]
    assert _addressed(folder / "tat-ca-002.docx") == ["Cao Lộc", "Đồng Tân"]
    assert _addressed(folder / "tat-ca-003.docx") == ["Hà Giang", "Quyết Thắng"]
    assert _addressed(folder / "tat-ca-004.docx") == ["Thanh Hà"]
    for name in ("tat-ca-001.docx", "tat-ca-004.docx"):
        doc = Document(folder / name)
        assert len(doc.sections) == len(_addressed(folder / name))  # one section, own numbering, per letter
    assert _index(folder) == [
        {"tep": "tat-ca-001.docx", "so_thu": "2", "xa_dau": "An Bình", "xa_cuoi": "Bắc Sơn"},
        {"tep": "tat-ca-002.docx", "so_thu": "2", "xa_dau": "Cao Lộc", "xa_cuoi": "Đồng Tân"},
        {"tep": "tat-ca-003.docx", "so_thu": "2", "xa_dau": "Hà Giang", "xa_cuoi": "Quyết Thắng"},
        {"tep": "tat-ca-004.docx", "so_thu": "1", "xa_dau": "Thanh Hà", "xa_cuoi": "Thanh Hà"},
    ]
    for name in ("tat-ca-001.docx", "tat-ca-004.docx", "tat-ca-muc-luc.csv"):
        assert f"{name} [mới]" in result.output
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_one_volume_is_tat_ca_docx_without_an_index(tmp_path):
    result = _build(tmp_path)
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "thu-nghiem"
    assert _print_files(folder) == ["tat-ca.docx"]
    assert _addressed(folder / "tat-ca.docx") == ORDER


def test_a_run_with_fewer_volumes_removes_the_stale_ones(tmp_path, monkeypatch):
    folder = tmp_path / "out" / "thu-nghiem"
    monkeypatch.setattr(print_file, "VOLUME_LETTERS", 2)
    assert _build(tmp_path).exit_code == 0
    monkeypatch.setattr(print_file, "VOLUME_LETTERS", 3)
    result = _build(tmp_path)
    assert result.exit_code == 0, result.output
    assert _print_files(folder) == ["tat-ca-001.docx", "tat-ca-002.docx", "tat-ca-003.docx", "tat-ca-muc-luc.csv"]
    assert _addressed(folder / "tat-ca-003.docx") == ["Thanh Hà"]
    assert [row["so_thu"] for row in _index(folder)] == ["3", "3", "1"]
    monkeypatch.setattr(print_file, "VOLUME_LETTERS", 10)
    result = _build(tmp_path)
    assert result.exit_code == 0, result.output
    assert _print_files(folder) == ["tat-ca.docx"]  # the volumes and their index: removed
    assert _addressed(folder / "tat-ca.docx") == ORDER


def test_a_stale_volume_a_clerk_edited_is_kept_and_reported(tmp_path, monkeypatch):
    folder = tmp_path / "out" / "thu-nghiem"
    monkeypatch.setattr(print_file, "VOLUME_LETTERS", 2)
    assert _build(tmp_path).exit_code == 0
    doc = Document(folder / "tat-ca-004.docx")  # a clerk adds a line to the last volume in Word
    doc.paragraphs[-1].add_run(" Đã ký.")
    doc.save(folder / "tat-ca-004.docx")
    edited = (folder / "tat-ca-004.docx").read_bytes()
    monkeypatch.setattr(print_file, "VOLUME_LETTERS", 3)
    result = _build(tmp_path)
    assert (folder / "tat-ca-004.docx").read_bytes() == edited
    rows = list(csv.DictReader(io.StringIO((folder / "manifest.csv").read_text("utf-8-sig"))))
    assert {"xa": "", "tep": "tat-ca-004.docx", "trang_thai": "cũ, đã sửa tay", "sha256": ""} in rows
    assert _addressed(folder / "tat-ca-003.docx") == ["Thanh Hà"], result.output


def test_text_and_lint_accept_a_volume(tmp_path, monkeypatch):
    monkeypatch.setattr(print_file, "VOLUME_LETTERS", 3)
    assert _build(tmp_path).exit_code == 0
    volume = tmp_path / "out" / "thu-nghiem" / "tat-ca-001.docx"
    text = CliRunner().invoke(main, ["text", str(volume)])
    assert text.exit_code == 0, text.output
    assert "Ủy ban nhân dân xã An Bình" in text.output and "Ủy ban nhân dân xã Cao Lộc" in text.output
    lint = CliRunner().invoke(main, ["lint", str(volume)])
    assert lint.exit_code in (0, 1), lint.output  # a result (several letters in one file), never refused


def test_a_full_volume_at_the_real_size_passes_the_guard(tmp_path):
    """``VOLUME_LETTERS`` + 1 communes: a full volume and one letter more; the full one is what the guard of
    ``text``/``lint``/``diff`` must accept."""
    from generator.bulk import run as bulk
    from generator.bulk.campaign import load_campaign

    size = print_file.VOLUME_LETTERS
    names = [f"Thử {n:04d}" for n in range(1, size + 2)]
    table = "  xa:\n" + "".join(f"    - {{ten: {name}, dat: [1, 2]}}\n" for name in names)
    path = tmp_path / "cd.yaml"
    path.write_text(campaign_yaml(table), encoding="utf-8")
    report = bulk.run(load_campaign(path), tmp_path / "out", jobs=1)
    assert not report.problems and report.print_files == ["tat-ca-001.docx", "tat-ca-002.docx", "tat-ca-muc-luc.csv"]
    folder = tmp_path / "out" / "thu-nghiem"
    full = folder / "tat-ca-001.docx"
    guard.check_docx(full)  # raises DocxReadError if refused
    with zipfile.ZipFile(full) as package:
        body = package.read("word/document.xml")
    assert body.count(b"<w:sectPr") == size
    assert _addressed(folder / "tat-ca-002.docx") == [names[-1]]


@pytest.mark.parametrize("name, expected", [("tat-ca.docx", True), ("tat-ca-001.docx", True),
                                            ("tat-ca-1234.docx", True), ("tat-ca-01.docx", False),
                                            ("tat-ca.pdf", False), ("xa-tat-ca-001.docx", False)])
def test_what_is_a_print_volume(name, expected):
    assert print_file.is_print_file(name) is expected


@requires_soffice
@requires_poppler
def test_each_letter_prints_in_the_volume_as_it_prints_alone(tmp_path, monkeypatch):
    """A volume of long (two pages) and short (one page) letters against the same letters converted one by one:
    each letter starts on a new page, has as many pages as alone and the same text on each, its page numbers
    restarting at 1 (a page count short of "letters x 2" is the short letters, not letters running together)."""
    from generator.pdf import convert as pdf, volume

    table = "  xa:\n" + "".join(f"    - {{ten: {name}, dat: {dat}}}\n" for name, dat in [
        ("An Bình", "[1]"), ("Bắc Sơn", "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]"),
        ("Cao Lộc", "[1, 2, 3]"), ("Đồng Tân", "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]"),
        ("Hà Giang", "[2]")])
    path = tmp_path / "cd.yaml"
    path.write_text(campaign_yaml(table), encoding="utf-8")
    assert CliRunner().invoke(main, ["build", str(path), "-o", str(tmp_path / "out"), "-j", "1"]).exit_code == 0
    folder = tmp_path / "out" / "thu-nghiem"
    letters = {p.name: p for p in folder.glob("xa-*.docx")}
    monkeypatch.setattr(volume, "read_letter", lambda path: None)  # each letter converted as its own document
    jobs = [pdf.PdfJob(folder / "tat-ca.docx", tmp_path / "pdf" / "tat-ca.pdf")]
    jobs += [pdf.PdfJob(p, tmp_path / "pdf" / (p.stem + ".pdf")) for p in letters.values()]
    assert all(r.ok for r in pdf.convert(jobs, parallel=1, timeout=120))
    printed = _pages_text(tmp_path / "pdf" / "tat-ca.pdf")
    at, counts = 0, []
    for name in ("xa-an-binh", "xa-bac-son", "xa-cao-loc", "xa-dong-tan", "xa-ha-giang"):  # print order
        alone = _pages_text(tmp_path / "pdf" / f"{name}.pdf")
        counts.append(len(alone))
        assert printed[at: at + len(alone)] == alone, name
        at += len(alone)
    assert at == len(printed)
    assert counts == [2, 1, 2, 1, 2]  # a commune that met every criterion gets the short letter


def _pages_text(pdf_path: Path) -> list[str]:
    """Each page's text (poppler), page by page."""
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    return [page.strip() for page in text.split("\f")[:-1]]


def test_a_full_volume_is_finished_before_the_next_begins(tmp_path, monkeypatch):
    """A volume holds a compressor and a letter while it is open: a run of 50,000 letters in 250 volumes
    grew by them until the end. Each is finished (its zip complete on disk) as the next one begins; the
    last when the run ends. The files are the same either way (test above)."""
    monkeypatch.setattr(print_file, "VOLUME_LETTERS", 2)
    finished = []
    close = print_file.Combined.close

    def spy(self):
        finished.append((self.path.name, len(opened)))
        return close(self)

    opened = []
    start = print_file.staging_file

    def staged(folder, name, *args):
        opened.append(name)
        return start(folder, name, *args)

    monkeypatch.setattr(print_file.Combined, "close", spy)
    monkeypatch.setattr(print_file, "staging_file", staged)
    result = _build(tmp_path)
    assert result.exit_code == 0, result.output
    assert opened == ["tat-ca-001.docx", "tat-ca-002.docx", "tat-ca-003.docx", "tat-ca-004.docx"]
    first_closes = {}
    for name, opened_then in finished:
        first_closes.setdefault(name, opened_then)
    volumes = sorted(first_closes)
    assert len(volumes) == 4
    # volume n was finished while volume n+1 was being opened (n+1 volumes staged by then), the last at the end
    assert [first_closes[v] for v in volumes] == [1, 2, 3, 4]
