"""The Jinja sandbox every template runs in (the Word template and the sentence templates).

Jinja's ``SandboxedEnvironment`` keeps a template from reaching Python internals (no
``__class__``, ``__globals__``, …). What it hands a template is plain data: strings,
numbers, lists and dicts of them (``render.context``), never a live object. A template from
elsewhere can still try to exhaust the machine; this adds limits on every way a template
can build a value:

- **sizes**: no string, list or other value a template builds may hold more than
  ``MAX_VALUE`` characters or items, and no whole number more than ``MAX_INT_BITS`` bits.
  Each operation that can grow a value is checked *before* Python builds it: ``*``, ``**``,
  ``+``, ``%`` (printf widths), ``~`` (a code-generator hook), ``str.format`` and
  ``format_map`` (widths in the format spec), the string methods that pad or repeat
  (``center``, ``ljust``, ``rjust``, ``zfill``, ``expandtabs``, ``replace``, ``join``,
  ``translate``), list growth (``extend``, ``append``, ``insert``), the filters that pad or
  join (``center``, ``indent``, ``format``, ``join``, ``replace``, ``wordwrap``, ``batch``,
  ``slice``, ``tojson``) and turning a container into text (``string``, ``{{ x }}``); every
  call's result is checked too;
- **output**: a rendered part may not exceed ``MAX_OUTPUT`` characters (counted while the
  template writes it, so a runaway loop is stopped long before memory runs out);
- **time**: rendering stops after ``RENDER_SECONDS`` with a clear error (``time_limit``). The limit works
  the same on every platform and in any thread: no SIGALRM (Windows has none). One watchdog thread
  per process keeps the deadlines and, when one passes, raises ``RenderTimeout`` in the thread that
  is rendering (``PyThreadState_SetAsyncExc``), which Jinja's loops, being Python code, notice at
  once. Arming a limit costs a few microseconds (it runs once per letter in bulk).

Each limit is far above what a real letter needs (a letter part is about 100 000 characters).
A refusal is a ``SecurityError`` with a Vietnamese message; the callers turn it into a
``TemplateError`` (exit 3).

**Compiled code is kept** between runs (``CodeCache``, the ``bytecode_cache`` of every environment made
here; ``from_string`` for a template that has no loader): compiling the Word template's body and the
sentence templates was a quarter of what a single build does after its imports. An entry is found by a digest of the template's source,
its name and file, and everything else its code depends on (Jinja's and Python's versions, this module's
own source, which holds the code generator, and the environment's settings, filters and tests), and it
holds a digest of its own bytes: an entry that does not match, or cannot be read, is compiled again and
rewritten. Never pickle (Jinja's own cache format reads its checksum with it). The folder is the user's
own cache folder (``cache_folder``: ``%LOCALAPPDATA%\\dispatch\\jinja`` on Windows, else
``$XDG_CACHE_HOME/dispatch/jinja`` or ``~/.cache/dispatch/jinja``), made 0700; on POSIX it is used only
when it, and the folder holding it, belong to this user and no one else can write to them (code another
user could put there would run here). Entries are written to a temporary name and renamed, so a run
reading one while another writes it sees the old entry, the new one or none. A folder that cannot be
made or written to only means compiling every time. Past ``MAX_ENTRIES`` entries (old versions of edited
templates), the oldest half is removed.
"""
from __future__ import annotations

import hashlib
import json
import marshal
import os
import re
import stat
import sys
import threading
import time
import types
from functools import lru_cache
from itertools import islice
from pathlib import Path

import jinja2
from jinja2.compiler import CodeGenerator
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment, SandboxedEscapeFormatter, SandboxedFormatter
from markupsafe import Markup

from generator.exceptions import RenderTimeout
from generator.resources import DATA

MAX_VALUE = 1_000_000  # characters or items of one value a template builds
MAX_SEQUENCE = MAX_VALUE  # (name kept for callers)
MAX_INT_BITS = 4096  # about 1 200 decimal digits
MAX_EXPONENT = 64
MAX_OUTPUT = 50_000_000  # characters of one rendered part
RENDER_SECONDS = 20.0  # a letter renders in milliseconds; this is only a stop for runaway templates

