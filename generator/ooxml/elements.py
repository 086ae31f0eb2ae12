"""Text patterns that recognise the parts of a letter, for the one classifier ``ooxml/parts.py``.

``parts.classify`` decides with them which paragraph is which part; ``dispatch lint``
(``lint/elements.py``) and ``dispatch text``/``diff`` (``review/labelling.py``) both take its
decisions, so both read a letter alike.

The patterns take text that may begin with spaces and are case-insensitive; use
``match`` for "the line starts with", ``search`` for "the line holds".
"""
from __future__ import annotations

import re

# "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM": either spelling of "hòa/hoà", spaces optional.
QUOC_HIEU = re.compile(r"c[ộô]ng\s*h(?:òa|oà|oa)\s*x[ãa]\s*h[ộô]i\s*ch[ủu]\s*ngh[ĩi]a\s*vi[ệe]t\s*nam", re.I)
# "Độc lập - Tự do - Hạnh phúc", with any dash (or none) between the words.
TIEU_NGU = re.compile(r"độc\s*lập\s*[-–—‒−]*\s*tự\s*do\s*[-–—‒−]*\s*hạnh\s*phúc", re.I)
# The place-and-date line: "…, ngày … tháng … năm …".
DATE_LINE = re.compile(r"ngày\b.*\btháng\b.*\bnăm\b", re.I)
KINH_GUI = re.compile(r"^\s*kính\s+gửi", re.I)
NOI_NHAN = re.compile(r"^\s*nơi\s+nhận", re.I)

# The patterns are lenient where a lint must *find* a part to report what is wrong with it:
# - "Số" with its colon or without, before a slash ("Số 12/UBND", to report the missing colon);
# - the subject of a công văn: the decree's "V/v" under Số (``VV``); a spelled-out "Về việc" in
#   the body is labelled as a subject for readers (``TRICH_YEU``), not judged as one;
# - a list line ("Kính gửi", "Nơi nhận"): any dash, the wrong em dash included (it is reported),
#   "+" or "•" (``DASH``);
# - the date line: ``DATE_LINE``, failing that any "ngày <digit>" line (``DATE_ANY``) to report
#   its form; the day, month and year are read out of it with ``DATE``.

# "Số:" or "Số 12/…", "Số …/": the number line.
SO = re.compile(r"^\s*Số\s*(:|[\s._…]*\d*[\s._…]*/)")
DATE = re.compile(r"ngày\s*(?P<day>[^\s]*?)\s*tháng\s*(?P<month>[^\s]*?)\s*năm\s*(?P<year>[^\s]*)", re.I)
DATE_ANY = re.compile(r"\bngày\s*\d", re.I)
VV = re.compile(r"^\s*v/v\b", re.I)
TRICH_YEU = re.compile(r"^(V/v|Về việc)\b", re.I)
DASH = re.compile(r"^\s*[-–—+•]\s*")
RULE_TEXT = re.compile(r"^\s*_{3,}\s*$")  # a rule typed as underscores
PLACEHOLDER = re.compile(r"^\s*[\(\[].*[\)\]]\s*$|^\s*(đã ký|da ky)\s*$", re.I)  # "(Chữ ký, dấu)", "đã ký"
PHU_LUC = re.compile(r"^Phụ\s+lục\b", re.I)
KEM_THEO = re.compile(r"^\(?\s*Kèm\s+theo\b", re.I)
GHI_CHU = re.compile(r"^Ghi\s+chú\s*:", re.I)
URGENCY = re.compile(r"^(KHẨN|THƯỢNG KHẨN|HỎA TỐC|HOẢ TỐC)$")  # §III.2.b, as printed (upper case)
# Typed documents (Mẫu 1.2-1.4): a căn cứ line, a Quyết định's "QUYẾT ĐỊNH:" line, an article.
CAN_CU = re.compile(r"^\s*Căn\s+cứ\b", re.I)
QUYET_DINH_LINE = re.compile(r"^\s*QUYẾT\s+ĐỊNH\s*:\s*$", re.I)
DIEU = re.compile(r"^\s*(Điều\s+\d+\s*[.:])")
# The marks printed above "Kính gửi" in the letterhead: urgency and secrecy; not body text.
STAMPS = {"KHẨN", "THƯỢNG KHẨN", "HỎA TỐC", "HOẢ TỐC", "MẬT", "TỐI MẬT", "TUYỆT MẬT"}
