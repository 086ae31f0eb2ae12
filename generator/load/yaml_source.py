"""Read a YAML input safely and remember the line of every value.

- Only plain YAML data: no object tags, no anchors/aliases (no alias bombs), no
  duplicate keys, files of at most ``MAX_BYTES``, nesting of at most ``MAX_DEPTH``.
- Integers are decimal only (``so: 010`` is ten, not an octal eight).
- Every string is normalised to Unicode NFC; a text a Word document cannot hold, or
  would print differently from what was typed, is refused with its place (``check_text``).
- A recipient list (``kinh_gui``, ``noi_nhan``, ``luu``, at any depth: also ``thu.…`` and
  ``tong_hop.…`` of a campaign) written as a YAML flow list ``[a, b]`` whose items look like
  fragments of one name (an item starting in lower case, a one-word item that is not an
  abbreviation: "các Phó Chủ tịch", "ngành") is warned about, not refused: YAML split the
  name at its commas. The warning (``Located.warnings``) names the line and shows the block
  list to write instead (``flow_list_warning``).

Parsing: libyaml's C parser when PyYAML has it (the same nodes and line marks through the same
resolver, about ten times faster than PyYAML's own), after a scan of its events has shown the
nesting is within ``MAX_DEPTH`` (its composer recurses in C: a file of ``[[[[…`` would crash the
process, not raise). A file it refuses, or nests deeper, is read again by PyYAML's own parser, so
every complaint is PyYAML's, which ``_yaml_message`` puts into Vietnamese with its line.
"""
from __future__ import annotations

import re
import stat
import unicodedata
from pathlib import Path

import yaml

from generator.exceptions import (FILE_NOT_FOUND, InputError, Located, Problem, cannot_read, display_path, format_field,
                                  is_a_directory, too_large)
from generator.vi.legacy_text import detect as detect_legacy

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40  # an input is 4-5 levels deep; far deeper is a mistake or an attack on the parser

# Characters that XML 1.0 cannot hold (C0 controls other than tab/newline/CR, surrogates,
# U+FFFE/U+FFFF), plus DEL and the C1 controls, which no keyboard types: they come from a
# broken copy/paste or conversion. PyYAML refuses to read them at all, so ``load_yaml`` stands
# them in before parsing and puts them back to report them in the field that holds them.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) are valid
# XML, but they reorder how the text around them is *displayed*: "Số 12" with an override can
# print as "21 ốS", so the letter would read differently from the YAML and from
# ``dispatch text`` ("Trojan Source", CVE-2021-42574). Nothing in a Vietnamese letter needs
# them: refused.
# Kept on purpose: the zero-width space, joiner and non-joiner (U+200B-U+200D), the
# direction *marks* LRM/RLM/ALM (U+200E, U+200F, U+061C), the word joiner (U+2060), U+FEFF
# and the soft hyphen. They are ordinary text that Word stores and shows as typed (ZWJ
# builds emoji such as the family 👨‍👩‍👧; a mark keeps a foreign name's punctuation on the
# right side), they cannot reorder the text around them, and refusing them would reject
# text pasted from web pages for no gain.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


class _Loader(yaml.SafeLoader):
    """SafeLoader with decimal-only integers, and dates left as text.

    A date stays a string for ``IssueDate.parse``, which says in Vietnamese, at the field's
    line, that 2024-02-30 does not exist (PyYAML's own date raised a bare ValueError).
    """


_CSafeLoader = getattr(yaml, "CSafeLoader", None)  # None: PyYAML built without libyaml


class _FastLoader(_CSafeLoader or yaml.SafeLoader):
    """The same rules through libyaml's C parser (``_fast_parse``): the same nodes and line marks, about ten
    times faster. Never trusted to word a complaint: ``load_yaml`` reads a file it refuses with ``_Loader``."""


_INT = "tag:yaml.org,2002:int"
for _loader in (_Loader, _FastLoader):
    _loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_INT, "tag:yaml.org,2002:timestamp")]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _loader.add_implicit_resolver(
        _INT, re.compile(r"^(?:[-+]?(?:0|[1-9][0-9_]*))$"), list("-+0123456789")
    )


