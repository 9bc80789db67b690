"""Excel case records: the same findings as the CSV of the same rows, Excel's
own dates and serial numbers (1900 and 1904 systems), sheets, row numbers, and
damaged or disguised files refused with a clear message."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codecheck.cli import main
from codecheck.columns import DATE_COLUMNS
from codecheck.config import Config
from codecheck.readers.cases_xlsx import excel_serial_to_date
from codecheck.values import UnreadableValue, parse_date
from helpers import run_paths, write_cases, write_xlsx

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures/cases.csv"


def fixture_rows() -> list[list[str]]:
    with open(FIXTURE, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def comparable(results) -> list[tuple]:
    return sorted((f.rule, f.row, f.case_id, f.severity.label, f.message, f.column) for f in results.findings)


def serial(day: dt.date, date1904: bool = False) -> int:
    return (day - (dt.date(1904, 1, 1) if date1904 else dt.date(1899, 12, 30))).days


def as_excel_values(rows: list[list[str]], how: str, date1904: bool = False) -> list[list]:
    """The CSV's rows with readable dates stored as Excel would: date cells or serial numbers."""
    header, body = rows[0], rows[1:]
    date_cols = {i for i, h in enumerate(header) if h in DATE_COLUMNS}
    out: list[list] = [list(header)]
    for n, row in enumerate(body):
        cells: list = []
        for i, value in enumerate(row):
            if i in date_cols and value:
                try:
                    day = parse_date(value)
                except UnreadableValue:
                    day = None
                if day is not None:
                    mode = how if how != "mixed" else ("date", "serial", "text")[(n + i) % 3]
                    if mode == "date":
                        value = dt.datetime(day.year, day.month, day.day) if n % 2 else day
                    elif mode == "serial":
                        value = serial(day, date1904) + (0.5 if n % 5 == 0 else 0)  # a time of day is ignored
            cells.append(value)
        out.append(cells)
    return out


# -- the same findings as the CSV ---------------------------------------------------


def test_fixture_as_text_cells_gives_the_csvs_findings(tmp_path):
    rows = fixture_rows()
    book = write_xlsx(tmp_path / "cases.xlsx", rows)
    from_csv, from_xlsx = run_paths([FIXTURE]), run_paths([book])
    assert not from_xlsx.problems
    assert from_csv.findings and comparable(from_xlsx) == comparable(from_csv)
    assert {f.path for f in from_xlsx.findings} == {str(book)}
    assert [n.rule for n in from_xlsx.not_evaluated] == [n.rule for n in from_csv.not_evaluated]
    assert from_xlsx.files[0].rows == from_csv.files[0].rows


@pytest.mark.parametrize("how", ["date", "serial", "mixed"])
@pytest.mark.parametrize("date1904", [False, True], ids=["1900", "1904"])
def test_excel_dates_and_serials_give_the_csvs_findings(tmp_path, how, date1904):
    rows = fixture_rows()
    book = write_xlsx(tmp_path / "cases.xlsx", as_excel_values(rows, how, date1904), date1904=date1904)
    assert comparable(run_paths([book])) == comparable(run_paths([FIXTURE]))


def test_small_table_matches_csv(tmp_path):
    rows = [
        {"case_id": "C-1", "received_date": "20/12/2024", "stage1_ack_date": "02/01/2025", "accepted": "yes"},
        {"case_id": "C-2", "received_date": "20/12/2024", "stage1_ack_date": "31/12/2024", "accepted": "no",
         "refusal_reason": "outside time"},
        {"case_id": "C-3", "received_date": "32/12/2024", "stage1_ack_date": "", "accepted": "maybe"},
    ]
    csv_path = write_cases(tmp_path / "c.csv", rows)
    header = list(rows[0]) + ["refusal_reason"]
    book = write_xlsx(tmp_path / "c.xlsx", [header] + [[r.get(h, "") for h in header] for r in rows])
    expected = comparable(run_paths([csv_path]))
    assert expected and comparable(run_paths([book])) == expected


# -- Excel's dates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "number, date1904, expected",
    [
        (45444, False, dt.date(2024, 6, 1)),
        (45444.75, False, dt.date(2024, 6, 1)),
        (1, False, dt.date(1900, 1, 1)),
        (59, False, dt.date(1900, 2, 28)),
        (60, False, None),  # Excel's 29/02/1900, which never was
        (61, False, dt.date(1900, 3, 1)),
        (0, False, None),
        (-3, False, None),
        (2_958_465, False, dt.date(9999, 12, 31)),
        (2_958_466, False, None),
        (0, True, dt.date(1904, 1, 1)),
        (43982, True, dt.date(2024, 6, 1)),
        (float("nan"), False, None),
    ],
)
def test_serial_numbers(number, date1904, expected):
    assert excel_serial_to_date(number, date1904) == expected


