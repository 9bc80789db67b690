"""Document readers: text extraction with locations a person can find.

``read_document(path)`` reads a PDF, DOCX, plain text, Markdown or HTML file
into a :class:`Document` of :class:`Block` s; every failure is an
:class:`~codecheck.errors.InputError` naming the file.
"""

from .docx import read_docx
from .html import read_html
from .markdown import read_markdown
from .model import Block, Document, normalize_whitespace
from .pdf import read_pdf
from .readers import EXTENSIONS, format_for, read_document
from .textfile import read_text

__all__ = [
    "EXTENSIONS",
    "Block",
    "Document",
    "format_for",
    "normalize_whitespace",
    "read_docx",
    "read_document",
    "read_html",
    "read_markdown",
    "read_pdf",
    "read_text",
]
