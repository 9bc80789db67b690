"""HTML, Markdown and JSON carry the same figures; the HTML is self-contained and
readable in print; no output carries residents' details."""

import csv
import json
import re
from pathlib import Path

import pytest

from codecheck.config import Config
from codecheck.report import build_report
from codecheck.report.formats import render
from codecheck.report.render_md import cell_text

from . import PERIOD

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "fixtures/cases.csv"
FREE_TEXT = ("stage1_handler", "stage2_handler", "refusal_reason", "remedy", "reasonable_adjustments",
             "stage1_extension_reason", "stage2_extension_reason", "escalation_refused_reason",
             "stage1_definition", "stage2_definition")


@pytest.fixture(scope="module")
def fixture_report():
    import datetime as dt

    report, results = build_report([FIXTURE], Config(), PERIOD, dt.date(2025, 4, 30), homes=5000)
    assert not results.problems
    return report


@pytest.fixture(scope="module")
def outputs(fixture_report):
    return {fmt: render(fixture_report, fmt) for fmt in ("html", "md", "json")}


def test_html_is_self_contained(outputs):
    html = outputs["html"]
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    lowered = html.lower()
    for banned in ("http:", "https:", "//cdn", "<script", "<link", "<img", "<iframe", "url(", "@import", " src=", "href="):
        assert banned not in lowered, banned
    assert lowered.count("<svg") == 5  # summary: stage 1 and 2 in time; per month, on time per quarter, categories
    assert "@media print" in html and "size: A4" in html


def test_no_residents_details_from_the_fixture(outputs):
    values = set()
    with open(FIXTURE, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            for column in FREE_TEXT:
                value = row[column].strip()
                if len(value) >= 6 and value.lower() not in ("yes", "no"):
                    values.add(value)
    assert len(values) > 50
    for fmt, text in outputs.items():
        leaked = sorted(v for v in values if v in text)
        assert not leaked, (fmt, leaked[:5])


def test_no_resident_names_from_a_hand_made_file(report_of):
    rows = [{
        "case_id": "N1", "received_date": "03/06/2024", "resident_name": "Philippa Zanzibar-Quist",
        "address": "17 Larkspur Mews", "stage1_handler": "Orlando Brackenbury", "accepted": "No",
        "refusal_reason": "Mrs Philippa Zanzibar-Quist already complained in 2023", "category": "Repairs",
        "remedy": "Pay Philippa Zanzibar-Quist 50 pounds", "reasonable_adjustments": "Call Orlando first",
        "stage1_definition": "Leak at 17 Larkspur Mews",
    }]
    r = report_of(rows)
    for fmt in ("html", "md", "json"):
        text = render(r, fmt)
        for secret in ("Zanzibar", "Larkspur", "Brackenbury", "Orlando", "Philippa"):
            assert secret not in text, (fmt, secret)
    assert r.figure("refusal.Already considered under the complaints procedure").period.n == 1


def _md_tables(md):
    """The rows of the figure tables, in order: the cells after the label."""
    rows, inside = [], False
    for line in md.splitlines():
        if line.startswith(("| Figure", "| Measure")):
            inside = True
        elif not line.startswith("|"):
            inside = False
        elif inside and not line.startswith("|---"):
            rows.append([c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]])
    return rows


def test_markdown_and_json_carry_the_same_figures(fixture_report, outputs):
    md = outputs["md"]
    md_rows = iter(_md_tables(md[md.index("## Tenant Satisfaction Measures"):]))  # after the summary
    doc = json.loads(outputs["json"])
    for section, jsection in zip(fixture_report.sections, doc["sections"]):
        for fig, jfig in zip(section.figures, jsection["figures"]):
            row = next(md_rows)
            assert row[0].removeprefix("\u2013 ") == fig.label.replace("|", "\\|")
            texts = [cell_text(fig, c) for c in fig.cells]
            assert texts == (row[1:6] if section.key == "tsm" else row[2:7]), fig.key
            assert [c["n"] for c in jfig["cells"]] == [c.n for c in fig.cells]
            assert [c["of"] for c in jfig["cells"]] == [c.of for c in fig.cells]
            assert jfig["definition"] == fig.definition and fig.definition
    assert next(md_rows, None) is None


def test_html_shows_every_period_figure_and_its_definition(fixture_report, outputs):
    html = outputs["html"]
    for section in fixture_report.sections:
        for fig in section.figures:
            cell = fig.period
            if fig.kind == "share" and cell.of:
                assert f"{cell.pct:.1f}%<span class=\"of\">{cell.n} of {cell.of}</span>" in html, fig.key
            elif fig.kind == "count" and not fig.missing:
                assert f"<td class=\"period\">{cell.n}</td>" in html, fig.key
    for key in ("CH01_1", "CH01_2", "CH02_1", "CH02_2"):
        from html import escape

        assert escape(fixture_report.figure(key).definition) in html


def test_json_is_plain_data(outputs):
    doc = json.loads(outputs["json"])
    assert doc["period"] == {"label": "2024/25", "start": "2024-04-01", "end": "2025-03-31", "dates": "Apr 2024\u2013Mar 2025"}
    assert [q["label"] for q in doc["quarters"]] == ["Q1 2024/25", "Q2 2024/25", "Q3 2024/25", "Q4 2024/25"]
    assert doc["homes"] == 5000 and doc["as_of"] == "2025-04-30"
    assert sum(doc["monthly"]["stage1"]) == 269
