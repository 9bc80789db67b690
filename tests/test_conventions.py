"""codecheck behaves like the linters people already use (issue 13): the nearest config governs,
globs mean what their author wrote, --exit-zero, -q, --statistics, colour only on a terminal,
standard input, "did you mean", and each input error printed once, on standard error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from codecheck.config import configs_for, find_config
from codecheck.suggest import did_you_mean

ROOT = Path(__file__).resolve().parents[1]
LETTER = "# Our response\n\nWe will send our full reply within 30 working days of today.\n"


def _run(*args: str, cwd: Path, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    full = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "codecheck", *args], cwd=cwd, input=stdin, capture_output=True,
                          text=True, timeout=120, env=full)


@pytest.fixture
def repo(tmp_path):
    """A repository of letters with its codecheck.yaml at the root, naming the kind by a glob."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "codecheck.yaml").write_text('documents:\n  "letters/*.md": stage1_response\n', encoding="utf-8")
    (tmp_path / "letters").mkdir()
    (tmp_path / "letters" / "reply.md").write_text(LETTER, encoding="utf-8")
    (tmp_path / "drafts").mkdir()
    return tmp_path


def test_the_nearest_config_governs_a_run_from_a_subfolder(repo):
    done = _run("../letters/reply.md", "--format", "json", cwd=repo / "drafts")
    assert done.returncode == 1, done.stderr  # read as a stage 1 response: its omissions are warnings
    assert {f["rule"] for f in json.loads(done.stdout)["findings"]} >= {"CL609A"}
    assert find_config(repo / "letters" / "reply.md") == repo / "codecheck.yaml"


def test_discovery_stops_at_the_repository_root(tmp_path, repo):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / ".git").mkdir()
    assert find_config(outside) is None


def test_inputs_under_different_configs_each_use_their_own(tmp_path):
    for name, kind in (("a", "stage1_response"), ("b", "stage2_response")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "codecheck.yaml").write_text(f'documents:\n  "*.md": {kind}\n', encoding="utf-8")
        (tmp_path / name / "reply.md").write_text(LETTER, encoding="utf-8")
    groups = configs_for([tmp_path / "a" / "reply.md", tmp_path / "b" / "reply.md"])
    assert [c.documents for c, _ in groups] == [{"*.md": "stage1_response"}, {"*.md": "stage2_response"}]
    findings = json.loads(_run("a/reply.md", "b/reply.md", "--format", "json", cwd=tmp_path).stdout)["findings"]
    assert {f["rule"][:4] for f in findings if f["path"].startswith("a")} == {"CL60"}
    assert any(f["rule"].startswith("CL61") for f in findings if f["path"].startswith("b"))


def test_exit_zero_quiet_and_statistics(repo):
    assert _run("letters/reply.md", "--exit-zero", cwd=repo).returncode == 0
    quiet = _run("letters/reply.md", "-q", cwd=repo).stdout
    assert "CL609A" in quiet and "finding" not in quiet.splitlines()[-1]  # no summary line
    stats = _run("letters/reply.md", "--statistics", cwd=repo).stdout.splitlines()
    assert stats and all(line.split()[0].isdigit() for line in stats)
    assert _run("nothing-here.md", "--exit-zero", cwd=repo).returncode == 2  # an input error is still an error


def test_no_colour_unless_a_terminal(repo):
    assert "\033[" not in _run("letters/reply.md", cwd=repo).stdout
    pty = pytest.importorskip("pty")
    import select

    def on_terminal(env: dict) -> bytes:
        pid, fd = pty.fork()
        if pid == 0:  # the child: codecheck on a terminal
            os.chdir(repo)
            os.execve(sys.executable, [sys.executable, "-m", "codecheck", "letters/reply.md"], env)
        out = b""
        while True:
            ready, _, _ = select.select([fd], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        os.waitpid(pid, 0)
        return out

    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    assert b"\033[33mwarning" in on_terminal(env)
    assert b"\033[33m" not in on_terminal({**env, "NO_COLOR": "1"})


def test_standard_input_with_a_name(repo):
    done = _run("-", "--stdin-filename", "letters/new.md", "--format", "json", cwd=repo, stdin=LETTER)
    findings = json.loads(done.stdout)["findings"]
    assert findings and {f["path"] for f in findings} == {"letters/new.md"}
    assert _run("-", cwd=repo, stdin=LETTER).returncode == 2  # which kind? it must be named


def test_did_you_mean():
    assert did_you_mean("cr602", ["CR602", "CR603", "CD001"]).startswith("; did you mean 'CR602'")
    assert did_you_mean("zzz", ["CR602"]) == ""


def test_a_mistyped_rule_or_key_gets_a_suggestion(repo):
    assert "did you mean 'stage1-ack-late'" in _run("letters/reply.md", "--select", "stage1-ack-lte", cwd=repo).stderr
    (repo / "codecheck.yaml").write_text("documnets: {}\n", encoding="utf-8")
    done = _run("letters/reply.md", cwd=repo)
    assert done.returncode == 2 and "did you mean 'documents'" in done.stderr


def test_an_input_error_is_printed_once_on_standard_error(repo):
    done = _run("missing.csv", cwd=repo)
    assert done.returncode == 2
    assert done.stderr.count("missing.csv") == 1 and "missing.csv" not in done.stdout.split("\n\n")[0]


def test_verbose_says_the_kind_of_each_file_and_why(repo):
    (repo / "cases.csv").write_text("case_id,received_date\nC-1,02/09/2024\n", encoding="utf-8")
    err = _run("letters/reply.md", "cases.csv", "-v", "-q", "--as-of", "2025-01-31", cwd=repo).stderr
    assert f"configuration {repo / 'codecheck.yaml'}" in err
    assert "letters/reply.md: stage1_response (documents: 'letters/*.md'" in err
    assert "cases.csv: cases (read as case records (.csv))" in err


def test_force_exclude_applies_exclude_to_named_files(repo):
    (repo / "codecheck.yaml").write_text('documents:\n  "letters/*.md": stage1_response\nexclude: ["letters/draft-*"]\n',
                                         encoding="utf-8")
    (repo / "letters" / "draft-1.md").write_text(LETTER, encoding="utf-8")
    named = json.loads(_run("letters/draft-1.md", "--format", "json", cwd=repo).stdout)
    assert named["findings"]  # named on the command line, a file is checked unless asked otherwise
    forced = _run("letters/draft-1.md", "--force-exclude", "--format", "json", cwd=repo)
    assert forced.returncode == 0 and json.loads(forced.stdout)["findings"] == []


def test_standard_input_is_named_in_suppressed_findings_too(repo):
    (repo / "codecheck.yaml").write_text("suppress: [{rule: CR602, cases: [C-1], reason: agreed late}]\n",
                                         encoding="utf-8")
    rows = "case_id,received_date,stage1_ack_date\nC-1,02/09/2024,20/09/2024\n"
    out = _run("-", "--stdin-filename", "exports/s.csv", "--show-suppressed", "--as-of", "2025-01-01",
               cwd=repo, stdin=rows).stdout
    assert "exports/s.csv:2: C-1:" in out and "[suppressed: agreed late]" in out
    assert "codecheck-stdin-" not in out


_IMPORTED = """
import runpy, sys
sys.argv = ["codecheck", *sys.argv[1:]]
try:
    runpy.run_module("codecheck", run_name="__main__")
except SystemExit as exc:
    code = exc.code
heavy = sorted(m for m in ("numpy", "holidays", "pyarrow", "openpyxl", "pdfplumber", "pypdfium2", "docx",
                          "defusedxml", "starlette", "rapidfuzz", "pydantic") if m in sys.modules)
print("HEAVY", ",".join(heavy), "EXIT", code, file=sys.stderr)
"""


@pytest.mark.parametrize("args, allowed", [
    (["rules"], ""), (["explain", "6.2"], "pydantic"), (["letters/reply.md"], ""), (["letters/reply.md", "-v"], ""),
])
def test_a_quick_command_does_not_load_what_it_does_not_use(repo, args, allowed):
    """The start-up time a pre-commit hook pays on every commit (issue 13): listing the rules or
    checking a Markdown letter (with the repository's codecheck.yaml) never loads numpy, the bank
    holidays, a PDF, DOCX or Excel reader, nor pydantic (the shipped packs and a well-formed
    configuration are built without it; `explain` reads the Code catalogue, which is validated).
    (Timings are printed by benchmarks/bench_startup.py, never asserted: shared machines.)"""
    done = subprocess.run([sys.executable, "-c", _IMPORTED, *args], cwd=repo, capture_output=True, text=True,
                          timeout=120)
    line = [x for x in done.stderr.splitlines() if x.startswith("HEAVY")][-1]
    assert line.split()[1] == (allowed or "EXIT"), line  # nothing heavy before "EXIT"
    assert done.stdout.strip(), done.stderr


def test_a_case_export_still_loads_numpy_and_finds_late_acknowledgements(tmp_path):
    """The deferral does not change what a case check finds: numpy is loaded when the rules run.
    The bank holidays are worked out by the `holidays` package on a machine's first run, then
    read from the cache (codecheck.calendar): the same findings either way."""
    env = {**os.environ, "CODECHECK_CACHE_DIR": str(tmp_path / "cache")}
    outputs = []
    for imports_holidays in (True, False):
        done = subprocess.run([sys.executable, "-c", _IMPORTED, str(ROOT / "fixtures" / "cases.csv"), "--as-of",
                               "2025-04-30", "--select", "CR602"], cwd=tmp_path, capture_output=True, text=True,
                              timeout=120, env=env)
        line = [x for x in done.stderr.splitlines() if x.startswith("HEAVY")][-1]
        assert "numpy" in line and ("holidays" in line) == imports_holidays and line.endswith("EXIT 1"), line
        assert "CR602" in done.stdout
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
