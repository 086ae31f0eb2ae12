"""Stage 2: the document model — every line of the letter as the decree words it.

Takes a validated ``Dispatch`` and returns a ``Letter``: plain data (no XML) that
the Word template prints. Each rule here cites its place in Nghị định 30/2020,
Phụ lục I. A công văn (Mẫu 1.5) has "V/v …" under its number; a typed document (Mẫu 1.4,
``loai``) has its tên loại (``doc_title``) and its trích yếu, without "V/v", under the
letterhead. Headings written by level are numbered by ``wording/headings.py``.
"""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, replace

from generator.assessments.results import Assessments
from generator.vi.dates import BLANK
from generator.wording.headings import Numbering
from generator.wording.inline import Span, parse
from generator.model.dispatch import ASSESSMENT_KINDS, HEADING_LEVELS, Dispatch
from generator.wording.sentences import folded, write, write_assignments, write_summary
from generator.wording import decision as qd

END_MARK = "./."  # the official Mẫu 1.5 ends the content with "./."


@dataclass(frozen=True)
class Paragraph:
    """One body paragraph: its kind (``doan``, ``muc``, ``gach``, ``can_cu``, or a heading level's kind from
    ``wording/headings.py``: ``phan``, ``phan_ten``, ``chuong``, ``chuong_ten``, ``la_ma``, ``so``, ``khoan``,
    ``chu``, ``dieu``) and its emphasis spans."""

    kind: str
    spans: tuple[Span, ...]

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass(frozen=True)
class Letter:
    parent_lines: list[str]
    issuer_lines: list[str]
    number_line: str
    date_line: str
    subject: str
    recipient: str | None  # one recipient: same line as "Kính gửi:"
    recipient_lines: list[str]  # two or more: the dashed lines
    paragraphs: list[Paragraph]
    copies_label: str
    copies: list[str]
    titles: list[str]
    signer_name: str
    urgency: str | None = None
    circulation: str | None = None
    address: str | None = None
    # for document properties
    title: str = ""
    author: str = ""
    doc_title: str | None = None  # the tên loại of a typed document ("KẾ HOẠCH"); None for a công văn


_LEADING_DASH = re.compile(r"^\s*[-–]\s+")
_TRAILING_MARKS = re.compile(r"\s*[;,.]+$")


@lru_cache(maxsize=1024)
def _strip_end(text: str) -> str:
    """An item without the punctuation the generator adds (- at the start; ; , . at the end). (Remembered: a
    campaign's letters have the same copies and recipients but for a commune's name.)"""
    return _TRAILING_MARKS.sub("", _LEADING_DASH.sub("", text.strip()))


def punctuated_list(items: list[str], dash: str = "- ") -> list[str]:
    """§II.9.d: each item on its own line, ``-`` first, ``;`` at the end, ``.`` after the last."""
    items = [_strip_end(i) for i in items]
    return [f"{dash}{item}{'.' if n == len(items) - 1 else ';'}" for n, item in enumerate(items)]


def number_line(number: int | None, symbol: str) -> str:
    """§II.3.c: ``Số: 05/UBND-VP`` — below 10 a leading 0; blank number for a draft awaiting registration."""
    shown = f"{number:02d}" if number is not None else BLANK
    return f"Số: {shown}/{symbol}"


def date_line(place: str, date_text: str) -> str:
    """§II.4.c: place name, comma, the date."""
    return f"{place}, {date_text}"


def signature_titles(authority: str | None, titles: list[str]) -> list[str]:
    """§II.7.đ: authority prefix before the first title; all upper case."""
    lines = [t.upper() for t in titles]
    if authority:
        lines[0] = f"{authority} {lines[0]}"
    return lines


# "Lưu: VT, NN" (or "Lưu VT, NN") typed as an item of noi_nhan: the archive line, not a recipient.
# "Lưu" must be followed by a colon or by "VT" (văn thư), so "Lưu trữ lịch sử tỉnh" stays a recipient.
_ARCHIVE_ITEM = re.compile(r"^\s*lưu\s*(?::\s*|(?=vt\b))", re.IGNORECASE)


def _archive_parts(text: str) -> list[str]:
    return [p.strip() for p in _strip_end(_ARCHIVE_ITEM.sub("", text)).split(",") if p.strip()]


