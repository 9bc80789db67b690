"""Run the selected rules over the inputs: pick a reader per path, stream the
records through the record rules, collect findings and what was not evaluated."""

from __future__ import annotations

import datetime as dt
import fnmatch
import gc
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Protocol

from codecheck.calendar import WorkingCalendar
from codecheck.checks.base import CheckContext
from codecheck.checks.data import duplicates_found, duplicate_case_id
from codecheck.columns import DATE_COLUMNS, YES_NO_COLUMNS
from codecheck.config import Config
from codecheck.errors import InputError
from codecheck.findings import Finding, Severity
from codecheck.lazy import numpy as np
from codecheck.readers.base import CASES, DOCUMENT, CaseSource
from codecheck.records import CaseBatch
from codecheck.registry import Registry
from codecheck.results import FileSummary, InputProblem, NotEvaluated, Results, Spool
from codecheck import suppressions
from codecheck.baseline import text_anchor
from codecheck.rules import Rule
from codecheck.values import Placeholders


#: Folders a walk does not go into (as ruff's default exclusions): caches and installed packages.
TOOL_FOLDERS = frozenset({"__pycache__", "__pypackages__", "node_modules", "venv", "site-packages"})


class Engine:
    def __init__(
        self,
        registry: Registry,
        config: Config,
        rules: list[Rule],
        as_of: dt.date,
        kind: str | None = None,
        show_values: bool = False,
        jobs: int = 1,
        progress: "Callable[[str], None] | None" = None,
        aliases: "dict[str, str] | None" = None,
        force_exclude: bool = False,
        observers: "Iterable[CaseObserver]" = (),
    ):
        self.observers = list(observers)
        """Told of each case file opened and each batch of its rows, as the rules see them (the board
        report counts its figures this way, from the same read). In-process only: not with --jobs."""
        self.force_exclude = force_exclude
        """--force-exclude: the configuration's `exclude:` leaves out files named on the command line too."""
        self._why = ""
        self.aliases = aliases or {}
        """A file's path -> the name it stands for (standard input saved to a temporary file)."""
        self.jobs = max(1, jobs)
        self.progress = progress
        self.registry = registry
        self.config = config
        self.rules = rules
        self.as_of = as_of
        self.kind = kind
        self.show_values = show_values
        self.calendar = WorkingCalendar(config.region, config.closures)
        self.overridden = {r.id for r in rules if any(r.matches(sel) for sel in config.severity)}
        suppressions.check_config(config, registry.rules.values())
        self.spool = False
        """Case files' findings go to disk as light records (:class:`Spool`), not to
        ``results.findings`` as :class:`Finding` objects: ``run(spool=True)``."""
        self.spooled = None
        """Told of each spooled run (``Spool.listener``): ``run(spool=..., spooled=...)``."""

    # -- paths -----------------------------------------------------------------------

    def expand(self, paths: Iterable[str | Path], results: Results) -> list[tuple[Path, bool]]:
        """Files to check, each with whether the user named it (True) or a folder walk found it.

        A folder inside a checked folder that cannot be listed is an input problem naming it
        (``skippable``: --skip-unreadable lists it without failing the run), never a silent gap."""
        out: list[tuple[Path, bool]] = []
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                out.extend((child, False) for child in self._walk(path, results))
            elif path.exists():
                if self.force_exclude and self._excluded(path):
                    continue  # --force-exclude: `exclude:` applies to named files too (pre-commit names them)
                out.append((path, True))
            else:
                results.problems.append(InputProblem(str(path), "no such file or folder"))
        return out

    def _walk(self, root: Path, results: Results) -> list[Path]:
        """The files under `root` in sorted order, leaving out hidden and excluded ones and the
        folders tools keep for themselves (:data:`TOOL_FOLDERS`: a virtual environment's package
        documentation is not a landlord's letter); symlinked folders are not followed (no loops).
        A folder named on the command line is always walked."""
        import os

        def unreadable(error: OSError) -> None:
            where = Path(error.filename) if error.filename else root
            if not any(part.startswith(".") for part in where.relative_to(root).parts) and not self._excluded(where):
                results.problems.append(InputProblem(
                    str(where), f"folder cannot be read: {error.strerror or error}; its files are not checked",
                    skippable=True))

        found = []
        for folder, folders, files in os.walk(root, onerror=unreadable):
            here = Path(folder)
            folders[:] = sorted(f for f in folders if not f.startswith(".") and f not in TOOL_FOLDERS)
            for name in files:
                child = here / name
                if name.startswith(".") or any(part.startswith(".") for part in child.relative_to(root).parts):
                    continue
                if not child.is_file() or self._excluded(child):
                    continue
                found.append(child)
        return sorted(found)

    def _names(self, path: Path) -> list[str]:
        """The names a config glob is matched against: the path as given, the path relative to the
        configuration file's folder (globs mean what their author wrote, wherever codecheck runs
        from), and the file's name."""
        path = Path(self.aliases.get(str(path), path))
        names = [path.as_posix()]
        base = self.config.base
        if base is not None:
            try:
                names.append(Path(os.path.abspath(path)).relative_to(base).as_posix())
            except ValueError:  # outside the config's folder
                pass
        names.append(path.name)
        return names

    def _excluded(self, path: Path) -> bool:
        names = self._names(path)
        return any(fnmatch.fnmatch(name, pat) for pat in self.config.exclude for name in names)

    def kind_for(self, path: Path) -> str | None:
        return self.kind_and_why(path)[0]

    def kind_and_why(self, path: Path) -> tuple[str | None, str]:
        """The kind --kind or a `documents:` glob gives the file, and how (for -v); (None, "") when
        neither does (the reader, or the file's name, decides then)."""
        if self.kind:
            return self.kind, "--kind"
        names = self._names(path)
        for pattern, kind in self.config.documents.items():
            if any(fnmatch.fnmatch(name, pattern) for name in names):
                return kind, f"documents: {pattern!r} in {self.config.source or 'the configuration'}"
        return None, ""

    # -- running ---------------------------------------------------------------------

    def run(self, paths: Iterable[str | Path], spool: "bool | str" = False, spooled=None) -> Results:
        """Check `paths`. With `spool`, each case file's findings are kept on disk
        (``results.spools``) and read back in order by ``results.iter_findings()``, so that
        memory does not grow with them (the command line; call ``results.discard_spools()``
        when done). `spool` may be a folder for the files (the command line gives one of
        its own and removes it whole: a worker process killed mid-file leaves nothing
        behind). Without, every finding is a :class:`Finding` in ``results.findings``.
        `spooled` is told of each run of findings spooled in this process (``Spool.listener``:
        the command line renders them ahead, :mod:`codecheck.formatters.ahead`)."""
        self.spool, self.spooled = spool, spooled
        results = Results(as_of=self.as_of, rules=self.rules)
        files = self.expand(paths, results)
        if self.jobs > 1 and len(files) > 1 and not self.observers:  # observers see batches in this process
            for part in self._run_parallel(files):
                results.absorb(part)
        else:
            for number, (path, named) in enumerate(files, 1):
                if self.progress:
                    self.progress(f"[{number}/{len(files)}] {path}")
                self.check_file(path, named, results)
        self.check_together(results)
        suppressions.apply_config(results, self.config, self.registry.rules.values())
        return results

    def check_together(self, results: Results) -> None:
        """Rules that read several inputs of the run together (``Rule.together``), once every
        file has been checked on its own. The documents are read again here, so that this
        works the same with --jobs; a file that could not be read takes no part."""
        together = [r for r in self.rules if r.together]
        if not together:
            return
        unreadable = {p.path for p in results.problems}
        by_kind: dict[str, list[str]] = {}
        for summary in results.files:
            if summary.path not in unreadable:
                by_kind.setdefault(summary.kind, []).append(summary.path)
        present = [r for r in together if all(kind in by_kind for kind in r.kinds)]
        # Compared only when the run names one input of each kind: a folder of several landlords'
        # forms and plans (the bundled fixtures) is not one plan answering one form.
        wanted = [r for r in present if all(len(by_kind[kind]) == 1 for kind in r.kinds)]
        for kinds in dict.fromkeys(r.kinds for r in present if r not in wanted):
            counts = ", ".join(f"{len(by_kind[kind])} {kind.replace('_', ' ')}{'s' if len(by_kind[kind]) != 1 else ''}"
                               for kind in kinds)
            first = next(f for f in results.files if f.kind == kinds[0] and f.path not in unreadable)
            first.notes.append(f"not compared with each other ({counts} in this run): check one of each "
                               "together to compare them")
        if not wanted:
            return
        from codecheck.documents.readers import read_document

        documents: dict[str, list] = {}
        for kind in {k for r in wanted for k in r.kinds}:
            documents[kind] = []
            for path in by_kind[kind]:
                try:
                    documents[kind].append(suppressions.prepare(read_document(path)))
                except InputError:  # read once already; if it cannot be read now, it takes no part
                    continue
        wanted = [r for r in wanted if all(documents[kind] for kind in r.kinds)]
        ctx = DocumentContext(kind="", calendar=self.calendar, as_of=self.as_of, show_values=self.show_values)
        for rule in wanted:
            inputs = {kind: documents[kind] for kind in rule.kinds}
            found: dict[str, list[Finding]] = {}

            def emit(document, block, message: str, *, severity: Severity | None = None, rule=rule) -> None:
                sink = found.setdefault(document.path, [])
                self._document_emitter(rule, document.path, sink)(block, message, severity=severity)

            try:
                rule.check(inputs, ctx, emit)
            except Exception as exc:  # a bug in one rule must not hide the run's other findings
                results.problems.append(InputProblem(
                    ", ".join(d.path for docs in inputs.values() for d in docs),
                    f"codecheck failed on rule {rule.id} ({type(exc).__name__}: {exc}); this is a bug, please report it"))
                continue
            for kind_documents in inputs.values():
                for document in kind_documents:
                    if document.path in found:
                        results.findings.extend(suppressions.filter_document(
                            found.pop(document.path), document, self.registry.rules.values(), results))

    def check_file(self, path: Path, named: bool, results: Results) -> None:
        """Check one file into `results`; whatever goes wrong is one line about this file."""
        try:
            info = path.stat()
        except OSError as exc:
            results.problems.append(InputProblem(str(path), f"cannot be read: {exc.strerror or exc}",
                                                 skippable=not named))
            return
        import stat  # (local: this function is all of engine.py that this check touches)

        if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
            results.problems.append(InputProblem(str(path), "is not a regular file"))
            return
        try:
            with open(path, "rb"):
                pass
        except OSError as exc:  # permissions: one line naming the file, before any reader tries
            results.problems.append(InputProblem(str(path), f"cannot be read: {exc.strerror or exc}",
                                                 skippable=not named))
            return
        size = info.st_size
        limit = self.config.max_file_mb * 1024 * 1024
        if size > limit:
            results.problems.append(InputProblem(
                str(path), f"not checked: {size / 1048576:,.0f} MB is over the {self.config.max_file_mb:,} MB limit "
                           "(max_file_mb in codecheck.yaml)"))
            return
        kind, self._why = self.kind_and_why(path)
        reader = self.registry.plugins.hook.codecheck_pick_reader(path=path, kind=kind, readers=self.registry.readers)
        if reader is None:
            if named:
                results.problems.append(InputProblem(str(path), self._unsupported(path, kind)))
            else:
                results.skipped.append(str(path))
            return
        try:
            if reader.family == CASES:
                self.check_cases(reader, path, results)
            elif reader.family == DOCUMENT:
                self.check_document(reader, path, kind, named, results)
        except InputError as exc:
            results.problems.append(InputProblem(exc.path, exc.message, exc.location))
        except (MemoryError, RecursionError) as exc:
            results.problems.append(InputProblem(str(path), f"too large or deeply nested to check ({type(exc).__name__})"))
        except Exception as exc:  # a bug in a rule or reader must not hide the other files' findings
            results.problems.append(InputProblem(
                str(path), f"codecheck failed on this file ({type(exc).__name__}: {exc}); this is a bug, please report it"))

    def _run_parallel(self, files: list[tuple[Path, bool]], pool=None) -> list[Results]:
        """Check files in worker processes; results come back in the order of `files`.

        A worker that dies (killed, out of memory: BrokenProcessPool) makes each file it
        had not returned an input problem; the other files' results are kept. Ctrl-C
        (KeyboardInterrupt) stops the workers at once and is raised again for the CLI.
        ``pool`` is an executor to use instead of a new process pool (tests)."""
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        if pool is None:
            setup = _WorkerSetup(self.config, [r.id for r in self.rules], self.as_of, self.kind, self.show_values,
                                 self.spool)
            pool = ProcessPoolExecutor(max_workers=self.jobs, initializer=_init_worker, initargs=(setup,))
        parts: list[Results] = []
        try:
            futures = []
            for path, named in files:
                try:
                    futures.append(pool.submit(_check_in_worker, str(path), named))
                except BrokenProcessPool:
                    futures.append(None)  # the pool broke while submitting: not checked
            for number, ((path, _), future) in enumerate(zip(files, futures), 1):
                parts.append(self._worker_result(path, future))
                if self.progress:
                    self.progress(f"[{number}/{len(files)}] {path}")
        except BaseException:  # Ctrl-C (or a bug here): stop the workers now, not after every file
            _stop_pool(pool)
            raise
        pool.shutdown(wait=True)
        return parts

    def _worker_result(self, path: Path, future) -> Results:
        """A worker's results for one file, or that file as an input problem."""
        from concurrent.futures.process import BrokenProcessPool

        try:
            if future is None:
                raise BrokenProcessPool("not submitted")
            return future.result()
        except BrokenProcessPool:
            message = ("not checked: the worker process checking it stopped unexpectedly "
                       "(killed, or out of memory); run again, or without --jobs")
        except Exception as exc:  # e.g. a result that cannot be sent back: this file only
            message = f"codecheck failed on this file ({type(exc).__name__}: {exc}); this is a bug, please report it"
        part = Results(as_of=self.as_of, rules=[])
        part.problems.append(InputProblem(str(path), message))
        return part

    def _unsupported(self, path: Path, kind: str | None) -> str:
        readers = sorted({ext for r in self.registry.readers for ext in r.extensions})
        asked = f" as {kind}" if kind else ""
        return f"cannot be read{asked}: {path.suffix or 'no extension'} is not a supported input ({', '.join(readers)})"

    def check_cases(self, reader, path: Path, results: Results) -> None:
        source = reader.open(path, self.config)
        for observer in self.observers:
            observer.opened(source)
        summary = FileSummary(path=source.path, kind=CASES, notes=list(source.notes),
                              why=self._why or f"read as case records ({path.suffix or 'no extension'})")
        results.files.append(summary)
        runnable = []
        for rule in self.rules:
            if CASES not in rule.kinds:
                continue
            missing = tuple(c for c in rule.columns if c not in source.columns)
            if missing:
                results.not_evaluated.append(NotEvaluated(source.path, rule.id, rule.provision, missing))
            else:
                runnable.append(rule)
        ctx = CheckContext(calendar=self.calendar, as_of=self.as_of, show_values=self.show_values,
                           stage_labels=self.config.stage_labels, headers=dict(source.columns),
                           header_row=source.header_row, placeholder=Placeholders(self.config.placeholders),
                           review_months=self.config.adjustments_review_months)
        # Reading a batch allocates a list per row and a string per cell, none of them
        # in reference cycles: the cyclic garbage collector only costs time here (about
        # 40% of the reading time, measured), so it is paused while the file streams.
        collecting = gc.isenabled()
        gc.disable()
        found: list = []
        spool = (Spool(source.path, self.spool if isinstance(self.spool, str) else None, self.spooled)
                 if self.spool else None)
        keep = self._spooler(spool, results) if spool is not None else None
        suppressed_before = len(results.suppressed)  # a refused file's findings are not suppressed either
        month_first = None
        # Typed columns (dates, yes/no) not yet seen to hold a readable cell: one that never
        # does leaves every finding that needs it out (see _emitter), so the rules needing it
        # are listed as not evaluated, as for an absent column; never a silent pass.
        unsure = {c: False for c in DATE_COLUMNS + YES_NO_COLUMNS if c in source.columns}  # -> any cell filled
        # An export of one row per stage is found by the duplicate-id check (CD003); when that rule is
        # not selected its ids are still gathered, its findings dropped, so a run of --select CR602
        # never judges stage 2 rows by stage 1's timescales either.
        stages_unwatched = "stage" in source.columns and not any(r.id == "CD003" for r in runnable)
        try:
            for batch in source.batches:
                summary.rows += len(batch)
                summary.rejected += len(batch) - int(batch.checkable.sum())
                for observer in self.observers:
                    observer.batch(batch)
                for rule in runnable:
                    rule.check(batch, ctx, self._emitter(rule, batch, found))
                if stages_unwatched:
                    duplicate_case_id.check(batch, ctx, _ignore)
                if keep is not None:
                    keep(found)  # this batch's findings to disk; the list starts again empty
                if unsure:
                    _settle_columns(batch, unsure)
                if month_first is None and self.config.date_order is None:
                    month_first = _month_first_cell(batch)
                if self.progress:
                    self.progress(f"{source.path}: {summary.rows:,} rows")
            summary.notes.extend(n for n in source.notes if n not in summary.notes)  # found while streaming (a totals row)
            for rule in runnable:
                if rule.finish is not None:
                    rule.finish(ctx, self._file_emitter(rule, source.path, found))
            if stages_unwatched:
                duplicates_found(ctx, _ignore)
            if keep is not None:
                keep(found)
        except BaseException:  # the file is an input problem (or the run stops): none of its findings
            if spool is not None:
                spool.discard()
                del results.suppressed[suppressed_before:]
            raise
        finally:
            if collecting:
                gc.enable()
        if spool is not None:
            spool.close()
        unreadable = {c for c, filled in unsure.items() if filled}
        for rule in runnable:
            blind = [c for c in (*rule.columns, *rule.reads) if c in unreadable]
            if rule.provision and blind:
                results.not_evaluated.append(NotEvaluated(
                    source.path, rule.id, rule.provision, tuple(dict.fromkeys(f"{c} (no cell readable)" for c in blind))))
        order = batch.dates_parser.order if summary.rows else None
        if (self.config.date_order is None and order is not None and order.either
                and not order.day_first and not order.month_first):
            summary.notes.append(
                f"every slash date in this file could be day-first or month-first ({order.either:,} distinct dates "
                "such as 03/04/2025 read either way): they were read day-first, as UK systems write them; if "
                "this export comes from a system set to US dates, set `date_order: mdy` in codecheck.yaml "
                "(`date_order: dmy` confirms day-first and drops this note)")
        def forget_file() -> None:
            """The file is refused (exit 2): none of its findings, suppressions or notes stay."""
            if spool is not None:
                spool.discard()
                del results.suppressed[suppressed_before:]
            results.files.remove(summary)
            results.not_evaluated[:] = [n for n in results.not_evaluated if n.path != source.path]

        if split := ctx.state.get("one row per stage"):
            # Read as one row per complaint, a stage 2 row's dates would be judged against stage 1's
            # timescales, and the board report would count it as a stage 1 complaint.
            (case_id, stage1_line, stage2_line), count = split
            forget_file()
            more = f" (and {count - 1:,} more case id{'s' if count != 2 else ''} like it)" if count > 1 else ""
            raise InputError(
                source.path,
                f"case id {case_id} is on line {stage1_line} at stage 1 and on line {stage2_line} at stage 2{more}: "
                "this export has one row per stage, and codecheck reads one row per complaint, with its stage 2 "
                "dates in columns of their own (stage2_ack_date, stage2_response_date...; `codecheck columns`). "
                "Read as it is, stage 2 dates would be judged by stage 1's timescales: export one row per "
                "complaint, or move each stage 2 row's dates into those columns of its stage 1 row")
        if month_first is not None and batch.dates_parser.order.order == "mdy":
            # Read day-first, these dates would give wrong findings and a wrong board report:
            # the file's findings are dropped and it is an input problem (exit 2).
            column, row, value = month_first
            forget_file()
            second = re.split(r"[/.\-]", value)[1]
            raise InputError(
                source.path,
                f"{column} holds month-first dates ({value!r} has no month {int(second)}, and no slash date in the "
                "file is day-first): set `date_order: mdy` in codecheck.yaml (or `date_order: dmy` if that value is "
                "a mistake); the file was not checked, so that no finding comes from dates read the wrong way round",
                location=str(row))
        if spool is not None:
            results.spools.append(spool)
        else:
            results.findings.extend(found)

    def _spooler(self, spool: Spool, results: Results):
        """``keep(records)``: a batch's finding records to `spool`, less those a `suppress:`
        entry names (to ``results.suppressed``, as :func:`suppressions.apply_config` would
        have moved them at the end of the run); empties `records` for the next batch."""
        from codecheck.findings import CaseFinding

        suppressed, cases = suppressions.case_filter(self.config, self.registry.rules.values())
        path = spool.path

        def keep(records: list) -> None:
            if cases:
                from codecheck.results import Block

                kept = []
                for part in records:
                    if type(part) is not Block:
                        parts = (part,)
                    elif cases.isdisjoint(part.case_ids):
                        kept.append(part)
                        continue
                    else:
                        parts = part.records()
                    for record in parts:
                        if record[1] not in cases:
                            kept.append(record)
                            continue
                        row, case_id, rule, provision, severity, message, column = record
                        hit = suppressed(CaseFinding(rule, provision, Severity(severity), message, path, row,
                                                     case_id, column))
                        if hit is not None:
                            results.suppressed.append(hit)
                            continue
                        kept.append(record)
                records[:] = kept
            spool.add(records)
            records.clear()

        return keep

    def _emitter(self, rule: Rule, batch: CaseBatch, sink: list[Finding]):
        """``emit`` for one rule on one batch.

        A finding is left out where a cell it relies on cannot be read: the value might
        have cleared the case, and the unreadable cell is already its own data finding
        (CD001). What a finding relies on is ``uses``, the columns that finding was
        judged with, by default all the rule's ``columns + reads``; so an unreadable
        cell switches off only the findings that need it (issue 12, item 1). Rules
        without a provision (the data rules) are never left out."""
        ids = batch.derived("ids shown", lambda: _ids_shown(batch, self.show_values))
        fixed = rule.id in self.overridden
        every = tuple(rule.columns + rule.reads)
        blind_by: dict[tuple[str, ...], set[int]] = {}

        def blind(columns: tuple[str, ...]) -> set[int]:
            if columns not in blind_by:
                blind_by[columns] = batch.unreadable_rows(columns) if rule.provision else set()
            return blind_by[columns]

        if self.spool:  # a light record: (row, case_id, rule, provision, severity, message, column)
            rows, rule_id, provision, default = batch.rows, rule.id, rule.provision, int(rule.severity)

            def record(index: int, message: str, *, severity: Severity | None = None, column: str | None = None,
                       uses: tuple[str, ...] | None = None) -> None:
                if provision and index in blind(every if uses is None else tuple(uses)):
                    return
                sink.append((rows[index], ids[index] or None, rule_id, provision,
                             default if fixed or severity is None else int(severity), message, column))

            def many(indexes: list[int], messages: list[str], *, severity=None, column: str | None = None,
                     uses=None) -> None:
                """``record`` of each row of `indexes` with its message, in order, in one call (a rule
                with thousands of findings a batch, issue 16). `severity` and `uses` are as
                ``record``'s, for every row, or lists of one per row."""
                from codecheck.results import Block

                if not indexes:
                    return
                if fixed or severity is None:
                    levels = default
                elif isinstance(severity, list):
                    levels = [default if s is None else int(s) for s in severity]
                else:
                    levels = int(severity)
                if provision:  # those left out, as ``record`` leaves them out (by numpy: no step per row)
                    left_out = None
                    if uses is None or isinstance(uses, tuple):
                        hidden = blind(every if uses is None else tuple(uses))
                        if hidden:
                            left_out = np.isin(indexes, np.fromiter(hidden, dtype=np.intp, count=len(hidden)))
                    else:
                        hidden_by = {u: blind(tuple(u)) for u in set(uses)}
                        if any(hidden_by.values()):
                            kinds = list(hidden_by)
                            kind = np.fromiter(map({u: k for k, u in enumerate(kinds)}.__getitem__, uses),
                                               dtype=np.intp, count=len(uses))
                            left_out = np.zeros(len(indexes), dtype=bool)
                            for k, u in enumerate(kinds):
                                if hidden_by[u]:
                                    hidden = np.fromiter(hidden_by[u], dtype=np.intp, count=len(hidden_by[u]))
                                    left_out |= (kind == k) & np.isin(indexes, hidden)
                    if left_out is not None and left_out.any():
                        keep = np.flatnonzero(~left_out).tolist()
                        indexes = list(map(indexes.__getitem__, keep))
                        messages = list(map(messages.__getitem__, keep))
                        if isinstance(levels, list):
                            levels = list(map(levels.__getitem__, keep))
                        if not indexes:
                            return
                at, case_ids = batch.derived("spooled rows", lambda: _rows_and_ids(rows, ids))
                chosen = np.asarray(indexes, dtype=np.intp)
                sink.append(Block(at[chosen], case_ids[chosen], rule_id, provision, levels, list(messages), column))

            record.many = many
            return record

        def emit(index: int, message: str, *, severity: Severity | None = None, column: str | None = None,
                 uses: tuple[str, ...] | None = None) -> None:
            if index in blind(every if uses is None else tuple(uses)):
                return
            sink.append(
                Finding(
                    rule=rule.id,
                    provision=rule.provision,
                    severity=rule.severity if fixed or severity is None else severity,
                    message=message,
                    path=batch.path,
                    row=batch.rows[index],
                    case_id=ids[index] or None,
                    column=column,
                    page=None,
                    line=None,
                    paragraph=None,
                    location=None,
                )
            )

        return emit

    def _file_emitter(self, rule: Rule, path: str, sink: list[Finding]):
        """``emit_at(row, message, ...)`` for a rule's findings about the whole file (``Rule.finish``)."""
        fixed = rule.id in self.overridden

        if self.spool:
            def record_at(row: int, message: str, *, case_id: str | None = None, column: str | None = None,
                          severity: Severity | None = None) -> None:
                sink.append((row, case_id or None, rule.id, rule.provision,
                             int(rule.severity if fixed or severity is None else severity), message, column))

            return record_at

        def emit_at(row: int, message: str, *, case_id: str | None = None, column: str | None = None,
                    severity: Severity | None = None) -> None:
            sink.append(Finding(rule=rule.id, provision=rule.provision,
                                severity=rule.severity if fixed or severity is None else severity,
                                message=message, path=path, row=row, case_id=case_id or None, column=column))

        return emit_at

    # -- documents ---------------------------------------------------------------------

    def check_document(self, reader, path: Path, kind: str | None, named: bool, results: Results) -> None:
        from codecheck.documents.kinds import KINDS, infer_kind

        kind = kind or infer_kind(path)
        if kind is None or kind == CASES:
            kinds = ", ".join(KINDS)
            message = (f"cannot tell what kind of document this is from its name; give --kind ({kinds}; or "
                       "cases, for an export of case records) or a `documents:` glob in codecheck.yaml")
            if named:
                results.problems.append(InputProblem(str(path), message))
            else:
                results.unknown_kind.append(str(path))
            return
        document = suppressions.prepare(reader.read(path))  # a .txt's `codecheck: disable=` lines are not letter text
        results.files.append(FileSummary(path=str(path), kind=kind, why=self._why or "from its name"))
        ctx = DocumentContext(kind=kind, calendar=self.calendar, as_of=self.as_of, show_values=self.show_values)
        found: list[Finding] = []
        for rule in self.rules:
            if kind in rule.kinds and not rule.together:
                rule.check(document, ctx, self._document_emitter(rule, str(path), found))
        results.findings.extend(suppressions.filter_document(found, document, self.registry.rules.values(), results))

    def _document_emitter(self, rule: Rule, path: str, sink: list[Finding]):
        fixed = rule.id in self.overridden

        def emit(block, message: str, *, severity: Severity | None = None) -> None:
            sink.append(
                Finding(
                    rule=rule.id,
                    provision=rule.provision,
                    severity=rule.severity if fixed or severity is None else severity,
                    message=message,
                    path=path,
                    page=getattr(block, "page", None),
                    line=getattr(block, "line", None),
                    paragraph=getattr(block, "paragraph", None),
                    location=block.location() if block is not None else None,
                    omission=rule.omission,
                    anchor=text_anchor(block.text if block is not None else message),
                )
            )

        return emit


