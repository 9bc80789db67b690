"""One typed registry of rules, readers and formats, filled through the hooks.

Built-ins are registered like any plugin; third-party packages are found
through the ``codecheck`` entry-point group.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

import pluggy

from codecheck import hookspecs
from codecheck.errors import UsageError
from codecheck.findings import Severity
from codecheck.rules import Rule


@dataclass
class Registry:
    """The rules, readers and output formats of every plugin. Readers and formats are asked of
    the plugins when first wanted: `codecheck rules` imports no reader and no formatter."""

    plugins: pluggy.PluginManager
    rules: dict[str, Rule] = field(default_factory=dict)
    _readers: list | None = field(default=None, repr=False)
    _formatters: dict | None = field(default=None, repr=False)

    @property
    def readers(self) -> list:
        if self._readers is None:
            self._readers = [reader for readers in self.plugins.hook.codecheck_readers() for reader in readers or []]
        return self._readers

    @property
    def formatters(self) -> dict:
        if self._formatters is None:
            self._formatters = {fmt.name: fmt for formatters in self.plugins.hook.codecheck_formatters()
                                for fmt in formatters or []}
        return self._formatters

    def rule(self, key: str) -> Rule:
        """A rule by id or name (case-insensitive)."""
        want = key.strip().lower()
        for rule in self.rules.values():
            if rule.id.lower() == want or rule.name.lower() == want:
                return rule
        raise KeyError(key)

    def for_provision(self, provision: str) -> list[Rule]:
        return [r for r in self.rules.values() if r.provision and r.matches(provision)]

    def select(
        self,
        select: Iterable[str] = (),
        ignore: Iterable[str] = (),
        severity: dict[str, str] | None = None,
    ) -> list[Rule]:
        """The rules to run: all (or those `select` names), less those `ignore` names.

        A selector is a rule id or id prefix (``CR6``), a rule name, or a Code
        provision prefix (``6`` is all of section 6, ``6.9`` is 6.9 and its items).
        A selector that matches nothing is a usage error, not a silent no-op.
        Opt-in rules (``default=False``) run only when a selector names them exactly.
        """
        select, ignore = list(select), list(ignore)
        for sel in select + ignore + list(severity or {}):
            if sel.strip().upper() != "ALL" and not any(r.matches(sel) for r in self.rules.values()):
                from codecheck.suggest import did_you_mean

                names = [n for r in self.rules.values() for n in (r.id, r.name)]
                raise UsageError(f"{sel!r} matches no rule{did_you_mean(sel, names)} (see `codecheck rules`)")
        def wanted(r: Rule) -> bool:
            if not r.default:
                return any(r.named_by(s) for s in select)
            return not select or any(r.matches(s) for s in select)

        chosen = [r for r in self.rules.values() if wanted(r) and not any(r.matches(s) for s in ignore)]
        return sorted(with_severity(chosen, severity or {}), key=lambda r: r.id)


def with_severity(rules: Iterable[Rule], overrides: dict[str, str]) -> list[Rule]:
    """The rules with the configuration's severity overrides applied (first matching selector wins)."""
    out = []
    for r in rules:
        level = next((lvl for sel, lvl in overrides.items() if r.matches(sel)), None)
        out.append(r.replace(severity=Severity.parse(level)) if level else r)
    return out


def plugin_manager(load_entry_points: bool = True) -> pluggy.PluginManager:
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    from codecheck import builtin

    pm.register(builtin, name="codecheck.builtin")
    if load_entry_points:
        pm.load_setuptools_entrypoints(hookspecs.PROJECT)
    pm.check_pending()
    return pm


def build_registry(pm: pluggy.PluginManager) -> Registry:
    reg = Registry(plugins=pm)
    owners: dict[str, str] = {}
    for impl in pm.hook.codecheck_rules.get_hookimpls():
        plugin_name = impl.plugin_name
        for rule in impl.function() or []:
            if rule.id in reg.rules:
                raise UsageError(
                    f"rule id {rule.id} is registered twice: by {owners[rule.id]} and by {plugin_name}"
                )
            owners[rule.id] = plugin_name
            if rule.origin == "codecheck" and plugin_name != "codecheck.builtin":
                rule = rule.replace(origin=plugin_name)
            reg.rules[rule.id] = rule
    return reg


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    return build_registry(plugin_manager())
