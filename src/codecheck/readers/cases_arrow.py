"""The columnar CSV path: pyarrow reads the mapped columns, codecheck keeps the csv module's answers.

Used by :mod:`codecheck.readers.cases_csv` when pyarrow is installed
(``pip install codecheck[fast]``) for UTF-8 (with or without BOM) and Windows-1252
files. The csv path stays the reference: every batch built here has the same rows,
line numbers, cells, ragged rows and batch boundaries as the csv path's.

A thread (the producer) reads the file once, in blocks of whole lines (the main
thread parses a block too when the one it wants next is not ready), and for each
block:

* scans the raw bytes (numpy): where the empty lines are (pyarrow skips them and
  numbers rows, not lines), and whether the block is one pyarrow reads exactly as
  the csv module does. It is not where a quoted value spans lines, a line ends in
  a bare CR, a NUL or invalid UTF-8 appears, a line passes 16 MB, or a quote is
  outside the standard form (a whole field in quotes, ``""`` inside it);
* parses it with pyarrow (``read_csv`` on the block, in C++, without the GIL),
  the mapped columns only, each as a dictionary column; rows whose field count
  differs from the header's (and lines of spaces) reach ``invalid_row_handler``,
  which gives their number and text;
* codes each dictionary column against the file's dictionary for it (pyarrow's
  dictionary unifier), so a value is parsed, stripped and tested once per file: block
  after block in the file's order.

The main thread builds the batches from the blocks and runs the rules meanwhile.
A block that is not safe to read this way ends the columnar read there: the
batches before it stand, and the csv path reads on from the first line of the
batch it falls in (lines up to there are one record each, so it can skip them).
That is how a block needing recovery is read: a quote left open or a NUL byte is
never read here, and the csv path makes it a broken row (``CaseBatch.broken``,
``cases_csv._recover``), so both paths give the same batches.
Ragged rows are split by the csv module and put back at their lines, padded or
cut, for rule CD004 exactly as the csv path does.
"""

from __future__ import annotations

import bisect
import csv
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from codecheck.lazy import numpy as np

try:  # optional: pip install codecheck[fast]
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pa_csv
except ImportError:  # pragma: no cover - exercised by the suite run without pyarrow
    pa = pc = pa_csv = None

from codecheck.readers.rows import BLANK, ROW, fitted, shape
from codecheck.records import CaseBatch, Coded, ColumnDictionary, Listed, _has_edge
from codecheck.values import DateColumnParser

ENCODINGS = ("utf-8", "utf-8-sig", "cp1252")
ENV = "CODECHECK_FAST_CSV"
"""Set to 0 to read every CSV with the csv module (the reference path)."""
_BLOCK = 4 << 20
"""Bytes read at a time (then cut after the last whole line)."""
_PARSE_BLOCK = 1 << 20
"""pyarrow's own block size within a block: its dictionary columns cost less CPU in small
blocks (measured: 1 MB ~0.6x the time of 4 MB)."""
_MAX_LINE = 16 << 20
_AHEAD = 8
"""Blocks the producer parses ahead of the reading thread (measured, 1M-row low-findings export:
2 left it waiting ~0.8 s while the main thread parsed blocks itself; 8 costs no measurable memory)."""
PLAIN = frozenset({"case_id"})
"""Columns read as plain strings: unique per row, so a dictionary would only cost."""
_DICTIONARY_LIMIT = 200_000
"""A column whose distinct values pass this many is read as plain strings from then on."""
_EDGE = "^[ \\t\u00a0\\r\\n]|[ \\t\u00a0\\r\\n]$|\\x00[ \\t\u00a0\\r\\n]|[ \\t\u00a0\\r\\n]\\x00"
"""A value in which ``records._stripped`` sees an edge (``records._has_edge``), as an RE2 pattern."""
_QUOTE, _LF, _CR = 34, 10, 13


