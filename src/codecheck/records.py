"""A batch of case records, columnar, parsed once per column on demand.

Readers fill a batch with the raw strings of the canonical columns present in
the file; rules ask for typed columns (``dates``, ``flags``, ``text``) and get
numpy arrays they can compare in one step, whatever the batch size. Cells
that cannot be read are collected in ``unreadable`` for the data rules.

A reader may instead hand over a column as a :class:`Coded` column: each cell a
code into the file's :class:`ColumnDictionary` for that column. The batch then
parses, strips and tests each distinct value once per file and spreads the
answers by code, with results identical to those over the strings.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Iterator, Sequence

from codecheck.lazy import numpy as np

from codecheck.columns import DATE_COLUMNS, YES_NO_COLUMNS
from codecheck.values import DateColumnParser, parse_yes_no_column


@dataclass
class Unreadable:
    index: int
    column: str
    why: str


@dataclass
class CaseBatch:
    path: str
    rows: list[int]
    """The file line where each case's row starts (the header is line 1)."""
    cells: dict[str, "Sequence[str]"]
    """Canonical column -> raw cell strings, for the columns the file has. Typed
    columns strip as they parse; ``text()`` strips on first use."""
    dates_parser: DateColumnParser
    ragged: dict[int, int] = field(default_factory=dict)
    """Row index -> number of fields, for rows whose field count differs from the header's."""
    broken: dict[int, str] = field(default_factory=dict)
    """Row index -> why, for rows that could not be read as a record at all (a quote opened
    and never closed, a NUL byte): their cells are blank, rule CD004 reports them. The why
    says what is wrong and where, never what the row holds."""
    header_fields: int = 0
    unreadable: list[Unreadable] = field(default_factory=list)
    _typed: dict[Hashable, Any] = field(default_factory=dict, repr=False)
    """Typed columns by name, and what rules derive from them by a key of their own (:meth:`derived`)."""
    _per_value: dict = field(default_factory=dict, repr=False)

    @classmethod
    def from_columns(cls, *, path: str, rows: list[int], columns: "dict[str, Sequence[str] | Coded | Listed]",
                     dates_parser: DateColumnParser, ragged: dict[int, int] | None = None,
                     header_fields: int = 0, broken: dict[int, str] | None = None) -> "CaseBatch":
        """A batch whose columns are lists of strings, :class:`Listed` or :class:`Coded` columns.

        ``cells`` then gives a coded column as a list of strings when it is read;
        ``text``, ``dates``, ``flags`` and ``blank`` work on its codes."""
        return cls(path=path, rows=rows, cells=Cells(columns), dates_parser=dates_parser,
                   ragged=ragged or {}, broken=broken or {}, header_fields=header_fields)

    def _coded(self, column: str) -> "Coded | None":
        cells = self.cells
        return cells.coded(column) if isinstance(cells, Cells) else None

    def _listed(self, column: str) -> "Listed | None":
        """The column as the reader listed it (strings with what it found of them), if it did."""
        listed = self.cells.columns.get(column) if isinstance(self.cells, Cells) else None
        return listed if isinstance(listed, Listed) else None

    def __len__(self) -> int:
        return len(self.rows)

    def has(self, column: str) -> bool:
        return column in self.cells

    def text(self, column: str) -> list[str]:
        """The column's cells without surrounding spaces ("" where the column is absent)."""
        return self.derived(f"text {column}", lambda: self._text(column))

    def _text(self, column: str) -> list[str]:
        if column not in self.cells:
            return [""] * len(self.rows)
        coded = self._coded(column)
        if coded is None:
            listed = self._listed(column)
            if listed is not None:
                return [v.strip() for v in listed.values] if listed.strips else list(listed.values)
            return _stripped(self.cells[column])
        return coded.spread(coded.dictionary.text_values(self._strips(coded)))

    def cell(self, column: str, index: int) -> str:
        """One cell of ``text(column)``, without making the whole column a list of strings."""
        coded = self._coded(column) if column in self.cells else None
        if coded is None or f"text {column}" in self._typed:
            return self.text(column)[index]
        return coded.dictionary.text_values(self._strips(coded))[coded.codes[index]]

    def _strips(self, coded: "Coded") -> bool:
        """Whether ``_stripped`` strips this column: any of its values has an edge (worked out
        once per batch and column; none when no value of the file's dictionary has one)."""
        if coded.strips is None:
            edges = coded.dictionary.edges()
            coded.strips = bool(edges.any() and edges[coded.codes].any())
        return coded.strips

    def dates(self, column: str) -> np.ndarray:
        """datetime64[D]; NaT where blank, unreadable or the column is absent."""
        if column not in self._typed:
            if column not in self.cells:
                return np.full(len(self.rows), np.datetime64("NaT", "D"))
            coded = self._coded(column)
            if coded is None:
                values, bad = self.dates_parser.parse(self.cells[column])
            else:
                values, bad = coded.typed(coded.dictionary.dates(self.dates_parser))
            self.unreadable.extend(Unreadable(i, column, why) for i, why in bad)
            self._typed[column] = values
        return self._typed[column]

    def flags(self, column: str) -> np.ndarray:
        """int8: 1 yes, 0 no, -1 blank, unreadable or absent."""
        if column not in self._typed:
            if column not in self.cells:
                return np.full(len(self.rows), -1, dtype=np.int8)
            coded = self._coded(column)
            if coded is None:
                values, bad = parse_yes_no_column(self.cells[column])
            else:
                values, bad = coded.typed(coded.dictionary.flags())
            self.unreadable.extend(Unreadable(i, column, why) for i, why in bad)
            self._typed[column] = values
        return self._typed[column]

    def unreadable_rows(self, columns) -> set[int]:
        """Rows with a cell that cannot be read in any of these columns."""
        wanted = set(columns)
        for column in wanted:
            if column in DATE_COLUMNS:
                self.dates(column)
            elif column in YES_NO_COLUMNS:
                self.flags(column)
        return {u.index for u in self.unreadable if u.column in wanted}

    def blank(self, column: str) -> np.ndarray:
        return self.derived(f"blank {column}", lambda: self._blank(column))

    def no_reason(self, column: str, placeholder: "Callable[[str], bool]") -> np.ndarray:
        """True where a reason column gives no reason: blank, or only a placeholder ('N/A', 'TBC',
        '-': ``values.Placeholders``, as configured)."""
        if column not in self.cells:
            return np.ones(len(self), dtype=bool)
        return self.blank(column) | self.per_value(column, placeholder, bool)

    def _blank(self, column: str) -> np.ndarray:
        coded = self._coded(column) if column in self.cells else None
        if coded is None:
            listed = self._listed(column)
            if listed is not None and listed.empty is not None and not listed.strips:
                return listed.empty  # no cell strips to blank: the empty ones are the blank ones
            return np.array([not v for v in self.text(column)], dtype=bool)
        return coded.dictionary.blanks(self._strips(coded))[coded.codes]

    def per_value(self, column: str, fn: "Callable[[str], Any]", dtype: Any = object) -> np.ndarray:
        """``fn`` of each row's ``text(column)``, as an array: computed once per distinct value
        (per file where the reader coded the column), so a rule's per-cell Python (a regex, a
        label read) costs per value, not per row. ``fn`` should be a module-level function:
        answers are kept per function."""
        key = ("per value", column, fn, np.dtype(dtype).str)
        found = self._per_value.get(key)
        if found is None:
            coded = self._coded(column) if column in self.cells else None
            if coded is not None:
                found = coded.dictionary.mapped(fn, np.dtype(dtype), self._strips(coded))[coded.codes]
            else:
                memo: dict[str, Any] = {}
                values = self.text(column)
                for value in set(values):
                    memo[value] = fn(value)
                found = np.array([memo[v] for v in values], dtype=dtype) if values else np.zeros(0, dtype=dtype)
            self._per_value[key] = found
        return found

    def parse_all(self) -> None:
        """Parse every typed column present, so each unreadable cell is found once."""
        for column in DATE_COLUMNS:
            if column in self.cells:
                self.dates(column)
        for column in YES_NO_COLUMNS:
            if column in self.cells:
                self.flags(column)

    # -- which rows the complaint rules look at ---------------------------------

    def derived(self, key: Hashable, compute):
        """A value computed once per batch from its columns, shared by the rules that need it
        (`key`: any hashable name, e.g. ``("deadlines", stage)``, that no column has)."""
        if key not in self._typed:
            self._typed[key] = compute()
        return self._typed[key]

    @property
    def record_types(self) -> np.ndarray:
        """0 complaint, 1 service request, -1 unrecognised."""

        def compute() -> np.ndarray:
            coded = self._coded("record_type") if "record_type" in self.cells else None
            if coded is not None:
                return coded.dictionary.record_types(self._strips(coded))[coded.codes]
            return _record_types(self.text("record_type"))

        return self.derived("@record_types", compute)

    @property
    def checkable(self) -> np.ndarray:
        """Rows whose rules can run: a case id, a readable received date, a whole row (not
        ragged, not broken)."""

        def compute() -> np.ndarray:
            ok = ~self.blank("case_id") & ~np.isnat(self.dates("received_date"))
            for i in self.ragged:
                ok[i] = False
            for i in self.broken:
                ok[i] = False
            return ok

        return self.derived("@checkable", compute)

    @property
    def complaints(self) -> np.ndarray:
        """Checkable rows that are complaints (not service requests, not unrecognised types)."""
        return self.derived("@complaints", lambda: self.checkable & (self.record_types == 0))

    @property
    def accepted(self) -> np.ndarray:
        """Complaints the landlord accepted (``accepted`` blank means yes)."""
        return self.derived("@accepted", lambda: self.complaints & (self.flags("accepted") != 0))


