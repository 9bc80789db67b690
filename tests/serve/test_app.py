"""`codecheck serve` over HTTP (Starlette's TestClient): the same findings as the command line,
downloads, rule pages, the kind asked where the name cannot tell, and the safety rules."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from codecheck.serve import create_app
from codecheck.serve.workspace import Workspace, display_name

from .conftest import FIXTURES, ORIGIN, ROOT, Page, csv_rows, fixture_files, page_findings, token_of


def cli_json(*args: str, cwd: Path = ROOT) -> dict:
    run = subprocess.run([sys.executable, "-m", "codecheck", *args, "--format", "json"], cwd=cwd,
                         capture_output=True, text=True)
    assert run.returncode in (0, 1), run.stderr
    return json.loads(run.stdout)


def upload_fixtures(page: Page):
    response = page.upload([(p.name, p.read_bytes()) for p in fixture_files()])
    assert response.status_code == 200
    assert f"Added {len(fixture_files())} files." in response.text
    return response


def test_the_page_shows_the_command_lines_findings_for_the_bundled_fixtures(page):
    upload_fixtures(page)
    response = page.check("2025-04-30")
    assert response.url.path == "/results"
    expected = cli_json("fixtures/", "--as-of", "2025-04-30")
    shown = page_findings(response.text)
    assert len(shown) == len(expected["findings"]) > 100
    assert Counter(shown) == Counter((Path(f["path"]).name, f["severity"], f["rule"], f["message"])
                                     for f in expected["findings"])
    # grouped by file, in the order the files were added; then by Code provision
    files = [name for name, *_ in shown]
    assert list(dict.fromkeys(files)) == [p.name for p in fixture_files() if p.name in set(files)]
    assert "<h3>Code 6.2</h3>" in response.text
    # the downloads hold the same findings, with the locations the JSON gives
    rows = csv_rows(page.client.get("/results.csv").text)
    key = lambda r: (Path(r["path"]).name, r["rule"], r["message"], str(r["row"] or ""), str(r["page"] or ""),
                     str(r["line"] or ""), r["location"] or "")
    assert Counter(map(key, rows)) == Counter(key({k: ("" if v is None else v) for k, v in f.items()})
                                              for f in expected["findings"])


def test_findings_download_as_xlsx_with_the_csv_rows(page):
    from openpyxl import load_workbook

    upload_fixtures(page)
    page.check()
    response = page.client.get("/results.xlsx?severity=error")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="codecheck-findings-2025-04-30.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[("" if c is None else str(c)) for c in row] for row in sheet.iter_rows(values_only=True)]
    csv_text = page.client.get("/results.csv?severity=error").text
    expected = [[str(v) for v in r.values()] for r in csv_rows(csv_text)]
    assert values[0] == list(csv_rows(csv_text)[0])
    assert values[1:] == expected and len(expected) > 10
    assert {r[2] for r in values[1:]} == {"error"}


def test_filters_are_query_parameters(page):
    upload_fixtures(page)
    everything = page_findings(page.check().text)
    errors = page_findings(page.client.get("/results?severity=error").text)
    assert errors and all(sev == "error" for _, sev, _, _ in errors)
    assert len(errors) == sum(sev == "error" for _, sev, _, _ in everything)
    section6 = page.client.get("/results?provision=6")
    assert 'value="6" selected' in section6.text
    rules6 = {rule for _, _, rule, _ in page_findings(section6.text)}
    assert rules6 and rules6 < {rule for _, _, rule, _ in everything}
    csv6 = csv_rows(page.client.get("/results.csv?provision=6").text)
    assert csv6 and all(r["provision"] == "6" or r["provision"].startswith(("6.", "6(")) for r in csv6)
    exact = page.client.get("/results?provision=6.2&severity=warning")
    assert all(sev == "warning" for _, sev, _, _ in page_findings(exact.text))


def test_each_rule_is_explained_one_click_away(page):
    from codecheck.registry import default_registry

    upload_fixtures(page)
    text = page.check().text
    rule_id = re.search(r'href="/rules/(CR602)"', text)[1]
    rule = default_registry().rule(rule_id)
    explained = page.client.get(f"/rules/{rule_id}").text
    for part in (rule.summary, rule.rationale, rule.breach_example, rule.compliant_example, rule.words()):
        assert part and json.dumps(part)[1:-1].replace('\\"', "&#34;") in explained.replace("&#39;", "'")
    missing = page.client.get("/rules/XX999")
    assert missing.status_code == 404 and "There is no rule" in missing.text and "Traceback" not in missing.text
    listing = page.client.get("/rules").text
    assert 'href="/rules/CR602"' in listing


def test_the_page_asks_the_kind_a_name_cannot_tell(page):
    policy = (FIXTURES / "policies" / "oakfield-complaints-policy.md").read_bytes()
    page.upload([("Document 7.md", policy)])
    home = page.client.get("/").text
    assert "choose: the name does not say" in home
    refused = page.check()
    assert refused.url.path == "/" and "Say what Document 7.md is" in refused.text
    checked = page.check(**{"1": "policy"})
    assert checked.url.path == "/results"
    expected = cli_json(str(FIXTURES / "policies" / "oakfield-complaints-policy.md"), "--as-of", "2025-04-30")
    assert sorted((r, m) for _, _, r, m in page_findings(checked.text)) == \
        sorted((f["rule"], f["message"]) for f in expected["findings"])
    assert "complaints policy, " not in checked.text  # a document has no row count


def test_unreadable_input_is_a_message_on_the_page_not_a_traceback(page):
    page.upload([("cases.xlsx", b"this is not a workbook")])
    text = page.check().text
    assert 'class="error" role="alert">Not checked' in text
    assert "Traceback" not in text and str(page.client.app.state.workspace.root) not in text


def test_files_are_stored_under_names_the_server_chooses(page, workspace):
    page.upload([("../../../etc/Stage 1 response <b>x.md", b"Dear resident\n")])
    (upload,) = next(iter(workspace.sessions.values())).uploads.values()
    assert upload.name == "Stage 1 response _b_x.md"
    assert upload.path.name == "upload.md" and upload.path.is_relative_to(workspace.root)
    assert upload.guessed == "stage1_response"
    assert "&lt;b&gt;" not in page.client.get("/").text and "<b>x" not in page.client.get("/").text
    assert display_name("C:\\Users\\me\\policy.docx") == "policy.docx"
    assert display_name("..") == "upload"


def test_form_posts_must_come_from_the_page(page):
    files = [("files", ("cases.csv", b"case_id,received_date\n1,01/05/2024\n"))]
    foreign = page.client.post("/upload", data={"token": page.token}, files=files,
                               headers={"origin": "http://evil.example"})
    assert foreign.status_code == 403 and "another site" in foreign.text
    nowhere = page.client.post("/upload", data={"token": page.token}, files=files)
    assert nowhere.status_code == 403
    no_token = page.client.post("/upload", data={"token": "guess"}, files=files, headers=ORIGIN)
    assert no_token.status_code == 403 and "token" in no_token.text
    referer = page.client.post("/upload", data={"token": page.token}, files=files,
                               headers={"referer": "http://testserver/"})
    assert referer.status_code == 200 and "Added 1 file." in referer.text
    other_host = page.client.get("/", headers={"host": "attacker.example"})
    assert other_host.status_code == 400


def test_uploads_over_the_limit_are_refused_with_a_message(workspace):
    with TestClient(create_app(workspace, max_upload_mb=1)) as client:
        page = Page(client)
        response = page.upload([("cases.csv", b"x" * (1024 * 1024 + 10))])
        assert response.status_code == 413
        assert "over the 1 MB limit" in response.text and "--max-upload-mb" in response.text
        assert not next(iter(workspace.sessions.values())).uploads


def test_the_temporary_folder_is_removed_when_the_server_stops():
    workspace = Workspace()
    with TestClient(create_app(workspace)) as client:
        page = Page(client)
        page.upload([("cases.csv", (FIXTURES / "cases.csv").read_bytes())])
        assert any(workspace.root.rglob("upload.csv"))
    assert not workspace.root.exists()


def test_removing_files(page, workspace):
    page.upload([("a-policy.md", b"x"), ("b-policy.md", b"y")])
    session = next(iter(workspace.sessions.values()))
    first = session.uploads["1"].path
    response = page.client.post("/remove", data={"token": page.token, "file": "1"}, headers=ORIGIN)
    assert "Removed a-policy.md." in response.text and not first.exists()
    page.client.post("/remove", data={"token": page.token, "all": "1"}, headers=ORIGIN)
    assert not session.uploads and "No files yet." in page.client.get("/").text


def test_residents_details_are_not_shown(page):
    import csv

    rows = list(csv.DictReader(open(FIXTURES / "cases.csv", encoding="utf-8-sig")))
    free_text = {r[c].strip() for r in rows for c in ("refusal_reason", "remedy", "stage1_extension_reason",
                                                     "escalation_refused_reason") if len(r.get(c, "").strip()) > 12}
    assert free_text
    page.upload([("cases.csv", (FIXTURES / "cases.csv").read_bytes())])
    text = page.check().text + page.client.get("/results.csv").text
    assert page_findings(text)
    assert not [v for v in free_text if v in text]


def test_a_renamed_month_first_export_is_mapped_on_the_page_and_checked(page, tmp_path):
    from .exports import renamed_month_first

    body = renamed_month_first()
    page.upload([("Quarter 1 complaints.csv", body)])
    mapping = page.client.get("/files/1/mapping").text
    assert '<option value="Complaint Ref" selected>' in mapping  # a confident guess, pre-filled
    assert "the data did not tell" in mapping
    # the dates as read day first: a month-first date is not a real date
    assert "03/28/2024</code> → <span class=\"bad\">not read" in mapping
    chosen = dict(re.findall(r'name="(col_\w+)">.*?<option value="([^"]*)" selected>', mapping, re.S))
    preview = page.client.get("/files/1/mapping", params={**chosen, "date_order": "mdy"}).text
    assert "03/28/2024</code> → <span>28 March 2024" in preview
    saved = page.client.post("/files/1/mapping", data={"token": page.token, **chosen, "date_order": "mdy",
                                                       "action": "save"}, headers=ORIGIN)
    assert "Mapping saved" in saved.text
    yaml_text = page.client.get("/files/1/codecheck.yaml").text
    (tmp_path / "codecheck.yaml").write_text(yaml_text)
    (tmp_path / "Quarter 1 complaints.csv").write_bytes(body)
    from codecheck.config import load_config

    config = load_config(tmp_path / "codecheck.yaml")
    assert config.date_order == "mdy" and config.columns["case_id"] == "Complaint Ref"
    results = page.check()
    shown = page_findings(results.text)
    expected = cli_json("Quarter 1 complaints.csv", "--as-of", "2025-04-30", cwd=tmp_path)
    assert len(shown) > 20
    assert Counter((r, m) for _, _, r, m in shown) == Counter((f["rule"], f["message"]) for f in expected["findings"])
    # Without the mapping the file is refused (month-first dates), as on the command line
    page.client.post("/files/1/mapping", data={"token": page.token, "action": "reset", **chosen,
                                               "date_order": "mdy"}, headers=ORIGIN)
    assert "Not checked" in page.check().text


def test_a_mapping_that_cannot_be_used_says_why(page):
    from .exports import renamed_month_first

    page.upload([("export.csv", renamed_month_first())])
    response = page.client.post("/files/1/mapping", data={
        "token": page.token, "col_case_id": "Complaint Ref", "col_received_date": "Complaint Ref",
        "date_order": "", "action": "save"}, headers=ORIGIN)
    assert response.status_code == 422
    assert "both mapped to the header" in response.text
    missing = page.client.get("/files/1/codecheck.yaml", params={"col_case_id": "Complaint Ref", "date_order": ""})
    assert missing.status_code == 422 and "received_date is required" in missing.text
    not_cases = page.upload([("stage 1 response.md", b"Dear")])
    assert not_cases.status_code == 200
    assert page.client.get("/files/2/mapping").status_code == 404


def test_codecheck_serve_starts_prints_its_address_and_cleans_up(tmp_path):
    import urllib.request

    env = {**os.environ, "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "codecheck", "serve", "--no-browser"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line)[0]
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200 and "Check files against the Complaint Handling Code" in response.read().decode()
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith("codecheck-serve-")]
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "stopped; uploaded files deleted" in out
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("codecheck-serve-")]


def test_another_host_only_with_a_warning(tmp_path):
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "codecheck", "serve", "--no-browser", "--host", "0.0.0.0"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        warning = proc.stderr.readline()
        assert "WARNING: serving on 0.0.0.0" in warning and "network you trust" in warning
    finally:
        proc.send_signal(signal.SIGINT)  # at once, while it may still be starting: the folder is removed all the same
        proc.communicate(timeout=20)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("codecheck-serve-")]


def test_a_port_in_use_is_one_clear_line():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run([sys.executable, "-m", "codecheck", "serve", "--no-browser", "--port", str(port)],
                             capture_output=True, text=True, timeout=30)
    assert run.returncode == 2
    assert run.stderr.startswith(f"codecheck: cannot serve on 127.0.0.1:{port}") and "Traceback" not in run.stderr


def test_the_board_report_downloads_for_the_case_exports_checked(page):
    upload = page.upload([("complaints-2024.csv", (FIXTURES / "cases.csv").read_bytes()),
                          ("stage1-ack.md", b"# Acknowledgement\n\nWe will reply within 10 working days.\n")])
    assert upload.status_code == 200
    results = page.check("2025-04-30")
    assert "Download the board report" in results.text
    report = page.client.get("/report.html", params={"period": "2024/25"})
    assert report.status_code == 200 and "attachment" in report.headers["content-disposition"]
    assert "Complaints performance report" in report.text
    assert "complaints-2024.csv" in report.text and "upload.csv" not in report.text  # the officer's name for it
    default = page.client.get("/report.html")  # blank: the year of the last whole quarter (Q4 2024/25)
    assert default.status_code == 200 and "2024/25" in default.text
    wrong = page.client.get("/report.html", params={"period": "next year"}, follow_redirects=True)
    assert "No board report" in wrong.text and "Traceback" not in wrong.text


@pytest.mark.parametrize("day, year", [("2025-04-30", "2024/25"), ("2025-03-31", "2024/25"), ("2025-07-01", "2025/26"),
                                       ("2025-01-15", "2024/25"), ("2024-04-01", "2023/24")])
def test_the_default_board_report_year_is_that_of_the_last_whole_quarter(day, year):
    import datetime as dt

    from codecheck.serve.checking import financial_year

    assert financial_year(dt.date.fromisoformat(day)) == year
