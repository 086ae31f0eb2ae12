"""The roles of a công văn's paragraphs and how the default template lays them out.

Each role is a named paragraph style in the Word template ("CV Nội dung", …). The
template builder (``scripts/build_template.py``) writes every paragraph with its
role's style *and* the same formatting directly on the paragraph and its runs, so
a clerk who changes a size in Word changes what the next build prints. The
geometry pass (``measure.py``) finds paragraphs by these style ids, written once in
``StyleId`` and used by every module that writes or finds a role.

Sizes are the "14 set" used by most provincial offices, each inside the range of
Nghị định 30/2020, Phụ lục I (section in ``decree``).
"""
from __future__ import annotations

from dataclasses import dataclass

# Page (Phụ lục I §I.1-3): A4 portrait; margins in mm within 20-25 / 20-25 / 30-35 / 15-20.
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 20, 20, 30, 15
HEADER_DISTANCE_MM = 10

# Letterhead table (ô 2-5b left, ô 1 and 4 right) and signature table (ô 9b left, ô 7 right), in mm.
HEADER_COLUMNS_MM = (65, 100)
SIGNATURE_COLUMNS_MM = (63, 102)
CELL_MARGIN_MM = 1.0  # left and right padding inside every cell of both tables
# A long organ name (geometry/letterhead.py): the left column widens, then the names step down to
# the decree's smallest size (§II.2.b: 12-13 pt); last, the letterhead table may reach this far
# into the margins, half each side (the decree's own Mẫu 1.5 sample: a 16,3 cm table on a
# 15,5 cm text block). Margins stay at least 25 mm left, 10 mm right. The right column always
# keeps its widest line (the Quốc hiệu) and this gap from the left column's text.
LETTERHEAD_MIN_PT = 12
LETTERHEAD_OVERHANG_MM = 10
LETTERHEAD_GAP_MM = 2

FONT = "Times New Roman"

ISSUER_RULE_FRACTION = 0.4  # §II.2.b: the rule under the issuing body is 1/3 to 1/2 of its text
TITLE_RULE_FRACTION = 0.4  # §II.5.a: the rule under a typed document's trích yếu, 1/3 to 1/2 of its widest line
MOTTO_RULE_FRACTION = 1.0  # §II.1.b: the rule under the motto is as long as the motto
URGENCY_BOX_MM = {"KHẨN": 20, "THƯỢNG KHẨN": 40, "HỎA TỐC": 30}  # §III.2.b

ANNEX_LANDSCAPE_ABOVE = 12  # criteria columns; a wider table turns its annex page (PL I §I.2)
ANNEX_RULE_MM = 40

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"


