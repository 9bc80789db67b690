"""What every record rule is given, and the decorator that makes one.

A record rule is a small function over a batch of cases::

    @record_rule(id="CR602", name="stage1-ack-late", provision="6.2", ...)
    def stage1_ack_late(cases: CaseBatch, ctx: CheckContext, emit: Emit) -> None:
        ...
        emit(i, "acknowledged 02/01/2025, 6 working days after receipt ...")

``emit`` turns a row index and a message into a :class:`Finding` carrying the
rule's id, provision and severity, the file, the row and the case id.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any, Callable, Protocol

from codecheck.lazy import numpy as np

from codecheck.calendar import WorkingCalendar
from codecheck.columns import DATE_COLUMNS, YES_NO_COLUMNS
from codecheck.findings import Severity
from codecheck.records import CaseBatch
from codecheck.rules import CASES, Rule, rule
from codecheck.values import _ISO, _NUMERIC, _WORDS, PLACEHOLDERS, Placeholders, describe_shape, format_date


@dataclass
class CheckContext:
    calendar: WorkingCalendar
    as_of: dt.date
    show_values: bool = False
    state: dict[str, Any] = field(default_factory=dict)
    """Per-file state a rule may keep across batches (e.g. case ids seen)."""
    stage_labels: dict[str, int] = field(default_factory=dict)
    """The landlord's own stage labels (config `stage_labels`)."""
    headers: dict[str, str] = field(default_factory=dict)
    """The file's header for each canonical column it has (for messages about a whole column)."""
    header_row: int = 1
    """The line (or Excel row) of the file's header."""
    placeholder: Placeholders = field(default_factory=lambda: Placeholders(PLACEHOLDERS))
    """Whether a reason cell holds only a placeholder (config `placeholders`): no reason."""
    review_months: int = 12
    """How old a review of reasonable adjustments may be and still count as active (5.10; config
    `adjustments_review_months`)."""

    @property
    def as_of64(self) -> np.datetime64:
        return np.datetime64(self.as_of, "D")


class Emit(Protocol):
    """Report row ``index``. ``uses``: the columns this finding was judged with (default:
    the rule's ``columns + reads``); the finding is left out where one of them cannot
    be read, and only then."""

    def __call__(self, index: int, message: str, *, severity: Severity | None = None, column: str | None = None,
                 uses: tuple[str, ...] | None = None) -> None: ...


def record_rule(
    *,
    id: str,
    name: str,
    provision: str | None,
    summary: str,
    rationale: str,
    breach_example: str,
    compliant_example: str = "",
    columns: tuple[str, ...] = (),
    reads: tuple[str, ...] = (),
    severity: Severity = Severity.ERROR,
    finish: "Callable[[CheckContext, Any], None] | None" = None,
) -> Callable[[Callable[[CaseBatch, CheckContext, Emit], None]], Rule]:
    """Turn a check function into a :class:`Rule` over case records."""
    return rule(id=id, name=name, provision=provision, summary=summary, severity=severity, kinds=(CASES,),
                rationale=rationale, breach_example=breach_example, compliant_example=compliant_example,
                columns=columns, reads=reads, finish=finish)


def d(day: np.datetime64) -> str:
    """A date as messages write it: 02/01/2025."""
    return format_date(day)


def wd(n: int) -> str:
    return f"{n} working day" + ("" if n == 1 else "s")


def emit_all(emit: Emit, rows: list[int], messages: list[str], column: str | None, uses: "list | tuple | None" = None,
             warn: "list | None" = None) -> None:
    """Emit each row's message, in the order of `rows`; `uses`: the columns each relies on (one
    tuple for all, a list of one per row, or None: the rule's); `warn`: rows whose finding is a
    warning. In one call where the engine's ``emit`` takes many (``emit.many``: a rule with
    thousands of findings a batch makes no Python call per finding)."""
    many = getattr(emit, "many", None)
    if many is not None:
        many(rows, messages, column=column, uses=uses,
             severity=None if warn is None else [Severity.WARNING if w else None for w in warn])
        return
    per_row = uses if isinstance(uses, list) else repeat(uses)
    if warn is None:
        for i, message, used in zip(rows, messages, per_row):
            emit(i, message, column=column, uses=used)
        return
    for i, message, used, warning in zip(rows, messages, per_row, warn):
        if warning:
            emit(i, message, severity=Severity.WARNING, column=column, uses=used)
        else:
            emit(i, message, column=column, uses=used)


def indexes(mask: np.ndarray) -> list[int]:
    return np.flatnonzero(mask).tolist()


#: Words a date or yes/no cell may hold and still be shown: none of them can
#: identify a resident. A cell with any other word is withheld.
SAFE_WORDS = frozenset(
    "jan january feb february mar march apr april may jun june jul july aug august sep sept september "
    "oct october nov november dec december mon tue wed thu fri sat sun monday tuesday wednesday thursday "
    "friday saturday sunday st nd rd th yes no true false maybe unknown pending tbc tba na none nil not "
    "known next last week weeks month months today tomorrow yesterday day days date".split()
)


def shown(ctx: CheckContext, column: str, value: str, brackets: bool = False) -> str:
    """The value as a message may write it. With --show-values, the value itself.
    Otherwise only what cannot carry a resident's details is quoted: in a date
    column a value written like a date ('31/02/2024') or of date-like words only, in a
    yes/no column a value of date-like or yes/no-like words and no digits ('maybe').
    Anything else (a stage label, a record type, a name, a phone number) is
    described by its shape: '(a value of 11 digits and spaces; --show-values shows it)'.
    ``brackets``: a quoted value in brackets too, as the shape always is."""
    if ctx.show_values or _quotable(column, value):
        return f"({value!r})" if brackets else repr(value)
    return f"({describe_shape(value)}; --show-values shows it)"


def _quotable(column: str, value: str) -> bool:
    s = value.strip().lower()
    if not s or len(s) > 24 or not all(w in SAFE_WORDS for w in re.findall(r"[a-z]+", s)):
        return False
    if column in DATE_COLUMNS:
        return bool(_ISO.match(s) or _NUMERIC.match(s) or _WORDS.match(s) or not re.search(r"\d", s))
    return column in YES_NO_COLUMNS and not re.search(r"\d", s)
