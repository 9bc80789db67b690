"""The Excel case-record reader: ``.xlsx`` / ``.xlsm`` workbooks, streamed.

The same canonical columns and header mapping as the CSV reader
(:func:`codecheck.readers.cases_csv.map_headers`), the same batches, and the
same dates, whatever Excel stored:

- a cell Excel holds as a date (a date-formatted number) becomes an ISO date;
- a bare number in a date column is read as an Excel serial date (45444 is
  01/06/2024), in the workbook's own date system: the 1900 system, with its
  phantom 29 February 1900, or the 1904 system when the workbook says so;
- a text cell goes through the normal day-first parser, exactly as in a CSV.

The first sheet is read unless the configuration names one (``sheet:``). The
header is the first non-blank row that has the required (and configured)
columns, so a title above the table (and blank rows around it) is skipped; a
finding's row is the Excel row number.

Sheets as officers keep them:

- a totals row ("Total", "Grand total", "Count"... in its first cell, no case
  id, numbers or nothing in the other cells) is not a case: it is left out and
  named once in the file's notes;
- a cell merged down over several rows (a category typed once for a block of
  cases) holds its value only in its top cell in the file: the value is filled
  down the merged rows, in that column only. A merged range that starts above
  the table's first data row is not filled (its value is a title or a header,
  not a case's) and is named in the notes.

Bounded cost (issue 17). The sheet is parsed as a stream (openpyxl's cell
parser, driven here so that a row is dropped once read: openpyxl's own loop
keeps an emptied element per row, which is how a million empty rows in 1.5 MB
grew without limit). Every empty row is still read to the end of the sheet,
never cut off after a long run of blank rows, so that no case after a gap is
lost; empty rows cost time (seconds per million), not memory.
The package is checked before anything is unpacked: each part's declared size,
then the sheet's actual unpacked size as it streams; rows, columns, cells and
merged ranges are limited (the constants below), each with an error naming the
file and sheet.
"""

from __future__ import annotations

import dataclasses

import datetime as dt
import os
import re
import stat
import threading
import zipfile
from pathlib import Path
from typing import Any, Iterator

from codecheck.columns import DATE_COLUMNS
from codecheck.config import Config
from codecheck.errors import InputError
from codecheck.readers.base import CASES, CaseSource
from codecheck.readers.cases_csv import map_headers
from codecheck.records import CaseBatch
from codecheck.values import DateColumnParser



def _iterparse(source, events):
    """The XML parser openpyxl itself uses when installed (defusedxml), imported on first use so
    that a run with no workbook does not pay for it."""
    try:
        from defusedxml.ElementTree import iterparse
    except ImportError:  # pragma: no cover - defusedxml is optional
        from xml.etree.ElementTree import iterparse
    return iterparse(source, events=events)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
_DATE_1900 = dt.date(1899, 12, 30)
"""Day 0 of the 1900 system for serials from 61 on (Excel counts a 29/02/1900 that never was)."""
_DATE_1904 = dt.date(1904, 1, 1)
_HEADER_SEARCH = 10
"""Non-blank rows looked at for the header, where titles sit above the table."""
_LAST_SERIAL = 2_958_465
"""31/12/9999, the last date Excel knows (1900 system)."""

MIB = 1 << 20

