"""Every row accounted for (issue 17): a quote left open costs one broken row, not the rest of
the file; a NUL byte costs only its row. Each line of a case export is either part of a record
the Code rules check or inside exactly one broken row that rule CD004 reports, with or without
pyarrow, and the report names the lines without quoting what they hold."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codecheck.config import Config
from codecheck.readers import cases_arrow, cases_csv
from codecheck.readers.cases_csv import CsvCaseReader
from codecheck.records import Cells

from helpers import run_paths

BUDGET_S = 20.0  # a subprocess run over a few MB; one open quote used to make the rest of the file one field
HEADER = "case_id,received_date,stage1_ack_date,category,notes"
WIDTH = 5
PRIVATE = "Mrs Quarrington 07700 900461"  # stands for a resident's details: never in any output


def _row(i: int, category: str = "Repairs", notes: str = "") -> str:
    return f"C-{i},20/12/2024,02/01/2025,{category},{notes}"  # acknowledged late: CR602 on every checked row


def _export(path: Path, lines: list[str], end: str = "\r\n") -> Path:
    path.write_bytes((end.join([HEADER, *lines]) + end).encode("utf-8"))
    return path


def _check(path: Path, fast: bool) -> tuple[int, dict, float]:
    """codecheck FILE --format json, in a subprocess, with or without the columnar path."""
    env = {**os.environ, cases_arrow.ENV: "1" if fast else "0"}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "codecheck", str(path), "--format", "json", "--as-of", "2025-04-30"],
                          capture_output=True, text=True, timeout=120, env=env)
    took = time.perf_counter() - start
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout), took


def _rows_of(doc: dict, rule: str) -> list[int]:
    return sorted(f["row"] for f in doc["findings"] if f["rule"] == rule)


# -- the attacks, through the command line ---------------------------------------------------------


@pytest.mark.parametrize("fast", [True, False], ids=["pyarrow", "csv module"])
def test_an_unterminated_quote_costs_one_row(tmp_path, fast):
    """The attack: `...,"Repairs` then more rows. It read as 1 case row with exit 0."""
    n, bad = 20_000, 12
    lines = [_row(i) for i in range(2, n + 2)]
    lines[bad - 2] = f'C-{bad},20/12/2024,02/01/2025,"Repairs,{PRIVATE}'
    path = _export(tmp_path / "cases.csv", lines)
    code, doc, took = _check(path, fast)
    assert took < BUDGET_S
    assert code == 1
    (file,) = doc["summary"]["files"]
    assert file["rows"] == n  # the broken row counts as one row; nothing lost
    assert (file["rows_checked"], file["rows_rejected"]) == (n - 1, 1)
    (broken,) = [f for f in doc["findings"] if f["rule"] == "CD004"]
    assert broken["row"] == bad
    assert broken["message"] == ("row not checked by the Code rules: a quote opened on this line is never closed")
    assert _rows_of(doc, "CR602") == [r for r in range(2, n + 2) if r != bad]  # the rest checked
    assert PRIVATE not in json.dumps(doc) and "Quarrington" not in json.dumps(doc)


@pytest.mark.parametrize("fast", [True, False], ids=["pyarrow", "csv module"])
def test_a_nul_byte_in_a_data_row_costs_only_its_row(tmp_path, fast):
    """The attack: a NUL byte in the first 64 KB refused the whole file."""
    n, bad = 5_000, 40
    lines = [_row(i) for i in range(2, n + 2)]
    lines[bad - 2] = f"C-{bad},20/12/2024,02/01/2025,Rep\x00airs,{PRIVATE}"
    path = _export(tmp_path / "cases.csv", lines)
    assert path.read_bytes().index(b"\x00") < 64 * 1024
    code, doc, took = _check(path, fast)
    assert took < BUDGET_S
    assert code == 1 and doc["errors"] == []
    (file,) = doc["summary"]["files"]
    assert (file["rows"], file["rows_checked"], file["rows_rejected"]) == (n, n - 1, 1)
    (broken,) = [f for f in doc["findings"] if f["rule"] == "CD004"]
    assert (broken["row"], broken["message"]) == (bad, "row not checked by the Code rules: it holds a NUL byte")
    assert _rows_of(doc, "CR602") == [r for r in range(2, n + 2) if r != bad]
    assert "Quarrington" not in json.dumps(doc)


@pytest.mark.parametrize("fast", [True, False], ids=["pyarrow", "csv module"])
def test_an_open_quote_swallowing_lines_names_them(tmp_path, fast):
    """Lines that are not rows after the open quote belong to the damaged row; the finding names them."""
    lines = [_row(2), f'C-3,20/12/2024,02/01/2025,Repairs,"{PRIVATE}', "the tenant rang again", "", "and again",
             _row(7), _row(8)]
    code, doc, _ = _check(_export(tmp_path / "cases.csv", lines), fast)
    assert code == 1
    (broken,) = [f for f in doc["findings"] if f["rule"] == "CD004"]
    assert broken["row"] == 3
    assert broken["message"] == ("row not checked by the Code rules: a quote opened on this line is never closed "
                                 "(lines 3-6 read as one damaged row)")
    assert _rows_of(doc, "CR602") == [2, 7, 8]
    assert doc["summary"]["files"][0]["rows"] == 4
    assert "tenant" not in json.dumps(doc) and "Quarrington" not in json.dumps(doc)


# -- what is still refused -------------------------------------------------------------------------

REFUSED = {
    "zip": b"PK\x03\x04" + b"\x00" * 100,
    "old Office": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
    "NUL in the header row": b"case_id,rece\x00ived_date\r\nC-1,20/12/2024\r\n",
    "UTF-16 without BOM": (HEADER + "\r\n" + _row(2) + "\r\n").encode("utf-16-le"),
    "mostly NULs": b"case_id,received_date\r\n" + b"\x00" * 4000 + b"\r\nC-1,20/12/2024\r\n",
    "random bytes": bytes((i * 7919 + 13) % 256 for i in range(5000)).replace(b"\x00", b"\x01").replace(b"\n", b"\x02"),
}


@pytest.mark.parametrize("name", REFUSED, ids=list(REFUSED))
def test_binary_files_are_still_refused(tmp_path, name):
    path = tmp_path / "cases.csv"
    path.write_bytes(REFUSED[name])
    results = run_paths([path])
    (problem,) = results.problems
    assert problem.path == str(path)
    assert ("binary" in problem.message or "zip" in problem.message or "Office" in problem.message), problem.message
    assert "\n" not in problem.message
    assert not results.findings


# -- the csv path's recovery, batch by batch -------------------------------------------------------


def _batches(path: Path, fast: bool, monkeypatch, batch_size: int = 50_000) -> list:
    monkeypatch.setenv(cases_arrow.ENV, "1" if fast else "0")
    return list(CsvCaseReader().open(path, Config(batch_size=batch_size)).batches)


def _read(path: Path, monkeypatch, batch_size: int = 50_000, fast: bool = False):
    """(line, case_id or None, broken why or None) per row, and the cells by row."""
    out = []
    for b in _batches(path, fast, monkeypatch, batch_size):
        ids = b.text("case_id")
        for i, line in enumerate(b.rows):
            out.append((line, ids[i] or None, b.broken.get(i)))
    return out


def test_a_quoted_value_with_line_breaks_is_still_one_record(tmp_path, monkeypatch):
    lines = [_row(2), _row(3, notes='"rang on Monday\r\nrang again, twice\r\nand wrote"'), _row(6),
             _row(7, category='"Damp\nand mould"'), _row(9),
             # the first field over two lines: its second line, on its own, has the header's width
             '"C-10\r\nb",20/12/2024,02/01/2025,Repairs,x', _row(12)]
    path = _export(tmp_path / "cases.csv", lines)
    for fast in (False, True):
        assert _read(path, monkeypatch, fast=fast) == [
            (2, "C-2", None), (3, "C-3", None), (6, "C-6", None), (7, "C-7", None), (9, "C-9", None),
            (10, "C-10\r\nb", None), (12, "C-12", None)]
    (batch,) = _batches(path, False, monkeypatch)
    assert batch.cells["category"][3] == "Damp\nand mould" and batch.checkable.all()
    assert [f.row for f in run_paths([path]).findings if f.rule == "CR602"] == [2, 3, 6, 7, 9, 10, 12]


@pytest.mark.parametrize("damage, why", [
    # the field count differs from the header's
    ('C-3,20/12/2024,02/01/2025,"Repairs\r\nmore\r\n",x,y', "never closed (lines 3-5"),
    # a continuation line reads as a row of the header's width on its own
    ('C-3,20/12/2024,02/01/2025,Repairs,"x\r\nC-4,20/12/2024,02/01/2025,Repairs,x"', "never closed"),
])
def test_suspect_records_are_broken_rows(tmp_path, monkeypatch, damage, why):
    path = _export(tmp_path / "cases.csv", [_row(2), damage, _row(9)])
    rows = _read(path, monkeypatch)
    (broken,) = [r for r in rows if r[2]]
    assert broken[0] == 3 and why in broken[2]
    assert [r[1] for r in rows if not r[2]] == ["C-2", *(["C-4"] if "C-4" in damage else []), "C-9"]


def test_a_quote_open_at_the_end_of_the_file(tmp_path, monkeypatch):
    for text, last in ((f'{HEADER}\r\n{_row(2)}\r\nC-3,20/12/2024,02/01/2025,"Repairs,x', 3),
                       (f'{HEADER}\r\n{_row(2)}\r\nC-3,20/12/2024,02/01/2025,"Repairs,x\r\n', 3),
                       (f'{HEADER}\r\n{_row(2)}\r\nC-3,20/12/2024,02/01/2025,"Repairs,x\r\nmore\r\n', 4)):
        path = tmp_path / "cases.csv"
        path.write_bytes(text.encode())
        for fast in (False, True):
            rows = _read(path, monkeypatch, fast=fast)
            assert rows[0] == (2, "C-2", None)
            assert rows[1][:2] == (3, None) and "never closed" in rows[1][2], text
            assert len(rows) == 2
            assert (f"lines 3-{last}" in rows[1][2]) is (last > 3)


def test_an_open_quote_is_read_for_a_bounded_number_of_lines(tmp_path, monkeypatch):
    """Free text with no row in it after an open quote: the record is read no further than the
    bound (memory), and the damaged row goes on to the next whole row, in linear time."""
    free = ["free text without a delimiter"] * (cases_csv._RECORD_LINES * 3)
    last = 3 + len(free) + 1
    path = _export(tmp_path / "cases.csv", [_row(2), 'C-3,20/12/2024,02/01/2025,Repairs,"x', *free, _row(last)])
    taken = []
    original = cases_csv._suspect

    def suspect(record, lines, *args):
        taken.append(len(lines))
        return original(record, lines, *args)

    monkeypatch.setattr(cases_csv, "_suspect", suspect)
    start = time.perf_counter()
    rows = _read(path, monkeypatch, batch_size=700)
    assert time.perf_counter() - start < BUDGET_S
    assert max(taken) == cases_csv._RECORD_LINES
    why = (f"a quote opened on this line is not closed within {cases_csv._RECORD_LINES:,} lines or 1 MB "
           f"(lines 3-{last - 1} read as one damaged row)")
    assert rows == [(2, "C-2", None), (3, None, why), (last, f"C-{last}", None)]
    _assert_partition([_span(line, why) for line, _, why in rows], last, blank=set())


def test_a_long_line_with_an_open_quote(tmp_path, monkeypatch):
    long = 'C-3,20/12/2024,02/01/2025,Repairs,"' + "x" * (cases_csv._RECORD_CHARS + 10)
    path = _export(tmp_path / "cases.csv", [_row(2), long, "more text", _row(5)])
    rows = _read(path, monkeypatch)
    assert [(r[0], r[1]) for r in rows] == [(2, "C-2"), (3, None), (5, "C-5")]
    assert "not closed within" in rows[1][2] and "lines 3-4" in rows[1][2]


def test_nul_bytes_in_several_rows_and_a_multi_line_record(tmp_path, monkeypatch):
    lines = [_row(2), _row(3, notes="a\x00b"), _row(4, notes='"two\r\nlines\x00"'), _row(6), "\x00", _row(8)]
    path = _export(tmp_path / "cases.csv", lines)
    for fast in (False, True):
        rows = _read(path, monkeypatch, batch_size=2, fast=fast)
        assert rows == [(2, "C-2", None), (3, None, "it holds a NUL byte"), (4, None, "it holds a NUL byte"),
                        (6, "C-6", None), (7, None, "it holds a NUL byte"), (8, "C-8", None)]


def test_broken_rows_are_not_checkable_and_hold_nothing(tmp_path, monkeypatch):
    path = _export(tmp_path / "cases.csv", [_row(2), f'C-3,20/12/2024,02/01/2025,"{PRIVATE}', _row(4)])
    (batch,) = _batches(path, False, monkeypatch)
    assert batch.broken == {1: "a quote opened on this line is never closed"}
    assert batch.checkable.tolist() == [True, False, True]
    assert all(batch.cells[c][1] == "" for c in batch.cells)
    found = run_paths([path]).findings
    assert [(f.rule, f.row) for f in found if f.row == 3] == [("CD004", 3)]
    assert not any("Quarrington" in f.message for f in found)


# -- random files: every line accounted for, both paths alike -----------------------------------------


def _span(line: int, why: str | None) -> tuple[int, int]:
    """The lines a broken row's finding names (its own line alone when it names none)."""
    m = re.search(r"lines (\d+)-(\d+)", why or "")
    if m:
        assert int(m.group(1)) == line
        return line, int(m.group(2))
    return line, line


