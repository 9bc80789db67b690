"""The Rule: the unit a user selects, whether written as code or as data.

A rule knows its Code provision and carries what `codecheck explain`, the docs
and SARIF metadata need: a readable name, the Code's own words (looked up in the
2024 Code catalogue by provision unless the rule gives its own), a rationale, an
example of a breach and of compliance, and the input kinds it applies to.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Iterable

from codecheck.findings import Severity

#: Input kinds. "cases" is a case-record export; the others are documents.
CASES = "cases"
DOCUMENT_KINDS = (
    "policy",
    "stage1_ack",
    "stage1_response",
    "stage2_ack",
    "stage2_response",
    "extension",
    "refusal",
    "self_assessment",
    "annual_report",
    "improvement_plan",
)
INPUT_KINDS = (CASES, *DOCUMENT_KINDS)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Rule:
    """A rule: built by keyword (an unknown keyword is a TypeError naming it), frozen. A plain
    dataclass, so that listing or running the rules does not import pydantic (issue 13)."""

    id: str
    """Stable code, e.g. ``CR602``; its letters say what it reads (CR case records, CD case data)."""
    name: str
    """Readable kebab-case name, selectable like the id: ``stage1-ack-late``."""
    provision: str | None
    """The Code provision it enforces (``"6.2"``); None for checks on the input itself."""
    summary: str
    """One line: what a finding means."""
    severity: Severity = Severity.ERROR
    kinds: tuple[str, ...] = (CASES,)
    rationale: str
    breach_example: str
    compliant_example: str = ""
    code_words: str | None = None
    """The Code's words; None means look the provision up in the catalogue."""
    code_items: tuple[str, ...] = ()
    """For a rule about some lettered items of its provision only (8.1 (a) and (d)): which. Its
    Code words are then the provision's words with those items, looked up when first asked for
    (the catalogue is not read just to list the rules)."""
    columns: tuple[str, ...] = ()
    """Case-record columns the rule needs; absent ones make it 'not evaluated'."""
    reads: tuple[str, ...] = ()
    """Further columns the rule consults when present. A row whose cell in any column
    the rule needs or reads cannot be read gets no finding from the rule: the
    unreadable value is reported once, as a data finding, instead of a guess."""
    check: Callable[..., Iterable[Any]] | None = dataclasses.field(default=None, repr=False)
    finish: Callable[..., None] | None = dataclasses.field(default=None, repr=False)
    """For a case rule that judges the whole file (a case id used on several rows, a column
    that holds no readable value): called once after the file's last batch with
    ``(ctx, emit_at)``, where ``emit_at(row, message, *, case_id=None, column=None, severity=None)``
    reports at a line of the file. What the rule gathered is in ``ctx.state``."""
    default: bool = True
    """False for opt-in rules (e.g. informational summaries): they run only when
    selected by their exact id or name, or with ``--select ALL``."""
    statements: tuple[Any, ...] = dataclasses.field(default=(), repr=False)
    """For a document rule that reads statements: which (filters with ``matches(statement)``),
    so ``--format statements`` can say which rules used each statement."""
    together: bool = False
    """True for a rule that reads several inputs of one run together (an improvement plan with
    the self-assessment it answers): it runs once after every file is checked, when the run has
    exactly one input of each of its kinds (several: a note says they were not compared), and its check gets ``{kind: [Document, ...]}`` and an emit
    that takes the document a finding is in: ``emit(document, block, message)``."""
    omission: bool = False
    """True for a rule that reports what a document does not say (never an error, grouped
    at the end of a file's output); False for one that points at what is there."""
    origin: str = "codecheck"
    """Which plugin registered it."""

    def __post_init__(self) -> None:
        # What a plugin author may pass loosely: a list for a tuple, a severity by name.
        for name in ("kinds", "code_items", "columns", "reads", "statements"):
            value = getattr(self, name)
            if not isinstance(value, tuple):
                if isinstance(value, str) or not isinstance(value, Iterable):
                    raise TypeError(f"rule {self.id}: {name} must be a list or tuple, not {type(value).__name__}")
                object.__setattr__(self, name, tuple(value))
        if not isinstance(self.severity, Severity):
            object.__setattr__(self, "severity", Severity.parse(self.severity))

    def replace(self, **changes: Any) -> "Rule":
        """A copy with some fields changed (a severity from the configuration, the plugin that registered it)."""
        return dataclasses.replace(self, **changes)

    def words(self) -> str:
        """The Code's own words for this rule's provision."""
        if self.code_words:
            return self.code_words
        if not self.provision:
            return ""
        from codecheck.catalogue import load_catalogue, words_with_items

        if self.code_items:
            return words_with_items(self.provision, self.code_items) or ""
        try:
            return load_catalogue().item_text(self.provision)
        except KeyError:
            return ""

    @property
    def section(self) -> str | None:
        return self.provision.split(".")[0] if self.provision else None

    def named_by(self, selector: str) -> bool:
        """True when `selector` is this rule's exact id or name (or ALL)."""
        sel = selector.strip().lower()
        return sel in (self.id.lower(), self.name.lower(), "all")

    def matches(self, selector: str) -> bool:
        """True when `selector` names this rule: its id, an id prefix of letters
        and digits (``CR6``), its name, or a Code provision prefix (``6``, ``6.9``)."""
        sel = selector.strip()
        if not sel:
            return False
        if sel.upper() == "ALL":
            return True
        if sel.lower() == self.name.lower():
            return True
        if sel[0].isalpha():
            return self.id.upper().startswith(sel.upper())
        if self.provision is None:
            return False
        p = self.provision
        return p == sel or p.startswith(sel + ".") or p.startswith(sel + "(")


def rule(**fields: Any) -> "Callable[[Callable[..., Any]], Rule]":
    """A decorator: the function becomes the ``check`` of a :class:`Rule` with these fields, its
    ``rationale`` (a triple-quoted string in the source) folded to single spaces. The case rules'
    ``record_rule``, and the self-assessment and improvement-plan rules, are made with it."""

    def wrap(fn: "Callable[..., Any]") -> Rule:
        made = dict(fields)
        if "rationale" in made:
            made["rationale"] = " ".join(str(made["rationale"]).split())
        return Rule(check=fn, **made)

    return wrap
