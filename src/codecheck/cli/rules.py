"""`codecheck rules` and `codecheck explain RULE`: what the rules are, in the Code's words."""

from __future__ import annotations

import textwrap

import click

from codecheck.cli.common import fail
from codecheck.errors import CodecheckError


@click.command("rules")
@click.option("--kind", help="Only rules for this input kind (cases, policy, ...).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_rules(kind: str | None, fmt: str) -> None:
    """List the rules: id, name, Code provision, severity, input kinds."""
    import json

    from codecheck.registry import default_registry

    try:
        rules = sorted(default_registry().rules.values(), key=lambda r: r.id)
    except CodecheckError as exc:
        fail(str(exc))
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


@click.command()
@click.argument("rule")
def explain(rule: str) -> None:
    """Explain a rule (by id or name) or every rule for a Code provision (6.2)."""
    from codecheck.registry import default_registry

    try:
        registry = default_registry()
    except CodecheckError as exc:
        fail(str(exc))
    try:
        found = [registry.rule(rule)]
    except KeyError:
        found = registry.for_provision(rule) if rule[:1].isdigit() else []
    if not found:
        from codecheck.suggest import did_you_mean

        names = [n for r in registry.rules.values() for n in (r.id, r.name)]
        fail(f"no rule or provision {rule!r}{did_you_mean(rule, names)} (see `codecheck rules`)")
    click.echo("\n\n".join(render_explanation(r) for r in found))


def render_explanation(rule) -> str:
    wrap = lambda text, indent="  ": textwrap.fill(" ".join(text.split()), 88, initial_indent=indent, subsequent_indent=indent)
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
