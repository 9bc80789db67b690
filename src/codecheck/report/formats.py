"""The board report's output formats: HTML (default), Markdown, JSON."""

from __future__ import annotations

import json

FORMATS = ("html", "md", "json")
SUFFIXES = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".json": "json"}


def render(report, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "md":
        from codecheck.report.render_md import render_md

        return render_md(report)
    from codecheck.report.render_html import render_html

    return render_html(report)
