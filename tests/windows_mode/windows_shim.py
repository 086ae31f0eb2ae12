"""Make this Python behave, where it matters to dispatch, as it would on Windows.

``apply()`` removes what Windows does not have and turns into errors what Windows does
differently, so that a test run on Linux fails where a clerk's Windows PC would:

- ``signal.SIGALRM``, ``setitimer``, ``getitimer``, ``alarm``: no such timers on Windows;
- ``os.fork``, ``os.forkpty``, ``os.killpg``, ``os.register_at_fork``: absent;
- ``os.kill(pid, 0)``: on Windows signal 0 is ``CTRL_C_EVENT``: it does not test whether a
  process lives, it sends Ctrl+C (or fails); here it raises;
- multiprocessing: ``spawn`` only (``get_context("fork")`` raises ValueError, the default is spawn);
- ``streams=True``: stdout and stderr become cp1252 with ``errors="strict"``, as a Windows
  console redirected to a file or a pipe (a log, Git Bash, a scheduled task) is.

Activated in every interpreter by ``sitecustomize.py`` (beside this file, on PYTHONPATH) when
``DISPATCH_WINDOWS_SHIM=1``: the ``dispatch`` subprocess and the bulk workers it spawns alike.
``tests/conftest.py`` applies it in the test process itself with ``--windows``.
"""
from __future__ import annotations

import os
import sys

ENV = "DISPATCH_WINDOWS_SHIM"
HERE = os.path.dirname(os.path.abspath(__file__))


class WindowsOnlyError(RuntimeError):
    """A call that does something else on Windows."""


def _kill(real_kill):
    def kill(pid, sig):
        if sig == 0:
            raise WindowsOnlyError("os.kill(pid, 0) trên Windows là gửi Ctrl+C (CTRL_C_EVENT = 0), "
                                   "không phải kiểm tra tiến trình còn sống")
        return real_kill(pid, sig)
    return kill


def apply(streams: bool = True) -> None:
    import signal

    for name in ("SIGALRM", "setitimer", "getitimer", "alarm", "ITIMER_REAL", "ITIMER_VIRTUAL", "ITIMER_PROF"):
        if hasattr(signal, name):
            delattr(signal, name)
    for name in ("fork", "forkpty", "killpg", "register_at_fork"):
        if hasattr(os, name):
            delattr(os, name)
    if not getattr(os.kill, "_windows_shim", False):
        os.kill = _kill(os.kill)
        os.kill._windows_shim = True

    import multiprocessing
    from multiprocessing import context

    for method in ("fork", "forkserver"):
        context._concrete_contexts.pop(method, None)
    spawn = context._concrete_contexts["spawn"]
    default = context._default_context
    default._default_context = spawn
    default._actual_context = spawn
    multiprocessing.get_all_start_methods = default.get_all_start_methods = lambda: ["spawn"]

    if streams:
        for name in ("stdout", "stderr"):
            stream = getattr(sys, name)
            if stream is not None and hasattr(stream, "reconfigure"):
                stream.reconfigure(encoding="cp1252", errors="strict")


def environment(base: dict | None = None) -> dict:
    """``base`` (default: os.environ) with the shim switched on for every Python started with it."""
    env = dict(os.environ if base is None else base)
    env[ENV] = "1"
    env["PYTHONPATH"] = os.pathsep.join([HERE] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    for name in ("PYTHONIOENCODING", "PYTHONUTF8", "PYTHONLEGACYWINDOWSSTDIO"):
        env.pop(name, None)
    return env
