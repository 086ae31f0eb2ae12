"""Review speed: how long reading, comparing and showing two ~10-page letters takes.

usage: python benchmarks/review.py [--repeat 3]

Builds seed 000 with a body of 60 paragraphs in 6 sections (11 pages) and an edited copy
(13 paragraphs changed, 5 of them losing a bold, one removed, one added), then times, in
process, best of ``--repeat``: reading both DOCX, pairing and word diff, the terminal text,
the HTML page and the redline DOCX. It prints each stage and the total, and checks that the
comparison found what was edited and that the redline accepted / rejected gives the new /
the old letter (a wrong result is not a speed). Figures are in docs/review.md, "Measured".
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from generator.review import html as review_html  # noqa: E402
from generator.review import terminal as review_terminal  # noqa: E402
from generator.review.compare import compare  # noqa: E402
from generator.review.extract import extract, open_docx  # noqa: E402
from generator.review.redline import redline  # noqa: E402
from review_helpers import accept_all, build_yaml, reject_all, seed_text, text_of  # noqa: E402

SENTENCE = (
    "Các xã tiếp tục rà soát, đánh giá thực trạng từng tiêu chí, xây dựng kế hoạch khắc phục cụ thể, phân công "
    "rõ người, rõ việc, rõ thời gian hoàn thành và báo cáo kết quả về Văn phòng Điều phối trước ngày 15 hằng tháng"
)


def long_yaml(changed: bool) -> str:
    """Seed 000 with a body of 60 paragraphs in 6 sections (11 pages); ``changed`` edits some of them."""
    base = seed_text("000-lang-son-2018")
    head, tail = base[: base.index("noi_dung:")], base[base.index("nguoi_ky:"):]
    out = ["noi_dung:"]
    for i in range(60):
        if i % 10 == 0:
            out.append(f'  - muc: "{i // 10 + 1}. Nhiệm vụ nhóm {i // 10 + 1}"')
        text = f"{SENTENCE} (đoạn {i + 1}); **trọng tâm** là *chất lượng* tiêu chí số {i % 19 + 1}. {SENTENCE}."
        if changed and i % 7 == 3:
            text = text.replace("rà soát", "kiểm tra, rà soát").replace("cụ thể", "chi tiết")
        if changed and i % 13 == 5:
            text = text.replace("**trọng tâm**", "trọng tâm")
        if changed and i == 20:
            continue
        out.append(f'  - "{text}"')
        if changed and i == 30:
            out.append('  - "Đoạn bổ sung ở giữa văn bản dài."')
    return head + "\n".join(out) + "\n" + tail


def main() -> int:
    from generator.cli import safe_streams  # lazy: Vietnamese output on any console (cp1252 on Windows)

    safe_streams()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        old = build_yaml(Path(tmp), "old", long_yaml(False))
        new = build_yaml(Path(tmp), "new", long_yaml(True))
    best: dict[str, float] = {}
    for _ in range(args.repeat):
        times = {}
        start = time.perf_counter()
        a = extract(open_docx(old, "old"), "old")
        b = extract(open_docx(new, "new"), "new")
        times["read both"] = time.perf_counter() - start
        mark = time.perf_counter()
        comparison = compare(a.elements, b.elements, "old", "new")
        times["pair + word diff"] = time.perf_counter() - mark
        mark = time.perf_counter()
        review_terminal.render(comparison, color=True)
        times["terminal"] = time.perf_counter() - mark
        mark = time.perf_counter()
        review_html.render(comparison)
        times["HTML"] = time.perf_counter() - mark
        mark = time.perf_counter()
        data = redline(a, b, new, "dispatch", comparison)
        times["redline"] = time.perf_counter() - mark
        times["total"] = time.perf_counter() - start
        best = {k: min(v, best.get(k, v)) for k, v in times.items()}
    for stage, seconds in best.items():
        print(f"{stage:18} {seconds * 1000:6.0f} ms")
    print(f"{len(a.elements)}/{len(b.elements)} elements, best of {args.repeat}")
    # edited: i % 7 == 3 or i % 13 == 5 -> 13 paragraphs, 5 of them losing a bold; one removed, one added
    counts = comparison.counts()
    expected = {"changed": 13, "inserted": 1, "deleted": 1, "format": 5, "hidden": 0}
    ok = counts == expected and text_of(accept_all(data)) == text_of(new) and text_of(reject_all(data)) == text_of(old)
    if not ok:
        print(f"WRONG RESULT: {counts} (expected {expected}), or the redline does not accept/reject to the letters")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
