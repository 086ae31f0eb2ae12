"""Bulk runs: one letter per commune, fast, and nothing lost.

- Every letter is rendered from one compiled template (``engine.py``); with
  ``jobs > 1`` several processes share the work. They are started with ``spawn`` on
  every platform (the only way on Windows, the default on macOS): each worker gets the
  campaign once, as the pool initializer's argument, and compiles the template from its
  path itself; a letter's task is then its commune's name and file. A worker whose parent
  was killed (``kill -9``, Task Manager) stops at once, quietly (``_die_with_parent``).
- Files are named from the commune (``xa-quyet-thang.docx``: python-slugify, which
  transliterates đ/Đ, so a slug holds nothing but ``a-z``, ``0-9`` and ``-``). Twins (two names
  with one slug) get ``_2``, ``_3`` in Vietnamese alphabetical order: ``_`` is never in a slug,
  so a twin's file (``xa-huu-lung_2.docx``) cannot be another commune's (``Huu Lung 2`` is
  ``xa-huu-lung-2.docx``): unique by construction.
- Each letter goes through the same stages as a single letter (``pipeline.template_for``: the
  same template resolution and checks; its annex, ``phu_luc``, included); a letter without an
  annex takes the fast path (one compiled template, parts zipped directly).
- One run per folder at a time (``output.folder_lock``); another run gets exit 4.
- The folder always matches the last finished run: a file of an earlier run that this run does
  not make (a commune that no longer gets a letter, ``tat-ca.docx`` when nothing is sent, a PDF
  whose letter changed without ``--pdf``) is removed if it is ours and unedited, else kept and
  reported (``Report.stale``). Workers journal each letter before moving it in, so after Ctrl-C
  or a kill the next run knows every letter it wrote and calls none "sửa tay".
- Every CSV cell goes through ``output.csv_cell`` (a commune called ``=HYPERLINK(…)`` is text).
- A letter that has not changed is not rewritten; one that someone edited in Word
  since it was generated (its hash is not the manifest's) is left alone unless
  ``force``, and then backed up first. Each written file is journalled at once, so
  an interrupted run (Ctrl-C, kill) resumes where it stopped on the next run.
- Rows with problems (an unknown criterion, an empty name) are reported with their
  row and column; the other letters are still written, and the run exits non-zero.
- A file held open by Word or Excel (a letter, ``tat-ca.docx``, ``tong-hop.docx``,
  ``manifest.csv``) cannot be replaced on Windows: it gets the status ``đang mở``, keeps
  its old content, and everything else is still written and recorded; the caller says
  which files to close (exit code 4).
- The run also writes ``tat-ca.docx`` (every letter from a new page, each with its
  own page numbering), ``manifest.csv`` (commune, file, status, SHA-256) and the
  overview dispatch ``tong-hop.docx`` when the campaign has one.
"""
from __future__ import annotations

import csv
import gc
import io
import multiprocessing
import os
import re
import signal
import threading
from collections.abc import Callable
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from slugify import slugify

from generator.bulk.campaign import Campaign, _Under
from generator.vi.collation import vi_sorted
from generator.assessments.results import label_of_key, unit_of_key
from generator.write.docx_zip import FIXED_TIME
from generator.exceptions import DispatchError, FileBusyError, InputError, OutputError, Problem, cannot_write, display_path
from generator.pipeline import render_dispatch, template_for, template_path
from generator.render.annex import build_annex
from generator.write.output import (EDITED, MANIFEST, NEW, UNCHANGED, Manifest, WriteResult, csv_cell, file_sha256,
                                    folder_lock, place, place_staged, remove_stale_temporaries, sha256,
                                    staging_file)
from generator.render.docx import compiled_template, context, render_docx, template_faults
from generator.render.sandbox import time_limit
from generator.render.engine import Properties

COMBINED = "tat-ca.docx"
OVERVIEW = "tong-hop.docx"
MANIFEST_CSV = "manifest.csv"
NOT_SENT = "không gửi"
FAILED = "lỗi"
BUSY = "đang mở"  # held open by Word/Excel: not replaced this time, the old file stays
UNWRITTEN = "không ghi được"  # the disk refused it (full, no permission)
_BUSY_ERRORS = (FileBusyError, PermissionError)  # PermissionError: what Windows says of a file in use


