"""The one-page summary (issue 14, item 2): headline figures with the board's targets and
status, changes on the previous quarter and the same quarter a year before (only where the
records cover them), average working days to respond, the escalation rate, and the board note.
Answers worked out by hand in the comments (England and Wales working days)."""

import pytest

from codecheck.config import Config
from codecheck.report.formats import render
from codecheck.report.svg import axis_floor, share_bars

from .rows import STAGE1_ROWS, row

TARGETS = {"stage1_in_time": 95, "stage2_in_time": 90, "stage1_days": 16, "escalation_rate": 20}

# Q4 2023/24, before the period: Y1 in time (deadline 16/01), Y2 late (ack 16/01, deadline 30/01, answered 15/02)
YEAR_BEFORE = [
    row("Y1", "01/01/2024", stage1_ack_date="02/01/2024", stage1_response_date="10/01/2024"),
    row("Y2", "15/01/2024", stage1_ack_date="16/01/2024", stage1_response_date="15/02/2024"),
]
# Q3 2024/25: Z1 in time. Q4 2024/25: acknowledged 07/01/2025, deadline 21/01: W1 W2 in time, W3 late
LATER = [
    row("Z1", "01/10/2024", stage1_ack_date="02/10/2024", stage1_response_date="10/10/2024"),
    row("W1", "06/01/2025", stage1_ack_date="07/01/2025", stage1_response_date="14/01/2025"),
    row("W2", "06/01/2025", stage1_ack_date="07/01/2025", stage1_response_date="20/01/2025"),
    row("W3", "06/01/2025", stage1_ack_date="07/01/2025", stage1_response_date="31/01/2025"),
]


def test_changes_on_the_previous_quarter_and_a_year_before(report_of):
    s = report_of(YEAR_BEFORE + LATER, config=Config(targets=TARGETS)).summary
    assert (s.latest.label, s.previous.label, s.year_before.label) == ("Q4 2024/25", "Q3 2024/25", "Q4 2023/24")
    h = s.headline("s1_in_time")
    assert (h.latest.n, h.latest.of) == (2, 3) and (h.previous.n, h.previous.of) == (1, 1)
    assert (h.year_before.n, h.year_before.of) == (1, 2)
    assert h.change(h.previous) == pytest.approx(66.7 - 100.0)
    assert h.change(h.year_before) == pytest.approx(66.7 - 50.0)
    # the period holds Z1 W1 W2 W3 only: 3 of 4, 75%, below the 95% target
    assert (h.period.n, h.period.of) == (3, 4) and h.status == "not met" and h.target == 95
    count = s.headline("stage1")
    assert (count.latest.n, count.change(count.previous), count.change(count.year_before)) == (3, 2, 1)
    assert s.notes == []


def test_no_change_where_the_records_do_not_cover_the_quarter(report_of):
    s = report_of(LATER).summary
    h = s.headline("s1_in_time")
    assert s.year_before is None and h.year_before is None and h.change(h.year_before) is None
    assert h.previous is not None  # Q3 is in the period: the records cover it
    assert any("Q4 2023/24" in n and "1 October 2024" in n for n in s.notes), s.notes
    md = render(report_of(LATER), "md")
    assert "Change on a year before" in md


def test_targets_status_and_averages(report_of):
    s = report_of(STAGE1_ROWS, config=Config(targets=TARGETS)).summary
    # answered A B C D E F G: 5 of 7 in time (D late; F after the Code's limit)
    in_time = s.headline("s1_in_time")
    assert (in_time.period.n, in_time.period.of) == (5, 7) and in_time.status == "not met"
    # working days from receipt (03/06/2024) to the response: A 10, B 13, C 4, D 11, E 19, F 27, G 27
    days = s.headline("s1_days")
    assert (days.period.n, days.period.value) == (7, round(111 / 7, 1))
    assert days.lower_is_better and days.status == "met"  # 15.9 <= 16
    # no stage 2 columns in these rows: not recorded, and a target cannot be judged
    assert s.headline("s2_in_time").missing and s.headline("s2_in_time").status == "no data"
    assert s.headline("s1_ack").status == "no target"


def test_escalation_rate_by_cohort(report_of):
    from .rows import STAGE2_ROWS

    s = report_of(STAGE2_ROWS, config=Config(targets=TARGETS)).summary
    # six stage 1 complaints received in Q1; P Q R T U went to stage 2 (S was refused): 5 of 6
    rate = s.headline("escalation_rate")
    assert (rate.period.n, rate.period.of) == (5, 6) and rate.status == "not met"


def test_the_board_note_and_the_summary_come_first(report_of):
    note = "The board is asked to note the fall in stage 1 timeliness in Q4 and the plan to recover it."
    r = report_of(YEAR_BEFORE + LATER, config=Config(targets=TARGETS, board_note=note))
    md, html = render(r, "md"), render(r, "html")
    assert note in md and note in html
    assert md.index("## Summary") < md.index("## Tenant Satisfaction Measures")
    assert html.index('class="summary"') < html.index('class="tsm')
    assert "| Stage 1 answered within the Code's timescale (TSM CH02 (1)) | ≥ 95% | 75.0% (3 of 4) | Not met |" in md
    assert "-33.3 pts" in md and "+16.7 pts" in md
    json_summary = render(r, "json")
    assert '"status": "not met"' in json_summary and '"change_on_previous": -33.3' in json_summary


def test_unknown_or_impossible_targets_are_refused():
    with pytest.raises(ValueError, match="stage1_in_time"):
        Config(targets={"stage1_intime": 95})
    with pytest.raises(ValueError, match="per cent"):
        Config(targets={"stage2_in_time": 105})


def test_a_high_share_is_not_flattened():
    """Shares between 90% and 100% on an axis from 0 look alike; the axis starts lower and says so."""
    assert axis_floor([96.6, 98.7, 95]) == 90 and axis_floor([88.2, 100]) == 80 and axis_floor([40, 99]) == 0
    chart = share_bars(["Q1", "Q2"], [(56, 58), (24, 25)], title="t", target=95)
    assert "axis starts at 90%" in chart and "target 95%" in chart
    assert "56 of 58" in chart and "96.6%" in chart and "24 of 25" in chart
    # 96.6% and 96.0% stand well apart from the 90% baseline: bar heights differ by the value above the floor
    heights = [float(part.split('height="')[1].split('"')[0]) for part in chart.split("<rect")[1:]]
    assert heights[0] / heights[1] == pytest.approx((96.55 - 90) / (96.0 - 90), rel=0.02)
