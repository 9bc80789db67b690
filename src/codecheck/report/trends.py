"""Trends (issue 14, item 3): when the records span more than one financial year,
each quarter's figures year over year, so a board sees whether Q3's dip is the season
or the service.

The tally counts quarters back from the period (``periods.with_comparisons``); a
year's quarter is shown only when the records begin by its first week (``periods.covers``) (a
quarter the export does not cover would read as a quarter with no complaints).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from codecheck.report.periods import covers, is_whole_quarter
from codecheck.report.tally import Tally


@dataclass
class Trends:
    quarter_names: list[str]
    """Q1 to Q4."""
    years: list[str]
    """The financial years, oldest first: ``2023/24``."""
    stage1: list[list[int | None]]
    """Per year, per quarter: stage 1 complaints; None where the records do not cover the quarter."""
    in_time: list[list[tuple[int, int] | None]]
    """Per year, per quarter: stage 1 answered within the Code's timescale, (n, of)."""
    in_time2: list[list[tuple[int, int] | None]]
    """The same at stage 2."""


def build_trends(t: Tally, year_start: int) -> Trends | None:
    """The covered whole quarters by financial year; None unless they span two years or more."""
    began = None if t.first_received is None else t.first_received.astype(dt.date)
    if began is None:
        return None
    rows: dict[str, dict[int, int]] = {}
    for i, q in enumerate(t.quarters):
        if not covers(began, q) or not is_whole_quarter(q, year_start):
            continue
        name, _, year = q.label.partition(" ")
        rows.setdefault(year, {})[int(name[1:])] = i
    if len(rows) < 2:
        return None
    c = t.counts

    def share(prefix: str, i: int) -> tuple[int, int]:
        n = int(c[f"{prefix}_code.on_time"][i])
        return n, n + int(c[f"{prefix}_code.late"][i])

    years = sorted(rows)
    return Trends(
        [f"Q{k}" for k in range(1, 5)], years,
        [[int(c["stage1"][rows[y][k]]) if k in rows[y] else None for k in range(1, 5)] for y in years],
        [[share("s1", rows[y][k]) if k in rows[y] else None for k in range(1, 5)] for y in years],
        [[share("s2", rows[y][k]) if k in rows[y] else None for k in range(1, 5)] for y in years])
