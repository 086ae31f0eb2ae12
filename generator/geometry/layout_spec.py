"""The roles of a công văn's paragraphs and how the default template lays them out.

Each role is a named paragraph style in the Word template ("CV Nội dung", …). The
template builder (``scripts/build_template.py``) writes every paragraph with its
role's style *and* the same formatting directly on the paragraph and its runs, so
a clerk who changes a size in Word changes what the next build prints. The
geometry pass (``geometry.py``) finds paragraphs by these style ids.

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

FONT = "Times New Roman"

ISSUER_RULE_FRACTION = 0.4  # §II.2.b: the rule under the issuing body is 1/3 to 1/2 of its text
MOTTO_RULE_FRACTION = 1.0  # §II.1.b: the rule under the motto is as long as the motto
URGENCY_BOX_MM = {"KHẨN": 20, "THƯỢNG KHẨN": 40, "HỎA TỐC": 30}  # §III.2.b

ANNEX_LANDSCAPE_ABOVE = 12  # criteria columns; a wider table turns its annex page (PL I §I.2)
ANNEX_RULE_MM = 40

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"


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


ROLES = {
    r.style_id: r
    for r in [
        Role("CVCoQuanChuQuan", "CV Cơ quan chủ quản", 13, align="center", decree="PL I §II.2.b"),
        Role("CVCoQuanBanHanh", "CV Cơ quan ban hành", 13, bold=True, align="center", decree="PL I §II.2.b"),
        Role("CVDuongKe", "CV Đường kẻ", 2, align="center", decree="PL I §II.1.b, §II.2.b"),
        Role("CVQuocHieu", "CV Quốc hiệu", 12, bold=True, align="center", decree="PL I §II.1.a"),
        Role("CVTieuNgu", "CV Tiêu ngữ", 13, bold=True, align="center", decree="PL I §II.1.b"),
        Role("CVSoKyHieu", "CV Số, ký hiệu", 13, align="center", before_pt=6, decree="PL I §II.3.c"),
        Role("CVDiaDanhNgay", "CV Địa danh và thời gian", 14, italic=True, align="center", before_pt=6,
             decree="PL I §II.4.c"),
        Role("CVTrichYeu", "CV Trích yếu", 12, align="center", before_pt=6, decree="PL I §II.5.b"),
        Role("CVPhamVi", "CV Phạm vi lưu hành", 13, bold=True, align="center", after_pt=6, decree="PL I §III.2.c"),
        Role("CVDoKhan", "CV Độ khẩn", 13, bold=True, align="center", before_pt=6, color="FF0000",
             decree="PL I §III.2.b"),
        Role("CVKinhGui", "CV Kính gửi", 14, align="center", before_pt=18, after_pt=6, decree="PL I §II.9.d"),
        Role("CVKinhGuiDanhSach", "CV Kính gửi danh sách", 14, decree="PL I §II.9.d"),
        Role("CVNoiDung", "CV Nội dung", 14, align="justify", first_line_cm=1.0, before_pt=6, line=1.15,
             decree="PL I §II.6.e"),
        Role("CVDeMuc", "CV Đề mục", 14, bold=True, align="justify", first_line_cm=1.0, before_pt=6, line=1.15,
             keep_next=True, decree="PL I §II.6.e"),
        Role("CVCanCu", "CV Căn cứ", 14, italic=True, align="justify", first_line_cm=1.0, before_pt=6, line=1.15,
             decree="PL I §II.6.a"),
        Role("CVNoiNhan", "CV Nơi nhận", 12, bold=True, italic=True, keep_next=True, decree="PL I §II.9.d"),
        Role("CVNoiNhanDanhSach", "CV Nơi nhận danh sách", 11, keep_next=True, decree="PL I §II.9.d"),
        Role("CVQuyenHan", "CV Quyền hạn, chức vụ", 14, bold=True, align="center", keep_next=True,
             decree="PL I §II.7.đ"),
        Role("CVHoTen", "CV Họ tên người ký", 14, bold=True, align="center", before_pt=78, decree="PL I §II.7.đ"),
        Role("CVSoTrang", "CV Số trang", 14, align="center", decree="PL I §I.7"),
        Role("CVDiaChi", "CV Địa chỉ", 11, align="center", decree="PL I §III.4"),
        Role("CVPhuLucSo", "CV Phụ lục", 14, bold=True, align="center", decree="PL I §III.1.b"),
        Role("CVPhuLucTen", "CV Tên phụ lục", 14, bold=True, align="center", decree="PL I §III.1.b"),
        Role("CVPhuLucKemTheo", "CV Kèm theo văn bản", 14, italic=True, align="center", decree="PL I §III.1.c"),
        Role("CVBang", "CV Bảng", 12, align="center", decree="PL I §III.1"),
        Role("CVBangTieuDe", "CV Tiêu đề bảng", 12, bold=True, align="center", decree="PL I §III.1"),
        Role("CVGhiChu", "CV Ghi chú", 12, italic=True, before_pt=6, decree="PL I §III.1"),
    ]
}
