"""Assessments as data: which criteria each commune meets, lost, had appraised.

The user gives the facts (inline in the dispatch YAML under ``danh_gia``, or in a
CSV/Excel table, one row per commune); ``dispatch`` checks them against the
criteria set and derives what clerks used to count by hand: met N/M, not yet met,
fell back since the last assessment, appraised criteria and indicators.

This module holds the facts: the input models, the checked ``CommuneAssessment`` and
``Assessments``, and ``check_commune`` (one commune against its set), used by the YAML and the
table readers alike. Putting it together (inline communes, the table, warnings) is
``resolve.py``, which imports the table reader (``table.py``); this module imports neither.

**Unit types.** Since 01/7/2025 the commune level is xã, phường and đặc khu. Each assessed unit
has a type (``UnitType``): the table's column «Loại» (or «Cấp»: Xã, Phường, Đặc khu), the
inline ``loai``, or the name's own prefix («Phường Đông Kinh»); none of them: xã. A type given
twice that disagrees («Loại: Xã» for «Phường Đông Kinh»), or any other value («Thị trấn»), is
refused with its place. A set applies to the unit types it lists (``CriteriaSet.applies_to``,
default xã only): a phường under a set for xã is refused. Units are keyed by name for xã
(``Minh Tiến``, as before) and by full name otherwise (``Phường Đông Kinh``), so «Xã Đông Kinh»
and «Phường Đông Kinh» are two units; a name without a type means the xã, or else the one unit
of that name. They are listed xã first, then phường, then đặc khu, each in dictionary order
(``ORDER``: the order of the Nghị quyết of the Ủy ban Thường vụ Quốc hội on each province's
units, e.g. 1672/NQ-UBTVQH15 for Lạng Sơn: «61 xã và 04 phường»).
"""
# No ``from __future__ import annotations`` here: pydantic compiled each field's annotation text again (a
# ``typing.ForwardRef``) to build the models, a few milliseconds of every start-up.

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Annotated, Any, Callable

from pydantic import AfterValidator, BeforeValidator, Field

from generator.vi.collation import vi_sorted
from generator.assessments.criteria import CriteriaSet, Criterion
from generator.vi.dates import IssueDate, short_date
from generator.exceptions import Problem
from generator.model.base import InputModel, Text, empty_list

ALL = "tat_ca"  # in a body block: every assessed commune, in Vietnamese alphabetical order
# body blocks written from the assessments: one dashed item per commune (tong_hop: one paragraph
# about all the communes named; phan_cong: one item per criterion not met, in bulk letters)
ASSESSMENT_KINDS = ("ket_qua", "chua_dat", "sut_giam", "tham_dinh", "phan_cong", "tong_hop")
DEFAULT_APPRAISER = "các Sở, ngành của tỉnh"


def commune_name(value: str) -> str:
    """``Xã Minh Tiến`` and ``Minh Tiến`` name the same commune; sentences add "Xã" themselves."""
    return re.sub(r"^\s*xã\s+", "", value, flags=re.IGNORECASE).strip()


@dataclass(frozen=True)
class UnitType:
    """A type of commune-level unit (đơn vị hành chính cấp xã) since 01/7/2025."""

    key: str  # as in a set's ``applies_to``: xa, phuong, dac_khu
    word: str  # in running text: "xã", "phường", "đặc khu" ("Ủy ban nhân dân phường Đông Kinh")
    slug: str  # file names: "phuong-dong-kinh.docx"

    @property
    def title(self) -> str:
        """At the start of a sentence or a table cell: "Phường"."""
        return self.word[:1].upper() + self.word[1:]

    def __reduce__(self):
        """Pickled (a campaign sent to a spawned worker, a copy) as its key: it comes back as the very ``XA``,
        ``PHUONG`` or ``DAC_KHU`` of the process, which the code compares by identity (``unit is XA``)."""
        return _unit_of_key, (self.key,)


def _unit_of_key(key: str) -> "UnitType":
    return _UNIT_BY_KEY[key]


