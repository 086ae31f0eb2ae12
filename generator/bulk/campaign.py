"""A campaign file: one reminder letter per commune from an assessment table.

```yaml
chien_dich:                 # what the run shares
  ten: nhac-xa-2026         # output folder out/<ten>/ (default: the file's name)
  xa_dat_du: thu_duy_tri    # communes meeting every criterion: a maintenance letter, or khong_gui
  han: 15/12/2026           # deadline (a table column "Hạn" overrides it per commune)
  phan_cong:                # phân công phụ trách tiêu chí: one department, or a list
    1: Sở Xây dựng
    2: [Sở Xây dựng, Sở Nông nghiệp và Môi trường]
danh_gia: {bo_tieu_chi: …, bang: bang.xlsx}        # as in a dispatch
thu:                        # the letter: a dispatch whose text may say {xa}, {cap}, {ten_day_du}, {han}
  kinh_gui: Ủy ban nhân dân {cap} {xa}
  noi_dung: [… , {ket_qua: xa_nay}, {chua_dat: xa_nay}, {sut_giam: xa_nay}, {phan_cong: xa_nay}]
  noi_dung_duy_tri: [ … ]   # body of the maintenance letter
  trich_yeu_duy_tri: duy trì … của {cap} {xa}   # its own trích yếu (required when it is sent)
tong_hop: { … }             # optional: the overview dispatch to the superior body
```

The placeholders, for the unit a letter goes to (a xã, phường or đặc khu: ``assessments/results.py``):
``{xa}`` its name without its type ("Đông Kinh"), ``{cap}`` its type in running text ("phường"),
``{ten_day_du}`` type and name at the start of a sentence ("Phường Đông Kinh"), ``{han}`` its
deadline. They are the only ones: plain substitution in one pass, never a template language,
so text typed by users is never evaluated. The commune's name is data: a name containing
``{han}`` is not substituted again, and in the body (read for ``**đậm**`` and ``*nghiêng*``) its
asterisks are escaped, so ``A*B*`` prints as typed. A letter that writes ``xã {xa}`` while the
table holds a phường or an đặc khu is refused at load, with its line: it would print
"xã Đông Kinh" for Phường Đông Kinh; write ``{cap} {xa}``.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, ValidationError

from generator.assessments import resolve as assessment
from generator.assessments.results import XA, AssessmentsInput, Assessments, CommuneAssessment, Date
from generator.vi.dates import IssueDate, short_date
from generator.exceptions import InputError, Located, Problem
from generator.model.base import InputModel, Text, validation_problems
from generator.model.validate import INTERNAL_KEYS, validate
from generator.model.dispatch import Dispatch
from generator.wording.letter import CampaignFacts, Letter, build_letter
from generator.load.yaml_source import load_yaml
from generator.bulk import is_campaign  # noqa: F401  (defined in bulk/__init__.py, kept importable from here)

THIS_COMMUNE = "xa_nay"
MAINTENANCE_BODY = "noi_dung_duy_tri"
MAINTENANCE_SUBJECT = "trich_yeu_duy_tri"


def _departments(value: Any) -> Any:
    """``Sở A`` or ``[Sở A, Sở B]``: always a list (the sentence gets both the list and «A và B»)."""
    return [value] if isinstance(value, str) else value


_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_NOT_IN_A_FOLDER_NAME = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
MAX_FOLDER_NAME = 100


def _folder_name(value: str | None) -> str | None:
    """``chien_dich.ten`` names one folder inside the output folder (``-o``, default ``out/``): never a
    path (``../../x``, ``/tmp/x``, ``C:\\x``), never a name Windows refuses."""
    if value is None:
        return value
    bad = _NOT_IN_A_FOLDER_NAME.search(value)
    if bad or value in (".", ".."):
        shown = "dấu chấm" if value in (".", "..") else f"ký tự «{bad.group()}»"
        raise ValueError(f"tên chiến dịch «{value}» là tên một thư mục trong thư mục kết quả nên không được có {shown} "
                         "(không được là đường dẫn); ví dụ: nhac-xa-2026")
    if len(value) > MAX_FOLDER_NAME:
        raise ValueError(f"tên chiến dịch dài {len(value)} ký tự; tối đa {MAX_FOLDER_NAME} (là tên một thư mục)")
    if value.split(".")[0].upper() in _WINDOWS_RESERVED or value.endswith((".", " ")):
        raise ValueError(f"tên chiến dịch «{value}» không dùng được làm tên thư mục trên Windows; ví dụ: nhac-xa-2026")
    return value


class CampaignSettings(InputModel):
    name: Annotated[Text | None, AfterValidator(_folder_name)] = Field(
        None, alias="ten", description="Tên thư mục kết quả trong out/ (một tên thư mục, không phải đường dẫn)")
    complete: Literal["thu_duy_tri", "khong_gui"] = Field(
        "thu_duy_tri", alias="xa_dat_du", description="Xã đã đạt đủ tiêu chí: gửi thư duy trì, hoặc không gửi"
    )
    deadline: Date | None = Field(None, alias="han", description="Hạn hoàn thành chung")
    assignments: dict[int, Annotated[list[Text], BeforeValidator(_departments), Field(min_length=1)]] = Field(
        default_factory=dict, alias="phan_cong",
        description="Số tiêu chí: đơn vị phụ trách, hoặc danh sách các đơn vị cùng phụ trách")


class CampaignFile(InputModel):
    campaign: CampaignSettings = Field(alias="chien_dich")
    assessments: AssessmentsInput = Field(alias="danh_gia")
    letter: dict[str, Any] = Field(alias="thu")
    overview: dict[str, Any] | None = Field(None, alias="tong_hop")


class _Under:
    """Locations of a part of the file (``thu`` or ``tong_hop``) seen as a document of its own."""

    def __init__(self, located: Located, prefix: tuple):
        self.located, self.prefix, self.file = located, prefix, located.file

    def problem(self, path: tuple, message: str) -> Problem:
        return self.located.problem(self.prefix + tuple(path), message)

    def line_of(self, path: tuple) -> int | None:
        return self.located.line_of(self.prefix + tuple(path))


_PLACEHOLDER = re.compile(r"\{xa\}|\{han\}|\{cap\}|\{ten_day_du\}")
_PIECES = re.compile(f"({_PLACEHOLDER.pattern})")  # the same, kept by split
_FIXED_LEVEL = re.compile(r"\bxã\s+\{xa\}", re.IGNORECASE)  # "xã {xa}": wrong for a phường
BODY_FIELDS = ("noi_dung", MAINTENANCE_BODY)  # read with inline emphasis (**đậm**, *nghiêng*)


@lru_cache(maxsize=1024)
def _pieces(text: str) -> tuple[str, ...]:
    """``text`` cut at its placeholders: text, placeholder, text, …, text. A campaign's letter has a few
    such strings, and every commune's letter fills them: cut once."""
    return tuple(_PIECES.split(text))


