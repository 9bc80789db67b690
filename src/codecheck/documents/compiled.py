"""Rule patterns compiled once per machine, not once per run (issue 13: a fast start).

Checking a one-page letter compiles a hundred and more rule patterns, each expanded from the
shared vocabulary into a long alternation: Python's regular expression parser and compiler are
written in Python, and this was most of a letter check's time. What they produce for a pattern
is plain data (a list of integers, the group names) that ``_sre.compile`` turns into a pattern
object at C speed, so it is kept in a cache file between runs, as ruff and pre-commit keep
theirs:

- where: ``$CODECHECK_CACHE_DIR``, else ``$XDG_CACHE_HOME/codecheck``, else
  ``~/.cache/codecheck``; ``CODECHECK_NO_CACHE=1`` turns it off. One file per Python version
  and regular-expression engine (``_sre.MAGIC``) and per version of this cache's layout, so
  a new Python never reads another's code.
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

import atexit
import marshal
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

try:
    import _sre
    from re import _compiler as _sre_compiler
    from re import _parser as _sre_parser
except ImportError:  # pragma: no cover - another Python: compile every run
    _sre = _sre_compiler = _sre_parser = None

#: Bump when what is stored for a pattern changes shape.
LAYOUT = 2
#: A cache holding more entries than this (patterns of packs long since edited) starts again.
MAX_ENTRIES = 20_000

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
    if _sre is None or os.environ.get("CODECHECK_NO_CACHE", "").strip() not in ("", "0"):
        return None
    folder = os.environ.get("CODECHECK_CACHE_DIR")
    if not folder:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        folder = os.path.join(base, "codecheck")
    tag = f"{sys.implementation.cache_tag}-{_sre.MAGIC}-{LAYOUT}"
    return Path(folder) / f"patterns-{tag}.marshal"


class Store:
    """The cache of one run: read when first asked, written at exit if something was added."""

    def __init__(self, path: Path | None):
        self.path = path
        self._entries: dict | None = None
        self._added: dict = {}

    @property
    def entries(self) -> dict:
        if self._entries is None:
            self._entries = _read(self.path) if self.path is not None else {}
        return self._entries

    def get(self, key: Any) -> Any:
        return self.entries.get(key)

    def put(self, key: Any, value: Any) -> None:
        if self.path is None:
            return
        if not self._added:
            atexit.register(self.save)
        self.entries[key] = value
        self._added[key] = value

    def remembered(self, key: Any, compute: "Callable[[], Any]", use: "Callable[[Any], Any]" = lambda v: v) -> Any:
        """``use(value)`` of the value kept for `key`, else of ``compute()``, which is then kept.
        A kept value that ``use`` cannot take (code another Python wrote, a damaged file) is
        worked out afresh; an error of ``compute`` (a pattern that is not a regex) is raised."""
        found = self.entries.get(key)
        if isinstance(found, tuple) and len(found) == 2 and found[0] == "ok":
            try:
                return use(found[1])
            except Exception:  # noqa: BLE001 - an entry this run cannot use
                self.entries.pop(key, None)
        value = compute()
        self.put(key, ("ok", value))
        return use(value)

    def save(self) -> None:
        """Write what this run added to what is on disk now (another run may have added more)."""
        if self.path is None or not self._added:
            return
        try:
            merged = {**_read(self.path), **self._added}
            if len(merged) > MAX_ENTRIES:
                merged = dict(self._added)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=".patterns-", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as out:
                    marshal.dump(merged, out)
                os.replace(temp, self.path)
            except BaseException:
                os.unlink(temp)
                raise
        except (OSError, ValueError):
            pass  # a cache that cannot be written costs the next run its compile time, nothing else
        self._added = {}


def _read(path: Path) -> dict:
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}


_STORE: Store | None = None


def store() -> Store:
    """This run's cache (the file chosen when first asked)."""
    global _STORE
    if _STORE is None:
        _STORE = Store(cache_file())
    return _STORE