_SIZED = (str, bytes, list, tuple, dict, set, frozenset)
_NUMBER_IN_SPEC = re.compile(r"\d+")
_PRINTF_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[a-zA-Z%]")


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _too_big(what: str, size: int) -> SecurityError:
    return SecurityError(f"{what} quá dài ({_number(size)} ký tự/phần tử; tối đa {_number(MAX_VALUE)})")


def weight(value, budget: int = MAX_VALUE) -> int:
    """Characters ``value`` turns into as text, counted through nested containers; the count stops
    once past ``budget`` (a list holding one long string 100 000 times is not walked to the end)."""
    if isinstance(value, (str, bytes)):
        return len(value)
    if isinstance(value, dict):
        items = [x for pair in value.items() for x in pair] if len(value) <= budget else None
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = value
    else:
        return 0
    if items is None or len(items) > budget:
        return budget + 1
    total = len(items)
    for item in items:
        if total > budget:
            break
        if isinstance(item, (str, bytes)):
            total += len(item)
        elif isinstance(item, _SIZED):
            total += weight(item, budget - total)
    return total


def check_size(value, what: str = "giá trị mẫu tạo ra"):
    """``value`` unchanged, or SecurityError when it is larger than the limits allow."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if value.bit_length() > MAX_INT_BITS:
            raise SecurityError(f"số quá lớn ({_number(value.bit_length())} bit; tối đa {_number(MAX_INT_BITS)})")
    elif isinstance(value, _SIZED) and len(value) > MAX_VALUE:
        raise _too_big(what, len(value))
    return value


def _check_text_of(value, what: str) -> None:
    """Before a value is turned into text: a container's text must fit too."""
    if isinstance(value, _SIZED) and not isinstance(value, (str, bytes)):
        size = weight(value)
        if size > MAX_VALUE:
            raise _too_big(what, size)


def _check_spec(spec: str, what: str) -> None:
    """Widths and precisions in a format spec (``{:>4000000000}``) stay within the limit."""
    for number in _NUMBER_IN_SPEC.findall(spec or ""):
        if len(number) > 7 or int(number) > MAX_VALUE:
            raise SecurityError(f"{what}: độ rộng {number} quá lớn (tối đa {_number(MAX_VALUE)})")


def _check_printf(template: str, args) -> None:
    """``'%4000000000d' % x`` and ``'%*d' % (10**9, x)``: widths within the limit."""
    star = False
    for width, precision in _PRINTF_SPEC.findall(template):
        for number in (width, precision):
            if number == "*":
                star = True
            elif number:
                _check_spec(number, "định dạng %")
    if star:
        values = args if isinstance(args, tuple) else (args,)
        for v in values:
            if isinstance(v, int) and not isinstance(v, bool) and abs(v) > MAX_VALUE:
                raise SecurityError(f"định dạng %: độ rộng {v} quá lớn (tối đa {_number(MAX_VALUE)})")
    _check_text_of(args, "định dạng %")
    if len(template) > MAX_VALUE:
        raise _too_big("định dạng %", len(template))


class _SizedFormatter(SandboxedFormatter):
    def format_field(self, value, format_spec):
        _check_spec(format_spec, "định dạng {}")
        _check_text_of(value, "định dạng {}")
        return check_size(super().format_field(value, format_spec))


class _SizedEscapeFormatter(_SizedFormatter, SandboxedEscapeFormatter):
    pass


def _str_method_growth(method: str, text: str, args, kwargs) -> int | None:
    """The length a string method would produce, for the methods that can make a string longer."""
    if method in ("center", "ljust", "rjust", "zfill"):
        width = args[0] if args else kwargs.get("width", 0)
        return width if isinstance(width, int) else None
    if method == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        return len(text) + text.count("\t") * max(size, 0) if isinstance(size, int) else None
    if method == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        old, new = args[0], args[1]
        count = (len(text) + 1) if old == "" else text.count(old)
        if len(args) > 2 and isinstance(args[2], int) and args[2] >= 0:
            count = min(count, args[2])
        return len(text) + count * max(len(new) - len(old), 0)
    if method == "join" and args:
        items = args[0]
        if isinstance(items, (list, tuple, set, frozenset, dict)):
            return weight(items) + len(text) * len(items)
        return None
    if method == "translate" and args and isinstance(args[0], dict):
        longest = max((len(v) for v in args[0].values() if isinstance(v, str)), default=1)
        return len(text) * max(longest, 1)
    return None


