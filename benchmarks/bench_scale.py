"""Benchmark: how codecheck's cost grows with rows *and* with findings (issue 16).

    python benchmarks/bench_scale.py                  # 100,000 and 1,000,000 rows
    python benchmarks/bench_scale.py 20000 200000     # other sizes

For each size it writes two exports with `gen_cases.py`: a low-findings one
(about 1 finding in 10 rows) and a high-findings one (about 8 in 10, a
struggling landlord). On each it times, in this one run and on the same file:

- a bare `csv.reader` pass (the floor: reading the file in Python at all);
- `codecheck FILE --format json -o OUT` as a subprocess, the way a user runs
  it, with its peak memory (`ru_maxrss` of that process alone: each run is
  started from a small wrapper process, so neither the generator nor another
  run's peak is counted).

It prints the ratio of codecheck's wall time to the csv.reader pass: the
machine is shared and noisy, so compare ratios, not seconds. Targets (issue 16,
2 cores): high findings at 1,000,000 rows ratio <= 3, peak < 1 GB; low
findings ratio <= 1.5.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
AS_OF = "2025-06-30"
#: gen_cases.py's BREACHES for each export: about 1 and 8 findings in 10 rows.
EXPORTS = (("low", 0.1), ("high", 9.5))

# Runs one command and reports its wall time and the peak RSS of that command alone.
_WRAPPER = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
code = subprocess.run(sys.argv[1:]).returncode
wall = time.perf_counter() - t
print(json.dumps({"code": code, "wall": wall,
                  "peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def bare_csv_pass(path: str) -> float:
    """Seconds for the simplest Python read of the file: every row through csv.reader."""
    t = time.perf_counter()
    with open(path, newline="", encoding="utf-8-sig") as fh:
        for _ in csv.reader(fh):
            pass
    return time.perf_counter() - t


def codecheck_run(path: str, out: str) -> dict:
    """codecheck on `path`, JSON to the file `out`, in a process of its own."""
    command = [sys.executable, "-m", "codecheck", "check", path, "--as-of", AS_OF, "--format", "json",
               "-o", out, "--exit-zero"]
    proc = subprocess.run([sys.executable, "-c", _WRAPPER, *command], capture_output=True, text=True, check=True)
    measured = json.loads(proc.stdout.strip().splitlines()[-1])
    if measured["code"] != 0:
        sys.exit(f"codecheck exited {measured['code']} on {path}: {proc.stderr}")
    with open(out, encoding="utf-8") as fh:
        summary = json.load(fh)["summary"]
    measured["findings"] = summary["findings"]
    measured["rows"] = sum(f["rows"] for f in summary["files"])
    return measured


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [100_000, 1_000_000]
    from codecheck.readers import cases_arrow

    reader = "pyarrow (columnar path)" if cases_arrow.available() else "csv module"
    print(f"reader: {reader}; JSON written to a file; as of {AS_OF}")
    print(f"{'rows':>10} {'export':<5} {'findings':>9} {'csv.reader':>10} {'codecheck':>10} {'ratio':>6} {'peak MiB':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            for label, breaches in EXPORTS:
                path = os.path.join(tmp, f"cases-{rows}-{label}.csv")
                subprocess.run([sys.executable, str(HERE / "gen_cases.py"), str(rows), path, str(breaches)], check=True)
                base = bare_csv_pass(path)
                run = codecheck_run(path, os.path.join(tmp, "out.json"))
                base = min(base, bare_csv_pass(path))  # once more, after: the lower is the floor
                if run["rows"] != rows:
                    sys.exit(f"rows in ({rows}) != rows checked ({run['rows']})")
                print(f"{rows:>10,} {label:<5} {run['findings']:>9,} {base:>9.2f}s {run['wall']:>9.2f}s "
                      f"{run['wall'] / base:>6.2f} {run['peak_mib']:>9,.0f}", flush=True)
                os.remove(path)


if __name__ == "__main__":
    main()
