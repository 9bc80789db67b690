"""Text normalisation and matching for document rules.

A document is matched as one normalised text: its blocks joined with spaces,
so a phrase wrapped across lines, paragraphs or pages still matches, and a
match offset maps back to the :class:`Block` it starts in (for locations).

Sentences (:attr:`Text.sentences`) end at ". ! ?" (not after abbreviations),
at headings, at blank lines (text, Markdown), at each paragraph (docx, html),
and at the end of each table row: a Markdown pipe-table line, a Word table row
(the reader's ``row`` when a block has one, otherwise found from the first
column, see :func:`_table_row_starts`), an HTML table cell.

Page furniture (:func:`_page_furniture`): in a paged document (PDF) the lines
that repeat at the top or bottom of most pages (a changing page number allowed)
and bare page-number lines ("3", "Page 3 of 12", "... - page 3") are left out
of the running text, so a sentence that runs over a page break joins up. A
running header or footer is added once, as its own paragraph, at the end (a
rule can still find what it says), after a line break so that ``.`` in a
pattern does not join it to the text before it; bare page numbers are dropped.
The blocks themselves, and so the locations, are unchanged.

Normalising (:func:`normalize`): NFKC; lower case; curly quotes to straight;
every dash to "-"; soft hyphens and zero-width characters dropped; a word
hyphenated across a line break rejoined ("com-\\nplaint" -> "complaint"); every
run of whitespace (line, block and page breaks too) to one space.

Patterns (:func:`compile_pattern`) are Python regular expressions applied to
the normalised text, case-insensitively; a literal space in a pattern matches
any run of whitespace. A search limited to a span (a sentence) matches within
that span's text alone: ``^`` and ``$`` anchor at its start and end, and
lookbehinds and ``\\b`` cannot see the text around it.

Every pattern is compiled once, when its pack is loaded (:func:`compile_matcher`,
:func:`compile_set`), and each document is normalised, joined and split into
sentences once, whatever number of rules read it (:func:`document_text`). A search
finds exactly what the pattern's regular expression finds; on a long text it tries the
pattern only where one of its literal prefixes starts (see "compiled once: matchers").

Amounts of time (:func:`find_amounts`): "10 working days", "ten (10) business
days", "twenty-five work days", "3 weeks" (= 15 working days), "a fortnight".
Only working/business/work days and weeks have a working-day value; plain
"days" and "calendar days" do not (they are not compared with the Code's
working-day limits).
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterator

from . import compiled
from .model import PARTS, Block, Document
from .textfile import starts_list_item

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


def _source(pattern: str) -> str:
    """A rule pattern as the regular expression that is compiled (case aside)."""
    return _spaces(unicodedata.normalize("NFKC", pattern).translate(_CHARS))


@lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a rule pattern for normalised text. Raises re.error if it is not a regex."""
    return re.compile(_source(pattern), re.IGNORECASE)


# -- compiled once: matchers ------------------------------------------------------------
#
# A search gives exactly what ``compile_pattern(p)`` (case-insensitive) finds in the same
# text; three things only make it cheaper:
#
# - On plain text (:func:`_is_plain`: lower case, as normalised text is, and without the
#   dotless i and the long s, which match "i" and "s" case-insensitively) a copy of the
#   pattern compiled without IGNORECASE (:func:`_compile_plain`), its ASCII letters
#   lower-cased, finds the same matches about twice as fast.
# - Every match of most patterns starts with one of a few literal strings, its prefixes
#   (:func:`_prefixes`: "acknowledg", "stage 1" or "stage one"). In a long text the
#   prefixes are looked up with str.find and the pattern is tried only where one starts
#   (:meth:`Text._candidates`), not at every character. The prefixes take whitespace to
#   be one space or line break and \d to be 0-9, so this is done only in a text where
#   that is so (normalised text, unless it has other digits).
# - A list of patterns searched as a whole (the earliest match of any, the first listed
#   on a tie; or whether any matches) is searched as one alternation ``(?:p1)|(?:p2)``
#   when the patterns cannot be looked up by prefixes and joining them cannot change what
#   is found (:func:`_joinable`: none can match empty text, none has a backreference,
#   named groups or flags of its own): at the leftmost position where any of them
#   matches, the alternation takes the first listed that matches there.
#
# The parser and compiler behind `re` are private modules: should they change, a pattern
# that cannot be read is searched by its regular expression alone, as before.

try:
    from re import _compiler as _sre_compiler
    from re import _constants as _sre
    from re import _parser as _sre_parser
except ImportError:  # pragma: no cover
    _sre = _sre_parser = _sre_compiler = None

try:
    from _sre import unicode_iscased as _iscased
except ImportError:  # pragma: no cover

    def _iscased(code: int) -> bool:
        return True


_WS = "\x00"  # in a prefix: one whitespace character (a space or a line break)
_PREFIX_SET = 256  # at most this many prefixes for one pattern (else they are cut shorter)
_PREFIX_SHORTEST = 4  # prefixes are not cut shorter than this to keep them few
_PREFIX_CLASS = 16  # a character class of at most this many characters is expanded
_FLAGS_OK = re.IGNORECASE | re.UNICODE  # patterns with other (inline) flags are left alone


def _is_plain(text: str) -> bool:
    """Does case-insensitive matching of ASCII letters come down to exact matching in
    `text`? (True of normalised text unless it has a dotless i or a long s.)"""
    return text == text.lower() and "\u0131" not in text and "\u017f" not in text


