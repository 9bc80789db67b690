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


def hits(rule, document: Document) -> list[str]:
    out: list[str] = []
    rule.check(document, None, lambda block, message, severity=None: out.append(message))
    return out


def check_letter(document: Document, kind: str) -> list[str]:
    """Rule ids of every letter rule for `kind` that finds something in `document`."""
    found = []
    for rule in LETTER_RULES.values():
        if kind in rule.kinds:
            found += [rule.id] * len(hits(rule, document))
    return sorted(found)


def run_engine(*paths: Path):
    registry = default_registry()
    config = Config()
    rules = registry.select((), (), config.severity)
    return Engine(registry, config, rules, AS_OF).run([str(p) for p in paths])


# -- the rules themselves ---------------------------------------------------------------------

EXPECTED_IDS = {
    "CL204": "2.4", "CL307": "3.7", "CL502": "5.2", "CL503": "5.3", "CL506": "5.6", "CL507": "5.7",
    "CL603": "6.3", "CL604": "6.4", "CL604R": "6.4", "CL605": "6.5", "CL614": "6.14", "CT001": None,
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


# stage 2's (b)-(f) word the same elements as stage 1's
CASES.update({f"CL619{c}": CASES[f"CL609{c}"] for c in "BCDEF"})


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
    assert f"{LETTERS}/stage1-response-no-escalation.txt: 6.9(g) error: no details of how to escalate the complaint " \
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
