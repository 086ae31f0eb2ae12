"""PDF output: batches through LibreOffice, missing soffice, stalls, reproducible bytes, joining."""
from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pikepdf
import psutil
import pytest
from click.testing import CliRunner

from generator.pdf import convert as pdf
from generator.pdf import volume
from generator.pipeline import build_file
from generator.cli import main
from generator.pdf.convert import PdfError, PdfJob, concatenate, convert, find_soffice, normalize_pdf, timeout_seconds

from pdf_support import ROOT, SEEDS, pdf_pages, requires_poppler, requires_soffice, seed_batch

SEED = ROOT / "inputs" / "seeds" / "000-lang-son-2018.yaml"

# A stand-in for soffice: writes a one-page PDF per input, hangs on inputs holding
# "STALL" (in a child process, as soffice.bin hangs under oosplash), skips "BROKEN".
FAKE_SOFFICE = """#!{python}
import os, subprocess, sys, zipfile
import pikepdf
args = sys.argv[1:]
outdir = args[args.index("--outdir") + 1]
files = [a for a in args if a.endswith(".docx")]
log = open(os.environ["FAKE_SOFFICE_LOG"], "a")
log.write("call %d %s %s\\n" % (len(files), " ".join(a for a in args if a.startswith("-env:")),
                              args[args.index("--convert-to") + 1]))
log.flush()
for f in files:
    data = open(f, "rb").read()
    try:  # a real .docx (a volume of letters too): its text
        data += zipfile.ZipFile(f).read("word/document.xml")
    except Exception:
        pass
    if b"STALL" in data:
        child = subprocess.Popen(["sleep", "300"])
        log.write("child %d\\n" % child.pid)
        log.flush()
        child.wait()
    if b"BROKEN" in data:
        continue
    out = pikepdf.new()
    out.add_blank_page()
    out.save(os.path.join(outdir, os.path.basename(f)[:-5] + ".pdf"))
"""


@pytest.fixture
def fake_soffice(tmp_path, monkeypatch):
    script = tmp_path / "soffice"
    script.write_text(FAKE_SOFFICE.format(python=sys.executable))
    script.chmod(0o755)
    log = tmp_path / "soffice.log"
    log.write_text("")
    monkeypatch.setenv("FAKE_SOFFICE_LOG", str(log))
    return script, log


def _jobs(tmp_path, contents: list[bytes]) -> list[PdfJob]:
    jobs = []
    for i, content in enumerate(contents):
        src = tmp_path / f"thu-{i}.docx"
        src.write_bytes(content)
        jobs.append(PdfJob(src, tmp_path / "out" / f"thu-{i}.pdf", dt.date(2025, 1, 5)))
    return jobs


# A stand-in for soffice whose work hangs in a grandchild: the script (dispatch's child, as oosplash)
# starts a second Python (the grandchild, as soffice.bin), logs both pids, and then hangs itself.
HANGING_SOFFICE = """#!{python}
import os, subprocess, sys, time
grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
with open(os.environ["FAKE_SOFFICE_LOG"], "a") as log:
    log.write("child %d\\ngrandchild %d\\n" % (os.getpid(), grandchild.pid))
time.sleep(300)
"""


def _ended(pid: int) -> bool:
    """The process is gone, or a zombie (dead, waiting for a parent that may never reap it)."""
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


# --------------------------------------------------------------------------- no LibreOffice needed


def test_missing_soffice_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.delenv(pdf.SOFFICE_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing here
    with pytest.raises(PdfError) as err:
        find_soffice()
    assert "apt-get install libreoffice-writer-nogui fonts-liberation2" in str(err.value)
    assert err.value.exit_code != 0


def _no_soffice_on_path(monkeypatch, tmp_path):
    monkeypatch.delenv(pdf.SOFFICE_ENV, raising=False)
    empty = tmp_path / "path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def _touch(path: Path) -> Path:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")
    return path


def test_soffice_found_in_windows_program_files(monkeypatch, tmp_path):
    """The Windows installer puts soffice.exe under Program Files and not on PATH."""
    _no_soffice_on_path(monkeypatch, tmp_path)
    pf = tmp_path / "Program Files"
    pf86 = tmp_path / "Program Files (x86)"
    exe = _touch(pf / "LibreOffice" / "program" / "soffice.exe")
    environ = {"ProgramFiles": str(pf), "ProgramFiles(x86)": str(pf86)}
    assert find_soffice(platform="win32", environ=environ) == str(exe)
    exe.unlink()  # a 32-bit LibreOffice on 64-bit Windows
    exe86 = _touch(pf86 / "LibreOffice" / "program" / "soffice.exe")
    assert find_soffice(platform="win32", environ=environ) == str(exe86)
    exe86.unlink()
    with pytest.raises(PdfError) as err:
        find_soffice(platform="win32", environ=environ)
    assert "winget install --id TheDocumentFoundation.LibreOffice" in str(err.value)
    assert "apt-get" not in str(err.value)