class StyleId:
    """The paragraph style id of each role, the one place these strings are written.

    Word keeps the ids in the template; every module that writes or finds a role uses these
    names (``geometry``, ``render``, ``review``, ``lint``, ``scripts/build_template.py``).
    """

    PARENT_BODY = "CVCoQuanChuQuan"  # Cơ quan, tổ chức chủ quản (ô 2)
    ISSUER = "CVCoQuanBanHanh"  # Cơ quan, tổ chức ban hành (ô 2)
    RULE = "CVDuongKe"  # the rules under the issuer and the motto
    NATIONAL_TITLE = "CVQuocHieu"  # Quốc hiệu (ô 1)
    MOTTO = "CVTieuNgu"  # Tiêu ngữ (ô 1)
    NUMBER = "CVSoKyHieu"  # Số, ký hiệu (ô 3)
    PLACE_DATE = "CVDiaDanhNgay"  # Địa danh và thời gian (ô 4)
    SUBJECT = "CVTrichYeu"  # Trích yếu nội dung, "V/v …" (ô 5b)
    CIRCULATION = "CVPhamVi"  # Phạm vi lưu hành (ô 10b)
    URGENCY = "CVDoKhan"  # Độ khẩn (ô 10b)
    RECIPIENT = "CVKinhGui"  # "Kính gửi:" (ô 9a)
    RECIPIENT_LIST = "CVKinhGuiDanhSach"  # a dashed line of the "Kính gửi" list
    BODY = "CVNoiDung"  # Nội dung (ô 6)
    HEADING = "CVDeMuc"  # a bold heading of the body
    GROUNDS = "CVCanCu"  # Căn cứ ban hành
    COPIES = "CVNoiNhan"  # "Nơi nhận:" (ô 9b)
    COPIES_LIST = "CVNoiNhanDanhSach"  # a line of the "Nơi nhận" list
    AUTHORITY = "CVQuyenHan"  # Quyền hạn, chức vụ người ký (ô 7a, 7b)
    SIGNER = "CVHoTen"  # Họ tên người ký (ô 7b)
    PAGE_NUMBER = "CVSoTrang"  # Số trang (ô 11)
    ADDRESS = "CVDiaChi"  # Địa chỉ cơ quan (ô 14)
    ANNEX_NUMBER = "CVPhuLucSo"  # "Phụ lục …"
    ANNEX_TITLE = "CVPhuLucTen"  # the annex's title
    ANNEX_REFERENCE = "CVPhuLucKemTheo"  # "(Kèm theo …)"
    TABLE = "CVBang"  # a cell of a table
    TABLE_HEADING = "CVBangTieuDe"  # a heading cell of a table
    NOTE = "CVGhiChu"  # Ghi chú under an annex's table
    # Văn bản có tên loại (Mẫu 1.4; templates/van-ban.docx only)
    TITLE = "CVTenLoai"  # Tên loại, "KẾ HOẠCH" (ô 5a)
    TITLE_SUBJECT = "CVTrichYeuTenLoai"  # Trích yếu under the tên loại (ô 5a)
    TITLE_RULE = "CVDuongKeTrichYeu"  # the rule under that trích yếu
    # Headings at the decree's levels (§II.6.đ; wording/headings.py)
    PART = "CVPhanChuong"  # "Phần I", "Chương I"
    PART_TITLE = "CVTenPhanChuong"  # the title of a Phần or Chương, upper case
    HEADING_ROMAN = "CVDeMucLaMa"  # "I. …"
    HEADING_NUMBER = "CVDeMucSo"  # "1. …"
    HEADING_LETTER = "CVDeMucChu"  # "a) …"
    ARTICLE = "CVDieu"  # "Điều 1. …"
    # Quyết định (Mẫu 1.2, 1.3; templates/van-ban.docx; wording/decision.py)
    DECISION_AUTHORITY = "CVThamQuyen"  # the issuing authority, "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …"
    DECIDES = "CVQuyetDinh"  # "QUYẾT ĐỊNH:"


@dataclass(frozen=True)
class Role:
    style_id: str
    name: str  # the style name a clerk sees in Word
    size: float  # points
    bold: bool = False
    italic: bool = False
    align: str = "left"  # left | center | right | justify
    first_line_cm: float = 0.0
    left_cm: float = 0.0
    before_pt: float = 0.0
    after_pt: float = 0.0
    line: float | None = None  # line spacing as a multiple of single; None = single
    keep_next: bool = False
    color: str | None = None
    decree: str = ""
    template: str | None = None  # None: in every template; "van-ban": only in templates/van-ban.docx


