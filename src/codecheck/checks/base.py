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
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

import numpy as np

from codecheck.calendar import WorkingCalendar
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
