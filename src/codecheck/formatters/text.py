"""The default output: one line a finding, grep- and editor-friendly, then a summary.

    fixtures/cases.csv:14: CMP-2024-0012: 6.2 error: acknowledged 02/01/2025, ... [CR602]
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable, Iterator, TextIO

from codecheck.findings import Finding
from codecheck.formatters.base import StreamingFormatter, printable
from codecheck.results import Results


def location(f: Finding) -> str:
    if f.row is not None:
        return f"{f.path}:{f.row}"
    if f.page is not None:
        return f"{f.path}:{f.page}:{f.line}" if f.line is not None else f"{f.path}:{f.page}"
    if f.line is not None:
        return f"{f.path}:{f.line}"
    return f.path


_SAID_BY_PATH = re.compile(r"^(page \d+(, line \d+)?|line \d+)\s*")


def where_else(f: Finding) -> str:
    """What the location adds to `path:page:line`: a DOCX paragraph, the heading above."""
    if not f.location or f.row is not None:
        return ""
    extra = f.location
    if f.page is not None or f.line is not None:
        extra = _SAID_BY_PATH.sub("", extra)
        if extra.startswith("(") and extra.endswith(")"):
            extra = extra[1:-1]
    return f" ({extra})" if extra else ""


def provision_label(f: Finding) -> str:
    """The provision, or what the finding is about when the Code has no provision for it."""
    if f.provision:
        return f.provision
    return "data" if f.row is not None or f.case_id else "template"


_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def finding_line(f: Finding, colour: bool = False) -> str:
    """One finding, one line; with `colour`, the severity in its colour and the rule id bold (the
    escapes are added after the text is made printable, so no value can carry its own)."""
    where = printable(location(f))
    case = printable(f" {f.case_id}:") if f.case_id else ""
    label = f.severity.label
    text = printable(f"{f.message}{where_else(f)}")
    if not colour:
        return f"{where}:{case} {provision_label(f)} {label}: {text} [{f.rule}]"
    return (f"{_BOLD}{where}:{_RESET}{case} {provision_label(f)} {_COLOURS.get(label, '')}{label}{_RESET}: {text} "
            f"{_DIM}[{_RESET}{_BOLD}{f.rule}{_RESET}{_DIM}]{_RESET}")


OMISSIONS_HEAD = "not found in this document"


def findings_by_file(findings: "Iterable[Finding]", colour: bool = False) -> list[str]:
    """Each file's findings in order, what a document *says* first, then what it does not
    say (omissions), once per provision under a heading of their own."""
    return list(finding_lines(findings, colour))


def finding_lines(findings: "Iterable[Finding]", colour: bool = False) -> Iterator[str]:
    """:func:`findings_by_file` as the findings stream: only one file's omissions are held."""
    omissions: list[Finding] = []
    current: str | None = None

    def flush() -> Iterator[str]:
        if omissions:
            yield printable(f"{current}: {OMISSIONS_HEAD}:")
            yield from (finding_line(f, colour) for f in omissions)
            omissions.clear()

    for f in findings:
        if f.path != current:
            yield from flush()
            current = f.path
        if f.omission:
            omissions.append(f)
        else:
            yield finding_line(f, colour)
    yield from flush()


