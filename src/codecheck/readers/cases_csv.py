"""The CSV case-record reader: UTF-8 (with or without BOM) or Windows-1252,
comma, semicolon, tab or pipe delimited, headers mapped by the configuration.

Streams: rows are read and handed on in batches, so memory does not grow with
the file.

With pyarrow installed (``pip install codecheck[fast]``) the batches of a UTF-8 or
Windows-1252 file come from the columnar path (:mod:`codecheck.readers.cases_arrow`),
which gives the same batches as the csv module here and hands over to it wherever
it cannot (``CODECHECK_FAST_CSV=0`` always reads with the csv module).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import weakref
from itertools import islice
from pathlib import Path
from typing import Iterator

from codecheck.columns import COLUMNS, REQUIRED, normalise_header
from codecheck.config import Config
from codecheck.errors import InputError
from codecheck.readers import cases_arrow
from codecheck.readers.base import CASES, CaseSource
from codecheck.records import CaseBatch
from codecheck.values import DateColumnParser, UnreadableValue, describe_shape, parse_date

_SNIFF_BYTES = 64 * 1024
csv.field_size_limit(64 * 1024 * 1024)


def detect_encoding(path: Path) -> str:
    """utf-8-sig when the file has a BOM, utf-8 when every byte decodes, else cp1252."""
    with open(path, "rb") as fh:
        head = fh.read(_SNIFF_BYTES)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        _refuse_binary(path, head)
        decoder = codecs.getincrementaldecoder("utf-8")()
        chunk = head
        try:
            while chunk:
                decoder.decode(chunk)
                chunk = fh.read(1 << 20)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def _refuse_binary(path: Path, head: bytes) -> None:
    if head.startswith(b"PK\x03\x04"):
        raise InputError(str(path), "is a zip file (an Excel .xlsx workbook?), not CSV; save it as CSV or give it the .xlsx extension")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(str(path), "is an old Excel/Office binary file, not CSV; save it as CSV")
    if b"\x00" in head:
        raise InputError(str(path), "is a binary file, not CSV text")


def _delimiter(sample: str) -> str:
    first = sample.splitlines()[0] if sample else ""
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def map_headers(header: list[str], config: Config, path: str) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """Return canonical column -> field index, canonical -> header text, and unmapped headers."""
    index: dict[str, int] = {}
    found: dict[str, str] = {}
    by_exact = {}
    by_loose = {}
    for i, name in enumerate(header):
        by_exact.setdefault(name.strip(), i)
        by_loose.setdefault(normalise_header(name), i)
    for canonical, wanted in config.columns.items():
        i = by_exact.get(wanted.strip())
        if i is None:
            i = by_loose.get(normalise_header(wanted))
        if i is None:
            raise InputError(
                path,
                f"the configuration maps {canonical} to the column {wanted!r}, which the file does not have "
                f"(its headers: {_list(header)})",
                location="1",
            )
        index[canonical] = i
    taken = set(index.values())
    for canonical in COLUMNS:
        if canonical in index:
            continue
        i = by_loose.get(canonical)
        if i is not None and i not in taken:
            index[canonical] = i
            taken.add(i)
    for canonical, i in index.items():
        found[canonical] = header[i]
    unmapped = [h for i, h in enumerate(header) if i not in taken and h.strip()]
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        raise InputError(
            path,
            f"required column(s) {', '.join(missing)} not found (its headers: {_list(header)}); "
            f"map them in codecheck.yaml, e.g. `columns: {{{missing[0]}: \"Your Header\"}}`",
            location="1",
        )
    return index, found, unmapped


def _list(header: list[str], most: int = 8) -> str:
    """The headers, for a message; a first row that looks like data (a file with
    no header row) is not quoted, since its cells are a resident's record."""
    data = [i for i, h in enumerate(header) if _looks_like_data(h)]
    if data:
        return (f"none: the first row, of {len(header)} fields, looks like data, not headers: field {data[0] + 1} "
                f"holds {describe_shape(header[data[0]])}; is the header row missing?")
    shown = ", ".join(repr(h) for h in header[:most])
    return shown + (f" and {len(header) - most} more" if len(header) > most else "") if header else "none"


def _looks_like_data(cell: str) -> bool:
    """A date, a number of three digits or more (a phone number, a case reference)
    or a long text: not what a column header looks like."""
    text = cell.strip()
    if len(text) > 60 or re.search(r"\d{3}", text):
        return True
    try:
        return parse_date(text) is not None
    except UnreadableValue:
        return False


