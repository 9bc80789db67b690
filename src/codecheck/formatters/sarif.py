"""SARIF 2.1.0, for code-scanning dashboards (GitHub, Azure DevOps, GitLab).

One run: ``tool.driver`` describes every rule that ran (a short and a full
description, the severity as ``defaultConfiguration.level``, and ``help`` built
from the rule's own fields: what a finding means, the Code's words, why, a
breach and a compliant example, the columns read). There is no ``helpUri``:
codecheck has no published page per rule, and a placeholder address would
send people nowhere; the Housing Ombudsman's page for the Code is named in the
help text instead (:data:`CODE_URL`).

Each finding is a result with a stable ``ruleId``, a level from its severity,
one physical location and ``partialFingerprints``. GitHub code scanning
rejects or misplaces a result without ``region.startLine``, so every result
has one:

- a case record: the line of the file where the case's row starts (the
  header is line 1);
- a text, Markdown or HTML document: its line;
- a DOCX: the paragraph number the reader gives (every body paragraph counts,
  empty ones too; a table takes one number), which the message also names;
- a PDF: a PDF has no lines of its own. The reader
  (:mod:`codecheck.documents.pdf`) numbers the non-blank text lines of each
  page from 1, top to bottom, and codecheck's other formats say
  "page 3, line 15". ``startLine`` is that line *on its page*, and the page is
  in the message text ("(page 3, line 15)") and in ``properties.page`` of the
  result and of the location, so a person opens page 3 and counts down 15
  lines. (A count of lines through the whole document would be a number that
  nobody reading the PDF can find.)
- a finding about the whole document or file (an omission: "does not say
  ..."; a form missing a section): line 1, the document's title line (a case
  file's header row), and the message says that it is about the whole
  document, not that line.

URIs are relative to the repository root (the nearest folder upward from the
working directory holding ``.git``; else the working directory) with
``uriBaseId: "%SRCROOT%"``, declared in ``originalUriBaseIds``; a file outside
that root is an absolute ``file:`` URI. ``partialFingerprints`` carry the
baseline fingerprint (:func:`codecheck.baseline.fingerprint`, taken relative to
the same root: a case's id and column, or a hash of the text a document finding
points to, never its line) followed by ``:N``, the how-many-th result with that
fingerprint in the run (as CodeQL's ``primaryLocationLineHash`` does), so each
result is told apart and re-uploading after unrelated edits does not duplicate
alerts.

Inputs that could not be read are ``invocations[0].toolExecutionNotifications``;
rules not evaluated for want of columns are ``toolConfigurationNotifications``.
With ``--show-suppressed``, suppressed findings are results carrying
``suppressions``.
"""

from __future__ import annotations

import json
import os
import urllib.parse
from collections import Counter
from functools import lru_cache
from json.encoder import encode_basestring
from pathlib import Path
from typing import Callable, Iterator, TextIO

from codecheck import __version__
from codecheck.baseline import fingerprint
from codecheck.findings import Finding, Severity
from codecheck.formatters.base import StreamingFormatter
from codecheck.results import Results, Suppressed
from codecheck.rules import Rule

SCHEMA_URL = "https://json.schemastore.org/sarif-2.1.0.json"
#: The Housing Ombudsman's page for the Complaint Handling Code: named in every rule's help text.
CODE_URL = "https://www.housing-ombudsman.org.uk/landlords-info/complaint-handling-code/"
FINGERPRINT_KEY = "codecheckFingerprint/v2"
SRCROOT = "%SRCROOT%"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
#: GitHub's ``problem.severity`` for a non-security rule (error, warning or recommendation).
PROBLEM_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "recommendation"}
#: GitHub keeps at most 20 tags per rule (and shows 10).
MAX_TAGS = 10

_CASE_FILES = (".csv", ".xlsx", ".xlsm", ".tsv")


def repository_root(start: Path | None = None) -> Path:
    """The nearest folder upward from ``start`` (the working directory) that holds ``.git``
    (a folder, or a file in a worktree or submodule); else ``start`` itself."""
    here = Path(os.path.abspath(start or Path.cwd()))
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return here


