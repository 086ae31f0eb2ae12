"""Stage 4: write letters safely.

- Atomic: the bytes go to a temporary file in the same folder, then replace the
  target in one rename; a killed run leaves the old file or the new one, never half.
- Never overwrite someone's edits silently: every file we write is recorded, with
  its SHA-256, in ``.dispatch-manifest.json`` beside it. An existing file whose hash
  is not the recorded one (edited in Word, or not ours) is refused unless ``force``,
  and then it is first copied to ``<name>.bak-N.docx``.
- A bulk run records each file as it is written by appending one line to
  ``.dispatch-manifest.log`` (cheap, and it survives a kill); the log is folded into
  the JSON at the end of the run, or at the start of the next one.
- A file held open by another program: on Windows, Word and Excel lock the files they
  have open, and replacing or moving one fails (WinError 5 or 32). Every rename of a
  user-visible file (``_rename``) retries for about ``BUSY_WAIT`` seconds, then raises
  ``FileBusyError`` (exit 4) naming the file: the old file stays as it was, the temporary
  is removed, and a backup already taken is moved back.
- Staging files are created exclusively (``tempfile.mkstemp``: ``O_EXCL``, a random part in
  the name, ``.<name>.<pid>-<random>.tmp``) in the target's folder, so a file or symlink
  planted at a predictable name is never written through; the journal is such a file too
  (``.dispatch-manifest.<random>.log``, one per process). Temporaries of a killed run are
  removed when their process is gone; the check asks psutil and never signals it.
- One folder, one run at a time: ``folder_lock`` holds an OS lock (``filelock``: ``fcntl.flock``
  on POSIX, ``msvcrt.locking`` on Windows; the OS drops it when the process dies, so a killed run
  never leaves the folder locked) on ``.dispatch.lock``, and writes who holds it and since when
  in ``.dispatch.lock.txt``. A second run is refused with exit 4, naming that holder.
- One overwrite rule for every file the tool writes (letters, PDFs, print files,
  ``manifest.csv``, ``--html``, ``--redline``, ``schema -o``): ``place``/``write_output``.
- ``csv_cell`` neutralises a value that Excel would read as a formula (OWASP CSV injection).
"""
from __future__ import annotations

import contextlib
import errno
import getpass
import hashlib
import json
import os
import socket
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from generator.exceptions import FileBusyError, OutputError, Problem, cannot_write, display_path

MANIFEST = ".dispatch-manifest.json"
JOURNAL_PREFIX, JOURNAL_SUFFIX = ".dispatch-manifest.", ".log"  # + a random part: one journal per process
LOCK = ".dispatch.lock"
LOCK_INFO = ".dispatch.lock.txt"

NEW, UPDATED, UNCHANGED, OVERWRITTEN, EDITED = "mới", "cập nhật", "không đổi", "ghi đè", "đã sửa tay"


BUSY_WAIT = 1.0  # seconds to keep retrying a rename blocked by a file another program holds open
BUSY_WINERRORS = frozenset({5, 32, 33})  # access denied, sharing violation, lock violation


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _held_open(exc: OSError) -> bool:
    """Whether ``exc`` is Windows refusing to replace or move a file some program has open.

    Only Windows gives this (as ``winerror`` 5, 32 or 33); a PermissionError elsewhere is a real
    permission problem and is reported as such.
    """
    return isinstance(exc, PermissionError) and getattr(exc, "winerror", None) in BUSY_WINERRORS


def busy_problem(path: Path) -> Problem:
    return Problem(
        "tệp đang được mở trong một chương trình khác (Word, Excel, trình xem PDF…) nên không thay được. "
        "Hãy đóng tệp đó rồi chạy lại lệnh; tệp cũ vẫn giữ nguyên",
        display_path(path),
    )


def _rename(source: str | Path, target: Path, busy: Path) -> None:
    """``os.replace(source, target)``, retried for ``BUSY_WAIT`` seconds while Windows says a program
    holds ``busy`` (the user-visible file of the two) open; then ``FileBusyError`` naming it."""
    deadline = time.monotonic() + BUSY_WAIT
    pause = 0.05
    while True:
        try:
            os.replace(source, target)
            return
        except OSError as exc:
            if not _held_open(exc):
                raise
            if time.monotonic() >= deadline:
                raise FileBusyError(busy_problem(busy)) from None
        time.sleep(pause)
        pause = min(pause * 2, 0.25)


