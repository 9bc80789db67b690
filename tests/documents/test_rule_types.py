"""The document rule engine: normalisation and matching, numbers as words, the
five rule types on inline snippets (both ways), and the pack loader's errors."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from codecheck.documents.matching import (
    Text,
    compile_pattern,
    find_amounts,
    normalize,
    parse_number,
    split_sentences,
)
from codecheck.documents.model import Block, Document
from codecheck.documents.packs import load_pack, load_packs
from codecheck.errors import ConfigError

# -- helpers ----------------------------------------------------------------------------


def snippet(text: str, fmt: str = "text") -> Document:
    """A document of one block per non-blank line, as the text reader makes."""
    lines = textwrap.dedent(text).strip("\n").split("\n")
    blocks = [Block(text=" ".join(line.split()), line=n) for n, line in enumerate(lines, 1) if line.strip()]
    return Document(path="snippet.txt", format=fmt, blocks=blocks)


def write_pack(root: Path, body: str, name: str = "test.yaml", folder: str = "letters") -> Path:
    path = root / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


COMMON = """\
name: {name}
provision: {provision}
type: {type}
summary: "s"
message: "{message}"
rationale: "r"
breach_example: "b"
compliant_example: "c"
"""


def rule_yaml(rule_id: str, type_: str, extra: str, *, name: str | None = None, provision: str = '"6.9(g)"',
              message: str = "m", kinds: str = "[stage1_response]") -> str:
    head = f"kinds: {kinds}\nrules:\n  {rule_id}:\n"
    common = textwrap.indent(
        COMMON.format(name=name or f"rule-{rule_id.lower()}", provision=provision, type=type_, message=message), "    "
    )
    return head + common + textwrap.indent(textwrap.dedent(extra), "    ")


def one_rule(tmp_path: Path, type_: str, extra: str, **kw):
    write_pack(tmp_path, rule_yaml("XT100", type_, extra, **kw))
    (rule,) = load_packs(tmp_path)
    return rule


def findings(rule, document: Document) -> list[tuple[str | None, str]]:
    out: list[tuple[str | None, str]] = []

    def emit(block, message, *, severity=None):
        out.append((block.text if block is not None else None, message))

    rule.check(document, None, emit)
    return out


# -- normalisation ------------------------------------------------------------------------


def test_normalize_quotes_dashes_case_space_and_hyphenation():
    raw = "We\u2019ll \u201cRESPOND\u201d \u2013 within\u00a0ten\n\n working\u00addays; com-\nplaint \ufb01le"
    assert normalize(raw) == "we'll \"respond\" - within ten workingdays; complaint file"


def test_pattern_space_matches_any_whitespace_run():
    regex = compile_pattern("stage 2")
    assert regex.search("escalate to STAGE\n\t 2 now")
    assert compile_pattern("pre-? ?complaint").search("a pre-complaint") and compile_pattern("pre-? ?complaint").search("a precomplaint")
    # curly quotes and dashes in a pattern match their straight forms in the text
    assert compile_pattern("we don\u2019t have").search(normalize("We don't have"))


def test_phrase_wrapped_across_lines_and_pages_maps_to_its_first_block():
    blocks = [
        Block(text="You can ask us to escalate your complaint to", page=1, line=30),
        Block(text="stage", page=1, line=31),
        Block(text="2 of our process.", page=2, line=1),
    ]
    text = Text.from_blocks(blocks)
    (hit,) = list(text.finditer("complaint to stage 2"))
    assert hit.block is blocks[0]
    assert text.block_at(text.text.index("2 of our")) is blocks[2]


def test_word_hyphenated_across_a_line_break_is_rejoined():
    text = Text.from_string("We will respond to your com-\nplaint within ten working days.")
    assert "your complaint within" in text.text
    hit = text.search(["complaint within"])
    assert hit.block.line == 1


def test_paragraph_breaks_end_sentences_but_wrapped_lines_do_not():
    text = Text.from_string("Stage 0\n\nWe do not use it\nany more. Next one.")
    sentences = [text.text[a:b] for a, b in text.sentences]
    assert sentences == ["stage 0", "we do not use it any more.", "next one."]


def test_sentence_split_keeps_abbreviations_together():
    text = normalize("Write to P.O. Box 1484, e.g. by post. Or call us on 0300 111 3000. Thanks!")
    parts = [text[a:b] for a, b in split_sentences(text)]
    assert parts == ["write to p.o. box 1484, e.g. by post.", "or call us on 0300 111 3000.", "thanks!"]


# -- numbers and amounts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "words, value",
    [("5", 5), ("five", 5), ("ten", 10), ("Fifteen", 15), ("twenty", 20), ("twenty-five", 25),
     ("twenty five", 25), ("thirty", 30), ("a", 1), ("eleventy", None), ("", None)],
)
def test_parse_number(words, value):
    assert parse_number(words) == value


@pytest.mark.parametrize(
    "text, working_days, unit",
    [
        ("within 10 working days", 10, "working days"),
        ("within ten (10) business days", 10, "working days"),
        ("within twenty-five work days", 25, "working days"),
        ("within fifteen working-days", 15, "working days"),
        ("a further 10 working days", 10, "working days"),
        ("within 3 weeks", 15, "weeks"),
        ("within six weeks", 30, "weeks"),
        ("within a fortnight", 10, "weeks"),
        ("within 10 calendar days", None, "calendar days"),
        ("within 14 days", None, "days"),
    ],
)
def test_find_amounts(text, working_days, unit):
    (amount,) = find_amounts(normalize(text))
    assert (amount.working_days, amount.unit) == (working_days, unit)


def test_amounts_ignore_numbers_that_are_not_durations():
    assert find_amounts(normalize("call 0300 111 3000 or see page 10; 1.5 days; £10 days")) == []


# -- requires ---------------------------------------------------------------------------------


def test_requires_any_of(tmp_path):
    rule = one_rule(tmp_path, "requires", "any_of: ['\\bstage[ -]?(2|two)\\b', 'second stage']\n",
                    message="no details of how to escalate the complaint to stage 2")
    assert findings(rule, snippet("If you are unhappy, you can ask for\nstage\n2 of our process.")) == []
    assert findings(rule, snippet("Ask for the second  stage.")) == []
    assert findings(rule, snippet("Please contact us with any questions.")) == [
        (None, "no details of how to escalate the complaint to stage 2")
    ]


def test_requires_all_of_names_what_is_missing(tmp_path):
    rule = one_rule(tmp_path, "requires", """\
        all_of: [['understand'], ['would like']]
        names: ['our understanding', 'the outcome sought']
        """, message="missing {missing}")
    assert findings(rule, snippet("We understand the problem. You would like it fixed.")) == []
    assert findings(rule, snippet("We understand the problem.")) == [(None, "missing the outcome sought")]
    assert findings(rule, snippet("Hello.")) == [(None, "missing our understanding and the outcome sought")]


def test_requires_within_a_heading(tmp_path):
    rule = one_rule(tmp_path, "requires", "any_of: ['ombudsman']\nwithin: 'next steps'\n")
    doc = Document(path="x.md", format="markdown", blocks=[
        Block(text="Intro", line=1, heading="Intro"),
        Block(text="The Ombudsman is independent.", line=2, heading="Intro"),
        Block(text="Next steps", line=3, heading="Next steps"),
        Block(text="Call us.", line=4, heading="Next steps"),
    ])
    assert len(findings(rule, doc)) == 1
    doc.blocks.append(Block(text="Or the Housing Ombudsman.", line=5, heading="Next steps"))
    assert findings(rule, doc) == []


def test_requires_in_one_sentence(tmp_path):
    rule = one_rule(tmp_path, "requires", """\
        scope: sentence
        all_of: [['respond'], ['\\b\\d{1,2} (march|april)\\b']]
        """)
    assert findings(rule, snippet("Date: 3 March 2025\n\nWe will respond as soon as we can.")) != []
    assert findings(rule, snippet("We will now\nrespond by 28 March 2025.")) == []
    # the cells of one Word table read as one run of text; separate paragraphs do not
    table = Document(path="x.docx", format="docx", blocks=[
        Block(text="Your complaint", paragraph=2),
        Block(text="We will respond by", paragraph=3, part="table"),
        Block(text="14 March 2025", paragraph=3, part="table"),
    ])
    assert findings(rule, table) == []
    paragraphs = Document(path="x.docx", format="docx", blocks=[
        Block(text="We will respond", paragraph=2), Block(text="14 March 2025", paragraph=3)])
    assert findings(rule, paragraphs) != []


# -- forbids ------------------------------------------------------------------------------------

FORBIDS = """\
patterns: ['\\bstage[ -]?(0|zero)\\b', '\\binformal (complaint|stage)s?\\b', '\\bpre-? ?complaints?\\b']
unless: ['\\b(do|does) not (have|use)\\b', '\\bno longer\\b', '\\b(don''t|doesn''t)\\b']
"""


def test_forbids_each_match_located_at_its_block(tmp_path):
    rule = one_rule(tmp_path, "forbids", FORBIDS, message="extra stage '{match}'")
    doc = snippet("""\
        Dear resident,
        We logged this as an Informal
        Complaint on Monday. It is now at Stage Zero.
        Our pre\u2011complaint team will call.
    """)
    assert findings(rule, doc) == [
        ("We logged this as an Informal", "extra stage 'Informal Complaint'"),
        ("Complaint on Monday. It is now at Stage Zero.", "extra stage 'Stage Zero'"),
        ("Our pre\u2011complaint team will call.", "extra stage 'pre-complaint'"),
    ]


def test_forbids_the_same_words_twice_in_one_paragraph_are_one_finding(tmp_path):
    rule = one_rule(tmp_path, "forbids", FORBIDS, message="extra stage '{match}'")
    doc = snippet("We logged it at stage 0. If stage 0 does not settle it, we open stage 1. Stage Zero is quick.")
    assert findings(rule, doc) == [
        ("We logged it at stage 0. If stage 0 does not settle it, we open stage 1. Stage Zero is quick.", "extra stage 'stage 0'"),
        ("We logged it at stage 0. If stage 0 does not settle it, we open stage 1. Stage Zero is quick.", "extra stage 'Stage Zero'"),
    ]


@pytest.mark.parametrize("text", [
    "We do not have an informal stage.",
    "We don\u2019t use a \u201cstage 0\u201d any more.",
    "There was a pre-complaint stage, but we no longer use it.",
])
def test_forbids_negated_in_the_same_sentence_is_not_a_finding(tmp_path, text):
    rule = one_rule(tmp_path, "forbids", FORBIDS)
    assert findings(rule, snippet(text)) == []


def test_forbids_negation_in_another_sentence_does_not_excuse(tmp_path):
    rule = one_rule(tmp_path, "forbids", FORBIDS)
    assert len(findings(rule, snippet("We do not have long waits. Your informal complaint is logged."))) == 1


# -- timescale ----------------------------------------------------------------------------------

TIMESCALE = """\
step: ['\\b(respond|response|reply)']
unless: ['\\bstage[ -]?(2|two)\\b', '\\bextend']
allow:
  - when: ['\\b(of|from) (the date )?(we )?receiv']
    max_working_days: 15
