"""What the Code's timescales say about one case record, computed afresh.

The Code (2024), as the case-record columns can show it:

* 6.2  acknowledge at stage 1 within 5 working days of receipt;
* 6.3  issue a full stage 1 response within 10 working days of acknowledgement;
* 6.4  an extension of more than 10 working days needs a recorded reason;
* 6.5  an extension is given with the Ombudsman's contact details;
* 6.11 acknowledge a stage 2 request within 5 working days of it;
* 6.14 issue the final stage 2 response within 20 working days of acknowledgement;
* 6.15 an extension of more than 20 working days needs a recorded reason;
* 6.16 as 6.5, at stage 2;
* 5.11 (codecheck's CR511) an escalation neither acknowledged, answered nor refused
  with a reason once its 6.11 deadline has passed: the overdue stage 2
  acknowledgement is reported there, not under 6.11.

Readings the Code leaves to the checker, chosen so that a compliant landlord can
never refute a finding:

* a step is owed only for a complaint (record type blank or complaint) the landlord
  accepted (``accepted`` blank or yes); stage 2 only once requested (or acknowledged)
  and not refused with a reason;
* an acknowledgement not recorded is taken to be the response when that came first;
* with no acknowledgement recorded, the response is due 10 (20) working days after
  the acknowledgement was due: the landlord cannot gain time from its own omission;
* a recorded extension date later than the Code's deadline is the deadline in force
  for the response (6.3/6.14 judge against it; 6.4/6.15 judge its length, counted in
  working days from the Code's deadline);
* a step not taken is late once its deadline is before the date the case is judged as
  of, or before a later step was recorded (the resident asked for stage 2): it can no
  longer be taken in time. Not judged when the stage's outcome says withdrawn (when the
  complaint was withdrawn is not recorded), nor when the resident moved to stage 2
  before its deadline.
* a step taken after its deadline is late whatever kind of day it was taken on.
"""

from __future__ import annotations

import datetime as dt
import itertools

from .workdays import Workdays

#: The rule ids codecheck gives these provisions.
RULES = {"6.2": "CR602", "6.3": "CR603", "6.4": "CR604", "6.5": "CR605", "6.11": "CR611",
         "6.14": "CR614", "6.15": "CR615", "6.16": "CR616", "5.11": "CR511"}
TIMESCALE_RULES = tuple(sorted(RULES.values()))


DATE_COLUMNS = ("received_date", "stage1_ack_date", "stage1_extended_to", "stage1_response_date",
                "escalation_requested_date", "stage2_ack_date", "stage2_extended_to", "stage2_response_date")
YES_NO_COLUMNS = ("accepted", "stage1_extension_ombudsman_details", "stage2_extension_ombudsman_details")
YES, NO = ("yes", "y", "true", "1"), ("no", "n", "false", "0")


def parse_date(text: str) -> dt.date | None:
    """The generator writes dd/mm/yyyy (UK) or yyyy-mm-dd; blank is no date. ValueError
    for anything else."""
    text = text.strip()
    if not text:
        return None
    if "/" in text:
        return dt.datetime.strptime(text, "%d/%m/%Y").date()
    return dt.date.fromisoformat(text)


def readable(column: str, text: str) -> bool:
    if column in DATE_COLUMNS:
        try:
            parse_date(text)
        except ValueError:
            return False
    if column in YES_NO_COLUMNS:
        return text.strip().lower() in YES + NO + ("",)
    return True


def _yes_no(text: str) -> bool | None:
    text = text.strip().lower()
    if not text:
        return None
    return text in YES


def _withdrawn(*texts: str) -> bool:
    return any("withdr" in t.lower() for t in texts)


def _step_missed(deadline: dt.date, later_step: dt.date | None, as_of: dt.date) -> bool:
    """A step never taken: missed once its deadline is before a later step, or, with
    none recorded, before the date the case is judged as of."""
    if later_step is not None:
        return later_step > deadline
    return as_of > deadline


def _extension(extended_to: dt.date | None, code_deadline: dt.date) -> dt.date | None:
    """A recorded extension that moves the deadline later; an earlier date extends nothing."""
    return extended_to if extended_to is not None and extended_to > code_deadline else None


