"""A small run of each benchmark, so the scripts keep working; the full sizes are run by hand
(figures in docs/performance.md). Timings are printed, never asserted: the machines are shared."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> str:
    proc = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_case_benchmark_smoke():
    out = run("benchmarks/bench_cases.py", "3000")
    assert "rows                 3,000" in out
    for label in ("ratio to csv.reader", "peak RSS", "rows/s"):
        assert label in out


def test_document_benchmark_smoke():
    pytest.importorskip("fpdf")
    out = run("benchmarks/bench_documents.py", "5", "30")
    assert "5 pages" in out and "30 files" in out
