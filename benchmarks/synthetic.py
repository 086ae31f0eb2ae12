"""The synthetic campaign the benchmarks time: ``n`` communes with varied results, written to a folder.

The letter (and, with ``overview``, the overview with its annex) is that of
``inputs/chien-dich/nhac-xa-2026.yaml``; the table is a CSV of ``n`` communes named from
Vietnamese syllables, each criterion met, not met or fallen back at random (seeded by ``n``,
so a size always gives the same campaign).
"""
from __future__ import annotations

import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CAMPAIGN = ROOT / "inputs" / "chien-dich" / "nhac-xa-2026.yaml"
SYLLABLES = ["An", "Bình", "Cao", "Đồng", "Hà", "Hòa", "Hưng", "Lạc", "Long", "Minh", "Nam", "Phú", "Quyết",
             "Sơn", "Tân", "Thắng", "Thanh", "Thạnh", "Tiến", "Trung", "Vĩnh", "Xuân", "Yên", "Ấp", "Ưng"]


def make_campaign(folder: Path, n: int, overview: bool) -> Path:
    """Write ``bang.csv`` and ``chien-dich.yaml`` into ``folder``; return the campaign's path.
    ``overview``: keep the campaign's overview (``tong_hop``, with its annex); else letters only."""
    rng = random.Random(n)
    rows = ["TT,Xã," + ",".join(str(i) for i in range(1, 11))]
    for i in range(n):
        name = f"{rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)} {i + 1}"
        marks = [rng.choice(["x", "x", "x", "", "sg"]) for _ in range(10)]
        rows.append(f"{i + 1},{name}," + ",".join(marks))
    (folder / "bang.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    text = CAMPAIGN.read_text("utf-8").replace("bang: ../vi-du/bang-danh-gia-2026.csv", "bang: bang.csv")
    if overview:
        assert "tong_hop:" in text and "phu_luc: true" in text, "the campaign no longer has an overview with an annex"
    else:
        text = text[: text.index("tong_hop:")]  # letters only: the overview is one more letter
    path = folder / "chien-dich.yaml"
    path.write_text(text, encoding="utf-8")
    return path