def _list_method_growth(method: str, items: list, args) -> int | None:
    if method in ("append", "insert"):
        return len(items) + 1
    if method == "extend" and args:
        other = args[0]
        return len(items) + (len(other) if isinstance(other, _SIZED) else MAX_VALUE + 1)
    return None


class OutputBuffer(list):
    """Where a block (``{% set x %}…{% endset %}``, a macro, a filter block) collects its text:
    counted as it grows. Each piece counts at least ``_PIECE_COST``, so many tiny pieces are
    bounded too (the list holds a pointer for each)."""

    __slots__ = ("size",)

    def __init__(self):
        super().__init__()
        self.size = 0

    def append(self, piece) -> None:
        self.size += len(piece) + _PIECE_COST
        if self.size > MAX_OUTPUT:
            raise _too_much_output()
        list.append(self, piece)

    def extend(self, pieces) -> None:
        pieces = tuple(pieces)
        self.size += sum(map(len, pieces)) + _PIECE_COST * len(pieces)
        if self.size > MAX_OUTPUT:
            raise _too_much_output()
        list.extend(self, pieces)


_PIECE_COST = 8


def _too_much_output() -> SecurityError:
    return SecurityError(f"mẫu sinh ra văn bản quá dài (hơn {_number(MAX_OUTPUT)} ký tự)")


