"""The words of a Quyết định (Nghị định 30/2020, Phụ lục III, Mẫu 1.2 and 1.3): plain data, no XML.

Mẫu 1.2 (quyết định quy định trực tiếp) prints, under the title block (tên loại "QUYẾT ĐỊNH",
trích yếu, rule — the layout of a typed document), in this order:

1. the issuing authority (``tham_quyen``), centred, bold, upper case: "CHỦ TỊCH ỦY BAN NHÂN DÂN
   TỈNH LẠNG SƠN" when the head of the body decides, "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN" when the body
   (its collective leadership) does (Mẫu 1.2, note 6). Not typed, it is derived from the signature:
   ``TM.`` signs for the body, so the line is the body's name (``co_quan_ban_hanh``); any other
   signature (the head in person, ``KT.``, ``Q.``, ``TL.``, ``TUQ.``) acts for the head, whose title is
   the first line of ``chuc_vu``: that title, then the body's name;
2. the grounds, italic, one a line: each "Căn cứ …;" and then "Theo đề nghị của … ." — the last of
   them ends with "." (§II.6.a; the sample puts "Theo đề nghị" last);
3. "QUYẾT ĐỊNH:" centred, bold;
4. the articles, numbered by dispatch: "Điều 1." in bold, then the article's text in normal weight,
   indented like any paragraph (Mẫu 1.2: an article of a decision has no title);
5. Nơi nhận begins "- Như Điều N;" where N is the article that names who executes the decision —
   the last one (Mẫu 1.2: "Nơi nhận: - Như Điều …;"); a decision has no Kính gửi, so no "Như trên".

Mẫu 1.3 (quyết định ban hành, phê duyệt a Quy chế, Quy định, …) has the same decision, whose
Điều 1 says "Ban hành kèm theo Quyết định này …"; the attached text follows on its own pages:
its tên loại, its trích yếu, the line "(Kèm theo Quyết định số …/QĐ-… ngày … của …)" (italic,
centred), a rule, then its own chapters and articles, numbered from 1.
"""
from __future__ import annotations

import re

from generator.wording.inline import Span

DECIDES = "QUYẾT ĐỊNH:"  # Mẫu 1.2, 1.3: the line between the grounds and the articles
ON_PROPOSAL = "Theo đề nghị của"  # Mẫu 1.2: the last line of the grounds
ARTICLE = "Điều {n}."  # bold, then the article's text
AS_ARTICLE = "Như Điều {n}"  # first line of Nơi nhận: those the executing article names
ATTACHED_REFERENCE = "(Kèm theo Quyết định {number} {date} của {organ})"  # Mẫu 1.3, the attached text

# paragraph kinds a decision adds to a Letter (the template gives each its style)
AUTHORITY_KIND = "tham_quyen"  # the issuing authority line
DECIDES_KIND = "quyet_dinh"  # "QUYẾT ĐỊNH:"
ARTICLE_KIND = "dieu_qd"  # an article of the decision: "Điều N." bold + its text
GROUNDS_KIND = "can_cu"  # căn cứ and "Theo đề nghị" (italic)

_TYPED_PROPOSAL = re.compile(r"^\s*theo\s+đề\s+nghị\s+(của\s+)?", re.IGNORECASE)
_AS_ARTICLE_ITEM = re.compile(r"^\s*như\s+điều\s+(\d+)\s*$", re.IGNORECASE)


def authority_line(typed: str | None, signer_authority: str | None, titles: list[str], organ: list[str]) -> str:
    """The line of the issuing authority, upper case (see the module docstring for the derivation)."""
    if typed:
        return " ".join(typed.split()).upper()
    body = " ".join(" ".join(organ).split()).upper()
    if signer_authority == "TM.":
        return body
    head = " ".join(titles[0].split()).upper()
    for prefix in ("TM.", "KT.", "Q.", "TL.", "TUQ."):
        head = head.removeprefix(prefix + " ")
    return body if head == body or body.startswith(head + " ") else f"{head} {body}"


def proposal_line(text: str) -> str:
    """``Giám đốc Sở …`` -> ``Theo đề nghị của Giám đốc Sở …`` (without its end punctuation)."""
    text = re.sub(r"\s*[;,.]+$", "", " ".join(text.split()))
    return f"{ON_PROPOSAL} {_TYPED_PROPOSAL.sub('', text)}"


def article_spans(number: int, spans: tuple[Span, ...]) -> tuple[Span, ...]:
    """``Điều N.`` bold, a space, then the article's text as written (the model refuses a typed number)."""
    return (Span(ARTICLE.format(n=number), True, False), Span(" ", False, False)) + tuple(s for s in spans if s.text)


def as_article(number: int) -> str:
    return AS_ARTICLE.format(n=number)


def typed_as_article(item: str) -> int | None:
    """The number in a Nơi nhận item "Như Điều 3" the clerk typed, or None."""
    found = _AS_ARTICLE_ITEM.match(re.sub(r"^\s*[-–]\s*|\s*[;,.]+$", "", item))
    return int(found.group(1)) if found else None


def attached_reference(number_line: str, date_text: str, organ: str) -> str:
    """Mẫu 1.3: ``(Kèm theo Quyết định số 12/QĐ-UBND ngày 05 tháng 01 năm 2027 của Ủy ban nhân dân tỉnh …)``."""
    number = number_line.replace("Số:", "số").strip()
    return ATTACHED_REFERENCE.format(number=number, date=date_text, organ=organ)
