"""Bulk campaigns: per-letter content, naming, combined file, manifest, protection, resume, errors."""
import csv
import shutil
import io
import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn

from conftest import ROOT
from generator.bulk import run as bulk
from generator.bulk.campaign import load_campaign
from generator.cli import main

EXAMPLE = ROOT / "inputs" / "chien-dich" / "nhac-xa-2026.yaml"
ASSIGN = "\n".join(f"    {n}: Sở số {n}" for n in range(1, 20))


def campaign_yaml(table_lines: str, complete: str = "thu_duy_tri", extra: str = "") -> str:
    return textwrap.dedent("""\
        chien_dich:
          ten: thu-nghiem
          xa_dat_du: {complete}
          han: 15/12/2024
          phan_cong:
        {assign}
        danh_gia:
          bo_tieu_chi: xa_ntm_2021_2025
        {table}
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
            - sut_giam: xa_nay
            - phan_cong: xa_nay
            - "Hoàn thành trước ngày **{{han}}**."
          noi_dung_duy_tri:
            - "Xã {{xa}} tiếp tục duy trì các tiêu chí."
          trich_yeu_duy_tri: duy trì các tiêu chí nông thôn mới của xã {{xa}}
          nguoi_ky: {{quyen_han: KT., chuc_vu: [CHỦ TỊCH, PHÓ CHỦ TỊCH], ho_ten: Dương Thị Hạnh}}
          luu: VT, NN
        {extra}""").format(complete=complete, assign=ASSIGN, table=table_lines, extra=extra)


INLINE = """\
  xa:
    - {ten: Quyết Thắng, dat: [1, 3, 4], lan_truoc: {dat: [1, 2, 3, 4]}}
    - {ten: Đồng Tân, dat: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]}
    - {ten: Thanh Hà, dat: [1]}
    - {ten: Thạnh Hà, dat: [2], han: 01/10/2024}
"""


def make(tmp_path: Path, table: str = INLINE, **kw) -> Path:
    path = tmp_path / "cd.yaml"
    path.write_text(campaign_yaml(table, **kw), encoding="utf-8")
    return path


def run_cli(path: Path, out: Path, *args):
    return CliRunner().invoke(main, ["build", str(path), "-o", str(out), *args])


def letter_text(path: Path) -> str:
    return "\n".join(p.text for p in Document(path).paragraphs)


def test_one_letter_per_commune_with_its_own_gaps(tmp_path):
    result = run_cli(make(tmp_path), tmp_path / "out")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "thu-nghiem"
    qt = letter_text(folder / "xa-quyet-thang.docx")
    assert "Kính gửi: Ủy ban nhân dân xã Quyết Thắng" in qt
    assert "- Xã Quyết Thắng đạt 03/19 tiêu chí gồm: Số 1 – Quy hoạch; Số 3 – Thủy lợi và phòng, chống thiên tai; " \
           "Số 4 – Điện." in qt
    assert "- Xã Quyết Thắng có 01 tiêu chí bị sụt giảm là tiêu chí số 2 – Giao thông." in qt
    assert "- Tiêu chí số 2 – Giao thông (bị sụt giảm): Sở số 2 phụ trách, hướng dẫn và hỗ trợ xã Quyết Thắng " \
           "hoàn thiện; hoàn thành trước ngày 15/12/2024." in qt
    assert qt.count("- Tiêu chí số") == 16  # one line per criterion not met
    assert "Hoàn thành trước ngày 15/12/2024./." in qt
    th = letter_text(folder / "xa-thanh-ha_2.docx")  # Thạnh Hà: its own deadline from the table
    assert "xã Thạnh Hà" in th and "trước ngày 01/10/2024" in th and "15/12/2024" not in th
    assert "bị sụt giảm" not in th  # nothing fell back: no such paragraph
    dt = letter_text(folder / "xa-dong-tan.docx")  # everything met: the maintenance letter
    assert "Xã Đồng Tân tiếp tục duy trì các tiêu chí./." in dt and "Tiêu chí số" not in dt
    props = Document(folder / "xa-quyet-thang.docx").core_properties
    assert props.title == "V/v khắc phục tiêu chí của xã Quyết Thắng"


