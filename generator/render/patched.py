"""The Jinja source of a Word template's parts, as docxtpl's ``patch_xml`` makes it, and kept for our own.

docxtpl turns the tags Word may have split across runs into plain Jinja (``patch_xml``) on the body as
python-docx reads it and on each header and footer that holds a tag. For a template from elsewhere that is
done each time it is compiled. For one of ours (``sandbox.shipped``: its SHA-256 is in ``data/templates.json``)
the result is kept in the user's cache folder beside the compiled code (``sandbox.CodeCache``, private to the
user, each entry checked by its digest), so that a build of one letter imports neither docxtpl nor python-docx
(a third of its start-up). An entry is found by the template's SHA-256 and the source of what makes the
result (docxtpl's ``template.py``, python-docx's XML parser, lxml's version): another version of one of them
makes and keeps it again. ``tests/test_startup.py`` checks a kept entry is what docxtpl makes.
"""
from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import re
from pathlib import Path

from lxml import etree

from generator.ooxml.ns import qn
from generator.render.sandbox import CodeCache

_HEADER_FOOTER = re.compile(r"word/(header|footer)\d+\.xml")
_TEMPLATED = re.compile(r"\{[{%#]")
_MAGIC = b"dispatch patched template 1\x00"
_MAKERS = (("docxtpl", "template.py"), ("docx", "oxml/parser.py"))  # patch_xml; the parse get_xml serialises
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)  # python-docx's
W_BODY = qn("w:body")


def parse(xml: bytes | str) -> etree._Element:
    """A part of one of our templates, or a piece of one (a run's properties), parsed as python-docx parses it
    (blank text between elements dropped)."""
    return etree.fromstring(xml, _PARSER)


def docx_template(data: bytes):
    """docxtpl's template of the Word file ``data``, opened (python-docx raises here for a file that is not one)."""
    from docxtpl import DocxTemplate  # lazy: docxtpl and python-docx only for a template that is not ours

    tpl = DocxTemplate(io.BytesIO(data))
    tpl.get_docx()
    return tpl


def patch(tpl, parts: dict[str, bytes]) -> dict[str, str]:
    """The patched XML of the body (``word/document.xml``) of docxtpl's ``tpl``, then of each header or footer
    of ``parts`` (the template's parts) that holds a tag, in the order of ``parts``."""
    sources = {"word/document.xml": tpl.patch_xml(tpl.get_xml())}
    for name, blob in parts.items():
        if _HEADER_FOOTER.fullmatch(name) and _TEMPLATED.search(blob.decode("utf-8")):
            sources[name] = tpl.patch_xml(etree.tostring(etree.fromstring(blob), encoding="unicode"))
    return sources


def _key(data: bytes) -> str | None:
    """The entry of the template ``data``, for the docxtpl, python-docx and lxml found here (None: not found)."""
    found = hashlib.sha256(_MAGIC + hashlib.sha256(data).digest() + etree.__version__.encode("ascii"))
    for package, file in _MAKERS:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.origin:
            return None
        try:
            found.update(hashlib.sha256((Path(spec.origin).parent / file).read_bytes()).digest())
        except OSError:
            return None
    return found.hexdigest()


def kept(cache: CodeCache | None, data: bytes) -> dict[str, str] | None:
    """What ``patch`` gave for the template ``data`` when it was kept, or None."""
    key = _key(data) if cache is not None else None
    text = cache.load_text(key) if key is not None else None
    if text is None:
        return None
    try:
        sources = json.loads(text)
    except ValueError:
        return None
    if (not isinstance(sources, dict) or "word/document.xml" not in sources
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in sources.items())):
        return None
    return sources


def keep(cache: CodeCache | None, data: bytes, sources: dict[str, str]) -> None:
    key = _key(data) if cache is not None else None
    if key is not None:
        cache.dump_text(key, json.dumps(sources, ensure_ascii=False))
