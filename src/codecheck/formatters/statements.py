"""``--format statements``: what codecheck understood a document to say, sentence by sentence.

For each document checked, every sentence that holds a statement (a timescale, a stage, a
condition on escalating ...) or a finding is printed with its location, then each statement
with the rules that read it, then the findings at that sentence; omissions come last. A
user who disagrees with a finding sees why it was made; a rule writer sees what the
statement layer reads. Case records have no sentences: their findings are listed as usual.
"""

from __future__ import annotations

from collections import defaultdict

from codecheck.findings import Finding
from codecheck.formatters.base import printable
from codecheck.formatters.text import OMISSIONS_HEAD, finding_line
from codecheck.results import Results

WIDTH = 110


def _short(text: str, width: int = WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "\u2026"


def _where(path: str, block: object) -> str:
    """`path:page:line`, `path:line` or `path (paragraph N)`, as the text output writes it."""
    page, line, paragraph = (getattr(block, k, None) for k in ("page", "line", "paragraph"))
    if page is not None:
        return f"{path}:{page}:{line}" if line is not None else f"{path}:{page}"
    if line is not None:
        return f"{path}:{line}"
    return f"{path} (paragraph {paragraph})" if paragraph is not None else path


class StatementsFormatter:
    name = "statements"
    description = "for documents: each sentence's statements, the rules that read them, and the findings"

    def render(self, results: Results) -> str:
        from codecheck.documents.model import Block
        from codecheck.documents.readers import read_document
        from codecheck.documents.statements import statements_of

        out: list[str] = [str(problem) + "  [input]" for problem in results.problems]
        findings: dict[str, list[Finding]] = defaultdict(list)
        for f in results.sorted_findings():
            findings[f.path].append(f)
        rules = [r for r in results.rules if r.statements]
        for summary in results.files:
            if summary.kind in ("cases", "self_assessment"):
                out.extend(finding_line(f) for f in findings.pop(summary.path, []))
                continue
            document = read_document(summary.path)
            reading = statements_of(document, summary.kind)
            mine = findings.pop(summary.path, [])
            located = [f for f in mine if not f.omission]
            out.append(f"== {summary.path} ({summary.kind}): {len(reading.sentences)} sentences, "
                       f"{len(reading.statements)} statements")
            by_sentence = defaultdict(list)
            for statement in reading.statements:
                by_sentence[statement.sentence.start].append(statement)
            for sentence in reading.sentences:
                said = by_sentence.get(sentence.start, [])
                block: Block | None = sentence.block
                here = [f for f in located if block is not None and f.line == block.line and f.page == block.page
                        and f.paragraph == block.paragraph]
                if not said and not here:
                    continue
                where = _where(summary.path, block)
                heading = f"  [under '{_short(sentence.heading, 50)}']" if sentence.heading else ""
                out.append(f"{where}: {_short(sentence.cased)}{heading}")
                for statement in said:
                    used = [r.id for r in rules if summary.kind in r.kinds and any(s.matches(statement) for s in r.statements)]
                    out.append(f"    {statement.describe()}" + (f"  -> read by {', '.join(used)}" if used else ""))
                for f in here:
                    out.append(f"    finding: {f.provision or 'template'} {f.severity.label}: {f.message} [{f.rule}]")
                    located.remove(f)
            for f in located:  # a finding whose block holds no sentence read here (e.g. a DOCX comment)
                out.append(f"    finding: {finding_line(f)}")
            omissions = [f for f in mine if f.omission]
            if omissions:
                out.append(f"{summary.path}: {OMISSIONS_HEAD}:")
                out.extend(f"    {f.provision} {f.severity.label}: {f.message} [{f.rule}]" for f in omissions)
            out.append("")
        for rest in findings.values():
            out.extend(finding_line(f) for f in rest)
        return "\n".join(printable(line) for line in out).rstrip("\n") + "\n"
