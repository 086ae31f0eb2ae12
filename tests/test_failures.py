"""Every failure is a message with the right exit code (#11 §4).

Each test does what a clerk, a scheduler or an attacker does (a folder in the wrong place, a
killed run, a FIFO, a template from another tool) and checks the exit code, the Vietnamese
message naming the path, that nothing half-made is left and that no traceback is printed.
"""
import errno
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from conftest import ROOT
from generator.bulk import run as bulk
from generator.cli import main

EXAMPLE_DIR = ROOT / "inputs" / "chien-dich"
SEED = ROOT / "inputs" / "seeds" / "000-lang-son-2018.yaml"
TEMPLATE = ROOT / "templates" / "cong-van.docx"
ENGLISH = ("Traceback", "Error:", "Errno", "Lỗi nội bộ")


def campaign(tmp_path: Path) -> Path:
    """The shipped campaign example, copied with the files it names."""
    shutil.copytree(ROOT / "inputs", tmp_path / "inputs")
    return tmp_path / "inputs" / "chien-dich" / "nhac-xa-2026.yaml"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def clean(output: str) -> None:
    for word in ENGLISH:
        assert word not in output, output


def dispatch(*args, cwd=None, timeout=60, env=None):
    """The command as a user runs it, in its own process (a FIFO would hang the test process)."""
    return subprocess.run([sys.executable, "-m", "generator", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


# --- bulk runs: every I/O failure is exit 4 naming the path -----------------------------------

def test_bulk_output_option_naming_a_file(tmp_path):
    path = campaign(tmp_path)
    target = tmp_path / "ra.docx"
    target.write_bytes(b"not a folder")
    result = invoke("build", path, "-o", target, "-j", "1")
    assert result.exit_code == 4, result.output
    assert "ra.docx" in result.output and "phải là một thư mục" in result.output
    clean(result.output)
    assert target.read_bytes() == b"not a folder"


@pytest.mark.parametrize("name", ["manifest.csv", "tat-ca.docx"])
def test_bulk_folder_where_a_run_file_goes(tmp_path, name):
    path = campaign(tmp_path)
    out = tmp_path / "ra"
    (out / "nhac-xa-2026" / name).mkdir(parents=True)
    result = invoke("build", path, "-o", out, "-j", "1")
    assert result.exit_code == 4, result.output
    assert f"nhac-xa-2026/{name}: không ghi được tệp" in result.output.replace("\\", "/")
    clean(result.output)
    letters = sorted((out / "nhac-xa-2026").glob("xa-*.docx"))
    assert len(letters) == 6  # the letters themselves are written and whole
    for letter in letters:
        assert zipfile.ZipFile(letter).testzip() is None
    assert not list((out / "nhac-xa-2026").glob(".*.new")) and not list((out / "nhac-xa-2026").glob(".*.tmp"))


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="permissions: POSIX, not as root")
def test_bulk_read_only_folder(tmp_path):
    path = campaign(tmp_path)
    out = tmp_path / "chi-doc"
    out.mkdir()
    out.chmod(0o555)
    try:
        result = invoke("build", path, "-o", out, "-j", "1")
    finally:
        out.chmod(0o755)
    assert result.exit_code == 4, result.output
    assert "chi-doc" in result.output and "không ghi được" in result.output
    clean(result.output)


def test_bulk_disk_full_while_writing_the_print_file(tmp_path, monkeypatch):
    path = campaign(tmp_path)

    def full(self, document, letter):
        raise OSError(errno.ENOSPC, "No space left on device", str(self.path))

    monkeypatch.setattr(bulk.Combined, "add", full)
    result = invoke("build", path, "-o", tmp_path / "ra", "-j", "1")
    assert result.exit_code == 4, result.output
    # the message names the print file, not its hidden staging file; no staging file is left
    assert "nhac-xa-2026/tat-ca.docx: không ghi được" in result.output.replace("\\", "/")
    assert not [p for p in (tmp_path / "ra" / "nhac-xa-2026").iterdir() if p.name.startswith(".tat-ca.docx")]


def test_bulk_disk_full_while_writing_letters(tmp_path, monkeypatch):
    """The disk refusing a letter is an output problem (exit 4), not a fault of the letter's row (exit 2)."""
    path = campaign(tmp_path)
    real = bulk.place

    def full(target, *args, **kwargs):
        if target.name == "xa-ap-loc.docx":
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        return real(target, *args, **kwargs)

    monkeypatch.setattr(bulk, "place", full)
    result = invoke("build", path, "-o", tmp_path / "ra", "-j", "1")
    assert result.exit_code == 4, result.output
    assert "xa-ap-loc.docx: không ghi được tệp (No space left on device)" in result.output
    assert "không dựng được thư" not in result.output
    assert not (tmp_path / "ra" / "nhac-xa-2026" / "xa-ap-loc.docx").exists()
    assert len(list((tmp_path / "ra" / "nhac-xa-2026").glob("xa-*.docx"))) == 5


def many_communes(tmp_path: Path, count: int = 1500) -> Path:
    rows = ["Xã," + ",".join(str(i) for i in range(1, 20))]
    rows += [f"Xã thử {i}," + ",".join("x" if (i + n) % 3 else "" for n in range(19)) for i in range(count)]
    (tmp_path / "bang.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    from test_bulk import make

    return make(tmp_path, "  bang: bang.csv\n")


@pytest.mark.skipif(sys.platform != "linux", reason="kills the parent with SIGKILL")
def test_workers_die_quietly_with_their_parent(tmp_path):
    import psutil

    path = many_communes(tmp_path)
    folder = tmp_path / "ra" / "thu-nghiem"
    with open(tmp_path / "stderr", "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "generator", "build", str(path), "-o", str(tmp_path / "ra"),
                                 "-j", "2"], stdout=subprocess.DEVNULL, stderr=err,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
        deadline = time.time() + 120
        while time.time() < deadline and len(list(folder.glob("xa-*.docx"))) < 30:
            time.sleep(0.05)
        workers = [p for p in psutil.Process(proc.pid).children(recursive=True)
                   if "spawn_main" in " ".join(p.cmdline())]
        assert len(workers) == 2
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        def running(p):  # not psutil.wait_procs: it calls os.kill(pid, 0), which --windows mode forbids
            try:
                return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
            except psutil.NoSuchProcess:
                return False

        deadline = time.time() + 10
        while time.time() < deadline and any(running(p) for p in workers):
            time.sleep(0.1)
        alive = [p for p in workers if running(p)]
        for p in alive:
            p.kill()
    assert not alive, "workers went on after their parent was killed"
    written = len(list(folder.glob("xa-*.docx")))
    time.sleep(1)
    assert len(list(folder.glob("xa-*.docx"))) == written < 1500
    errors = (tmp_path / "stderr").read_text("utf-8", "replace")
    assert "Traceback" not in errors and "Error" not in errors and "Warning" not in errors, errors[-2000:]


# --- SIGTERM during --pdf -------------------------------------------------------------------------

@pytest.mark.skipif(sys.platform != "linux" or not (shutil.which("soffice") or shutil.which("libreoffice")),
                    reason="needs LibreOffice and POSIX signals")
def test_sigterm_during_pdf_leaves_no_temporary_folder(tmp_path):
    temp = tmp_path / "temp"
    temp.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "generator", "build", str(SEED), "-o", str(tmp_path / "cv.docx"),
                             "--pdf"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(temp), "TMP": str(temp),
                                 "TEMP": str(temp)})
    deadline = time.time() + 60
    while time.time() < deadline and not list(temp.glob("dispatch-pdf-*/in/*.docx")):
        time.sleep(0.05)
    assert list(temp.glob("dispatch-pdf-*/in/*.docx")), "the conversion did not start"
    time.sleep(0.5)  # LibreOffice running
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Đã dừng theo yêu cầu" in err and "Traceback" not in err
    assert list(temp.iterdir()) == []  # no copy of the letter, no LibreOffice scratch left behind
    assert not (tmp_path / "cv.pdf").exists()


