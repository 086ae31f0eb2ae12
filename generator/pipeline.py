"""The pipeline for one letter: input file -> validated dispatch -> letter -> DOCX bytes.

Warnings (``Built.warnings``, printed by ``check`` and ``build`` on stderr) come from four
places: the YAML reader (a recipient list split at its commas, ``Located.warnings``), the
administrative levels a dated letter names (``admin_levels.check``), the built letterhead (a
word alone on a line, a line too wide, a rule outside 1/3-1/2: ``geometry.measure.letterhead_warnings``),
and the assessments (a criteria set used outside its validity). ``campaign_warnings`` gives the first two for a
campaign file (its ``thu`` and ``tong_hop`` parts).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.geometry.measure import letterhead_warnings
from generator.model import admin_levels as admin_levels
from generator.assessments import resolve as assessment
from generator.wording.decision import attached_reference
from generator.assessments.results import Assessments
from generator.exceptions import InputError
from generator.model.validate import load_dispatch, validate
from generator.model.dispatch import Dispatch
from generator.render.docx import DEFAULT_TEMPLATE, render_docx
from generator.resources import TEMPLATES
from generator.wording.letter import Letter, attached_letter, build_letter


@dataclass(frozen=True)
class Built:
    dispatch: Dispatch
    letter: Letter
    docx: bytes
    assessments: Assessments | None = None
    notes: tuple[str, ...] = ()  # what the input says that is probably not meant (see the module docstring)

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.notes + (self.assessments.warnings if self.assessments else ())


def input_warnings(dispatch: Dispatch, located) -> tuple[str, ...]:
    """The reader's warnings about the file and the administrative levels the letter names."""
    return tuple(dict.fromkeys([*getattr(located, "warnings", ()), *admin_levels.check(dispatch, located)]))


def campaign_warnings(campaign) -> tuple[str, ...]:
    """The same for a campaign file: its flow lists anywhere, the levels its letter and overview name.

    The letter is checked once, as written for its first commune (``{xa}`` filled in).
    """
    found = list(campaign.located.warnings)
    communes = [c for c in campaign.assessments.communes.values() if campaign.sends(c)]
    if communes:
        found += admin_levels.check(campaign.dispatch_for(communes[0]), campaign.located, ("thu",))
    if campaign.overview is not None:
        found += admin_levels.check(campaign.overview, campaign.located, ("tong_hop",))
    return tuple(dict.fromkeys(found))


# The Word template of each layout of ``data/document_types.yaml`` (``mau``): the one place a type
# chooses its template. A clerk's ``mau:`` replaces it.
LAYOUT_TEMPLATES = {
    "cong_van": DEFAULT_TEMPLATE,  # Mẫu 1.5
    "ten_loai": TEMPLATES / "van-ban.docx",  # Mẫu 1.4 (scripts/build_template.py makes both)
    "quyet_dinh": TEMPLATES / "van-ban.docx",  # Mẫu 1.2, 1.3: the same title block, with the decision's lines
}


def template_for(dispatch: Dispatch, input_path: Path, located) -> Path:
    """The Word template to use: the clerk's ``mau:``, or ours for the document's type (``loai``)."""
    if dispatch.template:
        return template_path(dispatch.template, input_path, located)
    layout = dispatch.type_info.layout
    if layout not in LAYOUT_TEMPLATES:
        raise InputError(located.problem(("loai",), f"chưa dựng được {dispatch.type_info.name.lower()} "
                                                    f"(«loai: {dispatch.doc_type}»): chưa có mẫu Word cho loại này"))
    return LAYOUT_TEMPLATES[layout]


def template_path(template: str | None, input_path: Path, located) -> Path:
    """The Word template ``mau:`` names (relative to the input file), or ours when it names none."""
    if not template:
        return DEFAULT_TEMPLATE
    path = (input_path.parent / template).resolve()
    if path.suffix.lower() != ".docx":
        raise InputError(located.problem(("mau",), "tệp mẫu phải là tệp Word .docx"))
    return path  # checked like any .docx from elsewhere when it is compiled (render.compiled)


def resolve_assessments(dispatch: Dispatch, input_path: Path, located) -> Assessments | None:
    found = None
    if dispatch.assessments is not None:
        found = assessment.resolve(dispatch.assessments, located, input_path.parent, dispatch.date.as_date())
    assessment.check_references(dispatch.body, found, located)
    if dispatch.annex is not None and found is None:
        raise InputError(located.problem(("phu_luc",), "phụ lục bảng tiêu chí cần có «danh_gia»"))
    return found


def render_dispatch(dispatch: Dispatch, found: Assessments | None, input_path: Path, located) -> tuple[Letter, bytes]:
    """Word, then render, one validated dispatch (its annex, if any, included)."""
    letter = build_letter(dispatch, found)
    template = template_for(dispatch, input_path, located)
    parts = ()  # what follows the document, each in its own section: the text it promulgates, its annexes
    if dispatch.attached is not None:
        parts += (attached_part(dispatch, letter, template, located),)
    if dispatch.annex is not None:
        from generator.render.annex import build_annex  # lazy: python-docx only for a letter with an annex

        parts += build_annex(dispatch, letter, found, located)
    return letter, render_docx(letter, dispatch.date.as_date(), template, parts or None)


def attached_part(dispatch: Dispatch, letter: Letter, template: Path, located):
    """Mẫu 1.3: the text a decision promulgates (``kem_theo``), rendered by the decision's template (an
    ``render.attached.Attached``)."""
    from generator.render.annex import issuer_in_text  # lazy: python-docx only for a letter with a part attached
    from generator.render.attached import Attached  # lazy: as above

    organ = dispatch.attached.organ or issuer_in_text(dispatch)
    if organ is None:
        raise InputError(located.problem(("kem_theo",), f"không tự viết được «{' '.join(dispatch.issuing_organ)}» "
                                         "bằng chữ thường cho dòng «(Kèm theo Quyết định … của …)»: ghi «co_quan» "
                                         "trong «kem_theo», ví dụ «Giám đốc Sở Nông nghiệp và Môi trường»"))
    reference = attached_reference(letter.number_line, dispatch.date.text(), organ)
    return Attached(render_docx(attached_letter(dispatch, letter), dispatch.date.as_date(), template), reference)


def build_file(input_path: Path, data=None, located=None) -> Built:
    """Build the letter of ``input_path`` (``data``/``located``: the file already loaded)."""
    if data is None:
        dispatch, located = load_dispatch(input_path)
    else:
        dispatch = validate(data, located)
    found = resolve_assessments(dispatch, input_path, located)
    letter, docx = render_dispatch(dispatch, found, input_path, located)
    warnings = input_warnings(dispatch, located) + tuple(letterhead_warnings(dispatch, docx, located))
    return Built(dispatch, letter, docx, found, warnings)


def default_output(input_path: Path, output: Path | None) -> Path:
    """``out/<input name>.docx``; ``-o`` names a file, or a folder (existing, or ending in /)."""
    name = input_path.stem + ".docx"
    if output is None:
        return Path("out") / name
    if output.is_dir() or str(output).endswith(("/", "\\")) or output.suffix.lower() != ".docx":
        return output / name
    return output
