"""PDF output: DOCX -> PDF with LibreOffice headless, in batches, made byte-reproducible.

- **Batches.** One ``soffice --convert-to pdf`` call converts many files: start-up
  (about 1 s) is paid once per call. Big jobs are split into ``jobs`` parallel calls; every
  call has its own LibreOffice profile (``-env:UserInstallation=file:///tmp/…``), because two
  instances sharing a profile hand work to each other or fail silently. The profile is a
  private copy of a warm one kept in the temp folder (``warm_profile``: made by the first
  call that ends well), which spares LibreOffice making one (0.3-0.45 s a call here).
- **Volumes.** LibreOffice spends about 50 ms on each document besides laying out its
  pages, so letters that print the same joined (one template, one section each, nothing
  that counts or refers across letters: ``volume.py``) go in as volumes of up to
  ``VOLUME_LETTERS``, one document each, and the volume's PDF is cut back into one PDF per
  letter by the bookmark each letter starts with. Each shows exactly what the letter
  converted alone shows (tests compare the pixels of every page); a volume that cannot be
  cut with certainty has its letters converted one by one. 200 letters with 2 calls: 74 ms
  a letter as 200 documents, about 20 ms as 4 volumes (docs/pdf.md, "Tốc độ").
- **Finding LibreOffice.** ``DISPATCH_SOFFICE``, then ``PATH``, then where the
  installers put it: on Windows ``%ProgramFiles%\\LibreOffice\\program\\soffice.exe`` (and
  the 32-bit Program Files) and the install path the MSI records in the registry
  (``HKLM\\SOFTWARE\\LibreOffice\\UNO\\InstallPath``); on macOS
  ``/Applications/LibreOffice.app`` and ``~/Applications/LibreOffice.app``. Missing: the
  install command for this platform (winget, Homebrew, apt).
- **Never hang.** A call that makes no progress (no new PDF) for ``timeout`` seconds
  is killed with its whole process tree (psutil: the same on Windows and POSIX); the
  file it was on is reported, and the files after it are converted by a fresh call (a volume
  it was on: its letters one by one, so that the letter that stalls is the one reported).
- **Same input, same bytes.** LibreOffice stamps the clock into every PDF. A pikepdf
  post-pass drops the XMP metadata, sets ``/CreationDate`` and ``/ModDate`` to the
  letter's date, removes ``/ID`` and ``/DocChecksum`` and saves with a content-derived
  ``/ID`` (peers.md §6: identical output afterwards). A letter cut from a volume carries the
  font subsets of the whole volume: its bytes depend on the letters of its volume, what it
  shows does not. Volumes follow the order of the jobs only (not ``parallel``), and a job
  whose PDF is ``current`` (a campaign run again) is converted with a volume that must be, so
  that a letter converted again comes out of the same volume, byte for byte as before.
- **Atomic, and never over a signed PDF.** PDFs are written under the one overwrite rule of
  ``write/output.py`` (the same as DOCX files): atomically (a killed run leaves the old PDF or
  the new one, never half of one), and a PDF edited or digitally signed (ký số) since dispatch
  wrote it — the file that usually gets signed — is never replaced without ``--force`` (then
  backed up as ``.bak-N.pdf``): exit 4. A PDF held open by a viewer (Windows) is reported as
  busy (exit 4: close the file and run again). A conversion that failed is ``PdfError`` (exit 5).
- ``concatenate`` joins PDFs into one print file (each letter keeps its own headers).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import psutil

from generator.exceptions import FileBusyError, OutputError, PdfError, Problem, display_path
from generator.pdf import volume
from generator.write.output import EDITED, Manifest, WriteResult, folder_lock, place, write_output

SOFFICE_ENV = "DISPATCH_SOFFICE"  # path of the soffice program, if not on PATH
TIMEOUT_ENV = "DISPATCH_PDF_TIMEOUT"  # seconds a conversion may go without progress
DEFAULT_TIMEOUT = 60.0
BATCH_SIZE = 200  # letters per soffice call at most (give or take one volume)
VOLUME_LETTERS = 50  # letters joined into one document (volume.py) at most
FILES_PER_JOB = 20  # below this many files per parallel call, one call is faster than two
POLL = 0.05
KILL_WAIT = 10.0  # seconds to wait for killed processes to be gone
PROFILE_CACHE_DIR: str | None = None  # where the warm profile is kept; None: the temp folder (tests set it)

# Where LibreOffice's installers put soffice when it is not on PATH (both monkeypatchable in tests).
WINDOWS_ROOT_VARS = ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)")
WINDOWS_REGISTRY_KEYS = (r"SOFTWARE\LibreOffice\UNO\InstallPath",)  # default value: ...\LibreOffice\program
MACOS_APPLICATIONS = (Path("/Applications"), Path("~/Applications"))
MACOS_SOFFICE = ("LibreOffice.app", "Contents", "MacOS", "soffice")

INSTALL_COMMANDS = {
    "win32": "winget install --id TheDocumentFoundation.LibreOffice (hoặc tải bộ cài ở https://www.libreoffice.org)",
    "darwin": "brew install --cask libreoffice (hoặc tải bộ cài ở https://www.libreoffice.org)",
}
LINUX_INSTALL = "Trên Debian/Ubuntu, cài bằng: sudo apt-get install libreoffice-writer-nogui fonts-liberation2"


def install_hint(platform: str | None = None) -> str:
    """What to tell a user who has no LibreOffice, for ``platform`` (``sys.platform`` by default)."""
    platform = platform or sys.platform
    command = INSTALL_COMMANDS.get(platform)
    how = f"Cài bằng lệnh: {command}" if command else LINUX_INSTALL
    return (
        f"Cần LibreOffice để xuất PDF nhưng không tìm thấy lệnh «soffice». {how} "
        f"(hoặc đặt biến môi trường {SOFFICE_ENV} là đường dẫn tới soffice)."
    )


@dataclass(frozen=True)
class PdfJob:
    source: Path  # the .docx
    target: Path  # the .pdf to write
    date: dt.date | None = None  # the letter's date: the PDF's creation/modification date
    force: bool = False  # replace a PDF edited or signed since dispatch wrote it (a backup is kept)
    current: bool = False  # its PDF is there and current: not written; converted only with a volume that must be
    # (its place in the volume kept, so that the others' PDFs come out as they did: volume.py, "bytes")


@dataclass(frozen=True)
class PdfResult:
    job: PdfJob
    error: str | None = None  # Vietnamese, None when the PDF was written
    busy: bool = False  # the PDF could not replace one held open by another program (a viewer)
    edited: bool = False  # the PDF there was edited or signed since dispatch wrote it: left as it was

    @property
    def ok(self) -> bool:
        return self.error is None


class _Writer:
    """Finished PDFs go in under the one overwrite rule of every file dispatch writes
    (``write/output.py``): a PDF edited or signed (ký số) since dispatch wrote it is never replaced
    without ``--force``, and then it is backed up first. Each target folder is held
    (``folder_lock``) for the whole conversion, by the thread that started it; the conversion
    threads record what they write in the folder's manifest under one thread lock, and the
    manifests are saved when the conversion ends (also after an error)."""

    def __init__(self, jobs: list[PdfJob]):
        self._stack = contextlib.ExitStack()
        self._lock = threading.Lock()
        self._manifests: dict[Path, Manifest] = {}
        try:
            for folder in sorted({job.target.parent for job in jobs}):
                self._stack.enter_context(folder_lock(folder))
                self._manifests[folder] = Manifest(folder)
        except BaseException:
            self._stack.close()
            raise

    def write(self, job: PdfJob, data: bytes) -> WriteResult:
        manifest = self._manifests[job.target.parent]
        with self._lock:
            known = manifest.known(job.target.name)
        result = place(job.target, data, known, job.force)
        if result.status != EDITED:
            with self._lock:
                manifest.record(job.target.name, result.digest)
        return result

    def close(self) -> None:
        try:
            for manifest in self._manifests.values():
                manifest.save()
        finally:
            self._stack.close()


def is_current(docx: Path, pdf: Path) -> bool:
    """Whether ``pdf`` is the PDF of the letter now at ``docx``: it exists and is not older than the
    letter. A letter rewritten while its signed PDF was kept (refused) leaves an older PDF, which is
    then converted again (and refused again, unless ``--force``) rather than passed over as current."""
    try:
        return pdf.stat().st_mtime_ns >= docx.stat().st_mtime_ns
    except OSError:
        return False


def _edited_message(job: PdfJob) -> str:
    return ("tệp PDF đã có và đã bị sửa hoặc ký số sau lần tạo trước (hoặc không phải do dispatch tạo ra); "
            "không ghi đè để khỏi mất bản đã ký. Dùng --force để ghi đè (bản cũ được lưu thành .bak), "
            "hoặc chuyển bản đã ký sang thư mục khác")


# --------------------------------------------------------------------------- finding soffice


def _registry_install_paths() -> list[Path]:
    """The ``program`` folders LibreOffice's Windows installer recorded in the registry (64- and 32-bit views,
    machine-wide and per-user installs). Only asked for Windows: ``winreg`` exists nowhere else."""
    try:
        import winreg
    except ImportError:  # platform="win32" asked for on another system
        return []

    found = []
    for root in (winreg.HKEY_LOCAL_MACHINE, winreg.HKEY_CURRENT_USER):
        for view in (winreg.KEY_WOW64_64KEY, winreg.KEY_WOW64_32KEY):
            for subkey in WINDOWS_REGISTRY_KEYS:
                try:
                    with winreg.OpenKey(root, subkey, 0, winreg.KEY_READ | view) as key:
                        value, _ = winreg.QueryValueEx(key, "")
                except OSError:
                    continue
                if isinstance(value, str) and value.strip():
                    found.append(Path(value.strip().strip('"')))
    return found


def soffice_candidates(platform: str | None = None, environ=None) -> list[Path]:
    """Where LibreOffice's installers put ``soffice`` on ``platform``, most likely first (may not exist)."""
    platform = platform or sys.platform
    environ = os.environ if environ is None else environ
    candidates: list[Path] = []
    if platform == "win32":
        for var in WINDOWS_ROOT_VARS:
            root = environ.get(var)
            if root:
                candidates.append(Path(root) / "LibreOffice" / "program" / "soffice.exe")
        candidates += [folder / "soffice.exe" for folder in _registry_install_paths()]
    elif platform == "darwin":
        for apps in MACOS_APPLICATIONS:
            candidates.append(apps.expanduser().joinpath(*MACOS_SOFFICE))
    return list(dict.fromkeys(candidates))


