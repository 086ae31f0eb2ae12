""""Looking right": where the parts of each seed letter land on the PDF page LibreOffice prints.

Positions come from ``pdftotext -bbox-layout`` (poppler-utils). Coordinates are PDF
points from the top-left corner. The margins are read from the DOCX itself, so the
tests hold for any margins the template chooses within the decree's ranges.
"""
from __future__ import annotations

import statistics
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.ooxml.read import read_docx

from pdf_support import SEEDS, pdf_pages, requires_poppler, requires_soffice, seed_batch

pytestmark = [requires_soffice, requires_poppler]
XHTML = "{http://www.w3.org/1999/xhtml}"
PT_PER_TWIP = 1 / 20


@dataclass(frozen=True)
class Box:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[list[Box]]  # words of each line, as pdftotext groups them

    def line_boxes(self) -> list[Box]:
        return [_union(words) for words in self.lines]

    def find(self, phrase: str) -> list[Box]:
        """Every run of consecutive words (within one line) that starts with ``phrase``'s words."""
        tokens = phrase.split()
        found = []
        for words in self.lines:
            texts = [w.text for w in words]
            for i in range(len(words) - len(tokens) + 1):
                if texts[i : i + len(tokens) - 1] == tokens[:-1] and texts[i + len(tokens) - 1].startswith(tokens[-1]):
                    found.append(_union(words[i : i + len(tokens)]))
        return found

    def first(self, phrase: str) -> Box:
        boxes = self.find(phrase)
        assert boxes, f"không thấy «{phrase}» trên trang {self.number}"
        return boxes[0]


def _union(words: list[Box]) -> Box:
    return Box(" ".join(w.text for w in words), min(w.x0 for w in words), min(w.y0 for w in words),
               max(w.x1 for w in words), max(w.y1 for w in words))