def available() -> bool:
    """Whether the columnar path may run: pyarrow importable and not switched off."""
    return pa is not None and os.environ.get(ENV, "1").strip().lower() not in ("0", "no", "false", "off")


# -- the byte scan ---------------------------------------------------------------------------


def scan_block(buf: bytes, delimiter: str, check_utf8: bool) -> "tuple[int, np.ndarray, int] | str":
    """Scan whole lines of raw bytes (starting at a line start): the number of lines, the
    0-based offsets of the empty ones and the longest line's length; or why pyarrow might
    read them differently.

    A few passes in C over the bytes (the line ends found once, then every test on their
    offsets: a block of 4 MB holds some 25,000 lines, not 4 million bytes). Measured on a
    1M-row export with CRLF line ends: 0.31 s -> 0.10 s for its 38 blocks."""
    if b"\x00" in buf:
        return "holds a NUL byte"
    if check_utf8 and not buf.isascii():
        try:
            buf.decode("utf-8")
        except UnicodeDecodeError:
            return "is not valid UTF-8"
    a = np.frombuffer(buf, dtype=np.uint8)
    nl = np.flatnonzero(a == _LF)
    if b"\r" in buf:
        # every CR right before an LF: as many CRs as LFs with a CR before them
        before = nl[nl > 0] - 1
        if np.count_nonzero(a == _CR) != np.count_nonzero(a[before] == _CR):
            return "ends lines with a bare CR"
    starts = np.empty(len(nl), dtype=np.int64)
    if len(nl):
        starts[0] = 0
        starts[1:] = nl[:-1] + 1
    length = nl - starts  # bytes before the LF, a CR included
    tail = len(buf) - (int(nl[-1]) + 1 if len(nl) else 0)  # an unterminated last line
    longest = max(int(length.max()) if len(length) else 0, tail)
    if longest > _MAX_LINE:
        return "has a line over 16 MB"
    short = np.flatnonzero(length <= 1)
    blank = short[(length[short] == 0) | (a[starts[short]] == _CR)] if len(short) else short
    return _quotes_checked(buf, a, delimiter) or (len(nl) + (0 if buf.endswith(b"\n") else 1), blank, longest)


def _quotes_checked(buf: bytes, a: np.ndarray, delimiter: str) -> str | None:
    """Why the quotes in these bytes are not read alike by the csv module and pyarrow, if they are not."""
    return _check_quotes(a, ord(delimiter)) if b'"' in buf else None


def _check_quotes(a: np.ndarray, delimiter: int) -> str | None:
    """Quotes in the standard form only, and no line end inside a quoted field.

    With every quote either opening a field (after a delimiter or line end, or
    right after a closing quote: ``""``) or closing one (before a delimiter, line
    end, end of the bytes or an opening quote), a byte is inside a quoted field
    exactly when an odd number of quotes precede it, for the csv module and
    pyarrow alike.
    """
    q = np.flatnonzero(a == _QUOTE)
    structural = np.array([delimiter, _LF, _CR, _QUOTE], dtype=np.uint8)
    opening = np.arange(len(q)) % 2 == 0
    before = a[np.maximum(q - 1, 0)].copy()
    before[q == 0] = _LF
    after = a[np.minimum(q + 1, len(a) - 1)].copy()
    after[q + 1 >= len(a)] = _LF
    if not np.where(opening, np.isin(before, structural), np.isin(after, structural)).all():
        return "has a quote inside an unquoted field"
    ends = np.flatnonzero((a == _LF) | (a == _CR))
    if (np.searchsorted(q, ends) % 2 == 1).any():
        return "has a quoted value over more than one line"
    if len(q) % 2:
        return "has an unterminated quote"
    return None


@dataclass
class Layout:
    """What :func:`scan` found in a whole file."""

    lines: int
    """Physical lines, the header included."""
    blank: np.ndarray
    """Line numbers (1-based) of the empty lines."""