class CsvCaseReader:
    name = "csv"
    family = CASES
    extensions = (".csv", ".tsv", ".txt")

    def claims(self, path: Path, kind: str | None) -> bool:
        suffix = path.suffix.lower()
        if kind == CASES:
            return suffix in self.extensions
        return kind is None and suffix in (".csv", ".tsv")

    def open(self, path: Path, config: Config) -> CaseSource:
        name = str(path)
        try:
            encoding = detect_encoding(path)
            fh = open(path, encoding=encoding, errors="replace", newline="")
        except OSError as exc:
            raise InputError(name, f"cannot be read: {exc.strerror or exc}") from None
        try:
            sample = fh.read(_SNIFF_BYTES)
            fh.seek(0)
            delimiter = "\t" if path.suffix.lower() == ".tsv" else _delimiter(sample)
            reader = csv.reader(fh, delimiter=delimiter)
            try:
                header = next(reader, None)
            except csv.Error as exc:
                raise InputError(name, f"is not a readable CSV: {exc}", location="1") from None
            if header is None or not any(h.strip() for h in header):
                raise InputError(name, "is empty: no header row")
            index, found, unmapped = map_headers(header, config, name)
        except BaseException:
            fh.close()
            raise
        notes = []
        if encoding == "cp1252":
            notes.append("read as Windows-1252 (not valid UTF-8)")
        batches = None
        if cases_arrow.available() and encoding in cases_arrow.ENCODINGS and reader.line_num == 1:
            # The columnar path (pyarrow, in a thread from now on), which hands over to the csv
            # path wherever it cannot read the file exactly as the csv module does.
            fh.close()
            arrow = cases_arrow.ArrowRead(path, name, encoding, delimiter, index, len(header))
            batches = self._arrow_batches(arrow, path, encoding, delimiter, index, len(header), config, name)
            weakref.finalize(batches, arrow.stop, wait=False)  # should the batches never be read
        if batches is None:
            batches = self._batches(fh, reader, index, len(header), config, name)
        return CaseSource(
            path=name,
            columns=found,
            unmapped=unmapped,
            batches=batches,
            notes=notes,
        )

    def _arrow_batches(self, arrow, path: Path, encoding: str, delimiter: str, index: dict[str, int], width: int,
                       config: Config, name: str) -> Iterator[CaseBatch]:
        parser = DateColumnParser(month_first=config.date_order == "mdy")
        try:
            yield from arrow.batches(config.batch_size, parser)
        except cases_arrow.Fallback as stop:
            # The csv path reads on from that line; every line before it was one record.
            try:
                fh = open(path, encoding=encoding, errors="replace", newline="")
            except OSError as exc:
                raise InputError(name, f"cannot be read: {exc.strerror or exc}") from None
            reader = csv.reader(fh, delimiter=delimiter)
            try:
                for _ in islice(reader, stop.line - 1):
                    pass
            except csv.Error as exc:
                fh.close()
                raise InputError(name, f"CSV structure broken: {exc}", location=str(reader.line_num)) from None
            yield from self._batches(fh, reader, index, width, config, name)

    def _batches(self, fh: io.TextIOBase, reader, index: dict[str, int], width: int, config: Config, name: str) -> Iterator[CaseBatch]:
        """Read `batch_size` records at a time and transpose them into columns.

        The transpose is one ``zip(*records)`` (C speed) rather than a Python loop
        over every cell; rows whose field count differs from the header's are
        padded or cut for the transpose and reported by rule CD004.
        """
        parser = DateColumnParser(month_first=config.date_order == "mdy")
        size = config.batch_size
        wanted = list(index.items())
        with fh:
            while True:
                first_line = reader.line_num + 1
                try:
                    records = list(islice(reader, size))
                except csv.Error as exc:
                    raise InputError(name, f"CSV structure broken: {exc}", location=str(reader.line_num)) from None
                if not records:
                    return
                got = len(records)
                if reader.line_num - first_line + 1 == got:
                    rows = list(range(first_line, first_line + got))  # one line a record: the usual case
                else:
                    rows = _start_lines(records, first_line)
                if {len(r) for r in records} != {width}:
                    records, rows, ragged = _even_out(records, rows, width)
                else:
                    ragged = {}
                if records:
                    columns = list(zip(*records))
                    cells = {canonical: columns[i] for canonical, i in wanted}
                    yield CaseBatch(path=name, rows=rows, cells=cells, dates_parser=parser, ragged=ragged,
                                    header_fields=width)
                if got < size:
                    return


def _start_lines(records: list[list[str]], first_line: int) -> list[int]:
    """The line each record starts on, where quoted fields span lines."""
    rows = []
    line = first_line
    for record in records:
        rows.append(line)
        line += 1 + sum(field.count("\n") for field in record)
    return rows


def _even_out(records: list[list[str]], rows: list[int], width: int):
    """Drop blank lines; pad or cut rows whose field count differs from the header's,
    remembering them (by their new index) for rule CD004."""
    kept, kept_rows, ragged = [], [], {}
    for record, row in zip(records, rows):
        n = len(record)
        if n != width:
            if not record or (n == 1 and not record[0].strip()):
                continue  # a blank line is not a case
            ragged[len(kept)] = n
            record = record[:width] if n > width else record + [""] * (width - n)
        kept.append(record)
        kept_rows.append(row)
    return kept, kept_rows, ragged