MAX_ROWS = 1_048_576
"""Rows per sheet: Excel's own limit (row 1,048,576 is its last). A sheet with a row
numbered beyond it was not written by Excel, and is refused rather than read."""
MAX_COLUMNS = 16_384
"""Columns: Excel's own limit (column XFD). A wider row or a cell beyond XFD is refused."""
MAX_CELLS = 20_000_000
"""Cells in the sheet, empty formatted cells included. The largest case registers
(tens of thousands of complaints a year, kept for years, 40-80 columns) are a few
million cells; 20 million is several times that, and takes openpyxl a minute or
two. Beyond it reading is slow enough to look like a hang: save the sheet as CSV."""
MAX_SHEET_BYTES = 512 * MIB
"""Unpacked sheet XML. Excel writes 20-40 bytes a cell, so 512 MiB is 13-25 million
cells: in step with MAX_CELLS. A zip bomb (a few MB that unpack to gigabytes) stops
here, first on the size the zip declares, then on the bytes actually unpacked."""
MAX_SHARED_STRINGS_BYTES = 256 * MIB
"""Unpacked sharedStrings.xml, which openpyxl holds in memory whole (Python strings,
about 2-3 times its size). Every distinct text of a large register, free-text
reasons included, is well under 256 MiB."""
MAX_PART_BYTES = 64 * MIB
"""Any other part openpyxl parses whole when it opens a workbook (styles, theme,
workbook, relationships): Excel's are kilobytes; 64 MiB is generous."""
MAX_ROW_ELEMENTS = 200_000
"""XML elements inside one row (cells, values, rich-text runs), held until the row
ends: a full-width row of 16,384 cells is about 50,000; more is no spreadsheet."""
MAX_MERGES = 100_000
"""Merged ranges kept for filling down (about 100 bytes each): a kept register has
a few hundred; more is refused rather than held."""
_BIG_PARTS = re.compile(r"xl/(media|embeddings|pivotCache|printerSettings)/|xl/worksheets/[^/]+\.xml$")
"""Parts not parsed when the workbook is opened (the sheet read has its own limit, the
others are not read): pictures, embedded files, pivot caches and sheets can be large in
a legitimate workbook."""
_CHUNK = 1 * MIB

_TOTALS = re.compile(r"(grand |sub ?|overall )?(total|totals|count|sum)( of cases| cases| complaints)?"
                     r"\s*:?\s*(\d[\d,]*)?", re.IGNORECASE)
"""The first cell of a totals row: "Total", "Totals", "Grand total", "Subtotal", "Count",
"Total cases: 245"."""
_NUMBER = re.compile(r"[£$€]?\s*-?[\d,]+(\.\d+)?\s*%?")
"""A number as text in a totals row: "245", "1,204", "£3,500.00", "12%"."""


