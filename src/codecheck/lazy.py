"""numpy, imported on first use rather than when a module that uses it is imported.

`codecheck rules` and a check of one letter never touch an array, yet the modules that
define the case rules and read dates use numpy; importing it costs about a tenth of a
second, paid on every commit by a pre-commit hook (issue 13). So those modules say
``from codecheck.lazy import numpy as np`` instead of ``import numpy as np``: the name
stands for numpy, which is imported (the ordinary way, under the import lock) on the first
attribute looked up, after which every attribute is found directly, as on numpy itself.

A module that uses numpy must not call it at import time (no module-level
``np.something(...)``), or the deferral is lost for every command;
`tests/test_conventions.py` checks that neither command imports numpy.
"""

from __future__ import annotations

import importlib
import types


class Deferred(types.ModuleType):
    """A stand-in for a module, filled from the real one on first attribute lookup."""

    def __getattr__(self, attr: str):
        # Called only for names not yet in this object's namespace: the first lookup (copy the
        # real module's namespace here, so later lookups are plain attribute reads) and names the
        # real module computes on demand (its own module __getattr__).
        if attr.startswith("__") and attr.endswith("__") and attr not in ("__version__", "__file__"):
            raise AttributeError(attr)
        module = importlib.import_module(self.__name__)
        self.__dict__.update({k: v for k, v in vars(module).items() if k not in ("__name__", "__doc__")})
        return getattr(module, attr)


numpy = Deferred("numpy")


class Regex:
    """A regular expression compiled the first time it is used, not when its module is imported.

    For modules whose dozens of patterns serve one kind of input (a self-assessment form, an
    improvement plan, target dates): listing the rules, or checking a letter, imports them without
    compiling what they will not use. It answers every attribute of the compiled pattern
    (``search``, ``finditer``, ``sub`` ...); ``pattern`` and ``flags`` without compiling it.
    """

    __slots__ = ("pattern", "flags", "_compiled")

    def __init__(self, pattern: str, flags: int = 0):
        self.pattern, self.flags, self._compiled = pattern, flags, None

    def __getattr__(self, name: str):
        compiled = self._compiled
        if compiled is None:
            import re

            compiled = self._compiled = re.compile(self.pattern, self.flags)
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"Regex({self.pattern!r}, {self.flags!r})"
