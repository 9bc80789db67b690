"""GitHub Actions workflow commands: each finding becomes an annotation on the
file (and row or line) in the run's summary and the pull request's diff::

    ::error file=fixtures/cases.csv,line=227,title=CR602 (6.2)::CMP-2024-0225: acknowledged 02/01/2025, ...

Severity error -> ``::error``, warning -> ``::warning``, info -> ``::notice``.
Escaping follows the Actions toolkit: in the message ``%``, ``\\r`` and ``\\n``
become ``%25``, ``%0D`` and ``%0A``; in a property (file, title) ``:`` and
``,`` also become ``%3A`` and ``%2C``. Paths are relative to the working
directory (the repository root in a workflow). A line is given for case
records (the row) and text, Markdown and HTML files; for PDF and DOCX files
the page or paragraph is in the message instead.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TextIO

from codecheck.baseline import relative_path
from codecheck.formatters.base import StreamingFormatter
from codecheck.findings import Finding, Severity
from codecheck.results import Results

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: object) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None)
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def annotation(f: Finding, note: str = "", name: str | None = None, relative=relative_path) -> str:
    if f.row is not None:
        line = f.row
    elif f.page is None and f.paragraph is None:  # text, Markdown, HTML: a line of the file
        line = f.line
    else:
        line = None
    message = f"{f.case_id}: {f.message}" if f.case_id else f.message
    if f.row is None and f.location and line is None:
        message += f" ({f.location})"
    title = f"{f.rule} ({f.provision or 'data'})"
    return command(name or COMMANDS[f.severity], message + note, file=relative(f.path), line=line, title=title)


class GithubFormatter(StreamingFormatter):
    name = "github"
    description = "GitHub Actions annotations (::error file=...,line=...::message)"

    def write(self, results: Results, out: TextIO) -> None:
        for p in results.problems:
            out.write(command("error", p.message + (f" ({p.location})" if p.location else ""),
                              file=relative_path(p.path), title="codecheck: input cannot be read") + "\n")
        relative = lru_cache(maxsize=64)(relative_path)  # a million findings name a few files
        for f in results.iter_findings():
            out.write(annotation(f, relative=relative) + "\n")
        if results.show_suppressed:
            for s in sorted(results.suppressed, key=lambda s: s.finding.sort_key()):
                out.write(annotation(s.finding, f" [suppressed: {s.reason or 'no reason given'}]", name="notice") + "\n")
        total = results.total()
        summary = f"codecheck: {total} finding{'s' if total != 1 else ''}"
        extras = []
        if results.suppressed:
            extras.append(f"{len(results.suppressed)} suppressed")
        if results.baselined:
            extras.append(f"{results.baselined} already in the baseline")
        if results.problems:
            extras.append(f"{len(results.problems)} input(s) could not be read")
        out.write(summary + (f" ({', '.join(extras)})" if extras else "") + ".\n")
