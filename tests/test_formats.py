"""The CI formats: SARIF 2.1.0, JUnit XML, GitHub workflow commands and CSV.

The SARIF test validates against the official SARIF 2.1.0 JSON schema
(``tests/data/sarif-schema-2.1.0.json``, draft-07, ``$id``
https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json).
No PyPI package ships the schema file (sarif-om, sarif-tools, pydantic-sarif and
sarif-pydantic were checked); the copy here is the schema object that the npm
package ``@datadog/datadog-ci-plugin-sarif`` 5.25.0 (Apache-2.0) embeds in
``dist/bundle.js`` to validate uploads, serialised unchanged as JSON.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from codecheck.cli import main
from codecheck.findings import Finding, Severity
from codecheck.formatters.csv import CsvFormatter
from codecheck.formatters.github import GithubFormatter, escape_data, escape_property
from codecheck.formatters.json import FINDING_KEYS
from codecheck.formatters.sarif import CODE_URL, FINGERPRINT_KEY, SarifFormatter
from codecheck.registry import default_registry
from codecheck.results import InputProblem, Results
from docplugin import letter, run_cli
from helpers import write_cases

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures/cases.csv"
AS_OF = ["--as-of", "2025-04-30"]
SCHEMA = json.loads((ROOT / "tests/data/sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def validate_sarif(doc: dict) -> None:
    validator = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message[:200]}" for e in errors[:10])


@pytest.fixture
def cases(tmp_path, monkeypatch):
    """The fixture copied into a working directory, which is the cwd."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(FIXTURE, tmp_path / "cases.csv")
    return Path("cases.csv")


