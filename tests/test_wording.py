from generator.inline import Span, parse, plain
from generator.wording import copies_to, number_line, punctuated_list, signature_titles, with_end_mark


def test_recipient_list_punctuation():
    assert punctuated_list(["Bộ Nội vụ", "Bộ Kế hoạch và Đầu tư;", "- Bộ Tài chính."]) == [
        "- Bộ Nội vụ;", "- Bộ Kế hoạch và Đầu tư;", "- Bộ Tài chính."]


def test_number_line():
    assert number_line(5, "BNV-VP") == "Số: 05/BNV-VP"
    assert number_line(12, "UBND-VX") == "Số: 12/UBND-VX"
    assert number_line(None, "UBND-NN").replace(" ", "") == "Số:/UBND-NN"
    assert number_line(None, "UBND-NN").startswith("Số:  ")


def test_signature_titles():
    assert signature_titles("KT.", ["Chủ tịch", "Phó Chủ tịch"]) == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert signature_titles("TM.", ["Ủy ban nhân dân", "chủ tịch"]) == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert signature_titles(None, ["GIÁM ĐỐC"]) == ["GIÁM ĐỐC"]


def test_copies_to():
    assert copies_to(True, ["TT Huyện ủy;", "Như trên"], "Lưu: VT, NN.") == [
        "- TT Huyện ủy;", "- Như trên;", "- Lưu: VT, NN."]
    assert copies_to(True, ["CT, các PCT"], "VT") == ["- Như trên;", "- CT, các PCT;", "- Lưu: VT."]
    assert copies_to(False, [], "VT, VP") == ["- Lưu: VT, VP."]


def test_end_mark():
    assert with_end_mark((Span("thực hiện."),))[-1].text == "thực hiện./."
    assert with_end_mark((Span("thực hiện"),))[-1].text == "thực hiện./."
    assert with_end_mark((Span("thực hiện./."),))[-1].text == "thực hiện./."
    assert with_end_mark((Span("a"), Span("b", bold=True)))[-1] == Span("b./.", bold=True)


def test_inline_emphasis():
    assert parse("trước **28/9/2023**.") == [Span("trước "), Span("28/9/2023", bold=True), Span(".")]
    assert parse("(*gửi kèm*)") == [Span("("), Span("gửi kèm", italic=True), Span(")")]
    assert parse("***a***") == [Span("a", True, True)]
    assert parse("**đậm *và nghiêng* đậm**") == [Span("đậm ", True), Span("và nghiêng", True, True), Span(" đậm", True)]
    assert plain("5 * 3 = 15 và \\*sao\\*") == "5 * 3 = 15 và *sao*"
    assert parse("** không phải đậm**") == [Span("** không phải đậm**")]
