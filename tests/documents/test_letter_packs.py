"""The letter rule packs (rules/letters/*.yaml) against the Code, the fixtures
in fixtures/letters/ and letters written in other styles.

A false alarm on a compliant letter is a bug: every good fixture and every
paraphrased compliant letter here must give no finding at all.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from codecheck.catalogue import load_catalogue, split_reference
from codecheck.cli import main
from codecheck.config import Config
from codecheck.documents import read_document
from codecheck.documents.kinds import infer_kind
from codecheck.documents.model import Block, Document
from codecheck.documents.packs import build_rule, load_pack, pack_files, rules_directory
from codecheck.engine import Engine
from codecheck.registry import default_registry

ROOT = Path(__file__).resolve().parents[2]
LETTERS = ROOT / "fixtures" / "letters"
SCRIPT = ROOT / "fixtures" / "make_letters.py"
AS_OF = dt.date(2025, 4, 30)


def _letter_rules():
    rules = []
    for path in pack_files(rules_directory()):
        if path.parent.name == "letters":
            loaded = load_pack(path)
            rules += [build_rule(rid, spec, loaded.pack.kinds) for rid, spec in loaded.pack.rules.items()]
    return rules


LETTER_RULES = {r.id: r for r in _letter_rules()}
LETTER_KINDS = ("stage1_ack", "stage1_response", "stage2_ack", "stage2_response", "extension", "refusal")


def snippet(text: str) -> Document:
    lines = textwrap.dedent(text).strip("\n").split("\n")
    blocks = [Block(text=" ".join(line.split()), line=n) for n, line in enumerate(lines, 1) if line.strip()]
    return Document(path="snippet.txt", format="text", blocks=blocks)


def hits(rule, document: Document, kind: str | None = None) -> list[str]:
    """The rule's findings in `document` read as a letter of `kind` (default: the rule's first)."""
    out: list[str] = []
    ctx = SimpleNamespace(kind=kind or rule.kinds[0])
    rule.check(document, ctx, lambda block, message, severity=None: out.append(message))
    return out


def check_letter(document: Document, kind: str) -> list[str]:
    """Rule ids of every letter rule for `kind` that finds something in `document`."""
    found = []
    for rule in LETTER_RULES.values():
        if kind in rule.kinds:
            found += [rule.id] * len(hits(rule, document, kind))
    return sorted(found)


def run_engine(*paths: Path):
    registry = default_registry()
    config = Config()
    rules = registry.select((), (), config.severity)
    return Engine(registry, config, rules, AS_OF).run([str(p) for p in paths])


# -- the rules themselves ---------------------------------------------------------------------

EXPECTED_IDS = {
    "CL203F": "2.3", "CL204": "2.4", "CL307": "3.7", "CL307W": "3.7", "CL502": "5.2", "CL503": "5.3", "CL506": "5.6", "CL507": "5.7",
    "CL511": "5.11", "CL503R": "5.3", "CL610": "6.10",
    "CL603": "6.3", "CL604": "6.4", "CL604R": "6.4", "CL604T": "6.4", "CL605": "6.5", "CL612": "6.12", "CL613": "6.13",
    "CL614": "6.14",
    "CL615": "6.15", "CL615R": "6.15", "CL615T": "6.15", "CL616": "6.16", "CT001": None,
    **{f"CL609{c.upper()}": f"6.9({c})" for c in "abcdefg"},
    **{f"CL619{c.upper()}": f"6.19({c})" for c in "abcdefg"},
}


def test_the_letter_rules_and_their_provisions():
    assert {rid: r.provision for rid, r in LETTER_RULES.items()} == EXPECTED_IDS


@pytest.mark.parametrize("rule_id", sorted(EXPECTED_IDS))
def test_rule_id_follows_its_provision_and_has_its_doc(rule_id):
    rule = LETTER_RULES[rule_id]
    if rule.provision is None:
        assert rule.id.startswith("CT")
    else:
        number, item = split_reference(rule.provision)
        major, minor = number.split(".")
        assert rule.id.startswith(f"CL{major}{int(minor):02d}{(item or '').upper()}")
        assert rule.words(), "the Code's words come from the catalogue"
        load_catalogue().item_text(rule.provision)
    assert set(rule.kinds) <= set(LETTER_KINDS) and rule.kinds
    assert rule.rationale and rule.breach_example and rule.compliant_example and rule.summary
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)


@pytest.mark.parametrize("rule_id", sorted(EXPECTED_IDS))
def test_breach_example_breaches_and_compliant_example_complies(rule_id):
    rule = LETTER_RULES[rule_id]
    assert hits(rule, snippet(rule.breach_example)), f"{rule_id}: its breach example gives no finding"
    assert not hits(rule, snippet(rule.compliant_example)), f"{rule_id}: its compliant example gives a finding"


# More cases per rule, as data: (text, breaches?). Wrapped lines, curly quotes,
# numbers as words, merge fields, other wordings.
CASES: dict[str, list[tuple[str, bool]]] = {
    "CL609A": [("This is our first stage\nresponse.", False), ("This is our Stage One reply.", False),
               ("Your complaint was logged on 3 May 2025.", True), ("Stage 10 of the works is done.", True)],
    "CL609B": [("You\u2019ve told us the lift\nhas been broken since May.", False),
               ("If you are unhappy with our response, ask for stage 2.", True)],
    "CL609C": [("Your complaint is partly upheld.", False), ("We got this wrong.", False),
               ("If you are unhappy with our decision you can escalate.", True)],
    "CL609D": [("This was because the part was out of stock.", False),
               ("We have decided to uphold your complaint.", True)],
    "CL609E": [("We are not offering any compensation.", False), ("We\u2019re truly sorry.", False),
               ("We have decided not to uphold your complaint.", True)],
    "CL609F": [("There are no further actions.", False), ("The fence will be repaired by\n{{repair_date}}.", False),
               ("We have credited \u00a350 to your account.", True)],
    "CL609G": [("You can ask us to look at this again at the second stage of our process.", False),
               ("You can also contact the Housing Ombudsman on 0300 111 3000.", True)],
    "CL619A": [("This is our final response.", False), ("stage two review", False),
               ("This is our stage 1 response.", True)],
    "CL619G": [("If you remain dissatisfied you can contact the Housing Ombudsman by post at PO Box 1484, "
                "Unit D, Preston PR2 0ET.", False),
               ("Call the Housing Ombudsman on 0300\u00a0111\u00a03000.", False),
               ("Contact the Housing Ombudsman at info@housing-ombudsman.org.uk.", True),
               ("Call 0300 111 3000.", True)],
    "CL506": [("We understand your complaint is about the noise. You\u2019d like it to stop.", False),
              ("We understand your complaint is about the noise.", True)],
    "CL507": [("The street lights are a matter for the county council.", False),
              ("We will investigate your complaint.", True)],
    "CL603": [("We will respond within ten working days.", False),
              ("We will respond within fifteen working days of receiving your complaint.", False),
              # an extension for complexity is allowed (6.4): not read as the promised timescale
              ("Most complaints are resolved within 10 working days; complex ones may take up to 20.", False),
              # the resident's time to escalate is not the landlord's response time
              ("If you are unhappy with our stage 1 response you have 20 working days to ask us to review it.", False),
              ("You will receive our full response within 3 weeks.", True),
              ("We will reply within 15 business days.", True)],
    "CL614": [("We will send our final response within four weeks.", False),
              ("We will respond within 25 working days of your request.", False),
              ("We will send you our final response within\n30 working days.", True)],
    "CL604": [("We will now respond by Friday 14 March 2025.", False),
              ("We need a further 10 working days to respond.", False),
              ("We will respond by \u00abNewResponseDate\u00bb.", False),
              ("Date: 3 March 2025\n\nWe will respond as soon as we can.", True)],
    "CL604R": [("We need more time because the surveyor is on leave.", False),
               ("We are waiting for the contractor\u2019s report.", False),
               ("We will now respond by 14 March.", True)],
    "CL605": [("Call the Housing Ombudsman on 0300 111 3000.", False),
              ("See www.housing-ombudsman.org.uk.", False),
              ("Email info@housing-ombudsman.org.uk.", True)],
    "CL204": [("We cannot accept this because it is more than twelve months old. You can ask the Housing "
               "Ombudsman to review our decision.", False),
              ("We cannot accept this complaint. You can ask the Ombudsman to review this.", True)],
    "CL502": [("We don\u2019t have a \u201cstage 0\u201d or an informal stage.", False),
              ("Your concerns were first handled as an informal\ncomplaint.", True),
              ("This is a pre\u2013complaint enquiry.", True)],
    "CL503": [("We have a two-stage process, not a three-stage one.", False),
              ("Our process has two stages, not three stages.", False),
              ("You can ask for a Stage Three review.", True)],
    "CT001": [("Dear {{resident_name}}, ref \u00abCaseRef\u00bb, <<Date>>, {case_ref}.", False),
              ("Please quote [ref: {{case_ref}}]. Text relay [TEXT RELAY: 18001]. [OFFICIAL]", False),
              ("Dear [INSERT RESIDENT NAME],", True)],
    "CL307": [("Email info@housing-ombudsman.org.uk or call 0300 111 3000.", False),
              ("Email info@housing-ombudsman.org.uk.", True)],
}


# A reviewer's cases. A negation must deny the stage itself: "if you are not satisfied" is no
# negation (5.2, 5.3); building works done in stages are not complaint stages.
REVIEW_CASES: dict[str, list[tuple[str, bool]]] = {
    "CL503": [("If you are not satisfied with this response, you can ask for a Stage 3 review by our Board\u2019s "
               "Complaints Panel.", True),
              ("If you aren\u2019t happy with our stage 2 response you can ask for a stage 3 review.", True),
              ("We have not finished the stage 3 review yet.", True),
              ("We do not have a stage 3.", False),
              ("This is not a third stage.", False),
              ("There is no third stage: after stage 2 you can go to the Housing Ombudsman.", False),
              ("Our process has only two stages, so there is no Stage 3 panel.", False),
              ("We no longer have a three-stage process.", False),
              ("The remedial works will be done in three stages: the damp-proof course on 12 May 2025, "
               "re-plastering on 19 May 2025 and redecoration on 26 May 2025.", False),
              ("Stage 3 of the works will be redecoration.", False),
              ("The installation will be carried out in three phases; phase 3 is the loft.", False),
              ("If you are unhappy about the repairs, you can ask for a stage 3 review.", True)],
    "CL502": [("If you are not happy after our informal stage, you can then make a formal Stage 1 complaint.", True),
              ("Your concerns have been logged as an informal complaint and will not be escalated to Stage 1 "
               "until our repairs team has tried to resolve them.", True),
              ("We were not able to resolve this at the informal stage.", True),
              ("There is no informal stage.", False),
              ("We don\u2019t operate a stage 0.", False),
              ("We do not treat complaints as informal complaints.", False),
              ("This is not an informal complaint: it is a formal stage 1 complaint.", False),
              ("We logged this at stage 1 rather than as an informal complaint.", False)],
    "CL609B": [("You contacted us on 3 March 2025.", True), ("You phoned us on 3 March.", True),
               ("You contacted us on 3 March about the broken lift.", False),
               ("You emailed us to complain about the noise from the flat above.", False)],
    "CL609C": [("I have decided that our service fell below the standard you should expect.", False),
               ("I agree that the lights should have been repaired sooner.", False),
               ("I accept that we took too long.", False),
               ("The Council accepts that it took too long to repair the lights.", False),
               ("Your complaint has been substantiated.", False),
               ("I have found in your favour.", False),
               ("I have found that there was a service failure.", False),
               ("Your complaint is valid.", False),
               ("We found maladministration in how your reports were handled.", False),
               ("We acknowledge that we should have repaired the lights sooner.", False),
               ("We acknowledge how frustrating this has been.", True),
               ("We acknowledge receipt of your complaint.", True)],
    "CL609E": [("I have authorised a payment of fifty pounds for the inconvenience.", False),
               ("No financial award is appropriate.", False),
               ("We\u2019ll pay you for the damaged carpet.", False),
               ("It cost us thousands of pounds to fix.", True)],
    "CL609F": [("Our electrical contractor is booked to attend on 9 May 2025.", False),
               ("An appointment has been made for 9 May 2025.", False),
               ("There are no actions left to complete.", False),
               ("Our contractor attended on 2 March.", True)],
    "CL609G": [("Please tell us within 20 working days and it will be passed to the next stage of our complaints "
                "procedure.", False),
               ("You can ask for your complaint to be reviewed at the second stage.", False),
               ("You can take your complaint further by asking us to escalate it.", False),
               ("This is the final stage of our complaints process. If you remain unhappy you can contact the "
                "Housing Ombudsman on 0300 111 3000.", True)],
    "CL604R": [("The contractor has been asked for its maintenance logs, and these have not yet been received. "
                "I must therefore extend the time for responding.", False),
               ("We are awaiting the asbestos survey results.", False),
               ("We have asked the gas contractor for their job notes and are chasing them.", False),
               ("The surveyor\u2019s report is still outstanding.", False)],
    "CL604": [("We received your complaint on 3 March 2025 and we need more time to complete our "
               "investigation.", True),
              ("Your letter dated 3 March 2025 asked for a response and we need more time.", True),
              ("We wrote to you on 7 April 2025 and we need more time.", True),
              ("You will now receive our full response no later than 6 May 2025.", False),
              ("We will now send you our response on Tuesday 6 May 2025.", False),
              ("New response date: 6 May 2025", False),
              ("We need to extend the deadline to 6 May 2025.", False)],
    "CL619G": [("Oakfield Homes is a member of the Housing Ombudsman Service (www.housing-ombudsman.org.uk) and "
                "is regulated by the Regulator of Social Housing.", True),
               ("If you remain dissatisfied you can refer your complaint to the Housing Ombudsman Service. "
                "Website: www.housing-ombudsman.org.uk", False),
               ("You have the right to go to the Housing Ombudsman: 0300 111 3000.", False),
               ("The Housing Ombudsman can be contacted on 0300 111 3000.", False)],
    "CL204": [("We cannot accept this because it is more than twelve months old. Greenway Housing Association "
               "is a member of the Housing Ombudsman Service.", True),
              ("We cannot accept this because it is more than twelve months old. If you disagree, you can "
               "contact the Housing Ombudsman.", False),
              ("We cannot accept this because it is more than twelve months old. You have the right to take "
               "this decision to the Housing Ombudsman.", False)],
}
for _rule_id, _cases in REVIEW_CASES.items():
    CASES[_rule_id] = CASES[_rule_id] + _cases


# An extension letter is judged by the rules of the stage it says it is at: stage 2 when it
# says so ("your stage two complaint", "our final response", "the review you asked for"),
# stage 1 otherwise. Each stage 1 rule lets a stage 2 letter pass, and each stage 2 rule a
# letter that never says it is at stage 2.
STAGE2_EXTENSION = "Your stage 2 complaint, ref 4411. "
CASES.update({
    "CL604T": [("We need a further 25 working days to respond.", True),
               ("We will need an extra three weeks to complete our investigation.", True),
               ("We need a further 10 working days to respond.", False),
               ("We need a further 25 working days to respond because the surveyor is on leave.", False),
               (STAGE2_EXTENSION + "We need a further 25 working days to respond.", False),
               ("Compensation will be paid within a further 25 working days.", False)],
    "CL615T": [(STAGE2_EXTENSION + "We need a further 25 working days to respond.", True),
               ("We need a further 25 working days for our final response.", True),
               (STAGE2_EXTENSION + "We need a further 20 working days to respond.", False),
               ("We need a further 25 working days to respond.", False),
               (STAGE2_EXTENSION + "We need 25 more working days because the engineer is off sick.", False)],
    "CL615": [(STAGE2_EXTENSION + "We will now respond by 14 March 2025.", False),
              ("We need more time to review your complaint, which you asked us to escalate. We will write "
               "to you with our final response by {{new_due_date}}.", False),
              ("We will respond as soon as we can.", False),
              (STAGE2_EXTENSION + "We will respond as soon as we can.", True),
              ("Thank you for asking us to review our stage 1 decision. We need more time to reply.", True)],
    "CL615R": [(STAGE2_EXTENSION + "We need more time because the surveyor is on leave.", False),
               ("We will now respond by 14 March.", False),
               (STAGE2_EXTENSION + "We will now respond by 14 March.", True)],
    "CL616": [(STAGE2_EXTENSION + "Call the Housing Ombudsman on 0300 111 3000.", False),
              ("Email info@housing-ombudsman.org.uk.", False),
              (STAGE2_EXTENSION + "Email info@housing-ombudsman.org.uk.", True)],
})
CASES["CL604"] += [(STAGE2_EXTENSION + "We will respond as soon as we can.", False)]
CASES["CL604R"] += [(STAGE2_EXTENSION + "We will now respond by 14 March.", False)]
CASES["CL605"] += [(STAGE2_EXTENSION + "Email info@housing-ombudsman.org.uk.", False)]
# A timescale rule reads only sentences about answering the complaint: paying a remedy, an
# MP's enquiry, a Freedom of Information or subject access request, a repair or an
# appointment has a time of its own.
CASES["CL603"] += [
    ("Any compensation we agree will be paid within 20 working days of our decision.", False),
    ("Any compensation will be paid within 1 month of our decision.", False),
    ("We respond to MP enquiries within 25 working days.", False),
    ("Freedom of Information requests are answered within 20 working days.", False),
    ("Our decision on a subject access request takes up to 20 working days.", False),
    ("Our surveyor will investigate the damp at a repairs appointment within 15 working days.", False),
    ("We will investigate your complaint and reply within 15 working days.", True),
]
CASES["CL614"] += [
    ("We reply to MP enquiries within 25 working days.", False),
    ("Any compensation will be paid within 30 working days of our final decision.", False),
    ("A senior manager will review your complaint and reply within 25 working days.", True),
]


# stage 2's (b)-(f) word the same elements as stage 1's
CASES.update({f"CL619{c}": CASES[f"CL609{c}"] for c in "BCDEF"})
CASES["CL511"] = [
    ("We will not escalate your complaint, as our stage 1 response was correct.", True),
    ("We have escalated your complaint to stage 2 as you asked.", False),
]
CASES["CL203F"] = [
    ("We cannot accept your complaint because the issue is older than six months.", True),
    ("We cannot accept your complaint because the issue is older than twelve months.", False),
]
CASES["CL307W"] = [
    ("If you remain unhappy you can ask your local councillor, as a designated person, to refer it to the Housing Ombudsman.", True),
    ("You do not need a designated person: you can contact the Housing Ombudsman yourself straight away.", False),
]
CASES["CL610"] = [
    ("We have not upheld your complaint. This is our final decision.", True),
    ("If you are unhappy you can ask for stage 2, which will be our final response.", False),
]
CASES["CL503R"] = [
    ("You may appeal to our Complaints Panel for another review.", True),
    ("You can ask the Housing Ombudsman for an independent review.", False),
]
CASES["CL612"] = [
    ("If you want stage 2, you must tell us which parts of this response you disagree with.", True),
    ("You can ask for stage 2 within 20 working days; you do not need to give a reason.", False),
]
CASES["CL613"] = [
    ("The officer who dealt with your complaint at stage 1 will also carry out the review.", True),
    ("A manager who was not involved at stage 1 will carry out the review.", False),
]


@pytest.mark.parametrize("rule_id, text, breaches",
                         [(rid, text, b) for rid, cases in CASES.items() for text, b in cases])
def test_rule_cases(rule_id, text, breaches):
    assert bool(hits(LETTER_RULES[rule_id], snippet(text))) is breaches


def test_every_letter_rule_has_cases_both_ways():
    for rule_id in EXPECTED_IDS:
        assert {b for _, b in CASES.get(rule_id, [])} == {True, False}, rule_id


# -- the fixtures ---------------------------------------------------------------------------------

#: every fixture and the finding(s) it is made to give: rule id -> text at the finding's location
EXPECTED: dict[str, dict[str, str | None]] = {
    "stage1-response-good.docx": {},
    "stage1-response-plain-good.md": {},
    "stage1-response-no-stage.md": {"CL609A": None},
    "stage1-response-no-definition.txt": {"CL609B": None},
    "stage1-response-no-decision.pdf": {"CL609C": None},
    "stage1-response-no-reasons.html": {"CL609D": None},
    "stage1-response-no-remedy.docx": {"CL609E": None},
    "stage1-response-no-outstanding-actions.md": {"CL609F": None},
    "stage1-response-no-escalation.txt": {"CL609G": None},
    "stage1-response-unfilled-placeholder.txt": {"CT001": "[INSERT OFFICER NAME]"},
    "stage2-response-good.pdf": {},
    "stage2-response-plain-good.html": {},
    "stage2-response-no-stage.docx": {"CL619A": None},
    "stage2-response-no-definition.html": {"CL619B": None},
    "stage2-response-no-decision.md": {"CL619C": None},
    "stage2-response-no-reasons.txt": {"CL619D": None},
    "stage2-response-no-remedy.pdf": {"CL619E": None},
    "stage2-response-no-outstanding-actions.docx": {"CL619F": None},
    "stage2-response-no-ombudsman.md": {"CL619G": None},
    # e-mail only: no usable contact details (error) and the e-mail route is closed (warning)
    "stage2-response-ombudsman-email-only.html": {"CL619G": None, "CL307": "info@housing-ombudsman.org.uk"},
    "stage2-response-stage-three.md": {"CL503": "stage 3"},
    "stage1-ack-good.html": {},
    "stage1-ack-no-outcome.docx": {"CL506": None},
    "stage1-ack-no-responsibility.txt": {"CL507": None},
    "stage1-ack-late-response.md": {"CL603": "15 working days"},
    "stage1-ack-informal-stage.docx": {"CL502": "informal complaint"},
    "stage2-ack-good.txt": {},
    "stage2-ack-no-definition.pdf": {"CL506": None},
    "stage2-ack-late-response.docx": {"CL614": "six weeks"},
    "extension-good.docx": {},
    "extension-no-date.txt": {"CL604": None},
    "extension-no-reason.html": {"CL604R": None},
    "extension-no-ombudsman.pdf": {"CL605": None},
    "extension-ombudsman-email-only.md": {"CL605": None, "CL307": "info@housing-ombudsman.org.uk"},
    # more than 10 further working days and no reason: a contradiction at the sentence (6.4)
    "extension-too-long.md": {"CL604R": None, "CL604T": "further 25 working days"},
    # a stage 2 letter is judged by the stage 2 rules: 6.16, not 6.5
    "extension-stage2-no-ombudsman.txt": {"CL616": None},
    "refusal-good.md": {},
    "refusal-no-reason.docx": {"CL204": None},
    "refusal-no-ombudsman.txt": {"CL204": None},
}

KIND_OF = {
    "stage1-response": "stage1_response", "stage2-response": "stage2_response", "stage1-ack": "stage1_ack",
    "stage2-ack": "stage2_ack", "extension": "extension", "refusal": "refusal",
}


def test_fixture_set_is_complete():
    on_disk = sorted(p.name for p in LETTERS.iterdir())
    assert on_disk == sorted(EXPECTED)
    assert 25 <= len(on_disk) <= 40
    assert {p.suffix for p in LETTERS.iterdir()} == {".docx", ".pdf", ".md", ".txt", ".html"}
    for kind in LETTER_KINDS:
        assert any(infer_kind(LETTERS / n) == kind and not EXPECTED[n] for n in EXPECTED), f"no good {kind} letter"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("letters")
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], check=True)
    return out


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_committed_fixture_matches_generator(generated, name):
    assert (generated / name).read_bytes() == (LETTERS / name).read_bytes(), (
        f"fixtures/letters/{name} has drifted from fixtures/make_letters.py: "
        "run `python fixtures/make_letters.py` and commit the result")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_kind_is_told_by_its_name(name):
    expected = next(kind for prefix, kind in KIND_OF.items() if name.startswith(prefix))
    assert infer_kind(LETTERS / name) == expected


@pytest.fixture(scope="module")
def fixture_results():
    return run_engine(LETTERS)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_gives_exactly_its_intended_findings(fixture_results, name):
    path = str(LETTERS / name)
    assert not fixture_results.problems and not fixture_results.skipped
    found = [f for f in fixture_results.findings if f.path == path]
    assert sorted(f.rule for f in found) == sorted(EXPECTED[name]), [f"{f.rule}: {f.message}" for f in found]
    if not EXPECTED[name]:
        return
    document = read_document(path)
    for finding in found:
        located = EXPECTED[name][finding.rule]
        if located is None:  # a missing element: the letter as a whole
            assert finding.location is None and finding.line is None and finding.paragraph is None
            continue
        assert finding.location, f"{finding.rule} should say where"
        block = next(b for b in document.blocks
                     if (b.line, b.page, b.paragraph) == (finding.line, finding.page, finding.paragraph))
        first_word = located.split()[0]
        assert first_word.lower() in block.text.lower(), (block, located)
        assert located.lower() in finding.message.lower()


def test_good_fixtures_give_no_finding_of_any_rule(fixture_results):
    for name, expected in EXPECTED.items():
        if not expected:
            assert not [f for f in fixture_results.findings if f.path == str(LETTERS / name)], name


def test_command_line_on_the_letters_folder():
    result = CliRunner().invoke(main, [str(LETTERS), "--as-of", "2025-04-30"], catch_exceptions=False)
    assert result.exit_code == 1
    lines = [l for l in result.output.splitlines() if "[C" in l and l.startswith(str(LETTERS))]
    assert len(lines) == sum(len(v) for v in EXPECTED.values())
    for line in lines:
        assert re.match(r"^\S+?(:\d+)*: (\d+\.\d+(\([a-z]\))?|template) (error|warning|info): .+ \[C[LT]\d+[A-Z]?\]$", line), line
    assert any(
        line.startswith(f"{LETTERS}/stage1-ack-late-response.md:20: 6.3 error: promises a stage 1 response within "
                        "15 working days") for line in lines)
    assert f"{LETTERS}/stage1-response-no-escalation.txt: 6.9(g) warning: no details of how to escalate the complaint " \
           "to stage 2 [CL609G]" in lines


# -- compliant letters in other styles: no false alarms --------------------------------------------

PARAPHRASES = {
    "stage1_response": """\
        Dear Ms Okafor

        Re: your complaint - first stage reply

        Thanks for getting in touch on 2 June. I\u2019m sorry it has taken three
        visits and we still haven\u2019t sorted out the damp in your back bedroom.

        What you raised: you said the mould keeps coming back after each
        treatment and that your son\u2019s asthma has got worse. You\u2019d like a
        permanent fix and to be moved to another room in the meantime.

        Having spoken to the surveyor, I can see the gutter above your window
        is cracked and is soaking the wall. That is why the mould returns.

        I\u2019m upholding your complaint. We should have checked the outside of
        the building at the first visit.

        As a gesture of goodwill we\u2019ll pay you \u00a3120 and our contractor will
        replace the gutter on 24 June; the wall will then be dried out and
        treated. I\u2019ll ring you after the work to check it has worked.

        If you remain unhappy you can ask us to look at this again at the
        second stage of our process by replying within 20 working days.

        You can also contact the Housing Ombudsman, who can help at any
        point, on 0300 111 3000.

        Best wishes
        Sam Patel, Housing Officer
        """,
    "stage2_response": """\
        Final decision on your complaint (review stage)

        Dear Mr and Mrs Lewis,

        I have now carried out the review you asked for. As you know, your
        complaint concerns the noise from the lift motor next to your flat,
        which you say keeps you awake, and you have asked for the motor to be
        moved or soundproofed.

        I listened to the recordings you sent and read the engineer\u2019s report.
        The motor is within the manufacturer\u2019s noise limits, but the mounting
        brackets have worn and this is causing the vibration you hear at night.

        I have therefore decided to partly uphold your complaint.

        We will fit new anti-vibration mounts by 30 September and take noise
        readings afterwards. I apologise for the time this has taken.

        Once the mounts are fitted there will be nothing further for us to do
        unless the readings show a problem.

        This is the end of our internal process. If you are still not happy,
        you may take your complaint to the Housing Ombudsman Service free of
        charge: phone 0300 111 3000, or use the online form at
        www.housing-ombudsman.org.uk, or write to PO Box 1484, Unit D,
        Preston PR2 0ET.

        Yours sincerely
        Dana Whitfield, Director of Property Services
        """,
    "extension": """\
        Dear {{tenant_first_name}},

        I am sorry, but we will not be able to reply to your complaint by the
        date we gave you. The independent damp specialist we have asked to
        inspect your home cannot attend until next week, and we want our reply
        to take account of what they find.

        We will now reply no later than 14 March 2025.

        You can contact the Housing Ombudsman for advice at any time: call
        0300 111 3000 or go to www.housing-ombudsman.org.uk.

        Kind regards, {{handler_name}}
        """,
    "stage1_ack": """\
        Hi {{first_name}},

        Thanks for letting us know you\u2019re unhappy with how long the repair to
        your front door is taking. We\u2019ve logged this as a stage 1 complaint.

        So we\u2019re clear on what you\u2019re asking for: you\u2019d like the door replaced
        rather than patched, and an explanation of why the first appointment
        was cancelled.

        The door is ours to repair, so we\u2019ll deal with all of it; the parking
        permit you also mentioned is a matter for the county council, not us.

        You\u2019ll get our full reply within 10 working days. If we\u2019ve got any of
        this wrong, just reply to this message.

        Ben, Customer Care
        """,
    "stage2_ack": """\
        Dear Mrs Green,

        Thank you for your request of 4 November to escalate your complaint
        to stage two.

        To confirm, your complaint is that the repairs to your bathroom
        ceiling were not finished, and you would like them completed and
        the mess left by the operatives cleared.

        The repairs are our responsibility, and we will investigate all
        of the points you have raised.

        We will write to you with our final response within 20 working days
        of this letter.
        """,
    "refusal": """\
        Dear Mr Ali,

        Thank you for your email of 3 March about the decision to take
        possession proceedings against your tenancy.

        I\u2019m afraid we can\u2019t deal with this through our complaints process,
        as court proceedings about the tenancy have already begun and the
        court is the right place for these issues to be decided.

        If you think we have got this wrong, you can ask the Housing
        Ombudsman to look at our decision. Phone 0300 111 3000.
        """,
}


@pytest.mark.parametrize("kind", sorted(PARAPHRASES))
def test_compliant_letters_in_another_style_give_no_findings(kind):
    assert check_letter(snippet(PARAPHRASES[kind]), kind) == []


@pytest.mark.parametrize("kind", sorted(PARAPHRASES))
def test_paraphrases_also_pass_as_one_block_a_paragraph(kind):
    # the same letter with every paragraph's lines run together, one block a paragraph (as docx/html)
    paragraphs = [" ".join(p.split()) for p in textwrap.dedent(PARAPHRASES[kind]).split("\n\n") if p.strip()]
    document = Document(path="x.docx", format="docx",
                        blocks=[Block(text=p, paragraph=i) for i, p in enumerate(paragraphs, 1)])
    assert check_letter(document, kind) == []


def test_a_paraphrase_loses_what_it_leaves_out():
    stage1 = PARAPHRASES["stage1_response"]
    no_escalation = stage1.replace(
        "If you remain unhappy you can ask us to look at this again at the\n"
        "        second stage of our process by replying within 20 working days.", "")
    assert check_letter(snippet(no_escalation), "stage1_response") == ["CL609G"]
    stage2 = PARAPHRASES["stage2_response"]
    cut = stage2.index("This is the end")
    assert check_letter(snippet(stage2[:cut]), "stage2_response") == ["CL619G"]
    ack = PARAPHRASES["stage1_ack"].replace("10 working days", "three weeks")
    assert check_letter(snippet(ack), "stage1_ack") == ["CL603"]
    informal = PARAPHRASES["stage1_ack"].replace("as a stage 1 complaint", "as an informal complaint for now")
    assert check_letter(snippet(informal), "stage1_ack") == ["CL502"]


# -- a reviewer's letters: compliant ones give no finding, breaches exactly the intended one ----------

#: name -> (kind, the finding(s) it must give, the letter)
REVIEWED: dict[str, tuple[str, list[str], str]] = {
    "stage2-response-stage3-not-satisfied": ("stage2_response", ["CL503"], """\
        Dear Mr Ali

        This is our Stage 2 response. You told us the lift at Oak Tower has broken down six times and you want it replaced.

        We have upheld your complaint because the service records show repeated failures. We are sorry and will pay you \u00a3150. The lift replacement is booked for 2 June 2025; there are no other outstanding actions.

        If you are not satisfied with this response, you can ask for a Stage 3 review by our Board's Complaints Panel. You can also contact the Housing Ombudsman on 0300 111 3000.
        """),
    "stage1-ack-not-happy-after-informal-stage": ("stage1_ack", ["CL502"], """\
        Dear Mr Osei

        You told us your kitchen tap leaks and you want it replaced. The tap is our responsibility.

        If you are not happy after our informal stage, you can then make a formal Stage 1 complaint. We will respond within 10 working days.
        """),
    "stage1-ack-informal-not-escalated": ("stage1_ack", ["CL502"], """\
        Dear Mr Osei

        You told us your kitchen tap leaks and you want it replaced. The tap is our responsibility.

        Your concerns have been logged as an informal complaint and will not be escalated to Stage 1 until our repairs team has tried to resolve them. We will respond within 10 working days.
        """),
    "stage1-response-works-in-three-stages": ("stage1_response", [], """\
        Dear Ms Cole

        This is our Stage 1 response. You told us your home has damp and you want it treated.

        We have upheld your complaint because our survey found a failed damp-proof course. We are sorry. The remedial works will be done in three stages: the damp-proof course on 12 May 2025, re-plastering on 19 May 2025 and redecoration on 26 May 2025. Stage 3 of the works will be redecoration.

        If you remain unhappy you can ask us to escalate your complaint to Stage 2.
        """),
    "stage1-response-acknowledge-is-no-decision": ("stage1_response", ["CL609C"], """\
        Dear Ms Cole

        This is our Stage 1 response. You told us your fence was damaged by our grounds team and you want it repaired.

        We acknowledge how frustrating this has been. Our grounds team have looked at the fence. We will repair the fence by 9 May 2025 and there is nothing else outstanding.

        We are sorry for the inconvenience. If you remain unhappy you can ask us to escalate your complaint to Stage 2.
        """),
    "stage1-response-final-stage-is-no-escalation": ("stage1_response", ["CL609G"], """\
        Dear Ms Cole

        This is our Stage 1 response. You told us your fence was damaged by our grounds team and you want it repaired.

        We have upheld your complaint because our records show the mower hit the fence. We are sorry and we will repair the fence by 9 May 2025.

        This is the final stage of our complaints process. If you remain unhappy you can contact the Housing Ombudsman on 0300 111 3000.
        """),
    "stage1-response-contacted-us-is-no-definition": ("stage1_response", ["CL609B"], """\
        Dear Ms Cole

        This is our Stage 1 response to your complaint, reference 1234. You contacted us on 3 March 2025.

        We have upheld your complaint because our records show we were at fault. We are sorry and we will repair the fence by 9 May 2025.

        If you remain unhappy you can ask us to escalate your complaint to Stage 2.
        """),
    "extension-received-date-is-no-new-date": ("extension", ["CL604"], """\
        Dear Mr Fenwick

        We received your complaint on 3 March 2025 and we need more time to complete our investigation because the contractor's report has not arrived.

        We will write to you again as soon as we can. You can contact the Housing Ombudsman on 0300 111 3000.
        """),
    "stage2-response-ombudsman-in-footer-only": ("stage2_response", ["CL619G"], """\
        Dear Mr Ali

        This is our Stage 2 final response. You told us the lift at Oak Tower has broken down six times since January and you want it replaced.

        We have upheld your complaint because the lift's service records show repeated failures. We are sorry and we will pay you \u00a3150. The lift replacement is booked for 2 June 2025; there are no other outstanding actions.

        This concludes our complaints procedure.

        Yours sincerely
        Complaints Team

        ---
        Oakfield Homes is a member of the Housing Ombudsman Service (www.housing-ombudsman.org.uk) and is regulated by the Regulator of Social Housing.
        """),
    "refusal-ombudsman-in-footer-only": ("refusal", ["CL204"], """\
        Dear Ms Turner

        We are unable to accept your complaint because it is about a matter more than twelve months old.

        Kind regards
        Customer Voice Team

        ---
        Greenway Housing Association is a member of the Housing Ombudsman Service.
        """),
    "extension-council-formal": ("extension", [], """\
        Housing Complaints Team
        Northbridge Borough Council

        Our reference: HSG/CMP/2025/0519

        Dear Mr Fenwick

        Complaint about the condition of the communal garden, Ash Grove - extension of the Stage 1 response date

        I wrote to you on 7 April 2025 to confirm that your complaint had been logged at Stage 1 of the Council's complaints procedure, and that you would receive a full response by 22 April 2025.

        The Council's Parks and Grounds contractor has been asked to provide its maintenance logs for Ash Grove for the past twelve months, and these have not yet been received. I am not able to reach a properly informed decision without them.

        I must therefore extend the time for responding. You will now receive the Council's full response no later than 6 May 2025.

        I apologise for this delay. I will telephone you on 29 April 2025 to update you on progress.

        If you are unhappy with this extension you may contact the Housing Ombudsman Service, PO Box 1484, Unit D, Preston PR2 0ET; telephone 0300 111 3000.

        Yours sincerely

        S. Malik
        Complaints Officer
        """),
    "extension-report-still-outstanding": ("extension", [], """\
        Dear Mr Fenwick

        Your complaint has been logged at Stage 1. The surveyor's report is still outstanding. We will now send our full response by 6 May 2025.

        You can contact the Housing Ombudsman on 0300 111 3000.
        """),
    "extension-awaiting-survey": ("extension", [], """\
        Dear Mr Fenwick

        Your complaint has been logged at Stage 1. We are awaiting the asbestos survey results. We will now send our full response by 6 May 2025.

        You can contact the Housing Ombudsman on 0300 111 3000.
        """),
    "extension-chasing-job-notes": ("extension", [], """\
        Dear Mr Fenwick

        Your complaint has been logged at Stage 1. We have asked the gas contractor for their job notes and are chasing them. We will now send our full response by 6 May 2025.

        You can contact the Housing Ombudsman on 0300 111 3000.
        """),
    "stage2-response-table-remedy": ("stage2_response", [], """\
        # Stage 2 (final) response

        Reference: C-24-1187 | Date: 2 May 2025

        Dear Mr and Mrs Varga

        I am the Head of Property Services and I have reviewed your complaint at Stage 2. I had no involvement in the Stage 1 investigation.

        ## The complaint

        You asked us to review the Stage 1 response of 28 March 2025 because you felt it did not deal with the damp in your son's bedroom. You are seeking a permanent fix to the damp, the replacement of the bedroom carpet, and compensation for the months the room could not be used.

        ## What I looked at

        I read the Stage 1 file, the damp survey of 14 April 2025 and the repairs history since October 2024, and I visited your home with the surveyor on 22 April 2025. The survey found that the damp is caused by a failed section of the external render, which we had not identified at Stage 1.

        ## My decision

        Your complaint is upheld. The Stage 1 response treated the problem as condensation without an inspection, and that was wrong.

        ## Remedy

        | What we will do | Amount / detail | By when |
        |---|---|---|
        | Apology for the failings identified | This letter | Done |
        | Compensation for loss of use of the bedroom (5 months) | \u00a3250 | 16 May 2025 |
        | Compensation for time and trouble | \u00a3100 | 16 May 2025 |
        | Replace the bedroom carpet | Like-for-like | 30 May 2025 |
        | Repair the external render and re-plaster the wall | Works order WO-55812 | 13 June 2025 |

        The render repair and the carpet replacement are outstanding and our Repairs Manager, Ms Lowe, will write to you with appointment dates. I will check on 16 June 2025 that every item in the table has been completed.

        ## If you remain dissatisfied

        This is our final response and completes our complaints procedure. If you remain dissatisfied you can refer your complaint to the Housing Ombudsman Service, which is free and independent:

        - Website: www.housing-ombudsman.org.uk
        - Telephone: 0300 111 3000

        Yours sincerely

        M. Adeyemi
        Head of Property Services
        """),
    "stage2-response-first-person": ("stage2_response", [], """\
        Dear Mr Patel

        Stage 2 review of your complaint - ref 55102

        You told us that your complaint about the anti-social behaviour from the flat above was closed at Stage 1 without anyone speaking to you, and that you want the case reopened and a named officer to contact you.

        As the senior officer reviewing your complaint at Stage 2, I have read the case notes, listened to the calls you made on 3 and 10 February 2025 and spoken to the Neighbourhood Officer.

        I agree with you that the case should not have been closed without speaking to you. I partly uphold your complaint: the decision to close the case was wrong, but the Neighbourhood Officer did take the steps in our ASB policy before closing it.

        I apologise for the failure to contact you. The case was reopened on 28 April 2025 and Mr Jones, Neighbourhood Officer, will phone you by 9 May 2025 to agree an action plan.

        This letter is the Council's final response. If you remain unhappy, you can ask the Housing Ombudsman to investigate. You can contact the Ombudsman by telephone on 0300 111 3000, or online at https://www.housing-ombudsman.org.uk/residents/make-a-complaint/.

        Yours sincerely
        """),
    "stage1-response-first-person": ("stage1_response", [], """\
        Dear Mrs Hughes

        Stage 1 complaint response - reference 44120

        Your complaint concerns the time taken to repair your front door lock, which was reported on 6 January 2025, and you asked that the lock be replaced and that the Council recognise the time you spent at home waiting for operatives.

        I have examined the repair records and discussed the job with the Responsive Repairs Manager. The lock was ordered on 8 January but the supplier sent the wrong model twice.

        I find that the Council should have sourced an alternative supplier after the first failed delivery, and in my view the complaint is justified.

        I am sorry that you were without a secure door for six weeks. I have authorised a payment of \u00a380 in recognition of the time and trouble caused.

        The replacement lock was fitted on 21 February 2025 and the payment will be sent to you by cheque within 10 working days. Nothing else remains to be done.

        If you are dissatisfied with this response, you can ask for a Stage 2 review by writing to the Complaints Team within 20 working days.

        Yours sincerely
        """),
    "refusal-right-to-ask-the-ombudsman": ("refusal", [], """\
        Dear Ms Turner,

        **Your complaint about the 2023 service charge**

        Thank you for your email of 14 April 2025.

        We have looked carefully at what you have told us. We are not able to take this on as a complaint under our complaints policy. The charges you are unhappy with were set and billed in March 2023, and you first raised them with us this month, more than twelve months later. We have thought about whether there is a good reason to make an exception in your case, for example illness or not knowing about the charge, but you received the bill at the time and we could not find one.

        If you think our decision is wrong, you have the right to ask the Housing Ombudsman to look at it. You can call them on 0300 111 3000 or use the form at www.housing-ombudsman.org.uk.

        If you have a new concern about this year's service charge, please let us know and we will treat it as a new complaint.

        Kind regards,

        Leah Morgan
        Customer Voice Team, Greenway Housing Association
        """),
    "stage1-response-warm": ("stage1_response", [], """\
        Hi Darren,

        Thanks for getting in touch with us about the noise from the communal door at Riverside House. I'm Priya, and I've been looking into things for you.

        This letter is our answer to your complaint at Stage 1.

        What happened
        You let us know on 2 April that the front entrance door has been banging shut every time someone uses it since the closer was changed in February, and that it's been keeping your family awake. You'd like the door fixed so it closes quietly, and for us to explain why it took so long.

        What we found
        I went out to Riverside House on 8 April with our maintenance surveyor. The new closer was fitted at the wrong tension, which is why the door slams. Our records also show that your two earlier calls were logged as general enquiries rather than repairs, so nobody was sent out.

        Our decision
        We got this wrong, and I'm upholding your complaint.

        Making it right
        I'm really sorry for the sleepless nights this has caused. We'd like to give you \u00a350 as a thank-you for your patience and to recognise the disruption.

        What happens next
        Our contractor will adjust the closer on Tuesday 15 April between 8am and 12pm. I'll ring you that afternoon to check you're happy with it. The \u00a350 will reach your bank account within a week.

        Not happy with this?
        If you feel we haven't put things right, just tell us and we'll take your complaint to the next stage. You can reply to this letter, call us on 0800 123 4567 or message us in the MyHome app. A senior manager who hasn't been involved so far will look at it again.

        Best wishes,
        Priya Shah
        Customer Resolution Officer, Riverbank Homes
        """),
}


@pytest.mark.parametrize("name", sorted(REVIEWED))
def test_reviewed_letter_gives_exactly_its_intended_findings(name):
    kind, expected, text = REVIEWED[name]
    assert check_letter(snippet(text), kind) == sorted(expected)


# Bugs from a review, each a finding the landlord could refute by pointing at its own letter:
# a stage 2 extension cited under stage 1's provisions (6.5 for 6.16); one extension judged by
# both stages' limits; a payment, an MP's enquiry or FOI read as the complaint response.
EXTENSION_LETTER = """\
    Dear «Title» «Surname»

    Our ref: «CaseRef»

    {stage}

    {body}

    {ombudsman}

    Yours sincerely
    «OfficerName»
    """
OMBUDSMAN = "If you are unhappy about the delay, you can call the Housing Ombudsman on 0300 111 3000."
REASON = "This is because the structural engineer cannot inspect the wall until next month."

STAGE_BUGS: dict[str, tuple[str, list[str], dict[str, str]]] = {
    # without the Ombudsman's details: 6.16 for a stage 2 letter, 6.5 for stage 1
    "stage2-no-ombudsman": ("extension", ["CL616"], dict(
        stage="Your stage two complaint",
        body=f"We need more time to complete our review. {REASON} We will send our final response by 6 June 2025.",
        ombudsman="")),
    "review-no-ombudsman": ("extension", ["CL616"], dict(
        stage="Thank you for asking the Council to review its stage one decision.",
        body=f"The Council needs more time. {REASON} It will reply by 6 June 2025.", ombudsman="")),
    "stage1-no-ombudsman": ("extension", ["CL605"], dict(
        stage="Your stage one complaint",
        body=f"We need more time to respond. {REASON} We will respond by 6 June 2025.", ombudsman="")),
    # one extension, one limit: the limit of the stage the letter is about
    "stage1-25-days": ("extension", ["CL604R", "CL604T"], dict(
        stage="Your stage one complaint",
        body="We need to extend the time for our response by 25 working days, to 6 June 2025.",
        ombudsman=OMBUDSMAN)),
    "stage1-25-days-with-reason": ("extension", [], dict(
        stage="Your stage one complaint",
        body=f"We need to extend the time for our response by 25 working days, to 6 June 2025. {REASON}",
        ombudsman=OMBUDSMAN)),
    "no-stage-25-days": ("extension", ["CL604R", "CL604T"], dict(
        stage="Your complaint",
        body="We need a further 25 working days to respond, so we will reply by 6 June 2025.",
        ombudsman=OMBUDSMAN)),
    "stage1-with-future-stage2": ("extension", ["CL604R", "CL604T"], dict(
        stage="Your stage one complaint",
        body="We need a further 25 working days to respond. If you are unhappy with our response you can "
             "ask for your complaint to be escalated to stage 2.",
        ombudsman=OMBUDSMAN)),
    "stage2-15-days": ("extension", ["CL615R"], dict(
        stage="Your stage two complaint",
        body="We need a further 15 working days for our final response, which you will have by 6 June 2025.",
        ombudsman=OMBUDSMAN)),
    "stage2-25-days": ("extension", ["CL615R", "CL615T"], dict(
        stage="Your appeal",
        body="We need a further 25 working days for our final response, which you will have by 6 June 2025.",
        ombudsman=OMBUDSMAN)),
    # a payment or another kind of request is not the complaint response
    "payment-after-extension": ("extension", [], dict(
        stage="Your stage one complaint",
        body=f"{REASON} We will respond by 6 June 2025. Any compensation will then be paid within a further "
             "25 working days.",
        ombudsman=OMBUDSMAN)),
}


@pytest.mark.parametrize("name", sorted(STAGE_BUGS))
def test_an_extension_letter_is_judged_by_the_rules_of_its_stage(name):
    kind, expected, parts = STAGE_BUGS[name]
    text = EXTENSION_LETTER.format(**parts)
    assert check_letter(snippet(text), kind) == sorted(expected)


ACK_LETTER = """\
    Dear {{resident_name}}

    We have logged your complaint at stage {stage}. We understand your complaint is about the
    broken entry door at Elm Court, and you would like it repaired. The door is our
    responsibility and we will investigate it.

    We will send you our {response} within {days} working days.

    {other}

    Yours sincerely
    """
OTHER_TIMES = [
    "Any compensation we offer will be paid within 1 month of your acceptance.",
    "Any compensation we agree will be paid within 30 working days of our decision.",
    "We answer enquiries from MPs and councillors within 25 working days.",
    "Freedom of Information requests are answered within 20 working days.",
    "Subject access requests are answered within one month, or 30 working days if complex.",
    "Routine repairs are completed within 28 working days.",
    "A repairs appointment will be offered within 25 working days.",
]


@pytest.mark.parametrize("other", OTHER_TIMES)
@pytest.mark.parametrize("kind, stage, response, days", [
    ("stage1_ack", "1", "full response", 10), ("stage2_ack", "2", "final response", 20)])
def test_an_acknowledgement_is_judged_only_on_the_complaint_response(kind, stage, response, days, other):
    text = ACK_LETTER.format(stage=stage, response=response, days=days, other=other)
    assert check_letter(snippet(text), kind) == []
    late = ACK_LETTER.format(stage=stage, response=response, days=days + 5, other=other)
    assert check_letter(snippet(late), kind) == ["CL603" if stage == "1" else "CL614"]


# One stage 1 response in a plain style; each variant changes one sentence. Every
# variant words its element in a way a compliant landlord uses, so none gives a finding.
STAGE1_BASE = {
    "definition": "You told us the communal lights at Beech House have been out since 2 March and you want "
                  "them fixed.",
    "decision": "I have upheld your complaint because the repair records show the job was never raised.",
    "remedy": "I am sorry for the inconvenience.",
    "actions": "The lights will be repaired by 9 May 2025.",
    "escalation": "If you are not happy you can ask us to escalate your complaint to Stage 2.",
}


def stage1_letter(**changes: str) -> str:
    parts = {**STAGE1_BASE, **changes}
    return (f"Dear Mr Grant\n\nThis is our Stage 1 response. {parts['definition']}\n\n{parts['decision']}\n\n"
            f"{parts['remedy']} {parts['actions']}\n\n{parts['escalation']}\n")


STAGE1_VARIANTS: list[tuple[str, str]] = [
    # 6.9(c) the decision: first person, the landlord by name, the words landlords use
    ("decision", "I have checked the repair records. I have decided that our service fell below the standard "
                 "you should expect."),
    ("decision", "I have checked the repair records. I agree that the lights should have been repaired sooner."),
    ("decision", "I have checked the repair records. I accept that we took too long to repair the lights."),
    ("decision", "I have checked the repair records. The Council accepts that it took too long to repair the "
                 "lights."),
    ("decision", "I have checked the repair records. Your complaint has been substantiated."),
    ("decision", "I have checked the repair records. I have found in your favour."),
    ("decision", "I have checked the repair records. I have found that there was a service failure by the "
                 "Council."),
    ("decision", "I have checked the repair records. Your complaint is valid."),
    ("decision", "I have checked the repair records. I have not found any failure in the service we provided."),
    ("decision", "I have checked the repair records. There was maladministration in how we handled your "
                 "reports."),
    ("decision", "I have checked the repair records. We were wrong to leave the lights unrepaired for so long."),
    # 6.9(e) the remedy, or that none is offered
    ("remedy", "I have authorised a payment of fifty pounds for the inconvenience."),
    ("remedy", "As the lights were repaired the next day and no fault was found, no financial award is "
               "appropriate."),
    ("remedy", "We would like to offer you a \u00a330 shopping voucher."),
    # 6.9(f) the outstanding actions, or that there are none
    ("actions", "Our electrical contractor is booked to attend on 9 May 2025."),
    ("actions", "An appointment has been made for 9 May 2025 to replace the fittings."),
    ("actions", "There are no actions left to complete."),
    # 6.9(g) how to escalate to stage 2
    ("escalation", "If you are unhappy with this response, please tell us within 20 working days and it will be "
                   "passed to the next stage of our complaints procedure."),
    ("escalation", "If you remain unhappy, you can ask for your complaint to be reviewed at stage 2."),
    ("escalation", "If you remain unhappy, you can ask for your complaint to be reviewed at the second stage."),
    ("escalation", "If you remain unhappy, you can take your complaint further by asking us to escalate it."),
    ("escalation", "If you are not satisfied, you can take your complaint further by contacting the Complaints "
                   "Team, who will arrange for a senior manager to review it."),
    ("escalation", "If you remain unhappy, you can request that your complaint is reviewed by a senior manager."),
    # 6.9(b) the complaint definition
    ("definition", "You raised concerns that the communal lights at Beech House have been out since 2 March, "
                   "and asked for them to be repaired."),
    ("definition", "You contacted us on 3 March about the communal lights at Beech House, which have been out "
                   "since 2 March, and asked for them to be repaired."),
]


def test_stage1_base_letter_is_compliant():
    assert check_letter(snippet(stage1_letter()), "stage1_response") == []


@pytest.mark.parametrize("element, sentence", STAGE1_VARIANTS)
def test_stage1_response_in_other_words_gives_no_finding(element, sentence):
    assert check_letter(snippet(stage1_letter(**{element: sentence})), "stage1_response") == []


@pytest.mark.parametrize("element, sentence", [(e, s) for e, s in STAGE1_VARIANTS if e != "escalation"])
def test_stage2_response_in_other_words_gives_no_finding(element, sentence):
    # the same wording in a stage 2 response: (b)-(f) accept what stage 1's accept (a stage 2
    # response escalates to the Ombudsman, so its escalation sentence stays)
    text = stage1_letter(**{element: sentence}).replace("Stage 1 response", "Stage 2 final response").replace(
        STAGE1_BASE["escalation"], "If you remain dissatisfied you can refer your complaint to the Housing "
                                   "Ombudsman on 0300 111 3000.")
    assert check_letter(snippet(text), "stage2_response") == []


STAGE1_BREACHES: list[tuple[str, str, str]] = [
    # (element, sentence, the one finding it must give)
    ("decision", "I have checked the repair records. We acknowledge how frustrating this has been.", "CL609C"),
    ("escalation", "This is the final stage of our complaints process. If you remain unhappy you can contact "
                   "the Housing Ombudsman on 0300 111 3000.", "CL609G"),
    ("escalation", "If you are not satisfied, you can take your complaint further by contacting the Housing "
                   "Ombudsman on 0300 111 3000.", "CL609G"),
    ("definition", "You contacted us on 3 March 2025.", "CL609B"),
    ("definition", "You got in touch with us on 3 March 2025.", "CL609B"),
    ("actions", "Our electrical contractor attended on 2 March 2025.", "CL609F"),
]


@pytest.mark.parametrize("element, sentence, rule_id", STAGE1_BREACHES)
def test_stage1_response_missing_one_element_gives_exactly_that_finding(element, sentence, rule_id):
    assert check_letter(snippet(stage1_letter(**{element: sentence})), "stage1_response") == [rule_id]


@pytest.mark.parametrize("name, kind", [
    ("acknowledgement-damp.md", "stage1_ack"), ("Complaint acknowledgment letter.docx", "stage1_ack"),
    ("ack-letter.txt", "stage1_ack"), ("escalation-acknowledgement.md", "stage2_ack"),
    ("stage2-acknowledgement.md", "stage2_ack"), ("backlog-notes.txt", None), ("feedback.md", None),
    # "ack" inside another word is not an acknowledgement; the first stage named is the letter's
    ("stage1-response-blackwell.md", "stage1_response"), ("stage2-response-hackney.md", "stage2_response"),
    ("stage2-response-about-stage1-delay.md", "stage2_response"), ("stage2-acknowledgement-after-stage1.md", "stage2_ack"),
    ("refusal-jackson.md", "refusal"), ("extension-back-garden.md", "extension"),
])
def test_an_acknowledgement_that_names_no_stage_is_a_stage_1_acknowledgement(name, kind):
    assert infer_kind(name) == kind
