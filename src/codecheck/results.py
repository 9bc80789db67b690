"""What a run produces: findings, the rules not evaluated, and the inputs that
could not be read. Formatters render it; the exit code is decided from it."""

from __future__ import annotations

import datetime as dt
import heapq
import os
import pickle
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, islice, repeat
from pathlib import Path
from typing import Iterable, Iterator

from codecheck.findings import CaseFinding, Finding, Severity, provision_sort_key
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


Record = tuple
"""A case finding as a spool holds it: (row, case_id, rule, provision, severity, message, column)."""

_provision_key = lru_cache(maxsize=None)(provision_sort_key)


def record_key(record: Record) -> tuple:
    """The order of :meth:`Finding.sort_key` within one case file (the path, page, line and
    paragraph are the same for all of a file's records)."""
    return (record[0] or 0, _provision_key(record[3]), record[2])


_SEVERITY = {int(s): s for s in Severity}
CHUNK = 8192
"""Findings per chunk where a stream of them is cut into lists (:meth:`Results.iter_chunks`)."""


class Block:
    """One rule's findings on one batch, by field (``emit.many``, issue 16): the records
    ``zip(rows, case_ids, repeat(rule), repeat(provision), levels, messages, repeat(column))``,
    without a tuple each until one is needed. ``levels``: one severity (an int) for all, or a
    list of one per record."""

    __slots__ = ("rows", "case_ids", "rule", "provision", "levels", "messages", "column")

    def __init__(self, rows: list[int], case_ids: list, rule: str, provision: str | None, levels: "int | list[int]",
                 messages: list[str], column: str | None):
        self.rows, self.case_ids, self.rule, self.provision = rows, case_ids, rule, provision
        self.levels, self.messages, self.column = levels, messages, column

    def __len__(self) -> int:
        return len(self.rows)

    def level_list(self) -> list[int]:
        return self.levels if isinstance(self.levels, list) else [self.levels] * len(self.rows)

    def records(self) -> list[Record]:
        return list(zip(_listed(self.rows), _listed(self.case_ids), repeat(self.rule), repeat(self.provision),
                        self.level_list(), self.messages, repeat(self.column)))


def _listed(values) -> list:
    """A Block's rows or case ids as a list (``emit.many`` gives numpy arrays: their items as
    Python ints and strings)."""
    return values if isinstance(values, list) else values.tolist()


def _by_field(records: "list[Record | Block]") -> list[list]:
    """A batch's records (tuples and blocks, in order) as seven lists, one per field."""
    fields: list[list] = [[] for _ in range(7)]
    run: list[Record] = []

    def flush() -> None:
        if run:
            for field, values in zip(fields, zip(*run)):
                field.extend(values)
            run.clear()

    for part in records:
        if type(part) is Block:
            flush()
            n = len(part.rows)
            fields[0].extend(_listed(part.rows))
            fields[1].extend(_listed(part.case_ids))
            fields[2].extend(repeat(part.rule, n))
            fields[3].extend(repeat(part.provision, n))
            fields[4].extend(part.level_list())
            fields[5].extend(part.messages)
            fields[6].extend(repeat(part.column, n))
        else:
            run.append(part)
    flush()
    return fields


def _sorted_fields(fields: list[list]) -> list[list]:
    """The records (by field) in :func:`record_key` order, stably (as ``records.sort(key=record_key)``),
    without a Python call per record: by row, then by the rank of (provision, rule) among this
    batch's, as one integer, sorted by numpy."""
    rows, rules, provisions = fields[0], fields[2], fields[3]
    n = len(rows)

    def general() -> list[list]:
        records = list(zip(*fields))
        records.sort(key=record_key)
        return [list(field) for field in zip(*records)]

    if n < 64:
        return general()
    import numpy as np

    at = np.array(rows)
    if at.dtype != np.int64:  # a row of None sorts as 0: the general way
        return general()
    pairs = set(zip(rules, provisions))
    if len({rule for rule, _ in pairs}) != len(pairs):  # a rule with two provisions: the general way
        return general()
    keyed = {rule: (_provision_key(provision), rule) for rule, provision in pairs}
    ranks = {key: k for k, key in enumerate(sorted(set(keyed.values())))}  # equal keys, equal ranks
    rank = {rule: ranks[key] for rule, key in keyed.items()}
    keys = (at - at.min()) * len(ranks) + np.fromiter(map(rank.__getitem__, rules), dtype=np.int64, count=n)
    if (keys[1:] >= keys[:-1]).all():
        return fields
    order = np.argsort(keys, kind="stable").tolist()
    return [list(map(field.__getitem__, order)) for field in fields]


