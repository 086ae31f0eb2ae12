"""Read an assessment table (CSV or Excel): one row per commune, one column per criterion.

This is the table staff already keep. Headers: ``Xã`` (or ``Tên xã``), optionally
``Bộ tiêu chí``, ``Số tiêu chí đạt``, ``Năm phấn đấu``, ``Hạn``, ``Nhóm xã`` (or
``Nhóm``: 1, 2, 3 or «Nhóm 2»), ``Bộ tiêu chí lần trước`` (the set the ``sg`` marks were
judged under; it must be the row's own set), ``TT``/``STT``/``Ghi chú`` (ignored), and
one column per criterion named ``1`` … ``19``, ``TC1`` or ``Tiêu chí 1``.
Marks (any case): ``x``, ``Đạt``, ``1`` = met; empty, ``0``, ``-``, ``—``, ``–``,
``Chưa``, ``Chưa đạt``, ``Không đạt``, ``K`` = not met; ``sg``/``Sụt giảm`` = met
before, lost since (fell back). Any other mark is refused with its sheet, row and column.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .assessment import CommuneAssessment, PreviousInput, check_commune
from .criteria import CriteriaSet
from .dates import IssueDate
from .yaml_source import clean_text
from .exceptions import Problem, display_path

MAX_BYTES = 20 * 1024 * 1024
MET = {"x", "đạt", "dat", "1", "có", "✓", "✔", "v"}
NOT_MET = {"", "0", "-", "—", "–", "chưa đạt", "chưa", "không", "không đạt", "k"}
FELL_BACK = {"sg", "sụt giảm", "sut giam", "sụt"}
NAME_HEADERS = {"xã", "tên xã", "xa", "ten xa", "ten", "tên", "đơn vị"}
SET_HEADERS = {"bộ tiêu chí", "bo_tieu_chi", "bo tieu chi"}
COUNT_HEADERS = {"số tiêu chí đạt", "so_tieu_chi_dat", "tổng số tiêu chí đạt", "tổng"}
YEAR_HEADERS = {"năm phấn đấu", "nam_phan_dau"}
DEADLINE_HEADERS = {"hạn", "hạn hoàn thành", "han"}
GROUP_HEADERS = {"nhóm xã", "nhóm", "nhom", "nhom xa", "nhom_xa"}
PREVIOUS_SET_HEADERS = {"bộ tiêu chí lần trước", "bo_tieu_chi_lan_truoc", "bo tieu chi lan truoc"}
_GROUP = re.compile(r"(?:nhóm\s*)?(\d{1,2})", re.IGNORECASE)
IGNORED_HEADERS = {"tt", "stt", "ghi chú", "ghi_chu", "ghi chu"}
_CRITERION = re.compile(r"^(?:tc|tiêu chí số|tiêu chí|tieu chi)?\s*\.?\s*(\d{1,2})$")


@dataclass(frozen=True)
class TableRow:
    assessment: CommuneAssessment | None
    where: str
    locate_name: Callable[[str], Problem]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def _read_cells(path: Path, sheet: str | None) -> tuple[list[list], str | None]:
    """All rows as lists of cell values, and the sheet name (None for CSV)."""
    shown = display_path(path)
    if not path.exists():
        raise _fail(shown, "không tìm thấy tệp bảng đánh giá")
    if path.stat().st_size > MAX_BYTES:
        raise _fail(shown, f"tệp quá lớn (tối đa {MAX_BYTES // 1024 // 1024} MB)")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _fail(shown, "tệp CSV không phải UTF-8; trong Excel hãy lưu bằng «CSV UTF-8»") from None
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        return [row for row in csv.reader(io.StringIO(text), dialect)], None
    if suffix in (".xlsx", ".xlsm"):
        import openpyxl

        from .docx_guard import DocxReadError, check_spreadsheet

        try:
            check_spreadsheet(path)  # zip bomb, DTD/XXE, a half-saved file: before openpyxl reads it
        except DocxReadError as err:
            raise _fail(shown, f"không đọc được tệp Excel: {err}") from None
        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise _fail(shown, f"không đọc được tệp Excel (tệp hỏng hoặc chưa lưu xong: {type(exc).__name__})") from None
        try:
            if sheet is not None and sheet not in book.sheetnames:
                raise _fail(shown, f"không có trang tính «{sheet}»; các trang: {', '.join(book.sheetnames)}")
            ws = book[sheet] if sheet else book.worksheets[0]
            return [list(row) for row in ws.iter_rows(values_only=True)], ws.title
        finally:
            book.close()
    if suffix == ".xls":
        raise _fail(shown, "định dạng Excel cũ .xls không đọc được; hãy lưu lại thành .xlsx")
    raise _fail(shown, "bảng đánh giá phải là tệp .csv hoặc .xlsx")


def _fail(shown: str, message: str):
    from .exceptions import InputError

    return InputError(Problem(message, shown))


def _whole(value, what: str) -> int:
    text = _text(value)
    if not text.isdigit():
        raise ValueError(f"«{text}» không phải {what}")
    return int(text)


def _group(value) -> int:
    match = _GROUP.fullmatch(_text(value))
    if not match:
        raise ValueError(f"«{_text(value)}» không phải số nhóm xã (ví dụ 2 hoặc Nhóm 2)")
    return int(match.group(1))


def _column(index: int, excel: bool) -> str:
    if excel:
        from openpyxl.utils import get_column_letter

        return get_column_letter(index + 1)
    return str(index + 1)


def read_table(path: Path, sheet: str | None, default_set: CriteriaSet,
               set_lookup: Callable[[str, Callable[[str], Problem]], CriteriaSet | None]):
    """Rows of the table as checked assessments, and every problem found (with sheet, row, column)."""
    shown = display_path(path)
    rows, sheet_name = _read_cells(path, sheet)
    excel = sheet_name is not None
    problems: list[Problem] = []

    def place(row: int, col: int | None = None) -> str:
        where = f"trang «{sheet_name}», " if excel else ""
        where += f"hàng {row + 1}"
        return where + (f", cột {_column(col, excel)}" if col is not None else "")

    def problem(row: int, col: int | None, message: str) -> Problem:
        return Problem(message, shown, place=place(row, col))

    header_at = next((i for i, r in enumerate(rows) if any(_text(v) for v in r)), None)
    if header_at is None:
        return [], [Problem("bảng đánh giá trống", shown)]
    columns: dict[str, int] = {}
    criteria_cols: dict[int, int] = {}
    for col, value in enumerate(rows[header_at]):
        head = _text(value).lower()
        match = _CRITERION.match(head)
        if not head or head in IGNORED_HEADERS:
            continue
        if match:
            criteria_cols[col] = int(match.group(1))
        elif head in NAME_HEADERS:
            columns["name"] = col
        elif head in SET_HEADERS:
            columns["set"] = col
        elif head in COUNT_HEADERS:
            columns["count"] = col
        elif head in YEAR_HEADERS:
            columns["year"] = col
        elif head in DEADLINE_HEADERS:
            columns["deadline"] = col
        elif head in GROUP_HEADERS:
            columns["group"] = col
        elif head in PREVIOUS_SET_HEADERS:
            columns["previous_set"] = col
        else:
            problems.append(problem(header_at, col, f"không hiểu tiêu đề cột «{_text(value)}»: dùng «Xã», "
                                                    "«Bộ tiêu chí», «Số tiêu chí đạt», «Nhóm xã» hoặc số tiêu chí "
                                                    "(1, TC1, Tiêu chí 1)"))
    if "name" not in columns:
        problems.append(problem(header_at, None, "thiếu cột «Xã» (tên xã)"))
    if problems:
        return [], problems

    out: list[TableRow] = []
    for r in range(header_at + 1, len(rows)):
        cells = list(rows[r]) + [None] * (len(rows[header_at]) - len(rows[r]))
        if not any(_text(v) for v in cells):
            continue
        name = _text(cells[columns["name"]])
        if not name:
            problems.append(problem(r, columns["name"], "thiếu tên xã"))
            continue
        name, error = clean_text(name)
        if error:  # a control character, bidi override, TCVN3/VNI text: as in the YAML
            problems.append(problem(r, columns["name"], error))
            continue
        row_problems: list[Problem] = []
        criteria_set = default_set
        if "set" in columns and _text(cells[columns["set"]]):
            criteria_set = set_lookup(_text(cells[columns["set"]]),
                                      lambda m, r=r: problem(r, columns["set"], m))
            if criteria_set is None:
                continue
        met, fell = [], []
        known = {c.num for c in criteria_set.criteria}
        for col, num in sorted(criteria_cols.items()):
            mark = _text(cells[col]).lower()
            if mark in MET or mark in FELL_BACK:
                if num not in known:
                    row_problems.append(problem(r, col, f"bộ «{criteria_set.id}» không có tiêu chí số {num}"))
                (met if mark in MET else fell).append(num)
            elif mark not in NOT_MET:
                row_problems.append(problem(r, col, f"«{_text(cells[col])}» không phải dấu đánh giá hợp lệ: "
                                                    "x/Đạt/1 là đạt; để trống, 0, -, —, K, Chưa, Chưa đạt, Không "
                                                    "đạt là chưa đạt; sg là sụt giảm"))
        def optional(key: str, read):
            """The value of an optional column in this row (None if absent or empty), or a problem at its cell."""
            if key not in columns or _text(cells[columns[key]]) == "":
                return None
            try:
                return read(cells[columns[key]])
            except ValueError as exc:
                row_problems.append(problem(r, columns[key], str(exc)))
                return None

        stated = optional("count", lambda v: _whole(v, "một số"))
        year = optional("year", lambda v: _whole(v, "một năm"))
        deadline = optional("deadline", lambda v: IssueDate.parse(v.date() if hasattr(v, "date") else _text(v)))
        group = optional("group", _group)
        previous_set = None
        if "previous_set" in columns and _text(cells[columns["previous_set"]]) and fell:
            previous_set = set_lookup(_text(cells[columns["previous_set"]]),
                                      lambda m, r=r: problem(r, columns["previous_set"], m))
            if previous_set is None:
                continue
        if row_problems:
            problems += row_problems
            continue

        def locate(path: tuple, message: str, r=r) -> Problem:
            key = {"so_tieu_chi_dat": "count", "nhom": "group", "lan_truoc": "previous_set"}.get(path[0] if path else "")
            return problem(r, columns.get(key) if key else None, message)

        previous = PreviousInput.model_validate({"dat": sorted(met + fell)}) if fell else None
        assessment, found = check_commune(name, criteria_set, met, locate, stated, previous, None, year, deadline,
                                          group, previous_set)
        problems += found
        out.append(TableRow(assessment, f"{shown} ({place(r)})",
                            lambda m, r=r: problem(r, columns["name"], m)))
    return out, problems
