"""The CSV case-record reader: UTF-8 (with or without BOM) or Windows-1252,
comma, semicolon, tab or pipe delimited, headers mapped by the configuration.

Streams: rows are read and handed on in batches, so memory does not grow with
the file.

With pyarrow installed (``pip install codecheck[fast]``) the batches of a UTF-8 or
Windows-1252 file come from the columnar path (:mod:`codecheck.readers.cases_arrow`),
which gives the same batches as the csv module here and hands over to it wherever
it cannot (``CODECHECK_FAST_CSV=0`` always reads with the csv module).

Every line is accounted for: each is part of one record that is checked, or of
one *broken* row that rule CD004 reports (``CaseBatch.broken``). A quote left
open at a line end would otherwise make the rest of the file one field; a NUL
byte would otherwise refuse the whole file. See :func:`_recover`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import weakref
from collections import deque
from itertools import chain, islice
from pathlib import Path
from typing import Iterator

from codecheck.columns import COLUMNS, REQUIRED, normalise_header
from codecheck.config import Config
from codecheck.errors import InputError
from codecheck.readers.base import CASES, CaseSource
from codecheck.readers.rows import BLANK, RAGGED, fitted
from codecheck.readers.rows import shape as rows_shape
from codecheck.records import CaseBatch
from codecheck.values import DateColumnParser, UnreadableValue, describe_shape, parse_date

_SNIFF_BYTES = 64 * 1024
csv.field_size_limit(64 * 1024 * 1024)

_RECORD_LINES = 1000
_RECORD_CHARS = 1 << 20
"""The most physical lines, and characters, one record may span before it is taken for a
quote left open (a broken row) rather than a quoted value with line breaks in it.

