"""`codecheck serve` in a real headless browser (Playwright driving Chromium), as an officer uses it:
add the bundled fixtures, check, filter, read a rule, download, map a renamed export, use the
keyboard, drop a file. Screenshots of each page go to a temporary folder, or to the folder
CODECHECK_SERVE_SCREENSHOTS names (docs/serve/ holds the ones docs/serve.md shows).

Chromium: CODECHECK_CHROMIUM, else `chromium` on the PATH (the Debian package .ci/run installs),
else Playwright's own download; where none can be started these tests skip and say why."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FIXTURES, ROOT, fixture_files

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")


def _chromium_path() -> str | None:
    return os.environ.get("CODECHECK_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        path = _chromium_path()
        try:
            launched = p.chromium.launch(executable_path=path, args=["--no-sandbox"]) if path \
                else p.chromium.launch()
        except Exception as exc:  # no browser here: say so plainly
            pytest.skip(f"no headless Chromium can be started here ({str(exc).splitlines()[0]}); install the Debian "
                        "`chromium` package or run `python -m playwright install chromium`")
        yield launched
        launched.close()


@pytest.fixture
def server(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "codecheck", "serve", "--no-browser"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+/", line)
    if not match:
        proc.kill()
        pytest.fail(f"codecheck serve did not print its address: {line!r} {proc.stderr.read()}")
    yield match[0]
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=20)


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, accept_downloads=True,
                                  locale="en-GB")
    context.set_default_timeout(180_000)  # checking all the fixtures takes a while on a busy CI machine
    tab = context.new_page()
    tab.goto(server)
    yield tab
    context.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get("CODECHECK_SERVE_SCREENSHOTS")
    return Path(folder) if folder else tmp_path_factory.mktemp("screenshots")


def cli_findings(*args: str, cwd: Path = ROOT) -> list[dict]:
    run = subprocess.run([sys.executable, "-m", "codecheck", *args, "--format", "json"], cwd=cwd,
                         capture_output=True, text=True)
    assert run.returncode in (0, 1), run.stderr
    return json.loads(run.stdout)["findings"]


def test_add_the_fixtures_check_filter_explain_download(page, shots):
    page.set_input_files("#files", [str(p) for p in fixture_files()])
    page.get_by_role("button", name="Add files").click()
    page.wait_for_selector(".notice")
    assert f"Added {len(fixture_files())} files." in page.inner_text(".notice")
    page.fill("#as_of", "2025-04-30")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(shots / "files.png"))
    page.click("button.primary")
    page.wait_for_url("**/results")
    expected = cli_findings("fixtures/", "--as-of", "2025-04-30")
    assert page.locator("li.finding").count() == len(expected)
    page.screenshot(path=str(shots / "findings.png"))

    page.select_option("#severity", "error")
    page.select_option("#provision", "6")
    page.get_by_role("button", name="Show", exact=True).click()
    page.wait_for_url(re.compile(r"severity=error"))
    errors6 = [f for f in expected if f["severity"] == "error" and (f["provision"] or "").startswith("6")]
    assert page.locator("li.finding").count() == len(errors6) > 0
    assert set(page.locator("li.finding .sev").all_inner_texts()) == {"ERROR"}
    page.screenshot(path=str(shots / "findings-filtered.png"))

    with page.expect_download() as caught:
        page.get_by_role("link", name="CSV").click()
    body = Path(caught.value.path()).read_text(encoding="utf-8-sig")
    assert len(body.strip().splitlines()) == len(errors6) + 1
    with page.expect_download() as caught:
        page.get_by_role("link", name="Excel (XLSX)").click()
    assert caught.value.suggested_filename == "codecheck-findings-2025-04-30.xlsx"

    first = page.locator("li.finding a.rule").first
    rule_id = first.inner_text().split(":")[0]
    first.click()
    page.wait_for_url(f"**/rules/{rule_id}")
    assert page.locator("h2", has_text="The Code says").count() == 1
    assert page.locator("h2", has_text="A breach").count() == 1
    page.screenshot(path=str(shots / "rule.png"), full_page=True)


def test_map_a_renamed_export_then_check_it(page, shots, tmp_path):
    from .exports import renamed_month_first

    export = tmp_path / "Quarter 1 complaints.csv"
    export.write_bytes(renamed_month_first())
    page.set_input_files("#files", str(export))
    page.get_by_role("button", name="Add files").click()
    page.get_by_role("link", name="Map columns").click()
    page.wait_for_url("**/files/1/mapping")
    assert page.locator("#col_case_id").input_value() == "Complaint Ref"
    assert page.locator(".dates .bad").count() > 0  # read day first, month-first dates are not dates
    page.screenshot(path=str(shots / "mapping-day-first.png"))
    page.select_option("#date_order", "mdy")
    page.get_by_role("button", name="Show the dates as read").click()
    assert page.locator(".dates .bad").count() == 0
    assert "28 March 2024" in page.inner_text(".dates")
    page.screenshot(path=str(shots / "mapping.png"))
    with page.expect_download() as caught:
        page.get_by_role("button", name="Download as codecheck.yaml").click()
    (tmp_path / "codecheck.yaml").write_text(Path(caught.value.path()).read_text())
    page.get_by_role("button", name="Use this mapping").click()
    assert "Mapping saved" in page.inner_text(".notice")
    page.get_by_role("link", name="Back to the files to check").click()
    page.fill("#as_of", "2025-04-30")
    page.click("button.primary")
    page.wait_for_url("**/results")
    expected = cli_findings(export.name, "--as-of", "2025-04-30", cwd=tmp_path)
    assert page.locator("li.finding").count() == len(expected) > 20


def test_the_page_works_from_the_keyboard(page):
    page.set_input_files("#files", str(FIXTURES / "letters" / "stage1-ack-good.html"))
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent") == "Skip to the content"
    page.focus("#files")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Add files"
    page.keyboard.press("Enter")
    page.wait_for_selector(".notice")
    page.focus("#as_of")
    for _ in range(6):  # the date field's day, month and year are each a stop
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Check":
            break
    assert page.evaluate("document.activeElement.textContent") == "Check"
    page.keyboard.press("Enter")
    page.wait_for_url("**/results")
    assert "stage1-ack-good.html" in page.inner_text("main")


def test_files_dropped_on_the_form_are_added(page):
    page.evaluate("""() => {
        const data = new DataTransfer();
        data.items.add(new File(["Dear resident"], "stage 1 acknowledgement.txt", {type: "text/plain"}));
        const form = document.getElementById("upload");
        form.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true, cancelable: true}));
    }""")
    page.wait_for_selector(".notice")
    assert "Added 1 file." in page.inner_text(".notice")
    assert page.locator("tbody th", has_text="stage 1 acknowledgement.txt").count() == 1