def file_names(names: list[str], presorted: bool = False) -> dict[str, str]:
    """Commune -> file name, unique, in Vietnamese alphabetical order for the numbering of twins."""
    taken: dict[str, int] = {}
    out = {}
    for name in names if presorted else vi_sorted(names):
        # the backend named: python-slugify's "auto" retries a missing optional import for every name
        unit, bare = unit_of_key(name)  # "Phường Đông Kinh" -> phuong-dong-kinh.docx, beside xa-dong-kinh.docx
        base = f"{unit.slug}-" + (slugify(bare, max_length=60, word_boundary=True, save_order=True,
                                          backend="text-unidecode") or "khong-ten")
        taken[base] = taken.get(base, 0) + 1
        out[name] = f"{base}.docx" if taken[base] == 1 else f"{base}_{taken[base]}.docx"  # "_": never in a slug
    return out


@dataclass
class Outcome:
    commune: str
    file: str
    status: str
    digest: str = ""
    error: str | None = None


@dataclass
class Report:
    folder: Path
    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    extra_files: list[tuple[str, str]] = field(default_factory=list)  # (file, status)
    busy: list[str] = field(default_factory=list)  # files held open by another program, not replaced
    unwritten: list[Problem] = field(default_factory=list)  # files not written: the disk refused, edited by hand
    removed: list[str] = field(default_factory=list)  # files of an earlier run this run does not make: removed
    stale: list[str] = field(default_factory=list)  # such files edited by hand: kept, and reported

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def edited(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == EDITED]


# --- one letter (runs in the worker processes) --------------------------------------------

_CAMPAIGN: Campaign | None = None
_FOLDER: Path | None = None
_TEMPLATE = None  # the compiled template of the run, in this process
_TEMPLATE_PATH: Path | None = None
_JOURNAL: Manifest | None = None  # this process's journal of the letters it moves in


def _template_path(campaign: Campaign) -> Path:
    """The letter's template, resolved and checked as for a single letter (``pipeline.template_for``)."""
    communes = list(campaign.assessments.communes.values())
    if not communes:  # no letter to validate: the field as written
        return template_path(campaign.letter.get("mau"), campaign.path, _letter_located(campaign))
    return template_for(campaign.dispatch_for(communes[0]), campaign.path, _letter_located(campaign))


def _letter_located(campaign: Campaign):
    return _Under(campaign.located, ("thu",))  # problems of the letter are located in the file's "thu" part


def render_letter(campaign: Campaign, name: str, template=None, template_path: Path | None = None
                  ) -> tuple[bytes, bytes]:
    """One commune's letter, through the stages of a single letter: (the DOCX, its document.xml)."""
    commune = campaign.assessments.communes[name]
    dispatch, letter = campaign.letter_for(commune)
    template_path = template_path or _template_path(campaign)
    template = template or compiled_template(template_path)
    if dispatch.annex is not None:  # the annex: python-docx appends it, as for a single letter
        annex = build_annex(dispatch, letter, campaign.assessments, _letter_located(campaign))
        data = render_docx(letter, dispatch.date.as_date(), template_path, annex)
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return data, z.read("word/document.xml")
    parts = template.render_parts(context(letter, template.prototypes),
                                  Properties(letter.title, letter.author, dispatch.date.as_date()))
    return template.zip(parts), parts["word/document.xml"]


def first_letter(campaign: Campaign) -> tuple[str, bytes]:
    """The commune whose letter comes first (Vietnamese alphabetical order, as in ``tat-ca.docx``) and that
    letter as DOCX bytes, built in memory: what ``dispatch text`` shows of a campaign file."""
    communes = campaign.assessments.communes
    names = [name for name in campaign.assessments.ordered_keys() if campaign.sends(communes[name])]
    if not names:
        raise InputError(Problem("chiến dịch không gửi thư cho xã nào nên không có thư để in", campaign.located.file))
    path = _template_path(campaign)
    with template_faults(path):
        docx, _ = render_letter(campaign, names[0], template_path=path)
    return names[0], docx