Case records come out of spreadsheets and case systems: an Excel cell holds at most
32,767 characters and 253 line breaks, and a real free-text note is far shorter. A
record of 1,000 lines or 1 MB is several times anything a real row holds. An open quote
is usually given away by other signs (a line inside it reads as a row of its own, the
field count is wrong); the bound is for when nothing else does, and it keeps what one
stray quote can make the csv module read as one record, and hold in memory, small."""
_NUL = "it holds a NUL byte"
_PIECE = 4096
"""Lines read and parsed at a time: a piece the CPU cache holds (measured: parsing 4,096 lines
at a time is faster than the csv module reading the file line by line)."""
_LINE_ENDS = ("\n", "\r")


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


_CONTROL = bytes(range(0x09)) + bytes(range(0x0e, 0x20))
"""Bytes text does not hold (a tab, line ends and form feeds aside)."""
_BINARY_SHARE = 20
"""More than one byte in this many a control byte: a binary file (random bytes: about 1 in 10;
UTF-16 text without its byte-order mark: 1 in 2), not a text with a few damaged rows."""


def _refuse_binary(path: Path, head: bytes) -> None:
    """Refuse what is not CSV text: a workbook, a binary, UTF-16 without a BOM. A NUL byte
    in a data row is not enough: it costs only its row (a broken row, rule CD004)."""
    if head.startswith(b"PK\x03\x04"):
        raise InputError(str(path), "is a zip file (an Excel .xlsx workbook?), not CSV; save it as CSV or give it the .xlsx extension")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(str(path), "is an old Excel/Office binary file, not CSV; save it as CSV")
    if b"\x00" in head:
        header = re.split(rb"[\r\n]", head, maxsplit=1)[0]
        if b"\x00" in header:
            raise InputError(str(path), "is a binary file, not CSV text (a NUL byte in its first line)", location="1")
    controls = len(head) - len(head.translate(None, _CONTROL))
    if controls and controls * _BINARY_SHARE > len(head):
        raise InputError(str(path), f"is a binary file, not CSV text ({controls} of its first {len(head)} bytes are "
                                    "NUL or other control bytes; UTF-16 text needs its byte-order mark)")


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
            f"map them in codecheck.yaml, e.g. `columns: {{{missing[0]}: \"Your Header\"}}` "
            f"(`codecheck init --from {Path(path).name}` writes one with its guesses; `codecheck columns` lists them)",
            location="1",
        )
    return index, found, unmapped


_TITLE_LINES = 20
"""Lines after the first looked at for the header, where a report's title lines sit above the table."""


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
            skipped = 0
            try:
                index, found, unmapped = map_headers(header, config, name)
            except InputError as first_error:
                # A report's title lines above the table ("Complaints report", "Generated 01/04/2025"):
                # the header is the first of the next few rows that names the required columns, as
                # for a workbook's sheet.
                for _ in range(_TITLE_LINES):
                    try:
                        row = next(reader, None)
                    except csv.Error:
                        row = None
                    if row is None:
                        break
                    skipped += 1
                    try:
                        index, found, unmapped = map_headers(row, config, name)
                    except InputError:
                        continue
                    header = row
                    break
                else:
                    raise first_error from None
                if header is not row:
                    raise first_error from None
        except BaseException:
            fh.close()
            raise
        header_line = reader.line_num
        notes = []
        if skipped:
            notes.append(f"the header is line {header_line}; {skipped} line{'s' if skipped != 1 else ''} above it "
                         "(a title?) skipped")
        if encoding == "cp1252":
            notes.append("read as Windows-1252 (not valid UTF-8)")
        batches = None
        from codecheck.readers import cases_arrow  # (pyarrow loads when a CSV is read, not at start-up)

        if cases_arrow.available() and encoding in cases_arrow.ENCODINGS and reader.line_num == 1:
            # The columnar path (pyarrow, in a thread from now on), which hands over to the csv
            # path wherever it cannot read the file exactly as the csv module does.
            fh.close()
            arrow = cases_arrow.ArrowRead(path, name, encoding, delimiter, index, len(header))
            batches = self._arrow_batches(arrow, path, encoding, delimiter, index, len(header), config, name)
            weakref.finalize(batches, arrow.stop, wait=False)  # should the batches never be read
        if batches is None:
            batches = self._batches(fh, reader.line_num + 1, delimiter, index, len(header), config, name)
        return CaseSource(
            path=name,
            columns=found,
            unmapped=unmapped,
            batches=batches,
            notes=notes,
            header_row=header_line,
        )

    def _arrow_batches(self, arrow, path: Path, encoding: str, delimiter: str, index: dict[str, int], width: int,
                       config: Config, name: str) -> Iterator[CaseBatch]:
        from codecheck.readers.cases_arrow import Fallback

        parser = DateColumnParser(month_first=config.date_order == "mdy")
        try:
            yield from arrow.batches(config.batch_size, parser)
        except Fallback as stop:
            # The csv path reads on from that line; every line before it was one record.
            try:
                fh = open(path, encoding=encoding, errors="replace", newline="")
            except OSError as exc:
                raise InputError(name, f"cannot be read: {exc.strerror or exc}") from None
            for _ in islice(fh, stop.line - 1):
                pass
            yield from self._batches(fh, stop.line, delimiter, index, width, config, name)

    def _batches(self, fh: io.TextIOBase, line: int, delimiter: str, index: dict[str, int], width: int,
                 config: Config, name: str) -> Iterator[CaseBatch]:
        """Read the records starting on the next `batch_size` physical lines (from line
        ``line`` on) and transpose them into columns: one batch.

        The lines are read and parsed a piece at a time (``_PIECE`` lines, which the CPU
        cache holds: faster than one list of the whole batch). The usual piece, one record a
        line, is parsed by one ``csv.reader`` over the list of its lines (C speed, no Python
        per line or cell); a piece where that is not so (a record over several lines, a NUL
        byte) is read record by record by :func:`_recover`, which finds broken rows. The
        transpose is one ``zip(*records)``. Rows whose field count differs from the header's
        are padded or cut for it and reported by rule CD004, as are broken rows (their cells
        left blank: nothing in them can be trusted, and nothing in them is quoted).
        """
        parser = DateColumnParser(month_first=config.date_order == "mdy")
        size = config.batch_size
        wanted = list(index.items())
        carry: list[str] = []  # lines a recovery read ahead of the line it stopped at
        spanning = False  # the last piece had a record over several lines: so may this one
        with fh:
            while True:
                records: list = []
                rows: list[int] = []
                broken: dict[int, str] = {}
                end = line + size
                ended = False
                while line < end:
                    want = min(_PIECE, end - line)
                    if carry:
                        piece, carry = carry[:want], carry[want:]
                        piece += islice(fh, want - len(piece))
                    else:
                        piece = list(islice(fh, want))
                    if not piece:
                        ended = True
                        break
                    simple = None if spanning else _one_record_a_line(piece, delimiter)
                    if simple is not None:
                        records += simple
                        rows += range(line, line + len(piece))
                        line += len(piece)
                        continue
                    rest = iter(carry)
                    before = line
                    found, found_rows, found_broken, line, ahead = _recover(piece, chain(rest, fh), line, width,
                                                                           delimiter)
                    spanning = line - before != len(found)
                    carry = ahead + list(rest)
                    broken.update((len(records) + i, why) for i, why in found_broken.items())
                    records += found
                    rows += found_rows
                if broken or {len(r) for r in records} - {width}:
                    records, rows, ragged, broken = _even_out(records, rows, width, broken)
                else:
                    ragged = {}
                if records:
                    columns = list(zip(*records))
                    cells = {canonical: columns[i] for canonical, i in wanted}
                    yield CaseBatch(path=name, rows=rows, cells=cells, dates_parser=parser, ragged=ragged,
                                    broken=broken, header_fields=width)
                if ended:
                    return


