"""The Jinja sandbox every template runs in (the Word template and the sentence templates).

Jinja's ``SandboxedEnvironment`` keeps a template from reaching Python internals (no
``__class__``, ``__globals__``, …). A template from elsewhere can still try to exhaust the
machine; this adds two limits:

- ``'x' * 10**9`` or ``9 ** 9 ** 9``: arithmetic that would build a huge string, list or
  number is refused (``intercepted_binops``);
- nested loops that never end (``{% for x in range(99999) %}{% for y in range(99999) %}``):
  rendering stops after ``RENDER_SECONDS`` with a clear error (a timer on the main thread;
  every render of ours, bulk workers included, runs on a process's main thread).
"""
from __future__ import annotations

import contextlib
import signal
import threading

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


_active = False  # a limit is running: an inner time_limit (one per sentence, per part) costs nothing


@contextlib.contextmanager
def time_limit(seconds: float | None = None):
    """Raise ``RenderTimeout`` in the block after ``seconds`` (default ``RENDER_SECONDS``; no limit off
    the main thread). Inside another time_limit the outer one applies."""
    global _active
    seconds = seconds or RENDER_SECONDS
    if _active or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum, frame):
        raise RenderTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    _active = True
    try:
        yield
    finally:
        _active = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