max_working_days: 10
"""


@pytest.mark.parametrize("text, amount", [
    ("We will respond within 15 working days.", "15 working days"),
    ("We aim to send our full\nresponse within fifteen business days.", "fifteen business days"),
    ("You will receive our reply within three weeks.", "three weeks (15 working days)"),
    ("We will respond within twenty-five (25) working days of receiving your complaint.", "twenty-five (25) working days"),
])
def test_timescale_breaches(tmp_path, text, amount):
    rule = one_rule(tmp_path, "timescale", TIMESCALE, message="response within {amount}; allowed {max}")
    found = findings(rule, snippet(text))
    assert len(found) == 1
    assert found[0][1].startswith(f"response within {amount}; allowed ")


@pytest.mark.parametrize("text", [
    "We will respond within 10 working days.",
    "We will respond within ten business days.",
    "We will respond within 2 weeks.",
    "We will respond within 14 calendar days.",        # calendar days are not compared
    "We will respond within 20 days.",                 # nor plain days
    "We will respond within 15 working days of receiving your complaint.",  # from receipt: 5 + 10
    "If you ask for stage 2 we will respond within 20 working days.",      # another step
    "We may extend the response time by up to 20 working days.",          # an extension
    "We will acknowledge it within 5 working days. We aim to resolve repairs in 28 days.",
])
def test_timescale_compliant(tmp_path, text):
    rule = one_rule(tmp_path, "timescale", TIMESCALE)
    assert findings(rule, snippet(text)) == []


def test_timescale_finding_is_located_where_the_amount_is(tmp_path):
    rule = one_rule(tmp_path, "timescale", TIMESCALE)
    doc = snippet("Dear Jo,\nThank you. We will send our response within\n20 working days.")
    assert [block for block, _ in findings(rule, doc)] == ["20 working days."]


def test_timescale_step_and_allow_can_read_the_heading(tmp_path):
    """`read_heading: true`: step and allow.when see the heading in front of the sentence;
    `unless_heading` skips sentences under a heading; `unless` still reads the sentence only."""
    rule = one_rule(tmp_path, "timescale", """\
        step: ['\\b(respond|response)']
        read_heading: true
        unless: ['\\bextend']
        unless_heading: ['\\bstage 2\\b']
        allow:
          - when: ['\\bstage 1\\b.*\\brespon']
            max_working_days: 10
        max_working_days: 20
        """, message="{amount} > {max}")

    def md(heading: str, sentence: str) -> Document:
        return Document(path="x.md", format="markdown", blocks=[
            Block(text=heading, line=1, heading=heading), Block(text=sentence, line=3, heading=heading)])

    assert findings(rule, md("Stage 1", "We will respond within 15 working days.")) == [
        ("We will respond within 15 working days.", "15 working days > 10")]
    assert findings(rule, md("Stage 1", "We will respond within 10 working days.")) == []
    assert findings(rule, md("Stage 2", "We will respond within 15 working days.")) == []  # unless_heading
    assert findings(rule, md("Stage 1", "We may extend it by 15 working days.")) == []      # unless (sentence)
    # the heading can supply the step: "Stage 1 response" + "... within 15 working days"
    assert len(findings(rule, md("Stage 1 response", "You will have it within 15 working days."))) == 1
    # without read_heading the heading is not read
    plain = one_rule(tmp_path / "plain", "timescale", """\
        step: ['\\b(respond|response)']
        allow:
          - when: ['\\bstage 1\\b']
            max_working_days: 10
        max_working_days: 20
        """)
    assert findings(plain, md("Stage 1", "We will respond within 15 working days.")) == []


def test_timescale_heading_keys_are_checked(tmp_path):
    assert "rules.XT100.read_heading: not a key of a requires rule" in error_of(
        tmp_path, rule_yaml("XT100", "requires", "any_of: ['x']\nread_heading: true\n"))
    assert "rules.XT100.unless_heading[0]: invalid regular expression" in error_of(
        tmp_path, rule_yaml("XT100", "timescale", "step: ['x']\nmax_working_days: 5\nunless_heading: ['(']\n"))


# -- sentences: page furniture, tables, anchors ------------------------------------------------------


def test_running_footer_and_page_numbers_do_not_break_a_sentence():
    """PDF lines that repeat at the top or bottom of most pages (the page number changing) and
    bare page numbers are left out of the running text, so a sentence joins across the break;
    the blocks, and so the locations, stay as they were."""
    blocks = [
        Block(text="Acme Homes Complaints Policy", page=1, line=1),
        Block(text="We will send our full response within 15 working", page=1, line=2),
        Block(text="Acme Homes - Complaints Policy - page 1 of 3", page=1, line=3),
        Block(text="Acme Homes Complaints Policy", page=2, line=1),
        Block(text="days of the acknowledgement. If we need more", page=2, line=2),
        Block(text="2", page=2, line=3),
        Block(text="Acme Homes Complaints Policy", page=3, line=1),
        Block(text="Page 3 of 3", page=3, line=2),
        Block(text="time we will tell you.", page=3, line=3),
        Block(text="Acme Homes - Complaints Policy - page 3 of 3", page=3, line=4),
    ]
    text = Text.from_blocks(blocks)
    sentences = [text.text[a:b] for a, b in text.sentences]
    assert "we will send our full response within 15 working days of the acknowledgement." in sentences
    assert "if we need more time we will tell you." in sentences
    (amount,) = find_amounts(text.text)
    assert (amount.working_days, text.block_at(amount.start)) == (15, blocks[1])
    # the running lines are still there, once each and as sentences of their own
    assert text.text.count("acme homes complaints policy") == 1
    assert text.text.count("page 1 of 3") == 1 and "page 3 of 3" not in text.text
    assert text.block_at(text.text.index("acme homes complaints policy")) is blocks[0]
    assert "\nacme homes complaints policy\nacme homes - complaints policy - page 1 of 3" in text.text
    assert not compile_pattern("tell you.{0,5}acme").search(text.text)  # no new run of text across them
    assert not any(s.startswith("2 ") or s == "2" for s in sentences)


def test_a_page_label_footer_on_one_page_is_left_out():
    blocks = [
        Block(text="Our full stage 1 response is sent within 15 working", page=1),
        Block(text="Acme Homes - Complaints Policy - page 1", page=1),
        Block(text="days of the acknowledgement.", page=2),
    ]
    text = Text.from_blocks(blocks)
    first, *_ = (text.text[a:b] for a, b in text.sentences)
    assert first == "our full stage 1 response is sent within 15 working days of the acknowledgement."


def test_page_edge_text_that_does_not_repeat_is_kept_in_place():
    blocks = [
        Block(text="Stage 1", page=1, line=1),
        Block(text="We will respond within 10 working days.", page=1, line=2),
        Block(text="Stage 2", page=2, line=1),
        Block(text="We will respond within 20 working days.", page=2, line=2),
        Block(text="Section 3 is about remedies.", page=3, line=1),
        Block(text="See page 2", page=3, line=2),
    ]
    text = Text.from_blocks(blocks)
    assert text.text == ("stage 1 we will respond within 10 working days. stage 2 we will respond within "
                         "20 working days. section 3 is about remedies. see page 2")


def test_body_text_that_repeats_on_every_page_is_not_furniture():
    blocks = []
    for page in (1, 2, 3):
        blocks += [
            Block(text=f"Complaints policy - section {page}", page=page, line=1),
            Block(text="We will acknowledge your complaint within five working days of", page=page, line=2),
            Block(text="receiving it. If we need longer we will tell you why.", page=page, line=3),
            Block(text="We will respond within 10 working days.", page=page, line=4),
        ]
    text = Text.from_blocks(blocks)
    assert "section" not in text.text.split("\n")[0]  # the numbered running header is left out
    assert text.text.count("we will acknowledge your complaint within five working days of receiving it.") == 3
    assert text.text.count("we will respond within 10 working days.") == 3


def test_markdown_table_rows_are_sentences_of_their_own():
    doc = Document(path="x.md", format="markdown", blocks=[
        Block(text="Step Time", line=1, part="table"),
        Block(text="Stage One acknowledgement 10 business days from receipt", line=3, part="table"),
        Block(text="Stage Two response 30 business days", line=4, part="table"),
    ])
    text = Text.from_document(doc)
    assert [text.text[a:b] for a, b in text.sentences] == [
        "step time", "stage one acknowledgement 10 business days from receipt", "stage two response 30 business days"]


def _cells(*texts: str, paragraph: int = 4) -> list[Block]:
    return [Block(text=t, paragraph=paragraph, part="table") for t in texts]


@pytest.mark.parametrize("cells, rows", [
    # no header row: the first column's pattern ("Stage ...") starts each row
    (("Stage One acknowledgement", "10 business days from receipt", "Stage One response",
      "15 business days from acknowledgement", "Stage Two response", "30 business days"),
     ["stage one acknowledgement 10 business days from receipt",
      "stage one response 15 business days from acknowledgement", "stage two response 30 business days"]),
    # a header row; the stride (2 cells) also splits a last row that starts differently
    (("Step", "Timescale", "Stage 1 response", "10 working days", "Stage 2 response", "20 working days",
      "Extension", "up to 20 working days"),
     ["step timescale", "stage 1 response 10 working days", "stage 2 response 20 working days",
      "extension up to 20 working days"]),
    # a value column that repeats is not taken for the first column
    (("Acknowledge", "5 working days", "Respond", "10 working days"),
     ["acknowledge 5 working days respond 10 working days"]),
    # two cells that make one statement stay one sentence
    (("We will respond by", "14 March 2025"), ["we will respond by 14 march 2025"]),
])
def test_word_table_rows_are_found_from_the_first_column(cells, rows):
    text = Text.from_document(Document(path="x.docx", format="docx", blocks=_cells(*cells)))
    assert [text.text[a:b] for a, b in text.sentences] == rows


def test_word_table_rows_given_by_the_reader_are_used():
    from dataclasses import dataclass

    @dataclass(frozen=True, slots=True)
    class RowBlock(Block):
        row: int | None = None

    blocks = [RowBlock(text=t, paragraph=4, part="table", row=r) for t, r in
              [("Acknowledge", 1), ("5 working days", 1), ("Respond", 2), ("10 working days", 2)]]
    text = Text.from_document(Document(path="x.docx", format="docx", blocks=blocks))
    assert [text.text[a:b] for a, b in text.sentences] == ["acknowledge 5 working days", "respond 10 working days"]


def test_forbids_unless_is_read_in_every_sentence_the_match_runs_into(tmp_path):
    rule = one_rule(tmp_path, "forbids", FORBIDS)
    under_heading = Document(path="x.md", format="markdown", blocks=[
        Block(text="Informal", line=1, heading="Informal"),
        Block(text="complaints are a thing we no longer use.", line=3, heading="Informal"),
    ])
    assert findings(rule, under_heading) == []
    past_a_question = one_rule(tmp_path / "q", "forbids", """\
        patterns: ['\\binformal\\W+complaints?\\b']
        unless: ['\\bno longer\\b']
        """)
    assert findings(past_a_question, snippet("Is it informal? Complaints like that we no longer take.")) == []
    assert len(findings(past_a_question, snippet("Is it informal? Complaints like that we take."))) == 1


def test_caret_anchors_at_the_sentence_start_and_lookbehind_stays_in_the_sentence(tmp_path):
    rule = one_rule(tmp_path, "forbids", """\
        patterns: ['\\binformal (complaint|stage)s?\\b']
        unless: ['^we (do not|don''t) have']
        """)
    assert findings(rule, snippet("Hello. We do not have an informal stage.")) == []
    assert len(findings(rule, snippet("Hello. Sadly we do not have a choice: informal complaints go first."))) == 1
    step = one_rule(tmp_path / "s", "timescale", """\
        step: ['^we will respond']
        max_working_days: 10
        """)
    assert len(findings(step, snippet("Stage 1. We will respond within 15 working days."))) == 1
    behind = one_rule(tmp_path / "b", "timescale", """\
        step: ['(?<=1\\.\\s)we will respond']
        max_working_days: 10
        """)
    assert findings(behind, snippet("Stage 1. We will respond within 15 working days.")) == []
    # $ anchors at the sentence end, as before
    end = one_rule(tmp_path / "e", "timescale", "step: ['respond\\W*$']\nmax_working_days: 10\n")
    assert len(findings(end, snippet("Within 15 working days we respond. Thanks."))) == 1


# -- placeholder ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, shown", [
    ("Dear [INSERT NAME],", "[INSERT NAME]"),
    ("We will visit on [insert date of visit].", "[insert date of visit]"),
    ("We have [upheld / not upheld] your complaint.", "[upheld / not upheld]"),
    ("[Set out what we found for each part of the complaint.]", "[Set out what we found for each part of the complaint.]"),
    ("We will visit on DD/MM/YYYY.", "DD/MM/YYYY"),
    ("We will pay you £___ by bank transfer.", "£___"),
    ("Your reference is XXX.", "XXX"),
    ("We wrote to you on xx/xx/xxxx.", "xx/xx/xxxx"),
    ("We will pay you £XX.XX.", "£XX.XX"),
    ("Dear \u00abFirstName, thank you", "\u00abFirstName,"),
    ("Dear {{resident_name, thank you", "{{resident_name,"),
    ("Dated <<Date", "<<Date"),
])
def test_placeholder_found(tmp_path, text, shown):
    rule = one_rule(tmp_path, "placeholder", "", provision="null", message="unfilled '{match}'")
    assert findings(rule, snippet(text)) == [(" ".join(text.split()), f"unfilled '{shown}'")]


@pytest.mark.parametrize("text", [
    "Dear {{resident_name}}, your case {{ case_ref }} is open.",
    "Dear \u00abFirstName\u00bb \u00abLastName\u00bb,",
    "Dated <<Date>>; reference {case_ref}.",
    "See note [1] and the quote [sic].",
    "Call 0300 111 3000 (weekdays).",
])
def test_merge_fields_are_not_placeholders(tmp_path, text):
    rule = one_rule(tmp_path, "placeholder", "", provision="null")
    assert findings(rule, snippet(text)) == []


def test_one_finding_per_placeholder(tmp_path):
    rule = one_rule(tmp_path, "placeholder", "", provision="null", message="{match}")
    doc = snippet("Dear [NAME],\nWe are [pleased/sorry] to say we will visit on [INSERT DATE] at XXX.")
    assert [m for _, m in findings(rule, doc)] == ["[pleased/sorry]", "[INSERT DATE]", "XXX"]


@pytest.mark.parametrize("text", [
    "Dear [Name],", "Dear [Resident Name],", "Date: [Date]", "We received your complaint on [date received].",
    "Your reference: [Complaint ref]", "Yours sincerely, [Officer name], [Job title]", "We will pay you [amount].",
])
def test_a_field_named_in_square_brackets_is_a_merge_field(tmp_path, text):
    """A template that names its fields in square brackets, as many landlords' Word templates do,
    is filled in as «Name» and {{name}} are: a field's name is not an instruction left in."""
    rule = one_rule(tmp_path, "placeholder", "", provision="null", message="{match}")
    assert findings(rule, snippet(text)) == []


