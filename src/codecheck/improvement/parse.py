"""Read a landlord's complaints improvement plan (action plan) into items.

An item is one row of the plan: the Code provision(s) it answers, the
requirement quoted, what will improve (the action), the target date, the status
and the owner when the plan names one. Plans come in a few layouts, all read
from the located :class:`~codecheck.documents.Block` s the document readers give:

* **table** — a Word table (re-read from the file with python-docx, so a blank
  cell keeps its column) or a Markdown pipe table (re-read from the file's own
  lines). A header row ("Code number", "What we will improve", "When",
  "Status", "Owner" ...) says which column is which; a row whose first cell is a
  provision number starts an item, a row whose number cell is empty continues
  the item above.
* **lines** — text, a PDF's text layer, web pages, or a table without a header:
  a line (or cell) starting with a provision number (``6.2``, ``5.9, 6.4, 6.15``)
  starts an item and the lines after it belong to it. Labelled fields
  (``Action:``, ``Target date:``, ``Status:``, ``Owner:``) are read as such;
  otherwise the item's text is split where the Code's own words for its
  provisions end (the requirement), then at the first date (the target): what
  comes between is the action, what follows the date is the status. This is
  the layout of a plan pasted from a table, one row running over several lines.

Lines such as "This plan was last updated in November 2024." are not part of
the item above them. A document with no item at all is an input error
(:class:`~codecheck.errors.InputError`) raised by :func:`parsed`.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import os
import re
from dataclasses import dataclass, field

from codecheck.documents.model import Block, Document, normalize_whitespace
from codecheck.lazy import Regex
from codecheck.targets import Target, find_target, find_targets, read_target

# --- provision numbers ------------------------------------------------------------------

_REF = r"\d{1,2}\.\d{1,2}(?:\s?\(\s?[a-zA-Z]\s?\))?"
_NUMBERS = Regex(
    r"^\s*(?P<lead>(?i:(?:code\s+)?(?:section|provision|para(?:graph)?|ref(?:erence)?|clause))\.?\s*)?"
    rf"(?P<nums>{_REF}(?:\s*(?:,|&|/|;|\band\b|[-\u2013\u2014]|\bto\b)\s*{_REF})*)(?![\d]|\.\d|/\d)"
    r"\s*[:.)\-\u2013\u2014]?(?P<rest>.*)$",
    re.DOTALL,
)
_ONE_REF = Regex(r"(\d{1,2}\.\d{1,2})(?:\s?\(\s?([a-zA-Z])\s?\))?|(?P<to>[-\u2013\u2014]|\bto\b)")


def _refs(nums: str) -> list[str]:
    """The provisions a run of numbers names, a range within a section spelt out: "1.2-1.4" is
    1.2, 1.3 and 1.4; "5.8 - 6.2" (across sections) its two ends."""
    refs: list[str] = []
    ranged = False
    for m in _ONE_REF.finditer(nums):
        if m.group("to"):
            ranged = bool(refs)
            continue
        number, item = m.group(1), m.group(2)
        if ranged:
            (major, low), (major2, high) = refs[-1].split("(")[0].split("."), number.split(".")
            if major == major2 and int(low) < int(high) <= int(low) + 20:
                refs += [f"{major}.{n}" for n in range(int(low) + 1, int(high))]
            ranged = False
        refs.append(f"{number}({item.lower()})" if item else number)
    return refs


def split_numbers(text: str) -> tuple[list[str], str] | None:
    """(["5.9", "6.4", "6.15"], the text after them) when `text` starts with provision numbers."""
    m = _NUMBERS.match(text or "")
    if not m:
        return None
    rest = m.group("rest")
    stripped = rest.strip()
    if stripped:
        glued = text[m.end("nums"):m.end("nums") + 1]
        if glued.isalnum() and not glued.isupper():
            return None  # "6.3of"
        if stripped[0].islower() and not m.group("lead"):
            return None  # "5.2 of our policy says ..." is prose, not an item ("Provision 8.5 - exceptional ..." is one)
        if re.match(r"(?i)(?:am|pm|hrs?|%|percent|million|per\s+cent|fte)\b", stripped):
            return None  # "10.30 am", "2.5 FTE"
    return _refs(m.group("nums")), normalize_whitespace(rest)


# --- items ------------------------------------------------------------------------------


@dataclass
class Item:
    """One row of an improvement plan."""

    numbers: list[str]
    """The Code provisions it names, as written: ["6.3", "6.14", "7.4"]."""
    requirement: str = ""
    """The requirement it quotes (usually the Code's words), when the plan gives it."""
    action: str = ""
    """What will improve / what will be done."""
    target_text: str = ""
    """The target date as written (blank when none)."""
    target: Target | None = None
    """The target date read, or None when the plan gives none that is a date."""
    status: str = ""
    owner: str = ""
    block: Block | None = None
    """Where the item starts (its provision number, or its table row)."""
    row: int | None = None
    """The table row (from 1) for a Word table: findings name it, as a DOCX cell has no line."""

    @property
    def reference(self) -> str:
        return ", ".join(self.numbers)

    @property
    def where(self) -> str:
        """How a message names the item: "6.2" or "6.2 (table row 3)"."""
        return f"{self.reference} (table row {self.row})" if self.row else self.reference


@dataclass
class Plan:
    document: Document
    items: list[Item] = field(default_factory=list)
    layout: str = "lines"
    """"table" (a header row says the columns) or "lines"."""


# --- status --------------------------------------------------------------------------------

_DONE = Regex(
    r"(?:^|[.;:!?|]\s*|\n\s*|\u2013\s*|-\s+)\W*(?:fully\s+|now\s+|action\s+)?"
    r"(?:complete[d]?|completion\s+confirmed|done|closed|implemented|achieved|delivered|finished|in\s+place|met"
    # finished and now part of normal work: "Embedded in case system", "Business as usual", "BAU"
    r"|embedded|business\s+as\s+usual|bau)\b(?!\s+(?:by|in\s+progress))",
    re.IGNORECASE,
)
# A status cell's last word, after evidence pasted above it: "... Canterbury City Council Completed."
_DONE_AT_END = Regex(r"(?<!\bto\sbe\s)(?<!\bnot\s)\b(?:completed?|done|closed|implemented)\W*$", re.IGNORECASE)
_NOT_DONE = Regex(r"^\W*(?:not|in\s+progress|ongoing|partially|partly|part|overdue|delayed|open|on\s+hold|not\s+started)\b",
                       re.IGNORECASE)


def is_done(status: str) -> bool:
    """Does the status say the action is finished: "Completed", "Done", "Closed",
    "Implemented in September 2024. Monitoring ongoing.", "Complete (June 2024)"?
    "In progress", "Due to be implemented in September 2024" and "Not complete" do not."""
    text = status.strip()
    if not text or _NOT_DONE.match(text):
        return False
    return bool(_DONE.search(text) or _DONE_AT_END.search(text))


# --- columns ---------------------------------------------------------------------------------

NUMBER, REQUIREMENT, ACTION, TARGET, STATUS, OWNER = "number", "requirement", "action", "target", "status", "owner"

_HEADER_ROLES: list[tuple[str, re.Pattern[str]]] = [
    (STATUS, re.compile(r"\b(?:status|progress|rag|update|complete[d]?\?|position)\b", re.I)),
    (OWNER, re.compile(r"\b(?:owner|lead|responsible|who|officer|accountable|by\s+whom)\b", re.I)),
    (TARGET, re.compile(r"\b(?:when|target|date|deadline|due|timescale|timeframe|completion\s+by|by\s+when)\b", re.I)),
    (ACTION, re.compile(r"\b(?:action|actions|improve|improvement|will\s+do|what\s+we\s+will|steps|measures|plan)\b", re.I)),
    (REQUIREMENT, re.compile(r"\b(?:requirement|requirements|code\s+says|gap|issue|finding|non[\s-]*compliance)\b", re.I)),
    (NUMBER, re.compile(r"\b(?:number|no|provision|section|ref|reference|clause|para(?:graph)?|code)\b\.?", re.I)),
]


def _header_roles(cells: list[str]) -> dict[int, str] | None:
    """Which column is which, when `cells` is a header row (two roles or more, one a number,
    action, date or status); else None. A row that starts with a provision number is an item,
    never a header, and a cell holding a status ("In progress", "Complete") is a value, not the
    status column's name: "6.2 | ... | Complaints Lead | In progress" is data. A second status
    column ("RAG", then "Progress update") is a status column too."""
    first = next((c for c in cells if c.strip()), "")
    if split_numbers(first):
        return None
    roles: dict[int, str] = {}
    for index, cell in enumerate(cells):
        text = cell.strip()
        if not text or len(text) > 60 or split_numbers(text):
            continue
        for role, pattern in _HEADER_ROLES:
            if role == STATUS and (is_done(text) or _NOT_DONE.match(text)):
                continue  # "In progress", "Completed": a status, not a column's name
            if pattern.search(text) and (role not in roles.values() or role == STATUS):
                if role == NUMBER and "requirement" in text.lower():
                    continue
                roles[index] = role
                break
    if len(roles) >= 2 and set(roles.values()) & {ACTION, TARGET, STATUS}:
        return roles
    return None


# --- labelled fields ---------------------------------------------------------------------------

_LABELS = Regex(
    r"(?:(?<=^)|(?<=[\s|.;]))(?P<label>actions?|what\s+we\s+will\s+(?:do|improve)|improvements?|target(?:\s+date)?|due(?:\s+date)?|deadline"
    r"|by\s+when|timescale|completion\s+date|status|progress|rag\s+status|owner|lead(?:\s+officer)?|responsible(?:\s+officer)?"
    r"|requirement|code\s+requirement)\s*:\s*",
    re.IGNORECASE,
)


def _label_role(label: str) -> str:
    flat = " ".join(label.lower().split())
    for role, pattern in _HEADER_ROLES:
        if role != NUMBER and pattern.search(flat):
            return role
    return ACTION


# --- the Code's words ------------------------------------------------------------------------

_WORD = Regex(r"[a-z0-9]+")
_QUOTES = str.maketrans({c: "'" for c in "\u2018\u2019\u201a\u201b\u2032`"})


@functools.lru_cache(maxsize=1)
def _catalogue():
    from codecheck.catalogue import load_catalogue

    return load_catalogue()


def known(reference: str) -> bool:
    """Is `reference` ("6.2", "6.9(g)") a provision of the 2024 Code? (1.1, the Code's
    opening words, is not a duty and not in the catalogue, but is in the Code.)"""
    if reference == "1.1":
        return True
    try:
        _catalogue().provision(reference)
    except KeyError:
        return False
    return True


def _code_words(references: list[str]) -> list[str]:
    out: list[str] = []
    for reference in references:
        try:
            p = _catalogue().provision(reference)
        except KeyError:
            continue
        out += _WORD.findall((p.text + " " + " ".join(p.items.values())).translate(_QUOTES).lower())
    return out


_TRAILING_REF = Regex(r"^[\s.;:,'\"\u201d\u2019)]*(?:\(\s*\d{1,2}\.\d{1,2}(?:\([a-g]\))?\s*\)[\s.;:]*)?")


def _requirement_end(text: str, references: list[str]) -> int:
    """Where the Code's own words for `references` end in `text` (0 when it does not quote them)."""
    code = _code_words(references)
    if not code:
        return 0
    spans = [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text.translate(_QUOTES).lower())]
    if not spans:
        return 0
    mine = [w for w, _, _ in spans]
    matcher = difflib.SequenceMatcher(None, mine, code, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size >= 3]
    if not blocks or blocks[0].a > 3:
        return 0  # the text does not open with the Code's words
    end_word = 0
    matched = 0
    for b in blocks:
        # A later run counts when little unmatched text lies between (a reworded phrase),
        # not when it is the action echoing the Code ("... to all staff on complaint handling").
        gap = b.a - end_word
        if end_word and gap > max(8, b.size):
            break
        matched += b.size
        end_word = b.a + b.size
    if matched < 5 or matched < 0.6 * end_word:
        return 0
    cut = spans[end_word - 1][2]
    tail = _TRAILING_REF.match(text[cut:])
    cut += tail.end() if tail else 0
    # Finish the sentence when only a few words of it are left ("... this code." after a dropped word).
    rest = text[cut:]
    stop = re.search(r"[.;:](?:\s|$)|\n", rest)
    if stop and len(_WORD.findall(rest[:stop.start()].lower())) <= 3 and not find_target(rest[:stop.start()]):
        cut += stop.end()
        tail = _TRAILING_REF.match(text[cut:])
        cut += tail.end() if tail else 0
    return cut


