"""Markdown files: one block per non-blank source line, markup stripped for matching.

Headings ('#' and setext underlines) set `heading`; `<!-- ... -->` comments
(single or multi-line) go to `Document.comments`, not into the text.
Merge fields such as ``{{tenant_name}}`` and ``«TenantName»`` are kept as they are.
"""

from __future__ import annotations

import bisect
import html as _html
import os
import re

from .model import Block, Document, normalize_whitespace
from .textfile import decode_text, read_bytes, split_lines

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r" {0,3}(#{1,6})(?=[ \t]|$)")  # the title: see _atx_title
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_BOLD_HEADING = re.compile(r"^ {0,3}(?:\*\*|__)([^*_]{1,80}?)(?<![.!?;,])(?:\*\*|__)\s*:?\s*$")
"""A line that is all bold, short and not a sentence: a heading written in bold."""
_THEMATIC = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_QUOTE = re.compile(r"[ \t]*>[ \t]?")  # used with .match(line, pos)
_BULLET = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?")
_TABLE_CELL = re.compile(r"[ \t]*:?-+:?[ \t]*")  # one cell of a separator row: see _is_table_sep

# Inline patterns. Every one is linear: a bracket, quote or merge field that is
# never closed must not make each later opener rescan the rest of the line
# (100 KB of "[" used to take minutes), so openers are paired by the scanners
# below, which give the same matches as the plain regexes they replace.
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~<])")
# What may follow a link's "]": "(target "title")". The target and title stop at
# the next "]" or "(", so no two tails rescan the same text.
_LINK_TAIL = re.compile(
    r"\]\(\s*+<?([^)\s>\]]*+)>?(?:\s++(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?\s*+\)"
)
_REF_TAIL = re.compile(r"\]\[[^\]]*\]")
_AUTOLINK = re.compile(r"<(?:((?:https?|ftp|mailto):[^<>\s]++)|([^@<>\s]++@[^@<>\s]++))>")
# Only real HTML tag names: "<Tenant name>" style placeholders must survive.
_HTML_TAG = re.compile(
    r"</?(?:a|abbr|b|big|blockquote|br|center|code|del|details|div|em|font|hr|i|img|ins|kbd|"
    r"mark|p|pre|s|small|span|strike|strong|sub|summary|sup|table|tbody|td|th|thead|tr|u|ul|ol|li)"
    r"(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
# (opener, closer) of ~~x~~, **x**, __x__, *x*, _x_, in the order they are removed.
_EMPHASIS = (
    (re.compile(r"~~(?=\S)"), re.compile(r"(?<=\S)~~")),
    (re.compile(r"\*\*(?=\S)"), re.compile(r"(?<=\S)\*\*")),
    (re.compile(r"(?<!\w)__(?=\S)"), re.compile(r"(?<=\S)__(?!\w)")),
    (re.compile(r"\*(?=\S)"), re.compile(r"(?<=\S)\*")),
    (re.compile(r"(?<!\w)_(?=\S)"), re.compile(r"(?<=\S)_(?!\w)")),
)
_EMPHASIS_PASSES = 8  # nested emphasis deeper than this is left as it is
_MERGE_OPEN = re.compile(r"\{\{|\{%|\u00ab")
_MERGE_CLOSE = {"{{": "}}", "{%": "%}", "\u00ab": "\u00bb"}
_BACKTICKS = re.compile(r"`+")
_PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")
_PIPE = re.compile(r"(?<!\\)\|")


def _links(text: str, image: bool) -> str:
    """Replace `[text](target "title")` (`![...](...)` when image) by "text target"."""
    out: list[str] = []
    last = pos = 0
    opener = "![" if image else "["
    while (start := text.find(opener, pos)) >= 0:
        close = text.find("]", start + len(opener))
        if close < 0:
            break
        tail = _LINK_TAIL.match(text, close)
        if tail is None:
            pos = close + 1  # every opener before this "]" fails the same way
            continue
        out += (text[last:start], text[start + len(opener):close], " ", tail.group(1))
        last = pos = tail.end()
    out.append(text[last:])
    return "".join(out)


def _ref_links(text: str) -> str:
    """Replace `[text][ref]` by "text"."""
    out: list[str] = []
    last = pos = 0
    while (start := text.find("[", pos)) >= 0:
        close = text.find("]", start + 1)
        if close < 0:
            break
        tail = _REF_TAIL.match(text, close) if close > start + 1 else None
        if tail is None:
            pos = close + 1
            continue
        out += (text[last:start], text[start + 1:close])
        last = pos = tail.end()
    out.append(text[last:])
    return "".join(out)


def _pairs(text: str, opener: re.Pattern[str], closer: re.Pattern[str]) -> str:
    """Replace opener-text-closer (text non-empty, on one line) by the text.

    Same as `opener(.+?)closer` but linear: when an opener finds no closer
    later on its line, no later opener on that line can.
    """
    out: list[str] = []
    last = pos = 0
    size = len(text)
    while (found := opener.search(text, pos)) is not None:
        eol = text.find("\n", found.end())
        eol = size if eol < 0 else eol
        end = closer.search(text, found.end() + 1, eol) if found.end() < eol else None
        if end is None:
            pos = eol + 1
            if pos > size:
                break
            continue
        out += (text[last:found.start()], text[found.end():end.start()])
        last = pos = end.end()
    out.append(text[last:])
    return "".join(out)


def _merge_fields(text: str, protect) -> str:
    """Protect {{ ... }}, {% ... %} and « ... » (the first two on one line)."""
    out: list[str] = []
    last = pos = 0
    dead: dict[str, int] = {}  # opener -> position before which it cannot close
    size = len(text)
    while (found := _MERGE_OPEN.search(text, pos)) is not None:
        kind = found.group(0)
        if dead.get(kind, -1) > found.start():
            pos = found.start() + 1
            continue
        if kind == "\u00ab":
            end = text.find("\u00bb", found.end())
            limit = size + 1
        else:
            eol = text.find("\n", found.end())
            limit = size if eol < 0 else eol
            end = text.find(_MERGE_CLOSE[kind], found.end(), limit)
        if end < 0:
            dead[kind] = limit
            pos = found.start() + 1
            continue
        end += len(_MERGE_CLOSE[kind])
        out += (text[last:found.start()], protect(text[found.start():end]))
        last = pos = end
    out.append(text[last:])
    return "".join(out)


def _code_spans(line: str, protect) -> str:
    """Protect `code` spans: as `(`+)(.+?)\\1` on one line, without rescanning."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(line)]
    if len(runs) < 2 and not (runs and runs[0][1] - runs[0][0] >= 3):
        return line
    starts = [start for start, _ in runs]
    longest_after = [0] * (len(runs) + 1)  # longest run from run i on
    for i in range(len(runs) - 1, -1, -1):
        longest_after[i] = max(longest_after[i + 1], runs[i][1] - runs[i][0])

    def available(at: int) -> int:
        """Length of the longest backtick run (or tail of one) at or after `at`."""
        i = bisect.bisect_right(starts, at) - 1
        inside = runs[i][1] - at if i >= 0 and runs[i][1] > at else 0
        return max(inside, longest_after[i + 1])

    out: list[str] = []
    last = pos = 0
    size = len(line)
    while (tick := line.find("`", pos)) >= 0:
        run = _run_length(line, tick)
        found = None
        for length in range(run, 0, -1):
            if tick + 2 * length + 1 > size or available(tick + length + 1) < length:
                continue
            close = line.find("`" * length, tick + length + 1)
            if close >= 0:
                found = (length, close)
                break
        if found is None:
            pos = tick + 1
            continue
        length, close = found
        out += (line[last:tick], protect(line[tick + length:close].strip()))
        last = pos = close + length
    out.append(line[last:])
    return "".join(out)


def _run_length(text: str, at: int) -> int:
    match = _BACKTICKS.match(text, at)
    return match.end() - at if match else 0


def strip_inline(text: str) -> str:
    """Remove inline Markdown markup, keeping the words (and link targets)."""
    kept: list[str] = []

    def protect(value: str) -> str:
        kept.append(value)
        return f"\ue000{len(kept) - 1}\ue001"

    text = _ESCAPE.sub(lambda m: protect(m.group(1)), text)
    text = "\n".join(_code_spans(line, protect) for line in text.split("\n"))
    text = _merge_fields(text, protect)
    text = _links(text, image=True)
    text = _links(text, image=False)
    text = _ref_links(text)
    text = _AUTOLINK.sub(_autolink, text)
    text = _HTML_TAG.sub(" ", text)
    for opener, closer in _EMPHASIS:
        for _ in range(_EMPHASIS_PASSES):
            previous, text = text, _pairs(text, opener, closer)
            if text == previous:
                break
    text = _html.unescape(text)
    for _ in range(3):  # placeholders can nest (a merge field inside code)
        if "\ue000" not in text:
            break
        text = _PLACEHOLDER.sub(
            lambda m: kept[int(m.group(1))] if int(m.group(1)) < len(kept) else m.group(0), text
        )
    return text


def _autolink(match: re.Match[str]) -> str:
    if match.group(1) is not None:
        return match.group(1)
    domain = match.group(2).split("@", 1)[1]
    return match.group(2) if "." in domain[1:-1] else match.group(0)


def _is_table_sep(line: str) -> bool:
    """A pipe-table separator row such as `| --- | :-: |` (one pass, no backtracking)."""
    row = line.strip(" \t")
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|"):
        row = row[:-1]
    return all(_TABLE_CELL.fullmatch(cell) for cell in row.split("|"))


def _atx_title(line: str, match: re.Match[str]) -> str:
    """The title of an ATX heading, without its closing run of '#'."""
    title = line[match.end():].strip(" \t")
    bare = title.rstrip("#")
    if bare != title and bare[-1:] in (" ", "\t"):
        title = bare.rstrip(" \t")
    return title


def _table_lines(lines: list[str]) -> set[int]:
    """Indexes of lines that are rows of a pipe table (incl. separators)."""
    rows: set[int] = set()
    for i, line in enumerate(lines):
        if "|" in line and "-" in line and _is_table_sep(line):
            rows.add(i)
            if i > 0 and "|" in lines[i - 1]:
                rows.add(i - 1)
            j = i + 1
            while j < len(lines) and "|" in lines[j] and lines[j].strip():
                rows.add(j)
                j += 1
    return rows


def _cells(line: str) -> list[str]:
    """The cells of a pipe-table line, their inline markup stripped."""
    row = line.strip(" \t")
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return [normalize_whitespace(strip_inline(cell.replace("\\|", "|"))) for cell in re.split(r"(?<!\\)\|", row)]


def _table_heads(lines: list[str], tables: set[int]) -> dict[int, list[str]]:
    """For each body line of a pipe table: the cells of its header line (the line above the
    separator), when the header names its columns."""
    heads: dict[int, list[str]] = {}
    for i in sorted(tables):
        if _is_table_sep(lines[i]) and i - 1 in tables:
            header = _cells(lines[i - 1])
            if not any(header):
                continue
            j = i + 1
            while j in tables:
                heads[j] = header
                j += 1
    return heads


def _front_matter_end(lines: list[str]) -> int:
    """Index of the closing '---' of YAML front matter, or -1 when there is none."""
    if lines and lines[0].strip() == "---":
        for i in range(1, min(len(lines), 200)):
            if lines[i].strip() in ("---", "..."):
                return i
    return -1


def read_markdown(path: str | os.PathLike[str]) -> Document:
    """Read a Markdown file into line blocks with headings and comments."""
    name = str(path)
    lines = split_lines(decode_text(read_bytes(path), name))
    tables = _table_lines(lines)
    heads = _table_heads(lines, tables)
    front_matter = _front_matter_end(lines)
    blocks: list[Block] = []
    comments: list[Block] = []
    heading: str | None = None
    in_fence: str | None = None
    in_comment = False
    comment_parts: list[str] = []
    comment_line = 0
    previous_was_paragraph = False  # for setext headings

    for index, raw in enumerate(lines):
        number = index + 1
        is_item = False  # the line starts an item of a list ("- ", "1. ")
        if index <= front_matter:  # YAML front matter: plain "key: value" text
            if raw.strip() not in ("---", "...") and (text := normalize_whitespace(raw)):
                blocks.append(Block(text=text, line=number))
            continue
        if not in_comment:
            fence = _FENCE.match(raw)
            if in_fence is not None:
                if fence and fence.group(1)[0] == in_fence[0] and len(fence.group(1)) >= len(in_fence):
                    in_fence = None
                elif text := normalize_whitespace(raw):
                    blocks.append(Block(text=text, line=number, heading=heading))
                previous_was_paragraph = False
                continue
            if fence:
                in_fence = fence.group(1)
                previous_was_paragraph = False
                continue

        # Cut out <!-- comments -->, which may span lines.
        visible: list[str] = []
        pos = 0
        while True:
            if in_comment:
                end = raw.find("-->", pos)
                if end < 0:
                    comment_parts.append(raw[pos:])
                    break
                comment_parts.append(raw[pos:end])
                if text := normalize_whitespace(" ".join(comment_parts)):
                    comments.append(Block(text=text, line=comment_line, heading=heading))
                in_comment = False
                pos = end + 3
            else:
                start = raw.find("<!--", pos)
                if start < 0:
                    visible.append(raw[pos:])
                    break
                visible.append(raw[pos:start])
                in_comment, comment_line, comment_parts = True, number, []
                pos = start + 4
        line = "".join(visible)
        if not line.strip():
            previous_was_paragraph = False
            continue

        cells: tuple[tuple[str, str], ...] = ()
        if index in tables:
            if _is_table_sep(line):
                continue
            if index in heads:
                row = _cells(line)
                if len(row) == len(heads[index]):
                    cells = tuple(zip(row, heads[index]))
            line = _PIPE.sub(" ", line)
            previous_was_paragraph = False
        else:
            setext = _SETEXT.match(line)
            if setext and previous_was_paragraph and blocks and blocks[-1].line == number - 1:
                # "Title\n=====": the line above was a heading.
                title = blocks[-1].text
                blocks[-1] = Block(text=title, line=number - 1, heading=title)
                heading = title
                previous_was_paragraph = False
                continue
            if _THEMATIC.match(line):
                previous_was_paragraph = False
                continue
            bold = None if previous_was_paragraph else _BOLD_HEADING.match(line)
            if bold and (title := normalize_whitespace(strip_inline(bold.group(1)))):
                # "**Stage 2 - Review**" on a line of its own: a heading in all but markup, as
                # landlords' web pages write them (a plain-text file's "Stage one:" line counts too)
                heading = title
                blocks.append(Block(text=title, line=number, heading=title))
                previous_was_paragraph = False
                continue
            atx = _ATX.match(line)
            if atx:
                title = normalize_whitespace(strip_inline(_atx_title(line, atx)))
                if title:
                    heading = title
                    blocks.append(Block(text=title, line=number, heading=title))
                previous_was_paragraph = False
                continue
            pos = 0
            while True:  # strip "> " and "- " prefixes, by offset (no copy per prefix)
                quote = _QUOTE.match(line, pos)
                after_quote = quote.end() if quote else pos
                bullet = _BULLET.match(line, after_quote)
                after_bullet = bullet.end() if bullet else after_quote
                is_item = is_item or bullet is not None
                if after_bullet == pos:
                    break
                pos = after_bullet
            line = line[pos:]
            previous_was_paragraph = not is_item

        text = normalize_whitespace(strip_inline(line))
        if text:
            part = "table" if index in tables else "body"
            blocks.append(Block(text=text, line=number, heading=heading, part=part, cells=cells,
                                list_item=is_item and part == "body"))
        else:
            previous_was_paragraph = False

    if in_comment and (text := normalize_whitespace(" ".join(comment_parts))):
        comments.append(Block(text=text, line=comment_line, heading=heading))
    return Document(path=name, format="markdown", blocks=blocks, comments=comments)
