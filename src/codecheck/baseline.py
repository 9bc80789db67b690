"""Baselines: adopt codecheck with the findings a landlord already has.

``--write-baseline FILE`` records the fingerprints of the current findings;
``--baseline FILE`` then drops the findings the file already holds, so only
new ones are reported and fail the run.

A fingerprint survives unrelated edits. It is a hash of:

- case records: ``("cases", rule, path, case_id, column)``: not the row, so
  rows reordered or cases added do not change it (a row without a case id
  falls back to its row number);
- documents: ``("document", rule, path, anchor)`` where the anchor is a hash of
  the normalised text of the block the finding points to (NFKC, case-folded,
  whitespace collapsed), or of the rule's message for a whole-document
  finding: not the line, so text added above does not change it.

``path`` is the file's path relative to the baseline's folder when the file is
under it, else relative to the working directory, else absolute (always with
``/``). Equal fingerprints are counted: an entry absorbs at most as many
findings as it had when written.

The file is JSON, sorted, and says for people which rule, provision, file and
case each entry is; it never holds message text (messages may quote values).
"""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from codecheck.errors import UsageError
from codecheck.findings import Finding
from codecheck.results import Results

FORMAT = "codecheck-baseline"
VERSION = 1
_SEP = "\x1f"


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def text_anchor(text: str) -> str:
    """A short hash of normalised text: what a document finding is anchored to."""
    return hashlib.sha256(_normal(text).encode("utf-8")).hexdigest()[:16]


def relative_path(path: str, base: Path | None = None) -> str:
    """``path`` relative to ``base`` (when under it), else to the working directory, else absolute."""
    absolute = Path(os.path.abspath(path))
    for root in (base, Path.cwd()):
        if root is None:
            continue
        try:
            return absolute.relative_to(os.path.abspath(root)).as_posix()
        except ValueError:
            continue
    return absolute.as_posix()


@lru_cache(maxsize=256)
def _relative_cached(path: str, base: Path | None, cwd: str) -> str:
    return relative_path(path, base)


def _parts(finding: Finding, base: Path | None) -> tuple[str, ...]:
    path = _relative_cached(finding.path, base, os.getcwd())  # the same few files, a million times
    if finding.row is not None or finding.case_id is not None:
        case = finding.case_id if finding.case_id is not None else f"row {finding.row}"
        return ("cases", finding.rule, path, case, finding.column or "")
    return ("document", finding.rule, path, finding.anchor or text_anchor(finding.message))


def fingerprint(finding: Finding, base: Path | None = None) -> str:
    """The finding's stable fingerprint (32 hex digits); see the module's docstring."""
    return hashlib.sha256(_SEP.join(_parts(finding, base)).encode("utf-8")).hexdigest()[:32]


# -- writing -------------------------------------------------------------------------


def build(findings: Iterable[Finding], base: Path | None) -> dict:
    """The baseline document for these findings."""
    entries: dict[str, dict] = {}
    for f in sorted(findings, key=lambda f: f.sort_key()):
        fp = fingerprint(f, base)
        if fp in entries:
            entries[fp]["count"] += 1
            continue
        entry = {"fingerprint": fp, "rule": f.rule, "provision": f.provision,
                 "path": relative_path(f.path, base)}
        if f.row is not None or f.case_id is not None:
            entry["case_id"] = f.case_id
            entry["column"] = f.column
        else:  # where it was when written, for people; not part of the fingerprint
            entry.update({k: v for k, v in (("page", f.page), ("line", f.line), ("paragraph", f.paragraph)) if v is not None})
        entry["count"] = 1
        entries[fp] = entry
    rows = sorted(entries.values(), key=lambda e: (e["path"], e["rule"], e.get("case_id") or "", e["fingerprint"]))
    return {
        "format": FORMAT,
        "version": VERSION,
        "about": "Findings already known when this file was written; `codecheck --baseline FILE` reports only new ones.",
        "findings": rows,
    }


def write(path: Path, findings: Iterable[Finding]) -> dict:
    """Write the baseline for ``findings`` to ``path``; returns what was written."""
    path = Path(path)
    doc = build(findings, path.parent)
    try:
        from codecheck.outputs import write_text_atomic

        write_text_atomic(path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise UsageError(f"cannot write baseline {path}: {exc.strerror or exc}") from None
    return doc


# -- reading and applying ------------------------------------------------------------


def load(path: Path) -> Counter:
    """fingerprint -> how many findings the baseline holds for it."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"--baseline {path}: no such file (write one with --write-baseline {path})")
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--baseline {path}: cannot be read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"--baseline {path}: not valid JSON (line {exc.lineno}): {exc.msg}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("findings"), list):
        raise UsageError(f"--baseline {path}: not a codecheck baseline (write one with --write-baseline)")
    if doc.get("version") != VERSION:
        raise UsageError(f"--baseline {path}: baseline version {doc.get('version')!r} is not supported (expected {VERSION})")
    counts: Counter = Counter()
    for index, entry in enumerate(doc["findings"]):
        fp = entry.get("fingerprint") if isinstance(entry, dict) else None
        count = entry.get("count", 1) if isinstance(entry, dict) else None
        if not isinstance(fp, str) or not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise UsageError(f"--baseline {path}: findings[{index}] needs a fingerprint and a count of at least 1")
        counts[fp] += count
    return counts


def apply(results: Results, path: Path) -> int:
    """Drop from ``results.findings`` those the baseline at ``path`` holds; returns how many.

    Spooled findings (case files, :class:`codecheck.results.Spool`) stay on disk: they are
    read once here, to count what is left (the summary comes after the findings, but the
    exit code and --statistics need the counts), and the same filter leaves the baselined
    ones out again as they stream to the output."""
    path = Path(path)
    remaining = load(path)
    base = path.parent
    kept: list[Finding] = []
    dropped = 0
    for f in sorted(results.findings, key=lambda f: f.sort_key()):
        fp = fingerprint(f, base)
        if remaining[fp] > 0:
            remaining[fp] -= 1
            dropped += 1
        else:
            kept.append(f)
    results.findings[:] = kept
    if results.spools:
        results.baseline_filter = (remaining, base)
        counts: Counter = Counter()
        for f in results.iter_findings():  # the held ones, already filtered, pass again unchanged
            counts[(f.provision, f.rule, f.severity)] += 1
        counts.subtract(Counter((f.provision, f.rule, f.severity) for f in kept))
        results._kept = +counts
        dropped += sum(n for spool in results.spools for n in spool.counts.values()) - sum(results._kept.values())
    results.baselined += dropped
    return dropped
