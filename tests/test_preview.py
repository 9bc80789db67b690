"""preview(): the header and first rows of an export whose headers do not match the
canonical columns yet (for `codecheck init --from EXPORT`), read as the readers read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from codecheck.config import Config
from codecheck.errors import InputError
from codecheck.readers.preview import Preview, preview

HEADER = ["Ref", "Date Logged", "Area", "Officer"]


def _xlsx(path: Path, rows: list[list], sheets: dict[str, list[list]] | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Export"
    for row in rows:
        ws.append(row)
    for title, other in (sheets or {}).items():
        extra = wb.create_sheet(title)
        for row in other:
            extra.append(row)
    wb.save(path)
    return path


def test_csv_header_and_rows_unmapped(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Ref,Date Logged,Area,Officer\nC1,01/02/2024,Repairs,AB\n\nC2,03/02/2024,Damp,CD\n",
                    encoding="utf-8")
    got = preview(path, Config())
    assert isinstance(got, Preview)
    assert got.header == HEADER and got.header_row == 1 and got.sheet is None
    assert got.rows == [["C1", "01/02/2024", "Repairs", "AB"], ["C2", "03/02/2024", "Damp", "CD"]]
    assert got.path == str(path)


def test_csv_delimiter_and_encoding_detected(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes("Ref;Date Logged;Area\nC1;01/02/2024;Caf\xe9 repairs\n".encode("cp1252"))
    got = preview(path, Config())
    assert got.header == ["Ref", "Date Logged", "Area"]
    assert got.rows == [["C1", "01/02/2024", "Caf\u00e9 repairs"]]
    assert any("Windows-1252" in n for n in got.notes)
    assert any("semicolon" in n for n in got.notes)


def test_tsv_and_limit(tmp_path):
    path = tmp_path / "export.tsv"
    path.write_text("Ref\tDate\n" + "".join(f"C{i}\t0{i % 9 + 1}/01/2024\n" for i in range(50)), encoding="utf-8")
    got = preview(path, Config(), limit=7)
    assert got.header == ["Ref", "Date"]
    assert [r[0] for r in got.rows] == [f"C{i}" for i in range(7)]
    assert preview(path, Config(), limit=0).rows == []


def test_rows_are_as_wide_as_the_header(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Ref,Date Logged,Area\nC1\nC2,01/01/2024,Damp,extra\n", encoding="utf-8")
    got = preview(path, Config())
    assert got.rows == [["C1", "", ""], ["C2", "01/01/2024", "Damp"]]
    assert any("beyond the header" in n for n in got.notes)


def test_csv_with_headers_codecheck_cannot_map_is_still_previewed(tmp_path):
    # The reader would refuse this file (no case_id, no received_date); preview does not.
    path = tmp_path / "export.csv"
    path.write_text("Officer,Notes\nAB,x\n", encoding="utf-8")
    assert preview(path, Config()).header == ["Officer", "Notes"]


def test_empty_and_missing_and_binary_files(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        preview(empty, Config())
    with pytest.raises(InputError, match="cannot be read") as missing:
        preview(tmp_path / "nope.csv", Config())
    assert missing.value.path.endswith("nope.csv")
    zipped = tmp_path / "disguised.csv"
    zipped.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(InputError, match="zip"):
        preview(zipped, Config())
    with pytest.raises(InputError, match="not a case-record export"):
        preview(tmp_path / "notes.pdf", Config())


def test_xlsx_title_and_blank_rows_above_the_header_are_skipped(tmp_path):
    path = _xlsx(tmp_path / "export.xlsx", [
        ["Complaints register 2024/25"],
        [],
        ["Produced by the housing team", None, None, None],
        HEADER,
        ["C1", dt.datetime(2024, 2, 1), "Repairs", "AB"],
        [None, None, None, None],
        ["C2", 45444, "Damp", 7],
    ])
    got = preview(path, Config())
    assert got.header == HEADER
    assert got.header_row == 4
    assert got.sheet == "Export"
    # Date cells become ISO dates; a bare number in a column named like a date column is
    # only a serial date when its header says so ("Date Logged" is no canonical name).
    assert got.rows == [["C1", "2024-02-01", "Repairs", "AB"], ["C2", "45444", "Damp", "7"]]
    assert any("header is row 4" in n for n in got.notes)


def test_xlsx_serials_in_date_columns_named_canonically(tmp_path):
    path = _xlsx(tmp_path / "export.xlsx", [["case_id", "received_date", "Area"], ["C1", 45444, 12.0]])
    assert preview(path, Config()).rows == [["C1", "2024-06-01", "12"]]
    configured = Config(columns={"received_date": "Logged"})
    path = _xlsx(tmp_path / "mapped.xlsx", [["Ref", "Logged"], ["C1", 45444]])
    assert preview(path, configured).rows == [["C1", "2024-06-01"]]


def test_xlsx_header_is_the_widest_of_the_first_rows_and_never_one_cell(tmp_path):
    path = _xlsx(tmp_path / "export.xlsx", [
        ["Title"],
        ["Run on", "Monday"],  # two text cells: wider than the title, narrower than the header
        HEADER,
        ["C1", "x", "y", "z"],
    ])
    got = preview(path, Config())
    assert got.header == HEADER and got.header_row == 3
    only_titles = _xlsx(tmp_path / "titles.xlsx", [["Title"], ["Another title"], [12, 13]])
    with pytest.raises(InputError, match="no header row") as exc:
        preview(only_titles, Config())
    assert "Export" in exc.value.message and exc.value.location == "1"


def test_xlsx_first_widest_row_wins(tmp_path):
    # A data row as wide as the header comes after it: the first widest is the header.
    path = _xlsx(tmp_path / "export.xlsx", [HEADER, ["C1", "a", "b", "c"]])
    got = preview(path, Config())
    assert got.header_row == 1 and got.rows == [["C1", "a", "b", "c"]]


def test_xlsx_configured_sheet_and_notes(tmp_path):
    path = _xlsx(tmp_path / "export.xlsx", [["Summary", "only"]], sheets={"Cases": [HEADER, ["C1", "", "", ""]]})
    first = preview(path, Config())
    assert first.sheet == "Export" and any("first sheet" in n for n in first.notes)
    chosen = preview(path, Config(sheet="Cases"))
    assert chosen.sheet == "Cases" and chosen.header == HEADER and chosen.rows == [["C1", "", "", ""]]
    with pytest.raises(InputError, match="has no sheet"):
        preview(path, Config(sheet="Nope"))


def test_xlsx_limit_and_empty_sheet(tmp_path):
    path = _xlsx(tmp_path / "export.xlsx", [HEADER] + [[f"C{i}", "", "", ""] for i in range(30)])
    assert [r[0] for r in preview(path, Config(), limit=3).rows] == ["C0", "C1", "C2"]
    empty = _xlsx(tmp_path / "empty.xlsx", [])
    with pytest.raises(InputError, match="empty"):
        preview(empty, Config())


def test_xlsx_damaged_or_disguised(tmp_path):
    fake = tmp_path / "export.xlsx"
    fake.write_text("Ref,Date\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a zip"):
        preview(fake, Config())


def test_xlsx_merged_category_is_filled_down(tmp_path):
    path = tmp_path / "export.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for i in range(4):
        ws.append([f"C{i}", "", "Damp" if i == 0 else None, "AB"])
    ws.merge_cells("C2:C4")
    wb.save(path)
    got = preview(path, Config())
    assert [r[2] for r in got.rows] == ["Damp", "Damp", "Damp", ""]
