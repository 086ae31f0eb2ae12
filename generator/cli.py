"""The ``dispatch`` command. Everything it prints is Vietnamese.

Before anything is printed, standard output and error are made able to print Vietnamese
whatever they are connected to (``safe_streams``): a Windows console redirected to a file,
a pipe, Git Bash or a scheduled task gets the ANSI code page (cp1252, cp1258), which has no
"ệ"; there they are switched to UTF-8, and a character that still cannot be written becomes a
replacement character instead of a traceback.

Each command loads what it uses, when it runs (imports marked "lazy"): ``build`` of one letter loads
neither the bulk machinery, nor PDF, review, lint, openpyxl or pikepdf, nor (with our own Word template, and
no annex) python-docx or docxtpl, so it starts sooner; the
review commands (``text``, ``diff``) are registered on first use (``_Main.get_command``).
``tests/test_startup.py`` checks what each command leaves in ``sys.modules``.

Pydantic's plugins are switched off (``PYDANTIC_DISABLE_PLUGINS``, unless set) before the models are built:
looking for them read every installed package's metadata. The cycle collector is off while the module's imports
run (they make objects, not garbage), which are then frozen out of its later scans.

Every command runs in ``_run``: a ``DispatchError`` prints its Vietnamese message and exits with
its code, Ctrl-C and SIGTERM stop cleanly (130, the ``finally`` blocks run), anything else is 70.
"""
from __future__ import annotations

import gc

# Importing what a build needs makes some 80 000 objects the cycle collector tracks, and almost no garbage; the
# collector ran a hundred times over the growing heap meanwhile, and again over all of it later (together about
# a tenth of a single build). It is off while the imports run; then what they made is frozen (``gc.freeze``:
# never scanned again, as it lives as long as the process) and the collector is on again as it was.
_COLLECTING = gc.isenabled()
gc.disable()
try:
    import codecs
    import io
    import json
    import os
    import signal
    import sys
    import traceback
    from contextlib import contextmanager
    from pathlib import Path

    import click

    # dispatch uses no pydantic plugin; without this, building the first model reads the metadata of every
    # installed package to look for one (``pydantic.plugin._loader``). A value the user set is kept.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

    from generator.vi import click as click_vi
    from generator.exceptions import (EXIT_DIFFERENT, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, DispatchError,
                                      DocxReadError, FileBusyError, InputError, OutputError, Problem, display_path)
    from generator.pipeline import build_file, campaign_warnings, default_output, render_dispatch
    from generator.write.output import UNCHANGED, staged_for, write_output
    from generator.load.yaml_source import load_yaml
    from generator.bulk import is_campaign
finally:
    gc.freeze()
    if _COLLECTING:
        gc.enable()

click_vi.install()

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _safe_stream(stream):
    """``stream`` (stdout or stderr) writing UTF-8, with replacement characters for what cannot be encoded."""
    if stream is None:  # pythonw: no console at all
        return stream
    try:
        encoding = codecs.lookup(stream.encoding or "ascii").name
    except (AttributeError, LookupError):
        encoding = None
    if encoding == "utf-8" and getattr(stream, "errors", "strict") != "strict":
        return stream
    if hasattr(stream, "reconfigure"):
        try:
            stream.flush()
            if encoding == "utf-8":
                stream.reconfigure(errors="replace")  # lone surrogates (a file name from a foreign disk)
            else:
                stream.reconfigure(encoding="utf-8", errors="replace")
            return stream
        except (OSError, ValueError, io.UnsupportedOperation):
            pass
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        return stream
    return io.TextIOWrapper(buffer, encoding="utf-8", errors="replace", line_buffering=True)


def safe_streams() -> None:
    sys.stdout = _safe_stream(sys.stdout)
    sys.stderr = _safe_stream(sys.stderr)


_REVIEW_COMMANDS = ("text", "diff")  # defined in generator/review/cli.py, registered when first asked for


