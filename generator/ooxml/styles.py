"""Word's style resolution, once for every reader of a .docx (ECMA-376 Part 1, §17.7.2-17.7.3).

``Styles`` holds a styles part (and the theme fonts) and resolves, lazily and cached:

- ``run_format``: the effective formatting of a run: direct run formatting -> character
  style (and its ``basedOn`` chain) -> paragraph style chain -> table style chain ->
  ``docDefaults``; bold, italic, caps and hidden are *toggle* properties (direct formatting
  is absolute, each style level that turns one on flips it); a theme font (``asciiTheme``
  …) wins over the name written beside it and is looked up in the theme part;
- ``style_format``: the same for a paragraph of a style with no run formatting of its own,
  one lookup per style id (what ``geometry/measure.py`` measures every bulk letter with);
- ``style_indent_twips``: an indent a paragraph style (or one it is based on) sets.

Its users: ``ooxml/read.py`` (``dispatch lint``), ``review/extract.py`` (``dispatch text``,
``diff``) and ``geometry/measure.py`` (the rules, the recipient dashes and the boxes of
every letter built). Only lxml is used.
"""
from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from generator.ooxml.ns import A_NS, w

SUPERSCRIPT_SCALE = 0.6  # a superscript glyph is drawn at about 60 % (LibreOffice 58 %, Word about 2/3)
DEFAULT_SIZE_PT = 10.0  # Word's size when neither the run nor any style nor the defaults give one

_RPR = w("rPr")


def _wattr(el, name: str):
    return None if el is None else el.get(w(name))


def _on(el) -> bool | None:
    """A boolean (toggle) property element: ``<w:b/>`` is on, ``w:val="0|false|off"`` is off."""
    if el is None:
        return None
    return _wattr(el, "val") not in ("0", "false", "off", "none")



@dataclass(frozen=True)
class FontName:
    """A font slot's value: a name, or a theme reference resolved to the theme's font."""

    name: str | None
    theme: str | None = None  # e.g. "minorHAnsi"

    def label(self) -> str:
        if self.theme:
            return f"phông chủ đề {self.theme} ({self.name or 'không rõ'})"
        return self.name or "không khai báo"


@dataclass(frozen=True)
class Fmt:
    """Effective formatting of one run."""

    font_ascii: FontName
    font_hansi: FontName
    size: float | None  # points
    bold: bool
    italic: bool
    caps: bool
    underline: bool
    color: str | None
    vert_align: str | None
    highlight: str | None = None
    hidden: bool = False  # w:vanish: Word neither shows (unless asked) nor prints it

    @property
    def scale(self) -> float:
        return SUPERSCRIPT_SCALE if self.vert_align in ("superscript", "subscript") else 1.0


