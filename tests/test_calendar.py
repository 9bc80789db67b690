"""The working-day rule of shared/design/case-records.md, to the day, across bank holidays."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codecheck import calendar
from codecheck.calendar import WorkingCalendar

ENG = WorkingCalendar()
SCO = WorkingCalendar("scotland")
D = dt.date


@pytest.mark.parametrize(
    "start, event, days",
    [
        (D(2024, 12, 20), D(2024, 12, 31), 5),  # design note: Christmas, on time
        (D(2024, 12, 20), D(2025, 1, 2), 6),    # design note: late
        (D(2025, 4, 17), D(2025, 4, 28), 5),    # design note: Good Friday and Easter Monday
        (D(2024, 3, 28), D(2024, 4, 8), 5),     # Easter 2024
        (D(2024, 8, 23), D(2024, 9, 2), 5),     # August bank holiday 26/08/2024
        (D(2024, 8, 23), D(2024, 9, 3), 6),
        (D(2024, 6, 1), D(2024, 6, 3), 1),      # a Saturday start: Monday is day 1
        (D(2024, 6, 3), D(2024, 6, 3), 0),      # the start day never counts
    ],
)
def test_working_days_counted_as_the_design_note_says(start, event, days):
    assert ENG.count(start, event) == days


def test_stage1_deadline_example():
    assert ENG.deadline(D(2024, 6, 3), 10) == D(2024, 6, 17)


def test_deadline_from_a_weekend_or_holiday_counts_the_next_working_day_as_day_1():
    assert ENG.deadline(D(2024, 6, 1), 1) == D(2024, 6, 3)  # Saturday -> Monday
    assert ENG.deadline(D(2024, 12, 25), 1) == D(2024, 12, 27)


def test_scotland_has_its_own_bank_holidays():
    # 2 January and St Andrew's Day (substitute Mon 2 Dec 2024) are Scottish bank holidays;
    # Easter Monday is not.
    assert ENG.count(D(2024, 12, 31), D(2025, 1, 3)) == 2
    assert SCO.count(D(2024, 12, 31), D(2025, 1, 3)) == 1
    assert SCO.count(D(2024, 11, 29), D(2024, 12, 3)) == 1
    assert ENG.is_working_day(D(2024, 8, 5)) and not SCO.is_working_day(D(2024, 8, 5))
    assert SCO.is_working_day(D(2024, 4, 1)) and not ENG.is_working_day(D(2024, 4, 1))


def test_closures_are_not_working_days():
    shut = WorkingCalendar(closures=[D(2024, 12, 27), D(2024, 12, 30), D(2024, 12, 31)])
    assert shut.count(D(2024, 12, 20), D(2025, 1, 2)) == 3
    assert shut.deadline(D(2024, 12, 20), 5) == D(2025, 1, 6)


def test_vectorised_matches_scalar_and_leaves_unknown_dates_unknown():
    starts = np.array(["2024-12-20", "NaT", "2024-06-03"], dtype="datetime64[D]")
    deadlines = ENG.deadlines(starts, 5)
    assert deadlines[0] == np.datetime64("2024-12-31")
    assert np.isnat(deadlines[1])
    assert deadlines[2].astype(dt.date) == ENG.deadline(D(2024, 6, 3), 5)


dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2070, 12, 31))
days = st.integers(min_value=1, max_value=60)


@settings(max_examples=300, deadline=None)
@given(start=dates, n=st.integers(min_value=1, max_value=60))
def test_a_deadline_is_always_a_working_day(start, n):
    assert ENG.is_working_day(ENG.deadline(start, n))


@settings(max_examples=300, deadline=None)
@given(start=dates, n=days)
def test_adding_then_counting_round_trips(start, n):
    assert ENG.count(start, ENG.deadline(start, n)) == n


@settings(max_examples=300, deadline=None)
@given(start=dates, a=dates, b=dates)
def test_counting_is_monotonic_in_the_event_date(start, a, b):
    early, late = sorted((a, b))
    assert ENG.count(start, early) <= ENG.count(start, late)


@settings(max_examples=200, deadline=None)
@given(start=dates, n=st.integers(min_value=1, max_value=40), extra=st.integers(min_value=1, max_value=10))
def test_an_event_after_the_deadline_is_over_the_limit(start, n, extra):
    deadline = ENG.deadline(start, n)
    assert ENG.count(start, deadline + dt.timedelta(days=extra)) >= n
    later_working = ENG.deadline(deadline, 1)
    assert ENG.count(start, later_working) == n + 1


# -- bank holidays kept between runs -----------------------------------------------------------


def _fresh_holidays(monkeypatch, where) -> None:
    """A new run: nothing remembered in this process, the cache folder `where`."""
    monkeypatch.setenv("CODECHECK_CACHE_DIR", str(where))
    calendar.bank_holidays.cache_clear()
    calendar._store.cache_clear()


@pytest.fixture(autouse=True)
def _forget_holidays():
    """Each test here starts and ends with nothing remembered in the process."""
    calendar.bank_holidays.cache_clear()
    calendar._store.cache_clear()
    yield
    calendar.bank_holidays.cache_clear()
    calendar._store.cache_clear()


@pytest.mark.parametrize("region", sorted(calendar.REGIONS))
def test_kept_bank_holidays_are_the_holidays_packages(tmp_path, monkeypatch, region):
    import holidays

    want = tuple(sorted(holidays.UK(subdiv=calendar.REGIONS[region],
                                    years=range(calendar.FIRST_YEAR, calendar.LAST_YEAR + 1))))
    _fresh_holidays(monkeypatch, tmp_path)
    assert calendar.bank_holidays(region) == want  # worked out, then written at exit
    calendar._store().save()
    _fresh_holidays(monkeypatch, tmp_path)
    assert calendar._store().entries, "the holidays were kept"
    assert calendar.bank_holidays(region) == want and not calendar._store()._added  # read back, not generated


def test_a_damaged_holidays_cache_is_worked_out_again(tmp_path, monkeypatch):
    _fresh_holidays(monkeypatch, tmp_path)
    want = calendar.bank_holidays()
    calendar._store().save()
    path = calendar._store().path
    for damage in (b"", b"\x00garbage", path.read_bytes()[:40]):
        path.write_bytes(damage)
        _fresh_holidays(monkeypatch, tmp_path)
        assert calendar.bank_holidays() == want
    key = next(iter(calendar._store().entries))
    calendar._store().entries[key] = ("ok", ("not", "ordinals"))  # a value that cannot be used
    calendar.bank_holidays.cache_clear()
    assert calendar.bank_holidays() == want
    calendar._store()._added = {}


def test_holidays_of_another_package_version_are_not_read(tmp_path, monkeypatch):
    _fresh_holidays(monkeypatch, tmp_path)
    calendar.bank_holidays()
    calendar._store().save()
    _fresh_holidays(monkeypatch, tmp_path)
    monkeypatch.setattr(calendar, "_holidays_version", lambda: "0.0-other")
    calendar.bank_holidays()
    assert calendar._store()._added, "worked out again for the other version"
    calendar._store()._added = {}
