"""Bulk speed, measured honestly: per letter and per core, interleaved, against docxtpl and the floor.

usage: python benchmarks/bulk.py [--rounds 10] [--block 200] [--cli-sizes 10000] [--jobs CORES] [--quick]
       python benchmarks/bulk.py --cli-sizes 1000,10000,50000      (the scaling table)

It writes a synthetic campaign (a CSV of communes with varied criteria results, 2026-2030 set,
one reminder letter each, ``make_campaign``) into a temporary folder, then:

1. In ONE process, interleaved in blocks: ``--rounds`` rounds, each timing a block of
   ``--block`` letters of (a), then (b), then (c), on the same communes (each round its own
   communes), every letter written to a file in a fresh folder:

   (a) ``dispatch``'s bulk path with one process: ``bulk.run._one``, the function the workers
       call (render, hash, journal, the overwrite rule, the atomic write);
   (b) the plain docxtpl loop on the same template and the same context, the context built
       INSIDE its timer (``campaign.letter_for`` + ``render.context``), then ``DocxTemplate(path)``,
       ``render(context, autoescape=True)``, ``save()``;
   (c) the floor: the letter's own ``document.xml`` (made before the timer, the commune's name
       left as a slot) filled in by string substitution, zipped with the project's zip writer
       (``write/docx_zip.py``, the template's other parts as in (a)) and written to a file.

   Each round gives a per-letter cost for each; the medians over the rounds are printed. All three
   run on one core, so the figures and their ratios are per core; interleaving spreads the load of
   a shared machine over the three alike.
2. The whole CLI bulk run, ``python -m generator build <campaign> -o <folder> -j <jobs>`` as a
   subprocess, for each of ``--cli-sizes`` communes (default 10,000): wall time, letters per
   second, and the peak RSS of the process tree (psutil, sampled every 20 ms: the run and its
   workers together).

The last line is exactly
``per_letter_ms dispatch=D docxtpl=T floor=F ratio_docxtpl=T/D ratio_floor=D/F letters_per_s=L peak_rss_mb=M``
with L and M from the 10,000-commune run (else the largest run). ``--quick`` (tests) uses a few
letters and a 40-commune CLI run: its figures mean nothing, its format is the real one.
"""
from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from synthetic import make_campaign  # noqa: E402  (beside this script)


# --- 1. per letter, one process, interleaved --------------------------------------------------------

def _dispatch_block(bulk, campaign, names, files, folder: Path) -> float:
    """(a): the workers' function, one process, every letter written to a new file."""
    folder.mkdir(parents=True)
    bulk._FOLDER = folder
    start = time.perf_counter()
    for name in names:
        outcome, _ = bulk._one((name, files[name], set(), False, False))
        if outcome.status != "mới":
            raise SystemExit(f"dispatch: {name}: {outcome.status} {outcome.error}")
    return time.perf_counter() - start


def _docxtpl_block(campaign, names, template: Path, prototypes, folder: Path) -> float:
    """(b): the loop a user would write, its context built inside the timer."""
    from docxtpl import DocxTemplate

    from generator.render.docx import context

    folder.mkdir(parents=True)
    communes = campaign.assessments.communes
    start = time.perf_counter()
    for i, name in enumerate(names):
        _, letter = campaign.letter_for(communes[name])
        tpl = DocxTemplate(str(template))
        tpl.render(context(letter, prototypes), autoescape=True)
        tpl.save(folder / f"{i}.docx")
    return time.perf_counter() - start


def _floor_block(names, skeletons: dict, parts: dict, constant, folder: Path) -> float:
    """(c): string substitution of the letter's document.xml, the project's zip writer, one file each."""
    from generator.write.docx_zip import write_zip

    folder.mkdir(parents=True)
    start = time.perf_counter()
    for i, name in enumerate(names):
        letter = dict(parts)
        letter["word/document.xml"] = skeletons[name].replace("\x00", escape(name)).encode("utf-8")
        with open(folder / f"{i}.docx", "wb") as handle:
            handle.write(write_zip(letter, constant))
    return time.perf_counter() - start


