"""The SA rules on the seeds, on every fixture layout and on each bad variant; junk never raises."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codecheck.calendar import WorkingCalendar
from codecheck.config import Config
from codecheck.documents import read_document
from codecheck.engine import DocumentContext, Engine
from codecheck.findings import Severity
from codecheck.registry import default_registry
from codecheck.selfassessment import self_assessment_rules
from codecheck.selfassessment.parse import parse_form

from .conftest import FIXTURES, GENERATOR, SEED_000, SEED_001, needs_seeds, problems, run_rules, text_document

COMPLIANT = [
    "self-assessment-2024-table.pdf",
    "self-assessment-2024-table.docx",
    "self-assessment-2024-glued.txt",
    "self-assessment-2024-page.html",
    "self-assessment-2024-pipes.md",
]
LAYOUTS = {
    "self-assessment-2024-table.pdf": "lines",
    "self-assessment-2024-table.docx": "cells",
    "self-assessment-2024-glued.txt": "lines",
    "self-assessment-2024-page.html": "lines",
    "self-assessment-2024-pipes.md": "rows",
}
# Each bad variant: exactly these (rule, provision named first in the message) above info.
BAD = {
    "self-assessment-bad-copy-paste.docx": [("SA006", "6.3")],
    "self-assessment-bad-blank-answers.pdf": [("SA002", "5.4"), ("SA002", "7.2")],
    "self-assessment-bad-no-date.html": [("SA003", "4.1"), ("SA004", "3.2")],
    "self-assessment-bad-missing.md": [("SA001", "section 4"), ("SA001", "6.14")],
    "self-assessment-bad-swapped.txt": [("SA005", "6.4"), ("SA005", "6.5")],
    "self-assessment-bad-2022-code.docx": [("SA007", None)],
}
_FIRST_REF = re.compile(r"section \d|\d\.\d{1,2}")


def named(hit) -> str | None:
    match = _FIRST_REF.search(hit.message)
    return match.group(0) if match else None


# --- rule metadata ---------------------------------------------------------------------------------


def test_rules_are_registered_with_their_documentation():
    registry = default_registry()
    rules = self_assessment_rules()
    assert [r.id for r in rules] == [f"SA00{i}" for i in range(9)]
    for rule in rules:
        assert registry.rules[rule.id] is rule or registry.rules[rule.id].id == rule.id
        assert rule.kinds == ("self_assessment",)
        assert rule.provision == "8.1"
        assert "self-assessment against this Code" in rule.words()
        assert rule.rationale and rule.breach_example and rule.compliant_example and rule.check
    assert registry.rules["SA000"].severity == Severity.INFO
    assert registry.rules["SA004"].severity == Severity.WARNING


# --- the seeds --------------------------------------------------------------------------------------


@needs_seeds
def test_seed_000_a_form_of_one_section_says_so_once():
    # Seed 000 is section 9 alone, as landlords that publish a page per section do: one note,
    # not an error for each of the eight other sections.
    hits = run_rules(SEED_000)
    assert problems(hits) == []
    found = [h for h in hits if h.rule == "SA001"]
    assert [(h.rule, h.severity) for h in found] == [("SA001", Severity.INFO)]
    assert found[0].message.startswith("the form covers only section 9 (Scrutiny and oversight")
    assert "sections 1, 2, 3, 4, 5, 6, 7, 8 are not on it" in found[0].message
    summaries = [h for h in hits if h.rule == "SA000"]
    assert len(summaries) == 9
    assert summaries[0].message == ("section 1, Definition of a complaint: 0 Yes, 0 No, 0 In progress, "
                                    "5 missing: 1.2-1.6 (5 provisions)")
    assert summaries[8].message == (
        "section 9, Scrutiny and oversight: continuous learning and improvement: 8 Yes, 0 No, 0 In progress, "
        "0 missing (8 provisions)")


def test_a_form_of_two_sections_names_each_missing_section(tmp_path):
    from codecheck.documents.readers import read_document
    from codecheck.selfassessment import self_assessment_rules

    path = tmp_path / "self-assessment.md"
    path.write_text(
        "| Provision | Requirement | Comply | Evidence |\n|---|---|---|---|\n"
        "| 1.2 | A complaint must be defined as an expression of dissatisfaction, however made | Yes | Policy 2 |\n"
        "| 9.1 | Landlords must look beyond the circumstances of the individual complaint | Yes | Board report |\n",
        encoding="utf-8")
    document = read_document(path)
    rule = next(r for r in self_assessment_rules() if r.id == "SA001")
    got: list = []
    rule.check(document, None, lambda block, message, severity=None: got.append((message, severity)))
    sections = [m for m, _ in got if m.startswith("section ")]
    assert [m.split(" (")[0] for m in sections] == [f"section {n}" for n in range(2, 9)]
    assert all(sev is None for m, sev in got if m.startswith("section "))  # the rule's own severity: error


@needs_seeds
def test_seed_001_in_progress_without_a_date_and_nothing_else():
    """Six In progress answers; five give a date (by March 25, end of June 2024, October 2024,
    end of October 2024 twice); 9.8's says only "We will look to add this into management objectives."."""
    hits = run_rules(SEED_001)
    assert not [h for h in hits if h.severity == Severity.ERROR]
    [warning] = problems(hits)
    assert (warning.rule, named(warning), warning.where) == ("SA004", "9.8", "line 152")
    assert "management objectives" in warning.message
    summaries = [h.message for h in hits if h.rule == "SA000"]
    assert summaries[0] == "section 1, Definition of a complaint: 4 Yes, 0 No, 1 In progress, 0 missing (5 provisions)"
    assert summaries[7] == ("section 8, Self-assessment, reporting and compliance: 3 Yes, 0 No, 2 In progress, "
                            "0 missing (5 provisions)")