def _record_types(values: "Sequence[str]") -> np.ndarray:
    """0 complaint (or blank), 1 service request, -1 unrecognised, for each value."""
    out = np.zeros(len(values), dtype=np.int8)
    for i, value in enumerate(values):
        if value:
            key = value.strip().lower().replace("-", " ").replace("_", " ")
            key = " ".join(key.split())
            if "complaint" in key and not key.startswith(("not ", "non ")):
                continue  # "Complaint", "Formal complaint", "Stage 1 complaint"
            out[i] = 1 if key in SERVICE_REQUEST_LABELS else -1
    return out


# -- coded columns -------------------------------------------------------------------


class ColumnDictionary:
    """The distinct values of one column of one file, in the order first seen.

    Whatever a batch needs per cell (its date, flag, stripped text...) is
    computed here once per distinct value, extended as new values arrive, and
    spread to the cells by their codes."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self._index: dict[str, int] = {}
        self._tables: dict[str, tuple[int, Any]] = {}
        self._mapped: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()

    def __len__(self) -> int:
        return len(self.values)

    def mapped(self, fn: "Callable[[str], Any]", dtype: np.dtype, strip: bool) -> np.ndarray:
        """``fn`` of each value (stripped first if ``strip``), extended as values arrive."""
        try:
            tables = self._mapped.setdefault(fn, {})
        except TypeError:  # not weakly referable: answers kept for this call only
            tables = {}
        done, table = tables.get((dtype.str, strip), (0, None))
        n = len(self.values)
        if done < n or table is None:
            values = self.values[done:n]
            part = np.array([fn(v.strip() if strip else v) for v in values], dtype=dtype) if values \
                else np.zeros(0, dtype=dtype)
            table = part if table is None else np.concatenate([table, part])
            tables[(dtype.str, strip)] = (n, table)
        return table

    def extend(self, values: "Sequence[str]") -> None:
        """Add values not seen before; they take the next codes, in order."""
        index = self._index
        before = len(index)
        index.update(zip(values, range(before, before + len(values))))
        if len(index) != before + len(values):
            raise ValueError("values already in the dictionary, or repeated")
        self.values.extend(values)

    def _table(self, name: str, compute: "Callable[[list[str]], Any]", join: "Callable[[Any, Any], Any]"):
        done, table = self._tables.get(name, (0, None))
        n = len(self.values)
        if done < n or table is None:
            part = compute(self.values[done:n])
            table = part if table is None else join(table, part)
            self._tables[name] = (n, table)
        return table

    def _array(self, name: str, compute: "Callable[[list[str]], np.ndarray]") -> np.ndarray:
        return self._table(name, compute, lambda a, b: np.concatenate([a, b]))

    def dates(self, parser: DateColumnParser) -> "Parsed":
        """Each value as ``parser.parse`` reads it."""
        return self._table(f"dates {parser.month_first}", lambda values: Parsed.of(*parser.parse(values)), Parsed.join)

    def flags(self) -> "Parsed":
        """Each value as ``parse_yes_no_column`` reads it."""
        return self._table("flags", lambda values: Parsed.of(*parse_yes_no_column(values)), Parsed.join)

    def edges(self) -> np.ndarray:
        """Per value: whether ``_stripped`` would see an edge in it (a space at either end...)."""
        return self._array("edges", lambda values: np.fromiter(map(_has_edge, values), dtype=bool, count=len(values)))

    def text_values(self, strip: bool) -> np.ndarray:
        if strip:
            return self._array("stripped", lambda values: _objects([v.strip() for v in values]))
        return self._array("raw", _objects)

    def blanks(self, strip: bool) -> np.ndarray:
        if strip:
            return self._array("blank stripped", lambda values: np.array([not v.strip() for v in values], dtype=bool))
        return self._array("blank raw", lambda values: np.array([not v for v in values], dtype=bool))

    def record_types(self, strip: bool) -> np.ndarray:
        if strip:
            return self._array("types stripped", lambda values: _record_types([v.strip() for v in values]))
        return self._array("types raw", _record_types)


@dataclass
class Parsed:
    """A column parser's answer for each value of a dictionary."""

    values: np.ndarray
    bad: np.ndarray
    """bool per value: cannot be read"""
    why: dict[int, str]

    @classmethod
    def of(cls, values: np.ndarray, bad: list[tuple[int, str]]) -> "Parsed":
        mask = np.zeros(len(values), dtype=bool)
        why = dict(bad)
        mask[list(why)] = True
        return cls(values, mask, why)

    def join(self, more: "Parsed") -> "Parsed":
        offset = len(self.values)
        self.why.update((offset + i, why) for i, why in more.why.items())
        return Parsed(np.concatenate([self.values, more.values]), np.concatenate([self.bad, more.bad]), self.why)


