"""Regenerate generator/data/tnr_metrics.json: advance widths of Times New Roman.

Liberation Serif 2 is metric-compatible with Times New Roman (same advance widths),
so its tables give the widths Word will lay out with. The JSON keeps, for each face,
the width of every character a Vietnamese letter can use, in 1/1000 em.

Needs fontTools and Debian's fonts-liberation2; the project itself only reads the JSON.
usage: python scripts/build_metrics.py [FONT_DIR]
"""
import json
import sys
from pathlib import Path

from fontTools.ttLib import TTFont

FACES = {
    "regular": "LiberationSerif-Regular.ttf",
    "bold": "LiberationSerif-Bold.ttf",
    "italic": "LiberationSerif-Italic.ttf",
    "bold_italic": "LiberationSerif-BoldItalic.ttf",
}
RANGES = [(0x20, 0x7E), (0xA0, 0x17F), (0x1A0, 0x1B0), (0x2010, 0x2026), (0x1EA0, 0x1EF9)]


def main() -> None:
    font_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/liberation2")
    out = {"source": "Liberation Serif 2 (metric-compatible with Times New Roman)", "units_per_em": 1000, "faces": {}}
    for face, name in FACES.items():
        font = TTFont(font_dir / name)
        upm = font["head"].unitsPerEm
        cmap = font.getBestCmap()
        hmtx = font["hmtx"]
        widths = {}
        for lo, hi in RANGES:
            for cp in range(lo, hi + 1):
                glyph = cmap.get(cp)
                if glyph is not None:
                    widths[chr(cp)] = round(hmtx[glyph][0] * 1000 / upm, 1)
        out["faces"][face] = dict(sorted(widths.items()))
    target = Path(__file__).resolve().parent.parent / "generator" / "data" / "tnr_metrics.json"
    target.write_text(json.dumps(out, ensure_ascii=False, sort_keys=True, indent=0) + "\n", encoding="utf-8")
    print(f"{target}: {sum(len(w) for w in out['faces'].values())} widths")


if __name__ == "__main__":
    main()
