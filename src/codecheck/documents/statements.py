"""What a document says, read once, sentence by sentence: the statement layer.

Rules about a complaints process judge what a sentence *says*, not which words stand
near each other. :func:`read_statements` reads each sentence of a document once, with
the heading above it, into statements:

- ``timescale``: a time the landlord gives itself (or the resident) for one step of
  handling: ``step`` (acknowledge, respond, extend, escalate (the resident asks for
  stage 2), remedy, other), ``stage`` (1, 2 or None, and whether the sentence, its
  heading or the document's kind said it), the amount as a range of working days
  (``low``-``high``; "10 to 20 working days", "two weeks", "a fortnight"), what it is
  counted from (receipt, acknowledgement, request), whether it is hedged ("we aim to",
  "in most cases"), whether it speaks of complex cases or exceptional circumstances,
  and ``topic`` (``complaint``, or what else it is about: compensation payments, MP
  enquiries, Freedom of Information, data, repairs). A statement about something else
  never feeds a complaint-timescale rule.
- ``extra_stage`` / ``third_stage``: a stage before stage 1 ("stage 0", "informal
  stage", or a concern "resolved informally" before it is logged at stage 1) or after
  stage 2 ("stage 3", "panel"), with ``negated`` when the sentence says there is none.
- ``stage2_handler``: who considers the complaint at stage 2: ``different`` (someone
  not involved at stage 1) or ``same``.
- ``escalation_condition``: the resident must explain or justify a request for stage 2.
- ``ombudsman_wait``: the route to the Ombudsman as it was before 1 October 2022, through a
  "designated person" or after an eight-week wait, with ``negated`` when the sentence says
  that route is gone ("you no longer need to wait eight weeks").

Each statement keeps its sentence (offsets, the block, the heading) so that a rule
locates its finding there and ``--format statements`` shows what was understood.
The cues are written with the shared vocabulary (:mod:`.vocabulary`).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace

from .matching import Amount, Text, document_text, find_amounts, normalize
from .model import Block, Document
from .textfile import starts_list_item
from .vocabulary import expand

STEPS = ("acknowledge", "respond", "extend", "escalate", "remedy", "wait", "contact", "other")


def _cue(*patterns: str) -> re.Pattern[str]:
    """One regular expression from several readable alternatives (vocabulary expanded)."""
    return re.compile("|".join(f"(?:{expand(p)})" for p in patterns))


# -- cues ------------------------------------------------------------------------------------

STAGE1 = _cue(r"\b{stage1}", r"\bfirst (?:formal )?(?:complaint|response)\b")
STAGE2 = _cue(
    r"\b{stage2}",
    r"\bescalat\w*",
    r"\bfinal (?:response|decision|reply)\b",
    r"\b(?:review|appeal) (?:of|request|response|decision|complaint)\b",
    r"\b(?:your|the|an) appeal\b",  # stage 2 called an appeal ("the outcome of your appeal")
)
STEP_CUES: dict[str, re.Pattern[str]] = {
    "acknowledge": _cue(
        r"\b{acknowledge}", r"\bconfirm (?:that )?we (?:have )?received\b",
        r"\bconfirm (?:that )?we(?:'ve| have) (?:got )?(?:your|the) (?:complaint|request|escalation)\b",
        # "we'll let you know we've received your complaint within 5 working days"
        r"\b(?:let you know|tell you|write to (?:you|confirm)) (?:that )?(?:we(?:'ve| have)? )?(?:received|got)\b",
    ),
    "respond": _cue(
        r"\b{respond}",
        r"\bcomplet\w* (?:our |the |your |stage \w+ )*(?:investigation|review|complaint)",
        r"\b(?:investigation|review|complaint)s? (?:will be |is |are )?(?:completed|concluded|resolved)\b",
        r"\b(?:completed|concluded|resolved|investigated|closed)\b",
        r"\bto (?:resolve|investigate|conclude|complete|deal with)\b",
        r"\bprovide (?:you with )?(?:this|it|our \w+|a \w+)",
        r"\bwrite to you\b|\bhear from us\b|\bget back to you\b",
    ),
    "extend": _cue(
        r"\b{extend}",
        r"\b(?:a |an )?(?:further|additional|extra|another) (?:{number}|period)",
        r"\b(?:take|need|needs|require|requires) longer\b",
        r"\b(?:new|revised) (?:date|deadline|timescale|target|time limit)s?\b",
    ),
    "escalate": _cue(
        r"\b(?:you|they|residents?|customers?|tenants?|the (?:resident|customer|tenant|complainant)) "
        r"(?:can|may|must|should|need to|will need to|have|has) (?:\w+ ){0,3}"
        r"(?:ask|request|tell|let us know|contact|write|appeal|escalate|come back)",
        r"\byou have (?:{number}|up to)",
        # the amount follows: "you have [up to] 20 working days to ask for a review"
        r"\b(?:you|residents?|customers?|tenants?|the complainant) (?:will )?(?:have|has|get|gets|are given|is given)"
        r"(?: up to| only| a maximum of)?\s*$",
        r"\byou (?:\w+ ){0,2}(?:ask|request)\w*(?: us)? (?:for|to)\b",
        r"\b(?:requests?|appeals?|escalations?) (?:\w+ ){0,6}(?:must|should|needs? to) be "
        r"(?:made|received|sent|submitted|lodged)\b",
    ),
    # (not the noun: "confirm we have received your contact within one working day")
    "contact": _cue(r"(?<!your\s)(?<!the\s)(?<!first\s)\b(?:contact|call|phone|telephone|visit|meet|discuss|update|inspect)\w*"),
    "wait": _cue(r"\bwait\w*\b", r"\b(?:refer|take|bring)\w* (?:\w+ ){0,3}to (?:the |an )?{ombudsman}"),
    "remedy": _cue(
        r"\b(?:pay|paid|payment|compensation|goodwill|reimburse\w*|refund\w*)\b",
        r"\bremed(?:y|ies)\b|\bput (?:things|it|this) right\b",
    ),
}
OFF_TOPIC = {
    "MP or councillor enquiries": _cue(r"\b(?:mps?|m\.p\.|councillors?|elected members?|members of parliament)\b"),
    "Freedom of Information": _cue(r"\bfreedom of information\b|\bfoi\b|\benvironmental information\b"),
    "personal data": _cue(r"\bsubject access\b|\bdata protection\b|\bgdpr\b|\bretain\w*|\bretention\b|\bdestroy"),
    "repairs": _cue(r"\b(?:repairs? (?:appointment|request|will be|are|is)|emergency repairs?|routine repairs?)\b"),
    "compensation": _cue(r"\b(?:pay|paid|payment of|payments?) (?:of )?(?:any |the |your )?"
                         r"(?:compensation|award|remedy|goodwill)"),
    "insurance claims": _cue(r"\binsurance claims?\b|\binsurers?\b"),
    "contact restrictions": _cue(r"\brestrict(?:ion|ions|ed|ing)?\b(?! (?:to|of) (?:the )?(?:complaints?|stage))"
                                 r"|\bunacceptable behaviou?r\b"),
    "the Ombudsman's own work": _cue(
        r"\b{ombudsman}(?: service)? (?:will|may|can|should|normally|usually|aims?|tries|expects?)\b",
        # not "give you the Ombudsman's (contact) details": a landlord's step that names the Ombudsman
        r"\b{ombudsman}'s\b(?! (?:full )?(?:contact )?(?:details|information|info|number|phone|telephone|website"
        r"|web ?site|address|e-?mail|contact))",
    ),
}
# A heading that is only about something else: the sentences under it are about that too.
HEADING_TOPIC = _cue(
    r"^(?:[\d.]+ )?(?:service requests?|(?:the )?{ombudsman}(?: service)?|subject access(?: requests?)?"
    r"|freedom of information(?: requests?)?|insurance(?: claims?)?|compensation|repairs?"
    r"|(?:managing )?unacceptable behaviou?r|unreasonabl\w* (?:and persistent )?(?:behaviou?r|complainants?)"
    r"|(?:contact )?restrictions?|appeal(?:ing)? against a restriction)\W*$"
)
# Not a time allowed for a step: "reviewed every six months", "more than 12 months ago".
NOT_A_DEADLINE_BEFORE = re.compile(r"\b(?:every|each|per|once a)\s*$")
NOT_A_DEADLINE_AFTER = re.compile(r"^\s*(?:ago|old|before|earlier)\b")
# "of", "from", "after", "starting (on) the day after", then "the date we ...", "the day that ..."
SINCE = r"\b(?:of|from|after|following|starting (?:on |from )?(?:the (?:day|date) after )?)"
THE_DATE = r"(?:the (?:date|day) (?:(?:of|that|when|on which) )?)?"
FROM_CUES = {
    "receipt": _cue(
        SINCE + " " + THE_DATE + r"(?:we |you |us )?"
        r"(?:receiv\w*|receipt|first (?:contact|raised)|(?:it|the complaint|your complaint) being "
        r"(?:made|received|raised|reported)|you (?:raise|make|made|raised|contact|complain)\w*)",
        r"\bof (?:it|your complaint|the complaint) being (?:made|raised|received)\b",
    ),
    "acknowledgement": _cue(
        SINCE + " " + THE_DATE + r"(?:we |our |us |the |its |it being |being )?"
        r"(?:acknowledg\w*|log(?:ged|ging)?|register\w*|opening)",
        # "of the escalation request being acknowledged", "from when your complaint was logged"
        SINCE + r" (?:when )?(?:the |your |it |its |our )?(?:\w+ ){0,3}(?:being|was|is|has been|had been) "
        r"(?:acknowledg\w*|logged|registered)",
    ),
    "request": _cue(
        SINCE + " " + THE_DATE + r"(?:we |you |your |the |our |it being |being )?"
        r"(?:request\w*|escalat\w*|ask\w*|appeal\w*)",
    ),
    # the landlord's own answer: a time counted from it is the resident's (to ask for stage 2)
    # or a follow-up, never the time to respond
    "response": _cue(
        SINCE + " " + THE_DATE + r"(?:our |the |your |its |their |this |that )?(?:stage \w+ |first |initial |"
        r"first stage |complaint )?(?:response|reply|decision|answer|outcome|letter)\b",
    ),
}
# Words that make a time counted from the landlord's answer the resident's time to go on.
GOING_ON = _cue(r"\b{escalate}", r"\b{stage2}", r"\b(?:ask|request|tell us|let us know|unhappy|dissatisf\w*)\b")
# A clause that tells the resident to do something, ending at the amount: "..., let us know within".
RESIDENT_ASKS = re.compile(
    r"(?:^|[,;:(]\s*|\bplease\s+|\bthen\s+|\bsimply\s+)(?:please\s+)?"
    r"(?:let us know|tell us|ask us|contact us|write to us|e-?mail us|call us|get in touch(?: with us)?"
    r"|ask (?:for|that)|request (?:a|an|your|that|the))\b(?:(?!\b(?:we|our|will|and|then)\b)[^,;:.]){0,60}?"
    r"\b(?:within|no later than|in)\s*$"
)
# Between two amounts: the second restates the first ("..., which is 15 working days from receipt",
# "10 working days (15 from receipt)").
RESTATED = re.compile(
    r"(?:[,(]\s*(?:which|that)\s+(?:is|means|makes|will be|would be|comes to)\b[^,;.()]{0,30}"
    r"|\(\s*(?:or|i\.?e\.?|that is)?[^,;.()]{0,20})$"
)
# A heading about going on after the first answer: "What if I'm still not happy?", "Not satisfied
# with our response?"
STILL_UNHAPPY = re.compile(
    r"\b(?:still|remain\w*) (?:not happy|unhappy|dissatisfied|not satisfied)\b"
    r"|\bnot (?:happy|satisfied) with (?:our|the|your) (?:first |stage (?:1|one) )?(?:response|answer|decision|reply)\b"
)
HEDGE = _cue(r"\b{hedge}")
TOTAL = _cue(
    r"\bin total\b|\btotal (?:of|time)\b|\boverall\b|\baltogether\b|\bin all\b",
    r"\bextend\w* (?:\w+ ){0,3}to (?:a (?:maximum|total) of |up to )?{number}",
)
COMPLEX = _cue(
    r"\bcomplex\b|\bcomplicated\b|\bexceptional\b|\bin some cases\b",
    r"\bkey (?:people|staff|witnesses)\b|\bnot available\b|\bmore time\b|\bextension\b",
    # "within 20 working days at most where we have told you why we need longer"
    r"\b(?:need|needs|take|takes|require|requires) (?:a little |a bit |any )?longer\b|\bextend\w*\b",
)
NEGATION = _cue(r"{negation}")
REPORTED = _cue(r"{reported_speech}")
CORRECTION = _cue(r"{correction}")
# Where the resident's account ends and the landlord's own clause begins: "You told us you had
# contacted your MP, so you can ask your MP to refer it or wait eight weeks" (the landlord's words).
_OWN_CLAUSE = re.compile(r"[;:]|,\s*(?:so|and so|therefore|we|i)\b")

EXTRA_STAGE = _cue(r"\b{extra_stage}")
THIRD_STAGE = _cue(r"\b{third_stage}")
# A sentence that says there is no such stage: "we do not have an informal stage",
# "informal complaints are no longer used", "the old stage 3 has been removed".
# A sentence that says there is no such stage, the negation next to the stage's name:
# "we do not have an informal stage", "stage 0 is no longer used", "the panel was abolished".
NO_EXTRA_STAGE = _cue(
    r"(?:{negation})(?: {denial_words})* ['\"]?(?:{extra_stage_name})",
    r"(?:{extra_stage_short}|{extra_stage})[^.]{0,80}(?:{not_in_use}|\bno longer\b)",
    r"\bnot (?:appropriate|acceptable|permitted|allowed)[^.]{0,120}(?:{extra_stage_short}|{extra_stage})",
    r"{abolish_verb}[^.]{0,60}(?:{extra_stage_short}|informal)",
    r"(?:{extra_stage_short}|{extra_stage})[^.]{0,60}{abolished}",
    r"\bno longer\b[^.]{0,60}informal",
)
NO_THIRD_STAGE = _cue(
    r"(?:{negation})(?: {denial_words_3})* ['\"]?(?:{third_stage_name})",
    r"(?:{third_stage_short})[^.]{0,60}{not_in_use}",
    r"(?:{abolish_verb}|ended|end)\w*[^.]{0,60}(?:{third_stage_short}|panel)",
    r"(?:{third_stage_short}|panel)[^.]{0,80}{abolished}",
    r"more than (?:two|2) stages",
    r"{three_to_two}",
)
STAGE2_DIFFERENT = _cue(
    # "an officer who had no part in the stage 1 investigation"
    r"\b(?:had|has|have|with|played|taken|took|take|takes) no (?:part|role|involvement|hand)\b",
    # "the General Manager, who will not have handled stage one"
    r"\bwho (?:will|would) not have (?:handled|dealt with|considered|investigated|been involved)\b",
    r"\b(?:different|independent|another|separate|new|more senior|senior|other) "
    r"(?:\w+ ){0,2}(?:person|officer|manager|member|investigator|colleague|reviewer|employee|team|director|head)",
    r"\bnot (?:be )?(?:\w+ ){0,3}(?:led|dealt with|handled|considered|investigated|reviewed|carried out)"
    r"(?: \w+){0,2} by (?:the )?same\b",
    r"\b(?:someone|somebody|a person|an officer|a manager|staff) (?:who (?:was|has|had) )?(?:not|no) "
    r"(?:been )?(?:previously )?involved\b",
    r"\bnot (?:been |previously )*involved (?:in|with|at) (?:the |your |our )?(?:stage (?:1|one)|first|original|earlier)",
    r"\b(?:not|never) the same (?:person|officer|manager|member of staff|employee|investigator)\b",
    r"\bindependent(?:ly)? (?:of|from) (?:the |those )?(?:stage (?:1|one)|first|original|officer)",
    r"\b(?:executive )?director\b|\bchief executive\b|\bhead of\b",
)
STAGE2_SAME = _cue(
    r"\b(?:the )?same (?:person|officer|manager|member of staff|employee|investigator|team member) "
    r"(?:who|that|as)\b",
    # "the officer who handled your complaint at stage 1 will also carry out the review"
    r"\b(?:person|officer|manager|member of staff|employee|investigator|caseworker|handler) who "
    r"(?:\w+ ){0,6}{stage1} (?:will|would|may|can) (?:also|again)\b",
    r"\b(?:will|would|may) (?:also|again) (?:carry out|conduct|handle|deal with|consider|review|investigate|look at) "
    r"(?:\w+ ){0,3}{stage2}",
    # "your stage 2 review will be carried out by Sam Lee, Complaints Advisor, who investigated your
    # complaint and wrote our stage 1 response"
    r"\bby (?:[\w'-]+,? ){1,6}who (?:also )?(?:investigated|handled|dealt with|considered|looked into|wrote|"
    r"responded to|reviewed|was responsible for) (?:\w+ ){0,6}{stage1}",
    # in the first person: "as the officer who investigated your complaint at stage 1, I have reviewed it"
    r"\bas the (?:person|officer|manager|member of staff|investigator|caseworker|handler) who (?:\w+ ){0,6}{stage1}"
    r"\W+i (?:have|will|am|shall)\b",
    # "I dealt with your complaint at stage 1 and I have now reviewed it at stage 2"
    r"\bi (?:dealt with|handled|investigated|considered|looked into|responded to|reviewed) (?:\w+ ){0,5}{stage1}"
    r"(?:\W+\w+){0,6}?\W+(?:i )?(?:have|will|am) (?:now |also |again )?(?:review|reconsider|consider|look|investigat)\w*",
    # "the stage 1 investigating officer will review your complaint at stage 2"
    r"\b{stage1} (?:investigating |complaints? |case )?(?:officer|investigator|manager|handler|caseworker) "
    r"(?:will|would|is going to) (?:also |again |now )?(?:review|reconsider|consider|investigate|look at|handle|deal with)\b",
)
# The resident must explain or justify a request for stage 2 (6.12 forbids demanding reasons).
MUST = (
    r"(?:(?:you|(?:the )?(?:tenant|resident|customer|complainant)s?|they) (?:must|will need to|needs? to|will have to"
    r"|ha(?:ve|s) to|(?:are|is|will be) required to|should)|we (?:will )?(?:require|need) you to)"
)
ESCALATION_CONDITION = _cue(
    # (the list after a colon: "we will need you to tell us: - which part ... has not been resolved")
    MUST + r"\W+(?:\w+\W+){0,3}(?:tell|explain|say|set out|state|identify|give|provide|show|specify|demonstrate)"
    r"(?: us)?(?: |:\s*)(?:\w+ ){0,4}(?:why|which|what|reasons?|where|grounds|parts?|examples?|evidence)",
    r"\b(?:requests?|escalations?|appeals?) (?:\w+ ){0,4}(?:must|will need to|need to|should) "
    r"(?:\w+ ){0,2}(?:set out|explain|include|state|give) (?:\w+ ){0,3}(?:why|reasons?|grounds)",
    # "you must do so in writing within 14 days of our reply, explaining how and why ..." (the
    # resident still the one explaining: no "we" between)
    MUST + r"\W+(?:(?!we\b)\w+\W+){0,14}(?:explaining|stating|setting out|giving|telling us|describing|detailing|"
    r"outlining|saying) (?:\w+ ){0,3}(?:why|reasons?|grounds)",
    r"\bmust be (?:made|submitted|sent|put)(?:\W+\w+){0,10}\W+(?:setting out|stating|explaining|giving|describing|"
    r"detailing|outlining) "
    r"(?:\w+ ){0,3}(?:why|reasons?|grounds)",
    r"\bwe(?: will|'ll)? need to know\W+(?:\w+\W+){0,3}(?:why|which|what|reasons?|grounds)",
    # told, not asked: "tell us in writing within 14 days, setting out why you are still unhappy"
    r"(?:^|[,;:]\s*|\bplease\s+)(?:tell us|write to us|let us know|contact us|e-?mail us)\b"
    r"(?:(?!we\b)\W*\w+){0,14}?\W+(?:setting out|explaining|stating|giving|telling us|saying) "
    r"(?:\w+ ){0,3}(?:why|reasons?|grounds)",
    r"\bescalat\w* (?:\w+\W+){0,8}by (?:\w+\W+){0,5}(?:explaining|stating|telling us|setting out|giving) "
    r"(?:\w+ ){0,3}(?:why|reasons?|grounds)",
    r"\bonly (?:escalate|accept|consider)\w* (?:\w+ ){0,6}(?:if|where|when) you (?:\w+ ){0,3}"
    r"(?:explain|tell|give|provide|show)",
    # a form to fill in first: "please complete the enclosed escalation form, setting out in full your reasons"
    r"(?:^|[,;:]\s*|\bplease\s+)(?:complete|fill in|fill out|return|send us) (?:\w+ ){0,3}form\b"
    r"(?:(?!we\b)\W*\w+){0,10}?\W+(?:setting out|explaining|stating|giving|telling us|saying) "
    r"(?:\w+ ){0,3}(?:why|reasons?|grounds)",
    # "before we can escalate your complaint, please tell us in writing why you are unhappy"
    r"\bbefore we (?:can|will|are able to) (?:escalate|progress|move|refer|consider|accept)\w*\b(?:\W+\w+){0,8}?\W+"
    r"(?:please |you (?:must|need to|will need to|should|have to) |we (?:will )?need you to )?"
    r"(?:tell|explain|set out|let us know|give|say)(?: us)?(?: \w+){0,3}? (?:why|which|what|reasons?|grounds)",
    # "we cannot escalate your complaint until you tell us why you are dissatisfied"
    r"\b(?:can ?not|can't|will not|won't|are unable to|do not|don't) (?:escalate|progress|accept|consider|move)\w* "
    r"(?:\w+ ){0,6}(?:until|unless) you (?:\w+ ){0,2}(?:tell|explain|give|set out|say|let us know|provide)(?: us)?"
    r"(?: \w+){0,3}? (?:why|which|what|reasons?|grounds)",
    # refused without reasons: "we cannot escalate requests that do not give reasons"
    r"\b(?:can ?not|can't|will not|won't|do not|don't|are unable to) (?:escalate|accept|progress|consider)\w* "
    r"(?:\w+ ){0,4}(?:that|which) (?:do not|don't|does not|doesn't|fail to) (?:give|include|state|explain|set out) "
    r"(?:\w+ ){0,2}(?:reasons?|why|grounds)",
)
REASONS_OPTIONAL = _cue(
    r"\b(?:do not|don't|won't|will not|not) (?:\w+ ){0,2}(?:have to|need to|required to|asked to)\b",
    r"\boptional\b|\bif you (?:can|are able)\b|\bit (?:would )?helps?\b",
    r"\bif you (?:wish|want|would like)(?: to)?,? (?:you (?:can|may) )?(?:tell|explain|let us know|give|say)\b",
)
# A step before stage 1: the concern is resolved "informally" before it is logged as a
# complaint at stage 1 (an extra stage under another name, 5.2).
INFORMAL_STEP = _cue(r"\b(?:resolv\w*|deal\w* with|handl\w*|sort\w* out|settl\w*) (?:\w+ ){0,4}informally\b")
BEFORE_STAGE1 = _cue(
    r"\bbefore (?:\w+ ){0,4}(?:formally |officially )?(?:logged|registered|recorded|raised)\b",
    r"\b(?:then|will|would) (?:then )?be (?:formally )?(?:logged|registered|recorded|treated|raised) "
    r"(?:as|at) (?:an? )?(?:formal )?{stage1}",
)
# Logged at stage 1 only when the landlord could not settle it first: "if we cannot put things right
# within five working days, we will record your complaint as a formal stage one complaint". A
# complaint settled in those days is never logged: a step before stage 1 under no name (5.2, 6.2).
LOGGED_IF_UNRESOLVED = _cue(
    r"\b(?:if|where|when|once|should) (?:we|the (?:team|officer|service))? ?(?:can ?not|can't|(?:are|is|be) unable to|"
    r"(?:are|is|be) not able to|do not|don't|have not|haven't|could not|couldn't) (?:\w+ ){0,4}(?:resolv\w*|put (?:things|it|"
    r"this|matters) right|sort\w*|settl\w*|fix\w*)\b[^.]{0,100}\b(?:will|would|shall) (?:then )?(?:formally )?"
    r"(?:be )?(?:log|record|register|rais|treat|open)\w* (?:\w+ ){0,4}(?:as|at|under) (?:an? |the )?(?:formal )?"
    r"{stage1}",
    # "if we cannot sort the issue out ..., your complaint will then go into our formal complaints process"
    r"\b(?:if|where|when|once|should) (?:we|the (?:team|officer|service))? ?(?:can ?not|can't|(?:are|is|be) unable to|"
    r"(?:are|is|be) not able to|could not|couldn't) (?:\w+ ){0,4}(?:resolv\w*|put (?:things|it|this|matters) right|"
    r"sort\w*|settl\w*|fix\w*)\b[^.]{0,100}\b(?:will|would|shall) (?:then )?(?:be )?(?:go|move|pass|progress|enter|"
    r"escalat|transfer|refer)\w* (?:\w+ ){0,2}(?:into|to|on to|onto|through) (?:our|the) formal\b",
)
SERVICE_REQUEST = re.compile(r"\b(?:service|repairs?) requests?\b|\brequests? for (?:a )?(?:service|repairs?)\b")

# The route to the Ombudsman as it was before 1 October 2022: through a "designated person"
# (an MP, a councillor, a tenant panel) or after waiting eight weeks from the final response.
OMBUDSMAN_WAIT = _cue(
    r"\bdesignated (?:person|persons|people|complaints? panel)\b",
    r"\bwait\w* (?:\w+ ){0,3}(?:eight|8) weeks\b",
    r"\b(?:eight|8) weeks (?:\w+ ){0,4}(?:before|after|have passed|has passed|elapsed)\b",
)
NO_LONGER = _cue(r"\bno longer\b|\bdo(?:es)? not (?:need\b|have to\b)|\bdon't (?:need\b|have to\b)|\bremoved\b|"
                 # a version record: "references to the designated person deleted"
                 r"\b(?:deleted|taken out|abolished|scrapped|discontinued)\b|"
                 r"\bno need\b|\binstead of\b|\bwithout (?:having to|waiting|going through)\b|\bused to\b|"
                 # the old route as history: "before October 2022 residents had to wait eight weeks"
                 r"\b(?:before|until|prior to) (?:\w+ ){0,2}(?:19|20)\d\d\b|\bpreviously\b|\bin the past\b|\bformerly\b")


# -- the model -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    """One sentence of a document: its span in the normalised text, and where it is."""

    start: int
    end: int
    text: str
    """Normalised (lower case)."""
    cased: str
    block: Block | None
    heading: str | None
    """The heading above it (normalised); None when there is none or it is the heading itself."""
    lead_in: str | None = None
    """For an item of a list, the sentence that introduced the list ("If you ask for stage 2,
    you must:"), normalised; the item is read as that sentence's continuation."""
    before: str | None = None
    """The sentence before, when this one starts by pointing back to it ("This will be...")."""
    cells: tuple[tuple[str, str], ...] = ()
    """For a table row under a header row: each cell's text and its column's header (Block.cells)."""


@dataclass(frozen=True)
class Statement:
    """One thing a sentence says that a rule can judge."""

    kind: str
    sentence: Sentence
    quote: str
    """The words it rests on, as written (for messages and the statements view)."""
    start: int = 0
    end: int = 0
    step: str | None = None
    stage: int | None = None
    stage_from: str | None = None
    """Where the stage was read: "sentence", "heading" or "kind" (the document's kind)."""
    low: int | None = None
    high: int | None = None
    """The amount in working days (a range: "10 to 20" -> 10, 20; fewest working days the
    amount can be for calendar days and months), None when it cannot be counted."""
    unit: str | None = None
    counted_from: str | None = None
    hedged: bool = False
    complex_cases: bool = False
    total: bool = False
    """The amount is a total ("extended to 20 working days in total"), not the extension alone."""
    topic: str = "complaint"
    negated: bool = False
    reported: bool = False
    """Said after words that report the resident's account ("you told us you were told ..."):
    what the complaint says happened, not what the landlord says; no contradiction rule reads it."""
    value: str | None = None
    at: Block | None = None
    """The block its words start in, where that is not the sentence's first: a sentence read over
    several lines (a PDF's, a hard-wrapped text's, a table laid out line by line) is located at
    the line that says it."""

    @property
    def block(self) -> Block | None:
        return self.at or self.sentence.block

    def describe(self) -> str:
        """One line for ``--format statements``."""
        if self.kind == "timescale":
            amount = (
                f"{self.low}" if self.low == self.high else f"{self.low}-{self.high}"
            ) + " working days" if self.high is not None else f"({self.unit}, not counted in working days)"
            parts = [
                f"step={self.step}",
                f"stage={self.stage if self.stage else '?'}" + (f" (from {self.stage_from})" if self.stage else ""),
                amount,
            ]
            if self.counted_from:
                parts.append(f"from {self.counted_from}")
            if self.hedged:
                parts.append("hedged")
            if self.complex_cases:
                parts.append("complex cases")
            if self.total:
                parts.append("a total")
            if self.topic != "complaint":
                parts.append(f"about {self.topic} (not a complaint timescale)")
            if self.reported:
                parts.append("reported: the resident's account")
            return f"timescale: {', '.join(parts)}: '{self.quote}'"
        extra = f" {self.value}" if self.value else ""
        return (f"{self.kind}{extra}{' (negated)' if self.negated else ''}"
                f"{' (reported: the resident' + chr(39) + 's account)' if self.reported else ''}: '{self.quote}'")


@dataclass
class Reading:
    """A document's sentences and statements, read once."""

    sentences: list[Sentence] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)

    def of(self, kind: str) -> list[Statement]:
        return [s for s in self.statements if s.kind == kind]