def test_file_names(tmp_path):
    names = bulk.file_names(["Thạnh Hà", "Thanh Hà", "Đồng Đăng", "../../etc/passwd", "***", "Ia H'Drai"])
    assert names["Thanh Hà"] == "xa-thanh-ha.docx" and names["Thạnh Hà"] == "xa-thanh-ha_2.docx"
    assert names["Đồng Đăng"] == "xa-dong-dang.docx"
    assert names["../../etc/passwd"] == "xa-etc-passwd.docx"
    assert names["***"] == "xa-khong-ten.docx" and names["Ia H'Drai"] == "xa-ia-h-drai.docx"
    assert all("/" not in n and not n.startswith(".") for n in names.values())


def test_complete_communes_can_get_no_letter(tmp_path):
    result = run_cli(make(tmp_path, complete="khong_gui"), tmp_path / "out")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "thu-nghiem"
    assert not (folder / "xa-dong-tan.docx").exists()
    rows = list(csv.DictReader(io.StringIO((folder / "manifest.csv").read_text("utf-8-sig"))))
    assert {r["xa"]: r["trang_thai"] for r in rows}["Đồng Tân"] == "không gửi"


def test_manifest_and_combined_file(tmp_path):
    assert run_cli(make(tmp_path), tmp_path / "out").exit_code == 0
    folder = tmp_path / "out" / "thu-nghiem"
    rows = list(csv.DictReader(io.StringIO((folder / "manifest.csv").read_text("utf-8-sig"))))
    assert [r["xa"] for r in rows] == ["Đồng Tân", "Quyết Thắng", "Thanh Hà", "Thạnh Hà"]  # Vietnamese order
    from generator.write.output import sha256
    for r in rows:
        assert r["trang_thai"] == "mới" and sha256((folder / r["tep"]).read_bytes()) == r["sha256"]
    combined = Document(folder / "tat-ca.docx")
    assert len(combined.sections) == 4  # one section per letter
    for section in combined.sections:
        assert section._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"  # own page numbering
        assert section.different_first_page_header_footer and section.start_type == 2  # new page
    text = "\n".join(p.text for p in combined.paragraphs)
    order = [text.index(f"Kính gửi: Ủy ban nhân dân xã {n}") for n in ("Đồng Tân", "Quyết Thắng", "Thanh Hà", "Thạnh Hà")]
    assert order == sorted(order)
    package = zipfile.ZipFile(folder / "tat-ca.docx")
    assert package.testzip() is None
    assert not [n for n in package.namelist() if b"{%" in package.read(n) or b"{{" in package.read(n)]


def test_rerun_rewrites_only_what_changed_and_protects_edits(tmp_path):
    path = make(tmp_path)
    out = tmp_path / "out"
    assert run_cli(path, out).exit_code == 0
    folder = out / "thu-nghiem"
    result = run_cli(path, out)
    assert result.exit_code == 0 and "4 không đổi" in result.output

    path.write_text(path.read_text("utf-8").replace("{ten: Thanh Hà, dat: [1]}", "{ten: Thanh Hà, dat: [1, 2]}"), "utf-8")
    doc = Document(folder / "xa-quyet-thang.docx")  # a clerk edits one letter in Word
    doc.paragraphs[-1].add_run(" Đã bổ sung.")
    doc.save(folder / "xa-quyet-thang.docx")
    edited = (folder / "xa-quyet-thang.docx").read_bytes()
    result = run_cli(path, out)
    assert result.exit_code == 4, result.output
    assert "1 thư đã bị sửa tay" in result.output and "xa-quyet-thang.docx" in result.output
    statuses = {r["xa"]: r["trang_thai"] for r in csv.DictReader(io.StringIO((folder / "manifest.csv").read_text("utf-8-sig")))}
    assert statuses == {"Đồng Tân": "không đổi", "Quyết Thắng": "đã sửa tay", "Thanh Hà": "cập nhật", "Thạnh Hà": "không đổi"}
    assert (folder / "xa-quyet-thang.docx").read_bytes() == edited

    result = run_cli(path, out, "--force")
    assert result.exit_code == 0, result.output
    assert (folder / "xa-quyet-thang.bak-1.docx").read_bytes() == edited
    assert "Đã bổ sung" not in letter_text(folder / "xa-quyet-thang.docx")


