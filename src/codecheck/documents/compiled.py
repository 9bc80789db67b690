"""Rule patterns compiled once per machine, not once per run (issue 13: a fast start).

Checking a one-page letter compiles a hundred and more rule patterns, each expanded from the
shared vocabulary into a long alternation: Python's regular expression parser and compiler are
written in Python, and this was most of a letter check's time. What they produce for a pattern
is plain data (a list of integers, the group names) that ``_sre.compile`` turns into a pattern
object at C speed, so it is kept in a cache file between runs (:mod:`codecheck.cache`):

- where: the cache folder, one file per Python version and regular-expression engine
  (``_sre.MAGIC``) and per version of this cache's layout, so a new Python never reads
  another's code.
- what: for each pattern source, what :func:`codecheck.documents.matching.compile_matcher`
  works out (the compiled code, whether it can be joined into an alternation, its prefixes).
  Keyed by the pattern's own text: a changed pack changes the key, never reads stale code.
- safe to lose or damage: a file that cannot be read is ignored (and rewritten), an entry
  whose code ``_sre`` refuses is compiled again; the cache is ``marshal`` data, which cannot
  run code when it is read. It is written once, at the end of a run that compiled something
  new, atomically (a temporary file renamed over it).

A pattern rebuilt from the cache is equal (``==``) to the one compiling gives: the test suite
compares them for every shipped pattern.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from codecheck.cache import Store, folder

try:
    import _sre
    from re import _compiler as _sre_compiler
    from re import _parser as _sre_parser
except ImportError:  # pragma: no cover - another Python: compile every run
    _sre = _sre_compiler = _sre_parser = None

#: Bump when what is stored for a pattern changes shape.
LAYOUT = 2

Args = tuple  # what _sre.compile takes: (pattern, flags, code, groups, groupindex, indexgroup)


def available() -> bool:
    """Can patterns be compiled to data and rebuilt here (CPython's ``re`` internals present)?"""
    return _sre is not None


def compile_args(tree_or_source: Any, flags: int = 0) -> Args:
    """What ``re._compiler.compile`` passes to ``_sre.compile``, for a pattern's text or its parsed
    tree (``re._parser.parse``): the compiled code and group names as plain data."""
    if isinstance(tree_or_source, str):
        pattern = tree_or_source
        tree = _sre_parser.parse(tree_or_source, flags)
    else:
        pattern, tree = None, tree_or_source
    code = [int(c) for c in _sre_compiler._code(tree, flags)]  # opcodes are int subclasses marshal refuses
    groupindex = dict(tree.state.groupdict)
    indexgroup = [None] * tree.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return (pattern, int(flags | tree.state.flags), code, tree.state.groups - 1, groupindex, tuple(indexgroup))


def from_args(args: Args) -> re.Pattern[str]:
    """The pattern object for :func:`compile_args`'s data (``_sre`` checks the code itself)."""
    return _sre.compile(*args)


def cache_file() -> Path | None:
    """The cache file for this Python, or None when caching is off."""
    where = folder()
    if _sre is None or where is None:
        return None
    tag = f"{sys.implementation.cache_tag}-{_sre.MAGIC}-{LAYOUT}"
    return where / f"patterns-{tag}.marshal"


_STORE: Store | None = None


def store() -> Store:
    """This run's cache (the file chosen when first asked)."""
    global _STORE
    if _STORE is None:
        _STORE = Store(cache_file())
    return _STORE