def _spooled_fields(records: "list[Record | Block]") -> tuple[list[list], Counter]:
    """``_sorted_fields(_by_field(records))`` and the run's counts ((provision, rule, severity) ->
    findings), a block at a time: each field gathered and ordered by numpy over the whole
    batch (the rows, case ids and messages of ``emit.many``'s blocks are arrays already; a
    block's rule, provision and column are one value), never a Python call per record. Runs of
    tuples (``emit`` one at a time) are blocks of their own. The general way for what it does
    not cover: rows of None, a rule with two provisions, few records."""
    import numpy as np

    n = sum(len(p) if type(p) is Block else 1 for p in records)
    pieces: list = []  # (rows, case ids, rules, provisions, levels, messages, columns), each an array or one value
    run: list[Record] = []

    def flush() -> None:
        if run:
            rows, ids, rules, provisions, levels, messages, columns = zip(*run)
            pieces.append((list(rows), list(ids), list(rules), list(provisions), list(levels), list(messages),
                           list(columns)))
            run.clear()

    for part in records:
        if type(part) is Block:
            flush()
            pieces.append((part.rows, part.case_ids, part.rule, part.provision, part.levels, part.messages,
                           part.column))
        else:
            run.append(part)
    flush()

    def general() -> tuple[list[list], Counter]:
        fields = _sorted_fields(_by_field(records))
        return fields, Counter(zip(fields[3], fields[2], fields[4]))

    pairs: set = set()
    for piece in pieces:
        if isinstance(piece[2], list):
            pairs.update(zip(piece[2], piece[3]))
        else:
            pairs.add((piece[2], piece[3]))
    if n < 64 or len({rule for rule, _ in pairs}) != len(pairs):
        return general()
    try:
        rows = np.concatenate([np.asarray(p[0], dtype=np.int64) for p in pieces])
    except (TypeError, ValueError):  # a row of None
        return general()
    keyed = {rule: (_provision_key(provision), rule) for rule, provision in pairs}
    ranks = {key: k for k, key in enumerate(sorted(set(keyed.values())))}
    rank = {rule: ranks[key] for rule, key in keyed.items()}

    def whole(k: int, dtype=object) -> "np.ndarray":
        """Field k over every piece, one array."""
        parts = []
        for piece in pieces:
            part = np.empty(len(piece[0]), dtype=dtype)
            part[:] = piece[k]  # one value or one per record; the objects themselves (np.full copies a str)
            parts.append(part)
        return np.concatenate(parts)

    ranked = np.concatenate([np.fromiter(map(rank.__getitem__, p[2]), dtype=np.int64, count=len(p[2]))
                             if isinstance(p[2], list) else np.full(len(p[0]), rank[p[2]], dtype=np.int64)
                             for p in pieces])
    keys = (rows - rows.min()) * len(ranks) + ranked
    order = None if (keys[1:] >= keys[:-1]).all() else np.argsort(keys, kind="stable")
    fields = []
    for k, array in enumerate((rows, whole(1), whole(2), whole(3), whole(4, np.int64), whole(5), whole(6))):
        fields.append((array if order is None else array[order]).tolist())
    counts: Counter = Counter()
    for piece in pieces:
        if isinstance(piece[2], list):
            counts.update(zip(piece[3], piece[2], piece[4]))
        elif isinstance(piece[4], list):
            for level, m in Counter(piece[4]).items():
                counts[(piece[3], piece[2], level)] += m
        else:
            counts[(piece[3], piece[2], piece[4])] += len(piece[0])
    return fields, counts


