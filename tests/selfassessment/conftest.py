"""Shared helpers for the self-assessment tests: the seeds, the fixtures, and running the SA rules."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from codecheck.documents import Block, Document, normalize_whitespace, read_document
from codecheck.findings import Severity
from codecheck.selfassessment import self_assessment_rules

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures" / "self-assessment"
GENERATOR = REPO / "fixtures" / "make_self_assessments.py"


def seeds_dir() -> Path | None:
    """The published seed documents (shared/seeds beside the repo), when present."""
    for candidate in (os.environ.get("CODECHECK_SEEDS"), REPO.parent / "shared" / "seeds", "/work/shared/seeds"):
        if candidate and Path(candidate, "001_5bf427e923f40a85.txt").is_file():
            return Path(candidate)
    return None


SEEDS = seeds_dir()
needs_seeds = pytest.mark.skipif(SEEDS is None, reason="shared/seeds (the published seed documents) is not here")
SEED_000 = SEEDS / "000_92b8029af1acf18b.txt" if SEEDS else None
SEED_001 = SEEDS / "001_5bf427e923f40a85.txt" if SEEDS else None


@dataclass(frozen=True)
class Hit:
    rule: str
    severity: Severity
    message: str
    block: Block | None

    @property
    def where(self) -> str:
        return self.block.location() if self.block is not None else ""


def run_rules(source: str | Path | Document) -> list[Hit]:
    """Every SA rule over a file or a Document, as the engine runs them (rule order)."""
    document = source if isinstance(source, Document) else read_document(source)
    hits: list[Hit] = []
    for rule in self_assessment_rules():
        def emit(block, message, *, severity=None, rule=rule):
            hits.append(Hit(rule.id, severity if severity is not None else rule.severity, message, block))

        rule.check(document, None, emit)
    return hits


def problems(hits: list[Hit]) -> list[Hit]:
    """Findings above info (the per-section summary is info)."""
    return [h for h in hits if h.severity > Severity.INFO]


def text_document(lines: list[str], name: str = "self-assessment.txt") -> Document:
    """A text Document held in memory: one block per line, no file behind it."""
    blocks = [Block(text=normalize_whitespace(line), line=i) for i, line in enumerate(lines, start=1) if line.strip()]
    return Document(path=name, format="text", blocks=blocks)
