"""`codecheck columns`: the canonical case-record columns, as text, JSON or Markdown.

For each column of :data:`codecheck.columns.COLUMNS`: what it means, its type,
the values codecheck reads in it, whether it is required, and the case rules
that need it or read it when present (from the rule registry, so a plugin's
case rules are listed too). ``docs/columns.md`` is this module's Markdown
output for codecheck's own rules (a test keeps the two equal).
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field

from codecheck.columns import COLUMNS, DATE, REQUIRED, YES_NO
from codecheck.records import SERVICE_REQUEST_LABELS
from codecheck.rules import CASES, Rule
from codecheck.values import NO, YES

FORMATS = ("text", "json", "markdown")
WIDTH = 100

#: Date cells as exports write them; each reads as 1 May 2024 (tests/test_columns_command.py checks it).
DATE_EXAMPLES = ("2024-05-01", "01/05/2024", "1/5/24", "1 May 2024", "01-May-2024", "1st May 2024",
                 "01/05/2024 00:00")
#: The same date written month first: read so only with ``date_order: mdy``.
MDY_EXAMPLE = "05/01/2024"

#: Stage labels and the stage codecheck reads in them (checked against read_stage by the tests).
STAGE_EXAMPLES: tuple[tuple[str, int | None], ...] = (
    ("Stage 1", 1), ("S1", 1), ("1", 1), ("First stage", 1), ("Stage II", 2), ("Level 2", 2),
    ("Final", 2), ("Stage 3", 3), ("Informal", 0), ("Pre-complaint", 0),
    ("Closed", None), ("Withdrawn", None), ("Referred to Ombudsman", None),
)

#: Further words on a text column's values, where the meaning does not say them.
TEXT_NOTES = {
    "case_id": "any text; a case id used by more than one row is reported (CD003)",
    "category": "any text; `categories:` in codecheck.yaml names those `codecheck report` shows",
    "stage1_handler": "a name or staff id, compared with stage2_handler",
    "stage2_handler": "a name or staff id, compared with stage1_handler",
    "stage1_definition": "any text; \"yes\" when the export only records that it was done",
    "stage2_definition": "any text; \"yes\" when the export only records that it was done",
}


#: A fuller meaning where columns.py's is only a note on blanks.
MEANINGS = {"accepted": "the complaint was accepted into the complaints procedure (blank = yes)"}


@dataclass
class ColumnDoc:
    name: str
    type: str
    provision: str
    meaning: str
    required: bool
    accepted: str
    needed_by: list[Rule] = field(default_factory=list)
    read_by: list[Rule] = field(default_factory=list)


def _words(items: Iterable[str]) -> str:
    # yes, y, true, 1 / no, n, false, 0 / service request, ..., sr
    order = sorted(items, key=lambda w: (w.isdigit(), w not in ("yes", "no"), len(w) if " " not in w else -len(w), w))
    return ", ".join(f'"{w}"' for w in order)


def accepted_values(name: str, kind: str) -> str:
    """What codecheck reads in the column `name` of type `kind`, in one sentence."""
    if kind == DATE:
        iso, *others = DATE_EXAMPLES
        return (f"a date: {iso}, " + ", ".join(others) + " (a time after the date is ignored) or an Excel date "
                f"cell; slash dates are day first ({MDY_EXAMPLE} is 5 January) unless codecheck.yaml says "
                "`date_order: mdy`; blank = not recorded")
    if kind == YES_NO:
        blank = "yes" if name == "accepted" else "not recorded"
        return (f"yes: {_words(YES)}; no: {_words(NO)} (any case; a word followed by a note, "
                f"'Yes - by phone', is read by the word); blank = {blank}")
    if name == "stage":
        labels = {None: "not a stage", 0: "an extra stage before stage 1 (CR502)", 3: "a third stage (CR503)"}
        groups: dict[int | None, list[str]] = {}
        for text, number in STAGE_EXAMPLES:
            groups.setdefault(number, []).append(f'"{text}"')
        shown = "; ".join(f"{labels.get(number, f'stage {number}')}: {', '.join(texts)}"
                          for number, texts in groups.items())
        return (f"a stage label, such as {shown}; a label codecheck cannot read is reported (CD005) unless "
                "`stage_labels:` in codecheck.yaml gives its stage (`stage_labels: {Formal: 1, Review: 2}`)")
    if name == "record_type":
        return ("complaint: blank, or any label with the word complaint (\"Formal complaint\"); service request: "
                f"{_words(SERVICE_REQUEST_LABELS)}; anything else is reported (CD005)")
    return TEXT_NOTES.get(name, "any text; blank = not recorded")


def describe_columns(rules: Iterable[Rule]) -> list[ColumnDoc]:
    """Every canonical column with the case rules (kind "cases") that need or read it."""
    case_rules = sorted((r for r in rules if CASES in r.kinds), key=lambda r: r.id)
    docs = []
    for name, (kind, provision, meaning) in COLUMNS.items():
        docs.append(ColumnDoc(
            name=name, type=kind, provision=provision, meaning=MEANINGS.get(name, meaning), required=name in REQUIRED,
            accepted=accepted_values(name, kind),
            needed_by=[r for r in case_rules if name in r.columns],
            read_by=[r for r in case_rules if name in r.reads and name not in r.columns],
        ))
    return docs


_KEEP = "\x00"  # a space a line must not break at: between a rule's id and its name


def _rule_names(rules: list[Rule]) -> str:
    return ", ".join(f"{r.id}{_KEEP}{r.name}" for r in rules) or "none"


def render_text(docs: list[ColumnDoc], width: int = WIDTH) -> str:
    def block(label: str, text: str) -> str:
        lead = f"  {label:<10} "
        text = re.sub(r'"[^"]*"|`[^`]*`', lambda m: m[0].replace(" ", _KEEP), text)  # quoted words stay whole
        return textwrap.fill(text, width, initial_indent=lead, subsequent_indent=" " * len(lead),
                             break_on_hyphens=False, break_long_words=False).replace(_KEEP, " ")

    out = []
    for doc in docs:
        tags = f"{doc.type}, {'required' if doc.required else 'optional'}, Code {doc.provision}"
        out.append(f"{doc.name}  ({tags})")
        out.append(block("Meaning:", doc.meaning))
        out.append(block("Values:", doc.accepted))
        out.append(block("Needed by:", _rule_names(doc.needed_by)))
        if doc.read_by:
            out.append(block("Read by:", _rule_names(doc.read_by)))
        out.append("")
    required = " and ".join(REQUIRED)
    out.append(textwrap.fill(
        f"{len(docs)} columns; {required} are required. Map your export's headers to them under `columns:` in "
        "codecheck.yaml; `codecheck init --from EXPORT` guesses the mapping. docs/columns.md has this list.", width))
    return "\n".join(out) + "\n"


def render_json(docs: list[ColumnDoc]) -> str:
    def rules(items: list[Rule]) -> list[dict]:
        return [{"id": r.id, "name": r.name, "provision": r.provision} for r in items]

    rows = [{"name": d.name, "type": d.type, "provision": d.provision, "meaning": d.meaning, "required": d.required,
             "accepted": d.accepted, "needed_by": rules(d.needed_by), "read_by": rules(d.read_by)} for d in docs]
    return json.dumps(rows, indent=2) + "\n"


MARKDOWN_HEAD = """\
<!-- Generated by `codecheck columns --format markdown > docs/columns.md`. Do not edit by hand:
     tests/test_columns_command.py fails when this file and the command's output differ. -->

