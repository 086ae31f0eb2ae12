"""Bulk speed: dispatch's bulk path against the plain docxtpl loop, same template, same data.

usage: python benchmarks/bulk.py [--sizes 2000,10000] [--jobs 2] [--docxtpl-sample 1000]

For each size it writes a synthetic campaign (a CSV of N communes with varied criteria
results, 2026-2030 set, one reminder letter each) into a temporary folder, then in
separate processes (so each peak memory is its own):
- times ``dispatch``'s bulk path (generator.bulk.run.run, ``--jobs`` processes): every
  letter rendered and written, plus the combined print file and the manifest;
- times the loop a user would otherwise write: ``DocxTemplate(path)``,
  ``render(context, autoescape=True)``, ``save()`` per letter, on the same template and
  the same per-letter context, for ``--docxtpl-sample`` letters (it is ~30 times slower;
  its rate does not depend on N);
and prints letters per second for both, the ratio, and peak RSS. The last line is
``letters_per_s=… docxtpl_per_s=… ratio=… peak_rss_mb=…`` for the largest size.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CAMPAIGN = ROOT / "inputs" / "chien-dich" / "nhac-xa-2026.yaml"
SYLLABLES = ["An", "Bình", "Cao", "Đồng", "Hà", "Hòa", "Hưng", "Lạc", "Long", "Minh", "Nam", "Phú", "Quyết",
             "Sơn", "Tân", "Thắng", "Thanh", "Thạnh", "Tiến", "Trung", "Vĩnh", "Xuân", "Yên", "Ấp", "Ưng"]


def make_campaign(folder: Path, n: int) -> Path:
    rng = random.Random(n)
    rows = ["TT,Xã," + ",".join(str(i) for i in range(1, 11))]
    for i in range(n):
        name = f"{rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)} {i + 1}"
        marks = [rng.choice(["x", "x", "x", "", "sg"]) for _ in range(10)]
        rows.append(f"{i + 1},{name}," + ",".join(marks))
    (folder / "bang.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    text = CAMPAIGN.read_text("utf-8")
    text = text.replace("bang: ../vi-du/bang-danh-gia-2026.csv", "bang: bang.csv")
    text = text[: text.index("tong_hop:")]  # letters only: the overview is one more letter
    path = folder / "chien-dich.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def measure_dispatch(path: Path, out: Path, jobs: int) -> dict:
    from generator.bulk import run as bulk
    from generator.bulk.campaign import load_campaign

    start = time.perf_counter()
    campaign = load_campaign(path)
    report = bulk.run(campaign, out, jobs=jobs)
    seconds = time.perf_counter() - start
    assert not report.problems, report.problems[:3]
    letters = report.count("mới")
    return {"letters": letters, "seconds": seconds, "per_s": letters / seconds, "peak_rss_mb": peak_rss_mb()}


def measure_docxtpl(path: Path, out: Path, sample: int) -> dict:
    from docxtpl import DocxTemplate

    from generator.bulk.campaign import load_campaign
    from generator.vi.collation import vi_sorted
    from generator.render.docx import DEFAULT_TEMPLATE, compiled_template, context

    campaign = load_campaign(path)
    prototypes = compiled_template(DEFAULT_TEMPLATE).prototypes
    names = vi_sorted(campaign.assessments.communes)[:sample]
    contexts = [context(campaign.letter_for(campaign.assessments.communes[n])[1], prototypes) for n in names]
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for i, ctx in enumerate(contexts):
        tpl = DocxTemplate(str(DEFAULT_TEMPLATE))
        tpl.render(ctx, autoescape=True)
        tpl.save(out / f"{i}.docx")
    seconds = time.perf_counter() - start
    return {"letters": len(contexts), "seconds": seconds, "per_s": len(contexts) / seconds, "peak_rss_mb": peak_rss_mb()}


def child(kind: str, path: Path, out: Path, value: int) -> dict:
    """Run one measurement in its own process and return its figures."""
    proc = subprocess.run([sys.executable, __file__, "--child", kind, str(path), str(out), str(value)],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="2000,10000")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--docxtpl-sample", type=int, default=1000)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, path, out, value = args.child
        fn = measure_dispatch if kind == "dispatch" else measure_docxtpl
        print(json.dumps(fn(Path(path), Path(out), int(value))))
        return

    print(f"máy: {os.cpu_count()} nhân; dispatch dùng --jobs {args.jobs}; Python {sys.version.split()[0]}")
    last = None
    for n in [int(s) for s in args.sizes.split(",")]:
        work = Path(tempfile.mkdtemp(prefix=f"dispatch-bench-{n}-"))
        try:
            path = make_campaign(work, n)
            ours = child("dispatch", path, work / "out", args.jobs)
            base = child("docxtpl", path, work / "docxtpl", min(n, args.docxtpl_sample))
            ratio = ours["per_s"] / base["per_s"]
            print(f"{n:>6} xã: dispatch {ours['letters']} thư trong {ours['seconds']:.1f} s = {ours['per_s']:.0f} thư/s, "
                  f"RSS đỉnh {ours['peak_rss_mb']:.0f} MB | docxtpl {base['letters']} thư trong {base['seconds']:.1f} s = "
                  f"{base['per_s']:.1f} thư/s, RSS đỉnh {base['peak_rss_mb']:.0f} MB | gấp {ratio:.1f} lần")
            last = (ours, base, ratio)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    ours, base, ratio = last
    print(f"letters_per_s={ours['per_s']:.0f} docxtpl_per_s={base['per_s']:.1f} ratio={ratio:.1f} "
          f"peak_rss_mb={ours['peak_rss_mb']:.0f}")


if __name__ == "__main__":
    main()
