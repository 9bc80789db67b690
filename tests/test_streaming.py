"""Streamed findings (issue 16): the output is byte for byte what it was when every finding was held
until the end, on the fixtures and on generated exports, in every format, with suppressions, a
baseline, files named out of order (and one named twice), small batches, and a month-first file
that is refused (none of its findings may reach the output).

The expected outputs in tests/data/streaming/ were written by the engine *before* findings
streamed (``python tests/test_streaming.py --capture`` on that tree); they are not regenerated
from the code under test.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = ROOT / "tests" / "data" / "streaming"
FORMATS = ("text", "json", "csv", "github", "junit", "sarif")
TMP = "@TMP@"


def _generate(path: Path, rows: int, breaches: float = 1.0) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from gen_cases import write
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    write(rows, str(path), breaches=breaches)


def _month_first(path: Path) -> None:
    """A month-first export whose first batches read as day-first: 12/01 .. then 10/13."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["case_id", "received_date", "stage1_ack_date", "stage1_response_date"])
        for i in range(300):  # 02/03/2024 and the like: both readings are dates; the ack is late either way
            out.writerow([f"US-{i}", "02/03/2024", "02/12/2024", ""])
        out.writerow(["US-last", "10/13/2024", "10/14/2024", ""])


def inputs(folder: Path) -> None:
    """The files and configurations the scenarios run on, in `folder` (the working directory)."""
    _generate(folder / "gen.csv", 1200)
    _generate(folder / "high.csv", 800, breaches=9.5)
    _generate(folder / "more.csv", 1600)  # its first 1200 rows are gen.csv's (same seed)
    (folder / "a-cases.csv").write_bytes((ROOT / "fixtures" / "cases.csv").read_bytes())
    _month_first(folder / "us.csv")
    (folder / "small-batches.yaml").write_text("batch_size: 97\n", encoding="utf-8")
    (folder / "suppress.yaml").write_text(
        "batch_size: 500\n"
        "suppress:\n"
        "  - {rule: CR602, cases: [CMP-0000079, CMP-0000170, CMP-0000303, CMP-0000999], reason: agreed by phone}\n"
        "  - {rule: '6.3', cases: [CMP-0000020, CMP-0000045, CMP-0000057], path: gen.csv, reason: reviewed}\n"
        "  - {rule: CD001, cases: [CMP-0000677], reason: typed in}\n", encoding="utf-8")


def scenarios() -> list[tuple[str, list[str]]]:
    """(name, arguments) of each run compared; the fixtures run from the repository root."""
    out: list[tuple[str, list[str]]] = []
    for fmt in FORMATS:
        out.append((f"fixtures.{fmt}", ["@ROOT@/fixtures/", "--format", fmt]))
        out.append((f"several.{fmt}", ["gen.csv", "a-cases.csv", "gen.csv", "high.csv", "--format", fmt,
                                       "--config", "small-batches.yaml"]))
        if fmt == "sarif":  # SARIF is mostly the rules' descriptions: the fixtures and `several` cover it
            continue
        out.append((f"suppress.{fmt}", ["gen.csv", "--format", fmt, "--config", "suppress.yaml", "--show-suppressed"]))
        out.append((f"baseline.{fmt}", ["now.csv", "--format", fmt, "--baseline", "base.json"]))
        out.append((f"month-first.{fmt}", ["us.csv", "gen.csv", "--format", fmt]))
    out += [
        ("fixtures-suppressed.json", ["@ROOT@/fixtures/", "--format", "json", "--show-suppressed"]),
        ("fixtures-suppressed.text", ["@ROOT@/fixtures/", "--show-suppressed"]),
        ("fixtures-statistics.text", ["@ROOT@/fixtures/", "--statistics"]),
        ("fixtures-quiet.text", ["@ROOT@/fixtures/", "-q"]),
        ("several-statistics.text", ["gen.csv", "a-cases.csv", "--statistics"]),
        ("suppress-quiet.text", ["gen.csv", "-q", "--config", "suppress.yaml"]),
        ("write-baseline.json", ["gen.csv", "--write-baseline", "written.json"]),
        ("month-first-jobs.json", ["us.csv", "gen.csv", "a-cases.csv", "--format", "json", "-j", "2"]),
        ("several-jobs.text", ["gen.csv", "a-cases.csv", "high.csv", "-j", "2"]),
        ("output-file.json", ["high.csv", "--format", "json", "-o", "out.json"]),
    ]
    return out


def run(name: str, args: list[str], folder: Path) -> tuple[int, str]:
    """codecheck's exit code and output (stdout, or the file it wrote), with the folder's path made neutral."""
    args = [a.replace("@ROOT@", str(ROOT)) for a in args]
    if name.startswith("baseline.") and not (folder / "base.json").exists():
        # the baseline of gen.csv, written under the name the later, longer export has
        (folder / "now.csv").write_bytes((folder / "gen.csv").read_bytes())
        subprocess.run([sys.executable, "-m", "codecheck", "check", "now.csv", "--as-of", "2025-06-30",
                        "--write-baseline", "base.json"], cwd=folder, capture_output=True, check=True)
        (folder / "now.csv").write_bytes((folder / "more.csv").read_bytes())
    done = subprocess.run([sys.executable, "-m", "codecheck", "check", *args, "--as-of", "2025-06-30"],
                          cwd=ROOT if name.startswith("fixtures") else folder, capture_output=True,
                          env={**os.environ, "NO_COLOR": "1"})
    text = done.stdout.decode("utf-8")
    if name == "write-baseline.json":
        text += (folder / "written.json").read_text(encoding="utf-8")
    if name == "output-file.json":
        text += (folder / "out.json").read_text(encoding="utf-8")
    if name.startswith("fixtures"):
        text = text.replace(ROOT.as_uri(), "@ROOT@").replace(str(ROOT), "@ROOT@")
    else:
        text = text.replace(folder.as_uri(), TMP).replace(str(folder), TMP)
    return done.returncode, text


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    here = tmp_path_factory.mktemp("streaming")
    inputs(here)
    return here


