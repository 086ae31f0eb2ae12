"""Assessment tables made by a script or a busy office: read as the clerk sees them in Excel, or refused.

Every workbook here is written the way an attacker (or a reporting script) would write it: openpyxl,
then, where openpyxl cannot say it, its XML edited by hand. Letters are opened and their text checked.
"""
from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document

from conftest import ROOT
from docx_helpers import all_paragraphs, run_props
from hostile_support import TABLE_LETTER as LETTER
from generator.cli import main

pytestmark = pytest.mark.hostile

ASSIGN = "\n".join(f"    {n}: Sở số {n}" for n in range(1, 20))
CAMPAIGN = textwrap.dedent("""\
    chien_dich:
      ten: thu-nghiem
      han: 15/12/2024
      phan_cong:
    {assign}
    danh_gia:
      bo_tieu_chi: xa_ntm_2021_2025
      bang: {table}
    thu:
      co_quan_ban_hanh: [ỦY BAN NHÂN DÂN, HUYỆN HỮU LŨNG]
      ky_hieu: UBND-NN
      dia_danh: Hữu Lũng
      ngay: 20/9/2024
      trich_yeu: khắc phục tiêu chí của xã {{xa}}
      kinh_gui: Ủy ban nhân dân xã {{xa}}
      noi_dung:
        - "Kết quả của xã {{xa}}:"
        - ket_qua: xa_nay
        - phan_cong: xa_nay
        - "Đề nghị xã {{xa}} hoàn thành trước ngày **{{han}}**."
      noi_dung_duy_tri:
        - "Xã {{xa}} tiếp tục duy trì các tiêu chí."
      trich_yeu_duy_tri: duy trì các tiêu chí nông thôn mới của xã {{xa}}
      nguoi_ky: {{quyen_han: KT., chuc_vu: [CHỦ TỊCH, PHÓ CHỦ TỊCH], ho_ten: Dương Thị Hạnh}}
      luu: VT, NN
    """)


def build_letter(tmp_path: Path, table: str, extra: str = ""):
    path = tmp_path / "cv.yaml"
    path.write_text(LETTER.format(table=table, extra=extra), encoding="utf-8")
    out = tmp_path / "cv.docx"
    return CliRunner().invoke(main, ["build", str(path), "-o", str(out)]), out


def build_campaign(tmp_path: Path, table: str):
    path = tmp_path / "cd.yaml"
    path.write_text(CAMPAIGN.format(assign=ASSIGN, table=table), encoding="utf-8")
    return CliRunner().invoke(main, ["build", str(path), "-o", str(tmp_path / "out")]), tmp_path / "out" / "thu-nghiem"


def text_of(path: Path) -> list[str]:
    return [p.text for p in Document(path).paragraphs]


def workbook(*sheets: tuple[str, list[list]]) -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    return book


