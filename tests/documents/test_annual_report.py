"""The annual complaints performance and service improvement report pack (rules/reports/,
Code 8.1(a)-(f) and 8.2) against its fixtures in fixtures/reports/, through the command line.

Each element the report leaves out is one omission, a warning (the report is itself what 8.1
requires): exit 1 under the default --fail-on warning, exit 0 under --fail-on error. A
complete report gives no finding at all.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from codecheck.catalogue import load_catalogue
from codecheck.documents import read_document
from codecheck.documents.kinds import infer_kind
from codecheck.documents.model import Document
from codecheck.documents.packs import document_rules
from codecheck.findings import Severity

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT / "fixtures" / "reports"
SCRIPT = ROOT / "fixtures" / "make_reports.py"

#: The elements of 8.1 and 8.2 (each an omission); CT002, the report's unfilled placeholders, is
#: tested with the annual report draft (tests/report/test_annual.py) and in its case file.
RULES = {rule.id: rule for rule in document_rules() if "annual_report" in rule.kinds and rule.id != "CT002"}
EXPECTED_IDS = {
    "CA801A": "8.1(a)", "CA801B": "8.1(b)", "CA801C": "8.1(c)", "CA801D": "8.1(d)",
    "CA801E": "8.1(e)", "CA801F": "8.1(f)", "CA802": "8.2",
}

# Each fixture and exactly the findings it gives: rule -> words its message must hold.
EXPECTED = {
    "annual-complaints-report-oakfield-2024-25.md": {},
    "annual-complaints-report-kestrel-vale-2024-25.docx": {
        "CA801E": "the ombudsman's annual report about the landlord's performance",
        "CA802": "the governing body's response",
    },
    "annual-complaints-report-marsh-lane-2024-25.pdf": {
        "CA801B": "a summary of the types of complaints the landlord refused to accept",
    },
}


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "codecheck", "check", *args], capture_output=True, text=True, cwd=ROOT)


def findings_of(*args: str) -> dict:
    proc = cli("--format", "json", *args)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def hits(rule_id: str, text: str) -> list[str]:
    from codecheck.documents.model import Block

    lines = [line for line in text.splitlines() if line.strip()]
    document = Document(path="snippet.txt", format="text",
                        blocks=[Block(text=" ".join(line.split()), line=n) for n, line in enumerate(lines, 1)])
    out: list[str] = []
    RULES[rule_id].check(document, None, lambda block, message, severity=None: out.append(message))
    return out


# -- the pack -------------------------------------------------------------------------------


def test_the_pack_has_one_rule_per_element():
    assert {rid: rule.provision for rid, rule in RULES.items()} == EXPECTED_IDS
    for rule in RULES.values():
        assert rule.kinds == ("annual_report",)
        assert rule.omission and rule.severity is Severity.WARNING, rule.id
        assert rule.words(), f"{rule.id}: the Code's words come from the catalogue"
        load_catalogue().item_text(rule.provision)


@pytest.mark.parametrize("rule_id", sorted(EXPECTED_IDS))
def test_the_rules_own_examples(rule_id):
    rule = RULES[rule_id]
    assert hits(rule_id, rule.breach_example), f"{rule_id}: its breach example gives no finding"
    assert not hits(rule_id, rule.compliant_example), f"{rule_id}: its compliant example gives a finding"


def test_the_codes_own_list_quoted_in_an_introduction_meets_nothing():
    """Reports often open by quoting 8.1 and 8.2: the Code's words are not the elements."""
    quoted = (
        "The Code says landlords must produce an annual complaints performance and service improvement report "
        "for scrutiny and challenge, which must include: the annual self-assessment against this Code to ensure "
        "their complaint handling policy remains in line with its requirements; a qualitative and quantitative "
        "analysis of the landlord's complaint handling performance. This must also include a summary of the "
        "types of complaints the landlord has refused to accept; any findings of non-compliance with this Code "
        "by the Ombudsman; the service improvements made as a result of the learning from complaints; any annual "
        "report about the landlord's performance from the Ombudsman; and any other relevant reports or "
        "publications produced by the Ombudsman in relation to the work of the landlord. The governing body's "
        "response to the report must be published alongside this."
    )
    assert [rid for rid in sorted(RULES) if hits(rid, quoted)] == sorted(RULES)


