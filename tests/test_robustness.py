"""Scale, robustness and privacy: parallel runs, size limits, a failing rule, rows in = rows
checked, residents' names in no output format, inputs never written."""

import datetime as dt
import hashlib
import json
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from codecheck.cli import main
from codecheck.config import Config
from codecheck.engine import Engine
from codecheck.registry import default_registry
from codecheck.rules import Rule
from helpers import run_paths, write_cases

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
AS_OF = ["--as-of", "2025-04-30"]


def invoke(*args):
    return CliRunner().invoke(main, list(args))


def test_parallel_jobs_give_the_same_report():
    one = invoke(str(ROOT / "fixtures"), *AS_OF, "--format", "json")
    two = invoke(str(ROOT / "fixtures"), *AS_OF, "--format", "json", "--jobs", "2")
    assert one.exit_code == two.exit_code == 1
    assert json.loads(one.output) == json.loads(two.output)


def test_files_over_the_size_limit_are_not_checked_and_say_so(tmp_path, monkeypatch):
    big = write_cases(tmp_path / "big.csv", [{"case_id": f"C-{i}", "received_date": "03/06/2024",
                                              "category": "x" * 200} for i in range(6000)])
    assert big.stat().st_size > 1024 * 1024
    (tmp_path / "codecheck.yaml").write_text("max_file_mb: 1\n")
    monkeypatch.chdir(tmp_path)
    result = invoke(str(big))
    assert result.exit_code == 2
    assert "over the 1 MB limit" in result.output and "big.csv" in result.output


def test_a_failing_rule_is_one_message_and_the_other_files_are_still_checked(tmp_path):
    def broken(cases, ctx, emit):
        raise ValueError("boom")

    registry = default_registry()
    bad = Rule(id="ZZ001", name="broken", provision="6.2", summary="broken", rationale="r",
               breach_example="b", columns=(), check=broken)
    good = write_cases(tmp_path / "a.csv", [{"case_id": "C-1", "received_date": "20/12/2024", "stage1_ack_date": "02/01/2025"}])
    rules = [bad, registry.rules["CR602"]]
    engine = Engine(registry, Config(), rules, dt.date(2025, 4, 30))
    results = engine.run([good, ROOT / "fixtures/cases-clean.csv"])
    assert len(results.problems) == 2
    assert all("bug" in p.message and "ValueError: boom" in p.message for p in results.problems)


def test_rows_in_equal_rows_checked(tmp_path):
    from gen_cases import write

    path = tmp_path / "big.csv"
    write(5000, str(path))
    results = run_paths([path], config=Config(batch_size=777))
    assert results.files[0].rows == 5000
    assert not results.problems


def test_a_ten_megabyte_cell_is_read(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("case_id,received_date,remedy\r\nC-1,03/06/2024," + "x" * 10_000_000 + "\r\n", encoding="utf-8")
    results = run_paths([path])
    assert not results.problems and results.files[0].rows == 1


RESIDENT = "Philippa Quarrington"


def test_a_residents_name_appears_in_no_output_format(tmp_path):
    rows = [{
        "case_id": "C-1", "received_date": "20/12/2024", "stage1_ack_date": "02/01/2025",
        "stage1_handler": RESIDENT, "stage2_handler": RESIDENT.lower(), "stage2_ack_date": "03/01/2025",
        "escalation_requested_date": RESIDENT, "accepted": f"no - {RESIDENT}", "refusal_reason": "",
        "reasonable_adjustments": f"Braille for {RESIDENT}", "adjustments_review_date": "",
        "stage": f"Stage 9 {RESIDENT}", "record_type": "",
    }]
    path = str(write_cases(tmp_path / "cases.csv", rows))
    formats = sorted(default_registry().formatters)
    assert {"text", "json", "sarif", "junit", "github", "csv"} <= set(formats)
    for fmt in formats:
        result = invoke(path, "--format", fmt, *AS_OF)
        assert result.exit_code == 1, (fmt, result.output)
        assert "Quarrington" not in result.output, fmt
    assert "Quarrington" in invoke(path, "--show-values", *AS_OF).output


def _snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    return {str(p): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_inputs_are_never_written(tmp_path):
    import shutil

    copy = tmp_path / "fixtures"
    shutil.copytree(ROOT / "fixtures", copy)
    before = _snapshot(copy)
    for fmt in sorted(default_registry().formatters):
        invoke(str(copy), "--format", fmt, *AS_OF)
    invoke("report", str(copy / "cases.csv"), "--period", "2024-04-01..2025-03-31", "-o", str(tmp_path / "r.html"))
    assert _snapshot(copy) == before