@needs_seeds
def test_seed_001_through_the_engine_with_kind():
    registry = default_registry()
    rules = registry.select(["SA", "SA000"], [], {})
    engine = Engine(registry, Config(), rules, dt.date(2025, 4, 30), kind="self_assessment")
    results = engine.run([str(SEED_001)])
    assert not results.problems
    shown = [(f.rule, f.severity.label, f.line) for f in results.findings if f.severity > Severity.INFO]
    assert ("SA004", "warning", 152) in shown
    # As of 30/04/2025 the five dated In progress answers (by March 25, June 2024, October 2024 ...)
    # are commitments whose date has passed.
    overdue = sorted(f.message.split(" ")[0] for f in results.findings if f.rule == "SA008")
    assert overdue == ["1.6", "3.2", "8.3", "8.5", "9.2"]
    assert all(f.severity.label == "warning" for f in results.findings if f.rule == "SA008")
    assert len(shown) == 6
    assert sum(f.rule == "SA000" for f in results.findings) == 9


@needs_seeds
def test_seed_001_before_its_dates_has_no_overdue_commitment():
    registry = default_registry()
    rules = registry.select(["SA"], [], {})
    results = Engine(registry, Config(), rules, dt.date(2024, 5, 1), kind="self_assessment").run([str(SEED_001)])
    assert [f.rule for f in results.findings if f.severity > Severity.INFO] == ["SA004"]


def test_the_summary_is_opt_in():
    """SA000's nine lines a form would drown the findings: it runs only when named."""
    registry = default_registry()
    assert "SA000" not in {r.id for r in registry.select([], [], {})}
    assert "SA000" not in {r.id for r in registry.select(["SA"], [], {})}
    assert "SA000" in {r.id for r in registry.select(["self-assessment-summary"], [], {})}


# --- fixtures ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", COMPLIANT)
def test_compliant_layouts_parse_whole_and_clean(name):
    path = FIXTURES / name
    form = parse_form(read_document(path))
    assert form.layout == LAYOUTS[name]
    assert len(form.entries) == 72 and form.superseded is None
    answers = {e.number: e.answer for e in form.entries}
    assert (answers["1.6"], answers["8.3"], answers["9.8"]) == ("in_progress", "no", "partial")
    assert sum(a == "yes" for a in answers.values()) == 69
    hits = run_rules(path)
    assert problems(hits) == []
    assert [h.rule for h in hits] == ["SA000"] * 9


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_variants_give_exactly_their_findings(name):
    hits = run_rules(FIXTURES / name)
    got = sorted((h.rule, named(h) if h.rule != "SA007" else None) for h in problems(hits))
    assert got == sorted(BAD[name])


def test_2022_form_is_one_error_and_nothing_else():
    hits = run_rules(FIXTURES / "self-assessment-bad-2022-code.docx")
    [hit] = hits
    assert hit.severity == Severity.ERROR
    assert "superseded 2022 Complaint Handling Code" in hit.message
    assert "Mandatory 'must' requirements" in hit.message and "third complaint stage" in hit.message
    assert hit.block is not None and hit.block.paragraph == 1  # "... (Appendix B)", the first sign


def test_findings_are_located_where_the_entry_starts():
    [hit] = problems(run_rules(FIXTURES / "self-assessment-bad-copy-paste.docx"))
    assert hit.where == "table at paragraph 13 (under 'Section 6: Complaint stages')"
    hits = problems(run_rules(FIXTURES / "self-assessment-bad-blank-answers.pdf"))
    assert [h.block.page for h in hits] == [3, 6]
    assert all(h.block.text.startswith(("5.4", "7.2")) for h in hits)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("self-assessment")
    subprocess.run([sys.executable, str(GENERATOR), "--out", str(out)], check=True, capture_output=True)
    return out


