"""Vietnamese pasted in the old TCVN3 (ABC, .VnTime) or VNI encodings is spotted; Unicode text never is."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.vi.legacy_text import TCVN3, VIETNAMESE_LETTERS, VNI, convert, detect
from hostile_support import good, write_yaml

pytestmark = pytest.mark.hostile

ROOT = Path(__file__).resolve().parent.parent
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"

LEGACY = [
    # (as pasted, encoding, what it says)
    ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "TCVN3", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
    ("§éc lËp - Tù do - H¹nh phóc", "TCVN3", "Độc lập - Tự do - Hạnh phúc"),
    ("UBND tØnh L¹ng S¬n", "TCVN3", "UBND tỉnh Lạng Sơn"),
    ("Së N«ng nghiÖp vµ Ph¸t triÓn n«ng th«n", "TCVN3", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("NguyÔn V¨n Hïng", "TCVN3", "Nguyễn Văn Hùng"),
    ("HuÕ", "TCVN3", "Huế"),
    ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "VNI", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
    ("Ñoäc laäp - Töï do - Haïnh phuùc", "VNI", "Độc lập - Tự do - Hạnh phúc"),
    ("Sôû Noâng nghieäp vaø Phaùt trieån noâng thoân", "VNI", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("UÛY BAN NHAÂN DAÂN", "VNI", "ỦY BAN NHÂN DÂN"),
    ("Nguyeãn Vaên A", "VNI", "Nguyễn Văn A"),
]

NOT_LEGACY = [
    "Độc lập - Tự do - Hạnh phúc", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Hoà Bình", "Thanh Hóa", "Đà Lạt",
    "Phòng Nông nghiệp&PTNT", "Bà Rịa – Vũng Tàu", "ĐắkLắk", "Đắk Nông", "TP.HCM", "Hello world",
    "Müller", "Peña Nieto", "naïve café", "Crème brûlée", "Zürich Straße", "Noël", "Ångström", "Größe schön",
    "São Paulo", "El Niño y La Niña", "Øresund", "Björk", "Dvořák", "José Martí", "Québec", "Gérard Depardieu",
    "Renée Zellweger", "Công ty Nestlé Việt Nam", "façade", "«Xã»", "§ 3 Điều 5", "theo §I.3 và §II.4",
    "đường kính 5 µm và 3 µg", "© 2024 Sở Nông nghiệp", "m² đất", "±5%", "25 °C", "× 3", "½ ngày",
    "Hà Nội — «Thủ đô»", "Ð", "10h00 sáng thứ 6",
]


@pytest.mark.parametrize("pasted, encoding, says", LEGACY)
def test_legacy_text_is_detected_and_read(pasted, encoding, says):
    found = detect(pasted)
    assert found is not None and found.encoding == encoding
    assert convert(pasted, TCVN3 if encoding == "TCVN3" else VNI) == says


@pytest.mark.parametrize("text", NOT_LEGACY)
def test_unicode_and_foreign_text_is_not_flagged(text):
    assert detect(text) is None
    assert detect(unicodedata.normalize("NFC", text)) is None


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def test_no_false_positive_on_any_shipped_input_or_data():
    files = sorted(ROOT.glob("inputs/**/*.yaml")) + sorted(ROOT.glob("generator/data/**/*.yaml"))
    assert len(files) >= 8
    checked = 0
    for path in files:
        for text in _strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
            assert detect(text) is None, (path.name, text[:100])
            checked += 1
    for path in sorted(ROOT.glob("inputs/**/*.csv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            assert detect(line) is None, (path.name, line)
    assert checked > 1000


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="shared/seeds is not beside the repository")
def test_no_false_positive_on_the_seed_dispatches():
    lines = [line for path in sorted(SHARED_SEEDS.glob("*.txt")) for line in path.read_text("utf-8").splitlines()]
    assert len(lines) > 100
    for line in lines:
        assert detect(line) is None, line
    whole = "\n".join(lines)
    assert detect(whole) is None


def test_every_seed_input_still_builds():
    for path in sorted((ROOT / "inputs" / "seeds").glob("*.yaml")):
        result = CliRunner().invoke(main, ["check", str(path)])
        assert result.exit_code == 0, result.output


# --- property: the tables read back what they encode, and real words are never flagged -------------

VOWELS = "aăâeêioôơuưy"
_TONED = [unicodedata.normalize("NFC", v + t) for v in VOWELS for t in ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")]
_TCVN3_BACK = {v: k for k, v in TCVN3.items()}
_VNI_BACK = {v: k for k, v in VNI.items() if len(v) == 1}


def _encode(text: str, back: dict) -> str:
    return "".join(back.get(ch, ch) for ch in text)


SYLLABLES = st.builds(
    lambda initial, vowel, final: initial + vowel + final,
    st.sampled_from(["", "b", "c", "ch", "d", "đ", "g", "gh", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh", "ph",
                     "qu", "s", "t", "th", "tr", "v", "x"]),
    st.sampled_from(_TONED),
    st.sampled_from(["", "c", "ch", "m", "n", "ng", "nh", "p", "t", "i", "o", "u", "y"]),
)
UNICODE_WORDS = [w for line in (ROOT / "inputs" / "seeds" / "002-huu-lung-2024.yaml").read_text("utf-8").split()
                 for w in [line.strip(".,;:()\"“”*")] if w]


@settings(max_examples=150, derandomize=True, database=None, deadline=None)
@given(words=st.lists(SYLLABLES, min_size=1, max_size=8))
def test_tables_read_back_what_they_encode(words):
    text = " ".join(words)
    assert convert(_encode(text, _TCVN3_BACK), TCVN3) == text
    vni = "".join(_VNI_BACK.get(ch, ch) for ch in text)
    assert convert(vni, VNI) == text


@settings(max_examples=150, derandomize=True, database=None, deadline=None)
@given(words=st.lists(st.sampled_from(UNICODE_WORDS), min_size=1, max_size=30), upper=st.booleans())
def test_real_vietnamese_is_never_flagged(words, upper):
    text = " ".join(words)
    assert detect(text.upper() if upper else text) is None


@settings(max_examples=100, derandomize=True, database=None, deadline=None)
@given(words=st.lists(st.sampled_from([w for w in UNICODE_WORDS if len(w) > 2]), min_size=3, max_size=20))
def test_vietnamese_pasted_as_tcvn3_is_flagged(words):
    text = " ".join(w.lower() for w in words)
    pasted = _encode(text, _TCVN3_BACK)
    # Words with a character no Vietnamese word has (µ ¸ ¨ å …); "nó" pasted reads "nã", a word itself.
    telling = [w for w in pasted.split() if any(ch in _TCVN3_BACK.values() and ch not in VIETNAMESE_LETTERS for ch in w)]
    if len(telling) >= 2:
        assert detect(pasted) is not None, pasted


# --- through the command line ------------------------------------------------------------------


@pytest.mark.parametrize("key, path", [("dia_danh", ("dia_danh",)), ("trich_yeu", ("trich_yeu",)),
                                       ("noi_dung[1]", ("noi_dung", 0)), ("nguoi_ky.chuc_vu[1]", ("nguoi_ky", "chuc_vu", 0))])
def test_legacy_text_in_a_field_is_refused_naming_it(tmp_path, key, path):
    data = good()
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = "Së N«ng nghiÖp vµ Ph¸t triÓn n«ng th«n"
    src = write_yaml(tmp_path / "cu.yaml", data)
    out = tmp_path / "cu.docx"
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()
    assert f"trường «{key}»" in result.output and "cu.yaml, dòng" in result.output
    assert "bảng mã TCVN3" in result.output and "Ctrl+Shift+F6" in result.output
    assert "«Sở Nông nghiệp và Phát triển nông thôn»" in result.output
    assert "Traceback" not in result.output
