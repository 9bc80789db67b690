"""`codecheck init --from EXPORT`: guess an export's column mapping from its headers and values.

Each header is compared by name with each canonical column (its own name and a
table of how landlords' systems name it) word by word, after normalising the
words ("Ack'd" is "acknowledged", "S1" is "stage 1"), a word matching a word
when rapidfuzz finds them alike (a typo, "recieved", still matches), and in any
order: "Date Received" and "Received date" are the same, "Date closed" is not
"Date logged". The values under the header then raise or
lower the score: a date column should hold dates, a yes/no column yes and no.
Columns and headers are then paired one to one, best scores first.

Guesses at or above :data:`CONFIDENT` are written as mapping entries; those
between :data:`FLOOR` and it are written commented out for the user to confirm;
headers with no guess are listed in a comment. Only headers and (for the date
order) example dates are written into the file: never another cell's value,
which is a resident's data.
"""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from codecheck.checks.process import read_stage
from codecheck.columns import COLUMNS, DATE, DATE_COLUMNS, REQUIRED, YES_NO, normalise_header
from codecheck.config import Config
from codecheck.errors import InputError, UsageError
from codecheck.records import SERVICE_REQUEST_LABELS
from codecheck.values import (
    UnreadableValue,
    describe_shape,
    parse_date,
    parse_yes_no,
    slash_date_order,
)

CONFIDENT = 80
"""A guess at or above this (out of 100) is written as a mapping entry. Below it the names differ by
more than word order, a plural or a typo ("Officer" for stage1_handler), or the values do not fit the
column's type: such a guess is written commented out, for the user to confirm."""
FLOOR = 60
"""Below this a name is no guess at all: unrelated words score 20 to 55 ("Status" for stage 55)."""
ROWS = 1000
"""Data rows read to judge the values under each header and the date order."""

#: How landlords' case-management systems and spreadsheets name the canonical columns, beyond
#: the canonical name itself. Words are compared after normalising (see _words): "ack",
#: "acknowledgement" and "acknowledged" are one word, "s1" is "stage 1".
SYNONYMS: dict[str, tuple[str, ...]] = {
    "case_id": ("case reference", "complaint reference", "reference", "case number", "complaint number",
                "complaint id", "case", "id", "our reference"),
    "record_type": ("type", "case type", "request type", "complaint or service request"),
    "received_date": ("date received", "received", "logged date", "complaint date", "date of complaint",
                      "complaint received", "date opened", "opened", "created date", "reported date",
                      "start date"),
    "issue_date": ("date of issue", "incident date", "date of incident", "issue occurred", "date aware",
                   "date became aware", "event date"),
    "category": ("complaint category", "complaint type", "service area", "area", "subject", "theme",
                 "nature of complaint"),
    "stage": ("complaint stage", "current stage", "stage reached", "level"),
    "accepted": ("complaint accepted", "accepted as complaint", "valid complaint", "accepted complaint"),
    "refusal_reason": ("reason refused", "reason for refusal", "reason not accepted", "rejection reason",
                       "reason declined", "not accepted reason"),
    "refusal_ombudsman_signposted": ("refusal signposted to ombudsman", "signposted to ombudsman",
                                     "ombudsman signposted", "refusal ombudsman details"),
    "stage1_ack_date": ("stage 1 acknowledged", "acknowledged", "date acknowledged", "acknowledged date",
                        "stage 1 acknowledged on", "acknowledged sent", "acknowledged letter sent",
                        "date acknowledged sent"),
    "stage1_definition": ("complaint definition", "definition", "complaint defined", "stage 1 defined"),
    "stage1_handler": ("stage 1 officer", "stage 1 investigator", "complaint handler", "handler",
                       "investigating officer", "case officer", "handled by"),
    "stage1_extended_to": ("stage 1 extension date", "extended to", "extension date", "extended deadline",
                           "revised response date", "new response date"),
    "stage1_extension_reason": ("extension reason", "reason for extension", "stage 1 reason for extension"),
    "stage1_extension_ombudsman_details": ("extension ombudsman details", "stage 1 extension ombudsman",
                                           "ombudsman details given with extension"),
    "stage1_response_date": ("stage 1 response", "stage 1 responded", "response date", "date responded",
                             "responded", "response sent", "date of response", "stage 1 response sent"),
    "stage1_outcome": ("outcome", "stage 1 decision", "decision", "result"),
    "escalation_requested_date": ("escalated", "escalation date", "date escalated", "stage 2 requested",
                                  "escalation requested", "stage 2 request date", "escalation request date"),
    "escalation_refused_reason": ("reason escalation refused", "escalation declined reason",
                                  "stage 2 refused reason", "escalation refusal reason"),
    "stage2_ack_date": ("stage 2 acknowledged", "stage 2 acknowledged on"),
    "stage2_definition": ("stage 2 defined", "stage 2 complaint definition"),
    "stage2_handler": ("stage 2 officer", "stage 2 investigator", "reviewing officer", "reviewer"),
    "stage2_extended_to": ("stage 2 extension date", "stage 2 new response date"),
    "stage2_extension_reason": ("stage 2 reason for extension",),
    "stage2_extension_ombudsman_details": ("stage 2 extension ombudsman",),
    "stage2_response_date": ("stage 2 response", "stage 2 responded", "final response date", "final response",
                             "stage 2 response sent"),
    "stage2_outcome": ("final outcome", "stage 2 decision", "final decision"),
    "remedy": ("remedy offered", "remedies", "redress", "compensation", "put right", "resolution offered",
               "remedy agreed"),
    "remedy_due_date": ("remedy due", "remedy target date", "remedy deadline", "remedy due by"),
    "remedy_completed_date": ("remedy completed", "remedy complete", "date remedy completed",
                              "remedy completed on"),
    "disability_disclosed": ("disability", "disabled", "disability flag", "resident disabled"),
    "reasonable_adjustments": ("adjustments", "adjustments agreed", "adjustments made"),
    "adjustments_review_date": ("adjustments reviewed", "adjustments last reviewed", "adjustments review",
                                "last review date"),
    "ombudsman_referral_date": ("referred to ombudsman", "ombudsman referral", "date referred to ombudsman",
                                "housing ombudsman referral"),
    "complaint_failure_order": ("failure order", "cfo"),
    "satisfied": ("resident satisfied", "satisfaction", "satisfied with handling", "satisfied with complaint handling"),
}

