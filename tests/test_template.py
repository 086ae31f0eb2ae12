"""The committed Word template is what scripts/build_template.py makes, and it fits the pipeline."""
from pathlib import Path

from docx.shared import Pt
from docxtpl import DocxTemplate

from conftest import template_builder
from generator.geometry.layout_spec import ROLES
from generator.render.docx import DEFAULT_TEMPLATE, context, jinja_environment, run_prototypes

ROOT = Path(__file__).resolve().parent.parent


def test_committed_template_matches_the_script():
    assert template_builder().build() == DEFAULT_TEMPLATE.read_bytes(), (
        "templates/cong-van.docx khác với kết quả của scripts/build_template.py: chạy lại script"
    )


def test_template_has_every_role_style():
    tpl = DocxTemplate(str(DEFAULT_TEMPLATE))
    ids = {s.style_id for s in tpl.get_docx().styles}
    assert {sid for sid, role in ROLES.items() if role.template is None} <= ids  # van-ban roles: test_types.py


def test_template_variables_are_all_provided(built_seeds):
    tpl = DocxTemplate(str(DEFAULT_TEMPLATE))
    letter = built_seeds["000-lang-son-2018"].letter
    needed = tpl.get_undeclared_template_variables(jinja_env=jinja_environment())
    assert needed and needed <= set(context(letter, {}))


def test_body_runs_take_the_template_run_properties():
    tpl = DocxTemplate(str(DEFAULT_TEMPLATE))
    prototypes = run_prototypes(tpl.get_docx().element.body)
    assert set(prototypes) == {"doan", "muc", "can_cu"}
    from docx.oxml.ns import qn
    from lxml import etree

    assert all(isinstance(xml, str) for xml in prototypes.values())  # text, never a live XML object
    assert etree.fromstring(prototypes["doan"]).find(qn("w:sz")).get(qn("w:val")) == "28"
    assert etree.fromstring(prototypes["can_cu"]).find(qn("w:i")) is not None


def test_a_template_edited_in_word_is_what_the_next_build_uses(tmp_path):
    """A clerk opens the template in Word, makes the issuing body 12 pt and the body 13 pt, saves."""
    import io

    from docx import Document

    from conftest import SEEDS
    from docx_helpers import by_role
    from generator.pipeline import build_file
    from generator.geometry.metrics import text_width_pt

    edited = Document(str(DEFAULT_TEMPLATE))
    paragraphs = [p for t in edited.tables for r in t.rows for c in r.cells for p in c.paragraphs] + edited.paragraphs
    for p in paragraphs:
        if p._p.style in ("CVCoQuanBanHanh", "CVNoiDung"):
            for run in p.runs:
                run.font.size = Pt(12 if p._p.style == "CVCoQuanBanHanh" else 13)
    edited.save(tmp_path / "mau-sua.docx")
    source = (SEEDS / "000-lang-son-2018.yaml").read_text("utf-8") + "mau: mau-sua.docx\n"
    (tmp_path / "cv.yaml").write_text(source, encoding="utf-8")
    doc = Document(io.BytesIO(build_file(tmp_path / "cv.yaml").docx))
    issuer = by_role(doc, "CVCoQuanBanHanh")
    assert {r.font.size.pt for p in issuer for r in p.runs} == {12}
    body = [p for p in by_role(doc, "CVNoiDung") if p.text.strip()]
    assert {r.font.size.pt for p in body for r in p.runs if r.text.strip()} == {13}
    # the rule under the issuing body is measured at the new size
    from generator.geometry.measure import cell_content_width_pt
    head = doc.tables[0]
    cell = head.rows[0].cells[0]
    rule = [p for p in cell.paragraphs if p._p.style == "CVDuongKe"][0]
    length = cell_content_width_pt(head._tbl, cell._tc) - rule.paragraph_format.left_indent.pt \
        - rule.paragraph_format.right_indent.pt
    longest = max(text_width_pt(p.text, 12, bold=True) for p in issuer)
    assert abs(length - 0.4 * longest) < 0.2
