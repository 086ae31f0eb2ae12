"""``dispatch diff --redline``: NEW with Word tracked changes against OLD."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile

import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn
from lxml import etree

from generator.cli import main
from generator.review.redline import redline
from review_helpers import (
    accept_all,
    build_yaml,
    edit_docx,
    paragraphs_with_style,
    read,
    reject_all,
    revisions,
    seed_text,
    set_size,
    text_of,
    variant,
)

SEED = "001-vinh-linh-2023"
HEADING = "  - muc: \"3. Phòng Nông nghiệp và Phát triển nông thôn\""
ADDRESS = 'dia_chi: "Khu phố 2, thị trấn Hồ Xá, huyện Vĩnh Linh; ĐT: 0233 3823 456"\n'


def _without_item(text: str, phrase: str) -> str:
    """The YAML without the block item (``- gach: >-`` and its lines) whose text starts with ``phrase``."""
    lines = text.splitlines(keepends=True)
    k = next(i for i, line in enumerate(lines) if phrase in line)
    if not lines[k].lstrip().startswith("- "):
        k -= 1
    end = k + 1
    while end < len(lines) and lines[end].startswith("      "):
        end += 1
    return "".join(lines[:k] + lines[end:])


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """OLD and NEW letters differing in every way the redline must carry."""
    tmp = tmp_path_factory.mktemp("pair")
    old_text = seed_text(SEED) + ADDRESS
    new_text = variant(
        old_text,
        ("Tập trung khắc phục", "Khẩn trương khắc phục"),  # words replaced
        ("huyện nông thôn mới vào năm 2024", "huyện đạt chuẩn nông thôn mới vào năm 2024"),  # words inserted
        ("theo hướng dẫn của các Sở, ban ngành;", "theo hướng dẫn;"),  # words deleted
        ("**trước 28/9/2023**", "trước 28/9/2023"),  # bold lost
        (HEADING, "  - Đoạn mới do người rà soát thêm vào.\n" + HEADING),  # paragraph added
        ("ho_ten: Thái Văn Thành", "ho_ten: Thái Văn Thanh"),  # signature table cell
        ("  - Các phòng chuyên môn, đơn vị sự nghiệp\n", ""),  # Kính gửi list item removed
        ("ky_hieu: UBND-PNN", "so: 15\nky_hieu: UBND-PNN"),  # letterhead cell
        ("Khu phố 2", "Khu phố 3"),  # first-page footer
    )
    new_text = _without_item(new_text, "Quan tâm, quyết liệt hơn nữa")  # paragraph removed
    old = build_yaml(tmp, "old", old_text)
    new = build_yaml(tmp, "new", new_text)
    return old, new


def _redline(old: bytes, new: bytes, author: str = "dispatch") -> bytes:
    return redline(read(old, "old.docx"), read(new, "new.docx"), new, author)


def test_revisions_carry_author_and_the_new_letters_date(pair):
    old, new = pair
    data = _redline(old, new, author="Người rà soát")
    marks = revisions(data)
    kinds = {etree.QName(m).localname for m in marks}
    assert {"ins", "del", "rPrChange"} <= kinds
    assert all(m.get(qn("w:author")) == "Người rà soát" for m in marks)
    assert {m.get(qn("w:date")) for m in marks} == {"2023-01-01T00:00:00Z"}  # ngày of seed 001: "2023"
    ids = [m.get(qn("w:id")) for m in marks]
    assert len(ids) == len(set(ids)) and all(i.isdigit() for i in ids)
    deleted = "".join(t.text for m in marks if etree.QName(m).localname == "del" for t in m.iter(qn("w:delText")))
    inserted = "".join(t.text or "" for m in marks if etree.QName(m).localname == "ins" for t in m.iter(qn("w:t")))
    assert "Tập trung" in deleted and "Thành" in deleted and "Các phòng chuyên môn" in deleted
    assert "Khẩn trương" in inserted and "Thanh" in inserted and "Đoạn mới do người rà soát" in inserted


def test_whole_paragraphs_have_their_mark_tracked(pair):
    old, new = pair
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(_redline(old, new))).read("word/document.xml"))
    marked = {}
    for p in root.iter(qn("w:p")):
        rpr = p.find(f"{qn('w:pPr')}/{qn('w:rPr')}")
        if rpr is not None and len(rpr) and rpr[0].tag in (qn("w:ins"), qn("w:del")):
            text = "".join(t.text or "" for t in p.iter(qn("w:t"), qn("w:delText")))
            marked[text] = etree.QName(rpr[0]).localname
    assert marked.get("Đoạn mới do người rà soát thêm vào.") == "ins"
    assert marked.get("- Các phòng chuyên môn, đơn vị sự nghiệp;") == "del"
    assert any(t.startswith("- Quan tâm, quyết liệt") and k == "del" for t, k in marked.items())


def test_accepting_all_gives_new_and_rejecting_all_gives_old(pair):
    old, new = pair
    data = _redline(old, new)
    assert text_of(accept_all(data)) == text_of(new)
    assert text_of(reject_all(data)) == text_of(old)
    assert text_of(data) == text_of(new)  # read as accepted, as Word shows it with markup hidden


def test_the_footer_and_the_tables_changed_in_place(pair):
    old, new = pair
    z = zipfile.ZipFile(io.BytesIO(_redline(old, new)))
    footers = [etree.fromstring(z.read(n)) for n in z.namelist() if n.startswith("word/footer")]
    changed = [f for f in footers if f.find(f".//{qn('w:del')}") is not None]
    assert len(changed) == 1
    assert [t.text for t in changed[0].iter(qn("w:delText"))] == ["2"]
    assert [t.text for i in changed[0].iter(qn("w:ins")) for t in i.iter(qn("w:t"))] == ["3"]
    document = etree.fromstring(z.read("word/document.xml"))
    tables = document.findall(f".//{qn('w:tbl')}")
    letterhead, signature = tables[0], tables[-1]
    assert letterhead.find(f".//{qn('w:ins')}") is not None  # "Số: 15/…"
    assert [t.text for t in signature.iter(qn("w:delText"))] == ["Thành"]


def test_size_and_bold_changes_are_tracked_as_formatting(pair):
    old, _ = pair

    def edit(doc):
        set_size(paragraphs_with_style(doc, "CVNoiDung")[1], 13)

    new = edit_docx(old, edit)
    data = _redline(old, new)
    changes = [m for m in revisions(data) if etree.QName(m).localname == "rPrChange"]
    assert changes and all(c.find(f"{qn('w:rPr')}/{qn('w:sz')}").get(qn("w:val")) == "28" for c in changes)
    assert text_of(reject_all(data)) == text_of(old)
    rejected = read(reject_all(data)).elements
    assert {p.look.size for e in rejected if e.label == "Nội dung" for p in e.pieces} == {14.0}
    accepted = [e for e in read(accept_all(data)).elements if e.label == "Nội dung"]
    assert {p.look.size for p in accepted[1].pieces} == {13.0}


def test_a_paragraph_with_more_than_text_is_replaced_whole(pair):
    """A hyperlink in a changed paragraph: not rewritten, marked inserted, OLD's text added as deleted."""
    old, _ = pair

    def edit(doc):
        p = paragraphs_with_style(doc, "CVNoiDung")[0]
        link = etree.SubElement(p, qn("w:hyperlink"))
        run = etree.SubElement(link, qn("w:r"))
        etree.SubElement(run, qn("w:t")).text = " (xem trang tin)"

    new = edit_docx(old, edit)
    data = _redline(old, new)
    assert text_of(accept_all(data)) == text_of(new)
    assert text_of(reject_all(data)) == text_of(old)
    document = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    assert b"<w:hyperlink>" in document or b"w:hyperlink" in document


