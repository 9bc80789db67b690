"""Hand-made case rows whose answers are worked out by hand in the comments.

Working days (England and Wales): received Mon 03/06/2024 -> acknowledgement
deadline Mon 10/06/2024; acknowledged Mon 03/06/2024 -> stage 1 response
deadline Mon 17/06/2024 (from Tue 04/06: Tue 18/06; from Tue 11/06: Tue 25/06);
an extension to Mon 01/07/2024 is 10 working days beyond 17/06, to Mon 15/07/2024
is 20. Stage 2 requested Mon 01/07/2024 -> acknowledgement deadline Mon 08/07/2024
(acknowledged Tue 09/07 is day 6); acknowledged Fri 05/07 -> response deadline
Fri 02/08/2024; Tue 09/07 -> Tue 06/08; Tue 02/07 -> Tue 30/07.
"""

STAGE1_COLUMNS = ("case_id", "record_type", "received_date", "accepted", "stage1_ack_date", "stage1_extended_to",
                  "stage1_extension_reason", "stage1_response_date", "stage1_outcome")


def row(case_id, received, **cells):
    out = {c: "" for c in STAGE1_COLUMNS}
    out.update(case_id=case_id, received_date=received, **cells)
    return out


STAGE1_ROWS = [
    # A: acknowledged day 1, answered by its deadline (18/06)           ack on time, response on time
    row("A", "03/06/2024", stage1_ack_date="04/06/2024", stage1_response_date="17/06/2024", stage1_outcome="UPHELD"),
    # B: acknowledged day 6 (late), answered 20/06 (deadline 25/06)     ack late, response on time
    row("B", "03/06/2024", stage1_ack_date="11/06/2024", stage1_response_date="20/06/2024", stage1_outcome="Partly Upheld"),
    # C: no acknowledgement, answered day 4: the response acknowledges  ack on time, response not judged (no ack date)
    row("C", "03/06/2024", stage1_response_date="07/06/2024", stage1_outcome="partially upheld"),
    # D: answered 18/06, day 11, no extension                           ack on time, response late (CR603)
    row("D", "03/06/2024", stage1_ack_date="03/06/2024", stage1_response_date="18/06/2024", stage1_outcome="not-upheld"),
    # E: extended 10 working days to 01/07, answered 28/06              on time within an allowed extension
    row("E", "03/06/2024", stage1_ack_date="03/06/2024", stage1_extended_to="01/07/2024",
        stage1_response_date="28/06/2024", stage1_outcome="Not Upheld"),
    # F: extended 20 working days to 15/07, no reason, answered 10/07   on time on the record, not in the Code's timescale (CR604)
    row("F", "03/06/2024", stage1_ack_date="03/06/2024", stage1_extended_to="15/07/2024",
        stage1_response_date="10/07/2024", stage1_outcome="Resolved"),
    # G: as F with a reason recorded                                    on time within an allowed extension
    row("G", "03/06/2024", stage1_ack_date="03/06/2024", stage1_extended_to="15/07/2024",
        stage1_extension_reason="Awaiting a specialist survey", stage1_response_date="10/07/2024"),
    # H: acknowledged, never answered                                    response overdue at 30/04/2025 (CR603)
    row("H", "03/06/2024", stage1_ack_date="03/06/2024"),
    # I: not accepted                                                    not a stage 1 complaint
    row("I", "03/06/2024", accepted="No"),
    # J: withdrawn before the response                                  ack on time, response not judged
    row("J", "03/06/2024", stage1_ack_date="04/06/2024", stage1_outcome="Withdrawn"),
    # K: received Mon 24/03/2025 (Q4), nothing since                    ack overdue at 30/04/2025 (deadline 31/03); pending at 26/03;
    #    response overdue too (CR603): due 10 working days after the acknowledgement was, 14/04/2025
    row("K", "24/03/2025"),
    # L: a service request in Q1
    row("L", "05/06/2024", record_type="service_request"),
    # M: received Thu 28/03/2024, before the period; acknowledged Tue 09/04 is day 6 (Good Friday and
    #    Easter Monday): late, but in no figure of the period
    row("M", "28/03/2024", stage1_ack_date="09/04/2024"),
]

STAGE2_COLUMNS = ("escalation_requested_date", "escalation_refused_reason", "stage2_ack_date", "stage2_extended_to",
                  "stage2_extension_reason", "stage2_response_date", "stage2_outcome")


def row2(case_id, **cells):
    """A case received and answered at stage 1 in Q1, with stage 2 cells."""
    out = row(case_id, "03/06/2024", stage1_ack_date="03/06/2024", stage1_response_date="17/06/2024",
              stage1_outcome="Not upheld")
    out.update({c: "" for c in STAGE2_COLUMNS})
    out.update(cells)
    return out


STAGE2_ROWS = [
    # P: requested 01/07, acknowledged 05/07 (day 4), answered 02/08 (deadline 02/08)   all on time
    row2("P", escalation_requested_date="01/07/2024", stage2_ack_date="05/07/2024", stage2_response_date="02/08/2024",
         stage2_outcome="Upheld"),
    # Q: acknowledged 09/07 (day 6: late, CR611), answered 05/08 (deadline 06/08)        response on time
    row2("Q", escalation_requested_date="01/07/2024", stage2_ack_date="09/07/2024", stage2_response_date="05/08/2024",
         stage2_outcome="not upheld"),
    # R: requested 01/07, nothing since        ack overdue (CR511); response overdue (CR614): due 20 working days
    #    after the acknowledgement was (08/07), 05/08
    row2("R", escalation_requested_date="01/07/2024"),
    # S: escalation refused with a reason                                                  a request, not a stage 2 complaint
    row2("S", escalation_requested_date="01/07/2024", escalation_refused_reason="Legal proceedings started"),
    # T: acknowledged 02/07, answered 31/07 (deadline 30/07)                              response late (CR614)
    row2("T", escalation_requested_date="01/07/2024", stage2_ack_date="02/07/2024", stage2_response_date="31/07/2024"),
    # U: no request date; acknowledged 03/10 (Q3), answered 10/10                         in Q3; ack not judged; response on time
    row2("U", stage2_ack_date="03/10/2024", stage2_response_date="10/10/2024"),
]
