"""``timescale``: a CONTRADICTION — a time allowed for one step of handling a complaint that is
longer than the Code allows, a finding at the amount.

Read from statements (preferred)::

    CP603T:
      type: timescale
      reads: {step: respond, stages: [1, unknown]}   # timescale statements of this step and stage
      max_working_days: 10
      allow:                                         # the first that fits raises the limit
        - {stage: unknown, max_working_days: 20}     # names no stage: the most either allows
        - {from: [receipt], max_working_days: 15}    # counted from receipt: 5, then 10
        - {complex_cases: true, max_working_days: 20}
        - {total: true, max_working_days: 20}        # "20 working days in all"

A statement's longest amount is compared (the top of "10 to 20 working days"; the fewest
working days that calendar days or months can be); its step, stage, what it counts from and
its topic are read once by :mod:`codecheck.documents.statements`, so a compensation payment or
an MP enquiry never feeds this rule.

Read from sentences (letters that name their step in their own words)::

    CL603:
      type: timescale
      step: ['{respond}']         # a sentence that names the step ...
      unless: ['{extend}']        # ... and none of these
      max_working_days: 10
      allow: [{when: ['{receipt_from}'], max_working_days: 15}]

Every amount in working days or weeks in such a sentence is compared. ``read_heading: true``
reads "<heading>: <sentence>" for ``step`` and ``allow.when``; ``unless_heading`` skips the
sentences under a heading that matches.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from ..matching import PatternSet, compile_set, document_text
from ..model import Document
from .base import FORBID_EXTRA, BaseSpec, Check, Emit, Patterns, Says, SpecError, fmt


@dataclass(kw_only=True)
class Allow:
    """A higher limit for the statements (or sentences) it fits. ``from`` in a pack is ``from_``
    here (:func:`renamed`)."""

    __pydantic_config__: ClassVar[dict[str, Any]] = FORBID_EXTRA

    max_working_days: int
    # reading statements
    from_: list[Literal["receipt", "acknowledgement", "request"]] | None = None
    stage: Literal[1, 2, "unknown"] | None = None
    complex_cases: bool | None = None
    total: bool | None = None
    # reading sentences
    when: Patterns | None = None


#: Keys of a pack that are not the names of their fields (``from`` is a Python keyword).
ALIASES = {"from": "from_"}


def renamed(rule: dict[str, Any]) -> dict[str, Any]:
    """A timescale rule's data with ``from`` in its ``allow`` entries written ``from_``, the
    field's name (before it is validated or built)."""
    allow = rule.get("allow")
    if type(allow) is not list or not any(type(a) is dict and "from" in a and "from_" not in a for a in allow):
        return rule
    entries = [
        {ALIASES.get(k, k): v for k, v in a.items()} if type(a) is dict and "from_" not in a else a for a in allow
    ]
    return {**rule, "allow": entries}


@dataclass(kw_only=True)
class Spec(BaseSpec):
    FIELDS: ClassVar[tuple[str, ...]] = ("match", "amount", "days", "max")

    type: Literal["timescale"]
    max_working_days: int
    allow: list[Allow] | None = None
    reads: Says | None = None
    step: Patterns | None = None
    unless: Patterns | None = None
    read_heading: bool | None = None
    unless_heading: Patterns | None = None

    def validate_keys(self) -> None:
        super().validate_keys()
        if self.max_working_days < 1:
            raise SpecError(("max_working_days",), "must be a positive number of working days")
        if (self.step is None) == (self.reads is None):
            raise SpecError(("reads",), "a timescale rule reads statements (reads) or sentences (step): give one")
        if self.reads is not None:
            if self.reads.kind != "timescale" or self.reads.step is None:
                raise SpecError(("reads",), "a timescale rule reads timescale statements of one step")
            for key in ("unless", "read_heading", "unless_heading"):
                if getattr(self, key) is not None:
                    raise SpecError((key,), "not a key of a timescale rule that reads statements")
        for i, allow in enumerate(self.allow or []):
            if allow.max_working_days < 1:
                raise SpecError(("allow", i, "max_working_days"), "must be a positive number of working days")
            statement_keys = [k for k in ("from_", "stage", "complex_cases", "total") if getattr(allow, k) is not None]
            if self.reads is not None and allow.when is not None:
                raise SpecError(("allow", i, "when"), "use from, stage, complex_cases or total with reads")
            if self.reads is None and (allow.when is None or statement_keys):
                raise SpecError(("allow", i, "when"), "field required (a rule that reads sentences allows by when)")

    def statements(self) -> tuple[Says, ...]:
        return (self.reads,) if self.reads is not None else ()