def artifact_location(path: str, root: Path | None = None) -> dict:
    """A URI relative to ``root`` (the repository root), against %SRCROOT%, when the file
    is under it; else an absolute ``file:`` URI."""
    return dict(_artifact_location(path, root or repository_root(), os.getcwd()))


@lru_cache(maxsize=256)
def _artifact_location(path: str, root: Path, cwd: str) -> dict:
    """:func:`artifact_location`, worked out once per file (the same few files, a million findings)."""
    absolute = Path(os.path.abspath(path))
    try:
        rel = absolute.relative_to(root).as_posix()
    except ValueError:
        return {"uri": absolute.as_uri()}
    return {"uri": urllib.parse.quote(rel, safe="/"), "uriBaseId": SRCROOT}


def _text(value: str) -> str:
    return " ".join(value.split())


def _provision_label(rule: Rule) -> str:
    return f"the Complaint Handling Code, provision {rule.provision}" if rule.provision else ""


def rule_help(rule: Rule) -> tuple[str, str]:
    """The rule's help as plain text and as Markdown, from its own fields."""
    words = _text(rule.words())
    text: list[str] = [f"{rule.id} ({rule.name}): {_text(rule.summary)}"]
    md: list[str] = [f"**{rule.id}** `{rule.name}`: {_text(rule.summary)}"]
    if rule.provision:
        if words:
            text.append(f"The Code, {rule.provision}: \u201c{words}\u201d")
            md.append(f"> **The Code, {rule.provision}:** {words}")
        else:
            text.append(f"Enforces {_provision_label(rule)}.")
            md.append(f"Enforces {_provision_label(rule)}.")
    else:
        text.append("A check on the input itself, not on a provision of the Code.")
        md.append("A check on the input itself, not on a provision of the Code.")
    text.append(f"Why: {_text(rule.rationale)}")
    md.append(f"**Why.** {_text(rule.rationale)}")
    text.append(f"A breach: {_text(rule.breach_example)}")
    md.append(f"**A breach.** {_text(rule.breach_example)}")
    if rule.compliant_example:
        text.append(f"Compliant: {_text(rule.compliant_example)}")
        md.append(f"**Compliant.** {_text(rule.compliant_example)}")
    if rule.columns:
        text.append(f"Reads the case-record columns: {', '.join(rule.columns)}.")
        md.append(f"**Columns read.** {', '.join(f'`{c}`' for c in rule.columns)}")
    text.append(f"Checks: {', '.join(rule.kinds)}. Severity: {rule.severity.label}.")
    md.append(f"**Checks:** {', '.join(rule.kinds)}. **Severity:** {rule.severity.label}.")
    if rule.provision:
        text.append(f"The Housing Ombudsman's Complaint Handling Code: {CODE_URL}")
        md.append(f"The Housing Ombudsman's [Complaint Handling Code]({CODE_URL}).")
    return "\n\n".join(text), "\n\n".join(md)


def rule_descriptor(rule: Rule) -> dict:
    words = _text(rule.words())
    help_text, help_md = rule_help(rule)
    tags = ["complaint-handling-code"]
    if rule.section:
        tags.append(f"section-{rule.section}")
    else:
        tags.append("data")
    tags.extend(rule.kinds)
    summary = _text(rule.summary)
    summary += "" if summary.endswith((".", "!", "?")) else "."
    full = f"{summary} The Code, {rule.provision}: \u201c{words}\u201d" if words else (
        f"{summary} {_text(rule.rationale)}")
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": _text(rule.summary)},
        "fullDescription": {"text": full},
        "help": {"text": help_text, "markdown": help_md},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "provision": rule.provision,
            "tags": list(dict.fromkeys(tags))[:MAX_TAGS],
            "kinds": list(rule.kinds),
            "problem.severity": PROBLEM_SEVERITY[rule.severity],
            **({"columns": list(rule.columns)} if rule.columns else {}),
        },
    }