# -- conditional ------------------------------------------------------------------------------------

CONDITIONAL = """\
if_any: ['[\\w.]+@housing-ombudsman\\.org\\.uk']
then_any: ['\\b0300 ?111 ?3000\\b', '(?<![@\\w.-])(www\\.)?housing-ombudsman\\.org\\.uk']
"""


def test_conditional(tmp_path):
    rule = one_rule(tmp_path, "conditional", CONDITIONAL, message="only {match}")
    only_email = snippet("Dear Jo,\nE-mail the Ombudsman at info@housing-ombudsman.org.uk.")
    assert findings(rule, only_email) == [
        ("E-mail the Ombudsman at info@housing-ombudsman.org.uk.", "only info@housing-ombudsman.org.uk")
    ]
    both = snippet("E-mail info@housing-ombudsman.org.uk or visit www.housing-ombudsman.org.uk.")
    assert findings(rule, both) == []
    assert findings(rule, snippet("Call the Ombudsman on 0300 111 3000.")) == []


# -- the pack loader's errors ------------------------------------------------------------------------


def error_of(tmp_path: Path, body: str) -> str:
    path = write_pack(tmp_path, body, name="stage1-response.yaml")
    with pytest.raises(ConfigError) as info:
        load_pack(path)
    return str(info.value)


