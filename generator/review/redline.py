"""Write NEW with Word tracked changes against OLD (``dispatch diff OLD NEW --redline OUT``).

We write ``w:ins``/``w:del`` ourselves into a copy of NEW rather than calling an outside
comparer (see docs/review.md for the measured alternatives): our letters share one
structure, so the element pairing of ``compare.py`` already says what changed, and NEW
keeps every byte of its layout except the paragraphs that changed.

- A paragraph only in NEW: its runs are wrapped in ``w:ins`` and its paragraph mark is
  marked inserted (``w:pPr/w:rPr/w:ins``), so rejecting removes the paragraph.
- A paragraph only in OLD: a new paragraph with OLD's paragraph properties, its text in
  ``w:del`` runs (``w:delText``) and its mark deleted, placed where it stood: after the
  previous paired paragraph of the same container (body, the same table cell, the same
  header or footer, the same text box).
- Text boxes: their paragraphs are marked like any other, in the box ``extract`` reads (of
  ``mc:AlternateContent``, the Choice); the VML Fallback copy is left as NEW has it (Word
  and LibreOffice show the Choice, and Word rewrites the Fallback on save).
- A changed paragraph: its runs are rewritten from the word diff: equal words keep NEW's
  run properties, inserted words are in ``w:ins``, deleted words in ``w:del`` with OLD's
  run properties; a word whose look changed gets ``w:rPrChange`` with OLD's run
  properties, and changed paragraph properties get ``w:pPrChange``. A paragraph holding
  more than plain text runs (fields, images, links) is not rewritten: it is marked
  inserted as a whole and OLD's text is added before it as a deleted paragraph.

Author is the caller's; the date is NEW's ``modified`` core property, never the clock,
and revision ids count up from the largest id already in the document: the same inputs
give the same bytes.
"""
from __future__ import annotations

import copy
import io
import zipfile

from docx.opc.oxml import serialize_part_xml
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from generator.review.compare import CHANGED, DELETED, INSERTED, Comparison, compare
from generator.write.docx_zip import normalize
from generator.review.extract import W_P, W_PPR, W_R, W_RPR, W_TC, Element, Extracted

W_INS, W_DEL = qn("w:ins"), qn("w:del")
_CONTAINER_TAGS = {W_TC, qn("w:body"), qn("w:hdr"), qn("w:ftr"), qn("w:txbxContent")}
_PPR_DROPPED = {qn("w:rPr"), qn("w:sectPr"), qn("w:pPrChange")}
_RPR_DROPPED = {qn("w:ins"), qn("w:del"), qn("w:moveFrom"), qn("w:moveTo"), qn("w:rPrChange")}
_NOT_WRAPPED = {W_INS, W_DEL, qn("w:moveFrom"), qn("w:moveTo")}
_IGNORED_ATTRS = {qn(a) for a in ("w:rsidR", "w:rsidRPr", "w:rsidRDefault", "w:rsidP", "w:rsidDel")}


def _w(tag: str, **attrs) -> etree._Element:
    el = OxmlElement(f"w:{tag}")  # declared with the document's own "w" prefix
    for name, value in attrs.items():
        el.set(qn(f"w:{name}"), value)
    return el


def _signature(el) -> bytes:
    """Serialisation of properties, for 'did they change?' (rsid attributes do not count)."""
    if el is None:
        return b""
    clone = copy.deepcopy(el)
    for node in clone.iter():
        for attr in _IGNORED_ATTRS & set(node.attrib):
            del node.attrib[attr]
    return etree.tostring(clone, method="c14n")


def _ppr_base(ppr) -> etree._Element | None:
    """Paragraph properties without the mark's run properties, section and earlier revisions."""
    if ppr is None:
        return None
    base = copy.deepcopy(ppr)
    for child in list(base):
        if child.tag in _PPR_DROPPED:
            base.remove(child)
    return base


def _container_of(p) -> etree._Element | None:
    node = p.getparent()
    while node is not None and node.tag not in _CONTAINER_TAGS:
        node = node.getparent()
    return node


def _child_of(container, node):
    """The ancestor of ``node`` (or node itself) that is a direct child of ``container``."""
    while node is not None and node.getparent() is not container:
        node = node.getparent()
    return node


def _max_id(roots) -> int:
    top = 0
    attr = qn("w:id")
    for root in roots:
        for node in root.iter():
            value = node.get(attr)
            if value is not None and value.lstrip("-").isdigit():
                top = max(top, int(value))
    return top


