"""The letterhead's left column: organ names broken where they break naturally, sized to fit.

Nghị định 30/2020, Phụ lục I §II.2.b: the parent organ (upper case, 12-13 pt, not bold) and
the issuing organ (upper case, 12-13 pt, bold) are centred in the left column; "long names may
take several lines"; the rule under the issuing organ is 1/3 to 1/2 of its line.

A name given as one line (``co_quan_ban_hanh: ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN``) is broken here,
where Vietnamese practice breaks it:

- before "VÀ" (``BỘ NÔNG NGHIỆP / VÀ PHÁT TRIỂN NÔNG THÔN``), never after it;
- between the organ and its place (``ỦY BAN NHÂN DÂN / TỈNH LẠNG SƠN``), never inside the place
  (``TỈNH THỪA THIÊN HUẾ`` stays whole);
- otherwise between words (``BAN CHỈ ĐẠO CÁC CHƯƠNG TRÌNH / MỤC TIÊU QUỐC GIA …``), never inside a
  word of several syllables (``NÔNG THÔN MỚI``, ``XÃ HỘI``; ``WORDS`` below) nor after "CÁC";
- never leaving one word alone on a line.

``fit`` chooses, in this order, the first layout where every name takes one line or two lines
broken as above: 13 pt (the template's size) in the template's column; the column widened (the
right column keeps room for its widest line, the Quốc hiệu); 12 pt in the template's column;
12 pt widened; then, last, the table let out a little into the margins
(``layout_spec.LETTERHEAD_OVERHANG_MM``, as the decree's own Mẫu 1.5 sample does) at 13 then
12 pt. Lines the clerk broke herself (a list, or new lines) are kept as she wrote them; the
column and size still adapt so that each fits, and ``findings`` warns when one is a lone word
or does not fit. All of this is pure (text, sizes, widths); ``measure.py`` applies it to the
rendered XML.
"""
from __future__ import annotations

import itertools
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

from generator.geometry.metrics import text_width_pt

NATURAL, ORDINARY = 0, 1  # the cost of a break; None: no break there
SLACK_PT = 1.5  # a line fits when it is this much narrower than its column (Word's own rounding)

