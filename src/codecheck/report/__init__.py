"""The board's complaints performance report (Code 8.1, 9.6, 9.7) and the
Tenant Satisfaction Measures CH01 and CH02, from the same case records, column
mapping, working-day calendar and rules as ``codecheck check``.

``figures`` computes a plain model; ``render_html``, ``render_md`` and
``Report.to_dict`` (JSON) only present it; ``command`` is ``codecheck report``.
"""

__all__ = ["Cell", "Figure", "Report", "Section", "Span", "build_report", "parse_period"]


def __getattr__(name: str):
    """The figures module loads (with numpy and the engine) only when used: `codecheck rules` and a
    check of one letter do not pay for it at start-up."""
    if name in __all__:
        from codecheck.report import figures

        return getattr(figures, name)
    raise AttributeError(f"module 'codecheck.report' has no attribute {name!r}")