def per_letter(path: Path, work: Path, rounds: int, block: int) -> dict[str, float]:
    """Median per-letter milliseconds of (a), (b), (c) over ``rounds`` interleaved blocks."""
    from generator.bulk import run as bulk
    from generator.bulk.campaign import load_campaign
    from generator.render.docx import compiled_template
    from generator.vi.collation import vi_sorted

    campaign = load_campaign(path)
    communes = campaign.assessments.communes
    order = [n for n in vi_sorted(communes) if campaign.sends(communes[n])]
    if len(order) < rounds * block:
        raise SystemExit(f"cần {rounds * block} xã, chỉ có {len(order)}")
    files = bulk.file_names(order, presorted=True)
    template_path = bulk._template_path(campaign)
    bulk._setup(campaign, work / "a-setup", template_path)  # as a worker: compiled template, own journal, frozen
    template = compiled_template(template_path)
    # the floor's input, made before any timer: each letter's document.xml with its commune's name as a slot
    skeletons = {}
    for name in order[: rounds * block]:
        _, document = bulk.render_letter(campaign, name, template, template_path)
        skeletons[name] = document.decode("utf-8").replace(escape(name), "\x00")
    sample, _ = bulk.render_letter(campaign, order[0], template, template_path)
    with zipfile.ZipFile(io.BytesIO(sample)) as z:  # the letter's other parts, as (a) zips them
        parts = {n: z.read(n) for n in z.namelist()}
    constant = template._constant
    times: dict[str, list[float]] = {"dispatch": [], "docxtpl": [], "floor": []}
    for r in range(rounds):
        names = order[r * block:(r + 1) * block]
        here = work / f"round-{r}"
        times["dispatch"].append(_dispatch_block(bulk, campaign, names, files, here / "a") / len(names))
        times["docxtpl"].append(_docxtpl_block(campaign, names, template_path, template.prototypes, here / "b")
                                / len(names))
        times["floor"].append(_floor_block(names, skeletons, parts, constant, here / "c") / len(names))
        shutil.rmtree(here, ignore_errors=True)
        print(f"  vòng {r + 1}/{rounds}: dispatch {times['dispatch'][-1] * 1000:.3f} ms, "
              f"docxtpl {times['docxtpl'][-1] * 1000:.3f} ms, sàn {times['floor'][-1] * 1000:.3f} ms mỗi thư",
              flush=True)
    return {k: statistics.median(v) * 1000 for k, v in times.items()}


# --- 2. the whole CLI run --------------------------------------------------------------------------

def _tree_rss(proc) -> int:
    import psutil

    total = 0
    try:
        family = [proc] + proc.children(recursive=True)
    except psutil.Error:
        return 0
    for p in family:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def cli_run(path: Path, out: Path, jobs: int) -> dict:
    """``python -m generator build`` of the campaign, with ``-j jobs``: wall time, letters/s, peak RSS of the tree."""
    import psutil

    command = [sys.executable, "-m", "generator", "build", str(path), "-o", str(out), "-j", str(jobs)]
    start = time.perf_counter()
    proc = psutil.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc))
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"dispatch build thoát với mã {proc.returncode}:\n{stderr.decode('utf-8', 'replace')[-2000:]}")
    letters = sum(1 for _ in out.glob("*/xa-*.docx"))
    return {"letters": letters, "seconds": seconds, "per_s": letters / seconds, "peak_rss_mb": peak / 2 ** 20}


def main() -> None:
    from generator.cli import safe_streams  # lazy: Vietnamese output on any console (cp1252 on Windows)

    safe_streams()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--block", type=int, default=200)
    parser.add_argument("--cli-sizes", default="10000", help="communes of each CLI run, e.g. 1000,10000,50000")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--quick", action="store_true", help="a few letters: checks that it runs (tests)")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.block, args.cli_sizes = 2, 4, "40"
    sizes = [int(s) for s in args.cli_sizes.split(",")]
    print(f"máy: {os.cpu_count()} nhân; Python {sys.version.split()[0]}; {args.rounds} vòng × {args.block} thư mỗi bên")
    work = Path(tempfile.mkdtemp(prefix="dispatch-bench-"))
    try:
        one = work / "per-letter"
        one.mkdir()
        ms = per_letter(make_campaign(one, args.rounds * args.block, overview=False), one, args.rounds, args.block)
        print(f"mỗi thư, một nhân (trung vị): dispatch {ms['dispatch']:.3f} ms, docxtpl {ms['docxtpl']:.3f} ms, "
              f"sàn {ms['floor']:.3f} ms")
        runs = {}
        for n in sizes:
            folder = work / f"cli-{n}"
            folder.mkdir()
            runs[n] = cli_run(make_campaign(folder, n, overview=False), folder / "out", args.jobs)
            shutil.rmtree(folder, ignore_errors=True)
            r = runs[n]
            print(f"{n:>6} xã, -j {args.jobs}: {r['letters']} thư trong {r['seconds']:.1f} s = {r['per_s']:.0f} thư/s, "
                  f"RSS đỉnh (cả cây tiến trình) {r['peak_rss_mb']:.0f} MB", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    cli = runs.get(10000) or runs[max(runs)]
    d, t, f = ms["dispatch"], ms["docxtpl"], ms["floor"]
    print(f"per_letter_ms dispatch={d:.3f} docxtpl={t:.3f} floor={f:.3f} ratio_docxtpl={t / d:.1f} "
          f"ratio_floor={d / f:.1f} letters_per_s={cli['per_s']:.0f} peak_rss_mb={cli['peak_rss_mb']:.0f}")


if __name__ == "__main__":
    main()