def test_serial_dates_in_date_columns_are_read(tmp_path):
    # 45646 = Fri 20/12/2024, 45659 = Thu 02/01/2025: day 6 of 5.
    book = write_xlsx(tmp_path / "s.xlsx", [["case_id", "received_date", "stage1_ack_date"], ["C-1", 45646, 45659]])
    (finding,) = run_paths([book], select=["CR602"]).findings
    assert finding.row == 2 and finding.case_id == "C-1"
    assert finding.message.startswith("acknowledged 02/01/2025, 6 working days after receipt on 20/12/2024")


def test_a_1904_workbook(tmp_path):
    rows = [["case_id", "received_date", "stage1_ack_date"],
            ["C-1", serial(dt.date(2024, 12, 20), True), serial(dt.date(2025, 1, 2), True)],
            ["C-2", dt.date(2024, 12, 20), dt.date(2025, 1, 2)],
            ["C-3", "20/12/2024", "02/01/2025"]]
    book = write_xlsx(tmp_path / "mac.xlsx", rows, date1904=True)
    results = run_paths([book], select=["CR602"])
    assert [(f.case_id, f.row) for f in results.findings] == [("C-1", 2), ("C-2", 3), ("C-3", 4)]
    assert len({f.message for f in results.findings}) == 1
    assert "20/12/2024" in results.findings[0].message
    assert any("1904" in note for note in results.files[0].notes)


def test_numbers_outside_date_columns_stay_numbers(tmp_path):
    rows = [["case_id", "received_date", "accepted", "stage1_ack_date"],
            [1021, 45646, 1, 45659], [1022.0, 45646, True, "not a date"], [1023, 45646, 0, 60]]
    results = run_paths([write_xlsx(tmp_path / "n.xlsx", rows)])
    assert {f.case_id for f in results.findings if f.rule == "CR602"} == {"1021"}
    unreadable = {(f.case_id, f.column) for f in results.findings if f.rule == "CD001"}
    assert unreadable == {("1022", "stage1_ack_date"), ("1023", "stage1_ack_date")}


# -- sheets, headers and rows ----------------------------------------------------------


def test_row_numbers_are_excel_row_numbers(tmp_path):
    rows = [["case_id", "received_date", "stage1_ack_date"],
            ["C-1", "20/12/2024", "02/01/2025"],
            [None, None, None],
            [],
            ["C-2", "20/12/2024", "03/01/2025"]]
    book = write_xlsx(tmp_path / "r.xlsx", rows, before=[["Complaints export, Q3"], []])
    results = run_paths([book], select=["CR602"])
    assert [(f.case_id, f.row) for f in results.findings] == [("C-1", 4), ("C-2", 7)]
    assert results.files[0].rows == 2


def test_small_batches_keep_row_numbers(tmp_path):
    rows = [["case_id", "received_date", "stage1_ack_date"]] + [
        [f"C-{n}", "20/12/2024", "02/01/2025"] for n in range(1, 8)]
    book = write_xlsx(tmp_path / "b.xlsx", rows)
    results = run_paths([book], select=["CR602"], config=Config(batch_size=3))
    assert [f.row for f in results.findings] == list(range(2, 9))


def test_first_sheet_by_default_or_the_configured_one(tmp_path):
    late = [["case_id", "received_date", "stage1_ack_date"], ["C-1", "20/12/2024", "02/01/2025"]]
    notes = [["a note"], ["not cases"]]
    book = write_xlsx(tmp_path / "two.xlsx", notes, title="Read me", extra_sheets={"Cases 2024": late})
    first = run_paths([book], select=["CR602"])  # the first sheet has no case columns: the next one is read, and said
    assert not first.problems and [f.case_id for f in first.findings] == ["C-1"]
    assert any("read the sheet 'Cases 2024'" in n for n in first.files[0].notes)
    chosen = run_paths([book], config=Config(sheet="cases 2024"), select=["CR602"])
    assert not chosen.problems and [f.case_id for f in chosen.findings] == ["C-1"]
    missing = run_paths([book], config=Config(sheet="Q4"))
    assert "no sheet 'Q4'" in missing.problems[0].message and "'Cases 2024'" in missing.problems[0].message