def _substitute(value, mapping: dict[str, str]):
    """``{xa}`` and ``{han}`` replaced in one pass: what they are replaced with is never read again, so a
    commune called ``{han}`` stays ``{han}``."""
    if isinstance(value, str):
        if "{" not in value:
            return value
        pieces = _pieces(value)
        if len(pieces) == 1:
            return value
        filled = list(pieces)
        filled[1::2] = [mapping[p] for p in pieces[1::2]]
        return "".join(filled)
    if isinstance(value, list):
        return [_substitute(v, mapping) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, mapping) for k, v in value.items()}
    return value


def _holds_placeholder(value) -> bool:
    """Whether ``_substitute`` would change anything in ``value`` (a string holding ``{xa}`` …, at any depth)."""
    if isinstance(value, str):
        return "{" in value and _PLACEHOLDER.search(value) is not None
    if isinstance(value, list):
        return any(_holds_placeholder(v) for v in value)
    if isinstance(value, dict):
        return any(_holds_placeholder(v) for v in value.values())
    return False


def _escape_emphasis(text: str) -> str:
    """A value put into text read for emphasis: its asterisks are asterisks (``A*B*`` stays as typed)."""
    return text.replace("*", "\\*")


@lru_cache(maxsize=256)
def _deadline_text(date: IssueDate) -> str:
    """A deadline as a letter writes it: ``15/12/2026``, or the year alone (a campaign has one or a few)."""
    return short_date(date.as_date()) if date.is_complete else str(date.year)


