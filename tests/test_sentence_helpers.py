"""The helpers behind the assessment sentences (generator/wording/sentences.py), expected values written out."""
from __future__ import annotations

from types import SimpleNamespace

from generator.assessments.criteria import get_set
from generator.vi.dates import IssueDate
from generator.wording.sentences import _criterion, _escape_markup, _kind_of, _short, and_list, set_label, two_digits


def test_two_digits():
    assert [two_digits(n) for n in (0, 1, 9, 10, 12, 19)] == ["00", "01", "09", "10", "12", "19"]


def test_and_list():
    assert and_list([]) == ""
    assert and_list(["Sở Xây dựng"]) == "Sở Xây dựng"
    assert and_list(["A", "B"]) == "A và B"
    assert and_list(["A", "B", "C"]) == "A, B và C"


def test_data_asterisks_are_escaped():
    assert _escape_markup("A*B*") == "A\\*B\\*"
    assert _escape_markup(7) == 7


def test_criterion_name_keeps_one_separator():
    c = SimpleNamespace(num=2, name="Hạ tầng kinh tế – xã hội")
    assert _criterion(c) == {"so": 2, "ten": "Hạ tầng kinh tế - xã hội"}


def test_kind_of_a_set_without_its_xa():
    assert _kind_of(SimpleNamespace(short_name="xã nông thôn mới nâng cao")) == "nông thôn mới nâng cao"
    assert _kind_of(get_set("xa_ntm_2026_2030")) == "nông thôn mới"


def test_set_label_adds_the_period_only_when_two_sets_share_a_name():
    new, old = get_set("xa_ntm_2026_2030"), get_set("xa_ntm_2021_2025")
    advanced = get_set("xa_ntm_nang_cao_2021_2025")
    assert set_label(new, (new,)) == "nông thôn mới"
    assert set_label(new, (new, advanced)) == "nông thôn mới"
    assert set_label(new, (new, old)) == "nông thôn mới giai đoạn 2026-2030"
    assert set_label(old, (new, old)) == "nông thôn mới giai đoạn 2021-2025"
    no_period = SimpleNamespace(id="rieng", short_name="xã nông thôn mới", name="Bộ tiêu chí riêng của tỉnh")
    assert set_label(no_period, (no_period, new)) == "nông thôn mới theo Bộ tiêu chí riêng của tỉnh"


def test_short_dates_of_a_previous_assessment():
    assert _short(None) is None
    assert _short(IssueDate(2026, 9, 6)) == "06/9/2026"
    assert _short(IssueDate(2025, 1, 5)) == "05/01/2025"
    assert _short(IssueDate(2025, 9)) == "9/2025"
    assert _short(IssueDate(2025, 2)) == "02/2025"  # a draft's month padded as in a full date
    assert _short(IssueDate(2025)) == "2025"
