"""Same input, same bytes: re-zip a DOCX deterministically.

python-docx stamps every zip entry with the current time. Word itself writes
1980-01-01; so do we, with ``[Content_Types].xml`` first, the other entries
sorted, one compression level and fixed file attributes.
"""
from __future__ import annotations

import io
import zipfile

FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def normalize(docx_bytes: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(docx_bytes))
    names = sorted(source.namelist(), key=lambda n: (n != "[Content_Types].xml", n))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, source.read(name), compresslevel=6)
    return out.getvalue()
