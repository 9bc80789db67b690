"""Read a self-assessment form into entries: provision, requirement, answer, evidence, commentary.

Published forms come in a few layouts, all handled here from the located
:class:`~codecheck.documents.Block` s the document readers give:

* **rows**: tab-separated text (a PDF table pasted as text), Markdown pipe
  tables and tables found by pdfplumber. A row whose first cell is a provision
  number starts an entry; a row whose first cell is empty continues the entry
  above column by column (a requirement wrapped over a page break, a sub-item
  list); a header row ("Code provision", "Code requirement", "Comply", ...)
  says which column is which. The tabs and pipes the readers fold into spaces
  are recovered from the file itself.
* **cells**: a Word table, one block per non-empty cell (python-docx order:
  row by row, left to right). A cell holding a provision number starts an
  entry; the next cell is its requirement; a cell that says Yes / No /
  In progress is the answer; the cells after it are evidence and commentary.
* **lines**: text, web pages and a PDF's text layer: a line starting with a
  provision number (``9.1``, ``6.3Landlords must...``) starts an entry; the
  lines after it are the requirement until an answer, which may stand on a line
  of its own (``Yes``), start one (``YesTo be implemented...``) or be glued to
  the end of the requirement (``...their findings.YesTo be...``); the rest is
  commentary. For a PDF whose text layer gives no usable rows, pdfplumber's
  table extraction is tried as well, and the better reading kept.

The requirement text is compared with the Code's words (:class:`CodeText`, word
lists and :mod:`difflib`, so wrapping, quotes, split words and dropped words
do not matter), and :func:`detect_2022` tells a form against the superseded
2022 Code by its headings, section names, numbering and a third stage.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import os
import re
from dataclasses import dataclass, field
from typing import Iterable

from codecheck.documents.model import Block, Document, normalize_whitespace
from codecheck.lazy import Regex

# --- answers -------------------------------------------------------------------------

YES, NO, IN_PROGRESS, PARTIAL, NOT_APPLICABLE, UNCLEAR = "yes", "no", "in_progress", "partial", "n/a", "unclear"
ANSWER_LABELS = {
    YES: "Yes",
    NO: "No",
    IN_PROGRESS: "In progress",
    PARTIAL: "Partial",
    NOT_APPLICABLE: "N/A",
    UNCLEAR: "unclear",
}

# A whole cell or line that is nothing but an answer (after dropping punctuation).
_WHOLE_ANSWERS = {
    YES: {"yes", "y", "compliant", "complies", "comply", "fully compliant", "fully complies", "met",
          "yes compliant", "yes fully compliant", "compliant yes"},
    NO: {"no", "n", "not compliant", "non compliant", "noncompliant", "not met", "does not comply",
         "no not compliant"},
    IN_PROGRESS: {"in progress", "inprogress", "ongoing", "work in progress", "wip", "in progress partial"},
    PARTIAL: {"partial", "partially", "partly", "partially compliant", "partially met", "partly compliant",
              "partially complies", "partial compliance"},
    NOT_APPLICABLE: {"n a", "na", "not applicable"},
}
_WHOLE = {text: kind for kind, texts in _WHOLE_ANSWERS.items() for text in texts}

# A tick or a cross in the answer column: published forms tick the provisions they meet.
_YES_TICKS, _NO_TICKS = "\u2713\u2714\u2611\u2705", "\u2717\u2718\u2612\u274c"
_TOKEN = (
    rf"(?i:[{_YES_TICKS}{_NO_TICKS}]|in[ \t\-]*progress|partially[ \t]+compliant|partially|partial|not[ \t]+applicable|n/a"
    r"|not[ \t]+compliant|non[ \t\-]*compliant|yes|no)"
)
# An answer at the start of a cell or line: alone, before punctuation, glued to the
# next sentence ("YesTo be implemented") or before a capitalised word ("Yes Policy 4").
_ANSWER_START = Regex(
    rf"^\s*(?P<tok>{_TOKEN})(?:\s*$|(?=[A-Z])|\s*[.,;:!)\]|\-\u2013\u2014]+\s*|\s+(?=[A-Z0-9'\"\u2018\u201c(\[]))"
)
# An answer glued to the end of the requirement: "...report on their findings.YesTo be ..."
_ANSWER_GLUED = Regex(
    rf"(?<=[.;:!?'\"\u2019\u201d)\]])\s*(?P<tok>{_TOKEN})(?:\s*$|(?=[A-Z])|\s+(?=[A-Z]))"
)


# An answer after a label: "Compliance:   YES", "Do we comply  Yes", "Status - In progress".
_ANSWER_LABELLED = Regex(
    rf"^\s*(?i:(?:do\s+we\s+comply|compliance|comply|compliant|complies|status|answer|rag(?:\s+rating)?|rating|met)"
    rf"(?:\s*\(?(?:yes\s*/\s*no|y\s*/\s*n)\)?)?)\s*[:\-\u2013?]?\s+(?P<tok>{_TOKEN}|(?i:y|n))\b\.?(?P<after>.*)$"
)


def normalise_answer(text: str | None) -> str | None:
    """"Yes", "Y", "In progress", "Partially", "N/A" ... as one of YES, NO, IN_PROGRESS,
    PARTIAL, NOT_APPLICABLE; UNCLEAR for other words; None for a blank."""
    if text is None:
        return None
    if text.strip() and all(ch in _YES_TICKS or ch in _NO_TICKS or ch.isspace() for ch in text):
        return YES if any(ch in _YES_TICKS for ch in text) else NO
    flat = " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())
    if not flat:
        return None
    if flat in _WHOLE:
        return _WHOLE[flat]
    labelled = _ANSWER_LABELLED.match(text)
    if labelled:
        return _token_kind(labelled.group("tok"))
    match = _ANSWER_START.match(text)
    if match:
        return _token_kind(match.group("tok"))
    return UNCLEAR


def _token_kind(token: str) -> str:
    if token.strip() and token.strip()[0] in _YES_TICKS + _NO_TICKS:
        return YES if token.strip()[0] in _YES_TICKS else NO
    flat = " ".join(re.sub(r"[^a-z/]+", " ", token.lower()).split())
    if flat in ("y", "n"):
        return YES if flat == "y" else NO
    if flat.startswith("in"):
        return IN_PROGRESS
    if flat.startswith("partial"):
        return PARTIAL
    if flat in ("n/a", "not applicable"):
        return NOT_APPLICABLE
    if flat.startswith(("no", "non")):
        return NO
    return YES


# --- provision numbers -----------------------------------------------------------------

# "6.3", "6.3 Landlords", "6.3Landlords", "6.9(a)", "Code section 1.2", "9.1:"; not "6.30.2",
# not "31.03.2025", not "5.2 of our policy" (see _entry_start). "Code 1.4" and "CHC 1.4" are numbers too.
_NUMBER = Regex(
    r"^\s*(?:(?i:(?:code\s+)?(?:section|provision|para(?:graph)?|ref(?:erence)?)|code|chc)\.?\s+)?"
    r"(?P<num>[1-9]\.\d{1,2})(?!\d|\.\d)"
    r"(?:\s*\((?P<item>[a-gA-G])\)|(?P<item2>[a-g])(?=[.)]|\s*$))?"
    r"\s*[:.)\-\u2013\u2014]?(?P<rest>.*)$",
    re.DOTALL,
)


def _entry_start(text: str) -> tuple[str, str | None, str] | None:
    """(number, item letter, the text after it) when `text` starts an entry."""
    match = _NUMBER.match(text)
    if not match:
        return None
    rest = match.group("rest")
    stripped = rest.strip()
    item = match.group("item") or match.group("item2")
    if stripped and not item:
        glued = text[match.end("num"):match.end("num") + 1]
        if glued.isalnum() and not glued.isupper():
            return None  # "6.3of" is not a number
        if stripped[0].islower():
            return None  # "5.2 of our policy says ..." is commentary, not an entry
    return match.group("num"), item.lower() if item else None, normalize_whitespace(rest)


def number_key(number: str) -> tuple[int, int]:
    major, minor = number.split(".")
    return int(major), int(minor)


# --- the entries ---------------------------------------------------------------------


@dataclass
class Entry:
    """One provision as the form assesses it."""

    number: str
    """The provision number as the form gives it ("6.3")."""
    requirement: str
    """The requirement text the form quotes (wrapped lines joined)."""
    answer: str | None
    """YES, NO, IN_PROGRESS, PARTIAL, NOT_APPLICABLE, UNCLEAR, or None when blank."""
    answer_text: str = ""
    """The answer as written."""
    evidence: str = ""
    commentary: str = ""
    block: Block | None = None
    """Where the entry starts (its number)."""
    item: str | None = None
    """A lettered sub-item ("a" for "6.9(a)") when the form assesses items one by one."""

    @property
    def section(self) -> int:
        return int(self.number.split(".")[0])

    @property
    def reference(self) -> str:
        return f"{self.number}({self.item})" if self.item else self.number

    @property
    def explanation(self) -> str:
        """Evidence and commentary together: what the form says besides the answer."""
        return normalize_whitespace(f"{self.evidence} {self.commentary}")


@dataclass
class Superseded:
    """Why a form looks like a self-assessment against the 2022 Code."""

    reasons: list[str]
    block: Block | None = None


@dataclass
class Form:
    document: Document
    entries: list[Entry] = field(default_factory=list)
    layout: str = "lines"
    """"rows" (tab / pipe text), "cells" (a Word table), "lines", or "pdf-tables" (pdfplumber)."""
    headings: list[Block] = field(default_factory=list)
    superseded: Superseded | None = None

    def numbers(self) -> set[str]:
        return {e.number for e in self.entries}

    @functools.cached_property
    def texts(self) -> dict[int, tuple[Match, list[tuple[Match, str]]]]:
        """:func:`text_findings` of the entries, worked out once."""
        return text_findings(self.entries)


# --- the Code's words ------------------------------------------------------------------

_QUOTES = str.maketrans({c: "'" for c in "\u2018\u2019\u201a\u201b\u2032`"} | {c: '"' for c in "\u201c\u201d\u201e"})
_WORD = Regex(r"[a-z0-9]+")
_LETTER_ITEM = Regex(r"(?:(?<=\s)|^)\(?[a-g][.)]\s")


def words(text: str) -> list[str]:
    """Lower-case words for matching: no punctuation, quotes or item letters ("a.")."""
    text = _LETTER_ITEM.sub(" ", text.translate(_QUOTES).lower())
    return [w for w in _WORD.findall(text) if len(w) > 1 or w.isdigit()]


@dataclass(frozen=True)
class Match:
    score: float
    """2 x matched words / (words of both): 1.0 is the same text."""
    precision: float
    """Share of the form's words found, in order, in the Code's."""
    recall: float
    """Share of the Code's words found, in order, in the form's."""


def similarity(form_words: list[str], code_words: list[str]) -> Match:
    if not form_words or not code_words:
        return Match(0.0, 0.0, 0.0)
    matcher = difflib.SequenceMatcher(None, form_words, code_words, autojunk=False)
    same = sum(block.size for block in matcher.get_matching_blocks())
    return Match(2 * same / (len(form_words) + len(code_words)), same / len(form_words), same / len(code_words))


class CodeText:
    """The 2024 Code's words for every provision (and lettered item), for matching."""

    def __init__(self) -> None:
        from codecheck.catalogue import load_catalogue

        self.catalogue = load_catalogue()
        self.words: dict[str, list[str]] = {}
        self.sets: dict[str, set[str]] = {}
        for p in self.catalogue.provisions:
            full = p.text + " " + " ".join(p.items.values())
            self.words[p.number] = words(full)
            for key, text in p.items.items():
                self.words[f"{p.number}({key})"] = words(text)
        self.sets = {k: set(v) for k, v in self.words.items()}

    def known(self, reference: str) -> bool:
        return reference in self.words

    def match(self, text_words: list[str], reference: str) -> Match:
        return similarity(text_words, self.words.get(reference, []))

    def best(self, text_words: list[str], *, exclude: str | None = None, limit: int = 6) -> list[tuple[Match, str]]:
        """The provisions whose words `text_words` matches best, best first (whole provisions only)."""
        if not text_words:
            return []
        mine = set(text_words)
        rough = sorted(
            ((len(mine & s) / max(1, len(mine | s)), ref) for ref, s in self.sets.items() if "(" not in ref and ref != exclude),
            reverse=True,
        )[:limit]
        found = [(self.match(text_words, ref), ref) for _, ref in rough]
        return sorted(found, key=lambda pair: (-pair[0].score, number_key(pair[1])))