class Styles:
    """The styles part and the theme fonts, with the inheritance chains resolved lazily."""

    def __init__(self, styles_root, theme_root):
        self.by_id: dict[str, etree._Element] = {}
        self.default_of: dict[str, str] = {}
        self.rpr_default = None
        self.ppr_default = None
        if styles_root is not None:
            for st in styles_root.findall(w("style")):
                sid = st.get(w("styleId"))
                if sid is None:
                    continue
                self.by_id[sid] = st
                if st.get(w("default")) in ("1", "true", "on"):
                    self.default_of.setdefault(st.get(w("type"), "paragraph"), sid)
            defaults = styles_root.find(w("docDefaults"))
            if defaults is not None:
                self.rpr_default = defaults.find(f"{w('rPrDefault')}/{w('rPr')}")
                self.ppr_default = defaults.find(f"{w('pPrDefault')}/{w('pPr')}")
        self.theme_fonts = _theme_fonts(theme_root)
        self._chains: dict[str, list] = {}
        self._formats: dict[tuple, Fmt] = {}
        self._style_formats: dict[str | None, Fmt] = {}

    def chain(self, style_id: str | None) -> list:
        """The style and its ``basedOn`` ancestors, nearest first (cycles cut)."""
        if not style_id:
            return []
        if style_id in self._chains:
            return self._chains[style_id]
        out, seen, sid = [], set(), style_id
        while sid and sid not in seen and sid in self.by_id:
            seen.add(sid)
            st = self.by_id[sid]
            out.append(st)
            based = st.find(w("basedOn"))
            sid = _wattr(based, "val")
        self._chains[style_id] = out
        return out

    def name_of(self, style_id: str | None) -> str | None:
        st = self.by_id.get(style_id or "")
        return _wattr(st.find(w("name")), "val") if st is not None else None

    def paragraph_style(self, ppr) -> str | None:
        sid = _wattr(ppr.find(w("pStyle")) if ppr is not None else None, "val")
        if sid and sid in self.by_id:
            return sid
        return self.default_of.get("paragraph")

    def theme_font(self, ref: str, lang: str | None) -> str | None:
        major = ref.startswith("major")
        fonts = self.theme_fonts.get("major" if major else "minor", {})
        if lang and lang.lower().startswith("vi") and fonts.get("Viet"):
            return fonts["Viet"]
        if ref.endswith("EastAsia"):
            return fonts.get("ea") or fonts.get("latin")
        if ref.endswith("Bidi"):
            return fonts.get("cs") or fonts.get("latin")
        return fonts.get("latin")

    def run_format(self, r, style_id: str | None, tbl_style: str | None) -> Fmt:
        """The effective formatting of run ``r`` in a paragraph of style ``style_id`` (in a table of ``tbl_style``)."""
        rpr = r.find(_RPR)
        # runs of one look repeat their properties: resolve each combination once
        key = (etree.tostring(rpr) if rpr is not None else None, style_id, tbl_style)
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = self._formats[key] = self._resolve(rpr, style_id, tbl_style)
        return fmt

    def style_format(self, style_id: str | None) -> Fmt:
        """The formatting of a run without properties of its own in a paragraph of ``style_id``,
        resolved once per style id (the hot path of every bulk letter's geometry)."""
        fmt = self._style_formats.get(style_id)
        if fmt is None:
            fmt = self._style_formats[style_id] = self._resolve(None, style_id, None)
        return fmt

    def style_indent_twips(self, style_id: str | None, attr: str) -> int:
        """The ``w:ind`` attribute ``attr`` ("left", "firstLine" …) the style or one it is based on sets; 0 if none."""
        value = _first_attr([_ppr_of(s) for s in self.chain(style_id)], "ind", attr)
        return int(value) if value is not None else 0

    def _resolve(self, rpr, style_id: str | None, tbl_style: str | None) -> Fmt:
        char_style = _wattr(rpr.find(w("rStyle")) if rpr is not None else None, "val")
        char_chain = [_rpr_of(s) for s in self.chain(char_style or self.default_of.get("character"))]
        para_chain = [_rpr_of(s) for s in self.chain(style_id)]
        table_chain = [_rpr_of(s) for s in self.chain(tbl_style)]
        ordered = [rpr] + char_chain + para_chain + table_chain + [self.rpr_default]
        chains = (char_chain, para_chain, table_chain)
        lang = _first_attr(ordered, "lang", "val")
        color = _first_attr(ordered, "color", "val")
        underline = _first_attr(ordered, "u", "val")
        return Fmt(
            font_ascii=self._font(ordered, "ascii", lang),
            font_hansi=self._font(ordered, "hAnsi", lang),
            size=_size(ordered),
            bold=_toggle(rpr, chains, self.rpr_default, "b"),
            italic=_toggle(rpr, chains, self.rpr_default, "i"),
            caps=_toggle(rpr, chains, self.rpr_default, "caps"),
            underline=underline not in (None, "none", "0"),
            color=color,
            vert_align=_first_attr(ordered, "vertAlign", "val"),
            hidden=_toggle(rpr, chains, self.rpr_default, "vanish"),
        )

    def _font(self, ordered, slot: str, lang) -> FontName:
        for fonts in found_in(ordered, "rFonts"):
            theme = _wattr(fonts, f"{slot}Theme")
            if theme:
                return FontName(self.theme_font(theme, lang), theme)
            name = _wattr(fonts, slot)
            if name:
                return FontName(name)
        return FontName(None)


def _size(levels) -> float | None:
    """The font size in points from the nearest level that gives a readable ``w:sz`` (half-points)."""
    for el in found_in(levels, "sz"):
        value = _wattr(el, "val")
        if value is not None:
            try:
                return float(value) / 2
            except ValueError:
                continue  # not a number: Word would not open the file; read on as if it were absent
    return None


def _theme_fonts(theme_root) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    if theme_root is None:
        return out
    for kind in ("major", "minor"):
        el = theme_root.find(f".//{{{A_NS}}}{kind}Font")
        if el is None:
            continue
        fonts: dict[str, str] = {}
        for slot in ("latin", "ea", "cs"):
            child = el.find(f"{{{A_NS}}}{slot}")
            if child is not None and child.get("typeface"):
                fonts[slot] = child.get("typeface")
        for child in el.findall(f"{{{A_NS}}}font"):
            if child.get("script") and child.get("typeface"):
                fonts[child.get("script")] = child.get("typeface")
        out[kind] = fonts
    return out


def _rpr_of(style) -> etree._Element | None:
    return style.find(w("rPr")) if style is not None else None


def _ppr_of(style) -> etree._Element | None:
    return style.find(w("pPr")) if style is not None else None


def found_in(levels, tag: str):
    """The ``tag`` child of each level that has one, nearest level first (``None`` levels skipped)."""
    for level in levels:
        if level is not None:
            el = level.find(w(tag))
            if el is not None:
                yield el


def _first_attr(levels, tag: str, attr: str):
    return next((_wattr(el, attr) for el in found_in(levels, tag) if _wattr(el, attr) is not None), None)


def _first_on(levels, tag: str):
    return next((_on(el) for el in found_in(levels, tag)), None)


def _toggle(direct, chains, default, tag: str) -> bool:
    """ECMA-376 §17.7.3: direct formatting is absolute; each style level that turns it on flips it."""
    if direct is not None and direct.find(w(tag)) is not None:
        return bool(_on(direct.find(w(tag))))
    value = bool(_on(default.find(w(tag)))) if default is not None and default.find(w(tag)) is not None else False
    for chain in chains:
        if _first_on(chain, tag):
            value = not value
    return value
