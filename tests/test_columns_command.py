"""`codecheck columns`: every canonical column with its meaning, type, values read and the rules
that use it; docs/columns.md is its Markdown output and must not drift from it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import codecheck.registry
from codecheck.checks.process import read_stage
from codecheck.cli import main
from codecheck.columns import COLUMNS, DATE, REQUIRED, YES_NO
from codecheck.columns_command import DATE_EXAMPLES, MDY_EXAMPLE, STAGE_EXAMPLES
from codecheck.registry import build_registry, plugin_manager
from codecheck.rules import Rule
from codecheck.values import NO, YES, parse_date, parse_yes_no

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def builtin_only(monkeypatch):
    """codecheck's own rules only, whatever plugins this environment has installed."""
    registry = build_registry(plugin_manager(load_entry_points=False))
    monkeypatch.setattr(codecheck.registry, "default_registry", lambda: registry)
    return registry


def columns(*args: str) -> str:
    result = CliRunner().invoke(main, ["columns", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_docs_columns_md_is_the_commands_markdown_output(builtin_only):
    committed = (ROOT / "docs" / "columns.md").read_text(encoding="utf-8")
    assert committed == columns("--format", "markdown"), (
        "docs/columns.md is stale: run `codecheck columns --format markdown > docs/columns.md`")


def test_text_names_every_column_and_fits_100_columns(builtin_only):
    text = columns()
    heads = [line for line in text.splitlines() if line and not line.startswith(" ")]
    for name in COLUMNS:
        (head,) = [h for h in heads if h.split()[0] == name]
        assert ("required" in head) == (name in REQUIRED), head
        assert COLUMNS[name][0] in head and COLUMNS[name][1] in head  # type and Code provision
    assert max(len(line) for line in text.splitlines()) <= 100


def _block(text: str, name: str) -> str:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split(" ")[0] == name and not line.startswith(" "))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith(" "))
    return "\n".join(lines[start:end])


def test_text_says_what_received_date_holds_and_which_rules_need_it(builtin_only):
    block = _block(columns(), "received_date")
    assert "complaint received" in block
    assert "1 May 2024" in block and "date_order: mdy" in block
    needed = block.split("Needed by:")[1]
    assert "CR602 stage1-ack-late" in " ".join(needed.split())


def test_json_lists_exactly_the_case_rules_that_need_or_read_each_column(builtin_only):
    rows = {row["name"]: row for row in json.loads(columns("--format", "json"))}
    assert list(rows) == list(COLUMNS)
    assert {n for n, r in rows.items() if r["required"]} == set(REQUIRED)
    case_rules = [r for r in builtin_only.rules.values() if "cases" in r.kinds]
    for name, row in rows.items():
        needed = {r["id"] for r in row["needed_by"]}
        read = {r["id"] for r in row["read_by"]}
        assert needed == {r.id for r in case_rules if name in r.columns}, name
        assert read == {r.id for r in case_rules if name in r.reads and name not in r.columns}, name
    # a rule that reads a column it also needs is listed once, as needing it
    assert "CR602" in {r["id"] for r in rows["received_date"]["needed_by"]}
    assert "CR602" in {r["id"] for r in rows["accepted"]["read_by"]}


def test_a_plugins_case_rule_is_listed_and_a_document_rule_is_not(monkeypatch):
    registry = build_registry(plugin_manager(load_entry_points=False))
    common = {"provision": None, "summary": "s", "rationale": "r", "breach_example": "b"}
    registry.rules["XR900"] = Rule(id="XR900", name="remedy-audit", columns=("remedy",), reads=("satisfied",), **common)
    registry.rules["XD900"] = Rule(id="XD900", name="policy-remedy", kinds=("policy",), columns=("category",), **common)
    monkeypatch.setattr(codecheck.registry, "default_registry", lambda: registry)
    rows = {row["name"]: row for row in json.loads(columns("--format", "json"))}
    builtin = [r for r in build_registry(plugin_manager(load_entry_points=False)).rules.values() if "cases" in r.kinds]
    assert [r["id"] for r in rows["remedy"]["needed_by"]] == sorted(
        [r.id for r in builtin if "remedy" in r.columns] + ["XR900"])
    assert "XR900" in [r["id"] for r in rows["satisfied"]["read_by"]]
    assert "XD900" not in json.dumps(rows)


def test_the_date_forms_shown_are_read_as_shown():
    may_day = dt.date(2024, 5, 1)
    for text in DATE_EXAMPLES:
        assert parse_date(text) == may_day, text
    assert parse_date(MDY_EXAMPLE) == dt.date(2024, 1, 5)
    assert parse_date(MDY_EXAMPLE, month_first=True) == may_day


def test_the_stage_labels_shown_are_read_as_shown(builtin_only):
    for label, number in STAGE_EXAMPLES:
        assert read_stage(label) == number, label
    block = " ".join(_block(columns(), "stage").split())
    assert '"Stage II"' in block and "stage_labels:" in block


def test_yes_no_values_shown_are_every_word_read(builtin_only):
    rows = {row["name"]: row for row in json.loads(columns("--format", "json"))}
    for name, (kind, _, _) in COLUMNS.items():
        if kind != YES_NO:
            continue
        yes_part, no_part = rows[name]["accepted"].split(";")[:2]
        shown_yes = {w.strip(' "') for w in yes_part.removeprefix("yes:").split(",")}
        shown_no = {w.strip(' "') for w in no_part.strip().removeprefix("no:").split("(")[0].split(",")}
        assert shown_yes == set(YES) and shown_no == set(NO), name
        assert all(parse_yes_no(w) is True for w in shown_yes) and all(parse_yes_no(w) is False for w in shown_no)
    assert rows["accepted"]["accepted"].endswith("blank = yes")
    assert all("a date:" in rows[n]["accepted"] for n, (k, _, _) in COLUMNS.items() if k == DATE)


def test_markdown_links_rules_to_rules_md_anchors(builtin_only):
    text = columns("--format", "markdown")
    rules_md = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert "[CR602](rules.md#cr602)" in text
    for name in COLUMNS:
        assert f"\n## {name}\n" in text
    assert "\n## CR602\n" in rules_md  # the anchor linked to exists


def test_unknown_format_is_a_usage_error():
    result = CliRunner().invoke(main, ["columns", "--format", "html"])
    assert result.exit_code == 2
