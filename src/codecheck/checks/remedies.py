"""Section 7, putting things right: a remedy followed through by when it said (7.3)."""

from __future__ import annotations

import numpy as np

from codecheck.checks.base import CheckContext, Emit, d, indexes, record_rule
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
    for i in indexes(cases.complaints & (due < as_of) & np.isnat(done)):
        days = int((as_of - due[i]).astype(int))
        emit(i, f"remedy due {d(due[i])} is not recorded as completed as of {d(as_of)} "
                f"({days} calendar day{'s' if days != 1 else ''} overdue)", column="remedy_completed_date")
