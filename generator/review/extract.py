"""Read any DOCX into the letter's elements, in reading order, each with a Vietnamese label.

An element is one non-empty paragraph: a letterhead line, the number, the date line,
a body paragraph, a line of "Nơi nhận", the signer's name, a header or footer line.
Its text keeps the emphasis a reader sees, as runs merged by equal look:

- Elements are recognised by their role, the paragraph style id of ``layout_spec.ROLES``
  (or the role's style *name*, since Word may rewrite the ids of custom styles on save).
- Without role styles (a letter retyped in Word, another office's file), by the one
  classifier of a letter's parts, ``ooxml/parts.py`` (the decisions ``dispatch lint`` judges):
  which table is the letterhead and which the signature block, the number, the title block,
  "Kính gửi", "Nơi nhận"… Anything else is a plain paragraph, in order.
- Runs, their text and their bold, italic and size come from ``ooxml/read.py``'s
  ``read_runs``, the reading ``dispatch lint`` judges: formatting resolved as Word does (run, character style,
  paragraph style, table style, document defaults, with Word's toggle rule for bold and
  italic), a field's result without its instruction, text NFC-normalised.
- Tracked changes read as accepted: text in ``w:ins`` counts, text in ``w:del`` does not.
- Text boxes (``ooxml/read.py``'s ``text_boxes``: DrawingML or VML; of
  ``mc:AlternateContent`` only the Choice, so the text counts once) give elements labelled ``Hộp văn bản`` right after the
  paragraph they are anchored in; each box is a container ``("txbx", n)`` for the redline.
- Text that does not print (``w:vanish`` through any level, or a text box in a hidden shape or
  anchored by a hidden run) keeps ``Look.hidden`` and is marked ``«ẩn: …»`` by ``markup``.
- Page-number fields in headers and footers are not text; a header or footer line left
  empty without them is skipped.
- The labels, and the classifier's parts as roles, are ``labelling.py``'s; the file is opened by
  ``opening.py``; ``text_output.py`` prints the elements for ``dispatch text``.

Each element also keeps references to its XML (paragraph, runs, container) so that
``redline.py`` can write tracked changes into the same document.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

from generator.geometry.layout_spec import ROLES, StyleId
from generator.ooxml import read as docx_read
from generator.ooxml.parts import Parts, classify
from generator.ooxml.styles import DEFAULT_SIZE_PT, Fmt
from generator.ooxml.styles import Styles as WordStyles
from generator.review.labelling import (FOOTER_LABEL, HEADER_LABEL, LETTERHEAD_LABEL, SKIPPED_ROLES, TABLE_LABEL,
                                        TEXTBOX_LABEL, part_role, role_label)
from generator.review.opening import open_docx, read_bytes
from generator.review.text_output import format_text, markup

__all__ = ["Element", "Extracted", "Look", "Piece", "Segment", "extract", "format_text", "markup", "open_docx",
           "read_bytes", "segments_of"]


W_P, W_R, W_T, W_TBL, W_TR, W_TC = (qn(t) for t in ("w:p", "w:r", "w:t", "w:tbl", "w:tr", "w:tc"))
W_SDT, W_SDTCONTENT, W_TXBX = qn("w:sdt"), qn("w:sdtContent"), qn("w:txbxContent")
W_RPR, W_PPR = qn("w:rPr"), qn("w:pPr")
_PAGE_FIELDS = {"PAGE", "NUMPAGES", "SECTIONPAGES", "SECTION"}


@dataclass(frozen=True)
class Look:
    """How a character looks: the properties the diff compares."""

    bold: bool = False
    italic: bool = False
    size: float = DEFAULT_SIZE_PT
    hidden: bool = False  # hidden text (w:vanish) or text in a hidden shape: it does not print


@dataclass(frozen=True)
class Piece:
    """Text from one run, with its resolved look. ``run`` is the ``w:r`` it came from."""

    text: str
    look: Look
    run: object = field(default=None, compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class Segment:
    """Merged text of equal emphasis, as shown to a reader."""

    text: str
    bold: bool
    italic: bool
    hidden: bool = False


@dataclass(eq=False)
class Element:
    label: str
    role: str  # a ROLES style id, or "" for a paragraph of unknown role (table cells, headers)
    pieces: tuple[Piece, ...]
    container: tuple  # where it sits: ("body",), ("tbl", 0, row, col), ("tbl", "last", row, col), ("hdr", "default")
    p: object = field(default=None, repr=False)  # the w:p element
    simple: bool = True  # only plain text runs: a redline may rewrite its runs without losing anything
    where: str = ""  # a cell of a data table: "hàng 3, cột 5"

    @property
    def text(self) -> str:
        return "".join(piece.text for piece in self.pieces)

    def looks(self) -> list[Look]:
        """The look of each character of ``text``."""
        out: list[Look] = []
        for piece in self.pieces:
            out.extend([piece.look] * len(piece.text))
        return out

    @property
    def segments(self) -> tuple[Segment, ...]:
        return segments_of(self.pieces)

    def markup(self) -> str:
        return markup(self.segments)

    @property
    def short_where(self) -> str:
        """``h3 c5`` for "hàng 3, cột 5" (the text output keeps labels narrow)."""
        return re.sub(r"hàng (\d+), cột (\d+)", r"h\1 c\2", self.where)


def segments_of(pieces) -> tuple[Segment, ...]:
    """Merge pieces of equal emphasis (bold, italic, hidden). Whitespace has no visible emphasis: it
    joins its neighbours."""
    merged: list[list] = []
    for piece in pieces:
        if not piece.text:
            continue
        emphasis = (piece.look.bold, piece.look.italic, piece.look.hidden)
        if merged and (merged[-1][1] == emphasis or not piece.text.strip()):
            merged[-1][0] += piece.text
        elif merged and not merged[-1][0].strip():
            merged[-1] = [merged[-1][0] + piece.text, emphasis]
        else:
            merged.append([piece.text, emphasis])
    return tuple(Segment(text, bold, italic, hidden) for text, (bold, italic, hidden) in merged)


# --- styles ---------------------------------------------------------------------------------


def _theme_root(doc):
    """The theme part's XML (theme fonts), or None; the package already passed ``docx_guard``."""
    try:
        part = doc.part.part_related_by(RT.THEME)
    except KeyError:
        return None
    try:
        return etree.fromstring(part.blob, docx_read.XML_PARSER)
    except etree.XMLSyntaxError:
        return None


