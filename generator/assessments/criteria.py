"""NTM criteria sets (Bộ tiêu chí nông thôn mới) as data.

The national sets ship as YAML in ``data/criteria/``. A province adds its own set
(a provincial Bộ tiêu chí, a bản/thôn set, ...) by putting YAML files of the same
shape in a folder and passing it as an extra directory: no code change.

Every criterion, indicator and group says how sure we are of it (``status``):
``confirmed`` (seen in that form in a listed source), ``partial`` (seen, but the
numbering or grouping is inferred, or only in a secondary document) or
``unverified`` (a draft to check against the official text). Nothing unverified
may be presented as official.

Criterion numbers are stable inside a set, not across sets: always look a
criterion up by (set id, number).

Two more shapes of file:

- ``kind: dieu_kien``: a list of conditions, not numbered criteria (xã NTM kiểu mẫu
  2021-2025, the xã NTM hiện đại pilot). It can be listed and shown, never used to
  count criteria in an assessment.
- ``based_on: <id>``: a province's own set built on a national one. It has its own
  decision, dates and sources; each criterion it lists replaces the base's criterion of
  that number (name and status, and indicators when given); ``commune_groups``,
  ``groups`` and ``indicator_count`` are the base's unless the file gives them.

``applies_to`` lists the unit types a set assesses (``xa``, ``phuong``, ``dac_khu``); the
default, and every shipped set, is ``[xa]``: the national sets are sets of *xã* nông thôn mới
(Quyết định 51/2025/QĐ-TTg, Điều 1 khoản 1 điểm a), and no stored source says a phường or an
đặc khu is assessed under them. A province that assesses other units under its own set says so
there, with its decision (docs/criteria.md). It is never inherited through ``based_on``.
"""
# No ``from __future__ import annotations`` here: pydantic compiled each field's annotation text again (a
# ``typing.ForwardRef``) to build the models, a few milliseconds of every start-up.

import datetime as dt
import functools
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, PrivateAttr, ValidationError

from generator.vi.dates import IssueDate, short_date
from generator.vi.suggest import did_you_mean
from generator.exceptions import InputError, Located, Problem, display_path
from generator.model.base import InputModel, Text, empty_list, validation_problems
from generator.load.yaml_source import load_yaml

from generator.resources import CRITERIA as SHIPPED_DIR  # noqa: E402  (data/criteria, see resources.py)

Status = Literal["confirmed", "partial", "unverified"]
STATUS_LABELS = {"confirmed": "đã kiểm chứng", "partial": "kiểm chứng một phần", "unverified": "chưa kiểm chứng"}

Number = Annotated[int, Field(strict=True, ge=1)]

_CODE = re.compile(r"\d+(\.\d+)*")
_SET_ID = re.compile(r"[a-z0-9]+([_-][a-z0-9]+)*")


def _full_date(value: Any) -> dt.date:
    """A YAML date (2022-03-08) or 08/3/2022; day, month and year all required."""
    date = IssueDate.parse(value)
    if not date.is_complete:
        raise ValueError("cần đủ ngày, tháng, năm, ví dụ 2022-03-08 hoặc 08/3/2022")
    return date.as_date()


def _code(value: Any) -> Any:
    """Indicator codes are text: ``13.2`` unquoted is a YAML number (and ``13.10`` would become 13.1)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise ValueError(f'viết mã chỉ tiêu trong ngoặc kép, ví dụ "{value}" (không có ngoặc kép, 13.10 bị đọc thành 13.1)')
    if isinstance(value, str) and not _CODE.fullmatch(value.strip()):
        raise ValueError(f"mã chỉ tiêu «{value}» không đúng dạng: số tiêu chí, dấu chấm, số thứ tự (ví dụ 13.2)")
    return value.strip() if isinstance(value, str) else value


FullDate = Annotated[dt.date, BeforeValidator(_full_date)]
Code = Annotated[str, BeforeValidator(_code)]


class Decision(InputModel):
    """The decision that issues the set."""

    number: Text  # "318/QĐ-TTg"
    date: FullDate
    issuer: Text  # "Thủ tướng Chính phủ"
    annex: Text | None = None  # "Phụ lục I"

    def text(self) -> str:
        """``Quyết định số 318/QĐ-TTg ngày 08/3/2022 của Thủ tướng Chính phủ``."""
        return f"Quyết định số {self.number} ngày {short_date(self.date)} của {self.issuer}"


class Group(InputModel):
    """A content group (nhóm nội dung) of criteria; its status covers its name and its members."""

    num: Number
    name: Text
    status: Status


class CommuneGroup(InputModel):
    """A group of communes (nhóm xã) with its own thresholds."""

    num: Number
    description: Text
    status: Status


class Indicator(InputModel):
    """A chỉ tiêu; its code starts with its criterion's number (``13.2`` belongs to 13)."""

    code: Code
    name: Text | None = None
    status: Status


