"""Opening a .docx a user named, for ``dispatch text``/``diff``: the guard first, then python-docx."""
from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

from docx import Document
from lxml import etree

from generator.exceptions import InputError, Problem
from generator.load.yaml_source import read_input
from generator.ooxml import guard as docx_guard
from generator.ooxml.guard import DocxReadError, check_docx

def open_docx(data: bytes, shown: str):
    """A python-docx Document from bytes, or an InputError saying in Vietnamese what is wrong.

    The bytes pass ``docx_guard`` first (zip bomb, DTD/XXE, not a zip, no document part);
    whatever python-docx still cannot make of them is a broken file, not a bug of ours.
    """
    try:
        check_docx(data)
    except DocxReadError as err:
        raise InputError(Problem(str(err), shown)) from None
    try:
        return Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for a hostile or broken package
        reason = "tệp nén hỏng" if isinstance(exc, (zipfile.BadZipFile, zlib.error, EOFError)) else (
            "nội dung XML hỏng" if isinstance(exc, etree.XMLSyntaxError) else "không phải tài liệu Word"
        )
        raise InputError(Problem(f"không đọc được tệp .docx ({reason})", shown)) from None


def read_bytes(path: Path, shown: str) -> bytes:
    return read_input(path, docx_guard.MAX_FILE_BYTES, shown)  # nothing bigger than a .docx may be