def _days(amount: Any) -> str:
    return f"{amount} working day{'s' if amount != 1 else ''}"


def _from_statements(spec: Spec) -> Check:
    assert spec.reads is not None
    reads = spec.reads
    allows = spec.allow or []

    def limit_for(statement: Any) -> int:
        for allow in allows:
            if allow.from_ is not None and statement.counted_from not in allow.from_:
                continue
            if allow.stage is not None and (statement.stage or "unknown") != allow.stage:
                continue
            if allow.complex_cases is not None and statement.complex_cases != allow.complex_cases:
                continue
            if allow.total is not None and statement.total != allow.total:
                continue
            return allow.max_working_days
        return spec.max_working_days

    def check(document: Document, ctx: Any, emit: Emit) -> None:
        reading = _statements_of(document, getattr(ctx, "kind", None))
        for statement in reading.statements:
            if not reads.matches(statement) or statement.high is None:
                continue
            limit = limit_for(statement)
            if statement.high > limit:
                stated = statement.quote
                if statement.unit != "working days":
                    stated += f" (at least {_days(statement.high)})"
                emit(statement.block, fmt(spec.message, match=statement.quote, amount=stated,
                                          days=statement.high, max=limit))

    return check


def _matches(patterns: PatternSet, string: str) -> bool:
    if patterns.joined is not None:
        return patterns.joined.search_in(string)
    return any(m.search_in(string) for m in patterns.matchers)


def _from_sentences(spec: Spec) -> Check:
    step = compile_set(tuple(spec.step or ()))
    unless = compile_set(tuple(spec.unless)) if spec.unless else None
    unless_heading = compile_set(tuple(spec.unless_heading)) if spec.unless_heading else None
    allows = [(compile_set(tuple(allow.when or ())), allow.max_working_days) for allow in spec.allow or []]

    def check(document: Document, ctx: Any, emit: Emit) -> None:
        text = document_text(document)
        amounts, offsets = text.amounts()  # in order: find_amounts scans left to right
        if not amounts:
            return
        for start, end in text.sentences:
            inside = amounts[bisect.bisect_left(offsets, start) : bisect.bisect_left(offsets, end)]
            if not inside:
                continue
            heading = text.normalized_heading(start)
            if heading is not None and unless_heading is not None and _matches(unless_heading, heading):
                continue
            sentence = text.text[start:end]
            # what step and allow.when read: the sentence, or "<heading>: <sentence>"
            context = f"{heading}: {sentence}" if spec.read_heading and heading not in (None, sentence) else sentence
            if not _matches(step, context):
                continue
            if unless is not None and text.contains(unless, start, end):
                continue
            limit = spec.max_working_days
            for when, days in allows:
                if _matches(when, context):
                    limit = days
                    break
            for amount in inside:
                if amount.working_days > limit:
                    hit = text.hit(amount.start, amount.end)
                    stated = hit.text if amount.unit == "working days" else f"{hit.text} ({_days(amount.working_days)})"
                    emit(hit.block, fmt(spec.message, match=hit.text, amount=stated, days=amount.working_days, max=limit))

    return check


def build(spec: Spec) -> Check:
    return _from_statements(spec) if spec.reads is not None else _from_sentences(spec)


def _statements_of(document, kind):
    """The statement layer, imported when a document is first read (it compiles large patterns:
    `codecheck rules` and a check that needs no statement do not pay for it)."""
    from ..statements import statements_of

    return statements_of(document, kind)
