"""The reader output: blocks of text, each with a location a person can find."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Characters that are invisible and only get in the way of matching text.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"), None)

PARTS = ("body", "table", "header", "footer")


def normalize_whitespace(text: str) -> str:
    """Collapse every run of whitespace (incl. NBSP, tabs, newlines) to one space.

    Soft hyphens, zero-width spaces and stray BOMs are dropped; curly quotes,
    dashes and every other character are kept as they are.
    """
    return " ".join(text.translate(_INVISIBLE).split())


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


@dataclass(frozen=True, slots=True)
class Block:
    """One line (text/md/html/pdf) or one paragraph / table cell (docx) of text."""

    text: str
    line: int | None = None
    page: int | None = None
    paragraph: int | None = None
    heading: str | None = None
    part: str = "body"
    row: int | None = None
    """For table cells: the table row (from 1), so each row reads as one sentence."""
    list_item: bool = False
    """The block starts an item of a list whose marker the reader took off (a Markdown "- ", an
    HTML <li>): each item is a sentence of its own, and is read with the sentence that leads in."""
    cells: tuple[tuple[str, str], ...] = ()
    """For a row of a table with a header row (a Markdown table line), or a cell of one (a Word
    table cell): each cell's text with its column's header, in order, so that "5 working days"
    under "Acknowledge" reads as the time to acknowledge."""

    def location(self) -> str:
        """Where a person finds this block, e.g. "page 3, line 12" or
        "paragraph 14 (under 'Stage 2')". Empty when nothing is known."""
        if self.page is not None:
            where = f"page {self.page}" + (f", line {self.line}" if self.line is not None else "")
        elif self.part in ("header", "footer"):
            where = self.part
        elif self.paragraph is not None:
            where = (
                f"table at paragraph {self.paragraph}"
                if self.part == "table"
                else f"paragraph {self.paragraph}"
            )
        elif self.line is not None:
            where = f"line {self.line}"
        else:
            where = "table" if self.part == "table" else ""
        if self.heading and self.heading != self.text and where and self.part not in ("header", "footer"):
            where += f" (under '{_short(self.heading)}')"
        return where


# A document's record of its own versions: a "Document control" or "Version history" section, or
# a table with a column of changes ("Version | Date | Author | Summary of changes"). It tells what
# earlier versions said ("stage 3 panel removed", "eight-week wait taken out"), not the process.
_CHANGE_RECORD_HEADING = re.compile(
    r"^(?:[\d.]+\s*)?(?:document (?:control|history)|version (?:control|history|log|record)s?"
    r"|revision (?:history|record|log)s?|amendments? (?:history|record|log)s?|record of (?:changes|amendments|revisions)"
    r"|change (?:log|history|record)s?|changelog|review history|summary of (?:changes|amendments|revisions))\W*$",
    re.IGNORECASE,
)
_CHANGE_COLUMN = re.compile(
    r"^(?:(?:summary|description|details|nature) of (?:the )?)?(?:changes?|amendments?|revisions?)(?: made)?\W*$"
    r"|^(?:reason for|purpose of) (?:the )?(?:change|amendment|revision|update)s?\W*$",
    re.IGNORECASE,
)


def in_change_record(block: Block | None) -> bool:
    """Whether this block is part of the document's record of its own versions: under a "Document
    control", "Version history" or "Revision history" heading, or a row of a table with a column of
    changes. What a version record says was removed or changed is history, not the process."""
    if block is None:
        return False
    if block.heading and _CHANGE_RECORD_HEADING.match(" ".join(block.heading.split())):
        return True
    return any(_CHANGE_COLUMN.match(" ".join(header.split())) for _, header in block.cells)


def names_columns(texts: "list[str]") -> bool:
    """Whether a table's first row (these cell texts) is a header naming its columns ("Stage",
    "Acknowledge", "Full response"): some text, and no cell holding a figure."""
    return any(texts) and not any(ch.isdigit() for text in texts for ch in text)


@dataclass
class Document:
    """The text of one input file, in reading order."""

    path: str
    format: str  # "pdf" | "docx" | "text" | "markdown" | "html"
    blocks: list[Block] = field(default_factory=list)
    comments: list[Block] = field(default_factory=list)
    pages: int | None = None

    def text(self) -> str:
        """All body, table, header and footer text, one block a line."""
        return "\n".join(b.text for b in self.blocks if b.part in PARTS)
