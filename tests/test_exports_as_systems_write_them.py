"""Case exports as other systems and officers write them: yes/no columns in the column's own
words, placeholders and zoned timestamps in date cells, slash dates that could be either order,
rows that do not line up with the header, and one row per stage instead of one per complaint.
Each test is a promise a user would notice breaking: a breach kept, a false one not made,
nothing silent, no resident's words printed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from codecheck.config import Config
from codecheck.values import UnreadableValue, parse_date, parse_yes_no

from helpers import rule_hits, run_paths, run_rows, write_cases, write_xlsx


def run_paths_of(path):
    return run_paths([path])

LATE_ACK = {"received_date": "02/09/2024", "stage1_ack_date": "10/09/2024"}  # 6 working days: a 6.2 breach
ON_TIME = {"received_date": "02/09/2024", "stage1_ack_date": "03/09/2024", "stage1_response_date": "10/09/2024"}


def _codecheck(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "codecheck", *args], capture_output=True, text=True, timeout=120)


# -- yes/no in the column's own words ---------------------------------------------------------------


@pytest.mark.parametrize("text, value", [
    ("Accepted", True), ("Not Accepted", False), ("REJECTED", False), ("Declined", False),
    ("\u2713", True), ("\u2714", True), ("\u2717", False), ("Given", True), ("not given", False),
    ("Yes - by phone", True), ("yes (letter sent)", True), ("Y - email", True), ("No: outside 12 months", False),
    ("No, withdrawn", False),
])
def test_a_yes_no_cell_is_read_in_the_words_systems_use(text, value):
    assert parse_yes_no(text) is value


@pytest.mark.parametrize("text", ["Yes/No", "maybe", "Ada said no", "accepted?!x", "not sure"])
def test_a_cell_that_says_neither_stays_unreadable(text):
    with pytest.raises(UnreadableValue):
        parse_yes_no(text)


def test_an_accepted_column_of_words_keeps_every_timescale_breach(tmp_path):
    rows = [{"case_id": f"C-{i}", "accepted": "Accepted", **LATE_ACK} for i in range(6)]
    rows.append({"case_id": "C-refused", "accepted": "Not accepted", "received_date": "02/09/2024",
                 "refusal_reason": ""})
    hits = rule_hits(run_rows(tmp_path, rows))
    assert all("CR602" in hits[f"C-{i}"] for i in range(6))
    assert "CR201" in hits["C-refused"]  # not accepted, no reason recorded
    assert not any("CD001" in rules for rules in hits.values())


def test_a_column_with_no_readable_cell_lists_the_rules_it_stops_as_not_evaluated(tmp_path):
    rows = [{"case_id": f"C-{i}", "accepted": "Logged", **LATE_ACK} for i in range(6)]
    results = run_rows(tmp_path, rows)
    assert not [f for f in results.findings if f.rule == "CR602"]  # the value might have cleared each case...
    stopped = {n.rule: n.missing for n in results.not_evaluated}
    assert stopped["CR602"] == ("accepted (no cell readable)",)  # ...so the rule is said not to have run


def test_a_blank_column_is_not_called_unreadable(tmp_path):
    rows = [{"case_id": f"C-{i}", "accepted": "", **ON_TIME} for i in range(6)]
    assert not [n for n in run_rows(tmp_path, rows).not_evaluated if "accepted (no cell readable)" in n.missing]


def test_the_text_summary_says_why_a_rule_was_not_evaluated(tmp_path):
    path = write_cases(tmp_path / "cases.csv",
                       [{"case_id": f"C-{i}", "accepted": "Logged", **LATE_ACK} for i in range(3)])
    done = _codecheck(str(path), "--as-of", "2025-01-31", "--no-color")
    assert "CR602  needs accepted (no cell readable)" in done.stdout
    assert "or with no readable cell" in done.stdout


# -- date cells ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["TBC", "N/A", "-", "Not yet", "pending", "Awaiting", "--", "?"])
def test_a_date_cell_saying_not_yet_is_no_date(text):
    assert parse_date(text) is None


@pytest.mark.parametrize("text", ["see notes", "unknown", "sent"])
def test_a_date_cell_that_may_hide_a_date_stays_unreadable(text):
    with pytest.raises(UnreadableValue):
        parse_date(text)


def test_an_acknowledgement_marked_tbc_is_still_overdue(tmp_path):
    rows = [{"case_id": "C-1", "received_date": "02/09/2024", "stage1_ack_date": "TBC"},
            {"case_id": "C-2", "received_date": "02/09/2024", "stage1_ack_date": "03/09/2024"}]
    results = run_rows(tmp_path, rows, as_of="2024-10-01")
    hits = rule_hits(results)
    assert "CR602" in hits["C-1"] and "overdue" in next(f.message for f in results.findings if f.rule == "CR602")
    assert "CD001" not in hits.get("C-1", set())


@pytest.mark.parametrize("stamp, day", [
    ("2025-06-02T23:30:00Z", "2025-06-03"),       # 00:30 on 3 June in British Summer Time
    ("2025-01-02T23:30:00Z", "2025-01-02"),       # GMT in winter: the same day
    ("2025-06-02 23:30:00+00:00", "2025-06-03"),
    ("2025-06-03T00:30:00+01:00", "2025-06-03"),
    ("2025-06-02T23:30:00", "2025-06-02"),        # no zone: the day written
])
def test_a_zoned_timestamp_is_the_day_in_the_uk(stamp, day):
    assert str(parse_date(stamp)) == day


@given(st.datetimes(min_value=__import__("datetime").datetime(2000, 1, 1),
                    max_value=__import__("datetime").datetime(2035, 12, 31)))
def test_a_utc_timestamp_reads_as_the_london_day(moment):
    import datetime as dt
    from zoneinfo import ZoneInfo

    utc = moment.replace(tzinfo=dt.timezone.utc)
    assert parse_date(utc.strftime("%Y-%m-%dT%H:%M:%SZ")) == utc.astimezone(ZoneInfo("Europe/London")).date()


def test_a_receipt_just_before_midnight_utc_is_not_a_false_breach(tmp_path):
    rows = [{"case_id": "C-1", "received_date": "2025-06-02T23:30:00Z", "stage1_ack_date": "2025-06-10T09:00:00Z"}]
    assert "CR602" not in rule_hits(run_rows(tmp_path, rows)).get("C-1", set())  # 5 working days from 3 June


def test_dates_that_could_be_either_order_get_a_note_not_silence(tmp_path):
    rows = [{"case_id": f"C-{i}", "received_date": "03/04/2025", "stage1_ack_date": "04/04/2025"} for i in range(3)]
    results = run_rows(tmp_path, rows)
    notes = " ".join(results.files[0].notes)
    assert "could be day-first or month-first" in notes and "date_order: mdy" in notes
    confirmed = run_rows(tmp_path, rows, config=Config(date_order="dmy"))
    assert not any("month-first" in n for n in confirmed.files[0].notes)


def test_dates_that_tell_their_order_get_no_note(tmp_path):
    rows = [{"case_id": f"C-{i}", "received_date": "23/04/2025", "stage1_ack_date": "24/04/2025"} for i in range(3)]
    assert not any("month-first" in n for n in run_rows(tmp_path, rows).files[0].notes)


# -- rows that do not line up --------------------------------------------------------------------------


def test_a_row_that_does_not_line_up_names_no_case_id(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("case_id,received_date,stage1_ack_date\r\n"
                    "C-1,02/09/2024,03/09/2024\r\n"
                    "Flat 4 Bramble Court,02/09/2024,03/09/2024,ring 07700 900123\r\n"
                    "Generated by: K Dunmore\r\n", encoding="utf-8")
    done = _codecheck(str(path), "--as-of", "2025-01-31", "--format", "json")
    out = json.loads(done.stdout)
    ragged = [f for f in out["findings"] if f["rule"] == "CD004"]
    assert [f["row"] for f in ragged] == [3, 4] and all(f["case_id"] is None for f in ragged)
    assert "Bramble" not in done.stdout and "Dunmore" not in done.stdout
    assert "it has 1 field but" in ragged[1]["message"]
    shown = json.loads(_codecheck(str(path), "--as-of", "2025-01-31", "--format", "json", "--show-values").stdout)
    assert "Flat 4 Bramble Court" in [f["case_id"] for f in shown["findings"]]


# -- one row per stage ------------------------------------------------------------------------------------


def _per_stage_rows() -> list[dict[str, str]]:
    rows = []
    for i in range(4):
        rows.append({"case_id": f"C-{i}", "stage": "Stage 1", "received_date": "02/09/2024",
                     "stage1_ack_date": "03/09/2024", "stage1_response_date": "10/09/2024"})
        rows.append({"case_id": f"C-{i}", "stage": "Stage 2", "received_date": "16/09/2024",
                     "stage1_ack_date": "19/09/2024", "stage1_response_date": "14/10/2024"})
    return rows


def test_an_export_of_one_row_per_stage_stops_with_what_to_do(tmp_path):
    path = write_cases(tmp_path / "cases.csv", _per_stage_rows())
    done = _codecheck(str(path), "--as-of", "2025-01-31", "--format", "json")
    assert done.returncode == 2
    out = json.loads(done.stdout)
    assert out["findings"] == []  # not one stage 2 date judged by a stage 1 timescale
    message = out["errors"][0]["message"]
    assert "C-0 is on line 2 at stage 1 and on line 3 at stage 2" in message and "one row per stage" in message
    assert "3 more case ids" in message


def test_one_row_per_stage_gives_no_board_report(tmp_path):
    path = write_cases(tmp_path / "cases.csv", _per_stage_rows())
    board = tmp_path / "board.html"
    done = _codecheck("report", str(path), "--period", "2024/25", "-o", str(board))
    assert done.returncode == 2 and not board.exists()


def test_a_plain_duplicate_is_still_a_warning_not_a_stop(tmp_path):
    rows = [{"case_id": "C-1", "stage": "Stage 1", **ON_TIME}, {"case_id": "C-1", "stage": "Stage 1", **ON_TIME},
            {"case_id": "C-2", "stage": "Stage 2", **ON_TIME}]
    results = run_rows(tmp_path, rows)
    assert not results.problems and [f.rule for f in results.findings] == ["CD003"]


# -- title lines above the header ----------------------------------------------------------------------


def test_title_lines_above_a_csv_header_are_skipped_and_said(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("Complaints report run 01/07/2025\r\nFilter: all stages\r\n\r\n"
                    "case_id,received_date,stage1_ack_date\r\n"
                    "C-1,02/09/2024,10/09/2024\r\nC-2,02/09/2024,03/09/2024\r\n", encoding="utf-8")
    results = run_paths_of(path)
    assert not results.problems
    assert [(f.case_id, f.rule, f.row) for f in results.findings] == [("C-1", "CR602", 5)]
    assert "the header is line 4; 3 lines above it (a title?) skipped" in results.files[0].notes


def test_a_file_with_no_header_at_all_is_still_refused(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("C-1,02/09/2024,10/09/2024\r\nC-2,02/09/2024,03/09/2024\r\n", encoding="utf-8")
    results = run_paths_of(path)
    assert results.problems and "is the header row missing?" in results.problems[0].message


# -- a workbook whose first sheet is a summary --------------------------------------------------------------


def test_the_case_sheet_behind_a_summary_sheet_is_read_and_said(tmp_path):
    path = write_xlsx(tmp_path / "cases.xlsx", [["Month", "Stage 1", "Stage 2"], ["April", 12, 3]], title="Summary",
                      extra_sheets={"Case list": [["case_id", "received_date", "stage1_ack_date"],
                                                  ["C-1", "02/09/2024", "10/09/2024"]]})
    results = run_paths_of(path)
    assert not results.problems
    assert [(f.case_id, f.rule) for f in results.findings] == [("C-1", "CR602")]
    assert any("read the sheet 'Case list'" in n and "'Summary'" in n for n in results.files[0].notes)


def test_a_workbook_with_no_case_sheet_names_its_sheets(tmp_path):
    path = write_xlsx(tmp_path / "cases.xlsx", [["Month", "Stage 1"], ["April", 12]], title="Summary",
                      extra_sheets={"Chart data": [["Quarter", "Count"], ["Q1", 4]]})
    results = run_paths_of(path)
    message = results.problems[0].message
    assert "'Summary', 'Chart data'" in message and "sheet:" in message


def test_excel_day_numbers_in_a_csv_are_named_as_such(tmp_path):
    rows = [{"case_id": f"C-{i}", "received_date": str(45719 + i), "stage1_ack_date": str(45720 + i)} for i in range(6)]
    results = run_rows(tmp_path, rows)
    said = [f.message for f in results.findings if f.rule == "CD001"]
    assert len(said) == 2 and all("Excel's day numbers" in m for m in said)
    assert "'45719' is 03/03/2025" in said[0]


def test_one_row_per_stage_stops_even_when_only_a_timescale_rule_is_selected(tmp_path):
    path = write_cases(tmp_path / "cases.csv", _per_stage_rows())
    done = _codecheck(str(path), "--as-of", "2025-01-31", "--select", "CR603", "--format", "json")
    assert done.returncode == 2 and json.loads(done.stdout)["findings"] == []
