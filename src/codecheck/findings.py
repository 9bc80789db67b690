"""Findings: the only output of rules.

Formatting, summaries, baselines and suppression all act on findings, never
inside rules. A finding names where (file, row or page/line), which rule and
Code provision, and what a person should know to act on it.
"""

from __future__ import annotations

import dataclasses
from enum import IntEnum


class Severity(IntEnum):
    """Ordered so that `finding.severity >= fail_on` decides the exit code."""

    INFO = 10
    WARNING = 20
    ERROR = 30

    @classmethod
    def parse(cls, value: "str | Severity") -> "Severity":
        if isinstance(value, Severity):
            return value
        try:
            return cls[str(value).strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {value!r}; use one of {names}") from None

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Finding:
    """One finding: a frozen record (a plain dataclass, so that a run's start does not import
    pydantic; issue 13). Built by keyword, as every caller does."""

    rule: str
    """The rule id, e.g. ``CR602``."""
    provision: str | None
    """The Code provision as written in the Code (``"6.2"``, ``"6.9(g)"``); None for findings about the input itself."""
    severity: Severity
    message: str
    path: str
    row: int | None = None
    """For case records: the line of the file where the case's row starts (the header is line 1)."""
    case_id: str | None = None
    column: str | None = None
    page: int | None = None
    line: int | None = None
    paragraph: int | None = None
    location: str | None = None
    """A human description of where in a document (``page 3, line 12``)."""
    omission: bool = False
    """True when the finding is that a document does not say something (no location)."""
    anchor: str | None = None
    """For documents: a short hash of the normalised text of the block the finding
    points to, so a baseline recognises the finding after text is added above it."""

    def replace(self, **changes: object) -> "Finding":
        """A copy with some fields changed (a standard input renamed to its --stdin-filename)."""
        return dataclasses.replace(self, **changes)

    def sort_key(self) -> tuple:
        return (
            self.path,
            self.row or 0,
            self.page or 0,
            self.line or 0,
            self.paragraph or 0,
            _provision_key(self.provision),
            self.rule,
        )


#: A finding's fields, in order.
FIELDS = tuple(f.name for f in dataclasses.fields(Finding))


def _provision_key(provision: str | None) -> tuple:
    if not provision:
        return (0,)
    parts = []
    for piece in provision.replace("(", ".").replace(")", "").split("."):
        parts.append((0, int(piece), "") if piece.isdigit() else (1, 0, piece))
    return (1, *parts)


def provision_sort_key(provision: str | None) -> tuple:
    """Sort provisions numerically: 6.2 before 6.11; input findings (None) first."""
    return _provision_key(provision)


class CaseFinding:
    """A finding about a row of a case export, as light as a record can be (issue 16).

    An export full of breaches gives close to a finding per row, a million of them: this holds
    the eight fields a case finding uses and takes the other five from the class. It has
    :class:`Finding`'s fields and ``sort_key`` (what the formatters read), ``finding()`` gives
    a :class:`Finding` where one is needed. Made only for case records, so the document fields
    are always empty."""

    __slots__ = ("rule", "provision", "severity", "message", "path", "row", "case_id", "column")
    page = line = paragraph = location = anchor = None
    omission = False

    def __init__(self, rule: str, provision: str | None, severity: Severity, message: str, path: str,
                 row: int | None, case_id: str | None, column: str | None):
        self.rule, self.provision, self.severity, self.message = rule, provision, severity, message
        self.path, self.row, self.case_id, self.column = path, row, case_id, column

    def sort_key(self) -> tuple:
        return (self.path, self.row or 0, 0, 0, 0, _provision_key(self.provision), self.rule)

    def finding(self) -> Finding:
        return Finding(rule=self.rule, provision=self.provision, severity=self.severity, message=self.message,
                       path=self.path, row=self.row, case_id=self.case_id, column=self.column)

    def replace(self, **changes: object) -> "CaseFinding":
        """A copy with some fields changed, as :meth:`Finding.replace` (standard input renamed)."""
        values = {name: getattr(self, name) for name in self.__slots__}
        values.update(changes)
        return CaseFinding(**values)


    def __eq__(self, other: object) -> bool:
        if isinstance(other, (CaseFinding, Finding)):
            return all(getattr(self, k) == getattr(other, k) for k in FIELDS)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # compared by value, as Finding; not a dict key

    def __repr__(self) -> str:
        return f"CaseFinding({self.path}:{self.row} {self.rule} {self.case_id!r})"
