"""``statement``: a CONTRADICTION the statement layer read — each statement the rule
``finds`` is a finding at its sentence, quoting it (one a sentence).

    CP612:
      type: statement
      finds: {kind: escalation_condition}    # "to escalate you must tell us why ..."

What each kind of statement is: :mod:`codecheck.documents.statements`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from ..model import Document
from .base import BaseSpec, Check, Emit, Says, fmt, quoted


@dataclass(kw_only=True)
class Spec(BaseSpec):
    FIELDS: ClassVar[tuple[str, ...]] = ("match",)

    type: Literal["statement"]
    finds: Says

    def statements(self) -> tuple[Says, ...]:
        return (self.finds,)


def build(spec: Spec) -> Check:
    finds = spec.finds

    def check(document: Document, ctx: Any, emit: Emit) -> None:
        reading = _statements_of(document, getattr(ctx, "kind", None))
        done: set[int] = set()
        for statement in reading.statements:
            if finds.matches(statement) and statement.sentence.start not in done:
                done.add(statement.sentence.start)  # one finding a sentence, however often it says it
                emit(statement.block, fmt(spec.message, match=quoted(statement.sentence.cased)))

    return check


def _statements_of(document, kind):
    """The statement layer, imported when a document is first read (it compiles large patterns:
    `codecheck rules` and a check that needs no statement do not pay for it)."""
    from ..statements import statements_of

    return statements_of(document, kind)
