"""Every commune of a ``danh_gia`` (inline and from its table) checked and put together into
``Assessments``, with the warnings about the sets used; and the check that a letter's body
blocks name only assessed communes.

Above ``results.py`` (the facts) and ``table.py`` (the CSV/Excel reader), which both stay free
of this module. The table's rows are taken as they are read; a unit given twice is found from the
hashes of the units' keys and their places (rows in an array), with both places named.
"""
from __future__ import annotations

import array
import datetime as dt
from pathlib import Path

from generator.assessments.criteria import CONDITIONS, STATUS_LABELS, CriteriaSet, get_set, validity
from generator.assessments.results import (ALL, ASSESSMENT_KINDS, Assessments, AssessmentsInput, CommuneAssessment,
                                           Locate, check_commune, name_key, name_problem, split_unit,
                                           unit_type)
from generator.exceptions import InputError, Problem
from generator.vi.collation import vi_sorted
from generator.vi.dates import short_date


def name_warnings(sets: list[CriteriaSet], grouped: set[str]) -> list[str]:
    """A warning per set whose printed criterion names (or commune groups, when used) are not confirmed."""
    warnings = []
    for s in sets:
        source = s.decision.text() + (f", {s.decision.annex}" if s.decision.annex else "")
        unconfirmed = s.unconfirmed_criteria()
        if unconfirmed:
            listed = "; ".join(f"số {c.num} – {c.name} ({STATUS_LABELS[c.status]})" for c in unconfirmed)
            warnings.append(
                f"Cảnh báo: tên {len(unconfirmed)} tiêu chí của bộ «{s.id}» in trong công văn chưa được đối chiếu "
                f"với văn bản gốc ({source}): {listed}. Đối chiếu trước khi ký, hoặc dùng bộ tiêu chí của tỉnh "
                f"(«based_on: {s.based_on or s.id}», xem docs/criteria.md)."
            )
        groups = s.unconfirmed_groups() if s.id in grouped else []
        if groups:
            listed = "; ".join(f"nhóm {g.num} – {g.description} ({STATUS_LABELS[g.status]})" for g in groups)
            warnings.append(
                f"Cảnh báo: cách đánh số nhóm xã của bộ «{s.id}» chưa được đối chiếu với văn bản gốc ({source}): "
                f"{listed}. Kiểm tra «xã nhóm …» trước khi ký."
            )
    return warnings


