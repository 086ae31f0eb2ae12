"""What the Word template sees of a ``Letter``: the render context, and the run properties each
``{{r para.runs.KIND }}`` tag gives the runs of a body paragraph.

Used by ``engine.py`` (reads the prototypes once when it compiles a template), ``docx.py`` (one
letter) and ``bulk/run.py`` (each letter of a campaign). It imports neither of them.
"""
from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import fields
from functools import lru_cache

from lxml import etree
from markupsafe import Markup

from generator.ooxml.ns import W_NS, qn
from generator.render import patched
from generator.render.sandbox import items_first
from generator.wording.inline import Span
from generator.wording.letter import Letter

_RUNS_TAG = re.compile(r"\{\{r\s*para\.runs\.(\w+)\s*\}\}")
_NS_DECL = re.compile(r'\s+xmlns:\w+="[^"]*"')


@items_first  # ``para.runs.doan``: a key, found without a failed attribute look-up first
class RunChoice(Mapping):
    """``para.runs.<kind>`` in the template: the paragraph's spans as ``<w:r>`` XML, with the run
    properties of the tag ``{{r para.runs.<kind> }}`` plus each span's bold/italic.

    What a template reaches here is plain: the mapping's keys are strings and its values are
    ``Markup`` strings (already-escaped XML). It holds no live XML object: the run properties
    are kept as text (``run_prototypes``), so no method of lxml is reachable from a template.
    """

    __slots__ = ("_spans", "_prototypes")

    def __init__(self, spans: tuple[Span, ...], prototypes: dict[str, str | None]):
        self._spans = spans
        self._prototypes = prototypes

    def __getitem__(self, kind: str) -> Markup:
        if kind not in self._prototypes:
            raise KeyError(kind)
        prototype = self._prototypes[kind]
        return Markup("".join(
            f'<w:r>{_rpr(prototype, s.bold, s.italic)}<w:t xml:space="preserve">{escape(s.text)}</w:t></w:r>'
            for s in self._spans
        ))

    def __iter__(self):
        return iter(self._prototypes)

    def __len__(self) -> int:
        return len(self._prototypes)


# The children of ``<w:rPr>`` in the schema's order (ECMA-376 CT_RPr, as python-docx's ``CT_RPr._tag_seq``):
# a ``<w:b/>`` or ``<w:i/>`` switched on goes before the first of those after it that the properties hold.
_RPR_SEQUENCE = tuple(qn(f"w:{tag}") for tag in (
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow",
    "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern",
    "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em",
    "lang", "eastAsianLayout", "specVanish", "oMath"))
_VAL = qn("w:val")


def _switch_on(rpr: etree._Element, tag: str) -> None:
    """``<w:b/>`` (or ``<w:i/>``) in ``rpr``: the one there with no ``w:val`` (which means on), or a new one
    in schema order; what python-docx's ``rpr.get_or_add_b().val = True`` does, without python-docx."""
    found = rpr.find(tag)
    if found is None:
        found = rpr.makeelement(tag)
        after = _RPR_SEQUENCE[_RPR_SEQUENCE.index(tag) + 1:]
        successor = next((child for child in (rpr.find(t) for t in after) if child is not None), None)
        if successor is not None:
            successor.addprevious(found)
        else:
            rpr.append(found)
    found.attrib.pop(_VAL, None)


@lru_cache(maxsize=256)
def _rpr(prototype: str | None, bold: bool, italic: bool) -> str:
    """The prototype's run properties (XML text) with bold/italic switched on (in schema order)."""
    rpr = patched.parse(prototype if prototype is not None else f'<w:rPr xmlns:w="{W_NS}"/>')
    if bold:
        _switch_on(rpr, qn("w:b"))
    if italic:
        _switch_on(rpr, qn("w:i"))
    return _NS_DECL.sub("", etree.tostring(rpr, encoding="unicode"))


def run_prototypes(body: etree._Element) -> dict[str, str | None]:
    """For each ``{{r para.runs.KIND }}`` tag in ``body`` (the template's ``<w:body>``), the run properties of
    the run that holds it, as XML text (with its namespace declaration, so that it parses on its own)."""
    prototypes: dict[str, str | None] = {}
    for p in body.iter(qn("w:p")):
        text = "".join(t.text or "" for t in p.iter(qn("w:t")))
        match = _RUNS_TAG.search(text)
        if not match:
            continue
        for r in p.iter(qn("w:r")):
            if "{" in "".join(t.text or "" for t in r.iter(qn("w:t"))):
                rpr = r.find(qn("w:rPr"))
                prototypes[match.group(1)] = (
                    etree.tostring(copy.deepcopy(rpr), encoding="unicode") if rpr is not None else None)
                break
    return prototypes


_LETTER_FIELDS = tuple(f.name for f in fields(Letter) if f.name != "paragraphs")  # what a letter holds but its body


def context(letter: Letter, prototypes: dict[str, str | None]) -> dict:
    """What the Word template sees of a letter: strings, numbers, lists and dicts of them, and
    ``RunChoice`` (strings only). A test walks it and fails on anything else."""
    data = {name: getattr(letter, name) for name in _LETTER_FIELDS}
    data["paragraphs"] = [
        {"kind": p.kind, "text": p.text, "runs": RunChoice(p.spans, prototypes)} for p in letter.paragraphs
    ]
    return data


def escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as XML text needs them, as ``html.escape(text, quote=False)`` writes them
    (``xml.sax.saxutils.escape`` pulls in urllib and email, ``html`` its table of entities)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
