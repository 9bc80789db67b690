"""The shipped packs are built from their data without pydantic at start-up (trusted) and
validated by pydantic here: both ways must give the same specs, so the two never drift."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from codecheck import yamlfile
from codecheck.documents.packs import (
    _construct_pack,
    _validate_pack,
    load_pack,
    pack_files,
    rules_directory,
)
from codecheck.documents.ruletypes import MODULES
from codecheck.plain import _plan
from codecheck.errors import ConfigError

from .test_rule_types import rule_yaml, write_pack

SHIPPED = pack_files(rules_directory())


def test_every_rule_type_can_be_built_without_pydantic():
    for module in MODULES.values():
        assert set(_plan(module.Spec)) >= {"name", "type", "message"}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_a_shipped_pack_built_equals_it_validated(path):
    _name, _root, data = yamlfile.load_mapping(path, "kinds and rules")
    built = _construct_pack(data)  # Unbuilt here: a shipped pack the trusted path cannot build
    validated = _validate_pack(data, trusted=False)
    assert list(built.rules) == list(validated.rules)
    for rule_id, spec in built.rules.items():
        assert spec == validated.rules[rule_id], rule_id
        assert repr(spec) == repr(validated.rules[rule_id]), rule_id  # the types too: True is not 1
    assert built == validated
    assert load_pack(path, trusted=True).pack == load_pack(path).pack


def test_the_shipped_types_are_all_used():
    """Each rule type is in a shipped pack, so the comparison above covers each."""
    types = {
        spec.type for path in SHIPPED for spec in load_pack(path, trusted=True).pack.rules.values()
    }
    assert types == set(MODULES)


def test_loading_the_shipped_packs_imports_no_pydantic():
    code = textwrap.dedent("""\
        import sys
        from codecheck.documents.packs import document_rules
        assert len(document_rules()) > 100
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("pydantic", "pydantic_core")))
        """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("extra", [
    "",
    "any_of: ['x']\nanyof: ['y']\n",
    "any_of: []\n",
    "any_of: 'x'\n",
    "any_of: ['{nosuchfragment}']\n",
    "any_of: ['  ']\n",
    "any_of: ['x']\nsatisfied_by: [{kind: nope}]\n",
])
def test_a_trusted_pack_that_does_not_fit_says_what_an_untrusted_one_says(tmp_path, extra):
    """The trusted path builds what it can; anything else is validated, with the same message."""
    path = write_pack(tmp_path, rule_yaml("XT100", "requires", extra))
    messages = []
    for trusted in (True, False):
        with pytest.raises(ConfigError) as info:
            load_pack(path, trusted=trusted)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


TIMESCALE = """\
reads: {step: respond, stages: [1, unknown]}
max_working_days: 10
allow: [{from: [receipt], max_working_days: 15}, {stage: unknown, complex_cases: true, max_working_days: 20}]
"""


def test_from_is_the_field_from_(tmp_path):
    path = write_pack(tmp_path, rule_yaml("XT100", "timescale", TIMESCALE))
    built, validated = (load_pack(path, trusted=t).pack.rules["XT100"] for t in (True, False))
    assert built == validated
    assert [a.from_ for a in built.allow] == [["receipt"], None]
    assert built.allow[1].complex_cases is True
    bad = write_pack(tmp_path / "bad", rule_yaml("XT100", "timescale", TIMESCALE.replace("[receipt]", "[nowhere]")))
    for trusted in (True, False):
        with pytest.raises(ConfigError, match=r"rules\.XT100\.allow\[0\]\.from\[0\]: Input should be 'receipt'"):
            load_pack(bad, trusted=trusted)


@pytest.mark.parametrize("body, expected", [
    ("kinds: [refusal]\nrules:\n  XT100:\n    name: a\n", "rules.XT100.type: field required"),
    (rule_yaml("XT100", "nosuch", ""), "rules.XT100.type: unknown rule type 'nosuch'; use one of requires, "),
    ("kinds: [refusal]\nrules:\n  XT100: hello\n", "rules.XT100: Input should be a valid dictionary"),
    ("kinds: [refusal]\nrules: [a]\n", "rules: Input should be a valid dictionary (line 2)"),
    ("kinds: refusal\nrules: {}\n", "kinds: Input should be a valid list (line 1)"),
    ("kinds: [refusal]\nfoo: 1\nrules: {}\n", "foo: unknown key (line 2)"),
    (rule_yaml("XT100", "forbids", "foo: 1\n"), "rules.XT100.patterns: field required (and 1 more problem) (line 4)"),
    (rule_yaml("XT100", "forbids", "unless: 3\nfoo: 1\n"), "rules.XT100.patterns: field required (and 2 more problems)"),
    (rule_yaml("XT100", "statement", "finds: {kind: extra_stage, foo: 1}\n"), "rules.XT100.finds.foo: unknown key"),
    (rule_yaml("XT100", "timescale", "step: ['x']\nmax_working_days: 10\nfrom: [receipt]\n"),
     "rules.XT100.from: not a key of a timescale rule"),
    (rule_yaml("XT100", "timescale", "reads: {step: respond}\nmax_working_days: 10\nallow: [{fro: [1], max_working_days: 1}]\n"),
     "rules.XT100.allow[0].fro: unknown key"),
])
def test_pack_shape_errors(tmp_path, body, expected):
    path = write_pack(tmp_path, body)
    with pytest.raises(ConfigError) as info:
        load_pack(path)
    assert expected in str(info.value)
