"""A Word template or sentence template from elsewhere cannot read files, reach Python internals or run code.

Both are rendered in Jinja's sandbox (``render.jinja_environment``, ``sentences.environment``).
A hostile tag is a ``TemplateError``: a Vietnamese message naming the template, exit code 3,
no traceback, no letter written.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.wording import sentences as sentences
from generator.cli import main
from generator.exceptions import TemplateError
from generator.pipeline import build_file
from hostile_support import good, strict_text, with_payload, write_yaml

pytestmark = pytest.mark.hostile

ROOT = Path(__file__).resolve().parent.parent
SEED_WITH_SENTENCES = ROOT / "inputs" / "seeds" / "002-huu-lung-2024.yaml"
SECRET = "bí-mật-không-được-lộ"

INTERNALS = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ lipsum.__globals__['os'].listdir('/') }}",
    "{{ joiner().__class__.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ self.__init__.__globals__ }}",
    "{{ signer_name.__class__.__base__.__subclasses__() }}",
    "{{ paragraphs.__class__.__mro__ }}",
    "{{ (signer_name|attr('__class__')).__mro__ }}",
    "{% set x = signer_name.__class__ %}{{ x }}",
    "{{ signer_name.format.__globals__ }}",
]
OTHER_FAULTS = [
    ("{{ range(10**7)|list|length }}", "OverflowError"),
    ("{% include '/etc/passwd' %}", "TypeError"),
    ("{% import 'os' as os %}", "TypeError"),
    ("{{ 1/0 }}", "ZeroDivisionError"),
]


def _input_with_template(tmp_path, template: Path) -> Path:
    data = good()
    data["mau"] = template.name
    return write_yaml(tmp_path / "thu.yaml", data)


@pytest.mark.parametrize("payload", INTERNALS)
def test_word_template_reaching_python_internals_is_refused(tmp_path, payload):
    src = _input_with_template(tmp_path, with_payload(payload, tmp_path / "mau-doc.docx"))
    out = tmp_path / "thu.docx"
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(out)])
    assert result.exit_code == 3, result.output
    assert "mau-doc.docx" in result.output and "mẫu chứa thẻ không an toàn" in result.output
    assert "Traceback" not in result.output and "uid=" not in result.output and not out.exists()


@pytest.mark.parametrize("payload, kind", OTHER_FAULTS)
def test_word_template_asking_for_what_the_sandbox_refuses_is_a_template_error(tmp_path, payload, kind):
    src = _input_with_template(tmp_path, with_payload(payload, tmp_path / "mau-loi.docx"))
    out = tmp_path / "thu.docx"
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(out)])
    assert result.exit_code == 3, result.output
    assert "mau-loi.docx" in result.output and "hãy sửa thẻ trong mẫu" in result.output and kind in result.output
    assert "root:" not in result.output and "Lỗi nội bộ" not in result.output and not out.exists()


def test_word_template_in_a_footer_is_sandboxed_too(tmp_path):
    template = with_payload("{{ cycler.__init__.__globals__.os }}", tmp_path / "mau-chan.docx",
                            part="word/footer2.xml", anchor="</w:p>")
    with pytest.raises(TemplateError) as caught:
        build_file(_input_with_template(tmp_path, template))
    assert caught.value.exit_code == 3 and "không an toàn" in str(caught.value)


def test_a_template_variable_holding_a_value_is_not_reevaluated(tmp_path):
    """The template's own tags run; what they print (the input) is never a template."""
    data = good()
    data["nguoi_ky"]["ho_ten"] = "{{ cycler.__init__.__globals__ }}"
    text = strict_text(build_file(write_yaml(tmp_path / "a.yaml", data)).docx)
    assert "{{ cycler.__init__.__globals__ }}" in text


# --- sentence templates (templates/cau/*.j2 in a folder from elsewhere) ---------------------------


@pytest.fixture()
def sentence_folder(tmp_path):
    folder = tmp_path / "cau"
    shutil.copytree(sentences.SENTENCE_DIR, folder)
    (tmp_path / "bi-mat.txt").write_text(SECRET, encoding="utf-8")
    return folder


