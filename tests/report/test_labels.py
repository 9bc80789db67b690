"""Labels a board member reads (issue 14, item 6): each figure cites the provision it
serves, and the report names its input file without the local path it was read from."""

import datetime as dt

import pytest
from helpers import write_cases

from codecheck.config import Config
from codecheck.report import build_report
from codecheck.report.formats import render

from . import PERIOD
from .rows import STAGE1_ROWS


@pytest.fixture
def built(tmp_path):
    folder = tmp_path / "private" / "area"
    folder.mkdir(parents=True)
    path = write_cases(folder / "board-cases.csv", STAGE1_ROWS)
    report, _ = build_report([path], Config(), PERIOD, dt.date(2025, 4, 30))
    return report, str(folder)


def test_ombudsman_referrals_are_not_cited_as_8_1_c(built):
    """8.1(c) is the Ombudsman's findings of non-compliance (complaint handling failure orders),
    not referrals; referrals belong to the performance analysis of 8.1(b)."""
    report, _ = built
    assert "8.1(c)" not in report.figure("referred").code
    assert report.figure("referred").code == "8.1(b)"
    assert "8.1(c)" in report.figure("cfo").code


@pytest.mark.parametrize("fmt", ["html", "md", "json"])
def test_the_header_names_the_file_not_its_path(built, fmt):
    report, folder = built
    text = render(report, fmt)
    assert "board-cases.csv" in text
    assert folder not in text and "private" not in text
