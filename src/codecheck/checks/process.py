"""Section 5, the complaint handling process: two stages only (5.2, 5.3),
reasonable adjustments kept under review (5.10), escalation not refused without
a reason (5.11)."""

from __future__ import annotations

import datetime as dt
import re
from calendar import monthrange
from functools import lru_cache

from codecheck.lazy import numpy as np

from codecheck.checks.base import CheckContext, Emit, d, emit_all, indexes, record_rule, shown, wd
from codecheck.checks.stages import STAGE2, _texts
from codecheck.findings import Severity
from codecheck.records import CaseBatch

_NUMBER_WORDS = {"zero": 0, "nil": 0, "one": 1, "first": 1, "1st": 1, "i": 1, "two": 2, "second": 2, "2nd": 2,
                 "ii": 2, "final": 2, "three": 3, "third": 3, "3rd": 3, "iii": 3, "four": 4, "fourth": 4, "4th": 4,
                 "iv": 4, "five": 5, "fifth": 5, "5th": 5, "v": 5}
_NUMBER = r"(\d+|zero|nil|one|two|three|four|five|first|second|third|fourth|fifth|final|1st|2nd|3rd|4th|5th|iv|v|iii|ii|i)"
_EXTRA_STAGE = re.compile(r"informal|pre[\s\-]*(complaint|stage)|early\s+resolution\s+stage|^0$")
#: "Stage 2", "stage II", "Independent review (stage 3)": an explicit stage number anywhere wins.
_STAGE_ANYWHERE = re.compile(rf"\b(?:stage|stg|level|tier)\s*{_NUMBER}\b")
#: "2", "S2", "1st stage", "Second stage", "Final": a number at the start.
_STAGE_START = re.compile(rf"^(?:s\s*)?{_NUMBER}\b(?!\s*(?:working|days?|weeks?))")
NOT_A_STAGE = re.compile(r"ombudsman|closed|withdr(aw|ew|awn)|resolved|service\s*request|^n/?a$|^none$|^-$")


@lru_cache(maxsize=4096)
def read_stage(label: str, custom: tuple[tuple[str, int], ...] = ()) -> int | None:
    """The stage a label names: 0 for an extra pre-stage, 1, 2, 3 or more; None if
    unrecognised or not a stage. `custom` maps a landlord's own labels (config
    `stage_labels`), compared ignoring case and spacing."""
    s = " ".join(label.strip().lower().replace("_", " ").split())
    if not s:
        return None
    for name, number in custom:
        if s == name:
            return number
    m = _STAGE_ANYWHERE.search(s)
    if m:
        token = m[1]
        return int(token) if token.isdigit() else _NUMBER_WORDS[token]
    if NOT_A_STAGE.search(s):
        return None
    if _EXTRA_STAGE.search(s):
        return 0
    m = _STAGE_START.match(s)
    if m:
        token = m[1]
        return int(token) if token.isdigit() else _NUMBER_WORDS[token]
    return None


NO_STAGE = -1
"""In :func:`stage_numbers`, a label that names no stage (unrecognised, or not a stage)."""


def stage_numbers(cases: CaseBatch, ctx: CheckContext) -> np.ndarray:
    """The stage each row's label names (int16; NO_STAGE where none), read once per distinct label."""
    custom = tuple((" ".join(k.lower().split()), v) for k, v in ctx.stage_labels.items())
    if not custom:
        return cases.per_value("stage", _stage_number, np.int16)

    def number(label: str) -> int:
        found = read_stage(label, custom)
        return NO_STAGE if found is None else found

    return cases.derived("stage numbers", lambda: cases.per_value("stage", number, np.int16))


def _stage_number(label: str) -> int:
    found = read_stage(label)
    return NO_STAGE if found is None else found