def _tree(source: str):
    """The parsed pattern, or None when it has flags of its own or cannot be parsed."""
    if _sre_parser is None:
        return None
    try:
        tree = _sre_parser.parse(source, re.IGNORECASE)
    except Exception:  # noqa: BLE001 - not a pattern we can read: no speed-up
        return None
    return tree if not tree.state.flags & ~_FLAGS_OK else None


def _exact(code: int) -> bool:
    """Does the character match the same with and without IGNORECASE in plain text? ASCII
    (lower-cased) does, and so does a character without case: no other character
    case-folds to one of those."""
    return code < 128 or not _iscased(code)


def _fold_set(items: list) -> list | None:
    """A character class for plain text: ASCII members lower-cased, categories kept."""
    negate, chars, categories = False, set(), []
    for op, av in items:
        if op is _sre.NEGATE:
            negate = True
        elif op is _sre.LITERAL and _exact(av):
            chars.add(ord(chr(av).lower()))
        elif op is _sre.RANGE and av[1] < 128:
            chars.update(ord(chr(c).lower()) for c in range(av[0], av[1] + 1))
        elif op is _sre.CATEGORY:
            categories.append((op, av))
        else:
            return None
    members: list = []
    for _, run in itertools.groupby(enumerate(sorted(chars)), lambda item: item[1] - item[0]):
        codes = [code for _, code in run]
        if len(codes) > 2:
            members.append((_sre.RANGE, (codes[0], codes[-1])))
        else:
            members += [(_sre.LITERAL, code) for code in codes]
    return [(_sre.NEGATE, None)] * negate + members + categories


def _fold(items: list) -> list | None:
    """The parsed items for plain text (None if some item is not one we can carry over)."""
    out: list = []
    for op, av in items:
        if op is _sre.LITERAL or op is _sre.NOT_LITERAL:
            if not _exact(av):
                return None
            out.append((op, ord(chr(av).lower())))
        elif op is _sre.IN:
            folded = _fold_set(av)
            if folded is None:
                return None
            out.append((op, folded))
        elif op is _sre.ANY or op is _sre.AT:
            out.append((op, av))
        elif op is _sre.BRANCH:
            alternatives = [_fold(alt.data) for alt in av[1]]
            if any(alt is None for alt in alternatives):
                return None
            out.append((op, (av[0], [_sre_parser.SubPattern(a.state, d) for a, d in zip(av[1], alternatives)])))
        elif op is _sre.SUBPATTERN:
            group, add, remove, sub = av
            inner = _fold(sub.data)
            if add or remove or inner is None:
                return None
            out.append((op, (group, add, remove, _sre_parser.SubPattern(sub.state, inner))))
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
            lo, hi, sub = av
            inner = _fold(sub.data)
            if inner is None:
                return None
            out.append((op, (lo, hi, _sre_parser.SubPattern(sub.state, inner))))
        elif op is _sre.ASSERT or op is _sre.ASSERT_NOT:
            direction, sub = av
            inner = _fold(sub.data)
            if inner is None:
                return None
            out.append((op, (direction, _sre_parser.SubPattern(sub.state, inner))))
        elif op is _sre.ATOMIC_GROUP:
            inner = _fold(av.data)
            if inner is None:
                return None
            out.append((op, _sre_parser.SubPattern(av.state, inner)))
        else:  # backreferences, conditionals: keep the case-insensitive pattern
            return None
    return out


def _compile_plain(tree) -> re.Pattern[str] | None:
    """A parsed pattern (:func:`_tree`) compiled without IGNORECASE for plain text
    (:func:`_is_plain`): the same matches there as the pattern compiled with it. None if
    not possible. (Changes the tree's flags: parse it afresh for anything else.)"""
    args = _plain_args(tree)
    return compiled.from_args(args) if args is not None else None


def _plain_args(tree) -> "compiled.Args | None":
    """:func:`_compile_plain`'s pattern as the data that compiles it (kept in the cache)."""
    if tree is None:
        return None
    try:
        folded = _fold(tree.data)
        if folded is None:
            return None
        plain = _sre_parser.SubPattern(tree.state, folded)
        tree.state.flags &= ~re.IGNORECASE
        args = compiled.compile_args(plain, 0)
        compiled.from_args(args)  # raises here, not in a search, if the private compiler changed
        return args
    except Exception:  # noqa: BLE001 - the private compiler changed: no speed-up
        return None


def _node_prefixes(op, av) -> set[tuple[str, bool]]:
    """What one parsed item can start with: (text, open), open when what follows the
    item continues the text. ("", False) when it can start with anything."""
    stop = {("", False)}
    if op is _sre.LITERAL:
        char = chr(av)
        return {(char.lower(), True)} if _exact(av) and char.isprintable() else stop
    if op is _sre.AT or op is _sre.ASSERT or op is _sre.ASSERT_NOT:
        return {("", True)}  # takes up no text
    if op is _sre.SUBPATTERN:
        return stop if av[1] or av[2] else _seq_prefixes(av[3].data)
    if op is _sre.ATOMIC_GROUP:
        return _seq_prefixes(av.data)
    if op is _sre.BRANCH:
        out: set[tuple[str, bool]] = set()
        for alternative in av[1]:
            out |= _seq_prefixes(alternative.data)
        return out if len(out) <= _PREFIX_SET else _shorten(out) or stop
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
        lo, hi, sub = av
        if hi == 0:
            return {("", True)}
        if sub.data == [(_sre.IN, [(_sre.CATEGORY, _sre.CATEGORY_SPACE)])]:
            # whitespace runs are one character long in the texts this is used on
            return ({(_WS, True)} | ({("", True)} if lo == 0 else set())) if lo <= 1 else stop
        inner = _seq_prefixes(sub.data)
        if hi != 1:
            inner = {(text, False) for text, _ in inner}
        return inner | {("", True)} if lo == 0 else inner
    if op is _sre.IN:
        if av == [(_sre.CATEGORY, _sre.CATEGORY_SPACE)]:
            return {(_WS, True)}
        if av == [(_sre.CATEGORY, _sre.CATEGORY_DIGIT)]:
            return {(d, True) for d in "0123456789"}
        chars: set[str] = set()
        for item, value in av:
            if item is _sre.LITERAL:
                chars.add(chr(value))
            elif item is _sre.RANGE and value[1] - value[0] < _PREFIX_CLASS:
                chars.update(map(chr, range(value[0], value[1] + 1)))
            else:
                return stop
        if len(chars) > _PREFIX_CLASS or not all(_exact(ord(c)) and c.isprintable() for c in chars):
            return stop
        return {(c.lower(), True) for c in chars}
    return stop


