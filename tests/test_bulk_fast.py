"""Bulk speed and memory work keeps every letter as it was: byte for byte, protections included.

- every letter of a multi-process run (workers with a slim campaign, ``bulk.run._slim``) is the very
  bytes ``bulk.run.render_letter`` gives for that commune with the whole campaign in one process;
- the slim campaign keeps the letter's criteria sets and is refused when a letter needs the table;
- a sentence computes its file's shown path only when it has an error to report;
- ``benchmarks/bulk.py --quick`` runs and ends with its documented line.
"""
import hashlib
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT
from generator.bulk import run as bulk
from generator.bulk.campaign import load_campaign
from generator.wording import sentences

ASSIGN = "\n".join(f"    {n}: Sở số {n}" for n in range(1, 20))
LONG = "Quyết Thắng Thượng Thượng Lưu Sông Đà Phía Bắc Biên Giới Đông Bắc Tổ Quốc"


def _rows() -> list[str]:
    """About 30 communes: all met, none met, fallen back, hyphenated, long, quotes, two criteria sets."""
    rows = []
    marks = ["x", "x", "", "sg", "x", "", "x", "x", "sg", "x", "x", "", "x", "x", "x", "", "x", "sg", "x"]
    names = ["Đồng Đăng", "Ia H'Drai", "Ea Kênh-Bắc", LONG, "Bình Dương", "A*B* & <C>", "Hữu Lũng", "Thiện Long",
             "Yên Bình", "Bắc Sơn", "Ấp Lộc", "Minh Khai", "Tân Thành", "Quang Trung", "Đông Hưng", "Hòa Bình",
             "Lạc Sơn", "Phú Thọ", "Vĩnh Yên", "Xuân Sơn", "Ưng Hòa", "Sơn Hà", "Trung Hưng", "Tiến Thắng",
             "Thanh Hà", "Thạnh Hà", "Cao Lộc", "Long Hưng"]
    for i, name in enumerate(names):
        if i == 0:
            row = ["x"] * 19  # every criterion met: the maintenance letter
        elif i == 1:
            row = [""] * 19  # none met
        else:
            row = [marks[(i + k) % len(marks)] for k in range(19)]
        criteria_set = "xa_ntm_nang_cao_2021_2025" if i % 3 == 2 else "xa_ntm_2021_2025"
        deadline = "30/6/2025" if i % 4 == 1 else ""
        quoted = '"' + name.replace('"', '""') + '"'
        rows.append(",".join([str(i + 1), quoted, criteria_set, deadline, *row]))
    return rows


