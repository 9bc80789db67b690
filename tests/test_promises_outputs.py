"""Issue 17, items 1 and 5: codecheck never writes over its inputs, writes its outputs
atomically, and meets bad configuration, a killed worker and Ctrl-C with one line and
the promised exit code, never a traceback."""

from __future__ import annotations

import datetime as dt
import errno
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest
from click.testing import CliRunner

from codecheck import engine as engine_module
from codecheck import outputs
from codecheck.cli import main
from codecheck.config import Config
from codecheck.engine import Engine
from codecheck.errors import UsageError
from codecheck.registry import default_registry
from codecheck.results import Results

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures/cases.csv"
AS_OF = ("--as-of", "2025-04-30")
PERIOD = ("--period", "2024-04-01..2025-03-31")
TIMEOUT = 120  # seconds for any one codecheck run


def _command() -> list[str]:
    script = Path(sys.executable).parent / "codecheck"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "codecheck"]


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """The console script, as a person or a CI job runs it."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([*_command(), *args], cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT, env=env)


def one_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.fixture
def work(tmp_path, monkeypatch):
    shutil.copy(FIXTURE, tmp_path / "cases.csv")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# -- 1. inputs are sacred ---------------------------------------------------------------


def test_check_refuses_to_write_its_report_over_the_case_records(work):
    before = (work / "cases.csv").read_bytes()
    done = cli(work, "cases.csv", *AS_OF, "-o", "cases.csv")
    assert done.returncode == 2
    assert one_line(done.stderr) == "codecheck: -o cases.csv is one of the inputs; it would be overwritten"
    assert done.stdout == ""
    assert (work / "cases.csv").read_bytes() == before


def test_refused_through_a_symlink_a_dotdot_and_a_hard_link(work):
    before = (work / "cases.csv").read_bytes()
    (work / "sub").mkdir()
    aliases = ["sub/../cases.csv", str(work / "cases.csv")]
    if hasattr(os, "symlink"):
        try:
            os.symlink(work / "cases.csv", work / "link.csv")
            aliases.append("link.csv")
        except OSError:  # pragma: no cover - no symlinks allowed here
            pass
    try:
        os.link(work / "cases.csv", work / "hard.csv")
        aliases.append("hard.csv")
    except OSError:  # pragma: no cover
        pass
    for alias in aliases:
        done = cli(work, "cases.csv", *AS_OF, "-o", alias)
        assert done.returncode == 2, (alias, done.stderr)
        assert one_line(done.stderr) == f"codecheck: -o {alias} is one of the inputs; it would be overwritten"
    assert (work / "cases.csv").read_bytes() == before


def test_write_baseline_and_report_refuse_an_input_too(work):
    before = (work / "cases.csv").read_bytes()
    done = cli(work, "cases.csv", *AS_OF, "--write-baseline", "cases.csv")
    assert done.returncode == 2
    assert one_line(done.stderr) == "codecheck: --write-baseline cases.csv is one of the inputs; it would be overwritten"
    done = cli(work, "report", "cases.csv", *PERIOD, *AS_OF, "-o", "./cases.csv")
    assert done.returncode == 2
    assert one_line(done.stderr) == "codecheck: -o cases.csv is one of the inputs; it would be overwritten"
    assert (work / "cases.csv").read_bytes() == before


def test_an_output_inside_a_folder_being_checked_is_refused(work):
    folder = work / "exports"
    folder.mkdir()
    shutil.move(work / "cases.csv", folder / "cases.csv")
    for args in (("exports", *AS_OF, "-o", "exports/board.html"),
                 ("report", "exports", *PERIOD, *AS_OF, "-o", "exports/new/../board.html"),
                 ("exports/", *AS_OF, "--write-baseline", "exports/baseline.json")):
        done = cli(work, *args)
        assert done.returncode == 2, done.stderr
        line = one_line(done.stderr)
        assert "is inside exports/, a folder being checked" in line, line
    assert sorted(p.name for p in folder.iterdir()) == ["cases.csv"]
    # beside the folder, or hidden inside it (the walk never reads those), is fine
    assert cli(work, "exports", *AS_OF, "-o", "board.txt").returncode == 1
    assert cli(work, "exports", *AS_OF, "-o", "exports/.board.txt").returncode == 1
    assert (work / "board.txt").read_text(encoding="utf-8") == (folder / ".board.txt").read_text(encoding="utf-8")


def test_the_configuration_file_is_an_input(work):
    (work / "codecheck.yaml").write_text("fail_on: error\n", encoding="utf-8")
    done = cli(work, "cases.csv", *AS_OF, "-o", "codecheck.yaml")
    assert done.returncode == 2
    assert one_line(done.stderr) == "codecheck: -o codecheck.yaml is one of the inputs; it would be overwritten"
    assert (work / "codecheck.yaml").read_text(encoding="utf-8") == "fail_on: error\n"


def test_refusal_comes_before_anything_runs(work, monkeypatch):
    ran = []
    monkeypatch.setattr(Engine, "run", lambda self, paths: ran.append(paths))
    result = CliRunner().invoke(main, ["cases.csv", *AS_OF, "-o", "cases.csv"])
    assert result.exit_code == 2 and ran == []


def test_refuse_overwriting_inputs_directly(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.csv").write_text("x\n")
    outputs.refuse_overwriting_inputs([("-o", tmp_path / "out.txt"), ("--write-baseline", None)], [data, None])
    with pytest.raises(UsageError, match="is one of the inputs"):
        outputs.refuse_overwriting_inputs([("-o", data / "a.csv")], [data / "a.csv"])
    with pytest.raises(UsageError, match="a folder being checked"):
        outputs.refuse_overwriting_inputs([("-o", data / "deeper" / "x.html")], [data])
    # a file the walk leaves out (an `exclude:` glob) may be written
    outputs.refuse_overwriting_inputs([("-o", data / "x.html")], [data], walked=lambda p: p.suffix != ".html")


# -- 2. atomic writes ------------------------------------------------------------------


def _full_disk(monkeypatch):
    def no_space(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(outputs.os, "fsync", no_space)


def test_write_text_atomic_replaces_only_when_complete(tmp_path, monkeypatch):
    target = tmp_path / "board.html"
    outputs.write_text_atomic(target, "first\n")
    assert target.read_text() == "first\n"
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask  # not mkstemp's private 0o600
    _full_disk(monkeypatch)
    with pytest.raises(OSError):
        outputs.write_text_atomic(target, "second, never complete\n")
    assert target.read_text() == "first\n" and leftovers(tmp_path) == []


def test_write_text_atomic_cleans_up_after_an_interrupt(tmp_path, monkeypatch):
    target = tmp_path / "baseline.json"
    target.write_text("{}\n")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(outputs.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        outputs.write_text_atomic(target, '{"findings": []}\n')
    assert target.read_text() == "{}\n" and leftovers(tmp_path) == []


def test_write_text_atomic_writes_through_a_symlink(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    try:
        link.symlink_to(real)
    except OSError:  # pragma: no cover
        pytest.skip("no symlinks here")
    outputs.write_text_atomic(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


@pytest.mark.parametrize("args", [
    ("cases.csv", *AS_OF, "-o", "board.txt"),
    ("cases.csv", *AS_OF, "--write-baseline", "board.txt"),
    ("report", "cases.csv", *PERIOD, *AS_OF, "-o", "board.txt"),
])
def test_a_full_disk_leaves_the_old_output_untouched(work, monkeypatch, args):
    (work / "board.txt").write_text("last month's report\n", encoding="utf-8")
    _full_disk(monkeypatch)
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 2, result.output
    assert "No space left on device" in result.output and "board.txt" in result.output
    assert (work / "board.txt").read_text(encoding="utf-8") == "last month's report\n"
    assert leftovers(work) == []


# -- 3. errors are errors: configuration -------------------------------------------------


def test_tool_that_is_not_a_table_in_pyproject(work):
    (work / "pyproject.toml").write_text("tool = 5\n", encoding="utf-8")
    done = cli(work, "cases.csv", *AS_OF)
    assert done.returncode == 2
    line = one_line(done.stderr)
    assert line.startswith("codecheck: ") and "pyproject.toml" in line and "tool" in line


@pytest.mark.parametrize("name,text", [
    ("deep.yaml", "a: " + "[" * 1000 + "]" * 1000 + "\n"),
    ("deeper.yaml", "".join("  " * i + "k:\n" for i in range(1000)) + "  " * 1000 + "k: 1\n"),
    ("deep.toml", "[tool.codecheck]\nx = " + "[" * 1000 + "]" * 1000 + "\n"),
    ("tool.toml", "tool = 5\n"),
])
def test_a_config_nested_1000_deep_is_one_line(work, name, text):
    (work / name).write_text(text, encoding="utf-8")
    done = cli(work, "cases.csv", *AS_OF, "--config", name)
    assert done.returncode == 2
    line = one_line(done.stderr)
    assert line.startswith(f"codecheck: {name}"), line


# -- 3. errors are errors: a killed worker ------------------------------------------------


def _engine() -> Engine:
    registry = default_registry()
    config = Config()
    return Engine(registry, config, registry.select((), (), config.severity), dt.date(2025, 4, 30), jobs=2)


class _BrokenPool:
    """An executor whose worker dies after the first file: the second file's future fails
    with BrokenProcessPool, and the pool refuses the third."""

    def __init__(self, first: Results):
        self.first, self.submitted, self.shut = first, 0, False

    def submit(self, fn, path, named):
        self.submitted += 1
        if self.submitted == 3:
            raise BrokenProcessPool("a child process terminated abruptly")
        future: Future = Future()
        if self.submitted == 1:
            future.set_result(self.first)
        else:
            future.set_exception(BrokenProcessPool("a child process terminated abruptly"))
        return future

    def shutdown(self, wait=True, cancel_futures=False):
        self.shut = True


def test_a_killed_worker_is_an_input_problem_for_its_files_only():
    engine = _engine()
    first = Results(as_of=engine.as_of, rules=[])
    engine.check_file(FIXTURE, True, first)
    assert first.findings
    files = [(FIXTURE, True), (Path("b.csv"), True), (Path("c.csv"), True)]
    pool = _BrokenPool(first)
    parts = engine._run_parallel(files, pool=pool)
    assert pool.shut and len(parts) == 3
    assert parts[0] is first
    for part, name in zip(parts[1:], ("b.csv", "c.csv")):
        assert part.findings == [] and [p.path for p in part.problems] == [name]
        assert "worker process checking it stopped unexpectedly" in part.problems[0].message


def _die_on(path: str, named: bool):  # runs in a forked worker (see the test below)
    if path.endswith("die.csv"):
        time.sleep(1.0)  # let the other worker return its files first
        os.kill(os.getpid(), signal.SIGKILL)
    return _REAL_CHECK(path, named)


_REAL_CHECK = engine_module._check_in_worker


@pytest.mark.skipif(not hasattr(signal, "SIGKILL") or multiprocessing.get_start_method(allow_none=False) != "fork",
                    reason="needs forked workers and SIGKILL")
def test_a_really_killed_worker_keeps_the_other_files_results(tmp_path, monkeypatch):
    for name in ("a.csv", "b.csv", "die.csv"):
        shutil.copy(FIXTURE, tmp_path / name)
    monkeypatch.setattr(engine_module, "_check_in_worker", _die_on)
    results = _engine().run([tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "die.csv"])
    assert [p.path for p in results.problems] == [str(tmp_path / "die.csv")]
    assert "stopped unexpectedly" in results.problems[0].message
    assert {Path(f.path).name for f in results.findings} == {"a.csv", "b.csv"}
    assert results.exit_code(results.findings[0].severity) == 2


# -- 3. errors are errors: Ctrl-C ------------------------------------------------------------


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """About 40 MB of case records: several seconds to check, longer than the wait below."""
    folder = tmp_path_factory.mktemp("big")
    header, *rows = FIXTURE.read_text(encoding="utf-8").splitlines(keepends=True)
    body = "".join(rows)
    with open(folder / "big.csv", "w", encoding="utf-8") as fh:
        fh.write(header)
        for _ in range(600):
            fh.write(body)
    try:
        os.link(folder / "big.csv", folder / "big2.csv")
    except OSError:  # pragma: no cover
        shutil.copy(folder / "big.csv", folder / "big2.csv")
    return folder


def _wait_until_reading(process: subprocess.Popen, path: Path, limit: float = 30.0) -> None:
    """Until the run (or one of its workers) has the file open, so that the interrupt lands in the
    check, not while a loaded machine is still starting Python; where /proc cannot tell, 2 s."""
    proc = Path("/proc")
    if not proc.is_dir():  # pragma: no cover - not Linux
        time.sleep(2.0)
        return
    target = str(path.resolve())
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and process.poll() is None:
        for fd_dir in proc.glob("[0-9]*/fd"):
            try:
                if any(os.readlink(fd) == target for fd in fd_dir.iterdir()):
                    return
            except OSError:  # a process that ended, or one not ours
                continue
        time.sleep(0.05)


@pytest.mark.skipif(os.name == "nt" or not hasattr(signal, "SIGINT"), reason="needs POSIX signals")
@pytest.mark.parametrize("args", [("big.csv",), ("big.csv", "big2.csv", "--jobs", "2")])
def test_ctrl_c_exits_130_in_one_line_without_output(big, args):
    out = big / "report.txt"
    process = subprocess.Popen([*_command(), *args, *AS_OF, "-o", str(out)], cwd=big,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_until_reading(process, big / "big.csv")
        if process.poll() is not None:  # pragma: no cover - a machine faster than the file is big
            pytest.skip("the check finished before it could be interrupted")
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:  # pragma: no cover
            process.kill()
            process.communicate()
    assert process.returncode == 130, stderr
    assert stderr == "codecheck: interrupted\n"
    assert stdout == ""
    assert not out.exists() and leftovers(big) == []