@functools.lru_cache(maxsize=1)
def code_text() -> CodeText:
    return CodeText()


# --- noise and headings ---------------------------------------------------------------------

_PAGE_MARK = Regex(r"^(?:page\s+)?\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?$", re.IGNORECASE)
_HEADER_WORDS = {
    "code", "provision", "provisio", "section", "requirement", "requirements", "comply", "compliance",
    "yes", "no", "evidence", "commentary", "explanation", "explanations", "and", "any", "additional",
    "notes", "comments", "ref", "reference", "number",
}
_HEADER_KEYS = {"provision", "provisio", "requirement", "comply", "compliance", "evidence", "commentary", "explanation", "explanations"}
# Capitalised, so that a wrapped line such as "section 2 of this Code." stays in the requirement.
_STAGE_HEADING = Regex(r"^(?:Stage|STAGE)\s+(?:1|2|3|[Oo]ne|[Tt]wo|[Tt]hree)(?:\s+[Cc]omplaints?)?:?$")
_SECTION_HEADING = Regex(r"^(?:Section|SECTION)\s+(\d{1,2})\b\s*[:.\-\u2013\u2014]?\s*((?:[A-Z&].*)?)$")
_NUMBERED_TITLE = Regex(r"^(\d{1,2})\s*[:.)\-\u2013\u2014]?\s+(.+)$")
_MUST_HEADING = Regex(
    r"mandatory\s*['\"\u2018\u2019\u201c\u201d]?\s*must\s*['\"\u2018\u2019\u201c\u201d]?\s*requirements?", re.IGNORECASE
)
# The superseded Codes had "musts" and "shoulds"; the 2024 Code has only musts:
# "sets out 'musts' (mandatory) and 'shoulds' (discretionary) requirements".
_SHOULDS = Regex(
    r"['\"\u2018\u2019\u201c\u201d]?shoulds['\"\u2018\u2019\u201c\u201d]?\s*(?:\(\s*(?:discretionary|best\s+practice|optional)"
    r"|requirements?\b)|\bmusts\b['\"\u2018\u2019\u201c\u201d]?\s*(?:\([^)]{0,20}\)\s*)?(?:and|&)\s*['\"\u2018\u2019\u201c\u201d]?shoulds\b",
    re.IGNORECASE,
)
# The 2020 Code's form asked questions: "Does the complaints process use the following definition
# of a complaint?", "Is there a complaint policy ...?", "Are residents able to ...?".
_QUESTION_ROW = Regex(
    r"^(?:[1-9]\.\d{1,2}\s*[:.)\-]?\s*)?(?:Does|Do|Is|Are|Has|Have|Can|Will)\s+(?:the|a|an|there|residents?|"
    r"landlords?|your|all|staff)\b[^?]{10,300}\?",
)
_SHOULD_HEADING = Regex(
    r"best\s+practice\s*['\"\u2018\u2019\u201c\u201d]?\s*should\s*['\"\u2018\u2019\u201c\u201d]?\s*requirements?",
    re.IGNORECASE,
)

