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
from codecheck.formatters.ahead import RenderedRun
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


# What json escapes in a string (ensure_ascii=False): quotes, backslashes, control characters.
# Non-ASCII text encodes to bytes of 0x80 and over, so none of these bytes can come from it.
_ESCAPED = bytes(range(32)) + b'"\\'


def _verbatim(texts: list[str]) -> bool:
    """Whether json writes every one of `texts` as it stands between quotes: one pass in C
    over them all (``encode_basestring`` on each costs three times as much)."""
    data = "".join(texts).encode("utf-8", "surrogatepass")
    return len(data.translate(None, _ESCAPED)) == len(data)


def records_text(path: str, fields: list[list]) -> str:
    """``",\n".join(records_json(path, fields))``, built as one list of pieces joined once,
    the pieces placed by slice (in C), not an f-string per finding: about twice as fast, the
    same text (the tests compare them). A message or case id is written as it stands when
    none of the run's needs escaping (checked once for all)."""
    rows, case_ids, rules, provisions, levels, messages, columns = fields
    n = len(rows)
    pairs = set(zip(rules, provisions))
    if not n or None in rows or len({rule for rule, _ in pairs}) != len(pairs):
        return ",\n".join(records_json(path, fields))  # rows of None, a rule with two provisions: rare
    p0, p1, p2, p3, p4, p5, p6, p7, p8 = _CASE_PIECES
    encode = encode_basestring
    plain_messages = _verbatim(messages)
    plain_ids = None not in case_ids and _verbatim(case_ids)
    q_m, q_c = ('"' if plain_messages else ""), ('"' if plain_ids else "")
    heads = {rule: f",\n{p0}{encode(rule)}{p1}{'null' if provision is None else encode(provision)}{p2}"
             for rule, provision in pairs}
    severities = {level: f"{_LEVELS[level]}{p3}{q_m}" for level in set(levels)}
    tails = {column: f"{p7}{'null' if column is None else encode(column)}{p8}" for column in set(columns)}
    parts: list = [None] * (8 * n)
    parts[0::8] = map(heads.__getitem__, rules)
    parts[1::8] = map(severities.__getitem__, levels)
    parts[2::8] = messages if plain_messages else map(encode, messages)
    parts[3::8] = repeat(f"{q_m}{p4}{encode(path)}{p5}{q_c}", n)
    parts[4::8] = case_ids if plain_ids else ["null" if c is None else encode(c) for c in case_ids]
    parts[5::8] = repeat(q_c + p6, n)
    parts[6::8] = map(str, map(int, rows))
    parts[7::8] = map(tails.__getitem__, columns)
    return "".join(parts)[2:]  # less the first ",\n"


class JsonFormatter(StreamingFormatter):
    name = "json"
    description = "findings and summary as one JSON document"
    ahead = "codecheck.formatters.json:records_text"
    """Renders a spooled run of findings in a helper process while the rules run
    (:mod:`codecheck.formatters.ahead`): what ``write`` would write for the run."""

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
        for path, chunk in results.iter_chunks(rendered=True):  # a few thousand findings a write
            if type(chunk) is RenderedRun:  # records_text of the run, rendered ahead
                if chunk.length:
                    out.write(separator)
                    chunk.write_to(out)
                    separator = ",\n"
                continue
            text = records_text(path, chunk) if path is not None else ",\n".join(map(finding_json, chunk))
            if text:
                out.write(separator)
                out.write(text)
                separator = ",\n"
        out.write("]" if separator == "\n" else "\n  ]")
        out.write(tail)