def find_soffice(explicit: str | None = None, *, platform: str | None = None, environ=None) -> str:
    """Path of LibreOffice's ``soffice``: ``explicit``, ``DISPATCH_SOFFICE``, ``PATH``, then the install
    folders of ``platform``; ``PdfError`` with that platform's install instructions when absent."""
    environ = os.environ if environ is None else environ
    hint = install_hint(platform)
    candidate = explicit or environ.get(SOFFICE_ENV)
    if candidate:
        found = shutil.which(candidate)
        if found:
            return found
        raise PdfError(Problem(f"không chạy được «{candidate}». {hint}"))
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for path in soffice_candidates(platform, environ):
        if path.is_file():
            return str(path)
    raise PdfError(Problem(hint))


def timeout_seconds(value: float | None = None) -> float:
    """The stall timeout: the option's value, else ``DISPATCH_PDF_TIMEOUT``, else 60 s."""
    if value is None:
        raw = os.environ.get(TIMEOUT_ENV, "").strip()
        if not raw:
            return DEFAULT_TIMEOUT
        try:
            value = float(raw)
        except ValueError:
            raise PdfError(Problem(f"biến môi trường {TIMEOUT_ENV}=«{raw}» phải là số giây, ví dụ 60")) from None
    if not math.isfinite(value) or value <= 0:  # nan would pass "<= 0" and switch the stall guard off
        raise PdfError(Problem(f"thời gian chờ LibreOffice phải là một số giây lớn hơn 0, ví dụ 60 (đang là {value})"))
    return float(value)


