"""codecheck's own plugin: the built-in rules, readers and output formats,
registered through the same hooks a third-party package uses."""

from __future__ import annotations

from pathlib import Path

from codecheck.hookspecs import hookimpl


@hookimpl
def codecheck_rules():
    from codecheck.checks import record_rules

    return record_rules()


@hookimpl
def codecheck_readers():
    from codecheck.readers.cases_csv import CsvCaseReader
    from codecheck.readers.cases_xlsx import XlsxCaseReader

    return [CsvCaseReader(), XlsxCaseReader()]


@hookimpl
def codecheck_formatters():
    from codecheck.formatters.json import JsonFormatter
    from codecheck.formatters.text import TextFormatter

    return [TextFormatter(), JsonFormatter()]


@hookimpl(trylast=True)
def codecheck_pick_reader(path: Path, kind: str | None, readers: list):
    for reader in readers:
        if reader.claims(path, kind):
            return reader
    return None
