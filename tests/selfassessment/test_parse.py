"""Reading self-assessment forms: entries, answers, layouts, the Code's words, the 2022 Code."""

from __future__ import annotations

import pytest

from codecheck.catalogue import load_catalogue
from codecheck.documents import Block, Document, read_document
from codecheck.selfassessment.parse import (
    IN_PROGRESS,
    NO,
    NOT_APPLICABLE,
    PARTIAL,
    UNCLEAR,
    YES,
    code_text,
    detect_2022,
    normalise_answer,
    parse_form,
    summarise,
    text_findings,
    words,
    wrong_text,
    _entry_start,
)
from codecheck.selfassessment.rules import has_date

from .conftest import SEED_000, SEED_001, needs_seeds, text_document

CODE = load_catalogue()


def code(number: str) -> str:
    p = CODE.provision(number)
    return " ".join([p.text.replace("\n- ", " "), *p.items.values()])


# --- small pieces -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Yes", YES), ("yes.", YES), ("Y", YES), ("Compliant", YES), ("Yes - see policy", YES),
        ("YesTo be implemented from 1 April 2024.", YES),
        ("No", NO), ("N", NO), ("Not compliant", NO), ("No. We will review", NO),
        ("In progress", IN_PROGRESS), ("In Progress", IN_PROGRESS), ("in-progress", IN_PROGRESS), ("Ongoing", IN_PROGRESS),
        ("Partial", PARTIAL), ("Partially", PARTIAL), ("Partially compliant", PARTIAL),
        ("N/A", NOT_APPLICABLE), ("Not applicable", NOT_APPLICABLE),
        ("", None), ("  ", None), ("Maybe later", UNCLEAR), ("No evidence yet", UNCLEAR),
    ],
)
def test_answers_are_normalised(text, kind):
    assert normalise_answer(text) == kind


@pytest.mark.parametrize(
    "text, expected",
    [
        ("6.3Landlords must issue a full response", ("6.3", None, "Landlords must issue a full response")),
        ("9.1", ("9.1", None, "")),
        ("6.10 If all or part of the complaint", ("6.10", None, "If all or part of the complaint")),
        ("1.2A complaint must be defined as", ("1.2", None, "A complaint must be defined as")),
        ("6.9(a) the complaint stage", ("6.9", "a", "the complaint stage")),
        ("Code section 1.2", ("1.2", None, "")),
        ("9.6The MRC will be responsible", ("9.6", None, "The MRC will be responsible")),
        ("5.2 of our policy explains this", None),
        ("31.03.2025 review date", None),
        ("6.30.2 something", None),
        ("Section 6: Complaint stages", None),
        ("a. the complaint stage;", None),
    ],
)
def test_entry_starts(text, expected):
    assert _entry_start(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "This is due to be published by March 25",
        "All staff trained by the end of October 2024.",
        "in place in October 2024",
        "Target: June 2025",
        "Planned for Q3 2024/25",
        "Review on 31/03/2025",
        "To be completed 2025-03-31",
        "to be delivered during 2024/25",
        "Policy rewritten within 3 months",
        "by the end of the financial year",
        "We will do this by October.",
        "1st of May",
    ],
)
def test_dates_to_comply(text):
    assert has_date(text)


@pytest.mark.parametrize(
    "text",
    [
        "We will look to add this into management objectives.",
        "Responses are sent within 10 working days.",
        "This may be reviewed.",
        "Stage 2 complaints are answered by a senior manager.",
        "",
        # a date that records something done is not a date to comply
        "The policy was reviewed in March 2025.",
        "Completed 2025-03-31",
        "Leaflet updated on 16 September 2024; the web page has not been.",
    ],
)
def test_not_dates(text):
    assert not has_date(text)


def test_words_ignore_quotes_item_letters_and_punctuation():
    assert words("a. the ‘complaint’ stage; b. (the) definition") == words("the 'complaint' stage the definition")