def _number(n: int) -> str:
    """1234567 -> "1.234.567", as Vietnamese writes it."""
    return f"{n:,}".replace(",", ".")


def _forbidden_message(char: str, position: int) -> str:
    code = f"U+{ord(char):04X}"
    where = f"ở vị trí {position + 1}"
    if 0xD800 <= ord(char) <= 0xDFFF:
        return (f"có nửa cặp thay thế UTF-16 {code} {where}, không phải một ký tự (thường do viết mã thoát như "
                "«\\ud83d» trong ngoặc kép); Word không chứa được nó: hãy gõ thẳng ký tự thay cho mã thoát")
    if char in "\ufffe\uffff":
        return f"có {code} {where}, không phải một ký tự (Word không chứa được); hãy xoá nó"
    return f"có ký tự điều khiển {code} {where} (thường do sao chép từ Word hoặc PDF); hãy xoá ký tự đó"


def check_text(value: str) -> str | None:
    """Why ``value`` (already NFC) cannot go into the letter as typed, in Vietnamese; None when it can."""
    bad = _FORBIDDEN.search(value)
    if bad:
        return _forbidden_message(bad.group(), bad.start())
    bad = _BIDI_CONTROLS.search(value)
    if bad:
        return (f"có ký tự điều khiển hướng chữ U+{ord(bad.group()):04X} ở vị trí {bad.start() + 1}: nó đảo thứ tự "
                "hiển thị nên công văn in ra sẽ khác chữ đã gõ; hãy xoá ký tự đó (nó vô hình, thường lẫn vào khi "
                "sao chép từ trang web)")
    legacy = detect_legacy(value)
    if legacy:
        return legacy.message(value)
    return None


def _normal(value: str) -> str:
    return unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))


def clean_text(value: str) -> tuple[str, str | None]:
    """NFC-normalise ``value``; return it and why it cannot be used as typed (None when it can)."""
    value = _normal(value)
    return value, check_text(value)


# Lists whose items are organ names full of commas ("các sở, ban, ngành", "UBND các xã, phường"):
# written as a flow list, YAML cuts such a name at every comma.
RECIPIENT_FIELDS = ("kinh_gui", "noi_nhan", "luu")


def _looks_like_fragment(item: str) -> bool:
    """An item that reads as a piece of a longer name, not a name of its own.

    It starts in lower case ("các Phó Chủ tịch UBND tỉnh", "ngành"), or it is one word that is
    not an abbreviation ("Ban", "Ngành"; but "HĐND", "VT", "CPVP" are names of their own).
    """
    text = item.strip()
    first = next((ch for ch in text if ch.isalpha()), "")
    if first and first.islower():
        return True
    return len(text.split()) == 1 and any(ch.islower() for ch in text)


def _suggested_items(items: list[str]) -> list[str]:
    """The names the clerk most likely meant: each fragment joined to the item before it."""
    merged: list[str] = []
    for item in items:
        if merged and _looks_like_fragment(item):
            merged[-1] = f"{merged[-1]}, {item}"
        else:
            merged.append(item)
    return merged


def flow_list_warning(items: list[str], field_name: str, where: str) -> str | None:
    """The warning for ``field_name: [items…]`` written at ``where`` ("tệp a.yaml, dòng 3"), or None.

    None when no item looks like a fragment (``[Sở Tài chính, Sở Xây dựng]`` is two organs).
    """
    items = [unicodedata.normalize("NFC", i) for i in items]
    fragments = [i for i in items if _looks_like_fragment(i)]
    if len(items) < 2 or not fragments:
        return None
    quoted = [f"«{i}»" for i in fragments[:3]]
    shown = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " và " + quoted[-1]
    block = "\n".join(f"      - {i}" for i in _suggested_items(items))
    return (f"Cảnh báo: {where}, trường «{field_name}»: danh sách viết trong ngoặc vuông [...] bị YAML tách ở "
            f"mỗi dấu phẩy thành {len(items)} mục, nên {shown} sẽ in thành một dòng riêng như một nơi nhận. "
            f"Nếu đó là một phần của một tên, hãy viết mỗi nơi nhận một dòng, bắt đầu bằng «- », ví dụ:\n"
            f"    {field_name.rsplit('.', 1)[-1]}:\n{block}")


