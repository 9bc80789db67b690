"""The per-batch ways of building, spooling and writing findings (issue 16, time) give what the
per-row ways gave: dates and days off from tables, messages once per distinct combination of
dates, records sorted and spooled by field, JSON written from the spooled records, duplicate case
ids found by their hashes. Each is compared here with the one-at-a-time way it replaces; the
whole output is compared with the output captured before in tests/test_streaming.py."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter
from types import SimpleNamespace

import numpy as np
import pytest

from codecheck.calendar import WorkingCalendar
from codecheck.checks import stages
from codecheck.checks.base import d
from codecheck.checks.data import duplicates_found
from codecheck.checks.process import _months_before, _months_before_each
from codecheck.findings import CaseFinding, Severity
from codecheck.formatters.json import JsonFormatter, finding_json, records_json
from codecheck.results import Block, Spool, _by_field, _sorted_fields, _spooled_fields, record_key
from tests.helpers import run_paths, write_cases


def _days(rng: random.Random, n: int, spread: int, nat: float = 0.1) -> np.ndarray:
    base = rng.randrange(-700_000, 2_900_000 - spread)  # years 1 to 9999: what a date can be
    days = np.array([rng.randrange(base, base + spread) for _ in range(n)], dtype="datetime64[D]")
    days[[rng.random() < nat for _ in range(n)]] = np.datetime64("NaT")
    return days


@pytest.mark.parametrize("spread", [5, 2_000, 60_000, 2_500_000])  # the last: too spread for a table
def test_day_tables_answer_as_one_day_at_a_time(spread):
    rng = random.Random(spread)
    cal = WorkingCalendar(closures=[dt.date(2024, 12, 27)])
    for _ in range(20):
        days = _days(rng, rng.randrange(1, 200), spread)
        assert stages._texts(days) == [None if np.isnat(x) else d(x) for x in days]
        assert stages._days_off(cal, days) == [None if np.isnat(x) else cal.day_off(x) for x in days]


def test_months_before_over_an_array():
    rng = random.Random(3)
    days = np.array([rng.randrange(-150_000, 150_000) for _ in range(5_000)] + list(range(19_000, 19_800)),
                    dtype="datetime64[D]")
    for months in (0, 1, 6, 11, 12, 13, 18, 24, 120):
        assert (_months_before_each(days, months) == np.array([_months_before(x, months) for x in days])).all()


def test_twelve_months_after_over_an_array():
    """CR203's time limit, twelve months after the issue (a 29 February's: the 28th), over the array."""
    def after(day: dt.date) -> dt.date:
        try:
            return day.replace(year=day.year + 1)
        except ValueError:
            return day.replace(year=day.year + 1, day=28)

    rng = random.Random(12)
    days = np.array([rng.randrange(-150_000, 150_000) for _ in range(5_000)] + list(range(19_000, 19_800)),
                    dtype="datetime64[D]")
    want = np.array([after(x) for x in days.astype(dt.date)], dtype="datetime64[D]")
    assert (_months_before_each(days, -12) == want).all()


def test_distinct_rows_share_a_message():
    rng = random.Random(5)
    a, b = _days(rng, 3_000, 40), _days(rng, 3_000, 3)
    first, which = stages._distinct(a, b)
    assert len(first) == len({(str(x), str(y)) for x, y in zip(a, b)})
    messages = stages._spread([f"{a[k]} {b[k]}" for k in first.tolist()], which)
    assert messages == [f"{x} {y}" for x, y in zip(a, b)]


def _records(rng: random.Random, n: int) -> list:
    rules = [("CD001", None), ("CR602", "6.2"), ("CR603", "6.3"), ("CR611", "6.11"), ("CR614", "6.14")]
    out = []
    for _ in range(n):
        rule, provision = rng.choice(rules)
        out.append((rng.randrange(2, 60), rng.choice(["C-1", None, "C-\u00e9"]), rule, provision,
                    rng.choice([20, 30]), f"m{rng.random()}", rng.choice([None, "stage1_ack_date"])))
    return out


def _mixed(records: list, rng: random.Random) -> list:
    """The records as a sink holds them: some as tuples, runs of one rule as blocks."""
    parts, k = [], 0
    while k < len(records):
        take = rng.randrange(1, 30)
        run = records[k:k + take]
        same = {(r[2], r[3], r[6]) for r in run}
        if len(same) == 1 and rng.random() < 0.7:
            levels = [r[4] for r in run]
            parts.append(Block([r[0] for r in run], [r[1] for r in run], run[0][2], run[0][3],
                               levels[0] if len(set(levels)) == 1 else levels, [r[5] for r in run], run[0][6]))
        else:
            parts.extend(run)
        k += take
    return parts


@pytest.mark.parametrize("n", [10, 500, 5_000])
def test_records_sorted_by_field_as_sorted_by_key(n):
    rng = random.Random(n)
    for _ in range(5):
        records = _records(rng, n)
        # one rule per run of equal rules, so blocks can hold them
        records.sort(key=lambda r: r[2])
        for k in range(len(records)):  # a rule's provision is the rule's
            rule = records[k][2]
            records[k] = records[k][:3] + ({"CD001": None}.get(rule, "6." + rule[3:].lstrip("0")),) + records[k][4:]
        parts = _mixed(records, rng)
        want = sorted(records, key=record_key)
        assert list(zip(*_sorted_fields(_by_field(parts)))) == want


@pytest.mark.parametrize("n", [10, 70, 500, 5_000])
def test_a_batch_spooled_by_whole_blocks_is_the_batch_sorted_by_key(n):
    """_spooled_fields (numpy over whole blocks, as emit.many gives them: rows and case ids as
    arrays) gives the records sorted_fields gives, as Python ints and strings, and their counts."""
    rng = random.Random(n + 1)
    for _ in range(10):
        records = _records(rng, n)
        records.sort(key=lambda r: r[2])
        for k in range(len(records)):
            rule = records[k][2]
            records[k] = records[k][:3] + ({"CD001": None}.get(rule, "6." + rule[3:].lstrip("0")),) + records[k][4:]
        parts = []
        for part in _mixed(records, rng):
            if type(part) is Block and rng.random() < 0.6:
                ids = np.empty(len(part.case_ids), dtype=object)
                ids[:] = part.case_ids
                part = Block(np.asarray(part.rows, dtype=np.int64), ids, part.rule, part.provision, part.levels,
                             part.messages, part.column)
            parts.append(part)
        fields, counts = _spooled_fields(parts)
        assert list(zip(*fields)) == sorted(records, key=record_key)
        assert {type(v) for v in fields[0] + fields[4]} <= {int}
        assert counts == Counter((r[3], r[2], r[4]) for r in records)
        messages = [m for part in parts for m in (part.messages if type(part) is Block else [part[5]])]
        assert {id(m) for m in fields[5]} == {id(m) for m in messages}  # the strings themselves, not copies


def test_rows_of_none_sort_the_general_way():
    records = [(None if k % 3 else k, "C", "CR602", "6.2", 30, str(k), None) for k in range(200)]
    assert list(zip(*_sorted_fields(_by_field(records)))) == sorted(records, key=record_key)


def test_spool_gives_the_findings_in_order(tmp_path):
    rng = random.Random(9)
    spool = Spool("cases.csv", str(tmp_path))
    everything = []
    for _ in range(6):  # batches out of order too: more than one sequence, merged when read
        records = [(r[0] + rng.randrange(0, 300),) + r[1:] for r in _records(rng, 400)]
        records = [r[:3] + ({"CD001": None}.get(r[2], "6." + r[2][3:].lstrip("0")),) + r[4:] for r in records]
        everything.extend(records)
        spool.add(list(records))
    assert len(spool.sequences) > 1
    want = sorted(everything, key=record_key)
    got = [(f.row, f.case_id, f.rule, f.provision, int(f.severity), f.message, f.column) for f in spool.findings()]
    assert got == want
    assert [r for fields in spool.runs() for r in zip(*fields)] == want
    spool.discard()


def test_json_from_records_is_json_of_findings():
    awkward = ['quote " and \\ back', "line\nbreak\ttab\x01", "caf\u00e9 \u2028 \U0001f600", ""]
    records = [(k + 2, case_id, "CR603", provision, level, message, column)
               for k, (case_id, provision, level, message, column) in enumerate(
                   (c, p, lv, m, col) for c in ("C-1", None, awkward[0]) for p in ("6.3", None)
                   for lv in (10, 20, 30) for m in awkward for col in (None, "stage1_response_date"))]
    for path in ("cases.csv", 'we"ird\\path.csv'):
        got = records_json(path, [list(field) for field in zip(*records)])
        want = [finding_json(CaseFinding(rule, provision, Severity(level), message, path, row, case_id, column))
                for row, case_id, rule, provision, level, message, column in records]
        assert got == want
        for text, record in zip(got, records):  # and it is the JSON of that finding
            assert json.loads(text)["message"] == record[5]
        odd = [r[:3] + ("6.3(a)" if k % 2 else r[3],) + r[4:] for k, r in enumerate(records)]  # two provisions
        assert records_json(path, [list(field) for field in zip(*odd)]) == [
            finding_json(CaseFinding(rule, provision, Severity(level), message, path, row, case_id, column))
            for row, case_id, rule, provision, level, message, column in odd]


def test_duplicate_ids_whose_hashes_collide_are_told_apart():
    found = []
    ctx = SimpleNamespace(state={"case ids": [
        (["A", "B", "C"], [2, 3, 4], np.array([7, 7, 1], dtype=np.int64)),  # A and B: one hash
        (["B", "D", "A", "A"], [5, 6, 7, 8], np.array([7, 9, 7, 7], dtype=np.int64)),
        (["E", "C"], [9, 10], np.array([7, 1], dtype=np.int64)),
    ]})
    duplicates_found(ctx, lambda row, message, **kw: found.append((kw["case_id"], row, message)))
    assert found == [("A", 7, "case id also used on line 2 and 1 other row"),
                     ("B", 5, "case id also used on line 3"),
                     ("C", 10, "case id also used on line 4")]


def test_spooled_run_finds_what_a_held_run_finds(tmp_path):
    """The command line's way (findings by block, spooled) and the held way (one Finding per
    emit) on an export full of breaches with unreadable cells, suppressions and small batches."""
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root / "benchmarks"))
    try:
        from gen_cases import write
    finally:
        sys.path.remove(str(root / "benchmarks"))
    path = tmp_path / "high.csv"
    write(3000, str(path), breaches=9.5)
    from codecheck.config import Config
    from codecheck.engine import Engine
    from codecheck.registry import default_registry

    registry = default_registry()
    config = Config(batch_size=700)
    rules = registry.select(config.select, config.ignore, config.severity)
    held = Engine(registry, config, rules, dt.date(2025, 6, 30)).run([path])
    spooled = Engine(registry, config, rules, dt.date(2025, 6, 30)).run([path], spool=str(tmp_path))
    formatter = JsonFormatter()
    assert formatter.render(spooled) == formatter.render(held)
    assert spooled.total() == len(held.findings) > 2000
    spooled.discard_spools()


def test_duplicate_ids_in_a_file(tmp_path):
    rows = [{"case_id": f"C-{i % 5}" if i % 4 else f"U-{i}", "received_date": "03/06/2024"} for i in range(40)]
    path = write_cases(tmp_path / "cases.csv", rows)
    from codecheck.config import Config

    dups = [f for f in run_paths([path], config=Config(batch_size=6)).findings if f.rule == "CD003"]
    seen: dict[str, list[int]] = {}
    for line, row in enumerate(rows, start=2):
        if row["case_id"] and not row["case_id"].startswith("U-"):
            seen.setdefault(row["case_id"], []).append(line)
    want = [(case_id, lines[1], len(lines) - 2) for case_id, lines in seen.items() if len(lines) > 1]
    assert [(f.case_id, f.row) for f in dups] == [(c, r) for c, r, _ in want]
    for f, (_, _, more) in zip(dups, want):
        assert (f"and {more} other row" in f.message) == bool(more)


def test_reliance_columns_for_many_rows():
    from codecheck.timeliness import Reliance

    rng = np.random.default_rng(2)
    no_ack, undone = rng.random(500) < 0.5, rng.random(500) < 0.3
    rows = np.flatnonzero(rng.random(500) < 0.6)
    for reliance in (Reliance(("a", "b"), ("c",), ("d", "e"), no_ack, undone), Reliance(("a",), (), (), no_ack, undone)):
        assert reliance.columns_at(rows) == [reliance.columns(i) for i in rows.tolist()]
        assert reliance.columns_at(rows[:0]) == []