#: One spelling for the words systems abbreviate or inflect differently.
_WORD = {
    "ack": "acknowledged", "ackd": "acknowledged", "acked": "acknowledged", "acknowledge": "acknowledged",
    "acknowledgement": "acknowledged", "acknowledgment": "acknowledged",
    "resp": "response", "responses": "response", "recd": "received", "rcvd": "received", "rec": "received",
    "receipt": "received", "ref": "reference", "refs": "reference", "no": "number", "num": "number",
    "nbr": "number", "esc": "escalation", "escalated": "escalated", "ext": "extension", "extended": "extended",
    "req": "requested", "request": "requested", "stg": "stage", "st": "stage", "dt": "date", "dte": "date",
    "ombs": "ombudsman", "hos": "ombudsman", "adj": "adjustments", "adjustment": "adjustments",
    "first": "1", "1st": "1", "one": "1", "second": "2", "2nd": "2", "two": "2", "comp": "complaint",
    "compl": "complaint", "complaints": "complaint", "cat": "category", "dept": "area", "ra": "adjustments",
}
#: Words that say nothing about which column it is: "Accepted (Y/N)", "Received (dd/mm/yyyy)".
_NOISE = frozenset({"y", "n", "yn", "s", "the", "of", "to", "dd", "mm", "yy", "yyyy", "flag", "tick"})
_STAGE_NUMBER = re.compile(r"\bstage ([0-9])\b")


