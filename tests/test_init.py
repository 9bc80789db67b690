"""`codecheck init`: a starter codecheck.yaml that documents every key and loads to the defaults."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from codecheck.cli import main
from codecheck.columns import COLUMNS
from codecheck.config import Config, config_json, config_keys, load_config
from codecheck.starter import starter_config
from codecheck.values import parse_date


def test_init_writes_a_config_that_loads_as_the_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["init"])
    assert result.exit_code == 0, result.output
    written = tmp_path / "codecheck.yaml"
    config = load_config(cwd=tmp_path)
    assert config.source == str(written)
    assert config_json(config) == config_json(Config())


def test_every_key_is_written_with_a_comment_above_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    CliRunner().invoke(main, ["init"])
    text = (tmp_path / "codecheck.yaml").read_text(encoding="utf-8")
    keys = config_keys()
    assert set(yaml.safe_load(text)) == set(keys)
    lines = text.splitlines()
    for key in keys:
        (at,) = [i for i, line in enumerate(lines) if re.match(rf"{key}:", line)]
        assert lines[at - 1].startswith("# "), f"{key} has no comment"


def test_init_refuses_to_overwrite_without_force(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    mine = tmp_path / "codecheck.yaml"
    mine.write_text("region: scotland\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["init"])
    assert result.exit_code == 2
    assert "already exists" in result.stderr and "--force" in result.stderr
    assert mine.read_text(encoding="utf-8") == "region: scotland\n"
    assert CliRunner().invoke(main, ["init", "--force"]).exit_code == 0
    assert load_config(cwd=tmp_path).region == "england-and-wales"


# -- codecheck init --from EXPORT ------------------------------------------------------------

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
AS_OF = "2025-04-30"

#: How a landlord's system might head the fixture's columns (not the names codecheck's synonym table
#: lists word for word: abbreviations, typos aside, other word orders and brackets).
LANDLORD = {
    "case_id": "Complaint Reference No", "record_type": "Record Type", "received_date": "Date Received",
    "issue_date": "Incident date", "category": "Category of complaint", "stage": "Stage",
    "accepted": "Complaint accepted?", "refusal_reason": "Refusal reason",
    "refusal_ombudsman_signposted": "Refusal - HOS signposted", "stage1_ack_date": "Ack date (stage 1)",
    "stage1_definition": "Definition of complaint", "stage1_handler": "Officer (Stage 1)",
    "stage1_extended_to": "S1 Extension Date", "stage1_extension_reason": "Extension Reason (S1)",
    "stage1_extension_ombudsman_details": "S1 ext - Ombudsman details given",
    "stage1_response_date": "Stage One Response", "stage1_outcome": "Outcome (Stage 1)",
    "escalation_requested_date": "Date escalated to stage 2", "escalation_refused_reason": "Reason escalation refused",
    "stage2_ack_date": "Ack date (stage 2)", "stage2_definition": "Stage 2 complaint definition",
    "stage2_handler": "Officer (Stage 2)", "stage2_extended_to": "S2 Extension Date",
    "stage2_extension_reason": "Extension Reason (S2)",
    "stage2_extension_ombudsman_details": "S2 ext - Ombudsman details given",
    "stage2_response_date": "Stage Two Response", "stage2_outcome": "Outcome (Stage 2)", "remedy": "Remedy",
    "remedy_due_date": "Remedy due by", "remedy_completed_date": "Date remedy done", "disability_disclosed": "Disabled?",
    "reasonable_adjustments": "Reasonable adjustment(s)", "adjustments_review_date": "RA review date",
    "ombudsman_referral_date": "HOS referral date", "complaint_failure_order": "CFO issued",
    "satisfied": "Resident satisfied?",
}
FAKE = ("Resident name", "Notes")


def _fixture_rows(name: str = "cases.csv") -> list[dict[str, str]]:
    with open(FIXTURES / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _landlord_export(path: Path, swap_day_month: bool = False) -> Path:
    """fixtures/cases.csv with a landlord's headers, a resident's name and notes (and, if asked,
    its slash dates written month first)."""
    rows = _fixture_rows()
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow([FAKE[0], *(LANDLORD[c] for c in rows[0]), FAKE[1]])
        for i, row in enumerate(rows):
            cells = [_month_first(v) if swap_day_month else v for v in row.values()]
            out.writerow([f"Resident {i} Surname", *cells, f"rang back on the {i}th"])
    return path


def _month_first(cell: str) -> str:
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2,4})(.*)", cell)
    return f"{m[2]}/{m[1]}/{m[3]}{m[4]}" if m else cell


def _init_from(export: Path, *more: str):
    return CliRunner().invoke(main, ["init", "--from", str(export), *more])


def _check(export: Path, config: Path | None = None) -> tuple[int, dict]:
    args = ["check", str(export), "--as-of", AS_OF, "--format", "json"]
    result = CliRunner().invoke(main, args + (["--config", str(config)] if config else []))
    return result.exit_code, json.loads(result.stdout)


def _original_findings(tmp_path: Path) -> dict:
    """The findings on fixtures/cases.csv, which has codecheck's own headers, with no configuration."""
    empty = tmp_path / "empty.yaml"
    empty.write_text("{}\n", encoding="utf-8")
    _, report = _check(FIXTURES / "cases.csv", config=empty)
    assert report["errors"] == [] and report["findings"]
    return report