def test_sheet_key_in_codecheck_yaml(tmp_path, monkeypatch):
    late = [["Ref", "Received", "stage1_ack_date"], ["C-1", "20/12/2024", "02/01/2025"]]
    book = write_xlsx(tmp_path / "two.xlsx", [["x"]], extra_sheets={"2024": late})
    (tmp_path / "codecheck.yaml").write_text("sheet: 2024\ncolumns: {case_id: Ref, received_date: Received}\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [str(book), "--select", "CR602"])
    assert result.exit_code == 1 and f"{book}:2: C-1: 6.2 error" in result.output


def test_header_mapping_error_names_the_header_row(tmp_path):
    book = write_xlsx(tmp_path / "h.xlsx", [["Ref", "Date"], ["C-1", "20/12/2024"]], before=[["title"]])
    (problem,) = run_paths([book]).problems
    assert problem.location == "2" and "case_id" in problem.message and "'Ref'" in problem.message


def test_an_empty_sheet(tmp_path):
    book = write_xlsx(tmp_path / "e.xlsx", [])
    assert "no header row" in run_paths([book]).problems[0].message


# -- what is not a workbook -------------------------------------------------------------


def _zip_bytes(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def _damaged_sheet(tmp_path: Path) -> bytes:
    good = write_xlsx(tmp_path / "good.xlsx", [["case_id", "received_date"]] + [[f"C-{n}", "01/05/2024"] for n in range(50)])
    src = zipfile.ZipFile(good)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) * 2 // 3]  # cut off mid-row
            out.writestr(item, data)
    return buf.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
JUNK = {
    "empty": lambda tmp: b"",
    "random bytes": lambda tmp: bytes(range(256)) * 4,
    "csv text": lambda tmp: b"case_id,received_date\nC-1,01/05/2024\n",
    "zip of other files": lambda tmp: _zip_bytes({"readme.txt": b"hello"}),
    "truncated workbook": lambda tmp: write_xlsx(tmp / "t.xlsx", [["case_id"]] * 200).read_bytes()[:1500],
    "damaged sheet": _damaged_sheet,
    "old .xls": lambda tmp: OLE + b"\x00" * 504 + "Workbook".encode("utf-16-le"),
    "encrypted": lambda tmp: OLE + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64,
}
EXPECT = {"old .xls": "97-2003", "encrypted": "password-protected", "empty": "empty", "csv text": "not a zip"}


@pytest.mark.parametrize("what", list(JUNK))
def test_junk_files_exit_2_naming_the_file(tmp_path, what):
    path = tmp_path / f"{what.replace(' ', '-')}.xlsx"
    path.write_bytes(JUNK[what](tmp_path))
    result = CliRunner().invoke(main, [str(path), "--as-of", "2025-04-30"])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert f"codecheck: {path}" in result.stderr
    if what in EXPECT:
        assert EXPECT[what] in result.stderr


def test_a_real_password_protected_workbook(tmp_path):
    # tests/data/encrypted.xlsx: two rows, encrypted by Office's agile scheme (password "codecheck").
    path = ROOT / "tests/data/encrypted.xlsx"
    result = CliRunner().invoke(main, [str(path)])
    assert result.exit_code == 2 and f"codecheck: {path}: is a password-protected" in result.stderr


def test_a_folder_walk_reads_workbooks(tmp_path):
    write_xlsx(tmp_path / "cases.xlsx", [["case_id", "received_date", "stage1_ack_date"], ["C-1", "20/12/2024", "02/01/2025"]])
    results = run_paths([tmp_path], select=["CR602"])
    assert [f.case_id for f in results.findings] == ["C-1"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cells=st.lists(
        st.lists(
            st.one_of(
                st.none(), st.text(max_size=10), st.booleans(), st.integers(-10**6, 10**7),
                st.floats(allow_nan=False, allow_infinity=False, width=32),
                st.dates(dt.date(1900, 3, 1), dt.date(2100, 1, 1)),
            ),
            min_size=1, max_size=5,
        ),
        max_size=6,
    )
)
def test_any_cells_under_a_good_header_never_crash(tmp_path, cells):
    clean = [[c.replace("\x00", "") if isinstance(c, str) else c for c in row] for row in cells]
    clean = [[c for c in row if not (isinstance(c, str) and any(ord(ch) < 32 for ch in c))] for row in clean]
    book = write_xlsx(tmp_path / "f.xlsx", [["case_id", "received_date", "stage1_ack_date", "accepted", "remedy"], *clean])
    result = CliRunner().invoke(main, [str(book), "--as-of", "2025-04-30"])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1)