class _SizedCodeGenerator(CodeGenerator):
    """Code for a template with two checks Jinja has no hook for: ``a ~ b`` checks its operands
    before joining them (``str(list)`` can be huge), and a block's text buffer counts its size."""

    def buffer(self, frame) -> None:
        frame.buffer = self.temporary_identifier()
        self.writeline(f"{frame.buffer} = environment.output_buffer()")

    def visit_Concat(self, node, frame) -> None:
        if frame.eval_ctx.volatile:
            func_name = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            func_name = "markup_join"
        else:
            func_name = "str_join"
        self.write(f"environment.checked_join({func_name}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


def _filter_checks(filters: dict) -> dict:
    """The built-in filters that pad, repeat or join, wrapped with the size checks."""

    def wrap(name, check):
        original = filters[name]

        def checked(*args, **kwargs):
            check(*args, **kwargs)
            return check_size(original(*args, **kwargs), f"bộ lọc {name}")

        checked.__name__ = original.__name__
        for flag in ("jinja_pass_arg",):
            if hasattr(original, flag):
                setattr(checked, flag, getattr(original, flag))
        return checked

    def width(n, what):
        if isinstance(n, int) and not isinstance(n, bool) and n > MAX_VALUE:
            raise SecurityError(f"{what}: độ rộng {n} quá lớn (tối đa {_number(MAX_VALUE)})")
        if isinstance(n, str) and len(n) > MAX_VALUE:
            raise _too_big(what, len(n))

    def text_in(value, what):
        _check_text_of(value, what)

    def center(value, width_=80):
        width(width_, "bộ lọc center")

    def indent(value, width_=4, *args, **kwargs):
        width(width_, "bộ lọc indent")
        pad = width_ if isinstance(width_, str) else " " * min(width_, 1) if isinstance(width_, int) else ""
        lines = str(value).count("\n") + 1 if isinstance(value, str) else 1
        if isinstance(width_, int) and lines * width_ > MAX_VALUE or isinstance(width_, str) and lines * len(pad) > MAX_VALUE:
            raise SecurityError("bộ lọc indent tạo ra chuỗi quá dài")

    def format_(value, *args, **kwargs):
        if isinstance(value, str):
            _check_printf(value, tuple(args) if args else kwargs)

    def join(eval_ctx, value, d="", attribute=None):
        size = weight(list(value) if not isinstance(value, _SIZED) else value)
        items = len(value) if hasattr(value, "__len__") else 0
        if size + len(str(d)) * items > MAX_VALUE:
            raise _too_big("bộ lọc join", size + len(str(d)) * items)

    def replace(eval_ctx, s, old, new, count=None):
        if isinstance(s, str):
            growth = _str_method_growth("replace", s, (str(old), str(new)) + ((count,) if count else ()), {})
            if growth is not None and growth > MAX_VALUE:
                raise _too_big("bộ lọc replace", growth)

    def wordwrap(environment, s, width_=79, break_long_words=True, wrapstring=None, break_on_hyphens=True):
        wrap_len = len(wrapstring) if isinstance(wrapstring, str) else 1
        if isinstance(s, str) and len(s) * max(wrap_len, 1) > MAX_VALUE:
            raise _too_big("bộ lọc wordwrap", len(s) * wrap_len)

    def batch(value, linecount, fill_with=None):
        width(linecount, "bộ lọc batch")

    def slice_(value, slices, fill_with=None):
        width(slices, "bộ lọc slice")

    def tojson(eval_ctx, value, indent_=None):
        width(indent_, "bộ lọc tojson")
        text_in(value, "bộ lọc tojson")

    def as_text(value, *args, **kwargs):
        text_in(value, "chuyển thành chữ")

    table = {"center": center, "indent": indent, "format": format_, "join": join, "replace": replace,
             "wordwrap": wordwrap, "batch": batch, "slice": slice_, "tojson": tojson,
             "string": as_text, "pprint": as_text, "e": as_text, "escape": as_text, "forceescape": as_text}
    return {name: wrap(name, check) for name, check in table.items() if name in filters}


def _sized_lipsum(lipsum):
    """Jinja's ``lipsum(n, html, min, max)`` with at most ``MAX_VALUE`` words asked for."""

    def checked(n=5, html=True, min=20, max=100):  # noqa: A002 (Jinja's parameter names)
        if isinstance(n, int) and isinstance(max, int) and n * max > MAX_VALUE:
            raise _too_big("lipsum", n * max)
        return lipsum(n, html, min, max)

    return checked


_DICT_ATTRIBUTES = frozenset(dir(dict))  # what ``getattr`` finds on any dict (its methods): never read as keys
_ITEMS_FIRST: dict[type, frozenset[str]] = {dict: _DICT_ATTRIBUTES}  # a mapping type -> every attribute it has


def items_first(cls: type) -> type:
    """Class decorator: a mapping of ours whose instances have no attribute but those of the class (``__slots__``,
    no ``__getattr__``), so that ``value.key`` in a template is looked up as a key at once (``FastReads``)."""
    if "__getattr__" in dir(cls) or "__dict__" in dir(cls):
        raise TypeError(f"{cls.__name__}: its instances may have other attributes")
    _ITEMS_FIRST[cls] = frozenset(dir(cls))
    return cls


class FastReads:
    """What both our Jinja environments (the sandbox and ``Plain``) do faster than Jinja, giving the same values."""

    def make_globals(self, d):
        """A template's globals as one dict: Jinja's ChainMap of them was copied key by key, in Python, for
        every render (a bulk letter renders its sentences and its Word template: eight times). The
        environment's globals are set once, before any template is made, so nothing is lost by the copy."""
        return {**self.globals, **d} if d else dict(self.globals)

    def getattr(self, obj, attribute):
        """``xa.ten`` on a dict: Jinja tries the attribute first, which for a dict raised and caught an
        AttributeError on every read (a bulk letter reads a hundred); a name no dict has as an attribute is
        looked up as a key at once: the same value, the same undefined when it is missing. The same for a
        mapping of ours marked ``items_first`` (``para.runs.doan``)."""
        attributes = _ITEMS_FIRST.get(type(obj))
        if attributes is not None and attribute not in attributes:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


class Plain(FastReads, jinja2.Environment):
    """A Jinja environment without the sandbox, for the templates dispatch ships unchanged (``ShippedLoader``)."""


class Sandbox(FastReads, SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _SizedCodeGenerator

    def __init__(self, *args, **kwargs):
        user_finalize = kwargs.pop("finalize", None)

        def finalize(value):
            _check_text_of(value, "giá trị in ra")
            return user_finalize(value) if user_finalize is not None else value

        super().__init__(*args, finalize=finalize, **kwargs)
        self.globals["lipsum"] = _sized_lipsum(self.globals["lipsum"])
        self.filters.update(_filter_checks(self.filters))

    # --- values a template builds -------------------------------------------------------------

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(right, int) and not isinstance(right, bool):
            if abs(right) > MAX_EXPONENT:
                raise SecurityError(f"lũy thừa quá lớn (số mũ {right})")
            if isinstance(left, int) and left.bit_length() * max(right, 1) > MAX_INT_BITS:
                raise SecurityError("lũy thừa quá lớn (kết quả quá nhiều chữ số)")
        elif operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, (str, list, tuple)) and isinstance(count, int) \
                        and len(sequence) * count > MAX_VALUE:
                    raise SecurityError(f"phép nhân tạo ra chuỗi quá dài ({_number(len(sequence) * count)} phần tử)")
            if isinstance(left, int) and isinstance(right, int) \
                    and left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise SecurityError("phép nhân tạo ra số quá lớn")
        elif operator == "+":
            if isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)) \
                    and len(left) + len(right) > MAX_VALUE:
                raise SecurityError(f"phép cộng tạo ra chuỗi quá dài ({_number(len(left) + len(right))} phần tử)")
        elif operator == "%" and isinstance(left, str):
            _check_printf(left, right)
        return check_size(super().call_binop(context, operator, left, right))

    def checked_join(self, join, parts: tuple):
        """``a ~ b ~ c`` (called by the code the template compiles to)."""
        total = 0
        for part in parts:
            total += weight(part) if isinstance(part, _SIZED) else 0
            if total > MAX_VALUE:
                raise SecurityError(f"phép nối «~» tạo ra chuỗi quá dài ({_number(total)} ký tự)")
        return join(parts)

    def wrap_str_format(self, value):
        if not isinstance(value, (types.MethodType, types.BuiltinMethodType)) or \
                value.__name__ not in ("format", "format_map") or not isinstance(value.__self__, str):
            return None
        text = value.__self__
        is_format_map = value.__name__ == "format_map"
        formatter = (_SizedEscapeFormatter(self, escape=text.escape) if isinstance(text, Markup)
                     else _SizedFormatter(self))
        str_type = type(text)

        def wrapper(*args, **kwargs):
            if is_format_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                kwargs, args = args[0], ()
            return check_size(str_type(formatter.vformat(text, args, kwargs)))

        return wrapper

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's signature)
        owner = getattr(__obj, "__self__", None)
        method = getattr(__obj, "__name__", "")
        grows = None
        if isinstance(owner, str) and not isinstance(owner, type):
            grows = _str_method_growth(method, owner, args, kwargs)
        elif isinstance(owner, list):
            grows = _list_method_growth(method, owner, args)
        if grows is not None and grows > MAX_VALUE:
            raise _too_big(f"«{method}»", grows)
        return check_size(super().call(__context, __obj, *args, **kwargs))

    output_buffer = OutputBuffer

    def concat(self, pieces) -> str:
        """The text of a rendered part (or of a block, a macro): counted while it is written."""
        pieces = iter(pieces)  # a block's buffer is a list: islice on a list would start over each time
        out: list[str] = []
        total = 0
        while True:
            chunk = list(islice(pieces, 4096))
            if not chunk:
                break
            total += sum(map(len, chunk)) + _PIECE_COST * len(chunk)
            if total > MAX_OUTPUT:
                raise _too_much_output()
            out.append("".join(chunk))
        return "".join(out)


