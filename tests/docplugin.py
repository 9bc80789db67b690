"""A small test plugin for the document path of the engine: a reader for every
document format and two rules with predictable findings, so the output
formats, baselines and suppressions can be tested on documents without
depending on the real rule packs' wording.

- TX901 (6.9, error, stage1_response): each block saying "final decision".
- TX902 (6.9(g), warning, stage1_response): the letter never says "ombudsman"
  (one finding for the whole document).

``run_cli(monkeypatch, *args)`` runs the command line with this plugin
registered beside the built-ins.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from click.testing import CliRunner

from codecheck.documents import read_document
from codecheck.findings import Severity
from codecheck.hookspecs import hookimpl
from codecheck.readers.base import DOCUMENT
from codecheck.registry import build_registry, plugin_manager
from codecheck.rules import Rule

KIND = "stage1_response"


class DocumentReader:
    name = "test-documents"
    family = DOCUMENT
    extensions = (".md", ".txt", ".html", ".htm", ".docx", ".pdf")

    def claims(self, path: Path, kind: str | None) -> bool:
        return kind != "cases" and path.suffix.lower() in self.extensions

    def read(self, path: Path):
        return read_document(path)


def _forbids(phrase: str):
    def check(document, ctx, emit):
        for block in document.blocks:
            if phrase in block.text.lower():
                emit(block, f"says '{phrase}' at stage 1")

    return check


def _requires(phrase: str):
    def check(document, ctx, emit):
        if not any(phrase in block.text.lower() for block in document.blocks):
            emit(None, f"never mentions the {phrase}")

    return check


RULES = [
    Rule(id="TX901", name="test-final-decision-at-stage-1", provision="6.9", summary="a stage 1 letter calls itself final",
         kinds=(KIND,), rationale="Stage 1 is not the landlord's final word.", breach_example="This is our final decision.",
         compliant_example="This is our stage 1 response.", check=_forbids("final decision")),
    Rule(id="TX902", name="test-no-ombudsman", provision="6.9(g)", summary="the letter never mentions the Ombudsman",
         severity=Severity.WARNING, kinds=(KIND,), rationale="Residents must know where to go next.",
         breach_example="A letter with no Ombudsman details.", check=_requires("ombudsman")),
]


class DocumentsPlugin:
    @hookimpl
    def codecheck_rules(self):
        return RULES

    @hookimpl
    def codecheck_readers(self):
        return [DocumentReader()]


@lru_cache(maxsize=1)
def registry():
    pm = plugin_manager(load_entry_points=False)
    pm.register(DocumentsPlugin(), name="codecheck-test-documents")
    return build_registry(pm)


def run_cli(monkeypatch, *args: str):
    """The command line, with the test plugin registered."""
    import codecheck.registry
    from codecheck.cli import main

    monkeypatch.setattr(codecheck.registry, "default_registry", registry)
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def letter(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
