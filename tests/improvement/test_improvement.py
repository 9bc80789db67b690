"""Improvement plans (--kind improvement_plan): the IP rules on each fixture layout and on
seed 004 through `codecheck check`, the parser's layouts, target dates, and junk never raising."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codecheck.cli import main
from codecheck.documents import Block, Document, normalize_whitespace, read_document
from codecheck.errors import InputError
from codecheck.findings import Severity
from codecheck.improvement import improvement_plan_rules
from codecheck.targets import find_target, read_target
from codecheck.improvement.parse import is_done, parse_plan, parsed, split_numbers
from codecheck.registry import default_registry

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures" / "improvement"
GENERATOR = REPO / "fixtures" / "make_improvement.py"


def seed_004() -> Path | None:
    """Seed 004 (a landlord's published improvement plan), when the shared seeds are here."""
    for folder in (os.environ.get("CODECHECK_SEEDS"), REPO.parent / "shared" / "seeds", "/work/shared/seeds"):
        if folder and Path(folder).is_dir():
            found = sorted(Path(folder).glob("004_*"))
            if found:
                return found[0]
    return None


SEED_004 = seed_004()
needs_seed = pytest.mark.skipif(SEED_004 is None, reason="shared/seeds/004_* (a published improvement plan) is not here")


def check(*args: str) -> tuple[int, list[dict], list[str]]:
    """`codecheck check ARGS --as-of 2025-04-30 --format json`: exit code, findings, input errors."""
    result = CliRunner().invoke(main, ["check", *args, "--as-of", "2025-04-30", "--format", "json"])
    start = result.output.index("{")
    payload, _ = json.JSONDecoder().raw_decode(result.output[start:])
    return result.exit_code, payload["findings"], [str(e) for e in payload.get("errors") or []]


def shown(findings: list[dict]) -> list[tuple]:
    return [(f["rule"], f["severity"], f["line"] or f["page"] or f["paragraph"], f["message"]) for f in findings]


# --- rule metadata ------------------------------------------------------------------------------


def test_rules_are_registered_with_their_documentation():
    registry = default_registry()
    rules = improvement_plan_rules()
    assert [r.id for r in rules] == ["IP001", "IP002", "IP003", "IP004", "IP005", "IP006", "IP007"]
    for rule in rules:
        assert registry.rules[rule.id].id == rule.id
        # IP006 and IP007 read the plan with the self-assessment of the same run
        assert rule.kinds == (("improvement_plan", "self_assessment") if rule.together else ("improvement_plan",))
        assert rule.provision == "8.1"
        assert "service improvements" in rule.words()
        assert rule.name.startswith("improvement-plan-")
        assert rule.rationale and rule.breach_example and rule.compliant_example and rule.check
    assert registry.rules["IP001"].severity == Severity.ERROR
    assert {registry.rules[i].severity for i in ("IP002", "IP003", "IP004", "IP005")} == {Severity.WARNING}


# --- the fixtures, through the command line ---------------------------------------------------------


def test_markdown_plan_one_overdue_item_and_one_unknown_provision():
    code, findings, errors = check(str(FIXTURES / "complaints-improvement-plan.md"))
    assert (code, errors) == (1, [])
    assert shown(findings) == [
        ("IP005", "warning", 8, "6.3: target 31/03/2025 has passed and the status is 'In progress'"),
        ("IP001", "error", 9, "6.21 is not a provision of the 2024 Code (section 6 runs from 6.1 to 6.20)"),
    ]


def test_docx_table_plan_one_item_without_a_date():
    code, findings, errors = check(str(FIXTURES / "action-plan-2025.docx"))
    assert (code, errors) == (1, [])
    assert shown(findings) == [("IP003", "warning", 3, "5.10 (table row 3) has no target date")]
    assert findings[0]["location"].startswith("table at paragraph 3")


def test_pdf_plan_is_clean():
    code, findings, errors = check(str(FIXTURES / "service-improvement-plan.pdf"))
    assert (code, findings, errors) == (0, [], [])


def test_fixture_names_say_the_kind():
    from codecheck.documents.kinds import infer_kind

    assert {infer_kind(p) for p in FIXTURES.iterdir()} == {"improvement_plan"}


def test_fixture_layouts():
    md = parse_plan(read_document(FIXTURES / "complaints-improvement-plan.md"))
    docx = parse_plan(read_document(FIXTURES / "action-plan-2025.docx"))
    pdf = parse_plan(read_document(FIXTURES / "service-improvement-plan.pdf"))
    assert (md.layout, docx.layout, pdf.layout) == ("table", "table", "lines")
    assert [i.reference for i in md.items] == ["5.6", "6.3", "6.21", "9.4", "8.1"]
    assert [i.owner for i in docx.items] == ["Head of Repairs", "Equalities Lead", "Complaints Manager", "HR Business Partner"]
    assert [i.target.date if i.target else None for i in docx.items] == [
        dt.date(2025, 6, 30), None, dt.date(2025, 5, 31), dt.date(2025, 9, 30)]
    by_number = {i.reference: i for i in pdf.items}
    assert list(by_number) == ["6.2", "6.14", "3.1", "9.3"]
    assert by_number["6.2"].owner == "Complaints Team Leader"
    assert by_number["6.14"].requirement.startswith("Landlords must issue a final response to the stage 2")
    assert by_number["6.14"].action == "Stage 2 reviews booked with a senior manager when the complaint is acknowledged."
    assert (by_number["6.14"].target_text, by_number["6.14"].status) == ("Q2 2025/26", "Not started")
    assert "last updated" not in by_number["9.3"].status


# --- seed 004: a published plan laid out as a pasted table --------------------------------------------


@needs_seed
def test_seed_004_items():
    plan = parse_plan(read_document(SEED_004))
    assert [i.reference for i in plan.items] == [
        "1.6", "4.3", "5.4", "5.5", "5.6", "5.9, 6.4, 6.15", "5.10", "6.3, 6.14, 7.4", "8.1", "8.2", "9.3", "9.7", "9.8"]
    by_number = {i.reference: i for i in plan.items}
    one_six = by_number["1.6"]
    assert one_six.requirement.endswith("provide details of how residents can complain.")
    assert one_six.action == ("Add info about how to make a complaint into the survey sent to customers and link to "
                              "the complaints procedure.")
    assert (one_six.target_text, one_six.target.date) == ("September 2024", dt.date(2024, 9, 30))
    assert is_done(one_six.status)
    assert by_number["5.9, 6.4, 6.15"].requirement.endswith("(6.15)")
    assert by_number["5.9, 6.4, 6.15"].status == "Implemented in September 2024. Monitoring ongoing."
    assert by_number["8.2"].action == "Report to be published on council website along with response to the report"
    assert is_done(by_number["8.2"].status) and is_done(by_number["9.7"].status)
    assert not is_done(by_number["5.6"].status)  # "... due to be implemented in September 2024."
    assert by_number["9.8"].status == "In progress."  # the closing "last updated" line is not its status
    assert all(i.action for i in plan.items)


@needs_seed
def test_seed_004_as_of_30_april_2025():
    """Overdue: six items whose target month is over and which are not complete (three of them with
    no status at all); 5.4 and 5.5 (April 2025) are due that very day and 8.1 in June 2025, so their
    blank status is only that. 1.6, 5.9/6.4/6.15, 8.2 and 9.7 say Completed / Implemented."""
    code, findings, errors = check(str(SEED_004), "--kind", "improvement_plan")
    assert (code, errors) == (1, [])
    assert [(rule, line, message) for rule, _, line, message in shown(findings)] == [
        ("IP005", 7, "4.3: target 31/12/2024 (December 2024) has passed and no status is given"),
        ("IP004", 8, "5.4 has no status"),
        ("IP004", 9, "5.5 has no status"),
        ("IP005", 10, "5.6: target 30/09/2024 (September 2024) has passed and the status is "
                      "'The form was updated on 16 September 2024 to incl\u2026'"),
        ("IP005", 31, "5.10: target 30/09/2024 (September 2024) has passed and the status is 'In progress with digital team'"),
        ("IP005", 32, "6.3, 6.14, 7.4: target 31/03/2025 (March 2025) has passed and no status is given"),
        ("IP004", 49, "8.1 has no status"),
        ("IP005", 67, "9.3: target 31/12/2024 (December 2024) has passed and no status is given"),
        ("IP005", 77, "9.8: target 30/09/2024 (September 2024) has passed and the status is 'In progress'"),
    ]
    assert {f["severity"] for f in findings} == {"warning"}
    assert all("(under" not in f["location"] for f in findings)  # a text plan's items are located at their own line


@needs_seed
def test_seed_004_a_year_earlier_nothing_is_overdue():
    result = CliRunner().invoke(main, ["check", str(SEED_004), "--kind", "improvement_plan", "--as-of", "2024-06-01",
                                       "--select", "IP005"])
    assert result.exit_code == 0, result.output


# --- small plans ----------------------------------------------------------------------------------------


def text_document(lines: list[str], name: str = "improvement-plan.txt") -> Document:
    blocks = [Block(text=normalize_whitespace(line), line=i) for i, line in enumerate(lines, start=1) if line.strip()]
    return Document(path=name, format="text", blocks=blocks)


def run(document: Document, as_of=dt.date(2025, 4, 30)) -> list[tuple[str, str]]:
    from codecheck.calendar import WorkingCalendar
    from codecheck.engine import DocumentContext

    ctx = DocumentContext(kind="improvement_plan", calendar=WorkingCalendar("england-and-wales", []), as_of=as_of)
    hits: list[tuple[str, str]] = []
    for rule in (r for r in improvement_plan_rules() if not r.together):
        rule.check(document, ctx, lambda block, message, *, severity=None, rule=rule: hits.append((rule.id, message)))
    return hits


def test_labelled_fields_and_missing_ones():
    plan = text_document([
        "Complaints action plan",
        "6.2 Requirement: acknowledge within five working days",
        "Target date: 30/06/2025",
        "Status: In progress",
        "6.13 Action: Stage 2 handled by a different officer",
        "Status: Complete",
        "3.7 Action: Publish the policy on our website. Target: June 2025",
    ])
    assert run(plan) == [
        ("IP002", "6.2 has no action: say what will be done to comply"),
        ("IP003", "6.13 has no target date"),
        ("IP004", "3.7 has no status"),
    ]


def test_ongoing_is_not_a_date_and_item_letters_are_checked():
    plan = text_document([
        "6.9(g) Action: add the stage 2 route to every response. Target: ongoing. Status: in progress",
        "6.9(h) Action: something. Target: Q1 2025/26. Status: not started",
        "10.1 Action: something else. Target: 2025/26. Status: not started",
    ])
    assert run(plan) == [
        ("IP001", "6.9(h) is not in the 2024 Code: 6.9 has no item (h); its items are (a)-(g)"),
        ("IP001", "10.1 is not a provision of the 2024 Code (it has sections 1 to 9)"),
        ("IP003", "6.9(g): the target 'ongoing' is not a date (give a day, a month or a quarter)"),
    ]


def test_a_plan_with_no_items_is_an_input_error(tmp_path):
    document = text_document(["Our improvement plan", "We will do better next year."])
    with pytest.raises(InputError, match="no improvement plan items found"):
        parsed(document)
    path = tmp_path / "improvement-plan.txt"
    path.write_text("Our improvement plan\n\nWe will do better next year.\n", encoding="utf-8")
    code, findings, errors = check(str(path))
    assert code == 2 and findings == []
    assert any("no improvement plan items found" in e for e in errors)


def test_markdown_table_continuation_rows_and_blank_cells(tmp_path):
    path = tmp_path / "improvement-plan.md"
    path.write_text("\n".join([
        "| Ref | Code requirement | Action | Due | Progress | Lead |",
        "|---|---|---|---|---|---|",
        "| 5.5 | Third parties handle complaints in line with the Code | Contract clause | 31 March 2025 | | Procurement |",
        "| | | and quarterly reports | | | |",
        "| 7.1 | Remedies | | Q4 2024/25 | Done | |",
        "",
    ]), encoding="utf-8")
    plan = parse_plan(read_document(path))
    assert plan.layout == "table"
    first, second = plan.items
    assert (first.action, first.status, first.owner) == ("Contract clause and quarterly reports", "", "Procurement")
    assert first.requirement == "Third parties handle complaints in line with the Code"
    assert (second.action, second.target.date, second.status) == ("", dt.date(2025, 3, 31), "Done")
    assert run(read_document(path)) == [
        ("IP002", "7.1 has no action: say what will be done to comply"),
        ("IP005", "5.5: target 31/03/2025 (31 March 2025) has passed and no status is given"),
    ]


@pytest.mark.parametrize("text, numbers", [
    ("6.2", ["6.2"]),
    ("5.9, 6.4, 6.15", ["5.9", "6.4", "6.15"]),
    ("6.9(g) Add the escalation route", ["6.9(g)"]),
    ("Code provision 6.3: Stage 1", ["6.3"]),
    ("6.3 and 6.14", ["6.3", "6.14"]),
])
def test_provision_numbers(text, numbers):
    assert split_numbers(text)[0] == numbers


@pytest.mark.parametrize("text", ["30.06.2025 Done", "5.2 of our policy says", "10.30 am meeting", "Section two", "2.5 FTE"])
def test_not_provision_numbers(text):
    assert split_numbers(text) is None


@pytest.mark.parametrize("status, done", [
    ("Completed", True), ("complete", True), ("Done", True), ("Closed.", True), ("Implemented.", True),
    ("Completed 14 June 2024 ready for survey", True), ("Agenda for the committee | Council Completed.", True),
    ("In progress", False), ("Not complete", False), ("", False), ("Due to be implemented in September 2024.", False),
    ("On track", False), ("Not started", False), ("Partially complete", False),
])
def test_status_done(status, done):
    assert is_done(status) is done


# --- target dates -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, day", [
    ("30/06/2025", dt.date(2025, 6, 30)),
    ("June 2025", dt.date(2025, 6, 30)),
    ("Q2 2025/26", dt.date(2025, 9, 30)),
    ("Q4 2024/25", dt.date(2025, 3, 31)),
    ("Q3 2024-25", dt.date(2024, 12, 31)),
    ("Q2 2025", dt.date(2025, 6, 30)),
    ("end of March 2025", dt.date(2025, 3, 31)),
    ("31 March 2025", dt.date(2025, 3, 31)),
    ("31st March 2025", dt.date(2025, 3, 31)),
    ("2025-06-30", dt.date(2025, 6, 30)),
    ("Sept 2024", dt.date(2024, 9, 30)),
    ("by end of 2025/26", dt.date(2026, 3, 31)),
    ("by December 2025", dt.date(2025, 12, 31)),
    ("Feb 2024", dt.date(2024, 2, 29)),
    ("March 31, 2025", dt.date(2025, 3, 31)),
])
def test_target_dates(text, day):
    assert read_target(text).date == day


