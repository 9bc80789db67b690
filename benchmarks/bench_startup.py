"""How long codecheck takes to start: `codecheck rules` and a check of a one-letter file, against
`python -c pass` measured in the same run (issue 13: a pre-commit hook pays this on every commit).
Also: the letter in a repository with a codecheck.yaml (as a pre-commit user has), and the letter
without the cache of compiled rule patterns (CODECHECK_NO_CACHE=1: what the first run on a machine
pays; the warm-up run fills the cache, in the user's cache folder as a real run does).

    python benchmarks/bench_startup.py [--runs 7]
    python benchmarks/bench_startup.py --against /tmp/old/src   # and an earlier version, in turn

`--breakdown` also prints, for `codecheck rules` in one process, how long importing the command
line, building the registry and listing take, and whether pydantic was imported (it should not be).

`--against SRC` also times the same commands with the package in SRC (``python -m codecheck``
with PYTHONPATH=SRC; e.g. the src folder of ``git worktree add /tmp/old COMMIT``), each round
running every command of both versions in turn, so both are measured in the same minutes.

Prints the best of N wall times for each command (the best, not the mean: these machines are
shared, and noise only ever adds time), after one warm-up run that caches the modules' bytecode as
an install does, and each command's time less Python's own start-up. The target is under 0.3 s
for `codecheck rules` and the one-letter check.
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


#: The configuration of a repository of letter templates (a pre-commit user's).
CONFIG = """documents:
  "*.md": stage1_ack
fail_on: error
closures: [2024-12-27, 2024-12-30]
severity:
  CL609G: warning
"""


def once(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env)
    return time.perf_counter() - start


_BREAKDOWN = """
import sys, time
start = time.perf_counter()
from codecheck.cli import main
imported = time.perf_counter()
from codecheck.registry import default_registry
default_registry()
registered = time.perf_counter()
sys.argv = ["codecheck", "rules"]
try:
    main()
except SystemExit:
    pass
end = time.perf_counter()
loaded = "yes" if "pydantic" in sys.modules else "no"
print(f"{imported - start:.3f} {registered - imported:.3f} {end - registered:.3f} {end - start:.3f} {loaded}",
      file=sys.stderr)
"""


def breakdown(runs: int) -> None:
    """Where `codecheck rules` spends its time in one process: importing the command line, building
    the registry (every plugin's rules: the shipped packs read), listing; and whether pydantic was
    imported at all (it should not be: it is for validating a user's own config and packs)."""
    best = None
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", _BREAKDOWN], capture_output=True, text=True, env=environment(None))
        parts = done.stderr.split()
        values = (float(parts[0]), float(parts[1]), float(parts[2]), float(parts[3]), parts[4])
        best = values if best is None or values[3] < best[3] else best
    imported, registered, listed, whole, loaded = best
    print(f"codecheck rules in one process (the run with the shortest total of {runs}): {whole:.3f} s, of which")
    print(f"  importing the command line            {imported:.3f} s")
    print(f"  the registry (rules of every plugin)  {registered:.3f} s")
    print(f"  listing them                          {listed:.3f} s")
    print(f"  pydantic imported: {loaded}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--against", metavar="SRC", help="also time the codecheck package in SRC (an earlier version)")
    parser.add_argument("--breakdown", action="store_true", help="also say where `codecheck rules` spends its time")
    args = parser.parse_args()
    exe = shutil.which("codecheck")
    versions = {"": ([exe] if exe else [sys.executable, "-m", "codecheck"], environment(None))}
    if args.against:
        versions[f" [{args.against}]"] = ([sys.executable, "-m", "codecheck"], environment(args.against))
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        (cwd / "ack.md").write_text("x\n", encoding="utf-8")
        # A repository of letters as a pre-commit hook sees it: its codecheck.yaml read on every run.
        (cwd / "repo" / ".git").mkdir(parents=True)
        (cwd / "repo" / "codecheck.yaml").write_text(CONFIG, encoding="utf-8")
        (cwd / "repo" / "ack.md").write_text("x\n", encoding="utf-8")
        rows = [("python -c pass", [sys.executable, "-c", "pass"], environment(None))]
        for label, (codecheck, env) in versions.items():
            rows += [(f"codecheck rules{label}", [*codecheck, "rules"], env),
                     (f"codecheck ack.md --kind stage1_ack{label}", [*codecheck, "ack.md", "--kind", "stage1_ack"], env),
                     (f"codecheck repo/ack.md (with codecheck.yaml){label}", [*codecheck, "repo/ack.md"], env)]
        codecheck, env = versions[""]
        # The same letter without the cache of compiled patterns: what the first run on a machine pays.
        rows.append(("codecheck ack.md --kind stage1_ack, no cache", [*codecheck, "ack.md", "--kind", "stage1_ack"],
                     {**env, "CODECHECK_NO_CACHE": "1"}))
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
    if args.breakdown:
        breakdown(args.runs)


if __name__ == "__main__":
    main()
