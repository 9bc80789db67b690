"""JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure DevOps).

A ``testsuite`` per input file and a ``testcase`` per rule that applies to it
(named ``CR602 stage1-ack-late (6.2)``): it fails with the rule's findings in
that file, is skipped when the rule could not be evaluated (columns absent),
and passes otherwise. An input that could not be read is a testcase ``read``
with an ``error``. With ``--show-suppressed``, suppressed findings are listed
in the testcase's ``system-out`` (a testcase with only suppressed findings is
skipped).
"""

from __future__ import annotations

import re
from collections import defaultdict

from codecheck.findings import Severity
from codecheck.formatters.text import finding_line
from codecheck.results import Results

_XML_ILLEGAL = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _x(value: object) -> str:
    """Text XML 1.0 can hold: characters it forbids become U+FFFD."""
    return _XML_ILLEGAL.sub("\ufffd", str(value))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


class JunitFormatter:
    name = "junit"
    description = "JUnit XML: a testcase per rule per file, failing with its findings"

    def render(self, results: Results) -> str:
        import xml.etree.ElementTree as ET  # only when this format is asked for (start-up time)

        rules = {r.id: r for r in results.rules}
        kinds = {s.path: s.kind for s in results.files}
        findings: dict[tuple[str, str], list] = defaultdict(list)
        for f in results.sorted_findings():
            findings[(f.path, f.rule)].append(f)
        suppressed: dict[tuple[str, str], list] = defaultdict(list)
        if results.show_suppressed:
            for s in sorted(results.suppressed, key=lambda s: s.finding.sort_key()):
                suppressed[(s.finding.path, s.finding.rule)].append(s)
        not_evaluated = {(ne.path, ne.rule): ne for ne in results.not_evaluated}
        problems: dict[str, list] = defaultdict(list)
        for p in results.problems:
            problems[p.path].append(p)

        paths: list[str] = []
        for path in [*kinds, *(k[0] for k in findings), *(k[0] for k in suppressed), *problems,
                     *(k[0] for k in not_evaluated)]:
            if path not in paths:
                paths.append(path)

        root = ET.Element("testsuites", name="codecheck")
        totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
        for path in paths:
            suite = ET.SubElement(root, "testsuite", name=_x(path))
            counts = dict.fromkeys(totals, 0)
            for problem in problems.get(path, []):
                case = ET.SubElement(suite, "testcase", classname=_x(path), name="read")
                error = ET.SubElement(case, "error", message=_x(problem.message), type="input")
                error.text = _x(str(problem))
                counts["tests"] += 1
                counts["errors"] += 1
            applying = {rid for rid, r in rules.items() if kinds.get(path) in r.kinds}
            applying |= {rid for (p, rid) in [*findings, *suppressed, *not_evaluated] if p == path}
            for rid in sorted(applying):
                rule = rules.get(rid)
                label = f"{rid} {rule.name} ({rule.provision or 'data'})" if rule else rid
                case = ET.SubElement(suite, "testcase", classname=_x(path), name=_x(label))
                counts["tests"] += 1
                found = findings.get((path, rid), [])
                hidden = suppressed.get((path, rid), [])
                if found:
                    worst = max(f.severity for f in found)
                    what = f": {rule.summary}" if rule else ""
                    failure = ET.SubElement(case, "failure", type=Severity(worst).label,
                                            message=_x(f"{_plural(len(found), 'finding')}{what}"))
                    failure.text = _x("\n".join(finding_line(f) for f in found))
                    counts["failures"] += 1
                elif (path, rid) in not_evaluated:
                    ne = not_evaluated[(path, rid)]
                    ET.SubElement(case, "skipped", message=_x(
                        f"not evaluated (not counted as passed): the file lacks {', '.join(ne.missing)}"))
                    counts["skipped"] += 1
                elif hidden:
                    reasons = sorted({s.reason or "no reason given" for s in hidden})
                    ET.SubElement(case, "skipped", message=_x(
                        f"{_plural(len(hidden), 'suppressed finding')}: {'; '.join(reasons)}"))
                    counts["skipped"] += 1
                if hidden:
                    out = ET.SubElement(case, "system-out")
                    out.text = _x("\n".join(
                        f"{finding_line(s.finding)} [suppressed: {s.reason or 'no reason given'}]" for s in hidden))
            for key, value in counts.items():
                suite.set(key, str(value))
                totals[key] += value
        for key, value in totals.items():
            root.set(key, str(value))
        ET.indent(root)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