@pytest.mark.parametrize("text", ["ongoing", "TBC", "quarterly", "within 10 working days", "", "Q5 2025", "31/02/2025",
                                  "2025/27"])
def test_not_target_dates(text):
    assert read_target(text) is None


def test_first_date_in_a_line_is_the_target():
    target = find_target("Add info to the survey. September 2024 Completed 14 June 2024 ready for survey")
    assert (target.text, target.date) == ("September 2024", dt.date(2024, 9, 30))
    assert target.label() == "30/09/2024 (September 2024)"
    assert find_target("30/06/2025").label() == "30/06/2025"


_PIECES = st.sampled_from([
    "Q", "Q2 ", "2025/26", "/", "-", "30/", "06/", "2025", "June ", "end of ", "31 ", "March ", "st ", "of ",
    "\u00a0", "\n", "|", "6.2 ", "5.9, 6.4 ", "Status: ", "Target: ", "Action: ", "9999", "0", "00/00/0000", "Feb 29 ",
    "2024-02-30", "Q4 1999/00", "99/99/99", "\u2013", "'25",
])
_JUNK = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(_PIECES, st.text(max_size=10)), max_size=40).map("".join),
)


@settings(max_examples=300, deadline=None)
@given(junk=_JUNK)
def test_date_reader_never_raises_on_junk(junk):
    for found in (read_target(junk), find_target(junk)):
        assert found is None or isinstance(found.date, dt.date)
        if found is not None:
            found.label()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=st.lists(st.one_of(_PIECES, st.text(max_size=20)), max_size=40).map("".join),
       suffix=st.sampled_from([".txt", ".md"]))
