"""Read ANY .docx for checking: paragraphs in reading order, with their effective formatting.

``dispatch lint`` must judge files it did not make (a letter a clerk edited in Word,
one from another office), so nothing here relies on our style ids. Formatting is
resolved the way Word resolves it (ECMA-376 Part 1, §17.7.2-17.7.3):

- run properties: direct run formatting -> character style (and its ``basedOn``
  chain) -> paragraph style chain -> table style chain -> ``docDefaults``;
- bold, italic, caps and hidden (``w:vanish``) are *toggle* properties: direct
  formatting is absolute, and each style level (table, paragraph, character) that
  turns one on flips it;
- a theme font (``asciiTheme`` …) wins over the font name written beside it and is
  looked up in the theme part; it counts as Times New Roman only when the theme's
  font is Times New Roman;
- paragraph properties: direct -> paragraph style chain -> table style -> defaults.

``read_runs`` (a paragraph's runs, text and fields) and ``Styles.run_format`` are also
what ``review/extract.py`` reads a paragraph with, so ``dispatch text``/``diff`` see the same
text and emphasis as ``dispatch lint``.

Text boxes (DrawingML ``wps:txbx``, VML ``v:textbox``; of ``mc:AlternateContent`` only the
Choice) are read as paragraphs of kind ``textbox`` right after the paragraph they are
anchored in (``text_boxes``).

Only the standard library and lxml are used: the file is read as the zip it is. What it
gives is ``model.py``'s ``Document``; the style resolution is ``styles.py``'s.
"""
from __future__ import annotations

import posixpath
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from generator.exceptions import FILE_NOT_FOUND, DocxReadError, is_a_directory, too_large
from generator.ooxml import guard as docx_guard

from generator.ooxml.model import Cell, Document, Field, Para, Run, Section
from generator.ooxml.ns import EMU_PER_PT, MC_NS, PKG_REL_NS, R_NS, TWIPS_PER_PT, V_NS, WP_NS, A_NS, OFFICE_DOC, \
    STRICT_OFFICE_DOC, TWIPS_PER_CM, TWIPS_PER_INCH, TWIPS_PER_MM, PT_PER_CM, PT_PER_MM, w
from generator.ooxml.styles import Styles, _first_attr, _first_on, _on, _ppr_of, _wattr, found_in

DEFAULT_CELL_MARGIN = 108  # twips: Word's default left/right cell padding (0,19 cm)

# The file is not a Word document we can (or dare to) read; the message is Vietnamese.
# Defined with the guard that every untrusted .docx passes first (``docx_guard.py``).
DocxReadError = docx_guard.DocxReadError


# --------------------------------------------------------------------------- reader


MAX_PART_BYTES = docx_guard.MAX_PART_BYTES  # an XML part bigger than this (unpacked) is refused, not read
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_blank_text=False)


def _parse(zf: zipfile.ZipFile, name: str):
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_PART_BYTES:
        raise DocxReadError(too_large(MAX_PART_BYTES, info.file_size, what=f"phần «{name}»", unpacked=True))
    return etree.fromstring(zf.read(info), XML_PARSER)


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    folder, name = posixpath.split(part)
    root = _parse(zf, posixpath.join(folder, "_rels", name + ".rels"))
    out: dict[str, tuple[str, str]] = {}
    if root is None:
        return out
    for rel in root.findall(f"{{{PKG_REL_NS}}}Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id")] = (rel.get("Type", ""), path)
    return out


def read_docx(path: Path | str) -> Document:
    """Read ``path``; raise ``DocxReadError`` (Vietnamese) when it is not a readable Word document."""
    path = Path(path)
    docx_guard.check_docx(path)  # size, zip bomb, DTD/XXE, not a zip, no document part
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise DocxReadError(FILE_NOT_FOUND) from None
    except IsADirectoryError:
        raise DocxReadError(is_a_directory("tệp .docx")) from None
    except (zipfile.BadZipFile, OSError):
        raise DocxReadError(
            "không phải tệp Word .docx đọc được (tệp .doc cũ hãy mở bằng Word và lưu lại dưới dạng .docx)"
        ) from None
    try:
        with zf:
            return _read(zf, str(path))
    except DocxReadError:
        raise
    except (etree.XMLSyntaxError, KeyError, ValueError, zipfile.BadZipFile, OSError, zlib.error, EOFError) as exc:
        raise DocxReadError(f"tệp .docx bị hỏng, không đọc được ({type(exc).__name__})") from None