def _words(text: str) -> str:
    """Header or synonym as plain words: "Stage1 Ack'd (dd/mm/yyyy)" -> "stage 1 acknowledged"."""
    s = text.strip().lstrip("\ufeff").lower().replace("'", "")
    s = re.sub(r"\b(?:yes\s*/\s*no|y\s*/\s*n)\b", " ", s)  # "Satisfied (Yes/No)"
    s = re.sub(r"([a-z])([0-9])", r"\1 \2", s)
    s = re.sub(r"([0-9])(?!st|nd)([a-z])", r"\1 \2", s)
    words = re.sub(r"[^a-z0-9]+", " ", s).split()
    out = []
    for i, word in enumerate(words):
        if word == "s" and i + 1 < len(words) and words[i + 1].isdigit():
            word = "stage"  # S1, S2
        word = _WORD.get(word, word)
        if word not in _NOISE:
            out.append(word)
    return " ".join(out)


def _stage_of(canonical: str) -> str | None:
    """The stage a canonical column belongs to, as a header would name it."""
    if canonical.startswith("stage1_"):
        return "1"
    if canonical.startswith(("stage2_", "escalation_")):
        return "2"
    return None


_NAMES: dict[str, tuple[str, ...]] = {
    c: tuple(dict.fromkeys([_words(c), *map(_words, SYNONYMS.get(c, ()))])) for c in COLUMNS
}


#: Words of a date a step should happen by ("Ack Due", "Target Response Date", "SLA date"): a
#: deadline, never the date the step was taken, which the Code's timescales are judged on.
_PLANNED = frozenset({"due", "target", "targets", "deadline", "sla", "expected", "planned", "promised", "by"})
_EXTENDED = frozenset({"extended", "extension", "revised", "new"})
"""With these, a deadline is an extension's (stage1_extended_to): "Extended Target Date"."""
#: Words that tell little on their own: most columns are dates of some stage.
_WEAK = frozenset({"date", "stage", "1", "2", "on"})
_WORD_MATCH = 80
"""Two words are the same word at this rapidfuzz ratio or more ("recieved" and "received": 88);
words of three letters or fewer must be equal."""


def _word_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if min(len(a), len(b)) <= 3:
        return 0.0
    ratio = fuzz.ratio(a, b)
    return ratio / 100 if ratio >= _WORD_MATCH else 0.0


def _weight(word: str) -> float:
    return 0.5 if word in _WEAK else 1.0


def words_score(header_words: str, name_words: str) -> float:
    """0..100: the share of both word lists that the other matches (each word once; "stage",
    "date" and stage numbers count half), so word order does not matter and an extra or
    missing word costs in proportion."""
    a, b = header_words.split(), name_words.split()
    if not a or not b:
        return 0.0
    pairs = sorted(((_word_similarity(x, y), i, j) for i, x in enumerate(a) for j, y in enumerate(b)), reverse=True)
    used_a, used_b, matched = set(), set(), 0.0
    for sim, i, j in pairs:
        if sim <= 0:
            break
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        matched += sim * (_weight(a[i]) + _weight(b[j]))
    return 100 * matched / (sum(map(_weight, a)) + sum(map(_weight, b)))


def name_score(header: str, canonical: str) -> int:
    """0..100: how well the header's words name the canonical column."""
    words = _words(header)
    if not words:
        return 0
    best = max(words_score(words, name) for name in _NAMES[canonical])
    said = _STAGE_NUMBER.search(words)
    meant = _stage_of(canonical)
    if said and meant and said[1] != meant:
        best -= 40  # "Stage 2 Acknowledged" is not stage1_ack_date, however alike the words
    said_words = set(words.split())
    if _PLANNED & said_words and canonical in DATE_COLUMNS and canonical != "remedy_due_date" and not (
            canonical.endswith("_extended_to") and _EXTENDED & said_words):
        best -= 60  # "Ack Due", "Target Response Date": when a step should happen, not when it did
    if canonical == "remedy_due_date" and said_words & {"response", "acknowledged", "stage", "escalation"}:
        best -= 60  # "Target Response Date" is a response's deadline, not a remedy's
    return max(0, round(best))


# -- the values under a header --------------------------------------------------------

_FEW = 5
"""Fewer values than this under a header say nothing either way of its type."""


@dataclass
class ValueProfile:
    """What the values under one header are, counted over the rows read (never the values themselves)."""

    filled: int = 0
    dates: int = 0
    yes_no: int = 0
    stages: int = 0
    record_types: int = 0
    distinct: int = 0


