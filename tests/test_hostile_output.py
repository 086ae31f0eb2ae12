"""A write that fails or is killed half-way leaves the old letter as it was; edits are never lost.

``generator/write/output.py`` writes to a temporary file beside the target and renames it over the
target in one step. tests/test_output.py covers the manifest and ``--force``; these add the
failures in the middle of a write.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.write import output as output
from generator.cli import main
from hostile_support import good, write_yaml

pytestmark = pytest.mark.hostile

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def built_once(tmp_path):
    """A letter written once by dispatch (recorded in the manifest), and its input changed since."""
    src = write_yaml(tmp_path / "thu.yaml", good())
    out = tmp_path / "ra" / "thu.docx"
    assert CliRunner().invoke(main, ["build", str(src), "-o", str(out)]).exit_code == 0
    data = good()
    data["dia_danh"] = "Hà Nội"
    write_yaml(src, data)
    return src, out, out.read_bytes()


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def _half_written_then(exc):
    """An ``os.fsync`` that fails after the bytes went into the temporary file: a write failing mid-way."""
    def fsync(fd):
        assert os.fstat(fd).st_size > 0  # the new letter is half on disk
        raise exc
    return fsync


def test_disk_full_mid_write_keeps_the_old_letter_and_exits_4(built_once, monkeypatch):
    src, out, before = built_once
    manifest = (out.parent / output.MANIFEST).read_text("utf-8")
    monkeypatch.setattr(output.os, "fsync", _half_written_then(OSError(28, "No space left on device")))
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(out)])
    assert result.exit_code == 4, result.output
    assert "không ghi được tệp (No space left on device)" in result.output and "thu.docx" in result.output
    assert "Traceback" not in result.output and "Lỗi nội bộ" not in result.output
    assert out.read_bytes() == before and _leftovers(out.parent) == []
    assert (out.parent / output.MANIFEST).read_text("utf-8") == manifest


def test_interrupt_mid_write_keeps_the_old_letter(built_once, monkeypatch):
    src, out, before = built_once
    monkeypatch.setattr(output.os, "fsync", _half_written_then(KeyboardInterrupt()))
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(out)])
    assert result.exit_code == 130 and "không tệp nào bị ghi dở" in result.output
    assert out.read_bytes() == before and _leftovers(out.parent) == []


def test_a_failed_forced_overwrite_puts_the_edited_letter_back(built_once, monkeypatch):
    """``--force`` moves the edited file to .bak first; if the new one then cannot be written, it comes back."""
    src, out, _ = built_once
    out.write_bytes(b"ban da sua trong Word")
    monkeypatch.setattr(output.os, "fsync", _half_written_then(OSError(5, "Input/output error")))
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(out), "--force"])
    assert result.exit_code == 4, result.output
    assert out.read_bytes() == b"ban da sua trong Word" and _leftovers(out.parent) == []


def test_an_edited_letter_is_not_overwritten_without_force(built_once):
    src, out, _ = built_once
    out.write_bytes(b"ban da sua trong Word")
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(out)])
    assert result.exit_code == 4 and "--force" in result.output
    assert out.read_bytes() == b"ban da sua trong Word"


def test_an_output_path_that_cannot_be_written_is_exit_4(tmp_path):
    src = write_yaml(tmp_path / "thu.yaml", good())
    blocker = tmp_path / "la-tep"
    blocker.write_text("x")
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(blocker / "thu.docx")])
    assert result.exit_code == 4, result.output
    assert "không ghi được tệp" in result.output and "Lỗi nội bộ" not in result.output


KILLED_RUN = textwrap.dedent("""
    import os, sys, time
    from generator.write import output as output
    from generator.cli import main

    def slow_fsync(fd):
        open(sys.argv[3], "w").close()  # tell the test the temporary file is half written
        time.sleep(60)

    output.os.fsync = slow_fsync
    main(["build", sys.argv[1], "-o", sys.argv[2]])
