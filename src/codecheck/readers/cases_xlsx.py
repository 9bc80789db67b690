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
columns, so a title above the table is skipped; a finding's row is the Excel
row number.
openpyxl's read-only mode parses the sheet as it goes, so memory does not grow
with the number of rows.
"""

from __future__ import annotations

import datetime as dt
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

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
_DATE_1900 = dt.date(1899, 12, 30)
"""Day 0 of the 1900 system for serials from 61 on (Excel counts a 29/02/1900 that never was)."""
_DATE_1904 = dt.date(1904, 1, 1)
_HEADER_SEARCH = 10
"""Non-blank rows looked at for the header, where titles sit above the table."""
_LAST_SERIAL = 2_958_465
"""31/12/9999, the last date Excel knows (1900 system)."""


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


def _sniff(path: Path) -> None:
    """Refuse, with a message a person can act on, what is not an xlsx workbook."""
    name = str(path)
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


class XlsxCaseReader:
    name = "xlsx"
    family = CASES
    extensions = (".xlsx", ".xlsm")

    def claims(self, path: Path, kind: str | None) -> bool:
        return kind in (None, CASES) and path.suffix.lower() in self.extensions

    def open(self, path: Path, config: Config) -> CaseSource:
        import openpyxl

        name = str(path)
        _sniff(path)
        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
        except Exception as exc:  # openpyxl raises many types for a damaged package
            raise InputError(name, f"is not a readable Excel workbook ({_describe(exc)})") from None
        try:
            sheet = self._sheet(workbook, config.sheet, name)
            date1904 = workbook.epoch != openpyxl.utils.datetime.WINDOWS_EPOCH
            sheet.reset_dimensions()  # trust the cells, not the file's (often wrong) <dimension>
            rows = enumerate(sheet.iter_rows(values_only=True), start=1)
            header_row, header, index, found, unmapped, skipped = self._header(rows, config, name)
        except InputError:
            workbook.close()
            raise
        except Exception as exc:
            workbook.close()
            raise InputError(name, f"is not a readable Excel workbook ({_describe(exc)})") from None
        notes = []
        if config.sheet is None and len(workbook.sheetnames) > 1:
            notes.append(f"read the first sheet, {sheet.title!r}, of {len(workbook.sheetnames)} "
                         "(name another with `sheet:` in codecheck.yaml)")
        if skipped:
            notes.append(f"the header is row {header_row}; {skipped} row{'s' if skipped != 1 else ''} above it "
                         "(a title?) skipped")
        if date1904:
            notes.append("the workbook uses the 1904 date system")
        return CaseSource(
            path=name,
            columns=found,
            unmapped=unmapped,
            batches=self._batches(workbook, rows, index, header_row, len(header), date1904, config, name),
            notes=notes,
        )

    @staticmethod
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

    @staticmethod
    def _header(rows: Iterator[tuple[int, tuple]], config: Config, name: str):
        """The header: the first non-blank row, or, where a title sits above the
        table, the first of the next few rows that has the columns needed."""
        first: tuple[int, list[str], InputError] | None = None  # what to complain about
        skipped = 0
        for number, values in rows:
            header = [cell_text(v, False, False) for v in values]
            while header and not header[-1]:
                header.pop()
            if not header:
                continue
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
            raise InputError(name, "is empty: the sheet has no header row")
        raise InputError(name, first[2].message, location=str(first[0]))

    def _batches(self, workbook, rows, index: dict[str, int], header_row: int, header_width: int,
                 date1904: bool, config: Config, name: str) -> Iterator[CaseBatch]:
        parser = DateColumnParser(month_first=config.date_order == "mdy")
        size = config.batch_size
        items = [(canonical, i, canonical in DATE_COLUMNS) for canonical, i in index.items()]
        width = max(index.values(), default=-1) + 1
        last = header_row
        try:
            while True:
                numbers: list[int] = []
                cells: dict[str, list[str]] = {c: [] for c in index}
                for number, values in rows:
                    last = number
                    if not any(v is not None and (not isinstance(v, str) or v.strip()) for v in values):
                        continue  # a blank row is not a case
                    if len(values) < width:
                        values = tuple(values) + (None,) * (width - len(values))
                    numbers.append(number)
                    for canonical, i, is_date in items:
                        cells[canonical].append(cell_text(values[i], is_date, date1904))
                    if len(numbers) >= size:
                        break
                if not numbers:
                    return
                yield CaseBatch(path=name, rows=numbers, cells=cells, dates_parser=parser, header_fields=header_width)
                if len(numbers) < size:
                    return
        except InputError:
            raise
        except Exception as exc:  # a damaged sheet part found while streaming
            raise InputError(name, f"Excel sheet damaged after row {last} ({_describe(exc)})",
                             location=str(last + 1)) from None
        finally:
            workbook.close()