def _assert_partition(spans: list[tuple[int, int]], last_line: int, blank: set[int]) -> None:
    """The spans (first, last line) of the rows read and broken cover every line from 2 to
    ``last_line`` that is not blank, and no line twice: nothing lost, nothing in two rows."""
    covered: set[int] = set()
    for first, last in spans:
        lines = set(range(first, last + 1))
        assert not lines & covered, f"lines {sorted(lines & covered)} in two rows"
        covered |= lines
    assert set(range(2, last_line + 1)) - covered <= blank, sorted(set(range(2, last_line + 1)) - covered - blank)
    assert covered <= set(range(2, last_line + 1))


_CELL = st.text(alphabet=st.sampled_from(list("abc XYZ019/-")), max_size=8)


@st.composite
def _damaged_export(draw):
    """Rows of unique case ids, some with a quoted value over two or three lines, then one quote
    opened (and never closed) at a random field of a random row of one line."""
    n = draw(st.integers(1, 40))
    victim = draw(st.integers(0, n - 1))
    rows = []
    for i in range(n):
        cells = [f"C-{i}", *draw(st.lists(_CELL, min_size=WIDTH - 1, max_size=WIDTH - 1))]
        if i != victim and draw(st.integers(0, 4)) == 0:
            k = draw(st.integers(1, WIDTH - 1))
            breaks = draw(st.integers(1, 2))
            ends = draw(st.lists(st.sampled_from(["\r\n", "\n"]), min_size=breaks, max_size=breaks))
            cells[k] = '"note ' + cells[k] + "".join(end + "more text" for end in ends) + '"'
        rows.append(cells)
    field = draw(st.integers(1, WIDTH - 1))
    rows[victim][field] = '"' + rows[victim][field]
    blank_after = draw(st.sets(st.integers(0, n - 1), max_size=3))
    lines = []
    spans = {}  # case id -> (first, last line) as written
    line = 2
    for i, cells in enumerate(rows):
        text = ",".join(cells)
        lines.append(text)
        breaks = len(re.findall(r"\r\n|\n|\r", text))
        spans[f"C-{i}"] = (line, line + breaks)
        line += breaks + 1
        if i in blank_after:
            lines.append("")
            line += 1
    ending = draw(st.sampled_from(["\r\n", "\n", ""]))
    text = "\r\n".join([HEADER, *lines]) + ending
    return (text, spans, f"C-{victim}", draw(st.integers(1, 9)), draw(st.sampled_from([64, 256, 4096])),
            draw(st.integers(1, 4)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_damaged_export())
def test_random_exports_with_one_open_quote(tmp_path, monkeypatch, case):
    text, written, victim, batch_size, block, piece = case
    monkeypatch.setattr(cases_csv, "_PIECE", piece)  # records and recoveries across pieces and batches
    path = tmp_path / "cases.csv"
    path.write_bytes(text.encode("utf-8"))
    physical = re.split(r"\r\n|\n|\r", text)
    if physical[-1] == "":
        physical.pop()  # the last line's end
    blank = {i + 1 for i, line in enumerate(physical) if line == ""}

    monkeypatch.setattr(cases_arrow, "_BLOCK", block)
    slow = _batches(path, False, monkeypatch, batch_size)
    quick = _batches(path, True, monkeypatch, batch_size)
    assert [(b.rows, b.ragged, b.broken, {c: list(v) for c, v in b.cells.items()}) for b in slow] == \
           [(b.rows, b.ragged, b.broken, {c: list(v) for c, v in b.cells.items()}) for b in quick]

    rows = _read(path, monkeypatch, batch_size)
    # The row with the open quote is a broken row; every other row is read whole, under its
    # own first line and case id, or inside a broken row; no case id read twice or invented.
    (victim_row,) = [r for r in rows if r[0] == written[victim][0]]
    assert victim_row[2] and "never closed" in victim_row[2]
    spans = []
    for line, case_id, why in rows:
        if why:
            spans.append(_span(line, why))
        else:
            assert case_id in written and written[case_id][0] == line, (line, case_id)
            spans.append(written[case_id])
    _assert_partition(spans, len(physical), blank)
    assert all("never closed" in why for _, _, why in rows if why)


def test_same_batches_both_ways_on_a_generated_export_with_damage(tmp_path, monkeypatch):
    """A generated export of several blocks with an open quote and NUL bytes late in it: the
    columnar path reads up to the block where the damage is, the csv path from there, and the
    batches are those of the csv path throughout."""
    import importlib.util

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("gen_cases", root / "benchmarks/gen_cases.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    path = tmp_path / "cases.csv"
    gen.write(4000, str(path))
    lines = path.read_bytes().split(b"\r\n")
    lines[2100] = lines[2100].replace(b",", b',"', 1)  # a quote opened at its second field, never closed
    lines[3000] = lines[3000][:20] + b"\x00" + lines[3000][20:]
    path.write_bytes(b"\r\n".join(lines))
    monkeypatch.setattr(cases_arrow, "_BLOCK", 64 * 1024)
    for size in (333, 4000):
        slow = _batches(path, False, monkeypatch, size)
        quick = _batches(path, True, monkeypatch, size)
        assert [(b.rows, b.ragged, b.broken) for b in slow] == [(b.rows, b.ragged, b.broken) for b in quick]
        for b, q in zip(slow, quick):
            assert {c: list(v) for c, v in b.cells.items()} == {c: list(v) for c, v in q.cells.items()}
        # pyarrow up to the block holding the damage, the csv module from the batch holding that block's start
        columnar = [isinstance(b.cells, Cells) for b in quick]
        assert columnar == sorted(columnar, reverse=True)
        assert columnar[0] is (size < 2100) and not any(c for b, c in zip(quick, columnar) if b.rows[-1] >= 2101)
        broken = {b.rows[i]: why for b in slow for i, why in b.broken.items()}
        assert broken == {2101: "a quote opened on this line is never closed", 3001: "it holds a NUL byte"}
        assert sum(len(b) for b in slow) == 4000


_FRAGMENTS = st.sampled_from([
    "C-{i},20/12/2024,02/01/2025,Repairs,x",  # a row
    'C-{i},20/12/2024,02/01/2025,"Repairs,x',  # a quote opened, never closed
    'C-{i},20/12/2024,02/01/2025,Repairs,"x',  # one opened in the last field
    'C-{i},"20/12/2024\r\nmore text",02/01/2025,Repairs,x',  # a value with a line break
    'C-{i},20/12/2024,02/01/2025,Repairs,"notes\nmore, text\r\nand more"',
    "more text without a delimiter",
    'more text", and, a, closing, quote',
    'end of a value",x',
    'end of a value"',  # closes a quote opened in the last field, in the standard form
    # a quote opened in the last field and closed, in the standard form, lines later: the field
    # count is right, only the row read on its own inside it gives it away
    'C-{i},20/12/2024,02/01/2025,Repairs,"x\r\nC-{i}b,20/12/2024,02/01/2025,Repairs,x\r\nend of a value"',
    'C-{i},20/12/2024,02/01/2025,Repairs,"x\nmore text\nC-{i}b,20/12/2024,02/01/2025,"Repairs,x"',
    "C-{i},20/12/2024,02/01/2025,Repairs",  # ragged
    "C-{i},20/12/2024,02/01/2025,Repairs,x,y",
    'C-{i},20/12/2024,02/01/2025,"Rep"airs,x',  # a quote not in the standard form, on one line
    "C-{i},20/12/2024,02/01/2025,Rep\x00airs,x",  # a NUL
    "",
    "   ",
])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_FRAGMENTS, max_size=30), st.sampled_from(["\r\n", "\n", "\r"]), st.booleans(), st.integers(1, 7))
def test_messy_exports_read_alike_whatever_the_pieces(tmp_path, monkeypatch, fragments, end, last_end, batch_size):
    """Lines of every kind, damaged or not: the rows, broken rows and cells do not depend on how
    the lines are cut into pieces (so the fast stages agree with the record-by-record reference),
    the columnar path agrees, and every line is accounted for."""
    body = end.join(f.format(i=i) for i, f in enumerate(fragments))
    text = HEADER + end + body + (end if last_end else "")
    path = tmp_path / "cases.csv"
    path.write_bytes(text.encode("utf-8"))

    def snapshot(fast: bool):
        return [(b.rows, b.ragged, b.broken, {c: list(v) for c, v in b.cells.items()})
                for b in _batches(path, fast, monkeypatch, batch_size)]

    reference = snapshot(False)
    for piece in (1, 2, 3):
        monkeypatch.setattr(cases_csv, "_PIECE", piece)
        assert snapshot(False) == reference, piece
    monkeypatch.setattr(cases_csv, "_PIECE", 4096)
    monkeypatch.setattr(cases_arrow, "_BLOCK", 64)
    assert snapshot(True) == reference

    # Record by record from the start: the reference the fast stages stand in for.
    lines = io.StringIO(body + (end if last_end else ""), newline="").readlines()
    records, rows, broken, after, ahead = cases_csv._record_by_record(lines, iter(()), 2, WIDTH, ",")
    assert (after, ahead) == (2 + len(lines), [])
    tiles = [(first, following - 1) for first, following in zip(rows, [*rows[1:], after])]

    def blank_line(record) -> bool:
        return not record or (len(record) == 1 and not record[0].strip())

    for i, (record, (first, last)) in enumerate(zip(records, tiles)):
        if record is None:
            assert _span(first, broken[i]) == (first, last)  # the finding names exactly its lines
        else:
            assert last - first == sum(len(re.findall(r"\r\n|\n|\r", field)) for field in record)
    assert [(first, broken.get(i)) for i, (first, record) in enumerate(zip(rows, records))
            if record is None or not blank_line(record)] == \
           [(line, b[2].get(k)) for b in reference for k, line in enumerate(b[0])]
    _assert_partition(tiles, 1 + len(lines), set())
