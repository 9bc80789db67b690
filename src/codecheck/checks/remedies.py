"""Section 7, putting things right: a remedy offer says by when (7.3), and is followed through by
then (7.3)."""

from __future__ import annotations

import re

from codecheck.lazy import numpy as np

from codecheck.checks.base import CheckContext, Emit, d, emit_all, indexes, record_rule
from codecheck.checks.stages import _distinct, _spread, _texts
from codecheck.findings import Severity
from codecheck.records import CaseBatch


@record_rule(
    id="CR703", name="remedy-overdue", provision="7.3",
    summary="a remedy past its due date and not completed",
    columns=("remedy_due_date", "remedy_completed_date"),
    rationale="""The remedy offer must set out what will happen and by when, and any remedy proposed must
    be followed through to completion. A remedy whose due date has passed by --as-of with no completion
    date recorded is overdue.""",
    breach_example="remedy_due_date 31/01/2025, remedy_completed_date blank, as of 30/04/2025",
    compliant_example="remedy_completed_date 28/01/2025",
)
def remedy_overdue(cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    due = cases.dates("remedy_due_date")
    done = cases.dates("remedy_completed_date")
    as_of = ctx.as_of64
    rows = np.flatnonzero(cases.complaints & (due < as_of) & np.isnat(done))
    if not len(rows):
        return
    first, which = _distinct(due[rows])  # one message per due date
    dues = due[rows[first]]
    now = d(as_of)
    messages = [f"remedy due {text} is not recorded as completed as of {now} "
                f"({days} calendar day{'s' if days != 1 else ''} overdue)"
                for text, days in zip(_texts(dues), (as_of - dues).astype(int).tolist())]
    emit_all(emit, rows.tolist(), _spread(messages, which), "remedy_completed_date")


NO_REMEDY = re.compile(r"^(no|none|nil|n/?a|-+|not\s+applicable|no\s+remedy(\s+(offered|due|required|needed))?|"
                       r"nothing(\s+offered)?)\.?$")


def _remedy_agreed(text: str) -> bool:
    value = " ".join(text.lower().split())
    return bool(value) and not NO_REMEDY.search(value)


@record_rule(
    id="CR703B", name="remedy-without-due-date", provision="7.3",
    summary="a remedy recorded with no date by when it is to be done",
    columns=("remedy", "remedy_due_date"),
    reads=("remedy_completed_date",),
    severity=Severity.WARNING,
    rationale="""The remedy offer must clearly set out what will happen and by when. A remedy recorded,
    not yet completed, with no due date gives no 'by when' to hold it to (and rule CR703 cannot tell
    when it is overdue). A remedy of 'none', 'N/A' or 'no remedy' is not a remedy. The remedy itself
    is never shown in the finding.""",
    breach_example="remedy 'Repair the gutter and pay £50', remedy_due_date blank, remedy_completed_date blank",
    compliant_example="remedy_due_date 31/01/2025 (or remedy_completed_date recorded)",
)
def remedy_without_due_date(cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    agreed = cases.per_value("remedy", _remedy_agreed, bool) & ~cases.per_value("remedy", ctx.placeholder, bool)
    done = cases.dates("remedy_completed_date")  # NaT when the column is absent
    for i in indexes(cases.complaints & agreed & np.isnat(cases.dates("remedy_due_date")) & np.isnat(done)):
        emit(i, "a remedy is recorded, not completed, with no remedy_due_date: the offer must say by when it will "
                "be done", column="remedy_due_date")
