"""CSV for an auditor's spreadsheet: one row per finding, the JSON format's keys
as columns (``rule, provision, severity, message, path, case_id, row, ...``).

UTF-8 with a byte-order mark (so Excel reads accents and curly quotes right),
CRLF line ends, RFC 4180 quoting. Safe against formula injection: a cell that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written
with a leading ``'`` so a spreadsheet shows it as text and never runs it.
With ``--show-suppressed`` the suppressed findings follow, and a last column
``suppressed`` gives their reason.
"""

from __future__ import annotations

import csv
from typing import TextIO

from codecheck.formatters.base import StreamingFormatter, printable
from codecheck.formatters.json import FINDING_KEYS, finding_record
from codecheck.results import Results

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """The value as a spreadsheet should see it: text that a spreadsheet would run as a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = printable(value)  # no line breaks or escape bytes inside a cell
        if value.startswith(_FORMULA_START):
            return "'" + value
    return value


class CsvFormatter(StreamingFormatter):
    name = "csv"
    description = "one row per finding, for a spreadsheet (formula-safe)"

    def write(self, results: Results, out: TextIO) -> None:
        out.write("\ufeff")
        columns = list(FINDING_KEYS) + (["suppressed"] if results.show_suppressed else [])
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        more = [""] if results.show_suppressed else []
        for f in results.iter_findings():
            record = finding_record(f)
            writer.writerow([safe_cell(record[k]) for k in FINDING_KEYS] + more)
        if results.show_suppressed:
            for s in sorted(results.suppressed, key=lambda s: s.finding.sort_key()):
                record = finding_record(s.finding)
                writer.writerow([safe_cell(record[k]) for k in FINDING_KEYS] + [safe_cell(s.reason or "no reason given")])
