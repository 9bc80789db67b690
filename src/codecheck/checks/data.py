"""Findings about the records themselves (no Code provision): values that cannot
be read, dates in an impossible order, duplicate case ids, rows that cannot be
checked. They matter because every rule above relies on the record (5.12)."""

from __future__ import annotations

import numpy as np

from codecheck.checks.base import CheckContext, Emit, d, indexes, record_rule, shown
from codecheck.checks.process import NO_STAGE, stage_numbers
from codecheck.findings import Severity
from codecheck.records import CaseBatch

WARN = Severity.WARNING




@record_rule(
    id="CD001", name="unreadable-value", provision=None, severity=WARN,
    summary="a date or yes/no value that cannot be read",
    rationale="""A date or yes/no cell that cannot be read leaves the rules that need it blind for that
    case. Dates are read day-first (01/05/2024 is 1 May) unless the configuration says
    date_order: mdy; yes/no accepts yes, no, y, n, true, false, 1, 0. The row's other rules still run.""",
    breach_example="stage1_ack_date '31/02/2024' (no such date); accepted 'maybe'",
    compliant_example="stage1_ack_date '28/02/2024'; accepted 'Yes'",
)
def unreadable_value(cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    cases.parse_all()
    for cell in sorted(cases.unreadable, key=lambda u: (u.index, u.column)):
        value = cases.text(cell.column)[cell.index]
        emit(cell.index, f"{cell.column} {shown(ctx, cell.column, value)} {cell.why}", column=cell.column)


#: (earlier, later, what the pair means): the later must not come before the earlier.
ORDER = (
    ("issue_date", "received_date", "the complaint was received before the issue it is about"),
    ("received_date", "stage1_ack_date", "acknowledged before it was received"),
    ("received_date", "stage1_response_date", "stage 1 response before the complaint was received"),
    ("stage1_ack_date", "stage1_response_date", "stage 1 response before the acknowledgement"),
    ("stage1_ack_date", "stage1_extended_to", "stage 1 extended to a date before the acknowledgement"),
    ("received_date", "escalation_requested_date", "escalation requested before the complaint was received"),
    ("escalation_requested_date", "stage2_ack_date", "stage 2 acknowledged before escalation was requested"),
    ("stage2_ack_date", "stage2_response_date", "stage 2 response before the stage 2 acknowledgement"),
    ("stage2_ack_date", "stage2_extended_to", "stage 2 extended to a date before the stage 2 acknowledgement"),
    ("stage1_response_date", "stage2_response_date", "stage 2 response before the stage 1 response"),
)
#: Events that cannot have happened after the day the records are judged on.
EVENTS = ("received_date", "stage1_ack_date", "stage1_response_date", "escalation_requested_date",
          "stage2_ack_date", "stage2_response_date", "remedy_completed_date", "adjustments_review_date",
          "ombudsman_referral_date")


@record_rule(
    id="CD002", name="impossible-date-order", provision=None, severity=WARN,
    summary="dates in an impossible order, or events dated after --as-of",
    rationale="""A case acknowledged before it was received, or responded to before it was acknowledged,
    has a wrong date; every timescale computed from it is unreliable until it is corrected. An event
    (receipt, acknowledgement, response) dated after --as-of has not happened yet.""",
    breach_example="received_date 10/06/2024, stage1_ack_date 07/06/2024",
    compliant_example="received_date 07/06/2024, stage1_ack_date 10/06/2024",
)
def impossible_date_order(cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    rows = cases.checkable
    for earlier, later, meaning in ORDER:
        if not (cases.has(earlier) and cases.has(later)):
            continue
        a, b = cases.dates(earlier), cases.dates(later)
        for i in indexes(rows & (b < a)):
            emit(i, f"{meaning}: {later} {d(b[i])} is before {earlier} {d(a[i])}", column=later)
    as_of = ctx.as_of64
    for column in EVENTS:
        if cases.has(column):
            when = cases.dates(column)
            for i in indexes(rows & (when > as_of)):
                emit(i, f"{column} {d(when[i])} is after the date the records are judged on ({d(as_of)}; see --as-of)",
                     column=column)


@record_rule(
    id="CD003", name="duplicate-case-id", provision=None, severity=WARN,
    summary="a case id used by more than one row",
    rationale="""Each complaint needs its own reference (5.12: a full record of each complaint). Two rows
    with one case id are either a duplicated export or two complaints sharing a reference; either way
    counts and findings for that id are unreliable.""",
    breach_example="CMP-2024-0107 on rows 110 and 254",
    compliant_example="every row has its own case_id",
)
def duplicate_case_id(cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    seen: dict[str, int] = ctx.state.setdefault("case_ids", {})
    for i, case_id in enumerate(cases.text("case_id")):
        if not case_id:
            continue
        first = seen.setdefault(case_id, cases.rows[i])
        if first != cases.rows[i]:
            emit(i, f"case id also used on line {first}", column="case_id")


@record_rule(
    id="CD004", name="row-not-checked", provision=None, severity=WARN,
    summary="a row that cannot be checked: no case id, no readable received date, or a broken row",
    rationale="""Every Code timescale starts from the date a complaint was received, and every finding
    names the case. A row without them, or whose number of fields differs from the header's (often an
    unquoted comma that shifts the columns), is not checked by the other rules; this finding says so
    rather than skipping it in silence.""",
    breach_example="a row with a blank case_id; a row with 35 fields under a 36-column header",
    compliant_example="case_id and received_date filled in, one field per header",
)
def row_not_checked(cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    ids = cases.text("case_id")
    received = cases.dates("received_date")
    received_text = cases.text("received_date")
    for i in indexes(~cases.checkable):
        if i in cases.ragged:
            why = f"it has {cases.ragged[i]} fields but the header has {cases.header_fields}"
        elif not ids[i]:
            why = "case_id is blank"
        elif np.isnat(received[i]) and not received_text[i]:
            why = "received_date is blank"
        else:
            why = "received_date cannot be read"
        emit(i, f"row not checked by the Code rules: {why}")


@record_rule(
    id="CD005", name="unrecognised-label", provision=None, severity=WARN,
    summary="a record_type or stage label that is not recognised",
    rationale="""record_type must say complaint or service_request (blank means complaint); a row of
    another type is not checked as a complaint. A stage label must name stage 1 or stage 2 ('1',
    'Stage 2', 'stage one', 'Stage II'...); extra or third stages are rules CR502 and CR503. Labels naming the
    Ombudsman, closed or withdrawn are accepted as not being a stage. A landlord's own labels can be
    mapped in codecheck.yaml: `stage_labels: {"Formal": 1, "Review": 2}`.""",
    breach_example="record_type 'Enquiry'; stage 'Review panel'",
    compliant_example="record_type 'service_request'; stage 'Stage 2'",
)
def unrecognised_label(cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    types = cases.record_types
    type_text = cases.text("record_type")
    for i in indexes(cases.checkable & (types == -1)):
        emit(i, f"record_type {shown(ctx, 'record_type', type_text[i])} is not complaint or service_request; "
                "the row is not checked as a complaint", column="record_type")
    if not cases.has("stage"):
        return
    from codecheck.checks.process import NOT_A_STAGE

    labels = cases.text("stage")
    unnamed = stage_numbers(cases, ctx) == NO_STAGE
    for i in indexes(cases.complaints & unnamed & ~cases.blank("stage")):
        label = labels[i]
        if not NOT_A_STAGE.search(" ".join(label.lower().split())):
            emit(i, f"stage {shown(ctx, 'stage', label)} is not recognised as stage 1 or stage 2", column="stage")
