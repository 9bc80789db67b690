"""Suppressions: findings a landlord has looked at and decided not to report.

In a document, a comment turns rules off for that whole file::

    <!-- codecheck: disable=6.9 -- reviewed with the Ombudsman's guidance -->   (Markdown, HTML)
    a Word comment reading "codecheck: disable=CL609G,CT001 -- template wording"  (DOCX)
    codecheck: disable=6.9(g) -- reason                                           (a line of a .txt)

Each selector is a rule id, an id prefix, a rule name or a Code provision
prefix (:meth:`codecheck.rules.Rule.matches`); the reason after ``--`` is
optional. In a plain text file such a line is a directive, not letter text: it
is taken out of the blocks the rules read (:func:`prepare`).

For case records, the configuration lists the cases a rule is not reported
for, each entry with a reason (``suppress:`` in ``codecheck.yaml``)::

    suppress:
      - {rule: CR602, cases: [C-102, C-204], reason: "acknowledged by phone; agreed with the Ombudsman"}

Suppressed findings leave ``Results.findings`` (so they never decide the exit
code) for ``Results.suppressed``, where the summary counts them and
``--show-suppressed`` lists them.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from codecheck.errors import UsageError
from codecheck.findings import Finding
from codecheck.results import Results, Suppressed
from codecheck.rules import Rule

if TYPE_CHECKING:
    from codecheck.config import Config
    from codecheck.documents.model import Document

_DIRECTIVE = re.compile(r"\bcodecheck\s*:\s*disable\s*=\s*", re.IGNORECASE)
_SELECTORS = re.compile(r"[^\s,]+(?:\s*,\s*[^\s,]+)*")
_REASON_MARK = re.compile(r"^\s*(?:--|\u2013|\u2014|:)\s*")
# A line of a text file that starts with a directive (optionally behind a comment mark).
_TEXT_LINE = re.compile(r"^\s*(?:#+|//|;+|--|\[|\()?\s*codecheck\s*:\s*disable\s*=", re.IGNORECASE)

CONFIG_SOURCE = "config"


@dataclass(frozen=True)
class Directive:
    """One `codecheck: disable=...` found in a document."""

    selectors: tuple[str, ...]
    reason: str | None
    where: str
    """Where the directive is, e.g. "comment at line 3"."""

    def covers(self, rule: Rule) -> bool:
        return any(rule.matches(sel) for sel in self.selectors)


def parse_directive(text: str, where: str = "") -> Directive | None:
    """The directive in a comment's text, or None when it holds none.

    >>> parse_directive("codecheck: disable=CL609G, CT001 -- template wording")
    Directive(selectors=('CL609G', 'CT001'), reason='template wording', where='')
    """
    found = _DIRECTIVE.search(text)
    if found is None:
        return None
    rest = text[found.end():]
    # "6.9 -- reason", "6.9--reason" and "6.9 – reason" (Word's autocorrected dash) alike.
    mark = re.search(r"--|\u2013|\u2014", rest)
    head, tail = (rest[: mark.start()], rest[mark.end():]) if mark else (rest, "")
    head = head.strip()
    match = _SELECTORS.match(head)
    if match is None:
        return None
    selectors = tuple(s.strip() for s in match.group(0).split(",") if s.strip())
    reason = tail.strip() or _REASON_MARK.sub("", head[match.end():]).strip()
    reason = reason or None
    return Directive(selectors=selectors, reason=reason, where=where)


def _where(block) -> str:
    location = block.location() if hasattr(block, "location") else ""
    return f"comment at {location}" if location else "comment"


def prepare(document: "Document") -> "Document":
    """The document the rules read: in a plain text file, directive lines are
    moved from the text to the comments (they are not letter text)."""
    if document.format != "text":
        return document
    directives = [b for b in document.blocks if _TEXT_LINE.match(b.text)]
    if not directives:
        return document
    kept = [b for b in document.blocks if not _TEXT_LINE.match(b.text)]
    return dataclasses.replace(document, blocks=kept, comments=[*document.comments, *directives])


def directives(document: "Document") -> list[Directive]:
    """Every `codecheck: disable=` in the document's comments (and, in a text
    file not yet :func:`prepare` d, its directive lines)."""
    sources = list(document.comments)
    if document.format == "text":
        sources += [b for b in document.blocks if _TEXT_LINE.match(b.text)]
    found = []
    for block in sources:
        directive = parse_directive(block.text, _where(block))
        if directive is not None:
            found.append(directive)
    return found


def filter_document(
    findings: list[Finding], document: "Document", rules: Iterable[Rule], results: Results
) -> list[Finding]:
    """The findings for one document that its directives leave; the others go
    to ``results.suppressed``. A selector that names no rule gets a note in the
    file's summary (the findings it meant to hide are still reported)."""
    found = directives(document)
    if not found:
        return findings
    by_id = {r.id: r for r in rules}
    known = list(by_id.values())
    notes = []
    for d in found:
        for sel in d.selectors:
            if not any(r.matches(sel) for r in known):
                notes.append(f"`codecheck: disable={sel}` ({d.where}) matches no rule; nothing suppressed by it")
    if notes:
        for summary in results.files:
            if summary.path == document.path or summary.path == str(Path(document.path)):
                summary.notes.extend(notes)
                break
    kept = []
    for finding in findings:
        rule = by_id.get(finding.rule)
        hit = next((d for d in found if rule is not None and d.covers(rule)), None)
        if hit is None:
            kept.append(finding)
        else:
            results.suppressed.append(Suppressed(finding, hit.reason, hit.where))
    return kept


