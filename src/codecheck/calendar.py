"""The one working-day calendar, shared by every rule and the board report.

A working day is Monday to Friday, except the bank holidays of the configured
region and any closure dates the configuration lists.

"Within N working days of X" holds for an event on date E when the number of
working days strictly after X, up to and including E, is at most N. X itself
never counts; if X is not a working day, the first working day after it is
day 1. So the deadline is the N-th working day after X, and an event is late
exactly when it falls after the deadline.

The arithmetic is vectorised with numpy's business-day functions so that a
batch of cases is handled in one call per step, whatever its size.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Iterable

import numpy as np

REGIONS = {
    "england-and-wales": "ENG",
    "scotland": "SCT",
    "northern-ireland": "NIR",
}
DEFAULT_REGION = "england-and-wales"
# Bank holidays are generated for this span of years; dates outside it are
# still counted, with weekends only.
FIRST_YEAR, LAST_YEAR = 1995, 2075

NAT = np.datetime64("NaT", "D")
DateArray = np.ndarray  # datetime64[D], NaT where unknown


@lru_cache(maxsize=8)
def bank_holidays(region: str = DEFAULT_REGION) -> tuple[dt.date, ...]:
    """The region's bank holidays, from the `holidays` package."""
    import holidays

    try:
        subdiv = REGIONS[region]
    except KeyError:
        raise ValueError(f"unknown region {region!r}; use one of {', '.join(REGIONS)}") from None
    days = holidays.UK(subdiv=subdiv, years=range(FIRST_YEAR, LAST_YEAR + 1))
    return tuple(sorted(days))


class WorkingCalendar:
    def __init__(self, region: str = DEFAULT_REGION, closures: Iterable[dt.date] = ()):
        self.region = region
        self.closures = tuple(sorted(set(closures)))
        self._bank_holidays = frozenset(bank_holidays(region))
        self.holidays = tuple(sorted(set(bank_holidays(region)) | set(self.closures)))
        self._cal = np.busdaycalendar(weekmask="1111100", holidays=list(self.holidays))

    # -- vectorised ------------------------------------------------------------

    def deadlines(self, start: DateArray, n: int | np.ndarray) -> DateArray:
        """The N-th working day after each start (NaT where start is NaT)."""
        start = np.asarray(start, dtype="datetime64[D]")
        out = np.full(start.shape, NAT)
        known = ~np.isnat(start)
        if known.any():
            steps = n[known] if isinstance(n, np.ndarray) else n
            out[known] = np.busday_offset(start[known], steps, roll="backward", busdaycal=self._cal)
        return out

    def counts(self, start: DateArray, end: DateArray) -> np.ndarray:
        """Working days strictly after start, up to and including end.

        Negative when end is before start; 0 where either date is unknown (mask
        with ``np.isnat`` first where that matters).
        """
        start = np.asarray(start, dtype="datetime64[D]")
        end = np.asarray(end, dtype="datetime64[D]")
        out = np.zeros(np.broadcast(start, end).shape, dtype=np.int64)
        known = ~(np.isnat(start) | np.isnat(end))
        if known.any():
            one = np.timedelta64(1, "D")
            s, e = np.broadcast_to(start, out.shape)[known], np.broadcast_to(end, out.shape)[known]
            out[known] = np.busday_count(s + one, e + one, busdaycal=self._cal)
        return out

    # -- scalar conveniences -----------------------------------------------------

    def deadline(self, start: dt.date, n: int) -> dt.date:
        return self.deadlines(np.array([start], dtype="datetime64[D]"), n)[0].astype(dt.date)

    def count(self, start: dt.date, end: dt.date) -> int:
        a = np.array([start], dtype="datetime64[D]")
        b = np.array([end], dtype="datetime64[D]")
        return int(self.counts(a, b)[0])

    def is_working_day(self, day: dt.date) -> bool:
        return bool(np.is_busday(np.datetime64(day, "D"), busdaycal=self._cal))

    def day_off(self, day: dt.date | np.datetime64) -> str | None:
        """What kind of day off `day` is ("a Saturday", "a bank holiday", "a closure day"),
        None for a working day.

        A step dated on a day off after its deadline counts no more working days than
        the Code allows, yet is after the deadline: messages name the day instead of a
        count that would contradict the finding."""
        day = np.datetime64(day, "D").astype(dt.date)
        if day.weekday() >= 5:
            return "a " + day.strftime("%A")
        if day in self._bank_holidays:
            return "a bank holiday"
        if day in self.closures:
            return "a closure day"
        return None
