"""Section 6, complaint stages: the timescales and extensions at stage 1 and
stage 2 (6.2-6.5, 6.11, 6.14-6.16) and a different handler at stage 2 (6.13).

| step                     | from                       | limit | extension                     | Code       |
|--------------------------|----------------------------|-------|-------------------------------|------------|
| stage 1 acknowledgement  | received_date              | 5 WD  | none                          | 6.2        |
| stage 1 response         | stage1_ack_date            | 10 WD | up to 10 WD more without good reason | 6.3, 6.4 |
| stage 2 acknowledgement  | escalation_requested_date  | 5 WD  | none                          | 6.11       |
| stage 2 response         | stage2_ack_date            | 20 WD | up to 20 WD more without good reason | 6.14, 6.15 |

Both stages share one implementation; a :class:`~codecheck.timeliness.Stage`
names the columns and limits, and :mod:`codecheck.timeliness` judges each step
(the board report uses the same judgement). An open case is judged against ``--as-of``: a step not taken by
its deadline is overdue.
"""

from __future__ import annotations

import re
import threading
import weakref
from functools import lru_cache

from codecheck.lazy import numpy as np

from codecheck.checks.base import CheckContext, Emit, d, emit_all, indexes, record_rule, wd
from codecheck.findings import Severity
from codecheck import timeliness
from codecheck.records import CaseBatch
from codecheck.values import NAT_INT
from codecheck.timeliness import STAGE1, STAGE2, Stage, response_deadlines  # noqa: F401  (STAGE1/2 used by other modules)


# -- shared implementations ------------------------------------------------------
#
# A struggling landlord's export has a late or overdue step in most rows (issue 16): the
# messages are built per batch from its arrays. The dates a message quotes are formatted once
# per distinct day (`_texts`), what kind of day off a date is once per calendar and day
# (`_days_off`), the working-day counts over the whole array at once; only putting the pieces
# of each message together is per row. The text is exactly as `_after_deadline` and
# `_now_late` write one row's.


class _DayTable:
    """``fn(day)`` for each date of an array, with ``fn`` called once per distinct day: the
    answers are kept in an array over a span of days (days since 1970-01-01), so an array of
    dates is answered by one numpy gather. NaT gives None. Dates spread over more than
    ``SPAN`` days are answered one by one from a dict instead."""

    SPAN = 150_000  # about 400 years

    def __init__(self, fn):
        self.fn = fn
        self.first = 0
        self.values = None  # object array; its last slot is None, for NaT
        self.known = None  # bool array: which values are filled
        self.seen: dict[int, object] = {}  # the way for dates too spread out
        self.lock = threading.Lock()  # one table for the process: the web app checks in threads

    def __call__(self, days: np.ndarray) -> list:
        with self.lock:
            return self._answer(days)

    def _answer(self, days: np.ndarray) -> list:
        ints = days.astype(np.int64)
        nat = ints == NAT_INT
        some_nat = bool(nat.any())
        real = ints[~nat] if some_nat else ints
        if not len(real):
            return [None] * len(ints)
        low, high = int(real.min()), int(real.max())
        if not self._covers(low, high) and not self._grow(low, high):
            return self._one_by_one(ints.tolist())
        at = ints - self.first
        if some_nat:
            at[nat] = len(self.values) - 1
        missing = ~self.known[at]
        if missing.any():
            for k in np.unique(at[missing]).tolist():
                self.values[k] = self.fn(self.first + k)
                self.known[k] = True
        return self.values[at].tolist()

    def _covers(self, low: int, high: int) -> bool:
        return self.values is not None and self.first <= low and high < self.first + len(self.values) - 1

    def _grow(self, low: int, high: int) -> bool:
        if self.values is not None:
            low, high = min(low, self.first), max(high, self.first + len(self.values) - 2)
        low, high = low - 366, high + 366  # room for the neighbouring years
        if high - low > self.SPAN:
            return False
        values = np.empty(high - low + 2, dtype=object)
        known = np.zeros(high - low + 2, dtype=bool)
        known[-1] = True  # NaT: None
        if self.values is not None:
            at = self.first - low
            values[at:at + len(self.values) - 1] = self.values[:-1]
            known[at:at + len(self.values) - 1] = self.known[:-1]
        self.first, self.values, self.known = low, values, known
        return True

    def _one_by_one(self, ints: list[int]) -> list:
        out = []
        for value in ints:
            if value == NAT_INT:
                out.append(None)
                continue
            if value not in self.seen:
                answer = self.fn(value)
                if len(self.seen) >= 100_000:
                    out.append(answer)
                    continue
                self.seen[value] = answer
            out.append(self.seen[value])
        return out


