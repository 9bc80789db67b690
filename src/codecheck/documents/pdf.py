"""PDF files, read with pypdfium2: one block per non-blank text line, with page and line.

Line numbers count the non-blank text lines of a page, top to bottom as the
PDF stores them, which is what a person counting lines on the page sees.
"""

from __future__ import annotations

import os

from codecheck.errors import InputError

from .model import Block, Document, normalize_whitespace

# pdfium error codes from FPDF_GetLastError (document loading)
_ERR_PASSWORD = 4
_ERR_SECURITY = 5

# pdfium marks a hyphen it thinks is a line-end soft hyphen with \x02 or U+FFFE.
_PDFIUM_MARKS = str.maketrans({"\x02": "-", "\ufffe": "-", "\x00": None})


def read_pdf(path: str | os.PathLike[str]) -> Document:
    """Read a PDF's text layer into line blocks."""
    import pypdfium2 as pdfium

    name = str(path)
    with open(name, "rb") as fh:
        data = fh.read()
    if not data:
        raise InputError(name, "is empty (0 bytes)")
    if b"%PDF-" not in data[:1024]:
        raise InputError(name, "is not a readable PDF: it does not start with a %PDF header")
    if b"%%EOF" not in data.rstrip(b"\x00 \t\r\n\x0c")[-4096:]:
        raise InputError(
            name, "is not a readable PDF: it is truncated (no %%EOF end marker; an incomplete download?)"
        )
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) in (_ERR_PASSWORD, _ERR_SECURITY):
            raise InputError(name, "is encrypted; codecheck needs an unencrypted PDF") from None
        raise InputError(name, f"is not a readable PDF: {exc}") from None

    blocks: list[Block] = []
    try:
        count = len(pdf)
        if count == 0:
            raise InputError(name, "is not a readable PDF: it has no pages")
        for page_number in range(1, count + 1):
            try:
                page = pdf[page_number - 1]
            except pdfium.PdfiumError as exc:
                raise InputError(name, f"is not a readable PDF: {exc}", f"page {page_number}") from None
            try:
                textpage = page.get_textpage()
                try:
                    text = textpage.get_text_range()
                finally:
                    textpage.close()
            except pdfium.PdfiumError as exc:
                raise InputError(name, f"is not a readable PDF: {exc}", f"page {page_number}") from None
            finally:
                page.close()
            line_number = 0
            for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
                line = normalize_whitespace(raw.translate(_PDFIUM_MARKS))
                if line:
                    line_number += 1
                    blocks.append(Block(text=line, page=page_number, line=line_number))
    finally:
        pdf.close()

    if not blocks:
        raise InputError(
            name, "has no text layer (a scanned image?); codecheck needs a PDF with text"
        )
    return Document(path=name, format="pdf", blocks=blocks, comments=[], pages=count)
