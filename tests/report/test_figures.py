"""Every figure of the report on hand-made case records, answers worked out by hand
(see rows.py for the working-day arithmetic). Cells: Q1, Q2, Q3, Q4, then the period."""


from codecheck.config import Config

from . import counts, shares
from .rows import STAGE1_ROWS, STAGE2_ROWS, row, row2

NONE4 = [0, 0, 0]


# -- volume ------------------------------------------------------------------------


def test_volume_by_received_date(report_of):
    r = report_of(STAGE1_ROWS)
    # A-J received 03/06/2024 (Q1), K 24/03/2025 (Q4); I not accepted; L a service request; M before the period
    assert counts(r, "complaints") == [10, 0, 0, 1, 11]
    assert counts(r, "stage1") == [9, 0, 0, 1, 10]
    assert counts(r, "service_requests") == [1, 0, 0, 0, 1]


def test_stage2_volume_by_escalation_date(report_of):
    r = report_of(STAGE2_ROWS)
    # received in Q1; P Q R S T requested 01/07 (Q2), S refused; U acknowledged at stage 2 on 03/10 (Q3), no request date
    assert counts(r, "stage1") == [6, 0, 0, 0, 6]
    assert counts(r, "escalations") == [0, 5, 1, 0, 6]
    assert counts(r, "escalations_refused") == [0, 1, 0, 0, 1]
    assert counts(r, "stage2") == [0, 4, 1, 0, 5]


# -- stage 1 ---------------------------------------------------------------------------


def test_stage1_acknowledged_within_5_working_days(report_of):
    r = report_of(STAGE1_ROWS)
    # Q1: A C D E F G H J on time (C by its response on day 4), B late; K (Q4) overdue
    assert shares(r, "s1_ack") == [(8, 9), (0, 0), (0, 0), (0, 1), (8, 10)]
    assert counts(r, "s1_ack_late") == [1, 0, 0, 1, 2]
    assert r.figure("s1_ack").period.parts == {"on_time": 8, "late": 1, "overdue": 1, "pending": 0, "not_judged": 0}
    assert r.figure("s1_ack").cells[1].pct is None  # nothing due in Q2: no percentage, not 0%


def test_pending_cases_are_left_out_of_the_share(report_of):
    r = report_of(STAGE1_ROWS, as_of="2025-03-26")  # K's deadline 31/03 has not passed
    assert shares(r, "s1_ack")[3] == (0, 0)
    assert r.figure("s1_ack").cells[3].parts["pending"] == 1


def test_stage1_responses_within_the_codes_timescale(report_of):
    r = report_of(STAGE1_ROWS)
    # answered on time A B C E G (C has no acknowledgement date: counted from the last day it was due,
    # its response is still in time); answered out of the Code's timescale D (late) and F (answered
    # 10/07, after the 10 extra working days the Code allows without a reason, 01/07); H unanswered and
    # overdue, outside the share as in CH02; J (withdrawn) not judged
    assert shares(r, "s1_response")[0] == (5, 7)
    assert shares(r, "s1_response")[0] == shares(r, "CH02_1")[0]
    parts = r.figure("s1_response").cells[0].parts
    assert (parts["late"], parts["overdue"], parts["not_judged"]) == (2, 1, 1)
    assert counts(r, "s1_response_overdue") == [1, 0, 0, 1, 2]         # H; K (Q4)
    assert counts(r, "s1_response_in_extension") == [2, 0, 0, 0, 2]   # E, G
    assert counts(r, "s1_response_late") == [2, 0, 0, 1, 3]           # D, H; K (Q4): the CR603 findings
    assert counts(r, "s1_response_beyond_extension") == [1, 0, 0, 0, 1]  # F: CR604
    assert shares(r, "s1_extended") == [(3, 9), (0, 0), (0, 0), (0, 1), (3, 10)]  # E F G


def test_an_invalid_extension_with_a_reason_is_allowed(report_of):
    f_with_reason = row("F", "03/06/2024", stage1_ack_date="03/06/2024", stage1_extended_to="15/07/2024",
                        stage1_extension_reason="Complex case", stage1_response_date="10/07/2024")
    r = report_of([f_with_reason])
    assert shares(r, "s1_response")[0] == (1, 1)
    assert counts(r, "s1_response_in_extension")[0] == 1


# -- stage 2 -----------------------------------------------------------------------------


