"""Suppressions: `codecheck: disable=` in documents, `suppress:` in the config for
case records. Suppressed findings leave the results and the exit code, are
counted in the summary and listed with --show-suppressed in every format."""

from __future__ import annotations

import csv
import io
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from codecheck.cli import main
from codecheck.documents import read_document
from codecheck.suppressions import directives, parse_directive, prepare
from docplugin import letter, run_cli
from test_formats import validate_sarif

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures/cases.csv"
AS_OF = ["--as-of", "2025-04-30"]
TX = ["--select", "TX", *AS_OF]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def rules_found(result) -> set[str]:
    return {f["rule"] for f in json.loads(result.output)["findings"]}


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- the directive ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, selectors, reason",
    [
        ("codecheck: disable=6.9", ("6.9",), None),
        ("codecheck: disable=CL609G,CT001 -- template wording", ("CL609G", "CT001"), "template wording"),
        ("Policy team: codecheck: disable=6.9(g)--agreed", ("6.9(g)",), "agreed"),
        ("CODECHECK:disable = stage1-ack-late \u2013 Word's dash", ("stage1-ack-late",), "Word's dash"),
        ("codecheck: disable=TX901, TX902", ("TX901", "TX902"), None),
    ],
)
def test_parse_directive(text, selectors, reason):
    directive = parse_directive(text)
    assert (directive.selectors, directive.reason) == (selectors, reason)


def test_no_directive():
    assert parse_directive("disable the alarm") is None
    assert parse_directive("codecheck: disable=") is None


# -- documents -------------------------------------------------------------------------


def test_markdown_comment_suppresses_by_id(here, monkeypatch):
    letter(here / "stage1-response.md", "<!-- codecheck: disable=TX902 -- the leaflet has the Ombudsman's details -->",
           "Dear resident,", "This is our final decision.")
    result = run_cli(monkeypatch, "stage1-response.md", *TX, "--format", "json")
    assert rules_found(result) == {"TX901"}
    assert json.loads(result.output)["summary"]["suppressed"] == 1
    assert "suppressed" not in json.loads(result.output)  # listed only with --show-suppressed


def test_provision_prefix_covers_its_items_and_exit_code_follows(here, monkeypatch):
    letter(here / "stage1-response.md", "<!-- codecheck: disable=6.9 -->", "This is our final decision.")
    result = run_cli(monkeypatch, "stage1-response.md", *TX)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("\n0 findings")
    assert "2 suppressed findings not counted (--show-suppressed lists them)." in result.output


def test_rule_name_and_html_comment(here, monkeypatch):
    (here / "stage1-response.html").write_text(
        "<html><body><!-- codecheck: disable=test-final-decision-at-stage-1 -- quoting the resident -->"
        "<p>You said this was our final decision.</p><p>The Ombudsman can help.</p></body></html>", encoding="utf-8")
    result = run_cli(monkeypatch, "stage1-response.html", *TX, "--format", "json", "--show-suppressed")
    doc = json.loads(result.output)
    assert result.exit_code == 0 and doc["findings"] == []
    [hidden] = doc["suppressed"]
    assert (hidden["rule"], hidden["reason"]) == ("TX901", "quoting the resident")
    assert hidden["suppressed_by"].startswith("comment at line 1")


def test_docx_comment(here, monkeypatch):
    import docx

    document = docx.Document()
    if not hasattr(document, "add_comment"):
        pytest.skip("python-docx < 1.2 cannot write comments")
    document.add_paragraph("Dear resident,")
    paragraph = document.add_paragraph("This is our final decision.")
    document.add_comment(paragraph.runs, text="codecheck: disable=TX901 -- agreed wording", author="Policy team")
    document.save(str(here / "stage1-response.docx"))
    result = run_cli(monkeypatch, "stage1-response.docx", *TX, "--format", "json", "--show-suppressed")
    doc = json.loads(result.output)
    assert rules_found(result) == {"TX902"}
    [hidden] = doc["suppressed"]
    assert (hidden["rule"], hidden["paragraph"], hidden["reason"]) == ("TX901", 2, "agreed wording")


def test_text_file_directive_line_is_not_letter_text(here, monkeypatch):
    path = letter(here / "stage1-response.txt", "codecheck: disable=TX901 -- the Ombudsman agreed this wording",
                  "Dear resident,", "This is our final decision.")
    document = read_document(path)
    prepared = prepare(document)
    assert [b.text for b in prepared.blocks] == ["Dear resident,", "This is our final decision."]
    assert [d.selectors for d in directives(prepared)] == [("TX901",)]
    result = run_cli(monkeypatch, path.name, *TX, "--kind", "stage1_response", "--format", "json")
    # TX901 is suppressed; TX902 still fires: the directive's "Ombudsman" is not letter text.
    assert rules_found(result) == {"TX902"}
    assert result.exit_code == 1


