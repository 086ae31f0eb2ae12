"""The combined print file of a bulk run (``tat-ca.docx``): every letter from a new page, each with its own
page numbering, streamed into one zip as the letters arrive."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from generator.bulk.campaign import Campaign
from generator.render.docx import compiled_template
from generator.render.engine import Properties
from generator.write.docx_zip import FIXED_TIME

# --- the combined print file -------------------------------------------------------------------

_BODY_OPEN = re.compile(rb"<w:body[^>]*>")
_PGMAR = re.compile(rb"(<w:pgMar[^>]*/>)")
_PARAGRAPH_END = b"</w:pPr></w:p>"


def _own_numbering(sect: bytes) -> bytes:
    """Page numbers of this letter start at 1 (and stay hidden on its first page: titlePg)."""
    sect = re.sub(rb"<w:pgNumType[^>]*/>", b"", sect)
    return _PGMAR.sub(rb'\1<w:pgNumType w:start="1"/>', sect, count=1)


def _letter_body(document: bytes, last: bool) -> bytes:
    """The body's content; unless ``last``, its section properties end its last paragraph."""
    start = _BODY_OPEN.search(document, 0, 4096).end()
    end = document.rindex(b"</w:body>")
    sect_at = document.rindex(b"<w:sectPr", start, end)
    content, sect = document[start:sect_at], _own_numbering(document[sect_at:end])
    if last:
        return content + sect
    if content.endswith(_PARAGRAPH_END):
        return content[: -len(_PARAGRAPH_END)] + sect + _PARAGRAPH_END
    return content + b"<w:p><w:pPr>" + sect + b"</w:pPr></w:p>"


class Combined:
    """``tat-ca.docx``: every letter from a new page, each with its own page numbering.

    All the letters come from one template, so they share styles, headers and footers:
    the template's parts serve for all, and only the bodies are joined, streamed into the
    zip as the letters arrive (linear time, memory of one letter; docxcompose, which
    peers.md measured, drops per-letter sections and is quadratic). One letter is held
    back because the last one keeps its section properties at the end of the body.
    """

    def __init__(self, path: Path, campaign: Campaign, template_path: Path):
        template = compiled_template(template_path)
        self.path = path
        self._parts = dict(template.parts)
        self._parts["docProps/core.xml"] = Properties(
            f"Tất cả thư — {campaign.name}", " ".join(campaign.letter.get("co_quan_ban_hanh") or [])
            if isinstance(campaign.letter.get("co_quan_ban_hanh"), list)
            else str(campaign.letter.get("co_quan_ban_hanh", "")), campaign.date).xml()
        self._names = sorted(self._parts, key=lambda n: (n != "[Content_Types].xml", n))
        self._split = self._names.index("word/document.xml")
        self._held: bytes | None = None
        self._first: Path | None = None
        self._zip = None
        self._stream = None

    def _open(self, document: bytes) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._zip = zipfile.ZipFile(self.path, "w")
        for name in self._names[: self._split]:
            self._zip.writestr(self._info(name), self._parts[name])
        self._stream = self._zip.open(self._info("word/document.xml"), "w")
        self._stream.write(document[: _BODY_OPEN.search(document, 0, 4096).end()])

    @staticmethod
    def _info(name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, FIXED_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info._compresslevel = 1  # a big file made once per run: speed over a few percent of size
        return info

    def add(self, document: bytes, path: Path | None) -> None:
        """Append one letter (its document.xml); ``path`` is its file (None: not written), whose rendered
        footers serve all."""
        if self._zip is None:
            self._open(document)
        if self._first is None:
            self._first = path  # the first letter on disk: its rendered headers and footers serve all
        if self._held is not None:
            self._stream.write(_letter_body(self._held, last=False))
        self._held = document

    def close(self) -> bool:
        """Finish the file; False when there was no letter."""
        if self._zip is None:
            return False
        self._stream.write(_letter_body(self._held, last=True))
        self._stream.write(b"</w:body></w:document>")
        self._stream.close()
        rendered = {}
        if self._first is not None and self._first.exists():
            with zipfile.ZipFile(self._first) as first:
                rendered = {n: first.read(n) for n in first.namelist() if re.match(r"word/(header|footer)", n)}
        for name in self._names[self._split + 1:]:
            self._zip.writestr(self._info(name), rendered.get(name, self._parts[name]))
        self._zip.close()
        return True

    def abandon(self) -> None:
        if self._zip is not None:
            try:
                if self._stream is not None:
                    self._stream.close()
                self._zip.close()
            except Exception:
                pass
        self.path.unlink(missing_ok=True)