def test_dry_run_writes_nothing(tmp_path):
    result = run_cli(make(tmp_path), tmp_path / "out", "--dry-run")
    assert result.exit_code == 0 and "Chạy thử" in result.output and "xa-quyet-thang.docx" in result.output
    assert not (tmp_path / "out").exists()


def test_bad_rows_are_reported_and_the_rest_written(tmp_path):
    (tmp_path / "bang.csv").write_text("Xã,1,2,3,25\nMinh Tiến,x,x,,\n,x,,,\nCai Kinh,x,ok,,\nYên Thịnh,,,,x\n",
                                       encoding="utf-8")
    path = make(tmp_path, "  bang: bang.csv\n")
    result = run_cli(path, tmp_path / "out", "-j", "2")
    assert result.exit_code == 2, result.output
    assert "bang.csv, hàng 3, cột 1: thiếu tên xã" in result.output
    assert "bang.csv, hàng 4, cột 3: «ok» không phải dấu đánh giá hợp lệ" in result.output
    assert "hàng 5, cột 5" in result.output and "không có tiêu chí số 25" in result.output
    assert "Traceback" not in result.output
    folder = tmp_path / "out" / "thu-nghiem"
    assert (folder / "xa-minh-tien.docx").exists() and not (folder / "xa-cai-kinh.docx").exists()


def test_excel_table_campaign(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["TT", "Tên xã", *[str(i) for i in range(1, 20)], "Hạn"])
    ws.append([1, "Minh Tiến", *(["x"] * 18), None, None])
    ws.append([2, "Quyết Thắng", "Đạt", *([None] * 18), "30/11/2024"])
    book.save(tmp_path / "bang.xlsx")
    result = run_cli(make(tmp_path, "  bang: bang.xlsx\n"), tmp_path / "out")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "thu-nghiem"
    assert "- Xã Minh Tiến đạt 18/19 tiêu chí" in letter_text(folder / "xa-minh-tien.docx")
    assert "trước ngày 30/11/2024" in letter_text(folder / "xa-quyet-thang.docx")


def test_letter_problems_are_found_once_with_their_line(tmp_path):
    path = make(tmp_path)
    path.write_text(path.read_text("utf-8").replace("ho_ten: Dương Thị Hạnh", 'ho_ten: ""'), "utf-8")
    result = run_cli(path, tmp_path / "out")
    assert result.exit_code == 2 and result.output.count("thu.nguoi_ky.ho_ten") == 1
    line = next(i for i, text in enumerate(path.read_text("utf-8").splitlines(), 1) if "nguoi_ky:" in text)
    assert f"dòng {line}" in result.output and not (tmp_path / "out").exists()
    path.write_text(campaign_yaml(INLINE).replace(ASSIGN, ASSIGN.replace("    19: Sở số 19", "")), "utf-8")
    result = run_cli(path, tmp_path / "out")
    assert result.exit_code == 2 and "chưa phân công đơn vị phụ trách tiêu chí số 19" in result.output


def test_combined_docx_is_what_the_letters_say(tmp_path):
    campaign = load_campaign(EXAMPLE)
    report = bulk.run(campaign, tmp_path, jobs=2)
    assert not report.problems and report.count("mới") == 6
    overview = Document(report.folder / "tong-hop.docx")
    assert len(overview.sections) == 2 and overview.tables[-1].rows[0].cells[1].text == "Xã"


# The run killed after its 100th letter: the collector says so on stdout (a handshake, no polling of the folder)
# and then waits; the test kills the whole tree, the collector and its pool's workers, which would go on writing.
KILLED_BULK = """
import sys, time
from generator.cli import main
from generator.write import output

record, seen = output.Manifest.record, [0]

def counting(self, *args):
    record(self, *args)
    seen[0] += 1
    if seen[0] == 100:
        print("ready", flush=True)
        time.sleep(600)  # until the test kills the process tree

output.Manifest.record = counting
main(["build", sys.argv[1], "-o", sys.argv[2], "-j", "2"])
"""


def _running(process) -> bool:
    """Still running (a zombie waiting for its parent to reap it counts as ended)."""
    import psutil

    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.mark.skipif(sys.platform != "linux", reason="kills a process tree with SIGKILL")
