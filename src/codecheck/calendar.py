"""The one working-day calendar, shared by every rule and the board report.

A working day is Monday to Friday, except the bank holidays of the configured
region and any closure dates the configuration lists.

"Within N working days of X" holds for an event on date E when the number of
working days strictly after X, up to and including E, is at most N. X itself
never counts; if X is not a working day, the first working day after it is
day 1. So the deadline is the N-th working day after X, and an event is late
exactly when it falls after the deadline.

The arithmetic is a lookup (issue 16): one cumulative index per calendar, the
number of working days from an origin up to and including each day, so a count
between two dates is a subtraction and a deadline a look-up of the N-th working day, for a whole batch
of cases in one call, and for one date (the rules' messages) without numpy's
per-call cost. Dates outside the index's span (``INDEX_FIRST``..``INDEX_LAST``)
fall back to numpy's business-day functions, which define the same calendar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cached_property, lru_cache

from codecheck.lazy import numpy as np

REGIONS = {
    "england-and-wales": "ENG",
    "scotland": "SCT",
    "northern-ireland": "NIR",
}
DEFAULT_REGION = "england-and-wales"
# Bank holidays are generated for this span of years; dates outside it are
# still counted, with weekends only.
FIRST_YEAR, LAST_YEAR = 1995, 2075

# The span of the working-day index: every date a complaint record plausibly holds, and more.
INDEX_FIRST, INDEX_LAST = dt.date(1900, 1, 1), dt.date(2199, 12, 31)
_EPOCH = dt.date(1970, 1, 1).toordinal()
# Date arrays are numpy datetime64[D], NaT where unknown. Nothing here calls numpy at import time:
# the command line loads it on first use (codecheck.lazy), so `codecheck rules` starts fast.


@lru_cache(maxsize=8)
def bank_holidays(region: str = DEFAULT_REGION) -> tuple[dt.date, ...]:
    """The region's bank holidays, from the `holidays` package: worked out once per machine and
    version of the package, then kept (:mod:`codecheck.cache`; importing the package and
    generating 80 years took about 0.2 s of every run that reads case records)."""
    try:
        subdiv = REGIONS[region]
    except KeyError:
        raise ValueError(f"unknown region {region!r}; use one of {', '.join(REGIONS)}") from None

    def generate() -> tuple[int, ...]:
        import holidays

        return tuple(day.toordinal() for day in sorted(holidays.UK(subdiv=subdiv, years=range(FIRST_YEAR, LAST_YEAR + 1))))

    key = (_holidays_version(), subdiv, FIRST_YEAR, LAST_YEAR)
    return _store().remembered(key, generate, lambda kept: tuple(map(dt.date.fromordinal, kept)))


def _holidays_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("holidays")
    except PackageNotFoundError:  # pragma: no cover - imported from a source tree, not installed
        return "unknown"


@lru_cache(maxsize=1)
def _store():
    from codecheck import cache

    where = cache.folder()
    return cache.Store(where / "holidays-1.marshal" if where is not None else None)


class WorkingCalendar:
    """Working days: weekdays that are not the region's bank holidays nor configured closures.

    Built on first use: a run that reads only documents never loads the `holidays` package nor
    numpy (the command line's start-up time, issue 13).
    """

    def __init__(self, region: str = DEFAULT_REGION, closures: Iterable[dt.date] = ()):
        if region not in REGIONS:
            raise ValueError(f"unknown region {region!r}; use one of {', '.join(REGIONS)}")
        self.region = region
        self.closures = tuple(sorted(set(closures)))
        self._origin = INDEX_FIRST.toordinal()

    @cached_property
    def _bank_holidays(self) -> frozenset[dt.date]:
        return frozenset(bank_holidays(self.region))

    @cached_property
    def holidays(self) -> tuple[dt.date, ...]:
        return tuple(sorted(self._bank_holidays | set(self.closures)))

    @cached_property
    def _cal(self):
        return np.busdaycalendar(weekmask="1111100", holidays=list(self.holidays))

    @cached_property
    def _tables(self) -> tuple:
        # The index: done[i] is the number of working days from INDEX_FIRST up to and including
        # INDEX_FIRST + i days (so "strictly after a, up to and including b" is done[b] - done[a]);
        # nth[k - 1] is the index position of the k-th working day (k from 1): a deadline is a gather.
        days = np.arange(np.datetime64(INDEX_FIRST, "D"), np.datetime64(INDEX_LAST, "D") + 1)
        working = np.is_busday(days, busdaycal=self._cal)
        done = np.cumsum(working, dtype=np.int64)
        # the lists answer one date at a time with no numpy call
        return done, np.flatnonzero(working), done.tolist(), working.tolist()

    @property
    def _done(self):
        return self._tables[0]

    @property
    def _nth(self):
        return self._tables[1]

    @property
    def _done_list(self) -> list[int]:
        return self._tables[2]

    @property
    def _working_list(self) -> list[bool]:
        return self._tables[3]

    # -- vectorised ------------------------------------------------------------

    def _index(self, days: np.ndarray) -> np.ndarray:
        """Each day's position in the index (out of range for NaT and dates outside it)."""
        return days.astype(np.int64) - (self._origin - _EPOCH)

    def deadlines(self, start: np.ndarray, n: int | np.ndarray) -> np.ndarray:
        """The N-th working day after each start (NaT where start is NaT): the first day whose
        count of working days reaches the start's count plus N (a start on a day off counts as
        the working day before it, numpy's ``roll="backward"``)."""
        start = np.asarray(start, dtype="datetime64[D]")
        out = np.full(start.shape, np.datetime64("NaT", "D"))
        known = ~np.isnat(start)
        if not known.any():
            return out
        steps = np.broadcast_to(np.asarray(n, dtype=np.int64), start.shape)
        at = self._index(start)
        done = self._done
        inside = known & (at >= 0) & (at < len(done))
        target = np.where(inside, done[np.clip(at, 0, len(done) - 1)] + steps, 0)
        inside &= (target >= 1) & (target <= done[-1])  # the answer is in the index too
        if inside.any():  # the first day whose count reaches the target: the target-th working day
            out[inside] = np.datetime64(INDEX_FIRST, "D") + self._nth[target[inside] - 1]
        rest = known & ~inside
        if rest.any():
            out[rest] = np.busday_offset(start[rest], steps[rest], roll="backward", busdaycal=self._cal)
        return out

    def counts(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Working days strictly after start, up to and including end.

        Negative when end is before start; 0 where either date is unknown (mask
        with ``np.isnat`` first where that matters).
        """
        start = np.asarray(start, dtype="datetime64[D]")
        end = np.asarray(end, dtype="datetime64[D]")
        shape = np.broadcast(start, end).shape
        start, end = np.broadcast_to(start, shape), np.broadcast_to(end, shape)
        out = np.zeros(shape, dtype=np.int64)
        known = ~(np.isnat(start) | np.isnat(end))
        if not known.any():
            return out
        a, b, done = self._index(start), self._index(end), self._done
        # numpy's count backwards (end before start) is of the days after end up to and
        # including start, each a day later: kept, so that no count changes with the index.
        back = b < a
        a, b = a + back, b + back
        inside = known & (a >= 0) & (a < len(done)) & (b >= 0) & (b < len(done))
        out[inside] = done[b[inside]] - done[a[inside]]
        rest = known & ~inside
        if rest.any():
            one = np.timedelta64(1, "D")
            out[rest] = np.busday_count(start[rest] + one, end[rest] + one, busdaycal=self._cal)
        return out

    # -- scalar conveniences -----------------------------------------------------

    def _position(self, day) -> int | None:
        """The day's position in the index; None for NaT and dates outside it."""
        if not isinstance(day, dt.date):
            day = np.datetime64(day, "D").item()
            if day is None:
                return None
        at = day.toordinal() - self._origin
        return at if 0 <= at < len(self._done_list) else None

    def deadline(self, start: dt.date, n: int) -> dt.date:
        at = self._position(start)
        if at is not None:
            target = self._done_list[at] + n
            if 1 <= target <= self._done_list[-1]:
                return dt.date.fromordinal(self._origin + int(self._nth[target - 1]))
        return self.deadlines(np.array([start], dtype="datetime64[D]"), n)[0].astype(dt.date)

    def count(self, start: dt.date, end: dt.date) -> int:
        a, b = self._position(start), self._position(end)
        if a is not None and b is not None:
            if b < a:  # as numpy counts backwards (:meth:`counts`)
                a, b = a + 1, b + 1
                if a >= len(self._done_list):
                    return int(self.counts(np.array([start], dtype="datetime64[D]"),
                                           np.array([end], dtype="datetime64[D]"))[0])
            return self._done_list[b] - self._done_list[a]
        a = np.array([start], dtype="datetime64[D]")
        b = np.array([end], dtype="datetime64[D]")
        return int(self.counts(a, b)[0])

    def is_working_day(self, day: dt.date) -> bool:
        at = self._position(day)
        if at is not None:
            return self._working_list[at]
        return bool(np.is_busday(np.datetime64(day, "D"), busdaycal=self._cal))

    def day_off(self, day: dt.date | np.datetime64) -> str | None:
        """What kind of day off `day` is ("a Saturday", "a bank holiday", "a closure day"),
        None for a working day.

        A step dated on a day off after its deadline counts no more working days than
        the Code allows, yet is after the deadline: messages name the day instead of a
        count that would contradict the finding."""
        at = self._position(day)
        if at is not None and self._working_list[at]:
            return None
        day = np.datetime64(day, "D").astype(dt.date)
        if day.weekday() >= 5:
            return "a " + day.strftime("%A")
        if day in self._bank_holidays:
            return "a bank holiday"
        if day in self.closures:
            return "a closure day"
        return None