def _seq_prefixes(items: list) -> set[tuple[str, bool]]:
    current = {("", True)}
    for op, av in items:
        growing = sum(open_ for _, open_ in current)
        if not growing:
            break
        options = _node_prefixes(op, av)
        if growing * len(options) > _PREFIX_SET:
            if current != {("", True)}:
                return {(text, False) for text, _ in current}  # enough: the prefixes end here
            options = _shorten(options) or {("", False)}
        following: set[tuple[str, bool]] = set()
        for text, open_ in current:
            if open_:
                following.update((text + more, still) for more, still in options)
            else:
                following.add((text, False))
        current = following
    return current


def _shorten(options: set[tuple[str, bool]]) -> set[tuple[str, bool]] | None:
    """At most `_PREFIX_SET` options, each cut to the longest length that allows it (the
    start of a prefix is still a prefix; a cut one is no longer open), but not shorter
    than `_PREFIX_SHORTEST`: None if that is not enough."""

    def cut(n: int) -> set[tuple[str, bool]]:
        return {(text[:n], open_ and len(text) <= n) for text, open_ in options}

    lo, hi = _PREFIX_SHORTEST, max(len(text) for text, _ in options)
    if len(cut(lo)) > _PREFIX_SET:
        return None
    while lo < hi:  # the longest cut that is few enough
        mid = (lo + hi + 1) // 2
        if len(cut(mid)) <= _PREFIX_SET:
            lo = mid
        else:
            hi = mid - 1
    return cut(lo)


def _prefixes(tree) -> tuple[str, ...] | None:
    """Strings (lower case; `_WS` for one whitespace character) one of which starts
    every match of the parsed pattern, or None when a match can start with anything."""
    if tree is None:
        return None
    try:
        found = {text for text, _ in _seq_prefixes(tree.data)}
    except Exception:  # noqa: BLE001 - a parse tree we do not know: no speed-up
        return None
    if not found or "" in found:
        return None
    return _minimal(found)


def _minimal(prefixes: set[str]) -> tuple[str, ...]:
    """The prefixes without those that start with another (which finds them too)."""
    kept: list[str] = []
    for text in sorted(prefixes):  # a string sorts after its prefix and anything between them
        if not kept or not text.startswith(kept[-1]):
            kept.append(text)
    return tuple(kept)


_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")
_UNKNOWN = object()  # not worked out yet


def _joinable(tree) -> bool:
    """Can the parsed pattern be one alternative of an alternation without changing what
    it finds? Not if it can match empty text, has flags or named groups of its own, or
    refers back to a group (which joining would renumber)."""
    if tree is None or tree.state.groupdict:
        return False
    try:
        if tree.getwidth()[0] == 0:
            return False
    except Exception:  # noqa: BLE001
        return False
    refs = (_sre.GROUPREF, _sre.GROUPREF_EXISTS)

    def refers(value) -> bool:
        if isinstance(value, _sre_parser.SubPattern):
            return any(op in refs or refers(av) for op, av in value.data)
        if isinstance(value, (tuple, list)):
            return any(refers(v) for v in value)
        return False

    return not refers(tree)


class Matcher:
    """One pattern (or an alternation of several) compiled once, with what makes
    searching a long text cheap. It finds exactly the matches of the pattern compiled
    by :func:`compile_pattern`.

    Only what a search needs is built: on normalised (plain) text the plain copy alone is
    compiled; the case-insensitive pattern and the prefixes are built the first time a
    text needs them (one that is not plain; one long enough to look prefixes up in). A
    letter of a page is checked with one compiled pattern a rule pattern, not two and a
    prefix analysis: the start-up time a pre-commit hook pays (issue 13)."""

    def __init__(
        self,
        source: str,
        regex: re.Pattern[str] | None,
        plain: re.Pattern[str] | None,
        prefixes: tuple[str, ...] | None | object = _UNKNOWN,
        joinable: bool = False,
    ):
        self.source = source
        self._regex = regex
        self.plain = plain
        """The same matches on plain text (:func:`_is_plain`), without IGNORECASE."""
        self._prefixes = prefixes
        self._parts: tuple[Matcher, ...] = ()
        self.joinable = joinable
        """Can it be one alternative of an alternation (:func:`_joinable`)?"""

    @property
    def regex(self) -> re.Pattern[str]:
        """The pattern compiled case-insensitively, as :func:`compile_pattern`."""
        if self._regex is None:
            self._regex = re.compile(self.source, re.IGNORECASE)
        return self._regex

    @property
    def prefixes(self) -> tuple[str, ...] | None:
        """Every match starts with one of these (see :func:`_prefixes`); None: anything."""
        if self._prefixes is _UNKNOWN:
            if self._parts:  # an alternation (:func:`_join`): a match of it is a match of one of its parts
                each = [m.prefixes for m in self._parts]
                self._prefixes = None if any(p is None for p in each) else _minimal({p for ps in each for p in ps})  # type: ignore[union-attr]
            else:
                self._prefixes = _cached_prefixes(self.source)
        return self._prefixes  # type: ignore[return-value]

    def pick(self, plain: bool) -> re.Pattern[str]:
        return self.plain if plain and self.plain is not None else self.regex

    def search_in(self, string: str) -> bool:
        """Does it match anywhere in `string` (normalised text)?"""
        return self.pick(_is_plain(string)).search(string) is not None


