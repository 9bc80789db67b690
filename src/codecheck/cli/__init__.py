"""The command line: `codecheck check PATH...` (or just `codecheck PATH...`), `codecheck rules`,
`explain`, `init`, `columns` and `report`, one module each; what they share is in
:mod:`codecheck.cli.common`.

Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage errors or unreadable input,
130 interrupted. Errors are one clear line on stderr, never a traceback.
"""

from __future__ import annotations

import os
import signal


def _interrupted_while_starting(signum, frame) -> None:  # pragma: no cover - timing dependent
    """Ctrl-C while codecheck's modules load: nothing is written yet, so stop at once, in one line."""
    os.write(2, b"codecheck: interrupted\n")
    os._exit(130)


def _guard_startup(on: bool) -> None:
    try:
        if on and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            signal.signal(signal.SIGINT, _interrupted_while_starting)
        elif not on and signal.getsignal(signal.SIGINT) is _interrupted_while_starting:
            signal.signal(signal.SIGINT, signal.default_int_handler)
    except (ValueError, OSError, AttributeError):  # not the main thread, or no signals here
        pass


_guard_startup(True)  # until the end of this module's imports (see the bottom of the file)

import click

from codecheck import __version__
from codecheck.cli.check import check
from codecheck.cli.columns import list_columns
from codecheck.cli.common import fail, interrupted
from codecheck.cli.init import init
from codecheck.cli.report import report
from codecheck.cli.rules import explain, list_rules, render_explanation  # noqa: F401
from codecheck.cli.serve import serve
from codecheck.errors import CodecheckError


class DefaultToCheck(click.Group):
    """`codecheck PATH` means `codecheck check PATH`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["check", *args]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        # Ctrl-C: one line and exit 130, never a traceback nor click's "Aborted!" with exit 1
        # (which would read as "findings"); outputs are written atomically, so none is partial.
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            interrupted()


@click.group(cls=DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="codecheck")
def main() -> None:
    """codecheck: lint complaint records, policies and letters against the
    Housing Ombudsman's Complaint Handling Code (2024).

    \b
    codecheck cases.csv                 check a case-record export
    codecheck rules                     list the rules
    codecheck explain 6.2               the Code's words, rationale, example
    """


for _command in (check, list_rules, explain, init, list_columns, report, serve):
    main.add_command(_command)


def run() -> None:  # pragma: no cover - console entry point guard
    try:
        main(standalone_mode=True)
    except CodecheckError as exc:
        fail(str(exc))
    except KeyboardInterrupt:  # before a command was invoked (main's own guard is DefaultToCheck.invoke)
        interrupted()


_guard_startup(False)  # from here a Ctrl-C is a KeyboardInterrupt, handled by DefaultToCheck.invoke


if __name__ == "__main__":  # pragma: no cover
    main()
