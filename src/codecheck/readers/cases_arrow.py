"""The columnar CSV path: pyarrow reads the mapped columns, codecheck keeps the csv module's answers.

Used by :mod:`codecheck.readers.cases_csv` when pyarrow is installed
(``pip install codecheck[fast]``) and the file is one it reads exactly as the csv
path does. The csv path stays the reference: every batch built here has the same
rows, line numbers, cells, ragged rows and batch boundaries as the csv path's.

Two things pyarrow does not tell, so a scan of the raw bytes first (numpy, a few
hundredths of a second per 100 MB) finds them or sends the file to the csv path:

* line numbers. pyarrow numbers rows, not lines, and skips empty lines; the scan
  records where the empty lines are and refuses a file where a quoted value spans
  lines (the csv path counts those lines itself), a bare ``\\r`` line end, a NUL,
  a line over 16 MB, or a quote outside the standard form (``"..."`` as a whole
  field, ``""`` inside it), where the two parsers could read fields differently.
* encoding. UTF-8 with a BOM is checked here (without one, ``detect_encoding``
  already read the whole file); Windows-1252 is transcoded on the fly, with the
  csv path's ``errors="replace"``. UTF-16 keeps the csv path.

Rows whose field count differs from the header's (and lines of spaces) reach
pyarrow's ``invalid_row_handler`` with their row number and text; the text is
split by the csv module and the row placed back at its line, padded or cut, for
rule CD004 exactly as the csv path does.
"""

from __future__ import annotations

import codecs
import csv
import os
import queue
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

try:  # optional: pip install codecheck[fast]
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pa_csv
except ImportError:  # pragma: no cover - exercised by the suite run without pyarrow
    pa = pc = pa_csv = None

from codecheck.records import CaseBatch, Coded, ColumnDictionary, Listed, _has_edge, _objects
from codecheck.values import DateColumnParser

_SCAN_CHUNK = 8 << 20
_MAX_LINE = 16 << 20
_BLOCK = 4 << 20
_QUOTE, _LF, _CR = 34, 10, 13
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252")
ENV = "CODECHECK_FAST_CSV"
"""Set to 0 to read every CSV with the csv module (the reference path)."""


def available() -> bool:
    """Whether the columnar path may run: pyarrow importable and not switched off."""
    return pa is not None and os.environ.get(ENV, "1").strip().lower() not in ("0", "no", "false", "off")


@dataclass
class Layout:
    """What the byte scan found: enough to number every line as the csv module does."""

    lines: int
    """Physical lines in the file, the header included (a last line without a line end counts)."""
    blank: np.ndarray
    """Line numbers (1-based, ascending) of empty lines, which pyarrow skips."""
    longest: int
    """The longest line in bytes, line end included."""


def scan(path: Path, encoding: str, delimiter: str) -> "Layout | str":
    """Scan the raw bytes; return the layout, or why the file needs the csv path."""
    if encoding not in ENCODINGS:
        return f"{encoding} is read by the csv module"
    delim = ord(delimiter)
    structural = np.array([delim, _LF, _CR, _QUOTE], dtype=np.uint8)
    decoder = codecs.getincrementaldecoder("utf-8")() if encoding == "utf-8-sig" else None
    blank: list[np.ndarray] = []
    lines = 0  # line ends seen
    line_start = 0  # absolute offset where the current line starts
    longest = 0
    crs = crlfs = 0
    quotes = 0  # quotes seen: odd while inside a quoted field
    with open(path, "rb") as fh:
        if encoding == "utf-8-sig":
            if fh.read(3) != codecs.BOM_UTF8:
                return "no BOM"
            line_start = 3
        pos = line_start  # absolute offset of buf[0]
        prev = _LF  # the byte before buf[0]: the start of the file counts as a line start
        carry = b""
        while True:
            data = fh.read(_SCAN_CHUNK)
            eof = not data
            if decoder is not None and not (data.isascii() and not decoder.getstate()[0]):
                try:
                    decoder.decode(data, final=eof)
                except UnicodeDecodeError:
                    return "not valid UTF-8"
            if b"\x00" in data:
                return "holds a NUL byte"
            buf = carry + data
            if not buf:
                break
            # The last byte waits for the next chunk, so every quote's successor is known.
            end = len(buf) if eof else len(buf) - 1
            a = np.frombuffer(buf, dtype=np.uint8)
            body = a[:end]
            nl = np.flatnonzero(body == _LF)
            crs += int(np.count_nonzero(body == _CR))
            if len(nl):
                before = a[np.maximum(nl - 1, 0)]
                if nl[0] == 0:
                    before = before.copy()
                    before[0] = prev
                crlfs += int(np.count_nonzero(before == _CR))
                starts = np.empty(len(nl), dtype=np.int64)
                starts[0] = line_start - pos
                starts[1:] = nl[:-1] + 1
                length = nl - starts  # bytes before the LF (a CR included)
                short = np.flatnonzero(length <= 1)
                if len(short):
                    first = np.array([prev if s < 0 else buf[s] for s in starts[short]], dtype=np.uint8)
                    empty = short[(length[short] == 0) | (first == _CR)]
                    if len(empty):
                        blank.append(lines + 1 + empty)
                longest = max(longest, int(length.max()) + 1)
                lines += len(nl)
                line_start = pos + int(nl[-1]) + 1
            q = np.flatnonzero(body == _QUOTE)
            if len(q) or quotes % 2:
                why = _check_quotes(a, body, q, quotes, prev, eof, structural)
                if why:
                    return why
                quotes += len(q)
            if end:
                prev = buf[end - 1]
            pos += end
            carry = buf[end:]
            if eof:
                break
            if pos - line_start > _MAX_LINE:
                return "has a line over 16 MB"
    tail = pos - line_start
    if tail:
        lines += 1  # a last line without a line end
        longest = max(longest, tail)
    if crs != crlfs:
        return "ends lines with a bare CR"
    if quotes % 2:
        return "has an unterminated quote"
    if longest > _MAX_LINE:
        return "has a line over 16 MB"
    return Layout(lines=lines, blank=np.concatenate(blank) if blank else np.zeros(0, dtype=np.int64),
                  longest=longest)