def _one_record_a_line(piece: list[str], delimiter: str) -> "list[list[str]] | None":
    """The records of these lines when each line is one whole record without a NUL byte
    (the usual case, checked at C speed); else None."""
    if "\x00" in "".join(piece):
        return None
    try:
        records = list(csv.reader(piece, delimiter=delimiter))
    except csv.Error:
        return None
    if len(records) != len(piece):
        return None  # a record spans lines
    # The last line may open a quote that the next piece (or nothing) closes: only then is its
    # line end in its last field, or has it none (the end of the file).
    last = records[-1]
    maybe_open = (last and last[-1].endswith(_LINE_ENDS)) or not piece[-1].endswith(_LINE_ENDS)
    return None if maybe_open and _left_open([piece[-1]], delimiter) else records


class _Lines:
    """The physical lines records are read from, for :func:`_recover`: lines pushed back
    first, then the file. Counts the lines and characters the current record has taken,
    and ends the record (as the end of the file would) once it passes the bounds
    (``_RECORD_LINES``, ``_RECORD_CHARS``)."""

    def __init__(self, lines: list[str], more: Iterator[str]):
        self.queue: deque[str] = deque(lines)
        self.more = more
        self.taken: list[str] = []
        self.chars = 0
        self.capped = False

    def start(self) -> None:
        """A new record starts."""
        self.taken = []
        self.chars = 0
        self.capped = False

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        if len(self.taken) >= _RECORD_LINES or self.chars >= _RECORD_CHARS:
            self.capped = True
            raise StopIteration
        line = self.queue.popleft() if self.queue else next(self.more)
        self.taken.append(line)
        self.chars += len(line)
        return line

    def next_line(self) -> str | None:
        """The next line, not taken by any record (None at the end of the file)."""
        return self.queue.popleft() if self.queue else next(self.more, None)

    def push_back(self, lines: list[str]) -> None:
        self.queue.extendleft(reversed(lines))


