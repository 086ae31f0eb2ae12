"""Compiled templates are kept between runs (``render.sandbox.CodeCache``): a hit skips compiling, a changed
source or setting misses, a damaged entry is compiled again, a folder someone else can write to is never used,
and a cache folder that cannot be made or written still builds the same letter."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
from pathlib import Path

import jinja2
import pytest

from generator.render import sandbox

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "inputs" / "seeds" / "002-huu-lung-2024.yaml"

SOURCE = "Xã {{ ten }} đạt {{ so | hai }} tiêu chí."


def _env(folder: Path, **options) -> jinja2.Environment:
    env = sandbox.environment(bytecode_cache=sandbox.CodeCache(folder), **options)
    env.filters["hai"] = lambda n: f"{n:02d}"
    return env


def _compiles(env: jinja2.Environment) -> list[str]:
    """Count ``env``'s compilations (the sources it compiled, in order)."""
    calls: list[str] = []
    compile_ = env.compile

    def counting(source, *args, **kwargs):
        calls.append(source)
        return compile_(source, *args, **kwargs)

    env.compile = counting
    return calls


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.code"))


def test_a_second_run_uses_the_kept_code(tmp_path):
    folder = tmp_path / "cache" / "dispatch" / "jinja"
    first = _env(folder)
    first_calls = _compiles(first)
    assert sandbox.from_string(first, SOURCE).render(ten="Minh Tiến", so=7) == "Xã Minh Tiến đạt 07 tiêu chí."
    assert first_calls == [SOURCE] and len(_entries(folder)) == 1
    second = _env(folder)  # another run: a new environment and cache object
    calls = _compiles(second)
    assert sandbox.from_string(second, SOURCE).render(ten="Cai Kinh", so=12) == "Xã Cai Kinh đạt 12 tiêu chí."
    assert calls == []


def test_a_changed_source_is_compiled_again(tmp_path):
    folder = tmp_path / "jinja"
    sandbox.from_string(_env(folder), SOURCE).render(ten="A", so=1)
    env = _env(folder)
    calls = _compiles(env)
    changed = SOURCE.replace("đạt", "mới đạt")
    assert sandbox.from_string(env, changed).render(ten="A", so=1) == "Xã A mới đạt 01 tiêu chí."
    assert calls == [changed] and len(_entries(folder)) == 2


def test_a_changed_setting_is_compiled_again(tmp_path):
    """The code depends on the environment too: the same source under trim_blocks is another entry."""
    folder = tmp_path / "jinja"
    source = "{% if true %}\nmột{% endif %}"
    assert sandbox.from_string(_env(folder), source).render() == "\nmột"
    assert sandbox.from_string(_env(folder, trim_blocks=True), source).render() == "một"
    assert len(_entries(folder)) == 2


def _other_entry_payload(folder: Path) -> bytes:
    """The marshalled code of another template, as an entry of ``folder`` holds it."""
    other = tmp = folder.parent / "other"
    sandbox.from_string(_env(tmp), "KHÁC {{ ten }}")
    data = _entries(other)[0].read_bytes()
    return data[len(sandbox._CACHE_MAGIC) + 64 + 32:]