def test_stage2_acknowledged_and_answered(report_of):
    r = report_of(STAGE2_ROWS)
    # Q2: P T on time, Q late (CR611), R overdue (CR511); Q3: U has no request date, not judged
    assert shares(r, "s2_ack") == [(0, 0), (2, 4), (0, 0), (0, 0), (2, 4)]
    assert counts(r, "s2_ack_late") == [0, 2, 0, 0, 2]
    # Q2: P Q on time, T late (CR614), R overdue (CR614: counted from when the acknowledgement was due);
    # Q3: U on time
    assert shares(r, "s2_response") == [(0, 0), (2, 3), (1, 1), (0, 0), (3, 4)]
    assert shares(r, "s2_response") == shares(r, "CH02_2")
    assert counts(r, "s2_response_overdue") == [0, 1, 0, 0, 1]  # R
    assert counts(r, "s2_response_late") == [0, 2, 0, 0, 2]
    assert counts(r, "s2_response_beyond_extension") == [0, 0, 0, 0, 0]
    assert shares(r, "s2_extended")[4] == (0, 5)


def test_stage2_extensions(report_of):
    # acknowledged 05/07, deadline 02/08; extended to 30/08 (19 working days: 26/08 is the summer bank
    # holiday), answered 29/08: within an allowed extension
    ok = row2("V", escalation_requested_date="01/07/2024", stage2_ack_date="05/07/2024", stage2_extended_to="30/08/2024",
              stage2_response_date="29/08/2024")
    # extended to 03/09 (21 working days) with no reason, answered 03/09: within the record, not the Code
    long = row2("W", escalation_requested_date="01/07/2024", stage2_ack_date="05/07/2024", stage2_extended_to="03/09/2024",
                stage2_response_date="03/09/2024")
    # within the Code's limit though the record extends further: W2 extended to 03/09 with no reason,
    # answered 02/09, the 20th working day after 02/08: in time (issue 14), and only CR615 in `check`
    within = row2("W2", escalation_requested_date="01/07/2024", stage2_ack_date="05/07/2024",
                  stage2_extended_to="03/09/2024", stage2_response_date="02/09/2024")
    assert shares(report_of([within]), "s2_response")[1] == (1, 1)
    r = report_of([ok, long])
    assert shares(r, "s2_response")[1] == (1, 2)
    assert counts(r, "s2_response_in_extension")[1] == 1
    assert counts(r, "s2_response_beyond_extension")[1] == 1
    assert counts(r, "s2_response_late")[1] == 0
    assert shares(r, "s2_extended")[1] == (2, 2)


# -- outcomes ------------------------------------------------------------------------------


def test_stage1_outcomes_case_insensitive(report_of):
    r = report_of(STAGE1_ROWS)
    # A UPHELD; B Partly Upheld, C partially upheld; D not-upheld, E Not Upheld; F Resolved (other);
    # J Withdrawn; G H blank. Out of the 7 with an outcome.
    got = {f.label: (f.cells[0].n, f.cells[0].of) for f in r.section("outcome1").figures}
    assert got == {"Upheld": (1, 7), "Partly upheld": (2, 7), "Not upheld": (2, 7), "Withdrawn": (1, 7),
                   "Other (recorded, not one of these)": (1, 7), "No outcome recorded": (2, None)}


def test_stage2_outcomes(report_of):
    r = report_of(STAGE2_ROWS)
    got = {f.label: f.cells[1].n for f in r.section("outcome2").figures}
    assert got["Upheld"] == 1 and got["Not upheld"] == 1 and got["No outcome recorded"] == 2  # P, Q; R T blank
    assert r.section("outcome2").figures[0].cells[1].of == 2


# -- Ombudsman, satisfaction, refusals, categories --------------------------------------------


def test_referrals_orders_and_satisfaction(report_of):
    rows = [
        {"case_id": "V1", "received_date": "03/06/2024", "ombudsman_referral_date": "01/02/2025",
         "complaint_failure_order": "yes", "satisfied": "Yes"},
        {"case_id": "V2", "received_date": "04/06/2024", "ombudsman_referral_date": "",
         "complaint_failure_order": "No", "satisfied": "N"},
        {"case_id": "V3", "received_date": "01/08/2024", "ombudsman_referral_date": "",
         "complaint_failure_order": "", "satisfied": ""},
        {"case_id": "V4", "received_date": "02/08/2024", "ombudsman_referral_date": "",
         "complaint_failure_order": "", "satisfied": "maybe"},
    ]
    r = report_of(rows)
    assert counts(r, "referred") == [1, 0, 0, 0, 1]
    assert counts(r, "cfo") == [1, 0, 0, 0, 1]
    assert shares(r, "satisfied") == [(1, 2), (0, 0), (0, 0), (0, 0), (1, 2)]
    assert r.figure("satisfied").cells[1].parts == {"yes": 0, "no": 0, "no_answer": 2}