# --------------------------------------------------------------------------- deterministic PDF


def pdf_date(date: dt.date) -> str:
    """``D:20180308000000+07'00'``: midnight of the letter's date, Vietnam time."""
    return f"D:{date:%Y%m%d}000000+07'00'"


def normalize_pdf(data: bytes, date: dt.date | None = None) -> bytes:
    """The same PDF without anything that changes from run to run."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        if "/Metadata" in pdf.Root:
            del pdf.Root["/Metadata"]
        info = pdf.docinfo
        for key in ("/CreationDate", "/ModDate"):
            if date is not None:
                info[key] = pdf_date(date)
            elif key in info:
                del info[key]
        for key in ("/ID", "/DocChecksum"):
            if key in pdf.trailer:
                del pdf.trailer[key]
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def concatenate(sources: list[Path], target: Path, date: dt.date | None = None, title: str | None = None,
                force: bool = False) -> int:
    """Join ``sources`` (in order) into one PDF at ``target``, atomically, under the one overwrite rule
    (a ``target`` edited or signed since dispatch wrote it: ``OutputError``, unless ``force``);
    return its page count."""
    import pikepdf

    if not sources:
        raise PdfError(Problem("không có tệp PDF nào để ghép"))
    out = pikepdf.new()
    opened = []
    try:
        for source in sources:
            try:
                pdf = pikepdf.open(source)
            except (pikepdf.PdfError, OSError) as exc:
                raise PdfError(Problem(f"không đọc được tệp PDF ({type(exc).__name__})", display_path(source))) from None
            opened.append(pdf)
            out.pages.extend(pdf.pages)
        if title:
            out.docinfo["/Title"] = title
        if date is not None:
            out.docinfo["/CreationDate"] = pdf_date(date)
            out.docinfo["/ModDate"] = pdf_date(date)
        buf = io.BytesIO()
        out.save(buf, deterministic_id=True)
        pages = len(out.pages)
    finally:
        for pdf in opened:
            pdf.close()
        out.close()
    write_output(target, buf.getvalue(), force=force)
    return pages


# --------------------------------------------------------------------------- conversion


def _kill(proc: subprocess.Popen) -> None:
    """Kill soffice and everything it started (oosplash -> soffice.bin), on every platform.

    The tree is collected first (a child whose parent died is no longer found under it),
    then the parent is killed (so it starts nothing more), then its descendants."""
    try:
        parent = psutil.Process(proc.pid)
        tree = [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        tree = []
    for process in tree:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass
        except psutil.AccessDenied:  # it changed owner: not ours to stop any more
            pass
    try:
        proc.wait(timeout=KILL_WAIT)
    except subprocess.TimeoutExpired:
        pass
    _wait_gone(tree[1:], KILL_WAIT)


def _gone(process: psutil.Process) -> bool:
    """Ended: no such process, or a zombie (dead; only its parent's bookkeeping remains)."""
    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True
    except psutil.AccessDenied:
        return False


def _wait_gone(processes: list[psutil.Process], timeout: float) -> None:
    """Wait until every one of ``processes`` has ended, at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not all(_gone(p) for p in processes) and time.monotonic() < deadline:
        time.sleep(POLL)


def _new_group() -> dict:
    """Popen arguments that keep soffice out of the terminal's Ctrl+C (we stop it ourselves)."""
    if os.name == "nt":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def _valid_pdf(path: Path) -> bytes | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if data.startswith(b"%PDF") and b"%%EOF" in data[-1024:] else None


class _Running:
    """The soffice processes of one ``convert``: Ctrl+C (or any error) in the caller kills them all."""

    def __init__(self):
        self.lock = threading.Lock()
        self.procs: set[subprocess.Popen] = set()
        self.cancelled = False

    def add(self, proc: subprocess.Popen) -> None:
        with self.lock:
            if self.cancelled:
                _kill(proc)
                raise KeyboardInterrupt
            self.procs.add(proc)

    def discard(self, proc: subprocess.Popen) -> None:
        with self.lock:
            self.procs.discard(proc)

    def cancel(self) -> None:
        with self.lock:
            self.cancelled = True
            procs = list(self.procs)
        for proc in procs:
            _kill(proc)


def warm_profile(soffice: str) -> Path:
    """Where a LibreOffice profile made by an earlier call of this ``soffice`` is kept (the temp folder; one per
    LibreOffice install, so that an upgrade gets a new one). A call copies it into its own private profile
    instead of letting LibreOffice make a new one (which also runs its graphics tests): 0.3-0.45 s a call here."""
    try:
        stat = os.stat(soffice)
        stamp = f"{os.path.abspath(soffice)}|{stat.st_size}|{stat.st_mtime_ns}"
    except OSError:
        stamp = soffice
    folder = Path(PROFILE_CACHE_DIR or tempfile.gettempdir())
    return folder / f"dispatch-libreoffice-profile-{hashlib.sha256(stamp.encode()).hexdigest()[:16]}"


def _made_profile(profile: Path) -> bool:
    return (profile / "user" / "registrymodifications.xcu").is_file()


def _start_from_warm(warm: Path, profile: Path) -> bool:
    """Copy the kept profile to ``profile`` (this call's own); False (nothing there) when there is none or it
    cannot be copied (another run replacing it): LibreOffice then makes a new one."""
    if not _made_profile(warm):
        return False
    try:
        shutil.copytree(warm, profile)
        return True
    except OSError:
        shutil.rmtree(profile, ignore_errors=True)
        return False


def _keep_warm(profile: Path, warm: Path) -> None:
    """Keep ``profile`` (made by a call that ended well) as the warm one: copied beside it, then renamed into
    place in one step, so that another run never copies half of it; the first run to get there wins."""
    if warm.exists() or not _made_profile(profile):
        return
    staging = warm.with_name(f"{warm.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        shutil.copytree(profile, staging)
        os.replace(staging, warm)
    except OSError:
        pass
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _soffice_call(
    soffice: str, inputs: list[Path], outdir: Path, profile: Path, timeout: float, log: Path, running: _Running,
    ready: Callable[[int], object] = lambda n: None, to: str = "pdf",
) -> bool:
    """Run one soffice call; return False if it was killed for making no progress.

    soffice converts its files one after the other, in the order given: once the PDF of ``inputs[n + 1]``
    appears, that of ``inputs[n]`` is complete, and ``ready(n)`` is called (in this thread) while soffice
    goes on, so that what is done with each PDF overlaps the conversion instead of following it. ``to`` is what
    ``--convert-to`` gets: plain ``pdf``, or with the export options volumes need (``volume.FILTER``).

    ``profile`` is this call's own LibreOffice profile: a copy of the warm one (``warm_profile``) when there is
    one; else LibreOffice makes it, and it is kept as the warm one if the call ends well. A call that started
    from the warm profile and converted nothing removes it (the next call makes a new one)."""
    cmd = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless", "--invisible", "--nologo", "--norestore", "--nolockcheck", "--nodefault",
        "--convert-to", to, "--outdir", str(outdir),
        *map(str, inputs),
    ]
    warm = warm_profile(soffice)
    from_warm = _start_from_warm(warm, profile)
    scratch = profile.parent / "tmp"  # LibreOffice's own temporary files, removed with the work folder (even when
    scratch.mkdir(exist_ok=True)      # it is killed: SIGTERM, a stall), never left in the user's temp folder
    env = {**os.environ, "TMPDIR": str(scratch), "TMP": str(scratch), "TEMP": str(scratch)}
    with open(log, "ab") as sink:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=sink, stderr=sink, env=env, **_new_group())
    running.add(proc)
    try:
        names = [p.stem + ".pdf" for p in inputs]
        expected = set(names)
        seen = 0
        complete = 0  # ready(n) was called for every n < complete
        deadline = time.monotonic() + timeout
        while True:
            try:
                proc.wait(timeout=POLL)
            except subprocess.TimeoutExpired:
                pass
            else:
                converted = expected.intersection(os.listdir(outdir))
                if not from_warm and proc.returncode == 0 and converted:
                    _keep_warm(profile, warm)
                elif from_warm and not converted:
                    shutil.rmtree(warm, ignore_errors=True)
                return True
            present = expected.intersection(os.listdir(outdir))
            while complete + 1 < len(names) and names[complete + 1] in present:
                ready(complete)
                complete += 1
            done = len(present)
            if done != seen:
                seen = done
                deadline = time.monotonic() + timeout
            elif time.monotonic() > deadline:
                _kill(proc)
                if from_warm and not seen:
                    shutil.rmtree(warm, ignore_errors=True)
                return False
    finally:
        running.discard(proc)
        if proc.poll() is None:  # interrupted (Ctrl+C) or an error here: leave nothing running
            _kill(proc)
        if running.cancelled:
            raise KeyboardInterrupt


