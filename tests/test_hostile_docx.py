"""A .docx given to ``dispatch text``, ``diff`` or ``lint`` (or as ``mau:``) is untrusted.

One guard (``generator/docx_guard.py``) checks it before python-docx or lxml unpack a byte:
size, zip bomb (parts, unpacked size, compression ratio), DTD/XXE, not a zip, an old .doc,
a zip cut short, a zip without a Word document, a part that does not unpack. Each is a
Vietnamese message naming the file, exit code 2 (3 for a template), no traceback, and never
the content of a file on this machine.
"""
from __future__ import annotations

import io
import json
import struct
import warnings
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from generator import docx_guard, docx_read
from generator.cli import main
from generator.generate import build_file
from hostile_support import good, write_yaml

pytestmark = pytest.mark.hostile

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "inputs" / "seeds" / "000-lang-son-2018.yaml"
SECRET = "MẬT-KHẨU-KHÔNG-ĐƯỢC-LỘ-42"


@pytest.fixture(scope="module")
def letter() -> bytes:
    return build_file(SEED).docx


def rezip(data: bytes, change=lambda name, blob: blob, extra=()) -> bytes:
    """The package with each part passed through ``change`` (None drops it) and ``extra`` parts added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = change(info.filename, src.read(info))
            if blob is not None:
                dst.writestr(info.filename, blob)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a duplicate name is the point of one case
            for name, blob in extra:
                dst.writestr(name, blob)
    return out.getvalue()


def _with_dtd(doctype: str, use: str):
    def change(name, blob):
        if name != "word/document.xml":
            return blob
        xml = blob.decode("utf-8")
        head, rest = xml.split("<w:document", 1)
        body = ("<w:document" + rest).replace("<w:t>", f"<w:t>{use}", 1)
        return (head + doctype + body).encode("utf-8")
    return change


def _corrupt_member(data: bytes, member: str) -> bytes:
    """Flip bytes inside ``member``'s deflated data; the zip's directory stays intact."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo(member)
    start = info.header_offset
    name_len, extra_len = struct.unpack("<HH", data[start + 26:start + 30])
    body = start + 30 + name_len + extra_len
    damaged = bytearray(data)
    for i in range(body + 2, body + min(info.compress_size - 2, 400), 7):
        damaged[i] ^= 0x5A
    return bytes(damaged)


