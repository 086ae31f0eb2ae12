"""The print file of a bulk run: every letter from a new page, each with its own page numbering, streamed
into a zip as the letters arrive, in volumes a word processor opens quickly.

- ``Combined``: one file, any number of letters (linear time, memory of one letter).
- ``PrintVolumes``: the letters in print order, ``VOLUME_LETTERS`` to a file. One volume is ``tat-ca.docx``;
  several are ``tat-ca-001.docx``, ``tat-ca-002.docx``… (they sort in print order), with an index,
  ``tat-ca-muc-luc.csv`` (file, letters, first and last commune). One file of every letter did not scale:
  LibreOffice took 8 s to convert 500 letters, 25-30 s for 1,000, 122-138 s for 2,000 and nothing after
  15 minutes for 20,000; the size of a volume is measured (docs/pdf.md, "Tệp in").
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from generator.bulk.campaign import Campaign
from generator.render.docx import compiled_template
from generator.render.engine import Properties
from generator.write.docx_zip import FIXED_TIME
from generator.write.output import csv_cell, staging_file

PRINT_FILE = "tat-ca.docx"  # the print file when it is one volume
PRINT_PDF = "tat-ca.pdf"  # every letter's PDF joined (``--pdf``), one file at any size
PRINT_INDEX = "tat-ca-muc-luc.csv"  # which letters each volume holds, when there are several
VOLUME_LETTERS = 200
"""Letters in one volume. Measured on this 2-core machine (docs/pdf.md): LibreOffice converts a volume of 200
letters in about 3 s when the machine is quiet (500 letters: 8 s), so a volume stays under 10 s with room for
a machine busy with other work; Word opens one in a few seconds."""


def is_print_file(name: str) -> bool:
    """Whether ``name`` is one of the print file's volumes (``tat-ca.docx``, ``tat-ca-001.docx``…)."""
    return name == PRINT_FILE or re.fullmatch(r"tat-ca-\d{3,}\.docx", name) is not None


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
        self._closed = False

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
        if self._closed:
            raise ValueError("a finished print volume takes no more letters")
        if self._zip is None:
            self._open(document)
        if self._first is None:
            self._first = path  # the first letter on disk: its rendered headers and footers serve all
        if self._held is not None:
            self._stream.write(_letter_body(self._held, last=False))
        self._held = document

    @property
    def wants_first(self) -> bool:
        """Whether ``add`` still looks for the first letter on disk (its path is then needed)."""
        return self._first is None

    def close(self) -> bool:
        """Finish the file (once: a second call changes nothing); False when there was no letter. A finished
        volume lets go of its zip, its parts and its held letter (a run keeps its volumes to the end)."""
        if self._closed:
            return True
        if self._zip is None:
            return False
        self._closed = True
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
        self._zip = self._stream = self._held = self._parts = self._names = None
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


@dataclass
class Volume:
    file: Combined
    letters: int = 0
    first: str = ""  # the communes of its first and last letters
    last: str = ""
    name: str = ""  # its file name, given when the run knows how many volumes there are


class PrintVolumes:
    """The print file in volumes of ``size`` letters (``VOLUME_LETTERS`` unless given), each a ``Combined``
    staged in ``folder`` and named by ``close``; letters are added in print order."""

    def __init__(self, folder: Path, campaign: Campaign, template_path: Path, expected: int, size: int | None = None):
        self.folder, self.campaign, self.template_path = folder, campaign, template_path
        self.size = size or VOLUME_LETTERS
        self.single = expected <= self.size  # staged under the name it will most likely get (messages name it)
        self.volumes: list[Volume] = []

    def add(self, document: bytes, file: str | None, commune: str) -> None:
        """Append one letter (its document.xml; ``file``: its file's name in ``folder``, None when not written)
        of ``commune``. Its path is made only for a volume's first letter on disk, the one ``Combined`` reads:
        a path per letter kept every file name in the interpreter's table of interned strings."""
        if not self.volumes or self.volumes[-1].letters == self.size:
            if self.volumes:  # the volume before is full: finished now, its compressor and held letter let go
                self.volumes[-1].file.close()
            staged = staging_file(self.folder, PRINT_FILE if self.single else f"tat-ca-{len(self.volumes) + 1:03d}.docx")
            self.volumes.append(Volume(Combined(staged, self.campaign, self.template_path), first=commune))
        volume = self.volumes[-1]
        volume.file.add(document, self.folder / file if file is not None and volume.file.wants_first else None)
        volume.letters += 1
        volume.last = commune

    def close(self) -> list[Volume]:
        """Finish the last volume (the others were finished as the next began: a volume holds a compressor
        and a letter while open, which for a province's few hundred volumes grew the run's memory with its
        size) and name each: ``tat-ca.docx`` alone, else ``tat-ca-001.docx``… (at least three digits, so
        that they sort in print order)."""
        width = max(3, len(str(len(self.volumes))))
        for number, volume in enumerate(self.volumes, start=1):
            volume.file.close()
            volume.name = PRINT_FILE if len(self.volumes) == 1 else f"tat-ca-{number:0{width}d}.docx"
        return self.volumes

    def abandon(self) -> None:
        for volume in self.volumes:
            volume.file.abandon()

    def index(self) -> bytes:
        """``tat-ca-muc-luc.csv``: each volume's file, its number of letters, its first and last commune
        (UTF-8 with a BOM, as Excel reads it; every cell through ``csv_cell``)."""
        rows = [("tep", "so_thu", "xa_dau", "xa_cuoi")]
        rows += [(v.name, v.letters, v.first, v.last) for v in self.volumes]
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows([[csv_cell(c) for c in row] for row in rows])
        return buf.getvalue().encode("utf-8-sig")
