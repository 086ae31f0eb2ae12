"""Bulk runs: one letter per commune, fast, and nothing lost.

- Every letter is rendered from one compiled template (``engine.py``); with
  ``jobs > 1`` several processes share the work. They are started with ``spawn`` on
  every platform (the only way on Windows, the default on macOS): each worker gets the
  campaign once, as the pool initializer's argument, and compiles the template from its
  path itself; a letter's task is then its commune's name and file. A worker whose parent
  was killed (``kill -9``, Task Manager) stops at once, quietly (``_die_with_parent``).
- Memory stays flat in the table's size (benchmarks/bulk.py measures 1,000 to 50,000 communes):
  when every block of the letter speaks of its own commune (``xa_nay``), a worker's campaign holds
  one commune per criteria set (so the letter's sets, which sentences name, are the same) and each
  task brings its commune (``_slim``); tasks are made as the pool takes them, at most a window of
  letters is in flight (``_Window``), outcomes arrive in order and are merged with the communes not
  sent, and ``manifest.csv`` is written row by row. The parent keeps of each letter, while the workers
  run, only its digest and a status byte (the ``Outcome`` objects are made once they are gone), with the
  run's own strings (a worker's copies are let go), and sends a task's commune as a copy (pickling gives
  an instance a ``__dict__`` of its own, which the campaign's commune kept).
- Files are named from the commune (``xa-quyet-thang.docx``: python-slugify, which
  transliterates đ/Đ, so a slug holds nothing but ``a-z``, ``0-9`` and ``-``). Twins (two names
  with one slug) get ``_2``, ``_3`` in Vietnamese alphabetical order: ``_`` is never in a slug,
  so a twin's file (``xa-huu-lung_2.docx``) cannot be another commune's (``Huu Lung 2`` is
  ``xa-huu-lung-2.docx``): unique by construction.
- Each letter goes through the same stages as a single letter (``pipeline.template_for``: the
  same template resolution and checks; its annex, ``phu_luc``, included); a letter without an
  annex takes the fast path (one compiled template, parts zipped directly), where what the letter
  shares with the first one (the letterhead, the signature, every paragraph that is the same) is
  taken from it as the whole pass made it (``render/blocks.py``): only what names the commune is
  parsed and written again.
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
- The run also writes the print file (``print_file.py``): every letter from a new page, each with its
  own page numbering, in volumes of ``VOLUME_LETTERS`` letters (``tat-ca.docx`` alone, else
  ``tat-ca-001.docx``… and their index ``tat-ca-muc-luc.csv``); volumes of an earlier run this run does not
  make are removed like any stale file; ``manifest.csv`` (commune, file, status, SHA-256) and the
  overview dispatch ``tong-hop.docx`` when the campaign has one.
"""
from __future__ import annotations

import csv
import dataclasses
import gc
import io
import itertools
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from slugify import slugify

from generator.bulk.campaign import BODY_FIELDS, THIS_COMMUNE, Campaign, _Under
from generator.vi.collation import vi_sorted
from generator.assessments.results import label_of_key, unit_of_key
from generator.exceptions import DispatchError, FileBusyError, InputError, OutputError, Problem, cannot_write, display_path
from generator.geometry.measure import letterhead_warnings
from generator.pipeline import render_dispatch, template_for, template_path
from generator.render.annex import build_annex
from generator.write.output import (EDITED, MANIFEST, NEW, OVERWRITTEN, UNCHANGED, UPDATED, Manifest, WriteResult,
                                    csv_cell, file_sha256, folder_lock, place, place_staged,
                                    remove_stale_temporaries, sha256, staging_file)
from generator.render.docx import compiled_template, context, render_docx, template_faults
from generator.render.sandbox import time_limit
from generator.render.engine import Properties
from generator.bulk.print_file import PRINT_INDEX, PRINT_PDF, Combined, PrintVolumes, is_print_file  # noqa: F401

OVERVIEW = "tong-hop.docx"
MANIFEST_CSV = "manifest.csv"
NOT_SENT = "không gửi"
FAILED = "lỗi"
BUSY = "đang mở"  # held open by Word/Excel: not replaced this time, the old file stays
UNWRITTEN = "không ghi được"  # the disk refused it (full, no permission)
_BUSY_ERRORS = (FileBusyError, PermissionError)  # PermissionError: what Windows says of a file in use


