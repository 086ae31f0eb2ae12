import unicodedata

from generator.vi.collation import vi_sorted


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


def test_dictionary_order_syllable_by_syllable():
    # the order of Vietnamese dictionaries (locale.md §1.3), not ICU's whole-name letters first
    names = ["Bạc Liêu", "Bá Thước", "Bã", "Bả", "Bà Rịa", "Bà Chiểu", "Ba Vì", "Ba Tơ", "Ba"]
    assert vi_sorted(names) == ["Ba", "Ba Tơ", "Ba Vì", "Bà Chiểu", "Bà Rịa", "Bả", "Bã", "Bá Thước", "Bạc Liêu"]
    assert vi_sorted(["Thạnh Phú", "Thành Công", "Thanh Hóa", "Thanh Hà"]) == [
        "Thanh Hà", "Thanh Hóa", "Thành Công", "Thạnh Phú"]


def test_numbers_by_value_and_before_words():
    assert vi_sorted(["Xã 10", "Xã 2", "Xã An", "Xã 1", "Phường 12", "Phường 3"]) == [
        "Phường 3", "Phường 12", "Xã 1", "Xã 2", "Xã 10", "Xã An"]
    huge = "Xã " + "9" * 5000  # no int() limit on a hostile table
    assert vi_sorted([huge, "Xã 10"]) == ["Xã 10", huge]


def test_old_and_new_tone_placement_sort_together_and_ties_do_not_depend_on_input_order():
    a = vi_sorted(["Thanh Hoá", "Thanh Hải", "Thanh Hóa"])
    b = vi_sorted(["Thanh Hóa", "Thanh Hoá", "Thanh Hải"])
    assert a == b == ["Thanh Hải", "Thanh Hoá", "Thanh Hóa"]
    assert vi_sorted(["hòa bình", "Hòa Bình", "Hoà An"]) == ["Hoà An", "hòa bình", "Hòa Bình"]
