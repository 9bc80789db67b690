"""Word .docx files, read with python-docx's package layer and the body XML.

Body paragraphs and tables come in document order (tables stay in place);
headers and footers of every section are read once each; headings come from
paragraph styles named "Heading ..." or "Title"; comments come from the
comments part, anchored to the paragraph that holds their range start.

Paragraph numbers count every body paragraph, empty ones included, in
document order; a table takes one number (its position) and every cell of it
is reported as "table at paragraph N".
"""

from __future__ import annotations

import os
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any

from codecheck.errors import InputError

from .model import Block, Document, names_columns, normalize_whitespace

MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024  # bytes, all members together
MAX_RATIO = 100  # uncompressed / compressed, for a member ...
RATIO_MIN_SIZE = 10 * 1024 * 1024  # ... larger than this

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_RT_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
_RT_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"

_WORD_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
}


def _q(tag: str) -> str:
    return f"{{{_W}}}{tag}"


P, TBL, TR, TC, T = _q("p"), _q("tbl"), _q("tr"), _q("tc"), _q("t")
_SPACE_TAGS = {_q("tab"), _q("br"), _q("cr")}
_SKIP_TAGS = {_q("pPr"), _q("rPr"), _q("del"), _q("moveFrom"), _q("sectPr"), _MC_FALLBACK}
_WRAPPERS = {_q("sdt"), _q("customXml")}
_ANCHORS = (_q("commentRangeStart"), _q("commentReference"))


# -- zip checks -------------------------------------------------------------
def check_zip(path: str) -> None:
    """Refuse files that are not zips, are damaged, or look like zip bombs.

    Raises InputError with a message a person can act on.
    """
    with open(path, "rb") as fh:
        head = fh.read(8)
        if head.startswith(OLE2_MAGIC):
            fh.seek(0)
            data = fh.read(64 * 1024 * 1024)
            if "EncryptionInfo".encode("utf-16-le") in data:
                raise InputError(
                    path, "is encrypted (password-protected); codecheck needs an unencrypted .docx"
                )
            raise InputError(
                path,
                "is an old binary Word (.doc) file or an encrypted document, not a .docx; "
                "save it as .docx (Word Document) without a password",
            )
    if not head.startswith(b"PK"):
        raise InputError(path, "is not a Word document (.docx): it is not a zip file")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise InputError(path, f"is corrupt or truncated (damaged zip structure: {exc})") from None
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise InputError(
            path,
            f"refused: it would expand to {total / 1024 / 1024:.0f} MB "
            f"(limit {MAX_TOTAL_UNCOMPRESSED // 1024 // 1024} MB), which looks like a zip bomb",
        )
    for info in infos:
        if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise InputError(
                path,
                f"refused: member {info.filename!r} expands from {info.compress_size} bytes to "
                f"{info.file_size / 1024 / 1024:.0f} MB, which looks like a zip bomb",
            )


# -- XML walking --------------------------------------------------------------
def _xml(part: Any) -> Any:
    element = getattr(part, "element", None)
    if element is not None:
        return element
    from docx.oxml.parser import parse_xml  # safe parser: no entity resolution

    return parse_xml(part.blob)


def _children(element: Any) -> Iterator[Any]:
    """Block-level children, looking through content controls and custom XML."""
    for child in element:
        if child.tag in _WRAPPERS:
            content = child.find(_q("sdtContent")) if child.tag == _q("sdt") else child
            if content is not None:
                yield from _children(content)
        else:
            yield child


def paragraph_text(p: Any) -> str:
    """The visible text of a w:p (runs, hyperlinks, fields, inserted text, text boxes)."""
    out: list[str] = []

    def walk(element: Any) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP_TAGS:
                continue
            if tag == T:
                out.append(child.text or "")
            elif tag in _SPACE_TAGS:
                out.append(" ")
            elif tag == _q("noBreakHyphen"):
                out.append("-")
            elif tag == P:  # a paragraph in a text box inside this one
                out.append(" ")
                walk(child)
                out.append(" ")
            else:
                walk(child)

    walk(p)
    return normalize_whitespace("".join(out))


def _table_cells(tbl: Any, outer_row: int | None = None) -> Iterator[tuple[int, str]]:
    """(row, text) per cell, its paragraphs joined; rows count from 1 in each table,
    and a nested table's cells take the row of the cell they sit in."""
    for row, _, text in _table_cells_at(tbl, outer_row):
        yield row, text


def _table_cells_at(tbl: Any, outer_row: int | None = None) -> Iterator[tuple[int, int | None, str]]:
    """(row, column, text) per cell (:func:`_table_cells`); a nested table's cells have no column."""
    row = 0
    for tr in _children(tbl):
        if tr.tag != TR:
            continue
        row += 1
        column = -1
        for tc in _children(tr):
            if tc.tag != TC:
                continue
            column += 1
            texts: list[str] = []
            nested: list[Any] = []
            for child in _children(tc):
                if child.tag == P:
                    if text := paragraph_text(child):
                        texts.append(text)
                elif child.tag == TBL:
                    nested.append(child)
            if texts:
                yield (outer_row or row, None if outer_row else column, " ".join(texts))
            for inner in nested:
                for inner_row, _, text in _table_cells_at(inner, outer_row or row):
                    yield inner_row, None, text


def _style_names(main_part: Any) -> dict[str, str]:
    names: dict[str, str] = {}
    for rel in main_part.rels.values():
        if rel.reltype == _RT_STYLES and not rel.is_external:
            for style in _xml(rel.target_part).iter(_q("style")):
                style_id = style.get(_q("styleId"))
                name = style.find(_q("name"))
                if style_id and name is not None and name.get(_q("val")):
                    names[style_id] = name.get(_q("val"))
    return names