def test_copy_paste_names_the_provision_it_matches():
    codes = code_text()
    own = codes.match(words(code("6.14")), "6.3")
    others = codes.best(words(code("6.14")), exclude="6.3")
    assert wrong_text(own, others)[0] == "6.14"


@pytest.mark.parametrize("pair", [("6.5", "6.16"), ("6.6", "6.17"), ("6.7", "6.18")])
def test_the_code_repeating_itself_is_not_a_mismatch(pair):
    """6.16 has 6.5's words in the Code itself (and so on): no finding either way."""
    codes = code_text()
    for number, other in (pair, pair[::-1]):
        text = words(code(other))
        assert wrong_text(codes.match(text, number), codes.best(text, exclude=number)) is None


@pytest.mark.parametrize("a, b", [("6.4", "6.15"), ("6.9", "6.19"), ("6.3", "6.14"), ("6.2", "6.11")])
def test_near_twins_are_told_apart(a, b):
    codes = code_text()
    text = words(code(b))
    verdict = wrong_text(codes.match(text, a), codes.best(text, exclude=a))
    assert verdict is not None and verdict[0] == b


def test_noise_is_tolerated():
    """Wrapping, split words, dropped words, curly quotes: still the same provision."""
    codes = code_text()
    noisy = code("9.8").replace("co-operative", "co- operative").replace("complaints", "compl aints", 1)
    noisy = noisy.replace("relevant ", "", 1) + " complaints as set by any relevant professional body."
    text = words(noisy)
    assert wrong_text(codes.match(text, "9.8"), codes.best(text, exclude="9.8")) is None


# --- the seeds ---------------------------------------------------------------------------------


@needs_seeds
def test_seed_001_every_provision_in_order():
    form = parse_form(read_document(SEED_001))
    assert form.layout == "rows"
    assert [e.number for e in form.entries] == [p.number for p in CODE.provisions]
    assert form.superseded is None
    in_progress = {e.number for e in form.entries if e.answer == IN_PROGRESS}
    assert in_progress == {"1.6", "3.2", "8.3", "8.5", "9.2", "9.8"}
    assert all(e.answer == YES for e in form.entries if e.number not in in_progress)


@needs_seeds
def test_seed_001_wrapped_rows_are_rejoined():
    form = parse_form(read_document(SEED_001))
    entry = {e.number: e for e in form.entries}
    assert entry["1.4"].requirement.endswith("monitored and reviewed regularly.")
    assert "d. the reasons for any decisions made" in entry["6.19"].requirement
    assert "will re-do our self-assessment if this is agreed and in place in October 2024." in entry["8.3"].explanation
    # The page break put the start of 9.2's words on 9.1's row: moved back where they belong.
    assert entry["9.1"].requirement.endswith("learning from the complaint.")
    assert entry["9.2"].requirement.startswith("A positive complaint handling culture")
    # 9.8's sub-items came on lines of their own, without a leading tab.
    assert "act within the professional standards" in entry["9.8"].requirement
    assert entry["9.8"].block.line == 152 and entry["1.2"].block.location() == "line 6"
    for index, (own, _) in text_findings(form.entries).items():
        assert own.score >= 0.9, form.entries[index].number


@needs_seeds
def test_seed_000_glued_web_page():
    form = parse_form(read_document(SEED_000))
    assert form.layout == "lines"
    assert [e.number for e in form.entries] == [f"9.{i}" for i in range(1, 9)]
    assert all(e.answer == YES for e in form.entries)
    entry = {e.number: e for e in form.entries}
    assert entry["9.6"].requirement.endswith("report on their findings.")
    assert entry["9.6"].commentary.startswith("To be implemented from 1 April 2024.")
    assert entry["9.1"].commentary.startswith("Included within complaint handling training.")
    assert entry["9.3"].commentary.startswith("To be implemented from 1 April 2024 with feedback")
    assert "annual complaints performance and service improvement report" in entry["9.7"].requirement
    for own, _ in text_findings(form.entries).values():
        assert own.score >= 0.95


