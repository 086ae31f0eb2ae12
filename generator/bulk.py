"""Bulk runs: one letter per commune, fast, and nothing lost.

- Every letter is rendered from one compiled template (``engine.py``); with
  ``jobs > 1`` several processes share the work (forked, so each starts with the
  campaign already loaded).
- Files are named from the commune (``xa-quyet-thang.docx``: python-slugify, which
  transliterates đ/Đ; collisions get ``-2``, ``-3`` in Vietnamese alphabetical order;
  the name can hold nothing but ``a-z``, ``0-9`` and ``-``).
- A letter that has not changed is not rewritten; one that someone edited in Word
  since it was generated (its hash is not the manifest's) is left alone unless
  ``force``, and then backed up first. Each written file is journalled at once, so
  an interrupted run (Ctrl-C, kill) resumes where it stopped on the next run.
- Rows with problems (an unknown criterion, an empty name) are reported with their
  row and column; the other letters are still written, and the run exits non-zero.
- The run also writes ``tat-ca.docx`` (every letter from a new page, each with its
  own page numbering), ``manifest.csv`` (commune, file, status, SHA-256) and the
  overview dispatch ``tong-hop.docx`` when the campaign has one.
"""
from __future__ import annotations

import csv
import io
import multiprocessing
import re
import signal
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from slugify import slugify

from . import assessment
from .annex import build_annex
from .campaign import Campaign
from .collation import vi_sorted
from .docx_zip import FIXED_TIME
from .exceptions import Problem, display_path
from .output import EDITED, NEW, UNCHANGED, Manifest, WriteResult, atomic_write, place, place_staged
from .render import DEFAULT_TEMPLATE, compiled_template, context
from .engine import Properties
from .wording import build_letter

COMBINED = "tat-ca.docx"
OVERVIEW = "tong-hop.docx"
MANIFEST_CSV = "manifest.csv"
NOT_SENT = "không gửi"
FAILED = "lỗi"


def file_names(names: list[str]) -> dict[str, str]:
    """Commune -> file name, unique, in Vietnamese alphabetical order for the numbering of twins."""
    taken: dict[str, int] = {}
    out = {}
    for name in vi_sorted(names):
        base = "xa-" + (slugify(name, max_length=60, word_boundary=True, save_order=True) or "khong-ten")
        taken[base] = taken.get(base, 0) + 1
        out[name] = f"{base}.docx" if taken[base] == 1 else f"{base}-{taken[base]}.docx"
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

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def edited(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == EDITED]


# --- one letter (runs in the worker processes) --------------------------------------------

_CAMPAIGN: Campaign | None = None
_FOLDER: Path | None = None


def _template_path(campaign: Campaign) -> Path:
    template = campaign.letter.get("mau")
    return (campaign.path.parent / template).resolve() if template else DEFAULT_TEMPLATE


def render_letter(campaign: Campaign, name: str) -> bytes:
    commune = campaign.assessments.communes[name]
    dispatch, letter = campaign.letter_for(commune)
    template = compiled_template(_template_path(campaign))
    return template.render(context(letter, template.prototypes),
                           Properties(letter.title, letter.author, dispatch.date.as_date()))


def _one(task: tuple[str, str, str | None, bool, bool]) -> Outcome:
    name, file, recorded, force, dry_run = task
    try:
        data = render_letter(_CAMPAIGN, name)
        result: WriteResult = place(_FOLDER / file, data, recorded, force, dry_run, durable=False)
        return Outcome(name, file, result.status, result.digest)
    except Exception as exc:  # reported per letter; the others go on
        from .exceptions import DispatchError

        message = str(exc) if isinstance(exc, DispatchError) else f"{type(exc).__name__}: {exc}"
        return Outcome(name, file, FAILED, error=message)


def _worker_init() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool


# --- the run --------------------------------------------------------------------------------

