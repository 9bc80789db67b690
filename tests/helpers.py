"""Small helpers the tests share: write case rows as a CSV or a workbook and run codecheck on it."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from codecheck.config import Config
from codecheck.engine import Engine
from codecheck.registry import default_registry
from codecheck.results import Results


def write_cases(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8", delimiter: str = ",") -> Path:
    columns: list[str] = []
    for row in rows:
        for key in row:
            if key not in columns:
                columns.append(key)
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, delimiter=delimiter, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def run_paths(paths, as_of: str = "2025-04-30", config: Config | None = None, select=(), ignore=()) -> Results:
    registry = default_registry()
    config = config or Config()
    rules = registry.select(select, ignore, config.severity)
    engine = Engine(registry, config, rules, dt.date.fromisoformat(as_of))
    return engine.run([str(p) for p in paths])


def run_rows(tmp_path: Path, rows: list[dict[str, str]], **kwargs) -> Results:
    return run_paths([write_cases(tmp_path / "cases.csv", rows)], **kwargs)


def rule_hits(results: Results) -> dict[str, set[str]]:
    """case id -> the rule ids found for it."""
    hits: dict[str, set[str]] = {}
    for f in results.findings:
        hits.setdefault(f.case_id or "", set()).add(f.rule)
    return hits


def write_xlsx(path: Path, rows: list[list], *, date1904: bool = False, title: str = "Cases",
               before: list[list] = (), extra_sheets: dict[str, list[list]] | None = None) -> Path:
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = openpyxl.Workbook()
    if date1904:
        wb.epoch = CALENDAR_MAC_1904
    extra_sheets = extra_sheets or {}
    ws = wb.active
    ws.title = title
    for row in [*before, *rows]:
        ws.append(row)
    for name, sheet_rows in extra_sheets.items():
        other = wb.create_sheet(name)
        for row in sheet_rows:
            other.append(row)
    wb.save(path)
    return path
