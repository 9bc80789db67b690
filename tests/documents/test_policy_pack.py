"""The complaints POLICY pack (rules/policy/*.yaml, rule ids CP...).

- every policy rule both ways on inline snippets, with paraphrases real policies use
  for the tricky ones (a compliant wording that fires is a false alarm: a bug);
- the three compliant fixture policies (PDF, DOCX, Markdown) give no error or warning;
- each non-compliant fixture gives exactly its intended findings;
- the committed fixtures match fixtures/make_policies.py, which is deterministic.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from codecheck.documents import read_document
from codecheck.documents.kinds import infer_kind
from codecheck.documents.model import Block, Document
from codecheck.documents.packs import document_rules

ROOT = Path(__file__).resolve().parents[2]
POLICIES = ROOT / "fixtures" / "policies"
SCRIPT = ROOT / "fixtures" / "make_policies.py"

COMPLIANT = (
    "riverside-complaints-policy.pdf",
    "northbrook-housing-complaints-policy.docx",
    "oakfield-complaints-policy.md",
)

# Each non-compliant fixture: exactly the rules it should break (and nothing else).
BREACHES = {
    "policy-breach-stage1-15-working-days.pdf": {"CP603T"},
    "policy-breach-informal-stage.docx": {"CP502"},
    "policy-breach-three-stages.md": {"CP503"},
    "policy-breach-no-ombudsman.pdf": {"CP307", "CP204", "CP305", "CP605", "CP616", "CP704"},
    "policy-breach-no-reasonable-adjustments.docx": {"CP510", "CP510R", "CP510V"},
    "policy-breach-stage2-30-working-days.md": {"CP614T"},
}


# -- helpers --------------------------------------------------------------------------------


def policy_rules() -> dict:
    return {rule.id: rule for rule in document_rules() if rule.id.startswith("CP")}


RULES = policy_rules()


def snippet(text: str) -> Document:
    """A policy snippet: one block per non-blank line, as the text reader makes."""
    lines = textwrap.dedent(text).strip("\n").split("\n")
    blocks = [Block(text=" ".join(line.split()), line=n) for n, line in enumerate(lines, 1) if line.strip()]
    return Document(path="complaints-policy.txt", format="text", blocks=blocks)


def findings(rule_id: str, text: str) -> list[str]:
    out: list[str] = []
    RULES[rule_id].check(snippet(text), None, lambda block, message: out.append(message))
    return out


def run_cli(*paths: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "codecheck", "--format", "json", *map(str, paths)],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


# -- the pack itself ------------------------------------------------------------------------


def test_pack_loads_with_the_expected_rules():
    assert len(RULES) >= 50
    for rule in RULES.values():
        assert rule.kinds == ("policy",)
        assert rule.provision, rule.id
    must_have = {
        "CP102", "CP103", "CP104", "CP106", "CP202", "CP203", "CP203D", "CP204", "CP205", "CP301",
        "CP301E", "CP304", "CP305", "CP306", "CP307", "CP501", "CP502", "CP503", "CP504", "CP505",
        "CP510", "CP510R", "CP510V", "CP514", "CP602", "CP602T", "CP603", "CP603T", "CP604",
        "CP604T", "CP605", "CP611", "CP611T", "CP613", "CP614", "CP614T", "CP615", "CP615T", "CP616",
        "CP701", "CP702", "CP703", "CP704", "CP801", "CP802", "CP904", "CP905",
    }
    assert must_have <= set(RULES)


def test_rule_ids_follow_provisions():
    # "CP" + section digit + two-digit provision number (+ a letter)
    for rule in RULES.values():
        section, number = rule.provision.split("(")[0].split(".")
        assert rule.id[2:5] == f"{section}{int(number):02d}", (rule.id, rule.provision)


# -- every rule both ways on snippets -------------------------------------------------------

NOTHING = "We will look into your concerns and get back to you."

# (rule id, should it fire?, text). Requires/conditional rules: True = the text lacks
# the element; forbids/timescale: True = the text breaches.
CASES: list[tuple[str, bool, str]] = [
    # 1.2 definition
    ("CP102", False, "We define a complaint as 'an expression of dissatisfaction, however made, about the standard of "
                     "service, actions or lack of action by the landlord, its own staff, or those acting on its behalf, "
                     "affecting a resident or group of residents'."),
    ("CP102", False, "A complaint is any expression of dissatisfaction (however it is made) about the standard of "
                     "service, actions or lack of action by us or those acting on our behalf."),
    ("CP102", False, "Complaint - \u201cAn expression of dissatisfaction, however made, about the standard of service, "
                     "actions or lack of action by the Council\u201d"),
    ("CP102", True, "A complaint is when a tenant tells us they are unhappy with a service."),
    # 3.7 the Ombudsman route before 1 October 2022 (a designated person, an eight-week wait)
    ("CP307W", True, "You can ask your MP, as a designated person, to refer your complaint to the Ombudsman."),
    ("CP307W", False, "There is no longer any need to wait eight weeks before contacting the Ombudsman."),
    # 1.2 a narrowed definition is a contradiction at its sentence (CP102F), not also an omission
    ("CP102F", True, "A complaint is a written expression of dissatisfaction about the standard of service we provide."),
    ("CP102", False, "A complaint is a written expression of dissatisfaction about the standard of service we provide."),
    ("CP102F", True, "We define a complaint as a clear expression of dissatisfaction about a Council service."),
    ("CP102F", False, "A formal complaint is an expression of dissatisfaction, however made, about the standard of "
                      "service, actions or lack of action by the organisation, its own staff, or those acting on its "
                      "behalf, affecting an individual resident or group of residents."),
    ("CP102F", False, "Complaints can be made in writing or verbally."),
    ("CP102", True, NOTHING),
    # 1.3 no need to say 'complaint'
    ("CP103", False, "A resident does not have to use the word 'complaint' for it to be treated as such."),
    ("CP103", False, "Tenants do not need to say the word \u2018complaint\u2019."),
    ("CP103", False, "Whenever you tell us you are unhappy we will give you the choice to make a complaint."),
    ("CP103", False, "If you tell us you're unhappy, we'll ask if you want us to treat it as a complaint."),
    ("CP103", True, "To make a complaint, please tell us clearly that you wish to make a formal complaint."),
    # 1.4 service requests
    ("CP104", False, "A service request is a request from a resident to the landlord requiring action to be taken."),
    ("CP104", False, "A request for a service, such as reporting a repair, is not a complaint."),
    ("CP104", True, "All complaints are logged on our system."),
    # 1.5
    ("CP105", False, "If you are unhappy with our response to your service request we will log a complaint, even if "
                     "the service request is still ongoing."),
    ("CP105", False, "We will not stop our efforts to address the service request if you complain."),
    ("CP105", True, "Complaints about repairs can only be made once the repair has been completed."),
    # 1.5 a threshold of repeated failures (forbids)
    ("CP105F", True, "It only becomes a complaint when we have failed to fix the problem despite several visits."),
    ("CP105F", False, "If you are unhappy with how we dealt with your repair request, we will log a complaint."),
    # 1.6 surveys
    ("CP106", False, "Dissatisfaction expressed in a satisfaction survey is not treated as a complaint."),
    ("CP106", False, "Our surveys include details of how to make a complaint."),
    ("CP106", True, "We carry out an annual satisfaction survey."),
    # 2.2 exclusions
    ("CP202", False, "Exclusions: we will not consider complaints where legal proceedings have started."),
    ("CP202", False, "Some matters cannot be considered under this policy."),
    ("CP202", False, "What we can't deal with: matters already considered under this policy."),
    ("CP202", True, "We welcome all feedback about our services."),
    # 2.3 twelve months
    ("CP203", False, "We accept complaints made within 12 months of the issue occurring."),
    ("CP203", False, "We won't look at something that happened more than a year ago."),
    ("CP203", True, "Please complain as soon as possible."),
    # 2.3 discretion (conditional)
    ("CP203D", False, "We will not accept complaints about issues that occurred more than twelve months ago, but we will "
                      "use our discretion to accept older complaints where there are good reasons."),
    ("CP203D", False, "Complaints about issues more than 12 months ago will not normally be accepted."),
    ("CP203D", False, "We will not consider issues more than 12 months old, unless there are exceptional circumstances."),
    ("CP203D", False, "We always try to respond quickly."),  # no time limit: nothing to check
    ("CP203D", True, "We will not accept any complaint about an issue that happened more than 12 months ago."),
    # 2.3 too short (forbids)
    ("CP203F", False, "Complaints must be made within 12 months of the issue occurring."),
    ("CP203F", False, "You can refer your complaint to the Ombudsman within 12 months of our final response."),
    ("CP203F", False, "Any restriction on contact will be reviewed every six months."),
    ("CP203F", True, "Complaints must be made within six months of the issue occurring."),
    ("CP203F", True, "We will not consider complaints about matters that happened more than 6 months ago."),
    # 2.4 refusal explanation and Ombudsman
    ("CP204", False, "If we decide not to accept your complaint, we will explain why and tell you of your right to "
                     "take that decision to the Housing Ombudsman."),
    ("CP204", False, "Where we decide not to accept a complaint we will write to you explaining our reasons, and "
                     "telling you that you can ask the Housing Ombudsman to review our decision."),
    ("CP204", True, "If we decide not to accept your complaint, we will explain why."),
    ("CP204", True, NOTHING),
    # 2.5 blanket exclusions
    ("CP205", False, "We consider the individual circumstances of each complaint."),
    ("CP205", False, "Every decision to exclude a complaint is made on a case-by-case basis."),
    ("CP205", False, "We look at each case on its merits and never apply a blanket rule."),
    ("CP205", True, "Any complaint about a matter listed above will be rejected."),
    # 3.1 channels
    ("CP301", False, "You can complain by phone, by email, through our website or in person."),
    ("CP301", False, "Call us on 01632 960000 or write to us at the address below."),
    ("CP301", False, "You can complain in any way you like."),
    ("CP301", True, "Complaints must be made in writing to the Complaints Manager."),
    # 3.1 Equality Act
    ("CP301E", False, "We consider our duties under the Equality Act 2010 when you make a complaint."),
    ("CP301E", True, "We will help you to make a complaint."),
    # 3.4 two stages
    ("CP304", False, "Our complaints process has two stages."),
    ("CP304", False, "Stage 1 is dealt with by the service manager. Stage 2 is our final response."),
    ("CP304", False, "We operate a two-stage complaints procedure."),
    ("CP304", True, "We will investigate your complaint and let you know the outcome."),
    ("CP304", True, "Stage 1: your complaint is investigated by the service manager."),
    # 3.5 publicity
    ("CP305", False, "We publish this policy on our website and publicise it, with information about the Housing "
                     "Ombudsman and the Complaint Handling Code, in our newsletter."),
    ("CP305", False, "This policy is available on our website. We promote the Housing Ombudsman and the Code in our "
                     "tenant handbook."),
    ("CP305", True, "This policy is published on our website."),
    # 3.6 representatives
    ("CP306", False, "You can ask a representative to complain on your behalf, and you can be accompanied at any "
                     "meeting with us."),
    ("CP306", False, "You can ask anyone to complain for you and speak to us on your behalf. You can bring someone "
                     "with you to any meeting."),
    ("CP306", True, "You can ask a representative to complain on your behalf."),
    # 3.7 Ombudsman access
    ("CP307", False, "You can refer your complaint to the Housing Ombudsman once you have our stage 2 response."),
    ("CP307", False, "The Housing Ombudsman Service can help at any point: 0300 111 3000."),
    ("CP307", False, "You have the right to take your complaint to the Housing Ombudsman."),
    ("CP307", True, "Stage 2 is our final response and the end of the complaints process."),
    # 4.1
    ("CP401", False, "Our Customer Resolution Team is responsible for complaint handling."),
    ("CP401", False, "The Housing Complaints Officer co-ordinates complaint handling."),
    ("CP401", True, NOTHING),
    # 5.1
    ("CP501", False, "This is our single complaints policy."),
    ("CP501", False, "This policy applies to all complaints from our tenants and leaseholders."),
    ("CP501", True, NOTHING),
    # 5.2 extra named stage (forbids)
    ("CP502", False, "We do not operate an informal stage or a 'stage 0'."),
    ("CP502", False, "There is no 'stage 0' or informal complaint stage in our process."),
    ("CP502", False, "We don't have a 'stage 0', a pre-complaint stage or an informal complaints stage."),
    ("CP502", False, "We no longer have an informal complaints stage."),
    ("CP502", False, "Informal complaints are not part of our process."),
    ("CP502", False, "It is not appropriate to have extra named stages (such as 'stage 0' or 'informal complaint')."),
    ("CP502", False, "Our previous informal stage has been removed."),
    ("CP502", False, "We try to resolve matters early at Stage One, but there is no separate informal or "
                     "pre-complaint stage."),
    ("CP502", False, "We will always try to resolve your concern informally and quickly at stage 1."),
    ("CP502", True, "Stage 0 - early resolution by the service area."),
    ("CP502", True, "Before a formal complaint is logged, your concern will be dealt with at the informal stage."),
    ("CP502", True, "If you are not satisfied with the outcome of the informal stage, you can make a formal complaint."),
    ("CP502", True, "Pre-complaint: we will contact you within two working days to try to resolve the matter."),
    # 5.3 third stage (forbids)
    ("CP503", False, "There is no third stage."),
    ("CP503", False, "We do not have a stage 3 or a review panel."),
    ("CP503", False, "This replaces the old three-stage procedure."),
    ("CP503", False, "The Council's previous three-stage procedure has been replaced by this two-stage process."),
    ("CP503", False, "We will not escalate your complaint to a third stage."),
    ("CP503", False, "We report learning from complaints to our residents' panel."),
    ("CP503", True, "If you are still unhappy after stage 2 you can ask for a stage 3 review by our Complaints Panel."),
    ("CP503", True, "We have a three-stage complaints process."),
    ("CP503", True, "You can then ask for a panel hearing."),
    ("CP503", True, "If you are not happy after stage 2 you can go to stage 3."),
    # 5.4, 5.5 third parties
    ("CP504", False, "When a complaint is handled by a contractor it forms part of this two-stage process."),
    ("CP504", False, "If a contractor is dealing with your complaint, it still goes through these two stages."),
    ("CP504", True, "Complaints about our repairs contractor should be made to the contractor."),
    # 5.4 the contractor's own process (forbids)
    ("CP504F", True, "Complaints about our repairs contractor should be made to the contractor."),
    ("CP504F", True, "Our managing agent will deal with your complaint under its own complaints procedure."),
    ("CP504F", False, "Complaints about our contractors are handled through our two-stage process."),
    ("CP505", False, "We remain responsible for making sure that any third party handles complaints in line with "
                     "the Code."),
    ("CP505", False, "Our contracts require contractors to handle complaints in line with the Code and this policy."),
    ("CP505", True, "Our contractors have their own complaints procedures."),
    # 5.6 complaint definition
    ("CP506", False, "We will set out our understanding of your complaint and the outcomes you are seeking."),
    ("CP506", False, "We'll write down what we think it's about and what you'd like to happen."),
    ("CP506", True, NOTHING),
    # 5.8
    ("CP508", False, "Complaint handlers will act independently and with an open mind."),
    ("CP508", False, "The investigating officer will look at the complaint impartially."),
    ("CP508", True, NOTHING),
    # 5.9
    ("CP509", False, "We will agree with you how often we will update you."),
    ("CP509", False, "We will keep you informed about your complaint."),
    ("CP509", True, NOTHING),
    # 5.10 reasonable adjustments
    ("CP510", False, "We will make reasonable adjustments where appropriate under the Equality Act 2010."),
    ("CP510", False, "We can make adjustments to the process, such as meeting you at home."),
    ("CP510", True, "All complaints must be submitted on the online form."),
    ("CP510R", False, "We keep a record of any reasonable adjustments agreed and of any disabilities you disclose."),
    ("CP510R", False, "Agreed adjustments, and any disability you tell us about, will be recorded on your tenancy "
                      "record."),
    ("CP510R", True, "We will make reasonable adjustments where needed."),
    ("CP510V", False, "We keep agreed adjustments under active review."),
    ("CP510V", False, "Adjustments will be reviewed regularly with you."),
    ("CP510V", True, "We will make reasonable adjustments where needed."),
    # 5.11
    ("CP511", False, "We will only refuse to escalate a complaint for a valid reason, which we will explain."),
    ("CP511", False, "Just ask us to escalate it to stage 2."),
    ("CP511", True, NOTHING),
    # 5.11 escalation refused for a reason the Code does not allow (forbids)
    ("CP511F", True, "If we think our answer would stay the same, we may confirm our stage 1 decision as final."),
    ("CP511F", True, "Stage 2 is at the discretion of the Complaints Manager."),
    ("CP511F", False, "We will not refuse to escalate just because we think our answer would stay the same."),
    ("CP511F", False, "We will not escalate a matter that has already been through both stages of this procedure."),
    # 5.12
    ("CP512", False, "We keep a full record of each complaint and the outcome at each stage."),
    ("CP512", True, NOTHING),
    # 5.13
    ("CP513", False, "We can offer a remedy at any stage of the process."),
    ("CP513", False, "Remedies can be offered at either stage without the need to escalate."),
    ("CP513", True, "Compensation can only be considered at stage 2."),
    ("CP513F", True, "Compensation can only be considered at stage 2."),
    ("CP513F", False, "Compensation can be offered at either stage."),
    # 5.14, 5.15
    ("CP514", False, "Our Unacceptable Behaviour Policy explains how we manage unacceptable behaviour."),
    ("CP514", False, "Where a tenant's behaviour is unreasonable or abusive we may restrict contact."),
    ("CP514", True, NOTHING),
    ("CP515", False, "We may restrict contact; any restriction will be proportionate."),
    ("CP515", False, NOTHING),  # no restrictions mentioned: nothing to check
    ("CP515", True, "We may stop all contact with anyone whose behaviour we find unacceptable, and restrict how "
                    "they contact us."),
    # 6.2 stage 1 acknowledgement: stated / not too long
    ("CP602", False, "We will acknowledge your complaint within five working days of receiving it."),
    ("CP602", False, "| Stage One acknowledgement | 5 business days from receipt |"),
    ("CP602", True, "We will acknowledge your complaint as soon as possible."),
    ("CP602T", False, "We will acknowledge your complaint within 5 working days and respond within 10 working days "
                      "of the acknowledgement."),
    ("CP602T", False, "We will send a full stage 1 response within 10 working days of acknowledging the complaint."),
    ("CP602T", False, "We'll reply in full within ten working days from when we acknowledged it."),
    ("CP602T", False, "Complaints will be acknowledged within 2 working days."),
    ("CP602T", False, "Stage 2 complaints will be acknowledged within five working days and a response provided "
                      "within 20 working days."),
    ("CP602T", True, "We will acknowledge your complaint within 10 working days."),
    ("CP602T", True, "We will acknowledge your complaint within two weeks."),
    # 6.3 stage 1 response
    ("CP603", False, "Stage 1: we will send you a full response within 10 working days of acknowledging your "
                     "complaint."),
    ("CP603", False, "Stage one. We will acknowledge your complaint within 5 working days and reply in full within "
                     "ten working days."),
    ("CP603", True, "We aim to respond to complaints promptly."),
    ("CP603T", False, "We aim to respond to stage 1 complaints within 10 working days of acknowledging them."),
    ("CP603T", False, "We will respond to your stage 1 complaint within 15 working days of receiving it."),
    ("CP603T", False, "Stage 1: a response within ten (10) working days of acknowledgement."),
    ("CP603T", False, "We'll respond within 10 working days (or 20 working days at stage 2)."),
    ("CP603T", False, "If you are unhappy with our stage 1 response, you can ask us to escalate, and we will respond "
                      "within 20 working days."),
    ("CP603T", False, "If we cannot respond within 10 working days we will agree a new date, no more than 10 further "
                      "working days later."),
    ("CP603T", False, "You will get our final response within 20 working days of our acknowledgement."),
    ("CP603T", True, "We will send you our stage 1 response within 15 working days of acknowledging your complaint."),
    ("CP603T", True, "Stage 1 complaints will receive a response within 20 working days."),
    ("CP603T", True, "We will respond within 25 working days."),
    ("CP603T", True, "We will respond to stage one complaints within four weeks."),
    # 6.4 stage 1 extension
    ("CP604", False, "Any extension will be no more than 10 working days without good reason."),
    ("CP604", False, "We may need up to 10 further working days; we will tell you why."),
    ("CP604", True, "If we need more time, we will let you know."),
    ("CP604T", False, "At stage 1 we may extend the deadline by up to 10 working days."),
    ("CP604T", False, "At stage 1 the timescale may be extended to 20 working days in total."),
    ("CP604T", False, "If we need more time at stage 2, we may extend by up to 20 working days."),
    ("CP604T", True, "At stage 1 we may extend the deadline by up to 20 working days."),
    ("CP604T", True, "If we need more time to respond at stage one, we will extend by no more than 15 working days."),
    # 6.5 and 6.16 Ombudsman details on extension
    ("CP605", False, "When we extend the timescale we will give you the contact details of the Housing Ombudsman."),
    ("CP605", False, "If we need more time we'll tell you why, and we'll give you the Housing Ombudsman's contact "
                     "details."),
    ("CP605", True, "If we need more time we will write to you with a new date."),
    ("CP616", False, "If we need longer at stage 2, we will explain why and provide the Ombudsman's contact details."),
    ("CP616", True, "If we need more time at stage 2 we will write to you with a new date."),
    # 6.6
    ("CP606", False, "We will respond when the answer to the complaint is known, not when all outstanding actions "
                     "are complete."),
    ("CP606", True, "We will send our response once the repair has been completed."),
    # 6.9(g)
    ("CP609G", False, "If you are not satisfied, you can ask us to escalate your complaint to stage 2."),
    ("CP609G", False, "Our reply will explain how to take your complaint to stage 2."),
    ("CP609G", True, "We will then send our response."),
    # 6.11 stage 2 acknowledgement
    ("CP611", False, "We will acknowledge your request to escalate within five working days."),
    ("CP611", False, "Requests for Stage Two are acknowledged within 5 business days of the escalation request."),
    ("CP611", False, "We will acknowledge complaints at both stages within five working days."),
    ("CP611", True, "We will acknowledge your escalation request."),
    ("CP611T", False, "We'll acknowledge your stage 2 request within five working days."),
    ("CP611T", False, "Stage 2 complaints will be acknowledged within five working days and a response provided "
                      "within 20 working days."),
    ("CP611T", False, "We will issue our stage 2 response within 20 working days of acknowledging the escalation "
                      "request."),
    ("CP611T", True, "We will acknowledge your request to escalate within 10 working days."),
    # 6.12 reasons not required (forbids)
    ("CP612", False, "Residents do not have to explain their reasons for asking for stage 2."),
    ("CP612", False, "You do not need to give reasons for escalating, but it helps us if you tell us why."),
    ("CP612", False, "Not happy with our stage 1 reply? Just ask us to escalate it to stage 2 - you don't have to say "
                     "why."),
    ("CP612", False, "If we refuse to escalate your complaint, we will need to give reasons."),
    ("CP612", True, "To escalate your complaint you must explain why you are unhappy with the stage 1 response."),
    ("CP612", True, "You will need to tell us why you are dissatisfied before we can escalate your complaint."),
    # 6.13 a different person at stage 2
    ("CP613", False, "Stage 2 will be considered by a different, more senior member of staff."),
    ("CP613", False, "Stage Two is carried out by a more senior officer who was not involved at Stage One."),
    ("CP613", False, "A manager who wasn't involved at stage 1 will look at your complaint again."),
    ("CP613", False, "Your complaint will be reviewed by another officer."),
    ("CP613", False, "The stage 2 investigator will not be the same person who handled stage 1."),
    ("CP613", True, "Your complaint will be reviewed again by the officer who dealt with it."),
    # 6.14 stage 2 response
    ("CP614", False, "We will issue our stage 2 final response within 20 working days of acknowledging the request."),
    ("CP614", False, "You'll get our final reply within 20 working days of us acknowledging your request."),
    ("CP614", True, "We will send our final response as soon as the review is complete."),
    ("CP614T", False, "You will receive the Council's final response within 20 business days of the Stage Two "
                      "acknowledgement."),
    ("CP614T", False, "Stage 2: we will respond within 25 working days of receiving your escalation request."),
    ("CP614T", False, "We will issue a final response within 20 working days. This may be extended by up to a further "
                      "20 working days where there is good reason."),
    ("CP614T", True, "You will receive our stage 2 response within 30 working days."),
    ("CP614T", True, "A senior manager will review your complaint and send our final decision within six weeks."),
    # 6.15 extensions
    ("CP615", False, "Any extension at stage 2 will be no more than a further 20 working days without good reason."),
    ("CP615", False, "If we need longer at stage 2, we will explain why and agree a new date with you."),
    ("CP615", True, "We will send our final response."),
    ("CP615T", False, "If we need longer we will explain why; the extension will be no more than 20 working days."),
    ("CP615T", False, "Where an extension is needed, the total time will not exceed 40 working days at stage 2."),
    ("CP615T", False, "We will respond within no longer than 10 working days."),
    ("CP615T", True, "If the complaint is complex we may extend the timescale by up to 30 working days."),
    ("CP615T", True, "We may need a further 25 working days to complete the review."),
    # 7.x remedies
    ("CP701", False, "Where something has gone wrong we will set out what we will do to put things right."),
    ("CP701", False, "Remedies may include an apology or compensation."),
    ("CP701", True, NOTHING),
    ("CP702", False, "Any remedy offered will reflect the impact on the resident of the fault identified."),
    ("CP702", False, "What we offer will reflect how the problem affected you."),
    ("CP702", True, "Compensation is limited to \u00a350 per complaint."),
    ("CP703", False, "Our response will say what will be done and by when."),
    ("CP703", True, "We will arrange for the works to be done."),
    ("CP704", False, "We take account of the Housing Ombudsman's remedies guidance."),
    ("CP704", False, "We follow the guidance on remedies issued by the Ombudsman."),
    ("CP704", True, "Compensation is decided by the Housing Manager."),
    # 8.x reporting
    ("CP801", False, "Each year we produce an annual complaints performance and service improvement report."),
    ("CP801", True, NOTHING),
    ("CP802", False, "The report is presented to our Board and published on our website with the Board's response."),
    ("CP802", True, "The complaints report is considered by the senior management team."),
    ("CP803", False, "We will carry out a self-assessment after a significant restructure, merger or change in "
                     "procedures."),
    ("CP803", True, "We complete our self-assessment every April."),
    ("CP805", False, "If exceptional circumstances stop us complying with the Code, we will tell the Ombudsman."),
    ("CP805", True, NOTHING),
    # 9.x governance
    ("CP901", False, "We use what we learn from complaints to improve our services."),
    ("CP901", True, NOTHING),
    ("CP904", False, "Our Director of Housing is the senior lead accountable for complaint handling."),
    ("CP904", False, "The Head of Operations is the senior person accountable for complaint handling."),
    ("CP904", True, NOTHING),
    ("CP905", False, "A member of our Board is our Member Responsible for Complaints (MRC)."),
    ("CP905", False, "The Cabinet Member for Housing is the Council's MRC."),
    ("CP905", True, "Complaints performance is reported to the Board."),
    # more paraphrases of the tricky ones, as real policies word them
    ("CP503", False, "Stage 3 - you can send your complaint to the Housing Ombudsman."),
    ("CP503", False, "Stage two - Housing Review Panel hearing."),
    ("CP503", True, "After stage 2 you can ask for a panel hearing with board members."),
    ("CP612", True, "If you are not satisfied you can escalate to stage 2 by writing to us and explaining why."),
    ("CP612", True, "You may escalate your complaint, but you must do so in writing within 14 days, explaining "
                    "why you remain dissatisfied."),
    ("CP203F", True, "If you have had a service within the past six months that you are unhappy with, contact us."),
    ("CP203F", True, "We are not able to investigate complaints about issues over 6 months old."),
    ("CP203F", False, "You can ask us to escalate within six months of our stage 1 response."),
    ("CP614T", False, "A request to escalate to stage 2 must be made within 28 working days of the stage 1 outcome."),
    ("CP614T", False, "You have 25 working days to request an escalation to stage 2 of the process."),
    ("CP614T", True, "We will send you a final response within eight weeks."),
    ("CP602T", False, "We will acknowledge your complaint within 5 working days and contact you within 10 working days "
                      "to discuss it."),
    ("CP602T", False, "In most cases we will respond within ten working days of the date of our acknowledgement."),
    ("CP615T", False, "If your complaint is complex it may take up to another 20 working days to respond."),
    ("CP615T", False, "The deadline will be extended to twenty working days in all."),
    ("CP613", False, "Stage 2 complaints are investigated by a senior manager who has not been involved in the "
                     "complaint previously."),
    ("CP204", False, "If we are unable to accept your complaint we will tell you why, and that you can ask the Housing "
                     "Ombudsman to review our decision."),
]


@pytest.mark.parametrize(
    ("rule_id", "fires", "text"),
    CASES,
    ids=[f"{r}-{'breach' if f else 'ok'}-{i}" for i, (r, f, _) in enumerate(CASES)],
)
def test_rule_on_snippet(rule_id, fires, text):
    got = findings(rule_id, text)
    if fires:
        assert got, f"{rule_id} should fire on: {text}"
    else:
        assert not got, f"{rule_id} fired on a compliant text: {text}\n{got}"


def test_the_rules_own_examples():
    """Each rule's breach_example breaches it, and its compliant_example (quoted text) does not
    (for requires rules the compliant example alone is enough)."""
    for rule in RULES.values():
        ok = rule.compliant_example.strip().strip('"').strip()
        assert not findings(rule.id, ok), (rule.id, ok)
    for rule_id in ("CP502", "CP503", "CP102F", "CP105F", "CP203F", "CP602T", "CP603T", "CP604T", "CP611T", "CP612", "CP614T",
                    "CP615T", "CP203D", "CP515"):
        rule = RULES[rule_id]
        assert findings(rule_id, rule.breach_example), (rule_id, rule.breach_example)


def test_timescale_message_names_the_amount():
    (message,) = findings("CP603T", "Stage 1 complaints will receive a response within four weeks.")
    assert "4 weeks" in message or "four weeks" in message
    assert "20 working days" in message and "10 working days" in message


def test_a_contradiction_is_located_and_quotes_its_sentence_once():
    doc = snippet("""
        Our process

        Stage 0 is an informal chat with the service area; the informal stage ends after five days.
        """)
    got: list = []
    RULES["CP502"].check(doc, None, lambda block, message: got.append((block, message)))
    assert [b.line for b, _ in got] == [3]  # one finding for the sentence, though it names two
    assert got[0][1].startswith("'Stage 0 is an informal chat with the service area; the informal stage")


# -- the engine on policy-shaped input: page furniture, tables, headings ---------------------

TIMESCALE_RULES = {rule_id for rule_id in RULES if rule_id.endswith("T")}


def all_findings(document: Document) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for rule in RULES.values():
        rule.check(document, None, lambda block, message, rule_id=rule.id: out.append((rule_id, message)))
    return out


def fired(document: Document, among: set[str] | None = None) -> set[str]:
    ids = {rule_id for rule_id, _ in all_findings(document)}
    return ids & among if among is not None else ids


def test_running_footer_inside_a_sentence_hides_no_breach():
    doc = Document(path="complaints-policy.pdf", format="pdf", pages=2, blocks=[
        Block(text="We will send our full stage 1 response within 15 working", page=1, line=1),
        Block(text="Acme Homes - Complaints Policy - page 1", page=1, line=2),
        Block(text="days of the acknowledgement.", page=2, line=1),
    ])
    assert fired(doc, TIMESCALE_RULES) == {"CP603T"}
    assert "CP603" not in fired(doc)


def test_running_footer_inside_a_sentence_gives_no_false_alarm():
    lines = [
        ["We will acknowledge your complaint within five working"],
        ["days of receiving it. We will send our stage 1 response within 10 working"],
        ["days of the acknowledgement. Stage 2 responses are sent within twenty working"],
        ["days of acknowledging the escalation request."],
    ]
    blocks = []
    for page, body in enumerate(lines, 1):
        blocks.append(Block(text="Acme Homes Complaints Policy", page=page, line=1))
        blocks += [Block(text=t, page=page, line=n) for n, t in enumerate(body, 2)]
        blocks.append(Block(text=f"Version 2 - Page {page} of {len(lines)}", page=page, line=len(body) + 2))
    doc = Document(path="complaints-policy.pdf", format="pdf", pages=len(lines), blocks=blocks)
    assert fired(doc) & {"CP602", "CP603", "CP614", *TIMESCALE_RULES} == set()


TABLE = [
    ("Stage One acknowledgement", "10 business days from receipt"),
    ("Stage One response", "15 business days from acknowledgement"),
    ("Stage Two response", "30 business days"),
]
GOOD_TABLE = [
    ("Stage One acknowledgement", "5 business days from receipt"),
    ("Stage One response", "10 business days from acknowledgement"),
    ("Stage Two response", "20 business days"),
]


def markdown_table(rows) -> Document:
    blocks = [Block(text="Step Timescale", line=1, part="table")]
    blocks += [Block(text=f"{a} {b}", line=n, part="table") for n, (a, b) in enumerate(rows, 3)]
    return Document(path="complaints-policy.md", format="markdown", blocks=blocks)


def word_table(rows, header: bool = False) -> Document:
    cells = ["Step", "Timescale"] if header else []
    cells += [cell for row in rows for cell in row]
    return Document(path="complaints-policy.docx", format="docx",
                    blocks=[Block(text="The timescales are:", paragraph=4),
                            *[Block(text=c, paragraph=5, part="table") for c in cells]])


@pytest.mark.parametrize("make", [markdown_table, word_table, lambda rows: word_table(rows, header=True)],
                         ids=["markdown", "docx", "docx-header"])
def test_each_table_row_is_read_on_its_own(make):
    found = [(r, m) for r, m in all_findings(make(TABLE)) if r in TIMESCALE_RULES]
    assert {r for r, _ in found} == {"CP602T", "CP603T", "CP614T"}
    (stage2,) = [m for r, m in found if r == "CP614T"]
    assert "more than the 20 working days" in stage2  # row 1's "from receipt" does not apply to row 3
    assert fired(make(GOOD_TABLE)) & {"CP602", "CP603", "CP614", *TIMESCALE_RULES} == set()


def under(heading: str, sentence: str) -> Document:
    return Document(path="complaints-policy.md", format="markdown", blocks=[
        Block(text="Our complaints procedure", line=1, heading="Our complaints procedure"),
        Block(text=heading, line=3, heading=heading),
        Block(text=sentence, line=5, heading=heading),
    ])


@pytest.mark.parametrize("heading, sentence, expected", [
    ("Stage 1", "We will respond within 15 working days of acknowledging your complaint.", {"CP603T"}),
    ("Stage 1", "We will respond within 10 working days of acknowledging your complaint.", set()),
    ("Stage 1", "We will respond within 15 working days of receiving your complaint.", set()),
    ("Stage one", "We will acknowledge your complaint within 10 working days.", {"CP602T"}),
    ("Stage 1", "If you ask us to escalate, we will respond within 20 working days.", set()),
    ("Stage 1", "If we need more time we will tell you; we will not extend by more than 10 working days.", set()),
    ("Stage 1", "We may extend the time to respond by up to 20 working days.", {"CP604T"}),
    ("Stage 2", "We will respond within 30 working days.", {"CP614T"}),
    ("Stage 2", "We will respond within 20 working days of acknowledging your request.", set()),
    ("Stage Two", "You will get our reply within 25 working days of receiving your request.", set()),
    ("Stage 2", "We will acknowledge your request within 10 working days.", {"CP611T"}),
    ("Stage 2", "We will acknowledge your request within 5 working days.", set()),
    ("Stage 2", "If we need more time we won't extend by more than 20 working days.", set()),
    ("Stage 2 - review", "We will acknowledge it within 5 working days and respond within 20 working days.", set()),
    ("Timescales", "Stage 1 responses are sent within 10 working days; stage 2 responses within 20 working days.",
     set()),
    ("Service requests", "We will respond to a repair request within 25 working days.", set()),
    ("9. The Housing Ombudsman", "The Ombudsman will normally respond within 25 working days.", set()),
    ("Complaints about repairs", "We will respond within 15 working days at stage 1.", {"CP603T"}),
    ("Complaints about repairs", "We will respond within 25 working days.", {"CP603T"}),
])
def test_timescales_read_the_heading(heading, sentence, expected):
    assert fired(under(heading, sentence), TIMESCALE_RULES) == expected


def test_forbids_match_running_past_a_heading_keeps_its_negation():
    informal = Document(path="complaints-policy.md", format="markdown", blocks=[
        Block(text="Informal", line=1, heading="Informal"),
        Block(text="complaints are not part of our process.", line=3, heading="Informal"),
    ])
    assert "CP502" not in fired(informal)


# -- the fixtures ---------------------------------------------------------------------------


def test_fixture_names_give_the_policy_kind():
    names = sorted(p.name for p in POLICIES.iterdir())
    assert names == sorted([*COMPLIANT, *BREACHES])
    for name in names:
        assert infer_kind(POLICIES / name) == "policy", name


@pytest.fixture(scope="module")
def report():
    """One CLI run over every policy fixture (the engine as a user runs it)."""
    result = run_cli(*sorted(POLICIES.iterdir()))
    assert result["errors"] == []
    return result


def findings_for(report, name: str) -> list[dict]:
    return [f for f in report["findings"] if Path(f["path"]).name == name]


def test_compliant_policies_give_no_error_or_warning(report):
    for name in COMPLIANT:
        bad = [f for f in findings_for(report, name) if f["severity"] in ("error", "warning")]
        assert bad == [], "\n".join(f"{name}: {f['rule']} {f['message']}" for f in bad)
    kinds = {Path(f["path"]).name: f["kind"] for f in report["summary"]["files"]}
    assert kinds == dict.fromkeys([*COMPLIANT, *BREACHES], "policy")


@pytest.mark.parametrize("name", sorted(BREACHES))
def test_breach_policy_gives_its_intended_findings(report, name):
    got = {f["rule"] for f in findings_for(report, name)}
    assert got == BREACHES[name], f"{name}: expected {sorted(BREACHES[name])}, got {sorted(got)}"


def test_breach_findings_are_located(report):
    by_rule: dict[str, list[dict]] = {}
    for f in report["findings"]:
        by_rule.setdefault(f["rule"], []).append(f)
    (late,) = by_rule["CP603T"]
    assert late["page"] == 3 and "15 working days" in late["message"]
    (informal,) = by_rule["CP502"]
    assert informal["paragraph"] and "informal stage" in informal["message"]
    assert {f["line"] for f in by_rule["CP503"]} == {61, 63}
    (stage2,) = by_rule["CP614T"]
    assert stage2["line"] and "30 working days" in stage2["message"]


def test_pdf_policy_has_page_breaks_inside_sentences():
    doc = read_document(POLICIES / "riverside-complaints-policy.pdf")
    assert doc.pages and doc.pages >= 4
    continued = 0
    for page in range(2, doc.pages + 1):
        lines = [b.text for b in doc.blocks if b.page == page]
        if lines and lines[0][:1].islower():
            continued += 1
    assert continued >= 2, "expected page breaks that fall inside sentences"


def test_docx_policy_has_headings_table_header_and_footer():
    doc = read_document(POLICIES / "northbrook-housing-complaints-policy.docx")
    parts = {b.part for b in doc.blocks}
    assert {"body", "table", "header", "footer"} <= parts
    assert any(b.heading == "Stage Two" for b in doc.blocks)
    cells = [b.text for b in doc.blocks if b.part == "table"]
    assert "Stage Two response" in cells


def _generate(out: Path) -> None:
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], check=True, cwd=ROOT)


def _content(path: Path):
    """What a fixture says, independent of compression and library versions: Markdown
    bytes; every member of a DOCX zip; a PDF's text lines with their pages."""
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as zf:
            return {name: zf.read(name) for name in zf.namelist()}
    if path.suffix == ".pdf":
        doc = read_document(path)
        return doc.pages, [(b.page, b.line, b.text) for b in doc.blocks]
    return path.read_bytes()


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("policies")
    _generate(out)
    return out