# -- case records ------------------------------------------------------------------


def check_config(config: "Config", rules: Iterable[Rule]) -> None:
    """A `suppress:` entry whose rule names no rule is a usage error, as --select's is."""
    known = list(rules)
    for index, entry in enumerate(config.suppress):
        if not any(r.matches(entry.rule) for r in known):
            from codecheck.suggest import did_you_mean

            hint = did_you_mean(entry.rule, [n for r in known for n in (r.id, r.name)])
            raise UsageError(f"suppress[{index}]: rule {entry.rule!r} matches no rule{hint} (see `codecheck rules`)")


def _covered(finding: Finding, covered: dict[str, str]) -> str | None:
    """Where another document covers this omission's provision (``covered_elsewhere``), or None."""
    if not finding.omission or not finding.provision:
        return None
    for provision, where in covered.items():
        if finding.provision == provision or finding.provision.startswith((provision + "(", provision + ".")):
            return where
    return None


def apply_config(results: Results, config: "Config", rules: Iterable[Rule]) -> None:
    """Move the findings that a `suppress:` entry names, and omissions of provisions
    `covered_elsewhere`, from findings to suppressed."""
    if config.covered_elsewhere and results.findings:
        kept = []
        for finding in results.findings:
            where = _covered(finding, config.covered_elsewhere)
            if where is None:
                kept.append(finding)
            else:
                results.suppressed.append(Suppressed(
                    finding, f"covered elsewhere: {where}", f"{CONFIG_SOURCE} covered_elsewhere[{finding.provision}]"))
        results.findings[:] = kept
    if not config.suppress or not results.findings:
        return
    by_id = {r.id: r for r in rules}
    entries = [(i, e, set(e.cases)) for i, e in enumerate(config.suppress)]
    kept = []
    for finding in results.findings:
        hit = None
        if finding.case_id is not None:
            rule = by_id.get(finding.rule)
            for index, entry, cases in entries:
                if (finding.case_id in cases and rule is not None and rule.matches(entry.rule)
                        and (entry.path is None or _path_matches(finding.path, entry.path))):
                    hit = (index, entry)
                    break
        if hit is None:
            kept.append(finding)
        else:
            index, entry = hit
            results.suppressed.append(Suppressed(finding, entry.reason, f"{CONFIG_SOURCE} suppress[{index}]"))
    results.findings[:] = kept


def case_filter(config: "Config", rules: Iterable[Rule]):
    """For findings spooled as a case file is checked (``Engine.run(spool=True)``):
    ``suppressed(finding)``, the :class:`Suppressed` a `suppress:` entry makes of it or None,
    as :func:`apply_config` decides for a finding with a case id; and the set of case ids
    any entry names (a quick test: most findings are about no such case). (None, set())
    when the configuration suppresses nothing."""
    if not config.suppress:
        return None, set()
    by_id = {r.id: r for r in rules}
    entries = [(i, e, set(e.cases)) for i, e in enumerate(config.suppress)]

    def suppressed(finding) -> "Suppressed | None":
        rule = by_id.get(finding.rule)
        for index, entry, cases in entries:
            if (finding.case_id in cases and rule is not None and rule.matches(entry.rule)
                    and (entry.path is None or _path_matches(finding.path, entry.path))):
                return Suppressed(finding, entry.reason, f"{CONFIG_SOURCE} suppress[{index}]")
        return None

    return suppressed, {case for _, _, cases in entries for case in cases}


def _path_matches(path: str, pattern: str) -> bool:
    p = Path(path)
    return any(fnmatch.fnmatch(text, pattern) for text in (p.as_posix(), p.name))


def is_external(item: Suppressed) -> bool:
    """True when the suppression was given in the configuration, not in the file."""
    return item.source.startswith(CONFIG_SOURCE)
