"""Markdown files: one block per non-blank source line, markup stripped for matching.

Headings ('#' and setext underlines) set `heading`; `<!-- ... -->` comments
(single or multi-line) go to `Document.comments`, not into the text.
Merge fields such as ``{{tenant_name}}`` and ``«TenantName»`` are kept as they are.
"""

from __future__ import annotations

import html as _html
import os
import re

from .model import Block, Document, normalize_whitespace
from .textfile import decode_text, read_bytes, split_lines

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_THEMATIC = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_QUOTE = re.compile(r"^[ \t]*>[ \t]?")
_BULLET = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?")
_TABLE_SEP = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")

_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_MERGE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|«[^»]*»")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~<])")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
_LINK = re.compile(r"\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+|[^@<>\s]+@[^@<>\s]+\.[^@<>\s]+)>")
# Only real HTML tag names: "<Tenant name>" style placeholders must survive.
_HTML_TAG = re.compile(
    r"</?(?:a|abbr|b|big|blockquote|br|center|code|del|details|div|em|font|hr|i|img|ins|kbd|"
    r"mark|p|pre|s|small|span|strike|strong|sub|summary|sup|table|tbody|td|th|thead|tr|u|ul|ol|li)"
    r"(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
_EMPHASIS = (
    re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"),
    re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"),
    re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)"),
    re.compile(r"\*(?=\S)(.+?)(?<=\S)\*"),
    re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"),
)
_PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")
_PIPE = re.compile(r"(?<!\\)\|")


def strip_inline(text: str) -> str:
    """Remove inline Markdown markup, keeping the words (and link targets)."""
    kept: list[str] = []

    def protect(value: str) -> str:
        kept.append(value)
        return f"\ue000{len(kept) - 1}\ue001"

    text = _ESCAPE.sub(lambda m: protect(m.group(1)), text)
    text = _CODE_SPAN.sub(lambda m: protect(m.group(2).strip()), text)
    text = _MERGE.sub(lambda m: protect(m.group(0)), text)
    text = _IMAGE.sub(r"\1 \2", text)
    text = _LINK.sub(r"\1 \2", text)
    text = _REF_LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _HTML_TAG.sub(" ", text)
    for pattern in _EMPHASIS:
        previous = None
        while previous != text:
            previous, text = text, pattern.sub(r"\1", text)
    text = _html.unescape(text)
    for _ in range(3):  # placeholders can nest (a merge field inside code)
        if "\ue000" not in text:
            break
        text = _PLACEHOLDER.sub(
            lambda m: kept[int(m.group(1))] if int(m.group(1)) < len(kept) else m.group(0), text
        )
    return text


def _table_lines(lines: list[str]) -> set[int]:
    """Indexes of lines that are rows of a pipe table (incl. separators)."""
    rows: set[int] = set()
    for i, line in enumerate(lines):
        if "|" in line and "-" in line and _TABLE_SEP.match(line):
            rows.add(i)
            if i > 0 and "|" in lines[i - 1]:
                rows.add(i - 1)
            j = i + 1
            while j < len(lines) and "|" in lines[j] and lines[j].strip():
                rows.add(j)
                j += 1
    return rows


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

        if index in tables:
            if _TABLE_SEP.match(line):
                continue
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
            atx = _ATX.match(line)
            if atx:
                title = normalize_whitespace(strip_inline(atx.group(2) or ""))
                if title:
                    heading = title
                    blocks.append(Block(text=title, line=number, heading=title))
                previous_was_paragraph = False
                continue
            is_item = False
            while True:
                stripped = _QUOTE.sub("", line, count=1)
                bullet = _BULLET.sub("", stripped, count=1)
                is_item = is_item or bullet != stripped
                if bullet == line:
                    break
                line = bullet
            previous_was_paragraph = not is_item

        text = normalize_whitespace(strip_inline(line))
        if text:
            part = "table" if index in tables else "body"
            blocks.append(Block(text=text, line=number, heading=heading, part=part))
        else:
            previous_was_paragraph = False

    if in_comment and (text := normalize_whitespace(" ".join(comment_parts))):
        comments.append(Block(text=text, line=comment_line, heading=heading))
    return Document(path=name, format="markdown", blocks=blocks, comments=comments)
