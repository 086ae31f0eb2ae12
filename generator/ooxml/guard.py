"""One check for every .docx that comes from outside, before anything unpacks or parses it.

``dispatch lint`` (``ooxml/read.py``), ``dispatch text`` and ``dispatch diff`` (``review/extract.py``,
through python-docx) and a Word template given with ``mau:`` all read files someone else
made. A .docx is a zip of XML parts, so a hostile one can be:

- a zip bomb: a few kilobytes that unpack to gigabytes (limits on the file, the number of
  parts, their unpacked size and each part's compression ratio, all read from the zip's
  directory before a byte is unpacked; Python's zipfile never unpacks more than the size
  the directory declares, and checks the CRC, so these numbers cannot lie). The limits
  are set from what ``dispatch`` itself writes (see the constants), so ``text``, ``diff``
  and ``lint`` accept every file ``build`` makes;
- XML with a document type declaration: external entities (XXE, ``<!ENTITY x SYSTEM
  "file:///etc/passwd">``) that would copy a file of this machine into the text, or
  entity expansion bombs. The OOXML package format forbids DTDs in its parts (ECMA-376
  Part 2, §8.1.4 and M1.17), so any part with one is refused outright; the parsers behind
  this guard also run with ``resolve_entities=False`` and no network;
- not a zip at all, an old binary .doc or a password-protected file (an OLE compound file),
  a zip cut short by an interrupted copy, or a zip without a Word document in it.

Each is a ``DocxReadError`` with a Vietnamese message; the callers add the file name and
turn it into exit code 2 (3 for a template).
"""
from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from generator.load.yaml_source import NOT_REGULAR, special_file
from generator.ooxml.ns import OFFICE_DOC, PKG_REL_NS, STRICT_OFFICE_DOC
from generator.exceptions import FILE_NOT_FOUND, DocxReadError, cannot_read, is_a_directory, too_large

# The limits fit every file ``dispatch`` writes, measured (docs/hostile-input.md): a letter's
# document.xml is ~25 KB; tat-ca.docx of 5,000 letters holds a 125 MB document.xml packed 21:1
# (10,000 letters: ~250 MB); tong-hop.docx of 650 communes 5 MB at 84:1, its annex rows alone
# 109:1 and, when every commune has the same marks, 126:1 (138:1 at deflate level 9).
# A zip bomb packs ~1,000:1 (deflate's ceiling is 1,032:1): 1 GB of zeros is a 1 MB file.
# Reading costs memory: lxml holds a part in ~14 bytes per byte of XML (125 MB -> 1.8 GB).
MAX_FILE_BYTES = 100 * 1024 * 1024  # the .docx itself
MAX_ENTRIES = 5000  # parts in the zip (a long report with many images has a few hundred)
MAX_TOTAL_BYTES = 512 * 1024 * 1024  # all parts, unpacked
MAX_PART_BYTES = 400 * 1024 * 1024  # one part, unpacked: a 10,000-letter tat-ca.docx with room to spare
MAX_RATIO = 250  # unpacked/packed, for parts of RATIO_FROM or more: ours reach 138, a bomb ~1,000
RATIO_FROM = 1024 * 1024  # below this a high ratio is harmless (an empty page, a blank image)
LARGE_PART = 128 * 1024 * 1024  # above this a part must also pack no better than LARGE_RATIO to 1,
LARGE_RATIO = 50  # so that what it costs to read is paid for in bytes sent (ours: 21)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, and a .docx with a password
_ZIP_MAGIC = b"PK\x03\x04"
_OFFICE_DOCUMENT = (OFFICE_DOC, STRICT_OFFICE_DOC)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def _xml_part(name: str) -> bool:
    return name.endswith((".xml", ".rels", ".vml")) or name == "[Content_Types].xml"


_DTD_MARKS = tuple(mark.encode(enc) for mark in ("<!DOCTYPE", "<!ENTITY") for enc in ("utf-8", "utf-16-le", "utf-16-be"))