def _check_quotes(a: np.ndarray, body: np.ndarray, q: np.ndarray, seen: int, prev: int, eof: bool,
                  structural: np.ndarray) -> str | None:
    """Quotes in the standard form only, and no line end inside a quoted field.

    With every quote either opening a field (after a delimiter or line end, or
    right after a closing quote: ``""``) or closing one (before a delimiter, line
    end, end of file or an opening quote), a byte is inside a quoted field exactly
    when an odd number of quotes precede it, for the csv module and pyarrow alike.
    """
    if len(q):
        k = seen + np.arange(len(q))
        opening = k % 2 == 0
        before = a[np.maximum(q - 1, 0)].copy()
        before[q == 0] = prev
        after_at = q + 1
        past_end = after_at >= len(a)
        after = a[np.minimum(after_at, len(a) - 1)].copy()
        if eof:
            after[past_end] = _LF
        ok = np.where(opening, np.isin(before, structural), np.isin(after, structural))
        if not ok.all():
            return "has a quote inside an unquoted field"
    ends = np.flatnonzero((body == _LF) | (body == _CR))
    if len(ends):
        inside = (np.searchsorted(q, ends) + seen) % 2 == 1
        if inside.any():
            return "has a quoted value over more than one line"
    return None


PLAIN = frozenset({"case_id"})
"""Columns read as plain strings: unique per row, so a dictionary would only cost."""
_DICTIONARY_LIMIT = 200_000
"""A column whose distinct values pass this many is read as plain strings from then on."""
_EDGE = "^[ \\t\u00a0\\r\\n]|[ \\t\u00a0\\r\\n]$|\\x00[ \\t\u00a0\\r\\n]|[ \\t\u00a0\\r\\n]\\x00"
"""A value in which ``records._stripped`` sees an edge (``records._has_edge``), as an RE2 pattern."""
_END = object()


class Fallback(Exception):
    """pyarrow could not go on; the csv path continues from line ``line``."""

    def __init__(self, line: int):
        self.line = line


class _Disagree(Exception):
    """pyarrow and the scan disagree about a row: the csv path takes over."""


