"""`codecheck report --annual`: the annual complaints performance and service improvement report
(Code 8.1, 8.2) as a Word draft and an HTML page, checked with the real `codecheck` command.

The draft is built from the bundled fixtures; the test fills every placeholder with short
sentences of its own, as an officer would in Word, and `codecheck FILE --kind annual_report`
must then report nothing under 8.1 and 8.2. The unfilled draft must not pass: each element the
officers still have to write is reported missing.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from codecheck.cli import main
from codecheck.documents.ruletypes.placeholder import _placeholder_spans

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "fixtures/cases.csv"
KEPT = ROOT / "fixtures/cases/officer-kept.xlsx"
ARGS = ["--period", "2024/25", "--as-of", "2025-04-30"]

#: What an officer writes in place of each placeholder, by the placeholder's first words.
FILLED = {
    "[DELETE THIS NOTE": "",
    "[INSERT an introduction": "We are Vale Homes, a housing association with 5,000 homes; residents can complain "
                               "by phone, by e-mail, by letter or in person.",
    "[INSERT the outcome of this year's self-assessment": "We have assessed ourselves against the Complaint Handling "
                                                          "Code in March 2025 and comply with every provision.",
    "[INSERT the qualitative analysis": "The main theme this year was delays to repairs; most late responses came in "
                                        "the summer, when two investigators were on leave.",
    "[INSERT a sentence on each type of refusal": "Complaints about events more than a year old fall outside our "
                                                  "complaints policy, as do matters already before a court.",
    "[INSERT the number turned down": "We did not accept four complaints: three were out of time and one was already "
                                      "before a court.",
    "[INSERT any findings of non-compliance": "The Housing Ombudsman made no findings of non-compliance with the Code "
                                              "about us this year.",
    "[INSERT the service improvements": "What we have learned: repair appointments were often missed, so we now text "
                                        "residents the day before every visit.",
    "[INSERT any annual report about": "The Housing Ombudsman's landlord performance report for 2024/25 found "
                                              "maladministration in one of the three cases it determined about us.",
    "[INSERT any other relevant reports": "We have reviewed our damp and mould service against the Ombudsman's "
                                          "spotlight report on damp and mould.",
    "[DATE THE GOVERNING BODY": "12 June 2025",
    "[INSERT what the governing body concluded": "Response from our Board: the Board scrutinised this report on 12 "
                                                 "June 2025 and asked for quarterly updates on stage 2 response times.",
    "[INSERT the page of our website": "This report is published at www.valehomes.example/complaints.",
}

#: What the records cannot give: reported missing until the officers write it, and each placeholder
#: left in the draft (CT002, an error: it would be published as it is).
UNWRITTEN = {"CA801A", "CA801B", "CA801D", "CA801E", "CA801F", "CA802", "CT002"}


def run(*args):
    return CliRunner().invoke(main, ["report", *args], catch_exceptions=False)


def annual_docx(tmp_path: Path, source: Path = CASES, *extra: str) -> Path:
    out = tmp_path / f"annual-{source.stem}.docx"
    result = run(str(source), "--annual", *ARGS, *extra, "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


def paragraphs(path: Path) -> list:
    """Every paragraph of the document, in the body and in table cells."""
    document = docx.Document(str(path))
    out = list(document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                out.extend(cell.paragraphs)
    return out


def text_of(path: Path) -> str:
    return "\n".join(p.text for p in paragraphs(path))


def placeholders_in(text: str) -> list[str]:
    """The unfilled placeholders the letter rules' placeholder check (CT001) finds."""
    return [text[s:e] for s, e in _placeholder_spans(text)]


def fill(path: Path, out: Path, expected: int | None = None) -> Path:
    """Replace each placeholder paragraph with an officer's sentence, as in Word (`expected`: how
    many are filled; by default all but one: a draft has one of the two refusal placeholders, the
    one on each type of refusal where refusals are recorded, the other where they are not)."""
    document = docx.Document(str(path))
    filled = 0
    for p in document.paragraphs:
        for start, words in FILLED.items():
            if p.text.startswith(start):
                for run_ in p.runs[1:]:
                    run_.text = ""
                p.runs[0].text = words
                p.runs[0].font.highlight_color = None
                filled += 1
    if expected is None:
        expected = len(FILLED) - 1
    assert filled == expected
    document.save(str(out))
    return out


def check(path: Path) -> tuple[int, set[str]]:
    """`codecheck FILE --kind annual_report`, the real command: exit code and the rules reported."""
    done = subprocess.run([sys.executable, "-m", "codecheck", str(path), "--kind", "annual_report", "--format", "json"],
                          check=False, capture_output=True, text=True, cwd=path.parent)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, {f["rule"] for f in json.loads(done.stdout)["findings"]}


@pytest.fixture(scope="module")
def draft(tmp_path_factory) -> Path:
    return annual_docx(tmp_path_factory.mktemp("annual"))