def _read(zf: zipfile.ZipFile, path: str) -> Document:
    main = None
    for _rid, (rtype, target) in _rels(zf, "").items():
        if rtype in (OFFICE_DOC, STRICT_OFFICE_DOC):
            main = target
    main = main or "word/document.xml"
    root = _parse(zf, main)
    if root is None or root.find(w("body")) is None:
        raise DocxReadError("tệp không có phần nội dung văn bản Word (word/document.xml)")
    rels = _rels(zf, main)
    styles_root = theme_root = None
    for rtype, target in rels.values():
        if rtype.endswith("/styles"):
            styles_root = _parse(zf, target)
        elif rtype.endswith("/theme"):
            theme_root = _parse(zf, target)
    styles = Styles(styles_root, theme_root)
    reader = _Reader(styles)
    body = root.find(w("body"))
    sect_prs = _section_properties(body)
    widths = [_text_width(s) for s in sect_prs]
    paragraphs = reader.read_container(body, main, "body", widths)
    sections = []
    previous: dict[str, dict[str, list[Para]]] = {"header": {}, "footer": {}}
    for i, sp in enumerate(sect_prs):
        parts: dict[str, dict[str, list[Para]]] = {"header": {}, "footer": {}}
        for kind, tag in (("header", "headerReference"), ("footer", "footerReference")):
            for ref in sp.findall(w(tag)):
                rid = ref.get(f"{{{R_NS}}}id")
                htype = _wattr(ref, "type") or "default"
                if rid in rels:
                    target = rels[rid][1]
                    hroot = _parse(zf, target)
                    if hroot is not None:
                        paras = reader.read_container(hroot, posixpath.basename(target), kind, [widths[i]])
                        for p in paras:
                            p.header_type = htype
                        parts[kind][htype] = paras
            for htype, paras in previous[kind].items():  # a section without its own reference inherits
                parts[kind].setdefault(htype, paras)
        previous = parts
        sections.append(_section(i, sp, parts))
    return Document(path, paragraphs, sections, styles)


def body_paragraphs(body, styles: Styles) -> list[Para]:
    """The paragraphs of a body element already parsed (python-docx's, for ``dispatch text``/``diff``),
    as ``read_docx`` gives them, for the classifier ``parts.py``."""
    return _Reader(styles).read_container(body, "document.xml", "body", [None])


def _section_properties(body) -> list:
    out = []
    for p in body.iter(w("p")):
        sp = p.find(f"{w('pPr')}/{w('sectPr')}")
        if sp is not None:
            out.append(sp)
    last = body.find(w("sectPr"))
    out.append(last if last is not None else etree.Element(w("sectPr")))
    return out


def _twips(value) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        m = re.fullmatch(r"([\d.]+)(mm|cm|in|pt|pc|pi)", value)
        if not m:
            return None
        factor = {"mm": TWIPS_PER_MM, "cm": TWIPS_PER_CM, "in": TWIPS_PER_INCH, "pt": TWIPS_PER_PT, "pc": 12 * TWIPS_PER_PT,
                  "pi": 12 * TWIPS_PER_PT}[m.group(2)]
        return float(m.group(1)) * factor


def _text_width(sect_pr) -> float | None:
    size = sect_pr.find(w("pgSz"))
    mar = sect_pr.find(w("pgMar"))
    page_w = _twips(_wattr(size, "w"))
    if page_w is None:
        return None
    left = _twips(_wattr(mar, "left")) or 0
    right = _twips(_wattr(mar, "right")) or 0
    gutter = _twips(_wattr(mar, "gutter")) or 0
    return (page_w - left - right - gutter) / TWIPS_PER_PT