# -- reading ---------------------------------------------------------------------------------

KIND_STAGE = {"stage1_ack": 1, "stage1_response": 1, "stage2_ack": 2, "stage2_response": 2}


# A stage named as the one someone had no part in: "a director who did not consider it at stage 1
# will reply within 20 working days" is about stage 2 (6.13), not stage 1.
NOT_THE_STAGE = re.compile(
    r"(?:\b(?:did not|didn't|does not|doesn't|has not|hasn't|had not|hadn't|was not|wasn't|were not|weren't|"
    r"will not|won't|not|never)\s+(?:been\s+|previously\s+|already\s+)*(?:consider|deal|dealt|handl|investigat|"
    r"involv|look|review|work|decid|respond|answer|see|saw|seen)\w*(?:\s+\w+){0,3}?\s+(?:in|at|with|on|during)\s+"
    r"|\b(?:no|any) (?:part|role|involvement)\s+(?:in|at|with)\s+"
    r"|\b(?:independent of|other than|different from)\s+)(?:the\s+)?$"
)


def _stage_in(text: str) -> int | None:
    """The stage a stretch of text names last (the one nearest what follows), or None. A stage
    named as the one someone had no part in is passed over (:data:`NOT_THE_STAGE`)."""
    last: tuple[int, int] | None = None
    for number, cue in ((1, STAGE1), (2, STAGE2)):
        for m in cue.finditer(text):
            if NOT_THE_STAGE.search(text, max(0, m.start() - 80), m.start()):
                continue
            if last is None or m.start() >= last[0]:
                last = (m.start(), number)
    return last[1] if last else None


