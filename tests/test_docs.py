"""docs/rules.md is generated from the registry and must be kept up to date;
the guides in docs/ name only commands and options that exist."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from codecheck.registry import build_registry, plugin_manager

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _gen_docs():
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rules_md_is_up_to_date():
    committed = (DOCS / "rules.md").read_text(encoding="utf-8")
    assert committed == _gen_docs().render(), "docs/rules.md is stale: run `python scripts/gen_docs.py`"


def test_every_rule_has_its_anchor_and_a_table_row():
    text = _gen_docs().render()
    for rule in build_registry(plugin_manager(load_entry_points=False)).rules.values():
        assert f"\n## {rule.id}\n" in text, rule.id  # GitHub's anchor for "## CR602" is #cr602
        assert f"| [{rule.id}](#{rule.id.lower()}) |" in text, rule.id


def test_installed_plugins_are_not_documented(monkeypatch):
    # the file must be the same on every machine, whatever is installed
    text = _gen_docs().render()
    assert "\n## PR001\n" not in text


def test_check_mode_reports_a_stale_file(tmp_path, monkeypatch, capsys):
    gen = _gen_docs()
    monkeypatch.setattr(gen, "TARGET", tmp_path / "docs" / "rules.md")
    monkeypatch.setattr(gen, "ROOT", tmp_path)
    assert gen.main(["--check"]) == 1
    assert "stale" in capsys.readouterr().err
    assert gen.main([]) == 0 and gen.main(["--check"]) == 0


GUIDES = ["board-report.md", "pre-commit.md", "ci-gate.md", "auditor.md"]


@pytest.mark.parametrize("guide", GUIDES)
def test_guides_name_real_options_of_check(guide):
    """Every `--option` on a `codecheck check ...` (or `codecheck PATH ...`) command line in a guide exists."""
    from codecheck.cli import check, main

    text = (DOCS / guide).read_text(encoding="utf-8")
    known = {opt for p in check.params for opt in getattr(p, "opts", [])} | {"--help"}
    others = set(main.commands) - {"check"}
    commands = [m.group(1) for m in re.finditer(r"codecheck ([^\n`]*)", text)]
    checks = [c for c in commands if c.split(" ", 1)[0] not in others and not c.startswith("--version")]
    assert checks, f"{guide} shows no codecheck check command"
    used = {opt for c in checks for opt in re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", c)}
    assert used <= known, used - known


def test_guides_exist_and_link_nowhere_missing():
    for guide in GUIDES:
        text = (DOCS / guide).read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text):
            assert (DOCS / target).exists(), f"{guide} links to missing {target}"
