"""Text patterns that recognise the parts of a công văn, shared by every reader of a .docx.

``review/labelling.py`` (``dispatch text``/``diff``) uses them to label a paragraph of a
file without our role styles; ``lint/elements.py`` (``dispatch lint``) uses them to find the element
whose layout it checks. Both mean the same line by each pattern here, so both read
a letter alike. Where the two differ on purpose, both patterns are here, with the reason
(the block below the shared ones).

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

# ---------------------------------------------------------------------------------------------
# Where lint and extract read a line differently, on purpose (the one place this is said):
# a lint must *find* the element to report what is wrong with it, so its patterns are lenient;
# ``dispatch text``/``diff`` label a line only when it is plainly that part, so theirs are strict
# where a wrong label would mislead and wider where a clerk's usual variants are still that part.
#
# - "Số": lint takes it with its colon or without, before a slash ("Số 12/UBND", to report the
#   missing colon: ``SO``); extract labels only "Số:" (``SO_COLON``).
# - The subject: lint only the decree's "V/v" (``VV``); extract also a spelled-out "Về việc"
#   (``TRICH_YEU``), which lint then reports as a body line rather than guess.
# - A list line ("Kính gửi", "Nơi nhận"): lint any dash, the wrong em dash included (``DASH``,
#   it reports the dash); extract a dash, "+" or "•" (``LIST_MARK``), the marks clerks type.
# - The date line: both ``DATE_LINE``; lint falls back to any "ngày <digit>" line (``DATE_ANY``)
#   to report its form, and reads the day, month and year out of it (``DATE``).

# "Số:" or "Số 12/…", "Số …/": the number line, as lint finds it.
SO = re.compile(r"^\s*Số\s*(:|[\s._…]*\d*[\s._…]*/)")
SO_COLON = re.compile(r"^Số\s*:", re.I)
DATE = re.compile(r"ngày\s*(?P<day>[^\s]*?)\s*tháng\s*(?P<month>[^\s]*?)\s*năm\s*(?P<year>[^\s]*)", re.I)
DATE_ANY = re.compile(r"\bngày\s*\d", re.I)
VV = re.compile(r"^\s*v/v\b", re.I)
TRICH_YEU = re.compile(r"^(V/v|Về việc)\b", re.I)
DASH = re.compile(r"^\s*[-–—]\s*")
LIST_MARK = re.compile(r"^\s*[-–+•]")
RULE_TEXT = re.compile(r"^\s*_{3,}\s*$")  # a rule typed as underscores
PLACEHOLDER = re.compile(r"^\s*[\(\[].*[\)\]]\s*$|^\s*(đã ký|da ky)\s*$", re.I)  # "(Chữ ký, dấu)", "đã ký"
PHU_LUC = re.compile(r"^Phụ\s+lục\b", re.I)
KEM_THEO = re.compile(r"^\(?\s*Kèm\s+theo\b", re.I)
GHI_CHU = re.compile(r"^Ghi\s+chú\s*:", re.I)
URGENCY = re.compile(r"^(KHẨN|THƯỢNG KHẨN|HỎA TỐC|HOẢ TỐC)$")  # §III.2.b, as printed (upper case)
# The marks printed above "Kính gửi" in the letterhead: urgency and secrecy; not body text.
STAMPS = {"KHẨN", "THƯỢNG KHẨN", "HỎA TỐC", "HOẢ TỐC", "MẬT", "TỐI MẬT", "TUYỆT MẬT"}