class _Writer:
    def __init__(self, new: Extracted, author: str, date: str):
        self.new = new
        self.doc = new.doc
        self.author = author
        self.date = date
        self.roots = {self.doc.element: self.doc.part}
        for rel in self.doc.part.rels.values():
            if not rel.is_external and rel.reltype.endswith(("/header", "/footer")):
                self.roots[rel.target_part.element] = rel.target_part
        self.next_id = _max_id(self.roots) + 1
        self.touched: set = set()
        style_ids = {s.get(qn("w:styleId")) for s in self.doc.styles.element.iter(qn("w:style"))}
        self.style_ids = style_ids
        self.skipped = 0  # deleted paragraphs whose place does not exist in NEW (e.g. a removed header)

    # --- marks ------------------------------------------------------------------------------

    def mark(self, tag: str) -> etree._Element:
        el = _w(tag, id=str(self.next_id), author=self.author, date=self.date)
        self.next_id += 1
        return el

    def _touch(self, node) -> None:
        self.touched.add(node.getroottree().getroot())

    def _mark_paragraph(self, p, tag: str) -> None:
        ppr = p.find(W_PPR)
        if ppr is None:
            ppr = _w("pPr")
            p.insert(0, ppr)
        rpr = ppr.find(W_RPR)
        if rpr is None:
            rpr = _w("rPr")
            after = [c for c in ppr if c.tag in (qn("w:sectPr"), qn("w:pPrChange"))]
            if after:
                after[0].addprevious(rpr)
            else:
                ppr.append(rpr)
        rpr.insert(0, self.mark(tag))

    # --- runs -------------------------------------------------------------------------------

    def _clean_rpr(self, rpr, foreign: bool) -> etree._Element | None:
        if rpr is None:
            return None
        rpr = copy.deepcopy(rpr)
        for child in list(rpr):
            if child.tag in _RPR_DROPPED:
                rpr.remove(child)
            elif foreign and child.tag == qn("w:rStyle") and child.get(qn("w:val")) not in self.style_ids:
                rpr.remove(child)
        return rpr

    def _run(self, rpr, text: str, deleted: bool, old_rpr=None, track_format: bool = False) -> etree._Element:
        r = _w("r")
        if rpr is not None:
            r.append(rpr)
        if track_format and _signature(old_rpr) != _signature(rpr):
            if rpr is None:
                rpr = _w("rPr")
                r.append(rpr)
            change = self.mark("rPrChange")
            previous = _w("rPr")
            for child in (old_rpr if old_rpr is not None else []):
                previous.append(copy.deepcopy(child))
            change.append(previous)
            rpr.append(change)
        buffer = ""
        for ch in text + "\0":
            if ch in "\t\n\0":
                if buffer:
                    t = _w("delText" if deleted else "t")
                    t.text = buffer
                    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                    r.append(t)
                    buffer = ""
                if ch == "\t":
                    r.append(_w("tab"))
                elif ch == "\n":
                    r.append(_w("br"))
            else:
                buffer += ch
        return r

    def runs(self, el: Element, start: int, end: int, deleted: bool = False, foreign: bool = False,
             old: Element | None = None, old_start: int = 0) -> list[etree._Element]:
        """Runs for characters ``start:end`` of ``el``, split where the source run (or OLD's) changes."""
        sources = _sources(el)
        old_sources = _sources(old) if old is not None else None
        out = []
        k = start
        while k < end:
            src = sources[k]
            old_src = old_sources[old_start + k - start] if old_sources is not None else None
            stop = k + 1
            while stop < end and sources[stop] is src and (
                old_sources is None or old_sources[old_start + stop - start] is old_src
            ):
                stop += 1
            rpr = self._clean_rpr(src.find(W_RPR) if src is not None else None, foreign)
            old_rpr = self._clean_rpr(old_src.find(W_RPR), True) if old_src is not None else None
            out.append(self._run(rpr, el.text[k:stop], deleted, old_rpr, track_format=old is not None))
            k = stop
        return out

    def wrap(self, tag: str, runs: list[etree._Element]) -> etree._Element:
        mark = self.mark(tag)
        for r in runs:
            mark.append(r)
        return mark

    # --- paragraphs -------------------------------------------------------------------------

    def mark_inserted(self, el: Element) -> None:
        p = el.p
        self._touch(p)
        runs = [r for r in p.iter(W_R) if _wrappable(r, p)]
        current = None
        for r in runs:
            if current is not None and r.getprevious() is current:
                current.append(r)
                continue
            current = self.mark("ins")
            r.addprevious(current)
            current.append(r)
        self._mark_paragraph(p, "ins")

    def deleted_paragraph(self, el: Element) -> etree._Element:
        p = _w("p")
        ppr = _ppr_base(el.p.find(W_PPR)) if el.p is not None else None
        if ppr is None:
            ppr = _w("pPr")
        style = ppr.find(qn("w:pStyle"))
        if style is not None and style.get(qn("w:val")) not in self.style_ids:
            ppr.remove(style)
        for numbering in ppr.findall(qn("w:numPr")):
            ppr.remove(numbering)  # numbering ids belong to OLD's numbering part
        old_mark = el.p.find(f"{W_PPR}/{W_RPR}") if el.p is not None else None
        mark_rpr = self._clean_rpr(old_mark, True)
        if mark_rpr is not None:
            ppr.append(mark_rpr)  # _ppr_base left no section or revision after which it would go
        p.append(ppr)
        self._mark_paragraph(p, "del")
        p.append(self.wrap("del", self.runs(el, 0, len(el.text), deleted=True, foreign=True)))
        return p

    def rewrite(self, change) -> bool:
        """Rewrite a changed paragraph's runs with ins/del marks. False when it is not plain enough."""
        old, new = change.old, change.new
        if not new.simple:
            return False
        p = new.p
        self._touch(p)
        content = []
        for op in change.ops:
            if op.kind == "equal":
                content += self.runs(new, *op.new)
            elif op.kind == "format":
                content += self.runs(new, *op.new, old=old, old_start=op.old[0])
            elif op.kind == "insert":
                content.append(self.wrap("ins", self.runs(new, *op.new)))
            elif op.kind == "delete":
                content.append(self.wrap("del", self.runs(old, *op.old, deleted=True, foreign=True)))
        kept = [c for c in p if c.tag in (qn("w:bookmarkStart"), qn("w:bookmarkEnd"))]
        for child in list(p):
            if child.tag != W_PPR:
                p.remove(child)
        for child in kept + content:
            p.append(child)
        self._track_paragraph_properties(old, new)
        return True

    def _track_paragraph_properties(self, old: Element, new: Element) -> None:
        before = _ppr_base(old.p.find(W_PPR))
        after = _ppr_base(new.p.find(W_PPR))
        if _signature(before) == _signature(after):
            return
        ppr = new.p.find(W_PPR)
        if ppr is None:
            ppr = _w("pPr")
            new.p.insert(0, ppr)
        change = self.mark("pPrChange")
        previous = before if before is not None else _w("pPr")
        change.append(previous)
        ppr.append(change)

    # --- placing OLD's paragraphs in NEW ------------------------------------------------------

    def containers(self) -> dict[tuple, etree._Element]:
        """Every place a paragraph can stand in NEW, by the keys ``extract`` gives elements."""
        out = dict(self.new.containers)
        for el in self.new.elements:
            out.setdefault(el.container, _container_of(el.p))
        return out

    def place(self, p, key: tuple, anchor, following, containers) -> bool:
        container = containers.get(key)
        if container is None:
            return False
        self._touch(container)
        if anchor is not None and _child_of(container, anchor) is not None:
            _child_of(container, anchor).addnext(p)
        elif following is not None and _child_of(container, following) is not None:
            _child_of(container, following).addprevious(p)
        elif len(container) and container[-1].tag == qn("w:sectPr"):
            container[-1].addprevious(p)
        else:
            container.append(p)
        return True

    def apply(self, comparison: Comparison) -> None:
        containers = self.containers()
        changes = comparison.changes
        last_in: dict[tuple, etree._Element] = {}
        for k, change in enumerate(changes):
            if change.new is not None:
                last_in[change.new.container] = change.new.p
                if change.kind == INSERTED:
                    self.mark_inserted(change.new)
                elif change.kind == CHANGED and not self.rewrite(change):
                    deleted = self.deleted_paragraph(change.old)
                    self._touch(change.new.p)
                    change.new.p.addprevious(deleted)
                    self.mark_inserted(change.new)
                continue
            if change.kind != DELETED:
                continue
            key = change.old.container
            following = next(
                (c.new.p for c in changes[k + 1:] if c.new is not None and c.new.container == key), None
            )
            p = self.deleted_paragraph(change.old)
            if self.place(p, key, last_in.get(key), following, containers):
                last_in[key] = p
            else:
                self.skipped += 1

    def package(self, new_bytes: bytes) -> bytes:
        parts = {self.roots[root].partname.lstrip("/"): root for root in self.touched if root in self.roots}
        source = zipfile.ZipFile(io.BytesIO(new_bytes))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for name in source.namelist():
                data = serialize_part_xml(parts[name]) if name in parts else source.read(name)
                target.writestr(name, data)
        return normalize(out.getvalue())


def _sources(el: Element) -> list:
    """The ``w:r`` each character of ``el.text`` came from."""
    out = []
    for piece in el.pieces:
        out.extend([piece.run] * len(piece.text))
    return out


def _wrappable(r, p) -> bool:
    node = r.getparent()
    while node is not None and node is not p:
        if node.tag in _NOT_WRAPPED or node.tag == W_P:
            return False
        node = node.getparent()
    return True


def redline_with_report(old: Extracted, new: Extracted, new_bytes: bytes, author: str = "dispatch",
                        comparison: Comparison | None = None) -> tuple[bytes, int]:
    """NEW's bytes with tracked changes against OLD, and how many deleted paragraphs had no place in NEW
    (a header or table cell that NEW no longer has). ``new`` is modified in place: read it afresh after."""
    if comparison is None:
        comparison = compare(old.elements, new.elements, old.shown, new.shown)
    writer = _Writer(new, author, new.revision_date())
    writer.apply(comparison)
    return writer.package(new_bytes), writer.skipped


def redline(old: Extracted, new: Extracted, new_bytes: bytes, author: str = "dispatch",
            comparison: Comparison | None = None) -> bytes:
    return redline_with_report(old, new, new_bytes, author, comparison)[0]