def scan(path: Path, encoding: str, delimiter: str) -> "Layout | str":
    """Scan a whole file as the producer scans its blocks: its layout, or why the csv
    module reads it (the first reason found). For tests and diagnosis."""
    if encoding not in ENCODINGS:
        return f"{encoding} is read by the csv module"
    blank = []
    lines = 1
    with open(path, "rb") as fh:
        if not _one_line(fh.readline()):
            return "ends lines with a bare CR"
        for block in _blocks(fh):
            found = scan_block(block, delimiter, encoding == "utf-8-sig")
            if isinstance(found, str):
                return found
            n, empty, _ = found
            blank.extend((lines + 1 + empty).tolist())
            lines += n
    return Layout(lines, np.array(blank, dtype=np.int64))


def _one_line(raw: bytes) -> bool:
    """Whether these bytes (up to and including the first LF) are one line for the csv module too."""
    body = raw[:-2] if raw.endswith(b"\r\n") else raw[:-1] if raw.endswith(b"\n") else raw
    return b"\r" not in body


def _blocks(fh, stopping: threading.Event | None = None) -> Iterator[bytes]:
    """The file's remaining bytes in blocks of whole lines (the last may lack its line end)."""
    carry = b""
    while stopping is None or not stopping.is_set():
        data = fh.read(_BLOCK)
        if not data:
            if carry:
                yield carry
            return
        buf = carry + data
        cut = buf.rfind(b"\n") + 1
        if not cut:  # a line longer than the block: read on
            carry = buf
            if len(carry) > _MAX_LINE:
                yield carry  # scan_block refuses it
                return
            continue
        carry = buf[cut:]
        yield buf[:cut]


# -- the producer thread ------------------------------------------------------------------------


@dataclass
class _Block:
    first: int
    """The line the block starts on."""
    lines: int
    rows: int
    """Rows pyarrow read (lines neither empty nor skipped as invalid)."""
    columns: "dict | pa.Table"
    """The parsed table, then (coded, in the file's order) canonical -> code array (into the
    file's dictionary for the column) or plain strings (``_Columns.convert``)"""
    blank: list[int]
    """Line numbers of the empty lines."""
    special: dict[int, str] = field(default_factory=dict)
    """Line number -> text, of the rows pyarrow skipped as invalid (ragged, or spaces only)."""

    @property
    def last(self) -> int:
        return self.first + self.lines - 1


@dataclass
class _Stop:
    """The producer stopped at this line: the csv path must read from the batch holding it."""

    line: int
    why: str


_END = object()


