"""The one classifier of a letter's parts (``ooxml/parts.py``): the type from the title block, the
parts of each type, the letterhead's end by structure; ``dispatch text`` labels what lint judges.

The documents are typed with python-docx as another office would (``test_lint.make_letter``,
no style of ours), after Mẫu 1.4 (Kế hoạch, Tờ trình) and Mẫu 1.2 (Quyết định) of the decree.
"""
from __future__ import annotations

import pytest

from generator.ooxml.parts import classify
from generator.ooxml.read import read_docx
from review_helpers import text_of
from test_lint import BODY, DECISION, PLAN, REPORT_UP, make_letter


def _parts(path):
    return classify(read_docx(path).paragraphs)


def _texts(parts, name):
    return [s.text for s in parts.elements[name].segments]


@pytest.mark.parametrize("changes, key", [
    ({}, "cong_van"),
    (PLAN, "ke_hoach"),
    (REPORT_UP, "to_trinh"),
    (DECISION, "quyet_dinh"),
    ({**PLAN, "ten_loai": "Báo cáo"}, "bao_cao"),  # typed in normal case: still its type, lint says so
    ({**PLAN, "ten_loai": "THÔNG BÁO"}, "thong_bao"),
])
def test_the_type_is_read_from_the_title_block(tmp_path, changes, key):
    assert _parts(make_letter(tmp_path / "a.docx", **changes)).doc_type.key == key


def test_a_body_line_named_like_a_type_after_kinh_gui_is_body(tmp_path):
    """The title block is looked for right under the letterhead, before any Kính gửi: a công văn
    whose first body line after its Kính gửi reads "BÁO CÁO" stays a công văn."""
    parts = _parts(make_letter(tmp_path / "cv.docx", body=["BÁO CÁO", *BODY]))
    assert parts.doc_type.key == "cong_van"
    assert _texts(parts, "noi_dung")[0] == "BÁO CÁO"


def test_the_parts_of_a_decision(tmp_path):
    parts = _parts(make_letter(tmp_path / "qd.docx", **DECISION))
    assert _texts(parts, "ten_loai") == ["QUYẾT ĐỊNH"]
    assert _texts(parts, "trich_yeu_ten_loai") == ["Về việc công nhận xã Minh Tiến đạt chuẩn nông thôn mới năm 2025"]
    assert _texts(parts, "tham_quyen") == ["CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN"]
    assert _texts(parts, "can_cu") == [
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
        "Căn cứ Quyết định số 318/QĐ-TTg ngày 08 tháng 3 năm 2022 của Thủ tướng Chính phủ;",
        "Theo đề nghị của Giám đốc Sở Nông nghiệp và Môi trường tại Tờ trình số 05/TTr-SNNMT.",
    ]
    assert _texts(parts, "quyet_dinh") == ["QUYẾT ĐỊNH:"]
    assert _texts(parts, "dieu") == ["Điều 1.", "Điều 2.", "Điều 3."]
    body = _texts(parts, "noi_dung")
    assert "QUYẾT ĐỊNH:" not in body and len(body) == 6  # three căn cứ, three articles
    assert "trich_yeu" not in parts.elements and "kinh_gui" not in parts.elements
    assert _texts(parts, "so_ky_hieu") == ["Số: 05/QĐ-UBND"]
    assert _texts(parts, "co_quan_ban_hanh") == ["ỦY BAN NHÂN DÂN", "TỈNH LẠNG SƠN"]  # typed with Shift+Enter
    assert _texts(parts, "quyen_han") == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]


def test_a_kinh_gui_after_the_title_of_a_to_trinh(tmp_path):
    parts = _parts(make_letter(tmp_path / "tt.docx", **REPORT_UP))
    assert _texts(parts, "ten_loai") == ["TỜ TRÌNH"]
    assert _texts(parts, "kinh_gui") == ["Kính gửi: Ủy ban nhân dân tỉnh Lạng Sơn"]
    assert _texts(parts, "noi_dung") == BODY


def test_a_wrapped_trich_yeu_keeps_its_lines_and_stops_at_the_body(tmp_path):
    parts = _parts(make_letter(tmp_path / "kh.docx", **{**PLAN, "ty_lines": ("Giám sát xây dựng", "nông thôn mới")}))
    assert _texts(parts, "trich_yeu_ten_loai") == ["Giám sát xây dựng", "nông thôn mới"]
    assert _texts(parts, "noi_dung") == BODY


def test_without_kinh_gui_the_body_starts_where_the_letterhead_ends(tmp_path):
    parts = _parts(make_letter(tmp_path / "cv.docx", kg_text="", body=BODY[:1]))
    assert _texts(parts, "noi_dung") == BODY[:1]
    assert _texts(parts, "trich_yeu") == ["V/v triển khai kế hoạch năm 2025"]