def _cached_prefixes(source: str) -> tuple[str, ...] | None:
    """:func:`_prefixes` of a pattern source, kept between runs (:mod:`.compiled`)."""
    # parsed afresh: _compile_plain changed the first tree
    return compiled.store().remembered(("prefixes", source), lambda: _prefixes(_tree(source)))


@lru_cache(maxsize=4096)
def compile_matcher(pattern: str) -> Matcher:
    """A rule pattern as a :class:`Matcher`. Raises re.error if it is not a regex.

    What compiling works out is kept between runs (:mod:`.compiled`), keyed by the pattern's
    source: a shipped pattern is compiled once per machine, then rebuilt from its code."""
    source = _source(pattern)
    if not compiled.available():
        return _matcher(source, *_compiled_parts(pattern, source))
    return compiled.store().remembered(source, lambda: _compiled_parts(pattern, source),
                                       lambda parts: _matcher(source, *parts))


def _compiled_parts(pattern: str, source: str) -> tuple:
    """(joinable, the plain copy's compile data, the case-insensitive pattern's) of a pattern."""
    tree = _tree(source)
    joinable = _joinable(tree) and not _GLOBAL_FLAGS.match(source)
    plain_args = _plain_args(tree)  # (changes the tree)
    # Without a plain copy (a pattern we cannot read, or that does not fold) the case-insensitive
    # pattern is compiled now: it is the one every search uses, and it raises re.error for a
    # pattern that is not a regular expression.
    regex_args = None
    if plain_args is None:
        regex_args = compiled.compile_args(source, re.IGNORECASE) if compiled.available() else compile_pattern(pattern)
    return joinable, plain_args, regex_args


def _matcher(source: str, joinable: bool, plain_args, regex_args) -> Matcher:
    plain = compiled.from_args(plain_args) if plain_args is not None else None
    regex = regex_args if isinstance(regex_args, re.Pattern) else (
        compiled.from_args(regex_args) if regex_args is not None else None)
    if plain is None and regex is None:
        raise ValueError("nothing to search with")  # a damaged cache entry: compiled afresh
    return Matcher(source, regex, plain, _UNKNOWN, bool(joinable))


def _join(matchers: tuple[Matcher, ...]) -> Matcher | None:
    """One alternation ``(?:p1)|(?:p2)|...`` of joinable patterns (None if it will not
    compile). A match of it is a match of one of them, so it starts with one of their
    prefixes."""
    source = "|".join(f"(?:{m.source})" for m in matchers)

    def plain_args() -> "compiled.Args | None | bool":
        tree = _tree(source)
        return False if tree is None else _plain_args(tree)  # False: the alternation cannot be read

    plain = compiled.store().remembered(("joined", source), plain_args,
                                        lambda args: args if args is False or args is None else compiled.from_args(args))
    if plain is False:
        return None
    joined = Matcher(source, None, plain)
    joined._parts = matchers
    return joined


class PatternSet:
    """A list of rule patterns compiled once: each as a :class:`Matcher`, and (when first
    needed, see :attr:`joined`) all of them as one alternation."""

    def __init__(self, patterns: tuple[str, ...]):
        self.patterns = patterns
        self.matchers = tuple(compile_matcher(p) for p in patterns)
        if len(self.matchers) == 1:
            self._joined: Matcher | None | object = self.matchers[0]
        else:
            self._joined = _UNKNOWN if self.matchers and all(m.joinable for m in self.matchers) else None

    @property
    def joined(self) -> Matcher | None:
        """The patterns as one alternation, for searching them as a whole: the earliest
        match of any (the first listed on a tie), or whether any matches. None when
        joining them could change what is found."""
        if self._joined is _UNKNOWN:
            self._joined = _join(self.matchers)
        return self._joined  # type: ignore[return-value]


@lru_cache(maxsize=4096)
def compile_set(patterns: tuple[str, ...]) -> PatternSet:
    """`patterns` as a :class:`PatternSet`. Raises re.error if one is not a regex."""
    return PatternSet(tuple(patterns))


def _as_set(patterns: PatternSet | list[str] | tuple[str, ...]) -> PatternSet:
    return patterns if isinstance(patterns, PatternSet) else compile_set(tuple(patterns))


def _as_matcher(pattern: Matcher | str) -> Matcher:
    return pattern if isinstance(pattern, Matcher) else compile_matcher(pattern)



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
    r"(?P<unit>(?:(?:workings?|business|work|office)[\s-]*days?|workdays?)"
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


_AMOUNT_PLAIN = _compile_plain(_tree(_AMOUNT.pattern))


def find_amounts(text: str, plain: bool | None = None) -> list[Amount]:
    """Every amount of time in (normalised) `text`, in order. (`plain`: whether `text`
    is known to be plain, see :func:`_is_plain`; found out when not given.)"""
    if plain is None:
        plain = _is_plain(text)
    amount = _AMOUNT_PLAIN if plain and _AMOUNT_PLAIN is not None else _AMOUNT
    out: list[Amount] = []
    for m in amount.finditer(text):
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


