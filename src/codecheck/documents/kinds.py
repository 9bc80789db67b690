"""Which kind of document a file is, told from its name when --kind and the
config's `documents:` globs say nothing. When the name cannot tell, None:
codecheck says so rather than guess."""

from __future__ import annotations

import re
from pathlib import Path

_STAGE1 = r"(stage[\s_\-]*(1|one)|s1|first[\s_\-]*stage)"
_STAGE2 = r"(stage[\s_\-]*(2|two)|s2|second[\s_\-]*stage|final[\s_\-]*stage|escalation)"
_ACK = r"(ack|acknowledg)"
_RESPONSE = r"(response|outcome|decision|reply|final[\s_\-]*response)"

#: In order: the first kind whose pattern the name matches wins. Stage letters come
#: before extension and refusal, so "Stage 1 response - extended" is a stage 1
#: response and "Stage 2 response - complaint declined" a stage 2 response.
PATTERNS: tuple[tuple[str, str], ...] = (
    ("improvement_plan", r"improvement[\s_\-]*plan|action[\s_\-]*plan"),
    ("annual_report", r"annual[\s_\-]*(complaints?[\s_\-]*)?(performance[\s_\-]*)?report|complaints?[\s_\-]*annual[\s_\-]*report"),
    ("self_assessment", r"self[\s_\-]*assess"),
    ("stage1_ack", _STAGE1 + r".*" + _ACK + "|" + _ACK + r".*" + _STAGE1),
    ("stage2_ack", _STAGE2 + r".*" + _ACK + "|" + _ACK + r".*" + _STAGE2),
    ("stage1_response", _STAGE1 + r".*" + _RESPONSE + "|" + _RESPONSE + r".*" + _STAGE1),
    ("stage2_response", _STAGE2 + r".*" + _RESPONSE + "|" + _RESPONSE + r".*" + _STAGE2),
    # an acknowledgement that names no stage acknowledges a new complaint: stage 1 (a stage 2
    # one says so: "escalation acknowledgement", matched above)
    ("stage1_ack", r"(^|[\s_\-/])" + _ACK + r"(nowledge?ment|nowledging)?([\s_\-.]|$)|^" + _ACK),
    ("extension", r"extension|extend"),
    ("refusal", r"refus|not[\s_\-]*accepted|declin|exclusion[\s_\-]*letter"),
    ("policy", r"polic(y|ies)|procedure"),
)


def infer_kind(path: str | Path) -> str | None:
    """The document kind the file name (and its folder's name) points to, or None."""
    p = Path(path)
    for text in (p.stem.lower(), f"{p.parent.name}/{p.stem}".lower()):
        hits = [kind for kind, pattern in PATTERNS if re.search(pattern, text)]
        if hits:
            return hits[0]
    return None