# Case-record columns

The columns codecheck reads in a case-record export (CSV or Excel), by their canonical names.
Only {required} are required; a rule whose needed columns are absent from a
file is reported as not evaluated, never as passed. An export's own headers are mapped to these names under
`columns:` in `codecheck.yaml`; a header that matches a canonical name when case, spaces and
punctuation are ignored ("Case ID" for `case_id`) needs no entry, and
`codecheck init --from EXPORT` writes a first guess of the mapping from an export's headers.

*Needed by*: the rules that need the column (without it they are not evaluated). *Read by*: rules
that use it when present. Rule ids link to [rules.md](rules.md). The data rules (CD001 to CD005)
check values of any column: unreadable dates and yes/no values, dates in an impossible order,
duplicate case ids, unrecognised stage and record-type labels. `codecheck columns` prints this
list in a terminal.
"""


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|")


def _md_rules(rules: list[Rule]) -> str:
    return ", ".join(f"[{r.id}](rules.md#{r.id.lower()}) {r.name}" for r in rules) or "none"


def render_markdown(docs: list[ColumnDoc]) -> str:
    required = " and ".join(f"`{c}`" for c in REQUIRED)
    parts = [MARKDOWN_HEAD.format(required=required), "| Column | Type | Required | Code | Meaning |",
             "|---|---|---|---|---|"]
    for d in docs:
        parts.append(f"| [`{d.name}`](#{d.name}) | {d.type} | {'yes' if d.required else 'no'} | {d.provision} "
                     f"| {_md_escape(d.meaning)} |")
    for d in docs:
        said = (f"{d.meaning[:1].upper()}{d.meaning[1:]}. Type: {d.type}; "
                f"{'required' if d.required else 'optional'}; Code {d.provision}.")
        parts += ["", f"## {d.name}", "", said, "",
                  f"- Values: {d.accepted}.",
                  f"- Needed by: {_md_rules(d.needed_by)}."]
        if d.read_by:
            parts.append(f"- Read by: {_md_rules(d.read_by)}.")
    return "\n".join(parts) + "\n"


def render(rules: Iterable[Rule], fmt: str = "text") -> str:
    """The column list in `fmt` (text, json or markdown)."""
    docs = describe_columns(rules)
    if fmt == "json":
        return render_json(docs)
    if fmt == "markdown":
        return render_markdown(docs)
    if fmt == "text":
        return render_text(docs)
    raise ValueError(f"unknown format {fmt!r}")
