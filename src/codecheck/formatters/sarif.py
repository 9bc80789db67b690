"""SARIF 2.1.0, for code-scanning dashboards (GitHub, Azure DevOps, GitLab).

One run: ``tool.driver`` describes every rule that ran (the Code's words, why,
a breach, a link to the rule's documentation); each finding is a result with
a stable ``ruleId``, a level from its severity, a location (the row of a case
record, the line of a text/Markdown/HTML/PDF file, the paragraph of a DOCX,
with a PDF's page in ``properties``) and ``partialFingerprints`` from
:func:`codecheck.baseline.fingerprint`, so re-uploading a report after
unrelated edits does not duplicate alerts. Inputs that could not be read are
``invocations[0].toolExecutionNotifications``; rules not evaluated for want of
columns are ``toolConfigurationNotifications``. With ``--show-suppressed``,
suppressed findings are results carrying ``suppressions``.
"""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

from codecheck import __version__
from codecheck.baseline import fingerprint, relative_path
from codecheck.findings import Finding, Severity
from codecheck.results import Results, Suppressed
from codecheck.rules import Rule

#: Where codecheck lives; rule documentation is RULES_DOC_URL + "#" + the rule id in lower case.
PROJECT_URL = "https://github.com/codecheck/codecheck"
RULES_DOC_URL = f"{PROJECT_URL}/blob/main/docs/rules.md"
SCHEMA_URL = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "codecheckFingerprint/v1"
SRCROOT = "%SRCROOT%"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def rule_doc_url(rule_id: str) -> str:
    return f"{RULES_DOC_URL}#{rule_id.lower()}"


def artifact_location(path: str) -> dict:
    """A relative URI (against %SRCROOT%, the working directory) when the file is
    under the working directory, else an absolute file: URI."""
    rel = relative_path(path)
    if rel.startswith("/"):
        return {"uri": Path(rel).as_uri()}
    return {"uri": urllib.parse.quote(rel, safe="/"), "uriBaseId": SRCROOT}


def _text(value: str) -> str:
    return " ".join(value.split())


def rule_descriptor(rule: Rule) -> dict:
    words = _text(rule.words())
    help_text = f"{_text(rule.rationale)}\n\nA breach: {_text(rule.breach_example)}"
    help_md = f"{_text(rule.rationale)}\n\n**A breach:** {_text(rule.breach_example)}"
    if rule.compliant_example:
        help_text += f"\n\nCompliant: {_text(rule.compliant_example)}"
        help_md += f"\n\n**Compliant:** {_text(rule.compliant_example)}"
    tags = ["complaint-handling-code"]
    if rule.section:
        tags.append(f"section-{rule.section}")
    else:
        tags.append("data")
    tags.extend(rule.kinds)
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": words or rule.summary},
        "help": {"text": help_text, "markdown": help_md},
        "helpUri": rule_doc_url(rule.id),
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "provision": rule.provision,
            "tags": tags,
            "kinds": list(rule.kinds),
            **({"columns": list(rule.columns)} if rule.columns else {}),
        },
    }


def _message(f: Finding) -> str:
    if f.case_id:
        return f"{f.case_id}: {f.message}"
    if f.location and f.row is None and f.location != f"line {f.line}":  # the region gives the line
        return f"{f.message} ({f.location})"
    return f.message


def _region(f: Finding) -> dict | None:
    if f.row is not None:
        line = f.row
    elif f.line is not None:
        line = f.line
    elif f.paragraph is not None:
        line = f.paragraph
    else:
        return None
    return {"startLine": line} if line >= 1 else None


def result(f: Finding, index: dict[str, int], suppressed: Suppressed | None = None) -> dict:
    physical: dict = {"artifactLocation": artifact_location(f.path)}
    region = _region(f)
    if region:
        physical["region"] = region
    location: dict = {"physicalLocation": physical}
    if f.case_id:
        location["logicalLocations"] = [{"name": f.case_id, "kind": "case"}]
    if f.page is not None:
        location["properties"] = {"page": f.page}
    props = {k: v for k, v in (("provision", f.provision), ("case_id", f.case_id), ("column", f.column),
                               ("page", f.page), ("paragraph", f.paragraph), ("location", f.location))
             if v is not None}
    if f.omission:
        props["omission"] = True  # the document does not say it: no sentence to point at
    out: dict = {"ruleId": f.rule}
    if f.rule in index:
        out["ruleIndex"] = index[f.rule]
    out.update({
        "level": LEVELS[f.severity],
        "message": {"text": _message(f)},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(f)},
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
    rules = sorted({r.id: r for r in results.rules}.values(), key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(rules)}
    out_results = [result(f, index) for f in results.sorted_findings()]
    if results.show_suppressed:
        for s in sorted(results.suppressed, key=lambda s: s.finding.sort_key()):
            out_results.append(result(s.finding, index, s))
    invocation: dict = {"executionSuccessful": not results.problems}
    if results.problems:
        invocation["toolExecutionNotifications"] = [
            {
                "level": "error",
                "message": {"text": p.message + (f" ({p.location})" if p.location else "")},
                "locations": [{"physicalLocation": {"artifactLocation": artifact_location(p.path)}}],
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
                "locations": [{"physicalLocation": {"artifactLocation": artifact_location(ne.path)}}],
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
                "informationUri": PROJECT_URL,
                "rules": [rule_descriptor(r) for r in rules],
            }
        },
        "invocations": [invocation],
        "originalUriBaseIds": {SRCROOT: {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
        "results": out_results,
        "properties": {
            "asOf": results.as_of.isoformat(),
            "suppressed": len(results.suppressed),
            "baselined": results.baselined,
        },
    }
    return {"$schema": SCHEMA_URL, "version": "2.1.0", "runs": [run]}


class SarifFormatter:
    name = "sarif"
    description = "SARIF 2.1.0 for code-scanning dashboards (GitHub, Azure DevOps, GitLab)"

    def render(self, results: Results) -> str:
        return json.dumps(sarif_log(results), indent=2, ensure_ascii=False) + "\n"
