"""How long codecheck takes to start: `codecheck rules` and a check of a one-letter file, against
`python -c pass` measured in the same run (issue 13: a pre-commit hook pays this on every commit).

    python benchmarks/bench_startup.py [--runs 7]

Prints the best of N wall times for each command (the best, not the mean: these machines are
shared, and noise only ever adds time), after one warm-up run that caches the modules' bytecode as
an install does, and each command's time less Python's own start-up. The target is under 0.3 s
for both commands.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def best_of(command: list[str], runs: int, cwd: Path) -> float:
    # As an installed package runs: with its modules' bytecode cached (pip compiles it at install;
    # PYTHONDONTWRITEBYTECODE, set on some machines, would make every run compile every module).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    exe = shutil.which("codecheck")
    codecheck = [exe] if exe else [sys.executable, "-m", "codecheck"]
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        (cwd / "ack.md").write_text("x\n", encoding="utf-8")
        rows = [
            ("python -c pass", [sys.executable, "-c", "pass"]),
            ("codecheck rules", [*codecheck, "rules"]),
            ("codecheck ack.md --kind stage1_ack", [*codecheck, "ack.md", "--kind", "stage1_ack"]),
        ]
        found = {name: best_of(cmd, args.runs, cwd) for name, cmd in rows}
    base = found["python -c pass"]
    print(f"best of {args.runs} runs, on {os.cpu_count()} CPUs; target: under 0.300 s for each codecheck command")
    for name, seconds in found.items():
        extra = "" if name.startswith("python") else f"   ({seconds - base:.3f} s more than python -c pass; " \
                                                     f"{'within' if seconds < 0.3 else 'OVER'} target)"
        print(f"  {name:<38} {seconds:.3f} s{extra}")


if __name__ == "__main__":
    main()