def _one(task: tuple[str, str, set, bool, bool]) -> tuple[Outcome, bytes | None]:
    """Render and write one letter; return the outcome and the letter's document.xml (for tat-ca.docx)."""
    name, file, recorded, force, dry_run = task
    try:
        with time_limit():  # one timer for the whole letter (its parts and sentences)
            data, document = render_letter(_CAMPAIGN, name, _TEMPLATE, _TEMPLATE_PATH)
    except Exception as exc:  # reported per letter; the others go on
        message = str(exc) if isinstance(exc, DispatchError) else f"{type(exc).__name__}: {exc}"
        return Outcome(name, file, FAILED, error=message), None
    try:
        digest = sha256(data)
        if not dry_run and digest not in recorded:
            _JOURNAL.journal(file, digest)  # before it goes in: a kill between the two leaves it known
        result: WriteResult = place(_FOLDER / file, data, recorded, force, dry_run, durable=False)
    except _BUSY_ERRORS:  # open in Word: this letter waits for the next run, the others go on
        return Outcome(name, file, BUSY), document
    except (OutputError, OSError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return Outcome(name, file, UNWRITTEN, error=cannot_write(why)), document
    return Outcome(name, file, result.status, result.digest), None if result.status == EDITED else document


def _first_letter(campaign: Campaign, name: str) -> None:
    """Render one letter before starting: a fault of the template stops the run here, once, as a
    TemplateError (exit code 3), instead of failing every letter the same way."""
    with template_faults(_TEMPLATE_PATH):
        render_letter(campaign, name, _TEMPLATE, _TEMPLATE_PATH)


def _setup(campaign: Campaign, folder: Path, template_path: Path, journal: Manifest | None = None) -> None:
    """What ``_one`` needs, in this process: the campaign, the output folder, the compiled template."""
    global _CAMPAIGN, _FOLDER, _TEMPLATE, _TEMPLATE_PATH, _JOURNAL
    _CAMPAIGN, _FOLDER, _TEMPLATE_PATH = campaign, folder, template_path
    _TEMPLATE = compiled_template(template_path)
    _JOURNAL = journal if journal is not None else Manifest.__new__(Manifest)
    if journal is None:  # a worker: only its own journal, no need to read the manifest
        _JOURNAL.folder, _JOURNAL.files, _JOURNAL.pending, _JOURNAL._journal = Path(folder), {}, {}, None


def _die_with_parent() -> None:
    """In a worker: wait for the parent to end, then stop at once, quietly. A parent killed (Task Manager,
    ``kill -9``) cannot stop its pool; without this its workers went on writing and printing tracebacks.
    ``parent_process().join()`` waits on the parent's handle (Windows) or pipe (POSIX)."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        parent.join()
        os._exit(0)  # a letter being written stays a hidden temporary file, removed by the next run


def _quiet_tracker() -> None:
    """POSIX: start multiprocessing's resource tracker with its English "leaked semaphore" warning off
    (it prints it when the run was killed: the semaphores die with the run, nothing is lost)."""
    if os.name != "posix":
        return
    from multiprocessing import resource_tracker

    old = os.environ.get("PYTHONWARNINGS")
    os.environ["PYTHONWARNINGS"] = "ignore:resource_tracker:UserWarning" + (f",{old}" if old else "")
    try:
        resource_tracker.ensure_running()
    finally:
        if old is None:
            del os.environ["PYTHONWARNINGS"]
        else:
            os.environ["PYTHONWARNINGS"] = old


def _worker_init(campaign: Campaign, folder: Path, template_path: Path) -> None:
    """A spawned worker starts from nothing: it gets the campaign once (pickled) and compiles the template."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    threading.Thread(target=_die_with_parent, daemon=True).start()
    _setup(campaign, folder, template_path)
    gc.freeze()  # the campaign and the template live for the whole run: the collector need not scan them


# --- the run --------------------------------------------------------------------------------

def run(campaign: Campaign, out_root: Path, jobs: int = 1, force: bool = False, dry_run: bool = False,
        progress=None, pdf: bool = False) -> Report:
    """Write every letter of ``campaign`` under ``out_root/<campaign name>/``, holding the folder's lock.

    ``pdf``: PDFs follow this run (the caller converts them next), so the letters' PDFs are not stale."""
    folder = out_root / campaign.name
    if dry_run:
        return _run(campaign, folder, jobs, force, dry_run, progress, pdf)
    with folder_lock(folder):
        return _run(campaign, folder, jobs, force, dry_run, progress, pdf)


def _run(campaign: Campaign, folder: Path, jobs: int, force: bool, dry_run: bool, progress, pdf: bool) -> Report:
    report = Report(folder, problems=list(campaign.assessments.problems))
    communes = campaign.assessments.communes
    order = campaign.assessments.ordered_keys()  # xã, then phường, each in dictionary order: files, print file, manifest
    rank = {name: i for i, name in enumerate(order)}
    names = file_names(order, presorted=True)
    manifest = Manifest(folder)
    tasks, skipped = [], []
    for name in order:
        if campaign.sends(communes[name]):
            tasks.append((name, names[name], manifest.known(names[name]), force, dry_run))
        else:
            skipped.append(Outcome(name, "", NOT_SENT))
    template_path = _template_path(campaign)
    _setup(campaign, folder, template_path, manifest)
    if tasks:
        _first_letter(campaign, tasks[0][0])
    if not dry_run:
        folder.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(folder)  # left by a run that was killed mid-write
    results: dict[str, Outcome] = {}
    pool = None
    combined = None if dry_run or not tasks else Combined(staging_file(folder, COMBINED), campaign, template_path)
    try:
        if jobs > 1 and len(tasks) > 1:
            _quiet_tracker()
            pool = multiprocessing.get_context("spawn").Pool(
                min(jobs, len(tasks)), initializer=_worker_init, initargs=(campaign, folder, template_path))
            stream = pool.imap(_one, tasks, chunksize=max(1, min(64, len(tasks) // (jobs * 8) or 1)))
        else:
            stream = map(_one, tasks)
        for outcome, document in stream:
            results[outcome.commune] = outcome
            if outcome.status not in (FAILED, EDITED, BUSY, UNWRITTEN) and not dry_run:
                manifest.record(outcome.file, outcome.digest)
            if combined is not None and outcome.status != FAILED:
                path = folder / outcome.file
                if document is not None:  # rendered now; a letter not replaced (open in Word) is not a source
                    combined.add(document, path if outcome.status not in (BUSY, UNWRITTEN) else None)
                else:  # edited by hand: printed as it is
                    combined.add(_document_of(path), path)
            if progress:
                progress(outcome)
    except BaseException:
        if combined is not None:
            combined.abandon()
        raise
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        if not dry_run and folder.exists():
            _busy_guard(report, MANIFEST, manifest.save)  # also on Ctrl-C: what was written is remembered
    report.outcomes = sorted(list(results.values()) + skipped, key=lambda o: rank[o.commune])
    for outcome in report.outcomes:
        if outcome.status == BUSY:
            report.busy.append(outcome.file)
        elif outcome.status == UNWRITTEN:
            report.unwritten.append(Problem(outcome.error, display_path(folder / outcome.file)))
        elif outcome.error:
            report.problems.append(Problem(f"không dựng được thư cho {label_of_key(outcome.commune)}: {outcome.error}"))
    if not dry_run:
        if combined is not None and combined.close():
            try:
                _busy_guard(report, COMBINED, lambda: _keep(report, manifest, folder / COMBINED, combined.path, force))
            finally:
                combined.path.unlink(missing_ok=True)
        _write_extras(campaign, report, manifest, force, pdf)
    return report


def _busy_guard(report: Report, name: str, write: Callable[[], object]) -> bool:
    """Run ``write`` (which replaces the file ``name``); a file held open elsewhere is noted, not fatal."""
    try:
        write()
        return True
    except _BUSY_ERRORS:
        if name not in report.busy:
            report.busy.append(name)
            if name not in (MANIFEST, MANIFEST_CSV):  # the caller names manifest.csv itself
                report.extra_files.append((name, BUSY))
        return False
    except OSError as exc:  # a folder in its place, a full disk: an output problem (exit code 4), the rest stays
        report.unwritten.append(Problem(cannot_write(exc.strerror or str(exc)), display_path(report.folder / name)))
        return False


def _document_of(path: Path) -> bytes:
    with zipfile.ZipFile(path) as letter:
        return letter.read("word/document.xml")


def _write_extras(campaign: Campaign, report: Report, manifest: Manifest, force: bool, pdf: bool) -> None:
    folder = report.folder
    made = {o.file for o in report.outcomes if o.file}
    if campaign.overview is not None:
        _, data = render_dispatch(campaign.overview, campaign.assessments, campaign.path, campaign.overview_located)
        staged = staging_file(folder, OVERVIEW)
        try:
            staged.write_bytes(data)
            _busy_guard(report, OVERVIEW, lambda: _keep(report, manifest, folder / OVERVIEW, staged, force))
        finally:
            staged.unlink(missing_ok=True)
        made.add(OVERVIEW)
    if any(name == COMBINED for name, _ in report.extra_files):
        made.add(COMBINED)
    _remove_stale(report, manifest, made, pdf)
    rows = [("xa", "tep", "trang_thai", "sha256")]
    rows += [(o.commune, o.file, o.status, o.digest) for o in report.outcomes]
    rows += [("", name, STALE, "") for name in report.stale]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([[csv_cell(v) for v in row] for row in rows])
    # Excel reads UTF-8 with a BOM; a manifest.csv open in Excel keeps its old rows (the hashes are in MANIFEST).
    # manifest.csv is ours like a letter: one a clerk annotated is kept (and reported) unless --force.
    staged = staging_file(folder, MANIFEST_CSV)
    try:
        staged.write_bytes(buf.getvalue().encode("utf-8-sig"))
        _busy_guard(report, MANIFEST_CSV, lambda: _keep(report, manifest, folder / MANIFEST_CSV, staged, force,
                                                        listed=False))
    finally:
        staged.unlink(missing_ok=True)
    _busy_guard(report, MANIFEST, manifest.save)


STALE = "cũ, đã sửa tay"  # a file of an earlier run, edited by hand: kept, not part of this run


def _remove_stale(report: Report, manifest: Manifest, made: set[str], pdf: bool) -> None:
    """Files an earlier run wrote that this run does not make: removed if ours and unedited, else reported."""
    folder = report.folder
    unchanged = {o.file for o in report.outcomes if o.status == UNCHANGED}
    unchanged |= {name for name, status in report.extra_files if status == UNCHANGED}
    for name in sorted(set(manifest.files) | set(manifest.pending)):
        if name in made or name == MANIFEST_CSV:
            continue
        stem, suffix = name.rpartition(".")[::2]
        if suffix == "pdf" and f"{stem}.docx" in made and (pdf or f"{stem}.docx" in unchanged):
            continue  # the PDF of a letter of this run: kept (unchanged) or replaced next (--pdf)
        path = folder / name
        if not os.path.lexists(path):
            manifest.forget(name)
            continue
        try:
            ours = path.is_file() and not path.is_symlink() and manifest.ours(name, file_sha256(path))
            if ours:
                path.unlink()
        except OSError:
            ours = False
        if ours:
            manifest.forget(name)
            report.removed.append(name)
        else:
            report.stale.append(name)


def _keep(report: Report, manifest: Manifest, path: Path, staged: Path, force: bool, listed: bool = True) -> None:
    """Move the file built at ``staged`` to ``path`` under the same rules as a letter."""
    result = place_staged(path, staged, manifest.known(path.name), force)
    if result.status == EDITED:  # refused to protect someone's edits: an output matter (exit code 4)
        report.unwritten.append(Problem("tệp đã bị sửa tay nên không ghi đè (dùng --force)", display_path(path)))
    else:
        manifest.record(path.name, result.digest)
    if listed:
        report.extra_files.append((path.name, result.status))


# --- the combined print file -------------------------------------------------------------------

_BODY_OPEN = re.compile(rb"<w:body[^>]*>")
_PGMAR = re.compile(rb"(<w:pgMar[^>]*/>)")
_PARAGRAPH_END = b"</w:pPr></w:p>"


def _own_numbering(sect: bytes) -> bytes:
    """Page numbers of this letter start at 1 (and stay hidden on its first page: titlePg)."""
    sect = re.sub(rb"<w:pgNumType[^>]*/>", b"", sect)
    return _PGMAR.sub(rb'\1<w:pgNumType w:start="1"/>', sect, count=1)


def _letter_body(document: bytes, last: bool) -> bytes:
    """The body's content; unless ``last``, its section properties end its last paragraph."""
    start = _BODY_OPEN.search(document, 0, 4096).end()
    end = document.rindex(b"</w:body>")
    sect_at = document.rindex(b"<w:sectPr", start, end)
    content, sect = document[start:sect_at], _own_numbering(document[sect_at:end])
    if last:
        return content + sect
    if content.endswith(_PARAGRAPH_END):
        return content[: -len(_PARAGRAPH_END)] + sect + _PARAGRAPH_END
    return content + b"<w:p><w:pPr>" + sect + b"</w:pPr></w:p>"


class Combined:
    """``tat-ca.docx``: every letter from a new page, each with its own page numbering.

    All the letters come from one template, so they share styles, headers and footers:
    the template's parts serve for all, and only the bodies are joined, streamed into the
    zip as the letters arrive (linear time, memory of one letter; docxcompose, which
    peers.md measured, drops per-letter sections and is quadratic). One letter is held
    back because the last one keeps its section properties at the end of the body.
    """

    def __init__(self, path: Path, campaign: Campaign, template_path: Path):
        template = compiled_template(template_path)
        self.path = path
        self._parts = dict(template.parts)
        self._parts["docProps/core.xml"] = Properties(
            f"Tất cả thư — {campaign.name}", " ".join(campaign.letter.get("co_quan_ban_hanh") or [])
            if isinstance(campaign.letter.get("co_quan_ban_hanh"), list)
            else str(campaign.letter.get("co_quan_ban_hanh", "")), campaign.date).xml()
        self._names = sorted(self._parts, key=lambda n: (n != "[Content_Types].xml", n))
        self._split = self._names.index("word/document.xml")
        self._held: bytes | None = None
        self._first: Path | None = None
        self._zip = None
        self._stream = None

    def _open(self, document: bytes) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._zip = zipfile.ZipFile(self.path, "w")
        for name in self._names[: self._split]:
            self._zip.writestr(self._info(name), self._parts[name])
        self._stream = self._zip.open(self._info("word/document.xml"), "w")
        self._stream.write(document[: _BODY_OPEN.search(document, 0, 4096).end()])

    @staticmethod
    def _info(name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, FIXED_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info._compresslevel = 1  # a big file made once per run: speed over a few percent of size
        return info

    def add(self, document: bytes, path: Path | None) -> None:
        """Append one letter (its document.xml); ``path`` is its file (None: not written), whose rendered
        footers serve all."""
        if self._zip is None:
            self._open(document)
        if self._first is None:
            self._first = path  # the first letter on disk: its rendered headers and footers serve all
        if self._held is not None:
            self._stream.write(_letter_body(self._held, last=False))
        self._held = document

    def close(self) -> bool:
        """Finish the file; False when there was no letter."""
        if self._zip is None:
            return False
        self._stream.write(_letter_body(self._held, last=True))
        self._stream.write(b"</w:body></w:document>")
        self._stream.close()
        rendered = {}
        if self._first is not None and self._first.exists():
            with zipfile.ZipFile(self._first) as first:
                rendered = {n: first.read(n) for n in first.namelist() if re.match(r"word/(header|footer)", n)}
        for name in self._names[self._split + 1:]:
            self._zip.writestr(self._info(name), rendered.get(name, self._parts[name]))
        self._zip.close()
        return True

    def abandon(self) -> None:
        if self._zip is not None:
            try:
                if self._stream is not None:
                    self._stream.close()
                self._zip.close()
            except Exception:
                pass
        self.path.unlink(missing_ok=True)


def counts_line(report: Report) -> str:
    parts = []
    for status in (NEW, "cập nhật", UNCHANGED, "ghi đè", EDITED, BUSY, UNWRITTEN, NOT_SENT, FAILED):
        n = report.count(status)
        if n:
            parts.append(f"{n} {status}")
    return ", ".join(parts) or "không có thư nào"


def print_table(report: Report, dry_run: bool) -> str:
    lines = []
    for o in report.outcomes:
        lines.append(f"  {o.file or '-':40s} {o.status:12s} {label_of_key(o.commune)}")
    return "\n".join(lines)

