"""codecheck's working-day calendar (numpy business days) against the oracle's
day-by-day one, on any start, length, region and closures hypothesis finds."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from codecheck.calendar import WorkingCalendar

from .workdays import SUBDIVISIONS, Workdays

days = st.dates(min_value=dt.date(2016, 1, 1), max_value=dt.date(2034, 6, 30))
regions = st.sampled_from(sorted(SUBDIVISIONS))
closures = st.lists(st.dates(min_value=dt.date(2016, 1, 1), max_value=dt.date(2034, 12, 31)), max_size=6)
# Closures near the dates tested, so that they matter: a few days around Christmas and Easter of a year.
near = st.integers(0, 40).map(lambda k: dt.date(2024, 12, 10) + dt.timedelta(days=k))


@settings(max_examples=300, deadline=None)
@given(start=days, n=st.integers(1, 45), region=regions, shut=closures)
def test_deadline_is_the_nth_working_day_after_the_start(start, n, region, shut):
    mine, theirs = Workdays(region, shut), WorkingCalendar(region, shut)
    deadline = theirs.deadline(start, n)
    assert deadline == mine.nth_after(start, n)
    assert theirs.is_working_day(deadline) and theirs.day_off(deadline) is None
    assert theirs.count(start, deadline) == n
    assert theirs.count(start, deadline - dt.timedelta(days=1)) == n - 1


@settings(max_examples=300, deadline=None)
@given(start=near, n=st.integers(1, 25), region=regions, shut=st.lists(near, max_size=5), later=st.integers(0, 60))
def test_counts_and_lateness_around_christmas(start, n, region, shut, later):
    """A step on a working day is after the deadline exactly when it counts more working days
    than allowed; a step on a day off after the deadline counts exactly the limit, and is
    still after it (which is why messages name the day instead of the count)."""
    mine, theirs = Workdays(region, shut), WorkingCalendar(region, shut)
    event = start + dt.timedelta(days=later)
    deadline = theirs.deadline(start, n)
    assert theirs.count(start, event) == mine.count(start, event)
    assert theirs.is_working_day(event) == mine.is_working(event) == (theirs.day_off(event) is None)
    if mine.is_working(event):
        assert (event > deadline) == (theirs.count(start, event) > n)
    elif event > deadline and event < mine.next_working(deadline):
        assert theirs.count(start, event) == n


@settings(max_examples=200, deadline=None)
@given(day=days, region=regions, shut=closures)
def test_day_off_names_the_kind_of_day(day, region, shut):
    mine, theirs = Workdays(region, shut), WorkingCalendar(region, shut)
    assert theirs.day_off(day) == mine.why_not_working(day)
