"""Plain text files: one block per non-blank line, with its 1-based line number.

A plain-text page has headings too, written as short lines of their own ("Stage one:",
"Stage 2 - review", "How to complain"): a line is read as a heading when it is short (at
most 8 words and 70 characters), starts with a capital letter or a number, does not end a
sentence or a clause (no final ". , ;"), is not a list item, an address, e-mail, web or
phone line, and stands apart: first in the file, after a blank line or after a line that
ends a sentence, with text after it. A lead-in to a list ("We will:") is not a heading. The lines below it carry it as their ``heading``
until the next one, as in Markdown.
"""

from __future__ import annotations

import codecs
import os
import re

from codecheck.errors import InputError

from .model import Block, Document, normalize_whitespace

# Control bytes that never appear in a real text file (tab, LF, VT, FF, CR,
# SUB and ESC are allowed: editors and old DOS files do leave them).
_CONTROL = frozenset(set(range(0x01, 0x20)) - {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1A, 0x1B})


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """Read a whole file; an empty file is an InputError."""
    with open(path, "rb") as fh:
        data = fh.read()
    if not data:
        raise InputError(str(path), "is empty (0 bytes)")
    return data


def decode_text(data: bytes, path: str, fallback: str = "cp1252") -> str:
    """Decode text as UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252.

    Binary content (NUL bytes, many control bytes) is an InputError
    "is not a text file"; undecodable bytes never raise.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Notepad's "Unicode": the only text files that legitimately hold NULs.
        text = data.decode("utf-16", errors="replace")
        if "\x00" in text:
            raise InputError(path, "is not a text file (it contains binary data)")
        return text
    sample = data[:65536]
    if b"\x00" in data or sum(b in _CONTROL for b in sample) > max(1, len(sample) // 100):
        raise InputError(path, "is not a text file (it contains binary data)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode(fallback)
    except (UnicodeDecodeError, LookupError):
        return data.decode("cp1252", errors="replace")


def split_lines(text: str) -> list[str]:
    """Split on \\n, \\r\\n or a lone \\r only, as editors count lines."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


_LIST_ITEM = re.compile(r"^(?:[-*+\u2022\u25cf\u25aa\u2013\u2014>o]\s|\(?[0-9a-z]{1,3}[.)]\s)", re.IGNORECASE)
_NOT_HEADING = re.compile(
    r"@|https?:|www\.|\d{4}|\d{3}\s?\d{3}|[.,;]$|^[^\w]|^[a-z]|[{\u00ab\[<]"
    r"|^(?i:(?:our|your) ref|(?:date|re|subject|to|from|tel|phone|e-?mail|dear)\b)"
)
# "We will:", "If you are unhappy you can:" introduce a list; they are not headings.
_LEAD_IN = re.compile(
    r"^(?:we|you|they|it|this|these|our|your|if|when|where|please|the following)\b|\b(?:will|can|must|should|may|need)\b.*:$",
    re.IGNORECASE,
)
_SENTENCE_ENDED = re.compile(r"[.:!?][\"')\]]*$")


def is_list_item(line: str) -> bool:
    """Does a line start with a bullet or a list number ("- ", "\u2022 ", "2. ", "(a) ")?"""
    return bool(_LIST_ITEM.match(line))


def starts_list_item(block: Block) -> bool:
    """Does the block start an item of a list: its marker kept in its text (a text file's line),
    or taken off by the reader (``Block.list_item``: Markdown, HTML)?"""
    return block.list_item or is_list_item(block.text)


def _looks_like_heading(line: str, previous: str | None, after: bool) -> bool:
    if not after or len(line) > 70 or len(line.split()) > 8 or is_list_item(line):
        return False
    if _NOT_HEADING.search(line) or (line.endswith(":") and _LEAD_IN.search(line)):
        return False
    return previous is None or previous == "" or bool(_SENTENCE_ENDED.search(previous))


def read_text(path: str | os.PathLike[str]) -> Document:
    """Read a .txt file: one Block per non-blank line, headings found as the module says."""
    name = str(path)
    text = decode_text(read_bytes(path), name)
    lines = [normalize_whitespace(raw) for raw in split_lines(text)]
    blocks = []
    heading: str | None = None
    for index, line in enumerate(lines):
        if not line:
            continue
        previous = lines[index - 1] if index else None
        after = any(lines[index + 1 : index + 3])
        if _looks_like_heading(line, previous, after):
            heading = line
        blocks.append(Block(text=line, line=index + 1, heading=heading))
    return Document(path=name, format="text", blocks=blocks, comments=[])
