"""Reading real-world case exports: encodings, delimiters, header mapping, broken rows,
duplicate ids, and the committed fixture's breaches found exactly."""

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from codecheck.config import Config, parse_config
from helpers import rule_hits, run_paths, run_rows, write_cases

ROOT = Path(__file__).resolve().parents[1]
EXPECTED_LABELS = {  # the generator's labels -> the rule ids that report them
    "6.2": "CR602", "6.2-overdue": "CR602", "6.3": "CR603", "6.3-overdue": "CR603", "6.3-ext-late": "CR603",
    "6.4": "CR604", "6.5": "CR605", "6.11": "CR611", "6.13": "CR613", "6.14": "CR614", "6.15": "CR615",
    "6.16": "CR616", "2.1": "CR201", "2.3": "CR203", "2.4": "CR204", "5.2": "CR502", "5.3": "CR503",
    "5.10": "CR510", "5.11": "CR511", "7.3": "CR703", "7.3-no-due": "CR703B", "DATA-unreadable": "CD001", "DATA-order": "CD002",
    "DATA-duplicate": "CD003",
}

LATE_ACK = {"case_id": "C-9", "received_date": "20/12/2024", "stage1_ack_date": "02/01/2025"}


def test_fixture_breaches_are_found_exactly():
    expected: dict[str, set[str]] = defaultdict(set)
    with open(ROOT / "tests/data/cases-expected.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["rule"] in EXPECTED_LABELS:
                expected[row["case_id"]].add(EXPECTED_LABELS[row["rule"]])
    results = run_paths([ROOT / "fixtures/cases.csv"])
    assert not results.problems
    found = rule_hits(results)
    assert found == dict(expected)
    assert results.files[0].rows == 300


def test_a_compliant_landlord_gets_no_findings():
    results = run_paths([ROOT / "fixtures/cases-clean.csv"])
    assert results.findings == []
    assert results.files[0].rows >= 50


def test_every_rule_is_shown_by_the_fixture():
    results = run_paths([ROOT / "fixtures/cases.csv"])
    from codecheck.registry import default_registry

    record_rules = {r.id for r in default_registry().rules.values() if "cases" in r.kinds}
    shown = {f.rule for f in results.findings}
    # CD004 (rows that cannot be checked) and CD005 (unrecognised labels) are shown by the rule cases.
    assert record_rules - shown == {"CD004", "CD005"}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_encodings_excel_writes(tmp_path, encoding):
    rows = [{**LATE_ACK, "remedy": "£50 – for the delay’s impact"}]
    path = write_cases(tmp_path / "cases.csv", rows, encoding=encoding)
    results = run_paths([path])
    assert not results.problems
    assert [f.rule for f in results.findings] == ["CR602"]


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_other_delimiters(tmp_path, delimiter):
    path = write_cases(tmp_path / "cases.csv", [LATE_ACK], delimiter=delimiter)
    assert [f.rule for f in run_paths([path]).findings] == ["CR602"]


def test_headers_mapped_by_config(tmp_path):
    rows = [{"Complaint Ref": "C-9", "Date Received": "20/12/2024", "Acknowledged": "02/01/2025"}]
    path = write_cases(tmp_path / "export.csv", rows)
    config = parse_config(
        {"columns": {"case_id": "Complaint Ref", "received_date": "Date Received", "stage1_ack_date": "Acknowledged"}},
        "codecheck.yaml",
    )
    results = run_paths([path], config=config)
    assert [(f.rule, f.case_id) for f in results.findings] == [("CR602", "C-9")]


def test_headers_match_loosely_without_config(tmp_path):
    rows = [{"Case ID": "C-9", "Received Date": "20/12/2024", "Stage1 Ack Date": "02/01/2025"}]
    results = run_paths([write_cases(tmp_path / "e.csv", rows)])
    assert [f.rule for f in results.findings] == ["CR602"]


def test_missing_required_column_is_an_input_error(tmp_path):
    path = write_cases(tmp_path / "cases.csv", [{"case_id": "C-1", "date": "01/05/2024"}])
    results = run_paths([path])
    assert results.exit_code(Config().fail_severity) == 2
    (problem,) = results.problems
    assert "received_date" in problem.message and "codecheck.yaml" in problem.message


def test_a_mapping_to_a_missing_header_names_it(tmp_path):
    path = write_cases(tmp_path / "cases.csv", [LATE_ACK])
    config = parse_config({"columns": {"case_id": "Complaint Ref"}}, "codecheck.yaml")
    (problem,) = run_paths([path], config=config).problems
    assert "Complaint Ref" in problem.message


def test_rules_without_their_columns_are_not_evaluated_not_passed(tmp_path):
    results = run_rows(tmp_path, [LATE_ACK])
    not_evaluated = {ne.rule: ne.missing for ne in results.not_evaluated}
    assert "CR602" not in not_evaluated
    assert not_evaluated["CR613"] == ("stage1_handler", "stage2_handler")
    assert "CR703" in not_evaluated


def test_a_broken_row_does_not_stop_the_others(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(
        "case_id,received_date,stage1_ack_date,category\r\n"
        "C-1,20/12/2024,02/01/2025,Repairs\r\n"
        "C-2,20/12/2024,02/01/2025,Repairs, damp and mould\r\n"  # unquoted comma: 5 fields
        "C-3,not a date,02/01/2025,Repairs\r\n"
        ",20/12/2024,02/01/2025,Repairs\r\n"
        "C-5,20/12/2024,02/01/2025,Repairs\r\n",
        encoding="utf-8",
    )
    results = run_paths([path])
    by_row = sorted((f.row, f.rule) for f in results.findings)
    assert by_row == [(2, "CR602"), (3, "CD004"), (4, "CD001"), (4, "CD004"), (5, "CD004"), (6, "CR602")]
    assert results.files[0].rows == 5


def test_duplicate_case_ids_across_batches(tmp_path):
    rows = [{"case_id": f"C-{i % 7}", "received_date": "03/06/2024"} for i in range(10)]
    path = write_cases(tmp_path / "cases.csv", rows)
    config = Config(batch_size=4)
    dups = [f for f in run_paths([path], config=config).findings if f.rule == "CD003"]
    assert [(f.case_id, f.row) for f in dups] == [("C-0", 9), ("C-1", 10), ("C-2", 11)]
    assert "line 2" in dups[0].message


def test_mdy_only_when_configured(tmp_path):
    rows = [{"case_id": "C-1", "received_date": "12/20/2024", "stage1_ack_date": "01/02/2025"}]
    path = write_cases(tmp_path / "cases.csv", rows)
    assert {f.rule for f in run_paths([path], config=Config(date_order="dmy")).findings} == {"CD001", "CD004"}
    unset = run_paths([path])  # no date_order: month-first data stops the file, it is not read day-first
    assert not unset.findings and "date_order: mdy" in unset.problems[0].message
    config = Config(date_order="mdy")
    assert [f.rule for f in run_paths([path], config=config).findings] == ["CR602"]


@pytest.mark.parametrize(
    "content, words",
    [
        (b"PK\x03\x04rest-of-a-zip", "xlsx"),
        (b"", "empty"),
        (b"\x00\x01\x02binary", "binary"),
        (b"just one line with no columns\n", "required column"),
    ],
)
def test_unreadable_files_are_one_clear_problem(tmp_path, content, words):
    path = tmp_path / "cases.csv"
    path.write_bytes(content)
    results = run_paths([path])
    (problem,) = results.problems
    assert words in problem.message and problem.path == str(path)


def test_codecheck_never_writes_to_its_input(tmp_path):
    path = write_cases(tmp_path / "cases.csv", [LATE_ACK])
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    run_paths([path])
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
