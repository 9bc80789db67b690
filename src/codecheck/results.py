"""What a run produces: findings, the rules not evaluated, and the inputs that
could not be read. Formatters render it; the exit code is decided from it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from codecheck.findings import Finding, Severity, provision_sort_key
from codecheck.rules import Rule


@dataclass(frozen=True)
class NotEvaluated:
    path: str
    rule: str
    provision: str | None
    missing: tuple[str, ...]


@dataclass(frozen=True)
class InputProblem:
    path: str
    message: str
    location: str | None = None
    skippable: bool = False
    """A folder or file found under a checked folder that the system will not let codecheck read
    (permissions, an I/O error): with --skip-unreadable it is listed but does not make the exit code 2."""

    def __str__(self) -> str:
        where = f"{self.path}:{self.location}" if self.location else self.path
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Suppressed:
    """A finding that a suppression removed, with the reason given (if any) and where it was given."""

    finding: Finding
    reason: str | None
    source: str


@dataclass
class FileSummary:
    path: str
    kind: str
    rows: int = 0
    """Case rows read (blank lines are not rows)."""
    rejected: int = 0
    """Of those, rows the Code rules could not check (broken, no case id, no readable received
    date: each one a CD004 finding). The rows checked are ``rows - rejected``."""
    notes: list[str] = field(default_factory=list)
    why: str = ""
    """How its kind was chosen (--kind, a `documents:` glob, its name, its extension), for -v."""

    @property
    def checked(self) -> int:
        return self.rows - self.rejected


@dataclass
class View:
    """How the text output is shown (command-line options, not part of what was found)."""

    quiet: bool = False
    """-q: the findings only, no summary."""
    statistics: bool = False
    """--statistics: counts per rule only."""
    colour: bool = False
    """Colour the severity and rule id (a terminal, and neither --no-color nor NO_COLOR)."""


@dataclass
class Results:
    as_of: dt.date
    rules: list[Rule]
    findings: list[Finding] = field(default_factory=list)
    not_evaluated: list[NotEvaluated] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    files: list[FileSummary] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """Files a folder walk found that no reader takes (e.g. a .py next to the data)."""
    unknown_kind: list[str] = field(default_factory=list)
    """Documents a folder walk found whose kind cannot be told from their names."""
    suppressed: list["Suppressed"] = field(default_factory=list)
    """Findings removed by a `codecheck: disable=` comment or a `suppress:` config entry."""
    baselined: int = 0
    """Findings dropped because the --baseline file already holds them."""
    show_suppressed: bool = False
    """List the suppressed findings in the output (--show-suppressed), not just count them."""
    view: View = field(default_factory=View)
    """How the text format shows these results (-q, --statistics, colour)."""
    skip_unreadable: bool = False
    """--skip-unreadable: unreadable paths under a checked folder are listed, not an exit code 2,
    as long as something else was checked."""

    def absorb(self, part: "Results") -> None:
        """Add another run's results for other files (from a worker process)."""
        self.findings.extend(part.findings)
        self.not_evaluated.extend(part.not_evaluated)
        self.problems.extend(part.problems)
        self.files.extend(part.files)
        self.skipped.extend(part.skipped)
        self.unknown_kind.extend(part.unknown_kind)
        self.suppressed.extend(part.suppressed)

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=Finding.sort_key)

    def count_by_severity(self) -> dict[str, int]:
        counts = Counter(f.severity.label for f in self.findings)
        return {s.label: counts.get(s.label, 0) for s in sorted(Severity, reverse=True)}

    def count_by_provision(self) -> list[tuple[str | None, str, int]]:
        """(provision, rule id, count), by provision then rule."""
        counts = Counter((f.provision, f.rule) for f in self.findings)
        return sorted(((p, r, n) for (p, r), n in counts.items()), key=lambda t: (provision_sort_key(t[0]), t[1]))

    def blocking_problems(self) -> list[InputProblem]:
        """The input problems that make the exit code 2 (all but those --skip-unreadable skips)."""
        if self.skip_unreadable and self.files:
            return [p for p in self.problems if not p.skippable]
        return self.problems

    def exit_code(self, fail_on: Severity) -> int:
        if self.blocking_problems():
            return 2
        return 1 if any(f.severity >= fail_on for f in self.findings) else 0
