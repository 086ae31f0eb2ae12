"""Read a YAML input safely and remember the line of every value.

- Only plain YAML data: no object tags, no anchors/aliases (no alias bombs), no
  duplicate keys, files of at most ``MAX_BYTES``.
- Integers are decimal only (``so: 010`` is ten, not an octal eight).
- Every string is normalised to Unicode NFC; characters that cannot stand in a
  Word document (control characters, non-characters) are refused with their place.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml

from .exceptions import InputError, Located, Problem, display_path

MAX_BYTES = 2 * 1024 * 1024

# XML 1.0 forbids C0 controls other than tab/newline/CR, surrogates and U+FFFE/U+FFFF;
# C1 controls and the bidi/zero-width *controls* that pasted text brings are refused too.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


class _Loader(yaml.SafeLoader):
    """SafeLoader with decimal-only integers."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:int"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?(?:0|[1-9][0-9_]*))$"), list("-+0123456789")
)


_STAND_IN = "\ue0ff"


def _control_message(code: str, position: int) -> str:
    return (
        f"có ký tự điều khiển {code} ở vị trí {position + 1} (thường do sao chép từ Word hoặc PDF); "
        "hãy xoá ký tự đó"
    )


def clean_text(value: str) -> tuple[str, str | None]:
    """NFC-normalise ``value``; return it and an error message if it holds a forbidden character."""
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    bad = _FORBIDDEN.search(value)
    if bad:
        return value, _control_message(f"U+{ord(bad.group()):04X}", bad.start())
    return value, None


def _walk(node: yaml.Node, path: tuple, located: Located, seen: set, problems: list) -> None:
    """Record the line of every node, refuse aliases and duplicate keys."""
    if id(node) in seen:
        problems.append(located.problem(path, "không dùng neo/bí danh YAML (& và *) trong tệp đầu vào"))
        return
    seen.add(id(node))
    located.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        keys: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in keys:
                problems.append(
                    Problem(f"khoá «{key}» bị lặp lại (đã có ở dòng {keys[key]})", located.file, line,
                            ".".join(str(p) for p in path + (key,) if not isinstance(p, int)) or key)
                )
                continue
            keys[key] = line
            located.lines[path + (key,)] = line
            _walk(value_node, path + (key,), located, seen, problems)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), located, seen, problems)


def _clean(value, path: tuple, located: Located, problems: list, codes: str):
    if isinstance(value, str):
        if _STAND_IN in value:
            problems.append(located.problem(path, _control_message(codes, value.index(_STAND_IN))))
            return value
        text, error = clean_text(value)
        if error:
            problems.append(located.problem(path, error))
        return text
    if isinstance(value, dict):
        return {
            clean_text(str(k))[0]: _clean(v, path + (str(k),), located, problems, codes) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_clean(v, path + (i,), located, problems, codes) for i, v in enumerate(value)]
    return value


def load_yaml(path: Path) -> tuple[object, Located]:
    """Load one YAML file. Raises InputError (in Vietnamese, with file and line) on any fault."""
    shown = display_path(path)
    located = Located(shown)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(Problem("không tìm thấy tệp", shown)) from None
    except OSError as exc:
        raise InputError(Problem(f"không đọc được tệp ({exc.strerror})", shown)) from None
    if len(raw) > MAX_BYTES:
        raise InputError(Problem(f"tệp quá lớn ({len(raw):,} byte; tối đa {MAX_BYTES:,} byte)", shown))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            Problem(f"tệp không phải UTF-8 (byte lạ ở vị trí {exc.start}); hãy lưu lại tệp với mã UTF-8", shown)
        ) from None

    # PyYAML refuses control characters before we could say which field holds them: stand them
    # in with a private-use character and report them once the values' places are known.
    found = sorted({f"U+{ord(c):04X}" for c in _FORBIDDEN.findall(text)})
    text = _FORBIDDEN.sub(_STAND_IN, text)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError(Problem("tệp rỗng", shown))
        problems: list[Problem] = []
        _walk(node, (), located, set(), problems)
        if problems:
            raise InputError(problems)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InputError(Problem(_yaml_message(exc), shown, line)) from None
    except yaml.YAMLError as exc:
        raise InputError(Problem(f"YAML không hợp lệ ({exc})", shown)) from None
    finally:
        loader.dispose()

    problems = []
    data = _clean(data, (), located, problems, ", ".join(found))
    if problems:
        raise InputError(problems)
    return data, located


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    """A Vietnamese reading of PyYAML's most common complaints."""
    problem = (exc.problem or "").strip()
    known = {
        "mapping values are not allowed here": (
            "dấu hai chấm «: » không được đứng ở đây; nếu đoạn văn có «: », hãy đặt cả đoạn trong ngoặc kép"
        ),
        "found character '\\t' that cannot start any token": "YAML không cho dùng phím Tab để thụt dòng; hãy dùng dấu cách",
        "could not find expected ':'": "thiếu dấu hai chấm «:» sau tên trường",
        "found undefined alias": "không dùng bí danh YAML (*); nếu đoạn văn bắt đầu bằng * hãy đặt nó trong ngoặc kép",
        "found unexpected end of stream": "tệp kết thúc giữa chừng (thiếu dấu ngoặc kép đóng?)",
        "expected <block end>, but found '-'": "thụt dòng của danh sách không khớp",
        "expected <block end>, but found '<block sequence start>'": "thụt dòng của danh sách không khớp",
        "expected <block end>, but found '<scalar>'": "thụt dòng không khớp với dòng trên",
        "did not find expected key": "thụt dòng không khớp hoặc thiếu dấu ngoặc kép đóng",
        "found character '%' that cannot start any token": "giá trị bắt đầu bằng % phải đặt trong ngoặc kép",
        "found character '@' that cannot start any token": "giá trị bắt đầu bằng @ phải đặt trong ngoặc kép",
        "found character '`' that cannot start any token": "giá trị bắt đầu bằng ` phải đặt trong ngoặc kép",
        "expected alphabetic or numeric character": (
            "giá trị bắt đầu bằng * hoặc & phải đặt trong ngoặc kép (ví dụ \"**đậm** ...\")"
        ),
    }
    if problem.startswith("could not determine a constructor for the tag"):
        return "không dùng thẻ YAML (!tag) trong tệp đầu vào"
    if problem.startswith("found duplicate anchor"):
        return "không dùng neo/bí danh YAML (& và *) trong tệp đầu vào"
    for english, vietnamese in known.items():
        if problem.startswith(english):
            return f"YAML không hợp lệ: {vietnamese}"
    return f"YAML không hợp lệ ({problem or exc})"
