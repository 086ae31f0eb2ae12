"""Helpers for the review tests: letters from seed variants, Word-like edits, accept/reject by XML."""
from __future__ import annotations

import copy
import io
import re
import zipfile
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.run import Run

from generator.review.extract import extract
from generator.review.opening import open_docx
from generator.review.text_output import format_text
from generator.pipeline import build_file

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "inputs" / "seeds"


def seed_text(name: str) -> str:
    return (SEEDS / f"{name}.yaml").read_text("utf-8")


def variant(text: str, *replacements: tuple[str, str]) -> str:
    """The YAML text with each (old, new) replaced once; fails loudly when a phrase is missing."""
    for old, new in replacements:
        assert old in text, f"phrase not in the seed: {old!r}"
        text = text.replace(old, new, 1)
    return text


def build_yaml(tmp_path: Path, name: str, text: str) -> bytes:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, "utf-8")
    return build_file(path).docx


def read(data: bytes, shown: str = "x.docx"):
    return extract(open_docx(data, shown), shown)


def text_of(data: bytes) -> str:
    return format_text(read(data).elements)


def edit_docx(data: bytes, edit) -> bytes:
    """Open with python-docx, let ``edit(doc)`` change it the way Word would, save."""
    doc = Document(io.BytesIO(data))
    edit(doc)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def paragraphs_with_style(doc, style_id: str):
    return [p for p in doc.element.body.iter(qn("w:p")) if p.style == style_id]


def split_runs_mid_word(doc) -> None:
    """Word splits runs anywhere (spell check, rsids): cut every text run into three pieces."""
    for r in list(doc.element.body.iter(qn("w:r"))):
        t = r.find(qn("w:t"))
        if t is None or not t.text or len(t.text) < 6 or len(r.findall(qn("w:t"))) != 1:
            continue
        text = t.text
        cuts = [len(text) // 3 + 1, 2 * len(text) // 3 + 1]
        pieces = [text[: cuts[0]], text[cuts[0] : cuts[1]], text[cuts[1]:]]
        t.text = pieces[0]
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        anchor = r
        for piece in pieces[1:]:
            clone = copy.deepcopy(r)
            clone.find(qn("w:t")).text = piece
            anchor.addnext(clone)
            anchor = clone


def set_size(p, points: float) -> None:
    for r in p.iter(qn("w:r")):
        Run(r, None).font.size = Pt(points)


def set_bold(p, value: bool | None) -> None:
    for r in p.iter(qn("w:r")):
        Run(r, None).font.bold = value


# --- accept / reject all tracked changes, by XML transformation -----------------------------------

_PARTS = re.compile(r"word/(document|header\d*|footer\d*)\.xml$")


def _resolve(root, keep: str) -> None:
    drop = "del" if keep == "ins" else "ins"
    W = lambda tag: qn(f"w:{tag}")  # noqa: E731

    def is_mark(el) -> bool:  # a paragraph mark's revision sits in w:pPr/w:rPr
        return el.getparent() is not None and el.getparent().tag == W("rPr")

    for el in [e for e in root.iter(W(drop)) if not is_mark(e)]:
        el.getparent().remove(el)
    for el in [e for e in root.iter(W(keep)) if not is_mark(e)]:
        parent, index = el.getparent(), el.getparent().index(el)
        for child in reversed(list(el)):
            parent.insert(index, child)
        parent.remove(el)
    if keep == "del":
        for t in root.iter(W("delText")):
            t.tag = W("t")
    for change in list(root.iter(W("rPrChange"))):
        rpr = change.getparent()
        if keep == "del":
            previous = change.find(W("rPr"))
            for child in list(rpr):
                rpr.remove(child)
            for child in list(previous):
                rpr.append(child)
        else:
            rpr.remove(change)
    for change in list(root.iter(W("pPrChange"))):
        ppr = change.getparent()
        if keep == "del":
            previous = change.find(W("pPr"))
            for child in list(ppr):
                if child.tag not in (W("rPr"), W("sectPr")):
                    ppr.remove(child)
            for k, child in enumerate(list(previous)):
                ppr.insert(k, child)
        else:
            ppr.remove(change)
    for p in list(root.iter(W("p"))):
        rpr = p.find(f"{W('pPr')}/{W('rPr')}")
        if rpr is None:
            continue
        kept = rpr.find(W(keep))
        if kept is not None:
            rpr.remove(kept)
        gone = rpr.find(W(drop))
        if gone is None:
            continue
        # the paragraph mark goes: the paragraph's content joins the next paragraph
        rpr.remove(gone)
        following = p.getnext()
        content = [c for c in p if c.tag != W("pPr")]
        if following is not None and following.tag == W("p"):
            at = 1 if following.find(W("pPr")) is not None else 0
            for k, child in enumerate(content):
                following.insert(at + k, child)
            p.getparent().remove(p)
        elif not content:
            p.getparent().remove(p)


def _transform(data: bytes, keep: str) -> bytes:
    from lxml import etree

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            blob = source.read(name)
            if _PARTS.search(name):
                root = etree.fromstring(blob)
                _resolve(root, keep)
                blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(name, blob)
    return out.getvalue()


def accept_all(data: bytes) -> bytes:
    return _transform(data, "ins")


def reject_all(data: bytes) -> bytes:
    return _transform(data, "del")


def revisions(data: bytes) -> list:
    """Every w:ins, w:del, w:rPrChange, w:pPrChange element of the main document and its headers/footers."""
    from lxml import etree

    source = zipfile.ZipFile(io.BytesIO(data))
    out = []
    for name in source.namelist():
        if _PARTS.search(name):
            root = etree.fromstring(source.read(name))
            for tag in ("ins", "del", "rPrChange", "pPrChange"):
                out += list(root.iter(qn(f"w:{tag}")))
    return out