def test_interrupted_run_leaves_no_partial_file_and_resumes(tmp_path):
    import psutil

    rows = ["Xã," + ",".join(str(i) for i in range(1, 20))]
    rows += [f"Xã thử {i}," + ",".join("x" if (i + n) % 3 else "" for n in range(19)) for i in range(1500)]
    (tmp_path / "bang.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    path = make(tmp_path, "  bang: bang.csv\n")
    out = tmp_path / "out"
    folder = out / "thu-nghiem"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, "-c", KILLED_BULK, str(path), str(out)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = proc.stdout.readline()  # blocks until the 100th letter is recorded, or the run ends
        assert line == b"ready\n", proc.stderr.read().decode("utf-8", "replace")[-2000:]
        collector = psutil.Process(proc.pid)
        workers = collector.children(recursive=True)
        assert workers, "the run has no worker processes"
        collector.kill()  # first, so no worker is replaced
        for worker in workers:
            try:
                worker.kill()
            except psutil.NoSuchProcess:
                pass
        proc.wait(timeout=30)  # the collector is our child: reaped here
        deadline = time.monotonic() + 30
        alive = list(workers)
        while alive and time.monotonic() < deadline:  # polled through psutil.Process: no os.kill(pid, 0)
            alive = [w for w in alive if _running(w)]
            time.sleep(0.05)
        assert not alive
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    written = list(folder.glob("xa-*.docx"))
    assert 100 <= len(written) < 1500
    for letter in written:
        assert zipfile.ZipFile(letter).testzip() is None  # whole files only
    result = run_cli(path, out)
    assert result.exit_code == 0, result.output
    statuses = {r["trang_thai"] for r in csv.DictReader(io.StringIO((folder / "manifest.csv").read_text("utf-8-sig")))}
    assert statuses <= {"mới", "không đổi"} and len(list(folder.glob("xa-*.docx"))) == 1500
    assert "không đổi" in result.output and not list(folder.glob(".*.tmp"))


@pytest.mark.skipif(sys.platform != "linux" or not hasattr(os, "fork"), reason="uses a pseudo-terminal (pty.fork)")
def test_progress_bar_on_a_terminal_only(tmp_path):
    import pty

    path = make(tmp_path)
    argv = [sys.executable, "-m", "generator", "build", str(path), "-o", str(tmp_path / "tty")]
    pid, fd = pty.fork()
    if pid == 0:  # child: stdout and stderr are the terminal
        os.execv(sys.executable, argv)
    chunks = []
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    _, status = os.waitpid(pid, 0)
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert os.waitstatus_to_exitcode(status) == 0, shown
    assert "Đang dựng thư" in shown
    piped = subprocess.run([*argv[:-1], str(tmp_path / "pipe")], capture_output=True, text=True)
    assert piped.returncode == 0 and "Đang dựng thư" not in piped.stderr + piped.stdout


def test_campaign_pdf_and_combined_pdf(tmp_path):
    import shutil as _shutil

    if _shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) không có trên máy này")
    import pikepdf

    result = run_cli(make(tmp_path), tmp_path / "out", "--pdf")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "thu-nghiem"
    letters = sorted(folder.glob("xa-*.pdf"))
    assert len(letters) == 4
    pages = sum(len(pikepdf.open(p).pages) for p in letters)
    with pikepdf.open(folder / "tat-ca.pdf") as combined:
        assert len(combined.pages) == pages
    assert "tat-ca.pdf" in result.output
    before = (folder / "tat-ca.pdf").read_bytes()
    (folder / "xa-dong-tan.pdf").unlink()  # one PDF lost: made again, the rest kept
    again = run_cli(make(tmp_path), tmp_path / "out", "--pdf")
    assert again.exit_code == 0 and (folder / "xa-dong-tan.pdf").exists()
    assert (folder / "tat-ca.pdf").read_bytes() == before  # same letters, same print file, byte for byte


