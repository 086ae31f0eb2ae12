"""Overview speed: the campaign's overview letter (tong-hop.docx) with its annex, by number of communes.

usage: python benchmarks/annex.py [--sizes 300,1000,3000] [--save FOLDER]

For each size it writes a synthetic campaign (a CSV of N communes with varied criteria
results, the 2026-2030 set, the overview of ``inputs/chien-dich/nhac-xa-2026.yaml`` with
``phu_luc: true``) into a temporary folder, loads it, and times
``generator.pipeline.render_dispatch`` on the overview: the letter, the annex table of N
rows, and the DOCX bytes. It prints one line per size (``communes=… seconds=… bytes=…``)
and the growth from the first size to the last against linear growth. ``--save`` keeps
each overview as ``FOLDER/tong-hop-N.docx`` (to compare bytes before and after a change).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from synthetic import make_campaign  # noqa: E402  (beside this script)


def measure(n: int, save: Path | None) -> tuple[float, int]:
    from generator.bulk.campaign import load_campaign
    from generator.pipeline import render_dispatch

    with tempfile.TemporaryDirectory() as tmp:
        campaign = load_campaign(make_campaign(Path(tmp), n, overview=True))
        start = time.perf_counter()
        _, data = render_dispatch(campaign.overview, campaign.assessments, campaign.path, campaign.overview_located)
        seconds = time.perf_counter() - start
    if save is not None:
        save.mkdir(parents=True, exist_ok=True)
        (save / f"tong-hop-{n}.docx").write_bytes(data)
    return seconds, len(data)


def main() -> None:
    from generator.cli import safe_streams  # lazy: Vietnamese output on any console (cp1252 on Windows)

    safe_streams()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="300,1000,3000")
    parser.add_argument("--save", type=Path)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    for n in sizes:
        seconds, size = measure(n, args.save)
        results.append((n, seconds))
        print(f"communes={n} seconds={seconds:.2f} bytes={size}", flush=True)
    if len(results) > 1:
        (n0, s0), (n1, s1) = results[0], results[-1]
        print(f"growth {n0}->{n1}: time x{s1 / s0:.1f} for communes x{n1 / n0:.1f} (linear would be x{n1 / n0:.1f})")


if __name__ == "__main__":
    main()
