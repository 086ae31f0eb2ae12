"""Sentences written from assessments, through text templates staff can edit.

``templates/cau/<kind>.j2`` (Jinja, sandboxed) turns one commune's assessment into
one paragraph in the input's own markup (``**đậm**``). Values are data, never
markup: every printed value has its asterisks escaped, so a commune called
``A*B*`` stays as typed. Whitespace in a template is folded to single spaces, so a
template can be laid out on several lines.

The house rules of these sentences (tests/test_sentences.py):

- **Counts have two digits**: every number that counts something (tiêu chí, chỉ tiêu,
  xã), alone or in a ratio, is written with at least two digits, as the seeds write
  them ("**04 tiêu chí và 07 chỉ tiêu**", "01 xã", "04 xã", "12/12 xã") and as the decree
  writes the numbers of a letter ("Số: 05/…"): "đạt 08/10 tiêu chí", "còn 02/10",
  "Trong 06 xã". Numbers that *name* something are not counts and are never padded:
  "Số 1 – Quy hoạch", "tiêu chí số 2", "chỉ tiêu 13.2", dates ("06/9/2024" follows the
  date rule).
- **Nothing, everything, one**: "chưa đạt tiêu chí nào" (never "đạt 00/10"), "đã đạt đủ
  10/10 tiêu chí", and one missing criterion is named in the sentence ("chỉ còn tiêu chí
  số 4 – … chưa đạt") instead of a list of nine; the same for one criterion fallen back.
- **One separator**: a criterion's number and its name are joined by an en dash with
  spaces, "Số 2 – Hạ tầng kinh tế - xã hội", "Tiêu chí số 2 – …", everywhere. Names keep
  their own hyphen ("kinh tế - xã hội"); an en dash inside a name is printed as a hyphen,
  so the first en dash after the number is always the separator.
- **The set is named when it could be mistaken**: when the letter's assessments use more
  than one set, or a commune is assessed under a set other than the letter's default,
  each sentence names the commune's set after "tiêu chí" ("đạt 10/19 tiêu chí nông thôn
  mới nâng cao"); when two sets of the letter share that name, their period is added
  ("… nông thôn mới giai đoạn 2021-2025"), or the set's full name if it has no period.
  Templates see this as ``xa.ghi_bo`` (name it or not) and ``xa.bo.nhan`` (the words).
- **Xã, phường, đặc khu**: a sentence names a unit with its own type, "Phường Đông Kinh đạt
  08/10 tiêu chí", "hỗ trợ phường Đông Kinh" (``xa.ten_day_du`` at the start of a sentence,
  ``xa.cap`` before the name inside it; ``xa.ten`` is the name alone). A paragraph about
  several units counts and names them by type: "Trong 08 xã, phường, có **01 xã và 01 phường
  đạt đủ các tiêu chí**: xã Thiện Long và phường Tam Thanh; …"; when all are xã it stays "Trong
  06 xã, có **02 xã đạt đủ các tiêu chí**: A và B; …". No sentence says a unit "đạt chuẩn":
  recognition is not the table's to say, and a phường is not a xã nông thôn mới.
"""
from __future__ import annotations

import marshal
import re
from functools import lru_cache
from pathlib import Path

import jinja2

from generator.render import sandbox as sandbox
from generator.assessments.results import XA, CommuneAssessment, count_words, units_word
from generator.vi.dates import month_text, short_date
from generator.exceptions import Problem, TemplateError, display_path

from generator.resources import SENTENCES as SENTENCE_DIR  # noqa: E402  (templates/cau, see resources.py)


def _escape_markup(value):
    return value.replace("*", "\\*") if isinstance(value, str) else value


def two_digits(n: int) -> str:
    """Counts as the seeds write them: ``04 tiêu chí và 07 chỉ tiêu``; ``08/10``; ``12`` stays ``12``."""
    return f"{n:02d}"