def format_text(env: jinja2.Environment, pattern: str, values: dict) -> str:
    """``pattern.format(**values)`` for a pattern a template gave (a filter's argument): through the
    sandbox's formatter, so ``{so.__class__}`` is refused like in the template itself, and widths
    are limited."""
    return check_size(_SizedFormatter(env).vformat(pattern, (), values))


def environment(**options) -> jinja2.Environment:
    """A sandbox whose compiled templates are kept in the user's cache folder (``CodeCache``)."""
    options.setdefault("bytecode_cache", CodeCache())
    return Sandbox(undefined=jinja2.StrictUndefined, **options)


def from_string(env: jinja2.Environment, source: str) -> jinja2.Template:
    """``env.from_string(source)`` through ``env.bytecode_cache`` (Jinja consults it only for templates from a
    loader): the same template, its code compiled once per source."""
    cache = env.bytecode_cache
    if cache is None:
        return env.from_string(source)
    bucket = cache.get_bucket(env, None, None, source)
    code = bucket.code
    if code is None:
        code = env.compile(source)  # a syntax error raises here, as from env.from_string
        bucket.code = code
        cache.set_bucket(bucket)
    return env.template_class.from_code(env, code, env.make_globals(None), None)


# --- compiled templates kept between runs ---------------------------------------------------------