class Condition(InputModel):
    """One condition of a set of conditions (``kind: dieu_kien``), e.g. xã NTM kiểu mẫu."""

    num: Number
    text: Text
    status: Status


class Criterion(InputModel):
    num: Number
    name: Text
    group: Number | None = None
    status: Status
    indicators: list[Indicator] = Field(default_factory=empty_list)

    def title(self) -> str:
        """``Số 17 – Môi trường và an toàn thực phẩm``."""
        return f"Số {self.num} – {self.name}"


CRITERIA, CONDITIONS = "tieu_chi", "dieu_kien"


class CriteriaSet(InputModel):
    id: Text
    kind: Literal["tieu_chi", "dieu_kien"] = CRITERIA
    based_on: Text | None = None  # a national set this (provincial) set overrides
    name: Text
    short_name: Text  # used in sentences: "đạt chuẩn xã nông thôn mới"
    applies_to: list[Literal["xa", "phuong", "dac_khu"]] = Field(default_factory=lambda: ["xa"], min_length=1)
    decision: Decision
    valid_from: FullDate
    valid_to: FullDate | None = None
    note: Text | None = None
    sources: list[Text] = Field(default_factory=empty_list)
    indicator_count: Number | None = None  # official total, when known and not all listed
    groups: list[Group] = Field(default_factory=empty_list)
    commune_groups: list[CommuneGroup] = Field(default_factory=empty_list)
    criteria: list[Criterion] = Field(default_factory=empty_list)
    conditions: list[Condition] = Field(default_factory=empty_list)

    _file: str = PrivateAttr("")
    _shipped: bool = PrivateAttr(False)
    _id_line: int | None = PrivateAttr(None)
    _located: Any = PrivateAttr(None)  # where each field of the file is, for the checks of ``based_on``

    @property
    def file(self) -> str:
        """The file the set was read from, as shown in messages."""
        return self._file

    @property
    def shipped(self) -> bool:
        """True for the national sets that come with dispatch."""
        return self._shipped

    def criterion(self, num: int) -> Criterion | None:
        return self.criteria_by_num.get(num)

    @functools.cached_property
    def criteria_by_num(self) -> dict[int, Criterion]:
        """Looked up for every criterion of every letter of a bulk run: kept in the instance's ``__dict__``
        (a private attribute of a pydantic model is read through its slow ``__getattr__``)."""
        return {c.num: c for c in self.criteria}

    def indicator(self, code: str) -> Indicator | None:
        criterion = self.criterion(int(code.split(".")[0])) if _CODE.fullmatch(code) else None
        if criterion is None:
            return None
        return next((i for i in criterion.indicators if i.code == code), None)

    def is_valid_on(self, date: dt.date) -> bool:
        return self.valid_from <= date and (self.valid_to is None or date <= self.valid_to)

    def status_counts(self) -> dict[str, int]:
        """How many groups, criteria and indicators have each status."""
        counts = dict.fromkeys(STATUS_LABELS, 0)
        items = [*self.groups, *self.commune_groups, *self.criteria, *self.conditions]
        items += [i for c in self.criteria for i in c.indicators]
        for item in items:
            counts[item.status] += 1
        return counts

    @property
    def fully_confirmed(self) -> bool:
        if self.kind == CONDITIONS and not self.conditions:
            return False  # nothing known of its content
        counts = self.status_counts()
        return counts["partial"] == 0 and counts["unverified"] == 0

    def unconfirmed_criteria(self) -> list[Criterion]:
        """Criteria whose number and name are not confirmed: printing them needs a warning."""
        return [c for c in self.criteria if c.status != "confirmed"]

    def unconfirmed_groups(self) -> list[CommuneGroup]:
        return [g for g in self.commune_groups if g.status != "confirmed"]

    def commune_group(self, num: int) -> CommuneGroup | None:
        return next((g for g in self.commune_groups if g.num == num), None)


# --- reading and checking ---------------------------------------------------