def _section(i: int, sp, parts) -> Section:
    size = sp.find(w("pgSz"))
    mar = sp.find(w("pgMar"))
    margins = {}
    for side in ("top", "bottom", "left", "right", "gutter", "header", "footer"):
        v = _twips(_wattr(mar, side))
        if v is not None:
            margins[side] = abs(v)
    return Section(
        index=i,
        sect_pr=sp,
        page_w=_twips(_wattr(size, "w")),
        page_h=_twips(_wattr(size, "h")),
        orient=_wattr(size, "orient"),
        margins=margins,
        title_pg=bool(_on(sp.find(w("titlePg")))),
        headers=parts["header"],
        footers=parts["footer"],
    )


_SKIP_ANCESTORS = {w("del"), w("moveFrom"), f"{{{MC_NS}}}Fallback"}


class _Reader:
    def __init__(self, styles: Styles):
        self.styles = styles
        self.table_count = 0

    # ---- containers

    def read_container(self, root, part: str, kind: str, widths: list[float | None]) -> list[Para]:
        out: list[Para] = []
        self._section = 0
        self._widths = widths
        self._walk(root, part, kind, None, None, out)
        return out

    def _walk(self, el, part, kind, cell: Cell | None, tbl_style: str | None, out: list[Para]) -> None:
        for child in el:
            tag = child.tag
            if tag == w("p"):
                self._paragraph(child, part, kind, cell, tbl_style, out)
                if child.find(f"{w('pPr')}/{w('sectPr')}") is not None:
                    self._section += 1
            elif tag == w("tbl"):
                self._table(child, part, kind, out)
            elif tag in (w("sdt"), w("customXml"), w("sdtContent"), w("body"), w("hdr"), w("ftr"), w("txbxContent")):
                self._walk(child, part, kind, cell, tbl_style, out)

    def _table(self, tbl, part, kind, out) -> None:
        index = self.table_count
        self.table_count += 1
        tbl_pr = tbl.find(w("tblPr"))
        tbl_style = _wattr(tbl_pr.find(w("tblStyle")) if tbl_pr is not None else None, "val")
        grid = [(_twips(_wattr(g, "w")) or 0) for g in tbl.findall(f"{w('tblGrid')}/{w('gridCol')}")]
        for r, tr in enumerate(tbl.findall(w("tr"))):
            tr_pr = tr.find(w("trPr"))
            col = int(_wattr(tr_pr.find(w("gridBefore")) if tr_pr is not None else None, "val") or 0)
            for tc in tr.findall(w("tc")):
                tc_pr = tc.find(w("tcPr"))
                span = int(_wattr(tc_pr.find(w("gridSpan")) if tc_pr is not None else None, "val") or 1)
                width = self._cell_width(tbl, tbl_style, tc_pr, grid, col, span)
                cell = Cell(index, r, col, span, width, tc, tbl)
                self._walk(tc, part, kind, cell, tbl_style, out)
                col += span

    def _cell_width(self, tbl, tbl_style, tc_pr, grid, col, span) -> float | None:
        width = None
        tcw = tc_pr.find(w("tcW")) if tc_pr is not None else None
        if tcw is not None and (_wattr(tcw, "type") in (None, "dxa")):
            width = _twips(_wattr(tcw, "w"))
        if not width and grid[col : col + span]:
            width = sum(grid[col : col + span])
        if not width:
            return None
        padding = 0.0
        for side, alt in (("left", "start"), ("right", "end")):
            padding += self._cell_margin(tbl, tbl_style, tc_pr, side, alt)
        return (width - padding) / TWIPS_PER_PT

    def _cell_margin(self, tbl, tbl_style, tc_pr, side, alt) -> float:
        candidates = []
        if tc_pr is not None:
            candidates.append(tc_pr.find(w("tcMar")))
        tbl_pr = tbl.find(w("tblPr"))
        if tbl_pr is not None:
            candidates.append(tbl_pr.find(w("tblCellMar")))
        for st in self.styles.chain(tbl_style):
            st_pr = st.find(w("tblPr"))
            if st_pr is not None:
                candidates.append(st_pr.find(w("tblCellMar")))
        for mar in candidates:
            if mar is None:
                continue
            el = mar.find(w(side))
            if el is None:
                el = mar.find(w(alt))
            if el is not None and _wattr(el, "type") in (None, "dxa"):
                return _twips(_wattr(el, "w")) or 0.0
        return DEFAULT_CELL_MARGIN

    # ---- paragraphs

    def _paragraph(self, p, part, kind, cell, tbl_style, out) -> None:
        ppr = p.find(w("pPr"))
        style_id = self.styles.paragraph_style(ppr)
        levels = [ppr] + [_ppr_of(s) for s in self.styles.chain(style_id)]
        levels += [_ppr_of(s) for s in self.styles.chain(tbl_style)] + [self.styles.ppr_default]
        runs, text, fields = read_runs(p, self.styles, style_id, tbl_style)
        width = cell.width_pt if cell is not None else (
            self._widths[min(self._section, len(self._widths) - 1)] if self._widths else None
        )
        para = Para(
            index=len(out),
            el=p,
            part=part,
            kind=kind,
            text=text,
            runs=runs,
            style_id=_wattr(ppr.find(w("pStyle")) if ppr is not None else None, "val"),
            cell=cell,
            section=self._section,
            jc=_jc(_first_attr(levels, "jc", "val") or "left"),
            ind_left=_ind(levels, ("left", "start")),
            ind_right=_ind(levels, ("right", "end")),
            ind_first=_first_line(levels),
            before=_spacing(levels, "before"),
            after=_spacing(levels, "after"),
            line=_twips(_first_attr(levels, "spacing", "line")),
            line_rule=_first_attr(levels, "spacing", "lineRule") or "auto",
            contextual=bool(_first_on(levels, "contextualSpacing")),
            borders=_borders(levels),
            box_width_pt=width,
            drawings=_line_shapes(p),
            fields=fields,
        )
        out.append(para)
        # paragraphs inside text boxes anchored here come right after their anchor
        for box in text_boxes(p):
            self._walk(box, part, "textbox", None, None, out)

