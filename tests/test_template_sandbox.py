"""A template from elsewhere (``mau:``, or a folder of sentence templates) gets plain data and bounded
resources: written from the attacker's side.

- What reaches a template is strings, numbers, lists and dicts of them (and ``RunChoice``, whose
  values are strings): no live XML object whose methods could read or write files
  (``getroottree().write(...)``, an XInclude appended and resolved).
- Every way of building a huge value is stopped before Python builds it, with exit 3 and a
  Vietnamese message, and the process never gets near running out of memory (each attack below
  runs in its own process under a 1 GiB address-space limit: before the limits, these reached
  3-6 GB).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from markupsafe import Markup

from generator.render import sandbox as sandbox
from generator.wording import sentences as sentences
from generator.cli import main
from generator.exceptions import TemplateError
from generator.pipeline import build_file
from generator.render.docx import RunChoice, compiled_template, context
from hostile_support import good, with_payload, write_yaml

pytestmark = pytest.mark.hostile

ROOT = Path(__file__).resolve().parent.parent
SEED_WITH_SENTENCES = ROOT / "inputs" / "seeds" / "002-huu-lung-2024.yaml"


def _input_with_template(tmp_path: Path, payload: str, name: str = "mau-la.docx") -> Path:
    template = with_payload(payload, tmp_path / name)
    data = good()
    data["mau"] = template.name
    return write_yaml(tmp_path / "thu.yaml", data)


# --- nothing live reaches a template ---------------------------------------------------------------

LIVE_OBJECT_ATTACKS = [
    # the old context handed lxml elements: each of these read or wrote files through their methods
    "{{ paragraphs[0].runs.doan.prototype.getroottree().write('{planted}') }}",
    "{{ paragraphs[0].runs['doan'].prototype.getroottree().write('{planted}') }}",
    "{% set el = paragraphs[0].runs.doan.prototype %}{{ el.append(el.makeelement("
    "'{{http://www.w3.org/2001/XInclude}}include', {{'href': '/etc/passwd', 'parse': 'text'}})) }}"
    "{{ el.getroottree().xinclude() }}{{ el.getroottree().write('{planted}') }}",
    "{{ paragraphs[0].runs.doan.spans }}",
    "{{ paragraphs[0].runs._prototypes }}",
]


@pytest.mark.parametrize("payload", LIVE_OBJECT_ATTACKS)
def test_a_word_template_cannot_reach_a_live_xml_object(tmp_path, payload):
    planted = tmp_path / "planted.py"
    src = _input_with_template(tmp_path, payload.replace("{planted}", str(planted)))
    out = tmp_path / "thu.docx"
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(out)])
    assert result.exit_code == 3, result.output
    assert "mau-la.docx" in result.output and "Traceback" not in result.output
    assert not planted.exists() and not out.exists()
    assert "root:" not in result.output


_PLAIN = (str, int, float, bool, type(None), Markup)


def _walk(value, env, path: str, seen: set, found: list) -> None:
    """Everything a template can reach from ``value`` through attributes the sandbox allows."""
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, _PLAIN):
        return
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _walk(item, env, f"{path}[{i}]", seen, found)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            _walk(item, env, f"{path}.{key}", seen, found)
        return
    if isinstance(value, RunChoice):
        for key in value:
            assert type(value[key]) is Markup, f"{path}.{key}"
        for attr in dir(value):
            if env.is_safe_attribute(value, attr, getattr(value, attr)) and not callable(getattr(value, attr)):
                found.append(f"{path}.{attr}: {type(getattr(value, attr)).__name__}")
        return
    found.append(f"{path}: {type(value).__module__}.{type(value).__name__}")


def test_everything_a_word_template_can_reach_is_plain_data(built_seeds):
    """Walk the real context of every seed letter: strings, numbers, lists, dicts, RunChoice, nothing else."""
    template = compiled_template(ROOT / "templates" / "cong-van.docx")
    env = sandbox.environment(autoescape=True)
    for name, built in built_seeds.items():
        found: list[str] = []
        _walk(context(built.letter, template.prototypes), env, name, set(), found)
        assert found == [], found


def test_blocks_macros_and_long_output_still_render_whole():
    """The size checks count; they change nothing that fits (a block's buffer, a macro, a long loop)."""
    env = sandbox.environment(autoescape=True)
    source = ("{% set s %}a{{ 1 }}b{% endset %}{{ s }}|{% macro m(x) %}<{{ x }}>{% endmacro %}{{ m(2) }}|"
              "{% for i in range(5000) %}{{ i % 10 }}{% endfor %}|{{ 'ab' ~ 'cd' }}|{{ '%03d' % 7 }}|"
              "{{ '{:>4}'.format('x') }}|{{ ['a', 'b']|join(', ') }}|{{ 'x'|center(5) }}")
    out = env.from_string(source).render()
    digits = "0123456789" * 500
    assert out == f"a1b|<2>|{digits}|abcd|007|   x|a, b|  x  "


def test_run_choice_renders_the_template_run_properties_as_text():
    choice = RunChoice(
        (sentences_span("Đậm", bold=True), sentences_span(" và <thường> & ")),
        {"doan": '<w:rPr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:sz w:val="28"/></w:rPr>'},
    )
    xml = choice["doan"]
    assert type(xml) is Markup
    assert xml == (
        '<w:r><w:rPr><w:b/><w:sz w:val="28"/></w:rPr><w:t xml:space="preserve">Đậm</w:t></w:r>'
        '<w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:t xml:space="preserve"> và &lt;thường&gt; &amp; </w:t></w:r>'
    )
    with pytest.raises(KeyError):
        choice["khac"]


def sentences_span(text, bold=False, italic=False):
    from generator.wording.inline import Span

    return Span(text, bold, italic)


# --- huge values: each attack in its own process under a 1 GiB limit --------------------------------

HUGE_VALUE_ATTACKS = [
    ("{{ '{:>4000000000}'.format('x') }}", "độ rộng 4000000000 quá lớn"),
    ("{{ '{:>{w}}'.format('x', w=4000000000) }}", "độ rộng 4000000000 quá lớn"),
    ("{{ 'x'.center(4000000000) }}", "«center» quá dài"),
    ("{{ 'x'.ljust(4000000000) }}", "«ljust» quá dài"),
    ("{{ 'x'.zfill(4000000000) }}", "«zfill» quá dài"),
    ("{{ 'x'|center(4000000000) }}", "bộ lọc center"),
    ("{{ '%4000000000d' % 1 }}", "độ rộng 4000000000 quá lớn"),
    ("{{ '%*d' % (4000000000, 1) }}", "độ rộng 4000000000 quá lớn"),
    ("{{ '%s'|format('x') ~ '%4000000000s'|format('x') }}", "độ rộng 4000000000 quá lớn"),
    ("{% set ns = namespace(s='ab') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
     "phép nối «~» tạo ra chuỗi quá dài"),
    ("{% set ns = namespace(s='ab') %}{% for i in range(60) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
     "phép cộng tạo ra chuỗi quá dài"),
    ("{% set l = [1] %}{% for i in range(60) %}{{ l.extend(l) }}{% endfor %}", "«extend» quá dài"),
    ("{% set ns = namespace(l=[1]) %}{% for i in range(60) %}{% set ns.l = ns.l + ns.l %}{% endfor %}",
     "phép cộng tạo ra chuỗi quá dài"),
    ("{% set n = namespace(v=10) %}{% for i in range(60) %}{% set n.v = n.v * n.v %}{% endfor %}",
     "phép nhân tạo ra số quá lớn"),
    ("{{ (['x' * 900000] * 100000)|join }}", "bộ lọc join"),
    ("{{ ['x' * 900000] * 100000 }}", "giá trị in ra quá dài"),
    ("{{ (['x' * 900000] * 100000)|string }}", "chuyển thành chữ"),
    ("{{ 'x' ~ ['x' * 900000] * 100000 }}", "phép nối «~» tạo ra chuỗi quá dài"),
    ("{{ 'a\tb'.expandtabs(4000000000) }}", "«expandtabs» quá dài"),
    ("{{ ('x' * 900000).replace('x', 'yyyyy') }}", "«replace» quá dài"),
    ("{{ lipsum(100000, max=100000) }}", "lipsum quá dài"),
    ("{{ [1]|batch(4000000000, 0)|list }}", "bộ lọc batch"),
    ("{% for a in range(99999) %}{% for b in range(99999) %}xxxxxxxxxxxxxxxx{% endfor %}{% endfor %}",
     "mẫu sinh ra văn bản quá dài"),
    ("{% set s %}{% for a in range(99999) %}{% for b in range(99999) %}xxxxxxxx{% endfor %}{% endfor %}"
     "{% endset %}", "mẫu sinh ra văn bản quá dài"),
]

_LIMITED_RUN = textwrap.dedent("""
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    from generator.cli import main
    sys.argv = ["dispatch"] + sys.argv[1:]
    main()
""")


@pytest.mark.skipif(sys.platform != "linux", reason="the 1 GiB address-space limit is set with Linux's setrlimit")
@pytest.mark.parametrize("payload, words", HUGE_VALUE_ATTACKS)
def test_a_word_template_cannot_build_a_huge_value(tmp_path, payload, words):
    src = _input_with_template(tmp_path, payload, "mau-lon.docx")
    out = tmp_path / "thu.docx"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", _LIMITED_RUN, "build", str(src), "-o", str(out)],
                            capture_output=True, text=True, encoding="utf-8", env=env, cwd=tmp_path, timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == 3, output  # not 70 (MemoryError), not killed
    assert "mau-lon.docx" in output and words in output, output
    assert "Traceback" not in output and not out.exists()


# --- sentence templates and their filters ------------------------------------------------------------


@pytest.fixture()
def sentence_folder(tmp_path):
    folder = tmp_path / "cau"
    shutil.copytree(sentences.SENTENCE_DIR, folder)
    return folder


@pytest.fixture(scope="module")
def commune():
    built = build_file(SEED_WITH_SENTENCES)
    return built.assessments, next(iter(built.assessments.communes.values()))


@pytest.mark.parametrize("pattern, words", [
    ("{so.__class__.__mro__}", "không an toàn"),
    ("{ten.__class__.__init__.__globals__}", "không an toàn"),
    ("{ten:>4000000000}", "độ rộng 4000000000 quá lớn"),
])
def test_a_sentence_filter_formats_a_template_given_pattern_in_the_sandbox(sentence_folder, commune, pattern,
                                                                            words):
    """``danh_sach("…")`` takes its pattern from the template: str.format there read Python internals."""
    (sentence_folder / "ket_qua.j2").write_text(
        "Xã {{ xa.ten }} đạt: {{ xa.tieu_chi_dat | danh_sach(\"" + pattern + "\") }}.", encoding="utf-8")
    found, one = commune
    with pytest.raises(TemplateError) as caught:
        sentences.write("ket_qua", one, found.default_set.id, folder=sentence_folder)
    assert caught.value.exit_code == 3 and words in str(caught.value)
    assert "function" not in str(caught.value) and "<class" not in str(caught.value)


def test_the_shipped_sentence_patterns_still_format(commune):
    found, one = commune
    text = sentences.write("ket_qua", one, found.default_set.id)
    assert text.startswith(f"Xã {one.name} đạt ")
    assert "Số 1 – Quy hoạch" in text


def test_a_run_choice_key_is_read_as_a_key_in_both_environments():
    """``para.runs.doan`` is looked up as a key at once (``sandbox.items_first``): the same value as Jinja's
    attribute-then-key, the same undefined for a missing kind, and a real attribute (``keys``) is still the
    attribute, in the sandbox and in the environment of our own templates alike."""
    import jinja2

    from generator.render.engine import plain_environment
    from generator.wording.inline import Span

    runs = RunChoice((Span("Kính gửi", bold=True),), {"doan": None})
    for env in (sandbox.environment(autoescape=True), plain_environment()):
        template = env.from_string("{{ r.doan }}|{{ r.keys is callable }}|{{ r.gach is defined }}")
        assert template.render(r=runs) == (
            '<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">Kính gửi</w:t></w:r>|True|False'), type(env)
    with pytest.raises(jinja2.UndefinedError):
        plain_environment().from_string("{{ r.gach }}").render(r=runs)
    assert "doan" not in sandbox._ITEMS_FIRST[RunChoice] and "keys" in sandbox._ITEMS_FIRST[RunChoice]

    class Loose(dict):
        pass

    with pytest.raises(TypeError):
        sandbox.items_first(Loose)  # its instances have a __dict__: an attribute could hide a key