def test_committed_fixtures_match_the_script(generated):
    made = sorted(p.name for p in generated.iterdir())
    assert made == sorted(p.name for p in POLICIES.iterdir())
    for name in made:
        assert _content(generated / name) == _content(POLICIES / name), (
            f"fixtures/policies/{name} differs from what fixtures/make_policies.py makes; run it again"
        )


def test_script_output_is_deterministic(generated, tmp_path):
    _generate(tmp_path)
    for path in sorted(generated.iterdir()):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


_SPANNED_TABLE = ("<h2>How long each stage takes</h2><table><tr><th>Stage</th><th>What we do</th><th>How long</th></tr>"
                  "<tr><td rowspan='2'>Stage one</td><td>Acknowledge your complaint</td><td>{ack1}</td></tr>"
                  "<tr><td>Send our full reply</td><td>{reply1}</td></tr>"
                  "<tr><td rowspan=2>Stage two</td><td>Confirm we have your request</td><td>{ack2}</td></tr>"
                  "<tr><td>Send our final reply</td><td>{reply2}</td></tr></table>")
_SPANNED_GOOD = dict(ack1="Within five working days of receiving it", reply1="Within ten working days of acknowledging it",
                     ack2="Within 5 working days", reply2="Within twenty working days of confirming it")


@pytest.mark.parametrize("change, expected", [
    ({}, set()),
    ({"ack1": "Within ten working days of receiving it"}, {"CP602T"}),
    ({"reply1": "Within fifteen working days of acknowledging it"}, {"CP603T"}),
    ({"ack2": "Within 10 working days"}, {"CP611T"}),
    ({"reply2": "Within 30 working days"}, {"CP614T"}),
])
def test_an_html_timescale_table_with_a_stage_spanning_its_rows(tmp_path, change, expected):
    """Landlords' web pages lay timescales out as a table whose stage cell spans the rows of its
    steps, the step named in the cell beside the time: read as a browser shows it, each time has
    its stage and its step (a compliant table no omission warning, a breach its error)."""
    from codecheck.documents import read_document

    path = tmp_path / "complaints-policy.html"
    path.write_text(f"<h1>Complaints policy</h1>{_SPANNED_TABLE.format(**{**_SPANNED_GOOD, **change})}",
                    encoding="utf-8")
    document = read_document(path)
    assert fired(document) & TIMESCALE_RULES == expected
    assert fired(document) & {"CP602", "CP603", "CP611", "CP614"} == set()