def _is_heading(p: Any, styles: dict[str, str]) -> bool:
    ppr = p.find(_q("pPr"))
    pstyle = ppr.find(_q("pStyle")) if ppr is not None else None
    if pstyle is None:
        return False
    style_id = pstyle.get(_q("val")) or ""
    name = styles.get(style_id, style_id).lower()
    return name.startswith("heading") or name == "title"


# -- reader -------------------------------------------------------------------
def _open_main_part(name: str) -> Any:
    from docx.opc.exceptions import PackageNotFoundError
    from docx.package import Package

    try:
        package = Package.open(name)
        main = package.main_document_part
    except PackageNotFoundError:
        raise InputError(name, "is not a Word document (.docx)") from None
    except KeyError as exc:
        raise InputError(name, f"is not a Word document: a required part is missing ({exc})") from None
    content_type = main.content_type
    if content_type not in _WORD_TYPES:
        kind = (
            "an Excel workbook" if "spreadsheetml" in content_type or "ms-excel" in content_type
            else "a PowerPoint file" if "presentationml" in content_type or "powerpoint" in content_type
            else f"content type {content_type!r}"
        )
        raise InputError(name, f"is not a Word document (it contains {kind})")
    return main


def read_docx(path: str | os.PathLike[str]) -> Document:
    """Read a .docx file: body and table text in order, headers, footers, comments."""
    name = str(path)
    if os.path.getsize(name) == 0:
        raise InputError(name, "is empty (0 bytes)")
    check_zip(name)
    try:
        from lxml.etree import XMLSyntaxError
    except ImportError:  # pragma: no cover - lxml is a python-docx dependency
        XMLSyntaxError = SyntaxError  # type: ignore[misc,assignment]
    try:
        return _read(name)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise InputError(name, f"is corrupt or truncated ({exc})") from None
    except XMLSyntaxError as exc:
        raise InputError(name, f"is corrupt: its XML cannot be parsed ({exc})") from None


def _read(name: str) -> Document:
    main = _open_main_part(name)
    root = _xml(main)
    body = root.find(_q("body"))
    if body is None:
        raise InputError(name, "is not a Word document (it has no document body)")
    styles = _style_names(main)
    anchors: dict[str, tuple[int | None, str, str | None]] = {}

    def note_anchors(element: Any, where: tuple[int | None, str, str | None]) -> None:
        for tag in _ANCHORS:
            for mark in element.iter(tag):
                cid = mark.get(_q("id"))
                if cid is not None:
                    anchors.setdefault(cid, where)

    # Body, in document order.
    body_blocks: list[Block] = []
    heading: str | None = None
    number = 0
    for child in _children(body):
        if child.tag == P:
            number += 1
            text = paragraph_text(child)
            if text and _is_heading(child, styles):
                heading = text
            note_anchors(child, (number, "body", heading))
            if text:
                body_blocks.append(Block(text=text, paragraph=number, heading=heading))
        elif child.tag == TBL:
            number += 1
            note_anchors(child, (number, "table", heading))
            found = list(_table_cells_at(child))
            # the first row names the columns when none of its cells holds a number ("Stage",
            # "Acknowledge", "Full response"): each later cell is read with its column's name
            header = {column: text for row, column, text in found if row == 1 and column is not None}
            if not names_columns(list(header.values())):
                header = {}
            for row, column, text in found:
                head = header.get(column) if row > 1 and column is not None else None
                body_blocks.append(Block(text=text, paragraph=number, heading=heading, part="table", row=row,
                                         cells=((text, head),) if head else ()))

    # Headers and footers of every section, each part and each line once.
    edges: dict[str, list[Block]] = {"header": [], "footer": []}
    seen_parts: set[str] = set()
    seen_text: set[tuple[str, str]] = set()
    for sect in body.iter(_q("sectPr")):
        for ref in sect:
            if ref.tag == _q("headerReference"):
                kind = "header"
            elif ref.tag == _q("footerReference"):
                kind = "footer"
            else:
                continue
            rel = main.rels.get(ref.get(_R_ID))
            if rel is None or rel.is_external:
                continue
            part = rel.target_part
            if str(part.partname) in seen_parts:
                continue
            seen_parts.add(str(part.partname))
            part_root = _xml(part)
            note_anchors(part_root, (None, kind, None))
            texts: list[str] = []
            for child in _children(part_root):
                if child.tag == P:
                    texts.append(paragraph_text(child))
                elif child.tag == TBL:
                    texts.extend(text for _, text in _table_cells(child))
            for text in texts:
                if text and (kind, text) not in seen_text:
                    seen_text.add((kind, text))
                    edges[kind].append(Block(text=text, part=kind))

    # Comments (word/comments.xml or wherever the relationship points).
    comments: list[Block] = []
    for rel in main.rels.values():
        if rel.reltype != _RT_COMMENTS or rel.is_external:
            continue
        for comment in _xml(rel.target_part).iter(_q("comment")):
            text = normalize_whitespace(
                " ".join(paragraph_text(p) for p in _children(comment) if p.tag == P)
            )
            if not text:
                continue
            para, part_kind, under = anchors.get(comment.get(_q("id")), (None, "body", None))
            comments.append(Block(text=text, paragraph=para, heading=under, part=part_kind))

    return Document(
        path=name,
        format="docx",
        blocks=edges["header"] + body_blocks + edges["footer"],
        comments=comments,
    )
