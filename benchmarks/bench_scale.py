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
machine is shared and noisy, so compare ratios, not seconds. With --rounds N
(default 3) each is timed N times, taken in turn (csv.reader, codecheck,
csv.reader, ...), and the medians are compared; the range of the per-round
ratios (each codecheck run against the csv.reader pass just before it) shows
how much the machine moved. Targets (issue 16, 2 cores): high findings at
1,000,000 rows ratio <= 3, peak < 1 GB; low findings ratio <= 1.5.

    python benchmarks/bench_scale.py 1000000 --rounds 5
"""

from __future__ import annotations

import csv
import json
import os
import statistics
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


def installed_env(tmp: str) -> dict:
    """The environment codecheck runs in: as after `pip install`, which compiles every module's
    bytecode at install time. An editable install in a shell with PYTHONDONTWRITEBYTECODE set
    (as on these machines) would compile codecheck's ~85 modules from source on every run
    (measured: ~0.2 s a run), a cost no installed codecheck pays; so the bytecode is written to
    a cache of this run's own (PYTHONPYCACHEPREFIX, outside the source tree) by an untimed first
    run and read from there by the timed ones."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = os.path.join(tmp, "pycache")
    return env


def codecheck_run(path: str, out: str, env: dict | None = None) -> dict:
    """codecheck on `path`, JSON to the file `out`, in a process of its own."""
    command = [sys.executable, "-m", "codecheck", "check", path, "--as-of", AS_OF, "--format", "json",
               "-o", out, "--exit-zero"]
    proc = subprocess.run([sys.executable, "-c", _WRAPPER, *command], capture_output=True, text=True, check=True,
                          env=env)
    measured = json.loads(proc.stdout.strip().splitlines()[-1])
    if measured["code"] != 0:
        sys.exit(f"codecheck exited {measured['code']} on {path}: {proc.stderr}")
    with open(out, encoding="utf-8") as fh:
        summary = json.load(fh)["summary"]
    measured["findings"] = summary["findings"]
    measured["rows"] = sum(f["rows"] for f in summary["files"])
    return measured


def main() -> None:
    args = sys.argv[1:]
    rounds = 3
    if "--rounds" in args:
        at = args.index("--rounds")
        rounds = int(args[at + 1])
        del args[at:at + 2]
    sizes = [int(a) for a in args] or [100_000, 1_000_000]
    from codecheck.readers import cases_arrow

    reader = "pyarrow (columnar path)" if cases_arrow.available() else "csv module"
    print(f"reader: {reader}; JSON written to a file; as of {AS_OF}; medians of {rounds} rounds; "
          "bytecode compiled, as installed")
    print(f"{'rows':>10} {'export':<5} {'findings':>9} {'csv.reader':>10} {'codecheck':>10} {'ratio':>6} "
          f"{'peak MiB':>9}  per-round ratios")
    with tempfile.TemporaryDirectory() as tmp:
        env = installed_env(tmp)
        warmed = False
        for rows in sizes:
            for label, breaches in EXPORTS:
                path = os.path.join(tmp, f"cases-{rows}-{label}.csv")
                subprocess.run([sys.executable, str(HERE / "gen_cases.py"), str(rows), path, str(breaches)], check=True)
                if not warmed:  # writes the bytecode cache (see installed_env); not timed
                    codecheck_run(path, os.path.join(tmp, "out.json"), env)
                    warmed = True
                bases, runs = [], []
                for _ in range(rounds):  # in turn, so that both see the machine as it is
                    bases.append(bare_csv_pass(path))
                    runs.append(codecheck_run(path, os.path.join(tmp, "out.json"), env))
                    if runs[-1]["rows"] != rows:
                        sys.exit(f"rows in ({rows}) != rows checked ({runs[-1]['rows']})")
                base, wall = statistics.median(bases), statistics.median(r["wall"] for r in runs)
                each = sorted(r["wall"] / b for r, b in zip(runs, bases))
                print(f"{rows:>10,} {label:<5} {runs[0]['findings']:>9,} {base:>9.2f}s {wall:>9.2f}s "
                      f"{wall / base:>6.2f} {max(r['peak_mib'] for r in runs):>9,.0f}  "
                      f"{each[0]:.2f} to {each[-1]:.2f}", flush=True)
                os.remove(path)


if __name__ == "__main__":
    main()
