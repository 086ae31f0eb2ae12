"""generator/geometry/measure.py on small hand-written XML: every expected figure is written out
(twips / 20 = points), never computed with the functions under test."""
from __future__ import annotations

from lxml import etree

from generator.geometry.measure import (Font, StyleTable, _indent_pt, _keep_with_signature, cell_content_width_pt,
                                        paragraph_font, set_indent)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def xml(text: str):
    return etree.fromstring(f'<root xmlns:w="{W}">{text}</root>')[0]


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def table(cell_mar: str, tc_mar: str = "") -> tuple:
    tbl = xml(f"""<w:tbl><w:tblPr><w:tblCellMar>{cell_mar}</w:tblCellMar></w:tblPr>
        <w:tr><w:tc><w:tcPr><w:tcW w:w="4000" w:type="dxa"/>{tc_mar}</w:tcPr><w:p/></w:tc></w:tr></w:tbl>""")
    return tbl, tbl.find(f"{w('tr')}/{w('tc')}")


def test_cell_width_less_the_table_padding():
    tbl, tc = table('<w:left w:w="108" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>')
    assert cell_content_width_pt(tbl, tc) == 189.2  # (4000 - 108 - 108) / 20


def test_cell_padding_wins_over_the_table_padding_side_by_side():
    cell_mar = '<w:left w:w="108" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
    tbl, tc = table(cell_mar, '<w:tcMar><w:left w:w="0" w:type="dxa"/><w:right w:w="200" w:type="dxa"/></w:tcMar>')
    assert cell_content_width_pt(tbl, tc) == 190.0  # (4000 - 0 - 200) / 20
    tbl, tc = table(cell_mar, '<w:tcMar><w:left w:w="50" w:type="dxa"/></w:tcMar>')
    assert cell_content_width_pt(tbl, tc) == 192.1  # (4000 - 50 - 108) / 20
    tbl, tc = table("")
    assert cell_content_width_pt(tbl, tc) == 200.0


def test_run_font_toggles_and_half_points():
    """A run's own properties: w:val off/0/false switch a toggle off, a bare toggle or 1 on; sizes are half
    points; what the run does not say comes from Word's defaults (10 pt, upright, not bold)."""
    styles = StyleTable(etree.fromstring(f'<w:styles xmlns:w="{W}"/>'))

    def run(rpr: str):
        return xml(f"<w:r>{rpr}<w:t>x</w:t></w:r>")

    assert styles.run_font(run('<w:rPr><w:b w:val="off"/><w:i/><w:sz w:val="26"/></w:rPr>'), None) == Font(13.0, False, True)
    assert styles.run_font(run('<w:rPr><w:b w:val="0"/><w:i w:val="false"/></w:rPr>'), None) == Font(10.0, False, False)
    assert styles.run_font(run('<w:rPr><w:b w:val="1"/></w:rPr>'), None) == Font(10.0, True, False)


STYLES = f"""<w:styles xmlns:w="{W}">
  <w:style w:styleId="Base"><w:pPr><w:ind w:left="720"/></w:pPr><w:rPr><w:b/><w:sz w:val="28"/></w:rPr></w:style>
  <w:style w:styleId="Child"><w:basedOn w:val="Base"/><w:rPr><w:sz w:val="26"/></w:rPr></w:style>
  <w:style w:styleId="Grandchild"><w:basedOn w:val="Child"/><w:pPr><w:ind w:firstLine="240"/></w:pPr></w:style>
</w:styles>"""


def test_styles_resolve_along_based_on_then_word_defaults():
    styles = StyleTable(etree.fromstring(STYLES))
    assert styles.font("Base") == Font(14.0, True, False)
    assert styles.font("Child") == Font(13.0, True, False)  # its own size, the base's bold
    assert styles.font("Grandchild") == Font(13.0, True, False)
    assert styles.font("Missing") == Font(10.0, False, False)  # Word's defaults without docDefaults
    assert styles.indent_twips("Grandchild", "left") == 720
    assert styles.indent_twips("Grandchild", "firstLine") == 240
    assert styles.indent_twips("Child", "firstLine") == 0


def test_indent_of_a_first_line():
    styles = StyleTable(etree.fromstring(STYLES))
    p = xml('<w:p><w:pPr><w:pStyle w:val="Grandchild"/><w:ind w:left="1000" w:hanging="400"/></w:pPr></w:p>')
    assert _indent_pt(p, styles) == 30.0  # (1000 + 240 from the style - 400) / 20
    p = xml('<w:p><w:pPr><w:pStyle w:val="Grandchild"/></w:pPr></w:p>')
    assert _indent_pt(p, styles) == 48.0  # (720 + 240) / 20


