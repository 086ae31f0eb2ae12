"""``dispatch lint``: check any .docx against the layout rules of Nghị định 30/2020/NĐ-CP.

Three parts:

1. ``find_elements`` (``elements.py``) gives the parts the one classifier ``ooxml/parts.py``
   finds by their *text and structure* (the paragraph holding "CỘNG HÒA XÃ HỘI CHỦ NGHĨA
   VIỆT NAM", a line starting "Số:", the "…, ngày … tháng … năm …" line, a tên loại such as
   "QUYẾT ĐỊNH" or "V/v" under Số, "Kính gửi", "Nơi nhận:", the signature block beside it…),
   with the document's type, and the rules drawn under them.
2. The rules are data (``data/nd30_rules.yaml``): element, property, allowed range or
   values, the layouts of document they apply to (công văn, văn bản có tên loại, quyết định;
   all when not said), the decree's section and a Vietnamese description.
3. A small engine (here) measures each property (``measures.PROPERTIES``) on each
   element and compares it with the rule's constraint; ``Report`` says the result.

Effective fonts, sizes, bold and italic come from ``ooxml/read.py`` with ``ooxml/styles.py`` (run -> character
style -> paragraph style -> basedOn chain -> docDefaults, theme fonts resolved).
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from generator.lint.elements import Element, find_elements
from generator.lint.letterhead import violations as letterhead_violations
from generator.lint.measures import FIELD_PROPERTIES, PROPERTIES, UNITS, _num, show_found, show_value
from generator.ooxml.read import Document, read_docx

__all__ = ["Report", "Rule", "Violation", "check", "find_elements", "lint_file", "load_rules"]


@dataclass(frozen=True)
class Rule:
    id: str
    element: str
    property: str
    section: str
    description: str
    min: float | None = None
    max: float | None = None
    tolerance: float = 0.0
    equals: Any = None
    one_of: tuple | None = None
    pattern: str | None = None
    layouts: tuple | None = None  # the layouts (doctypes: cong_van, ten_loai, quyet_dinh) it applies to; None: all

    def applies_to(self, layout: str) -> bool:
        return self.layouts is None or layout in self.layouts

    def accepts(self, value: Any) -> bool:
        if value is None:
            return False
        if self.pattern is not None:
            return isinstance(value, str) and re.search(self.pattern, value) is not None
        if self.equals is not None:
            return value == self.equals
        if self.one_of is not None:
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return any(abs(value - float(v)) <= self.tolerance + 1e-9 for v in self.one_of)
            return value in self.one_of
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if self.min is not None and value < self.min - self.tolerance - 1e-9:
                return False
            if self.max is not None and value > self.max + self.tolerance + 1e-9:
                return False
            return True
        return False

    def expected(self) -> str:
        p = self.property
        if self.pattern is not None or p in ("present", "symbol_type", "symbol_type_ok", "addressable"):
            return self.description
        if self.equals is not None:
            return show_found(p, self.equals)
        if self.one_of is not None:
            shown = " hoặc ".join(show_value(p, v) for v in self.one_of)
            return shown if p == "align" else f"{PROPERTIES[p][0]} {shown}"
        unit = UNITS.get(p, "")
        label = PROPERTIES[p][0]
        if p == "rule_ratio":
            lo, hi = self.min * 100, self.max * 100
            if math.isclose(lo, hi):
                return f"đường kẻ dài bằng dòng chữ (100 %, lệch tối đa {_num(self.tolerance * 100, 0)} %)"
            return f"đường kẻ dài từ {_num(lo, 0)} % đến {_num(hi, 0)} % dòng chữ"
        if self.min is not None and self.max is not None:
            if math.isclose(self.min, self.max):
                return f"{label} {_num(self.min)} {unit}".strip()
            return f"{label} {_num(self.min)}–{_num(self.max)} {unit}".strip()
        if self.min is not None:
            return f"{label} tối thiểu {_num(self.min)} {unit}".strip()
        return f"{label} tối đa {_num(self.max)} {unit}".strip()


@lru_cache(maxsize=1)
def load_rules() -> tuple[dict[str, str], tuple[Rule, ...]]:
    data = yaml.safe_load(resources.files("generator").joinpath("data/nd30_rules.yaml").read_text("utf-8"))
    rules = []
    for item in data["rules"]:
        item = dict(item)
        for key in ("one_of", "layouts"):
            if key in item:
                item[key] = tuple(item[key])
        rule = Rule(**item)
        if rule.property not in PROPERTIES:
            raise ValueError(f"rule {rule.id}: unknown property {rule.property}")
        rules.append(rule)
    return data["elements"], tuple(rules)


@dataclass
class Violation:
    rule: str
    element: str
    element_name: str
    property: str
    found: Any
    found_text: str
    expected: str
    section: str
    description: str
    where: str

    def message(self) -> str:
        where = f" — {self.where}" if self.where else ""
        return (
            f"[{self.rule}] {self.element_name}: {self.found_text}; "
            f"Nghị định yêu cầu: {self.expected} ({self.section}){where}"
        )


@dataclass
class Report:
    file: str
    violations: list[Violation]
    checked: int
    elements: dict[str, str]

    @property
    def ok(self) -> bool:
        return not self.violations

    def rule_ids(self) -> set[str]:
        return {v.rule for v in self.violations}

    def to_text(self) -> str:
        if self.ok:
            return f"{self.file}: đúng thể thức Nghị định 30/2020/NĐ-CP (đã kiểm {self.checked} quy tắc)."
        lines = [f"{self.file}: {len(self.violations)} chỗ sai thể thức (đã kiểm {self.checked} quy tắc)"]
        lines += [f"  - {v.message()}" for v in self.violations]
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps(
            {
                "file": self.file,
                "ok": self.ok,
                "checked": self.checked,
                "violations": [
                    {
                        "rule": v.rule,
                        "element": v.element,
                        "element_name": v.element_name,
                        "property": v.property,
                        "found": v.found,
                        "found_text": v.found_text,
                        "expected": v.expected,
                        "section": v.section,
                        "description": v.description,
                        "where": v.where,
                        "message": v.message(),
                    }
                    for v in self.violations
                ],
            },
            ensure_ascii=False,
            indent=2,
        )


def check(doc: Document, shown_name: str | None = None) -> Report:
    names, rules = load_rules()
    elements = find_elements(doc)
    layout = elements["loai_van_ban"].data["type"].layout
    elements["trang"] = Element("trang", [])
    elements["toan_van"] = Element("toan_van", [], {"paragraphs": doc.all_paragraphs()})
    violations: list[Violation] = []
    checked = 0
    for rule in rules:
        if not rule.applies_to(layout):
            continue
        el = elements.get(rule.element)
        if rule.property == "present":
            el = el or Element(rule.element)
        elif el is None or (not el.segments and rule.element not in ("trang", "toan_van", "so_trang")
                             and not rule.element.startswith("duong_ke_")):
            continue
        measure = PROPERTIES[rule.property][1]
        if rule.element == "so_trang" and rule.property in FIELD_PROPERTIES:
            measure = FIELD_PROPERTIES[rule.property]
        values = measure(el, doc)
        checked += 1
        bad = [(v, where) for v, where in values if not rule.accepts(v)]
        if not bad:
            continue
        # one violation per rule: the distinct wrong values, and where the first was seen
        distinct: list[Any] = []
        for v, _ in bad:
            if v not in distinct:
                distinct.append(v)
        if rule.property == "present":
            found_text = "không tìm thấy trong văn bản" if distinct[0] is False else "có trong văn bản"
        else:
            found_text = "; ".join(show_found(rule.property, v) for v in distinct[:4])
        if len(distinct) > 4:
            found_text += "; …"
        where = bad[0][1]
        if len(bad) > 1:
            where += f" (và {len(bad) - 1} chỗ khác)"
        violations.append(
            Violation(
                rule=rule.id,
                element=rule.element,
                element_name=names.get(rule.element, rule.element),
                property=rule.property,
                found=distinct[0] if len(distinct) == 1 else distinct,
                found_text=found_text,
                expected=rule.expected(),
                section=rule.section,
                description=rule.description,
                where=where,
            )
        )
    violations += [Violation(**v) for v in letterhead_violations(elements, doc)]  # names as printed (letterhead.py)
    return Report(shown_name or doc.path, violations, checked, {k: names.get(k, k) for k in elements})


def lint_file(path: Path, shown_name: str | None = None) -> Report:
    """Read and check one .docx (``DocxReadError`` when it cannot be read)."""
    return check(read_docx(path), shown_name)