def test_a_faulty_custom_template_stops_the_run_once(tmp_path):
    from hostile_support import with_payload

    template = with_payload("{{ 1/0 }}", tmp_path / "mau-loi.docx")
    path = make(tmp_path)
    path.write_text(path.read_text("utf-8").replace("thu:\n", f"thu:\n  mau: {template}\n"), "utf-8")
    result = run_cli(path, tmp_path / "out")
    assert result.exit_code == 3, result.output
    assert result.output.count("mau-loi.docx") == 1 and "ZeroDivisionError" in result.output
    assert not list((tmp_path / "out").rglob("xa-*.docx"))


def test_table_cells_get_the_same_text_checks_as_yaml(tmp_path):
    (tmp_path / "bang.csv").write_text("Xã,1\nMinh\u202eTiến,x\nNguyÔn HuÖ,x\nCai Kinh,x\n", encoding="utf-8")
    result = run_cli(make(tmp_path, "  bang: bang.csv\n"), tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert "bang.csv, hàng 2, cột 1" in result.output and "U+202E" in result.output
    assert "bang.csv, hàng 3, cột 1" in result.output and "TCVN3" in result.output
    assert (tmp_path / "out" / "thu-nghiem" / "xa-cai-kinh.docx").exists()


def test_hostile_excel_files_are_refused(tmp_path):
    import zipfile as _zip

    book = openpyxl.Workbook()
    book.active.append(["Xã", "1"])
    book.active.append(["Minh Tiến", "x"])
    book.save(tmp_path / "bang.xlsx")
    with _zip.ZipFile(tmp_path / "bang.xlsx") as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b"<worksheet", b'<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]><worksheet', 1)
    with _zip.ZipFile(tmp_path / "bang.xlsx", "w") as z:
        for n, b in parts.items():
            z.writestr(n, b)
    result = run_cli(make(tmp_path, "  bang: bang.xlsx\n"), tmp_path / "out")
    assert result.exit_code == 2 and "không đọc được tệp Excel" in result.output and "DOCTYPE" in result.output
    with _zip.ZipFile(tmp_path / "bang.xlsx", "w", _zip.ZIP_DEFLATED) as z:  # a zip bomb with the workbook's name
        for n, b in parts.items():
            z.writestr(n, b if n != sheet else b"<a/>" + b" " * (60 * 1024 * 1024))
    result = run_cli(make(tmp_path, "  bang: bang.xlsx\n"), tmp_path / "out")
    assert result.exit_code == 2 and "bom nén" in result.output and "Traceback" not in result.output