XA = UnitType("xa", "xã", "xa")
PHUONG = UnitType("phuong", "phường", "phuong")
DAC_KHU = UnitType("dac_khu", "đặc khu", "dac-khu")
UNIT_TYPES = (XA, PHUONG, DAC_KHU)  # also the order of a list: xã, then phường, then đặc khu
_UNIT_BY_KEY = {u.key: u for u in UNIT_TYPES}
_UNIT_SPELLINGS = {"xã": XA, "xa": XA, "phường": PHUONG, "phuong": PHUONG, "p.": PHUONG,
                   "đặc khu": DAC_KHU, "dac khu": DAC_KHU, "dac_khu": DAC_KHU}
_GONE = ("thị trấn", "thi tran", "huyện", "quận", "thị xã", "thành phố")
_PREFIX = re.compile(r"^\s*(xã|phường|đặc\s+khu)\s+(?=\S)", re.IGNORECASE)


def unit_type(value: Any) -> UnitType:
    """The unit type a cell or ``loai`` names (any case); a ValueError in Vietnamese otherwise."""
    if isinstance(value, UnitType):
        return value
    text = " ".join(unicodedata.normalize("NFC", str(value)).split()).casefold()
    found = _UNIT_SPELLINGS.get(text) or _UNIT_BY_KEY.get(text)
    if found is not None:
        return found
    if text in _GONE:
        raise ValueError(f"«{value}» không còn là đơn vị hành chính từ 01/7/2025 (chính quyền địa phương hai cấp: "
                         "tỉnh; xã, phường, đặc khu): ghi Xã, Phường hoặc Đặc khu theo tên đơn vị sau sắp xếp")
    raise ValueError(f"«{value}» không phải loại đơn vị cấp xã: ghi Xã, Phường hoặc Đặc khu")


def _unit_text(value: str | None) -> str | None:
    """``loai`` as typed, checked (``unit_type`` reads it)."""
    if value is not None:
        unit_type(value)
    return value


def applies_label(keys) -> str:
    """``["xa", "phuong"]`` -> ``xã, phường``."""
    return ", ".join(u.word for u in UNIT_TYPES if u.key in keys)


def split_unit(value: str) -> tuple[UnitType | None, str]:
    """``Phường Đông Kinh`` -> (phường, ``Đông Kinh``); ``Đông Kinh`` -> (None, ``Đông Kinh``)."""
    match = _PREFIX.match(value)
    if match is None:
        return None, value.strip()
    return unit_type(match.group(1)), value[match.end():].strip()


def unit_of_key(key: str) -> tuple[UnitType, str]:
    """A key of ``Assessments.communes`` -> (its type, its name without the type): xã are keyed by name."""
    unit, name = split_unit(key)
    return (unit, name) if unit is not None and unit is not XA else (XA, key)


def label_of_key(key: str) -> str:
    """``Phường Đông Kinh`` -> ``phường Đông Kinh``; ``Minh Tiến`` -> ``xã Minh Tiến`` (in running text)."""
    unit, name = unit_of_key(key)
    return f"{unit.word} {name}"


# the five tone marks (huyền, sắc, hỏi, ngã, nặng) as combining characters; â, ă, ê, ô, ơ, ư keep theirs
_TONES = "\u0300\u0301\u0309\u0303\u0323"


def name_key(value: str) -> str:
    """What two spellings of one commune share: ``Hoà Bình``, ``Hòa  bình`` and ``HÒA BÌNH`` give one key.

    Case and spacing are ignored, and so is where a syllable carries its tone mark (the old «hòa, thủy,
    hóa» and the new «hoà, thuỷ, hoá» placements): each word is compared as its letters plus its tone.
    For comparison only; the name is printed as typed.
    """
    words = []
    for word in commune_name(unicodedata.normalize("NFC", value)).casefold().split():
        decomposed = unicodedata.normalize("NFD", word)
        tones = "".join(sorted(ch for ch in decomposed if ch in _TONES))
        letters = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
        words.append(letters + tones)
    return " ".join(words)


