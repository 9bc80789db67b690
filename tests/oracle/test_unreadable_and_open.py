"""Issue 12, items 1 and 4, case by case: an unreadable cell switches off only the
findings that rely on it, and an open case is judged as a closed one is."""

from __future__ import annotations

from helpers import run_rows


def findings(tmp_path, rows, as_of="2025-04-30"):
    """case id -> {rule: message} for the section 6 timescale rules."""
    out: dict[str, dict[str, str]] = {}
    for f in run_rows(tmp_path, rows, as_of=as_of, select=("6", "CR511")).findings:
        out.setdefault(f.case_id, {})[f.rule] = f.message
    return out


def case(case_id, **cells):
    row = {c: "" for c in ("record_type", "accepted", "stage1_ack_date", "stage1_response_date", "stage1_extended_to",
                           "stage1_extension_reason", "stage1_extension_ombudsman_details", "stage1_handler",
                           "escalation_requested_date", "escalation_refused_reason", "stage2_ack_date", "stage2_handler",
                           "stage2_extended_to", "stage2_extension_reason", "stage2_extension_ombudsman_details",
                           "stage2_response_date")}
    row.update(case_id=case_id, received_date=cells.pop("received_date", "03/06/2024"), **cells)
    return row


# -- item 1 ------------------------------------------------------------------------------


def test_an_unreadable_response_date_does_not_hide_a_late_acknowledgement(tmp_path):
    got = findings(tmp_path, [case("A", stage1_ack_date="11/06/2024", stage1_response_date="31/06/2024")])
    assert "CR602" in got["A"] and "6 working days after receipt" in got["A"]["CR602"]
    assert "CR603" not in got["A"]  # the response itself cannot be judged


def test_an_unreadable_escalation_date_does_not_hide_stage_1_or_the_handler(tmp_path):
    got = findings(tmp_path, [case("B", stage1_ack_date="11/06/2024", stage1_response_date="02/07/2024",
                                   escalation_requested_date="next week", stage2_ack_date="10/07/2024",
                                   stage1_handler="Jo Patel", stage2_handler="jo patel")])
    assert {"CR602", "CR603", "CR613"} <= set(got["B"])
    assert "CR611" not in got["B"]  # its start cannot be read


def test_an_unreadable_acknowledgement_date_is_no_false_not_acknowledged(tmp_path):
    got = findings(tmp_path, [
        case("C", stage1_ack_date="31/02/2024"),                                   # open: the ack may be that cell
        case("D", stage1_ack_date="31/02/2024", stage1_response_date="20/06/2024"),  # answered, ack unknown
    ])
    assert "C" not in got and "D" not in got


def test_an_unreadable_later_step_keeps_an_open_stage_1_unjudged(tmp_path):
    """The unreadable escalation date might be before the deadline: the missing step was then never owed."""
    got = findings(tmp_path, [case("E", escalation_requested_date="next week")])
    assert "E" not in got


def test_an_unreadable_extension_keeps_the_response_unjudged(tmp_path):
    got = findings(tmp_path, [case("F", stage1_ack_date="04/06/2024", stage1_response_date="28/06/2024",
                                   stage1_extended_to="32/07/2024")])
    assert "F" not in got


def test_an_unreadable_accepted_flag_judges_nothing(tmp_path):
    got = findings(tmp_path, [case("G", accepted="maybe", stage1_ack_date="20/06/2024")])
    assert "G" not in got


# -- item 4 ------------------------------------------------------------------------------


def test_never_acknowledged_nor_answered_is_overdue_at_6_2_and_then_6_3(tmp_path):
    """Received Mon 03/06/2024: acknowledgement due 10/06, the response 10 working days later, 24/06."""
    rows = [case("H")]
    assert set(findings(tmp_path, rows, as_of="2024-06-10")) == set()
    assert set(findings(tmp_path, rows, as_of="2024-06-11")["H"]) == {"CR602"}
    assert set(findings(tmp_path, rows, as_of="2024-06-24")["H"]) == {"CR602"}
    got = findings(tmp_path, rows, as_of="2024-06-25")["H"]
    assert set(got) == {"CR602", "CR603"}
    assert got["CR603"] == ("overdue: no stage 1 response as of 25/06/2024; no acknowledgement recorded; received "
                            "03/06/2024, the acknowledgement was due by 10/06/2024 and the response 10 working days "
                            "after that, by 24/06/2024, now 1 working day late")


def test_stage_2_never_acknowledged_nor_answered_is_overdue_at_6_14(tmp_path):
    """Requested Mon 01/07/2024: acknowledgement due 08/07 (CR511), the final response 20 working days later, 05/08."""
    rows = [case("S", stage1_ack_date="04/06/2024", stage1_response_date="10/06/2024",
                 escalation_requested_date="01/07/2024")]
    assert set(findings(tmp_path, rows, as_of="2024-08-05")["S"]) == {"CR511"}
    assert set(findings(tmp_path, rows, as_of="2024-08-06")["S"]) == {"CR511", "CR614"}


def test_a_step_on_a_day_off_after_its_deadline_is_said_in_plain_words(tmp_path):
    got = findings(tmp_path, [
        case("I", received_date="20/12/2024", stage1_ack_date="01/01/2025"),
        case("J", received_date="20/12/2024", stage1_ack_date="04/01/2025"),
        case("K", received_date="20/12/2024", stage1_ack_date="02/01/2025"),
    ])
    assert got["I"]["CR602"] == ("acknowledged on 01/01/2025, a bank holiday, after the deadline of 31/12/2024 "
                                 "(5 working days after receipt on 20/12/2024)")
    assert got["J"]["CR602"].startswith("acknowledged on 04/01/2025, a Saturday, after the deadline of 31/12/2024")
    assert got["K"]["CR602"] == ("acknowledged 02/01/2025, 6 working days after receipt on 20/12/2024; "
                                 "the Code allows 5 (deadline 31/12/2024)")


def test_a_response_on_a_day_off_after_its_deadline(tmp_path):
    """Acknowledged Mon 03/06/2024: the response was due Mon 17/06; Saturday 15/06 is on time, 22/06 is not."""
    got = findings(tmp_path, [
        case("L", stage1_ack_date="03/06/2024", stage1_response_date="22/06/2024"),
        case("M", stage1_ack_date="03/06/2024", stage1_response_date="15/06/2024"),
        case("N", stage1_ack_date="03/06/2024", stage1_response_date="18/06/2024"),
    ])
    assert got["L"]["CR603"] == ("full stage 1 response issued on 22/06/2024, a Saturday, after the deadline of "
                                 "17/06/2024 (10 working days after acknowledgement on 03/06/2024); no extension is recorded")
    assert "M" not in got
    assert got["N"]["CR603"] == ("full stage 1 response issued 18/06/2024, 11 working days after acknowledgement on "
                                 "03/06/2024; the Code allows 10 (deadline 17/06/2024); no extension is recorded")
