"""The Vietnamese label of each element of a letter, and its role where no style says it.

``dispatch text`` and ``dispatch diff`` print a short label before each line (``LABELS``).
A paragraph with one of our role styles has its role; one without (a letter retyped in
Word, another office's file) gets the role the one classifier ``ooxml/parts.py`` decides
(the same decision ``dispatch lint`` judges), translated here to a role style id
(``PART_ROLES``) or, for a part no style of ours stands for, to a label of its own
(``PART_LABELS``: the tên loại, a Quyết định's authority line and "QUYẾT ĐỊNH:", a rule typed
as underscores).
"""
from __future__ import annotations

import re

from generator.geometry.layout_spec import ROLES, StyleId
from generator.ooxml import parts

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

# The parts of ``ooxml/parts.py`` as the role styles that stand for them.
PART_ROLES = {
    "co_quan_chu_quan": StyleId.PARENT_BODY,
    "co_quan_ban_hanh": StyleId.ISSUER,
    "quoc_hieu": StyleId.NATIONAL_TITLE,
    "tieu_ngu": StyleId.MOTTO,
    "so_ky_hieu": StyleId.NUMBER,
    "dia_danh_ngay": StyleId.PLACE_DATE,
    "trich_yeu": StyleId.SUBJECT,
    "trich_yeu_ten_loai": StyleId.SUBJECT,
    "kinh_gui": StyleId.RECIPIENT,
    parts.RECIPIENT_ITEM: StyleId.RECIPIENT_LIST,
    "can_cu": StyleId.GROUNDS,
    "noi_nhan": StyleId.COPIES,
    "noi_nhan_danh_sach": StyleId.COPIES_LIST,
    "quyen_han": StyleId.AUTHORITY,
    parts.SIGNATURE_PLACEHOLDER: StyleId.AUTHORITY,
    "ho_ten": StyleId.SIGNER,
    parts.BODY: StyleId.BODY,
    parts.HEADING: StyleId.HEADING,
    parts.URGENCY_MARK: StyleId.URGENCY,
    parts.ANNEX_NUMBER: StyleId.ANNEX_NUMBER,
    parts.ANNEX_TITLE: StyleId.ANNEX_TITLE,
    parts.ANNEX_REFERENCE: StyleId.ANNEX_REFERENCE,
    parts.NOTE: StyleId.NOTE,
}
# Parts no role style of ours stands for: the element's role is the part's name, with this label.
PART_LABELS = {
    "ten_loai": "Tên loại",
    "tham_quyen": "Thẩm quyền",
    "quyet_dinh": "Quyết định",
    parts.RULE_LINE: "Đường kẻ",
}


def part_role(part: str) -> str:
    """The role (a style id, or a part's name from ``PART_LABELS``) of a paragraph the classifier placed."""
    if part in PART_ROLES:
        return PART_ROLES[part]
    return part if part in PART_LABELS else ""


def role_label(role: str) -> str:
    if role in LABELS:
        return LABELS[role]
    if role in PART_LABELS:
        return PART_LABELS[role]
    if role in ROLES:  # a role added to the template after this table was written
        return re.sub(r"^CV\s+", "", ROLES[role].name)
    return ""