def _whole(f: Finding) -> str:
    if f.path.lower().endswith(_CASE_FILES):
        return "about the whole file, not one row: shown at line 1, the header row"
    return "about the whole document, not one line: shown at line 1, the title line"


def _start_line(f: Finding) -> int | None:
    """The line, row or paragraph the finding points to (>= 1), or None when it has none."""
    for value in (f.row, f.line, f.paragraph):
        if value is not None and value >= 1:
            return value
    return None


def _message(f: Finding) -> str:
    if f.case_id:
        text = f"{f.case_id}: {f.message}"
    elif f.location and f.row is None and f.location != f"line {f.line}":  # the region gives the line
        text = f.message if f.message.endswith(f"({f.location})") else f"{f.message} ({f.location})"
    else:
        text = f.message
    if f.page is not None and f"page {f.page}" not in text:
        text += f" (page {f.page})"
    if _start_line(f) is None:
        if f.location and not f.omission:  # e.g. a DOCX header or footer: named above, no number
            text += " (no line number: shown at line 1)"
        else:
            text += f" ({_whole(f)})"
    return text


def _region(f: Finding) -> dict:
    return {"startLine": _start_line(f) or 1}


def result(f: Finding, index: dict[str, int], root: Path, occurrence: int = 1,
           suppressed: Suppressed | None = None, base: str | None = None) -> dict:
    """The SARIF result of one finding (``base``: its fingerprint, when already worked out)."""
    physical: dict = {"artifactLocation": artifact_location(f.path, root), "region": _region(f)}
    location: dict = {"physicalLocation": physical}
    if f.case_id:
        location["logicalLocations"] = [{"name": f.case_id, "kind": "case"}]
    if f.page is not None:
        location["properties"] = {"page": f.page}
    props = {k: v for k, v in (("provision", f.provision), ("case_id", f.case_id), ("column", f.column),
                               ("page", f.page), ("line", f.line if f.page is not None else None),
                               ("paragraph", f.paragraph), ("location", f.location))
             if v is not None}
    if f.omission:
        props["omission"] = True  # the document does not say it: no sentence to point at
    if _start_line(f) is None:
        props["wholeDocument"] = True
    out: dict = {"ruleId": f.rule}
    if f.rule in index:
        out["ruleIndex"] = index[f.rule]
    out.update({
        "level": LEVELS[f.severity],
        "message": {"text": _message(f)},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: f"{base or fingerprint(f, root)}:{occurrence}"},
    })
    if props:
        out["properties"] = props
    if suppressed is not None:
        from codecheck.suppressions import is_external

        entry = {"kind": "external" if is_external(suppressed) else "inSource", "state": "accepted"}
        if suppressed.reason:
            entry["justification"] = suppressed.reason
        entry["properties"] = {"suppressedBy": suppressed.source}
        out["suppressions"] = [entry]
    return out


def sarif_log(results: Results) -> dict:
    """The whole SARIF document, every result in it (:class:`SarifFormatter` writes the same text
    with the results streamed)."""
    results_of, doc = _results_and_log(results)
    doc["runs"][0]["results"] = list(results_of())
    return doc