def test_error_names_file_and_key_path_for_a_missing_field(tmp_path):
    message = error_of(tmp_path, rule_yaml("CL609G", "requires", ""))
    assert "stage1-response.yaml: rules.CL609G.any_of: field required" in message


@pytest.mark.parametrize("extra, expected", [
    ("any_of: ['x']\nanyof: ['y']\n", "rules.XT100.anyof: unknown key"),
    ("any_of: ['(unclosed']\n", "rules.XT100.any_of[0]: invalid regular expression"),
    ("any_of: []\n", "rules.XT100.any_of: must list at least one pattern"),
    ("any_of: ['x']\npatterns: ['y']\n", "rules.XT100.patterns: not a key of a requires rule"),
    ("any_of: ['x']\nall_of: [['y']]\n", "rules.XT100.all_of: give any_of or all_of, not both"),
    ("all_of: [['x']]\nnames: ['a', 'b']\n", "rules.XT100.names: 2 names for 1 all_of groups"),
    ("any_of: 'x'\n", "rules.XT100.any_of: Input should be a valid list"),
    ("any_of: ['x?']\n", "rules.XT100.any_of[0]: pattern matches empty text"),
])
def test_requires_errors(tmp_path, extra, expected):
    assert expected in error_of(tmp_path, rule_yaml("XT100", "requires", extra))


