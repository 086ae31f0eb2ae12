"""Many letters through LibreOffice as ONE document, then one PDF per letter again (``convert.py`` uses it).

LibreOffice spends about 50 ms on every document it opens and exports besides the work of laying out its pages
(measured on this machine, docs/pdf.md "Tốc độ"): 200 letters converted as 200 files cost 2-3 times what the same
letters cost joined in one document. So letters that can be joined without changing how any of them prints are
joined into a *volume*, converted in one go, and the volume's PDF is cut back into one PDF per letter.

- **Which letters join** (``read_letter``): packages identical except ``word/document.xml`` and ``docProps/``
  (same styles, numbering, settings, headers, footers, relationships), whose document has exactly one section
  (its own page size, margins, headers) of the default kind (new page), and nothing that counts or refers across
  the document: no list numbering (it would continue from the letter before), no footnotes, endnotes or
  comments, no field but ``PAGE`` (``NUMPAGES`` would count the whole volume, ``REF``/``TITLE``… would read
  another letter), no link to a bookmark, no content bound to the document's properties, no even/odd or mirrored
  pages (they follow the volume's page parity), no line numbers running on, no page break opening the letter or
  before a paragraph (after the section break, one page more), no table ending it (a paragraph would be added
  after it), no bookmark named as ours. Anything else is converted alone, as before.
- **How** (``join``): the bodies one after the other, each letter's section properties ending its last paragraph
  (a section of its own: a new page, its own headers, page numbering restarted at 1 as it is in its own file), and
  a bookmark ``dispatchletterNNNNN`` in each letter's first paragraph. LibreOffice exports the bookmarks as named
  destinations (``ExportBookmarksToPDFDestination``). A letter whose section names the same headers and footers as
  the first letter's names none, and so takes over those of the section before (the same parts): LibreOffice
  then does not copy them again, a fifth of its work on a letter here.
- **Cutting** (``split``): each letter's pages run from the page of its destination to the page before the next
  one's. Trusted only when there is exactly one destination per letter, in order, the first on the first page,
  each on a later page than the one before, and no outline (which would belong to the whole volume); otherwise
  ``None``, and ``convert.py`` converts those letters one by one. Each letter's PDF gets the document information
  LibreOffice gives a letter converted alone (title, author, subject, keywords from its own ``core.xml``; creator
  and producer), its catalog (language, viewer preferences, opening on its first page).

The result shows exactly what converting the letter alone shows: tests/test_pdf.py renders every page of both
(poppler, 150 dpi) and compares the pixels, the text and the document information. The bytes differ (the fonts
embedded are subsets of what the whole volume uses): they depend on the letters of its volume, which follow the
order of the jobs only (``convert._units``), so the same letters give the same bytes.
"""
from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

DOCUMENT = "word/document.xml"
CORE = "docProps/core.xml"
OWN = {DOCUMENT, CORE, "docProps/app.xml"}  # the parts each letter keeps; every other part must be the same
BOOKMARK = "dispatchletter"  # + 5 digits: letters only, so LibreOffice exports the name as it is
BOOKMARK_ID = 900_000_000  # + the letter's number: far above the ids Word and python-docx give
FILTER = 'pdf:writer_pdf_Export:{"ExportBookmarksToPDFDestination":{"type":"boolean","value":"true"}}'

_BODY_OPEN = re.compile(rb"<w:body[^>]*>")
_PARAGRAPH_OPEN = re.compile(rb"<w:p(?=[\s>/])[^>]*?(/?)>")
_PGNUMTYPE = re.compile(rb"<w:pgNumType\b([^>]*?)/>")
_PGMAR = re.compile(rb"<w:pgMar\b[^>]*/>")
_HEADER_REFERENCE = re.compile(rb"<w:(?:header|footer)Reference\b[^>]*/>")
# a letter with any of these prints differently inside a volume than alone
_CROSS_DOCUMENT = re.compile(
    rb"<w:numPr\b|<w:footnoteReference\b|<w:endnoteReference\b|<w:commentReference\b"
    rb"|<w:hyperlink\b[^>]*\bw:anchor=|<w:subDoc\b|<w:altChunk\b|<w:dataBinding\b|<w:pageBreakBefore\b"
    rb"|<w:lnNumType\b[^>]*w:restart=\"continuous\"|" + BOOKMARK.encode())
