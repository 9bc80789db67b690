"""Run codecheck on the generated edge cases and compare its findings with the oracle's.

    python -m tests.oracle.measure [--rows N] [--seed S] [--examples K]

prints, per run and in total, the findings expected, agreed, missed and raised
falsely, with examples of each. The test (``test_timescales_oracle.py``) asserts
that none are missed or false.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner

from codecheck.cli import main

from .expected import (
    DATE_COLUMNS,
    TIMESCALE_RULES,
    expected_findings,
    parse_date,
    readable,
)
from .generator import RUNS, Run, generate, write
from .workdays import Workdays

ROWS_PER_RUN = 500
SEED = 12


@dataclass
class Comparison:
    expected: set[tuple[str, str]] = field(default_factory=set)
    found: set[tuple[str, str]] = field(default_factory=set)
    rows: dict[str, dict[str, str]] = field(default_factory=dict)
    messages: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    run_of: dict[str, Run] = field(default_factory=dict)

    @property
    def agreed(self) -> set[tuple[str, str]]:
        return self.expected & self.found

    @property
    def missed(self) -> set[tuple[str, str]]:
        return self.expected - self.found

    @property
    def false_alarms(self) -> set[tuple[str, str]]:
        return self.found - self.expected

    def figures(self) -> str:
        return (f"{len(self.rows)} rows: {len(self.expected)} expected findings, {len(self.agreed)} agreed, "
                f"{len(self.missed)} missed, {len(self.false_alarms)} false alarms")

    def describe(self, key: tuple[str, str]) -> str:
        """One disagreement, with the row's dates and what codecheck said."""
        rule, case = key
        row, run = self.rows[case], self.run_of[case]
        cal = Workdays(run.region, run.closures)
        cells = []
        for column, value in row.items():
            if column == "case_id" or not value:
                continue
            if not readable(column, value):
                cells.append(f"{column}={value!r} (unreadable)")
                continue
            day = parse_date(value) if column in DATE_COLUMNS else None
            off = cal.why_not_working(day) if day else None
            note = f" ({day:%a}{', ' + off if off and day.weekday() < 5 else ''})" if day else ""
            cells.append(f"{column}={value}{note}")
        said = "; ".join(self.messages.get(key, [])) or "-"
        return (f"  {rule} {case} [{run.region}, as of {run.as_of}, closures {', '.join(map(str, run.closures))}]\n"
                f"      {' '.join(cells)}\n      codecheck: {said}")

    def report(self, examples: int = 3) -> str:
        lines = [self.figures()]
        lines += [f"input problem: {p}" for p in self.problems]
        for title, keys in (("missed", self.missed), ("false alarms", self.false_alarms)):
            if not keys:
                continue
            by_rule = Counter(rule for rule, _ in keys)
            lines.append(f"{title}: " + ", ".join(f"{r} {n}" for r, n in sorted(by_rule.items())))
            shown = Counter()
            for key in sorted(keys):
                if shown[key[0]] < examples:
                    shown[key[0]] += 1
                    lines.append(self.describe(key))
        return "\n".join(lines)


def run_codecheck(run: Run, csv_path: Path, workdir: Path) -> dict:
    """codecheck's JSON report on the file, as the command line gives it."""
    config = workdir / f"{run.name}.yaml"
    config.write_text(f"region: {run.region}\nclosures: [{', '.join(d.isoformat() for d in run.closures)}]\n")
    result = CliRunner().invoke(main, [
        "check", str(csv_path), "--format", "json", "--as-of", run.as_of.isoformat(), "--config", str(config),
        "--select", ",".join(TIMESCALE_RULES), "--fail-on", "error"], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def compare(rows_per_run: int = ROWS_PER_RUN, seed: int = SEED, workdir: Path | None = None) -> Comparison:
    out = Comparison()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = workdir or Path(tmp)
        for run in RUNS:
            rows = generate(run, rows_per_run, seed)
            cal = Workdays(run.region, run.closures)
            for row in rows:
                out.rows[row["case_id"]] = row
                out.run_of[row["case_id"]] = run
                out.expected |= {(rule, row["case_id"]) for rule in expected_findings(row, cal, run.as_of)}
            report = run_codecheck(run, write(workdir / f"{run.name}.csv", rows), workdir)
            for finding in report["findings"]:
                key = (finding["rule"], finding["case_id"])
                out.found.add(key)
                out.messages.setdefault(key, []).append(finding["message"])
            out.problems += [json.dumps(p) for p in report.get("problems", [])]
    return out


COUNT_AND_LIMIT = re.compile(r"(\d+) working days? after .*?the Code allows (\d+)")


def contradictions(comparison: Comparison) -> list[str]:
    """Messages that call a step late while counting no more working days than the Code allows."""
    bad = []
    for (rule, case), messages in sorted(comparison.messages.items()):
        for message in messages:
            m = COUNT_AND_LIMIT.search(message)
            if m and int(m.group(1)) <= int(m.group(2)):
                bad.append(f"{rule} {case}: {message}")
    return bad


def _main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS_PER_RUN, help="rows per run (6 runs)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--examples", type=int, default=3, help="examples per rule and kind")
    args = parser.parse_args()
    started = dt.datetime.now()
    comparison = compare(args.rows, args.seed)
    print(comparison.report(args.examples))
    agreed = Counter(rule for rule, _ in comparison.agreed)
    print("agreed by rule: " + ", ".join(f"{r} {n}" for r, n in sorted(agreed.items())))
    bad = contradictions(comparison)
    print(f"messages counting no more working days than allowed: {len(bad)}")
    for line in bad[: args.examples]:
        print("  " + line)
    print(f"({(dt.datetime.now() - started).total_seconds():.1f} s)")


if __name__ == "__main__":
    _main()