def _flow_list(node: yaml.SequenceNode, path: tuple, located: Located) -> None:
    items = [item.value for item in node.value if isinstance(item, yaml.ScalarNode)]
    if len(items) != len(node.value):
        return
    where = f"tệp {located.file}, dòng {node.start_mark.line + 1}"
    warning = flow_list_warning(items, format_field(path), where)
    if warning:
        located.warnings.append(warning)


def _walk(node: yaml.Node, path: tuple, located: Located, seen: set, problems: list) -> None:
    """Record the line of every node, refuse aliases, duplicate keys and deep nesting."""
    if id(node) in seen:
        problems.append(located.problem(path, "không dùng neo/bí danh YAML (& và *) trong tệp đầu vào"))
        return
    seen.add(id(node))
    located.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.ScalarNode) and node.tag == _INT and len(node.value) > 4000:
        problems.append(located.problem(path, f"số có {_number(len(node.value))} chữ số, quá dài; nếu đó là chữ, "
                                              "hãy đặt trong ngoặc kép"))
    if len(path) >= MAX_DEPTH and not isinstance(node, yaml.ScalarNode):
        problems.append(Problem(f"dữ liệu lồng nhau quá sâu (quá {MAX_DEPTH} cấp)", located.file,
                                node.start_mark.line + 1))
        return
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
        if node.flow_style and path and path[-1] in RECIPIENT_FIELDS:
            _flow_list(node, path, located)
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), located, seen, problems)


def _clean(value, path: tuple, located: Located, problems: list, restore: dict, check: bool = True):
    """NFC every string, put back the characters stood in for PyYAML, refuse what cannot print (unless not
    ``check``: a file shipped with dispatch, whose text the tests check once, is only normalised)."""
    if not check:  # a shipped file: keys and values only normalised
        if isinstance(value, str):
            return _normal(value)
        if isinstance(value, dict):
            return {_normal(str(k)): _clean(v, path + (str(k),), located, problems, restore, check)
                    for k, v in value.items()}
    if isinstance(value, str):
        text, error = clean_text(value.translate(restore) if restore else value)
        if error:
            problems.append(located.problem(path, error))
        return text
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            key, error = clean_text(str(k).translate(restore) if restore else str(k))
            if error:
                shown = _FORBIDDEN.sub("\N{REPLACEMENT CHARACTER}", _BIDI_CONTROLS.sub("\N{REPLACEMENT CHARACTER}", key))
                problems.append(Problem(f"tên trường {error}", located.file, located.line_of(path + (str(k),)),
                                        format_field(path + (shown,))))
            out[key] = _clean(v, path + (str(k),), located, problems, restore, check)
        return out
    if isinstance(value, list):
        return [_clean(v, path + (i,), located, problems, restore, check) for i, v in enumerate(value)]
    return value


def _stand_ins(text: str) -> dict[str, str]:
    """For each character PyYAML refuses, a private-use character that ``text`` does not hold."""
    found = sorted(set(_FORBIDDEN.findall(text)))
    free = (chr(c) for c in range(0xF8FF, 0xE000, -1) if chr(c) not in text)
    return {char: next(free) for char in found}


NOT_REGULAR = ("không phải một tệp thường (là đường ống, thiết bị hoặc socket) nên không đọc; hãy chỉ ra một tệp "
               "lưu trên đĩa")


