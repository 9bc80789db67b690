"""CH01 and CH02 per tenure (LCRA / LCHO) as the Regulator reports them, and the
Ombudsman's determinations, findings and orders where the records hold them (issue 14,
items 2 and 4). Answers worked out by hand from rows.py."""

import pytest
from click.testing import CliRunner

from codecheck.cli import main
from codecheck.config import Config
from codecheck.report.formats import render
from helpers import write_cases

from . import counts, shares
from .rows import STAGE1_ROWS

TENURE = {"A": "LCRA", "B": "Low cost rental", "C": "lcra", "D": "LCHO", "E": "Shared ownership"}


def with_tenure():
    return [{**r, "tenure": TENURE.get(r["case_id"], "")} for r in STAGE1_ROWS]


def test_ch01_and_ch02_per_tenure(report_of):
    r = report_of(with_tenure(), homes={"LCRA": 1000, "LCHO": 500})
    # stage 1 complaints: A B C low-cost rental, D E home ownership; F-K (and the blank tenures) in neither
    assert r.figure("tenure.LCRA.CH01_1").period.value == 3.0 and r.figure("tenure.LCRA.CH01_1").period.n == 3
    assert r.figure("tenure.LCHO.CH01_1").period.value == 4.0 and r.figure("tenure.LCHO.CH01_1").period.n == 2
    assert r.figure("CH01_1").period.value == round(1000 * 10 / 1500, 1)  # all ten, over all 1,500 homes
    # CH02: A B C answered in time; D late, E in time
    assert shares(r, "tenure.LCRA.CH02_1")[4] == (3, 3)
    assert shares(r, "tenure.LCHO.CH02_1")[4] == (1, 2)
    assert r.figure("tenure.LCRA.CH02_1").level == 1
    assert "Technical Requirements" in r.section("tsm").intro


def test_no_tenure_split_without_the_column_or_the_homes(report_of):
    assert not [f for f in report_of(STAGE1_ROWS).section("tsm").figures if f.key.startswith("tenure.")]
    r = report_of(with_tenure(), homes=1500)
    assert r.figure("tenure.LCRA.CH01_1").missing.startswith("not recorded: give the LCRA homes")
    assert shares(r, "tenure.LCRA.CH02_1")[4] == (3, 3)  # CH02 needs no homes


def test_homes_per_tenure_from_the_command_line(tmp_path):
    path = write_cases(tmp_path / "cases.csv", with_tenure())
    result = CliRunner().invoke(main, ["report", str(path), "--period", "2024/25", "--as-of", "2025-04-30",
                                       "--homes", "LCRA=1000,LCHO=500", "--format", "md"])
    assert result.exit_code == 0, result.output
    assert "CH01 (1) LCHO stage 1 complaints per 1,000 homes | 4.0 (2) |" in result.output


DETERMINED = {"A": ("15/08/2024", "Maladministration", ""), "B": ("20/08/2024", "No maladministration found", ""),
              "C": ("10/01/2025", "Service failure", "01/02/2025"), "D": ("15/08/2024", "", "")}


def with_determinations():
    rows = []
    for r in STAGE1_ROWS:
        day, finding, complied = DETERMINED.get(r["case_id"], ("", "", ""))
        rows.append({**r, "ombudsman_determination_date": day, "ombudsman_finding": finding,
                     "ombudsman_order_complied_date": complied})
    return rows


def test_ombudsman_determinations_by_the_date_determined(report_of):
    r = report_of(with_determinations())
    assert counts(r, "determined") == [0, 3, 0, 1, 4]  # A B D in Q2, C in Q4 (all received in Q1)
    assert shares(r, "finding.Maladministration")[1] == (1, 3)
    assert shares(r, "finding.No maladministration")[1] == (1, 3)
    assert shares(r, "finding.No finding recorded")[1] == (1, 3)
    assert shares(r, "finding.Service failure")[3] == (1, 1)
    assert shares(r, "orders_complied") == [(0, 0), (0, 3), (0, 0), (1, 1), (1, 4)]
    for fmt in ("md", "html", "json"):  # the finding is classified, never shown as written
        assert "No maladministration found" not in render(r, fmt)


def test_the_summary_shows_determinations_only_where_recorded(report_of):
    s = report_of(with_determinations(), config=Config()).summary
    adverse = s.headline("adverse_findings")
    assert (adverse.period.n, adverse.period.of) == (2, 4)  # A maladministration, C service failure
    assert (adverse.latest.n, adverse.latest.of) == (1, 1)
    assert s.headline("determined").period.n == 4
    with pytest.raises(StopIteration):
        report_of(STAGE1_ROWS).summary.headline("determined")
