"""PDF output: batches through LibreOffice, missing soffice, stalls, reproducible bytes, joining."""
from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import psutil
import pytest
from click.testing import CliRunner

from generator.pdf import convert as pdf
from generator.cli import main
from generator.pdf.convert import PdfError, PdfJob, concatenate, convert, find_soffice, normalize_pdf, timeout_seconds

from pdf_support import ROOT, SEEDS, pdf_pages, requires_poppler, requires_soffice, seed_batch

SEED = ROOT / "inputs" / "seeds" / "000-lang-son-2018.yaml"

# A stand-in for soffice: writes a one-page PDF per input, hangs on inputs holding
# "STALL" (in a child process, as soffice.bin hangs under oosplash), skips "BROKEN".
FAKE_SOFFICE = """#!{python}
import os, subprocess, sys
import pikepdf
args = sys.argv[1:]
outdir = args[args.index("--outdir") + 1]
files = [a for a in args if a.endswith(".docx")]
log = open(os.environ["FAKE_SOFFICE_LOG"], "a")
log.write("call %d %s\\n" % (len(files), " ".join(a for a in args if a.startswith("-env:"))))
log.flush()
for f in files:
    data = open(f, "rb").read()
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


@requires_soffice
def test_same_letter_same_pdf_bytes(tmp_path):
    """A second, separate LibreOffice run gives byte-identical output after the post-pass."""
    letter = seed_batch().letters[SEED.stem]
    again = tmp_path / "lai.pdf"
    (result,) = convert([PdfJob(letter.docx, again, letter.built.dispatch.date.as_date())], timeout=120)
    assert result.ok, result.error
    assert again.read_bytes() == letter.pdf.read_bytes()


@requires_soffice
def test_cli_build_pdf_writes_the_pdf_next_to_the_docx(tmp_path):
    result = CliRunner().invoke(main, ["build", str(SEED), "-o", f"{tmp_path}/", "--pdf", "--pdf-timeout", "120"])
    assert result.exit_code == 0, result.output
    docx_path, pdf_path = tmp_path / f"{SEED.stem}.docx", tmp_path / f"{SEED.stem}.pdf"
    assert docx_path.exists() and pdf_path.read_bytes().startswith(b"%PDF")
    assert f"{SEED.stem}.pdf" in result.output
    assert pdf_path.read_bytes() == seed_batch().letters[SEED.stem].pdf.read_bytes()
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