class Spool:
    """One case file's findings, on disk until they are written out (issue 16).

    A file's findings cannot go straight to the output: with no ``date_order`` configured, a
    file whose slash dates turn out to be month-first is refused and *none* of its findings
    may be reported (:func:`codecheck.engine._month_first_cell`), which is known only at its
    end; and the output is in :meth:`Finding.sort_key` order over the whole run. Held in
    memory, a million findings took gigabytes; here each batch's findings are sorted (the
    batch is bounded) and pickled as one run, so memory stays flat however many there are.

    Batches hold consecutive rows, so runs follow each other in order and are read back one
    at a time. A run that starts before the previous one ended (``Rule.finish`` findings,
    about rows anywhere in the file) starts a new sequence, and the sequences are merged
    when read. ``counts`` is what the summary and the exit code need, known without reading
    the findings back."""

    def __init__(self, path: str, folder: str | None = None, listener=None):
        self.path = path
        """The case file the findings are about (their ``path``)."""
        fd, self.file = tempfile.mkstemp(prefix="codecheck-findings-", suffix=".pickle", dir=folder)
        self._fh = os.fdopen(fd, "wb")
        self.counts: Counter = Counter()
        """(provision, rule, severity) -> findings."""
        self.sequences: list[list[int]] = []
        """The file offsets of the runs, in sequences whose runs are in order one after another."""
        self._last: tuple | None = None
        self.listener = listener
        """Told of each run as it is spooled, ``listener(spool, offset, findings)``, the run
        flushed to the file (:class:`codecheck.formatters.ahead.Ahead` renders it meanwhile)."""
        self.rendered: "tuple[str, dict] | None" = None
        """The runs a helper rendered ahead: (path rendered under, offset -> text)."""

    def add(self, records: "list[Record | Block]") -> None:
        """Spool one batch's records, tuples or blocks (any order: they are sorted here, stably,
        as the whole run's findings were sorted before)."""
        if not records:
            return
        fields, counts = _spooled_fields(records)
        rows, _, rules, provisions, levels, _, _ = fields
        if not rows:
            return
        first = (rows[0] or 0, _provision_key(provisions[0]), rules[0])
        if self._last is None or first < self._last:
            self.sequences.append([])
        offset = self._fh.tell()
        self.sequences[-1].append(offset)
        self._last = (rows[-1] or 0, _provision_key(provisions[-1]), rules[-1])
        self.counts.update(counts)
        # By field (seven lists), not by record: pickle memoizes each tuple it writes, which
        # made writing a run three times slower.
        pickle.dump(fields, self._fh, protocol=pickle.HIGHEST_PROTOCOL)
        if self.listener is not None:
            self._fh.flush()
            self.listener(self, offset, len(rows))

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def discard(self) -> None:
        """Forget the findings (the file was refused, or the run is over)."""
        self.close()
        try:
            os.unlink(self.file)
        except OSError:
            pass

    def __getstate__(self) -> dict:  # sent back from a worker process: the file stays on disk
        self.close()
        return {**self.__dict__, "_fh": None, "listener": None}

    def _sequence(self, offsets: list[int]) -> Iterator[Record]:
        with open(self.file, "rb") as fh:
            for offset in offsets:
                fh.seek(offset)
                yield from zip(*pickle.load(fh))

    def runs(self, rendered: bool = False) -> Iterator:
        """The records in :meth:`Finding.sort_key` order, in parts, each by field (seven lists, as
        :data:`Record`'s fields): each run as it was spooled (one sequence), or the merged
        sequences in parts of ``CHUNK``. With `rendered`, a run a helper rendered ahead under
        this path is given as its text (:class:`codecheck.formatters.ahead.RenderedRun`)."""
        self.close()
        if len(self.sequences) == 1:
            texts = self.rendered[1] if rendered and self.rendered and self.rendered[0] == self.path else {}
            with open(self.file, "rb") as fh:
                for offset in self.sequences[0]:
                    if offset in texts:
                        yield texts[offset]
                        continue
                    fh.seek(offset)
                    yield pickle.load(fh)
            return
        if not self.sequences:
            return
        merged = heapq.merge(*(self._sequence(offsets) for offsets in self.sequences), key=record_key)
        while chunk := list(islice(merged, CHUNK)):
            yield [list(field) for field in zip(*chunk)]

    def findings(self) -> Iterator[CaseFinding]:
        """The findings in :meth:`Finding.sort_key` order, one run in memory at a time (per sequence)."""
        path, severity = self.path, _SEVERITY
        for fields in self.runs():
            for row, case_id, rule, provision, level, message, column in zip(*fields):
                yield CaseFinding(rule, provision, severity[level], message, path, row, case_id, column)


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
    spools: list[Spool] = field(default_factory=list)
    """Case files' findings kept on disk (``Engine.run(spool=True)``, the command line): they
    are part of the run's findings as much as ``findings`` (which then holds the documents')."""
    baseline_filter: "tuple[Counter, Path] | None" = None
    """With spools, --baseline is applied as the findings stream past (fingerprint -> how many
    the baseline holds, and its folder): :func:`codecheck.baseline.apply`."""
    _kept: "Counter | None" = None
    """The spools' counts once the baseline has left some out (None: the spools' own counts)."""

    def add_rules(self, rules: Iterable[Rule]) -> None:
        """The rules another part of the run ran, each listed once: a rule is the same rule when
        its id and severity are (comparing every field of every pair cost a one-letter check
        thousands of comparisons of its 150 rules)."""
        listed = {(r.id, r.severity) for r in self.rules}
        for rule in rules:
            if (rule.id, rule.severity) not in listed:
                listed.add((rule.id, rule.severity))
                self.rules.append(rule)

    def absorb(self, part: "Results") -> None:
        """Add another run's results for other files (from a worker process)."""
        self.findings.extend(part.findings)
        self.spools.extend(part.spools)
        self.not_evaluated.extend(part.not_evaluated)
        self.problems.extend(part.problems)
        self.files.extend(part.files)
        self.skipped.extend(part.skipped)
        self.unknown_kind.extend(part.unknown_kind)
        self.suppressed.extend(part.suppressed)

    def rename_paths(self, names: dict[str, str]) -> None:
        """Report each file under the name it stands for (`names`: path -> name), never a temporary
        copy's path: standard input under --stdin-filename, an upload under its display name.
        Paths inside messages and notes are replaced too."""
        if not names:
            return
        import dataclasses

        def name(path: str) -> str:
            return names.get(path, path)

        def text(message: str) -> str:
            for temp, shown in names.items():
                message = message.replace(temp, shown)
            return message

        self.findings[:] = [f.replace(path=name(f.path), message=text(f.message))
                            if f.path in names or any(t in f.message for t in names) else f for f in self.findings]
        for spool in self.spools:
            spool.path = name(spool.path)
        self.problems[:] = [dataclasses.replace(p, path=text(p.path), message=text(p.message)) for p in self.problems]
        self.not_evaluated[:] = [dataclasses.replace(n, path=name(n.path)) for n in self.not_evaluated]
        self.suppressed[:] = [dataclasses.replace(s, finding=s.finding.replace(path=name(s.finding.path)))
                              if s.finding.path in names else s for s in self.suppressed]
        self.skipped[:] = [name(p) for p in self.skipped]
        self.unknown_kind[:] = [name(p) for p in self.unknown_kind]
        for summary in self.files:
            summary.path = name(summary.path)
            summary.notes = [text(n) for n in summary.notes]

    def sorted_findings(self) -> "list[Finding | CaseFinding]":
        """Every finding, in output order, in a list (the formats that build one whole document)."""
        return list(self.iter_findings())

    def iter_findings(self) -> "Iterator[Finding | CaseFinding]":
        """Every finding in :meth:`Finding.sort_key` order, streamed from the spools (so that a
        formatter writes them as they come, holding none), less those the baseline holds.

        Ordered as a stable sort of all of them was: by path, and for one path (a file named
        twice) merged, the earlier source first on ties."""
        by_path: dict[str, list[Iterable]] = {}
        for path, group in _grouped(sorted(self.findings, key=lambda f: f.sort_key())):
            by_path.setdefault(path, []).append(group)
        for spool in self.spools:
            by_path.setdefault(spool.path, []).append(spool)
        streams = []
        for path in sorted(by_path):
            sources = [s.findings() if isinstance(s, Spool) else s for s in by_path[path]]
            streams.append(sources[0] if len(sources) == 1 else heapq.merge(*sources, key=lambda f: f.sort_key()))
        findings = chain.from_iterable(streams)
        if self.baseline_filter is None:
            return findings
        return _without_baselined(findings, *self.baseline_filter)

    def iter_chunks(self, rendered: bool = False) -> "Iterator[tuple[str | None, list]]":
        """:meth:`iter_findings` in lists, for a format that writes many findings at a time:
        ``(path, fields)``, a spool's records as they are spooled (by field: seven lists, as
        :data:`Record`'s fields, all about the file `path`), where a file's findings are one
        spool and no baseline filters them; otherwise ``(None, findings)``, a list. The same
        findings in the same order. With `rendered`, a spooled run that a helper rendered
        ahead comes as ``(path, RenderedRun)`` (:meth:`Spool.runs`)."""
        if self.baseline_filter is not None or not self.spools:
            yield from ((None, chunk) for chunk in _chunked(self.iter_findings()))
            return
        by_path: dict[str, list] = {}
        for f in self.findings:
            by_path.setdefault(f.path, []).append(f)
        for spool in self.spools:
            by_path.setdefault(spool.path, []).append(spool)
        for path in sorted(by_path):
            sources = by_path[path]
            if len(sources) == 1 and isinstance(sources[0], Spool):
                yield from ((path, records) for records in sources[0].runs(rendered))
                continue
            held = sorted((f for f in sources if not isinstance(f, Spool)), key=lambda f: f.sort_key())
            streams = [held] if held else []
            streams += [s.findings() for s in sources if isinstance(s, Spool)]
            merged = streams[0] if len(streams) == 1 else heapq.merge(*streams, key=lambda f: f.sort_key())
            yield from ((None, chunk) for chunk in _chunked(merged))

    def tally(self) -> Counter:
        """(provision, rule, severity) -> findings: what the summary and exit code need."""
        counts = Counter((f.provision, f.rule, f.severity) for f in self.findings)
        if self._kept is not None:
            counts.update(self._kept)
        else:
            for spool in self.spools:
                counts.update(spool.counts)
        return counts

    def total(self) -> int:
        """How many findings the run has (held or spooled)."""
        return sum(self.tally().values())

    def count_by_rule(self) -> Counter:
        counts: Counter = Counter()
        for (_, rule, _), n in self.tally().items():
            counts[rule] += n
        return counts

    def count_by_severity(self) -> dict[str, int]:
        counts: Counter = Counter()
        for (_, _, severity), n in self.tally().items():
            counts[Severity(severity).label] += n
        return {s.label: counts.get(s.label, 0) for s in sorted(Severity, reverse=True)}

    def count_by_provision(self) -> list[tuple[str | None, str, int]]:
        """(provision, rule id, count), by provision then rule."""
        counts: Counter = Counter()
        for (provision, rule, _), n in self.tally().items():
            counts[(provision, rule)] += n
        return sorted(((p, r, n) for (p, r), n in counts.items()), key=lambda t: (provision_sort_key(t[0]), t[1]))

    def discard_spools(self) -> None:
        """Delete the spooled findings' temporary files (the run's output is written)."""
        for spool in self.spools:
            spool.discard()

    def blocking_problems(self) -> list[InputProblem]:
        """The input problems that make the exit code 2 (all but those --skip-unreadable skips)."""
        if self.skip_unreadable and self.files:
            return [p for p in self.problems if not p.skippable]
        return self.problems

    def exit_code(self, fail_on: Severity) -> int:
        if self.blocking_problems():
            return 2
        return 1 if any(n and severity >= fail_on for (_, _, severity), n in self.tally().items()) else 0


def _chunked(findings: Iterable) -> Iterator[list]:
    findings = iter(findings)
    while chunk := list(islice(findings, CHUNK)):
        yield chunk


def _grouped(findings: list) -> Iterator[tuple[str, list]]:
    """Sorted findings in runs of one path."""
    start = 0
    for index in range(1, len(findings) + 1):
        if index == len(findings) or findings[index].path != findings[start].path:
            yield findings[start].path, findings[start:index]
            start = index


def _without_baselined(findings: Iterable, remaining: Counter, base: Path) -> Iterator:
    """The findings a baseline does not hold, in order: each fingerprint absorbs the first
    findings up to its count (as :func:`codecheck.baseline.apply` on a list)."""
    from codecheck.baseline import fingerprint

    remaining = Counter(remaining)
    for f in findings:
        fp = fingerprint(f, base)
        if remaining[fp] > 0:
            remaining[fp] -= 1
        else:
            yield f
