"""The report's period and its quarters and months: ``--period`` parsed, and the
financial-year quarters (Q1 from ``--year-start``) the figures are counted in."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from codecheck.errors import UsageError

ONE_DAY = dt.timedelta(days=1)
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# -- the period and its quarters -----------------------------------------------------


@dataclass(frozen=True)
class Span:
    label: str
    start: dt.date
    end: dt.date
    """Inclusive."""

    @property
    def dates(self) -> str:
        """``Apr–Jun 2024``, or exact dates where the span is not whole months."""
        first, last = MONTHS[self.start.month - 1], MONTHS[self.end.month - 1]
        if self.start.day != 1 or (self.end + ONE_DAY).day != 1:
            return f"{self.start.day} {first} {self.start.year}\u2013{self.end.day} {last} {self.end.year}"
        if self.start.year != self.end.year:
            return f"{first} {self.start.year}\u2013{last} {self.end.year}"
        return f"{first}\u2013{last} {self.end.year}" if first != last else f"{first} {self.end.year}"


def parse_period(text: str, year_start: int = 4) -> tuple[dt.date, dt.date]:
    """``2024-04-01..2025-03-31`` (inclusive), or a financial year ``2024/25``."""
    value = text.strip()
    if ".." in value:
        first, last = (part.strip() for part in value.split("..", 1))
        try:
            start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
        except ValueError:
            raise UsageError(f"--period {text!r}: write the dates as YYYY-MM-DD..YYYY-MM-DD") from None
        if end < start:
            raise UsageError(f"--period {text!r} ends before it starts")
        return start, end
    m = re.fullmatch(r"(\d{4})[/-](\d{2}|\d{4})", value)
    if m and int(m[2]) in ((int(m[1]) + 1) % 100, int(m[1]) + 1):
        start = dt.date(int(m[1]), year_start, 1)
        return start, _add_months(start, 12) - ONE_DAY
    raise UsageError(f"--period {text!r}: give START..END (2024-04-01..2025-03-31) or a financial year (2024/25)")


def _add_months(day: dt.date, n: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def quarters(start: dt.date, end: dt.date, year_start: int = 4) -> list[Span]:
    """The financial-year quarters (Q1 begins in ``year_start``) that cover the period,
    clipped to it."""
    spans, cur = [], start
    while cur <= end:
        first = _add_months(cur.replace(day=1), -((cur.month - year_start) % 3))
        following = _add_months(first, 3)
        number = (first.month - year_start) % 12 // 3 + 1
        fy = first.year if first.month >= year_start else first.year - 1
        label = f"Q{number} {fy}" if year_start == 1 else f"Q{number} {fy}/{(fy + 1) % 100:02d}"
        spans.append(Span(label, max(start, first), min(end, following - ONE_DAY)))
        cur = following
    return spans


def months(start: dt.date, end: dt.date) -> list[Span]:
    spans, cur = [], start
    while cur <= end:
        following = _add_months(cur.replace(day=1), 1)
        spans.append(Span(f"{MONTHS[cur.month - 1]} {cur.year}", cur, min(end, following - ONE_DAY)))
        cur = following
    return spans


def period_span(period: tuple[dt.date, dt.date], year_start: int) -> Span:
    start, end = period
    if year_start != 1 and start == dt.date(start.year, year_start, 1) and end == _add_months(start, 12) - ONE_DAY:
        return Span(f"{start.year}/{(start.year + 1) % 100:02d}", start, end)
    if start == dt.date(start.year, 1, 1) and end == dt.date(start.year, 12, 31):
        return Span(str(start.year), start, end)
    return Span(f"{start:%d %b %Y} to {end:%d %b %Y}", start, end)


def quarter_start(day: dt.date, year_start: int = 4) -> dt.date:
    """The first day of the financial-year quarter holding ``day``."""
    return _add_months(day.replace(day=1), -((day.month - year_start) % 3))


def is_whole_quarter(span: Span, year_start: int = 4) -> bool:
    """The span is a whole quarter, not a part clipped to the period: only whole quarters are compared."""
    return span.start == quarter_start(span.start, year_start) and span.end == _add_months(span.start, 3) - ONE_DAY


def with_comparisons(period_quarters: list[Span], year_start: int = 4, years_back: int = 1) -> list[Span]:
    """The quarters to count: those before the period back to the same quarter ``years_back`` years
    before its latest (the summary compares with a year before; the trends show up to five years),
    then the period's own. Contiguous, so one set of edges places every date."""
    first = period_quarters[0].start
    year_before = _add_months(quarter_start(period_quarters[-1].start, year_start), -12 * years_back)
    if year_before >= first:
        return list(period_quarters)
    return quarters(year_before, first - ONE_DAY, year_start) + list(period_quarters)


def year_earlier(span: Span) -> tuple[dt.date, dt.date]:
    """The same dates a year before (for whole quarters: the same quarter)."""
    return _add_months(span.start, -12), _add_months(span.end + ONE_DAY, -12) - ONE_DAY


#: How late in a quarter the records may begin and still be taken to cover it: an export that
#: starts with the quarter often has its first complaint a few days in (a weekend, a bank holiday).
COVER_GRACE = dt.timedelta(days=7)


def covers(began: dt.date | None, span: Span) -> bool:
    """Do records whose earliest received date is ``began`` cover the whole of ``span``?"""
    return began is not None and began <= span.start + COVER_GRACE