def _results_and_log(results: Results) -> "tuple[Callable[[], Iterator[dict]], dict]":
    """``(results_of, doc)``: the document with ``results`` empty, and what fills it, each
    result made as the findings stream (only the fingerprints seen are kept, to number them)."""
    root = repository_root()
    rules = sorted({r.id: r for r in results.rules}.values(), key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(rules)}

    def results_of() -> Iterator[dict]:
        seen: Counter[str] = Counter()

        def one(f: Finding, suppressed: Suppressed | None = None) -> dict:
            base = fingerprint(f, root)
            seen[base] += 1
            return result(f, index, root, seen[base], suppressed, base)

        for f in results.iter_findings():
            yield one(f)
        if results.show_suppressed:
            for s in sorted(results.suppressed, key=lambda s: s.finding.sort_key()):
                yield one(s.finding, s)

    invocation: dict = {"executionSuccessful": not results.blocking_problems()}
    if results.problems:
        invocation["toolExecutionNotifications"] = [
            {
                "level": "error",
                "message": {"text": p.message + (f" ({p.location})" if p.location else "")},
                "locations": [{"physicalLocation": {"artifactLocation": artifact_location(p.path, root)}}],
                "descriptor": {"id": "input"},
            }
            for p in results.problems
        ]
    if results.not_evaluated:
        invocation["toolConfigurationNotifications"] = [
            {
                "level": "note",
                "message": {"text": f"{ne.rule} not evaluated: the file lacks {', '.join(ne.missing)} "
                                    "(not counted as passed)"},
                "locations": [{"physicalLocation": {"artifactLocation": artifact_location(ne.path, root)}}],
                "descriptor": {"id": "not-evaluated"},
                "associatedRule": {"id": ne.rule, **({"index": index[ne.rule]} if ne.rule in index else {})},
            }
            for ne in results.not_evaluated
        ]
    run = {
        "tool": {
            "driver": {
                "name": "codecheck",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [rule_descriptor(r) for r in rules],
            }
        },
        "invocations": [invocation],
        "originalUriBaseIds": {
            SRCROOT: {
                "uri": root.as_uri().rstrip("/") + "/",
                "description": {"text": "The repository root: the nearest folder upward from the working "
                                        "directory holding .git (else the working directory)."},
            }
        },
        "results": [],
        "properties": {
            "asOf": results.as_of.isoformat(),
            "suppressed": len(results.suppressed),
            "baselined": results.baselined,
        },
    }
    return results_of, {"$schema": SCHEMA_URL, "version": "2.1.0", "runs": [run]}


class SarifFormatter(StreamingFormatter):
    name = "sarif"
    description = "SARIF 2.1.0 for code-scanning dashboards (GitHub, Azure DevOps, GitLab)"

    def write(self, results: Results, out: TextIO) -> None:
        """``json.dumps(sarif_log(results), indent=2)``, its ``results`` array written as the
        findings stream (issue 16): one result at a time, indented to where it stands."""
        results_of, doc = _results_and_log(results)
        text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        # "results": [] as a key and its value: inside a string its quotes would be escaped
        head, tail = text.split('"results": []', 1)
        out.write(head + '"results": [')
        separator = "\n"
        for item in results_of():
            out.write(separator + _RESULT_INDENT + indented(item, _RESULT_INDENT))
            separator = ",\n"
        out.write("]" if separator == "\n" else "\n" + _RESULT_INDENT[:-2] + "]")
        out.write(tail)


_RESULT_INDENT = " " * 8
"""Where a result stands in the document: {"runs": [{"results": [ ... (four levels of two spaces)."""


def indented(value, prefix: str = "") -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)`` with each line after the first
    prefixed by ``prefix`` (dictionary keys must be strings): the same text, built in one pass.
    With an indent, the json module
    encodes in Python through nested generators (its C encoder only writes compact JSON), about
    half of SARIF's time on 150,000 results; strings still go through its C escaper."""
    parts: list[str] = []
    _indent_into(value, prefix, parts.append)
    return "".join(parts)


def _indent_into(value, prefix: str, put: Callable[[str], object]) -> None:
    if isinstance(value, str):
        put(encode_basestring(value))
    elif value is None:
        put("null")
    elif value is True:
        put("true")
    elif value is False:
        put("false")
    elif isinstance(value, int):
        put(int.__repr__(value))
    elif isinstance(value, dict):  # keys are strings, as every SARIF object's are
        if not value:
            put("{}")
            return
        inner = prefix + "  "
        lead = "{\n"
        for key, item in value.items():
            put(lead + inner + encode_basestring(key) + ": ")
            _indent_into(item, inner, put)
            lead = ",\n"
        put("\n" + prefix + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            put("[]")
            return
        inner = prefix + "  "
        lead = "[\n"
        for item in value:
            put(lead + inner)
            _indent_into(item, inner, put)
            lead = ",\n"
        put("\n" + prefix + "]")
    else:  # floats and the rest: json's own text
        put(json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + prefix))
