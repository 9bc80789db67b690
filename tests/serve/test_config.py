"""`codecheck serve` checks with the landlord's configuration, as `codecheck check` does: its column
mapping, date order and closure days (a wrong working-day count would be a silently wrong finding),
found from the folder the server was started in, or given with --config."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from starlette.testclient import TestClient

from codecheck.config import load_config
from codecheck.serve import create_app

from .conftest import ORIGIN, Page, page_findings
from .exports import RENAMED, renamed_month_first

MAPPING = "columns:\n" + "".join(f"  {c}: {json.dumps(h)}\n" for c, h in RENAMED.items()) + "date_order: mdy\n"
# Office closed between Christmas and New Year 2024, and a day in June: working days the Code counts differently.
CLOSURES = "closures: [2024-06-14, 2024-12-27, 2024-12-30, 2024-12-31]\n"


def cli(folder: Path, name: str) -> list[dict]:
    run = subprocess.run([sys.executable, "-m", "codecheck", name, "--as-of", "2025-04-30", "--format", "json"],
                         cwd=folder, capture_output=True, text=True, check=False)
    assert run.returncode in (0, 1), run.stderr
    return json.loads(run.stdout)["findings"]


def test_the_configuration_governs_the_page_as_it_governs_the_command_line(tmp_path, workspace):
    (tmp_path / "codecheck.yaml").write_text(MAPPING + CLOSURES, encoding="utf-8")
    body = renamed_month_first()
    (tmp_path / "export.csv").write_bytes(body)
    config = load_config(tmp_path / "codecheck.yaml")
    with TestClient(create_app(workspace, config=config)) as client:
        page = Page(client)
        page.upload([("export.csv", body)])
        # no mapping made on the page: the configuration's is used, so the renamed month-first export is read
        shown = page_findings(page.check().text)
        # the mapping page starts from the configuration's mapping, not from guesses
        mapping = client.get("/files/1/mapping").text
        assert '<option value="Complaint Ref" selected>' in mapping
        assert "codecheck.yaml" in client.get("/").text  # the page says which configuration it uses
    expected = cli(tmp_path, "export.csv")
    assert len(shown) > 20
    assert Counter((r, m) for _, _, r, m in shown) == Counter((f["rule"], f["message"]) for f in expected)
    # the closures changed what was found: without them the same export gives other findings
    (tmp_path / "codecheck.yaml").write_text(MAPPING, encoding="utf-8")
    assert Counter((f["rule"], f["message"]) for f in cli(tmp_path, "export.csv")) != \
        Counter((r, m) for _, _, r, m in shown)


def test_a_mapping_made_on_the_page_replaces_only_the_columns(tmp_path, workspace):
    """An export from another system is mapped on the page; the closures still apply to it."""
    (tmp_path / "codecheck.yaml").write_text(CLOSURES, encoding="utf-8")
    body = renamed_month_first()
    with TestClient(create_app(workspace, config=load_config(tmp_path / "codecheck.yaml"))) as client:
        page = Page(client)
        page.upload([("other.csv", body)])
        chosen = {f"col_{c}": h for c, h in RENAMED.items()}
        saved = client.post("/files/1/mapping", data={"token": page.token, **chosen, "date_order": "mdy",
                                                      "action": "save"}, headers=ORIGIN)
        assert "Mapping saved" in saved.text
        shown = page_findings(page.check().text)
    (tmp_path / "codecheck.yaml").write_text(MAPPING + CLOSURES, encoding="utf-8")
    (tmp_path / "other.csv").write_bytes(body)
    expected = cli(tmp_path, "other.csv")
    assert Counter((r, m) for _, _, r, m in shown) == Counter((f["rule"], f["message"]) for f in expected)


def test_serve_finds_the_configuration_and_says_so(tmp_path):
    (tmp_path / "codecheck.yaml").write_text(CLOSURES, encoding="utf-8")
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "codecheck", "serve", "--no-browser"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first, second = proc.stdout.readline(), proc.stdout.readline()
        assert re.search(r"http://127\.0\.0\.1:\d+/", first)
        assert "checking with the configuration in" in second and "codecheck.yaml" in second
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=20)


def test_a_broken_configuration_stops_serve_with_one_line(tmp_path):
    (tmp_path / "codecheck.yaml").write_text("closures: [not a date]\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "codecheck", "serve", "--no-browser"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 2 and "codecheck.yaml" in run.stderr and "Traceback" not in run.stderr