def test_complaints_not_accepted_by_type_of_reason(report_of):
    def refused(case_id, reason, accepted="No"):
        return {"case_id": case_id, "received_date": "03/06/2024", "accepted": accepted, "refusal_reason": reason}

    r = report_of([refused("R1", "Out of time - over 12 months"),
                   refused("R2", "Subject to court proceedings brought by Mrs Zelda Quartermaine"),
                   refused("R3", ""), refused("R4", "Resident moved away"), refused("R5", "", accepted="Yes")])
    assert shares(r, "not_accepted")[0] == (4, 5)
    got = {f.label: f.cells[0].n for f in r.section("refused").figures[1:]}
    assert got == {"Out of time (more than 12 months after the issue)": 1, "Legal proceedings": 1,
                   "Another reason (recorded)": 1, "No reason recorded": 1}
    assert all(f.level == 1 for f in r.section("refused").figures[1:])


def test_categories_grouped_ignoring_case_and_spacing(report_of):
    rows = [{"case_id": f"C{i}", "received_date": "03/06/2024", "category": c}
            for i, c in enumerate(["Repairs", "repairs ", "REPAIRS", "Damp and  mould", ""])]
    r = report_of(rows, config=Config(categories=["Repairs", "Damp and mould"]))
    got = {f.label: (f.cells[0].n, f.cells[0].of) for f in r.section("categories").figures}
    assert got == {"Repairs": (3, 5), "Damp and mould": (1, 5), "No category recorded": (1, 5)}
    assert [f.label for f in r.section("categories").figures][0] == "Repairs"  # most first


# -- Tenant Satisfaction Measures ---------------------------------------------------------------


def test_ch01_per_1000_homes(report_of):
    r = report_of(STAGE1_ROWS + STAGE2_ROWS, homes=2000)
    # stage 1: Q1 9 + 6 = 15, Q4 1 -> 16; 16 / 2000 * 1000 = 8.0. stage 2: Q2 4, Q3 1 -> 5 -> 2.5
    ch1 = r.figure("CH01_1")
    assert [(c.n, c.value) for c in ch1.cells] == [(15, 7.5), (0, 0.0), (0, 0.0), (1, 0.5), (16, 8.0)]
    assert [(c.n, c.value) for c in r.figure("CH01_2").cells] == [(0, 0.0), (4, 2.0), (1, 0.5), (0, 0.0), (5, 2.5)]
    assert "homes (2,000)" in ch1.definition


def test_ch01_without_homes_is_not_recorded(report_of):
    fig = report_of(STAGE1_ROWS).figure("CH01_1")
    assert fig.period.n is None and "--homes" in fig.missing


def test_ch02_responded_within_the_codes_timescales(report_of):
    r = report_of(STAGE1_ROWS + STAGE2_ROWS)
    # stage 1: A B C E G + the six stage 2 rows' stage 1 answers on day 10 = 11 on time; D F late -> 11 of 13
    # (H is unanswered: not in CH02)
    assert shares(r, "CH02_1")[4] == (11, 13)
    assert r.figure("CH02_1").period.parts["unanswered_overdue"] == 2  # H, K
    # stage 2: P Q U on time, T late -> 3 of 4 (R is unanswered: not in CH02)
    assert shares(r, "CH02_2")[4] == (3, 4)


# -- findings per provision --------------------------------------------------------------------


def test_findings_per_rule_in_the_quarter_of_their_case(report_of):
    r = report_of(STAGE1_ROWS + STAGE2_ROWS)
    f = {fig.key.split(".")[1]: [c.n for c in fig.cells] for fig in r.section("findings").figures}
    assert f["CR602"] == [1, 0, 0, 1, 2]      # B (Q1), K (Q4); M is before the period
    assert f["CR603"] == [2, 0, 0, 1, 3]      # D, H; K (never acknowledged nor answered)
    assert f["CR604"] == [1, 0, 0, 0, 1]      # F
    assert f["CR611"] == [0, 1, 0, 0, 1]      # Q: received in Q1, stage 2 requested in Q2
    assert f["CR511"] == [0, 1, 0, 0, 1]      # R
    assert f["CR614"] == [0, 2, 0, 0, 2]      # T; R (never acknowledged nor answered)
    assert f["CR201"] == [None] * 5           # no refusal_reason column: not evaluated, never 0
    assert r.figure("finding.CR201").missing == "not evaluated: no refusal_reason column"


def test_rules_not_evaluated_say_so(report_of):
    r = report_of([{"case_id": "A", "received_date": "03/06/2024", "stage1_ack_date": "04/06/2024"}])
    figs = {fig.key.split(".")[1]: fig for fig in r.section("findings").figures}
    assert figs["CR602"].period.n == 0 and not figs["CR602"].missing
    assert figs["CR603"].period.n is None and "stage1_response_date" in figs["CR603"].missing
    assert figs["CR603"].missing.startswith("not evaluated")
