"""The committed Word template is what scripts/build_template.py makes, and it fits the pipeline."""
import importlib.util
from pathlib import Path

from docxtpl import DocxTemplate

from generator.layout_spec import ROLES
from generator.render import DEFAULT_TEMPLATE, context, jinja_environment, run_prototypes

ROOT = Path(__file__).resolve().parent.parent


def _builder():
    spec = importlib.util.spec_from_file_location("build_template", ROOT / "scripts" / "build_template.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_template_matches_the_script():
    assert _builder().build() == DEFAULT_TEMPLATE.read_bytes(), (
        "templates/cong-van.docx khác với kết quả của scripts/build_template.py: chạy lại script"
    )


def test_template_has_every_role_style():
    tpl = DocxTemplate(str(DEFAULT_TEMPLATE))
    ids = {s.style_id for s in tpl.get_docx().styles}
    assert set(ROLES) <= ids


def test_template_variables_are_all_provided(built_seeds):
    tpl = DocxTemplate(str(DEFAULT_TEMPLATE))
    letter = built_seeds["000-lang-son-2018"].letter
    needed = tpl.get_undeclared_template_variables(jinja_env=jinja_environment())
    assert needed and needed <= set(context(letter, {}))


def test_body_runs_take_the_template_run_properties():
    tpl = DocxTemplate(str(DEFAULT_TEMPLATE))
    prototypes = run_prototypes(tpl)
    assert set(prototypes) == {"doan", "muc", "can_cu"}
    from docx.oxml.ns import qn
    assert prototypes["doan"].find(qn("w:sz")).get(qn("w:val")) == "28"
    assert prototypes["can_cu"].find(qn("w:i")) is not None
