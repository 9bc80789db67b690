"""What codecheck keeps between runs, in one folder: as ruff and pre-commit keep theirs.

- where: ``$CODECHECK_CACHE_DIR``, else ``$XDG_CACHE_HOME/codecheck``, else
  ``~/.cache/codecheck``; ``CODECHECK_NO_CACHE=1`` turns it off;
- what: values worked out the same way every run and costly to work out (compiled rule
  patterns, :mod:`codecheck.documents.compiled`; a region's bank holidays,
  :mod:`codecheck.calendar`), each store a ``marshal`` file of plain data (which cannot run
  code when read), keyed so that a changed input never reads a stale value;
- safe to lose or damage: a file that cannot be read is ignored (and rewritten), a value the
  caller cannot use is worked out afresh; a file is written at the end of a run that added to
  it, atomically (a temporary file renamed over it).
"""

from __future__ import annotations

import atexit
import marshal
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

MAX_ENTRIES = 20_000
"""A store holding more entries than this (patterns of packs long since edited) starts again."""


def folder() -> Path | None:
    """The cache folder, or None when caching is off."""
    if os.environ.get("CODECHECK_NO_CACHE", "").strip() not in ("", "0"):
        return None
    where = os.environ.get("CODECHECK_CACHE_DIR")
    if not where:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        where = os.path.join(base, "codecheck")
    return Path(where)


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

    def remembered(self, key: Any, compute: Callable[[], Any], use: Callable[[Any], Any] = lambda v: v) -> Any:
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
            fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.stem}-", suffix=".tmp")
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