_CACHE_MAGIC = b"dispatch jinja code 1\n"
_OWN_SOURCE: bytes | None = None  # this module's source: the code generator, part of every key


def _own_source() -> bytes | None:
    """This module's file (None when it cannot be read: then nothing is kept, a key could not tell versions)."""
    global _OWN_SOURCE
    if _OWN_SOURCE is None:
        try:
            _OWN_SOURCE = Path(__file__).read_bytes()
        except OSError:
            return None
    return _OWN_SOURCE


_SETTINGS = ("block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
             "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
             "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized", "is_async")


def _name_of(obj) -> str:
    return f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', type(obj).__qualname__)}"


def _fingerprint(env: jinja2.Environment) -> bytes:
    """What the code Jinja compiles for ``env`` depends on besides the template itself."""
    autoescape = env.autoescape if isinstance(env.autoescape, bool) else _name_of(env.autoescape)
    parts = [jinja2.__version__, sys.version, sys.implementation.cache_tag or "", _name_of(type(env)),
             _name_of(env.code_generator_class), _name_of(env.finalize) if env.finalize else "", repr(autoescape),
             *(repr(getattr(env, setting)) for setting in _SETTINGS), ",".join(sorted(env.extensions)),
             ",".join(sorted(env.filters)), ",".join(sorted(env.tests))]
    return hashlib.sha256((_own_source() or b"") + "\x00".join(parts).encode("utf-8", "surrogatepass")).digest()


def cache_folder() -> Path | None:
    """This user's folder for compiled templates (not made here), or None when there is no such place."""
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base) / "dispatch" / "jinja" if base and Path(base).is_absolute() else None
    base = os.environ.get("XDG_CACHE_HOME")
    if not base or not Path(base).is_absolute():  # the XDG spec: a relative path is ignored
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home folder
            return None
    return Path(base) / "dispatch" / "jinja"