W_TXBX = w("txbxContent")


def text_boxes(p) -> list:
    """The text boxes (``w:txbxContent``) anchored in paragraph ``p``, in document order, each once.

    A DrawingML text box (``wps:txbx``), a VML one (``v:textbox``) or both as the Choice and
    Fallback of ``mc:AlternateContent`` (what Word writes): the Fallback copy is not read, nor a
    box inside a tracked deletion, nor a box of a box (it belongs to the paragraph inside the box).
    """
    return [box for box in p.iter(W_TXBX)
            if _closest_p(box) is p and not any(a.tag in _SKIP_ANCESTORS for a in box.iterancestors())]


def shape_hidden(box, p) -> bool:
    """Whether the shape holding text box ``box`` (anchored in ``p``) is hidden, so that it does not print:
    ``wp:docPr hidden="1"`` (DrawingML) or ``visibility:hidden`` in a VML shape's style."""
    for a in box.iterancestors():
        if a is p:
            break
        if a.tag in (f"{{{WP_NS}}}anchor", f"{{{WP_NS}}}inline"):
            doc_pr = a.find(f"{{{WP_NS}}}docPr")
            if doc_pr is not None and doc_pr.get("hidden") in ("1", "true", "on"):
                return True
        elif a.tag.startswith(f"{{{V_NS}}}"):
            if "visibility:hidden" in (a.get("style") or "").replace(" ", "").lower():
                return True
    return False


_P, _R, _T = w("p"), w("r"), w("t")
_FLD_CHAR, _INSTR_TEXT, _FLD_SIMPLE = w("fldChar"), w("instrText"), w("fldSimple")
_TEXT_OF = {_T: None, w("tab"): "\t", w("ptab"): "\t", w("br"): "\n", w("cr"): "\n", w("noBreakHyphen"): "-"}