class Styles:
    """The roles of paragraph styles, and run formatting resolved by ``ooxml/styles.py`` (as lint reads it)."""

    def __init__(self, doc):
        self.formats = WordStyles(doc.styles.element, _theme_root(doc))
        self.role_of_style: dict[str, str] = {}
        role_by_name = {role.name.casefold(): role.style_id for role in ROLES.values()}
        for style in doc.styles:
            if style.type != WD_STYLE_TYPE.PARAGRAPH:
                continue
            sid = style.style_id
            if sid in ROLES:
                self.role_of_style[sid] = sid
            elif (style.name or "").casefold() in role_by_name:
                self.role_of_style[sid] = role_by_name[style.name.casefold()]
        self._looks: dict[tuple, Look] = {}

    def look(self, fmt: Fmt) -> Look:
        """The properties the diff compares; Word's 10 pt where nothing gives a size."""
        key = (fmt.bold, fmt.italic, fmt.size, fmt.hidden)
        if key not in self._looks:
            self._looks[key] = Look(fmt.bold, fmt.italic, fmt.size if fmt.size else DEFAULT_SIZE_PT, fmt.hidden)
        return self._looks[key]

    def role(self, p) -> str | None:
        ppr = p.find(W_PPR)
        style = ppr.find(qn("w:pStyle")) if ppr is not None else None
        sid = style.get(qn("w:val")) if style is not None else None
        return self.role_of_style.get(sid) if sid else None


# --- paragraphs -----------------------------------------------------------------------------

_SIMPLE_RUN_CHILDREN = {qn(t) for t in ("w:rPr", "w:t", "w:tab", "w:br", "w:cr", "w:lastRenderedPageBreak")}
_SIMPLE_P_CHILDREN = {qn(t) for t in ("w:pPr", "w:r", "w:proofErr", "w:bookmarkStart", "w:bookmarkEnd")}


def _table_style(p) -> str | None:
    """The style of the table whose cell holds ``p`` (the innermost one), as ``ooxml/read.py`` applies it."""
    for a in p.iterancestors():
        if a.tag == W_TBL:
            style = a.find(f"{qn('w:tblPr')}/{qn('w:tblStyle')}")
            return style.get(qn("w:val")) if style is not None else None
        if a.tag == qn("w:txbxContent"):
            return None
    return None


def _page_number(fields: tuple[str, ...]) -> bool:
    return any(instr.split()[:1] and instr.split()[0].upper() in _PAGE_FIELDS for instr in fields)