def read_pages(pdf: Path) -> list[Page]:
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    root = ET.fromstring(out.stdout)
    pages = []
    for n, page in enumerate(root.iter(f"{XHTML}page"), start=1):
        lines = []
        for line in page.iter(f"{XHTML}line"):
            words = [
                Box(w.text or "", float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")), float(w.get("yMax")))
                for w in line.iter(f"{XHTML}word")
            ]
            if words:
                lines.append(words)
        pages.append(Page(n, float(page.get("width")), float(page.get("height")), lines))
    return pages


@dataclass(frozen=True)
class Rendered:
    name: str
    letter: object
    pages: list[Page]
    left: float  # x of the left margin (pt)
    right: float  # x of the right margin
    top: float  # y of the top margin

    def page_with(self, phrase: str) -> Page:
        for page in self.pages:
            if page.find(phrase):
                return page
        raise AssertionError(f"không thấy «{phrase}» ở trang nào của {self.name}")


@pytest.fixture(scope="session")
def rendered() -> dict[str, Rendered]:
    out = {}
    for name, conv in seed_batch().letters.items():
        section = read_docx(conv.docx).sections[0]
        left = section.margins["left"] * PT_PER_TWIP
        right = (section.page_w - section.margins["right"]) * PT_PER_TWIP
        top = section.margins["top"] * PT_PER_TWIP
        out[name] = Rendered(name, conv.built.letter, read_pages(conv.pdf), left, right, top)
    return out


SEED_NAMES = [p.stem for p in SEEDS]


@pytest.mark.parametrize("name", SEED_NAMES)
def test_page_count_is_plausible(rendered, name):
    r = rendered[name]
    assert len(r.pages) == pdf_pages(seed_batch().letters[name].pdf)
    assert 1 <= len(r.pages) <= 6
    assert all(abs(p.width - 595.3) < 1 and abs(p.height - 841.9) < 1 for p in r.pages), "A4 portrait"


@pytest.mark.parametrize("name", SEED_NAMES)
def test_letterhead_positions(rendered, name):
    r = rendered[name]
    page = r.pages[0]
    middle = page.width / 2
    qh = page.first("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert qh.x0 > middle - 20 and qh.cx > middle, f"Quốc hiệu phải ở nửa phải: {qh}"
    motto = page.first("Độc lập - Tự do - Hạnh phúc")
    assert abs(motto.cx - qh.cx) < 3 and motto.y0 > qh.y0, "Tiêu ngữ canh giữa dưới Quốc hiệu"
    for line in r.letter.issuer_lines:
        organ = page.first(line)
        assert organ.x1 < middle and organ.cx < middle, f"tên cơ quan phải ở nửa trái: {organ}"
    so = page.first("Số:")
    place = r.letter.date_line.split(",")[0]
    date = page.first(f"{place}, ngày")
    assert abs(so.cy - date.cy) <= 3, f"«Số:» và dòng ngày phải cùng một dòng: {so} / {date}"
    assert so.cx < middle < date.x0 + 10
    vv = page.first("V/v")
    assert vv.y0 >= so.y1 - 1 and vv.x1 < middle, "V/v dưới số, ký hiệu, bên trái"
    body_top = min(b.y0 for b in _body_lines(r, page))
    assert qh.y1 < body_top and so.y1 < body_top


def _body_lines(r: Rendered, page: Page) -> list[Box]:
    """Lines of the body: full-width text between the letterhead / Kính gửi and Nơi nhận."""
    width = r.right - r.left
    top = 0.0
    if page.number == 1:
        kinh_gui = page.find("Kính gửi:")
        top = (kinh_gui[0].y1 if kinh_gui else page.first("V/v").y1) + 1
    bottom = min([b.y0 for b in page.find("Nơi nhận:")], default=page.height)
    return [
        b for b in page.line_boxes()
        if top < b.y0 and b.y1 <= bottom  # between Kính gửi and Nơi nhận
        and r.left - 1 <= b.x0 < r.left + 45  # starts at the margin or at a first-line indent
        and (b.x1 - b.x0) > 0.6 * width  # a full line, not a heading or a short last line
    ]


@pytest.mark.parametrize("name", SEED_NAMES)
def test_body_is_justified_across_the_text_width(rendered, name):
    r = rendered[name]
    lines = [b for page in r.pages for b in _body_lines(r, page)]
    assert len(lines) >= 10, f"quá ít dòng nội dung: {len(lines)}"
    flush_right = [b for b in lines if abs(b.x1 - r.right) <= 2]
    flush_left = [b for b in lines if abs(b.x0 - r.left) <= 1.5]
    assert len(flush_right) / len(lines) >= 0.75, (
        f"chỉ {len(flush_right)}/{len(lines)} dòng chạm lề phải: nội dung không canh đều hai lề"
    )
    assert flush_left, "không dòng nào bắt đầu ở lề trái"
    assert all(b.x1 <= r.right + 1.5 for b in lines), "chữ tràn qua lề phải"
    indents = {round(b.x0 - r.left, 1) for b in lines if b.x0 - r.left > 5}
    assert indents and all(abs(i - 28.35) < 1.5 or abs(i - 36.0) < 1.5 or i > 40 for i in indents)
    assert statistics.median(b.x1 for b in lines) == pytest.approx(r.right, abs=1.5)


@pytest.mark.parametrize("name", SEED_NAMES)
def test_signature_block(rendered, name):
    r = rendered[name]
    page = r.page_with("Nơi nhận:")
    middle = page.width / 2
    label = page.first("Nơi nhận:")
    authority = page.first(r.letter.titles[0])
    signer = page.first(r.letter.signer_name)
    assert label.x0 < r.left + 6, f"«Nơi nhận:» phải sát lề trái: {label}"
    assert abs(label.y0 - authority.y0) <= 3, f"«Nơi nhận:» ngang hàng dòng quyền hạn: {label} / {authority}"
    assert authority.cx > middle and signer.cx > middle
    assert abs(signer.cx - authority.cx) < 3, "họ tên canh giữa dưới chức vụ"
    last_title = page.first(r.letter.titles[-1])
    assert signer.y0 - last_title.y1 > 40, "phải chừa chỗ ký giữa chức vụ và họ tên"


@pytest.mark.parametrize("name", SEED_NAMES)
def test_page_numbers_top_centre_from_page_two(rendered, name):
    r = rendered[name]
    centre = (r.left + r.right) / 2
    first = r.pages[0]
    assert not [b for b in first.line_boxes() if b.y1 < r.top - 2], "trang 1 không được có gì ở lề trên"
    if len(r.pages) == 1:
        pytest.skip("công văn chỉ có một trang")
    for page in r.pages[1:]:
        in_margin = [b for b in page.line_boxes() if b.y1 < r.top]
        assert [b.text for b in in_margin] == [str(page.number)], f"trang {page.number}: {in_margin}"
        assert abs(in_margin[0].cx - centre) < 4, "số trang canh giữa"