#: Section titles of the superseded 2022 Code (Housing Ombudsman, April 2022).
SECTIONS_2022 = {
    1: "Definition of a complaint",
    2: "Accessibility and awareness",
    3: "Complaint handling staff",
    4: "Complaint handling principles",
    5: "Complaint stages",
    6: "Putting things right",
    7: "Continuous learning and improvement",
    8: "Self-assessment and compliance",
}


def _flat(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower().replace("&", " and ")).split())


def _is_header_row(texts: Iterable[str]) -> bool:
    found = set()
    for text in texts:
        found |= set(_flat(text).split()) & _HEADER_KEYS
    return len(found) >= 2


def _is_noise(text: str) -> bool:
    """Page numbers, repeated column headings and their fragments (not a labelled answer,
    "Compliance: Yes")."""
    if _PAGE_MARK.match(text):
        return True
    if _ANSWER_LABELLED.match(text):
        return False
    flat = _flat(text)
    tokens = flat.split()
    if not tokens:
        return True
    if flat in ("yes no", "no", "yes") and "/" in text:
        return True  # "Yes / No", "/ No": a wrapped column heading
    if all(t in _HEADER_WORDS for t in tokens) and (set(tokens) & _HEADER_KEYS or flat in ("code", "code section")):
        return True
    # A whole header row on one line: "Code sectionCode requirementComply (Yes/No)Evidence, ..."
    return len(text) < 150 and _is_header_row([text]) and any(k in flat for k in ("requirement", "comply", "provision"))


def _section_titles_2024() -> dict[str, int]:
    return {_flat(s.title): s.number for s in code_text().catalogue.sections}


def heading_section(text: str) -> tuple[int | None, str] | None:
    """(section number or None, title) when the line is a section heading."""
    if len(text) > 120:
        return None
    match = _SECTION_HEADING.match(text)
    if match:
        return int(match.group(1)), match.group(2).strip()
    flat = _flat(text)
    titles = {_flat(t) for t in SECTIONS_2022.values()} | set(_section_titles_2024())
    match = _NUMBERED_TITLE.match(text)
    if match and _flat(match.group(2)) in titles:
        return int(match.group(1)), match.group(2).strip()
    if flat in titles:
        return None, text.strip()
    return None


