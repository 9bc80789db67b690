"""Tests of `codecheck report`: every figure on small hand-made case records,
reconciliation with `codecheck check` on the fixtures, rendering and privacy."""

import datetime as dt

PERIOD = (dt.date(2024, 4, 1), dt.date(2025, 3, 31))
"""The financial year 2024/25: quarters Apr-Jun, Jul-Sep, Oct-Dec, Jan-Mar; cell 4 is the period."""


def counts(report, key):
    """The counts of a figure, one per quarter then the period."""
    return [c.n for c in report.figure(key).cells]


def shares(report, key):
    """(n, of) per quarter then the period."""
    return [(c.n, c.of) for c in report.figure(key).cells]
