"""The document reader: policies and letter templates (PDF, DOCX, text, Markdown, HTML)."""

from __future__ import annotations

from pathlib import Path

from codecheck.documents import EXTENSIONS, Document, read_document
from codecheck.readers.base import CASES, DOCUMENT


class DocumentReader:
    name = "documents"
    family = DOCUMENT
    extensions = tuple(EXTENSIONS)

    def claims(self, path: Path, kind: str | None) -> bool:
        return Path(path).suffix.lower() in EXTENSIONS and kind != CASES

    def read(self, path: Path) -> Document:
        return read_document(path)
