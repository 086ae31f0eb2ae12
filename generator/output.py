"""Stage 4: write a letter safely.

- Atomic: the bytes go to a temporary file in the same folder, then replace the
  target in one rename; a killed run leaves the old file or the new one, never half.
- Never overwrite someone's edits silently: every file we write is recorded, with
  its SHA-256, in ``.dispatch-manifest.json`` beside it. An existing file whose hash
  is not the recorded one (edited in Word, or not ours) is refused unless ``force``,
  and then it is first copied to ``<name>.bak-N.docx``.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .exceptions import OutputError, Problem, display_path

MANIFEST = ".dispatch-manifest.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _read_manifest(folder: Path) -> dict[str, str]:
    try:
        data = json.loads((folder / MANIFEST).read_text("utf-8"))
        return {str(k): str(v) for k, v in data.get("files", {}).items()}
    except (FileNotFoundError, ValueError, AttributeError):
        return {}


def _write_manifest(folder: Path, files: dict[str, str]) -> None:
    text = json.dumps({"files": dict(sorted(files.items()))}, ensure_ascii=False, indent=1) + "\n"
    atomic_write(folder / MANIFEST, text.encode("utf-8"))


@dataclass(frozen=True)
class WriteResult:
    path: Path
    status: str  # "mới" | "cập nhật" | "không đổi" | "ghi đè"
    backup: Path | None = None


def _backup_path(path: Path) -> Path:
    n = 1
    while True:
        candidate = path.with_name(f"{path.stem}.bak-{n}{path.suffix}")
        if not candidate.exists():
            return candidate
        n += 1


def write_output(path: Path, data: bytes, force: bool = False) -> WriteResult:
    folder = path.parent
    manifest = _read_manifest(folder)
    digest = sha256(data)
    backup = None
    if path.exists():
        current = sha256(path.read_bytes())
        if current == digest:
            manifest[path.name] = digest
            _write_manifest(folder, manifest)
            return WriteResult(path, "không đổi")
        if manifest.get(path.name) != current:
            if not force:
                why = (
                    "đã bị sửa sau lần tạo trước" if path.name in manifest else "không phải do dispatch tạo ra"
                )
                raise OutputError(
                    Problem(
                        f"tệp đã có và {why}; không ghi đè để khỏi mất phần đã sửa. "
                        "Dùng --force để ghi đè (bản cũ được lưu thành .bak), hoặc chọn tệp khác bằng -o",
                        display_path(path),
                    )
                )
            backup = _backup_path(path)
            atomic_write(backup, path.read_bytes())
        status = "ghi đè" if backup else "cập nhật"
    else:
        status = "mới"
    atomic_write(path, data)
    manifest[path.name] = digest
    _write_manifest(folder, manifest)
    return WriteResult(path, status, backup)