def test_rules_never_raise_on_junk_plans(tmp_path, junk, suffix):
    path = tmp_path / f"improvement-plan{suffix}"
    path.write_text(junk, encoding="utf-8")
    try:
        document = read_document(path)
        run(document)
    except InputError:
        return  # an empty file, or a plan with no items: an input error, never a crash


# --- the generator ------------------------------------------------------------------------------------------


def test_committed_fixtures_match_the_generator(tmp_path):
    subprocess.run([sys.executable, str(GENERATOR), "--out", str(tmp_path)], check=True, capture_output=True)
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == sorted(p.name for p in FIXTURES.iterdir())
    for name in made:
        assert read_document(tmp_path / name).text() == read_document(FIXTURES / name).text(), (
            f"fixtures/improvement/{name} has drifted from fixtures/make_improvement.py: "
            "run `python fixtures/make_improvement.py`")


def test_tab_separated_text_keeps_blank_cells(tmp_path):
    path = tmp_path / "improvement-plan.txt"
    path.write_text("Improvement plan\nRef\tAction\tTarget\tStatus\n"
                    "6.2\tDaily check of new complaints\t30/06/2024\tIn progress\n"
                    "6.3\tWeekly tracking\tQ4 2024/25\tComplete\n"
                    "7.1\tRemedies guidance training\tOngoing\t\n", encoding="utf-8")
    plan = parse_plan(read_document(path))
    assert plan.layout == "table"
    assert run(read_document(path)) == [
        ("IP003", "7.1: the target 'Ongoing' is not a date (give a day, a month or a quarter)"),
        ("IP004", "7.1 has no status"),
        ("IP005", "6.2: target 30/06/2024 has passed and the status is 'In progress'"),
    ]