# --- a FIFO (or device, socket) named as an input is refused, never opened ----------------------

fifo_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")


@fifo_only
@pytest.mark.parametrize("command", [
    ["build", "{fifo}.yaml"], ["check", "{fifo}.yaml"], ["text", "{fifo}.yaml"], ["text", "{fifo}.docx"],
    ["lint", "{fifo}.docx"], ["diff", "{fifo}.docx", str(TEMPLATE)],
], ids=lambda c: " ".join(c))
def test_fifo_as_input(tmp_path, command):
    suffix = Path(command[1]).suffix
    fifo = tmp_path / f"ong{suffix}"
    os.mkfifo(fifo)
    args = [a.replace("{fifo}" + suffix, str(fifo)) for a in command]
    result = (dispatch(*args, "-o", tmp_path / "ra.docx", timeout=20) if command[0] == "build"
              else dispatch(*args, timeout=20))
    assert result.returncode == 2, result.stderr
    assert "ong" + suffix in result.stderr and "không phải một tệp thường" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "ra.docx").exists()


@fifo_only
@pytest.mark.parametrize("kind", ["mau", "bang.csv", "bang.xlsx"])
def test_fifo_named_inside_the_input(tmp_path, kind):
    shutil.copytree(ROOT / "inputs", tmp_path / "inputs")
    if kind == "mau":
        os.mkfifo(tmp_path / "mau.docx")
        source = tmp_path / "cv.yaml"
        source.write_text(SEED.read_text("utf-8") + "mau: mau.docx\n", encoding="utf-8")
        expected_code, name = 3, "mau.docx"
    else:
        name = kind
        yaml_text = (tmp_path / "inputs" / "vi-du" / "2026-bao-cao-bo.yaml").read_text("utf-8")
        assert "bang: bang-danh-gia-2026.csv" in yaml_text
        source = tmp_path / "inputs" / "vi-du" / "cv.yaml"
        source.write_text(yaml_text.replace("bang: bang-danh-gia-2026.csv", f"bang: {name}"), encoding="utf-8")
        os.mkfifo(source.parent / name)
        expected_code = 2
    result = dispatch("build", source, "-o", tmp_path / "ra.docx", timeout=20)
    assert result.returncode == expected_code, result.stderr
    assert name in result.stderr and "không phải một tệp thường" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "ra.docx").exists()