class ArrowRead:
    """The columnar read of one file, started before its scan so both run at once.

    A thread (the producer) reads the file in blocks of whole lines, has pyarrow
    parse each (``read_csv`` on the block, no GIL held) and codes the dictionary
    columns against the file's dictionaries (pyarrow's dictionary unifier), while
    the main thread scans the file, then builds batches and runs the rules.
    ``batches`` hands the blocks out as batches cut exactly as the csv path cuts them.
    """

    def __init__(self, path: Path, name: str, encoding: str, delimiter: str, index: dict[str, int], width: int):
        self.path, self.name, self.encoding, self.delimiter = path, name, encoding, delimiter
        self.index, self.width = index, width
        self.fields = {canonical: f"f{i}" for canonical, i in index.items()}
        self.invalid: list[tuple[int, int, str]] = []
        """(first line of the block, pyarrow's row number in the block, row text) of rows pyarrow skipped"""
        self._queue: queue.Queue = queue.Queue(maxsize=2)
        self._stopping = threading.Event()
        self._known = {c: pa.array([], type=pa.string()) for c in self.fields if c not in PLAIN}
        self._thread = threading.Thread(target=self._produce, name="codecheck-csv", daemon=True)
        self._thread.start()

    # -- the producer thread -------------------------------------------------------------

    def _produce(self) -> None:
        try:
            with open(self.path, "rb") as fh:
                fh.readline()  # the header: one line (the scan refuses a value over more than one line)
                line = 2
                carry = b""
                while not self._stopping.is_set():
                    data = fh.read(_BLOCK)
                    if data:
                        buf = carry + data
                        cut = buf.rfind(b"\n") + 1
                        if not cut:  # a line longer than the block: read on
                            carry = buf
                            continue
                        block, carry = buf[:cut], buf[cut:]
                    else:
                        block, carry = carry, b""
                    if block:
                        self._parse(block, line)
                        line += block.count(b"\n")
                    if not data:
                        break
            self._put(_END)
        except BaseException as exc:  # handed to the reading thread, which decides
            self._put(exc)

    def _parse(self, block: bytes, first_line: int) -> None:
        invalid = self.invalid

        def handler(row) -> str:
            invalid.append((first_line, row.number, row.text))
            return "skip"

        if self.encoding == "cp1252":
            block = block.decode("cp1252", errors="replace").encode("utf-8")
        names = [f"f{i}" for i in range(self.width)]
        types = {f: pa.string() if c in PLAIN else pa.dictionary(pa.int32(), pa.string()) for c, f in self.fields.items()}
        table = pa_csv.read_csv(
            pa.BufferReader(block),
            read_options=pa_csv.ReadOptions(column_names=names, block_size=len(block) + 1, use_threads=False),
            parse_options=pa_csv.ParseOptions(delimiter=self.delimiter, quote_char='"', double_quote=True,
                                              escape_char=False, newlines_in_values=False, ignore_empty_lines=True,
                                              invalid_row_handler=handler),
            convert_options=pa_csv.ConvertOptions(column_types=types, include_columns=[n for n in names if n in types],
                                                  strings_can_be_null=False, quoted_strings_can_be_null=False,
                                                  check_utf8=False),
        )
        if table.num_rows:
            self._put((table.num_rows, self._code(table)))

    def _code(self, table) -> dict:
        """Plain columns as they are (with their edge flags); dictionary columns as codes
        into the file's dictionaries, with the values new in this block."""
        table = table.combine_chunks() if any(c.num_chunks > 1 for c in table.columns) else table
        block = {}
        for c, f in self.fields.items():
            if c not in self._known:
                column = table.column(f).chunk(0)
                block[c] = ("plain", column, _edges(column))
        coded = list(self._known)
        if coded:
            names = [self.fields[c] for c in coded]
            empty = pa.array([], type=pa.int32())
            known = pa.RecordBatch.from_arrays(
                [pa.DictionaryArray.from_arrays(empty, self._known[c]) for c in coded], names=names)
            unified = pa.Table.from_batches([known, *table.select(names).to_batches()]).unify_dictionaries()
            for c, name in zip(coded, names):
                column = unified.column(name)
                values = column.chunk(1).dictionary
                before = len(self._known[c])
                indices = pa.chunked_array([chunk.indices for chunk in column.chunks[1:]]).combine_chunks()
                block[c] = ("coded", values.slice(before), indices)
                if len(values) > _DICTIONARY_LIMIT:
                    del self._known[c]  # too many distinct values to be worth a dictionary
                else:
                    self._known[c] = values
        return block

    def _put(self, item) -> None:
        while not self._stopping.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def stop(self, wait: bool = True) -> None:
        """Stop the producer and wait for it (a block's parse at most)."""
        self._stopping.set()
        if wait and self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()

    # -- the reading thread --------------------------------------------------------------

    def batches(self, layout: Layout, batch_size: int, parser: DateColumnParser) -> Iterator[CaseBatch]:
        """Batches of ``batch_size`` lines (blank lines dropped, ragged rows kept for CD004),
        as the csv path cuts them. Raises :class:`Fallback` (before yielding the batch
        concerned) if pyarrow stops on something the scan did not foresee."""
        columns = _Columns(self.fields)
        blank = layout.blank
        special: dict[int, str] = {}  # line -> text, of rows pyarrow skipped as invalid
        special_lines: list[int] = []
        placed = 0
        pending: list[tuple[int, dict]] = []  # blocks not yet used up: (rows, columns)
        offset = 0  # rows of pending[0] already used
        delivered = used = 0
        done = False
        first = 2
        last = layout.lines
        try:
            while first <= last:
                stop = min(first + batch_size, last + 1)
                # Read on until pyarrow has passed line `stop - 1`: only then are all invalid rows before it known.
                while True:
                    if placed < len(self.invalid):
                        placed = _place(self.invalid, placed, blank, special, special_lines)
                    needed = (stop - 2) - _count_below(blank, stop) - _count_below(special_lines, stop)
                    if delivered > needed or done:
                        break
                    item = self._queue.get()
                    if item is _END:
                        done = True
                    elif isinstance(item, BaseException):
                        done = True
                        if isinstance(item, (pa.ArrowInvalid, OSError)):
                            raise Fallback(first)
                        raise item
                    else:
                        rows, block = item
                        pending.append((rows, columns.convert(block)))
                        delivered += rows
                if needed > delivered:
                    raise Fallback(first)
                pieces, pending, offset = _take(pending, offset, needed - used, self.fields)
                used = needed
                batch = _assemble(self.name, first, stop, pieces, columns, blank, special, self.width,
                                  self.delimiter, parser, self.index)
                if batch is not None:
                    yield batch
                first = stop
        except _Disagree:
            raise Fallback(first) from None
        finally:
            self.stop()
        if delivered != used:
            raise RuntimeError(f"the columnar reader lost count of the rows ({delivered} read, {used} placed); "
                               f"set {ENV}=0 to read with the csv module, and please report it")