@pytest.fixture()
def commune():
    built = build_file(SEED_WITH_SENTENCES)
    return built.assessments, next(iter(built.assessments.communes.values()))


SENTENCE_ATTACKS = INTERNALS[:2] + [
    "Xã {{ xa.__class__.__mro__ }}",
    "{{ xa.ten.__class__.__base__.__subclasses__() }}",
    "{{ xa.items.__self__.__class__ }}",
    "{{ range.__self__.__import__('os') }}",
    "{{ xa|attr('__class__') }}",
]


@pytest.mark.parametrize("payload", SENTENCE_ATTACKS)
def test_sentence_template_reaching_internals_is_refused(sentence_folder, commune, payload):
    (sentence_folder / "ket_qua.j2").write_text(payload, encoding="utf-8")
    found, one = commune
    with pytest.raises(TemplateError) as caught:
        sentences.write("ket_qua", one, found.default_set.id, folder=sentence_folder)
    assert caught.value.exit_code == 3 and "ket_qua.j2" in str(caught.value)
    assert "mẫu câu chứa thẻ không an toàn" in str(caught.value) or "mẫu câu dùng biến không có" in str(caught.value)
    assert "<module" not in str(caught.value)


@pytest.mark.parametrize("payload", ["{% include '../bi-mat.txt' %}", "{% include '/etc/passwd' %}",
                                     "{% include '" + "../" * 12 + "etc/passwd' %}"])
def test_sentence_template_cannot_read_files_outside_its_folder(sentence_folder, commune, payload):
    (sentence_folder / "ket_qua.j2").write_text(payload, encoding="utf-8")
    found, one = commune
    with pytest.raises(TemplateError) as caught:
        sentences.write("ket_qua", one, found.default_set.id, folder=sentence_folder)
    assert SECRET not in str(caught.value) and "root:" not in str(caught.value)


def test_sentence_template_attack_through_the_command_line_exits_3(sentence_folder, monkeypatch, tmp_path):
    """``dispatch build`` of a letter whose sentences come from a hostile folder: exit 3, nothing written."""
    (sentence_folder / "ket_qua.j2").write_text("{{ cycler.__init__.__globals__.os }}", encoding="utf-8")
    monkeypatch.setattr(sentences.write, "__defaults__", (sentence_folder,))
    out = tmp_path / "thu.docx"
    result = CliRunner().invoke(main, ["build", str(SEED_WITH_SENTENCES), "-o", str(out)])
    assert result.exit_code == 3, result.output
    assert "mẫu câu chứa thẻ không an toàn" in result.output and "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.parametrize("payload, words", [
    ("{{ 'x' * 10**8 }}", "phép nhân tạo ra chuỗi quá dài"),
    ("{{ [1] * 10**7 }}", "phép nhân tạo ra chuỗi quá dài"),
    ("{{ 2 ** (10 ** 8) }}", "lũy thừa quá lớn"),
])
def test_word_template_cannot_build_huge_values(tmp_path, payload, words):
    src = _input_with_template(tmp_path, with_payload(payload, tmp_path / "mau-lon.docx"))
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(tmp_path / "thu.docx")])
    assert result.exit_code == 3, result.output
    assert "mau-lon.docx" in result.output and words in result.output and "Traceback" not in result.output


def test_word_template_that_never_ends_is_stopped(tmp_path, monkeypatch):
    from generator.render import sandbox as sandbox

    monkeypatch.setattr(sandbox, "RENDER_SECONDS", 1.0)
    payload = "{% for x in range(99999) %}{% for y in range(99999) %}{% endfor %}{% endfor %}"
    src = _input_with_template(tmp_path, with_payload(payload, tmp_path / "mau-lap.docx"))
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(tmp_path / "thu.docx")])
    assert result.exit_code == 3, result.output
    assert "mau-lap.docx" in result.output and "quá 1 giây" in result.output
    assert not (tmp_path / "thu.docx").exists()