def _is_date(text: str) -> bool:
    for month_first in (False, True):
        try:
            if parse_date(text, month_first) is not None:
                return True
        except UnreadableValue:
            continue
    return False


def _is_yes_no(text: str) -> bool:
    try:
        return parse_yes_no(text) is not None
    except UnreadableValue:
        return False


def _is_record_type(text: str) -> bool:
    key = " ".join(text.strip().lower().replace("-", " ").replace("_", " ").split())
    return "complaint" in key or key in SERVICE_REQUEST_LABELS


def profile(values: list[str]) -> ValueProfile:
    filled = [v for v in values if v.strip()]
    return ValueProfile(
        filled=len(filled),
        dates=sum(map(_is_date, filled)),
        yes_no=sum(map(_is_yes_no, filled)),
        stages=sum(1 for v in filled if read_stage(v) is not None),
        record_types=sum(map(_is_record_type, filled)),
        distinct=len(set(filled)),
    )


def value_fit(canonical: str, values: ValueProfile) -> tuple[int, str]:
    """How the values fit the column's type: a score adjustment and the words saying why."""
    kind = COLUMNS[canonical][0]
    n = values.filled
    if not n:
        return 0, "no values in the rows read"
    few = n < _FEW
    if kind == DATE:
        share, what = values.dates, "dates"
    elif kind == YES_NO:
        share, what = values.yes_no, "yes/no"
    elif canonical == "stage":
        share, what = values.stages, "stage labels codecheck reads"
    elif canonical == "record_type":
        share, what = values.record_types, "complaint or service request"
    else:
        if values.dates >= 0.9 * n and not few:
            return -30, f"{values.dates} of {n} values are dates, not text"
        if values.yes_no >= 0.9 * n and not few and canonical not in ("stage1_definition", "stage2_definition"):
            return -20, f"{values.yes_no} of {n} values are yes/no, not text"
        if canonical == "case_id" and not few:
            if values.distinct >= 0.9 * n:
                return 5, f"{values.distinct} of {n} values are different"
            return -20, f"only {values.distinct} of {n} values are different, as a case id's would be"
        return 0, f"{n} values"
    said = f"{share} of {n} values are {what}"
    if few:
        return 0, f"{said} (too few to judge by)"
    if share >= 0.9 * n:
        return 5, said
    if share >= 0.5 * n:
        return 0, said
    return -40, "only " + said


# -- the guess --------------------------------------------------------------------------


@dataclass
class Guess:
    canonical: str
    header: str
    name: int
    """0..100 name similarity."""
    confidence: int
    """0..100: the name score adjusted by how the values fit."""
    evidence: str
    """Why, in words, e.g. "92% name match, 240 of 240 values are dates"."""

    @property
    def confident(self) -> bool:
        return self.confidence >= CONFIDENT


@dataclass
class Mapping:
    guesses: list[Guess]
    """One per canonical column guessed, in the order of COLUMNS."""
    unmapped: list[str]
    """Headers no canonical column was guessed for, in the file's order."""
    rows: int
    """Data rows the values were judged on."""
    date_order: str | None = None
    """"dmy" or "mdy" where the date columns' slash dates show it, else None."""
    date_order_evidence: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def columns(self) -> dict[str, str]:
        """The confident guesses: what the written file maps."""
        return {g.canonical: g.header for g in self.guesses if g.confident}