def _units(jobs: list[PdfJob]) -> tuple[list[list[int]], dict[int, volume.Letter]]:
    """The soffice inputs for ``jobs``: runs of letters that can be joined (``volume.read_letter``, the same
    shared parts, next to each other) in volumes of ``VOLUME_LETTERS`` (the last of a run: what is left);
    every other letter alone. The volumes depend on the jobs only: a letter's PDF comes out of the same volume
    whatever ``parallel`` is, and a letter added at the end of a run changes only the last volume."""
    letters: dict[int, volume.Letter] = {}
    units: list[list[int]] = []
    run: list[int] = []

    def close_run() -> None:
        if len(run) < 2:
            units.extend([i] for i in run)
        else:
            units.extend(run[k: k + VOLUME_LETTERS] for k in range(0, len(run), VOLUME_LETTERS))
        run.clear()

    for i, job in enumerate(jobs):
        letter = volume.read_letter(job.source)
        if letter is None:
            close_run()
            units.append([i])
            continue
        if run and letters[run[0]].shared != letter.shared:
            close_run()
        letters[i] = letter
        run.append(i)
    close_run()
    return units, letters


def _calls(units: list[list[int]], parallel: int, batch_size: int) -> list[list[list[int]]]:
    """``units`` shared out among soffice calls: ``parallel`` of them (more when there are more than
    ``batch_size`` letters a call), the biggest unit first to the call with the fewest letters, so that the
    calls running side by side end together; each call's units in job order."""
    total = sum(map(len, units))
    count = max(1, min(len(units), max(parallel, -(-total // batch_size))))
    calls: list[list[list[int]]] = [[] for _ in range(count)]
    sizes = [0] * count
    for unit in sorted(units, key=lambda unit: (-len(unit), unit[0])):
        n = sizes.index(min(sizes))
        calls[n].append(unit)
        sizes[n] += len(unit)
    return [sorted(call) for call in calls if call]


def _convert_chunk(soffice: str, jobs: list[PdfJob], units: list[list[int]], letters: dict[int, volume.Letter],
                   timeout: float, running: _Running, writer: _Writer) -> dict[int, PdfResult]:
    """Convert ``units`` (of ``jobs``: one letter, or a volume of ``letters``) with one soffice call (more only
    after a stall), in a private work folder; the result of every job of theirs. A volume whose PDF cannot be cut
    back into its letters (or that soffice did not convert) has its letters converted one by one by a further
    call (a ``current`` one only in its volume: its PDF is already there)."""
    results: dict[int, PdfResult] = {}
    retry: set[int] = set()  # letters of a volume that failed: converted alone after this call
    work = Path(tempfile.mkdtemp(prefix="dispatch-pdf-"))
    try:
        indir, outdir, log = work / "in", work / "out", work / "soffice.log"
        indir.mkdir()
        outdir.mkdir()
        staged: dict[int, Path] = {}
        for u, unit in enumerate(units):
            # staged under plain names: no two inputs with one stem, no odd characters for soffice
            path = indir / (f"{unit[0]:05d}.docx" if len(unit) == 1 else f"{unit[0]:05d}-{unit[-1]:05d}.docx")
            try:
                if len(unit) == 1:
                    shutil.copyfile(jobs[unit[0]].source, path)
                else:
                    volume.join([letters[i] for i in unit], path)
            except OSError:
                if len(unit) == 1:
                    results[unit[0]] = PdfResult(jobs[unit[0]], "không đọc được tệp .docx")
                else:
                    retry.update(unit)
                continue
            staged[u] = path
        pending = sorted(staged)

        def write(i: int, data: bytes) -> None:
            """Write job ``i``'s finished PDF under the overwrite rule and record the result."""
            try:
                written = writer.write(jobs[i], data)
                results[i] = (PdfResult(jobs[i], _edited_message(jobs[i]), edited=True)
                              if written.status == EDITED else PdfResult(jobs[i]))
            except FileBusyError as exc:  # the old PDF is open in a viewer: it stays as it was
                results[i] = PdfResult(jobs[i], exc.problems[0].message, busy=True)
            except OSError as exc:  # the target folder cannot be written
                results[i] = PdfResult(jobs[i], f"không ghi được tệp PDF ({exc.strerror or exc})")

        def take(u: int) -> bool:
            """Post-process and write the PDF(s) of unit ``u`` if soffice made a whole one."""
            unit = units[u]
            if all(i in results or i in retry for i in unit):
                return True
            data = _valid_pdf(outdir / (staged[u].stem + ".pdf"))
            if data is None:
                return False
            if len(unit) == 1:
                (i,) = unit
                try:
                    finished = normalize_pdf(data, jobs[i].date)
                except Exception as exc:  # pikepdf could not read what LibreOffice wrote
                    results[i] = PdfResult(jobs[i], f"LibreOffice tạo ra tệp PDF hỏng ({type(exc).__name__})")
                    return True
                write(i, finished)
                return True
            try:
                parts = volume.split(data, [letters[i] for i in unit],
                                     [pdf_date(jobs[i].date) if jobs[i].date else None for i in unit])
            except Exception:  # pikepdf could not read what LibreOffice wrote: the letters go alone
                parts = None
            if parts is None:
                retry.update(unit)
                return True
            for i, part in zip(unit, parts):
                if jobs[i].current:  # converted only for the others of its volume
                    results[i] = PdfResult(jobs[i])
                else:
                    write(i, part)
            return True

        attempt = 0
        while pending:
            attempt += 1
            order = list(pending)
            finished = _soffice_call(
                soffice, [staged[u] for u in order], outdir, work / f"profile-{attempt}", timeout, log, running,
                ready=lambda n: take(order[n]),
                # the export options only where a volume needs them: were they misread by some soffice, its
                # volumes would fail and their letters go alone, converted as always
                to=volume.FILTER if any(len(units[u]) > 1 for u in order) else "pdf",
            )
            stalled_at = None
            for n, u in enumerate(pending):
                if take(u):
                    continue
                unit = units[u]
                if len(unit) > 1:  # a volume soffice did not convert, or stalled on: its letters go alone
                    retry.update(unit)
                    if not finished and stalled_at is None:
                        stalled_at = n
                elif not finished and stalled_at is None:
                    stalled_at = n
                    results[unit[0]] = PdfResult(
                        jobs[unit[0]],
                        f"LibreOffice không xong sau {timeout:g} giây nên đã bị dừng "
                        f"(đặt thời gian chờ dài hơn bằng --pdf-timeout hoặc biến {TIMEOUT_ENV})",
                    )
                elif finished:
                    results[unit[0]] = PdfResult(
                        jobs[unit[0]], "LibreOffice không chuyển được tệp này sang PDF (tệp hỏng hoặc không phải .docx?)"
                    )
            if finished or stalled_at is None:
                pending = []
            else:  # the units after the one that stalled get a fresh soffice
                pending = [u for u in pending[stalled_at + 1 :]
                           if not all(i in results or i in retry for i in units[u])]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    retry.difference_update(results)
    for i in sorted(retry):
        if jobs[i].current:  # its PDF is there: nothing to convert it for any more
            results[i] = PdfResult(jobs[i])
            retry.discard(i)
    if retry:
        results.update(_convert_chunk(soffice, jobs, [[i] for i in sorted(retry)], {}, timeout, running, writer))
    return results


def convert(
    jobs: list[PdfJob],
    *,
    timeout: float | None = None,
    parallel: int | None = None,
    soffice: str | None = None,
    batch_size: int = BATCH_SIZE,
) -> list[PdfResult]:
    """Convert every job's DOCX to its PDF; one result per job, in order (a ``current`` job: ok, its PDF left
    as it is).

    The letters go in volumes where they can (``_units``); ``parallel`` soffice calls run at once (default: one
    per core, and only when each gets at least ``FILES_PER_JOB`` letters), each with about ``batch_size``
    letters at most.
    """
    results = {i: PdfResult(job) for i, job in enumerate(jobs) if job.current}
    if len(results) == len(jobs):  # nothing to convert (no job, or every PDF current): LibreOffice not needed
        return [results[i] for i in range(len(jobs))]
    program = find_soffice(soffice)
    limit = timeout_seconds(timeout)
    units, letters = _units(jobs)
    units = [unit for unit in units if not all(jobs[i].current for i in unit)]
    todo = sum(map(len, units))
    if parallel is None:
        parallel = max(1, min(os.cpu_count() or 1, todo // FILES_PER_JOB))
    calls = _calls(units, max(1, parallel), max(1, batch_size))
    running = _Running()
    writer = _Writer([job for job in jobs if not job.current])  # the target folders held, their manifests read
    try:
        if len(calls) == 1:
            results.update(_convert_chunk(program, jobs, calls[0], letters, limit, running, writer))
        else:
            with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
                futures = [pool.submit(_convert_chunk, program, jobs, call, letters, limit, running, writer)
                           for call in calls]
                try:
                    for future in futures:
                        results.update(future.result())
                except BaseException:
                    running.cancel()  # Ctrl+C here: stop every soffice now, not when it finishes
                    raise
        return [results[i] for i in range(len(jobs))]
    finally:
        running.cancel()
        writer.close()


def convert_or_raise(jobs: list[PdfJob], **options) -> list[Path]:
    """``convert``, raising one error that lists every file that failed: ``PdfError`` (exit 5) when a
    conversion failed; otherwise ``OutputError`` (exit 4) when a PDF there was edited or signed (not
    replaced), or ``FileBusyError`` (exit 4) when each failure is a PDF held open by another program."""
    results = convert(jobs, **options)
    failed = [r for r in results if not r.ok]
    problems = [Problem(r.error, display_path(r.job.target if r.busy or r.edited else r.job.source))
                for r in failed]
    if problems:
        if not all(r.busy or r.edited for r in failed):
            raise PdfError(problems)
        raise (FileBusyError if all(r.busy for r in failed) else OutputError)(problems)
    return [r.job.target for r in results]
