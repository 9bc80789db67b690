"""The report as a plain model (dataclasses) that every renderer reads: sections of
figures, each figure a cell per quarter then the period.

A figure whose column is absent from a file is "not recorded" (``Cell.n is
None``), never 0. Shares are over the cases where the step happened or fell due,
with the count beside.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from codecheck.report.periods import Span

if TYPE_CHECKING:
    from codecheck.report.summary import Summary
    from codecheck.report.trends import Trends


@dataclass
class Cell:
    n: int | None = None
    """The count (for a share, the numerator). None: not recorded."""
    of: int | None = None
    """For a share: the cases it is out of."""
    value: float | None = None
    """For a rate: per 1,000 homes."""
    parts: dict[str, int] = field(default_factory=dict)
    """How the cases split (on time, late, overdue, pending, not judged...)."""

    @property
    def pct(self) -> float | None:
        if self.n is None or not self.of:
            return None
        return 100.0 * self.n / self.of


@dataclass
class Figure:
    key: str
    label: str
    definition: str
    code: str = ""
    """The Code provision(s), rule id or TSM the figure serves."""
    kind: str = "count"
    """count, share or rate."""
    cells: list[Cell] = field(default_factory=list)
    """One per quarter, then the whole period."""
    missing: str = ""
    """Why the figure is not recorded ("" when it is)."""
    level: int = 0
    """1: a breakdown line of the figure above."""

    @property
    def period(self) -> Cell:
        return self.cells[-1]


@dataclass
class Section:
    key: str
    title: str
    code: str
    intro: str
    figures: list[Figure]


@dataclass
class Report:
    title: str
    period: Span
    quarters: list[Span]
    months: list[Span]
    as_of: dt.date
    homes: int | None
    region: str
    closures: list[dt.date]
    sources: list[dict]
    """path and number of case rows of each file read."""
    sections: list[Section]
    monthly: dict[str, list[int]]
    """stage1 / stage2 complaints per month of the period."""
    notes: list[str]
    summary: Summary | None = None
    """The one-page summary that opens the report (:mod:`codecheck.report.summary`)."""
    trends: "Trends | None" = None
    """Quarters year over year, when the records span two financial years or more."""

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def figure(self, key: str) -> Figure:
        return next(f for s in self.sections for f in s.figures if f.key == key)

    def to_dict(self) -> dict:
        def plain(value):
            if isinstance(value, (dt.date,)):
                return value.isoformat()
            if isinstance(value, Cell):
                return {**{k: plain(v) for k, v in dataclasses.asdict(value).items()},
                        "pct": None if value.pct is None else round(value.pct, 1)}
            if dataclasses.is_dataclass(value):
                out = {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
                if isinstance(value, Span):
                    out["dates"] = value.dates
                if hasattr(value, "extra_json"):
                    out.update(value.extra_json())
                return out
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return [plain(v) for v in value]
            return value

        return plain(self)
