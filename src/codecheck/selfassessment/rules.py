"""Rules for the annual self-assessment against the Code (8.1): SA000-SA007.

Each rule reads the form once parsed (:func:`codecheck.selfassessment.parse.parsed`)
and emits findings at the block where the entry starts. A form against the
superseded 2022 Code gets one SA007 error and nothing else: its numbers and
words would otherwise give a flood of findings that all say the same thing.
"""

from __future__ import annotations

import re
from typing import Callable

from codecheck.documents.model import Block, Document
from codecheck.findings import Severity
from codecheck.rules import Rule, rule
from codecheck.targets import find_targets, is_record
from codecheck.selfassessment.parse import (
    ANSWER_LABELS,
    IN_PROGRESS,
    NO,
    NOT_APPLICABLE,
    PARTIAL,
    UNCLEAR,
    YES,
    Entry,
    Form,
    code_text,
    number_key,
    parsed,
    similarity,
    summarise,
    words,
    wrong_text,
)

KIND = "self_assessment"


def _rule(*, id: str, name: str, summary: str, rationale: str, breach: str, compliant: str,
          severity: Severity = Severity.ERROR, provision: str = "8.1", default: bool = True) -> Callable[[Callable], Rule]:
    return rule(id=id, name=name, provision=provision, summary=summary, severity=severity, kinds=(KIND,),
                rationale=rationale, breach_example=breach, compliant_example=compliant,
                code_items=("a",) if provision == "8.1" else (), default=default)


def _form(document: Document) -> Form | None:
    """The parsed form, or None when it is a 2022-Code form (SA007 says so, once)."""
    form = parsed(document)
    return None if form.superseded else form


