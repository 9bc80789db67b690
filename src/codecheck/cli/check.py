"""`codecheck check PATH...` (also `codecheck PATH...`): check inputs against the Code."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from codecheck.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    config_files,
    fail,
    parse_as_of,
    progress_reporter,
    split_list,
)
from codecheck.errors import CodecheckError, UsageError
from codecheck.findings import Severity
from codecheck.formatters.base import printable


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", default="text", show_default=True, help="Output format: text, json, sarif, junit, github, csv, or a plugin's.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to FILE instead of stdout.")
@click.option("--select", multiple=True, help="Only these rules: id, id prefix, name or Code provision prefix (6 = section 6). Comma-separated or repeated.")
@click.option("--ignore", multiple=True, help="Leave out these rules (same forms as --select).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default=None, help="Exit 1 when a finding is at or above this severity [default: warning].")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Judge open cases as of this date [default: today].")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="Configuration file [default: ./codecheck.yaml or [tool.codecheck] in ./pyproject.toml].")
@click.option("--kind", type=click.Choice(["cases", "policy", "stage1_ack", "stage1_response", "stage2_ack", "stage2_response", "extension", "refusal", "self_assessment", "annual_report", "improvement_plan"]), help="What the inputs are, when names and config cannot tell.")
@click.option("--region", type=click.Choice(["england-and-wales", "scotland", "northern-ireland"]), help="Bank holidays of this region [default: england-and-wales].")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="Check files in this many parallel processes (output order stays the same).")
@click.option("--show-values", is_flag=True, help="Show cell values (names, free text) in messages; off by default to protect residents' data.")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False, path_type=Path), help="Leave out findings already in this baseline file: only new ones are reported and fail.")
@click.option("--write-baseline", "write_baseline", type=click.Path(dir_okay=False, path_type=Path), help="Write the current findings to this baseline file and exit 0.")
@click.option("--show-suppressed", is_flag=True, help="List findings suppressed by `codecheck: disable=` comments or `suppress:` config (they are always counted).")
@click.option("--skip-unreadable", is_flag=True, help="Folders and files under a checked folder that cannot be read (permissions) are listed, not exit code 2, when the rest is checked.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings (2 still means an input or usage error).")
@click.option("-v", "--verbose", is_flag=True, help="Say which configuration governs which inputs, and the kind each file was read as, and why.")
@click.option("--force-exclude", is_flag=True, help="Apply the configuration's `exclude:` to files named on the command line too (as pre-commit names them).")
@click.option("-q", "--quiet", is_flag=True, help="Print the findings only, no summary.")
@click.option("--statistics", is_flag=True, help="Print the number of findings per rule only.")
@click.option("--stdin-filename", metavar="NAME", help="With `-` as a path: the name standard input stands for (its extension and the config's globs say how to read it).")
@click.option("--no-color", "no_color", is_flag=True, help="No colour (also off when NO_COLOR is set or output is not a terminal).")
def check(paths, fmt, output, select, ignore, fail_on, as_of, config_path, kind, region, show_values, jobs=1,
          baseline_path=None, write_baseline=None, show_suppressed=False, skip_unreadable=False, exit_zero=False,
          verbose=False, quiet=False, statistics=False, no_color=False, stdin_filename=None,
          force_exclude=False) -> None:
    """Check case records, policies, letter templates and self-assessments against the Code."""
    from codecheck.config import configs_for
    from codecheck.engine import Engine
    from codecheck.outputs import refuse_overwriting_inputs
    from codecheck.registry import default_registry
    from codecheck.results import Results

    paths = paths or (".",)  # as ruff: no path means the current folder
    stdin = _Stdin.take(paths, stdin_filename)
    results = ahead = None
    import shutil
    import tempfile

    spools = tempfile.mkdtemp(prefix="codecheck-findings-")  # the run's spooled findings, removed whole
    try:
        registry = default_registry()
        formatter = registry.formatters.get(fmt)
        if formatter is None:
            raise UsageError(f"unknown --format {fmt!r}; use one of {', '.join(sorted(registry.formatters))}")
        day = parse_as_of(as_of)
        groups = []
        for config, inputs in configs_for(stdin.discover(paths), config_path):
            inputs = stdin.inputs(inputs)
            if region:
                config = config.replace(region=region)
            rules = registry.select(split_list(select) or config.select, split_list(ignore) + config.ignore, config.severity)
            if not rules:
                raise UsageError("no rules left to run after --select/--ignore")
            engine = Engine(registry, config, rules, day, kind=kind, show_values=show_values, jobs=jobs,
                            progress=progress_reporter(), aliases=stdin.aliases(), force_exclude=force_exclude)
            refuse_overwriting_inputs([("-o", output), ("--write-baseline", write_baseline)],
                                      [*inputs, *config_files(config_path, config)],
                                      walked=lambda child, engine=engine: not engine._excluded(child))
            groups.append((config, engine, inputs))
        refuse_overwriting_inputs([("-o", output)], [baseline_path])
        if verbose:
            for config, engine, inputs in groups:
                click.echo(f"codecheck: configuration {config.source or '(defaults: no codecheck.yaml found)'} "
                           f"for {', '.join(map(str, inputs))}", err=True)
        results = Results(as_of=day, rules=[])
        if getattr(formatter, "ahead", None) and baseline_path is None and write_baseline is None:
            from codecheck.formatters.ahead import Ahead

            ahead = Ahead(formatter.ahead)  # a helper renders the findings while the rules run
        for config, engine, inputs in groups:
            part = engine.run(inputs, spool=spools, spooled=ahead)  # case files' findings on disk until written out
            results.add_rules(part.rules)
            results.absorb(part)
            results.baselined += part.baselined
        if ahead is not None:
            rendered = ahead.finish()
            for spool in results.spools:
                spool.rendered = rendered.get(spool.file)
        if any(engine.progress for _, engine, _ in groups):
            click.echo("\r\033[K", err=True, nl=False)
        stdin.rename(results)
        if verbose:
            for summary in results.files:
                click.echo(printable(f"codecheck: {summary.path}: {summary.kind} ({summary.why})"), err=True)
        config = groups[0][0]
        results.show_suppressed = show_suppressed
        results.view.quiet, results.view.statistics = quiet, statistics
        results.view.colour = (not no_color and not output and not os.environ.get("NO_COLOR")
                               and sys.stdout.isatty())
        results.skip_unreadable = skip_unreadable
        if write_baseline is not None:
            write_baseline_file(write_baseline, results)
        if baseline_path is not None:
            from codecheck.baseline import apply as apply_baseline

            apply_baseline(results, baseline_path)
        threshold = Severity.parse(fail_on) if fail_on else min(Severity.parse(c.fail_on) for c, _, _ in groups)
        write_report(formatter, results, output)
    except CodecheckError as exc:
        fail(str(exc))
    finally:
        stdin.clean()
        if ahead is not None:
            ahead.stop()
        if results is not None:  # the spooled findings are written out (or never will be)
            results.discard_spools()
        shutil.rmtree(spools, ignore_errors=True)
    blocking = results.blocking_problems()
    for problem in results.problems:
        skipped = "" if problem in blocking else "skipped (--skip-unreadable): "
        click.echo(printable(f"codecheck: {skipped}{problem}"), err=True)
    code = results.exit_code(threshold)
    sys.exit(EXIT_OK if exit_zero and code == EXIT_FINDINGS else code)


def write_report(formatter, results, output: Path | None) -> None:
    """The formatted results to `output` (or standard output), as the findings stream when the
    format can (``write``): a million findings are never one string. A file is written whole
    or not at all: to a temporary file in its folder, renamed over it once complete (as
    :func:`codecheck.outputs.write_text_atomic`)."""
    write = getattr(formatter, "write", None)
    if output is None:
        if write is None:
            click.echo(formatter.render(results), nl=False)
            return
        out = _Echo()
        write(results, out)
        out.flush()
        return
    if write is None:
        from codecheck.outputs import write_text_atomic

        try:
            write_text_atomic(output, formatter.render(results))
        except OSError as exc:
            fail(f"cannot write {output}: {exc.strerror or exc}")
        return
    import tempfile

    from codecheck.outputs import _mode_for, _resolved

    path = _resolved(output) if output.is_symlink() else output
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    try:
        with open(fd, "w", encoding="utf-8", newline="") as fh:
            write(results, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temp, _mode_for(path))
        os.replace(temp, path)
    except BaseException as exc:  # a full disk, a crash, Ctrl-C: nothing half-written is left
        try:
            os.unlink(temp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            fail(f"cannot write {output}: {exc.strerror or exc}")
        raise


class _Echo:
    """Standard output for a streaming format: text collected in chunks of about 64 KB, each
    printed with ``click.echo`` as the whole report used to be (the same encoding and colour
    handling), without a call per finding."""

    LIMIT = 1 << 16

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)
        if self.size >= self.LIMIT:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            click.echo("".join(self.parts), nl=False)
            self.parts, self.size = [], 0


class _StdinName(str):
    """--stdin-filename, standing in the inputs for `-` until standard input is saved."""


class _Stdin:
    """`-` among the paths: standard input, saved to a private temporary file named like
    --stdin-filename (so the right reader takes it), reported under that name."""

    def __init__(self, name: str | None = None, temp: Path | None = None):
        self.name, self.temp = name, temp

    @classmethod
    def take(cls, paths, name: str | None) -> _Stdin:
        if not any(str(p) == "-" for p in paths):
            if name:
                raise click.UsageError("--stdin-filename is for `-` (standard input) among the paths")
            return cls()
        if not name:
            raise click.UsageError("`-` reads standard input: give --stdin-filename NAME (e.g. letters/ack.md): its "
                                   "extension says how to read it, and the config's globs match it")
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="codecheck-stdin-"))
        temp = folder / (Path(name).name or "stdin")
        try:
            with open(temp, "wb") as fh:
                while chunk := sys.stdin.buffer.read(1 << 20):
                    fh.write(chunk)
        except OSError as exc:
            cls(name, temp).clean()
            fail(f"cannot read standard input: {exc.strerror or exc}")
        return cls(name, temp)

    def discover(self, paths) -> list:
        return [_StdinName(self.name) if str(p) == "-" else p for p in paths]

    def inputs(self, inputs) -> list:
        return [self.temp if isinstance(p, _StdinName) else p for p in inputs]

    def aliases(self) -> dict[str, str]:
        return {str(self.temp): self.name} if self.temp else {}

    def rename(self, results) -> None:
        """Report standard input under its --stdin-filename, never the temporary file's name."""
        if self.temp:
            results.rename_paths({str(self.temp): self.name})

    def clean(self) -> None:
        if self.temp:
            import shutil

            shutil.rmtree(self.temp.parent, ignore_errors=True)


def write_baseline_file(path: Path, results) -> NoReturn:  # noqa: F821
    """--write-baseline: record the current findings and exit 0 (2 when an input could not be read)."""
    from codecheck.baseline import write

    if results.problems:
        for problem in results.problems:
            click.echo(printable(f"codecheck: {problem}"), err=True)
        fail(f"baseline {path} not written: {len(results.problems)} input(s) could not be read")
    doc = write(path, results.iter_findings())
    n, m = results.total(), len(doc["findings"])
    click.echo(f"codecheck: wrote {path}: {n} finding{'s' if n != 1 else ''} ({m} fingerprint{'s' if m != 1 else ''}); "
               f"`--baseline {path}` now reports only new findings.")
    sys.exit(EXIT_OK)
