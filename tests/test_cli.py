"""The command line as a complaints officer, a CI job and an auditor use it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codecheck.cli import main
from helpers import write_cases

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = str(ROOT / "fixtures/cases.csv")
CLEAN = str(ROOT / "fixtures/cases-clean.csv")
AS_OF = ["--as-of", "2025-04-30"]


def run(*args, cwd=None):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_short_form_and_check_are_the_same():
    a, b = run(FIXTURE, *AS_OF), run("check", FIXTURE, *AS_OF)
    assert a.exit_code == b.exit_code == 1
    assert a.output == b.output


def test_text_lines_name_file_row_case_provision_and_rule():
    out = run(FIXTURE, *AS_OF).output
    line = next(l for l in out.splitlines() if "CMP-2024-0225" in l)
    assert line == (
        f"{FIXTURE}:227: CMP-2024-0225: 6.2 error: acknowledged 02/01/2025, 6 working days after receipt "
        "on 20/12/2024; the Code allows 5 (deadline 31/12/2024) [CR602]"
    )
    assert "By provision:" in out and "judged as of 30/04/2025" in out


def test_clean_records_exit_0():
    result = run(CLEAN, *AS_OF)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("\n0 findings")


def test_json_shape():
    doc = json.loads(run(FIXTURE, *AS_OF, "--format", "json").output)
    f = next(f for f in doc["findings"] if f["case_id"] == "CMP-2024-0225")
    assert {k: f[k] for k in ("rule", "provision", "severity", "row")} == {
        "rule": "CR602", "provision": "6.2", "severity": "error", "row": 227}
    assert f["path"] == FIXTURE and "6 working days" in f["message"]
    data = next(f for f in doc["findings"] if f["rule"] == "CD001")
    assert data["provision"] is None
    assert doc["summary"]["findings"] == len(doc["findings"])
    assert {"6.13", None} <= {p["provision"] for p in doc["summary"]["by_provision"]}


@pytest.mark.parametrize(
    "selector, rules",
    [
        (["--select", "6"], lambda r: r.startswith("CR6")),
        (["--select", "6.2"], lambda r: r == "CR602"),
        (["--select", "stage1-ack-late,CR703"], lambda r: r in ("CR602", "CR703", "CR703B")),  # CR703 is an id prefix of CR703B
        (["--select", "CR6", "--ignore", "6.3"], lambda r: r.startswith("CR6") and r != "CR603"),
        (["--ignore", "CD"], lambda r: not r.startswith("CD")),
    ],
)
def test_select_and_ignore(selector, rules):
    doc = json.loads(run(FIXTURE, *AS_OF, "--format", "json", *selector).output)
    found = {f["rule"] for f in doc["findings"]}
    assert found and all(rules(r) for r in found)


def test_fail_on_error_ignores_warnings():
    only_warnings = ["--select", "CR510"]
    assert run(FIXTURE, *AS_OF, *only_warnings).exit_code == 1
    assert run(FIXTURE, *AS_OF, *only_warnings, "--fail-on", "error").exit_code == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (["nope.csv"], "no such file"),
        ([FIXTURE, "--select", "9.99"], "matches no rule"),
        ([FIXTURE, "--as-of", "30/04/2025"], "YYYY-MM-DD"),
        ([FIXTURE, "--format", "yaml"], "unknown --format"),
        ([FIXTURE, "--config", "missing.yaml"], "not found"),
    ],
)
def test_usage_errors_exit_2_with_one_line(args, message):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_config_errors_name_the_key(tmp_path, monkeypatch):
    (tmp_path / "codecheck.yaml").write_text("columns:\n  case_ref: Ref\nfail_on: sometimes\nregoin: scotland\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [FIXTURE])
    assert result.exit_code == 2
    assert "codecheck.yaml" in result.output
    for fragment in ("columns", "case_ref", "fail_on", "regoin: unknown key"):
        assert fragment in result.output


def test_pyproject_config_is_read(tmp_path, monkeypatch):
    path = write_cases(tmp_path / "e.csv", [{"Ref": "C-1", "Received": "20/12/2024", "stage1_ack_date": "02/01/2025"}])
    (tmp_path / "pyproject.toml").write_text('[tool.codecheck]\ncolumns = {case_id = "Ref", received_date = "Received"}\n')
    monkeypatch.chdir(tmp_path)
    result = run(str(path))
    assert result.exit_code == 1 and "C-1: 6.2 error" in result.output


def test_closures_from_config_move_deadlines(tmp_path, monkeypatch):
    path = write_cases(tmp_path / "c.csv", [{"case_id": "C-1", "received_date": "20/12/2024", "stage1_ack_date": "03/01/2025"}])
    assert run(str(path)).exit_code == 1
    (tmp_path / "codecheck.yaml").write_text("closures: [2024-12-27, 2024-12-30, 2024-12-31]\n")
    monkeypatch.chdir(tmp_path)
    assert run(str(path)).exit_code == 0


def test_residents_and_staff_names_are_not_shown_by_default(tmp_path):
    rows = [{"case_id": "C-1", "received_date": "03/06/2024", "stage1_handler": "Jo Patel", "stage2_handler": "jo patel",
             "escalation_requested_date": "01/07/2024",
             "reasonable_adjustments": "Braille letters for Mrs Ada Smith", "adjustments_review_date": "Mrs Ada Smith"}]
    path = str(write_cases(tmp_path / "c.csv", rows))
    for fmt in ("text", "json"):
        out = run(path, "--format", fmt).output
        assert "Patel" not in out and "Smith" not in out and "Braille" not in out
        assert "CR613" in out and "CD001" in out
    assert "Patel" in run(path, "--show-values").output


def test_output_file(tmp_path):
    target = tmp_path / "report.json"
    result = run(FIXTURE, *AS_OF, "--format", "json", "-o", str(target))
    assert result.exit_code == 1 and result.output == ""
    assert json.loads(target.read_text())["findings"]


def test_rules_and_explain():
    listing = run("rules").output
    assert "CR602" in listing and "6.13" in listing and "same-handler-both-stages" in listing
    text = run("explain", "6.2").output
    assert "within five working days" in text and "20/12/2024" in text
    assert run("explain", "same-handler-both-stages").output.startswith("CR613")
    assert run("explain", "ZZ999").exit_code == 2


def test_console_script_runs_as_installed():
    proc = subprocess.run([sys.executable, "-m", "codecheck", CLEAN, *AS_OF], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=2000))
def test_any_bytes_give_findings_or_a_clear_error_never_a_traceback(tmp_path, content):
    path = tmp_path / "junk.csv"
    path.write_bytes(content)
    result = CliRunner().invoke(main, [str(path)])
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    if result.exit_code == 2:
        assert str(path) in result.output


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.lists(st.text(max_size=12), min_size=1, max_size=5), max_size=8))
def test_junk_cells_under_a_good_header(tmp_path, cells):
    path = tmp_path / "cases.csv"
    lines = ["case_id,received_date,stage1_ack_date,accepted"] + [",".join(c.replace('"', "") for c in row) for row in cells]
    path.write_text("\n".join(lines), encoding="utf-8")
    result = CliRunner().invoke(main, [str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1, 2)


def test_documents_of_unknown_kind_in_a_folder_are_listed_not_silently_skipped(tmp_path):
    (tmp_path / "notes.md").write_text("# Notes\nNothing to see.\n")
    (tmp_path / "script.py").write_text("print(1)\n")
    out = run(str(tmp_path)).output
    assert "Not checked: 1 document(s) whose kind the name does not tell" in out and "notes.md" in out
    assert "Skipped 1 file(s) of a type codecheck does not read" in out
    named = CliRunner().invoke(main, [str(tmp_path / "notes.md")])
    assert named.exit_code == 2 and "--kind" in named.output


def test_a_folder_walk_leaves_out_tool_folders_but_a_named_one_is_checked(tmp_path):
    """A repository of letters with a virtual environment or a Python cache in it: the packages'
    READMEs are not landlords' letters, and a cache is not a file of the landlord's."""
    (tmp_path / "letters").mkdir()
    (tmp_path / "letters" / "stage1-ack.md").write_text("# Acknowledgement\n\nWe have logged your stage 1 complaint.\n")
    for tool in ("venv/lib/site-packages/somepkg", "__pycache__", "node_modules/pkg"):
        (tmp_path / tool).mkdir(parents=True)
        (tmp_path / tool / "README.md").write_text("# Informal stage\n\nUse stage 0 first.\n")
    (tmp_path / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    out = run(str(tmp_path), "--as-of", "2025-04-30", "--format", "json").output
    paths = {f["path"] for f in json.loads(out)["findings"]}
    assert paths and all("letters" in p for p in paths), paths
    named = run(str(tmp_path / "venv" / "lib" / "site-packages" / "somepkg"), "--kind", "stage1_ack").output
    assert "README.md" in named  # named on the command line: checked
