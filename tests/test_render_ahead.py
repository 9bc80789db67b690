"""JSON rendered ahead (issue 16): a helper process renders each spooled run of findings while the
rules still run, and the output copies its text. The output must be byte for byte what rendering
at the end gives, whether the helper rendered every run, some, or none (not started, dead); the
streaming scenarios (tests/test_streaming.py) are run with the helper from the first run too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from codecheck.cli import main
from codecheck.formatters import ahead
from codecheck.formatters.ahead import Ahead, RenderedRun, _copy
from codecheck.formatters.json import records_json, records_text
from tests.test_streaming import EXPECTED, inputs, scenarios
from tests.test_streaming import run as run_scenario

ROOT = Path(__file__).resolve().parents[1]
_WRITE_TO = RenderedRun.write_to
AS_OF = ["--as-of", "2025-06-30"]


# -- a run's text, built by slices ------------------------------------------------------------

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(
    ["", 'a "quote"', "back\\slash", "tab\there", "new\nline", "\x00\x1f", "caf\u00e9 \u2028", "\ud800 lone"])
_record = st.tuples(
    st.integers(0, 10**7) | st.none(), _text | st.none(), st.sampled_from(["CR602", "CR603", "CD001", 'C"R']),
    st.sampled_from([10, 20, 30]), _text, st.sampled_from([None, "stage1_ack_date", 'we"ird']))


@settings(max_examples=300, deadline=None)
@given(records=st.lists(_record, max_size=40), path=_text, plain=st.booleans(), two=st.booleans())
def test_a_run_built_by_slices_is_the_run_built_finding_by_finding(records, path, plain, two):
    """records_text is records_json joined, whatever the messages, ids, rows and provisions hold."""
    provisions = {"CR602": "6.2", "CR603": "6.3", "CD001": None, 'C"R': "5.1"}
    rows = []
    for k, (row, case_id, rule, level, message, column) in enumerate(records):
        if plain:  # the common case: nothing to escape, no None
            row, case_id, message = k + 2, f"C-{k}", f"late by {k} days"
        provision = "6.13" if two and rule == "CR603" and k % 2 else provisions[rule]
        rows.append((row, case_id, rule, provision, level, message, column))
    fields = [list(field) for field in zip(*rows)] or [[] for _ in range(7)]
    assert records_text(path, fields) == ",\n".join(records_json(path, fields))


# -- the command line, with the helper and without ----------------------------------------------


def _export(tmp_path: Path, rows: int = 3000) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from gen_cases import write
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    path = tmp_path / "high.csv"
    write(rows, str(path), breaches=9.5)
    (tmp_path / "codecheck.yaml").write_text("batch_size: 400\n", encoding="utf-8")
    return path


def _check(monkeypatch, tmp_path: Path, after: str, *args: str):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(ahead.ENV, after)
    copied = []
    monkeypatch.setattr(RenderedRun, "write_to", lambda self, out: (copied.append(self), _WRITE_TO(self, out)))
    result = CliRunner().invoke(main, ["check", "high.csv", *AS_OF, "--format", "json", *args],
                                catch_exceptions=False)
    return result, copied


@pytest.mark.parametrize("to_file", [True, False], ids=["-o file", "stdout"])
def test_rendered_ahead_the_output_is_the_same(monkeypatch, tmp_path, to_file):
    _export(tmp_path)
    args = ["-o", "out.json"] if to_file else []
    plain, none = _check(monkeypatch, tmp_path, "off", *args)
    text = (tmp_path / "out.json").read_text(encoding="utf-8") if to_file else plain.output
    ahead_, copied = _check(monkeypatch, tmp_path, "0", *args)
    assert len(copied) > 3 and not none  # every batch's run came from the helper, or none did
    assert ahead_.exit_code == plain.exit_code == 1
    assert ((tmp_path / "out.json").read_text(encoding="utf-8") if to_file else ahead_.output) == text
    assert json.loads(text)["summary"]["findings"] > 2000


def test_the_helper_starts_only_once_a_run_has_many_findings(monkeypatch, tmp_path):
    _export(tmp_path)
    _, copied = _check(monkeypatch, tmp_path, "1200", "-o", "out.json")
    findings = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["summary"]["findings"]
    assert len(copied) > 3  # started on the fourth batch or so, and given the runs before it too
    _, copied = _check(monkeypatch, tmp_path, str(findings + 1), "-o", "out.json")
    assert not copied  # never started: the format rendered every run


def test_a_helper_that_dies_changes_nothing(monkeypatch, tmp_path):
    """A helper that cannot render (here: it is told of a function that does not exist, so it
    exits at once) leaves every run to the format, and the output is what it was."""
    _export(tmp_path)
    plain, _ = _check(monkeypatch, tmp_path, "off", "-o", "out.json")
    want = (tmp_path / "out.json").read_bytes()
    (tmp_path / "out.json").unlink()
    real_init = Ahead.__init__
    monkeypatch.setattr(Ahead, "__init__", lambda self, render: real_init(self, "codecheck.formatters.json:nothing"))
    dead, copied = _check(monkeypatch, tmp_path, "0", "-o", "out.json")
    assert not copied and dead.exit_code == plain.exit_code
    assert (tmp_path / "out.json").read_bytes() == want


def test_findings_of_standard_input_are_written_under_the_name_given(monkeypatch, tmp_path):
    """The helper renders under the temporary copy's path; the run is then renamed, so the
    format renders those runs itself, under the name given."""
    path = _export(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(ahead.ENV, "0")
    result = CliRunner().invoke(main, ["check", "-", "--stdin-filename", "from-stdin.csv", *AS_OF, "--format", "json"],
                                input=path.read_bytes(), catch_exceptions=False)
    findings = json.loads(result.output)["findings"]
    assert len(findings) > 2000 and {f["path"] for f in findings} == {"from-stdin.csv"}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """The streaming scenarios' inputs (tests/test_streaming.py)."""
    here = tmp_path_factory.mktemp("ahead")
    inputs(here)
    return here


