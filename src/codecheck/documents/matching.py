"""Text normalisation and matching for document rules.

A document is matched as one normalised text: its blocks joined with spaces,
so a phrase wrapped across lines, paragraphs or pages still matches, and a
match offset maps back to the :class:`Block` it starts in (for locations).

Normalising (:func:`normalize`): NFKC; lower case; curly quotes to straight;
every dash to "-"; soft hyphens and zero-width characters dropped; a word
hyphenated across a line break rejoined ("com-\\nplaint" -> "complaint"); every
run of whitespace (line, block and page breaks too) to one space.

Patterns (:func:`compile_pattern`) are Python regular expressions applied to
the normalised text, case-insensitively; a literal space in a pattern matches
any run of whitespace.

Amounts of time (:func:`find_amounts`): "10 working days", "ten (10) business
days", "twenty-five work days", "3 weeks" (= 15 working days), "a fortnight".
Only working/business/work days and weeks have a working-day value; plain
"days" and "calendar days" do not (they are not compared with the Code's
working-day limits).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterator

from .model import PARTS, Block, Document

# -- characters -------------------------------------------------------------------

_QUOTES = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc\uff07", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\uff02", '"'),
}
_DASHES = dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d", "-")
_DROP = dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", "")
_CHARS = str.maketrans({**_QUOTES, **_DASHES, **_DROP})
# Whitespace that str.split() does not treat as such after NFKC is rare; this is enough.
_LINE_HYPHEN = re.compile(r"(?<=[^\W\d_])-[ \t]*(?:\r\n|\r|\n)[ \t]*(?=[^\W\d_])")


def _lower(text: str) -> str:
    """Lower case that never changes the length (so offsets stay valid)."""
    out = text.lower()
    if len(out) == len(text):
        return out
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def clean(text: str) -> str:
    """Normalise one piece of text but keep its case (used for messages and placeholders)."""
    text = unicodedata.normalize("NFKC", text).translate(_CHARS)
    text = _LINE_HYPHEN.sub("", text)
    return " ".join(text.split())


def normalize(text: str) -> str:
    """The normalised form of `text` that patterns are matched against."""
    return _lower(clean(text))


# -- patterns ----------------------------------------------------------------------


def _spaces(pattern: str) -> str:
    """Make every literal space outside a character class match any whitespace run."""
    out: list[str] = []
    i, n, in_class = 0, len(pattern), False
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
            out.append(c)
        elif c == "[":
            in_class = True
            out.append(c)
            if i + 1 < n and pattern[i + 1] == "^":
                out.append("^")
                i += 1
            if i + 1 < n and pattern[i + 1] == "]":
                out.append("]")
                i += 1
        elif c == " ":
            quant = pattern[i + 1] if i + 1 < n else ""
            if quant in "?*":
                out.append(r"\s*")
                i += 1
            elif quant == "+":
                out.append(r"\s+")
                i += 1
            else:
                out.append(r"\s+")
        else:
            out.append(c)
        i += 1
    return "".join(out)


@lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a rule pattern for normalised text. Raises re.error if it is not a regex."""
    source = unicodedata.normalize("NFKC", pattern).translate(_CHARS)
    return re.compile(_spaces(source), re.IGNORECASE)


# -- numbers and amounts of time ------------------------------------------------------