# where a place name starts: the organ before it, the place after (§II.2.a: "có thêm tên tỉnh, … xã")
LEVELS = ("TỈNH", "THÀNH PHỐ", "TP.", "HUYỆN", "QUẬN", "THỊ XÃ", "XÃ", "PHƯỜNG", "THỊ TRẤN", "ĐẶC KHU")
CONJUNCTIONS = ("VÀ",)
GLUE_FORWARD = ("CÁC", "NHỮNG", "CỦA")  # never at the end of a line
DASHES = ("-", "–")  # "LAO ĐỘNG - THƯƠNG BINH": never at either end of a line
# words of several syllables found in organ names: never broken (longest first wins)
WORDS = frozenset("""
ỦY BAN|UỶ BAN|NHÂN DÂN|HỘI ĐỒNG|BAN CHỈ ĐẠO|CHỈ ĐẠO|BAN QUẢN LÝ|QUẢN LÝ|CHƯƠNG TRÌNH|MỤC TIÊU QUỐC GIA|
MỤC TIÊU|QUỐC GIA|NÔNG THÔN MỚI|NÔNG THÔN|NÔNG NGHIỆP|NÔNG DÂN|PHÁT TRIỂN|MÔI TRƯỜNG|VĂN PHÒNG|ĐIỀU PHỐI|
XÂY DỰNG|TÀI CHÍNH|KẾ HOẠCH|ĐẦU TƯ|TÀI NGUYÊN|GIAO THÔNG|VẬN TẢI|CÔNG THƯƠNG|NỘI VỤ|TƯ PHÁP|GIÁO DỤC|
ĐÀO TẠO|Y TẾ|VĂN HÓA|VĂN HOÁ|THỂ THAO|DU LỊCH|KHOA HỌC|CÔNG NGHỆ|THÔNG TIN|TRUYỀN THÔNG|LAO ĐỘNG|
THƯƠNG BINH|XÃ HỘI|DÂN TỘC|TÔN GIÁO|THANH TRA|CHÍNH PHỦ|THỦ TƯỚNG|MẶT TRẬN|TỔ QUỐC|VIỆT NAM|CÔNG AN|
QUÂN SỰ|BIÊN PHÒNG|NGÂN HÀNG|NHÀ NƯỚC|KHO BẠC|HẢI QUAN|THỐNG KÊ|CHI CỤC|TRUNG TÂM|DỊCH VỤ|HÀNH CHÍNH|
CÔNG CỘNG|KINH TẾ|HẠ TẦNG|ĐÔ THỊ|BẢO VỆ|THỰC VẬT|THỦY LỢI|THUỶ LỢI|THỦY SẢN|THUỶ SẢN|LÂM NGHIỆP|KIỂM LÂM|
KHUYẾN NÔNG|HỢP TÁC XÃ|HỢP TÁC|THANH NIÊN|CỘNG SẢN|HỒ CHÍ MINH|LIÊN HIỆP|PHỤ NỮ|CỰU CHIẾN BINH|
TỈNH ỦY|TỈNH UỶ|HUYỆN ỦY|HUYỆN UỶ|THÀNH ỦY|THÀNH UỶ|QUẬN ỦY|QUẬN UỶ|THỊ ỦY|THỊ UỶ|ĐẢNG ỦY|ĐẢNG UỶ|
THÀNH PHỐ|THỊ XÃ|THỊ TRẤN|ĐẶC KHU|BẢO HIỂM|BỆNH VIỆN|TRƯỜNG HỌC|ĐẠI HỌC|CAO ĐẲNG|TRUNG HỌC|TIỂU HỌC|
MẦM NON|PHÒNG CHỐNG|THIÊN TAI|TÌM KIẾM|CỨU NẠN|GIẢM NGHÈO|BỀN VỮNG|MIỀN NÚI|VÙNG CAO|THÀNH VIÊN|
THƯỜNG TRỰC|THƯỜNG VỤ|CHẤP HÀNH|SẢN XUẤT|KINH DOANH|ĐỒNG BÀO|THIỂU SỐ|HÀNH ĐỘNG|TỔ CÔNG TÁC|CÔNG TÁC
""".replace("\n", "").split("|"))
_LONGEST = max(len(w.split()) for w in WORDS)


def _upper(text: str) -> str:
    """A token as the word lists spell it: NFC, upper case, without the comma or semicolon after it."""
    return unicodedata.normalize("NFC", text).upper().rstrip(",;")


def units(tokens: list[str]) -> list[tuple[int, int]]:
    """The words of a name, as (start, end) token ranges: the longest known word first, else a syllable."""
    out, i = [], 0
    upper = [_upper(t) for t in tokens]
    while i < len(tokens):
        for n in range(min(_LONGEST, len(tokens) - i), 0, -1):
            if n == 1 or " ".join(upper[i:i + n]) in WORDS:
                out.append((i, i + n))
                i += n
                break
    return out


def break_costs(tokens: list[str]) -> list[int | None]:
    """``costs[i]``: the cost of breaking the line before token ``i`` (``costs[0]`` is unused)."""
    n = len(tokens)
    costs: list[int | None] = [None] + [ORDINARY] * (n - 1)
    upper = [_upper(t) for t in tokens]
    spans = units(tokens)
    for start, end in spans:
        for i in range(start + 1, end):
            costs[i] = None  # inside a word
    for u, (start, end) in enumerate(spans):
        word = " ".join(upper[start:end])
        if word in CONJUNCTIONS:
            if start > 0 and costs[start] is not None:
                costs[start] = NATURAL
            if end < n:
                costs[end] = None  # "VÀ" never ends a line
        elif word in GLUE_FORWARD and end < n:
            costs[end] = None
        elif word in DASHES:
            costs[start] = None
            if end < n:
                costs[end] = None
        elif word in LEVELS and end < n:
            if start > 0:
                costs[start] = NATURAL  # between the organ and its place
            stop = next((s for s, e in spans[u + 1:] if " ".join(upper[s:e]) in CONJUNCTIONS), n)
            for i in range(end, stop):
                costs[i] = None  # the place's name is one
    return costs


