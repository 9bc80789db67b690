"""Findings about the records themselves (no Code provision): values that cannot
be read, dates in an impossible order, duplicate case ids, rows that cannot be
checked. They matter because every rule above relies on the record (5.12)."""

from __future__ import annotations

import re

from codecheck.lazy import numpy as np

from codecheck.checks.base import CheckContext, Emit, d, indexes, record_rule, shown
from codecheck.checks.process import NO_STAGE, stage_numbers
from codecheck.columns import DATE_COLUMNS, YES_NO_COLUMNS
from codecheck.findings import Severity
from codecheck.records import CaseBatch

WARN = Severity.WARNING




def _broken(cases: CaseBatch) -> set[int]:
    """Rows whose fields cannot be trusted (a field count unlike the header's: the values are shifted):
    each is one CD004 finding, and no other finding is about the values in it."""
    return set(cases.ragged) | set(getattr(cases, "broken", ()))


_WHOLE_COLUMN = 3
"""A typed column with at least this many non-blank cells and not one of them readable is
reported once, as a column (most likely mapped to the wrong header), not cell by cell."""
_HELD_BACK = 10_000
"""Cells of a column held back (per file) until the column shows a readable value; past this,
only counted: bounded memory however long the file."""


class _HeldBack:
    """Findings a rule holds back until the end of the file (when it may report them as one),
    keeping at most ``_HELD_BACK`` of them and counting the rest."""

    __slots__ = ("held", "count")

    def __init__(self) -> None:
        self.held: list[tuple[int, str | None, str]] = []  # (line, case id, message)
        self.count = 0

    def hold(self, line: int, case_id: str | None, message: str) -> None:
        self.count += 1
        if len(self.held) < _HELD_BACK:
            self.held.append((line, case_id, message))

    def release(self, emit_at, column: str, more: str) -> None:
        """Report the held findings one by one; those only counted are one more finding, `more`
        being what they are ("N more ..." is put before it)."""
        for line, case_id, message in self.held:
            emit_at(line, message, case_id=case_id, column=column)
        if self.count > len(self.held):
            emit_at(self.held[-1][0], f"{self.count - len(self.held)} more {more}", column=column)


class _ColumnSoFar(_HeldBack):
    """A typed column's unreadable cells before its first readable value."""

    __slots__ = ("readable", "first", "last", "serials", "example")

    def __init__(self) -> None:
        super().__init__()
        self.readable = False
        self.first = self.last = 0
        self.example = ""
        self.serials = 0
        """Cells holding a number such as 45678: an Excel date serial, saved to CSV as a number."""


_EXCEL_SERIAL = re.compile(r"(?:[2-7]\d{4})(?:\.\d+)?$")
"""An Excel day number of the years 1954 to 2173 (20000-79999), with a time as a fraction."""


def _excel_day(serial: str) -> str:
    """The day an Excel (1900 system) day number stands for, as messages write dates."""
    from codecheck.readers.cases_xlsx import excel_serial_to_date  # the workbook reader's own reading

    return d(excel_serial_to_date(float(serial)))


def _unreadable_found(ctx: CheckContext, emit_at) -> None:
    """At the end of the file: a column never readable is one finding; a column that became
    readable gets the findings held back for its first cells."""
    for column, so_far in ctx.state.get("unreadable", {}).items():
        if not so_far.count:
            continue
        if not so_far.readable and so_far.count >= _WHOLE_COLUMN and so_far.serials == so_far.count:
            emit_at(ctx.header_row,
                    f"{column} (header {ctx.headers.get(column, column)!r}) holds numbers, not dates, in its "
                    f"{so_far.count} non-blank cells (rows {so_far.first}-{so_far.last}): Excel's day numbers "
                    f"({so_far.example!r} is {_excel_day(so_far.example)}), saved to CSV from cells formatted as "
                    "numbers. Format the column as a date in Excel and save again (or give codecheck the .xlsx, "
                    "which it reads as dates)", column=column)
            continue
        if not so_far.readable and so_far.count >= _WHOLE_COLUMN:
            header = ctx.headers.get(column, column)
            kind = "dates" if column in DATE_COLUMNS else "yes/no values"
            emit_at(ctx.header_row,
                    f"{column} is read from the header {header!r}, whose {so_far.count} non-blank cells (rows "
                    f"{so_far.first}-{so_far.last}) hold no readable {kind}: is the column mapped to the right header? "
                    "(columns: in codecheck.yaml; `codecheck columns` says what each column holds)", column=column)
            continue
        so_far.release(emit_at, column, f"cells of {column} after this one, before the first readable one, "
                                        "cannot be read either")


