"""How long codecheck takes to start: `codecheck rules` and a check of a one-letter file, against
`python -c pass` measured in the same run (issue 13: a pre-commit hook pays this on every commit).

    python benchmarks/bench_startup.py [--runs 7]
    python benchmarks/bench_startup.py --against /tmp/old/src   # and an earlier version, in turn

`--against SRC` also times the same commands with the package in SRC (``python -m codecheck``
with PYTHONPATH=SRC; e.g. the src folder of ``git worktree add /tmp/old COMMIT``), each round
running every command of both versions in turn, so both are measured in the same minutes.

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


def environment(src: str | None) -> dict[str, str]:
    # As an installed package runs: with its modules' bytecode cached (pip compiles it at install;
    # PYTHONDONTWRITEBYTECODE, set on some machines, would make every run compile every module).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if src:
        env["PYTHONPATH"] = src
    return env


def once(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--against", metavar="SRC", help="also time the codecheck package in SRC (an earlier version)")
    args = parser.parse_args()
    exe = shutil.which("codecheck")
    versions = {"": ([exe] if exe else [sys.executable, "-m", "codecheck"], environment(None))}
    if args.against:
        versions[f" [{args.against}]"] = ([sys.executable, "-m", "codecheck"], environment(args.against))
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        (cwd / "ack.md").write_text("x\n", encoding="utf-8")
        rows = [("python -c pass", [sys.executable, "-c", "pass"], environment(None))]
        for label, (codecheck, env) in versions.items():
            rows += [(f"codecheck rules{label}", [*codecheck, "rules"], env),
                     (f"codecheck ack.md --kind stage1_ack{label}", [*codecheck, "ack.md", "--kind", "stage1_ack"], env)]
        for _, command, env in rows:  # warm-up: bytecode written, files in the page cache
            once(command, cwd, env)
        found = {name: min(once(command, cwd, env) for _ in range(1)) for name, command, env in rows}
        for _ in range(args.runs - 1):  # rounds: every command in turn, so all see the same load
            for name, command, env in rows:
                found[name] = min(found[name], once(command, cwd, env))
    base = found["python -c pass"]
    print(f"best of {args.runs} runs, on {os.cpu_count()} CPUs; target: under 0.300 s for each codecheck command")
    for name, seconds in found.items():
        extra = "" if name.startswith("python") else f"   ({seconds - base:.3f} s more than python -c pass; " \
                                                     f"{'within' if seconds < 0.3 else 'OVER'} target)"
        print(f"  {name:<52} {seconds:.3f} s{extra}")


if __name__ == "__main__":
    main()