def _recover(piece: list[str], more: Iterator[str], line: int, width: int, delimiter: str):
    """Read the records starting on the lines of ``piece`` (line ``line`` on), reading on from
    ``more`` where the last one goes on past it.

    A record over several lines is a quoted value with line breaks in it, unless it is
    suspect (:func:`_suspect`): then its quote was left open, and its first line is a broken
    row, which goes on to the next line that reads on its own as a row of the header's width;
    reading restarts there with a fresh ``csv.reader``. The lines between are the damaged
    row's, however many: one finding names them, rather than one per line of a swallowed
    note. A record holding a NUL byte is a broken row too.

    The records before the first that is suspect, holds a NUL or goes on past the piece are
    taken from one ``csv.reader`` over the piece (:func:`_plain_records`), so that a file
    with a line break in every row's notes is not read line by line in Python; from there,
    :func:`_record_by_record`, the reference.

    Returns the records (None for a broken row), the line each starts on, the broken rows
    (index -> why), the line after the last one read, and lines read ahead of it.
    """
    records, rows, done = _plain_records(piece, line, width, delimiter)
    if done == len(piece):
        return records, rows, {}, line + done, []
    found, found_rows, broken, after, ahead = _record_by_record(piece[done:], more, line + done, width, delimiter)
    offset = len(records)
    return records + found, rows + found_rows, {offset + i: why for i, why in broken.items()}, after, ahead


def _plain_records(piece: list[str], line: int, width: int, delimiter: str) -> tuple[list, list[int], int]:
    """The records at the start of the piece that :func:`_record_by_record` would read as they
    are (each within the bounds, not suspect, no NUL, ended within the piece), with their lines
    and the number of lines they take. Where in doubt it stops: the reference reads on.

    The reader is strict: it stops at the first quote not in the standard form, and at a quote
    still open at the end of the piece, so neither is looked for record by record."""
    records: list = []
    rows: list[int] = []
    done = 0
    if "\x00" in "".join(piece):
        return records, rows, done
    reader = csv.reader(piece, delimiter=delimiter, strict=True)
    try:
        for record in reader:
            after = reader.line_num
            if after - done > 1:
                taken = piece[done:after]
                if (len(record) != width or after - done > _RECORD_LINES
                        or sum(map(len, taken[:-1])) >= _RECORD_CHARS
                        or _rows_inside(record, taken, width, delimiter)):
                    break
            records.append(record)
            rows.append(line + done)
            done = after
    except csv.Error:
        pass
    return records, rows, done


def _record_by_record(piece: list[str], more: Iterator[str], line: int, width: int, delimiter: str):
    """:func:`_recover`, one record at a time from a line iterator with a push-back queue,
    counting each record's lines. Returns as :func:`_recover` does."""
    lines = _Lines(piece, more)
    reader = csv.reader(lines, delimiter=delimiter)
    end = line + len(piece)
    records: list = []
    rows: list[int] = []
    broken: dict[int, str] = {}
    while line < end:
        lines.start()
        try:
            record = next(reader, None)
            failed = False
        except csv.Error:
            record, failed = [], True
        taken = lines.taken
        if record is None or not taken:
            break  # the end of the file
        why = "failed" if failed else _suspect(record, taken, lines.capped, width, delimiter)
        if why:
            lines.push_back(taken[1:])
            span = 1
            while True:  # one line at a time, none kept: linear, and bounded in memory
                after = lines.next_line()
                if after is None:
                    break
                if _row_on_its_own(after, width, delimiter) is not None:
                    lines.push_back([after])
                    break
                span += 1
            broken[len(records)] = _open_quote(line, span, why)
            records.append(None)
            rows.append(line)
            line += span
            reader = csv.reader(lines, delimiter=delimiter)  # the old one may be inside a quote
            continue
        if any("\x00" in t for t in taken):
            broken[len(records)] = _NUL
            record = None
        records.append(record)
        rows.append(line)
        line += len(taken)
    return records, rows, broken, line, list(lines.queue)


def _suspect(record: list[str], taken: list[str], capped: bool, width: int, delimiter: str) -> str | None:
    """Why this record, read from the lines ``taken``, is taken for a quote left open ("open",
    or "capped" when the only sign is that it passed the bounds); None for a record.

    A record over several lines is suspect when its field count differs from the header's,
    when one of its continuation lines reads on its own as a row of the header's width
    (:func:`_rows_inside`), when
    it passes the bounds (``_RECORD_LINES``, ``_RECORD_CHARS``), or when its quotes are not in
    the standard form (a quote closing a value is followed by a delimiter or a line end: where
    the open quote was closed by a later value's opening quote, it is not). Any record is
    suspect when the file ends inside its quote. A quoted value with line breaks in it, as
    exports write them, is none of these."""
    if len(taken) > 1 and (len(record) != width or _rows_inside(record, taken, width, delimiter)):
        return "open"
    if capped:
        return "capped"  # (cut short, its quotes are never in the standard form: no sign of anything)
    if len(taken) > 1 and not _standard_quotes(taken, delimiter):
        return "open"
    return "open" if _ends_open(record, taken, delimiter) else None