_FIELD_CODE = re.compile(rb"<w:instrText\b[^>]*>([^<]*)</w:instrText>|<w:fldSimple\b[^>]*?\bw:instr=\"([^\"]*)\"")
_PAGE_PARITY = re.compile(rb"<w:evenAndOddHeaders\b(?![^>]*w:val=\"(?:0|false|off)\")|<w:mirrorMargins\b"
                          rb"(?![^>]*w:val=\"(?:0|false|off)\")|<w:bookFoldPrinting\b")
_DC = "{http://purl.org/dc/elements/1.1/}"
_CP = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
INFO = (("/Title", _DC + "title"), ("/Author", _DC + "creator"), ("/Subject", _DC + "subject"),
        ("/Keywords", _CP + "keywords"))


@dataclass(frozen=True)
class Letter:
    """A letter that can go into a volume: its file, the digest of the parts of its package it shares with the
    letters it can be joined with (names, sizes and CRC-32s from the zip's directory: equal for letters of one
    template), its document's size and CRC-32 (the document itself is read again by ``join``: a run of 10,000
    letters holds none of them) and its document information."""
    path: Path
    shared: str
    document: tuple[int, int]  # word/document.xml's size and CRC-32, as read
    info: tuple[tuple[str, str], ...]  # (/Title, …) as LibreOffice fills the PDF's document information


_checked: dict[str, bool] = {}  # shared digest -> whether those parts let letters join (read once per template)


def _shared_digest(infos: list[zipfile.ZipInfo]) -> str:
    digest = hashlib.sha256()
    for info in sorted(infos, key=lambda info: info.filename):
        if info.filename not in OWN:
            digest.update(f"{info.filename}\0{info.file_size}\0{info.CRC}\0".encode())
    return digest.hexdigest()


def _only_page_fields(xml: bytes) -> bool:
    return all((text or simple).split()[:1] == [b"PAGE"] for text, simple in _FIELD_CODE.findall(xml))


def _info(core: bytes | None) -> tuple[tuple[str, str], ...] | None:
    if core is None:
        return ()
    try:
        root = ElementTree.fromstring(core)
    except ElementTree.ParseError:
        return None
    found = []
    for key, tag in INFO:
        element = root.find(tag)
        text = (element.text or "") if element is not None else ""
        if text != text.strip() or "\n" in text:  # how LibreOffice carries such a value over is not known here
            return None
        if text:
            found.append((key, text))
    return tuple(found)


def read_letter(path: Path) -> Letter | None:
    """The letter at ``path`` as ``join`` needs it, or None when it must be converted alone (not a package we
    read, or something in it that would print differently inside a volume: see the module's docstring)."""
    try:
        with zipfile.ZipFile(path) as package:
            infos = package.infolist()
            names = [info.filename for info in infos]
            if DOCUMENT not in names or len(set(names)) != len(names):
                return None
            document = package.read(DOCUMENT)
            read = package.getinfo(DOCUMENT)
            seen = (read.file_size, read.CRC)
            core = package.read(CORE) if CORE in names else None
            shared = _shared_digest(infos)
            if shared not in _checked:
                _checked[shared] = _shared_parts_allow(package, names)
    except (OSError, zipfile.BadZipFile, RuntimeError, ValueError, EOFError, NotImplementedError):
        return None
    if not _checked[shared]:
        return None
    body = _BODY_OPEN.search(document)
    if body is None or document.count(b"<w:sectPr") != 1 or b"<w:type " in document \
            or _CROSS_DOCUMENT.search(document) or not _only_page_fields(document):
        return None
    end = document.rfind(b"</w:body>")
    sect = document.find(b"<w:sectPr")
    if not body.end() <= sect < end or not document[sect:end].rstrip().endswith(b"</w:sectPr>") \
            or _PARAGRAPH_OPEN.search(document, body.end(), sect) is None \
            or document[body.end():sect].rstrip().endswith(b"</w:tbl>"):  # would need a paragraph added
        return None
    first = _PARAGRAPH_OPEN.search(document, body.end(), sect)
    if not first.group(1) and re.search(rb'<w:br\b[^>]*w:type="page"', document[first.end():
                                        document.find(b"</w:p>", first.end())]):
        return None  # a page break opening the letter: after the section break before it, one page more
    info = _info(core)
    if info is None:
        return None
    return Letter(path, shared, seen, info)