def _found(report: dict) -> set[tuple]:
    return {(f["rule"], f["case_id"], f["row"]) for f in report["findings"]}


def test_init_from_a_landlords_export_maps_its_headers_and_the_check_runs(tmp_path, monkeypatch):
    export = _landlord_export(tmp_path / "export.csv")
    monkeypatch.chdir(tmp_path)
    result = _init_from(export)
    assert result.exit_code == 0, result.output
    written = tmp_path / "codecheck.yaml"
    config = load_config(cwd=tmp_path)
    assert config.columns["received_date"] == "Date Received"
    assert config.columns["case_id"] == "Complaint Reference No"
    for canonical, header in config.columns.items():
        assert LANDLORD[canonical] == header, f"{canonical} mapped to {header!r}"
    assert not set(FAKE) & set(config.columns.values())
    text = written.read_text(encoding="utf-8")
    unmapped = text.split("Headers not mapped to any column")[1].splitlines()[1]
    assert '"Resident name"' in unmapped and '"Notes"' in unmapped
    assert re.search(r'received_date: "Date Received" +# \d+%: \d+% name match, 300 of 300 values are dates', text)
    # the rest of the starter file is there, every key at its default
    assert config.date_order == "dmy"  # the fixture's dates say so (28/03/2024)
    mapped = {"columns", "date_order"}
    assert {k: v for k, v in config_json(config).items() if k not in mapped} == \
        {k: v for k, v in config_json(Config()).items() if k not in mapped}
    assert "# Excel workbooks (.xlsx): the sheet holding the cases" in text

    code, report = _check(export, tmp_path / "codecheck.yaml")
    assert code in (0, 1) and report["errors"] == []

    # the user confirms the guesses left commented out: then every column is read as in the original
    doubtful = re.findall(r'(?m)^  # (\w+): "', text)
    written.write_text(re.sub(r'(?m)^  # (\w+: ")', r"  \1", text), encoding="utf-8")
    config = load_config(cwd=tmp_path)
    assert set(doubtful) <= set(config.columns) and config.columns == {c: LANDLORD[c] for c in config.columns}
    code, report = _check(export, tmp_path / "codecheck.yaml")
    assert code in (0, 1) and report["errors"] == []
    assert _found(report) == _found(_original_findings(tmp_path))  # as the file with codecheck's own headers


