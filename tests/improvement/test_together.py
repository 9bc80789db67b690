"""An improvement plan checked with the self-assessment it answers, in one run (IP006, IP007)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from codecheck.cli import main

FORM = (
    "| Provision | Requirement | Comply | Evidence |\n|---|---|---|---|\n"
    "| 6.2 | Complaints must be acknowledged, defined and logged at stage 1 within five working days | Yes | Policy 4 |\n"
    "| 6.3 | A full response to stage 1 complaints must be issued within 10 working days | In progress |"
    " New letters by June 2025. |\n"
    "| 6.4 | Where an extension is made, the landlord must tell the resident the reason | No |"
    " Letter to be rewritten by July 2025. |\n"
)
PLAN = (
    "| Provision | Action | Target date | Status |\n|---|---|---|---|\n"
    "| 6.3 | New stage 1 response letters | June 2025 | In progress |\n"
    "| 6.2 | Retrain the contact centre | May 2025 | Not started |\n"
    "| 7.1 | Remedies guidance for staff | August 2025 | Not started |\n"
)


def run(tmp_path: Path, *names: str) -> list[dict]:
    (tmp_path / "self-assessment-2025.md").write_text(FORM, encoding="utf-8")
    (tmp_path / "improvement-plan-2025.md").write_text(PLAN, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", *[str(tmp_path / n) for n in names], "--as-of", "2025-04-30",
                                       "--format", "json"], catch_exceptions=False)
    return json.loads(result.output)["findings"]


def test_each_gap_both_ways(tmp_path):
    findings = run(tmp_path, "self-assessment-2025.md", "improvement-plan-2025.md")
    got = sorted((Path(f["path"]).name, f["rule"], f["message"].split(" ")[0]) for f in findings
                 if f["rule"] in ("IP006", "IP007"))
    assert got == [
        ("improvement-plan-2025.md", "IP007", "6.2:"),   # the form says Yes
        ("improvement-plan-2025.md", "IP007", "7.1:"),   # not on the form
        ("self-assessment-2025.md", "IP006", "6.4"),     # No, and no item
    ]
    by_rule = {f["rule"]: f for f in findings}
    assert by_rule["IP006"]["line"] == 5 and "has no item in the improvement plan" in by_rule["IP006"]["message"]
    assert "answers 6.2 Yes" in next(f["message"] for f in findings if f["rule"] == "IP007")


def test_one_document_alone_is_not_cross_checked(tmp_path):
    assert not [f for f in run(tmp_path, "improvement-plan-2025.md") if f["rule"] in ("IP006", "IP007")]
    assert not [f for f in run(tmp_path, "self-assessment-2025.md") if f["rule"] in ("IP006", "IP007")]


def test_the_same_with_jobs(tmp_path):
    one = run(tmp_path, "self-assessment-2025.md", "improvement-plan-2025.md")
    result = CliRunner().invoke(main, ["check", str(tmp_path / "self-assessment-2025.md"),
                                       str(tmp_path / "improvement-plan-2025.md"), "--as-of", "2025-04-30",
                                       "--format", "json", "--jobs", "2"], catch_exceptions=False)
    assert json.loads(result.output)["findings"] == one


def test_several_of_a_kind_are_not_compared_but_say_so(tmp_path):
    (tmp_path / "self-assessment-2025.md").write_text(FORM, encoding="utf-8")
    (tmp_path / "self-assessment-2024.md").write_text(FORM, encoding="utf-8")
    (tmp_path / "improvement-plan-2025.md").write_text(PLAN, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path), "--as-of", "2025-04-30"], catch_exceptions=False)
    assert "[IP006]" not in result.output and "[IP007]" not in result.output
    assert ("not compared with each other (1 improvement plan, 2 self assessments in this run): check one of each "
            "together to compare them") in result.output