class _Reader:
    """Reads paragraphs; ``containers`` (shared by the readers of one document) gets each text box."""

    def __init__(self, styles: Styles, skip_page_numbers: bool, containers: dict):
        self.styles = styles
        self.skip_page_numbers = skip_page_numbers
        self.containers = containers

    def paragraph(self, p) -> tuple[list[Piece], bool]:
        """The pieces of paragraph ``p`` and whether it holds only plain text runs."""
        formats = self.styles.formats
        runs, _text, _fields = docx_read.read_runs(p, formats, formats.paragraph_style(p.find(W_PPR)),
                                                   _table_style(p))
        pieces = [
            Piece(run.text, self.styles.look(run.fmt), run.r)
            for run in runs
            if not (self.skip_page_numbers and _page_number(run.fields))
        ]
        simple = all(child.tag in _SIMPLE_P_CHILDREN for child in p)
        if simple:
            simple = all(c.tag in _SIMPLE_RUN_CHILDREN for r in p.iter(W_R) for c in r)
        return pieces, simple

    def text_boxes(self, p) -> list[Element]:
        """The elements of the text boxes anchored in ``p``, in their order (a box's own boxes after
        the paragraph holding them). Each box is a container ``("txbx", n)``, n counting the boxes of
        the document; a box in a hidden shape, or anchored by a hidden run, does not print."""
        out: list[Element] = []
        for box in docx_read.text_boxes(p):
            key = ("txbx", sum(1 for k in self.containers if k[0] == "txbx"))
            self.containers[key] = box
            hidden = docx_read.shape_hidden(box, p) or self._anchor_hidden(box, p)
            for q, where in _box_paragraphs(box):
                el, inner = _make(self, q, self.styles, key, lambda text, pieces: "")
                if el is not None:
                    el.label, el.where = TEXTBOX_LABEL, where
                    if hidden:
                        el.pieces = tuple(Piece(x.text, replace(x.look, hidden=True), x.run) for x in el.pieces)
                    out.append(el)
                if hidden:
                    for e in inner:
                        e.pieces = tuple(Piece(x.text, replace(x.look, hidden=True), x.run) for x in e.pieces)
                out += inner
        return out

    def _anchor_hidden(self, box, p) -> bool:
        """Whether the run holding the box's shape is hidden text (Word then hides the shape too)."""
        run = next((a for a in box.iterancestors() if a.tag == W_R), None)
        if run is None or _closest(run, W_P) is not p:
            return False
        formats = self.styles.formats
        return formats.run_format(run, formats.paragraph_style(p.find(W_PPR)), _table_style(p)).hidden


def _closest(el, tag):
    return next((a for a in el.iterancestors() if a.tag == tag), None)


def _box_paragraphs(box):
    """(paragraph, where) of a text box in reading order; a table in the box gives "hàng r, cột c"."""
    for block in body_blocks(box):
        if block.tag == W_P:
            yield block, ""
            continue
        for r, tr in enumerate(block.findall(W_TR)):
            for c, tc in enumerate(tr.findall(W_TC)):
                for q, _inner in _cell_paragraphs(tc):
                    yield q, f"hàng {r + 1}, cột {c + 1}"


# --- the document ---------------------------------------------------------------------------


def _cell_paragraphs(tc):
    """Paragraphs of a cell in order; nested tables are read row by row where they stand."""
    for child in tc:
        if child.tag == W_P:
            yield child, ()
        elif child.tag == W_TBL:
            for r, tr in enumerate(child.findall(W_TR)):
                for c, inner in enumerate(tr.findall(W_TC)):
                    for p, deeper in _cell_paragraphs(inner):
                        yield p, (r, c) + deeper
        elif child.tag == W_SDT:
            content = child.find(W_SDTCONTENT)
            if content is not None:
                yield from _cell_paragraphs(content)


def body_blocks(body):
    """Top-level paragraphs and tables of the body, looking through block content controls."""
    for child in body:
        if child.tag in (W_P, W_TBL):
            yield child
        elif child.tag == W_SDT:
            content = child.find(W_SDTCONTENT)
            if content is not None:
                yield from body_blocks(content)


def _header_footer_parts(doc) -> list[tuple[str, str, object]]:
    """(kind "hdr"/"ftr", reference type, part) in the order the sections reference them, once each."""
    seen = set()
    out = []
    for sect in doc.element.body.iter(qn("w:sectPr")):
        for ref in sect:
            if ref.tag not in (qn("w:headerReference"), qn("w:footerReference")):
                continue
            rid = ref.get(qn("r:id"))
            part = doc.part.related_parts.get(rid)
            if part is None or part.partname in seen:
                continue
            seen.add(part.partname)
            kind = "hdr" if ref.tag == qn("w:headerReference") else "ftr"
            out.append((kind, ref.get(qn("w:type")) or "default", part))
    return out


class Extracted:
    """A document read into elements. ``doc`` stays open for the redline writer.

    ``containers`` maps every place a paragraph can stand (the body, each table cell,
    each header and footer) to its XML element, by the keys elements carry.
    """

    def __init__(self, doc, elements: list[Element], shown: str, containers: dict):
        self.doc = doc
        self.elements = elements
        self.shown = shown
        self.containers = containers

    def revision_date(self) -> str:
        """The document's modified date (core properties) in W3CDTF, never the clock."""
        try:
            core = doc_core_part(self.doc)
        except KeyError:
            return "1980-01-01T00:00:00Z"
        props = core.core_properties
        stamp = props.modified or props.created
        if stamp is None:
            return "1980-01-01T00:00:00Z"
        if stamp.tzinfo is not None:
            stamp = stamp.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def doc_core_part(doc):
    """The core-properties part, without python-docx's habit of creating one stamped with the clock."""
    return doc.part.package.part_related_by(RT.CORE_PROPERTIES)