def _stage(cal: Workdays, found: set[str], *, number: int, start: dt.date | None, ack: dt.date | None,
           response: dt.date | None, extended_to: dt.date | None, reason: str, details: str,
           withdrawn: bool, later_step: dt.date | None, as_of: dt.date) -> None:
    ack_days, response_days, extension_days = (5, 10, 10) if number == 1 else (5, 20, 20)
    p_ack, p_response, p_extension, p_details = (("6.2", "6.3", "6.4", "6.5") if number == 1
                                                 else ("6.11", "6.14", "6.15", "6.16"))

    ack_due = cal.nth_after(start, ack_days) if start is not None else None
    if ack_due is not None:
        first = ack if ack is not None else response
        if first is not None:
            if first > ack_due:
                found.add(p_ack)
        elif not withdrawn and _step_missed(ack_due, later_step, as_of):
            found.add(p_ack if number == 1 else "5.11")

    counted_from = ack if ack is not None else ack_due
    if counted_from is None:
        return  # neither the request date nor an acknowledgement: nothing to count from
    code_deadline = cal.nth_after(counted_from, response_days)
    extension = _extension(extended_to, code_deadline)
    deadline = extension or code_deadline
    if response is not None:
        if response > deadline:
            found.add(p_response)
    elif not withdrawn and _step_missed(deadline, later_step, as_of):
        found.add(p_response)
    if extension is not None:
        if cal.count(code_deadline, extension) > extension_days and not reason.strip():
            found.add(p_extension)
        if _yes_no(details) is not True:
            found.add(p_details)


def expected_findings(row: dict[str, str], cal: Workdays, as_of: dt.date) -> set[str]:
    """The rule ids the Code's timescales call for on this row.

    A cell that cannot be read could have held anything: a finding is expected only if
    it follows whatever the cell held (blank, or any date / yes or no), so that the
    landlord cannot refute it with the value it meant. (The unreadable cell is itself
    a data finding, outside these rules.)"""
    unreadable = [c for c, v in row.items() if not readable(c, v)]
    if not unreadable:
        return _judge(row, cal, as_of)
    if "received_date" in unreadable:
        return set()  # no start for anything
    received = parse_date(row["received_date"])
    assert received is not None
    every_date = [""] + [(received + dt.timedelta(days=k)).isoformat() for k in range(-3, (as_of - received).days + 150)]
    choices = [every_date if c in DATE_COLUMNS else ["yes", "no", ""] for c in unreadable]
    certain: set[str] | None = None
    for values in itertools.product(*choices):
        found = _judge({**row, **dict(zip(unreadable, values))}, cal, as_of)
        certain = found if certain is None else certain & found
        if not certain:
            break
    return certain or set()


def _judge(row: dict[str, str], cal: Workdays, as_of: dt.date) -> set[str]:
    record_type = row.get("record_type", "").strip().lower()
    if record_type not in ("", "complaint"):
        return set()
    if _yes_no(row.get("accepted", "")) is False:
        return set()
    received = parse_date(row["received_date"])
    if received is None:
        return set()
    date = {c: parse_date(row.get(c, "")) for c in (
        "stage1_ack_date", "stage1_response_date", "stage1_extended_to", "escalation_requested_date",
        "stage2_ack_date", "stage2_response_date", "stage2_extended_to")}
    stage_label = row.get("stage", "")
    found: set[str] = set()

    later = [d for d in (date["escalation_requested_date"], date["stage2_ack_date"], date["stage2_response_date"]) if d]
    _stage(cal, found, number=1, start=received, ack=date["stage1_ack_date"], response=date["stage1_response_date"],
           extended_to=date["stage1_extended_to"], reason=row.get("stage1_extension_reason", ""),
           details=row.get("stage1_extension_ombudsman_details", ""),
           withdrawn=_withdrawn(row.get("stage1_outcome", ""), stage_label),
           later_step=min(later) if later else None, as_of=as_of)

    requested, ack2 = date["escalation_requested_date"], date["stage2_ack_date"]
    if (requested or ack2) and not row.get("escalation_refused_reason", "").strip():
        _stage(cal, found, number=2, start=requested, ack=ack2, response=date["stage2_response_date"],
               extended_to=date["stage2_extended_to"], reason=row.get("stage2_extension_reason", ""),
               details=row.get("stage2_extension_ombudsman_details", ""),
               withdrawn=_withdrawn(row.get("stage2_outcome", ""), stage_label), later_step=None, as_of=as_of)
    return {RULES[p] for p in found}