def test_committed_fixtures_match_the_generator(generated):
    made = sorted(p.name for p in generated.iterdir())
    assert made == sorted(p.name for p in FIXTURES.iterdir())
    for name in made:
        # Text-level comparison: a newer fpdf2 or python-docx may write other bytes for the same text.
        assert read_document(generated / name).text() == read_document(FIXTURES / name).text(), (
            f"fixtures/self-assessment/{name} has drifted from fixtures/make_self_assessments.py: "
            "run `python fixtures/make_self_assessments.py`")


def test_generator_is_deterministic(generated, tmp_path):
    subprocess.run([sys.executable, str(GENERATOR), "--out", str(tmp_path)], check=True, capture_output=True)
    for path in generated.iterdir():
        assert path.read_bytes() == (tmp_path / path.name).read_bytes(), path.name


# --- small forms ------------------------------------------------------------------------------------


def test_no_answer_and_an_unclear_answer(tmp_path):
    """In a table the answer column is known: a blank is an error, other words a warning."""
    path = tmp_path / "self-assessment.md"
    path.write_text(
        "| Code provision | Code requirement | Comply | Evidence |\n|---|---|---|---|\n"
        "| 6.2 | Complaints must be acknowledged, defined and logged at stage 1 of the complaints procedure "
        "within five working days of the complaint being received. |  | Policy 4.1 |\n"
        "| 6.3 | Landlords must issue a full response to stage 1 complaints within 10 working days of the "
        "complaint being acknowledged. | Maybe | Policy 4.2 |\n"
        "| 6.4 | Landlords must decide whether an extension to this timescale is needed | Yes | Policy 4.3 |\n",
        encoding="utf-8",
    )
    hits = problems(run_rules(path))
    by = {(h.rule, named(h), h.severity) for h in hits if h.rule == "SA002"}
    assert by == {("SA002", "6.2", Severity.ERROR), ("SA002", "6.3", Severity.WARNING)}


def test_no_with_explanation_and_date_is_fine_without_either_is_not():
    base = ("6.3Landlords must issue a full response to stage 1 complaints within 10 working days of the "
            "complaint being acknowledged.")
    fine = problems(run_rules(text_document([base, "No", "New templates in place by end of June 2025."])))
    assert [h.rule for h in fine if h.rule in ("SA003", "SA004")] == []
    bare = problems(run_rules(text_document([base, "No"])))
    assert [h.rule for h in bare if h.rule in ("SA003", "SA004")] == ["SA003"]
    undated = problems(run_rules(text_document([base, "Partial", "Templates being rewritten."])))
    assert [(h.rule, h.severity) for h in undated if h.rule in ("SA003", "SA004")] == [("SA004", Severity.WARNING)]


def test_a_text_from_no_provision_is_a_warning():
    doc = text_document(["6.3Our tenants love the new garden scheme and the summer fete was a big success.", "Yes"])
    [hit] = [h for h in run_rules(doc) if h.rule == "SA005"]
    assert hit.severity == Severity.WARNING and "or any other provision" in hit.message


def test_an_empty_form_says_so_once():
    hits = run_rules(text_document(["Our self-assessment", "We comply with everything."]))
    assert [(h.rule, h.severity) for h in hits] == [("SA001", Severity.ERROR)]
    assert "no Code provisions found" in hits[0].message


# --- junk ------------------------------------------------------------------------------------------

_PIECES = st.sampled_from([
    "6.3", "9.1", "1.2A complaint must", "Yes", "No", "In progress", "N/A", "Partial", "YesTo be",
    "Section 4: Complaint handling principles", "Mandatory 'must' requirements", "Stage 3", "\t", "|", " ",
    "a. the complaint stage;", "\u2022", "Landlords must", "by March 25", "6.9(a)", "Page 2 of 3", "\f",
    "Code provision\tCode requirement\tComply\tEvidence\tCommentary", "5.2 of our policy", "31.03.2025",
])
_JUNK = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(_PIECES, st.text(max_size=30)), max_size=60).map(lambda parts: "".join(parts)),
    st.lists(st.lists(st.one_of(_PIECES, st.text(max_size=20)), max_size=6).map("\t".join), max_size=30).map("\n".join),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=_JUNK, suffix=st.sampled_from([".txt", ".md", ".html"]))
def test_junk_never_raises(tmp_path, junk, suffix):
    from codecheck.errors import InputError

    path = tmp_path / f"self-assessment{suffix}"
    path.write_text(junk, encoding="utf-8")
    try:
        document = read_document(path)
    except InputError:
        return  # the reader's own business: an empty or binary file
    ctx = DocumentContext(kind="self_assessment", calendar=WorkingCalendar("england-and-wales", []), as_of=dt.date(2025, 4, 30))
    for rule in self_assessment_rules():
        rule.check(document, ctx, lambda block, message, *, severity=None: None)
