"""Read an assessment table (CSV or Excel): one row per commune, one column per criterion.

This is the table staff already keep. Headers: ``Xã`` (or ``Tên xã``, ``Xã, phường``, ``Tên đơn
vị``), optionally ``Loại`` (or ``Cấp``, ``Loại đơn vị``: Xã, Phường, Đặc khu; without it the
name's prefix «Phường Đông Kinh» says, else xã; any other value is refused), ``Bộ tiêu chí``, ``Số tiêu chí đạt``, ``Năm phấn đấu``, ``Hạn``, ``Nhóm xã`` (or
``Nhóm``: 1, 2, 3 or «Nhóm 2»), ``Bộ tiêu chí lần trước`` (the set the ``sg`` marks were
judged under; it must be the row's own set), ``TT``/``STT``/``Ghi chú`` (ignored), and
one column per criterion named ``1`` … ``19``, ``TC1`` or ``Tiêu chí 1``.
Marks (any case): ``x``, ``Đạt``, ``1`` = met; empty, ``0``, ``-``, ``—``, ``–``,
``Chưa``, ``Chưa đạt``, ``Không đạt``, ``K`` = not met; ``sg``/``Sụt giảm`` = met
before, lost since (fell back). Any other mark is refused with its sheet, row and column.

The table is read as the clerk sees it in Excel, or refused with sheet, row and column:

- the sheet is the one ``trang_tinh`` names, or else the one Excel opens on (the active
  sheet); an active sheet that is hidden (no Excel saves that) is refused, asking for
  ``trang_tinh``. A hidden first sheet of last year's data is never read by default;
- a formula cell the file holds no result for (a workbook written by a script and never
  opened in Excel: ``<f>`` without ``<v>``) is refused, never read as empty (= not met);
  the result Excel saved beside a formula is used;
- a column given twice (the name, a criterion — ``2`` and ``TC2`` —, any other known
  column; hidden or not) is refused; so are a hidden column the table reads (a known
  header) and a hidden row (Hide, or an AutoFilter) holding data in the table's columns.
  Hidden notes columns and hidden empty rows are harmless;
- the work follows the real data: only the rows and cells the file holds are read (openpyxl's
  own streaming sheet parser), never the declared size, so a tiny workbook with one stray cell
  at XFD1048576 costs nothing; a CSV cell longer than the csv module's field limit is a message;
- a commune name is data (``assessment.name_problem``): a line break (Alt+Enter) or the
  words ``tat_ca``/``xa_nay`` are refused.

The rows are streamed (``read_table`` gives a ``TableReading``): each is checked and handed over as it
is read, nothing is kept of it here but its commune's tuples of criterion numbers, shared by the rows
that have the same ones (a table of 50,000 communes held a record, a place text and a closure per
row until the last one was read, most of the memory of a big bulk run).
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
import dataclasses
from pathlib import Path
from typing import Callable

from generator.assessments.results import CommuneAssessment, PreviousInput, check_commune, name_problem, unit_type
from generator.assessments.criteria import CriteriaSet
from generator.vi.dates import IssueDate
from generator.load.yaml_source import clean_text
from generator.exceptions import DocxReadError, InputError, Problem, display_path, too_large
from generator.ooxml.guard import check_spreadsheet
from generator.load.yaml_source import NOT_REGULAR, special_file

MAX_BYTES = 20 * 1024 * 1024
MET = {"x", "đạt", "dat", "1", "có", "✓", "✔", "v"}
NOT_MET = {"", "0", "-", "—", "–", "chưa đạt", "chưa", "không", "không đạt", "k"}
FELL_BACK = {"sg", "sụt giảm", "sut giam", "sụt"}
NAME_HEADERS = {"xã", "tên xã", "xa", "ten xa", "ten", "tên", "đơn vị", "xã, phường", "tên xã, phường", "xã/phường",
                "xã, phường, đặc khu", "tên đơn vị"}
UNIT_HEADERS = {"loại", "cấp", "loại đơn vị", "loai", "cap", "loai don vi"}
SET_HEADERS = {"bộ tiêu chí", "bo_tieu_chi", "bo tieu chi"}
COUNT_HEADERS = {"số tiêu chí đạt", "so_tieu_chi_dat", "tổng số tiêu chí đạt", "tổng"}
YEAR_HEADERS = {"năm phấn đấu", "nam_phan_dau"}
DEADLINE_HEADERS = {"hạn", "hạn hoàn thành", "han"}
GROUP_HEADERS = {"nhóm xã", "nhóm", "nhom", "nhom xa", "nhom_xa"}
PREVIOUS_SET_HEADERS = {"bộ tiêu chí lần trước", "bo_tieu_chi_lan_truoc", "bo tieu chi lan truoc"}
_GROUP = re.compile(r"(?:nhóm\s*)?(\d{1,2})", re.IGNORECASE)
IGNORED_HEADERS = {"tt", "stt", "ghi chú", "ghi_chu", "ghi chu"}
_CRITERION = re.compile(r"^(?:tc|tiêu chí số|tiêu chí|tieu chi)?\s*\.?\s*(\d{1,2})$")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


class _Uncomputed:
    """A formula cell the file holds no result for (written by a script, never opened in Excel)."""

    def __repr__(self) -> str:
        return "<uncomputed>"


UNCOMPUTED = _Uncomputed()


def _filled(value) -> bool:
    return value is UNCOMPUTED or _text(value) != ""


class _Table:
    """The rows of one table, streamed: ``rows()`` yields (row number from 1, {column from 0: value}) for
    the rows that hold something, with only the cells that hold something (so the work follows the real
    data, never a declared size such as ``A1:XFD1048576``). For a worksheet it also says which rows and
    columns Excel hides."""

    sheet: str | None = None

    def rows(self):
        raise NotImplementedError

    def row_hidden(self, row: int) -> bool:
        return False

    def column_hidden(self, col: int) -> bool:
        return False

    def close(self) -> None:
        pass


class _CsvTable(_Table):
    def __init__(self, text: str, shown: str):
        self.text, self.shown = text, shown

    def rows(self):
        try:
            dialect = csv.Sniffer().sniff(self.text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(io.StringIO(self.text), dialect)
        number = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "field larger than field limit" in str(exc):
                    raise _fail(self.shown, f"dòng {reader.line_num}: một ô dài quá {csv.field_size_limit():,} ký tự "
                                            "(tệp không phải bảng đánh giá, hoặc thiếu dấu ngoặc kép đóng)"
                                            .replace(",", ".")) from None
                raise _fail(self.shown, f"dòng {reader.line_num}: tệp CSV hỏng ({exc})") from None
            number += 1
            cells = {i: v for i, v in enumerate(row) if _filled(v)}
            if cells:
                yield number, cells


def _hidden_flag(value) -> bool:
    return str(value).lower() in ("1", "true")


def _zero(value) -> bool:
    try:
        return value is not None and float(value) == 0
    except ValueError:
        return False


class _ExcelTable(_Table):
    """One worksheet, read by openpyxl's own streaming sheet parser (the one its read-only mode uses).

    Read-only ``iter_rows`` pads every row to the declared width and yields every missing row up to the
    declared height; this parser yields only the rows and cells the file holds, and it also reads the
    rows' and columns' ``hidden`` flags, which read-only worksheets drop.
    """

    def __init__(self, book, ws):
        self.book, self.ws, self.sheet = book, ws, ws.title
        self.parser = None
        self._hidden_cols: list[tuple[int, int]] | None = None
        self._hidden_rows: set[int] = set()
        self._zero_height = False

    def rows(self):
        from openpyxl.worksheet._reader import WorkSheetParser
        from openpyxl.xml.constants import SHEET_MAIN_NS

        formula_tag, value_tag = f"{{{SHEET_MAIN_NS}}}f", f"{{{SHEET_MAIN_NS}}}v"

        class Parser(WorkSheetParser):
            def parse_cell(self, element):
                cell = super().parse_cell(element)  # data_only: the result Excel saved, never the formula
                if element.find(formula_tag) is not None:
                    saved = element.find(value_tag)
                    # Excel saves a formula's result in <v> (an empty text result as t="str" and an empty <v>);
                    # openpyxl and other scripts write the formula with no <v>, or an empty one
                    if saved is None or (not saved.text and element.get("t") != "str"):
                        cell["value"] = UNCOMPUTED
                return cell

        book, ws = self.book, self.ws
        with ws._get_source() as source:
            self.parser = parser = Parser(source, ws._shared_strings, data_only=True, epoch=book.epoch,
                                          date_formats=book._date_formats,
                                          timedelta_formats=book._timedelta_formats)
            for number, cells in parser.parse():
                attrs = parser.row_dimensions.pop(str(number), None) or {}
                if self._hidden_cols is None:  # <cols> and <sheetFormatPr> come before the rows
                    self._read_columns(parser)
                if _hidden_flag(attrs.get("hidden", "")) or _zero(attrs.get("ht")) or (
                        self._zero_height and not attrs.get("ht")):
                    self._hidden_rows.add(number)
                filled = {c["column"] - 1: c["value"] for c in cells if _filled(c["value"])}
                if filled:
                    yield number, filled

    def _read_columns(self, parser) -> None:
        self._hidden_cols = []
        for attrs in parser.column_dimensions.values():
            if _hidden_flag(attrs.get("hidden", "")) or _zero(attrs.get("width")):
                try:
                    self._hidden_cols.append((int(attrs["min"]) - 1, int(attrs.get("max", attrs["min"])) - 1))
                except (KeyError, ValueError):
                    continue
        fmt = getattr(parser, "sheet_format", None)
        self._zero_height = bool(fmt is not None and fmt.zeroHeight)

    def row_hidden(self, row: int) -> bool:
        return row in self._hidden_rows

    def column_hidden(self, col: int) -> bool:
        return any(low <= col <= high for low, high in self._hidden_cols or ())

    def close(self) -> None:
        self.book.close()


def _open_table(path: Path, sheet: str | None) -> _Table:
    """The table the clerk sees: the CSV, or the worksheet named by ``trang_tinh`` or else the one Excel
    opens on (the active sheet, which must be visible)."""
    shown = display_path(path)
    try:
        info = path.stat()
    except OSError:  # as Path.exists() read it: missing or out of reach
        raise _fail(shown, "không tìm thấy tệp bảng đánh giá") from None
    if special_file(info.st_mode):  # a FIFO: reading it would wait forever
        raise _fail(shown, NOT_REGULAR)
    if info.st_size > MAX_BYTES:
        raise _fail(shown, too_large(MAX_BYTES, info.st_size))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _fail(shown, "tệp CSV không phải UTF-8; trong Excel hãy lưu bằng «CSV UTF-8»") from None
        return _CsvTable(text, shown)
    if suffix in (".xlsx", ".xlsm"):
        import openpyxl  # lazy: only a table in Excel needs it (heavy to import)

        try:
            check_spreadsheet(path)  # zip bomb, DTD/XXE, a half-saved file: before openpyxl reads it
        except DocxReadError as err:
            raise _fail(shown, f"không đọc được tệp Excel: {err}") from None
        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, SyntaxError) as exc:
            raise _fail(shown, f"không đọc được tệp Excel (tệp hỏng hoặc chưa lưu xong: {type(exc).__name__})") from None
        try:
            ws = _chosen_sheet(book, sheet, shown)
        except BaseException:
            book.close()
            raise
        return _ExcelTable(book, ws)
    if suffix == ".xls":
        raise _fail(shown, "định dạng Excel cũ .xls không đọc được; hãy lưu lại thành .xlsx")
    raise _fail(shown, "bảng đánh giá phải là tệp .csv hoặc .xlsx")


def _chosen_sheet(book, sheet: str | None, shown: str):
    listed = ", ".join(f"«{name}»" for name in book.sheetnames)
    if sheet is not None:
        if sheet not in book.sheetnames:
            raise _fail(shown, f"không có trang tính «{sheet}»; các trang: {listed}")
        ws = book[sheet]
        if ws not in book.worksheets:
            raise _fail(shown, f"«{sheet}» là trang biểu đồ, không phải bảng; các trang: {listed}")
        return ws  # named in the input: read even if hidden (the clerk chose it)
    ws = book.active
    if ws is None or ws not in book.worksheets:
        raise _fail(shown, "không biết tệp Excel mở ở trang tính nào (tệp lạ, không do Excel lưu): ghi tên trang "
                           f"cần đọc vào «trang_tinh» trong «danh_gia»; các trang: {listed}")
    if ws.sheet_state != "visible":
        raise _fail(shown, f"trang tính đang mở «{ws.title}» lại bị ẩn (tệp lạ, không do Excel lưu): không rõ bảng "
                           "nào là bảng cần đọc; ghi tên trang vào «trang_tinh» trong «danh_gia»; các trang: "
                           f"{listed}")
    return ws


def _fail(shown: str, message: str):
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


MAX_FORMULA_PROBLEMS = 10  # a script-made workbook has one per cell: the first few, then a count


class TableReading:
    """The rows of a table as checked assessments, read as they are iterated (``read_table``).

    Iterating yields ``(assessment, row number)`` one row at a time, never a list of them: the caller
    keeps what it needs and the rest is let go at once (a table of 50,000 communes held a record, a
    location text and a closure per row until the last was read). ``problems`` holds every problem
    found (with sheet, row and column) once the iteration has ended; ``where(row)`` and
    ``locate_name(row, message)`` locate a row, and its name's cell, when the caller needs it.
    The file is opened by the iteration and closed when it ends (or is abandoned).
    """

    def __init__(self, path: Path, sheet: str | None, default_set: CriteriaSet,
                 set_lookup: Callable[[str, Callable[[str], Problem]], CriteriaSet | None]):
        self.path, self.sheet, self.default_set, self.set_lookup = path, sheet, default_set, set_lookup
        self.shown = display_path(path)
        self.problems: list[Problem] = []
        self._sheet_read: str | None = None  # the worksheet's title (None: a CSV)
        self._name_col = 0

    def __iter__(self):
        table = _open_table(self.path, self.sheet)
        self._sheet_read = table.sheet
        try:
            yield from _read_rows(table, self)
        except (ValueError, KeyError, IndexError, TypeError, OSError, EOFError, SyntaxError,
                zipfile.BadZipFile) as exc:
            raise _fail(self.shown, f"không đọc được trang tính «{table.sheet}» (tệp hỏng hoặc không do Excel "
                                    f"lưu: {type(exc).__name__})") from None
        finally:
            table.close()

    def place(self, row: int, col: int | None = None) -> str:
        excel = self._sheet_read is not None
        where = f"trang «{self._sheet_read}», " if excel else ""
        where += f"hàng {row}"
        return where + (f", cột {_column(col, excel)}" if col is not None else "")

    def problem(self, row: int, col: int | None, message: str) -> Problem:
        return Problem(message, self.shown, place=self.place(row, col))

    def where(self, row: int) -> str:
        """The row as another message names it: ``bang.csv (hàng 7)``."""
        return f"{self.shown} ({self.place(row)})"

    def locate_name(self, row: int, message: str) -> Problem:
        """A problem at the row's name cell (a commune given twice)."""
        return self.problem(row, self._name_col, message)


