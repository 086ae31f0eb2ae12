"""Any text in any field: a valid DOCX that prints it as typed, or a Vietnamese error naming the field.

Property-based (hypothesis, fixed seed): every text field of the input gets any Unicode
string — ``& < > " '``, control characters, NFD, emoji, bidi controls, 10 000 characters,
Jinja-looking text, ``**``/``*`` markup, TCVN3/VNI — through the Python API
(``generate.build_file``) and the command line (click's CliRunner on ``cli.main``). The
outcome is either

- a DOCX whose every part parses strictly and whose text holds the value (after NFC, and
  after the documented changes: upper case for the letterhead and signature titles, the
  ``- `` and ``;``/``.`` the decree's lists add, ``**``/``*`` read as emphasis in the body), or
- an ``InputError`` (exit code 2) whose message is Vietnamese and names the field.

Never a traceback, a DOCX that python-docx or lxml refuses, a silently shortened text, or a
value evaluated as a template.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from generator.assessments.results import commune_name
from generator.cli import main
from generator.exceptions import InputError
from generator.pipeline import build_file
from generator.wording.inline import plain
from generator.model.dispatch import URGENCY_MARKS
from hostile_support import VIETNAMESE, good, strict_text, write_yaml

pytestmark = pytest.mark.hostile

SETTINGS = dict(derandomize=True, database=None, deadline=None, print_blob=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])

# --------------------------------------------------------------------------- strategies

HOSTILE = [
    "&", "<", ">", '"', "'", "&amp;", "&#0;", "<w:t>", "</w:p>", "]]>", "<!--", "<?xml?>",
    "{{ 7*7 }}", "{{ x }}", "{% for x in y %}", "{% endfor %}", "{#", "#}", "{{", "}}", "{%", "%}", "{%p if x %}",
    "{{r x }}", "{_{", "}_}", "{_%", "%_}", "${x}", "%s", "{0}",
    "**", "*", "***", "\\*", "\\", "_", "- ", "– ", ";", ".", ",", ":", ": ", "./.", "V/v ", "Về việc ", "xã ", "Lưu: ",
    "\u202e", "\u202a", "\u2066", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\u2060", "\ufeff",
    "\u00ad", "\u00a0", "\u2028", "\u2029", "\x00", "\x07", "\x0b", "\x1b", "\x7f", "\x85", "\x9f", "\ufffe", "\uffff",
    "\ue000", "\ue0ff", "\uf8ff", "\U0010ffff", "\U000e0041", "😀", "👨\u200d👩\u200d👧", "🇻🇳", "e\u0301", "\u0301",
    "a\u0323\u0302", "Đ", "đ", "Ð", "ệ", "ƯỚ", "ß", "ǰ", "ﬁ", "İ", "\n", "\r\n", "\r", "\t", " ", "  ",
    "NguyÔn V¨n", "Céng hoµ", "Coäng hoøa", "Müller", "«Xã»", "§ 3", "µm", "١٢٣", "עברית", "العربية", "中文",
]
WORDS = ["Ủy", "ban", "nhân", "dân", "xã", "Quyết", "Thắng", "tiêu", "chí", "nông", "thôn", "mới", "Đồng", "Đăng",
         "Phòng", "Nông", "nghiệp&PTNT", "UBND", "huyện", "Hữu", "Lũng", "báo", "cáo", "trước", "ngày", "25/9/2024"]


def _nfd(words: list[str]) -> str:
    return unicodedata.normalize("NFD", " ".join(words))


any_text = st.one_of(
    st.text(max_size=30),  # any Unicode scalar value
    st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=4), st.sampled_from(WORDS)), max_size=10).map("".join),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(_nfd),  # "Unicode tổ hợp", as Unikey can type it
    st.builds(lambda s, n: (s * n)[:10_000], st.sampled_from(["x", "Đồng ", "& ", "{{ 7*7 }} ", "**đậm** "]),
              st.integers(1_000, 10_000)),  # long: up to 10 000 characters
    st.builds(lambda a, s, b: a + s + b, st.text(max_size=3), st.characters(categories=["Cs"]), st.text(max_size=3)),
)

# Text that must always build: real words, XML/Jinja specials, markup, emoji, NFD (no field rules broken).
_SAFE_BITS = [w for w in HOSTILE if not re.search(r"[\x00-\x1f\x7f-\x9f\ufffe\uffff\u202a-\u202e\u2066-\u2069]|"
                                                  r"\{_\{|\}_\}|\{_%|%_\}|NguyÔn|Céng|Coäng", w)]
benign_text = st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(_SAFE_BITS)), min_size=1, max_size=8).map(
    lambda parts: "Xem " + " ".join(parts) + " hết")


# --------------------------------------------------------------------------- fields


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.split("\n") if line.strip()]


@dataclass(frozen=True)
class Field:
    name: str  # the YAML path as messages show it (prefix of the reported field)
    put: Callable[[dict, str], None]  # put the value into a good input
    expect: Callable[[str], list[str]]  # texts the letter must contain, from the value as loaded (NFC)
    markup: bool = False


def _set(*path):
    def put(data, value):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return put


def _strip_end(text: str) -> str:
    """The test's own reading of §II.9.d (not the generator's function): a list item loses a leading
    "- " or "– " and the ; , . at its end, which the generator writes itself."""
    text = text.strip()
    if len(text) > 1 and text[0] in "-–" and text[1].isspace():
        text = text[1:].lstrip()
    while text and text[-1] in ";,.":
        text = text[:-1]
    return text.rstrip()


def _strip_dash(text: str) -> str:
    """A "gạch" item typed with its own dash (``- x``, ``–x``) is printed with one dash."""
    return text[1:].lstrip() if text[:1] in ("-", "–") else text


def _archive(value: str) -> str:
    return _strip_end(re.sub(r"^\s*Lưu\s*:\s*", "", value.strip()))


def _body(block):
    def put(data, value):
        data["noi_dung"] = ["Mở đầu.", block(value), "Kết thúc."]
    return put


def _commune(data, value):
    data["danh_gia"] = {"bo_tieu_chi": "xa_ntm_2021_2025", "xa": [{"ten": value, "dat": [1, 2]}]}
    data["noi_dung"] = ["Kết quả:", {"ket_qua": "tat_ca"}, "Kết thúc."]


FIELDS = [
    Field("co_quan_chu_quan", _set("co_quan_chu_quan"), lambda v: [line.upper() for line in _lines(v)]),
    Field("co_quan_ban_hanh", _set("co_quan_ban_hanh"), lambda v: [line.upper() for line in _lines(v)]),
    Field("ky_hieu", _set("ky_hieu"), lambda v: [f"/{v.strip()}"]),
    Field("dia_danh", _set("dia_danh"), lambda v: [f"{v.strip()}, ngày 05"]),
    Field("trich_yeu", _set("trich_yeu"),
          lambda v: ["V/v " + re.sub(r"^\s*(V/v|v/v|V/V|Về việc)\s*", "", v.strip())]),
    Field("kinh_gui", _set("kinh_gui"),
          lambda v: [f"Kính gửi: {_strip_end(line)}" if len(_lines(v)) == 1 else _strip_end(line) for line in _lines(v)]),
    Field("kinh_gui", lambda d, v: d.update(kinh_gui=["Các sở, ngành", v]),  # the second of two
          lambda v: [f"- {_strip_end(v.strip())}."]),
    Field("noi_dung[2]", _body(lambda v: v), lambda v: [plain(v.strip())], markup=True),
    Field("noi_dung[2]", _body(lambda v: {"muc": v}), lambda v: [plain(v.strip())], markup=True),
    Field("noi_dung[2]", _body(lambda v: {"gach": v}), lambda v: [plain("- " + _strip_dash(v.strip()))], markup=True),
    Field("noi_dung[2]", _body(lambda v: {"can_cu": ["Luật Tổ chức chính quyền địa phương", v]}),
          lambda v: [plain(_strip_end(v.strip()) + ".")], markup=True),
    Field("nguoi_ky.chuc_vu", _set("nguoi_ky", "chuc_vu"), lambda v: [line.upper() for line in _lines(v)]),
    Field("nguoi_ky.ho_ten", _set("nguoi_ky", "ho_ten"), lambda v: [v.strip()]),
    Field("noi_nhan", lambda d, v: d.update(noi_nhan=[v]),
          lambda v: [f"- {_strip_end(v.strip())};"] if _strip_end(v.strip()) else []),
    Field("luu", _set("luu"), lambda v: [f"- Lưu: {_archive(v)}."]),
    Field("pham_vi_luu_hanh", _set("pham_vi_luu_hanh"), lambda v: [v.strip().upper()]),
    Field("dia_chi", _set("dia_chi"), lambda v: [v.strip()]),
    Field("danh_gia.xa[1].ten", _commune, lambda v: [f"Xã {' '.join(commune_name(v.strip()).split())} đạt"]),
]
IDS = [f"{f.name}-{i}" for i, f in enumerate(FIELDS)]


def _loaded(path) -> dict:
    """The input as the YAML file says it (PyYAML's own round trip is not ours to test)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _outcome(tmp_path, field: Field, value: str):
    data = good()
    field.put(data, value)
    src = write_yaml(tmp_path / "thu.yaml", data)
    loaded = _loaded(src)
    probe = good()
    field.put(probe, "\U0010fffd")  # where the value sits: the one place the probe differs
    typed = _find(loaded, probe, "\U0010fffd")
    try:
        return src, typed, build_file(src), None
    except InputError as err:
        return src, typed, None, err


def _find(loaded, probe, marker):
    if probe == marker:
        return loaded
    if isinstance(probe, dict):
        for key, value in probe.items():
            found = _find(loaded[key], value, marker)
            if found is not None:
                return found
    if isinstance(probe, list):
        for a, b in zip(loaded, probe):
            found = _find(a, b, marker)
            if found is not None:
                return found
    return None


def _check_error(err: InputError, field: Field) -> None:
    assert err.exit_code == 2
    for problem in err.problems:
        assert problem.field and problem.field.startswith(field.name), (problem, field.name)
        assert problem.file and problem.line, problem
        assert VIETNAMESE.search(problem.message), problem.message
        assert "Traceback" not in problem.message


def _check_letter(built, field: Field, typed: str) -> None:
    text = strict_text(built.docx)
    cleaned = unicodedata.normalize("NFC", typed.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    for expected in field.expect(cleaned):
        if field.name in ("co_quan_chu_quan", "co_quan_ban_hanh"):  # a long name prints on several lines
            assert " ".join(expected.split()) in " ".join(text.split()), (expected[:200], typed[:200])
            continue
        assert expected in text, (expected[:200], typed[:200])
    if "{{ 7*7 }}" in cleaned and not field.markup:  # printed, not evaluated (in the body, * is emphasis)
        assert "{{ 7*7 }}" in text and ("49" not in text or "49" in cleaned)


@pytest.mark.parametrize("field", FIELDS, ids=IDS)
@settings(max_examples=70, **SETTINGS)
@given(value=any_text)
def test_any_text_builds_as_typed_or_is_refused_naming_the_field(tmp_path, field, value):
    _src, typed, built, err = _outcome(tmp_path, field, value)
    event("refused" if err is not None else "built")  # --hypothesis-show-statistics shows the mix
    if err is not None:
        _check_error(err, field)
    else:
        _check_letter(built, field, typed)


FREE_TEXT = [f for f in FIELDS if f.name not in ("ky_hieu",)]


@pytest.mark.parametrize("field", FREE_TEXT, ids=[f"{f.name}-{i}" for i, f in enumerate(FREE_TEXT)])
@settings(max_examples=25, **SETTINGS)
@given(value=benign_text)
def test_ordinary_hostile_looking_text_always_builds(tmp_path, field, value):
    """XML and Jinja specials, markup, emoji, NFD, bidi *marks*: printed, never refused."""
    _src, typed, built, err = _outcome(tmp_path, field, value)
    assert err is None, str(err)
    _check_letter(built, field, typed)


@settings(max_examples=60, **SETTINGS)
@given(field=st.sampled_from(FIELDS), value=any_text)
def test_command_line_exit_code_and_message(tmp_path_factory, field, value):
    """The same through ``dispatch build``: exit 0 with a strict DOCX, or exit 2 naming the field; no traceback."""
    tmp_path = tmp_path_factory.mktemp("cli")
    data = good()
    field.put(data, value)
    src = write_yaml(tmp_path / "thu.yaml", data)
    out = tmp_path / "thu.docx"
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(out)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 0:
        strict_text(out.read_bytes())
    else:
        assert f"trường «{field.name}" in result.output, result.output
        assert VIETNAMESE.search(result.output) and not out.exists()


@settings(max_examples=60, **SETTINGS)
@given(value=any_text)
def test_urgency_is_one_of_three_or_refused(tmp_path, value):
    data = good()
    data["do_khan"] = value
    src = write_yaml(tmp_path / "thu.yaml", data)
    typed = _loaded(src)["do_khan"]
    try:
        built = build_file(src)
    except InputError as err:
        _check_error(err, Field("do_khan", None, None))
        return
    mark = URGENCY_MARKS.get(" ".join(unicodedata.normalize("NFC", typed).upper().split()))
    assert built.letter.urgency == mark
    text = strict_text(built.docx)
    if mark:
        assert mark in text


# --------------------------------------------------------------------------- examples


@pytest.mark.parametrize("value", ["{{ 7*7 }}", "{% if true %}49{% endif %}x", "{{ cycler.__init__.__globals__ }}",
                                   "{# a #}b", "{{r x }}", "{%p if x %}"])
def test_a_value_is_never_evaluated_as_a_template(tmp_path, value):
    data = good()
    data["nguoi_ky"]["ho_ten"] = value
    data["noi_dung"] = [f"Đoạn có {value} ở giữa.", {"muc": value}]
    text = strict_text(build_file(write_yaml(tmp_path / "a.yaml", data)).docx)
    assert value in text and f"Đoạn có {value} ở giữa." in text


def test_xml_specials_and_quotes_print_as_typed(tmp_path):
    data = good()
    value = "Phòng Nông nghiệp&PTNT <huyện> \"A\" 'B' &amp; ]]> <!-- x -->"
    for key in ("dia_danh", "dia_chi", "pham_vi_luu_hanh"):
        data[key] = value
    text = strict_text(build_file(write_yaml(tmp_path / "a.yaml", data)).docx)
    assert f"{value}, ngày 05 tháng 01 năm 2026" in text and value.upper() in text


def test_nfd_input_prints_as_nfc(tmp_path):
    data = good()
    data["dia_danh"] = unicodedata.normalize("NFD", "Đồng Đăng")
    text = strict_text(build_file(write_yaml(tmp_path / "a.yaml", data)).docx)
    assert "Đồng Đăng, ngày" in text and unicodedata.normalize("NFD", "Đồng") not in text


def test_ten_thousand_characters_are_not_cut(tmp_path):
    data = good()
    value = ("Đồng & <Đăng> {{ x }} " * 500)[:10_000].strip()
    data["noi_dung"] = [value, "Hết."]
    data["nguoi_ky"]["ho_ten"] = value
    text = strict_text(build_file(write_yaml(tmp_path / "a.yaml", data)).docx)
    assert text.count(value) == 2


def test_private_use_character_is_kept_in_markup(tmp_path):
    """U+E000 once stood in for ``\\*`` while reading emphasis; typed by a user it became an asterisk."""
    data = good()
    data["noi_dung"] = ["a\ue000b \\* **c**", "Hết."]
    text = strict_text(build_file(write_yaml(tmp_path / "a.yaml", data)).docx)
    assert "a\ue000b * c" in text


@pytest.mark.parametrize("value, words", [
    ("Nguyễn\u202eVăn", ["U+202E", "hướng chữ"]),
    ("Nguyễn\u2066Văn", ["U+2066", "hướng chữ"]),
    ("Nguyễn\ufffeVăn", ["U+FFFE", "không phải một ký tự"]),
    ("Nguyễn\uffffVăn", ["U+FFFF"]),
    ("Nguyễn\ud800Văn", ["U+D800", "nửa cặp thay thế"]),
    ("Nguyễn\x01Văn", ["U+0001", "ký tự điều khiển"]),
    ("Nguyễn\x9fVăn", ["U+009F", "ký tự điều khiển"]),
    ("NguyÔn V¨n A", ["TCVN3", "«NguyÔn» là «Nguyễn»", "Ctrl+Shift+F6", "Unicode"]),
    ("Nguyeãn Vaên A", ["VNI", "«Nguyễn Văn A»", "Ctrl+Shift+F6"]),
])
def test_text_that_cannot_print_as_typed_is_refused_with_its_place(tmp_path, value, words):
    data = good()
    data["nguoi_ky"]["ho_ten"] = value
    src = write_yaml(tmp_path / "a.yaml", data)
    out = tmp_path / "a.docx"
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "a.yaml" in result.output and "trường «nguoi_ky.ho_ten»" in result.output and "dòng 14" in result.output
    for word in words:
        assert word in result.output, result.output
    assert "ở vị trí" in result.output or "bảng mã" in result.output
    assert not out.exists() and "Traceback" not in result.output


@pytest.mark.parametrize("value", ["Nguyễn {_{ Văn %_} A", "{_% x %_} }_}", "a\u200bb", "a\u200db", "👨\u200d👩\u200d👧", "a\u200eb\u200f", "a\u2060b", "a\ufeffb",
                                   "a\u00adb", "Đồng\u00a0Đăng", "a\u2028b"])
def test_invisible_but_harmless_characters_are_kept(tmp_path, value):
    """Zero-width and direction *marks* cannot reorder text: they print as typed (see yaml_source.py)."""
    data = good()
    data["nguoi_ky"]["ho_ten"] = value
    text = strict_text(build_file(write_yaml(tmp_path / "a.yaml", data)).docx)
    assert value in text


def test_control_characters_typed_raw_in_the_file_are_placed_exactly(tmp_path):
    """Raw bytes PyYAML refuses are stood in while parsing, and reported in their own field."""
    src = tmp_path / "a.yaml"
    text = write_yaml(tmp_path / "a.yaml", good()).read_text(encoding="utf-8")
    text = text.replace("Nguyễn Văn A", "Nguyễn\x07Văn A").replace("Lạng Sơn", "Lạng\x1bSơn\ue0ff")
    src.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(tmp_path / "a.docx")])
    assert result.exit_code == 2
    assert "Có 2 lỗi" in result.output
    assert "trường «dia_danh»: có ký tự điều khiển U+001B ở vị trí 5" in result.output
    assert "trường «nguoi_ky.ho_ten»: có ký tự điều khiển U+0007 ở vị trí 7" in result.output


def test_a_private_use_character_alone_is_ordinary_text(tmp_path):
    """The private-use character once used as the stand-in is no longer mistaken for a control character."""
    data = good()
    data["nguoi_ky"]["ho_ten"] = "Nguyễn\ue0ffVăn"
    assert "Nguyễn\ue0ffVăn" in strict_text(build_file(write_yaml(tmp_path / "a.yaml", data)).docx)
