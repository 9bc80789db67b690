"""``placeholder``: template hygiene — an unfilled placeholder that would go to the resident as
it is: instructions in square brackets ("[INSERT DATE]", "[Set out what we found]"), choices
left open ("[upheld / not upheld]"), fillers ("XX/XX/XXXX", "DD/MM/YYYY", "£XXX", "£___"),
empty or unclosed merge fields ("«»", "{{", "<<Name"). Merge fields are not findings, in
whichever style a template writes them: ``{{tenant_name}}``, ``«TenantName»``, ``<<Name>>``,
``{case_ref}``, or a field named in square brackets ("[Resident name]", "[Date]", "[Complaint
ref]"), which the officer completes as a merge would; nor are markings such as "[OFFICIAL]".

    CT001:
      type: placeholder
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from ..matching import document_text
from ..model import Document
from .base import BaseSpec, Check, Emit, fmt
from .forbids import overlapping


@dataclass(kw_only=True)
class Spec(BaseSpec):
    FIELDS: ClassVar[tuple[str, ...]] = ("match",)

    type: Literal["placeholder"]


# Placeholders are found in the text in its original case (capitals matter).
_BRACKET = re.compile(r"\[([^\[\]]{1,120})\]")
_INSTRUCTION = re.compile(
    # what the drafter is told to do: "[Insert the date]", "[Set out our findings]", "[Delete as appropriate]"
    r"^\s*(?:insert|enter|add|delete|remove|replace|select|choose|include|amend|edit|type|complete|fill in|"
    r"set out|summari[sz]e|describe|explain|state|list|give|detail|outline|write|attach|tick|check|use|"
    r"tbc|tbd|to be confirmed|if applicable|if required|if relevant|optional|where applicable|note to)\b"
    r"|\b(?:as appropriate|as applicable|if applicable|if required|delete|tbc)\b",
    re.IGNORECASE,
)
# A choice left open: "[upheld / partly upheld / not upheld]", "[pleased/sorry]", "[is or is not]".
_CHOICE = re.compile(r"\w\s*/\s*\w|\s\bor\b\s", re.IGNORECASE)
_NOTE_WORDS = 7
"""A bracket of this many words or more is a drafting note, not the name of a field."""
_FILLER = re.compile(r"(?<![\w/])(?:[xX]{1,2}/[xX]{1,2}/(?:[xX]{2,4}|\d{4}|\d{2})|(?:DD|dd)([/.-])(?:MM|mm)\1(?:YYYY|yyyy|YY|yy)"
                     r"|£ ?[xX]{2,}(?:\.[xX]{2})?|X{2,}|x{2,})(?![\w/])|£ ?_{2,}|\?{3,}")
_MERGE_FIELD = re.compile(r"\{\{[^{}]+\}\}|\u00ab[^\u00ab\u00bb]+\u00bb|<<[^<>]+>>|\{[A-Za-z_][\w.]*\}")
# Words in capitals in square brackets that are markings or labels, not instructions.
_MARKINGS = frozenset({
    "OFFICIAL", "OFFICIAL SENSITIVE", "SENSITIVE", "CONFIDENTIAL", "PRIVATE AND CONFIDENTIAL", "PRIVATE",
    "NOT PROTECTIVELY MARKED", "PDF", "DOC", "DOCX", "SIC", "URGENT", "EXTERNAL", "ENDS",
})
# What was taken out of a letter on purpose: a marking of work done, not an instruction to do it.
_REDACTION = re.compile(r"\b(?:REDACTED|REDACTION|WITHHELD|REMOVED|ILLEGIBLE|INAUDIBLE|ANONYMISED|ANONYMIZED)\b", re.IGNORECASE)
_OPEN_BRACKET = re.compile(r"\[\s*(?:insert|enter)\b", re.IGNORECASE)
_PAIRS = (("\u00ab", "\u00bb"), ("{{", "}}"), ("<<", ">>"))
_MERGE_MAX = 100  # a merge field's name is short: a closer further away than this belongs to another


def _shown_end(text: str, after: int) -> int:
    """Where to stop showing an unclosed placeholder: the end of the word that follows."""
    m = re.compile(r"\s*\S{0,40}").match(text, after)
    return m.end() if m else after


def _placeholder_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for m in _BRACKET.finditer(text):
        inner = m.group(1)
        if _MERGE_FIELD.search(inner):
            continue  # brackets around a merge field ("[ref: {{case_ref}}]") are text, not an instruction
        if _REDACTION.search(inner) or " ".join(inner.replace("-", " ").split()).upper() in _MARKINGS:
            continue  # "[NAME WITHHELD]": done; "[OFFICIAL]": a marking
        words = len(inner.split())
        if _INSTRUCTION.search(inner) or (_CHOICE.search(inner) and words <= 12) or words >= _NOTE_WORDS:
            spans.append((m.start(), m.end()))
    for m in _OPEN_BRACKET.finditer(text):
        close = text.find("]", m.end(), m.end() + _MERGE_MAX)
        following = text.find("[", m.end(), m.end() + _MERGE_MAX)
        if close < 0 or 0 <= following < close:
            spans.append((m.start(), _shown_end(text, m.end())))
    for m in _FILLER.finditer(text):
        spans.append((m.start(), m.end()))
    for opener, closer in _PAIRS:
        pos = text.find(opener)
        while pos >= 0:
            after = pos + len(opener)
            close = text.find(closer, after, after + _MERGE_MAX)
            nxt = text.find(opener, after)
            if close >= 0 and not 0 <= nxt < close:
                if close == after:  # an empty field: «» or {{}}
                    spans.append((pos, close + len(closer)))
                pos = text.find(opener, close + len(closer))
            else:
                end = _shown_end(text, after)
                spans.append((pos, min(end, nxt) if nxt >= 0 else end))
                pos = nxt
    return spans


def unfilled(text) -> list[tuple[int, int]]:
    """The spans of `text` (a :class:`~codecheck.documents.matching.Text`) that are unfilled
    placeholders, in order; worked out once per text."""
    spans = text.memo.get("unfilled placeholders")
    if spans is None:
        spans = text.memo["unfilled placeholders"] = sorted(_placeholder_spans(text.cased))
    return spans


def build(spec: Spec) -> Check:
    def check(document: Document, ctx: Any, emit: Emit) -> None:
        text = document_text(document)
        spans = overlapping([text.hit(s, e) for s, e in unfilled(text)])
        for hit in spans:
            shown = hit.text.strip()
            emit(hit.block, fmt(spec.message, match=shown))

    return check
