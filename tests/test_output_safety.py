"""Issue #11 §3 from the attacker's side: two runs at once, planted symlinks, a formula as a commune's
name, twin names against a real one, Ctrl-C then a corrected input, a run that now sends nothing;
and #12: a campaign letter with ``phu_luc: true`` carries its annex."""
import csv
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from generator.bulk import run as bulk
from generator.cli import main
from generator.write import output
from test_bulk import campaign_yaml, make

TWINS = """\
  xa:
    - {ten: Hữu Lũng, dat: [1]}
    - {ten: Hữu Lùng, dat: [2]}
    - {ten: Huu Lung 2, dat: [3]}
"""


def _build(src: Path, out: Path, *extra: str):
    return CliRunner().invoke(main, ["build", str(src), "-o", str(out), "-j", "1", *extra])


def _text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml").decode("utf-8")


def test_twin_names_never_take_a_real_communes_file(tmp_path):
    result = _build(make(tmp_path, TWINS), tmp_path / "out")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "thu-nghiem"
    files = sorted(p.name for p in folder.glob("xa-*.docx"))
    assert files == ["xa-huu-lung-2.docx", "xa-huu-lung.docx", "xa-huu-lung_2.docx"]
    assert "Huu Lung 2" in _text(folder / "xa-huu-lung-2.docx")
    assert "Hữu Lùng" in _text(folder / "xa-huu-lung_2.docx") or "Hữu Lũng" in _text(folder / "xa-huu-lung_2.docx")


def test_a_formula_as_a_communes_name_is_text_in_manifest_csv(tmp_path):
    table = '  xa:\n    - {ten: "=HYPERLINK(\\"http://x.invalid\\",\\"bam\\")", dat: [1]}\n    - {ten: "@SUM(1)", dat: [1]}\n'
    result = _build(make(tmp_path, table), tmp_path / "out")
    if result.exit_code == 2:
        pytest.skip("the loader refuses such names: " + result.output[:200])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader((tmp_path / "out" / "thu-nghiem" / "manifest.csv").read_text("utf-8-sig").splitlines()))
    names = sorted(r[0] for r in rows[1:])
    assert names == ["'=HYPERLINK(\"http://x.invalid\",\"bam\")", "'@SUM(1)"]


@pytest.mark.skipif(not hasattr(os, "symlink") or sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_symlinks_planted_at_staging_names_are_never_written_through(tmp_path):
    src = make(tmp_path)
    folder = tmp_path / "out" / "thu-nghiem"
    folder.mkdir(parents=True)
    victim = tmp_path / "victim.txt"
    victim.write_text("do not touch", encoding="utf-8")
    pid = os.getpid()
    for name in (".tat-ca.docx.new", ".tong-hop.docx.new", ".dispatch-manifest.log", f".tat-ca.docx.{pid}.tmp",
                 f".manifest.csv.{pid}.tmp", f".xa-dong-tan.docx.{pid}.tmp", f".dispatch-manifest.json.{pid}.tmp"):
        os.symlink(victim, folder / name)
    result = _build(src, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert victim.read_text("utf-8") == "do not touch"
    assert zipfile.is_zipfile(folder / "tat-ca.docx")


HOLDER = textwrap.dedent("""\
    import sys
    from pathlib import Path
    from generator.write.output import folder_lock
    folder, ready, go = map(Path, sys.argv[1:4])
    with folder_lock(folder):
        ready.write_text("held")
        sys.stdin.read()  # until the test closes our stdin (or kills us)
    """)


def _holder(tmp_path: Path, folder: Path) -> subprocess.Popen:
    ready = tmp_path / "ready"
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(folder), str(ready), "x"], stdin=subprocess.PIPE,
                            cwd=ROOT)
    for _ in range(600):  # the handshake: the holder says when it holds the lock
        if ready.exists() or proc.poll() is not None:
            break
        try:
            proc.wait(timeout=0.05)
        except subprocess.TimeoutExpired:
            pass
    assert ready.exists(), "the holder did not take the lock"
    return proc