def _run_place(r, p) -> tuple[str, ...] | None:
    """The instructions of the simple fields around run ``r`` (outermost first), or None when
    ``r`` is not ``p``'s text: in a tracked deletion, a fallback, a text box's own paragraph."""
    simple: list[str] = []
    for a in r.iterancestors():
        tag = a.tag
        if tag == _P:
            return tuple(reversed(simple)) if a is p else None
        if tag in _SKIP_ANCESTORS:
            return None
        if tag == _FLD_SIMPLE:
            simple.append(a.get(w("instr"), ""))
    return None


def read_runs(p, styles: Styles, style_id: str | None, tbl_style: str | None = None
              ) -> tuple[list[Run], str, list[Field]]:
    """The runs of paragraph ``p`` with their text and effective formatting, its text, and its fields.

    What a reader sees: tracked deletions (``w:del``, ``w:moveFrom``), the fallback of
    alternate content and the paragraphs of text boxes anchored here are not ``p``'s text;
    a field shows its result, never its instruction (nor fields nested in the instruction).
    A run's text is split where it enters or leaves a field's result, so that each
    ``Run.fields`` holds for all of its text. Text is NFC-normalised.
    """
    runs: list[Run] = []
    fields: list[Field] = []
    pos = 0
    # open fields, outermost first: [own instruction parts, showing its result, format at its begin]
    stack: list[list] = []
    outer_instr: list[str] = []  # the outermost field's instruction, nested fields' instructions included
    hidden = any(a.tag in _SKIP_ANCESTORS for a in p.iterancestors())
    for r in p.iter(_R):
        simple_instrs = None if hidden else _run_place(r, p)
        if simple_instrs is None:
            continue
        fmt = styles.run_format(r, style_id, tbl_style)
        simple = r.getparent()
        if simple.tag == _FLD_SIMPLE and r is simple.find(_R):
            fields.append(Field(simple.get(w("instr"), ""), fmt))
        chunks: list[tuple[list[str], tuple[str, ...]]] = []  # text split where the fields around it change
        chunk: list[str] = []
        for child in r:
            tag = child.tag
            if tag == _FLD_CHAR:
                if chunk:
                    chunks.append((chunk, simple_instrs + tuple("".join(level[0]) for level in stack)))
                    chunk = []
                kind = _wattr(child, "fldCharType")
                if kind == "begin":
                    if not stack:
                        outer_instr = []
                    stack.append([[], False, fmt])
                elif kind == "separate" and stack:
                    if len(stack) == 1 and not stack[0][1]:
                        fields.append(Field("".join(outer_instr), stack[0][2]))
                    stack[-1][1] = True
                elif kind == "end" and stack:
                    level = stack.pop()
                    if not stack and not level[1]:
                        fields.append(Field("".join(outer_instr), level[2]))
            elif tag == _INSTR_TEXT:
                if stack and not stack[0][1]:
                    outer_instr.append(child.text or "")
                if stack and not stack[-1][1]:
                    stack[-1][0].append(child.text or "")
            elif tag in _TEXT_OF and all(level[1] for level in stack):
                chunk.append((child.text or "") if tag == _T else _TEXT_OF[tag])
        if chunk:
            chunks.append((chunk, simple_instrs + tuple("".join(level[0]) for level in stack)))
        for parts, instrs in chunks:
            text = unicodedata.normalize("NFC", "".join(parts))
            if text:
                runs.append(Run(text, pos, pos + len(text), fmt, r, instrs))
                pos += len(text)
    for simple in p.iter(_FLD_SIMPLE):
        if simple.find(_R) is None and _closest_p(simple) is p:
            fields.append(Field(simple.get(w("instr"), ""), None))
    return runs, "".join(run.text for run in runs), fields


def _closest_p(el):
    for a in el.iterancestors():
        if a.tag == w("p"):
            return a
    return None


def _jc(value: str) -> str:
    return {"start": "left", "end": "right", "both": "justify", "distribute": "justify", "lowKashida": "justify",
            "mediumKashida": "justify", "highKashida": "justify", "thaiDistribute": "justify"}.get(value, value)