@functools.lru_cache(maxsize=1)
def _small_workbook() -> bytes:
    """One workbook's bytes for the whole run (a fresh one differs in its timestamps)."""
    buf = io.BytesIO()
    wb = openpyxl.Workbook()
    for row in [["case_id", "received_date"], ["C-1", "01/05/2024"]]:
        wb.active.append(row)
    wb.save(buf)
    return buf.getvalue()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_flipped_bytes_give_findings_or_a_clear_error(tmp_path, data):
    raw = bytearray(_small_workbook())
    for _ in range(data.draw(st.integers(1, 8))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    path = tmp_path / "flipped.xlsx"
    path.write_bytes(bytes(raw))
    result = CliRunner().invoke(main, [str(path), "--as-of", "2025-04-30"])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1, 2)
    if result.exit_code == 2:
        assert str(path) in result.stderr


# -- Excel as officers keep it (issue 12 item 9) -----------------------------------------

from codecheck.readers.cases_xlsx import XlsxCaseReader  # noqa: E402

KEPT_HEADER = ["case_id", "received_date", "category", "stage1_ack_date"]
KEPT_CASES = [["C-1", "02/12/2024", "Repairs", "03/12/2024"],
              ["C-2", "20/12/2024", "Damp", "02/01/2025"],  # late: CR602
              ["C-3", "", "Damp", "03/12/2024"]]  # no received date: a data finding


def read_source(path: Path, config: Config | None = None):
    source = XlsxCaseReader().open(path, config or Config())
    batches = list(source.batches)
    return source, batches


@pytest.mark.parametrize("totals", [
    ["Total", 3, None, None], ["Totals", "3", "", ""], ["Grand total", None, 3, None], ["Count", 3.0],
    ["TOTAL:", "1,204", "12%"], [None, None, None, None, "Total cases", 3], ["Subtotal"], ["Total 3"],
])
def test_a_totals_row_is_not_a_case(tmp_path, totals):
    plain = write_xlsx(tmp_path / "plain.xlsx", [KEPT_HEADER, *KEPT_CASES])
    kept = write_xlsx(tmp_path / "kept.xlsx", [KEPT_HEADER, *KEPT_CASES, [], totals])
    assert comparable(run_paths([kept])) == comparable(run_paths([plain]))  # no finding about it, no CD004
    results = run_paths([kept])
    assert results.files[0].rows == 3
    source, batches = read_source(kept)
    assert [n for b in batches for n in b.rows] == [2, 3, 4]
    label = next(v for v in totals if v).strip()
    assert source.notes[-1] == f"row 6 looks like a totals row ({label!r}), not a case; not checked"


def test_several_totals_rows_are_one_note(tmp_path):
    book = write_xlsx(tmp_path / "kept.xlsx", [KEPT_HEADER, KEPT_CASES[0], ["Subtotal", 1], KEPT_CASES[1],
                                                ["Subtotal", 1], ["Grand total", 2]])
    source, batches = read_source(book)
    assert [n for b in batches for n in b.rows] == [2, 4]
    assert [n for n in source.notes if "totals" in n] == [
        "rows 3, 5 and 6 look like totals rows ('Subtotal', 'Grand total'), not cases; not checked"]


@pytest.mark.parametrize("row", [
    ["C-9", "01/12/2024", "Total", None],   # a case whose category is "Total"
    ["Total", "01/12/2024", None, None],    # a date beside the label: a case with an odd id
    ["Total", None, "Repairs", None],       # text beside the label
    ["Totally unfair", 3, None, None],      # not the word alone
])
def test_rows_that_only_resemble_totals_are_cases(tmp_path, row):
    book = write_xlsx(tmp_path / "kept.xlsx", [KEPT_HEADER, KEPT_CASES[0], row])
    source, batches = read_source(book)
    assert [n for b in batches for n in b.rows] == [2, 3]
    assert not any("totals" in n for n in source.notes)


def test_the_label_in_another_column_than_the_case_id(tmp_path):
    header = ["Area", "case_id", "received_date"]
    book = write_xlsx(tmp_path / "kept.xlsx", [header, ["North", "C-1", "02/12/2024"], ["Total", None, None],
                                               ["Total", "C-2", None]])
    source, batches = read_source(book)
    assert [n for b in batches for n in b.rows] == [2, 4]  # row 4 has a case id: a case
    assert "row 3 looks like a totals row ('Total')" in source.notes[-1]


def _merged(tmp_path: Path, rows: list[list], ranges: list[str], before: list[list] = ()) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Register"
    for row in [*before, *rows]:
        ws.append(row)
    for cells in ranges:
        ws.merge_cells(cells)
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    return path