def run(campaign: Campaign, out_root: Path, jobs: int = 1, force: bool = False, dry_run: bool = False,
        progress=None) -> Report:
    """Write every letter of ``campaign`` under ``out_root/<campaign name>/``."""
    global _CAMPAIGN, _FOLDER
    folder = out_root / campaign.name
    report = Report(folder, problems=list(campaign.assessments.problems))
    communes = campaign.assessments.communes
    names = file_names(list(communes))
    manifest = Manifest(folder)
    tasks, skipped = [], []
    for name in vi_sorted(communes):
        if campaign.sends(communes[name]):
            tasks.append((name, names[name], manifest.files.get(names[name]), force, dry_run))
        else:
            skipped.append(Outcome(name, "", NOT_SENT))
    _CAMPAIGN, _FOLDER = campaign, folder
    compiled_template(_template_path(campaign))  # compile before forking: every worker inherits it
    if not dry_run:
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob(".*.tmp"):  # left by a run that was killed mid-write
            stale.unlink(missing_ok=True)
    results: dict[str, Outcome] = {}
    pool = None
    try:
        if jobs > 1 and len(tasks) > 1:
            pool = multiprocessing.get_context("fork").Pool(jobs, initializer=_worker_init)
            stream = pool.imap(_one, tasks, chunksize=max(1, min(64, len(tasks) // (jobs * 8) or 1)))
        else:
            stream = map(_one, tasks)
        for outcome in stream:
            results[outcome.commune] = outcome
            if outcome.status not in (FAILED, EDITED) and not dry_run:
                manifest.record(outcome.file, outcome.digest)
            if progress:
                progress(outcome)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        if not dry_run and folder.exists():
            manifest.save()  # also on Ctrl-C: what was written is remembered
    report.outcomes = vi_sorted(list(results.values()) + skipped, key=lambda o: o.commune)
    for outcome in report.outcomes:
        if outcome.error:
            report.problems.append(Problem(f"không dựng được thư cho xã «{outcome.commune}»: {outcome.error}"))
    if not dry_run:
        _write_extras(campaign, report, manifest, force)
    return report


def _write_extras(campaign: Campaign, report: Report, manifest: Manifest, force: bool) -> None:
    folder = report.folder
    letters = [folder / o.file for o in report.outcomes if o.file and o.status != FAILED and (folder / o.file).exists()]
    if letters:
        combined = folder / f".{COMBINED}.new"
        try:
            combine_docx(letters, combined)
            _keep(report, manifest, folder / COMBINED, combined, force)
        finally:
            combined.unlink(missing_ok=True)
    if campaign.overview is not None:
        overview = campaign.overview
        assessment.check_references(overview.body, campaign.assessments, campaign.located)
        letter = build_letter(overview, campaign.assessments)
        annex = build_annex(overview, letter, campaign.assessments) if overview.annex else None
        from .render import render_docx

        data = render_docx(letter, overview.date.as_date(), DEFAULT_TEMPLATE, annex)
        staged = folder / f".{OVERVIEW}.new"
        atomic_write(staged, data)
        try:
            _keep(report, manifest, folder / OVERVIEW, staged, force)
        finally:
            staged.unlink(missing_ok=True)
    rows = [("xa", "tep", "trang_thai", "sha256")]
    rows += [(o.commune, o.file, o.status, o.digest) for o in report.outcomes]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    atomic_write(folder / MANIFEST_CSV, buf.getvalue().encode("utf-8-sig"))  # Excel reads UTF-8 with a BOM
    manifest.save()


def _keep(report: Report, manifest: Manifest, path: Path, staged: Path, force: bool) -> None:
    """Move the file built at ``staged`` to ``path`` under the same rules as a letter."""
    result = place_staged(path, staged, manifest.files.get(path.name), force)
    if result.status == EDITED:
        report.problems.append(Problem("tệp đã bị sửa tay nên không ghi đè (dùng --force)", display_path(path)))
    else:
        manifest.record(path.name, result.digest)
    report.extra_files.append((path.name, result.status))


# --- the combined print file -------------------------------------------------------------------

_BODY_OPEN = re.compile(r"<w:body[^>]*>")
_SECT = re.compile(r"<w:sectPr[ >].*?</w:sectPr>", re.S)


def _own_numbering(sect: str) -> str:
    """Page numbers of this letter start at 1 (and stay hidden on its first page: titlePg)."""
    sect = re.sub(r"<w:pgNumType[^>]*/>", "", sect)
    return re.sub(r"(<w:pgMar[^>]*/>)", r'\1<w:pgNumType w:start="1"/>', sect, count=1)


def _letter_body(document: str, last: bool) -> str:
    """The body's content; unless ``last``, its section properties end its last paragraph."""
    start = _BODY_OPEN.search(document).end()
    end = document.rindex("</w:body>")
    body = document[start:end]
    sects = list(_SECT.finditer(body))
    final = sects[-1]
    content, sect = body[: final.start()], _own_numbering(final.group(0))
    if last:
        return content + sect
    close = content.rfind("</w:pPr></w:p>")
    if close >= 0 and close + len("</w:pPr></w:p>") == len(content):
        return content[:close] + sect + "</w:pPr></w:p>"
    return content + f"<w:p><w:pPr>{sect}</w:pPr></w:p>"


def combine_docx(paths: list[Path], target_path: Path) -> None:
    """One DOCX holding every letter, each from a new page with its own page numbering.

    All the letters come from one template, so they share styles, headers and footers:
    the first letter's parts serve for all, and only the bodies are joined (linear time;
    docxcompose, which peers.md measured, drops per-letter sections and is quadratic).
    """
    with open(target_path, "wb") as out, zipfile.ZipFile(paths[0]) as first:
        names = sorted(first.namelist(), key=lambda n: (n != "[Content_Types].xml", n))
        head = first.read("word/document.xml").decode("utf-8")
        head = head[: _BODY_OPEN.search(head).end()]
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for name in names:
                info = zipfile.ZipInfo(name, FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                if name != "word/document.xml":
                    target.writestr(info, first.read(name))
                    continue
                with target.open(info, "w") as stream:
                    stream.write(head.encode("utf-8"))
                    for i, path in enumerate(paths):
                        with zipfile.ZipFile(path) as letter:
                            document = letter.read("word/document.xml").decode("utf-8")
                        stream.write(_letter_body(document, i == len(paths) - 1).encode("utf-8"))
                    stream.write(b"</w:body></w:document>")


def counts_line(report: Report) -> str:
    parts = []
    for status in (NEW, "cập nhật", UNCHANGED, "ghi đè", EDITED, NOT_SENT, FAILED):
        n = report.count(status)
        if n:
            parts.append(f"{n} {status}")
    return ", ".join(parts) or "không có thư nào"


def print_table(report: Report, dry_run: bool) -> str:
    lines = []
    for o in report.outcomes:
        lines.append(f"  {o.file or '-':40s} {o.status:12s} xã {o.commune}")
    return "\n".join(lines)