def test_a_kinh_gui_list_ends_at_its_full_stop(tmp_path):
    body = ["- đề nghị các xã báo cáo trước ngày 20 tháng 3 năm 2025.", *BODY]
    path = make_letter(tmp_path / "kg.docx", kg_text="Kính gửi:", body=body)
    doc = read_docx(path)
    kinh_gui = next(p for p in doc.paragraphs if p.text == "Kính gửi:")
    kinh_gui.el.addnext(_copy_with_text(kinh_gui.el, "- Ủy ban nhân dân các xã."))
    path2 = tmp_path / "kg2.docx"
    _save_body(path, path2, kinh_gui.el)
    parts = _parts(path2)
    assert _texts(parts, "kinh_gui") == ["Kính gửi:", "- Ủy ban nhân dân các xã."]
    assert _texts(parts, "noi_dung")[0] == body[0]


def _copy_with_text(p_el, text):
    import copy

    from docx.oxml.ns import qn
    new = copy.deepcopy(p_el)
    ts = list(new.iter(qn("w:t")))
    ts[0].text = text
    for t in ts[1:]:
        t.text = ""
    return new


def _save_body(source, target, p_el):
    """Write ``source`` again with its document part taken from the tree ``p_el`` belongs to."""
    import zipfile

    from lxml import etree
    root = p_el.getroottree().getroot()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.namelist():
            data = zin.read(item)
            if item == "word/document.xml":
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            zout.writestr(item, data)


# --------------------------------------------------------------------------- dispatch text takes the same decisions


def test_dispatch_text_labels_a_decision_with_the_classifier_parts(tmp_path):
    lines = text_of(make_letter(tmp_path / "qd.docx", **DECISION).read_bytes()).splitlines()
    assert lines[:2] == ["Cơ quan ban hành   │ **ỦY BAN NHÂN DÂN", "                   │ TỈNH LẠNG SƠN**"]  # Shift+Enter
    at = next(i for i, line in enumerate(lines) if line.startswith("Tên loại"))
    assert lines[at:at + 8] == [
        "Tên loại           │ **QUYẾT ĐỊNH**",
        "Trích yếu          │ **Về việc công nhận xã Minh Tiến đạt chuẩn nông thôn mới năm 2025**",
        "Đường kẻ           │ _________________________",
        "Thẩm quyền         │ **CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN**",
        "Căn cứ             │ *Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;*",
        "Căn cứ             │ *Căn cứ Quyết định số 318/QĐ-TTg ngày 08 tháng 3 năm 2022 của Thủ tướng Chính phủ;*",
        "Căn cứ             │ *Theo đề nghị của Giám đốc Sở Nông nghiệp và Môi trường tại Tờ trình số 05/TTr-SNNMT.*",
        "Quyết định         │ **QUYẾT ĐỊNH:**",
    ]
    assert lines[at + 8] == "Nội dung           │ **Điều 1.** Công nhận xã Minh Tiến, tỉnh Lạng Sơn đạt chuẩn nông thôn mới năm 2025."


def test_dispatch_text_labels_a_signature_typed_without_a_table(tmp_path):
    """The lines lint judges as the signer's are the ones dispatch text labels so (no more "Đề mục")."""
    lines = text_of(make_letter(tmp_path / "phang.docx", flat=True).read_bytes()).splitlines()
    assert lines[-6:] == [
        "Quyền hạn, chức vụ │ **KT. GIÁM ĐỐC**",
        "Quyền hạn, chức vụ │ **PHÓ GIÁM ĐỐC**",
        "Người ký           │ **Nguyễn Văn An**",
        "Nơi nhận           │ ***Nơi nhận:***",
        "Nơi nhận           │ - Như trên;",
        "Nơi nhận           │ - Lưu: VT, VP.",
    ]


def test_a_title_and_its_trich_yeu_in_one_paragraph_split_by_a_line_break(tmp_path):
    import docx
    from docx.enum.text import WD_BREAK
    from docx.shared import Pt

    path = make_letter(tmp_path / "kh.docx", **PLAN)
    doc = docx.Document(path)
    title = next(p for p in doc.paragraphs if p.text == "KẾ HOẠCH")
    summary = next(p for p in doc.paragraphs if p.text == PLAN["ty_lines"][0])
    title.runs[-1].add_break(WD_BREAK.LINE)
    run = title.add_run(summary.text)
    run.bold, run.font.size = True, Pt(14)
    summary._p.getparent().remove(summary._p)
    doc.save(path)
    parts = _parts(path)
    assert parts.doc_type.key == "ke_hoach"
    assert _texts(parts, "ten_loai") == ["KẾ HOẠCH"]
    assert _texts(parts, "trich_yeu_ten_loai") == ["Giám sát xây dựng nông thôn mới năm 2026"]
    assert _texts(parts, "noi_dung") == BODY
