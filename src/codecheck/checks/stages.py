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
from functools import lru_cache

from codecheck.lazy import numpy as np

from codecheck.checks.base import CheckContext, Emit, d, indexes, record_rule, wd
from codecheck.findings import Severity
from codecheck import timeliness
from codecheck.records import CaseBatch
from codecheck.timeliness import STAGE1, STAGE2, Stage, response_deadlines  # noqa: F401  (STAGE1/2 used by other modules)


# -- shared implementations ------------------------------------------------------


def _after_deadline(cal, day: np.datetime64, deadline: np.datetime64, limit: int, since: str,
                    start: np.datetime64) -> str:
    """How a step dated `day`, after its deadline, was late, in words that cannot contradict
    the finding: "02/01/2025, 6 working days after receipt on 20/12/2024; the Code allows 5
    (deadline 31/12/2024)". A step dated on a day off after the deadline counts no more
    working days than the Code allows (the days off are not counted), so it is named
    instead: "on 01/01/2025, a bank holiday, after the deadline of 31/12/2024 (5 working
    days after receipt on 20/12/2024)"."""
    off = cal.day_off(day)
    if off is None:
        return (f"{d(day)}, {wd(cal.count(start, day))} after {since} on {d(start)}; the Code allows {limit} "
                f"(deadline {d(deadline)})")
    return f"on {d(day)}, {off}, after the deadline of {d(deadline)} ({wd(limit)} after {since} on {d(start)})"


def _now_late(cal, deadline: np.datetime64, as_of: np.datetime64) -> str:
    """'now 3 working days late'; as of a day off just after the deadline no working day
    has passed since, and a count of 0 would read as on time."""
    late_by = cal.count(deadline, as_of)
    return f"now {wd(late_by)} late" if late_by else "now past it"


def check_acknowledgement(stage: Stage, cases: CaseBatch, ctx: CheckContext, emit: Emit, *, report_overdue: bool) -> None:
    cal = ctx.calendar
    start, ack, response = cases.dates(stage.start), cases.dates(stage.ack), cases.dates(stage.response)
    step = timeliness.acknowledgement(stage, cases, ctx)
    deadline = step.deadline
    uses = step.reliance.columns
    for i in indexes(step.status == timeliness.LATE):
        if not np.isnat(ack[i]):
            emit(i, "acknowledged " + _after_deadline(cal, ack[i], deadline[i], stage.ack_days, stage.start_words, start[i]),
                 column=stage.ack, uses=uses(i))
        else:
            emit(i, f"no stage {stage.number} acknowledgement recorded, and the response came "
                    + _after_deadline(cal, response[i], deadline[i], stage.ack_days, stage.start_words, start[i])
                    + " for an acknowledgement", column=stage.ack, uses=uses(i))
    if not report_overdue:
        return
    as_of = ctx.as_of64
    moved = stage.moved_on_date(cases)
    for i in indexes(step.status == timeliness.OVERDUE):
        if np.isnat(moved[i]):
            emit(i, f"overdue: not acknowledged as of {d(as_of)}; {stage.start_event} {d(start[i])}, deadline "
                    f"{d(deadline[i])} ({stage.ack_days} working days), {_now_late(cal, deadline[i], as_of)}",
                 column=stage.ack, uses=uses(i))
        else:
            emit(i, f"no stage {stage.number} acknowledgement or response recorded; {stage.start_event} "
                    f"{d(start[i])}, the deadline {d(deadline[i])} had passed when stage 2 was requested on "
                    f"{d(moved[i])}", severity=Severity.WARNING, column=stage.ack, uses=uses(i))