def _is_heading(text: str) -> bool:
    return bool(
        heading_section(text)
        or _STAGE_HEADING.match(text.strip())
        or (len(text) < 80 and (_MUST_HEADING.search(text) or _SHOULD_HEADING.search(text)))
    )


# --- building entries ---------------------------------------------------------------------


@dataclass
class _Draft:
    number: str
    item: str | None
    block: Block | None
    requirement: list[str] = field(default_factory=list)
    answer: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    commentary: list[str] = field(default_factory=list)

    def entry(self) -> Entry:
        answer_text = normalize_whitespace(" ".join(self.answer))
        return Entry(
            number=self.number,
            item=self.item,
            requirement=normalize_whitespace(" ".join(self.requirement)),
            answer=normalise_answer(answer_text),
            answer_text=answer_text,
            evidence=normalize_whitespace(" ".join(self.evidence)),
            commentary=normalize_whitespace(" ".join(self.commentary)),
            block=self.block,
        )


# Column roles, from a header row's words.
NUMBER_COL, REQUIREMENT_COL, ANSWER_COL, EVIDENCE_COL, COMMENTARY_COL = "number", "requirement", "answer", "evidence", "commentary"
DEFAULT_ROLES = (NUMBER_COL, REQUIREMENT_COL, ANSWER_COL, EVIDENCE_COL, COMMENTARY_COL)


def _role(text: str) -> str:
    """Which column a header cell names: "Code provision", "Code requirement", "Comply: Yes / No", ..."""
    tokens = _flat(text).split()

    def has(*keys: str) -> bool:
        return any(t.startswith(keys) for t in tokens)

    if has("requirement"):
        return REQUIREMENT_COL
    if has("evidence"):
        return COMMENTARY_COL if has("comment", "explanation") else EVIDENCE_COL
    if has("comment", "explanation", "note", "action"):
        return COMMENTARY_COL
    if has("comply", "complies", "complian", "status", "answer") or any(t in ("yes", "met", "rag", "rating") for t in tokens):
        return ANSWER_COL
    if not tokens or has("provis", "section", "ref", "code", "number", "para", "clause") or tokens == ["no"]:
        return NUMBER_COL
    return COMMENTARY_COL


@dataclass
class _Row:
    cells: list[str]
    block: Block | None
    table: bool = True
    """False for a line of text between table rows (a heading, a title)."""


def _parse_rows(rows: list[_Row], headings: list[Block]) -> list[Entry]:
    """Tab / pipe / pdfplumber rows: a number in the first cell starts an entry,
    an empty first cell continues it column by column."""
    roles: tuple[str, ...] = DEFAULT_ROLES
    drafts: list[_Draft] = []
    current: _Draft | None = None
    for row in rows:
        cells = [normalize_whitespace(c) for c in row.cells]
        if not row.table or len(cells) < 2:
            text = " ".join(c for c in cells if c)
            if text and _is_heading(text) and row.block is not None:
                headings.append(row.block)
            continue
        if _is_header_row(cells) and not _entry_start(cells[0]):
            roles = tuple(_role(c) for c in cells)
            if REQUIREMENT_COL not in roles:
                roles = DEFAULT_ROLES
            continue
        start = _entry_start(cells[0]) if cells[0] else None
        if start:
            number, item, rest = start
            if rest:
                if len(cells) == len(roles) - 1:
                    cells = [number, rest, *cells[1:]]  # number glued to its text in one cell
                else:
                    cells = [number, rest + " " + (cells[1] if len(cells) > 1 else ""), *cells[2:]]
            current = _Draft(number, item, row.block)
            drafts.append(current)
        elif current is None:
            continue
        elif cells[0] and len(cells) == len(roles) - 1:
            cells = ["", *cells]  # a continuation whose leading empty cell was lost
        for index, cell in enumerate(cells):
            if not cell:
                continue
            role = roles[index] if index < len(roles) else COMMENTARY_COL
            if role == NUMBER_COL:
                if index == 0 and start:
                    continue
                role = REQUIREMENT_COL
            if role == ANSWER_COL:
                if current.answer and normalise_answer(" ".join(current.answer)) not in (None, UNCLEAR):
                    current.commentary.append(cell)  # a stray fragment after a clear answer
                else:
                    current.answer.append(cell)
            elif role == REQUIREMENT_COL:
                current.requirement.append(cell)
            elif role == EVIDENCE_COL:
                current.evidence.append(cell)
            else:
                current.commentary.append(cell)
    return _settle([d.entry() for d in drafts])


@dataclass
class _Item:
    text: str
    block: Block | None
    cell: bool = False
    """True for a whole table cell whose edges are known (a Word table)."""


def _split_answer(text: str, *, allow_glued: bool, whole_cell: bool = False) -> tuple[str, str, str] | None:
    """(requirement before, answer, text after) when `text` holds an answer. A whole table cell
    or line that is nothing but an answer is one, however short ("Y", "N", "Met", "N/A")."""
    if whole_cell and " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split()) in _WHOLE:
        return "", text.strip(), ""
    labelled = _ANSWER_LABELLED.match(text)
    if labelled:
        return "", labelled.group("tok"), labelled.group("after").strip()
    match = _ANSWER_START.match(text)
    if match:
        return "", match.group("tok"), text[match.end():].strip()
    if allow_glued:
        match = _ANSWER_GLUED.search(text)
        if match:
            return text[: match.start()].strip(), match.group("tok"), text[match.end():].strip()
    return None