def test_the_docx_opens_and_reads_as_the_annual_report(draft):
    document = docx.Document(str(draft))
    title = [p.text for p in document.paragraphs if p.style.name == "Title"]
    assert title == ["Annual complaints performance and service improvement report 2024/25"]
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert [h.split()[0] for h in headings[1:]] == ["8.1(a)", "8.1(b)", "8.1(c)", "8.1(d)", "8.1(e)", "8.1(f)", "8.2"]
    assert headings[0] == "About this report"
    subheadings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert "Complaints we did not accept" in subheadings and "Our figures for the year" in subheadings
    # the Code's own words under each heading, so officers see what each part must hold
    text = text_of(draft)
    assert "any findings of non-compliance with this Code by the Ombudsman" in text
    assert "The governing body's response to the report must be published alongside this." in text


def test_the_figures_are_the_board_reports_for_the_same_period(draft):
    board = json.loads(run(str(CASES), *ARGS, "--format", "json").output)
    figure = {f["key"]: f["cells"][-1] for s in board["sections"] for f in s["figures"]}
    headline = {h["key"]: h for h in board["summary"]["headlines"]}
    rows = {row.cells[0].text.strip(): row.cells[1].text for table in docx.Document(str(draft)).tables
            for row in table.rows}
    assert rows["Stage 1 complaints"] == str(figure["stage1"]["n"]) == "269"
    assert rows["Stage 2 complaints"] == str(figure["stage2"]["n"])
    assert rows["Complaints received"] == str(figure["complaints"]["n"])
    for n in (1, 2):
        cell = figure[f"s{n}_response"]
        # named beside the figure as the board report names it: within the Code's timescale, TSM CH02
        assert rows[f"Stage {n} answered within the Code's timescale (TSM CH02 ({n}))"] == (
            f"{cell['pct']:.1f}% ({cell['n']} of {cell['of']})")
        days = headline[f"s{n}_days"]["period"]
        assert rows[f"Average working days to respond at stage {n}"] == f"{days['value']:.1f} days ({days['n']})"
    rate = headline["escalation_rate"]["period"]
    assert rows["Escalation rate"] == f"{100 * rate['n'] / rate['of']:.1f}% ({rate['n']} of {rate['of']})"
    # the types of complaint refused, as the board report tallies them
    refused = {f["label"]: f["cells"][-1] for s in board["sections"] if s["key"] == "refused"
               for f in s["figures"][1:] if f["cells"][-1]["n"]}
    assert len(refused) >= 3
    assert all(rows[label] == f"{c['pct']:.1f}% ({c['n']} of {c['of']})" for label, c in refused.items())
    not_accepted = figure["not_accepted"]
    assert f"We did not accept {not_accepted['n']} of the {not_accepted['of']} complaints" in text_of(draft)
    # 8.1(c) from the records: the complaint handling failure orders recorded
    assert f"Complaint handling failure orders recorded for complaints received in 2024/25: {figure['cfo']['n']}." \
        in text_of(draft)


def test_every_placeholder_is_one_the_placeholder_rule_recognises(draft):
    text = text_of(draft)
    found = placeholders_in(text)
    marked = [p.text for p in paragraphs(draft) if p.runs and p.runs[0].font.highlight_color is not None]
    assert len(found) == len(marked) >= 10
    assert all(re.fullmatch(r"\[[^\[\]]+\]", p) for p in found)
    assert set(found) == set(marked)


def test_the_unfilled_draft_does_not_pass(draft):
    code, rules = check(draft)
    assert code == 1
    assert rules == UNWRITTEN
    # every placeholder left is its own error, located at its paragraph, not only the sections missing
    done = subprocess.run([sys.executable, "-m", "codecheck", str(draft), "--kind", "annual_report", "--format",
                           "json", "--select", "CT002"], capture_output=True, text=True, cwd=draft.parent, check=False)
    found = [f for f in json.loads(done.stdout)["findings"] if f["rule"] == "CT002"]
    assert len(found) == len(placeholders_in(text_of(draft))) and all(f["paragraph"] for f in found)
    assert all(f["severity"] == "error" for f in found)


def test_once_filled_it_passes_the_annual_report_rules(draft, tmp_path):
    filled = fill(draft, tmp_path / "annual-filled.docx")
    assert placeholders_in(text_of(filled)) == []
    code, rules = check(filled)
    assert not {r for r in rules if r.startswith("CA80")}, rules
    assert code == 0