def resolve(data: AssessmentsInput, located, base_dir: Path, letter_date: dt.date, strict: bool = True) -> Assessments:
    """Check every commune (inline and from the table) and return the assessments.

    ``strict``: any problem raises InputError. Otherwise (bulk runs) a commune with a problem is
    left out and its problems are returned in ``Assessments.problems``; only a problem that
    stops every letter (the default set is unknown, the table cannot be read) raises.
    """
    set_dirs = [base_dir / d for d in data.set_dirs]
    problems: list[Problem] = []
    sets: dict[str, CriteriaSet] = {}

    def criteria_set(set_id: str, path: tuple, locate: Locate) -> CriteriaSet | None:
        if set_id not in sets:
            try:
                found = get_set(set_id, set_dirs)
            except InputError as err:
                problems.extend(locate(path, p.message) if p.file is None else p for p in err.problems)
                return None
            if found.kind == CONDITIONS:
                problems.append(locate(path, f"«{set_id}» ({found.name}) là danh sách điều kiện, không có tiêu chí "
                                             "đánh số để đánh giá từng xã; dùng một bộ tiêu chí (xem «dispatch "
                                             "criteria»)"))
                return None
            sets[set_id] = found
        return sets[set_id]

    root = ("danh_gia",)
    default = criteria_set(data.set_id, root + ("bo_tieu_chi",), located.problem)
    communes: dict[str, CommuneAssessment] = {}
    # A unit given twice is found by its (unit type, name_key), which «Hoà Bình» and «Hòa  bình» share. Only the
    # hashes of those keys are kept, and each unit's place (its table row; a line of the YAML apart): a key and
    # a place text per commune, held until the last row was read, were a third of a 50,000-commune load's memory.
    # The first time a hash comes again (a unit given twice, or a rare collision), ``index`` is made: key -> (unit,
    # place) for every unit so far, and from then on for each one kept.
    seen: set[int] = set()
    rows = array.array("l")  # the place of each unit kept, in order: its table row, or -1 (``lines``)
    lines: dict[int, str] = {}  # the place of a unit of the YAML: «dòng 12», by its number in ``rows``
    index: dict[tuple, tuple[CommuneAssessment, str | int]] | None = None
    table = None

    def place_of(at: str | int) -> str:
        return at if isinstance(at, str) else table.where(at)

    def add(result: CommuneAssessment, at: str | int) -> str | None:
        """Keep ``result`` (None), or say why not: its unit was given before."""
        nonlocal index
        key = (result.unit.key, name_key(result.name))  # «Xã Đông Kinh» and «Phường Đông Kinh» are two units
        word = result.unit.word
        if hash(key) in seen:
            if index is None:
                index = {(c.unit.key, name_key(c.name)): (c, lines.get(i) if rows[i] < 0 else rows[i])
                         for i, c in enumerate(communes.values())}
            if key in index:
                first, first_at = index[key]
                first, first_at = first.name, place_of(first_at)
                if first == result.name:
                    return f"{word} «{result.name}» đã có ở {first_at}; mỗi {word} chỉ ghi một lần"
                return (f"{word} «{result.name}» trùng với {word} «{first}» đã có ở {first_at}: hai tên chỉ khác "
                        "chữ hoa/thường, dấu cách hoặc chỗ đặt dấu thanh (hoà/hòa, thuỷ/thủy) là một "
                        f"{word}; mỗi {word} chỉ ghi một lần")
        seen.add(hash(key))
        if index is not None:
            index[key] = (result, at)
        if isinstance(at, str):
            lines[len(rows)] = at
            rows.append(-1)
        else:
            rows.append(at)
        communes[result.key] = result
        return None

    for i, commune in enumerate(data.communes):
        path = root + ("xa", i)

        def locate(sub: tuple, message: str, path=path) -> Problem:
            return located.problem(path + sub, message)

        wrong_name = name_problem(commune.name)
        if wrong_name:
            problems.append(locate(("ten",), wrong_name))
            continue
        chosen = default if commune.set_id is None else criteria_set(commune.set_id, ("bo_tieu_chi",), locate)
        if chosen is None:
            continue
        previous_set = None
        if commune.previous is not None and commune.previous.set_id is not None:
            previous_set = criteria_set(commune.previous.set_id, ("lan_truoc", "bo_tieu_chi"), locate)
            if previous_set is None:
                continue
        result, found = check_commune(commune.name, chosen, commune.met, locate, commune.stated_count,
                                      commune.previous, commune.appraisal, commune.target_year, commune.deadline,
                                      commune.group, previous_set,
                                      None if commune.unit is None else unit_type(commune.unit))
        problems += found
        if result is not None:
            twice = add(result, f"dòng {located.line_of(path)}")
            if twice:
                problems.append(locate(("ten",), twice))

    if data.table and default is not None:
        from generator.assessments.table import read_table  # lazy: the CSV/Excel reader only for a table

        table = read_table(base_dir / data.table, data.sheet, default, lambda set_id, where: criteria_set(
            set_id, (), lambda _p, m: where(m)))
        twice_in_table: list[Problem] = []  # after the table's own problems, as they were always listed
        for result, row in table:  # streamed: each row is let go once its commune is kept
            twice = add(result, row)
            if twice:
                twice_in_table.append(table.locate_name(row, twice))
        problems += table.problems
        problems += twice_in_table

    if default is None:
        raise InputError(problems or [located.problem(root + ("bo_tieu_chi",), "không có bộ tiêu chí")])
    if problems and strict:
        raise InputError(problems)
    warnings = [
        f"Cảnh báo: {s.name} ({s.id}) có hiệu lực {validity(s)}, nhưng công văn đề ngày "
        f"{short_date(letter_date)}; kiểm tra lại bộ tiêu chí."
        for s in sets.values() if not s.is_valid_on(letter_date)
    ]
    used = {c.criteria_set.id: c.criteria_set for c in communes.values()}
    grouped = {c.criteria_set.id for c in communes.values() if c.group is not None}
    warnings += name_warnings([used[k] for k in sorted(used)], grouped)
    warnings = tuple(warnings)
    return Assessments(default, communes, warnings, tuple(problems))



def check_references(blocks, assessments: "Assessments | None", located, assignments: dict | None = None) -> None:
    """Every commune a body block names is assessed; a block needs ``danh_gia`` at all."""
    problems = []
    for i, block in enumerate(blocks):
        if block.kind not in ASSESSMENT_KINDS:
            continue
        path = ("noi_dung", i, block.kind)
        if block.kind == "phan_cong" and assignments is None:
            problems.append(located.problem(path, "khối «phan_cong» chỉ dùng trong thư nhắc hàng loạt (tệp có "
                                                  "«chien_dich» với bảng «phan_cong»)"))
            continue
        if assessments is None:
            problems.append(located.problem(path, "khối này viết câu từ kết quả đánh giá nhưng công văn chưa có «danh_gia»"))
            continue
        if block.lines == [ALL]:
            continue
        for j, name in enumerate(block.lines):
            commune = assessments.find(name)
            if commune is None:
                known = ", ".join(vi_sorted(assessments.communes)) or "chưa có xã nào"
                unit, bare = split_unit(name)
                problems.append(located.problem(path + (j,), f"{(unit.word if unit else 'xã')} «{bare}» không có trong "
                                                             f"«danh_gia» ({known})"))
            elif block.kind == "tham_dinh" and commune.appraisal is None:
                problems.append(located.problem(path + (j,), f"xã «{name}» chưa có kết quả thẩm định («tham_dinh»)"))
            elif block.kind == "sut_giam" and commune.previous_met is None:
                problems.append(located.problem(path + (j,), f"xã «{name}» chưa có lần đánh giá trước («lan_truoc»)"))
    if problems:
        raise InputError(problems)
