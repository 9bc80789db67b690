"""The annual report draft's HTML page in headless Chromium (Playwright; the browser is
CODECHECK_CHROMIUM, else `chromium` on the PATH, else Playwright's own): it fits the window
without sideways scrolling, shows every placeholder highlighted, and prints on A4 pages.
Skipped where no Chromium can be started."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from codecheck.cli import main

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def page():
    path = os.environ.get("CODECHECK_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_api.sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=path, args=["--no-sandbox"]) if path else p.chromium.launch()
        except Exception as exc:  # noqa: BLE001 -- no browser here: say so plainly
            pytest.skip(f"no headless Chromium can be started here ({str(exc).splitlines()[0]})")
        tab = browser.new_page(viewport={"width": 900, "height": 1000})
        yield tab
        browser.close()


@pytest.mark.parametrize("source", ["cases.csv", "cases/officer-kept.xlsx"])
def test_the_page_fits_the_window_and_marks_the_placeholders(page, tmp_path, source):
    out = tmp_path / "annual.html"
    result = CliRunner().invoke(main, ["report", str(ROOT / "fixtures" / source), "--annual", "--period", "2024/25",
                                       "--as-of", "2025-04-30", "--homes", "5000", "-o", str(out)])
    assert result.exit_code == 0, result.output
    page.goto(out.as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 900  # no sideways scrolling
    headings = page.locator("h2").all_inner_texts()
    assert [h.split()[0] for h in headings[1:]] == ["8.1(a)", "8.1(b)", "8.1(c)", "8.1(d)", "8.1(e)", "8.1(f)", "8.2"]
    marks = page.locator("mark.placeholder")
    assert marks.count() >= 10
    assert page.evaluate("getComputedStyle(document.querySelector('mark.placeholder')).backgroundColor") \
        == "rgb(255, 243, 168)"
    pdf = page.pdf(format="A4")  # the print CSS: A4 portrait
    assert pdf.startswith(b"%PDF")
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(pdf)
    assert len(document) >= 3
    width, height = document[0].get_size()
    document.close()
    assert abs(width - 595) <= 2 and abs(height - 842) <= 2  # A4 in points