@pytest.fixture(scope="module")
def varied(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("varied")
    header = "TT,Xã,Bộ tiêu chí,Hạn," + ",".join(str(n) for n in range(1, 20))
    (folder / "bang.csv").write_text("\n".join([header, *_rows()]) + "\n", "utf-8")
    (folder / "chien-dich.yaml").write_text(textwrap.dedent("""\
        chien_dich:
          ten: nhanh
          xa_dat_du: thu_duy_tri
          han: 15/12/2024
          phan_cong:
        {assign}
        danh_gia:
          bo_tieu_chi: xa_ntm_2021_2025
          bang: bang.csv
        thu:
          co_quan_ban_hanh: [ỦY BAN NHÂN DÂN, HUYỆN HỮU LŨNG]
          ky_hieu: UBND-NN
          dia_danh: Hữu Lũng
          ngay: 20/9/2024
          trich_yeu: khắc phục tiêu chí của xã {{xa}}
          kinh_gui: Ủy ban nhân dân xã {{xa}}
          noi_dung:
            - "Kết quả của xã {{xa}}:"
            - ket_qua: xa_nay
            - chua_dat: xa_nay
            - sut_giam: xa_nay
            - phan_cong: xa_nay
            - "Hoàn thành trước ngày **{{han}}**."
          noi_dung_duy_tri:
            - "Xã {{xa}} tiếp tục duy trì các tiêu chí."
            - ket_qua: xa_nay
          trich_yeu_duy_tri: duy trì các tiêu chí nông thôn mới của xã {{xa}}
          nguoi_ky: {{quyen_han: KT., chuc_vu: [CHỦ TỊCH, PHÓ CHỦ TỊCH], ho_ten: Dương Thị Hạnh}}
          luu: VT, NN
        """).format(assign=ASSIGN), "utf-8")
    return folder / "chien-dich.yaml"


def test_every_bulk_letter_is_the_single_letter_bytes(varied, tmp_path):
    campaign = load_campaign(varied)
    assert not campaign.assessments.problems
    communes = campaign.assessments.communes
    assert len(communes) == 28
    assert len({c.criteria_set.id for c in communes.values()}) == 2
    assert [c.name for c in communes.values() if not c.not_met] == ["Đồng Đăng"]
    assert _slim(campaign) is not None  # the workers below take the slim path
    report = bulk.run(campaign, tmp_path, jobs=2)
    assert not report.problems, report.problems
    assert [o.status for o in report.outcomes] == ["mới"] * 28
    whole = load_campaign(varied)  # a fresh campaign, the whole table, one process: the ordinary path
    for outcome in report.outcomes:
        expected, _ = bulk.render_letter(whole, outcome.commune)
        written = (tmp_path / "nhanh" / outcome.file).read_bytes()
        assert hashlib.sha256(written).hexdigest() == hashlib.sha256(expected).hexdigest(), outcome.commune
    long_file = next(o.file for o in report.outcomes if o.commune == LONG)
    from docx import Document
    text = "\n".join(p.text for p in Document(str(tmp_path / "nhanh" / long_file)).paragraphs)
    assert f"Ủy ban nhân dân xã {LONG}" in text


def _slim(campaign):
    return bulk._slim(campaign)


def test_slim_campaign_keeps_one_commune_per_set_and_is_refused_when_the_letter_needs_the_table(varied):
    campaign = load_campaign(varied)
    slim = bulk._slim(campaign)
    kept = list(slim.assessments.communes.values())
    assert sorted(c.criteria_set.id for c in kept) == ["xa_ntm_2021_2025", "xa_ntm_nang_cao_2021_2025"]
    assert len(campaign.assessments.communes) == 28  # the parent's table is untouched
    campaign.letter["noi_dung"] = campaign.letter["noi_dung"] + [{"ket_qua": "tat_ca"}]
    assert bulk._slim(campaign) is None
    campaign = load_campaign(varied)
    campaign.letter["phu_luc"] = True
    assert bulk._slim(campaign) is None


def test_a_sentence_does_not_resolve_its_path_unless_it_fails(monkeypatch, varied):
    campaign = load_campaign(varied)
    commune = next(iter(campaign.assessments.communes.values()))

    def resolved(path):
        raise AssertionError(f"display_path({path}) on a sentence without error")

    monkeypatch.setattr(sentences, "display_path", resolved)
    text = sentences.write("ket_qua", commune, "xa_ntm_2021_2025")
    assert commune.name in text


LAST_LINE = re.compile(r"per_letter_ms dispatch=\d+\.\d{3} docxtpl=\d+\.\d{3} floor=\d+\.\d{3} "
                       r"ratio_docxtpl=\d+\.\d ratio_floor=\d+\.\d letters_per_s=\d+ peak_rss_mb=\d+")


def test_benchmark_quick_mode_ends_with_its_line():
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bulk.py"), "--quick", "--jobs", "2"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    last = proc.stdout.strip().splitlines()[-1]
    assert LAST_LINE.fullmatch(last), last


def test_the_campaign_is_kept_from_the_collector_where_letters_are_written(varied, tmp_path):
    """``bulk._setup`` (a worker's, the run's own with ``-j 1``, and the benchmark's) freezes what it holds for the
    whole run: the collector's passes went through every commune's data for each few letters."""
    import gc

    campaign = load_campaign(varied)
    marker = type("Marker", (), {})()
    campaign.assessments.communes["__marker__"] = marker  # an object made now, tracked by the collector
    frozen = gc.get_freeze_count()
    bulk._setup(campaign, tmp_path / "out", bulk._template_path(campaign))
    del campaign.assessments.communes["__marker__"]
    assert gc.get_freeze_count() > frozen
    assert not any(o is marker for o in gc.get_objects())  # frozen: no generation the collector scans holds it
    gc.unfreeze()


def test_the_letters_plain_values_are_never_sent_to_a_worker(varied):
    """``Campaign._plain_values`` names values by their identity, which means nothing in a worker (spawned: the
    campaign is pickled) and could there be a value holding ``{xa}``, which would be left unreplaced: the set
    is dropped when the campaign is pickled or copied, and made again where it is used."""
    import copy
    import pickle

    campaign = load_campaign(varied)
    commune = next(iter(campaign.assessments.communes.values()))
    expected = campaign.dispatch_for(commune)
    assert "_plain" in campaign.__dict__
    for other in (pickle.loads(pickle.dumps(campaign)), copy.deepcopy(campaign), copy.copy(campaign)):
        assert "_plain" not in other.__dict__
        assert other.dispatch_for(other.assessments.communes[commune.key]) == expected


def test_a_letter_with_its_annex_is_the_same_from_a_worker(tmp_path):
    """A letter with an annex, written by spawned workers (the campaign pickled to them), is byte for byte the one
    rendered in this process: the annex's "Xã" column lists the bare names («Ấp Lộc»). A unit type pickled as a
    copy was no longer ``XA`` in a worker, which then wrote «Xã Ấp Lộc» there (-j 2 and -j 1 differed)."""
    import pickle

    from generator.assessments.results import DAC_KHU, PHUONG, XA

    assert all(pickle.loads(pickle.dumps(unit)) is unit for unit in (XA, PHUONG, DAC_KHU))
    text = (ROOT / "inputs" / "chien-dich" / "nhac-xa-2026.yaml").read_text("utf-8")
    text = text[:text.index("tong_hop:")].replace("  luu: VT, KT\n", "  luu: VT, KT\n  phu_luc: true\n")
    text = text.replace("bang: ../vi-du/", f"bang: {(ROOT / 'inputs' / 'vi-du').as_posix()}/")
    path = tmp_path / "chien-dich.yaml"
    path.write_text(text, "utf-8")
    campaign = load_campaign(path)
    report = bulk.run(campaign, tmp_path / "out", jobs=2)
    assert not report.problems, report.problems
    sent = [o for o in report.outcomes if o.file]
    assert len(sent) >= 5
    whole = load_campaign(path)
    for outcome in sent:
        expected, _ = bulk.render_letter(whole, outcome.commune)
        assert (report.folder / outcome.file).read_bytes() == expected, outcome.commune