@pytest.mark.parametrize("kw, expected", [
    ({"provision": '"6.99"'}, "rules.XT100.provision: no provision 6.99"),
    ({"provision": '"6.9(z)"'}, "rules.XT100.provision: provision 6.9 of the"),
    ({"provision": "6.10"}, "rules.XT100.provision: write the provision in quotes, e.g. \"6.10\" (YAML reads 6.1 as"),
    ({"kinds": "[letter]"}, "kinds[0]: unknown document kind 'letter'"),
    ({"name": "Stage1_Escalation"}, "rules.XT100.name: 'Stage1_Escalation' is not a kebab-case name"),
    ({"message": "{nope}"}, "rules.XT100.message: unknown placeholder {nope}"),
    ({"message": "a { b"}, "rules.XT100.message: expected '}' before end of string (write {{ and }}"),
    ({"message": "no {missing}"}, "rules.XT100.message: {missing} needs all_of with names"),
])
def test_common_key_errors(tmp_path, kw, expected):
    assert expected in error_of(tmp_path, rule_yaml("XT100", "requires", "any_of: ['x']\n", **kw))


def test_timescale_and_forbids_need_their_keys(tmp_path):
    assert "rules.XT100.max_working_days: field required" in error_of(
        tmp_path, rule_yaml("XT100", "timescale", "step: ['respond']\n"))
    assert "rules.XT100.patterns: field required" in error_of(tmp_path, rule_yaml("XT100", "forbids", ""))


