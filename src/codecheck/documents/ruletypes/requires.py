"""``requires``: an OMISSION — the document does not say what the Code requires it to say.

    CP603:
      type: requires
      satisfied_by:                          # a statement says it
        - {kind: timescale, step: respond, stages: [1, unknown]}

    CP306:
      type: requires
      any_of: ['represent', 'advocate']      # one must match (or all_of: groups that must all match)

One finding for the document as a whole when nothing says it, never an error: by default a
warning where residents are told something (sections 1-3, 5-7), info for the landlord's own
governance (4, 8, 9); the landlord may say it in another document (``covered_elsewhere``).
A pack may set ``severity: warning`` where the document itself is what the provision requires
(the annual report must hold what 8.1 lists, whatever section 8 is about).
``within`` limits the search to blocks under a heading that matches it; ``scope: sentence``
needs every ``all_of`` group in one sentence; ``names`` says what each group is, for
``{missing}`` in the message.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from ..matching import (
    Matcher,
    PatternSet,
    Text,
    compile_matcher,
    compile_set,
    document_text,
)
from ..model import Document
from .base import BaseSpec, Check, Emit, Pattern, Patterns, Says, SpecError, fmt
from .placeholder import unfilled


@dataclass(kw_only=True)
class Spec(BaseSpec):
    FIELDS: ClassVar[tuple[str, ...]] = ("missing",)
    REPORTS: ClassVar[str] = "omission"

    type: Literal["requires"]
    any_of: Patterns | None = None
    all_of: list[Patterns] | None = None
    within: Pattern | None = None
    scope: Literal["document", "sentence"] = "document"
    names: list[str] | None = None
    satisfied_by: list[Says] | None = None

    def validate_keys(self) -> None:
        super().validate_keys()
        if self.severity == "error":
            raise SpecError(
                ("severity",),
                "a requires rule reports an omission, which is never an error; its severity follows its "
                "provision (warning for sections 1-3 and 5-7, info for 4, 8 and 9) unless given as warning or info",
            )
        if self.any_of is None and self.all_of is None and self.satisfied_by is None:
            raise SpecError(("any_of",), "field required (a requires rule needs any_of, all_of or satisfied_by)")
        if self.any_of is not None and self.all_of is not None:
            raise SpecError(("all_of",), "give any_of or all_of, not both")
        if self.all_of is not None and not self.all_of:
            raise SpecError(("all_of",), "must list at least one group")
        if self.names is not None:
            if self.all_of is None:
                raise SpecError(("names",), "names go with all_of (one name per group)")
            if len(self.names) != len(self.all_of):
                raise SpecError(("names",), f"{len(self.names)} names for {len(self.all_of)} all_of groups")
        if self.scope == "sentence" and self.all_of is None:
            raise SpecError(("scope",), "scope: sentence goes with all_of")
        if "{missing}" in self.message and self.names is None:
            raise SpecError(("message",), "{missing} needs all_of with names (what each group is)")

    def statements(self) -> tuple[Says, ...]:
        return tuple(self.satisfied_by or ())


def _in_heading(text: Text, start: int, heading: Matcher | None) -> bool:
    if heading is None:
        return True
    under = text.normalized_heading(start)
    return under is not None and heading.search_in(under)


def _found(text: Text, patterns: PatternSet, within: Matcher | None, start: int = 0, end: int | None = None) -> bool:
    """Does one of `patterns` match in [start, end) (under a heading matching `within`), outside
    an unfilled placeholder? "[DATE THE GOVERNING BODY CONSIDERED THIS REPORT]" is an instruction
    to write the element, not the element."""
    spans = unfilled(text)
    if within is None and not spans:
        return text.contains(patterns, start, end)
    starts = [s for s, _ in spans]

    def written(hit) -> bool:
        i = bisect.bisect_right(starts, hit.start) - 1
        return i < 0 or spans[i][1] <= hit.start

    return any(
        _in_heading(text, hit.start, within) and written(hit)
        for matcher in patterns.matchers for hit in text.finditer(matcher, start, end)
    )


def build(spec: Spec) -> Check:
    groups = [compile_set(tuple(spec.any_of))] if spec.any_of is not None else [
        compile_set(tuple(group)) for group in spec.all_of or []]
    if not groups:  # met only by a statement
        def check_statements(document: Document, ctx: Any, emit: Emit) -> None:
            reading = _statements_of(document, getattr(ctx, "kind", None))
            if not any(says.matches(st) for st in reading.statements for says in satisfied_by):
                emit(None, fmt(spec.message))

        satisfied_by = spec.satisfied_by or []
        return check_statements
    within = compile_matcher(spec.within) if spec.within is not None else None
    names = spec.names or []
    satisfied_by = spec.satisfied_by or []

    def check(document: Document, ctx: Any, emit: Emit) -> None:
        text = document_text(document)
        if satisfied_by:
            reading = _statements_of(document, getattr(ctx, "kind", None))
            if any(says.matches(st) for st in reading.statements for says in satisfied_by):
                return
        found = [_found(text, group, within) for group in groups]
        if spec.scope == "sentence" and all(found):
            for start, end in text.sentences:
                if all(_found(text, group, within, start, end) for group in groups):
                    return
            missing_names = names
        elif all(found):
            return
        else:
            missing_names = [n for n, ok in zip(names, found) if not ok]
        emit(None, fmt(spec.message, missing=" and ".join(missing_names)))

    return check


def _statements_of(document, kind):
    """The statement layer, imported when a document is first read (it compiles large patterns:
    `codecheck rules` and a check that needs no statement do not pay for it)."""
    from ..statements import statements_of

    return statements_of(document, kind)