# --- templates that cannot hold the letter: exit 3 ----------------------------------------------

def rewrite_template(target: Path, change) -> Path:
    with zipfile.ZipFile(TEMPLATE) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name in source.namelist():
            result = change(name, source.read(name))
            if result is not None:
                out.writestr(*result)
    return target


def build_with_template(tmp_path: Path, template_name: str):
    source = tmp_path / "cv.yaml"
    source.write_text(SEED.read_text("utf-8") + f"mau: {template_name}\n", encoding="utf-8")
    out = tmp_path / "ra.docx"
    return invoke("build", source, "-o", out), out


def test_template_whose_main_part_is_elsewhere(tmp_path):
    renamed = {"word/document.xml": "word/chinh.xml", "word/_rels/document.xml.rels": "word/_rels/chinh.xml.rels"}

    def move(name, data):
        if name in ("_rels/.rels", "[Content_Types].xml"):
            data = data.replace(b"word/document.xml", b"word/chinh.xml")
        return renamed.get(name, name), data

    rewrite_template(tmp_path / "mau.docx", move)
    result, out = build_with_template(tmp_path, "mau.docx")
    assert result.exit_code == 3, result.output
    assert "mau.docx" in result.output and "«word/chinh.xml»" in result.output
    clean(result.output)
    assert not out.exists()


def test_blank_word_file_as_template(tmp_path):
    Document().save(tmp_path / "trang.docx")
    result, out = build_with_template(tmp_path, "trang.docx")
    assert result.exit_code == 3, result.output
    assert "trang.docx" in result.output and "nội dung công văn" in result.output and "người ký" in result.output
    clean(result.output)
    assert not out.exists()


def test_template_whose_body_loop_was_deleted(tmp_path):
    import re

    def drop_loop(name, data):
        if name != "word/document.xml":
            return name, data
        xml = data.decode("utf-8")
        paragraphs = list(re.finditer(r"<w:p[ >](?:(?!<w:p[ >]).)*?</w:p>", xml, re.S))
        texts = [re.sub(r"<[^>]+>", "", p.group()) for p in paragraphs]
        first = next(i for i, t in enumerate(texts) if "for para in paragraphs" in t)
        last = next(i for i in range(first, len(texts)) if "endfor" in texts[i])
        return name, (xml[: paragraphs[first].start()] + xml[paragraphs[last].end():]).encode("utf-8")

    rewrite_template(tmp_path / "mau.docx", drop_loop)
    result, out = build_with_template(tmp_path, "mau.docx")
    assert result.exit_code == 3, result.output
    assert "mau.docx" in result.output and "nội dung công văn" in result.output
    assert "người ký" not in result.output  # the signer is still there
    clean(result.output)
    assert not out.exists()