def _open_quote(line: int, span: int, why: str) -> str:
    """What a broken row's finding says: what is wrong and which lines it took, not a word of
    what they hold."""
    if why == "failed":
        text = "the csv module cannot read it"
    elif why == "capped":
        text = (f"a quote opened on this line is not closed within {_RECORD_LINES:,} lines or "
                f"{_RECORD_CHARS // (1 << 20)} MB")
    else:
        text = "a quote opened on this line is never closed"
    if span > 1:
        text += f" (lines {line}-{line + span - 1} read as one damaged row)"
    return text


def _row_on_its_own(line: str, width: int, delimiter: str) -> "list[str] | None":
    """This line's fields when, read on its own, it is a row of exactly ``width`` fields (its
    last value may open a quoted value with line breaks): a row in its own right, not part of
    a value. Else None."""
    if line.count(delimiter) < width - 1:
        return None  # too few delimiters for the fields, even unquoted (the usual free-text line)
    try:
        record = next(csv.reader((line,), delimiter=delimiter), None)
    except csv.Error:
        return None
    return record if record is not None and len(record) == width else None


def _rows_inside(record: list[str], taken: list[str], width: int, delimiter: str) -> bool:
    """Whether a continuation line of this record (read from the lines ``taken``) reads on its
    own as a row of the header's width.

    The last line counts only if, so read, it is not just the record's own last fields: the
    last line of a quoted value with line breaks holds the end of the value and the fields
    after it, and where the value is the first field (a case id with a line break in it) that
    is the header's width too."""
    if any(_row_on_its_own(t, width, delimiter) for t in taken[1:-1]):
        return True
    alone = _row_on_its_own(taken[-1], width, delimiter)
    return alone is not None and alone[1:] != record[len(record) - (width - 1):]


def _standard_quotes(lines: list[str], delimiter: str) -> bool:
    """Whether these lines read as one record in the csv module's strict mode: every quoted
    value closed, and its closing quote followed by a delimiter or the line end."""
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    try:
        next(reader, None)
    except csv.Error:
        return False
    return reader.line_num == len(lines)


def _left_open(lines: list[str], delimiter: str) -> bool:
    """Whether the first record read from these lines still has a quote open after them."""
    reader = csv.reader(chain(lines, ("\n",)), delimiter=delimiter)
    try:
        next(reader, None)
    except csv.Error:
        return True
    return reader.line_num > len(lines)


def _ends_open(record: list[str], taken: list[str], delimiter: str) -> bool:
    """Whether the file ended inside this record's quote. Only then is the last line's end
    in the last field (or the last line has none), so only then is the record read again."""
    if (record and record[-1].endswith(_LINE_ENDS)) or not taken[-1].endswith(_LINE_ENDS):
        return _left_open(taken, delimiter)
    return False


def _even_out(records: list, rows: list[int], width: int, broken: dict[int, str]):
    """Rows as :mod:`codecheck.readers.rows` defines them: blank lines dropped, ragged rows fitted
    to the header's width and remembered (by their new index) for rule CD004, broken rows (None
    records) kept with blank cells, re-indexed likewise."""
    kept, kept_rows, ragged, kept_broken = [], [], {}, {}
    blank_row = [""] * width
    for i, (record, row) in enumerate(zip(records, rows)):
        if record is None:
            kept_broken[len(kept)] = broken[i]
            record = blank_row
        else:
            what = rows_shape(record, width)
            if what == BLANK:
                continue
            if what == RAGGED:
                ragged[len(kept)] = len(record)
                record = fitted(record, width)
        kept.append(record)
        kept_rows.append(row)
    return kept, kept_rows, ragged, kept_broken
