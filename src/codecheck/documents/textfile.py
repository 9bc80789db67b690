"""Plain text files: one block per non-blank line, with its 1-based line number."""

from __future__ import annotations

import codecs
import os

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


def read_text(path: str | os.PathLike[str]) -> Document:
    """Read a .txt file: one Block per non-blank line."""
    name = str(path)
    text = decode_text(read_bytes(path), name)
    blocks = []
    for number, raw in enumerate(split_lines(text), start=1):
        line = normalize_whitespace(raw)
        if line:
            blocks.append(Block(text=line, line=number))
    return Document(path=name, format="text", blocks=blocks, comments=[])