def guess_mapping(header: list[str], rows: list[list[str]]) -> Mapping:
    """Pair the export's headers with canonical columns, one to one, best scores first."""
    _refuse_data_as_header(header)
    seen: set[str] = set()
    usable: list[int] = []  # a blank header, or a repeat of one, cannot be named in the mapping
    notes = []
    for i, name in enumerate(header):
        key = normalise_header(name)  # as the readers and the configuration compare headers
        if key and key not in seen:
            usable.append(i)
            seen.add(key)
        elif key:
            notes.append(f"the header {json.dumps(name.strip(), ensure_ascii=False)} appears more than once; "
                         "only its first column can be mapped")
    profiles = {i: profile([r[i] if i < len(r) else "" for r in rows]) for i in usable}
    candidates: list[tuple[int, int, int, int, str]] = []
    for ci, canonical in enumerate(COLUMNS):
        for i in usable:
            name = name_score(header[i], canonical)
            if name < FLOOR:
                continue
            adjust, said = value_fit(canonical, profiles[i])
            confidence = max(0, min(100, name + adjust))
            candidates.append((confidence, name, ci, i, said))
    # best first; on a tie the better name, then the earlier column and header
    candidates.sort(key=lambda c: (-c[0], -c[1], c[2], c[3]))
    taken_columns: set[str] = set()
    taken_headers: set[int] = set()
    chosen: dict[str, Guess] = {}
    for confidence, name, ci, i, said in candidates:
        canonical = list(COLUMNS)[ci]
        if canonical in taken_columns or i in taken_headers:
            continue
        taken_columns.add(canonical)
        taken_headers.add(i)
        chosen[canonical] = Guess(canonical, header[i].strip(), name, confidence, f"{name}% name match, {said}")
    guesses = [chosen[c] for c in COLUMNS if c in chosen]
    unmapped = [header[i].strip() for i in usable if i not in taken_headers]
    mapping = Mapping(guesses=guesses, unmapped=unmapped, rows=len(rows), notes=notes)
    _date_order(mapping, header, rows, profiles)
    return mapping


def _refuse_data_as_header(header: list[str]) -> None:
    """A first row of dates or long numbers is a case, not a header: its cells must not be
    written into codecheck.yaml, since they are a resident's record."""
    for i, cell in enumerate(header):
        text = cell.strip()
        digits = sum(c.isdigit() for c in text)
        if text and (_is_date(text) or digits >= 5 or (digits >= 3 and not any(c.isalpha() for c in text))):
            raise InputError("", f"the header row looks like data, not column names (field {i + 1} holds "
                                 f"{describe_shape(text)}); is the header row missing?")


def _date_order(mapping: Mapping, header: list[str], rows: list[list[str]], profiles: dict) -> None:
    """Set the date order from the slash dates of the columns guessed to be dates."""
    index = {header[i].strip(): i for i in profiles}
    day_first: list[tuple[str, str]] = []
    month_first: list[tuple[str, str]] = []
    slashed = 0
    for guess in mapping.guesses:
        i = index[guess.header]
        if COLUMNS[guess.canonical][0] != DATE or profiles[i].dates < 0.5 * max(profiles[i].filled, 1):
            continue
        for row in rows:
            value = row[i].strip() if i < len(row) else ""
            order = slash_date_order([value]) if value else None
            slashed += "/" in value
            if order == "dmy":
                day_first.append((guess.header, value))
            elif order == "mdy":
                month_first.append((guess.header, value))
    mapping.date_order = slash_date_order([v for _, v in day_first + month_first])
    if mapping.date_order == "mdy":
        column, value = month_first[0]
        mapping.date_order_evidence = (
            f"month first: {len(month_first)} slash date(s) can only be read month first "
            f"(\"{column}\" holds {value}, and there is no month {value.split('/')[1]}), none only day first")
    elif mapping.date_order == "dmy":
        column, value = day_first[0]
        mapping.date_order_evidence = (
            f"day first: {len(day_first)} slash date(s) can only be read day first "
            f"(\"{column}\" holds {value}, and there is no month {value.split('/')[0]}), none only month first")
    elif day_first and month_first:
        mapping.date_order_evidence = (
            f"the data did not tell: {len(day_first)} slash date(s) read only day first and "
            f"{len(month_first)} only month first (\"{month_first[0][0]}\" holds {month_first[0][1]}); "
            "check how the export writes dates")
    elif slashed:
        mapping.date_order_evidence = (
            f"the data did not tell: none of the {slashed} slash date(s) in the date columns has a day "
            "above 12, so either order reads them; left unset")
    else:
        mapping.date_order_evidence = (
            "the date columns hold no slash dates (ISO dates, dates with a month name and Excel "
            "date cells read the same either way); left unset")


# -- the file -------------------------------------------------------------------------------


def _quoted(text: str) -> str:
    return json.dumps(" ".join(text.split()), ensure_ascii=False)


