"""A figure that needs a column the file lacks says "not recorded", never 0."""

import json

from codecheck.report.formats import render

from .rows import STAGE1_ROWS

MINIMAL = [{"case_id": "A", "received_date": "03/06/2024"}, {"case_id": "B", "received_date": "01/08/2024"}]

ALWAYS = {"complaints", "stage1"}
NEEDS = {
    "service_requests": "record_type",
    "escalations": "escalation_requested_date",
    "escalations_refused": "escalation_requested_date",
    "stage2": "escalation_requested_date",
    "s1_ack": "stage1_ack_date", "s1_ack_late": "stage1_ack_date",
    "s1_response": "stage1_response_date", "s1_response_late": "stage1_response_date",
    "s1_response_in_extension": "stage1_extended_to", "s1_response_beyond_extension": "stage1_extended_to",
    "s1_extended": "stage1_extended_to",
    "s2_ack": "stage2_ack_date", "s2_response": "stage2_response_date", "s2_extended": "stage2_extended_to",
    "referred": "ombudsman_referral_date", "cfo": "complaint_failure_order", "satisfied": "satisfied",
    "not_accepted": "accepted",
    "CH01_2": "escalation_requested_date", "CH02_1": "stage1_ack_date", "CH02_2": "stage2_ack_date",
}


def test_every_figure_needing_an_absent_column_is_not_recorded(report_of):
    r = report_of(MINIMAL, homes=1000)
    figures = {f.key: f for s in r.sections for f in s.figures}
    for key in ALWAYS:
        assert figures[key].period.n == 2 and not figures[key].missing
    assert figures["CH01_1"].period.value == 2.0
    for key, column in NEEDS.items():
        fig = figures[key]
        assert [c.n for c in fig.cells] == [None] * 5, key
        assert column in fig.missing or "no " in fig.missing, (key, fig.missing)
    for section in ("outcome1", "outcome2", "categories"):
        assert all(f.period.n is None and f.missing for f in r.section(section).figures), section
    assert all(f.period.n is None for f in r.section("refused").figures)


def test_one_absent_column_leaves_the_others(report_of):
    rows = [{k: v for k, v in r.items() if k != "stage1_outcome"} for r in STAGE1_ROWS]
    r = report_of(rows)
    assert r.figure("s1_ack").period.n == 8
    assert all(f.period.n is None and "stage1_outcome" in f.missing for f in r.section("outcome1").figures)


def test_renderers_write_not_recorded(report_of):
    r = report_of(MINIMAL)
    html, md = render(r, "html"), render(r, "md")
    assert html.count("not recorded") >= len(NEEDS) and md.count("not recorded") >= len(NEEDS)
    assert "not evaluated" in html and "not evaluated" in md
    doc = json.loads(render(r, "json"))
    sat = next(f for s in doc["sections"] for f in s["figures"] if f["key"] == "satisfied")
    assert sat["cells"][-1]["n"] is None and sat["missing"].startswith("not recorded")
    # the satisfaction row of the Markdown table: not recorded in every column, never 0
    line = next(l for l in md.splitlines() if l.startswith("| Residents satisfied"))
    assert line.count("not recorded") == 5 and " 0 " not in line
