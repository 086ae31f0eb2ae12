"""What ``read_docx`` gives: a .docx as paragraphs in reading order with their resolved formatting.

``Document`` (body paragraphs, sections with their headers and footers, the ``Styles``),
``Para`` (text, runs, cell, indents and spacing in twips, borders, line shapes, fields),
``Run`` (a stretch of text with one ``Fmt``), ``Cell``, ``Field``, ``Section``. Built by
``ooxml/read.py``; judged by ``lint/``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from generator.ooxml.ns import TWIPS_PER_PT
from generator.ooxml.styles import Fmt, Styles


@dataclass
class Run:
    text: str
    start: int
    end: int
    fmt: Fmt
    r: etree._Element | None = field(default=None, repr=False, compare=False)  # the w:r the text is in
    # instructions of the fields whose displayed result this text is, outermost first ("PAGE", …)
    fields: tuple[str, ...] = ()


@dataclass
class Cell:
    table: int  # document-wide index of the table, from 0
    row: int
    col: int  # grid column of the cell's left edge
    span: int
    width_pt: float | None  # content width: cell width less its padding
    tc: etree._Element
    tbl: etree._Element


@dataclass
class Field:
    instr: str
    fmt: Fmt | None


@dataclass
class Para:
    index: int
    el: etree._Element
    part: str
    kind: str  # "body" | "header" | "footer" | "textbox"
    text: str
    runs: list[Run]
    style_id: str | None
    cell: Cell | None
    section: int
    jc: str
    ind_left: float  # twips
    ind_right: float
    ind_first: float  # twips, negative for a hanging indent
    before: float  # twips
    after: float
    line: float | None
    line_rule: str
    contextual: bool
    borders: dict[str, dict]
    box_width_pt: float | None  # where the paragraph's lines run: cell content width or text width
    drawings: list[float] = field(default_factory=list)  # lengths (pt) of line-like shapes anchored here
    fields: list[Field] = field(default_factory=list)
    header_type: str | None = None

    @property
    def room_pt(self) -> float | None:
        """Width (pt) its lines have: the box less the left and right indents (a negative indent widens it)."""
        if self.box_width_pt is None:
            return None
        return self.box_width_pt - (self.ind_left + self.ind_right) / TWIPS_PER_PT

    def runs_in(self, start: int = 0, end: int | None = None) -> list[Run]:
        """Runs with visible text inside ``[start, end)``."""
        end = len(self.text) if end is None else end
        return [r for r in self.runs if r.end > start and r.start < end and self.text[max(r.start, start) : min(r.end, end)].strip()]

    def where(self) -> str:
        if self.kind in ("header", "footer"):
            place = "đầu trang" if self.kind == "header" else "chân trang"
            which = {"first": " trang đầu", "even": " trang chẵn"}.get(self.header_type or "", "")
            return f"{place}{which} ({self.part})"
        if self.cell is not None:
            c = self.cell
            return f"bảng {c.table + 1}, hàng {c.row + 1}, cột {c.col + 1}"
        return f"đoạn {self.index + 1}"


@dataclass
class Section:
    index: int
    sect_pr: etree._Element
    page_w: float | None  # twips
    page_h: float | None
    orient: str | None
    margins: dict[str, float]  # twips: top, bottom, left, right, gutter
    title_pg: bool
    headers: dict[str, list[Para]]  # "default" | "first" | "even" -> paragraphs
    footers: dict[str, list[Para]]

    @property
    def text_width_pt(self) -> float | None:
        if self.page_w is None:
            return None
        m = self.margins
        return (self.page_w - m.get("left", 0) - m.get("right", 0) - m.get("gutter", 0)) / TWIPS_PER_PT


@dataclass
class Document:
    path: str
    paragraphs: list[Para]  # body, in reading order (table cells and text boxes included)
    sections: list[Section]
    styles: Styles

    def all_paragraphs(self) -> list[Para]:
        """Body paragraphs, then every header and footer paragraph (each part once)."""
        out, seen = list(self.paragraphs), set()
        for s in self.sections:
            for group in (s.headers, s.footers):
                for paras in group.values():
                    for p in paras:
                        if (p.part, p.index) not in seen:
                            seen.add((p.part, p.index))
                            out.append(p)
        return out