def _step_before(text: str) -> str | None:
    """The step named nearest the end of `text` (the words before an amount)."""
    best: tuple[int, str] | None = None
    for step, cue in STEP_CUES.items():
        for m in cue.finditer(text):
            if best is None or m.end() > best[0] or (m.end() == best[0] and step == "extend"):
                best = (m.end(), step)
    return best[1] if best else None


def _range_start(text: str, amount: Amount, previous: Amount | None) -> Amount | None:
    """`previous` when it and `amount` are one range: "10 to 20 working days", "10-20"."""
    if previous is None:
        return None
    between = text[previous.end : amount.start]
    return previous if re.fullmatch(r"\s*(?:to|-|and|or)\s*", between) else None


_BARE_RANGE = re.compile(r"(?<![\w.])(\d{1,3})\s*(?:to|-)\s*$")


def _columns(s: str, cells: tuple[tuple[str, str], ...]) -> list[tuple[int, int, str]]:
    """Where each cell of a table row is in its (normalised) sentence, with its column's header:
    (start, end, header), found in order; none when a cell cannot be found."""
    out: list[tuple[int, int, str]] = []
    cursor = 0
    for cell, head in cells:
        piece = normalize(cell)
        at = s.find(piece, cursor) if piece else -1
        if at < 0:
            return []
        out.append((at, at + len(piece), normalize(head)))
        cursor = at + len(piece)
    return out


