"""Build a report from hand-made case rows: write them as a CSV in tmp_path and
run the same code `codecheck report` runs."""

from __future__ import annotations

import datetime as dt

import pytest

from codecheck.config import Config
from codecheck.report import build_report
from helpers import write_cases

from . import PERIOD


@pytest.fixture
def report_of(tmp_path):
    def build(rows, as_of="2025-04-30", homes=None, period=PERIOD, config=None, year_start=4):
        path = write_cases(tmp_path / "cases.csv", rows)
        report, results = build_report([path], config or Config(), period, dt.date.fromisoformat(as_of),
                                       homes=homes, year_start=year_start)
        assert not results.problems, results.problems
        return report

    return build