def test_bad_rule_id_and_missing_kinds(tmp_path):
    assert "rules.cl-1: a rule id is capital letters" in error_of(tmp_path, rule_yaml("cl-1", "requires", "any_of: ['x']\n"))
    body = rule_yaml("XT100", "requires", "any_of: ['x']\n").replace("kinds: [stage1_response]\n", "")
    assert "rules.XT100.kinds: field required" in error_of(tmp_path, body)


def test_duplicate_key_in_one_file_is_an_error(tmp_path):
    body = rule_yaml("XT100", "requires", "any_of: ['x']\n")
    body += "  " + body.split("rules:\n  ", 1)[1]
    assert "rules.XT100: duplicate key (line" in error_of(tmp_path, body)


def test_invalid_yaml_and_wrong_shape(tmp_path):
    assert "stage1-response.yaml:3:1: invalid YAML" in error_of(tmp_path, "rules:\n  - [unclosed\n")
    assert "expected a mapping with keys kinds and rules" in error_of(tmp_path, "- just a list\n")
    assert "rules: field required" in error_of(tmp_path, "kinds: [refusal]\n")


def test_rule_ids_and_names_unique_across_packs(tmp_path):
    write_pack(tmp_path, rule_yaml("XT100", "requires", "any_of: ['x']\n", name="one"), name="a.yaml")
    write_pack(tmp_path, rule_yaml("XT100", "requires", "any_of: ['x']\n", name="two"), name="b.yaml", folder="policy")
    with pytest.raises(ConfigError) as info:
        load_packs(tmp_path)
    assert "b.yaml: rules.XT100: rule id XT100 is also defined in" in str(info.value)
    assert "a.yaml" in str(info.value)
    (tmp_path / "policy" / "b.yaml").write_text(rule_yaml("XT200", "requires", "any_of: ['x']\n", name="one"))
    with pytest.raises(ConfigError, match=r"b\.yaml: rules\.XT200\.name: rule name one is also used in .*a\.yaml"):
        load_packs(tmp_path)