# --- reading an item's text ----------------------------------------------------------------------


def _clean(text: str) -> str:
    return normalize_whitespace(text.strip(" \t\n|-\u2013\u2014:;,"))


# A status standing last on a row that gives no date: "Escalation route Closed".
_STATUS_TAIL = Regex(
    r"(?:(?<=\s)|(?<=[.;|]))(?P<status>completed?|done|closed|implemented|in\s+progress|not\s+started|open|on\s+hold"
    r"|overdue|delayed)\W*$",
    re.IGNORECASE,
)


def _target_in(text: str) -> Target | None:
    """The item's target date in its free text: the first date, unless it is a date the action
    speaks of ("review the exclusions after the April 2026 restructure ... March 2027 Not
    started": "the April 2026 restructure" names an event, its target is March 2027)."""
    targets = find_targets(text)
    for target in targets[:-1]:
        if not re.search(r"\b(?:the|our|this|that|its|their)\s+$", text[:target.start], re.IGNORECASE):
            return target
    return targets[-1] if targets else None


def _fill_from_text(item: Item, text: str, *, have: dict[str, str] | None = None) -> None:
    """Fill the item's fields from free text: labelled fields, else requirement / action /
    date / status by position. `have` holds fields a table column already gave."""
    have = dict(have or {})
    labels = list(_LABELS.finditer(text))
    fields: dict[str, str] = {}
    if labels:
        head = text[:labels[0].start()]
        for index, m in enumerate(labels):
            end = labels[index + 1].start() if index + 1 < len(labels) else len(text)
            role = _label_role(m.group("label"))
            value = _clean(text[m.end():end]).rstrip(". ")
            fields[role] = _clean(f"{fields.get(role, '')} {value}")
        if _clean(head):
            if ACTION in fields or ACTION in have:
                fields[REQUIREMENT] = _clean(f"{_clean(head)} {fields.get(REQUIREMENT, '')}")
            else:
                cut = _requirement_end(head, item.numbers)
                if cut:
                    fields[REQUIREMENT] = _clean(head[:cut])
                if _clean(head[cut:]):
                    fields[ACTION] = _clean(head[cut:])
        for role, value in fields.items():
            have.setdefault(role, value)
    else:
        rest = text
        if REQUIREMENT not in have:
            cut = _requirement_end(rest, item.numbers)
            if cut:
                have[REQUIREMENT] = _clean(rest[:cut])
                rest = rest[cut:]
        if TARGET not in have:
            target = _target_in(rest)
            if target is not None:
                before, after = rest[:target.start], rest[target.end:]
                have[TARGET] = normalize_whitespace(target.text)
                if ACTION not in have and _clean(before):
                    have[ACTION] = _clean(before)
                elif _clean(before) and REQUIREMENT not in have:
                    have[REQUIREMENT] = _clean(before)
                if STATUS not in have:
                    have[STATUS] = _clean(re.sub(r"^[\s.;,:)]+", "", after))
                rest = ""
        if _clean(rest) and TARGET not in have and STATUS not in have:
            tail = _STATUS_TAIL.search(_clean(rest))
            if tail and tail.start() > 0:
                have[STATUS] = tail.group("status")
                rest = _clean(rest)[:tail.start()]
        if _clean(rest):
            if ACTION not in have:
                have[ACTION] = _clean(rest)
            elif STATUS not in have and (TARGET in have):
                have[STATUS] = _clean(rest)
    item.requirement = have.get(REQUIREMENT, "")
    item.action = have.get(ACTION, "")
    item.target_text = have.get(TARGET, "")
    item.target = read_target(item.target_text) if item.target_text else None
    item.status = have.get(STATUS, "")
    item.owner = have.get(OWNER, "")