def cases(letter: bytes, tmp_path: Path) -> dict[str, tuple[bytes, list[str]]]:
    secret = tmp_path / "bi-mat.txt"
    secret.write_text(SECRET, encoding="utf-8")
    laughs = "".join(f'<!ENTITY l{i} "' + f"&l{i - 1};" * 10 + '">' for i in range(1, 10))
    return {
        "xxe": (rezip(letter, _with_dtd(f'<!DOCTYPE w:document [<!ENTITY x SYSTEM "file://{secret}">]>', "&x;")),
                ["DOCTYPE/ENTITY", "word/document.xml"]),
        "xxe-rels": (rezip(letter, lambda n, b: b.replace(b"<Relationships", f'<!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]><Relationships'.encode(), 1) if n == "word/_rels/document.xml.rels" else b),
                     ["DOCTYPE/ENTITY", "document.xml.rels"]),
        "billion-laughs": (rezip(letter, _with_dtd(f'<!DOCTYPE w:document [<!ENTITY l0 "ha">{laughs}]>', "&l9;")),
                           ["DOCTYPE/ENTITY"]),
        "not-a-zip": (b"Xin ch\xc3\xa0o, \xc4\x91\xc3\xa2y kh\xc3\xb4ng ph\xe1\xba\xa3i docx", ["không phải tệp Word .docx"]),
        "empty": (b"", ["không phải tệp Word .docx"]),
        "old-doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ["tệp Word cũ (.doc)", "mật khẩu"]),
        "truncated": (letter[: len(letter) // 2], ["bị cắt cụt"]),
        "truncated-end": (letter[:-30], ["bị cắt cụt"]),
        "no-document": (rezip(letter, lambda n, b: None if n == "word/document.xml" else b),
                        ["không có phần nội dung văn bản Word"]),
        "other-zip": (rezip(letter, lambda n, b: None, extra=[("ghi-chu.txt", b"xin chao")]),
                      ["không có phần nội dung văn bản Word"]),
        "zip-bomb": (rezip(letter, extra=[("word/media/image9.png", b"\0" * (8 * 1024 * 1024))]),
                     ["bom nén", "word/media/image9.png"]),
        "duplicate-part": (rezip(letter, extra=[("word/document.xml", b"<x/>")]), ["hai phần cùng tên"]),
        "broken-deflate": (_corrupt_member(letter, "word/styles.xml"), ["word/styles.xml"]),
        "not-xml": (rezip(letter, lambda n, b: b"\x00\x01 not xml" if n == "word/styles.xml" else b),
                    ["word/styles.xml", "XML"]),
    }


CASE_NAMES = ["xxe", "xxe-rels", "billion-laughs", "not-a-zip", "empty", "old-doc", "truncated", "truncated-end",
              "no-document", "other-zip", "zip-bomb", "duplicate-part", "broken-deflate", "not-xml"]
COMMANDS = {
    "text": lambda bad, good_file: ["text", bad],
    "diff-old": lambda bad, good_file: ["diff", bad, good_file],
    "diff-new": lambda bad, good_file: ["diff", good_file, bad, "--redline", str(Path(bad).with_name("rl.docx"))],
    "lint": lambda bad, good_file: ["lint", bad],
}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("case", CASE_NAMES)
def test_untrusted_docx_is_refused_in_vietnamese_with_exit_code_2(tmp_path, letter, case, command):
    data, words = cases(letter, tmp_path)[case]
    bad = tmp_path / "hong.docx"
    bad.write_bytes(data)
    good_file = tmp_path / "tot.docx"
    good_file.write_bytes(letter)
    result = CliRunner().invoke(main, [str(a) for a in COMMANDS[command](str(bad), str(good_file))])
    assert result.exit_code == 2, (case, result.output)
    assert "hong.docx" in result.output and "Lỗi" in result.output
    if case not in ("broken-deflate", "not-xml") or command == "lint":
        for word in words:
            assert word in result.output, (case, result.output)
    assert "Traceback" not in result.output and "Lỗi nội bộ" not in result.output
    assert SECRET not in result.output and "ha" * 50 not in result.output
    assert not (tmp_path / "rl.docx").exists()


def test_lint_json_reports_the_refusal(tmp_path, letter):
    bad = tmp_path / "hong.docx"
    bad.write_bytes(cases(letter, tmp_path)["xxe"][0])
    result = CliRunner().invoke(main, ["lint", "--json", str(bad)])
    assert result.exit_code == 2
    report = json.loads(result.output[: result.output.rindex("}") + 1])
    assert report["ok"] is False and "DOCTYPE" in report["error"] and SECRET not in result.output


@pytest.mark.parametrize("limit, value, words", [
    ("MAX_ENTRIES", 10, ["quá nhiều phần"]),
    ("MAX_TOTAL_BYTES", 50_000, ["quá lớn khi giải nén"]),
    ("MAX_PART_BYTES", 20_000, ["quá lớn khi giải nén", "word/"]),
    ("MAX_FILE_BYTES", 5_000, ["tệp quá lớn"]),
])
@pytest.mark.parametrize("command", ["text", "lint"])
def test_size_limits_are_enforced(tmp_path, letter, monkeypatch, limit, value, words, command):
    monkeypatch.setattr(docx_guard, limit, value)
    path = tmp_path / "lon.docx"
    path.write_bytes(letter)
    result = CliRunner().invoke(main, [command, str(path)])
    assert result.exit_code == 2, result.output
    for word in words:
        assert word in result.output, result.output


def test_the_guard_lets_real_letters_through(tmp_path, letter):
    for path in sorted((ROOT / "inputs" / "seeds").glob("*.yaml")):
        docx_guard.check_docx(build_file(path).docx)
    path = tmp_path / "tot.docx"
    path.write_bytes(letter)
    assert CliRunner().invoke(main, ["text", str(path)]).exit_code == 0
    assert CliRunner().invoke(main, ["lint", str(path)]).exit_code in (0, 1)


def test_without_the_guard_the_parsers_still_do_not_expand_entities(tmp_path, letter):
    """Defence in depth: lxml as docx_read and python-docx use it keeps ``&x;`` unexpanded."""
    data = cases(letter, tmp_path)["xxe"][0]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = docx_read._parse(z, "word/document.xml")
    from lxml import etree

    assert SECRET not in etree.tostring(root, encoding="unicode")
    assert SECRET not in "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


# --- a hostile Word template given with mau: --------------------------------------------------


@pytest.mark.parametrize("case", ["xxe", "zip-bomb", "not-a-zip", "truncated", "no-document"])
def test_hostile_template_file_is_a_template_error(tmp_path, letter, case):
    (tmp_path / "mau.docx").write_bytes(cases(letter, tmp_path)[case][0])
    data = good()
    data["mau"] = "mau.docx"
    src = write_yaml(tmp_path / "thu.yaml", data)
    out = tmp_path / "thu.docx"
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(out)])
    assert result.exit_code == 3, result.output
    assert "mau.docx" in result.output and "tệp mẫu không dùng được" in result.output
    assert SECRET not in result.output and "Traceback" not in result.output and not out.exists()
