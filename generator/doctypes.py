"""The document types ``dispatch`` knows (Phụ lục III of Nghị định 30/2020): data, not code.

``data/document_types.yaml`` lists each type under its ASCII key (the ``loai:`` a clerk
writes), its name, the tên loại printed in its title block, the abbreviation of its ký
hiệu, and the sample whose layout it follows (``cong_van`` Mẫu 1.5, ``ten_loai`` Mẫu 1.4,
``quyet_dinh`` Mẫu 1.2/1.3). The model (``loai:``), the wording, the templates and lint
all read it from here.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import yaml

from generator import resources

DATA = resources.DATA / "document_types.yaml"
DEFAULT = "cong_van"


@dataclass(frozen=True)
class DocumentType:
    key: str  # cong_van, quyet_dinh, bao_cao, ...
    name: str  # "Báo cáo"
    title: str | None  # "BÁO CÁO" (None for a công văn: it has no tên loại)
    abbreviation: str | None  # "BC", "QyĐ", "TTr" (None for a công văn)
    layout: str  # cong_van | ten_loai | quyet_dinh
    may_address: bool  # may carry "Kính gửi"
    status: str
    source: str


@lru_cache(maxsize=1)
def document_types() -> dict[str, DocumentType]:
    """Every known type by key, in the order of the data file."""
    # libyaml's C parser when PyYAML has it (a shipped file: about ten times faster than PyYAML's own)
    raw = yaml.load(DATA.read_text("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return {
        key: DocumentType(
            key=key,
            name=entry["ten"],
            title=entry["tieu_de"],
            abbreviation=entry["viet_tat"],
            layout=entry["mau"],
            may_address=bool(entry["kinh_gui"]),
            status=entry["status"],
            source=entry["source"],
        )
        for key, entry in raw["types"].items()
    }


def by_title(title: str) -> DocumentType | None:
    """The type whose tên loại is ``title`` (compared upper-cased, spaces collapsed), or None."""
    wanted = unicodedata.normalize("NFC", " ".join(title.split())).upper()
    for doc_type in document_types().values():
        if doc_type.title and doc_type.title == wanted:
            return doc_type
    return None


def by_abbreviation(abbreviation: str) -> DocumentType | None:
    """The type whose Phụ lục III abbreviation is exactly ``abbreviation`` (case kept), or None."""
    for doc_type in document_types().values():
        if doc_type.abbreviation == abbreviation:
            return doc_type
    return None