@pytest.mark.parametrize("name,args", scenarios(), ids=[name for name, _ in scenarios()])
def test_output_is_what_it_was_before_findings_streamed(name, args, folder):
    code, text = run(name, args, folder)
    expected = EXPECTED / f"{name}.out"
    assert code == int((EXPECTED / f"{name}.code").read_text()), text[-2000:]
    assert text == expected.read_bytes().decode("utf-8")


def test_the_scenarios_find_what_they_are_meant_to(folder):
    """The expected files are not vacuous: many findings, suppressed and baselined ones, a refused file."""
    doc = json.loads((EXPECTED / "several.json.out").read_text(encoding="utf-8"))
    assert doc["summary"]["findings"] > 1000 and len(doc["summary"]["files"]) == 4
    assert json.loads((EXPECTED / "suppress.json.out").read_text(encoding="utf-8"))["summary"]["suppressed"] >= 5
    assert json.loads((EXPECTED / "baseline.json.out").read_text(encoding="utf-8"))["summary"]["baselined"] > 100
    refused = json.loads((EXPECTED / "month-first.json.out").read_text(encoding="utf-8"))
    assert refused["errors"] and "month-first" in refused["errors"][0]["message"]
    assert not any(f["path"] == "us.csv" for f in refused["findings"]) and refused["findings"]
    assert (EXPECTED / "month-first.json.code").read_text() == "2"


def capture(only: str = "") -> None:  # pragma: no cover - run by hand, on the tree before streaming
    import tempfile

    EXPECTED.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        here = Path(tmp)
        inputs(here)
        for name, args in scenarios():
            if not name.startswith(only):
                continue
            code, text = run(name, args, here)
            (EXPECTED / f"{name}.out").write_text(text, encoding="utf-8", newline="")
            (EXPECTED / f"{name}.code").write_text(str(code))
            print(name, code, len(text))


if __name__ == "__main__" and sys.argv[1:2] == ["--capture"]:
    capture(*sys.argv[2:3])


# -- the working-day index (issue 16, item 3) -----------------------------------------------------


def test_the_working_day_index_agrees_with_numpys_business_day_functions():
    """Counts and deadlines by lookup are numpy's busday_count/busday_offset, on random dates
    inside and outside the index, on days off, with unknown dates, steps of any sign."""
    import datetime as dt

    import numpy as np

    from codecheck.calendar import INDEX_FIRST, INDEX_LAST, WorkingCalendar

    cal = WorkingCalendar("england-and-wales", [dt.date(2024, 12, 27), dt.date(2025, 4, 22)])
    rng = np.random.default_rng(16)
    near = np.datetime64("2024-12-20") + rng.integers(-400, 400, 4000)
    far = np.array([INDEX_FIRST - dt.timedelta(days=3), INDEX_LAST - dt.timedelta(days=2), INDEX_LAST,
                    INDEX_LAST + dt.timedelta(days=9), dt.date(1850, 6, 1)], dtype="datetime64[D]")
    start = np.concatenate([near, far, [np.datetime64("NaT")]]).astype("datetime64[D]")
    end = rng.permutation(start)
    steps = rng.integers(-30, 60, len(start))
    steps[-3:] = [0, 5, -5]
    known = ~(np.isnat(start) | np.isnat(end))
    one = np.timedelta64(1, "D")
    expected = np.zeros(len(start), dtype=np.int64)
    expected[known] = np.busday_count(start[known] + one, end[known] + one, busdaycal=cal._cal)
    assert (cal.counts(start, end) == expected).all()
    ok = ~np.isnat(start)
    want = np.full(len(start), np.datetime64("NaT"), dtype="datetime64[D]")
    want[ok] = np.busday_offset(start[ok], steps[ok], roll="backward", busdaycal=cal._cal)
    got = cal.deadlines(start, steps)
    assert ((got == want) | (np.isnat(got) & np.isnat(want))).all()
    assert (cal.deadlines(start, 10)[ok] == np.busday_offset(start[ok], 10, roll="backward", busdaycal=cal._cal)).all()
    for a, b, n in zip(start[:300].tolist() + far.tolist(), end[:300].tolist() + far[::-1].tolist(), steps):
        if a is None or b is None:
            continue
        assert cal.count(a, b) == int(np.busday_count(np.datetime64(a) + one, np.datetime64(b) + one, busdaycal=cal._cal))
        assert cal.count(np.datetime64(a, "D"), np.datetime64(b, "D")) == cal.count(a, b)
        assert cal.deadline(a, int(n)) == np.busday_offset(np.datetime64(a, "D"), int(n), roll="backward",
                                                           busdaycal=cal._cal).astype(dt.date)
        assert cal.is_working_day(a) == bool(np.is_busday(np.datetime64(a, "D"), busdaycal=cal._cal))


def test_a_run_leaves_no_spooled_findings_behind(folder, tmp_path):
    """The spools live in a folder of the run's own, removed whole: with workers, a refused
    file, findings written to a file."""
    temp = tmp_path / "temp"
    temp.mkdir()
    done = subprocess.run([sys.executable, "-m", "codecheck", "check", "us.csv", "gen.csv", "high.csv", "-j", "2",
                           "--as-of", "2025-06-30", "--format", "json", "-o", str(tmp_path / "out.json")],
                          cwd=folder, capture_output=True, env={**os.environ, "TMPDIR": str(temp)})
    assert done.returncode == 2, done.stderr
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["summary"]["findings"] > 500
    assert list(temp.iterdir()) == []
