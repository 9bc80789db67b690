"""The columnar CSV path (pyarrow, ``pip install codecheck[fast]``) gives exactly the csv
module path's results: the same findings (rows, messages, case ids), the same rules not
evaluated, the same problems and row counts, on real exports and on every awkward file
we can think of (and on random ones, with hypothesis)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codecheck.config import Config, parse_config
from codecheck.engine import Engine
from codecheck.findings import FIELDS
from codecheck.readers import cases_arrow
from codecheck.readers.cases_csv import CsvCaseReader, detect_encoding
from codecheck.registry import default_registry

pa = pytest.importorskip("pyarrow", reason="the columnar path needs pyarrow (pip install codecheck[fast])")

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = default_registry()
HEADER = ["case_id", "record_type", "received_date", "stage1_ack_date", "stage1_response_date", "accepted",
          "refusal_reason", "stage", "stage1_handler", "stage2_handler", "satisfied", "category"]


def _run(path: Path, fast: bool, monkeypatch, config: Config | None = None):
    monkeypatch.setenv(cases_arrow.ENV, "1" if fast else "0")
    config = config or Config()
    engine = Engine(REGISTRY, config, REGISTRY.select((), (), config.severity), dt.date(2025, 4, 30))
    return engine.run([str(path)])


def _key(results) -> tuple:
    return (
        [{k: getattr(f, k) for k in FIELDS} for f in results.findings],
        results.not_evaluated,
        results.problems,
        [(f.path, f.kind, f.rows, f.notes) for f in results.files],
        results.skipped,
    )


@pytest.fixture
def arrow_reads(monkeypatch):
    """The columnar reads started, so a test knows which path it compared."""
    seen: list[cases_arrow.ArrowRead] = []
    original = cases_arrow.ArrowRead.batches

    def batches(self, *args, **kwargs):
        seen.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(cases_arrow.ArrowRead, "batches", batches)
    return seen


def same_both_ways(path: Path, monkeypatch, arrow_reads, config: Config | None = None, fast: bool = True):
    """Run both paths; assert identical results, and that the columnar path read the whole
    file (fast) or handed it, or part of it, to the csv module (not fast)."""
    slow = _run(path, False, monkeypatch, config)
    assert arrow_reads == []
    quick = _run(path, True, monkeypatch, config)
    assert _key(quick) == _key(slow)
    whole = len(arrow_reads) == 1 and arrow_reads[0].stopped_because == ""
    assert whole is fast, f"columnar read stopped: {[a.stopped_because for a in arrow_reads]}"
    arrow_reads.clear()
    return quick


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


ROWS = [
    ["C-1", "", "20/12/2024", "02/01/2025", "10/01/2025", "Yes", "", "Stage 1", "Jo Patel", "", "y", "Repairs"],
    ["C-2", "complaint", "2024-06-03", "2024-06-10", "", "", "", "Stage 2", "Sam", "sam", "No", "Damp"],
    ["C-3", "service_request", "1 May 2024", "", "", "yes", "", "", "", "", "", "Repairs"],
    ["C-4", "", "31/02/2024", "tbc", "next week", "maybe", "", "Stage 3", "A", "B", "1", "ASB"],
    ["C-5", "", "03/06/2024", "03/06/2024", "", "No", "", "Informal", "", "", "", "Repairs"],
    ["", "", "03/06/2024", "04/06/2024", "", "Yes", "", "Stage 1", "", "", "", "Repairs"],
    ["C-7", "Enquiry", "", "", "", "", "", "Review panel", "", "", "", ""],
    ["C-1", "", "02/09/2024", "10/09/2024", "", "No", "Out of time", "1", "", "", "0", "Rent"],
]


def csv_text(rows, delimiter: str = ",", header=HEADER, end: str = "\r\n") -> str:
    lines = []
    for row in [header, *rows]:
        out = []
        for cell in row:
            if any(ch in cell for ch in (delimiter, '"', "\n", "\r")):
                cell = '"' + cell.replace('"', '""') + '"'
            out.append(cell)
        lines.append(delimiter.join(out))
    return end.join(lines) + end


# -- real exports --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["cases.csv", "cases-clean.csv"])
def test_fixtures(name, monkeypatch, arrow_reads):
    results = same_both_ways(ROOT / "fixtures" / name, monkeypatch, arrow_reads)
    assert results.files[0].rows >= 50


def test_fixture_in_small_batches(monkeypatch, arrow_reads):
    """Batches that start and end inside pyarrow's blocks, and blocks that end inside batches."""
    monkeypatch.setattr(cases_arrow, "_BLOCK", 4096)
    same_both_ways(ROOT / "fixtures/cases.csv", monkeypatch, arrow_reads, Config(batch_size=7))


