import unicodedata

from generator.collation import vi_sorted


def test_vietnamese_order_not_code_point_order():
    names = ["Ưng Hòa", "Đồng Đăng", "Ân Thi", "An Lão", "Yên Bái", "Ăn", "Bạc Liêu", "Ba Vì", "Đà Lạt", "Duy Xuyên",
             "Ô Môn", "Ong Thủy", "Ơ Rê", "Cai Kinh", "Minh Tiến", "Quyết Thắng"]
    assert vi_sorted(names) == ["An Lão", "Ăn", "Ân Thi", "Ba Vì", "Bạc Liêu", "Cai Kinh", "Duy Xuyên", "Đà Lạt",
                                "Đồng Đăng", "Minh Tiến", "Ong Thủy", "Ô Môn", "Ơ Rê", "Quyết Thắng", "Ưng Hòa",
                                "Yên Bái"]
    assert sorted(names) != vi_sorted(names)


def test_tones_break_ties_and_nfd_sorts_like_nfc():
    assert vi_sorted(["bạ", "bá", "bã", "bả", "bà", "ba"]) == ["ba", "bà", "bả", "bã", "bá", "bạ"]
    nfd = [unicodedata.normalize("NFD", s) for s in ["Đồng Đăng", "Cai Kinh"]]
    assert [unicodedata.normalize("NFC", s) for s in vi_sorted(nfd)] == ["Cai Kinh", "Đồng Đăng"]
