"""Warn when a dated letter names a level of local government that no longer existed then.

Since 01/7/2025 local government has two tiers (tỉnh; xã, phường, đặc khu): a letter dated
after that from "ỦY BAN NHÂN DÂN HUYỆN …", or to "UBND các xã, thị trấn", names a body
that did not exist at its date. That is a warning, never a refusal: old letters are
reissued and quoted. The levels, their patterns, sources and confidence are data,
``data/admin_levels.yaml``.

Checked: the issuing organ and the parent organ (lines joined), each item of ``kinh_gui``
and of ``noi_nhan``. Not the body, which may quote an old letter. A date with blanks
(``9/2025``, ``2025``) counts as its first possible day, so a draft is warned about only
when every day it could get is after the change.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from generator import resources
from generator.vi.dates import short_date
from generator.exceptions import Problem, format_field

DATA = resources.DATA / "admin_levels.yaml"


@dataclass(frozen=True)
class Level:
    id: str
    name: str
    patterns: tuple[re.Pattern, ...]
    use_instead: str
    status: str

    def found_in(self, text: str) -> str | None:
        """The words of ``text`` that name this level, as typed; None when it does not."""
        for pattern in self.patterns:
            match = pattern.search(text)
            if match:
                return match.group(0)
        return None


@lru_cache(maxsize=1)
def levels() -> tuple[dt.date, tuple[Level, ...]]:
    """The date of the change and the abolished levels, most specific first."""
    # libyaml's C parser when PyYAML has it (a shipped file: about ten times faster than PyYAML's own)
    data = yaml.load(DATA.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    found = tuple(
        Level(entry["id"], entry["name"],
              tuple(re.compile(unicodedata.normalize("NFC", p), re.IGNORECASE) for p in entry["patterns"]),
              entry["use_instead"], entry["status"])
        for entry in data["levels"]
    )
    return data["abolished_on"], found


def _fields(dispatch) -> list[tuple[tuple, str]]:
    """(YAML path, text) of every place that names a sender or a recipient."""
    out: list[tuple[tuple, str]] = []
    if dispatch.issuing_organ:
        out.append((("co_quan_ban_hanh",), " ".join(dispatch.issuing_organ)))
    if dispatch.parent_organ:
        out.append((("co_quan_chu_quan",), " ".join(dispatch.parent_organ)))
    recipients = list(dispatch.recipients or [])
    if len(recipients) == 1:
        out.append((("kinh_gui",), recipients[0]))
    else:
        out += [(("kinh_gui", i), r) for i, r in enumerate(recipients)]
    out += [(("noi_nhan", i), r) for i, r in enumerate(dispatch.copies_to)]
    return out


def check(dispatch, located, prefix: tuple = ()) -> list[str]:
    """The warnings for ``dispatch``, whose values ``located`` places under ``prefix`` (``("thu",)`` in a campaign)."""
    abolished_on, known = levels()
    date = dispatch.date.as_date()
    if date < abolished_on:
        return []
    warnings = []
    for path, text in _fields(dispatch):
        path = tuple(prefix) + path
        text = unicodedata.normalize("NFC", text)
        for level in known:
            words = level.found_in(text)
            if words is None:
                continue
            doubt = "" if level.status == "confirmed" else " (điều này chưa đối chiếu đủ với văn bản gốc)"
            message = (f"«{text}» nêu {level.name} («{words}»), nhưng từ {short_date(abolished_on)} chính quyền địa "
                       f"phương chỉ còn hai cấp (tỉnh; xã, phường, đặc khu), không còn {level.name}{doubt}, mà công "
                       f"văn đề ngày {short_date(date)}. Nếu đúng là trích lại văn bản cũ thì giữ nguyên; nếu không, "
                       f"hãy ghi {level.use_instead}.")
            warnings.append(f"Cảnh báo: {Problem(message, located.file, located.line_of(path), format_field(path))}")
            break
    return warnings