# --- noise ----------------------------------------------------------------------------------------

_NOTE = Regex(
    r"^(?:this\s+(?:plan|document|action\s+plan)\s+(?:was\s+)?(?:last\s+)?(?:updated|reviewed|revised|approved)"
    r"|(?:last|date)\s+(?:updated|reviewed|revised)\b|page\s+\d+(?:\s+of\s+\d+)?$|\d{1,3}$|version\s+\d|next\s+review)",
    re.IGNORECASE,
)


def _is_note(text: str) -> bool:
    return bool(_NOTE.match(text.strip()))


# --- layouts ------------------------------------------------------------------------------------


@dataclass
class _Row:
    cells: list[str]
    block: Block
    row: int | None = None


def _docx_rows(document: Document) -> list[list[_Row]] | None:
    """Every Word table's rows with all their cells (blank ones too), located at the
    blocks the reader gave; None when the file cannot be re-read."""
    if document.format != "docx" or not document.path or not os.path.isfile(document.path):
        return None
    try:
        import docx
        from docx.oxml.ns import qn
        from docx.table import Table

        word = docx.Document(document.path)
    except Exception:  # noqa: BLE001 - the reader's blocks stand
        return None
    by_paragraph: dict[int, Block] = {}
    for block in document.blocks:
        if block.part == "table" and block.paragraph is not None:
            by_paragraph.setdefault(block.paragraph, block)
    tables: list[list[_Row]] = []
    number = 0
    try:
        for child in word.element.body.iterchildren():
            if child.tag == qn("w:p"):
                number += 1
            elif child.tag == qn("w:tbl"):
                number += 1
                anchor = by_paragraph.get(number)
                rows: list[_Row] = []
                for r, row in enumerate(Table(child, word).rows, start=1):
                    cells: list[str] = []
                    seen: set[int] = set()
                    for cell in row.cells:
                        if id(cell._tc) in seen:
                            continue
                        seen.add(id(cell._tc))
                        cells.append(normalize_whitespace(cell.text))
                    block = Block(text=" ".join(c for c in cells if c), paragraph=number, part="table", row=r,
                                  heading=anchor.heading if anchor else None)
                    rows.append(_Row(cells, block, r))
                tables.append(rows)
    except Exception:  # noqa: BLE001
        return None
    return tables


