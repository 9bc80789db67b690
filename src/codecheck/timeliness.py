"""Was each step on time? One status per row for a stage's acknowledgement or
response, judged exactly as the section 6 rules judge it.

The check rules report the late and overdue rows; the board report also needs
the rows that were on time, still pending, or cannot be judged. Both must agree,
and the rules in ``codecheck.checks.stages`` emit exactly the LATE and OVERDUE rows:

* a step is owed where the stage is due (``Stage.due``);
* acknowledgement: done on the acknowledgement date, or, where none is recorded,
  on the response date; deadline ``Stage.ack_days`` working days after the start;
* response: done on the response date; deadline from ``response_deadlines``;
* not done: overdue once the deadline is before ``as_of``, unless the case was
  withdrawn or a later step is recorded (``Stage.moved_on``), when it is not judged.

So ``LATE`` + ``OVERDUE`` rows are the rows CR602/CR603/CR614 report (CR611 and
CR511 between them for the stage 2 acknowledgement), except rows where a cell the
row's judgement relies on cannot be read (``StepTimes.reliance``): the rules leave
those out (the unreadable cell is its own data finding, CD001), and so should any
figure built from these statuses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from codecheck.lazy import numpy as np

from codecheck.records import CaseBatch

if TYPE_CHECKING:
    from codecheck.checks.base import CheckContext


@dataclass(frozen=True)
class Stage:
    number: int
    start: str
    start_words: str
    start_event: str
    ack: str
    response: str
    extended_to: str
    extension_reason: str
    extension_details: str
    outcome: str
    ack_days: int
    response_days: int
    extension_days: int

    def due(self, cases: CaseBatch, ctx: "CheckContext") -> np.ndarray:
        """Rows where this stage's steps are owed: at stage 2, escalated and not refused with a
        reason (a placeholder such as 'N/A' in escalation_refused_reason is no refusal)."""
        if self.number == 1:
            return cases.accepted
        escalated = ~np.isnat(cases.dates(self.start)) | ~np.isnat(cases.dates(self.ack))
        return cases.accepted & escalated & cases.no_reason("escalation_refused_reason", ctx.placeholder)

    def withdrawn(self, cases: CaseBatch) -> np.ndarray:
        """Rows whose outcome at this stage, or whose stage label, says the complaint was
        withdrawn ("Withdrawn", "Resident withdrew complaint")."""
        return cases.per_value(self.outcome, _says_withdrawn, bool) | cases.per_value("stage", _says_withdrawn, bool)

    def moved_on(self, cases: CaseBatch) -> np.ndarray:
        """Rows where a later step is recorded."""
        return ~np.isnat(self.moved_on_date(cases))

    @property
    def later_columns(self) -> tuple[str, ...]:
        """The dates of steps after this stage: stage 2 requested, acknowledged or answered."""
        return ("escalation_requested_date", "stage2_ack_date", "stage2_response_date") if self.number == 1 else ()

    def moved_on_date(self, cases: CaseBatch) -> np.ndarray:
        """The earliest later step recorded (stage 2 requested, acknowledged or answered),
        NaT where none is: a step still missing then can no longer be taken."""

        def compute() -> np.ndarray:
            out = np.full(len(cases), np.datetime64("NaT", "D"))
            for column in self.later_columns:
                out = np.fmin(out, cases.dates(column))
            return _frozen(out)

        return cases.derived(("moved on date", self), compute)

    def ack_deadlines(self, cases: CaseBatch, ctx: "CheckContext") -> np.ndarray:
        return cases.derived(("ack deadlines", self, ctx.calendar),
                             lambda: _frozen(ctx.calendar.deadlines(cases.dates(self.start), self.ack_days)))


def _frozen(array: np.ndarray) -> np.ndarray:
    """`array`, read-only: computed once per batch (``CaseBatch.derived``) and shared by the
    rules that ask for it, none of which may change it."""
    array.flags.writeable = False
    return array


STAGE1 = Stage(
    1, "received_date", "receipt", "received", "stage1_ack_date", "stage1_response_date", "stage1_extended_to",
    "stage1_extension_reason", "stage1_extension_ombudsman_details", "stage1_outcome", 5, 10, 10,
)
STAGE2 = Stage(
    2, "escalation_requested_date", "the escalation request", "stage 2 requested", "stage2_ack_date", "stage2_response_date",
    "stage2_extended_to", "stage2_extension_reason", "stage2_extension_ombudsman_details", "stage2_outcome", 5, 20, 20,
)


_WITHDRAWN = re.compile(r"withdr(aw|ew|awn|awal)", re.IGNORECASE)


def _says_withdrawn(text: str) -> bool:
    return _WITHDRAWN.search(text) is not None


def response_deadlines(stage: Stage, cases: CaseBatch, ctx: CheckContext) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The Code's deadline from acknowledgement, the extended date where an extension
    moved it later, and the deadline in force.

    Where no acknowledgement is recorded, the response deadline is counted from the
    last day the acknowledgement was due (issue 12, item 4): the latest the response
    could be due had the Code's acknowledgement timescale been kept, so a landlord
    gains no time from not acknowledging. (Once per batch, calendar and stage: several
    rules ask.)"""

    def compute() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        ack = cases.dates(stage.ack)
        counted_from = np.where(np.isnat(ack), stage.ack_deadlines(cases, ctx), ack)
        base = ctx.calendar.deadlines(counted_from, stage.response_days)
        extended = cases.dates(stage.extended_to)
        extended = np.where(extended > base, extended, np.datetime64("NaT", "D"))
        return _frozen(base), _frozen(extended), _frozen(np.where(np.isnat(extended), base, extended))

    return cases.derived(("response deadlines", stage, ctx.calendar), compute)


