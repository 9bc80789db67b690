"""Case exports as they really arrive (issue 12): month-first dates stop the file, a mapping
that cannot be right is said once, placeholders are not reasons, a broken row is one finding;
and the promises of issue 17 that live in the engine (one finding per duplicated id, unreadable
folders named, rows read = checked + rejected)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from codecheck.config import Config, parse_config
from codecheck.errors import ConfigError
from codecheck.values import Placeholders, PLACEHOLDERS, slash_date_order

from helpers import rule_hits, run_paths, run_rows, write_cases

ON_TIME = {"received_date": "02/09/2024", "stage1_ack_date": "03/09/2024", "stage1_response_date": "10/09/2024"}


def _codecheck(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "codecheck", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


# -- 6. date order from the data ---------------------------------------------------------------------


def _us_rows(n: int = 120) -> list[dict[str, str]]:
    """A month-first export: October dates with the day second, as a US-set spreadsheet writes them."""
    return [{"case_id": f"US-{i}", "received_date": f"10/{1 + i % 28:02d}/2024 14:26",
             "stage1_ack_date": f"10/{1 + i % 28:02d}/2024", "stage1_response_date": ""} for i in range(n)]


def test_a_month_first_export_stops_before_any_finding(tmp_path):
    path = write_cases(tmp_path / "cases.csv", _us_rows())
    done = _codecheck(str(path), "--as-of", "2025-01-31", "--format", "json")
    assert done.returncode == 2
    out = json.loads(done.stdout)
    assert out["findings"] == []  # not one finding from dates read the wrong way round
    message = out["errors"][0]["message"]
    assert "received_date" in message and "10/13/2024 14:26" in message and "date_order: mdy" in message


def test_a_month_first_export_gives_no_board_report(tmp_path):
    path = write_cases(tmp_path / "cases.csv", _us_rows())
    board = tmp_path / "board.html"
    done = _codecheck("report", str(path), "--period", "2024/25", "-o", str(board))
    assert done.returncode == 2 and not board.exists()
    assert "date_order: mdy" in done.stderr


def test_month_first_is_read_when_configured_and_refused_when_dmy_is(tmp_path):
    path = write_cases(tmp_path / "cases.csv", _us_rows(30))
    mdy = run_paths([path], as_of="2025-01-31", config=Config(date_order="mdy"))
    assert not mdy.problems and not [f for f in mdy.findings if f.rule.startswith("CD")]
    dmy = run_paths([path], as_of="2025-01-31", config=Config(date_order="dmy"))
    assert not dmy.problems and {f.rule for f in dmy.findings} >= {"CD001"}  # said: unreadable, not reordered


def test_ambiguous_and_day_first_files_are_read_day_first(tmp_path):
    rows = [{"case_id": "A", **ON_TIME}, {"case_id": "B", "received_date": "05/04/2024",
                                          "stage1_ack_date": "08/04/2024", "stage1_response_date": "12/04/2024"}]
    assert not run_rows(tmp_path, rows).problems
    mixed = rows + [{"case_id": "C", "received_date": "10/23/2024", "stage1_ack_date": "24/10/2024"}]
    results = run_rows(tmp_path, mixed)  # one month-first typo among day-first dates: that cell, not the file
    assert not results.problems and "C" in rule_hits(results)


@given(st.lists(st.tuples(st.integers(1, 31), st.integers(1, 31)), min_size=1, max_size=30))
def test_slash_date_order_is_month_first_only_on_evidence(pairs):
    values = [f"{a:02d}/{b:02d}/2024" for a, b in pairs]
    order = slash_date_order(values)
    day_first = any(a > 12 and b <= 12 for a, b in pairs)
    month_first = any(b > 12 and a <= 12 for a, b in pairs)
    assert order == ("mdy" if month_first and not day_first else "dmy" if day_first and not month_first else None)


# -- 7. mapping you can see ---------------------------------------------------------------------------


def test_two_columns_mapped_to_one_header_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="received_date and stage1_ack_date are both mapped to the header 'Date'"):
        parse_config({"columns": {"received_date": "Date", "stage1_ack_date": " date "}}, "codecheck.yaml")
    (tmp_path / "codecheck.yaml").write_text("columns:\n  received_date: Logged\n  stage1_ack_date: Logged\n")
    write_cases(tmp_path / "cases.csv", [{"case_id": "A", "Logged": "02/09/2024"}])
    done = _codecheck("cases.csv", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "both mapped" in done.stderr


def test_a_column_with_no_readable_value_is_one_finding(tmp_path):
    rows = [{"case_id": f"C-{i}", "received_date": "02/09/2024", "Officer": "J Bloggs"} for i in range(240)]
    config = Config(columns={"stage1_ack_date": "Officer"}, batch_size=50)
    results = run_rows(tmp_path, rows, config=config)
    unreadable = [f for f in results.findings if f.rule == "CD001"]
    assert len(unreadable) == 1
    assert unreadable[0].row == 1 and "'Officer'" in unreadable[0].message and "240" in unreadable[0].message
    assert "Bloggs" not in unreadable[0].message
    # the column is unreadable on every row, so no rule guesses from it: no false "not acknowledged"
    assert not [f for f in results.findings if f.rule in ("CR602", "CR603")]


def test_a_few_bad_cells_in_a_good_column_are_each_a_finding(tmp_path):
    rows = [{"case_id": f"C-{i}", **ON_TIME} for i in range(100)]
    rows[3]["stage1_ack_date"] = "31/02/2024"
    rows[70]["stage1_ack_date"] = "soon"
    results = run_rows(tmp_path, rows, config=Config(batch_size=10))
    assert sorted(f.row for f in results.findings if f.rule == "CD001") == [5, 72]


def test_a_column_unreadable_for_its_first_rows_then_readable_keeps_every_finding(tmp_path):
    rows = [{"case_id": f"C-{i}", **ON_TIME} for i in range(60)]
    for i in range(20):
        rows[i]["stage1_ack_date"] = "see file"
    results = run_rows(tmp_path, rows, config=Config(batch_size=7))
    assert sorted(f.row for f in results.findings if f.rule == "CD001") == list(range(2, 22))


def test_swapped_columns_are_one_warning(tmp_path):
    rows = [{"case_id": f"S-{i}", "received_date": "02/09/2024", "stage1_ack_date": "20/09/2024",
             "stage1_response_date": "04/09/2024"} for i in range(40)]
    order = [f for f in run_rows(tmp_path, rows).findings if f.rule == "CD002"]
    assert len(order) == 1 and "swapped" in order[0].message and "40 of the 40" in order[0].message


def test_a_few_rows_in_the_wrong_order_are_each_a_finding(tmp_path):
    rows = [{"case_id": f"S-{i}", **ON_TIME} for i in range(40)]
    rows[5].update(stage1_ack_date="20/09/2024")  # acknowledged after the response
    order = [f for f in run_rows(tmp_path, rows).findings if f.rule == "CD002"]
    assert [(f.case_id, "swapped" in f.message) for f in order] == [("S-5", False)]


# -- 2. a placeholder is not a reason ----------------------------------------------------------------


@pytest.mark.parametrize("reason", ["N/A", "n/a", "-", "TBC", "none", "Unknown", "?", "...", "  na. "])
def test_a_placeholder_refusal_reason_is_no_reason(tmp_path, reason):
    rows = [{"case_id": "R-1", "received_date": "02/09/2024", "accepted": "No", "refusal_reason": reason}]
    found = [f for f in run_rows(tmp_path, rows).findings if f.rule == "CR201"]
    assert len(found) == 1 and "not a reason" in found[0].message


@pytest.mark.parametrize("reason", ["Legal proceedings started", "Not a complaint: a service request",
                                    "No contact from resident for 6 months", "None of the grounds apply - see file"])
def test_a_real_refusal_reason_passes(tmp_path, reason):
    rows = [{"case_id": "R-1", "received_date": "02/09/2024", "accepted": "No", "refusal_reason": reason}]
    assert not [f for f in run_rows(tmp_path, rows).findings if f.rule == "CR201"]


def test_the_placeholder_list_is_configurable(tmp_path):
    rows = [{"case_id": "R-1", "received_date": "02/09/2024", "accepted": "No", "refusal_reason": "awaiting"}]
    assert not [f for f in run_rows(tmp_path, rows).findings if f.rule == "CR201"]
    config = Config(placeholders=[*PLACEHOLDERS, "Awaiting"])
    assert [f.rule for f in run_rows(tmp_path, rows, config=config).findings if f.rule == "CR201"] == ["CR201"]


def test_an_escalation_refused_with_a_placeholder_is_not_progressed(tmp_path):
    rows = [{"case_id": "E-1", "received_date": "02/09/2024", "stage1_ack_date": "03/09/2024",
             "stage1_response_date": "10/09/2024", "escalation_requested_date": "12/09/2024", "stage2_ack_date": "",
             "escalation_refused_reason": "TBC"}]
    assert "CR511" in rule_hits(run_rows(tmp_path, rows)).get("E-1", set())


@given(st.text(alphabet="-?./ *", min_size=1, max_size=6))
def test_punctuation_alone_is_a_placeholder(text):
    assert Placeholders(PLACEHOLDERS)(text) == bool(text.strip())


# -- 3. a broken row is one finding ------------------------------------------------------------------


def test_a_row_with_shifted_fields_is_one_finding(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(
        "case_id,category,received_date,stage1_ack_date,accepted\n"
        "C-1,Repairs,02/09/2024,03/09/2024,yes\n"
        "C-2,Repairs, damp and mould,02/09/2024,03/09/2024,yes\n"  # an unquoted comma shifts every value after it
        "C-3,Repairs,02/09/2024,03/09/2024,yes\n", encoding="utf-8")
    findings = run_paths([path]).findings
    assert [(f.row, f.rule) for f in findings] == [(3, "CD004")]


# -- 5. remedies and adjustments ---------------------------------------------------------------------


def test_a_remedy_with_no_due_date(tmp_path):
    base = {"received_date": "02/09/2024", "remedy_completed_date": ""}
    rows = [{"case_id": "M-1", **base, "remedy": "Repair and £50", "remedy_due_date": ""},
            {"case_id": "M-2", **base, "remedy": "Repair and £50", "remedy_due_date": "30/09/2024"},
            {"case_id": "M-3", **base, "remedy": "None", "remedy_due_date": ""},
            {"case_id": "M-4", **base, "remedy": "Apology", "remedy_due_date": "", "remedy_completed_date": "10/09/2024"}]
    found = [f for f in run_rows(tmp_path, rows).findings if f.rule == "CR703B"]
    assert [f.case_id for f in found] == ["M-1"] and "£50" not in found[0].message


def test_adjustments_not_reviewed_within_the_period(tmp_path):
    base = {"received_date": "02/09/2024", "reasonable_adjustments": "Large print"}
    rows = [{"case_id": "A-old", **base, "adjustments_review_date": "01/03/2023"},
            {"case_id": "A-recent", **base, "adjustments_review_date": "01/03/2025"},
            {"case_id": "A-closed", **base, "adjustments_review_date": "01/10/2023", "stage1_response_date": "16/09/2024"},
            {"case_id": "A-none", **base, "reasonable_adjustments": "None required", "adjustments_review_date": ""}]
    found = {f.case_id: f for f in run_rows(tmp_path, rows, as_of="2025-04-30").findings if f.rule == "CR510"}
    assert set(found) == {"A-old"}  # A-closed was reviewed within 12 months of its closing
    assert "Large print" not in found["A-old"].message
    six = run_rows(tmp_path, rows, as_of="2025-04-30", config=Config(adjustments_review_months=6)).findings
    assert {f.case_id for f in six if f.rule == "CR510"} == {"A-old", "A-closed"}


# -- issue 17: every row accounted for, duplicates bounded, unreadable folders named ------------------


def test_duplicate_ids_are_one_finding_per_id_with_a_count(tmp_path):
    rows = [{"case_id": "DUP-1", **ON_TIME} for _ in range(500)] + [{"case_id": "DUP-2", **ON_TIME}] * 2
    dups = [f for f in run_rows(tmp_path, rows, config=Config(batch_size=64)).findings if f.rule == "CD003"]
    assert [(f.case_id, f.row) for f in dups] == [("DUP-1", 3), ("DUP-2", 503)]
    assert "498 other rows" in dups[0].message


def test_a_repeated_row_export_stays_small(tmp_path):
    """The attack: one row repeated 300,000 times once kept a finding per repeat (1.6 GB for 100 MB)."""
    path = tmp_path / "cases.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("case_id,received_date,stage1_ack_date,stage1_response_date\n")
        fh.write("REP-1,02/09/2024,03/09/2024,10/09/2024\n" * 300_000)
    code = ("import resource, subprocess, sys, json;"
            f"p = subprocess.run([sys.executable, '-m', 'codecheck', {str(path)!r}, '--format', 'json'], capture_output=True, text=True);"
            "print(json.dumps([p.returncode, len(json.loads(p.stdout)['findings']), "
            "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))")
    start = time.monotonic()
    rc, findings, peak_kb = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                                      timeout=300).stdout)
    assert (rc, findings) == (1, 1)
    assert peak_kb < 400_000, f"peak {peak_kb / 1024:.0f} MB"
    assert time.monotonic() - start < 120


def test_rows_read_are_rows_checked_plus_rows_rejected(tmp_path):
    rows = [{"case_id": f"C-{i}", **ON_TIME} for i in range(20)]
    rows[2]["case_id"] = ""
    rows[5]["received_date"] = "not known"
    path = write_cases(tmp_path / "cases.csv", rows)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("C-x,a,b,c,d,e\n")
    done = _codecheck(str(path), "--format", "json", "--as-of", "2025-01-31")
    file = json.loads(done.stdout)["summary"]["files"][0]
    assert (file["rows"], file["rows_checked"], file["rows_rejected"]) == (21, 18, 3)
    text = _codecheck(str(path), "--as-of", "2025-01-31").stdout
    assert "Of the 21 case rows, 18 were checked and 3 could not be" in text


def test_an_unreadable_folder_is_named_and_fails_unless_skipped(tmp_path, monkeypatch):
    (tmp_path / "ok").mkdir()
    (tmp_path / "locked").mkdir()
    write_cases(tmp_path / "ok" / "cases.csv", [{"case_id": "A", **ON_TIME}])
    write_cases(tmp_path / "locked" / "cases.csv", [{"case_id": "B", **ON_TIME}])
    real = os.scandir

    def scandir(path="."):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    results = run_paths([tmp_path])
    assert [f.path for f in results.files] == [str(tmp_path / "ok" / "cases.csv")]
    assert results.problems and results.problems[0].path.endswith("locked")
    assert "cannot be read" in results.problems[0].message
    from codecheck.findings import Severity

    assert results.exit_code(Severity.WARNING) == 2
    results.skip_unreadable = True
    assert results.exit_code(Severity.WARNING) == 0


def test_skip_unreadable_never_passes_a_run_that_checked_nothing(tmp_path, monkeypatch):
    (tmp_path / "locked").mkdir()
    real = os.scandir
    monkeypatch.setattr(os, "scandir", lambda path=".": (_ for _ in ()).throw(PermissionError(13, "Permission denied", str(path)))
                        if Path(path).name == "locked" else real(path))
    results = run_paths([tmp_path])
    results.skip_unreadable = True
    from codecheck.findings import Severity

    assert results.exit_code(Severity.WARNING) == 2


def test_findings_held_back_past_the_limit_are_counted_not_lost(tmp_path, monkeypatch):
    from codecheck.checks import data

    monkeypatch.setattr(data, "_HELD_BACK", 3)
    rows = [{"case_id": f"C-{i}", **ON_TIME} for i in range(30)]
    for i in range(8):
        rows[i]["stage1_ack_date"] = "see file"  # unreadable until row 10, then readable
    found = [f for f in run_rows(tmp_path, rows, config=Config(batch_size=5)).findings if f.rule == "CD001"]
    assert sorted(f.row for f in found) == [2, 3, 4, 4, 7, 8, 9]  # the first batch: 5 cells, 3 held, 2 counted
    assert [f.message for f in found if f.message[0].isdigit()] == [
        "2 more cells of stage1_ack_date after this one, before the first readable one, cannot be read either"]
