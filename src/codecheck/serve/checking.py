"""Run the checks for a page: the command line's engine, registry and configuration, on the
uploaded files, each with the kind the page settled on; then the results renamed to the files'
display names (the temporary paths are never shown)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from codecheck.config import Config
from codecheck.engine import Engine
from codecheck.registry import default_registry
from codecheck.results import Results
from codecheck.serve.workspace import Upload


class PageEngine(Engine):
    """The engine, told each uploaded file's kind: the one guessed from its name (as the command
    line guesses it) or the one chosen on the page. A file with no kind (a spreadsheet whose name
    says nothing) is left to the readers, as on the command line."""

    def __init__(self, *args, kinds: dict[str, tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = kinds

    def kind_and_why(self, path: Path) -> tuple[str | None, str]:
        return self.kinds.get(str(path), (None, ""))


def config_for(upload: Upload, base: Config | None = None) -> Config:
    """The configuration an upload is checked with: the server's (`codecheck serve --config`, or the
    codecheck.yaml found from the folder it was started in; else the defaults), with the mapping made
    on the page, if one was, in place of its columns and date order. Everything else (bank holidays'
    region, closure days, placeholders, severities, targets) is the server's configuration's."""
    base = base or Config()
    if upload.columns is None and upload.date_order is None:
        return base
    from codecheck.config import validate_config

    mapped = validate_config({"columns": upload.columns or {}, "date_order": upload.date_order}, "the mapping")
    return base.replace(columns=mapped.columns, date_order=mapped.date_order)


def run_checks(uploads: list[Upload], as_of: dt.date, base: Config | None = None) -> Results:
    registry = default_registry()
    groups: dict[tuple, list[Upload]] = {}
    for upload in uploads:
        key = (tuple(sorted((upload.columns or {}).items())), upload.date_order) if upload.columns is not None else ()
        groups.setdefault(key, []).append(upload)
    results = Results(as_of=as_of, rules=[])
    for members in groups.values():
        config = config_for(members[0], base)
        rules = registry.select(config.select, config.ignore, config.severity)
        kinds = {}
        for u in members:
            if u.chosen:
                kinds[str(u.path)] = (u.chosen, "chosen on the page")
            elif u.guessed and u.guessed != "cases":
                kinds[str(u.path)] = (u.guessed, "from its name")
        engine = PageEngine(registry, config, rules, as_of, kinds=kinds,
                            aliases={str(u.path): u.name for u in members})
        part = engine.run([u.path for u in members])
        results.add_rules(part.rules)
        results.absorb(part)
    rename(results, {str(u.path): u.name for u in uploads})
    return results


def rename(results: Results, names: dict[str, str]) -> None:
    """Every temporary path in the results replaced by its upload's display name."""
    results.rename_paths(names)

def financial_year(day: dt.date) -> str:
    """The financial year (April to March) of the last whole quarter before `day`, as the report
    writes it: a board paper is written after a quarter ends (as of 30/04/2025: 2024/25)."""
    month = day.month - ((day.month - 1) % 3)  # January, April, July or October: this quarter's first month
    ended = dt.date(day.year, month, 1) - dt.timedelta(days=1)  # the last day of the quarter before
    start = ended.year if ended.month >= 4 else ended.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def board_report_html(uploads: list[Upload], period_text: str, as_of: dt.date, base: Config | None = None) -> str:
    """The board's report (`codecheck report`) for the uploaded case exports, as one HTML page.

    The exports are copied, under their display names, into a folder of their own for the run, so
    that the report names them as the officer knows them, never by the server's temporary names.
    Raises CodecheckError (a message for the page) when there is nothing to report or the exports
    were mapped differently (one report reads its records with one configuration)."""
    import shutil
    import tempfile

    from codecheck.errors import UsageError
    from codecheck.report.build import build_report
    from codecheck.report.formats import render
    from codecheck.report.periods import parse_period

    cases = [u for u in uploads if u.kind == "cases"]
    if not cases:
        raise UsageError("the board report reads case records: add a case export (CSV or Excel) first")
    configs = {(tuple(sorted((u.columns or {}).items())), u.date_order) for u in cases}
    if len(configs) > 1:
        raise UsageError("these case exports are mapped differently; the board report reads them with one "
                         "mapping: give them the same columns, or report on one at a time")
    period = parse_period(period_text)
    with tempfile.TemporaryDirectory(prefix="codecheck-report-") as folder:
        paths = []
        for upload in cases:
            copy = Path(folder) / upload.name
            shutil.copyfile(upload.path, copy)
            paths.append(copy)
        built, results = build_report(paths, config_for(cases[0], base), period, as_of)
        if built is None:
            rename(results, {str(p): p.name for p in paths})
            raise UsageError("no report: " + "; ".join(str(p) for p in results.problems))
        return render(built, "html")
