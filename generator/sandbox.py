"""The Jinja sandbox every template runs in (the Word template and the sentence templates).

Jinja's ``SandboxedEnvironment`` keeps a template from reaching Python internals (no
``__class__``, ``__globals__``, …). A template from elsewhere can still try to exhaust the
machine; this adds two limits:

- ``'x' * 10**9`` or ``9 ** 9 ** 9``: arithmetic that would build a huge string, list or
  number is refused (``intercepted_binops``);
- nested loops that never end (``{% for x in range(99999) %}{% for y in range(99999) %}``):
  rendering stops after ``RENDER_SECONDS`` with a clear error. The limit works the same on
  every platform and in any thread: no SIGALRM (Windows has none). One watchdog thread per
  process keeps the deadlines and, when one passes, raises ``RenderTimeout`` in the thread
  that is rendering (``PyThreadState_SetAsyncExc``), which Jinja's loops, being Python code,
  notice at once. Arming a limit costs a few microseconds (it runs once per letter in bulk).
"""
from __future__ import annotations

import ctypes
import os
import threading
import time

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

MAX_SEQUENCE = 100_000  # characters or items one "*" may build
MAX_EXPONENT = 64
RENDER_SECONDS = 20.0  # a letter renders in milliseconds; this is only a stop for runaway templates


class RenderTimeout(Exception):
    """A template took longer than ``RENDER_SECONDS`` to render."""


class Sandbox(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(right, int) and abs(right) > MAX_EXPONENT:
            raise SecurityError(f"lũy thừa quá lớn (số mũ {right})")
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, (str, list, tuple)) and isinstance(count, int) \
                        and len(sequence) * count > MAX_SEQUENCE:
                    raise SecurityError(f"phép nhân tạo ra chuỗi quá dài ({len(sequence) * count:,} phần tử)")
        return super().call_binop(context, operator, left, right)


def environment(**options) -> jinja2.Environment:
    return Sandbox(undefined=jinja2.StrictUndefined, **options)


class _Limit:
    """One armed limit: the thread it guards and its deadline.

    ``claim`` is taken exactly once: by the watchdog when the deadline passes (it then raises in
    the thread and releases ``sent``, which it made and took before claiming), or by the thread
    when its block ends in time. Taking a lock is one C call, so the two can never both win, and
    a limit that was claimed is over. The thread never waits on a lock it shares: an exception
    raised in it just after it took one would leave that lock taken for good.
    """

    __slots__ = ("thread", "deadline", "claim", "sent")

    def __init__(self, thread: int, deadline: float):
        self.thread = thread
        self.deadline = deadline
        self.claim = threading.Lock()
        self.sent: threading.Lock | None = None

    def live(self) -> bool:
        return not self.claim.locked()


_limits: dict[int, _Limit] = {}  # thread id -> its outermost limit (a claimed one is over)
_lock = threading.Lock()  # taken by the rendering threads with "with _lock:" only (C enter and exit)
_wake = threading.Condition(_lock)
_watchdog: threading.Thread | None = None
_next_wake: float | None = None  # when the watchdog wakes next (None: no deadline)


def _raise_in(thread: int, exc_type) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(exc_type))


def _clear_in(thread: int) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), None)  # NULL: drop a pending one


def _watch() -> None:
    global _next_wake
    with _wake:
        while True:
            now = time.monotonic()
            upcoming = None
            for thread, limit in list(_limits.items()):
                if not limit.live():
                    if _limits.get(thread) is limit:
                        del _limits[thread]
                elif limit.deadline <= now:
                    sent = threading.Lock()
                    sent.acquire()
                    limit.sent = sent
                    if limit.claim.acquire(blocking=False):  # the block has not ended: stop it
                        _raise_in(thread, RenderTimeout)
                        del _limits[thread]
                    sent.release()
                elif upcoming is None or limit.deadline < upcoming:
                    upcoming = limit.deadline
            _next_wake = upcoming
            _wake.wait(None if upcoming is None else upcoming - now)


def _start_watchdog() -> None:
    global _watchdog
    _watchdog = threading.Thread(target=_watch, name="dispatch-render-limit", daemon=True)
    _watchdog.start()


def _after_fork() -> None:  # a forked child has no watchdog thread (and maybe a held lock): start afresh
    global _lock, _wake, _watchdog, _next_wake
    _lock = threading.Lock()
    _wake = threading.Condition(_lock)
    _watchdog, _next_wake = None, None
    _limits.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


class _Free:
    """An inner limit: the outer one applies."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None


_FREE = _Free()


class _Armed:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.limit: _Limit | None = None

    def __enter__(self):
        global _next_wake
        thread = threading.get_ident()
        limit = self.limit = _Limit(thread, time.monotonic() + self.seconds)
        with _lock:
            if _watchdog is None:
                _start_watchdog()
            _limits[thread] = limit
            if _next_wake is None or limit.deadline < _next_wake:
                _next_wake = limit.deadline
                _wake.notify()
        return self

    def __exit__(self, *exc) -> None:
        limit = self.limit
        if not limit.claim.acquire(blocking=False):
            # the watchdog took it: its RenderTimeout was raised in the block, or is pending (it then
            # comes out here, while leaving). Wait until it was sent and drop it if still pending, so
            # that it never lands after the block.
            limit.sent.acquire()
            _clear_in(limit.thread)
        return None


def time_limit(seconds: float | None = None):
    """``with time_limit():`` raises ``RenderTimeout`` in the block after ``seconds`` (default
    ``RENDER_SECONDS``), in whichever thread runs it. Inside another time_limit of the same thread
    the outer one applies (one limit per letter in bulk; the inner ones cost a dictionary look-up).
    When the block is over, so is the limit: the exception comes inside the block or while leaving
    it, never later."""
    outer = _limits.get(threading.get_ident())
    if outer is not None and outer.live():
        return _FREE
    return _Armed(seconds or RENDER_SECONDS)
