"""The canonical case-record columns (`codecheck columns` and docs/columns.md list them).

Only ``case_id`` and ``received_date`` are required; a rule whose columns are
absent from a file is reported as not evaluated, never as passed.
"""

from __future__ import annotations

import re

DATE, YES_NO, TEXT = "date", "yes/no", "text"

#: canonical name -> (type, the Code provision it serves, meaning)
COLUMNS: dict[str, tuple[str, str, str]] = {
    "case_id": (TEXT, "5.12", "the landlord's reference"),
    "record_type": (TEXT, "1.4", "complaint / service_request (blank = complaint)"),
    "received_date": (DATE, "5.12, 6.2", "complaint received"),
    "issue_date": (DATE, "2.3", "issue occurred, or the resident became aware of it"),
    "category": (TEXT, "9.7", "area of dissatisfaction"),
    "stage": (TEXT, "5.2, 5.3", "the stage label as the export writes it"),
    "accepted": (YES_NO, "2.1", "blank = yes"),
    "refusal_reason": (TEXT, "2.1, 2.3", "why a complaint was not accepted"),
    "refusal_ombudsman_signposted": (YES_NO, "2.4", "refusal told the resident of the right to go to the Ombudsman"),
    "stage1_ack_date": (DATE, "6.2", "acknowledged, defined and logged at stage 1"),
    "stage1_definition": (TEXT, "5.6", "the complaint definition was recorded"),
    "stage1_handler": (TEXT, "6.13", "who considered the complaint at stage 1"),
    "stage1_extended_to": (DATE, "6.4", "the new response deadline, where an extension was given"),
    "stage1_extension_reason": (TEXT, "6.4", "the reason given for the extension"),
    "stage1_extension_ombudsman_details": (YES_NO, "6.5", "Ombudsman contact details given with the extension"),
    "stage1_response_date": (DATE, "6.3", "full stage 1 response issued"),
    "stage1_outcome": (TEXT, "9.7", "upheld / partly upheld / not upheld / withdrawn"),
    "escalation_requested_date": (DATE, "6.11", "the resident asked for stage 2"),
    "escalation_refused_reason": (TEXT, "5.11", "why escalation was refused, where it was"),
    "stage2_ack_date": (DATE, "6.11", "acknowledged, defined and logged at stage 2"),
    "stage2_definition": (TEXT, "5.6", "the complaint definition was recorded at stage 2"),
    "stage2_handler": (TEXT, "6.13", "who considered the complaint at stage 2"),
    "stage2_extended_to": (DATE, "6.15", "the new stage 2 response deadline"),
    "stage2_extension_reason": (TEXT, "6.15", "the reason given for the stage 2 extension"),
    "stage2_extension_ombudsman_details": (YES_NO, "6.16", "Ombudsman contact details given with the extension"),
    "stage2_response_date": (DATE, "6.14", "final stage 2 response issued"),
    "stage2_outcome": (TEXT, "9.7", "upheld / partly upheld / not upheld / withdrawn"),
    "remedy": (TEXT, "7.1", "what was offered to put things right"),
    "remedy_due_date": (DATE, "7.3", "when the remedy is to be completed"),
    "remedy_completed_date": (DATE, "7.3", "when it was completed"),
    "disability_disclosed": (YES_NO, "5.10", "the resident disclosed a disability"),
    "reasonable_adjustments": (TEXT, "5.10", "adjustments agreed (blank = none recorded)"),
    "adjustments_review_date": (DATE, "5.10", "last review of the agreed adjustments"),
    "ombudsman_referral_date": (DATE, "8.1", "referred to the Housing Ombudsman"),
    "complaint_failure_order": (YES_NO, "8.1", "complaint failure order issued"),
    "satisfied": (YES_NO, "8.1", "resident satisfied with complaint handling"),
    "ombudsman_determination_date": (DATE, "8.1", "the Housing Ombudsman's determination of the complaint"),
    "ombudsman_finding": (TEXT, "8.1", "the Ombudsman's finding: maladministration / service failure / no maladministration"),
    "ombudsman_order_complied_date": (DATE, "8.1", "the Ombudsman's orders were complied with"),
    "tenure": (TEXT, "9.7", "LCRA (low-cost rental) / LCHO (low-cost home ownership), for CH01 and CH02 per tenure"),
}
REQUIRED = ("case_id", "received_date")
DATE_COLUMNS = tuple(c for c, (t, _, _) in COLUMNS.items() if t == DATE)
YES_NO_COLUMNS = tuple(c for c, (t, _, _) in COLUMNS.items() if t == YES_NO)

#: Columns whose values may be shown in messages: they describe the process,
#: not the resident. Names, reasons, remedies and adjustments never are,
#: unless the user asks with --show-values.
NON_PERSONAL = frozenset(DATE_COLUMNS + YES_NO_COLUMNS + ("record_type", "stage", "stage1_outcome", "stage2_outcome", "category",
                                                         "tenure"))


def normalise_header(text: str) -> str:
    """``Date Received `` -> ``date_received``; used to match headers loosely."""
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower().lstrip("\ufeff")).strip("_")
