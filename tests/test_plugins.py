"""The plugin contract: every hook has a spec and a docstring, third-party
plugins load through the `codecheck` entry-point group, and clashes are named."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import inspect
import types

import pytest
from click.testing import CliRunner

from codecheck import hookspecs
from codecheck.cli import main
from codecheck.errors import UsageError
from codecheck.registry import build_registry, plugin_manager
from codecheck.rules import Rule

SPECS = [fn for name, fn in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("codecheck_")]


def test_every_hook_implementation_has_a_spec():
    pm = plugin_manager()  # with whatever plugins are installed
    pm.check_pending()
    assert pm.get_plugin("codecheck.builtin") is not None


def test_every_hookspec_is_a_spec_with_a_docstring():
    assert len(SPECS) >= 5
    for fn in SPECS:
        assert hasattr(fn, f"{hookspecs.PROJECT}_spec"), f"{fn.__name__} is not marked @hookspec"
        doc = inspect.getdoc(fn)
        assert doc and len(doc) > 20, f"hookspec {fn.__name__} needs a docstring saying what it is for"


def test_every_spec_is_callable_on_the_plugin_manager():
    pm = plugin_manager(load_entry_points=False)
    assert {fn.__name__ for fn in SPECS} <= set(vars(pm.hook))


def test_a_rule_id_clash_names_both_plugins():
    clashing = types.ModuleType("clashing")
    clashing.codecheck_rules = hookspecs.hookimpl(lambda: [Rule(
        id="CR602", name="my-ack", provision="6.2", summary="x", rationale="x", breach_example="x")])
    pm = plugin_manager(load_entry_points=False)
    pm.register(clashing, name="acme-rules")
    with pytest.raises(UsageError, match="CR602 is registered twice: by codecheck.builtin and by acme-rules"):
        build_registry(pm)


def _promise_installed() -> bool:
    """codecheck_promise importable *and* installed with its entry point (its own
    tests may put the source on sys.path without installing it)."""
    if importlib.util.find_spec("codecheck_promise") is None:
        return False
    return any(ep.value == "codecheck_promise.plugin" for ep in importlib.metadata.entry_points(group=hookspecs.PROJECT))


@pytest.mark.skipif(not _promise_installed(), reason="pip install ./plugins/codecheck-promise to run (CI does)")
def test_the_example_plugin_is_listed_by_codecheck_rules():
    result = CliRunner().invoke(main, ["rules"])
    assert result.exit_code == 0
    line = next(l for l in result.output.splitlines() if l.startswith("PR001"))
    assert "promise-ack-late" in line and "warning" in line
    listing = CliRunner().invoke(main, ["rules", "--format", "json"]).output
    assert '"origin": "promise"' in listing
    assert CliRunner().invoke(main, ["explain", "PR001"]).output.startswith("PR001 promise-ack-late")