@record_rule(
    id="CD001", name="unreadable-value", provision=None, severity=WARN,
    summary="a date or yes/no value that cannot be read",
    rationale="""A date or yes/no cell that cannot be read leaves the rules that need it blind for that
    case. Dates are read day-first (01/05/2024 is 1 May) unless the configuration says
    date_order: mdy; yes/no accepts yes, no, y, n, true, false, 1, 0, ticks and crosses, and words such as
    accepted / not accepted or given / not given (`codecheck columns` lists them). The row's other rules still run.
    A column in which no cell at all can be read is reported once, at its header: it is most likely
    mapped to the wrong header.""",
    breach_example="stage1_ack_date '31/02/2024' (no such date); accepted 'maybe'",
    compliant_example="stage1_ack_date '28/02/2024'; accepted 'Yes'",
    finish=_unreadable_found,
)
def unreadable_value(cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    cases.parse_all()
    columns: dict[str, _ColumnSoFar] = ctx.state.setdefault("unreadable", {})
    by_column: dict[str, list] = {}
    for cell in cases.unreadable:
        by_column.setdefault(cell.column, []).append(cell)
    broken = _broken(cases)
    for column in DATE_COLUMNS + YES_NO_COLUMNS:
        if not cases.has(column):
            continue
        so_far = columns.setdefault(column, _ColumnSoFar())
        cells = sorted((u for u in by_column.get(column, ()) if u.index not in broken), key=lambda u: u.index)
        if not so_far.readable and int((~cases.blank(column)).sum()) > len(cells):
            so_far.readable = True  # from here on, each cell is its own finding
        for cell in cells:
            message = f"{column} {shown(ctx, column, cases.cell(column, cell.index))} {cell.why}"
            if so_far.readable:
                emit(cell.index, message, column=column)
                continue
            line = cases.rows[cell.index]
            value = cases.cell(column, cell.index).strip()
            if column in DATE_COLUMNS and _EXCEL_SERIAL.match(value):
                so_far.serials += 1
                so_far.example = so_far.example or value
            so_far.first = so_far.first or line
            so_far.last = line
            so_far.hold(line, cases.cell("case_id", cell.index) or None, message)


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


_SWAPPED_SHARE, _SWAPPED_AT_LEAST = 0.5, 5
"""A pair of columns the wrong way round in more than half the rows that have both (and in at least
5) is one warning that the columns look swapped, not a finding per row."""


class _PairSoFar(_HeldBack):
    """Rows of a file that have both dates of a pair, and those in the wrong order (held back)."""

    __slots__ = ("both",)

    def __init__(self) -> None:
        super().__init__()
        self.both = 0


def _named(ctx: CheckContext, column: str) -> str:
    """A column, with the export's header for it when that differs."""
    header = ctx.headers.get(column, column)
    return column if header.strip() == column else f"{column} (header {header!r})"


def _date_order_found(ctx: CheckContext, emit_at) -> None:
    for (earlier, later), so_far in ctx.state.get("date order", {}).items():
        if not so_far.count:
            continue
        if so_far.count >= _SWAPPED_AT_LEAST and so_far.count > _SWAPPED_SHARE * so_far.both:
            emit_at(ctx.header_row,
                    f"{so_far.count} of the {so_far.both} rows with both dates put {_named(ctx, later)} before "
                    f"{_named(ctx, earlier)}: "
                    "are the two columns swapped in the mapping (columns: in codecheck.yaml)? The timescales read "
                    "from them are unreliable until this is put right", column=later)
            continue
        so_far.release(emit_at, later, f"rows after this one put {later} before {earlier}")


@record_rule(
    id="CD002", name="impossible-date-order", provision=None, severity=WARN,
    summary="dates in an impossible order, or events dated after --as-of",
    rationale="""A case acknowledged before it was received, or responded to before it was acknowledged,
    has a wrong date; every timescale computed from it is unreliable until it is corrected. When most
    rows put a pair the wrong way round, one warning says the columns look swapped. An event
    (receipt, acknowledgement, response) dated after --as-of has not happened yet.""",
    breach_example="received_date 10/06/2024, stage1_ack_date 07/06/2024",
    compliant_example="received_date 07/06/2024, stage1_ack_date 10/06/2024",
    finish=_date_order_found,
)
def impossible_date_order(cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    rows = cases.checkable
    pairs: dict[tuple[str, str], _PairSoFar] = ctx.state.setdefault("date order", {})
    for earlier, later, meaning in ORDER:
        if not (cases.has(earlier) and cases.has(later)):
            continue
        a, b = cases.dates(earlier), cases.dates(later)
        so_far = pairs.setdefault((earlier, later), _PairSoFar())
        so_far.both += int((rows & ~np.isnat(a) & ~np.isnat(b)).sum())
        for i in indexes(rows & (b < a)):
            so_far.hold(cases.rows[i], cases.cell("case_id", i) or None, f"{meaning}: {later} {d(b[i])} is before {earlier} {d(a[i])}")
    as_of = ctx.as_of64
    for column in EVENTS:
        if cases.has(column):
            when = cases.dates(column)
            for i in indexes(rows & (when > as_of)):
                emit(i, f"{column} {d(when[i])} is after the date the records are judged on ({d(as_of)}; see --as-of)",
                     column=column)


def duplicates_found(ctx: CheckContext, emit_at) -> None:
    """One finding per duplicated id, at its second row, with how many rows share it.

    The ids are found at the end of the file, over all of them at once: their hashes sorted
    (numpy; a plain sort, far cheaper than an order of a million rows), and only the rows whose
    hash recurs compared as text, in the file's order (issue 16: a dict of a million ids cost
    three look-ups in a large table per row)."""
    batches = ctx.state.get("case ids", [])
    if not batches:
        return
    hashes = np.concatenate([h for _, _, h in batches])
    ordered = np.sort(hashes)
    recurring = ordered[1:][ordered[1:] == ordered[:-1]]
    if not len(recurring):
        return
    at = np.flatnonzero(np.isin(hashes, recurring))  # rows whose hash recurs, in file order
    starts = np.cumsum([0] + [len(ids) for ids, _, _ in batches])
    which = np.searchsorted(starts, at, side="right") - 1
    rows_by_id: dict[str, list[int]] = {}  # in the order the ids first appear
    stages_by_id: dict[str, dict[int, int]] = {}  # the line of each stage the id's rows name
    stages_by_batch = ctx.state.get("case id stages") or [None] * len(batches)
    for k, offset in zip(which.tolist(), (at - starts[which]).tolist()):
        ids, rows, _ = batches[k]
        rows_by_id.setdefault(ids[offset], []).append(rows[offset])
        stages = stages_by_batch[k]
        if stages is not None:
            stages_by_id.setdefault(ids[offset], {}).setdefault(int(stages[offset]), rows[offset])
    split = []  # ids on a stage 1 row and a stage 2 row: an export of one row per stage
    for case_id, rows in rows_by_id.items():
        if len(rows) < 2:  # another id with the same hash
            continue
        stages = stages_by_id.get(case_id, ())
        if 1 in stages and 2 in stages:
            split.append((case_id, stages[1], stages[2]))
        first, also, more = rows[0], rows[1], len(rows) - 2
        others = f" and {more} other row{'s' if more != 1 else ''}" if more else ""
        emit_at(also, f"case id also used on line {first}{others}", case_id=case_id, column="case_id")
    if split and (len(split) >= 2 or len(split) == sum(len(rows) > 1 for rows in rows_by_id.values())):
        ctx.state["one row per stage"] = (split[0], len(split))


@record_rule(
    id="CD003", name="duplicate-case-id", provision=None, severity=WARN,
    summary="a case id used by more than one row",
    rationale="""Each complaint needs its own reference (5.12: a full record of each complaint). Two rows
    with one case id are either a duplicated export or two complaints sharing a reference; either way
    counts and findings for that id are unreliable. Reported once per id, at its second row, with the
    number of rows sharing it (an export of one row repeated a million times is one finding).""",
    breach_example="CMP-2024-0107 on rows 110 and 254",
    compliant_example="every row has its own case_id",
    finish=duplicates_found,
)
def duplicate_case_id(cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    # Each batch's ids (with their lines and hashes): the duplicates are found at the end of the
    # file (duplicates_found), so that each id is one finding however often it recurs.
    rows = cases.rows
    broken = _broken(cases)
    ids = cases.text("case_id")
    kept: list[int] = []
    if broken or "" in ids:
        kept = [i for i, case_id in enumerate(ids) if case_id and i not in broken]
        ids, rows = [ids[i] for i in kept], [rows[i] for i in kept]
    if ids:
        hashes = np.fromiter(map(hash, ids), dtype=np.int64, count=len(ids))
        ctx.state.setdefault("case ids", []).append((ids, list(rows), hashes))
        # the stage each row names: two rows of one id at stage 1 and stage 2 are one row per stage
        stages = stage_numbers(cases, ctx) if cases.has("stage") else None
        if stages is not None and len(stages) != len(ids):
            stages = stages[kept]
        ctx.state.setdefault("case id stages", []).append(stages)


@record_rule(
    id="CD004", name="row-not-checked", provision=None, severity=WARN,
    summary="a row that cannot be checked: no case id, no readable received date, or a broken row",
    rationale="""Every Code timescale starts from the date a complaint was received, and every finding
    names the case. A row without them, or whose number of fields differs from the header's (often an
    unquoted comma that shifts the columns), is not checked by the other rules; this finding says so
    rather than skipping it in silence. So is a row that cannot be read as a record at all: a quote
    opened and never closed (which would otherwise swallow the rows after it; reading restarts at the
    next line that is a whole row, and the lines between belong to the damaged row), or a NUL byte.
    The finding names the lines, never what they hold.""",
    breach_example="a row with a blank case_id; a row with 35 fields under a 36-column header; "
                   "'C-12,20/12/2024,\"Repairs' with no closing quote",
    compliant_example="case_id and received_date filled in, one field per header, every quote closed",
)
def row_not_checked(cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    received = cases.dates("received_date")
    for i in indexes(~cases.checkable):
        if i in cases.broken:
            why = cases.broken[i]
        elif i in cases.ragged:
            n = cases.ragged[i]
            why = f"it has {n} field{'s' if n != 1 else ''} but the header has {cases.header_fields}"
        elif not cases.cell("case_id", i):
            why = "case_id is blank"
        elif np.isnat(received[i]) and not cases.cell("received_date", i):
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
    for i in indexes(cases.checkable & (types == -1)):
        emit(i, f"record_type {shown(ctx, 'record_type', cases.cell('record_type', i))} is not complaint or service_request; "
                "the row is not checked as a complaint", column="record_type")
    if not cases.has("stage"):
        return
    from codecheck.checks.process import NOT_A_STAGE

    unnamed = stage_numbers(cases, ctx) == NO_STAGE
    for i in indexes(cases.complaints & unnamed & ~cases.blank("stage")):
        label = cases.cell("stage", i)
        if not NOT_A_STAGE.search(" ".join(label.lower().split())):
            emit(i, f"stage {shown(ctx, 'stage', label)} is not recognised as stage 1 or stage 2", column="stage")