def and_list(items: list[str]) -> str:
    """Vietnamese list joining: ``A``, ``A và B``, ``A, B và C``."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " và " + items[-1]


@jinja2.pass_environment
def listing(env: jinja2.Environment, criteria: list[dict], pattern: str) -> str:
    """``Số 1 – Quy hoạch; Số 2 – Giao thông`` (the caller adds the final full stop).

    ``pattern`` comes from the template: it is formatted by the sandbox (``sandbox.format_text``),
    never by ``str.format`` directly, which would let ``{so.__class__.__mro__}`` read Python internals.
    """
    return "; ".join(_formatted(env, pattern, c) for c in criteria)


def _formatted(env: jinja2.Environment, pattern: str, values) -> str:
    """One item of ``listing``; the same criterion in the same pattern is formatted once per run (a bulk
    run lists the same few criteria in thousands of letters). Only plain values are remembered."""
    if isinstance(values, dict) and all(type(v) in (str, int) for v in values.values()):
        return _formatted_plain(env, pattern, tuple(values.items()))
    return sandbox.format_text(env, pattern, values)


@lru_cache(maxsize=4096)
def _formatted_plain(env: jinja2.Environment, pattern: str, items: tuple) -> str:
    return sandbox.format_text(env, pattern, dict(items))


_OPTIONS = dict(
    finalize=_escape_markup,
    autoescape=False,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
    auto_reload=False,  # no stat() of the template file for every sentence of a bulk run
)


def _with_filters(env: jinja2.Environment) -> jinja2.Environment:
    env.filters["hai_chu_so"] = two_digits
    env.filters["noi_va"] = and_list
    env.filters["danh_sach"] = listing  # its result is escaped by ``finalize`` like any printed value
    return env


@lru_cache(maxsize=4)
def environment(folder: str) -> jinja2.Environment:
    """The sandbox every sentence template goes through, unless it is one we ship unchanged."""
    return _with_filters(sandbox.environment(loader=jinja2.FileSystemLoader(folder, followlinks=False), **_OPTIONS))


@lru_cache(maxsize=4)
def shipped_environment(folder: str) -> jinja2.Environment:
    """The same options and filters without the sandbox, for the sentence templates dispatch ships, unchanged
    (``sandbox.ShippedLoader`` loads nothing else): our own code, rendered without the sandbox's checks on
    every value (a bulk letter writes seven sentences). The text is the same either way."""
    return _with_filters(sandbox.Plain(loader=sandbox.ShippedLoader(folder, followlinks=False),
                                       undefined=jinja2.StrictUndefined, bytecode_cache=sandbox.CodeCache(),
                                       **_OPTIONS))


_NOT_SHIPPED: set[tuple[str, str]] = set()  # (folder, template) found edited: the sandbox renders them


_LOADED: dict[tuple[Path, str], jinja2.Template] = {}  # what Jinja keeps too (auto_reload off), found faster


def _template(folder: Path, name: str) -> jinja2.Template:
    """The sentence template ``name``: ours unchanged without the sandbox, any other in it."""
    found = _LOADED.get((folder, name))
    if found is not None:  # a bulk letter asks seven times
        return found
    where = str(folder)
    if (where, name) not in _NOT_SHIPPED:
        try:
            found = shipped_environment(where).get_template(name)
        except jinja2.TemplateNotFound:
            _NOT_SHIPPED.add((where, name))
    if found is None:
        found = environment(where).get_template(name)
    if len(_LOADED) > 64:
        _LOADED.clear()
    _LOADED[(folder, name)] = found
    return found


SEPARATOR = " – "  # between a criterion's number and its name (en dash); see the module docstring


def _criterion(c) -> dict:
    return {"so": c.num, "ten": c.name.replace("–", "-")}


def _kind_of(criteria_set) -> str:
    """``xã nông thôn mới nâng cao`` -> ``nông thôn mới nâng cao`` (the sentence already says "xã")."""
    return _without_xa(criteria_set.short_name)


@lru_cache(maxsize=64)
def _without_xa(short_name: str) -> str:
    return re.sub(r"^xã\s+", "", short_name)


def set_label(criteria_set, letter_sets=()) -> str:
    """The words after "tiêu chí" that name ``criteria_set`` among the sets of the letter."""
    kind = _kind_of(criteria_set)
    if not any(s.id != criteria_set.id and _kind_of(s) == kind for s in letter_sets):
        return kind
    period = re.search(r"giai đoạn \d{4}\s*-\s*\d{4}", criteria_set.name)
    return f"{kind} {period.group(0)}" if period else f"{kind} theo {criteria_set.name}"


def facts(commune: CommuneAssessment, default_set_id: str, letter_sets=()) -> dict:
    """What a sentence template sees of a commune (Vietnamese names, plain values).

    ``letter_sets``: the criteria sets of all the letter's assessments, to know whether the
    commune's set must be named (module docstring).
    """
    key = (id(commune), default_set_id, tuple(id(x) for x in letter_sets))
    cached = _FACTS.get(key)
    if cached is not None and cached[0] is commune:
        return cached[1]  # a letter writes several sentences about its commune: computed once
    if len(_FACTS) > 64:  # keep memory flat in bulk runs
        _FACTS.clear()
    data = _facts(commune)
    s = commune.criteria_set
    others = {x.id for x in letter_sets} - {s.id}
    data["bo_mac_dinh"] = s.id == default_set_id
    data["ghi_bo"] = s.id != default_set_id or bool(others)
    data["bo"] = dict(data["bo"], nhan=set_label(s, letter_sets))
    _FACTS[key] = (commune, data)
    return data


_FACTS: dict[tuple, tuple[CommuneAssessment, dict]] = {}  # (commune, default set, letter's sets) -> its facts


def _facts(commune: CommuneAssessment) -> dict:
    """The facts of one commune that do not depend on the letter's other sets (``facts`` adds those)."""
    s = commune.criteria_set
    data = {
        "ten": commune.name,
        "cap": commune.unit.word,  # "xã", "phường", "đặc khu": "hỗ trợ {{ xa.cap }} {{ xa.ten }}"
        "ten_day_du": commune.full_name,  # "Phường Đông Kinh": at the start of a sentence
        "tong": commune.total,
        "dat": list(commune.met),
        "bo": {"ma": s.id, "ten": s.name, "loai": _kind_of(s)},
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
    return data


def _short(date) -> str | None:
    if date is None:
        return None
    if date.is_complete:
        return short_date(date.as_date())
    return f"{month_text(date.month)}/{date.year}" if date.month else str(date.year)  # 01/2025, 9/2025


def write(kind: str, commune: CommuneAssessment, default_set_id: str, folder: Path = SENTENCE_DIR, *,
          letter_sets=(), **extra) -> str:
    """One paragraph of ``kind`` about ``commune``, in the input markup."""
    return _render(kind, facts(commune, default_set_id, letter_sets), folder, **extra)


# What a sentence names a unit by: a template that reads nothing else of ``xa`` and prints these as they are
# (``{{ xa.ten }}``) writes the same sentence for every unit but for them (``_names_only``).
_NAME_KEYS = ("ten", "cap", "ten_day_du")
_STAND_INS = {key: f"\ue000{i}\ue001" for i, key in enumerate(_NAME_KEYS)}
_STAND_IN_START, _STAND_IN_END = "\ue000".encode("utf-8"), "\ue001".encode("utf-8")  # as marshal writes them
_SAME_BUT_NAMES: dict[tuple, str] = {}  # (template, the values it reads but the names) -> its text, names stood in
_CAPTURES = (jinja2.nodes.Include, jinja2.nodes.Import, jinja2.nodes.FromImport, jinja2.nodes.Extends,
             jinja2.nodes.Macro, jinja2.nodes.CallBlock, jinja2.nodes.FilterBlock, jinja2.nodes.Block,
             jinja2.nodes.AssignBlock)  # what could read the names elsewhere, or take printed text and change it


@lru_cache(maxsize=64)
def _names_only(template: jinja2.Template) -> bool:
    """Whether ``template`` reads of ``xa`` only the unit's names, each printed as it is: no filter, test,
    comparison or join touches them, and it includes, imports, extends, defines or captures nothing
    (``_CAPTURES``). Its text is then the same for two units but where it prints their names, so it is written
    once with stand-ins and the names put in (``_render``). Decided on the syntax tree of the very text that
    was compiled, for our own templates (``sandbox.ShippedLoader`` keeps it); any other is rendered each time.
    (A template that also reads other facts of the unit, ``ket_qua.j2``, is rendered each time too: keyed by
    those facts, its text was found again too rarely in a real campaign to pay for the key.)"""
    source = getattr(template.environment.loader, "sources", {}).get(template.name)
    if source is None:  # only our own templates, whose compiled text ShippedLoader kept
        return False
    return reads_names_only(template.environment, source)


def reads_names_only(env: jinja2.Environment, source: str) -> bool:
    """The test of ``_names_only`` on a template's text."""
    tree = env.parse(source)
    if next(tree.find_all(_CAPTURES), None) is not None:
        return False
    printed = set()
    for output in tree.find_all(jinja2.nodes.Output):
        printed.update(id(n) for n in output.nodes if isinstance(n, jinja2.nodes.Getattr)
                       and isinstance(n.node, jinja2.nodes.Name) and n.node.name == "xa" and n.attr in _NAME_KEYS)
    for node in tree.find_all(jinja2.nodes.Name):
        if node.name != "xa" or node.ctx != "load":
            continue
        parent = next((g for g in tree.find_all(jinja2.nodes.Getattr) if g.node is node), None)
        if parent is None or id(parent) not in printed:
            return False  # xa itself given to something, another fact read, or a name not printed as it is
    return True


# After how many sentences of one template ``_names_only`` is asked. Its parse costs about 0.7 ms (1.1 ms with
# Jinja's lexer still to make; in a fresh process some 4 ms, 17 M instructions), and a sentence written from
# the kept text saves about 1.3 µs (``phan_cong.j2``): it pays in a bulk run, not in the one letter of
# ``dispatch build`` (seed 002's three communes had ``ket_qua.j2`` parsed, only to find it reads more than names).
ASK_AFTER = 64
_RENDERS: dict[jinja2.Template, int] = {}  # how often each template was rendered, up to ASK_AFTER times


def _worth_asking(template: jinja2.Template) -> bool:
    """Whether ``_names_only`` is worth its parse of the template: once ``ASK_AFTER`` of its sentences are
    written (a bulk run), not for the few sentences of a single letter, where the parse costs more than it saves."""
    count = _RENDERS.get(template, 0)
    if count >= ASK_AFTER:
        return True
    _RENDERS[template] = count + 1
    return False


def _with_names(template: jinja2.Template, commune_facts: dict, extra: dict) -> str | None:
    """The text of a names-only template (``_names_only``) for these facts, written once per set of other
    values with stand-ins for the names; None when it cannot be (a value not plain, a name or another value
    holding a stand-in's character)."""
    names = {key: commune_facts.get(key) for key in _NAME_KEYS}
    if not all(isinstance(v, str) and "\ue000" not in v and "\ue001" not in v for v in names.values()):
        return None
    try:  # the other values as a key: plain data only (marshal refuses anything else), tuple apart from list
        dumped = marshal.dumps(extra, 2)
    except ValueError:
        return None
    if _STAND_IN_START in dumped or _STAND_IN_END in dumped:  # a stand-in in a value would be taken for a name
        return None
    key = (template, dumped)
    text = _SAME_BUT_NAMES.get(key)
    if text is None:
        if len(_SAME_BUT_NAMES) > 4096:
            _SAME_BUT_NAMES.clear()
        text = _SAME_BUT_NAMES[key] = template.render(xa=dict(_STAND_INS), **extra)
    for name_key, stand_in in _STAND_INS.items():
        text = text.replace(stand_in, _escape_markup(names[name_key]))
    return text


def _render(kind: str, commune_facts: dict, folder: Path, **extra) -> str:
    """One sentence; the file's shown path (``display_path``: two ``Path.resolve``) only for an error."""
    name = f"{kind}.j2"
    try:
        with sandbox.time_limit():
            template = _template(folder, name)
            text = _with_names(template, commune_facts, extra) if _worth_asking(template) and _names_only(template) \
                else None
            if text is None:
                text = template.render(xa=commune_facts, **extra)
    except jinja2.TemplateNotFound as exc:
        missing = exc.name if exc.name != name else name
        raise TemplateError(Problem(f"không có mẫu câu «{missing}»", display_path(folder))) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(Problem(f"mẫu câu viết sai ({exc.message})", display_path(folder / name), exc.lineno)) from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(Problem(f"mẫu câu dùng biến không có ({exc.message})", display_path(folder / name))) from None
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(Problem(f"mẫu câu chứa thẻ không an toàn nên bị từ chối ({exc})",
                                    display_path(folder / name))) from None
    except sandbox.RenderTimeout:
        raise TemplateError(Problem(f"mẫu câu dựng quá {sandbox.RENDER_SECONDS:g} giây nên bị dừng",
                                    display_path(folder / name))) from None
    except Exception as exc:  # 1/0, range(10**9), a filter given the wrong thing: the template's fault
        raise TemplateError(Problem(f"mẫu câu gây lỗi khi dựng ({type(exc).__name__}: {str(exc)[:200]})",
                                    display_path(folder / name))) from None
    return folded(text)


def folded(text: str) -> str:
    """``" ".join(text.split())``: every run of whitespace one space, none at the ends (a template can be laid
    out on several lines). The split makes a string of every word, costly in Vietnamese text (seven sentences
    in every letter of a bulk run); a text whose only whitespace, once its line breaks are spaces, is single
    spaces between words is that already. ``isprintable`` is false for every whitespace character but the
    space (tabs, line breaks, no-break and other Unicode spaces), so the shortcut gives the same text."""
    flat = text.replace("\n", " ")
    if flat.isprintable() and "  " not in flat and flat[:1] != " " and flat[-1:] != " ":
        return flat
    return " ".join(text.split())


def write_assignments(commune: CommuneAssessment, default_set_id: str, assignments: dict,
                      deadline: str | None, folder: Path = SENTENCE_DIR, *, letter_sets=()) -> list[str]:
    """One paragraph per criterion the commune has not met: who helps with it, and by when.

    ``assignments`` maps a criterion's number to one department or a list of them; the
    template sees ``muc.cac_don_vi`` (the list) and ``muc.don_vi`` (joined: "A, B và C").
    """
    out = []
    base = facts(commune, default_set_id, letter_sets)
    fell_back = commune.fell_back
    for criterion in commune.criteria(commune.not_met):
        who = assignments[criterion.num]
        departments = [who] if isinstance(who, str) else list(who)
        item = {"tieu_chi": _criterion(criterion), "don_vi": and_list(departments), "cac_don_vi": departments,
                "sut_giam": criterion.num in fell_back}
        out.append(_render("phan_cong", base, folder, muc=item, han=deadline))
    return out


def write_summary(communes: list[CommuneAssessment], folder: Path = SENTENCE_DIR) -> str:
    """One paragraph about several units (templates/cau/tong_hop.j2): who meets everything, who not.

    The template sees ``so_xa`` (how many), ``loai`` (what they are: "xã", "xã, phường"), the names
    of those who meet everything and of the others (``xa_dat_du``, ``xa_chua_dat``: the bare names
    when all are xã, "xã Thiện Long", "phường Tam Thanh" when the types are mixed), their counts by
    type (``dem_dat_du``, ``dem_chua_dat``: "02 xã", "01 xã và 01 phường") and ``ten_day_du``, the
    full names ("Phường Tam Thanh"), in the same order as the communes.
    """
    mixed = any(c.unit is not XA for c in communes)

    def named(group):
        return [c.in_text if mixed else c.name for c in group]

    complete = [c for c in communes if not c.not_met]
    missing = [c for c in communes if c.not_met]
    return _render("tong_hop", {}, folder, so_xa=len(communes), loai=units_word(communes),
                   xa_dat_du=named(complete), xa_chua_dat=named(missing),
                   dem_dat_du=count_words(complete, two_digits), dem_chua_dat=count_words(missing, two_digits),
                   ten_day_du=[c.full_name for c in communes])