def test_the_written_file_holds_no_residents_data(tmp_path, monkeypatch):
    export = _landlord_export(tmp_path / "export.csv")
    monkeypatch.chdir(tmp_path)
    assert _init_from(export).exit_code == 0
    text = (tmp_path / "codecheck.yaml").read_text(encoding="utf-8")
    with open(export, encoding="utf-8", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    template = starter_config()
    for value in {v for row in rows for v in row}:
        if len(value) < 4 or any(value in h for h in header) or value in template:
            continue  # "Yes", a header's own words, the template's examples
        try:
            if parse_date(value) is not None:
                continue  # dates are not personal; one may be shown for the date order
        except ValueError:
            pass
        assert value not in text, f"a cell value was written into codecheck.yaml: {value!r}"


def test_a_month_first_export_gets_date_order_mdy_and_the_same_findings(tmp_path, monkeypatch):
    export = _landlord_export(tmp_path / "us.csv", swap_day_month=True)
    monkeypatch.chdir(tmp_path)
    result = _init_from(export)
    assert result.exit_code == 0, result.output
    assert "date_order mdy" in result.stdout
    config = load_config(cwd=tmp_path)
    assert config.date_order == "mdy"
    text = (tmp_path / "codecheck.yaml").read_text(encoding="utf-8")
    said = " ".join(line.lstrip("# ") for line in text.split("date_order: mdy")[0].splitlines()[-3:])
    example = re.search(r"holds (\d{1,2}/\d{1,2}/\d{2,4})", said)[1]
    assert int(example.split("/")[1]) > 12 and example in export.read_text(encoding="utf-8")
    code, report = _check(export, tmp_path / "codecheck.yaml")
    assert code in (0, 1) and report["errors"] == []
    written = tmp_path / "codecheck.yaml"
    written.write_text(re.sub(r'(?m)^  # (\w+: ")', r"  \1", text), encoding="utf-8")  # guesses confirmed
    code, report = _check(export, tmp_path / "codecheck.yaml")
    assert code in (0, 1) and report["errors"] == []
    assert _found(report) == _found(_original_findings(tmp_path))  # the dates read as the original's


def test_day_first_or_undecided_dates_leave_dmy_and_say_why(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _init_from(_landlord_export(tmp_path / "uk.csv")).exit_code == 0
    text = (tmp_path / "codecheck.yaml").read_text(encoding="utf-8")
    assert re.search(r"# From the data, day first: .*\n(#.*\n)*date_order: dmy", text)
    undecided = tmp_path / "undecided.csv"
    undecided.write_text("Ref,Date Received\nC1,01/02/2024\nC2,03/04/2024\nC3,2024-05-30\n", encoding="utf-8")
    assert _init_from(undecided, "--force").exit_code == 0
    text = (tmp_path / "codecheck.yaml").read_text(encoding="utf-8")
    assert re.search(r"# From the data: the data did not tell.*\n(#.*\n)*date_order: null", text, re.IGNORECASE)
    assert load_config(cwd=tmp_path).date_order is None  # left at the default


@pytest.mark.parametrize("name", ["cases.csv", "cases-clean.csv"])
def test_init_from_the_bundled_fixtures(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    result = _init_from(FIXTURES / name)
    assert result.exit_code == 0, result.output
    config = load_config(cwd=tmp_path)
    with open(FIXTURES / name, encoding="utf-8") as fh:
        header = fh.readline().strip().split(",")
    assert config.columns == {c: c for c in COLUMNS if c in header}  # every column the fixture has
    code, report = _check(FIXTURES / name, tmp_path / "codecheck.yaml")
    assert code in (0, 1) and report["errors"] == []


def _as_cell(value: str):
    """A fixture cell as an officer's workbook holds it: dates as Excel dates."""
    try:
        day = parse_date(value)
    except ValueError:
        return value
    return dt.datetime.combine(day, dt.time()) if day else value


def test_init_from_a_workbook_with_a_title_row_and_a_totals_row(tmp_path, monkeypatch):
    rows = _fixture_rows()[:60]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Complaints 2024-25"
    sheet.append(["Complaints register 2024/25"])
    sheet.append([])
    sheet.append([LANDLORD[c] for c in rows[0]] + ["Resident name"])
    for i, row in enumerate(rows):
        sheet.append([_as_cell(v) for v in row.values()] + [f"Resident {i}"])
    sheet.append(["Total", None, None, None, None, None, len(rows)])
    export = tmp_path / "register.xlsx"
    book.save(export)
    before = hashlib.sha256(export.read_bytes()).hexdigest()

    monkeypatch.chdir(tmp_path)
    result = _init_from(export)
    assert result.exit_code == 0, result.output
    config = load_config(cwd=tmp_path)
    assert config.columns["received_date"] == "Date Received"
    assert config.columns["case_id"] == "Complaint Reference No"
    for canonical, header in config.columns.items():
        assert LANDLORD[canonical] == header
    assert "Resident name" not in config.columns.values()
    assert "Complaints register 2024/25" not in config.columns.values()
    code, report = _check(export, tmp_path / "codecheck.yaml")
    assert code in (0, 1) and report["errors"] == []
    assert report["summary"]["files"][0]["rows"] >= len(rows)
    assert hashlib.sha256(export.read_bytes()).hexdigest() == before  # the export is never written to


def test_init_from_refuses_to_overwrite_without_force(tmp_path, monkeypatch):
    export = _landlord_export(tmp_path / "export.csv")
    monkeypatch.chdir(tmp_path)
    mine = tmp_path / "codecheck.yaml"
    mine.write_text("region: scotland\n", encoding="utf-8")
    result = _init_from(export)
    assert result.exit_code == 2 and "already exists" in result.stderr and "--force" in result.stderr
    assert mine.read_text(encoding="utf-8") == "region: scotland\n"
    assert _init_from(export, "--force").exit_code == 0
    assert load_config(cwd=tmp_path).columns["received_date"] == "Date Received"


def test_doubtful_guesses_are_commented_out_and_the_file_still_loads(tmp_path, monkeypatch):
    export = tmp_path / "odd.csv"
    export.write_text("Officer,Tenancy ref,Notes\nA. Officer,T-1,called\nB. Officer,T-2,wrote\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = _init_from(export)
    assert result.exit_code == 0, result.output
    assert "case_id, received_date" in result.stdout and "required" in result.stdout
    config = load_config(cwd=tmp_path)
    assert config.columns == {}
    text = (tmp_path / "codecheck.yaml").read_text(encoding="utf-8")
    assert re.search(r'\n  # stage1_handler: "Officer" +# \d\d%, to confirm', text)
    assert "REQUIRED and not mapped yet: case_id, received_date" in text


@pytest.mark.parametrize("make, said", [
    (lambda d: d / "missing.csv", "no such file"),
    (lambda d: Path(__file__).parent / "data" / "encrypted.xlsx", "encrypted.xlsx"),
    (lambda d: (d / "cases.pdf").write_bytes(b"%PDF-1.4\n") and d / "cases.pdf", "cases.pdf"),
    (lambda d: (d / "rows.csv").write_text("CMP-1,28/03/2024,Femi\nCMP-2,29/03/2024,Ann\n") and d / "rows.csv",
     "looks like data"),
])
def test_init_from_bad_input_is_one_line_and_exit_2(tmp_path, monkeypatch, make, said):
    export = make(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = _init_from(export)
    assert result.exit_code == 2
    assert said in result.stderr and result.stderr.startswith("codecheck: ")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert not (tmp_path / "codecheck.yaml").exists()