@pytest.mark.parametrize("damage", ["truncated", "garbage", "other code", "empty", "not marshal"])
def test_a_damaged_entry_is_compiled_again_and_rewritten(tmp_path, damage):
    folder = tmp_path / "jinja"
    sandbox.from_string(_env(folder), SOURCE)
    entry = _entries(folder)[0]
    good = entry.read_bytes()
    head = len(sandbox._CACHE_MAGIC) + 64
    if damage == "truncated":
        entry.write_bytes(good[:len(good) // 2])
    elif damage == "garbage":
        entry.write_bytes(good[:head + 32] + bytes(range(256)) * 4)
    elif damage == "other code":  # a whole, valid code object, but not this entry's: its digest tells
        entry.write_bytes(good[:head + 32] + _other_entry_payload(folder))
    elif damage == "empty":
        entry.write_bytes(b"")
    else:  # the right digest over bytes marshal cannot read
        payload = b"\xff\x00junk"
        entry.write_bytes(good[:head] + hashlib.sha256(payload).digest() + payload)
    env = _env(folder)
    calls = _compiles(env)
    assert sandbox.from_string(env, SOURCE).render(ten="Quyết Thắng", so=9) == "Xã Quyết Thắng đạt 09 tiêu chí."
    assert calls == [SOURCE]
    assert entry.read_bytes() == good  # written again, whole


def test_an_unreadable_entry_is_compiled_again(tmp_path):
    folder = tmp_path / "jinja"
    sandbox.from_string(_env(folder), SOURCE)
    entry = _entries(folder)[0]
    entry.unlink()
    entry.mkdir()  # reading it fails (IsADirectoryError), like a file locked by another program
    env = _env(folder)
    calls = _compiles(env)
    assert sandbox.from_string(env, SOURCE).render(ten="A", so=3) == "Xã A đạt 03 tiêu chí."
    assert calls == [SOURCE]


def test_a_folder_that_cannot_be_made_means_compiling_every_time(tmp_path):
    blocker = tmp_path / "tep"
    blocker.write_text("không phải thư mục", encoding="utf-8")
    cache = sandbox.CodeCache(blocker / "dispatch" / "jinja")
    env = sandbox.environment(bytecode_cache=cache)
    assert sandbox.from_string(env, "{{ 2 * 3 }}").render() == "6"
    assert cache.folder is None


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX modes (on Windows, %LOCALAPPDATA% is the user's own)")
@pytest.mark.parametrize("mode", [0o777, 0o770, 0o722])
def test_a_folder_others_can_write_to_is_never_read(tmp_path, mode):
    """Code another user put in the cache would run here: such a folder is not used, not even read."""
    folder = tmp_path / "jinja"
    sandbox.from_string(_env(folder), SOURCE)
    assert len(_entries(folder)) == 1
    folder.chmod(mode)
    try:
        env = _env(folder)
        calls = _compiles(env)
        assert sandbox.from_string(env, SOURCE).render(ten="A", so=1) == "Xã A đạt 01 tiêu chí."
        assert calls == [SOURCE]
        assert env.bytecode_cache.folder is None
    finally:
        folder.chmod(0o700)


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX modes")
def test_a_folder_made_here_is_private(tmp_path):
    base = tmp_path / "xdg"
    folder = base / "dispatch" / "jinja"
    assert sandbox.CodeCache(folder).folder == folder
    for path in (base, base / "dispatch", folder):
        assert path.stat().st_mode & 0o777 == 0o700, path


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX links and modes")
def test_a_link_in_place_of_the_folder_is_not_followed(tmp_path):
    elsewhere = tmp_path / "noi-khac"
    elsewhere.mkdir(mode=0o700)
    (tmp_path / "xdg" / "dispatch").mkdir(parents=True, mode=0o700)
    (tmp_path / "xdg" / "dispatch" / "jinja").symlink_to(elsewhere)
    assert sandbox.CodeCache(tmp_path / "xdg" / "dispatch" / "jinja").folder is None


def test_the_default_folder_is_the_users_cache(monkeypatch, tmp_path):
    if os.name == "nt":
        monkeypatch.setenv("LOCALAPPDATA", str(tmp_path))
        assert sandbox.cache_folder() == tmp_path / "dispatch" / "jinja"
        monkeypatch.delenv("LOCALAPPDATA")
        assert sandbox.cache_folder() is None
        return
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert sandbox.cache_folder() == tmp_path / "dispatch" / "jinja"
    monkeypatch.setenv("XDG_CACHE_HOME", "tuong-doi")  # relative: ignored, as the XDG spec says
    monkeypatch.setenv("HOME", str(tmp_path / "nha"))
    assert sandbox.cache_folder() == tmp_path / "nha" / ".cache" / "dispatch" / "jinja"


def test_sentence_templates_from_a_folder_use_the_cache(tmp_path):
    templates = tmp_path / "cau"
    templates.mkdir()
    (templates / "ket_qua.j2").write_text(SOURCE, encoding="utf-8")
    folder = tmp_path / "jinja"

    def env():
        made = _env(folder, loader=jinja2.FileSystemLoader(str(templates)))
        return made, _compiles(made)

    first, first_calls = env()
    assert first.get_template("ket_qua.j2").render(ten="A", so=2) == "Xã A đạt 02 tiêu chí."
    second, calls = env()
    assert second.get_template("ket_qua.j2").render(ten="B", so=4) == "Xã B đạt 04 tiêu chí."
    assert (len(first_calls), calls) == (1, [])
    (templates / "ket_qua.j2").write_text(SOURCE + " Hết.", encoding="utf-8")  # a clerk edits the template
    third, calls = env()
    assert third.get_template("ket_qua.j2").render(ten="C", so=5) == "Xã C đạt 05 tiêu chí. Hết."
    assert len(calls) == 1


def test_runs_writing_the_same_entry_at_once_leave_it_whole(tmp_path):
    folder = tmp_path / "jinja"
    results, errors = [], []

    def run():
        try:
            for _ in range(20):
                results.append(sandbox.from_string(_env(folder), SOURCE).render(ten="A", so=1))
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and set(results) == {"Xã A đạt 01 tiêu chí."} and len(results) == 120
    assert len(_entries(folder)) == 1 and list(folder.glob("*.tmp")) == []
    env = _env(folder)
    calls = _compiles(env)
    sandbox.from_string(env, SOURCE)
    assert calls == []


def _build(tmp_path: Path, cache_home: Path, name: str) -> bytes:
    out = tmp_path / name
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home), "LOCALAPPDATA": str(cache_home)}
    done = subprocess.run([sys.executable, "-m", "generator", "build", str(SEED), "-o", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert done.returncode == 0, done.stderr
    return out.read_bytes()


def test_a_build_is_the_same_with_a_cold_cache_a_warm_one_and_none(tmp_path):
    cache_home = tmp_path / "cache"
    cold = _build(tmp_path, cache_home, "lanh.docx")
    kept = sorted((cache_home / "dispatch" / "jinja").glob("*.code"))
    assert len(kept) >= 2  # the Word template's body and the sentence templates the letter uses
    warm = _build(tmp_path, cache_home, "am.docx")
    assert sorted((cache_home / "dispatch" / "jinja").glob("*.code")) == kept
    blocker = tmp_path / "tep"
    blocker.write_text("x", encoding="utf-8")  # the cache folder cannot be made under a file
    none = _build(tmp_path, blocker, "khong.docx")
    assert cold == warm == none


def test_the_folder_is_kept_small(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "MAX_ENTRIES", 6)
    folder = tmp_path / "jinja"
    env = _env(folder)
    for n in range(6):
        sandbox.from_string(env, f"mẫu {n} {{{{ x }}}}")
        newest = max(_entries(folder), key=lambda p: p.stat().st_mtime_ns)  # the one just written
        os.utime(newest, (1000 + n, 1000 + n))  # the six written in this order, long ago
    assert len(_entries(folder)) == 6
    sandbox.from_string(env, "mẫu mới {{ x }}")  # the seventh: the oldest four go, three stay
    kept = _entries(folder)
    assert len(kept) == 3
    fresh = _env(folder)
    calls = _compiles(fresh)
    for n in (4, 5):
        sandbox.from_string(fresh, f"mẫu {n} {{{{ x }}}}")
    sandbox.from_string(fresh, "mẫu mới {{ x }}")
    assert calls == []  # the newest were kept


def test_clear_removes_every_entry(tmp_path):
    """Jinja's ``BytecodeCache.clear``, for an application that wants the kept code gone: every entry goes, and
    the next run compiles again."""
    folder = tmp_path / "jinja"
    env = _env(folder)
    sandbox.from_string(env, SOURCE)
    sandbox.from_string(env, "mẫu khác {{ x }}")
    assert len(_entries(folder)) == 2
    env.bytecode_cache.clear()
    assert _entries(folder) == []
    again = _env(folder)
    calls = _compiles(again)
    sandbox.from_string(again, SOURCE)
    assert calls == [SOURCE]