@dataclass(frozen=True)
class Face:
    size: float
    bold: bool
    italic: bool = False

    def width(self, text: str) -> float:
        return text_width_pt(text, self.size, self.bold, self.italic)


def wrap(text: str, face: Face, room_pt: float) -> list[str]:
    """The lines Word prints ``text`` on in a column ``room_pt`` wide: as many words as fit, then the next line.

    Widths add up word by word (a line's width is the sum of its letters' advances), so a long
    text costs its length, not its length squared.
    """
    lines: list[str] = []
    space = face.width(" ")
    width = 0.0
    for word in text.split():
        w = face.width(word)
        if lines and width + space + w <= room_pt:
            lines[-1] = f"{lines[-1]} {word}"
            width += space + w
        else:
            lines.append(word)
            width = w
    return lines


def fits(width: float, room_pt: float) -> bool:
    return width + SLACK_PT <= room_pt


def break_name(name: str, face: Face, room_pt: float, max_lines: int = 2) -> list[str] | None:
    """The best way to print ``name`` on at most ``max_lines`` lines of ``room_pt``, or None.

    Fewest lines first; then the cheapest breaks (natural before ordinary); then the most
    balanced (the narrowest widest line). A line is never one word alone when the name has more.
    """
    tokens = name.split()
    if not tokens:
        return []
    space = face.width(" ")
    ends = list(itertools.accumulate((face.width(t) for t in tokens), initial=0.0))  # widths add up
    if ends[-1] + space * (len(tokens) - max_lines) > max_lines * room_pt:
        return None  # cannot fit in so few lines, however broken (and a pasted page costs nothing)
    costs = break_costs(tokens)
    for count in range(1, max_lines + 1):
        best = None
        for cuts in itertools.combinations(range(1, len(tokens)), count - 1):
            if any(costs[c] is None for c in cuts):
                continue
            bounds = (0, *cuts, len(tokens))
            if count > 1 and any(b - a == 1 for a, b in zip(bounds, bounds[1:])):
                continue  # a lone word
            widths = [ends[b] - ends[a] + space * (b - a - 1) for a, b in zip(bounds, bounds[1:])]
            if not all(fits(w, room_pt) for w in widths):
                continue
            key = (sum(costs[c] for c in cuts), max(widths))
            if best is None or key < best[0]:
                best = (key, [" ".join(tokens[a:b]) for a, b in zip(bounds, bounds[1:])])
        if best is not None:
            return best[1]
    return None


@dataclass(frozen=True)
class Name:
    """One block of the left column: the parent organ or the issuing organ."""

    lines: tuple[str, ...]  # one item: ours to break; several: the clerk's own lines, kept
    face: Face

    @property
    def forced(self) -> bool:
        return len(self.lines) > 1


@dataclass(frozen=True)
class Fit:
    """What ``fit`` chose: the printed lines of each name, their size, and the column's text width."""

    lines: tuple[tuple[str, ...], ...]
    sizes: tuple[float, ...]
    room_pt: float
    stepped: bool  # the size went down to ``min_size``
    overhang: bool  # the table goes into the margins
    fitted: bool = True  # False: nothing fitted in two lines: three lines if they fit, else as given


def _lay_out(name: Name, face: Face, room_pt: float) -> list[str] | None:
    if name.forced:
        return list(name.lines) if all(fits(face.width(line), room_pt) for line in name.lines) else None
    return break_name(name.lines[0], face, room_pt)


