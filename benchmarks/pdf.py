"""Đo tốc độ xuất PDF: một công văn, và một lô (mặc định 200 công văn) qua LibreOffice.

    python benchmarks/pdf.py [--seed inputs/seeds/000-lang-son-2018.yaml] [--count 200] [--parallel 1,2]
                             [--alone] [--repeat 1]

Dựng ``count`` công văn từ một tệp YAML mẫu, mỗi công văn một số văn bản khác nhau
(trường ``so``), rồi chuyển sang PDF bằng ``generator.pdf.convert.convert``: từng tệp một (mỗi
lần một tiến trình soffice mới), rồi cả lô với 1, 2… tiến trình song song. In số giây
cho mỗi công văn và tải của máy (load average) lúc đo. ``--alone``: đo thêm, xen kẽ, cùng lô
khi mỗi công văn là một tài liệu riêng (không ghép thành tập, như trước khi có ``volume.py``),
để so sánh trong cùng điều kiện tải. ``--repeat N``: đo lô N lượt (xen kẽ các cách), dòng cuối lấy
trung vị — máy dùng chung thì tải lên xuống từng lúc. Kết quả đo ghi trong docs/pdf.md. Dòng cuối:
``pdf_per_letter_ms p1=… p2=… best=…`` (mili giây một công văn của lô, theo số tiến trình song song).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.pipeline import build_file  # noqa: E402
from generator.pdf import volume  # noqa: E402
from generator.pdf.convert import PdfJob, concatenate, convert, find_soffice, normalize_pdf  # noqa: E402


def load() -> str:
    """The machine's load average (1 minute), where the system reports it."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (AttributeError, OSError):  # Windows
        return "?"


def make_inputs(seed: Path, count: int, folder: Path) -> list[Path]:
    text = seed.read_text("utf-8")
    paths = []
    for n in range(1, count + 1):
        if re.search(r"^so:.*$", text, re.M):
            varied = re.sub(r"^so:.*$", f"so: {n}", text, count=1, flags=re.M)
        else:
            varied = f"so: {n}\n{text}"
        path = folder / f"{seed.stem}-{n:04d}.yaml"
        path.write_text(varied, "utf-8")
        paths.append(path)
    return paths


def main() -> None:
    from generator.cli import safe_streams  # lazy: Vietnamese output on any console (cp1252 on Windows)

    safe_streams()
    parser = argparse.ArgumentParser(description="Đo tốc độ xuất PDF của dispatch")
    parser.add_argument("--seed", type=Path, default=ROOT / "inputs" / "seeds" / "000-lang-son-2018.yaml")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--parallel", default="1,2", help="số tiến trình soffice song song, ví dụ 1,2")
    parser.add_argument("--single-runs", type=int, default=3)
    parser.add_argument("--alone", action="store_true", help="đo thêm lô khi mỗi công văn là một tài liệu riêng")
    parser.add_argument("--repeat", type=int, default=1, help="số lượt đo lô; dòng cuối lấy trung vị")
    args = parser.parse_args()

    soffice = find_soffice()
    work = Path(tempfile.mkdtemp(prefix="dispatch-bench-pdf-"))
    try:
        inputs = make_inputs(args.seed, args.count, work)
        start = time.perf_counter()
        jobs = []
        for path in inputs:
            built = build_file(path)
            docx_path = path.with_suffix(".docx")
            docx_path.write_bytes(built.docx)
            jobs.append((docx_path, built.dispatch.date.as_date()))
        build_s = time.perf_counter() - start

        print(f"Máy: {os.cpu_count()} nhân; LibreOffice: {soffice}")
        print(f"Mẫu: {args.seed.name}; {args.count} công văn (trường «so» thay đổi)")
        print(f"Dựng DOCX: {build_s:.2f} s tổng, {build_s / args.count * 1000:.1f} ms/công văn")

        singles = []
        for i in range(args.single_runs):
            docx_path, date = jobs[i % len(jobs)]
            out = work / "mot" / f"{i}.pdf"
            t = time.perf_counter()
            (result,) = convert([PdfJob(docx_path, out, date)])
            singles.append(time.perf_counter() - t)
            assert result.ok, result.error
        print(
            f"Một công văn (một lệnh soffice, hồ sơ LibreOffice riêng chép từ hồ sơ đã khởi tạo): "
            f"{statistics.median(singles):.2f} s (các lần: {', '.join(f'{s:.2f}' for s in singles)})"
        )

        per_letter: dict[int, list[float]] = {}
        read_letter = volume.read_letter
        for round_ in range(args.repeat):
            for parallel in [int(p) for p in args.parallel.split(",") if p.strip()]:
                for alone in ([False, True] if args.alone else [False]):
                    volume.read_letter = (lambda path: None) if alone else read_letter
                    out_dir = work / f"lo-{parallel}" / ("rieng" if alone else "tap")
                    shutil.rmtree(out_dir, ignore_errors=True)  # each round writes every PDF anew
                    batch = [PdfJob(d, out_dir / (d.stem + ".pdf"), date) for d, date in jobs]
                    before = load()
                    t = time.perf_counter()
                    results = convert(batch, parallel=parallel)
                    seconds = time.perf_counter() - t
                    volume.read_letter = read_letter
                    failed = [r for r in results if not r.ok]
                    if not alone:
                        per_letter.setdefault(parallel, []).append(seconds / len(batch) * 1000)
                    print(
                        f"Lô {len(batch)} công văn, {parallel} tiến trình song song"
                        f"{', mỗi công văn một tài liệu riêng' if alone else ''}: {seconds:.2f} s tổng, "
                        f"{seconds / len(batch) * 1000:.0f} ms/công văn (tải máy {before} -> {load()})"
                        + (f" — {len(failed)} lỗi" if failed else "")
                    )
        per_letter = {p: statistics.median(times) for p, times in per_letter.items()}

        pdfs = sorted(next(work.glob("lo-*")).joinpath("tap").glob("*.pdf"))
        t = time.perf_counter()
        for p in pdfs:
            normalize_pdf(p.read_bytes(), jobs[0][1])
        norm = (time.perf_counter() - t) / len(pdfs)
        print(f"Hậu kỳ pikepdf (bỏ dấu thời gian) lặp lại trên PDF đã chuẩn hoá: {norm * 1000:.1f} ms/tệp")
        t = time.perf_counter()
        pages = concatenate(pdfs, work / "tat-ca.pdf", jobs[0][1])
        print(f"Ghép {len(pdfs)} PDF thành một tệp in ({pages} trang): {time.perf_counter() - t:.2f} s")
        print("pdf_per_letter_ms " + " ".join(f"p{p}={ms:.0f}" for p, ms in per_letter.items())
              + f" best={min(per_letter.values()):.0f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