def _edges(arr) -> np.ndarray:
    """Per row: whether its value has an edge; computed in C++."""
    if pa.types.is_dictionary(arr.type):
        return _edges(arr.dictionary)[arr.indices.to_numpy()]
    return pc.match_substring_regex(arr, _EDGE).to_numpy(zero_copy_only=False)


class _Plain:
    """Cells of a column as strings, with each one's edge flag."""

    __slots__ = ("values", "edges")

    def __init__(self, values: list[str], edges: np.ndarray):
        self.values = values
        self.edges = edges

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, part: slice) -> "_Plain":
        return _Plain(self.values[part], self.edges[part])


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
                out[canonical] = b.to_numpy()
            elif pa.types.is_dictionary(a.type):
                out[canonical] = _Plain(_objects(a.dictionary.to_pylist())[a.indices.to_numpy()].tolist(), b)
            else:
                out[canonical] = _Plain(a.to_pylist(), b)
        return out

    def join(self, canonical: str, pieces: list) -> "Coded | Listed":
        """One batch's column from its pieces (code arrays or plain strings)."""
        if pieces and all(isinstance(p, np.ndarray) for p in pieces):
            codes = pieces[0] if len(pieces) == 1 else np.concatenate(pieces)
            return Coded(self.dictionaries[canonical], codes)
        values: list[str] = []
        strips = False
        for p in pieces:
            if isinstance(p, np.ndarray):
                dictionary = self.dictionaries[canonical]
                values.extend(dictionary.text_values(False)[p].tolist())
                strips = strips or bool(dictionary.edges()[p].any())
            else:
                values.extend(p.values)
                strips = strips or bool(p.edges.any())
        return Listed(values, strips)


def _count_below(sorted_lines, stop: int) -> int:
    return int(np.searchsorted(sorted_lines, stop))


def _place(invalid: list[tuple[int, int, str]], start: int, blank: np.ndarray, special: dict[int, str],
           special_lines: list[int]) -> int:
    """Turn pyarrow's row numbers (counted within a block, empty lines skipped) into line numbers."""
    end = len(invalid)
    for first_line, number, text in invalid[start:end]:
        if number is None or number < 1:
            raise _Disagree("row number unknown")
        # The row is the number-th line of its block that is not empty: its ordinal among all such lines...
        ordinal = (first_line - 2) - _count_below(blank, first_line) + number
        line = 1 + ordinal
        while True:  # ...and its line, counting the empty lines before it
            moved = 1 + ordinal + _count_below(blank, line + 1)
            if moved == line:
                break
            line = moved
        special[line] = text
        special_lines.append(line)
    return end


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


def _assemble(name: str, first: int, stop: int, pieces: dict[str, list], columns: _Columns, blank: np.ndarray,
              special: dict[int, str], width: int, delimiter: str, parser: DateColumnParser,
              index: dict[str, int]) -> CaseBatch | None:
    joined = {c: columns.join(c, p) for c, p in pieces.items()}
    lo, hi = _count_below(blank, first), _count_below(blank, stop)
    odd = [line for line in range(first, stop) if line in special] if special else []
    if lo == hi and not odd:
        return CaseBatch.from_columns(path=name, rows=list(range(first, stop)), columns=joined, dates_parser=parser,
                                      header_fields=width)
    # Blank lines dropped, rows pyarrow skipped put back at their lines (padded or cut), as the csv path does.
    dropped = set(blank[lo:hi].tolist())
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
            n = len(record)
            if not record or (n == 1 and not record[0].strip()):
                continue  # a blank line is not a case
            if n == width:  # pyarrow counts fields as the csv module does; should it not, the csv path reads
                raise _Disagree("field count")
            ragged[len(rows)] = n
            record = record[:width] if n > width else record + [""] * (width - n)
            order.append(n_arrow + len(extra))
            extra.append(record)
        rows.append(line)
    if arrow_row != n_arrow:
        raise _Disagree("rows")
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