def file_names(names: list[str], presorted: bool = False) -> dict[str, str]:
    """Commune -> file name, unique, in Vietnamese alphabetical order for the numbering of twins.

    The names given are remembered as the very strings of the result (``made``); only a name with twins
    gets a counter: a counter per name, its own string, grew a big run's memory for nothing."""
    made: set[str] = set()
    twins: dict[str, int] = {}  # base -> files made from it, for the bases that have twins
    out = {}
    for name in names if presorted else vi_sorted(names):
        # the backend named: python-slugify's "auto" retries a missing optional import for every name
        unit, bare = unit_of_key(name)  # "Phường Đông Kinh" -> phuong-dong-kinh.docx, beside xa-dong-kinh.docx
        base = f"{unit.slug}-" + (slugify(bare, max_length=60, word_boundary=True, save_order=True,
                                          backend="text-unidecode") or "khong-ten")
        file = f"{base}.docx"
        if file in made:  # a twin: numbered in order, after "_", which is never in a slug
            twins[base] = twins.get(base, 1) + 1
            file = f"{base}_{twins[base]}.docx"
        made.add(file)
        out[name] = file
    return out


@dataclass(slots=True)
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
    print_files: list[str] = field(default_factory=list)  # the print file's volumes this run made, in order

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
_JOURNAL_REMEMBERS = True  # a worker's journal only writes its lines: the parent keeps the hashes


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


def letterhead_warnings_of(campaign: Campaign) -> list[str]:
    """``check`` and ``build`` of a campaign: the findings of its letter's letterhead (a word alone on a
    line, a line too wide, a rule outside 1/3-1/2), read on its first letter: the issuing organ is the
    campaign's, the same in every commune's letter. Fields and lines are those of ``thu`` in the file."""
    communes = campaign.assessments.communes
    if not any(campaign.sends(c) for c in communes.values()):
        return []
    name, docx = first_letter(campaign)
    return letterhead_warnings(campaign.dispatch_for(communes[name]), docx, campaign.located, ("thu",))


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


def _one(task: tuple) -> tuple[Outcome, bytes | None]:
    """Render and write one letter; return the outcome and the letter's document.xml (for tat-ca.docx).

    ``task``: (commune, file, recorded hashes, force, dry_run[, the commune's assessment]); the last is
    given to a worker holding a slim campaign (``_slim``), which puts it in its table for this letter."""
    name, file, recorded, force, dry_run = task[:5]
    communes = _CAMPAIGN.assessments.communes
    added = len(task) > 5 and name not in communes
    if added:
        communes[name] = task[5]
    try:
        with time_limit():  # one timer for the whole letter (its parts and sentences)
            data, document = render_letter(_CAMPAIGN, name, _TEMPLATE, _TEMPLATE_PATH)
    except Exception as exc:  # reported per letter; the others go on
        message = str(exc) if isinstance(exc, DispatchError) else f"{type(exc).__name__}: {exc}"
        return Outcome(name, file, FAILED, error=message), None
    finally:
        if added:
            del communes[name]
    try:
        digest = sha256(data)
        if not dry_run and digest not in recorded:
            _JOURNAL.journal(file, digest, remember=_JOURNAL_REMEMBERS)  # before it goes in: a kill between the two leaves it known
        result: WriteResult = place(_FOLDER / file, data, recorded, force, dry_run, durable=False, digest=digest)
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
    global _CAMPAIGN, _FOLDER, _TEMPLATE, _TEMPLATE_PATH, _JOURNAL, _JOURNAL_REMEMBERS
    _CAMPAIGN, _FOLDER, _TEMPLATE_PATH = campaign, folder, template_path
    _TEMPLATE = compiled_template(template_path)
    _JOURNAL_REMEMBERS = journal is not None
    _JOURNAL = journal if journal is not None else Manifest.__new__(Manifest)
    if journal is None:  # a worker: only its own journal, no need to read the manifest
        _JOURNAL.folder, _JOURNAL.files, _JOURNAL.pending, _JOURNAL._journal = Path(folder), {}, {}, None
    gc.freeze()  # the campaign and the template live for the whole run: the collector need not scan them (in a
    # worker, and in the run itself when it writes the letters: a collection went through every commune's data)


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


def _slim(campaign: Campaign) -> Campaign | None:
    """The campaign as a worker needs it when each letter speaks of its own commune only: the table holds
    one commune of each criteria set (the letter's sets, which its sentences name when they could be
    mistaken, stay the same) and each task brings its commune. Memory then stays flat in the table's size:
    every worker held the whole table. None when the letter needs the table (an annex, a block naming other
    communes or ``tat_ca``): the workers then get all of it."""
    letter = campaign.letter
    if "phu_luc" in letter:
        return None
    for field_ in BODY_FIELDS:
        for block in letter.get(field_) or []:
            if isinstance(block, dict) and not (len(block) == 1 and next(iter(block.values())) == THIS_COMMUNE):
                return None
            if not isinstance(block, (str, dict)):
                return None
    table = campaign.assessments
    kept: dict = {}
    seen = set()
    for key, commune in table.communes.items():
        if commune.criteria_set.id not in seen:
            seen.add(commune.criteria_set.id)
            kept[key] = commune
    return dataclasses.replace(campaign, assessments=dataclasses.replace(table, communes=kept, problems=()))


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