NOT_DUE, ON_TIME, LATE, OVERDUE, PENDING, NOT_JUDGED = range(6)
STATUS_NAMES = ("not_due", "on_time", "late", "overdue", "pending", "not_judged")
"""not_due: the step is not owed (not a complaint, not accepted, not escalated);
on_time / late: done by / after the deadline; overdue: not done, deadline passed
(before as_of); pending: not done, deadline not passed; not_judged: owed but the
start date is missing, or not done and no longer owed (withdrawn, or moved to
stage 2 before its deadline). A step never done whose deadline passed before the
case moved to stage 2 is overdue."""


@dataclass(frozen=True)
class Reliance:
    """The columns each row's judgement of a step relies on.

    An unreadable cell should switch off only the judgements that need it: an
    unreadable response date says nothing about a late acknowledgement, and an
    unreadable escalation date nothing about stage 1. So a row relies on
    ``always``; where no acknowledgement is recorded also on ``without_ack`` (the
    deadline or the step's date then comes from them); and where the step was not
    done also on ``not_done`` (an unreadable one of those might be the missing step,
    or a later step that ends the stage before its deadline)."""

    always: tuple[str, ...]
    without_ack: tuple[str, ...]
    not_done: tuple[str, ...]
    no_ack: np.ndarray
    """bool per row: no acknowledgement date (blank or unreadable)."""
    undone: np.ndarray
    """bool per row: the step has no date."""

    def columns(self, index: int) -> tuple[str, ...]:
        """The columns row ``index``'s judgement relies on (for ``emit(..., uses=...)``)."""
        return (self.always + (self.without_ack if self.no_ack[index] else ())
                + (self.not_done if self.undone[index] else ()))

    def columns_at(self, indexes: np.ndarray) -> list[tuple[str, ...]]:
        """:meth:`columns` of each of the rows `indexes` (the same tuples, built once each)."""
        variants = np.empty(4, dtype=object)  # by no_ack * 2 + undone
        for k, columns in enumerate((self.always, self.always + self.not_done, self.always + self.without_ack,
                                     self.always + self.without_ack + self.not_done)):
            variants[k] = columns
        return variants[self.no_ack[indexes].astype(np.int8) * 2 + self.undone[indexes]].tolist()

    def blind(self, cases: CaseBatch) -> np.ndarray:
        """bool per row: a cell the row's judgement relies on cannot be read."""
        out = np.zeros(len(cases), dtype=bool)
        for columns, where in ((self.always, None), (self.without_ack, self.no_ack), (self.not_done, self.undone)):
            hit = np.zeros(len(cases), dtype=bool)
            hit[list(cases.unreadable_rows(columns))] = True
            out |= hit if where is None else hit & where
        return out


