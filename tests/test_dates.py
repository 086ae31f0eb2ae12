import datetime as dt

import pytest

from generator.vi.dates import IssueDate, decree_date, month_text, short_date, weekday


@pytest.mark.parametrize(
    "date, expected",
    [
        (dt.date(2018, 3, 8), "ngày 08 tháng 3 năm 2018"),
        (dt.date(2020, 1, 5), "ngày 05 tháng 01 năm 2020"),
        (dt.date(2023, 2, 28), "ngày 28 tháng 02 năm 2023"),
        (dt.date(2019, 6, 29), "ngày 29 tháng 6 năm 2019"),
        (dt.date(2024, 12, 10), "ngày 10 tháng 12 năm 2024"),
        (dt.date(2024, 10, 1), "ngày 01 tháng 10 năm 2024"),
        (dt.date(2024, 11, 9), "ngày 09 tháng 11 năm 2024"),
    ],
)
def test_decree_date_rule(date, expected):
    assert decree_date(date) == expected


def test_only_months_one_and_two_are_padded():
    assert [month_text(m) for m in range(1, 13)] == ["01", "02"] + [str(m) for m in range(3, 13)]


def test_weekday_in_decree_case():
    assert weekday(dt.date(2025, 12, 19)) == "thứ Sáu"
    assert weekday(dt.date(2020, 1, 5)) == "Chủ nhật"
    assert weekday(dt.date(2018, 3, 8)) == "thứ Năm"


@pytest.mark.parametrize(
    "value, expected",
    [
        (dt.date(2018, 3, 8), IssueDate(2018, 3, 8)),
        ("08/3/2018", IssueDate(2018, 3, 8)),
        ("8-3-2018", IssueDate(2018, 3, 8)),
        ("2018-03-08", IssueDate(2018, 3, 8)),
        ("9/2024", IssueDate(2024, 9, None)),
        ("2023", IssueDate(2023, None, None)),
        (2023, IssueDate(2023, None, None)),
    ],
)
def test_parse_forms(value, expected):
    assert IssueDate.parse(value) == expected


@pytest.mark.parametrize("value, message", [
    ("30/02/2023", "ngày 30/02/2023 không tồn tại"),
    ("31/4/2024", "ngày 31/04/2024 không tồn tại"),
    ("13/2024", "tháng 13 không tồn tại"),
    ("hôm nay", "không phải là ngày"),
    ("8/3/18", "không phải là ngày"),
    (True, "ngày/tháng/năm"),
])
def test_parse_rejects(value, message):
    with pytest.raises(ValueError, match=message):
        IssueDate.parse(value)


def test_draft_date_leaves_blanks():
    text = IssueDate(2024, 9).text()
    assert text.startswith("ngày ") and text.endswith(" tháng 9 năm 2024")
    assert text.split("ngày")[1].split("tháng")[0].strip() == ""
    assert IssueDate(2023).text().replace(" ", "") == "ngàythángnăm2023"
    assert IssueDate(2029, 2, 29 - 1).text() == "ngày 28 tháng 02 năm 2029"


# --- the decree's form, written out (a draft keeps the padding rule for what it does give) ---

def test_draft_dates_word_for_word():
    # "ngày" + a space + six blank spaces + a space: room for the văn thư to write the day by hand
    assert IssueDate(2024, 9).text() == "ngày        tháng 9 năm 2024"
    assert IssueDate(2024, 2).text() == "ngày        tháng 02 năm 2024"
    assert IssueDate(2024, 1).text() == "ngày        tháng 01 năm 2024"
    assert IssueDate(2023).text() == "ngày        tháng        năm 2023"
    assert IssueDate(2020, 1, 5).text() == "ngày 05 tháng 01 năm 2020"


def test_short_date_pads_as_the_long_one():
    assert short_date(dt.date(2020, 1, 5)) == "05/01/2020"
    assert short_date(dt.date(2018, 3, 8)) == "08/3/2018"
    assert short_date(dt.date(2024, 12, 25)) == "25/12/2024"


def test_complete_and_the_date_of_a_draft():
    assert IssueDate(2024, 9, 6).is_complete
    assert not IssueDate(2024, 9).is_complete
    assert not IssueDate(2024).is_complete
    assert IssueDate(2024, 9).as_date() == dt.date(2024, 9, 1)
    assert IssueDate(2024).as_date() == dt.date(2024, 1, 1)


@pytest.mark.parametrize("value, expected", [
    ("2018-3-8", IssueDate(2018, 3, 8)),
    ("01/2025", IssueDate(2025, 1, None)),
    (" 8 / 3 / 2018 ", IssueDate(2018, 3, 8)),
    ("1900", IssueDate(1900, None, None)),
    ("2200", IssueDate(2200, None, None)),
])
def test_parse_more_forms(value, expected):
    assert IssueDate.parse(value) == expected


@pytest.mark.parametrize("value, message", [
    ("0/2024", "tháng 0 không tồn tại"),
    ("00/2024", "tháng 0 không tồn tại"),
    ("5/0/2024", "tháng 0 không tồn tại"),
    ("1899", "năm 1899 không hợp lý"),
    ("2201", "năm 2201 không hợp lý"),
    ("8/3/18", "không phải là ngày"),
])
def test_parse_rejects_bounds(value, message):
    with pytest.raises(ValueError, match=message):
        IssueDate.parse(value)


def test_a_date_text_is_read_once_and_a_wrong_one_refused_every_time():
    """``IssueDate.parse`` keeps what it made of a text (a bulk run reads the same few dates for every letter):
    the same value again, and a wrong text refused each time, with the text as typed."""
    first = IssueDate.parse(" 20/11/2026 ")
    assert first == IssueDate(2026, 11, 20) and IssueDate.parse(" 20/11/2026 ") is first
    assert IssueDate.parse("9/2024") == IssueDate(2024, 9, None)
    for _ in range(2):
        with pytest.raises(ValueError, match="«31/2/2026»|không tồn tại"):
            IssueDate.parse("31/2/2026")
        with pytest.raises(ValueError, match="«hôm qua» không phải là ngày"):
            IssueDate.parse("hôm qua")