_NOTHING_RECORDED: frozenset = frozenset()


def _tasks(order: list[str], sent: list[bool], files: dict[str, str], manifest: Manifest, force: bool,
           dry_run: bool, communes: dict | None = None):
    """The letters to write, one task each, made as the pool takes them (a list of them grew with the
    table); ``communes``: each task brings its commune (workers with a slim campaign, ``_slim``), as a copy:
    pickling an instance makes its ``__dict__`` a dict object of its own (CPython keeps an instance's
    attributes without one until it is asked for), which the campaign's commune then kept for the whole run."""
    for name, sends in zip(order, sent):
        if sends:
            file = files[name]
            task = (name, file, manifest.known(file) or _NOTHING_RECORDED, force, dry_run)
            yield task + (dataclasses.replace(communes[name]),) if communes is not None else task


class _Window:
    """At most ``size`` letters handed to the workers and not yet taken back: a parent slower than its
    workers (a busy disk for the print file) would otherwise let their results pile up in memory.
    The pool's task thread waits here; ``stop`` lets it go when the run ends early."""

    def __init__(self, size: int):
        self._free = threading.Semaphore(size)
        self._stopped = False

    def feed(self, tasks):
        for task in tasks:
            while not self._free.acquire(timeout=0.1):
                if self._stopped:
                    return
            if self._stopped:
                return
            yield task

    def done(self) -> None:
        self._free.release()

    def stop(self) -> None:
        self._stopped = True