def _gen_cases():
    spec = importlib.util.spec_from_file_location("gen_cases", ROOT / "benchmarks/gen_cases.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_20000_rows(tmp_path, monkeypatch, arrow_reads):
    path = tmp_path / "cases.csv"
    _gen_cases().write(20_000, str(path))
    monkeypatch.setattr(cases_arrow, "_BLOCK", 256 * 1024)  # several blocks, several batches
    results = same_both_ways(path, monkeypatch, arrow_reads, Config(batch_size=3000))
    assert results.files[0].rows == 20_000
    assert len(results.findings) > 1000


def test_generated_rows_with_broken_lines(tmp_path, monkeypatch, arrow_reads):
    """Ragged rows, blank lines and lines of spaces scattered through a generated export."""
    path = tmp_path / "cases.csv"
    _gen_cases().write(3000, str(path))
    lines = path.read_bytes().split(b"\r\n")
    out = [lines[0]]
    for i, line in enumerate(lines[1:], 1):
        if line and i % 97 == 0:
            line += b",extra"
        if line and i % 89 == 0:
            line = line.rsplit(b",", 3)[0]
        if i % 113 == 0:
            out.append(b"")
        if i % 151 == 0:
            out.append(b"   ")
        out.append(line)
    path.write_bytes(b"\r\n".join(out))
    monkeypatch.setattr(cases_arrow, "_BLOCK", 64 * 1024)
    results = same_both_ways(path, monkeypatch, arrow_reads, Config(batch_size=500))
    assert any(f.rule == "CD004" and "fields" in f.message for f in results.findings)


def _stage_word(value: str) -> str | None:
    return value.split()[-1].lower() if value.split() else None


def _batches(path: Path, fast: bool, monkeypatch, config: Config):
    monkeypatch.setenv(cases_arrow.ENV, "1" if fast else "0")
    return list(CsvCaseReader().open(path, config).batches)


def assert_batches_alike(path: Path, monkeypatch, config: Config) -> int:
    """Batch by batch, every public answer of CaseBatch is the same on both paths."""
    from codecheck.columns import DATE_COLUMNS, YES_NO_COLUMNS

    slow, quick = _batches(path, False, monkeypatch, config), _batches(path, True, monkeypatch, config)
    assert len(slow) == len(quick)
    for a, b in zip(slow, quick):
        assert (a.rows, a.ragged, a.header_fields, len(a)) == (b.rows, b.ragged, b.header_fields, len(b))
        assert sorted(a.cells) == sorted(b.cells)
        for column in [*a.cells, "absent_column"]:
            assert a.has(column) == b.has(column)
            assert a.text(column) == b.text(column), column
            assert (a.blank(column) == b.blank(column)).all(), column
            assert (a.per_value(column, _stage_word) == b.per_value(column, _stage_word)).all(), column
            assert (a.per_value(column, len, int) == b.per_value(column, len, int)).all(), column
            if column in DATE_COLUMNS:
                assert (a.dates(column).astype("int64") == b.dates(column).astype("int64")).all(), column
            if column in YES_NO_COLUMNS:
                assert (a.flags(column) == b.flags(column)).all(), column
            if column in a.cells:
                assert list(a.cells[column]) == list(b.cells[column]), column
        for mask in ("record_types", "checkable", "complaints", "accepted"):
            assert (getattr(a, mask) == getattr(b, mask)).all(), mask
        assert [(u.index, u.column, u.why) for u in a.unreadable] == [(u.index, u.column, u.why) for u in b.unreadable]
    return sum(len(b) for b in quick)


def test_batches_answer_alike(tmp_path, monkeypatch):
    path = tmp_path / "cases.csv"
    _gen_cases().write(5000, str(path))
    monkeypatch.setattr(cases_arrow, "_BLOCK", 100 * 1024)
    assert assert_batches_alike(path, monkeypatch, Config(batch_size=700)) == 5000
    rows = [r[:] for r in ROWS]
    rows[0][0], rows[1][2], rows[2][1], rows[5][7] = "C-1 ", " 2024-06-03", "service_request\u00a0", "Stage 1\t"
    lines = csv_text(rows).split("\r\n")
    lines[3] += ",extra"
    lines.insert(5, "")
    path = write(tmp_path / "edges.csv", "\r\n".join(lines))
    for size in (1, 3, 100):
        assert_batches_alike(path, monkeypatch, Config(batch_size=size))


# -- awkward files -------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_utf8_with_and_without_bom(tmp_path, monkeypatch, arrow_reads, encoding):
    rows = [*ROWS, ["C-9", "", "20/12/2024", "02/01/2025", "", "", "", "", "Zoë Brontë", "", "", "£50 – “quoted”"]]
    same_both_ways(write(tmp_path / "c.csv", csv_text(rows), encoding), monkeypatch, arrow_reads)


def test_windows_1252(tmp_path, monkeypatch, arrow_reads):
    text = csv_text([*ROWS, ["C-9", "", "20/12/2024", "02/01/2025", "", "", "", "", "Zoë", "", "", "£50 – ‘x’"]])
    path = tmp_path / "c.csv"
    path.write_bytes(text.encode("cp1252").replace("Zoë".encode("cp1252"), b"Zo\x81"))  # \x81: undefined in cp1252
    assert detect_encoding(path) == "cp1252"
    results = same_both_ways(path, monkeypatch, arrow_reads)
    assert results.files[0].notes == ["read as Windows-1252 (not valid UTF-8)"]


def test_bom_file_with_invalid_utf8_reads_with_the_csv_module(tmp_path, monkeypatch, arrow_reads):
    path = tmp_path / "c.csv"
    path.write_bytes(csv_text(ROWS).encode("utf-8-sig") + b"C-10,,20/12/2024,\xff\xfe,,,,,,,,\r\n")
    same_both_ways(path, monkeypatch, arrow_reads, fast=False)


def test_utf16_reads_with_the_csv_module(tmp_path, monkeypatch, arrow_reads):
    same_both_ways(write(tmp_path / "c.csv", csv_text(ROWS), "utf-16"), monkeypatch, arrow_reads, fast=False)


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_other_delimiters(tmp_path, monkeypatch, arrow_reads, delimiter):
    rows = [r[:] for r in ROWS]
    rows[0][6] = "a, b; c | d"
    same_both_ways(write(tmp_path / "c.csv", csv_text(rows, delimiter)), monkeypatch, arrow_reads)


def test_tsv_extension(tmp_path, monkeypatch, arrow_reads):
    same_both_ways(write(tmp_path / "c.tsv", csv_text(ROWS, "\t")), monkeypatch, arrow_reads)


def test_quoted_commas_and_quotes(tmp_path, monkeypatch, arrow_reads):
    rows = [r[:] for r in ROWS]
    rows[0][6] = 'Out of time, "over 12 months"'
    rows[1][8] = '"Jo" Patel'
    rows[2][11] = '""'
    rows[3][0] = "C-4, the second"
    same_both_ways(write(tmp_path / "c.csv", csv_text(rows)), monkeypatch, arrow_reads)


def test_quoted_newlines_read_with_the_csv_module(tmp_path, monkeypatch, arrow_reads):
    rows = [r[:] for r in ROWS]
    rows[1][6] = "line one\nline two"
    rows[4][8] = "a\r\nb"
    path = write(tmp_path / "c.csv", csv_text(rows))
    assert "more than one line" in cases_arrow.scan(path, "utf-8", ",")
    results = same_both_ways(path, monkeypatch, arrow_reads, fast=False)
    assert {f.row for f in results.findings if f.case_id == "C-5"} == {7}  # C-2 spans two lines


def test_a_quoted_line_end_late_in_the_file(tmp_path, monkeypatch, arrow_reads):
    """The batches before the block holding it come from pyarrow, the rest from the csv module."""
    path = tmp_path / "cases.csv"
    _gen_cases().write(3000, str(path))
    lines = path.read_bytes().split(b"\r\n")
    lines[2500] = lines[2500].replace(b",Repairs,", b',"Repairs\nand more",', 1).replace(
        b",Staff conduct,", b',"Staff\r\nconduct",', 1)
    lines[2700] = lines[2700] + b",one too many"
    path.write_bytes(b"\r\n".join(lines))
    monkeypatch.setattr(cases_arrow, "_BLOCK", 64 * 1024)
    results = same_both_ways(path, monkeypatch, arrow_reads, Config(batch_size=100), fast=False)
    assert "more than one line" in cases_arrow.scan(path, "utf-8-sig", ",")
    assert any(f.rule == "CD004" and f.row > 2700 for f in results.findings)


@pytest.mark.parametrize("text, why", [
    ('case_id,received_date\r\nC-1,x"y\r\nC-2,"a"b\r\n', "quote inside an unquoted field"),
    ("case_id,received_date\rC-1,01/05/2024\rC-2,02/05/2024\r", "bare CR"),
    ('case_id,received_date\r\nC-1,"01/05/2024\r\n', "more than one line"),
    ('case_id,received_date\r\nC-1,"01/05/2024', "unterminated quote"),
    ("case_id,received_date\r\n" + "C-0,01/05/2024\r\n" * 5000 + "C-1,01/05/2024\x00\r\n", "NUL"),
])
def test_files_the_scan_leaves_to_the_csv_module(tmp_path, monkeypatch, arrow_reads, text, why):
    path = write(tmp_path / "c.csv", text)
    assert why in cases_arrow.scan(path, detect_encoding(path), ",")
    same_both_ways(path, monkeypatch, arrow_reads, fast=False)


def test_blank_lines_and_lines_of_spaces(tmp_path, monkeypatch, arrow_reads):
    text = csv_text(ROWS)
    lines = text.split("\r\n")
    lines.insert(3, "")
    lines.insert(5, "   ")
    lines.insert(6, "")
    lines.insert(7, '""')
    lines.insert(9, "\t")
    text = "\r\n".join(lines) + "\r\n\r\n"
    results = same_both_ways(write(tmp_path / "c.csv", text), monkeypatch, arrow_reads, Config(batch_size=3))
    assert results.files[0].rows == len(ROWS)


def test_lf_line_ends_and_no_final_line_end(tmp_path, monkeypatch, arrow_reads):
    same_both_ways(write(tmp_path / "c.csv", csv_text(ROWS, end="\n").rstrip("\n")), monkeypatch, arrow_reads)


def test_ragged_rows(tmp_path, monkeypatch, arrow_reads):
    text = csv_text(ROWS)
    lines = text.split("\r\n")
    lines[2] += ",one too many"
    lines[4] = lines[4].rsplit(",", 4)[0]
    lines[6] = "C-x"
    lines[7] += ",,,,"
    text = "\r\n".join(lines)
    for size in (1, 2, 3, 100):
        results = same_both_ways(write(tmp_path / "c.csv", text), monkeypatch, arrow_reads, Config(batch_size=size))
        assert sorted(f.row for f in results.findings if f.rule == "CD004" and " field" in f.message) == [3, 5, 7, 8]


def test_trailing_spaces_and_no_break_spaces(tmp_path, monkeypatch, arrow_reads):
    rows = [r[:] for r in ROWS]
    rows[0][0] = "C-1 "
    rows[1][2] = " 2024-06-03"
    rows[2][1] = "service_request\u00a0"
    rows[3][8] = "\u2003A"  # not one of the edges _stripped looks for: stays as it is
    rows[4][9] = "\u2003A"
    rows[5][7] = "Stage 1\t"
    for size in (2, 100):
        same_both_ways(write(tmp_path / "c.csv", csv_text(rows)), monkeypatch, arrow_reads, Config(batch_size=size))


def test_header_mapped_by_config(tmp_path, monkeypatch, arrow_reads):
    header = ["Complaint Ref", "Notes", "Date Received", "Acknowledged", "Case ID"]
    rows = [["C-9", "x", "20/12/2024", "02/01/2025", "other"], ["C-10", "y", "01/05/2024", "31/05/2024", "z"]]
    config = parse_config({"columns": {"case_id": "Complaint Ref", "received_date": "Date Received",
                                       "stage1_ack_date": "Acknowledged"}}, "codecheck.yaml")
    results = same_both_ways(write(tmp_path / "c.csv", csv_text(rows, header=header)), monkeypatch, arrow_reads,
                             config)
    assert [f.case_id for f in results.findings if f.rule == "CR602"] == ["C-9", "C-10"]


def test_unreadable_cells_and_month_first(tmp_path, monkeypatch, arrow_reads):
    path = write(tmp_path / "c.csv", csv_text(ROWS + [["C-11", "", "12/20/2024", "01/02/2025", "", "", "", "", "",
                                                      "", "", ""]]))
    for config in (Config(), Config(date_order="mdy")):
        same_both_ways(path, monkeypatch, arrow_reads, config)


def test_header_only_and_missing_columns(tmp_path, monkeypatch, arrow_reads):
    same_both_ways(write(tmp_path / "a.csv", "case_id,received_date\r\n"), monkeypatch, arrow_reads)
    same_both_ways(write(tmp_path / "b.csv", "case_id,date\r\nC-1,01/05/2024\r\n"), monkeypatch, arrow_reads,
                   fast=False)


def test_duplicate_headers_and_unmapped_columns(tmp_path, monkeypatch, arrow_reads):
    header = ["case_id", "received_date", "notes", "notes", "received_date"]
    rows = [["C-1", "20/12/2024", "a", "b", "x"], ["C-1", "01/05/2024", "", "", ""]]
    same_both_ways(write(tmp_path / "c.csv", csv_text(rows, header=header)), monkeypatch, arrow_reads)


def test_many_distinct_values_go_plain(tmp_path, monkeypatch, arrow_reads):
    """A column with more distinct values than a dictionary is worth is read as strings from then on."""
    monkeypatch.setattr(cases_arrow, "_DICTIONARY_LIMIT", 5)
    monkeypatch.setattr(cases_arrow, "_BLOCK", 512)
    rows = [[f"C-{i}", "", f"{1 + i % 28:02d}/05/2024", f"{1 + (i * 7) % 28:02d}/06/2024", "", "", "",
             f"Stage {i % 4}", f"Officer {i}", f"Officer {i % 3}", "", f"Cat {i % 9} "] for i in range(200)]
    same_both_ways(write(tmp_path / "c.csv", csv_text(rows)), monkeypatch, arrow_reads, Config(batch_size=17))


def test_pyarrow_failing_midway_hands_over_to_the_csv_module(tmp_path, monkeypatch, arrow_reads):
    path = tmp_path / "cases.csv"
    _gen_cases().write(2000, str(path))
    monkeypatch.setattr(cases_arrow, "_BLOCK", 32 * 1024)
    calls = []
    original = cases_arrow.pa_csv.read_csv

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 4:
            raise pa.ArrowInvalid("simulated")
        return original(*args, **kwargs)

    monkeypatch.setattr(cases_arrow.pa_csv, "read_csv", failing)
    results = same_both_ways(path, monkeypatch, arrow_reads, Config(batch_size=150), fast=False)
    assert results.files[0].rows == 2000 and len(calls) >= 4


def test_unread_batches_stop_the_reading_thread(tmp_path, monkeypatch):
    monkeypatch.setenv(cases_arrow.ENV, "1")
    path = tmp_path / "cases.csv"
    _gen_cases().write(3000, str(path))
    monkeypatch.setattr(cases_arrow, "_BLOCK", 16 * 1024)
    source = CsvCaseReader().open(path, Config())
    assert any(t.name == "codecheck-csv" for t in threading.enumerate())
    del source
    deadline = time.monotonic() + 5
    while any(t.name == "codecheck-csv" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not any(t.name == "codecheck-csv" for t in threading.enumerate())


def test_switched_off_by_environment(tmp_path, monkeypatch, arrow_reads):
    monkeypatch.setenv(cases_arrow.ENV, "0")
    assert not cases_arrow.available()
    monkeypatch.setenv(cases_arrow.ENV, "1")
    assert cases_arrow.available()


# -- random files --------------------------------------------------------------------------

_CELLS = st.one_of(
    st.sampled_from(["", " ", "C-1", "C-2", "20/12/2024", "02/01/2025", "2024-06-03", "1 May 2024", "31/02/2024",
                     "yes", "No", "maybe", "Stage 1", "Stage 3", "informal", "service_request", "complaint",
                     "Withdrawn", "Jo Patel", "jo  patel.", "tbc", "12/20/2024", "\u00a0x", "x "]),
    st.text(alphabet=st.sampled_from(list("aZ09 ,;\t\"'|/-\u00a0é£\n\r")), max_size=6),
)
_COLUMNS = ["case_id", "received_date", "stage1_ack_date", "stage1_response_date", "accepted", "record_type",
            "stage", "stage1_handler", "stage2_handler", "refusal_reason", "satisfied", "escalation_refused_reason"]


@st.composite
def small_csv(draw):
    header = draw(st.lists(st.sampled_from(_COLUMNS), min_size=2, max_size=6, unique=True))
    for required in ("case_id", "received_date"):
        if required not in header:
            header.insert(draw(st.integers(0, len(header))), required)
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    line_ends_in_values = draw(st.integers(0, 3)) == 0  # such files are read by the csv module
    end = draw(st.sampled_from(["\r\n", "\n"]))
    rows = []
    for _ in range(draw(st.integers(0, 14))):
        kind = draw(st.sampled_from(["row"] * 6 + ["blank", "spaces", "short", "long"]))
        if kind == "blank":
            rows.append("")
            continue
        if kind == "spaces":
            rows.append("  ")
            continue
        width = len(header) + {"row": 0, "short": -1, "long": 2}[kind]
        cells = draw(st.lists(_CELLS, min_size=max(width, 1), max_size=max(width, 1)))
        out = []
        for cell in cells:
            if not line_ends_in_values:
                cell = cell.replace("\n", " ").replace("\r", " ")
            quoting = draw(st.sampled_from(["minimal"] * 6 + ["all", "none"]))
            if quoting == "all" or (quoting == "minimal" and any(ch in cell for ch in (delimiter, '"', "\n", "\r"))):
                cell = '"' + cell.replace('"', '""') + '"'
            out.append(cell)  # "none": as it is, quotes, delimiters and line ends included
        rows.append(delimiter.join(out))
    text = end.join([delimiter.join(header), *rows])
    if draw(st.booleans()):
        text += end
    return text, draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])), draw(st.integers(1, 5))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(small_csv())