def _ignore(*args, **kwargs) -> None:
    """An emit that keeps nothing (a rule run for what it gathers, not for its findings)."""


def _settle_columns(batch: CaseBatch, unsure: dict[str, bool]) -> None:
    """Drop from `unsure` the columns in which this batch has a readable cell; mark those
    in which it has a filled one (a column blank throughout is not unreadable)."""
    for column in list(unsure):
        filled = int((~batch.blank(column)).sum())
        if not filled:
            continue
        if column in DATE_COLUMNS:
            batch.dates(column)
        else:
            batch.flags(column)
        bad = sum(1 for cell in batch.unreadable if cell.column == column)
        if filled > bad:
            del unsure[column]
        else:
            unsure[column] = True


def _month_first_cell(batch: CaseBatch) -> "tuple[str, int, str] | None":
    """The first cell of this batch that only a month-first reading makes a date, as
    (column, row, value), once the file's parser has seen one; else None."""
    example = batch.dates_parser.order.example
    if example is None:
        return None
    for column in DATE_COLUMNS:
        if batch.has(column):
            batch.dates(column)  # parsed, so that its unreadable cells are listed
    for cell in batch.unreadable:
        if cell.column not in DATE_COLUMNS:
            continue
        value = batch.cell(cell.column, cell.index)
        if value.strip() == example:
            return cell.column, batch.rows[cell.index], value.strip()
    return None