def _run(campaign: Campaign, folder: Path, jobs: int, force: bool, dry_run: bool, progress, pdf: bool) -> Report:
    report = Report(folder, problems=list(campaign.assessments.problems))
    communes = campaign.assessments.communes
    order = campaign.assessments.ordered_keys()  # xã, then phường, each in dictionary order: files, print file, manifest
    files = file_names(order, presorted=True)
    sent = [campaign.sends(communes[name]) for name in order]
    count = sum(sent)
    manifest = Manifest(folder)
    template_path = _template_path(campaign)
    _setup(campaign, folder, template_path, manifest)
    if count:
        _first_letter(campaign, next(name for name, s in zip(order, sent) if s))
    if not dry_run:
        folder.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(folder)  # left by a run that was killed mid-write
    pool = window = None
    combined = None if dry_run or not count else PrintVolumes(folder, campaign, template_path, count)
    # per commune, in order, while the workers run: None (not sent), the digest of a letter written (its status
    # in ``written``), or its Outcome (a letter that failed, was not written or was edited by hand); the
    # outcomes are made when the workers are gone (``_outcomes``): an object a letter grew the run with the table
    kept: list = []
    written = bytearray()
    try:
        if jobs > 1 and count > 1:
            _quiet_tracker()
            slim = _slim(campaign)
            chunk = max(1, min(64, count // (jobs * 8) or 1))
            window = _Window(jobs * chunk * 4)
            tasks = window.feed(_tasks(order, sent, files, manifest, force, dry_run, communes if slim else None))
            pool = multiprocessing.get_context("spawn").Pool(
                min(jobs, count), initializer=_worker_init, initargs=(slim or campaign, folder, template_path))
            stream = pool.imap(_one, tasks, chunksize=chunk)
        else:
            stream = map(_one, _tasks(order, sent, files, manifest, force, dry_run))
        # the letters come back in the order they were given (imap keeps it): merged with those not sent
        at = 0
        for outcome, document in stream:
            if window is not None:
                window.done()
            while order[at] != outcome.commune:
                kept.append(None)
                written.append(0)
                at += 1
            _own_strings(outcome, order[at], files)
            code = _WRITTEN.get(outcome.status, 0) if outcome.error is None and outcome.digest else 0
            kept.append(outcome.digest if code else outcome)
            written.append(code)
            at += 1
            if outcome.status not in (FAILED, EDITED, BUSY, UNWRITTEN) and not dry_run:
                manifest.record(outcome.file, outcome.digest)
            if combined is not None and outcome.status != FAILED:
                if document is not None:  # rendered now; a letter not replaced (open in Word) is not a source
                    combined.add(document, outcome.file if outcome.status not in (BUSY, UNWRITTEN) else None,
                                 outcome.commune)
                else:  # edited by hand: printed as it is
                    combined.add(_document_of(folder / outcome.file), outcome.file, outcome.commune)
            if progress:
                progress(outcome)
    except BaseException:
        if combined is not None:
            combined.abandon()
        raise
    finally:
        if window is not None:
            window.stop()
        if pool is not None:
            pool.terminate()
            pool.join()
        if not dry_run and folder.exists():
            _busy_guard(report, MANIFEST, manifest.save)  # also on Ctrl-C: what was written is remembered
    report.outcomes = _outcomes(kept, written, order, files)
    for outcome in report.outcomes:
        if outcome.status == BUSY:
            report.busy.append(outcome.file)
        elif outcome.status == UNWRITTEN:
            report.unwritten.append(Problem(outcome.error, display_path(folder / outcome.file)))
        elif outcome.error:
            report.problems.append(Problem(f"không dựng được thư cho {label_of_key(outcome.commune)}: {outcome.error}"))
    if not dry_run:
        if combined is not None:
            _write_print_file(report, manifest, combined, force)
        _write_extras(campaign, report, manifest, force, pdf)
    return report


_STATUSES = {s: s for s in (NEW, UPDATED, UNCHANGED, OVERWRITTEN, EDITED, BUSY, UNWRITTEN, NOT_SENT, FAILED)}
_WRITTEN = {NEW: 1, UPDATED: 2, UNCHANGED: 3, OVERWRITTEN: 4}  # the statuses of a letter written, as a byte
_WRITTEN_STATUS = {code: status for status, code in _WRITTEN.items()}


def _outcomes(kept: list, written: bytearray, order: list[str], files: dict[str, str]) -> list[Outcome]:
    """The run's outcomes, in order, from what ``_run`` kept of each commune (the list is reused); the
    communes after the last letter were not sent."""
    kept.extend([None] * (len(order) - len(kept)))
    for i, item in enumerate(kept):
        name = order[i]
        if item is None:
            kept[i] = Outcome(name, "", NOT_SENT)
        elif i < len(written) and written[i]:
            kept[i] = Outcome(name, files[name], _WRITTEN_STATUS[written[i]], item)
    return kept


def _own_strings(outcome: Outcome, name: str, files: dict[str, str]) -> None:
    """An outcome from a worker holds its own copies of the commune, the file name and the status: it is
    kept for the whole run (the manifest, the report), so it takes the run's own (equal) strings instead,
    and the copies are let go at once: three strings a letter grew the run with the table."""
    outcome.commune = name
    outcome.file = files[name]
    outcome.status = _STATUSES.get(outcome.status, outcome.status)


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
    made.update(report.print_files)
    _remove_stale(report, manifest, made, pdf)
    rows = itertools.chain([("xa", "tep", "trang_thai", "sha256")],
                           ((o.commune, o.file, o.status, o.digest) for o in report.outcomes),
                           (("", name, STALE, "") for name in report.stale))
    # Excel reads UTF-8 with a BOM; a manifest.csv open in Excel keeps its old rows (the hashes are in MANIFEST).
    # manifest.csv is ours like a letter: one a clerk annotated is kept (and reported) unless --force.
    # Written row by row: a copy of every row in memory grew with the table.
    staged = staging_file(folder, MANIFEST_CSV)
    try:
        with open(staged, "w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows([csv_cell(v) for v in row] for row in rows)
        _busy_guard(report, MANIFEST_CSV, lambda: _keep(report, manifest, folder / MANIFEST_CSV, staged, force,
                                                        listed=False))
    finally:
        staged.unlink(missing_ok=True)
    _busy_guard(report, MANIFEST, manifest.save)


STALE = "cũ, đã sửa tay"  # a file of an earlier run, edited by hand: kept, not part of this run


def _write_print_file(report: Report, manifest: Manifest, volumes: PrintVolumes, force: bool) -> None:
    """Move the print file's volumes in under the rules of a letter, and, when there are several, their index."""
    folder = report.folder
    done = volumes.close()
    try:
        for volume in done:
            report.print_files.append(volume.name)
            staged = volume.file.path
            _busy_guard(report, volume.name, lambda: _keep(report, manifest, folder / volume.name, staged, force))
    finally:
        for volume in done:
            volume.file.path.unlink(missing_ok=True)
    if len(done) > 1:
        report.print_files.append(PRINT_INDEX)
        staged = staging_file(folder, PRINT_INDEX)
        try:
            staged.write_bytes(volumes.index())
            _busy_guard(report, PRINT_INDEX, lambda: _keep(report, manifest, folder / PRINT_INDEX, staged, force))
        finally:
            staged.unlink(missing_ok=True)


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
        if name == PRINT_PDF and report.print_files and (pdf or unchanged.issuperset(report.print_files)):
            continue  # the letters' PDFs joined: kept (no volume changed) or replaced next (--pdf)
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

