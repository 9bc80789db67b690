"""Section 2, exclusions: refusing a complaint needs a reason (2.1), a complaint
within 12 months of the issue is not out of time (2.3), and a refusal tells the
resident of their right to go to the Ombudsman (2.4)."""

from __future__ import annotations

import re

from codecheck.lazy import numpy as np

from codecheck.checks.base import CheckContext, Emit, emit_all, indexes, record_rule
from codecheck.checks.process import _months_before_each
from codecheck.checks.stages import _texts
from codecheck.records import CaseBatch

_NUMBER = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|twenty[\s\-]*four)"
OUT_OF_TIME = re.compile(
    r"out\s*of\s*time|time[\s\-]*(limit|barred|bar)\b|outside\s+(of\s+)?(the\s+|our\s+)?(time|timescale|timeframe|deadline)"
    rf"|late\s+complaint|too\s+late|{_NUMBER}\s*months?|over\s+a\s+year|more\s+than\s+a\s+year|\bhistoric(al)?\b"
    r"|older\s+than",
    re.IGNORECASE,
)
#: Other exclusions the Code accepts (2.2): a refusal on these grounds is not a
#: time-limit refusal even when its reason mentions a period of time.
OTHER_GROUNDS = re.compile(
    r"legal\s+proceedings|court|claim\s+(form|issued|filed)|solicitor|previously\s+considered|already\s+(been\s+)?"
    r"(considered|investigated|dealt)|insurance|disrepair\s+claim",
    re.IGNORECASE,
)


def _refused(cases: CaseBatch) -> np.ndarray:
    return cases.complaints & (cases.flags("accepted") == 0)


@record_rule(
    id="CR201", name="refusal-without-reason", provision="2.1",
    summary="complaint not accepted with no reason recorded",
    columns=("accepted", "refusal_reason"),
    rationale="""Landlords must accept a complaint unless there is a valid reason not to, and must be
    able to evidence their reasoning. A case marked not accepted with no refusal reason cannot show it;
    nor can a placeholder ('N/A', 'TBC', '-', 'unknown': the `placeholders:` list in codecheck.yaml).""",
    breach_example="accepted = No, refusal_reason blank (or 'N/A')",
    compliant_example="accepted = No, refusal_reason 'Legal proceedings have started (claim filed 02/05/2024)'",
)
def refusal_without_reason(cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    refused = _refused(cases)
    rows = indexes(refused & cases.blank("refusal_reason"))
    emit_all(emit, rows, ["complaint not accepted (accepted = no) but no refusal_reason is recorded"] * len(rows),
             "refusal_reason")
    reasons = cases.text("refusal_reason")
    for i in indexes(refused & ~cases.blank("refusal_reason") & cases.no_reason("refusal_reason", ctx.placeholder)):
        emit(i, f"complaint not accepted (accepted = no) and refusal_reason holds only {reasons[i].strip()!r}, "
                "which is not a reason (placeholders: in codecheck.yaml)", column="refusal_reason")


def _time_limit(reason: str) -> bool:
    """A refusal reason that is a time limit, and names no other ground the Code accepts."""
    return OUT_OF_TIME.search(reason) is not None and OTHER_GROUNDS.search(reason) is None


@record_rule(
    id="CR203", name="refused-out-of-time-within-12-months", provision="2.3",
    summary="refused as out of time although received within 12 months of the issue",
    columns=("accepted", "refusal_reason", "issue_date"),
    rationale="""Landlords must accept complaints referred within 12 months of the issue occurring or of
    the resident becoming aware of it (issue_date), unless excluded on other grounds. A refusal whose
    reason is a time limit ('out of time', '12 months', 'outside our timescale', a local six-month limit...)
    for a complaint received within 12 months of issue_date is a breach. A reason that names another
    ground the Code accepts (legal proceedings, previously considered) is not read as a time limit.""",
    breach_example="issue_date 10/01/2024, received 03/06/2024, refused 'Out of time - over 12 months'",
    compliant_example="issue_date 01/11/2022, received 01/05/2024, refused as out of time",
)
def refused_out_of_time(cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    issue, received = cases.dates("issue_date"), cases.dates("received_date")
    time_limit = cases.per_value("refusal_reason", _time_limit, bool)  # once per distinct reason
    rows = np.flatnonzero(_refused(cases) & ~np.isnat(issue) & time_limit)
    limits = _months_before_each(issue[rows], -12)  # twelve months after (a 29 February's: the 28th)
    rows, limits = rows[received[rows] <= limits], limits[received[rows] <= limits]  # NaT received: never
    messages = [f"refused as out of time, but received {r}, within 12 months of the issue on {i} (time limit {t})"
                for r, i, t in zip(_texts(received[rows]), _texts(issue[rows]), _texts(limits))]
    emit_all(emit, rows.tolist(), messages, "refusal_reason")


@record_rule(
    id="CR204", name="refusal-not-signposted", provision="2.4",
    summary="refusal without telling the resident of their right to go to the Ombudsman",
    columns=("accepted", "refusal_ombudsman_signposted"),
    rationale="""If a landlord decides not to accept a complaint, it must explain why and tell the
    resident of their right to take that decision to the Ombudsman. A record that says no is an error;
    a blank record cannot show it was done and is a warning.""",
    breach_example="accepted = No, refusal_ombudsman_signposted = No",
    compliant_example="accepted = No, refusal_ombudsman_signposted = Yes",
)
def refusal_not_signposted(cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
    told = cases.flags("refusal_ombudsman_signposted")
    refused = _refused(cases)
    said_no, blank = indexes(refused & (told == 0)), indexes(refused & (told == -1))
    emit_all(emit, said_no, [_NOT_TOLD] * len(said_no), "refusal_ombudsman_signposted")
    emit_all(emit, blank, [_NOT_RECORDED] * len(blank), "refusal_ombudsman_signposted", warn=[True] * len(blank))


_NOT_TOLD = ("complaint not accepted and the resident was not told of the right to take the decision to the "
             "Ombudsman (refusal_ombudsman_signposted = no)")
_NOT_RECORDED = ("complaint not accepted: no record that the resident was told of the right to take the decision to "
                 "the Ombudsman (refusal_ombudsman_signposted is blank)")