""")


def test_a_killed_build_leaves_the_old_letter_and_the_next_run_cleans_up(built_once, tmp_path):
    """SIGKILL in the middle of writing: the target is untouched; the next build removes the stale temporary."""
    src, out, before = built_once
    ready = tmp_path / "ready"
    script = tmp_path / "run.py"
    script.write_text(KILLED_RUN, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, str(script), str(src), str(out), str(ready)], cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert proc.poll() is None and time.monotonic() < deadline, "the build ended before writing"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert out.read_bytes() == before
    stale = _leftovers(out.parent)
    assert len(stale) == 1 and re.fullmatch(rf"\.thu\.docx\.{proc.pid}-\w+\.tmp", stale[0]), stale
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() != before and _leftovers(out.parent) == []
    recorded = json.loads((out.parent / output.MANIFEST).read_text("utf-8"))["files"]["thu.docx"]
    assert recorded == output.file_sha256(out)


# --------------------------------------------------------------------------- a file open in Word or Excel

SHARING_VIOLATION = "The process cannot access the file because it is being used by another process"


def _lock(monkeypatch, path: Path, attempts: int | None = None):
    """Make ``os.replace`` onto or away from ``path`` fail as Windows does while Word holds it open
    (PermissionError, WinError 32); after ``attempts`` failures (None: never) the lock is released."""
    real_replace = os.replace
    failures = []

    def replace(src, dst, *args, **kwargs):
        hit = path(Path(src)) or path(Path(dst)) if callable(path) else Path(path) in (Path(src), Path(dst))
        if hit and (attempts is None or len(failures) < attempts):
            failures.append((Path(src).name, Path(dst).name))
            exc = PermissionError(13, SHARING_VIOLATION)
            exc.winerror = 32
            raise exc
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(output.os, "replace", replace)
    return failures


def test_a_letter_open_in_word_is_exit_4_and_kept(built_once, monkeypatch):
    src, out, before = built_once
    manifest = (out.parent / output.MANIFEST).read_text("utf-8")
    monkeypatch.setattr(output, "BUSY_WAIT", 0.3)
    failures = _lock(monkeypatch, out)
    start = time.monotonic()
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(out)])
    elapsed = time.monotonic() - start
    assert result.exit_code == 4, result.output
    assert "Lỗi: tệp" in result.output and "thu.docx" in result.output
    assert "đang được mở trong một chương trình khác (Word, Excel" in result.output
    assert "Hãy đóng tệp đó rồi chạy lại lệnh" in result.output and "Lỗi nội bộ" not in result.output
    assert out.read_bytes() == before and _leftovers(out.parent) == []
    assert (out.parent / output.MANIFEST).read_text("utf-8") == manifest
    assert len(failures) >= 3 and elapsed >= 0.3  # it was retried for BUSY_WAIT before giving up


def test_a_letter_closed_during_the_retry_is_written(built_once, monkeypatch):
    """Word lets go a moment later (autosave, closing): the retry writes the letter."""
    src, out, before = built_once
    failures = _lock(monkeypatch, out, attempts=1)
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(failures) == 1 and failures[0][1] == "thu.docx"
    assert re.fullmatch(rf"\.thu\.docx\.{os.getpid()}-\w+\.tmp", failures[0][0]), failures
    assert out.read_bytes() != before and b"PK" == out.read_bytes()[:2] and _leftovers(out.parent) == []
    recorded = json.loads((out.parent / output.MANIFEST).read_text("utf-8"))["files"]["thu.docx"]
    assert recorded == output.file_sha256(out)


def test_a_forced_overwrite_of_a_letter_open_in_word_keeps_it_and_takes_no_backup(built_once, monkeypatch):
    src, out, _ = built_once
    out.write_bytes(b"ban da sua trong Word")
    monkeypatch.setattr(output, "BUSY_WAIT", 0.1)
    _lock(monkeypatch, out)
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(out), "--force"])
    assert result.exit_code == 4, result.output
    assert "thu.docx" in result.output and "Hãy đóng tệp đó" in result.output
    assert out.read_bytes() == b"ban da sua trong Word" and _leftovers(out.parent) == []
    assert sorted(p.name for p in out.parent.iterdir() if not p.name.startswith(".")) == ["thu.docx"]


def test_a_backup_taken_goes_back_when_the_new_letter_cannot_go_in(built_once, monkeypatch):
    """The edited letter moved to .bak, then the new one refused (busy): the edited letter returns."""
    src, out, _ = built_once
    out.write_bytes(b"ban da sua trong Word")
    monkeypatch.setattr(output, "BUSY_WAIT", 0.1)
    _lock(monkeypatch, lambda p: p.name.startswith(f".thu.docx.{os.getpid()}-") and p.name.endswith(".tmp"))
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(out), "--force"])
    assert result.exit_code == 4, result.output
    assert "thu.docx" in result.output and "Hãy đóng tệp đó rồi chạy lại lệnh" in result.output
    assert out.read_bytes() == b"ban da sua trong Word" and _leftovers(out.parent) == []
    assert not list(out.parent.glob("thu.bak-*.docx"))


def test_a_plain_permission_error_is_not_called_busy(built_once, monkeypatch):
    """Outside Windows a PermissionError is a real permission problem: said as such, at once."""
    src, out, before = built_once

    def denied(src, dst, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(output.os, "replace", denied)
    monkeypatch.setattr(output, "BUSY_WAIT", 30)
    start = time.monotonic()
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(out)])
    assert result.exit_code == 4, result.output
    assert "không ghi được tệp (Permission denied)" in result.output and "Word" not in result.output
    assert time.monotonic() - start < 10 and out.read_bytes() == before


# --------------------------------------------------------------------------- stale temporaries, no signals

LIVE_CHILD = "import sys; sys.stdin.read()"  # runs until the test closes its stdin: no signal needed


def test_stale_temporaries_are_told_apart_without_signalling(built_once, monkeypatch):
    """On Windows ``os.kill(pid, 0)`` would stop the process, not test it: it must never be called."""
    src, out, _ = built_once
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    live = subprocess.Popen([sys.executable, "-c", LIVE_CHILD], stdin=subprocess.PIPE)
    try:
        stale = out.parent / f".thu.docx.{dead.pid}.tmp"
        busy = out.parent / f".thu.docx.{live.pid}.tmp"
        stale.write_bytes(b"half")
        busy.write_bytes(b"being written")
        signals = []

        def kill(pid, sig):
            signals.append((pid, sig))
            raise AssertionError(f"os.kill({pid}, {sig}) called")

        with monkeypatch.context() as patch:
            patch.setattr(os, "kill", kill)
            result = CliRunner().invoke(main, ["build", str(src), "-o", str(out)])
        assert signals == []
        assert result.exit_code == 0, result.output
        assert not stale.exists(), "the temporary of a dead process is removed"
        assert busy.read_bytes() == b"being written", "the temporary of a running process is kept"
        assert live.poll() is None
    finally:
        live.stdin.close()
        live.wait(timeout=30)
