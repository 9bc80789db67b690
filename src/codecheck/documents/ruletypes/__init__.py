"""The document rule types, one module each (as Vale keeps one file per check type).

=============  ===========================================================================
type           reports
=============  ===========================================================================
requires       an omission: the document does not say what the Code requires it to say
forbids        a contradiction found by words (with ``unless`` for the sentences that deny it)
statement      a contradiction the statement layer read (a condition on escalating ...)
timescale      a contradiction: a time for a step longer than the Code allows
placeholder    template hygiene: an unfilled placeholder
conditional    one thing said without another (the Ombudsman's e-mail with no phone number)
=============  ===========================================================================

Each module has ``Spec`` (a dataclass of its keys, validated by pydantic only when a pack is
untrusted) and ``build(spec)`` (the check).
"""

from __future__ import annotations

from dataclasses import fields

from . import conditional, forbids, placeholder, requires, statement, timescale
from .base import BaseSpec, Check, Says, SpecError

MODULES = {
    "requires": requires,
    "forbids": forbids,
    "statement": statement,
    "timescale": timescale,
    "placeholder": placeholder,
    "conditional": conditional,
}

RuleSpec = requires.Spec | forbids.Spec | statement.Spec | timescale.Spec | placeholder.Spec | conditional.Spec
"""A rule of any type, told apart by its ``type`` key (:data:`MODULES`)."""


def keys_of(type_name: str) -> frozenset[str]:
    """The keys a rule of this type may have."""
    return frozenset(f.name for f in fields(MODULES[type_name].Spec)) | {"from"}


def build_check(spec: BaseSpec) -> Check:
    return MODULES[spec.type].build(spec)  # type: ignore[attr-defined]


__all__ = ["MODULES", "RuleSpec", "BaseSpec", "Check", "Says", "SpecError", "build_check", "keys_of"]
