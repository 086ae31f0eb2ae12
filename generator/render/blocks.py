"""The block memo of the render engine: what a letter shares with the letter before is not done again.

In a campaign every letter fills the same template, and most of it comes out the same for every commune:
the letterhead, the signature table, the copies list, the section's page. What differs are a few runs of
paragraphs: the trích yếu in its cell ("V/v … của xã An Bình"), the "Kính gửi" line, the sentences.
Parsing the whole rendered document strictly, measuring its geometry and serialising it again cost more
than half of a letter, and for what did not change the result is already known.

So the engine (``engine.py``) keeps, per compiled template, one *reference*: the first letter rendered the
whole way (``remember``), its body cut into *frames* (the markup between paragraphs: table, row and cell
tags, their properties, the section's) and *runs* (consecutive paragraphs between two frames), each as Jinja
wrote it and as the whole pass (strict parse, geometry, serialisation) made it. For a later letter
(``take``), every frame must be what Jinja wrote in the reference, and is taken as the reference made it;
so is every run Jinja wrote the same; the runs that differ are parsed strictly (inside the document's own
head and body tags: their namespaces and serialisation are those of the whole document) and serialised
the same way. The letter is then byte for byte what the whole pass gives, because:

- a frame or a run taken is the same text in the same place; a run parsed is made of whole paragraphs
  (anything else sends the letter the whole way, where broken XML is reported as before);
- the geometry (``geometry/measure.py``) reads and changes, besides frames, only the paragraphs of
  ``MEASURED_ROLES``, every paragraph of ``measured_cells`` (the issuing organ's cell, the letterhead's right
  column, a cell holding a rule), the "Kính gửi" label when a list follows it, and the paragraph before the
  last table. A changed run in a measured cell, or holding such a paragraph, a table or a section, sends
  the letter the whole way; the paragraph before the last table is marked here with the geometry's own
  function when its run changed;
- a value with a page break or a new paragraph (``\\f``, ``\\a``, which docxtpl's listing turns into new
  paragraphs) sends the letter the whole way, and no such letter becomes the reference; a template whose
  frames declare namespaces, or hold comments or processing instructions, has no reference.

Every letter not taken from the memo is rendered exactly as before. tests/test_block_memo.py renders
letters both ways and compares the bytes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from lxml import etree

from generator.ooxml.ns import qn
from generator.geometry.layout_spec import StyleId
from generator.geometry.measure import LABEL_ROLE, MEASURED_ROLES, keep_next_target, keep_with_next, measured_cells, role

_TAG_STR = re.compile(r"<(/?)([^\s/>]+)[^>]*?(/?)>")
_TAG_BYTES = re.compile(rb"<(/?)([^\s/>]+)[^>]*?(/?)>")
_RAW_BODY = re.compile(r"\A(\s*<[^>]*(?<!/)>)(.*)(</[^>]*>\s*)\Z", re.S)
_DONE_BODY = re.compile(rb"<(?:[\w.-]+:)?body[\s>]")
_BODY, _P = qn("w:body"), qn("w:p")
_MEASURED_TAGS = (qn("w:tbl"), qn("w:sectPr"))
_WRAP = "w:dispatchRun"  # holds a changed run while it is parsed: never a tag of WordprocessingML
# In a run of our templates, what lxml would not write as Jinja wrote it: a carriage return (``&#13;``), a control
# character (refused by the strict parse); such a run is parsed. (A table or a section, which the geometry measures,
# never comes in a run of ours: ``_as_written``.)
_UNEXPECTED = bytes(c for c in range(32) if c not in (9, 10))
_W_OPEN, _W_CLOSE = b'<w:body xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">', b"</w:body>"
_ROLE_RE = re.compile(rb'<w:pStyle [^>]*?w:val="([^"]*)"')
_OPEN, _CLOSE, _EMPTY = b"<w:dispatchRun>", b"</w:dispatchRun>", b"<w:dispatchRun/>"


def _new_blocks(raw: str) -> bool:
    """Whether ``raw`` holds what docxtpl's listing turns into new paragraphs (``\\a``, ``\\f``); two ``in`` tests,
    without the generator ``any`` would need (asked of every letter)."""
    return "\a" in raw or "\f" in raw


def _last_paragraph(data: bytes) -> int:
    """Where the last ``<w:p>`` or ``<w:p …>`` of ``data`` starts (-1: none): looked for from the end, where it is,
    past the ``<w:pPr``, ``<w:pStyle`` of that paragraph, instead of two searches through the whole run."""
    at = data.rfind(b"<w:p")
    while at >= 0 and data[at + 4:at + 5] not in (b">", b" "):
        at = data.rfind(b"<w:p", 0, at)
    return at


def _segments(inner, tags: re.Pattern, p_name) -> tuple[list, list, list[tuple[int, ...]]] | None:
    """``inner`` (a body's content) cut into frames and runs: ``frames[0] runs[0] frames[1] … runs[-1]
    frames[-1]``; a run is one or more paragraphs with nothing between them, a frame what lies between
    two runs (possibly nothing at the very start or end). Also where each paragraph of each run starts in
    it, and the run's length last. None for what this cutting does not follow: comments, processing
    instructions, CDATA, unbalanced tags."""
    if any(mark in inner for mark in ((b"<!", b"<?") if isinstance(inner, bytes) else ("<!", "<?"))):
        return None
    cuts, starts = [], []  # cuts: start and end of each run; starts: its paragraphs' starts
    depth, para_depth, run_end = 0, None, -1
    for m in tags.finditer(inner):
        close, name, single = m.group(1), m.group(2), m.group(3)
        if close:
            depth -= 1
            if depth < 0:
                return None
            if para_depth is not None and depth == para_depth:
                para_depth = None
                run_end = cuts[-1] = m.end()
        elif para_depth is None and name == p_name:
            if m.start() == run_end:  # follows the last paragraph directly: the same run
                starts[-1].append(m.start())
            else:
                cuts += [m.start(), m.start()]
                starts.append([m.start()])
            if single:
                run_end = cuts[-1] = m.end()
            else:
                para_depth = depth
                depth += 1
        elif not single:
            depth += 1
    if depth or para_depth is not None:
        return None
    bounds = [0, *cuts, len(inner)]
    pieces = [inner[a:b] for a, b in zip(bounds, bounds[1:])]
    offsets = [tuple(x - run[0] for x in run) + (end - run[0],) for run, end in zip(starts, cuts[1::2])]
    return pieces[0::2], pieces[1::2], offsets


def _measured(style: str | None, ref: "_Reference", i: int) -> bool:
    """Whether the geometry reads a paragraph of ``style`` in run ``i`` of the reference (the label of
    "Kính gửi" only for a run of the body itself, when a list follows it)."""
    return style in MEASURED_ROLES or (ref.top[i] and ref.has_list and style == LABEL_ROLE)


@dataclass(frozen=True)
class _Reference:
    start: str  # the body's start tag as Jinja wrote it
    end: str  # and its end tag
    raw_frames: tuple[str, ...]  # as Jinja wrote them
    raw_runs: tuple[str, ...]
    frames: tuple[bytes, ...]  # after the whole pass
    runs: tuple[bytes, ...]
    pre: bytes  # the serialised document up to the body's content
    post: bytes  # and after it
    raw_offsets: tuple[tuple[int, ...], ...]  # each run: where its paragraphs start as Jinja wrote them, its end
    offsets: tuple[tuple[int, ...] | None, ...]  # the same after the whole pass (None: it has other paragraphs)
    roles: tuple[tuple[str | None, ...], ...]  # each run: its paragraphs' styles
    measured: tuple[bool, ...]  # each run: in a cell the geometry reads
    top: tuple[bool, ...]  # each run: of the body itself (not in a table)
    keep_run: int | None  # the run whose last paragraph keeps with the signature table
    has_list: bool  # a "Kính gửi" list: its label's font matters

    @cached_property
    def measured_roles(self) -> tuple[frozenset[str], ...]:
        """Each run: the styles of the paragraphs the geometry reads there (``_measured``)."""
        return tuple(frozenset(s for s in (*MEASURED_ROLES, LABEL_ROLE) if _measured(s, self, i))
                     for i in range(len(self.runs)))

    @cached_property
    def measured_styles(self) -> tuple[frozenset[bytes], ...]:
        """The same, as written in ``w:pStyle`` (looked for in a run's bytes)."""
        return tuple(frozenset(s.encode("utf-8") for s in roles) for roles in self.measured_roles)


class BlockMemo:
    """One template's reference letter (see the module docstring)."""

    def __init__(self, head: str, tail: str, parser: etree.XMLParser, listing, shipped: bool = False):
        self._head, self._tail, self._parser, self._listing = head, tail, parser, listing
        self._shipped = shipped  # one of our own templates, unchanged: its runs are written as lxml writes them
        self._ref: _Reference | None = None
        self._pending: tuple | None = None  # the first letter, cut into blocks only when a second one comes
        self._marked: dict[bytes, bytes | bool] = {}  # paragraph properties -> as keep_with_next leaves them

    @property
    def shipped(self) -> bool:
        """The template is one of ours, unchanged (``sandbox.shipped``)."""
        return self._shipped

    @property
    def wanted(self) -> bool:
        """Whether the engine should give the next letter rendered the whole way to ``remember``."""
        return self._ref is None and self._pending is None

    def paragraphs(self, document) -> list | None:
        """Before the geometry: the paragraphs of the body that are not inside another paragraph, in order."""
        body = document.find(_BODY)
        if body is None:
            return None
        return [p for p in body.iter(_P) if next(p.iterancestors(_P), None) is None]

    def remember(self, raw: str, document, before: list, done: bytes) -> None:
        """Keep the letter just rendered the whole way as the reference, if it can be cut: ``raw`` as Jinja
        wrote the body, ``document`` after the geometry, ``before`` its ``paragraphs`` taken before the
        geometry, ``done`` its bytes. It is cut when a second letter comes (a single build never needs it)."""
        if self.wanted and not _new_blocks(raw):
            self._pending = (raw, document, before, done)

    def _cut(self, raw: str, document, before: list, done: bytes) -> None:
        """The reference, from the letter ``remember`` kept (if it can be cut)."""
        found = _RAW_BODY.match(raw)
        opening = _DONE_BODY.search(done)
        body = document.find(_BODY)
        if found is None or opening is None or body is None or before is None:
            return
        content_start = done.index(b">", opening.start()) + 1
        closing = b"</" + done[opening.start() + 1:opening.end() - 1] + b">"
        content_end = done.rfind(closing)
        raw_cut = _segments(found.group(2), _TAG_STR, "w:p")
        done_cut = _segments(done[content_start:content_end], _TAG_BYTES, b"w:p") if content_end >= content_start else None
        if raw_cut is None or done_cut is None or len(raw_cut[1]) != len(done_cut[1]):
            return
        raw_frames, raw_runs, raw_offsets = raw_cut
        counts = [len(o) - 1 for o in raw_offsets]
        if sum(counts) != len(before) or any("xmlns" in frame for frame in raw_frames):
            return
        containers, first = [], 0
        for count in counts:
            group = before[first:first + count]
            first += count
            if any(p.getparent() is not group[0].getparent() for p in group):
                return
            containers.append(group[0].getparent())
        measured = measured_cells(body)
        children = list(body)
        target = keep_next_target([child.tag for child in children])
        keep_run = None
        if target is not None:
            keep_run = next((i for i, c in enumerate(containers) if c is body and children[target] in
                             before[sum(counts[:i]):sum(counts[:i + 1])]), None)
            if keep_run is None:  # the paragraph the geometry marks was not found in a run
                return
        self._ref = _Reference(
            found.group(1), found.group(3), tuple(raw_frames), tuple(raw_runs), tuple(done_cut[0]),
            tuple(done_cut[1]), done[:content_start], done[content_end:], tuple(raw_offsets),
            tuple(o if len(o) == len(r) else None for o, r in zip(done_cut[2], raw_offsets)),
            tuple(tuple(role(q) for q in before[sum(counts[:i]):sum(counts[:i + 1])]) for i in range(len(counts))),
            tuple(c in measured for c in containers), tuple(c is body for c in containers), keep_run,
            any(role(p) == StyleId.RECIPIENT_LIST for p in body.iterchildren(_P)))

    def take(self, raw: str) -> bytes | None:
        """The document's bytes for a body Jinja wrote as ``raw``, from the reference; None when the letter
        must go the whole way."""
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self._cut(*pending)
        ref = self._ref
        if ref is None or _new_blocks(raw):
            return None
        found = _RAW_BODY.match(raw)
        if found is None or found.group(1) != ref.start or found.group(3) != ref.end:
            return None
        inner = found.group(2)
        frames, runs = ref.raw_frames, ref.raw_runs
        out, changed = [ref.pre], []
        pos = 0
        for i, frame in enumerate(frames):
            if not inner.startswith(frame, pos):
                return None
            pos += len(frame)
            out.append(ref.frames[i])
            if i == len(runs):
                break
            run, following = runs[i], frames[i + 1]
            if inner.startswith(run, pos) and inner.startswith(following, pos + len(run)):
                pos += len(run)
                out.append(ref.runs[i])
                continue
            if ref.measured[i]:
                return None
            end = inner.find(following, pos) if following else len(inner)
            if end < 0:
                return None
            changed.append((len(out), i, inner[pos:end]))
            out.append(b"")
            pos = end
        if pos != len(inner):
            return None
        if changed and not self._fill(out, changed, ref):
            return None
        out.append(ref.post)
        return b"".join(out)

    @staticmethod
    def _trim(text: str, ref: _Reference, i: int) -> tuple[bytes, str, bytes, bool] | None:
        """A changed run ``i``: the reference's paragraphs it starts and ends with (as the whole pass made them),
        the paragraphs between (as Jinja wrote them), and whether its last paragraph is among those; None
        when a paragraph the geometry measures is among those the letter changes or no longer has, or when
        the paragraph the reference kept with the signature would stay but no longer be the run's last."""
        old, raw_at, done_at = ref.raw_runs[i], ref.raw_offsets[i], ref.offsets[i]
        n = len(raw_at) - 1
        first = 0
        if done_at is not None:
            while first < n and text.startswith(old[raw_at[first]:raw_at[first + 1]], raw_at[first]):
                first += 1
        last, end = n, len(text)
        if done_at is not None:
            while last > first and text.endswith(old[raw_at[last - 1]:raw_at[last]], raw_at[first], end):
                end -= raw_at[last] - raw_at[last - 1]
                last -= 1
        if not ref.measured_roles[i].isdisjoint(ref.roles[i][first:last]):  # those it does not have as they were
            return None
        if done_at is None:
            return b"", text, b"", True
        to_end = last == n  # no paragraph of the reference's end is kept: the run ends with changed ones
        if i == ref.keep_run and to_end and (first == n or end == raw_at[first]):
            return None  # the reference's last paragraph (kept with the signature) is kept but no longer last
        return (ref.runs[i][:done_at[first]], text[raw_at[first]:end], ref.runs[i][done_at[last]:],
                to_end and end > raw_at[first])

    def _as_written(self, text: str, ref: _Reference, i: int, keep: bool) -> bytes | None:
        """A changed run of one of our own templates as the whole pass would write it, taken from what Jinja
        wrote; None when the run must be parsed.

        Our templates are written by lxml (``scripts/build_template.py``, checked by the digest in
        ``data/templates.json``: their markup is lxml's, with no comment, entity or namespace declaration in a
        paragraph) and print every value in text, escaped by markupsafe (``&amp; &lt; &gt; &#34; &#39;``, the
        only references a value brings). lxml writes the same text but for the two quotes (raw in its text)
        and an empty value's text element (``<w:t></w:t>``, ``<w:t/>`` in lxml's): both are written here as
        lxml writes them. A value with a carriage return or a control character (``_UNEXPECTED``) is parsed.
        No run of ours holds a table or a section: in our templates each lies outside every condition and loop
        (tests/test_block_memo.py), and a value cannot bring one (it is escaped), so every letter has each as
        often as the reference, whose frames hold them all; the frames taken are the reference's, so the runs
        between them hold none. The paragraph that keeps with the signature is parsed alone and marked by the
        geometry's own function."""
        data = text.encode("utf-8")  # searched as bytes: a byte search is several times faster than in Vietnamese text
        if b"#" in data:  # one byte looked for: far faster than the two of "&#"
            data = data.replace(b"&#34;", b'"').replace(b"&#39;", b"'")
        if b"></w:t>" in data:  # an empty text element (a value's text is escaped: no ">" of its own)
            data = data.replace(b'<w:t xml:space="preserve"></w:t>', b'<w:t xml:space="preserve"/>')
            data = data.replace(b"<w:t></w:t>", b"<w:t/>")
        if len(data.translate(None, _UNEXPECTED)) != len(data):
            return None
        measured = ref.measured_styles[i]
        if measured and not measured.isdisjoint(_ROLE_RE.findall(data)):
            return None
        if not keep:
            return data
        at = _last_paragraph(data)
        kept = self._kept(data[at:]) if at >= 0 else None
        return None if kept is None else data[:at] + kept

    def _kept(self, paragraph: bytes) -> bytes | None:
        """One paragraph of our templates with keepNext, as lxml writes it: its properties (``w:pPr``, what
        ``keep_with_next`` changes, the paragraph's first child in lxml's writing) are parsed on their own,
        marked by the geometry's function and written back in place; None for any other shape."""
        start = paragraph.find(b">") + 1  # after the paragraph's start tag
        if paragraph.startswith(b"<w:pPr/>", start):
            end = start + len(b"<w:pPr/>")
        elif paragraph.startswith(b"<w:pPr>", start):
            end = paragraph.find(b"</w:pPr>", start) + len(b"</w:pPr>")
        else:
            end = start  # no properties: keep_with_next gives it some, first
        if end < start or b"<w:pPr" in paragraph[end:] or not paragraph.startswith((b"<w:p>", b"<w:p ")):
            return None
        properties = paragraph[start:end]
        marked = self._marked.get(properties)
        if marked is None:
            marked = self._keep_next(properties)
            if len(self._marked) < 64:  # a campaign's paragraph before the signature has one or two shapes
                self._marked[properties] = marked
        return None if marked is False else paragraph[:start] + marked + paragraph[end:]

    def _keep_next(self, properties: bytes) -> bytes | bool:
        """A paragraph's properties (``w:pPr`` as lxml writes it, or nothing) marked by ``keep_with_next``, written
        as lxml writes them; False for what does not come back in that shape."""
        try:
            wrapper = etree.fromstring(_W_OPEN + b"<w:p>" + properties + b"</w:p>" + _W_CLOSE, self._parser)
        except etree.XMLSyntaxError:
            return False
        keep_with_next(wrapper[0])
        whole = etree.tostring(wrapper, encoding="UTF-8")
        opening, closing = _W_OPEN + b"<w:p>", b"</w:p>" + _W_CLOSE
        if not (whole.startswith(opening) and whole.endswith(closing)):
            return False
        return whole[len(opening):len(whole) - len(closing)]

    def _fill(self, out: list, changed: list, ref: _Reference) -> bool:
        """Parse the changed runs (strictly, in one document), check what the geometry would do with them, and
        put their serialised paragraphs into ``out``; False when the letter must go the whole way."""
        jobs = []  # (slot in out, run, text to parse, its last paragraph keeps with the signature, kept around it)
        for slot, i, text in changed:
            trimmed = self._trim(text, ref, i)
            if trimmed is None:
                return False
            kept_start, text, kept_end, last_here = trimmed
            keep = i == ref.keep_run and last_here
            if keep and not text:
                return False  # the paragraph before the signature is no longer the one the reference marked
            text = self._listing(text)
            written = self._as_written(text, ref, i, keep) if self._shipped and text else None
            if written is not None or not text:
                out[slot] = kept_start + (written or b"") + kept_end
            else:
                jobs.append((slot, i, text, keep, kept_start, kept_end))
        if not jobs:
            return True
        source = "".join(f"<{_WRAP}>{job[2]}</{_WRAP}>" for job in jobs)
        try:
            mini = etree.fromstring((self._head + ref.start + source + ref.end + self._tail).encode("utf-8"),
                                    self._parser)
        except etree.XMLSyntaxError:
            return False  # the whole way reports it
        body = mini.find(_BODY)
        wrappers = list(body) if body is not None else []
        if len(wrappers) != len(jobs) or (body.text or "").strip() or next(body.iter(*_MEASURED_TAGS), None) is not None:
            return False
        for (_, i, _, keep, _, _), wrapper in zip(jobs, wrappers):
            paragraphs = list(wrapper)
            if wrapper.tag != qn(_WRAP) or wrapper.tail or wrapper.text or any(p.tag != _P or p.tail for p in paragraphs):
                return False
            if any(_measured(role(p), ref, i) for p in paragraphs):
                return False
            if keep:
                if not paragraphs:
                    return False
                keep_with_next(paragraphs[-1])
        whole = etree.tostring(mini, encoding="UTF-8", standalone=True)
        if not (whole.startswith(ref.pre) and whole.endswith(ref.post)) or whole.count(b"<" + _WRAP.encode()) != len(jobs):
            return False
        pos = len(ref.pre)
        for slot, _, _, _, kept_start, kept_end in jobs:  # each wrapper's content: the count above leaves no other
            if whole.startswith(_EMPTY, pos):
                pos += len(_EMPTY)
                out[slot] = kept_start + kept_end
                continue
            if not whole.startswith(_OPEN, pos):
                return False
            end = whole.find(_CLOSE, pos)
            out[slot] = kept_start + whole[pos + len(_OPEN):end] + kept_end
            pos = end + len(_CLOSE)
        return pos == len(whole) - len(ref.post)