def check_response(stage: Stage, cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    cal = ctx.calendar
    ack, response = cases.dates(stage.ack), cases.dates(stage.response)
    base, extended, deadline = response_deadlines(stage, cases, ctx)
    step = timeliness.response(stage, cases, ctx)
    uses = step.reliance.columns
    ack_due = stage.ack_deadlines(cases, ctx)
    word = "final" if stage.number == 2 else "full"
    for i in indexes(step.status == timeliness.LATE):
        off = cal.day_off(response[i])
        on = f"{d(response[i])}" + (f", {off}," if off else "")
        if np.isnat(ack[i]):
            ext = f", or by the extended deadline {d(extended[i])}" if not np.isnat(extended[i]) else ""
            emit(i, f"{word} stage {stage.number} response issued {on} after its deadline; no acknowledgement is "
                    f"recorded, and counted from the last day it was due ({d(ack_due[i])}) the Code allows "
                    f"{stage.response_days} working days (deadline {d(base[i])}{ext})", column=stage.response, uses=uses(i))
        elif np.isnat(extended[i]):
            emit(i, f"{word} stage {stage.number} response issued "
                    + _after_deadline(cal, response[i], base[i], stage.response_days, "acknowledgement", ack[i])
                    + "; no extension is recorded", column=stage.response, uses=uses(i))
        else:
            late_by = cal.count(extended[i], response[i])
            emit(i, f"{word} stage {stage.number} response issued {on} after the extended deadline {d(extended[i])} "
                    f"({wd(late_by) + ' late; ' if late_by else ''}the Code's deadline was {d(base[i])})",
                 column=stage.response, uses=uses(i))
    as_of = ctx.as_of64
    moved = stage.moved_on_date(cases)
    for i in indexes(step.status == timeliness.OVERDUE):
        ext = f", extended to {d(extended[i])}" if not np.isnat(extended[i]) else ""
        if np.isnat(ack[i]):
            since = (f"no acknowledgement recorded; {stage.start_event} {d(cases.dates(stage.start)[i])}, the "
                     f"acknowledgement was due by {d(ack_due[i])} and the response {stage.response_days} working days "
                     f"after that, by {d(base[i])}{ext}")
        else:
            since = f"acknowledged {d(ack[i])}, deadline {d(base[i])} ({stage.response_days} working days{ext})"
        if np.isnat(moved[i]):
            emit(i, f"overdue: no stage {stage.number} response as of {d(as_of)}; {since}, "
                    f"{_now_late(cal, deadline[i], as_of)}", column=stage.response, uses=uses(i))
        else:
            emit(i, f"no stage {stage.number} response recorded; {since}; the deadline {d(deadline[i])} had passed "
                    f"when stage 2 was requested on {d(moved[i])}", severity=Severity.WARNING, column=stage.response,
                 uses=uses(i))


def _extension_uses(stage: Stage, cases: CaseBatch, i: int, *more: str) -> tuple[str, ...]:
    """An extension finding relies on the extension and the Code's deadline it extends, counted
    from the acknowledgement or, where none is recorded, from the start."""
    counted_from = (stage.start,) if np.isnat(cases.dates(stage.ack)[i]) else ()
    return ("accepted", stage.ack, stage.extended_to) + counted_from + more


def check_extension_length(stage: Stage, cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    base, extended, _ = response_deadlines(stage, cases, ctx)
    length = ctx.calendar.counts(base, extended)
    for i in indexes(stage.due(cases, ctx) & timeliness.extension_too_long(stage, cases, ctx)):
        emit(i, f"stage {stage.number} response deadline extended to {d(extended[i])}, {wd(length[i])} beyond the Code's "
                f"deadline of {d(base[i])}, with no reason recorded; an extension of more than {stage.extension_days} "
                f"working days needs a good reason, explained to the resident", column=stage.extension_reason,
             uses=_extension_uses(stage, cases, i, stage.extension_reason))


def check_extension_details(stage: Stage, cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    _, extended, _ = response_deadlines(stage, cases, ctx)  # a date before the Code's deadline extends nothing
    given = cases.flags(stage.extension_details)
    with_extension = stage.due(cases, ctx) & ~np.isnat(extended)
    for i in indexes(with_extension & (given == 0)):
        emit(i, f"stage {stage.number} extension to {d(extended[i])} recorded without the Ombudsman's contact details "
                f"({stage.extension_details} = no)", column=stage.extension_details,
             uses=_extension_uses(stage, cases, i, stage.extension_details))
    for i in indexes(with_extension & (given == -1)):
        emit(i, f"stage {stage.number} extension to {d(extended[i])}: no record that the Ombudsman's contact details "
                f"were given ({stage.extension_details} is blank)", severity=Severity.WARNING,
             column=stage.extension_details, uses=_extension_uses(stage, cases, i, stage.extension_details))


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