def copies_to(has_recipients: bool, others: list[str], archive: str | None) -> list[str]:
    """§II.9.d: ``- Như trên;`` first for a công văn with Kính gửi, one line each, last ``- Lưu: VT, ….``

    A "Lưu: …" the clerk typed among the recipients is recognised like "Như trên": its parts
    join those of ``luu`` (each once, in order), and the letter has one Lưu line, the last.
    ``archive`` None: ``luu`` was not given, so the typed line is used as it is (default ``VT``).
    """
    items = [_strip_end(o) for o in others]
    typed_archives = [i for i in items if _ARCHIVE_ITEM.match(i)]
    items = [i for i in items if i and not _ARCHIVE_ITEM.match(i)]
    if has_recipients and not any(i.lower() == "như trên" for i in items):
        items.insert(0, "Như trên")
    parts = _archive_parts(archive) if archive is not None else []
    for typed in typed_archives:
        parts += [p for p in _archive_parts(typed) if p.lower() not in {q.lower() for q in parts}]
    return [f"- {i};" for i in items] + [f"- Lưu: {', '.join(parts or ['VT'])}."]


def with_end_mark(spans: tuple[Span, ...]) -> tuple[Span, ...]:
    """The last paragraph ends with ``./.`` (added, or completing a final ``.``)."""
    if not spans or spans[-1].text.rstrip().endswith(END_MARK):
        return spans
    last = spans[-1]
    text = last.text.rstrip()
    text = text[:-1] + END_MARK if text.endswith(".") else text + END_MARK
    return spans[:-1] + (Span(text, last.bold, last.italic),)


@dataclass(frozen=True)
class CampaignFacts:
    """What a bulk campaign adds to its letters: who helps with each criterion, and the deadline."""

    assignments: dict[int, str]
    deadline: str | None


def body_paragraphs(dispatch: Dispatch, assessments: Assessments | None = None,
                    campaign: CampaignFacts | None = None) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    letter_sets = _letter_sets(assessments)
    blocks = dispatch.body
    deciding = dispatch.type_info.layout == "quyet_dinh"
    if deciding:  # Mẫu 1.2: authority, grounds, "QUYẾT ĐỊNH:", then the articles (wording/decision.py)
        paragraphs, blocks = _decision_opening(dispatch)
    numbering = Numbering()
    for block in blocks:
        if deciding and block.kind == "dieu":
            for line in block.lines:  # an article of a decision: "Điều N." bold, then its text (no title)
                numbering.heading("dieu", line)
                number = numbering.counts["dieu"]
                paragraphs.append(Paragraph(qd.ARTICLE_KIND, qd.article_spans(number, tuple(parse(line)))))
        elif block.kind in HEADING_LEVELS:
            for line in block.lines:
                for kind, text in numbering.heading(block.kind, line):
                    paragraphs.append(Paragraph(kind, tuple(parse(text))))
        elif block.kind == "tong_hop":
            paragraphs.append(Paragraph("doan", tuple(parse(write_summary(assessments.select(block.lines))))))
        elif block.kind == "phan_cong":
            for commune in assessments.select(block.lines):
                for sentence in write_assignments(commune, assessments.default_set.id, campaign.assignments,
                                                  campaign.deadline, letter_sets=letter_sets):
                    paragraphs.append(Paragraph("gach", tuple(parse("- " + sentence))))
        elif block.kind in ASSESSMENT_KINDS:
            # one dashed item per commune, written from the data by templates/cau/<kind>.j2
            for commune in assessments.select(block.lines):
                sentence = write(block.kind, commune, assessments.default_set.id, letter_sets=letter_sets)
                paragraphs.append(Paragraph("gach", tuple(parse("- " + sentence))))
        elif block.kind == "can_cu":
            # §II.6.a: one căn cứ per line, "Căn cứ" first (unless typed), ";" at the end of each,
            # "." after the last; italic
            for line in punctuated_list([_with_can_cu(line) for line in block.lines], dash=""):
                paragraphs.append(Paragraph("can_cu", tuple(parse(line, italic=True))))
        elif block.kind == "gach":
            for line in block.lines:
                paragraphs.append(Paragraph("gach", tuple(parse("- " + _strip_dash(line)))))
        else:
            for line in block.lines:
                paragraphs.append(Paragraph(block.kind, tuple(parse(line))))
    # the end mark closes the content, never a căn cứ line (which ends its own list with ".")
    at = next((i for i in range(len(paragraphs) - 1, -1, -1) if paragraphs[i].kind != "can_cu"), len(paragraphs) - 1)
    paragraphs[at] = Paragraph(paragraphs[at].kind, with_end_mark(paragraphs[at].spans))
    return paragraphs


_SETS_OF: list = [None, ()]  # the last Assessments seen and its sets: a bulk run asks once per letter


def _letter_sets(assessments: Assessments | None) -> tuple:
    """The sets of all the letter's assessments: a sentence names its set when it could be mistaken."""
    if assessments is None:
        return ()
    if _SETS_OF[0] is not assessments:
        _SETS_OF[:] = [assessments, tuple({c.criteria_set.id: c.criteria_set
                                           for c in assessments.communes.values()}.values())]
    return _SETS_OF[1]


