"""What every document rule type shares: the keys of a rule, patterns, statements, messages.

A rule type is a module of this package with a ``Spec`` (the pydantic schema of its keys,
on top of :class:`BaseSpec`) and ``build(spec)``, which returns the rule's check. The
schema checks a rule's shape and each pattern (fragments of the shared vocabulary
expanded, compiled, never matching empty text); ``Spec.validate_keys`` checks what
depends on several keys, naming the key that is wrong (:class:`SpecError`).
"""

from __future__ import annotations

import re
import string
from typing import Annotated, Any, Callable, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationInfo

from ..matching import compile_pattern
from ..model import Document
from ..vocabulary import UnknownFragment, expand

Emit = Callable[..., None]
Check = Callable[[Document, Any, Emit], None]


class SpecError(Exception):
    """A rule's keys do not fit together: `loc` is the key path inside the rule."""

    def __init__(self, loc: tuple[Any, ...], message: str):
        super().__init__(message)
        self.loc, self.message = loc, message


def _pattern(value: str, info: ValidationInfo) -> str:
    """A rule pattern, its ``{fragments}`` expanded; an error says what is wrong with it.

    The shipped packs are loaded as trusted (validation context ``{"trusted": True}``): their
    patterns are compiled when a rule first reads a document, not at start-up (compiling them all
    cost most of `codecheck rules`'s time); the test suite validates them in full."""
    if not value.strip():
        raise ValueError("empty pattern")
    try:
        value = expand(value)
    except UnknownFragment as exc:
        raise ValueError(str(exc)) from None
    if info.context and info.context.get("trusted"):
        return value
    try:
        compiled = compile_pattern(value)
    except re.error as exc:
        raise ValueError(f"invalid regular expression: {exc}") from None
    if compiled.search(""):
        raise ValueError("pattern matches empty text")
    return value


def _some(values: list[str]) -> list[str]:
    if not values:
        raise ValueError("must list at least one pattern")
    return values


Pattern = Annotated[str, AfterValidator(_pattern)]
"""One pattern: a regular expression over normalised text, vocabulary fragments allowed."""
Patterns = Annotated[list[Pattern], AfterValidator(_some)]
"""A non-empty list of patterns; one matching is enough."""


class Says(BaseModel):
    """Which statements (:mod:`codecheck.documents.statements`) a rule reads: by kind, and
    for timescales by step and stage (``unknown``: the sentence and its heading name none)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal[
        "timescale", "extra_stage", "third_stage", "stage2_handler", "escalation_condition", "ombudsman_wait",
    ] = "timescale"
    step: Literal["acknowledge", "respond", "extend", "escalate", "remedy", "wait", "contact", "other"] | None = None
    stages: list[Literal[1, 2, "unknown"]] | None = None
    value: str | None = None
    negated: bool | None = None

    def matches(self, statement: Any) -> bool:
        if statement.kind != self.kind:
            return False
        if self.kind == "timescale" and statement.topic != "complaint":
            return False
        if self.step is not None and statement.step != self.step:
            return False
        if self.stages is not None and (statement.stage or "unknown") not in self.stages:
            return False
        if self.value is not None and statement.value != self.value:
            return False
        return self.negated is None or statement.negated == self.negated


class BaseSpec(BaseModel):
    """The keys of every document rule."""

    model_config = ConfigDict(extra="forbid")

    FIELDS: ClassVar[tuple[str, ...]] = ()
    """The placeholders its message may use."""
    REPORTS: ClassVar[str] = "contradiction"
    """"omission" for a rule that reports what a document does not say, else "contradiction"."""

    name: str
    provision: str | None
    severity: Literal["error", "warning", "info"] | None = None
    """Default error; an omission takes its severity from its provision."""
    summary: str
    message: str
    rationale: str
    breach_example: str
    compliant_example: str = ""
    kinds: list[str] | None = None

    def validate_keys(self) -> None:
        """Checks across keys; raise SpecError naming the key. Extended by each type."""
        for key in ("summary", "message", "rationale", "breach_example"):
            if not getattr(self, key).strip():
                raise SpecError((key,), "must not be empty")
        try:
            used = [f for _, f, _, _ in string.Formatter().parse(self.message) if f is not None]
        except ValueError as exc:
            raise SpecError(("message",), f"{exc} (write {{{{ and }}}} for literal braces)") from None
        for field in used:
            if field not in self.FIELDS:
                allowed = ", ".join("{" + f + "}" for f in self.FIELDS) or "none"
                raise SpecError(
                    ("message",),
                    f"unknown placeholder {{{field}}} (a {self.type} message may use {allowed}; "  # type: ignore[attr-defined]
                    "write {{ and }} for braces)",
                )

    def statements(self) -> tuple[Says, ...]:
        """The statement filters the rule reads (for ``--format statements``)."""
        return ()


class _Fields(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fmt(message: str, **values: Any) -> str:
    """`message` with the placeholders given filled in (others left as written)."""
    return string.Formatter().vformat(message, (), _Fields(values))


def quoted(sentence: str, width: int = 160) -> str:
    """A sentence as a finding quotes it: without a list bullet, at most `width` characters."""
    text = re.sub(r"^[\s\u2022\u25cf\u25aa*>-]+", "", " ".join(sentence.split()))
    return text if len(text) <= width else text[: width - 1].rstrip() + "\u2026"