# -- the fixtures ----------------------------------------------------------------------------


def test_fixture_set_and_kinds():
    assert sorted(p.name for p in REPORTS.iterdir()) == sorted(EXPECTED)
    assert {p.suffix for p in REPORTS.iterdir()} == {".md", ".docx", ".pdf"}
    for name in EXPECTED:
        assert infer_kind(REPORTS / name) == "annual_report", name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_gives_exactly_its_intended_findings(name):
    data = findings_of(str(REPORTS / name))
    assert data["summary"]["files"][0]["kind"] == "annual_report"
    got = {f["rule"]: f for f in data["findings"]}
    assert sorted(got) == sorted(EXPECTED[name]), [f"{f['rule']}: {f['message']}" for f in data["findings"]]
    for rule_id, words in EXPECTED[name].items():
        finding = got[rule_id]
        assert finding["severity"] == "warning" and finding["omission"] is True
        assert finding["message"].startswith("the annual report does not include")
        assert words in finding["message"].lower()
        assert finding["line"] is None and finding["page"] is None and finding["paragraph"] is None


def test_the_refusals_finding_names_only_what_is_missing():
    (finding,) = findings_of(str(REPORTS / "annual-complaints-report-marsh-lane-2024-25.pdf"))["findings"]
    assert "figures" not in finding["message"] and "what the complaints were about" not in finding["message"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_exit_codes_follow_fail_on(name):
    path = str(REPORTS / name)
    expected = 1 if EXPECTED[name] else 0
    assert cli(path).returncode == expected
    assert cli(path, "--fail-on", "error").returncode == 0


def test_text_output_lists_them_as_not_found():
    out = cli(str(REPORTS / "annual-complaints-report-kestrel-vale-2024-25.docx")).stdout
    assert "not found in this document:" in out
    assert "8.1(e) warning: the annual report does not include" in out and "[CA801E]" in out
    assert "8.2 warning: the annual report does not include" in out and "[CA802]" in out


def test_kind_given_on_the_command_line(tmp_path):
    copy = tmp_path / "report-2025.docx"
    shutil.copy(REPORTS / "annual-complaints-report-kestrel-vale-2024-25.docx", copy)
    assert infer_kind(copy) is None
    assert cli(str(copy)).returncode == 2  # the name cannot tell: never guessed
    data = findings_of(str(copy), "--kind", "annual_report")
    assert sorted(f["rule"] for f in data["findings"]) == ["CA801E", "CA802"]


def test_a_response_published_elsewhere_is_covered_elsewhere(tmp_path):
    (tmp_path / "codecheck.yaml").write_text('covered_elsewhere:\n  "8.2": "Board minutes, 19 June 2025"\n',
                                             encoding="utf-8")
    path = str(REPORTS / "annual-complaints-report-kestrel-vale-2024-25.docx")
    proc = subprocess.run([sys.executable, "-m", "codecheck", "check", path, "--show-suppressed"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr  # 8.1(e) is still missing
    assert "[CA802] [suppressed: covered elsewhere: Board minutes, 19 June 2025]" in proc.stdout


# -- the generator ---------------------------------------------------------------------------


def _content(path: Path):
    """What a fixture says, independent of compression and library versions."""
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as zf:
            return {name: zf.read(name) for name in zf.namelist()}
    if path.suffix == ".pdf":
        doc = read_document(path)
        return doc.pages, [(b.page, b.line, b.text) for b in doc.blocks]
    return path.read_bytes()


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], check=True, cwd=ROOT)
    return out


def test_committed_fixtures_match_the_script(generated):
    assert sorted(p.name for p in generated.iterdir()) == sorted(EXPECTED)
    for name in EXPECTED:
        assert _content(generated / name) == _content(REPORTS / name), (
            f"fixtures/reports/{name} differs from what fixtures/make_reports.py makes; run it again")
