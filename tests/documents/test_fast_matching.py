"""The shortcuts of the document matcher give exactly what the regular expressions
alone give: case-exact copies of patterns on plain text, literal prefixes looked up
in long texts, a list of patterns joined into one alternation (matching.py, "compiled
once: matchers"). Every shipped pattern is checked against a plain ``re`` reference
on fixture texts, short and long, plain and not, with and without page furniture."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from codecheck.documents import matching
from codecheck.documents.matching import (
    Text,
    compile_pattern,
    compile_set,
    find_amounts,
    normalize,
)
from codecheck.documents.model import Block
from codecheck.documents.packs import load_pack, pack_files, rules_directory
from codecheck.documents.readers import read_document

ROOT = Path(__file__).resolve().parents[2]


# -- the reference: each pattern on its own, as compiled by compile_pattern --------------


def reference_iter(text: Text, pattern: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    end = len(text.text) if end is None else min(end, len(text.text))
    start = max(start, 0)
    target = text.text[start:end]
    return [(start + m.start(), start + m.end()) for m in compile_pattern(pattern).finditer(target) if m.end() > m.start()]


def reference_search(text: Text, patterns: tuple[str, ...], start: int = 0, end: int | None = None):
    best = None
    for pattern in patterns:
        found = reference_iter(text, pattern, start, end)[:1]
        if found and (best is None or found[0][0] < best[0]):
            best = found[0]
    return best


@pytest.fixture(scope="module")
def pattern_lists() -> list[tuple[str, ...]]:
    """Every list of patterns in the shipped packs, as the rules search them."""
    out: set[tuple[str, ...]] = set()
    for path in pack_files(rules_directory()):
        for spec in load_pack(path).pack.rules.values():
            for key in ("any_of", "patterns", "if_any", "then_any", "unless", "step", "unless_heading"):
                if getattr(spec, key, None):
                    out.add(tuple(getattr(spec, key)))
            out.update(tuple(group) for group in getattr(spec, "all_of", None) or [])
            out.update(tuple(allow.when) for allow in getattr(spec, "allow", None) or [] if allow.when)
    return sorted(out)


def _fixture_blocks(*names: str) -> list[Block]:
    blocks: list[Block] = []
    for name in names:
        blocks += [b for b in read_document(ROOT / "fixtures" / name).blocks if b.part in matching.PARTS]
    return blocks


def _paged(blocks: list[Block], per_page: int = 12) -> list[Block]:
    """The blocks laid out as PDF pages with a running header and page numbers, so the
    text gets a line break before the header copy at its end."""
    out: list[Block] = []
    for page, first in enumerate(range(0, len(blocks), per_page), 1):
        lines = [f"Complaints policy - section {page}"] + [b.text for b in blocks[first : first + per_page]]
        lines.append(f"Page {page} of 99")
        out += [Block(text=line, page=page, line=n) for n, line in enumerate(lines, 1)]
    return out


def _texts() -> dict[str, Text]:
    policy = _fixture_blocks("policies/riverside-complaints-policy.pdf")
    letters = _fixture_blocks(
        "letters/stage1-response-good.docx",
        "letters/stage2-response-no-stage.docx",
        "letters/stage1-ack-late-response.md",
        "letters/extension-no-reason.html",
        "letters/refusal-no-ombudsman.txt",
        "letters/stage2-response-ombudsman-email-only.html",
    )
    long = policy + letters
    dotless = [Block(text=b.text.replace("i", "\u0131", 1) if n % 7 == 0 else b.text, line=b.line)
               for n, b in enumerate(long)]
    texts = {
        "letters": Text.from_blocks(letters, paragraphs=True),
        "long": Text.from_blocks(long),
        "long-paged": Text.from_blocks(_paged(long)),
        "long-not-plain": Text.from_blocks(dotless),
        "long-other-digits": Text.from_blocks(long + [Block(text="within \u0661\u0660 working days", line=9999)]),
    }
    assert len(texts["long"].text) > matching._INDEX_MIN and "\n" in texts["long-paged"].text
    assert not texts["long-not-plain"].plain
    return texts


@pytest.mark.parametrize(
    ("names", "index_min"),
    [
        (("letters", "long", "long-paged", "long-not-plain", "long-other-digits"), matching._INDEX_MIN),
        (("letters",), 0),  # a short text looked up by prefixes too
    ],
    ids=["default", "index-short-text"],
)
def test_shipped_patterns_find_what_re_finds(pattern_lists, names, index_min, monkeypatch):
    monkeypatch.setattr(matching, "_INDEX_MIN", index_min)
    patterns = sorted({p for group in pattern_lists for p in group})
    texts = _texts()
    assert texts["long"]._can_index() and texts["long-paged"]._can_index()
    assert not texts["long-not-plain"]._can_index() and not texts["long-other-digits"]._can_index()
    for name in names:
        text = texts[name]
        middle = (len(text.text) // 3, 2 * len(text.text) // 3)
        spans = [(0, None), *text.sentences[:: max(1, len(text.sentences) // 3)][:3], middle]
        for pattern in patterns if text._can_index() or name == "letters" else ():  # else: each regex alone
            for start, end in [(0, None), spans[1], middle]:
                got = [(h.start, h.end) for h in text.finditer(pattern, start, end)]
                assert got == reference_iter(text, pattern, start, end), (name, pattern, start, end)
        for group in pattern_lists:
            for start, end in spans:
                hit = text.search(group, start, end)
                expected = reference_search(text, group, start, end)
                assert (None if hit is None else (hit.start, hit.end)) == expected, (name, group[0], start, end)
                assert text.contains(group, start, end) == (expected is not None), (name, group[0], start, end)


def test_long_text_is_searched_by_prefixes():
    text = _texts()["long-paged"]
    assert text._can_index()
    group = compile_set(("acknowledg\\w* (?:your|the) complaint", "stage (?:1|one) response"))
    assert text.search(group) is not None
    assert all(text._candidates(m) is not None for m in group.matchers)


# -- the case-exact copy -------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [r"[A-Z]+", r"[^a-z0-9]", r"[\w.£-]+", r"[A-z]", r"[^\W\d_]+", r"Stage\s+(?:ONE|1)", r"(?<![A-Z])k\b",
     r"[^K]", r"\bCOM(?:PLAINT)?S?\b", r"£\s?\d+", r"x{2,}", r"(?>ab|a)c", r"[a-c]++"],
)
def test_plain_copy_matches_like_ignorecase_on_plain_text(source):
    plain = matching._compile_plain(matching._tree(source))
    assert plain is not None
    sample = "".join(map(chr, range(0x250))).lower().replace("\u0131", "").replace("\u017f", "")
    sample += " stage one, complaints; k, £ 10, xxx, abc ac aaac"
    assert matching._is_plain(sample)
    reference = re.compile(source, re.IGNORECASE)
    assert [m.span() for m in plain.finditer(sample)] == [m.span() for m in reference.finditer(sample)]


@pytest.mark.parametrize("source", [r"caf\u00e9", r"(a)\1", r"(?-i:x)", r"[\u00e0-\u00ff]"])
def test_no_plain_copy_when_case_could_differ(source):
    assert matching._compile_plain(matching._tree(source)) is None


def test_plain_text():
    assert matching._is_plain("complaint stage 1 \u00a3 caf\u00e9")
    assert not matching._is_plain("complaint \u0131")  # dotless i matches "i" case-insensitively
    assert not matching._is_plain("complaint \u017f")  # so does the long s for "s"
    assert not matching._is_plain("\u0130stanbul")  # kept upper case by normalisation
    text = Text.from_string("Compla\u0131nt received")
    assert not text.plain and text.search(["complaint"]) is not None  # the case-insensitive regex


def test_amounts_on_plain_and_other_text():
    words = normalize("We will reply within TEN (10) working days, then 3 weeks, a fortnight or 20 calendar days.")
    assert find_amounts(words, plain=True) == find_amounts(words, plain=False)
    assert [a.working_days for a in find_amounts(words)] == [10, 15, 10, None]


# -- prefixes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "prefixes"),
    [
        ("acknowledg\\w* your", ("acknowledg",)),
        ("\\b(not |partly )?upheld\\b", ("not\x00upheld", "partly\x00upheld", "upheld")),
        ("stage (1|one)", ("stage\x001", "stage\x00one")),
        ("(?:e-?mail|online)", ("email", "e-mail", "online")),
        ("\\d{1,2} working", tuple("0123456789")),
        ("(?<=a)bc", ("bc",)),
        ("[.] ", ("."),),
    ],
)
def test_prefixes(pattern, prefixes):
    assert set(matching.compile_matcher(pattern).prefixes) == set(prefixes)


@pytest.mark.parametrize("pattern", ["\\w+ complaint", ".{0,20}stage", "[^x]y", "(?:a|\\w)b", "x?y?"])
def test_no_prefixes_when_a_match_can_start_anywhere(pattern):
    assert matching.compile_matcher(pattern).prefixes is None


def test_many_alternatives_are_cut_to_shorter_prefixes():
    words = [f"word{n:03d}suffix" for n in range(400)]
    prefixes = matching.compile_matcher("(?:" + "|".join(words) + ") here").prefixes
    assert prefixes is not None and len(prefixes) <= matching._PREFIX_SET
    assert all(any(w.startswith(p) for p in prefixes) for w in words)


# -- joining a list of patterns ------------------------------------------------------------


def test_joined_alternation_keeps_the_earliest_and_the_first_listed_on_a_tie():
    text = Text.from_string("we will respond to your stage one complaint")
    for group in [("stage one complaint", "stage one"), ("stage one", "stage one complaint"), ("complaint", "respond")]:
        hit = text.search(group)
        assert (hit.start, hit.end) == reference_search(text, group)
    assert compile_set(("stage one complaint", "stage one")).joined is not None


@pytest.mark.parametrize(
    "group",
    [("a", "(?=b)"), ("(x)\\1", "y"), ("(?P<n>x)", "(?P<n>y)"), ("(?s)a.b", "c"), ("x", "\\b")],
)
def test_patterns_that_cannot_be_joined_are_searched_one_by_one(group):
    assert compile_set(group).joined is None
    text = Text.from_string("xx yb a\nb c x")
    hit = text.search(group)
    assert (None if hit is None else (hit.start, hit.end)) == reference_search(text, group)