@dataclass
class Coded:
    """One batch's cells of a column, as codes into the file's dictionary for it."""

    dictionary: ColumnDictionary
    codes: np.ndarray
    strips: bool | None = None
    """Whether any of these cells has a space at either end (``Records._strips``); None: not yet known."""

    def __len__(self) -> int:
        return len(self.codes)

    def spread(self, table: np.ndarray) -> list:
        return table[self.codes].tolist()

    def strings(self) -> list[str]:
        return self.spread(self.dictionary.text_values(False))

    def typed(self, parsed: Parsed) -> "tuple[np.ndarray, list[tuple[int, str]]]":
        """A parser's answers for these cells (values, and unreadable cells as (index, why)), from
        its answers for the dictionary's values."""
        out = parsed.values[self.codes]
        if not parsed.why:
            return out, []
        rows = np.flatnonzero(parsed.bad[self.codes])
        why = parsed.why
        return out, [(i, why[c]) for i, c in zip(rows.tolist(), self.codes[rows].tolist())]


@dataclass
class Listed:
    """A column's cells as strings, with whether ``_stripped`` would strip them (any
    value with a space at either end), as the reader found it."""

    values: list[str]
    strips: bool
    empty: "np.ndarray | None" = None
    """bool per cell: the empty string (when the reader worked it out, in C++): without
    ``strips``, exactly the blank cells."""

    def __len__(self) -> int:
        return len(self.values)