def _shared_parts_allow(package: zipfile.ZipFile, names: list[str]) -> bool:
    """Whether nothing in the parts letters share (headers, footers, styles, settings…) reaches across letters."""
    for name in names:
        if name.startswith("word/") and name.endswith(".xml") and name != DOCUMENT:
            data = package.read(name)
            if _CROSS_DOCUMENT.search(data) or not _only_page_fields(data) or _PAGE_PARITY.search(data):
                return False
    return True


def _numbered_from_one(sect: bytes) -> bytes:
    """The section's page numbering restarts at 1, as a letter's own file numbers its pages (a start it
    sets itself is kept, and so is its number format)."""
    found = _PGNUMTYPE.search(sect)
    if found is None:
        margins = _PGMAR.search(sect)
        at = margins.end() if margins else sect.index(b">") + 1
        return sect[:at] + b'<w:pgNumType w:start="1"/>' + sect[at:]
    if b"w:start=" in found.group(1):
        return sect
    return sect[: found.start()] + b'<w:pgNumType w:start="1"' + found.group(1) + b"/>" + sect[found.end():]


def _in_last_paragraph(content: bytes, sect: bytes) -> bytes:
    """``content`` with ``sect`` ending its last paragraph (in that paragraph's properties): the section ends
    there, and no paragraph is added (an added one could push the letter onto one more page)."""
    if content.endswith(b"</w:p>"):
        opening = None
        for opening in _PARAGRAPH_OPEN.finditer(content):
            pass
        if opening is not None and not opening.group(1) and content.count(b"</w:p>", opening.end()) == 1:
            start = opening.end()
            if content.startswith(b"<w:pPr/>", start):
                return content[:start] + b"<w:pPr>" + sect + b"</w:pPr>" + content[start + len(b"<w:pPr/>"):]
            if content.startswith(b"<w:pPr>", start) or content.startswith(b"<w:pPr ", start):
                close = content.index(b"</w:pPr>", start)
                change = content.find(b"<w:pPrChange", start, close)  # the only child after sectPr
                at = change if change != -1 else close
                return content[:at] + sect + content[at:]
            return content[:start] + b"<w:pPr>" + sect + b"</w:pPr>" + content[start:]
    return content + b"<w:p><w:pPr>" + sect + b"</w:pPr></w:p>"


def _headers(document: bytes) -> list[bytes]:
    """The header and footer references of the document's (last) section, as written."""
    return _HEADER_REFERENCE.findall(document, document.rindex(b"<w:sectPr"))


def letter_body(document: bytes, last: bool, bookmark: int | None = None, same_headers: bool = False) -> bytes:
    """The body's content of one letter of a volume: unless ``last``, its section properties end its last
    paragraph; its page numbering restarts at 1; with ``bookmark``, the bookmark ``dispatchletterNNNNN`` in
    its first paragraph. ``same_headers``: its headers and footers are those of the section before (the same
    references), so its section names none and takes them over, as Word and LibreOffice read a section without
    them; LibreOffice then does not copy them once more (a fifth of its work on a letter, measured here)."""
    start = _BODY_OPEN.search(document, 0, 4096).end()
    end = document.rindex(b"</w:body>")
    sect_at = document.rindex(b"<w:sectPr", start, end)
    content, sect = document[start:sect_at], _numbered_from_one(document[sect_at:end].rstrip())
    if same_headers:
        sect = _HEADER_REFERENCE.sub(b"", sect)
    if bookmark is not None:
        first = _PARAGRAPH_OPEN.search(content)
        mark = (f'<w:bookmarkStart w:id="{BOOKMARK_ID + bookmark}" w:name="{BOOKMARK}{bookmark:05d}"/>'
                f'<w:bookmarkEnd w:id="{BOOKMARK_ID + bookmark}"/>').encode()
        if first.group(1):  # <w:p/>
            content = content[: first.start()] + content[first.start(): first.end() - 2] + b">" + mark + b"</w:p>" \
                + content[first.end():]
        else:
            at = first.end()
            if content.startswith(b"<w:pPr/>", at):
                at += len(b"<w:pPr/>")
            elif content.startswith(b"<w:pPr>", at) or content.startswith(b"<w:pPr ", at):
                at = content.index(b"</w:pPr>", at) + len(b"</w:pPr>")
            content = content[:at] + mark + content[at:]
    if last:
        return content + sect
    return _in_last_paragraph(content, sect)