def test_set_indent_never_negative():
    p = xml("<w:p/>")
    set_indent(p, left_pt=-5, right_pt=10.5)
    ind = p.find(f"{w('pPr')}/{w('ind')}")
    assert (ind.get(w("left")), ind.get(w("right")), ind.get(w("firstLine"))) == ("0", "210", "0")
    set_indent(p, left_pt=20, hanging_pt=6)
    assert (ind.get(w("left")), ind.get(w("hanging")), ind.get(w("firstLine"))) == ("400", "120", None)


def test_paragraph_font_is_the_first_run_with_text():
    styles = StyleTable(etree.fromstring(STYLES))
    p = xml('<w:p><w:pPr><w:pStyle w:val="Child"/></w:pPr>'
            '<w:r><w:rPr><w:sz w:val="20"/></w:rPr><w:t xml:space="preserve">  </w:t></w:r>'
            '<w:r><w:rPr><w:i/></w:rPr><w:t>Chữ</w:t></w:r></w:p>')
    assert paragraph_font(p, styles) == Font(13.0, True, True)


def test_the_paragraph_before_the_signature_keeps_with_it():
    body = xml('<w:body><w:tbl/><w:p><w:r><w:t>Kết thúc.</w:t></w:r></w:p><w:tbl/><w:sectPr/></w:body>')
    _keep_with_signature(body)
    assert body[1].find(f"{w('pPr')}/{w('keepNext')}") is not None
    one = xml('<w:body><w:p/><w:tbl/></w:body>')
    _keep_with_signature(one)
    assert one[0].find(w("pPr")) is None  # a document without a letterhead table is left alone


LETTERHEAD_STYLES = f"""<w:styles xmlns:w="{W}">
  <w:style w:styleId="CVCoQuanBanHanh"><w:rPr><w:b/><w:sz w:val="26"/></w:rPr></w:style>
  <w:style w:styleId="CVPhamVi"><w:rPr><w:b/><w:sz w:val="26"/></w:rPr></w:style>
  <w:style w:styleId="CVDuongKe"><w:rPr><w:sz w:val="10"/></w:rPr></w:style>
</w:styles>"""


def _p(role: str, text: str = "") -> str:
    run = f"<w:r><w:t>{text}</w:t></w:r>" if text else ""
    return f'<w:p><w:pPr><w:pStyle w:val="{role}"/></w:pPr>{run}</w:p>'


def test_issuer_rule_is_a_fraction_of_its_longest_line_centred():
    from generator.geometry.measure import _rules

    body = xml(f"""<w:body><w:tbl><w:tblPr/><w:tr><w:tc><w:tcPr><w:tcW w:w="5000" w:type="dxa"/></w:tcPr>
        {_p("CVCoQuanBanHanh", "ỦY BAN NHÂN DÂN")}{_p("CVCoQuanBanHanh", "HUYỆN HỮU LŨNG TỈNH LẠNG SƠN")}
        {_p("CVDuongKe")}</w:tc></w:tr></w:tbl></w:body>""")
    _rules(body, StyleTable(etree.fromstring(LETTERHEAD_STYLES)))
    ind = body.find(f".//{w('tc')}/{w('p')}[3]/{w('pPr')}/{w('ind')}")
    # the second line, 228.13 pt in Times New Roman bold 13; rule 0.4 of it = 91.25 pt in a 250 pt cell:
    # (250 - 91.25) / 2 = 79.37 pt = 1587 twips on each side (a line wider than its cell: test_letterhead.py)
    assert (ind.get(w("left")), ind.get(w("right"))) == ("1587", "1587")


def test_circulation_box_is_its_text_plus_padding_centred_in_the_right_column():
    from generator.geometry.measure import _boxes

    body = xml(f'<w:body>{_p("CVPhamVi", "LƯU HÀNH NỘI BỘ")}</w:body>')
    _boxes(body, StyleTable(etree.fromstring(LETTERHEAD_STYLES)), 480.0)
    ind = body.find(f"{w('p')}/{w('pPr')}/{w('ind')}")
    # text 120.50 pt + 12 = a 132.50 pt box, centred in the 100 mm (283.46 pt) column that starts 65 mm (184.25 pt)
    # from the margin: left 184.25 + (283.46 - 132.50) / 2 = 259.74 pt; right 480 - 259.74 - 132.50 = 87.77 pt
    assert (ind.get(w("left")), ind.get(w("right"))) == ("5195", "1755")