def _special(error: dict) -> str | None:
    """This file's own wording of two errors (the rest: ``model/base.py``)."""
    if error["type"] == "extra_forbidden" and str(error["loc"][-1]) in ("False", "True"):
        return "YAML đọc khoá «no» (cũng như yes, on, off) thành giá trị đúng/sai; số thứ tự viết là «num»"
    if error["type"] == "literal_error" and "applies_to" in map(str, error["loc"]):
        return "phải là một trong: xa, phuong, dac_khu (xã, phường, đặc khu)"
    if error["type"] == "literal_error":
        return f"phải là một trong: {', '.join(STATUS_LABELS)} ({', '.join(STATUS_LABELS.values())})"
    return None


def _check(criteria_set: CriteriaSet, located: Located) -> list[Problem]:
    """Rules across fields: ids, dates, unique numbers, indicator codes under their criterion."""
    problems: list[Problem] = []

    def problem(path: tuple, message: str) -> None:
        problems.append(located.problem(path, message))

    if not _SET_ID.fullmatch(criteria_set.id):
        problem(("id",), f"mã bộ tiêu chí «{criteria_set.id}» chỉ gồm chữ thường không dấu, chữ số và «_» "
                         "(ví dụ xa_ntm_tinh_2022_2025)")
    if criteria_set.valid_to and criteria_set.valid_to < criteria_set.valid_from:
        problem(("valid_to",), f"ngày hết hiệu lực {short_date(criteria_set.valid_to)} trước ngày bắt đầu hiệu lực "
                               f"{short_date(criteria_set.valid_from)}")
    if criteria_set.valid_from < criteria_set.decision.date:
        problem(("valid_from",), f"ngày bắt đầu hiệu lực {short_date(criteria_set.valid_from)} trước ngày ban hành "
                                 f"quyết định {short_date(criteria_set.decision.date)}")

    if criteria_set.kind == CONDITIONS:
        if criteria_set.criteria:
            problem(("criteria",), "bộ điều kiện («kind: dieu_kien») không có tiêu chí đánh số; ghi các điều kiện ở "
                                   "«conditions»")
        if criteria_set.based_on:
            problem(("based_on",), "bộ điều kiện («kind: dieu_kien») không dựa trên bộ khác")
        if not criteria_set.conditions and not criteria_set.note:
            problem(("conditions",), "bộ điều kiện chưa ghi điều kiện nào: ghi các điều kiện, hoặc ghi lý do ở «note»")
    elif criteria_set.conditions:
        problem(("conditions",), "«conditions» chỉ dùng cho bộ điều kiện («kind: dieu_kien»)")
    elif not criteria_set.criteria and not criteria_set.based_on:
        problem(("criteria",), "bộ tiêu chí cần ít nhất một tiêu chí («criteria»)")
    for index, condition in enumerate(criteria_set.conditions):
        if condition.num != index + 1:
            problem(("conditions", index, "num"), f"điều kiện thứ {index + 1} phải có «num: {index + 1}»")

    for key, items in (("groups", criteria_set.groups), ("commune_groups", criteria_set.commune_groups)):
        first: dict[int, int] = {}
        for index, item in enumerate(items):
            if item.num in first:
                problem((key, index, "num"), f"nhóm số {item.num} bị lặp lại (đã có ở dòng "
                                             f"{located.line_of((key, first[item.num], 'num'))})")
            first.setdefault(item.num, index)

    group_nums = {g.num for g in criteria_set.groups}
    seen_nums: dict[int, int] = {}
    seen_codes: dict[str, tuple] = {}
    for index, criterion in enumerate(criteria_set.criteria):
        here = ("criteria", index)
        if criterion.num in seen_nums:
            problem(here + ("num",), f"tiêu chí số {criterion.num} bị lặp lại (đã có ở dòng "
                                     f"{located.line_of(('criteria', seen_nums[criterion.num], 'num'))})")
        seen_nums.setdefault(criterion.num, index)
        inherits_groups = criteria_set.based_on is not None and "groups" not in criteria_set.model_fields_set
        if criterion.group is not None and criterion.group not in group_nums and not inherits_groups:
            known = ", ".join(str(n) for n in sorted(group_nums)) or "chưa khai báo nhóm nào trong «groups»"
            problem(here + ("group",), f"nhóm {criterion.group} không có trong danh sách nhóm ({known})")
        for position, indicator in enumerate(criterion.indicators):
            path = here + ("indicators", position, "code")
            if indicator.code.split(".")[0] != str(criterion.num):
                problem(path, f"chỉ tiêu «{indicator.code}» không thuộc tiêu chí số {criterion.num}: mã chỉ tiêu "
                              f"phải bắt đầu bằng số của tiêu chí («{criterion.num}» hoặc «{criterion.num}.1», ...)")
            elif indicator.code in seen_codes:
                problem(path, f"chỉ tiêu «{indicator.code}» bị lặp lại (đã có ở dòng "
                              f"{located.line_of(seen_codes[indicator.code])})")
            seen_codes.setdefault(indicator.code, path)

    listed = sum(len(c.indicators) for c in criteria_set.criteria)
    if criteria_set.indicator_count is not None and listed > criteria_set.indicator_count:
        problem(("indicator_count",), f"bộ có {criteria_set.indicator_count} chỉ tiêu nhưng đã liệt kê {listed}")
    return problems