_UNITS = {
    "zero": 0, "nought": 0, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_DIGIT_WORDS = "one|two|three|four|five|six|seven|eight|nine"
NUMBER = (
    r"(?:\d{1,3}"
    rf"|(?:{'|'.join(_TENS)})(?:[ -](?:{_DIGIT_WORDS}))?"
    rf"|{'|'.join(sorted((w for w in _UNITS if w not in ('a', 'an')), key=len, reverse=True))}"
    r"|an?)"
)


def parse_number(text: str) -> int | None:
    """'15' -> 15, 'fifteen' -> 15, 'twenty-five' / 'twenty five' -> 25, 'a' -> 1; else None."""
    words = normalize(text).replace("-", " ").split()
    if not words:
        return None
    if len(words) == 1 and words[0].isdigit():
        return int(words[0])
    if len(words) == 1:
        word = words[0]
        return _UNITS.get(word, _TENS.get(word))
    if len(words) == 2 and words[0] in _TENS and words[1] in _UNITS and 0 < _UNITS[words[1]] < 10:
        return _TENS[words[0]] + _UNITS[words[1]]
    return None


_AMOUNT = re.compile(
    rf"(?<![\w.£$-])(?P<num>{NUMBER})(?:\s*\(\s*(?P<digits>\d{{1,3}})\s*\))?"
    r"[\s-]+(?:(?:further|more|additional|extra|full|clear|complete|consecutive|calendar|"
    r"working|business|work|office)[\s-]+)*?"
    r"(?P<unit>(?:(?:working|business|work|office)[\s-]*days?|workdays?)"
    r"|calendar[\s-]+days?|days?|weeks?|wks?|fortnights?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Amount:
    """An amount of time stated in the text."""

    start: int
    end: int
    text: str
    number: int
    unit: str  # "working days" | "weeks" | "days" | "calendar days"
    working_days: int | None
    """The amount in working days, or None when it is not stated in working days or weeks."""


def find_amounts(text: str) -> list[Amount]:
    """Every amount of time in (normalised) `text`, in order."""
    out: list[Amount] = []
    for m in _AMOUNT.finditer(text):
        number = int(m.group("digits")) if m.group("digits") else parse_number(m.group("num"))
        if number is None:
            continue
        raw_unit = m.group("unit").lower()
        qualifiers = text[m.end("num") : m.start("unit")].lower()
        if raw_unit.startswith(("week", "wk")):
            unit, wd = "weeks", number * 5
        elif raw_unit.startswith("fortnight"):
            unit, wd = "weeks", number * 10
        elif raw_unit.startswith("calendar") or "calendar" in qualifiers:
            unit, wd = "calendar days", None
        elif raw_unit.startswith(("working", "business", "work", "office")) or re.search(
            r"\b(working|business|work)\b", qualifiers
        ):
            unit, wd = "working days", number
        else:
            unit, wd = "days", None
        out.append(Amount(m.start(), m.end(), m.group(0), number, unit, wd))
    return out


# -- the document as one text --------------------------------------------------------

# Words after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    "e.g i.e eg ie etc no nos tel ref mr mrs ms dr st p.o po approx incl inc a.m p.m am pm cf vs ext fig para paras "
    "sec co dept".split()
)
_SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*(?=\s|$)")


@dataclass(frozen=True)
class Hit:
    """A pattern match in a document's text."""

    start: int
    end: int
    text: str
    """The matched text, normalised but in its original case."""
    block: Block | None


@dataclass
class Text:
    """A document's text, normalised and joined, with a map back to its blocks."""

    text: str
    """Normalised (lower-case) text that patterns are matched against."""
    cased: str
    """The same text in its original case (same offsets)."""
    blocks: list[Block] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    breaks: list[int] = field(default_factory=list)
    """Offsets where a sentence must end (paragraph or heading boundaries)."""
    _sentences: list[tuple[int, int]] | None = field(default=None, repr=False)

    # -- building ----------------------------------------------------------------
    @classmethod
    def from_blocks(cls, blocks: list[Block], paragraphs: bool = False) -> Text:
        """Join blocks; `paragraphs` says each block is a whole paragraph (docx, html)."""
        cased_parts: list[str] = []
        starts: list[int] = []
        kept: list[Block] = []
        breaks: list[int] = []
        pos = 0
        previous: Block | None = None
        for block in blocks:
            piece = clean(block.text)
            if not piece:
                continue
            if cased_parts:
                hard = _hard_break(previous, block) or (paragraphs and not _same_table(previous, block))
                prev = cased_parts[-1]
                if not hard and len(prev) >= 2 and prev[-1] == "-" and prev[-2].isalpha():
                    if piece[0].isalpha() and piece[0].islower():
                        cased_parts[-1] = prev[:-1]  # "com-" + "plaint"
                        pos -= 1
                    joiner = ""
                else:
                    joiner = " "
                if hard:
                    breaks.append(pos)
                cased_parts.append(joiner)
                pos += len(joiner)
            starts.append(pos)
            kept.append(block)
            cased_parts.append(piece)
            pos += len(piece)
            previous = block
        cased = "".join(cased_parts)
        return cls(text=_lower(cased), cased=cased, blocks=kept, starts=starts, breaks=breaks)

    @classmethod
    def from_document(cls, document: Document) -> Text:
        blocks = [b for b in document.blocks if b.part in PARTS]
        return cls.from_blocks(blocks, paragraphs=document.format in ("docx", "html"))

    @classmethod
    def from_string(cls, text: str) -> Text:
        """A snippet: each line a block (with its line number); blank lines end paragraphs."""
        blocks = [
            Block(text=line, line=number)
            for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1)
            if line.strip()
        ]
        return cls.from_blocks(blocks)

    # -- lookups -------------------------------------------------------------------
    def block_at(self, offset: int) -> Block | None:
        if not self.blocks:
            return None
        i = bisect.bisect_right(self.starts, offset) - 1
        return self.blocks[max(i, 0)]

    def hit(self, start: int, end: int) -> Hit:
        return Hit(start, end, self.cased[start:end], self.block_at(start))

    def finditer(self, pattern: str, start: int = 0, end: int | None = None) -> Iterator[Hit]:
        regex = compile_pattern(pattern)
        end = len(self.text) if end is None else end
        for m in regex.finditer(self.text, start, end):
            if m.end() > m.start():
                yield self.hit(m.start(), m.end())

    def search(self, patterns: list[str] | tuple[str, ...], start: int = 0, end: int | None = None) -> Hit | None:
        """The earliest match of any of `patterns` in [start, end), or None."""
        best: Hit | None = None
        for pattern in patterns:
            for hit in self.finditer(pattern, start, end):
                if best is None or hit.start < best.start:
                    best = hit
                break
        return best

    # -- sentences -------------------------------------------------------------------
    @property
    def sentences(self) -> list[tuple[int, int]]:
        """(start, end) spans of the sentences, in order."""
        if self._sentences is None:
            self._sentences = split_sentences(self.text, self.breaks)
        return self._sentences

    def sentence_at(self, offset: int) -> tuple[int, int]:
        spans = self.sentences
        i = bisect.bisect_right([s for s, _ in spans], offset) - 1
        return spans[max(i, 0)] if spans else (0, len(self.text))