class CaseObserver(Protocol):
    """Something that sees the case records as the engine reads them (``Engine(observers=...)``)."""

    def opened(self, source: CaseSource) -> None: ...

    def batch(self, batch: CaseBatch) -> None: ...


@dataclass
class _WorkerSetup:
    """What a worker process needs to build the same engine: plain, picklable values."""

    config: Config
    rule_ids: list[str]
    as_of: dt.date
    kind: str | None
    show_values: bool
    spool: "bool | str" = False


_worker_engine: "Engine | None" = None


def _ids_shown(batch: CaseBatch, show_values: bool) -> list[str]:
    """The batch's case ids as findings name them: none for a row whose fields do not line up
    with the header (ragged or broken). Its first field may be anything, a resident's address
    or a note in a footer, and findings never show a resident's details unless asked."""
    ids = batch.text("case_id")
    hidden = (batch.ragged.keys() | batch.broken.keys()) if not show_values else ()
    if hidden:
        ids = list(ids)
        for i in hidden:
            ids[i] = ""
    return ids


def _rows_and_ids(rows: list[int], ids: list[str]) -> tuple:
    """A batch's line numbers and case ids (None where empty) as arrays, which ``emit.many``
    indexes by the rows a rule reports (once per batch, not a Python step per finding)."""
    case_ids = np.empty(len(ids), dtype=object)
    case_ids[:] = ids
    case_ids[case_ids == ""] = None
    return np.asarray(rows, dtype=np.int64), case_ids


