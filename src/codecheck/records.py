"""A batch of case records, columnar, parsed once per column on demand.

Readers fill a batch with the raw strings of the canonical columns present in
the file; rules ask for typed columns (``dates``, ``flags``, ``text``) and get
numpy arrays they can compare in one step, whatever the batch size. Cells
that cannot be read are collected in ``unreadable`` for the data rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from codecheck.columns import DATE_COLUMNS, YES_NO_COLUMNS
from codecheck.values import DateColumnParser, parse_yes_no_column

NAT = np.datetime64("NaT", "D")


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
    header_fields: int = 0
    unreadable: list[Unreadable] = field(default_factory=list)
    _typed: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.rows)

    def has(self, column: str) -> bool:
        return column in self.cells

    def text(self, column: str) -> list[str]:
        """The column's cells without surrounding spaces ("" where the column is absent)."""
        return self.derived(f"text {column}", lambda: _stripped(self.cells.get(column)) if column in self.cells
                            else [""] * len(self.rows))

    def dates(self, column: str) -> np.ndarray:
        """datetime64[D]; NaT where blank, unreadable or the column is absent."""
        if column not in self._typed:
            if column not in self.cells:
                return np.full(len(self.rows), NAT)
            values, bad = self.dates_parser.parse(self.cells[column])
            self.unreadable.extend(Unreadable(i, column, why) for i, why in bad)
            self._typed[column] = values
        return self._typed[column]

    def flags(self, column: str) -> np.ndarray:
        """int8: 1 yes, 0 no, -1 blank, unreadable or absent."""
        if column not in self._typed:
            if column not in self.cells:
                return np.full(len(self.rows), -1, dtype=np.int8)
            values, bad = parse_yes_no_column(self.cells[column])
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
        return self.derived(f"blank {column}", lambda: np.array([not v for v in self.text(column)], dtype=bool))

    def parse_all(self) -> None:
        """Parse every typed column present, so each unreadable cell is found once."""
        for column in DATE_COLUMNS:
            if column in self.cells:
                self.dates(column)
        for column in YES_NO_COLUMNS:
            if column in self.cells:
                self.flags(column)

    # -- which rows the complaint rules look at ---------------------------------

    def derived(self, key: str, compute):
        """A value computed once per batch from its columns, shared by the rules that need it."""
        if key not in self._typed:
            self._typed[key] = compute()
        return self._typed[key]

    _cached_mask = derived

    @property
    def record_types(self) -> np.ndarray:
        """0 complaint, 1 service request, -1 unrecognised."""

        def compute() -> np.ndarray:
            out = np.zeros(len(self.rows), dtype=np.int8)
            for i, value in enumerate(self.text("record_type")):
                if value:
                    key = value.strip().lower().replace("-", " ").replace("_", " ")
                    key = " ".join(key.split())
                    if key in ("complaint", "complaints"):
                        continue
                    out[i] = 1 if key in SERVICE_REQUEST_LABELS else -1
            return out

        return self._cached_mask("@record_types", compute)

    @property
    def checkable(self) -> np.ndarray:
        """Rows whose rules can run: a case id, a readable received date, a whole row."""

        def compute() -> np.ndarray:
            ok = ~self.blank("case_id") & ~np.isnat(self.dates("received_date"))
            for i in self.ragged:
                ok[i] = False
            return ok

        return self._cached_mask("@checkable", compute)

    @property
    def complaints(self) -> np.ndarray:
        """Checkable rows that are complaints (not service requests, not unrecognised types)."""
        return self._cached_mask("@complaints", lambda: self.checkable & (self.record_types == 0))

    @property
    def accepted(self) -> np.ndarray:
        """Complaints the landlord accepted (``accepted`` blank means yes)."""
        return self._cached_mask("@accepted", lambda: self.complaints & (self.flags("accepted") != 0))


_EDGES = tuple(f"\x00{ws}" for ws in " \t\u00a0\r\n") + tuple(f"{ws}\x00" for ws in " \t\u00a0\r\n")


def _stripped(values: "Sequence[str]") -> list[str]:
    """Cells without surrounding spaces. Most exports have none, so look first,
    over the joined column at C speed, and strip only a column that needs it."""
    joined = "\x00" + "\x00".join(values) + "\x00"
    if any(edge in joined for edge in _EDGES):
        return [v.strip() for v in values]
    return list(values)


SERVICE_REQUEST_LABELS = frozenset({"service request", "service requests", "servicerequest", "sr", "request"})