def _document(letter: Letter) -> bytes:
    """The letter's document, read again; ``OSError`` when its file is no longer what ``read_letter`` read."""
    try:
        with zipfile.ZipFile(letter.path) as package:
            info = package.getinfo(DOCUMENT)
            if (info.file_size, info.CRC) != letter.document:
                raise OSError(f"{letter.path} changed while it was converted")
            return package.read(info)
    except (zipfile.BadZipFile, KeyError, RuntimeError, ValueError, EOFError, NotImplementedError) as exc:
        raise OSError(str(exc)) from None


def join(letters: list[Letter], target: Path) -> None:
    """Write the volume of ``letters`` (all with the same ``shared``) to ``target``: the first letter's package
    with every letter's body, each a section of its own with its bookmark. ``OSError`` when a letter's file is no
    longer what ``read_letter`` read (its letters are then converted alone, from the files as they are)."""
    first = _document(letters[0])
    body = [first[: _BODY_OPEN.search(first).end()]]
    headers = _headers(first)
    for n, letter in enumerate(letters):
        document = first if n == 0 else _document(letter)
        body.append(letter_body(document, last=n == len(letters) - 1, bookmark=n,
                                same_headers=n > 0 and _headers(document) == headers))
    body.append(b"</w:body></w:document>")
    try:
        with zipfile.ZipFile(letters[0].path) as source:
            infos = source.infolist()
            if _shared_digest(infos) != letters[0].shared:
                raise OSError(f"{letters[0].path} changed while it was converted")
            with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
                for info in infos:
                    package.writestr(info.filename, b"".join(body) if info.filename == DOCUMENT else source.read(info))
    except (zipfile.BadZipFile, RuntimeError, ValueError, EOFError, NotImplementedError) as exc:
        raise OSError(str(exc)) from None


def split(data: bytes, letters: list[Letter], dates: list[str | None]) -> list[bytes] | None:
    """The volume's PDF (``data``) cut into one PDF per letter, in order, each dated ``dates[n]`` (its
    ``/CreationDate`` and ``/ModDate``, a PDF date string; None: none) and saved with a content-derived ``/ID``;
    None when the letters' pages cannot be told apart with certainty."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as volume:
        if "/Outlines" in volume.Root:
            return None
        dests = volume.Root.get("/Dests")
        if not isinstance(dests, pikepdf.Dictionary):
            return None
        index = {page.objgen: n for n, page in enumerate(volume.pages)}
        starts = {}
        for name, dest in dests.items():
            found = re.fullmatch(f"/{BOOKMARK}(\\d{{5}})", name)
            if found is None:
                continue
            try:
                starts[int(found.group(1))] = index[dest[0].objgen]
            except (KeyError, IndexError, TypeError, AttributeError, ValueError):
                return None
        if sorted(starts) != list(range(len(letters))):
            return None
        bounds = [starts[n] for n in range(len(letters))] + [len(volume.pages)]
        if bounds[0] != 0 or any(a >= b for a, b in zip(bounds, bounds[1:])):
            return None
        catalog = {key: volume.Root[key] for key in ("/Lang", "/ViewerPreferences") if key in volume.Root}
        made_by = {key: volume.docinfo[key] for key in ("/Creator", "/Producer") if key in volume.docinfo}
        made = []
        for n, letter in enumerate(letters):
            with pikepdf.new() as out:
                out.pages.extend(volume.pages[bounds[n]: bounds[n + 1]])
                for key, value in catalog.items():
                    out.Root[key] = out.copy_foreign(value) if value.is_indirect else _direct_copy(value)
                out.Root["/OpenAction"] = pikepdf.Array([out.pages[0].obj, pikepdf.Name.XYZ, None, None, 0])
                info = {**made_by, **dict(letter.info)}
                if dates[n] is not None:
                    info["/CreationDate"] = info["/ModDate"] = dates[n]
                for key, value in info.items():
                    out.docinfo[key] = value
                buf = io.BytesIO()
                out.save(buf, deterministic_id=True, min_version=volume.pdf_version)
                made.append(buf.getvalue())
        return made


def _direct_copy(value):
    import pikepdf

    if isinstance(value, pikepdf.Dictionary):
        return pikepdf.Dictionary({key: _direct_copy(item) for key, item in value.items()})
    if isinstance(value, pikepdf.Array):
        return pikepdf.Array([_direct_copy(item) for item in value])
    return value
