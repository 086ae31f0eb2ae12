"""A bulk run's parent holds little besides its communes: memory flat in the table's size (issue #15).

- the table is streamed: ``read_table`` yields each row as it is read, its problems are known at the end;
- reading a table of a few thousand communes holds, at its peak, little more than the communes it keeps
  (tracemalloc): no list of rows, no text or closure per row, no key per commune kept for the check of
  units given twice;
- a unit given twice is still found with both places named, before and after the first one found;
- ``vi_sorted`` gives the order of ``sorted`` (ties included) with the keys of one run alive, not all;
- a run keeps the parent's own strings in its outcomes, not the copies the workers send back, keeps no
  outcome object per letter while the letters are made, and sends each task a copy of its commune;
- a print volume makes a path only for the letter it reads, and once finished refuses more letters.
"""
import datetime as dt
import gc
import io
import pickle
import re
import sys
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from hostile_support import TABLE_LETTER
from generator.assessments.criteria import get_set
from generator.assessments.resolve import resolve
from generator.assessments.results import AssessmentsInput, CommuneAssessment
from generator.assessments.table import read_table
from generator.bulk import print_file
from generator.bulk import run as bulk
from generator.bulk.campaign import load_campaign
from generator.load.yaml_source import load_yaml
from generator.vi import collation
from generator.write.output import Manifest
from generator.vi.collation import vi_sort_key, vi_sorted

sys.path.insert(0, str(ROOT / "benchmarks"))
from synthetic import SYLLABLES, make_campaign  # noqa: E402  (the benchmarks' synthetic campaign)


def test_the_table_is_streamed_row_by_row(tmp_path):
    (tmp_path / "bang.csv").write_text("Xã,1,2\nMinh Tiến,x,\nCai Kinh,x,x\nHữu Lũng,x,?\n", encoding="utf-8")
    table = read_table(tmp_path / "bang.csv", None, get_set("xa_ntm_2021_2025", []), lambda s, w: None)
    rows = iter(table)
    first, row = next(rows)
    # the first commune comes before the last row is read: its bad mark is not known yet
    assert isinstance(first, CommuneAssessment) and (first.name, first.met, row) == ("Minh Tiến", (1,), 2)
    assert table.problems == []
    rest = [(a.name, a.met, r) for a, r in rows]
    assert rest == [("Cai Kinh", (1, 2), 3)]
    assert [(p.place, p.message.split(":")[0]) for p in table.problems] == [("hàng 4, cột 3", "«?» không phải dấu đánh giá hợp lệ")]
    assert table.where(3).replace("\\", "/").endswith("bang.csv (hàng 3)")


def _resolve_peak(folder: Path, communes: int) -> tuple[int, int]:
    """(live after, peak during) the resolution of a synthetic table of ``communes`` rows, in bytes."""
    path = make_campaign(folder, communes, overview=False)
    data, located = load_yaml(path)
    given = AssessmentsInput.model_validate(data["danh_gia"])
    tracemalloc.start()
    try:
        found = resolve(given, located, path.parent, dt.date(2026, 11, 20), strict=False)
        live, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(found.communes) == communes and not found.problems
    return live, peak


def test_reading_a_big_table_holds_little_besides_its_communes(tmp_path):
    """What a commune more costs at the peak of the table's resolution, beyond what is kept of it (tracemalloc,
    500 then 3,000 communes): about 320 bytes (its line of the CSV text, decoded, the hash of its key); a list
    of rows with a place text and a closure each, and a key with a place text per commune, cost about 820."""
    (tmp_path / "small").mkdir()
    (tmp_path / "big").mkdir()
    _resolve_peak(tmp_path / "small", 50)  # imports, the criteria set: once, outside the measure
    small_live, small_peak = _resolve_peak(tmp_path / "small", 500)
    big_live, big_peak = _resolve_peak(tmp_path / "big", 3000)
    transient = ((big_peak - big_live) - (small_peak - small_live)) / 2500
    assert transient < 450, transient


def test_equal_tuples_of_criteria_are_shared(tmp_path):
    (tmp_path / "bang.csv").write_text("Xã,1,2,3\nMinh Tiến,x,,x\nCai Kinh,x,,x\nHữu Lũng,x,x,\n", encoding="utf-8")
    table = read_table(tmp_path / "bang.csv", None, get_set("xa_ntm_2021_2025", []), lambda s, w: None)
    minh_tien, cai_kinh, huu_lung = (a for a, _ in table)
    assert minh_tien.met == cai_kinh.met == (1, 3) and minh_tien.met is cai_kinh.met
    assert huu_lung.met == (1, 2)


