"""`codecheck columns`: the case-record columns, what they hold, the rules that use them."""

from __future__ import annotations

import click

from codecheck.cli.common import fail
from codecheck.errors import CodecheckError


@click.command("columns")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True,
              help="markdown is docs/columns.md.")
def list_columns(fmt: str) -> None:
    """List the case-record columns: meaning, type, values read, the rules that use each."""
    from codecheck.columns_command import render
    from codecheck.registry import default_registry

    try:
        rules = default_registry().rules.values()
    except CodecheckError as exc:
        fail(str(exc))
    click.echo(render(rules, fmt), nl=False)