def name_problem(name: str) -> str | None:
    """Why a commune name cannot be used as typed (None when it can).

    A name is data: it is printed exactly as typed wherever it goes (Kính gửi, trích yếu, the body), so
    it must be one line (a line break typed with Alt+Enter in an Excel cell would split Kính gửi into two
    recipients), and it must not be a word the input gives a meaning to (``tat_ca``, ``xa_nay``).
    """
    if "\n" in name or "\r" in name:
        shown = name.replace("\r\n", "\n").replace("\r", "\n")
        return (f"tên xã «{shown.replace(chr(10), '↵')}» có xuống dòng (Alt+Enter trong ô Excel): tên xã in vào "
                "«Kính gửi» và nội dung nguyên như đã gõ, nên phải nằm trên một dòng; xoá chỗ xuống dòng")
    if commune_name(name).casefold() in (ALL, "xa_nay"):
        return f"«{name}» là từ khoá của tệp đầu vào (tat_ca: mọi xã; xa_nay: xã nhận thư), không dùng làm tên xã"
    return None


def _indicator_code(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError(f'viết mã chỉ tiêu trong ngoặc kép, ví dụ "{value}" (không có ngoặc kép, 13.10 bị đọc thành 13.1)')
    return str(value).strip() if isinstance(value, (int, str)) and not isinstance(value, bool) else value


Code = Annotated[str, BeforeValidator(_indicator_code)]
Date = Annotated[IssueDate, BeforeValidator(IssueDate.parse)]




class PreviousInput(InputModel):
    date: Date | None = Field(None, alias="ngay", description="Ngày của lần đánh giá trước")
    set_id: Text | None = Field(None, alias="bo_tieu_chi",
                                description="Bộ tiêu chí của lần đánh giá trước (mặc định: bộ của xã)")
    met: list[int] = Field(alias="dat", description="Các tiêu chí đã đạt ở lần đánh giá trước")


class AppraisalInput(InputModel):
    date: Date = Field(alias="ngay", description="Ngày thẩm định")
    by: Text = Field(DEFAULT_APPRAISER, alias="don_vi", description="Đơn vị thẩm định")
    criteria: list[int] = Field(default_factory=empty_list, alias="tieu_chi", description="Tiêu chí được thẩm định đạt")
    indicators: list[Code] = Field(default_factory=empty_list, alias="chi_tieu",
                                   description='Chỉ tiêu được thẩm định đạt (trong ngoặc kép: "13.2")')


class CommuneInput(InputModel):
    name: Text = Field(alias="ten", description="Tên xã (không cần chữ «xã»); phường, đặc khu: «Phường Đông Kinh» "
                                                "hoặc ghi «loai»")
    unit: Annotated[Text | None, AfterValidator(_unit_text)] = Field(
        None, alias="loai", description="Loại đơn vị: Xã, Phường hoặc Đặc khu (mặc định: theo tên, nếu không thì xã)")
    set_id: Text | None = Field(None, alias="bo_tieu_chi", description="Bộ tiêu chí riêng của xã này")
    group: int | None = Field(None, alias="nhom", description="Nhóm xã theo bộ tiêu chí (bộ 2026-2030: 1, 2 hoặc 3)")
    met: list[int] = Field(default_factory=empty_list, alias="dat", description="Các tiêu chí đã đạt (số)")
    stated_count: int | None = Field(None, alias="so_tieu_chi_dat", description="Số tiêu chí đạt theo báo cáo (để đối chiếu)")
    previous: PreviousInput | None = Field(None, alias="lan_truoc", description="Lần đánh giá trước (để thấy tiêu chí sụt giảm)")
    appraisal: AppraisalInput | None = Field(None, alias="tham_dinh", description="Kết quả thẩm định")
    target_year: int | None = Field(None, alias="nam_phan_dau", description="Năm phấn đấu đạt chuẩn")
    deadline: Date | None = Field(None, alias="han", description="Hạn hoàn thành riêng của xã (thư nhắc hàng loạt)")


class AssessmentsInput(InputModel):
    set_id: Text = Field(alias="bo_tieu_chi", description="Bộ tiêu chí mặc định, ví dụ xa_ntm_2021_2025 (xem «dispatch criteria»)")
    set_dirs: list[Text] = Field(default_factory=empty_list, alias="thu_muc_bo_tieu_chi",
                                 description="Thư mục chứa bộ tiêu chí của tỉnh (tính từ tệp YAML)")
    table: Text | None = Field(None, alias="bang", description="Bảng đánh giá .csv hoặc .xlsx, mỗi xã một hàng")
    sheet: Text | None = Field(None, alias="trang_tinh", description="Tên trang tính trong tệp Excel (mặc định: trang đang mở khi mở tệp bằng Excel)")
    communes: list[CommuneInput] = Field(default_factory=empty_list, alias="xa", description="Đánh giá từng xã")


@dataclass(frozen=True)
class Appraisal:
    date: IssueDate
    by: str
    criteria: tuple[int, ...]
    indicators: tuple[str, ...]

    def groups(self, criteria_set: CriteriaSet) -> list[tuple[Criterion, tuple[str, ...]]]:
        """Whole criteria (no codes) and indicator groups, in criterion order."""
        out = [(criteria_set.criterion(n), ()) for n in self.criteria]
        by_criterion: dict[int, list[str]] = {}
        for code in self.indicators:
            by_criterion.setdefault(int(code.split(".")[0]), []).append(code)
        out += [(criteria_set.criterion(n), tuple(codes)) for n, codes in by_criterion.items()]
        return sorted(out, key=lambda item: item[0].num)


@dataclass(frozen=True)
class CommuneAssessment:
    name: str
    criteria_set: CriteriaSet
    met: tuple[int, ...]
    previous_met: tuple[int, ...] | None = None
    previous_date: IssueDate | None = None
    appraisal: Appraisal | None = None
    target_year: int | None = None
    deadline: IssueDate | None = None
    group: int | None = None  # nhóm xã of its set (commune_groups)
    unit: UnitType = XA

    @property
    def key(self) -> str:
        """Its key in ``Assessments.communes``: the name for a xã, the full name otherwise."""
        return self.name if self.unit is XA else self.full_name

    @property
    def full_name(self) -> str:
        """``Phường Đông Kinh``, ``Xã Minh Tiến``: at the start of a sentence, in a list of mixed types."""
        return f"{self.unit.title} {self.name}"

    @property
    def in_text(self) -> str:
        """``phường Đông Kinh``: inside a sentence ("Ủy ban nhân dân phường Đông Kinh")."""
        return f"{self.unit.word} {self.name}"

    @property
    def total(self) -> int:
        return len(self.criteria_set.criteria)

    @property
    def not_met(self) -> tuple[int, ...]:
        return tuple(c.num for c in self.criteria_set.criteria if c.num not in self.met)

    @property
    def fell_back(self) -> tuple[int, ...]:
        """Met at the previous assessment, not met now."""
        if self.previous_met is None:
            return ()
        return tuple(n for n in self.previous_met if n not in self.met)

    def criteria(self, numbers) -> list[Criterion]:
        return [self.criteria_set.criterion(n) for n in numbers]


@dataclass(frozen=True)
class Assessments:
    default_set: CriteriaSet
    communes: dict[str, CommuneAssessment]
    warnings: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()  # rows left out (bulk runs go on without them)

    def select(self, names: list[str]) -> list[CommuneAssessment]:
        if names == [ALL]:
            return in_order(self.communes.values())
        found = [self.find(n) for n in names]
        if None in found:
            raise KeyError(names[found.index(None)])
        return found

    def ordered_keys(self) -> list[str]:
        """Keys of ``communes`` in the order of every list: xã, then phường, then đặc khu (module docstring)."""
        return [c.key for c in in_order(self.communes.values())]

    def find(self, name: str) -> CommuneAssessment | None:
        """The unit ``name`` means, however its case, spacing or tone marks are placed (see ``name_key``).

        ``Phường Đông Kinh`` names the phường; ``Đông Kinh`` the xã of that name, or else the one unit of that
        name whatever its type.
        """
        unit, bare = split_unit(name)
        found = self.communes.get(bare if unit in (None, XA) else f"{unit.title} {bare}")
        if found is None:
            key = name_key(bare)
            matches = [c for c in self.communes.values()
                       if name_key(c.name) == key and (unit is None or c.unit is unit)]
            xa = [c for c in matches if c.unit is XA]
            found = xa[0] if xa else matches[0] if len(matches) == 1 else None
        return found


def in_order(communes) -> list[CommuneAssessment]:
    """Xã, then phường, then đặc khu; each in Vietnamese dictionary order (``vi/collation.py``)."""
    rank = {u.key: i for i, u in enumerate(UNIT_TYPES)}
    by_name = vi_sorted(communes, key=lambda c: c.name)
    return sorted(by_name, key=lambda c: rank[c.unit.key])  # stable: the dictionary order stays within a type


def units_word(communes) -> str:
    """What a list of units is called: ``xã``; ``phường``; ``xã, phường`` (types present, in order)."""
    present = {c.unit.key for c in communes}
    return ", ".join(u.word for u in UNIT_TYPES if u.key in present) or XA.word


def count_words(communes, pad) -> str:
    """How many of each type: ``04 xã``; ``05 xã và 01 phường`` (``pad``: the padding rule of counts)."""
    counts = [(sum(1 for c in communes if c.unit is u), u.word) for u in UNIT_TYPES]
    parts = [f"{pad(n)} {word}" for n, word in counts if n]
    return " và ".join(parts) if len(parts) <= 2 else ", ".join(parts[:-1]) + " và " + parts[-1]


Locate = Callable[[tuple, str], Problem]


def check_commune(
    name: str,
    criteria_set: CriteriaSet,
    met: list[int],
    locate: Locate,
    stated_count: int | None = None,
    previous: PreviousInput | None = None,
    appraisal: AppraisalInput | None = None,
    target_year: int | None = None,
    deadline: IssueDate | None = None,
    group: int | None = None,
    previous_set: CriteriaSet | None = None,
    unit: UnitType | None = None,
) -> tuple[CommuneAssessment | None, list[Problem]]:
    """Check one commune's facts against its set; every problem located with ``locate(path, msg)``.

    ``previous_set``: the set the previous assessment was made under, when the input names one
    (otherwise the commune's own set is assumed, unless the previous assessment predates it).
    ``unit``: the type given apart from the name (column «Loại», ``loai``); the name's own prefix
    («Phường Đông Kinh») must agree with it.
    """
    problems: list[Problem] = []
    named_unit, bare = split_unit(name)
    if unit is not None and named_unit is not None and unit is not named_unit:
        return None, [locate(("loai",), f"loại đơn vị ghi là «{unit.title}» nhưng tên «{name}» là tên một "
                                        f"{named_unit.word}: sửa một trong hai cho khớp")]
    unit = unit or named_unit or XA
    if unit.key not in criteria_set.applies_to:
        return None, [locate(("loai",), f"{unit.word} «{bare}» không đánh giá theo bộ «{criteria_set.id}» "
                                        f"({criteria_set.name}): bộ này chỉ dùng cho "
                                        f"{applies_label(criteria_set.applies_to)} (xem docs/criteria.md, «Xã, phường, "
                                        "đặc khu»); ghi bộ tiêu chí dành cho "
                                        f"{unit.word} ở cột «Bộ tiêu chí» («bo_tieu_chi»), hoặc bỏ {unit.word} này "
                                        "khỏi bảng")]
    if group is not None:
        problems += _check_group(group, criteria_set, locate)
    if previous is not None:
        problems += _check_previous_set(previous, previous_set, criteria_set, locate)
        if problems:
            return None, problems
    known = {c.num for c in criteria_set.criteria}
    label = f"bộ «{criteria_set.id}» có {len(known)} tiêu chí (số 1 đến {max(known)})"

    def numbers(values: list[int], path: tuple) -> tuple[int, ...]:
        seen: list[int] = []
        for i, n in enumerate(values):
            if n not in known:
                problems.append(locate(path + (i,), f"không có tiêu chí số {n}: {label}"))
            elif n in seen:
                problems.append(locate(path + (i,), f"tiêu chí số {n} ghi hai lần"))
            else:
                seen.append(n)
        return tuple(sorted(seen))

    met_nums = numbers(met, ("dat",))
    if stated_count is not None and stated_count != len(met_nums):
        problems.append(locate(("so_tieu_chi_dat",),
                               f"ghi đạt {stated_count} tiêu chí nhưng danh sách «dat» có {len(met_nums)} tiêu chí "
                               f"({', '.join(map(str, met_nums)) or 'không có'})"))
    previous_met = numbers(previous.met, ("lan_truoc", "dat")) if previous else None
    result_appraisal = None
    if appraisal:
        crits = numbers(appraisal.criteria, ("tham_dinh", "tieu_chi"))
        codes: list[str] = []
        for i, code in enumerate(appraisal.indicators):
            path = ("tham_dinh", "chi_tieu", i)
            head = code.split(".")[0]
            criterion = criteria_set.criterion(int(head)) if head.isdigit() and "." in code else None
            if criterion is None:
                problems.append(locate(path, f"chỉ tiêu «{code}» không thuộc tiêu chí nào của bộ «{criteria_set.id}» "
                                             "(mã chỉ tiêu có dạng <số tiêu chí>.<số thứ tự>, ví dụ 13.2)"))
            elif criterion.indicators and criteria_set.indicator(code) is None:
                listed = ", ".join(i.code for i in criterion.indicators)
                problems.append(locate(path, f"chỉ tiêu «{code}» không thuộc tiêu chí số {criterion.num} – "
                                             f"{criterion.name} (gồm các chỉ tiêu {listed})"))
            elif criterion.num in crits:
                problems.append(locate(path, f"chỉ tiêu «{code}» thuộc tiêu chí số {criterion.num} đã được ghi là "
                                             "đạt cả tiêu chí"))
            elif code in codes:
                problems.append(locate(path, f"chỉ tiêu «{code}» ghi hai lần"))
            else:
                codes.append(code)
        codes.sort(key=lambda c: [int(p) for p in c.split(".")])
        result_appraisal = Appraisal(appraisal.date, appraisal.by, crits, tuple(codes))
    if problems:
        return None, problems
    return CommuneAssessment(
        name=bare,
        unit=unit,
        criteria_set=criteria_set,
        met=met_nums,
        previous_met=previous_met,
        previous_date=previous.date if previous else None,
        appraisal=result_appraisal,
        target_year=target_year,
        deadline=deadline,
        group=group,
    ), []


def _check_group(group: int, criteria_set: CriteriaSet, locate: Locate) -> list[Problem]:
    if not criteria_set.commune_groups:
        return [locate(("nhom",), f"bộ «{criteria_set.id}» không chia nhóm xã; bỏ «nhom» hoặc dùng bộ có nhóm xã "
                                  "(ví dụ xa_ntm_2026_2030)")]
    if criteria_set.commune_group(group) is None:
        known = ", ".join(str(g.num) for g in criteria_set.commune_groups)
        return [locate(("nhom",), f"bộ «{criteria_set.id}» có các nhóm xã {known}; không có nhóm {group}")]
    return []


def _last_day(date: IssueDate) -> dt.date:
    """The latest day a date with blanks (``12/2025``, ``2025``) can mean."""
    if date.is_complete:
        return date.as_date()
    if date.month:
        following = dt.date(date.year + (date.month == 12), date.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return dt.date(date.year, 12, 31)


def _check_previous_set(previous: PreviousInput, previous_set: CriteriaSet | None, current: CriteriaSet,
                        locate: Locate) -> list[Problem]:
    """Compare only like with like: criterion numbers mean different things in different sets."""
    if previous_set is not None and previous_set.id != current.id:
        return [locate(("lan_truoc", "bo_tieu_chi"),
                       f"lần đánh giá trước theo bộ «{previous_set.id}» ({len(previous_set.criteria)} tiêu chí), lần "
                       f"này theo bộ «{current.id}» ({len(current.criteria)} tiêu chí): số thứ tự tiêu chí của hai bộ "
                       "không cùng nghĩa và dữ liệu chưa có bảng tương ứng giữa hai bộ, nên không so sánh để tìm "
                       f"tiêu chí sụt giảm. Bỏ «lan_truoc», hoặc ghi kết quả lần trước theo bộ «{current.id}»")]
    if previous_set is None and previous.date is not None and _last_day(previous.date) < current.valid_from:
        return [locate(("lan_truoc", "ngay"),
                       f"lần đánh giá trước ({_shown(previous.date)}) trước khi bộ «{current.id}» có hiệu lực "
                       f"({short_date(current.valid_from)}), nên có thể đã theo bộ khác: ghi «bo_tieu_chi» của lần "
                       "trước trong «lan_truoc». Hai bộ khác nhau không so sánh số thứ tự tiêu chí với nhau")]
    return []


def _shown(date: IssueDate) -> str:
    if date.is_complete:
        return short_date(date.as_date())
    return f"{date.month}/{date.year}" if date.month else str(date.year)