def test_a_status_ending_a_row_without_a_date():
    plan = parse_plan(text_document(["6.6 Escalation route explained in every stage 1 response Closed"]))
    (item,) = plan.items
    assert (item.action, item.status, item.target) == ("Escalation route explained in every stage 1 response", "Closed", None)


# --- plans as landlords lay them out (real text, issue: policies and letters on real text) ------


def test_a_row_whose_owner_and_status_read_like_column_names_is_an_item(tmp_path):
    """A row "6.3 | ... | Complaints Lead | In progress" has two cells that read like a header's
    ("Lead", "progress"); it starts with a provision number, so it is an item, never a header
    skipped in silence: both overdue rows are reported."""
    plan = tmp_path / "complaints-action-plan.md"
    plan.write_text(
        "# Complaints action plan\n\n"
        "| Code ref | Action | Owner | Target | Status |\n|---|---|---|---|---|\n"
        "| 6.3 | Weekly report of stage 1 replies due | Complaints Manager | June 2024 | In progress |\n"
        "| 6.14 | Weekly report of stage 2 replies due | Complaints Lead | June 2024 | In progress |\n",
        encoding="utf-8")
    code, findings, errors = check(str(plan))
    assert [(f["rule"], f["message"].split(":")[0]) for f in findings] == [("IP005", "6.3"), ("IP005", "6.14")]