def _one_cell(s: str, cells: tuple[tuple[str, str], ...]) -> tuple[list[tuple[int, int, str]], str | None, str]:
    """For a sentence that is one cell of a table row: the cell's span with its header, the
    row's first cell (what the row is about, e.g. "stage 2") when it is another cell, and the
    row's cells before it (which may name the step: "Acknowledge your complaint | 5 working days")."""
    text = s.strip()
    for k, (cell, head) in enumerate(cells):
        if normalize(cell).strip() == text:
            return ([(0, len(s), normalize(head))], (normalize(cells[0][0]) if k else None),
                    " ; ".join(normalize(c) for c, _ in cells[:k]))
    return [], None, ""


def _column_at(columns: list[tuple[int, int, str]], offset: int) -> tuple[int, str] | None:
    """(the cell's start, its header) of the cell holding `offset`, or None."""
    for start, end, head in columns:
        if start <= offset < end:
            return start, head
    return None


def _fewest_working_days(amount: Amount) -> int | None:
    """The fewest working days an amount in calendar days can be (5 in each full week, and up
    to 5 of the days left over, 2 of them possibly a weekend)."""
    if amount.unit in ("days", "calendar days"):
        weeks, rest = divmod(amount.number, 7)
        return weeks * 5 + max(0, rest - 2)
    return None


