"""What a reader is: a named thing that claims paths and reads them.

Case readers return a :class:`CaseSource` (header checked, batches streamed);
document readers return a :class:`codecheck.documents.Document`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Protocol

if TYPE_CHECKING:
    from codecheck.config import Config
    from codecheck.records import CaseBatch

CASES, DOCUMENT = "cases", "document"


class Reader(Protocol):
    name: str
    family: str  # CASES or DOCUMENT
    extensions: tuple[str, ...]

    def claims(self, path: Path, kind: str | None) -> bool: ...


@dataclass
class CaseSource:
    """An opened case-record file: its columns are known, its rows not yet read."""

    path: str
    columns: dict[str, str]
    """canonical column -> the header it was found under."""
    unmapped: list[str]
    """headers the file has that map to no canonical column (reported, not an error)."""
    batches: Iterator["CaseBatch"]
    notes: list[str] = field(default_factory=list)
    """things worth telling the user about how the file was read (encoding, delimiter)."""
    header_row: int = 1
    """the line (CSV) or row (Excel) of the header, for findings about a whole column."""


class CaseReader(Reader, Protocol):
    def open(self, path: Path, config: "Config") -> CaseSource: ...


def claims_by_extension(reader: Reader, path: Path, kind: str | None, family_kinds: tuple[str, ...]) -> bool:
    if kind is not None and kind not in family_kinds:
        return False
    return path.suffix.lower() in reader.extensions
