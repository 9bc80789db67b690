"""Self-assessment forms in the layouts landlords really publish (our own words, in their shapes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from codecheck.documents.readers import read_document
from codecheck.selfassessment.parse import NO, NOT_APPLICABLE, YES, detect_2022, normalise_answer, parse_form


def form_of(tmp_path: Path, text: str, name: str = "self-assessment.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_form(read_document(path))


def test_pipe_rows_in_a_text_file_without_a_leading_pipe_and_a_wrapped_cell(tmp_path):
    form = form_of(tmp_path, (
        "Section 1 - Definition of a complaint\n"
        "Code provision | Code requirement | Comply: Yes/No | Evidence | Commentary |\n"
        "1.2 | A complaint must be defined as: | Yes |\n"
        "| Our complaints policy gives the definition in full. |\n"
        "1.3 | A resident does not have to use the word 'complaint' for it to be treated as such. | Yes |\n"
        "| Staff training covers this. |\n"
        "1.4 | Landlords must recognise the difference between a service request and a complaint. | No |"
        " Not yet in the policy; added by June 2025. |\n"))
    got = {e.number: (e.answer, e.requirement, e.evidence) for e in form.entries}
    assert got["1.2"] == ("yes", "A complaint must be defined as:", "Our complaints policy gives the definition in full.")
    assert got["1.3"][0] == "yes" and got["1.3"][2] == "Staff training covers this."
    assert got["1.4"][0] == "no"


def test_a_requirement_cut_over_two_lines_beside_rows_on_one_line(tmp_path):
    """A form that writes most rows on one line and cuts a long requirement after a pipe
    ("1.2 | A complaint must ... actions |" then "| or lack of action ... | Yes | ... |"): the
    cut row has more cells than the header, so the first goes on with the requirement, and
    the answer stays in the answer column (it was read as the requirement's end: no answer)."""
    form = form_of(tmp_path, (
        "Provision | Requirement | Comply | Evidence |\n"
        "1.2 | A complaint must be defined as an expression of dissatisfaction, however made, about the "
        "standard of service, actions |\n"
        "| or lack of action by the landlord. | Yes | Policy, section 2 |\n"
        "1.3 | A resident does not have to use the word 'complaint' for it to be treated as such. | Yes | Policy, section 3 |\n"
        "1.4 | Landlords must recognise the difference between a service request and a complaint. | No | Not yet |\n"))
    got = {e.number: (e.answer, e.requirement, e.evidence) for e in form.entries}
    assert got["1.2"] == ("yes", "A complaint must be defined as an expression of dissatisfaction, however made, "
                                 "about the standard of service, actions or lack of action by the landlord.",
                          "Policy, section 2")
    assert got["1.3"][0] == "yes" and got["1.4"][0] == "no"


def test_a_row_cut_after_its_number_is_still_a_row(tmp_path):
    form = form_of(tmp_path, (
        "Code section | Code requirement | Comply (Yes/No) | Evidence |\n---|---|---|---|\n"
        "5.1 | Landlords must have a single policy in place for dealing with complaints. | Yes | One policy. |\n"
        "5.2 | It is not appropriate to have extra named stages. | Yes | Two stages only. |\n"
        "5.3 | A process with more than two stages is not acceptable. | Yes | Two stages. |\n"
        "5.4 | Where a landlord's compl"))
    assert [e.number for e in form.entries] == ["5.1", "5.2", "5.3", "5.4"]


@pytest.mark.parametrize("line, answer", [
    ("Compliance:   YES", "yes"), ("Do we comply  Yes", "yes"), ("Comply (Yes/No): No", "no"),
    ("Status - In progress", "in_progress"), ("Compliance: N", "no"), ("Y", "yes"), ("Fully compliant", "yes"),
])
def test_answers_after_a_label_or_in_one_letter(line, answer):
    assert normalise_answer(line) == answer


def test_a_labelled_answer_in_a_page_of_headed_blocks(tmp_path):
    form = form_of(tmp_path, (
        "1.2 - Definition of a complaint\n\nCode requirement\n\n"
        "A complaint must be defined as an expression of dissatisfaction, however made.\n\n"
        "Compliance:   YES\n\nEvidence\n\nThe policy gives the definition.\n"))
    (entry,) = form.entries
    assert entry.answer == "yes"


def test_a_paragraph_number_quoted_in_the_evidence_is_not_a_code_row(tmp_path):
    form = form_of(tmp_path, (
        "6.13 The final response at stage 2 must be given by a different person than at stage 1.\nYes\n"
        "Our procedure says:\n"
        "5.1 A team leader or another officer we name will look into the complaint at stage 1 of the process.\n"
        "6.14 Landlords must respond to the stage 2 complaint within 20 working days of the complaint being "
        "acknowledged.\nYes\n"))
    assert [e.number for e in form.entries] == ["6.13", "6.14"]
    assert "team leader" in form.entries[0].commentary


def test_a_summary_of_musts_and_shoulds_is_the_superseded_code(tmp_path):
    form = form_of(tmp_path, (
        "Our self-assessment\n\n"
        "The Ombudsman's Code sets out 'musts' (mandatory) and 'shoulds' (discretionary) for complaint handling.\n\n"
        "We must:\n\n  \u2022 Define a complaint as an expression of dissatisfaction, however made\n"))
    superseded = detect_2022(form)
    assert superseded is not None and any("'shoulds'" in r for r in superseded.reasons)


def test_the_2020_question_form_is_the_superseded_code(tmp_path):
    form = form_of(tmp_path, (
        "Section 1: Definition of a complaint\n"
        "1.1 Does the complaints process use the definition of a complaint set out in the Code? | Yes | Policy 2\n"
        "1.2 Does the policy separate service requests from complaints? | Yes | Policy 3\n"
        "1.3 Is there a way for a resident to raise a complaint through someone acting for them? | Yes | Policy 4\n"
        "1.4 Are residents told about the complaints process in leaflets? | No | To do\n"))
    superseded = detect_2022(form)
    assert superseded is not None
    assert any("2020 Code form's questions" in r for r in superseded.reasons)


def test_a_2024_form_whose_commentary_asks_a_question_is_not_superseded(tmp_path):
    form = form_of(tmp_path, (
        "Code provision | Code requirement | Comply | Evidence |\n---|---|---|---|\n"
        "1.2 | A complaint must be defined as an expression of dissatisfaction, however made. | Yes | Is the policy clear? We think so. |\n"
        "1.3 | A resident does not have to use the word 'complaint' for it to be treated as such. | Yes | Training. |\n"
        "1.4 | Landlords must recognise the difference between a service request and a complaint. | Yes | Policy. |\n"))
    assert detect_2022(form) is None


@pytest.mark.parametrize("explanation, expect", [
    ("The new extension letter will be in place by March 2025.", ["SA008"]),
    ("The new extension letter will be in place by June 2025.", []),
    ("The policy was reviewed in March 2025; nothing else is planned.", ["SA004"]),
    ("Reviewed on 01/02/2025. The new section will be added by end of May 2025.", []),
])
def test_a_date_to_comply_that_has_passed_and_a_date_that_only_records(tmp_path, explanation, expect):
    from click.testing import CliRunner

    from codecheck.cli import main

    path = tmp_path / "self-assessment.md"
    path.write_text(
        "| Provision | Requirement | Comply | Evidence |\n|---|---|---|---|\n"
        "| 6.2 | Complaints must be acknowledged, defined and logged at stage 1 within five working days | Yes | Policy 4 |\n"
        "| 6.3 | A full response to stage 1 complaints must be issued within 10 working days | Yes | Policy 5 |\n"
        "| 6.4 | Where an extension is made, the landlord must tell the resident the reason | In progress | "
        + explanation + " |\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path), "--as-of", "2025-04-30", "--select", "SA004,SA008",
                                       "--format", "json"])
    import json

    rules = [f["rule"] for f in json.loads(result.output)["findings"]]
    assert rules == expect, result.output