def test_random_small_files(tmp_path, monkeypatch, case):
    text, encoding, batch_size = case
    path = tmp_path / "random.csv"
    path.write_bytes(text.encode(encoding, errors="replace"))
    config = Config(batch_size=batch_size)
    slow = _run(path, False, monkeypatch, config)
    quick = _run(path, True, monkeypatch, config)
    assert _key(quick) == _key(slow)
    assert not [p for p in quick.problems if "bug" in p.message]
    if not slow.problems:
        assert_batches_alike(path, monkeypatch, config)


def _lines_by_hand(buf: bytes) -> tuple[int, list[int], int]:
    """What scan_block must find, worked out line by line: lines, the empty ones, the longest."""
    pieces = buf.split(b"\n")
    ended = buf.endswith(b"\n")
    lines = pieces[:-1] if ended else pieces
    empty = [i for i, line in enumerate(pieces[:-1]) if line in (b"", b"\r")]
    return len(lines), empty, max((len(p) for p in pieces), default=0)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([b"", b"\r", b"C-1,01/05/2024", b"x" * 300, b"y" * 140_000, b"z" * 270_000, b"a,b\r", b"\r\r"]),
                min_size=1, max_size=12),
       st.sampled_from([b"\n", b"\r\n"]), st.booleans())
def test_the_byte_scan_counts_lines_and_finds_empty_ones_as_a_line_by_line_reading_does(pieces, end, final):
    """The scan agrees with a reading line by line: the same number of lines, the same empty
    ones, the same longest line (pyarrow's block size is set from it)."""
    buf = end.join(pieces) + (end if final else b"")
    found = cases_arrow.scan_block(buf, ",", False)
    if b"\r" in buf.replace(b"\r\n", b""):  # a CR not before an LF: left to the csv module
        assert found == "ends lines with a bare CR"
        return
    lines, empty, longest = found
    want_lines, want_empty, want_longest = _lines_by_hand(buf)
    assert (lines, empty.tolist()) == (want_lines, want_empty)
    assert longest == want_longest
