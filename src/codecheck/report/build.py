"""The whole run: the ``check`` engine reads the case records once, the report's
:class:`~codecheck.report.tally.ReportObserver` counts the same batches through the
engine's public hook (``Engine(observers=...)``), and the figures are built from the
tally and the engine's findings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from codecheck.lazy import numpy as np

from codecheck.calendar import WorkingCalendar
from codecheck.checks.base import CheckContext
from codecheck.config import Config
from codecheck.engine import Engine
from codecheck.errors import UsageError
from codecheck.registry import Registry, default_registry
from codecheck.report.model import Report
from codecheck.report.periods import months, period_span, quarters, with_comparisons
from codecheck.report.sections import Builder, figures, findings_section
from codecheck.report.summary import build_summary
from codecheck.report.trends import build_trends
from codecheck.report.tally import (
    OTHER_CATEGORY,
    ReportObserver,
    Tally,
    category_classifier,
)
from codecheck.results import Results
from codecheck.values import Placeholders


#: The financial years the trends chart can show (the period's last and those before it).
TREND_YEARS = 5


def build_report(paths: Iterable[str | Path], config: Config, period: tuple[dt.date, dt.date], as_of: dt.date,
                 homes: int | None = None, year_start: int = 4, title: str | None = None,
                 registry: Registry | None = None, show_values: bool = False) -> tuple[Report | None, Results]:
    """Run the check engine over the paths, counting the report's figures from the
    same batches. Returns (None, results) when an input cannot be read (see
    ``results.problems``); raises UsageError when there are no case records.
    Categories are named only when configured (`categories:`) or with ``show_values``."""
    registry = registry or default_registry()
    rules = registry.select(config.select, config.ignore, config.severity)
    qs, ms = quarters(*period, year_start), months(*period)
    counted = with_comparisons(qs, year_start, years_back=TREND_YEARS - 1)
    tally = Tally(counted, ms, registry, CheckContext(calendar=WorkingCalendar(config.region, config.closures), as_of=as_of,
                                                 show_values=show_values, placeholder=Placeholders(config.placeholders)),
                  first=len(counted) - len(qs))
    tally.categorise = category_classifier(getattr(config, "categories", ()), show_values)
    observer = ReportObserver(tally)
    engine = Engine(registry, config, rules, as_of, show_values=show_values, observers=[observer])
    results = engine.run(paths)
    if results.problems:
        return None, results
    if not observer.sources:
        raise UsageError("no case records found (the report reads case-record files such as .csv)")
    builder = Builder(tally, observer.file_columns)
    sections = figures(builder, homes) + [findings_section(builder, results, registry)]
    report = Report(
        title=title or "Complaints performance report",
        period=period_span(period, year_start), quarters=qs, months=ms, as_of=as_of,
        homes=homes, region=config.region, closures=list(config.closures), sources=observer.sources, sections=sections,
        monthly={k: [int(x) for x in tally.monthly[k]] for k in ("stage1", "stage2")},
        notes=_notes(tally, results, as_of, period),
        summary=build_summary(builder, config.targets, config.board_note, year_start),
        trends=build_trends(tally, year_start))
    return report, results


def _notes(tally: Tally, results: Results, as_of: dt.date, period: tuple[dt.date, dt.date]) -> list[str]:
    notes = [f"Open cases are judged as of {as_of:%d %B %Y}: a step not taken by its deadline is counted as overdue."]
    if as_of < period[1]:
        notes.append(f"The period runs past {as_of:%d %B %Y}; later cases are not in the records yet.")
    if tally.unchecked:
        notes.append(f"{tally.unchecked} row(s) have no case id, no readable received date, or a broken row, and are in "
                     f"no figure (finding CD004).")
    odd = tally.in_period(tally.counts["unrecognised_type"])
    if odd:
        notes.append(f"{odd} row(s) in the period have a record_type that is neither complaint nor service request and "
                     f"are counted in no figure (finding CD005).")
    other = tally.in_period(tally.groups["category"].get("\0other", np.zeros(tally.nq, dtype=np.int64)))
    if other:
        notes.append(f"{other} stage 1 complaint(s) have a category not in the configured list (`categories:` in "
                     f"codecheck.yaml) and are counted as {OTHER_CATEGORY}: a category is free text and may name a "
                     f"resident, so it is not shown.")
    dupes = sum(1 for f in results.findings if f.rule == "CD003")
    if dupes:
        notes.append(f"{dupes} row(s) repeat a case id used by another row (CD003); each row is counted.")
    return notes
