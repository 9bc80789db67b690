"""Guessing an export's column mapping (codecheck.mapping): names as landlords' systems write them,
one header per column, the values under a header, the date order."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codecheck.columns import COLUMNS, DATE_COLUMNS
from codecheck.errors import InputError
from codecheck.mapping import CONFIDENT, SYNONYMS, guess_mapping, name_score


def mapped(header, rows=()) -> dict[str, str]:
    return guess_mapping(list(header), [list(r) for r in rows]).columns


@pytest.mark.parametrize("header, canonical", [
    ("Date Received", "received_date"), ("Received date", "received_date"), ("Logged date", "received_date"),
    ("Complaint date", "received_date"), ("Recieved Date", "received_date"),
    ("Ref", "case_id"), ("Complaint Ref", "case_id"), ("Case Number", "case_id"), ("Case No.", "case_id"),
    ("Stage 1 Acknowledged", "stage1_ack_date"), ("Stage1 Ack'd (dd/mm/yyyy)", "stage1_ack_date"),
    ("Escalated", "escalation_requested_date"), ("Stage 2 Requested", "escalation_requested_date"),
    ("S2 Response", "stage2_response_date"), ("Final response date", "stage2_response_date"),
    ("Satisfied (Y/N)", "satisfied"), ("Remedy completed", "remedy_completed_date"),
])
def test_landlord_names_map_to_the_canonical_column(header, canonical):
    assert mapped(["Something else", header]) == {canonical: header}


def test_fake_and_personal_headers_stay_unmapped():
    header = ["Complaint Ref", "Date Received", "Resident name", "Address", "Postcode", "Phone", "Notes",
              "Priority", "Team", "Date of birth", "Days open"]
    mapping = guess_mapping(header, [])
    assert mapping.columns == {"case_id": "Complaint Ref", "received_date": "Date Received"}
    guessed = {g.header for g in mapping.guesses}
    assert guessed == {"Complaint Ref", "Date Received"}
    assert mapping.unmapped == header[2:]


def test_a_stage_2_header_is_not_taken_for_a_stage_1_column():
    mapping = guess_mapping(["Ref", "Received", "Stage 2 Acknowledged"], [])
    assert mapping.columns == {"case_id": "Ref", "received_date": "Received", "stage2_ack_date": "Stage 2 Acknowledged"}
    assert "stage1_ack_date" not in {g.canonical for g in mapping.guesses}


def test_two_headers_for_one_column_map_one_of_them_only():
    mapping = guess_mapping(["Logged date", "Date Received", "Ref"], [])
    assert [g.canonical for g in mapping.guesses].count("received_date") == 1
    assert len(mapping.unmapped) == 1 and mapping.unmapped[0] in ("Logged date", "Date Received")


_NAMES = sorted({n for names in SYNONYMS.values() for n in names} | set(COLUMNS)
                | {"Resident name", "Officer", "Notes", "Tenancy ref", "Stage 1 days", "Closed"})


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_NAMES), min_size=1, max_size=25, unique=True))
def test_the_mapping_is_one_to_one_whatever_the_headers(header):
    mapping = guess_mapping(header, [])
    canonicals = [g.canonical for g in mapping.guesses]
    headers = [g.header for g in mapping.guesses]
    assert len(set(canonicals)) == len(canonicals)
    assert len(set(headers)) == len(headers)  # never two canonical columns on one header
    assert set(headers) | set(mapping.unmapped) == set(header)
    assert not set(headers) & set(mapping.unmapped)


def test_the_values_decide_between_headers_named_alike():
    # both headers name stage1_response_date equally well; the one holding dates is it
    header = ["Ref", "Received", "Stage 1 response", "Stage 1 response sent"]
    rows = [[f"C{i}", f"0{i}/05/2024", "Upheld" if i % 2 else "Not upheld", f"1{i}/05/2024"] for i in range(1, 9)]
    assert mapped(header, rows)["stage1_response_date"] == "Stage 1 response sent"
    # without values to go by, the first header would have been taken
    assert mapped(header)["stage1_response_date"] == "Stage 1 response"


def test_a_date_name_over_values_that_are_not_dates_is_left_to_confirm():
    header = ["Ref", "Date Received", "Stage 1 Acknowledged"]
    rows = [[f"C{i}", f"0{i}/05/2024", "Yes" if i % 3 else "No"] for i in range(1, 9)]
    mapping = guess_mapping(header, rows)
    (guess,) = [g for g in mapping.guesses if g.canonical == "stage1_ack_date"]
    assert guess.name == 100  # the name alone would have been taken
    assert guess.confidence < CONFIDENT and "only 0 of 8 values are dates" in guess.evidence
    assert "stage1_ack_date" not in mapping.columns
    (received,) = [g for g in mapping.guesses if g.canonical == "received_date"]
    assert "8 of 8 values are dates" in received.evidence


def test_a_vague_name_is_a_guess_to_confirm_not_a_mapping():
    mapping = guess_mapping(["Ref", "Received", "Officer"], [])
    (guess,) = [g for g in mapping.guesses if g.header == "Officer"]
    assert guess.canonical == "stage1_handler" and not guess.confident
    assert "stage1_handler" not in mapping.columns


@pytest.mark.parametrize("values, order, said", [
    (["10/23/2024", "01/02/2024", "11/30/2024"], "mdy", "10/23/2024"),
    (["23/10/2024", "01/02/2024", "30/11/2024"], "dmy", "23/10/2024"),
    (["01/02/2024", "03/04/2024", "2024-05-30"], None, "did not tell"),
    (["23/10/2024", "10/23/2024"], None, "1 only month first"),
])
def test_the_date_order_is_read_from_the_date_columns(values, order, said):
    rows = [[f"C{i}", v, "x" * (i + 1)] for i, v in enumerate(values)]
    mapping = guess_mapping(["Ref", "Date Received", "Notes"], rows)
    assert mapping.date_order == order
    assert said in mapping.date_order_evidence


def test_slash_values_in_a_column_not_taken_for_a_date_do_not_set_the_order():
    rows = [["C1", "2024-05-01", "10/23/2024"], ["C2", "2024-05-02", "11/30/2024"]]
    mapping = guess_mapping(["Ref", "Date Received", "Notes"], rows)
    assert mapping.date_order is None


def test_a_first_row_of_data_is_not_taken_for_a_header():
    with pytest.raises(InputError, match="looks like data"):
        guess_mapping(["CMP-2024-0001", "28/03/2024", "Femi Adeyemi"], [])


@pytest.mark.parametrize("header", ["Ack Due", "Target Response Date", "Response Due", "Stage 2 Target Date",
                                    "SLA Date", "Acknowledgement Due By"])
def test_a_deadline_column_is_never_guessed_as_the_date_a_step_was_taken(header):
    """A guess that maps "Ack Due" to stage1_ack_date judges every case by its own deadline: the
    late ones pass. A deadline names when a step should happen, not when it did."""
    scores = {c: name_score(header, c) for c in DATE_COLUMNS if c not in ("stage1_extended_to", "stage2_extended_to")}
    assert max(scores.values()) < 50, scores


@pytest.mark.parametrize("header, column", [("Ack Letter Sent", "stage1_ack_date"), ("Remedy Due", "remedy_due_date"),
                                            ("Revised Target Date", "stage1_extended_to")])
def test_a_date_taken_or_a_deadline_of_its_own_is_still_recognised(header, column):
    assert name_score(header, column) >= 60
