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