CAMPAIGN_CHECK = TABLE_LETTER.format(table="bang.csv", extra="  xa:\n    - ten: Quyết Thắng\n      dat: [1]\n")


def test_units_given_twice_are_found_before_and_after_the_first_one_found(tmp_path):
    """The first unit given twice makes the index of keys; those kept after it are found in it too."""
    from click.testing import CliRunner
    from generator.cli import main

    (tmp_path / "bang.csv").write_text(
        "Xã,1\nMinh Tiến,x\nCai Kinh,x\nminh  tiến,x\nHòa Bình,x\nBình Hòa,x\nHoà Bình,x\nQuyết Thắng,x\n",
        encoding="utf-8")
    (tmp_path / "cv.yaml").write_text(CAMPAIGN_CHECK, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path / "cv.yaml")])
    out = " ".join(result.output.replace("\\", "/").split())
    assert result.exit_code == 2, result.output
    assert re.search(r"bang\.csv, hàng 4, cột 1: xã «minh tiến» trùng với xã «Minh Tiến» đã có ở \S*bang\.csv "
                     r"\(hàng 2\): hai tên chỉ khác chữ hoa/thường", out), out
    assert re.search(r"bang\.csv, hàng 7, cột 1: xã «Hoà Bình» trùng với xã «Hòa Bình» đã có ở \S*bang\.csv "
                     r"\(hàng 5\): hai tên", out), out
    assert "bang.csv, hàng 8, cột 1: xã «Quyết Thắng» đã có ở dòng 15; mỗi xã chỉ ghi một lần" in out
    assert "Bình Hòa" not in out
    assert out.count("đã có ở") == 3


def test_vi_sorted_in_runs_is_sorted(monkeypatch):
    names = [f"{a} {b}" for a in SYLLABLES for b in SYLLABLES] * 2 + ["Xã 10", "Xã 2", "xã 2", "Hoà", "Hòa"]
    tagged = [(name, i) for i, name in enumerate(names)]  # ties: the input's order stays (sorted is stable)
    monkeypatch.setattr(collation, "RUN", 7)
    assert vi_sorted(tagged, key=lambda t: t[0]) == sorted(tagged, key=lambda t: vi_sort_key(t[0]))
    assert vi_sorted(["Bà Rịa", "Ba Vì", "Ba Tơ", "Bạc Liêu", "Bá Thước", "Ba", "Bả", "Bã", "Bà Chiểu"] * 3) == [
        "Ba", "Ba", "Ba", "Ba Tơ", "Ba Tơ", "Ba Tơ", "Ba Vì", "Ba Vì", "Ba Vì", "Bà Chiểu", "Bà Chiểu", "Bà Chiểu",
        "Bà Rịa", "Bà Rịa", "Bà Rịa", "Bả", "Bả", "Bả", "Bã", "Bã", "Bã", "Bá Thước", "Bá Thước", "Bá Thước",
        "Bạc Liêu", "Bạc Liêu", "Bạc Liêu"]


def test_vi_sorted_keeps_the_keys_of_one_run_alive():
    """10,000 names: all their keys at once were about 5.5 MB; those of one run (2,048 names), under 2.5 MB."""
    names = [f"{a} {b} {i}" for i, (a, b) in enumerate((a, b) for a in SYLLABLES for b in SYLLABLES)] * 16
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        ordered = vi_sorted(names)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(ordered) == 10_000 and ordered[:2] == ["An An 0", "An An 0"]
    assert peak - before < 2.5 * 2 ** 20, peak - before


def test_outcomes_hold_the_runs_own_strings(tmp_path, monkeypatch):
    """Two workers: every outcome's commune is the campaign's own key, its file the run's own name and its
    status the module's constant, not the copies unpickled from the workers (kept for the whole run)."""
    path = make_campaign(tmp_path, 12, overview=False)
    campaign = load_campaign(path)
    named = []
    real = bulk.file_names
    monkeypatch.setattr(bulk, "file_names", lambda *a, **k: named.append(real(*a, **k)) or named[-1])
    report = bulk.run(campaign, tmp_path / "out", jobs=2)
    sent = [o for o in report.outcomes if o.status != bulk.NOT_SENT]
    assert len(sent) == 12 and all(o.status is bulk.NEW for o in sent)
    keys = {id(k) for k in campaign.assessments.communes}
    assert all(id(o.commune) in keys for o in report.outcomes)
    assert all(o.file is named[0][o.commune] for o in sent)
    assert all((tmp_path / "out" / campaign.name / o.file).is_file() for o in sent)


