"""codecheck's own plugin: the built-in rules, readers and output formats,
registered through the same hooks a third-party package uses."""

from __future__ import annotations

from pathlib import Path

from codecheck.hookspecs import hookimpl


@hookimpl
def codecheck_rules():
    from codecheck.checks import record_rules
    from codecheck.documents.packs import document_rules
    from codecheck.selfassessment import self_assessment_rules
    from codecheck.improvement import improvement_plan_rules

    return record_rules() + document_rules() + self_assessment_rules() + improvement_plan_rules()


@hookimpl
def codecheck_readers():
    from codecheck.readers.cases_csv import CsvCaseReader
    from codecheck.readers.cases_xlsx import XlsxCaseReader
    from codecheck.readers.documents import DocumentReader

    return [CsvCaseReader(), XlsxCaseReader(), DocumentReader()]


@hookimpl
def codecheck_formatters():
    from codecheck.formatters.csv import CsvFormatter
    from codecheck.formatters.github import GithubFormatter
    from codecheck.formatters.json import JsonFormatter
    from codecheck.formatters.junit import JunitFormatter
    from codecheck.formatters.sarif import SarifFormatter
    from codecheck.formatters.statements import StatementsFormatter
    from codecheck.formatters.text import TextFormatter

    return [TextFormatter(), JsonFormatter(), SarifFormatter(), JunitFormatter(), GithubFormatter(), CsvFormatter(),
            StatementsFormatter()]


@hookimpl(trylast=True)
def codecheck_pick_reader(path: Path, kind: str | None, readers: list):
    for reader in readers:
        if reader.claims(path, kind):
            return reader
    return None
