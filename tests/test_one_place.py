"""Issue #12: a role's style id, a namespace URI and a unit factor are each written in one place.

The style ids live in ``generator/geometry/layout_spec.py`` (``StyleId``), the namespaces and
units in ``generator/ooxml/ns.py``; a copy anywhere else in ``generator/`` or
``scripts/build_template.py`` is the kind of drift issue #12 is about.
"""
from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "generator").rglob("*.py")) + [ROOT / "scripts" / "build_template.py"]


def _string_literals(path: Path):
    for tok in tokenize.generate_tokens(io.StringIO(path.read_text("utf-8")).readline):
        if tok.type == tokenize.STRING:
            yield tok.start[0], tok.string


def test_role_style_ids_are_written_only_in_layout_spec():
    home = ROOT / "generator" / "geometry" / "layout_spec.py"
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in SOURCES if path != home
        for line, text in _string_literals(path)
        if re.fullmatch(r"""[rbfu]*(['"])CV[A-Z][A-Za-z]+\1""", text)
    ]
    assert found == []


# written out here, not imported from ns.py: the test must not trust what it checks
URIS = {
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://schemas.openxmlformats.org/drawingml/2006/main",
    "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "urn:schemas-microsoft-com:vml",
    "http://schemas.openxmlformats.org/package/2006/relationships",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
}


def test_namespace_constants_are_defined_only_in_ns():
    """A namespace written as a constant of its own (``W_NS = "http://…"``) or a Clark name
    (``"{http://…/main}p"``) belongs in ``ooxml/ns.py``; XML text that declares it is not a constant."""
    home = ROOT / "generator" / "ooxml" / "ns.py"
    found = []
    for path in SOURCES:
        if path == home:
            continue
        for line, text in _string_literals(path):
            if text[:1] in "fFbBrRuU" and not text.startswith(("r'", 'r"', "u'", 'u"')):
                continue  # an f-string's value is not known here; its namespace would be a name
            try:
                value = eval(text)  # a plain literal: its value
            except SyntaxError:
                continue
            if not isinstance(value, str):
                continue
            if value in URIS or any(value.startswith("{" + uri + "}") for uri in URIS):
                found.append(f"{path.relative_to(ROOT)}:{line}: {text}")
    assert found == []


def test_ns_holds_each_namespace_and_unit_once():
    from generator.ooxml import ns

    assert ns.w("p") == "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"
    assert {ns.W_NS, ns.R_NS, ns.A_NS, ns.WP_NS, ns.MC_NS, ns.V_NS, ns.PKG_REL_NS, ns.OFFICE_DOC,
            ns.STRICT_OFFICE_DOC} == URIS
    assert (ns.TWIPS_PER_PT, ns.TWIPS_PER_INCH, ns.EMU_PER_PT) == (20, 1440, 12700)
    assert round(ns.TWIPS_PER_MM * 25.4, 9) == 1440 and round(ns.TWIPS_PER_CM * 2.54, 9) == 1440
    assert round(ns.PT_PER_MM * 25.4, 9) == 72