@dataclass
class StepTimes:
    status: np.ndarray
    """int8, one of the constants above."""
    done: np.ndarray
    deadline: np.ndarray
    reliance: Reliance | None = None
    """What each row's status relies on; rows with an unreadable one are not reported."""

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
    not_done = due & np.isnat(done) & ~stage.withdrawn(cases)
    moved = stage.moved_on_date(cases)
    still_open = not_done & np.isnat(moved)
    status[still_open & (deadline < ctx.as_of64)] = OVERDUE
    status[still_open & (deadline >= ctx.as_of64)] = PENDING
    # Never done, and the case moved to stage 2 after the deadline had passed: missed.
    status[not_done & (deadline < moved)] = OVERDUE
    return StepTimes(status, done, deadline)


def acknowledgement(stage: Stage, cases: CaseBatch, ctx: CheckContext) -> StepTimes:
    """The stage's acknowledgement (6.2, 6.11), as CR602 / CR611 and CR511 judge it."""
    ack, response = cases.dates(stage.ack), cases.dates(stage.response)
    deadline = stage.ack_deadlines(cases, ctx)
    done = np.where(np.isnat(ack), response, ack)
    step = judge(stage, cases, ctx, stage.due(cases, ctx), done, deadline)
    step.reliance = Reliance(
        always=("accepted", stage.start, stage.ack), without_ack=(stage.response,),
        not_done=stage.later_columns, no_ack=np.isnat(ack), undone=np.isnat(done))
    return step


def extension_too_long(stage: Stage, cases: CaseBatch, ctx: CheckContext) -> np.ndarray:
    """Rows with a recorded extension longer than the Code allows without a reason
    (CR604 / CR615 before their ``Stage.due`` mask)."""
    base, extended, _ = response_deadlines(stage, cases, ctx)
    length = ctx.calendar.counts(base, extended)
    return ~np.isnat(extended) & (length > stage.extension_days) & cases.no_reason(stage.extension_reason, ctx.placeholder)


def code_deadlines(stage: Stage, cases: CaseBatch, ctx: CheckContext) -> np.ndarray:
    """The latest day the Code allows for the stage's response: the one judgement of
    "within the Code's timescale" that ``check``, the board report and TSM CH02 share.

    That is the Code's deadline (``Stage.response_days`` working days from
    acknowledgement), moved to a recorded extension where the Code allows it: an
    extension of up to ``Stage.extension_days`` working days, or a longer one with a
    reason recorded. A longer extension with no reason recorded still buys the
    ``extension_days`` the Code allows without one, and no more: a response inside
    those days is in time (issue 14: the report used to fall back to the bare
    deadline and call it late while ``check`` did not), one after them is late
    however far the record extended it. The over-long extension itself stays its own
    finding (CR604 / CR615), and CR603 / CR614 judge the response against the
    deadline on the record, so a response after the Code's limit but within such an
    extension is reported by ``check`` as CR604 / CR615 rather than as CR603 / CR614."""
    base, _, in_force = response_deadlines(stage, cases, ctx)
    limit = ctx.calendar.deadlines(base, stage.extension_days)
    return np.where(extension_too_long(stage, cases, ctx), limit, in_force)


def response(stage: Stage, cases: CaseBatch, ctx: CheckContext, *, code_timescale: bool = False) -> StepTimes:
    """The stage's response (6.3, 6.14).

    With ``code_timescale=False`` the deadline is the one in force on the record (the
    recorded extension where there is one), as CR603 / CR614 judge it. With
    ``code_timescale=True`` it is the deadline the Code allows (``code_deadlines``):
    the judgement every "within the Code's timescale" figure uses."""
    _, _, in_force = response_deadlines(stage, cases, ctx)
    deadline = code_deadlines(stage, cases, ctx) if code_timescale else in_force
    response = cases.dates(stage.response)
    # With no acknowledgement recorded, the deadline counts from the day it was due
    # (``response_deadlines``): a case never acknowledged nor answered is overdue here
    # too once that has passed, as 6.3 / 6.14 read.
    step = judge(stage, cases, ctx, stage.due(cases, ctx), response, deadline)
    step.reliance = Reliance(
        always=("accepted", stage.ack, stage.response, stage.extended_to)
        + ((stage.extension_reason,) if code_timescale else ()),
        without_ack=(stage.start,), not_done=stage.later_columns,
        no_ack=np.isnat(cases.dates(stage.ack)), undone=np.isnat(response))
    return step
