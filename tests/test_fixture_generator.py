"""The committed case fixtures match their generator, and its stated facts hold."""

import csv
import re
import subprocess
import sys
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import holidays
import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SCRIPT = FIXTURES / "make_cases.py"
OUTPUTS = ("cases.csv", "cases-expected.csv", "cases-clean.csv")
TEST_DATA = Path(__file__).resolve().parent / "data"


def committed(name):
    """Where the generator's default run puts each output."""
    return (TEST_DATA if name == "cases-expected.csv" else FIXTURES) / name

RULES = [
    "6.2", "6.2-overdue", "6.3", "6.3-overdue", "6.3-ext-late", "6.4", "6.5",
    "6.11", "6.13", "6.14", "6.15", "6.16", "2.1", "2.3", "2.4", "5.2", "5.3",
    "5.10", "5.11", "7.3", "DATA-unreadable", "DATA-order", "DATA-duplicate",
]


def read(name, root=None):
    path = root / name if root else committed(name)
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("fixtures")
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], check=True)
    return out


@pytest.mark.parametrize("name", OUTPUTS)
def test_committed_fixture_matches_generator(generated, name):
    assert (generated / name).read_bytes() == committed(name).read_bytes(), (
        f"fixtures/{name} has drifted from fixtures/make_cases.py: "
        "run `python fixtures/make_cases.py` and commit the result")


def test_generator_is_deterministic(generated, tmp_path):
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(tmp_path)], check=True)
    for name in OUTPUTS:
        assert (tmp_path / name).read_bytes() == (generated / name).read_bytes()


def test_csv_form():
    raw = (FIXTURES / "cases.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.endswith(b"\r\n")
    assert raw.count(b"\r\n") == raw.count(b"\n")
    header = raw.split(b"\r\n", 1)[0].decode()
    assert header.startswith("case_id,record_type,received_date,")
    assert len(read("cases.csv")) >= 250
    assert len(read("cases-clean.csv")) >= 50


def test_expected_breaches_name_existing_cases():
    ids = Counter(r["case_id"] for r in read("cases.csv"))
    expected = read("cases-expected.csv")
    assert expected, "cases-expected.csv is empty"
    for row in expected:
        assert ids[row["case_id"]] >= 1, row
    # every labelled breach has at least two cases
    per_rule = Counter()
    for rule in RULES:
        per_rule[rule] = len({r["case_id"] for r in expected if r["rule"] == rule})
    assert all(n >= 2 for n in per_rule.values()), per_rule
    assert len([r for r in expected if r["rule"] == "none-service-request"]) >= 10
    # the duplicated ids are exactly the ones listed as DATA-duplicate
    dup = {r["case_id"] for r in expected if r["rule"] == "DATA-duplicate"}
    assert dup == {i for i, n in ids.items() if n > 1}
    # the clean file has no duplicate ids and no service requests
    clean = read("cases-clean.csv")
    assert len({r["case_id"] for r in clean}) == len(clean)
    assert all(r["record_type"] != "service_request" for r in clean)


# ---- an independent working-day count (design note, England and Wales)
BANK = holidays.UK(subdiv="ENG", years=[2024, 2025])


def working_days_after(x, e):
    """Working days strictly after x up to and including e."""
    n, d = 0, x
    while d < e:
        d += timedelta(days=1)
        if d.weekday() < 5 and d not in BANK:
            n += 1
    return n


def test_design_note_boundaries():
    assert working_days_after(date(2024, 12, 20), date(2025, 1, 2)) == 6    # late
    assert working_days_after(date(2024, 12, 20), date(2024, 12, 31)) == 5  # on time
    assert working_days_after(date(2025, 4, 17), date(2025, 4, 28)) == 5
    assert working_days_after(date(2024, 6, 3), date(2024, 6, 17)) == 10
    assert working_days_after(date(2024, 6, 3), date(2024, 6, 18)) == 11
    assert working_days_after(date(2024, 8, 23), date(2024, 9, 2)) == 5
    assert working_days_after(date(2024, 8, 23), date(2024, 9, 3)) == 6
    assert working_days_after(date(2024, 3, 28), date(2024, 4, 8)) == 5
    assert working_days_after(date(2024, 3, 28), date(2024, 4, 9)) == 6


MONTHS = {m: i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August",
     "September", "October", "November", "December"], start=1)}


def parse_date(s):
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        return date.fromisoformat(s)
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})", s)
    if m:
        y = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
        return date(y, int(m[2]), int(m[1]))
    return datetime.strptime(s, "%d %B %Y").date()


def test_fixture_boundary_cases_listed_as_stated():
    expected = {(r["case_id"], r["rule"]) for r in read("cases-expected.csv")}
    found = {}
    for r in read("cases.csv"):
        if not r["stage1_ack_date"]:
            continue
        key = (parse_date(r["received_date"]), parse_date(r["stage1_ack_date"]))
        found[key] = r["case_id"]
    for received, ack, late in [
        (date(2024, 12, 20), date(2025, 1, 2), True),
        (date(2024, 12, 20), date(2024, 12, 31), False),
        (date(2024, 8, 23), date(2024, 9, 3), True),
        (date(2024, 8, 23), date(2024, 9, 2), False),
        (date(2024, 3, 28), date(2024, 4, 9), True),
        (date(2024, 3, 28), date(2024, 4, 8), False),
    ]:
        case_id = found[(received, ack)]
        assert (working_days_after(received, ack) > 5) is late
        assert ((case_id, "6.2") in expected) is late, case_id