@needs_seeds
def test_summary_of_seed_001():
    summary = summarise(parse_form(read_document(SEED_001)))
    assert list(summary) == list(range(1, 10))
    assert summary[1] == {
        "title": "Definition of a complaint", "provisions": 5, YES: 4, NO: 0, IN_PROGRESS: 1, PARTIAL: 0,
        NOT_APPLICABLE: 0, UNCLEAR: 0, "unanswered": 0, "missing": [],
    }
    assert summary[8][IN_PROGRESS] == 2 and summary[9][IN_PROGRESS] == 2
    assert sum(s[YES] for s in summary.values()) == 66


@needs_seeds
def test_summary_of_seed_000():
    summary = summarise(parse_form(read_document(SEED_000)))
    assert summary[9][YES] == 8 and summary[9]["missing"] == []
    assert summary[6]["missing"] == [f"6.{i}" for i in range(1, 21)]


# --- layouts held in memory --------------------------------------------------------------------


def test_everything_glued_on_one_line():
    doc = text_document([
        "9.6The MRC will be responsible for ensuring the governing body receives regular information on "
        "complaints that provides insight on the landlord's complaint handling performance. This person must "
        "have access to suitable information and staff to perform this role and report on their findings."
        "YesTo be implemented from 1 April 2024.",
    ])
    [entry] = parse_form(doc).entries
    assert entry.answer == YES
    assert entry.requirement.endswith("their findings.")
    assert entry.commentary == "To be implemented from 1 April 2024."


def test_answer_on_its_own_line_and_wrapped_requirement():
    doc = text_document([
        "6.3",
        "Landlords must issue a full response to stage 1 complaints within 10",
        "working days of the complaint being acknowledged.",
        "In progress",
        "New letter templates go live by June 2025.",
        "6.4Landlords must decide whether an extension to this timescale is needed",
    ])
    first, second = parse_form(doc).entries
    assert (first.number, first.answer) == ("6.3", IN_PROGRESS)
    assert first.requirement == code("6.3")
    assert first.commentary == "New letter templates go live by June 2025."
    assert first.block.line == 1 and second.block.line == 6
    assert second.answer is None


def test_blank_answer_keeps_commentary_out_of_the_requirement():
    doc = text_document([
        "7.2",
        "Any remedy offered must reflect the impact on the resident as a result of any",
        "fault identified.",
        "Complaints policy, section 7",
        "Remedies are checked by the team leader.",
    ])
    [entry] = parse_form(doc).entries
    assert entry.answer is None
    assert entry.requirement == code("7.2")
    assert entry.commentary == "Complaints policy, section 7 Remedies are checked by the team leader."


def test_bulleted_sub_items_belong_to_the_requirement():
    lines = ["6.9Landlords must confirm the following in writing to the resident at the completion of stage 1 in clear, plain language:"]
    lines += [f"\u2022 {key}. {text};" for key, text in CODE.provision("6.9").items.items()]
    lines += ["Yes", "Letter template S1."]
    [entry] = parse_form(text_document(lines)).entries
    assert entry.answer == YES and entry.commentary == "Letter template S1."
    assert "details of how to escalate the matter to stage 2" in entry.requirement


def test_docx_cells_without_an_answer_cell():
    """python-docx gives one block per non-empty cell: a blank answer cell leaves no block."""
    cells = ["Code provision", "Code requirement", "Comply", "Evidence", "Commentary",
             "6.2", code("6.2"), "Yes", "Policy 4.1", "Letters sent by the system.",
             "6.3", code("6.3"), "Policy 4.2", "Checked monthly.",
             "6.4", code("6.4"), "No", "Extension letters being rewritten by May 2025."]
    doc = Document(path="sa.docx", format="docx",
                   blocks=[Block(text=c, paragraph=3, part="table") for c in cells])
    form = parse_form(doc)
    assert form.layout == "cells"
    got = [(e.number, e.answer, e.evidence, e.commentary) for e in form.entries]
    assert got == [
        ("6.2", YES, "Policy 4.1", "Letters sent by the system."),
        ("6.3", None, "Policy 4.2", "Checked monthly."),
        ("6.4", NO, "", "Extension letters being rewritten by May 2025."),
    ]