def _quoted_number(start: tuple[str, str | None, str], previous: str) -> bool:
    """Is a number at the start of a line a paragraph of some other document, quoted in the
    evidence (not a Code row)? Only when it comes out of the form's order (a 5.1 after 6.13)
    and the words after it are a sentence that reads nothing like that provision's."""
    number, letter, rest = start
    if letter or number_key(number) >= number_key(previous):
        return False
    said = words(rest)
    own = code_text().words.get(number)
    return bool(own) and len(said) >= 6 and similarity(said, own).precision < 0.35


_LABEL_AT_END = Regex(r"\b(?i:paragraphs?|paras?|sections?|clauses?|parts?|points?|pages?|appendix|annex)\s*$")
_LOWER_LABEL = Regex(r"^\s*(?:paragraphs?|paras?|sections?|clauses?|parts?|points?)\s+\d")


def _reference_wrapped(text: str, start: tuple[str, str | None, str], before: str) -> bool:
    """Is a line that starts with a number the end of a reference in the evidence above it, wrapped
    onto a line of its own ("... Yes Policy paragraph" then "5.5"), or a reference written in
    lower case ("paragraph 1.5")? A form's own rows start with the number, or "Section 1.5"."""
    if _LOWER_LABEL.match(text):
        return True
    return not start[2] and bool(_LABEL_AT_END.search(before))


def _parse_stream(items: list[_Item], headings: list[Block], *, cells: bool) -> list[Entry]:
    """Lines of text or Word table cells, one entry starting at each provision number."""
    groups: list[tuple[str, str | None, Block | None, list[_Item]]] = []
    previous_text = ""
    for item in items:
        text = item.text
        before, previous_text = previous_text, text  # the line above, noise included ("section" / "5")
        if not text or _is_noise(text):
            continue
        if _is_heading(text) and not _entry_start(text):
            if item.block is not None:
                headings.append(item.block)
            continue
        start = _entry_start(text)
        if start and groups and _quoted_number(start, groups[-1][0]):
            start = None  # "5.1 An Operational Manager ..." quoted from a policy inside 6.13's evidence
        if start and not item.cell and _reference_wrapped(text, start, before):
            start = None  # "... Yes Policy paragraph" / "5.5": the evidence's own reference, wrapped
        if start:
            number, letter, rest = start
            parts: list[_Item] = [_Item(rest, item.block, item.cell)] if rest else []
            groups.append((number, letter, item.block, parts))
        elif groups:
            groups[-1][3].append(item)
    entries = [_stream_entry(number, letter, block, parts, cells=cells) for number, letter, block, parts in groups]
    return _settle(entries)


def _stream_entry(number: str, letter: str | None, block: Block | None, parts: list[_Item], *, cells: bool) -> Entry:
    draft = _Draft(number, letter, block)
    reference = f"{number}({letter})" if letter else number
    answer_at = None
    for index, part in enumerate(parts):
        # In a Word table the requirement is a cell of its own: only later cells can be the answer.
        if cells and part.cell and index == 0:
            continue
        split = _split_answer(part.text, allow_glued=not part.cell, whole_cell=True)
        if split:
            before, token, after = split
            answer_at = index
            draft.requirement.extend(p.text for p in parts[:index])
            if before:
                draft.requirement.append(before)
            draft.answer.append(token)
            rest = ([after] if after else []) + [p.text for p in parts[index + 1:]]
            break
    if answer_at is None:
        # No answer: the requirement is what reads like the Code's words for the number
        # (a Word table: the first cell); the rest is evidence and commentary.
        codes = code_text()
        own = codes.words.get(reference) or codes.words.get(number, [])
        take = 1 if parts else 0
        if parts and not (cells and parts[0].cell):
            so_far = words(parts[0].text)
            for part in parts[1:]:
                current = similarity(so_far, own)
                if not own or current.recall >= 0.95:
                    break
                longer = so_far + words(part.text)
                if similarity(longer, own).score <= current.score:
                    break
                so_far, take = longer, take + 1
        draft.requirement.extend(p.text for p in parts[:take])
        rest = [p.text for p in parts[take:]]
    if cells and len(rest) > 1:
        draft.evidence.append(rest[0])
        draft.commentary.extend(rest[1:])
    else:
        draft.commentary.extend(rest)
    return draft.entry()


def _settle(entries: list[Entry]) -> list[Entry]:
    """Move requirement text that a page break put above the next entry's number
    (a wrapped table row) to the entry it belongs to: the cut that makes both
    entries read most like their own provisions wins, if it is clearly better."""
    codes = code_text()
    for before, after in zip(entries, entries[1:]):
        if before.item or after.item or not (codes.known(before.number) and codes.known(after.number)):
            continue
        mine, theirs = codes.words[before.number], codes.words[after.number]
        if len(words(before.requirement)) <= len(mine) or similarity(words(after.requirement), theirs).recall > 0.85:
            continue  # nothing extra above, or the next entry is whole already
        tokens = before.requirement.split(" ")
        baseline = similarity(words(before.requirement), mine).score + similarity(words(after.requirement), theirs).score
        best, best_cut = baseline + 0.05, None
        for cut in range(len(tokens) - 1, max(0, len(tokens) - 80), -1):
            kept, moved = " ".join(tokens[:cut]), " ".join(tokens[cut:])
            total = similarity(words(kept), mine).score + similarity(words(moved + " " + after.requirement), theirs).score
            if kept.endswith((".", ";", ":")):
                total += 0.001  # between equal cuts, the one at a sentence end
            if total > best:
                best, best_cut = total, cut
        if best_cut is not None:
            before.requirement = " ".join(tokens[:best_cut])
            after.requirement = normalize_whitespace(" ".join(tokens[best_cut:]) + " " + after.requirement)
    return entries


# --- reading the document ---------------------------------------------------------------


