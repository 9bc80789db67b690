"""``conditional``: when one of ``if_any`` matches and none of ``then_any`` matches anywhere,
one finding at the first ``if_any`` match.

    CL307:
      type: conditional
      if_any: ['[\\w.]+@housing-ombudsman\\.org\\.uk']      # the Ombudsman's e-mail address ...
      then_any: ['\\b0300 ?111 ?3000\\b']                  # ... with no phone number
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from ..matching import compile_set, document_text
from ..model import Document
from .base import BaseSpec, Check, Emit, Patterns, fmt


@dataclass(kw_only=True)
class Spec(BaseSpec):
    FIELDS: ClassVar[tuple[str, ...]] = ("match",)

    type: Literal["conditional"]
    if_any: Patterns
    then_any: Patterns


def build(spec: Spec) -> Check:
    if_any, then_any = compile_set(tuple(spec.if_any)), compile_set(tuple(spec.then_any))

    def check(document: Document, ctx: Any, emit: Emit) -> None:
        text = document_text(document)
        hit = text.search(if_any)
        while hit is not None and text.runs_on_from_a_heading(hit.start, hit.end):  # a title is not a clause
            hit = text.search(if_any, text.end_of_block(hit.start))
        if hit is not None and not text.contains(then_any):
            emit(hit.block, fmt(spec.message, match=hit.text))

    return check