# --- check / text / diff understand campaign files -----------------------------------------------

def test_check_a_campaign_file(tmp_path, monkeypatch):
    path = campaign(tmp_path)
    monkeypatch.chdir(tmp_path)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    result = invoke("check", path)
    assert result.exit_code == 0, result.output
    assert "tệp chiến dịch «nhac-xa-2026»: 6 thư (5 thư nhắc khắc phục, 1 thư duy trì), kèm công văn tổng hợp" \
        in result.output
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before  # nothing written


def test_check_a_campaign_reports_its_problems(tmp_path):
    path = campaign(tmp_path)
    path.write_text(path.read_text("utf-8").replace("ngay: 20/11/2026", "ngay: 31/11/2026"), encoding="utf-8")
    result = invoke("check", path)
    assert result.exit_code == 2, result.output
    assert "nhac-xa-2026.yaml" in result.output and "ngay" in result.output
    clean(result.output)


def test_text_of_a_campaign_file_is_its_first_letter(tmp_path):
    path = campaign(tmp_path)
    result = CliRunner().invoke(main, ["text", str(path)])
    assert result.exit_code == 0, result.output
    assert "là tệp chiến dịch" in result.stderr and "xã Ấp Lộc, thư đầu tiên" in result.stderr
    assert "Kính gửi           │ Kính gửi: Ủy ban nhân dân xã Ấp Lộc" in result.stdout
    assert "V/v khắc phục các tiêu chí nông thôn mới của xã Ấp Lộc" in result.stdout


def test_diff_of_a_campaign_file_is_refused_clearly(tmp_path):
    path = campaign(tmp_path)
    result = invoke("diff", path, SEED)
    assert result.exit_code == 2, result.output
    assert "nhac-xa-2026.yaml" in result.output and "tệp chiến dịch" in result.output
    clean(result.output)


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")), reason="needs LibreOffice")
def test_pdf_timeout_nan_is_refused(tmp_path):
    result = invoke("build", SEED, "-o", tmp_path / "cv.docx", "--pdf", "--pdf-timeout", "nan")
    assert result.exit_code == 5, result.output
    assert "lớn hơn 0" in result.output and not (tmp_path / "cv.docx").exists()


# --- the campaign's name is one folder inside -o ---------------------------------------------------


@pytest.mark.parametrize("name, words", [
    ("../../thoat-ra", "không được có ký tự «/»"),
    ("/tmp/tuyet-doi", "không được có ký tự «/»"),
    ("..", "không được có dấu chấm"),
    ("C:\\\\Windows", "không được có ký tự «:»"),
    ("x" * 300, "dài 300 ký tự; tối đa 100"),
    ("CON", "không dùng được làm tên thư mục trên Windows"),
])
def test_a_campaign_name_that_is_not_one_folder_name_is_refused(tmp_path, name, words):
    path = campaign(tmp_path)
    text = path.read_text("utf-8")
    assert "\n  ten: nhac-xa-2026\n" in text  # line 6
    path.write_text(text.replace("\n  ten: nhac-xa-2026\n", f'\n  ten: "{name}"\n', 1), "utf-8")
    out = tmp_path / "a" / "b" / "ra"
    result = invoke("build", path, "-o", out, "-j", "1")
    assert result.exit_code == 2, result.output
    assert "trường «chien_dich.ten»" in result.output and words in result.output and "dòng 6" in result.output
    clean(result.output)
    # nothing written anywhere: not in -o, not beside it, not above it
    assert not out.exists() and not (tmp_path / "a" / "thoat-ra").exists() and not (tmp_path / "thoat-ra").exists()


def test_a_campaign_name_with_vietnamese_letters_is_a_folder(tmp_path):
    path = campaign(tmp_path)
    path.write_text(path.read_text("utf-8").replace("\n  ten: nhac-xa-2026\n", '\n  ten: "Nhắc xã 2026"\n', 1), "utf-8")
    result = invoke("build", path, "-o", tmp_path / "ra", "-j", "1")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ra" / "Nhắc xã 2026" / "tat-ca.docx").exists()