def test_a_second_status_column_and_statuses_that_say_finished(tmp_path):
    """A RAG column then a 'Progress update' column: the update says it is done. 'Embedded in
    the case system' and 'Business as usual' say finished too."""
    plan = tmp_path / "improvement-plan.md"
    plan.write_text(
        "| Code ref | Action required | Target | RAG | Progress update |\n|---|---|---|---|---|\n"
        "| 5.6 | New acknowledgement letter with the complaint definition | Sept 2024 | Blue | Completed Nov 24, in use |\n"
        "| 2.1 | Complaints flagged in the case system | November 2024 | Green | Embedded in the case system |\n"
        "| 3.4 | Publicise the policy on every estate notice board | March 2025 | Green | Business as usual |\n"
        "| 6.9(g) | Stage 1 template to say how to escalate | January 2025 | Amber | Being drafted |\n",
        encoding="utf-8")
    code, findings, errors = check(str(plan))
    assert [(f["rule"], f["message"].split(":")[0]) for f in findings] == [("IP005", "6.9(g)")]


@pytest.mark.parametrize("written, date", [
    ("Q4 26/27", dt.date(2027, 3, 31)), ("Q3 24/25", dt.date(2024, 12, 31)),
    ("Nov-26", dt.date(2026, 11, 30)), ("Dec-2026", dt.date(2026, 12, 31)), ("Q4 26/28", None),
])
def test_short_quarters_and_spreadsheet_months_are_dates(written, date):
    target = read_target(written)
    assert (target.date if target else None) == date