ROLES = {
    r.style_id: r
    for r in [
        Role(StyleId.PARENT_BODY, "CV Cơ quan chủ quản", 13, align="center", decree="PL I §II.2.b"),
        Role(StyleId.ISSUER, "CV Cơ quan ban hành", 13, bold=True, align="center", decree="PL I §II.2.b"),
        Role(StyleId.RULE, "CV Đường kẻ", 2, align="center", decree="PL I §II.1.b, §II.2.b"),
        Role(StyleId.NATIONAL_TITLE, "CV Quốc hiệu", 12, bold=True, align="center", decree="PL I §II.1.a"),
        Role(StyleId.MOTTO, "CV Tiêu ngữ", 13, bold=True, align="center", decree="PL I §II.1.b"),
        Role(StyleId.NUMBER, "CV Số, ký hiệu", 13, align="center", before_pt=6, decree="PL I §II.3.c"),
        Role(StyleId.PLACE_DATE, "CV Địa danh và thời gian", 14, italic=True, align="center", before_pt=6,
             decree="PL I §II.4.c"),
        Role(StyleId.SUBJECT, "CV Trích yếu", 12, align="center", before_pt=6, decree="PL I §II.5.b"),
        Role(StyleId.CIRCULATION, "CV Phạm vi lưu hành", 13, bold=True, align="center", after_pt=6, decree="PL I §III.2.c"),
        Role(StyleId.URGENCY, "CV Độ khẩn", 13, bold=True, align="center", before_pt=6, color="FF0000",
             decree="PL I §III.2.b"),
        Role(StyleId.RECIPIENT, "CV Kính gửi", 14, align="center", before_pt=18, after_pt=6, decree="PL I §II.9.d"),
        Role(StyleId.RECIPIENT_LIST, "CV Kính gửi danh sách", 14, decree="PL I §II.9.d"),
        Role(StyleId.BODY, "CV Nội dung", 14, align="justify", first_line_cm=1.0, before_pt=6, line=1.15,
             decree="PL I §II.6.e"),
        Role(StyleId.HEADING, "CV Đề mục", 14, bold=True, align="justify", first_line_cm=1.0, before_pt=6, line=1.15,
             keep_next=True, decree="PL I §II.6.e"),
        Role(StyleId.GROUNDS, "CV Căn cứ", 14, italic=True, align="justify", first_line_cm=1.0, before_pt=6, line=1.15,
             decree="PL I §II.6.a"),
        Role(StyleId.COPIES, "CV Nơi nhận", 12, bold=True, italic=True, keep_next=True, decree="PL I §II.9.d"),
        Role(StyleId.COPIES_LIST, "CV Nơi nhận danh sách", 11, keep_next=True, decree="PL I §II.9.d"),
        Role(StyleId.AUTHORITY, "CV Quyền hạn, chức vụ", 14, bold=True, align="center", keep_next=True,
             decree="PL I §II.7.đ"),
        Role(StyleId.SIGNER, "CV Họ tên người ký", 14, bold=True, align="center", before_pt=78, decree="PL I §II.7.đ"),
        Role(StyleId.PAGE_NUMBER, "CV Số trang", 14, align="center", decree="PL I §I.7"),
        Role(StyleId.ADDRESS, "CV Địa chỉ", 11, align="center", decree="PL I §III.4"),
        Role(StyleId.ANNEX_NUMBER, "CV Phụ lục", 14, bold=True, align="center", decree="PL I §III.1.b"),
        Role(StyleId.ANNEX_TITLE, "CV Tên phụ lục", 14, bold=True, align="center", decree="PL I §III.1.b"),
        Role(StyleId.ANNEX_REFERENCE, "CV Kèm theo văn bản", 14, italic=True, align="center", decree="PL I §III.1.c"),
        Role(StyleId.TABLE, "CV Bảng", 12, align="center", decree="PL I §III.1"),
        Role(StyleId.TABLE_HEADING, "CV Tiêu đề bảng", 12, bold=True, align="center", decree="PL I §III.1"),
        Role(StyleId.NOTE, "CV Ghi chú", 12, italic=True, before_pt=6, decree="PL I §III.1"),
        Role(StyleId.TITLE, "CV Tên loại", 14, bold=True, align="center", before_pt=18, keep_next=True,
             decree="PL I §II.5.a", template="van-ban"),
        Role(StyleId.TITLE_SUBJECT, "CV Trích yếu văn bản có tên loại", 14, bold=True, align="center", keep_next=True,
             decree="PL I §II.5.a", template="van-ban"),
        Role(StyleId.TITLE_RULE, "CV Đường kẻ dưới trích yếu", 2, align="center", after_pt=6,
             decree="PL I §II.5.a", template="van-ban"),
        Role(StyleId.PART, "CV Phần, Chương", 14, bold=True, align="center", before_pt=12, keep_next=True,
             decree="PL I §II.6.đ", template="van-ban"),
        Role(StyleId.PART_TITLE, "CV Tên phần, chương", 14, bold=True, align="center", after_pt=6, keep_next=True,
             decree="PL I §II.6.đ", template="van-ban"),
        Role(StyleId.HEADING_ROMAN, "CV Đề mục I", 14, bold=True, align="justify", first_line_cm=1.0, before_pt=6,
             line=1.15, keep_next=True, decree="PL I §II.6.đ", template="van-ban"),
        Role(StyleId.HEADING_NUMBER, "CV Đề mục 1", 14, bold=True, align="justify", first_line_cm=1.0, before_pt=6,
             line=1.15, keep_next=True, decree="PL I §II.6.đ", template="van-ban"),
        Role(StyleId.HEADING_LETTER, "CV Đề mục a", 14, align="justify", first_line_cm=1.0, before_pt=6,
             line=1.15, decree="PL I §II.6.đ", template="van-ban"),
        Role(StyleId.ARTICLE, "CV Điều", 14, bold=True, align="justify", first_line_cm=1.0, before_pt=6, line=1.15,
             keep_next=True, decree="PL I §II.6.đ", template="van-ban"),
        Role(StyleId.DECISION_AUTHORITY, "CV Thẩm quyền ban hành", 14, bold=True, align="center", before_pt=12,
             after_pt=6, keep_next=True, decree="PL III Mẫu 1.2 (6)", template="van-ban"),
        Role(StyleId.DECIDES, "CV Quyết định:", 14, bold=True, align="center", before_pt=6, after_pt=6,
             keep_next=True, decree="PL III Mẫu 1.2", template="van-ban"),
    ]
}
