"""The report's figures, by their old single-module name: what ``codecheck report``
and other callers import (``build_report``, ``parse_period`` and the model).

The work is split along its seams (issue 14): :mod:`~codecheck.report.periods`
(the period and its quarters), :mod:`~codecheck.report.model` (the dataclasses the
renderers read), :mod:`~codecheck.report.tally` (counting the engine's batches, as an
engine observer), :mod:`~codecheck.report.sections` (figures with their definitions),
:mod:`~codecheck.report.summary` (the one-page summary) and
:mod:`~codecheck.report.build` (the run).
"""

from codecheck.report.build import build_report
from codecheck.report.model import Cell, Figure, Report, Section
from codecheck.report.periods import Span, months, parse_period, quarters
from codecheck.report.tally import (
                                    NO_CATEGORY,
                                    NO_OUTCOME,
                                    OTHER_CATEGORY,
                                    OTHER_OUTCOME,
                                    OUTCOMES,
                                    REFUSAL_TYPES,
                                    ReportObserver,
                                    Tally,
                                    category_classifier,
                                    outcome_class,
                                    refusal_type,
)

__all__ = [
                                    "NO_CATEGORY",
                                    "NO_OUTCOME",
                                    "OTHER_CATEGORY",
                                    "OTHER_OUTCOME",
                                    "OUTCOMES",
                                    "REFUSAL_TYPES",
                                    "Cell",
                                    "Figure",
                                    "Report",
                                    "ReportObserver",
                                    "Section",
                                    "Span",
                                    "Tally",
                                    "build_report",
                                    "category_classifier",
                                    "months",
                                    "outcome_class",
                                    "parse_period",
                                    "quarters",
                                    "refusal_type",
]
