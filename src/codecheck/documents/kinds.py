"""Which kind of document a file is, told from its name when --kind and the
config's `documents:` globs say nothing. When the name cannot tell, None:
codecheck says so rather than guess.

A letter's kind is its stage and what it is: the **first** stage the name
names ("stage2-response-about-stage1-delay" is a stage 2 response), then an
acknowledgement or a response. "ack" counts only as a word of its own
("stage1-ack", "ack-letter"), never inside another ("blackwell", "feedback")."""

from __future__ import annotations

import re
from pathlib import Path

_NOT_A_LETTER = r"(?<![a-z])"
_STAGE1 = _NOT_A_LETTER + r"(stage[\s_\-]*(1|one)|s1|first[\s_\-]*stage)(?![0-9])"
_STAGE2 = _NOT_A_LETTER + r"(stage[\s_\-]*(2|two)|s2|second[\s_\-]*stage|final[\s_\-]*stage|escalation)(?![0-9])"
_ACK = r"((?<![a-z])ack(s|d)?(?![a-z])|acknowledg)"
_RESPONSE = r"(response|outcome|decision|reply|final[\s_\-]*response)"

#: Documents other than stage letters, in order: the first kind whose pattern the name matches
#: wins (stage letters are told first, so "Stage 1 response - extended" is a stage 1 response and
#: "Stage 2 response - complaint declined" a stage 2 response).
BEFORE_LETTERS: tuple[tuple[str, str], ...] = (
    ("improvement_plan", r"improvement[\s_\-]*plan|action[\s_\-]*plan"),
    ("annual_report", r"annual[\s_\-]*(complaints?[\s_\-]*)?(performance[\s_\-]*)?report|complaints?[\s_\-]*annual[\s_\-]*report"),
    ("self_assessment", r"self[\s_\-]*assess"),
)
AFTER_LETTERS: tuple[tuple[str, str], ...] = (
    ("extension", r"extension|extend"),
    ("refusal", r"refus|not[\s_\-]*accepted|declin|exclusion[\s_\-]*letter"),
    ("policy", r"polic(y|ies)|procedure"),
)
#: Every kind a name can tell, for messages.
KINDS: tuple[str, ...] = (*(k for k, _ in BEFORE_LETTERS), "stage1_ack", "stage2_ack", "stage1_response",
                          "stage2_response", *(k for k, _ in AFTER_LETTERS))


def _letter_kind(text: str) -> str | None:
    """stageN_ack or stageN_response from a name, its stage the first one named; an
    acknowledgement that names no stage acknowledges a new complaint (stage 1)."""
    ack, response = re.search(_ACK, text), re.search(_RESPONSE, text)
    if not ack and not response:
        return None
    stages = [(m.start(), n) for n, pattern in ((1, _STAGE1), (2, _STAGE2)) if (m := re.search(pattern, text))]
    if not stages:
        return "stage1_ack" if ack else None
    stage = min(stages)[1]
    if ack and response:  # "stage2-acknowledgement-of-response": the one named first
        return f"stage{stage}_ack" if ack.start() < response.start() else f"stage{stage}_response"
    return f"stage{stage}_ack" if ack else f"stage{stage}_response"


def infer_kind(path: str | Path) -> str | None:
    """The document kind the file name (and its folder's name) points to, or None."""
    p = Path(path)
    for text in (p.stem.lower(), f"{p.parent.name}/{p.stem}".lower()):
        for kind, pattern in BEFORE_LETTERS:
            if re.search(pattern, text):
                return kind
        letter = _letter_kind(text)
        if letter:
            return letter
        for kind, pattern in AFTER_LETTERS:
            if re.search(pattern, text):
                return kind
    return None