class _FakeKey:
    def __init__(self, value):
        self.value = value

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_soffice_found_through_the_windows_registry(monkeypatch, tmp_path):
    """Installed elsewhere (another drive): the MSI's HKLM\\SOFTWARE\\LibreOffice\\UNO\\InstallPath says where."""
    _no_soffice_on_path(monkeypatch, tmp_path)
    program = tmp_path / "D" / "Ung dung" / "LibreOffice" / "program"
    exe = _touch(program / "soffice.exe")
    asked = []

    def open_key(root, subkey, reserved, access):
        asked.append((root, subkey))
        if root == "HKLM" and subkey == "SOFTWARE\\LibreOffice\\UNO\\InstallPath":
            return _FakeKey(str(program))
        raise FileNotFoundError(subkey)

    winreg = type(sys)("winreg")
    winreg.HKEY_LOCAL_MACHINE, winreg.HKEY_CURRENT_USER = "HKLM", "HKCU"
    winreg.KEY_READ, winreg.KEY_WOW64_64KEY, winreg.KEY_WOW64_32KEY = 1, 2, 4
    winreg.OpenKey = open_key
    winreg.QueryValueEx = lambda key, name: (key.value, 1) if name == "" else (_ for _ in ()).throw(OSError(name))
    monkeypatch.setitem(sys.modules, "winreg", winreg)
    assert find_soffice(platform="win32", environ={}) == str(exe)
    assert ("HKLM", "SOFTWARE\\LibreOffice\\UNO\\InstallPath") in asked


def test_soffice_found_in_macos_app_bundle(monkeypatch, tmp_path):
    _no_soffice_on_path(monkeypatch, tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setattr(pdf, "MACOS_APPLICATIONS", (tmp_path / "Applications", Path("~/Applications")))
    system = _touch(tmp_path / "Applications" / "LibreOffice.app" / "Contents" / "MacOS" / "soffice")
    assert find_soffice(platform="darwin", environ={}) == str(system)
    system.unlink()
    own = _touch(tmp_path / "home" / "Applications" / "LibreOffice.app" / "Contents" / "MacOS" / "soffice")
    assert find_soffice(platform="darwin", environ={}) == str(own)
    own.unlink()
    with pytest.raises(PdfError) as err:
        find_soffice(platform="darwin", environ={})
    assert "brew install --cask libreoffice" in str(err.value) and "apt-get" not in str(err.value)


def test_install_hint_per_platform():
    assert "winget install --id TheDocumentFoundation.LibreOffice" in pdf.install_hint("win32")
    assert "brew install --cask libreoffice" in pdf.install_hint("darwin")
    linux = pdf.install_hint("linux")
    assert "sudo apt-get install libreoffice-writer-nogui fonts-liberation2" in linux
    assert "winget" not in linux and "brew" not in linux
    for platform in ("win32", "darwin", "linux"):
        assert "Cần LibreOffice để xuất PDF" in pdf.install_hint(platform)
        assert "DISPATCH_SOFFICE" in pdf.install_hint(platform)


def test_path_and_env_come_before_install_folders(monkeypatch, tmp_path):
    _no_soffice_on_path(monkeypatch, tmp_path)
    pf = tmp_path / "Program Files"
    _touch(pf / "LibreOffice" / "program" / "soffice.exe")
    mine = tmp_path / "path" / "soffice"
    mine.write_text("#!/bin/sh\n")
    mine.chmod(0o755)
    assert find_soffice(platform="win32", environ={"ProgramFiles": str(pf)}) == str(mine)
    chosen = tmp_path / "chosen-soffice"
    chosen.write_text("#!/bin/sh\n")
    chosen.chmod(0o755)
    environ = {"ProgramFiles": str(pf), pdf.SOFFICE_ENV: str(chosen)}
    assert find_soffice(platform="win32", environ=environ) == str(chosen)


def test_build_pdf_without_soffice_exits_nonzero_and_writes_nothing(monkeypatch, tmp_path):
    monkeypatch.setenv(pdf.SOFFICE_ENV, str(tmp_path / "khong-co-soffice"))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(SEED), "-o", f"{out}/", "--pdf"])
    assert result.exit_code == PdfError.exit_code != 0
    assert "apt-get install libreoffice-writer-nogui fonts-liberation2" in result.output
    assert not out.exists()


def test_timeout_from_option_env_default(monkeypatch):
    monkeypatch.delenv(pdf.TIMEOUT_ENV, raising=False)
    assert timeout_seconds() == pdf.DEFAULT_TIMEOUT
    monkeypatch.setenv(pdf.TIMEOUT_ENV, "2.5")
    assert timeout_seconds() == 2.5
    assert timeout_seconds(7) == 7.0
    monkeypatch.setenv(pdf.TIMEOUT_ENV, "nhanh")
    with pytest.raises(PdfError, match="số giây"):
        timeout_seconds()
    with pytest.raises(PdfError):
        timeout_seconds(0)


