"""What every document rule type shares: the keys of a rule, patterns, statements, messages.

A rule type is a module of this package with a ``Spec`` (a dataclass of its keys, on top of
:class:`BaseSpec`) and ``build(spec)``, which returns the rule's check. The specs are plain
dataclasses: pydantic is imported only to validate an untrusted pack (a user's, or the shipped
packs in the test suite), which checks a rule's shape and each pattern (fragments of the shared
vocabulary expanded, compiled, never matching empty text); the shipped packs are built straight
from their data at start-up (:func:`construct`). ``Spec.validate_keys`` checks what depends on
several keys, naming the key that is wrong (:class:`SpecError`).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Literal

from ...plain import Unbuilt
from ..matching import compile_pattern
from ..model import Document
from ..vocabulary import UnknownFragment, expand

Emit = Callable[..., None]
Check = Callable[[Document, Any, Emit], None]

#: What pydantic reads from a stdlib dataclass: unknown keys are errors.
FORBID_EXTRA: dict[str, Any] = {"extra": "forbid"}


class SpecError(Exception):
    """A rule's keys do not fit together: `loc` is the key path inside the rule."""

    def __init__(self, loc: tuple[Any, ...], message: str):
        super().__init__(message)
        self.loc, self.message = loc, message


def _pattern(value: str, info: Any) -> str:
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


if TYPE_CHECKING:
    Pattern = str
    Patterns = list[str]
else:

    class Pattern(str):
        """One pattern: a regular expression over normalised text, vocabulary fragments allowed.
        Only an annotation: a validated pattern is a plain ``str``, its fragments expanded."""

        @classmethod
        def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
            from pydantic_core import core_schema

            return core_schema.with_info_after_validator_function(_pattern, core_schema.str_schema())

    class Patterns(list):
        """A non-empty list of patterns; one matching is enough. Only an annotation: a validated
        list of patterns is a plain ``list``."""

        @classmethod
        def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
            from pydantic_core import core_schema

            return core_schema.no_info_after_validator_function(
                _some, core_schema.list_schema(handler.generate_schema(Pattern))
            )


@dataclass(kw_only=True)
class Says:
    """Which statements (:mod:`codecheck.documents.statements`) a rule reads: by kind, and
    for timescales by step and stage (``unknown``: the sentence and its heading name none)."""

    __pydantic_config__: ClassVar[dict[str, Any]] = FORBID_EXTRA

    kind: Literal[
        "timescale", "extra_stage", "third_stage", "stage2_handler", "escalation_condition", "ombudsman_wait",
    ] = "timescale"
    step: Literal["acknowledge", "respond", "extend", "escalate", "remedy", "wait", "contact", "other"] | None = None
    stages: list[Literal[1, 2, "unknown"]] | None = None
    value: str | None = None
    negated: bool | None = None

    def matches(self, statement: Any) -> bool:
        if statement.kind != self.kind or statement.reported:  # the resident's account, not the landlord's word
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


@dataclass(kw_only=True)
class BaseSpec:
    """The keys of every document rule."""

    __pydantic_config__: ClassVar[dict[str, Any]] = FORBID_EXTRA

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


# -- building specs from trusted data (no pydantic): codecheck.plain.construct ---------------------


def _trusted_pattern(value: Any) -> str:
    """A shipped pack's pattern as validating it gives (fragments expanded; compiled when first used)."""
    if type(value) is not str or not value.strip():
        raise Unbuilt("pattern")
    try:
        return expand(value)
    except UnknownFragment:
        raise Unbuilt("pattern") from None


def _trusted_patterns(value: Any) -> list[str]:
    if type(value) is not list or not value:
        raise Unbuilt("patterns")
    return [_trusted_pattern(v) for v in value]


if not TYPE_CHECKING:
    Pattern.__plain__ = staticmethod(_trusted_pattern)
    Patterns.__plain__ = staticmethod(_trusted_patterns)