def staging_file(folder: Path, name: str, suffix: str = ".tmp") -> Path:
    """A new, empty file in ``folder`` for staging ``name``: created exclusively (O_EXCL) under an
    unpredictable name, so nothing planted there (a file, a symlink) is ever written through."""
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.{os.getpid()}-", suffix=suffix, dir=folder)
    os.close(fd)
    return Path(tmp)


def staged_for(path: Path) -> Path:
    """The file a staging temporary (``.NAME.PID-RANDOM.tmp``, ``staging_file``) stands for: what a
    message should name; any other path unchanged."""
    name = path.name
    if name.startswith(".") and name.endswith((".tmp", ".new")) and "." in name[1:]:
        stem = name[1:].rsplit(".", 1)[0]
        base, _, tail = stem.rpartition(".")
        if base and tail.split("-", 1)[0].isdigit():
            return path.with_name(base)
    return path


def atomic_write(path: Path, data: bytes, durable: bool = True) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``.

    ``durable`` also waits for the disk (fsync): a must for the manifest and single letters,
    skipped for the letters of a bulk run, where it cost more than rendering a letter — a
    killed process loses nothing either way; only a power cut could, and a re-run redoes it.
    The temporary is made by ``tempfile.mkstemp`` (exclusive, random name); the rename replaces
    a symlink at ``path`` itself, never the file it points to.
    """
    folder = path.parent
    if not os.path.isdir(folder):  # one stat: a bulk run writes thousands of letters into one folder
        folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}-", suffix=".tmp", dir=folder)
    try:
        with open(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        _rename(tmp, path, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _journals(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.glob(f"{JOURNAL_PREFIX}*{JOURNAL_SUFFIX}") if not p.is_symlink())
    except OSError:
        return []


class Manifest:
    """The hashes of the files dispatch wrote in one folder.

    ``files`` holds the last recorded hash of each file; ``pending`` the hashes journalled by a run
    that did not finish (a file is ours if it has any of them: a worker journals a letter before
    it moves it in, so a run killed between the two still knows the file on disk)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.files: dict[str, str] = {}
        self.pending: dict[str, set[str]] = {}
        self._journal = None
        self._journal_path: Path | None = None
        try:
            data = json.loads((self.folder / MANIFEST).read_text("utf-8"))
            self.files = {str(k): str(v) for k, v in data.get("files", {}).items()}
            for name, digests in (data.get("pending") or {}).items():
                self.pending[str(name)] = {str(d) for d in digests}
        except (OSError, ValueError, AttributeError):
            pass
        for journal in _journals(self.folder):
            try:
                lines = journal.read_text("utf-8").splitlines()
            except (OSError, ValueError):
                continue
            for line in lines:
                name, _, digest = line.partition("\t")
                if name and len(digest) == 64:
                    self.pending.setdefault(name, set()).add(digest)

    def known(self, name: str) -> set[str]:
        """Every hash ``name`` had when dispatch wrote it (recorded or journalled)."""
        found = set(self.pending.get(name, ()))
        if name in self.files:
            found.add(self.files[name])
        return found

    def ours(self, name: str, digest: str) -> bool:
        return digest in self.known(name)

    def journal(self, name: str, digest: str, remember: bool = True) -> None:
        """Note at once (it survives a kill) that ``name`` is about to hold ``digest``; ``remember``: in
        ``pending`` too (a bulk worker's journal only writes: its parent records the letter)."""
        if self._journal is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, path = tempfile.mkstemp(prefix=JOURNAL_PREFIX, suffix=JOURNAL_SUFFIX, dir=self.folder)
            self._journal = open(fd, "w", encoding="utf-8")
            self._journal_path = Path(path)
        self._journal.write(f"{name}\t{digest}\n")
        self._journal.flush()  # in the OS's hands at once: a killed run keeps every line
        if remember:
            self.pending.setdefault(name, set()).add(digest)

    def close_journal(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None

    def record(self, name: str, digest: str) -> None:
        if self.files.get(name) == digest:
            return
        self.journal(name, digest, remember=False)
        self.files[name] = digest
        self.pending.pop(name, None)  # what an interrupted run journalled for it is now past (files has it)

    def forget(self, name: str) -> None:
        self.files.pop(name, None)
        self.pending.pop(name, None)

    def save(self) -> None:
        """Write the JSON; the journals (this run's and any a killed run left) are then folded in."""
        self.close_journal()
        content = {"files": dict(sorted(self.files.items()))}
        # hashes journalled but never recorded (a run stopped between writing a letter and hearing of it)
        pending = {n: sorted(h - {self.files.get(n)}) for n, h in sorted(self.pending.items())}
        pending = {n: h for n, h in pending.items() if h}
        if pending:
            content["pending"] = pending
        text = json.dumps(content, ensure_ascii=False, indent=1) + "\n"
        atomic_write(self.folder / MANIFEST, text.encode("utf-8"))
        for journal in _journals(self.folder):
            try:
                os.unlink(journal)
            except OSError:
                pass
        self._journal_path = None
        self.pending = {}


@dataclass(frozen=True)
class WriteResult:
    path: Path
    status: str  # NEW | UPDATED | UNCHANGED | OVERWRITTEN | EDITED (refused)
    digest: str
    backup: Path | None = None


def _backup_path(path: Path) -> Path:
    n = 1
    while True:
        candidate = path.with_name(f"{path.stem}.bak-{n}{path.suffix}")
        if not os.path.lexists(candidate):
            return candidate
        n += 1


def _decide(path: Path, digest: str, recorded, force: bool) -> tuple[str, str | None]:
    """What writing a file with ``digest`` at ``path`` would do, and the hash of what is there now.

    ``recorded``: the hash (or set of hashes) dispatch wrote there; a symlink is never ours."""
    if not os.path.lexists(path):
        return NEW, None
    if path.is_dir() and not path.is_symlink():  # a folder where the file goes: it cannot be written
        raise IsADirectoryError(errno.EISDIR, "ở đó là một thư mục", str(path))
    if path.is_symlink() or not path.is_file():
        current = ""
    else:
        current = file_sha256(path)
    if current == digest:
        return UNCHANGED, current
    known = recorded if isinstance(recorded, (set, frozenset)) else {recorded}
    if current not in known:
        return (OVERWRITTEN if force else EDITED), current
    return UPDATED, current


def _place(path: Path, digest: str, recorded: str | None, force: bool, move_in) -> WriteResult:
    """Decide, back up if forced over someone's edits, then ``move_in()`` the new content."""
    status, current = _decide(path, digest, recorded, force)
    if status == EDITED:
        return WriteResult(path, EDITED, current)
    backup = _backup_path(path) if status == OVERWRITTEN else None
    if move_in is not None:
        if backup is not None:
            _rename(path, backup, path)
        if status != UNCHANGED:
            try:
                move_in()
            except BaseException:
                if backup is not None and not path.exists():
                    _rename(backup, path, path)  # the write failed: the old file goes back where it was
                raise
    return WriteResult(path, status, digest, backup)


def place(path: Path, data: bytes, recorded: str | None, force: bool = False, dry_run: bool = False,
          durable: bool = True, digest: str | None = None) -> WriteResult:
    """Write ``data`` at ``path`` unless that would lose someone's edits; ``recorded`` is our last hash of it;
    ``digest``: ``sha256(data)`` when the caller has it already."""
    move_in = None if dry_run else (lambda: atomic_write(path, data, durable))
    return _place(path, digest or sha256(data), recorded, force, move_in)


def place_staged(path: Path, staged: Path, recorded: str | None, force: bool = False) -> WriteResult:
    """``place`` for a big file already written to ``staged`` (same folder): moved in by one rename.

    If ``path`` stays held open by another program, ``FileBusyError``; ``staged`` is then the caller's
    to remove."""
    return _place(path, file_sha256(staged), recorded, force, lambda: _rename(staged, path, path))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def refusal(result: WriteResult, recorded: bool) -> Problem:
    why = "đã bị sửa sau lần tạo trước" if recorded else "không phải do dispatch tạo ra"
    return Problem(
        f"tệp đã có và {why}; không ghi đè để khỏi mất phần đã sửa. "
        "Dùng --force để ghi đè (bản cũ được lưu thành .bak), hoặc chọn tệp khác bằng -o",
        display_path(result.path),
    )


def _pid_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs, asked of psutil, which sends no signal (on Windows
    ``os.kill(pid, 0)`` would not test the process but stop it). psutil.pid_exists is not used:
    on POSIX it is itself ``os.kill(pid, 0)``; ``psutil.Process`` reads /proc or asks the OS."""
    import psutil  # lazy: only when a killed run left a temporary file (psutil takes longer to load than a letter)

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
    except psutil.Error:
        return True  # someone else's process we may not inspect: leave its file alone


def remove_stale_temporaries(folder: Path, name: str | None = None) -> None:
    """Delete the temporary files a killed run left in ``folder`` (``.<name>.<pid>.tmp`` of a dead pid),
    for the file ``name`` or, without it, for every file.

    A killed run cannot remove its own temporary file; the target itself was never touched.
    """
    for tmp in folder.glob(f".{glob_escape(name)}.*.tmp" if name else ".*.tmp"):
        pid = tmp.name[:-4].rpartition(".")[2].partition("-")[0]  # .<name>.<pid>-<random>.tmp
        if pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
            try:
                tmp.unlink()
            except OSError:
                pass


def glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _lock_holder(folder: Path) -> str:
    try:
        path = folder / LOCK_INFO
        if path.is_symlink():
            return ""
        return path.read_text("utf-8", errors="replace").strip()[:200]
    except OSError:
        return ""


@contextlib.contextmanager
def folder_lock(folder: Path):
    """Hold ``folder`` for this run; another run holding it: ``OutputError`` (exit 4) naming it.

    An OS lock on an open handle (``filelock``): released by the OS if the process dies, so a killed
    run never leaves the folder locked; the lock file stays, and the next run simply takes it."""
    from filelock import FileLock, Timeout  # lazy: only commands that write (never text, lint, schema)

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(folder / LOCK, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        holder = _lock_holder(folder)
        raise OutputError(Problem(
            "một lần chạy dispatch khác đang ghi vào thư mục này" + (f" ({holder})" if holder else "")
            + "; chờ lần chạy đó xong rồi chạy lại lệnh (hai lần chạy cùng lúc sẽ ghi đè lên nhau)",
            display_path(folder))) from None
    try:
        try:
            user = getpass.getuser()
        except Exception:
            user = "?"
        info = f"{user}@{socket.gethostname()}, tiến trình {os.getpid()}, từ {time.strftime('%d/%m/%Y %H:%M:%S')}\n"
        try:
            atomic_write(folder / LOCK_INFO, info.encode("utf-8"), durable=False)
        except OSError:
            pass
        yield
    finally:
        try:
            os.unlink(folder / LOCK_INFO)
        except OSError:
            pass
        lock.release()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A CSV cell Excel shows as text: a value starting with = + - @ (or tab/CR) gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_output(path: Path, data: bytes, force: bool = False, locked: bool = False) -> WriteResult:
    """Write one file (a single letter, its PDF, --html/--redline, schema -o), keeping the folder's manifest:
    the one overwrite rule (a file edited since we wrote it, or not ours, is refused unless ``force``).

    ``FileBusyError`` (a file open in Word) passes through as itself, with its own message;
    ``locked``: the caller already holds the folder's lock."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with (contextlib.nullcontext() if locked else folder_lock(path.parent)):
            manifest = Manifest(path.parent)
            remove_stale_temporaries(path.parent, path.name)
            result = place(path, data, manifest.known(path.name), force)
            if result.status == EDITED:
                raise OutputError(refusal(result, path.name in manifest.files))
            manifest.record(path.name, result.digest)
            manifest.save()
    except OSError as exc:  # disk full, no permission, a folder where the file should be…
        raise OutputError(Problem(cannot_write(exc.strerror or str(exc)), display_path(path))) from None
    return result
