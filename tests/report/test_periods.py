"""--period and its quarters: the financial year of the period, Q1 = April to June."""

import datetime as dt

import pytest

from codecheck.errors import UsageError
from codecheck.report.figures import months, parse_period, quarters

D = dt.date


def test_period_forms():
    assert parse_period("2024-04-01..2025-03-31") == (D(2024, 4, 1), D(2025, 3, 31))
    assert parse_period("2024/25") == (D(2024, 4, 1), D(2025, 3, 31))
    assert parse_period("2024-2025") == (D(2024, 4, 1), D(2025, 3, 31))


@pytest.mark.parametrize("text", ["2025-03-31..2024-04-01", "2024-04-01", "2024/27", "01/04/2024..31/03/2025", "last year"])
def test_bad_periods_are_usage_errors(text):
    with pytest.raises(UsageError):
        parse_period(text)


def test_financial_year_quarters():
    qs = quarters(D(2024, 4, 1), D(2025, 3, 31))
    assert [(q.label, q.start, q.end) for q in qs] == [
        ("Q1 2024/25", D(2024, 4, 1), D(2024, 6, 30)),
        ("Q2 2024/25", D(2024, 7, 1), D(2024, 9, 30)),
        ("Q3 2024/25", D(2024, 10, 1), D(2024, 12, 31)),
        ("Q4 2024/25", D(2025, 1, 1), D(2025, 3, 31)),
    ]
    assert [q.dates for q in qs] == ["Apr\u2013Jun 2024", "Jul\u2013Sep 2024", "Oct\u2013Dec 2024", "Jan\u2013Mar 2025"]


def test_a_period_that_is_not_a_financial_year_is_cut_at_financial_quarters():
    qs = quarters(D(2024, 5, 15), D(2025, 1, 31))
    assert [(q.label, q.start, q.end) for q in qs] == [
        ("Q1 2024/25", D(2024, 5, 15), D(2024, 6, 30)),
        ("Q2 2024/25", D(2024, 7, 1), D(2024, 9, 30)),
        ("Q3 2024/25", D(2024, 10, 1), D(2024, 12, 31)),
        ("Q4 2024/25", D(2025, 1, 1), D(2025, 1, 31)),
    ]
    assert qs[0].dates == "15 May 2024\u201330 Jun 2024"
    # a calendar year seen through April quarters starts in Q4 of the year before
    assert [q.label for q in quarters(D(2024, 1, 1), D(2024, 12, 31))] == [
        "Q4 2023/24", "Q1 2024/25", "Q2 2024/25", "Q3 2024/25"]


def test_calendar_quarters_with_year_start_1():
    qs = quarters(D(2024, 1, 1), D(2024, 12, 31), year_start=1)
    assert [q.label for q in qs] == ["Q1 2024", "Q2 2024", "Q3 2024", "Q4 2024"]
    assert qs[1].start == D(2024, 4, 1)


def test_months():
    ms = months(D(2024, 4, 1), D(2025, 3, 31))
    assert len(ms) == 12 and ms[0].label == "Apr 2024" and ms[-1].end == D(2025, 3, 31)
    assert months(D(2024, 2, 10), D(2024, 3, 5))[0].start == D(2024, 2, 10)
