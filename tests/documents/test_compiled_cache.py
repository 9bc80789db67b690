"""Rule patterns kept compiled between runs (documents/compiled.py, issue 13): a pattern rebuilt
from the cache is the same pattern compiling gives, a damaged or foreign cache is ignored, the
cache can be turned off, and a letter's findings do not depend on it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from codecheck.documents import compiled, matching
from codecheck.documents.packs import load_pack, pack_files, rules_directory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh_store(tmp_path, monkeypatch):
    """An empty cache in a folder of its own, and matchers not remembered from earlier tests."""
    monkeypatch.setenv("CODECHECK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CODECHECK_NO_CACHE", raising=False)
    monkeypatch.setattr(compiled, "_STORE", None)
    matching.compile_matcher.cache_clear()
    matching.compile_set.cache_clear()
    yield tmp_path / "cache"
    compiled.store()._added = {}  # not written at exit
    monkeypatch.setattr(compiled, "_STORE", None)
    matching.compile_matcher.cache_clear()
    matching.compile_set.cache_clear()


def _shipped_patterns() -> list[str]:
    out: set[str] = set()
    for path in pack_files(rules_directory()):
        for spec in load_pack(path, trusted=True).pack.rules.values():
            for key in ("any_of", "patterns", "if_any", "then_any", "unless", "step", "unless_heading"):
                out.update(getattr(spec, key, None) or [])
            within = getattr(spec, "within", None)
            if within:
                out.add(within)
            for group in getattr(spec, "all_of", None) or []:
                out.update(group)
            for allow in getattr(spec, "allow", None) or []:
                out.update(allow.when or [])
    return sorted(out)


def test_every_shipped_pattern_rebuilt_from_the_cache_is_the_pattern_compiled(fresh_store):
    patterns = _shipped_patterns()
    assert len(patterns) > 300
    first = {p: matching.compile_matcher(p) for p in patterns}
    compiled.store().save()
    assert list(fresh_store.iterdir()), "the cache was written"

    compiled._STORE = None  # a new run: the cache read from the file
    matching.compile_matcher.cache_clear()
    rebuilt = {p: matching.compile_matcher(p) for p in patterns}
    assert not compiled.store()._added, "every pattern came from the cache"
    for p in patterns:
        a, b = first[p], rebuilt[p]
        assert a.plain == b.plain and a.joinable == b.joinable, p
        assert (a._regex is None) == (b._regex is None) and a._regex == b._regex, p
        # and the reference: the case-insensitive pattern compiled by re itself
        assert b.regex == re.compile(matching._source(p), re.IGNORECASE), p


def test_prefixes_and_alternations_come_back_the_same(fresh_store):
    patterns = tuple(_shipped_patterns()[:40])
    before = matching.compile_set(patterns)
    joined, prefixes = before.joined, [m.prefixes for m in before.matchers]
    compiled.store().save()
    compiled._STORE = None
    matching.compile_matcher.cache_clear()
    matching.compile_set.cache_clear()
    after = matching.compile_set(patterns)
    assert [m.prefixes for m in after.matchers] == prefixes
    assert (after.joined is None) == (joined is None)
    if joined is not None:
        assert after.joined.plain == joined.plain and after.joined.prefixes == joined.prefixes
    assert not compiled.store()._added


@pytest.mark.parametrize("damage", [b"", b"not marshal data", b"\x00" * 64])
def test_a_damaged_cache_is_ignored_and_rewritten(fresh_store, damage):
    fresh_store.mkdir(parents=True)
    compiled.cache_file().write_bytes(damage)
    m = matching.compile_matcher("acknowledg\\w*")
    assert m.search_in("we will acknowledge your complaint")
    compiled.store().save()
    compiled._STORE = None
    assert "acknowledg\\w*" in compiled.store().entries


def test_an_entry_the_engine_refuses_is_compiled_again(fresh_store):
    source = matching._source("ombudsman")
    compiled.store().entries[source] = ("ok", (True, (None, 32, [999, 1, 2], 0, {}, (None,)), None))  # not SRE code
    m = matching.compile_matcher("ombudsman")
    assert m.search_in("the housing ombudsman") and m.plain == matching._compile_plain(matching._tree(source))
    assert compiled.store()._added[source][1][1][2] != [999, 1, 2]


def test_no_cache_when_turned_off(tmp_path):
    env = {**os.environ, "CODECHECK_CACHE_DIR": str(tmp_path / "cache"), "CODECHECK_NO_CACHE": "1"}
    letter = tmp_path / "ack.md"
    letter.write_text("We have received your complaint.\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "codecheck", str(letter), "--kind", "stage1_ack"], env=env,
                   capture_output=True, timeout=120)
    assert not (tmp_path / "cache").exists()


def test_a_letter_finds_the_same_with_and_without_the_cache(tmp_path):
    letter = tmp_path / "reply.md"
    letter.write_text("# Stage 1 response\n\nWe will reply within 30 working days. If you remain unhappy you must "
                      "wait eight weeks before contacting the Housing Ombudsman.\n", encoding="utf-8")
    outputs = []
    for cache in ("off", "cold", "warm"):
        env = {**os.environ, "CODECHECK_CACHE_DIR": str(tmp_path / "cache")}
        if cache == "off":
            env["CODECHECK_NO_CACHE"] = "1"
        done = subprocess.run([sys.executable, "-m", "codecheck", str(letter), "--kind", "stage1_response",
                               "--format", "json"], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 1, done.stderr
        outputs.append(json.loads(done.stdout)["findings"])
        if cache == "cold":
            assert list((tmp_path / "cache").iterdir()), "the first run wrote the cache"
    assert outputs[0] == outputs[1] == outputs[2]
    assert any(f["rule"] for f in outputs[0])