def test_a_print_volume_gets_a_path_only_for_its_first_letter_on_disk(tmp_path, monkeypatch):
    """A path per letter kept every file name in the interpreter's table of interned strings: only the letter
    whose headers and footers a volume reads (its first on disk) gets one."""
    path = make_campaign(tmp_path, 7, overview=False)
    campaign = load_campaign(path)
    given = []
    real = print_file.Combined.add

    def add(self, document, letter):
        given.append(letter)
        return real(self, document, letter)

    monkeypatch.setattr(print_file, "VOLUME_LETTERS", 3)
    monkeypatch.setattr(print_file.Combined, "add", add)
    (tmp_path / "out").mkdir()
    volumes = print_file.PrintVolumes(tmp_path / "out", campaign, bulk._template_path(campaign), 7)
    name, docx = bulk.first_letter(campaign)
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        document = z.read("word/document.xml")
    files = [None, "b.docx", "c.docx", "d.docx", "e.docx", "f.docx", "g.docx"]  # the first not written (open in Word)
    for file in files:
        volumes.add(document, file, name)
    assert given == [None, tmp_path / "out" / "b.docx", None, tmp_path / "out" / "d.docx", None, None,
                     tmp_path / "out" / "g.docx"]
    volumes.abandon()


def test_a_finished_print_volume_takes_no_more_letters(tmp_path):
    """A finished volume lets go of its zip (a run keeps its volumes to the end): a letter added after would
    open a new zip over the finished file, so it is refused."""
    path = make_campaign(tmp_path, 2, overview=False)
    campaign = load_campaign(path)
    name, docx = bulk.first_letter(campaign)
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        document = z.read("word/document.xml")
    volume = print_file.Combined(tmp_path / "tat-ca.docx", campaign, bulk._template_path(campaign))
    volume.add(document, None)
    assert volume.close() and volume.close()
    finished = (tmp_path / "tat-ca.docx").read_bytes()
    with pytest.raises(ValueError):
        volume.add(document, None)
    assert (tmp_path / "tat-ca.docx").read_bytes() == finished
    with zipfile.ZipFile(tmp_path / "tat-ca.docx") as z:
        assert z.read("word/document.xml").count(b"<w:sectPr") == 1


def test_sending_a_commune_to_a_worker_leaves_the_campaigns_as_it_was(tmp_path):
    """Pickling an instance gives it a ``__dict__`` object of its own (64 bytes a commune, kept for the run):
    a task brings a copy of its commune."""
    campaign = load_campaign(make_campaign(tmp_path, 300, overview=False))
    communes = campaign.assessments.communes
    order = campaign.assessments.ordered_keys()
    files = bulk.file_names(order, presorted=True)
    manifest = Manifest(tmp_path / "out")
    tasks = bulk._tasks(order, [True] * len(order), files, manifest, False, True, communes)
    pickle.dumps(next(tasks))  # the pickler's first time, outside the measure
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        sent = sum(1 for task in tasks if pickle.dumps(task))
        grew = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert sent == 299 and grew < 299 * 24, grew
    assert pickle.loads(pickle.dumps(next(bulk._tasks(order, [True], files, manifest, False, True, communes))))[5] \
        == communes[order[0]]


def test_no_outcome_object_a_letter_while_the_letters_are_made(tmp_path):
    """While the letters are made the run keeps of each its digest and a status byte; the outcomes (the same
    as ever) are made at the end."""
    path = make_campaign(tmp_path, 40, overview=False)
    campaign = load_campaign(path)
    alive = []

    def progress(outcome):
        alive.append(sum(1 for o in gc.get_objects() if isinstance(o, bulk.Outcome)))

    first = bulk.run(campaign, tmp_path / "out", jobs=1, progress=progress)
    assert len(alive) == 40 and max(alive) <= 2, alive
    assert [o.status for o in first.outcomes] == ["mới"] * 40 and all(len(o.digest) == 64 for o in first.outcomes)
    again = bulk.run(campaign, tmp_path / "out", jobs=1)
    assert [(o.commune, o.file, o.status, o.digest) for o in again.outcomes] == [
        (o.commune, o.file, "không đổi", o.digest) for o in first.outcomes]