_texts = _DayTable(lambda day: d(np.datetime64(day, "D")))
"""Each date of an array as ``d`` writes it, None for NaT (never quoted: each message quotes
only the dates its row has)."""

_DAYS_OFF: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
"""Calendar -> its ``_DayTable`` of ``calendar.day_off``."""


def _days_off(cal, days: np.ndarray) -> list:
    """``cal.day_off`` of each date (None for a working day), asked once per calendar and day."""
    table = _DAYS_OFF.get(cal)
    if table is None:
        calendar = weakref.ref(cal)  # not the calendar itself: the table would keep its key alive
        table = _DAYS_OFF[cal] = _DayTable(lambda day: calendar().day_off(np.datetime64(day, "D")))
    return table(days)


@lru_cache(maxsize=1024)
def _wd(n: int) -> str:
    return wd(n)


def _after_deadline(cal, day: np.datetime64, deadline: np.datetime64, limit: int, since: str,
                    start: np.datetime64) -> str:
    """How a step dated `day`, after its deadline, was late, in words that cannot contradict
    the finding: "02/01/2025, 6 working days after receipt on 20/12/2024; the Code allows 5
    (deadline 31/12/2024)". A step dated on a day off after the deadline counts no more
    working days than the Code allows (the days off are not counted), so it is named
    instead: "on 01/01/2025, a bank holiday, after the deadline of 31/12/2024 (5 working
    days after receipt on 20/12/2024)". (One row; :func:`_after_deadlines` is the same for
    many.)"""
    off = cal.day_off(day)
    if off is None:
        return (f"{d(day)}, {wd(cal.count(start, day))} after {since} on {d(start)}; the Code allows {limit} "
                f"(deadline {d(deadline)})")
    return f"on {d(day)}, {off}, after the deadline of {d(deadline)} ({wd(limit)} after {since} on {d(start)})"


def _after_deadlines(cal, day: np.ndarray, deadline: np.ndarray, limit: int, since: str,
                     start: np.ndarray) -> list[str]:
    """:func:`_after_deadline` of each row (the arrays are the rows to describe; none NaT)."""
    counts = cal.counts(start, day).tolist()
    allows = f"; the Code allows {limit} (deadline "
    limit_words = wd(limit)
    return [f"{t}, {_wd(n)} after {since} on {s}{allows}{due})" if off is None else
            f"on {t}, {off}, after the deadline of {due} ({limit_words} after {since} on {s})"
            for t, due, s, off, n in zip(_texts(day), _texts(deadline), _texts(start), _days_off(cal, day), counts)]


def _now_late(cal, deadline: np.datetime64, as_of: np.datetime64) -> str:
    """'now 3 working days late'; as of a day off just after the deadline no working day
    has passed since, and a count of 0 would read as on time."""
    late_by = cal.count(deadline, as_of)
    return f"now {wd(late_by)} late" if late_by else "now past it"


def _now_lates(cal, deadline: np.ndarray, as_of: np.datetime64) -> list[str]:
    """:func:`_now_late` of each row."""
    return [f"now {_wd(n)} late" if n else "now past it" for n in cal.counts(deadline, as_of).tolist()]