class _Main(click_vi.Group):
    """The ``dispatch`` group; its entry makes the console safe for Vietnamese before anything runs.
    The review commands are registered when first named (or listed by ``--help``)."""

    def main(self, *args, **kwargs):
        safe_streams()
        return super().main(*args, **kwargs)

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(_REVIEW_COMMANDS))

    def get_command(self, ctx, cmd_name):
        if cmd_name in _REVIEW_COMMANDS and cmd_name not in self.commands:
            # lazy: the review code (diff, extraction) only for `dispatch text` and `dispatch diff`
            from generator.review.cli import register_review_commands

            register_review_commands(self, _run)
        return super().get_command(ctx, cmd_name)


def _interrupt(_signum, _frame):
    raise KeyboardInterrupt


@contextmanager
def _sigterm_as_interrupt():
    """SIGTERM (``kill``, a service or scheduler stopping the task) stops the command as Ctrl-C does, so the
    ``finally`` blocks run: no temporary folder of ``--pdf`` left holding copies of letters, no LibreOffice
    left running, the bulk manifest saved. Windows has no SIGTERM from outside (only ``TerminateProcess``,
    which nothing can catch); there the handler is set but never called. Only the main thread may set it."""
    try:
        previous = signal.signal(signal.SIGTERM, _interrupt)
    except (ValueError, OSError, AttributeError):  # not the main thread (an embedding program)
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run(action):
    """Run a command body: user errors -> message and their exit code; Ctrl-C -> ``EXIT_INTERRUPTED``;
    anything else -> ``EXIT_INTERNAL``."""
    try:
        with _sigterm_as_interrupt():
            return action()
    except DispatchError as err:
        click.echo(str(err), err=True)
        sys.exit(err.exit_code)
    except KeyboardInterrupt:
        click.echo("Đã dừng theo yêu cầu; không tệp nào bị ghi dở.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except Exception as exc:  # a bug of ours: say so plainly, details only on request
        if os.environ.get("DISPATCH_DEBUG"):
            traceback.print_exc()
        click.echo(
            f"Lỗi nội bộ của dispatch ({type(exc).__name__}: {exc}). Hãy báo lại kèm tệp đầu vào; "
            "đặt DISPATCH_DEBUG=1 để xem chi tiết.",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)


def _warn(built) -> None:
    for warning in built.warnings:
        click.echo(warning, err=True)


@click.group(cls=_Main, context_settings=CONTEXT)
@click.version_option(package_name="dispatch-nd30", prog_name="dispatch")
def main() -> None:
    """Soạn công văn hành chính (DOCX) đúng thể thức Nghị định 30/2020/NĐ-CP từ tệp YAML."""


@main.command()
@click.argument("input_file", metavar="TỆP_YAML", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), metavar="ĐƯỜNG_DẪN",
              help="Tệp .docx hoặc thư mục để ghi (mặc định: out/<tên tệp>.docx).")
@click.option("--force", is_flag=True, help="Ghi đè cả tệp đã bị sửa tay (bản cũ được lưu thành .bak).")
@click.option("--pdf", "with_pdf", is_flag=True, help="Ghi thêm bản PDF cạnh tệp .docx (cần LibreOffice).")
@click.option("--pdf-timeout", type=float, metavar="GIÂY", default=None,
              help="Dừng LibreOffice nếu quá số giây này không xong một tệp (mặc định 60, "
                   "hoặc biến DISPATCH_PDF_TIMEOUT).")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=min(os.cpu_count() or 1, 8), metavar="N",
              help="Thư hàng loạt: dùng N tiến trình song song (mặc định: số nhân CPU, tối đa 8).")