def _read(path: Path, shipped: bool) -> CriteriaSet:
    """Read and check one set file. Raises InputError naming file, line and field."""
    data, located = load_yaml(path, shipped=shipped)  # shipped: libyaml's C parser, 20× faster
    if not isinstance(data, dict):
        raise InputError(Problem("tệp bộ tiêu chí phải là một nhóm trường (khoá: giá trị), bắt đầu bằng «id: ...»",
                                 located.file, 1))
    try:
        criteria_set = CriteriaSet.model_validate(data)
    except ValidationError as exc:
        problems = validation_problems(exc, located, CriteriaSet, special=_special, drop_bool_key=True)
        raise InputError(sorted(problems, key=lambda p: p.line or 0)) from None
    problems = _check(criteria_set, located)
    if problems:
        raise InputError(sorted(problems, key=lambda p: p.line or 0))
    criteria_set._file = located.file
    criteria_set._shipped = shipped
    criteria_set._id_line = located.line_of(("id",))
    criteria_set._located = located
    return criteria_set


def _set_files(folder: Path) -> list[Path]:
    shown = display_path(folder)
    if not folder.is_dir():
        reason = "không phải là thư mục" if folder.exists() else "không tồn tại"
        raise InputError(f"thư mục bộ tiêu chí «{shown}» {reason}")
    files = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    if not files:
        raise InputError(f"thư mục «{shown}» không có tệp bộ tiêu chí nào (.yaml hoặc .yml)")
    return files


def _merge(own: CriteriaSet, base: CriteriaSet) -> tuple[CriteriaSet | None, list[Problem]]:
    """A provincial set on top of its national base: its criteria replace the base's of the same number."""
    located = own._located
    if base.kind != CRITERIA:
        return None, [located.problem(("based_on",), f"«{base.id}» là bộ điều kiện, không phải bộ tiêu chí đánh số")]
    problems = []
    by_num: dict[int, Criterion] = {}
    for index, criterion in enumerate(own.criteria):
        original = base.criterion(criterion.num)
        if original is None:
            problems.append(located.problem(("criteria", index, "num"),
                                            f"bộ gốc «{base.id}» không có tiêu chí số {criterion.num} "
                                            f"(có {len(base.criteria)} tiêu chí)"))
            continue
        if "indicators" not in criterion.model_fields_set:
            criterion = criterion.model_copy(update={"indicators": original.indicators})
        if "group" not in criterion.model_fields_set:
            criterion = criterion.model_copy(update={"group": original.group})
        by_num[criterion.num] = criterion
    if problems:
        return None, problems
    update: dict[str, Any] = {"criteria": [by_num.get(c.num, c) for c in base.criteria]}
    for key in ("groups", "commune_groups", "indicator_count"):
        if key not in own.model_fields_set:
            update[key] = getattr(base, key)
    merged = own.model_copy(update=update)
    merged.__dict__.pop("criteria_by_num", None)  # the cached look-up of the set it was copied from
    return merged, []


