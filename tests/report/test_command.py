"""`codecheck report` on the command line: formats, files, errors, exit codes."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from codecheck.cli import main
from helpers import write_cases

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = str(ROOT / "fixtures/cases.csv")
ARGS = ["--period", "2024-04-01..2025-03-31", "--as-of", "2025-04-30"]


def run(*args):
    return CliRunner().invoke(main, ["report", *args], catch_exceptions=False)


def test_the_done_command_makes_html_markdown_and_json(tmp_path):
    for fmt, start in (("html", "<!DOCTYPE html>"), ("md", "# Complaints performance report"), ("json", "{")):
        out = tmp_path / f"board.{fmt}"
        result = run(FIXTURE, "--homes", "5000", *ARGS, "--format", fmt, "-o", str(out))
        assert result.exit_code == 0, result.output
        assert out.read_text(encoding="utf-8").startswith(start)
    assert json.loads((tmp_path / "board.json").read_text())["homes"] == 5000


def test_format_follows_the_output_suffix_and_defaults_to_html(tmp_path):
    assert run(FIXTURE, *ARGS, "-o", str(tmp_path / "r.md")).exit_code == 0
    assert (tmp_path / "r.md").read_text().startswith("# ")
    result = run(FIXTURE, *ARGS)
    assert result.exit_code == 0 and result.output.startswith("<!DOCTYPE html>")


def test_financial_year_shorthand_and_calendar_quarters():
    doc = json.loads(run(FIXTURE, "--period", "2024/25", "--as-of", "2025-04-30", "--format", "json").output)
    assert doc["period"]["start"] == "2024-04-01"
    doc = json.loads(run(FIXTURE, "--period", "2024-01-01..2024-12-31", "--year-start", "1", "--as-of", "2025-04-30",
                         "--format", "json").output)
    assert [q["label"] for q in doc["quarters"]] == ["Q1 2024", "Q2 2024", "Q3 2024", "Q4 2024"]


@pytest.mark.parametrize("args,words", [
    (["--period", "2024"], "--period"),
    (["--period", "2025-03-31..2024-04-01"], "ends before it starts"),
    (["--period", "2024/25", "--as-of", "30/04/2025"], "--as-of"),
    (["--period", "2024/25", "--homes", "0"], "--homes"),
])
def test_usage_errors_exit_2(args, words):
    result = run(FIXTURE, *args)
    assert result.exit_code == 2 and words in result.output


def test_unreadable_input_writes_no_report(tmp_path):
    bad = tmp_path / "cases.csv"
    bad.write_text("reference,date\nA,01/06/2024\n", encoding="utf-8")
    out = tmp_path / "board.html"
    result = run(str(bad), *ARGS, "-o", str(out))
    assert result.exit_code == 2 and "required column" in result.output and not out.exists()
    result = run(str(tmp_path / "missing.csv"), *ARGS)
    assert result.exit_code == 2 and "no such file" in result.output


def test_no_case_records_is_a_usage_error(tmp_path):
    (tmp_path / "notes.md").write_text("# not cases\n", encoding="utf-8")
    result = run(str(tmp_path), *ARGS)
    assert result.exit_code == 2 and "no case records" in result.output


def test_config_column_mapping_is_used(tmp_path):
    path = write_cases(tmp_path / "export.csv", [
        {"Ref": "A", "Date Received": "03/06/2024", "Acknowledged": "11/06/2024"}])
    config = tmp_path / "codecheck.yaml"
    config.write_text('columns:\n  case_id: "Ref"\n  received_date: "Date Received"\n  stage1_ack_date: "Acknowledged"\n')
    doc = json.loads(run(str(path), *ARGS, "--config", str(config), "--format", "json").output)
    ack = next(f for s in doc["sections"] for f in s["figures"] if f["key"] == "s1_ack")
    assert (ack["cells"][0]["n"], ack["cells"][0]["of"]) == (0, 1)  # day 6: late


def test_complaints_left_out_for_an_unreadable_cell_are_said_not_hidden(tmp_path):
    """An accepted column the report cannot read leaves every complaint out of the timescale
    figures; the report says how many and why, rather than a bare 'n/a (0 of 0)'."""
    rows = [{"case_id": f"C-{i}", "accepted": "Logged", "received_date": "02/09/2024", "stage1_ack_date": "03/09/2024",
             "stage1_response_date": "10/09/2024"} for i in range(4)]
    path = write_cases(tmp_path / "cases.csv", rows)
    text = run(str(path), *ARGS, "--format", "md").output
    assert "4 stage 1 complaints are not in the stage 1 timescale figures" in text
    rows = [{**r, "accepted": "Yes"} for r in rows]
    text = run(str(write_cases(tmp_path / "cases.csv", rows)), *ARGS, "--format", "md").output
    assert "not in the stage 1 timescale figures" not in text