@click.option("--dry-run", is_flag=True, help="Chỉ liệt kê những gì sẽ ghi, không ghi tệp nào.")
def build(input_file: Path, output: Path | None, force: bool, with_pdf: bool = False,
          pdf_timeout: float | None = None, jobs: int = 1, dry_run: bool = False) -> None:
    """Dựng công văn từ TỆP_YAML.

    Nếu TỆP_YAML là tệp chiến dịch (có «chien_dich»), dựng mỗi xã một thư nhắc vào
    out/<tên chiến dịch>/, kèm tat-ca.docx để in, manifest.csv và công văn tổng hợp.
    """

    def action():
        if with_pdf:
            from generator.pdf import convert as pdf_output  # lazy: LibreOffice and pikepdf only for --pdf

            pdf_output.find_soffice()  # say how to install LibreOffice before doing any work
            pdf_output.timeout_seconds(pdf_timeout)
        data, located = load_yaml(input_file)
        if is_campaign(data):
            return _build_campaign(input_file, data, located, output, force, jobs, dry_run, with_pdf, pdf_timeout)
        if dry_run:
            built = build_file(input_file, data, located)
            _warn(built)
            click.echo(f"Sẽ ghi {display_path(default_output(input_file, output))} (chạy thử, chưa ghi gì)")
            return
        built = build_file(input_file, data, located)
        _warn(built)
        result = write_output(default_output(input_file, output), built.docx, force=force)
        note = f" (bản cũ lưu ở {display_path(result.backup)})" if result.backup else ""
        click.echo(f"Đã ghi {display_path(result.path)} [{result.status}]{note}")
        if with_pdf:
            target = result.path.with_suffix(".pdf")
            if result.status == UNCHANGED and not force and pdf_output.is_current(result.path, target):
                click.echo(f"Giữ nguyên {display_path(target)} (công văn không đổi; bản PDF có thể đã được ký số)")
                return
            job = pdf_output.PdfJob(result.path, target, built.dispatch.date.as_date(), force=force)
            pdf_output.convert_or_raise([job], timeout=pdf_timeout)
            click.echo(f"Đã ghi {display_path(target)}")

    _run(action)


def _build_campaign(input_file: Path, data, located, output: Path | None, force: bool, jobs: int,
                    dry_run: bool, with_pdf: bool, pdf_timeout: float | None) -> None:
    """``dispatch build campaign.yaml``: one letter per commune (generator/bulk/run.py)."""
    from generator.bulk import run as bulk  # lazy: only a campaign needs the bulk machinery
    from generator.bulk.campaign import load_campaign  # lazy: as above

    campaign = load_campaign(input_file, data, located)
    for warning in campaign_warnings(campaign) + campaign.assessments.warnings + tuple(bulk.letterhead_warnings_of(campaign)):
        click.echo(warning, err=True)
    total = sum(1 for c in campaign.assessments.communes.values() if campaign.sends(c))
    show = sys.stderr.isatty() and total > 1
    bar = click.progressbar(length=total, label="Đang dựng thư", file=sys.stderr) if show else None
    out_root = output or Path("out")
    if out_root.exists() and not out_root.is_dir():
        raise OutputError(Problem("tệp chiến dịch ghi nhiều thư nên «-o» phải là một thư mục, không phải một tệp",
                                  display_path(out_root)))
    try:
        if bar is not None:
            bar.__enter__()
        report = bulk.run(campaign, out_root, jobs=jobs, force=force, dry_run=dry_run, pdf=with_pdf,
                          progress=(lambda _o: bar.update(1)) if bar is not None else None)
    except OSError as exc:  # the folder cannot be made, the disk is full…: an output problem (exit code 4)
        where = staged_for(Path(exc.filename2 or exc.filename or out_root / campaign.name))
        raise OutputError(Problem(f"không ghi được ({exc.strerror or exc}); các thư đã ghi xong vẫn giữ nguyên, "
                                  "chạy lại lệnh sau khi sửa chỗ này sẽ ghi tiếp", display_path(Path(where)))) from None
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    folder = display_path(report.folder)
    if dry_run:
        click.echo(f"Chạy thử, chưa ghi gì. Sẽ ghi vào {folder}/:")
        click.echo(bulk.print_table(report, dry_run))
    else:
        click.echo(f"Đã ghi {folder}/: {bulk.counts_line(report)}.")
        for name, status in report.extra_files:
            click.echo(f"  {name} [{status}]")
        click.echo(f"  {bulk.MANIFEST_CSV}" + (f" [{bulk.BUSY}]" if bulk.MANIFEST_CSV in report.busy else ""))
    if with_pdf and not dry_run:
        _campaign_pdf(report, campaign, pdf_timeout, force)
    problems = list(report.unwritten)
    if report.edited:
        names = ", ".join(o.file for o in report.edited[:10])
        problems.append(Problem(f"{len(report.edited)} thư đã bị sửa tay nên không ghi đè ({names}); dùng --force "
                                "để ghi đè (bản cũ được lưu thành .bak)"))
    if report.busy:
        problems.append(_busy_problem(report))
    if report.problems:
        raise InputError(report.problems + problems)
    if problems:
        raise (FileBusyError if report.busy else OutputError)(problems)


