"""Machine-readable output: findings and a summary, stable keys.

``provision`` is the Code provision as a string ("6.13"), null for findings
about the input itself.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import TextIO

from codecheck.findings import CaseFinding, Severity
from codecheck.formatters.base import StreamingFormatter
from codecheck.results import Results

FINDING_KEYS = (
    "rule", "provision", "severity", "message", "path", "case_id", "row", "column", "page", "line", "paragraph",
    "location", "omission",
)


def finding_record(f) -> dict:
    """A finding (a :class:`Finding` or a light :class:`CaseFinding`) as the JSON object of
    ``findings`` (keys in FINDING_KEYS order)."""
    item = {k: getattr(f, k) for k in FINDING_KEYS}
    item["severity"] = f.severity.label
    return item


def _value(v: object) -> str:
    """A scalar as ``json.dumps(v, ensure_ascii=False)`` writes it (strings by the same C encoder)."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, str):
        return encode_basestring(v)
    return str(int(v))


# One finding as `json.dumps(doc, indent=2)` lays it out inside the "findings" array.
_FINDING = "    {\n" + ",\n".join(f'      "{k}": %s' for k in FINDING_KEYS) + "\n    }"


# A case finding's document fields are always empty: only its own eight are encoded.
_CASE_FINDING = _FINDING % (("%s",) * 8 + ("null", "null", "null", "null", "false"))
_LABELS = {s: encode_basestring(s.label) for s in Severity}


def finding_json(f) -> str:
    """The finding as the indented JSON object of the document's "findings" array: the text
    ``json.dumps`` gives (the tests compare them), a few times faster than it with an indent."""
    if type(f) is CaseFinding:  # nearly all of a large run's findings: the short way
        return _CASE_FINDING % (
            encode_basestring(f.rule), "null" if f.provision is None else encode_basestring(f.provision),
            _LABELS[f.severity], encode_basestring(f.message), encode_basestring(f.path),
            "null" if f.case_id is None else encode_basestring(f.case_id), "null" if f.row is None else int(f.row),
            "null" if f.column is None else encode_basestring(f.column))
    return _FINDING % tuple(_value(v) for v in (
        f.rule, f.provision, f.severity.label, f.message, f.path, f.case_id, f.row, f.column, f.page, f.line,
        f.paragraph, f.location, f.omission))


class JsonFormatter(StreamingFormatter):
    name = "json"
    description = "findings and summary as one JSON document"

    def write(self, results: Results, out: TextIO) -> None:
        """The document with ``"findings": []``, its array then filled as the findings stream."""
        doc = {
            "findings": [],
            "summary": {
                "as_of": results.as_of.isoformat(),
                "files": [{"path": s.path, "kind": s.kind, "rows": s.rows, "rows_checked": s.checked,
                           "rows_rejected": s.rejected, "notes": s.notes} for s in results.files],
                "findings": results.total(),
                "by_severity": results.count_by_severity(),
                "by_provision": [
                    {"provision": p, "rule": r, "count": n} for p, r, n in results.count_by_provision()
                ],
                "not_evaluated": [
                    {"path": ne.path, "rule": ne.rule, "provision": ne.provision, "missing_columns": list(ne.missing)}
                    for ne in results.not_evaluated
                ],
                "skipped": results.skipped,
                "unknown_kind": results.unknown_kind,
                "suppressed": len(results.suppressed),
                "baselined": results.baselined,
            },
            "errors": [{"path": p.path, "location": p.location, "message": p.message} for p in results.problems],
        }
        if results.show_suppressed:  # --show-suppressed
            doc["suppressed"] = [
                {**finding_record(s.finding), "reason": s.reason, "suppressed_by": s.source}
                for s in sorted(results.suppressed, key=lambda s: s.finding.sort_key())
            ]
        text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        head, tail = text.split('"findings": []', 1)  # the first key: before any value that could hold it
        out.write(head + '"findings": [')
        separator = "\n"
        for f in results.iter_findings():
            out.write(separator + finding_json(f))
            separator = ",\n"
        out.write("]" if separator == "\n" else "\n  ]")
        out.write(tail)