@lru_cache(maxsize=64)  # the same letterhead for every letter of a bulk run
def fit(names: tuple[Name, ...], room_pt: float, widest_pt: float, overhang_pt: float, min_size: float = 12) -> Fit:
    """Lay out the left column's names (see the module docstring for the order tried).

    ``room_pt``: the column's text width in the template; ``widest_pt``: the widest it may grow
    keeping the table inside the text block; ``overhang_pt``: how much more into the margins.
    The column grows only as much as the lines need.
    """
    tries = [(False, room_pt, False), (False, widest_pt, False), (True, room_pt, False), (True, widest_pt, False),
             (False, widest_pt + overhang_pt, True), (True, widest_pt + overhang_pt, True)]
    for step, limit, overhang in tries:
        if limit < room_pt:
            continue
        faces = [replace(n.face, size=min(n.face.size, min_size)) if step else n.face for n in names]
        laid = [_lay_out(n, f, limit) for n, f in zip(names, faces)]
        if all(lines is not None for lines in laid):
            need = max((f.width(line) for lines, f in zip(laid, faces) for line in lines), default=0.0)
            room = max(room_pt, need + SLACK_PT)
            return Fit(tuple(tuple(lines) for lines in laid), tuple(f.size for f in faces), room,
                       step and any(n.face.size > min_size for n in names), overhang and room > widest_pt)
    # nothing fits in two lines: three at the template's size if they fit, else the name as it came
    laid = []
    for n in names:
        lines = list(n.lines) if n.forced else (break_name(n.lines[0], n.face, room_pt, max_lines=3)
                                                 or list(n.lines))  # left to Word, and warned about
        laid.append(tuple(lines))
    return Fit(tuple(laid), tuple(n.face.size for n in names), room_pt, False, False, fitted=False)


# ---------------------------------------------------------------- findings (check, build, lint)

@dataclass(frozen=True)
class Finding:
    """Something wrong with a printed letterhead: ``kind`` is ``lone_word``, ``overflow`` or ``rule``."""

    kind: str
    block: str  # "parent" | "issuer"
    paragraph: int  # index of the paragraph in its block
    text: str  # the paragraph's text
    detail: str  # Vietnamese, what was found

    def message(self) -> str:
        return self.detail


RULE_MIN, RULE_MAX, RULE_TOLERANCE = 1 / 3, 1 / 2, 0.01


def findings(blocks: dict[str, list[tuple[str, Face]]], room_pt: float, rule_pt: float | None) -> list[Finding]:
    """What is wrong with a letterhead's left column as it prints.

    ``blocks``: ``{"parent": [(paragraph text, face), …], "issuer": […]}``; each paragraph is
    wrapped as Word wraps it in ``room_pt``. A printed line of one word in a name of several
    (``lone_word``), a paragraph that wraps (``overflow``: it was given as one line), and a rule
    under the issuing organ outside 1/3-1/2 of its widest printed line (``rule``).
    """
    out: list[Finding] = []
    widest = 0.0
    for block, paragraphs in blocks.items():
        words = sum(len(text.split()) for text, _ in paragraphs)
        for i, (text, face) in enumerate(paragraphs):
            printed = wrap(text, face, room_pt)
            if block == "issuer":
                widest = max([widest, *(face.width(line) for line in printed)])
            if len(printed) > 1:
                shown = " / ".join(printed)
                out.append(Finding("overflow", block, i, text,
                                   f"dòng «{text}» không vừa cột ({_pt(face.width(text))} pt, cột rộng "
                                   f"{_pt(room_pt)} pt) nên Word tự xuống dòng thành «{shown}»"))
            lone = [line for line in printed if len(line.split()) == 1] if words > 1 else []
            if lone:
                out.append(Finding("lone_word", block, i, text,
                                   f"chữ «{lone[0]}» đứng một mình trên một dòng; hãy ngắt tên ở chỗ tự nhiên "
                                   f"(trước «VÀ», giữa tên cơ quan và địa danh) hoặc viết cả tên trên một dòng"))
    if rule_pt is not None and widest > 0 and blocks.get("issuer"):
        ratio = rule_pt / widest
        if not RULE_MIN - RULE_TOLERANCE <= ratio <= RULE_MAX + RULE_TOLERANCE:
            out.append(Finding("rule", "issuer", len(blocks["issuer"]) - 1, "",
                               f"đường kẻ dưới tên cơ quan ban hành dài {_pt(rule_pt)} pt, bằng "
                               f"{round(ratio * 100)} % dòng chữ in rộng nhất ({_pt(widest)} pt); Nghị định 30 "
                               f"(Phụ lục I §II.2.b) yêu cầu từ 1/3 đến 1/2"))
    return out


def _pt(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")