def test_same_inputs_same_bytes(pair, tmp_path):
    old, new = pair
    assert _redline(old, new) == _redline(old, new)
    paths = []
    for name, data in (("old.docx", old), ("new.docx", new)):
        paths.append(tmp_path / name)
        paths[-1].write_bytes(data)
    outs = [tmp_path / "r1.docx", tmp_path / "r2.docx"]
    for out in outs:
        result = CliRunner().invoke(main, ["diff", *map(str, paths), "--redline", str(out), "--tac-gia", "Tổ pháp chế"])
        assert result.exit_code == 1, result.output
        assert "Đã ghi bản có theo dõi thay đổi" in result.output
    assert outs[0].read_bytes() == outs[1].read_bytes()
    assert all(m.get(qn("w:author")) == "Tổ pháp chế" for m in revisions(outs[0].read_bytes()))


def test_equal_letters_give_a_redline_without_revisions(pair):
    old, _ = pair
    data = _redline(old, old)
    assert revisions(data) == []
    assert text_of(data) == text_of(old)


def test_redline_of_a_word_edited_letter_is_a_valid_package(pair):
    old, new = pair
    data = _redline(old, new)
    z = zipfile.ZipFile(io.BytesIO(data))
    assert z.namelist()[0] == "[Content_Types].xml"
    for name in z.namelist():
        if name.endswith(".xml") or name.endswith(".rels"):
            etree.fromstring(z.read(name))  # well-formed
    document = z.read("word/document.xml")
    assert b"xmlns:ns0" not in document  # written with the document's own prefixes


