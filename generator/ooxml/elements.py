"""Text patterns that recognise the parts of a công văn, shared by every reader of a .docx.

``extract.py`` (``dispatch text``/``diff``) uses them to label a paragraph of a file
without our role styles; ``lint.py`` (``dispatch lint``) uses them to find the element
whose layout it checks. Both mean the same line by each pattern here, so both read
a letter alike. Patterns that differ on purpose stay in their module, with the reason.

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