@pytest.mark.parametrize("value", ["nan", "inf", "-5", "0"])
def test_pdf_timeout_that_is_not_a_positive_number_is_refused(value, monkeypatch, tmp_path, fake_soffice):
    """nan compared with 0 is always False: it would switch the stall guard off."""
    script, log = fake_soffice
    monkeypatch.setenv(pdf.SOFFICE_ENV, str(script))
    monkeypatch.delenv(pdf.TIMEOUT_ENV, raising=False)
    with pytest.raises(PdfError, match="lớn hơn 0"):
        timeout_seconds(float(value))
    out = tmp_path / "ra"
    result = CliRunner().invoke(main, ["build", str(SEED), "-o", f"{out}/", "--pdf", "--pdf-timeout", value])
    assert result.exit_code == 5, result.output
    assert "thời gian chờ LibreOffice phải là một số giây lớn hơn 0" in result.output
    assert "Lỗi nội bộ" not in result.output and not out.exists() and log.read_text() == ""
    monkeypatch.setenv(pdf.TIMEOUT_ENV, value)
    with pytest.raises(PdfError, match="lớn hơn 0"):
        timeout_seconds()


def test_stalled_soffice_tree_is_killed_without_killpg(monkeypatch, tmp_path, fake_soffice):
    """Windows has no os.killpg: the stall guard must stop soffice and what it started all the same."""
    _, log = fake_soffice
    script = tmp_path / "hanging-soffice"
    script.write_text(HANGING_SOFFICE.format(python=sys.executable))
    script.chmod(0o755)
    monkeypatch.setenv(pdf.SOFFICE_ENV, str(script))
    monkeypatch.delattr(os, "killpg", raising=False)  # already gone under --windows
    out = tmp_path / "ra"
    start = time.monotonic()
    result = CliRunner().invoke(main, ["build", str(SEED), "-o", f"{out}/", "--pdf", "--pdf-timeout", "1"])
    elapsed = time.monotonic() - start
    assert result.exit_code == 5, result.output
    assert "LibreOffice không xong sau 1 giây nên đã bị dừng" in result.output and "Lỗi nội bộ" not in result.output
    assert elapsed < 20, elapsed
    pids = dict(line.split() for line in log.read_text().splitlines())
    assert set(pids) == {"child", "grandchild"}
    deadline = time.monotonic() + 5
    while not all(_ended(int(pid)) for pid in pids.values()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _ended(int(pids["child"])), "soffice itself must be stopped"
    assert _ended(int(pids["grandchild"])), "what soffice started must be stopped too"
    assert (out / f"{SEED.stem}.docx").exists() and not (out / f"{SEED.stem}.pdf").exists()


def test_build_pdf_with_the_pdf_open_in_a_viewer_exits_4(monkeypatch, tmp_path, fake_soffice):
    """Windows refuses to replace a PDF a viewer holds open: exit 4, the file named, the old PDF kept."""
    from generator.write import output as output

    script, _ = fake_soffice
    monkeypatch.setenv(pdf.SOFFICE_ENV, str(script))
    monkeypatch.setattr(output, "BUSY_WAIT", 0.2)
    out = tmp_path / "ra"
    target = out / f"{SEED.stem}.pdf"
    changed = tmp_path / SEED.name  # the PDF there is ours (an earlier build); the letter has changed since
    changed.write_text(SEED.read_text("utf-8"), "utf-8")
    assert CliRunner().invoke(main, ["build", str(changed), "-o", f"{out}/", "--pdf"]).exit_code == 0
    old_pdf = target.read_bytes()
    # a new date: the new PDF differs from the old one (its dates are the letter's)
    changed.write_text(SEED.read_text("utf-8").replace("ngay: \"08/3/2018\"", "ngay: \"09/3/2018\""), "utf-8")
    real_replace = os.replace

    def locked(src, dst, *args, **kwargs):
        if Path(dst) == target:
            exc = PermissionError(13, "The process cannot access the file because it is being used by another process")
            exc.winerror = 32
            raise exc
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(output.os, "replace", locked)
    result = CliRunner().invoke(main, ["build", str(changed), "-o", f"{out}/", "--pdf"])
    assert result.exit_code == 4, result.output
    assert f"{SEED.stem}.pdf" in result.output and "đang được mở trong một chương trình khác" in result.output
    assert "Hãy đóng tệp đó rồi chạy lại" in result.output
    assert target.read_bytes() == old_pdf
    assert not [p for p in os.listdir(out) if p.endswith(".tmp")]


def test_stalled_conversion_is_killed_reported_and_the_rest_converted(tmp_path, fake_soffice):
    script, log = fake_soffice
    jobs = _jobs(tmp_path, [b"ok", b"STALL", b"ok", b"ok"])
    start = time.monotonic()
    results = convert(jobs, soffice=str(script), timeout=1.0, parallel=1)
    elapsed = time.monotonic() - start
    assert elapsed < 15, "a stalled LibreOffice must not hang the run"
    assert [r.ok for r in results] == [True, False, True, True]
    assert "1 giây" in results[1].error and "--pdf-timeout" in results[1].error
    for r in results:
        assert r.job.target.exists() == r.ok
    calls = [line for line in log.read_text().splitlines() if line.startswith("call")]
    assert [c.split()[1] for c in calls] == ["4", "2"]  # one batch call, then a fresh one for the rest
    profiles = {c.split()[2] for c in calls}
    assert len(profiles) == 2 and all("UserInstallation=file:///" in p for p in profiles)
    child = int(next(line.split()[1] for line in log.read_text().splitlines() if line.startswith("child")))
    deadline = time.monotonic() + 5
    while not _ended(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _ended(child), "the whole process tree must be killed"


def test_file_libreoffice_cannot_convert_is_reported(tmp_path, fake_soffice):
    script, _ = fake_soffice
    jobs = _jobs(tmp_path, [b"ok", b"BROKEN"])
    with pytest.raises(PdfError) as err:
        pdf.convert_or_raise(jobs, soffice=str(script), timeout=10)
    assert "thu-1.docx" in str(err.value) and "không chuyển được" in str(err.value)
    assert jobs[0].target.exists() and not jobs[1].target.exists()


def test_parallel_jobs_each_get_their_own_profile(tmp_path, fake_soffice):
    script, log = fake_soffice
    jobs = _jobs(tmp_path, [b"ok"] * 6)
    results = convert(jobs, soffice=str(script), timeout=10, parallel=3)
    assert all(r.ok for r in results)
    calls = [line for line in log.read_text().splitlines() if line.startswith("call")]
    assert sorted(int(c.split()[1]) for c in calls) == [2, 2, 2]
    assert len({c.split()[2] for c in calls}) == 3


def test_normalize_removes_what_changes_between_runs():
    def raw(stamp: str) -> bytes:
        doc = pikepdf.new()
        doc.add_blank_page()
        doc.docinfo["/CreationDate"] = stamp
        doc.docinfo["/Producer"] = "LibreOffice 7.4"
        doc.Root.Metadata = doc.make_stream(b"<x:xmpmeta/>")
        doc.trailer["/DocChecksum"] = pikepdf.Name("/ABCDEF")
        buf = io.BytesIO()
        doc.save(buf, static_id=False)
        return buf.getvalue()

    a, b = raw("D:20261122080000Z"), raw("D:20261122080107Z")
    assert a != b
    day = dt.date(2018, 3, 8)
    na, nb = normalize_pdf(a, day), normalize_pdf(b, day)
    assert na == nb
    with pikepdf.open(io.BytesIO(na)) as doc:
        assert str(doc.docinfo["/CreationDate"]) == "D:20180308000000+07'00'"
        assert str(doc.docinfo["/ModDate"]) == "D:20180308000000+07'00'"
        assert "/Metadata" not in doc.Root and "/DocChecksum" not in doc.trailer


def test_concatenate_joins_in_order_atomically_and_reproducibly(tmp_path):
    sources = []
    for n in (1, 2, 3):
        doc = pikepdf.new()
        for _ in range(n):
            doc.add_blank_page(page_size=(595 + n, 842))
        sources.append(tmp_path / f"{n}.pdf")
        doc.save(sources[-1])
    target = tmp_path / "in" / "tat-ca.pdf"
    assert concatenate(sources, target, dt.date(2025, 1, 5), "Tất cả công văn") == 6
    first = target.read_bytes()
    assert concatenate(sources, target, dt.date(2025, 1, 5), "Tất cả công văn") == 6
    assert target.read_bytes() == first
    with pikepdf.open(target) as joined:
        widths = [float(p.mediabox[2]) for p in joined.pages]
        assert widths == [596, 597, 597, 598, 598, 598]
        assert str(joined.docinfo["/Title"]) == "Tất cả công văn"
    # no temporary left over (the manifest and the folder's lock file are dispatch's own)
    assert sorted(p.name for p in target.parent.iterdir()) == [".dispatch-manifest.json", ".dispatch.lock", "tat-ca.pdf"]
    with pytest.raises(PdfError):
        concatenate([tmp_path / "khong-co.pdf"], tmp_path / "x.pdf")


# --------------------------------------------------------------------------- real LibreOffice


@requires_soffice
@requires_poppler
def test_every_seed_converts_in_one_batch():
    batch = seed_batch()
    assert set(batch.letters) == {p.stem for p in SEEDS}
    for letter in batch.letters.values():
        pages = pdf_pages(letter.pdf)
        assert 1 <= pages <= 6, (letter.name, pages)
        with pikepdf.open(letter.pdf) as doc:
            date = letter.built.dispatch.date.as_date()
            assert str(doc.docinfo["/CreationDate"]) == f"D:{date:%Y%m%d}000000+07'00'"
            assert "/Metadata" not in doc.Root
            assert str(doc.docinfo["/Title"]).startswith("V/v ")
    assert sorted(p.suffix for p in batch.folder.iterdir() if not p.name.startswith(".dispatch")) == \
        [".docx"] * len(SEEDS) + [".pdf"] * len(SEEDS)


@requires_soffice
@requires_poppler
def test_pdf_uses_one_times_compatible_font_family():
    """With fonts-liberation2 every Vietnamese letter comes from Liberation Serif (metric twin of Times New
    Roman); with the old fonts-liberation, letters like ơ, ư, ạ would come from DejaVu inside a word."""
    for letter in seed_batch().letters.values():
        out = subprocess.run(["pdffonts", str(letter.pdf)], capture_output=True, text=True, check=True).stdout
        fonts = {line.split()[0].split("+")[-1] for line in out.splitlines()[2:] if line.strip()}
        families = {f.split("-")[0] for f in fonts}
        assert families <= {"LiberationSerif", "TimesNewRomanPSMT", "TimesNewRoman"}, (letter.name, fonts)
        assert any("Bold" in f for f in fonts) and any("Italic" in f for f in fonts)


def _printed(path: Path) -> tuple[bytes, str]:
    """What a PDF shows: every page rendered (poppler, 150 dpi, grey) and its text laid out."""
    pixels = subprocess.run(["pdftoppm", "-r", "150", "-gray", str(path)], capture_output=True, check=True).stdout
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return pixels, text


@requires_soffice
def test_same_letters_same_pdf_bytes(tmp_path):
    """A second, separate LibreOffice run of the same letters gives byte-identical output after the post-pass
    (a letter alone too)."""
    batch = seed_batch()
    jobs = [PdfJob(c.docx, tmp_path / f"{name}.pdf", c.built.dispatch.date.as_date()) for name, c in
            batch.letters.items()]
    assert all(r.ok for r in convert(jobs, parallel=1, timeout=120))
    for job, letter in zip(jobs, batch.letters.values()):
        assert job.target.read_bytes() == letter.pdf.read_bytes(), letter.name
    alone = [PdfJob(jobs[0].source, tmp_path / f"mot-{n}.pdf", jobs[0].date) for n in (1, 2)]
    for job in alone:
        (result,) = convert([job], timeout=120)
        assert result.ok, result.error
    assert alone[0].target.read_bytes() == alone[1].target.read_bytes()


@requires_soffice
@requires_poppler
def test_each_letter_of_a_volume_prints_exactly_as_it_does_alone(tmp_path, monkeypatch):
    """The seeds (one template, so one volume in the session's batch) against the same letters each converted
    as a document of its own: the same pages, pixel for pixel at 150 dpi, the same text, the same document
    information and catalog; only the embedded font subsets differ."""
    batch = seed_batch()
    read = [volume.read_letter(c.docx) for c in batch.letters.values()]
    assert all(read) and len({letter.shared for letter in read}) == 1  # the batch joined them: one volume
    monkeypatch.setattr(volume, "read_letter", lambda path: None)  # every letter a document of its own
    jobs = [PdfJob(c.docx, tmp_path / f"{name}.pdf", c.built.dispatch.date.as_date()) for name, c in
            batch.letters.items()]
    assert all(r.ok for r in convert(jobs, parallel=1, timeout=120))
    pages = {}
    for job, letter in zip(jobs, batch.letters.values()):
        assert _printed(letter.pdf) == _printed(job.target), letter.name
        with pikepdf.open(letter.pdf) as joined, pikepdf.open(job.target) as alone:
            pages[letter.name] = len(joined.pages)
            assert len(joined.pages) == len(alone.pages)
            assert {k: str(v) for k, v in joined.docinfo.items()} == {k: str(v) for k, v in alone.docinfo.items()}
            assert sorted(joined.Root.keys()) == sorted(alone.Root.keys()) == \
                ["/Lang", "/OpenAction", "/Pages", "/Type", "/ViewerPreferences"]
            assert str(joined.Root.Lang) == str(alone.Root.Lang) == "vi-VN"
            assert joined.pdf_version == alone.pdf_version
    assert pages == {"000-lang-son-2018": 2, "001-vinh-linh-2023": 2, "002-huu-lung-2024": 4, "003-tam-duong-2024": 3,
                     "004-tinh-2023": 2}


@requires_soffice
@requires_poppler
def test_cli_build_pdf_writes_the_pdf_next_to_the_docx(tmp_path):
    result = CliRunner().invoke(main, ["build", str(SEED), "-o", f"{tmp_path}/", "--pdf", "--pdf-timeout", "120"])
    assert result.exit_code == 0, result.output
    docx_path, pdf_path = tmp_path / f"{SEED.stem}.docx", tmp_path / f"{SEED.stem}.pdf"
    assert docx_path.exists() and pdf_path.read_bytes().startswith(b"%PDF")
    assert f"{SEED.stem}.pdf" in result.output
    assert _printed(pdf_path) == _printed(seed_batch().letters[SEED.stem].pdf)  # alone = in the batch's volume
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_each_pdf_is_written_while_soffice_converts_the_next(tmp_path, fake_soffice, monkeypatch):
    """A PDF is post-processed and written as soon as soffice has moved on to the next file, not after the
    whole call: here the first PDF is in place before the stalled call is killed."""
    script, _ = fake_soffice
    events = []
    write, kill = pdf._Writer.write, pdf._kill

    def recorded_write(self, job, data):
        events.append(("write", job.source.name))
        return write(self, job, data)

    def recorded_kill(proc):
        events.append(("kill", ""))
        return kill(proc)

    monkeypatch.setattr(pdf._Writer, "write", recorded_write)
    monkeypatch.setattr(pdf, "_kill", recorded_kill)
    jobs = _jobs(tmp_path, [b"ok", b"ok", b"STALL"])
    results = convert(jobs, soffice=str(script), timeout=2.0, parallel=1)
    assert [r.ok for r in results] == [True, True, False]
    assert events.index(("write", "thu-0.docx")) < events.index(("kill", ""))


# --------------------------------------------------------------------------- volumes (many letters, one document)


def _package_with(docx: bytes, **changes: bytes) -> bytes:
    """``docx`` with the parts named in ``changes`` (``word_document_xml`` for word/document.xml) replaced."""
    named = {key.replace("_xml", ".xml").replace("_", "/", 1): value for key, value in changes.items()}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, named.get(info.filename, source.read(info)))
    return out.getvalue()


@pytest.fixture(scope="module")
def seed_docx() -> bytes:
    return build_file(SEED).docx


def test_a_letter_joins_a_volume_only_when_nothing_in_it_reaches_across_letters(tmp_path, seed_docx):
    with zipfile.ZipFile(io.BytesIO(seed_docx)) as package:
        document, footer = package.read("word/document.xml"), package.read("word/header1.xml")
    sect = document.rindex(b"<w:sectPr")
    first_p = document.index(b"<w:p>")
    cases = {
        "as built": (seed_docx, True),
        "list numbering (continues from the letter before)": (_package_with(seed_docx, word_document_xml=document.replace(
            b"<w:p>", b'<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>', 1)), False),
        "a second section": (_package_with(seed_docx, word_document_xml=document[:first_p] + b"<w:p><w:pPr>"
                             + document[sect:document.rindex(b"</w:body>")] + b"</w:pPr></w:p>" + document[first_p:]),
                             False),
        "a continuous section": (_package_with(seed_docx, word_document_xml=document.replace(
            b"<w:pgSz", b'<w:type w:val="continuous"/><w:pgSz', 1)), False),
        "NUMPAGES in a header (would count the volume)": (_package_with(seed_docx, word_header1_xml=footer.replace(
            b" PAGE ", b" NUMPAGES ")), False),
        "a simple PAGE field": (_package_with(seed_docx, word_document_xml=document.replace(
            b"<w:r>", b'<w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple><w:r>', 1)), True),
        "a simple TITLE field (would read the volume's title)": (_package_with(seed_docx, word_document_xml=document.replace(
            b"<w:r>", b'<w:fldSimple w:instr=" TITLE "><w:r><w:t>x</w:t></w:r></w:fldSimple><w:r>', 1)), False),
        "a footnote": (_package_with(seed_docx, word_document_xml=document.replace(
            b"<w:r>", b'<w:r><w:footnoteReference w:id="1"/></w:r><w:r>', 1)), False),
        "not a zip": (b"PK not really", False),
        "a page break before its first paragraph (one page more after the section break)": (_package_with(
            seed_docx, word_document_xml=document.replace(b"<w:p>", b"<w:p><w:pPr><w:pageBreakBefore/></w:pPr>", 1)),
            False),
        "a page break opening it": (_package_with(seed_docx, word_document_xml=document[:first_p] + (
            b'<w:p><w:r><w:br w:type="page"/></w:r></w:p>') + document[first_p:]), False),
        "ending with a table": (_package_with(seed_docx, word_document_xml=document[:sect]
                                + b"<w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>" + document[sect:]), False),
        "a bookmark named as ours": (_package_with(seed_docx, word_document_xml=document.replace(
            b"<w:r>", b'<w:bookmarkStart w:id="1" w:name="dispatchletter00000"/><w:r>', 1)), False),
        "line numbers that run on": (_package_with(seed_docx, word_document_xml=document.replace(
            b"<w:cols", b'<w:lnNumType w:countBy="1" w:restart="continuous"/><w:cols', 1)), False),
    }
    assert b" PAGE " in footer and b"<w:r>" in document
    for name, (data, joins) in cases.items():
        path = tmp_path / "thu.docx"
        path.write_bytes(data)
        assert (volume.read_letter(path) is not None) is joins, name


def test_letters_go_in_volumes_of_the_same_shared_parts_next_to_each_other(tmp_path, seed_docx, monkeypatch):
    other = _package_with(seed_docx, word_styles_xml=b"<w:styles/>")  # another template: not with the others
    contents = [seed_docx, seed_docx, b"BROKEN", seed_docx, seed_docx, seed_docx, other, seed_docx]
    jobs = _jobs(tmp_path, contents)
    monkeypatch.setattr(pdf, "VOLUME_LETTERS", 2)
    units, _ = pdf._units(jobs)
    assert units == [[0, 1], [2], [3, 4], [5], [6], [7]]


def test_units_are_shared_out_so_that_the_calls_end_together():
    fifty, other_fifty, twenty = list(range(50)), list(range(50, 100)), list(range(100, 120))
    assert pdf._calls([fifty, other_fifty, twenty], parallel=2, batch_size=200) == [[fifty, twenty], [other_fifty]]
    singles = [[i] for i in range(6)]
    assert pdf._calls(singles, parallel=3, batch_size=200) == [[[0], [3]], [[1], [4]], [[2], [5]]]
    assert pdf._calls(singles, parallel=1, batch_size=4) == [[[0], [2], [4]], [[1], [3], [5]]]  # 4 a call at most
    assert pdf._calls([fifty], parallel=2, batch_size=200) == [[fifty]]


def test_the_section_ends_the_last_paragraph_of_a_letter_and_numbering_restarts():
    head = b'<w:document><w:body>'
    sect = (b'<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134"/><w:pgNumType w:fmt="upperRoman"/>'
            b'</w:sectPr>')
    ends_with_text = head + b'<w:p><w:r><w:t>A</w:t></w:r></w:p><w:p><w:pPr><w:jc w:val="center"/></w:pPr>' \
        b'<w:r><w:t>B</w:t></w:r></w:p>' + sect + b'</w:body></w:document>'
    assert volume.letter_body(ends_with_text, last=False, bookmark=7) == (
        b'<w:p><w:bookmarkStart w:id="900000007" w:name="dispatchletter00007"/><w:bookmarkEnd w:id="900000007"/>'
        b'<w:r><w:t>A</w:t></w:r></w:p><w:p><w:pPr><w:jc w:val="center"/><w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
        b'<w:pgMar w:top="1134"/><w:pgNumType w:start="1" w:fmt="upperRoman"/></w:sectPr></w:pPr>'
        b'<w:r><w:t>B</w:t></w:r></w:p>')
    no_properties = head + b'<w:p/><w:p><w:r><w:t>B</w:t></w:r></w:p>' + sect.replace(
        b'<w:pgNumType w:fmt="upperRoman"/>', b'') + b'</w:body></w:document>'
    assert volume.letter_body(no_properties, last=False, bookmark=0) == (
        b'<w:p><w:bookmarkStart w:id="900000000" w:name="dispatchletter00000"/><w:bookmarkEnd w:id="900000000"/>'
        b'</w:p><w:p><w:pPr><w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134"/>'
        b'<w:pgNumType w:start="1"/></w:sectPr></w:pPr><w:r><w:t>B</w:t></w:r></w:p>')


def test_a_volume_whose_pages_cannot_be_told_apart_is_converted_letter_by_letter(tmp_path, fake_soffice, seed_docx):
    """The stand-in soffice writes a one-page PDF without the letters' bookmarks for the volume: its letters
    are converted again one by one, and each gets its own PDF."""
    script, log = fake_soffice
    jobs = _jobs(tmp_path, [seed_docx] * 3)
    results = convert(jobs, soffice=str(script), timeout=10, parallel=1)
    assert [r.ok for r in results] == [True, True, True]
    calls = [line for line in log.read_text().splitlines() if line.startswith("call")]
    assert [c.split()[1] for c in calls] == ["1", "3"]  # the volume, then the three letters alone
    assert [c.split(maxsplit=3)[3] for c in calls] == [volume.FILTER, "pdf"]  # export options for the volume only
    for job in jobs:
        with pikepdf.open(job.target) as doc:
            assert len(doc.pages) == 1


# A stand-in for soffice that logs whether its profile was already made (warm) and then makes it, writing its own
# pid into it, as LibreOffice writes its settings into the profile it runs with.
PROFILE_SOFFICE = """#!{python}
import os, sys
from urllib.parse import unquote, urlparse
import pikepdf
args = sys.argv[1:]
profile = unquote(urlparse(next(a for a in args if a.startswith("-env:UserInstallation="))[len("-env:UserInstallation="):]).path)
settings = os.path.join(profile, "user", "registrymodifications.xcu")
with open(os.environ["FAKE_SOFFICE_LOG"], "a") as log:
    log.write("%s %s\\n" % ("warm" if os.path.exists(settings) else "fresh", profile))
os.makedirs(os.path.dirname(settings), exist_ok=True)
with open(settings, "w") as f:
    f.write(str(os.getpid()))
outdir = args[args.index("--outdir") + 1]
for f in [a for a in args if a.endswith(".docx")]:
    out = pikepdf.new()
    out.add_blank_page()
    out.save(os.path.join(outdir, os.path.basename(f)[:-5] + ".pdf"))
"""


def test_each_call_starts_from_its_own_copy_of_the_warm_profile(tmp_path, fake_soffice, monkeypatch):
    _, log = fake_soffice
    script = tmp_path / "soffice-profile"
    script.write_text(PROFILE_SOFFICE.format(python=sys.executable))
    script.chmod(0o755)
    monkeypatch.setattr(pdf, "PROFILE_CACHE_DIR", str(tmp_path / "cache"))
    assert all(r.ok for r in convert(_jobs(tmp_path, [b"ok"]), soffice=str(script), timeout=10))
    (kept,) = (tmp_path / "cache").iterdir()
    made_by = (kept / "user" / "registrymodifications.xcu").read_text()
    assert all(r.ok for r in convert(_jobs(tmp_path, [b"ok"] * 4), soffice=str(script), timeout=10, parallel=2))
    calls = [line.split() for line in log.read_text().splitlines()]
    assert [state for state, _ in calls] == ["fresh", "warm", "warm"]
    assert len({profile for _, profile in calls}) == 3 and str(kept) not in {profile for _, profile in calls}
    assert (kept / "user" / "registrymodifications.xcu").read_text() == made_by  # no call wrote into it
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [kept.name]


def test_a_volume_that_stalls_has_its_letters_converted_alone_and_the_one_that_stalls_reported(
        tmp_path, fake_soffice, seed_docx):
    script, log = fake_soffice
    with zipfile.ZipFile(io.BytesIO(seed_docx)) as package:
        document = package.read("word/document.xml")
    stalls = _package_with(seed_docx, word_document_xml=document.replace(b"<w:t>", b"<w:t>STALL ", 1))
    jobs = _jobs(tmp_path, [seed_docx, stalls, seed_docx])
    start = time.monotonic()
    results = convert(jobs, soffice=str(script), timeout=1.0, parallel=1)
    assert time.monotonic() - start < 20
    assert [r.ok for r in results] == [True, False, True]
    assert "1 giây" in results[1].error
    calls = [line for line in log.read_text().splitlines() if line.startswith("call")]
    assert [c.split()[1] for c in calls] == ["1", "3", "1"]  # the volume; its letters alone; the one after


def test_a_current_pdf_is_not_written_and_its_letter_is_converted_only_with_a_volume_that_must_be(
        tmp_path, fake_soffice, seed_docx):
    script, log = fake_soffice
    jobs = _jobs(tmp_path, [seed_docx] * 5)
    jobs = [PdfJob(j.source, j.target, j.date, current=n != 1) for n, j in enumerate(jobs)]
    results = convert(jobs, soffice=str(script), timeout=10, parallel=1)
    assert all(r.ok for r in results)
    assert [j.target.exists() for j in jobs] == [False, True, False, False, False]
    calls = [line.split()[1] for line in log.read_text().splitlines() if line.startswith("call")]
    assert calls == ["1", "1"]  # the volume of all five (the stand-in cannot be cut), then letter 1 alone
    log.write_text("")
    assert all(r.ok for r in convert([PdfJob(j.source, j.target, j.date, current=True) for j in jobs],
                                     soffice=str(script), timeout=10))
    assert log.read_text() == ""  # nothing to convert: soffice not started
    assert all(r.ok for r in convert([PdfJob(j.source, j.target, j.date, current=True) for j in jobs],
                                     soffice=str(tmp_path / "khong-co-soffice")))  # nor even looked for


def test_a_letter_rewritten_after_it_was_read_is_converted_alone_as_it_is_now(tmp_path, fake_soffice, seed_docx,
                                                                             monkeypatch):
    """A volume joins the documents read again from the files: one that changed in between (another run wrote
    the letter again) is not joined with what was read before; the volume's letters go alone, as they are now."""
    script, log = fake_soffice
    jobs = _jobs(tmp_path, [seed_docx] * 3)
    units = pdf._units

    def read_then_rewritten(jobs):
        found = units(jobs)
        with zipfile.ZipFile(io.BytesIO(seed_docx)) as package:
            document = package.read("word/document.xml")
        jobs[1].source.write_bytes(_package_with(seed_docx, word_document_xml=document.replace(
            b"<w:t>", b"<w:t>STALL ", 1)))
        return found

    monkeypatch.setattr(pdf, "_units", read_then_rewritten)
    results = convert(jobs, soffice=str(script), timeout=1.0, parallel=1)
    assert [r.ok for r in results] == [True, False, True]  # the letter as it is now stalls the stand-in
    calls = [line.split()[1] for line in log.read_text().splitlines() if line.startswith("call")]
    assert calls == ["3", "1"]  # no volume: the three alone, then the one after the stall