# --- LibreOffice -------------------------------------------------------------------------------

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) or poppler (pdftotext) is not installed",
)


@needs_soffice
def test_libreoffice_draws_the_deleted_and_inserted_words(pair, tmp_path):
    old, new = pair
    docx = tmp_path / "redline.docx"
    docx.write_bytes(_redline(old, new))
    profile = tmp_path / "profile"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir",
         str(tmp_path), str(docx)],
        check=True, capture_output=True, timeout=180,
    )
    text = subprocess.run(["pdftotext", str(tmp_path / "redline.pdf"), "-"], capture_output=True, check=True,
                          timeout=60).stdout.decode("utf-8")
    words = " ".join(text.split())
    for shown in ("Tập trung", "Khẩn trương", "Thành", "Thanh", "Đoạn mới do người rà soát thêm vào",
                  "Các phòng chuyên môn, đơn vị sự nghiệp", "Quan tâm, quyết liệt hơn nữa"):
        assert shown in words, shown


_MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub Review(inUrl As String, outUrl As String, what As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = &quot;Hidden&quot;
  args(0).Value = True
  doc = StarDesktop.loadComponentFromURL(inUrl, &quot;_blank&quot;, 0, args())
  helper = createUnoService(&quot;com.sun.star.frame.DispatchHelper&quot;)
  Dim none() As New com.sun.star.beans.PropertyValue
  helper.executeDispatch(doc.CurrentController.Frame, &quot;.uno:&quot; &amp; what &amp; &quot;AllTrackedChanges&quot;, &quot;&quot;, 0, none())
  Dim out(0) As New com.sun.star.beans.PropertyValue
  out(0).Name = &quot;FilterName&quot;
  out(0).Value = &quot;MS Word 2007 XML&quot;
  doc.storeToURL(outUrl, out())
  doc.close(True)
End Sub
</script:module>
"""


@needs_soffice
def test_libreoffice_accept_all_and_reject_all_work(pair, tmp_path):
    """LibreOffice's own Accept All / Reject All turn the redline into NEW / OLD."""
    old, new = pair
    docx = tmp_path / "redline.docx"
    docx.write_bytes(_redline(old, new))
    profile = tmp_path / "profile"
    env = dict(os.environ, HOME=str(tmp_path))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--terminate_after_init"],
                   capture_output=True, timeout=180, env=env)
    module = profile / "user" / "basic" / "Standard" / "Module1.xba"
    if not module.exists():
        pytest.skip("LibreOffice did not create a Basic library in a new profile")
    module.write_text(_MACRO, "utf-8")
    for what, expected in (("Accept", new), ("Reject", old)):
        out = tmp_path / f"{what}.docx"
        macro = f'macro:///Standard.Module1.Review("file://{docx}","file://{out}","{what}")'
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", macro],
                       capture_output=True, timeout=180, env=env)
        assert out.exists(), f"LibreOffice wrote no {what} result"
        assert text_of(out.read_bytes()) == text_of(expected), what


def test_a_removed_footer_line_is_put_back_as_deleted(tmp_path):
    """NEW has no address: the first-page footer is empty there, OLD's line goes back into it, deleted."""
    old = build_yaml(tmp_path, "old", seed_text(SEED) + ADDRESS)
    new = build_yaml(tmp_path, "new", seed_text(SEED))
    data = _redline(old, new)
    z = zipfile.ZipFile(io.BytesIO(data))
    footers = [etree.fromstring(z.read(n)) for n in z.namelist() if n.startswith("word/footer")]
    deleted = ["".join(t.text for t in f.iter(qn("w:delText"))) for f in footers]
    assert "Khu phố 2, thị trấn Hồ Xá, huyện Vĩnh Linh; ĐT: 0233 3823 456" in deleted
    assert text_of(accept_all(data)) == text_of(new)
    assert text_of(reject_all(data)) == text_of(old)