class ArrowRead:
    """The columnar read of one file. Started by the reader's ``open``; ``batches``
    hands the blocks out as batches cut exactly as the csv path cuts them.

    A block is scanned and parsed by whichever thread takes it: the producer thread, or
    the reading (main) thread when the block it wants next is not ready (it would
    otherwise wait: it parses the next block nobody has taken). Blocks are numbered as
    they are taken, each with its first line (lines are counted as the block is read), and
    handed out in that order; each is coded against the file's dictionaries in that order
    too (by one thread at a time, whichever finds the next block parsed), so codes grow in
    the file's order."""

    def __init__(self, path: Path, name: str, encoding: str, delimiter: str, index: dict[str, int], width: int):
        self.path, self.name, self.encoding, self.delimiter = path, name, encoding, delimiter
        self.index, self.width = index, width
        self.fields = {canonical: f"f{i}" for canonical, i in index.items()}
        self.stopped_because = ""
        self._stopping = threading.Event()
        self._known = {c: pa.array([], type=pa.string()) for c in self.fields if c not in PLAIN}
        self._cond = threading.Condition()
        self._parsed: dict[int, object] = {}  # block number -> _Block (not coded yet), _Stop or an exception
        self._done: dict[int, object] = {}  # block number -> coded _Block, _Stop or exception, to hand out
        self._coding = threading.Lock()
        self._coded = 0  # the next block to code
        self._columns = _Columns(self.fields)  # the file's dictionaries, extended as blocks are coded
        self._taken = 0  # blocks taken so far (the next block's number)
        self._wanted = 0  # the next block to hand out
        self._end: int | None = None  # the number after the last block, once the file is read
        self._line = 2  # the first line of the next block
        self._fh = None
        self._raw: Iterator[bytes] = iter(())
        try:
            self._fh = open(self.path, "rb")
            if not _one_line(self._fh.readline()):  # the header, which the csv module read as one line
                self._finish_with(_Stop(2, "ends lines with a bare CR"))
            else:
                self._raw = _blocks(self._fh, self._stopping)
        except OSError as exc:
            self._finish_with(_Stop(2, f"{type(exc).__name__}: {exc}"))
        self._thread = threading.Thread(target=self._produce, name="codecheck-csv", daemon=True)
        self._thread.start()

    def _finish_with(self, item) -> None:
        self._parsed[self._taken] = item
        self._taken += 1
        self._end = self._taken

    def _take(self) -> "tuple[int, bytes, int] | None":
        """The next block nobody has taken: (number, bytes, first line); None at the end.
        Called with ``_cond`` held."""
        if self._end is not None or self._stopping.is_set():
            return None
        try:
            raw = next(self._raw, None)
        except OSError as exc:
            self._finish_with(_Stop(self._line, f"{type(exc).__name__}: {exc}"))
            return None
        if raw is None:
            self._end = self._taken
            return None
        number, first = self._taken, self._line
        self._taken += 1
        # as scan_block counts them (numpy counts bytes several times faster than bytes.count)
        self._line += int(np.count_nonzero(np.frombuffer(raw, dtype=np.uint8) == _LF)) + (0 if raw.endswith(b"\n") else 1)
        return number, raw, first

    def _work(self, number: int, raw: bytes, first: int) -> None:
        """Scan and parse one block (any thread), then code what can be coded."""
        try:
            found = scan_block(raw, self.delimiter, self.encoding == "utf-8-sig")
            if isinstance(found, str):
                item: object = _Stop(first, found)
            else:
                lines, empty, longest = found
                item = self._parse(raw, first, lines, empty, longest)
        except (pa.ArrowException, OSError, UnicodeError) as exc:
            item = _Stop(first, f"{type(exc).__name__}: {exc}")
        except BaseException as exc:  # handed to the reading thread, which raises it
            item = exc
        with self._cond:
            self._parsed[number] = item
        self._advance()

    def _advance(self) -> None:
        """Code the parsed blocks that are next in the file's order (one thread at a time: the
        file's dictionaries grow block by block), and leave them for the reading thread."""
        while self._coding.acquire(blocking=False):
            try:
                while True:
                    with self._cond:
                        item = self._parsed.pop(self._coded, None)
                    if item is None:
                        break
                    if isinstance(item, _Block):
                        try:
                            item.columns = self._columns.convert(self._code(item.columns)) if item.rows else {}
                        except (pa.ArrowException, OSError, UnicodeError) as exc:
                            item = _Stop(item.first, f"{type(exc).__name__}: {exc}")
                        except BaseException as exc:  # handed to the reading thread, which raises it
                            item = exc
                    with self._cond:
                        self._done[self._coded] = item
                        self._coded += 1
                        self._cond.notify_all()
            finally:
                self._coding.release()
            with self._cond:  # a block parsed while this thread held the lock is coded too
                if self._coded not in self._parsed:
                    return

    def _produce(self) -> None:
        """The producer thread: take, parse and code blocks, at most two ahead of the reading thread."""
        while True:
            with self._cond:
                while len(self._done) + len(self._parsed) >= _AHEAD and not self._stopping.is_set():
                    self._cond.wait(0.1)
                task = self._take()
                if task is None:
                    self._cond.notify_all()
                    return
            self._work(*task)

    def _next(self):
        """The next block in the file's order (coded), a _Stop, or _END; parsing a block
        itself rather than waiting for the producer."""
        number = self._wanted
        while True:
            self._advance()
            with self._cond:
                if number in self._done:
                    item = self._done.pop(number)
                    self._cond.notify_all()
                    break
                if self._end is not None and number >= self._end:
                    return _END
                task = self._take()
                if task is None:
                    self._cond.wait(0.1)
                    continue
            self._work(*task)
        self._wanted += 1
        return item

    def _parse(self, raw: bytes, first: int, lines: int, empty: np.ndarray, longest: int) -> "_Block | _Stop":
        invalid: list[tuple[int, str]] = []

        def handler(row) -> str:
            invalid.append((row.number, row.text))
            return "skip"

        data = raw.decode("cp1252", errors="replace").encode("utf-8") if self.encoding == "cp1252" else raw
        names = [f"f{i}" for i in range(self.width)]
        types = {f: pa.string() if c in PLAIN else pa.dictionary(pa.int32(), pa.string()) for c, f in self.fields.items()}
        table = pa_csv.read_csv(
            pa.BufferReader(data),
            read_options=pa_csv.ReadOptions(column_names=names, block_size=max(_PARSE_BLOCK, 2 * longest + 1024),
                                            use_threads=False),
            parse_options=pa_csv.ParseOptions(delimiter=self.delimiter, quote_char='"', double_quote=True,
                                              escape_char=False, newlines_in_values=False, ignore_empty_lines=True,
                                              invalid_row_handler=handler),
            convert_options=pa_csv.ConvertOptions(column_types=types, include_columns=[n for n in names if n in types],
                                                  strings_can_be_null=False, quoted_strings_can_be_null=False,
                                                  check_utf8=False),
        )
        blank = (first + empty).tolist()
        special = {}
        for number, text in invalid:
            if number is None or number < 1:
                return _Stop(first, "row number unknown")
            # the number-th line of the block that is not empty
            offset = number - 1
            while True:
                moved = number - 1 + int(np.searchsorted(empty, offset, side="right"))
                if moved == offset:
                    break
                offset = moved
            special[first + offset] = text
        if table.num_rows + len(blank) + len(special) != lines:
            return _Stop(first, "pyarrow and the scan count the lines differently")
        return _Block(first, lines, table.num_rows, table, blank, special)  # coded next, in the file's order

    def _code(self, table) -> dict:
        """Plain columns as they are (with their edge flags); dictionary columns as codes
        into the file's dictionaries (one index array per record batch), with the values
        new in this block. A few calls for all the columns: each call into pyarrow lets
        go of the GIL, and taking it back waits for the main thread."""
        block = {}
        for c, f in self.fields.items():
            if c not in self._known:
                column = table.column(f)
                if pa.types.is_dictionary(column.type):
                    column = column.cast(pa.string())
                block[c] = ("plain", column, (_edges(column), _empty(column)))
        coded = list(self._known)
        if coded:
            names = [self.fields[c] for c in coded]
            empty = pa.array([], type=pa.int32())
            known = pa.RecordBatch.from_arrays(
                [pa.DictionaryArray.from_arrays(empty, self._known[c]) for c in coded], names=names)
            unified = pa.Table.from_batches([known, *table.select(names).to_batches()]).unify_dictionaries()
            for c, name in zip(coded, names):
                chunks = unified.column(name).chunks
                values = chunks[0].dictionary
                before = len(self._known[c])
                block[c] = ("coded", values.slice(before), [chunk.indices for chunk in chunks[1:]])
                if len(values) > _DICTIONARY_LIMIT:
                    del self._known[c]  # too many distinct values to be worth a dictionary
                else:
                    self._known[c] = values
        return block

    def stop(self, wait: bool = True) -> None:
        """Stop the producer; wait for it (a block's parse at most) unless told not to."""
        self._stopping.set()
        with self._cond:
            self._cond.notify_all()
        if wait and self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()
        if self._fh is not None and not self._thread.is_alive():
            self._fh.close()
            self._fh = None

    # -- the reading thread --------------------------------------------------------------

    def batches(self, batch_size: int, parser: DateColumnParser) -> Iterator[CaseBatch]:
        """Batches as :mod:`codecheck.readers.rows` defines them: ``batch_size`` lines (blank
        lines dropped, ragged rows kept for CD004), as the csv path cuts them. Raises
        :class:`Fallback` (before yielding the batch concerned) where the producer stopped."""
        columns = self._columns
        pending: list[tuple[int, dict]] = []  # blocks' rows not yet used: (rows, columns)
        offset = 0  # rows of pending[0] already used
        blank: list[int] = []  # empty lines, ascending
        special: dict[int, str] = {}
        special_lines: list[int] = []
        covered = 1  # the last line of the blocks received
        stopped_at: int | None = None
        done = False
        first = 2
        try:
            while True:
                stop = first + batch_size
                while covered < stop - 1 and not done:
                    item = self._next()
                    if item is _END:
                        done = True
                    elif isinstance(item, _Stop):
                        done, stopped_at, self.stopped_because = True, item.line, item.why
                    elif isinstance(item, BaseException):
                        raise item
                    else:
                        if item.rows:
                            pending.append((item.rows, item.columns))
                        blank.extend(item.blank)
                        special.update(item.special)
                        special_lines.extend(sorted(item.special))
                        covered = item.last
                if stopped_at is not None and stop - 1 >= stopped_at:
                    raise Fallback(first)
                stop = min(stop, covered + 1)
                if first >= stop:
                    return
                n_blank = bisect.bisect_left(blank, stop) - bisect.bisect_left(blank, first)
                n_special = bisect.bisect_left(special_lines, stop) - bisect.bisect_left(special_lines, first)
                pieces, pending, offset = _take(pending, offset, (stop - first) - n_blank - n_special, self.fields)
                try:
                    batch = _assemble(self.name, first, stop, pieces, columns, blank, special, self.width,
                                      self.delimiter, parser, self.index)
                except Fallback:
                    self.stopped_because = "pyarrow and the csv module split a row differently"
                    raise
                if batch is not None:
                    yield batch
                first = stop
        finally:
            self.stop()