def test_officer_kept_workbook_with_fewer_columns(tmp_path):
    """An export without stage 2, refusal or Ombudsman columns: those figures read "not recorded",
    8.1(c) is left to the officers, and filling the placeholders still passes."""
    path = annual_docx(tmp_path, KEPT)
    text = text_of(path)
    assert "not recorded" in text
    code, rules = check(path)
    assert code == 1 and rules == UNWRITTEN | {"CA801C"}  # nothing recorded of the Ombudsman's findings
    fill(path, tmp_path / "filled.docx")
    assert placeholders_in(text_of(tmp_path / "filled.docx")) == []
    code, rules = check(tmp_path / "filled.docx")
    assert code == 0 and not rules


def test_no_personal_details_from_the_records(draft):
    text = text_of(draft)
    assert "CMP-" not in text  # not even case ids
    rows = CASES.read_text(encoding="utf-8").splitlines()[1:]
    handlers = {row.split(",")[11] for row in rows if row.split(",")[11]}
    assert handlers and not any(name in text for name in handlers)


def test_html_has_the_same_content_and_passes_once_filled(tmp_path, draft):
    result = run(str(CASES), "--annual", *ARGS)
    assert result.exit_code == 0 and result.output.startswith("<!DOCTYPE html>")
    html = result.output
    for heading in ("8.1(a)", "8.1(f)", "8.2", "Complaints we did not accept"):
        assert heading in html
    plain = re.sub(r"<[^>]+>", "\n", html).replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")
    assert set(placeholders_in(plain)) == set(placeholders_in(text_of(draft)))
    page = tmp_path / "annual-report.html"
    page.write_text(html, encoding="utf-8")
    assert check(page) == (1, UNWRITTEN)
    for start, words in FILLED.items():
        html = re.sub(r'<mark class="placeholder">' + re.escape(start.replace("'", "&#x27;")) + r"[^<]*</mark>",
                      words.replace("'", "&#x27;"), html)
    page.write_text(html, encoding="utf-8")
    assert check(page) == (0, set())


@pytest.mark.parametrize("args,words", [
    (["--annual", "--format", "docx"], "give -o FILE.docx"),
    (["--annual", "--format", "md"], "docx or html"),
    (["--annual", "--show-values"], "--show-values"),
    (["--format", "docx"], "add --annual"),
])
def test_usage_errors(args, words):
    result = run(str(CASES), *ARGS, *args)
    assert result.exit_code == 2 and words in result.output


def test_docx_suffix_writes_word_and_title_can_be_set(tmp_path):
    out = tmp_path / "annual.docx"
    result = run(str(CASES), "--annual", *ARGS, "--title", "Complaints annual report", "-o", str(out))
    assert result.exit_code == 0 and "(docx)" in result.output
    assert docx.Document(str(out)).paragraphs[0].text == "Complaints annual report 2024/25"


def test_ombudsman_determinations_fill_8_1_c_from_the_records(report_of, tmp_path):
    """With the optional Ombudsman columns mapped, 8.1(c) gives the determinations, their findings and the
    orders complied with, counted as the board report counts them; no free text is shown."""
    from codecheck.report.annual import build_annual
    from codecheck.report.annual_docx import render_docx

    from .rows import STAGE1_ROWS

    extra = {"A": ("12/09/2024", "Severe maladministration (order to pay Ms X)", "01/10/2024"),
             "B": ("05/11/2024", "Service failure", ""), "D": ("20/01/2025", "No maladministration", "")}
    rows = [{**r, "ombudsman_determination_date": extra.get(r["case_id"], ("", "", ""))[0],
             "ombudsman_finding": extra.get(r["case_id"], ("", "", ""))[1],
             "ombudsman_order_complied_date": extra.get(r["case_id"], ("", "", ""))[2]} for r in STAGE1_ROWS]
    board = report_of(rows)
    annual = build_annual(board)
    part = next(p for p in annual.parts if p.code == "8.1(c)")
    words = [b.text for b in part.blocks if hasattr(b, "text")]
    assert any(w.endswith(f"from the case records: {board.figure('determined').period.n}.") for w in words)
    assert board.figure("determined").period.n == 3
    table = next(b for b in part.blocks if hasattr(b, "rows"))
    assert ["Severe maladministration", "33.3% (1 of 3)"] in table.rows
    assert ["Service failure", "33.3% (1 of 3)"] in table.rows
    assert any("orders we have complied with" in w and "(1 of 3)" in w for w in words)
    path = tmp_path / "annual.docx"
    path.write_bytes(render_docx(annual))
    assert "Ms X" not in text_of(path)
    code, rules = check(path)
    assert "CA801C" not in rules and code == 1


def test_a_year_with_no_refusals_says_so(report_of):
    from codecheck.report.annual import build_annual

    from .rows import STAGE1_ROWS

    part = next(p for p in build_annual(report_of([{**r, "accepted": "yes"} for r in STAGE1_ROWS])).parts
                if p.code == "8.1(b)")
    refused = dict(b for b in part.blocks if isinstance(b, tuple))["Complaints we did not accept"]
    assert refused[0].text.startswith("We did not refuse to accept any of the")
