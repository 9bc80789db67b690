"""codecheck against the independent oracle on a few thousand generated edge cases
(issue 12): no expected finding missed, no false alarm, and no message that counts a
late step within the Code's limit."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest

from .expected import (
    DATE_COLUMNS,
    TIMESCALE_RULES,
    expected_findings,
    parse_date,
    readable,
)
from .generator import RUNS, generate
from .measure import compare, contradictions
from .workdays import Workdays


@pytest.fixture(scope="module")
def comparison():
    return compare()


def test_no_missed_finding_and_no_false_alarm(comparison):
    assert not comparison.problems, comparison.problems
    assert not comparison.missed and not comparison.false_alarms, "\n" + comparison.report(examples=5)


def test_every_timescale_rule_is_exercised_both_ways(comparison):
    """Each rule has findings the oracle expects, in several regions, and rows it must stay quiet on."""
    expected = Counter(rule for rule, _ in comparison.expected)
    for rule in TIMESCALE_RULES:
        assert expected[rule] >= 20, (rule, expected[rule])
        regions = {comparison.run_of[case].region for r, case in comparison.expected if r == rule}
        assert len(regions) >= 2, (rule, regions)
    quiet = set(comparison.rows) - {case for _, case in comparison.expected}
    assert len(quiet) > len(comparison.rows) / 5


def test_messages_never_count_a_late_step_within_the_limit(comparison):
    """A step after its deadline but on a day off counts no more working days than allowed:
    the message must say 'on 01/01/2025, a bank holiday, after the deadline', not '5 working
    days ... the Code allows 5'; nor may an overdue step be 'now 0 working days late'."""
    assert contradictions(comparison) == []
    zero = [m for ms in comparison.messages.values() for m in ms if re.search(r"\b0 working days late", m)]
    assert zero == []
    plain = [m for ms in comparison.messages.values() for m in ms if ", a bank holiday, after the deadline of" in m]
    assert plain  # the generator dates steps on holidays after their deadlines


def test_the_generator_reaches_the_edge_cases():
    """Not a vacuous comparison: the rows hold the cases issue 12 names, in every region."""
    seen: Counter[str] = Counter()
    for run in RUNS:
        cal = Workdays(run.region, run.closures)
        for row in generate(run, 500, 12):
            if not all(readable(c, v) for c, v in row.items()):
                seen["unreadable cell"] += 1
                continue
            day = {c: parse_date(row[c]) for c in DATE_COLUMNS}
            received, ack, response = day["received_date"], day["stage1_ack_date"], day["stage1_response_date"]
            due = cal.nth_after(received, 5)
            seen[f"received on {cal.why_not_working(received) or 'a working day'}"] += 1
            if received.weekday() == 4:
                seen["received on a Friday"] += 1
            if ack == due:
                seen["acknowledged on the deadline"] += 1
            if ack == cal.next_working(due):
                seen["acknowledged the next working day"] += 1
            if ack and ack > due and not cal.is_working(ack):
                seen["acknowledged on a day off after the deadline"] += 1
            if ack is None and response is not None:
                seen["response with no acknowledgement"] += 1
            nothing_since = not any(day[c] for c in DATE_COLUMNS if c != "received_date")
            if nothing_since:
                seen["open, acknowledgement due before as-of" if due < run.as_of else "open, not yet due"] += 1
                if cal.nth_after(due, 10) < run.as_of:
                    seen["open, response due before as-of"] += 1
                if abs((cal.nth_after(due, 10) - run.as_of).days) <= 1:
                    seen["open, never acknowledged, response due the day before, on or after as-of"] += 1
                if due == run.as_of:
                    seen["open, acknowledgement due on as-of"] += 1
            if day["stage1_extended_to"] or day["stage2_extended_to"]:
                seen["extension"] += 1
            if day["escalation_requested_date"]:
                seen["escalation"] += 1
    for case in ("unreadable cell", "received on a bank holiday", "received on a Saturday", "received on a Sunday",
                 "received on a closure day", "received on a Friday", "acknowledged on the deadline",
                 "acknowledged the next working day", "acknowledged on a day off after the deadline",
                 "response with no acknowledgement", "open, acknowledgement due before as-of", "open, not yet due",
                 "open, response due before as-of", "open, acknowledgement due on as-of",
                 "open, never acknowledged, response due the day before, on or after as-of", "extension", "escalation"):
        assert seen[case] >= 5, (case, seen)


def test_the_generator_is_deterministic():
    run = RUNS[0]
    assert generate(run, 200, 7) == generate(run, 200, 7)
    assert generate(run, 200, 7) != generate(run, 200, 8)


# -- the oracle itself, on the worked examples of the design notes -------------------------


def _row(**cells: str) -> dict[str, str]:
    return {"case_id": "X", **cells}


@pytest.mark.parametrize("received, ack, late", [
    ("20/12/2024", "31/12/2024", False),  # day 5: 25 and 26 December are bank holidays
    ("20/12/2024", "02/01/2025", True),   # day 6
    ("20/12/2024", "01/01/2025", True),   # a bank holiday after the deadline: late, though only 5 working days
    ("17/04/2025", "28/04/2025", False),  # Good Friday and Easter Monday
])
def test_oracle_stage1_acknowledgement_examples(received, ack, late):
    cal = Workdays("england-and-wales")
    row = _row(received_date=received, stage1_ack_date=ack, stage1_response_date=ack)
    assert ("CR602" in expected_findings(row, cal, dt.date(2025, 6, 1))) is late


def test_oracle_regions_differ():
    """2 January is a holiday in Scotland only, Easter Monday not in Scotland, 12 July in Northern Ireland only."""
    eng, sct, nir = (Workdays(r) for r in ("england-and-wales", "scotland", "northern-ireland"))
    assert eng.nth_after(dt.date(2024, 12, 20), 5) == dt.date(2024, 12, 31)
    assert sct.nth_after(dt.date(2024, 12, 24), 5) == dt.date(2025, 1, 6)  # 25, 26 Dec, 1, 2 Jan
    assert eng.nth_after(dt.date(2024, 12, 24), 5) == dt.date(2025, 1, 3)
    assert sct.is_working(dt.date(2025, 4, 21)) and not eng.is_working(dt.date(2025, 4, 21))
    assert not nir.is_working(dt.date(2024, 7, 12)) and eng.is_working(dt.date(2024, 7, 12))
    assert not nir.is_working(dt.date(2025, 3, 17)) and not sct.is_working(dt.date(2024, 12, 2))
    assert eng.nth_after(dt.date(2024, 6, 3), 10) == dt.date(2024, 6, 17)


def test_oracle_open_case_never_acknowledged():
    """Issue 12 item 4: late at 6.2 once the acknowledgement was due; overdue at 6.3 once the
    response, counted from that day, was due too."""
    cal = Workdays("england-and-wales")
    row = _row(received_date="03/06/2024")  # acknowledgement due 10/06, response 24/06
    assert expected_findings(row, cal, dt.date(2024, 6, 10)) == set()
    assert expected_findings(row, cal, dt.date(2024, 6, 11)) == {"CR602"}
    assert expected_findings(row, cal, dt.date(2024, 6, 24)) == {"CR602"}
    assert expected_findings(row, cal, dt.date(2024, 6, 25)) == {"CR602", "CR603"}
