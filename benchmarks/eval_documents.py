"""Measure the document rules on real published text: the corpus scorers, this tree against a baseline.

    python benchmarks/eval_documents.py [--baseline REV] [--corpus DIR] [-v]

Runs ``../shared/corpus/policies/score.py`` and ``../shared/corpus/self-assessments/score.py``
(real landlords' policy pages and self-assessment forms, with verdicts; see that corpus's
README) twice in the same run: on this working tree, and on the baseline revision (default
``HEAD``; use ``HEAD~3`` or a tag to compare with an older build), checked out in a temporary
git worktree and run from its source. Prints each scorer's summary line for both, and with
``-v`` the scorers' per-file details for this tree (breaches missed, false alarms).

When the corpus is not there (it lives beside the repository, not in it) this says so and
exits 0: the corpus is development evidence, not a test fixture.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCORERS = ("policies", "self-assessments")


def runner(src: Path, folder: Path) -> Path:
    """A small executable that runs codecheck from the source folder `src` (the scorers take a command)."""
    exe = folder / f"codecheck-{src.parent.name}"
    exe.write_text(f'#!/bin/sh\nPYTHONPATH="{src}" exec "{sys.executable}" -m codecheck "$@"\n', encoding="utf-8")
    exe.chmod(0o755)
    return exe


def score(corpus: Path, name: str, exe: Path, verbose: bool) -> str:
    """The scorer's summary line (its whole output with `verbose`)."""
    scorer = corpus / name / "score.py"
    args = [sys.executable, str(scorer), str(exe)] + (["-v"] if verbose else [])
    proc = subprocess.run(args, capture_output=True, text=True, timeout=1800)
    out = proc.stdout.strip() or proc.stderr.strip()
    return out if verbose else (out.splitlines()[-1] if out else "(no output)")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="HEAD", help="git revision to compare with (default HEAD)")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    if not all((args.corpus / name / "score.py").is_file() for name in SCORERS):
        print(f"eval_documents: no corpus at {args.corpus} (expected {', '.join(SCORERS)} with score.py); nothing measured")
        return 0
    with tempfile.TemporaryDirectory(prefix="codecheck-eval-") as tmp:
        folder = Path(tmp)
        base = folder / "baseline"
        added = subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(base), args.baseline],
                               capture_output=True, text=True)
        try:
            builds = [("this tree", runner(ROOT / "src", folder))]
            if added.returncode == 0:
                builds.insert(0, (f"baseline {args.baseline}", runner(base / "src", folder)))
            else:
                print(f"eval_documents: no baseline ({added.stderr.strip()}); measuring this tree only")
            for name in SCORERS:
                print(f"{name}:")
                for label, exe in builds:
                    print(f"  {label:<20} {score(args.corpus, name, exe, False)}")
            if args.verbose:
                for name in SCORERS:
                    print(f"\n== {name}, this tree ==")
                    print(score(args.corpus, name, builds[-1][1], True))
        finally:
            if added.returncode == 0:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)],
                               capture_output=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    sys.exit(main(sys.argv[1:]))
