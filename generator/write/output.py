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
- Temporaries of a killed run (``.<name>.<pid>.tmp``) are removed when their process is
  gone; the check asks psutil about the process and never signals it.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from generator.exceptions import FileBusyError, OutputError, Problem, cannot_write, display_path

MANIFEST = ".dispatch-manifest.json"
JOURNAL = ".dispatch-manifest.log"

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


def _rename(source: Path, target: Path, busy: Path) -> None:
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


def atomic_write(path: Path, data: bytes, durable: bool = True) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``.

    ``durable`` also waits for the disk (fsync): a must for the manifest and single letters,
    skipped for the letters of a bulk run, where it cost more than rendering a letter — a
    killed process loses nothing either way; only a power cut could, and a re-run redoes it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as handle:
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


class Manifest:
    """The hashes of the files dispatch wrote in one folder."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.files: dict[str, str] = {}
        self._journal = None
        try:
            data = json.loads((self.folder / MANIFEST).read_text("utf-8"))
            self.files = {str(k): str(v) for k, v in data.get("files", {}).items()}
        except (FileNotFoundError, ValueError, AttributeError):
            pass
        try:
            for line in (self.folder / JOURNAL).read_text("utf-8").splitlines():
                name, _, digest = line.partition("\t")
                if name and len(digest) == 64:
                    self.files[name] = digest
        except FileNotFoundError:
            pass

    def record(self, name: str, digest: str) -> None:
        if self.files.get(name) == digest:
            return
        self.files[name] = digest
        if self._journal is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._journal = open(self.folder / JOURNAL, "a", encoding="utf-8")
        self._journal.write(f"{name}\t{digest}\n")
        self._journal.flush()  # in the OS's hands at once: a killed run keeps every line

    def save(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        text = json.dumps({"files": dict(sorted(self.files.items()))}, ensure_ascii=False, indent=1) + "\n"
        atomic_write(self.folder / MANIFEST, text.encode("utf-8"))
        try:
            os.unlink(self.folder / JOURNAL)
        except FileNotFoundError:
            pass


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
        if not candidate.exists():
            return candidate
        n += 1


def _decide(path: Path, digest: str, recorded: str | None, force: bool) -> tuple[str, str | None]:
    """What writing a file with ``digest`` at ``path`` would do, and the hash of what is there now."""
    if not path.exists():
        return NEW, None
    current = file_sha256(path)
    if current == digest:
        return UNCHANGED, current
    if recorded != current:
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
          durable: bool = True) -> WriteResult:
    """Write ``data`` at ``path`` unless that would lose someone's edits; ``recorded`` is our last hash of it."""
    move_in = None if dry_run else (lambda: atomic_write(path, data, durable))
    return _place(path, sha256(data), recorded, force, move_in)


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
        pid = tmp.name[:-4].rpartition(".")[2]
        if pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
            try:
                tmp.unlink()
            except OSError:
                pass


def glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def write_output(path: Path, data: bytes, force: bool = False) -> WriteResult:
    """Write one file (the single-letter path), keeping the folder's manifest.

    ``FileBusyError`` (a file open in Word) passes through as itself, with its own message."""
    try:
        manifest = Manifest(path.parent)
        if path.parent.is_dir():
            remove_stale_temporaries(path.parent, path.name)
        result = place(path, data, manifest.files.get(path.name), force)
        if result.status == EDITED:
            raise OutputError(refusal(result, path.name in manifest.files))
        manifest.record(path.name, result.digest)
        manifest.save()
    except OSError as exc:  # disk full, no permission, a folder where the file should be…
        raise OutputError(Problem(cannot_write(exc.strerror or str(exc)), display_path(path))) from None
    return result
