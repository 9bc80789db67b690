"""Case records hold personal data: findings, reports and error messages name case ids
and columns, never residents' details, unless --show-values is given (issue 17). A value
that cannot be read is described by its shape, not quoted."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from codecheck.cli import main
from codecheck.values import describe_shape
from helpers import write_cases

NAME, ADDRESS, PHONE = "Ada Quarrington", "14 Pelham Crescent", "07700 900461"
SECRETS = ("Quarrington", "Pelham", "07700", "900461")
AS_OF = ("--as-of", "2025-04-30")
PERIOD = ("--period", "2024/25")


def _rows() -> list[dict[str, str]]:
    base = {"case_id": "", "record_type": "", "received_date": "03/06/2024", "category": "Repairs", "stage": "Stage 1",
            "accepted": "", "refusal_reason": "", "stage1_ack_date": "04/06/2024", "stage1_handler": "",
            "escalation_refused_reason": "", "reasonable_adjustments": ""}
    changes = [
        {"category": f"Mrs {NAME}, {ADDRESS} (wheelchair user) tel {PHONE}"},
        {"stage": f"Review by {NAME}"},                       # CD005
        {"stage": f"Stage 3 {ADDRESS}"},                      # CR503
        {"record_type": f"call from {NAME} {PHONE}"},         # CD005
        {"accepted": "no", "refusal_reason": f"{NAME} of {ADDRESS} rang {PHONE}"},
        {"stage1_ack_date": PHONE},                           # CD001
        {"stage1_ack_date": ADDRESS},                         # CD001
        {"accepted": f"{NAME} said no"},                      # CD001
        {"reasonable_adjustments": f"Large print for {NAME}"},
        {"stage": f"Informal, {NAME} {PHONE}"},              # CR502
    ]
    return [{**base, "case_id": f"C-{i}", **change} for i, change in enumerate(changes, 1)]


def _invoke(*args):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    text = result.output
    try:
        text += result.stderr  # click 8.2+ keeps it apart; before, it is in output
    except (ValueError, AttributeError):
        pass
    return result, text


def _leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s.lower() in text.lower()]


@pytest.fixture
def cases(tmp_path):
    return str(write_cases(tmp_path / "cases.csv", _rows()))


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "csv", "github", "junit"])
def test_check_names_no_resident_details(cases, tmp_path, fmt):
    result, text = _invoke("check", cases, "--format", fmt, *AS_OF)
    assert result.exit_code == 1, text
    assert not _leaks(text), (fmt, text)
    assert "C-6" in text and "stage1_ack_date" in text
    target = tmp_path / f"out.{fmt}"
    result, text = _invoke("check", cases, "--format", fmt, "-o", str(target), *AS_OF)
    assert not _leaks(text + target.read_text(encoding="utf-8")), fmt


def test_messages_describe_the_shape(cases):
    _, text = _invoke("check", cases, "--format", "json", *AS_OF)
    messages = {(f["case_id"], f["rule"]): f["message"] for f in json.loads(text[text.index("{"):])["findings"]}
    assert "a value of 11 digits and spaces" in messages["C-6", "CD001"]
    assert "a value of 3 words with letters and digits" in messages["C-7", "CD001"]
    assert "a value of 4 words with letters" in messages["C-8", "CD001"]
    assert "a value of 4 words with letters;" in messages["C-2", "CD005"]
    assert "a value of 6 words with letters and digits" in messages["C-4", "CD005"]
    assert "stage 3 (a value of 5 words with letters and digits;" in messages["C-3", "CR503"]
    assert "stage (a value of 5 words with letters and digits;" in messages["C-10", "CR502"]
    assert "--show-values shows it" in messages["C-6", "CD001"]


def test_show_values_puts_them_back(cases):
    _, text = _invoke("check", cases, "--format", "json", "--show-values", *AS_OF)
    messages = " ".join(f["message"] for f in json.loads(text[text.index("{"):])["findings"])
    assert PHONE in messages and ADDRESS in messages and NAME in messages


@pytest.mark.parametrize("fmt", ["html", "md", "json"])
def test_report_names_no_resident_details(cases, tmp_path, fmt):
    result, text = _invoke("report", cases, *PERIOD, *AS_OF, "--format", fmt)
    assert result.exit_code == 0, text
    assert not _leaks(text), (fmt, _leaks(text))
    assert "other (not in the configured list)" in text.lower()
    target = tmp_path / f"board.{fmt}"
    result, text = _invoke("report", cases, *PERIOD, *AS_OF, "-o", str(target))
    assert not _leaks(text + target.read_text(encoding="utf-8")), fmt


def test_report_shows_configured_categories_and_show_values_all(cases, tmp_path):
    config = tmp_path / "codecheck.yaml"
    config.write_text("categories: [repairs, Anti-social behaviour]\n", encoding="utf-8")
    _, text = _invoke("report", cases, *PERIOD, *AS_OF, "--format", "json", "--config", str(config))
    labels = [f["label"] for s in json.loads(text)["sections"] if s["key"] == "categories" for f in s["figures"]]
    assert labels == ["Repairs", "Other (not in the configured list)"] and not _leaks(text)
    _, text = _invoke("report", cases, *PERIOD, *AS_OF, "--format", "md", "--show-values")
    assert NAME in text and "other (not in the configured list)" not in text.lower()


@pytest.mark.parametrize("command", [("check",), ("report", *PERIOD)])
def test_headerless_csv_error_quotes_no_row(tmp_path, command):
    path = tmp_path / "headerless.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        for row in _rows():
            writer.writerow(row.values())
    result, text = _invoke(*command, str(path), *AS_OF)
    assert result.exit_code == 2, text
    assert "case_id" in text and "looks like data" in text
    assert not _leaks(text), text
    assert "C-1" not in text and "Repairs" not in text


def test_a_header_row_is_still_listed(tmp_path):
    path = write_cases(tmp_path / "cases.csv", [{"Complaint Ref": "C-1", "Date Received": "03/06/2024"}])
    _, text = _invoke("check", str(path), *AS_OF)
    assert "'Complaint Ref', 'Date Received'" in text


@pytest.mark.parametrize("text, shape", [
    ("07700 900461", "a value of 11 digits and spaces"),
    ("+44 7700-900461", "a value of 12 digits and plus signs, spaces and hyphens"),
    ("31/02/2024", "a value of 8 digits and slashes"),
    ("12345", "a value of 5 digits"),
    ("14 Pelham Crescent", "a value of 3 words with letters and digits"),
    ("Ada Quarrington", "a value of 2 words with letters"),
    ("Enquiry", "a value of one word of 7 letters"),
    ("ada@example.org", "a value of one word of 15 characters with letters and other characters"),
    ("Flat3", "a value of one word of 5 characters with letters and digits"),
    ("  ", "a blank value"),
])
def test_shapes_read_sensibly(text, shape):
    assert describe_shape(text) == shape
    assert not any(part in shape for part in text.split() if len(part) > 2 and not part.isdigit())