def _distinct(*arrays: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows alike in every one of `arrays` (dates or flags, one value per row) share a message:
    ``(first, which)``, the first row of each distinct combination of values, and for each row
    the number of its combination (``which[k]`` indexes ``first``). An export repeats the same
    few thousand dates, so a batch's late rows have far fewer combinations than rows."""
    keys = np.stack([a.astype(np.int64) for a in arrays])
    order = np.lexsort(keys[::-1])  # stable: each combination's rows in order
    ordered = keys[:, order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (ordered[:, 1:] != ordered[:, :-1]).any(axis=0)
    which = np.empty(len(order), dtype=np.int64)
    which[order] = np.cumsum(new) - 1
    return order[new], which


def _spread(messages: list[str], which: np.ndarray) -> list[str]:
    """Each row's message, from the messages of the distinct combinations (``_distinct``)."""
    table = np.empty(len(messages), dtype=object)
    table[:] = messages
    return table[which].tolist()


def check_acknowledgement(stage: Stage, cases: CaseBatch, ctx: CheckContext, emit: Emit, *, report_overdue: bool) -> None:
    cal = ctx.calendar
    start, ack, response = cases.dates(stage.start), cases.dates(stage.ack), cases.dates(stage.response)
    step = timeliness.acknowledgement(stage, cases, ctx)
    deadline = step.deadline
    rows = np.flatnonzero(step.status == timeliness.LATE)
    if len(rows):
        first, which = _distinct(ack[rows], response[rows], deadline[rows], start[rows])
        late = rows[first]  # one row of each message
        acked = ~np.isnat(ack[late])
        day = np.where(acked, ack[late], response[late])
        after = _after_deadlines(cal, day, deadline[late], stage.ack_days, stage.start_words, start[late])
        none = f"no stage {stage.number} acknowledgement recorded, and the response came "
        messages = [("acknowledged " + text) if was else (none + text + " for an acknowledgement")
                    for was, text in zip(acked.tolist(), after)]
        emit_all(emit, rows.tolist(), _spread(messages, which), stage.ack, step.reliance.columns_at(rows))
    if not report_overdue:
        return
    as_of = ctx.as_of64
    rows = np.flatnonzero(step.status == timeliness.OVERDUE)
    if not len(rows):
        return
    moved = stage.moved_on_date(cases)
    first, which = _distinct(start[rows], deadline[rows], moved[rows])
    overdue = rows[first]
    open_ = np.isnat(moved[overdue]).tolist()
    starts, deadlines, moves = _texts(start[overdue]), _texts(deadline[overdue]), _texts(moved[overdue])
    now = _now_lates(cal, deadline[overdue], as_of)
    head = f"overdue: not acknowledged as of {d(as_of)}; {stage.start_event} "
    other = f"no stage {stage.number} acknowledgement or response recorded; {stage.start_event} "
    messages = [f"{head}{s}, deadline {due} ({stage.ack_days} working days), {late_by}" if still else
                f"{other}{s}, the deadline {due} had passed when stage 2 was requested on {m}"
                for still, s, due, m, late_by in zip(open_, starts, deadlines, moves, now)]
    emit_all(emit, rows.tolist(), _spread(messages, which), stage.ack, step.reliance.columns_at(rows),
              warn=(~np.isnat(moved[rows])).tolist())


def check_response(stage: Stage, cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    cal = ctx.calendar
    ack, response = cases.dates(stage.ack), cases.dates(stage.response)
    base, extended, deadline = response_deadlines(stage, cases, ctx)
    step = timeliness.response(stage, cases, ctx)
    ack_due = stage.ack_deadlines(cases, ctx)
    word = "final" if stage.number == 2 else "full"
    rows = np.flatnonzero(step.status == timeliness.LATE)
    if len(rows):
        first, which = _distinct(ack[rows], response[rows], extended[rows], base[rows], ack_due[rows])
        late = rows[first]  # one row of each message
        # Three ways to be late: with no acknowledgement (0), with none and no extension (1),
        # after a recorded extension (2).
        l_ack, l_response, l_ext, l_base = ack[late], response[late], extended[late], base[late]
        unacked, unextended = np.isnat(l_ack), np.isnat(l_ext)
        how = np.where(unacked, 0, np.where(unextended, 1, 2)).tolist()
        responses, exts, bases, dues = _texts(l_response), _texts(l_ext), _texts(l_base), _texts(ack_due[late])
        offs = _days_off(cal, l_response)
        plain = np.flatnonzero(~unacked & unextended)  # described by _after_deadline
        after = iter(_after_deadlines(cal, l_response[plain], l_base[plain], stage.response_days, "acknowledgement",
                                      l_ack[plain]))
        late_by = cal.counts(l_ext, l_response).tolist()
        issued = f"{word} stage {stage.number} response issued "
        messages = []
        for kind, r, off, ext, b, due, n in zip(how, responses, offs, exts, bases, dues, late_by):
            on = f"{r}, {off}," if off else r
            if kind == 0:
                extra = f", or by the extended deadline {ext}" if ext is not None else ""
                messages.append(
                    f"{issued}{on} after its deadline; no acknowledgement is recorded, and counted from the last day "
                    f"it was due ({due}) the Code allows {stage.response_days} working days (deadline {b}{extra})")
            elif kind == 1:
                messages.append(issued + next(after) + "; no extension is recorded")
            else:
                messages.append(f"{issued}{on} after the extended deadline {ext} "
                                f"({_wd(n) + ' late; ' if n else ''}the Code's deadline was {b})")
        emit_all(emit, rows.tolist(), _spread(messages, which), stage.response, step.reliance.columns_at(rows))
    as_of = ctx.as_of64
    rows = np.flatnonzero(step.status == timeliness.OVERDUE)
    if not len(rows):
        return
    moved = stage.moved_on_date(cases)
    start = cases.dates(stage.start)
    first, which = _distinct(moved[rows], ack[rows], extended[rows], base[rows], start[rows], ack_due[rows],
                             deadline[rows])
    overdue = rows[first]  # one row of each message
    open_ = np.isnat(moved[overdue]).tolist()
    unacked = np.isnat(ack[overdue]).tolist()
    exts, acks, bases = _texts(extended[overdue]), _texts(ack[overdue]), _texts(base[overdue])
    starts, dues = _texts(start[overdue]), _texts(ack_due[overdue])
    deadlines, moves = _texts(deadline[overdue]), _texts(moved[overdue])
    now = _now_lates(cal, deadline[overdue], as_of)
    head = f"overdue: no stage {stage.number} response as of {d(as_of)}; "
    messages = []
    for still, no_ack, ext, a, b, s, due, dl, m, late_by in zip(open_, unacked, exts, acks, bases, starts, dues,
                                                                deadlines, moves, now):
        ext = f", extended to {ext}" if ext is not None else ""
        if no_ack:
            since = (f"no acknowledgement recorded; {stage.start_event} {s}, the acknowledgement was due by {due} "
                     f"and the response {stage.response_days} working days after that, by {b}{ext}")
        else:
            since = f"acknowledged {a}, deadline {b} ({stage.response_days} working days{ext})"
        if still:
            messages.append(f"{head}{since}, {late_by}")
        else:
            messages.append(f"no stage {stage.number} response recorded; {since}; the deadline {dl} had passed "
                            f"when stage 2 was requested on {m}")
    emit_all(emit, rows.tolist(), _spread(messages, which), stage.response, step.reliance.columns_at(rows),
              warn=(~np.isnat(moved[rows])).tolist())


def _extension_uses_each(stage: Stage, cases: CaseBatch, rows: np.ndarray, *more: str) -> list[tuple[str, ...]]:
    """The columns each of `rows`' extension finding relies on: the extension and the Code's
    deadline it extends, counted from the acknowledgement or, where none is recorded, from the start."""
    unacked = np.isnat(cases.dates(stage.ack)[rows]).tolist()
    plain = ("accepted", stage.ack, stage.extended_to) + more
    started = ("accepted", stage.ack, stage.extended_to, stage.start) + more
    return [started if u else plain for u in unacked]


def check_extension_length(stage: Stage, cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    base, extended, _ = response_deadlines(stage, cases, ctx)
    rows = np.flatnonzero(stage.due(cases, ctx) & timeliness.extension_too_long(stage, cases, ctx))
    if not len(rows):
        return
    lengths = ctx.calendar.counts(base[rows], extended[rows]).tolist()
    messages = [f"stage {stage.number} response deadline extended to {ext}, {wd(n)} beyond the Code's "
                f"deadline of {b}, with no reason recorded; an extension of more than {stage.extension_days} "
                f"working days needs a good reason, explained to the resident"
                for ext, n, b in zip(_texts(extended[rows]), lengths, _texts(base[rows]))]
    emit_all(emit, rows.tolist(), messages, stage.extension_reason,
             _extension_uses_each(stage, cases, rows, stage.extension_reason))


def check_extension_details(stage: Stage, cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    _, extended, _ = response_deadlines(stage, cases, ctx)  # a date before the Code's deadline extends nothing
    given = cases.flags(stage.extension_details)
    with_extension = stage.due(cases, ctx) & ~np.isnat(extended)
    said_no = np.flatnonzero(with_extension & (given == 0))
    emit_all(emit, said_no.tolist(),
             [f"stage {stage.number} extension to {ext} recorded without the Ombudsman's contact details "
              f"({stage.extension_details} = no)" for ext in _texts(extended[said_no])],
             stage.extension_details, _extension_uses_each(stage, cases, said_no, stage.extension_details))
    blank = np.flatnonzero(with_extension & (given == -1))
    emit_all(emit, blank.tolist(),
             [f"stage {stage.number} extension to {ext}: no record that the Ombudsman's contact details "
              f"were given ({stage.extension_details} is blank)" for ext in _texts(extended[blank])],
             stage.extension_details, _extension_uses_each(stage, cases, blank, stage.extension_details),
             warn=[True] * len(blank))


# -- the rules ---------------------------------------------------------------------

_OVERDUE_NOTE = """An open case whose deadline has passed by --as-of is reported as overdue. A step dated
    on a weekend, bank holiday or closure day after its deadline is late, though it counts no more working
    days than the Code allows: the message names the day. A finding is left out only where a cell it relies
    on cannot be read (that cell is its own data finding, CD001)."""
_NO_ACK_NOTE = """Where no acknowledgement is recorded, the response is due {days} working days after the
    acknowledgement was due, so a complaint never acknowledged nor answered is overdue here too once that
    has passed."""


@record_rule(
    id="CR602", name="stage1-ack-late", provision="6.2",
    summary="stage 1 complaint not acknowledged within 5 working days of receipt",
    columns=("received_date", "stage1_ack_date"),
    reads=("accepted", "stage1_response_date", "escalation_requested_date", "stage2_ack_date", "stage2_response_date"),
    rationale=f"""The Code requires every complaint to be acknowledged, defined and logged at stage 1
    within five working days of receipt. Working days exclude weekends, the region's bank holidays
    and configured closures; the day of receipt never counts. Where no acknowledgement date is
    recorded but the stage 1 response was sent within five working days, there is no breach. {_OVERDUE_NOTE}""",
    breach_example="received Fri 20/12/2024, acknowledged Thu 02/01/2025: 6 working days (25 and 26 December are bank holidays)",
    compliant_example="received Fri 20/12/2024, acknowledged Tue 31/12/2024: 5 working days",
)
def stage1_ack_late(cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    check_acknowledgement(STAGE1, cases, ctx, emit, report_overdue=True)


@record_rule(
    id="CR603", name="stage1-response-late", provision="6.3",
    summary="stage 1 response not issued within 10 working days of acknowledgement (or by a recorded extension)",
    columns=("stage1_ack_date", "stage1_response_date"),
    reads=("accepted", "stage1_extended_to", "escalation_requested_date", "stage2_ack_date", "stage2_response_date"),
    rationale=f"""A full stage 1 response is due within 10 working days of the complaint being
    acknowledged. Where an extension is recorded (stage1_extended_to), the response is judged
    against the extended date; whether the extension itself was allowed is rule CR604.
    {_NO_ACK_NOTE.format(days=10)} {_OVERDUE_NOTE}""",
    breach_example="acknowledged Mon 03/06/2024, responded Tue 18/06/2024: 11 working days, no extension",
    compliant_example="acknowledged Mon 03/06/2024, responded Mon 17/06/2024: 10 working days",
)
def stage1_response_late(cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    check_response(STAGE1, cases, ctx, emit)


@record_rule(
    id="CR604", name="stage1-extension-too-long", provision="6.4",
    summary="stage 1 extension of more than 10 working days with no reason recorded",
    columns=("stage1_ack_date", "stage1_extended_to", "stage1_extension_reason"),
    reads=("accepted",),
    rationale="""Any extension to the stage 1 timescale must be no more than 10 working days without
    good reason, and the reason must be clearly explained to the resident. The extension's length is
    counted in working days from the Code's 10-working-day deadline to stage1_extended_to.""",
    breach_example="acknowledged 03/06/2024 (deadline 17/06/2024), extended to 15/07/2024 (20 working days more), no reason recorded",
    compliant_example="extended to 01/07/2024 (10 working days more); or longer with the reason recorded",
)
def stage1_extension_too_long(cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    check_extension_length(STAGE1, cases, ctx, emit)


@record_rule(
    id="CR605", name="stage1-extension-no-ombudsman-details", provision="6.5",
    summary="stage 1 extension without the Ombudsman's contact details",
    columns=("stage1_extended_to", "stage1_extension_ombudsman_details"),
    reads=("accepted",),
    rationale="""When a resident is told of an extension they must be given the Ombudsman's contact
    details. A record that says no is an error; a blank record cannot show it was done and is a warning.""",
    breach_example="stage1_extended_to 01/07/2024, stage1_extension_ombudsman_details = No",
    compliant_example="stage1_extension_ombudsman_details = Yes",
)
def stage1_extension_details(cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    check_extension_details(STAGE1, cases, ctx, emit)


@record_rule(
    id="CR611", name="stage2-ack-late", provision="6.11",
    summary="stage 2 request not acknowledged within 5 working days",
    columns=("escalation_requested_date", "stage2_ack_date"),
    reads=("accepted", "stage2_response_date"),
    rationale="""Requests for stage 2 must be acknowledged, defined and logged within five working
    days of the escalation request being received. An escalation that is still neither acknowledged
    nor refused once this deadline has passed is reported once, by CR511 (5.11).""",
    breach_example="escalation requested Mon 02/09/2024, acknowledged Tue 10/09/2024: 6 working days",
    compliant_example="acknowledged Mon 09/09/2024: 5 working days",
)
def stage2_ack_late(cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    check_acknowledgement(STAGE2, cases, ctx, emit, report_overdue=False)


@record_rule(
    id="CR614", name="stage2-response-late", provision="6.14",
    summary="stage 2 final response not issued within 20 working days of acknowledgement (or by a recorded extension)",
    columns=("stage2_ack_date", "stage2_response_date"),
    reads=("accepted", "escalation_requested_date", "stage2_extended_to"),
    rationale=f"""The final stage 2 response is due within 20 working days of the escalation being
    acknowledged; where an extension is recorded, it is judged against the extended date (whether
    the extension was allowed is rule CR615). {_NO_ACK_NOTE.format(days=20)} {_OVERDUE_NOTE}""",
    breach_example="stage 2 acknowledged Mon 02/09/2024, final response Tue 01/10/2024: 21 working days",
    compliant_example="final response Mon 30/09/2024: 20 working days",
)
def stage2_response_late(cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    check_response(STAGE2, cases, ctx, emit)


@record_rule(
    id="CR615", name="stage2-extension-too-long", provision="6.15",
    summary="stage 2 extension of more than 20 working days with no reason recorded",
    columns=("stage2_ack_date", "stage2_extended_to", "stage2_extension_reason"),
    reads=("accepted", "escalation_requested_date"),
    rationale="""Any extension to the stage 2 timescale must be no more than 20 working days without
    good reason, clearly explained to the resident. Counted in working days from the Code's
    20-working-day deadline to stage2_extended_to.""",
    breach_example="stage 2 deadline 30/09/2024, extended to 15/11/2024 (34 working days more), no reason recorded",
    compliant_example="extended to 28/10/2024 (20 working days more); or longer with the reason recorded",
)
def stage2_extension_too_long(cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    check_extension_length(STAGE2, cases, ctx, emit)


@record_rule(
    id="CR616", name="stage2-extension-no-ombudsman-details", provision="6.16",
    summary="stage 2 extension without the Ombudsman's contact details",
    columns=("stage2_extended_to", "stage2_extension_ombudsman_details"),
    reads=("accepted", "escalation_requested_date", "stage2_ack_date"),
    rationale="""When a resident is told of a stage 2 extension they must be given the Ombudsman's
    contact details. A record that says no is an error; a blank record is a warning.""",
    breach_example="stage2_extended_to 28/10/2024, stage2_extension_ombudsman_details = No",
    compliant_example="stage2_extension_ombudsman_details = Yes",
)
def stage2_extension_details(cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    check_extension_details(STAGE2, cases, ctx, emit)


_TITLES = frozenset("mr mrs ms miss mx dr prof sir dame cllr councillor rev".split())
#: Not a person: placeholders, and teams whose members may differ between stages.
_NOT_A_PERSON = re.compile(
    r"^(n/?a|tbc|tba|unknown|unassigned|none|nil|-+|\?+)$|\b(team|department|dept|unit|service|panel|"
    r"officers?|managers?|centre|center|hub|desk|board|committee|contractor)\b", re.IGNORECASE)


#: What a CR613 finding relies on: the two names and that the complaint was accepted. That it
#: went to stage 2 is shown by a readable escalation or stage 2 acknowledgement date
#: (``Stage.due``); an unreadable other one of the two changes nothing.
_HANDLERS_USE = ("accepted", "stage1_handler", "stage2_handler")


@lru_cache(maxsize=65536)
def _person(name: str) -> tuple[str, ...]:
    """A handler's name as comparable parts: case, spacing, punctuation and titles ignored,
    "Smith, John" read as "John Smith"; () for placeholders and team names."""
    text = " ".join(name.split())
    if not text or _NOT_A_PERSON.search(text):
        return ()
    if "," in text:
        last, _, first = text.partition(",")
        text = f"{first} {last}"
    parts = ["".join(ch for ch in word if ch.isalnum()) for word in text.casefold().split()]
    return tuple(p for p in parts if p and p not in _TITLES)


def _same_by_initial(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """'J Smith' and 'John Smith': the same surname and first initial, one given in full."""
    if len(a) < 2 or len(b) < 2 or a[-1] != b[-1] or a[0][0] != b[0][0]:
        return False
    return len(a[0]) == 1 or len(b[0]) == 1


@record_rule(
    id="CR613", name="same-handler-both-stages", provision="6.13",
    summary="the same person considered the complaint at stage 1 and stage 2",
    columns=("stage1_handler", "stage2_handler"),
    reads=("accepted", "escalation_requested_date", "stage2_ack_date"),
    rationale="""The person considering the complaint at stage 2 must not be the same person that
    considered it at stage 1. Names are compared ignoring case, spacing, punctuation and titles, and
    'Smith, John' is read as 'John Smith': the same name is an error. The same surname and first
    initial with one first name given only as an initial ('J Smith', 'John Smith') may be the same
    person: a warning. Placeholders (N/A, TBC, Unassigned) and team names ('Complaints Team') are not
    compared, and only cases that went to stage 2 are. Names are not shown in the finding.""",
    breach_example="stage1_handler 'Mr J Smith', stage2_handler 'j smith.'",
    compliant_example="stage1_handler 'Jo Patel', stage2_handler 'Sam Okafor'",
)
def same_handler_both_stages(cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    first, second = cases.text("stage1_handler"), cases.text("stage2_handler")
    for i in indexes(STAGE2.due(cases, ctx)):
        a, b = _person(first[i]), _person(second[i])
        if not a or not b:
            continue
        shown = f" ({first[i]!r} and {second[i]!r})" if ctx.show_values else ""
        if "".join(a) == "".join(b):  # "Ben Hughes" and "ben.hughes" too
            emit(i, f"the same person{shown} is recorded as handler at stage 1 and stage 2 "
                    "(stage1_handler and stage2_handler match); stage 2 needs a different person", column="stage2_handler",
                 uses=_HANDLERS_USE)
        elif _same_by_initial(a, b):
            emit(i, f"the stage 1 and stage 2 handlers{shown} have the same surname and first initial: check that "
                    "stage 2 was considered by a different person", severity=Severity.WARNING, column="stage2_handler",
                 uses=_HANDLERS_USE)