def _private(path: Path, holder: bool = False) -> bool:
    """Whether ``path`` is a real folder (not a link) that only this user can write to. ``holder``: the folder
    that holds ours may also be root's, or writable by all with the sticky bit (no one renames our folder)."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    if not hasattr(os, "getuid"):  # Windows: %LOCALAPPDATA% is the user's own (its ACL), no POSIX modes
        return True
    uid = os.getuid()
    if holder:
        return info.st_uid in (uid, 0) and (not info.st_mode & 0o022 or bool(info.st_mode & stat.S_ISVTX))
    return info.st_uid == uid and not info.st_mode & 0o022


def _open_folder(folder: Path | None) -> Path | None:
    """``folder``, made 0700 (with its parent) if missing; None if it cannot be made or is not private."""
    if folder is None:
        return None
    for path in (folder.parent.parent, folder.parent, folder):
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
        except OSError:
            return None
    if not (_private(folder.parent.parent, holder=True) and _private(folder.parent) and _private(folder)):
        return None
    return folder


class CodeCache(jinja2.BytecodeCache):
    """Compiled template code in the user's cache folder (module docstring); ``folder``: for tests."""

    def __init__(self, folder: Path | None = None):
        self._wanted = folder
        self._folder: Path | None | bool = False  # False: not looked at yet

    @property
    def folder(self) -> Path | None:
        """The checked folder, or None (then every template is compiled, nothing is kept)."""
        if self._folder is False:
            wanted = self._wanted if self._wanted is not None else cache_folder()
            self._folder = _open_folder(wanted) if _own_source() is not None else None
        return self._folder

    def get_bucket(self, environment, name, filename, source):
        key = hashlib.sha256(b"\x00".join([
            _fingerprint(environment), (name or "").encode("utf-8", "surrogatepass"),
            (filename or "").encode("utf-8", "surrogatepass"), source.encode("utf-8", "surrogatepass")])).hexdigest()
        bucket = jinja2.bccache.Bucket(environment, key, "")
        self.load_bytecode(bucket)
        return bucket

    def _read(self, key: str) -> bytes | None:
        """The payload of entry ``key``, or None (no folder, no entry, another version's entry, damaged)."""
        folder = self.folder
        if folder is None:
            return None
        try:
            with open(folder / f"{key}.code", "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        head = _CACHE_MAGIC + key.encode("ascii")
        payload = data[len(head) + 32:]
        if data[:len(head)] != head or data[len(head):len(head) + 32] != hashlib.sha256(payload).digest():
            return None  # another version's entry, or damaged: made again
        return payload

    def _write(self, key: str, payload: bytes) -> None:
        folder = self.folder
        if folder is None:
            return
        data = _CACHE_MAGIC + key.encode("ascii") + hashlib.sha256(payload).digest() + payload
        final = folder / f"{key}.code"
        temporary = folder / f"{key}.{os.getpid()}.{threading.get_ident()}.tmp"
        try:
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        except OSError:
            return
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, final)  # whole or not at all, for a run reading it now
        except OSError:  # disk full, or Windows: the entry is open in another run; kept as it is
            try:
                os.unlink(temporary)
            except OSError:
                pass
            return
        _prune(folder)

    def load_bytecode(self, bucket) -> None:
        payload = self._read(bucket.key)
        if payload is None:
            return
        try:
            code = marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return
        if isinstance(code, types.CodeType):
            bucket.code = code

    def dump_bytecode(self, bucket) -> None:
        self._write(bucket.key, marshal.dumps(bucket.code))

    def load_text(self, key: str) -> str | None:
        """Text kept under ``key`` (a SHA-256 in hex no template's code has: ``render/patched.py``), or None."""
        payload = self._read(key)
        if payload is None:
            return None
        try:
            return payload.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def dump_text(self, key: str, text: str) -> None:
        self._write(key, text.encode("utf-8"))

    def clear(self) -> None:
        """Remove every entry (Jinja's ``BytecodeCache.clear``: not called by Jinja, for an application)."""
        folder = self.folder
        if folder is None:
            return
        for entry in folder.glob("*.code"):
            try:
                entry.unlink()
            except OSError:
                pass


MAX_ENTRIES = 200  # each edit of a template leaves its old code behind: past this, the oldest half goes


def _prune(folder: Path) -> None:
    """Keep the folder small: when it holds more than ``MAX_ENTRIES`` entries, remove the least recently
    written ones down to half (they are only compiled again if still used)."""
    try:
        entries = list(os.scandir(folder))
        codes = [e for e in entries if e.name.endswith(".code")]
        if len(codes) <= MAX_ENTRIES:
            return
        codes.sort(key=lambda e: e.stat(follow_symlinks=False).st_mtime)
        for entry in codes[:len(codes) - MAX_ENTRIES // 2]:
            os.unlink(entry.path)
    except OSError:
        pass


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
    import ctypes  # lazy: only when a deadline passes (in the watchdog, which imports it before _clear_in runs)

    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(exc_type))


def _clear_in(thread: int) -> None:
    import ctypes  # lazy: as above (already loaded by _raise_in, which ran first)

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


@lru_cache(maxsize=1)
def _shipped_digests() -> frozenset[str]:
    return frozenset(json.loads((DATA / "templates.json").read_text("utf-8")).values())


def shipped(data: bytes) -> bool:
    """Whether ``data`` is one of the templates dispatch ships, unchanged (a Word template's bytes, a sentence
    template's text in UTF-8): its SHA-256 is one ``scripts/build_template.py`` recorded in
    ``data/templates.json``. Such a template is our own code: what the sandbox guards against (a template
    from elsewhere reaching Python's internals, building huge values) cannot come from it. An edited copy
    is any other template."""
    return hashlib.sha256(data).hexdigest() in _shipped_digests()


class ShippedLoader(jinja2.FileSystemLoader):
    """Loads a template only if it is one dispatch ships, unchanged (``shipped``); any other is "not found"
    here, and goes to the sandbox. The check is made on the very text that is compiled."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources: dict[str, str] = {}  # each template's text as it was compiled

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        if not shipped(source.encode("utf-8")):
            raise jinja2.TemplateNotFound(template)
        self.sources[template] = source
        return source, filename, uptodate