def read_table(path: Path, sheet: str | None, default_set: CriteriaSet,
               set_lookup: Callable[[str, Callable[[str], Problem]], CriteriaSet | None]) -> TableReading:
    """The table's rows as checked assessments, streamed (``TableReading``); its problems once read."""
    return TableReading(path, sheet, default_set, set_lookup)


_HEADER_KEYS = (("name", NAME_HEADERS), ("set", SET_HEADERS), ("count", COUNT_HEADERS), ("year", YEAR_HEADERS),
                ("deadline", DEADLINE_HEADERS), ("group", GROUP_HEADERS), ("previous_set", PREVIOUS_SET_HEADERS),
                ("unit", UNIT_HEADERS))
_HEADER_LABELS = {"name": "Xã", "unit": "Loại", "set": "Bộ tiêu chí", "count": "Số tiêu chí đạt", "year": "Năm phấn đấu",
                  "deadline": "Hạn", "group": "Nhóm xã", "previous_set": "Bộ tiêu chí lần trước"}


def _read_rows(table: _Table, reading: TableReading):
    """Yield (assessment, row number) for each good row, as read; every problem goes to ``reading.problems``."""
    excel = table.sheet is not None
    shown, default_set, set_lookup = reading.shown, reading.default_set, reading.set_lookup
    problems = reading.problems
    problem = reading.problem
    shared: dict[tuple, tuple] = {}  # equal tuples of criterion numbers, one object for all the rows that have them

    uncomputed = 0

    def no_result(row: int, col: int) -> None:
        nonlocal uncomputed
        uncomputed += 1
        if uncomputed <= MAX_FORMULA_PROBLEMS:
            problems.append(problem(row, col, "ô có công thức nhưng tệp không lưu kết quả tính (tệp do chương trình "
                                              "tạo ra, chưa mở bằng Excel): mở tệp bằng Excel, để Excel tính, lưu lại "
                                              "rồi chạy lại"))

    rows = table.rows()
    header_at, header = next(rows, (None, None))
    if header_at is None:
        problems.append(Problem("bảng đánh giá trống", shown))
        return
    columns: dict[str, int] = {}
    criteria_cols: dict[int, int] = {}
    first_seen: dict[object, int] = {}  # what a header means -> its first column
    for col in sorted(header):
        value = header[col]
        if value is UNCOMPUTED:
            no_result(header_at, col)
            continue
        head = " ".join(_text(value).lower().split())
        match = _CRITERION.match(head)
        if head in IGNORED_HEADERS:
            continue
        key = ("criterion", int(match.group(1))) if match else next(
            (k for k, names in _HEADER_KEYS if head in names), None)
        if key is None:
            problems.append(problem(header_at, col, f"không hiểu tiêu đề cột «{_text(value)}»: dùng «Xã», "
                                                    "«Loại» (Xã, Phường, Đặc khu), «Bộ tiêu chí», «Số tiêu chí đạt», «Nhóm xã» hoặc số tiêu chí "
                                                    "(1, TC1, Tiêu chí 1)"))
            continue
        what = f"tiêu chí số {key[1]}" if isinstance(key, tuple) else f"«{_HEADER_LABELS[key]}»"
        if key in first_seen:
            problems.append(problem(header_at, col, f"cột {what} có hai lần: cột {_column(first_seen[key], excel)} "
                                                    f"(«{_text(header[first_seen[key]])}») và cột "
                                                    f"{_column(col, excel)} («{_text(value)}»), kể cả cột đang ẩn; "
                                                    "không biết cột nào đúng: xoá một cột"))
            continue
        first_seen[key] = col
        if table.column_hidden(col):
            problems.append(problem(header_at, col, f"cột {what} («{_text(value)}») đang bị ẩn: bảng được đọc như "
                                                    "người xem thấy; bỏ ẩn cột (chuột phải, Unhide) để kiểm tra, hoặc "
                                                    "xoá cột nếu không dùng"))
        if isinstance(key, tuple):
            criteria_cols[col] = key[1]
        else:
            columns[key] = col
    if "name" not in columns:
        problems.append(problem(header_at, None, "thiếu cột «Xã» (tên xã)"))
    if table.row_hidden(header_at):
        problems.append(problem(header_at, None, "hàng tiêu đề đang bị ẩn: bỏ ẩn hàng để thấy bảng được đọc"))
    if problems:
        return
    reading._name_col = columns["name"]

    used = sorted(set(columns.values()) | set(criteria_cols))
    for r, row in rows:
        cells = {c: row[c] for c in used if c in row}  # only the table's columns; others are notes
        if not cells:
            continue
        missing = [c for c, v in cells.items() if v is UNCOMPUTED]
        for col in missing:
            no_result(r, col)
        if table.row_hidden(r):
            problems.append(problem(r, min(cells), "hàng này đang bị ẩn (Hide, hoặc bộ lọc đang lọc bớt) nhưng có dữ "
                                                   "liệu: bảng được đọc như người xem thấy; bỏ ẩn hàng hoặc bỏ lọc "
                                                   "(Clear Filter) để kiểm tra, hoặc xoá hàng nếu không dùng"))
            continue
        if missing:
            continue
        name = _text(cells.get(columns["name"]))
        if not name:
            problems.append(problem(r, columns["name"], "thiếu tên xã"))
            continue
        name, error = clean_text(name)
        error = error or name_problem(name)
        if error:  # a control character, bidi override, TCVN3/VNI text, a line break: as in the YAML
            problems.append(problem(r, columns["name"], error))
            continue
        row_problems: list[Problem] = []
        criteria_set = default_set
        if "set" in columns and _text(cells.get(columns["set"])):
            criteria_set = set_lookup(_text(cells.get(columns["set"])),
                                      lambda m, r=r: problem(r, columns["set"], m))
            if criteria_set is None:
                continue
        met, fell = [], []
        known = {c.num for c in criteria_set.criteria}
        for col, num in sorted(criteria_cols.items()):
            mark = _text(cells.get(col)).lower()
            if mark in MET or mark in FELL_BACK:
                if num not in known:
                    row_problems.append(problem(r, col, f"bộ «{criteria_set.id}» không có tiêu chí số {num}"))
                (met if mark in MET else fell).append(num)
            elif mark not in NOT_MET:
                row_problems.append(problem(r, col, f"«{_text(cells.get(col))}» không phải dấu đánh giá hợp lệ: "
                                                    "x/Đạt/1 là đạt; để trống, 0, -, —, K, Chưa, Chưa đạt, Không "
                                                    "đạt là chưa đạt; sg là sụt giảm"))

        def optional(key: str, read):
            """The value of an optional column in this row (None if absent or empty), or a problem at its cell."""
            if key not in columns or _text(cells.get(columns[key])) == "":
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
        unit = optional("unit", unit_type)
        previous_set = None
        if "previous_set" in columns and _text(cells.get(columns["previous_set"])) and fell:
            previous_set = set_lookup(_text(cells[columns["previous_set"]]),
                                      lambda m, r=r: problem(r, columns["previous_set"], m))
            if previous_set is None:
                continue
        if row_problems:
            problems += row_problems
            continue

        def locate(path: tuple, message: str, r=r) -> Problem:
            key = {"so_tieu_chi_dat": "count", "nhom": "group", "lan_truoc": "previous_set",
                   "ten": "name", "loai": "unit" if "unit" in columns else "name"}.get(path[0] if path else "")
            return problem(r, columns.get(key) if key else None, message)

        previous = PreviousInput.model_validate({"dat": sorted(met + fell)}) if fell else None
        assessment, found = check_commune(name, criteria_set, met, locate, stated, previous, None, year, deadline,
                                          group, previous_set, unit)
        problems += found
        if assessment is not None:
            yield _sharing(assessment, shared), r
    if uncomputed > MAX_FORMULA_PROBLEMS:
        problems.append(Problem(f"và {uncomputed - MAX_FORMULA_PROBLEMS} ô công thức khác chưa có kết quả tính",
                                shown, place=f"trang «{table.sheet}»" if excel else None))


def _sharing(assessment: CommuneAssessment, shared: dict[tuple, tuple]) -> CommuneAssessment:
    """The assessment with its tuples of criterion numbers shared with the rows before that have the same: a
    province's communes have few distinct ones, and a tuple per row and per column was most of a big table's
    memory."""
    met = shared.setdefault(assessment.met, assessment.met)
    previous = assessment.previous_met
    if previous is not None:
        previous = shared.setdefault(previous, previous)
    if met is assessment.met and previous is assessment.previous_met:
        return assessment
    return dataclasses.replace(assessment, met=met, previous_met=previous)
