"""What the commands share: exit codes, one-line errors, Ctrl-C, progress, --as-of, the
configuration files a run reads. Imported by every command module; imports nothing of theirs."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from codecheck.errors import UsageError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C


def interrupted() -> NoReturn:  # noqa: F821
    if sys.stderr.isatty():
        click.echo("\r\033[K", err=True, nl=False)  # clear a progress line
    click.echo("codecheck: interrupted", err=True)
    sys.exit(EXIT_INTERRUPTED)


def fail(message: str) -> NoReturn:  # noqa: F821
    click.echo(f"codecheck: {message}", err=True)
    sys.exit(EXIT_USAGE)


def split_list(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for v in values for part in v.split(",") if part.strip()]


def progress_reporter():
    """Progress on stderr, only for a person watching a terminal: never in CI logs or pipes."""
    if not sys.stderr.isatty():
        return None
    import time

    last = [0.0]

    def show(message: str) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.2:
            last[0] = now
            click.echo(f"\r\033[K{message[-100:]}", err=True, nl=False)

    return show


def config_files(config_path: Path | None, config) -> list[Path]:
    """The configuration file(s) a run reads, so that no output is written over them."""
    files = [config_path] if config_path else []
    source = getattr(config, "source", None)
    if source:
        files.append(Path(source.removesuffix(" [tool.codecheck]")))
    return files


def parse_as_of(value: str | None) -> dt.date:
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--as-of {value!r} is not a date; write it as YYYY-MM-DD") from None
