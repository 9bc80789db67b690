"""The statement layer as a user meets it: what a policy is read to say, where the finding is,
omissions apart from contradictions, `covered_elsewhere`, and `--format statements`."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from codecheck.cli import main
from codecheck.documents.readers import read_document
from codecheck.documents.statements import statements_of


def write(tmp_path: Path, text: str, name: str = "complaints-policy.txt") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*args], catch_exceptions=False)
    return result.exit_code, result.output


def timescales(path: Path) -> list[tuple]:
    reading = statements_of(read_document(path), "policy")
    return [(s.step, s.stage, s.low, s.high, s.topic) for s in reading.of("timescale")]


def test_a_plain_text_heading_gives_the_stage_to_the_lines_below(tmp_path):
    path = write(tmp_path, """
        How we handle complaints

        Stage one
        We will write to you with our answer within 20 working days.

        Stage two
        We will send our final reply within 20 working days.
    """)
    assert timescales(path) == [("respond", 1, 20, 20, "complaint"), ("respond", 2, 20, 20, "complaint")]
    code, out = run("check", str(path), "--kind", "policy", "--select", "CP603T,CP614T")
    assert code == 1
    assert f"{path}:4: 6.3 error: allows 20 working days for the stage 1 response" in out
    assert "6.14" not in out.split("\n\n")[0]


def test_two_steps_in_one_sentence_and_a_range(tmp_path):
    path = write(tmp_path, """
        Stage 1
        We acknowledge complaints within 5 working days and reply within 10 to 20 working days.
    """)
    assert timescales(path) == [("acknowledge", 1, 5, 5, "complaint"), ("respond", 1, 10, 20, "complaint")]


@pytest.mark.parametrize("sentence", [
    "Any compensation we offer will be paid within 1 month of your acceptance.",
    "We answer enquiries from MPs and councillors within 25 working days.",
    "Freedom of Information requests are answered within 20 working days.",
    "If you are unhappy with our stage 1 reply, you have 30 working days to ask for a review.",
    "Restrictions on contact are reviewed every six months.",
])
def test_a_time_for_something_else_is_never_a_complaint_timescale(tmp_path, sentence):
    path = write(tmp_path, f"Stage 1\n{sentence}\n")
    code, out = run("check", str(path), "--kind", "policy", "--select", "CP602T,CP603T,CP604T,CP611T,CP614T,CP615T")
    assert code == 0, out


def test_contradictions_first_then_omissions_apart_and_never_errors(tmp_path):
    path = write(tmp_path, """
        Stage one
        We will respond within 15 working days of acknowledging your complaint.
    """)
    code, out = run("check", str(path), "--kind", "policy")
    lines = out.splitlines()
    head = lines.index(f"{path}: not found in this document:")
    assert any(line.startswith(f"{path}:2: 6.3 error:") for line in lines[:head])
    omissions = [line for line in lines[head + 1:] if line.startswith(f"{path}: ")]
    assert omissions and all(" error:" not in line for line in omissions)
    assert any(" 8.1 info:" in line for line in omissions) and any(" 6.13 warning:" in line for line in omissions)
    data = json.loads(run("check", str(path), "--kind", "policy", "--format", "json")[1])
    by_rule = {f["rule"]: f for f in data["findings"]}
    assert by_rule["CP603T"]["omission"] is False and by_rule["CP613"]["omission"] is True


def test_covered_elsewhere_moves_an_omission_to_the_suppressed(tmp_path, monkeypatch):
    path = write(tmp_path, "Stage one\nWe will respond within 15 working days of acknowledging your complaint.\n")
    (tmp_path / "codecheck.yaml").write_text(
        'covered_elsewhere:\n  "8": "Governance framework"\n  "6.13": "Stage 2 procedure, section 3"\n'
        '  "6.3": "not allowed for a contradiction"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out = run("check", path.name, "--kind", "policy", "--show-suppressed")
    assert code == 1
    assert "6.3 error: allows 15 working days" in out  # a contradiction is never covered elsewhere
    assert "[CP613] [suppressed: covered elsewhere: Stage 2 procedure, section 3]" in out
    assert not any(" 6.13 warning" in line and "suppressed" not in line for line in out.splitlines())


def test_covered_elsewhere_must_name_a_provision_and_a_document(tmp_path, monkeypatch):
    (tmp_path / "codecheck.yaml").write_text('covered_elsewhere:\n  "governance": "x"\n', encoding="utf-8")
    write(tmp_path, "Stage one\n")
    monkeypatch.chdir(tmp_path)
    code, out = run("check", "complaints-policy.txt", "--kind", "policy")
    assert code == 2


def test_the_statements_view_shows_what_was_read_and_which_rules_used_it(tmp_path):
    path = write(tmp_path, """
        Stage 2: review

        If you ask for a review, you must:
        - tell us which parts of our answer you think we got wrong
        - send it within 20 working days

        We will acknowledge your request within 5 working days.
    """)
    code, out = run("check", str(path), "--kind", "policy", "--format", "statements")
    assert code == 1
    assert f"{path}:4: - tell us which parts of our answer you think we got wrong  [under 'stage 2: review']" in out
    assert "escalation_condition" in out and "-> read by CP612" in out
    assert "finding: 6.12 warning:" in out
    assert "timescale: step=acknowledge, stage=2 (from heading), 5 working days" in out
    assert "-> read by CP611, CP611T" in out
    assert f"{path}: not found in this document:" in out


def test_a_sentence_that_points_back_takes_the_stage_of_the_one_before(tmp_path):
    path = write(tmp_path, """
        If you are still unhappy you can ask for a stage 2 review of your complaint. This will be carried
        out by a senior manager and completed within 30 workings days.
    """)
    assert timescales(path) == [("respond", 2, 30, 30, "complaint")]
    code, out = run("check", str(path), "--kind", "policy", "--select", "CP614T,CP613")
    assert "6.14 error: allows 30 workings days for the stage 2 response" in out
    assert "6.13" not in out  # "a senior manager" in the sentence after the one naming stage 2


def test_sarif_marks_an_omission(tmp_path):
    path = write(tmp_path, "Stage one\nWe will respond within 15 working days of acknowledging your complaint.\n")
    sarif = json.loads(run("check", str(path), "--kind", "policy", "--format", "sarif")[1])
    results = {r["ruleId"]: r for r in sarif["runs"][0]["results"]}
    assert results["CP613"]["properties"]["omission"] is True
    assert "omission" not in results["CP603T"].get("properties", {})
