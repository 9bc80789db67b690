"""Benchmark: lint a large case export and compare with a bare csv.reader pass.

    python benchmarks/bench_cases.py [ROWS]         # default 1,000,000 (about 150 MB)

Prints rows/s, peak RSS, and the ratio of codecheck's wall time to a bare
`csv.reader` pass over the same file, both measured in this run (the machine
is shared and noisy: compare ratios, not seconds). Targets: ratio <= 3, peak
RSS < 1 GB. Generation happens in a child process so its memory is not counted.

The reader line says which CSV path ran: pyarrow's columnar path (pyarrow is a
dependency since issue 16), else the csv module; CODECHECK_FAST_CSV=0 forces the
csv module. `bench_scale.py` measures the command as a user runs it, on exports
with few and with many findings. codecheck's CPU time (all threads) is printed too: the
columnar path reads on a second thread, so on a busy machine wall time and CPU
time tell different stories.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def bare_csv_pass(path: str) -> tuple[float, int]:
    t = time.perf_counter()
    n = 0
    with open(path, newline="", encoding="utf-8-sig") as fh:
        for _ in csv.reader(fh):
            n += 1
    return time.perf_counter() - t, n - 1


def codecheck_pass(path: str) -> tuple[float, float, int, int]:
    from codecheck.config import Config
    from codecheck.engine import Engine
    from codecheck.registry import default_registry

    registry = default_registry()
    engine = Engine(registry, Config(), registry.select(), dt.date(2025, 6, 30))
    cpu = time.process_time()
    t = time.perf_counter()
    results = engine.run([path])
    elapsed = time.perf_counter() - t
    return elapsed, time.process_time() - cpu, sum(f.rows for f in results.files), len(results.findings)


def reader_used() -> str:
    from codecheck.readers import cases_arrow

    if cases_arrow.available():
        import pyarrow

        return f"pyarrow {pyarrow.__version__} (columnar path)"
    return "csv module" + (" (pyarrow not installed)" if cases_arrow.pa is None else f" ({cases_arrow.ENV}=0)")


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "cases.csv")
        subprocess.run([sys.executable, str(HERE / "gen_cases.py"), str(rows), path], check=True)
        size = os.path.getsize(path)
        base, n = bare_csv_pass(path)
        took, cpu, checked, findings = codecheck_pass(path)
        base_again, _ = bare_csv_pass(path)  # once more, after: the machine's noise shows in the spread
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB on Linux
    baseline = min(base, base_again)
    print(f"rows                 {checked:,} (file {size / 1e6:.0f} MB, {n:,} data rows)")
    print(f"findings             {findings:,}")
    print(f"csv.reader pass      {baseline:.2f} s (runs: {base:.2f}, {base_again:.2f})")
    print(f"reader               {reader_used()}")
    print(f"codecheck            {took:.2f} s, {checked / took:,.0f} rows/s (CPU {cpu:.2f} s, all threads)")
    print(f"ratio to csv.reader  {took / baseline:.2f}  (target <= 3)")
    print(f"peak RSS             {peak:,.0f} MiB  (target < 1024)")
    if checked != n:
        sys.exit(f"rows in ({n}) != rows checked ({checked})")


if __name__ == "__main__":
    main()
