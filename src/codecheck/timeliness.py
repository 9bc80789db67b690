"""Was each step on time? One status per row for a stage's acknowledgement or
response, judged exactly as the section 6 rules judge it.

The check rules report the late and overdue rows; the board report also needs
the rows that were on time, still pending, or cannot be judged. Both must agree,
so the statuses here follow ``codecheck.checks.stages`` line by line:

* a step is owed where the stage is due (``Stage.due``);
* acknowledgement: done on the acknowledgement date, or, where none is recorded,
  on the response date; deadline ``Stage.ack_days`` working days after the start;
* response: done on the response date; deadline from ``response_deadlines``;
* not done: overdue once the deadline is before ``as_of``, unless the case was
  withdrawn or a later step is recorded (``Stage.moved_on``), when it is not judged.

So ``LATE`` + ``OVERDUE`` rows are the rows CR602/CR603/CR614 report (CR611 and
CR511 between them for the stage 2 acknowledgement), before the engine leaves out
rows with unreadable cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from codecheck.checks.base import CheckContext
from codecheck.checks.stages import Stage, response_deadlines
from codecheck.records import CaseBatch

NOT_DUE, ON_TIME, LATE, OVERDUE, PENDING, NOT_JUDGED = range(6)
STATUS_NAMES = ("not_due", "on_time", "late", "overdue", "pending", "not_judged")
"""not_due: the step is not owed (not a complaint, not accepted, not escalated);
on_time / late: done by / after the deadline; overdue: not done, deadline passed
(before as_of); pending: not done, deadline not passed; not_judged: owed but the
start date is missing, or not done and no longer owed (withdrawn, moved on)."""


@dataclass
class StepTimes:
    status: np.ndarray
    """int8, one of the constants above."""
    done: np.ndarray
    deadline: np.ndarray

    def count(self, status: int, mask: np.ndarray | None = None) -> int:
        hit = self.status == status
        return int((hit & mask).sum() if mask is not None else hit.sum())


def judge(stage: Stage, cases: CaseBatch, ctx: CheckContext, due: np.ndarray, done: np.ndarray, deadline: np.ndarray) -> StepTimes:
    """The status of each row, given where the step is owed, when it was done and its deadline."""
    status = np.full(len(cases), NOT_DUE, dtype=np.int8)
    status[due] = NOT_JUDGED
    finished = due & ~np.isnat(done)
    status[finished & (done <= deadline)] = ON_TIME
    status[finished & (done > deadline)] = LATE
    still_open = due & np.isnat(done) & ~stage.moved_on(cases) & ~stage.withdrawn(cases)
    status[still_open & (deadline < ctx.as_of64)] = OVERDUE
    status[still_open & (deadline >= ctx.as_of64)] = PENDING
    return StepTimes(status, done, deadline)


def acknowledgement(stage: Stage, cases: CaseBatch, ctx: CheckContext) -> StepTimes:
    """The stage's acknowledgement (6.2, 6.11), as CR602 / CR611 and CR511 judge it."""
    ack, response = cases.dates(stage.ack), cases.dates(stage.response)
    deadline = ctx.calendar.deadlines(cases.dates(stage.start), stage.ack_days)
    done = np.where(np.isnat(ack), response, ack)
    return judge(stage, cases, ctx, stage.due(cases), done, deadline)


def extension_too_long(stage: Stage, cases: CaseBatch, ctx: CheckContext) -> np.ndarray:
    """Rows with a recorded extension longer than the Code allows without a reason
    (CR604 / CR615 before their ``Stage.due`` mask)."""
    base, extended, _ = response_deadlines(stage, cases, ctx)
    length = ctx.calendar.counts(base, extended)
    return ~np.isnat(extended) & (length > stage.extension_days) & cases.blank(stage.extension_reason)


def response(stage: Stage, cases: CaseBatch, ctx: CheckContext, *, code_timescale: bool = False) -> StepTimes:
    """The stage's response (6.3, 6.14).

    With ``code_timescale=False`` the deadline is the one in force on the record (the
    recorded extension where there is one), as CR603 / CR614 judge it. With
    ``code_timescale=True`` an extension counts only where the Code allows it (no
    longer than ``Stage.extension_days``, or with a reason recorded); otherwise the
    Code's own deadline applies."""
    base, _, in_force = response_deadlines(stage, cases, ctx)
    deadline = np.where(extension_too_long(stage, cases, ctx), base, in_force) if code_timescale else in_force
    return judge(stage, cases, ctx, stage.due(cases), cases.dates(stage.response), deadline)
