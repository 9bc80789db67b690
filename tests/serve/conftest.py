"""Helpers for the `codecheck serve` tests: a client on the app, its session token, uploads."""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pytest

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from codecheck.serve import create_app  # noqa: E402
from codecheck.serve.workspace import Workspace  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
ORIGIN = {"origin": "http://testserver"}


def fixture_files() -> list[Path]:
    """The files `codecheck fixtures/` checks (the generators' .py files are skipped there)."""
    return sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix != ".py" and not p.name.startswith("."))


class Page:
    """A browser's session with the app, as its forms use it."""

    def __init__(self, client: TestClient):
        self.client = client
        self.token = token_of(client.get("/").text)

    def upload(self, files: list[tuple[str, bytes]], **kwargs):
        return self.client.post("/upload", data={"token": self.token}, headers=ORIGIN,
                                files=[("files", (name, body)) for name, body in files], **kwargs)

    def check(self, as_of: str = "2025-04-30", **kinds):
        data = {"token": self.token, "as_of": as_of, **{f"kind_{k}": v for k, v in kinds.items()}}
        return self.client.post("/check", data=data, headers=ORIGIN)


def token_of(text: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', text)[1]


def page_findings(text: str) -> list[tuple[str, str, str, str]]:
    """(file, severity, rule, message) for each finding shown on the results page, in page order."""
    out = []
    for section in re.split(r'<section class="file"', text)[1:]:
        name = html.unescape(re.search(r"<h2 [^>]*>([^<]*)", section)[1].strip())
        for item in re.findall(r'<li class="finding sev-(\w+)">(.*?)</li>', section, re.S):
            severity, body = item
            message = html.unescape(re.search(r'<span class="message">(.*?)</span>', body, re.S)[1])
            rule = re.search(r'href="/rules/([^"]+)"', body)[1]
            out.append((name, severity, rule, message))
    return out


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(text.lstrip("\ufeff").splitlines()))


@pytest.fixture
def workspace():
    ws = Workspace()
    yield ws
    ws.close()


@pytest.fixture
def page(workspace):
    with TestClient(create_app(workspace)) as client:
        yield Page(client)
