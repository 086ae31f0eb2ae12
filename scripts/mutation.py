"""Mutation testing by hand (not in CI): plant small bugs one at a time and see whether the tests catch them.

usage: python scripts/mutation.py [--module dates|letter|measure|sentences] [--list] [-v]

Each mutation below is one small, plausible bug in one of the modules the letter's wording and
geometry rest on (generator/vi/dates.py, generator/wording/letter.py,
generator/geometry/measure.py, generator/wording/sentences.py): a bound off by one, a padding
forgotten, a punctuation mark left, a branch inverted. The script copies the worktree (the
files git knows, as they are on disk) into a temporary folder once; for each mutation it
replaces one exact piece of source text in the copy (the piece must occur exactly once, so a
mutation that no longer applies is reported, never silently skipped), checks the result still
compiles, runs that module's tests there (``python -m pytest -x -q``), and restores the file.
A mutation is *killed* when the tests fail, *survived* when they pass. It prints one line per
mutation and, per module and overall, killed / total and the share.

It takes a few minutes (about 60 runs of one to four test files); ``--module`` runs one module.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MODULES = {
    "dates": ("generator/vi/dates.py", ["tests/test_dates.py", "tests/test_wording.py"]),
    "letter": ("generator/wording/letter.py", ["tests/test_wording.py"]),
    "measure": ("generator/geometry/measure.py", ["tests/test_measure.py", "tests/test_layout.py",
                                                  "tests/test_letterhead.py"]),
    "sentences": ("generator/wording/sentences.py", ["tests/test_sentences.py", "tests/test_sentence_helpers.py"]),
}


@dataclass(frozen=True)
class Mutation:
    module: str
    old: str
    new: str
    bug: str


M = Mutation
MUTATIONS = [
    # --- generator/vi/dates.py ---
    M("dates", 'return f"{day:02d}"', "return str(day)", "day below 10 unpadded"),
    M("dates", 'if month < 3 else str(month)', "if month <= 3 else str(month)", "March padded"),
    M("dates", 'if month < 3 else str(month)', "if month < 2 else str(month)", "February unpadded"),
    M("dates", "month = month_text(self.month) if self.month else BLANK",
      "month = str(self.month) if self.month else BLANK", "draft date: month 1-2 unpadded"),
    M("dates", "not 1 <= month <= 12", "not 0 <= month <= 12", "month 0 accepted (a year-only draft)"),
    M("dates", "not 1900 <= year <= 2200", "not 1000 <= year <= 2200", "year 1899 accepted"),
    M("dates", 'BLANK = " " * 6', 'BLANK = " " * 5', "blank for the day one space short"),
    M("dates", "return self.day is not None and self.month is not None",
      "return self.day is not None or self.month is not None", "a draft counted as complete"),
    M("dates", "dt.date(self.year, self.month or 1, self.day or 1)",
      "dt.date(self.year, self.month or 12, self.day or 1)", "a blank month taken as December"),
    M("dates", 'return f"{day_text(date.day)}/{month_text(date.month)}/{date.year}"',
      'return f"{day_text(date.day)}/{date.month}/{date.year}"', "short date: month 1-2 unpadded"),
    M("dates", r'(\d{4})-(\d{1,2})-(\d{1,2})', r'(\d{4})-(\d{2})-(\d{2})', "2018-3-8 refused"),
    M("dates", 'return "thứ" + name[3:]', 'return "Thứ" + name[3:]', "weekday capitalised"),
    M("dates", "len(parts[-1]) != 4", "len(parts[-1]) < 2", "two-digit year accepted"),
    M("dates", "day = numbers[0] if len(numbers) == 3 else None", "day = numbers[0] if len(numbers) >= 2 else None",
      "month/year read as day/month"),
    M("dates", "text = value.strip()", "text = value", "spaces around a typed date refused"),
    M("dates", 'raise ValueError(f"ngày {day:02d}/{month:02d}/{year} không tồn tại") from None',
      'pass', "30/02 accepted"),
    # --- generator/wording/letter.py ---
    M("letter", 'return re.sub(r"\\s*[;,.]+$", "", text)', 'return re.sub(r"\\s*[;.]+$", "", text)',
      "a comma left at a recipient's end"),
    M("letter", 'text = re.sub(r"^\\s*[-–]\\s+", "", text.strip())', 'text = re.sub(r"^\\s*[-]\\s+", "", text.strip())',
      "a recipient typed with an en dash keeps it"),
    M("letter", "{'.' if n == len(items) - 1 else ';'}", "{'.' if n == len(items) else ';'}",
      "no full stop after the last recipient"),
    M("letter", "{'.' if n == len(items) - 1 else ';'}", "{'.' if n == len(items) - 1 else ','}",
      "comma instead of semicolon between recipients"),
    M("letter", 'shown = f"{number:02d}" if number is not None else BLANK',
      'shown = f"{number}" if number is not None else BLANK', "number below 10 unpadded"),
    M("letter", 'return f"{place}, {date_text}"', 'return f"{place} {date_text}"', "no comma after the place"),
    M("letter", 'lines[0] = f"{authority} {lines[0]}"', 'lines[-1] = f"{authority} {lines[-1]}"',
      "authority before the last title"),
    M("letter", 'return re.sub(r"^\\s*[-–]\\s*", "", text)', 'return re.sub(r"^\\s*[–]\\s*", "", text)',
      "a gach typed with its own dash printed '- - x'"),
    M("letter", "if has_recipients and not any(i.lower() == \"như trên\" for i in items):",
      "if has_recipients and not any(i == \"như trên\" for i in items):", "typed «Như trên» doubled"),
    M("letter", "if has_recipients and not any(", "if not any(", "«Như trên» without Kính gửi"),
    M("letter", "', '.join(parts or ['VT'])", "', '.join(parts or ['VP'])", "default archive not VT"),
    M("letter", 're.compile(r"^\\s*lưu\\s*(?::\\s*|(?=vt\\b))", re.IGNORECASE)',
      're.compile(r"^\\s*lưu\\s*(?::\\s*|(?=vt))", re.IGNORECASE)', "«Lưu VTX…» taken as the archive line"),
    M("letter", "recipient=_strip_end(recipients[0]) if single else None",
      "recipient=recipients[0] if single else None", "one recipient keeps its typed «;»"),
    M("letter", "circulation=dispatch.circulation.upper() if", "circulation=dispatch.circulation if",
      "circulation note not in capitals"),
    M("letter", "text = text[:-1] + END_MARK if text.endswith(\".\") else text + END_MARK",
      "text = text + END_MARK", "«../.» after a final full stop"),
    M("letter", 'if re.match(r"^\\W*căn\\s+cứ\\b", line, re.IGNORECASE):',
      'if re.match(r"^\\W*Căn\\s+cứ\\b", line):', "typed «căn cứ» doubled"),
    M("letter", "title=f\"V/v {' '.join(dispatch.subject.split())}\",", "title=f\"V/v {dispatch.subject}\",",
      "document title keeps the subject's line breaks"),
    M("letter", 'author=" ".join(dispatch.issuing_organ).upper(),', 'author=" ".join(dispatch.issuing_organ),',
      "document author not in capitals"),
    M("letter", "parent_lines=[line.upper() for line in dispatch.parent_organ or []],",
      "parent_lines=list(dispatch.parent_organ or []),", "parent body not in capitals"),
    # --- generator/geometry/measure.py ---
    M("measure", "twips -= own if own is not None else (_margin(table_margins, side) or 0)",
      "twips -= _margin(table_margins, side) or 0", "cell padding ignored"),
    M("measure", "twips -= own if own is not None else (_margin(table_margins, side) or 0)",
      "twips -= own if own is not None else 0", "table cell margins ignored"),
    M("measure", 'for side in ("left", "right"):', 'for side in ("left",):', "right padding ignored"),
    M("measure", 'return el.get(qn("w:val"), "true") not in ("0", "false", "off")',
      'return el.get(qn("w:val"), "true") not in ("0", "false")', "w:val=off read as on"),
    M("measure", 'return Font(int(sz.get(qn("w:val"))) / 2 if sz', 'return Font(int(sz.get(qn("w:val"))) if sz',
      "half-points read as points"),
    M("measure", "self._default = font_of_rpr(rpr).over(Font(10.0, False, False))",
      "self._default = font_of_rpr(rpr).over(Font(11.0, False, False))", "Word's default size wrong"),
    M("measure", "font = font.over(font_of_rpr(style.find(qn(\"w:rPr\"))))",
      "font = font_of_rpr(style.find(qn(\"w:rPr\"))).over(font)", "base style wins over the style"),
    M("measure", "                return int(ind.get(qn(f\"w:{attr}\")))\n            based = self._styles[sid].find(qn(\"w:basedOn\"))\n            sid = based.get(qn(\"w:val\")) if based is not None else None",
      "                return int(ind.get(qn(f\"w:{attr}\")))\n            based = self._styles[sid].find(qn(\"w:basedOn\"))\n            sid = None",
      "indent of the base style ignored"),
    M("measure", "total -= int(hanging)", "total += int(hanging)",
      "hanging indent added"),
    M("measure", "ind.set(qn(attr), str(round(max(value, 0) * TWIPS_PER_PT)))",
      "ind.set(qn(attr), str(round(value * TWIPS_PER_PT)))", "negative indent written"),
    M("measure", "side = (room - rule) / 2", "side = room - rule", "rule not centred"),
    M("measure", "rule = max(_printed_width(q, styles, room) for q in issuer) * L.ISSUER_RULE_FRACTION",
      "rule = _printed_width(issuer[0], styles, room) * L.ISSUER_RULE_FRACTION", "issuer rule from its first line only"),
    M("measure", "rule = max(_printed_width(q, styles, room) for q in issuer) * L.ISSUER_RULE_FRACTION",
      "rule = max(width_pt(q, styles) for q in issuer) * L.ISSUER_RULE_FRACTION", "issuer rule from the unwrapped line"),
    M("measure", "set_indent(p, left_pt=colon_at + dash, hanging_pt=dash)", "set_indent(p, left_pt=colon_at, hanging_pt=dash)",
      "recipient dash left of the colon"),
    M("measure", "box = width_pt(p, styles) + 12", "box = width_pt(p, styles)", "circulation box without padding"),
    M("measure", "if len(tables) < 2:", "if len(tables) < 3:", "last paragraph not kept with the signature"),
    M("measure", 'if "".join(t.text or "" for t in r.iter(qn("w:t"))).strip():',
      'if "".join(t.text or "" for t in r.iter(qn("w:t"))):', "a blank run's font taken as the paragraph's"),
    M("measure", "box = L.URGENCY_BOX_MM.get(text_of(p).strip(), 30)", "box = L.URGENCY_BOX_MM.get(text_of(p), 30)",
      "urgency box size missed for a padded mark"),
    # --- generator/wording/sentences.py ---
    M("sentences", 'return f"{n:02d}"', 'return f"{n}"', "counts unpadded"),
    M("sentences", 'return ", ".join(items[:-1]) + " và " + items[-1]', 'return ", ".join(items)',
      "no «và» before the last item"),
    M("sentences", "if len(items) <= 1:", "if len(items) == 1:", "empty list fails"),
    M("sentences", 'return value.replace("*", "\\\\*") if isinstance(value, str) else value', "return value",
      "asterisks in data read as markup"),
    M("sentences", 'return {"so": c.num, "ten": c.name.replace("–", "-")}', 'return {"so": c.num, "ten": c.name}',
      "en dash inside a criterion's name kept"),
    M("sentences", 'return re.sub(r"^xã\\s+", "", criteria_set.short_name)', "return criteria_set.short_name",
      "«xã xã nông thôn mới»"),
    M("sentences", "if not any(s.id != criteria_set.id and _kind_of(s) == kind for s in letter_sets):",
      "if not any(_kind_of(s) == kind for s in letter_sets):", "a set's own name counted as a clash"),
    M("sentences", 'return f"{kind} {period.group(0)}" if period else f"{kind} theo {criteria_set.name}"',
      'return f"{kind} theo {criteria_set.name}"', "clashing set named in full, not by period"),
    M("sentences", 'data["ghi_bo"] = s.id != default_set_id or bool(others)',
      'data["ghi_bo"] = s.id != default_set_id and bool(others)', "set not named when it differs"),
    M("sentences", 'return f"{month_text(date.month)}/{date.year}" if date.month else str(date.year)',
      'return str(date.year)', "previous draft date loses its month"),
    M("sentences", 'return f"{month_text(date.month)}/{date.year}" if date.month else str(date.year)',
      'return f"{date.month}/{date.year}" if date.month else str(date.year)', "previous draft date: month 1-2 unpadded"),
    M("sentences", "complete = [c.name for c in communes if not c.not_met]",
      "complete = [c.name for c in communes if not c.fell_back]", "summary counts the wrong communes"),
    M("sentences", 'return " ".join(text.split())', "return text.strip()", "template whitespace not folded"),
    M("sentences", '"sut_giam": criterion.num in commune.fell_back}', '"sut_giam": False}',
      "fallen-back criterion not said in the assignment"),
    M("sentences", 'item = {"tieu_chi": _criterion(criterion), "don_vi": and_list(departments),',
      'item = {"tieu_chi": _criterion(criterion), "don_vi": ", ".join(departments),', "departments joined without «và»"),
    M("sentences", 'data["bo_mac_dinh"] = s.id == default_set_id', 'data["bo_mac_dinh"] = s.id != default_set_id',
      "default set flag inverted"),
    M("sentences", "missing = [c.name for c in communes if c.not_met]", "missing = [c.name for c in communes if c.fell_back]",
      "summary lists the fallen-back communes as missing"),
]


def copy_tree(dest: Path) -> None:
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)


def run_tests(tree: Path, tests: list[str]) -> tuple[bool, float]:
    start = time.perf_counter()
    present = [t for t in tests if (tree / t).exists()]
    result = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *present],
                            cwd=tree, capture_output=True)
    return result.returncode == 0, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", choices=sorted(MODULES))
    parser.add_argument("--match", help="only the mutations whose description contains this text")
    parser.add_argument("--list", action="store_true", help="list the mutations, run nothing")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    chosen = [m for m in MUTATIONS if args.module in (None, m.module) and (args.match or "") in m.bug]
    if args.list:
        for m in chosen:
            print(f"{m.module:10} {m.bug}")
        return 0
    tally: dict[str, list[int]] = {}
    with tempfile.TemporaryDirectory(prefix="mutation-") as tmp:
        tree = Path(tmp)
        copy_tree(tree)
        for module in sorted({m.module for m in chosen}, key=list(MODULES).index):
            path, tests = MODULES[module]
            ok, seconds = run_tests(tree, tests)
            if not ok:
                print(f"{module}: the tests fail without any mutation; fix them first", file=sys.stderr)
                return 2
            if args.verbose:
                print(f"{module}: unmutated tests pass in {seconds:.1f} s")
        for m in chosen:
            path, tests = MODULES[m.module]
            target = tree / path
            source = target.read_text("utf-8")
            if source.count(m.old) != 1:
                print(f"NOT APPLIED {m.module:10} {m.bug} (the text occurs {source.count(m.old)} times)")
                tally.setdefault(m.module, [0, 0, 0])[2] += 1
                continue
            mutated = source.replace(m.old, m.new)
            compile(mutated, path, "exec")
            target.write_text(mutated, "utf-8")
            try:
                survived, seconds = run_tests(tree, tests)
            finally:
                target.write_text(source, "utf-8")
            counts = tally.setdefault(m.module, [0, 0, 0])
            counts[0] += not survived
            counts[1] += 1
            print(f"{'survived' if survived else 'killed  '} {m.module:10} {m.bug} ({seconds:.1f} s)", flush=True)
    total_killed = sum(c[0] for c in tally.values())
    total = sum(c[1] for c in tally.values())
    for module, (killed, n, missing) in tally.items():
        extra = f", {missing} not applied" if missing else ""
        print(f"{module}: {killed}/{n} killed ({killed / n:.0%}){extra}" if n else f"{module}: none applied{extra}")
    if total:
        print(f"total: {total_killed}/{total} killed ({total_killed / total:.0%})")
    return 1 if any(c[2] for c in tally.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