def special_file(mode: int) -> bool:
    """Whether ``mode`` (``st_mode``) is a FIFO, a device or a socket: opening one may wait forever or
    read without end, so every file the user names is refused before it is opened."""
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def read_input(path: Path, limit: int, shown: str, noun: str = "tệp") -> bytes:
    """The bytes of a file the user names, at most ``limit`` of them; InputError (Vietnamese) otherwise."""
    try:
        info = path.stat()
        if special_file(info.st_mode):
            raise InputError(Problem(NOT_REGULAR, shown))
        size = info.st_size
        if size > limit:
            raise InputError(Problem(too_large(limit, size), shown))
        with open(path, "rb") as handle:
            raw = handle.read(limit + 1)  # a file that grows while read is still cut at the limit
    except FileNotFoundError:
        raise InputError(Problem(FILE_NOT_FOUND, shown)) from None
    except IsADirectoryError:
        raise InputError(Problem(is_a_directory(noun), shown)) from None
    except OSError as exc:
        raise InputError(Problem(cannot_read(exc), shown)) from None
    if len(raw) > limit:
        raise InputError(Problem(too_large(limit), shown))
    return raw


def _deeper_than(text: str, limit: int) -> bool:
    """Whether ``text`` nests collections more than ``limit`` deep, from libyaml's events (a loop, no
    recursion); a YAML error raises."""
    parser = yaml.cyaml.CParser(text)
    depth = 0
    try:
        while True:
            event = parser.get_event()
            if isinstance(event, _OPEN):
                depth += 1
                if depth > limit:
                    return True
            elif isinstance(event, _CLOSE):
                depth -= 1
            elif event is None or isinstance(event, yaml.StreamEndEvent):
                return False
    finally:
        parser.dispose()


_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _fast_parse(text: str, check_depth: bool = True):
    """(loader, root node) through libyaml; None when PyYAML has no libyaml, when libyaml refuses the text
    (``_slow_parse`` then says why, in PyYAML's words) or, with ``check_depth``, when it nests deeper than
    ``_walk`` accepts: libyaml's composer recurses in C and would crash the process on ``[[[[…``, where
    PyYAML's raises RecursionError (the shipped files, whose nesting the tests see, skip that scan)."""
    if _CSafeLoader is None:
        return None
    try:
        if check_depth and _deeper_than(text, MAX_DEPTH + 1):  # the root has depth 1 and path ()
            return None
        return _parse_with(_FastLoader, text)
    except yaml.YAMLError:
        return None


def _slow_parse(text: str):
    """(loader, root node) through PyYAML's own parser, whose complaints ``_yaml_message`` translates."""
    return _parse_with(_Loader, text)


def _parse_with(loader_class, text: str):
    """(loader, root node) of ``text`` by ``loader_class``; the loader is disposed of if that fails."""
    loader = loader_class(text)
    try:
        return loader, loader.get_single_node()
    except BaseException:
        loader.dispose()
        raise


def load_yaml(path: Path, shipped: bool = False) -> tuple[object, Located]:
    """Load one YAML file. Raises InputError (in Vietnamese, with file and line) on any fault.

    ``shipped``: a data file shipped with dispatch (the criteria sets): its text only normalised, not checked
    for what a clerk may paste, and its nesting not scanned first (``tests/test_startup.py`` checks the shipped
    files once, as a clerk's would be)."""
    shown = display_path(path)
    located = Located(shown)
    raw = read_input(path, MAX_BYTES, shown, "tệp YAML")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            Problem(f"tệp không phải UTF-8 (byte lạ ở vị trí {exc.start}); hãy lưu lại tệp với mã UTF-8", shown)
        ) from None

    # PyYAML refuses control characters before we could say which field holds them: stand each
    # in with a private-use character the file does not use, and put it back in ``_clean``,
    # where the value's place is known.
    stand_ins = _stand_ins(text)
    if stand_ins:
        text = text.translate({ord(k): v for k, v in stand_ins.items()})
    loader = None
    try:
        loader, node = _fast_parse(text, check_depth=not shipped) or _slow_parse(text)
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
    except RecursionError:
        raise InputError(Problem(f"dữ liệu lồng nhau quá sâu (quá {MAX_DEPTH} cấp)", shown)) from None
    except ValueError:  # what ``_walk`` did not foresee of the constructors' complaints
        raise InputError(Problem("có giá trị không đọc được; nếu đó là chữ, hãy đặt trong ngoặc kép", shown)) from None
    finally:
        if loader is not None:
            loader.dispose()

    problems = []
    data = _clean(data, (), located, problems, {ord(v): k for k, v in stand_ins.items()}, check=not shipped)
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