def test_loaded_rule_carries_its_metadata(tmp_path):
    write_pack(tmp_path, rule_yaml("XT100", "requires", "any_of: ['x']\n",
                                   kinds="[stage1_response, stage2_response]"))
    (rule,) = load_packs(tmp_path)
    assert (rule.id, rule.provision, rule.severity.label, rule.kinds, rule.omission) == (
        "XT100", "6.9(g)", "warning", ("stage1_response", "stage2_response"), True)
    assert rule.words().startswith("details of how to escalate the matter to stage 2")


def test_an_omission_is_never_an_error(tmp_path):
    write_pack(tmp_path, rule_yaml("XT100", "requires", "any_of: ['x']\nseverity: error\n"))
    with pytest.raises(ConfigError, match=r"rules\.XT100\.severity: a requires rule reports an omission"):
        load_packs(tmp_path)


@pytest.mark.parametrize("provision, severity", [("1.2", "warning"), ("6.9(g)", "warning"), ("4.1", "info"),
                                                 ("8.2", "info"), ("9.5", "info")])
def test_an_omission_about_governance_is_info(provision, severity):
    from codecheck.documents.packs import omission_severity

    assert omission_severity(provision).label == severity


# -- robustness ---------------------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_WORDS = st.sampled_from([
    "stage", "0", "2", "three", "informal", "complaint", "[INSERT", "DATE]", "«Name", "»", "{{", "}}", "<<", ">>",
    "within", "fifteen", "working", "days", "weeks", "respond", "com-", "plaint", "e.g.", "P.O.", "Box", ".", "\n",
    "\n\n", "\u2013", "\u2019", "\u00ad", "ombudsman", "info@housing-ombudsman.org.uk", "0300", "111", "3000", "XXX",
])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_WORDS, st.text(max_size=12)), max_size=60))
def test_every_shipped_document_rule_runs_on_any_text(words):
    from codecheck.documents.packs import document_rules

    doc = Document(path="x.txt", format="text", blocks=[])
    for number, line in enumerate(" ".join(words).split("\n"), 1):
        if line.strip():
            doc.blocks.append(Block(text=" ".join(line.split()), line=number))
    text = Text.from_document(doc)
    for start, end in text.sentences:
        assert 0 <= start < end <= len(text.text)
    for rule in document_rules():
        out = []
        rule.check(doc, None, lambda block, message, severity=None: out.append((block, message)))
        for block, message in out:
            assert block is None or block in doc.blocks
            assert message and "{" + "match}" not in message