def _decision_opening(dispatch: Dispatch) -> tuple[list[Paragraph], list]:
    """A decision's paragraphs before its first article, and the blocks from that article on.

    The grounds (every ``can_cu`` line, then ``de_nghi``) are one list: ";" after each, "." after the last.
    """
    first = next(i for i, block in enumerate(dispatch.body) if block.kind == "dieu")
    grounds = [_with_can_cu(line) for block in dispatch.body[:first] if block.kind == "can_cu" for line in block.lines]
    grounds += [qd.proposal_line(block.lines[0]) for block in dispatch.body[:first] if block.kind == "de_nghi"]
    authority = qd.authority_line(dispatch.authority_line, dispatch.signer.authority, list(dispatch.signer.titles),
                                  list(dispatch.issuing_organ))
    paragraphs = [Paragraph(qd.AUTHORITY_KIND, (Span(authority, True, False),))]
    paragraphs += [Paragraph(qd.GROUNDS_KIND, tuple(parse(line, italic=True)))
                   for line in punctuated_list(grounds, dash="")]
    paragraphs.append(Paragraph(qd.DECIDES_KIND, (Span(qd.DECIDES, True, False),)))
    return paragraphs, dispatch.body[first:]


def decision_copies(dispatch: Dispatch) -> list[str]:
    """A decision's Nơi nhận before «Lưu»: «Như Điều N» (N: the last article, which names who executes it)
    first, then the others (a «Như Điều N» the clerk typed is that same line: ``decision_problems`` checks N)."""
    articles = sum(len(block.lines) for block in dispatch.body if block.kind == "dieu")
    return [qd.as_article(articles)] + [o for o in dispatch.copies_to if qd.typed_as_article(o) is None]


def _with_can_cu(line: str) -> str:
    """``Luật Tổ chức …`` -> ``Căn cứ Luật Tổ chức …``; a line that already says "Căn cứ" stays."""
    if re.match(r"^\W*căn\s+cứ\b", line, re.IGNORECASE):
        return line
    return f"Căn cứ {line.lstrip()}"


def _strip_dash(text: str) -> str:
    return re.sub(r"^\s*[-–]\s*", "", text)


def build_letter(dispatch: Dispatch, assessments: Assessments | None = None,
                 campaign: CampaignFacts | None = None) -> Letter:
    recipients = list(dispatch.recipients or [])
    single = len(recipients) == 1
    doc_type = dispatch.type_info
    if doc_type.title is None:  # công văn, §II.5.b: "V/v" then the trích yếu, under the number
        subject, title = f"V/v {dispatch.subject}", f"V/v {folded(dispatch.subject)}"
    else:  # Mẫu 1.4, §II.5.a: the tên loại, then the trích yếu as typed (no "V/v")
        subject, title = dispatch.subject, f"{doc_type.name}: {folded(dispatch.subject)}"
    return Letter(
        parent_lines=[line.upper() for line in dispatch.parent_organ or []],
        issuer_lines=[line.upper() for line in dispatch.issuing_organ],
        number_line=number_line(dispatch.number, dispatch.symbol),
        date_line=date_line(dispatch.place, dispatch.date.text()),
        subject=subject,
        recipient=_strip_end(recipients[0]) if single else None,
        recipient_lines=[] if single else punctuated_list(recipients),
        paragraphs=body_paragraphs(dispatch, assessments, campaign),
        copies_label="Nơi nhận:",
        copies=copies_to(bool(recipients),
                         decision_copies(dispatch) if dispatch.type_info.layout == "quyet_dinh" else list(dispatch.copies_to),
                         dispatch.archive if "archive" in dispatch.model_fields_set else None),
        titles=signature_titles(dispatch.signer.authority, list(dispatch.signer.titles)),
        signer_name=dispatch.signer.name,
        urgency=dispatch.urgency,
        circulation=dispatch.circulation.upper() if dispatch.circulation else None,
        address=dispatch.address,
        title=title,
        author=" ".join(dispatch.issuing_organ).upper(),
        doc_title=doc_type.title,
    )


def attached_letter(dispatch: Dispatch, letter: Letter) -> Letter:
    """Mẫu 1.3: the text a decision promulgates (``kem_theo``), as a letter of its own for the same template.

    It has the decision's letterhead without number and date, its own tên loại and trích yếu, its own
    headings numbered from 1, and neither Nơi nhận nor signature (``render/attached.py`` takes away what
    the template prints for them and adds the line «(Kèm theo Quyết định số … của …)»).
    """
    text = dispatch.attached
    own = dispatch.model_copy(update={"doc_type": text.doc_type, "body": text.body, "annex": None, "attached": None})
    return replace(
        letter, number_line="", date_line="", subject=text.subject, doc_title=own.type_info.title,
        recipient=None, recipient_lines=[], paragraphs=body_paragraphs(own), copies_label="", copies=[], titles=[],
        signer_name="", urgency=None, circulation=None, address=None,
    )