class TextFormatter(StreamingFormatter):
    name = "text"
    description = "one line a finding, then a summary (default)"

    def write(self, results: Results, out: TextIO) -> None:
        # input problems are the command's to print, once, on standard error
        view = results.view
        if view.statistics:  # --statistics: counts per rule only
            for line in self.statistics(results):
                out.write(printable(line) + "\n")
            return
        for line in finding_lines(results.iter_findings(), view.colour):
            out.write(line + "\n")
        if results.show_suppressed:  # --show-suppressed
            for s in sorted(results.suppressed, key=lambda s: s.finding.sort_key()):
                out.write(f"{finding_line(s.finding, view.colour)} [suppressed: {printable(s.reason or 'no reason given')}]\n")
        if view.quiet:  # -q: the findings only
            return
        out.write("\n")
        for line in self.summary(results):
            out.write(printable(line) + "\n")

    def statistics(self, results: Results) -> list[str]:
        """One line per rule with findings, most first: count, rule, provision, what it means."""
        rules = {r.id: r for r in results.rules}
        counts = {rule: n for rule, n in results.count_by_rule().items() if n}
        width = len(str(max(counts.values()))) if counts else 1
        lines = []
        for rule_id, n in sorted(counts.items(), key=lambda t: (-t[1], t[0])):
            rule = rules.get(rule_id)
            provision = (rule.provision if rule else None) or "data"
            lines.append(f"{n:>{width}}  {rule_id:<7} {provision:<7} {rule.summary if rule else ''}".rstrip())
        return lines

    def summary(self, results: Results) -> list[str]:
        lines: list[str] = []
        rules = {r.id: r for r in results.rules}
        by_sev = results.count_by_severity()
        total = results.total()
        files = len(results.files)
        rows = sum(f.rows for f in results.files)
        rejected = sum(f.rejected for f in results.files)
        sev = ", ".join(f"{n} {label}{'s' if n != 1 else ''}" for label, n in by_sev.items() if n)
        head = f"{total} finding{'s' if total != 1 else ''}" + (f" ({sev})" if sev else "")
        scope = f"{files} file{'s' if files != 1 else ''}" + (f", {rows} case rows" if rows else "")
        lines.append(f"{head} in {scope}; judged as of {results.as_of.strftime('%d/%m/%Y')}.")
        if rejected:
            lines.append(f"Of the {rows} case rows, {rows - rejected} were checked and {rejected} could not be "
                         "(each one a CD004 finding).")
        if results.suppressed:
            n = len(results.suppressed)
            shown = "listed above" if results.show_suppressed else "--show-suppressed lists them"
            lines.append(f"{n} suppressed finding{'s' if n != 1 else ''} not counted ({shown}).")
        if results.baselined:
            n = results.baselined
            lines.append(f"{n} finding{'s' if n != 1 else ''} already in the baseline, not shown or counted.")
        if total:
            lines.append("By provision:")
            for provision, rule_id, n in results.count_by_provision():
                rule = rules.get(rule_id)
                what = rule.summary if rule else ""
                label = provision or ("template" if rule and rule.kinds != ("cases",) else "data")
                lines.append(f"  {label:<8} {rule_id:<7} {n:>5}  {what}")
        if results.not_evaluated:
            lines.append("Not evaluated (columns absent from the file, or with no readable cell; not counted as passed):")
            grouped: dict[str, list] = defaultdict(list)
            for ne in results.not_evaluated:
                grouped[ne.path].append(ne)
            for path, items in grouped.items():
                lines.append(f"  {path}:")
                for ne in items:
                    lines.append(f"    {ne.provision or 'data':<6} {ne.rule:<6} needs {', '.join(ne.missing)}")
        for summary in results.files:
            for note in summary.notes:
                lines.append(f"note: {summary.path}: {note}")
        if results.skipped:
            lines.append(f"Skipped {len(results.skipped)} file(s) of a type codecheck does not read, e.g. {results.skipped[0]}")
        if results.unknown_kind:
            lines.append(f"Not checked: {len(results.unknown_kind)} document(s) whose kind the name does not tell, e.g. "
                         f"{results.unknown_kind[0]}; name the kind with a `documents:` glob in codecheck.yaml or --kind")
        blocking = results.blocking_problems()
        if blocking:
            lines.append(f"{len(blocking)} input(s) could not be read (exit code 2).")
        if len(results.problems) > len(blocking):
            lines.append(f"{len(results.problems) - len(blocking)} unreadable path(s) skipped (--skip-unreadable).")
        return lines
