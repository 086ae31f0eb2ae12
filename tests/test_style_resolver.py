"""One style resolver (issue #12): geometry measures with the fonts lint and extract read.

``geometry/measure.py`` used to walk the ``basedOn`` chain itself and knew nothing of
character styles; it now asks ``ooxml/styles.py``, as ``dispatch lint`` and ``dispatch text`` do.
"""
from __future__ import annotations

from lxml import etree

from generator.geometry.measure import Font, StyleTable, paragraph_font
from generator.ooxml.styles import Styles

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

STYLES = f"""<w:styles xmlns:w="{W}">
  <w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="24"/></w:rPr></w:rPrDefault></w:docDefaults>
  <w:style w:type="paragraph" w:styleId="Base">
    <w:pPr><w:ind w:left="567" w:firstLine="283"/></w:pPr><w:rPr><w:i/><w:sz w:val="28"/></w:rPr>
  </w:style>
  <w:style w:type="paragraph" w:styleId="Child">
    <w:basedOn w:val="Base"/><w:pPr><w:ind w:left="1134"/></w:pPr><w:rPr><w:b/></w:rPr>
  </w:style>
  <w:style w:type="paragraph" w:styleId="Plain"/>
  <w:style w:type="character" w:styleId="Strong"><w:rPr><w:b/><w:sz w:val="30"/></w:rPr></w:style>
</w:styles>"""


def _p(xml: str):
    return etree.fromstring(f'<w:p xmlns:w="{W}">{xml}</w:p>')


def test_a_style_font_follows_its_based_on_chain_and_the_defaults():
    table = StyleTable(etree.fromstring(STYLES))
    assert table.font("Child") == Font(14.0, True, True)
    assert table.font("Base") == Font(14.0, False, True)
    assert table.font("Plain") == Font(12.0, False, False)
    assert table.font(None) == Font(12.0, False, False)
    assert table.font("Missing") == Font(12.0, False, False)
    assert table.indent_twips("Child", "left") == 1134
    assert table.indent_twips("Child", "firstLine") == 283
    assert table.indent_twips("Plain", "left") == 0


def test_geometry_reads_a_character_style_on_the_measured_run():
    """A run in the character style "Strong" is printed bold at 15 pt: the rule under an issuing
    body typed that way must be measured bold at 15 pt, as lint reads the same run."""
    table = StyleTable(etree.fromstring(STYLES))
    p = _p('<w:pPr><w:pStyle w:val="Plain"/></w:pPr>'
           '<w:r><w:rPr><w:rStyle w:val="Strong"/></w:rPr><w:t>UBND XÃ</w:t></w:r>')
    assert paragraph_font(p, table) == Font(15.0, True, False)


def test_direct_run_formatting_wins_over_the_style():
    table = StyleTable(etree.fromstring(STYLES))
    p = _p('<w:pPr><w:pStyle w:val="Child"/></w:pPr>'
           '<w:r><w:rPr><w:b w:val="0"/><w:sz w:val="26"/></w:rPr><w:t>Kính gửi</w:t></w:r>')
    assert paragraph_font(p, table) == Font(13.0, False, True)


def test_geometry_and_lint_share_one_resolution():
    styles = Styles(etree.fromstring(STYLES), None)
    fmt = styles.style_format("Child")
    assert (fmt.size, fmt.bold, fmt.italic) == (14.0, True, True)
    assert styles.style_format("Child") is fmt  # resolved once per style id