_PIPE_SEP = Regex(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _raw_rows(document: Document) -> list[list[_Row]] | None:
    """Markdown pipe tables, or tab-separated lines of a text file (a table pasted as text), cell
    by cell, from the file's own lines (the readers fold pipes and tabs into spaces)."""
    if document.format not in ("markdown", "text") or not document.path or not os.path.isfile(document.path):
        return None
    from codecheck.documents.textfile import decode_text, read_bytes, split_lines
    from codecheck.errors import InputError

    try:
        lines = split_lines(decode_text(read_bytes(document.path), document.path))
    except (InputError, OSError):
        return None
    by_line = {b.line: b for b in document.blocks if b.line is not None}
    tables: list[list[_Row]] = []
    current: list[_Row] = []
    for number, raw in enumerate(lines, start=1):
        if document.format == "text":
            if raw.count("\t") >= 2 and raw.strip():
                cells = [normalize_whitespace(c) for c in raw.split("\t")]
                block = by_line.get(number) or Block(text=" ".join(c for c in cells if c), line=number)
                current.append(_Row(cells, block))
            elif current:
                tables.append(current)
                current = []
            continue
        if raw.count("|") >= 2 and not raw.lstrip().startswith(("```", "    ")):
            if _PIPE_SEP.match(raw):
                continue
            inner = raw.strip()
            inner = inner[1:] if inner.startswith("|") else inner
            inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
            cells = [normalize_whitespace(c.replace("\\|", "|")) for c in re.split(r"(?<!\\)\|", inner)]
            block = by_line.get(number) or Block(text=" ".join(c for c in cells if c), line=number, part="table")
            current.append(_Row(cells, block))
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def _items_from_table(rows: list[_Row], roles: dict[int, str]) -> list[Item]:
    """Items from a table whose header row gave `roles` (column -> role)."""
    items: list[Item] = []
    pending: list[tuple[Item, dict[str, list[str]]]] = []
    number_col = next((i for i, r in roles.items() if r == NUMBER), None)
    for row in rows:
        cells = row.cells
        if not any(cells) or _header_roles(cells):
            continue
        first = next((c for c in cells if c), "")
        lead = cells[number_col] if number_col is not None and number_col < len(cells) else first
        found = split_numbers(lead) if lead else None
        if found is None and number_col is None:
            found = split_numbers(first)
        if found is not None:
            numbers, after = found
            item = Item(numbers=numbers, block=row.block, row=row.row)
            values: dict[str, list[str]] = {}
            for index, cell in enumerate(cells):
                role = roles.get(index)
                if index == (number_col if number_col is not None else cells.index(first)) and role in (NUMBER, None):
                    if after:
                        values.setdefault("_rest", []).append(after)
                    continue
                if cell:
                    values.setdefault(role or "_rest", []).append(cell)
            pending.append((item, values))
        elif pending and not (len([c for c in cells if c]) == 1 and _is_note(first)):
            for index, cell in enumerate(cells):
                if cell:
                    pending[-1][1].setdefault(roles.get(index) or "_rest", []).append(cell)
    for item, values in pending:
        have = {role: normalize_whitespace(("; " if role == STATUS else " ").join(texts))
                for role, texts in values.items() if role != "_rest"}
        rest = "\n".join(values.get("_rest", []))
        if rest and REQUIREMENT not in have and ACTION in have:
            have[REQUIREMENT] = normalize_whitespace(rest)
            rest = ""
        _fill_from_text(item, rest, have=have)
        items.append(item)
    return items


def _items_from_lines(blocks: list[tuple[str, Block, int | None]]) -> list[Item]:
    """Items from lines (or cells) in reading order: a provision number starts one."""
    items: list[tuple[Item, list[str]]] = []
    for text, block, row in blocks:
        if _is_note(text):
            continue
        found = split_numbers(text)
        if found is not None:
            numbers, rest = found
            items.append((Item(numbers=numbers, block=block, row=row), [rest] if rest else []))
        elif items:
            items[-1][1].append(text)
    out = []
    for item, texts in items:
        _fill_from_text(item, "\n".join(texts))
        out.append(item)
    return out


def parse_plan(document: Document) -> Plan:
    """Read an improvement plan's items from a read document (never raises)."""
    plan = Plan(document=document)
    tables = _docx_rows(document) if document.format == "docx" else _raw_rows(document)
    for rows in tables or []:
        roles = None
        for row in rows[:3]:
            roles = _header_roles(row.cells)
            if roles:
                break
        if roles:
            plan.items += _items_from_table(rows, roles)
            plan.layout = "table"
        else:
            # No header: each row read as one line of text, its cells in order.
            plan.items += _items_from_lines([("\n".join(c for c in r.cells if c), r.block, r.row) for r in rows])
    if plan.items:
        return _own_lines(plan)
    body = [b for b in document.blocks if b.part in ("body", "table")]
    if document.format == "docx":
        # Word cells: the cells of a row read as lines of one item.
        lines: list[tuple[str, Block, int | None]] = [(b.text, b, b.row if b.part == "table" else None) for b in body]
    else:
        lines = [(b.text, b, None) for b in body]
    plan.items = _items_from_lines(lines)
    plan.layout = "lines"
    return _own_lines(plan)


def _own_lines(plan: Plan) -> Plan:
    """In a text file an item's location is its own line: the text reader's headings are guesses
    made for policies and letters ("5.9, 6.4, 6.15" alone on a line reads as one)."""
    if plan.document.format == "text":
        for item in plan.items:
            if item.block is not None:
                item.block = dataclasses.replace(item.block, heading=None)
    return plan


_CACHE: dict[int, tuple[Document, Plan]] = {}


def parsed(document: Document) -> Plan:
    """parse_plan, once per document however many rules ask; an InputError when the
    document has no item at all (nothing to check is not a clean plan)."""
    hit = _CACHE.get(id(document))
    if hit is not None and hit[0] is document:
        plan = hit[1]
    else:
        plan = parse_plan(document)
        if len(_CACHE) >= 8:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[id(document)] = (document, plan)
    if not plan.items:
        from codecheck.errors import InputError

        raise InputError(document.path, "no improvement plan items found: no line or table row starts with a Code "
                                        "provision number such as 6.2 or 5.9, 6.4 (is this an improvement plan?)")
    return plan