def test_two_concurrent_runs_into_one_folder_the_second_is_refused(tmp_path):
    src = make(tmp_path)
    folder = tmp_path / "out" / "thu-nghiem"
    proc = _holder(tmp_path, folder)
    try:
        second = subprocess.run([sys.executable, "-m", "generator", "build", str(src), "-o", str(tmp_path / "out"),
                                 "-j", "1"], capture_output=True, text=True, encoding="utf-8", cwd=ROOT)
        assert second.returncode == 4, second.stderr
        assert "một lần chạy dispatch khác đang ghi vào thư mục này" in second.stderr
        assert not list(folder.glob("xa-*.docx")), "the refused run wrote nothing"
    finally:
        proc.kill()
        proc.wait()
    # the holder was killed: the OS dropped its lock, the folder is not stuck
    third = _build(src, tmp_path / "out")
    assert third.exit_code == 0, third.output


def test_ctrl_c_then_a_corrected_input_calls_no_letter_edited(tmp_path, monkeypatch):
    src = make(tmp_path)
    out = tmp_path / "out"
    assert _build(src, out).exit_code == 0
    src.write_text(src.read_text("utf-8").replace("15/12/2024", "20/12/2024"), encoding="utf-8")
    real_place = bulk.place
    calls = []

    def place_then_interrupt(*args, **kwargs):
        result = real_place(*args, **kwargs)
        calls.append(result)
        if len(calls) == 2:  # the letter is on disk, the run never hears of it: Ctrl-C
            raise KeyboardInterrupt
        return result

    monkeypatch.setattr(bulk, "place", place_then_interrupt)
    assert _build(src, out).exit_code == 130
    monkeypatch.setattr(bulk, "place", real_place)
    again = _build(src, out)
    assert again.exit_code == 0, again.output
    assert "sửa tay" not in again.output
    combined = _text(out / "thu-nghiem" / "tat-ca.docx")
    assert "20/12/2024" in combined and "15/12/2024" not in combined


def test_a_run_that_now_sends_nothing_leaves_no_old_letters_or_print_file(tmp_path):
    out = tmp_path / "out"
    assert _build(make(tmp_path), out).exit_code == 0
    folder = out / "thu-nghiem"
    kept = folder / "xa-quyet-thang.docx"
    kept.write_bytes(kept.read_bytes() + b"\0")  # a clerk's edit: kept and reported, never removed
    table = "  xa:\n    - {ten: Đồng Tân, dat: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]}\n"
    result = _build(make(tmp_path, table, complete="khong_gui"), out)
    assert result.exit_code == 0, result.output
    left = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    assert left == ["manifest.csv", "xa-quyet-thang.docx"]
    assert "xa-quyet-thang.docx" in (folder / "manifest.csv").read_text("utf-8-sig")


def test_manifest_csv_a_clerk_annotated_is_not_overwritten(tmp_path):
    src, out = make(tmp_path), tmp_path / "out"
    assert _build(src, out).exit_code == 0
    sheet = out / "thu-nghiem" / "manifest.csv"
    sheet.write_text(sheet.read_text("utf-8-sig") + "ghi chú của văn thư\n", encoding="utf-8-sig")
    src.write_text(src.read_text("utf-8").replace("15/12/2024", "20/12/2024"), encoding="utf-8")
    result = _build(src, out)
    assert result.exit_code == 4, result.output
    assert "ghi chú của văn thư" in sheet.read_text("utf-8-sig")


def test_schema_o_does_not_replace_a_file_that_is_not_ours(tmp_path):
    target = tmp_path / "ghi-chu.json"
    target.write_text("của tôi", encoding="utf-8")
    result = CliRunner().invoke(main, ["schema", "-o", str(target)])
    assert result.exit_code == 4, result.output
    assert target.read_text("utf-8") == "của tôi"


def test_a_campaign_letter_with_phu_luc_carries_its_annex(tmp_path):
    src = make(tmp_path)
    src.write_text(src.read_text("utf-8").replace("  luu: VT, NN\n", "  luu: VT, NN\n  phu_luc: true\n"),
                   encoding="utf-8")
    result = _build(src, tmp_path / "out")
    assert result.exit_code == 0, result.output
    from docx import Document
    for path in sorted((tmp_path / "out" / "thu-nghiem").glob("xa-*.docx")):
        doc = Document(str(path))
        assert any(p.text.strip() == "Phụ lục" for p in doc.paragraphs), path.name
        assert len(doc.tables) >= 1 and "Quyết Thắng" in "".join(c.text for c in doc.tables[-1]._cells), path.name