def test_overview_is_checked_before_any_letter_is_written(tmp_path):
    overview = textwrap.dedent("""\
        tong_hop:
          co_quan_ban_hanh: [ỦY BAN NHÂN DÂN, HUYỆN HỮU LŨNG]
          ky_hieu: UBND-NN
          dia_danh: Hữu Lũng
          ngay: 20/9/2024
          trich_yeu: báo cáo kết quả
          kinh_gui: UBND tỉnh Lạng Sơn
          noi_dung: [{tong_hop: tat_ca}, {ket_qua: [Quyết Thắng, Minh Tân]}]
          nguoi_ky: {quyen_han: Q., chuc_vu: [CHỦ TỊCH], ho_ten: Dương Thị Hạnh}
    """)
    path = make(tmp_path, extra=overview)
    result = run_cli(path, tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert "tong_hop.noi_dung[2].ket_qua[2]" in result.output and "xã «Minh Tân» không có" in result.output
    assert not (tmp_path / "out").exists()
    path.write_text(path.read_text("utf-8").replace(", Minh Tân]", "]"), "utf-8")
    result = run_cli(path, tmp_path / "out")
    assert result.exit_code == 0, result.output
    text = letter_text(tmp_path / "out" / "thu-nghiem" / "tong-hop.docx")
    assert "Trong 04 xã, có 01 xã đạt đủ các tiêu chí: Đồng Tân; 03 xã còn tiêu chí chưa đạt:" in text


# --- files held open by Word or Excel (Windows refuses to replace them) ----------------------------


def _held_open(monkeypatch, *names: str) -> list[str]:
    """Replacing any file called one of ``names`` fails as on Windows while Word or Excel has it open."""
    real = os.replace
    refused = []

    def replace(src, dst, *args, **kwargs):
        if Path(dst).name in names:
            refused.append(Path(dst).name)
            raise PermissionError(13, "The process cannot access the file because it is being used by another "
                                      "process", str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr("time.sleep", lambda _s: None)  # a retry before giving up need not wait in a test
    return refused


def _rows(folder: Path) -> dict[str, str]:
    return {r["xa"]: r["trang_thai"] for r in csv.DictReader(io.StringIO((folder / "manifest.csv").read_text("utf-8-sig")))}


def test_a_letter_open_in_word_waits_and_the_others_are_written(tmp_path, monkeypatch):
    path = make(tmp_path)
    out = tmp_path / "out"
    folder = out / "thu-nghiem"
    assert run_cli(path, out, "-j", "1").exit_code == 0
    before = (folder / "xa-quyet-thang.docx").read_bytes()
    path.write_text(path.read_text("utf-8").replace("han: 15/12/2024", "han: 20/12/2024"), "utf-8")  # every letter changes
    with monkeypatch.context() as patch:
        refused = _held_open(patch, "xa-quyet-thang.docx")
        result = run_cli(path, out, "-j", "1")
    assert refused and result.exit_code == 4, result.output
    assert "Lỗi nội bộ" not in result.output and "Traceback" not in result.output and "PermissionError" not in result.output
    assert "1 tệp đang mở trong Word hoặc Excel nên chưa ghi được (xa-quyet-thang.docx)" in result.output
    assert "Hãy đóng các tệp này trong Word/Excel rồi chạy lại lệnh" in result.output
    assert "1 cập nhật, 2 không đổi, 1 đang mở" in result.output
    assert (folder / "xa-quyet-thang.docx").read_bytes() == before  # the open file is left as it was
    assert "20/12/2024" in letter_text(folder / "xa-thanh-ha.docx")
    assert _rows(folder) == {"Đồng Tân": "không đổi", "Quyết Thắng": "đang mở", "Thanh Hà": "cập nhật",
                             "Thạnh Hà": "không đổi"}
    assert "trước ngày 20/12/2024" in "\n".join(p.text for p in Document(folder / "tat-ca.docx").paragraphs
                                                if "Quyết Thắng" in p.text)  # the print file has the new letter
    result = run_cli(path, out, "-j", "1")  # Word closed: the letter is brought up to date, nothing lost
    assert result.exit_code == 0, result.output
    assert _rows(folder) == {"Đồng Tân": "không đổi", "Quyết Thắng": "cập nhật", "Thanh Hà": "không đổi",
                             "Thạnh Hà": "không đổi"}
    assert "20/12/2024" in letter_text(folder / "xa-quyet-thang.docx")


@pytest.mark.parametrize("held", ["tat-ca.docx", "tong-hop.docx", "manifest.csv"])
def test_a_run_file_open_in_word_or_excel_keeps_the_letters(tmp_path, monkeypatch, held):
    shutil.copytree(ROOT / "inputs", tmp_path / "inputs")
    path = tmp_path / "inputs" / "chien-dich" / EXAMPLE.name
    out = tmp_path / "out"
    folder = out / "nhac-xa-2026"
    assert run_cli(path, out, "-j", "1").exit_code == 0
    before = (folder / held).read_bytes()
    first = {p.name: p.read_bytes() for p in folder.glob("xa-*.docx")}
    path.write_text(path.read_text("utf-8").replace("ngay: 20/11/2026", "ngay: 25/11/2026"), "utf-8")  # all change
    with monkeypatch.context() as patch:
        _held_open(patch, held)
        result = run_cli(path, out, "-j", "1")
    assert result.exit_code == 4, result.output
    assert f"1 tệp đang mở trong Word hoặc Excel nên chưa ghi được ({held})" in result.output
    assert "Hãy đóng các tệp này trong Word/Excel rồi chạy lại lệnh" in result.output
    assert "Lỗi nội bộ" not in result.output and "Traceback" not in result.output
    assert f"{held} [đang mở]" in result.output and "6 cập nhật" in result.output
    assert (folder / held).read_bytes() == before
    import json

    recorded = json.loads((folder / ".dispatch-manifest.json").read_text("utf-8"))["files"]
    from generator.write.output import sha256

    for letter in folder.glob("xa-*.docx"):  # every letter written is remembered
        assert letter.read_bytes() != first[letter.name] and recorded[letter.name] == sha256(letter.read_bytes())
    assert len(first) == 6
    result = run_cli(path, out, "-j", "1")  # closed: the next run finishes the job, letters untouched
    assert result.exit_code == 0 and "6 không đổi" in result.output, result.output
    assert (folder / held).read_bytes() != before


# --- xã and phường in one campaign ------------------------------------------------------------

WARD_SET = textwrap.dedent("""\
    id: tinh_x
    based_on: xa_ntm_2021_2025
    name: "Bộ tiêu chí tỉnh X giai đoạn 2021-2025"
    short_name: "xã nông thôn mới"
    applies_to: [xa, phuong]
    decision: {number: "12/QĐ-UBND", date: 2022-03-08, issuer: "Ủy ban nhân dân tỉnh X"}
    valid_from: 2022-03-08
    """)
WARDS = """\
  thu_muc_bo_tieu_chi: [bo]
  xa:
    - {ten: Phường Đông Kinh, bo_tieu_chi: tinh_x, dat: [1, 2]}
    - {ten: Đông Kinh, dat: [1]}
"""


def ward_campaign(tmp_path: Path, by_type: bool = True) -> Path:
    (tmp_path / "bo").mkdir(exist_ok=True)
    (tmp_path / "bo" / "tinh_x.yml").write_text(WARD_SET, encoding="utf-8")
    text = campaign_yaml(WARDS)
    if by_type:
        text = text.replace("xã {xa}", "{cap} {xa}").replace("Xã {xa}", "{ten_day_du}")
    path = tmp_path / "cd.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_ward_and_a_commune_of_one_name_get_their_own_letters(tmp_path):
    result = run_cli(ward_campaign(tmp_path), tmp_path / "out")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "thu-nghiem"
    ward = letter_text(folder / "phuong-dong-kinh.docx")
    assert "Kính gửi: Ủy ban nhân dân phường Đông Kinh" in ward
    # two sets in one campaign: the sentence names the set (module docstring of wording/sentences.py)
    assert "- Phường Đông Kinh đạt 02/19 tiêu chí nông thôn mới giai đoạn 2021-2025 gồm: Số 1 – Quy hoạch; Số 2 – " \
           "Giao thông." in ward
    assert "- Tiêu chí số 3 – Thủy lợi và phòng, chống thiên tai: Sở số 3 phụ trách, hướng dẫn và hỗ trợ phường Đông " \
           "Kinh hoàn thiện; hoàn thành trước ngày 15/12/2024." in ward
    assert "xã Đông Kinh" not in ward.lower()
    assert Document(folder / "phuong-dong-kinh.docx").core_properties.title == "V/v khắc phục tiêu chí của phường Đông Kinh"
    commune = letter_text(folder / "xa-dong-kinh.docx")
    assert "Kính gửi: Ủy ban nhân dân xã Đông Kinh" in commune and "- Xã Đông Kinh đạt 01/19 tiêu chí" in commune
    rows = list(csv.DictReader(io.StringIO((folder / "manifest.csv").read_text("utf-8-sig"))))
    assert [(r["xa"], r["tep"]) for r in rows if r["tep"].startswith(("xa-", "phuong-"))] == [
        ("Đông Kinh", "xa-dong-kinh.docx"), ("Phường Đông Kinh", "phuong-dong-kinh.docx")]  # xã first
    listed = run_cli(ward_campaign(tmp_path), tmp_path / "out", "--dry-run", "--force")
    assert "phường Đông Kinh" in listed.output and "xã Phường" not in listed.output
    assert bulk.file_names(["Phường Đông Kinh", "Đông Kinh", "Đặc khu Cô Tô"]) == {
        "Đông Kinh": "xa-dong-kinh.docx", "Phường Đông Kinh": "phuong-dong-kinh.docx",
        "Đặc khu Cô Tô": "dac-khu-co-to.docx"}


def test_a_letter_that_says_xa_before_the_name_is_refused_when_a_ward_gets_it(tmp_path):
    result = run_cli(ward_campaign(tmp_path, by_type=False), tmp_path / "out")
    assert result.exit_code == 2
    assert "thư ghi «xã {xa}» nhưng bảng có cả phường" in result.output
    assert not (tmp_path / "out").exists()