_INDEX_MIN = 8192  # a shorter text is scanned by each regular expression itself
_JOIN_MIN = 4096  # a shorter text is scanned by each pattern of a list in turn, not by their alternation
_DENSE = 32  # prefixes starting at more than one in this many characters: scan instead
_UNEVEN = re.compile(r"[^\S \n]|\s\s|[^\D0-9]")  # other whitespace, runs of it, other digits
_RUN = re.compile(r"[a-z0-9]+")
_KEY = re.compile(r"[^a-z0-9]*[a-z0-9]*.?", re.DOTALL)  # a prefix's first word and the character after


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
    # worked out once, when first needed (see the "fast search" methods)
    _sentence_starts: list[int] | None = field(default=None, repr=False, compare=False)
    _plain: bool | None = field(default=None, repr=False, compare=False)
    _indexed: bool | None = field(default=None, repr=False, compare=False)
    _words: str | None = field(default=None, repr=False, compare=False)
    _found: dict[str, list[int] | None] = field(default_factory=dict, repr=False, compare=False)
    _candidates_of: dict[Matcher, list[int] | None] = field(default_factory=dict, repr=False, compare=False)
    _amounts: tuple[list[Amount], list[int]] | None = field(default=None, repr=False, compare=False)
    _headings: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """What a rule type works out once per text (e.g. the unfilled placeholders' spans)."""

    # -- building ----------------------------------------------------------------
    @classmethod
    def from_blocks(cls, blocks: list[Block], paragraphs: bool = False) -> Text:
        """Join blocks; `paragraphs` says each block is a whole paragraph (docx, html).

        Page furniture of a paged document is left out of the run of text and its
        running headers/footers are added once at the end (see :func:`_page_furniture`)."""
        pieces = [clean(block.text) for block in blocks]
        skip, tail = _page_furniture(blocks, pieces)
        order = [i for i in range(len(blocks)) if i not in skip and pieces[i]]
        row_starts = _row_starts([blocks[i] for i in order], [pieces[i] for i in order]) if paragraphs else set()
        sequence = [(i, n in row_starts, False) for n, i in enumerate(order)]
        sequence += [(i, False, True) for i in tail]
        cased_parts: list[str] = []
        starts: list[int] = []
        kept: list[Block] = []
        breaks: list[int] = []
        pos = 0
        previous: Block | None = None
        for index, new_row, apart in sequence:
            block, piece = blocks[index], pieces[index]
            if cased_parts:
                hard = (
                    apart
                    or _hard_break(previous, block)
                    or (paragraphs and (new_row or not _same_table(previous, block)))
                )
                prev = cased_parts[-1]
                if not hard and len(prev) >= 2 and prev[-1] == "-" and prev[-2].isalpha():
                    if piece[0].isalpha() and piece[0].islower():
                        cased_parts[-1] = prev[:-1]  # "com-" + "plaint"
                        pos -= 1
                    joiner = ""
                else:
                    # a furniture copy goes on a line of its own: "." in a pattern does not
                    # run into it from the text before, nor on into the next copy
                    joiner = "\n" if apart else " "
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

    def end_of_block(self, offset: int) -> int:
        """Where the text after the block at `offset` starts (the text's end for the last block)."""
        i = bisect.bisect_right(self.starts, offset)
        return self.starts[i] if i < len(self.starts) else len(self.text)

    def runs_on_from_a_heading(self, start: int, end: int) -> bool:
        """Does [start, end) start in a heading and run on into what follows it? A heading is a
        title, never the first half of a sentence: "What a complaint is" over "A service request
        is not a complaint" is not a definition of a complaint."""
        block = self.block_at(start)
        if block is None or not block.heading or block.text.strip() != block.heading.strip():
            return False
        i = bisect.bisect_left(self.breaks, start + 1)
        return i < len(self.breaks) and self.breaks[i] < end

    def _span(self, start: int, end: int | None) -> tuple[str, int]:
        """The text to match in [start, end) and its offset: the span's own text, so that
        ^, $, \\b and lookbehinds see the span (a sentence) alone."""
        end = len(self.text) if end is None else min(end, len(self.text))
        start = max(start, 0)
        if start == 0 and end == len(self.text):
            return self.text, 0
        return self.text[start:end], start

    def finditer(self, pattern: Matcher | str, start: int = 0, end: int | None = None) -> Iterator[Hit]:
        """Matches of `pattern` within [start, end) (matched in that span's text alone)."""
        for s, e in self._matches(_as_matcher(pattern), start, end):
            yield self.hit(s, e)

    def search(
        self, patterns: PatternSet | list[str] | tuple[str, ...], start: int = 0, end: int | None = None
    ) -> Hit | None:
        """The earliest match of any of `patterns` in [start, end), or None (on a tie, the
        match of the first pattern listed)."""
        found = self._first(_as_set(patterns), start, end, earliest=True)
        return None if found is None else self.hit(*found)

    def contains(self, patterns: PatternSet | list[str] | tuple[str, ...], start: int = 0, end: int | None = None) -> bool:
        """Does any of `patterns` match in [start, end)? (``search(...) is not None``)"""
        return self._first(_as_set(patterns), start, end, earliest=False) is not None

    def _first(self, group: PatternSet, start: int, end: int | None, earliest: bool) -> tuple[int, int] | None:
        """The earliest match of any of the patterns, or (not `earliest`) any match."""
        matchers = group.matchers
        if len(matchers) == 1:
            return next(self._matches(matchers[0], start, end), None)
        # Where each pattern is looked for only where its prefixes are, one at a time is
        # cheap; otherwise one alternation scans the text once for all of them.
        # A short text (a letter) is scanned by each pattern in turn: compiling the alternation
        # would cost more than the scans it saves.
        each = len(self.text) < _JOIN_MIN or (self._can_index() and all(self._candidates(m) is not None for m in matchers))
        joined = None if each else group.joined
        if joined is not None:
            return next(self._matches(joined, start, end), None)
        found: tuple[int, int] | None = None
        for matcher in matchers:
            first = next(self._matches(matcher, start, end), None)
            if first is not None:
                if not earliest:
                    return first
                if found is None or first[0] < found[0]:
                    found = first
        return found

    # -- fast search (same matches as the regular expressions alone) --------------------
    @property
    def plain(self) -> bool:
        """Is the text plain (:func:`_is_plain`), so that matchers' case-exact copies apply?"""
        if self._plain is None:
            self._plain = _is_plain(self.text)
        return self._plain

    def _can_index(self) -> bool:
        """Long enough for prefix look-ups to pay, and with the whitespace and digits that
        :func:`_prefixes` assumes (single spaces and line breaks; 0-9)."""
        if self._indexed is None:
            self._indexed = len(self.text) >= _INDEX_MIN and self.plain and _UNEVEN.search(self.text) is None
        return self._indexed

    def _occurrences(self, needle: str) -> list[int] | None:
        """Where `needle` starts in the text (None: too often to be worth it)."""
        found = self._found.get(needle, _UNKNOWN)
        if found is not _UNKNOWN:
            return found  # type: ignore[return-value]
        text = self.text
        word = _RUN.search(needle)
        if word is not None and word.group() not in self._vocabulary():
            found = []
        elif len(needle) <= 4 and text.count(needle) > len(text) // _DENSE:
            found = None
        else:
            found = []
            find = text.find
            at = find(needle)
            while at >= 0:
                found.append(at)
                at = find(needle, at + 1)
        self._found[needle] = found
        return found

    def _vocabulary(self) -> str:
        """Every word of the text (run of non-space), once each: a string to look in that is
        much shorter than the text. A run of letters and digits is in it if in the text."""
        if self._words is None:
            self._words = "\n".join(set(self.text.split()))
        return self._words

    def _variants(self, prefix: str) -> list[str]:
        """A prefix with each `_WS` as the whitespace this text has (a space, a line break)."""
        if _WS not in prefix:
            return [prefix]
        if "\n" not in self.text:
            return [prefix.replace(_WS, " ")]
        parts = prefix.split(_WS)[:3]  # at most two line-break-or-space choices
        out = [parts[0]]
        for part in parts[1:]:
            out = [head + ws + part for head in out for ws in " \n"]
        return out

    def _candidates(self, matcher: Matcher) -> list[int] | None:
        """Every offset where a match of `matcher` may start (sorted), or None when the
        regular expression is to scan the text itself. Prefixes are looked up by their
        first word (:data:`_KEY`), each found once per text, then checked in place."""
        if matcher in self._candidates_of:
            return self._candidates_of[matcher]
        found: list[int] | None = None
        if self._can_index() and matcher.prefixes is not None:  # (prefixes are worked out only for a long text)
            by_key: dict[str, list[str]] = {}
            for prefix in matcher.prefixes:
                for needle in self._variants(prefix):
                    by_key.setdefault(_KEY.match(needle).group(), []).append(needle)  # type: ignore[union-attr]
            found = []
            limit = len(self.text) // _DENSE
            starts = self.text.startswith
            for key, needles in by_key.items():
                where = self._occurrences(key)
                if where is None:
                    found = None
                    break
                if key in needles:
                    found += where
                else:
                    tails = tuple(needles)
                    found += [at for at in where if starts(tails, at)]
                if len(found) > limit:
                    found = None
                    break
        result = sorted(set(found)) if found is not None else None
        self._candidates_of[matcher] = result
        return result

    def _matches(self, matcher: Matcher, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
        """(start, end) of each non-empty match in [start, end), as ``finditer`` on that
        span's text finds them, in order."""
        target, base = self._span(start, end)
        regex = matcher.pick(self.plain)
        candidates = self._candidates(matcher)
        if candidates is None:
            for m in regex.finditer(target):
                if m.end() > m.start():
                    yield base + m.start(), base + m.end()
            return
        # A match starts with a prefix, so only where one starts is a match tried; it is
        # never empty (a prefix is never empty), so each next one starts where it ends.
        lo = bisect.bisect_left(candidates, base)
        hi = bisect.bisect_left(candidates, base + len(target))
        after = 0
        match = regex.match
        for at in itertools.islice(candidates, lo, hi):
            local = at - base
            if local < after:
                continue
            m = match(target, local)
            if m is not None:
                yield at, base + m.end()
                after = m.end()

    def amounts(self) -> tuple[list[Amount], list[int]]:
        """The amounts of time stated in working days or weeks (:func:`find_amounts`), and
        their start offsets."""
        if self._amounts is None:
            timed = [a for a in find_amounts(self.text, self.plain) if a.working_days is not None]
            self._amounts = (timed, [a.start for a in timed])
        return self._amounts

    def normalized_heading(self, offset: int) -> str | None:
        """:meth:`heading_at`, normalised."""
        heading = self.heading_at(offset)
        if not heading:
            return None
        if heading not in self._headings:
            self._headings[heading] = normalize(heading)
        return self._headings[heading]

    # -- sentences -------------------------------------------------------------------
    @property
    def sentences(self) -> list[tuple[int, int]]:
        """(start, end) spans of the sentences, in order."""
        if self._sentences is None:
            self._sentences = split_sentences(self.text, self.breaks)
        return self._sentences

    def _starts(self) -> list[int]:
        """Where each sentence starts, for bisecting."""
        spans = self.sentences
        if self._sentence_starts is None or len(self._sentence_starts) != len(spans):
            self._sentence_starts = [s for s, _ in spans]
        return self._sentence_starts

    def sentence_at(self, offset: int) -> tuple[int, int]:
        spans = self.sentences
        i = bisect.bisect_right(self._starts(), offset) - 1
        return spans[max(i, 0)] if spans else (0, len(self.text))

    def sentence_after(self, offset: int) -> tuple[int, int] | None:
        """The first sentence that starts at or after `offset` (None after the last)."""
        spans = self.sentences
        i = bisect.bisect_left(self._starts(), offset)
        return spans[i] if i < len(spans) else None

    def sentences_over(self, start: int, end: int) -> tuple[int, int]:
        """The span from the sentence where [start, end) starts to the one where it ends
        (one sentence unless the span runs past a sentence end)."""
        first = self.sentence_at(start)
        last = self.sentence_at(max(start, end - 1))
        return first[0], max(first[1], last[1])

    def heading_at(self, offset: int) -> str | None:
        """The heading of the block at `offset` (None when it has none)."""
        block = self.block_at(offset)
        return block.heading if block is not None and block.heading else None


def _same_table(previous: Block | None, block: Block) -> bool:
    """Cells of one Word table (same paragraph number): the cells of a row read as one
    run of text, so "New response date" in one cell and "14 March" in the next are one
    sentence; each row is a sentence of its own (:func:`_table_row_starts`)."""
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
    if (
        block.part == "table"
        and previous.line is not None
        and block.line is not None
        and previous.paragraph is None
        and block.paragraph is None
    ):
        return True  # a line-based table (Markdown pipe table): each line is a row
    if (previous.heading and previous.text == previous.heading) or (block.heading and block.text == block.heading):
        return True
    if block.line is not None and starts_list_item(block):
        return True  # each item of a list is a sentence of its own, full stop or not
    if previous.page == block.page and previous.line is not None and block.line is not None:
        # A blank line between them (text, Markdown) ends the paragraph; PDF line
        # numbers count only non-blank lines, so they never show a gap.
        return block.line > previous.line + 1 and previous.page is None
    return False


# -- Word table rows ---------------------------------------------------------------

_KEY_WORD = re.compile(r"[^\W_]+(?:['.][^\W_]+)*")
_ENUMERATION = re.compile(r"^[(\[]?(?:\d{1,3}(?:\.\d{1,3})*|[a-z]|[ivx]{1,4})[.)\]]?$")


def _cell_key(piece: str) -> str | None:
    """A cell's first-column pattern: its first word ("stage" for "Stage One response"),
    "#" for a bare number or item label ("1.2", "(a)"), "#" + the next word for a number
    that starts a value ("#business" for "5 business days")."""
    words = normalize(piece).split()
    if not words:
        return None
    if _ENUMERATION.match(words[0]):
        if len(words) == 1:
            return "#"
        if words[0][:1].isdigit():
            following = _KEY_WORD.search(words[1])
            return "#" + (following.group(0) if following else "")
    first = _KEY_WORD.search(words[0])
    return re.sub(r"\d+", "#", first.group(0)) if first else None


def _table_row_starts(cells: list[Block], pieces: list[str]) -> set[int]:
    """Which cells (positions in one Word table's cells, in reading order) begin a row.

    A reader that knows the rows gives each cell a ``row``; then a row begins where it
    changes. Otherwise (the docx reader gives one block per non-empty cell, with the
    table's paragraph number and no row) rows are found from the first column: the
    commonest repeating cell pattern (:func:`_cell_key`) whose first repeat is a whole
    number of its strides from the table's start (so a value column, one cell in, is not
    taken for it) marks where rows begin; cells before it are split at the same stride
    (a header row); when every repeat is the same stride apart, the same stride also
    splits any last rows that start differently. A table with no such pattern stays one
    run of text (two cells "We will respond by" | "14 March" read as one sentence).
    """
    rows = [getattr(cell, "row", None) for cell in cells]
    if cells and all(row is not None for row in rows):
        return {i for i in range(1, len(cells)) if rows[i] != rows[i - 1]}
    positions: dict[str, list[int]] = {}
    for i, piece in enumerate(pieces):
        key = _cell_key(piece)
        if key is not None:
            positions.setdefault(key, []).append(i)
    best: list[int] | None = None
    for found in positions.values():
        if len(found) < 2 or found[0] % (found[1] - found[0]):
            continue
        if best is None or (len(found), -found[0]) > (len(best), -best[0]):
            best = found
    if best is None:
        return set()
    stride = best[1] - best[0]
    starts = set(best)
    if stride > 1:
        starts |= set(range(0, best[0], stride))
        if all(b - a == stride for a, b in itertools.pairwise(best)):
            starts |= set(range(best[-1], len(cells), stride))
    starts.discard(0)
    return starts


def _row_starts(blocks: list[Block], pieces: list[str]) -> set[int]:
    """Positions in `blocks` of Word table cells that begin a new row of their table."""
    out: set[int] = set()
    i = 0
    while i < len(blocks):
        j = i + 1
        while j < len(blocks) and _same_table(blocks[j - 1], blocks[j]):
            j += 1
        if j - i > 1:
            out |= {i + k for k in _table_row_starts(blocks[i:j], pieces[i:j])}
        i = j
    return out


# -- page furniture (running headers and footers, page numbers) ------------------------

_EDGE_LINES = 3  # lines at the top and at the bottom of a page that may be furniture
_PAGE_ONLY = re.compile(
    r"^(?:(?:page|pg\.?|p\.)\s*)?[-(\[]?\s*(?P<n>\d{1,4})\s*[-)\]]?(?:\s*(?:of|/)\s*(?P<of>\d{1,4}))?$",
    re.IGNORECASE,
)
_PAGE_LABEL_END = re.compile(
    r"(?:^|[\s|:,\-])(?:page|pg\.?)\s*(?P<n>\d{1,4})(?:\s*(?:of|/)\s*(?P<of>\d{1,4}))?$",
    re.IGNORECASE,
)


def _page_furniture(blocks: list[Block], pieces: list[str]) -> tuple[set[int], list[int]]:
    """Furniture of a paged document: (indexes of blocks to leave out of the run of text,
    indexes of the running headers/footers to add once at the end).

    Only the first and last few lines of each page are candidates. A line is furniture
    when it is only a page number ("3", "- 3 -", "Page 3", "3 of 12"; a bare number must
    be the page's number, or differ from it by the same amount on two or more pages); when
    it ends with a page label ("... - Page 3", "... | page 3 of 12", the number the page's
    own or followed by "of N"); or when the same line repeats at the edges of more than half
    the pages (at least 2; with a number that changes, at least 3 pages, the number keeping
    in step with the page number; word for word, only if the text inside it differs from
    page to page). Lines that are only a page number are dropped; the others are kept once,
    their first copy, at the end of the text.
    """
    pages: dict[int, list[int]] = {}
    for i, block in enumerate(blocks):
        if block.page is not None and pieces[i]:
            pages.setdefault(block.page, []).append(i)
    if not pages:
        return set(), []
    edges: list[tuple[int, int]] = []  # (block index, page)
    for page, lines in pages.items():
        chosen = lines[:_EDGE_LINES] + [i for i in lines[-_EDGE_LINES:] if i not in lines[:_EDGE_LINES]]
        edges += [(i, page) for i in chosen]

    dropped: set[int] = set()
    furniture: set[int] = set()
    bare: list[tuple[int, int, int]] = []  # (index, page, number)
    for i, page in edges:
        text = pieces[i]
        only = _PAGE_ONLY.match(text)
        if only:
            number = int(only.group("n"))
            if only.group("of") or re.match(r"(?i)p", text):
                dropped.add(i)  # "Page 3", "3 of 12"
            else:
                bare.append((i, page, number))
            continue
        label = _PAGE_LABEL_END.search(text)
        if label and (label.group("of") or int(label.group("n")) == page):
            furniture.add(i)
    offsets: dict[int, int] = {}
    for _, page, number in bare:
        offsets[number - page] = offsets.get(number - page, 0) + 1
    for i, page, number in bare:
        if number == page or offsets[number - page] >= 2:
            dropped.add(i)

    count = len(pages)
    groups: dict[str, list[tuple[int, int]]] = {}
    for i, page in edges:
        if i not in dropped:
            groups.setdefault(re.sub(r"\d+", "#", normalize(pieces[i])), []).append((i, page))
    repeating: list[tuple[list[tuple[int, int]], bool]] = []
    for members in groups.values():
        on_pages = {page for _, page in members}
        if len(on_pages) < 2 or 2 * len(on_pages) <= count:
            continue
        same = len({normalize(pieces[i]) for i, _ in members}) == 1
        if not same and (len(on_pages) < 3 or not _numbers_follow_pages(members, pieces)):
            continue
        repeating.append((members, same))
    candidates = dropped | furniture | {i for members, _ in repeating for i, _ in members}
    for members, same in repeating:
        # A line that repeats word for word is furniture only if what lies inside it (towards
        # the body) changes from page to page: body text that repeats page after page is not.
        if same and not _varying_inside(members, pages, candidates, pieces):
            continue
        furniture |= {i for i, _ in members}

    tail: list[int] = []
    seen: set[str] = set()
    for i in sorted(furniture):
        key = re.sub(r"\d+", "#", normalize(pieces[i]))
        if key not in seen:
            seen.add(key)
            tail.append(i)
    return dropped | furniture, tail


def _varying_inside(
    members: list[tuple[int, int]], pages: dict[int, list[int]], candidates: set[int], pieces: list[str]
) -> bool:
    """Is the first line inside these edge lines (past any other furniture candidates)
    different on different pages?"""
    inside: set[str | None] = set()
    for i, page in members:
        lines = pages[page]
        k = lines.index(i)
        step = 1 if k < _EDGE_LINES else -1
        while 0 <= k < len(lines) and lines[k] in candidates:
            k += step
        inside.add(normalize(pieces[lines[k]]) if 0 <= k < len(lines) else None)
    return len(inside) > 1


def _numbers_follow_pages(members: list[tuple[int, int]], pieces: list[str]) -> bool:
    """Does some number in these lines keep in step with their page numbers?"""
    numbers = [[int(n) for n in re.findall(r"\d+", pieces[i])] for i, _ in members]
    width = len(numbers[0])
    if any(len(row) != width for row in numbers):
        return False
    for k in range(width):
        if len({row[k] - page for row, (_, page) in zip(numbers, members)}) == 1:
            return True
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