def _raw_lines(document: Document) -> list[str] | None:
    """The file's own lines (tabs and pipes intact) when they still agree with the blocks."""
    if document.format not in ("text", "markdown") or not document.path or not os.path.isfile(document.path):
        return None
    from codecheck.documents.textfile import decode_text, read_bytes, split_lines
    from codecheck.errors import InputError

    try:
        lines = split_lines(decode_text(read_bytes(document.path), document.path))
    except (InputError, OSError):
        return None
    for block in document.blocks[:200]:
        if block.line is None or block.line > len(lines):
            return None
        if document.format == "text" and normalize_whitespace(lines[block.line - 1]) != block.text:
            return None
    return lines


_PIPE_SEP = Regex(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _pipe_cells(raw: str, *, leading: bool) -> list[str]:
    """The cells of a pipe-table line; `leading`: the table writes a pipe before its first cell."""
    inner = raw.strip()
    if leading and inner.startswith("|"):
        inner = inner[1:]
    if inner.endswith("|") and not inner.endswith("\\|"):
        inner = inner[:-1]
    return [c.replace("\\|", "|") for c in re.split(r"(?<!\\)\|", inner)]


def _rows_from_lines(document: Document, lines: list[str]) -> list[_Row] | None:
    """Rows from tab-separated lines or pipe-table lines (Markdown or plain text, with or
    without outer pipes), when the file has them.

    A table written without a pipe before its first cell ("1.2 | A complaint ... | Yes |")
    that wraps a cell onto the next line puts the rest of the row there after a pipe
    ("| The definition is in our policy. |"): that line continues the row above, its cells
    after the ones already read, instead of being a row of its own."""
    by_line = {b.line: b for b in document.blocks if b.line is not None}
    piped_lines = [raw for raw in lines if raw.count("|") >= 2 and not _PIPE_SEP.match(raw)]
    numbered = [raw for raw in piped_lines if _entry_start(raw.strip().lstrip("|").split("|")[0].strip() or "-")]
    leading = sum(raw.strip().startswith("|") for raw in numbered) * 2 >= len(numbered) if numbered else True
    rows: list[_Row] = []
    tabbed = piped = 0
    open_row: _Row | None = None  # the last pipe row, when it ended with a pipe (a cell still to come)
    width = 0  # the cells of the last header row ("Provision | Requirement | Comply | Evidence")
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        block = by_line.get(number) or Block(text=normalize_whitespace(raw), line=number)
        if "\t" in raw:
            cells = raw.split("\t")
            if len(cells) >= 3:
                rows.append(_Row(cells, block))
                if _entry_start(cells[0].strip() or "-"):
                    tabbed += 1
                continue
        cut_row = piped > 0 and "|" in raw and _entry_start(raw.split("|")[0].strip() or "-")  # "5.6 | When a compla"
        if raw.count("|") >= 2 or cut_row or (open_row is not None and raw.strip().startswith("|")):
            if _PIPE_SEP.match(raw):
                continue
            if not leading and raw.strip().startswith("|") and open_row is not None:
                more = _pipe_cells(raw, leading=True)
                if width and more and len(open_row.cells) + len(more) > width:
                    # more cells than the header has: the first goes on with the cell the row
                    # was cut in ("1.2 | A complaint must ... actions |" / "| or lack of action ... | Yes |")
                    open_row.cells[-1] = f"{open_row.cells[-1].rstrip()} {more[0].strip()}"
                    more = more[1:]
                open_row.cells.extend(more)
                open_row = open_row if raw.rstrip().endswith("|") else None
                continue
            cells = _pipe_cells(raw, leading=leading)
            if _is_header_row(cells):
                width = len([c for c in cells if c.strip()])
            row = _Row(cells, block)
            rows.append(row)
            open_row = row if raw.rstrip().endswith("|") and not leading else None
            if _entry_start(cells[0].strip() or "-"):
                piped += 1
            continue
        open_row = None
        rows.append(_Row([normalize_whitespace(raw)], block, table=False))
    if tabbed >= 3 or piped >= 3:
        return rows
    return None


def _rows_from_html(blocks: list[Block]) -> list[_Row]:
    """Rows of an HTML page's labelled tables (Block.cells: each row's cells with their headers,
    on every block of the row), each table's header row first; other blocks as lines."""
    rows: list[_Row] = []
    last: tuple[tuple[str, str], ...] | None = None
    header: tuple[str, ...] | None = None
    for block in blocks:
        if block.part != "table" or not block.cells:
            if block.part != "table":
                rows.append(_Row([block.text], block, table=False))
                header = None  # a table after this line starts afresh
            continue
        if block.cells is last:
            continue  # another block of the same row (a cell with paragraphs)
        last = block.cells
        heads = tuple(head for _, head in block.cells)
        if heads != header:
            rows.append(_Row(list(heads), block))
            header = heads
        rows.append(_Row([cell for cell, _ in block.cells], block))
    return rows


def _pdf_table_rows(document: Document) -> list[_Row]:
    """Table rows found by pdfplumber, each located at the text line where its number is."""
    try:
        import pdfplumber
    except ImportError:  # pragma: no cover - a declared dependency
        return []
    by_page: dict[int, list[Block]] = {}
    for block in document.blocks:
        if block.page is not None:
            by_page.setdefault(block.page, []).append(block)
    rows: list[_Row] = []
    try:
        with pdfplumber.open(document.path) as pdf:
            for page_number, page in enumerate(pdf.pages, start=1):
                for table in page.extract_tables() or []:
                    for raw in table:
                        cells = [normalize_whitespace(c or "") for c in raw]
                        if not any(cells):
                            continue
                        where = None
                        start = _entry_start(cells[0]) if cells[0] else None
                        for block in by_page.get(page_number, []):
                            if start and _entry_start(block.text) and _entry_start(block.text)[0] == start[0]:
                                where = block
                                break
                        rows.append(_Row(cells, where or Block(text=" ".join(c for c in cells if c), page=page_number)))
    except Exception:  # noqa: BLE001 - pdfplumber is only a second opinion; the text layer stands
        return []
    return rows


def _quality(entries: list[Entry]) -> tuple[int, float]:
    """(entries with a clear answer and the Code's words for their number, summed word match)."""
    codes = code_text()
    good, total = 0, 0.0
    for e in entries:
        ref = e.reference if codes.known(e.reference) else e.number
        score = codes.match(words(e.requirement), ref).score if codes.known(ref) else 0.0
        total += score
        if e.answer not in (None, UNCLEAR) and score >= 0.6:
            good += 1
    return good, round(total, 6)


def _answered(entries: list[Entry]) -> int:
    """Entries whose answer was read."""
    return sum(e.answer not in (None, UNCLEAR) for e in entries)


def parse_form(document: Document) -> Form:
    """Read a self-assessment form's entries from a read document."""
    if document.format == "text":
        # A form's section lines are found by the form's own rules (_is_heading): the text
        # reader's headings, made for policies and letters, would only add noise to locations.
        document = dataclasses.replace(
            document, blocks=[dataclasses.replace(b, heading=None) for b in document.blocks])
    headings: list[Block] = []
    body = [b for b in document.blocks if b.part in ("body", "table")]
    form = Form(document=document)

    lines = _raw_lines(document)
    rows = _rows_from_lines(document, lines) if lines is not None else None
    if rows is not None:
        form.entries = _parse_rows(rows, headings)
        form.layout = "rows"
    elif document.format == "docx" and any(b.part == "table" and _entry_start(b.text) for b in body):
        items = [_Item(b.text, b, cell=True) for b in body if b.part == "table"]
        headings.extend(b for b in body if b.part != "table" and _is_heading(b.text))
        form.entries = _parse_stream(items, headings, cells=True)
        form.layout = "cells"
    else:
        in_tables = [b for b in body if b.part == "table"]
        use = in_tables if any(_entry_start(b.text) for b in in_tables) and document.format == "html" else body
        if use is in_tables:
            headings.extend(b for b in body if b.part != "table" and _is_heading(b.text))
        form.entries = _parse_stream([_Item(b.text, b) for b in use], headings, cells=False)
        form.layout = "lines"
        if document.format == "html" and any(b.cells for b in in_tables):
            # An HTML table whose header names its columns (the reader keeps each row's cells
            # with their headers): read row by row, like a Word or pipe table, when that reads
            # better (more answers read: a "Y" alone in a cell).
            tabled_headings: list[Block] = []
            tabled = _parse_rows(_rows_from_html(body), tabled_headings)
            if (_quality(tabled), _answered(tabled)) > (_quality(form.entries), _answered(form.entries)):
                form.entries = tabled
                headings[:] = tabled_headings
                form.layout = "html-rows"
        if document.format == "pdf" and document.path and os.path.isfile(document.path):
            # The text layer puts a row's one-line cells on one line ("7.2 Any remedy ... Policy 7"),
            # which loses a blank answer's column: unless every entry reads cleanly, ask pdfplumber.
            quality = _quality(form.entries)
            if not form.entries or quality[0] < len(form.entries):
                table_rows = _pdf_table_rows(document)
                tabled = _parse_rows(table_rows, []) if table_rows else []
                if len(tabled) >= len(form.entries) and _quality(tabled) > quality:
                    form.entries = tabled
                    form.layout = "pdf-tables"
    form.headings = headings
    form.superseded = detect_2022(form)
    return form


_CACHE: dict[int, tuple[Document, Form]] = {}


def parsed(document: Document) -> Form:
    """parse_form, once per document however many rules ask."""
    hit = _CACHE.get(id(document))
    if hit is not None and hit[0] is document:
        return hit[1]
    form = parse_form(document)
    if len(_CACHE) >= 8:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[id(document)] = (document, form)
    return form


# --- which Code --------------------------------------------------------------------------

_MENTIONS_2022 = Regex(
    r"\b(?:code|chc)\s*[(\[\-\u2013\u2014:,]?\s*(?:of\s+)?(?:(?:april|july)\s+)?2022\b"
    r"|\b2022\s*[)\]]?\s+(?:complaint\s+handling\s+)?code\b",
    re.IGNORECASE,
)
_MENTIONS_2024 = Regex(r"(?:code|chc)[^.\n]{0,40}\b2024\b|\b2024\b[^.\n]{0,30}\bcode\b|self[\s-]*assessment[^.\n]{0,10}\b2024\b", re.IGNORECASE)
_APPENDIX_B = Regex(r"\bappendix\s+b\b", re.IGNORECASE)
_THIRD_STAGE = Regex(r"\b(?:stage\s*(?:3|three)|third\s+stage|three[\s-]+stage)\b", re.IGNORECASE)


def text_findings(entries: list[Entry]) -> dict[int, tuple[Match, list[tuple[Match, str]]]]:
    """For each entry (by index) whose number is in the Code and whose requirement has
    enough words: how it matches its own provision and the best other provisions."""
    codes = code_text()
    out: dict[int, tuple[Match, list[tuple[Match, str]]]] = {}
    for index, entry in enumerate(entries):
        reference = entry.reference if codes.known(entry.reference) else entry.number
        text_words = words(entry.requirement)
        if not codes.known(reference) or len(text_words) < 4:
            continue
        own = codes.match(text_words, reference)
        others = codes.best(text_words, exclude=entry.number) if not entry.item else []
        out[index] = (own, others)
    return out


def wrong_text(own: Match, others: list[tuple[Match, str]]) -> tuple[str | None, Match | None] | None:
    """None when the requirement reads as its own provision's words; else (the provision
    whose words it matches instead, or None when it matches none, and that match)."""
    best = others[0] if others else None
    if best is not None:
        other, ref = best
        # Near twins (6.4 / 6.15 differ in one number) are told apart by the words that differ;
        # where the Code repeats itself (6.5 / 6.16) the scores tie and nothing is said.
        if (other.score >= 0.85 and other.score > own.score + 0.005) or (other.score >= 0.6 and other.score >= own.score + 0.15):
            return ref, other
    if own.score >= 0.5 or own.precision >= 0.6 or own.recall >= 0.8:
        return None
    return None, best[0] if best else None


def _short_quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return "\u201c" + (text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026") + "\u201d"


def detect_2022(form: Form) -> Superseded | None:
    """Does the form assess the superseded 2022 Code? Two or more points of evidence say so."""
    blocks = [b for b in form.document.blocks if b.part in ("body", "table", "header", "footer")]
    reasons: list[str] = []
    points = 0
    first: Block | None = None

    def note(reason: str, weight: int, block: Block | None) -> None:
        nonlocal points, first
        if reason not in reasons:
            reasons.append(reason)
            points += weight
            if first is None and block is not None:
                first = block

    mentions_2024 = any(_MENTIONS_2024.search(b.text) for b in blocks)
    for block in blocks:
        text = block.text
        if _MUST_HEADING.search(text):
            note("it uses the 2022 form's \"Mandatory 'must' requirements\" wording", 2, block)
        if _SHOULD_HEADING.search(text):
            note("it uses the 2022 form's \"Best practice 'should' requirements\" wording", 2, block)
        if _SHOULDS.search(text):
            note("it describes the Code as 'musts' and 'shoulds'; the 2024 Code has only 'musts'", 2, block)
        if _APPENDIX_B.search(text):
            note("it is headed \"Appendix B\", the 2022 Code's self-assessment form", 1, block)
        if not mentions_2024 and _MENTIONS_2022.search(text):
            note("it names the 2022 Code", 2, block)
    questions = [b for b in blocks if _QUESTION_ROW.match(b.text)]
    if len(questions) >= 3:
        note(f"it asks the 2020 Code form's questions ({_short_quote(questions[0].text)} and {len(questions) - 1} more); "
             "the 2024 form states each requirement", 2, questions[0])
    titles_2024 = _section_titles_2024()
    titles_2022 = {_flat(t): n for n, t in SECTIONS_2022.items()}
    wrong_sections = []
    for block in form.headings + [b for b in blocks if len(b.text) < 100]:
        heading = heading_section(block.text)
        if not heading or heading[0] is None:
            continue
        number, title = heading
        flat = _flat(title)
        if not flat:
            continue
        in_2022 = titles_2022.get(flat)
        in_2024 = titles_2024.get(flat)
        if in_2022 == number and in_2024 != number:
            wrong_sections.append((block, f"section {number} is \"{title}\""))
    if wrong_sections:
        distinct = list(dict.fromkeys(w for _, w in wrong_sections))
        shown = "; ".join(distinct[:3]) + ("; ..." if len(distinct) > 3 else "")
        note(f"its sections are numbered and named as in the 2022 Code ({shown})", min(2, len(distinct)), wrong_sections[0][0])
    for entry in form.entries:
        if _THIRD_STAGE.search(entry.requirement):
            note(f"{entry.reference} has a third complaint stage, which the 2024 Code does not allow", 1, entry.block)
            break
    for block in form.headings:
        if _THIRD_STAGE.search(block.text):
            note("it has a heading for a third complaint stage", 1, block)
            break
    codes = code_text()
    unknown = sorted({e.number for e in form.entries if not codes.known(e.number) and e.number != "1.1"}, key=number_key)
    if len(unknown) >= 2:
        note(f"it numbers provisions the 2024 Code does not have ({', '.join(unknown[:5])}{', ...' if len(unknown) > 5 else ''})",
             2 if len(unknown) >= 4 else 1, next(e.block for e in form.entries if e.number == unknown[0]))
    checked = form.texts
    rows_are_2024 = False
    if len(checked) >= 5:
        wrong = sum(1 for own, others in checked.values() if wrong_text(own, others) is not None)
        share = wrong / len(checked)
        # Nearly every row carries the 2024 Code's words under its 2024 number: the form assesses
        # the 2024 Code, whatever its introduction kept from the old template ("Appendix B").
        rows_are_2024 = len(checked) >= 10 and share < 0.1
        if share >= 0.4:
            note(f"the requirement text of {wrong} of {len(checked)} provisions is not the 2024 Code's for that number", 2 if share >= 0.7 else 1,
                 next((form.entries[i].block for i in checked), None))
    if points >= 2 and reasons and not rows_are_2024:
        return Superseded(reasons=reasons, block=first)
    return None


# --- summary ------------------------------------------------------------------------------


def summarise(form: Form | Document) -> dict[int, dict[str, object]]:
    """Per Code section: how the form answers its provisions.

    ``{6: {"title": "Complaint stages", "provisions": 20, "yes": 19, "no": 0,
    "in_progress": 1, "partial": 0, "n/a": 0, "unclear": 0, "unanswered": 0,
    "missing": ["6.14"]}, ...}`` for every section of the 2024 Code. A provision
    the form assesses item by item (6.9(a) ...) counts once, by its first row's answer.
    """
    if isinstance(form, Document):
        form = parsed(form)
    catalogue = code_text().catalogue
    out: dict[int, dict[str, object]] = {}
    first: dict[str, Entry] = {}
    for entry in form.entries:
        first.setdefault(entry.number, entry)
    for section in catalogue.sections:
        provisions = [p.number for p in catalogue.in_section(section.number)]
        counts: dict[str, object] = {
            "title": section.title,
            "provisions": len(provisions),
            YES: 0, NO: 0, IN_PROGRESS: 0, PARTIAL: 0, NOT_APPLICABLE: 0, UNCLEAR: 0, "unanswered": 0,
            "missing": [],
        }
        for number in provisions:
            entry = first.get(number)
            if entry is None:
                counts["missing"].append(number)  # type: ignore[union-attr]
            elif entry.answer is None:
                counts["unanswered"] += 1  # type: ignore[operator]
            else:
                counts[entry.answer] += 1  # type: ignore[operator]
        out[section.number] = counts
    return out