def rewrite(path: Path, part: str, edit) -> None:
    """Edit one XML part of a saved workbook, as a script writing the file by hand would."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts[part] = edit(parts[part].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def refused(result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "Lỗi nội bộ" not in result.output
    for w in words:
        assert w in result.output, result.output


# --- formulas with no result saved ---------------------------------------------------------------------

def test_formulas_a_script_wrote_without_results_are_refused(tmp_path):
    book = workbook(("Xã", [["Xã", "1", "2", "3", "Số tiêu chí đạt"],
                            ["Minh Tiến", '=IF(1=1,"x","")', '=IF(1=1,"x","")', "x", "=COUNTIF(B2:D2,\"x\")"]]))
    book.save(tmp_path / "bang.xlsx")
    result, out = build_letter(tmp_path, "bang.xlsx")
    refused(result, "bang.xlsx", "trang «Xã», hàng 2, cột B", "trang «Xã», hàng 2, cột C",
            "trang «Xã», hàng 2, cột E", "công thức", "mở tệp bằng Excel")
    assert "hàng 2, cột D" not in result.output  # a plain value is not a formula
    assert not out.exists()


def test_formulas_with_the_results_excel_saved_are_read(tmp_path):
    book = workbook(("Xã", [["Xã", "1", "2", "3"], ["Minh Tiến", '=IF(1=1,"x","")', '=IF(1=0,"x","")', "x"]]))
    book.save(tmp_path / "bang.xlsx")
    # what Excel writes after computing: the result beside the formula (an empty text result as t="str")
    rewrite(tmp_path / "bang.xlsx", "xl/worksheets/sheet1.xml", lambda xml: xml
            .replace('<c r="B2"><f>IF(1=1,"x","")</f><v></v></c>', '<c r="B2" t="str"><f>IF(1=1,"x","")</f><v>x</v></c>')
            .replace('<c r="C2"><f>IF(1=0,"x","")</f><v></v></c>', '<c r="C2" t="str"><f>IF(1=0,"x","")</f><v></v></c>'))
    result, out = build_letter(tmp_path, "bang.xlsx")
    assert result.exit_code == 0, result.output
    assert "- Xã Minh Tiến đạt 02/19 tiêu chí gồm: Số 1 – Quy hoạch; Số 3 – Thủy lợi và phòng, chống thiên tai." \
        in text_of(out)


def test_a_whole_sheet_of_uncomputed_formulas_is_one_short_message(tmp_path):
    rows = [["Xã", *map(str, range(1, 20))]] + [[f"Xã số {i}", *(['=IF(1,"x","")'] * 19)] for i in range(2, 202)]
    workbook(("Xã", rows)).save(tmp_path / "bang.xlsx")
    result, _ = build_letter(tmp_path, "bang.xlsx")
    refused(result, "trang «Xã», hàng 2, cột B", f"và {200 * 19 - 10} ô công thức khác chưa có kết quả tính")
    assert result.output.count("công thức nhưng") == 10


# --- which sheet -----------------------------------------------------------------------------------------

def two_years(tmp_path: Path) -> Path:
    book = workbook(("2023", [["Xã", "1", "2", "3"], ["Minh Tiến", "x", None, None]]),
                    ("2024", [["Xã", "1", "2", "3"], ["Minh Tiến", "x", "x", "x"]]))
    book["2023"].sheet_state = "hidden"  # last year's data, hidden, first
    book.active = 1
    book.save(tmp_path / "bang.xlsx")
    return tmp_path / "bang.xlsx"


def test_the_visible_active_sheet_is_read_not_a_hidden_first_one(tmp_path):
    two_years(tmp_path)
    result, out = build_letter(tmp_path, "bang.xlsx")
    assert result.exit_code == 0, result.output
    text = text_of(out)
    assert any(t.startswith("- Xã Minh Tiến đạt 03/19 tiêu chí gồm: Số 1 – Quy hoạch; Số 2 – ") for t in text), text
    assert not any("đạt 01/19" in t for t in text)


def test_a_named_sheet_is_read_even_when_hidden(tmp_path):
    two_years(tmp_path)
    result, out = build_letter(tmp_path, "bang.xlsx", "  trang_tinh: '2023'\n")
    assert result.exit_code == 0, result.output
    assert "- Xã Minh Tiến đạt 01/19 tiêu chí gồm: Số 1 – Quy hoạch." in text_of(out)


def test_the_first_visible_sheet_is_not_read_when_another_is_active(tmp_path):
    book = workbook(("Cũ", [["Xã", "1"], ["Minh Tiến", None]]), ("Mới", [["Xã", "1"], ["Minh Tiến", "x"]]))
    book.active = 1
    book.save(tmp_path / "bang.xlsx")
    result, out = build_letter(tmp_path, "bang.xlsx")
    assert result.exit_code == 0, result.output
    assert "- Xã Minh Tiến đạt 01/19 tiêu chí gồm: Số 1 – Quy hoạch." in text_of(out)


def test_a_hidden_active_sheet_is_refused_with_the_way_out(tmp_path):
    path = two_years(tmp_path)
    # Excel never saves this (openpyxl moves the active tab off a hidden sheet): a hand-made file
    rewrite(path, "xl/workbook.xml", lambda xml: re.sub(r'activeTab="\d+"', 'activeTab="0"', xml)
            if "activeTab" in xml else xml.replace("<workbookView ", '<workbookView activeTab="0" ', 1))
    result, out = build_letter(tmp_path, "bang.xlsx")
    refused(result, "bang.xlsx", "«2023»", "bị ẩn", "trang_tinh")
    assert not out.exists()


# --- duplicated columns ----------------------------------------------------------------------------------

@pytest.mark.parametrize("header, hide, words", [
    (["Xã", "1", "2", "3", "2"], None, ["trang «Xã», hàng 1, cột E", "tiêu chí số 2 có hai lần: cột C", "cột E"]),
    (["Xã", "1", "TC2", "3", "Tiêu chí 2"], "E", ["hàng 1, cột E", "tiêu chí số 2 có hai lần", "(«TC2»)"]),
    (["Tên xã", "1", "2", "3", "Xã"], "E", ["hàng 1, cột E", "cột «Xã» có hai lần: cột A («Tên xã») và cột E"]),
    (["Xã", "1", "2", "Số tiêu chí đạt", "Tổng"], None, ["hàng 1, cột E", "«Số tiêu chí đạt» có hai lần"]),
], ids=["criterion twice", "criterion twice, second hidden", "name twice, second hidden", "count twice"])
def test_a_column_given_twice_is_refused(tmp_path, header, hide, words):
    book = workbook(("Xã", [header, ["Minh Tiến", "x", "x", "", "Hòa Bình"], ["Cai Kinh", "", "", "x", ""]]))
    if hide:
        book["Xã"].column_dimensions[hide].hidden = True
    book.save(tmp_path / "bang.xlsx")
    result, out = build_letter(tmp_path, "bang.xlsx")
    refused(result, *words)
    assert not out.exists()


def test_a_column_given_twice_in_a_csv_is_refused(tmp_path):
    (tmp_path / "bang.csv").write_text("Xã,1,2,1\nMinh Tiến,x,,\n", encoding="utf-8")
    result, _ = build_letter(tmp_path, "bang.csv")
    refused(result, "bang.csv, hàng 1, cột 4", "tiêu chí số 1 có hai lần: cột 2")


# --- hidden rows and columns -----------------------------------------------------------------------------

def marks_table(tmp_path: Path, edit) -> Path:
    book = workbook(("Xã", [["Xã", "1", "2", "3", "Ghi chú"], ["Minh Tiến", "x", None, None, "đã rà soát"],
                            ["Cai Kinh", "x", "x", None, None], ["Quyết Thắng", None, None, "x", None]]))
    edit(book["Xã"])
    book.save(tmp_path / "bang.xlsx")
    return tmp_path / "bang.xlsx"


def test_a_hidden_row_with_marks_is_refused(tmp_path):
    marks_table(tmp_path, lambda ws: setattr(ws.row_dimensions[3], "hidden", True))
    result, out = build_letter(tmp_path, "bang.xlsx")
    refused(result, "trang «Xã», hàng 3, cột A", "đang bị ẩn", "bộ lọc")
    assert "hàng 2" not in result.output and "hàng 4" not in result.output
    assert not out.exists()


def test_a_hidden_criterion_column_is_refused(tmp_path):
    marks_table(tmp_path, lambda ws: setattr(ws.column_dimensions["C"], "hidden", True))
    result, out = build_letter(tmp_path, "bang.xlsx")
    refused(result, "trang «Xã», hàng 1, cột C", "tiêu chí số 2 («2») đang bị ẩn")
    assert not out.exists()


def test_a_hidden_range_of_columns_written_by_hand_is_refused(tmp_path):
    path = marks_table(tmp_path, lambda ws: None)
    # one <col> element hiding B:D, as Excel writes a hidden group of columns
    rewrite(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        "<sheetData>", '<cols><col min="2" max="4" width="0" customWidth="1" hidden="1"/></cols><sheetData>', 1))
    result, _ = build_letter(tmp_path, "bang.xlsx")
    refused(result, "hàng 1, cột B", "hàng 1, cột C", "hàng 1, cột D")


def test_hidden_notes_and_empty_hidden_rows_are_harmless(tmp_path):
    def edit(ws):
        ws.column_dimensions["E"].hidden = True  # "Ghi chú": not read
        ws.row_dimensions[7].hidden = True       # empty
    marks_table(tmp_path, edit)
    result, out = build_letter(tmp_path, "bang.xlsx")
    assert result.exit_code == 0, result.output
    assert "- Xã Cai Kinh đạt 02/19 tiêu chí gồm: Số 1 – Quy hoạch; Số 2 – Giao thông." in text_of(out)


# --- bounded by the real data ----------------------------------------------------------------------------

READ_IN_A_CHILD = """
import json, sys, time
from pathlib import Path
try:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (1536 * 1024 * 1024, 1536 * 1024 * 1024))
except (ImportError, ValueError, OSError):
    resource = None