def test_a_merged_category_is_filled_down_its_rows_only(tmp_path):
    rows = [KEPT_HEADER,
            ["C-1", "02/12/2024", "Damp and mould", "03/12/2024"],
            ["C-2", "02/12/2024", None, "03/12/2024"],
            ["C-3", "02/12/2024", None, "03/12/2024"],
            ["C-4", "02/12/2024", "Repairs", "03/12/2024"],
            ["C-5", "02/12/2024", None, "03/12/2024"]]
    book = _merged(tmp_path, rows, ["C2:C4"])
    source, batches = read_source(book)
    (batch,) = batches
    # C-5's blank category stays blank: never the category above it ("Repairs"), never the one merged before
    assert list(batch.cells["category"]) == ["Damp and mould"] * 3 + ["Repairs", ""]
    assert any("C2:C4 merged down rows" in n for n in source.notes)


def test_a_merged_category_across_a_batch_boundary(tmp_path):
    rows = [KEPT_HEADER] + [[f"C-{n}", "02/12/2024", "Repairs" if n == 1 else None, ""] for n in range(1, 8)]
    book = _merged(tmp_path, rows, ["C2:C8"])
    _, batches = read_source(book, Config(batch_size=2))
    assert [c for b in batches for c in b.cells["category"]] == ["Repairs"] * 7


def test_a_merge_wider_than_one_column_fills_its_first_column(tmp_path):
    header = ["case_id", "received_date", "category", "stage"]
    rows = [header, ["C-1", "02/12/2024", "Repairs", None], ["C-2", "02/12/2024", None, None]]
    source, (batch,) = read_source(_merged(tmp_path, rows, ["C2:D3"]))
    assert list(batch.cells["category"]) == ["Repairs", "Repairs"]
    assert list(batch.cells["stage"]) == ["", ""]
    assert any("C2:D3 merged across columns" in n for n in source.notes)


def test_a_merge_from_the_header_into_the_data_is_not_filled(tmp_path):
    # "category" merged from the header down two rows: the header's text is no case's category.
    rows = [KEPT_HEADER, ["C-1", "02/12/2024", None, ""], ["C-2", "02/12/2024", None, ""],
            ["C-3", "02/12/2024", "Repairs", ""]]
    book = _merged(tmp_path, rows, ["C3:C5", "A1:D1"], before=[["Register"], []])
    source, (batch,) = read_source(book)
    assert source.header_row == 3
    assert list(batch.cells["category"]) == ["", "", "Repairs"]
    assert any("C3:C5 merged from above the first data row (row 4): not filled down" in n for n in source.notes)
    assert not any("A1" in n for n in source.notes)  # the title merged across one row: nothing to fill


def test_a_title_row_and_a_blank_row_above_the_header(tmp_path):
    book = write_xlsx(tmp_path / "t.xlsx", [KEPT_HEADER, *KEPT_CASES],
                      before=[["Complaints register 2024/25"], [None, None]])
    source, batches = read_source(book)
    assert [n for b in batches for n in b.rows] == [4, 5, 6]
    assert source.header_row == 3
    assert "the header is row 3; 1 row above it (a title?) skipped" in source.notes
    results = run_paths([book], select=["CR602"])
    assert [(f.case_id, f.row) for f in results.findings] == [("C-2", 5)]


def test_the_officer_kept_fixture_matches_its_generator(tmp_path):
    import subprocess
    import sys

    script = ROOT / "fixtures/make_excel_kept.py"
    subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], check=True)
    assert (tmp_path / "officer-kept.xlsx").read_bytes() == (ROOT / "fixtures/cases/officer-kept.xlsx").read_bytes(), (
        "fixtures/cases/officer-kept.xlsx has drifted: run `python fixtures/make_excel_kept.py`")


def test_the_officer_kept_fixture_reads_as_kept(tmp_path):
    source, batches = read_source(ROOT / "fixtures/cases/officer-kept.xlsx")
    rows = [n for b in batches for n in b.rows]
    categories = [c for b in batches for c in b.cells["category"]]
    assert source.header_row == 3 and rows == list(range(4, 44))
    assert categories == (["Repairs"] * 10 + ["Damp and mould"] * 8 + ["Anti-social behaviour"] * 7
                          + ["Staff conduct"] * 9 + ["Rent and charges"] * 6)
    assert "row 44 looks like a totals row ('Total'), not a case; not checked" in source.notes
    results = run_paths([ROOT / "fixtures/cases/officer-kept.xlsx"])
    assert not results.problems and results.files[0].rows == 40
    assert not [f for f in results.findings if f.rule.startswith("CD")]