def build_pdf(path: Path) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    pdf.add_page()
    pdf.cell(text="Dear resident, thank you for your complaint.", new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    pdf.cell(text="We have looked into it.", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(text="This is our final decision.", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def build_docx(path: Path, paragraphs: list[str]) -> Path:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path


# -- SARIF ---------------------------------------------------------------------------


def test_the_schema_is_the_official_one():
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    assert SCHEMA["$id"].endswith("/sarif-schema-2.1.0.json")
    assert SCHEMA["properties"]["version"]["enum"] == ["2.1.0"]
    assert len(SCHEMA["definitions"]) == 52


def test_sarif_for_case_records_validates_and_points_at_rows(cases):
    result = run(cases, *AS_OF, "--format", "sarif")
    assert result.exit_code == 1
    doc = json.loads(result.output)
    validate_sarif(doc)
    sarif_run = doc["runs"][0]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "codecheck" and driver["version"]
    assert "informationUri" not in driver  # no placeholder address: codecheck has no published home page
    rules = driver["rules"]
    assert [r["id"] for r in rules] == sorted(r["id"] for r in rules)
    cr602 = next(r for r in rules if r["id"] == "CR602")
    assert cr602["name"] == "stage1-ack-late"
    assert cr602["shortDescription"]["text"] == default_registry().rule("CR602").summary
    assert "acknowledge" in cr602["fullDescription"]["text"].lower()  # the Code's words
    assert "A breach:" in cr602["help"]["text"] and CODE_URL in cr602["help"]["text"]
    assert "helpUri" not in cr602  # no per-rule page exists; a placeholder would send people nowhere
    assert cr602["properties"]["provision"] == "6.2" and "section-6" in cr602["properties"]["tags"]

    results = sarif_run["results"]
    hit = next(r for r in results if r["ruleId"] == "CR602" and "CMP-2024-0225" in r["message"]["text"])
    assert hit["level"] == "error"
    assert rules[hit["ruleIndex"]]["id"] == "CR602"
    physical = hit["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "cases.csv", "uriBaseId": "%SRCROOT%"}
    assert physical["region"] == {"startLine": 227}
    assert hit["partialFingerprints"][FINGERPRINT_KEY].endswith(":1")
    assert {r["level"] for r in results} <= {"error", "warning", "note"}
    assert len({json.dumps(r["partialFingerprints"]) for r in results}) == len(results)
    assert "invocations" in sarif_run and sarif_run["invocations"][0]["executionSuccessful"] is True


def test_sarif_fingerprints_survive_reordered_rows(cases):
    before = json.loads(run(cases, *AS_OF, "--format", "sarif").output)
    with open(cases, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    with open(cases, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows([rows[0], *reversed(rows[1:])])
    after = json.loads(run(cases, *AS_OF, "--format", "sarif").output)

    def prints(doc):
        return sorted((r["ruleId"], r["partialFingerprints"][FINGERPRINT_KEY]) for r in doc["runs"][0]["results"])

    assert prints(before) == prints(after)
    lines_before = {r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in before["runs"][0]["results"]}
    lines_after = {r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after["runs"][0]["results"]}
    assert lines_before != lines_after


def test_sarif_input_problems_and_not_evaluated_rules_are_notifications(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    thin = write_cases(tmp_path / "thin.csv", [{"case_id": "C-1", "received_date": "2025-01-06",
                                                  "stage1_ack_date": "2025-01-20"}])
    result = run(thin, tmp_path / "missing.csv", *AS_OF, "--format", "sarif")
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    validate_sarif(doc)
    invocation = doc["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    [note] = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and "no such file" in note["message"]["text"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "missing.csv"
    configured = invocation["toolConfigurationNotifications"]
    assert configured and all("not evaluated" in n["message"]["text"] for n in configured)
    assert any(r["ruleId"] == "CR602" for r in doc["runs"][0]["results"])


def test_sarif_for_documents_gives_line_page_and_paragraph(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    letter(tmp_path / "stage1-response.md", "# Your complaint", "", "Dear resident,", "", "This is our final decision.")
    build_pdf(tmp_path / "stage1-response.pdf")
    build_docx(tmp_path / "stage1-response.docx", ["Dear resident,", "Thank you.", "This is our final decision."])
    result = run_cli(monkeypatch, "stage1-response.md", "stage1-response.pdf", "stage1-response.docx",
                     "--select", "TX", *AS_OF, "--format", "sarif")
    assert result.exit_code == 1, result.output
    doc = json.loads(result.output)
    validate_sarif(doc)
    by_file = {}
    for r in doc["runs"][0]["results"]:
        if r["ruleId"] == "TX901":
            by_file[r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]] = r
    assert by_file["stage1-response.md"]["locations"][0]["physicalLocation"]["region"] == {"startLine": 5}
    pdf = by_file["stage1-response.pdf"]
    assert pdf["locations"][0]["physicalLocation"]["region"] == {"startLine": 2}
    assert pdf["locations"][0]["properties"] == {"page": 2} and pdf["properties"]["page"] == 2
    assert by_file["stage1-response.docx"]["locations"][0]["physicalLocation"]["region"] == {"startLine": 3}
    whole = [r for r in doc["runs"][0]["results"] if r["ruleId"] == "TX902"]
    # a finding about the whole document points at its first line, and says so
    assert len(whole) == 3 and all(r["locations"][0]["physicalLocation"]["region"] == {"startLine": 1} for r in whole)
    assert all("about the whole document" in r["message"]["text"] for r in whole)
    assert all(r["level"] == "warning" for r in whole)


def test_sarif_uris_are_encoded_and_outside_paths_absolute(tmp_path, monkeypatch):
    inside = tmp_path / "work"
    inside.mkdir()
    monkeypatch.chdir(inside)
    letter(inside / "stage 1 response #2.md", "This is our final decision.")
    outside = letter(tmp_path / "stage1-response.md", "This is our final decision.")
    doc = json.loads(run_cli(monkeypatch, "stage 1 response #2.md", outside, "--select", "TX901", *AS_OF,
                             "--format", "sarif").output)
    validate_sarif(doc)
    uris = {json.dumps(r["locations"][0]["physicalLocation"]["artifactLocation"]) for r in doc["runs"][0]["results"]}
    assert json.dumps({"uri": "stage%201%20response%20%232.md", "uriBaseId": "%SRCROOT%"}) in uris
    assert json.dumps({"uri": outside.as_uri()}) in uris


# -- JUnit ---------------------------------------------------------------------------


def test_junit_parses_with_a_testcase_per_rule_per_file(cases, tmp_path):
    (tmp_path / "broken.csv").write_bytes(b"")
    result = run(cases, "broken.csv", *AS_OF, "--format", "junit")
    assert result.exit_code == 2
    root = ET.fromstring(result.stdout.encode("utf-8"))
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == {"cases.csv", "broken.csv"}
    suite = suites["cases.csv"]
    case_rules = [r for r in default_registry().rules.values() if "cases" in r.kinds]
    testcases = suite.findall("testcase")
    assert len(testcases) == len(case_rules) == int(suite.get("tests"))
    failing = {tc.get("name").split()[0]: tc.find("failure") for tc in testcases if tc.find("failure") is not None}
    doc = json.loads(run(cases, *AS_OF, "--format", "json").output)
    assert set(failing) == {f["rule"] for f in doc["findings"]}
    assert int(suite.get("failures")) == len(failing)
    cr602 = failing["CR602"]
    assert "CMP-2024-0225" in cr602.text and cr602.get("type") == "error"
    assert cr602.get("message").startswith(f"{sum(f['rule'] == 'CR602' for f in doc['findings'])} findings")
    [read] = suites["broken.csv"].findall("testcase")
    assert read.find("error") is not None and "empty" in read.find("error").get("message")
    assert root.get("errors") == "1" and int(root.get("failures")) == len(failing)


def test_junit_skips_rules_not_evaluated_and_survives_control_characters(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    thin = write_cases(tmp_path / "thin.csv", [{"case_id": "C-\x01\x02", "received_date": "2025-01-06",
                                                  "stage1_ack_date": "2025-01-20"}])
    result = run(thin, *AS_OF, "--format", "junit")
    root = ET.fromstring(result.output.encode("utf-8"))
    skipped = [tc for tc in root.iter("testcase") if tc.find("skipped") is not None]
    assert skipped and all("not evaluated" in tc.find("skipped").get("message") for tc in skipped)
    assert any(tc.find("failure") is not None for tc in root.iter("testcase"))


# -- GitHub --------------------------------------------------------------------------


def test_github_escaping_follows_the_toolkit():
    assert escape_data("100% sure\r\nnext: a, b") == "100%25 sure%0D%0Anext: a, b"
    assert escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"


def test_github_lines(cases):
    result = run(cases, *AS_OF, "--format", "github")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert (
        "::error file=cases.csv,line=227,title=CR602 (6.2)::CMP-2024-0225: acknowledged 02/01/2025, 6 working days "
        "after receipt on 20/12/2024; the Code allows 5 (deadline 31/12/2024)"
    ) in lines
    assert any(line.startswith("::warning file=cases.csv,line=") for line in lines)
    assert lines[-1].startswith("codecheck: 54 findings")
    assert all(line.startswith("::") for line in lines[:-1])


def test_github_escapes_paths_titles_and_messages(tmp_path):
    results = Results(as_of=dt.date(2025, 4, 30), rules=[])
    results.findings.append(Finding(rule="CR602", provision="6.2", severity=Severity.INFO, path="a,b:c.csv",
                                    row=3, case_id="C-1", message="50% late\nsee: notes, row"))
    results.problems.append(InputProblem("x:y.csv", "cannot be read: bad,\nbytes"))
    out = GithubFormatter().render(results).splitlines()
    assert out[0] == "::error file=x%3Ay.csv,title=codecheck%3A input cannot be read::cannot be read: bad,%0Abytes"
    assert out[1] == "::notice file=a%2Cb%3Ac.csv,line=3,title=CR602 (6.2)::C-1: 50%25 late%0Asee: notes, row"


def test_github_documents_give_lines_for_text_and_locations_for_pdf(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    letter(tmp_path / "stage1-response.md", "Dear resident,", "", "This is our final decision.")
    build_pdf(tmp_path / "stage1-response.pdf")
    out = run_cli(monkeypatch, "stage1-response.md", "stage1-response.pdf", "--select", "TX901", *AS_OF,
                  "--format", "github").output.splitlines()
    assert "::error file=stage1-response.md,line=3,title=TX901 (6.9)::says 'final decision' at stage 1" in out
    assert "::error file=stage1-response.pdf,title=TX901 (6.9)::says 'final decision' at stage 1 (page 2, line 2)" in out


# -- CSV -----------------------------------------------------------------------------


def test_csv_round_trips_to_the_json_findings(cases):
    text = run(cases, *AS_OF, "--format", "csv").output
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    findings = json.loads(run(cases, *AS_OF, "--format", "json").output)["findings"]
    assert list(rows[0]) == list(FINDING_KEYS)
    assert len(rows) == len(findings) == 54

    def as_cells(f):
        return {k: "" if v is None else str(v) for k, v in f.items()}

    assert rows == [as_cells(f) for f in findings]


def test_csv_is_safe_against_formula_injection(tmp_path):
    results = Results(as_of=dt.date(2025, 4, 30), rules=[])
    for i, text in enumerate(["=HYPERLINK(\"http://x\")", "+44 20 7946 0000", "-2 days", "@SUM(A1)", "\tx", "plain"]):
        results.findings.append(Finding(rule="CR602", provision="6.2", severity=Severity.ERROR, path="c.csv", row=i + 2,
                                        case_id=text, message=text))
    rows = list(csv.DictReader(io.StringIO(CsvFormatter().render(results).lstrip("\ufeff"), newline="")))
    assert [r["message"] for r in rows] == [
        "'=HYPERLINK(\"http://x\")", "'+44 20 7946 0000", "'-2 days", "'@SUM(A1)", "'\tx", "plain"]
    assert [r["case_id"] for r in rows] == [r["message"] for r in rows]
    assert rows[0]["row"] == "2"


def test_every_format_is_listed_and_writes_to_a_file(cases, tmp_path):
    assert {"text", "json", "sarif", "junit", "github", "csv"} <= set(default_registry().formatters)
    for fmt in ("sarif", "junit", "github", "csv"):
        out = tmp_path / f"report.{fmt}"
        result = run(cases, *AS_OF, "--format", fmt, "-o", out)
        assert result.exit_code == 1 and result.output == ""
        assert out.read_text(encoding="utf-8").strip()
    assert SarifFormatter().name == "sarif"
