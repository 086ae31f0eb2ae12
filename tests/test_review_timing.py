"""How long a review of two ~10-page letters takes (printed; asserted only against a generous bound)."""
from __future__ import annotations

import time

from generator.review import html as review_html
from generator.review import terminal as review_terminal
from generator.review.compare import compare
from generator.review.extract import extract
from generator.review.opening import open_docx
from generator.review.redline import redline
from review_helpers import accept_all, build_yaml, reject_all, seed_text, text_of

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


def test_two_ten_page_letters_review_well_under_a_second(tmp_path, capsys):
    old = build_yaml(tmp_path, "old", long_yaml(False))
    new = build_yaml(tmp_path, "new", long_yaml(True))
    best = None
    for _ in range(3):
        start = time.perf_counter()
        a = extract(open_docx(old, "old"), "old")
        b = extract(open_docx(new, "new"), "new")
        comparison = compare(a.elements, b.elements, "old", "new")
        review_terminal.render(comparison, color=True)
        review_html.render(comparison)
        data = redline(a, b, new, "dispatch", comparison)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    counts = comparison.counts()
    with capsys.disabled():
        print(f"\n[review timing] {len(a.elements)}/{len(b.elements)} elements, read + diff + terminal + HTML + "
              f"redline: {best * 1000:.0f} ms (best of 3)")
    # edited: i % 7 == 3 or i % 13 == 5 -> 13 paragraphs, 5 of them losing a bold; one removed, one added
    assert counts == {"changed": 13, "inserted": 1, "deleted": 1, "format": 5, "hidden": 0}
    assert text_of(accept_all(data)) == text_of(new)
    assert text_of(reject_all(data)) == text_of(old)
    assert best < 5.0