def _quote(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return "\u201c" + (text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026") + "\u201d"


def _words_of(reference: str) -> str:
    try:
        return code_text().catalogue.item_text(reference)
    except KeyError:
        return ""


# --- dates ----------------------------------------------------------------------------------

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_DATES = re.compile(
    "|".join((
        rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b",                        # 31 March, 1st of May
        rf"\b{_MONTH}\.?\s+(?:\d{{4}}|\d{{2}})\b(?!\s*(?:working\s+)?days)",            # June 2025, March 25
        rf"\b(?:by|in|from|until|till|before|during|within|end\s+of|start\s+of|beginning\s+of|mid|late|early)"
        rf"\s+(?:the\s+)?(?:end\s+of\s+)?{_MONTH}\b",                                     # by October, end of March
        r"\bq[1-4]\b\s*(?:of\s+)?(?:\d{4}(?:\s*[/\-]\s*\d{2,4})?)",                     # Q3 2024/25
        r"\b\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}\b",                                        # 31/03/2025
        r"\b\d{4}-\d{2}-\d{2}\b",                                                         # 2025-03-31
        r"\b(?:by|in|during|from|for|before|until|through(?:out)?)\s+(?:the\s+)?(?:end\s+of\s+)?"
        r"(?:(?:financial|calendar)\s+year\s+)?20\d\d(?:\s*[/\-]\s*\d{2,4})?\b",      # by 2025, during 2024/25
        r"\bwithin\s+(?:the\s+)?(?:next\s+)?(?:\d+|one|two|three|four|six|eight|nine|twelve)\s+(?:days?|weeks?|months?)\b",
        r"\b(?:by|before)\s+(?:the\s+)?end\s+of\s+(?:the\s+|this\s+|next\s+)?(?:financial\s+|calendar\s+)?(?:year|quarter)\b",
    )),
    re.IGNORECASE,
)


def has_date(text: str) -> bool:
    """Does the text give a date or timescale to comply: "by March 25", "end of October 2024",
    "June 2025", "Q3 2024/25", "31/03/2025", "within 3 months" ...? A date that only records
    something done ("the policy was reviewed in March 2025") is not one."""
    if not _DATES.search(text):
        return False
    targets = find_targets(text)
    if targets and all(is_record(text, t) for t in targets):
        return bool(_DATES.search(_without(text, targets)))  # a timescale beside the records ("within 3 months")
    return True


def _without(text: str, targets: list) -> str:
    for target in reversed(targets):
        text = text[: target.start] + " " + text[target.end :]
    return text


# --- SA000: per-section summary ------------------------------------------------------------


@_rule(
    id="SA000",
    name="self-assessment-summary",
    summary="How the form answers each section of the Code (information)",
    severity=Severity.INFO,
    default=False,
    rationale="""The self-assessment is the landlord's own account of where it complies. A count of
        Yes, No, In progress and missing answers per section shows at a glance where the form says
        work remains, and where it says nothing.""",
    breach="(information only) Section 6, Complaint stages: 18 Yes, 0 No, 1 In progress, 1 missing (6.14)",
    compliant="Section 6, Complaint stages: 20 Yes, 0 No, 0 In progress, 0 missing",
)
def summary(document: Document, ctx, emit) -> None:
    form = _form(document)
    if form is None or not form.entries:
        return
    firsts: dict[int, Block | None] = {}
    for entry in form.entries:
        firsts.setdefault(entry.section, entry.block)
    for section, counts in summarise(form).items():
        missing = counts["missing"]
        parts = [f"{counts[YES]} Yes", f"{counts[NO]} No", f"{counts[IN_PROGRESS]} In progress"]
        for key, label in ((PARTIAL, "Partial"), (NOT_APPLICABLE, "N/A"), (UNCLEAR, "unclear"), ("unanswered", "unanswered")):
            if counts[key]:
                parts.append(f"{counts[key]} {label}")
        parts.append(f"{len(missing)} missing" + (f": {_ranges(missing)}" if missing else ""))
        emit(firsts.get(section), f"section {section}, {counts['title']}: {', '.join(parts)} "
                                  f"({counts['provisions']} provisions)", severity=Severity.INFO)


def _ranges(numbers: list[str]) -> str:
    """["1.2", "1.3", "1.4", "1.6"] -> "1.2-1.4, 1.6" (runs of consecutive provisions)."""
    catalogue = code_text().catalogue
    order = [p.number for p in catalogue.provisions]
    index = {n: i for i, n in enumerate(order)}
    out: list[str] = []
    run: list[str] = []
    for number in sorted(numbers, key=number_key):
        if run and index.get(number, -9) == index.get(run[-1], -9) + 1:
            run.append(number)
            continue
        if run:
            out.append(run[0] if len(run) == 1 else f"{run[0]}-{run[-1]}")
        run = [number]
    if run:
        out.append(run[0] if len(run) == 1 else f"{run[0]}-{run[-1]}")
    return ", ".join(out)


# --- SA001: a "must" provision is not on the form ---------------------------------------------


@_rule(
    id="SA001",
    name="self-assessment-provision-missing",
    summary="A 'must' provision of the Code is not assessed on the form",
    rationale="""8.1(a) asks for an annual self-assessment against this Code: every provision, not a
        selection. A provision left off the form is one the landlord has not assessed, and a section
        left off is a whole area of complaint handling nobody has looked at.""",
    breach="The form goes from 6.13 to 6.15: 6.14 (stage 2 response within 20 working days) is not assessed.",
    compliant="Every provision from 1.2 to 9.8 has a row with an answer.",
)
def provision_missing(document: Document, ctx, emit) -> None:
    form = _form(document)
    if form is None:
        return
    if not form.entries:
        emit(None, "no Code provisions found on the form: no line or table row starts with a provision "
                   "number such as 1.2 or 6.3, so nothing has been assessed")
        return
    catalogue = code_text().catalogue
    present = form.numbers()
    ordered = sorted(form.entries, key=lambda e: number_key(e.number))
    texts = form.texts
    found_under: dict[str, str] = {}
    for index, (own, others) in texts.items():
        verdict = wrong_text(own, others)
        if verdict and verdict[0]:
            found_under.setdefault(verdict[0], form.entries[index].reference)
    covered = [sec for sec in catalogue.sections if any(p.number in present for p in catalogue.in_section(sec.number))]
    if len(covered) == 1:
        # One section a page, as some landlords publish the form: say so once, not an error per section.
        only = covered[0]
        others = [sec.number for sec in catalogue.sections if sec is not only and
                  any(p.obligation == "must" for p in catalogue.in_section(sec.number))]
        emit(None, f"the form covers only section {only.number} ({only.title}); sections "
                   f"{', '.join(map(str, others))} are not on it: if they are published elsewhere (a page per "
                   "section), check those too", severity=Severity.INFO)
    for section in catalogue.sections:
        musts = [p.number for p in catalogue.in_section(section.number) if p.obligation == "must"]
        if not musts:
            continue
        if not any(p.number in present for p in catalogue.in_section(section.number)):
            if len(covered) != 1:
                emit(None, f"section {section.number} ({section.title}) is not on the form: "
                           f"{_ranges(musts)} ({len(musts)} 'must' provision{'s' if len(musts) != 1 else ''}) not assessed")
            continue
        for number in musts:
            if number in present:
                continue
            unnumbered = _words_without_number(form, number)
            if unnumbered is not None:
                # The page lost the row's number (an image, a merged cell), not the row.
                emit(unnumbered, f"{number}'s words are on the form without its number: the row is read as "
                                 f"{number}; check its answer on the form itself", severity=Severity.INFO)
                continue
            before = [e for e in ordered if number_key(e.number) < number_key(number)]
            where = before[-1].block if before else None
            after = f" (expected after {before[-1].number})" if before else ""
            elsewhere = f"; its words appear under {found_under[number]}" if number in found_under else ""
            emit(where, f"{number} is not on the form{after}: {_quote(_words_of(number), 60)} is not assessed{elsewhere}")


def _words_without_number(form: Form, number: str) -> Block | None:
    """The block where a provision's own words stand with no number in front of them, if any:
    most of the Code's words for it, in order, in one line or table cell of the form."""
    own = code_text().words.get(number)
    if not own or len(own) < 8:
        return None
    for block in form.document.blocks:
        said = words(block.text)
        if len(said) >= len(own) * 0.6 and similarity(said, own).recall >= 0.8:
            return block
    return None


# --- SA002: no answer ---------------------------------------------------------------------------


@_rule(
    id="SA002",
    name="self-assessment-no-answer",
    summary="A provision on the form has no answer (Yes / No / In progress)",
    rationale="""A self-assessment that lists a provision but does not say whether the landlord complies
        assesses nothing; readers cannot tell a Yes left blank from a No left unsaid.""",
    breach="6.3 | Landlords must issue a full response to stage 1 complaints ... | (blank) | Policy 4.2",
    compliant="6.3 | Landlords must issue a full response to stage 1 complaints ... | Yes | Policy 4.2",
)
def no_answer(document: Document, ctx, emit) -> None:
    form = _form(document)
    if form is None:
        return
    for entry in form.entries:
        if entry.answer is None:
            emit(entry.block, f"{entry.reference} has no answer: the form must say Yes, No or In progress")
        elif entry.answer == UNCLEAR:
            emit(entry.block, f"{entry.reference}: the answer {_quote(entry.answer_text, 40)} does not say "
                              "Yes, No or In progress", severity=Severity.WARNING)


# --- SA003 / SA004: non-compliance without explanation or date -------------------------------

_NOT_MET = (NO, IN_PROGRESS, PARTIAL)


@_rule(
    id="SA003",
    name="self-assessment-unexplained",
    summary="No / In progress / Partial / N/A with no explanation",
    rationale="""Where a landlord does not comply, the self-assessment must say so and explain: what is
        missing, why, and what will be done. An unexplained No or In progress tells the governing body
        and residents nothing they can scrutinise.""",
    breach="8.5 | ... | In progress | (no evidence, no commentary)",
    compliant="8.5 | ... | In progress | Procedure being written; in place by end of October 2024.",
)
def unexplained(document: Document, ctx, emit) -> None:
    form = _form(document)
    if form is None:
        return
    for entry in form.entries:
        if entry.answer in (*_NOT_MET, NOT_APPLICABLE) and not words(entry.explanation):
            emit(entry.block, f"{entry.reference} is answered {ANSWER_LABELS[entry.answer]} with no explanation: "
                              "say what is missing and what will be done")


@_rule(
    id="SA004",
    name="self-assessment-no-date",
    summary="No / In progress / Partial with no date to comply",
    severity=Severity.WARNING,
    rationale="""An action without a date is an intention, not a plan. Where the form admits a provision
        is not met, the Ombudsman's guidance asks for the actions and the timescale for compliance:
        "by March 2025", "end of October 2024", "Q3 2024/25".""",
    breach="9.8 | ... | In progress | We will look to add this into management objectives.",
    compliant="9.8 | ... | In progress | Added to management objectives by the end of June 2025.",
)
def no_date(document: Document, ctx, emit) -> None:
    form = _form(document)
    if form is None:
        return
    for entry in form.entries:
        if entry.answer in _NOT_MET and words(entry.explanation) and not has_date(entry.explanation):
            emit(entry.block, f"{entry.reference} is answered {ANSWER_LABELS[entry.answer]} but gives no date to comply "
                              f"({_quote(entry.explanation, 60)})")


# --- SA008: a date to comply that has passed ------------------------------------------------


@_rule(
    id="SA008",
    name="self-assessment-commitment-overdue",
    summary="No / In progress / Partial whose date to comply has passed",
    severity=Severity.WARNING,
    rationale="""A No or In progress with a date is a commitment to the governing body and residents. Once
        the date has passed (as of --as-of) and the form still says No or In progress, either the work is
        late or the form is out of date; both need saying. A date that only records something done
        ("reviewed in March 2025") is not a date to comply.""",
    breach="6.4 | ... | In progress | New extension letter in place by March 2025. (checked on 30/04/2025)",
    compliant="6.4 | ... | In progress | New extension letter in place by June 2025. (checked on 30/04/2025)",
)
def commitment_overdue(document: Document, ctx, emit) -> None:
    form = _form(document)
    as_of = getattr(ctx, "as_of", None)
    if form is None or as_of is None:
        return
    for entry in form.entries:
        if entry.answer not in _NOT_MET:
            continue
        text = entry.explanation
        commitments = [t for t in find_targets(text) if not is_record(text, t)]
        if commitments and all(t.date < as_of for t in commitments):
            latest = max(commitments, key=lambda t: t.date)
            emit(entry.block, f"{entry.reference} is answered {ANSWER_LABELS[entry.answer]} with a date to comply of "
                              f"{latest.label()}, which has passed (as of {as_of.strftime('%d/%m/%Y')}): the work is "
                              "late or the form is out of date")


# --- SA005 / SA006: the requirement text is not the Code's for that number ------------------


def _mismatches(form: Form) -> list[tuple[Entry, str | None, bool]]:
    """(entry, the provision whose words it has (None: none), whether that provision is
    also on the form with its own words)."""
    texts = form.texts
    holders: dict[str, Entry] = {}
    verdicts: dict[int, tuple[str | None, object] | None] = {}
    for index, (own, others) in texts.items():
        verdicts[index] = wrong_text(own, others)
        if verdicts[index] is None:
            holders.setdefault(form.entries[index].reference, form.entries[index])
    out = []
    for index, verdict in verdicts.items():
        if verdict is None:
            continue
        other = verdict[0]
        out.append((form.entries[index], other, other is not None and other in holders))
    return out


@_rule(
    id="SA005",
    name="self-assessment-wrong-text",
    summary="The requirement text under a number is not the Code's words for it",
    rationale="""The form quotes the Code so that each answer is about a known requirement. Text from
        another provision (a copy-paste slip, rows out of step) means the answer given is about
        something else, and the provision whose number it is has not been assessed.""",
    breach="6.4 | When an organisation informs a resident about an extension ... (the words of 6.5) | Yes",
    compliant="6.4 | Landlords must decide whether an extension to this timescale is needed ... | Yes",
)
def wrong_words(document: Document, ctx, emit) -> None:
    form = _form(document)
    if form is None:
        return
    for entry, other, duplicated in _mismatches(form):
        if duplicated:
            continue  # SA006
        if other is not None:
            emit(entry.block, f"the requirement text under {entry.reference} is the Code's {other} "
                              f"({_quote(entry.requirement, 50)}), not {entry.reference} "
                              f"({_quote(_words_of(entry.reference), 50)})")
        else:
            emit(entry.block, f"the requirement text under {entry.reference} ({_quote(entry.requirement, 50)}) "
                              f"does not match the Code's words for {entry.reference} "
                              f"({_quote(_words_of(entry.reference), 50)}) or any other provision",
                 severity=Severity.WARNING)


@_rule(
    id="SA006",
    name="self-assessment-duplicate-text",
    summary="The same requirement text appears under two provision numbers",
    rationale="""The same words under two numbers is a copy-paste slip: one of the two rows assesses a
        provision twice and the other provision not at all. (Where the Code itself repeats its words,
        as 6.5 and 6.16 do, nothing is reported.)""",
    breach="6.3 | Landlords must issue a final response to the stage 2 within 20 working days ... (6.14's words, also under 6.14)",
    compliant="6.3 | Landlords must issue a full response to stage 1 complaints within 10 working days ...",
)
def duplicate_text(document: Document, ctx, emit) -> None:
    form = _form(document)
    if form is None:
        return
    for entry, other, duplicated in _mismatches(form):
        if duplicated:
            emit(entry.block, f"{entry.reference} repeats the requirement text of {other}, which is also on the form "
                              f"({_quote(entry.requirement, 50)}); {entry.reference} itself "
                              f"({_quote(_words_of(entry.reference), 50)}) is not assessed")


# --- SA007: a form against the 2022 Code ---------------------------------------------------


@_rule(
    id="SA007",
    name="self-assessment-2022-code",
    summary="The form assesses the superseded 2022 Code, not the 2024 Code",
    rationale="""The 2024 Code has been statutory since 1 April 2024 and renumbered and reworded the
        provisions; a form against the 2022 Code (its "Mandatory 'must' requirements" tables, its
        section names, a third complaint stage) does not assess the landlord against the Code in
        force. One finding says so; the form's rows are not checked one by one.""",
    breach="Section 4: Complaint handling principles / Mandatory 'must' requirements / 4.1 ...",
    compliant="Section 5: The complaint handling process / Code provision 5.1 ... Comply: Yes / No",
)
def code_2022(document: Document, ctx, emit) -> None:
    form = parsed(document)
    if form.superseded is None:
        return
    emit(form.superseded.block, "this self-assessment is against the superseded 2022 Complaint Handling Code: "
                                + "; ".join(form.superseded.reasons)
                                + ". Reassess against the 2024 Code, in force since 1 April 2024")