@record_rule(
    id="CR502", name="extra-named-stage", provision="5.2",
    summary="a stage labelled stage 0, informal, pre-complaint or similar",
    columns=("stage",),
    rationale="""Extra named stages such as 'stage 0' or 'informal complaint' are not appropriate: they
    cause confusion and delay. A case recorded at such a stage is a complaint handled outside the
    two-stage process.""",
    breach_example="stage = 'Informal' (or 'Stage 0', 'Pre-complaint')",
    compliant_example="stage = 'Stage 1'",
)
def extra_named_stage(cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    labels = cases.text("stage")
    for i in indexes(cases.complaints & (stage_numbers(cases, ctx) == 0)):
        emit(i, f"recorded at an extra named stage {shown(ctx, 'stage', labels[i], brackets=True)}; the Code allows stage 1 and stage 2 only",
             column="stage")


@record_rule(
    id="CR503", name="third-stage", provision="5.3",
    summary="a case recorded at a third (or later) stage",
    columns=("stage",),
    rationale="""A process with more than two stages is not acceptable under any circumstances: it makes
    the process unduly long and delays access to the Ombudsman. Labels that name the Ombudsman are not
    counted as a stage of the landlord's process.""",
    breach_example="stage = 'Stage 3'",
    compliant_example="stage = 'Stage 2' (stage 2 is the landlord's final response)",
)
def third_stage(cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    labels = cases.text("stage")
    numbers = stage_numbers(cases, ctx)
    for i in indexes(cases.complaints & (numbers >= 3)):
        emit(i, f"recorded at stage {numbers[i]} {shown(ctx, 'stage', labels[i], brackets=True)}; the Code allows two stages, "
                "stage 2 being the final response", column="stage")


NO_ADJUSTMENTS = re.compile(
    r"^(none|n/?a|nil|no|-+|not\s+applicable)\.?$|^(no|none|not)\b.*\b(needed|required|requested|applicable|agreed|identified|asked)\b")


def _adjustments_agreed(text: str) -> bool:
    value = text.strip().lower()
    return bool(value) and not NO_ADJUSTMENTS.search(value)


def _last_active(cases: CaseBatch, ctx: CheckContext) -> np.ndarray:
    """The day a case was last active: --as-of while it is open; its final response once closed (the
    stage 2 response, or the stage 1 response when stage 2 was not asked for)."""
    final = cases.dates("stage2_response_date")
    stage1 = cases.dates("stage1_response_date")
    escalated = ~np.isnat(cases.dates("escalation_requested_date"))
    closed_at = np.where(~np.isnat(final), final, np.where(escalated, np.datetime64("NaT"), stage1))
    return np.where(np.isnat(closed_at), ctx.as_of64, np.minimum(closed_at, ctx.as_of64))


def _months_before(day: np.datetime64, months: int) -> np.datetime64:
    """The same day `months` calendar months earlier (the month's last day where it has no such day)."""
    when = day.astype(dt.date)
    year, month = divmod(when.year * 12 + when.month - 1 - months, 12)
    last = monthrange(year, month + 1)[1]
    return np.datetime64(dt.date(year, month + 1, min(when.day, last)), "D")


def _months_before_each(days: np.ndarray, months: int) -> np.ndarray:
    """:func:`_months_before` of each of `days` (none NaT), over the array."""
    month = days.astype("datetime64[M]")
    into = days - month.astype("datetime64[D]")  # days into its month
    target = month - np.timedelta64(months, "M")
    first = target.astype("datetime64[D]")
    length = (target + np.timedelta64(1, "M")).astype("datetime64[D]") - first
    return first + np.minimum(into, length - np.timedelta64(1, "D"))


@record_rule(
    id="CR510", name="adjustments-not-reviewed", provision="5.10",
    summary="reasonable adjustments agreed but no review recorded, or none for longer than the review period",
    columns=("reasonable_adjustments", "adjustments_review_date"),
    reads=("stage1_response_date", "escalation_requested_date", "stage2_response_date"),
    severity=Severity.WARNING,
    rationale="""Landlords must keep a record of reasonable adjustments agreed and keep them under active
    review. An adjustment recorded with no review date gives no evidence of review; one whose last review
    is older than the review period (adjustments_review_months in codecheck.yaml, 12 by default) when the
    case was last active (--as-of while it is open, its final response once closed) gives no evidence
    that the review is active. The adjustment itself is never shown in the finding.""",
    breach_example="reasonable_adjustments 'Large print letters', adjustments_review_date blank (or 01/10/2022 for a case open in 2025)",
    compliant_example="reasonable_adjustments 'Large print letters', adjustments_review_date 01/10/2024",
)
def adjustments_not_reviewed(cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    agreed = cases.complaints & cases.per_value("reasonable_adjustments", _adjustments_agreed, bool)
    reviewed = cases.dates("adjustments_review_date")
    rows = indexes(agreed & np.isnat(reviewed))
    emit_all(emit, rows, ["reasonable adjustments are recorded but no review of them is (adjustments_review_date is "
                          "blank)"] * len(rows), "adjustments_review_date")
    months = ctx.review_months
    active = _last_active(cases, ctx)
    old = np.flatnonzero(agreed & ~np.isnat(reviewed))
    old = old[reviewed[old] < _months_before_each(active[old], months)]
    if not len(old):
        return
    open_ = (active[old] == ctx.as_of64).tolist()
    messages = [f"reasonable adjustments last reviewed {last}, more than {months} months before "
                f"{'as of' if still else 'when the case closed on'} {at}: no sign they are kept under active review"
                for last, at, still in zip(_texts(reviewed[old]), _texts(active[old]), open_)]
    emit_all(emit, old.tolist(), messages, "adjustments_review_date")


@record_rule(
    id="CR511", name="escalation-not-progressed", provision="5.11",
    summary="stage 2 requested but neither acknowledged nor refused with a reason",
    columns=("escalation_requested_date", "stage2_ack_date", "escalation_refused_reason"),
    reads=("accepted", "stage2_response_date"),
    rationale="""Landlords must not refuse to escalate a complaint unless they have valid reasons, and
    must set them out. An escalation request with no stage 2 acknowledgement, no stage 2 response and no
    refusal reason (or only a placeholder such as 'N/A' or 'TBC'), once the 5 working days of 6.11
    have passed, has been refused in effect without reasons. (Reported here only, not also under 6.11.)""",
    breach_example="escalation requested 02/09/2024; no stage2_ack_date, no stage2_response_date, no escalation_refused_reason as of 30/04/2025",
    compliant_example="stage 2 acknowledged 05/09/2024, or escalation_refused_reason recorded",
)
def escalation_not_progressed(cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    requested = cases.dates("escalation_requested_date")
    nothing = np.isnat(cases.dates("stage2_ack_date")) & np.isnat(cases.dates("stage2_response_date"))
    deadline = STAGE2.ack_deadlines(cases, ctx)  # of escalation_requested_date, once per batch
    as_of = ctx.as_of64
    stuck = (cases.accepted & ~np.isnat(requested) & nothing & cases.no_reason("escalation_refused_reason", ctx.placeholder)
             & ~STAGE2.withdrawn(cases) & (deadline < as_of))
    late_by = ctx.calendar.counts(deadline, np.full(len(cases), as_of))
    for i in indexes(stuck):
        late = f"now {wd(late_by[i])} late" if late_by[i] > 0 else "now past it"  # --as-of a day off after it
        emit(i, f"stage 2 requested {d(requested[i])} but, as of {d(as_of)}, neither acknowledged at stage 2 nor refused "
                f"with a reason; acknowledgement was due by {d(deadline[i])} (6.11), {late}",
             column="stage2_ack_date")
