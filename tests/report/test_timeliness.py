"""codecheck.timeliness: one status per row, judged exactly as the section 6 rules judge."""

import datetime as dt
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from codecheck import timeliness as tl
from codecheck.calendar import WorkingCalendar
from codecheck.checks.base import CheckContext
from codecheck.checks.stages import STAGE1, STAGE2
from codecheck.config import Config
from codecheck.readers.cases_csv import CsvCaseReader
from helpers import run_paths, write_cases

from .rows import STAGE1_ROWS, STAGE2_ROWS

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "fixtures/cases.csv"
NAMES = dict(enumerate(tl.STATUS_NAMES))


def batch_of(path):
    return next(CsvCaseReader().open(Path(path), Config()).batches)


def statuses(times, cases):
    return dict(zip(cases.text("case_id"), (NAMES[s] for s in times.status)))


@pytest.fixture
def ctx():
    return CheckContext(calendar=WorkingCalendar(), as_of=dt.date(2025, 4, 30))


def test_stage1_acknowledgement(tmp_path, ctx):
    cases = batch_of(write_cases(tmp_path / "c.csv", STAGE1_ROWS))
    got = statuses(tl.acknowledgement(STAGE1, cases, ctx), cases)
    assert got == {"A": "on_time", "B": "late", "C": "on_time", "D": "on_time", "E": "on_time", "F": "on_time",
                   "G": "on_time", "H": "on_time", "I": "not_due", "J": "on_time", "K": "overdue", "L": "not_due",
                   "M": "late"}
    early = CheckContext(calendar=ctx.calendar, as_of=dt.date(2025, 3, 26))
    assert statuses(tl.acknowledgement(STAGE1, cases, early), cases)["K"] == "pending"


def test_stage1_response_on_the_record_and_in_the_codes_timescale(tmp_path, ctx):
    cases = batch_of(write_cases(tmp_path / "c.csv", STAGE1_ROWS))
    recorded = statuses(tl.response(STAGE1, cases, ctx), cases)
    code = statuses(tl.response(STAGE1, cases, ctx, code_timescale=True), cases)
    assert recorded == {"A": "on_time", "B": "on_time", "C": "on_time", "D": "late", "E": "on_time",
                        "F": "on_time", "G": "on_time", "H": "overdue", "I": "not_due", "J": "not_judged",
                        "K": "overdue", "L": "not_due", "M": "overdue"}
    assert code == {**recorded, "F": "late"}
    assert tl.extension_too_long(STAGE1, cases, ctx).tolist() == [c == "F" for c in cases.text("case_id")]


def test_stage2(tmp_path, ctx):
    cases = batch_of(write_cases(tmp_path / "c.csv", STAGE2_ROWS))
    assert statuses(tl.acknowledgement(STAGE2, cases, ctx), cases) == {
        "P": "on_time", "Q": "late", "R": "overdue", "S": "not_due", "T": "on_time", "U": "not_judged"}
    assert statuses(tl.response(STAGE2, cases, ctx), cases) == {
        "P": "on_time", "Q": "on_time", "R": "overdue", "S": "not_due", "T": "late", "U": "on_time"}


#: Rows with a cell that cannot be read: each finding is judged with what is readable.
UNREADABLE_ROWS = [
    # B with an unreadable response date: the late acknowledgement is still CR602; the response is not judged
    {**STAGE1_ROWS[1], "case_id": "B2", "stage1_response_date": "31/06/2024"},
    # K with an unreadable acknowledgement: it might be the missing step, so nothing is judged
    {**STAGE1_ROWS[10], "case_id": "K2", "stage1_ack_date": "next week"},
    # T with an unreadable request date: the late stage 2 response (from the acknowledgement) is still CR614
    {**STAGE2_ROWS[4], "case_id": "T2", "escalation_requested_date": "31/02/2024"},
]


@pytest.mark.parametrize("make", ["hand", "unreadable", "fixture"])
def test_late_and_overdue_rows_are_the_rows_the_rules_report(tmp_path, ctx, make):
    """Row by row: LATE or OVERDUE, unless a cell the row's judgement relies on cannot be read
    (``StepTimes.reliance``), is exactly a finding of CR602, CR603, CR611 or CR511, CR614."""
    if make == "hand":
        path = write_cases(tmp_path / "c.csv", STAGE1_ROWS + STAGE2_ROWS)
    elif make == "unreadable":
        path = write_cases(tmp_path / "c.csv", STAGE1_ROWS + STAGE2_ROWS + UNREADABLE_ROWS)
    else:
        path = FIXTURE
    results = run_paths([path], as_of="2025-04-30")
    found = Counter((f.rule, f.row) for f in results.findings)
    cases = batch_of(path)
    bad = (tl.LATE, tl.OVERDUE)
    checks = {
        ("CR602",): (tl.acknowledgement(STAGE1, cases, ctx), "CR602"),
        ("CR603",): (tl.response(STAGE1, cases, ctx), "CR603"),
        ("CR611", "CR511"): (tl.acknowledgement(STAGE2, cases, ctx), "CR611"),
        ("CR614",): (tl.response(STAGE2, cases, ctx), "CR614"),
    }
    for rules, (times, first) in checks.items():
        blind = times.reliance.blind(cases)
        mine = {cases.rows[i] for i in np.flatnonzero(np.isin(times.status, bad) & ~blind)}
        theirs = {row for (rule, row) in found if rule in rules}
        assert mine == theirs, rules
    assert found  # the comparison saw findings
    if make == "unreadable":
        by_case = {(f.case_id, f.rule) for f in results.findings}
        assert {("B2", "CR602"), ("T2", "CR614")} <= by_case
        assert ("K2", "CD001") in by_case  # the unreadable cell is its own data finding
        assert not {key for key in by_case if key in (("K2", "CR602"), ("K2", "CR603"), ("B2", "CR603"))}