def _read_all(files: Iterable[tuple[Path, bool]], known: dict[str, CriteriaSet]) -> dict[str, CriteriaSet]:
    """Read every file, collecting all problems before raising; ids must be unique across ``known`` too.

    Sets with ``based_on`` are completed from their base once every file is read (the base may be
    shipped or in any of the folders).
    """
    sets = dict(known)
    problems: list[Problem] = []
    pending: list[CriteriaSet] = []
    for path, shipped in files:
        try:
            criteria_set = _read(path, shipped)
        except InputError as err:
            problems += err.problems
            continue
        other = sets.get(criteria_set.id) or next((p for p in pending if p.id == criteria_set.id), None)
        if other is not None:
            where = ("bộ tiêu chí quốc gia kèm theo dispatch" if other.shipped
                     else f"tệp {other.file} (dòng {other._id_line})")
            problems.append(Problem(f"mã bộ tiêu chí «{criteria_set.id}» đã dùng ở {where}; hãy đặt mã khác",
                                    criteria_set.file, criteria_set._id_line, "id"))
            continue
        if criteria_set.based_on:
            pending.append(criteria_set)
        else:
            sets[criteria_set.id] = criteria_set
    while pending:
        ready = [p for p in pending if p.based_on in sets]
        if not ready:
            for own in pending:
                if own.based_on in {p.id for p in pending}:
                    message = f"bộ «{own.id}» và bộ gốc «{own.based_on}» dựa vào nhau thành vòng"
                else:
                    message = f"không có bộ gốc «{own.based_on}».{did_you_mean(own.based_on, sets)}"
                problems.append(own._located.problem(("based_on",), message))
            break
        for own in ready:
            pending.remove(own)
            merged, found = _merge(own, sets[own.based_on])
            problems += found
            if merged is not None:
                sets[merged.id] = merged
    if problems:
        raise InputError(problems)
    return sets


@functools.cache
def _shipped_sets() -> dict[str, CriteriaSet]:
    return _read_all(((path, True) for path in sorted(SHIPPED_DIR.glob("*.yaml"))), {})


def load_sets(extra_dirs: Iterable[Path] = ()) -> dict[str, CriteriaSet]:
    """The shipped sets plus every ``*.yaml``/``*.yml`` set in ``extra_dirs``, by id."""
    files = [(path, False) for folder in extra_dirs for path in _set_files(Path(folder))]
    return _read_all(files, _shipped_sets())


@functools.cache
def _shipped_set(set_id: str) -> CriteriaSet | None:
    """The shipped set ``set_id`` read alone from ``<set_id>.yaml`` (every shipped file is named by its id,
    ``tests/test_startup.py`` checks it): a letter uses one or two sets, and reading all six cost a single
    build 10-20 ms more. None when there is no such file, or it cannot stand alone (``based_on``): read them all."""
    if _shipped_sets.cache_info().currsize:
        return _shipped_sets().get(set_id)
    path = SHIPPED_DIR / f"{set_id}.yaml"
    if not _SET_ID.fullmatch(set_id) or not path.is_file():
        return None
    try:
        return _read_all([(path, True)], {}).get(set_id)
    except InputError:
        return None


def get_set(set_id: str, extra_dirs: Iterable[Path] = ()) -> CriteriaSet:
    """The set ``set_id``; InputError listing the known ids (and the closest one) if there is none."""
    extra_dirs = list(extra_dirs)
    if not extra_dirs:
        alone = _shipped_set(set_id)
        if alone is not None:
            return alone
    sets = load_sets(extra_dirs)
    if set_id in sets:
        return sets[set_id]
    raise InputError(f"không có bộ tiêu chí «{set_id}».{did_you_mean(set_id, sets)} Các bộ hiện có: "
                     f"{', '.join(sorted(sets))}.")


# --- plain-text views (the ``dispatch criteria`` command) ----------------------


def _mark(status: str) -> str:
    return "" if status == "confirmed" else f" [{STATUS_LABELS[status]}]"


def validity(criteria_set: CriteriaSet) -> str:
    text = f"từ {short_date(criteria_set.valid_from)}"
    if criteria_set.valid_to:
        text += f" đến {short_date(criteria_set.valid_to)}"
    return text


def _status_summary(criteria_set: CriteriaSet) -> str:
    counts = criteria_set.status_counts()
    if criteria_set.kind == CONDITIONS and not criteria_set.conditions:
        return "CHƯA CÓ NỘI DUNG đã kiểm chứng (xem ghi chú)"
    if criteria_set.fully_confirmed:
        return "tất cả đã kiểm chứng"
    parts = [f"{STATUS_LABELS[s].upper() if s == 'unverified' else STATUS_LABELS[s]}: {counts[s]} mục"
             for s in ("unverified", "partial") if counts[s]]
    return "; ".join(parts)


