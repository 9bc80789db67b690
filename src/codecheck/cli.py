"""The command line: `codecheck check PATH...` (or just `codecheck PATH...`),
`codecheck rules`, `codecheck explain RULE`.

Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage errors or
unreadable input. Errors are one clear line on stderr, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
import textwrap
from pathlib import Path


def _interrupted_while_starting(signum, frame) -> None:  # pragma: no cover - timing dependent
    """Ctrl-C while codecheck's modules load: nothing is written yet, so stop at once, in one line."""
    os.write(2, b"codecheck: interrupted\n")
    os._exit(130)


def _guard_startup(on: bool) -> None:
    try:
        if on and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            signal.signal(signal.SIGINT, _interrupted_while_starting)
        elif not on and signal.getsignal(signal.SIGINT) is _interrupted_while_starting:
            signal.signal(signal.SIGINT, signal.default_int_handler)
    except (ValueError, OSError, AttributeError):  # not the main thread, or no signals here
        pass


_guard_startup(True)  # until the end of this module's imports (see the bottom of the file)

import click  # noqa: E402

from codecheck import __version__  # noqa: E402
from codecheck.errors import CodecheckError, UsageError
from codecheck.findings import Severity
from codecheck.formatters.base import printable

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C


class DefaultToCheck(click.Group):
    """`codecheck PATH` means `codecheck check PATH`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["check", *args]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        # Ctrl-C: one line and exit 130, never a traceback nor click's "Aborted!" with exit 1
        # (which would read as "findings"); outputs are written atomically, so none is partial.
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            _interrupted()


def _interrupted() -> "NoReturn":  # noqa: F821
    if sys.stderr.isatty():
        click.echo("\r\033[K", err=True, nl=False)  # clear a progress line
    click.echo("codecheck: interrupted", err=True)
    sys.exit(EXIT_INTERRUPTED)


def _fail(message: str) -> "NoReturn":  # noqa: F821
    click.echo(f"codecheck: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _split(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for v in values for part in v.split(",") if part.strip()]


def _progress_reporter():
    """Progress on stderr, only for a person watching a terminal: never in CI logs or pipes."""
    if not sys.stderr.isatty():
        return None
    import time

    last = [0.0]

    def show(message: str) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.2:
            last[0] = now
            click.echo(f"\r\033[K{message[-100:]}", err=True, nl=False)

    return show


def config_files(config_path: Path | None, config) -> list[Path]:
    """The configuration file(s) a run reads, so that no output is written over them."""
    files = [config_path] if config_path else []
    source = getattr(config, "source", None)
    if source:
        files.append(Path(source.removesuffix(" [tool.codecheck]")))
    return files


def _as_of(value: str | None) -> dt.date:
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--as-of {value!r} is not a date; write it as YYYY-MM-DD") from None


@click.group(cls=DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="codecheck")
def main() -> None:
    """codecheck: lint complaint records, policies and letters against the
    Housing Ombudsman's Complaint Handling Code (2024).

    \b
    codecheck cases.csv                 check a case-record export
    codecheck rules                     list the rules
    codecheck explain 6.2               the Code's words, rationale, example
    """


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
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
def check(paths, fmt, output, select, ignore, fail_on, as_of, config_path, kind, region, show_values, jobs=1,
          baseline_path=None, write_baseline=None, show_suppressed=False) -> None:
    """Check case records, policies, letter templates and self-assessments against the Code."""
    from codecheck.config import load_config
    from codecheck.engine import Engine
    from codecheck.outputs import refuse_overwriting_inputs
    from codecheck.registry import default_registry

    try:
        config = load_config(config_path)
        if region:
            config = config.model_copy(update={"region": region})
        registry = default_registry()
        formatter = registry.formatters.get(fmt)
        if formatter is None:
            raise UsageError(f"unknown --format {fmt!r}; use one of {', '.join(sorted(registry.formatters))}")
        rules = registry.select(
            _split(select) or config.select, _split(ignore) + config.ignore, config.severity
        )
        if not rules:
            raise UsageError("no rules left to run after --select/--ignore")
        engine = Engine(registry, config, rules, _as_of(as_of), kind=kind, show_values=show_values,
                        jobs=jobs, progress=_progress_reporter())
        refuse_overwriting_inputs([("-o", output), ("--write-baseline", write_baseline)],
                                  [*paths, *config_files(config_path, config)],
                                  walked=lambda child: not engine._excluded(child))
        refuse_overwriting_inputs([("-o", output)], [baseline_path])
        results = engine.run(paths)
        if engine.progress:
            click.echo("\r\033[K", err=True, nl=False)
        results.show_suppressed = show_suppressed
        if write_baseline is not None:
            _write_baseline(write_baseline, results)
        if baseline_path is not None:
            from codecheck.baseline import apply as apply_baseline

            apply_baseline(results, baseline_path)
        threshold = Severity.parse(fail_on or config.fail_on)
        text = formatter.render(results)
    except CodecheckError as exc:
        _fail(str(exc))
    if output:
        from codecheck.outputs import write_text_atomic

        try:
            write_text_atomic(output, text)
        except OSError as exc:
            _fail(f"cannot write {output}: {exc.strerror or exc}")
    else:
        click.echo(text, nl=False)
    for problem in results.problems:
        click.echo(printable(f"codecheck: {problem}"), err=True)
    sys.exit(results.exit_code(threshold))


def _write_baseline(path: Path, results) -> "NoReturn":  # noqa: F821
    """--write-baseline: record the current findings and exit 0 (2 when an input could not be read)."""
    from codecheck.baseline import write

    if results.problems:
        for problem in results.problems:
            click.echo(printable(f"codecheck: {problem}"), err=True)
        _fail(f"baseline {path} not written: {len(results.problems)} input(s) could not be read")
    doc = write(path, results.findings)
    n, m = len(results.findings), len(doc["findings"])
    click.echo(f"codecheck: wrote {path}: {n} finding{'s' if n != 1 else ''} ({m} fingerprint{'s' if m != 1 else ''}); "
               f"`--baseline {path}` now reports only new findings.")
    sys.exit(EXIT_OK)


@main.command("rules")
@click.option("--kind", help="Only rules for this input kind (cases, policy, ...).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_rules(kind: str | None, fmt: str) -> None:
    """List the rules: id, name, Code provision, severity, input kinds."""
    import json

    from codecheck.registry import default_registry

    try:
        rules = sorted(default_registry().rules.values(), key=lambda r: r.id)
    except CodecheckError as exc:
        _fail(str(exc))
    if kind:
        rules = [r for r in rules if kind in r.kinds]
    if fmt == "json":
        rows = [{"id": r.id, "name": r.name, "provision": r.provision, "severity": r.severity.label, "default": r.default,
                 "kinds": list(r.kinds), "summary": r.summary, "origin": r.origin} for r in rules]
        click.echo(json.dumps(rows, indent=2))
        return
    width = max((len(r.name) for r in rules), default=10)
    click.echo(f"{'id':<7} {'provision':<9} {'severity':<8} {'name':<{width}}  {'input':<7} summary")
    for r in rules:
        opt_in = "" if r.default else " (opt-in: select it by id or name)"
        click.echo(f"{r.id:<7} {r.provision or '-':<9} {r.severity.label:<8} {r.name:<{width}}  "
                   f"{','.join(r.kinds):<7} {r.summary}{opt_in}")


@main.command()
@click.argument("rule")
def explain(rule: str) -> None:
    """Explain a rule (by id or name) or every rule for a Code provision (6.2)."""
    from codecheck.registry import default_registry

    try:
        registry = default_registry()
    except CodecheckError as exc:
        _fail(str(exc))
    try:
        found = [registry.rule(rule)]
    except KeyError:
        found = registry.for_provision(rule) if rule[:1].isdigit() else []
    if not found:
        _fail(f"no rule or provision {rule!r} (see `codecheck rules`)")
    click.echo("\n\n".join(render_explanation(r) for r in found))


@main.command()
@click.option("--force", is_flag=True, help="Overwrite an existing codecheck.yaml.")
def init(force: bool) -> None:
    """Write a commented starter codecheck.yaml here, every key at its default."""
    from codecheck.starter import write_starter

    try:
        target = write_starter(Path.cwd(), force=force)
    except FileExistsError as exc:
        _fail(f"{exc} already exists; use --force to overwrite it")
    except OSError as exc:
        _fail(f"cannot write codecheck.yaml: {exc.strerror or exc}")
    click.echo(f"wrote {target.name}: every key with its default; edit what you need")


def render_explanation(rule) -> str:
    wrap = lambda text, indent="  ": textwrap.fill(" ".join(text.split()), 88, initial_indent=indent, subsequent_indent=indent)  # noqa: E731
    parts = [f"{rule.id} {rule.name}" + (f" (Code {rule.provision})" if rule.provision else " (no Code provision: " + ("the records themselves)" if rule.kinds == ("cases",) else "template hygiene)")),
             f"  {rule.summary}. Severity: {rule.severity.label}. Input: {', '.join(rule.kinds)}."]
    words = rule.words()
    if words:
        parts += ["", "The Code says:", wrap(f"\u201c{words}\u201d")]
    parts += ["", "Why:", wrap(rule.rationale), "", "A breach:", wrap(rule.breach_example)]
    if rule.compliant_example:
        parts += ["", "Compliant:", wrap(rule.compliant_example)]
    if rule.columns:
        parts += ["", f"Columns needed: {', '.join(rule.columns)}"]
    return "\n".join(parts)


def run() -> None:  # pragma: no cover - console entry point guard
    try:
        main(standalone_mode=True)
    except CodecheckError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:  # before a command was invoked (main's own guard is DefaultToCheck.invoke)
        _interrupted()


from codecheck.report.command import report as _report_command  # noqa: E402  (codecheck report: issue 5)

main.add_command(_report_command)
_guard_startup(False)  # from here a Ctrl-C is a KeyboardInterrupt, handled by DefaultToCheck.invoke


if __name__ == "__main__":  # pragma: no cover
    main()