def test_a_directive_for_another_file_does_not_leak(here, monkeypatch):
    letter(here / "stage1-response.md", "<!-- codecheck: disable=TX901 -->", "This is our final decision.")
    letter(here / "s1-response.md", "This is our final decision.")
    result = run_cli(monkeypatch, "stage1-response.md", "s1-response.md", "--select", "TX901", *AS_OF,
                     "--format", "json")
    assert [f["path"] for f in json.loads(result.output)["findings"]] == ["s1-response.md"]


def test_an_unknown_selector_is_noted_and_suppresses_nothing(here, monkeypatch):
    letter(here / "stage1-response.md", "<!-- codecheck: disable=TX9O1 -->", "This is our final decision.")
    result = run_cli(monkeypatch, "stage1-response.md", "--select", "TX901", *AS_OF)
    assert result.exit_code == 1
    assert "note: stage1-response.md: `codecheck: disable=TX9O1` (comment at line 1) matches no rule" in result.output


# -- case records ------------------------------------------------------------------------


def write_config(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def cases(here):
    shutil.copy(FIXTURE, here / "cases.csv")
    return here


def test_config_suppresses_named_cases_only(cases):
    write_config(cases / "codecheck.yaml", """
suppress:
  - rule: CR602
    cases: [CMP-2024-0225]
    reason: "acknowledged by phone on the day; agreed with the Ombudsman"
""")
    write_config(cases / "empty.yaml", "{}\n")
    before = json.loads(run("cases.csv", *AS_OF, "--format", "json", "--config", "empty.yaml").output)["findings"]
    doc = json.loads(run("cases.csv", *AS_OF, "--format", "json", "--show-suppressed").output)
    assert not any(f["case_id"] == "CMP-2024-0225" and f["rule"] == "CR602" for f in doc["findings"])
    assert len(doc["findings"]) == len(before) - 1
    [hidden] = doc["suppressed"]
    assert (hidden["case_id"], hidden["row"], hidden["suppressed_by"]) == ("CMP-2024-0225", 227, "config suppress[0]")
    assert doc["summary"]["suppressed"] == 1


def test_config_suppression_by_provision_and_path_glob(cases):
    write_config(cases / "codecheck.yaml", """
suppress:
  - {rule: "6", cases: [CMP-2024-0225], reason: historic case, path: "other*.csv"}
  - {rule: "6", cases: [CMP-2024-0001], reason: historic case, path: "cases.csv"}
""")
    doc = json.loads(run("cases.csv", *AS_OF, "--format", "json").output)
    ids = {(f["case_id"], f["rule"][:3]) for f in doc["findings"]}
    assert ("CMP-2024-0225", "CR6") in ids and ("CMP-2024-0001", "CR6") not in ids


def test_only_suppressed_findings_exit_0(cases):
    write_config(cases / "codecheck.yaml", """
suppress:
  - {rule: CR602, cases: [CMP-2024-0225], reason: agreed}
""")
    rows = list(csv.reader(open(cases / "cases.csv", encoding="utf-8", newline="")))
    with open(cases / "one.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([rows[0], next(r for r in rows if r[0] == "CMP-2024-0225")])
    assert run("one.csv", *AS_OF, "--select", "CR602").exit_code == 0


@pytest.mark.parametrize(
    "yaml_text, message",
    [
        ("suppress:\n  - {rule: CR602, cases: [C-1]}\n", "suppress.0.reason: Field required"),
        ("suppress:\n  - {rule: CR602, cases: [C-1], reason: '  '}\n", "a suppression needs a reason"),
        ("suppress:\n  - {rule: CR602, cases: [], reason: x}\n", "suppress.0.cases"),
        ("suppress:\n  - {rule: XX999, cases: [C-1], reason: x}\n", "suppress[0]: rule 'XX999' matches no rule"),
    ],
)
def test_bad_suppress_entries_are_errors(cases, yaml_text, message):
    write_config(cases / "codecheck.yaml", yaml_text)
    result = run("cases.csv", *AS_OF)
    assert result.exit_code == 2
    assert message in result.stderr


# -- every format ----------------------------------------------------------------------


@pytest.fixture
def mixed(cases, monkeypatch):
    """A case file with one config suppression and a letter with one comment suppression."""
    write_config(cases / "codecheck.yaml", "suppress:\n  - {rule: CR602, cases: [CMP-2024-0225], reason: 'agreed, by phone'}\n")
    letter(cases / "stage1-response.md", "<!-- codecheck: disable=TX902 -- leaflet enclosed -->",
           "This is our final decision.")

    def go(fmt: str, *extra: str):
        return run_cli(monkeypatch, "cases.csv", "stage1-response.md", "--select", "CR602,TX", *AS_OF,
                       "--format", fmt, *extra)

    return go


def test_text_marks_suppressed(mixed):
    plain = mixed("text").output
    assert "[suppressed:" not in plain and "2 suppressed findings not counted" in plain
    shown = mixed("text", "--show-suppressed").output
    assert ("cases.csv:227: CMP-2024-0225: 6.2 error: acknowledged 02/01/2025, 6 working days after receipt on "
            "20/12/2024; the Code allows 5 (deadline 31/12/2024) [CR602] [suppressed: agreed, by phone]") in shown
    assert "stage1-response.md: 6.9(g) warning: never mentions the ombudsman [TX902] [suppressed: leaflet enclosed]" in shown


def test_json_lists_suppressed(mixed):
    assert "suppressed" not in json.loads(mixed("json").output)
    doc = json.loads(mixed("json", "--show-suppressed").output)
    assert [(s["rule"], s["reason"]) for s in doc["suppressed"]] == [("CR602", "agreed, by phone"), ("TX902", "leaflet enclosed")]
    assert doc["summary"]["suppressed"] == 2


def test_sarif_marks_suppressions(mixed):
    plain = json.loads(mixed("sarif").output)
    assert not any("suppressions" in r for r in plain["runs"][0]["results"])
    assert plain["runs"][0]["properties"]["suppressed"] == 2
    doc = json.loads(mixed("sarif", "--show-suppressed").output)
    validate_sarif(doc)
    marked = {r["ruleId"]: r["suppressions"][0] for r in doc["runs"][0]["results"] if "suppressions" in r}
    assert marked["CR602"] == {"kind": "external", "state": "accepted", "justification": "agreed, by phone",
                               "properties": {"suppressedBy": "config suppress[0]"}}
    assert marked["TX902"]["kind"] == "inSource" and marked["TX902"]["justification"] == "leaflet enclosed"


def test_junit_lists_suppressed(mixed):
    assert "suppressed" not in mixed("junit").output
    root = ET.fromstring(mixed("junit", "--show-suppressed").output.encode("utf-8"))
    cases = {(tc.get("classname"), tc.get("name").split()[0]): tc for tc in root.iter("testcase")}
    tx902 = cases[("stage1-response.md", "TX902")]
    assert tx902.find("skipped").get("message") == "1 suppressed finding: leaflet enclosed"
    assert "[suppressed: leaflet enclosed]" in tx902.find("system-out").text
    cr602 = cases[("cases.csv", "CR602")]
    assert cr602.find("failure") is not None  # other cases still fail
    assert "CMP-2024-0225" in cr602.find("system-out").text and "CMP-2024-0225" not in cr602.find("failure").text


def test_github_notices_suppressed(mixed):
    plain = mixed("github").output.splitlines()
    assert not any("suppressed:" in line for line in plain) and plain[-1].endswith("(2 suppressed).")
    shown = mixed("github", "--show-suppressed").output.splitlines()
    assert "::notice file=stage1-response.md,title=TX902 (6.9(g))::never mentions the ombudsman [suppressed: leaflet enclosed]" in shown


def test_csv_suppressed_column(mixed):
    plain = list(csv.DictReader(io.StringIO(mixed("csv").output.lstrip("\ufeff"), newline="")))
    assert "suppressed" not in plain[0] and not any(r["case_id"] == "CMP-2024-0225" for r in plain)
    rows = list(csv.DictReader(io.StringIO(mixed("csv", "--show-suppressed").output.lstrip("\ufeff"), newline="")))
    hidden = [r for r in rows if r["suppressed"]]
    assert [(r["rule"], r["suppressed"]) for r in hidden] == [("CR602", "agreed, by phone"), ("TX902", "leaflet enclosed")]
    assert len(rows) == len(plain) + 2


def test_suppressed_findings_are_not_baselined(mixed, cases):
    assert mixed("text", "--write-baseline", "baseline.json").exit_code == 0
    entries = json.loads((cases / "baseline.json").read_text())["findings"]
    assert not any(e.get("case_id") == "CMP-2024-0225" and e["rule"] == "CR602" for e in entries)
    assert mixed("text", "--baseline", "baseline.json").exit_code == 0