def _indicator_summary(criteria_set: CriteriaSet) -> str:
    if criteria_set.kind == CONDITIONS:
        return f"{len(criteria_set.conditions)} điều kiện (không phải tiêu chí đánh số)"
    listed = sum(len(c.indicators) for c in criteria_set.criteria)
    text = f"{len(criteria_set.criteria)} tiêu chí"
    if criteria_set.indicator_count:
        text += f", {criteria_set.indicator_count} chỉ tiêu (đã ghi {listed})"
    else:
        text += f", đã ghi {listed} chỉ tiêu"
    return text


def format_list(sets: dict[str, CriteriaSet]) -> str:
    """The overview printed by ``dispatch criteria``."""
    lines = [f"Có {len(sets)} bộ tiêu chí:"]
    for set_id in sorted(sets):
        criteria_set = sets[set_id]
        lines += [
            "",
            set_id,
            f"  {criteria_set.name}",
            f"  {criteria_set.decision.text()}",
            f"  Hiệu lực: {validity(criteria_set)}",
            f"  {_indicator_summary(criteria_set)}; {_status_summary(criteria_set)}",
        ]
        if not criteria_set.shipped:
            lines.append(f"  Tệp: {criteria_set.file}")
    lines += ["", "Xem chi tiết một bộ: dispatch criteria MÃ_BỘ"]
    return "\n".join(lines)


_UNIT_WORDS = {"xa": "xã", "phuong": "phường", "dac_khu": "đặc khu"}  # results.UNIT_TYPES (which imports this module)


def format_set(criteria_set: CriteriaSet) -> str:
    """Every criterion of one set with its indicators and status marks."""
    decision = criteria_set.decision.text()
    if criteria_set.decision.annex:
        decision += f" ({criteria_set.decision.annex})"
    lines = [
        f"{criteria_set.name} ({criteria_set.id})",
        f"Tên dùng trong câu: {criteria_set.short_name}",
        f"Ban hành: {decision}",
        f"Hiệu lực: {validity(criteria_set)}",
        f"Quy mô: {_indicator_summary(criteria_set)}",
        f"Kiểm chứng: {_status_summary(criteria_set)}",
    ]
    if criteria_set.based_on:
        lines.append(f"Dựa trên bộ: {criteria_set.based_on} (các tiêu chí không ghi lại giữ như bộ gốc)")
    lines.append(f"Áp dụng cho: {', '.join(_UNIT_WORDS[k] for k in _UNIT_WORDS if k in criteria_set.applies_to)}")
    if not criteria_set.shipped:
        lines.append(f"Tệp: {criteria_set.file}")
    if criteria_set.note:
        lines.append(f"Ghi chú: {criteria_set.note}")
    if criteria_set.sources:
        lines.append("Nguồn:")
        lines += [f"  - {source}" for source in criteria_set.sources]
    if criteria_set.groups:
        lines += ["", "Nhóm nội dung:"]
        lines += [f"  Nhóm {g.num} – {g.name}{_mark(g.status)}" for g in criteria_set.groups]
    if criteria_set.commune_groups:
        lines += ["", "Nhóm xã:"]
        lines += [f"  Nhóm {g.num} – {g.description}{_mark(g.status)}" for g in criteria_set.commune_groups]
    if criteria_set.kind == CONDITIONS:
        lines += ["", "Điều kiện:"]
        lines += [f"  {c.num}. {c.text}{_mark(c.status)}" for c in criteria_set.conditions]
        if not criteria_set.conditions:
            lines.append("  (chưa có điều kiện nào đã kiểm chứng; xem ghi chú)")
    else:
        lines += ["", "Tiêu chí:"]
    for criterion in sorted(criteria_set.criteria, key=lambda c: c.num):
        group = f" (nhóm {criterion.group})" if criterion.group is not None else ""
        lines.append(f"  {criterion.title()}{group}{_mark(criterion.status)}")
        for indicator in criterion.indicators:
            name = indicator.name or "(chưa ghi tên)"
            lines.append(f"      {indicator.code} – {name}{_mark(indicator.status)}")
    if not criteria_set.fully_confirmed:
        lines += [
            "",
            "Ký hiệu: mục không có dấu ngoặc vuông đã kiểm chứng; [kiểm chứng một phần]: có nguồn nhưng số thứ tự, "
            "nhóm hoặc tên chưa đối chiếu đủ với văn bản gốc; [chưa kiểm chứng]: chưa có nguồn, không dùng nguyên "
            "văn trong công văn trước khi đối chiếu văn bản gốc.",
        ]
    return "\n".join(lines)
