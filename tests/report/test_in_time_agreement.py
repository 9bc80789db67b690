"""One judgement of "answered within the Code's timescale" (issue 14, item 1):
`check`, the board report and TSM CH02 agree, case by case, on which responses
were late.

`check` reports a response after the deadline on the record as CR603 / CR614, and
a recorded extension longer than the Code allows without a reason as CR604 / CR615.
Under the Code such an extension still buys the 10 (stage 2: 20) extra working
days allowed without a reason, and no more. So a response is late exactly when
`check` reports it late (CR603 / CR614), or reports its extension (CR604 / CR615)
and the response came after those extra days. The Code's limit is worked out here
with the oracle's own day-by-day working-day calendar, not codecheck's.
"""

from __future__ import annotations

import datetime as dt
import random
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from helpers import run_paths, write_cases
from oracle.workdays import Workdays

from codecheck import timeliness as tl
from codecheck.calendar import WorkingCalendar
from codecheck.checks.base import CheckContext
from codecheck.config import Config
from codecheck.readers.cases_csv import CsvCaseReader
from codecheck.report import build_report

from . import PERIOD

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "fixtures/cases.csv"
AS_OF = dt.date(2025, 4, 30)
LATE_RULE, EXTENSION_RULE = {1: "CR603", 2: "CR614"}, {1: "CR604", 2: "CR615"}


def _date(value: np.datetime64) -> dt.date | None:
    return None if np.isnat(value) else value.astype(dt.date)


def report_judgement(path: Path) -> dict[tuple[int, int], bool]:
    """(stage, file line) -> late, for every response given that the report judges, from the
    judgement the report counts (``timeliness.response(code_timescale=True)``)."""
    ctx = CheckContext(calendar=WorkingCalendar(), as_of=AS_OF)
    out = {}
    for batch in CsvCaseReader().open(path, Config()).batches:
        for stage in (tl.STAGE1, tl.STAGE2):
            step = tl.response(stage, batch, ctx, code_timescale=True)
            blind = step.reliance.blind(batch)
            for i in np.flatnonzero(np.isin(step.status, (tl.ON_TIME, tl.LATE)) & ~blind):
                out[(stage.number, batch.rows[i])] = bool(step.status[i] == tl.LATE)
    return out


def check_judgement(path: Path, judged: dict[tuple[int, int], bool]) -> dict[tuple[int, int], bool]:
    """The same responses as `check` sees them: its findings, and the Code's limit for an
    extension it reports as too long."""
    results = run_paths([path], as_of=AS_OF.isoformat())
    assert not results.problems
    hits: dict[str, set[int]] = {}
    for f in results.findings:
        hits.setdefault(f.rule, set()).add(f.row)
    cal = Workdays("england-and-wales")
    batch = next(CsvCaseReader().open(path, Config()).batches)
    line = {row: i for i, row in enumerate(batch.rows)}
    out = {}
    for (n, row) in judged:
        stage = tl.STAGE1 if n == 1 else tl.STAGE2
        i = line[row]
        if row in hits.get(LATE_RULE[n], set()):
            out[(n, row)] = True
            continue
        if row not in hits.get(EXTENSION_RULE[n], set()):
            out[(n, row)] = False
            continue
        ack, start = _date(batch.dates(stage.ack)[i]), _date(batch.dates(stage.start)[i])
        counted_from = ack or cal.nth_after(start, stage.ack_days)
        limit = cal.nth_after(cal.nth_after(counted_from, stage.response_days), stage.extension_days)
        out[(n, row)] = _date(batch.dates(stage.response)[i]) > limit
    return out


def assert_agree(path: Path) -> dict[tuple[int, int], bool]:
    report = report_judgement(path)
    check = check_judgement(path, report)
    differ = {key: (report[key], check[key]) for key in report if report[key] != check[key]}
    assert not differ, f"(stage, line): (report late, check late) {differ}"
    return report


def test_check_and_the_report_agree_on_the_fixture():
    judged = assert_agree(FIXTURE)
    assert sum(judged.values()) >= 5 and len(judged) > 300  # not a vacuous comparison


