"""Same input, same bytes; atomic writes; a file someone edited is never overwritten silently."""
import io
import os
import shutil
import zipfile
from pathlib import Path

from click.testing import CliRunner
from docx import Document

from conftest import SEEDS
from generator.cli import main
from generator.pipeline import build_file

SEED = SEEDS / "000-lang-son-2018.yaml"


def test_two_builds_are_byte_identical(tmp_path, monkeypatch):
    first = build_file(SEED).docx
    monkeypatch.chdir(tmp_path)  # another working directory, another moment
    copy = tmp_path / "x.yaml"
    shutil.copy(SEED, copy)
    os.utime(copy, (0, 0))
    assert build_file(copy).docx == first


def test_zip_entries_are_fixed_and_ordered(built_seeds):
    for built in built_seeds.values():
        z = zipfile.ZipFile(io.BytesIO(built.docx))
        names = z.namelist()
        assert names[0] == "[Content_Types].xml" and names[1:] == sorted(names[1:])
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert z.testzip() is None


def test_every_input_builds_identically_twice(tmp_path):
    """Every input in inputs/, letters and campaigns, built twice: the same bytes."""
    from generator.bulk import run as bulk
    from generator.bulk.campaign import is_campaign, load_campaign
    from generator.load.yaml_source import load_yaml

    root = Path(__file__).resolve().parent.parent / "inputs"
    inputs = sorted(root.rglob("*.yaml"))
    assert len(inputs) >= 7
    for path in inputs:
        data, _ = load_yaml(path)
        if is_campaign(data):
            runs = []
            for n in (1, 2):
                report = bulk.run(load_campaign(path), tmp_path / f"run{n}", jobs=n)
                assert not report.problems, report.problems
                runs.append({p.name: p.read_bytes() for p in sorted(report.folder.iterdir()) if not p.name.startswith(".")})
            assert runs[0] == runs[1] and len(runs[0]) >= 4, path
        else:
            assert build_file(path).docx == build_file(path).docx, path


def _build(tmp_path, *args):
    return CliRunner().invoke(main, ["build", str(SEED), "-o", str(tmp_path / "cv.docx"), *args])


def test_rebuild_unchanged_then_edited_then_forced(tmp_path):
    target = tmp_path / "cv.docx"
    result = _build(tmp_path)
    assert result.exit_code == 0 and "[mới]" in result.output
    original = target.read_bytes()
    result = _build(tmp_path)
    assert result.exit_code == 0 and "[không đổi]" in result.output

    doc = Document(target)  # someone edits the letter in Word
    doc.paragraphs[-1].add_run(" (đã sửa tay)")
    doc.save(target)
    edited = target.read_bytes()
    result = _build(tmp_path)
    assert result.exit_code == 4, result.output
    assert "đã bị sửa" in result.output and "--force" in result.output
    assert target.read_bytes() == edited  # untouched

    result = _build(tmp_path, "--force")
    assert result.exit_code == 0 and "bản cũ lưu ở" in result.output
    assert target.read_bytes() == original
    backups = list(tmp_path.glob("cv.bak-*.docx"))
    assert len(backups) == 1 and backups[0].read_bytes() == edited


def test_foreign_file_is_not_overwritten(tmp_path):
    (tmp_path / "cv.docx").write_bytes(b"not ours")
    result = _build(tmp_path)
    assert result.exit_code == 4 and "không phải do dispatch tạo ra" in result.output
    assert (tmp_path / "cv.docx").read_bytes() == b"not ours"


def test_default_output_and_folder_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", str(SEED)])
    assert result.exit_code == 0 and (tmp_path / "out" / "000-lang-son-2018.docx").exists()
    folder = tmp_path / "thu-muc"
    folder.mkdir()
    result = CliRunner().invoke(main, ["build", str(SEED), "-o", str(folder)])
    assert result.exit_code == 0 and (folder / "000-lang-son-2018.docx").exists()
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_failed_write_leaves_no_partial_file(tmp_path, monkeypatch):
    from generator.write import output as output

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(output.os, "replace", boom)
    try:
        output.atomic_write(tmp_path / "a.docx", b"x" * 1000)
    except OSError:
        pass
    assert list(tmp_path.iterdir()) == []


def _held_open_by_excel(monkeypatch, path):
    """``os.replace`` onto ``path`` fails as on Windows while Excel has the file open (WinError 32)."""
    from generator.write import output as output

    real_replace = os.replace

    def replace(src, dst, *args, **kwargs):
        if Path(dst) == path:
            exc = PermissionError(13, "The process cannot access the file because it is being used by another process")
            exc.winerror = 32
            raise exc
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(output.os, "replace", replace)
    monkeypatch.setattr(output, "BUSY_WAIT", 0.1)


def test_staged_file_onto_a_file_open_in_excel_is_file_busy(tmp_path, monkeypatch):
    import pytest

    from generator.write import output as output
    from generator.exceptions import FileBusyError

    target = tmp_path / "manifest.csv"
    target.write_bytes(b"cu")
    staged = tmp_path / ".manifest.csv.staged"
    staged.write_bytes(b"moi")
    _held_open_by_excel(monkeypatch, target)
    with pytest.raises(FileBusyError) as err:
        output.place_staged(target, staged, output.sha256(b"cu"))
    assert err.value.exit_code == 4
    assert "manifest.csv" in str(err.value) and "Hãy đóng tệp đó rồi chạy lại lệnh" in str(err.value)
    assert target.read_bytes() == b"cu" and staged.read_bytes() == b"moi"


def test_atomic_write_onto_a_file_open_in_excel_leaves_no_temporary(tmp_path, monkeypatch):
    import pytest

    from generator.write import output as output
    from generator.exceptions import FileBusyError

    target = tmp_path / "manifest.csv"
    target.write_bytes(b"cu")
    _held_open_by_excel(monkeypatch, target)
    with pytest.raises(FileBusyError):
        output.atomic_write(target, b"moi")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.csv"] and target.read_bytes() == b"cu"
