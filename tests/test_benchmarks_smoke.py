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


def test_scale_benchmark_smoke():
    """bench_scale.py (issue 16): both exports at a small size, each with its findings, ratio and peak."""
    out = run("benchmarks/bench_scale.py", "2000", "--rounds", "2")
    lines = [line.split() for line in out.splitlines() if line.strip().startswith("2,000")]
    assert [line[1] for line in lines] == ["low", "high"]
    low, high = (int(line[2].replace(",", "")) for line in lines)
    assert 100 <= low <= 350 and 1200 <= high <= 1900  # about 1 and 8 findings in 10 rows
    assert all(float(line[5]) > 0 and float(line[6].replace(",", "")) > 0 for line in lines)


def test_document_benchmark_smoke():
    pytest.importorskip("fpdf")
    out = run("benchmarks/bench_documents.py", "5", "30")
    assert "5 pages" in out and "30 files" in out


def test_document_evaluation_says_when_there_is_no_corpus(tmp_path):
    out = run("benchmarks/eval_documents.py", "--corpus", str(tmp_path / "none"))
    assert "no corpus at" in out and "nothing measured" in out


def test_document_evaluation_scores_a_corpus_against_a_baseline(tmp_path):
    # a corpus of one scorer-shaped pair: each "scorer" prints the command it was given
    for name in ("policies", "self-assessments"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "score.py").write_text(
            "import sys, subprocess\n"
            "p = subprocess.run([sys.argv[1], 'rules', '--kind', 'policy'], capture_output=True, text=True)\n"
            f"print('{name}:', 'CP603T' in p.stdout)\n", encoding="utf-8")
    out = run("benchmarks/eval_documents.py", "--corpus", str(tmp_path))
    builds = 1 if "no baseline" in out else 2  # a checkout without git history has no baseline to run
    assert "this tree" in out and (builds == 1 or "baseline HEAD" in out)
    assert out.count("policies: True") == builds and out.count("self-assessments: True") == builds


def test_startup_benchmark_smoke():
    """bench_startup.py (issue 13): the three commands, each against `python -c pass`; --against
    times another version of the package in the same rounds; --breakdown says pydantic was not
    imported by `codecheck rules`."""
    out = run("benchmarks/bench_startup.py", "--runs", "1", "--against", str(ROOT / "src"), "--breakdown")
    for name in ("python -c pass", "codecheck rules", "codecheck ack.md --kind stage1_ack",
                 "codecheck repo/ack.md (with codecheck.yaml)", "stage1_ack, no cache"):
        assert name in out
    assert out.count(f"[{ROOT / 'src'}]") == 3 and out.count("more than python -c pass") == 7
    assert "the registry" in out and "pydantic imported: no" in out
