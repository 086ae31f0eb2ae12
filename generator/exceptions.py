"""User-facing errors. Every message a user sees is Vietnamese and says where.

An error carries the file, the line (when known) and the input field (as the
YAML path the user wrote, e.g. ``nguoi_ky.ho_ten`` or ``noi_dung[3]``). The CLI
prints ``str(error)`` and exits with ``exit_code``; nothing else is shown.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


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
    """Base of every error meant for the user. ``exit_code`` is what the CLI returns."""

    exit_code = 1

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

    exit_code = 2


class TemplateError(DispatchError):
    """The Word template cannot be read or rendered."""

    exit_code = 3


class OutputError(DispatchError):
    """The output cannot be written, or writing it would lose someone's edits."""

    exit_code = 4


class FileBusyError(OutputError):
    """A file is held open by another program (Word, Excel) and cannot be replaced now (exit 4).

    Raised by ``output.py`` after a short retry; the message names the file and tells the
    clerk to close it in Word/Excel and run again. Nothing is lost: the old file stays as it was.
    """


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