@pytest.mark.parametrize("name,args", [(n, a) for n, a in scenarios() if n.endswith(".json")],
                         ids=[n for n, _ in scenarios() if n.endswith(".json")])
def test_the_streaming_scenarios_rendered_ahead(name, args, folder, monkeypatch):
    """Every JSON scenario of tests/test_streaming.py (several files, one named twice, small
    batches, suppressions, a baseline, a refused month-first file, workers, -o) with the helper
    started at the first run: the output captured before findings streamed."""
    monkeypatch.setenv(ahead.ENV, "0")
    code, text = run_scenario(name, args, folder)
    assert code == int((EXPECTED / f"{name}.code").read_text()), text[-2000:]
    assert text == (EXPECTED / f"{name}.out").read_bytes().decode("utf-8")


# -- copying the text --------------------------------------------------------------------------


@pytest.mark.parametrize("broken", [(), ("copy_file_range",), ("copy_file_range", "sendfile")])
def test_text_is_copied_whichever_way_the_system_allows(tmp_path, monkeypatch, broken):
    source = tmp_path / "run.json"
    data = ("caf\u00e9 " * 50_000).encode("utf-8")
    source.write_bytes(b"head" + data + b"tail")

    def refuse(*args):
        raise OSError(18, "Invalid cross-device link")

    for call in broken:
        monkeypatch.setattr(os, call, refuse)
    with open(tmp_path / "out.json", "w", encoding="utf-8", newline="") as out:
        out.write("[")
        RenderedRun(str(source), 4, len(data)).write_to(out)
        out.write("]")
    assert (tmp_path / "out.json").read_bytes() == b"[" + data + b"]"


def test_a_copy_that_fails_midway_is_finished_by_hand(tmp_path, monkeypatch):
    source = tmp_path / "run.json"
    source.write_bytes(bytes(range(256)) * 1000)
    calls = []
    real = os.copy_file_range

    def once(src, dst, count, offset_src=None):
        calls.append(count)
        if len(calls) > 1:
            raise OSError(5, "I/O error")
        return real(src, dst, 1000, offset_src)

    monkeypatch.setattr(os, "copy_file_range", once)
    with open(source, "rb") as src, open(tmp_path / "out.bin", "wb") as dst:
        assert _copy(src.fileno(), dst.fileno(), 10, 200_000)
    assert (tmp_path / "out.bin").read_bytes() == (bytes(range(256)) * 1000)[10:200_010]


def test_the_helper_answers_where_each_run_is(tmp_path):
    """The helper on its own, as the command line starts it: runs of a spool in, their text out."""
    from codecheck.results import Spool

    spool = Spool("cases.csv", str(tmp_path))
    offsets = []
    spool.listener = lambda s, offset, n: offsets.append(offset)
    for k in range(3):
        spool.add([(k * 10 + j + 2, f"C-{k}-{j}", "CR603", "6.3", 30, f'late "{k}"', "stage1_response_date")
                   for j in range(5)])
    spool.close()
    lines = "".join(json.dumps([spool.file, offset, "cases.csv"]) + "\n" for offset in offsets)
    done = subprocess.run([sys.executable, "-m", "codecheck.formatters.ahead", JSON_RENDER], input=lines.encode(),
                          capture_output=True, check=True)
    text_file, path, runs = json.loads(done.stdout)[spool.file]
    assert path == "cases.csv" and sorted(map(int, runs)) == offsets
    data = Path(text_file).read_bytes()
    for fields, offset in zip(spool.runs(), offsets):
        start, length = runs[str(offset)]
        assert data[start:start + length].decode("utf-8") == records_text("cases.csv", fields)
    spool.discard()


JSON_RENDER = "codecheck.formatters.json:records_text"