@dataclass
class Campaign:
    path: Path
    located: Located
    settings: CampaignSettings
    assessments: Assessments
    letter: dict[str, Any]
    overview: Dispatch | None
    date: dt.date

    @property
    def overview_located(self) -> "_Under":
        return _Under(self.located, ("tong_hop",))

    @property
    def name(self) -> str:
        return self.settings.name or self.path.stem

    def deadline_of(self, commune: CommuneAssessment) -> str | None:
        date = commune.deadline or self.settings.deadline
        return None if date is None else _deadline_text(date)

    def sends(self, commune: CommuneAssessment) -> bool:
        return bool(commune.not_met) or self.settings.complete == "thu_duy_tri"

    def dispatch_for(self, commune: CommuneAssessment) -> Dispatch:
        """The letter to one commune, validated (problems located in the ``thu`` part of the file)."""
        data = dict(self.letter)  # _substitute below builds new lists and dicts: the original stays as loaded
        maintenance = data.pop(MAINTENANCE_BODY, None)
        maintenance_subject = data.pop(MAINTENANCE_SUBJECT, None)
        prefix: tuple = ("thu",)
        if not commune.not_met:
            data["noi_dung"] = maintenance
            data["trich_yeu"] = maintenance_subject  # the remedial "V/v khắc phục …" is not this letter's
        deadline = self.deadline_of(commune)
        # the commune's name is data: printed as typed, never read as a placeholder or as emphasis
        mapping = {"{xa}": commune.name, "{han}": deadline or "{han}", "{cap}": commune.unit.word,
                   "{ten_day_du}": commune.full_name}
        in_body = {k: _escape_emphasis(v) for k, v in mapping.items()}
        plain = self._plain_values()
        data = {k: v if id(v) in plain else _substitute(v, in_body if k in BODY_FIELDS else mapping)
                for k, v in data.items()}
        body = []
        for block in data.get("noi_dung") or []:
            if isinstance(block, dict) and len(block) == 1:
                (kind, names), = block.items()
                if names == THIS_COMMUNE:
                    if kind == "sut_giam" and not commune.fell_back:
                        continue  # nothing fell back: no such paragraph
                    block = {kind: commune.key}  # after the substitution: the name is not read again
            body.append(block)
        data["noi_dung"] = body
        return validate(data, _Under(self.located, prefix))

    def _plain_values(self) -> frozenset[int]:
        """The values of ``letter`` (by identity: they stay in it) with no placeholder anywhere: given to each
        commune's letter as they are, not walked again (pydantic reads them, never changes them). Identities
        mean nothing in another process: the set is never pickled or copied (``__getstate__``)."""
        found = self.__dict__.get("_plain")
        if found is None or found[0] is not self.letter:
            found = self.__dict__["_plain"] = (self.letter, frozenset(
                id(v) for v in self.letter.values() if not _holds_placeholder(v)))
        return found[1]

    def __getstate__(self) -> dict:
        """The campaign as a worker receives it (pickled), or a copy: without ``_plain_values``' identities, which
        in the worker could be those of other objects, a value with ``{xa}`` among them and left unreplaced."""
        state = dict(self.__dict__)
        state.pop("_plain", None)
        return state

    def letter_for(self, commune: CommuneAssessment) -> tuple[Dispatch, Letter]:
        dispatch = self.dispatch_for(commune)
        facts = CampaignFacts(self.settings.assignments, self.deadline_of(commune))
        return dispatch, build_letter(dispatch, self.assessments, facts)


