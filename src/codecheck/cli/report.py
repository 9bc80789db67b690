"""`codecheck report PATH... --period START..END`: the board's complaints
performance report, as HTML (default), Markdown or JSON; with ``--annual``, the
draft of the annual complaints performance and service improvement report (Code
8.1, 8.2) as Word (.docx, needs -o) or HTML.

Exit codes: 0 the report was written; 2 a usage error or an input that cannot be
read (no partial report is written then).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from codecheck.cli.common import config_files, fail, parse_as_of
from codecheck.report.formats import FORMATS, SUFFIXES, render


def _excluded(path: Path, patterns: list[str]) -> bool:
    """As the check engine's folder walk: `exclude:` globs leave a file out."""
    import fnmatch

    return any(fnmatch.fnmatch(path.as_posix(), p) or fnmatch.fnmatch(path.name, p) for p in patterns)


#: What ``--annual`` writes.
ANNUAL_FORMATS = ("docx", "html")


def _homes(text: str) -> int | dict[str, int]:
    """``--homes 5000`` or ``--homes LCRA=4200,LCHO=800`` (the Regulator's two tenures)."""
    from codecheck.errors import UsageError

    value = text.strip()
    if value.isdigit() and int(value) >= 1:
        return int(value)
    out: dict[str, int] = {}
    for part in value.split(","):
        name, _, number = part.partition("=")
        name = name.strip().upper()
        if name not in ("LCRA", "LCHO") or not number.strip().isdigit() or int(number) < 1:
            raise UsageError(f"--homes {text!r}: give a number of homes, or LCRA=N,LCHO=N")
        out[name] = int(number)
    return out


@click.command("report")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--period", required=True, metavar="START..END",
              help="The period reported, inclusive: 2024-04-01..2025-03-31, or a financial year such as 2024/25.")
@click.option("--homes", metavar="N|LCRA=N,LCHO=N",
              help="Homes owned, for CH01 (complaints per 1,000 homes); per tenure (LCRA=4200,LCHO=800) for CH01 per "
                   "tenure [default: `homes:` in the config].")
@click.option("--annual", is_flag=True,
              help="Draft the annual complaints performance and service improvement report (Code 8.1, 8.2) instead: "
                   "docx (needs -o) or html.")
@click.option("--format", "fmt", type=click.Choice(FORMATS + ("docx",)), default=None,
              help="html, md or json; with --annual, docx or html [default: from the -o suffix, else html].")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to FILE instead of stdout.")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Judge open cases as of this date [default: today].")
@click.option("--config", "config_path", type=click.Path(path_type=Path),
              help="Configuration file [default: ./codecheck.yaml or [tool.codecheck] in ./pyproject.toml].")
@click.option("--region", type=click.Choice(["england-and-wales", "scotland", "northern-ireland"]),
              help="Bank holidays of this region [default: from the config, else england-and-wales].")
@click.option("--year-start", type=click.IntRange(1, 12), default=4, show_default=True,
              help="Month the financial year starts: quarter 1 begins then (4 = April; 1 = calendar quarters).")
@click.option("--title", help="Heading of the report [default: Complaints performance report; with --annual, Annual "
                               "complaints performance and service improvement report].")
@click.option("--show-values", is_flag=True,
              help="Show every category as recorded; otherwise only those listed in `categories:` in the config.")
def report(paths, period, homes, annual, fmt, output, as_of, config_path, region, year_start, title,
           show_values) -> None:
    """Build the complaints performance report for the governing body (Code 9.6,
    9.7, 8.1) with the Tenant Satisfaction Measures CH01 and CH02; with --annual,
    the draft annual complaints performance and service improvement report (8.1,
    8.2) for officers to finish.

    \b
    codecheck report cases.csv --period 2024-04-01..2025-03-31 --homes 5000 -o board.html
    codecheck report cases.csv --annual --period 2024/25 -o annual.docx
    """
    from codecheck.config import load_config
    from codecheck.errors import CodecheckError
    from codecheck.outputs import refuse_overwriting_inputs, write_bytes_atomic
    from codecheck.report.build import build_report
    from codecheck.report.periods import parse_period

    fmt = fmt or ({**SUFFIXES, ".docx": "docx"}.get(output.suffix.lower(), "html") if output else "html")
    if annual:
        if fmt not in ANNUAL_FORMATS:
            fail(f"--annual writes docx or html, not {fmt}")
        if fmt == "docx" and not output:
            fail("--annual --format docx writes a binary Word file: give -o FILE.docx")
        if show_values:
            fail("--annual does not take --show-values: the annual report is published, so it names no recorded values")
    elif fmt == "docx":
        fail("a .docx is the annual report's format: add --annual (the board report is html, md or json)")
    try:
        config = load_config(config_path)
        if region:
            config = config.replace(region=region)
        homes = _homes(homes) if homes else getattr(config, "homes", None)
        refuse_overwriting_inputs([("-o", output)], [*paths, *config_files(config_path, config)],
                                  walked=lambda child: not _excluded(child, config.exclude))
        built, results = build_report(paths, config, parse_period(period, year_start), parse_as_of(as_of), homes=homes,
                                      year_start=year_start, title=title, show_values=show_values)
    except CodecheckError as exc:
        fail(str(exc))
    if results.problems:
        for problem in results.problems:
            click.echo(f"codecheck: {problem}", err=True)
        fail("no report written: the input above cannot be read")
    if annual:
        from codecheck.report.annual import build_annual

        draft = build_annual(built, title)
        if fmt == "docx":
            from codecheck.report.annual_docx import render_docx

            data = render_docx(draft)
        else:
            from codecheck.report.annual_html import render_annual_html

            data = render_annual_html(draft).encode("utf-8")
    else:
        data = render(built, fmt).encode("utf-8")
    if output:
        try:
            write_bytes_atomic(output, data)
        except OSError as exc:
            fail(f"cannot write {output}: {exc.strerror or exc}")
        click.echo(f"codecheck: wrote {output} ({fmt})", err=True)
    else:
        click.echo(data.decode("utf-8"), nl=False)
    sys.exit(0)
