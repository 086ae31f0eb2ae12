"""Same input, same bytes: write a DOCX zip deterministically, fast.

python-docx stamps every zip entry with the current time. Word itself writes
1980-01-01; so do we, with ``[Content_Types].xml`` first, the other entries
sorted, one compression level and fixed file attributes.

Python's ``zipfile`` cannot take data that is already compressed, and in a bulk run
most parts of every letter (styles, theme, settings, …) are the template's own
bytes: deflating them again for each letter took 40 % of the time of a letter. So
the archive is written here (the plain PKZIP format: local headers, data, central
directory), and the deflated form of an unchanged part is computed once.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from functools import lru_cache

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_DOS_TIME, _DOS_DATE = 0, (0 << 9) | (1 << 5) | 1  # 00:00:00, 1980-01-01
_VERSION = 20  # deflate
LEVEL = 6  # parts deflated once (the template's): the smallest output
FAST_LEVEL = 1  # parts deflated for every letter: twice as fast, a few percent larger


@lru_cache(maxsize=256)
def _deflate_cached(data: bytes) -> tuple[int, bytes]:
    return _deflate(data, LEVEL)


def _deflate(data: bytes, level: int) -> tuple[int, bytes]:
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    return zlib.crc32(data), packer.compress(data) + packer.flush()


def write_zip(parts: dict[str, bytes], constant: frozenset[str] | None = None) -> bytes:
    """A DOCX archive of ``parts``.

    ``constant`` names the parts that are the same in every letter: their deflated bytes
    are computed once and reused; the others are deflated quickly. Without ``constant``
    (one document re-zipped) every part gets the smallest form.
    """
    out = io.BytesIO()
    directory = []
    for name in sorted(parts, key=lambda n: (n != "[Content_Types].xml", n)):
        data = parts[name]
        if constant is None:
            crc, packed = _deflate(data, LEVEL)
        elif name in constant:
            crc, packed = _deflate_cached(data)
        else:
            crc, packed = _deflate(data, FAST_LEVEL)
        encoded = name.encode("utf-8")
        offset = out.tell()
        out.write(struct.pack("<4s5H3I2H", b"PK\x03\x04", _VERSION, 0, zipfile.ZIP_DEFLATED,
                              _DOS_TIME, _DOS_DATE, crc, len(packed), len(data), len(encoded), 0))
        out.write(encoded)
        out.write(packed)
        directory.append(struct.pack("<4s4H2H3I5H2I", b"PK\x01\x02", _VERSION, _VERSION, 0, zipfile.ZIP_DEFLATED,
                                     _DOS_TIME, _DOS_DATE, crc, len(packed), len(data), len(encoded), 0, 0, 0, 0,
                                     0, offset) + encoded)
    start = out.tell()
    for entry in directory:
        out.write(entry)
    size = out.tell() - start
    out.write(struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(directory), len(directory), size, start, 0))
    return out.getvalue()


def normalize(docx_bytes: bytes) -> bytes:
    """Re-zip a DOCX made by another writer (python-docx) the same way."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as source:
        return write_zip({name: source.read(name) for name in source.namelist()})