def _prolog_has_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether the part declares a document type; reads only up to its root element.

    A DTD that libxml2 itself refuses (an entity bomb) is still a DTD: the bytes read so far say so.
    """
    parser = etree.XMLPullParser(events=("start",), resolve_entities=False, no_network=True, load_dtd=False,
                                 huge_tree=False)
    seen = b""
    with zf.open(info) as stream:
        while True:
            chunk = stream.read(16 * 1024)
            if len(seen) < 64 * 1024:  # a DTD comes first in a part
                seen += chunk
            try:
                if not chunk:
                    parser.close()
                    return False
                parser.feed(chunk)
                for _event, element in parser.read_events():
                    return bool(element.getroottree().docinfo.doctype)
            except etree.XMLSyntaxError:
                if any(mark in seen for mark in _DTD_MARKS):
                    return True
                raise


def main_part(zf: zipfile.ZipFile) -> str:
    """The name of the main document part (``word/document.xml`` in every file Word writes)."""
    try:
        root = etree.fromstring(zf.read("_rels/.rels"), etree.XMLParser(resolve_entities=False, no_network=True))
    except (KeyError, etree.XMLSyntaxError):
        return "word/document.xml"
    for rel in root.findall(f"{{{PKG_REL_NS}}}Relationship"):
        if rel.get("Type") in _OFFICE_DOCUMENT and rel.get("TargetMode") != "External":
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(target)
    return "word/document.xml"


def check_docx(source: Path | bytes) -> None:
    """Raise ``DocxReadError`` unless ``source`` (a path or the file's bytes) is safe to open as a .docx."""
    if isinstance(source, (bytes, bytearray)):
        size, head = len(source), bytes(source[:8])
    else:
        try:
            info = source.stat()
            if special_file(info.st_mode):  # a FIFO would hang open() below
                raise DocxReadError(NOT_REGULAR)
            size = info.st_size
            with open(source, "rb") as handle:
                head = handle.read(8)
        except FileNotFoundError:
            raise DocxReadError(FILE_NOT_FOUND) from None
        except IsADirectoryError:
            raise DocxReadError(is_a_directory("tệp .docx")) from None
        except OSError as exc:
            raise DocxReadError(cannot_read(exc)) from None
    if size > MAX_FILE_BYTES:
        raise DocxReadError(too_large(MAX_FILE_BYTES, size))
    if head.startswith(_OLE_MAGIC):
        raise DocxReadError("đây là tệp Word cũ (.doc) hoặc tệp .docx có đặt mật khẩu; hãy mở bằng Word, bỏ mật khẩu "
                            "nếu có, rồi lưu lại dạng .docx")
    try:
        zf = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        if head.startswith(_ZIP_MAGIC):
            raise DocxReadError("tệp .docx bị cắt cụt hoặc hỏng (không đọc được mục lục của tệp nén, thường do chép "
                                "hoặc tải về chưa xong); hãy lấy lại tệp từ nguồn") from None
        raise DocxReadError("không phải tệp Word .docx (tệp .doc cũ hãy mở bằng Word rồi lưu lại dạng .docx)") from None
    with zf:
        _check_zip(zf)


def check_spreadsheet(path: Path) -> None:
    """The same limits for an Excel .xlsx table before openpyxl opens it (it is a zip of XML too)."""
    try:
        info = path.stat()
        if special_file(info.st_mode):
            raise DocxReadError(NOT_REGULAR)
        size = info.st_size
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise DocxReadError(cannot_read(exc)) from None
    if size > MAX_FILE_BYTES:
        raise DocxReadError(too_large(MAX_FILE_BYTES, size))
    if head.startswith(_OLE_MAGIC):
        raise DocxReadError("đây là tệp Excel cũ (.xls) hoặc có đặt mật khẩu; hãy mở bằng Excel rồi lưu lại dạng .xlsx")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise DocxReadError("tệp Excel hỏng hoặc chưa lưu xong (không phải tệp .xlsx đọc được)") from None
    with zf:
        _check_zip(zf, main="xl/workbook.xml")


def _check_zip(zf: zipfile.ZipFile, main: str | None = None) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise DocxReadError(f"tệp nén có quá nhiều phần ({len(infos)}; tối đa {MAX_ENTRIES})")
    names = set()
    total = 0
    for info in infos:
        if info.filename in names:
            raise DocxReadError(f"tệp nén có hai phần cùng tên «{info.filename}» (tệp bị sửa bằng công cụ khác Word?)")
        names.add(info.filename)
        if info.flag_bits & 0x1:
            raise DocxReadError(f"phần «{info.filename}» bị mã hoá; hãy mở bằng Word, bỏ mật khẩu rồi lưu lại")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise DocxReadError(f"phần «{info.filename}» nén theo cách Word không dùng; hãy mở bằng Word rồi lưu lại")
        ratio = MAX_RATIO if info.file_size <= LARGE_PART else LARGE_RATIO
        if info.file_size >= RATIO_FROM and info.file_size > ratio * max(info.compress_size, 1):
            raise DocxReadError(f"phần «{info.filename}» nén với tỉ lệ bất thường ({_mb(info.compress_size)} giải nén "
                                f"thành {_mb(info.file_size)}): có thể là «bom nén», không mở")
        if info.file_size > MAX_PART_BYTES:
            raise DocxReadError(too_large(MAX_PART_BYTES, info.file_size, what=f"phần «{info.filename}»",
                                          unpacked=True))
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise DocxReadError(too_large(MAX_TOTAL_BYTES, total, unpacked=True))
    main = main or main_part(zf)
    if main not in names:
        what, suffix = ("bảng tính Excel", ".xlsx") if main.startswith("xl/") else ("văn bản Word", ".docx")
        raise DocxReadError(f"không đọc được tệp {suffix}: tệp không có phần nội dung {what} ({main}); có thể đây là "
                            f"tệp nén khác đổi tên thành {suffix}")
    for info in infos:
        if not _xml_part(info.filename):
            continue
        try:
            has_dtd = _prolog_has_dtd(zf, info)
        except etree.XMLSyntaxError:
            raise DocxReadError(f"phần «{info.filename}» không phải XML hợp lệ; tệp bị hỏng") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise DocxReadError(f"phần «{info.filename}» bị hỏng, không giải nén được ({_zip_fault(exc)})") from None
        if has_dtd:
            raise DocxReadError(f"phần «{info.filename}» có khai báo DOCTYPE/ENTITY, thứ tài liệu Word không bao giờ "
                                "có (tệp có thể được làm ra để đọc trộm tệp trên máy); không mở")


def _zip_fault(exc: Exception) -> str:
    text = str(exc)
    if "CRC" in text:
        return "sai mã kiểm tra CRC"
    return "dữ liệu nén hỏng hoặc bị cắt cụt"