@pytest.mark.parametrize("written, date", [
    ("Spring 2027", dt.date(2027, 5, 31)), ("by autumn 2026", dt.date(2026, 11, 30)),
    ("Summer of 2025", dt.date(2025, 8, 31)), ("Winter 2026", dt.date(2027, 2, 28)),
    ("winter 2026/27", dt.date(2027, 2, 28)),
])
def test_a_season_is_its_last_day(written, date):
    """A plan's "Spring 2027" is due at the end of May 2027; a winter runs into the next year, and
    the later reading is taken, so an action is never called late before its time."""
    assert read_target(written).date == date


def test_a_range_of_provisions_names_each_of_them():
    assert split_numbers("1.2-1.4 Define a complaint")[0] == ["1.2", "1.3", "1.4"]
    assert split_numbers("Provision 6.2 to 6.4 Timescales")[0] == ["6.2", "6.3", "6.4"]
    assert split_numbers("5.8 - 6.2 Fairness")[0] == ["5.8", "6.2"]  # across sections: its two ends
    assert split_numbers("6.2 - Acknowledge within five working days") == (["6.2"], "Acknowledge within five working days")


def test_a_date_the_action_speaks_of_is_not_the_target(tmp_path):
    """Pasted from a PDF, one row a line: 'after the April 2026 restructure' is part of the
    action; the target is the date before the status."""
    plan = tmp_path / "improvement-plan.txt"
    plan.write_text("Improvement plan\n2.5 Review the list of exclusions after the April 2026 restructure and remove any "
                    "blanket exclusion. March 2027 Not started\n", encoding="utf-8")
    (item,) = parse_plan(read_document(plan)).items
    assert (item.target_text, item.status) == ("March 2027", "Not started")


def test_an_action_still_to_be_confirmed_is_no_action_and_a_provision_named_as_such_starts_an_item(tmp_path):
    plan = tmp_path / "improvement-plan.md"
    plan.write_text(
        "| Code ref | Action | Target | Status |\n|---|---|---|---|\n"
        "| 5.14 | To be confirmed | June 2025 | Not started |\n"
        "| 6.1 | Triage checklist for vulnerable residents | June 2025 | Not started |\n", encoding="utf-8")
    code, findings, errors = check(str(plan))
    assert [(f["rule"], f["message"].split(" ")[0]) for f in findings] == [("IP002", "5.14")]
    assert split_numbers("Provision 8.5 - exceptional circumstances plan")[0] == ["8.5"]
    assert split_numbers("5.2 of our policy says we have two stages") is None  # prose