import openpyxl, psutil
from openpyxl.worksheet import _reader
from generator.assessments.table import read_table
from generator.assessments.criteria import get_set


def peak():
    if resource is None:
        return psutil.Process().memory_info().peak_wset  # Windows
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)


criteria_set = get_set("xa_ntm_2021_2025", [])
before = peak()
start = time.perf_counter()
table = read_table(Path(sys.argv[1]), None, criteria_set, lambda s, w: None)
names = [assessment.name for assessment, _ in table]
print(json.dumps({"seconds": time.perf_counter() - start, "grew": peak() - before,
                  "names": names, "problems": [str(p) for p in table.problems]}))
"""


def read_in_a_child(path: Path, timeout: float = 60) -> dict:
    """read_table in its own process with at most 1.5 GB of address space: a blow-up fails, it cannot swap."""
    done = subprocess.run([sys.executable, "-c", READ_IN_A_CHILD, str(path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_a_stray_cell_at_xfd1048576_costs_nothing(tmp_path):
    book = workbook(("Xã", [["Xã", "1", "2"], ["Minh Tiến", "x", None], ["Cai Kinh", "x", "x"]]))
    book["Xã"]["XFD1048576"] = "x"
    book.save(tmp_path / "bang.xlsx")
    assert (tmp_path / "bang.xlsx").stat().st_size < 10_000
    with zipfile.ZipFile(tmp_path / "bang.xlsx") as z:
        assert b'<dimension ref="A1:XFD1048576"/>' in z.read("xl/worksheets/sheet1.xml")
    start = time.perf_counter()
    found = read_in_a_child(tmp_path / "bang.xlsx")
    assert time.perf_counter() - start < 20
    assert found["seconds"] < 2 and found["grew"] < 30 * 1024 * 1024, found
    assert found["names"] == ["Minh Tiến", "Cai Kinh"] and found["problems"] == []


def test_ten_thousand_rows_are_read_in_reasonable_time_and_memory(tmp_path):
    rows = [["STT", "Xã", *map(str, range(1, 20)), "Ghi chú"]]
    rows += [[i, f"Xã thử {i}", *(["x", None] * 10)[:19], "ghi chú dài " * 3] for i in range(1, 10_001)]
    workbook(("Xã", rows)).save(tmp_path / "bang.xlsx")
    found = read_in_a_child(tmp_path / "bang.xlsx", timeout=120)
    assert len(found["names"]) == 10_000 and found["problems"] == []
    # measured: 3-4 s and about 12 MB on a shared 2-core machine
    assert found["seconds"] < 30 and found["grew"] < 150 * 1024 * 1024, {k: found[k] for k in ("seconds", "grew")}


def test_a_cell_longer_than_the_csv_field_limit_is_a_message(tmp_path):
    (tmp_path / "bang.csv").write_text("Xã,1\nMinh Tiến,x\n\"" + "A" * 200_000 + "\",x\n", encoding="utf-8")
    result, out = build_letter(tmp_path, "bang.csv")
    refused(result, "bang.csv", "dòng 3", "dài quá 131.072 ký tự")
    assert not out.exists()


# --- commune names are data ------------------------------------------------------------------------------

def campaign_letters(folder: Path) -> dict[str, Document]:
    """Each letter of the run by the commune its Kính gửi names."""
    letters = {}
    for path in sorted(folder.glob("xa-*.docx")):
        doc = Document(path)
        line = next(p.text for p in all_paragraphs(doc) if p.text.startswith("Kính gửi"))
        letters[line.removeprefix("Kính gửi: Ủy ban nhân dân xã ")] = doc
    return letters


def emphasis_of(p, start: int, end: int) -> set[tuple[bool, bool]]:
    """The (bold, italic) of every character from ``start`` to ``end`` of paragraph ``p``, as Word shows it."""
    seen, pos = set(), 0
    for run in p.runs:
        if run.text and pos < end and start < pos + len(run.text):
            seen.add(run_props(run, p)[2:])
        pos += len(run.text)
    return seen


NAMES = ["{han}", "{xa}", "A*B*", "**X**", "*Y*"]


def test_names_that_look_like_placeholders_or_emphasis_print_as_typed(tmp_path):
    book = workbook(("Xã", [["Xã", "1", "2"]] + [[name, "x", None] for name in NAMES]))
    book.save(tmp_path / "bang.xlsx")
    result, folder = build_campaign(tmp_path, "bang.xlsx")
    assert result.exit_code == 0, result.output
    letters = campaign_letters(folder)
    assert sorted(letters) == sorted(NAMES)
    for name, doc in letters.items():
        paragraphs = all_paragraphs(doc)
        text = [p.text for p in paragraphs]
        assert f"Kính gửi: Ủy ban nhân dân xã {name}" in text
        assert f"V/v khắc phục tiêu chí của xã {name}" in text
        assert f"Kết quả của xã {name}:" in text
        assert f"- Xã {name} đạt 01/19 tiêu chí gồm: Số 1 – Quy hoạch." in text
        assert f"Đề nghị xã {name} hoàn thành trước ngày 15/12/2024./." in text
        assert doc.core_properties.title == f"V/v khắc phục tiêu chí của xã {name}"
        assert sum(t.startswith("Kính gửi") for t in text) == 1
        for p in paragraphs:  # the name is printed in the weight and slant of the word "xã" before it
            for match in re.finditer(re.escape("ã " + name), p.text):
                at = match.start() + 2
                assert emphasis_of(p, at, at + len(name)) == emphasis_of(p, at - 2, at - 1), (name, p.text)


def test_the_same_commune_spelt_two_ways_is_refused(tmp_path):
    book = workbook(("Xã", [["Xã", "1"], ["Hoà Bình", "x"], ["Minh Tiến", "x"], ["Hòa Bình", None],
                            ["hòa  bình", None], ["Thuỷ Sơn", "x"], ["THỦY SƠN", None]]))
    book.save(tmp_path / "bang.xlsx")
    result, out = build_letter(tmp_path, "bang.xlsx")
    refused(result, "trang «Xã», hàng 4, cột A: xã «Hòa Bình» trùng với xã «Hoà Bình» đã có ở",
            "trang «Xã», hàng 5, cột A: xã «hòa  bình» trùng với xã «Hoà Bình»",
            "trang «Xã», hàng 7, cột A: xã «THỦY SƠN» trùng với xã «Thuỷ Sơn»")
    assert "hàng 3" not in result.output  # Minh Tiến is alone
    assert not out.exists()


def test_a_body_block_finds_the_commune_however_its_tone_is_placed(tmp_path):
    (tmp_path / "bang.csv").write_text("Xã,1\nHoà Bình,x\n", encoding="utf-8")
    path = tmp_path / "cv.yaml"
    path.write_text(LETTER.format(table="bang.csv", extra="").replace("ket_qua: tat_ca", "ket_qua: [Hòa Bình]"),
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(path), "-o", str(tmp_path / "cv.docx")])
    assert result.exit_code == 0, result.output
    assert "- Xã Hoà Bình đạt 01/19 tiêu chí gồm: Số 1 – Quy hoạch." in text_of(tmp_path / "cv.docx")


def test_a_name_with_a_line_break_is_refused_not_split(tmp_path):
    book = workbook(("Xã", [["Xã", "1"], ["Minh Tiến", "x"], ["Hòa\nBình", "x"]]))
    book.save(tmp_path / "bang.xlsx")
    result, folder = build_campaign(tmp_path, "bang.xlsx")
    refused(result, "trang «Xã», hàng 3, cột A", "xuống dòng", "Alt+Enter")
    letters = campaign_letters(folder)
    assert list(letters) == ["Minh Tiến"]  # the other communes still get theirs (a bulk run goes on)
    for doc in letters.values():
        assert not any(p.text.startswith(("Hòa", "Bình", "- Bình", "Kính gửi: Ủy ban nhân dân xã Hòa"))
                       for p in doc.paragraphs)


def test_a_name_with_a_line_break_in_the_yaml_is_refused(tmp_path):
    path = tmp_path / "cv.yaml"
    text = LETTER.format(table="x.csv", extra="").replace("  bang: x.csv\n", '  xa:\n    - {ten: "Hòa\\nBình", dat: [1]}\n')
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(path), "-o", str(tmp_path / "cv.docx")])
    refused(result, "danh_gia.xa[1].ten", "dòng 14", "xuống dòng")


def test_a_commune_called_like_a_keyword_is_refused(tmp_path):
    (tmp_path / "bang.csv").write_text("Xã,1\nMinh Tiến,x\ntat_ca,x\n", encoding="utf-8")
    result, folder = build_campaign(tmp_path, "bang.csv")
    refused(result, "bang.csv, hàng 3, cột 1", "từ khoá")
    assert list(campaign_letters(folder)) == ["Minh Tiến"]
    assert "Xã Minh Tiến đạt" in "\n".join(p.text for p in campaign_letters(folder)["Minh Tiến"].paragraphs)
