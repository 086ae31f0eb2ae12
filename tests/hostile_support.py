"""Shared pieces of the hostile-input tests: a good input as a dict, and a strict DOCX reader."""
from __future__ import annotations

import copy
import io
import re
import textwrap
import zipfile
from pathlib import Path

import yaml
from docx import Document
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "cong-van.docx"

# a letter about every commune of a table (``{table}``), with ``{extra}`` lines after ``danh_gia``'s
TABLE_LETTER = textwrap.dedent("""\
    co_quan_ban_hanh: [ỦY BAN NHÂN DÂN, HUYỆN HỮU LŨNG]
    ky_hieu: UBND-NN
    dia_danh: Hữu Lũng
    ngay: 20/9/2024
    trich_yeu: kết quả thực hiện tiêu chí
    kinh_gui: UBND các xã
    noi_dung:
      - ket_qua: tat_ca
      - Đề nghị các xã thực hiện.
    nguoi_ky: {{quyen_han: Q., chuc_vu: [CHỦ TỊCH], ho_ten: Dương Thị Hạnh}}
    danh_gia:
      bo_tieu_chi: xa_ntm_2021_2025
      bang: {table}
    {extra}""")

GOOD = {
    "co_quan_chu_quan": "UBND TỈNH LẠNG SƠN",
    "co_quan_ban_hanh": "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
    "so": 5,
    "ky_hieu": "SNNMT-PTNT",
    "dia_danh": "Lạng Sơn",
    "ngay": "05/01/2026",
    "trich_yeu": "rà soát tiêu chí nông thôn mới",
    "kinh_gui": "UBND các xã",
    "noi_dung": ["Đề nghị UBND các xã rà soát."],
    "nguoi_ky": {"chuc_vu": ["GIÁM ĐỐC"], "ho_ten": "Nguyễn Văn A"},
    "luu": "VT, PTNT",
}

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
STRICT = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=False, huge_tree=False)
VIETNAMESE = re.compile("[ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]")


def good() -> dict:
    return copy.deepcopy(GOOD)


def write_yaml(path: Path, data: dict) -> Path:
    """``data`` as YAML, escaped by PyYAML itself (what cannot stand raw is written as an escape)."""
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def strict_text(docx: bytes) -> str:
    """Every paragraph's text of every part, after checking the package strictly.

    The zip's CRCs hold, every XML part parses without recovery, python-docx opens the file,
    and a run of text with leading or trailing spaces says ``xml:space="preserve"`` (Word
    would drop the spaces otherwise). ``w:br`` reads as a newline, ``w:tab`` as a tab.
    """
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        assert z.testzip() is None
        texts = []
        for name in z.namelist():
            if not name.endswith((".xml", ".rels")):
                continue
            root = etree.fromstring(z.read(name), STRICT)
            if not name.startswith("word/"):
                continue
            for t in root.iter(f"{W}t"):
                if t.text and t.text != t.text.strip(" ") and t.get(XML_SPACE) != "preserve":
                    raise AssertionError(f"{name}: <w:t> with outer spaces but no xml:space=preserve: {t.text!r}")
            for p in root.iter(f"{W}p"):
                line = ""
                for el in p.iter(f"{W}t", f"{W}br", f"{W}tab", f"{W}cr"):
                    if el.tag == f"{W}t":
                        line += el.text or ""
                    else:
                        line += "\t" if el.tag == f"{W}tab" else "\n"
                texts.append(line)
    Document(io.BytesIO(docx))
    return "\n".join(texts)


def with_payload(payload: str, out: Path, part: str = "word/document.xml", anchor: str = "{{ signer_name }}") -> Path:
    """A copy of the shipped template whose ``part`` has ``payload`` right after ``anchor`` (tags kept intact)."""
    with zipfile.ZipFile(TEMPLATE) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == part:
                xml = data.decode("utf-8")
                assert anchor in xml
                data = xml.replace(anchor, anchor + payload.replace("&", "&amp;").replace("<", "&lt;"), 1).encode()
            dst.writestr(info, data)
    return out
