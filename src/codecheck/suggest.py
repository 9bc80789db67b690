""""Did you mean …?" for a mistyped rule id, provision, kind, column or configuration key.

The standard library's :func:`difflib.get_close_matches` does the matching (a well-kept
similarity ratio), compared ignoring case, as a user types ``cr602`` for ``CR602``."""

from __future__ import annotations

import difflib
from typing import Iterable


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str:
    """``"; did you mean 'CR602'?"`` (or two), or "" when nothing is close."""
    options = {str(c).lower(): str(c) for c in choices}
    close = difflib.get_close_matches(str(word).strip().lower(), list(options), n=2, cutoff=cutoff)
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(options[c]) for c in close) + "?"
