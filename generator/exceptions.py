"""Every error type and every exit code of ``dispatch``, and the messages said in several places.

A user error (``DispatchError`` and its subclasses) carries the file, the line (when known) and
the input field (as the YAML path the user wrote, e.g. ``nguoi_ky.ho_ten`` or ``noi_dung[3]``).
The CLI prints ``str(error)`` and exits with ``exit_code``; nothing else is shown. The exit codes
are the ``EXIT_*`` constants below (the README's table is tested against them,
``tests/test_architecture.py``). The internal signals ``DocxReadError`` (a .docx we cannot or
dare not read; callers turn it into a user error with the file name) and ``RenderTimeout`` (the
render watchdog fired) live here too, so that one module lists every error there is.

This module imports nothing of ``generator``: every other module may import it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# Exit codes (README "Exit codes: …"). 1 is a result, not a failure: `diff` found differences,
# `lint` found violations; no error class uses it.
EXIT_OK = 0
EXIT_DIFFERENT = 1
EXIT_INPUT = 2
EXIT_TEMPLATE = 3
EXIT_OUTPUT = 4
EXIT_PDF = 5
EXIT_INTERNAL = 70  # a bug of ours (BSD sysexits EX_SOFTWARE)
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT), as shells report it

EXIT_CODES = {
    EXIT_OK: "done",
    EXIT_DIFFERENT: "differences / violations found",
    EXIT_INPUT: "bad input",
    EXIT_TEMPLATE: "template problem",
    EXIT_OUTPUT: "output refused or not writable",
    EXIT_PDF: "PDF conversion failed",
    EXIT_INTERNAL: "internal error",
    EXIT_INTERRUPTED: "interrupted",
}


@dataclass
class Problem:
    """One thing wrong with an input, located as precisely as we can."""

    message: str
    file: str | None = None
    line: int | None = None
    field: str | None = None
    place: str | None = None  # a place that is not a line: "trang «Xã», hàng 5, cột D"

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(f"tệp {self.file}")
        if self.line:
            where.append(f"dòng {self.line}")
        if self.place:
            where.append(self.place)
        if self.field:
            where.append(f"trường «{self.field}»")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class DispatchError(Exception):
    """Base of every error meant for the user. ``exit_code`` is what the CLI returns.

    Only subclasses are raised. The base's code is ``EXIT_INTERNAL``: an error nobody classified
    is a bug of ours, never "differences found" (``EXIT_DIFFERENT``, a result, not an error)."""

    exit_code = EXIT_INTERNAL

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = problems
        super().__init__(str(self))

    def __str__(self) -> str:
        if len(self.problems) == 1:
            return f"Lỗi: {self.problems[0]}"
        lines = [f"Có {len(self.problems)} lỗi:"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


class InputError(DispatchError):
    """The input (YAML, values in it) is wrong: exit code 2, like a usage error."""

    exit_code = EXIT_INPUT


class TemplateError(DispatchError):
    """The Word template cannot be read or rendered."""

    exit_code = EXIT_TEMPLATE


class OutputError(DispatchError):
    """The output cannot be written, or writing it would lose someone's edits."""

    exit_code = EXIT_OUTPUT


class FileBusyError(OutputError):
    """A file is held open by another program (Word, Excel) and cannot be replaced now (exit 4).

    Raised by ``output.py`` after a short retry; the message names the file and tells the
    clerk to close it in Word/Excel and run again. Nothing is lost: the old file stays as it was.
    """


class PdfError(DispatchError):
    """PDF output failed: LibreOffice missing, stalled, or could not convert a file
    (``generator/pdf/convert.py``)."""

    exit_code = EXIT_PDF


class DocxReadError(Exception):
    """The file is not a Word (or Excel) document we can, or dare to, read; the message is
    Vietnamese and has no file name: the caller adds it and raises a ``DispatchError``
    (``generator/ooxml/guard.py``, ``generator/ooxml/read.py``)."""


class RenderTimeout(Exception):
    """A template took longer than ``RENDER_SECONDS`` to render (``generator/render/sandbox.py``
    raises it in the rendering thread; the renderers turn it into a ``TemplateError``)."""


# Messages said in several places, written once.
FILE_NOT_FOUND = "không tìm thấy tệp"


def is_a_directory(noun: str = "tệp") -> str:
    """The path names a folder where a file (``noun``: "tệp .docx", "tệp YAML") was expected."""
    return f"đây là một thư mục, không phải {noun}"


def cannot_read(exc: OSError) -> str:
    """An operating-system error while reading a file the user named."""
    return f"không đọc được tệp ({exc.strerror or exc})"


def cannot_write(why: str, old_kept: bool = True) -> str:
    """A file could not be written (``why``: the system's reason); by default the old one is intact."""
    return f"không ghi được tệp ({why})" + ("; tệp cũ (nếu có) vẫn giữ nguyên" if old_kept else "")


def byte_size(n: int) -> str:
    """A size as the messages print it: exact bytes with Vietnamese digit groups, and in MB/KB
    when large ("2.097.152 byte (2 MB)")."""
    exact = f"{n:,}".replace(",", ".") + " byte"
    if n >= 1024 * 1024:
        return f"{exact} ({n / (1024 * 1024):.0f} MB)"
    if n >= 1024:
        return f"{exact} ({n / 1024:.0f} KB)"
    return exact


def too_large(limit: int, size: int | None = None, *, what: str = "tệp", unpacked: bool = False) -> str:
    """The one wording of "too big" for a file or a part of one: ``what`` ("tệp", "phần «x»"),
    ``size`` when known (else "more than ``limit``"), ``unpacked`` for a size once unzipped.

    >>> too_large(2097152, 3145728)
    'tệp quá lớn (3.145.728 byte (3 MB); tối đa 2.097.152 byte (2 MB))'
    """
    when = " khi giải nén" if unpacked else ""
    if size is None:
        return f"{what} quá lớn{when} (hơn {byte_size(limit)})"
    return f"{what} quá lớn{when} ({byte_size(size)}; tối đa {byte_size(limit)})"


def display_path(path: Path | str) -> str:
    """The path as the user would type it: relative to the working directory when inside it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


@dataclass
class Located:
    """Where each value of a loaded YAML document came from: YAML path -> line (1-based)."""

    file: str
    lines: dict[tuple, int] = field(default_factory=dict)
    # what the reader noticed but does not refuse (generator/load/yaml_source.py: a flow list that
    # splits one organ's name), as printable Vietnamese lines "Cảnh báo: tệp …, dòng …"
    warnings: list[str] = field(default_factory=list)

    def line_of(self, path: tuple) -> int | None:
        """Line of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)

    def problem(self, path: tuple, message: str) -> Problem:
        return Problem(message, self.file, self.line_of(path), format_field(path))


def format_field(path: tuple) -> str | None:
    """('noi_dung', 3, 'muc') -> 'noi_dung[3].muc' (list positions counted from 1)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + str(part)
    return out or None