def excel_serial_to_date(serial: float, date1904: bool = False) -> dt.date | None:
    """The date a serial number stands for, as Excel shows it; None when it is no date.

    The time of day (the fraction) is dropped. In the 1900 system serial 1 is
    01/01/1900 and serial 60 is Excel's 29/02/1900, which does not exist
    (Lotus 1-2-3's leap-year bug, kept by Excel): it is no date. In the 1904
    system serial 0 is 01/01/1904.
    """
    if serial != serial or serial in (float("inf"), float("-inf")):  # NaN, infinities
        return None
    day = int(serial // 1)
    if date1904:
        if day < 0 or day > _LAST_SERIAL - 1462:
            return None
        return _DATE_1904 + dt.timedelta(days=day)
    if day < 1 or day > _LAST_SERIAL or day == 60:
        return None
    if day < 60:
        return _DATE_1900 + dt.timedelta(days=day + 1)
    return _DATE_1900 + dt.timedelta(days=day)


def _number_text(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def cell_text(value: Any, is_date_column: bool, date1904: bool) -> str:
    """A cell as the string a CSV export would have held, with dates made ISO."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        if is_date_column:
            day = excel_serial_to_date(value, date1904)
            if day is not None:
                return day.isoformat()
        return _number_text(value)
    return str(value).strip()


def regular_file(path: Path) -> None:
    """Refuse what is not a regular file: a FIFO blocks forever, a device (a link to
    /dev/zero) never ends. ``os.stat`` follows links, so a link is judged by its target."""
    name = str(path)
    try:
        mode = os.stat(path).st_mode  # follows links: a link to /dev/zero is a device
    except OSError as exc:
        raise InputError(name, f"cannot be read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(mode):
        what = "a folder" if stat.S_ISDIR(mode) else "a pipe (FIFO)" if stat.S_ISFIFO(mode) else \
            "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file"
        raise InputError(name, f"is {what}, not a file: not read")


def _sniff(path: Path) -> None:
    """Refuse, with a message a person can act on, what is not an xlsx workbook."""
    name = str(path)
    regular_file(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
            if head.startswith(_OLE_MAGIC):
                fh.seek(0)
                # An encrypted workbook is an OLE container holding an "EncryptionInfo" stream.
                encrypted = _ENCRYPTION_INFO in fh.read(4 << 20)
    except OSError as exc:
        raise InputError(name, f"cannot be read: {exc.strerror or exc}") from None
    if not head:
        raise InputError(name, "is empty (0 bytes), not an Excel workbook")
    if head.startswith(_OLE_MAGIC):
        if encrypted:
            raise InputError(name, "is a password-protected (encrypted) workbook; remove the password in Excel "
                                   "(File > Info > Protect Workbook) or save the sheet as CSV")
        raise InputError(name, "is an old Excel 97-2003 (.xls) or other Office binary file, not .xlsx; "
                               "save it as .xlsx or CSV")
    if not zipfile.is_zipfile(path):
        raise InputError(name, "is not an Excel .xlsx workbook (not a zip archive: corrupt, truncated, "
                               "or another format renamed .xlsx)")


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _size(n: int) -> str:
    return f"{n / MIB:,.0f} MiB" if n >= MIB else f"{n:,} bytes"


def _check_package(path: Path, name: str) -> None:
    """Refuse a package whose parts declare more unpacked bytes than any workbook needs,
    before openpyxl unpacks any of them (a zip bomb is an error, not a hang)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(name, f"is not a readable Excel workbook ({_describe(exc)})") from None
    for info in members:
        part = info.filename
        if _BIG_PARTS.match(part):
            continue
        limit = MAX_SHARED_STRINGS_BYTES if part.lower().endswith("sharedstrings.xml") else MAX_PART_BYTES
        if info.file_size > limit:
            raise InputError(name, f"its part {part!r} unpacks to {_size(info.file_size)}, over the "
                                   f"{_size(limit)} limit (a zip bomb, or not an ordinary workbook): not read")


def is_blank(cells: dict[int, Any]) -> bool:
    """A row of no values, or only spaces."""
    return not any(not isinstance(v, str) or v.strip() for v in cells.values())


def _ref_bounds(ref: str) -> tuple[int, int, int, int] | None:
    """``C5:C9`` -> (min_col, min_row, max_col, max_row), 1-based; None when unreadable."""
    from openpyxl.utils.cell import range_boundaries

    try:
        bounds = range_boundaries(ref)
    except (ValueError, TypeError):
        return None
    if any(b is None for b in bounds):
        return None
    return bounds  # type: ignore[return-value]


class _Counted:
    """A zip member read through a byte count: more than `limit` unpacked bytes is an error,
    whatever the zip declared."""

    def __init__(self, raw, limit: int, fail):
        self.raw, self.limit, self.fail, self.count = raw, limit, fail, 0

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(_CHUNK if n is None or n < 0 or n > _CHUNK else n)
        self.count += len(data)
        if self.count > self.limit:
            self.fail()
        return data

    def close(self) -> None:
        self.raw.close()


class SheetRows:
    """One sheet of an opened workbook, read as rows of values, within the limits.

    ``rows()`` yields ``(row number, {0-based column: value})`` for every row the sheet
    holds (blank ones included; empty cells left out), with merged cells filled down
    from the first data row (``data_from``) on.
    """

    def __init__(self, name: str, workbook, sheet, notes: list[str]):
        import openpyxl

        self.name = name
        self.workbook = workbook
        self.sheet = sheet
        self.title: str = sheet.title
        self.date1904 = workbook.epoch != openpyxl.utils.datetime.WINDOWS_EPOCH
        self.notes = notes
        self.data_from: int | None = None
        """Merged cells are filled down from this row on (set once the header is known)."""
        self.merges: list[tuple[int, int, int, int]] = []
        self.last_row = 0

    def where(self) -> str:
        return f"sheet {self.title!r}"

    def fail(self, message: str, row: int | None = None):
        raise InputError(self.name, f"{self.where()} {message}", location=str(row) if row else None)

    def _open_part(self):
        return _Counted(self.workbook._archive.open(self.sheet._worksheet_path), MAX_SHEET_BYTES,
                        lambda: self.fail(f"unpacks to more than {_size(MAX_SHEET_BYTES)} of XML (a zip bomb, or a "
                                          "sheet far larger than a case register): not read; save it as CSV"))

    def scan(self) -> None:
        """Read the sheet's XML once, unpacked but not parsed, for its size and whether it
        has merged cells; if it has, collect them (they come after the rows in the file)."""
        seen = False
        tail = b""
        with _closing(self._open_part()) as part:
            while True:
                chunk = part.read(_CHUNK)
                if not chunk:
                    break
                if not seen and b"mergeCell" in tail + chunk:
                    seen = True
                tail = chunk[-16:]
        if seen:
            self._collect_merges()

    def _collect_merges(self) -> None:
        merges = []
        with _closing(self._open_part()) as part:
            stack: list = []
            for event, element in _iterparse(part, events=("start", "end")):
                if event == "start":
                    stack.append(element)
                    continue
                stack.pop()
                if element.tag.endswith("}mergeCell") or element.tag == "mergeCell":
                    bounds = _ref_bounds(element.get("ref", ""))
                    if bounds is not None and bounds[3] > bounds[1]:  # spans rows: something to fill
                        merges.append(bounds)
                        if len(merges) > MAX_MERGES:
                            self.fail(f"has more than {MAX_MERGES:,} merged cell ranges: not read; "
                                      "unmerge them (Home > Merge & Center) or save the sheet as CSV")
                if stack:  # drop what has been read, so that memory does not grow with the sheet
                    stack[-1].remove(element)
        merges.sort(key=lambda b: (b[1], b[0]))
        self.merges = merges

    def merge_notes(self) -> None:
        """Name the merged ranges that are not simply filled down a column of data rows."""
        start = self.data_from or 1
        above = [b for b in self.merges if b[1] < start <= b[3]]
        wide = [b for b in self.merges if b[1] >= start and b[2] > b[0]]
        if above:
            self.notes.append(f"{_ranges(above)} merged from above the first data row (row {start}): "
                              "not filled down, so the rows under it read as blank there")
        if wide:
            self.notes.append(f"{_ranges(wide)} merged across columns: its value is read in its first column only")
        filled = [b for b in self.merges if b[1] >= start]
        if filled:
            self.notes.append(f"{_ranges(filled)} merged down rows: the top cell's value is read in every row")

    def rows(self) -> Iterator[tuple[int, dict[int, Any]]]:
        from openpyxl.worksheet._reader import WorkSheetParser

        workbook = self.workbook
        parser = WorkSheetParser(None, self.sheet._shared_strings, data_only=True, epoch=workbook.epoch,
                                 date_formats=workbook._date_formats,
                                 timedelta_formats=workbook._timedelta_formats)
        merges = self.merges
        pending = 0  # merges[:pending] have started
        filling: list[list] = []  # [column, last row, value]
        cells_total = 0
        with _closing(self._open_part()) as part:
            stack: list = []
            in_row = -1  # elements inside the open row so far; -1 outside rows
            for event, element in _iterparse(part, events=("start", "end")):
                if event == "start":
                    stack.append(element)
                    if in_row >= 0:
                        in_row += 1
                        if in_row > MAX_ROW_ELEMENTS:
                            self.fail(f"row {parser.row_counter + 1} holds more than {MAX_ROW_ELEMENTS:,} XML "
                                      "elements: not a spreadsheet row", parser.row_counter + 1)
                    elif len(stack) == 3 and element.tag.endswith("}row"):
                        in_row = 0
                    continue
                stack.pop()
                if in_row >= 0:
                    if len(stack) > 2:
                        continue  # inside a row: kept until the row ends, for the cell parser
                    in_row = -1  # the row itself ends
                    number, cells = parser.parse_row(element)
                    stack[-1].remove(element)
                    if parser.row_dimensions:
                        parser.row_dimensions.clear()  # row heights: not needed, and would grow
                    if number > MAX_ROWS or number < 1:
                        self.fail(f"has a row numbered {number:,}, beyond Excel's rows (1 to {MAX_ROWS:,}): "
                                  "not written by Excel; not read", self.last_row + 1)
                    cells_total += len(cells)
                    if cells_total > MAX_CELLS:
                        self.fail(f"has more than {MAX_CELLS:,} cells: not read, as it would take many minutes; "
                                  "save the sheet as CSV, or split it", number)
                    values = {}
                    for cell in cells:
                        column = cell["column"]
                        if column > MAX_COLUMNS:
                            self.fail(f"row {number} has a cell in column {column:,}, beyond Excel's last "
                                      f"column ({MAX_COLUMNS:,}): not read", number)
                        if cell["value"] is not None:
                            values[column - 1] = cell["value"]
                    self.last_row = number
                    if merges and self.data_from is not None:
                        if filling:
                            for fill in filling:
                                if number <= fill[1]:
                                    values.setdefault(fill[0], fill[2])
                            filling = [f for f in filling if f[1] > number]
                        while pending < len(merges) and merges[pending][1] <= number:
                            min_col, min_row, _, max_row = merges[pending]
                            pending += 1
                            if min_row == number and number >= self.data_from and (min_col - 1) in values:
                                filling.append([min_col - 1, max_row, values[min_col - 1]])
                    yield number, values
                elif stack:
                    stack[-1].remove(element)  # anything else, once read, is dropped: memory stays flat

    def close(self) -> None:
        self.workbook.close()


class _closing:
    def __init__(self, thing):
        self.thing = thing

    def __enter__(self):
        return self.thing

    def __exit__(self, *exc):
        self.thing.close()
        return False


def _ranges(bounds: list[tuple[int, int, int, int]], most: int = 5) -> str:
    from openpyxl.utils import get_column_letter

    shown = [f"{get_column_letter(a)}{b}:{get_column_letter(c)}{d}" for a, b, c, d in bounds[:most]]
    more = f" and {len(bounds) - most} more" if len(bounds) > most else ""
    return ("cells " if len(bounds) == 1 else "cell ranges ") + ", ".join(shown) + more


def _sheet(workbook, wanted: str | None, name: str):
    names = workbook.sheetnames
    if not names:
        raise InputError(name, "has no worksheets")
    if wanted is None:
        return workbook[names[0]]
    if wanted in names:
        return workbook[wanted]
    folded = [n for n in names if n.strip().casefold() == wanted.strip().casefold()]
    if folded:
        return workbook[folded[0]]
    shown = ", ".join(repr(n) for n in names)
    raise InputError(name, f"has no sheet {wanted!r} (the configuration's `sheet:`); its sheets: {shown}")


_LOAD_LOCK = threading.Lock()


def _size_from_header(self) -> None:
    """openpyxl's ``ReadOnlyWorksheet._get_size``, stopping where the rows start.

    openpyxl looks for the ``<dimension>`` element with end events only, so on a sheet
    without one (Excel always writes it; a crafted or unusual file need not) it parses
    every row of every sheet when the workbook is opened, keeping an emptied element
    per row: a million empty rows held 80 MB. Reading start events, the search ends at
    ``<sheetData>``. The dimensions are discarded anyway (``reset_dimensions``)."""
    with self._get_source() as source:
        for _event, element in _iterparse(source, events=("start",)):
            tag = element.tag
            if tag.endswith("}dimension"):
                bounds = _ref_bounds(element.get("ref", ""))
                if bounds is not None:
                    self._min_column, self._min_row, self._max_column, self._max_row = bounds
                return
            if tag.endswith("}sheetData"):
                return


def _load_workbook(path: Path):
    """openpyxl's read-only workbook, with each sheet's size read from its start only."""
    import openpyxl
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    with _LOAD_LOCK:  # the method is swapped for the load only, one load at a time
        original = ReadOnlyWorksheet.__dict__["_get_size"]
        ReadOnlyWorksheet._get_size = _size_from_header
        try:
            return openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
        finally:
            ReadOnlyWorksheet._get_size = original


def open_sheet(path: Path, config: Config) -> SheetRows:
    """The configured (or first) sheet of a workbook, checked, ready to stream."""
    import openpyxl

    name = str(path)
    _sniff(path)
    _check_package(path, name)
    try:
        workbook = _load_workbook(path)
    except InputError:
        raise
    except Exception as exc:  # openpyxl raises many types for a damaged package
        raise InputError(name, f"is not a readable Excel workbook ({_describe(exc)})") from None
    try:
        sheet = _sheet(workbook, config.sheet, name)
        notes = []
        if config.sheet is None and len(workbook.sheetnames) > 1:
            notes.append(f"read the first sheet, {sheet.title!r}, of {len(workbook.sheetnames)} "
                         "(name another with `sheet:` in codecheck.yaml)")
        rows = SheetRows(name, workbook, sheet, notes)
        try:
            declared = workbook._archive.getinfo(sheet._worksheet_path).file_size
        except KeyError:
            declared = 0  # openpyxl found the part: a name it resolves otherwise; counted as read
        if declared > MAX_SHEET_BYTES:
            rows.fail(f"unpacks to {_size(declared)} of XML, over the {_size(MAX_SHEET_BYTES)} limit (a zip bomb, "
                      "or a sheet far larger than a case register): not read; save it as CSV")
        if rows.date1904:
            notes.append("the workbook uses the 1904 date system")
        try:
            rows.scan()
        except InputError:
            raise
        except Exception as exc:  # a damaged sheet part (a bad CRC, a broken deflate stream)
            rows.fail(f"is damaged ({_describe(exc)})")
        return rows
    except InputError:
        workbook.close()
        raise
    except Exception as exc:
        workbook.close()
        raise InputError(name, f"is not a readable Excel workbook ({_describe(exc)})") from None


def totals_label(cells: dict[int, Any], case_id_column: int) -> str | None:
    """The label of a totals row ("Total", "Grand total", "Count"...), or None when the
    row is not one: its first cell a totals label, no case id (or the label in the case
    id's column), and nothing but numbers in its other cells."""
    if not cells:
        return None
    first = min(cells)
    label = cells[first]
    if not isinstance(label, str) or not _TOTALS.fullmatch(label.strip()):
        return None
    if case_id_column != first and case_id_column in cells and not is_blank({0: cells[case_id_column]}):
        return None
    for column, value in cells.items():
        if column == first or value is None:
            continue
        if isinstance(value, bool) or isinstance(value, (dt.date, dt.datetime, dt.time, dt.timedelta)):
            return None
        if isinstance(value, (int, float)):
            continue
        text = str(value).strip()
        if text and not _NUMBER.fullmatch(text):
            return None
    return label.strip()


def _totals_note(found: list[tuple[int, str]], most: int = 10) -> str:
    if len(found) == 1:
        row, label = found[0]
        return f"row {row} looks like a totals row ({label!r}), not a case; not checked"
    shown = [str(r) for r, _ in found[:most]]
    if len(found) > most:
        rows = ", ".join(shown) + f" and {len(found) - most} more"
    else:
        rows = ", ".join(shown[:-1]) + f" and {shown[-1]}"
    labels = ", ".join(repr(label) for label in dict.fromkeys(label for _, label in found[:most]))
    return f"rows {rows} look like totals rows ({labels}), not cases; not checked"


class XlsxCaseReader:
    name = "xlsx"
    family = CASES
    extensions = (".xlsx", ".xlsm")

    def claims(self, path: Path, kind: str | None) -> bool:
        return kind in (None, CASES) and path.suffix.lower() in self.extensions

    def open(self, path: Path, config: Config) -> CaseSource:
        name = str(path)
        sheet = open_sheet(path, config)
        try:
            rows = sheet.rows()
            header_row, header, index, found, unmapped, skipped = self._header(rows, config, sheet)
            sheet.data_from = header_row + 1
            sheet.merge_notes()
        except InputError as exc:
            names = list(sheet.workbook.sheetnames) if config.sheet is None else []
            sheet.close()
            if len(names) < 2:
                raise
            # A summary or pivot sheet first, the case list behind it: the first other sheet
            # (visible first) whose header names the columns, said in a note.
            return self._another_sheet(path, config, names, exc)
        except Exception as exc:  # a damaged sheet found while looking for the header
            sheet.close()
            raise InputError(name, f"{sheet.where()} is damaged near row {sheet.last_row + 1} ({_describe(exc)})",
                             location=str(sheet.last_row + 1)) from None
        notes = sheet.notes
        if skipped:
            notes.append(f"the header is row {header_row}; {skipped} row{'s' if skipped != 1 else ''} above it "
                         "(a title?) skipped")
        return CaseSource(
            path=name,
            columns=found,
            unmapped=unmapped,
            batches=self._batches(sheet, rows, index, header_row, len(header), config),
            notes=notes,
            header_row=header_row,
        )

    def _another_sheet(self, path: Path, config: Config, names: list[str], first_error: InputError) -> CaseSource:
        for other in names[1:]:
            try:
                source = self.open(path, dataclasses.replace(config, sheet=other))
            except InputError:
                continue
            source.notes[:] = [n for n in source.notes if not n.startswith("read the first sheet")]
            source.notes.insert(0, f"read the sheet {other!r}: the first sheet, {names[0]!r}, has no header naming "
                                   "the case columns (name the sheet with `sheet:` in codecheck.yaml to say so)")
            return source
        shown = ", ".join(repr(n) for n in names)
        raise InputError(first_error.path, f"{first_error.message}; no other sheet has them either (its sheets: "
                                           f"{shown}; name the one with the cases with `sheet:` in codecheck.yaml)",
                         first_error.location) from None

    @staticmethod
    def _sheet(workbook, wanted: str | None, name: str):
        return _sheet(workbook, wanted, name)

    @staticmethod
    def _header(rows: Iterator[tuple[int, dict[int, Any]]], config: Config, sheet: SheetRows):
        """The header: the first non-blank row, or, where a title sits above the
        table, the first of the next few rows that has the columns needed."""
        name = sheet.name
        first: tuple[int, list[str], InputError] | None = None  # what to complain about
        skipped = 0
        for number, cells in rows:
            if is_blank(cells):
                continue
            header = [""] * (max(cells) + 1)
            for column, value in cells.items():
                header[column] = cell_text(value, False, False)
            while header and not header[-1]:
                header.pop()
            try:
                index, found, unmapped = map_headers(header, config, name)
            except InputError as exc:
                if first is None or sum(map(bool, header)) > sum(map(bool, first[1])):
                    first = (number, header, exc)  # the widest row is most likely the header meant
                skipped += 1
                if skipped >= _HEADER_SEARCH:
                    break
                continue
            return number, header, index, found, unmapped, skipped
        if first is None:
            raise InputError(name, f"is empty: {sheet.where()} has no header row")
        raise InputError(name, first[2].message, location=str(first[0]))

    def _batches(self, sheet: SheetRows, rows, index: dict[str, int], header_row: int, header_width: int,
                 config: Config) -> Iterator[CaseBatch]:
        name = sheet.name
        parser = DateColumnParser(month_first=config.date_order == "mdy")
        size = config.batch_size
        items = [(canonical, i, canonical in DATE_COLUMNS) for canonical, i in index.items()]
        date1904 = sheet.date1904
        id_column = index["case_id"]
        totals: list[tuple[int, str]] = []
        try:
            while True:
                numbers: list[int] = []
                cells: dict[str, list[str]] = {c: [] for c in index}
                for number, values in rows:
                    if is_blank(values):
                        continue  # a blank row is not a case
                    label = totals_label(values, id_column)
                    if label is not None:
                        totals.append((number, label))
                        continue
                    numbers.append(number)
                    for canonical, i, is_date in items:
                        cells[canonical].append(cell_text(values.get(i), is_date, date1904))
                    if len(numbers) >= size:
                        break
                if numbers:
                    yield CaseBatch(path=name, rows=numbers, cells=cells, dates_parser=parser,
                                    header_fields=header_width)
                if len(numbers) < size:
                    break
        except InputError:
            raise
        except Exception as exc:  # a damaged sheet part found while streaming
            last = sheet.last_row or header_row
            raise InputError(name, f"{sheet.where()} damaged after row {last} ({_describe(exc)})",
                             location=str(last + 1)) from None
        finally:
            if totals:
                sheet.notes.append(_totals_note(totals))
            sheet.close()
