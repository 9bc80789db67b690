"""Machine-readable output: findings and a summary, stable keys.

``provision`` is the Code provision as a string ("6.13"), null for findings
about the input itself.
"""

from __future__ import annotations

import json

from codecheck.results import Results

FINDING_KEYS = (
    "rule", "provision", "severity", "message", "path", "case_id", "row", "column", "page", "line", "paragraph",
    "location", "omission",
)


def finding_record(f) -> dict:
    """A finding as the JSON object of ``findings`` (keys in FINDING_KEYS order)."""
    item = f.model_dump(include=set(FINDING_KEYS))
    item["severity"] = f.severity.label
    return {k: item.get(k) for k in FINDING_KEYS}


class JsonFormatter:
    name = "json"
    description = "findings and summary as one JSON document"

    def render(self, results: Results) -> str:
        findings = [finding_record(f) for f in results.sorted_findings()]
        doc = {
            "findings": findings,
            "summary": {
                "as_of": results.as_of.isoformat(),
                "files": [{"path": s.path, "kind": s.kind, "rows": s.rows, "rows_checked": s.checked,
                           "rows_rejected": s.rejected, "notes": s.notes} for s in results.files],
                "findings": len(results.findings),
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
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
