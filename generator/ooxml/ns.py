"""XML namespaces of a Word package and the units its lengths are written in, defined once.

Every module that reads or writes WordprocessingML takes its namespace URIs, its
``w()`` tag helper and its unit factors from here (geometry, ooxml, lint, review,
render, ``scripts/build_template.py``). ``docx.oxml.ns.qn("w:p")`` gives the same
Clark names as ``w("p")``; ``w`` is kept for the readers that must not depend on
python-docx (``ooxml/read.py`` reads the zip with lxml only).
"""
from __future__ import annotations

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
V_NS = "urn:schemas-microsoft-com:vml"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
STRICT_OFFICE_DOC = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"

NSMAP = {"w": W_NS, "r": R_NS, "a": A_NS, "wp": WP_NS, "mc": MC_NS, "v": V_NS}

# Lengths: Word writes most in twentieths of a point (twips), drawings in EMU.
TWIPS_PER_PT = 20
TWIPS_PER_INCH = 1440
TWIPS_PER_CM = TWIPS_PER_INCH / 2.54
TWIPS_PER_MM = TWIPS_PER_INCH / 25.4
PT_PER_MM = 72 / 25.4
PT_PER_CM = 72 / 2.54
EMU_PER_PT = 12700


def w(tag: str) -> str:
    """The Clark name of a WordprocessingML element or attribute: ``w("p")`` is ``{…/main}p``."""
    return f"{{{W_NS}}}{tag}"


def qn(name: str) -> str:
    """The Clark name of a prefixed name of ``NSMAP``: ``qn("w:p")`` is ``w("p")``, as python-docx's
    ``docx.oxml.ns.qn`` gives it (which cannot be imported without the whole of python-docx)."""
    prefix, _, local = name.partition(":")
    return f"{{{NSMAP[prefix]}}}{local}"
