"""Machine-readable output: findings and a summary, stable keys.

``provision`` is the Code provision as a string ("6.13"), null for findings
about the input itself.
"""

from __future__ import annotations

import json
from itertools import repeat
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


_LEVELS = {int(s): encode_basestring(s.label) for s in Severity}
_SEVERITY = {int(s): s for s in Severity}
_CASE_PIECES = _CASE_FINDING.split("%s")


def records_json(path: str, fields: list[list]) -> list[str]:
    """:func:`finding_json` of each of a spool's records about the file `path`, given by field
    (seven lists, as :data:`codecheck.results.Record`'s fields), without making a finding of
    each: the same text. The parts that repeat (rule and provision, severity, column) are
    encoded once per part, the rest joined by an f-string (a third faster than ``%``)."""
    p0, p1, p2, p3, p4, p5, p6, p7, p8 = _CASE_PIECES
    encode = encode_basestring
    rows, case_ids, rules, provisions, levels, messages, columns = fields
    heads = {}
    for rule, provision in set(zip(rules, provisions)):
        if rule in heads:  # a rule with two provisions: each record its own way
            return [finding_json(CaseFinding(*record)) for record in zip(
                rules, provisions, map(_SEVERITY.__getitem__, levels), messages, repeat(path), rows, case_ids, columns)]
        heads[rule] = f"{p0}{encode(rule)}{p1}{'null' if provision is None else encode(provision)}{p2}"
    severities = {level: _LEVELS[level] + p3 for level in set(levels)}
    tails = {column: f"{p7}{'null' if column is None else encode(column)}{p8}" for column in set(columns)}
    p45 = p4 + encode_basestring(path) + p5
    return [f"{heads[rule]}{severities[level]}{encode(message)}{p45}{'null' if case_id is None else encode(case_id)}"
            f"{p6}{'null' if row is None else int(row)}{tails[column]}"
            for row, case_id, rule, level, message, column in zip(rows, case_ids, rules, levels, messages, columns)]


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
        for path, chunk in results.iter_chunks():  # a few thousand findings a write
            texts = records_json(path, chunk) if path is not None else [finding_json(f) for f in chunk]
            if texts:
                out.write(separator)
                out.write(",\n".join(texts))
                separator = ",\n"
        out.write("]" if separator == "\n" else "\n  ]")
        out.write(tail)
