"""HTML files (letter and e-mail templates) read with the standard library parser.

Block-level tags break the text into blocks; each block carries the source
line where its text starts. Script, style and head content is not text;
`<!-- -->` comments go to `Document.comments` (Outlook conditional comments
such as `<!--[if mso]>` are markup, not author comments, and are dropped).
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from html.parser import HTMLParser

from codecheck.errors import InputError

from .model import Block, Document, names_columns, normalize_whitespace
from .textfile import decode_text, read_bytes

_SKIP = frozenset({"script", "style", "head", "title", "template"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "br", "caption", "center",
        "dd", "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure",
        "footer", "form", "header", "hr", "html", "li", "main", "nav", "ol", "option", "p",
        "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
    | _HEADINGS
)
# A "<" that cannot open markup is text; the parser would hand it over one
# character at a time (slowly), so it is stood in for by NUL first (decode_text
# refuses text with NULs, so none is there) and put back in data and comments.
_LONE_LT = re.compile(r"<(?![A-Za-z/!?])")
_LT_STAND_IN = "\x00"
# Markup left open (a comment, tag or quote never closed) makes the standard
# parser rescan the rest of the file from each such "<" when it closes: a few are
# a mistake in a template, but thousands in a large file would take hours. The
# parser may rescan this many characters in all (about a second at worst).
_MAX_RESCAN = 4_000_000
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


_MAX_SPAN = 1000
"""The largest rowspan or colspan read (HTML's own limit for colspan); larger is read as 1."""
_MAX_LAID_OUT = 20_000
"""Cells a table may lay out (spans included); a table past it is read without column headers."""


def _span(value: str | None) -> int:
    """A rowspan or colspan attribute as a browser reads it: a whole number from 1, else 1."""
    try:
        n = int((value or "").strip())
    except ValueError:
        return 1
    return n if 1 <= n <= _MAX_SPAN else 1


def _layout(spans: list[list[tuple[int, int]]], rows: int) -> "list[dict[int, tuple[int, int]]] | None":
    """Where each cell stands: for each row, column -> (row, cell) of the cell covering it, each
    cell placed in the first column its row has free (a cell spanning rows above takes its
    columns). None where the table would lay out more than _MAX_LAID_OUT cells."""
    layout: list[dict[int, tuple[int, int]]] = [{} for _ in range(rows)]
    laid = 0
    for r, row in enumerate(spans[:rows]):
        column = 0
        for k, (down, across) in enumerate(row):
            while column in layout[r]:
                column += 1
            down = min(down, rows - r)
            laid += down * across
            if laid > _MAX_LAID_OUT:
                return None
            for dr in range(down):
                for dc in range(across):
                    layout[r + dr][column + dc] = (r, k)
            column += across
    return layout


class _TooMuchOpenMarkup(Exception):
    pass


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rescanned = 0  # characters scanned in vain for the end of open markup
        self.blocks: list[Block] = []
        self.comments: list[Block] = []
        self.heading: str | None = None
        self._buf: list[str] = []
        self._line: int | None = None
        self._skip: dict[str, int] = {}
        self._in_heading = 0
        self._tables = 0
        self._pre = 0
        self._item_starts = False  # an <li> opened: its first block starts a list item
        # Open tables, innermost last: their rows, each a list of cells, each a list of the
        # indexes of its blocks; for a header row, whether its cells are <th>.
        self._grids: list[list[list[list[int]]]] = []
        self._header_cells: list[list[bool]] = []
        # For each open table, per row, each cell's (rowspan, colspan).
        self._spans: list[list[list[tuple[int, int]]]] = []

    # -- helpers ---------------------------------------------------------
    def _skipping(self) -> bool:
        return any(self._skip.values())

    def _flush(self) -> None:
        text = normalize_whitespace("".join(self._buf))
        if text:
            if self._in_heading:
                self.heading = text
            self.blocks.append(
                Block(
                    text=text,
                    line=self._line,
                    heading=self.heading,
                    part="table" if self._tables else "body",
                    list_item=self._item_starts,
                )
            )
            self._item_starts = False
            if self._grids and self._grids[-1] and self._grids[-1][-1]:
                self._grids[-1][-1][-1].append(len(self.blocks) - 1)  # in the open cell
        self._buf = []
        self._line = None

    def _add(self, text: str, line: int) -> None:
        if self._line is None:
            stripped = text.lstrip()
            if not stripped:
                return
            self._line = line + text[: len(text) - len(stripped)].count("\n")
        self._buf.append(text)

    # -- parser callbacks ------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self._skip.pop("head", None)  # <body> ends an unclosed <head>
        if tag in _SKIP:
            self._skip[tag] = self._skip.get(tag, 0) + 1
            return
        if tag in _BLOCK:
            self._flush()
        if tag == "li":
            self._item_starts = True
        if tag in _HEADINGS:
            self._in_heading += 1
        elif tag == "table":
            self._tables += 1
            self._grids.append([])
            self._header_cells.append([])
            self._spans.append([])
        elif tag == "tr" and self._grids:
            self._grids[-1].append([])
            self._spans[-1].append([])
            if len(self._grids[-1]) == 1:
                self._header_cells[-1] = []
        elif tag in ("td", "th") and self._grids:
            if not self._grids[-1]:
                self._grids[-1].append([])  # a cell with no <tr> before it
                self._spans[-1].append([])
            self._grids[-1][-1].append([])
            found = dict(attrs)
            self._spans[-1][-1].append((_span(found.get("rowspan")), _span(found.get("colspan"))))
            if len(self._grids[-1]) == 1:
                self._header_cells[-1].append(tag == "th")
        elif tag == "pre":
            self._pre += 1

    def _label_columns(self, grid: list[list[list[int]]], th: list[bool], spans: list[list[tuple[int, int]]]) -> None:
        """A table's data cells with their column headers (Block.cells: the whole row, each cell
        with its header), when its first row is a header row (all <th>, or no cell with a figure).
        Cells are laid out as a browser lays them out: a cell spanning rows (rowspan: a 'Stage 1'
        label beside its two timescales) stands in each row it spans, one spanning columns
        (colspan) once, under the header of its first column. A row that does not fill the
        header's columns is left unlabelled (not guessed)."""
        texts = [[" ".join(self.blocks[i].text for i in cell) for cell in row] for row in grid]
        if len(texts) < 2 or not texts[0] or not any(texts[0]):
            return
        if not (th and all(th)) and not names_columns(texts[0]):
            return
        layout = _layout(spans, len(grid))
        if layout is None:
            return
        header: dict[int, str] = {}
        for column, (r, k) in sorted(layout[0].items()):
            if r == 0:
                header.setdefault(column, texts[0][k])
        width = len(layout[0])
        if sorted(header) != list(range(width)):
            return
        for r in range(1, len(grid)):
            placed = layout[r] if r < len(layout) else {}
            if sorted(placed) != list(range(width)):
                continue
            labelled, last = [], None
            for column in range(width):
                source = placed[column]
                if source != last:  # a cell spanning columns: once, under its first column's header
                    labelled.append((texts[source[0]][source[1]], header[column]))
                last = source
            cells = tuple(labelled)
            for cell in grid[r]:
                for i in cell:
                    self.blocks[i] = replace(self.blocks[i], cells=cells)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK and tag not in _SKIP:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            if self._skip.get(tag):
                self._skip[tag] -= 1
            return
        if tag in _BLOCK:
            self._flush()
        if tag in _HEADINGS:
            self._in_heading = max(0, self._in_heading - 1)
        elif tag == "table":
            self._tables = max(0, self._tables - 1)
            if self._grids:
                self._label_columns(self._grids.pop(), self._header_cells.pop(), self._spans.pop())
        elif tag == "pre":
            self._pre = max(0, self._pre - 1)

    def handle_data(self, data: str) -> None:
        if self._skipping():
            return
        data = data.replace(_LT_STAND_IN, "<")
        line = self.getpos()[0]
        if not self._pre:
            self._add(data, line)
            return
        for offset, piece in enumerate(data.split("\n")):
            if offset:
                self._flush()
            self._add(piece, line + offset)

    def handle_comment(self, data: str) -> None:
        data = data.replace(_LT_STAND_IN, "<")
        if data.lstrip().startswith(("[if", "<![endif", "[endif")):
            return  # conditional comment for Outlook / old IE: markup, not a note
        text = normalize_whitespace(data)
        if text:
            self.comments.append(Block(text=text, line=self.getpos()[0], heading=self.heading))

    def close(self) -> None:
        super().close()
        self._flush()

    # -- bounded work on markup left open ----------------------------------
    def _counted(self, result: int, i: int) -> int:
        if result < 0:
            self.rescanned += len(self.rawdata) - i
            if self.rescanned > _MAX_RESCAN:
                raise _TooMuchOpenMarkup
        return result

    def parse_starttag(self, i: int) -> int:
        return self._counted(super().parse_starttag(i), i)

    def parse_endtag(self, i: int) -> int:
        return self._counted(super().parse_endtag(i), i)

    def parse_comment(self, i: int, report: int = 1) -> int:
        return self._counted(super().parse_comment(i, report), i)

    def parse_pi(self, i: int) -> int:
        return self._counted(super().parse_pi(i), i)

    def parse_html_declaration(self, i: int) -> int:
        return self._counted(super().parse_html_declaration(i), i)


def _fallback_encoding(data: bytes) -> str:
    match = _CHARSET.search(data[:4096])
    if match:
        name = match.group(1).decode("ascii", "replace").lower()
        if name not in ("utf-8", "utf8"):
            return name
    return "cp1252"


def read_html(path: str | os.PathLike[str]) -> Document:
    """Read an .html/.htm file into blocks of visible text."""
    name = str(path)
    data = read_bytes(path)
    text = decode_text(data, name, fallback=_fallback_encoding(data))
    parser = _Extractor()
    try:
        parser.feed(_LONE_LT.sub(_LT_STAND_IN, text.replace("\r\n", "\n").replace("\r", "\n")))
        parser.close()
    except _TooMuchOpenMarkup:
        raise InputError(
            name, "is not readable HTML: too many tags, comments or quotes are left open"
        ) from None
    except (AssertionError, ValueError) as exc:  # malformed markup the parser gives up on
        raise InputError(name, f"is not readable HTML: {exc}") from None
    return Document(path=name, format="html", blocks=parser.blocks, comments=parser.comments)
