"""Every document rule against its case file: what it catches and what it lets pass.

As sqlfluff keeps one YAML of pass/fail cases per rule, each document rule has
``tests/documents/cases/<RULE>.yaml``, written in the many ways landlords word the same
thing (our own sentences, in the shapes real published policies and letters use)::

    rule: CP603T
    pass:                       # the rule must give no finding
      - text: |
          Stage 1
          We aim to reply within ten working days of acknowledging your complaint.
        why: a heading names the stage; ten days is the Code's limit
    fail:                       # the rule must give a finding
      - text: We will send our stage one decision within 15 working days.
        line: 1                 # optional: the finding is at this line of `text`
        quote: 15 working days  # optional: the finding's message quotes these words

A case is read as a file is (``format: text`` by default, or ``markdown``), as the
``kind`` of document given (default: the rule's first kind). Only the named rule's
findings are judged. A file must hold at least three passes and two fails.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from codecheck.documents.packs import document_rules
from codecheck.documents.readers import read_document

CASES = Path(__file__).parent / "cases"
RULES = {rule.id: rule for rule in document_rules()}
SUFFIX = {"text": ".txt", "markdown": ".md", "html": ".html"}
MIN_PASS, MIN_FAIL = 3, 2


def _load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and data.get("rule") == path.stem, f"{path.name}: 'rule: {path.stem}' is required"
    return data


def _cases() -> list:
    params = []
    for path in sorted(CASES.glob("*.yaml")):
        data = _load(path)
        for expect in ("pass", "fail"):
            for n, case in enumerate(data.get(expect) or [], 1):
                params.append(pytest.param(data["rule"], expect, case, id=f"{data['rule']}-{expect}-{n}"))
    return params


def findings_of(rule_id: str, case: dict, tmp_path: Path) -> list[tuple[int | None, str]]:
    rule = RULES[rule_id]
    path = tmp_path / ("case" + SUFFIX[case.get("format", "text")])
    path.write_text(case["text"], encoding="utf-8")
    document = read_document(path)
    found: list[tuple[int | None, str]] = []
    ctx = SimpleNamespace(kind=case.get("kind", rule.kinds[0]))  # as the engine gives it: the document's kind
    rule.check(document, ctx, lambda block, message, severity=None: found.append((getattr(block, "line", None), message)))
    return found


@pytest.mark.parametrize("rule_id, expect, case", _cases())
def test_rule_case(rule_id, expect, case, tmp_path):
    assert rule_id in RULES, f"{rule_id}: no such document rule"
    kind = case.get("kind", RULES[rule_id].kinds[0])
    assert kind in RULES[rule_id].kinds, f"{rule_id} does not read a {kind}"
    found = findings_of(rule_id, case, tmp_path)
    text = case["text"].strip()
    if expect == "pass":
        assert not found, f"{rule_id} should let this pass ({case.get('why', '')}):\n{text}\n-> {found}"
        return
    assert found, f"{rule_id} should catch this ({case.get('why', '')}):\n{text}"
    if "line" in case:
        assert case["line"] in [line for line, _ in found], f"{rule_id}: expected at line {case['line']}, got {found}"
    if "quote" in case:
        assert any(case["quote"].lower() in message.lower() for _, message in found), (
            f"{rule_id}: no finding quotes {case['quote']!r}: {found}")


def test_every_document_rule_has_its_case_file():
    have = {p.stem: _load(p) for p in sorted(CASES.glob("*.yaml"))}
    short = []
    for rule_id, rule in sorted(RULES.items()):
        if rule.kinds == ("self_assessment",):
            continue
        data = have.get(rule_id)
        if data is None:
            short.append(f"{rule_id}: no case file")
            continue
        n_pass, n_fail = len(data.get("pass") or []), len(data.get("fail") or [])
        if n_pass < MIN_PASS or n_fail < MIN_FAIL:
            short.append(f"{rule_id}: {n_pass} passes and {n_fail} fails (at least {MIN_PASS} and {MIN_FAIL})")
    assert not short, "\n".join(short)
