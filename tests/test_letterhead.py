"""A letterhead that fits (issue #13): organ names broken where they break naturally, no word alone,
the column widened or the size stepped down to 12 pt only when needed, the rule under the issuing
organ 1/3-1/2 of the widest *printed* line; warnings from check/build and a lint rule when not.

Every letter here is built from YAML and read back from its DOCX: the lines, their size (w:sz), the
table's columns (w:gridCol) and the rule's indents are read from the XML. Widths are measured with
Times New Roman's advance widths (``metrics.text_width_pt``), as the decree's "length of the line".
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from lxml import etree

from generator.cli import main
from generator.geometry import letterhead as LH
from generator.geometry.metrics import text_width_pt
from generator.lint.check import lint_file
from generator.pipeline import build_file
from hostile_support import good

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEMPLATE_COLUMNS = ["3685", "5669"]  # 65 mm | 100 mm, as scripts/build_template.py writes them
CELL_PADDING_TWIPS = 57  # 1 mm each side


def build(tmp_path, issuer, parent=None, name="cv"):
    data = good()
    data.pop("co_quan_chu_quan")
    if parent is not None:
        data["co_quan_chu_quan"] = parent
    data["co_quan_ban_hanh"] = issuer
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path, build_file(path)


def letterhead(docx: bytes) -> dict:
    """The left column of the letterhead as printed: lines by role, their sizes, the grid, the rule."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml"))
    tbl = root.find(f".//{W}tbl")
    tc = tbl.find(f"{W}tr/{W}tc")
    out = {"grid": [g.get(f"{W}w") for g in tbl.iter(f"{W}gridCol")],
           "cell": int(tc.find(f"{W}tcPr/{W}tcW").get(f"{W}w")), "parent": [], "issuer": [], "sizes": set()}
    for p in tc.findall(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle").get(f"{W}val")
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
        if style in ("CVCoQuanChuQuan", "CVCoQuanBanHanh"):
            block = "parent" if style == "CVCoQuanChuQuan" else "issuer"
            sizes = {s.get(f"{W}val") for s in p.iter(f"{W}sz")}
            assert len(sizes) == 1, (text, sizes)  # runs and paragraph mark at one size
            out[block].append((text, int(sizes.pop()) / 2))
        elif style == "CVDuongKe":
            ind = p.find(f"{W}pPr/{W}ind")
            out["rule_twips"] = out["cell"] - 2 * CELL_PADDING_TWIPS - int(ind.get(f"{W}left")) - int(ind.get(f"{W}right"))
    return out


def word_wrap(text: str, size: float, bold: bool, room_pt: float) -> list[str]:
    """How Word fills a line: words while they fit, then a new line (written here, not imported)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width_pt(f"{lines[-1]} {word}", size, bold) <= room_pt:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def check_printed(head: dict) -> None:
    """At most two lines a name, each fits the cell, none is a word alone, the two balanced; rule 1/3-1/2."""
    room = (head["cell"] - 2 * CELL_PADDING_TWIPS) / 20
    widest = 0.0
    for block, bold in (("parent", False), ("issuer", True)):
        lines = head[block]
        assert len(lines) <= 2
        widths = []
        for text, size in lines:
            assert word_wrap(text, size, bold, room) == [text]  # Word prints it on one line
            widths.append(text_width_pt(text, size, bold))
            if len(lines) > 1:
                assert len(text.split()) > 1, f"«{text}» alone on its line"
        if len(widths) == 2:
            assert min(widths) / max(widths) >= 0.5, lines  # balanced
        if block == "issuer":
            widest = max(widths)
    ratio = head["rule_twips"] / 20 / widest
    assert 1 / 3 <= ratio <= 1 / 2


# name -> (printed lines, size, left column in twips): 13 pt in the template's column unless the
# name needs more; widened columns are the widest line + 1.5 pt of slack + 2 × 1 mm of padding
ISSUERS = {
    "BỘ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN": (["BỘ NÔNG NGHIỆP", "VÀ PHÁT TRIỂN NÔNG THÔN"], 13, "3871"),
    "UBND TỈNH THỪA THIÊN HUẾ": (["UBND TỈNH THỪA THIÊN HUẾ"], 13, "3977"),
    "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN": (["ỦY BAN NHÂN DÂN", "TỈNH LẠNG SƠN"], 13, "3685"),
    "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG": (["SỞ NÔNG NGHIỆP", "VÀ MÔI TRƯỜNG"], 13, "3685"),
    "BAN CHỈ ĐẠO CÁC CHƯƠNG TRÌNH MỤC TIÊU QUỐC GIA TỈNH LẠNG SƠN":
        (["BAN CHỈ ĐẠO CÁC CHƯƠNG TRÌNH", "MỤC TIÊU QUỐC GIA TỈNH LẠNG SƠN"], 12, "4638"),
    "VĂN PHÒNG ĐIỀU PHỐI NÔNG THÔN MỚI TỈNH QUẢNG NGÃI":
        (["VĂN PHÒNG ĐIỀU PHỐI", "NÔNG THÔN MỚI TỈNH QUẢNG NGÃI"], 12, "4511"),
    "ỦY BAN NHÂN DÂN XÃ HỮU LŨNG": (["ỦY BAN NHÂN DÂN", "XÃ HỮU LŨNG"], 13, "3685"),
}


@pytest.mark.parametrize("name", list(ISSUERS))
def test_long_issuing_organ_fits_in_two_balanced_lines(tmp_path, name):
    lines, size, left = ISSUERS[name]
    _, built = build(tmp_path, name)
    head = letterhead(built.docx)
    assert head["issuer"] == [(line, size) for line in lines]
    assert head["grid"][0] == left
    # the table never narrower than the text block, and only wider when 12 pt in it was not enough
    total = sum(int(g) for g in head["grid"])
    assert total == 9354 if size == 13 else 9354 < total <= 9354 + 567
    check_printed(head)
    assert not [w for w in built.warnings if "co_quan" in w]


def test_widening_and_stepping_down_only_when_needed(tmp_path):
    # fits at 13 pt in the template's column: nothing changes but the break
    head = letterhead(build(tmp_path, "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN")[1].docx)
    assert head["grid"] == TEMPLATE_COLUMNS and {s for _, s in head["issuer"]} == {13}
    # a short name: one line, template's column, 13 pt
    head = letterhead(build(tmp_path, "UBND XÃ HỮU LŨNG")[1].docx)
    assert head["issuer"] == [("UBND XÃ HỮU LŨNG", 13)] and head["grid"] == TEMPLATE_COLUMNS
    # "UBND / TỈNH THỪA THIÊN HUẾ" would leave UBND alone, "THỪA THIÊN / HUẾ" split the place: one
    # line, the column a little wider (191.7 pt + 1.5 + 5.7 = 198.9 pt = 3977 twips), still 13 pt
    head = letterhead(build(tmp_path, "UBND TỈNH THỪA THIÊN HUẾ")[1].docx)
    assert head["issuer"] == [("UBND TỈNH THỪA THIÊN HUẾ", 13)] and head["grid"] == ["3977", "5377"]


PARENTS = {
    # parent (not bold) above an issuer: one column, one size for both
    ("UBND TỈNH THỪA THIÊN HUẾ", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"):
        ([("UBND TỈNH THỪA THIÊN HUẾ", 13)], [("SỞ NÔNG NGHIỆP", 13), ("VÀ MÔI TRƯỜNG", 13)], "3812"),
    ("BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "CỤC KINH TẾ HỢP TÁC VÀ PHÁT TRIỂN NÔNG THÔN"):
        ([("BỘ NÔNG NGHIỆP", 13), ("VÀ MÔI TRƯỜNG", 13)],
         [("CỤC KINH TẾ HỢP TÁC", 13), ("VÀ PHÁT TRIỂN NÔNG THÔN", 13)], "3871"),
    ("UBND TỈNH LẠNG SƠN", "BAN CHỈ ĐẠO CÁC CHƯƠNG TRÌNH MỤC TIÊU QUỐC GIA TỈNH LẠNG SƠN"):
        ([("UBND TỈNH LẠNG SƠN", 12)],
         [("BAN CHỈ ĐẠO CÁC CHƯƠNG TRÌNH", 12), ("MỤC TIÊU QUỐC GIA TỈNH LẠNG SƠN", 12)], "4638"),
}


@pytest.mark.parametrize("parent,issuer", list(PARENTS))
def test_parent_organ_line(tmp_path, parent, issuer):
    parent_lines, issuer_lines, left = PARENTS[(parent, issuer)]
    head = letterhead(build(tmp_path, issuer, parent)[1].docx)
    assert head["parent"] == parent_lines and head["issuer"] == issuer_lines and head["grid"][0] == left
    check_printed(head)


def test_the_clerks_own_line_breaks_are_kept(tmp_path):
    # a break we would not have chosen, given as a list: printed as given, template's column and size
    head = letterhead(build(tmp_path, ["ỦY BAN NHÂN DÂN TỈNH", "LẠNG SƠN"])[1].docx)
    assert head["issuer"] == [("ỦY BAN NHÂN DÂN TỈNH", 13), ("LẠNG SƠN", 13)]
    assert head["grid"] == TEMPLATE_COLUMNS
    # the same with new lines in one string, and a parent given in two lines
    head = letterhead(build(tmp_path, "SỞ NÔNG NGHIỆP VÀ\nMÔI TRƯỜNG", ["UBND", "TỈNH LẠNG SƠN"])[1].docx)
    assert head["issuer"] == [("SỞ NÔNG NGHIỆP VÀ", 13), ("MÔI TRƯỜNG", 13)]
    assert head["parent"] == [("UBND", 13), ("TỈNH LẠNG SƠN", 13)]


def test_seed_letterheads_given_line_by_line_are_unchanged(tmp_path):
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "inputs" / "seeds"
    head = letterhead(build_file(root / "000-lang-son-2018.yaml").docx)
    assert head["parent"] == [("UBND TỈNH LẠNG SƠN", 13)]
    assert head["issuer"] == [("BAN CHỈ ĐẠO XÂY DỰNG", 13), ("NÔNG THÔN MỚI TỈNH", 13)]
    assert head["grid"] == TEMPLATE_COLUMNS


def test_rule_is_measured_from_the_printed_lines(tmp_path):
    # the clerk's first line is too wide for any column: Word wraps it; the rule follows what prints
    built = build(tmp_path, ["BỘ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN", "VIỆT NAM"])[1]
    head = letterhead(built.docx)
    assert head["grid"] == TEMPLATE_COLUMNS
    room = (head["cell"] - 2 * CELL_PADDING_TWIPS) / 20
    printed = word_wrap("BỘ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN", 13, True, room)
    assert printed == ["BỘ NÔNG NGHIỆP VÀ PHÁT", "TRIỂN NÔNG THÔN"]
    widest = max(text_width_pt(line, 13, True) for line in printed)
    assert 1 / 3 <= head["rule_twips"] / 20 / widest <= 1 / 2
    assert head["rule_twips"] / 20 / text_width_pt("BỘ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN", 13, True) < 1 / 3


def test_check_and_build_warn_about_a_lone_word_and_an_overflow(tmp_path):
    path, built = build(tmp_path, ["ỦY BAN NHÂN DÂN TỈNH LẠNG", "SƠN"])
    lone = [w for w in built.warnings if "«SƠN» đứng một mình" in w]
    assert len(lone) == 1
    # the field and the line of the item that prints alone
    lines = path.read_text("utf-8").splitlines()
    assert lines[:3] == ["co_quan_ban_hanh:", "- ỦY BAN NHÂN DÂN TỈNH LẠNG", "- SƠN"]
    assert "dòng 3, trường «co_quan_ban_hanh[2]»" in lone[0]
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 0 and "«SƠN» đứng một mình" in result.stderr
    result = CliRunner().invoke(main, ["build", str(path), "-o", str(tmp_path / "ra.docx")])
    assert result.exit_code == 0 and "«SƠN» đứng một mình" in result.stderr

    path, built = build(tmp_path, ["BỘ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN", "VIỆT NAM"], name="tran")
    over = [w for w in built.warnings if "không vừa cột" in w]
    assert len(over) == 1 and "trường «co_quan_ban_hanh[1]»" in over[0]
    assert "«BỘ NÔNG NGHIỆP VÀ PHÁT / TRIỂN NÔNG THÔN»" in over[0]


def test_check_and_build_of_a_campaign_warn_about_its_letterhead(tmp_path):
    campaign = Path(__file__).resolve().parent.parent / "inputs" / "chien-dich" / "nhac-xa-2026.yaml"
    text = campaign.read_text("utf-8").replace("bang: ../vi-du/", f"bang: {campaign.parent.parent / 'vi-du'}/")
    # the letter's organ typed by the clerk with a break that leaves "SƠN" alone
    first = text.index("  co_quan_ban_hanh: ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN")
    text = text[:first] + "  co_quan_ban_hanh: [ỦY BAN NHÂN DÂN TỈNH LẠNG, SƠN]" + text[first + len(
        "  co_quan_ban_hanh: ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN"):]
    path = tmp_path / "chien-dich.yaml"
    path.write_text(text, "utf-8")
    line = text[:first].count("\n") + 1
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 0, result.output
    lone = [w for w in result.stderr.splitlines() if "«SƠN» đứng một mình" in w]
    assert len(lone) == 1 and f"dòng {line}, trường «thu.co_quan_ban_hanh[2]»" in lone[0], result.stderr
    result = CliRunner().invoke(main, ["build", str(path), "-o", str(tmp_path / "ra")])
    assert result.exit_code == 0 and "«SƠN» đứng một mình" in result.stderr
    # the shipped campaign, its name given on one line, gets no such warning
    result = CliRunner().invoke(main, ["check", str(campaign)])
    assert result.exit_code == 0 and "đứng một mình" not in result.stderr


def test_findings_rule_outside_a_third_to_a_half():
    face = LH.Face(13, True)
    blocks = {"issuer": [("ỦY BAN NHÂN DÂN", face), ("TỈNH LẠNG SƠN", face)]}
    widest = text_width_pt("ỦY BAN NHÂN DÂN", 13, True)  # 122.4 pt
    assert LH.findings(blocks, 178.6, widest * 0.4) == []
    for ratio in (0.3, 0.55):
        found = LH.findings(blocks, 178.6, widest * ratio)
        assert [f.kind for f in found] == ["rule"]
        assert f"bằng {round(ratio * 100)} % dòng chữ in rộng nhất" in found[0].detail
    # a lone word and an overflow, each found
    found = LH.findings({"issuer": [("BỘ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG", face), ("THÔN", face)]}, 178.6, None)
    assert [f.kind for f in found] == ["overflow", "lone_word"]


def test_breaks_follow_vietnamese_practice():
    face = LH.Face(13, True)
    narrow = 140.0
    assert LH.break_name("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", face, 200) == ["SỞ LAO ĐỘNG - THƯƠNG BINH", "VÀ XÃ HỘI"]
    # "XÃ" of "XÃ HỘI" / "HỢP TÁC XÃ" is not a commune
    assert LH.break_name("LIÊN MINH HỢP TÁC XÃ TỈNH LẠNG SƠN", face, 200) == ["LIÊN MINH HỢP TÁC XÃ", "TỈNH LẠNG SƠN"]
    # never a line ending in "VÀ" or "CÁC", never inside a place's name
    assert LH.break_name("SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", face, narrow) == ["SỞ NÔNG NGHIỆP", "VÀ MÔI TRƯỜNG"]
    assert LH.break_name("UBND TỈNH THỪA THIÊN HUẾ", face, 178.6) is None
    # before "VÀ" even when a break after the comma would be more even ("SỞ VĂN HÓA, / THỂ THAO …")
    assert LH.break_name("SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", face, 178.6) == ["SỞ VĂN HÓA, THỂ THAO", "VÀ DU LỊCH"]
    # two natural breaks: the more even ("SỞ KHOA HỌC / VÀ CÔNG NGHỆ TỈNH LẠNG SƠN" is 210 pt wide)
    assert LH.break_name("SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH LẠNG SƠN", face, 240) == [
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "TỈNH LẠNG SƠN"]
    # one line whenever it fits
    assert LH.break_name("SỞ KHOA HỌC VÀ CÔNG NGHỆ", face, 205) == ["SỞ KHOA HỌC VÀ CÔNG NGHỆ"]  # 199 pt


# ---------------------------------------------------------------- lint: a DOCX broken on purpose


def test_lint_reports_a_name_that_wraps_leaving_a_word_alone(tmp_path):
    from test_lint import make_letter

    # another office's letter: the name typed on one line in a 6,5 cm column; Word prints
    # "SỞ NÔNG NGHIỆP VÀ MÔI / TRƯỜNG", and the rule (0,4 of the unwrapped name) is 55 % of what prints
    path = make_letter(tmp_path / "tran.docx", issuer="SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG")
    report = lint_file(path)
    assert {"co_quan.chu_don_le", "co_quan.tran_dong", "duong_ke_co_quan.do_dai"} <= report.rule_ids()
    text = report.to_text()
    assert "chữ «TRƯỜNG» đứng một mình trên một dòng" in text
    assert "«SỞ NÔNG NGHIỆP VÀ MÔI / TRƯỜNG»" in text
    # the rule is judged against the widest printed line, "SỞ NÔNG NGHIỆP VÀ MÔI", not the whole name
    assert "độ dài đường kẻ so với dòng chữ 55 %" in text
    # the same office with its name on one line that fits: none of these
    clean = lint_file(make_letter(tmp_path / "dung.docx", issuer="SỞ TÀI CHÍNH"))
    assert not {"co_quan.chu_don_le", "co_quan.tran_dong", "duong_ke_co_quan.do_dai"} & clean.rule_ids()


def test_letters_we_build_pass_the_letterhead_lint(tmp_path):
    for name in ("BAN CHỈ ĐẠO CÁC CHƯƠNG TRÌNH MỤC TIÊU QUỐC GIA TỈNH LẠNG SƠN", "UBND TỈNH THỪA THIÊN HUẾ"):
        out = tmp_path / "cv.docx"
        out.write_bytes(build(tmp_path, name)[1].docx)
        report = lint_file(out)
        assert report.ok, report.to_text()


def test_circulation_box_stays_centred_over_a_narrowed_right_column(tmp_path):
    data = good()
    data["co_quan_ban_hanh"] = "BAN CHỈ ĐẠO CÁC CHƯƠNG TRÌNH MỤC TIÊU QUỐC GIA TỈNH LẠNG SƠN"
    data["pham_vi_luu_hanh"] = "LƯU HÀNH NỘI BỘ"
    path = tmp_path / "cv.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(build_file(path).docx)).read("word/document.xml"))
    left, right = (int(g.get(f"{W}w")) for g in root.find(f".//{W}tbl").iter(f"{W}gridCol"))
    assert (left, right) == (4638, 5264)  # wider than the 9354-twip text block: centred, 274 twips each side
    box = next(p for p in root.iter(f"{W}p") if p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "CVPhamVi")
    ind = box.find(f"{W}pPr/{W}ind")
    box_left, box_right = int(ind.get(f"{W}left")), int(ind.get(f"{W}right"))
    box_centre = (box_left + (9354 - box_right)) / 2
    column_centre = (9354 - left - right) / 2 + left + right / 2  # from the left margin
    assert abs(box_centre - column_centre) <= 1
