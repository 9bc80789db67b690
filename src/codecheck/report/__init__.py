"""The board's complaints performance report (Code 8.1, 9.6, 9.7) and the
Tenant Satisfaction Measures CH01 and CH02, from the same case records, column
mapping, working-day calendar and rules as ``codecheck check``.

``figures`` computes a plain model; ``render_html``, ``render_md`` and
``Report.to_dict`` (JSON) only present it; ``command`` is ``codecheck report``.
"""

from codecheck.report.figures import Cell, Figure, Report, Section, Span, build_report, parse_period

__all__ = ["Cell", "Figure", "Report", "Section", "Span", "build_report", "parse_period"]
