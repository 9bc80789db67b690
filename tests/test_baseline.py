"""Baselines: adopt codecheck with the findings already there; only new ones fail."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from codecheck.baseline import fingerprint, relative_path, text_anchor
from codecheck.cli import main
from codecheck.findings import Finding, Severity
from docplugin import letter, run_cli

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures/cases.csv"
AS_OF = ["--as-of", "2025-04-30"]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(FIXTURE, tmp_path / "cases.csv")
    return tmp_path


def read_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(rows)


def findings(result) -> list[dict]:
    return json.loads(result.output)["findings"]


def test_write_baseline_then_rerun_exits_0(work):
    written = run("cases.csv", *AS_OF, "--write-baseline", "baseline.json")
    assert written.exit_code == 0, written.output
    assert "wrote baseline.json: 54 findings" in written.output
    again = run("cases.csv", *AS_OF, "--baseline", "baseline.json")
    assert again.exit_code == 0, again.output
    assert again.output.startswith("\n0 findings")
    assert "54 findings already in the baseline, not shown or counted." in again.output
    doc = json.loads(run("cases.csv", *AS_OF, "--baseline", "baseline.json", "--format", "json").output)
    assert doc["findings"] == [] and doc["summary"]["baselined"] == 54


def test_the_file_is_sorted_readable_and_holds_no_messages(work):
    run("cases.csv", *AS_OF, "--write-baseline", "baseline.json", "--show-values")
    text = (work / "baseline.json").read_text(encoding="utf-8")
    doc = json.loads(text)
    entries = doc["findings"]
    assert doc["format"] == "codecheck-baseline" and doc["version"] == 1
    assert entries == sorted(entries, key=lambda e: (e["path"], e["rule"], e["case_id"] or "", e["fingerprint"]))
    assert {tuple(sorted(e)) for e in entries} == {("case_id", "column", "count", "fingerprint", "path", "provision", "rule")}
    assert {e["path"] for e in entries} == {"cases.csv"}
    assert sum(e["count"] for e in entries) == 54
    messages = json.loads(run("cases.csv", *AS_OF, "--format", "json", "--show-values").output)["findings"]
    assert not any(m["message"] in text for m in messages)
    assert "next week" not in text and "maybe" not in text  # unreadable cell values quoted in messages
    # Writing twice gives the same bytes.
    run("cases.csv", *AS_OF, "--write-baseline", "again.json")
    assert (work / "again.json").read_text(encoding="utf-8") == text


def test_reordered_rows_and_a_new_breaching_case_only_the_new_case_fails(work):
    assert run("cases.csv", *AS_OF, "--write-baseline", "baseline.json").exit_code == 0
    rows = read_rows(work / "cases.csv")
    header, body = rows[0], rows[1:]
    late = next(r for r in body if r[0] == "CMP-2024-0225")  # CR602: acknowledged 6 working days after receipt
    new = list(late)
    new[0] = "CMP-2025-9999"
    write_rows(work / "cases.csv", [header, *reversed(body[150:]), new, *reversed(body[:150])])

    reordered = run("cases.csv", *AS_OF, "--baseline", "baseline.json", "--format", "json")
    assert reordered.exit_code == 1
    found = findings(reordered)
    assert found and {f["case_id"] for f in found} == {"CMP-2025-9999"}
    assert "CR602" in {f["rule"] for f in found}
    assert json.loads(reordered.output)["summary"]["baselined"] == 54

    # Only the new case's findings are new: without the baseline there are that many more.
    everything = findings(run("cases.csv", *AS_OF, "--format", "json"))
    assert len(everything) == 54 + len(found)


def test_a_baseline_entry_absorbs_at_most_its_count(work):
    rows = read_rows(work / "cases.csv")
    header, body = rows[0], rows[1:]
    late = next(r for r in body if r[0] == "CMP-2024-0225")
    write_rows(work / "one.csv", [header, late])
    assert run("one.csv", *AS_OF, "--select", "CR602", "--write-baseline", "baseline.json").exit_code == 0
    write_rows(work / "one.csv", [header, late, late])  # the same case twice: two CR602 findings, one fingerprint
    result = run("one.csv", *AS_OF, "--select", "CR602", "--baseline", "baseline.json", "--format", "json")
    assert result.exit_code == 1
    assert len(findings(result)) == 1 and json.loads(result.output)["summary"]["baselined"] == 1


def test_paths_are_relative_to_the_baseline_folder(tmp_path, monkeypatch):
    project = tmp_path / "project"
    (project / "exports").mkdir(parents=True)
    shutil.copy(FIXTURE, project / "exports" / "cases.csv")
    monkeypatch.chdir(project)
    assert run("exports/cases.csv", *AS_OF, "--write-baseline", "baseline.json").exit_code == 0
    assert {e["path"] for e in json.loads((project / "baseline.json").read_text())["findings"]} == {"exports/cases.csv"}
    # From another working directory, naming the file and the baseline differently: still the same findings.
    monkeypatch.chdir(project / "exports")
    result = run("cases.csv", *AS_OF, "--baseline", "../baseline.json")
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(tmp_path)
    assert run(project / "exports" / "cases.csv", *AS_OF, "--baseline", project / "baseline.json").exit_code == 0


def test_document_findings_survive_text_added_above(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = letter(tmp_path / "stage1-response.md", "Dear resident,", "", "This is our final decision.", "",
                  "Yours sincerely")
    written = run_cli(monkeypatch, path.name, "--select", "TX", *AS_OF, "--write-baseline", "baseline.json")
    assert written.exit_code == 0, written.output
    entries = json.loads((tmp_path / "baseline.json").read_text())["findings"]
    assert {(e["rule"], e.get("line")) for e in entries} == {("TX901", 3), ("TX902", None)}

    letter(path, "# Complaint reference 123", "", "Thank you for your patience.", "", "Dear resident,", "",
           "This is our   FINAL decision.", "", "Yours sincerely")
    moved = run_cli(monkeypatch, path.name, "--select", "TX", *AS_OF, "--baseline", "baseline.json")
    assert moved.exit_code == 0, moved.output
    assert "2 findings already in the baseline" in moved.output

    letter(path, "# Complaint reference 123", "", "This is our final decision on the repair.", "", "Dear resident,",
           "", "This is our final decision.", "", "Yours sincerely")
    new = run_cli(monkeypatch, path.name, "--select", "TX", *AS_OF, "--baseline", "baseline.json", "--format", "json")
    assert new.exit_code == 1
    [only] = findings(new)
    assert (only["rule"], only["line"]) == ("TX901", 3)


def test_docx_findings_survive_paragraphs_added_above(tmp_path, monkeypatch):
    import docx

    monkeypatch.chdir(tmp_path)

    def save(paragraphs):
        document = docx.Document()
        for text in paragraphs:
            document.add_paragraph(text)
        document.save(str(tmp_path / "stage1-response.docx"))

    save(["Dear resident,", "This is our final decision.", "This is our final decision."])
    assert run_cli(monkeypatch, "stage1-response.docx", "--select", "TX", *AS_OF,
                   "--write-baseline", "baseline.json").exit_code == 0
    save(["Our ref 42", "Dear resident,", "This is our final decision.", "More text.", "This is our final decision."])
    assert run_cli(monkeypatch, "stage1-response.docx", "--select", "TX", *AS_OF, "--baseline", "baseline.json").exit_code == 0
    save(["Dear resident,", "This is our final decision."] * 2 + ["This is our final decision."])
    result = run_cli(monkeypatch, "stage1-response.docx", "--select", "TX", *AS_OF, "--baseline", "baseline.json",
                     "--format", "json")
    assert result.exit_code == 1 and len(findings(result)) == 1  # three copies, the baseline had two


def test_bad_baselines_are_usage_errors(work):
    missing = run("cases.csv", *AS_OF, "--baseline", "nope.json")
    assert missing.exit_code == 2 and "--write-baseline" in missing.stderr
    (work / "bad.json").write_text("{not json", encoding="utf-8")
    assert run("cases.csv", *AS_OF, "--baseline", "bad.json").exit_code == 2
    (work / "other.json").write_text('{"findings": []}', encoding="utf-8")
    other = run("cases.csv", *AS_OF, "--baseline", "other.json")
    assert other.exit_code == 2 and "not a codecheck baseline" in other.stderr


def test_no_baseline_is_written_when_an_input_cannot_be_read(work):
    result = run("cases.csv", "missing.csv", *AS_OF, "--write-baseline", "baseline.json")
    assert result.exit_code == 2 and "not written" in result.stderr
    assert not (work / "baseline.json").exists()


def test_fingerprint_ignores_row_and_line_but_not_case_column_or_text():
    base = dict(rule="CR602", provision="6.2", severity=Severity.ERROR, message="m", path="cases.csv")
    a = Finding(**base, row=10, case_id="C-1", column="stage1_ack_date")
    assert fingerprint(a) == fingerprint(a.replace(row=99, message="other"))
    assert fingerprint(a) != fingerprint(a.replace(case_id="C-2"))
    assert fingerprint(a) != fingerprint(a.replace(column="received_date"))
    assert fingerprint(a) != fingerprint(a.replace(rule="CR603"))
    doc = Finding(**{**base, "path": "letter.md"}, line=3, anchor=text_anchor("Our final  decision"))
    assert fingerprint(doc) == fingerprint(doc.replace(line=30, anchor=text_anchor("our FINAL decision")))
    assert fingerprint(doc) != fingerprint(doc.replace(anchor=text_anchor("another sentence")))
    whole = Finding(**{**base, "path": "letter.md"})
    assert fingerprint(whole) != fingerprint(whole.replace(message="n"))
    assert relative_path("./a/../cases.csv") == "cases.csv"
