"""SARIF that GitHub code scanning accepts and places where a person can find the finding.

Two judges: the official SARIF 2.1.0 JSON schema (``tests/data/sarif-schema-2.1.0.json``,
see ``tests/test_formats.py``) and GitHub's documented requirements for uploads
("SARIF support for code scanning" and "SARIF results exceed limits", docs.github.com):

- ``runs[].tool.driver.name``; per rule ``id``, ``shortDescription.text``,
  ``fullDescription.text`` and ``help.text``; at most 20 tags per rule;
- per result ``ruleId``, ``message.text``, ``locations[]`` with
  ``physicalLocation.artifactLocation.uri`` (best relative to the repository root) and
  ``region.startLine``; at most 1,000 locations per result (GitHub advises one);
- at most 20 runs per file, 25,000 results and 25,000 rules per run;
- ``partialFingerprints`` so alerts are matched across uploads, not duplicated.

The main test runs ``codecheck fixtures/ --format sarif`` (the bundled case records,
policies, letters, self-assessments, plans and reports) from the repository root, as a CI job does.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codecheck.documents.docx import read_docx
from codecheck.documents.pdf import read_pdf
from codecheck.findings import Finding, Severity
from codecheck.formatters.sarif import CODE_URL, FINGERPRINT_KEY, SRCROOT, SarifFormatter, repository_root
from codecheck.registry import default_registry
from codecheck.results import Results
from docplugin import letter, run_cli
from test_formats import validate_sarif

ROOT = Path(__file__).resolve().parents[1]
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".csv"}
PLACEHOLDER = "github.com/codecheck/codecheck"


def _codecheck(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("codecheck")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "codecheck"]
    return subprocess.run([*command, *args], cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def fixtures_sarif() -> dict:
    proc = _codecheck("fixtures/", "--format", "sarif", cwd=ROOT)
    assert proc.returncode == 1, proc.stderr  # the fixtures hold breaches on purpose
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def fixtures_json() -> dict:
    proc = _codecheck("fixtures/", "--format", "json", cwd=ROOT)
    return json.loads(proc.stdout)


def _physical(result: dict) -> dict:
    return result["locations"][0]["physicalLocation"]


def test_fixtures_sarif_passes_the_schema(fixtures_sarif):
    validate_sarif(fixtures_sarif)


def test_fixtures_sarif_meets_githubs_upload_requirements(fixtures_sarif, fixtures_json):
    runs = fixtures_sarif["runs"]
    assert fixtures_sarif["version"] == "2.1.0"
    assert 1 <= len(runs) <= 20
    [run] = runs
    driver = run["tool"]["driver"]
    assert driver["name"] == "codecheck"
    rules = driver["rules"]
    assert len(rules) <= 25_000
    results = run["results"]
    assert 0 < len(results) <= 25_000
    # every finding of the run is a result: none dropped for want of a location
    assert len(results) == len(fixtures_json["findings"])

    for rule in rules:
        assert rule["id"]
        for key in ("shortDescription", "fullDescription", "help"):
            assert rule[key]["text"].strip(), (rule["id"], key)
        assert len(rule["properties"]["tags"]) <= 20, rule["id"]

    base_ids = run["originalUriBaseIds"]
    for r in results:
        where = f"{r.get('ruleId')} {r['message']['text'][:60]!r}"
        assert r["ruleId"] and r["message"]["text"].strip(), where
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"], where
        assert r["level"] in ("error", "warning", "note"), where
        assert 1 <= len(r["locations"]) <= 1000, where
        physical = _physical(r)
        artifact = physical["artifactLocation"]
        assert artifact["uri"] and "region" in physical, where
        assert isinstance(physical["region"]["startLine"], int) and physical["region"]["startLine"] >= 1, where
        # relative to the repository root, with a base GitHub can resolve
        assert not re.match(r"^[a-z][a-z0-9+.-]*:", artifact["uri"]), where
        assert artifact["uriBaseId"] == SRCROOT and SRCROOT in base_ids, where
        assert artifact["uri"].startswith("fixtures/"), where
        assert r["partialFingerprints"][FINGERPRINT_KEY], where

    prints = [r["partialFingerprints"][FINGERPRINT_KEY] for r in results]
    assert len(set(prints)) == len(prints), "two results with one fingerprint: GitHub would merge them"
    assert base_ids[SRCROOT]["uri"] == repository_root(ROOT).as_uri().rstrip("/") + "/"
    assert base_ids[SRCROOT]["uri"].endswith("/")


def test_every_result_points_at_a_place_in_its_file(fixtures_sarif):
    """GitHub shows a result at startLine of the file at uri: the file must exist there, and the
    line must be one the file has (a text file's line, a DOCX paragraph, a line on the PDF page)."""
    base = _file_path(fixtures_sarif["runs"][0]["originalUriBaseIds"][SRCROOT]["uri"])
    pdf_lines: dict[Path, dict[int, int]] = {}
    docx_paragraphs: dict[Path, int] = {}
    kinds = set()
    for r in fixtures_sarif["runs"][0]["results"]:
        physical = _physical(r)
        path = base / urllib.parse.unquote(physical["artifactLocation"]["uri"])
        assert path.is_file(), physical
        line = physical["region"]["startLine"]
        suffix = path.suffix.lower()
        kinds.add(suffix)
        props = r.get("properties", {})
        where = f"{r['ruleId']} {path.name}: {r['message']['text'][-80:]!r}"
        if suffix in TEXT_SUFFIXES:
            assert line <= len(path.read_text(encoding="utf-8", errors="replace").splitlines()), where
        elif suffix == ".pdf":
            if "page" in props:  # a line on that page, as the reader counts them; the page is in the message
                page = props["page"]
                assert r["locations"][0]["properties"]["page"] == page, where
                assert f"page {page}" in r["message"]["text"], where
                counts = pdf_lines.setdefault(path, _lines_per_page(path))
                assert line <= counts[page], where
            else:
                assert line == 1 and "whole document" in r["message"]["text"], where
        elif suffix == ".docx":
            last = docx_paragraphs.setdefault(path, max(b.paragraph or 0 for b in read_docx(path).blocks))
            assert line <= last, where
            if "paragraph" in props:
                assert f"paragraph {props['paragraph']}" in r["message"]["text"], where
    assert {".csv", ".pdf", ".docx", ".md", ".txt", ".html"} <= kinds  # every format was judged


def _file_path(uri: str) -> Path:
    parsed = urllib.parse.urlparse(uri)
    assert parsed.scheme == "file", uri
    return Path(urllib.request.url2pathname(parsed.path))


def _lines_per_page(path: Path) -> dict[int, int]:
    counts: dict[int, int] = {}
    for block in read_pdf(path).blocks:
        counts[block.page] = max(counts.get(block.page, 0), block.line)
    return counts


def test_an_omission_points_at_the_first_line_and_says_it_is_the_whole_document(fixtures_sarif):
    results = fixtures_sarif["runs"][0]["results"]
    omissions = [r for r in results if r.get("properties", {}).get("omission")]
    assert len(omissions) >= 10
    formats = set()
    for r in omissions:
        assert _physical(r)["region"] == {"startLine": 1}, r["ruleId"]
        assert "about the whole document" in r["message"]["text"], r["message"]["text"]
        formats.add(Path(_physical(r)["artifactLocation"]["uri"]).suffix)
    assert {".pdf", ".docx", ".txt", ".md"} <= formats
    # a finding that points somewhere does not claim to be about the whole document
    pointed = [r for r in results if not r.get("properties", {}).get("omission") and _physical(r)["region"]["startLine"] > 1]
    assert pointed and not any("whole document" in r["message"]["text"] for r in pointed)


def test_the_pdf_page_is_kept(fixtures_sarif):
    results = fixtures_sarif["runs"][0]["results"]
    cp603 = next(r for r in results if r["ruleId"] == "CP603T"
                 and _physical(r)["artifactLocation"]["uri"].endswith("policy-breach-stage1-15-working-days.pdf"))
    assert _physical(cp603)["region"] == {"startLine": 15}
    assert cp603["properties"]["page"] == 3 and cp603["locations"][0]["properties"] == {"page": 3}
    assert "(page 3, line 15)" in cp603["message"]["text"]


def test_rules_describe_themselves_without_placeholder_links(fixtures_sarif):
    registry = default_registry()
    rules = fixtures_sarif["runs"][0]["tool"]["driver"]["rules"]
    assert PLACEHOLDER not in json.dumps(fixtures_sarif)
    assert "informationUri" not in fixtures_sarif["runs"][0]["tool"]["driver"]
    for descriptor in rules:
        rule = registry.rule(descriptor["id"])
        assert "helpUri" not in descriptor, descriptor["id"]
        assert descriptor["defaultConfiguration"]["level"] == LEVEL[rule.severity], rule.id
        text, md = descriptor["help"]["text"], descriptor["help"]["markdown"]
        for own in (rule.summary, rule.rationale, rule.breach_example, rule.compliant_example, rule.words()):
            own = " ".join(own.split())
            assert own in text and own in md, (rule.id, own[:60])
        for column in rule.columns:
            assert column in text and f"`{column}`" in md, (rule.id, column)
        if rule.provision:
            assert CODE_URL in text and f"]({CODE_URL})" in md, rule.id
            if rule.words():
                assert " ".join(rule.words().split()) in descriptor["fullDescription"]["text"], rule.id
        else:
            assert "not on a provision of the Code" in text, rule.id


def test_uris_are_relative_to_the_repository_root_from_a_subfolder(tmp_path, monkeypatch):
    repo = tmp_path / "templates-repo"
    (repo / ".git").mkdir(parents=True)  # what makes a folder a repository root
    sub = repo / "letters" / "stage 1"
    sub.mkdir(parents=True)
    letter(sub / "stage1-response.md", "This is our final decision.")

    monkeypatch.chdir(sub)
    inner = json.loads(run_cli(monkeypatch, "stage1-response.md", "--select", "TX", "--format", "sarif",
                               "--as-of", "2025-04-30").output)
    validate_sarif(inner)
    monkeypatch.chdir(repo)
    outer = json.loads(run_cli(monkeypatch, "letters/stage 1/stage1-response.md", "--select", "TX",
                               "--format", "sarif", "--as-of", "2025-04-30").output)

    for doc in (inner, outer):
        run = doc["runs"][0]
        assert run["originalUriBaseIds"][SRCROOT]["uri"] == repo.as_uri() + "/"
        assert {json.dumps(_physical(r)["artifactLocation"]) for r in run["results"]} == {
            json.dumps({"uri": "letters/stage%201/stage1-response.md", "uriBaseId": SRCROOT})}

    def prints(doc):
        return sorted(r["partialFingerprints"][FINGERPRINT_KEY] for r in doc["runs"][0]["results"])

    # the same alert whichever folder the job ran in: GitHub matches it, not a new one
    assert prints(inner) == prints(outer) and prints(inner)


def _render(tmp_path, monkeypatch, *findings: Finding) -> list[dict]:
    monkeypatch.chdir(tmp_path)
    registry = default_registry()
    results = Results(as_of=dt.date(2025, 4, 30), rules=[registry.rule(f.rule) for f in findings],
                      findings=list(findings))
    doc = json.loads(SarifFormatter().render(results))
    validate_sarif(doc)
    return doc["runs"][0]["results"]


def test_findings_with_no_line_still_get_a_region(tmp_path, monkeypatch):
    """A case-file finding without a row, a DOCX header finding, and a PDF finding that knows only
    its page: each lands on line 1 and its message says where it really is."""
    rule = default_registry().rule("CP603T")
    whole_file = Finding(rule="CD003", provision=None, severity=Severity.ERROR, message="case ids repeat",
                         path=str(tmp_path / "cases.csv"))
    header = Finding(rule=rule.id, provision=rule.provision, severity=Severity.ERROR, message="says 15 days",
                     path=str(tmp_path / "policy.docx"), location="header")
    page_only = Finding(rule=rule.id, provision=rule.provision, severity=Severity.ERROR, message="says 15 days",
                        path=str(tmp_path / "policy.pdf"), page=4)
    by_path = {Path(_physical(r)["artifactLocation"]["uri"]).name: r
               for r in _render(tmp_path, monkeypatch, whole_file, header, page_only)}
    for r in by_path.values():
        assert _physical(r)["region"] == {"startLine": 1}
    assert "about the whole file" in by_path["cases.csv"]["message"]["text"]
    assert "(header)" in by_path["policy.docx"]["message"]["text"]
    assert "whole document" not in by_path["policy.docx"]["message"]["text"]
    assert "(page 4)" in by_path["policy.pdf"]["message"]["text"]
    assert by_path["policy.pdf"]["properties"]["page"] == 4


def test_equal_findings_get_distinct_stable_fingerprints(tmp_path, monkeypatch):
    rule = default_registry().rule("CP503")
    same = [Finding(rule=rule.id, provision=rule.provision, severity=Severity.ERROR, message=m,
                    path=str(tmp_path / "policy.md"), line=63, anchor="a" * 16)
            for m in ("'three stages'", "'a stage 3 review'")]
    first = [r["partialFingerprints"][FINGERPRINT_KEY] for r in _render(tmp_path, monkeypatch, *same)]
    again = [r["partialFingerprints"][FINGERPRINT_KEY] for r in _render(tmp_path, monkeypatch, *same)]
    assert len(set(first)) == 2 and first == again
    assert {p.rsplit(":", 1)[1] for p in first} == {"1", "2"}


def test_outside_the_repository_root_is_an_absolute_file_uri(tmp_path, monkeypatch):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    outside = letter(tmp_path / "stage1-response.md", "This is our final decision.")
    monkeypatch.chdir(tmp_path / "repo")
    doc = json.loads(run_cli(monkeypatch, str(outside), "--select", "TX901", "--format", "sarif",
                             "--as-of", "2025-04-30").output)
    validate_sarif(doc)
    assert {json.dumps(_physical(r)["artifactLocation"]) for r in doc["runs"][0]["results"]} == {
        json.dumps({"uri": outside.as_uri()})}
    assert _file_path(doc["runs"][0]["originalUriBaseIds"][SRCROOT]["uri"]) == tmp_path / "repo"


_JSON_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(), st.text(),
                         st.floats(allow_nan=False, allow_infinity=False))
_JSON_VALUES = st.recursive(_JSON_LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=25)


@given(_JSON_VALUES, st.sampled_from(["", "  ", " " * 8]))
def test_results_are_written_as_json_dumps_indents_them(value, prefix):
    """SARIF's results are indented in one pass (the json module encodes indented JSON in Python,
    slowly): the text is json.dumps(indent=2)'s, each line after the first under the prefix."""
    from codecheck.formatters.sarif import indented

    assert indented(value, prefix) == json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + prefix)
