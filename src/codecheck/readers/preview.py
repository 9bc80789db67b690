"""A first look at a case-record export whose headers may not match yet.

:func:`preview` gives the header row as found and the first data rows as text,
read the way the case readers read them (the same encoding and delimiter
detection for CSV, the same cell conversion for Excel), but without asking for
the canonical columns to be mapped: it is what ``codecheck init --from EXPORT``
guesses a mapping from.

The Excel header, without a mapping to recognise it by, is the first row, among
the first few non-blank rows, with the most non-blank text cells, and at least
two of them: a title above the table is one cell, and never the header.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from codecheck.columns import DATE_COLUMNS, normalise_header
from codecheck.config import Config
from codecheck.errors import InputError
from codecheck.readers import cases_csv, cases_xlsx

_CSV_SUFFIXES = (".csv", ".tsv", ".txt")
_XLSX_SUFFIXES = (".xlsx", ".xlsm")
_MIN_HEADER_CELLS = 2
"""A header names at least two columns (a case id and a date are required); one cell is a title."""


@dataclass
class Preview:
    path: str
    header: list[str]
    """the header row's cells as text, trailing blank cells dropped."""
    header_row: int
    """its row (Excel) or line (CSV) number, counting from 1."""
    rows: list[list[str]]
    """up to `limit` data rows after the header, blank rows left out, each exactly as wide as the header
    (cells beyond it are left out, and counted in the notes)."""
    sheet: str | None = None
    """the sheet read, for a workbook."""
    notes: list[str] = field(default_factory=list)
    """how the file was read (encoding, sheet, title rows skipped, date system)."""


def preview(path: Path, config: Config, limit: int = 500) -> Preview:
    """The header and first `limit` data rows of a case-record export, as text."""
    path = Path(path)
    suffix = path.suffix.lower()
    if limit < 0:
        raise ValueError("limit must be 0 or more")
    if suffix in _XLSX_SUFFIXES:
        return _preview_xlsx(path, config, limit)
    if suffix in _CSV_SUFFIXES:
        return _preview_csv(path, limit)
    raise InputError(str(path), f"is not a case-record export codecheck reads (a {suffix or 'file without an extension'}); "
                                "give a .csv, .tsv, .txt or .xlsx file")


def _fit(cells: list[str], width: int) -> list[str]:
    """A row as wide as the header: padded with blanks, or cut."""
    if len(cells) < width:
        return cells + [""] * (width - len(cells))
    return cells[:width]


def _preview_csv(path: Path, limit: int) -> Preview:
    name = str(path)
    cases_xlsx.regular_file(path)  # a FIFO would block, a device never end
    try:
        encoding = cases_csv.detect_encoding(path)
        fh = open(path, encoding=encoding, errors="replace", newline="")
    except OSError as exc:
        raise InputError(name, f"cannot be read: {exc.strerror or exc}") from None
    with fh:
        try:
            sample = fh.read(cases_csv._SNIFF_BYTES)
        except OSError as exc:
            raise InputError(name, f"cannot be read: {exc.strerror or exc}") from None
        fh.seek(0)
        delimiter = "\t" if path.suffix.lower() == ".tsv" else cases_csv._delimiter(sample)
        reader = csv.reader(fh, delimiter=delimiter)
        try:
            header = next(reader, None)
            if header is None or not any(h.strip() for h in header):
                raise InputError(name, "is empty: no header row", location="1")
            header = [h.strip() for h in header]
            while header and not header[-1]:
                header.pop()
            rows: list[list[str]] = []
            wider = 0  # rows with fields beyond the header's last column
            while len(rows) < limit:
                record = next(reader, None)
                if record is None:
                    break
                if not any(cell.strip() for cell in record):
                    continue  # a blank line is not a case
                if any(cell.strip() for cell in record[len(header):]):
                    wider += 1
                rows.append(_fit([cell.strip() for cell in record], len(header)))
        except csv.Error as exc:
            raise InputError(name, f"is not a readable CSV: {exc}", location=str(reader.line_num)) from None
    notes = []
    if encoding == "cp1252":
        notes.append("read as Windows-1252 (not valid UTF-8)")
    if delimiter != ",":
        shown = {"\t": "tab", ";": "semicolon", "|": "pipe"}[delimiter]
        notes.append(f"{shown}-delimited")
    if wider:
        notes.append(f"{wider} of the rows shown have fields beyond the header's last column, left out here")
    return Preview(path=name, header=header, header_row=1, rows=rows, sheet=None, notes=notes)