def _busy_problem(report) -> Problem:
    """The files Word or Excel held open: which, what happened, what to do."""
    names = ", ".join(report.busy[:10]) + (f" và {len(report.busy) - 10} tệp khác" if len(report.busy) > 10 else "")
    return Problem(f"{len(report.busy)} tệp đang mở trong Word hoặc Excel nên chưa ghi được ({names}); tệp cũ vẫn giữ "
                   "nguyên, các tệp khác đã ghi xong. Hãy đóng các tệp này trong Word/Excel rồi chạy lại lệnh",
                   display_path(report.folder))


def _campaign_pdf(report, campaign, pdf_timeout: float | None, force: bool = False) -> None:
    from generator.bulk import run as bulk  # lazy: only a campaign needs the bulk machinery
    from generator.pdf import convert as pdf_output  # lazy: LibreOffice and pikepdf only for --pdf

    folder = report.folder
    date = campaign.date
    on_disk = [o for o in report.outcomes if o.file and o.status not in (bulk.FAILED, bulk.BUSY, bulk.UNWRITTEN)]
    jobs = []
    for o in on_disk:  # every letter: one whose PDF is current is converted only with a volume that must be
        source = folder / o.file
        target = source.with_suffix(".pdf")
        current = not force and o.status == bulk.UNCHANGED and pdf_output.is_current(source, target)
        jobs.append(pdf_output.PdfJob(source, target, date, force=force, current=current))
    pdf_output.convert_or_raise(jobs, timeout=pdf_timeout)
    pdfs = [folder / Path(o.file).with_suffix(".pdf") for o in on_disk]
    if pdfs:
        try:
            pages = pdf_output.concatenate(pdfs, folder / "tat-ca.pdf", force=force)
        except (FileBusyError, PermissionError):  # open in a PDF reader
            report.busy.append("tat-ca.pdf")
            click.echo("  tat-ca.pdf [đang mở]")
            return
        click.echo(f"Đã ghi {display_path(folder / 'tat-ca.pdf')} ({len(pdfs)} thư, {pages} trang)")


@main.command()
@click.argument("input_file", metavar="TỆP_YAML", type=click.Path(path_type=Path))
def check(input_file: Path) -> None:
    """Kiểm tra TỆP_YAML (và dựng thử trong bộ nhớ) mà không ghi tệp nào."""

    def action():
        data, located = load_yaml(input_file)
        if is_campaign(data):
            return _check_campaign(input_file, data, located)
        built = build_file(input_file, data, located)
        _warn(built)
        click.echo(
            f"Hợp lệ: {display_path(input_file)} — {built.letter.number_line}, {built.letter.title}, "
            f"{len(built.letter.paragraphs)} đoạn nội dung."
        )

    _run(action)


