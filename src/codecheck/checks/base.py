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
from typing import Any, Callable, Protocol

import numpy as np

from codecheck.calendar import WorkingCalendar
from codecheck.columns import DATE_COLUMNS, NON_PERSONAL, YES_NO_COLUMNS
from codecheck.findings import Severity
from codecheck.records import CaseBatch
from codecheck.rules import CASES, Rule
from codecheck.values import format_date


@dataclass
class CheckContext:
    calendar: WorkingCalendar
    as_of: dt.date
    show_values: bool = False
    state: dict[str, Any] = field(default_factory=dict)
    stage_labels: dict[str, int] = field(default_factory=dict)
    """The landlord's own stage labels (config `stage_labels`)."""
    """Per-file state a rule may keep across batches (e.g. case ids seen)."""

    @property
    def as_of64(self) -> np.datetime64:
        return np.datetime64(self.as_of, "D")


class Emit(Protocol):
    def __call__(self, index: int, message: str, *, severity: Severity | None = None, column: str | None = None) -> None: ...


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
) -> Callable[[Callable[[CaseBatch, CheckContext, Emit], None]], Rule]:
    """Turn a check function into a :class:`Rule` over case records."""

    def wrap(fn: Callable[[CaseBatch, CheckContext, Emit], None]) -> Rule:
        return Rule(
            id=id,
            name=name,
            provision=provision,
            summary=summary,
            severity=severity,
            kinds=(CASES,),
            rationale=" ".join(rationale.split()),
            breach_example=breach_example,
            compliant_example=compliant_example,
            columns=columns,
            reads=reads,
            check=fn,
        )

    return wrap


def d(day: np.datetime64) -> str:
    """A date as messages write it: 02/01/2025."""
    return format_date(day)


def wd(n: int) -> str:
    return f"{n} working day" + ("" if n == 1 else "s")


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


def shown(ctx: CheckContext, column: str, value: str) -> str:
    """The value, where it cannot carry a resident's details: short values of
    process columns whose words are all date-like or yes/no-like (labels such as
    stage may use any words), or anything with --show-values."""
    if ctx.show_values:
        return repr(value)
    words = re.findall(r"[a-z]+", value.lower())
    typed = column in DATE_COLUMNS or column in YES_NO_COLUMNS
    if column in NON_PERSONAL and len(value) <= 24 and (not typed or all(w in SAFE_WORDS for w in words)):
        return repr(value)
    return f"(value not shown, {len(value)} characters; --show-values shows it)"