def test_a_bad_shipped_pack_is_one_clear_line_from_the_command_line(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from codecheck.cli import main
    from codecheck.documents import packs
    from codecheck.registry import default_registry

    write_pack(tmp_path, rule_yaml("CL609G", "requires", ""), name="stage1-response.yaml")
    monkeypatch.setattr(packs, "rules_directory", lambda: tmp_path)
    packs._document_rules.cache_clear()
    default_registry.cache_clear()
    try:
        result = CliRunner().invoke(main, ["rules"])
        assert result.exit_code == 2
        assert result.output.startswith("codecheck: ")
        assert "stage1-response.yaml: rules.CL609G.any_of: field required" in result.output
        assert "Traceback" not in result.output
    finally:
        monkeypatch.undo()
        packs._document_rules.cache_clear()
        default_registry.cache_clear()


def test_the_shipped_packs_validate_in_full():
    """At start-up the shipped packs are trusted (their patterns compile on first use, their
    provisions are not looked up in the Code's catalogue); here every pattern is compiled and
    checked and every provision looked up, so a broken one can never ship."""
    from codecheck.documents.packs import load_packs, rules_directory

    full = load_packs(rules_directory(), trusted=False)
    fast = load_packs()
    assert [r.id for r in full] == [r.id for r in fast] and len(full) > 100


def test_an_untrusted_pack_with_a_provision_the_code_does_not_have_is_refused(tmp_path):
    """Only shipped packs skip the catalogue: a user's pack naming provision 6.99 is an error naming it."""
    from codecheck.documents.packs import load_packs
    from codecheck.errors import ConfigError

    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "mine.yaml").write_text(
        "kinds: [policy]\nrules:\n  CX699:\n    name: my-rule\n    provision: '6.99'\n    type: forbids\n"
        "    summary: s\n    message: m\n    rationale: r\n    breach_example: b\n    patterns: ['stage 3']\n",
        encoding="utf-8")
    with pytest.raises(ConfigError, match="6.99"):
        load_packs(tmp_path)


def test_the_shipped_vocabulary_compiles():
    """Fragments are compiled where rules use them; here each one is, so a broken one never ships."""
    from codecheck.documents.vocabulary import check_fragments, fragments

    assert check_fragments() == fragments() and len(fragments()) > 10


def test_a_match_that_starts_in_a_heading_and_runs_on_is_not_a_clause(tmp_path):
    """Blocks are joined into one text, so a heading reads on into the paragraph under it; a
    contradiction never starts in a title and ends in the text below it."""
    from codecheck.documents import read_document
    from codecheck.documents.matching import document_text

    path = tmp_path / "policy.md"
    path.write_text("# Policy\n\n## What a complaint is\n\nA service request is not a complaint.\n", encoding="utf-8")
    text = document_text(read_document(path))
    heading = text.text.index("what a complaint is")
    body = text.text.index("a service request")
    assert text.runs_on_from_a_heading(heading, body + 5)
    assert not text.runs_on_from_a_heading(heading, heading + 10)  # inside the heading only
    assert not text.runs_on_from_a_heading(body, body + 10)  # a paragraph is not a heading
    assert text.end_of_block(heading) == body