def columns_yaml(mapping: Mapping) -> str:
    """The `columns:` value: confident guesses as entries, others commented out, unmapped headers listed."""
    confident = [g for g in mapping.guesses if g.confident]
    width = min(44, max((len(g.canonical) + len(_quoted(g.header)) for g in mapping.guesses), default=0) + 4)
    lines = [f"# Guessed from the export's headers and {mapping.rows} data row(s): each entry says how sure the",
             f"# guess is. Entries at {CONFIDENT}% or more are in use; those below are commented out: check",
             "# them, then remove the \"# \" to use one (or delete it)."]
    if not confident:
        lines.append("# None was sure enough to use: replace the {} below with the lines you keep.")
        lines.append("columns: {}")
    else:
        lines.append("columns:")
    for g in mapping.guesses:
        entry = f"{g.canonical}: {_quoted(g.header)}"
        pad = " " * max(1, width - len(entry))
        if g.confident:
            lines.append(f"  {entry}{pad}# {g.confidence}%: {g.evidence}")
        else:
            lines.append(f"  # {entry}{pad}# {g.confidence}%, to confirm: {g.evidence}")
    missing = [c for c in REQUIRED if c not in mapping.columns]
    if missing:
        lines.append(f"  # REQUIRED and not mapped yet: {', '.join(missing)} (`codecheck columns` says what each holds)")
    if mapping.unmapped:
        lines.append("  # Headers not mapped to any column (codecheck does not read them):")
        lines.append("  #   " + ", ".join(_quoted(h) for h in mapping.unmapped))
    return "\n".join(lines)


def date_order_yaml(mapping: Mapping) -> str:
    said = f"From the data, {mapping.date_order_evidence}." if mapping.date_order else (
        f"From the data: {mapping.date_order_evidence}.")
    comment = "\n".join("# " + line for line in textwrap.wrap(said, 94, break_long_words=False, break_on_hyphens=False))
    return f"{comment}\ndate_order: {mapping.date_order or 'null'}"


def render_config(mapping: Mapping, export: str) -> str:
    from codecheck.starter import HEAD, starter_config

    head = HEAD + (f"# `codecheck init --from {Path(export).name}` guessed `columns:` and `date_order:` from that "
                   "export:\n# check them before relying on a report.\n")
    return starter_config({"columns": columns_yaml(mapping), "date_order": date_order_yaml(mapping)}, head=head)


@dataclass
class Written:
    text: str
    summary: str
    mapping: Mapping


def config_from_export(export: Path, directory: Path) -> Written:
    """The text of a codecheck.yaml for `export` and a one-line summary; InputError if it cannot be read."""
    from codecheck.readers.preview import preview
    from codecheck.starter import FILE_NAME

    export = Path(export)
    if not export.exists():
        raise InputError(str(export), "no such file")
    if export.is_dir():
        raise InputError(str(export), "is a folder; give one export file")
    if export.resolve() == (Path(directory) / FILE_NAME).resolve():
        raise UsageError(f"{export} is the file init would write; give the case-record export")
    seen = preview(export, Config(), ROWS)
    try:
        mapping = guess_mapping(seen.header, seen.rows)
    except InputError as exc:
        raise InputError(str(export), exc.message, location=str(seen.header_row)) from None
    mapping.notes = list(seen.notes) + mapping.notes
    text = render_config(mapping, str(export))
    confident = len(mapping.columns)
    doubtful = len(mapping.guesses) - confident
    parts = [f"{confident} column(s) mapped from {Path(export).name}"]
    if doubtful:
        parts.append(f"{doubtful} guess(es) commented out to confirm")
    if mapping.unmapped:
        parts.append(f"{len(mapping.unmapped)} header(s) unmapped")
    parts.append(f"date_order {mapping.date_order or 'not set (the data did not tell)'}")
    missing = [c for c in REQUIRED if c not in mapping.columns]
    summary = "; ".join(parts)
    if missing:
        summary += f". Map {', '.join(missing)} in it before checking: they are required"
    if mapping.notes:
        summary += ". Note: " + "; ".join(mapping.notes)
    return Written(text=text, summary=summary, mapping=mapping)