def _check_campaign(input_file: Path, data, located) -> None:
    """``dispatch check campaign.yaml``: every letter built in memory, as ``build --dry-run`` does, nothing written."""
    from generator.bulk import run as bulk  # lazy: only a campaign needs the bulk machinery
    from generator.bulk.campaign import load_campaign  # lazy: as above

    campaign = load_campaign(input_file, data, located)
    for warning in campaign_warnings(campaign) + campaign.assessments.warnings + tuple(bulk.letterhead_warnings_of(campaign)):
        click.echo(warning, err=True)
    report = bulk.run(campaign, Path("out"), jobs=min(os.cpu_count() or 1, 8), dry_run=True)
    if report.problems:
        raise InputError(report.problems)
    if campaign.overview is not None:
        render_dispatch(campaign.overview, campaign.assessments, campaign.path, campaign.overview_located)
    communes = campaign.assessments.communes.values()
    remedial = sum(1 for c in communes if c.not_met)
    maintenance = sum(1 for c in communes if not c.not_met and campaign.sends(c))
    not_sent = len(communes) - remedial - maintenance
    parts = [f"{remedial} thư nhắc khắc phục"] + ([f"{maintenance} thư duy trì"] if maintenance else [])
    parts += [f"{not_sent} xã không gửi"] if not_sent else []
    overview = ", kèm công văn tổng hợp" if campaign.overview is not None else ""
    click.echo(f"Hợp lệ: {display_path(input_file)} — tệp chiến dịch «{campaign.name}»: {remedial + maintenance} thư "
               f"({', '.join(parts)}){overview}; chưa ghi gì (ghi bằng «dispatch build»).")


@main.command()
@click.option("-o", "--output", type=click.Path(path_type=Path), metavar="TỆP",
              help="Ghi lược đồ vào TỆP thay vì in ra màn hình.")
def schema(output: Path | None) -> None:
    """In lược đồ JSON Schema của tệp đầu vào (để trình soạn thảo gợi ý và kiểm tra)."""
    from generator.model.dispatch import json_schema  # lazy: the schema only for `dispatch schema`

    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if output:
        _run(lambda: write_output(output, text.encode("utf-8")))  # the one overwrite rule (write/output.py)
        click.echo(f"Đã ghi {display_path(output)}")
    else:
        click.echo(text, nl=False)


@main.command("criteria")
@click.argument("set_id", metavar="[MÃ_BỘ]", required=False)
@click.option("--thu-muc", "folders", multiple=True, metavar="THƯ_MỤC", type=click.Path(path_type=Path),
              help="Thư mục chứa thêm bộ tiêu chí của địa phương (các tệp .yaml); dùng nhiều lần được.")
def criteria_command(set_id: str | None, folders: tuple[Path, ...]) -> None:
    """Liệt kê các bộ tiêu chí nông thôn mới, hoặc in đủ các tiêu chí, chỉ tiêu của bộ MÃ_BỘ."""
    from generator.assessments.criteria import format_list, format_set, get_set, load_sets  # lazy: this command only

    def action():
        if set_id:
            click.echo(format_set(get_set(set_id, folders)))
        else:
            click.echo(format_list(load_sets(folders)))

    _run(action)


@main.command("lint")
@click.argument("docx_file", metavar="TỆP_DOCX", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON (cho công cụ khác).")
def lint_command(docx_file: Path, as_json: bool) -> None:
    """Kiểm tra thể thức một tệp Word .docx bất kỳ theo Nghị định 30/2020/NĐ-CP.

    Mã thoát: 0 khi đúng thể thức, 1 khi có chỗ sai, 2 khi không đọc được tệp.
    """
    from generator.lint.check import lint_file  # lazy: loaded only for `lint` (it reads the decree's rules)

    def action():
        try:
            report = lint_file(docx_file, display_path(docx_file))
        except DocxReadError as err:
            if as_json:
                click.echo(json.dumps({"file": display_path(docx_file), "ok": False, "error": str(err)},
                                      ensure_ascii=False, indent=2))
            raise InputError(Problem(str(err), display_path(docx_file))) from None
        click.echo(report.to_json() if as_json else report.to_text())
        sys.exit(EXIT_OK if report.ok else EXIT_DIFFERENT)

    _run(action)


if __name__ == "__main__":
    main()