def test_sentence_template_that_never_ends_is_stopped(sentence_folder, commune, monkeypatch):
    from generator.render import sandbox as sandbox

    monkeypatch.setattr(sandbox, "RENDER_SECONDS", 1.0)
    (sentence_folder / "ket_qua.j2").write_text(
        "{% for x in range(99999) %}{% for y in range(99999) %}{% endfor %}{% endfor %}", encoding="utf-8")
    sentences.environment.cache_clear()
    _, one = commune
    with pytest.raises(TemplateError, match="quá 1 giây"):
        sentences.write("ket_qua", one, "xa_ntm_2021_2025", sentence_folder)


# --- the render time limit: portable (no SIGALRM), any thread, nested limits free, never late --------

LOOP = "{% for x in range(99999) %}{% for y in range(99999) %}{% endfor %}{% endfor %}"


def test_the_time_limit_needs_no_sigalrm(tmp_path, monkeypatch):
    """As on Windows: no SIGALRM, no setitimer; a template that never ends is still stopped (exit 3)."""
    import signal

    from generator.render import sandbox as sandbox

    for name in ("SIGALRM", "setitimer", "alarm"):
        monkeypatch.delattr(signal, name, raising=False)
    monkeypatch.setattr(sandbox, "RENDER_SECONDS", 1.0)
    src = _input_with_template(tmp_path, with_payload(LOOP, tmp_path / "mau-lap.docx"))
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(tmp_path / "thu.docx")])
    assert result.exit_code == 3, result.output
    assert "mau-lap.docx" in result.output and "mẫu dựng quá 1 giây" in result.output
    assert not (tmp_path / "thu.docx").exists()


def test_the_time_limit_works_off_the_main_thread():
    import threading
    import time

    from generator.render.sandbox import RenderTimeout, time_limit

    seen = []

    def render():
        start = time.monotonic()
        try:
            with time_limit(0.3):
                while True:
                    pass
        except RenderTimeout:
            seen.append(time.monotonic() - start)

    worker = threading.Thread(target=render, daemon=True)
    worker.start()
    worker.join(10)
    assert len(seen) == 1 and 0.29 <= seen[0] < 5


def test_an_inner_limit_is_free_and_the_outer_one_applies():
    import time

    from generator.render.sandbox import RenderTimeout, time_limit

    start = time.monotonic()
    with pytest.raises(RenderTimeout):
        with time_limit(0.3):
            for _ in range(10 ** 9):
                with time_limit(60):  # one limit per letter in bulk: each sentence's own is free
                    pass
    assert time.monotonic() - start < 5


def test_a_limit_never_fires_after_its_block(monkeypatch):
    """The deadline passes as the block ends: the watchdog has claimed the limit but is slow to raise.
    The exception may come while leaving the block, never in the code after it."""
    import time

    from generator.render import sandbox as sandbox

    real = sandbox._raise_in

    def slow_raise(thread, exc_type):  # widen the gap between claiming the limit and raising
        time.sleep(0.3)
        real(thread, exc_type)

    monkeypatch.setattr(sandbox, "_raise_in", slow_raise)
    outcomes = []
    for _ in range(3):
        try:
            with sandbox.time_limit(0.05):
                time.sleep(0.15)  # one C call: the deadline passes inside it, the block ends before the raise
            outcomes.append("done")
        except sandbox.RenderTimeout:
            outcomes.append("stopped while leaving")
        try:
            time.sleep(0.5)
            for _ in range(1000):
                pass
        except sandbox.RenderTimeout:
            outcomes.append("LATE")
    assert "LATE" not in outcomes and len(outcomes) == 3, outcomes


def test_arming_a_limit_costs_well_under_a_tenth_of_a_millisecond():
    import time

    from generator.render.sandbox import time_limit

    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(2000):
            with time_limit():
                pass
        best = min(best, (time.perf_counter() - start) / 2000)
    assert best < 50e-6, f"{best * 1e6:.1f} µs"