_MONTHS = re.compile(expand(r"(?<![\w.£$-])({number}|an?|one)(?: \(\d{1,3}\))? (?:calendar )?months?\b"))


_HOURS = re.compile(expand(r"(?<![\w.£$-])({number}|an?|one)(?: \(\d{1,3}\))?[ -](?:clear )?hours?\b"))


def _hours(text: str) -> list[tuple[int, int, str, int]]:
    """Amounts in hours ("within 48 hours"): (start, end, text, hours)."""
    from .matching import parse_number

    out = []
    for m in _HOURS.finditer(text):
        n = 1 if m.group(1).lower() in ("a", "an", "one") else parse_number(m.group(1))
        if n:
            out.append((m.start(), m.end(), m.group(0), n))
    return out


def _months(text: str) -> list[tuple[int, int, str, int]]:
    from .matching import parse_number

    out = []
    for m in _MONTHS.finditer(text):
        n = parse_number(m.group(1))
        if n:
            out.append((m.start(), m.end(), m.group(0), n))
    return out


def _timescales(sentence: Sentence, kind_stage: int | None) -> list[Statement]:
    s = sentence.text
    amounts = [a for a in find_amounts(s) if a.unit != "weeks" or a.number < 53]
    month_amounts = [
        Amount(start, end, raw, n, "months", None) for start, end, raw, n in _months(s)
    ]
    hour_amounts = [Amount(start, end, raw, n, "hours", None) for start, end, raw, n in _hours(s)]
    amounts = [
        a for a in sorted(amounts + month_amounts + hour_amounts, key=lambda a: a.start)
        if not NOT_A_DEADLINE_BEFORE.search(s[: a.start]) and not NOT_A_DEADLINE_AFTER.match(s[a.end :])
    ]
    if not amounts:
        return []
    topic = next((name for name, cue in OFF_TOPIC.items() if cue.search(s)), "complaint")
    if topic == "complaint" and sentence.heading and HEADING_TOPIC.search(sentence.heading):
        topic = f"'{sentence.heading}'"
    hedged = bool(HEDGE.search(s))
    columns = _columns(s, sentence.cells)
    row_label, row_before = None, ""
    if not columns and sentence.cells:  # a cell read on its own (an HTML table): the row's cells, it among them
        columns, row_label, row_before = _one_cell(s, sentence.cells)
    complex_cases = bool(COMPLEX.search(s))
    heading_stage = _stage_in(sentence.heading) if sentence.heading else None
    if heading_stage is None and sentence.heading and STILL_UNHAPPY.search(sentence.heading):
        heading_stage = 2  # "What if I'm still not happy?": what follows is about stage 2
    out: list[Statement] = []
    window_start = 0
    skip_next = False
    for index, amount in enumerate(amounts):
        if skip_next:
            skip_next = False
            continue
        following = amounts[index + 1] if index + 1 < len(amounts) else None
        low_amount = amount
        high_amount = amount
        if following is not None and _range_start(s, following, amount) is not None:
            high_amount = following
            skip_next = True
        bare = _BARE_RANGE.search(s[window_start : amount.start])
        low_value: int | None = None
        if bare and amount.working_days is not None:
            low_value = int(bare.group(1)) * (amount.working_days // max(amount.number, 1))
        before = s[window_start : low_amount.start]
        end_of_window = following.start if following is not None and not skip_next else len(s)
        after = s[high_amount.end : end_of_window]
        qualifiers = s[max(0, low_amount.start - 25) : low_amount.start]
        step = None
        if re.search(r"\b(?:further|additional|extra|another|more)\s*$", qualifiers) or re.match(
            r"^[\s-]*(?:extension|extra|more|further)\b", after
        ) or re.search(r"\b(?:further|additional|extra)\b", low_amount.text.lower()):
            step = "extend"
        elif re.search(r"\byou (?:will |would )?(?:have|get) (?:up to |a maximum of )?$", before):
            step = "escalate"  # the resident's own time: "you have 20 working days to ask for a review"
        elif RESIDENT_ASKS.search(before):
            # addressed to the resident: "if you are unhappy with our reply, let us know within 15
            # working days" is the resident's time to go on, not the landlord's to respond
            step = "escalate" if GOING_ON.search(s) else "other"
        elif STEP_CUES["extend"].search(before) and re.search(r"\bby (?:up to |a maximum of |no more than )?$", before):
            step = "extend"  # "extend the time to respond by up to 10 working days"
        elif re.search(r"\b(?:longer than|tak\w* more than|exceed\w*|beyond)\s*$", before):
            step = "respond"  # "if it will take longer than 20 working days": the time it exceeds
        elif re.search(r"\bthe\s*$", before) and re.match(r"^\s*(?:start|starts|begin|begins|run|runs|are counted|count)\b", after):
            step = "other"  # "the 20 working days start on the day we send the acknowledgement": how a time is counted
        elif re.search(r"\b(?:not|n't|no longer) (?:\w+ ){0,2}(?:hear|heard) (?:back )?from you (?:\w+ ){0,2}$", before):
            step = "other"  # "if we have not heard from you within 28 days, we will close it": the resident's silence
        head = _column_at(columns, low_amount.start)
        if step is None and head is not None and _step_before(s[head[0] : low_amount.start]) is None:
            step = _step_before(head[1])  # "5 working days" under "Acknowledge": its column says the step
        step = step or _step_before(before) or _step_before(s[: low_amount.start])
        if step == "contact" and STEP_CUES["acknowledge"].search(after[:60]):
            step = "acknowledge"  # "we will contact you within five working days to confirm we have received it"
        if step is None and row_before:
            step = _step_before(row_before)  # the row's cells before this one: "Acknowledge your complaint"
        counted_from = next((name for name, cue in FROM_CUES.items() if cue.search(after[:80])), None)
        if counted_from == "response" and step in (None, "respond", "acknowledge", "other"):
            # "within 20 working days of our stage 1 response": the resident's time to go on
            step = "escalate" if GOING_ON.search(s) else "other"
        if step is None and counted_from == "acknowledgement":
            step = "respond"  # "within ten working days from acknowledgement": the response
        if step is None:
            step = _step_before(after[:60]) or "other"
        if out and RESTATED.search(before):
            # "respond within 10 working days of acknowledging it, which is no more than 15 working
            # days from receipt": the same step counted another way, not the step named in between
            step = out[-1].step
        stage = _stage_in(after[:30]) if _STAGE_FOLLOWS.match(after) else None  # "10 working days at stage 1 or 20 at stage 2"
        # ("the head of service, who won't have been involved at stage 1, will reply within 20 working
        # days": the stage named as not the handler's is not the timescale's)
        stage = stage or _stage_in(_OTHER_STAGE.sub(" ", before)) or _stage_in(_OTHER_STAGE.sub(" ", s[: low_amount.start])) \
            or _stage_in(after[:80])
        if stage is None and sentence.before:  # "This will be completed within ...": the sentence before says which
            stage = _stage_in(sentence.before)
        stage_from = "sentence" if stage else None
        if stage is None and (label := _paragraph_label(sentence)):
            stage = _stage_in(label)  # "Stage 1: We will acknowledge ... We aim to reply within 15 working days"
            stage_from = "paragraph label" if stage else None
        if stage is None and row_label:
            stage = _stage_in(row_label)  # the row's first cell: "Stage 2"
            stage_from = "table row" if stage else None
        if stage is None and heading_stage:
            stage, stage_from = heading_stage, "heading"
        if stage is None and kind_stage:
            stage, stage_from = kind_stage, "kind"
        high = high_amount.working_days if high_amount.working_days is not None else _fewest_working_days(high_amount)
        if high is None and high_amount.unit == "months":
            high = 18 * high_amount.number  # the fewest working days in N months (February, bank holidays)
        if high is None and high_amount.unit == "hours":
            # "within 48 hours": the fewest working days so many hours can span (a weekend counts none)
            days = -(-high_amount.number // 24)
            high = _fewest_working_days(Amount(0, 0, "", days, "days", None))
        low = low_value if low_value is not None else (
            low_amount.working_days if low_amount.working_days is not None else high)
        start, end = low_amount.start, high_amount.end
        out.append(
            Statement(
                kind="timescale",
                sentence=sentence,
                quote=sentence.cased[start:end],
                start=sentence.start + start,
                end=sentence.start + end,
                step=step,
                stage=stage,
                stage_from=stage_from,
                low=low,
                high=high,
                unit=high_amount.unit,
                counted_from=counted_from,
                hedged=hedged,
                complex_cases=complex_cases,
                total=bool(TOTAL.search(s)),
                topic=topic if step not in ("remedy",) else "remedy",
            )
        )
        window_start = high_amount.end
    return out


_OTHER_STAGE = re.compile(
    r"(?:\bnot|n't|\bno|\bnever)\b(?: \w+){0,3} (?:involved|involvement|part|dealt with|handled|considered|investigated)"
    r"(?: \w+){0,4} (?:at|in|with|during) (?:the |your )?(?:stage (?:1|one)|first stage)\b")
"""A stage named as one the handler had no part in: not the stage the sentence is about."""
_STAGE_FOLLOWS = re.compile(r"\s*\(?(?:at|for|in|during|on)\s+(?:the\s+)?(?:stage|first|second|final|review)\b")
"""An amount's own stage, right after it: "20 working days at stage 2"."""
_LABEL = re.compile(r"^\s*([a-z][\w ]{0,30}?)\s*(?::|\s[-\u2013\u2014]\s)")
"""A paragraph's lead-in label: "Stage 1: ...", "Stage 2 - if you remain unhappy ..."."""


def _paragraph_label(sentence: Sentence) -> str | None:
    """The label the sentence's paragraph starts with, when it names a stage ("Stage 2: ...")."""
    block = sentence.block
    if block is None or block.part == "table":
        return None
    m = _LABEL.match(block.text.lower())
    return m.group(1) if m and _stage_in(m.group(1)) else None


def _at(sentence: Sentence, kind: str, start: int, end: int, **extra) -> Statement:
    """A statement resting on the words at [start, end) of the sentence."""
    return Statement(kind=kind, sentence=sentence, quote=sentence.cased[start:end],
                     start=sentence.start + start, end=sentence.start + end, **extra)


def _mentions(sentence: Sentence, cue: re.Pattern[str], kind: str, negation: re.Pattern[str]) -> list[Statement]:
    """Every match of `cue` in the sentence, negated when the sentence says there is none."""
    negated = bool(negation.search(sentence.text))
    return [_at(sentence, kind, m.start(), m.end(), value=m.group(0), negated=negated)
            for m in cue.finditer(sentence.text)]


def _one(sentence: Sentence, cue: re.Pattern[str], kind: str, context: str | None = None, **extra) -> list[Statement]:
    """The first match of `cue` in the sentence (or in `context`, the sentence read with the
    words that lead into it, the statement then quoting the whole sentence)."""
    if context is not None and context != sentence.text:
        return [_at(sentence, kind, 0, len(sentence.text), **extra)] if cue.search(context) else []
    m = cue.search(sentence.text)
    return [_at(sentence, kind, m.start(), m.end(), **extra)] if m else []


_POINTS_BACK = re.compile(r"^(?:this|it|that|they|these|the review|the appeal|your appeal|your review"
                          # "You can escalate to stage 2. To do this you must write to us ..."
                          r"|to do (?:this|so|that)|if you (?:want|wish|would like|decide) to do (?:this|so|that))\b")


def read_sentences(text: Text) -> list[Sentence]:
    out: list[Sentence] = []
    lead_in: str | None = None
    for start, end in text.sentences:
        at = bisect.bisect_right(text.starts, start) - 1  # the block the sentence starts in
        block = text.blocks[at] if at >= 0 else None
        heading = text.normalized_heading(start)
        body = text.text[start:end]
        if heading is not None and heading.strip(" :") == body.strip(" :"):
            heading = None
        item = block is not None and starts_list_item(block) and text.starts[at] == start
        if not item:
            lead_in = None
        before = out[-1].text if out and _POINTS_BACK.match(body) else None
        cells: tuple[tuple[str, str], ...] = ()
        if block is not None and block.part == "table":
            last = bisect.bisect_left(text.starts, end)  # the blocks the sentence spans (a Word row: its cells)
            cells = tuple(cell for b in text.blocks[max(at, 0):last] for cell in b.cells)
        out.append(Sentence(start, end, body, text.cased[start:end], block, heading, lead_in if item else None, before,
                            cells))
        if not item and body.rstrip().endswith(":"):
            lead_in = body
    return out


def read(text: Text, kind: str | None = None) -> Reading:
    """Every statement of `text` (a document of the given kind), in reading order."""
    reading = Reading()
    kind_stage = KIND_STAGE.get(kind or "")
    sentences = read_sentences(text)
    for index, sentence in enumerate(sentences):
        reading.sentences.append(sentence)
        found: list[Statement] = []
        found += _timescales(sentence, kind_stage)
        found += _mentions(sentence, EXTRA_STAGE, "extra_stage", NO_EXTRA_STAGE)
        found += _mentions(sentence, THIRD_STAGE, "third_stage", NO_THIRD_STAGE)
        context = " ".join(t for t in (sentence.before, sentence.lead_in, sentence.text) if t)
        talks_of_stage2 = bool(STAGE2.search(context)) or kind_stage == 2 or (
            sentence.heading is not None and _stage_in(sentence.heading) == 2
        )  # a stage 2 letter is about stage 2 throughout
        if talks_of_stage2:
            if STAGE2_SAME.search(sentence.text) and not NEGATION.search(sentence.text):
                found += _one(sentence, STAGE2_SAME, "stage2_handler", value="same")
            else:
                found += _one(sentence, STAGE2_DIFFERENT, "stage2_handler", value="different")
        talks_of_escalation = talks_of_stage2 or bool(re.search(r"\b(?:escalat|appeal|review|pursu)", context))
        if talks_of_escalation and not REASONS_OPTIONAL.search(context):
            # a list item is read with the sentence that introduced it ("... you must:")
            condition = _one(sentence, ESCALATION_CONDITION, "escalation_condition", context=context)
            if condition and context != sentence.text:
                # read with the sentence before: reported when the words it rests on are
                cue, frame = ESCALATION_CONDITION.search(context), REPORTED.search(context)
                if cue and frame and frame.start() < cue.start():
                    condition = [replace(st, reported=True) for st in condition]
            found += condition
        title = sentence.block is not None and sentence.block.heading is not None and (
            sentence.block.text.strip(" :").lower() == sentence.block.heading.strip(" :").lower())
        if ("ombudsman" in context or "designated" in sentence.text) and not title:  # a heading names, not says
            found += [
                Statement(kind="ombudsman_wait", sentence=sentence, quote=st.quote, start=st.start, end=st.end,
                          value="designated person" if "designat" in st.quote.lower() else "eight-week wait",
                          negated=bool(NO_LONGER.search(sentence.text)))
                for st in _one(sentence, OMBUDSMAN_WAIT, "ombudsman_wait")
            ]
        following = sentences[index + 1].text if index + 1 < len(sentences) else ""
        if INFORMAL_STEP.search(sentence.text) and (BEFORE_STAGE1.search(sentence.text) or BEFORE_STAGE1.search(following)):
            found += _one(sentence, INFORMAL_STEP, "extra_stage", value="informal step before stage 1",
                          negated=bool(NO_EXTRA_STAGE.search(sentence.text)))
        if LOGGED_IF_UNRESOLVED.search(sentence.text) and not SERVICE_REQUEST.search(sentence.text):
            found += _one(sentence, LOGGED_IF_UNRESOLVED, "extra_stage", value="a step before stage 1",
                          negated=bool(NO_EXTRA_STAGE.search(sentence.text)))
        reported = REPORTED.search(sentence.text)
        corrected = bool(following) and bool(CORRECTION.search(following))  # "... stage 0. That was wrong."
        corrected = corrected or sentence.text.rstrip().endswith("?")  # a question asks, it does not say
        for i, st in enumerate(found):
            at = text.block_at(st.start)
            if at is not None and at is not sentence.block:
                found[i] = st = replace(st, at=at)
            if corrected or (reported and reported.start() < st.start - sentence.start
                             and not _OWN_CLAUSE.search(sentence.text, reported.end(), st.start - sentence.start)):
                found[i] = replace(st, reported=True)
        reading.statements += sorted(found, key=lambda st: st.start)
    return reading


_CACHE: dict[tuple[int, str | None], tuple[Text, Reading]] = {}


def statements_of(document: Document, kind: str | None = None) -> Reading:
    """The document's :class:`Reading`, made once per document and kind and shared by its rules."""
    text = document_text(document)
    key = (id(text), kind)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] is text:
        return cached[1]
    reading = read(text, kind)
    if len(_CACHE) >= 16:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = (text, reading)
    return reading