def test_the_report_counts_the_judgement_it_shares(tmp_path):
    """The report's CH02 and its 'within the Code's timescale' figure are this judgement, counted."""
    report, _ = build_report([FIXTURE], Config(), PERIOD, AS_OF)
    judged = report_judgement(FIXTURE)
    for n, key in ((1, "s1_response"), (2, "s2_response")):
        period = report.figure(key).period
        ch02 = report.figure(f"CH02_{n}").period
        assert (period.n, period.of) == (ch02.n, ch02.of)
        # the responses of the cases the period holds: stage 1 by the date received, stage 2 by the
        # date it was requested (or acknowledged, where the request date is blank)
        inside = {key: late for key, late in judged.items() if key[0] == n and in_period(key[1], n)}
        assert period.of == len(inside) and period.of - period.n == sum(inside.values())
        assert period.parts["late"] == sum(inside.values())


@cache
def _fixture_batch():
    batch = next(CsvCaseReader().open(FIXTURE, Config()).batches)
    return batch, {row: i for i, row in enumerate(batch.rows)}


def in_period(row: int, n: int) -> bool:
    batch, line = _fixture_batch()
    i = line[row]
    if n == 1:
        day = _date(batch.dates("received_date")[i])
    else:
        day = _date(batch.dates("escalation_requested_date")[i]) or _date(batch.dates("stage2_ack_date")[i])
    return day is not None and PERIOD[0] <= day <= PERIOD[1]


# -- a generated file full of extensions, long and short, with and without reasons ------------


def generated_rows(seed: int, count: int) -> tuple[list[dict[str, str]], dict[str, str]]:
    """Cases answered around the Code's deadline, its limit for an extension without a reason,
    and the recorded extension; and for each, where the response fell."""
    rng, cal = random.Random(seed), Workdays("england-and-wales")
    rows, where = [], {}
    for k in range(count):
        n = 1 if k % 2 else 2
        days, extra = (10, 10) if n == 1 else (20, 20)
        received = dt.date(2024, 4, 1) + dt.timedelta(days=rng.randint(0, 200))
        ack1 = cal.nth_after(received, rng.randint(1, 5))
        row = {"case_id": f"G{k:04d}", "received_date": received.isoformat(), "accepted": "Yes",
               "stage1_ack_date": ack1.isoformat()}
        ack = ack1
        if n == 2:
            response1 = cal.nth_after(ack1, rng.randint(1, 10))
            requested = cal.nth_after(response1, rng.randint(1, 15))
            ack = cal.nth_after(requested, rng.randint(1, 5))
            row.update(stage1_response_date=response1.isoformat(), escalation_requested_date=requested.isoformat(),
                       stage2_ack_date=ack.isoformat())
        base = cal.nth_after(ack, days)
        limit = cal.nth_after(base, extra)
        extended = cal.nth_after(base, rng.choice((extra // 2, extra, extra + 1, extra + 5, 2 * extra + 3)))
        reason = rng.choice(("", "", "Awaiting a surveyor's report"))
        response = rng.choice((base, cal.nth_after(base, 1), limit, limit + dt.timedelta(days=1),
                               cal.nth_after(limit, 2), extended, extended + dt.timedelta(days=1),
                               cal.nth_after(ack, rng.randint(1, days))))
        p = f"stage{n}_"
        row.update({p + "extended_to": extended.isoformat(), p + "extension_reason": reason,
                    p + "response_date": response.isoformat()})
        rows.append(row)
        if extended > limit and not reason:
            where[row["case_id"]] = ("within the Code's limit" if response <= limit else
                                     "after the limit, within the extension" if response <= extended else
                                     "after the extension")
    return rows, where


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_check_and_the_report_agree_with_over_long_extensions(tmp_path, seed):
    rows, where = generated_rows(seed, 400)
    path = write_cases(tmp_path / "cases.csv", rows)
    judged = assert_agree(path)
    # the file reaches each side of the Code's limit after an over-long extension with no reason
    assert {"within the Code's limit", "after the limit, within the extension", "after the extension"} <= set(where.values())
    ids = next(CsvCaseReader().open(path, Config()).batches).text("case_id")
    batch_rows = next(CsvCaseReader().open(path, Config()).batches).rows
    by_id = {ids[i]: batch_rows[i] for i in range(len(ids))}
    for case, place in where.items():
        n = 1 if int(case[1:]) % 2 else 2
        # inside the limit: in time, though after the Code's bare deadline (the report used to call it late)
        assert judged[(n, by_id[case])] is (place != "within the Code's limit"), (case, place)