class Fallback(Exception):
    """The columnar read stopped; the csv path reads on from line ``line`` (a batch's first)."""

    def __init__(self, line: int):
        self.line = line


# -- building batches -------------------------------------------------------------------------


def _edges(strings) -> np.ndarray:
    """Per row: whether its value has an edge; computed in C++."""
    return np.asarray(pc.match_substring_regex(strings, _EDGE), dtype=bool)


def _empty(strings) -> np.ndarray:
    """Per row: whether its value is the empty string; computed in C++."""
    return np.asarray(pc.equal(pc.binary_length(strings), 0), dtype=bool)


class _Plain:
    """Cells of a column as strings, with each one's edge flag."""

    __slots__ = ("values", "edges", "empty")

    def __init__(self, values: list[str], edges: np.ndarray, empty: np.ndarray):
        self.values = values
        self.edges = edges
        self.empty = empty

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, part: slice) -> "_Plain":
        return _Plain(self.values[part], self.edges[part], self.empty[part])


class _Columns:
    """The file's columns as the blocks arrive: coded (per-file dictionaries) or plain strings."""

    def __init__(self, fields: dict[str, str]):
        self.fields = fields
        self.dictionaries = {c: ColumnDictionary() for c in fields if c not in PLAIN}

    def convert(self, block: dict) -> dict[str, "np.ndarray | _Plain"]:
        out: dict[str, np.ndarray | _Plain] = {}
        for canonical, (kind, a, b) in block.items():
            if kind == "coded":
                self.dictionaries[canonical].extend(a.to_pylist())
                out[canonical] = b[0].to_numpy() if len(b) == 1 else np.concatenate([i.to_numpy() for i in b])
            else:
                out[canonical] = _Plain(a.to_pylist(), *b)
        return out

    def join(self, canonical: str, pieces: list) -> "Coded | Listed":
        """One batch's column from its pieces (code arrays or plain strings)."""
        if pieces and all(isinstance(p, np.ndarray) for p in pieces):
            codes = pieces[0] if len(pieces) == 1 else np.concatenate(pieces)
            return Coded(self.dictionaries[canonical], codes)
        values: list[str] = []
        strips = False
        empty = []
        for p in pieces:
            if isinstance(p, np.ndarray):
                dictionary = self.dictionaries[canonical]
                values.extend(dictionary.text_values(False)[p].tolist())
                strips = strips or bool(dictionary.edges()[p].any())
                empty.append(dictionary.blanks(False)[p])
            else:
                values.extend(p.values)
                strips = strips or bool(p.edges.any())
                empty.append(p.empty)
        return Listed(values, strips, (empty[0] if len(empty) == 1 else np.concatenate(empty)) if empty else None)


