"""The module codecheck loads through this package's entry point::

    [project.entry-points.codecheck]
    promise = "codecheck_promise.plugin"

Its hook implementations register one record rule, PR001: the landlord's own
service promise to acknowledge a complaint within 3 working days, stricter than
the Code's 5 (Code 6.2). It uses codecheck's shared working-day calendar, so
bank holidays, the configured region and closures count exactly as they do for
the Code's own rules.

The number of working days is :data:`ACK_DAYS`, or the environment variable
``CODECHECK_PROMISE_ACK_DAYS`` where it is set (read on every run).
"""

from __future__ import annotations

import os

import numpy as np

from codecheck.checks.base import CheckContext, Emit, d, indexes, record_rule, wd
from codecheck.errors import UsageError
from codecheck.findings import Severity
from codecheck.hookspecs import hookimpl
from codecheck.records import CaseBatch

ACK_DAYS = 3
"""The promise: complaints acknowledged within this many working days of receipt."""
ENV_VAR = "CODECHECK_PROMISE_ACK_DAYS"

_LATER_STEPS = ("stage1_response_date", "escalation_requested_date", "stage2_ack_date", "stage2_response_date")


def ack_days() -> int:
    """The promised number of working days: the environment variable, else :data:`ACK_DAYS`."""
    raw = os.environ.get(ENV_VAR, "").strip()
    if not raw:
        return ACK_DAYS
    try:
        days = int(raw)
    except ValueError:
        raise UsageError(f"{ENV_VAR}={raw!r} is not a whole number of working days") from None
    if not 1 <= days <= 60:
        raise UsageError(f"{ENV_VAR}={raw!r}: the promise must be between 1 and 60 working days")
    return days


@record_rule(
    id="PR001",
    name="promise-ack-late",
    provision=None,  # the landlord's own standard, not a provision of the Code: never counted as a Code breach
    severity=Severity.WARNING,
    summary=f"complaint not acknowledged within our promised {ACK_DAYS} working days ({ENV_VAR} to change)",
    columns=("received_date", "stage1_ack_date"),
    reads=("accepted", "stage1_outcome", *_LATER_STEPS),
    rationale=f"""Our published service promise is to acknowledge every complaint within
    {ACK_DAYS} working days of receipt, sooner than the Code's five (Code 6.2, rule CR602). Working
    days are counted with codecheck's calendar: the day of receipt never counts, nor do weekends,
    bank holidays or configured closures. Where no acknowledgement date is recorded, the stage 1
    response stands for it, as in CR602. An open case past the promised date is reported as not
    yet acknowledged. Set {ENV_VAR} to hold a different promise.""",
    breach_example="received Mon 03/06/2024, acknowledged Fri 07/06/2024: 4 working days (within the Code's 5, outside the promise)",
    compliant_example="received Fri 20/12/2024, acknowledged Fri 27/12/2024: 3 working days (25 and 26 December are bank holidays)",
)
def promise_ack_late(cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    days = ack_days()
    cal = ctx.calendar
    received, ack = cases.dates("received_date"), cases.dates("stage1_ack_date")
    response = cases.dates("stage1_response_date")
    # A rule with no Code provision is not shielded from unreadable cells by the
    # engine: leave out rows whose dates cannot be read (CD001 reports them).
    readable = np.ones(len(cases), dtype=bool)
    readable[list(cases.unreadable_rows(promise_ack_late.columns + promise_ack_late.reads))] = False
    due = cases.accepted & readable
    deadline = cal.deadlines(received, days)
    done = np.where(np.isnat(ack), response, ack)
    taken = cal.counts(received, done)
    for i in indexes(due & (done > deadline)):
        what = f"acknowledged {d(ack[i])}" if not np.isnat(ack[i]) else f"no acknowledgement recorded; stage 1 response {d(response[i])}"
        emit(i, f"{what}, {wd(taken[i])} after receipt on {d(received[i])}; our service promise is "
                f"{days} (deadline {d(deadline[i])})", column="stage1_ack_date")
    moved_on = np.zeros(len(cases), dtype=bool)
    for column in _LATER_STEPS:
        moved_on |= ~np.isnat(cases.dates(column))
    withdrawn = np.array(["withdrawn" in v.lower() for v in cases.text("stage1_outcome")], dtype=bool)
    as_of = ctx.as_of64
    for i in indexes(due & np.isnat(ack) & ~moved_on & ~withdrawn & (deadline < as_of)):
        emit(i, f"not acknowledged as of {d(as_of)}; received {d(received[i])}, promised by {d(deadline[i])} "
                f"({days} working days)", column="stage1_ack_date")


@hookimpl
def codecheck_rules():
    return [promise_ack_late]
