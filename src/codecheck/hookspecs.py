"""The contract between codecheck and its plugins: every extension point.

Built-in rules, readers and output formats are registered through these hooks
exactly as a third party's are (a package exposing a module in the
``codecheck`` entry-point group). Grouped by pipeline stage, as pytest does.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from codecheck.formatters.base import Formatter
    from codecheck.readers.base import Reader
    from codecheck.rules import Rule

PROJECT = "codecheck"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# -- registration --------------------------------------------------------------


@hookspec
def codecheck_rules() -> "list[Rule]":
    """Return the rules this plugin provides.

    Rule ids must be unique across all plugins; a clash is reported at start-up
    naming both plugins. Record rules carry a ``check(batch, ctx)`` callable;
    document rules are loaded from YAML packs and carry theirs too.
    """


@hookspec
def codecheck_readers() -> "list[Reader]":
    """Return the readers this plugin provides.

    A reader turns a file into either batches of case records or a document of
    located text blocks. See :func:`codecheck_pick_reader` for who reads a path.
    """


@hookspec
def codecheck_formatters() -> "list[Formatter]":
    """Return the output formats this plugin provides (``--format NAME``)."""


# -- collection ----------------------------------------------------------------


@hookspec(firstresult=True)
def codecheck_pick_reader(path: Path, kind: str | None, readers: "list[Reader]") -> "Reader | None":
    """Choose the reader for ``path`` (first non-None answer wins).

    ``kind`` is the input kind asked for with ``--kind`` or a config glob, or
    None when it is to be inferred. The built-in implementation picks the first
    of ``readers`` that claims the path; a plugin may answer first
    (``tryfirst=True``) to take over a format.
    """


# -- configuration -------------------------------------------------------------


@hookspec
def codecheck_configure(config: Any) -> None:
    """Called once with the loaded configuration before any file is read."""