class Cells(Mapping):
    """Canonical column -> cell strings, where a column may be held coded: it becomes a
    list of strings only when read through the mapping."""

    def __init__(self, columns: "dict[str, Sequence[str] | Coded | Listed]"):
        self.columns = columns

    def coded(self, column: str) -> "Coded | None":
        value = self.columns.get(column)
        return value if isinstance(value, Coded) else None

    def __getitem__(self, column: str) -> "Sequence[str]":
        value = self.columns[column]
        if isinstance(value, Coded):
            value = self.columns[column] = value.strings()
        elif isinstance(value, Listed):
            return value.values
        return value

    def __contains__(self, column: object) -> bool:
        return column in self.columns

    def __iter__(self) -> Iterator[str]:
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self.columns)


def _objects(values: list) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


_WS = " \t\u00a0\r\n"


def _has_edge(value: str) -> bool:
    """True where ``_stripped`` finds an edge in a column holding this value (see _EDGES)."""
    if value[:1] in _WS_SET or value[-1:] in _WS_SET:
        return True
    return "\x00" in value and any(edge in value for edge in _EDGES)


_EDGES = tuple(f"\x00{ws}" for ws in " \t\u00a0\r\n") + tuple(f"{ws}\x00" for ws in " \t\u00a0\r\n")


def _stripped(values: "Sequence[str]") -> list[str]:
    """Cells without surrounding spaces. Most exports have none, so look first,
    over the joined column at C speed, and strip only a column that needs it."""
    joined = "\x00" + "\x00".join(values) + "\x00"
    if any(edge in joined for edge in _EDGES):
        return [v.strip() for v in values]
    return list(values)


_WS_SET = frozenset(_WS)

SERVICE_REQUEST_LABELS = frozenset({"service request", "service requests", "servicerequest", "sr", "request"})
