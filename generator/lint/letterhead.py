"""``dispatch lint``: the organ names of any .docx as they print, line by line (Phụ lục I §II.2.b).

The rules of ``data/nd30_rules.yaml`` judge each paragraph of the letterhead as one line. A
name's paragraph that is wider than its column is printed by Word on two lines or more, so this
module wraps each paragraph of the parent and issuing organ (``co_quan_chu_quan``,
``co_quan_ban_hanh`` as ``elements.py`` finds them) the way Word does, in the width of its cell
less its indents, with Times New Roman's advance widths, and reports (``geometry/letterhead.py``
says what each finding means, the same findings ``check`` and ``build`` give as warnings):

- ``co_quan.chu_don_le``: a printed line that is one word alone, in a name of several words;
- ``co_quan.tran_dong``: a line given as one that does not fit its column, so Word breaks it
  where it happens to run out of room.

The rule under the issuing organ is judged by ``duong_ke_co_quan.do_dai`` (``data/nd30_rules.yaml``),
which ``elements.py`` already measures against the widest printed line.
"""
from __future__ import annotations

from generator.geometry import letterhead as LH
from generator.ooxml.model import Document

SECTION = "PL I §II.2.b"
RULES = {
    # finding kind: (rule id, element, description)
    "lone_word": ("co_quan.chu_don_le", "co_quan_ban_hanh",
                  "Tên cơ quan dài được chia dòng ở chỗ tự nhiên, không để một chữ đứng một mình trên một dòng"),
    "overflow": ("co_quan.tran_dong", "co_quan_ban_hanh",
                 "Mỗi dòng tên cơ quan vừa cột; tên dài được chia dòng ở chỗ tự nhiên"),
}
BLOCKS = {"co_quan_chu_quan": "parent", "co_quan_ban_hanh": "issuer"}
NAMES = {"parent": "Tên cơ quan chủ quản", "issuer": "Tên cơ quan ban hành"}


def _face(seg) -> LH.Face | None:
    runs = seg.runs()
    if not runs:
        return None
    return LH.Face(runs[0].fmt.size or 11.0, bool(runs[0].fmt.bold))


def violations(elements: dict, doc: Document) -> list[dict]:
    """The letterhead's findings, each as the fields of a ``check.Violation``."""
    blocks: dict[str, list] = {}
    room = None
    where: dict[tuple[str, int], str] = {}
    for element, block in BLOCKS.items():
        el = elements.get(element)
        if el is None or not el.segments:
            continue
        for seg in el.segments:
            face, width = _face(seg), seg.para.room_pt
            if face is None or not seg.para.box_width_pt:
                continue
            room = width if room is None else min(room, width)
            where[(block, len(blocks.setdefault(block, [])))] = seg.where()
            blocks[block].append((" ".join(seg.text.split()), face))
    if room is None:
        return []
    out = []
    for finding in LH.findings(blocks, room, None):  # no rule length: do_dai judges the rule
        rule_id, _element, description = RULES[finding.kind]
        element = "co_quan_chu_quan" if finding.block == "parent" else "co_quan_ban_hanh"
        out.append(dict(
            rule=rule_id, element=element,
            element_name=NAMES[finding.block],
            property="printed_lines", found=finding.text, found_text=finding.detail, expected=description,
            section=SECTION, description=description, where=where.get((finding.block, finding.paragraph), ""),
        ))
    return out
