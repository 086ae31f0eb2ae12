"""Sentences written from assessments, through text templates staff can edit.

``templates/cau/<kind>.j2`` (Jinja, sandboxed) turns one commune's assessment into
one paragraph in the input's own markup (``**đậm**``). Values are data, never
markup: every printed value has its asterisks escaped, so a commune called
``A*B*`` stays as typed. Whitespace in a template is folded to single spaces, so a
template can be laid out on several lines.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import jinja2

from . import sandbox
from .assessment import CommuneAssessment
from .dates import short_date
from .exceptions import Problem, TemplateError, display_path

from .resources import SENTENCES as SENTENCE_DIR  # noqa: E402  (templates/cau, see resources.py)


def _escape_markup(value):
    return value.replace("*", "\\*") if isinstance(value, str) else value


def two_digits(n: int) -> str:
    """Counts as the seeds write them: ``04 tiêu chí và 07 chỉ tiêu``."""
    return f"{n:02d}"


def and_list(items: list[str]) -> str:
    """Vietnamese list joining: ``A``, ``A và B``, ``A, B và C``."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " và " + items[-1]


def listing(criteria: list[dict], pattern: str) -> str:
    """``Số 1 – Quy hoạch; Số 2 – Giao thông`` (the caller adds the final full stop)."""
    return "; ".join(pattern.format(**c) for c in criteria)


@lru_cache(maxsize=4)
def environment(folder: str) -> jinja2.Environment:
    env = sandbox.environment(
        loader=jinja2.FileSystemLoader(folder, followlinks=False),
        finalize=_escape_markup,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,  # no stat() of the template file for every sentence of a bulk run
    )
    env.filters["hai_chu_so"] = two_digits
    env.filters["noi_va"] = and_list
    env.filters["danh_sach"] = listing  # its result is escaped by ``finalize`` like any printed value
    return env


def _criterion(c) -> dict:
    return {"so": c.num, "ten": c.name}


def facts(commune: CommuneAssessment, default_set_id: str) -> dict:
    """What a sentence template sees of a commune (Vietnamese names, plain values)."""
    data = dict(_facts(commune))
    data["bo_mac_dinh"] = commune.criteria_set.id == default_set_id
    return data


_FACTS: dict[int, tuple[CommuneAssessment, dict]] = {}


def _facts(commune: CommuneAssessment) -> dict:
    """The facts of one commune, computed once (a letter writes several sentences about it)."""
    cached = _FACTS.get(id(commune))
    if cached is not None and cached[0] is commune:
        return cached[1]
    if len(_FACTS) > 64:  # a letter reuses the facts of its commune; keep memory flat in bulk runs
        _FACTS.clear()
    s = commune.criteria_set
    data = {
        "ten": commune.name,
        "tong": commune.total,
        "dat": list(commune.met),
        "bo": {"ma": s.id, "ten": s.name, "loai": re.sub(r"^xã\s+", "", s.short_name)},
        "tieu_chi_dat": [_criterion(c) for c in commune.criteria(commune.met)],
        "tieu_chi_chua_dat": [_criterion(c) for c in commune.criteria(commune.not_met)],
        "tieu_chi_sut_giam": [_criterion(c) for c in commune.criteria(commune.fell_back)],
        "ngay_truoc": _short(commune.previous_date),
        "nam_phan_dau": commune.target_year,
        "tham_dinh": None,
    }
    if commune.appraisal:
        a = commune.appraisal
        data["tham_dinh"] = {
            "ngay": _short(a.date),
            "don_vi": a.by,
            "so_tieu_chi": len(a.criteria),
            "so_chi_tieu": len(a.indicators),
            "muc": [{"tieu_chi": _criterion(c), "chi_tieu": list(codes)} for c, codes in a.groups(s)],
        }
    _FACTS[id(commune)] = (commune, data)
    return data


def _short(date) -> str | None:
    if date is None:
        return None
    if date.is_complete:
        return short_date(date.as_date())
    return f"{date.month}/{date.year}" if date.month else str(date.year)


def write(kind: str, commune: CommuneAssessment, default_set_id: str, folder: Path = SENTENCE_DIR, **extra) -> str:
    """One paragraph of ``kind`` about ``commune``, in the input markup."""
    return _render(kind, facts(commune, default_set_id), folder, **extra)


def _render(kind: str, commune_facts: dict, folder: Path, **extra) -> str:
    env = environment(str(folder))
    name = f"{kind}.j2"
    shown = display_path(folder / name)
    try:
        with sandbox.time_limit():
            text = env.get_template(name).render(xa=commune_facts, **extra)
    except jinja2.TemplateNotFound as exc:
        missing = exc.name if exc.name != name else name
        raise TemplateError(Problem(f"không có mẫu câu «{missing}»", display_path(folder))) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(Problem(f"mẫu câu viết sai ({exc.message})", display_path(folder / name), exc.lineno)) from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(Problem(f"mẫu câu dùng biến không có ({exc.message})", display_path(folder / name))) from None
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(Problem(f"mẫu câu chứa thẻ không an toàn nên bị từ chối ({exc})", shown)) from None
    except sandbox.RenderTimeout:
        raise TemplateError(Problem(f"mẫu câu dựng quá {sandbox.RENDER_SECONDS:g} giây nên bị dừng", shown)) from None
    except Exception as exc:  # 1/0, range(10**9), a filter given the wrong thing: the template's fault
        raise TemplateError(Problem(f"mẫu câu gây lỗi khi dựng ({type(exc).__name__}: {str(exc)[:200]})", shown)) from None
    return " ".join(text.split())


def write_assignments(commune: CommuneAssessment, default_set_id: str, assignments: dict[int, str],
                      deadline: str | None, folder: Path = SENTENCE_DIR) -> list[str]:
    """One paragraph per criterion the commune has not met: who helps with it, and by when."""
    out = []
    base = facts(commune, default_set_id)
    for criterion in commune.criteria(commune.not_met):
        item = {"tieu_chi": _criterion(criterion), "don_vi": assignments[criterion.num],
                "sut_giam": criterion.num in commune.fell_back}
        out.append(_render("phan_cong", base, folder, muc=item, han=deadline))
    return out


def write_summary(communes: list[CommuneAssessment], folder: Path = SENTENCE_DIR) -> str:
    """One paragraph about several communes (templates/cau/tong_hop.j2): who meets everything, who not."""
    complete = [c.name for c in communes if not c.not_met]
    missing = [c.name for c in communes if c.not_met]
    return _render("tong_hop", {}, folder, so_xa=len(communes), xa_dat_du=complete, xa_chua_dat=missing)
