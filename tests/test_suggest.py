"""The one «Có phải ý bạn là …?» guess (generator/vi/suggest.py), used by the YAML key, set and base-set messages."""
from generator.vi.suggest import closest, did_you_mean


def test_closest_name_or_none():
    assert closest("xa_ntm_2026_203", ["xa_ntm_2021_2025", "xa_ntm_2026_2030"]) == "xa_ntm_2026_2030"
    assert closest("isuer", ("issuer", "name", "criteria")) == "issuer"
    assert closest("hoan_toan_khac", ["xa_ntm_2026_2030"]) is None
    assert closest("x", []) is None


def test_did_you_mean_phrase():
    assert did_you_mean("xa_ntm_2021_202", {"xa_ntm_2021_2025": 1}) == " Có phải ý bạn là «xa_ntm_2021_2025»?"
    assert did_you_mean("zzz", ["xa_ntm_2021_2025"]) == ""
