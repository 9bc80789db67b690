"""Trends (issue 14, item 3): when the records span several financial years, each quarter
year over year; quarters the records do not cover are left blank, never drawn as zero."""

from codecheck.report.formats import render

from .rows import row


def case(case_id, received, ack, response):
    return row(case_id, received, stage1_ack_date=ack, stage1_response_date=response)


ROWS = [
    # 2023/24: Q1 two complaints (both in time), Q3 one answered late (ack 02/10/2023, deadline 16/10)
    case("A1", "03/04/2023", "04/04/2023", "12/04/2023"),
    case("A2", "05/06/2023", "06/06/2023", "13/06/2023"),
    case("A3", "02/10/2023", "02/10/2023", "20/10/2023"),
    # 2024/25: Q1 one in time, Q4 one in time
    case("B1", "03/06/2024", "04/06/2024", "17/06/2024"),
    case("B2", "06/01/2025", "07/01/2025", "14/01/2025"),
]


def test_quarters_year_over_year(report_of):
    r = report_of(ROWS)
    t = r.trends
    assert t.years == ["2023/24", "2024/25"]
    assert t.stage1 == [[2, 0, 1, 0], [1, 0, 0, 1]]
    assert t.in_time[0] == [(2, 2), (0, 0), (0, 1), (0, 0)]
    assert t.in_time[1][0] == (1, 1)
    md = render(r, "md")
    assert "| 2023/24 | 2 | 0 | 1 | 0 |" in md and "| 2023/24 | 100.0% (2 of 2) | n/a | 0.0% (0 of 1) | n/a |" in md
    assert render(r, "html").count("year over year") >= 3


def test_quarters_before_the_records_begin_are_not_shown(report_of):
    # the records begin on 02/10/2023: Q1 and Q2 2023/24 are not covered, so not zero but blank
    r = report_of(ROWS[2:])
    assert r.trends.stage1[0] == [None, None, 1, 0]
    assert "| 2023/24 | \u2013 | \u2013 | 1 | 0 |" in render(r, "md")


def test_no_trends_within_one_year(report_of):
    r = report_of(ROWS[3:])
    assert r.trends is None and "## Trends" not in render(r, "md")