def _check_letter(campaign: Campaign) -> None:
    """Problems of the letter itself, found once (not once per commune), with their lines."""
    problems: list[Problem] = []
    letter = campaign.letter
    where = _Under(campaign.located, ("thu",))
    uses_deadline = "{han}" in repr(letter)
    communes = list(campaign.assessments.communes.values())
    with_gaps = [c for c in communes if c.not_met]
    complete = [c for c in communes if not c.not_met]
    if complete and campaign.settings.complete == "thu_duy_tri" and not letter.get(MAINTENANCE_BODY):
        problems.append(where.problem((), f"có {len(complete)} xã đạt đủ tiêu chí nhưng thư chưa có «{MAINTENANCE_BODY}» "
                                          "(nội dung thư duy trì); thêm nó, hoặc đặt «chien_dich.xa_dat_du: khong_gui»"))
    if complete and campaign.settings.complete == "thu_duy_tri" and not letter.get(MAINTENANCE_SUBJECT):
        problems.append(where.problem((), f"có {len(complete)} xã đạt đủ tiêu chí nhận thư duy trì nhưng thư chưa có "
                                          f"«{MAINTENANCE_SUBJECT}» (trích yếu riêng của thư duy trì, ví dụ «duy trì, "
                                          "nâng cao chất lượng các tiêu chí nông thôn mới của xã {xa}»): trích yếu "
                                          "«khắc phục …» không đúng với thư này"))
    if uses_deadline and campaign.settings.deadline is None and any(c.deadline is None for c in communes):
        problems.append(where.problem((), "thư dùng {han} nhưng chưa có hạn: thêm «chien_dich.han» hoặc cột «Hạn» "
                                          "trong bảng"))
    other_units = sorted({c.unit.word for c in communes if c.unit is not XA})
    if other_units:
        for path, text in _texts(letter, ()):
            if _FIXED_LEVEL.search(text):
                problems.append(where.problem(path, f"thư ghi «{_FIXED_LEVEL.search(text).group()}» nhưng bảng có cả "
                                                    f"{' và '.join(other_units)}: thư gửi phường sẽ in «xã …»; viết "
                                                    "«{cap} {xa}» (in «xã …», «phường …» theo từng đơn vị), hoặc "
                                                    "«{ten_day_du}» ở đầu câu"))
    uses_assignments = "phan_cong" in repr(letter.get("noi_dung"))
    if uses_assignments:
        numbers = {c.num for s in {x.criteria_set.id: x.criteria_set for x in communes}.values() for c in s.criteria}
        missing = sorted(numbers - set(campaign.settings.assignments))
        if missing:
            problems.append(campaign.located.problem(("chien_dich", "phan_cong"),
                                                     "chưa phân công đơn vị phụ trách tiêu chí số "
                                                     + ", ".join(map(str, missing))))
    if problems:
        raise InputError(problems)
    for sample in (with_gaps[:1] + complete[:1]):
        if sample.not_met or campaign.settings.complete == "thu_duy_tri":
            dispatch = campaign.dispatch_for(sample)
            assessment.check_references(dispatch.body, campaign.assessments, where, campaign.settings.assignments)


def _texts(value, path: tuple):
    """Every string of a part of the file, with its path (for a problem's line)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, path + (i,))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, path + (key,))


def load_campaign(path: Path, data=None, located: Located | None = None) -> Campaign:
    if data is None:
        data, located = load_yaml(path)
    try:
        parsed = CampaignFile.model_validate(data)
    except ValidationError as exc:
        raise InputError(validation_problems(exc, located, CampaignFile, internal_keys=INTERNAL_KEYS)) from None
    letter_date = _letter_date(parsed.letter, located)
    found = assessment.resolve(parsed.assessments, located, path.parent, letter_date, strict=False)
    overview = None
    if parsed.overview is not None:
        overview_data = dict(parsed.overview)
        overview_data.setdefault("danh_gia", data["danh_gia"])
        overview = validate(overview_data, _Under(located, ("tong_hop",)))
        # its blocks name communes of the table: checked now, before any letter is written
        assessment.check_references(overview.body, found, _Under(located, ("tong_hop",)))
    campaign = Campaign(path, located, parsed.campaign, found, dict(parsed.letter), overview, letter_date)
    _check_letter(campaign)
    return campaign


def _letter_date(letter: dict, located: Located):
    try:
        return IssueDate.parse(letter.get("ngay")).as_date()
    except (ValueError, TypeError):
        raise InputError(located.problem(("thu", "ngay"), "thư cần ngày ban hành hợp lệ, ví dụ 20/11/2026")) from None