def build_interleaved_pdf(path, numbers, answers):
    """A table drawn line by line across the columns, as word processors export it: the text
    layer reads "6.3 Landlords must issue ... working Policy 6" (columns mixed on each line)."""
    import textwrap

    from fpdf import FPDF

    pdf = FPDF(orientation="L")
    pdf.set_font("helvetica", size=9)
    pdf.add_page()
    widths, wraps, line_height, y = (18, 120, 22, 60), (6, 80, 12, 38), 5, 20
    rows = [("Code provision", "Code requirement", "Comply", "Evidence")]
    rows += [(n, CODE.provision(n).text, answers.get(n, "Yes"), f"Complaints policy section {n[0]} and the staff procedure")
             for n in numbers]
    for row in rows:
        columns = [textwrap.wrap(text, width) or [""] for text, width in zip(row, wraps)]
        lines = max(len(column) for column in columns)
        x = 10
        for width in widths:
            pdf.rect(x, y, width, lines * line_height + 2)
            x += width
        for i in range(lines):
            x = 10
            for column, width in zip(columns, widths):
                if i < len(column):
                    pdf.text(x + 1, y + 4 + i * line_height, column[i])
                x += width
        y += lines * line_height + 2
    pdf.output(str(path))
    return path


def test_pdf_whose_text_layer_mixes_columns_is_read_by_its_table(tmp_path):
    path = build_interleaved_pdf(tmp_path / "self-assessment.pdf", ["6.1", "6.2", "6.3", "6.4"], {"6.3": ""})
    form = parse_form(read_document(path))
    assert form.layout == "pdf-tables"
    assert [(e.number, e.answer) for e in form.entries] == [("6.1", YES), ("6.2", YES), ("6.3", None), ("6.4", YES)]
    assert form.entries[2].requirement == code("6.3")
    assert form.entries[2].evidence == "Complaints policy section 6 and the staff procedure"
    assert [e.block.line for e in form.entries] == [4, 10, 12, 14]  # where each number is on the page


def test_junk_gives_no_entries():
    assert parse_form(text_document(["Hello", "12.5 per cent", "Page 1 of 2"])).entries == []


# --- the 2022 Code ---------------------------------------------------------------------------------


def test_2022_by_section_names_and_third_stage():
    doc = text_document([
        "Section 4: Complaint handling principles",
        "4.1Landlords must acknowledge complaints within five days.",
        "Yes",
        "Section 5: Complaint stages",
        "5.13Where a landlord has a third stage the response must be sent within 20 working days.",
        "Yes",
        "Section 7: Continuous learning and improvement",
    ])
    found = detect_2022(parse_form(doc))
    assert found is not None
    assert any("third complaint stage" in r for r in found.reasons)
    assert any("numbered and named as in the 2022 Code" in r for r in found.reasons)


def test_2022_by_its_headings():
    doc = text_document(["Mandatory 'must' requirements", "1.2A complaint must be defined as anything.", "Yes",
                         "Best practice \u2018should\u2019 requirements"])
    assert detect_2022(parse_form(doc)) is not None


def test_2024_headings_are_not_2022():
    doc = text_document([
        "Complaint Handling Code self-assessment 2024",
        "Section 3: Accessibility and awareness",
        "Section 9: Scrutiny & oversight: continuous learning and improvement",
        "9.1Landlords must look beyond the circumstances of the individual complaint and consider whether "
        "service improvements can be made as a result of any learning from the complaint.",
        "Yes",
    ])
    assert detect_2022(parse_form(doc)) is None