def _take(pending: list, offset: int, n: int, fields: dict[str, str]):
    """The next n rows of the pending blocks: a list of pieces per canonical column."""
    pieces: dict[str, list] = {c: [] for c in fields}
    left = n
    while left:
        rows, block = pending[0]
        k = min(left, rows - offset)
        for canonical, column in block.items():
            pieces[canonical].append(column[offset:offset + k] if (offset or k != rows) else column)
        left -= k
        offset += k
        if offset == rows:
            pending = pending[1:]
            offset = 0
    return pieces, pending, offset


def _assemble(name: str, first: int, stop: int, pieces: dict[str, list], columns: _Columns, blank: list[int],
              special: dict[int, str], width: int, delimiter: str, parser: DateColumnParser,
              index: dict[str, int]) -> CaseBatch | None:
    joined = {c: columns.join(c, p) for c, p in pieces.items()}
    lo, hi = bisect.bisect_left(blank, first), bisect.bisect_left(blank, stop)
    odd = [line for line in range(first, stop) if line in special] if special else []
    if lo == hi and not odd:
        return CaseBatch.from_columns(path=name, rows=list(range(first, stop)), columns=joined, dates_parser=parser,
                                      header_fields=width)
    # Blank lines dropped, rows pyarrow skipped put back at their lines (padded or cut), as the csv path does.
    dropped = set(blank[lo:hi])
    n_arrow = len(next(iter(joined.values()))) if joined else 0
    rows: list[int] = []
    order: list[int] = []
    extra: list[list[str]] = []
    ragged: dict[int, int] = {}
    arrow_row = 0
    for line in range(first, stop):
        if line in dropped:
            continue
        text = special.pop(line, None)
        if text is None:
            order.append(arrow_row)
            arrow_row += 1
        else:
            record = next(csv.reader([text], delimiter=delimiter), [])
            what = shape(record, width)  # codecheck.readers.rows: one definition of a row for every reader
            if what == BLANK:
                continue
            if what == ROW:  # pyarrow counted its fields otherwise: the csv module reads from this batch on
                raise Fallback(first)
            ragged[len(rows)] = len(record)
            record = fitted(record, width)
            order.append(n_arrow + len(extra))
            extra.append(record)
        rows.append(line)
    if not rows:
        return None
    if not extra:  # only blank lines, which pyarrow skipped: the columns stand as they are
        return CaseBatch.from_columns(path=name, rows=rows, columns=joined, dates_parser=parser,
                                      header_fields=width)
    out: dict = {}
    for canonical, column in joined.items():
        # Rare: a batch with ragged rows is built from strings, as the csv path builds it.
        if isinstance(column, Coded):
            column = Listed(column.strings(), bool(column.dictionary.edges()[column.codes].any()))
        added = [r[index[canonical]] for r in extra]
        values = column.values + added
        out[canonical] = Listed([values[k] for k in order], column.strips or any(map(_has_edge, added)))
    return CaseBatch.from_columns(path=name, rows=rows, columns=out, dates_parser=parser, ragged=ragged,
                                  header_fields=width)