def _ind(levels, names) -> float:
    for el in found_in(levels, "ind"):
        for name in names:
            if _wattr(el, name) is not None:
                return _twips(_wattr(el, name)) or 0.0
    return 0.0


def _first_line(levels) -> float:
    for el in found_in(levels, "ind"):
        if _wattr(el, "hanging") is not None:
            return -(_twips(_wattr(el, "hanging")) or 0.0)
        if _wattr(el, "firstLine") is not None:
            return _twips(_wattr(el, "firstLine")) or 0.0
    return 0.0


def _spacing(levels, side: str) -> float:
    for el in found_in(levels, "spacing"):
        if _on_attr(el, f"{side}Autospacing"):
            return 280.0  # Word's "auto" spacing is 14 pt
        if _wattr(el, side) is not None:
            return _twips(_wattr(el, side)) or 0.0
    return 0.0


def _on_attr(el, name) -> bool:
    return _wattr(el, name) in ("1", "true", "on")


def _borders(levels) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for level in reversed(levels):  # nearer levels override farther ones, side by side
        if level is None:
            continue
        bdr = level.find(w("pBdr"))
        if bdr is None:
            continue
        for side in bdr:
            name = etree.QName(side).localname
            out[name] = {k.split("}")[-1]: v for k, v in side.attrib.items()}
    return {k: v for k, v in out.items() if v.get("val") not in (None, "nil", "none")}


_LENGTH = re.compile(r"(-?[\d.]+)\s*(pt|in|cm|mm|px|emu)?")


def _vml_length(value: str | None) -> float | None:
    if not value:
        return None
    m = _LENGTH.fullmatch(value.strip())
    if not m:
        return None
    factor = {"pt": 1, "in": 72, "cm": PT_PER_CM, "mm": PT_PER_MM, "px": 0.75, "emu": 1 / EMU_PER_PT, None: 1}[m.group(2)]
    return float(m.group(1)) * factor


def _line_shapes(p) -> list[float]:
    """Lengths (pt) of the horizontal line-like shapes anchored in ``p`` (DrawingML or VML)."""
    out: list[float] = []
    for container in list(p.iter(f"{{{WP_NS}}}anchor")) + list(p.iter(f"{{{WP_NS}}}inline")):
        if any(a.tag in _SKIP_ANCESTORS for a in container.iterancestors()):
            continue
        extent = container.find(f"{{{WP_NS}}}extent")
        if extent is None:
            continue
        cx, cy = int(extent.get("cx", "0")), int(extent.get("cy", "0"))
        geoms = [g.get("prst") for g in container.iter(f"{{{A_NS}}}prstGeom")]
        is_line = any(g in ("line", "straightConnector1") for g in geoms) or (cy <= 3 * EMU_PER_PT and cx > 0)
        has_text = any(True for _ in container.iter(w("txbxContent")))
        if is_line and not has_text and cx > 0:
            out.append(cx / EMU_PER_PT)
    for line in p.iter(f"{{{V_NS}}}line"):
        if any(a.tag in _SKIP_ANCESTORS for a in line.iterancestors()):
            continue
        a = [_vml_length(v) for v in (line.get("from") or "0,0").split(",")]
        b = [_vml_length(v) for v in (line.get("to") or "0,0").split(",")]
        if len(a) == 2 and len(b) == 2 and None not in a + b and abs(b[1] - a[1]) < 3:
            out.append(abs(b[0] - a[0]))
    for tag in ("shape", "rect"):
        for shape in p.iter(f"{{{V_NS}}}{tag}"):
            if any(a.tag in _SKIP_ANCESTORS for a in shape.iterancestors()):
                continue
            if shape.find(f".//{{{V_NS}}}textbox") is not None:
                continue
            style = dict(
                part.split(":", 1) for part in (shape.get("style") or "").split(";") if ":" in part
            )
            width = _vml_length(style.get("width", "").strip())
            height = _vml_length(style.get("height", "0").strip()) or 0
            if width and height <= 3:
                out.append(width)
    return out