def test_one_weak_signal_is_not_enough():
    doc = text_document(["Appendix B", "6.3Landlords must issue a full response to stage 1 complaints within 10 "
                         "working days of the complaint being acknowledged.", "Yes"])
    assert detect_2022(parse_form(doc)) is None


def test_2022_by_numbers_the_2024_code_does_not_have():
    """The 2022 Code's section 1 ran to 1.9 (exclusions were in it); the 2024 Code's stops at 1.6."""
    doc = text_document([
        "Explanations must be provided where a mandatory 'must' requirement is not met.",
        "1.7A landlord must accept a complaint unless there is a valid reason not to do so.YesWe do.",
        "1.8A complaints policy must clearly set out the circumstances in which a matter will not be considered.YesIt does.",
    ])
    found = detect_2022(parse_form(doc))
    assert found is not None
    assert any("provisions the 2024 Code does not have (1.7, 1.8)" in r for r in found.reasons)
    assert found.block.line == 1


# --- forms as landlords publish them (real layouts, read in the shapes found, own evidence) ----


@pytest.mark.parametrize("text, kind", [("\u2714", YES), ("\u2713", YES), ("\u2611", YES), ("\u2717", NO),
                                        ("\u2714 Complaints policy, part 2", YES), ("Yes \u2713", YES)])
def test_a_tick_or_a_cross_is_an_answer(text, kind):
    assert normalise_answer(text) == kind


def test_a_row_split_over_lines_that_end_in_pipes():
    """A web page's table saved as text: the number, the requirement and 'Yes | evidence |' each
    on a line of its own, each ending in a pipe."""
    doc = text_document([
        "6.3 |",
        "Landlords must issue a full response to stage 1 complaints within 10 working days of the complaint "
        "being acknowledged. |",
        "Yes | Complaints policy, part 4 | Checked in the quarterly audit. |",
        "6.4 |",
        "Landlords must decide whether an extension to this timescale is needed when considering the "
        "complexity of the complaint and then inform the resident of the expected timescale for response. "
        "Any extension must be no more than 10 working days without good reason, and the reason(s) must be "
        "clearly set out in the extension letter. |",
        "No | | The extension letter is being rewritten. |",
    ])
    first, second = parse_form(doc).entries
    assert (first.number, first.answer, second.number, second.answer) == ("6.3", YES, "6.4", NO)


def test_a_reference_in_the_evidence_wrapped_onto_a_line_of_its_own_is_not_a_row():
    """Evidence pasted from a PDF, the policy's paragraph number wrapped: '... Yes Policy paragraph'
    then '6.4', or written 'paragraph 6.4' at the start of a line."""
    doc = text_document([
        "6.3 Landlords must issue a full response to stage 1 complaints within 10 working days of the",
        "complaint being acknowledged. Yes Policy paragraph",
        "6.4",
        "6.4 Landlords must decide whether an extension to this timescale is needed when considering the",
        "complexity of the complaint and then inform the resident of the expected timescale for response. Yes",
        "Extension letter template, see",
        "paragraph 6.5",
    ])
    entries = parse_form(doc).entries
    assert [(e.number, e.answer) for e in entries] == [("6.3", YES), ("6.4", YES)]


def test_the_2024_codes_rows_under_the_old_forms_introduction_are_the_2024_code():
    """An 'Appendix B' introduction kept from the 2022 template ('... where a mandatory must
    requirement is not met'), over rows that are the 2024 Code's words under their 2024 numbers."""
    numbers = ["1.2", "1.3", "1.4", "1.5", "1.6", "2.1", "2.2", "2.3", "2.4", "2.5", "3.1", "3.2"]
    lines = ["Appendix B - Self-assessment form",
             "Explanations must be given where a mandatory 'must' requirement is not met."]
    for number in numbers:
        lines += [f"{number} {code(number)}", "Yes"]
    assert detect_2022(parse_form(text_document(lines))) is None