def test_a_row_whose_number_the_page_lost_is_not_missing(tmp_path):
    from click.testing import CliRunner

    from codecheck.cli import main
    import json

    path = tmp_path / "self-assessment.md"
    path.write_text(
        "| Provision | Requirement | Comply | Evidence |\n|---|---|---|---|\n"
        "| 6.2 | Complaints must be acknowledged, defined and logged at stage 1 of the complaints procedure "
        "within five working days of the complaint being received. | Yes | Policy 4 |\n"
        "|  | Landlords must issue a full response to stage 1 complaints within 10 working days of the "
        "complaint being acknowledged. | Yes | Policy 5 |\n"
        "| 6.4 | Landlords must inform the resident of the expected timescale for response if an extension "
        "beyond 10 working days is needed | Yes | Letter 7 |\n"
        "| 6.5 | When an organisation informs a resident about an extension, they must provide the contact "
        "details of the Ombudsman. | Yes | Letter 7 |\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path), "--select", "SA001", "--format", "json"])
    findings = json.loads(result.output)["findings"]
    about_63 = [f for f in findings if f["message"].startswith("6.3")]
    assert [(f["severity"], f["line"]) for f in about_63] == [("info", 4)]
    assert "without its number" in about_63[0]["message"]


def test_an_html_table_answered_y_and_n_in_its_own_column(tmp_path):
    """A web page's table with a 'Comply' column holding only "Y" or "N": each row's answer is in
    that column, not "no answer" (an error a landlord refutes by pointing at its own cell)."""
    form = form_of(tmp_path, (
        "<h2>Section 1: Definitions</h2><table>"
        "<tr><th>Provision</th><th>Code requirement</th><th>Comply: Yes/No</th><th>Evidence and commentary</th></tr>"
        "<tr><td>1.2</td><td>A complaint must be defined as an expression of dissatisfaction, however made.</td>"
        "<td>Y</td><td>Our policy uses the definition.</td></tr>"
        "<tr><td>1.3</td><td><p>A resident does not have to use the word 'complaint' for it to be treated as such.</p>"
        "</td><td>N</td><td>To be added by 31 March 2026.</td></tr></table>"), name="self-assessment.html")
    got = {e.number: (e.answer, e.evidence or e.commentary) for e in form.entries}
    assert got["1.2"][0] == "yes" and got["1.3"][0] == "no", got


def test_a_word_table_answered_y_and_n_in_its_own_column(tmp_path):
    """The same in a Word table: a cell that is nothing but "Y", "N" or "N/A" is the row's answer."""
    import docx

    d = docx.Document()
    d.add_paragraph("Section 1: Definitions")
    rows = [("Provision", "Code requirement", "Comply: Yes/No", "Evidence"),
            ("1.2", "A complaint must be defined as an expression of dissatisfaction, however made.", "Y", "Policy 2."),
            ("1.3", "A resident does not have to use the word 'complaint' for it to be treated as such.", "N",
             "Training by March."),
            ("1.6", "If landlords decide to seek feedback through surveys, residents must be told how to complain.",
             "N/A", "We run no surveys.")]
    table = d.add_table(rows=len(rows), cols=4)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    path = tmp_path / "self-assessment.docx"
    d.save(path)
    form = parse_form(read_document(path))
    got = {e.number: e.answer for e in form.entries}
    assert got == {"1.2": YES, "1.3": NO, "1.6": NOT_APPLICABLE}, got


def test_an_answer_alone_on_its_line_under_a_label(tmp_path):
    """A web page's form as text: "Comply" on one line, "Y" or "N" on the next."""
    form = form_of(tmp_path, (
        "Section 1\n\nCode provision 1.2\n\nCode requirement\n\nA complaint must be defined as an expression of "
        "dissatisfaction, however made.\n\nComply\n\nY\n\nEvidence\n\nOur policy.\n\n"
        "Code provision 1.3\n\nCode requirement\n\nA resident does not have to use the word complaint.\n\n"
        "Comply\n\nN\n\nEvidence\n\nTraining by March 2027.\n"))
    got = {e.number: e.answer for e in form.entries}
    assert got == {"1.2": YES, "1.3": NO}, got