def extract(doc, shown: str = "") -> Extracted:
    styles = Styles(doc)
    containers: dict[tuple, object] = {}  # text boxes are added by the readers as they meet them
    elements: list[Element] = []
    parts = _header_footer_parts(doc)
    for kind, ref_type, part in parts:
        if kind == "hdr":
            containers.setdefault((kind, ref_type), part.element)
            elements += _read_part(part.element, styles, (kind, ref_type), HEADER_LABEL, containers)
    elements += _read_body(doc.element.body, styles, containers)
    for kind, ref_type, part in parts:
        if kind == "ftr":
            containers.setdefault((kind, ref_type), part.element)
            elements += _read_part(part.element, styles, (kind, ref_type), FOOTER_LABEL, containers)
    return Extracted(doc, elements, shown, containers)


def _make(reader: _Reader, p, styles: Styles, container: tuple, guess) -> tuple[Element | None, list[Element]]:
    """The element of paragraph ``p`` (None when it shows no text) and those of the text boxes anchored in it."""
    boxes = reader.text_boxes(p)
    pieces, simple = reader.paragraph(p)
    text = "".join(piece.text for piece in pieces)
    if not text.strip():
        return None, boxes
    role = styles.role(p)
    if role in SKIPPED_ROLES:
        role = None
    if role is None:
        role = guess(text.strip(), pieces)
    return Element(role_label(role) if role else "", role or "", tuple(pieces), container, p, simple), boxes


def _read_part(root, styles: Styles, container: tuple, label: str, containers: dict) -> list[Element]:
    reader = _Reader(styles, skip_page_numbers=True, containers=containers)
    out = []
    for p in root.iter(W_P):
        if any(a.tag == W_TXBX for a in p.iterancestors()):
            continue  # read with the paragraph the box is anchored in
        el, boxes = _make(reader, p, styles, container, lambda text, pieces: "")
        for e in [el, *boxes]:
            if e is None or not re.search(r"[^\W\d_]", e.text):
                continue  # nothing but digits and punctuation left: a page number, perhaps typed by hand
            if not e.label:
                e.label = label
            out.append(e)
    return out


def _read_body(body, styles: Styles, containers: dict) -> list[Element]:
    reader = _Reader(styles, skip_page_numbers=False, containers=containers)
    blocks = list(body_blocks(body))
    parts = classify(docx_read.body_paragraphs(body, styles.formats), (StyleId.ISSUER, StyleId.PARENT_BODY))
    containers[("body",)] = body
    out: list[Element] = []
    t = 0
    for block in blocks:
        if block.tag == W_P:
            el, boxes = _make(reader, block, styles, ("body",), lambda text, pieces: part_role(parts.role(block)))
            if el is not None:
                out.append(el)
            out += boxes
            continue
        kind = parts.table_kind(block)
        if not kind:
            t += 1
        out += _read_table(block, reader, styles, kind or t, kind, containers, parts)
    return out


def _read_table(tbl, reader: _Reader, styles: Styles, key, kind: str, containers: dict, parts: Parts
                ) -> list[Element]:
    out: list[Element] = []
    for r, tr in enumerate(tbl.findall(W_TR)):
        grid = 0  # the grid column of the cell's left edge (merged cells span several)
        for c, tc in enumerate(tr.findall(W_TC)):
            span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
            column, grid = grid, grid + (int(span.get(qn("w:val"), "1")) if span is not None else 1)
            containers[("tbl", key, r, c)] = tc
            made = []  # (element or None, the elements of its text boxes), in order
            for p, inner in _cell_paragraphs(tc):
                container = ("tbl", key, r, c) + inner
                if inner:
                    containers.setdefault(container, p.getparent())
                made.append(_make(reader, p, styles, container,
                                  lambda text, pieces, p=p: part_role(parts.role(p)) if kind else ""))
            read = [el for el, _boxes in made if el is not None]
            for el in read:
                if not el.label and kind == "letterhead":
                    el.label = LETTERHEAD_LABEL
                if el.label in (TABLE_LABEL, "") or not kind:
                    # a data table: the cell's place says more than its style
                    el.label = f"{TABLE_LABEL} {key}" if key != 1 else TABLE_LABEL
                    el.where = f"hàng {r + 1}, cột {column + 1}"
            for el, boxes in made:
                out += ([el] if el is not None else []) + boxes
    return out
