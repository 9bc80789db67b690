"""``forbids``: a CONTRADICTION found by its words — each match of ``patterns`` is a finding
at its block, unless one of ``unless`` matches in the sentence it is in (every sentence it
overlaps, read together, when a match runs past a sentence end or a heading), or one of
``corrected_by`` matches at the start of the sentence after it ("Your email was logged as a
stage 0 enquiry. That should not have happened.": the letter recounts a mistake and corrects it).

    CL502:
      type: forbids
      patterns: ['{extra_stage}']
      unless: ['{negation} (?:\\w+ ){0,4}{extra_stage}']   # "we do not have an informal stage"

Prefer a ``statement`` rule where the statement layer reads what the sentence says.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from ..matching import compile_matcher, compile_set, document_text
from ..model import Document
from .base import BaseSpec, Check, Emit, Patterns, fmt


@dataclass(kw_only=True)
class Spec(BaseSpec):
    FIELDS: ClassVar[tuple[str, ...]] = ("match",)

    type: Literal["forbids"]
    patterns: Patterns
    unless: Patterns | None = None
    corrected_by: Patterns | None = None


def overlapping(hits: list) -> list:
    """Hits in order, leaving out any that starts inside the one before."""
    out: list = []
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        if out and hit.start < out[-1].end:
            continue
        out.append(hit)
    return out


def build(spec: Spec) -> Check:
    patterns = [compile_matcher(p) for p in spec.patterns]
    unless = compile_set(tuple(spec.unless)) if spec.unless else None
    corrected = compile_set(tuple(spec.corrected_by)) if spec.corrected_by else None

    def check(document: Document, ctx: Any, emit: Emit) -> None:
        text = document_text(document)
        hits = [hit for matcher in patterns for hit in text.finditer(matcher)]
        said: set[tuple[int, str]] = set()  # one finding for the same words twice in one paragraph
        for hit in overlapping(hits):
            if text.runs_on_from_a_heading(hit.start, hit.end):
                continue
            start, end = text.sentences_over(hit.start, hit.end)
            if unless is not None and text.contains(unless, start, end):
                continue
            if text.text[start:end].rstrip().endswith("?"):
                continue  # a question ("Is there a stage 3?") asks; the answer says
            if corrected is not None:
                after = text.sentence_after(end)
                if after is not None and text.contains(corrected, after[0], min(after[1], after[0] + 80)):
                    continue
            message = fmt(spec.message, match=hit.text)
            if (id(hit.block), message) in said:
                continue
            said.add((id(hit.block), message))
            emit(hit.block, message)

    return check
