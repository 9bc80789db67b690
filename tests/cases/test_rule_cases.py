"""Every record rule, breached and complied with: one runner over rule_cases.yaml."""

from pathlib import Path

import pytest
import yaml

from codecheck.registry import default_registry
from helpers import run_rows

SPEC = yaml.safe_load((Path(__file__).parent / "rule_cases.yaml").read_text(encoding="utf-8"))
CASES = SPEC["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_rule_case(tmp_path, case):
    row = {**SPEC["base"], **case["row"]}
    results = run_rows(tmp_path, [row], as_of=case.get("as_of", "2025-04-30"))
    assert not results.problems, results.problems
    found = sorted(f.rule for f in results.findings)
    assert found == sorted(case["expect"]), [f.message for f in results.findings]
    if "severity" in case:
        assert {f.severity.label for f in results.findings} == {case["severity"]}
    for f in results.findings:
        assert f.case_id == row["case_id"] and f.row == 2


def test_every_record_rule_has_a_breach_and_a_clean_case():
    breached = {rule for case in CASES for rule in case["expect"]}
    record_rules = {r.id for r in default_registry().rules.values() if "cases" in r.kinds}
    # CD003 (duplicate ids) needs two rows: tests/test_case_records.py covers it.
    assert record_rules - breached == {"CD003"}


def test_a_landlords_own_stage_labels_from_config(tmp_path):
    from codecheck.config import Config

    row = {**SPEC["base"], "stage": "Review"}
    plain = run_rows(tmp_path, [row])
    assert [f.rule for f in plain.findings] == ["CD005"]
    mapped = run_rows(tmp_path, [row], config=Config(stage_labels={"review": 3}))
    assert [f.rule for f in mapped.findings] == ["CR503"]