def _stop_pool(pool) -> None:
    """Cancel what has not started and end the worker processes (Ctrl-C: do not wait for them)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # shutdown() forgets them
    for process in processes:
        try:
            process.terminate()
        except Exception:  # pragma: no cover - already gone
            pass
    try:
        pool.shutdown(wait=False, cancel_futures=True)
    except Exception:  # pragma: no cover - stopping must not raise over the interrupt
        pass


def _init_worker(setup: _WorkerSetup) -> None:
    global _worker_engine
    import signal

    # Ctrl-C is the parent's to handle (it stops the workers): a worker that took it too
    # would print a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from codecheck.registry import default_registry, with_severity

    registry = default_registry()
    rules = with_severity((registry.rules[i] for i in setup.rule_ids), setup.config.severity)
    _worker_engine = Engine(registry, setup.config, rules, setup.as_of, setup.kind, setup.show_values)
    _worker_engine.spool = setup.spool


def _check_in_worker(path: str, named: bool) -> Results:
    assert _worker_engine is not None
    part = Results(as_of=_worker_engine.as_of, rules=[])
    _worker_engine.check_file(Path(path), named, part)
    return part


@dataclass
class DocumentContext:
    """What a document rule is given besides the document: its kind and the calendar."""

    kind: str
    calendar: WorkingCalendar
    as_of: dt.date
    show_values: bool = False