def _pdf_timescale_table(path: Path, times: dict[str, str]) -> Path:
    """A PDF policy laying its timescales out as a table whose cells wrap onto two lines, as
    landlords' PDFs do (fpdf2's table: each cell's lines one after another in the text layer)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 5, "Complaints policy\n\nHow long each stage takes\n")
    rows = [("Stage", "What we do", "How long"),
            ("Stage one", "We record the complaint, acknowledge it and set out what we understand it to be about",
             times["ack1"]),
            ("Stage one", "We send you our full written reply", times["reply1"]),
            ("Stage two", "We confirm we have your request to take the complaint further", times["ack2"]),
            ("Stage two", "A manager who was not involved before sends our final reply", times["reply2"])]
    with pdf.table(col_widths=(25, 95, 60)) as table:
        for cells in rows:
            row = table.row()
            for cell in cells:
                row.cell(cell)
    pdf.output(str(path))
    return path


@pytest.mark.parametrize("change, rule, amount", [
    ({}, None, None),
    ({"reply1": "Within 15 working days of the acknowledgement"}, "CP603T", "15 working days"),
    ({"reply2": "Within 25 working days of the acknowledgement"}, "CP614T", "25 working days"),
])
def test_a_pdf_timescale_table_is_read_by_row_and_a_breach_located_at_its_line(tmp_path, change, rule, amount):
    """A PDF's text layer gives a table's cells line by line, with no full stop between rows: the
    whole table reads as one sentence. Each time still has its stage and step, and a breach is
    located at the line that says it, not at the table's first line."""
    times = {"ack1": "Within 5 working days of receiving it",
             "reply1": "Within 10 working days of the acknowledgement",
             "ack2": "Within 5 working days of your request",
             "reply2": "Within 20 working days of the acknowledgement", **change}
    document = read_document(_pdf_timescale_table(tmp_path / "complaints-policy.pdf", times))
    located: list[tuple[str, Block]] = []
    for rule_id in TIMESCALE_RULES | {"CP602", "CP603", "CP611", "CP614"}:
        RULES[rule_id].check(document, None, lambda block, message, rule_id=rule_id: located.append((rule_id, block)))
    assert {rule_id for rule_id, _ in located} == ({rule} if rule else set())
    if rule:
        (_, block), = located
        assert block.page == 1 and amount in block.text  # the line holding the time, e.g. "Within 15 working days of the"


def test_a_version_table_tells_what_earlier_versions_said(tmp_path):
    """Landlords' policies open with a document-control table whose last column says what each
    version changed ("stage 3 panel removed", "stage 0 withdrawn"): history, never a finding;
    the same words in the policy's own text still are."""
    import docx

    document = docx.Document()
    document.add_heading("Complaints policy", 0)
    table = document.add_table(rows=3, cols=3)
    for r, cells in enumerate([("Version", "Date", "Summary of changes"),
                               ("3.0", "April 2024", "Stage 3 appeal to the panel taken away: two stages now."),
                               ("2.0", "June 2019", "Added a stage 0 informal stage and a stage 3 panel hearing.")]):
        for c, text in enumerate(cells):
            table.cell(r, c).text = text
    document.add_heading("Our process", 1)
    document.add_paragraph("We have two stages. At stage 1 we acknowledge your complaint within 5 working days.")
    path = tmp_path / "complaints-policy.docx"
    document.save(path)
    assert fired(read_document(path)) & {"CP502", "CP503", "CP307W"} == set()

    document.add_paragraph("If you are unhappy after stage 2 you can ask for a stage 3 panel hearing.")
    document.save(path)
    assert "CP503" in fired(read_document(path))
