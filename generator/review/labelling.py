"""The Vietnamese label of each element of a letter, and its role where no style says it.

``dispatch text`` and ``dispatch diff`` print a short label before each line (``LABELS``).
A paragraph with one of our role styles has its role; one without (a letter retyped in
Word, another office's file) gets it from its place and text: in the letterhead table
(``guess_letterhead``), in the body (``guess_body``), in the signature table
(``label_cell``). The patterns are ``ooxml/elements.py``'s, the ones lint finds the same
parts with; where the two read a line differently on purpose, that module says why.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import re

from generator.geometry.layout_spec import ROLES, StyleId
from generator.ooxml.elements import (DATE_LINE, GHI_CHU, KEM_THEO, KINH_GUI, LIST_MARK, NOI_NHAN, PHU_LUC, QUOC_HIEU,
                                      SO_COLON, TIEU_NGU, TRICH_YEU, URGENCY)

if TYPE_CHECKING:  # for annotations only: extract.py builds the elements and imports this module
    from generator.review.extract import Element

# Short labels a reader sees in front of each line (``dispatch text``, ``dispatch diff``).
LABELS = {
    StyleId.PARENT_BODY: "Cơ quan chủ quản",
    StyleId.ISSUER: "Cơ quan ban hành",
    StyleId.NATIONAL_TITLE: "Quốc hiệu",
    StyleId.MOTTO: "Tiêu ngữ",
    StyleId.NUMBER: "Số, ký hiệu",
    StyleId.PLACE_DATE: "Địa danh, ngày",
    StyleId.SUBJECT: "Trích yếu",
    StyleId.CIRCULATION: "Phạm vi lưu hành",
    StyleId.URGENCY: "Độ khẩn",
    StyleId.RECIPIENT: "Kính gửi",
    StyleId.RECIPIENT_LIST: "Kính gửi",
    StyleId.BODY: "Nội dung",
    StyleId.HEADING: "Đề mục",
    StyleId.GROUNDS: "Căn cứ",
    StyleId.COPIES: "Nơi nhận",
    StyleId.COPIES_LIST: "Nơi nhận",
    StyleId.AUTHORITY: "Quyền hạn, chức vụ",
    StyleId.SIGNER: "Người ký",
    StyleId.PAGE_NUMBER: "Số trang",
    StyleId.ADDRESS: "Địa chỉ",
}
TEXTBOX_LABEL = "Hộp văn bản"  # Word's name for a text box (Chèn > Hộp Văn bản)
HEADER_LABEL = "Đầu trang"
FOOTER_LABEL = "Chân trang"
LETTERHEAD_LABEL = "Phần đầu"
TABLE_LABEL = "Bảng"
BODY_ROLE = StyleId.BODY
LABEL_WIDTH = max(len(label) for label in [*LABELS.values(), HEADER_LABEL, FOOTER_LABEL, LETTERHEAD_LABEL])
SKIPPED_ROLES = {StyleId.RULE}  # the rules under the issuing body and the motto: no text
LETTERHEAD_ROLES = {StyleId.PARENT_BODY, StyleId.ISSUER, StyleId.NATIONAL_TITLE, StyleId.MOTTO, StyleId.NUMBER, StyleId.PLACE_DATE,
                    StyleId.SUBJECT}
SIGNATURE_ROLES = {StyleId.COPIES, StyleId.COPIES_LIST, StyleId.AUTHORITY, StyleId.SIGNER}


def role_label(role: str) -> str:
    if role in LABELS:
        return LABELS[role]
    if role in ROLES:  # a role added to the template after this table was written
        return re.sub(r"^CV\s+", "", ROLES[role].name)
    return ""


def guess_letterhead(text: str, pieces, column: int, has_bold_below: bool) -> str:
    if QUOC_HIEU.match(text):
        return StyleId.NATIONAL_TITLE
    if TIEU_NGU.match(text):
        return StyleId.MOTTO
    if SO_COLON.match(text):
        return StyleId.NUMBER
    if TRICH_YEU.match(text):
        return StyleId.SUBJECT
    if DATE_LINE.search(text):
        return StyleId.PLACE_DATE
    if column == 0:
        bold = all(p.look.bold for p in pieces if p.text.strip())
        if not bold and has_bold_below:
            return StyleId.PARENT_BODY
        return StyleId.ISSUER
    return ""


def _list_goes_on(previous: tuple[str, str], label_role: str, item_role: str) -> bool:
    """A dashed line continues a "Kính gửi:"/"Nơi nhận:" list while the line before it did not end it."""
    role, text = previous
    return role == label_role and text.rstrip().endswith(":") or role == item_role and not text.rstrip().endswith(".")


def guess_body(text: str, pieces, previous: tuple[str, str]) -> str:
    if KINH_GUI.match(text):
        return StyleId.RECIPIENT
    if NOI_NHAN.match(text):
        return StyleId.COPIES
    if LIST_MARK.match(text) and _list_goes_on(previous, StyleId.RECIPIENT, StyleId.RECIPIENT_LIST):
        return StyleId.RECIPIENT_LIST
    if LIST_MARK.match(text) and _list_goes_on(previous, StyleId.COPIES, StyleId.COPIES_LIST):
        return StyleId.COPIES_LIST
    if SO_COLON.match(text):
        return StyleId.NUMBER
    if QUOC_HIEU.match(text):
        return StyleId.NATIONAL_TITLE
    if TIEU_NGU.match(text):
        return StyleId.MOTTO
    if TRICH_YEU.match(text):
        return StyleId.SUBJECT
    if URGENCY.match(text.strip().upper()) and text.strip().isupper():
        return StyleId.URGENCY
    if PHU_LUC.match(text) and len(text) < 40:
        return StyleId.ANNEX_NUMBER
    if previous[0] == StyleId.ANNEX_NUMBER and text.isupper():
        return StyleId.ANNEX_TITLE
    if KEM_THEO.match(text) and previous[0] in (StyleId.ANNEX_NUMBER, StyleId.ANNEX_TITLE):
        return StyleId.ANNEX_REFERENCE
    if GHI_CHU.match(text):
        return StyleId.NOTE
    visible = [p for p in pieces if p.text.strip()]
    if visible and all(p.look.bold for p in visible) and len(text) < 300:
        return StyleId.HEADING
    return BODY_ROLE


def label_cell(cell: list[Element], kind: str, column: int) -> None:
    """Roles and labels of a cell's paragraphs that had no role style."""
    previous = ""
    last_index = len(cell) - 1
    for i, el in enumerate(cell):
        if not el.role:
            text = el.text.strip()
            if kind == "letterhead":
                bold_below = any(all(p.look.bold for p in e.pieces if p.text.strip()) for e in cell[i + 1:])
                el.role = guess_letterhead(text, el.pieces, column, bold_below)
            elif kind == "signature":
                if NOI_NHAN.match(text):
                    el.role = StyleId.COPIES
                elif previous in (StyleId.COPIES, StyleId.COPIES_LIST):
                    el.role = StyleId.COPIES_LIST
                elif column > 0:
                    el.role = StyleId.SIGNER if i == last_index else StyleId.AUTHORITY
            el.label = role_label(el.role)
        if not el.label and kind == "letterhead":
            el.label = LETTERHEAD_LABEL
        previous = el.role
