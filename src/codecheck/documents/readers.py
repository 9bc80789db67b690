"""Pick the reader for a file by its extension; every failure is an InputError."""

from __future__ import annotations

import os
from collections.abc import Callable

from codecheck.errors import InputError

from .docx import read_docx
from .html import read_html
from .markdown import read_markdown
from .model import Document
from .pdf import read_pdf
from .textfile import read_text

EXTENSIONS: dict[str, str] = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}

READERS: dict[str, Callable[[str], Document]] = {
    "pdf": read_pdf,
    "docx": read_docx,
    "text": read_text,
    "markdown": read_markdown,
    "html": read_html,
}

_HINTS = {
    ".doc": "save it as .docx (Word Document) first",
    ".rtf": "save it as .docx or .txt first",
    ".odt": "save it as .docx first",
    ".dotx": "save it as .docx first",
    ".docm": "save it as .docx first",
}


def format_for(path: str | os.PathLike[str]) -> str | None:
    """The format name for a path's extension (case-insensitive), or None."""
    return EXTENSIONS.get(os.path.splitext(str(path))[1].lower())


def read_document(path: str | os.PathLike[str]) -> Document:
    """Read any supported file into a Document.

    Raises InputError (never anything else) for a missing file, a directory,
    an unsupported extension, or a file its reader cannot read.
    """
    name = str(path)
    if not os.path.exists(name):
        raise InputError(name, "does not exist")
    if os.path.isdir(name):
        raise InputError(name, "is a directory, not a file")
    if not os.path.isfile(name):
        raise InputError(name, "is not a regular file")
    fmt = format_for(name)
    if fmt is None:
        ext = os.path.splitext(name)[1].lower()
        known = ", ".join(sorted(EXTENSIONS))
        what = f"has an unsupported file type {ext!r}" if ext else "has no file extension"
        hint = f"; {_HINTS[ext]}" if ext in _HINTS else ""
        raise InputError(name, f"{what} (codecheck reads {known}){hint}")
    try:
        return READERS[fmt](name)
    except InputError:
        raise
    except OSError as exc:
        raise InputError(name, f"could not be opened: {exc.strerror or exc}") from None
    except RecursionError:
        raise InputError(name, f"could not be read as {fmt}: it is nested too deeply") from None
    except Exception as exc:  # a reader bug or a library surprise: never a traceback
        raise InputError(name, f"could not be read as {fmt}: {exc}") from None