def _same_table(previous: Block | None, block: Block) -> bool:
    """Cells of one Word table (same paragraph number): read as one run of text, so
    "New response date" in one cell and "14 March" in the next are one sentence."""
    return (
        previous is not None
        and previous.part == block.part == "table"
        and previous.paragraph is not None
        and previous.paragraph == block.paragraph
    )


def _hard_break(previous: Block | None, block: Block) -> bool:
    """Does a sentence necessarily end between these two line blocks?"""
    if previous is None:
        return False
    if previous.part != block.part:
        return True
    if (previous.heading and previous.text == previous.heading) or (block.heading and block.text == block.heading):
        return True
    if previous.page == block.page and previous.line is not None and block.line is not None:
        # A blank line between them (text, Markdown) ends the paragraph; PDF line
        # numbers count only non-blank lines, so they never show a gap.
        return block.line > previous.line + 1 and previous.page is None
    return False


def split_sentences(text: str, breaks: list[int] | tuple[int, ...] = ()) -> list[tuple[int, int]]:
    """Sentence spans of normalised `text`; `breaks` are offsets where one must end."""
    cuts = set(breaks)
    for m in _SENTENCE_END.finditer(text):
        before = text[text.rfind(" ", 0, m.start()) + 1 : m.start()].lstrip("(\"'")
        if m.group(0).startswith(".") and len(m.group(0).rstrip("\"')]")) == 1:
            if before.lower() in _ABBREVIATIONS or (len(before) == 1 and before.isalpha()):
                continue
        cuts.add(m.end())
    spans: list[tuple[int, int]] = []
    start = 0
    for cut in sorted(cuts):
        if cut <= start:
            continue
        piece = text[start:cut]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append((start + lead, start + len(piece.rstrip())))
        start = cut
    tail = text[start:]
    if tail.strip():
        lead = len(tail) - len(tail.lstrip())
        spans.append((start + lead, start + len(tail.rstrip())))
    return spans


# -- a small per-document cache: every rule reads the same Text --------------------

_CACHE: dict[int, tuple[Document, tuple[int, ...], Text]] = {}
_CACHE_SIZE = 8


def _fingerprint(document: Document) -> tuple[int, ...]:
    return (id(document.blocks), len(document.blocks), *(id(b) for b in document.blocks[-1:]))


def document_text(document: Document) -> Text:
    """The document's :class:`Text`, built once per document and shared by its rules
    (built again if its blocks were changed since)."""
    key = id(document)
    cached = _CACHE.get(key)
    stamp = _fingerprint(document)
    if cached is not None and cached[0] is document and cached[1] == stamp:
        return cached[2]
    text = Text.from_document(document)
    if key not in _CACHE and len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = (document, stamp, text)
    return text
