"""Dates as Nghị định 30/2020 writes them (Phụ lục I, §II.4.b).

"đối với những số thể hiện ngày nhỏ hơn 10 và tháng 1, 2 phải ghi thêm số 0 phía
trước": ``ngày 08 tháng 3 năm 2018``, ``ngày 05 tháng 01 năm 2020``. No CLDR/babel
pattern pads the month only when it is below 3, so the rule is written here, once.
Babel is used for what it does well: the weekday names (imported when one is asked for: no letter
prints one today, and importing babel was a fiftieth of a single build's start-up).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

BLANK = " " * 6  # the space left for a day or month the văn thư fills in by hand


def day_text(day: int) -> str:
    """Day of month: two digits below 10 (``08``), plain otherwise."""
    return f"{day:02d}"


def month_text(month: int) -> str:
    """Month: ``01`` and ``02`` padded, ``3`` to ``12`` plain."""
    return f"{month:02d}" if month < 3 else str(month)


def decree_date(date: dt.date) -> str:
    """``ngày 08 tháng 3 năm 2018``."""
    return f"ngày {day_text(date.day)} tháng {month_text(date.month)} năm {date.year}"


def short_date(date: dt.date) -> str:
    """``08/3/2018``, the short form used inside the body of the seeds (same padding rule)."""
    return f"{day_text(date.day)}/{month_text(date.month)}/{date.year}"


def weekday(date: dt.date) -> str:
    """``thứ Sáu``, ``Chủ nhật`` (Phụ lục II §V.8.c capitalisation; babel gives ``Thứ Sáu``, ``Chủ Nhật``)."""
    from babel.dates import get_day_names  # lazy: babel's import for the one function that needs it

    name = get_day_names("wide", locale="vi")[date.weekday()]
    if name.lower() == "chủ nhật":
        return "Chủ nhật"
    return "thứ" + name[3:]


@dataclass(frozen=True)
class IssueDate:
    """Thời gian ban hành: a full date, or a draft with the day (and the month) left blank."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def is_complete(self) -> bool:
        return self.day is not None and self.month is not None

    def as_date(self) -> dt.date:
        """The date for document properties: blanks count as the first day/month."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def text(self) -> str:
        """``ngày 08 tháng 3 năm 2018``, ``ngày       tháng 9 năm 2024``."""
        if self.is_complete:
            return decree_date(self.as_date())
        day = day_text(self.day) if self.day else BLANK
        month = month_text(self.month) if self.month else BLANK
        return f"ngày {day} tháng {month} năm {self.year}"

    @classmethod
    def parse(cls, value: object) -> "IssueDate":
        """Accept ``2018-03-08`` (a YAML date), ``08/3/2018``, ``8-3-2018``, ``9/2024``, ``2024``."""
        if isinstance(value, IssueDate):
            return value
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        if isinstance(value, bool):
            raise ValueError("ngày phải có dạng ngày/tháng/năm, ví dụ 08/3/2018")
        if isinstance(value, int):
            return cls._checked(value, None, None)
        if not isinstance(value, str):
            raise ValueError("ngày phải có dạng ngày/tháng/năm, ví dụ 08/3/2018")
        return _parsed_text(value) if cls is IssueDate else cls._from_text(value)

    @classmethod
    def _from_text(cls, value: str) -> "IssueDate":
        text = value.strip()
        iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
        if iso:
            return cls._checked(int(iso[1]), int(iso[2]), int(iso[3]))
        parts = re.split(r"\s*[/.\-]\s*", text)
        if not all(p.isdigit() for p in parts) or not 1 <= len(parts) <= 3 or len(parts[-1]) != 4:
            raise ValueError(
                f"«{value}» không phải là ngày: viết ngày/tháng/năm (08/3/2018), tháng/năm (9/2024) "
                "khi để trống ngày, hoặc chỉ năm (2024)"
            )
        numbers = [int(p) for p in parts]
        year = numbers[-1]
        month = numbers[-2] if len(numbers) >= 2 else None
        day = numbers[0] if len(numbers) == 3 else None
        return cls._checked(year, month, day)

    @classmethod
    def _checked(cls, year: int, month: int | None, day: int | None) -> "IssueDate":
        if not 1900 <= year <= 2200:
            raise ValueError(f"năm {year} không hợp lý")
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"tháng {month} không tồn tại")
        if day is not None:
            try:
                dt.date(year, month, day)
            except ValueError:
                raise ValueError(f"ngày {day:02d}/{month:02d}/{year} không tồn tại") from None
        return cls(year, month, day)


@lru_cache(maxsize=256)
def _parsed_text(value: str) -> IssueDate:
    """``IssueDate.parse`` of a text, once per text: a bulk run reads the letter's date, and the deadline of
    every commune from the same few texts, for each letter (the date is frozen: one object serves all)."""
    return IssueDate._from_text(value)
