"""Rules for a landlord's complaints improvement plan: IP001-IP005.

Each rule reads the plan once parsed (:func:`codecheck.improvement.parse.parsed`)
and emits findings at the block where the item starts (its line, or its Word
table, the row named in the message). A plan with no items at all is an input
error (exit 2), not a clean plan. Overdue is judged on ``--as-of`` (today by
default): a target written as a month or a quarter falls due on its last day.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Callable

from codecheck.documents.model import Document
from codecheck.findings import Severity
from codecheck.improvement.parse import Item, is_done, known, parsed
from codecheck.lazy import Regex
from codecheck.rules import Rule, rule

KIND = "improvement_plan"


def _rule(*, id: str, name: str, summary: str, rationale: str, breach: str, compliant: str,
          severity: Severity = Severity.WARNING) -> Callable[[Callable], Rule]:
    return rule(id=id, name=name, provision="8.1", summary=summary, severity=severity, kinds=(KIND,),
                rationale=rationale, breach_example=breach, compliant_example=compliant, code_items=("a", "d"))


def _quote(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return "'" + (text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026") + "'"


def _as_of(ctx) -> dt.date:
    return getattr(ctx, "as_of", None) or dt.date.today()


def _passed(item: Item, ctx) -> bool:
    return item.target is not None and item.target.date < _as_of(ctx)


# --- IP001: a provision the Code does not have ----------------------------------------------


def _why_unknown(reference: str) -> str:
    from codecheck.catalogue import load_catalogue, split_reference

    catalogue = load_catalogue()
    base, letter = split_reference(reference)
    if letter is not None and known(base):
        items = sorted(catalogue.provision(base).items)
        has = f"its items are ({items[0]})-({items[-1]})" if items else "it has no lettered items"
        return f"{reference} is not in the 2024 Code: {base} has no item ({letter}); {has}"
    section = int(base.split(".")[0])
    numbers = [p.number for p in catalogue.in_section(section)]
    if numbers:
        return f"{reference} is not a provision of the 2024 Code (section {section} runs from {section}.1 to {numbers[-1]})"
    last = max(s.number for s in catalogue.sections)
    return f"{reference} is not a provision of the 2024 Code (it has sections 1 to {last})"


@_rule(
    id="IP001",
    name="improvement-plan-unknown-provision",
    summary="A plan item names a provision the 2024 Code does not have",
    severity=Severity.ERROR,
    rationale="""An improvement plan answers the self-assessment against this Code (8.1(a)) with the
        service improvements that follow (8.1(d)). An item under a number the 2024 Code does not have
        (a 2022 Code number, a typing slip such as 6.21) cannot be matched to any requirement, and the
        provision it meant may have no action at all.""",
    breach="6.21 | Review the stage 2 panel | June 2025 | In progress",
    compliant="6.14 | Stage 2 responses within 20 working days: weekly tracking | June 2025 | In progress",
)
def unknown_provision(document: Document, ctx, emit) -> None:
    for item in parsed(document).items:
        for reference in item.numbers:
            if not known(reference):
                where = f" (table row {item.row})" if item.row else ""
                emit(item.block, _why_unknown(reference) + where)


# --- IP002-IP004: an item without an action, a date or a status -------------------------------


_NO_ACTION_YET = Regex(r"^\W*(?:tbc|tbd|tba|to\s+be\s+(?:confirmed|decided|agreed|determined|advised)|n/?a|none|-+|\?+)\W*$",
                      re.IGNORECASE)
"""An action cell that holds a placeholder: "To be confirmed", "TBC", "-"."""


@_rule(
    id="IP002",
    name="improvement-plan-no-action",
    summary="A plan item says what is wrong but not what will be done",
    rationale="""A plan item is an action: what the landlord will change to comply. A row that quotes the
        provision and gives a date but no action tells the governing body and residents nothing they
        can follow up.""",
    breach="9.3 | Landlords must report back on wider learning ... | (blank) | December 2024 | In progress",
    compliant="9.3 | ... | Learning taken to the Resident Engagement Panel quarterly | December 2024 | In progress",
)
def no_action(document: Document, ctx, emit) -> None:
    for item in parsed(document).items:
        if not item.action.strip() or _NO_ACTION_YET.match(item.action):
            emit(item.block, f"{item.where} has no action: say what will be done to comply")


@_rule(
    id="IP003",
    name="improvement-plan-no-date",
    summary="A plan item has no target date",
    rationale="""An action without a date is an intention, not a plan: nobody can tell when it is late.
        A month or a quarter is enough ("June 2025", "Q2 2025/26"); "ongoing" or "TBC" is not.""",
    breach="5.5 | Create a method for measuring third parties' complaint performance | (blank) | Not started",
    compliant="5.5 | Create a method for measuring third parties' complaint performance | April 2025 | Not started",
)
def no_date(document: Document, ctx, emit) -> None:
    for item in parsed(document).items:
        if item.target is not None:
            continue
        if item.target_text.strip():
            emit(item.block, f"{item.where}: the target {_quote(item.target_text, 40)} is not a date "
                             "(give a day, a month or a quarter)")
        else:
            emit(item.block, f"{item.where} has no target date")


@_rule(
    id="IP004",
    name="improvement-plan-no-status",
    summary="A plan item has no status",
    rationale="""A plan is reported on (8.1, 9.7): each item should say where it stands (not started, in
        progress, complete). An item whose target has already passed with no status is reported by
        IP005 instead, as overdue.""",
    breach="5.4 | Create a single complaints process with third parties | April 2025 | (blank)",
    compliant="5.4 | Create a single complaints process with third parties | April 2025 | In progress",
)
def no_status(document: Document, ctx, emit) -> None:
    for item in parsed(document).items:
        if not item.status.strip() and not _passed(item, ctx):
            emit(item.block, f"{item.where} has no status")


# --- IP005: past its target and not done ----------------------------------------------------------


@_rule(
    id="IP005",
    name="improvement-plan-overdue",
    summary="A plan item is past its target date and not complete",
    rationale="""An improvement plan is how the landlord returns to compliance; an item past its target
        date that is not complete, done or closed is a requirement of the Code the landlord said it
        would meet and has not. Judged on --as-of; a month or a quarter falls due on its last day.""",
    breach="9.8 | Standing item on team agendas | September 2024 | In progress (checked 30/04/2025)",
    compliant="9.8 | Standing item on team agendas | September 2024 | Completed October 2024",
)
def overdue(document: Document, ctx, emit) -> None:
    for item in parsed(document).items:
        if not _passed(item, ctx) or is_done(item.status):
            continue
        state = f"the status is {_quote(item.status.rstrip(' .;'))}" if item.status.strip() else "no status is given"
        emit(item.block, f"{item.where}: target {item.target.label()} has passed and {state}")


# --- IP006 / IP007: the plan and the self-assessment of the same run --------------------------
#
# Given together (`codecheck check plan.docx self-assessment.pdf`), each No / In progress /
# Partial on the form should have an item in the plan, and each item of the plan a row on the
# form that is not already a Yes.

FORM = "self_assessment"


def _together(**kw) -> Callable[[Callable], Rule]:
    def wrap(fn: Callable) -> Rule:
        rule = _rule(**kw)(fn)
        return rule.replace(kinds=(KIND, FORM), together=True)

    return wrap


def _forms_and_plans(inputs: dict) -> tuple[list, list]:
    from codecheck.selfassessment.parse import parsed as parsed_form

    forms = [parsed_form(d) for d in inputs.get(FORM, [])]
    forms = [f for f in forms if not f.superseded]  # a 2022-Code form is SA007's to report
    plans = [(d, parsed(d)) for d in inputs.get(KIND, [])]
    return forms, plans


def _covers(item: Item, number: str) -> bool:
    return any(n == number or n.split("(")[0] == number for n in item.numbers)


@_together(
    id="IP006",
    name="improvement-plan-missing-item",
    summary="A provision the self-assessment does not meet has no item in the improvement plan",
    rationale="""Where the self-assessment says No, In progress or Partial, the landlord has found a
        requirement of the Code it does not yet meet; the improvement plan is where it says what it
        will do and by when. A No with no plan item is a gap nobody is tracking. Runs when the plan
        and the form are checked in the same run.""",
    breach="form: 6.4 | ... | No ; plan: items for 5.6 and 9.8 only",
    compliant="form: 6.4 | ... | No ; plan: 6.4 | New extension letter | June 2025 | In progress",
)
def form_row_without_item(inputs: dict, ctx, emit) -> None:
    from codecheck.selfassessment.parse import ANSWER_LABELS, IN_PROGRESS, NO, PARTIAL

    forms, plans = _forms_and_plans(inputs)
    if not plans:
        return
    items = [item for _, plan in plans for item in plan.items]
    names = ", ".join(sorted({d.path for d, _ in plans}))
    for form in forms:
        for entry in form.entries:
            if entry.answer in (NO, IN_PROGRESS, PARTIAL) and not any(_covers(i, entry.number) for i in items):
                emit(form.document, entry.block, f"{entry.reference} is answered {ANSWER_LABELS[entry.answer]} "
                                                 f"but has no item in the improvement plan ({names})")


@_together(
    id="IP007",
    name="improvement-plan-item-not-on-form",
    summary="A plan item names a provision the self-assessment answers Yes, or does not assess",
    rationale="""The plan answers the self-assessment: an item for a provision the form says is met, or
        does not assess at all, means one of the two documents is out of date. Runs when the plan and
        the form are checked in the same run.""",
    breach="plan: 6.3 | Respond within 10 working days | March 2025 ; form: 6.3 | ... | Yes",
    compliant="plan: 6.3 | ... ; form: 6.3 | ... | In progress",
)
def item_without_form_row(inputs: dict, ctx, emit) -> None:
    from codecheck.selfassessment.parse import YES

    forms, plans = _forms_and_plans(inputs)
    if not forms:
        return
    answers: dict[str, str | None] = {}
    for form in forms:
        for entry in form.entries:
            answers.setdefault(entry.number, entry.answer)
    names = ", ".join(sorted(f.document.path for f in forms))
    for document, plan in plans:
        for item in plan.items:
            for number in item.numbers:
                base = number.split("(")[0]
                if not known(base):
                    continue  # IP001 reports a provision the Code does not have
                if base not in answers:
                    emit(document, item.block, f"{item.where}: {base} is not on the self-assessment ({names})")
                elif answers[base] == YES:
                    emit(document, item.block, f"{item.where}: the self-assessment answers {base} Yes ({names}); "
                                               "one of the two is out of date")
