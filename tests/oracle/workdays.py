"""The oracle's own working days, written as plainly as possible.

Deliberately a day-by-day loop over Python dates, with nothing shared with
``codecheck.calendar`` (which uses numpy's business-day functions): two
implementations that agree are evidence, one checked against itself is not.

A working day is Monday to Friday that is neither a bank holiday of the region
(from the ``holidays`` package) nor a closure day. "Within N working days of X":
X itself never counts; the deadline is the N-th working day after X, and a step
taken on any later date, working day or not, is after the deadline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache

import holidays

ONE_DAY = dt.timedelta(days=1)

#: codecheck's region names, and the subdivision of the United Kingdom each means.
SUBDIVISIONS = {"england-and-wales": "ENG", "scotland": "SCT", "northern-ireland": "NIR"}


@cache
def bank_holidays(region: str) -> dict[dt.date, str]:
    """Each bank holiday of the region in 2015-2035, with its name."""
    days = holidays.country_holidays("GB", subdiv=SUBDIVISIONS[region], years=range(2015, 2036))
    return dict(days.items())


class Workdays:
    def __init__(self, region: str, closures: Iterable[dt.date] = ()):
        self.region = region
        self.bank_holidays = bank_holidays(region)
        self.closures = frozenset(closures)

    def is_working(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in self.bank_holidays and day not in self.closures

    def why_not_working(self, day: dt.date) -> str | None:
        """'a Saturday', 'a bank holiday', 'a closure day'; None for a working day."""
        if day.weekday() >= 5:
            return "a " + day.strftime("%A")
        if day in self.bank_holidays:
            return "a bank holiday"
        if day in self.closures:
            return "a closure day"
        return None

    def nth_after(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after start (start itself never counts)."""
        day, counted = start, 0
        while counted < n:
            day += ONE_DAY
            if self.is_working(day):
                counted += 1
        return day

    def count(self, start: dt.date, end: dt.date) -> int:
        """Working days strictly after start, up to and including end (0 if end <= start)."""
        total, day = 0, start + ONE_DAY
        while day <= end:
            total += self.is_working(day)
            day += ONE_DAY
        return total

    def next_working(self, day: dt.date) -> dt.date:
        """The first working day strictly after day."""
        return self.nth_after(day, 1)

    def previous_working(self, day: dt.date) -> dt.date:
        """The last working day strictly before day."""
        day -= ONE_DAY
        while not self.is_working(day):
            day -= ONE_DAY
        return day
