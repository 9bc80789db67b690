"""`codecheck init [--from EXPORT]`: a commented starter codecheck.yaml."""

from __future__ import annotations

from pathlib import Path

import click

from codecheck.cli.common import fail
from codecheck.errors import CodecheckError


@click.command()
@click.option("--force", is_flag=True, help="Overwrite an existing codecheck.yaml.")
@click.option("--from", "export", metavar="EXPORT", type=click.Path(path_type=Path),
              help="Guess the `columns:` mapping (and date order) from this case-record export (.csv, .tsv, .xlsx).")
def init(force: bool, export: Path | None) -> None:
    """Write a commented starter codecheck.yaml here, every key at its default.

    With --from EXPORT, map the export's headers to codecheck's columns by name and by the values
    under them; each guess is commented with its confidence, doubtful ones are commented out."""
    from codecheck.starter import write_starter

    text, summary = None, "every key with its default; edit what you need"
    if export is not None:
        from codecheck.mapping import config_from_export

        try:
            guessed = config_from_export(export, Path.cwd())
        except CodecheckError as exc:
            fail(str(exc))
        text, summary = guessed.text, guessed.summary
    try:
        target = write_starter(Path.cwd(), force=force, text=text)
    except FileExistsError as exc:
        fail(f"{exc} already exists; use --force to overwrite it")
    except OSError as exc:
        fail(f"cannot write codecheck.yaml: {exc.strerror or exc}")
    click.echo(f"wrote {target.name}: {summary}")