def _text_cells(cells: dict) -> int:
    return sum(1 for v in cells.values() if isinstance(v, str) and v.strip())


def _date_columns(header: list[str], config: Config) -> list[bool]:
    """Which columns hold dates, as far as the headers tell without a mapping: a header
    the configuration maps to a date column, or one named like a date column."""
    configured = {normalise_header(h) for c, h in config.columns.items() if c in DATE_COLUMNS}
    return [normalise_header(h) in configured or normalise_header(h) in DATE_COLUMNS for h in header]


def _preview_xlsx(path: Path, config: Config, limit: int) -> Preview:
    name = str(path)
    sheet = cases_xlsx.open_sheet(path, config)
    wider = 0  # rows with cells beyond the header's last column
    try:
        rows_iter = sheet.rows()
        candidates: list[tuple[int, dict]] = []
        for number, cells in rows_iter:
            if not cases_xlsx.is_blank(cells):
                candidates.append((number, cells))
                if len(candidates) >= cases_xlsx._HEADER_SEARCH:
                    break
        best = max((_text_cells(c) for _, c in candidates), default=0)
        if best < _MIN_HEADER_CELLS:
            if not candidates:
                raise InputError(name, f"is empty: sheet {sheet.title!r} has no header row")
            raise InputError(name, f"sheet {sheet.title!r}: no header row in its first {len(candidates)} non-blank "
                                   f"row(s) (a header names at least {_MIN_HEADER_CELLS} columns, in text cells)",
                             location=str(candidates[0][0]))
        at = next(i for i, (_, c) in enumerate(candidates) if _text_cells(c) == best)
        header_row, header_cells = candidates[at]
        header = [""] * (max(header_cells) + 1)
        for column, value in header_cells.items():
            header[column] = cases_xlsx.cell_text(value, False, False)
        while header and not header[-1]:
            header.pop()
        width = len(header)
        dates = _date_columns(header, config)
        date1904 = sheet.date1904
        if sheet.merges and len(candidates) > at + 1:
            # Rows under the header were read before it was known, without merged cells filled
            # down: read them again from the header on, as the reader does.
            rows_iter.close()
            candidates = candidates[:at + 1]
            sheet.data_from = header_row + 1
            rows_iter = ((n, c) for n, c in sheet.rows() if n > header_row)
        sheet.data_from = header_row + 1

        def text(cells: dict) -> list[str]:
            nonlocal wider
            if any(column >= width for column in cells if not cases_xlsx.is_blank({0: cells[column]})):
                wider += 1
            return [cases_xlsx.cell_text(cells.get(i), dates[i], date1904) for i in range(width)]

        rows = [text(c) for _, c in candidates[at + 1:limit + at + 1]]
        for number, cells in rows_iter:
            if len(rows) >= limit:
                break
            if not cases_xlsx.is_blank(cells):
                rows.append(text(cells))
    except InputError:
        raise
    except Exception as exc:  # a damaged sheet part found while streaming
        raise InputError(name, f"sheet {sheet.title!r} is damaged ({cases_xlsx._describe(exc)})") from None
    finally:
        sheet.close()
    notes = list(sheet.notes)
    if at:
        notes.append(f"the header is row {header_row}; {at} row{'s' if at != 1 else ''} above it (a title?) skipped")
    if wider:
        notes.append(f"{wider} of the rows shown have cells beyond the header's last column, left out here")
    return Preview(path=name, header=header, header_row=header_row, rows=rows, sheet=sheet.title, notes=notes)
